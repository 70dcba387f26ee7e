// Fusion (doppel/fuse.h: FuseClusters) and the word aligner (src/fuse/):
// one case per way copies differ, on stories made here, and the properties
// every fused text has.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "doppel/fuse.h"
#include "doppel/text.h"
#include "fuse/align.h"
#include "news_gen.h"
#include "test_util.h"

namespace doppel {
namespace {

using doppel_test::JoinLines;
using doppel_test::NewsGen;
using doppel_test::Rng;

struct Builder {
  Corpus corpus;
  std::vector<uint32_t> cluster;
  uint32_t Add(const std::string& text, uint32_t story, const std::string& source = "") {
    const std::string src = source.empty() ? "site" + std::to_string(corpus.docs.size()) + ".example" : source;
    corpus.docs.push_back({"\"d" + std::to_string(corpus.docs.size()) + "\"", text, src});
    cluster.push_back(story);
    return static_cast<uint32_t>(corpus.docs.size() - 1);
  }
  std::vector<CleanedDocument> Clean() const { return CleanDocuments(corpus, cluster); }
  std::vector<FusedText> Fuse() const { return FuseClusters(corpus, cluster, Clean()); }
  // The fused text of the cluster that holds document d.
  std::string FusedOf(uint32_t d) const {
    for (const FusedText& f : Fuse()) {
      if (f.cluster == cluster[d]) return f.text;
    }
    return "<none>";
  }
};

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

std::string SliceCp(const std::string& s, uint32_t a, uint32_t b) {
  std::string out;
  uint32_t cp = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++cp;
    if (cp > a && cp <= b) out.push_back(s[i]);
  }
  return out;
}

// Drops the words [from, from + n) of a line (a lost link text).
std::string DropWords(const std::string& line, size_t from, size_t n) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    size_t j = line.find(' ', i);
    if (j == std::string::npos) j = line.size();
    words.push_back(line.substr(i, j - i));
    i = j + 1;
  }
  std::string out;
  for (size_t w = 0; w < words.size(); ++w) {
    if (w >= from && w < from + n) continue;
    if (!out.empty()) out += ' ';
    out += words[w];
  }
  return out;
}

// Checks what every fused text must satisfy: its words come from the
// copies, its provenance spans slice their documents and match it, and
// they cover every word of it.
void CheckProperties(const Builder& b, const std::vector<CleanedDocument>& cleaned,
                     const std::vector<FusedText>& fused) {
  std::vector<std::set<uint64_t>> words_of(b.corpus.docs.size());
  for (size_t d = 0; d < cleaned.size(); ++d) {
    std::vector<uint64_t> h;
    TokenHashes(cleaned[d].text, &h);
    words_of[d].insert(h.begin(), h.end());
  }
  for (const FusedText& f : fused) {
    std::vector<uint64_t> h;
    TokenHashes(f.text, &h);
    for (uint64_t w : h) {
      bool found = false;
      for (size_t d = 0; d < b.corpus.docs.size() && !found; ++d) {
        found = b.cluster[d] == f.cluster && words_of[d].count(w);
      }
      EXPECT_TRUE(found) << "a fused word that no copy has";
    }
    uint32_t prev_end = 0;
    std::string covered;
    for (const FusedSpan& s : f.sources) {
      EXPECT_LE(prev_end, s.fused_start);
      EXPECT_LT(s.fused_start, s.fused_end);
      prev_end = s.fused_end;
      EXPECT_EQ(b.cluster[s.doc], f.cluster);
      EXPECT_EQ(SliceCp(f.text, s.fused_start, s.fused_end), SliceCp(b.corpus.docs[s.doc].text, s.source_start, s.source_end));
      covered += SliceCp(f.text, s.fused_start, s.fused_end) + " ";
    }
    std::vector<uint64_t> in_spans;
    TokenHashes(covered, &in_spans);
    EXPECT_EQ(in_spans, h) << "spans must cover the fused words";
  }
}

TEST(Fuse, DroppedLinkText) {
  NewsGen gen(21);
  std::vector<std::string> story = gen.Article(4);
  std::vector<std::string> feed = story;
  feed[2] = DropWords(feed[2], 3, 3);  // a link text of three words, lost
  feed.push_back(gen.Paragraph());    // and a paragraph the other copy lacks, so the feed is the longest
  Builder b;
  b.Add(JoinLines(story), 0);
  b.Add(JoinLines(feed), 0);
  std::vector<std::string> whole = story;
  whole.push_back(feed.back());
  EXPECT_EQ(b.FusedOf(0), JoinLines(whole));
}

TEST(Fuse, HoleShowsALostWord) {
  NewsGen gen(22);
  std::vector<std::string> story = gen.Article(3);
  story[1] = "The report by Reuters was read widely. " + story[1];
  std::vector<std::string> feed = story;
  feed[1] = "The report by . was read widely. " + story[1].substr(story[1].find("widely. ") + 8);
  feed.push_back(gen.Paragraph());
  Builder b;
  b.Add(JoinLines(story), 0);
  b.Add(JoinLines(feed), 0);
  EXPECT_EQ(Count(b.FusedOf(0), "The report by Reuters was read widely."), 1u);
}

TEST(Fuse, MissingLeadParagraph) {
  NewsGen gen(23);
  std::vector<std::string> story = gen.Article(5);
  Builder b;
  b.Add(JoinLines(story), 0);
  b.Add(JoinLines(std::vector<std::string>(story.begin() + 2, story.end())), 0);
  b.Add(JoinLines(std::vector<std::string>(story.begin() + 2, story.end())), 0);
  EXPECT_EQ(b.FusedOf(0), JoinLines(story));
}

TEST(Fuse, TruncatedCopies) {
  NewsGen gen(24);
  std::vector<std::string> story = gen.Article(6);
  Builder b;
  b.Add(JoinLines(std::vector<std::string>(story.begin(), story.begin() + 3)), 0);
  b.Add(JoinLines(std::vector<std::string>(story.begin(), story.begin() + 2)), 0);
  b.Add(JoinLines(story), 0);
  EXPECT_EQ(b.FusedOf(0), JoinLines(story));
}

TEST(Fuse, FlattenedLineBreaks) {
  NewsGen gen(25);
  std::vector<std::string> story = gen.Article(4);
  Builder b;
  b.Add(JoinLines(story, " ") + " " + gen.Sentence(3), 0);  // flattened, and the longest
  b.Add(JoinLines(story), 0);
  b.Add(JoinLines(story), 0);
  const std::string fused = b.FusedOf(0);
  EXPECT_EQ(fused.substr(0, JoinLines(story).size()), JoinLines(story));
}

TEST(Fuse, InsertedCaptionAdvertisementAndVideoTitle) {
  NewsGen gen(26);
  std::vector<std::string> story = gen.Article(4);
  const std::string caption = "The crowd at the square on Monday. Photo: Jan Novak/Agency";
  std::vector<std::string> page = story;
  page.insert(page.begin() + 2, caption);
  page.insert(page.begin() + 3, "ADVERTISEMENT");
  page.insert(page.begin() + 4, "Watch the parade again 02:59");
  Builder b;
  b.Add(JoinLines(page), 0);
  b.Add(JoinLines(story), 0);
  b.Add(JoinLines(story), 0);
  const std::string fused = b.FusedOf(0);
  EXPECT_EQ(fused, JoinLines(story));
}

TEST(Fuse, SyndicationFooter) {
  NewsGen gen(27);
  std::vector<std::string> story = gen.Article(3);
  Builder b;
  b.Add(JoinLines(story), 0);
  b.Add(JoinLines(story) + "\nThe post " + story[0] + " appeared first on Example News.", 0);
  EXPECT_EQ(b.FusedOf(0), JoinLines(story));
}

TEST(Fuse, SiteChromeRepeatedAcrossStories) {
  NewsGen gen(28);
  const std::string menu = gen.MenuLine(6), footer = "Follow us on every network and subscribe to the letter";
  Builder b;
  std::vector<std::vector<std::string>> stories;
  for (uint32_t s = 0; s < 3; ++s) stories.push_back(gen.Article(4));
  for (uint32_t s = 0; s < 3; ++s) {
    b.Add(menu + "\n" + JoinLines(stories[s]) + "\n" + footer, s, "paper.example");
    b.Add(JoinLines(stories[s]), s);
  }
  for (uint32_t s = 0; s < 3; ++s) EXPECT_EQ(b.FusedOf(2 * s), JoinLines(stories[s]));
}

TEST(Fuse, RelatedStoriesList) {
  NewsGen gen(29);
  std::vector<std::vector<std::string>> stories;
  for (int s = 0; s < 4; ++s) stories.push_back(gen.Article(3));
  Builder b;
  for (uint32_t s = 1; s < 4; ++s) b.Add(JoinLines(stories[s]), s);
  // Two copies with lists of their sites: lined and flattened.
  b.Add(JoinLines(stories[0]) + "\nRelated stories\n" + stories[1][0] + "\n" + stories[2][0], 0);
  b.Add(JoinLines(stories[0]), 0);
  b.Add(JoinLines(stories[0], " ") + " More on this " + stories[3][0], 0);
  EXPECT_EQ(b.FusedOf(3), JoinLines(stories[0]));
  for (uint32_t s = 1; s < 4; ++s) EXPECT_EQ(b.FusedOf(s - 1), JoinLines(stories[s]));
}

// A page alone on its site keeps its menus through cleaning (nothing shows
// them as its chrome). Only that copy covers them, and though the block is
// long, none of its lines reads as prose: fusion leaves them out. The
// story's tail that the same copy alone kept stays, the subheading inside
// it too. (The headline kept before a lead only one copy has:
// Fuse.MissingLeadParagraph.)
TEST(Fuse, AMenuBlockOneCopyAloneCoversIsLeftOutLineByLine) {
  NewsGen gen(41);
  std::vector<std::string> story = gen.Article(6);
  std::string subheading = gen.Sentence(3);
  subheading.pop_back();
  story.insert(story.begin() + 5, subheading);
  std::vector<std::string> menus, footer;
  for (int i = 0; i < 10; ++i) menus.push_back(gen.MenuLine(2));
  for (int i = 0; i < 4; ++i) footer.push_back(gen.MenuLine(3));
  std::vector<std::string> page = menus;
  page.insert(page.end(), story.begin(), story.end());
  page.insert(page.end(), footer.begin(), footer.end());
  Builder b;
  b.Add(JoinLines(page), 0);
  const std::vector<std::string> lead(story.begin(), story.begin() + 3);
  b.Add(JoinLines(lead), 0);
  b.Add(JoinLines(lead), 0);
  ASSERT_NE(b.Clean()[0].text.find(menus[3]), std::string::npos) << "cleaning should keep the menus here";
  ASSERT_NE(b.Clean()[0].text.find(footer[1]), std::string::npos) << "and the footer";
  EXPECT_EQ(b.FusedOf(0), JoinLines(story));
}

TEST(Fuse, SingletonGetsItsCleanedText) {
  NewsGen gen(30);
  Builder b;
  b.Add("« Préface » " + JoinLines(gen.Article(3)) + "\nThe post Something appeared first on Elsewhere.", 7);
  auto cleaned = b.Clean();
  auto fused = FuseClusters(b.corpus, b.cluster, cleaned);
  ASSERT_EQ(fused.size(), 1u);
  EXPECT_EQ(fused[0].text, cleaned[0].text);
  EXPECT_EQ(fused[0].cluster, 7u);
  EXPECT_EQ(fused[0].representative, 0u);
  CheckProperties(b, cleaned, fused);
}

// Copies with every kind of damage, at random: the properties hold, and
// what all copies share appears exactly once.
TEST(Fuse, PropertiesOnDamagedCopies) {
  NewsGen gen(31);
  Rng& rng = gen.rng();
  Builder b;
  std::vector<std::vector<std::string>> stories;
  for (uint32_t s = 0; s < 12; ++s) {
    stories.push_back(gen.Article(6));
    const std::vector<std::string>& story = stories.back();
    const int copies = 1 + static_cast<int>(rng.Below(4));
    for (int c = 0; c < copies; ++c) {
      std::vector<std::string> lines = story;
      if (c > 0 && rng.Below(3) == 0) lines.erase(lines.begin() + 1);                    // no lead
      if (c > 0 && rng.Below(3) == 0) lines.resize(4);                                    // truncated
      if (rng.Below(3) == 0) lines[2 % lines.size()] = DropWords(lines[2 % lines.size()], 2, 2);  // lost link
      if (rng.Below(4) == 0) lines.insert(lines.begin() + 2, "Ünïcode caption — “quoted” ✓");
      b.Add(JoinLines(lines, rng.Below(3) == 0 ? " " : "\n"), s);
    }
  }
  auto cleaned = b.Clean();
  auto fused = FuseClusters(b.corpus, b.cluster, cleaned);
  ASSERT_EQ(fused.size(), stories.size());
  CheckProperties(b, cleaned, fused);
  for (uint32_t s = 0; s < stories.size(); ++s) {
    // Paragraph 3 (index 3) is in every copy, whole: once in the fused text.
    EXPECT_EQ(Count(fused[s].text, stories[s][3]), 1u) << fused[s].text;
  }
}

TEST(Fuse, DeterministicForAnyThreadCount) {
  NewsGen gen(32);
  Builder b;
  for (uint32_t s = 0; s < 30; ++s) {
    std::vector<std::string> story = gen.Article(4);
    b.Add(JoinLines(story), s);
    b.Add(JoinLines(std::vector<std::string>(story.begin() + 1, story.end())), s);
  }
  auto run = [&] {
    std::string all;
    for (const FusedText& f : b.Fuse()) all += f.text + "\x01";
    return all;
  };
  const std::string many = run();
  EXPECT_EQ(run(), many);
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  EXPECT_EQ(run(), many);
}

// --- the aligner ---

// The length of a longest common subsequence, by dynamic programming.
size_t LcsLength(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  std::vector<std::vector<size_t>> t(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
    }
  }
  return t[a.size()][b.size()];
}

void CheckPairs(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b, const std::vector<WordPair>& pairs) {
  for (size_t k = 0; k < pairs.size(); ++k) {
    ASSERT_LT(pairs[k].first, a.size());
    ASSERT_LT(pairs[k].second, b.size());
    EXPECT_EQ(a[pairs[k].first], b[pairs[k].second]);
    if (k) {
      EXPECT_LT(pairs[k - 1].first, pairs[k].first);
      EXPECT_LT(pairs[k - 1].second, pairs[k].second);
    }
  }
}

TEST(WordAlign, MyersFindsALongestCommonSubsequence) {
  Rng rng(41);
  for (int round = 0; round < 300; ++round) {
    std::vector<uint64_t> a(rng.Below(40)), b(rng.Below(40));
    const uint64_t alphabet = 1 + rng.Below(6);
    for (auto& x : a) x = rng.Below(alphabet);
    for (auto& x : b) x = rng.Below(alphabet);
    std::vector<WordPair> pairs;
    ASSERT_TRUE(MyersDiff(a, b, 0, 0, a.size() + b.size(), &pairs));
    CheckPairs(a, b, pairs);
    EXPECT_EQ(pairs.size(), LcsLength(a, b));
  }
  std::vector<uint64_t> a{1, 2, 3, 4}, b{5, 6, 7, 8};
  std::vector<WordPair> pairs;
  EXPECT_FALSE(MyersDiff(a, b, 0, 0, 3, &pairs));  // edit distance 8 > 3
  EXPECT_TRUE(pairs.empty());
}

TEST(WordAlign, MonotoneWithinAnyBudget) {
  Rng rng(42);
  for (int round = 0; round < 100; ++round) {
    std::vector<uint64_t> a(200 + rng.Below(300));
    for (auto& x : a) x = rng.Below(50);
    std::vector<uint64_t> b;
    for (uint64_t x : a) {  // a copy with edits
      if (rng.Below(10) == 0) continue;
      if (rng.Below(10) == 0) b.push_back(rng.Below(50));
      b.push_back(x);
    }
    for (uint64_t budget : {uint64_t{1} << 22, uint64_t{64}}) {
      std::vector<WordPair> pairs;
      AlignWords(a, b, 4, budget, &pairs);
      CheckPairs(a, b, pairs);
      if (budget > 64) {
        EXPECT_GE(pairs.size(), b.size() * 8 / 10);
      }
    }
  }
  std::vector<uint64_t> same{1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<WordPair> pairs;
  AlignWords(same, same, 4, 1 << 22, &pairs);
  EXPECT_EQ(pairs.size(), same.size());
}

// --- the command ---

TEST(FuseRun, ClustersFromAFile) {
  doppel_test::TempDir dir;
  NewsGen gen(50);
  std::vector<std::string> story = gen.Article(3);
  std::string docs;
  for (int d = 0; d < 3; ++d) {
    std::string line = "{\"id\": \"d" + std::to_string(d) + "\", \"url\": \"https://s" + std::to_string(d) +
                       ".example/a\", \"text\": \"" + (d == 2 ? gen.Paragraph() : JoinLines(story, "\\n")) + "\"}\n";
    docs += line;
  }
  doppel_test::WriteFile(dir.Join("docs.jsonl"), docs);
  doppel_test::WriteFile(dir.Join("c.jsonl"), "{\"id\": \"d1\", \"cluster\": \"x\"}\n{\"id\": \"d0\", \"cluster\": \"x\"}\n"
                                              "{\"id\": \"nobody\", \"cluster\": \"x\"}\n");
  FuseRunOptions o;
  o.corpus.inputs = {dir.Join("docs.jsonl")};
  o.corpus.fields.source = "url";
  o.corpus.progress = false;
  o.clusters_from = dir.Join("c.jsonl");
  o.clusters_path = dir.Join("out_c.jsonl");
  o.clean_path = dir.Join("out_clean.jsonl");
  o.fused_path = dir.Join("out_fused.jsonl");
  auto result = RunFuse(o);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->clusters, 1u);
  EXPECT_EQ(doppel_test::ReadFile(o.clusters_path),
            "{\"id\":\"d0\",\"cluster\":\"d0\"}\n{\"id\":\"d1\",\"cluster\":\"d0\"}\n{\"id\":\"d2\",\"cluster\":\"d2\"}\n");
  std::vector<std::string> fused = doppel_test::SplitLines(doppel_test::ReadFile(o.fused_path));
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_EQ(fused[0].rfind("{\"cluster\":\"d0\",\"text\":", 0), 0u);
  EXPECT_NE(fused[0].find("\"sources\":[{\"start\":0,"), std::string::npos);
  EXPECT_EQ(doppel_test::SplitLines(doppel_test::ReadFile(o.clean_path)).size(), 3u);

  doppel_test::WriteFile(dir.Join("bad.jsonl"), "{\"id\": \"d1\"}\n");
  o.clusters_from = dir.Join("bad.jsonl");
  auto bad = RunFuse(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad.jsonl:1"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace doppel
