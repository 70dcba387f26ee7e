#include "find/boilerplate.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include "doppel/align.h"
#include "doppel/union_find.h"
#include "text/rolling.h"
#include "util/atomic_bits.h"
#include "util/fd_io.h"
#include "util/hash_sort.h"

namespace doppel {
namespace {

// Entry arrays are written in full right after they are sized: an
// allocator that leaves new elements uninitialized saves a pass of zeroes
// over every partition.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using GramEntries = std::vector<GramEntry, UninitializedAllocator<GramEntry>>;
using DocPositions = std::vector<DocPos, UninitializedAllocator<DocPos>>;

// Per-entry counts of groups within a source fit in 16 bits: they are at
// most the document frequency of a run that is not too common, which is at
// most the cap, sqrt(documents).
using SourceCount = uint16_t;
constexpr SourceCount kMany = UINT16_MAX;

// The most copies of one story on one source that are grouped as one
// (three or more are found by the exact set of documents that share their
// text): text that more documents of a source share is its chrome.
constexpr size_t kStoryRepeats = 8;

// The most tokens whose indexes (masks and anchors, about 22 bytes a token)
// the story-group steps hold at once: 2^18, 5.5 MiB, where the working
// memory would take every pair's documents in one batch (FindBoilerplate).
constexpr uint64_t kStoryBatchTokens = uint64_t{1} << 18;

// Documents of one source that share n-grams no other document of the
// source has, and how many of those n-grams are found on other sources too.
struct DocSet {
  std::array<uint32_t, kStoryRepeats> docs;
  uint32_t size;
  uint32_t count;       // shared n-grams another source has as article text (any, on a large source)
  uint32_t near_count;  // shared n-grams, on a source that is not large (near-identical texts)
  bool same_docs(const DocSet& o) const {
    return size == o.size && std::equal(docs.begin(), docs.begin() + size, o.docs.begin());
  }
  bool operator<(const DocSet& o) const {
    return std::lexicographical_compare(docs.begin(), docs.begin() + size, o.docs.begin(), o.docs.begin() + o.size);
  }
};

// Merges sets of the same documents in sorted `sets`, adding their counts.
void MergeSortedDocSets(std::vector<DocSet>* sets) {
  size_t w = 0;
  for (size_t r = 0; r < sets->size(); ++r) {
    const DocSet& x = (*sets)[r];
    if (w > 0 && (*sets)[w - 1].same_docs(x)) {
      (*sets)[w - 1].count += x.count;
      (*sets)[w - 1].near_count += x.near_count;
    } else {
      (*sets)[w++] = x;
    }
  }
  sets->resize(w);
}
// Entries a thread collects before it merges them (MergeSortedDocSets): 2.8 MB.
constexpr size_t kSetsBeforeMerge = size_t{1} << 16;

// Marks (1) the tokens of the n-grams (of n tokens) that for_each_gram(f)
// gives, calling f(i) for each start i in ascending order; the others 0.
template <typename ForEachGram>
void CoverTokens(ForEachGram&& for_each_gram, size_t tokens, int n, std::vector<uint8_t>* out) {
  out->assign(tokens, 0);
  const auto k = static_cast<size_t>(n);
  size_t covered = 0;  // the tokens before it are marked
  for_each_gram([&](uint64_t g) {
    const auto i = static_cast<size_t>(g);
    const size_t from = std::max(i, covered), to = std::min(tokens, i + k);
    if (from < to) std::fill(out->begin() + from, out->begin() + to, 1);
    covered = std::max(covered, to);
  });
}

// Marks the tokens covered by a bad n-gram (CoverTokens), then also short
// article runs (shorter than one n-gram) squeezed between chrome: a word or
// two of chrome that an edit or OCR error broke out of its n-grams stays
// chrome.
template <typename ForEachBad>
void MaskTokens(ForEachBad&& for_each_bad, size_t tokens, int n, std::vector<uint8_t>* mask) {
  CoverTokens(for_each_bad, tokens, n, mask);
  const auto k = static_cast<size_t>(n);
  for (size_t i = 0; i < tokens;) {
    if ((*mask)[i]) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < tokens && !(*mask)[j]) ++j;
    if (i > 0 && j < tokens && j - i < k) std::fill(mask->begin() + i, mask->begin() + j, 1);
    i = j;
  }
}

uint32_t Unmasked(const std::vector<uint8_t>& mask, uint32_t begin, uint32_t end) {
  uint32_t c = 0;
  for (uint32_t i = begin; i < end; ++i) c += !mask[i];
  return c;
}

// Whether a source has an n-gram as article text: in one of its groups, or
// in a few (a story it posted more than once) that are at most half of its
// documents; chrome is on most of a site's pages.
bool ArticleOf(uint32_t groups, uint32_t source_docs) {
  return groups == 1 || (groups <= kStoryRepeats && 2 * groups <= source_docs);
}

// How many sources have an n-gram as article text, for one source `s`
// with `groups` groups that have it. Documents without a source (none
// given, or alone on their source) show nothing of their own chrome: they
// count one per group, but only when at least `lone_min` groups of them
// have the n-gram (SourceCounts).
uint32_t ArticleSources(uint32_t s, uint32_t groups, const std::vector<uint32_t>& source_docs, uint32_t lone_min) {
  if (s == 0) return groups >= lone_min ? groups : 0;
  return ArticleOf(groups, source_docs[s]);
}

// Whether a source shows an n-gram as its chrome: in two or more of its
// groups, not as article text (ArticleOf), and not one text that it holds
// more than once (`one_text`: those documents have the same tokens).
uint32_t ChromeSources(uint32_t s, uint32_t groups, bool one_text, const std::vector<uint32_t>& source_docs) {
  return s != 0 && groups >= 2 && !one_text && !ArticleOf(groups, source_docs[s]);
}

// An entry's count of groups of its source `s` with the n-gram (kMany
// without a source), and whether another source has the n-gram as article
// text, given how many sources (or documents without one) do.
void WriteSourceCount(uint32_t s, uint32_t groups, uint32_t article_sources, uint32_t chrome_sources,
                      const std::vector<uint32_t>& source_docs, uint32_t lone_min, SourceCount* out,
                      uint8_t* elsewhere) {
  const SourceCount v = s == 0 ? kMany : static_cast<SourceCount>(std::min<uint32_t>(groups, kMany - 1));
  *out = v;
  const uint32_t own = s == 0 ? (groups >= lone_min ? 1 : 0) : ArticleOf(v, source_docs[s]);
  *elsewhere = article_sources > own && article_sources >= chrome_sources;
}

// Runs of at most this many entries count their sources and groups in
// arrays on the stack.
constexpr size_t kSmallRun = 16;

// For every entry of a run of one n-gram of two or more documents (and
// not too common: the rest follow from the document frequency, sdf_of and
// elsewhere_of below): in how many distinct groups of its own source the
// n-gram occurs (kMany when the entry has no source), and whether another
// source has it as article text (ArticleOf). Text that other sites carry as
// their chrome, which reprint sites borrow from the sites they copy, is not
// evidence of a story. Groups only ever join documents of one source, so a
// group is counted for the source of its documents.
//
// With `prints` (the documents' fingerprints; given sources only), the
// sources that show the n-gram as their chrome (ChromeSources) weigh
// against those that have it as article text: another source has it as
// article text only when at least as many sources have it so as show it
// as chrome. Reprint sites borrow a blog's template, and where a crawl
// holds two pages of each, two small sites show it on both pages while a
// third that shows it on one of its two pages looks like it carries a
// story; two pages of each of the first two sites joined through it
// (bench/README.md, "Chrome that small sites show"). A tie is taken for a
// story: a small site that posted a story twice, once edited, shows it as
// chrome, and one other source carrying it must be enough. Pages of one
// text (a page crawled twice) show no chrome at all.
//
// Documents without a source count as evidence when at least `lone_min`
// groups of them have the n-gram. With a source field that is 2: a page
// alone on its site may carry the chrome of the blog it copies (or be that
// blog's one page in the corpus), and one such page made two pages of a
// reprint site that borrowed the same chrome look like one story
// (bench/README.md, short_only); a story that two or more lone pages carry
// still counts. The price: a story that a site posted two or three times
// and that only one lone page carries besides is taken for that site's
// chrome, and none of its copies join (one measured subset lost 0.001 pair
// F1, three gained 0.002-0.032). Without a source field it is 1: documents
// outside every inferred source are mostly texts without a template.
void SourceCounts(const DocPositions& e, size_t begin, size_t end, const std::vector<uint32_t>& source,
                  const std::vector<uint32_t>& group, const std::vector<uint32_t>& source_docs, uint32_t lone_min,
                  const std::vector<uint64_t>* prints, std::vector<SourceCount>* out,
                  std::vector<uint8_t>* elsewhere) {
  if (end - begin == 2) {  // two documents: the most common case
    const uint32_t x = e[begin].doc, y = e[begin + 1].doc;
    if (source[x] == source[y] && source[x] != 0) {
      const SourceCount v = group[x] == group[y] ? 1 : 2;
      (*out)[begin] = (*out)[begin + 1] = v;
      (*elsewhere)[begin] = (*elsewhere)[begin + 1] = 0;
    } else {
      (*out)[begin] = source[x] == 0 ? kMany : 1;
      (*out)[begin + 1] = source[y] == 0 ? kMany : 1;
      // (Two lone documents with lone_min 2 see no evidence here, where the
      // longer paths would: a lone entry's `elsewhere` is never read, as
      // its count is kMany.)
      (*elsewhere)[begin] = source[y] != 0 || lone_min <= 1;
      (*elsewhere)[begin + 1] = source[x] != 0 || lone_min <= 1;
    }
    return;
  }
  const size_t m = end - begin;
  if (m <= kSmallRun) {
    // Most runs: a few documents, whose distinct sources and groups are
    // found by scanning short arrays.
    uint32_t sources[kSmallRun], groups_of[kSmallRun], groups[kSmallRun];
    uint64_t print_of[kSmallRun];  // per source: its first document's fingerprint
    bool one_text[kSmallRun];      // and whether its other documents have it too
    size_t ns = 0, ng = 0;
    auto index_of = [&](uint32_t s) {
      size_t k = 0;
      while (k < ns && sources[k] != s) ++k;
      return k;
    };
    for (size_t i = begin; i < end; ++i) {
      const uint32_t d = e[i].doc, s = source[d], g = group[d];
      const size_t k = index_of(s);
      const uint64_t print = prints != nullptr ? (*prints)[d] : 0;
      if (k == ns) {
        sources[ns] = s, groups_of[ns] = 0, print_of[ns] = print, one_text[ns] = true;
        ++ns;
      }
      one_text[k] &= print_of[k] == print;
      size_t j = 0;
      while (j < ng && groups[j] != g) ++j;
      if (j == ng) groups[ng++] = g, ++groups_of[k];
    }
    uint32_t article_sources = 0, chrome_sources = 0;
    for (size_t k = 0; k < ns; ++k) {
      article_sources += ArticleSources(sources[k], groups_of[k], source_docs, lone_min);
      if (prints != nullptr) chrome_sources += ChromeSources(sources[k], groups_of[k], one_text[k], source_docs);
    }
    for (size_t i = begin; i < end; ++i) {
      const uint32_t s = source[e[i].doc];
      WriteSourceCount(s, groups_of[index_of(s)], article_sources, chrome_sources, source_docs, lone_min, &(*out)[i],
                       &(*elsewhere)[i]);
    }
    return;
  }
  // Longer runs: two small open-addressing tables, per thread, sized to the
  // run and cleared per call.
  constexpr uint32_t kEmpty = UINT32_MAX;  // document and source numbers are below it
  thread_local std::vector<uint32_t> groups_seen;
  struct PerSource {
    uint32_t source = kEmpty;
    uint32_t groups = 0;
    uint64_t print = 0;     // its first document's fingerprint
    bool one_text = true;   // its other documents have it too
  };
  thread_local std::vector<PerSource> per_source;
  int bits = 4;
  while ((size_t{1} << bits) < 2 * m) ++bits;
  const size_t slots = size_t{1} << bits, wrap = slots - 1;
  groups_seen.assign(slots, kEmpty);
  per_source.assign(slots, PerSource{});
  auto home = [bits](uint32_t key) { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - bits)); };
  auto source_slot = [&](uint32_t s) -> PerSource& {
    size_t h = home(s);
    while (per_source[h].source != kEmpty && per_source[h].source != s) h = (h + 1) & wrap;
    return per_source[h];
  };
  for (size_t i = begin; i < end; ++i) {
    const uint32_t d = e[i].doc, s = source[d], g = group[d];
    PerSource& slot = source_slot(s);
    const uint64_t print = prints != nullptr ? (*prints)[d] : 0;
    if (slot.source == kEmpty) {
      slot.source = s;
      slot.print = print;
    }
    slot.one_text &= slot.print == print;
    size_t h = home(g);
    while (groups_seen[h] != kEmpty && groups_seen[h] != g) h = (h + 1) & wrap;
    if (groups_seen[h] == kEmpty) {
      groups_seen[h] = g;
      ++slot.groups;
    }
  }
  uint32_t article_sources = 0;  // sources (and groups of lone documents) that have it as article text
  uint32_t chrome_sources = 0;   // sources that show it as their chrome
  for (const PerSource& ps : per_source) {
    if (ps.source == kEmpty) continue;
    article_sources += ArticleSources(ps.source, ps.groups, source_docs, lone_min);
    if (prints != nullptr) chrome_sources += ChromeSources(ps.source, ps.groups, ps.one_text, source_docs);
  }
  for (size_t i = begin; i < end; ++i) {
    const uint32_t s = source[e[i].doc];
    WriteSourceCount(s, source_slot(s).groups, article_sources, chrome_sources, source_docs, lone_min, &(*out)[i],
                     &(*elsewhere)[i]);
  }
}

// The n-gram occurrences sorted by (n-gram, document, position), a
// partition at a time. The n-grams are hashes, so their top bits spread
// them evenly over buckets: a parallel counting pass over ranges of
// documents sizes every bucket once; then for each partition, a run of
// consecutive buckets holding at most `max_entries` entries (or one bucket),
// a parallel scatter of its entries (each range of documents writes its own
// slice of every bucket, in document order) and a linear sort of each
// bucket on the hash bits below the bucket's. Every run of one n-gram lies
// in one bucket, so partitions hold whole runs, and their concatenation in
// order is the sorted list of all entries. One partition is scattered
// straight from the tokens; more are first written to scratch files (Spill).
class GramPartitions {
 public:
  GramPartitions(const TokenStore& tokens, int gram_n, size_t total, size_t max_entries, const std::string& tmp_dir)
      : tokens_(tokens), gram_n_(gram_n) {
    const size_t n = tokens.size();
    while (bits_ < 16 && (size_t{1} << bits_) * 256 < total) ++bits_;
    buckets_ = size_t{1} << bits_;
    shift_ = 64 - bits_;
    // Ranges of documents with about equal numbers of entries.
    std::vector<size_t> offset(n + 1, 0);
    const auto k = static_cast<size_t>(gram_n);
    for (size_t d = 0; d < n; ++d) offset[d + 1] = offset[d] + (tokens.count(d) >= k ? tokens.count(d) - k + 1 : 0);
    range_begin_ = {0};
    for (size_t d = 0; d < n; ++d) {
      if (offset[d + 1] * kRanges >= total * range_begin_.size() && range_begin_.size() < kRanges) {
        range_begin_.push_back(d + 1);
      }
    }
    while (range_begin_.size() <= kRanges) range_begin_.push_back(n);
    count_.assign(kRanges * buckets_, 0);
    status_ = ForRanges([&](size_t r, size_t, std::span<const uint32_t> t, std::vector<uint64_t>* g) {
      uint32_t* c = &count_[r * buckets_];
      GramHashes(t, gram_n_, g);
      for (uint64_t h : *g) ++c[h >> shift_];
    });
    std::vector<size_t> size(buckets_, 0);
    for (size_t r = 0; r < kRanges; ++r) {
      for (size_t b = 0; b < buckets_; ++b) size[b] += count_[r * buckets_ + b];
    }
    // Partitions read back from the scratch file are scattered out of a
    // second array, of 16 bytes an entry like the two they are sorted in:
    // half the budget each.
    const size_t per_partition = total > max_entries ? std::max<size_t>(1, max_entries / 2) : max_entries;
    first_bucket_ = {0};
    size_t held = 0;
    for (size_t b = 0; b < buckets_; ++b) {
      if (held > 0 && held + size[b] > per_partition) {
        first_bucket_.push_back(b);
        held = 0;
      }
      held += size[b];
    }
    first_bucket_.push_back(buckets_);
    if (status_.ok() && partitions() > 1) status_ = Spill(tmp_dir, per_partition);
  }
  GramPartitions(const GramPartitions&) = delete;
  GramPartitions& operator=(const GramPartitions&) = delete;

  // An error reading the tokens or writing the scratch file.
  const Status& status() const { return status_; }
  size_t partitions() const { return first_bucket_.size() - 1; }

  // A partition's entries sorted by n-gram, without it (8 bytes each, not
  // 16: the tables built next fill the pages of the n-grams freed after
  // sorting, and the passes read half as much), where each run of one
  // n-gram starts in them (then entries.size()), and each run's document
  // frequency, saturated at 2^16 - 1: it is only compared with the cap
  // (sqrt of the documents, below 2^16) and with 16-bit source counts.
  // Entry indices fit in 32 bits: FindCopies refuses corpora of 2^32 words.
  // The entries are sorted where they are kept, beside an array of their
  // n-grams: 16 bytes an entry while sorting (and, per thread, two 16-byte
  // copies of the group being sorted), where a 16-byte array sorted and
  // then copied to the 8-byte one took 24 (bench/README.md, "Tokens in 8
  // bytes"). Where runs start is marked in an array of a bit an entry;
  // the run starts and frequencies are written once the n-grams are freed.
  struct SortedPartition {
    DocPositions entries;
    std::vector<uint32_t> run_begin;
    std::vector<uint16_t> run_df;
  };
  Result<SortedPartition> Sorted(size_t p) const {
    const size_t b0 = first_bucket_[p], b1 = first_bucket_[p + 1], nb = b1 - b0;
    // Entries are scattered by group of kGroup consecutive buckets, not by
    // bucket: a range of documents writes to a sixteenth as many places
    // (1,024 rather than 16,384 on syndicate-dev), whose cache lines fill
    // before they leave the cache; each group is then sorted
    // while it is in the cache. Where range r starts writing into group g:
    // groups in order, ranges in order within each group.
    const size_t groups = (nb + kGroup - 1) / kGroup;
    std::vector<size_t> at(kRanges * groups);
    std::vector<size_t> bucket_start(nb + 1, 0);
    size_t pos = 0;
    for (size_t g = 0; g < groups; ++g) {
      const size_t first = g * kGroup, last = std::min(nb, first + kGroup);
      for (size_t b = first; b < last; ++b) {
        bucket_start[b + 1] = bucket_start[b];
        for (size_t r = 0; r < kRanges; ++r) bucket_start[b + 1] += count_[r * buckets_ + b0 + b];
      }
      for (size_t r = 0; r < kRanges; ++r) {
        at[r * groups + g] = pos;
        for (size_t b = first; b < last; ++b) pos += count_[r * buckets_ + b0 + b];
      }
    }
    assert(pos == bucket_start[nb]);
    // The n-grams and where they are, in two arrays: sorted, the second is
    // the partition's entries as they are kept, and the first is freed.
    std::vector<uint64_t, UninitializedAllocator<uint64_t>> grams(pos);
    SortedPartition out;
    out.entries.resize(pos);
    DocPos* where = out.entries.data();
    const bool all = nb == buckets_;
    auto group_of = [this, b0](uint64_t h) { return ((h >> shift_) - b0) / kGroup; };
    if (!files_.empty()) {
      // The partition's entries, range after range, each from its range's
      // scratch file, then scattered into their groups.
      const uint64_t from = region_[p * kRanges], to = region_[(p + 1) * kRanges];
      GramEntries raw(static_cast<size_t>(to - from));
      std::vector<int> errors(kRanges, 0);
      tbb::parallel_for(size_t{0}, kRanges, [&](size_t r) {
        const uint64_t begin = region_[p * kRanges + r] - from, end = region_[p * kRanges + r + 1] - from;
        errors[r] = PreadFull(files_[r].fd(), raw.data() + begin, (end - begin) * sizeof(GramEntry),
                              file_at_[r * (partitions() + 1) + p] * sizeof(GramEntry));
        if (errors[r] != 0) return;
        size_t* w = &at[r * groups];
        for (uint64_t i = begin; i < end; ++i) {
          const size_t x = w[group_of(raw[i].gram)]++;
          grams[x] = raw[i].gram;
          where[x] = {raw[i].doc, raw[i].pos};
        }
      });
      for (int err : errors) {
        if (err != 0) return ScratchIoError("n-gram", "read", err);
      }
    } else {
      DOPPEL_RETURN_IF_ERROR(ForRanges([&](size_t r, size_t d, std::span<const uint32_t> t, std::vector<uint64_t>* g) {
        size_t* w = &at[r * groups];
        GramHashes(t, gram_n_, g);
        for (size_t i = 0; i < g->size(); ++i) {
          const uint64_t h = (*g)[i];
          const size_t b = h >> shift_;
          if (!all && (b < b0 || b >= b1)) continue;
          const size_t x = w[(b - b0) / kGroup]++;
          grams[x] = h;
          where[x] = {static_cast<uint32_t>(d), static_cast<uint32_t>(i)};
        }
      }));
    }
    // A group's n-grams lie in kGroup consecutive buckets: less the group's
    // first n-gram value, their bits from the group's top on are uniform,
    // and sort it in linear time, as whole entries in a list of the
    // thread; their places are written back, and where each run of one
    // n-gram starts is marked while the group is fresh in the cache. The
    // n-grams are then freed, and the run starts and document frequencies
    // written at their places in the pages they leave.
    constexpr int kGroupBits = std::countr_zero(kGroup);
    const int key_shift = bits_ - kGroupBits;
    std::vector<size_t> at_group(groups + 1, 0);
    AtomicBits starts(pos);
    tbb::parallel_for(size_t{0}, groups, [&](size_t g) {
      const size_t first = bucket_start[g * kGroup], last = bucket_start[std::min(nb, (g + 1) * kGroup)];
      // Per thread: the group's entries, and the scratch list they are
      // sorted into (both freed beyond 4 MiB: one common n-gram can make a
      // group large).
      thread_local std::vector<GramEntry> group, sorted;
      group.resize(last - first);
      for (size_t x = first; x < last; ++x) group[x - first] = {grams[x], where[x].doc, where[x].pos};
      const uint64_t base = static_cast<uint64_t>(b0 + g * kGroup) << shift_;
      SortByUniformHashInto(group.data(), group.data() + group.size(), &sorted,
                            [base, key_shift](const GramEntry& e) { return (e.gram - base) << key_shift; });
      const GramEntry* in_order = sorted.data();
      size_t runs = 0;
      AtomicBits::InOrder mark(&starts);
      for (size_t x = first; x < last; ++x) {
        const GramEntry& e = in_order[x - first];
        // Buckets hold whole runs: a run never spans two groups.
        if (x == first || e.gram != in_order[x - first - 1].gram) {
          mark.Set(x);
          ++runs;
        }
        where[x] = {e.doc, e.pos};
      }
      at_group[g + 1] = runs;
      ShrinkScratch(&group);
      ShrinkScratch(&sorted);
    });
    decltype(grams)().swap(grams);
    for (size_t g = 0; g < groups; ++g) at_group[g + 1] += at_group[g];
    out.run_begin.resize(at_group[groups] + 1);
    out.run_df.resize(at_group[groups]);
    tbb::parallel_for(size_t{0}, groups, [&](size_t g) {
      size_t r = at_group[g];
      const size_t first = bucket_start[g * kGroup], last = bucket_start[std::min(nb, (g + 1) * kGroup)];
      for (size_t x = first; x < last; ++x) {
        if (starts[x]) {
          out.run_begin[r] = static_cast<uint32_t>(x);
          out.run_df[r++] = 1;
        } else if (where[x].doc != where[x - 1].doc && out.run_df[r - 1] < UINT16_MAX) {
          ++out.run_df[r - 1];
        }
      }
    });
    out.run_begin[at_group[groups]] = static_cast<uint32_t>(pos);
    return out;
  }

 private:
  static constexpr size_t kRanges = 32;
  static constexpr size_t kGroup = 16;  // buckets sorted together (Sorted); a power of two

  // More than one partition: instead of hashing every token again for each
  // partition, one pass writes every entry to unlinked scratch files, one
  // per range of documents, grouped by partition (the counts give every
  // slice's place), each range through one small buffer per partition. A
  // partition is then one sequential read from each file.
  Status Spill(const std::string& tmp_dir, size_t per_partition) {
    const size_t parts = partitions();
    std::vector<uint32_t> part_of(buckets_);
    for (size_t p = 0; p < parts; ++p) {
      for (size_t b = first_bucket_[p]; b < first_bucket_[p + 1]; ++b) part_of[b] = static_cast<uint32_t>(p);
    }
    region_.assign(parts * kRanges + 1, 0);
    uint64_t pos = 0;
    for (size_t p = 0; p < parts; ++p) {
      for (size_t r = 0; r < kRanges; ++r) {
        region_[p * kRanges + r] = pos;
        for (size_t b = first_bucket_[p]; b < first_bucket_[p + 1]; ++b) pos += count_[r * buckets_ + b];
      }
    }
    region_[parts * kRanges] = pos;
    // One file per range of documents: ranges write on all threads, and
    // threads writing one file would wait on its lock.
    file_at_.assign(kRanges * (parts + 1), 0);
    for (size_t r = 0; r < kRanges; ++r) {
      for (size_t p = 0; p < parts; ++p) {
        file_at_[r * (parts + 1) + p + 1] = file_at_[r * (parts + 1) + p] + region_[p * kRanges + r + 1] - region_[p * kRanges + r];
      }
    }
    files_.resize(kRanges);
    for (ScratchFile& f : files_) {
      auto file = ScratchFile::Create(tmp_dir, "doppel-ngrams");
      if (!file.ok()) return file.status();
      f = std::move(file).value();
    }
    const size_t buffer = std::clamp<size_t>(per_partition / (kRanges * parts), 64, 4096);
    std::vector<Status> errors(kRanges);
    tbb::parallel_for(size_t{0}, kRanges, [&](size_t r) {
      std::vector<std::vector<GramEntry>> pending(parts);
      std::vector<uint64_t> cursor(parts);
      for (size_t p = 0; p < parts; ++p) cursor[p] = file_at_[r * (parts + 1) + p];
      Status st;
      auto flush = [&](size_t p) {
        std::vector<GramEntry>& v = pending[p];
        if (st.ok()) {
          const int err =
              PwriteFull(files_[r].fd(), v.data(), v.size() * sizeof(GramEntry), cursor[p] * sizeof(GramEntry));
          if (err != 0) st = ScratchIoError("n-gram", "write", err);
        }
        cursor[p] += v.size();
        v.clear();
      };
      std::vector<uint64_t> g;
      Status read = tokens_.ForEachWords(range_begin_[r], range_begin_[r + 1], [&](size_t d, std::span<const uint32_t> t) {
        if (!st.ok()) return;
        GramHashes(t, gram_n_, &g);
        for (size_t i = 0; i < g.size(); ++i) {
          const size_t p = part_of[g[i] >> shift_];
          if (pending[p].empty()) pending[p].reserve(buffer);
          pending[p].push_back({g[i], static_cast<uint32_t>(d), static_cast<uint32_t>(i)});
          if (pending[p].size() >= buffer) flush(p);
        }
      });
      for (size_t p = 0; p < parts && st.ok(); ++p) {
        if (!pending[p].empty()) flush(p);
      }
      errors[r] = !read.ok() ? read : st;
    });
    for (Status& e : errors) {
      if (!e.ok()) return e;
    }
    return Status::Ok();
  }

  // f(range, document, tokens, scratch) for every document, the ranges on
  // all threads, each range's documents in order.
  template <typename F>
  Status ForRanges(F&& f) const {
    std::vector<Status> errors(kRanges);
    tbb::parallel_for(size_t{0}, kRanges, [&](size_t r) {
      std::vector<uint64_t> g;
      errors[r] = tokens_.ForEachWords(range_begin_[r], range_begin_[r + 1],
                                       [&](size_t d, std::span<const uint32_t> t) { f(r, d, t, &g); });
    });
    for (Status& e : errors) {
      if (!e.ok()) return e;
    }
    return Status::Ok();
  }

  const TokenStore& tokens_;
  Status status_;
  int gram_n_;
  int bits_ = 8;
  size_t buckets_ = 0;
  int shift_ = 0;
  std::vector<size_t> range_begin_;
  std::vector<uint32_t> count_;       // [range * buckets + bucket]
  std::vector<size_t> first_bucket_;  // partition p: buckets [first_bucket_[p], first_bucket_[p + 1])
  // With more than one partition: a scratch file of entries per range of
  // documents, partition after partition.
  std::vector<ScratchFile> files_;
  std::vector<uint64_t> region_;      // [p * kRanges + r]: where range r's entries of partition p start in it
  std::vector<uint64_t> file_at_;     // [r * (partitions + 1) + p]: where they are in range r's file
};

// Chrome that noise hides from n-grams (docs/design.md, step 2). OCR
// errors break the n-grams of a site's chrome at other places on each
// page, so the words around every error stay article text: the chrome
// comes out in pieces, a page's article text is partly chrome, and copies
// of a story align over less than half of it. An alignment tolerates
// broken words, so on a source whose pages look like that (the median page
// has kBrokenRuns or more runs of article text with chrome on both sides,
// where a page's layout leaves one or two: on syndicate-dev the median
// page has one, and 15 of its 160 sites qualify), each page is aligned over
// all of its tokens with the next two pages of its source (a ring: up to
// four partners per page), its own story's copies aside, and what aligns
// with kRingAgree of them is chrome: every token of an aligned passage
// counts, the unmatched words inside it and its bridged gaps too (without
// bridges 12% noise scored 0.9198 instead of 0.9376). Anchors are two
// words: under heavy noise on both pages few three-word anchors survive.
// The price: a story that a noisy site posted three times or more, whose
// copies did not group (noise hides that too), is chrome on them where two
// of them are ring neighbours of a third; two copies are not enough
// (kRingAgree, AStoryANoisySitePostedTwiceIsNotItsChrome).
constexpr uint32_t kBrokenRuns = 3;
constexpr int kRingAnchor = 2;
constexpr uint32_t kRingAgree = 2;

// A document's article tokens (not chrome), and its runs of article text
// with chrome on both sides.
struct ArticleShape {
  uint32_t tokens = 0, inner_runs = 0;
};
ArticleShape ShapeOf(const Boilerplate& bp, size_t d, size_t tokens) {
  thread_local std::vector<uint8_t> mask;
  Mask(bp, d, tokens, &mask);
  ArticleShape a;
  a.tokens = Unmasked(mask, 0, static_cast<uint32_t>(mask.size()));
  for (size_t i = 1; i < mask.size(); ++i) a.inner_runs += !mask[i] && mask[i - 1];  // a run starts after chrome
  if (!mask.empty() && !mask.back() && a.inner_runs > 0) --a.inner_runs;  // the last one ends the page
  return a;
}

Status MarkAlignedChrome(const TokenizedCorpus& corpus, const FindOptions& options, const std::vector<uint32_t>& group,
                         const std::vector<uint32_t>& inner, size_t work, Boilerplate* out) {
  const size_t n = corpus.tokens.size();
  // The documents of each source, in order: source s's are
  // members[at[s] .. at[s + 1]).
  std::vector<uint32_t> at(corpus.sources + 2, 0), members(n);
  for (uint32_t d = 0; d < n; ++d) ++at[corpus.source[d] + 1];
  for (size_t s = 0; s + 1 < at.size(); ++s) at[s + 1] += at[s];
  {
    std::vector<uint32_t> next(at.begin(), at.end() - 1);
    for (uint32_t d = 0; d < n; ++d) members[next[corpus.source[d]]++] = d;
  }
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  std::vector<uint32_t> runs;
  for (uint32_t s = 1; s <= corpus.sources; ++s) {
    const std::span<const uint32_t> m(members.data() + at[s], at[s + 1] - at[s]);
    if (m.size() < 3) continue;
    runs.clear();
    for (uint32_t d : m) runs.push_back(inner[d]);
    std::nth_element(runs.begin(), runs.begin() + static_cast<ptrdiff_t>(runs.size() / 2), runs.end());
    if (runs[runs.size() / 2] < kBrokenRuns) continue;
    for (uint32_t d : m) out->broken[d] = 1;
    for (size_t i = 0; i < m.size(); ++i) {
      for (size_t step = 1; step <= 2; ++step) {
        const uint32_t x = m[i], y = m[(i + step) % m.size()];
        if (group[x] != group[y]) pairs.emplace_back(std::min(x, y), std::max(x, y));
      }
    }
  }
  std::vector<uint32_t>().swap(members);
  if (pairs.empty()) return Status::Ok();
  std::sort(pairs.begin(), pairs.end());  // a source of three or four has some pairs twice
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  AlignOptions ao;
  ao.n = kRingAnchor;
  ao.max_gap = options.max_gap > 0 ? options.max_gap : 2 * options.boiler_ngram;
  // The token ranges that align, [begin, end) in the pair's first document
  // and in its second: pair c's are span[span_at[c] .. span_at[c + 1]).
  std::vector<std::array<uint32_t, 4>> span;
  std::vector<uint64_t> span_at(pairs.size() + 1, 0);
  std::vector<std::vector<std::array<uint32_t, 4>>> batch_spans;
  std::vector<AnchorIndex> local;
  std::span<const uint32_t> batch_docs;
  const uint64_t budget = std::max<uint64_t>(1, work / 2 / kBatchBytesPerToken);
  DOPPEL_RETURN_IF_ERROR(corpus.tokens.ForEachPairBatch(
      pairs, budget, [&](size_t c0, size_t c1, std::span<const uint32_t> docs) -> Status {
        batch_docs = docs;
        local.clear();
        local.resize(docs.size());
        DOPPEL_RETURN_IF_ERROR(corpus.tokens.ForEachWordsOf(
            docs, [&](size_t i, uint32_t, std::span<const uint32_t> words) { local[i] = BuildAnchorIndex(words, {}, ao.n); }));
        auto index_of = [&](uint32_t d) {
          return static_cast<size_t>(std::lower_bound(batch_docs.begin(), batch_docs.end(), d) - batch_docs.begin());
        };
        batch_spans.assign(c1 - c0, {});
        tbb::parallel_for(c0, c1, [&](size_t c) {
          for (const TokenPassage& p : AlignDocuments(local[index_of(pairs[c].first)], local[index_of(pairs[c].second)], ao)) {
            batch_spans[c - c0].push_back({p.a_begin, p.a_end, p.b_begin, p.b_end});
          }
        });
        for (size_t c = c0; c < c1; ++c) {
          span.insert(span.end(), batch_spans[c - c0].begin(), batch_spans[c - c0].end());
          span_at[c + 1] = span.size();
        }
        return Status::Ok();
      }));
  local = {};
  batch_spans = {};
  // Per document, its pairs: 2 * pair, + 1 where it is the pair's second.
  std::vector<uint64_t> first(n + 1, 0);
  for (const auto& [x, y] : pairs) {
    ++first[x + 1];
    ++first[y + 1];
  }
  for (size_t d = 0; d < n; ++d) first[d + 1] += first[d];
  std::vector<uint64_t> next(first.begin(), first.end() - 1), sides(first[n]);
  for (uint64_t c = 0; c < pairs.size(); ++c) {
    sides[next[pairs[c].first]++] = 2 * c;
    sides[next[pairs[c].second]++] = 2 * c + 1;
  }
  // The tokens that align with kRingAgree partners or more, in runs of at
  // least an n-gram, become chrome: flags at the n-grams within each run.
  const auto k = static_cast<uint32_t>(out->ngram);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    if (first[d + 1] - first[d] < kRingAgree) return;
    thread_local std::vector<uint8_t> agree;
    agree.assign(corpus.tokens.count(d), 0);
    for (uint64_t j = first[d]; j < first[d + 1]; ++j) {
      const uint64_t c = sides[j] >> 1, side = sides[j] & 1;
      for (uint64_t x = span_at[c]; x < span_at[c + 1]; ++x) {
        for (uint32_t t = span[x][2 * side]; t < span[x][2 * side + 1]; ++t) ++agree[t];
      }
    }
    const auto tokens = static_cast<uint32_t>(agree.size());
    for (uint32_t t = 0; t < tokens;) {
      if (agree[t] < kRingAgree) {
        ++t;
        continue;
      }
      uint32_t e = t;
      while (e < tokens && agree[e] >= kRingAgree) ++e;
      for (uint32_t i = t; i + k <= e; ++i) out->chrome.Set(out->offset[d] + i, 1);
      t = e;
    }
  });
  // Recounted once every flag is set: with a bit per position, a document's
  // bits share words with its neighbours' (AtomicBits reads after the
  // setting threads are joined).
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    if (first[d + 1] - first[d] >= kRingAgree) out->article_tokens[d] = ShapeOf(*out, d, corpus.tokens.count(d)).tokens;
  });
  return Status::Ok();
}

// Menus are chrome (find/menus.h), whatever repeats: every n-gram inside
// one. They are marked last, so that they take no part in the evidence of
// the steps above (a site's menu is its chrome there anyway, and a page
// whose line breaks were lost learns it from the site's other pages).
void MarkMenus(const TokenizedCorpus& corpus, Boilerplate* out) {
  const auto n = static_cast<uint32_t>(out->ngram);
  std::vector<uint32_t> docs;
  for (size_t m = 0; m < corpus.menus.size(); ++m) {
    const TokenRange r = corpus.menus[m];
    if (r.end - r.begin < n) continue;
    const uint32_t d = corpus.menu_doc[m];
    assert(docs.empty() || docs.back() <= d);  // in document order (TokenizedCorpus::AddMenus)
    for (uint32_t p = r.begin; p + n <= r.end; ++p) out->chrome.Set(out->offset[d] + p, 1);
    if (docs.empty() || docs.back() != d) docs.push_back(d);
  }
  tbb::parallel_for(size_t{0}, docs.size(), [&](size_t i) {
    out->article_tokens[docs[i]] = ShapeOf(*out, docs[i], corpus.tokens.count(docs[i])).tokens;
  });
}

}  // namespace

void Mask(const Boilerplate& bp, size_t d, size_t tokens, std::vector<uint8_t>* mask) {
  const uint64_t begin = bp.offset[d], end = bp.offset[d + 1];
  MaskTokens([&](auto&& f) { bp.chrome.ForEachSet(0, begin, end, f); }, tokens, bp.ngram, mask);
}

uint32_t DocumentFrequencyCap(size_t documents) {
  return std::max<uint32_t>(2, static_cast<uint32_t>(std::sqrt(static_cast<double>(documents))));
}

void GramHashes(std::span<const uint32_t> words, int n, std::vector<uint64_t>* out) {
  out->clear();
  const auto k = static_cast<size_t>(n);
  if (words.size() < k) return;
  // The same hash as ShingleHashes, over the words.
  AppendRollingHashes(words.size(), k, [words](size_t i) -> uint64_t { return words[i]; }, out);
}

Result<Boilerplate> FindBoilerplate(const TokenizedCorpus& corpus, const FindOptions& options) {
  const size_t n = corpus.tokens.size();
  Boilerplate out;
  out.df_cap = DocumentFrequencyCap(n);
  const uint32_t cap = out.df_cap;
  const bool sources = options.use_sources && corpus.sources > 0;

  // Every n-gram occurrence, sorted by n-gram, a partition of whole runs at
  // a time: runs of one n-gram give its document frequencies.
  std::vector<uint64_t>& offset = out.offset;
  offset.assign(n + 1, 0);
  out.ngram = options.boiler_ngram;
  const auto k = static_cast<size_t>(options.boiler_ngram);
  for (size_t d = 0; d < n; ++d) {
    const size_t t = corpus.tokens.count(d);
    offset[d + 1] = offset[d] + (t >= k ? t - k + 1 : 0);
  }
  // About 2^31 entries a partition at most (a bucket bigger than that is a
  // partition of its own), so that a partition's block of postings (at most
  // one word per entry and one per run of two or more) is indexed in 32
  // bits; a block that would not be is an error.
  // Half of the working memory (WorkingMemory) for the partition held,
  // half for the postings built next to it in the last pass.
  const size_t work = WorkingMemory(options, corpus.tokens);
  const size_t max_entries = std::clamp<size_t>(work / 2 / sizeof(GramEntry), 1, size_t{1} << 31);
  const GramPartitions parts(corpus.tokens, options.boiler_ngram, offset[n], max_entries, ScratchDir(options.tmp_dir));
  DOPPEL_RETURN_IF_ERROR(parts.status());
  out.partitions = parts.partitions();
  // Per-position facts are scattered from the entries into arrays in
  // document order, so that reading them per document is sequential:
  // position offset[d] + i is about the n-gram at token i of d. They grow
  // with the corpus, outside the memory budget: a byte per position while
  // that is at most an eighth of the working memory (plain stores scatter
  // fastest), else a bit per flag (PositionFlags).
  // Before the story groups, with sources: kShown, chrome shown by a third
  // document of the source (or too common); kElsewhere, another source has
  // it as article text; kTwice, in exactly two documents (or groups) of its
  // source; kCommon, in more groups of its source than a story is posted
  // (kStoryRepeats), or too common. An n-gram with neither kShown nor kTwice
  // is in no other document of its source: most article text, which is so
  // left unwritten.
  const bool flag_bytes = offset[n] <= work / 8;
  enum : int { kShown = 0, kElsewhere = 1, kTwice = 2, kCommon = 3 };
  PositionFlags facts;
  std::vector<uint32_t> group(n);
  for (uint32_t d = 0; d < n; ++d) group[d] = d;
  std::vector<uint32_t> source_docs(corpus.sources + 1, 0);
  for (uint32_t d = 0; d < n; ++d) ++source_docs[corpus.source[d]];
  std::vector<uint8_t> site_like(corpus.sources + 1, 0);  // written with the story groups

  // One partition's entries and what is computed per run of one n-gram.
  struct Part {
    size_t index = SIZE_MAX;
    DocPositions entries;             // n-gram order
    std::vector<uint32_t> run_begin;  // runs: [run_begin[r], run_begin[r + 1])
    std::vector<uint16_t> run_df;     // document frequency of each run
    // Per entry of a run of 2..cap documents (count_run; the others'
    // are not stored: sdf_of, elsewhere_of):
    std::vector<SourceCount> sdf;     // groups of its source with the n-gram
    std::vector<uint8_t> elsewhere;   // another source has it as article text
    size_t runs() const { return run_begin.size() - 1; }
    // The first entry of each document within its run (which starts at
    // entry b) stands for the pair (n-gram, document); repeats within a
    // document are skipped.
    bool first_of_doc(size_t i, size_t b) const { return i == b || entries[i - 1].doc != entries[i].doc; }
  };
  Part part;
  // Loads partition p unless it is the one held; returns whether it did.
  auto load = [&](size_t p) -> Result<bool> {
    if (part.index == p) return false;
    part = Part();  // the partition held is freed before the next is built
    part.index = p;
    auto sorted = parts.Sorted(p);
    if (!sorted.ok()) return sorted.status();
    part.entries = std::move(sorted->entries);
    part.run_begin = std::move(sorted->run_begin);
    part.run_df = std::move(sorted->run_df);
    if (sources) {  // every value read is written by count_run first
      part.sdf.resize(part.entries.size());
      part.elsewhere.resize(part.entries.size());
    }
    return true;
  };
  // Per entry, given its run's document frequency: the runs of one
  // document, or of more than `cap`, are not counted (count_run), as
  // their values follow from that.
  auto sdf_of = [&](size_t i, uint32_t df) -> SourceCount {
    if (df > cap) return kMany;
    if (df == 1) return corpus.source[part.entries[i].doc] == 0 ? kMany : 1;
    return part.sdf[i];
  };
  auto elsewhere_of = [&](size_t i, uint32_t df) -> bool { return df > cap || (df > 1 && part.elsewhere[i]); };

  // Given sources only (an inferred source gathers reports that open
  // alike, whose formula is no site's chrome), and with the fingerprints
  // that tell one text held twice.
  const bool weigh_chrome = !corpus.sources_inferred && corpus.fingerprint.size() == n;
  // Counts run r if it holds two to `cap` documents (sdf_of, elsewhere_of
  // read the counts). `again`: groups changed since the last count, and
  // only runs holding a document whose group changed (one that was joined
  // to another's) count differently. The first pass and the chrome pass
  // count a run right before they read it, while the run is in the cache
  // (the postings pass after the chrome pass reads what it counted).
  auto count_run = [&](size_t r, bool again) {
    const size_t b = part.run_begin[r], e = part.run_begin[r + 1];
    if (part.run_df[r] > cap || part.run_df[r] < 2) return;
    if (again) {
      bool changed = false;
      for (size_t i = b; i < e && !changed; ++i) changed = group[part.entries[i].doc] != part.entries[i].doc;
      if (!changed) return;
    }
    SourceCounts(part.entries, b, e, corpus.source, group, source_docs, corpus.sources_inferred ? 1 : 2,
                 weigh_chrome ? &corpus.fingerprint : nullptr, &part.sdf, &part.elsewhere);
  };
  bool regrouped = false;
  // A source seen often enough that a block of its template shows on more
  // than two of its pages (kLargeSource). Not an inferred one: pages that
  // share a first or last n-gram can chain many sites into one.
  auto large = [&](uint32_t s) { return !corpus.sources_inferred && s != 0 && source_docs[s] >= kLargeSource; };
  if (sources) {
    // Copies of one story on one source: two documents of a source sharing
    // n-grams no third document of the source has, whose text beyond the
    // source's other chrome aligns, form one group; so do three to eight
    // documents that share mostly the same text (below).
    // Collected on all threads; the sort below fixes the order.
    tbb::enumerable_thread_specific<std::vector<std::pair<uint32_t, uint32_t>>> found;
    // Per thread: the sets found, and the size at which they are merged
    // next (twice what a merge left, at least kSetsBeforeMerge).
    struct SetsFound {
      std::vector<DocSet> sets;
      size_t merge_at = kSetsBeforeMerge;
    };
    tbb::enumerable_thread_specific<SetsFound> found_sets;
    std::vector<DocSet> sets;  // sorted by documents
    facts = PositionFlags(offset[n], 4, flag_bytes);
    struct PairCount {
      std::pair<uint32_t, uint32_t> pair;
      uint32_t count;  // shared n-grams
    };
    std::vector<PairCount> shared;  // sorted by pair
    for (size_t p = 0; p < parts.partitions(); ++p) {
      if (auto loaded = load(p); !loaded.ok()) return loaded.status();
      // One pass over the runs: each is counted, its story pairs and sets
      // are collected, and its facts scattered.
      tbb::parallel_for(tbb::blocked_range<size_t>(0, part.runs(), 1 << 12), [&](const tbb::blocked_range<size_t>& rr) {
        auto& out_pairs = found.local();
        SetsFound& sets_found = found_sets.local();
        std::vector<DocSet>& out_sets = sets_found.sets;
        // The story pairs and sets of run r (of two to `cap` documents).
        auto collect = [&](size_t r) {
          const size_t b = part.run_begin[r], e = part.run_begin[r + 1];
          // The documents of each source that shares the n-gram with two to
          // kStoryRepeats of its documents, grouped by source: two make a
          // pair; three or more a set, when another source has the n-gram as
          // article text. (In this first count, groups are documents.)
          thread_local std::vector<std::pair<uint64_t, uint32_t>> members;  // ((source, document), entry)
          members.clear();
          for (size_t i = b; i < e; ++i) {
            if (part.sdf[i] >= 2 && part.sdf[i] <= kStoryRepeats && part.first_of_doc(i, b)) {
              const uint32_t d = part.entries[i].doc;
              members.emplace_back((static_cast<uint64_t>(corpus.source[d]) << 32) | d, static_cast<uint32_t>(i));
            }
          }
          std::sort(members.begin(), members.end());
          for (size_t i = 0; i < members.size();) {
            size_t j = i + 1;
            while (j < members.size() && members[j].first >> 32 == members[i].first >> 32) ++j;
            const size_t k = j - i;
            if (k == 2) {
              out_pairs.emplace_back(static_cast<uint32_t>(members[i].first), static_cast<uint32_t>(members[i + 1].first));
            } else if (k >= 3 && k <= kStoryRepeats) {
              const bool is_large = large(static_cast<uint32_t>(members[i].first >> 32));
              DocSet set{};
              for (size_t x = i; x < j; ++x) set.docs[set.size++] = static_cast<uint32_t>(members[x].first);
              set.count = part.elsewhere[members[i].second] || is_large ? 1 : 0;
              set.near_count = is_large ? 0 : 1;
              out_sets.push_back(set);
              // One entry per n-gram: merged on the way once there are
              // many (the template blocks of small sites), so that what a
              // thread holds is about the distinct sets it met.
              if (out_sets.size() >= sets_found.merge_at) {
                std::sort(out_sets.begin(), out_sets.end());
                MergeSortedDocSets(&out_sets);
                sets_found.merge_at = std::max(kSetsBeforeMerge, 2 * out_sets.size());
              }
            }
            i = j;
          }
        };
        for (size_t r = rr.begin(); r != rr.end(); ++r) {
          const uint32_t df = part.run_df[r];
          if (df >= 2 && df <= cap) {
            count_run(r, /*again=*/false);
            collect(r);
          }
          for (size_t i = part.run_begin[r]; i < part.run_begin[r + 1]; ++i) {
            const SourceCount v = sdf_of(i, df);
            // v >= 1: an n-gram is in at least its own document's group, so
            // one with neither kShown nor kTwice is in that group alone.
            assert(v >= 1);
            const auto f = static_cast<uint8_t>((v >= 3 ? 1 << kShown : 0) |
                                                (elsewhere_of(i, df) ? 1 << kElsewhere : 0) |
                                                (v == 2 ? 1 << kTwice : 0) | (v > kStoryRepeats ? 1 << kCommon : 0));
            if (f != 0) facts.Set(offset[part.entries[i].doc] + part.entries[i].pos, f);
          }
        }
      });
      {
        std::vector<DocSet> fresh;
        for (SetsFound& f : found_sets) {
          fresh.insert(fresh.end(), f.sets.begin(), f.sets.end());
          f = SetsFound();
        }
        fresh.insert(fresh.end(), sets.begin(), sets.end());
        tbb::parallel_sort(fresh.begin(), fresh.end());
        MergeSortedDocSets(&fresh);
        sets.swap(fresh);
      }
      // The partition's pairs, one per shared n-gram, folded into counts
      // per pair: what is held grows with the pairs, not the n-grams.
      std::vector<std::pair<uint32_t, uint32_t>> fresh;
      for (auto& v : found) {
        fresh.insert(fresh.end(), v.begin(), v.end());
        v.clear();
      }
      tbb::parallel_sort(fresh.begin(), fresh.end());
      std::vector<PairCount> merged;
      merged.reserve(shared.size() + fresh.size());
      size_t k = 0;
      for (size_t i = 0; i < fresh.size();) {
        size_t j = i + 1;
        while (j < fresh.size() && fresh[j] == fresh[i]) ++j;
        while (k < shared.size() && shared[k].pair < fresh[i]) merged.push_back(shared[k++]);
        uint32_t c = static_cast<uint32_t>(j - i);
        if (k < shared.size() && shared[k].pair == fresh[i]) c += shared[k++].count;
        merged.push_back({fresh[i], c});
        i = j;
      }
      merged.insert(merged.end(), shared.begin() + static_cast<ptrdiff_t>(k), shared.end());
      shared.swap(merged);
    }
    // Candidates share min_shared of those n-grams, and min_shared_per_word
    // per n-gram position of the shorter one that a third document of the
    // source does not show as chrome (find's candidates divide by article
    // tokens after the final masks instead; both are loose bounds).
    std::vector<uint32_t> beyond(n, UINT32_MAX);  // counted for the documents of pairs
    auto beyond_of = [&](uint32_t d) {
      if (beyond[d] == UINT32_MAX) {
        beyond[d] = static_cast<uint32_t>((offset[d + 1] - offset[d]) - facts.Count(kShown, offset[d], offset[d + 1]));
      }
      return beyond[d];
    };
    std::vector<std::pair<uint32_t, uint32_t>> candidates;
    std::vector<uint32_t> candidate_shared;  // per candidate: the n-grams that only its two documents have
    for (const PairCount& pc : shared) {
      if (pc.count < static_cast<uint32_t>(options.min_shared)) continue;
      const uint32_t shorter = std::min(beyond_of(pc.pair.first), beyond_of(pc.pair.second));
      if (pc.count >= options.min_shared_per_word * shorter) {
        candidates.push_back(pc.pair);
        candidate_shared.push_back(pc.count);
      }
    }
    std::vector<uint32_t>().swap(beyond);
    std::vector<PairCount>().swap(shared);
    AlignOptions ao;
    ao.n = options.align_ngram;
    ao.max_gap = options.max_gap > 0 ? options.max_gap : 2 * options.boiler_ngram;
    struct Local {
      std::vector<uint8_t> mask, elsewhere;
      AnchorIndex anchors;
    };
    // Per document of a candidate pair: its chrome as far as third documents
    // of its source show it, which of its tokens are also found on another
    // source, and its anchors beyond that chrome; computed once per batch of
    // pairs whose documents fit the memory budget (TokenStore).
    //
    // Two documents of one source are copies of one story when the shorter
    // one's text beyond chrome aligns with the other, and that aligned text
    // is also found on another source: text repeated only within a few
    // pages of one source may be its chrome, while a copied story is found
    // elsewhere too. On a large source (kLargeSource) no other source is
    // needed.
    //
    // align(pairs, chrome, elsewhere_only, &joined, near) aligns each pair
    // with the chrome of flag `chrome` masked; with `elsewhere_only`,
    // aligned text counts only where another source has it as article
    // text, on a large source too. With `near`, the pairs that do not join
    // but are near-identical texts (kNearCopy) are added to it.
    std::vector<Local> local;
    std::span<const uint32_t> batch_docs;
    auto local_of = [&](uint32_t d) -> const Local& {
      return local[static_cast<size_t>(std::lower_bound(batch_docs.begin(), batch_docs.end(), d) - batch_docs.begin())];
    };
    // Batches hold at most kStoryBatchTokens tokens, and take the pairs
    // source by source (the pairs of these steps are of one source): a
    // document is indexed in one batch unless its source's pairs straddle
    // two or more (on syndicate-dev 1,487 documents indexed for 1,479),
    // and each batch fills the pages the last one freed, where one batch of
    // every pair's documents (1.4 million tokens on syndicate-dev, beside
    // the partition held) set the peak of the run (bench/README.md, "Tokens
    // in 8 bytes").
    const uint64_t budget = std::clamp<uint64_t>(work / 2 / kBatchBytesPerToken, 1, kStoryBatchTokens);
    tbb::enumerable_thread_specific<std::vector<Boilerplate::NearCopy>> near_found;
    std::vector<uint64_t> order;  // per pair: its source << 32 | its place (align)
    std::vector<std::pair<uint32_t, uint32_t>> by_source;
    auto align = [&](const std::vector<std::pair<uint32_t, uint32_t>>& pairs, int chrome, bool elsewhere_only,
                     std::vector<uint8_t>* joined, bool near = false,
                     std::vector<uint8_t>* alike = nullptr) -> Status {
      joined->assign(pairs.size(), 0);
      if (alike != nullptr) alike->assign(pairs.size(), 0);
      // The pairs by source, then in their order (source and place in
      // one key).
      order.resize(pairs.size());
      for (size_t i = 0; i < pairs.size(); ++i) order[i] = uint64_t{corpus.source[pairs[i].first]} << 32 | i;
      std::sort(order.begin(), order.end());
      by_source.resize(pairs.size());
      for (size_t i = 0; i < pairs.size(); ++i) by_source[i] = pairs[static_cast<uint32_t>(order[i])];
      return corpus.tokens.ForEachPairBatch(
        by_source, budget, [&](size_t c0, size_t c1, std::span<const uint32_t> docs) -> Status {
          batch_docs = docs;
          local.clear();
          local.resize(docs.size());
          DOPPEL_RETURN_IF_ERROR(corpus.tokens.ForEachWordsOf(docs, [&](size_t i, uint32_t d,
                                                                        std::span<const uint32_t> doc_words) {
            const size_t grams = offset[d + 1] - offset[d], tokens = doc_words.size();
            Local& l = local[i];
            const uint64_t from = offset[d], to = offset[d] + grams;
            CoverTokens([&](auto&& f) { facts.ForEachSet(kElsewhere, from, to, f); }, tokens, options.boiler_ngram,
                        &l.elsewhere);
            MaskTokens([&](auto&& f) { facts.ForEachSet(chrome, from, to, f); }, tokens, options.boiler_ngram, &l.mask);
            l.anchors = BuildAnchorIndex(doc_words, l.mask, ao.n);
          }));
          tbb::parallel_for(c0, c1, [&](size_t b) {
            auto [x, y] = by_source[b];
            const size_t c = static_cast<uint32_t>(order[b]);  // the pair's place in `pairs`
            const Local& lx = local_of(x);
            const Local& ly = local_of(y);
            auto passages = AlignDocuments(lx.anchors, ly.anchors, ao);
            const uint32_t art_x = Unmasked(lx.mask, 0, static_cast<uint32_t>(lx.mask.size()));
            const uint32_t art_y = Unmasked(ly.mask, 0, static_cast<uint32_t>(ly.mask.size()));
            // Aligned text counts when another source has it as article
            // text, or when the pair's source is large (kLargeSource).
            const bool large_x = !elsewhere_only && large(corpus.source[x]);
            const bool large_y = !elsewhere_only && large(corpus.source[y]);
            uint32_t cov_x = 0, cov_y = 0, matched_x = 0, matched_y = 0;
            for (const TokenPassage& p : passages) {
              for (uint32_t i = p.a_begin; i < p.a_end; ++i) cov_x += !lx.mask[i] && (large_x || lx.elsewhere[i]);
              for (uint32_t i = p.b_begin; i < p.b_end; ++i) cov_y += !ly.mask[i] && (large_y || ly.elsewhere[i]);
              matched_x += p.matched_a;
              matched_y += p.matched_b;
            }
            const bool x_shorter = art_x <= art_y;
            const uint32_t art = x_shorter ? art_x : art_y, cov = x_shorter ? cov_x : cov_y;
            (*joined)[c] = art > 0 && cov >= options.min_coverage * art && cov >= static_cast<uint32_t>(options.min_tokens);
            // Near-identical texts (kNearCopy): their words beyond chrome
            // match at least kNearCopy of each one's.
            const bool near_identical = art_x > 0 && art_y > 0 &&
                                        matched_x >= kNearCopy * static_cast<double>(art_x) &&
                                        matched_y >= kNearCopy * static_cast<double>(art_y) &&
                                        std::min(matched_x, matched_y) >= static_cast<uint32_t>(options.min_tokens);
            if (alike != nullptr) (*alike)[c] = near_identical;
            if (near && !(*joined)[c] && near_identical) {
              near_found.local().push_back({x, y, std::min(1.0, static_cast<double>(matched_x) / art_x),
                                            std::min(1.0, static_cast<double>(matched_y) / art_y),
                                            std::move(passages)});
            }
          });
          return Status::Ok();
        });
    };
    std::vector<uint8_t> joined;
    DOPPEL_RETURN_IF_ERROR(align(candidates, kShown, /*elsewhere_only=*/false, &joined, /*near=*/true));
    // Per document of a source: its own n-gram positions (no other document
    // of its source has them), for near-identical sets, the sets below and
    // site_like.
    std::vector<uint32_t> own(n, 0);
    tbb::parallel_for(size_t{0}, n, [&](size_t d) {
      if (corpus.source[d] == 0) return;
      const uint64_t b = offset[d], e = offset[d + 1];
      own[d] = static_cast<uint32_t>((e - b) - facts.Count(kShown, b, e) - facts.Count(kTwice, b, e));
    });
    // The near copies found, sorted by pair and appended to
    // out.near_copies (kept sorted).
    auto take_near = [&]() {
      std::vector<Boilerplate::NearCopy> found_now;
      for (auto& v : near_found) {
        found_now.insert(found_now.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
        v.clear();
      }
      auto by_pair = [](const Boilerplate::NearCopy& x, const Boilerplate::NearCopy& y) {
        return x.a != y.a ? x.a < y.a : x.b < y.b;
      };
      std::sort(found_now.begin(), found_now.end(), by_pair);
      const size_t before = out.near_copies.size();
      out.near_copies.insert(out.near_copies.end(), std::make_move_iterator(found_now.begin()),
                             std::make_move_iterator(found_now.end()));
      std::inplace_merge(out.near_copies.begin(), out.near_copies.begin() + static_cast<ptrdiff_t>(before),
                         out.near_copies.end(), by_pair);
    };
    take_near();
    {
      // Near-identical texts three to eight times on a source that is not
      // large (a page crawled again and again): what they share is shown
      // by a third of them, so each is aligned with the set's first with
      // only what more than kStoryRepeats groups show masked (kCommon),
      // and recorded when it is a near copy and no other source has the
      // text as article text (elsewhere_only: find's alignment joins
      // those). Pairs recorded above are not aligned again.
      std::vector<std::pair<uint32_t, uint32_t>> near_sets;
      // Only documents with few n-grams of their own (no other document of
      // the source has them: at most a tenth of theirs) are aligned, which
      // keeps the cost to sets that are likely copies (aligning every set
      // of a small site's pages cost 10% of find's time on syndicate-dev).
      // It also leaves out short texts where one changed word is more than
      // a tenth of their n-grams (a quote table with its time changed).
      auto few_own = [&](uint32_t d) {
        return own[d] <= (1.0 - kNearCopy) * static_cast<double>(offset[d + 1] - offset[d]);
      };
      for (const DocSet& set : sets) {
        if (set.near_count < static_cast<uint32_t>(options.min_shared) || !few_own(set.docs[0])) continue;
        for (uint32_t i = 1; i < set.size; ++i) {
          const std::pair<uint32_t, uint32_t> pair(set.docs[0], set.docs[i]);
          if (few_own(pair.second) && !out.IsNearCopy(pair.first, pair.second)) {
            near_sets.push_back(pair);
          }
        }
      }
      std::sort(near_sets.begin(), near_sets.end());
      near_sets.erase(std::unique(near_sets.begin(), near_sets.end()), near_sets.end());
      std::vector<uint8_t> unused;
      DOPPEL_RETURN_IF_ERROR(align(near_sets, kCommon, /*elsewhere_only=*/true, &unused, /*near=*/true));
      take_near();
    }
    UnionFind groups(n);
    for (size_t c = 0; c < candidates.size(); ++c) {
      // Both documents are of one source (so are a set's below): a group
      // never spans two sources, which SourceCounts relies on.
      if (joined[c]) regrouped |= groups.Union(candidates[c].first, candidates[c].second);
    }
    // The groups of pairs, to be joined where the sets' count joins
    // near-identical texts (below).
    UnionFind crawls = groups;
    // Per document, the copies of it that it joined as pairs: (partner,
    // n-grams that only the two have), grouped by document. A partner is a
    // copy of d when those n-grams are at least min_coverage of them and
    // d's own: a page and the same page under another template. Not every
    // pair is: two pages of different stories that share a box no third
    // page has join as a pair over it, and the box is a small part of each.
    auto copy_of = [&](uint32_t d, uint32_t shared) {
      return shared >= options.min_coverage * (static_cast<double>(own[d]) + shared);
    };
    std::vector<uint32_t> partners_begin(n + 1, 0);
    for (size_t c = 0; c < candidates.size(); ++c) {
      if (!joined[c]) continue;
      partners_begin[candidates[c].first + 1] += copy_of(candidates[c].first, candidate_shared[c]);
      partners_begin[candidates[c].second + 1] += copy_of(candidates[c].second, candidate_shared[c]);
    }
    for (size_t d = 0; d < n; ++d) partners_begin[d + 1] += partners_begin[d];
    std::vector<std::pair<uint32_t, uint32_t>> partners(partners_begin[n]);
    {
      std::vector<uint32_t> at(partners_begin.begin(), partners_begin.end() - 1);
      for (size_t c = 0; c < candidates.size(); ++c) {
        if (!joined[c]) continue;
        const auto [x, y] = candidates[c];
        if (copy_of(x, candidate_shared[c])) partners[at[x]++] = {y, candidate_shared[c]};
        if (copy_of(y, candidate_shared[c])) partners[at[y]++] = {x, candidate_shared[c]};
      }
    }
    // What document d of `set` has beyond chrome besides the set's n-grams:
    // its own, and what it shares with a copy of it outside the set.
    // Without the latter, a site that holds some of its pages twice, the
    // second time under another template, had those pages share the
    // template as a set and have next to nothing of their own (each
    // shares its story with its first copy): the set joined pages of
    // different stories, and the template was no longer chrome.
    // A copy that shares the set's text as well (the set with it added
    // shares min_shared n-grams: noise broke the rest in it) is a copy of
    // the set's story, and what d shares with it only is that story too.
    auto carries_set = [&](const DocSet& set, uint32_t e) {
      if (set.size == kStoryRepeats) return false;
      DocSet with = set;
      uint32_t* end = with.docs.data() + with.size;
      uint32_t* at = std::upper_bound(with.docs.data(), end, e);
      std::copy_backward(at, end, end + 1);
      *at = e;
      ++with.size;
      const auto it = std::lower_bound(sets.begin(), sets.end(), with);
      return it != sets.end() && it->same_docs(with) && it->count >= static_cast<uint32_t>(options.min_shared);
    };
    auto beyond_set = [&](const DocSet& set, uint32_t d) {
      uint32_t beyond = own[d];
      for (uint32_t k = partners_begin[d]; k < partners_begin[d + 1]; ++k) {
        const uint32_t e = partners[k].first;
        if (!std::binary_search(set.docs.begin(), set.docs.begin() + set.size, e) && !carries_set(set, e)) {
          beyond += partners[k].second;
        }
      }
      return beyond;
    };
    // A set of three or more documents of one source is one story when the
    // n-grams that exactly they share (and another source has as article
    // text) are at least min_coverage of what a document has beyond chrome:
    // those n-grams (each counted once), its own (the n-gram positions no
    // other document of its source has) and what it shares with a copy
    // outside the set that it joined as a pair (beyond_set). Every document
    // that passes joins the set's group; one that has much text of its own
    // does not.
    // Then a set of a large source (sharing min_shared n-grams or more) in
    // which two or more documents are one group (the group with the most
    // of them; ties to the lowest): each of its documents outside that
    // group is aligned with the group's first document of the set
    // (to_align), and joins the group when it aligns as a pair does, with
    // two differences: only what more than kStoryRepeats groups of the
    // source show is masked (kCommon: what a large source shows that
    // often, or what more than sqrt(N) documents have, is its chrome
    // learned in full), and aligned text counts only where another source
    // has it as article text (a box or list that ran on a few of the
    // source's pages is not). Otherwise what the group shares with the
    // others is in two groups of the source: its chrome (docs/design.md,
    // step 2). A group here is one of pairs, joined where the count joins
    // near-identical texts (kNearCopy, aligned with only kCommon masked: a
    // page crawled again). Two cases:
    // - noise breaks the n-grams of a site's copies of a story one copy at
    //   a time: two feed copies group as a pair on the n-grams only they
    //   share, while what an excerpt shares with both is a set of three
    //   that the count may not take (the excerpt's own headline and noise
    //   outweigh it);
    // - an excerpt crawled twice and the site's feed copy of its story:
    //   the two crawls are no pair (beyond what the feed copy has, they
    //   share a date line and "Read more"); the count joins them, but not
    //   the feed copy, which has much text of its own.
    // Not every pair the count joins: on a large source it takes every
    // shared n-gram, and short pages of different stories that share a box
    // pass it; aligned with one of them, a long page with the box joined
    // them over it, and the box was no longer chrome (deg_htmltags pair
    // precision 1.0 -> 0.98). The groups are taken after every set's
    // count, so the sets' order does not matter.
    std::vector<std::pair<uint32_t, uint32_t>> crawl_pairs;
    for (const DocSet& set : sets) {
      // Sets kept only for near-identical texts (no n-gram another source
      // has) are not for this rule, whatever min_tokens.
      if (set.count == 0 || set.count < static_cast<uint32_t>(options.min_tokens)) continue;
      const bool is_large = large(corpus.source[set.docs[0]]);
      uint32_t first = UINT32_MAX;
      for (uint32_t i = 0; i < set.size; ++i) {
        const uint32_t d = set.docs[i];
        if (set.count < options.min_coverage * static_cast<double>(beyond_set(set, d) + set.count)) continue;
        if (first == UINT32_MAX) {
          first = d;
        } else {
          regrouped |= groups.Union(first, d);
          if (is_large) crawl_pairs.emplace_back(first, d);
        }
      }
    }
    std::sort(crawl_pairs.begin(), crawl_pairs.end());
    crawl_pairs.erase(std::unique(crawl_pairs.begin(), crawl_pairs.end()), crawl_pairs.end());
    std::vector<uint8_t> unused, alike;
    DOPPEL_RETURN_IF_ERROR(align(crawl_pairs, kCommon, /*elsewhere_only=*/false, &unused, /*near=*/false, &alike));
    for (size_t c = 0; c < crawl_pairs.size(); ++c) {
      if (alike[c]) crawls.Union(crawl_pairs[c].first, crawl_pairs[c].second);
    }
    std::vector<uint32_t> joined_group(n);
    for (uint32_t d = 0; d < n; ++d) joined_group[d] = crawls.Find(d);
    std::vector<std::pair<uint32_t, uint32_t>> to_align;
    for (const DocSet& set : sets) {
      if (set.count < static_cast<uint32_t>(options.min_shared) || !large(corpus.source[set.docs[0]])) continue;
      // The group with most of the set's documents, and its first one:
      // documents are ascending, so a group is first met at its first.
      uint32_t most = UINT32_MAX, most_docs = 0, most_first = 0;
      for (uint32_t i = 0; i < set.size; ++i) {
        const uint32_t g = joined_group[set.docs[i]];
        uint32_t k = 0;
        for (uint32_t j = 0; j < set.size; ++j) k += joined_group[set.docs[j]] == g;
        if (k > most_docs || (k == most_docs && g < most)) {
          most = g;
          most_docs = k;
          most_first = set.docs[i];
        }
      }
      if (most_docs < 2) continue;
      for (uint32_t i = 0; i < set.size; ++i) {
        const uint32_t d = set.docs[i];
        if (joined_group[d] != most) to_align.emplace_back(std::min(d, most_first), std::max(d, most_first));
      }
    }
    std::sort(to_align.begin(), to_align.end());
    to_align.erase(std::unique(to_align.begin(), to_align.end()), to_align.end());
    std::vector<uint8_t> aligned;
    DOPPEL_RETURN_IF_ERROR(align(to_align, kCommon, /*elsewhere_only=*/true, &aligned));
    std::vector<uint64_t>().swap(order);  // the last call of align
    std::vector<std::pair<uint32_t, uint32_t>>().swap(by_source);
    for (size_t c = 0; c < to_align.size(); ++c) {
      if (aligned[c]) regrouped |= groups.Union(to_align[c].first, to_align[c].second);
    }
    if (regrouped) {
      for (uint32_t d = 0; d < n; ++d) group[d] = groups.Find(d);
    }
    // Which sources look like sites (their chrome may be lent, below): at
    // least half of their documents have min_tokens n-gram positions of
    // their own.
    std::vector<uint32_t> with_own(corpus.sources + 1, 0);
    for (uint32_t d = 0; d < n; ++d) with_own[corpus.source[d]] += own[d] >= static_cast<uint32_t>(options.min_tokens);
    for (uint32_t src = 1; src <= corpus.sources; ++src) site_like[src] = 2 * with_own[src] >= source_docs[src];
    facts = PositionFlags();
  }
  out.chrome = PositionFlags(offset[n], 1, flag_bytes);
  // Chrome: in more than `cap` documents, or in two groups of one source;
  // on documents without a source, also what another source lends them
  // (borrowed, below).
  auto source_chrome = [&](size_t e, uint32_t df) {
    return sources && df >= 2 && df <= cap && part.sdf[e] != kMany && part.sdf[e] >= 2;
  };
  // Documents without a source (alone on their site, or outside every
  // inferred one) show nothing of their own chrome, but what a site shows
  // as its chrome beyond doubt is chrome on them too: reprint sites borrow
  // the chrome of the sites they copy, and two lone pages of different
  // stories that carry one blog's comment form and menus were taken for
  // copies; without a source field, pages whose first and last n-grams (the
  // keys of InferSources) an edit, a moved line or OCR noise changed carry
  // their site's chrome outside the site (bench/README.md, Robustness).
  // An n-gram is lent when a source has it as its chrome beyond doubt: in
  // more groups than a story is posted (not ArticleOf: more than eight, or
  // more than half of its documents; on a source of two or three documents
  // two groups are enough), and the source looks like a site (site_like:
  // most of its documents have text of their own), not copies of one
  // story: ten copies of a wire story that share their first and last words
  // (one inferred source, more than kStoryRepeats, so their text is its
  // chrome) took the story from their copies outside it. Two groups of a
  // larger source are not enough: under OCR noise a site's copies of a
  // story do not always group, and lending text in two groups cost 24 true
  // pairs in one measured subset. The price: a story that a site shows in a
  // box on most of its pages is chrome on its lone copies too (as it is on
  // that site's pages), so they may no longer join; text that a site has on
  // only one page is no evidence against lending, as reprint sites borrow a
  // blog's chrome on the one page that copies it.
  auto borrowed = [&](size_t r) {
    if (!sources) return false;
    const uint32_t df = part.run_df[r];
    if (df < 2 || df > cap) return false;
    for (size_t i = part.run_begin[r]; i < part.run_begin[r + 1]; ++i) {
      const uint32_t s = corpus.source[part.entries[i].doc];
      if (s == 0) continue;
      const SourceCount v = part.sdf[i];
      if (v >= 2 && !ArticleOf(v, source_docs[s]) && site_like[s]) return true;
    }
    return false;
  };
  auto is_bad = [&](size_t e, uint32_t df, bool run_borrowed) {
    return static_cast<uint8_t>(df > cap || source_chrome(e, df) ||
                                (run_borrowed && corpus.source[part.entries[e].doc] == 0));
  };
  // Postings: what may be an anchor, the entries of the n-grams that are not
  // chrome, one per document, of the runs that still hold 2 .. cap
  // documents (an n-gram of one document pairs nothing).
  out.postings = PostingStore(work / 2, ScratchDir(options.tmp_dir));
  for (size_t p = 0; p < parts.partitions(); ++p) {
    auto loaded = load(p);
    if (!loaded.ok()) return loaded.status();
    const bool fresh = *loaded;
    const bool recount = sources && (fresh || regrouped);
    // One pass on all threads counts each run again where groups changed,
    // writes the chrome flags and marks the entries each run keeps (not
    // chrome, the first of their document in the run), a bit each; the
    // places of blocks of kRunBlock runs in the partition's block of the
    // index ([count, docs...] per run that keeps 2 .. cap documents) follow
    // from their counts, and a second pass on all threads fills them from
    // the marks. A bit an entry and a count a block of runs, where a place
    // and a flag per run (5 bytes a run) set the peak of find's heap
    // (bench/README.md, "Offsets in a byte").
    constexpr size_t kRunBlock = size_t{1} << 12;
    const size_t runs = part.runs(), blocks = (runs + kRunBlock - 1) / kRunBlock;
    AtomicBits keep(part.entries.size());
    std::vector<uint64_t> block_at(blocks + 1, 0);
    // What run r keeps once the marks are in: at most its documents, and
    // nothing where those are more than `cap` (all chrome) or one.
    auto kept_of = [&](size_t r) -> uint64_t {
      if (part.run_df[r] < 2 || part.run_df[r] > cap) return 0;
      const uint64_t kept = keep.Count(part.run_begin[r], part.run_begin[r + 1]);
      return kept >= 2 && kept <= cap ? kept : 0;
    };
    tbb::parallel_for(size_t{0}, blocks, [&](size_t k) {
      AtomicBits::InOrder mark(&keep);  // blocks meet only at their ends
      uint64_t words = 0;
      for (size_t r = k * kRunBlock; r < std::min(runs, (k + 1) * kRunBlock); ++r) {
        if (recount) count_run(r, /*again=*/!fresh);
        const bool run_borrowed = borrowed(r);
        uint64_t kept = 0;
        for (size_t i = part.run_begin[r]; i < part.run_begin[r + 1]; ++i) {
          const uint8_t bad = is_bad(i, part.run_df[r], run_borrowed);
          if (bad) out.chrome.Set(offset[part.entries[i].doc] + part.entries[i].pos, 1);
          if (!bad && part.first_of_doc(i, part.run_begin[r])) {
            mark.Set(i);
            ++kept;
          }
        }
        words += kept >= 2 && kept <= cap ? 1 + kept : 0;  // kept_of(r) once the marks are in
      }
      block_at[k + 1] = words;
    });
    for (size_t k = 0; k < blocks; ++k) block_at[k + 1] += block_at[k];
    const uint64_t end = block_at[blocks];
    if (end >= UINT32_MAX) {  // one hash bucket bigger than a partition may hold, and far beyond practice
      return InvalidArgument("the postings of one n-gram partition exceed 2^32 words; split the input into several runs");
    }
    std::vector<uint32_t> block(end);
    tbb::parallel_for(size_t{0}, blocks, [&](size_t k) {
      uint64_t w = block_at[k];
      for (size_t r = k * kRunBlock; r < std::min(runs, (k + 1) * kRunBlock); ++r) {
        const uint64_t kept = kept_of(r);
        if (kept == 0) continue;
        block[w++] = static_cast<uint32_t>(kept);
        const uint64_t b = part.run_begin[r];
        keep.ForEachSet(b, part.run_begin[r + 1], [&](uint64_t i) { block[w++] = part.entries[b + i].doc; });
      }
      assert(w == block_at[k + 1]);  // the first pass counted what the marks give
    });
    DOPPEL_RETURN_IF_ERROR(out.postings.Append(std::move(block)));
  }
  DOPPEL_RETURN_IF_ERROR(out.postings.Finish());
  part = Part();
  out.article_tokens.resize(n);
  std::vector<uint32_t> inner(n);
  out.broken.assign(n, 0);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    const ArticleShape a = ShapeOf(out, d, corpus.tokens.count(d));
    out.article_tokens[d] = a.tokens;
    inner[d] = a.inner_runs;
  });
  // Given sources only: an inferred one gathers pages that open or close
  // alike, such as formulaic reports (Reuters' weekly money-supply figures),
  // whose pages align over their formula and numbers, and the ring took
  // whole reports for chrome (bench/README.md, "Chrome that noise breaks").
  if (sources && !corpus.sources_inferred) {
    DOPPEL_RETURN_IF_ERROR(MarkAlignedChrome(corpus, options, group, inner, work, &out));
  }
  MarkMenus(corpus, &out);
  return out;
}

}  // namespace doppel
