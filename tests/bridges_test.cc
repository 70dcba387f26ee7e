// Pairs that bridge two groups of copies (src/cluster/bridges.h), held
// against a reference that counts common partners with sets.
#include <algorithm>
#include <cstdint>
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

// Reference: common partners by set intersection; kept edges are never
// bridges but count as partners.
std::vector<char> SlowBridges(uint32_t n, const Edges& e, const std::vector<char>& keep, int k, double max_shared) {
  std::vector<std::set<uint32_t>> adj(n);
  for (auto [a, b] : e) {
    adj[a].insert(b);
    adj[b].insert(a);
  }
  std::vector<char> out(e.size(), 0);
  for (size_t i = 0; i < e.size(); ++i) {
    if (!keep.empty() && keep[i]) continue;
    auto [a, b] = e[i];
    std::set<uint32_t> na = adj[a], nb = adj[b];
    na.erase(b);
    nb.erase(a);
    if (na.size() < static_cast<size_t>(k) || nb.size() < static_cast<size_t>(k)) continue;
    size_t common = 0;
    for (uint32_t x : na) common += nb.count(x);
    out[i] = common <= max_shared * static_cast<double>(std::min(na.size(), nb.size()));
  }
  return out;
}

TEST(Bridges, MatchesTheReferenceOnRandomGraphsInAnyEdgeOrder) {
  Rng rng(7);
  for (int round = 0; round < 200; ++round) {
    const uint32_t n = 2 + rng.Below(40);
    std::set<std::pair<uint32_t, uint32_t>> set;
    // Dense groups and sparse links between them.
    const uint32_t groups = 1 + rng.Below(4);
    const size_t m = rng.Below(4 * n);
    for (size_t i = 0; i < m; ++i) {
      uint32_t a = rng.Below(n), b = rng.Below(n);
      if (rng.Below(4) != 0) b = (b / groups) * groups + a % groups;  // same group, mostly
      if (a == b || b >= n) continue;
      set.insert({std::min(a, b), std::max(a, b)});
    }
    Edges e(set.begin(), set.end());
    for (size_t i = e.size(); i > 1; --i) std::swap(e[i - 1], e[rng.Below(i)]);
    const int k = static_cast<int>(rng.Below(4));
    const double share = static_cast<double>(rng.Below(3)) * 0.1;
    std::vector<char> keep;
    if (rng.Below(2)) {
      for (size_t i = 0; i < e.size(); ++i) keep.push_back(rng.Below(5) == 0);
    }
    EXPECT_EQ(FindBridges(n, e, keep, k, share),
              k == 0 ? std::vector<char>(e.size(), 0) : SlowBridges(n, e, keep, k, share))
        << "round " << round;
  }
}

}  // namespace
}  // namespace doppel
