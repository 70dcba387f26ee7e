#include "find/boilerplate.h"

#include <algorithm>
#include <cmath>

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include "doppel/align.h"
#include "doppel/union_find.h"

namespace doppel {
namespace {

constexpr uint32_t kMany = UINT32_MAX;

// Marks the tokens covered by a bad n-gram, then also short article runs
// (shorter than one n-gram) squeezed between chrome: a word or two of chrome
// that an edit or OCR error broke out of its n-grams stays chrome.
void MaskTokens(const std::vector<uint8_t>& bad, size_t tokens, int n, std::vector<uint8_t>* mask) {
  mask->assign(tokens, 0);
  const auto k = static_cast<size_t>(n);
  for (size_t i = 0; i < bad.size(); ++i) {
    if (bad[i]) std::fill(mask->begin() + i, mask->begin() + std::min(tokens, i + k), 1);
  }
  for (size_t i = 0; i < tokens;) {
    if ((*mask)[i]) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < tokens && !(*mask)[j]) ++j;
    if (i > 0 && j < tokens && j - i < k) std::fill(mask->begin() + i, mask->begin() + j, 1);
    i = j;
  }
}

uint32_t Unmasked(const std::vector<uint8_t>& mask, uint32_t begin, uint32_t end) {
  uint32_t c = 0;
  for (uint32_t i = begin; i < end; ++i) c += !mask[i];
  return c;
}

// For every entry of a run of one n-gram: in how many distinct groups of
// its own source the n-gram occurs (kMany when the run exceeds the cap or
// the entry has no source).
void SourceCounts(const std::vector<GramEntry>& e, size_t begin, size_t end, uint32_t cap,
                  const std::vector<uint32_t>& source, const std::vector<uint32_t>& group,
                  std::vector<uint32_t>* out) {
  if (end - begin > cap) {
    for (size_t i = begin; i < end; ++i) (*out)[i] = kMany;
    return;
  }
  // (source, group, entry) sorted: counts of distinct groups per source.
  struct Key {
    uint32_t source, group, entry;
    bool operator<(const Key& o) const {
      return source != o.source ? source < o.source : group != o.group ? group < o.group : entry < o.entry;
    }
  };
  Key keys[64];
  std::vector<Key> big;
  Key* k = keys;
  const size_t m = end - begin;
  if (m > 64) {
    big.resize(m);
    k = big.data();
  }
  for (size_t i = 0; i < m; ++i) {
    const uint32_t d = e[begin + i].doc;
    k[i] = {source[d], group[d], static_cast<uint32_t>(begin + i)};
  }
  std::sort(k, k + m);
  for (size_t i = 0; i < m;) {
    size_t j = i;
    uint32_t groups = 0;
    while (j < m && k[j].source == k[i].source) {
      if (j == i || k[j].group != k[j - 1].group) ++groups;
      ++j;
    }
    for (size_t x = i; x < j; ++x) (*out)[k[x].entry] = k[i].source == 0 ? kMany : groups;
    i = j;
  }
}

}  // namespace

uint32_t DocumentFrequencyCap(size_t documents) {
  return std::max<uint32_t>(2, static_cast<uint32_t>(std::sqrt(static_cast<double>(documents))));
}

Boilerplate FindBoilerplate(const TokenizedCorpus& corpus, const FindOptions& options) {
  const size_t n = corpus.tokens.size();
  Boilerplate out;
  out.df_cap = DocumentFrequencyCap(n);
  const uint32_t cap = out.df_cap;
  const bool sources = options.use_sources && corpus.sources > 0;

  // Distinct n-grams of each document, and for each position its slot.
  std::vector<std::vector<uint32_t>> slot_of(n);
  std::vector<uint32_t> distinct(n + 1, 0);
  std::vector<std::vector<uint64_t>> uniq(n);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    const auto& g = corpus.grams[d];
    std::vector<uint32_t> order(g.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) { return g[x] != g[y] ? g[x] < g[y] : x < y; });
    slot_of[d].resize(g.size());
    for (size_t i = 0; i < order.size(); ++i) {
      if (i == 0 || g[order[i]] != g[order[i - 1]]) uniq[d].push_back(g[order[i]]);
      slot_of[d][order[i]] = static_cast<uint32_t>(uniq[d].size() - 1);
    }
  });
  for (size_t d = 0; d < n; ++d) distinct[d + 1] = distinct[d] + static_cast<uint32_t>(uniq[d].size());
  std::vector<GramEntry> entries(distinct[n]);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    for (uint32_t s = 0; s < uniq[d].size(); ++s) entries[distinct[d] + s] = {uniq[d][s], static_cast<uint32_t>(d), s};
  });
  std::vector<std::vector<uint64_t>>().swap(uniq);
  tbb::parallel_sort(entries.begin(), entries.end());

  // Where each document's slot went: slot_entry[distinct[d] + slot].
  std::vector<uint32_t> slot_entry(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    slot_entry[distinct[entries[i].doc] + entries[i].slot] = static_cast<uint32_t>(i);
  }
  // Runs of one n-gram: [run_begin[r], run_begin[r + 1]).
  std::vector<size_t> run_begin;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i == 0 || entries[i].gram != entries[i - 1].gram) run_begin.push_back(i);
  }
  run_begin.push_back(entries.size());
  const size_t runs = run_begin.size() - 1;

  std::vector<uint32_t> group(n);
  for (uint32_t d = 0; d < n; ++d) group[d] = d;
  std::vector<uint32_t> sdf(entries.size(), kMany);
  auto count_sources = [&] {
    tbb::parallel_for(size_t{0}, runs, [&](size_t r) {
      SourceCounts(entries, run_begin[r], run_begin[r + 1], cap, corpus.source, group, &sdf);
    });
  };

  if (sources) {
    count_sources();
    // Copies of one story on one source: two documents of a source sharing
    // n-grams no third document of the source has, whose text beyond the
    // source's other chrome aligns, form one group.
    std::vector<std::pair<uint32_t, uint32_t>> pairs;
    for (size_t r = 0; r < runs; ++r) {
      const size_t b = run_begin[r], e = run_begin[r + 1];
      if (e - b > cap) continue;
      for (size_t i = b; i < e; ++i) {
        if (sdf[i] != 2) continue;
        for (size_t j = i + 1; j < e; ++j) {
          if (corpus.source[entries[j].doc] == corpus.source[entries[i].doc]) {
            pairs.emplace_back(entries[i].doc, entries[j].doc);
            break;
          }
        }
      }
    }
    tbb::parallel_sort(pairs.begin(), pairs.end());
    std::vector<std::pair<uint32_t, uint32_t>> candidates;
    for (size_t i = 0; i < pairs.size();) {
      size_t j = i + 1;
      while (j < pairs.size() && pairs[j] == pairs[i]) ++j;
      if (j - i >= static_cast<size_t>(options.min_shared)) candidates.push_back(pairs[i]);
      i = j;
    }
    std::vector<uint8_t> joined(candidates.size(), 0);
    AlignOptions ao;
    ao.n = options.align_ngram;
    ao.max_gap = options.max_gap > 0 ? options.max_gap : 2 * options.boiler_ngram;
    tbb::parallel_for(size_t{0}, candidates.size(), [&](size_t c) {
      auto [x, y] = candidates[c];
      // Chrome from third documents of the source only.
      auto mask_of = [&](uint32_t d, std::vector<uint8_t>* mask) {
        const auto& g = corpus.grams[d];
        std::vector<uint8_t> bad(g.size());
        for (size_t i = 0; i < g.size(); ++i) {
          const uint32_t v = sdf[slot_entry[distinct[d] + slot_of[d][i]]];
          bad[i] = v >= 3;
        }
        MaskTokens(bad, corpus.tokens[d].size(), options.boiler_ngram, mask);
      };
      std::vector<uint8_t> mx, my;
      mask_of(x, &mx);
      mask_of(y, &my);
      auto passages = AlignDocuments(BuildAnchorIndex(corpus.tokens[x], mx, ao.n),
                                     BuildAnchorIndex(corpus.tokens[y], my, ao.n), ao);
      const uint32_t art_x = Unmasked(mx, 0, static_cast<uint32_t>(mx.size()));
      const uint32_t art_y = Unmasked(my, 0, static_cast<uint32_t>(my.size()));
      uint32_t cov_x = 0, cov_y = 0;
      for (const TokenPassage& p : passages) {
        cov_x += Unmasked(mx, p.a_begin, p.a_end);
        cov_y += Unmasked(my, p.b_begin, p.b_end);
      }
      const bool x_shorter = art_x <= art_y;
      const uint32_t art = x_shorter ? art_x : art_y, cov = x_shorter ? cov_x : cov_y;
      joined[c] = art > 0 && cov >= options.min_coverage * art && cov >= static_cast<uint32_t>(options.min_tokens);
    });
    UnionFind groups(n);
    bool any = false;
    for (size_t c = 0; c < candidates.size(); ++c) {
      if (joined[c]) any |= groups.Union(candidates[c].first, candidates[c].second);
    }
    if (any) {
      for (uint32_t d = 0; d < n; ++d) group[d] = groups.Find(d);
      count_sources();
    }
  }

  // Chrome: in more than `cap` documents, or in two groups of one source.
  std::vector<uint8_t> bad_entry(entries.size(), 0);
  tbb::parallel_for(size_t{0}, runs, [&](size_t r) {
    const size_t b = run_begin[r], e = run_begin[r + 1];
    for (size_t i = b; i < e; ++i) bad_entry[i] = e - b > cap || (sources && sdf[i] != kMany && sdf[i] >= 2);
  });
  // Back to the documents: per-slot flags, then per-position masks.
  out.mask.resize(n);
  out.article_tokens.resize(n);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    const auto& g = corpus.grams[d];
    std::vector<uint8_t> bad(g.size());
    for (size_t i = 0; i < g.size(); ++i) bad[i] = bad_entry[slot_entry[distinct[d] + slot_of[d][i]]];
    MaskTokens(bad, corpus.tokens[d].size(), options.boiler_ngram, &out.mask[d]);
    out.article_tokens[d] = Unmasked(out.mask[d], 0, static_cast<uint32_t>(out.mask[d].size()));
  });
  // Postings: what may be an anchor.
  size_t kept = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!bad_entry[i]) entries[kept++] = entries[i];
  }
  entries.resize(kept);
  out.postings = std::move(entries);
  return out;
}

}  // namespace doppel
