// doppel/lsh.h - banding MinHash signatures into candidate pairs.
//
// A signature of b*r values is cut into b bands of r rows; two documents
// whose signatures agree on every row of some band become a candidate pair.
// The chance of that at similarity s is 1 - (1 - s^r)^b.
#ifndef DOPPEL_LSH_H_
#define DOPPEL_LSH_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace doppel {

struct LshParams {
  int bands = 0;
  int rows = 0;
};

// The (b, r) with b*r <= num_perm that minimizes
//   fp_weight * integral_0^t P(s) ds + fn_weight * integral_t^1 (1 - P(s)) ds
// with P(s) = 1 - (1 - s^r)^b: the rule datasketch uses, so that a threshold
// means the same here as there.
LshParams OptimalLshParams(double threshold, int num_perm, double fp_weight = 0.5, double fn_weight = 0.5);

// P(candidate | similarity s) for the given bands and rows.
double CandidateProbability(double s, LshParams p);

// The key of one band of a signature.
uint64_t BandKey(const uint32_t* sig, int band, int rows);

// The band keys of a growing list of documents, kept in blocks of 2^14
// documents: appending never moves what is stored (a contiguous array would
// be copied each time it doubles, and its peak would be 1.5 to 3 times its
// size).
class BandKeys {
 public:
  explicit BandKeys(int bands) : bands_(bands) {}
  int bands() const { return bands_; }
  size_t size() const { return size_; }
  // Appends one document's keys (bands() values).
  void Append(const uint64_t* keys) {
    const size_t at = size_ & kMask;
    if (at == 0) blocks_.push_back(std::make_unique_for_overwrite<uint64_t[]>(static_cast<size_t>(bands_) << kShift));
    uint64_t* block = blocks_.back().get();
    for (int b = 0; b < bands_; ++b) block[(static_cast<size_t>(b) << kShift) + at] = keys[b];
    ++size_;
  }
  // Within a block keys are stored band by band, so that reading one band
  // of every document is sequential.
  uint64_t key(size_t doc, int band) const {
    return blocks_[doc >> kShift][(static_cast<size_t>(band) << kShift) + (doc & kMask)];
  }
  void Clear() {
    blocks_.clear();
    size_ = 0;
  }

 private:
  static constexpr int kShift = 14;
  static constexpr size_t kMask = (size_t{1} << kShift) - 1;
  int bands_;
  size_t size_ = 0;
  std::vector<std::unique_ptr<uint64_t[]>> blocks_;
};

// Collects candidate pairs from the band keys of n documents. Documents
// whose signature is empty have skip[doc] set. A bucket of m documents
// gives all its pairs when m <= max_bucket_pairs_size, otherwise
// every member paired with the bucket's first member and its predecessor, so
// huge groups of copies stay linear. Pairs are (a < b), sorted, unique.
std::vector<std::pair<uint32_t, uint32_t>> CandidatePairs(const BandKeys& keys, std::span<const uint8_t> skip,
                                                          size_t max_bucket_pairs_size = 16);
// The same from a flat array: keys[doc * bands + band].
std::vector<std::pair<uint32_t, uint32_t>> CandidatePairs(std::span<const uint64_t> keys, int bands,
                                                          std::span<const uint8_t> skip,
                                                          size_t max_bucket_pairs_size = 16);

}  // namespace doppel

#endif  // DOPPEL_LSH_H_
