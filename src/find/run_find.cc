// The find command: read and tokenize, find copies, write clusters and pairs.
#include <chrono>

#include <fmt/format.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "doppel/corpus.h"
#include "doppel/find.h"
#include "doppel/input.h"
#include "doppel/output.h"
#include "doppel/record.h"
#include "find/tokenized.h"
#include "io/scan.h"
#include "util/fd_io.h"
#include "util/id_table.h"
#include "util/progress.h"
#include "util/run.h"

namespace doppel {
namespace {

template <typename Ids>
std::string PairLine(const Ids& id, const RelatedPair& p) {
  std::string line = fmt::format("{{\"a\":{},\"b\":{},\"passages\":[", id[p.a], id[p.b]);
  for (size_t i = 0; i < p.passages.size(); ++i) {
    const Passage& q = p.passages[i];
    if (i) line += ',';
    line += fmt::format("{{\"a_start\":{},\"a_end\":{},\"b_start\":{},\"b_end\":{},\"similarity\":{:.4f}}}",
                        q.a_start, q.a_end, q.b_start, q.b_end, q.similarity);
  }
  line += fmt::format("],\"coverage_a\":{:.4f},\"coverage_b\":{:.4f}}}\n", p.coverage_a, p.coverage_b);
  return line;
}

// The name of a cluster is its first document's id, whatever key it has.
// Calls emit(lines) with the {"id", "cluster"} lines of every document in
// order, about 1 MiB at a time (the lines of a million documents are tens
// of MB); returns the first error emit returns.
template <typename Ids, typename Emit>
Status ForClusterLines(const Ids& id, size_t n, const std::vector<uint32_t>& cluster, Emit&& emit) {
  std::vector<uint32_t> first(n, UINT32_MAX);
  std::string out;
  for (size_t d = 0; d < n; ++d) {
    const uint32_t key = cluster[d];
    if (first[key] == UINT32_MAX) first[key] = static_cast<uint32_t>(d);
    out += fmt::format("{{\"id\":{},\"cluster\":{}}}\n", id[d], id[first[key]]);
    if (out.size() >= (size_t{1} << 20)) {
      DOPPEL_RETURN_IF_ERROR(emit(out));
      out.clear();
    }
  }
  return emit(out);
}

template <typename Ids>
std::string ClusterLinesOf(const Ids& id, size_t n, const std::vector<uint32_t>& cluster) {
  std::string all;
  (void)ForClusterLines(id, n, cluster, [&all](const std::string& lines) {
    all += lines;
    return Status::Ok();
  });
  return all;
}

struct CorpusIds {
  const Corpus& corpus;
  std::string_view operator[](size_t d) const { return corpus.docs[d].id_json; }
};

// What the read stage keeps of one record: no text.
struct LoadedDocument {
  std::string id_json;
  std::string source;  // SourceKey of the source field
  PackedTokens tokens;  // packed on the reading threads: a third of the bytes of Tokens in flight
  std::vector<TokenRange> menus;
  uint64_t fingerprint = 0;
};

// Reads the input once, tokenizing on all threads as it goes: the texts are
// never held, only their tokens (with code-point offsets) and the ids.
Status LoadTokens(const CorpusOptions& opt, bool fold_lookalikes, TokenizedCorpus* tc, IdTable* ids, RecordCounts* counts,
                  std::unique_ptr<OutputFile>* rejects_out) {
  auto opened = InputSet::Open(opt.inputs, opt.tmp_dir, /*rereadable=*/false);
  if (!opened.ok()) return opened.status();
  InputSet& input = **opened;
  RejectHandler rejects(opt);
  DOPPEL_RETURN_IF_ERROR(rejects.Open());
  std::unordered_map<std::string, uint32_t> source_number;
  std::vector<uint8_t> states;
  auto work = [fold_lookalikes](const Document& doc, LoadedDocument* out) {
    out->id_json = doc.id_json;
    out->source = doc.source.empty() ? std::string() : SourceKey(doc.source);
    thread_local std::vector<Token> tokens;
    tokens.clear();
    out->menus.clear();
    TokenizeCodePoints(doc.text, &tokens, &out->menus, fold_lookalikes);
    out->fingerprint = TokenFingerprint(tokens);
    TokenStore::Pack(tokens, &out->tokens);
    ShrinkScratch(&tokens);
  };
  auto sink = [&](LoadedDocument&& d) -> Status {
    ids->Add(d.id_json);
    uint32_t source = 0;
    if (!d.source.empty()) {
      auto [it, added] = source_number.emplace(std::move(d.source), tc->sources + 1);
      if (added) ++tc->sources;
      source = it->second;
    }
    tc->source.push_back(source);
    tc->fingerprint.push_back(d.fingerprint);
    tc->AddMenus(static_cast<uint32_t>(tc->source.size() - 1), d.menus);
    return tc->tokens.Append(std::move(d.tokens));
  };
  DOPPEL_RETURN_IF_ERROR(
      ScanCorpus<LoadedDocument>(input, opt, "doppel find: reading", rejects, &states, counts, work, sink));
  DOPPEL_RETURN_IF_ERROR(tc->tokens.Finish());
  *rejects_out = rejects.Release();
  return Status::Ok();
}

}  // namespace

std::string ClusterLines(const Corpus& corpus, const std::vector<uint32_t>& cluster) {
  return ClusterLinesOf(CorpusIds{corpus}, corpus.docs.size(), cluster);
}

Result<FindSummary> RunFind(const FindRunOptions& options) {
  const auto start = Clock::now();
  FindSummary summary;
  DOPPEL_RETURN_IF_ERROR(CheckFindOptions(options.find));
  DOPPEL_RETURN_IF_ERROR(CheckCorpusOptions(
      options.corpus, {&options.clusters_path, &options.pairs_path, &options.summary_path}));
  auto clusters_out = MaybeCreate(options.clusters_path);
  if (!clusters_out.ok()) return clusters_out.status();
  auto pairs_out = MaybeCreate(options.pairs_path);
  if (!pairs_out.ok()) return pairs_out.status();
  auto summary_out = MaybeCreate(options.summary_path);
  if (!summary_out.ok()) return summary_out.status();

  auto t = Clock::now();
  std::unique_ptr<OutputFile> rejects;
  FindOptions find_options = options.find;
  if (find_options.tmp_dir.empty()) find_options.tmp_dir = options.corpus.tmp_dir;
  TokenizedCorpus tc{TokenStore(TokenMemory(find_options), ScratchDir(find_options.tmp_dir)), {}, 0, false, {}, {}, {}};
  IdTable ids;
  DOPPEL_RETURN_IF_ERROR(
      LoadTokens(options.corpus, options.find.fold_lookalikes, &tc, &ids, &summary.counts, &rejects));
  summary.stages.push_back({"read+tokenize", Since(t)});
  const size_t n = ids.size();
  auto found = FindInTokens(std::move(tc), find_options);
  if (!found.ok()) return found.status();
  for (const StageTime& s : found->stages) summary.stages.push_back(s);

  t = Clock::now();
  if (*clusters_out) {
    DOPPEL_RETURN_IF_ERROR(ForClusterLines(ids, n, found->cluster,
                                           [&](const std::string& lines) { return (*clusters_out)->Write(lines); }));
  }
  if (*pairs_out) {
    std::string buf;
    for (const RelatedPair& p : found->pairs) {
      buf += PairLine(ids, p);
      if (buf.size() > (1 << 20)) {
        DOPPEL_RETURN_IF_ERROR((*pairs_out)->Write(buf));
        buf.clear();
      }
    }
    DOPPEL_RETURN_IF_ERROR((*pairs_out)->Write(buf));
  }
  summary.stages.push_back({"write", Since(t)});

  std::vector<uint32_t> size(n, 0);
  for (uint32_t c : found->cluster) ++size[c];
  for (uint32_t s : size) summary.clusters += s > 1;
  summary.pairs = found->pairs.size();
  summary.candidates = found->candidates;
  summary.identical_pairs = found->identical_pairs;
  summary.near_copy_pairs = found->near_copy_pairs;
  summary.bridges = found->bridges;
  summary.memory = found->memory;
  summary.counts.kept = n;
  summary.seconds = Since(start);
  summary.peak_rss_bytes = PeakRssBytes();
  if (*summary_out) DOPPEL_RETURN_IF_ERROR((*summary_out)->Write(FindSummaryJson(summary)));
  DOPPEL_RETURN_IF_ERROR(CommitAll({clusters_out->get(), pairs_out->get(), rejects.get(), summary_out->get()}));
  return summary;
}

std::string FindSummaryJson(const FindSummary& s) {
  return fmt::format(
      "{{\"documents\":{},\"kept\":{},\"removed\":0,\"rejected\":{},\"repeated_ids\":{},\"clusters\":{},\"pairs\":{},"
      "\"candidates\":{},\"identical_pairs\":{},\"near_copy_pairs\":{},\"bridges\":{},\"seconds\":{:.3f},\"stage_seconds\":{{{}}},\"peak_rss_bytes\":{},"
      "\"memory\":{{\"tokens_spilled\":{},\"working_bytes\":{},\"ngram_partitions\":{},\"postings_spilled\":{},"
      "\"candidate_ranges\":{},\"align_batches\":{},\"flag_bytes\":{}}}}}\n",
      s.counts.read, s.counts.kept, s.counts.rejected, s.counts.repeated_ids, s.clusters, s.pairs, s.candidates, s.identical_pairs, s.near_copy_pairs, s.bridges, s.seconds,
      StageTimesJson(s.stages), s.peak_rss_bytes, s.memory.tokens_spilled, s.memory.working_bytes,
      s.memory.ngram_partitions, s.memory.postings_spilled, s.memory.candidate_ranges, s.memory.align_batches,
      s.memory.flag_bytes);
}

std::string FindSummaryText(const FindSummary& s) {
  return fmt::format(
      "doppel find: {} documents read, {} rejected; {} related pairs, {} clusters of two or more\n"
      "  {:.2f}s, peak memory {:.1f} MiB;{}\n",
      s.counts.read, s.counts.rejected, s.pairs, s.clusters, s.seconds, s.peak_rss_bytes / 1048576.0,
      StageTimesText(s.stages));
}

}  // namespace doppel
