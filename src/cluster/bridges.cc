#include "cluster/bridges.h"

#include <algorithm>
#include <cassert>

namespace doppel {

std::vector<char> FindBridges(uint32_t n, std::span<const std::pair<uint32_t, uint32_t>> edges,
                              std::span<const char> keep, int min_neighbours, double max_shared) {
  std::vector<char> bridge(edges.size(), 0);
  assert(keep.empty() || keep.size() == edges.size());
  assert(edges.size() < (size_t{1} << 31));  // 32-bit offsets into the rows
  if (min_neighbours <= 0 || edges.empty()) return bridge;
  // Adjacency in compressed rows, each sorted.
  std::vector<uint32_t> start(size_t{n} + 1, 0);
  for (const auto& [a, b] : edges) {
    assert(a < n && b < n && a != b);
    ++start[a + 1];
    ++start[b + 1];
  }
  for (uint32_t d = 0; d < n; ++d) start[d + 1] += start[d];
  std::vector<uint32_t> adj(start[n]);
  std::vector<uint32_t> fill(start.begin(), start.end() - 1);
  for (const auto& [a, b] : edges) {
    adj[fill[a]++] = b;
    adj[fill[b]++] = a;
  }
  for (uint32_t d = 0; d < n; ++d) {
    std::sort(adj.begin() + start[d], adj.begin() + start[d + 1]);
    assert(std::adjacent_find(adj.begin() + start[d], adj.begin() + start[d + 1]) == adj.begin() + start[d + 1]);
  }

  const uint32_t k = static_cast<uint32_t>(min_neighbours);
  for (size_t e = 0; e < edges.size(); ++e) {
    if (!keep.empty() && keep[e]) continue;
    const auto [a, b] = edges[e];
    const uint32_t da = start[a + 1] - start[a] - 1;  // partners other than b
    const uint32_t db = start[b + 1] - start[b] - 1;
    if (da < k || db < k) continue;
    const double bound = max_shared * static_cast<double>(std::min(da, db));
    // Common partners (a and b are not in each other's list of the other's
    // partners: a is not its own partner), counted until past the bound.
    uint32_t common = 0;
    const uint32_t* x = adj.data() + start[a];
    const uint32_t* xe = adj.data() + start[a + 1];
    const uint32_t* y = adj.data() + start[b];
    const uint32_t* ye = adj.data() + start[b + 1];
    while (x != xe && y != ye && common <= bound) {
      if (*x < *y) {
        ++x;
      } else if (*y < *x) {
        ++y;
      } else {
        ++common;
        ++x;
        ++y;
      }
    }
    if (common <= bound) bridge[e] = 1;
  }
  return bridge;
}

}  // namespace doppel
