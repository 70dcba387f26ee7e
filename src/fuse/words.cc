// The words of a cleaned copy, with layout flags.
#include "fuse/words.h"

#include "clean/junk.h"
#include "doppel/text.h"
#include "text/chars.h"

namespace doppel {
namespace {

// Punctuation left where a word was lost: ". , ; : ! ?" starting the piece,
// two quotes in a row, or "()".
bool ShowsHole(std::string_view piece) {
  char c = piece[0];
  if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?') return true;
  if (piece.find("()") != std::string_view::npos) return true;
  size_t i = 0, n;
  bool quote = false;
  while (i < piece.size()) {
    bool q = IsQuote(DecodeAt(piece, i, &n));
    if (q && quote) return true;
    quote = q;
    i += n;
  }
  return false;
}

}  // namespace

std::vector<Word> CopyWords(std::string_view text, bool lined) {
  std::vector<Word> words;
  std::vector<Token> tokens;
  bool line_start = true;  // no word yet on this line
  bool line_hole = false;  // this line opened with hole punctuation
  size_t i = 0, n;
  while (i < text.size()) {
    int32_t cp = DecodeAt(text, i, &n);
    if (IsSpace(cp)) {
      if (cp == '\n') {
        line_start = true;
        line_hole = false;
      }
      i += n;
      continue;
    }
    size_t start = i;
    while (i < text.size() && !IsSpace(DecodeAt(text, i, &n))) i += n;
    std::string_view piece = text.substr(start, i - start);
    tokens.clear();
    Tokenize(piece, &tokens);
    if (tokens.empty()) {  // punctuation only
      const bool hole = ShowsHole(piece);
      if (line_start) {
        line_hole = line_hole || hole;
      } else {
        words.back().end = static_cast<uint32_t>(i);
      }
      if (hole && !words.empty()) words.back().hole_after = true;
      continue;
    }
    uint64_t norm = tokens[0].hash;
    for (size_t t = 1; t < tokens.size(); ++t) norm = Mix64(norm + tokens[t].hash);
    bool hole_before = false;
    if (line_start && !words.empty()) {
      // A line that starts in lower case, or a line before it that stops
      // mid-sentence, shows that something between them was lost.
      std::string_view prev = text.substr(words.back().begin, words.back().end - words.back().begin);
      size_t len;
      const bool lower_start = IsLower(DecodeAt(piece, 0, &len));
      if (lower_start || (!EndsSentence(prev) && IsLower(DecodeBefore(prev, prev.size(), &len)))) {
        words.back().hole_after = true;
      }
      hole_before = line_hole || lower_start;
    }
    words.push_back({norm, static_cast<uint32_t>(start), static_cast<uint32_t>(i),
                     lined && line_start && !words.empty(), false, hole_before});
    line_start = false;
  }
  return words;
}

}  // namespace doppel
