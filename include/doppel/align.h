// doppel/align.h - aligning two documents into passages.
//
// An anchor is a word n-gram (default 3 words) that occurs exactly once in
// each document and contains no boilerplate token. The anchors two documents
// share are chained: the longest chain increasing in both documents (LIS,
// O(m log m)) gives the main order; anchors left over are chained again, so a
// paragraph moved elsewhere still aligns. Consecutive anchors of a chain with
// gaps of at most max_gap tokens on both sides form one passage: a maximal
// aligned region that tolerates edited words, dropped link texts, inserted
// captions and OCR errors inside it. A wider gap, up to 8 x max_gap on
// either side, is bridged when the longest chain of the words that occur
// once in each side of it, and in both, crosses it with no step wider than
// max_gap (heavy OCR noise on both copies breaks most 3-grams, not most
// words). A passage then grows at both ends over
// the words that still match one for one (words of a phrase the text repeats
// are no anchors), up to its neighbours and to boilerplate.
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

// The anchors of one document, sorted by n-gram hash: two documents' shared
// anchors are found by one merge of their sorted lists (sequential reads, no
// hash table: 16 bytes per anchor).
struct AnchorIndex {
  std::vector<uint64_t> hashes;        // n-grams that occur once, ascending
  std::vector<uint32_t> positions;     // positions[i]: the token where hashes[i] starts
  std::vector<uint32_t> by_position;   // indices into hashes, in document order
  // Per token: the low 32 bits of its hash (0 for boilerplate), which is
  // all that extending a passage by one word at a time compares.
  std::vector<uint32_t> words;
  // With `twice` (BuildAnchorIndex): the n-grams that occur exactly twice,
  // each listed at both of its places, sorted by hash, then position.
  std::vector<uint64_t> twice_hashes;
  std::vector<uint32_t> twice_positions;
  size_t size() const { return hashes.size(); }
};

// mask[i] != 0 marks token i as boilerplate (empty mask: none is). With
// `twice`, n-grams that occur twice anchor too (twice_hashes): a headline,
// a lead or a paragraph that a page repeats still anchors its copy, the
// longest chain taking one of its two places. Find lists them only for
// documents with a given source, whose chrome is masked.
AnchorIndex BuildAnchorIndex(std::span<const Token> tokens, std::span<const uint8_t> mask, int n,
                             bool twice = false);
// The same over words (the low 32 bits of token hashes, as find stores
// them): the index of tokens whose hashes are those words.
AnchorIndex BuildAnchorIndex(std::span<const uint32_t> words, std::span<const uint8_t> mask, int n,
                             bool twice = false);

// A passage in token indices: [a_begin, a_end) of a aligns with
// [b_begin, b_end) of b. matched_* count the tokens covered by anchors, the
// words that bridge gaps between anchors and the words the passage grew by
// at its ends.
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
  // Bridge wider gaps by single words. Only where both documents' chrome
  // is known: a bridge carries an alignment through page menus that differ
  // by an item as readily as through OCR noise.
  bool bridge = true;
  // Anchor on the n-grams the indexes have twice too (BuildAnchorIndex).
  bool twice = true;
};

// Passages sorted by a_begin; they do not overlap in a nor in b. Anchors
// are the n-grams each of a and b has once, and, where an index has
// n-grams twice, those that one has twice and the other once or twice
// (every pairing of their places).
std::vector<TokenPassage> AlignDocuments(const AnchorIndex& a, const AnchorIndex& b, const AlignOptions& options);

// How many shared anchors the n-grams seen twice add (AlignOptions::twice):
// with none, aligning with them gives what aligning without them does.
size_t CountTwiceAnchors(const AnchorIndex& a, const AnchorIndex& b);

// The longest chain of (x, y) points strictly increasing in both, given
// points sorted by x, and by y descending where they share an x. Returns
// indices into `points`.
std::vector<uint32_t> LongestIncreasingChain(std::span<const std::pair<uint32_t, uint32_t>> points);

}  // namespace doppel

#endif  // DOPPEL_ALIGN_H_
