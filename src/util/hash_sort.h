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

// Sorts *v by T's operator<, which must order by hash(x) first.
template <typename T, typename Hash>
void SortByUniformHash(std::vector<T>* v, Hash hash) {
  const size_t m = v->size();
  if (m < 32) {
    std::sort(v->begin(), v->end());
    return;
  }
  int bits = 1;
  while (bits < 24 && (size_t{2} << bits) <= m) ++bits;
  const size_t buckets = size_t{1} << bits;
  const int shift = 64 - bits;
  thread_local std::vector<uint32_t> start;
  thread_local std::vector<T> tmp;
  start.assign(buckets + 1, 0);
  tmp.resize(m);
  for (const T& x : *v) ++start[(static_cast<uint64_t>(hash(x)) >> shift) + 1];
  for (size_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
  for (const T& x : *v) tmp[start[static_cast<uint64_t>(hash(x)) >> shift]++] = x;  // start[b]: end of bucket b
  size_t begin = 0;
  for (size_t b = 0; b < buckets; ++b) {
    const size_t end = start[b];
    T* first = tmp.data() + begin;
    T* last = tmp.data() + end;
    if (end - begin > 32) {
      std::sort(first, last);
    } else {
      for (T* i = first + 1; i < last; ++i) {
        const T x = *i;
        T* j = i;
        while (j > first && x < *(j - 1)) {
          *j = *(j - 1);
          --j;
        }
        *j = x;
      }
    }
    begin = end;
  }
  v->swap(tmp);
}

}  // namespace doppel

#endif  // DOPPEL_UTIL_HASH_SORT_H_
