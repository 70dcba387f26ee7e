// Word tokens by Unicode category, NFKC + case folding, 64-bit hashes.
#include <utf8proc.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "doppel/text.h"

namespace doppel {
namespace {

// kIgnorable: a default-ignorable character (Unicode's property: soft
// hyphen, zero-width space and joiners, word joiner, byte order mark,
// direction marks, variation selectors, fillers) that CMSs and converters
// put inside words as hyphenation or line-break hints. It never starts a
// token (one before a token is skipped like a separator); inside a token it
// is kept, so the token's offsets cover it, and normalization drops it from
// the hash, so that "inter<SHY>national" is one token equal to
// "international". Between two words with no space, it joins them.
enum class CharClass : uint8_t { kSeparator, kWord, kMark, kSolo, kIgnorable };

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
  const utf8proc_property_t* property = utf8proc_get_property(cp);
  if (property->ignorable) return CharClass::kIgnorable;
  switch (property->category) {
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

constexpr int kMapOptions = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
// Decomposed, for look-alike folding, which drops the marks on Latin letters.
constexpr int kDecomposeOptions =
    UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;

// Look-alike classes (FoldLookalikes): each byte to the first of its class.
constexpr std::array<char, 256> MakeLookalikeTable() {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) t[static_cast<size_t>(c)] = static_cast<char>(c);
  t['i'] = t['1'] = 'l';
  t['0'] = t['a'] = 'o';
  t['e'] = 'c';
  t['h'] = t['8'] = 'b';
  t['u'] = 'n';
  t['t'] = 'f';
  t['5'] = 's';
  return t;
}
constexpr std::array<char, 256> kLookalike = MakeLookalikeTable();

// Whether two folded bytes are "rn", "cl" or "vv" (FoldPairs).
inline bool IsFoldedPair(char c, char d) {
  return (c == 'r' && d == 'n') | (c == 'c' && d == 'l') | (c == 'v' && d == 'v');
}

// Folds `n` bytes at `in`, whose classes are folded already, into `out`
// (room for n bytes): "rn", "cl" and "vv" left to right. Returns the length.
inline size_t FoldPairs(const char* in, size_t n, char* out) {
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i + 1 < n && IsFoldedPair(in[i], in[i + 1])) {
      out[m++] = in[i] == 'r' ? 'm' : in[i] == 'c' ? 'd' : 'w';
      ++i;
    } else {
      out[m++] = in[i];
    }
  }
  return m;
}

// Folds `n` case-folded bytes at `in` into `out` (room for n bytes; may be
// `in`): classes first, then "rn", "cl" and "vv" left to right. Returns
// the length. Bytes of multi-byte characters are kept as they are.
inline size_t FoldBytes(const char* in, size_t n, char* out) {
  for (size_t i = 0; i < n; ++i) out[i] = kLookalike[static_cast<unsigned char>(in[i])];
  return FoldPairs(out, n, out);  // in place: it writes at or behind where it reads
}

__extension__ typedef unsigned __int128 Uint128;

// Byte masks that keep the first n bytes of two 8-byte words.
struct ShortMasks {
  uint64_t lo[17], hi[17];
  constexpr ShortMasks() : lo(), hi() {
    for (int n = 0; n <= 16; ++n) {
      lo[n] = n >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * n)) - 1;
      hi[n] = n >= 16 ? ~uint64_t{0} : n <= 8 ? 0 : (uint64_t{1} << (8 * (n - 8))) - 1;
    }
  }
};
constexpr ShortMasks kShortMasks;

// The hash of a normalized token of at most 16 bytes at p, where 16 bytes
// are readable: both halves masked to the token, folded with one 128-bit
// multiply as XXH3 does for short inputs, and finished with Mix64. No branch
// depends on the length, which is what makes it faster than XXH3 on words.
// ShortHashWords takes the 16 bytes as two little-endian words (the
// folded path has them in a register), ShortHash loads them.
inline uint64_t ShortHashWords(uint64_t a, uint64_t b, size_t n) {
  a = (a & kShortMasks.lo[n]) ^ 0x9E3779B97F4A7C15ULL;
  b = (b & kShortMasks.hi[n]) ^ 0xC2B2AE3D27D4EB4FULL;
  const Uint128 m = static_cast<Uint128>(a) * b;
  const uint64_t acc = n + __builtin_bswap64(a) + b + (static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64));
  return Mix64(acc);
}

inline uint64_t ShortHash(const char* p, size_t n) {
  uint64_t a, b;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  return ShortHashWords(a, b, n);
}

}  // namespace

uint64_t HashNormalized(std::string_view normalized) {
  if (normalized.size() > 16) return XXH3_64bits(normalized.data(), normalized.size());
  char buf[16] = {};
  std::memcpy(buf, normalized.data(), normalized.size());
  return ShortHash(buf, normalized.size());
}

namespace {

// Latin letters (the ASCII ones after decomposition) lose their marks in
// look-alike folding; marks of other scripts are kept (Devanagari vowel
// signs are letters' parts, not accents).
bool DropsMark(utf8proc_int32_t base, utf8proc_int32_t mark) {
  if (base < 0 || base >= 0x80 || !kAsciiWord[static_cast<size_t>(base)]) return false;
  const utf8proc_property_t* property = utf8proc_get_property(mark);
  return property->category == UTF8PROC_CATEGORY_MN;
}

// Drops the marks on Latin letters from `m` decomposed code points, in
// place; returns how many are kept.
utf8proc_ssize_t DropLatinMarks(utf8proc_int32_t* cps, utf8proc_ssize_t m) {
  utf8proc_ssize_t kept = 0;
  utf8proc_int32_t base = -1;
  for (utf8proc_ssize_t i = 0; i < m; ++i) {
    if (base >= 0 && DropsMark(base, cps[i])) continue;
    if (utf8proc_get_property(cps[i])->combining_class == 0) base = cps[i];
    cps[kept++] = cps[i];
  }
  return kept;
}

// Folds `n` bytes of UTF-8 at `p` (a token, or its normalized form: the
// decomposition case-folds too) into `buf`, reused: decomposed, marks on
// Latin letters dropped, composed and re-encoded in place, then FoldBytes.
// Returns the folded bytes, which live in `buf`; none for bytes that are
// not UTF-8.
std::optional<std::string_view> FoldUtf8(const char* p, size_t n, std::vector<utf8proc_int32_t>* buf) {
  const auto opts = static_cast<utf8proc_option_t>(kDecomposeOptions);
  // One code point per byte at most, plus reencode's terminating 0; a
  // decomposition may be longer, so it is retried at its size.
  if (buf->size() < n + 1) buf->resize(n + 1);
  auto decompose = [&] {
    return utf8proc_decompose(reinterpret_cast<const utf8proc_uint8_t*>(p), static_cast<utf8proc_ssize_t>(n),
                              buf->data(), static_cast<utf8proc_ssize_t>(buf->size() - 1), opts);
  };
  utf8proc_ssize_t m = decompose();
  if (m > static_cast<utf8proc_ssize_t>(buf->size() - 1)) {
    buf->resize(static_cast<size_t>(m) + 1);
    m = decompose();
  }
  if (m < 0) return std::nullopt;
  m = utf8proc_reencode(buf->data(), DropLatinMarks(buf->data(), m),
                        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (m < 0) return std::nullopt;
  char* bytes = reinterpret_cast<char*>(buf->data());
  return std::string_view(bytes, FoldBytes(bytes, static_cast<size_t>(m), bytes));
}

// The look-alike-folded hash of a token that holds a multi-byte character
// (FoldUtf8 into a buffer of the thread's; bytes that are not UTF-8, which
// Scan never gives, are hashed as they are).
uint64_t HashTokenFolded(const char* p, size_t n) {
  thread_local std::vector<utf8proc_int32_t> buf;
  return HashNormalized(FoldUtf8(p, n, &buf).value_or(std::string_view(p, n)));
}

// The hash of a token that holds a multi-byte character (ASCII words are
// hashed by the block path of Scan).
uint64_t HashToken(const char* p, size_t n) {
  // Decompose into a stack buffer, compose and re-encode in place: what
  // utf8proc_map does, without its two allocations.
  utf8proc_int32_t cps[256];
  const auto opts = static_cast<utf8proc_option_t>(kMapOptions);
  utf8proc_ssize_t m = utf8proc_decompose(reinterpret_cast<const utf8proc_uint8_t*>(p),
                                          static_cast<utf8proc_ssize_t>(n), cps, 256, opts);
  // Below 256: utf8proc_reencode writes a terminating 0 after the bytes,
  // which for 256 four-byte characters would be past the buffer.
  if (m >= 0 && m < 256) {
    m = utf8proc_reencode(cps, m, opts);
    if (m >= 0) return HashNormalized(std::string_view(reinterpret_cast<const char*>(cps), static_cast<size_t>(m)));
  }
  return HashNormalized(NormalizeToken(std::string_view(p, n)));
}

// Per-thread scratch of the fast path: the text lower-cased with every
// non-word ASCII byte zeroed, and two bitmaps over its bytes (ASCII word
// characters; bytes of multi-byte UTF-8 sequences).
struct ScanScratch {
  std::vector<char> lower;
  std::vector<uint64_t> word, high;
};

#ifdef __SSE2__
// The look-alike classes (kLookalike) of 16 lower-cased ASCII bytes.
inline __m128i FoldClasses(__m128i v) {
  auto to = [&v](char from, char into) {
    const __m128i hit = _mm_cmpeq_epi8(v, _mm_set1_epi8(from));
    v = _mm_xor_si128(v, _mm_and_si128(hit, _mm_set1_epi8(static_cast<char>(from ^ into))));
  };
  to('i', 'l');
  to('1', 'l');
  to('0', 'o');
  to('a', 'o');
  to('e', 'c');
  to('h', 'b');
  to('8', 'b');
  to('u', 'n');
  to('t', 'f');
  to('5', 's');
  return v;
}
#endif

// Fills `sc` for `text`. Bits and bytes past the end are zero, and one
// extra zero bitmap word follows, so that scans for a zero bit always stop.
// With kFold, the copy holds the look-alike classes of the lower-cased
// bytes (kLookalike).
template <bool kFold>
void Prepare(std::string_view text, ScanScratch* sc) {
  const size_t n = text.size();
  const size_t blocks = n / 64 + 1;
  sc->lower.resize(blocks * 64 + 64);
  sc->word.resize(blocks + 1);
  sc->high.resize(blocks + 1);
  sc->word[blocks] = sc->high[blocks] = 0;
  const auto* src = reinterpret_cast<const unsigned char*>(text.data());
  auto* dst = reinterpret_cast<unsigned char*>(sc->lower.data());
  for (size_t b = 0; b < blocks; ++b) {
    const unsigned char* p = src + b * 64;
    unsigned char tail[64];
    if (b * 64 + 64 > n) {  // the last, partial block: zero-padded
      std::memset(tail, 0, sizeof tail);
      std::memcpy(tail, p, n - b * 64);
      p = tail;
    }
    uint64_t word = 0, high = 0;
#ifdef __SSE2__
    for (int k = 0; k < 4; ++k) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      // c in [lo, lo + span): shifted so that lo is the smallest signed byte.
      __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(0x80 - '0'))),
                                     _mm_set1_epi8(static_cast<char>(-128 + 10)));
      __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
      __m128i alpha = _mm_cmplt_epi8(_mm_add_epi8(folded, _mm_set1_epi8(static_cast<char>(0x80 - 'a'))),
                                     _mm_set1_epi8(static_cast<char>(-128 + 26)));
      __m128i is_word = _mm_or_si128(digit, alpha);
      // Digits already have bit 0x20 set: OR-ing it lower-cases every word byte.
      __m128i lower = _mm_and_si128(is_word, folded);
      if constexpr (kFold) lower = FoldClasses(lower);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + b * 64 + 16 * k), lower);
      word |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(is_word))) << (16 * k);
      high |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(v))) << (16 * k);
    }
#else
    for (int k = 0; k < 64; ++k) {
      unsigned char c = p[k];
      bool w = c < 0x80 && kAsciiWord[c];
      dst[b * 64 + k] = w ? static_cast<unsigned char>(c | 0x20) : 0;
      if constexpr (kFold) dst[b * 64 + k] = static_cast<unsigned char>(kLookalike[dst[b * 64 + k]]);
      word |= static_cast<uint64_t>(w) << k;
      high |= static_cast<uint64_t>(c >> 7) << k;
    }
#endif
    sc->word[b] = word;
    sc->high[b] = high;
  }
}

// The first position >= i whose bit is set in (a | b), or `limit`.
inline size_t NextSet(const uint64_t* a, const uint64_t* b, size_t i, size_t limit) {
  size_t w = i >> 6;
  uint64_t m = (a[w] | b[w]) & (~uint64_t{0} << (i & 63));
  const size_t words = (limit + 63) >> 6;
  while (m == 0) {
    if (++w >= words) return limit;
    m = a[w] | b[w];
  }
  return std::min(limit, (w << 6) + static_cast<size_t>(__builtin_ctzll(m)));
}

// The first position >= i whose bit is clear (always found: see Prepare).
inline size_t NextClear(const uint64_t* a, size_t i) {
  size_t w = i >> 6;
  uint64_t m = ~a[w] & (~uint64_t{0} << (i & 63));
  while (m == 0) m = ~a[++w];
  return (w << 6) + static_cast<size_t>(__builtin_ctzll(m));
}

// The general path: one token of code points starting at s[i], or one
// separator skipped. Returns where the scan goes on.
template <bool kFold, typename Emit>
inline size_t GeneralToken(const char* s, size_t n, size_t i, Emit& emit) {
  size_t start = i;
  bool solo = false;
  bool any = false;
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
    if (cls == CharClass::kSeparator || (cls == CharClass::kIgnorable && !any)) {
      if (!any) i += static_cast<size_t>(len);
      break;
    }
    if (cls == CharClass::kIgnorable) {  // inside a token: kept in it, dropped by normalization
      i += static_cast<size_t>(len);
      continue;
    }
    if (cls == CharClass::kSolo) {
      if (any) break;  // a solo character starts its own token
      solo = true;
    } else if (solo && cls == CharClass::kWord) {
      break;  // marks stay with the solo character; anything else ends it
    }
    any = true;
    i += static_cast<size_t>(len);
  }
  if (any) emit(kFold ? HashTokenFolded(s + start, i - start) : HashToken(s + start, i - start), start, i);
  return i;
}

// Calls emit(hash, begin, end) for every token of `text`. ASCII words are
// found with bitmaps built a block at a time and hashed from the lower-cased
// copy (look-alikes folded with kFold); a word that touches a
// multi-byte character takes the general path.
template <bool kFold, typename Emit>
inline void Scan(std::string_view text, Emit&& emit) {
  thread_local ScanScratch sc;
  Prepare<kFold>(text, &sc);
  const char* s = text.data();
  const size_t n = text.size();
  const uint64_t* word = sc.word.data();
  const uint64_t* high = sc.high.data();
  const char* lower = sc.lower.data();
  size_t i = 0;
  while ((i = NextSet(word, high, i, n)) < n) {
    if ((high[i >> 6] >> (i & 63)) & 1) {
      i = GeneralToken<kFold>(s, n, i, emit);
      continue;
    }
    const size_t start = i;
    const size_t end = NextClear(word, i);  // <= n: bytes past the end are not words
    if (end < n && ((high[end >> 6] >> (end & 63)) & 1)) {
      // A multi-byte character follows: the word ends there unless it is a
      // letter, mark or number of a script written with spaces.
      utf8proc_int32_t cp;
      utf8proc_ssize_t cl = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s + end),
                                             static_cast<utf8proc_ssize_t>(n - end), &cp);
      CharClass cls = cl <= 0 ? CharClass::kSeparator : Classify(cp);
      if (cls != CharClass::kSeparator && cls != CharClass::kSolo) {
        i = GeneralToken<kFold>(s, n, start, emit);
        continue;
      }
    }
    const size_t len = end - start;
    if constexpr (kFold) {
#ifdef __SSE2__
      if (len <= 16) {
        // The word's 16 bytes, their classes folded (Prepare; the copy is
        // padded, and a word's next byte there is 0); "rn", "cl" and "vv",
        // which few words have (4.7% in news text), are merged a byte at a time.
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(lower + start));
        const __m128i next = _mm_srli_si128(v, 1);
        auto both = [&](char c, char d) {
          return _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)), _mm_cmpeq_epi8(next, _mm_set1_epi8(d)));
        };
        const __m128i pairs = _mm_or_si128(_mm_or_si128(both('r', 'n'), both('c', 'l')), both('v', 'v'));
        if ((static_cast<unsigned>(_mm_movemask_epi8(pairs)) & ((1u << len) - 1)) == 0) [[likely]] {
          const auto a = static_cast<uint64_t>(_mm_cvtsi128_si64(v));
          const auto b = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_srli_si128(v, 8)));
          emit(ShortHashWords(a, b, len), start, end);
        } else {
          alignas(16) char classes[16], buf[16];
          _mm_store_si128(reinterpret_cast<__m128i*>(classes), v);
          const size_t m = FoldPairs(classes, len, buf);
          std::memset(buf + m, 0, sizeof buf - m);
          emit(ShortHash(buf, m), start, end);
        }
#else
      if (len <= 16) {
        char buf[16] = {};
        const size_t m = FoldPairs(lower + start, len, buf);
        emit(ShortHash(buf, m), start, end);
#endif
      } else {
        std::string folded(len, '\0');
        folded.resize(FoldPairs(lower + start, len, folded.data()));
        emit(HashNormalized(folded), start, end);
      }
      i = end;
      continue;
    }
    emit(len <= 16 ? ShortHash(lower + start, len) : XXH3_64bits(lower + start, len), start, end);
    i = end;
  }
}

}  // namespace

void Tokenize(std::string_view text, std::vector<Token>* out) {
  Scan<false>(text, [out](uint64_t h, size_t b, size_t e) {
    out->push_back({h, static_cast<uint32_t>(b), static_cast<uint32_t>(e)});
  });
}

void TokenizeFolded(std::string_view text, std::vector<Token>* out) {
  Scan<true>(text, [out](uint64_t h, size_t b, size_t e) {
    out->push_back({h, static_cast<uint32_t>(b), static_cast<uint32_t>(e)});
  });
}

void TokenHashes(std::string_view text, std::vector<uint64_t>* out) {
  Scan<false>(text, [out](uint64_t h, size_t, size_t) { out->push_back(h); });
}

std::string FoldLookalikes(std::string_view normalized) {
  std::string out(normalized);
  bool ascii = true;
  for (char c : out) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    out.resize(FoldBytes(out.data(), out.size(), out.data()));
    return out;
  }
  std::vector<utf8proc_int32_t> buf;
  return std::string(FoldUtf8(normalized.data(), normalized.size(), &buf).value_or(normalized));
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

}  // namespace doppel
