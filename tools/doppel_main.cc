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

#ifdef DOPPEL_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>

#include <sys/mman.h>
#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

// jemalloc reads its options from this symbol when the process starts (the
// MALLOC_CONF environment variable is read after it and can change them).
// doppel touches a lot of fresh memory in a short time: document tables,
// batches, shingle sets, n-gram occurrences. Every fresh page is zeroed by
// the kernel when first touched, and on a virtual machine whose host has
// taken idle memory back that costs several times more (bench/README.md,
// "Huge pages, after the first two seconds"). So:
// - no huge pages for the first kShortRunSeconds, then huge pages
//   (HugePagesLater; where the kernel gives them to every process,
//   enabled = always, from the start). Neither thp:always nor
//   metadata_thp:auto is set. On a virtual machine that reports free 2 MiB
//   blocks to its host, a fresh huge page always comes from such a block
//   and costs about 4 ms after an idle spell, while 4 KiB pages come first
//   from the guest's smaller free blocks: find on syndicate-dev took
//   0.47-0.49 s after 20 s idle with huge pages from the start and
//   0.30-0.33 s without (back to back 0.28-0.33 s against 0.30-0.32 s, and
//   45 ms more CPU for 32,400 page faults instead of 2,200). A long run gains from huge pages what it loses on small ones
//   (fewer faults, fewer TLB misses over its large tables): find on a
//   million generated documents took 26 s with them and 32-33.6 s
//   without;
// - what a stage frees is reused by the next one rather than handed back
//   and faulted in again: one arena for all threads (a worker thread would
//   not reuse what the main thread freed), no separate arena for blocks of
//   8 MiB and more (oversize_threshold:0; that arena has no decay, so such
//   blocks went back at once), large free blocks may be split for smaller
//   requests (lg_extent_max_active_fit), and freed pages stay
//   (dirty_decay_ms:-1). On syndicate-dev find faults 32,400 pages with
//   the last three and 50,000 with jemalloc's defaults for them, and took
//   0.302 s against 0.330 s back to back;
// - the last only for the first kShortRunSeconds: then freed pages go
//   back after about a second (TuneTheHeapForLongRuns; the other settings
//   stay), as kept pages add to the peak of a long run (about a sixth at a
//   million documents when they were kept up to ten seconds).
// Muzzy decay is 0 by default in jemalloc 5.3; it is set here to say so.
extern "C" {
const char* malloc_conf =
    "narenas:1,oversize_threshold:0,lg_extent_max_active_fit:30,dirty_decay_ms:-1,muzzy_decay_ms:0";
}
#endif

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

#ifdef DOPPEL_WITH_JEMALLOC
// Freed pages go back to the system after about a second from now on.
void ReturnFreedPages() {
  ssize_t ms = 1000;
  mallctl("arenas.dirty_decay_ms", nullptr, nullptr, &ms, sizeof ms);  // arenas made later
  unsigned arenas = 0;
  size_t n = sizeof arenas;
  if (mallctl("arenas.narenas", &arenas, &n, nullptr, 0) != 0) return;
  for (unsigned i = 0; i < arenas; ++i) {
    const std::string name = "arena." + std::to_string(i) + ".dirty_decay_ms";
    mallctl(name.c_str(), nullptr, nullptr, &ms, sizeof ms);  // EFAULT for an arena not made
  }
}

// Huge pages once a run is long (see malloc_conf above): the heap's
// arena 0 maps memory through jemalloc's own extent hooks, wrapped to note
// every mapping made after main starts while the run is short, and to ask
// for huge pages on all of them, and on every later one, from
// HugePagesFromNowOn on. jemalloc maps in steps that grow (12 mappings in a
// run on syndicate-dev, 21 on 100,000 generated documents); mappings beyond
// kMaxMappings, the few made before main, and those of other arenas (where
// MALLOC_CONF sets narenas or oversize_threshold) stay on small pages.
class HugePagesLater {
 public:
  // Wraps arena 0's hooks; false where that is not possible, where
  // MALLOC_CONF set thp:always or thp:never (an explicit thp:default is
  // not told apart from none), or without retain.
  static bool Install() {
    const char* thp = nullptr;
    size_t size = sizeof thp;
    if (mallctl("opt.thp", &thp, &size, nullptr, 0) != 0 || thp == nullptr || std::strcmp(thp, "default") != 0) {
      return false;
    }
    // Without retain, jemalloc unmaps what it frees, and a noted address
    // could then be another mapping's by the time huge pages are asked for.
    bool retain = false;
    size = sizeof retain;
    if (mallctl("opt.retain", &retain, &size, nullptr, 0) != 0 || !retain) return false;
    size = sizeof default_;
    if (mallctl("arena.0.extent_hooks", &default_, &size, nullptr, 0) != 0 || default_ == nullptr) return false;
    hooks_ = *default_;
    hooks_.alloc = &Alloc;
    extent_hooks_t* mine = &hooks_;
    return mallctl("arena.0.extent_hooks", nullptr, nullptr, &mine, sizeof mine) == 0;
  }

  static void HugePagesFromNowOn() {
    std::lock_guard<std::mutex> lock(mutex_);
    huge_ = true;
    // Requests the kernel may decline (enabled = never): pages stay small.
    for (size_t i = 0; i < mapped_; ++i) madvise(mappings_[i].first, mappings_[i].second, MADV_HUGEPAGE);
  }

 private:
  static constexpr size_t kMaxMappings = 1024;

  static void* Alloc(extent_hooks_t*, void* new_addr, size_t size, size_t alignment, bool* zero, bool* commit,
                     unsigned arena) {
    void* p = default_->alloc(default_, new_addr, size, alignment, zero, commit, arena);
    if (p == nullptr) return p;
    std::lock_guard<std::mutex> lock(mutex_);
    if (huge_) {
      madvise(p, size, MADV_HUGEPAGE);
    } else if (mapped_ < kMaxMappings) {
      mappings_[mapped_++] = {p, size};
    }
    return p;
  }

  static inline extent_hooks_t* default_ = nullptr;
  static inline extent_hooks_t hooks_{};
  static inline std::mutex mutex_;
  static inline bool huge_ = false;
  static inline std::array<std::pair<void*, size_t>, kMaxMappings> mappings_{};
  static inline size_t mapped_ = 0;
};
#endif

// See malloc_conf above: after kShortRunSeconds, freed pages go back (left
// alone when MALLOC_CONF set another decay time; one that sets
// dirty_decay_ms:-1 itself is not told apart) and the heap gets huge pages
// (left alone when MALLOC_CONF set thp:always or thp:never).
void TuneTheHeapForLongRuns() {
#ifdef DOPPEL_WITH_JEMALLOC
  static constexpr int kShortRunSeconds = 2;
  ssize_t decay = 0;
  size_t size = sizeof decay;
  const bool keep_freed = mallctl("opt.dirty_decay_ms", &decay, &size, nullptr, 0) == 0 && decay == -1;
  const bool huge_later = HugePagesLater::Install();
  if (!keep_freed && !huge_later) return;
  auto long_run = [keep_freed, huge_later] {
    if (keep_freed) ReturnFreedPages();
    if (huge_later) HugePagesLater::HugePagesFromNowOn();
  };
  try {
    std::thread([long_run] {
      std::this_thread::sleep_for(std::chrono::seconds(kShortRunSeconds));
      long_run();
    }).detach();
  } catch (const std::system_error&) {  // no thread to spare: as for a long run from the start
    long_run();
  }
#endif
}

}  // namespace

int main(int argc, char** argv) {
  TuneTheHeapForLongRuns();
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
