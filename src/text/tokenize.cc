// Word tokens by Unicode category, NFKC + case folding, XXH3 hashes.
#include <utf8proc.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <array>
#include <cstdlib>

#include "doppel/text.h"

namespace doppel {
namespace {

enum class CharClass : uint8_t { kSeparator, kWord, kMark, kSolo };

constexpr std::array<bool, 128> MakeAsciiWordTable() {
  std::array<bool, 128> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  return t;
}
constexpr std::array<bool, 128> kAsciiWord = MakeAsciiWordTable();

// Scripts written without spaces between words.
bool IsSoloScript(int32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0EFF) ||    // Thai, Lao
         (cp >= 0x1000 && cp <= 0x109F) ||    // Myanmar
         (cp >= 0x1780 && cp <= 0x17FF) ||    // Khmer
         (cp >= 0x3040 && cp <= 0x30FF) ||    // Hiragana, Katakana
         (cp >= 0x31F0 && cp <= 0x31FF) ||    // Katakana extensions
         (cp >= 0x3400 && cp <= 0x4DBF) ||    // CJK extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||    // CJK unified ideographs
         (cp >= 0xF900 && cp <= 0xFAFF) ||    // CJK compatibility ideographs
         (cp >= 0xFF66 && cp <= 0xFF9F) ||    // halfwidth Katakana
         (cp >= 0x20000 && cp <= 0x3FFFF);    // CJK extensions B and later
}

CharClass Classify(int32_t cp) {
  // The halfwidth katakana (semi-)voiced sound marks are modifier letters
  // (Lm), but NFKC turns them into combining marks (U+3099, U+309A): they
  // belong to the character before them, so that "ｶﾞ" is one token like "ガ".
  if (cp == 0xFF9E || cp == 0xFF9F) return CharClass::kMark;
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return CharClass::kMark;
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return IsSoloScript(cp) ? CharClass::kSolo : CharClass::kWord;
    default:
      return CharClass::kSeparator;
  }
}

constexpr int kMapOptions = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD;

uint64_t HashToken(const char* p, size_t n, bool ascii) {
  if (ascii) {
    char buf[128];
    if (n <= sizeof buf) {
      for (size_t i = 0; i < n; ++i) buf[i] = static_cast<char>(p[i] | ((p[i] >= 'A' && p[i] <= 'Z') ? 0x20 : 0));
      return XXH3_64bits(buf, n);
    }
    std::string s(p, n);
    for (char& c : s) c = static_cast<char>(c | ((c >= 'A' && c <= 'Z') ? 0x20 : 0));
    return XXH3_64bits(s.data(), s.size());
  }
  // Decompose into a stack buffer, compose and re-encode in place: what
  // utf8proc_map does, without its two allocations.
  utf8proc_int32_t cps[256];
  const auto opts = static_cast<utf8proc_option_t>(kMapOptions);
  utf8proc_ssize_t m = utf8proc_decompose(reinterpret_cast<const utf8proc_uint8_t*>(p),
                                          static_cast<utf8proc_ssize_t>(n), cps, 256, opts);
  if (m >= 0 && m <= 256) {
    m = utf8proc_reencode(cps, m, opts);
    if (m >= 0) return XXH3_64bits(cps, static_cast<size_t>(m));
  }
  std::string normalized = NormalizeToken(std::string_view(p, n));
  return XXH3_64bits(normalized.data(), normalized.size());
}

// Calls emit(hash, begin, end) for every token of `text`.
template <typename Emit>
inline void Scan(std::string_view text, Emit&& emit) {
  const char* s = text.data();
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    auto c = static_cast<unsigned char>(s[i]);
    // ASCII fast path: a run of ASCII word characters, lower-cased on the way.
    if (c < 0x80) {
      if (!kAsciiWord[c]) {
        ++i;
        continue;
      }
      const size_t start = i;
      char buf[64];
      size_t len = 0;
      while (i < n && static_cast<unsigned char>(s[i]) < 0x80 && kAsciiWord[static_cast<unsigned char>(s[i])]) {
        if (len < sizeof buf) buf[len] = static_cast<char>(s[i] | (s[i] >= 'A' && s[i] <= 'Z' ? 0x20 : 0));
        ++len;
        ++i;
      }
      bool ends = i == n || static_cast<unsigned char>(s[i]) < 0x80;
      if (!ends) {
        // A non-ASCII character follows: the word ends there unless it is a
        // letter, mark or number of a script written with spaces.
        utf8proc_int32_t cp;
        utf8proc_ssize_t cl = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s + i),
                                               static_cast<utf8proc_ssize_t>(n - i), &cp);
        ends = cl <= 0 || Classify(cp) == CharClass::kSeparator || Classify(cp) == CharClass::kSolo;
      }
      if (ends) {
        emit(len <= sizeof buf ? XXH3_64bits(buf, len) : HashToken(s + start, len, true), start, i);
        continue;
      }
      i = start;  // the word goes on with non-ASCII characters
    }
    // General path: one token made of code points.
    size_t start = i;
    bool solo = false;
    bool any = false;
    bool ascii = true;
    while (i < n) {
      utf8proc_int32_t cp;
      utf8proc_ssize_t len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s + i),
                                              static_cast<utf8proc_ssize_t>(n - i), &cp);
      if (len <= 0) {  // not UTF-8: a separator, one byte
        if (!any) ++i;
        break;
      }
      CharClass cls = static_cast<unsigned char>(s[i]) < 0x80
                          ? (kAsciiWord[static_cast<unsigned char>(s[i])] ? CharClass::kWord : CharClass::kSeparator)
                          : Classify(cp);
      if (cls == CharClass::kSeparator) {
        if (!any) i += static_cast<size_t>(len);  // back to the fast path after it
        break;
      }
      if (cls == CharClass::kSolo) {
        if (any) break;  // a solo character starts its own token
        solo = true;
      } else if (solo && cls == CharClass::kWord) {
        break;  // marks stay with the solo character; anything else ends it
      }
      any = true;
      ascii = ascii && len == 1;
      i += static_cast<size_t>(len);
    }
    if (any) emit(HashToken(s + start, i - start, ascii), start, i);
    // An ASCII separator that ended the token is consumed by the outer loop.
  }
}

}  // namespace

void Tokenize(std::string_view text, std::vector<Token>* out) {
  Scan(text, [out](uint64_t h, size_t b, size_t e) {
    out->push_back({h, static_cast<uint32_t>(b), static_cast<uint32_t>(e)});
  });
}

void TokenHashes(std::string_view text, std::vector<uint64_t>* out) {
  Scan(text, [out](uint64_t h, size_t, size_t) { out->push_back(h); });
}

std::string NormalizeToken(std::string_view token) {
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t len = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(token.data()),
                                      static_cast<utf8proc_ssize_t>(token.size()), &mapped,
                                      static_cast<utf8proc_option_t>(kMapOptions));
  std::string result = len >= 0 ? std::string(reinterpret_cast<char*>(mapped), static_cast<size_t>(len))
                                : std::string(token);
  std::free(mapped);
  return result;
}

uint64_t HashNormalized(std::string_view normalized) { return XXH3_64bits(normalized.data(), normalized.size()); }

uint32_t CodePointCursor::ToCodePoint(uint32_t byte_offset) {
  while (byte_ < byte_offset && byte_ < text_.size()) {
    if ((static_cast<unsigned char>(text_[byte_]) & 0xC0) != 0x80) ++cp_;
    ++byte_;
  }
  return cp_;
}

}  // namespace doppel
