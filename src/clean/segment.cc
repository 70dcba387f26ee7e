// Units: lines cut at sentence ends, video durations and ALL-CAPS markers.
#include "clean/segment.h"

#include <algorithm>

#include "clean/junk.h"
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

// A title starts at i: a capitalized word ("Watch", not "AM", "PM" or
// "EDT", which make the time before them a time of day), after an optional
// opening quote.
bool TitleStartsAt(std::string_view s, size_t i) {
  size_t n;
  int32_t cp = At(s, i, &n);
  if (cp == '"' || cp == '\'' || cp == 0x201C || cp == 0x2018) {
    i += n;
    cp = At(s, i, &n);
  }
  if (!IsUpper(cp)) return false;
  return IsLower(At(s, i + n, &n));
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

// A whitespace-separated piece of a line, as the marker test sees it.
struct Piece {
  size_t begin, end;
  size_t caps;  // its length in capital letters when it is only capital letters, else 0
  bool shouting;  // it has two or more letters, all capitals ("NATO", "U.S.")
};

void LinePieces(std::string_view line, std::vector<Piece>* pieces) {
  pieces->clear();
  size_t i = 0, n;
  while (i < line.size()) {
    if (IsSpace(DecodeAt(line, i, &n))) {
      i += n;
      continue;
    }
    Piece p{i, i, 0, false};
    size_t upper = 0, letters = 0, other = 0;
    while (i < line.size()) {
      int32_t cp = DecodeAt(line, i, &n);
      if (IsSpace(cp)) break;
      if (IsUpper(cp)) {
        ++upper;
        ++letters;
      } else if (IsAlnum(cp)) {
        ++letters;
        ++other;
      } else {
        ++other;
      }
      i += n;
    }
    p.end = i;
    p.caps = other == 0 ? upper : 0;
    p.shouting = letters >= 2 && upper == letters;
    pieces->push_back(p);
  }
}

// Cut positions inside one line, sorted and unique.
void LineCuts(std::string_view line, std::vector<size_t>* cuts, std::vector<Piece>* pieces) {
  cuts->clear();
  size_t i = 0;
  while (i < line.size()) {
    size_t n;
    DecodeAt(line, i, &n);
    if (size_t k = SentenceCut(line, i); k != std::string_view::npos) cuts->push_back(k);
    if (size_t k = DurationCut(line, i); k != std::string_view::npos) cuts->push_back(k);
    i += n;
  }
  // A marker stands alone between words that are not capitals themselves:
  // "alliance ADVERTISEMENT Chinese", but not "CLEVELAND, Ohio" or
  // "(HOUSE INCUMBENT)".
  LinePieces(line, pieces);
  for (size_t p = 0; p < pieces->size(); ++p) {
    const Piece& x = (*pieces)[p];
    if (x.caps < static_cast<size_t>(kAllCapsMarker)) continue;
    if (p > 0 && (*pieces)[p - 1].shouting) continue;
    if (p + 1 < pieces->size() && (*pieces)[p + 1].shouting) continue;
    cuts->push_back(x.begin);
    cuts->push_back(x.end);
  }
  // A run of web addresses standing between sentences (after a sentence
  // end or the line start, before a sentence start or the line end) is a
  // unit of its own: "his allies. https://p.example/x Russian President".
  auto text = [&](size_t q) { return line.substr((*pieces)[q].begin, (*pieces)[q].end - (*pieces)[q].begin); };
  for (size_t p = 0; p < pieces->size();) {
    if (!IsUrlPiece(text(p))) {
      ++p;
      continue;
    }
    size_t q = p;
    while (q < pieces->size() && IsUrlPiece(text(q))) ++q;
    const bool after_end = p == 0 || EndsSentence(text(p - 1));
    const bool before_start = q == pieces->size() || SentenceStartsAt(line, (*pieces)[q].begin);
    if (after_end && before_start) {
      cuts->push_back((*pieces)[p].begin);
      cuts->push_back((*pieces)[q - 1].end);
    }
    p = q;
  }
  std::sort(cuts->begin(), cuts->end());
  cuts->erase(std::unique(cuts->begin(), cuts->end()), cuts->end());
  // A footer that runs to the end of the line stays whole, whatever
  // sentence ends its page title holds ("The post U.S. Army ...").
  for (size_t c = 0; c <= cuts->size(); ++c) {
    size_t start = c == 0 ? 0 : (*cuts)[c - 1];
    std::string_view rest = line.substr(start);
    if (!rest.starts_with("The post ") && !rest.starts_with("Read more at")) continue;
    // A footer is short (PostFooterTitle and IsReadMoreFooter allow at most
    // about 630 code points): a longer rest is not one, and not folding it
    // keeps a long line of "The post ..." sentences linear.
    constexpr size_t kMaxFooterBytes = 4 * 640;
    if (StripSpace(rest).size() > kMaxFooterBytes) continue;
    std::string folded = FoldQuotes(StripSpace(rest));
    std::string_view title;
    if (PostFooterTitle(folded, &title) || IsReadMoreFooter(folded)) {
      cuts->resize(c);
      return;
    }
  }
}

}  // namespace

std::vector<Unit> SegmentUnits(std::string_view text, std::span<const Token> tokens) {
  std::vector<Unit> units;
  std::vector<size_t> cuts;
  std::vector<Piece> pieces;
  size_t tok = 0;
  size_t line_start = 0;
  while (line_start <= text.size()) {
    size_t nl = text.find('\n', line_start);
    size_t line_end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view raw = text.substr(line_start, line_end - line_start);
    std::string_view line = StripSpace(raw);
    const size_t base = line_start + static_cast<size_t>(line.data() - raw.data());
    LineCuts(line, &cuts, &pieces);
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
