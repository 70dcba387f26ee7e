// Pairs that bridge two groups of copies (src/cluster/bridges.h), held
// against a reference that counts common partners with sets.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "cluster/bridges.h"
#include "test_util.h"

namespace doppel {
namespace {

using doppel_test::Rng;
using Edges = std::vector<std::pair<uint32_t, uint32_t>>;

void AddClique(Edges* e, uint32_t first, uint32_t size) {
  for (uint32_t a = first; a < first + size; ++a) {
    for (uint32_t b = a + 1; b < first + size; ++b) e->push_back({a, b});
  }
}

std::vector<char> Bridges(uint32_t n, const Edges& e, std::vector<char> keep = {}) {
  return FindBridges(n, e, keep, 2, 0.1);
}

// `m` random pairs over n documents in `groups` groups (those of a pair
// mostly in one group), each once, in random order.
Edges RandomGraph(Rng& rng, uint32_t n, size_t m, uint32_t groups) {
  std::set<std::pair<uint32_t, uint32_t>> set;
  for (size_t i = 0; i < m; ++i) {
    uint32_t a = rng.Below(n), b = rng.Below(n);
    if (rng.Below(4) != 0) b = (b / groups) * groups + a % groups;  // same group, mostly
    if (a == b || b >= n) continue;
    set.insert({std::min(a, b), std::max(a, b)});
  }
  Edges e(set.begin(), set.end());
  for (size_t i = e.size(); i > 1; --i) std::swap(e[i - 1], e[rng.Below(i)]);
  return e;
}

size_t IndexOf(const Edges& e, uint32_t a, uint32_t b) {
  return std::find(e.begin(), e.end(), std::make_pair(a, b)) - e.begin();
}

TEST(Bridges, AnEdgeBetweenTwoCliquesIsABridgeAndNoOtherIs) {
  Edges e;
  AddClique(&e, 0, 5);
  AddClique(&e, 5, 5);
  e.push_back({4, 5});
  const auto bridge = Bridges(10, e);
  for (size_t i = 0; i < e.size(); ++i) {
    EXPECT_EQ(bridge[i], i == IndexOf(e, 4, 5)) << e[i].first << "-" << e[i].second;
  }
}

TEST(Bridges, TwoTrianglesAreEnoughToJudgeBy) {
  Edges e;
  AddClique(&e, 0, 3);
  AddClique(&e, 3, 3);
  e.push_back({2, 3});
  EXPECT_TRUE(Bridges(6, e)[IndexOf(e, 2, 3)]);
}

TEST(Bridges, DocumentsWithFewPartnersAreNeverBridged) {
  // A star (an origin and its excerpts, which align with the origin only),
  // a path, and a triangle with a pendant: every edge has an end with
  // fewer than two other partners.
  Edges e{{0, 1}, {0, 2}, {0, 3}, {0, 4}, {5, 6}, {6, 7}, {7, 8}, {9, 10}, {9, 11}, {10, 11}, {11, 12}};
  const auto bridge = Bridges(13, e);
  EXPECT_EQ(std::count(bridge.begin(), bridge.end(), 1), 0);
}

TEST(Bridges, TwoStarsJoinedAtTheirCentresAreBridged) {
  // Two origins with excerpts each: the excerpts share nothing, so the
  // origins' pair joins two stories, unless they are one text.
  Edges e{{0, 1}, {0, 2}, {0, 3}, {3, 4}, {3, 5}};
  EXPECT_TRUE(Bridges(6, e)[IndexOf(e, 0, 3)]);
  std::vector<char> keep(e.size(), 0);
  keep[IndexOf(e, 0, 3)] = 1;
  EXPECT_FALSE(Bridges(6, e, keep)[IndexOf(e, 0, 3)]) << "identical texts are kept";
}

TEST(Bridges, ASharedPartnerKeepsAPair) {
  Edges e;
  AddClique(&e, 0, 4);
  AddClique(&e, 4, 4);
  e.push_back({3, 4});
  e.push_back({2, 4});  // 3 and 4 now share 2
  std::sort(e.begin(), e.end());
  EXPECT_FALSE(Bridges(8, e)[IndexOf(e, 3, 4)]);
  EXPECT_EQ(FindBridges(8, e, {}, 0, 0.1), std::vector<char>(e.size(), 0)) << "0 turns it off";
}

TEST(Bridges, OneSharedPartnerInTenIsAllowedNotTwo) {
  // 0 and 1 each have ten other partners (2..11 and 12..21), and share
  // `shared` of them: at most a tenth of ten is a bridge.
  for (uint32_t shared = 0; shared <= 2; ++shared) {
    Edges e{{0, 1}};
    for (uint32_t x = 2; x < 12; ++x) e.push_back({0, x});
    for (uint32_t x = 12; x < 22; ++x) e.push_back({1, x});
    // Make 1's first `shared` partners 0's partners too.
    for (uint32_t s = 0; s < shared; ++s) {
      e.erase(std::find(e.begin(), e.end(), std::make_pair(1u, 12 + s)));
      e.push_back({1, 2 + s});
    }
    std::sort(e.begin(), e.end());
    EXPECT_EQ(Bridges(22, e)[IndexOf(e, 0, 1)], shared <= 1) << shared << " shared";
  }
}

// Spans per edge: `minor` marks the first document's side minor, with the
// edge's span there [begin, end); every other span is [0, 1000).
struct SpanSpec {
  uint32_t a, b;
  uint32_t begin, end;
};
std::vector<EdgeSpan> Spans(const Edges& e, const std::vector<SpanSpec>& minor) {
  std::vector<EdgeSpan> spans(e.size(), EdgeSpan{0, 1000, 0, 1000, false, false});
  for (const SpanSpec& m : minor) {
    const size_t i = IndexOf(e, std::min(m.a, m.b), std::max(m.a, m.b));
    EXPECT_LT(i, e.size());
    if (m.a < m.b) {
      spans[i].a_begin = m.begin, spans[i].a_end = m.end, spans[i].a_minor = true;
    } else {
      spans[i].b_begin = m.begin, spans[i].b_end = m.end, spans[i].b_minor = true;
    }
  }
  return spans;
}

// Page 0 with its story's copies 1 and 2, and a teaser of another story
// (at 900-950 of it) that excerpts 3 and 6 of that story align with; the
// story's copies are 4 and 5. Both excerpts are the page's partners and
// each other's, so the plain rule sees one shared partner in three.
Edges TeaserGraph() {
  Edges e{{0, 1}, {0, 2}, {1, 2}, {0, 3}, {0, 6}, {3, 4}, {3, 5}, {4, 5}, {3, 6}, {4, 6}, {5, 6}};
  std::sort(e.begin(), e.end());
  return e;
}

TEST(Bridges, PartnersWithinATeaserDoNotKeepItsPairs) {
  const Edges e = TeaserGraph();
  EXPECT_FALSE(Bridges(7, e)[IndexOf(e, 0, 3)]) << "the plain rule keeps it";
  // Page 0's copies align over 0-1000 of it, the excerpts over the teaser.
  const auto spans = Spans(e, {{0, 3, 900, 950}, {0, 6, 900, 950}});
  const auto bridge = FindBridges(7, e, {}, 2, 0.1, spans);
  for (size_t i = 0; i < e.size(); ++i) {
    const bool teaser = e[i] == std::make_pair(0u, 3u) || e[i] == std::make_pair(0u, 6u);
    EXPECT_EQ(bridge[i], teaser) << e[i].first << "-" << e[i].second;
  }
}

TEST(Bridges, AnExcerptOfThePagesOwnStoryKeepsItsPair) {
  // The same graph where 3 and 6 are excerpts of page 0's own story, at its
  // start: its copies 1 and 2 align with them too, over all of page 0.
  Edges e = TeaserGraph();
  for (auto x : {std::make_pair(1u, 3u), std::make_pair(2u, 3u), std::make_pair(1u, 6u), std::make_pair(2u, 6u)}) {
    e.push_back(x);
  }
  std::sort(e.begin(), e.end());
  const auto spans = Spans(e, {{0, 3, 0, 100}, {0, 6, 0, 100}});
  const auto bridge = FindBridges(7, e, {}, 2, 0.1, spans);
  EXPECT_FALSE(bridge[IndexOf(e, 0, 3)]);
  EXPECT_FALSE(bridge[IndexOf(e, 0, 6)]);
}

TEST(Bridges, ACopyWhosePartnersAllAlignInOneBlockKeepsThem) {
  // Copy 0 (noisy: a minor part of it aligns with anything) and the copies
  // 1..4 of its story, each aligned with it over 300-900; the others have
  // partners 5 and 6 that copy 0 lacks. Without a partner outside the
  // block, copy 0 has no other story to be taken for.
  Edges e;
  AddClique(&e, 0, 5);
  for (uint32_t x = 1; x <= 4; ++x) {
    e.push_back({x, 5});
    e.push_back({x, 6});
  }
  e.push_back({5, 6});
  std::sort(e.begin(), e.end());
  std::vector<SpanSpec> minor;
  for (uint32_t x = 1; x <= 4; ++x) minor.push_back({0, x, 300, 900});
  const auto spans = Spans(e, minor);
  const auto bridge = FindBridges(7, e, {}, 2, 0.1, spans);
  EXPECT_EQ(std::count(bridge.begin(), bridge.end(), 1), 0);
}

// A page 0 that carries two stories: copies 1 and 2 of its own (aligned
// with it over 0-600) and copies 3 and 4 of another (over 650-1000), each
// story's copies partners of each other. The page keeps the first of the
// text it has most of aligned and the judged texts (two partners or more)
// it has at least half as much of aligned.
Edges TwoStoriesOnOnePage() {
  Edges e{{0, 1}, {0, 2}, {0, 3}, {0, 4}, {1, 2}, {3, 4}};
  return e;
}

std::vector<EdgeSpan> SpansOnPage(const Edges& e, uint32_t own_end, uint32_t other_begin) {
  std::vector<EdgeSpan> spans(e.size(), EdgeSpan{0, 1000, 0, 1000, false, false});
  for (size_t i = 0; i < e.size(); ++i) {
    if (e[i].first != 0) continue;
    spans[i].a_begin = e[i].second <= 2 ? 0 : other_begin;
    spans[i].a_end = e[i].second <= 2 ? own_end : 1000;
  }
  return spans;
}

TEST(Junctions, APageWithTwoStoriesKeepsItsFirstUnlessTheOtherIsMoreThanTwiceAsLong) {
  const Edges e = TwoStoriesOnOnePage();
  const std::vector<char> none(e.size(), 0);
  EXPECT_EQ(FindJunctions(5, e, SpansOnPage(e, 600, 650), none, {}, 2), (std::vector<char>{0, 0, 1, 1, 0, 0}));
  // The other story more than twice as long on the page: its pairs are
  // kept.
  EXPECT_EQ(FindJunctions(5, e, SpansOnPage(e, 200, 250), none, {}, 2), (std::vector<char>{1, 1, 0, 0, 0, 0}));
  // A story loaded after the page's own and a little longer (550 code
  // points against 400): the page's own comes first and keeps its pairs.
  EXPECT_EQ(FindJunctions(5, e, SpansOnPage(e, 400, 450), none, {}, 2), (std::vector<char>{0, 0, 1, 1, 0, 0}));
  // Exactly twice as long (600 against 300): still the first.
  EXPECT_EQ(FindJunctions(5, e, SpansOnPage(e, 300, 400), none, {}, 2), (std::vector<char>{0, 0, 1, 1, 0, 0}));
  // A block above the page's story with one partner (5, over 0-350) is not
  // judged, so it does not go first though it is more than half as long:
  // the page keeps its story (3 and 4, over 450-1000) and leaves out the
  // other judged text (1 and 2, over 360-440), which is short.
  Edges block = TwoStoriesOnOnePage();
  block.push_back({0, 5});
  std::vector<EdgeSpan> spans = SpansOnPage(block, 400, 450);
  for (size_t i = 0; i < block.size(); ++i) {
    if (block[i].first != 0) continue;
    const uint32_t other = block[i].second;
    spans[i].a_begin = other == 5 ? 0 : other <= 2 ? 360 : 450;
    spans[i].a_end = other == 5 ? 350 : other <= 2 ? 440 : 1000;
  }
  EXPECT_EQ(FindJunctions(6, block, spans, std::vector<char>(block.size(), 0), {}, 2),
            (std::vector<char>{1, 1, 0, 0, 0, 0, 0}));
}

TEST(Junctions, TextsWithOnePartnerOrRelatedPartnersAreNotJudged) {
  Edges e = TwoStoriesOnOnePage();
  const std::vector<char> none(e.size(), 0);
  const auto spans = SpansOnPage(e, 600, 650);
  EXPECT_EQ(FindJunctions(5, e, spans, none, {}, 3), std::vector<char>(e.size(), 0)) << "two partners, three needed";
  // A pair left out already is no partner: the other story has one.
  std::vector<char> cut(e.size(), 0);
  cut[3] = 1;  // 0-4
  EXPECT_EQ(FindJunctions(5, e, spans, cut, {}, 2), std::vector<char>(e.size(), 0));
  // Copies of the two texts that are partners of each other: one text.
  e.push_back({2, 3});
  std::vector<EdgeSpan> more = SpansOnPage(e, 600, 650);
  EXPECT_EQ(FindJunctions(5, e, more, std::vector<char>(e.size(), 0), {}, 2), std::vector<char>(e.size(), 0));
  // Spans that overlap are one region.
  const Edges two = TwoStoriesOnOnePage();
  EXPECT_EQ(FindJunctions(5, two, SpansOnPage(two, 700, 650), none, {}, 2), std::vector<char>(6, 0));
}

TEST(Junctions, APageCrawledTwiceIsJudgedAsEachCrawl) {
  // The page of TwoStoriesOnOnePage and its twin 5 (identical: kept,
  // aligned over all of it), a partner of the same copies at the same
  // places. Each crawl keeps its own story; their pair is kept.
  Edges e{{0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {1, 2}, {1, 5}, {2, 5}, {3, 4}, {3, 5}, {4, 5}};
  std::vector<EdgeSpan> spans(e.size(), EdgeSpan{0, 1000, 0, 1000, false, false});
  for (size_t i = 0; i < e.size(); ++i) {
    const auto [a, b] = e[i];
    const uint32_t other = a == 0 || b == 5 ? (a == 0 ? b : a) : UINT32_MAX;  // the copy paired with 0 or 5
    if (other == UINT32_MAX || other == 5) continue;
    const bool own = other <= 2;
    uint32_t& begin = a == 0 ? spans[i].a_begin : spans[i].b_begin;
    uint32_t& end = a == 0 ? spans[i].a_end : spans[i].b_end;
    begin = own ? 0 : 650;
    end = own ? 600 : 1000;
  }
  std::vector<char> keep(e.size(), 0);
  keep[IndexOf(e, 0, 5)] = 1;
  const std::vector<char> none(e.size(), 0);
  const auto out = FindJunctions(6, e, spans, none, keep, 2);
  for (size_t i = 0; i < e.size(); ++i) {
    const auto [a, b] = e[i];
    const bool page = a == 0 || b == 5, other_story = (a == 3 || a == 4 || b == 3 || b == 4);
    EXPECT_EQ(out[i], page && other_story && !(a == 0 && b == 5)) << a << "-" << b;
  }
  EXPECT_EQ(FindJunctions(6, e, spans, none, {}, 2), none) << "with the twin a partner, one region";
}

TEST(Junctions, RegionsJoinedByTheirPartnersAddUp) {
  // Page 0: partners 1 and 2 over 0-100; 3 over 200-400 and 4 over
  // 450-700, which are partners of each other: one text of two partners
  // and more aligned, whose pairs are kept.
  Edges e{{0, 1}, {0, 2}, {0, 3}, {0, 4}, {1, 2}, {3, 4}};
  std::vector<EdgeSpan> spans(e.size(), EdgeSpan{0, 1000, 0, 1000, false, false});
  spans[0].a_begin = 0, spans[0].a_end = 100;
  spans[1].a_begin = 0, spans[1].a_end = 100;
  spans[2].a_begin = 200, spans[2].a_end = 400;
  spans[3].a_begin = 450, spans[3].a_end = 700;
  EXPECT_EQ(FindJunctions(5, e, spans, std::vector<char>(6, 0), {}, 2), (std::vector<char>{1, 1, 0, 0, 0, 0}));
  EXPECT_EQ(FindJunctions(5, e, spans, std::vector<char>(6, 0), {}, 0), std::vector<char>(6, 0)) << "0 turns it off";
}

// A page made of two texts with one other copy each (its own story, then
// the next article an endless page loaded): the texts together align over
// kMadeOfItsTexts of the page, so they are judged with one partner each.
TEST(Junctions, APageMadeOfTwoTextsIsJudgedWithOnePartnerEach) {
  const Edges e{{0, 1}, {0, 3}};
  auto spans = [&](float own, float next) {
    std::vector<EdgeSpan> s(e.size(), EdgeSpan{0, 1000, 0, 1000, false, false});
    s[0].a_begin = 0, s[0].a_end = 600, s[0].a_cover = own, s[0].b_cover = 1;
    s[1].a_begin = 650, s[1].a_end = 1000, s[1].a_cover = next, s[1].b_cover = 1;
    return s;
  };
  const std::vector<char> none(e.size(), 0);
  EXPECT_EQ(FindJunctions(4, e, spans(0.5f, 0.3125f), none, {}, 2), (std::vector<char>{0, 1}));
  EXPECT_EQ(FindJunctions(4, e, spans(0.5f, 0.28125f), none, {}, 2), none)
      << "0.78 of the page: a full copy and two pieces of it, not judged";
  EXPECT_EQ(FindJunctions(4, e, spans(0.5f, 0.3125f), none, {}, 0), none) << "0 turns it off";
  // The next article with two copies (2 and 3, partners of each other),
  // the page's own story with one, first and longer (600 against 350):
  // the page keeps its own story; shorter but more than half as long (400
  // against 550), too. A block above the next article with less than half
  // as much (200 against 750) does not go first.
  const Edges next_copies{{0, 1}, {0, 2}, {0, 3}, {2, 3}};
  std::vector<EdgeSpan> ns(next_copies.size(), EdgeSpan{0, 1000, 0, 1000, false, false});
  ns[0].a_begin = 0, ns[0].a_end = 600, ns[0].a_cover = 0.5f;
  for (int i = 1; i < 3; ++i) ns[i].a_begin = 650, ns[i].a_end = 1000, ns[i].a_cover = 0.375f;
  EXPECT_EQ(FindJunctions(4, next_copies, ns, std::vector<char>(4, 0), {}, 2), (std::vector<char>{0, 1, 1, 0}));
  ns[0].a_end = 400;
  for (int i = 1; i < 3; ++i) ns[i].a_begin = 450, ns[i].a_cover = 0.5f;
  EXPECT_EQ(FindJunctions(4, next_copies, ns, std::vector<char>(4, 0), {}, 2), (std::vector<char>{0, 1, 1, 0}));
  ns[0].a_end = 200;
  for (int i = 1; i < 3; ++i) ns[i].a_begin = 250;
  EXPECT_EQ(FindJunctions(4, next_copies, ns, std::vector<char>(4, 0), {}, 2), (std::vector<char>{1, 0, 0, 0}));
  // The own story with two partners of each other (1 and 2, over 0-300)
  // and a block that aligned with one other page (3, over 350-1000, more
  // than twice as long): the text with most aligned is taken among those
  // of two partners, and the block's pair is left out.
  const Edges f{{0, 1}, {0, 2}, {0, 3}, {1, 2}};
  std::vector<EdgeSpan> s(f.size(), EdgeSpan{0, 1000, 0, 1000, false, false});
  for (int i = 0; i < 2; ++i) s[i].a_begin = 0, s[i].a_end = 300, s[i].a_cover = 0.25f;
  s[2].a_begin = 350, s[2].a_end = 1000, s[2].a_cover = 0.625f;
  EXPECT_EQ(FindJunctions(4, f, s, std::vector<char>(f.size(), 0), {}, 2), (std::vector<char>{0, 0, 1, 0}));
}

// Reference for FindJunctions, from its description, with sets.
std::vector<char> SlowJunctions(uint32_t n, const Edges& e, const std::vector<EdgeSpan>& spans,
                                const std::vector<char>& cut, const std::vector<char>& keep, uint32_t k) {
  std::vector<std::map<uint32_t, std::pair<std::pair<uint32_t, uint32_t>, size_t>>> adj(n);  // partner -> (span, edge)
  std::vector<std::map<uint32_t, double>> cover(n);  // partner -> the share of the row's document it aligned
  for (size_t i = 0; i < e.size(); ++i) {
    if (cut[i] || (!keep.empty() && keep[i])) continue;
    adj[e[i].first][e[i].second] = {{spans[i].a_begin, spans[i].a_end}, i};
    adj[e[i].second][e[i].first] = {{spans[i].b_begin, spans[i].b_end}, i};
    cover[e[i].first][e[i].second] = spans[i].a_cover;
    cover[e[i].second][e[i].first] = spans[i].b_cover;
  }
  std::vector<char> out(e.size(), 0);
  for (uint32_t d = 0; d < n; ++d) {
    const auto& row = adj[d];
    if (row.size() < 2) continue;
    bool empty = false;
    for (const auto& [p, v] : row) empty |= v.first.second <= v.first.first;
    if (empty) continue;
    // Regions: partners connected by overlapping spans (transitively).
    std::vector<uint32_t> ps;
    for (const auto& [p, v] : row) ps.push_back(p);
    std::map<uint32_t, uint32_t> group;
    for (uint32_t p : ps) group[p] = p;
    std::function<uint32_t(uint32_t)> root = [&](uint32_t x) { return group[x] == x ? x : group[x] = root(group[x]); };
    for (uint32_t p : ps) {
      for (uint32_t q : ps) {
        const auto a = row.at(p).first, b = row.at(q).first;
        const bool overlap = std::max(a.first, b.first) < std::min(a.second, b.second);
        if (p != q && overlap) group[root(p)] = root(q);
      }
    }
    // Made of its texts: each region's most aligned partner, added up.
    std::map<uint32_t, double> region_cover;
    for (uint32_t p : ps) region_cover[root(p)] = std::max(region_cover[root(p)], cover[d].at(p));
    double made_of = 0;
    for (const auto& [r, c] : region_cover) made_of += c;
    // Texts: regions whose partners are partners of each other.
    for (uint32_t p : ps) {
      for (uint32_t q : ps) {
        if (p != q && adj[p].count(q)) group[root(p)] = root(q);
      }
    }
    std::map<uint32_t, std::vector<uint32_t>> texts;
    for (uint32_t p : ps) texts[root(p)].push_back(p);
    // With one partner each where the document is made of its texts; then
    // the text with most is one of k partners, if there are any.
    const bool made = made_of >= kMadeOfItsTexts;
    size_t strong = 0;
    for (const auto& [t, members] : texts) strong += members.size() >= k;
    const size_t need = made ? 1 : k, may_keep = made && strong > 0 ? k : 1;
    uint32_t judged = 0;
    std::map<uint32_t, std::pair<uint64_t, uint32_t>> measure;  // text: (aligned, where it starts)
    uint64_t most = 0;
    for (const auto& [t, members] : texts) {
      judged += members.size() >= need;
      std::set<uint32_t> covered;  // code points
      uint32_t first_at = UINT32_MAX;
      for (uint32_t p : members) {
        for (uint32_t c = row.at(p).first.first; c < row.at(p).first.second; ++c) covered.insert(c);
        first_at = std::min(first_at, row.at(p).first.first);
      }
      // Aligned: the union of the text's regions' spans (regions are
      // intervals, so the covered code points).
      measure[t] = {covered.size(), first_at};
      if (members.size() >= may_keep) most = std::max<uint64_t>(most, covered.size());
    }
    if (judged < 2) continue;
    // The first on the page of the text with most aligned (the first of
    // them) and the judged texts with at least half as much.
    uint32_t kept = 0, kept_first = UINT32_MAX;
    for (const auto& [t, m] : measure) {
      if (texts.at(t).size() >= may_keep && m.first == most && m.second < kept_first) kept = t, kept_first = m.second;
    }
    const uint32_t top = kept;
    for (const auto& [t, m] : measure) {
      const bool eligible = t == top || (texts.at(t).size() >= need && 2 * m.first >= most);
      if (eligible && m.second < kept_first) kept = t, kept_first = m.second;
    }
    for (const auto& [t, members] : texts) {
      if (t == kept || members.size() < need) continue;
      for (uint32_t p : members) out[row.at(p).second] = 1;
    }
  }
  return out;
}

TEST(Junctions, MatchesTheReferenceOnRandomGraphsInAnyEdgeOrder) {
  Rng rng(11);
  int cut_rounds[5] = {0, 0, 0, 0, 0};  // rounds with a pair left out, by min_neighbours
  int made_rounds = 0;                  // rounds where documents made of their texts change the result
  for (int round = 0; round < 2000; ++round) {
    // Dense enough that texts of two to four partners are common; spans at
    // 20 places, some touching, some overlapping, an empty one now and then.
    const uint32_t n = 2 + rng.Below(40);
    const Edges e = RandomGraph(rng, n, rng.Below(6 * n), 1);
    auto span = [&](uint32_t* begin, uint32_t* end) {
      *begin = rng.Below(20) * 50 + (rng.Below(4) == 0 ? 25 : 0);
      *end = rng.Below(200) == 0 ? *begin : *begin + (1 + rng.Below(3)) * 50;
    };
    // Covers in sixteenths (exact sums, whatever the order): two or three
    // regions of a document often make kMadeOfItsTexts.
    std::vector<EdgeSpan> spans(e.size());
    for (EdgeSpan& sp : spans) {
      span(&sp.a_begin, &sp.a_end);
      span(&sp.b_begin, &sp.b_end);
      sp.a_cover = static_cast<float>(rng.Below(10)) / 16;
      sp.b_cover = static_cast<float>(rng.Below(10)) / 16;
    }
    std::vector<char> cut(e.size(), 0), keep;
    for (char& c : cut) c = rng.Below(8) == 0;
    if (rng.Below(2)) {
      for (size_t i = 0; i < e.size(); ++i) keep.push_back(rng.Below(8) == 0);
    }
    const uint32_t k = 1 + rng.Below(4);
    const std::vector<char> got = FindJunctions(n, e, spans, cut, keep, static_cast<int>(k));
    ASSERT_EQ(got, SlowJunctions(n, e, spans, cut, keep, k)) << "round " << round;
    cut_rounds[k] += std::count(got.begin(), got.end(), 1) > 0;
    std::vector<EdgeSpan> uncovered = spans;
    for (EdgeSpan& sp : uncovered) sp.a_cover = sp.b_cover = 0;
    made_rounds += got != FindJunctions(n, e, uncovered, cut, keep, static_cast<int>(k));
    // The same graph with its edges reversed and their ends swapped.
    Edges r(e.rbegin(), e.rend());
    std::vector<EdgeSpan> rs(spans.rbegin(), spans.rend());
    std::vector<char> rc(cut.rbegin(), cut.rend()), rk(keep.rbegin(), keep.rend());
    for (size_t i = 0; i < r.size(); ++i) {
      std::swap(r[i].first, r[i].second);
      std::swap(rs[i].a_begin, rs[i].b_begin);
      std::swap(rs[i].a_end, rs[i].b_end);
      std::swap(rs[i].a_cover, rs[i].b_cover);
    }
    std::vector<char> back = FindJunctions(n, r, rs, rc, rk, static_cast<int>(k));
    std::reverse(back.begin(), back.end());
    ASSERT_EQ(back, got) << "round " << round << ", edges reversed";
  }
  // The rule is exercised at every min_neighbours (not a vacuous match).
  for (int k = 1; k <= 3; ++k) EXPECT_GT(cut_rounds[k], 20) << "min_neighbours " << k;
  EXPECT_GT(made_rounds, 20);
}

// Reference: common partners by set intersection; kept edges are never
// bridges but count as partners. With spans, an edge that the plain count
// keeps is judged again without the partners whose span in a minor side
// lies at least half within the edge's there.
std::vector<char> SlowBridges(uint32_t n, const Edges& e, const std::vector<char>& keep, int k, double max_shared,
                              const std::vector<EdgeSpan>& spans = {}) {
  std::vector<std::set<uint32_t>> adj(n);
  std::map<std::pair<uint32_t, uint32_t>, std::pair<uint32_t, uint32_t>> span_in;  // (doc, partner) -> span in doc
  for (size_t i = 0; i < e.size(); ++i) {
    auto [a, b] = e[i];
    adj[a].insert(b);
    adj[b].insert(a);
    if (!spans.empty()) {
      span_in[{a, b}] = {spans[i].a_begin, spans[i].a_end};
      span_in[{b, a}] = {spans[i].b_begin, spans[i].b_end};
    }
  }
  auto judge = [&](const std::set<uint32_t>& na, const std::set<uint32_t>& nb, size_t ka, size_t kb) {
    if (na.size() < ka || nb.size() < kb) return false;
    size_t common = 0;
    for (uint32_t x : na) common += nb.count(x);
    return common <= max_shared * static_cast<double>(std::min(na.size(), nb.size()));
  };
  auto within = [](std::pair<uint32_t, uint32_t> x, uint32_t lo, uint32_t hi) {
    const double overlap = std::max(0.0, static_cast<double>(std::min(x.second, hi)) - std::max(x.first, lo));
    return x.second > x.first && overlap > 0 && 2 * overlap >= x.second - x.first;
  };
  std::vector<char> out(e.size(), 0);
  for (size_t i = 0; i < e.size(); ++i) {
    if (!keep.empty() && keep[i]) continue;
    auto [a, b] = e[i];
    std::set<uint32_t> na = adj[a], nb = adj[b];
    na.erase(b);
    nb.erase(a);
    const size_t kk = static_cast<size_t>(k);
    out[i] = judge(na, nb, kk, kk);
    if (out[i] || spans.empty() || !(spans[i].a_minor || spans[i].b_minor)) continue;
    std::set<uint32_t> block;
    for (uint32_t c : na) {
      if (spans[i].a_minor && within(span_in[{a, c}], spans[i].a_begin, spans[i].a_end)) block.insert(c);
    }
    for (uint32_t c : nb) {
      if (spans[i].b_minor && within(span_in[{b, c}], spans[i].b_begin, spans[i].b_end)) block.insert(c);
    }
    for (uint32_t c : block) {
      na.erase(c);
      nb.erase(c);
    }
    const size_t ka = spans[i].a_minor ? std::min<size_t>(kk, 1) : kk;
    const size_t kb = spans[i].b_minor ? std::min<size_t>(kk, 1) : kk;
    out[i] = judge(na, nb, ka, kb);
  }
  return out;
}

TEST(Bridges, MatchesTheReferenceOnRandomGraphsInAnyEdgeOrder) {
  Rng rng(7);
  for (int round = 0; round < 200; ++round) {
    const uint32_t n = 2 + rng.Below(40);
    // Dense groups and sparse links between them.
    const uint32_t groups = 1 + rng.Below(4);
    const Edges e = RandomGraph(rng, n, rng.Below(4 * n), groups);
    const int k = static_cast<int>(rng.Below(4));
    const double share = static_cast<double>(rng.Below(3)) * 0.1;
    std::vector<char> keep;
    if (rng.Below(2)) {
      for (size_t i = 0; i < e.size(); ++i) keep.push_back(rng.Below(5) == 0);
    }
    EXPECT_EQ(FindBridges(n, e, keep, k, share),
              k == 0 ? std::vector<char>(e.size(), 0) : SlowBridges(n, e, keep, k, share))
        << "round " << round;
    // Random spans, a third of the sides minor.
    std::vector<EdgeSpan> spans(e.size());
    for (EdgeSpan& sp : spans) {
      sp.a_begin = rng.Below(10) * 100, sp.a_end = sp.a_begin + (1 + rng.Below(6)) * 100;
      sp.b_begin = rng.Below(10) * 100, sp.b_end = sp.b_begin + (1 + rng.Below(6)) * 100;
      sp.a_minor = rng.Below(3) == 0;
      sp.b_minor = rng.Below(3) == 0;
    }
    EXPECT_EQ(FindBridges(n, e, keep, k, share, spans),
              k == 0 ? std::vector<char>(e.size(), 0) : SlowBridges(n, e, keep, k, share, spans))
        << "round " << round << " with spans";
  }
}

}  // namespace
}  // namespace doppel
