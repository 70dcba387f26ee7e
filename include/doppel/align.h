// doppel/align.h - aligning two documents into passages.
//
// An anchor is a word n-gram (default 3 words) that occurs exactly once in
// each document and contains no boilerplate token. The anchors two documents
// share are chained: the longest chain increasing in both documents (LIS,
// O(m log m)) gives the main order; anchors left over are chained again, so a
// paragraph moved elsewhere still aligns. Consecutive anchors of a chain with
// gaps of at most max_gap tokens on both sides form one passage: a maximal
// aligned region that tolerates edited words, dropped link texts, inserted
// captions and OCR errors inside it.
//
// Thread-safe: all functions are pure.
#ifndef DOPPEL_ALIGN_H_
#define DOPPEL_ALIGN_H_

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "doppel/text.h"

namespace doppel {

// The anchors of one document: (n-gram hash, first token) for every n-gram
// that occurs once, in document order, and a hash table from n-gram to
// token for lookups from the other document.
struct AnchorIndex {
  std::vector<std::pair<uint64_t, uint32_t>> anchors;
  std::vector<uint64_t> keys;  // open addressing, power-of-two size; 0 is free
  std::vector<uint32_t> positions;
  // The token where n-gram `hash` starts, or UINT32_MAX.
  uint32_t Find(uint64_t hash) const {
    if (keys.empty()) return UINT32_MAX;
    const size_t mask = keys.size() - 1;
    hash |= 1;  // keys are stored with the low bit set, so that 0 stays free
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      if (keys[i] == hash) return positions[i];
      if (keys[i] == 0) return UINT32_MAX;
    }
  }
};

// mask[i] != 0 marks token i as boilerplate (empty mask: none is).
AnchorIndex BuildAnchorIndex(std::span<const Token> tokens, std::span<const uint8_t> mask, int n);

// A passage in token indices: [a_begin, a_end) of a aligns with
// [b_begin, b_end) of b. matched_* count the tokens covered by anchors.
struct TokenPassage {
  uint32_t a_begin, a_end, b_begin, b_end;
  uint32_t matched_a, matched_b;
  uint32_t anchors;
};

struct AlignOptions {
  int n = 3;             // words per anchor
  int max_gap = 10;      // tokens between anchors inside one passage
  int min_anchors = 2;   // a lone shared n-gram is not a passage
  int rounds = 4;        // chaining rounds (the first is the main order)
};

// Passages sorted by a_begin; they do not overlap in a nor in b.
std::vector<TokenPassage> AlignDocuments(const AnchorIndex& a, const AnchorIndex& b, const AlignOptions& options);

// The longest chain of (x, y) points strictly increasing in both, given
// points sorted by x with distinct x. Returns indices into `points`.
std::vector<uint32_t> LongestIncreasingChain(std::span<const std::pair<uint32_t, uint32_t>> points);

}  // namespace doppel

#endif  // DOPPEL_ALIGN_H_
