#include "find/boilerplate.h"

#include <algorithm>
#include <cmath>

#include <tbb/parallel_for.h>

#include "doppel/align.h"
#include "doppel/union_find.h"
#include "util/flat_map.h"

namespace doppel {
namespace {

uint64_t SourceGramKey(uint64_t gram, uint32_t source) {
  return Mix64(gram ^ (static_cast<uint64_t>(source) * 0xD6E8FEB86659FD93ULL));
}

// Distinct values of v, sorted.
std::vector<uint64_t> Distinct(const std::vector<uint64_t>& v) {
  std::vector<uint64_t> d = v;
  std::sort(d.begin(), d.end());
  d.erase(std::unique(d.begin(), d.end()), d.end());
  return d;
}

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

}  // namespace

uint32_t DocumentFrequencyCap(size_t documents) {
  return std::max<uint32_t>(2, static_cast<uint32_t>(std::sqrt(static_cast<double>(documents))));
}

Boilerplate FindBoilerplate(const TokenizedCorpus& corpus, const FindOptions& options) {
  const size_t n = corpus.tokens.size();
  Boilerplate out;
  out.df_cap = DocumentFrequencyCap(n);
  const uint32_t cap = out.df_cap;

  std::vector<std::vector<uint64_t>> distinct(n);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) { distinct[d] = Distinct(corpus.grams[d]); });

  // Document frequency of every n-gram.
  FlatMap<uint32_t> df(1 << 16);
  for (size_t d = 0; d < n; ++d)
    for (uint64_t g : distinct[d]) ++df[g];
  auto df_of = [&](uint64_t g) {
    const uint32_t* v = df.Find(g);
    return v ? *v : 0u;
  };

  const bool sources = options.use_sources && corpus.sources > 0;
  // Per (source, n-gram): in how many documents of the source it occurs.
  FlatMap<uint32_t> source_df(1 << 16);
  if (sources) {
    for (size_t d = 0; d < n; ++d) {
      if (corpus.source[d] == 0) continue;
      for (uint64_t g : distinct[d]) ++source_df[SourceGramKey(g, corpus.source[d])];
    }
  }
  auto sdf_of = [&](uint64_t g, uint32_t s) {
    const uint32_t* v = source_df.Find(SourceGramKey(g, s));
    return v ? *v : 0u;
  };

  if (sources) {
    // Copies of one story on one source: two documents of a source that
    // share n-grams no third document of that source has, and whose text
    // beyond the source's other chrome aligns, are one group; an n-gram then
    // counts once per group.
    std::vector<std::pair<uint64_t, uint32_t>> exclusive;  // (source-gram key, doc)
    for (size_t d = 0; d < n; ++d) {
      const uint32_t s = corpus.source[d];
      if (s == 0) continue;
      for (uint64_t g : distinct[d]) {
        if (sdf_of(g, s) == 2 && df_of(g) <= cap) exclusive.emplace_back(SourceGramKey(g, s), static_cast<uint32_t>(d));
      }
    }
    std::sort(exclusive.begin(), exclusive.end());
    std::vector<std::pair<uint32_t, uint32_t>> pairs;
    for (size_t i = 0; i + 1 < exclusive.size(); ++i) {
      if (exclusive[i].first == exclusive[i + 1].first) {
        pairs.emplace_back(exclusive[i].second, exclusive[i + 1].second);
        ++i;
      }
    }
    std::sort(pairs.begin(), pairs.end());
    std::vector<std::pair<uint32_t, uint32_t>> candidates;
    for (size_t i = 0; i < pairs.size();) {
      size_t j = i + 1;
      while (j < pairs.size() && pairs[j] == pairs[i]) ++j;
      if (j - i >= static_cast<size_t>(options.min_shared)) candidates.push_back(pairs[i]);
      i = j;
    }
    std::vector<uint8_t> joined(candidates.size(), 0);
    const int max_gap = options.max_gap > 0 ? options.max_gap : 2 * options.boiler_ngram;
    tbb::parallel_for(size_t{0}, candidates.size(), [&](size_t c) {
      auto [x, y] = candidates[c];
      const uint32_t s = corpus.source[x];
      std::vector<uint8_t> bad, mx, my;
      auto third_party_mask = [&](uint32_t d, std::vector<uint8_t>* mask) {
        bad.assign(corpus.grams[d].size(), 0);
        for (size_t i = 0; i < bad.size(); ++i) {
          const uint64_t g = corpus.grams[d][i];
          bad[i] = sdf_of(g, s) >= 3 || df_of(g) > cap;
        }
        MaskTokens(bad, corpus.tokens[d].size(), options.boiler_ngram, mask);
      };
      third_party_mask(x, &mx);
      third_party_mask(y, &my);
      AlignOptions ao;
      ao.n = options.align_ngram;
      ao.max_gap = max_gap;
      auto passages = AlignDocuments(BuildAnchorIndex(corpus.tokens[x], mx, ao.n),
                                     BuildAnchorIndex(corpus.tokens[y], my, ao.n), ao);
      uint32_t art_x = Unmasked(mx, 0, static_cast<uint32_t>(mx.size()));
      uint32_t art_y = Unmasked(my, 0, static_cast<uint32_t>(my.size()));
      uint32_t cov_x = 0, cov_y = 0;
      for (const TokenPassage& p : passages) {
        cov_x += Unmasked(mx, p.a_begin, p.a_end);
        cov_y += Unmasked(my, p.b_begin, p.b_end);
      }
      const bool x_shorter = art_x < art_y || (art_x == art_y && cov_x <= cov_y);
      const uint32_t art = x_shorter ? art_x : art_y, cov = x_shorter ? cov_x : cov_y;
      joined[c] = art > 0 && cov >= options.min_coverage * art && cov >= static_cast<uint32_t>(options.min_tokens);
    });
    UnionFind groups(n);
    for (size_t c = 0; c < candidates.size(); ++c) {
      if (joined[c]) groups.Union(candidates[c].first, candidates[c].second);
    }
    // Recount: distinct groups per (source, n-gram).
    std::vector<std::pair<uint64_t, uint32_t>> keyed;
    for (size_t d = 0; d < n; ++d) {
      const uint32_t s = corpus.source[d];
      if (s == 0) continue;
      const uint32_t grp = groups.Find(static_cast<uint32_t>(d));
      for (uint64_t g : distinct[d]) keyed.emplace_back(SourceGramKey(g, s), grp);
    }
    std::sort(keyed.begin(), keyed.end());
    keyed.erase(std::unique(keyed.begin(), keyed.end()), keyed.end());
    source_df = FlatMap<uint32_t>(keyed.size());
    for (const auto& [key, grp] : keyed) ++source_df[key];
  }

  out.mask.resize(n);
  out.bad_gram.resize(n);
  out.article_tokens.resize(n);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    const auto& grams = corpus.grams[d];
    std::vector<uint8_t>& bad = out.bad_gram[d];
    bad.assign(grams.size(), 0);
    const uint32_t s = corpus.source[d];
    for (size_t i = 0; i < grams.size(); ++i) {
      bad[i] = df_of(grams[i]) > cap || (sources && s != 0 && sdf_of(grams[i], s) >= 2);
    }
    MaskTokens(bad, corpus.tokens[d].size(), options.boiler_ngram, &out.mask[d]);
    out.article_tokens[d] = Unmasked(out.mask[d], 0, static_cast<uint32_t>(out.mask[d].size()));
  });
  return out;
}

}  // namespace doppel
