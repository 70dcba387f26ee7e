// A fixed-size array of bits that threads may set concurrently: find's
// per-position flags, one bit per n-gram position of the corpus instead of
// a byte (they grow with the corpus, outside the memory budget), and marks
// on the entries of an n-gram partition (where runs start, which entries
// the postings keep).
#ifndef DOPPEL_UTIL_ATOMIC_BITS_H_
#define DOPPEL_UTIL_ATOMIC_BITS_H_

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace doppel {

class AtomicBits {
  static_assert(alignof(uint64_t) >= std::atomic_ref<uint64_t>::required_alignment);

 public:
  AtomicBits() = default;
  explicit AtomicBits(uint64_t size) : size_(size), words_((size + 63) / 64, 0) {}

  uint64_t size() const { return size_; }
  size_t bytes() const { return words_.size() * sizeof(uint64_t); }

  // Sets bit i. Safe while other threads set other bits (or the same one);
  // reads see it once the setting threads are joined.
  void Set(uint64_t i) {
    std::atomic_ref<uint64_t>(words_[i >> 6]).fetch_or(uint64_t{1} << (i & 63), std::memory_order_relaxed);
  }
  bool operator[](uint64_t i) const { return (words_[i >> 6] >> (i & 63)) & 1; }

  // Sets bits from one thread with one atomic OR per stretch of bits in one
  // 64-bit word instead of one per bit: for threads that set bits in
  // ascending order in ranges that meet only at their ends (any order is
  // right, only slower). Bits set reach the array when the writer moves
  // to another word, at Flush, or when it is destroyed.
  class InOrder {
   public:
    explicit InOrder(AtomicBits* bits) : bits_(bits) {}
    InOrder(const InOrder&) = delete;
    InOrder& operator=(const InOrder&) = delete;
    ~InOrder() { Flush(); }
    void Set(uint64_t i) {
      if (i >> 6 != word_) {
        Flush();
        word_ = i >> 6;
      }
      pending_ |= uint64_t{1} << (i & 63);
    }
    void Flush() {
      if (pending_ != 0) {
        std::atomic_ref<uint64_t>(bits_->words_[word_]).fetch_or(pending_, std::memory_order_relaxed);
      }
      pending_ = 0;
    }

   private:
    AtomicBits* bits_;
    uint64_t word_ = 0, pending_ = 0;
  };

  // The bits set in [begin, end).
  uint64_t Count(uint64_t begin, uint64_t end) const {
    uint64_t c = 0;
    while (begin < end && (begin & 63) != 0) c += (*this)[begin++];
    for (; begin + 64 <= end; begin += 64) c += static_cast<uint64_t>(std::popcount(words_[begin >> 6]));
    while (begin < end) c += (*this)[begin++];
    return c;
  }

  // Calls f(i - begin) for every bit i set in [begin, end), in order.
  template <typename F>
  void ForEachSet(uint64_t begin, uint64_t end, F&& f) const {
    if (begin >= end) return;
    for (uint64_t w = begin >> 6; w <= (end - 1) >> 6; ++w) {
      uint64_t bits = words_[w];
      if (w == begin >> 6) bits &= ~uint64_t{0} << (begin & 63);
      if (w == (end - 1) >> 6 && (end & 63) != 0) bits &= ~(~uint64_t{0} << (end & 63));
      while (bits != 0) {
        f((w << 6) + static_cast<uint64_t>(std::countr_zero(bits)) - begin);
        bits &= bits - 1;
      }
    }
  }

 private:
  uint64_t size_ = 0;
  std::vector<uint64_t> words_;
};

}  // namespace doppel

#endif  // DOPPEL_UTIL_ATOMIC_BITS_H_
