// Word n-gram hashes and exact set similarity.
#include <xxhash.h>

#include <algorithm>

#include "doppel/text.h"
#include "text/rolling.h"
#include "util/hash_sort.h"

namespace doppel {

// A rolling polynomial over the token hashes (text/rolling.h): O(1) per
// shingle whatever n is, and order-sensitive.
void ShingleHashes(std::span<const uint64_t> tokens, int n, std::vector<uint64_t>* out) {
  if (tokens.empty()) return;
  const size_t k = std::min(tokens.size(), static_cast<size_t>(n));
  AppendRollingHashes(tokens.size(), k, [tokens](size_t i) { return tokens[i]; }, out);
}

uint64_t SequenceFingerprint(std::span<const uint64_t> tokens) {
  return XXH3_64bits_withSeed(tokens.data(), tokens.size() * sizeof(uint64_t), tokens.size());
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
