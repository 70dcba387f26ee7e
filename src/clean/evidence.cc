// Site evidence: (source, k-gram) keys seen in two or more clusters.
#include "clean/evidence.h"

#include <algorithm>

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include "doppel/union_find.h"

namespace doppel {
namespace {

// Two documents of one source that share this much of the larger one's
// keys are one page: the same story, whatever else the corpus shows.
constexpr double kSamePage = 0.9;

struct Entry {
  uint64_t key;
  uint32_t doc;
  bool operator<(const Entry& o) const { return key != o.key ? key < o.key : doc < o.doc; }
};

}  // namespace

SiteEvidence SiteEvidence::Build(const std::vector<std::vector<uint64_t>>& keys, std::span<const uint32_t> cluster,
                                 const CleanOptions& options, const std::vector<std::vector<uint8_t>>* travels) {
  const size_t n = keys.size();
  // Distinct keys of every document, flattened into (key, doc) entries.
  std::vector<std::vector<uint64_t>> distinct(n);
  // The guard's keys: those that travel (when known), distinct per document.
  std::vector<std::vector<uint64_t>> guard(n);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    for (size_t p = 0; p < keys[d].size(); ++p) {
      if (travels == nullptr || (*travels)[d][p]) guard[d].push_back(keys[d][p]);
    }
    std::sort(guard[d].begin(), guard[d].end());
    guard[d].erase(std::unique(guard[d].begin(), guard[d].end()), guard[d].end());
    distinct[d] = keys[d];
    std::sort(distinct[d].begin(), distinct[d].end());
    distinct[d].erase(std::unique(distinct[d].begin(), distinct[d].end()), distinct[d].end());
  });
  std::vector<size_t> offset(n + 1, 0);
  for (size_t d = 0; d < n; ++d) offset[d + 1] = offset[d] + distinct[d].size();
  std::vector<Entry> entries(offset[n]);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    for (size_t k = 0; k < distinct[d].size(); ++k) entries[offset[d] + k] = {distinct[d][k], static_cast<uint32_t>(d)};
    std::vector<uint64_t>().swap(distinct[d]);
  });
  tbb::parallel_sort(entries.begin(), entries.end());

  // Clusters as dense indices, so that the guard can join them.
  std::vector<uint32_t> ids(cluster.begin(), cluster.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<uint32_t> dense(n);
  for (size_t d = 0; d < n; ++d) {
    dense[d] = static_cast<uint32_t>(std::lower_bound(ids.begin(), ids.end(), cluster[d]) - ids.begin());
  }
  UnionFind groups(ids.size());

  // The guard: count the keys that document pairs of different clusters
  // share (only keys held by a few documents), then join the clusters of
  // pairs whose travelling keys cover most of the smaller document, or whose
  // keys, travelling or not, cover nearly all of the larger (one page
  // scraped twice).
  SiteEvidence ev;
  std::vector<Entry> guard_entries;
  for (size_t d = 0; d < n; ++d) {
    for (uint64_t k : guard[d]) guard_entries.push_back({k, static_cast<uint32_t>(d)});
  }
  tbb::parallel_sort(guard_entries.begin(), guard_entries.end());
  // (a << 32 | b), a < b, once per shared key.
  auto shared_pairs = [&](const std::vector<Entry>& es) {
    std::vector<uint64_t> pairs;
    for (size_t i = 0; i < es.size();) {
      size_t j = i + 1;
      while (j < es.size() && es[j].key == es[i].key) ++j;
      if (j - i >= 2 && j - i <= options.guard_max_docs) {
        for (size_t a = i; a < j; ++a) {
          for (size_t b = a + 1; b < j; ++b) {
            if (dense[es[a].doc] != dense[es[b].doc]) pairs.push_back(uint64_t{es[a].doc} << 32 | es[b].doc);
          }
        }
      }
      i = j;
    }
    tbb::parallel_sort(pairs.begin(), pairs.end());
    return pairs;
  };
  auto join = [&](const std::vector<uint64_t>& pairs, bool larger, double share) {
    for (size_t i = 0; i < pairs.size();) {
      size_t j = i + 1;
      while (j < pairs.size() && pairs[j] == pairs[i]) ++j;
      auto a = static_cast<uint32_t>(pairs[i] >> 32), b = static_cast<uint32_t>(pairs[i]);
      const size_t na = offset[a + 1] - offset[a], nb = offset[b + 1] - offset[b];
      const size_t size = larger ? std::max(na, nb) : std::min(na, nb);
      if (static_cast<double>(j - i) >= share * static_cast<double>(size)) groups.Union(dense[a], dense[b]);
      i = j;
    }
  };
  join(shared_pairs(guard_entries), false, options.same_story_containment);
  std::vector<Entry>().swap(guard_entries);
  if (travels != nullptr) join(shared_pairs(entries), true, kSamePage);

  // A key is repeated when its documents lie in two or more (joined) clusters.
  for (size_t i = 0; i < entries.size();) {
    size_t j = i + 1;
    uint32_t first = groups.Find(dense[entries[i].doc]);
    bool repeated = false;
    for (; j < entries.size() && entries[j].key == entries[i].key; ++j) {
      repeated = repeated || groups.Find(dense[entries[j].doc]) != first;
    }
    if (repeated) ev.repeated_[entries[i].key] = 1;
    i = j;
  }
  return ev;
}

bool SiteEvidence::Repeated(uint64_t key) const { return repeated_.Find(key) != nullptr; }

void KeepStoryText(std::span<const StoryCopy> copies) {
  // Per key: the source that has it as text (odd: a hash with its low bit
  // set), or kSeveral when more than one source has.
  constexpr uint64_t kSeveral = 2;
  size_t expected = 0;
  for (const StoryCopy& c : copies) expected += c.keys->size();
  FlatMap<uint64_t> text(expected);
  for (const StoryCopy& c : copies) {
    for (size_t p = 0; p < c.keys->size(); ++p) {
      if ((*c.chrome)[p]) continue;
      uint64_t& v = text[(*c.keys)[p]];
      if (v == 0) {
        v = c.source | 1;
      } else if (v != (c.source | 1)) {
        v = kSeveral;
      }
    }
  }
  for (const StoryCopy& c : copies) {
    for (size_t p = 0; p < c.keys->size(); ++p) {
      if (!(*c.chrome)[p]) continue;
      const uint64_t* v = text.Find((*c.keys)[p]);
      if (v && *v != (c.source | 1)) (*c.chrome)[p] = 0;
    }
  }
}

void MarkSyndicated(std::span<const SharedCopy> copies) {
  // Per key: the source that has it (odd: a hash with its low bit set), or
  // kSeveral when more than one source has.
  constexpr uint64_t kSeveral = 2;
  size_t expected = 0;
  for (const SharedCopy& c : copies) expected += c.keys->size();
  FlatMap<uint64_t> seen(expected);
  for (const SharedCopy& c : copies) {
    for (uint64_t key : *c.keys) {
      uint64_t& v = seen[key];
      if (v == 0) {
        v = c.source | 1;
      } else if (v != (c.source | 1)) {
        v = kSeveral;
      }
    }
  }
  for (const SharedCopy& c : copies) {
    c.shared->assign(c.keys->size(), 0);
    for (size_t p = 0; p < c.keys->size(); ++p) {
      const uint64_t* v = seen.Find((*c.keys)[p]);
      (*c.shared)[p] = v && *v != (c.source | 1);
    }
  }
}

CorpusLines::CorpusLines(const std::vector<std::vector<Line>>& lines, std::span<const uint32_t> cluster,
                         std::vector<std::vector<uint64_t>> shingles, double same_story_containment)
    : cluster_(cluster.begin(), cluster.end()),
      shingles_(std::move(shingles)),
      same_story_containment_(same_story_containment) {
  for (size_t d = 0; d < lines.size(); ++d) {
    for (const Line& l : lines[d]) {
      entries_.push_back({l.hash, static_cast<uint32_t>(d), cluster[d]});
      heads_.push_back({l.head, l.hash, l.words});
    }
  }
  auto less = [](const Entry& x, const Entry& y) {
    if (x.hash != y.hash) return x.hash < y.hash;
    return x.cluster != y.cluster ? x.cluster < y.cluster : x.doc < y.doc;
  };
  tbb::parallel_sort(entries_.begin(), entries_.end(), less);
  auto same = [](const Entry& x, const Entry& y) { return x.hash == y.hash && x.doc == y.doc; };
  entries_.erase(std::unique(entries_.begin(), entries_.end(), same), entries_.end());
  tbb::parallel_sort(heads_.begin(), heads_.end());
  heads_.erase(std::unique(heads_.begin(), heads_.end()), heads_.end());
}

void CorpusLines::MarkForeign(const SpanHasher& words, uint32_t doc, std::vector<uint8_t>* mask) const {
  const size_t n = words.size();
  StoryCache cache;
  for (size_t p = 0; p + kMinWords <= n; ++p) {
    const uint64_t head = words.Hash(p, p + kMinWords);
    auto it = std::lower_bound(heads_.begin(), heads_.end(), head, [](const Head& h, uint64_t k) { return h.head < k; });
    for (; it != heads_.end() && it->head == head; ++it) {
      if (p + it->words > n || words.Hash(p, p + it->words) != it->hash) continue;
      const Holders held = Held(it->hash, doc, &cache);
      if (!held.other || held.same) continue;
      std::fill(mask->begin() + static_cast<std::ptrdiff_t>(p), mask->begin() + static_cast<std::ptrdiff_t>(p + it->words), 1);
    }
  }
}

bool CorpusLines::SameStory(uint32_t a, uint32_t b, StoryCache* cache) const {
  for (const auto& [other, same] : *cache) {
    if (other == b) return same;
  }
  const std::vector<uint64_t>& x = shingles_[a];
  const std::vector<uint64_t>& y = shingles_[b];
  size_t common = 0;
  for (size_t i = 0, j = 0; i < x.size() && j < y.size();) {
    if (x[i] < y[j]) {
      ++i;
    } else if (y[j] < x[i]) {
      ++j;
    } else {
      ++common, ++i, ++j;
    }
  }
  const size_t smaller = std::min(x.size(), y.size());
  const bool same = smaller > 0 && static_cast<double>(common) >= same_story_containment_ * static_cast<double>(smaller);
  cache->emplace_back(b, same);
  return same;
}

CorpusLines::Holders CorpusLines::Held(uint64_t hash, uint32_t doc, StoryCache* cache) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), hash,
                             [](const Entry& e, uint64_t h) { return e.hash < h; });
  auto end = it;
  while (end != entries_.end() && end->hash == hash) ++end;
  Holders held;
  const uint32_t mine = cluster_[doc];
  if (end - it > kMaxChecked) {  // boilerplate of many pages: counted, not checked one by one
    held.other = it->cluster != mine || (end - 1)->cluster != mine;
    auto lo = std::lower_bound(it, end, mine, [](const Entry& e, uint32_t c) { return e.cluster < c; });
    auto hi = std::upper_bound(lo, end, mine, [](uint32_t c, const Entry& e) { return c < e.cluster; });
    held.same = hi - lo > 1;
    return held;
  }
  for (; it != end; ++it) {
    if (it->doc == doc) continue;
    if (it->cluster == mine || SameStory(doc, it->doc, cache)) {
      held.same = true;
    } else {
      held.other = true;
    }
  }
  return held;
}

}  // namespace doppel
