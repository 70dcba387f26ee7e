// The doppel binary's heap: jemalloc's options and what changes them once
// a run is long. The library does not depend on the allocator; sanitizer
// builds, which bring their own, compile none of this.
#include "heap.h"

#ifdef DOPPEL_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>

#include <sys/mman.h>
#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
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
//   45 ms more CPU for 32,400 page faults instead of 2,200). A long run
//   gains from huge pages what it loses on small ones (fewer faults, fewer
//   TLB misses over its large tables): find on a million generated
//   documents took 26 s with them and 32-33.6 s without;
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

namespace doppel_tool {
namespace {

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
  // A fixed array: the hook runs inside jemalloc and must not allocate.
  static inline std::array<std::pair<void*, size_t>, kMaxMappings> mappings_{};
  static inline size_t mapped_ = 0;
};
}  // namespace

// See malloc_conf above: after kShortRunSeconds, freed pages go back (left
// alone when MALLOC_CONF set another decay time; one that sets
// dirty_decay_ms:-1 itself is not told apart) and the heap gets huge pages
// (left alone when MALLOC_CONF set thp:always or thp:never).
void TuneTheHeapForLongRuns() {
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
}

}  // namespace doppel_tool

#else

namespace doppel_tool {
void TuneTheHeapForLongRuns() {}
}  // namespace doppel_tool

#endif  // DOPPEL_WITH_JEMALLOC
