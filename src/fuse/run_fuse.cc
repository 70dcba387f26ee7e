// The fuse command: load the corpus, cluster it (or read a clustering),
// clean every document, fuse every cluster, write the three outputs.
#include <chrono>
#include <unordered_map>

#include <fmt/format.h>
#include <simdjson.h>

#include "doppel/fuse.h"
#include "doppel/input.h"
#include "doppel/output.h"
#include "doppel/record.h"
#include "util/progress.h"

#include "util/run.h"

namespace doppel {
namespace {

// An id or a cluster name as doppel writes ids: a JSON string, or the
// minified JSON of any other value.
std::string IdJson(simdjson::dom::element e) {
  std::string out;
  std::string_view s;
  if (!e.get_string().get(s)) {
    AppendJsonString(&out, s);
  } else {
    out = simdjson::minify(e);
  }
  return out;
}

// Every cluster named by the index of its first document.
std::vector<uint32_t> ByFirstDocument(const std::vector<uint32_t>& key) {
  std::unordered_map<uint32_t, uint32_t> first;
  std::vector<uint32_t> out(key.size());
  for (uint32_t d = 0; d < key.size(); ++d) out[d] = first.emplace(key[d], d).first->second;
  return out;
}

std::string CleanLine(const Corpus& corpus, size_t d, const CleanedDocument& c) {
  std::string line = "{\"id\":" + corpus.docs[d].id_json + ",\"text\":";
  AppendJsonString(&line, c.text);
  line += "}\n";
  return line;
}

std::string FusedLine(const Corpus& corpus, const FusedText& f) {
  std::string line = "{\"cluster\":" + corpus.docs[f.representative].id_json + ",\"text\":";
  AppendJsonString(&line, f.text);
  line += ",\"sources\":[";
  for (size_t i = 0; i < f.sources.size(); ++i) {
    const FusedSpan& s = f.sources[i];
    if (i) line += ',';
    line += fmt::format("{{\"start\":{},\"end\":{},\"id\":{},\"source_start\":{},\"source_end\":{}}}", s.fused_start,
                        s.fused_end, corpus.docs[s.doc].id_json, s.source_start, s.source_end);
  }
  line += "]}\n";
  return line;
}

// Writes lines made by make(i) for i < n, in pieces.

}  // namespace

Result<std::vector<uint32_t>> ReadClusters(const Corpus& corpus, const std::string& path,
                                           const std::string& tmp_dir) {
  std::unordered_map<std::string, std::vector<uint32_t>> docs_of;
  for (uint32_t d = 0; d < corpus.docs.size(); ++d) docs_of[corpus.docs[d].id_json].push_back(d);
  std::unordered_map<std::string, uint32_t> cluster_key;  // name -> key
  // An unlisted document keeps its own index as its key; named clusters get
  // keys from n up, so the two never meet.
  std::vector<uint32_t> key(corpus.docs.size());
  const auto named_base = static_cast<uint32_t>(corpus.docs.size());
  for (uint32_t d = 0; d < key.size(); ++d) key[d] = d;
  auto assign = [&](simdjson::dom::element id, uint32_t k) {
    auto it = docs_of.find(IdJson(id));
    if (it == docs_of.end()) return;
    for (uint32_t d : it->second) key[d] = k;
  };

  auto opened = InputSet::Open({path}, tmp_dir);
  if (!opened.ok()) return opened.status();
  InputSet& input = **opened;
  simdjson::dom::parser parser;
  Batch batch;
  for (;;) {
    auto more = input.Next(&batch);
    if (!more.ok()) return more.status();
    if (!*more) break;
    for (const RawRecord& rec : batch.records) {
      auto where = [&] { return Where(input.files()[rec.file], rec.line); };
      simdjson::dom::object obj;
      if (parser.parse(rec.bytes.data(), rec.bytes.size(), false).get_object().get(obj)) {
        return BadInput(where() + ": not a JSON object; --clusters-from wants {\"id\", \"cluster\"} lines");
      }
      simdjson::dom::element name;
      if (obj.at_key("cluster").get(name)) return BadInput(where() + ": no \"cluster\" field");
      const uint32_t k =
          cluster_key.emplace(IdJson(name), named_base + static_cast<uint32_t>(cluster_key.size())).first->second;
      simdjson::dom::element id;
      simdjson::dom::array members;
      if (!obj.at_key("id").get(id)) {
        assign(id, k);
      } else if (!obj.at_key("members").get_array().get(members)) {
        for (simdjson::dom::element m : members) assign(m, k);
      } else {
        return BadInput(where() + ": no \"id\" field (nor a \"members\" list)");
      }
    }
  }
  return ByFirstDocument(key);
}

Result<FuseSummary> RunFuse(const FuseRunOptions& options) {
  const auto start = Clock::now();
  FuseSummary summary;
  DOPPEL_RETURN_IF_ERROR(CheckCorpusOptions(
      options.corpus, {&options.clusters_path, &options.clean_path, &options.fused_path}));
  auto clusters_out = MaybeCreate(options.clusters_path);
  if (!clusters_out.ok()) return clusters_out.status();
  auto clean_out = MaybeCreate(options.clean_path);
  if (!clean_out.ok()) return clean_out.status();
  auto fused_out = MaybeCreate(options.fused_path);
  if (!fused_out.ok()) return fused_out.status();

  auto t = Clock::now();
  std::unique_ptr<OutputFile> rejects;
  auto corpus = LoadCorpus(options.corpus, &rejects);
  if (!corpus.ok()) return corpus.status();
  summary.stages.push_back({"read", Since(t)});

  std::vector<uint32_t> cluster;
  t = Clock::now();
  if (!options.clusters_from.empty()) {
    auto read = ReadClusters(*corpus, options.clusters_from, options.corpus.tmp_dir);
    if (!read.ok()) return read.status();
    cluster = std::move(*read);
    summary.stages.push_back({"clusters", Since(t)});
  } else {
    auto found = FindCopies(*corpus, options.find);
    if (!found.ok()) return found.status();
    cluster = ByFirstDocument(found->cluster);
    for (const StageTime& s : found->stages) summary.stages.push_back(s);
  }

  t = Clock::now();
  std::vector<CleanedDocument> cleaned = CleanDocuments(*corpus, cluster, options.clean);
  summary.stages.push_back({"clean", Since(t)});
  t = Clock::now();
  std::vector<FusedText> fused;
  if (*fused_out) fused = FuseClusters(*corpus, cluster, cleaned, options.fuse);
  summary.stages.push_back({"fuse", Since(t)});

  t = Clock::now();
  if (*clusters_out) {
    DOPPEL_RETURN_IF_ERROR((*clusters_out)->Write(ClusterLines(*corpus, cluster)));
  }
  if (*clean_out) {
    DOPPEL_RETURN_IF_ERROR(WriteLines(clean_out->get(), cleaned.size(),
                                      [&](size_t d) { return CleanLine(*corpus, d, cleaned[d]); }));
  }
  if (*fused_out) {
    DOPPEL_RETURN_IF_ERROR(
        WriteLines(fused_out->get(), fused.size(), [&](size_t i) { return FusedLine(*corpus, fused[i]); }));
  }
  // Only complete outputs take their names, all together.
  DOPPEL_RETURN_IF_ERROR(CommitAll({clusters_out->get(), clean_out->get(), fused_out->get(), rejects.get()}));
  summary.stages.push_back({"write", Since(t)});

  const size_t n = corpus->docs.size();
  std::vector<uint32_t> size(n, 0);
  for (uint32_t c : cluster) ++size[c];
  for (uint32_t s : size) summary.clusters += s > 1;
  summary.counts = corpus->counts;
  summary.counts.kept = n;
  summary.seconds = Since(start);
  summary.peak_rss_bytes = PeakRssBytes();
  return summary;
}

std::string FuseSummaryText(const FuseSummary& s) {
  return fmt::format(
      "doppel fuse: {} documents read, {} rejected; {} clusters of two or more\n"
      "  {:.2f}s, peak memory {:.1f} MiB;{}\n",
      s.counts.read, s.counts.rejected, s.clusters, s.seconds, s.peak_rss_bytes / 1048576.0,
      StageTimesText(s.stages));
}

}  // namespace doppel
