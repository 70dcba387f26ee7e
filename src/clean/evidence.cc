// Site evidence: (source, k-gram) keys seen in two or more clusters.
#include "clean/evidence.h"

#include <algorithm>

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include "doppel/union_find.h"

namespace doppel {
namespace {

struct Entry {
  uint64_t key;
  uint32_t doc;
  bool operator<(const Entry& o) const { return key != o.key ? key < o.key : doc < o.doc; }
};

}  // namespace

SiteEvidence SiteEvidence::Build(const std::vector<std::vector<uint64_t>>& keys, std::span<const uint32_t> cluster,
                                 const EvidenceOptions& options) {
  const size_t n = keys.size();
  // Distinct keys of every document, flattened into (key, doc) entries.
  std::vector<std::vector<uint64_t>> distinct(n);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
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
  // pairs that share most of the smaller document.
  SiteEvidence ev;
  std::vector<uint64_t> pairs;  // (a << 32 | b), a < b, once per shared key
  for (size_t i = 0; i < entries.size();) {
    size_t j = i + 1;
    while (j < entries.size() && entries[j].key == entries[i].key) ++j;
    if (j - i >= 2 && j - i <= options.guard_max_docs) {
      for (size_t a = i; a < j; ++a) {
        for (size_t b = a + 1; b < j; ++b) {
          if (dense[entries[a].doc] != dense[entries[b].doc]) {
            pairs.push_back(uint64_t{entries[a].doc} << 32 | entries[b].doc);
          }
        }
      }
    }
    i = j;
  }
  tbb::parallel_sort(pairs.begin(), pairs.end());
  for (size_t i = 0; i < pairs.size();) {
    size_t j = i + 1;
    while (j < pairs.size() && pairs[j] == pairs[i]) ++j;
    auto a = static_cast<uint32_t>(pairs[i] >> 32), b = static_cast<uint32_t>(pairs[i]);
    size_t smaller = std::min(offset[a + 1] - offset[a], offset[b + 1] - offset[b]);
    if (static_cast<double>(j - i) >= options.same_story_containment * static_cast<double>(smaller)) {
      if (groups.Union(dense[a], dense[b])) ++ev.guarded_pairs_;
    }
    i = j;
  }

  // A key is repeated when its documents lie in two or more (joined) clusters.
  for (size_t i = 0; i < entries.size();) {
    size_t j = i + 1;
    uint32_t first = groups.Find(dense[entries[i].doc]);
    bool repeated = false;
    for (; j < entries.size() && entries[j].key == entries[i].key; ++j) {
      repeated = repeated || groups.Find(dense[entries[j].doc]) != first;
    }
    if (repeated) ev.repeated_.push_back(entries[i].key);
    i = j;
  }
  return ev;
}

bool SiteEvidence::Repeated(uint64_t key) const {
  return std::binary_search(repeated_.begin(), repeated_.end(), key);
}

}  // namespace doppel
