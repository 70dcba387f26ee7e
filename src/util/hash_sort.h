// Sorting values whose order starts with a uniform 64-bit hash (shingle and
// n-gram hashes): a counting pass on the top bits of the hash puts at most
// about one value in each bucket, and an insertion sort finishes: O(n) on
// average instead of O(n log n). Values that are not uniform still come out
// sorted, only slower (a bucket that gets many of them goes to std::sort).
//
// Internal to doppel. Thread-safe: the scratch buffers are per thread.
#ifndef DOPPEL_UTIL_HASH_SORT_H_
#define DOPPEL_UTIL_HASH_SORT_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace doppel {

namespace hash_sort_internal {

// Scatters [first, last) into tmp by the top bits of hash, about two
// buckets per value, and sorts there: every value of a bucket precedes every
// value of the next, so one insertion pass over the whole array moves each
// value within its bucket only, and with most buckets holding one value or
// none it rarely moves one at all. A bucket of more than 32 values (hashes
// that are not uniform) goes to std::sort first.
template <typename T, typename Hash>
void SortInto(const T* first, const T* last, std::vector<T>* tmp, Hash hash) {
  const size_t m = static_cast<size_t>(last - first);
  int bits = 1;
  while (bits < 24 && (size_t{1} << bits) < 2 * m) ++bits;
  const size_t buckets = size_t{1} << bits;
  const int shift = 64 - bits;
  thread_local std::vector<uint32_t> start;
  start.assign(buckets + 1, 0);
  tmp->resize(m);
  for (const T* x = first; x != last; ++x) ++start[(static_cast<uint64_t>(hash(*x)) >> shift) + 1];
  uint32_t largest = 0;
  for (size_t b = 0; b < buckets; ++b) {
    largest = std::max(largest, start[b + 1]);
    start[b + 1] += start[b];
  }
  T* out = tmp->data();
  for (const T* x = first; x != last; ++x) out[start[static_cast<uint64_t>(hash(*x)) >> shift]++] = *x;  // start[b]: end of bucket b
  if (largest > 32) {
    size_t begin = 0;
    for (size_t b = 0; b < buckets; ++b) {
      if (start[b] - begin > 32) std::sort(out + begin, out + start[b]);
      begin = start[b];
    }
  }
  for (size_t i = 1; i < m; ++i) {
    if (!(out[i] < out[i - 1])) continue;
    const T x = out[i];
    size_t j = i;
    do {
      out[j] = out[j - 1];
      --j;
    } while (j > 0 && x < out[j - 1]);
    out[j] = x;
  }
}

}  // namespace hash_sort_internal

// Sorts *v by T's operator<, which must order by hash(x) first.
template <typename T, typename Hash>
void SortByUniformHash(std::vector<T>* v, Hash hash) {
  if (v->size() < 32) {
    std::sort(v->begin(), v->end());
    return;
  }
  thread_local std::vector<T> tmp;
  hash_sort_internal::SortInto(v->data(), v->data() + v->size(), &tmp, hash);
  v->swap(tmp);
}

// The same for the range [first, last), sorted into *out (resized to
// fit), which leaves the range as it was.
template <typename T, typename Hash>
void SortByUniformHashInto(const T* first, const T* last, std::vector<T>* out, Hash hash) {
  if (last - first < 32) {
    out->assign(first, last);
    std::sort(out->begin(), out->end());
    return;
  }
  hash_sort_internal::SortInto(first, last, out, hash);
}

}  // namespace doppel

#endif  // DOPPEL_UTIL_HASH_SORT_H_
