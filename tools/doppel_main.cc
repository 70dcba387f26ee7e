// The doppel command-line tool: parses flags, calls the library, and turns a
// Status into an exit code (0 success, 2 any error, with its message on
// standard error). Flag defaults come from the library's option structs.
#include <cstdio>
#include <fstream>
#include <string>

#include <CLI/CLI.hpp>
#include <tbb/global_control.h>

#include "doppel/dedup.h"
#include "doppel/find.h"
#include "doppel/fuse.h"
#include "doppel/output.h"
#include "heap.h"

namespace {

int Fail(const doppel::Status& s) {
  std::fprintf(stderr, "doppel: %s\n", s.message().c_str());
  return 2;
}

void AddCorpusFlags(CLI::App* cmd, doppel::CorpusOptions* co, std::string* on_error) {
  cmd->add_option("INPUT", co->inputs,
                  "JSONL files (.jsonl, .jsonl.gz, .jsonl.zst), - for stdin, or directories of *.txt documents")
      ->required();
  cmd->add_option("--id-field", co->fields.id, "JSON field holding the document id (absent: FILE:LINE)")
      ->capture_default_str();
  cmd->add_option("--text-field", co->fields.text, "JSON field holding the text")->capture_default_str();
  cmd->add_option("--on-error", *on_error, "stop at the first bad record, or skip it (see --rejects)")
      ->check(CLI::IsMember({"stop", "skip"}))
      ->capture_default_str();
  cmd->add_option("--rejects", co->rejects_path, "with --on-error skip: write {file, line, reason} per bad record");
  cmd->add_option("--tmp-dir", co->tmp_dir, "folder for scratch files (default $TMPDIR or /tmp)");
}

}  // namespace

int main(int argc, char** argv) {
  doppel_tool::TuneTheHeap();
  CLI::App app{"doppel: find every copy of a text in a corpus, group the copies and rebuild the text"};
  app.require_subcommand(1);
  app.fallthrough();  // -j and -q may come after the subcommand too
  int threads = 0;
  bool quiet = false;
  app.add_option("-j,--threads", threads, "worker threads (default: all cores)");
  app.add_flag("-q,--quiet", quiet, "no progress line and no summary on standard error");

  // dedup
  doppel::DedupOptions dd;
  std::string dd_on_error = "stop", dd_keep = "first";
  bool no_verify = false;
  CLI::App* dedup = app.add_subcommand("dedup", "remove near-duplicate documents (MinHash-LSH, verified)");
  AddCorpusFlags(dedup, &dd.corpus, &dd_on_error);
  dedup->add_option("-o,--output", dd.output, "kept records, byte-identical (.gz/.zst compress; - is stdout)")
      ->capture_default_str();
  dedup->add_option("--clusters", dd.clusters_path, "write {id, cluster} for every document");
  dedup->add_option("--pairs", dd.pairs_path, "write {a, b, jaccard} for every duplicate pair");
  dedup->add_option("--summary", dd.summary_path, "write the run's summary as JSON");
  dedup->add_option("--ngram", dd.ngram, "words per shingle")->capture_default_str();
  dedup->add_option("--num-perm", dd.num_perm, "MinHash values per signature")->capture_default_str();
  dedup->add_option("--threshold", dd.threshold, "Jaccard similarity of duplicates")->capture_default_str();
  dedup->add_option("--bands", dd.bands, "LSH bands (default: chosen from --threshold)");
  dedup->add_option("--rows", dd.rows, "LSH rows per band (default: chosen from --threshold)");
  std::vector<double> weights;
  dedup->add_option("--lsh-weights", weights,
                    "weights of false positives and false negatives when choosing bands and rows "
                    "(default 0.05,0.95 when verifying, 0.5,0.5 with --no-verify)")
      ->expected(2)
      ->delimiter(',');
  dedup->add_option("--min-tokens", dd.min_tokens, "documents with fewer words are never duplicates")
      ->capture_default_str();
  dedup->add_flag("--no-verify", no_verify, "accept LSH candidates without exact Jaccard verification");
  dedup->add_option("--keep", dd_keep, "which document of a cluster to keep")
      ->check(CLI::IsMember({"first", "longest"}))
      ->capture_default_str();

  // find
  doppel::FindRunOptions fo;
  std::string fo_on_error = "stop";
  CLI::App* find = app.add_subcommand("find", "find partial copies by passage alignment and cluster the stories");
  AddCorpusFlags(find, &fo.corpus, &fo_on_error);
  find->add_option("--source-field", fo.corpus.fields.source,
                   "field naming each document's source (a URL's host is used); chrome is learned per source");
  find->add_option("--clusters", fo.clusters_path, "write {id, cluster} for every document");
  find->add_option("--pairs", fo.pairs_path,
                   "write {a, b, passages, coverage_a, coverage_b} per related pair (k identical texts: each paired "
                   "with the first of them)");
  find->add_option("--summary", fo.summary_path, "write the run's summary as JSON");
  find->add_option("--min-coverage", fo.find.min_coverage,
                   "share of the shorter document's article text that must align")
      ->capture_default_str();
  find->add_option("--min-tokens", fo.find.min_tokens,
                   "aligned article words needed to join two documents (identical texts: words in all)")
      ->capture_default_str();
  find->add_option("--bridge-neighbours", fo.find.bridge_min_neighbours,
                   "leave out an aligned pair whose documents each have at least this many other partners and "
                   "share at most a tenth of the fewer (none, below ten): it bridges two stories; and a document's pairs "
                   "with a second story in it when both have this many partners; 0: keep every pair")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  find->add_flag("!--exact-letters", fo.find.fold_lookalikes,
                 "compare words letter for letter; by default glyphs that OCR confuses count as one "
                 "(rn/m, cl/d, vv/w, l/i/1, o/0/a, c/e, b/h/8, n/u, f/t, s/5, accents on Latin letters)");
  find->add_option("--ngram", fo.find.boiler_ngram, "words per n-gram for boilerplate and candidates")
      ->capture_default_str();
  find->add_option("--anchor", fo.find.align_ngram, "words per alignment anchor")->capture_default_str();
  size_t memory_mib = fo.find.memory >> 20;
  find->add_option("--memory", memory_mib,
                   "MiB that the large tables share (tokens up to half of it, then in turn n-gram occurrences, "
                   "postings, candidate lists, alignment batches): beyond their share tokens and postings go to "
                   "scratch files in --tmp-dir and the rest is processed in parts, with the same result; what "
                   "grows with the corpus (flags of a few bits per word, the pairs, ids) is on top")
      ->check(CLI::Range(size_t{1}, size_t{1} << 30))
      ->capture_default_str();

  // fuse
  doppel::FuseRunOptions fu;
  std::string fu_on_error = "stop";
  CLI::App* fuse = app.add_subcommand("fuse", "clean every document and rebuild one text per cluster of copies");
  AddCorpusFlags(fuse, &fu.corpus, &fu_on_error);
  fuse->add_option("--source-field", fu.corpus.fields.source,
                   "field naming each document's source (a URL's host is used); chrome is learned per source");
  fuse->add_option("--clusters-from", fu.clusters_from,
                   "use the clustering in this {id, cluster} JSONL file (unlisted documents stand alone) "
                   "instead of finding copies");
  fuse->add_option("--clusters", fu.clusters_path, "write {id, cluster} for every document");
  fuse->add_option("--clean", fu.clean_path, "write {id, text} for every document, its boilerplate removed");
  fuse->add_option("--fused", fu.fused_path,
                   "write {cluster, text, sources} for every cluster: the rebuilt text and where each piece "
                   "came from (code points)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  std::unique_ptr<tbb::global_control> limit;
  if (threads > 0) {
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<size_t>(threads));
  }
  doppel::InstallOutputCleanupHandlers();

  if (dedup->parsed()) {
    dd.corpus.on_error = dd_on_error == "skip" ? doppel::OnError::kSkip : doppel::OnError::kStop;
    dd.corpus.progress = !quiet;
    dd.verify = !no_verify;
    if (weights.size() == 2) {
      dd.fp_weight = weights[0];
      dd.fn_weight = weights[1];
    }
    dd.keep = dd_keep == "longest" ? doppel::Keep::kLongest : doppel::Keep::kFirst;
    auto result = doppel::RunDedup(dd);
    if (!result.ok()) return Fail(result.status());
    std::fputs(doppel::RepeatedIdsWarning(result->counts).c_str(), stderr);  // even with -q
    if (!quiet) std::fputs(doppel::DedupSummaryText(*result).c_str(), stderr);
    return 0;
  }
  if (find->parsed()) {
    fo.corpus.on_error = fo_on_error == "skip" ? doppel::OnError::kSkip : doppel::OnError::kStop;
    fo.corpus.progress = !quiet;
    fo.find.memory = memory_mib << 20;
    auto result = doppel::RunFind(fo);
    if (!result.ok()) return Fail(result.status());
    std::fputs(doppel::RepeatedIdsWarning(result->counts).c_str(), stderr);  // even with -q
    if (!quiet) std::fputs(doppel::FindSummaryText(*result).c_str(), stderr);
    return 0;
  }
  if (fuse->parsed()) {
    fu.corpus.on_error = fu_on_error == "skip" ? doppel::OnError::kSkip : doppel::OnError::kStop;
    fu.corpus.progress = !quiet;
    auto result = doppel::RunFuse(fu);
    if (!result.ok()) return Fail(result.status());
    std::fputs(doppel::RepeatedIdsWarning(result->counts).c_str(), stderr);  // even with -q
    if (!quiet) std::fputs(doppel::FuseSummaryText(*result).c_str(), stderr);
    return 0;
  }
  return 0;
}
