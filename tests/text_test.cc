// Tokenization, normalization, shingles and exact Jaccard (doppel/text.h).
#include <utf8proc.h>
#include <xxhash.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "doppel/text.h"
#include "test_util.h"

namespace doppel {
namespace {

using doppel_test::Rng;

// The tokens of `text` as slices of the original text.
std::vector<std::string> Slices(std::string_view text) {
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  std::vector<std::string> out;
  for (const Token& t : tokens) {
    EXPECT_LE(t.begin, t.end);
    EXPECT_LE(t.end, text.size());
    out.emplace_back(text.substr(t.begin, t.end - t.begin));
  }
  return out;
}

std::vector<uint64_t> Hashes(std::string_view text) {
  std::vector<uint64_t> h;
  TokenHashes(text, &h);
  return h;
}

using Strings = std::vector<std::string>;

// ---------------------------------------------------------------------------
// Splitting by Unicode category.

TEST(Tokenize, AsciiWordsAreRunsOfLettersAndDigits) {
  EXPECT_EQ(Slices("Hello, world! It's 2024... x1y2 a_b  tab\tnew\nline"),
            (Strings{"Hello", "world", "It", "s", "2024", "x1y2", "a", "b", "tab", "new", "line"}));
  EXPECT_TRUE(Slices("").empty());
  EXPECT_TRUE(Slices(" \t\n.,;:!?-+*/\\\"'()[]{}<>@#$%^&=|~`").empty());
  EXPECT_EQ(Slices("word"), Strings{"word"});
}

TEST(Tokenize, AsciiIsCaseInsensitive) {
  EXPECT_EQ(Hashes("HELLO World"), Hashes("hello world"));
  EXPECT_EQ(Hashes("MiXeD"), Hashes("mixed"));
  EXPECT_NE(Hashes("hello"), Hashes("hellp"));
  // Long tokens (beyond any small fixed buffer) fold the same way.
  std::string upper(300, 'A'), lower(300, 'a');
  EXPECT_EQ(Hashes(upper), Hashes(lower));
  EXPECT_EQ(Hashes(upper).size(), 1u);
  EXPECT_NE(Hashes(upper), Hashes(std::string(299, 'a')));
}

TEST(Tokenize, TokenHashesMatchTokenize) {
  std::string text = "Café “quoted” 東京タワー, naïve STRASSE ＡＢＣ ﬁsh ภาษาไทย — 1950–53 x² end";
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  std::vector<uint64_t> hashes = Hashes(text);
  ASSERT_EQ(tokens.size(), hashes.size());
  for (size_t i = 0; i < tokens.size(); ++i) EXPECT_EQ(tokens[i].hash, hashes[i]) << i;
}

TEST(Tokenize, AppendsToOutput) {
  std::vector<uint64_t> h = {42};
  TokenHashes("one two", &h);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0], 42u);
  std::vector<Token> t(1, Token{7, 0, 0});
  Tokenize("one two", &t);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].hash, 7u);
}

// A token's hash is XXH3-64 of its normalized form: the identity contract.
TEST(Tokenize, HashIsHashOfNormalizedToken) {
  std::string text = "The Café ＡＢＣ ﬁsh Straße ΣΊΣΥΦΟΣ 東京 กินข้าว naïve x²";
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  ASSERT_FALSE(tokens.empty());
  for (const Token& t : tokens) {
    std::string slice = text.substr(t.begin, t.end - t.begin);
    std::string norm = NormalizeToken(slice);
    EXPECT_EQ(t.hash, HashNormalized(norm)) << slice;
  }
}

TEST(HashNormalized, LongTokensAreXxh3AndShortOnesAreDistinct) {
  // Over 16 bytes: XXH3-64 of the bytes.
  for (std::string w : {std::string(17, 'a'), std::string("internationalization"), std::string(200, 'z')}) {
    EXPECT_EQ(HashNormalized(w), XXH3_64bits(w.data(), w.size())) << w;
  }
  // Up to 16 bytes: every string of up to 3 letters and digits, every
  // prefix of some long words, and 200,000 random words get distinct hashes,
  // and no hash depends on bytes past the token.
  std::set<uint64_t> seen;
  size_t count = 0;
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (char a : alphabet) {
    for (int len = 1; len <= 3; ++len) {
      for (char b : alphabet) {
        for (char c : alphabet) {
          std::string w = std::string(1, a) + (len > 1 ? std::string(1, b) : "") + (len > 2 ? std::string(1, c) : "");
          if (len < 3 && c != 'a') continue;
          if (len < 2 && b != 'a') continue;
          seen.insert(HashNormalized(w));
          ++count;
        }
      }
    }
  }
  Rng rng(7);
  for (int i = 0; i < 200000; ++i) {
    std::string w(static_cast<size_t>(rng.Range(4, 16)), 'a');
    for (char& ch : w) ch = alphabet[rng.Below(alphabet.size())];
    if (seen.insert(HashNormalized(w)).second) ++count;
    // The same token inside a longer buffer hashes the same.
    std::string padded = w + "xyzxyzxyzxyzxyzxyz";
    EXPECT_EQ(HashNormalized(std::string_view(padded).substr(0, w.size())), HashNormalized(w));
  }
  EXPECT_EQ(seen.size(), count);
  EXPECT_NE(HashNormalized(""), HashNormalized(std::string(1, '\0')));
}

// ---------------------------------------------------------------------------
// Normalization: NFKC + case folding.

TEST(Normalize, AccentedLatin) {
  EXPECT_EQ(Hashes("Café"), Hashes("café"));
  EXPECT_EQ(Hashes("CAFÉ"), Hashes("café"));
  // Decomposed e + combining acute is the same word as precomposed é.
  EXPECT_EQ(Hashes("Cafe\u0301"), Hashes("café"));
  EXPECT_EQ(Slices("Cafe\u0301 au lait"), (Strings{"Cafe\u0301", "au", "lait"}));
  // But accents are not stripped.
  EXPECT_NE(Hashes("café"), Hashes("cafe"));
  EXPECT_EQ(NormalizeToken("Café"), "café");
  EXPECT_EQ(NormalizeToken("Cafe\u0301"), "café");
}

TEST(Normalize, Nfkc) {
  EXPECT_EQ(Hashes("ＡＢＣ"), Hashes("abc"));     // fullwidth Latin
  EXPECT_EQ(Hashes("１２３"), Hashes("123"));     // fullwidth digits
  EXPECT_EQ(Hashes("ﬁ"), Hashes("fi"));           // ligature
  EXPECT_EQ(Hashes("ﬁsh ﬂow"), Hashes("fish flow"));
  EXPECT_EQ(Hashes("x²"), Hashes("x2"));          // superscript digit is part of the word
  EXPECT_EQ(Hashes("ｶﾀｶﾅ"), Hashes("カタカナ"));  // halfwidth katakana
  EXPECT_EQ(NormalizeToken("ＡＢＣ"), "abc");
  EXPECT_EQ(NormalizeToken("ﬁ"), "fi");
}

TEST(Normalize, HalfwidthKatakanaSoundMarksStayWithTheirLetter) {
  // ｶﾞ is NFKC-equal to ガ; the halfwidth voiced sound mark belongs to the
  // character before it as a combining mark would.
  EXPECT_EQ(Slices("ｶﾞｲﾄﾞ"), (Strings{"ｶﾞ", "ｲ", "ﾄﾞ"}));
  EXPECT_EQ(Hashes("ｶﾞｲﾄﾞ"), Hashes("ガイド"));
  EXPECT_EQ(Hashes("ﾊﾟﾝ"), Hashes("パン"));
}

TEST(Normalize, CaseFolding) {
  EXPECT_EQ(Hashes("STRASSE"), Hashes("straße"));
  EXPECT_EQ(Hashes("Straße"), Hashes("strasse"));
  EXPECT_EQ(NormalizeToken("Straße"), "strasse");
  EXPECT_EQ(NormalizeToken("STRASSE"), "strasse");
  // Final sigma folds like sigma.
  EXPECT_EQ(Hashes("ΣΊΣΥΦΟΣ"), Hashes("σίσυφος"));
  EXPECT_EQ(Hashes("ПРИВЕТ"), Hashes("привет"));
}

TEST(Normalize, AsciiFastPathAgreesWithGeneralPath) {
  // The same ASCII word, reached by the ASCII fast path and by the general
  // path (when non-ASCII separators surround it), hashes the same.
  for (std::string w : {"Hello", "WORLD", "abc123", "Z"}) {
    std::vector<uint64_t> plain = Hashes(w);
    ASSERT_EQ(plain.size(), 1u);
    EXPECT_EQ(Hashes("—" + w + "—"), plain) << w;
    EXPECT_EQ(Hashes("“" + w + "”"), plain) << w;
    EXPECT_EQ(Hashes("日" + w).back(), plain[0]) << w;
    EXPECT_EQ(HashNormalized(NormalizeToken(w)), plain[0]) << w;
  }
}

// ---------------------------------------------------------------------------
// Punctuation of every kind separates words.

TEST(Tokenize, CurlyAndStraightQuotesAndDashesAgree) {
  EXPECT_EQ(Hashes("Kim’s"), Hashes("Kim's"));
  EXPECT_EQ(Slices("Kim’s"), (Strings{"Kim", "s"}));
  EXPECT_EQ(Hashes("“quoted” ‘single’"), Hashes("\"quoted\" 'single'"));
  EXPECT_EQ(Hashes("«guillemets» „low“"), Hashes("guillemets low"));
  EXPECT_EQ(Hashes("1950–53"), Hashes("1950-53"));  // en dash
  EXPECT_EQ(Slices("1950–53"), (Strings{"1950", "53"}));
  EXPECT_EQ(Hashes("a—b"), Hashes("a-b"));  // em dash
  EXPECT_EQ(Hashes("a‐b a−b"), Hashes("a-b a-b"));  // hyphen, minus sign
  EXPECT_EQ(Hashes("one\u00A0two\u3000three\u2009four"), Hashes("one two three four"));  // odd spaces
  EXPECT_EQ(Hashes("end…"), Hashes("end..."));
}

// Soft hyphens, zero-width spaces and joiners, word joiners and byte order
// marks that CMSs put inside words as hyphenation or break hints neither
// split a word nor change its hash; alone between words they separate
// nothing more than the spaces around them.
TEST(Tokenize, InvisibleFormatCharactersInsideWordsAreIgnored) {
  const std::vector<uint64_t> plain = Hashes("international breaking news");
  EXPECT_EQ(Hashes("inter\u00ADnational brea\u200Bking news"), plain);
  EXPECT_EQ(Hashes("inter\u200Cnatio\u200Dnal breaking\u2060 \uFEFFnews"), plain);
  EXPECT_EQ(Hashes("\u00ADinternational\u00AD breaking \u200B news"), plain);
  // Offsets still point into the original text: the hint is inside the token.
  EXPECT_EQ(Slices("inter\u00ADnational x"), (Strings{"inter\u00ADnational", "x"}));
  EXPECT_EQ(Slices("\u00ADword"), (Strings{"word"}));
  // A format character that is not default-ignorable still separates.
  EXPECT_EQ(Hashes("a\u0600b").size(), 2u);  // Arabic number sign
  // Variation selectors and fillers are ignorable too: none starts a token.
  EXPECT_EQ(Hashes("\uFE0F\u3164 word\uFE0F"), Hashes("word"));
  // Long words take the same path as short ones.
  EXPECT_EQ(Hashes("antidisestablish\u00ADmentarianism"), Hashes("antidisestablishmentarianism"));
  // Non-ASCII words too, and a hint after a character of a script without
  // spaces stays with that one character.
  EXPECT_EQ(Hashes("Stra\u00ADße"), Hashes("strasse"));
  EXPECT_EQ(Hashes("日\u200B本"), Hashes("日本"));
  EXPECT_EQ(Hashes("日本").size(), 2u);
}

// ---------------------------------------------------------------------------
// Scripts without spaces: one token per character.

TEST(Tokenize, CjkIsOneTokenPerCharacter) {
  EXPECT_EQ(Slices("中文文本"), (Strings{"中", "文", "文", "本"}));
  EXPECT_EQ(Slices("日本語のテキスト"), (Strings{"日", "本", "語", "の", "テ", "キ", "ス", "ト"}));
  EXPECT_EQ(Slices("私はcat"), (Strings{"私", "は", "cat"}));
  EXPECT_EQ(Slices("abc東京def"), (Strings{"abc", "東", "京", "def"}));
  EXPECT_EQ(Slices("東京、大阪。"), (Strings{"東", "京", "大", "阪"}));
  // Repeated characters give the same token.
  std::vector<uint64_t> h = Hashes("文文");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0], h[1]);
  // Hangul is written with spaces: words stay whole.
  EXPECT_EQ(Slices("한국어 텍스트"), (Strings{"한국어", "텍스트"}));
}

TEST(Tokenize, ThaiCharactersKeepTheirCombiningMarks) {
  // ก + SARA I (U+0E34, a combining mark), น, ข + MAI THO (U+0E49), SARA AA
  // (U+0E32, a letter), ว.
  EXPECT_EQ(Slices("กินข้าว"), (Strings{"กิ", "น", "ข้", "า", "ว"}));
  EXPECT_EQ(Slices("ภาษาไทย"), (Strings{"ภ", "า", "ษ", "า", "ไ", "ท", "ย"}));
  // A token never starts with a Thai combining mark (Mn): U+0E31, U+0E34..0E3A,
  // U+0E47..0E4E; each mark stays with the letter before it.
  auto first_cp = [](const std::string& s) {
    auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i])); };
    return s.size() >= 3 ? ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F) : 0u;
  };
  const Strings thai = Slices("น้ำกินข้าวไม่");
  EXPECT_EQ(thai, (Strings{"น้", "ำ", "กิ", "น", "ข้", "า", "ว", "ไ", "ม่"}));
  for (const std::string& s : thai) {
    uint32_t cp = first_cp(s);
    EXPECT_FALSE(cp == 0x0E31 || (cp >= 0x0E34 && cp <= 0x0E3A) || (cp >= 0x0E47 && cp <= 0x0E4E)) << s;
  }
}

TEST(Tokenize, OffsetsSliceTheOriginalText) {
  std::string text = "  Hello, Café—naïve 東京 กินข้าว ＡＢＣ ﬁsh 1950–53 Kim’s end";
  EXPECT_EQ(Slices(text), (Strings{"Hello", "Café", "naïve", "東", "京", "กิ", "น", "ข้", "า", "ว", "ＡＢＣ", "ﬁsh",
                                   "1950", "53", "Kim", "s", "end"}));
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  // Tokens are in order, do not overlap, and the gaps hold no word characters.
  uint32_t prev_end = 0;
  for (const Token& t : tokens) {
    EXPECT_GE(t.begin, prev_end);
    EXPECT_LT(t.begin, t.end);
    std::string gap = text.substr(prev_end, t.begin - prev_end);
    EXPECT_TRUE(Hashes(gap).empty()) << "gap '" << gap << "' holds a word";
    // Tokenizing the slice alone gives the same single token.
    std::vector<uint64_t> alone = Hashes(text.substr(t.begin, t.end - t.begin));
    ASSERT_EQ(alone.size(), 1u);
    EXPECT_EQ(alone[0], t.hash);
    prev_end = t.end;
  }
}

TEST(Tokenize, InvalidUtf8IsNotPartOfAnyToken) {
  std::string text = "ab\xff" "cd \xc3 ef";
  for (const std::string& s : Slices(text)) {
    EXPECT_EQ(s.find('\xff'), std::string::npos);
    EXPECT_EQ(s.find('\xc3'), std::string::npos);
  }
  EXPECT_EQ(Slices(text), (Strings{"ab", "cd", "ef"}));
}

// A slow tokenizer written from the rules in doppel/text.h, one code point
// at a time through utf8proc, with every token normalized by NormalizeToken:
// the reference that the block-at-a-time scanner must agree with.
bool RefIsSolo(int32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0EFF) || (cp >= 0x1000 && cp <= 0x109F) || (cp >= 0x1780 && cp <= 0x17FF) ||
         (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF66 && cp <= 0xFF9F) ||
         (cp >= 0x20000 && cp <= 0x3FFFF);
}
// 0 separator, 1 word, 2 mark, 3 solo.
int RefClass(int32_t cp) {
  if (cp == 0xFF9E || cp == 0xFF9F) return 2;
  if (utf8proc_get_property(cp)->ignorable) return 4;
  auto cat = utf8proc_category(cp);
  if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ME) return 2;
  bool letter_or_number = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                          (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
  if (!letter_or_number) return 0;
  return RefIsSolo(cp) ? 3 : 1;
}
std::vector<Token> ReferenceTokenize(std::string_view text) {
  std::vector<Token> out;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const size_t start = i;
    bool any = false, solo = false;
    while (i < n) {
      utf8proc_int32_t cp;
      auto len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                                  static_cast<utf8proc_ssize_t>(n - i), &cp);
      if (len <= 0) {  // invalid UTF-8: a one-byte separator
        if (!any) ++i;
        break;
      }
      int cls = RefClass(cp);
      if (cls == 0 || (cls == 4 && !any)) {
        if (!any) i += static_cast<size_t>(len);
        break;
      }
      if (cls == 4) {
        i += static_cast<size_t>(len);
        continue;
      }
      if (cls == 3) {
        if (any) break;
        solo = true;
      } else if (solo && cls == 1) {
        break;
      }
      any = true;
      i += static_cast<size_t>(len);
    }
    if (any) {
      std::string norm = NormalizeToken(text.substr(start, i - start));
      out.push_back({HashNormalized(norm), static_cast<uint32_t>(start), static_cast<uint32_t>(i)});
    }
  }
  return out;
}

TEST(Tokenize, AgreesWithSlowReferenceOnRandomText) {
  // Pieces chosen to hit every boundary of the fast path: ASCII words of all
  // lengths (also longer than a 64-byte block), words that go on with accented
  // letters or marks, CJK and Thai next to ASCII, fullwidth letters, invalid
  // bytes, and every kind of separator.
  const std::vector<std::string> pieces = {
      "a", "Z", "9", "the", "The", "HELLO", "x1y2", "_", "-", " ", "  ", "\n", "\t", ".", "'", "’", "“", "—",
      "é", "É", "café", "naïve", "e\xcc\x81", "\xcc\x81", "東", "京", "กิน", "ข้า", "ＡＢＣ", "ﬁ", "ß", "Σ",
      "\xff", "\xc3", "\xe2\x80", "ｶﾞ", "1950", "½", "ǅ", "@", "😀", "\xc2\xa0",
      "\u00AD", "\u200B", "\u200D", "\u200E", "\u2060", "\uFEFF", "\uFE0F", "\u034F", "\u3164", "\u0600",
      "\u061C", "\U000E0041",
      std::string(63, 'q'), std::string(64, 'R'), std::string(65, 'w'), std::string(130, 'M'), std::string(17, '7')};
  Rng rng(20261201);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int parts = static_cast<int>(rng.Range(0, 60));
    for (int k = 0; k < parts; ++k) text += pieces[rng.Below(pieces.size())];
    std::vector<Token> got;
    Tokenize(text, &got);
    std::vector<Token> want = ReferenceTokenize(text);
    ASSERT_EQ(got.size(), want.size()) << "text: " << text;
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].begin, want[i].begin) << "token " << i << " of: " << text;
      ASSERT_EQ(got[i].end, want[i].end) << "token " << i << " of: " << text;
      ASSERT_EQ(got[i].hash, want[i].hash) << "token " << i << " of: " << text;
    }
    std::vector<uint64_t> hashes;
    TokenHashes(text, &hashes);
    ASSERT_EQ(hashes.size(), want.size());
    for (size_t i = 0; i < hashes.size(); ++i) ASSERT_EQ(hashes[i], want[i].hash);
  }
}

// ---------------------------------------------------------------------------
// Look-alike folding (TokenizeFolded, FoldLookalikes).

uint64_t FoldedHash(std::string_view word) {
  std::vector<Token> t;
  TokenizeFolded(word, &t);
  EXPECT_EQ(t.size(), 1u) << word;
  return t.empty() ? 0 : t[0].hash;
}

TEST(FoldLookalikes, GlyphsThatOcrConfusesAreOneToken) {
  // Each group: the word and what OCR made of it.
  const std::vector<Strings> groups = {
      {"modern", "rnodern", "MODERN", "M0DERN", "rnoclern"},
      {"life", "1ife", "Iife", "lifc", "Life"},
      {"wave", "vvave", "wovc"},
      {"the", "tbe", "fhe", "THE"},
      {"number", "nurnber", "unmber"},
      {"Sable", "5ab1e", "sable"},
      {"Bible", "8ible", "B1ble"},
      {"café", "cafe", "CAFÉ", "cafe\u0301"},
      {"naïve", "naive", "noive"},
  };
  for (const Strings& group : groups) {
    for (const std::string& w : group) {
      EXPECT_EQ(FoldedHash(w), FoldedHash(group[0])) << w << " vs " << group[0];
    }
  }
  // Words of different letters stay apart.
  const Strings distinct = {"cat", "dog", "house", "river", "market", "people", "kgx", "zzz", "pyramid"};
  std::set<uint64_t> hashes;
  for (const std::string& w : distinct) hashes.insert(FoldedHash(w));
  EXPECT_EQ(hashes.size(), distinct.size());
  // Without folding, the look-alikes are different tokens.
  EXPECT_NE(Hashes("modern")[0], Hashes("rnodern")[0]);
  EXPECT_NE(Hashes("life")[0], Hashes("1ife")[0]);
}

TEST(FoldLookalikes, FoldsTheNormalizedForm) {
  EXPECT_EQ(FoldLookalikes("modern"), "modcm");
  EXPECT_EQ(FoldLookalikes("rnodern"), "modcm");
  EXPECT_EQ(FoldLookalikes("clear"), "dcor");
  EXPECT_EQ(FoldLookalikes("vvhite"), "wblfc");
  EXPECT_EQ(FoldLookalikes("1950"), "l9so");
  EXPECT_EQ(FoldLookalikes("r\u00e9sum\u00e9"), "rcsnmc");
  // Marks of scripts other than Latin are kept: a Devanagari vowel sign is
  // part of its letter, not an accent.
  EXPECT_NE(FoldLookalikes("\u0915\u093f"), FoldLookalikes("\u0915"));
  EXPECT_EQ(FoldLookalikes("\u6771\u4eac"), "\u6771\u4eac");
  EXPECT_EQ(FoldLookalikes(""), "");
}

// The fold written out slowly, apart from the library's code: NFKD and
// case folding by utf8proc_map, marks after an ASCII letter or digit
// dropped a code point at a time, NFC, then the classes and the pairs.
std::string ReferenceFold(const std::string& word) {
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t len = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(word.data()), static_cast<utf8proc_ssize_t>(word.size()), &mapped,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
                                     UTF8PROC_IGNORE));
  EXPECT_GE(len, 0) << word;
  std::string kept;
  int32_t base = -1;
  for (utf8proc_ssize_t i = 0; i < len;) {
    utf8proc_int32_t cp;
    i += utf8proc_iterate(mapped + i, len - i, &cp);
    const bool latin_base = base >= 0 && base < 0x80 && std::isalnum(base);
    if (latin_base && utf8proc_category(cp) == UTF8PROC_CATEGORY_MN) continue;
    if (utf8proc_get_property(cp)->combining_class == 0) base = cp;
    utf8proc_uint8_t buf[4];
    kept.append(reinterpret_cast<char*>(buf), static_cast<size_t>(utf8proc_encode_char(cp, buf)));
  }
  std::free(mapped);
  utf8proc_uint8_t* composed = nullptr;
  const utf8proc_ssize_t clen =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(kept.data()), static_cast<utf8proc_ssize_t>(kept.size()),
                   &composed, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  std::string classes(reinterpret_cast<char*>(composed), static_cast<size_t>(clen));
  std::free(composed);
  for (char& c : classes) {
    const std::string from = "i1" "0a" "e" "h8" "u" "t" "5", to = "ll" "oo" "c" "bb" "n" "f" "s";
    const size_t at = from.find(c);
    if (c != '\0' && at != std::string::npos) c = to[at];
  }
  std::string out;
  for (size_t i = 0; i < classes.size(); ++i) {
    const std::string two = classes.substr(i, 2);
    if (two == "rn" || two == "cl" || two == "vv") {
      out += two == "rn" ? 'm' : two == "cl" ? 'd' : 'w';
      ++i;
    } else {
      out += classes[i];
    }
  }
  return out;
}

TEST(TokenizeFolded, AgreesWithSlowReferenceOnRandomText) {
  // The fast path (ASCII words folded 16 bytes at a time) and the general
  // one (decomposed, marks dropped, composed) against ReferenceFold, and
  // FoldLookalikes of the normalized token with them, with Tokenize's
  // offsets.
  const std::vector<std::string> pieces = {
      "a", "Z", "9", "rn", "m", "cl", "d", "vv", "w", "0", "1", "I", "l", "5", "8", "e", "c", "h", "b", "u", "n",
      "t", "f", "the", "Modern", "rnodern", "HELLO", " ", "  ", "\n", ".", "'", "-", "é", "É", "í", "café",
      "e\xcc\x81", "\xcc\x81", "東", "กิน", "ＡＢＣ", "ﬁ", "ß", "Σ", "\xff", "\xc3", "ｶﾞ", "½", "\u00AD",
      "\u200B", "\u0915\u093f", std::string(63, 'r'), std::string(64, 'n'), std::string(65, 'v'),
      std::string(130, 'M'), std::string(17, '1')};
  Rng rng(20261206);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int parts = static_cast<int>(rng.Range(0, 60));
    for (int k = 0; k < parts; ++k) text += pieces[rng.Below(pieces.size())];
    std::vector<Token> got, plain;
    TokenizeFolded(text, &got);
    Tokenize(text, &plain);
    ASSERT_EQ(got.size(), plain.size()) << "text: " << text;
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].begin, plain[i].begin) << "token " << i << " of: " << text;
      ASSERT_EQ(got[i].end, plain[i].end) << "token " << i << " of: " << text;
      const std::string word = text.substr(got[i].begin, got[i].end - got[i].begin);
      ASSERT_EQ(got[i].hash, HashNormalized(ReferenceFold(word))) << "token " << i << " of: " << text;
      ASSERT_EQ(FoldLookalikes(NormalizeToken(word)), ReferenceFold(word)) << "token " << i << " of: " << text;
    }
  }
}

// ---------------------------------------------------------------------------
// CodePointCursor.

TEST(CodePointCursor, CountsCodePointsBeforeAByteOffset) {
  // a (1 byte), é (2), 日 (3), 😀 (4), b (1)
  std::string text = "aé日😀b";
  ASSERT_EQ(text.size(), 11u);
  CodePointCursor c(text);
  EXPECT_EQ(c.ToCodePoint(0), 0u);
  EXPECT_EQ(c.ToCodePoint(1), 1u);
  EXPECT_EQ(c.ToCodePoint(1), 1u);  // repeated queries are fine
  EXPECT_EQ(c.ToCodePoint(3), 2u);
  EXPECT_EQ(c.ToCodePoint(6), 3u);
  EXPECT_EQ(c.ToCodePoint(10), 4u);
  EXPECT_EQ(c.ToCodePoint(11), 5u);
}

TEST(CodePointCursor, AgreesWithACountAtEveryOffsetOfRandomText) {
  const std::vector<std::string> pieces = {"a", "é", "日本", "😀", " ", "ab", "\xff", "\x80", "xyz12345"};
  Rng rng(3);
  for (int round = 0; round < 200; ++round) {
    std::string text;
    const int parts = static_cast<int>(rng.Range(0, 80));
    for (int k = 0; k < parts; ++k) text += pieces[rng.Below(pieces.size())];
    CodePointCursor cursor(text);
    uint32_t offset = 0;
    while (offset <= text.size() + 3) {
      uint32_t want = 0;
      for (size_t i = 0; i < std::min<size_t>(offset, text.size()); ++i) {
        want += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
      }
      ASSERT_EQ(cursor.ToCodePoint(offset), want) << "offset " << offset << " of " << text.size();
      offset += static_cast<uint32_t>(rng.Range(0, 20));
    }
  }
}

// Long runs of ASCII, which the cursor crosses without counting, between
// rare multi-byte characters, some in a text's last eight bytes.
TEST(CodePointCursor, AgreesWithACountInLongAsciiRuns) {
  const std::vector<std::string> pieces = {"the quick brown fox jumps over the lazy dog ", "a", "\n", "é", "—", "😀",
                                           "\x80"};
  Rng rng(4);
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const int parts = static_cast<int>(rng.Range(0, 40));
    for (int k = 0; k < parts; ++k) text += pieces[rng.Below(4) == 0 ? 1 + rng.Below(pieces.size() - 1) : 0];
    if (rng.Below(2) == 0) text += pieces[3 + rng.Below(4)];
    CodePointCursor cursor(text);
    uint32_t offset = 0, want = 0, counted = 0;
    while (offset <= text.size() + 3) {
      for (; counted < std::min<size_t>(offset, text.size()); ++counted) {
        want += (static_cast<unsigned char>(text[counted]) & 0xC0) != 0x80;
      }
      ASSERT_EQ(cursor.ToCodePoint(offset), want) << "offset " << offset << " of " << text.size();
      offset += static_cast<uint32_t>(rng.Range(0, 60));
    }
  }
}

TEST(CodePointCursor, AgreesWithTokenOffsets) {
  std::string text = "Ünïcödé 東京 text ＡＢＣ — กินข้าว 😀 done";
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  CodePointCursor c(text);
  for (const Token& t : tokens) {
    // Reference: count UTF-8 lead bytes before the offset.
    auto count = [&](uint32_t off) {
      uint32_t n = 0;
      for (uint32_t i = 0; i < off; ++i) n += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
      return n;
    };
    EXPECT_EQ(c.ToCodePoint(t.begin), count(t.begin));
    EXPECT_EQ(c.ToCodePoint(t.end), count(t.end));
  }
}

// ---------------------------------------------------------------------------
// Shingles.

std::vector<uint64_t> Shingles(const std::vector<uint64_t>& tokens, int n) {
  std::vector<uint64_t> out;
  ShingleHashes(tokens, n, &out);
  return out;
}

TEST(Shingles, CountIsTokensMinusNPlusOne) {
  Rng rng(1);
  std::vector<uint64_t> tokens;
  for (int i = 0; i < 50; ++i) tokens.push_back(rng.Next());
  for (int n : {1, 2, 3, 5, 9, 50}) {
    EXPECT_EQ(Shingles(tokens, n).size(), tokens.size() - static_cast<size_t>(n) + 1) << n;
  }
}

TEST(Shingles, ShortDocumentGivesOneShingleOfAllItsTokens) {
  std::vector<uint64_t> tokens = Hashes("only three words");
  ASSERT_EQ(tokens.size(), 3u);
  std::vector<uint64_t> five = Shingles(tokens, 5);
  ASSERT_EQ(five.size(), 1u);
  EXPECT_EQ(five, Shingles(tokens, 3));  // the shingle of those three tokens
  EXPECT_EQ(Shingles({tokens[0]}, 5).size(), 1u);
}

TEST(Shingles, EmptyGivesNone) {
  EXPECT_TRUE(Shingles({}, 5).empty());
  EXPECT_TRUE(Shingles(Hashes(" ... "), 1).empty());
}

TEST(Shingles, AppendsToOutput) {
  std::vector<uint64_t> out = {1, 2};
  ShingleHashes(Hashes("a b c d e f"), 5, &out);
  EXPECT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0], 1u);
  EXPECT_EQ(out[1], 2u);
}

TEST(Shingles, OrderSensitive) {
  std::vector<uint64_t> fwd = Hashes("alpha beta gamma delta epsilon");
  std::vector<uint64_t> rev(fwd.rbegin(), fwd.rend());
  std::vector<uint64_t> swap = fwd;
  std::swap(swap[1], swap[2]);
  for (int n : {2, 3, 5}) {
    std::vector<uint64_t> a = Shingles(fwd, n), b = Shingles(rev, n), c = Shingles(swap, n);
    std::set<uint64_t> sa(a.begin(), a.end());
    for (uint64_t h : b) EXPECT_EQ(sa.count(h), 0u) << n;
    EXPECT_NE(a, c) << n;
  }
  // With n = 1 a shingle is a word: order does not matter.
  std::vector<uint64_t> a1 = Shingles(fwd, 1), b1 = Shingles(rev, 1);
  std::reverse(b1.begin(), b1.end());
  EXPECT_EQ(a1, b1);
}

// The rolling computation gives, at every position, exactly the hash of the
// window on its own; windows with equal content get equal hashes.
TEST(Shingles, EachShingleDependsOnlyOnItsWindow) {
  Rng rng(7);
  for (int n : {1, 2, 3, 5, 8, 13}) {
    std::vector<uint64_t> tokens;
    for (int i = 0; i < 200; ++i) tokens.push_back(rng.Below(6) == 0 ? rng.Next() : 1000 + rng.Below(3));
    std::vector<uint64_t> all = Shingles(tokens, n);
    ASSERT_EQ(all.size(), tokens.size() - static_cast<size_t>(n) + 1);
    for (size_t i = 0; i < all.size(); ++i) {
      std::vector<uint64_t> window(tokens.begin() + static_cast<ptrdiff_t>(i),
                                   tokens.begin() + static_cast<ptrdiff_t>(i) + n);
      std::vector<uint64_t> alone = Shingles(window, n);
      ASSERT_EQ(alone.size(), 1u);
      EXPECT_EQ(all[i], alone[0]) << "n=" << n << " i=" << i;
      for (size_t j = 0; j < i; ++j) {
        bool same_window = std::equal(window.begin(), window.end(), tokens.begin() + static_cast<ptrdiff_t>(j));
        EXPECT_EQ(all[i] == all[j], same_window) << "n=" << n << " i=" << i << " j=" << j;
      }
    }
  }
}

TEST(Shingles, SortUnique) {
  std::vector<uint64_t> v = {5, 3, 5, 1, 3, 3, 9, 0, 0};
  SortUnique(&v);
  EXPECT_EQ(v, (std::vector<uint64_t>{0, 1, 3, 5, 9}));
  std::vector<uint64_t> e;
  SortUnique(&e);
  EXPECT_TRUE(e.empty());
}

TEST(Shingles, SortUniqueAgreesWithStdSortOnLargeInputs) {
  // Uniform hashes (the bucket path), skewed values that all land in one
  // bucket, and many repeats; sizes around the switch between paths.
  Rng rng(99);
  for (size_t size : {31u, 32u, 33u, 100u, 1000u, 4096u, 100000u}) {
    for (int kind = 0; kind < 3; ++kind) {
      std::vector<uint64_t> v(size);
      for (uint64_t& x : v) {
        x = kind == 0 ? rng.Next() : kind == 1 ? rng.Below(1000) : (rng.Next() | 0xFFFF000000000000ULL) & ~uint64_t{7};
        if (kind == 2 && rng.Below(4) == 0) x = 42;
      }
      std::vector<uint64_t> want = v;
      std::sort(want.begin(), want.end());
      want.erase(std::unique(want.begin(), want.end()), want.end());
      SortUnique(&v);
      EXPECT_EQ(v, want) << "size " << size << " kind " << kind;
    }
  }
}

// ---------------------------------------------------------------------------
// Jaccard.

TEST(Jaccard, ExactOnSmallSets) {
  using V = std::vector<uint64_t>;
  EXPECT_DOUBLE_EQ(Jaccard(V{1, 2, 3}, V{2, 3, 4}), 0.5);
  EXPECT_DOUBLE_EQ(Jaccard(V{1, 2, 3}, V{1, 2, 3}), 1.0);
  EXPECT_DOUBLE_EQ(Jaccard(V{1, 2, 3}, V{4, 5}), 0.0);
  EXPECT_DOUBLE_EQ(Jaccard(V{1}, V{1, 2, 3, 4}), 0.25);
  EXPECT_DOUBLE_EQ(Jaccard(V{1, 2, 3, 4}, V{1}), 0.25);
  EXPECT_DOUBLE_EQ(Jaccard(V{1, 5, 9, 12}, V{0, 5, 12, 20, 30}), 2.0 / 7.0);
  EXPECT_DOUBLE_EQ(Jaccard(V{UINT64_MAX}, V{0, UINT64_MAX}), 0.5);
  // Empty sets are nobody's duplicate, not even of each other.
  EXPECT_DOUBLE_EQ(Jaccard(V{}, V{}), 0.0);
  EXPECT_DOUBLE_EQ(Jaccard(V{}, V{1}), 0.0);
  EXPECT_DOUBLE_EQ(Jaccard(V{1}, V{}), 0.0);
}

TEST(Jaccard, MatchesSetReferenceOnRandomSets) {
  Rng rng(11);
  for (int trial = 0; trial < 300; ++trial) {
    std::set<uint64_t> a, b;
    const uint64_t universe = 1 + rng.Below(200);
    const int na = static_cast<int>(rng.Below(120)), nb = static_cast<int>(rng.Below(120));
    for (int i = 0; i < na; ++i) a.insert(rng.Below(universe));
    for (int i = 0; i < nb; ++i) b.insert(rng.Below(universe));
    size_t inter = 0;
    for (uint64_t x : a) inter += b.count(x);
    size_t uni = a.size() + b.size() - inter;
    double expected = uni == 0 ? 0.0 : static_cast<double>(inter) / static_cast<double>(uni);
    std::vector<uint64_t> va(a.begin(), a.end()), vb(b.begin(), b.end());
    EXPECT_DOUBLE_EQ(Jaccard(va, vb), expected);
    EXPECT_DOUBLE_EQ(Jaccard(vb, va), expected);
  }
}

TEST(Jaccard, OfShingleSetsOfText) {
  // Ten distinct words; the second text drops the last: 5-gram sets of 6 and
  // 5 shingles, 5 shared.
  std::vector<uint64_t> a = Shingles(Hashes("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10"), 5);
  std::vector<uint64_t> b = Shingles(Hashes("W1 w2, w3 w4 w5 “w6” w7 w8 w9"), 5);
  SortUnique(&a);
  SortUnique(&b);
  EXPECT_EQ(a.size(), 6u);
  EXPECT_EQ(b.size(), 5u);
  EXPECT_DOUBLE_EQ(Jaccard(a, b), 5.0 / 6.0);
}

// ---------------------------------------------------------------------------
// Pinned test vectors. These values are a CONTRACT: token and shingle hashes
// identify text everywhere in doppel (and in stored sketches), so they must
// not change with the machine, the compiler or the library version. They
// were computed once and pinned; a change here is a format break.

TEST(PinnedVectors, Xxh3OfEmptyIsTheReferenceValue) {
  // Published XXH3-64 test vector (seed 0, empty input): the library that
  // hashes long tokens is the one we think it is.
  EXPECT_EQ(XXH3_64bits("", 0), 0x2D06800538D394C2ULL);
  EXPECT_EQ(HashNormalized(""), 0x286f68b994bfa5e2ULL);
}

TEST(PinnedVectors, TokenHashes) {
  EXPECT_EQ(HashNormalized("hello"), 0xe8132acbad8942b7ULL);
  EXPECT_EQ(HashNormalized("café"), 0x7300ea90174296ddULL);
  EXPECT_EQ(HashNormalized("日"), 0xff4918be4dfa4583ULL);
  EXPECT_EQ(HashNormalized("strasse"), 0x9ac6e39305e2f3d1ULL);
  EXPECT_EQ(Hashes("Hello"), std::vector<uint64_t>{0xe8132acbad8942b7ULL});
  EXPECT_EQ(Hashes("CAFÉ"), std::vector<uint64_t>{0x7300ea90174296ddULL});
  EXPECT_EQ(Hashes("Straße"), std::vector<uint64_t>{0x9ac6e39305e2f3d1ULL});
  EXPECT_EQ(Hashes("日"), std::vector<uint64_t>{0xff4918be4dfa4583ULL});
}

TEST(PinnedVectors, Mix64) {
  EXPECT_EQ(Mix64(0), 0u);
  EXPECT_EQ(Mix64(1), 0x5692161d100b05e5ULL);
}

TEST(PinnedVectors, ShingleHashes) {
  std::vector<uint64_t> tokens = Hashes("The quick brown fox jumps over");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[0], 0xab4b0ec8cc6c3fc4ULL);  // "the"
  EXPECT_EQ(Shingles(tokens, 5), (std::vector<uint64_t>{0xd155d14e2f822c11ULL, 0x948e46be6d529b33ULL}));
  EXPECT_EQ(Shingles(tokens, 1)[0], 0x32c20cf8f0cc8fdfULL);
}

}  // namespace
}  // namespace doppel
