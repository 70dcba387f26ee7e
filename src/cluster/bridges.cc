#include "cluster/bridges.h"

#include <algorithm>
#include <cassert>

namespace doppel {

namespace {

// A partner in a document's row: the partner, and where their pair's
// passages lie in the row's document.
struct Partner {
  uint32_t doc;
  uint32_t begin, end;
};

// Whether [begin, end) lies at least half within [lo, hi).
bool MostlyWithin(uint32_t begin, uint32_t end, uint32_t lo, uint32_t hi) {
  if (end <= begin) return false;
  const uint32_t from = std::max(begin, lo), to = std::min(end, hi);
  return to > from && 2 * static_cast<uint64_t>(to - from) >= end - begin;
}

}  // namespace

std::vector<char> FindBridges(uint32_t n, std::span<const std::pair<uint32_t, uint32_t>> edges,
                              std::span<const char> keep, int min_neighbours, double max_shared,
                              std::span<const EdgeSpan> spans) {
  std::vector<char> bridge(edges.size(), 0);
  assert(keep.empty() || keep.size() == edges.size());
  assert(spans.empty() || spans.size() == edges.size());
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
  std::vector<Partner> adj(start[n]);
  std::vector<uint32_t> fill(start.begin(), start.end() - 1);
  for (size_t e = 0; e < edges.size(); ++e) {
    const auto [a, b] = edges[e];
    const EdgeSpan s = spans.empty() ? EdgeSpan{} : spans[e];
    adj[fill[a]++] = {b, s.a_begin, s.a_end};
    adj[fill[b]++] = {a, s.b_begin, s.b_end};
  }
  auto by_doc = [](const Partner& x, const Partner& y) { return x.doc < y.doc; };
  for (uint32_t d = 0; d < n; ++d) {
    std::sort(adj.begin() + start[d], adj.begin() + start[d + 1], by_doc);
    assert(std::adjacent_find(adj.begin() + start[d], adj.begin() + start[d + 1],
                              [](const Partner& x, const Partner& y) { return x.doc == y.doc; }) ==
           adj.begin() + start[d + 1]);
  }

  const uint32_t k = static_cast<uint32_t>(min_neighbours);
  // Whether a and b are a bridge on their whole neighbourhoods: each with
  // k other partners or more, sharing at most max_shared of the fewer.
  auto plain = [&](uint32_t a, uint32_t b) {
    const uint32_t da = start[a + 1] - start[a] - 1;  // partners other than b
    const uint32_t db = start[b + 1] - start[b] - 1;
    if (da < k || db < k) return false;
    const double bound = max_shared * static_cast<double>(std::min(da, db));
    // Common partners (a and b are not in each other's list of the other's
    // partners: a is not its own partner), counted until past the bound.
    uint32_t common = 0;
    const Partner* x = adj.data() + start[a];
    const Partner* xe = adj.data() + start[a + 1];
    const Partner* y = adj.data() + start[b];
    const Partner* ye = adj.data() + start[b + 1];
    while (x != xe && y != ye && common <= bound) {
      if (x->doc < y->doc) {
        ++x;
      } else if (y->doc < x->doc) {
        ++y;
      } else {
        ++common;
        ++x;
        ++y;
      }
    }
    return common <= bound;
  };
  // The same without the partners whose span in a minor side lies mostly
  // within the edge's (copies of that block), both rows walked in full.
  // The minor side's document needs one other partner only: that its
  // partner's others are not its partners is enough.
  auto without_block = [&](uint32_t a, uint32_t b, const EdgeSpan& s) {
    auto in_a_block = [&](const Partner& x) { return s.a_minor && MostlyWithin(x.begin, x.end, s.a_begin, s.a_end); };
    auto in_b_block = [&](const Partner& y) { return s.b_minor && MostlyWithin(y.begin, y.end, s.b_begin, s.b_end); };
    uint32_t da = 0, db = 0, common = 0;
    const Partner* x = adj.data() + start[a];
    const Partner* xe = adj.data() + start[a + 1];
    const Partner* y = adj.data() + start[b];
    const Partner* ye = adj.data() + start[b + 1];
    while (x != xe || y != ye) {
      if (x != xe && x->doc == b) {
        ++x;
      } else if (y != ye && y->doc == a) {
        ++y;
      } else if (y == ye || (x != xe && x->doc < y->doc)) {
        da += !in_a_block(*x);
        ++x;
      } else if (x == xe || y->doc < x->doc) {
        db += !in_b_block(*y);
        ++y;
      } else {
        const bool out = in_a_block(*x) || in_b_block(*y);
        da += !out;
        db += !out;
        common += !out;
        ++x;
        ++y;
      }
    }
    const uint32_t ka = s.a_minor ? std::min(k, 1u) : k, kb = s.b_minor ? std::min(k, 1u) : k;
    return da >= ka && db >= kb && common <= max_shared * static_cast<double>(std::min(da, db));
  };
  for (size_t e = 0; e < edges.size(); ++e) {
    if (!keep.empty() && keep[e]) continue;
    const auto [a, b] = edges[e];
    bridge[e] = plain(a, b) ||
                (!spans.empty() && (spans[e].a_minor || spans[e].b_minor) && without_block(a, b, spans[e]));
  }
  return bridge;
}

}  // namespace doppel
