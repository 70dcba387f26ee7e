// Sorting values whose order starts with a uniform 64-bit hash (shingle and
// n-gram hashes): a counting pass on the top bits of the hash puts about one
// value in each bucket, and an insertion sort finishes each bucket: O(n) on
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

// Scatters [first, last) into tmp by the top bits of hash and sorts each
// bucket there.
template <typename T, typename Hash>
void SortInto(const T* first, const T* last, std::vector<T>* tmp, Hash hash) {
  const size_t m = static_cast<size_t>(last - first);
  int bits = 1;
  while (bits < 24 && (size_t{2} << bits) <= m) ++bits;
  const size_t buckets = size_t{1} << bits;
  const int shift = 64 - bits;
  thread_local std::vector<uint32_t> start;
  start.assign(buckets + 1, 0);
  tmp->resize(m);
  for (const T* x = first; x != last; ++x) ++start[(static_cast<uint64_t>(hash(*x)) >> shift) + 1];
  for (size_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
  T* out = tmp->data();
  for (const T* x = first; x != last; ++x) out[start[static_cast<uint64_t>(hash(*x)) >> shift]++] = *x;  // start[b]: end of bucket b
  size_t begin = 0;
  for (size_t b = 0; b < buckets; ++b) {
    const size_t end = start[b];
    T* lo = out + begin;
    T* hi = out + end;
    if (end - begin > 32) {
      std::sort(lo, hi);
    } else {
      for (T* i = lo + 1; i < hi; ++i) {
        const T x = *i;
        T* j = i;
        while (j > lo && x < *(j - 1)) {
          *j = *(j - 1);
          --j;
        }
        *j = x;
      }
    }
    begin = end;
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

// The same for the range [first, last), in place (through one scratch copy).
template <typename T, typename Hash>
void SortByUniformHash(T* first, T* last, Hash hash) {
  if (last - first < 32) {
    std::sort(first, last);
    return;
  }
  thread_local std::vector<T> tmp;
  hash_sort_internal::SortInto(first, last, &tmp, hash);
  std::copy(tmp.begin(), tmp.end(), first);
}

}  // namespace doppel

#endif  // DOPPEL_UTIL_HASH_SORT_H_
