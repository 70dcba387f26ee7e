// Word n-gram hashes and exact set similarity.
#include <xxhash.h>

#include <algorithm>

#include "doppel/text.h"
#include "util/hash_sort.h"

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

// Shingle hashes are uniform, so the sort is linear (util/hash_sort.h).
void SortUnique(std::vector<uint64_t>* v) {
  SortByUniformHash(v, [](uint64_t x) { return x; });
  v->erase(std::unique(v->begin(), v->end()), v->end());
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
