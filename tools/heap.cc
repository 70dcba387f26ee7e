// The doppel binary's heap: jemalloc's options and what changes them once
// a run is long. The library does not depend on the allocator; sanitizer
// builds, which bring their own, compile none of this.
#include "heap.h"

#ifdef DOPPEL_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>

#include <sys/mman.h>
#include <sys/types.h>

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
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
// the kernel when first touched, and on a virtual machine that costs what
// the host makes it cost, which differs between hosts by more than the
// rest of a short run (bench/README.md, "Which pages, measured at the
// start"). So:
// - huge pages from the start where a fresh huge page costs less than
//   kHugeOverSmall times what as many bytes of 4 KiB pages cost, measured
//   when the run starts (HugePagesCostLessHere); otherwise small pages for
//   the first kShortRunSeconds, then huge pages (HugePagesLater). Neither
//   thp:always nor metadata_thp:auto is set. Where the kernel gives huge
//   pages to every process (enabled = always), every run has them from the
//   start. A long run gains from huge pages what it loses on small ones
//   (fewer faults, fewer TLB misses over its large tables): find on a
//   million generated documents took 26 s with them and 32-33.6 s without;
// - what a stage frees is reused by the next one rather than handed back
//   and faulted in again: one arena for all threads (a worker thread would
//   not reuse what the main thread freed), no separate arena for blocks of
//   8 MiB and more (oversize_threshold:0; that arena has no decay, so such
//   blocks went back at once), large free blocks may be split for smaller
//   requests (lg_extent_max_active_fit), and freed pages stay
//   (dirty_decay_ms:-1). On syndicate-dev find faults 32,400 pages with
//   the last three and 50,000 with jemalloc's defaults for them, and took
//   0.302 s against 0.330 s back to back (on small pages);
// - the last only for the first kShortRunSeconds: then freed pages go
//   back after about a second (TuneTheHeap; the other settings
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

// Whether fresh huge pages cost less here than small ones, as malloc_conf
// above weighs them: times the faults of kSmallPages fresh 4 KiB pages and
// of one fresh huge page, in a mapping of its own that is given back
// (jemalloc's first huge page is then likely the one just zeroed). The
// costs differ between hosts and over time on one host (after an idle
// spell, a host that took free memory back has to give it again), by 10 x
// and more, while the probe takes a few milliseconds at most
// (bench/README.md). Huge pages also spare the run TLB misses over its
// tables, which the probe does not see; so they are taken up to
// kHugeOverSmall times the cost per byte of small ones. On one host, a
// program touching 140 MiB paid 1.7 times as much per byte for huge pages
// back to back, where find was faster with them, and 3.8 times after an
// idle spell, where it was slower.
bool HugePagesCostLessHere() {
  static constexpr double kHugeOverSmall = 2.5;
  static constexpr size_t kSmallPages = 128;
  const long page = sysconf(_SC_PAGESIZE);
  size_t huge = 0;
  if (std::FILE* f = std::fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r")) {
    if (std::fscanf(f, "%zu", &huge) != 1) huge = 0;
    std::fclose(f);
  }
  // Not where a huge page is larger than the probe should touch (64 KiB
  // base pages make them 512 MiB), nor where there are none.
  if (page <= 0 || huge == 0 || huge > (size_t{2} << 20) || huge < kSmallPages * page) return false;
  const size_t span = 3 * huge;  // an aligned huge page, and the small pages after it
  void* m = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return false;
  volatile char* big = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(m) + huge - 1) & ~(huge - 1));
  volatile char* small = big + huge;
  bool cheaper = false;
  if (madvise(const_cast<char*>(small), kSmallPages * page, MADV_NOHUGEPAGE) == 0 &&
      madvise(const_cast<char*>(big), huge, MADV_HUGEPAGE) == 0) {
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    for (size_t i = 0; i < kSmallPages; ++i) small[i * page] = 1;
    const auto t1 = Clock::now();
    big[0] = 1;
    const auto t2 = Clock::now();
    const double small_per_byte = std::chrono::duration<double>(t1 - t0).count() / double(kSmallPages * page);
    const double huge_per_byte = std::chrono::duration<double>(t2 - t1).count() / double(huge);
    cheaper = huge_per_byte < kHugeOverSmall * small_per_byte;
  }
  munmap(m, span);
  return cheaper;
}

}  // namespace

// See malloc_conf above: the heap gets huge pages now where they cost less
// here, else after kShortRunSeconds (left alone when MALLOC_CONF set
// thp:always or thp:never), and after kShortRunSeconds freed pages go back
// (left alone when MALLOC_CONF set another decay time; one that sets
// dirty_decay_ms:-1 itself is not told apart).
void TuneTheHeap() {
  static constexpr int kShortRunSeconds = 2;
  ssize_t decay = 0;
  size_t size = sizeof decay;
  const bool keep_freed = mallctl("opt.dirty_decay_ms", &decay, &size, nullptr, 0) == 0 && decay == -1;
  bool huge_later = HugePagesLater::Install();
  if (huge_later && HugePagesCostLessHere()) {
    HugePagesLater::HugePagesFromNowOn();
    huge_later = false;
  }
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
void TuneTheHeap() {}
}  // namespace doppel_tool

#endif  // DOPPEL_WITH_JEMALLOC
