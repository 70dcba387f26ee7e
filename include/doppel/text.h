// doppel/text.h - normalization, word tokens and shingles.
//
// Text is split into word tokens by Unicode category: letters, marks and
// numbers make words; everything else (spaces, punctuation, symbols,
// including every kind of quote, apostrophe and dash) separates them, so
// "Kim’s" and "Kim's", "1950–53" and "1950-53" give the same tokens.
// Default-ignorable characters (soft hyphen, zero-width space and joiners,
// word joiner, byte order mark, direction marks, variation selectors) are
// the exception: inside a word they neither split it nor change its hash
// ("inter<SHY>national" is "international"), and they never start one. In
// scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer,
// Myanmar) every character, with its combining marks, is a token of its own,
// so that n-grams of tokens are character n-grams there. Each token is
// normalized with Unicode NFKC and case folding (ASCII takes a fast path that
// gives the same result) and hashed to 64 bits (HashNormalized: a
// branch-free multiply-fold for tokens of up to 16 bytes, XXH3-64 for longer
// ones); the hash is the token's identity everywhere in doppel.
//
// All functions are thread-safe and allocate only in `out`.
#ifndef DOPPEL_TEXT_H_
#define DOPPEL_TEXT_H_

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace doppel {

struct Token {
  uint64_t hash;   // HashNormalized() of the normalized token
  uint32_t begin;  // byte offsets of the token in the original text
  uint32_t end;
};

// Appends the tokens of `text` (valid UTF-8) to `out`.
void Tokenize(std::string_view text, std::vector<Token>* out);

// Look-alike folding, for text that went through OCR (find's default):
// glyphs that OCR engines read for one another give one hash. After NFKC
// and case folding, accents on Latin letters are dropped ("í" is "i"); then
// each letter or digit of a class becomes its first: {l, i, 1}, {o, 0, a},
// {c, e}, {b, h, 8}, {n, u}, {f, t}, {s, 5}; then, left to right, "rn"
// becomes "m", "cl" "d" and "vv" "w". So "rnodern", "M0DERN" and "modern"
// are one token, and so are "cIear" and "dear". Classes are taken whole,
// so folding commutes with case folding and with one confusion anywhere in
// a word, except where a "v" meets a "w" ("vw" stays, while OCR's "vvv"
// becomes "wv"). Distinct words do collide ("burn" and "bum", "he" and "be"), which
// n-grams of three or five words make rare.
std::string FoldLookalikes(std::string_view normalized);
// Tokenize, with each token hashed as HashNormalized(FoldLookalikes(its
// normalized form)): the same tokens and offsets, folded hashes.
void TokenizeFolded(std::string_view text, std::vector<Token>* out);
// The same tokens' hashes only: the dedup fast path.
void TokenHashes(std::string_view text, std::vector<uint64_t>* out);
// The normalized form of one token (NFKC + case fold), as hashed.
std::string NormalizeToken(std::string_view token);
// The hash of a normalized token.
uint64_t HashNormalized(std::string_view normalized);

// A 64-bit finalizer (the one of SplitMix64): a bijection that spreads every
// input bit over the output.
inline uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

// Hashes of the word n-grams ("shingles") of a token sequence, in order, with
// repeats. A sequence shorter than n but not empty gives one shingle of all
// its tokens; an empty one gives none.
void ShingleHashes(std::span<const uint64_t> tokens, int n, std::vector<uint64_t>* out);
// A fingerprint of a token-hash sequence: equal for equal sequences (dedup's
// exact copies, find's identical texts), seeded with the length.
uint64_t SequenceFingerprint(std::span<const uint64_t> tokens);
// Sorts and removes repeats: a shingle set.
void SortUnique(std::vector<uint64_t>* v);
// Exact Jaccard similarity of two shingle sets (sorted, unique). Two empty
// sets have similarity 0: an empty document is nobody's duplicate.
double Jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b);

// Code-point offsets for byte offsets in one text, for reports that point
// into the user's original text. Queries must not decrease. Offsets are 32
// bits: of a text of 4 GiB or more, only the first 2^32 - 1 bytes count.
class CodePointCursor {
 public:
  explicit CodePointCursor(std::string_view text)
      : text_(text.substr(0, UINT32_MAX)), ascii_end_(NextHigh(0)) {}
  // Inline: find calls it twice per token.
  uint32_t ToCodePoint(uint32_t byte_offset) {
    const uint32_t target = static_cast<uint32_t>(std::min<size_t>(byte_offset, text_.size()));
    assert(target >= byte_);
    // Up to the next byte of a multi-byte character (most of a text in a
    // Latin script), a byte is a code point.
    if (target > ascii_end_) {
      Count(target);
    } else {
      cp_ += target - byte_;
      byte_ = target;
    }
    return cp_;
  }

 private:
  uint64_t Load(uint32_t at) const {
    uint64_t w;
    std::memcpy(&w, text_.data() + at, 8);
    return w;
  }
  // The first byte from `from` on with bit 7 set, or the text's size.
  uint32_t NextHigh(uint32_t from) const {
    for (; size_t{from} + 8 <= text_.size(); from += 8) {
      const uint64_t high = Load(from) & 0x8080808080808080ULL;
      if (high != 0) {
        const int bit = std::endian::native == std::endian::little ? std::countr_zero(high) : std::countl_zero(high);
        return from + static_cast<uint32_t>(bit / 8);
      }
    }
    while (from < text_.size() && static_cast<unsigned char>(text_[from]) < 0x80) ++from;
    return from;
  }
  // Moves the cursor to `target`, past a multi-byte character. Eight bytes
  // at a time: a byte starts a code point unless it is a continuation byte
  // (10xxxxxx), i.e. unless bit 7 is set and bit 6 clear. One bit per
  // byte, summed by a multiply (__builtin_popcountll is a library call on
  // the x86-64 baseline, which has no POPCNT).
  void Count(uint32_t target) {
    cp_ += ascii_end_ - byte_;  // the ASCII before it
    byte_ = ascii_end_;
    while (size_t{byte_} + 8 <= target) {
      cp_ += 8 - Continuations(Load(byte_));
      byte_ += 8;
    }
    for (; byte_ < target; ++byte_) cp_ += (static_cast<unsigned char>(text_[byte_]) & 0xC0) != 0x80;
    ascii_end_ = NextHigh(target);
  }
  static uint32_t Continuations(uint64_t w) {
    const uint64_t continuation = w & ~(w << 1) & 0x8080808080808080ULL;
    return static_cast<uint32_t>(((continuation >> 7) * 0x0101010101010101ULL) >> 56);
  }

  std::string_view text_;
  uint32_t byte_ = 0;
  uint32_t cp_ = 0;
  uint32_t ascii_end_;  // the first byte from byte_ on with bit 7 set (NextHigh)
};

}  // namespace doppel

#endif  // DOPPEL_TEXT_H_
