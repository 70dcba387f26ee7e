// Units: lines cut at sentence ends, video durations and ALL-CAPS markers.
#include "clean/segment.h"

#include <algorithm>

#include "text/chars.h"

namespace doppel {
namespace {

bool IsAsciiDigit(int32_t cp) { return cp >= '0' && cp <= '9'; }

// The code point at i, or 0 past the end.
int32_t At(std::string_view s, size_t i, size_t* len) {
  if (i >= s.size()) {
    *len = 0;
    return 0;
  }
  return DecodeAt(s, i, len);
}

// If whitespace starts at i: the position after the whole run, else npos.
size_t SkipSpaces(std::string_view s, size_t i) {
  size_t n, j = i;
  while (j < s.size() && IsSpace(DecodeAt(s, j, &n))) j += n;
  return j > i ? j : std::string_view::npos;
}

// A sentence may start at i: a capital letter or a digit, after an optional
// opening quote or bracket.
bool SentenceStartsAt(std::string_view s, size_t i) {
  size_t n;
  int32_t cp = At(s, i, &n);
  if (IsOpener(cp)) cp = At(s, i + n, &n);
  return IsUpper(cp) || IsDigit(cp);
}

// A title starts at i: a capital letter after an optional opening quote.
bool TitleStartsAt(std::string_view s, size_t i) {
  size_t n;
  int32_t cp = At(s, i, &n);
  if (cp == '"' || cp == '\'' || cp == 0x201C || cp == 0x2018) cp = At(s, i + n, &n);
  return IsUpper(cp);
}

// The sentence end whose '.', '!' or '?' is at i: where the next sentence
// starts, or npos.
size_t SentenceCut(std::string_view s, size_t i) {
  char c = s[i];
  if (c != '.' && c != '!' && c != '?') return std::string_view::npos;
  if (i > 0 && s[i - 1] == '.') return std::string_view::npos;  // the end of "..." is not a sentence end
  size_t j = i + 1, n;
  while (j < s.size() && IsCloser(DecodeAt(s, j, &n))) j += n;
  size_t k = SkipSpaces(s, j);
  if (k == std::string_view::npos || !SentenceStartsAt(s, k)) return std::string_view::npos;
  return k;
}

// A video duration ("2:59", "02:59", "1:02:59") starting at i, followed by
// whitespace and a title: the title's start, or npos.
size_t DurationCut(std::string_view s, size_t i) {
  if (!IsAsciiDigit(static_cast<unsigned char>(s[i]))) return std::string_view::npos;
  if (i > 0) {
    size_t n;
    if (IsWordChar(DecodeBefore(s, i, &n))) return std::string_view::npos;
  }
  auto digit = [&](size_t k) { return k < s.size() && IsAsciiDigit(static_cast<unsigned char>(s[k])); };
  size_t j = i + 1;
  if (digit(j)) ++j;
  if (j >= s.size() || s[j] != ':' || !digit(j + 1) || !digit(j + 2)) return std::string_view::npos;
  j += 3;
  if (j < s.size() && s[j] == ':' && digit(j + 1) && digit(j + 2)) j += 3;
  size_t k = SkipSpaces(s, j);
  if (k == std::string_view::npos || !TitleStartsAt(s, k)) return std::string_view::npos;
  return k;
}

// Cut positions inside one line, sorted and unique.
void LineCuts(std::string_view line, std::vector<size_t>* cuts) {
  cuts->clear();
  size_t i = 0;
  size_t caps_start = 0, caps_len = 0;  // the current run of capital letters
  bool caps_open = false;               // the run started after a non-word character
  int32_t prev = 0;
  while (i < line.size()) {
    size_t n;
    int32_t cp = DecodeAt(line, i, &n);
    if (size_t k = SentenceCut(line, i); k != std::string_view::npos) cuts->push_back(k);
    if (size_t k = DurationCut(line, i); k != std::string_view::npos) cuts->push_back(k);
    if (IsUpper(cp)) {
      if (caps_len == 0) {
        caps_start = i;
        caps_open = i == 0 || !IsWordChar(prev);
      }
      ++caps_len;
    } else {
      if (caps_len >= kAllCapsMarker && caps_open && !IsWordChar(cp)) {
        cuts->push_back(caps_start);
        cuts->push_back(i);
      }
      caps_len = 0;
    }
    prev = cp;
    i += n;
  }
  if (caps_len >= kAllCapsMarker && caps_open) cuts->push_back(caps_start);
  std::sort(cuts->begin(), cuts->end());
  cuts->erase(std::unique(cuts->begin(), cuts->end()), cuts->end());
}

}  // namespace

std::vector<Unit> SegmentUnits(std::string_view text, std::span<const Token> tokens) {
  std::vector<Unit> units;
  std::vector<size_t> cuts;
  size_t tok = 0;
  size_t line_start = 0;
  while (line_start <= text.size()) {
    size_t nl = text.find('\n', line_start);
    size_t line_end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view raw = text.substr(line_start, line_end - line_start);
    std::string_view line = StripSpace(raw);
    const size_t base = line_start + static_cast<size_t>(line.data() - raw.data());
    LineCuts(line, &cuts);
    cuts.push_back(line.size());
    bool first = true;
    size_t prev = 0;
    for (size_t c : cuts) {
      std::string_view piece = StripSpace(line.substr(prev, c - prev));
      prev = c;
      if (piece.empty()) continue;
      Unit u;
      u.begin = static_cast<uint32_t>(base + static_cast<size_t>(piece.data() - line.data()));
      u.end = static_cast<uint32_t>(u.begin + piece.size());
      while (tok < tokens.size() && tokens[tok].end <= u.begin) ++tok;
      u.tok_begin = static_cast<uint32_t>(tok);
      while (tok < tokens.size() && tokens[tok].begin < u.end) ++tok;
      u.tok_end = static_cast<uint32_t>(tok);
      u.para = first;
      first = false;
      units.push_back(u);
    }
    if (nl == std::string_view::npos) break;
    line_start = nl + 1;
  }
  return units;
}

bool IsLined(std::string_view text) {
  std::string_view t = StripSpace(text);
  return std::count(t.begin(), t.end(), '\n') >= kLinedMinBreaks;
}

}  // namespace doppel
