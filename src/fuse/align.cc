// Word alignment: unique k-gram anchors, longest increasing chain, Myers diff.
#include "fuse/align.h"

#include <algorithm>

#include "doppel/text.h"
#include "util/sorted_keys.h"

namespace doppel {
namespace {

struct Gram {
  uint64_t hash;
  uint32_t pos;
  bool operator<(const Gram& o) const { return hash != o.hash ? hash < o.hash : pos < o.pos; }
};

// The k-grams of `seq` that occur exactly once, sorted by hash.
std::vector<Gram> UniqueGrams(std::span<const uint64_t> seq, int k) {
  std::vector<Gram> grams;
  if (seq.size() < static_cast<size_t>(k)) return grams;
  std::vector<uint64_t> hashes;
  if (k == 1) {
    hashes.assign(seq.begin(), seq.end());
  } else {
    ShingleHashes(seq, k, &hashes);
  }
  grams.reserve(hashes.size());
  for (size_t i = 0; i < hashes.size(); ++i) grams.push_back({hashes[i], static_cast<uint32_t>(i)});
  std::sort(grams.begin(), grams.end());
  grams.resize(KeepUniqueKeys(&grams, [](const Gram& g) { return g.hash; }));
  return grams;
}

// The longest chain of k-grams unique in both a and b whose positions
// increase in both (patience: longest increasing subsequence).
std::vector<WordPair> AnchorChain(std::span<const uint64_t> a, std::span<const uint64_t> b, int k) {
  std::vector<Gram> ua = UniqueGrams(a, k), ub = UniqueGrams(b, k);
  std::vector<WordPair> anchors;  // (i, j)
  auto hash = [](const Gram& g) { return g.hash; };
  ForEachCommonKey(ua, ub, hash, hash, [&](const Gram& x, const Gram& y) { anchors.emplace_back(x.pos, y.pos); });
  std::sort(anchors.begin(), anchors.end(), [](const WordPair& p, const WordPair& q) { return p.second < q.second; });
  // tails[l]: the anchor ending the best chain of length l + 1 (smallest i).
  std::vector<uint32_t> tails, prev(anchors.size(), UINT32_MAX);
  for (uint32_t t = 0; t < anchors.size(); ++t) {
    auto it = std::lower_bound(tails.begin(), tails.end(), anchors[t].first,
                               [&](uint32_t idx, uint32_t i) { return anchors[idx].first < i; });
    if (it != tails.begin()) prev[t] = *(it - 1);
    if (it == tails.end()) {
      tails.push_back(t);
    } else {
      *it = t;
    }
  }
  std::vector<WordPair> chain;
  for (uint32_t t = tails.empty() ? UINT32_MAX : tails.back(); t != UINT32_MAX; t = prev[t]) chain.push_back(anchors[t]);
  std::reverse(chain.begin(), chain.end());
  return chain;
}

// Aligns a[i0, i1) with b[j0, j1): trimmed common ends, then a Myers diff
// within the budget, else (if may_split) a split at unique words.
void DiffGap(std::span<const uint64_t> a, std::span<const uint64_t> b, uint32_t i0, uint32_t i1, uint32_t j0,
             uint32_t j1, uint64_t budget, bool may_split, std::vector<WordPair>* pairs) {
  while (i0 < i1 && j0 < j1 && a[i0] == b[j0]) pairs->emplace_back(i0++, j0++);
  uint32_t suffix = 0;
  while (i0 < i1 - suffix && j0 < j1 - suffix && a[i1 - suffix - 1] == b[j1 - suffix - 1]) ++suffix;
  i1 -= suffix;
  j1 -= suffix;
  if (i0 < i1 && j0 < j1) {
    const uint64_t len = (i1 - i0) + (j1 - j0);
    const size_t max_d = static_cast<size_t>(std::min<uint64_t>(len, budget / len));
    auto sa = a.subspan(i0, i1 - i0), sb = b.subspan(j0, j1 - j0);
    if (!MyersDiff(sa, sb, i0, j0, max_d, pairs) && may_split) {
      uint32_t pi = i0, pj = j0;
      for (const WordPair& p : AnchorChain(sa, sb, 1)) {
        DiffGap(a, b, pi, i0 + p.first, pj, j0 + p.second, budget, false, pairs);
        pairs->emplace_back(i0 + p.first, j0 + p.second);
        pi = i0 + p.first + 1;
        pj = j0 + p.second + 1;
      }
      DiffGap(a, b, pi, i1, pj, j1, budget, false, pairs);
    }
  }
  for (uint32_t t = 0; t < suffix; ++t) pairs->emplace_back(i1 + t, j1 + t);
}

}  // namespace

bool MyersDiff(std::span<const uint64_t> a, std::span<const uint64_t> b, uint32_t a_base, uint32_t b_base,
               size_t max_d, std::vector<WordPair>* pairs) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  const int dmax = static_cast<int>(std::min<size_t>(max_d, a.size() + b.size()));
  // v[off + k]: the furthest x on diagonal k = x - y; trace keeps v[-d..d]
  // after every round d for the way back.
  const int off = dmax + 1;
  std::vector<int> v(2 * static_cast<size_t>(dmax) + 3, 0);
  std::vector<int> trace;
  std::vector<size_t> round_start;
  int found = -1;
  for (int d = 0; d <= dmax && found < 0; ++d) {
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1] : v[off + k - 1] + 1;
      int y = x - k;
      while (x < n && y < m && a[x] == b[y]) ++x, ++y;
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    round_start.push_back(trace.size());
    trace.insert(trace.end(), v.begin() + off - d, v.begin() + off + d + 1);
  }
  if (found < 0) return false;
  // Walk back from (n, m), collecting the diagonal (matching) moves.
  std::vector<WordPair> rev;
  int x = n, y = m;
  for (int d = found; d > 0; --d) {
    const int* prev = trace.data() + round_start[d - 1] + (d - 1);  // prev[k] = v_{d-1}[k]
    const int k = x - y;
    const bool down = k == -d || (k != d && prev[k - 1] < prev[k + 1]);
    const int pk = down ? k + 1 : k - 1;
    const int px = prev[pk], py = px - pk;
    const int sx = down ? px : px + 1;  // where the snake of round d starts
    while (x > sx) {
      --x;
      --y;
      rev.emplace_back(a_base + static_cast<uint32_t>(x), b_base + static_cast<uint32_t>(y));
    }
    x = px;
    y = py;
  }
  while (x > 0 && y > 0) {
    --x;
    --y;
    rev.emplace_back(a_base + static_cast<uint32_t>(x), b_base + static_cast<uint32_t>(y));
  }
  pairs->insert(pairs->end(), rev.rbegin(), rev.rend());
  return true;
}

void AlignWords(std::span<const uint64_t> a, std::span<const uint64_t> b, int anchor_ngram, uint64_t diff_budget,
                std::vector<WordPair>* pairs) {
  const auto k = static_cast<uint32_t>(anchor_ngram);
  uint32_t pa = 0, pb = 0;
  for (const WordPair& anchor : AnchorChain(a, b, anchor_ngram)) {
    if (anchor.first < pa || anchor.second < pb) continue;  // overlaps the previous anchor
    DiffGap(a, b, pa, anchor.first, pb, anchor.second, diff_budget, true, pairs);
    for (uint32_t t = 0; t < k; ++t) pairs->emplace_back(anchor.first + t, anchor.second + t);
    pa = anchor.first + k;
    pb = anchor.second + k;
  }
  DiffGap(a, b, pa, static_cast<uint32_t>(a.size()), pb, static_cast<uint32_t>(b.size()), diff_budget, true, pairs);
}

}  // namespace doppel
