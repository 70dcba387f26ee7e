// The doppel binary's heap: jemalloc's options, and what changes them when
// a run starts and once it is long. The library does not depend on the
// allocator; sanitizer builds, which bring their own, compile none of this.
#include "heap.h"

#ifdef DOPPEL_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdlib>
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
//   when the run starts (HugePagesWorthItHere); otherwise small pages for
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
//   back after about a second (TuneTheHeap; the other settings stay), as
//   kept pages add to the peak of a long run (about a sixth at a million
//   documents when they were kept up to ten seconds).
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

// Huge pages from when HugePagesFromNowOn is called: as soon as the run
// has found them worth it, else once it is long (see malloc_conf above).
// The heap's arena 0 maps memory through jemalloc's own extent hooks,
// wrapped to note every mapping made after main starts until then, and to
// ask for huge pages on all of them, and on every later one, from
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

// Whether huge pages are worth it here (malloc_conf's comment above): times
// the faults of kSmallPages fresh 4 KiB pages and of one fresh huge page,
// in a mapping of its own that is given back (the heap's first huge page is
// then likely that one, which the host has just backed). The costs differ
// between hosts and over time on one host (after an idle spell, a host that
// took free memory back has to give it again), by 10 x and more; the probe
// takes about 1.5 ms where a fresh small page costs 10 us, and over 4 ms
// where a fresh huge page costs 4 ms (bench/README.md, "Which pages,
// measured at the start"). Huge pages also spare the run TLB misses over
// its tables, which the probe does not see; so they are taken while they
// cost less than kHugeOverSmall times as much per byte as small ones. On
// one host, a program touching 140 MiB paid 1.7 times as much per byte for
// huge pages back to back, where find was faster with them, and 3.8 times
// after an idle spell, where it was slower. A fault the kernel answers
// with a small page (huge pages off, or no free 2 MiB block) is no huge
// page: false.
// One measurement of each: a run preempted while it measures may take the
// pages that are slower for it.
bool HugePagesWorthItHere() {
  static constexpr double kHugeOverSmall = 2.5;
  static constexpr size_t kSmallPages = 128;
  const long page_size = sysconf(_SC_PAGESIZE);
  if (page_size <= 0) return false;
  const auto page = static_cast<size_t>(page_size);
  // The size of a huge page; read without stdio, which would allocate.
  size_t huge = 0;
  if (const int fd = open("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", O_RDONLY | O_CLOEXEC); fd >= 0) {
    char text[32];
    const ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n > 0) {
      text[n] = '\0';
      huge = std::strtoull(text, nullptr, 10);
    }
  }
  // Not where there are none, where a huge page is larger than the probe
  // should touch (64 KiB base pages make them 512 MiB on arm64), nor where
  // it is less than kSmallPages small pages (ppc64 with 64 KiB pages).
  if (huge == 0 || !std::has_single_bit(huge) || huge > (size_t{2} << 20) || huge < kSmallPages * page) {
    return false;
  }
  const size_t span = 3 * huge;  // an aligned huge page, and the small pages after it
  void* m = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return false;
  char* big = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(m) + huge - 1) & ~(huge - 1));
  char* small = big + huge;
  bool worth_it = false;
  if (madvise(small, kSmallPages * page, MADV_NOHUGEPAGE) == 0 && madvise(big, huge, MADV_HUGEPAGE) == 0) {
    volatile char* touch_small = small;
    volatile char* touch_big = big;
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    for (size_t i = 0; i < kSmallPages; ++i) touch_small[i * page] = 1;
    const auto t1 = Clock::now();
    touch_big[0] = 1;
    const auto t2 = Clock::now();
    // A huge page makes all of its small pages resident at once.
    std::array<unsigned char, (size_t{2} << 20) / 4096> resident{};  // huge / page, at most
    const size_t pages = huge / page;
    auto in_memory = [](unsigned char r) { return (r & 1) != 0; };
    const bool got_huge = pages <= resident.size() && mincore(big, huge, resident.data()) == 0 &&
                          std::all_of(resident.begin(), resident.begin() + pages, in_memory);
    const double small_per_byte = std::chrono::duration<double>(t1 - t0).count() / double(kSmallPages * page);
    const double huge_per_byte = std::chrono::duration<double>(t2 - t1).count() / double(huge);
    worth_it = got_huge && huge_per_byte < kHugeOverSmall * small_per_byte;
  }
  munmap(m, span);
  return worth_it;
}

}  // namespace

// See malloc_conf above: the heap gets huge pages as soon as a thread of
// its own has found them worth it here, else after kShortRunSeconds (left
// alone when MALLOC_CONF set thp:always or thp:never), and after
// kShortRunSeconds freed pages go back (left alone when MALLOC_CONF set
// another decay time; one that sets dirty_decay_ms:-1 itself is not told
// apart). The probe runs beside main, not before it: a short run (--help,
// the two seed documents) would otherwise wait about 2 ms for it, and the
// mappings main makes meanwhile are noted and get huge pages too.
void TuneTheHeap() {
  static constexpr int kShortRunSeconds = 2;
  ssize_t decay = 0;
  size_t size = sizeof decay;
  const bool keep_freed = mallctl("opt.dirty_decay_ms", &decay, &size, nullptr, 0) == 0 && decay == -1;
  const bool huge_later = HugePagesLater::Install();
  if (!keep_freed && !huge_later) return;
  const auto long_from = std::chrono::steady_clock::now() + std::chrono::seconds(kShortRunSeconds);
  try {
    std::thread([keep_freed, huge_later, long_from] {
      const bool huge_now = huge_later && HugePagesWorthItHere();
      if (huge_now) HugePagesLater::HugePagesFromNowOn();
      std::this_thread::sleep_until(long_from);
      if (keep_freed) ReturnFreedPages();
      if (huge_later && !huge_now) HugePagesLater::HugePagesFromNowOn();
    }).detach();
  } catch (const std::system_error&) {  // no thread to spare: as for a long run from the start
    if (keep_freed) ReturnFreedPages();
    if (huge_later) HugePagesLater::HugePagesFromNowOn();
  }
}

}  // namespace doppel_tool

#else

namespace doppel_tool {
void TuneTheHeap() {}
}  // namespace doppel_tool

#endif  // DOPPEL_WITH_JEMALLOC
