// The find command: load the corpus, find copies, write clusters and pairs.
#include <chrono>

#include <fmt/format.h>

#include "doppel/find.h"
#include "doppel/output.h"
#include "doppel/record.h"
#include "util/progress.h"
#include "util/run.h"

namespace doppel {
namespace {

std::string PairLine(const Corpus& corpus, const RelatedPair& p) {
  std::string line = "{\"a\":" + corpus.docs[p.a].id_json + ",\"b\":" + corpus.docs[p.b].id_json + ",\"passages\":[";
  for (size_t i = 0; i < p.passages.size(); ++i) {
    const Passage& q = p.passages[i];
    if (i) line += ',';
    line += fmt::format("{{\"a_start\":{},\"a_end\":{},\"b_start\":{},\"b_end\":{},\"similarity\":{:.4f}}}",
                        q.a_start, q.a_end, q.b_start, q.b_end, q.similarity);
  }
  line += fmt::format("],\"coverage_a\":{:.4f},\"coverage_b\":{:.4f}}}\n", p.coverage_a, p.coverage_b);
  return line;
}

}  // namespace

std::string ClusterLines(const Corpus& corpus, const std::vector<uint32_t>& cluster) {
  // The name of a cluster is its first document's id, whatever key it has.
  std::vector<uint32_t> first(corpus.docs.size(), UINT32_MAX);
  std::string out;
  for (size_t d = 0; d < corpus.docs.size(); ++d) {
    uint32_t key = cluster[d];
    if (first[key] == UINT32_MAX) first[key] = static_cast<uint32_t>(d);
    out += "{\"id\":" + corpus.docs[d].id_json + ",\"cluster\":" + corpus.docs[first[key]].id_json + "}\n";
  }
  return out;
}

Result<FindSummary> RunFind(const FindRunOptions& options) {
  const auto start = Clock::now();
  FindSummary summary;
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
  auto corpus = LoadCorpus(options.corpus, &rejects);
  if (!corpus.ok()) return corpus.status();
  summary.stages.push_back({"read", Since(t)});
  auto found = FindCopies(*corpus, options.find);
  if (!found.ok()) return found.status();
  for (const StageTime& s : found->stages) summary.stages.push_back(s);

  t = Clock::now();
  if (*clusters_out) {
    DOPPEL_RETURN_IF_ERROR((*clusters_out)->Write(ClusterLines(*corpus, found->cluster)));
  }
  if (*pairs_out) {
    std::string buf;
    for (const RelatedPair& p : found->pairs) {
      buf += PairLine(*corpus, p);
      if (buf.size() > (1 << 20)) {
        DOPPEL_RETURN_IF_ERROR((*pairs_out)->Write(buf));
        buf.clear();
      }
    }
    DOPPEL_RETURN_IF_ERROR((*pairs_out)->Write(buf));
  }
  summary.stages.push_back({"write", Since(t)});

  const size_t n = corpus->docs.size();
  std::vector<uint32_t> size(n, 0);
  for (uint32_t c : found->cluster) ++size[c];
  for (uint32_t s : size) summary.clusters += s > 1;
  summary.pairs = found->pairs.size();
  summary.counts = corpus->counts;
  summary.counts.kept = n;
  summary.seconds = Since(start);
  summary.peak_rss_bytes = PeakRssBytes();
  if (*summary_out) DOPPEL_RETURN_IF_ERROR((*summary_out)->Write(FindSummaryJson(summary)));
  DOPPEL_RETURN_IF_ERROR(CommitAll({clusters_out->get(), pairs_out->get(), rejects.get(), summary_out->get()}));
  return summary;
}

std::string FindSummaryJson(const FindSummary& s) {
  return fmt::format(
      "{{\"documents\":{},\"kept\":{},\"removed\":0,\"rejected\":{},\"clusters\":{},\"pairs\":{},"
      "\"seconds\":{:.3f},\"stage_seconds\":{{{}}},\"peak_rss_bytes\":{}}}\n",
      s.counts.read, s.counts.kept, s.counts.rejected, s.clusters, s.pairs, s.seconds, StageTimesJson(s.stages),
      s.peak_rss_bytes);
}

std::string FindSummaryText(const FindSummary& s) {
  return fmt::format(
      "doppel find: {} documents read, {} rejected; {} related pairs, {} clusters of two or more\n"
      "  {:.2f}s, peak memory {:.1f} MiB;{}\n",
      s.counts.read, s.counts.rejected, s.pairs, s.clusters, s.seconds, s.peak_rss_bytes / 1048576.0,
      StageTimesText(s.stages));
}

}  // namespace doppel
