// `doppel find` as a program: folders of .txt documents, JSONL with a source
// field, bad input, and byte-identical output for any thread count.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "cli_harness.h"
#include "doppel/record.h"
#include "news_gen.h"

namespace {

using doppel_test::CliTest;
using doppel_test::JoinLines;
using doppel_test::NewsGen;
using doppel_test::ParseClusters;
using doppel_test::ParseSummary;
using doppel_test::SplitLines;

// Code points [from, to) of a UTF-8 string.
std::string Slice(const std::string& s, uint64_t from, uint64_t to) {
  std::vector<size_t> at;
  for (size_t i = 0; i < s.size();) {
    at.push_back(i);
    auto c = static_cast<unsigned char>(s[i]);
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  }
  at.push_back(s.size());
  if (to >= at.size() || from > to) return {};
  return s.substr(at[from], at[to] - at[from]);
}

// Lower-cased words, for comparing two slices.
std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      w += c;
    } else if (c >= 'A' && c <= 'Z') {
      w += static_cast<char>(c + 32);
    } else if (!w.empty()) {
      out.push_back(w);
      w.clear();
    }
  }
  if (!w.empty()) out.push_back(w);
  return out;
}

class FindCliTest : public CliTest {
 protected:
  // Two copies of one article the way the seed pair is: a feed copy that
  // lost some link texts and has a syndication footer, and a one-line page
  // scrape with a widget, a caption and an ADVERTISEMENT, cut off early.
  void WriteCopies(const std::string& dir) {
    NewsGen g(21);
    std::vector<std::string> art = g.Article(9);
    std::vector<std::string> feed(art.begin() + 1, art.end());
    for (std::string& p : feed) {
      size_t sp = p.find(' ', p.size() / 2);
      size_t sp2 = p.find(' ', sp + 1);
      if (sp != std::string::npos && sp2 != std::string::npos) p.erase(sp, sp2 - sp);  // a lost link text
    }
    feed.push_back("The post " + art[0] + " appeared first on Example News.");
    // The widget keeps its own lines; the article is flattened onto one.
    std::vector<std::string> body = {art[0], art[1], "ADVERTISEMENT"};
    body.insert(body.end(), art.begin() + 2, art.begin() + 6);
    const std::string scrape = "radio Loading ...\n\nmusic_note NOW PLAYING:- Loading ...\n\n" + JoinLines(body, " ");
    Write(dir + "/000_feed.txt", JoinLines(feed));
    Write(dir + "/001_scrape.txt", scrape);
    texts_ = {JoinLines(feed), scrape};
  }
  std::vector<std::string> texts_;
};

TEST_F(FindCliTest, FolderOfCopiesIsOneClusterWithPassagesIntoBothTexts) {
  WriteCopies("copies");
  auto r = Doppel("find --clusters C.jsonl --pairs P.jsonl copies");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto clusters = ParseClusters(parser_, Read("C.jsonl"));
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_EQ(clusters[0].second, clusters[1].second);
  EXPECT_EQ(clusters[0].first, "\"000_feed.txt\"");
  auto lines = SplitLines(Read("P.jsonl"));
  ASSERT_EQ(lines.size(), 1u);
  simdjson::dom::element pair = parser_.parse(lines[0]);
  EXPECT_EQ(std::string_view(pair["a"]), "000_feed.txt");
  uint64_t covered_a = 0, covered_b = 0;
  for (simdjson::dom::element p : pair["passages"].get_array()) {
    const uint64_t a0 = p["a_start"], a1 = p["a_end"], b0 = p["b_start"], b1 = p["b_end"];
    std::vector<std::string> wa = Words(Slice(texts_[0], a0, a1)), wb = Words(Slice(texts_[1], b0, b1));
    ASSERT_FALSE(wa.empty());
    // The passage's ends slice the same words out of both texts.
    EXPECT_EQ(wa.front(), wb.front());
    EXPECT_EQ(wa.back(), wb.back());
    EXPECT_GT(double(p["similarity"]), 0.5);
    covered_a += a1 - a0;
    covered_b += b1 - b0;
  }
  EXPECT_GE(double(pair["coverage_a"]), 0.45);
  EXPECT_GE(double(pair["coverage_b"]), 0.45);
  EXPECT_GT(covered_b, 0u);
}

std::string Jsonl(const std::vector<std::pair<std::string, std::string>>& docs) {
  std::string out;
  for (const auto& [url, text] : docs) {
    std::string t;
    doppel::AppendJsonString(&t, text);
    out += fmt::format("{{\"id\":\"d{}\",\"url\":\"{}\",\"text\":{}}}\n", out.size(), url, t);
  }
  return out;
}

TEST_F(FindCliTest, JsonlWithSourcesWritesEveryDocumentAndPairFields) {
  NewsGen g(22);
  std::vector<std::pair<std::string, std::string>> docs;
  std::vector<std::string> story = g.Article(6);
  docs.push_back({"https://a.example/1", JoinLines(story)});
  docs.push_back({"https://b.example/2", JoinLines(story, " ")});
  for (int i = 0; i < 4; ++i) docs.push_back({fmt::format("https://c.example/{}", i), JoinLines(g.Article(5))});
  // c.example/2 again, crawled later with one word added: a near-identical
  // text of its site, which no other site carries.
  std::string again = docs[2].second;
  again.insert(again.find(' '), " later");
  docs.push_back({"https://c.example/4", again});
  Write("docs.jsonl", Jsonl(docs));
  auto r = Doppel("find --source-field url --clusters C.jsonl --pairs P.jsonl --summary S.json docs.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto clusters = ParseClusters(parser_, Read("C.jsonl"));
  ASSERT_EQ(clusters.size(), docs.size());
  EXPECT_EQ(clusters[0].second, clusters[1].second);
  EXPECT_EQ(clusters[6].second, clusters[2].second);
  for (size_t i = 3; i < 6; ++i) EXPECT_EQ(clusters[i].first, clusters[i].second);
  auto pairs = SplitLines(Read("P.jsonl"));
  ASSERT_EQ(pairs.size(), 2u);
  for (const std::string& line : pairs) {
    simdjson::dom::element p = parser_.parse(line);
    for (const char* f : {"a", "b", "passages", "coverage_a", "coverage_b"}) EXPECT_FALSE(p[f].error()) << f;
  }
  auto s = ParseSummary(parser_, Read("S.json"));
  EXPECT_EQ(s["documents"], docs.size());
  EXPECT_EQ(s["clusters"], 2);
  // The two copies have the same words (only line breaks differ), and
  // alignment joined them already: no pair is added for identical texts.
  EXPECT_EQ(s["identical_pairs"], 0);
  EXPECT_EQ(s["near_copy_pairs"], 1);
}

// The binary's heap gets huge pages once a run has lasted two seconds
// where they were not worth it when it started (more than 2.5 times the
// cost per byte of small pages), and it returns freed pages from then on
// (tools/heap.cc): a run that reads a few documents from a pipe before
// that and the rest, enough that the heap grows, after it writes what a
// quick run of the same input writes.
// Whether the kernel gave huge pages, and when, depends on the machine
// (bench/README.md has the figures); this holds the output to the switch
// not changing it.
TEST_F(FindCliTest, ARunPastTwoSecondsWritesWhatAQuickRunWrites) {
  NewsGen g(23);
  std::vector<std::pair<std::string, std::string>> docs;
  for (int s = 0; s < 3; ++s) {
    std::vector<std::string> story = g.Article(6);
    docs.push_back({fmt::format("https://a{}.example/1", s), JoinLines(story)});
    docs.push_back({fmt::format("https://b{}.example/2", s), JoinLines(story, " ")});
  }
  for (int i = 0; i < 600; ++i) docs.push_back({fmt::format("https://c.example/{}", i), JoinLines(g.Article(8))});
  const std::string all = Jsonl(docs);
  Write("docs.jsonl", all);
  auto quick = Doppel("find --source-field url --clusters C1.jsonl --pairs P1.jsonl docs.jsonl");
  ASSERT_EQ(quick.exit_code, 0) << quick.err;
  ASSERT_EQ(SplitLines(Read("P1.jsonl")).size(), 3u);  // each story's two copies
  // The first eight lines, a pause, the rest.
  size_t head = 0;
  for (int line = 0; line < 8; ++line) head = all.find('\n', head) + 1;
  const auto start = std::chrono::steady_clock::now();
  auto slow = DoppelFedBy(fmt::format("head -c {0} docs.jsonl; sleep 2.5; tail -c +{1} docs.jsonl", head, head + 1),
                          "find --source-field url --clusters C2.jsonl --pairs P2.jsonl -");
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(slow.exit_code, 0) << slow.err;
  EXPECT_GE(took, std::chrono::seconds(2));
  EXPECT_EQ(Read("C2.jsonl"), Read("C1.jsonl"));
  EXPECT_EQ(Read("P2.jsonl"), Read("P1.jsonl"));
}

// Two stories with copies, and a page of each that share a long template
// (no source field): the template pair bridges them and is left out, of
// clusters and pairs, unless --bridge-neighbours 0.
TEST_F(FindCliTest, BridgeNeighboursLeavesOutAPairThatJoinsTwoStories) {
  NewsGen g(31);
  const std::string chrome = JoinLines(g.Article(4));
  const std::string a = JoinLines(g.Article(4)), b = JoinLines(g.Article(4));
  std::vector<std::pair<std::string, std::string>> docs{{"", chrome + "\n" + a}, {"", b + "\n" + chrome}};
  for (int i = 0; i < 3; ++i) {
    docs.push_back({"", a});
    docs.push_back({"", b});
  }
  for (int i = 0; i < 40; ++i) docs.push_back({"", JoinLines(g.Article(4))});
  Write("docs.jsonl", Jsonl(docs));
  size_t pairs[2];
  for (int keep_all = 0; keep_all < 2; ++keep_all) {
    auto r = Doppel(std::string("find --clusters C.jsonl --pairs P.jsonl --summary S.json docs.jsonl") +
                    (keep_all ? " --bridge-neighbours 0" : ""));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto clusters = ParseClusters(parser_, Read("C.jsonl"));
    ASSERT_EQ(clusters.size(), docs.size());
    EXPECT_EQ(clusters[0].second == clusters[1].second, keep_all == 1);
    EXPECT_EQ(clusters[0].second, clusters[2].second);
    EXPECT_EQ(clusters[1].second, clusters[3].second);
    auto s = ParseSummary(parser_, Read("S.json"));
    EXPECT_EQ(s.at("bridges"), keep_all ? 0 : 1);
    pairs[keep_all] = SplitLines(Read("P.jsonl")).size();
    EXPECT_EQ(s.at("pairs"), pairs[keep_all]);
  }
  EXPECT_EQ(pairs[0] + 1, pairs[1]);
  auto r = Doppel("find --clusters C2.jsonl docs.jsonl --bridge-neighbours -1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--bridge-neighbours"), std::string::npos) << r.err;
}

TEST_F(FindCliTest, BadRecordStopsTheRunAndLeavesNoOutput) {
  Write("docs.jsonl", "{\"id\":\"a\",\"text\":\"fine\"}\n{\"id\":\"b\",\"text\":7}\n");
  auto r = Doppel("find --clusters C.jsonl --pairs P.jsonl docs.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("docs.jsonl:2:"), std::string::npos) << r.err;
  EXPECT_EQ(Entries(), std::vector<std::string>{"docs.jsonl"});
}

TEST_F(FindCliTest, SkippedRecordsAreRejectedAndCounted) {
  Write("docs.jsonl", "{\"id\":\"a\",\"text\":\"fine\"}\nnot json\n\n{\"id\":\"c\",\"text\":\"also fine\"}\n");
  auto r = Doppel("find --on-error skip --rejects R.jsonl --clusters C.jsonl --summary S.json docs.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rejects = SplitLines(Read("R.jsonl"));
  ASSERT_EQ(rejects.size(), 1u);
  simdjson::dom::element row = parser_.parse(rejects[0]);
  EXPECT_EQ(int64_t(row["line"]), 2);
  auto s = ParseSummary(parser_, Read("S.json"));
  EXPECT_EQ(s["documents"], 3);
  EXPECT_EQ(s["rejected"], 1);
  EXPECT_EQ(s["kept"] + s["removed"] + s["rejected"], s["documents"]);
  EXPECT_EQ(SplitLines(Read("C.jsonl")).size(), 2u);
}

// (url, text) of `stories` stories of `paragraphs` paragraphs, each on one
// to three of seven sites.
std::vector<std::pair<std::string, std::string>> StoriesOnSites(uint64_t seed, int stories, int paragraphs) {
  NewsGen g(seed);
  std::vector<std::pair<std::string, std::string>> docs;
  for (int i = 0; i < stories; ++i) {
    std::vector<std::string> story = g.Article(paragraphs);
    const int copies = 1 + i % 3;
    for (int c = 0; c < copies; ++c) docs.push_back({fmt::format("https://s{}.example/{}", (i + c) % 7, i), JoinLines(story)});
  }
  return docs;
}

TEST_F(FindCliTest, SameOutputForOneAndTwoThreads) {
  Write("docs.jsonl", Jsonl(StoriesOnSites(23, 60, 5)));
  ASSERT_EQ(Doppel("-j 1 find --source-field url --clusters C1.jsonl --pairs P1.jsonl docs.jsonl").exit_code, 0);
  ASSERT_EQ(Doppel("-j 2 find --source-field url --clusters C2.jsonl --pairs P2.jsonl docs.jsonl").exit_code, 0);
  EXPECT_EQ(Read("C1.jsonl"), Read("C2.jsonl"));
  EXPECT_EQ(Read("P1.jsonl"), Read("P2.jsonl"));
  EXPECT_FALSE(Read("P1.jsonl").empty());
}

// With --memory 1 the tokens go to a scratch file in --tmp-dir and the
// n-grams are processed in many partitions: the output must not change, and
// the scratch file must not outlive the run. An unusable scratch folder is a
// clear error that names the flag to change.
TEST_F(FindCliTest, SameOutputWhenTokensAndNgramsExceedMemory) {
  // Over 65,536 tokens and n-grams: more than 1 MiB of each.
  const auto docs = StoriesOnSites(24, 240, 8);
  Write("docs.jsonl", Jsonl(docs));
  Write("scratch/.keep", "");
  ASSERT_EQ(Doppel("find --source-field url --clusters C1.jsonl --pairs P1.jsonl docs.jsonl").exit_code, 0);
  auto r = Doppel("find --memory 1 --tmp-dir scratch --source-field url --clusters C2.jsonl --pairs P2.jsonl --summary S2.json docs.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Read("C1.jsonl"), Read("C2.jsonl"));
  EXPECT_EQ(Read("P1.jsonl"), Read("P2.jsonl"));
  EXPECT_FALSE(Read("P1.jsonl").empty());
  auto s = ParseSummary(parser_, Read("S2.json"));
  EXPECT_EQ(s["documents"], docs.size());
  EXPECT_EQ(doppel_test::ListDir(Path("scratch")), std::vector<std::string>{".keep"});
  auto bad = Doppel("find --memory 1 --tmp-dir no-such-folder --clusters C3.jsonl docs.jsonl");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("--tmp-dir"), std::string::npos) << bad.err;
  EXPECT_FALSE(Exists("C3.jsonl"));
}

TEST_F(FindCliTest, FuseRebuildsOneCleanTextWithProvenance) {
  WriteCopies("copies");
  auto r = Doppel("fuse --clusters C.jsonl --clean CL.jsonl --fused F.jsonl copies");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto fused = SplitLines(Read("F.jsonl"));
  ASSERT_EQ(fused.size(), 1u);
  simdjson::dom::element f = parser_.parse(fused[0]);
  const std::string text{std::string_view(f["text"])};
  // The scrape's opening and the feed's closing paragraphs are both there;
  // the widget, the marker and the syndication footer are not.
  const std::vector<std::string> feed_words = Words(texts_[0]);
  const std::vector<std::string> fused_words = Words(text);
  std::string last(feed_words[feed_words.size() - 8]);
  EXPECT_NE(std::find(fused_words.begin(), fused_words.end(), last), fused_words.end());
  for (const char* junk : {"ADVERTISEMENT", "NOW PLAYING", "appeared first on", "Loading"}) {
    EXPECT_EQ(text.find(junk), std::string::npos) << junk;
  }
  // Every source span slices the same words out of its document.
  size_t spans = 0;
  for (simdjson::dom::element s : f["sources"].get_array()) {
    const std::string id{std::string_view(s["id"])};
    const std::string& src = id == "000_feed.txt" ? texts_[0] : texts_[1];
    EXPECT_EQ(Words(Slice(text, uint64_t(s["start"]), uint64_t(s["end"]))),
              Words(Slice(src, uint64_t(s["source_start"]), uint64_t(s["source_end"]))));
    ++spans;
  }
  EXPECT_GT(spans, 0u);
  EXPECT_EQ(SplitLines(Read("CL.jsonl")).size(), 2u);
}

TEST_F(FindCliTest, FuseLeavesNoOutputOnBadInput) {
  Write("docs.jsonl", "{\"id\":\"a\",\"text\":\"fine\"}\n{\"id\":\"b\"}\n");
  auto r = Doppel("fuse --clusters C.jsonl --clean CL.jsonl --fused F.jsonl docs.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("docs.jsonl:2:"), std::string::npos) << r.err;
  EXPECT_EQ(Entries(), std::vector<std::string>{"docs.jsonl"});
}

}  // namespace
