// Hashes of any span of a word sequence in O(1), after O(n) setup.
//
// A polynomial over the word hashes (mod 2^64), finished with Mix64, so
// that the hash of a whole line and of the same words found inside another
// text are equal wherever they stand. Not thread-safe per object; cheap to
// build per document.
#ifndef DOPPEL_CLEAN_SPAN_HASH_H_
#define DOPPEL_CLEAN_SPAN_HASH_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "doppel/text.h"

namespace doppel {

class SpanHasher {
 public:
  explicit SpanHasher(std::span<const Token> tokens) : prefix_(tokens.size() + 1, 0), power_(tokens.size() + 1, 1) {
    for (size_t i = 0; i < tokens.size(); ++i) {
      prefix_[i + 1] = prefix_[i] * kBase + tokens[i].hash;
      power_[i + 1] = power_[i] * kBase;
    }
  }
  size_t size() const { return prefix_.size() - 1; }
  // The hash of words [begin, end).
  uint64_t Hash(size_t begin, size_t end) const {
    return Mix64(prefix_[end] - prefix_[begin] * power_[end - begin]);
  }

 private:
  static constexpr uint64_t kBase = 0x9E3779B97F4A7C15ULL;  // odd: powers never vanish mod 2^64
  std::vector<uint64_t> prefix_, power_;
};

}  // namespace doppel

#endif  // DOPPEL_CLEAN_SPAN_HASH_H_
