// Universal junk patterns and the prose test (hand-written scanners).
#include "clean/junk.h"

#include "clean/segment.h"
#include "text/chars.h"
#include "text/url.h"

namespace doppel {
namespace {

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string FoldQuotes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0, n;
  while (i < s.size()) {
    int32_t cp = DecodeAt(s, i, &n);
    if (cp == 0x201C || cp == 0x201D) {
      out.push_back('"');
    } else if (cp == 0x2018 || cp == 0x2019) {
      out.push_back('\'');
    } else if (cp == 0xA0) {
      out.push_back(' ');
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

bool EndsSentence(std::string_view s) {
  size_t e = s.size(), n;
  while (e > 0 && IsCloser(DecodeBefore(s, e, &n))) e -= n;
  if (e == 0) return false;
  char c = s[e - 1];
  if (c != '.' && c != '!' && c != '?') return false;
  return e < 2 || s[e - 2] != '.';  // "..." trails off, it does not end a sentence
}

bool EndsWithPeriod(std::string_view s) {
  size_t e = s.size(), n;
  while (e > 0 && IsCloser(DecodeBefore(s, e, &n))) e -= n;
  return e > 0 && s[e - 1] == '.';
}

bool IsProse(std::string_view s, size_t words) {
  return (words >= kProseMinWords && EndsSentence(s)) || words >= kProseLongWords;
}

bool PostFooterTitle(std::string_view s, std::string_view* title) {
  constexpr std::string_view kHead = "The post ";
  constexpr std::string_view kMiddle = " appeared first on ";
  constexpr size_t kMaxTitle = 400, kMaxSite = 200;
  if (s.substr(0, kHead.size()) != kHead) return false;
  // The first " appeared first on " that leaves a title and a site of the
  // allowed lengths (the shortest title, as a lazy pattern would find).
  for (size_t pos = s.find(kMiddle, kHead.size() + 1); pos != std::string_view::npos;
       pos = s.find(kMiddle, pos + 1)) {
    std::string_view t = s.substr(kHead.size(), pos - kHead.size());
    if (CodePoints(t) > kMaxTitle) return false;
    std::string_view site = s.substr(pos + kMiddle.size());
    if (!site.empty() && site.back() == '.' && site.size() > 1) site.remove_suffix(1);
    size_t len = CodePoints(site);
    if (len >= 1 && len <= kMaxSite) {
      *title = t;
      return true;
    }
  }
  return false;
}

bool IsReadMoreFooter(std::string_view s) {
  constexpr std::string_view kHead = "Read more at";
  constexpr size_t kMaxRest = 200;
  if (s.substr(0, kHead.size()) != kHead) return false;
  std::string_view rest = s.substr(kHead.size());
  size_t n;
  if (!rest.empty() && IsWordChar(DecodeAt(rest, 0, &n))) return false;  // "Read more attractions"
  return CodePoints(rest) <= kMaxRest;
}

bool IsCapsMarker(std::string_view s) {
  auto trim = [](char c) { return c == ' ' || c == '.' || c == ':' || c == '-' || c == '|'; };
  size_t b = 0, e = s.size();
  while (b < e && trim(s[b])) ++b;
  while (e > b && trim(s[e - 1])) --e;
  size_t letters = 0, n;
  for (size_t i = b; i < e; i += n) {
    if (!IsUpper(DecodeAt(s, i, &n))) return false;
    ++letters;
  }
  return letters >= static_cast<size_t>(kAllCapsMarker);
}

bool IsVideoTitle(std::string_view s, size_t words) {
  if (words > kVideoTitleMaxWords || EndsSentence(s)) return false;
  // The trailing run of digits and colons must read d{1,2}:dd or d{1,2}:dd:dd.
  size_t b = s.size();
  while (b > 0 && (IsAsciiDigit(s[b - 1]) || s[b - 1] == ':')) --b;
  std::string_view run = s.substr(b);
  const size_t colon = run.find(':');
  if (colon < 1 || colon > 2 || colon == std::string_view::npos) return false;
  std::string_view rest = run.substr(colon);  // ":dd" or ":dd:dd"
  if (rest.size() != 3 && rest.size() != 6) return false;
  for (size_t i = 0; i < rest.size(); ++i) {
    if ((i % 3 == 0) != (rest[i] == ':')) return false;
  }
  size_t n;
  if (b > 0 && IsWordChar(DecodeBefore(s, b, &n))) return false;
  // A date before the time ("November 7, 2012 6:34") makes it a timestamp.
  for (size_t i = 0; i < b; i += n) {
    if (IsDigit(DecodeAt(s, i, &n))) return false;
  }
  return true;
}

bool IsUiPlaceholder(std::string_view s) {
  std::string_view t = StripSpace(s);
  constexpr std::string_view kDots = "...", kEllipsis = "\u2026";
  if (t.ends_with(kDots) || t.ends_with(kEllipsis)) return true;
  // An identifier: a whole word of [a-z_], starting with a letter, with a
  // '_' after the first letters and something after that '_'.
  size_t i = 0, n;
  while (i < t.size()) {
    int32_t cp = DecodeAt(t, i, &n);
    if (!IsWordChar(cp)) {
      i += n;
      continue;
    }
    size_t start = i, underscore = std::string_view::npos;
    bool plain = true;  // only a-z and '_'
    while (i < t.size()) {
      cp = DecodeAt(t, i, &n);
      if (!IsWordChar(cp)) break;
      if (cp == '_') {
        if (underscore == std::string_view::npos) underscore = i;
      } else if (!(cp >= 'a' && cp <= 'z')) {
        plain = false;
      }
      i += n;
    }
    if (plain && underscore != std::string_view::npos && underscore > start && underscore + 1 < i) return true;
  }
  return false;
}

bool IsUrlPiece(std::string_view piece) {
  size_t n;
  if (!piece.empty() && IsOpener(DecodeAt(piece, 0, &n))) piece.remove_prefix(n);
  const size_t head = UrlHeadLength(piece, 0);
  return head > 0 && piece.size() > head;
}

namespace {

// Calls visit(word, end) for every run of non-space characters of `s`, where
// `end` is the byte after the word; stops early when visit returns false.
// Returns the number of words visited.
template <typename Visit>
size_t ForEachWord(std::string_view s, Visit&& visit) {
  size_t i = 0, n, words = 0;
  while (i < s.size()) {
    if (IsSpace(DecodeAt(s, i, &n))) {
      i += n;
      continue;
    }
    size_t b = i;
    while (i < s.size() && !IsSpace(DecodeAt(s, i, &n))) i += n;
    ++words;
    if (!visit(s.substr(b, i - b), i)) break;
  }
  return words;
}

}  // namespace

bool IsBareUrl(std::string_view s) {
  bool all = true;
  const size_t pieces = ForEachWord(s, [&](std::string_view w, size_t) { return all = IsUrlPiece(w); });
  return all && pieces > 0;
}

namespace {

// The credit after a marker's colon: 1 to kCreditMaxWords words, no
// sentence end inside; capitalized words and the small words of names
// ("Courtesy of", "for the", "via"), or any words once "/" or "|" joins
// agencies ("AP Photo/picture alliance", "dpa").
bool IsCredit(std::string_view s) {
  s = StripSpace(s);
  size_t e = s.size(), n;
  while (e > 0 && IsCloser(DecodeBefore(s, e, &n))) e -= n;
  if (e > 0 && s[e - 1] == '.') --e;
  s = s.substr(0, e);
  if (s.empty()) return false;
  const bool joined = s.find('/') != std::string_view::npos || s.find('|') != std::string_view::npos;
  static constexpr std::string_view kSmall[] = {"of", "at", "by", "for", "the", "via", "and", "&", "de", "da",
                                                "di", "du", "van", "von", "der", "del", "la", "le", "y"};
  bool ok = true;
  size_t seen = 0;
  const size_t words = ForEachWord(s, [&](std::string_view w, size_t end) {
    if (++seen > kCreditMaxWords) return ok = false;
    // A stop before the last word ends a sentence, unless it closes an
    // initial or a short abbreviation ("J.", "Jr.", "Co.").
    const char last = w.back();
    if (end < s.size() && (last == '!' || last == '?' || (last == '.' && w.size() > 4))) return ok = false;
    if (joined) return true;
    size_t k = 0;
    while (k < w.size() && IsOpener(DecodeAt(w, k, &n))) k += n;
    const int32_t first = k < w.size() ? DecodeAt(w, k, &n) : 0;
    if (IsUpper(first) || IsDigit(first)) return true;
    bool small = false;
    for (std::string_view x : kSmall) small |= w == x;
    return ok = small;
  });
  return ok && words > 0;
}

}  // namespace

bool EndsWithCredit(std::string_view s, size_t* marker) {
  static constexpr std::string_view kMarkers[] = {"Photographs", "Photograph", "Pictures", "Picture", "Credits",
                                                  "Credit",      "Images",     "Image",    "Photos",  "Photo"};
  // The last marker with a credit after it.
  for (size_t colon = s.rfind(':'); colon != std::string_view::npos && colon > 0;
       colon = colon == 0 ? std::string_view::npos : s.rfind(':', colon - 1)) {
    for (std::string_view m : kMarkers) {
      if (colon < m.size() || s.substr(colon - m.size(), m.size()) != m) continue;
      const size_t b = colon - m.size();
      // Standing alone, after an opening bracket, or glued to a word that
      // ends in a small letter ("leftImage:"); not after a capital or a
      // digit ("MYImage:", "4Image:").
      size_t n;
      const int32_t before = b > 0 ? DecodeBefore(s, b, &n) : ' ';
      if (!(IsSpace(before) || IsOpener(before) || IsLower(before))) continue;
      if (IsLower(before)) {
        // Glued to a word of two or more letters: "iPhoto:" is a name.
        size_t n2;
        if (b <= n || !IsWordChar(DecodeBefore(s, b - n, &n2))) continue;
      }
      if (!IsCredit(s.substr(colon + 1))) return false;
      *marker = b;
      return true;
    }
  }
  return false;
}

}  // namespace doppel
