#include "find/menus.h"

#include <algorithm>
#include <cstddef>

#include "text/chars.h"

namespace doppel {

bool BreaksLineFrom(std::string_view gap, size_t i) {
  for (size_t len = 0; i < gap.size(); i += len) {
    const int32_t c = DecodeAt(gap, i, &len);
    if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029) return true;  // LF CR NEL LS PS
  }
  return false;
}

namespace {

// A run of short lines [first, last) of `starts` (line i is tokens
// starts[i] .. starts[i + 1]) is a menu unless its lines fill a column
// (widths from a line's first word to its last, in code points).
bool IsMenu(std::span<const Token> tokens, std::span<const uint32_t> starts, size_t first, size_t last) {
  // A column holds two words a line or more on average; items of one word
  // (Home, News, Sport) are as wide as each other and would each "not fit"
  // after the one before.
  const size_t lines = last - first;
  if (starts[last] - starts[first] < 2 * lines) return true;
  auto width = [&](size_t i) { return tokens[starts[i + 1] - 1].end - tokens[starts[i]].begin; };
  uint32_t widest = 0;
  for (size_t i = first; i < last; ++i) widest = std::max(widest, width(i));
  size_t full = 0, wrapped = 0;
  for (size_t i = first; i < last; ++i) {
    full += 4 * width(i) >= 3 * widest;
    if (i + 1 < last) {
      const Token& next = tokens[starts[i + 1]];
      wrapped += width(i) + 1 + (next.end - next.begin) > widest;
    }
  }
  return 4 * full < 3 * lines && 5 * wrapped < 3 * (lines - 1);
}

}  // namespace

void FindMenus(std::span<const Token> tokens, std::span<const uint32_t> line_starts, std::vector<TokenRange>* out) {
  if (tokens.empty()) return;
  // starts[i]: the first token of line i; a last entry closes the last line.
  thread_local std::vector<uint32_t> starts;
  starts.clear();
  starts.push_back(0);
  starts.insert(starts.end(), line_starts.begin(), line_starts.end());
  starts.push_back(static_cast<uint32_t>(tokens.size()));
  const size_t lines = starts.size() - 1;
  for (size_t i = 0; i < lines;) {
    size_t j = i;
    while (j < lines && starts[j + 1] - starts[j] <= kMenuLineWords) ++j;
    if (j - i >= kMenuLines && IsMenu(tokens, starts, i, j)) out->push_back({starts[i], starts[j]});
    i = j == i ? i + 1 : j;
  }
}

}  // namespace doppel
