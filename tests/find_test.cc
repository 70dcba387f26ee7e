// Story clustering by passage alignment on constructed corpora: site chrome,
// shared quotations, excerpts, "Related stories" lists, offsets, determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <tbb/global_control.h>

#include "doppel/find.h"
#include "doppel/text.h"
#include "find/boilerplate.h"
#include "find/menus.h"
#include "find/tokenized.h"
#include "news_gen.h"

namespace {

using doppel::Corpus;
using doppel::CorpusDocument;
using doppel_test::JoinLines;
using doppel_test::NewsGen;

struct Site {
  std::string name;
  std::vector<std::string> header, footer;
};

Site MakeSite(NewsGen& g, const std::string& name) {
  Site s{name, {}, {}};
  for (int i = 0; i < 3; ++i) s.header.push_back(g.MenuLine(6));
  s.footer.push_back("Copyright " + g.Sentence(10));
  s.footer.push_back(g.MenuLine(8));
  s.footer.push_back("Subscribe to our newsletter " + g.Sentence(7));
  return s;
}

std::string Page(const Site& site, const std::vector<std::string>& article,
                 const std::vector<std::string>& related = {}) {
  std::vector<std::string> lines = site.header;
  lines.insert(lines.end(), article.begin(), article.end());
  if (!related.empty()) {
    lines.push_back("Related stories");
    lines.insert(lines.end(), related.begin(), related.end());
  }
  lines.insert(lines.end(), site.footer.begin(), site.footer.end());
  return JoinLines(lines);
}

void Add(Corpus* c, const std::string& id, std::string text, const std::string& source) {
  c->docs.push_back(CorpusDocument{"\"" + id + "\"", std::move(text), source});
}

// Cluster names by document id.
std::map<std::string, uint32_t> Clusters(const Corpus& c, const doppel::FindOptions& o = {}) {
  auto r = doppel::FindCopies(c, o);
  EXPECT_TRUE(r.ok()) << r.status().message();
  std::map<std::string, uint32_t> out;
  for (size_t d = 0; d < c.docs.size(); ++d) out[c.docs[d].id_json] = r->cluster[d];
  return out;
}

// `count` pages of other stories, each alone on its own site ("x0".."xN"):
// enough documents that a template's few pages are below the cap on
// document frequency (the square root of the documents).
void AddLonePages(Corpus* c, NewsGen& g, int count) {
  for (int i = 0; i < count; ++i) Add(c, fmt::format("x{}", i), JoinLines(g.Article(2)), fmt::format("x{}.example", i));
}

// `count` other stories of `paragraphs` paragraphs without a source
// ("other0".."otherN"): enough documents that a few copies are below the
// cap on document frequency.
void AddOtherStories(Corpus* c, NewsGen& g, int count, int paragraphs) {
  for (int i = 0; i < count; ++i) Add(c, fmt::format("other{}", i), JoinLines(g.Article(paragraphs)), "");
}

// Clusters with every aligned pair kept: without the bridge and junction
// rules (bridge_min_neighbours 0), to show what a rule changes.
std::map<std::string, uint32_t> ClustersKeepingEveryPair(const Corpus& c) {
  doppel::FindOptions keep_all;
  keep_all.bridge_min_neighbours = 0;
  return Clusters(c, keep_all);
}

bool Together(const std::map<std::string, uint32_t>& cl, const std::string& a, const std::string& b) {
  return cl.at("\"" + a + "\"") == cl.at("\"" + b + "\"");
}

// Two sites, each with its own chrome; every page a different story, plus
// one story published on both sites.
struct TwoSites {
  Corpus corpus;
  std::vector<std::string> headlines;
};

TwoSites BuildTwoSites(bool with_related, int pages_per_site = 8) {
  NewsGen g(11);
  Site a = MakeSite(g, "news.example"), b = MakeSite(g, "daily.example");
  TwoSites t;
  std::vector<std::vector<std::string>> stories;
  for (int i = 0; i < 2 * pages_per_site; ++i) {
    stories.push_back(g.Article(6));
    t.headlines.push_back(stories.back()[0]);
  }
  for (int i = 0; i < 2 * pages_per_site; ++i) {
    const Site& s = i < pages_per_site ? a : b;
    std::vector<std::string> related;
    if (with_related) {
      for (int k = 1; k <= 3; ++k) related.push_back(t.headlines[(i + k) % stories.size()]);
    }
    Add(&t.corpus, fmt::format("p{}", i), Page(s, stories[i], related), fmt::format("https://{}/{}", s.name, i));
  }
  // Story 0 republished on site b.
  Add(&t.corpus, "copy0", Page(b, stories[0]), "https://" + b.name + "/copy");
  for (auto& d : t.corpus.docs) d.source = doppel::SourceKey(d.source);
  return t;
}

TEST(FindClusters, SharedChromeDoesNotJoinDifferentStories) {
  TwoSites t = BuildTwoSites(false);
  auto cl = Clusters(t.corpus);
  EXPECT_TRUE(Together(cl, "p0", "copy0"));
  std::set<uint32_t> distinct;
  for (int i = 0; i < 16; ++i) distinct.insert(cl.at(fmt::format("\"p{}\"", i)));
  EXPECT_EQ(distinct.size(), 16u) << "two different stories share a cluster";
}

TEST(FindClusters, RelatedStoriesListsDoNotJoinStories) {
  TwoSites t = BuildTwoSites(true);
  auto cl = Clusters(t.corpus);
  EXPECT_TRUE(Together(cl, "p0", "copy0"));
  std::set<uint32_t> distinct;
  for (int i = 0; i < 16; ++i) distinct.insert(cl.at(fmt::format("\"p{}\"", i)));
  EXPECT_EQ(distinct.size(), 16u);
}

TEST(FindClusters, ChromeIsLearnedFromRepetitionWithoutSources) {
  TwoSites t = BuildTwoSites(false, 12);
  doppel::FindOptions o;
  o.use_sources = false;
  for (auto& d : t.corpus.docs) d.source.clear();
  auto cl = Clusters(t.corpus, o);
  EXPECT_TRUE(Together(cl, "p0", "copy0"));
  std::set<uint32_t> distinct;
  for (int i = 0; i < 24; ++i) distinct.insert(cl.at(fmt::format("\"p{}\"", i)));
  EXPECT_EQ(distinct.size(), 24u);
}

// The pseudo-sources that InferSources gives the texts, by index.
std::vector<uint32_t> Inferred(const std::vector<std::string>& texts) {
  doppel::TokenizedCorpus tc{doppel::TokenStore(size_t{1} << 30, ""), std::vector<uint32_t>(texts.size(), 0), 0, false, {}, {}, {}};
  for (const std::string& t : texts) {
    std::vector<doppel::Token> tokens;
    doppel::TokenizeCodePoints(t, &tokens);
    EXPECT_TRUE(tc.tokens.Append(tokens).ok());
  }
  EXPECT_TRUE(tc.tokens.Finish().ok());
  EXPECT_TRUE(doppel::InferSources(&tc, 5).ok());
  return tc.source;
}

// Three or more identical documents are copies, not a site: their text
// is not a template, also when one more page opens like them (identical
// texts count once, and a template is shared by three different texts). A
// site that posted one story twice among two other pages is still a site,
// and so are pages that are mostly chrome around short articles.
TEST(InferSources, IdenticalDocumentsAreNoSite) {
  NewsGen g(41);
  const std::string story = JoinLines(g.Article(6));
  std::vector<std::string> texts;
  for (int i = 0; i < 4; ++i) texts.push_back(story);
  // A page that opens like the story and goes on with another text.
  texts.push_back(story.substr(0, story.find(' ', 40)) + " " + JoinLines(g.Article(4)));
  const Site site = MakeSite(g, "site.example");
  const std::vector<std::string> twice = g.Article(3);
  texts.push_back(Page(site, twice));
  texts.push_back(Page(site, twice));
  texts.push_back(Page(site, g.Article(3)));
  texts.push_back(Page(site, g.Article(3)));
  Site heavy = MakeSite(g, "heavy.example");
  for (int i = 0; i < 8; ++i) heavy.header.push_back(g.MenuLine(8));
  for (int i = 0; i < 3; ++i) texts.push_back(Page(heavy, {g.Sentence(12)}));
  auto source = Inferred(texts);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(source[i], 0u) << "copy " << i;
  EXPECT_NE(source[5], 0u);
  for (int i = 6; i < 9; ++i) EXPECT_EQ(source[i], source[5]) << "page " << i;
  EXPECT_NE(source[9], 0u);
  EXPECT_NE(source[9], source[5]);
  for (int i = 10; i < 12; ++i) EXPECT_EQ(source[i], source[9]) << "page " << i;
}

// A phrase that many documents share after a varying first word (a licence
// line, a byline) is no template: only the first and the last n-gram of a
// text are keys.
TEST(InferSources, APhraseAfterAVaryingFirstWordIsNoSite) {
  NewsGen g(43);
  std::vector<std::string> texts;
  for (int i = 0; i < 6; ++i) {
    texts.push_back(g.Word() + " the foo authors all rights reserved under the licence\n" + JoinLines(g.Article(3)));
  }
  for (uint32_t s : Inferred(texts)) EXPECT_EQ(s, 0u);
}

// The same without the API: three identical documents and no source field
// are one cluster (their text is not taken for a template).
TEST(FindClusters, ThreeIdenticalDocumentsWithoutSourcesJoin) {
  NewsGen g(42);
  const std::string story = JoinLines(g.Article(6));
  Corpus c;
  for (int i = 0; i < 3; ++i) Add(&c, fmt::format("copy{}", i), story, "");
  AddOtherStories(&c, g, 13, 6);
  auto cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "copy0", "copy1"));
  EXPECT_TRUE(Together(cl, "copy0", "copy2"));
  EXPECT_FALSE(Together(cl, "copy0", "other0"));
  // And with one more text that opens like them.
  Add(&c, "opens", story.substr(0, story.find(' ', 40)) + " " + JoinLines(g.Article(6)), "");
  cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "copy0", "copy1"));
  EXPECT_TRUE(Together(cl, "copy0", "copy2"));
  EXPECT_FALSE(Together(cl, "copy0", "opens"));
}

// The long tail of a crawl: sites with two pages in it. What two pages of a
// site share is their template, unless it is one story the site published
// twice, which other sites carry as well.
TEST(FindClusters, TwoPagesOfASiteShareTheirTemplateNotAStory) {
  NewsGen g(15);
  Site small = MakeSite(g, "small.example");
  const Site other = MakeSite(g, "other.example");
  // A big template (navigation, a comment form) around short articles.
  for (int i = 0; i < 8; ++i) small.footer.push_back(g.MenuLine(8));
  Corpus c;
  Add(&c, "small0", Page(small, g.Article(1)), "small.example");
  Add(&c, "small1", Page(small, g.Article(1)), "small.example");
  // The story published twice on a second small site, and once elsewhere.
  const Site twice = MakeSite(g, "twice.example");
  std::vector<std::string> repeated = g.Article(4);
  Add(&c, "twice0", Page(twice, repeated), "twice.example");
  Add(&c, "twice1", Page(twice, repeated), "twice.example");
  Add(&c, "copy", Page(other, repeated), "other.example");
  for (int i = 0; i < 8; ++i) Add(&c, fmt::format("other{}", i), Page(other, g.Article(4)), "other.example");
  // And on a third small site twice, once with its last line edited (one
  // source shows the story as chrome, one carries it: a tie is a story).
  const Site edited = MakeSite(g, "edited.example");
  std::vector<std::string> story = g.Article(4), changed = story;
  changed.back() = g.Paragraph();
  Add(&c, "edited0", Page(edited, story), "edited.example");
  Add(&c, "edited1", Page(edited, changed), "edited.example");
  Add(&c, "edited_copy", Page(other, story), "other.example");
  auto cl = Clusters(c);
  EXPECT_FALSE(Together(cl, "small0", "small1")) << "joined by their template";
  EXPECT_TRUE(Together(cl, "twice0", "twice1"));
  EXPECT_TRUE(Together(cl, "twice0", "copy"));
  EXPECT_FALSE(Together(cl, "copy", "other0"));
  EXPECT_TRUE(Together(cl, "edited0", "edited_copy"));
  EXPECT_TRUE(Together(cl, "edited1", "edited_copy"));
}

// One site posted a story three times, another twice, and no third site
// has it: each site's copies are the evidence that the other's are a story.
TEST(FindClusters, TwoSitesThatEachPostedAStoryMoreThanOnceJoinIt) {
  NewsGen g(20);
  const Site a = MakeSite(g, "a.example"), b = MakeSite(g, "b.example");
  const std::vector<std::string> story = g.Article(4);
  Corpus c;
  for (int i = 0; i < 8; ++i) Add(&c, fmt::format("a{}", i), Page(a, g.Article(4)), "a.example");
  for (int i = 0; i < 8; ++i) Add(&c, fmt::format("b{}", i), Page(b, g.Article(4)), "b.example");
  for (int i = 0; i < 3; ++i) Add(&c, fmt::format("sa{}", i), Page(a, story), "a.example");
  for (int i = 0; i < 2; ++i) Add(&c, fmt::format("sb{}", i), Page(b, story), "b.example");
  // Enough other pages that the story's five documents are below the cap
  // on document frequency (the square root of the documents).
  for (int i = 0; i < 6; ++i) Add(&c, fmt::format("x{}", i), JoinLines(g.Article(4)), fmt::format("x{}.example", i));
  auto cl = Clusters(c);
  for (const char* id : {"sa1", "sa2", "sb0", "sb1"}) EXPECT_TRUE(Together(cl, "sa0", id)) << id;
  EXPECT_FALSE(Together(cl, "sa0", "a0"));
  EXPECT_FALSE(Together(cl, "a0", "a1"));
}

// Reprint sites borrow the chrome of the sites they copy. Text that another
// site carries as its chrome is no evidence that three pages of a small
// site are one story.
TEST(FindClusters, ChromeBorrowedFromAnotherSiteIsNoStory) {
  NewsGen g(19);
  Site big = MakeSite(g, "big.example");
  for (int i = 0; i < 8; ++i) big.footer.push_back(g.MenuLine(8));  // outweighs short articles
  Site borrower = big;
  borrower.name = "borrower.example";
  Corpus c;
  for (int i = 0; i < 3; ++i) Add(&c, fmt::format("big{}", i), Page(big, g.Article(4)), "big.example");
  for (int i = 0; i < 3; ++i) Add(&c, fmt::format("b{}", i), Page(borrower, g.Article(1)), "borrower.example");
  // Enough other pages that the template's six documents are below the cap
  // on document frequency (the square root of the documents).
  AddLonePages(&c, g, 32);
  auto cl = Clusters(c);
  EXPECT_FALSE(Together(cl, "b0", "b1"));
  EXPECT_FALSE(Together(cl, "b0", "b2"));
  EXPECT_FALSE(Together(cl, "b1", "b2"));
  EXPECT_FALSE(Together(cl, "b0", "big0"));
}

// The same when the blog whose chrome two pages of a small site borrowed
// has one page in the corpus, alone on its site: a page alone shows nothing
// of its own chrome, so the template it carries is no evidence that the
// two pages share a story (a story that two or more lone pages carry is:
// AStoryASitePostedThreeTimesThatManyOthersCarryJoinsItsCopies).
TEST(FindClusters, ChromeOfABlogWithOnePageIsNoStory) {
  NewsGen g(44);
  Site blog = MakeSite(g, "blog.example");
  for (int i = 0; i < 8; ++i) blog.footer.push_back(g.MenuLine(8));  // outweighs short articles
  Corpus c;
  Add(&c, "blog", Page(blog, g.Article(1)), "blog.example");
  for (int i = 0; i < 2; ++i) Add(&c, fmt::format("p{}", i), Page(blog, g.Article(1)), "small.example");
  AddLonePages(&c, g, 32);
  auto cl = Clusters(c);
  EXPECT_FALSE(Together(cl, "p0", "p1"));
  EXPECT_FALSE(Together(cl, "p0", "blog"));
  EXPECT_FALSE(Together(cl, "p1", "blog"));
}

// Reprint sites borrow the chrome of the sites they copy, and a crawl may
// hold two pages of each. Two small sites that each show a blog's template
// on both of their pages show it as their chrome; a third that shows it on
// one of its two pages is no evidence that it is a story, as it is where
// no site shows it as chrome (ChromeBorrowedFromAnotherSiteIsNoStory).
// The pages' stories still join their copies.
TEST(FindClusters, ChromeThatSmallSitesShowOnAllTheirPagesIsNoStory) {
  NewsGen g(45);
  Site blog = MakeSite(g, "blog.example");
  for (int i = 0; i < 8; ++i) blog.footer.push_back(g.MenuLine(8));  // outweighs short articles
  const Site other = MakeSite(g, "other.example");
  Corpus c;
  std::vector<std::vector<std::string>> stories;
  for (int site = 0; site < 3; ++site) {
    for (int page = 0; page < 2; ++page) {
      stories.push_back(g.Article(1));
      // The third site's second page does not show the template.
      const Site& chrome = site == 2 && page == 1 ? other : blog;
      Add(&c, fmt::format("r{}p{}", site, page), Page(chrome, stories.back()), fmt::format("r{}.example", site));
    }
  }
  // Each story also on a large site of its own chrome.
  for (size_t i = 0; i < stories.size(); ++i) Add(&c, fmt::format("copy{}", i), Page(other, stories[i]), "other.example");
  for (int i = 0; i < 12; ++i) Add(&c, fmt::format("other{}", i), Page(other, g.Article(3)), "other.example");
  AddLonePages(&c, g, 32);
  auto cl = Clusters(c);
  EXPECT_FALSE(Together(cl, "r0p0", "r0p1"));
  EXPECT_FALSE(Together(cl, "r1p0", "r1p1"));
  EXPECT_FALSE(Together(cl, "r0p0", "r1p0"));
  EXPECT_FALSE(Together(cl, "r0p0", "r2p0"));
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(Together(cl, fmt::format("r{}p{}", i / 2, i % 2), fmt::format("copy{}", i))) << i;
  }
}

// The pair of documents `a`, `b` (by id) in a find result; fails the test
// when they are not a pair.
const doppel::RelatedPair* PairOf(const Corpus& c, const doppel::FindResult& r, const std::string& a,
                                  const std::string& b) {
  uint32_t x = UINT32_MAX, y = UINT32_MAX;
  for (uint32_t d = 0; d < c.docs.size(); ++d) {
    if (c.docs[d].id_json == "\"" + a + "\"") x = d;
    if (c.docs[d].id_json == "\"" + b + "\"") y = d;
  }
  if (x > y) std::swap(x, y);
  for (const doppel::RelatedPair& p : r.pairs) {
    if (p.a == x && p.b == y) return &p;
  }
  ADD_FAILURE() << a << " and " << b << " are no pair";
  return nullptr;
}

// Pages "lone0" and "lone1" (other stories) and "reprint" (a copy of the
// story of "blog0") carry the chrome of the site of "blog0".."blogN": they
// stay apart but for the reprint, which joins blog0 with at least
// `reprint_coverage` of its article text aligned.
void ExpectBorrowedChromeIsChrome(const Corpus& c, double reprint_coverage) {
  auto r = doppel::FindCopies(c, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto cl = Clusters(c);
  EXPECT_FALSE(Together(cl, "lone0", "lone1"));
  EXPECT_FALSE(Together(cl, "lone0", "blog1"));
  EXPECT_FALSE(Together(cl, "lone0", "reprint"));
  EXPECT_TRUE(Together(cl, "blog0", "reprint"));
  if (const doppel::RelatedPair* p = PairOf(c, *r, "blog0", "reprint")) {
    EXPECT_GT(p->coverage_b, reprint_coverage);
  }
}

// Pages alone on their sites that carry the chrome of a blog seen on four
// pages (reprint sites borrow the chrome of the sites they copy): the
// blog's chrome is chrome on them too, so two of them with different stories
// stay apart, and one that copies a story of the blog joins it with its
// whole article text aligned (the chrome is not counted in its text).
TEST(FindClusters, ChromeOfASiteIsChromeOnLonePagesThatBorrowIt) {
  NewsGen g(47);
  Site blog = MakeSite(g, "blog.example");
  for (int i = 0; i < 8; ++i) blog.footer.push_back(g.MenuLine(8));  // outweighs short articles
  const std::vector<std::string> story = g.Article(3);
  Corpus c;
  Add(&c, "blog0", Page(blog, story), "blog.example");
  for (int i = 1; i < 4; ++i) Add(&c, fmt::format("blog{}", i), Page(blog, g.Article(1)), "blog.example");
  for (int i = 0; i < 2; ++i) Add(&c, fmt::format("lone{}", i), Page(blog, g.Article(1)), fmt::format("lone{}.example", i));
  Add(&c, "reprint", Page(blog, story), "reprint.example");
  AddLonePages(&c, g, 80);  // the chrome's 7 documents below the cap (the square root of the documents)
  // The reprint's article text: the story, not the borrowed chrome.
  ExpectBorrowedChromeIsChrome(c, 0.95);
}

// The same without a source field: a blog's pages are a site by their
// shared first and last n-grams (InferSources), and pages that carry its
// chrome inside other first and last lines are outside every site, like
// pages whose first or last words an edit or OCR noise changed.
TEST(FindClusters, ChromeOfAnInferredSiteIsChromeOnPagesOutsideIt) {
  NewsGen g(49);
  Site blog = MakeSite(g, "blog.example");
  for (int i = 0; i < 8; ++i) blog.footer.push_back(g.MenuLine(8));  // outweighs short articles
  const std::vector<std::string> story = g.Article(3);
  auto framed = [&](const std::vector<std::string>& article) {
    return JoinLines({g.Sentence(8), Page(blog, article), g.Sentence(8)});
  };
  Corpus c;
  Add(&c, "blog0", Page(blog, story), "");
  for (int i = 1; i < 6; ++i) Add(&c, fmt::format("blog{}", i), Page(blog, g.Article(3)), "");
  for (int i = 0; i < 2; ++i) Add(&c, fmt::format("lone{}", i), framed(g.Article(1)), "");
  Add(&c, "reprint", framed(story), "");
  AddOtherStories(&c, g, 120, 2);  // the chrome's 9 documents below the cap (the square root of the documents)
  // The story and the two framing lines, not the borrowed chrome.
  ExpectBorrowedChromeIsChrome(c, 0.8);
}

// Copies of one wire story that open and close alike and differ by a word
// each are one inferred source (InferSources), and more of them than a
// story group holds (kStoryRepeats) make their text its chrome; such a
// source is no site (its pages have no text of their own), so its chrome is
// not lent to the copies outside it, which still join each other.
TEST(FindClusters, ChromeOfCopiesTakenForASiteIsNotLent) {
  NewsGen g(51);
  const std::vector<std::string> story = g.Article(4);
  Corpus c;
  for (int i = 0; i < 10; ++i) {
    std::vector<std::string> lines = story;
    lines[1 + i % 2] += fmt::format(" edit{}", i);  // one word added inside
    Add(&c, fmt::format("copy{}", i), JoinLines(lines), "");
  }
  for (int i = 0; i < 2; ++i) {  // a byline and a credit of their own
    std::vector<std::string> lines = {g.Sentence(6)};
    lines.insert(lines.end(), story.begin(), story.end());
    lines.push_back(g.Sentence(6));
    Add(&c, fmt::format("outside{}", i), JoinLines(lines), "");
  }
  AddOtherStories(&c, g, 200, 4);  // the copies' 12 documents below the cap (the square root of the documents)
  auto cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "outside0", "outside1"));
  EXPECT_FALSE(Together(cl, "outside0", "other0"));
}

// Text that two pages of a site share, no other site carries as article
// text and one lone page carries too, is that site's chrome (two groups
// have it), but a site may have posted a story twice (ArticleOf): such text
// is not lent to lone pages as chrome. Under OCR noise a site's copies of a
// story do not always group, and lending their text lost 24 true pairs in
// one measured subset (bench/README.md, Robustness).
TEST(FindClusters, TextASiteMayHavePostedTwiceIsNotChromeOnLonePages) {
  NewsGen g(48);
  const Site site = MakeSite(g, "a.example");
  const std::vector<std::string> x = g.Article(3), y = g.Article(3);
  Corpus c;
  for (int i = 0; i < 6; ++i) {
    std::vector<std::string> article = g.Article(4);
    if (i < 2) article.insert(article.end(), x.begin(), x.end());
    Add(&c, fmt::format("a{}", i), Page(site, article), "a.example");
  }
  std::vector<std::string> xy = x;
  xy.insert(xy.end(), y.begin(), y.end());
  Add(&c, "lone", JoinLines(xy), "lone.example");
  Add(&c, "other", JoinLines(y), "other.example");
  AddLonePages(&c, g, 32);
  auto r = doppel::FindCopies(c, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  // "other" is an excerpt of "lone": all of it aligns, and half of "lone".
  if (const doppel::RelatedPair* p = PairOf(c, *r, "lone", "other")) {
    EXPECT_LT(p->coverage_a, 0.75);
    EXPECT_GT(p->coverage_b, 0.95);
  }
}

// A story that a site posted twice is one story when two pages alone on
// their sites carry it too (one such page is not enough evidence:
// ChromeOfABlogWithOnePageIsNoStory; the story is then taken for the
// site's chrome).
TEST(FindClusters, AStoryASitePostedTwiceThatTwoLonePagesCarryJoins) {
  NewsGen g(45);
  const Site site = MakeSite(g, "a.example");
  const std::vector<std::string> story = g.Article(4);
  Corpus c;
  for (int i = 0; i < 2; ++i) Add(&c, fmt::format("s{}", i), Page(site, story), "a.example");
  for (int i = 0; i < 6; ++i) Add(&c, fmt::format("a{}", i), Page(site, g.Article(4)), "a.example");
  for (int i = 0; i < 2; ++i) Add(&c, fmt::format("lone{}", i), JoinLines(story), fmt::format("lone{}.example", i));
  AddLonePages(&c, g, 32);
  auto cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "s0", "s1"));
  EXPECT_TRUE(Together(cl, "s0", "lone0"));
  EXPECT_TRUE(Together(cl, "s0", "lone1"));
  EXPECT_FALSE(Together(cl, "s0", "a0"));
}

// A site seen often (kLargeSource pages or more: a feed site) that posted a
// story twice with an excerpt of it (joined by the rule for sets), and
// another story twice (the rule for pairs), and no other site carries them:
// text
// that only two or three of its many pages share is that story, not a
// block of its template. Two of its pages that share a box beside long
// articles of their own stay apart.
TEST(FindClusters, AStoryALargeSitePostedTwiceThatNoOtherSiteCarriesJoins) {
  NewsGen g(46);
  const std::string footer = "The post appeared first on " + g.Sentence(3);
  auto feed = [&](std::vector<std::string> lines) {
    lines.push_back(footer);
    return JoinLines(lines);
  };
  const std::vector<std::string> story = g.Article(4), other = g.Article(4);
  std::vector<std::string> box;
  for (int i = 0; i < 2; ++i) box.push_back(g.Sentence(12));
  Corpus c;
  for (int i = 0; i < 20; ++i) {
    std::vector<std::string> art = g.Article(4);
    if (i < 2) art.insert(art.end(), box.begin(), box.end());
    Add(&c, fmt::format("f{}", i), feed(art), "feed.example");
  }
  for (int i = 0; i < 2; ++i) Add(&c, fmt::format("s{}", i), feed(story), "feed.example");
  Add(&c, "excerpt", feed({story[0], story[1], "Read more at the source."}), "feed.example");
  for (int i = 0; i < 2; ++i) Add(&c, fmt::format("t{}", i), feed(other), "feed.example");
  AddLonePages(&c, g, 32);
  auto cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "s0", "s1"));
  EXPECT_TRUE(Together(cl, "s0", "excerpt"));
  EXPECT_TRUE(Together(cl, "t0", "t1"));
  EXPECT_FALSE(Together(cl, "s0", "t0"));
  EXPECT_FALSE(Together(cl, "s0", "f2"));
  EXPECT_FALSE(Together(cl, "f0", "f1")) << "joined by a box beside their own articles";
  EXPECT_FALSE(Together(cl, "f2", "f3"));
}

// On a site seen on a few pages, a block of its template (a section's
// list of headlines) may show on two pages and no third; beside short
// articles it is most of their text beyond the site's chrome. Without a
// third page or another site to show what it is, it does not join them.
TEST(FindClusters, ASectionListOnTwoPagesOfASmallSiteDoesNotJoinThem) {
  NewsGen g(47);
  const Site site = MakeSite(g, "small.example");
  std::vector<std::string> section;
  for (int i = 0; i < 6; ++i) section.push_back(g.MenuLine(8));
  Corpus c;
  for (int i = 0; i < 8; ++i) {
    std::vector<std::string> art = g.Article(1);
    if (i < 2) art.insert(art.end(), section.begin(), section.end());
    Add(&c, fmt::format("p{}", i), Page(site, art), "small.example");
  }
  AddLonePages(&c, g, 32);
  auto cl = Clusters(c);
  EXPECT_FALSE(Together(cl, "p0", "p1"));
  EXPECT_FALSE(Together(cl, "p0", "p2"));
}

// Feed sites post one story several times (updates, re-posts). Text that
// three or more of a site's pages share is usually its chrome; it is one
// story when it is most of each page's own text and is found on another
// site too.
TEST(FindClusters, AStoryASitePublishedThreeTimesJoinsItsCopies) {
  // Enough pages that five copies of a story are below the cap on document
  // frequency (the square root of the documents).
  TwoSites t = BuildTwoSites(false, 16);
  const CorpusDocument p2 = t.corpus.docs[2];  // a story of site a
  Add(&t.corpus, "p2-again", p2.text, p2.source);
  Add(&t.corpus, "p2-third", p2.text, p2.source);
  // An excerpt of it on site a, and a reprint on site b.
  std::vector<std::string> lines;  // the site's three header lines, the title, the paragraphs
  for (size_t at = 0, end; at < p2.text.size(); at = end + 1) {
    end = std::min(p2.text.find('\n', at), p2.text.size());
    lines.push_back(p2.text.substr(at, end - at));
  }
  Add(&t.corpus, "p2-excerpt", JoinLines({lines[3], lines[4], lines[5], "Read more at Daily Example."}), p2.source);
  Add(&t.corpus, "p2-elsewhere", p2.text, t.corpus.docs[20].source);
  auto cl = Clusters(t.corpus);
  for (const char* id : {"p2-again", "p2-third", "p2-excerpt", "p2-elsewhere"}) {
    EXPECT_TRUE(Together(cl, "p2", id)) << id;
  }
  std::set<uint32_t> distinct;
  for (int i = 0; i < 32; ++i) distinct.insert(cl.at(fmt::format("\"p{}\"", i)));
  EXPECT_EQ(distinct.size(), 32u) << "two different stories share a cluster";
}

// A feed site of 20 pages (a large source) and another site of 6, each page
// a story of its own, to which a test adds copies of one story; Noisy reads
// lines with light noise of their own (one letter in 40 substituted).
struct FeedSiteCorpus {
  explicit FeedSiteCorpus(uint64_t seed)
      : g(seed), feeds(MakeSite(g, "feeds.example")), daily(MakeSite(g, "daily.example")), rng(seed) {
    for (int i = 0; i < 20; ++i) AddPage(feeds, fmt::format("a{}", i), g.Article(6));
    for (int i = 0; i < 6; ++i) AddPage(daily, fmt::format("b{}", i), g.Article(6));
  }
  void AddPage(const Site& site, const std::string& id, const std::vector<std::string>& article) {
    Add(&corpus, id, Page(site, article), doppel::SourceKey("https://" + site.name + "/" + id));
  }
  std::vector<std::string> Noisy(const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    for (const std::string& l : lines) out.push_back(doppel_test::SubstituteLetters(l, rng, 40));
    return out;
  }
  // Two noisy copies on the feed site ("feed1", "feed2": `lines`, the
  // story and what the site ran beside it) and the story on the other site
  // ("reprint"), plus `page` on the feed site; returns whether `page` joins
  // the copies, having checked that the copies and the reprint are one
  // cluster apart from every other page.
  bool JoinsTwoCopies(const std::vector<std::string>& story, const std::vector<std::string>& lines,
                      const std::vector<std::string>& page) {
    AddPage(feeds, "feed1", Noisy(lines));
    AddPage(feeds, "feed2", Noisy(lines));
    AddPage(daily, "reprint", story);
    AddPage(feeds, "page", page);
    auto cl = Clusters(corpus);
    EXPECT_TRUE(Together(cl, "feed1", "feed2"));
    EXPECT_TRUE(Together(cl, "feed1", "reprint"));
    for (int i = 0; i < 20; ++i) EXPECT_FALSE(Together(cl, "feed1", fmt::format("a{}", i))) << i;
    for (int i = 0; i < 6; ++i) EXPECT_FALSE(Together(cl, "feed1", fmt::format("b{}", i))) << i;
    return Together(cl, "feed1", "page");
  }
  NewsGen g;
  Site feeds, daily;
  doppel_test::Rng rng;
  Corpus corpus;
};

// The feed site posted a story twice and an excerpt of it under a headline
// line of its own, each read with its own light noise; the story is also on
// the other site. Noise breaks some n-grams in one feed copy and not the
// other, and the two copies join as a pair on those; what the excerpt
// shares with both is then in two groups of the site, its chrome, unless
// the excerpt is aligned with the copies' group (beyond the site's common
// chrome, over text the other site has).
TEST(FindClusters, AnExcerptOfAStoryALargeSitePostedTwiceJoinsTheCopies) {
  FeedSiteCorpus t(41);
  const std::vector<std::string> story = t.g.Article(8);
  std::vector<std::string> excerpt = {t.g.Sentence(16), t.g.Sentence(16)};
  for (const std::string& l : t.Noisy({story[0], story[1], story[2]})) excerpt.push_back(l);
  excerpt.push_back("Read more at Daily Example.");
  EXPECT_TRUE(t.JoinsTwoCopies(story, story, excerpt));
}

// The feed site holds a story's feed copy and an excerpt of it crawled
// twice (its date line changed), and the story is also on the other site.
// What the excerpt shares with the feed copy is on three pages of the site;
// the two crawls join as the set's group (almost all of their text), the
// feed copy does not (it has much text of its own), so the excerpt's text
// was in two groups of the site, its chrome, and neither crawl joined the
// story. The feed copy is aligned with the crawls' group, as with a group
// of pairs.
TEST(FindClusters, AnExcerptALargeSiteCrawledTwiceJoinsItsFeedCopy) {
  FeedSiteCorpus t(47);
  const std::vector<std::string> story = t.g.Article(8);
  const std::string headline = t.g.Sentence(9);
  std::vector<std::string> excerpt = {headline, "November 7, 2012", story[1], story[2], "Read more at Daily Example."};
  t.AddPage(t.feeds, "feed", story);
  t.AddPage(t.feeds, "excerpt1", excerpt);
  excerpt[1] = "November 8, 2012";
  t.AddPage(t.feeds, "excerpt2", excerpt);
  t.AddPage(t.daily, "reprint", story);
  auto cl = Clusters(t.corpus);
  EXPECT_TRUE(Together(cl, "feed", "reprint"));
  EXPECT_TRUE(Together(cl, "excerpt1", "excerpt2"));
  EXPECT_TRUE(Together(cl, "excerpt1", "feed"));
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(Together(cl, "feed", fmt::format("a{}", i))) << i;
  for (int i = 0; i < 6; ++i) EXPECT_FALSE(Together(cl, "feed", fmt::format("b{}", i))) << i;
}

// The feed site ran a box (a list of the hour's headlines) on five pages of
// different stories, four of them short, and another site has the box's
// text as a page of its own. The four short pages share more of the box
// than they have text of their own, so the count of their set joins them;
// they are no copies of each other, so the fifth page is not aligned with
// them as with a page crawled again (it would join them over the box, the
// box would be in one group of the site and no longer its chrome, and the
// pages would join each other and the other site's page).
TEST(FindClusters, ABoxOnShortPagesOfALargeSiteDoesNotJoinThem) {
  FeedSiteCorpus t(53);
  std::vector<std::string> box;
  for (int i = 0; i < 6; ++i) box.push_back(t.g.Sentence(10));
  for (int i = 1; i <= 4; ++i) {
    std::vector<std::string> page = {t.g.Sentence(8), t.g.Sentence(14), t.g.Sentence(14)};
    page.insert(page.end(), box.begin(), box.end());
    t.AddPage(t.feeds, fmt::format("short{}", i), page);
  }
  std::vector<std::string> long_page = t.g.Article(6);
  long_page.insert(long_page.end(), box.begin(), box.end());
  t.AddPage(t.feeds, "long", long_page);
  t.AddPage(t.daily, "box", box);
  // Enough documents that the box's six are below the cap on document
  // frequency (the square root of the documents).
  AddLonePages(&t.corpus, t.g, 40);
  auto cl = Clusters(t.corpus);
  for (int i = 2; i <= 4; ++i) EXPECT_FALSE(Together(cl, "short1", fmt::format("short{}", i))) << i;
  EXPECT_FALSE(Together(cl, "short1", "long"));
  EXPECT_FALSE(Together(cl, "short1", "box"));
  EXPECT_FALSE(Together(cl, "long", "box"));
}

// A large site whose pages a crawl holds twice: every page as it is, and
// four of them once more under a second template (a print version). The
// four share that template and have next to nothing of their own (each
// shares its story with its first copy), so the count of their set joined
// them into one group of the site, and the template was article text
// there: their pairs with their first copies covered three quarters of
// their text. (Where a story is not much longer than the template, such
// pages also joined each other over it, bench/README.md, "Pages held more
// than once"; here the stories are longer, and the check that they stay
// apart holds either way.) What a page shares with a copy of it outside
// the set counts as its own text there, so the template stays chrome.
TEST(FindClusters, ASecondTemplateOnPagesALargeSiteHoldsTwiceIsChrome) {
  NewsGen g(59);
  const Site site = MakeSite(g, "daily.example");
  const Site print = MakeSite(g, "daily.example");  // the second template
  Corpus c;
  std::vector<std::vector<std::string>> articles;
  for (int i = 0; i < 20; ++i) {
    articles.push_back(g.Article(3));
    Add(&c, fmt::format("p{}", i), Page(site, articles.back()), "daily.example");
  }
  for (int i = 0; i < 4; ++i) Add(&c, fmt::format("print{}", i), Page(print, articles[i]), "daily.example");
  AddLonePages(&c, g, 30);
  auto r = doppel::FindCopies(c, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  for (uint32_t i = 0; i < 4; ++i) {
    const uint32_t first = i, again = 20 + i;  // p<i>, print<i>
    const auto it = std::find_if(r->pairs.begin(), r->pairs.end(),
                                 [&](const doppel::RelatedPair& p) { return p.a == first && p.b == again; });
    ASSERT_NE(it, r->pairs.end()) << i;
    EXPECT_GT(it->coverage_b, 0.9) << i;  // the print copy's article is its story
    for (uint32_t j = i + 1; j < 4; ++j) EXPECT_NE(r->cluster[again], r->cluster[20 + j]) << i << " " << j;
  }
}

// Replaces every `every`-th word of `line` (from the `from`-th) with a new
// word: the n-grams over those words break.
std::string ChangeWords(const std::string& line, int every, int from, NewsGen& g) {
  std::vector<std::string> words;
  for (size_t at = 0, end; at < line.size(); at = end + 1) {
    end = std::min(line.find(' ', at), line.size());
    words.push_back(line.substr(at, end - at));
  }
  for (size_t i = static_cast<size_t>(from); i < words.size(); i += static_cast<size_t>(every)) {
    std::string w = g.Sentence(1);
    w.pop_back();  // the period
    words[i] = w;
  }
  return JoinLines(words, " ");
}

// A large site holds a story three times, each copy with a paragraph of
// its own after it (a comment, an update), so the three are a set. The first
// copy also carries a box that one short page of another story has too:
// the two join as a pair over it. That pair is no copy of the story's page
// (the box is less than its own paragraph), so what the two share does not
// count against the set: the three copies stay one story.
TEST(FindClusters, APairOverABoxIsNoCopyOfAPage) {
  NewsGen g(67);
  const Site site = MakeSite(g, "daily.example");
  Corpus c;
  for (int i = 0; i < 20; ++i) Add(&c, fmt::format("p{}", i), Page(site, g.Article(3)), "daily.example");
  const std::vector<std::string> story = {g.Sentence(6), g.Sentence(20), g.Sentence(20), g.Sentence(20)};
  std::vector<std::string> box;
  for (int i = 0; i < 4; ++i) box.push_back(g.Sentence(8));
  for (int i = 1; i <= 3; ++i) {
    std::vector<std::string> copy = story;
    copy.push_back(g.Sentence(25));
    copy.push_back(g.Sentence(25));
    if (i == 1) copy.insert(copy.end(), box.begin(), box.end());
    Add(&c, fmt::format("copy{}", i), Page(site, copy), "daily.example");
  }
  std::vector<std::string> short_page = {g.Sentence(10)};
  short_page.insert(short_page.end(), box.begin(), box.end());
  Add(&c, "short", Page(site, short_page), "daily.example");
  AddLonePages(&c, g, 30);
  auto cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "copy1", "copy2"));
  EXPECT_TRUE(Together(cl, "copy1", "copy3"));
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(Together(cl, "copy1", fmt::format("p{}", i))) << i;
}

// A site's copies of one story, each broken in other places (edits, noise):
// a full copy, a second one whose lead has a word in six changed, one cut
// after its lead with a line of its own after it, and an excerpt of the
// lead. The lead's n-grams that the second copy lost are a set of the
// other three; the first two copies share the rest of the story as a pair.
// The first copy's pair partner carries the lead too (the set with it added
// shares n-grams), so what the two share only is the set's story, not text
// of the first copy's own: it joins the set, and the lead stays article
// text of the site.
TEST(FindClusters, ASiteCopyBrokenInOtherPlacesKeepsTheStorysSet) {
  NewsGen g(61);
  const Site site = MakeSite(g, "feeds.example"), other = MakeSite(g, "other.example");
  Corpus c;
  for (int i = 0; i < 6; ++i) Add(&c, fmt::format("f{}", i), Page(site, g.Article(3)), "feeds.example");
  for (int i = 0; i < 6; ++i) Add(&c, fmt::format("o{}", i), Page(other, g.Article(3)), "other.example");
  std::vector<std::string> story = {g.Sentence(8)};
  for (int i = 0; i < 4; ++i) story.push_back(g.Sentence(20) + " " + g.Sentence(20));
  std::vector<std::string> second = story, cut = {story[0], story[1], g.Sentence(12)};
  second[1] = ChangeWords(story[1], 6, 2, g);
  Add(&c, "full", Page(site, story), "feeds.example");
  Add(&c, "second", Page(site, second), "feeds.example");
  Add(&c, "cut", Page(site, cut), "feeds.example");
  Add(&c, "excerpt", Page(site, {story[0], story[1], "Read more at Other Example."}), "feeds.example");
  Add(&c, "reprint", Page(other, story), "other.example");
  AddLonePages(&c, g, 30);
  auto cl = Clusters(c);
  for (const char* id : {"second", "cut", "excerpt", "reprint"}) EXPECT_TRUE(Together(cl, "full", id)) << id;
  for (int i = 0; i < 6; ++i) EXPECT_FALSE(Together(cl, "full", fmt::format("f{}", i))) << i;
}

// The same feed site, where a box of text (a "most read" list of the hour)
// ran on both copies and on a short page of another story, and nowhere
// else: the short page is mostly the box, but the box is not article text
// on another site, so the page does not join the copies.
TEST(FindClusters, ABoxOnAStoryALargeSitePostedTwiceDoesNotJoinAThirdPage) {
  FeedSiteCorpus t(43);
  const std::vector<std::string> story = t.g.Article(8);
  std::vector<std::string> box, with_box = story;
  for (int i = 0; i < 5; ++i) box.push_back(t.g.Sentence(10));
  with_box.insert(with_box.end(), box.begin(), box.end());
  std::vector<std::string> short_page = {t.g.Sentence(12)};
  for (const std::string& l : t.Noisy(box)) short_page.push_back(l);
  EXPECT_FALSE(t.JoinsTwoCopies(story, with_box, short_page));
}

// The same on a larger scale: a story one site posted three times that
// fourteen pages without a site carry as well, so each of its n-grams is in
// seventeen documents (more than the runs counted on the stack).
TEST(FindClusters, AStoryASitePostedThreeTimesThatManyOthersCarryJoinsItsCopies) {
  // 401 pages: the cap on document frequency is 20.
  TwoSites t = BuildTwoSites(false, 200);
  const CorpusDocument p2 = t.corpus.docs[2];  // a story of site a
  Add(&t.corpus, "p2-again", p2.text, p2.source);
  Add(&t.corpus, "p2-third", p2.text, p2.source);
  for (int i = 0; i < 14; ++i) Add(&t.corpus, fmt::format("wire{}", i), p2.text, "");
  auto cl = Clusters(t.corpus);
  for (const char* id : {"p2-again", "p2-third", "wire0", "wire13"}) EXPECT_TRUE(Together(cl, "p2", id)) << id;
  EXPECT_FALSE(Together(cl, "p2", "p3"));
}

// Three different stories of one site with the same box of text (a
// sidebar that ran on those three pages only), the box also found on
// another site as a page of its own: the box is chrome of the first site,
// so neither do its stories join each other nor, through the box, that page.
TEST(FindClusters, ABoxOnThreePagesOfASiteDoesNotJoinThem) {
  NewsGen g(17);
  const Site a = MakeSite(g, "news.example"), b = MakeSite(g, "daily.example");
  std::vector<std::string> box;
  for (int i = 0; i < 4; ++i) box.push_back(g.Sentence(12));
  Corpus c;
  // Enough pages that the box's four documents are below the cap on
  // document frequency (the square root of the documents).
  for (int i = 0; i < 20; ++i) {
    std::vector<std::string> art = g.Article(3);
    if (i < 3) art.insert(art.end(), box.begin(), box.end());
    Add(&c, fmt::format("a{}", i), Page(a, art), fmt::format("https://news.example/{}", i));
  }
  for (int i = 0; i < 12; ++i) {
    std::vector<std::string> art = g.Article(3);
    if (i == 0) art = box;
    Add(&c, fmt::format("b{}", i), Page(b, art), fmt::format("https://daily.example/{}", i));
  }
  for (auto& d : c.docs) d.source = doppel::SourceKey(d.source);
  auto cl = Clusters(c);
  EXPECT_FALSE(Together(cl, "a0", "a1"));
  EXPECT_FALSE(Together(cl, "a0", "a2"));
  EXPECT_FALSE(Together(cl, "a1", "a2"));
  EXPECT_FALSE(Together(cl, "a0", "b0"));
}

// Without a source field, two pages of one small site whose template (a
// comment form, sidebar lists) is as long as their articles align on it:
// nothing tells it from a copy. But each page's story has copies elsewhere
// that share nothing with the other's, so the pair bridges two stories and
// is left out, of the clusters and of the pairs.
TEST(FindClusters, APairThatBridgesTwoStoriesWithCopiesIsLeftOut) {
  NewsGen g(31);
  const std::string chrome = JoinLines(g.Article(4));
  const std::vector<std::string> a = g.Article(4), b = g.Article(4);
  Corpus c;
  Add(&c, "a0", chrome + "\n" + JoinLines(a), "");
  Add(&c, "b0", JoinLines(b) + "\n" + chrome, "");
  for (int i = 1; i <= 3; ++i) {
    Add(&c, fmt::format("a{}", i), JoinLines(a), "");
    Add(&c, fmt::format("b{}", i), JoinLines(b), "");
  }
  AddOtherStories(&c, g, 40, 4);
  doppel::FindOptions keep_all;
  keep_all.bridge_min_neighbours = 0;
  auto all = doppel::FindCopies(c, keep_all);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->cluster[0], all->cluster[1]) << "the template should join a0 and b0 without the bridge rule";
  auto found = doppel::FindCopies(c, {});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->bridges, 1u);
  EXPECT_EQ(found->pairs.size(), all->pairs.size() - 1);
  for (const auto& p : found->pairs) EXPECT_FALSE(p.a == 0 && p.b == 1);
  auto cl = Clusters(c);
  EXPECT_FALSE(Together(cl, "a0", "b0"));
  for (int i = 1; i <= 3; ++i) {
    EXPECT_TRUE(Together(cl, "a0", fmt::format("a{}", i)));
    EXPECT_TRUE(Together(cl, "b0", fmt::format("b{}", i)));
  }
}

// A page's "Related stories" box with a teaser of another story (its
// headline and first sentence), and two short excerpts of that story on
// feed sites that the teaser covers: each excerpt joins the page, and they
// are each other's partner, so the plain bridge rule sees a shared partner.
// Judged without the partners that align only within the teaser, the page's
// partners are its own story's copies and the excerpts' are theirs: the
// teaser's pairs are left out. An excerpt of the page's own story joins it.
TEST(FindClusters, ATeaserOfAnotherStoryDoesNotJoinThePageToIt) {
  NewsGen g(46);
  const Site news = MakeSite(g, "news.example"), daily = MakeSite(g, "daily.example"),
             wire = MakeSite(g, "wire.example");
  std::vector<std::string> other = g.Article(4);
  const std::string lead = g.Sentence(24);
  other[1] = lead + " " + other[1];
  const std::vector<std::string> teaser = {other[0], lead};
  std::vector<std::string> story = g.Article(5);
  Corpus c;
  Add(&c, "page", Page(news, story, teaser), "news.example");
  Add(&c, "story_daily", Page(daily, story), "daily.example");
  Add(&c, "story_wire", Page(wire, story), "wire.example");
  Add(&c, "other_daily", Page(daily, other), "daily.example");
  Add(&c, "other_wire", Page(wire, other), "wire.example");
  for (int i = 0; i < 2; ++i) {
    Add(&c, fmt::format("excerpt{}", i), JoinLines({other[0], lead, "Read more at Wire Example."}),
        fmt::format("feed{}.example", i));
  }
  Add(&c, "own_excerpt", JoinLines({story[0], story[1], "Read more at News Example."}), "feed0.example");
  for (int i = 0; i < 8; ++i) {
    const Site& s = i % 3 == 0 ? news : i % 3 == 1 ? daily : wire;
    Add(&c, fmt::format("p{}", i), Page(s, g.Article(4)), s.name);
  }
  AddLonePages(&c, g, 24);
  auto all = ClustersKeepingEveryPair(c);
  EXPECT_TRUE(Together(all, "page", "excerpt0")) << "the teaser should join them without the bridge rule";
  auto cl = Clusters(c);
  EXPECT_FALSE(Together(cl, "page", "excerpt0"));
  EXPECT_FALSE(Together(cl, "page", "other_daily"));
  EXPECT_TRUE(Together(cl, "page", "story_daily"));
  EXPECT_TRUE(Together(cl, "page", "story_wire"));
  EXPECT_TRUE(Together(cl, "page", "own_excerpt"));
  EXPECT_TRUE(Together(cl, "excerpt0", "other_daily"));
  EXPECT_TRUE(Together(cl, "excerpt1", "other_wire"));
}

// A scrape of an endless page carries the next article in full below its
// own. Both stories have copies on other sites, which share nothing: the
// page keeps its own story, which comes first, and does not join the two;
// also when each story has one other copy (the page is made of the two
// texts it aligns with).
TEST(FindClusters, APageThatCarriesTheNextArticleJoinsOneStory) {
  // The page's own story longer than the next one, then shorter (a page of
  // an endless site that loaded a longer article below its own); two
  // copies of each story elsewhere, then one.
  for (const auto& [own_paragraphs, next_paragraphs, copies] :
       {std::tuple{8, 5, 2}, std::tuple{5, 7, 2}, std::tuple{8, 5, 1}, std::tuple{5, 7, 1}}) {
    SCOPED_TRACE(fmt::format("own {} paragraphs, next {}, {} copies", own_paragraphs, next_paragraphs, copies));
    NewsGen g(47);
    const Site news = MakeSite(g, "news.example");
    const std::vector<std::string> own = g.Article(own_paragraphs), next = g.Article(next_paragraphs);
    ASSERT_EQ(JoinLines(next).size() > JoinLines(own).size(), next_paragraphs > own_paragraphs);
    std::vector<std::string> both = own;
    both.push_back("Next article");
    both.insert(both.end(), next.begin(), next.end());
    Corpus c;
    Add(&c, "page", Page(news, both), "news.example");
    for (int i = 0; i < copies; ++i) {
      const Site s = MakeSite(g, fmt::format("site{}.example", i));
      Add(&c, fmt::format("own{}", i), Page(s, own), s.name);
      const Site t = MakeSite(g, fmt::format("other{}.example", i));
      Add(&c, fmt::format("next{}", i), Page(t, next), t.name);
    }
    for (int i = 0; i < 6; ++i) Add(&c, fmt::format("p{}", i), Page(news, g.Article(4)), "news.example");
    AddLonePages(&c, g, 24);
    auto all = ClustersKeepingEveryPair(c);
    EXPECT_TRUE(Together(all, "own0", "next0")) << "the page should join both stories without the rule";
    auto cl = Clusters(c);
    EXPECT_TRUE(Together(cl, "page", "own0"));
    EXPECT_FALSE(Together(cl, "page", "next0"));
    if (copies == 2) {
      EXPECT_TRUE(Together(cl, "page", "own1"));
      EXPECT_TRUE(Together(cl, "next0", "next1"));
    }
  }
}

TEST(FindClusters, SharedQuotationDoesNotJoinTwoStories) {
  NewsGen g(12);
  std::string quote = fmt::format("\"{}\" he said.", g.Sentence(25));
  Corpus c;
  for (int i = 0; i < 2; ++i) {
    std::vector<std::string> art = g.Article(7);
    art.insert(art.begin() + 3, quote);
    Add(&c, fmt::format("s{}", i), JoinLines(art), "");
  }
  auto cl = Clusters(c);
  EXPECT_FALSE(Together(cl, "s0", "s1"));
}

// Two long stories that share one quotation share a few rare n-grams, far
// fewer than 0.01 per word: not even worth aligning.
TEST(FindCandidates, APairSharingAQuotationIsNotAligned) {
  NewsGen g(22);
  const std::string quote = fmt::format("\"{}\" he said.", g.Sentence(14));
  Corpus c;
  for (int i = 0; i < 2; ++i) {
    std::vector<std::string> art = g.Article(40);
    art.insert(art.begin() + 3, quote);
    Add(&c, fmt::format("s{}", i), JoinLines(art), "");
  }
  doppel::FindOptions o;
  auto found = doppel::FindCopies(c, o);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->candidates, 0u);
  o.min_shared_per_word = 0;
  found = doppel::FindCopies(c, o);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->candidates, 1u) << "the quotation should be shared";
  EXPECT_TRUE(found->pairs.empty());
}

TEST(FindClusters, ExcerptJoinsItsStory) {
  NewsGen g(13);
  std::vector<std::string> art = g.Article(10);
  std::vector<std::string> excerpt(art.begin(), art.begin() + 3);
  excerpt.push_back("Read more at Daily Example.");
  Corpus c;
  Add(&c, "full", JoinLines(art), "");
  Add(&c, "excerpt", JoinLines(excerpt), "");
  Add(&c, "other", JoinLines(g.Article(10)), "");
  auto cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "full", "excerpt"));
  EXPECT_FALSE(Together(cl, "full", "other"));
}

// Pieces of a story that do not overlap (an excerpt of its lead, a copy
// cut off at the top) align with disjoint parts of its only full copy, as
// a page's own story and the next article do; but they leave much of it
// between them, so the copy is not taken for a page of two texts and both
// join it.
TEST(FindClusters, PiecesOfAStorysOnlyFullCopyJoinIt) {
  NewsGen g(48);
  const std::vector<std::string> art = g.Article(10);
  Corpus c;
  Add(&c, "full", JoinLines(art), "");
  std::vector<std::string> lead(art.begin(), art.begin() + 3);
  lead.push_back("Read more at Daily Example.");
  Add(&c, "lead", JoinLines(lead), "");
  Add(&c, "tail", JoinLines(std::vector<std::string>(art.begin() + 7, art.end())), "");
  AddOtherStories(&c, g, 48, 10);
  auto cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "full", "lead"));
  EXPECT_TRUE(Together(cl, "full", "tail"));
  EXPECT_FALSE(Together(cl, "lead", "other0"));
}

// OCR noise breaks most word 5-grams, which candidates come from: copies
// that share only a few of them per word must still be aligned and joined.
TEST(FindClusters, CopiesWithHeavyOcrNoiseJoin) {
  NewsGen g(18);
  const std::string story = JoinLines(g.Article(12));
  doppel_test::Rng rng(18);
  Corpus c;
  for (int i = 0; i < 3; ++i) {
    // About 5% of letters substituted, in each copy on its own: about two
    // words in five of a pair differ. (With min_shared_per_word at 0.1
    // instead of 0.01, these copies are not even candidates.)
    Add(&c, fmt::format("copy{}", i), doppel_test::SubstituteLetters(story, rng, 20), "");
  }
  AddOtherStories(&c, g, 13, 12);
  auto cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "copy0", "copy1"));
  EXPECT_TRUE(Together(cl, "copy0", "copy2"));
  EXPECT_FALSE(Together(cl, "copy0", "other0"));
}

// A reprint that OCR read with look-alike confusions in most of its words
// (rn for m, 1 for l, c for e, ...): compared letter for letter nearly
// every 3-gram that anchors an alignment is broken and the copies stay
// apart; with look-alikes folded (the default) they are one text.
TEST(FindClusters, AnOcrCopyWithLookalikeConfusionsJoinsWhenLookalikesFold) {
  NewsGen g(31);
  const std::string story = JoinLines(g.Article(12));
  doppel_test::Rng rng(31);
  Corpus c;
  Add(&c, "print", story, "");
  Add(&c, "ocr", doppel_test::ConfuseLookalikes(story, rng, 2), "");
  AddOtherStories(&c, g, 13, 12);
  auto cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "print", "ocr"));
  for (int i = 0; i < 13; ++i) EXPECT_FALSE(Together(cl, "print", fmt::format("other{}", i)));
  doppel::FindOptions exact;
  exact.fold_lookalikes = false;
  EXPECT_FALSE(Together(Clusters(c, exact), "print", "ocr"));
}

// Heavier noise, each copy on its own (6% of letters): most of the 3-grams
// that anchor an alignment break in one copy or the other, and the
// passages between the anchors that survive hold only because the words
// that still match bridge the gaps (without bridges the copies align over
// less than half of their text and stay apart). Bridges are built between
// documents whose chrome is known, so each copy is on a site with another
// page.
TEST(FindClusters, CopiesWhoseAnchorsMostlyBreakJoin) {
  NewsGen g(23);
  const std::string story = JoinLines(g.Article(12));
  doppel_test::Rng rng(23);
  Corpus c;
  for (int i = 0; i < 3; ++i) {
    const std::string site = fmt::format("site{}.example", i);
    Add(&c, fmt::format("copy{}", i), doppel_test::SubstituteLetters(story, rng, 16), site);
    Add(&c, fmt::format("page{}", i), JoinLines(g.Article(12)), site);
  }
  AddOtherStories(&c, g, 13, 12);
  auto cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "copy0", "copy1"));
  EXPECT_TRUE(Together(cl, "copy0", "copy2"));
  EXPECT_TRUE(Together(cl, "copy1", "copy2"));
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Together(cl, "copy0", fmt::format("page{}", i)));
  for (int i = 0; i < 13; ++i) EXPECT_FALSE(Together(cl, "copy0", fmt::format("other{}", i)));
  // Where no chrome is known no gap is bridged, and the same copies stay
  // apart: with sources not in use, and without sources.
  doppel::FindOptions off;
  off.use_sources = false;
  EXPECT_FALSE(Together(Clusters(c, off), "copy0", "copy1"));
  for (auto& d : c.docs) d.source.clear();
  EXPECT_FALSE(Together(Clusters(c), "copy0", "copy1"));
}

// The same noise, with one copy on a large site (kLargeSource pages or
// more, its chrome learned in full) and the other alone on its site (no
// source: its chrome unknown). A bridge needs its words on both pages, and
// on the large site's page its chrome is masked, so the pair is aligned
// with bridges and joins. On a small site the same copies stay apart: the
// lone copy's chrome is not known, and neither is enough of the small
// site's.
doppel::Corpus CopyOnASiteAndALoneCopy(int site_pages) {
  NewsGen g(29);
  doppel_test::Rng rng(29);
  const std::vector<std::string> story = g.Article(12);
  Site big = MakeSite(g, "feed.example");
  Corpus c;
  std::vector<std::string> noisy;
  for (const std::string& line : story) noisy.push_back(doppel_test::SubstituteLetters(line, rng, 16));
  Add(&c, "copy0", Page(big, noisy), "feed.example");
  for (int i = 1; i < site_pages; ++i) Add(&c, fmt::format("page{}", i), Page(big, g.Article(6)), "feed.example");
  Add(&c, "copy1", doppel_test::SubstituteLetters(JoinLines(story), rng, 16), "lone.example");
  AddOtherStories(&c, g, 13, 12);
  return c;
}

TEST(FindClusters, ANoisyLoneCopyJoinsItsStoryOnALargeSite) {
  const Corpus large = CopyOnASiteAndALoneCopy(doppel::kLargeSource);
  auto cl = Clusters(large);
  EXPECT_TRUE(Together(cl, "copy0", "copy1"));
  for (uint32_t i = 1; i < doppel::kLargeSource; ++i) EXPECT_FALSE(Together(cl, "copy1", fmt::format("page{}", i)));
  for (int i = 0; i < 13; ++i) EXPECT_FALSE(Together(cl, "copy1", fmt::format("other{}", i)));
  // Not bridged: with sources not in use, and on a small site.
  doppel::FindOptions off;
  off.use_sources = false;
  EXPECT_FALSE(Together(Clusters(large, off), "copy0", "copy1"));
  EXPECT_FALSE(Together(Clusters(CopyOnASiteAndALoneCopy(doppel::kLargeSource - 1)), "copy0", "copy1"));
}

// A page that shows its article twice (the article and a print version)
// and a lightly edited copy on another site: the page has none of its
// article's n-grams once, so the pair joins only through the n-grams seen
// twice, which anchor only where a page's chrome is known from a given
// source. Without the source field the two sites are found from their
// templates (inferred sources), and the n-grams seen twice do not anchor:
// without a source field the repeated rows of two reports' tables would
// anchor them to each other.
TEST(FindClusters, APageThatRepeatsItsArticleJoinsAnEditedCopy) {
  NewsGen g(37);
  doppel_test::Rng rng(37);
  const std::vector<std::string> story = g.Article(10);
  std::vector<std::string> edited;
  for (const std::string& line : story) edited.push_back(doppel_test::SubstituteLetters(line, rng, 40));
  std::vector<std::string> twice = story;
  twice.push_back("Print this article");
  twice.insert(twice.end(), story.begin(), story.end());
  const Site one = MakeSite(g, "one.example"), two = MakeSite(g, "two.example");
  Corpus c;
  Add(&c, "twice", Page(one, twice), "one.example");
  Add(&c, "edited", Page(two, edited), "two.example");
  for (int i = 0; i < 2; ++i) {
    Add(&c, fmt::format("one{}", i), Page(one, g.Article(10)), "one.example");
    Add(&c, fmt::format("two{}", i), Page(two, g.Article(10)), "two.example");
  }
  AddOtherStories(&c, g, 13, 10);
  auto cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "twice", "edited"));
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(Together(cl, "twice", fmt::format("one{}", i)));
    EXPECT_FALSE(Together(cl, "edited", fmt::format("two{}", i)));
  }
  for (int i = 0; i < 13; ++i) EXPECT_FALSE(Together(cl, "twice", fmt::format("other{}", i)));
  // Sources inferred from the sites' templates: the n-grams seen twice do
  // not anchor, and the pages stay apart.
  for (auto& d : c.docs) d.source.clear();
  std::vector<std::string> texts;
  for (const auto& d : c.docs) texts.push_back(d.text);
  const std::vector<uint32_t> site = Inferred(texts);  // twice, edited, one0, two0, ...
  EXPECT_NE(site[0], 0u);
  EXPECT_EQ(site[0], site[2]);
  EXPECT_NE(site[1], 0u);
  EXPECT_EQ(site[1], site[3]);
  EXPECT_FALSE(Together(Clusters(c), "twice", "edited"));
}

// The menus of one text (find/menus.h), as [first, last) token indices.
std::vector<std::pair<uint32_t, uint32_t>> MenusOf(const std::string& text) {
  std::vector<doppel::Token> tokens;
  std::vector<doppel::TokenRange> menus;
  doppel::TokenizeCodePoints(text, &tokens, &menus);
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (const doppel::TokenRange& r : menus) out.emplace_back(r.begin, r.end);
  return out;
}

// The candidate index against a count from the tokens: for every n-gram
// that 2 .. df_cap documents have outside chrome, the list of those
// documents, each once and in order; no other list. Texts of six words of
// skewed frequencies in random order repeat their n-grams within a
// document and across many, so that one document's occurrences meet at the
// boundaries of the runs of one n-gram (the sorted occurrences keep no
// n-gram: a run is known by where it starts) and of partitions (small
// budgets), and n-grams above the cap are chrome.
TEST(Boilerplate, PostingsListEachDocumentOnceForEveryNGramItSharesOutsideChrome) {
  std::mt19937 rng(11);
  // Skewed word frequencies (the lesser of two draws: from 11/36 down to
  // 1/36): n-grams of the common words are in many documents, above the
  // cap, and those of the rare ones in one or two.
  const char* words[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"};
  std::vector<std::vector<doppel::Token>> tokens;
  for (int d = 0; d < 80; ++d) {
    std::string text;
    const int length = 20 + static_cast<int>(rng() % 120);
    for (int i = 0; i < length; ++i) text += std::string(words[std::min(rng() % 6, rng() % 6)]) + " ";
    tokens.emplace_back();
    doppel::TokenizeCodePoints(text, &tokens.back());
  }
  for (size_t memory : {size_t{256} << 20, size_t{4096}, size_t{1}}) {
    doppel::TokenizedCorpus tc{doppel::TokenStore(size_t{1} << 30, ""), std::vector<uint32_t>(tokens.size(), 0), 0,
                               false, {}, {}, {}};
    for (const auto& t : tokens) {
      tc.fingerprint.push_back(doppel::TokenFingerprint(t));
      ASSERT_TRUE(tc.tokens.Append(t).ok());
    }
    ASSERT_TRUE(tc.tokens.Finish().ok());
    doppel::FindOptions o;
    o.use_sources = false;
    o.memory = memory;
    auto bp = doppel::FindBoilerplate(tc, o);
    ASSERT_TRUE(bp.ok()) << bp.status().message();
    // Per n-gram, the documents that have it outside chrome (a set: once).
    // Chrome is read after the run: no pass marks more once the postings
    // are built here (MarkAlignedChrome needs given sources, MarkMenus
    // menus, and these texts have neither).
    std::map<uint64_t, std::set<uint32_t>> docs_of;
    std::vector<std::tuple<uint64_t, uint32_t, size_t>> sorted;  // (n-gram, document, position)
    size_t chrome = 0;
    for (uint32_t d = 0; d < tokens.size(); ++d) {
      std::vector<uint64_t> grams;
      std::vector<uint32_t> words;  // as find keeps them (TokenStore), so that `sorted` is in its order
      for (const doppel::Token& t : tokens[d]) words.push_back(static_cast<uint32_t>(t.hash));
      doppel::GramHashes(words, bp->ngram, &grams);
      std::vector<uint8_t> is_chrome(grams.size(), 0);
      bp->chrome.ForEachSet(0, bp->offset[d], bp->offset[d + 1], [&](uint64_t i) { is_chrome[i] = 1; });
      for (size_t i = 0; i < grams.size(); ++i) {
        chrome += is_chrome[i];
        if (!is_chrome[i]) docs_of[grams[i]].insert(d);
        sorted.emplace_back(grams[i], d, i);
      }
    }
    // Places where a document ends the run of one n-gram and starts the
    // run of the next, an n-gram with a list (in the order find sorts
    // them): the case of a document's first entry in a run.
    std::sort(sorted.begin(), sorted.end());
    size_t meetings = 0;
    for (size_t i = 1; i < sorted.size(); ++i) {
      const auto& [gram, doc, pos] = sorted[i];
      if (gram == std::get<0>(sorted[i - 1]) || doc != std::get<1>(sorted[i - 1])) continue;
      const auto it = docs_of.find(gram);  // absent: chrome wherever it is
      if (it == docs_of.end()) continue;
      const std::set<uint32_t>& docs = it->second;
      meetings += docs.size() >= 2 && docs.size() <= bp->df_cap && docs.count(doc) > 0;
    }
    std::vector<std::vector<uint32_t>> expected, lists;
    for (const auto& [gram, docs] : docs_of) {
      if (docs.size() >= 2 && docs.size() <= bp->df_cap) expected.emplace_back(docs.begin(), docs.end());
    }
    ASSERT_TRUE(bp->postings.ForEachList([&](std::span<const uint32_t> docs) {
      lists.emplace_back(docs.begin(), docs.end());
    }).ok());
    // In the order of the n-grams (docs_of is keyed by them), then as sets
    // of lists.
    EXPECT_EQ(lists, expected) << "in n-gram order, memory " << memory;
    std::sort(expected.begin(), expected.end());
    std::sort(lists.begin(), lists.end());
    EXPECT_GT(chrome, 0u) << "some n-grams should be above the cap";
    EXPECT_GT(expected.size(), 100u);
    EXPECT_GT(meetings, 0u) << "a document should end one listed run and start the next";
    EXPECT_EQ(lists, expected) << "memory " << memory << ", " << bp->partitions << " partitions";
  }
}

// Menu items of varying widths: three words, then two of one word, so
// the next item would often have fitted on the line.
std::vector<std::string> MenuItems(NewsGen& g, int count) {
  std::vector<std::string> items;
  for (int i = 0; i < count; ++i) items.push_back(i % 3 == 0 ? g.Word() + " " + g.Word() + " " + g.Word() : g.Word());
  return items;
}

size_t WordsOf(const std::vector<std::string>& lines) {
  size_t n = 0;
  for (const std::string& l : lines) {
    std::vector<doppel::Token> t;
    doppel::Tokenize(l, &t);
    n += t.size();
  }
  return n;
}

TEST(Menus, ShortLinesInARowAreAMenu) {
  NewsGen g(61);
  const std::vector<std::string> items = MenuItems(g, 9);
  std::vector<std::string> lines = {"Top of the page with its title"};  // 7 words
  lines.insert(lines.end(), items.begin(), items.end());
  lines.push_back(g.Sentence(15));
  const auto menus = MenusOf(JoinLines(lines));
  ASSERT_EQ(menus.size(), 1u);
  EXPECT_EQ(menus[0].first, 7u);
  EXPECT_EQ(menus[0].second, 7u + WordsOf(items));
  // Blank lines and lines without words inside do not break it.
  std::vector<std::string> spaced = {items[0], "", items[1], " | ", items[2], items[3], "", "", items[4], items[5]};
  EXPECT_EQ(MenusOf(JoinLines(spaced)).size(), 1u);
}

// Items of one word, as wide as each other: each would "not fit" after
// the one before, as in a column, but a column holds two words a line.
TEST(Menus, ItemsOfOneWordAreAMenu) {
  const std::vector<std::string> items = {"Home", "News", "Sport", "Weather", "iPlayer", "Sounds", "Bitesize"};
  const auto menus = MenusOf(JoinLines(items));
  ASSERT_EQ(menus.size(), 1u);
  EXPECT_EQ(menus[0], std::make_pair(0u, 7u));
  EXPECT_EQ(MenusOf("Home\nPolitics\nReal Estate\nSign In\nSports\nOpinion\nMarkets").size(), 1u);
}

TEST(Menus, FewerShortLinesOrALongerLineAreNoMenu) {
  NewsGen g(62);
  const std::vector<std::string> items = MenuItems(g, doppel::kMenuLines);
  std::vector<std::string> fewer(items.begin(), items.end() - 1);
  fewer.push_back(g.Sentence(12));
  EXPECT_TRUE(MenusOf(JoinLines(fewer)).empty());
  EXPECT_EQ(MenusOf(JoinLines(items)).size(), 1u);
  // A line of kMenuLineWords + 1 words splits the run in two short ones.
  std::vector<std::string> split(items.begin(), items.begin() + 3);
  split.push_back(g.Sentence(doppel::kMenuLineWords + 1));
  split.insert(split.end(), items.begin() + 3, items.end());
  EXPECT_TRUE(MenusOf(JoinLines(split)).empty());
  // The same items on one line (a page whose line breaks were lost).
  EXPECT_TRUE(MenusOf(JoinLines(items, " ")).empty());
}

TEST(Menus, EveryKindOfLineBreakSeparatesItems) {
  NewsGen g(63);
  const std::vector<std::string> items = MenuItems(g, 8);
  for (const char* sep : {"\n", "\r\n", "\r", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"}) {
    EXPECT_EQ(MenusOf(JoinLines(items, sep)).size(), 1u) << "separator bytes " << std::string(sep).size();
  }
  for (const char* sep : {" ", "\t", " | ", "\xC2\xA0"}) EXPECT_TRUE(MenusOf(JoinLines(items, sep)).empty());
}

// Gaps between tokens: ASCII ones are read a byte at a time, the rest from
// their first multi-byte character on.
TEST(Menus, BreaksLineFindsEveryLineBreakInAGap) {
  // Invalid sequences too: a lead byte whose character is cut off by a
  // line break, or by the gap's end.
  for (const char* gap : {"\n", " \n ", "\t\r", ". \xE2\x80\x94 \n", "\xC2\xA0\r\n", "\xC2\x85", " \xE2\x80\xA8",
                          "\xE2\x80\x94\xE2\x80\xA9", "\xC2\xA0 \xC2\x85 ", "\xC2\n", "\xE2\x80\r", "\x85\n"}) {
    EXPECT_TRUE(doppel::BreaksLine(gap)) << testing::PrintToString(std::string(gap));
  }
  for (const char* gap : {"", " ", " | ", "\t", "\xC2\xA0", " \xE2\x80\x94 ", "\xC2", "\xE2\x80", "\x85",
                          "\xC2\xA0\xC2"}) {
    EXPECT_FALSE(doppel::BreaksLine(gap)) << testing::PrintToString(std::string(gap));
  }
}

// Prose hard-wrapped in a narrow column has lines of at most three words,
// but they fill the column: no menu.
TEST(Menus, ANarrowColumnIsNoMenu) {
  NewsGen g(64);
  std::vector<std::string> column;
  for (int p = 0; p < 3; ++p) {
    std::string line;
    std::istringstream words(g.Paragraph());
    for (std::string w; words >> w;) {
      if (!line.empty() && line.size() + 1 + w.size() > 20) {
        column.push_back(line);
        line.clear();
      }
      line += (line.empty() ? "" : " ") + w;
    }
    column.push_back(line);
  }
  size_t short_lines = 0;
  for (const std::string& l : column) short_lines += WordsOf({l}) <= doppel::kMenuLineWords;
  ASSERT_GE(short_lines, 0.75 * static_cast<double>(column.size()));  // the case this test is about
  ASSERT_GE(column.size(), 3 * doppel::kMenuLines);
  EXPECT_TRUE(MenusOf(JoinLines(column)).empty());
}

// Two pages of different stories, each alone on its site, that carry one
// site's navigation as one item per line (the template of the site they
// copy): repetition cannot tell the navigation from a story they share,
// its layout can. A copy of one of the stories under the same navigation
// still joins it, and so does a copy whose line breaks were lost.
TEST(FindClusters, LonePagesThatShareASitesMenusAreNoCopies) {
  NewsGen g(65);
  const std::vector<std::string> nav = MenuItems(g, 150);
  const std::vector<std::string> one = g.Article(2), two = g.Article(2);
  ASSERT_GT(WordsOf(nav), WordsOf(one));  // the menus are most of each page
  auto page = [&](const std::vector<std::string>& article) {
    std::vector<std::string> lines = nav;
    lines.insert(lines.end(), article.begin(), article.end());
    return JoinLines(lines);
  };
  Corpus c;
  Add(&c, "one", page(one), "one.example");
  Add(&c, "two", page(two), "two.example");
  Add(&c, "copy", page(one), "copy.example");
  Add(&c, "flat", JoinLines(nav, " ") + " " + JoinLines(one, " "), "flat.example");
  AddLonePages(&c, g, 13);
  auto cl = Clusters(c);
  EXPECT_FALSE(Together(cl, "one", "two"));
  EXPECT_TRUE(Together(cl, "one", "copy"));
  EXPECT_TRUE(Together(cl, "one", "flat"));
  // Without sources too.
  for (auto& d : c.docs) d.source.clear();
  cl = Clusters(c);
  EXPECT_FALSE(Together(cl, "one", "two"));
  EXPECT_TRUE(Together(cl, "one", "copy"));
}


// Noise on every page of two sites, each page on its own (6% of letters),
// breaks the n-grams of their large menus at other places on each page, so
// pieces of the menus stay article text and a story's copies, one on each
// site, align over less than half of what is left. Aligning each site's
// pages with each other finds that chrome, and the copies join; pages of
// different stories stay apart.
TEST(FindClusters, ChromeThatNoiseBreaksIntoPiecesIsFoundByAligningASitesPages) {
  NewsGen g(41);
  doppel_test::Rng rng(41);
  const std::vector<std::string> story = g.Article(3);
  Corpus c;
  for (const std::string name : {"s.example", "t.example"}) {
    Site site = MakeSite(g, name);
    for (int i = 0; i < 10; ++i) site.header.push_back(g.MenuLine(8));
    for (int i = 0; i < 8; ++i) {
      const std::string page = Page(site, i == 0 ? story : g.Article(3));
      Add(&c, fmt::format("{}{}", name[0], i), doppel_test::SubstituteLetters(page, rng, 16), name);
    }
  }
  // Enough documents that the menus are below the cap on document frequency.
  AddOtherStories(&c, g, 70, 3);
  auto cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "s0", "t0"));
  for (int i = 1; i < 8; ++i) {
    EXPECT_FALSE(Together(cl, "s0", fmt::format("s{}", i)));
    EXPECT_FALSE(Together(cl, fmt::format("s{}", i), fmt::format("t{}", i)));
  }
}

// What a noisy site's page aligns with in one ring neighbour only is not
// chrome: here the site posts every story twice, one copy after the other,
// so each page's ring holds its story's other copy, which noise may keep
// from grouping with it. The copies join the story's copy on another
// site. (Taking what one partner aligns with for chrome makes the stories
// chrome on their own site.)
TEST(FindClusters, AStoryANoisySitePostedTwiceIsNotItsChrome) {
  NewsGen g(47);
  doppel_test::Rng rng(47);
  std::vector<std::vector<std::string>> stories;
  for (int i = 0; i < 5; ++i) stories.push_back(g.Article(4));
  Site s = MakeSite(g, "s.example"), t = MakeSite(g, "t.example");
  for (int i = 0; i < 10; ++i) s.header.push_back(g.MenuLine(8));
  for (int i = 0; i < 10; ++i) t.header.push_back(g.MenuLine(8));
  Corpus c;
  for (int i = 0; i < 10; ++i) {
    Add(&c, fmt::format("s{}", i), doppel_test::SubstituteLetters(Page(s, stories[i / 2]), rng, 16), s.name);
  }
  for (int i = 0; i < 8; ++i) {
    const std::string page = Page(t, i < 5 ? stories[i] : g.Article(3));
    Add(&c, fmt::format("t{}", i), doppel_test::SubstituteLetters(page, rng, 16), t.name);
  }
  AddOtherStories(&c, g, 70, 3);
  auto cl = Clusters(c);
  int joined = 0;
  for (int i = 0; i < 10; ++i) joined += Together(cl, fmt::format("s{}", i), fmt::format("t{}", i / 2));
  // 9 of 10 here; none when one partner is enough for chrome, and none
  // without the ring (the site's chrome in pieces keeps the copies apart).
  EXPECT_GE(joined, 8);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(Together(cl, fmt::format("t{}", i), fmt::format("t{}", i + 1)));
}

// A page of a site whose chrome noise breaks into pieces keeps few of the
// n-grams its copies share, so such a pair needs half as many to be a
// candidate. Here the copies differ in every fifth word (each replaced its
// own way), which leaves the 3-word anchors of an alignment but only the
// one 5-gram that a longer stretch of unchanged words holds. The copy on
// the noisy site joins; the same two texts on sites without noise do not
// join: one shared n-gram is too little evidence where noise does not
// explain it.
TEST(FindClusters, ACopyOnANoisySiteNeedsFewerSharedNgramsToBeACandidate) {
  NewsGen g(43);
  doppel_test::Rng rng(43);
  std::vector<std::string> words;
  for (const std::string& line : g.Article(2)) {
    // Letters and digits only, so that every word is one token.
    for (std::string w; const char ch : line + " ") {
      if (std::isalnum(static_cast<unsigned char>(ch))) {
        w += ch;
      } else if (!w.empty()) {
        words.push_back(std::move(w));
        w.clear();
      }
    }
  }
  ASSERT_GT(words.size(), 40u);
  ASSERT_LT(words.size(), 200u) << "short enough that one shared n-gram is enough per word";
  // Words 0, 5, 10, 15, 21, 26, ... and the last differ (the first and last
  // words then make no n-gram with the chrome around them either): words
  // 16..20 are the one stretch of five.
  auto edited = [&](const std::string& mark) {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
      const bool changed = (i < 20 ? i % 5 == 0 : (i - 1) % 5 == 0) || i + 1 == words.size();
      if (i > 0) out += ' ';
      out += changed ? mark + words[i] : words[i];
    }
    return out;
  };
  Site noisy = MakeSite(g, "s.example");
  for (int i = 0; i < 10; ++i) noisy.header.push_back(g.MenuLine(8));
  Site clean = MakeSite(g, "u.example");
  auto noised = [&](std::vector<std::string> lines) {
    for (std::string& l : lines) l = doppel_test::SubstituteLetters(l, rng, 16);
    return lines;
  };
  Corpus c;
  for (int i = 0; i < 8; ++i) {
    // The story's copy keeps its words as edited; its chrome is noisy.
    Site page{noisy.name, noised(noisy.header), noised(noisy.footer)};
    const std::string text =
        i == 0 ? Page(page, {edited("qq")}) : doppel_test::SubstituteLetters(Page(noisy, g.Article(3)), rng, 16);
    Add(&c, fmt::format("s{}", i), text, noisy.name);
  }
  // Pages of the two sites: the copy first, then other stories.
  auto story_or_other = [&](int i, const std::string& mark) {
    return i == 0 ? std::vector<std::string>{edited(mark)} : g.Article(3);
  };
  for (int i = 0; i < 4; ++i) Add(&c, fmt::format("u{}", i), Page(clean, story_or_other(i, "zz")), clean.name);
  AddOtherStories(&c, g, 70, 3);
  auto cl = Clusters(c);
  EXPECT_TRUE(Together(cl, "s0", "u0"));
  for (int i = 1; i < 8; ++i) EXPECT_FALSE(Together(cl, "s0", fmt::format("s{}", i)));
  // The same copy on a site without noise: not joined.
  Corpus quiet;
  for (int i = 0; i < 8; ++i) Add(&quiet, fmt::format("s{}", i), Page(noisy, story_or_other(i, "qq")), noisy.name);
  for (int i = 0; i < 4; ++i) Add(&quiet, fmt::format("u{}", i), Page(clean, story_or_other(i, "zz")), clean.name);
  AddOtherStories(&quiet, g, 70, 3);
  auto found = doppel::FindCopies(quiet, {});
  ASSERT_TRUE(found.ok());
  EXPECT_NE(found->cluster[0], found->cluster[8]) << "s0 and u0";
}

// Identical texts are copies even where their source takes what they share
// for its template: a small site that posted one story twice, which no
// other site carries; and, without a source field, newswire re-issues whose
// opening words other stories share (a pseudo-source of pages that open
// alike). Spacing, case and punctuation between the words do not matter;
// the pair gets one passage over each whole text.
TEST(FindClusters, IdenticalTextsJoinWhereTheirSourceShowsThemAsTemplate) {
  NewsGen g(31);
  const std::string story = JoinLines(g.Article(8));
  Corpus c;
  Add(&c, "twice-a", story, "small.example");
  Add(&c, "other", JoinLines(g.Article(8)), "small.example");
  std::string respaced = story;
  for (char& ch : respaced) {
    if (ch == '\n') ch = ' ';
  }
  respaced = "  " + respaced + "\n";
  Add(&c, "twice-b", respaced, "small.example");
  AddOtherStories(&c, g, 10, 8);
  auto found = doppel::FindCopies(c, {});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->cluster[0], found->cluster[2]) << "twice-a and twice-b";
  EXPECT_NE(found->cluster[0], found->cluster[1]) << "twice-a and other";
  EXPECT_EQ(found->identical_pairs, 1u);
  bool seen = false;
  for (const doppel::RelatedPair& p : found->pairs) {
    if (p.a != 0 || p.b != 2) continue;
    seen = true;
    ASSERT_EQ(p.passages.size(), 1u);
    const doppel::Passage& q = p.passages[0];
    // From the first word to the end of the last (the final full stop is no
    // word); ASCII, so code points are bytes.
    auto last_word_end = [](const std::string& t) {
      size_t e = t.size();
      while (e > 0 && !std::isalnum(static_cast<unsigned char>(t[e - 1]))) --e;
      return e;
    };
    EXPECT_EQ(q.a_start, 0u);
    EXPECT_EQ(q.a_end, last_word_end(story));
    EXPECT_EQ(q.b_start, 2u);
    EXPECT_EQ(q.b_end, last_word_end(respaced));
    EXPECT_LT(q.a_end, story.size()) << "the story ends with a full stop";
    EXPECT_DOUBLE_EQ(p.coverage_a, 1.0);
    EXPECT_DOUBLE_EQ(p.coverage_b, 1.0);
  }
  EXPECT_TRUE(seen) << "a pair for the identical texts";

  // Without a source field: five reports that open with the same words
  // (a pseudo-source), two of them identical. Texts differing by a word are
  // not identical; what alignment makes of them is another matter.
  Corpus w;
  const std::string opening = "Treasury Secretary James Baker said on Monday that ";
  const std::string reissued = opening + JoinLines(g.Article(6));
  Add(&w, "issue", reissued, "");
  for (int i = 0; i < 3; ++i) Add(&w, fmt::format("report{}", i), opening + JoinLines(g.Article(6)), "");
  Add(&w, "reissue", reissued, "");
  AddOtherStories(&w, g, 10, 6);
  auto cl = Clusters(w);
  auto w_found = doppel::FindCopies(w, {});
  ASSERT_TRUE(w_found.ok());
  EXPECT_EQ(w_found->identical_pairs, 1u) << "joined as identical texts, not by alignment";
  EXPECT_TRUE(Together(cl, "issue", "reissue"));
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Together(cl, "issue", fmt::format("report{}", i)));
  // Below min_tokens identical texts are not copies, as any text that short.
  Corpus s;
  Add(&s, "short-a", "Markets closed higher on Friday.", "");
  Add(&s, "short-b", "Markets closed higher on Friday.", "");
  AddOtherStories(&s, g, 3, 4);
  EXPECT_FALSE(Together(Clusters(s), "short-a", "short-b"));
}

// Near-identical texts (kNearCopy: 90% of each one's words beyond chrome
// matched) are copies where their source takes what they share for its
// template: without a source field, a newswire re-issue with a word
// corrected among reports that open alike (a pseudo-source); with one, a
// page of a small site crawled twice with a figure changed, whose story no
// other site carries. Formula reports (one company's production figures,
// then another's) are not.
TEST(FindClusters, NearIdenticalTextsJoinWhereTheirSourceShowsThemAsTemplate) {
  NewsGen g(37);
  Corpus w;
  const std::string opening = "Treasury Secretary James Baker said on Monday that ";
  std::vector<std::string> lines = g.Article(6);
  const std::string issue = opening + JoinLines(lines);
  const size_t space = lines[2].find(' ', lines[2].size() / 2);
  ASSERT_NE(space, std::string::npos);
  lines[2].insert(space, " corrected");
  const std::string reissue = opening + JoinLines(lines);
  Add(&w, "issue", issue, "");
  for (int i = 0; i < 3; ++i) Add(&w, fmt::format("report{}", i), opening + JoinLines(g.Article(6)), "");
  Add(&w, "reissue", reissue, "");
  AddOtherStories(&w, g, 10, 6);
  auto found = doppel::FindCopies(w, {});
  ASSERT_TRUE(found.ok());
  auto cl = Clusters(w);
  EXPECT_TRUE(Together(cl, "issue", "reissue"));
  std::set<std::pair<uint32_t, uint32_t>> w_pairs;
  for (const doppel::RelatedPair& q : found->pairs) EXPECT_TRUE(w_pairs.emplace(q.a, q.b).second) << q.a << " " << q.b;
  EXPECT_EQ(found->near_copy_pairs, 1u) << "joined as near-identical texts, not by alignment";
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Together(cl, "issue", fmt::format("report{}", i)));
  // The pair's passages slice the same words out of both texts (ASCII: code
  // points are bytes) and cover nearly all of each.
  bool seen = false;
  for (const doppel::RelatedPair& p : found->pairs) {
    if (p.a != 0 || p.b != 4) continue;
    seen = true;
    ASSERT_FALSE(p.passages.empty());
    for (const doppel::Passage& q : p.passages) {
      const std::string a = issue.substr(q.a_start, q.a_end - q.a_start);
      const std::string b = reissue.substr(q.b_start, q.b_end - q.b_start);
      EXPECT_EQ(a.substr(0, 12), b.substr(0, 12));
      EXPECT_EQ(a.substr(a.size() - 12), b.substr(b.size() - 12));
    }
    EXPECT_GE(p.coverage_a, doppel::kNearCopy);
    EXPECT_GE(p.coverage_b, doppel::kNearCopy);
  }
  EXPECT_TRUE(seen) << "a pair for the near-identical texts";

  // A page of a small site crawled twice, its view count changed; and
  // another crawled three times, where what the three share is shown by a
  // third page of the site.
  Corpus p;
  const Site small = MakeSite(g, "small.example");
  std::vector<std::string> article = g.Article(6), thrice = g.Article(6);
  article.insert(article.begin() + 1, "Viewed 1204 times");
  Add(&p, "page", Page(small, article), "small.example");
  for (int i = 0; i < 4; ++i) Add(&p, fmt::format("other{}", i), Page(small, g.Article(6)), "small.example");
  Add(&p, "page-copy", Page(small, article), "small.example");  // the same text: an identical pair
  article[1] = "Viewed 1312 times";
  Add(&p, "page-again", Page(small, article), "small.example");
  for (int i = 0; i < 3; ++i) {
    thrice[2] = fmt::format("Updated at {}:{}0 with {} comments", 9 + i, i, 14 + 5 * i);
    Add(&p, fmt::format("crawl{}", i), Page(small, thrice), "small.example");
  }
  // A page crawled twice whose story another site carries in part.
  const Site elsewhere = MakeSite(g, "elsewhere.example");
  std::vector<std::string> carried = g.Article(6);
  carried.insert(carried.begin() + 1, "Viewed 88 times");
  Add(&p, "carried", Page(small, carried), "small.example");
  carried[1] = "Viewed 97 times";
  Add(&p, "carried-again", Page(small, carried), "small.example");
  Add(&p, "excerpt", Page(elsewhere, {carried[0], carried[2], carried[3]}), "elsewhere.example");
  for (int i = 0; i < 3; ++i) Add(&p, fmt::format("elsewhere{}", i), Page(elsewhere, g.Article(5)), "elsewhere.example");
  AddOtherStories(&p, g, 10, 6);
  auto p_cl = Clusters(p);
  EXPECT_TRUE(Together(p_cl, "carried", "carried-again"));
  EXPECT_TRUE(Together(p_cl, "page", "page-again"));
  EXPECT_TRUE(Together(p_cl, "page", "page-copy"));
  // Each pair once, whether identical, near-identical or aligned.
  auto p_found = doppel::FindCopies(p, {});
  ASSERT_TRUE(p_found.ok());
  std::set<std::pair<uint32_t, uint32_t>> p_pairs;
  for (const doppel::RelatedPair& q : p_found->pairs) EXPECT_TRUE(p_pairs.emplace(q.a, q.b).second) << q.a << " " << q.b;
  EXPECT_GE(p_found->near_copy_pairs, 2u);
  EXPECT_TRUE(Together(p_cl, "crawl0", "crawl1"));
  EXPECT_TRUE(Together(p_cl, "crawl0", "crawl2"));
  EXPECT_FALSE(Together(p_cl, "page", "crawl0"));
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(Together(p_cl, "page", fmt::format("other{}", i)));
    EXPECT_FALSE(Together(p_cl, "crawl0", fmt::format("other{}", i)));
  }

  // Two formula reports on a small site that no other site carries: one
  // company's figures, then another's. Their passages span each other
  // through the formula, but a quarter of their words differ.
  Corpus f;
  const char* makers[] = {"General Motors Corp", "Ford Motor Co"};
  for (int i = 0; i < 2; ++i) {
    Add(&f, fmt::format("formula{}", i),
        fmt::format("{} said its May North American car production fell {}.{} pct to {},{} units from {},{} a year "
                    "ago, and its production of commercial vehicles such as trucks and buses rose {}.{} pct to "
                    "{},{} from {},{} in the same month a year ago, the company said in a statement.",
                    makers[i], 10 + 7 * i, 3 + i, 300 + 11 * i, 221 + i, 445 - 13 * i, 440 + 3 * i, 1 + i, 5 + i,
                    158 + 9 * i, 444 - i, 150 - 4 * i, 752 + 5 * i),
        "autos.example");
  }
  for (int i = 0; i < 3; ++i) Add(&f, fmt::format("story{}", i), JoinLines(g.Article(6)), "autos.example");
  AddOtherStories(&f, g, 10, 6);
  EXPECT_FALSE(Together(Clusters(f), "formula0", "formula1"));
}

// k copies of a text give k - 1 pairs, each with the first of them; texts
// whose fingerprints collide are told apart by their tokens. (The
// fingerprints are forced equal here: real collisions are too rare to
// build.)
TEST(FindPairs, IdenticalTextsPairWithTheFirstAndCollisionsAreToldApart) {
  NewsGen g(37);
  const std::string x = JoinLines(g.Article(5)), y = JoinLines(g.Article(5));
  const std::vector<std::string> texts = {x, y, "Zürich — " + x, x, y, x};  // 2 is not x: a word more
  doppel::TokenizedCorpus tc{doppel::TokenStore(size_t{1} << 30, ""), std::vector<uint32_t>(texts.size(), 0), 0,
                             false, std::vector<uint64_t>(texts.size(), 42), {}, {}};
  for (const std::string& t : texts) {
    std::vector<doppel::Token> tokens;
    doppel::TokenizeCodePoints(t, &tokens);
    ASSERT_TRUE(tc.tokens.Append(tokens).ok());
  }
  ASSERT_TRUE(tc.tokens.Finish().ok());
  doppel::FindOptions o;
  o.use_sources = false;
  o.min_shared = 1 << 20;  // no candidates: only identical texts can pair
  auto found = doppel::FindInTokens(std::move(tc), o);
  ASSERT_TRUE(found.ok()) << found.status().message();
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (const doppel::RelatedPair& p : found->pairs) pairs.emplace_back(p.a, p.b);
  EXPECT_EQ(pairs, (std::vector<std::pair<uint32_t, uint32_t>>{{0, 3}, {0, 5}, {1, 4}}));
  EXPECT_EQ(found->identical_pairs, 3u);
  EXPECT_EQ(found->cluster[0], found->cluster[5]);
  EXPECT_NE(found->cluster[0], found->cluster[1]);
  EXPECT_NE(found->cluster[0], found->cluster[2]);
}

// Code points [from, to) of `s` (UTF-8), as Python's s[from:to] would
// take them; empty when they are not all in `s`.
std::string SliceCodePoints(const std::string& s, uint32_t from, uint32_t to) {
  std::vector<size_t> at;  // the byte offset of every code point, then the end
  for (size_t i = 0; i < s.size();) {
    at.push_back(i);
    const auto ch = static_cast<unsigned char>(s[i]);
    i += ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
  }
  at.push_back(s.size());
  if (to >= at.size() || from > to) return std::string();
  return std::string(s.data() + at[from], at[to] - at[from]);
}

// Every passage of `pair` slices the same words out of texts a and b.
void ExpectPassagesSliceTheSameWords(const doppel::RelatedPair& pair, const std::string& a, const std::string& b) {
  ASSERT_FALSE(pair.passages.empty());
  for (const doppel::Passage& p : pair.passages) {
    std::vector<uint64_t> ta, tb;
    doppel::TokenHashes(SliceCodePoints(a, p.a_start, p.a_end), &ta);
    doppel::TokenHashes(SliceCodePoints(b, p.b_start, p.b_end), &tb);
    ASSERT_FALSE(ta.empty());
    EXPECT_EQ(ta, tb) << "the passage slices different words out of the two texts";
  }
}

TEST(FindPairs, PassageOffsetsAreCodePointsIntoTheOriginalTexts) {
  NewsGen g(14);
  std::vector<std::string> art = g.Article(6);
  // Multi-byte characters before and inside the text: byte and code-point
  // offsets differ.
  art[1] = "Zürich café “naïve” — " + art[1];
  // A long run of multi-byte separators: a gap of more than 8 bytes
  // between two tokens, counted 8 bytes at a time.
  std::string a = "Menü ñ ü ——— «» —\n" + JoinLines(art);
  std::string b = JoinLines(art, " ");
  Corpus c;
  Add(&c, "a", a, "");
  Add(&c, "b", b, "");
  auto r = doppel::FindCopies(c, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->pairs.size(), 1u);
  ExpectPassagesSliceTheSameWords(r->pairs[0], a, b);
  EXPECT_GT(r->pairs[0].coverage_a, 0.9);
  EXPECT_GT(r->pairs[0].coverage_b, 0.9);
}

// The web address of an inline link is one token: its words (scheme,
// host, path) would be a dozen inserted words at every link. It opens
// after ( or < with a scheme and "://" or with "www.", and ends at white
// space, at a ) or ] that closes nothing opened in it (Markdown
// "[text](address)"), before the punctuation that ends a sentence. An
// address elsewhere, and a scheme without "://", stay words. Offsets stay
// code points into the text.
TEST(Tokenize, TheWebAddressOfAnInlineLinkIsOneToken) {
  const std::string text =
      "Café [the report](https://Example.com/a/b-c_(d)?x=1&y=2). Next (www.site.org/page), "
      "then (http: and <HTTPS://EXAMPLE.COM/A/B-C_(D)?X=1&Y=2> at www.site.org/page";
  std::vector<doppel::Token> tokens;
  doppel::TokenizeCodePoints(text, &tokens);
  std::vector<std::string> slices;
  for (const doppel::Token& t : tokens) slices.push_back(SliceCodePoints(text, t.begin, t.end));
  EXPECT_EQ(slices, (std::vector<std::string>{"Café", "the", "report", "https://Example.com/a/b-c_(d)?x=1&y=2", "Next",
                                              "www.site.org/page", "then", "http", "and",
                                              "HTTPS://EXAMPLE.COM/A/B-C_(D)?X=1&Y=2", "at", "www", "site", "org",
                                              "page"}));
  ASSERT_EQ(tokens.size(), 15u);
  EXPECT_EQ(tokens[3].hash, tokens[9].hash);  // ASCII case aside, the same address
  EXPECT_NE(tokens[3].hash, tokens[5].hash);
  std::vector<doppel::Token> word;
  doppel::TokenizeCodePoints("https", &word);
  ASSERT_EQ(word.size(), 1u);
  EXPECT_NE(tokens[3].hash, word[0].hash);
  std::vector<doppel::Token> scheme;  // "http" without "://" is a word
  doppel::TokenizeCodePoints("http", &scheme);
  ASSERT_EQ(scheme.size(), 1u);
  EXPECT_EQ(tokens[7].hash, scheme[0].hash);
  // An address ends at the first character beyond ASCII: a no-break space,
  // a line separator, and in text without spaces the fullwidth comma and
  // the ideographs after it; a word that began before it is taken whole,
  // one that begins there stays a word.
  auto slices_of = [](const std::string& t) {
    std::vector<doppel::Token> tok;
    doppel::TokenizeCodePoints(t, &tok);
    std::vector<std::string> out;
    for (const doppel::Token& x : tok) out.push_back(SliceCodePoints(t, x.begin, x.end));
    return out;
  };
  EXPECT_EQ(slices_of("see (www.a.org/x\u00a0now"), (std::vector<std::string>{"see", "www.a.org/x", "now"}));
  EXPECT_EQ(slices_of("see (https://a.com/x\u2028Home\u2028News"),
            (std::vector<std::string>{"see", "https://a.com/x", "Home", "News"}));
  EXPECT_EQ(slices_of("\u8be6\u89c1(https://example.com/a\uff0c\u7136\u540e"),
            (std::vector<std::string>{"\u8be6", "\u89c1", "https://example.com/a", "\u7136", "\u540e"}));
  EXPECT_EQ(slices_of("(https://de.wikipedia.org/wiki/Z\u00fcrich) next"),
            (std::vector<std::string>{"https://de.wikipedia.org/wiki/Z\u00fcrich", "next"}));
  EXPECT_EQ(slices_of("(https://fr.wikipedia.org/wiki/\u00e9t\u00e9) next"),
            (std::vector<std::string>{"https://fr.wikipedia.org/wiki", "\u00e9t\u00e9", "next"}));
}

// A copy that carries its links inline, as Markdown does, is one story with
// the plain copy: each address is one inserted word, not a dozen that
// break the passage at every link.
TEST(FindClusters, ACopyWithItsLinksInlineJoinsThePlainCopy) {
  NewsGen g(52);
  const std::vector<std::string> art = g.Article(8);
  std::vector<std::string> md;
  int n = 0;
  for (const std::string& line : art) {
    std::istringstream words(line);
    std::string w, out;
    while (words >> w) {
      if (++n % 5 == 0) {
        w = fmt::format("[{}](https://www.daily-example.com/news/world/2012/11/{}-story-of-the-day-{})", w, n, n * 7919);
      }
      out += (out.empty() ? "" : " ") + w;
    }
    md.push_back(out);
  }
  Corpus c;
  Add(&c, "plain", JoinLines(art), "");
  Add(&c, "markdown", JoinLines(md), "");
  AddOtherStories(&c, g, 20, 8);
  auto r = doppel::FindCopies(c, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const doppel::RelatedPair* pair = nullptr;
  for (const doppel::RelatedPair& p : r->pairs) {
    if (p.a == 0 && p.b == 1) pair = &p;
  }
  ASSERT_NE(pair, nullptr);
  EXPECT_GT(pair->coverage_a, 0.9);
  EXPECT_GT(pair->coverage_b, 0.9);
  EXPECT_EQ(r->cluster[0], r->cluster[1]);
  EXPECT_NE(r->cluster[0], r->cluster[2]);
}

// `text` in a script written without spaces: every ASCII word as one to
// three CJK ideographs (a word, the same ones wherever it is), no spaces
// between words, and the CJK full stop and comma. Each character is a
// token, so chrome, anchors and coverage are counted in characters.
std::string Ideographs(const std::string& text) {
  auto letter = [&](size_t i) { return i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])); };
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (letter(i)) {
      size_t j = i;
      uint64_t h = 1469598103934665603ULL;  // FNV-1a of the lower-case word
      for (; letter(j); ++j) {
        h = (h ^ static_cast<uint64_t>(std::tolower(static_cast<unsigned char>(text[j])))) * 1099511628211ULL;
      }
      const size_t chars = j - i <= 3 ? 1 : j - i <= 7 ? 2 : 3;
      for (size_t k = 0; k < chars; ++k, h /= 2500) {
        const uint32_t cp = 0x4E00 + static_cast<uint32_t>(h % 2500) * 7;  // U+4E00 .. U+9255
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
      i = j;
    } else if (text[i] == ' ' && i > 0 && letter(i - 1) && letter(i + 1)) {
      ++i;
    } else {
      out += text[i] == '.' ? "\u3002" : text[i] == ',' ? "\uFF0C" : std::string(1, text[i]);
      ++i;
    }
  }
  return out;
}

TEST(FindClusters, StoriesInAScriptWithoutSpacesClusterAndSliceTheirPassages) {
  TwoSites t = BuildTwoSites(true);
  for (CorpusDocument& d : t.corpus.docs) d.text = Ideographs(d.text);
  ASSERT_TRUE(std::none_of(t.corpus.docs[0].text.begin(), t.corpus.docs[0].text.end(),
                           [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }));
  auto r = doppel::FindCopies(t.corpus, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const size_t copy = t.corpus.docs.size() - 1;  // "copy0", story 0 on the other site
  EXPECT_EQ(r->cluster[0], r->cluster[copy]);
  std::set<uint32_t> distinct;
  for (size_t d = 0; d + 1 < t.corpus.docs.size(); ++d) distinct.insert(r->cluster[d]);
  EXPECT_EQ(distinct.size(), t.corpus.docs.size() - 1) << "two different stories share a cluster";
  ASSERT_EQ(r->pairs.size(), 1u);
  ExpectPassagesSliceTheSameWords(r->pairs[0], t.corpus.docs[r->pairs[0].a].text, t.corpus.docs[r->pairs[0].b].text);
  EXPECT_GT(std::min(r->pairs[0].coverage_a, r->pairs[0].coverage_b), 0.9);
}

// Everything find reports about a corpus, as one string.
std::string Describe(const doppel::Result<doppel::FindResult>& r) {
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return std::string();
  std::string out;
  for (uint32_t c : r->cluster) out += std::to_string(c) + ",";
  for (const auto& p : r->pairs) {
    out += fmt::format("{}-{} {:.4f} {:.4f}:", p.a, p.b, p.coverage_a, p.coverage_b);
    for (const auto& q : p.passages) {
      out += fmt::format("{}/{}/{}/{}/{:.4f};", q.a_start, q.a_end, q.b_start, q.b_end, q.similarity);
    }
  }
  return out;
}

// BuildTwoSites with stories a site published again: page p1 on its own
// site and on the other one (a pair of one source), page p3 three times on
// its site and once on the other (a set). Boilerplate must group them, not
// erase them.
TwoSites BuildTwoSitesWithRepeats(bool sources) {
  TwoSites t = BuildTwoSites(true);
  const CorpusDocument p1 = t.corpus.docs[1];
  Add(&t.corpus, "p1-again", p1.text, p1.source);
  Add(&t.corpus, "p1-elsewhere", p1.text, t.corpus.docs[9].source);
  const CorpusDocument p3 = t.corpus.docs[3];
  Add(&t.corpus, "p3-again", p3.text, p3.source);
  Add(&t.corpus, "p3-third", p3.text, p3.source);
  Add(&t.corpus, "p3-elsewhere", p3.text, t.corpus.docs[9].source);
  if (!sources) {
    for (auto& d : t.corpus.docs) d.source.clear();
  }
  return t;
}

TEST(FindClusters, SameResultForAnyThreadCount) {
  for (bool sources : {true, false}) {
    TwoSites t = BuildTwoSitesWithRepeats(sources);
    auto run = [&](int threads) {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads));
      return Describe(doppel::FindCopies(t.corpus, {}));
    };
    const std::string one = run(1);
    EXPECT_NE(one.find('-'), std::string::npos) << "the corpus should have related pairs";
    EXPECT_EQ(run(2), one) << "sources " << sources;
    EXPECT_EQ(run(4), one) << "sources " << sources;
  }
}

// Beyond FindOptions::memory, boilerplate is found a partition of n-grams at
// a time and tokens go to a scratch file: the result must not change, down
// to one bucket of n-grams per partition, with and without sources.
TEST(FindClusters, SameResultWhenNgramsArePartitioned) {
  for (bool sources : {true, false}) {
    TwoSites t = BuildTwoSitesWithRepeats(sources);
    doppel::FindOptions whole, parts;
    parts.memory = 1;
    const auto found = doppel::FindCopies(t.corpus, whole);
    const std::string expected = Describe(found);
    if (sources && found.ok()) {
      EXPECT_EQ(found->cluster[3], found->cluster[t.corpus.docs.size() - 2]) << "p3 and p3-third";
      EXPECT_EQ(found->cluster[1], found->cluster[17]) << "p1 and p1-again";
    }
    EXPECT_NE(expected.find('-'), std::string::npos) << "the corpus should have related pairs";
    EXPECT_EQ(Describe(doppel::FindCopies(t.corpus, parts)), expected) << "sources " << sources;
    // Budgets in between: tokens in memory or not, partitions of several
    // buckets, postings spilled part-way, batches of a few documents.
    for (size_t memory = 1024; memory <= (size_t{1} << 22); memory *= 4) {
      doppel::FindOptions o;
      o.memory = memory;
      EXPECT_EQ(Describe(doppel::FindCopies(t.corpus, o)), expected) << "sources " << sources << ", memory " << memory;
    }
  }
}

// Pages of small sites (as in TwoPagesOfASiteShareTheirTemplateNotAStory)
// in an order where the sources' pairs come in another order than the
// pairs do: the story groups align their pairs source by source (in
// batches of documents of a few sources) and must give each pair its own
// result, at any budget.
TEST(FindClusters, StoryGroupsGiveEachPairItsResultWhateverTheOrderOfSources) {
  NewsGen g(15);
  Site small = MakeSite(g, "small.example");
  const Site other = MakeSite(g, "other.example"), twice = MakeSite(g, "twice.example");
  const Site copies = MakeSite(g, "copies.example");
  for (int i = 0; i < 8; ++i) small.footer.push_back(g.MenuLine(8));
  const std::vector<std::string> t1 = g.Article(4), t2 = g.Article(4);
  // other.example comes first (source 1), but its pair (5, 6) comes after
  // small.example's (1, 2: its template) and twice.example's (3, 4).
  struct Placed {
    const char* id;
    const Site* site;
    std::vector<std::string> article;
  };
  const Placed pages[] = {{"other0", &other, g.Article(4)},  {"small0", &small, g.Article(1)},
                          {"small1", &small, g.Article(1)},  {"twice0", &twice, t1},
                          {"twice1", &twice, t1},            {"other_t2_0", &other, t2},
                          {"other_t2_1", &other, t2},        {"copy_t1", &copies, t1},
                          {"copy_t2", &copies, t2}};
  Corpus c;
  for (const Placed& p : pages) Add(&c, p.id, Page(*p.site, p.article), p.site->name);
  for (int i = 1; i < 8; ++i) Add(&c, fmt::format("other{}", i), Page(other, g.Article(4)), other.name);
  for (int i = 0; i < 4; ++i) Add(&c, fmt::format("copies{}", i), Page(copies, g.Article(4)), copies.name);
  const std::string whole = Describe(doppel::FindCopies(c, {}));
  for (size_t memory : {size_t{1}, size_t{4096}, size_t{1} << 16}) {
    doppel::FindOptions o;
    o.memory = memory;
    EXPECT_EQ(Describe(doppel::FindCopies(c, o)), whole) << "memory " << memory;
  }
  const auto cl = Clusters(c);
  const std::pair<const char*, const char*> stories[] = {
      {"twice0", "twice1"}, {"twice0", "copy_t1"}, {"other_t2_0", "other_t2_1"}, {"other_t2_0", "copy_t2"}};
  const std::pair<const char*, const char*> apart[] = {
      {"small0", "small1"}, {"twice0", "other_t2_0"}, {"other0", "other1"}};
  for (const auto& [x, y] : stories) EXPECT_TRUE(Together(cl, x, y)) << x << " and " << y;
  for (const auto& [x, y] : apart) EXPECT_FALSE(Together(cl, x, y)) << x << " and " << y;
}

// The budget is shared: tokens are held in memory up to half of it, and the
// working memory they leave is split between the n-gram partition and the
// postings; per-position flags are bytes only while small against it.
TEST(FindClusters, TablesShareTheMemoryBudget) {
  TwoSites t = BuildTwoSitesWithRepeats(true);
  doppel::FindOptions defaults;
  // The store's bytes: of the tokens find keeps (code points, look-alike
  // glyphs folded), packed.
  uint64_t token_bytes = 0, grams = 0;
  for (const auto& doc : t.corpus.docs) {
    std::vector<doppel::Token> v;
    doppel::TokenizeCodePoints(doc.text, &v, nullptr, defaults.fold_lookalikes);
    token_bytes += doppel::TokenStore::PackedBytes(v);
    grams += v.size() >= static_cast<size_t>(defaults.boiler_ngram) ? v.size() - defaults.boiler_ngram + 1 : 0;
  }
  const uint64_t gram_bytes = grams * 16;
  ASSERT_GT(gram_bytes, token_bytes / 2) << "documents long enough for the cases below";
  // Budgets around the tokens' size: within half of it, beyond half but
  // within all of it (spilled, where a budget per table kept them), beyond.
  for (uint64_t memory : {token_bytes * 4, token_bytes * 3 / 2, token_bytes / 2, uint64_t{1} << 30}) {
    doppel::FindOptions o;
    o.memory = memory;
    auto found = doppel::FindCopies(t.corpus, o);
    ASSERT_TRUE(found.ok()) << found.status().message();
    const doppel::FindMemoryUse& m = found->memory;
    const bool spilled = token_bytes > memory / 2;
    EXPECT_EQ(m.tokens_spilled, spilled) << "memory " << memory;
    const uint64_t work = memory - (spilled ? 0 : token_bytes);
    EXPECT_EQ(m.working_bytes, work) << "memory " << memory;
    // One partition while the occurrences fit half of the working memory.
    if (gram_bytes <= work / 2) {
      EXPECT_EQ(m.ngram_partitions, 1u) << "memory " << memory;
    } else {
      EXPECT_GT(m.ngram_partitions, 1u) << "memory " << memory;
    }
    EXPECT_EQ(m.flag_bytes, grams <= work / 8) << "memory " << memory;
    EXPECT_GE(m.align_batches, 1u);
    EXPECT_GE(m.candidate_ranges, 1u);
  }
  // At 3/2 of the tokens' size they are spilled, and the occurrences (more
  // than half the tokens' bytes) need more than one partition of 3/4.
  doppel::FindOptions o;
  o.memory = token_bytes * 3 / 2;
  auto found = doppel::FindCopies(t.corpus, o);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->memory.tokens_spilled);
  EXPECT_EQ(found->memory.ngram_partitions > 1, gram_bytes > token_bytes * 3 / 4);
  // With a budget of one byte every table is as small as it gets.
  o.memory = 1;
  found = doppel::FindCopies(t.corpus, o);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->memory.tokens_spilled);
  EXPECT_TRUE(found->memory.postings_spilled);
  EXPECT_FALSE(found->memory.flag_bytes);
  EXPECT_GT(found->memory.align_batches, 1u);
}

}  // namespace
