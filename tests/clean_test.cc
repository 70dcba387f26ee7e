// Cleaning (doppel/fuse.h: CleanDocuments) and its scanners (src/clean/):
// one case per kind of boilerplate, on corpora made here, and the
// properties every cleaned document has.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "clean/junk.h"
#include "clean/segment.h"
#include "doppel/fuse.h"
#include "doppel/text.h"
#include "news_gen.h"

namespace doppel {
namespace {

using doppel_test::JoinLines;
using doppel_test::NewsGen;

// prefix + n (built by appending: GCC 12 warns falsely on "x" + to_string(n)).
std::string Named(std::string prefix, uint32_t n) {
  prefix.append(std::to_string(n));
  return prefix;
}

// A corpus under construction: documents with their sources and clusters.
struct Builder {
  Corpus corpus;
  std::vector<uint32_t> cluster;
  uint32_t Add(const std::string& text, const std::string& source, uint32_t story) {
    corpus.docs.push_back({Named("\"d", static_cast<uint32_t>(corpus.docs.size())) + "\"", text, source});
    cluster.push_back(story);
    return static_cast<uint32_t>(corpus.docs.size() - 1);
  }
  std::vector<CleanedDocument> Clean(const CleanOptions& o = {}) const { return CleanDocuments(corpus, cluster, o); }
};

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }


// The units of a text, as strings.
std::vector<std::string> Units(const std::string& text) {
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  std::vector<std::string> out;
  for (const Unit& u : SegmentUnits(text, tokens)) out.push_back(text.substr(u.begin, u.end - u.begin));
  return out;
}

// Code points of s[a, b).
std::string SliceCp(const std::string& s, uint32_t a, uint32_t b) {
  std::string out;
  uint32_t cp = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool lead = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (lead) ++cp;
    if (cp > a && cp <= b) out.push_back(s[i]);
  }
  return out;
}

TEST(Segment, SentencesLinesAndMarkers) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Units("One two three. Four five six.\nSeven eight"), (V{"One two three.", "Four five six.", "Seven eight"}));
  // Capital letters of any cased script start a sentence; an ellipsis does not end one.
  EXPECT_EQ(Units("Il est parti. Élise reste. Όλοι μένουν."), (V{"Il est parti.", "Élise reste.", "Όλοι μένουν."}));
  EXPECT_EQ(Units("Wait... And then \"Quoted.\" (Aside.) 42 follows."),
            (V{"Wait... And then \"Quoted.\"", "(Aside.)", "42 follows."}));
  // Lower case after a period is no sentence start.
  EXPECT_EQ(Units("See e.g. this one."), (V{"See e.g. this one."}));
  // A standalone marker is a unit of its own; a dateline or a phrase in capitals is not cut.
  EXPECT_EQ(Units("the credit line ADVERTISEMENT The story goes on"),
            (V{"the credit line", "ADVERTISEMENT", "The story goes on"}));
  EXPECT_EQ(Units("CLEVELAND, Ohio - The band will tour."), (V{"CLEVELAND, Ohio - The band will tour."}));
  EXPECT_EQ(Units("vote for (HOUSE INCUMBENT) today"), (V{"vote for (HOUSE INCUMBENT) today"}));
  // A video title starts after a duration; a time of day is not one.
  EXPECT_EQ(Units("the parade in full 02:59 Kim is delighted"), (V{"the parade in full 02:59", "Kim is delighted"}));
  EXPECT_EQ(Units("Posted at 10:41 AM by Ann"), (V{"Posted at 10:41 AM by Ann"}));
  // A footer stays whole whatever its title holds.
  EXPECT_EQ(Units("Text ends here. The post U.S. Army wins. Again appeared first on Site News."),
            (V{"Text ends here.", "The post U.S. Army wins. Again appeared first on Site News."}));
  // Blank lines give no unit; every token belongs to one unit.
  EXPECT_EQ(Units("\n\n  A b.  \n\n"), (V{"A b."}));
  // Web addresses between sentences are a unit; one inside a sentence is not cut out.
  EXPECT_EQ(Units("the end here. https://a.example/p/x1 www.b.example Next one"),
            (V{"the end here.", "https://a.example/p/x1 www.b.example", "Next one"}));
  EXPECT_EQ(Units("see https://a.example/x for more"), (V{"see https://a.example/x for more"}));
}

TEST(Junk, Patterns) {
  std::string_view title;
  EXPECT_TRUE(PostFooterTitle("The post Big news today appeared first on Daily Site.", &title));
  EXPECT_EQ(title, "Big news today");
  EXPECT_FALSE(PostFooterTitle("The postman came.", &title));
  EXPECT_TRUE(IsReadMoreFooter("Read more at example.com"));
  EXPECT_FALSE(IsReadMoreFooter("Read more attractively written books."));
  EXPECT_TRUE(IsCapsMarker("ADVERTISEMENT"));
  EXPECT_TRUE(IsCapsMarker("- SPONSORED -"));
  EXPECT_FALSE(IsCapsMarker("UNESCO"));       // an acronym
  EXPECT_TRUE(IsCapsMarker("ΔΙΑΦΗΜΙΣΗΣΗ"));   // capitals of any script
  EXPECT_TRUE(IsVideoTitle("Watch the parade in full 02:59", 6));
  EXPECT_TRUE(IsVideoTitle("The whole speech 1:02:59", 4));
  EXPECT_FALSE(IsVideoTitle("Posted by: Ann | November 7, 2012 at 6:34", 9));  // a timestamp
  EXPECT_FALSE(IsVideoTitle("It ended at 10:30.", 4));
  EXPECT_TRUE(IsUiPlaceholder("radio Loading ..."));
  EXPECT_TRUE(IsUiPlaceholder("music_note NOW PLAYING"));
  EXPECT_FALSE(IsUiPlaceholder("Call_Me maybe"));  // an identifier is lower case
  EXPECT_FALSE(IsUiPlaceholder("November 5, 2012"));
  EXPECT_TRUE(IsProse("A short but complete sentence.", 5));
  EXPECT_FALSE(IsProse("Related stories", 2));
  EXPECT_FALSE(IsProse("Wait for it...", 3));
  EXPECT_TRUE(EndsSentence("He said \"yes.\""));
  EXPECT_FALSE(EndsSentence("And so on..."));
  EXPECT_TRUE(IsBareUrl("https://a.example/p/4xq"));
  EXPECT_TRUE(IsBareUrl("www.a.example (http://b.example/x)"));
  EXPECT_FALSE(IsBareUrl("see www.a.example"));
  EXPECT_FALSE(IsBareUrl("http://"));
  EXPECT_TRUE(IsBareUrl("HTTPS://A.EXAMPLE/P ftp://b.example/f"));  // find's heads (text/url.h)
  EXPECT_FALSE(IsBareUrl("www.-"));
  size_t m = 0;
  // Credit markers, standing alone or glued to the caption's last word.
  EXPECT_TRUE(EndsWithCredit("boats on the river at nightImage: Ann Lee/Agency/photo pool", &m));
  EXPECT_EQ(m, 27u);
  EXPECT_TRUE(EndsWithCredit("Photograph: Jane Roe for the Daily", &m));
  EXPECT_EQ(m, 0u);
  EXPECT_TRUE(EndsWithCredit("(Credit: Bo Chen/Wire)", &m));
  EXPECT_TRUE(EndsWithCredit("The pier. Photo Credit: Courtesy of Harbor Museum", &m));
  EXPECT_EQ(m, 16u);
  // Not a credit: a sentence follows, the words are not names, too long, a
  // marker inside a name.
  EXPECT_FALSE(EndsWithCredit("Photo: Jane Roe/Wire. Then the crowd went home and slept", &m));
  EXPECT_FALSE(EndsWithCredit("Photos: shooting at the mall today", &m));
  EXPECT_FALSE(EndsWithCredit("Photos: Best Shots From The Big Parade Of This Very Long Week Again", &m));
  EXPECT_FALSE(EndsWithCredit("open it in iPhoto: Library", &m));
  EXPECT_FALSE(EndsWithCredit("A plain sentence without any credit.", &m));
}

// Three stories on one site share its menu and footer; a fourth site has
// one story with the same short menu, and no evidence against it.
TEST(Clean, SiteChromeRepeatedAcrossStories) {
  NewsGen gen(1);
  const std::string menu = gen.MenuLine(3), footer = "Copyright the site owners, all rights reserved, contact us";
  Builder b;
  std::vector<std::vector<std::string>> articles;
  for (uint32_t s = 0; s < 3; ++s) {
    articles.push_back(gen.Article(4));
    b.Add(menu + "\n" + JoinLines(articles.back()) + "\n" + footer, "site-a.example", s);
  }
  std::vector<std::string> lone = gen.Article(3);
  b.Add(menu + "\n" + JoinLines(lone), "site-b.example", 3);
  auto cleaned = b.Clean();
  for (uint32_t s = 0; s < 3; ++s) {
    EXPECT_FALSE(Has(cleaned[s].text, menu)) << s;
    EXPECT_FALSE(Has(cleaned[s].text, "all rights reserved")) << s;
    EXPECT_EQ(cleaned[s].text, JoinLines(articles[s]));
  }
  EXPECT_TRUE(Has(cleaned[3].text, menu));
}

// Flattened pages of the same site: chrome glued to sentences is cut off.
TEST(Clean, FlattenedChromeIsCutOff) {
  NewsGen gen(2);
  const std::string head = "Home | News | Sports | Weather | Contact the newsroom today", tail = "Share this story";
  Builder b;
  std::vector<std::string> bodies;
  for (uint32_t s = 0; s < 3; ++s) {
    bodies.push_back(gen.Paragraph() + " " + gen.Paragraph());
    b.Add(head + " " + bodies.back() + " " + tail + " on social media and more", "flat.example", s);
  }
  auto cleaned = b.Clean();
  for (uint32_t s = 0; s < 3; ++s) {
    EXPECT_FALSE(Has(cleaned[s].text, "Home | News")) << cleaned[s].text;
    EXPECT_FALSE(Has(cleaned[s].text, "social media")) << cleaned[s].text;
    EXPECT_TRUE(Has(cleaned[s].text, bodies[s].substr(20, 60)));
  }
}

// Copies of one story on one site, with the same chrome: the clustering
// joins them, or splits them (the guard must keep their shared article).
TEST(Clean, SameSiteCopiesKeepTheirArticle) {
  for (bool split : {false, true}) {
    NewsGen gen(3);
    const std::string menu = gen.MenuLine(5);
    Builder b;
    std::vector<std::string> story = gen.Article(5);
    b.Add(menu + "\n" + JoinLines(story), "one.example", 0);
    b.Add(menu + "\n" + JoinLines(story), "one.example", split ? 1 : 0);
    b.Add(menu + "\n" + JoinLines(gen.Article(4)), "one.example", 2);
    auto cleaned = b.Clean();
    for (uint32_t d = 0; d < 2; ++d) {
      EXPECT_EQ(cleaned[d].text, JoinLines(story)) << "split " << split;
    }
  }
}

// A source with few pages whose chrome outweighs each article: its chrome
// is held by only a few documents, but it is not a split story's text (no
// other source carries it), so the guard must not join the pages and keep
// it. A story split in two clusters on that source still keeps its text,
// which its reprint elsewhere carries too.
TEST(Clean, SmallSourceChromeIsNotASplitStory) {
  NewsGen gen(11);
  std::vector<std::string> chrome;
  for (int i = 0; i < 40; ++i) chrome.push_back(gen.MenuLine(6));
  const std::string side = JoinLines(chrome);
  Builder b;
  std::vector<std::vector<std::string>> articles;
  for (uint32_t s = 0; s < 2; ++s) {
    articles.push_back(gen.Article(1));
    b.Add(side + "\n" + JoinLines(articles[s]) + "\n" + side, "small.example", s);
  }
  // Story 2 on the small source twice, split by the clustering, each page
  // with its own "Most read" box: four pages in all.
  articles.push_back(gen.Article(2));
  b.Add(side + "\n" + JoinLines(articles[2]) + "\n" + gen.MenuLine(4), "small.example", 2);
  b.Add(side + "\n" + JoinLines(articles[2]) + "\n" + gen.MenuLine(4), "small.example", 3);
  for (uint32_t s = 0; s < 3; ++s) b.Add(JoinLines(articles[s]), Named("reprint", s) + ".example", s);
  auto cleaned = b.Clean();
  for (uint32_t d = 0; d < 4; ++d) {
    EXPECT_FALSE(Has(cleaned[d].text, chrome[0])) << d;
    EXPECT_FALSE(Has(cleaned[d].text, chrome[7])) << d;
    const uint32_t s = d < 3 ? d : 2;
    EXPECT_TRUE(Has(cleaned[d].text, JoinLines(articles[s]))) << d << ": " << cleaned[d].text;
  }
}

// Text that the site repeats on its other stories but that another copy of
// the story, on another site, has as text is article (comment bylines).
TEST(Clean, StoryTextSurvivesLocalRepeats) {
  NewsGen gen(4);
  const std::string byline = "Posted by: Jan Novak | October 30, 2012 at 10:34 AM";
  Builder b;
  std::vector<std::string> story = gen.Article(3);
  std::vector<std::string> other = gen.Article(3);
  b.Add(JoinLines(story) + "\n" + byline + "\n" + gen.Sentence(9), "blog.example", 0);
  b.Add(JoinLines(other) + "\n" + byline + "\n" + gen.Sentence(9), "blog.example", 1);
  b.Add(JoinLines(story) + "\n" + byline, "reprint.example", 0);
  auto cleaned = b.Clean();
  EXPECT_TRUE(Has(cleaned[0].text, byline));
  EXPECT_FALSE(Has(cleaned[1].text, byline));  // no copy elsewhere speaks for it
}

TEST(Clean, SyndicationFooterAndMarkers) {
  NewsGen gen(5);
  std::vector<std::string> story = gen.Article(3);
  const std::string p1 = gen.Paragraph(), p2 = gen.Paragraph();
  Builder b;
  b.Add(JoinLines(story) + "\nThe post " + story[0] + " appeared first on Example News.", "feed.example", 0);
  b.Add(p1 + " ADVERTISEMENT " + p2, "paper.example", 1);
  b.Add("CLEVELAND, Ohio - " + p1, "paper2.example", 2);
  auto cleaned = b.Clean();
  EXPECT_EQ(cleaned[0].text, JoinLines(story));
  EXPECT_EQ(cleaned[1].text, p1 + " " + p2);
  EXPECT_TRUE(Has(cleaned[2].text, "CLEVELAND, Ohio"));
}

TEST(Clean, VideoTitlesAndTimestamps) {
  NewsGen gen(6);
  const std::string p1 = gen.Paragraph(), p2 = gen.Paragraph();
  Builder b;
  b.Add(p1 + "\nWatch the whole parade again 02:59\n" + p2, "tv.example", 0);
  b.Add(p1 + " Watch the whole parade again 02:59 " + p2, "tv2.example", 1);
  b.Add(p1 + "\nPosted by: Jan | November 7, 2012 6:34 PM\n" + p2, "blog.example", 2);
  auto cleaned = b.Clean();
  EXPECT_EQ(cleaned[0].text, p1 + "\n" + p2);
  EXPECT_EQ(cleaned[1].text, p1 + " " + p2);
  EXPECT_TRUE(Has(cleaned[2].text, "November 7, 2012 6:34 PM"));
}

TEST(Clean, ExcerptLosesItsPageTitle) {
  NewsGen gen(7);
  std::vector<std::string> story = gen.Article(2);
  Builder b;
  b.Add(story[0] + " | Example Blog\n" + JoinLines(story) + "\nRead more at Example Blog", "agg.example", 0);
  auto cleaned = b.Clean();
  EXPECT_EQ(cleaned[0].text, JoinLines(story));
}

TEST(Clean, UiPlaceholdersBeforeTheLead) {
  NewsGen gen(8);
  const std::string lead = gen.Paragraph();
  Builder b;
  b.Add("radio Loading ...\n\nschedule ON AIR: 7:05 - 8:30\n\nmusic_note NOW PLAYING\n\nNovember 5, 2012\n" + lead,
        "radio.example", 0);
  auto cleaned = b.Clean();
  EXPECT_EQ(cleaned[0].text, "November 5, 2012\n" + lead);
}

// A flattened page (its lines lost) with a photo between the lead and the
// body: a bare link, the photo's alt text (no final stop, ending in a
// date), its caption glued to the credit marker, then the body. The lead
// stays; link, alt text, caption and credit go.
TEST(Clean, FlattenedCaptionWithGluedCredit) {
  NewsGen gen(11);
  const std::string lead = gen.Paragraph(), body = gen.Paragraph(), more = gen.Paragraph();
  std::string alt = gen.Sentence(14), caption = gen.Sentence(11);
  alt.pop_back();
  caption.pop_back();
  alt += " on Monday, Oct. 7, 2024";
  const std::string credit = "Image: Ann Lee/Wire Agency/photo pool";
  Builder b;
  b.Add("radio Loading ...\n\n" + lead + " https://s.example/p/4k2x " + alt + " " + caption + credit +
            " ADVERTISEMENT " + body + "\n" + more,
        "flat.example", 0);
  // Without the marker after it, a line break ends the credit.
  b.Add(lead + " " + alt + " " + caption + credit + "\n" + body, "flat2.example", 1);
  auto cleaned = b.Clean();
  EXPECT_EQ(cleaned[0].text, lead + " " + body + "\n" + more);
  EXPECT_EQ(cleaned[1].text, lead + "\n" + body);
}

// Bare links between sentences or on a line of their own go; a link that a
// sentence names stays.
TEST(Clean, BareUrls) {
  NewsGen gen(12);
  const std::string p1 = gen.Paragraph(), p2 = gen.Paragraph();
  const std::string named = "Details are at www.example.org for every reader.";
  Builder b;
  b.Add(p1 + " https://x.example/a/b?id=7 " + p2, "a.example", 0);
  b.Add(p1 + "\nhttp://x.example/feed\n" + p2 + " " + named, "b.example", 1);
  auto cleaned = b.Clean();
  EXPECT_EQ(cleaned[0].text, p1 + " " + p2);
  EXPECT_EQ(cleaned[1].text, p1 + "\n" + p2 + " " + named);
}

// A publisher's photo caption that the copies of a story on other sources
// carry too travels with the article (a reprint keeps it): it stays. The
// same caption on one copy only, or on copies of one source only (two
// scrapes of one page), is the page's figure: it goes.
TEST(Clean, CaptionEveryCopyCarries) {
  NewsGen gen(13);
  std::vector<std::string> story = gen.Article(3);
  const std::string caption = gen.Sentence(9) + " Photograph: Jane Roe/Wire";
  std::vector<std::string> with = story;
  with.insert(with.begin() + 2, caption);
  Builder b;
  b.Add(JoinLines(with), "paper.example", 0);
  b.Add(JoinLines(with), "reprint.example", 0);
  b.Add(JoinLines(with), "one.example", 1);
  b.Add(JoinLines(with), "one.example", 1);
  b.Add(JoinLines(with), "alone.example", 2);
  auto cleaned = b.Clean();
  EXPECT_EQ(cleaned[0].text, JoinLines(with));
  EXPECT_EQ(cleaned[1].text, JoinLines(with));
  for (uint32_t d = 2; d < 5; ++d) EXPECT_EQ(cleaned[d].text, JoinLines(story)) << d;
}

// A "Related stories" list names other stories of the corpus; their own
// copies keep their titles.
TEST(Clean, RelatedStoriesList) {
  NewsGen gen(9);
  std::vector<std::vector<std::string>> stories;
  for (int s = 0; s < 5; ++s) stories.push_back(gen.Article(3));
  Builder b;
  for (uint32_t s = 1; s < 4; ++s) {
    b.Add(JoinLines(stories[s]), Named("s.example/", s), s);
    b.Add(JoinLines(stories[s]), Named("t.example/", s), s);
  }
  const std::string related = "Related stories\n" + stories[1][0] + "\n" + stories[2][0] + "\n" + stories[3][0];
  const uint32_t lined = b.Add(JoinLines(stories[0]) + "\n" + related, "a.example", 0);
  std::string flat = JoinLines(stories[4], " ") + " Related stories " + stories[1][0] + " " + stories[2][0] + " " +
                     stories[3][0];
  const uint32_t flattened = b.Add(flat, "b.example", 4);
  auto cleaned = b.Clean();
  // The list's heading stays: one page of this site tells nothing about it.
  EXPECT_EQ(cleaned[lined].text, JoinLines(stories[0]) + "\nRelated stories");
  EXPECT_FALSE(Has(cleaned[flattened].text, stories[2][0])) << cleaned[flattened].text;
  EXPECT_TRUE(Has(cleaned[flattened].text, stories[4][1]));
  for (uint32_t d = 0; d < 6; ++d) EXPECT_TRUE(Has(cleaned[d].text, stories[d / 2 + 1][0])) << d;
}

// Pieces slice the original text in code points and the cleaned text too.
TEST(Clean, PiecesPointIntoTheOriginal) {
  NewsGen gen(10);
  Builder b;
  const std::string menu = "Accueil | Économie | Société | Κόσμος";
  for (uint32_t s = 0; s < 3; ++s) {
    b.Add(menu + "\n" + gen.Paragraph() + Named(" « Élan » n° ", s) + ", café naïve.\n" + gen.Paragraph() +
              " ✓ ADVERTISEMENT " + gen.Paragraph(),
          "fr.example", s);
  }
  auto cleaned = b.Clean();
  for (uint32_t d = 0; d < 3; ++d) {
    const CleanedDocument& c = cleaned[d];
    ASSERT_FALSE(c.pieces.empty());
    uint32_t prev_end = 0;
    for (const auto& p : c.pieces) {
      EXPECT_EQ(p.clean_end - p.clean_start, p.orig_end - p.orig_start);
      EXPECT_EQ(SliceCp(c.text, p.clean_start, p.clean_end), SliceCp(b.corpus.docs[d].text, p.orig_start, p.orig_end));
      EXPECT_GE(p.clean_start, prev_end);
      prev_end = p.clean_end;
    }
    EXPECT_FALSE(Has(c.text, "Économie"));
    EXPECT_FALSE(Has(c.text, "ADVERTISEMENT"));
    EXPECT_TRUE(Has(c.text, Named(" « Élan » n° ", d) + ", café naïve.")) << c.text;
  }
}

// A Markdown link keeps its words and loses its markup and address (an
// image its "!" too); the pieces still slice the cleaned text out of the
// original. A link whose words hold a sentence end (two units) loses its
// "[" as well, and a line that is nothing but a link's markup is left out
// with its line break. Brackets that are not a link's, and a link whose
// address is not closed, stay.
TEST(Clean, MarkdownLinksKeepTheirWords) {
  NewsGen gen(15);
  const std::string p1 = gen.Paragraph(), p2 = gen.Paragraph();
  const std::string linked =
      "The [city council](https://www.example.com/news/council-2012-11?id=4) voted, see [its report]"
      "(http://example.org/wiki/Report_(2012)) and [1] in (www.example.net/x, still open. The [mayor left. "
      "Members](https://example.com/m) stayed and ![A view of the hall](https://cdn.example.com/h.jpg) "
      "shows [y](www.example.net/y, still open.";
  const std::string plain =
      "The city council voted, see its report and [1] in (www.example.net/x, still open. The mayor left. "
      "Members stayed and A view of the hall shows [y](www.example.net/y, still open.";
  Builder b;
  b.Add(p1 + "\n" + linked + "\n[](https://www.example.com/icon)\n" + p2, "a.example", 0);
  auto cleaned = b.Clean();
  EXPECT_EQ(cleaned[0].text, p1 + "\n" + plain + "\n" + p2);
  uint32_t prev_end = 0;
  for (const auto& p : cleaned[0].pieces) {
    EXPECT_EQ(SliceCp(cleaned[0].text, p.clean_start, p.clean_end),
              SliceCp(b.corpus.docs[0].text, p.orig_start, p.orig_end));
    EXPECT_GE(p.clean_start, prev_end);
    prev_end = p.clean_end;
  }
}

TEST(Clean, Deterministic) {
  NewsGen gen(11);
  Builder b;
  const std::string menu = gen.MenuLine(5);
  for (uint32_t s = 0; s < 20; ++s) b.Add(menu + "\n" + JoinLines(gen.Article(3)), Named("x", s % 3), s / 2);
  auto first = b.Clean();
  auto second = b.Clean();
  for (size_t d = 0; d < first.size(); ++d) EXPECT_EQ(first[d].text, second[d].text);
}

}  // namespace
}  // namespace doppel
