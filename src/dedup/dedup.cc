// doppel dedup: sketch -> band -> verify -> cluster -> write.
#include "doppel/dedup.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "dedup/set_store.h"
#include "doppel/input.h"
#include "doppel/lsh.h"
#include "doppel/minhash.h"
#include "doppel/output.h"
#include "doppel/text.h"
#include "doppel/union_find.h"
#include "io/scan.h"
#include "util/fd_io.h"
#include "util/hash_sort.h"
#include "util/id_table.h"
#include "util/progress.h"
#include "util/run.h"

namespace doppel {
namespace {


Status CheckOptions(const DedupOptions& o) {
  if (o.ngram < 1 || o.ngram > 64) return InvalidArgument("--ngram must be between 1 and 64");
  if (o.num_perm < 1 || o.num_perm > 4096) return InvalidArgument("--num-perm must be between 1 and 4096");
  if (!(o.threshold > 0.0 && o.threshold <= 1.0)) return InvalidArgument("--threshold must be in (0, 1]");
  if ((o.bands > 0) != (o.rows > 0)) return InvalidArgument("give both --bands and --rows, or neither");
  if (o.bands < 0 || o.rows < 0) return InvalidArgument("--bands and --rows must be positive");
  if (o.fp_weight < 0 || o.fn_weight < 0) return InvalidArgument("--lsh-weights must not be negative");
  if (o.min_tokens < 0) return InvalidArgument("--min-tokens must not be negative");
  if (o.bands > 0 && static_cast<int64_t>(o.bands) * o.rows > o.num_perm) {
    return InvalidArgument(fmt::format("--bands x --rows = {} exceeds --num-perm {}; lower one or raise --num-perm",
                                       o.bands * o.rows, o.num_perm));
  }
  return Status::Ok();
}

// What the parallel stage computes for one document.
struct Sketched {
  std::string id_json;
  uint32_t length = 0;               // code points
  uint32_t set_size = 0;             // shingles with repeats (verify) or signature values
  std::vector<uint64_t> band_keys;
  bool skip = false;                 // too short: never a candidate
  uint64_t fingerprint = 0;          // of the token sequence: equal for exact copies
};

// Per-document state kept between the passes: about 40 bytes plus the id
// and the band keys. Shingle sets are not kept: the few documents that turn
// out to be candidates are read again and their sets rebuilt.
struct DocTable {
  IdTable ids;
  std::vector<uint32_t> length;
  std::vector<uint32_t> set_size;
  BandKeys band_keys{0};            // bands per document
  std::vector<uint8_t> skip;
  std::vector<uint64_t> fingerprint;
  // Where each record is in its file, so that the later passes can read
  // just the records they need from plain files (InputSet::ReadAt).
  std::vector<uint32_t> file;
  std::vector<uint64_t> offset;
  std::vector<uint32_t> bytes;
  bool direct = true;  // every record is in a random-access file and under 4 GiB

  size_t size() const { return length.size(); }
  std::string_view id(size_t d) const { return ids[d]; }
};

uint32_t CountCodePoints(std::string_view s) {
  uint32_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Reads the records of `members` (document numbers, in input order) again
// from their plain files and calls work(doc, Document) for each, in
// parallel. Members close together in a file are read with one read, up to
// kGroupBytes at a time.
template <typename Work>
Status ReadDocuments(InputSet& input, const CorpusOptions& co, const DocTable& docs,
                     const std::vector<uint32_t>& members, Work&& work) {
  constexpr uint64_t kGap = 64 << 10, kGroupBytes = 1 << 20;
  struct Group {
    size_t first, last;  // members[first, last)
    uint32_t file;
    uint64_t offset, length;
  };
  std::vector<Group> groups;
  for (size_t i = 0; i < members.size(); ++i) {
    const uint32_t d = members[i];
    const uint64_t begin = docs.offset[d], end = begin + docs.bytes[d];
    if (!groups.empty()) {
      Group& g = groups.back();
      if (g.file == docs.file[d] && begin >= g.offset + g.length && begin <= g.offset + g.length + kGap &&
          end - g.offset <= kGroupBytes) {
        g.last = i + 1;
        g.length = end - g.offset;
        continue;
      }
    }
    groups.push_back({i, i + 1, docs.file[d], begin, end - begin});
  }
  tbb::enumerable_thread_specific<RecordParser> parsers(co.fields);
  std::vector<Status> errors(groups.size());
  std::atomic<bool> failed{false};
  tbb::parallel_for(size_t{0}, groups.size(), [&](size_t k) {
    if (failed.load()) return;
    thread_local std::unique_ptr<char[]> buf;
    thread_local size_t capacity = 0;
    thread_local Document doc;
    const Group& g = groups[k];
    if (capacity < g.length + Batch::kPadding) {
      capacity = std::max<size_t>(g.length + Batch::kPadding, kGroupBytes + Batch::kPadding);
      buf.reset(new char[capacity]);
    }
    std::memset(buf.get() + g.length, 0, Batch::kPadding);  // simdjson reads past the end
    Status st = input.ReadAt(g.file, g.offset, g.length, buf.get());
    RecordParser& parser = parsers.local();
    std::string reason;
    for (size_t i = g.first; i < g.last && st.ok(); ++i) {
      const uint32_t d = members[i];
      RawRecord rec{g.file, 0, std::string_view(buf.get() + (docs.offset[d] - g.offset), docs.bytes[d]),
                    docs.offset[d]};
      if (!parser.Parse(rec, input.files()[g.file], &doc, &reason)) {
        st = Status(StatusCode::kInternal, fmt::format("{} (byte {}): {}; the input changed during the run",
                                                       input.files()[g.file].display, docs.offset[d], reason));
        break;
      }
      st = work(d, static_cast<const Document&>(doc));
    }
    if (!st.ok()) {
      errors[k] = st;
      failed = true;
    }
  });
  for (const Status& e : errors) {
    if (!e.ok()) return e;
  }
  return Status::Ok();
}

// Copies the kept records (rep[d] == d), byte for byte and one per line,
// from their plain files to `out`: runs of records that follow each other
// in a file are copied as one range.
Status WriteKept(InputSet& input, const CorpusOptions& co, const DocTable& docs, const std::vector<uint32_t>& rep,
                 OutputFile* out) {
  uint64_t done = 0, records = 0;
  Progress progress("doppel dedup: writing", input.total_bytes(), co.progress);
  auto copy = [&](uint32_t file, uint64_t begin, uint64_t end) -> Status {
    auto fd = input.Descriptor(file);
    if (!fd.ok()) return fd.status();
    DOPPEL_RETURN_IF_ERROR(out->CopyFrom(*fd, begin, end - begin));
    done += end - begin;
    progress.Update(done, records);
    return out->Write("\n");
  };
  const size_t n = docs.size();
  bool open = false;
  uint32_t run_file = 0;
  uint64_t run_begin = 0, run_end = 0;
  for (uint32_t d = 0; d < n; ++d) {
    if (rep[d] != d) continue;
    ++records;
    const uint64_t begin = docs.offset[d], end = begin + docs.bytes[d];
    if (open && docs.file[d] == run_file && begin == run_end + 1) {  // the byte between is the line break
      run_end = end;
      continue;
    }
    if (open) DOPPEL_RETURN_IF_ERROR(copy(run_file, run_begin, run_end));
    open = true;
    run_file = docs.file[d];
    run_begin = begin;
    run_end = end;
  }
  if (open) DOPPEL_RETURN_IF_ERROR(copy(run_file, run_begin, run_end));
  progress.Done();
  return Status::Ok();
}

}  // namespace

Result<DedupSummary> RunDedup(const DedupOptions& options) {
  DOPPEL_RETURN_IF_ERROR(CheckOptions(options));
  DOPPEL_RETURN_IF_ERROR(CheckCorpusOptions(
      options.corpus, {&options.output, &options.clusters_path, &options.pairs_path, &options.summary_path}));
  const CorpusOptions& co = options.corpus;
  DedupSummary summary;
  const auto run_start = Clock::now();

  LshParams lsh{options.bands, options.rows};
  if (lsh.bands == 0) {
    double fp = options.fp_weight, fn = options.fn_weight;
    if (fp == 0 && fn == 0) {
      fp = options.verify ? 0.05 : 0.5;
      fn = 1.0 - fp;
    }
    lsh = OptimalLshParams(options.threshold, options.num_perm, fp, fn);
  }
  summary.bands = lsh.bands;
  summary.rows = lsh.rows;

  auto opened = InputSet::Open(co.inputs, co.tmp_dir);
  if (!opened.ok()) return opened.status();
  InputSet& input = **opened;
  summary.input_bytes = input.total_bytes();
  const std::string tmp_dir = ScratchDir(co.tmp_dir);

  // Outputs are opened first, so that a bad path fails before the work.
  std::unique_ptr<OutputFile> out, clusters_out, pairs_out, summary_out;
  for (auto [path, file] : {std::pair{&options.output, &out}, std::pair{&options.clusters_path, &clusters_out},
                            std::pair{&options.pairs_path, &pairs_out}, std::pair{&options.summary_path, &summary_out}}) {
    if (path->empty()) continue;
    auto f = OutputFile::Create(*path);
    if (!f.ok()) return f.status();
    *file = std::move(f).value();
  }
  RejectHandler rejects(co);
  DOPPEL_RETURN_IF_ERROR(rejects.Open());

  // Pass 1: sketch every document.
  auto t = Clock::now();
  const MinHasher hasher(options.num_perm);
  DocTable docs;
  docs.band_keys = BandKeys(lsh.bands);
  std::vector<uint8_t> states;
  const int ngram = options.ngram;
  const int min_tokens = options.min_tokens;
  const bool keep_longest = options.keep == Keep::kLongest;
  const bool verify = options.verify;
  auto work = [&](const Document& doc, Sketched* s) {
    thread_local std::vector<uint64_t> tokens;
    thread_local std::vector<uint32_t> sig;
    tokens.clear();
    TokenHashes(doc.text, &tokens);
    s->id_json = doc.id_json;
    s->length = keep_longest ? CountCodePoints(doc.text) : 0;
    s->band_keys.assign(static_cast<size_t>(lsh.bands), 0);
    s->set_size = 0;
    s->fingerprint = 0;
    // Too short to compare: no sketch, never a candidate.
    s->skip = tokens.empty() || tokens.size() < static_cast<size_t>(min_tokens);
    if (s->skip) return;
    // Seeded with the length: a collision would also need equal lengths.
    s->fingerprint = SequenceFingerprint(tokens);
    // Repeated shingles do not change a signature.
    sig.resize(static_cast<size_t>(hasher.num_perm()));
    hasher.SketchShingles(tokens, ngram, sig.data());
    for (int b = 0; b < lsh.bands; ++b) s->band_keys[b] = BandKey(sig.data(), b, lsh.rows);
    // Shingles with repeats: the size of the set before SortUnique.
    const size_t shingles = tokens.size() - std::min(tokens.size(), static_cast<size_t>(ngram)) + 1;
    s->set_size = static_cast<uint32_t>(verify ? shingles : sig.size());
  };
  auto sink = [&](Sketched&& s, const RawRecord& rec) -> Status {
    if (docs.size() >= UINT32_MAX - 1) {
      return InvalidArgument("more than 4 billion documents in one run; split the input into several runs");
    }
    docs.ids.Add(s.id_json);
    docs.length.push_back(s.length);
    docs.set_size.push_back(s.set_size);
    docs.band_keys.Append(s.band_keys.data());
    docs.skip.push_back(s.skip);
    docs.fingerprint.push_back(s.fingerprint);
    docs.file.push_back(rec.file);
    docs.offset.push_back(rec.offset);
    docs.bytes.push_back(static_cast<uint32_t>(std::min<size_t>(rec.bytes.size(), UINT32_MAX)));
    docs.direct = docs.direct && input.random_access(rec.file) && rec.bytes.size() < UINT32_MAX;
    return Status::Ok();
  };
  DOPPEL_RETURN_IF_ERROR(ScanCorpus<Sketched>(input, co, "doppel dedup", rejects, &states, &summary.counts, work, sink));
  summary.stages.push_back({"read+sketch", Since(t)});
  const size_t n = docs.size();

  // Candidates from the bands.
  t = Clock::now();
  // Documents with the same token sequence have the same shingle set: they
  // are duplicates (Jaccard 1) without any comparison, and only the first of
  // them takes part in LSH. Crawls are full of such exact copies.
  // The other documents identical to `rep` are copy_list[copy_at[rep],
  // copy_at[rep + 1]), in input order.
  std::vector<uint32_t> copy_at(n + 1, 0), copy_list;
  std::vector<uint8_t> lsh_skip = docs.skip;
  {
    std::vector<std::pair<uint64_t, uint32_t>> by_print;
    by_print.reserve(n);
    for (uint32_t d = 0; d < n; ++d) {
      if (!docs.skip[d]) by_print.emplace_back(docs.fingerprint[d], d);
    }
    // Fingerprints are hashes: the linear sort applies.
    SortByUniformHash(&by_print, [](const std::pair<uint64_t, uint32_t>& e) { return e.first; });
    for (size_t i = 0; i < by_print.size();) {
      size_t j = i + 1;
      for (; j < by_print.size() && by_print[j].first == by_print[i].first; ++j) {
        ++copy_at[by_print[i].second + 1];
        lsh_skip[by_print[j].second] = 1;
      }
      i = j;
    }
    for (size_t d = 0; d < n; ++d) copy_at[d + 1] += copy_at[d];
    copy_list.resize(copy_at[n]);
    std::vector<uint32_t> fill(copy_at.begin(), copy_at.end() - 1);
    for (size_t i = 0; i < by_print.size();) {
      size_t j = i + 1;
      for (; j < by_print.size() && by_print[j].first == by_print[i].first; ++j) {
        copy_list[fill[by_print[i].second]++] = by_print[j].second;
      }
      i = j;
    }
  }
  auto copies = [&](uint32_t rep) {
    return std::span<const uint32_t>(copy_list.data() + copy_at[rep], copy_at[rep + 1] - copy_at[rep]);
  };
  auto candidates = CandidatePairs(docs.band_keys, lsh_skip);
  docs.band_keys.Clear();
  summary.candidate_pairs = candidates.size();
  summary.stages.push_back({"candidates", Since(t)});

  // Pass 1b: the candidates are read again and their sorted shingle sets
  // (or signatures, without verification) rebuilt, each into its own place:
  // in memory when all of them fit in options.verify_memory, else in a
  // scratch file from which each pair reads its two sets. Pass 1 sized every
  // place.
  t = Clock::now();
  std::vector<uint32_t> members;
  members.reserve(candidates.size() * 2);
  for (auto [x, y] : candidates) {
    members.push_back(x);
    members.push_back(y);
  }
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  std::vector<uint64_t> arena_at(members.size() + 1, 0);
  for (size_t i = 0; i < members.size(); ++i) arena_at[i + 1] = arena_at[i] + docs.set_size[members[i]];
  const bool in_memory = arena_at.back() * sizeof(uint64_t) <= options.verify_memory;
  // In memory, the slots are carved out of 2 MiB blocks (a larger set gets
  // its own): blocks of the size the band keys were kept in, which were
  // just freed, so the allocator hands the same memory back instead of
  // fresh pages. Not value-initialized: every slot is written before it is
  // read.
  std::vector<std::unique_ptr<uint64_t[]>> blocks;
  std::vector<uint64_t*> slot(in_memory ? members.size() : 0);
  if (in_memory) {
    constexpr uint64_t kBlockValues = (uint64_t{2} << 20) / sizeof(uint64_t);
    uint64_t used = kBlockValues;
    for (size_t i = 0; i < members.size(); ++i) {
      const uint64_t size = arena_at[i + 1] - arena_at[i];
      if (size > kBlockValues) {
        blocks.emplace_back(new uint64_t[size]);
        slot[i] = blocks.back().get();
        continue;
      }
      if (used + size > kBlockValues) {
        blocks.emplace_back(new uint64_t[kBlockValues]);
        used = 0;
      }
      slot[i] = blocks.back().get() + used;
      used += size;
    }
  }
  std::vector<uint32_t> arena_size(members.size(), 0);
  SetStore store;
  if (!in_memory) DOPPEL_RETURN_IF_ERROR(store.Open(tmp_dir));
  {
    auto rebuild = [&](uint32_t d, const Document& doc) -> Status {
      thread_local std::vector<uint64_t> tokens, set;
      thread_local std::vector<uint32_t> sig;
      tokens.clear();
      set.clear();
      TokenHashes(doc.text, &tokens);
      ShingleHashes(tokens, ngram, &set);
      if (verify) {
        SortUnique(&set);
      } else {
        sig.resize(static_cast<size_t>(hasher.num_perm()));
        hasher.Sketch(set, sig.data());
        set.assign(sig.begin(), sig.end());
      }
      const size_t i = static_cast<size_t>(std::lower_bound(members.begin(), members.end(), d) - members.begin());
      if (set.size() > arena_at[i + 1] - arena_at[i]) {
        return Status(StatusCode::kInternal, "the input changed between passes; do not modify it during a run");
      }
      arena_size[i] = static_cast<uint32_t>(set.size());
      if (in_memory) {
        std::copy(set.begin(), set.end(), slot[i]);
        return Status::Ok();
      }
      return store.Write(arena_at[i], set);
    };
    if (docs.direct) {
      DOPPEL_RETURN_IF_ERROR(ReadDocuments(input, co, docs, members, rebuild));
    } else {
      std::vector<uint8_t> wanted(n, 0);
      for (uint32_t d : members) wanted[d] = 1;
      DOPPEL_RETURN_IF_ERROR(RescanCorpus(input, co, states, wanted, "doppel dedup: verifying", rebuild));
    }
  }
  summary.stages.push_back({"reread", Since(t)});
  t = Clock::now();
  std::atomic<bool> failed{false};
  Status io_status;
  auto fail = [&](const Status& st) {
    if (!failed.exchange(true)) io_status = st;
  };
  // The set of document d, from memory or from the scratch file.
  auto set_of = [&](uint32_t d, std::vector<uint64_t>* buf, std::span<const uint64_t>* out) -> Status {
    const size_t i = static_cast<size_t>(std::lower_bound(members.begin(), members.end(), d) - members.begin());
    if (in_memory) {
      *out = std::span<const uint64_t>(slot[i], arena_size[i]);
      return Status::Ok();
    }
    DOPPEL_RETURN_IF_ERROR(store.Read(arena_at[i], arena_size[i], buf));
    *out = *buf;
    return Status::Ok();
  };

  // Verification: exact Jaccard of the shingle sets, or the MinHash estimate
  // when verification is off (every candidate is then a duplicate).
  // Kept in double: a float cannot hold most similarities exactly (0.9 as a
  // float is 0.89999998), and a pair exactly at the threshold must pass.
  std::vector<double> similarity(candidates.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, candidates.size(), 256), [&](const tbb::blocked_range<size_t>& r) {
    std::vector<uint64_t> abuf, bbuf;
    std::span<const uint64_t> a, b;
    uint32_t cached = UINT32_MAX;
    for (size_t i = r.begin(); i != r.end() && !failed; ++i) {
      auto [x, y] = candidates[i];
      Status st;
      if (x != cached) {
        st = set_of(x, &abuf, &a);
        cached = x;
      }
      if (st.ok()) st = set_of(y, &bbuf, &b);
      if (!st.ok()) {
        fail(st);
        return;
      }
      if (verify) {
        similarity[i] = Jaccard(a, b);
      } else {
        std::vector<uint32_t> sa(a.begin(), a.end()), sb(b.begin(), b.end());
        similarity[i] = EstimateJaccard(sa, sb);
      }
    }
  });
  if (failed) return io_status;
  summary.stages.push_back({"verify", Since(t)});

  // Clusters.
  t = Clock::now();
  UnionFind uf(n);
  struct Accepted {
    uint32_t a, b;
    double similarity;
    bool operator<(const Accepted& o) const { return a != o.a ? a < o.a : b < o.b; }
  };
  std::vector<Accepted> accepted;
  auto add = [&](uint32_t a, uint32_t b, double sim) { accepted.push_back({std::min(a, b), std::max(a, b), sim}); };
  // A group of identical documents gives its pairs like an LSH bucket: all
  // of them up to kMaxGroupPairs members, else a star and a chain; a
  // verified pair is repeated for the copies of its documents only while
  // that stays within kMaxGroupPairs pairs. Memory stays linear.
  constexpr size_t kMaxGroupPairs = 16;
  auto group_of = [&](uint32_t rep) {
    std::vector<uint32_t> g = {rep};
    const auto c = copies(rep);
    g.insert(g.end(), c.begin(), c.end());
    return g;
  };
  for (uint32_t rep = 0; rep < n; ++rep) {
    if (copies(rep).empty()) continue;
    std::vector<uint32_t> g = group_of(rep);
    if (g.size() <= kMaxGroupPairs) {
      for (size_t x = 0; x < g.size(); ++x)
        for (size_t y = x + 1; y < g.size(); ++y) add(g[x], g[y], 1.0);
    } else {
      for (size_t y = 1; y < g.size(); ++y) {
        add(g[0], g[y], 1.0);
        if (y > 1) add(g[y - 1], g[y], 1.0);
      }
    }
  }
  // A verified pair holds for every copy of its two documents too.
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (verify && similarity[i] < options.threshold - 1e-9) continue;
    auto [x, y] = candidates[i];
    if (copies(x).empty() && copies(y).empty()) {
      add(x, y, similarity[i]);
      continue;
    }
    std::vector<uint32_t> gx = group_of(x), gy = group_of(y);
    if (gx.size() * gy.size() > kMaxGroupPairs) {
      add(x, y, similarity[i]);
      continue;
    }
    for (uint32_t a : gx)
      for (uint32_t b : gy) add(a, b, similarity[i]);
  }
  std::sort(accepted.begin(), accepted.end());
  accepted.erase(std::unique(accepted.begin(), accepted.end(),
                             [](const Accepted& p, const Accepted& q) { return p.a == q.a && p.b == q.b; }),
                 accepted.end());
  for (const Accepted& p : accepted) uf.Union(p.a, p.b);
  summary.duplicate_pairs = accepted.size();
  // The representative of every document's cluster.
  std::vector<uint32_t> rep(n);
  std::vector<uint32_t> cluster_size(n, 0);
  for (uint32_t d = 0; d < n; ++d) {
    rep[d] = uf.Find(d);
    ++cluster_size[rep[d]];
  }
  if (options.keep == Keep::kLongest) {
    std::vector<uint32_t> best(n);
    for (uint32_t d = 0; d < n; ++d) best[d] = d;
    for (uint32_t d = 0; d < n; ++d) {
      uint32_t root = rep[d];
      if (docs.length[d] > docs.length[best[root]]) best[root] = d;
    }
    for (uint32_t d = 0; d < n; ++d) rep[d] = best[rep[d]];
  }
  for (uint32_t d = 0; d < n; ++d) summary.clusters += cluster_size[d] > 1;
  summary.stages.push_back({"cluster", Since(t)});

  // Outputs.
  t = Clock::now();
  std::string buf;
  if (clusters_out) {
    for (uint32_t d = 0; d < n; ++d) {
      buf += "{\"id\":";
      buf += docs.id(d);
      buf += ",\"cluster\":";
      buf += docs.id(rep[d]);
      buf += "}\n";
      if (buf.size() > (1 << 20)) {
        DOPPEL_RETURN_IF_ERROR(clusters_out->Write(buf));
        buf.clear();
      }
    }
    DOPPEL_RETURN_IF_ERROR(clusters_out->Write(buf));
    buf.clear();
  }
  if (pairs_out) {
    for (const Accepted& p : accepted) {
      buf += fmt::format("{{\"a\":{},\"b\":{},\"jaccard\":{:.4f}}}\n", docs.id(p.a), docs.id(p.b), p.similarity);
      if (buf.size() > (1 << 20)) {
        DOPPEL_RETURN_IF_ERROR(pairs_out->Write(buf));
        buf.clear();
      }
    }
    DOPPEL_RETURN_IF_ERROR(pairs_out->Write(buf));
    buf.clear();
  }
  // Pass 2: the kept records, byte for byte, in input order.
  uint64_t kept = 0;
  for (uint32_t d = 0; d < n; ++d) kept += rep[d] == d;
  if (out && docs.direct) {
    DOPPEL_RETURN_IF_ERROR(WriteKept(input, co, docs, rep, out.get()));
  } else if (out) {
    DOPPEL_RETURN_IF_ERROR(input.Rewind());
    Batch batch;
    uint32_t doc = 0;
    Progress progress("doppel dedup: writing", input.total_bytes(), co.progress);
    for (;;) {
      auto more = input.Next(&batch, co.batch_bytes);
      if (!more.ok()) return more.status();
      if (!*more) break;
      for (size_t i = 0; i < batch.records.size(); ++i) {
        uint64_t ordinal = batch.first_index + i;
        if (ordinal >= states.size()) return Status(StatusCode::kInternal, "input changed between passes");
        if (states[ordinal] != kRecordGood) continue;
        const uint32_t d = doc++;
        if (rep[d] != d) continue;
        const RawRecord& rec = batch.records[i];
        if (input.files()[rec.file].kind == InputKind::kTextFile) {
          buf += "{\"id\":";
          buf += docs.id(d);
          buf += ",\"text\":";
          AppendJsonString(&buf, rec.bytes);
          buf += "}\n";
        } else {
          buf += rec.bytes;
          buf += '\n';
        }
      }
      DOPPEL_RETURN_IF_ERROR(out->Write(buf));
      buf.clear();
      progress.Update(batch.input_bytes, doc);
    }
    if (doc != n) return Status(StatusCode::kInternal, "input changed between passes; do not modify it during a run");
  }
  summary.stages.push_back({"write", Since(t)});
  summary.counts.read = states.size();
  summary.counts.rejected = rejects.count();
  summary.counts.kept = kept;
  summary.counts.removed = n - kept;
  summary.seconds = Since(run_start);
  summary.peak_rss_bytes = PeakRssBytes();
  if (summary_out) DOPPEL_RETURN_IF_ERROR(summary_out->Write(DedupSummaryJson(summary)));
  // Everything is complete: only now do the outputs take their names.
  DOPPEL_RETURN_IF_ERROR(
      CommitAll({out.get(), clusters_out.get(), pairs_out.get(), rejects.file(), summary_out.get()}));
  return summary;
}

std::string DedupSummaryJson(const DedupSummary& s) {
  return fmt::format(
      "{{\"documents\":{},\"kept\":{},\"removed\":{},\"rejected\":{},\"repeated_ids\":{},\"clusters\":{},"
      "\"candidate_pairs\":{},\"duplicate_pairs\":{},\"bands\":{},\"rows\":{},\"input_bytes\":{},"
      "\"seconds\":{:.3f},\"stage_seconds\":{{{}}},\"peak_rss_bytes\":{}}}\n",
      s.counts.read, s.counts.kept, s.counts.removed, s.counts.rejected, s.counts.repeated_ids, s.clusters,
      s.candidate_pairs, s.duplicate_pairs, s.bands, s.rows, s.input_bytes, s.seconds, StageTimesJson(s.stages), s.peak_rss_bytes);
}

std::string DedupSummaryText(const DedupSummary& s) {
  return fmt::format(
      "doppel dedup: {} documents read, {} kept, {} removed as duplicates in {} clusters, {} rejected\n"
      "  LSH {} bands x {} rows: {} candidate pairs, {} duplicate pairs\n"
      "  {:.2f}s ({:.1f} MB/s), peak memory {:.1f} MiB;{}\n",
      s.counts.read, s.counts.kept, s.counts.removed, s.clusters, s.counts.rejected, s.bands, s.rows,
      s.candidate_pairs, s.duplicate_pairs, s.seconds, s.seconds > 0 ? s.input_bytes / 1e6 / s.seconds : 0.0,
      s.peak_rss_bytes / 1048576.0, StageTimesText(s.stages));
}

}  // namespace doppel
