// doppel/minhash.h - MinHash signatures by one-permutation hashing.
//
// A signature has `num_perm` 32-bit values. Each shingle hash is hashed once
// (not once per permutation): its top bits pick one of num_perm bins and the
// bin keeps the smallest hash it sees (one-permutation hashing, Li, Owen and
// Zhang 2012). Empty bins borrow the value of a non-empty bin chosen by a
// fixed probe sequence shared by all documents (densification, Shrivastava
// 2017), which keeps the estimate unbiased: P[sig_a[i] == sig_b[i]] =
// J(a, b).
//
// The values are a contract: they are pinned by test vectors and do not
// depend on the machine or the thread count. They change only when the
// hashing scheme does, on purpose, with the pinned vectors and a note in
// docs/design.md (the last change: densification by rounds, 2026-12-02).
// A MinHasher is immutable after construction and safe to share.
#ifndef DOPPEL_MINHASH_H_
#define DOPPEL_MINHASH_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace doppel {

class MinHasher {
 public:
  static constexpr uint64_t kDefaultSeed = 0x646f7070656c3031ULL;  // "doppel01"
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;

  // num_perm >= 1 (0 gives empty signatures).
  explicit MinHasher(int num_perm, uint64_t seed = kDefaultSeed);
  int num_perm() const { return num_perm_; }

  // Writes num_perm values to `sig`. An empty shingle set gives a signature
  // of kEmpty values that matches nothing.
  void Sketch(std::span<const uint64_t> shingles, uint32_t* sig) const;
  std::vector<uint32_t> Sketch(std::span<const uint64_t> shingles) const;
  // The signature of the word n-gram shingles of a token hash sequence, the
  // same values as Sketch(ShingleHashes(tokens, n)) without building the
  // shingle list.
  void SketchShingles(std::span<const uint64_t> tokens, int n, uint32_t* sig) const;

  // Densification's probe order: the bin that an empty `bin` looks at in
  // round `round` (0 <= round < num_perm - 1). Over all rounds it visits
  // every other bin once. For tests and tools; Sketch does not call it.
  uint32_t ProbeBin(uint32_t bin, uint32_t round) const {
    return static_cast<uint32_t>((bin + shift_[round]) % static_cast<uint32_t>(num_perm_));
  }

 private:
  int num_perm_;
  uint64_t seed_;
  // Densification round r probes bin (b + shift_[r]) mod num_perm for
  // every empty bin b: a permutation of 1 .. num_perm - 1 fixed by the seed.
  std::vector<uint32_t> shift_;
  static constexpr uint64_t kNone = ~uint64_t{0};
  template <typename ForEach>
  void Fill(ForEach for_each, uint32_t* sig) const;
  void Densify(uint64_t* m, uint32_t* sig) const;
};

// The fraction of equal positions: an unbiased estimate of Jaccard similarity.
double EstimateJaccard(std::span<const uint32_t> a, std::span<const uint32_t> b);

}  // namespace doppel

#endif  // DOPPEL_MINHASH_H_
