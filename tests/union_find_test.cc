// Disjoint sets whose root is the smallest member (doppel/union_find.h).
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <queue>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "doppel/union_find.h"
#include "test_util.h"

namespace doppel {
namespace {

using doppel_test::Rng;

// Reference: connected components by breadth-first search, each named by its
// smallest member.
std::vector<uint32_t> ComponentMinima(size_t n, const std::vector<std::pair<uint32_t, uint32_t>>& edges) {
  std::vector<std::vector<uint32_t>> adj(n);
  for (auto [a, b] : edges) {
    adj[a].push_back(b);
    adj[b].push_back(a);
  }
  std::vector<uint32_t> label(n, UINT32_MAX);
  for (uint32_t s = 0; s < n; ++s) {  // increasing, so s is its component's minimum
    if (label[s] != UINT32_MAX) continue;
    std::queue<uint32_t> q;
    q.push(s);
    label[s] = s;
    while (!q.empty()) {
      uint32_t x = q.front();
      q.pop();
      for (uint32_t y : adj[x]) {
        if (label[y] == UINT32_MAX) {
          label[y] = s;
          q.push(y);
        }
      }
    }
  }
  return label;
}

TEST(UnionFind, StartsWithSingletons) {
  UnionFind uf(10);
  EXPECT_EQ(uf.size(), 10u);
  for (uint32_t i = 0; i < 10; ++i) EXPECT_EQ(uf.Find(i), i);
  UnionFind empty(0);
  EXPECT_EQ(empty.size(), 0u);
}

TEST(UnionFind, UnionReportsWhetherSetsWereJoined) {
  UnionFind uf(6);
  EXPECT_TRUE(uf.Union(1, 2));
  EXPECT_FALSE(uf.Union(2, 1));
  EXPECT_FALSE(uf.Union(1, 1));
  EXPECT_TRUE(uf.Union(4, 3));
  EXPECT_TRUE(uf.Union(2, 4));
  EXPECT_FALSE(uf.Union(1, 3));  // already joined through 2-4
  EXPECT_EQ(uf.Find(1), uf.Find(3));
  EXPECT_NE(uf.Find(0), uf.Find(1));
  EXPECT_NE(uf.Find(5), uf.Find(1));
}

TEST(UnionFind, RootIsTheSmallestMember) {
  UnionFind uf(8);
  uf.Union(7, 5);
  EXPECT_EQ(uf.Find(7), 5u);
  uf.Union(6, 7);
  EXPECT_EQ(uf.Find(6), 5u);
  uf.Union(5, 3);
  for (uint32_t x : {3u, 5u, 6u, 7u}) EXPECT_EQ(uf.Find(x), 3u);
  uf.Union(7, 0);
  for (uint32_t x : {0u, 3u, 5u, 6u, 7u}) EXPECT_EQ(uf.Find(x), 0u);
  for (uint32_t x : {1u, 2u, 4u}) EXPECT_EQ(uf.Find(x), x);
}

TEST(UnionFind, PartitionAndRootsDoNotDependOnUnionOrder) {
  Rng rng(21);
  for (int trial = 0; trial < 30; ++trial) {
    const size_t n = 1 + rng.Below(500);
    const size_t m = rng.Below(n * 2);
    std::vector<std::pair<uint32_t, uint32_t>> edges;
    for (size_t i = 0; i < m; ++i) {
      edges.push_back({static_cast<uint32_t>(rng.Below(n)), static_cast<uint32_t>(rng.Below(n))});
    }
    const std::vector<uint32_t> expected = ComponentMinima(n, edges);
    size_t expected_merges = 0;
    for (uint32_t i = 0; i < n; ++i) expected_merges += expected[i] != i;
    for (int order = 0; order < 3; ++order) {
      std::vector<std::pair<uint32_t, uint32_t>> shuffled = edges;
      rng.Shuffle(&shuffled);
      UnionFind uf(n);
      size_t merges = 0;
      for (auto [a, b] : shuffled) {
        if (order == 1) std::swap(a, b);
        merges += uf.Union(a, b);
      }
      // Each successful Union removes one set.
      EXPECT_EQ(merges, expected_merges);
      for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(uf.Find(i), expected[i]) << "trial " << trial << " i " << i;
    }
  }
}

TEST(UnionFind, LongChainsInEitherDirection) {
  const uint32_t n = 200000;
  UnionFind down(n), up(n);
  for (uint32_t i = n - 1; i > 0; --i) EXPECT_TRUE(down.Union(i, i - 1));
  for (uint32_t i = 1; i < n; ++i) EXPECT_TRUE(up.Union(i - 1, i));
  for (uint32_t i = 0; i < n; i += 997) {
    EXPECT_EQ(down.Find(i), 0u);
    EXPECT_EQ(up.Find(i), 0u);
  }
  EXPECT_EQ(down.Find(n - 1), 0u);
  EXPECT_FALSE(up.Union(0, n - 1));
}

TEST(UnionFind, FindIsIdempotentAndStableAfterPathCompression) {
  Rng rng(22);
  const size_t n = 1000;
  UnionFind uf(n);
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  for (int i = 0; i < 600; ++i) {
    edges.push_back({static_cast<uint32_t>(rng.Below(n)), static_cast<uint32_t>(rng.Below(n))});
    uf.Union(edges.back().first, edges.back().second);
  }
  std::vector<uint32_t> first(n);
  for (uint32_t i = 0; i < n; ++i) first[i] = uf.Find(i);
  for (uint32_t i = 0; i < n; ++i) EXPECT_EQ(uf.Find(i), first[i]);
  for (uint32_t i = 0; i < n; ++i) EXPECT_EQ(uf.Find(first[i]), first[i]);
  EXPECT_EQ(first, ComponentMinima(n, edges));
}

}  // namespace
}  // namespace doppel
