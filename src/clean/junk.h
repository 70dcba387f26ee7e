// Universal junk patterns and the prose test: the only string patterns
// cleaning uses. Each one is a kind of text that no article contains as a
// unit of its own, whatever the site:
//   - a syndication footer "The post TITLE appeared first on SITE." (the
//     TITLE is kept as evidence: the page title of every copy of the story);
//   - an excerpt footer "Read more at ...";
//   - a standalone ALL-CAPS marker of >= kAllCapsMarker letters;
//   - a short unit ending in a video duration, without sentence punctuation
//     or a date (the title of an embedded video, "Watch: the parade 02:59");
//   - a UI placeholder before the first sentence: a text ending in an
//     ellipsis ("Loading ...") or holding an icon-ligature identifier
//     (lower_case_with_underscore, e.g. "music_note");
//   - a bare URL ("https://...", "http://...", "www....") standing between
//     sentences, not inside one: a link a flattened page left in the text
//     (a share link, the address of an embed), never a sentence of the
//     article; one a sentence names ("see www.example.org") stays;
//   - an image caption closed by its credit: a credit marker ("Image:",
//     "Photo:", "Photograph:", "Picture:", "Credit:", plural too) followed
//     by a short credit (capitalized names and agencies, or any words once
//     joined by "/" or "|", e.g. "Jane Roe/Agency/picture alliance") up to
//     the end of the unit, with no sentence after it. The marker may stand
//     glued to the caption's last word ("to his leftImage: ..."), the mark
//     of a page flattened without spaces between its elements. The caption
//     is the credit's unit and what leads into it on the same line (see
//     clean.cc, step 3).
// All take one unit's text without surrounding whitespace. Hand-written
// scanners, linear in the text; thread-safe.
#ifndef DOPPEL_CLEAN_JUNK_H_
#define DOPPEL_CLEAN_JUNK_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace doppel {

// Prose: a unit of at least kProseMinWords words that ends a sentence, or
// of at least kProseLongWords words whatever its end. Headings, bylines,
// dates, menu items and share buttons are not prose.
inline constexpr size_t kProseMinWords = 4;
inline constexpr size_t kProseLongWords = 12;
// Video titles are short: a unit ending in a duration with more words is
// a sentence that happens to end in a time.
inline constexpr size_t kVideoTitleMaxWords = 20;

// Curly quotes become straight ones and no-break spaces plain spaces, so
// that the footers match however the site typeset them.
std::string FoldQuotes(std::string_view s);

// Ends with '.', '!' or '?' (not an ellipsis), then only closing quotes or
// brackets.
bool EndsSentence(std::string_view s);
bool IsProse(std::string_view s, size_t words);
// Ends with '.' (an ellipsis too), then only closing quotes or brackets.
bool EndsWithPeriod(std::string_view s);

// "The post TITLE appeared first on SITE." (on FoldQuotes text): true, and
// *title gets TITLE (1-400 characters; SITE 1-200).
bool PostFooterTitle(std::string_view s, std::string_view* title);
// "Read more at ..." of at most 200 more characters.
bool IsReadMoreFooter(std::string_view s);
// After trimming " .:-|": one word of >= kAllCapsMarker capital letters only.
bool IsCapsMarker(std::string_view s);
// The title of an embedded video: a short unit that ends in a duration
// ("m:ss", "mm:ss", "h:mm:ss") without sentence punctuation, and has no
// other number (a date before a time makes a timestamp: "Posted by: Ann |
// November 7, 2012 6:34").
bool IsVideoTitle(std::string_view s, size_t words);
// Ends with "..." or "…", or contains an identifier like "music_note".
bool IsUiPlaceholder(std::string_view s);

// A whitespace-free piece that is a web address: the head of one
// (text/url.h: "http://", "https://", "ftp://" in any case, or "www." and a
// letter or digit) then something, after an optional opening bracket or
// quote.
bool IsUrlPiece(std::string_view piece);
// Every whitespace piece of s (at least one) is a web address.
bool IsBareUrl(std::string_view s);

// A credit is short: names and agencies, not a sentence.
inline constexpr size_t kCreditMaxWords = 10;
// A caption with its alt text and its credit is a few lines at most.
inline constexpr size_t kCaptionMaxWords = 100;
// s ends with an image credit (see above): true, and *marker gets the byte
// offset in s where the credit marker starts ("Image" of "leftImage: ...").
bool EndsWithCredit(std::string_view s, size_t* marker);

}  // namespace doppel

#endif  // DOPPEL_CLEAN_JUNK_H_
