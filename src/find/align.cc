// Anchor chaining and passages.
#include "doppel/align.h"

#include <algorithm>

#include "util/hash_sort.h"
#include "util/sorted_keys.h"

namespace doppel {

namespace {

// BuildAnchorIndex over m tokens whose hashes hash_at(i) gives.
template <typename HashAt>
AnchorIndex BuildIndex(size_t m, HashAt hash_at, std::span<const uint8_t> mask, int n, bool twice) {
  AnchorIndex index;
  // 0 never matches (ExtendPassages); a word whose bits are 0 just never extends one.
  index.words.resize(m);
  uint32_t* words = index.words.data();
  if (mask.empty()) {
    for (size_t i = 0; i < m; ++i) words[i] = static_cast<uint32_t>(hash_at(i));
  } else {
    for (size_t i = 0; i < m; ++i) words[i] = mask[i] ? 0 : static_cast<uint32_t>(hash_at(i));
  }
  const size_t k = static_cast<size_t>(n);
  if (m < k) return index;
  using Gram = std::pair<uint64_t, uint32_t>;
  thread_local std::vector<Gram> grams;
  grams.clear();
  // A rolling polynomial over the token hashes, finished with a mixer.
  constexpr uint64_t kBase = 0x9E3779B97F4A7C15ULL;
  uint64_t top = 1;
  for (size_t j = 1; j < k; ++j) top *= kBase;
  uint64_t h = 0;
  size_t masked_until = 0;  // the n-gram starting at s has a masked token iff s < masked_until
  for (size_t i = 0; i < m; ++i) {
    if (!mask.empty() && mask[i]) masked_until = i + 1;
    if (i >= k) h -= hash_at(i - k) * top;
    h = h * kBase + hash_at(i);
    if (i + 1 < k) continue;
    const size_t start = i + 1 - k;
    if (start < masked_until) continue;
    grams.emplace_back(Mix64(h), static_cast<uint32_t>(start));
  }
  // Sorted by hash, an n-gram seen more than once is a run, not an anchor:
  // the n-grams seen once are copied out as they are met.
  SortByUniformHash(&grams, [](const Gram& x) { return x.first; });
  const size_t g = grams.size();
  // Calls f(i, j) for each run [i, j) of one hash.
  auto for_each_run = [&](auto&& f) {
    for (size_t i = 0; i < g;) {
      size_t j = i + 1;
      while (j < g && grams[j].first == grams[i].first) ++j;
      f(i, j);
      i = j;
    }
  };
  if (twice) {
    // Exact sizes, so that an n-gram seen twice takes 12 bytes at each of
    // its places and no room in the lists of the n-grams seen once
    // (kBatchBytesPerToken counts 16 bytes per token for either).
    size_t once = 0, two = 0;
    for_each_run([&](size_t i, size_t j) {
      once += j == i + 1;
      two += j == i + 2 ? 2 : 0;
    });
    index.hashes.reserve(once);
    index.positions.reserve(once);
    index.twice_hashes.reserve(two);
    index.twice_positions.reserve(two);
  } else {
    index.hashes.reserve(g);
    index.positions.reserve(g);
  }
  for_each_run([&](size_t i, size_t j) {
    if (j == i + 1) {
      index.hashes.push_back(grams[i].first);
      index.positions.push_back(grams[i].second);
    } else if (twice && j == i + 2) {
      index.twice_hashes.insert(index.twice_hashes.end(), 2, grams[i].first);
      index.twice_positions.push_back(std::min(grams[i].second, grams[i + 1].second));
      index.twice_positions.push_back(std::max(grams[i].second, grams[i + 1].second));
    }
  });
  // Document order: positions are distinct tokens, so a counting pass over
  // the token range sorts them.
  const size_t anchors = index.hashes.size();
  thread_local std::vector<uint32_t> at;
  at.assign(m, UINT32_MAX);
  for (uint32_t i = 0; i < anchors; ++i) at[index.positions[i]] = i;
  index.by_position.reserve(anchors);
  for (uint32_t i : at) {
    if (i != UINT32_MAX) index.by_position.push_back(i);
  }
  return index;
}

}  // namespace

AnchorIndex BuildAnchorIndex(std::span<const Token> tokens, std::span<const uint8_t> mask, int n, bool twice) {
  return BuildIndex(tokens.size(), [tokens](size_t i) -> uint64_t { return tokens[i].hash; }, mask, n, twice);
}

AnchorIndex BuildAnchorIndex(std::span<const uint32_t> words, std::span<const uint8_t> mask, int n, bool twice) {
  return BuildIndex(words.size(), [words](size_t i) -> uint64_t { return words[i]; }, mask, n, twice);
}

std::vector<uint32_t> LongestIncreasingChain(std::span<const std::pair<uint32_t, uint32_t>> points) {
  // tails[l]: index of the point with the smallest y ending a chain of
  // length l+1, and tail_y[l] that y (searched without going through
  // points). A copy's anchors mostly come in order: a point above every
  // tail extends the longest chain without a search.
  thread_local std::vector<uint32_t> tails, tail_y;
  tails.clear();
  tail_y.clear();
  std::vector<uint32_t> prev(points.size(), UINT32_MAX);
  for (uint32_t i = 0; i < points.size(); ++i) {
    const uint32_t y = points[i].second;
    const size_t l = tail_y.empty() || tail_y.back() < y
                         ? tail_y.size()
                         : static_cast<size_t>(std::lower_bound(tail_y.begin(), tail_y.end(), y) - tail_y.begin());
    if (l > 0) prev[i] = tails[l - 1];
    if (l == tails.size()) {
      tails.push_back(i);
      tail_y.push_back(y);
    } else {
      tails[l] = i;
      tail_y[l] = y;
    }
  }
  std::vector<uint32_t> chain;
  for (uint32_t i = tails.empty() ? UINT32_MAX : tails.back(); i != UINT32_MAX; i = prev[i]) chain.push_back(i);
  std::reverse(chain.begin(), chain.end());
  return chain;
}

namespace {

// Grows each passage at both ends over words that match one for one,
// stopping at boilerplate (word 0) and at the neighbouring passages on
// either side, as they stand: passages are taken in the order of a, so a
// gap between two is claimed by the first one's end before the second one's
// start, and none overlap.
void ExtendPassages(const AnchorIndex& a, const AnchorIndex& b, std::vector<TokenPassage>* passages) {
  std::vector<TokenPassage>& p = *passages;  // sorted by a_begin
  const size_t m = p.size();
  std::vector<uint32_t> by_b(m);  // passage indices in the order of b
  for (uint32_t i = 0; i < m; ++i) by_b[i] = i;
  std::sort(by_b.begin(), by_b.end(), [&](uint32_t x, uint32_t y) { return p[x].b_begin < p[y].b_begin; });
  std::vector<uint32_t> rank_b(m);
  for (uint32_t r = 0; r < m; ++r) rank_b[by_b[r]] = r;
  const auto na = static_cast<uint32_t>(a.words.size()), nb = static_cast<uint32_t>(b.words.size());
  for (size_t i = 0; i < m; ++i) {
    TokenPassage& q = p[i];
    const uint32_t rb = rank_b[i];
    const uint32_t a_low = i > 0 ? p[i - 1].a_end : 0;
    const uint32_t b_low = rb > 0 ? p[by_b[rb - 1]].b_end : 0;
    while (q.a_begin > a_low && q.b_begin > b_low && a.words[q.a_begin - 1] != 0 &&
           a.words[q.a_begin - 1] == b.words[q.b_begin - 1]) {
      --q.a_begin;
      --q.b_begin;
      ++q.matched_a;
      ++q.matched_b;
    }
    const uint32_t a_high = i + 1 < m ? p[i + 1].a_begin : na;
    const uint32_t b_high = rb + 1 < m ? p[by_b[rb + 1]].b_begin : nb;
    while (q.a_end < a_high && q.b_end < b_high && a.words[q.a_end] != 0 && a.words[q.a_end] == b.words[q.b_end]) {
      ++q.a_end;
      ++q.b_end;
      ++q.matched_a;
      ++q.matched_b;
    }
  }
}

// The words of x[lo, hi) that occur there once, as (word, position) sorted
// by word; boilerplate (word 0) left out.
void WordsOnce(const AnchorIndex& x, uint32_t lo, uint32_t hi, std::vector<std::pair<uint32_t, uint32_t>>* out) {
  out->clear();
  for (uint32_t i = lo; i < hi; ++i) {
    if (x.words[i] != 0) out->emplace_back(x.words[i], i);
  }
  std::sort(out->begin(), out->end());
  out->resize(KeepUniqueKeys(out, [](const std::pair<uint32_t, uint32_t>& w) { return w.first; }));
}

// Bridges the gap between two chained anchors, [a0, a1) in a and [b0, b1)
// in b, where it is wider than max_gap on a side: with OCR noise on both
// copies most 3-grams break, and the anchors that survive are far apart,
// while single words still match. The words that occur once in each side
// of the gap and in both are chained in order (one longest increasing
// chain, LIS); the gap is bridged when that chain crosses it with no step
// wider than max_gap on either side, the same rule that joins anchors.
// (Another chain of the same words may cross where the longest one does
// not; such a gap stays a cut.) Both ends are held by anchors,
// so an inserted caption (a gap on one side only) or a paragraph replaced
// by another one (few shared words, far apart) stays a cut. Returns the
// words of the chain, or -1 when the gap is not bridged. The cost is a
// sort of the gap's words, and a chain's gaps are disjoint.
int Bridge(const AnchorIndex& a, const AnchorIndex& b, uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1,
           uint32_t max_gap) {
  const uint32_t ga = a1 - a0, gb = b1 - b0;
  // A chain of k words makes k + 1 steps on each side, and k is at most
  // the shorter side: a side too long for that is a cut without a sort.
  const uint64_t shorter = std::min(ga, gb), longer = std::max(ga, gb);
  if (longer > (shorter + 1) * max_gap + shorter) return -1;
  // Nor is a side longer than kMaxBridgeSteps x max_gap bridged: such gaps
  // are where copies part (other chrome, an inserted section), and sorting
  // them raised the align stage of syndicate-dev from 0.067 s to 0.086 s
  // while the OCR-noise variants of bench/README.md scored the same.
  constexpr uint64_t kMaxBridgeSteps = 8;
  if (longer > kMaxBridgeSteps * max_gap) return -1;
  thread_local std::vector<std::pair<uint32_t, uint32_t>> wa, wb, points;
  WordsOnce(a, a0, a1, &wa);
  WordsOnce(b, b0, b1, &wb);
  points.clear();
  auto word = [](const std::pair<uint32_t, uint32_t>& w) { return w.first; };
  ForEachCommonKey(wa, wb, word, word, [&](const auto& x, const auto& y) { points.emplace_back(x.second, y.second); });
  std::sort(points.begin(), points.end());
  uint32_t ea = a0, eb = b0;  // where the last step ended
  const std::vector<uint32_t> chain = LongestIncreasingChain(points);
  for (uint32_t c : chain) {
    const auto [x, y] = points[c];
    if (x > ea + max_gap || y > eb + max_gap) return -1;
    ea = x + 1;
    eb = y + 1;
  }
  if (a1 > ea + max_gap || b1 > eb + max_gap) return -1;
  return static_cast<int>(chain.size());
}

// The first index at or after `from` of sorted `v` whose value is at least
// h, searched with steps that double from `from`: ascending searches cost
// the log of the distance each goes.
size_t Gallop(const std::vector<uint64_t>& v, size_t from, uint64_t h) {
  size_t step = 1, hi = from;
  while (hi < v.size() && v[hi] < h) {
    from = hi + 1;
    hi += step;
    step *= 2;
  }
  const auto end = v.begin() + static_cast<ptrdiff_t>(std::min(hi, v.size()));
  return static_cast<size_t>(std::lower_bound(v.begin() + static_cast<ptrdiff_t>(from), end, h) - v.begin());
}

// Calls f(x, y) for each pairing of the places of the n-grams that a has
// twice and b once or twice, or b has twice and a once, found by galloping
// searches in the other document's lists in the order of the hashes; the
// two y of one x of a come in descending order.
template <typename F>
void ForEachTwiceAnchor(const AnchorIndex& a, const AnchorIndex& b, F&& f) {
  size_t once = 0, twice = 0;  // where the last searches ended
  for (size_t i = 0; i < a.twice_hashes.size(); ++i) {
    const uint64_t h = a.twice_hashes[i];
    const uint32_t x = a.twice_positions[i];
    once = Gallop(b.hashes, once, h);
    if (once < b.hashes.size() && b.hashes[once] == h) f(x, b.positions[once]);
    twice = Gallop(b.twice_hashes, twice, h);
    if (twice < b.twice_hashes.size() && b.twice_hashes[twice] == h) {
      f(x, b.twice_positions[twice + 1]);
      f(x, b.twice_positions[twice]);
    }
  }
  once = 0;
  for (size_t j = 0; j < b.twice_hashes.size(); ++j) {
    const uint64_t h = b.twice_hashes[j];
    once = Gallop(a.hashes, once, h);
    if (once < a.hashes.size() && a.hashes[once] == h) f(a.positions[once], b.twice_positions[j]);
  }
}

// Adds to `points` (shared anchors, one per x, ascending) the pairings of
// ForEachTwiceAnchor. The points stay sorted by x, and the two y of one x
// descend, so that a chain takes at most one of them.
void AddTwiceAnchors(const AnchorIndex& a, const AnchorIndex& b, std::vector<std::pair<uint32_t, uint32_t>>* points) {
  thread_local std::vector<std::pair<uint32_t, uint32_t>> extra;
  extra.clear();
  ForEachTwiceAnchor(a, b, [&](uint32_t x, uint32_t y) { extra.emplace_back(x, y); });
  if (extra.empty()) return;
  auto order = [](const std::pair<uint32_t, uint32_t>& p, const std::pair<uint32_t, uint32_t>& q) {
    return p.first != q.first ? p.first < q.first : p.second > q.second;
  };
  std::sort(extra.begin(), extra.end(), order);
  const size_t before = points->size();
  points->insert(points->end(), extra.begin(), extra.end());
  std::inplace_merge(points->begin(), points->begin() + static_cast<ptrdiff_t>(before), points->end(), order);
}

}  // namespace

size_t CountTwiceAnchors(const AnchorIndex& a, const AnchorIndex& b) {
  size_t count = 0;
  if (!a.twice_hashes.empty() || !b.twice_hashes.empty()) ForEachTwiceAnchor(a, b, [&](uint32_t, uint32_t) { ++count; });
  return count;
}

std::vector<TokenPassage> AlignDocuments(const AnchorIndex& a, const AnchorIndex& b, const AlignOptions& o) {
  // Shared anchors as (position in a, position in b), in the order of a:
  // one merge of the two sorted lists marks a's matches, then a's anchors
  // are read in document order.
  thread_local std::vector<uint32_t> match;
  match.assign(a.size(), UINT32_MAX);
  size_t matches = 0;
  if (b.size() > 8 * a.size()) {
    // A short document against a long one: search each of a's hashes in
    // the rest of b, galloping from where the last search ended.
    size_t j = 0;
    for (size_t i = 0; i < a.size() && j < b.size(); ++i) {
      const uint64_t h = a.hashes[i];
      size_t step = 1, hi = j;
      while (hi < b.size() && b.hashes[hi] < h) {
        j = hi + 1;
        hi += step;
        step *= 2;
      }
      j = static_cast<size_t>(std::lower_bound(b.hashes.begin() + static_cast<ptrdiff_t>(j),
                                               b.hashes.begin() + static_cast<ptrdiff_t>(std::min(hi, b.size())), h) -
                              b.hashes.begin());
      if (j < b.size() && b.hashes[j] == h) {
        match[i] = b.positions[j];
        ++matches;
        ++j;
      }
    }
  } else {
    // Branch-free: which side advances is a coin toss for a predictor.
    const uint64_t* ah = a.hashes.data();
    const uint64_t* bh = b.hashes.data();
    const uint32_t* bp = b.positions.data();
    uint32_t* m = match.data();
    const size_t na = a.size(), nb = b.size();
    size_t i = 0, j = 0;
    while (i < na && j < nb) {
      const uint64_t x = ah[i], y = bh[j];
      const bool same = x == y;
      m[i] = same ? bp[j] : m[i];
      matches += same;
      i += x <= y;
      j += y <= x;
    }
  }
  std::vector<std::pair<uint32_t, uint32_t>> points;
  points.reserve(matches);
  if (matches > 0) {
    for (uint32_t i : a.by_position) {
      if (match[i] != UINT32_MAX) points.emplace_back(a.positions[i], match[i]);
    }
  }
  if (o.twice && (!a.twice_hashes.empty() || !b.twice_hashes.empty())) AddTwiceAnchors(a, b, &points);
  const auto n = static_cast<uint32_t>(o.n);
  const auto gap = static_cast<uint32_t>(o.max_gap);
  std::vector<TokenPassage> passages;
  auto overlaps = [&](uint32_t x, uint32_t y) {
    for (const TokenPassage& p : passages) {
      if ((x + n > p.a_begin && x < p.a_end) || (y + n > p.b_begin && y < p.b_end)) return true;
    }
    return false;
  };
  for (int round = 0; round < o.rounds && points.size() >= static_cast<size_t>(o.min_anchors); ++round) {
    std::vector<uint32_t> chain = LongestIncreasingChain(points);
    if (chain.size() < static_cast<size_t>(o.min_anchors)) break;
    std::vector<uint8_t> used(points.size(), 0);
    // Cut the chain into passages where a gap is too wide on either side.
    size_t first = 0;
    const size_t before = passages.size();
    uint32_t bridged = 0;  // words that bridge gaps inside the current piece (as many on each side)
    for (size_t c = 1; c <= chain.size(); ++c) {
      bool cut = c == chain.size();
      if (!cut) {
        auto [px, py] = points[chain[c - 1]];
        auto [x, y] = points[chain[c]];
        cut = x > px + n + gap || y > py + n + gap;
        if (cut && o.bridge) {
          // Consecutive anchors may overlap on one side: that side's gap is empty.
          const int words = Bridge(a, b, std::min(px + n, x), x, std::min(py + n, y), y, gap);
          if (words >= 0) {
            cut = false;
            bridged += static_cast<uint32_t>(words);
          }
        }
      }
      if (!cut) continue;
      if (c - first >= static_cast<size_t>(o.min_anchors)) {
        TokenPassage p{};
        p.a_begin = points[chain[first]].first;
        p.b_begin = points[chain[first]].second;
        // A cut on one side can leave the next passage starting inside the
        // previous one on the other: passages of a round never overlap.
        if (passages.size() > before) {
          p.a_begin = std::max(p.a_begin, passages.back().a_end);
          p.b_begin = std::max(p.b_begin, passages.back().b_end);
        }
        p.a_end = points[chain[c - 1]].first + n;
        p.b_end = points[chain[c - 1]].second + n;
        p.anchors = static_cast<uint32_t>(c - first);
        // Tokens covered by anchors inside the passage, counted once.
        uint32_t ea = p.a_begin, eb = p.b_begin;
        for (size_t k = first; k < c; ++k) {
          auto [x, y] = points[chain[k]];
          if (x + n > ea) p.matched_a += x + n - std::max(x, ea);
          if (y + n > eb) p.matched_b += y + n - std::max(y, eb);
          ea = std::max(ea, x + n);
          eb = std::max(eb, y + n);
        }
        if (p.a_begin >= p.a_end || p.b_begin >= p.b_end) {
          first = c;
          bridged = 0;
          continue;
        }
        // Bridging words lie after the first anchor's end, and a start moved
        // above stays before it: they are inside the passage.
        p.matched_a += bridged;
        p.matched_b += bridged;
        bool clash = false;
        for (size_t q = 0; q < before && !clash; ++q) {
          const TokenPassage& o2 = passages[q];
          clash = (p.a_begin < o2.a_end && o2.a_begin < p.a_end) || (p.b_begin < o2.b_end && o2.b_begin < p.b_end);
        }
        if (!clash) passages.push_back(p);
      }
      first = c;
      bridged = 0;
    }
    for (uint32_t c : chain) used[c] = 1;
    // The next round chains what is left outside the passages found so far.
    std::vector<std::pair<uint32_t, uint32_t>> rest;
    for (size_t i = 0; i < points.size(); ++i) {
      if (!used[i] && !overlaps(points[i].first, points[i].second)) rest.push_back(points[i]);
    }
    if (passages.size() == before && rest.size() == points.size()) break;
    points.swap(rest);
  }
  std::sort(passages.begin(), passages.end(),
            [](const TokenPassage& x, const TokenPassage& y) { return x.a_begin < y.a_begin; });
  if (a.words.size() > 0 && b.words.size() > 0) ExtendPassages(a, b, &passages);
  return passages;
}

}  // namespace doppel
