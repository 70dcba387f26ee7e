// Differential test of RunDedup against a slow exact reference: every pair of
// documents compared by exact Jaccard similarity of their 5-gram shingle
// sets, clusters by union-find. The corpus is generated with near-duplicates
// planted at known similarities across 0.5..1.0.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>
#include <tbb/global_control.h>

#include "corpus_gen.h"
#include "doppel/dedup.h"
#include "doppel/lsh.h"
#include "doppel/text.h"
#include "doppel/union_find.h"
#include "test_util.h"

namespace doppel {
namespace {

using doppel_test::GenDoc;
using doppel_test::TempDir;

constexpr int kNgram = 5;
constexpr int kMinTokens = 20;  // DedupOptions::min_tokens
constexpr double kThreshold = 0.8;

uint32_t CodePoints(const std::string& s) {
  uint32_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The exact reference.
struct Reference {
  std::vector<std::vector<uint64_t>> sets;  // sorted shingle sets
  std::vector<bool> eligible;               // at least kMinTokens tokens
  std::map<std::pair<uint32_t, uint32_t>, double> similar;  // every pair with J >= 0.5

  double J(uint32_t a, uint32_t b) const {
    if (a > b) std::swap(a, b);
    auto it = similar.find({a, b});
    if (it != similar.end()) return it->second;
    return Jaccard(sets[a], sets[b]);
  }
  // Partition by the pairs at or above `t`, named by the smallest index.
  std::vector<uint32_t> Components(double t) const {
    UnionFind uf(sets.size());
    for (const auto& [p, j] : similar) {
      if (j >= t) uf.Union(p.first, p.second);
    }
    std::vector<uint32_t> root(sets.size());
    for (uint32_t d = 0; d < sets.size(); ++d) root[d] = uf.Find(d);
    return root;
  }
};

Reference BuildReference(const std::vector<GenDoc>& docs) {
  Reference ref;
  const size_t n = docs.size();
  ref.sets.resize(n);
  ref.eligible.resize(n);
  for (size_t d = 0; d < n; ++d) {
    std::vector<uint64_t> tokens;
    TokenHashes(docs[d].text, &tokens);
    ref.eligible[d] = tokens.size() >= static_cast<size_t>(kMinTokens);
    ShingleHashes(tokens, kNgram, &ref.sets[d]);
    SortUnique(&ref.sets[d]);
  }
  // All pairs. (Jaccard of two sets is at most the ratio of their sizes,
  // so pairs whose sizes differ by more than 2x cannot reach 0.5 and are
  // skipped: this changes no result.)
  for (uint32_t a = 0; a < n; ++a) {
    if (!ref.eligible[a]) continue;
    for (uint32_t b = a + 1; b < n; ++b) {
      if (!ref.eligible[b]) continue;
      size_t sa = ref.sets[a].size(), sb = ref.sets[b].size();
      if (std::min(sa, sb) * 2 < std::max(sa, sb)) continue;
      double j = Jaccard(ref.sets[a], ref.sets[b]);
      if (j >= 0.5) ref.similar[{a, b}] = j;
    }
  }
  return ref;
}

// What a run wrote, parsed back.
struct RunOutput {
  DedupSummary summary;
  std::vector<int64_t> cluster;  // per document: index of the document named in its "cluster" field
  std::map<std::pair<uint32_t, uint32_t>, double> pairs;  // (a < b) -> reported jaccard
  std::vector<std::string> kept_lines;
};

uint32_t IndexOfId(std::string_view id) {
  // Ids are "d00042".
  EXPECT_EQ(id.size(), 6u);
  EXPECT_EQ(id[0], 'd');
  return static_cast<uint32_t>(std::stoul(std::string(id.substr(1))));
}

class DedupDiffSlow : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    doppel_test::GenOptions g;
    g.seed = 20240611;
    g.base_docs = 700;
    g.short_docs = 30;
    g.empty_docs = true;
    docs_ = new std::vector<GenDoc>(doppel_test::CorpusGenerator(g).Generate());
    ref_ = new Reference(BuildReference(*docs_));
    dir_ = new TempDir();
    corpus_path_ = new std::string(dir_->Join("corpus.jsonl"));
    input_lines_ = new std::vector<std::string>();
    std::string jsonl = doppel_test::ToJsonl(*docs_);
    doppel_test::WriteFile(*corpus_path_, jsonl);
    *input_lines_ = doppel_test::SplitLines(jsonl);
  }
  static void TearDownTestSuite() {
    delete docs_;
    delete ref_;
    delete dir_;
    delete corpus_path_;
    delete input_lines_;
  }

  static DedupOptions Options() {
    DedupOptions o;
    o.corpus.inputs = {*corpus_path_};
    o.corpus.progress = false;
    o.corpus.tmp_dir = dir_->path();
    o.threshold = kThreshold;
    o.ngram = kNgram;
    return o;
  }

  // Runs dedup with outputs in a fresh folder and parses them back.
  static RunOutput Run(DedupOptions o, const std::string& name) {
    const std::string out_dir = dir_->Join(name);
    std::filesystem::create_directories(out_dir);
    o.output = out_dir + "/kept.jsonl";
    o.clusters_path = out_dir + "/clusters.jsonl";
    o.pairs_path = out_dir + "/pairs.jsonl";
    RunOutput r;
    auto result = RunDedup(o);
    EXPECT_TRUE(result.ok()) << result.status().message();
    if (!result.ok()) return r;
    r.summary = *result;
    const size_t n = docs_->size();
    r.cluster.assign(n, -1);
    simdjson::dom::parser parser;
    for (const std::string& line : doppel_test::SplitLines(doppel_test::ReadFile(o.clusters_path))) {
      simdjson::dom::element row = parser.parse(line);
      uint32_t id = IndexOfId(std::string_view(row["id"]));
      uint32_t cluster = IndexOfId(std::string_view(row["cluster"]));
      EXPECT_LT(id, n);
      EXPECT_EQ(r.cluster[id], -1) << "two rows for " << line;
      r.cluster[id] = cluster;
    }
    for (const std::string& line : doppel_test::SplitLines(doppel_test::ReadFile(o.pairs_path))) {
      simdjson::dom::element row = parser.parse(line);
      uint32_t a = IndexOfId(std::string_view(row["a"]));
      uint32_t b = IndexOfId(std::string_view(row["b"]));
      double j = double(row["jaccard"]);
      EXPECT_NE(a, b);
      if (a > b) std::swap(a, b);
      EXPECT_EQ(r.pairs.count({a, b}), 0u) << "pair reported twice: " << line;
      r.pairs[{a, b}] = j;
    }
    r.kept_lines = doppel_test::SplitLines(doppel_test::ReadFile(o.output));
    return r;
  }

  // The checks every run must pass, whatever its options: counts add up,
  // every document has a cluster whose representative is a member, the
  // clusters are the components of the reported pairs, and the kept output
  // is the representatives' input lines, byte for byte, in input order.
  static void CheckConsistent(const RunOutput& r, Keep keep) {
    const size_t n = docs_->size();
    EXPECT_EQ(r.summary.counts.read, n);
    EXPECT_EQ(r.summary.counts.rejected, 0u);
    EXPECT_EQ(r.summary.counts.kept + r.summary.counts.removed, n);
    EXPECT_EQ(r.summary.duplicate_pairs, r.pairs.size());
    for (size_t d = 0; d < n; ++d) ASSERT_NE(r.cluster[d], -1) << "no cluster row for document " << d;
    // Components of the reported pairs.
    UnionFind uf(n);
    for (const auto& [p, j] : r.pairs) uf.Union(p.first, p.second);
    std::map<uint32_t, std::vector<uint32_t>> groups;  // by the cluster field
    for (uint32_t d = 0; d < n; ++d) groups[static_cast<uint32_t>(r.cluster[d])].push_back(d);
    uint64_t multi = 0;
    for (const auto& [rep, members] : groups) {
      multi += members.size() > 1;
      // The representative belongs to its cluster...
      EXPECT_TRUE(std::find(members.begin(), members.end(), rep) != members.end()) << rep;
      // ...which is exactly one component of the pairs.
      for (uint32_t m : members) EXPECT_EQ(uf.Find(m), uf.Find(members[0]));
      // The representative is the first member in input order, or the
      // longest text (the first of the longest).
      uint32_t expected = members[0];
      if (keep == Keep::kLongest) {
        for (uint32_t m : members) {
          if (CodePoints((*docs_)[m].text) > CodePoints((*docs_)[expected].text)) expected = m;
        }
      }
      EXPECT_EQ(rep, expected);
    }
    size_t components = 0;
    for (uint32_t d = 0; d < n; ++d) components += uf.Find(d) == d;
    EXPECT_EQ(groups.size(), components);
    EXPECT_EQ(r.summary.clusters, multi);
    // Kept records: byte-identical input lines of the representatives.
    std::vector<std::string> expected_kept;
    for (uint32_t d = 0; d < n; ++d) {
      if (r.cluster[d] == d) expected_kept.push_back((*input_lines_)[d]);
    }
    EXPECT_EQ(r.summary.counts.kept, expected_kept.size());
    EXPECT_TRUE(r.kept_lines == expected_kept) << r.kept_lines.size() << " kept lines, expected "
                                               << expected_kept.size();
    // Short and empty documents are never anybody's duplicate.
    for (const auto& [p, j] : r.pairs) {
      EXPECT_TRUE(ref_->eligible[p.first] && ref_->eligible[p.second])
          << "a document with fewer than " << kMinTokens << " words was paired: " << p.first << " " << p.second;
    }
  }

  // Precision: every reported pair is at or above the threshold, and its
  // reported similarity is the exact one (to the 4 decimals written).
  static void CheckPrecision(const RunOutput& r) {
    for (const auto& [p, reported] : r.pairs) {
      double exact = ref_->J(p.first, p.second);
      EXPECT_GE(exact, kThreshold) << "pair " << p.first << "," << p.second << " reported with jaccard " << reported;
      EXPECT_NEAR(reported, exact, 1e-4) << "pair " << p.first << "," << p.second;
    }
  }

  // Recall over the reference pairs with J >= min_j.
  static double Recall(const RunOutput& r, double min_j, size_t* count) {
    size_t total = 0, found = 0;
    for (const auto& [p, j] : ref_->similar) {
      if (j < min_j) continue;
      ++total;
      found += r.pairs.count(p);
    }
    *count = total;
    return total == 0 ? 1.0 : static_cast<double>(found) / static_cast<double>(total);
  }

  // The run's clusters refine the reference's at the threshold: no cluster
  // spans two reference clusters. Returns the reference pairs with
  // J >= min_j whose documents the run put in different clusters.
  static size_t CheckRefinesReference(const RunOutput& r, double min_j) {
    std::vector<uint32_t> ref_root = ref_->Components(kThreshold);
    std::map<int64_t, uint32_t> ref_of_cluster;
    for (uint32_t d = 0; d < docs_->size(); ++d) {
      auto [it, fresh] = ref_of_cluster.emplace(r.cluster[d], ref_root[d]);
      EXPECT_EQ(it->second, ref_root[d]) << "run cluster " << r.cluster[d] << " spans two reference clusters";
    }
    size_t split = 0;
    for (const auto& [p, j] : ref_->similar) {
      if (j >= min_j && r.cluster[p.first] != r.cluster[p.second]) ++split;
    }
    return split;
  }

  static std::vector<GenDoc>* docs_;
  static Reference* ref_;
  static TempDir* dir_;
  static std::string* corpus_path_;
  static std::vector<std::string>* input_lines_;
};

std::vector<GenDoc>* DedupDiffSlow::docs_ = nullptr;
Reference* DedupDiffSlow::ref_ = nullptr;
TempDir* DedupDiffSlow::dir_ = nullptr;
std::string* DedupDiffSlow::corpus_path_ = nullptr;
std::vector<std::string>* DedupDiffSlow::input_lines_ = nullptr;

// The generated corpus is what the test needs: enough documents, planted
// pairs spread over 0.5..1.0 and over the threshold, and short copies.
TEST_F(DedupDiffSlow, CorpusCoversTheRange) {
  EXPECT_GE(docs_->size(), 1400u);
  std::map<int, int> by_tenth;
  for (const auto& [p, j] : ref_->similar) ++by_tenth[std::min(9, static_cast<int>(j * 10))];
  EXPECT_GE(by_tenth[5], 30);
  EXPECT_GE(by_tenth[6], 30);
  EXPECT_GE(by_tenth[7], 30);
  EXPECT_GE(by_tenth[8], 30);
  EXPECT_GE(by_tenth[9], 80);
  size_t near_threshold = 0;
  for (const auto& [p, j] : ref_->similar) near_threshold += j >= 0.78 && j < 0.85;
  EXPECT_GE(near_threshold, 10u);
  // Short documents with copies (same words; punctuation may differ).
  size_t short_copies = 0;
  for (uint32_t a = 0; a < docs_->size(); ++a) {
    if (ref_->eligible[a] || ref_->sets[a].empty()) continue;
    for (uint32_t b = a + 1; b < docs_->size(); ++b) short_copies += ref_->sets[a] == ref_->sets[b];
  }
  EXPECT_GE(short_copies, 10u);
}

TEST_F(DedupDiffSlow, DefaultsArePreciseAndFindNearlyAllDuplicates) {
  RunOutput r = Run(Options(), "default");
  CheckConsistent(r, Keep::kFirst);
  CheckPrecision(r);
  // The default LSH parameters when verifying favour recall: P(candidate)
  // >= 0.99 from threshold + 0.05.
  size_t count = 0;
  double recall = Recall(r, 0.85, &count);
  EXPECT_GE(count, 200u);
  EXPECT_GE(recall, 0.99) << "over " << count << " reference pairs with J >= 0.85";
  // Between the threshold and 0.85, recall is what the S-curve predicts.
  double expected = 0, variance = 0;
  size_t band_total = 0, band_found = 0;
  LshParams lsh{r.summary.bands, r.summary.rows};
  for (const auto& [p, j] : ref_->similar) {
    if (j < kThreshold) continue;
    double pc = CandidateProbability(j, lsh);
    expected += pc;
    variance += pc * (1 - pc);
    ++band_total;
    band_found += r.pairs.count(p);
  }
  EXPECT_GE(static_cast<double>(band_found), expected - 4 * std::sqrt(variance) - 1)
      << band_found << " of " << band_total << " pairs >= threshold found, " << expected << " expected";
  // Clusters: within the reference's, and no pair >= 0.85 left apart.
  EXPECT_LE(CheckRefinesReference(r, 0.85), count / 100);
}

TEST_F(DedupDiffSlow, HighRecallBandingGivesTheReferenceClustersExactly) {
  // 32 bands of 4 rows: P(candidate) at J = 0.8 is 1 - 1e-7; every pair
  // >= threshold is found, so the clusters equal the reference's.
  DedupOptions o = Options();
  o.bands = 32;
  o.rows = 4;
  RunOutput r = Run(o, "high_recall");
  CheckConsistent(r, Keep::kFirst);
  CheckPrecision(r);
  std::set<std::pair<uint32_t, uint32_t>> expected_pairs;
  for (const auto& [p, j] : ref_->similar) {
    if (j >= kThreshold) expected_pairs.insert(p);
  }
  std::set<std::pair<uint32_t, uint32_t>> got_pairs;
  for (const auto& [p, j] : r.pairs) got_pairs.insert(p);
  EXPECT_TRUE(got_pairs == expected_pairs) << got_pairs.size() << " pairs, expected " << expected_pairs.size();
  // Same partition, named by the first member.
  std::vector<uint32_t> ref_root = ref_->Components(kThreshold);
  for (uint32_t d = 0; d < docs_->size(); ++d) EXPECT_EQ(r.cluster[d], ref_root[d]) << d;
  EXPECT_EQ(CheckRefinesReference(r, kThreshold), 0u);
}

TEST_F(DedupDiffSlow, KeepLongest) {
  DedupOptions o = Options();
  o.bands = 32;
  o.rows = 4;
  o.keep = Keep::kLongest;
  RunOutput r = Run(o, "longest");
  CheckConsistent(r, Keep::kLongest);
  CheckPrecision(r);
  // Same partition as the reference; the representative is the longest.
  std::vector<uint32_t> ref_root = ref_->Components(kThreshold);
  for (uint32_t a = 0; a < docs_->size(); ++a) {
    EXPECT_EQ(ref_root[static_cast<uint32_t>(r.cluster[a])], ref_root[a]);
  }
  // Some cluster's longest member is not its first, or this test would not
  // tell --keep longest from --keep first.
  size_t differs = 0;
  for (uint32_t d = 0; d < docs_->size(); ++d) differs += r.cluster[d] != ref_root[d];
  EXPECT_GT(differs, 10u);
}

TEST_F(DedupDiffSlow, NoVerifyAcceptsExactlyTheCandidates) {
  // Without verification every LSH candidate is a duplicate (and so is
  // every pair of documents with identical tokens, found without LSH). With
  // the same bands and rows, the verified run's pairs are exactly the
  // unverified run's pairs whose exact similarity reaches the threshold.
  DedupOptions o = Options();
  o.verify = false;
  RunOutput nv = Run(o, "no_verify");
  CheckConsistent(nv, Keep::kFirst);
  // datasketch's weights without verification.
  LshParams expected_lsh = OptimalLshParams(kThreshold, o.num_perm, 0.5, 0.5);
  EXPECT_EQ(nv.summary.bands, expected_lsh.bands);
  EXPECT_EQ(nv.summary.rows, expected_lsh.rows);
  EXPECT_EQ(nv.summary.duplicate_pairs, nv.pairs.size());
  EXPECT_LE(nv.summary.candidate_pairs, nv.pairs.size());

  DedupOptions v = Options();
  v.bands = nv.summary.bands;
  v.rows = nv.summary.rows;
  RunOutput ver = Run(v, "verify_same_bands");
  CheckConsistent(ver, Keep::kFirst);
  CheckPrecision(ver);
  EXPECT_EQ(ver.summary.candidate_pairs, nv.summary.candidate_pairs);
  std::set<std::pair<uint32_t, uint32_t>> filtered;
  size_t above_07 = 0;
  for (const auto& [p, est] : nv.pairs) {
    double exact = ref_->J(p.first, p.second);
    if (exact >= kThreshold) filtered.insert(p);
    above_07 += exact >= 0.7;
    // The reported similarity is the MinHash estimate: close to the exact
    // value (standard deviation <= 0.045 at 128 values).
    EXPECT_NEAR(est, exact, 0.25) << p.first << "," << p.second;
  }
  std::set<std::pair<uint32_t, uint32_t>> verified;
  for (const auto& [p, j] : ver.pairs) verified.insert(p);
  EXPECT_TRUE(filtered == verified) << filtered.size() << " vs " << verified.size();
  // Unverified output is still mostly right at this threshold.
  EXPECT_GE(static_cast<double>(above_07), 0.9 * static_cast<double>(nv.pairs.size()));
  EXPECT_GT(nv.pairs.size(), 100u);
}

TEST_F(DedupDiffSlow, ThreadCountAndBatchSizeDoNotChangeTheOutput) {
  RunOutput a;
  {
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    a = Run(Options(), "one_thread");
  }
  DedupOptions o = Options();
  o.corpus.batch_bytes = 16 << 10;  // many batches in flight
  RunOutput b = Run(o, "small_batches");
  CheckConsistent(b, Keep::kFirst);
  EXPECT_EQ(a.cluster, b.cluster);
  EXPECT_EQ(a.pairs, b.pairs);
  EXPECT_EQ(a.kept_lines, b.kept_lines);
}

TEST_F(DedupDiffSlow, SetsInAScratchFileGiveTheSameOutput) {
  RunOutput a = Run(Options(), "sets_in_memory");
  DedupOptions o = Options();
  o.verify_memory = 0;  // every candidate's set goes through the scratch file
  RunOutput b = Run(o, "sets_on_disk");
  ASSERT_GT(a.pairs.size(), 0u);
  EXPECT_EQ(a.cluster, b.cluster);
  EXPECT_EQ(a.pairs, b.pairs);
  EXPECT_EQ(a.kept_lines, b.kept_lines);
  o.verify = false;
  RunOutput c = Run(o, "signatures_on_disk");
  DedupOptions m = Options();
  m.verify = false;
  RunOutput d = Run(m, "signatures_in_memory");
  EXPECT_EQ(c.pairs, d.pairs);
  EXPECT_EQ(c.cluster, d.cluster);
}

// Plain files are read again by offset; compressed ones and standard input
// by streaming. Both must give the same bytes, also around blank lines, CRLF
// line ends, rejected records, a last line without a line break, and
// several files.
TEST(DedupReadPaths, PlainAndCompressedInputGiveIdenticalOutputs) {
  doppel_test::TempDir dir;
  doppel_test::Rng rng(11);
  std::string a, b;
  std::vector<std::string> words;
  for (int i = 0; i < 400; ++i) words.push_back(doppel_test::PseudoWord(rng, 3 + static_cast<int>(rng.Below(6))));
  auto text = [&](uint64_t seed, int len) {
    doppel_test::Rng r(seed);
    std::string t;
    for (int i = 0; i < len; ++i) t += words[r.Below(words.size())] + " ";
    return t;
  };
  for (int i = 0; i < 300; ++i) {
    // Every third record is a copy of an earlier one with one word changed.
    std::string t = text(i % 3 == 2 ? i - 1 : i, 40 + i % 50);
    if (i % 3 == 2) t += "changed";
    std::string line = "{\"id\":" + std::to_string(i) + ",\"text\":\"" + t + "\",\"n\":" + std::to_string(i) + "}";
    std::string& f = i < 150 ? a : b;
    f += line;
    f += i % 7 == 0 ? "\r\n" : "\n";
    if (i % 11 == 0) f += "\n  \n";           // blank lines
    if (i % 5 == 0) f += "\n";                 // an empty line
    if (i % 13 == 0) f += "{\"id\": broken\n";  // a bad record
  }
  b.pop_back();  // the second file ends without a line break
  doppel_test::WriteFile(dir.Join("a.jsonl"), a);
  doppel_test::WriteFile(dir.Join("b.jsonl"), b);
  doppel_test::WriteGzip(dir.Join("a.jsonl.gz"), a);
  doppel_test::WriteZstd(dir.Join("b.jsonl.zst"), b);
  auto run = [&](std::vector<std::string> inputs, const std::string& name) {
    DedupOptions o;
    o.corpus.inputs = std::move(inputs);
    o.corpus.progress = false;
    o.corpus.tmp_dir = dir.path();
    o.corpus.on_error = OnError::kSkip;
    o.corpus.rejects_path = dir.Join(name + ".rejects");
    o.threshold = 0.7;
    o.output = dir.Join(name + ".kept");
    o.clusters_path = dir.Join(name + ".clusters");
    o.pairs_path = dir.Join(name + ".pairs");
    auto r = RunDedup(o);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return std::vector<std::string>{doppel_test::ReadFile(o.output), doppel_test::ReadFile(o.clusters_path),
                                    doppel_test::ReadFile(o.pairs_path)};
  };
  auto plain = run({dir.Join("a.jsonl"), dir.Join("b.jsonl")}, "plain");
  auto packed = run({dir.Join("a.jsonl.gz"), dir.Join("b.jsonl.zst")}, "packed");
  ASSERT_FALSE(plain[2].empty()) << "the corpus should have duplicates";
  EXPECT_EQ(plain, packed);
  // The kept records are the input's lines, byte for byte (CR included).
  size_t crlf = 0;
  for (const std::string& line : doppel_test::SplitLines(plain[0])) {
    EXPECT_TRUE(a.find(line) != std::string::npos || b.find(line) != std::string::npos) << line;
    crlf += !line.empty() && line.back() == '\r';
  }
  EXPECT_GT(crlf, 0u);
}

// ---------------------------------------------------------------------------
// Small exact cases, fast.

class DedupExact : public testing::Test {
 protected:
  // Runs dedup over `texts` with n = 1 word shingles and banding that finds
  // every pair above 0.5; returns the reported pairs.
  std::set<std::pair<int, int>> Pairs(const std::vector<std::string>& texts, double threshold, int min_tokens = 20,
                                      Keep keep = Keep::kFirst) {
    std::string jsonl;
    for (size_t i = 0; i < texts.size(); ++i) jsonl += "{\"id\":" + std::to_string(i) + ",\"text\":\"" + texts[i] + "\"}\n";
    doppel_test::WriteFile(dir_.Join("in.jsonl"), jsonl);
    DedupOptions o;
    o.corpus.inputs = {dir_.Join("in.jsonl")};
    o.corpus.progress = false;
    o.corpus.tmp_dir = dir_.path();
    o.ngram = 1;
    o.bands = 64;
    o.rows = 2;
    o.min_tokens = min_tokens;
    o.threshold = threshold;
    o.output = dir_.Join("out.jsonl");
    o.pairs_path = dir_.Join("pairs.jsonl");
    o.clusters_path = dir_.Join("clusters.jsonl");
    o.keep = keep;
    auto result = RunDedup(o);
    EXPECT_TRUE(result.ok()) << result.status().message();
    std::set<std::pair<int, int>> pairs;
    simdjson::dom::parser parser;
    for (const std::string& line : doppel_test::SplitLines(doppel_test::ReadFile(o.pairs_path))) {
      simdjson::dom::element row = parser.parse(line);
      pairs.insert({static_cast<int>(int64_t(row["a"])), static_cast<int>(int64_t(row["b"]))});
    }
    return pairs;
  }
  static std::string Words(int from, int to) {
    std::string s;
    for (int i = from; i < to; ++i) s += (s.empty() ? "w" : " w") + std::to_string(i);
    return s;
  }
  TempDir dir_;
};

TEST_F(DedupExact, SimilarityEqualToTheThresholdIsADuplicate) {
  // 30 distinct words and their first 27 / 21 / 24: Jaccard 0.9, 0.7, 0.8
  // exactly, values that binary floating point cannot hold exactly.
  const std::string all = Words(0, 30);
  EXPECT_EQ(Pairs({all, Words(0, 27)}, 0.9), (std::set<std::pair<int, int>>{{0, 1}}));
  EXPECT_EQ(Pairs({all, Words(0, 21)}, 0.7), (std::set<std::pair<int, int>>{{0, 1}}));
  EXPECT_EQ(Pairs({all, Words(0, 24)}, 0.8), (std::set<std::pair<int, int>>{{0, 1}}));
  EXPECT_EQ(Pairs({all, Words(0, 29)}, 29.0 / 30), (std::set<std::pair<int, int>>{{0, 1}}));
}

TEST_F(DedupExact, SimilarityJustBelowTheThresholdIsNot) {
  const std::string all = Words(0, 30);
  EXPECT_TRUE(Pairs({all, Words(0, 26)}, 0.87).empty());  // 26/30 = 0.8667
  EXPECT_TRUE(Pairs({all, Words(0, 20)}, 0.67).empty());  // 20/30 = 0.6667
  EXPECT_TRUE(Pairs({all, Words(0, 26)}, 26.0 / 30 + 1e-6).empty());
}

TEST_F(DedupExact, KeepLongestTakesTheFirstOfTheLongest) {
  // One cluster: a 28-word text, then two of 30 words (equal lengths in code
  // points), then one of 29. The first 30-word text is kept.
  const std::string w30 = Words(0, 30), w30b = Words(0, 29) + " w99";
  ASSERT_EQ(w30.size(), w30b.size());
  auto pairs = Pairs({Words(0, 28), w30, w30b, Words(0, 29)}, 0.8, 20, Keep::kLongest);
  EXPECT_FALSE(pairs.empty());
  std::vector<std::string> kept;
  simdjson::dom::parser parser;
  for (const std::string& line : doppel_test::SplitLines(doppel_test::ReadFile(dir_.Join("out.jsonl")))) {
    kept.push_back(std::string(std::string_view(parser.parse(line)["text"])));
  }
  EXPECT_EQ(kept, std::vector<std::string>{w30});
  for (const std::string& line : doppel_test::SplitLines(doppel_test::ReadFile(dir_.Join("clusters.jsonl")))) {
    EXPECT_EQ(int64_t(parser.parse(line)["cluster"]), 1) << line;
  }
  // With --keep first, the first text.
  Pairs({Words(0, 28), w30, w30b, Words(0, 29)}, 0.8, 20, Keep::kFirst);
  EXPECT_EQ(doppel_test::SplitLines(doppel_test::ReadFile(dir_.Join("out.jsonl"))).size(), 1u);
  EXPECT_NE(doppel_test::ReadFile(dir_.Join("out.jsonl")).find("\"id\":0,"), std::string::npos);
}

TEST_F(DedupExact, MinTokens) {
  // 19 words: too short to be anybody's duplicate; 20 words: long enough.
  EXPECT_TRUE(Pairs({Words(0, 19), Words(0, 19)}, 0.8).empty());
  EXPECT_EQ(Pairs({Words(0, 20), Words(0, 20)}, 0.8), (std::set<std::pair<int, int>>{{0, 1}}));
  EXPECT_EQ(Pairs({Words(0, 5), Words(0, 5)}, 0.8, 1), (std::set<std::pair<int, int>>{{0, 1}}));
  // Empty texts never, whatever the limit.
  EXPECT_TRUE(Pairs({"", "", " . "}, 0.8, 0).empty());
}

}  // namespace
}  // namespace doppel
