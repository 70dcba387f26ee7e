// Segmentation of a document into units: the pieces that cleaning keeps or
// drops whole.
//
// A unit is a sentence-like stretch of one line. Lines are cut at
//   - sentence ends: '.', '!' or '?' (not the last dot of an ellipsis),
//     optional closing quotes/brackets, whitespace, then a capital letter or
//     digit, optionally after an opening quote or bracket;
//   - after a video duration ("02:59", "1:02:59") followed by whitespace and
//     a capital letter (the title of an embedded video starts there);
//   - around a standalone ALL-CAPS word of kAllCapsMarker or more letters
//     (ADVERTISEMENT, SPONSORED), which becomes a unit of its own;
//   - around a run of bare web addresses standing between sentences
//     ("allies. https://p.example/x Russian ..."), a unit of its own too.
// Cutting inside lines is what makes cleaning work on pages whose line
// breaks were lost: their chrome and their sentences still come apart.
//
// Cost: one pass over the text, no allocation besides the result; the
// scanners are hand-written (no regular expressions). Thread-safe.
#ifndef DOPPEL_CLEAN_SEGMENT_H_
#define DOPPEL_CLEAN_SEGMENT_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "doppel/text.h"

namespace doppel {

// A standalone word of at least this many capital letters is a marker such
// as ADVERTISEMENT or SPONSORED (shorter ones are acronyms: NATO, UNESCO).
inline constexpr int kAllCapsMarker = 9;

struct Unit {
  uint32_t begin, end;          // bytes of the original text, without surrounding whitespace
  uint32_t tok_begin, tok_end;  // its word tokens: indices into the document's Tokenize() list
  bool para;                    // the first unit of its line
};

// The units of `text`, in order; `tokens` must be Tokenize(text). Blank
// lines give no unit. Every token belongs to exactly one unit.
std::vector<Unit> SegmentUnits(std::string_view text, std::span<const Token> tokens);

// A document keeps its line structure when it has at least kLinedMinBreaks
// line breaks (after trimming): then its line starts are paragraph starts.
inline constexpr int kLinedMinBreaks = 3;
bool IsLined(std::string_view text);

}  // namespace doppel

#endif  // DOPPEL_CLEAN_SEGMENT_H_
