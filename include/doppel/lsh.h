// doppel/lsh.h - banding MinHash signatures into candidate pairs.
//
// A signature of b*r values is cut into b bands of r rows; two documents
// whose signatures agree on every row of some band become a candidate pair.
// The chance of that at similarity s is 1 - (1 - s^r)^b.
#ifndef DOPPEL_LSH_H_
#define DOPPEL_LSH_H_

#include <cstddef>
#include <cstdint>
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

// Collects candidate pairs from the band keys of n documents: keys[doc * bands
// + band]. Documents whose signature is empty have skip[doc] set. A bucket of m
// documents gives all its pairs when m <= max_bucket_pairs_size, otherwise
// every member paired with the bucket's first member and its predecessor, so
// huge groups of copies stay linear. Pairs are (a < b), sorted, unique.
std::vector<std::pair<uint32_t, uint32_t>> CandidatePairs(std::span<const uint64_t> keys, int bands,
                                                          std::span<const uint8_t> skip,
                                                          size_t max_bucket_pairs_size = 16);

}  // namespace doppel

#endif  // DOPPEL_LSH_H_
