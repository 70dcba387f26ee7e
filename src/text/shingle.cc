// Word n-gram hashes and exact set similarity.
#include <xxhash.h>

#include <algorithm>

#include "doppel/text.h"

namespace doppel {

// A rolling polynomial over the token hashes, mod 2^64, finished with a
// 64-bit mixer: O(1) per shingle whatever n is, and order-sensitive.
void ShingleHashes(std::span<const uint64_t> tokens, int n, std::vector<uint64_t>* out) {
  if (tokens.empty()) return;
  constexpr uint64_t kBase = 0x9E3779B97F4A7C15ULL;  // odd, so multiplication is invertible
  const size_t k = std::min(tokens.size(), static_cast<size_t>(n));
  uint64_t top = 1;  // kBase^(k-1)
  for (size_t j = 1; j < k; ++j) top *= kBase;
  uint64_t h = 0;
  for (size_t j = 0; j < k; ++j) h = h * kBase + tokens[j];
  const size_t count = tokens.size() - k + 1;
  out->reserve(out->size() + count);
  out->push_back(Mix64(h));
  for (size_t i = 1; i < count; ++i) {
    h = (h - tokens[i - 1] * top) * kBase + tokens[i + k - 1];
    out->push_back(Mix64(h));
  }
}

// Shingle hashes are uniform 64-bit values, so a counting pass on their top
// bits puts about one value in each bucket, and the buckets need only an
// insertion sort: O(n) instead of O(n log n). Values that are not uniform
// still come out sorted, only slower (a bucket that gets many of them is
// sorted with std::sort).
void SortUnique(std::vector<uint64_t>* v) {
  const size_t m = v->size();
  if (m < 32) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
    return;
  }
  int bits = 1;
  while (bits < 24 && (size_t{2} << bits) <= m) ++bits;
  const size_t buckets = size_t{1} << bits;
  const int shift = 64 - bits;
  thread_local std::vector<uint32_t> start;
  thread_local std::vector<uint64_t> tmp;
  start.assign(buckets + 1, 0);
  tmp.resize(m);
  for (uint64_t x : *v) ++start[(x >> shift) + 1];
  for (size_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
  for (uint64_t x : *v) tmp[start[x >> shift]++] = x;  // start[b] ends as the end of bucket b
  uint64_t* out = v->data();
  size_t n = 0;
  size_t begin = 0;
  for (size_t b = 0; b < buckets; ++b) {
    const size_t end = start[b];
    uint64_t* first = tmp.data() + begin;
    uint64_t* last = tmp.data() + end;
    if (end - begin > 32) {
      std::sort(first, last);
    } else {
      for (uint64_t* i = first + 1; i < last; ++i) {
        const uint64_t x = *i;
        uint64_t* j = i;
        while (j > first && *(j - 1) > x) {
          *j = *(j - 1);
          --j;
        }
        *j = x;
      }
    }
    for (uint64_t* i = first; i < last; ++i) {
      if (n == 0 || out[n - 1] != *i) out[n++] = *i;
    }
    begin = end;
  }
  v->resize(n);
}

double Jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  if (a.empty() && b.empty()) return 0.0;
  size_t i = 0, j = 0, inter = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++inter;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(inter) / static_cast<double>(a.size() + b.size() - inter);
}

}  // namespace doppel
