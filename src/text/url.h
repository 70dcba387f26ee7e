// Web addresses in text: where one starts and where it ends. Shared by
// find's tokenization (the address of an inline link is one token) and
// cleaning (a Markdown link keeps its words, not its address; a bare
// address between sentences is junk, clean/junk.h).
// Internal to doppel.
#ifndef DOPPEL_TEXT_URL_H_
#define DOPPEL_TEXT_URL_H_

#include <cstddef>
#include <string_view>

namespace doppel {

inline char AsciiLowerByte(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// The length of the head of a web address at byte p of `text`: a scheme
// ("http", "https", "ftp", in any case) and "://", or "www." before a
// letter or digit; 0 where no address starts.
inline size_t UrlHeadLength(std::string_view text, size_t p) {
  auto at = [&](std::string_view word) {
    if (p + word.size() > text.size()) return false;
    for (size_t k = 0; k < word.size(); ++k) {
      if (AsciiLowerByte(text[p + k]) != word[k]) return false;
    }
    return true;
  };
  for (std::string_view head : {"http://", "https://", "ftp://"}) {
    if (at(head)) return head.size();
  }
  if (!at("www.") || p + 4 >= text.size()) return 0;
  const char c = AsciiLowerByte(text[p + 4]);
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? 4 : 0;
}

inline bool StartsUrl(std::string_view text, size_t p) { return UrlHeadLength(text, p) > 0; }

// Where the web address that starts at byte b of `text` ends: at ASCII
// white space or control, at < > " ', at a ) or ] that closes nothing
// opened in the address (Markdown "[text](address)"; "wiki/Foo_(bar)"
// keeps its parenthesis), or at the first character that is not ASCII
// (the other spaces and line breaks, and in Chinese or Japanese, written
// without spaces, the fullwidth comma or bracket and the ideographs after
// an address), then less the sentence punctuation it ends with. An
// address with letters beyond ASCII ends at the first of them: find takes
// a word that began before it whole ("/wiki/Zürich"), and one that begins
// there stays a word ("/été", "/Москва"), as an ideograph must.
inline size_t UrlEnd(std::string_view text, size_t b) {
  int parens = 0, brackets = 0;
  size_t i = b;
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c <= ' ' || c >= 0x7F || c == '<' || c == '>' || c == '"' || c == '\'') break;
    if (c == '(') ++parens;
    if (c == '[') ++brackets;
    if (c == ')' && parens-- == 0) break;
    if (c == ']' && brackets-- == 0) break;
  }
  while (i > b && std::string_view(".,;:!?").find(text[i - 1]) != std::string_view::npos) --i;
  return i;
}

}  // namespace doppel

#endif  // DOPPEL_TEXT_URL_H_
