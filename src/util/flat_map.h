// A flat open-addressing hash map from 64-bit keys to small values: the
// counting tables of find (document frequencies of n-grams). Keys are
// hashes already, so the low bits index the table directly.
#ifndef DOPPEL_UTIL_FLAT_MAP_H_
#define DOPPEL_UTIL_FLAT_MAP_H_

#include <cstdint>
#include <vector>

namespace doppel {

template <typename V>
class FlatMap {
 public:
  explicit FlatMap(size_t expected = 16) {
    size_t cap = 16;
    while (cap < expected * 2) cap <<= 1;
    keys_.assign(cap, kEmpty);
    values_.assign(cap, V{});
    mask_ = cap - 1;
  }
  // The value for `key`, inserted as V{} if absent.
  V& operator[](uint64_t key) {
    key = Fix(key);
    if ((size_ + 1) * 2 > keys_.size()) Grow();
    size_t i = key & mask_;
    while (keys_[i] != kEmpty && keys_[i] != key) i = (i + 1) & mask_;
    if (keys_[i] == kEmpty) {
      keys_[i] = key;
      ++size_;
    }
    return values_[i];
  }
  // The value for `key`, or nullptr.
  const V* Find(uint64_t key) const {
    key = Fix(key);
    size_t i = key & mask_;
    while (keys_[i] != kEmpty) {
      if (keys_[i] == key) return &values_[i];
      i = (i + 1) & mask_;
    }
    return nullptr;
  }
  size_t size() const { return size_; }

 private:
  static constexpr uint64_t kEmpty = 0;
  static uint64_t Fix(uint64_t k) { return k == kEmpty ? 1 : k; }  // 0 marks a free slot
  void Grow() {
    std::vector<uint64_t> keys;
    std::vector<V> values;
    keys.swap(keys_);
    values.swap(values_);
    keys_.assign(keys.size() * 2, kEmpty);
    values_.assign(keys.size() * 2, V{});
    mask_ = keys_.size() - 1;
    size_ = 0;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] != kEmpty) (*this)[keys[i]] = values[i];
    }
  }
  std::vector<uint64_t> keys_;
  std::vector<V> values_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace doppel

#endif  // DOPPEL_UTIL_FLAT_MAP_H_
