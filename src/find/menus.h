// Menus: runs of short lines, a page layout that no article text has.
//
// A page scrape keeps its navigation, category lists, sidebars and share
// bars as one item per line: "Home", "Politics", "Real Estate", "Sign In".
// Such text is chrome whatever repeats, but repetition is how find tells
// chrome (boilerplate.h), and a site seen on one page (or a reprint site
// that borrows the chrome of each blog it copies) shows none: two such
// pages of different stories that carry one site's template were taken for
// copies through its menus (the syndicate-dev subset that keeps one page of
// every small site: 8 false pairs, all through menus and sidebars).
//
// A menu is at least kMenuLines consecutive lines (empty lines and lines
// without words in between do not break it) of at most kMenuLineWords words
// each, unless the lines fill a column. Prose hard-wrapped at a narrow
// width (a printed column) has short lines too, but they are wrapped: the
// next line's first word did not fit, so a line, a space and that word are
// wider than the widest line, on every line but the last of a paragraph
// (the run is a column when that holds for three in five of its lines),
// and where words are split at the wrap the lines are nearly as wide as
// the column (a column too when three quarters of them are three quarters
// as wide as the widest); and a column holds two words a line or more on
// average (a narrower one is no layout for prose), so a list of one-word
// items, whose next item would never have fitted after the one before, is
// a menu. A list's longer items vary in width, and the next item often
// would have fitted. Runs shorter than an n-gram (5 words) are not marked.
// Verse and tables of short lines are taken for menus too. A page whose
// line breaks were lost has no menus: its copy of a menu stays article
// text, but beyond a passage's largest gap (FindOptions::max_gap) it does
// not align with a page that has the menu in lines, as alignment anchors
// only where both pages have article text.
//
// Internal to doppel. Thread-safe.
#ifndef DOPPEL_FIND_MENUS_H_
#define DOPPEL_FIND_MENUS_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "doppel/text.h"

namespace doppel {

// On syndicate-dev's pages, lines of its copies' clean article text hold
// 0.25% of the article words in such runs and the other lines 12% of the
// chrome words (0.39% and 13% with runs of 4 lines, 0.37% and 15% with 4
// words a line; bench/README.md, "Menus").
inline constexpr uint32_t kMenuLineWords = 3;
inline constexpr uint32_t kMenuLines = 6;

// Tokens [begin, end) of one document.
struct TokenRange {
  uint32_t begin, end;
};

// BreaksLine from byte i of `gap` on, where its first multi-byte character
// starts (the bytes before i are ASCII and break no line).
bool BreaksLineFrom(std::string_view gap, size_t i);

// Whether the text between two consecutive tokens (`gap`) breaks a line:
// LF, CR, NEL, LS or PS. Inline: find asks it of every gap, mostly one
// space.
inline bool BreaksLine(std::string_view gap) {
  for (size_t i = 0; i < gap.size(); ++i) {
    const auto c = static_cast<unsigned char>(gap[i]);
    if (c == '\n' || c == '\r') return true;
    if (c >= 0x80) return BreaksLineFrom(gap, i);
  }
  return false;
}

// The menus of a document: `tokens` with code-point offsets, and
// `line_starts` the indices of the tokens that begin a line after the
// first (ascending). Appends their token ranges to `out`, in order.
void FindMenus(std::span<const Token> tokens, std::span<const uint32_t> line_starts, std::vector<TokenRange>* out);

}  // namespace doppel

#endif  // DOPPEL_FIND_MENUS_H_
