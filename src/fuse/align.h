// Monotone alignment of two word sequences (word hashes).
//
// Progressive fusion aligns each copy to the text fused so far. Articles are
// long and mostly shared, so the alignment is built the way patience diff
// builds one, from the certain to the uncertain:
//   1. anchors: word k-grams that occur exactly once in each sequence;
//   2. the longest chain of anchors increasing in both (O(A log A));
//   3. between consecutive anchors, an exact diff (Myers' O(ND) shortest
//      edit script) of the gap, after trimming its common ends.
// A gap whose diff would cost more than `diff_budget` steps is split at
// words unique on both sides (patience, one level) and its sub-gaps are
// diffed with the same budget; what is still too costly stays unaligned.
// So the cost is O((n + m) log(n + m)) plus at most `diff_budget` per gap,
// and memory is O(n + m) plus O(D^2) for a diff of edit distance D.
//
// Thread-safe (no shared state).
#ifndef DOPPEL_FUSE_ALIGN_H_
#define DOPPEL_FUSE_ALIGN_H_

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace doppel {

using WordPair = std::pair<uint32_t, uint32_t>;  // (index in a, index in b)

// Appends the matched positions to `pairs`, strictly increasing in both.
void AlignWords(std::span<const uint64_t> a, std::span<const uint64_t> b, int anchor_ngram, uint64_t diff_budget,
                std::vector<WordPair>* pairs);

// The longest common subsequence by Myers' algorithm: appends its pairs
// (offset by a_base, b_base) and returns true, or returns false without
// appending when the edit distance exceeds max_d. Exposed for tests.
bool MyersDiff(std::span<const uint64_t> a, std::span<const uint64_t> b, uint32_t a_base, uint32_t b_base,
               size_t max_d, std::vector<WordPair>* pairs);

}  // namespace doppel

#endif  // DOPPEL_FUSE_ALIGN_H_
