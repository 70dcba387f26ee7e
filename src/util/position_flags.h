// A few flags per position of a large array, set from many threads at once,
// each position at most once: find's facts per n-gram position of the
// corpus. Stored a byte per position (plain stores, the fastest to scatter
// into) when the caller can afford that, else one bit per flag and position
// (AtomicBits: an atomic OR per flag set). The two give the same answers.
#ifndef DOPPEL_UTIL_POSITION_FLAGS_H_
#define DOPPEL_UTIL_POSITION_FLAGS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "util/atomic_bits.h"

namespace doppel {

class PositionFlags {
 public:
  static constexpr int kMaxFlags = 8;

  PositionFlags() = default;
  // `flags` flags (1 .. kMaxFlags) for each of `size` positions, all clear;
  // a byte per position when `bytes`, else a bit per flag and position.
  PositionFlags(uint64_t size, int flags, bool bytes) : size_(size), bytes_(bytes) {
    if (bytes) {
      dense_.assign(static_cast<size_t>(size), 0);
    } else {
      for (int f = 0; f < flags; ++f) bits_.emplace_back(size);
    }
  }

  uint64_t size() const { return size_; }
  bool bytes() const { return bytes_; }
  size_t memory_bytes() const {
    size_t b = dense_.size();
    for (const AtomicBits& x : bits_) b += x.bytes();
    return b;
  }

  // Sets the flags of `mask` (bit f: flag f) at position i, whose flags are
  // all clear. Safe while other threads set other positions.
  void Set(uint64_t i, uint8_t mask) {
    if (bytes_) {
      dense_[static_cast<size_t>(i)] = mask;
      return;
    }
    for (size_t f = 0; mask != 0; ++f, mask >>= 1) {
      if (mask & 1) bits_[f].Set(i);
    }
  }

  // Calls g(i - begin) for every position i in [begin, end) with flag f, in
  // order (none for a flag the array does not have).
  template <typename G>
  void ForEachSet(int f, uint64_t begin, uint64_t end, G&& g) const {
    if (!bytes_) {
      if (static_cast<size_t>(f) < bits_.size()) bits_[static_cast<size_t>(f)].ForEachSet(begin, end, g);
      return;
    }
    const auto bit = static_cast<uint8_t>(1u << f);
    for (uint64_t i = begin; i < end; ++i) {
      if (dense_[static_cast<size_t>(i)] & bit) g(i - begin);
    }
  }

  // The positions in [begin, end) with flag f.
  uint64_t Count(int f, uint64_t begin, uint64_t end) const {
    if (!bytes_) return static_cast<size_t>(f) < bits_.size() ? bits_[static_cast<size_t>(f)].Count(begin, end) : 0;
    const auto bit = static_cast<uint8_t>(1u << f);
    uint64_t c = 0;
    for (uint64_t i = begin; i < end; ++i) c += (dense_[static_cast<size_t>(i)] & bit) != 0;
    return c;
  }

 private:
  uint64_t size_ = 0;
  bool bytes_ = false;
  std::vector<uint8_t> dense_;    // bytes_: the flags of position i in dense_[i]
  std::vector<AtomicBits> bits_;  // else: flag f of position i in bits_[f][i]
};

}  // namespace doppel

#endif  // DOPPEL_UTIL_POSITION_FLAGS_H_
