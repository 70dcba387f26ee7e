// The rolling n-gram hash shared by shingles (dedup) and n-grams (find):
// the polynomial sum_j h[i + j] * base^(k - 1 - j) over token hashes, mod
// 2^64, rolled in O(1) from one position to the next and finished with
// Mix64. Internal to doppel.
#ifndef DOPPEL_TEXT_ROLLING_H_
#define DOPPEL_TEXT_ROLLING_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "doppel/text.h"

namespace doppel {

// Calls emit(h) with the hashes of the count - k + 1 windows of k tokens,
// in order (1 <= k <= count); hash_at(i) is the hash of token i.
template <typename HashAt, typename Emit>
inline void ForEachRollingHash(size_t count, size_t k, HashAt hash_at, Emit emit) {
  constexpr uint64_t kBase = 0x9E3779B97F4A7C15ULL;  // odd, so multiplication is invertible
  uint64_t top = 1;  // kBase^(k-1)
  for (size_t j = 1; j < k; ++j) top *= kBase;
  uint64_t h = 0;
  for (size_t j = 0; j < k; ++j) h = h * kBase + hash_at(j);
  const size_t windows = count - k + 1;
  emit(Mix64(h));
  for (size_t i = 1; i < windows; ++i) {
    h = (h - hash_at(i - 1) * top) * kBase + hash_at(i + k - 1);
    emit(Mix64(h));
  }
}

// Appends the same hashes to *out.
template <typename HashAt>
void AppendRollingHashes(size_t count, size_t k, HashAt hash_at, std::vector<uint64_t>* out) {
  out->reserve(out->size() + (count - k + 1));
  ForEachRollingHash(count, k, hash_at, [out](uint64_t h) { out->push_back(h); });
}

}  // namespace doppel

#endif  // DOPPEL_TEXT_ROLLING_H_
