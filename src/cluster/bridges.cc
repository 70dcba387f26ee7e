#include "cluster/bridges.h"

#include <algorithm>
#include <cassert>

namespace doppel {

namespace {

// A partner in a document's row: the partner, where their pair's
// passages lie in the row's document, and the edge.
struct Partner {
  uint32_t doc;
  uint32_t begin, end;
  uint32_t edge;
  float cover;  // the share of the row's document's article text the pair aligned
};

// Each document's partners through the edges that `counted(e)` takes, in
// compressed rows (row d is adj[start[d], start[d + 1])), in edge order.
struct Rows {
  std::vector<uint32_t> start;
  std::vector<Partner> adj;
};
template <typename Counted>
Rows BuildRows(uint32_t n, std::span<const std::pair<uint32_t, uint32_t>> edges, std::span<const EdgeSpan> spans,
               Counted&& counted) {
  Rows r;
  r.start.assign(size_t{n} + 1, 0);
  for (size_t e = 0; e < edges.size(); ++e) {
    if (!counted(e)) continue;
    assert(edges[e].first < n && edges[e].second < n && edges[e].first != edges[e].second);
    ++r.start[edges[e].first + 1];
    ++r.start[edges[e].second + 1];
  }
  for (uint32_t d = 0; d < n; ++d) r.start[d + 1] += r.start[d];
  r.adj.resize(r.start[n]);
  std::vector<uint32_t> fill(r.start.begin(), r.start.end() - 1);
  for (size_t e = 0; e < edges.size(); ++e) {
    if (!counted(e)) continue;
    const auto [a, b] = edges[e];
    const EdgeSpan s = spans.empty() ? EdgeSpan{} : spans[e];
    r.adj[fill[a]++] = {b, s.a_begin, s.a_end, static_cast<uint32_t>(e), s.a_cover};
    r.adj[fill[b]++] = {a, s.b_begin, s.b_end, static_cast<uint32_t>(e), s.b_cover};
  }
  return r;
}

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
  Rows rows = BuildRows(n, edges, spans, [](size_t) { return true; });
  const std::vector<uint32_t>& start = rows.start;
  std::vector<Partner>& adj = rows.adj;
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
  // within the edge's (copies of that block), both rows walked until the
  // count is past the bound on the whole rows.
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
    // Leaving partners out only lowers da and db: past the bound on the
    // whole rows, the pair is kept (a large story's copies stop early).
    const double most = max_shared * static_cast<double>(std::min(xe - x, ye - y) - 1);
    while (x != xe || y != ye) {
      if (common > most) return false;
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

std::vector<char> FindJunctions(uint32_t n, std::span<const std::pair<uint32_t, uint32_t>> edges,
                                std::span<const EdgeSpan> spans, std::span<const char> cut,
                                std::span<const char> keep, int min_neighbours_in) {
  assert(spans.size() == edges.size() && cut.size() == edges.size());
  assert(keep.empty() || keep.size() == edges.size());
  assert(edges.size() < (size_t{1} << 31));  // 32-bit offsets into the rows
  std::vector<char> out(edges.size(), 0);
  if (min_neighbours_in <= 0 || edges.empty()) return out;
  const uint32_t min_neighbours = static_cast<uint32_t>(min_neighbours_in);
  // Rows of the partners: pairs left out already are none, and neither
  // are a document's twins (kept pairs, identical or near-identical
  // texts: they span all of it and would join every region; each twin is
  // judged alike on its own).
  const Rows rows =
      BuildRows(n, edges, spans, [&](size_t e) { return !cut[e] && (keep.empty() || !keep[e]); });
  const std::vector<uint32_t>& start = rows.start;
  const std::vector<Partner>& adj = rows.adj;
  // Per document: its partners by span, the region of each (and, by
  // partner, region_of, reset after each document), the regions joined
  // where their partners are partners of each other, and per text its
  // partners, code points aligned (the union of its regions' spans) and
  // where it starts.
  constexpr uint32_t kNone = UINT32_MAX;
  std::vector<uint32_t> region_of(n, kNone);
  std::vector<uint32_t> by_span, region, parent, partners, first;
  std::vector<uint64_t> aligned;
  for (uint32_t d = 0; d < n; ++d) {
    const uint32_t deg = start[d + 1] - start[d];
    if (deg < 2) continue;  // two texts of a partner at least
    const Partner* row = adj.data() + start[d];
    // A pair without a span relates the whole documents.
    if (std::any_of(row, row + deg, [](const Partner& x) { return x.end <= x.begin; })) continue;
    by_span.resize(deg);
    for (uint32_t i = 0; i < deg; ++i) by_span[i] = i;
    std::sort(by_span.begin(), by_span.end(), [&](uint32_t x, uint32_t y) {
      return row[x].begin != row[y].begin ? row[x].begin < row[y].begin : row[x].doc < row[y].doc;
    });
    // Regions, and what the document is made of: per region the most
    // that one of its partners aligned of it, added up (in span order,
    // whatever the order of the edges).
    region.assign(deg, 0);
    uint32_t regions = 0, reach = 0;
    double made_of = 0;
    float region_cover = 0;
    for (uint32_t k = 0; k < deg; ++k) {
      const Partner& en = row[by_span[k]];
      if (k > 0 && en.begin < reach) {
        reach = std::max(reach, en.end);
        region_cover = std::max(region_cover, en.cover);
      } else {
        if (k > 0) ++regions;
        made_of += region_cover;
        reach = en.end;
        region_cover = en.cover;
      }
      region[by_span[k]] = regions;
    }
    made_of += region_cover;
    ++regions;
    if (regions < 2) continue;
    // A document made of its texts is judged with one partner a text;
    // any other needs two texts of min_neighbours partners.
    const bool made = made_of >= kMadeOfItsTexts;
    if (!made && deg < 2 * min_neighbours) continue;
    parent.resize(regions);
    for (uint32_t r = 0; r < regions; ++r) parent[r] = r;
    auto find = [&](uint32_t r) {
      while (parent[r] != r) r = parent[r] = parent[parent[r]];
      return r;
    };
    // Every link between two regions has an end outside the largest (the
    // first of the largest), so only the rows of partners outside it are
    // read.
    partners.assign(regions, 0);
    for (uint32_t i = 0; i < deg; ++i) ++partners[region[i]];
    const uint32_t largest =
        static_cast<uint32_t>(std::max_element(partners.begin(), partners.end()) - partners.begin());
    for (uint32_t i = 0; i < deg; ++i) region_of[row[i].doc] = region[i];
    for (uint32_t i = 0; i < deg; ++i) {
      if (region[i] == largest) continue;
      const uint32_t p = row[i].doc;
      for (uint32_t k = start[p]; k < start[p + 1]; ++k) {
        const uint32_t q = adj[k].doc;
        if (q == d || region_of[q] == kNone) continue;
        const uint32_t ra = find(region[i]), rb = find(region_of[q]);
        if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
      }
    }
    for (uint32_t i = 0; i < deg; ++i) region_of[row[i].doc] = kNone;
    partners.assign(regions, 0);
    for (uint32_t i = 0; i < deg; ++i) ++partners[find(region[i])];
    aligned.assign(regions, 0);
    first.assign(regions, kNone);
    for (uint32_t k = 0; k < deg;) {
      const uint32_t r = region[by_span[k]];
      const uint32_t lo = row[by_span[k]].begin;
      uint32_t hi = row[by_span[k]].end;
      while (k < deg && region[by_span[k]] == r) hi = std::max(hi, row[by_span[k++]].end);
      const uint32_t t = find(r);
      aligned[t] += hi - lo;
      first[t] = std::min(first[t], lo);
    }
    // Judged only where two texts or more have min_neighbours partners
    // each (a text with fewer has nothing to judge by, FindBridges), or,
    // in a document made of its texts, one partner each (need). Of the
    // text with most aligned and the judged texts with at least half as
    // much, the first on the page keeps its pairs (no two regions start at
    // one place); the other judged texts lose theirs. A page's own story
    // comes first, and the story an endless page loaded after it may be
    // longer; a block above the story (a teaser, a quote) is much shorter.
    // In a document made of its texts where some have min_neighbours
    // partners (may_keep), the text with most is one of those: a block
    // after the story that aligned with one other page over more of it (a
    // template the source model did not learn) does not take the page from
    // a story with copies. A text with fewer partners still goes first
    // with half as much aligned, as the page's own story with one copy
    // does before a longer next article with more; so would a block above
    // the story at least half as long as it (bench/README.md, "Pages made
    // of two texts").
    uint32_t strong = 0;
    for (uint32_t t = 0; t < regions; ++t) strong += first[t] != kNone && partners[t] >= min_neighbours;
    const uint32_t need = made ? 1 : min_neighbours;
    const uint32_t may_keep = made && strong > 0 ? min_neighbours : 1;
    uint32_t judged = 0, most = kNone;
    for (uint32_t t = 0; t < regions; ++t) {
      if (first[t] == kNone) continue;
      judged += partners[t] >= need;
      if (partners[t] >= may_keep && (most == kNone || aligned[t] > aligned[most])) most = t;
    }
    if (judged < 2) continue;
    // Only a judged text goes before the one with most: a block above the
    // story with fewer than min_neighbours partners is no page's own story
    // unless the page is made of its texts.
    uint32_t kept = most;
    for (uint32_t t = 0; t < regions; ++t) {
      if (first[t] != kNone && partners[t] >= need && 2 * aligned[t] >= aligned[most] && first[t] < first[kept]) {
        kept = t;
      }
    }
    for (uint32_t i = 0; i < deg; ++i) {
      const uint32_t t = find(region[i]);
      if (t != kept && partners[t] >= need) out[row[i].edge] = 1;
    }
  }
  return out;
}

}  // namespace doppel
