// Character classes for the hand-written text scanners of clean/ and fuse/.
//
// The scanners walk UTF-8 text one code point at a time and ask what kind of
// character they see. "Capital letter" is Unicode's (categories Lu, Lt), not
// just A-Z, so sentence starts and ALL-CAPS markers work in every cased
// script. Word characters are letters, marks and numbers, as in the
// tokenizer (doppel/text.h), plus '_' (so an identifier like "music_note" is
// one word to the scanners). Unlike the tokenizer, the scanners treat
// default-ignorable characters (a soft hyphen inside a word) as
// separators. ASCII takes a table-free fast path.
//
// Header-only, stateless, thread-safe.
#ifndef DOPPEL_TEXT_CHARS_H_
#define DOPPEL_TEXT_CHARS_H_

#include <utf8proc.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace doppel {

// The code point at s[i] (i < s.size()); *len gets its length in bytes. A
// byte that does not start valid UTF-8 reads as U+FFFD of length 1.
inline int32_t DecodeAt(std::string_view s, size_t i, size_t* len) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  utf8proc_int32_t cp;
  utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                        static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) {
    *len = 1;
    return 0xFFFD;
  }
  *len = static_cast<size_t>(n);
  return cp;
}

// The code point that ends at s[i - 1] (i > 0); *len gets its length.
inline int32_t DecodeBefore(std::string_view s, size_t i, size_t* len) {
  size_t start = i - 1;
  while (start > 0 && i - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  size_t n;
  int32_t cp = DecodeAt(s, start, &n);
  if (start + n != i) {  // not valid UTF-8 there: one byte
    *len = 1;
    return 0xFFFD;
  }
  *len = n;
  return cp;
}

// Whitespace as Python's str.isspace() sees it: ASCII controls 9-13 and
// 28-31, space, U+0085, and the categories Zs, Zl, Zp (no-break space too).
inline bool IsSpace(int32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 9 && cp <= 13) || (cp >= 28 && cp <= 31);
  if (cp == 0x85) return true;
  auto cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

// Capital letters: categories Lu and Lt.
inline bool IsUpper(int32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  auto cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

// Lower-case letters: category Ll.
inline bool IsLower(int32_t cp) {
  if (cp < 0x80) return cp >= 'a' && cp <= 'z';
  return utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

// Decimal digits: category Nd.
inline bool IsDigit(int32_t cp) {
  if (cp < 0x80) return cp >= '0' && cp <= '9';
  return utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

// Letters and numbers (categories L*, N*).
inline bool IsAlnum(int32_t cp) {
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
  auto cat = utf8proc_category(cp);
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

// Word characters: letters, marks, numbers and '_'.
inline bool IsWordChar(int32_t cp) {
  if (cp < 0x80) return cp == '_' || IsAlnum(cp);
  auto cat = utf8proc_category(cp);
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO);  // L*, M*, N* are contiguous
}

// Closing quotes and brackets that may follow a sentence's final '.', '!' or '?'.
inline bool IsCloser(int32_t cp) {
  return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == 0x201D || cp == 0x2019;
}

// Opening quotes and brackets that may come before a sentence's first letter.
inline bool IsOpener(int32_t cp) {
  return cp == '"' || cp == '\'' || cp == '(' || cp == '[' || cp == 0x201C || cp == 0x2018;
}

// Quotation marks of either direction, straight or curly.
inline bool IsQuote(int32_t cp) {
  return cp == '"' || cp == '\'' || cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019;
}

// Removes leading and trailing whitespace (IsSpace).
inline std::string_view StripSpace(std::string_view s) {
  size_t b = 0, e = s.size(), n;
  while (b < e && IsSpace(DecodeAt(s, b, &n))) b += n;
  while (e > b && IsSpace(DecodeBefore(s, e, &n))) e -= n;
  return s.substr(b, e - b);
}

}  // namespace doppel

#endif  // DOPPEL_TEXT_CHARS_H_
