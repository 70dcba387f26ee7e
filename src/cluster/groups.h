// The members of every cluster, from a per-document cluster key.
//
// Clusters come in order of their first document, members in document
// order, whatever the keys are: what clean and fuse iterate over, so that
// their results do not depend on how clusters are named. O(n log n).
#ifndef DOPPEL_CLUSTER_GROUPS_H_
#define DOPPEL_CLUSTER_GROUPS_H_

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace doppel {

inline std::vector<std::vector<uint32_t>> ClusterGroups(std::span<const uint32_t> cluster) {
  std::vector<uint32_t> order(cluster.size());
  for (uint32_t d = 0; d < order.size(); ++d) order[d] = d;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) { return cluster[x] < cluster[y]; });
  std::vector<std::vector<uint32_t>> groups;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    std::vector<uint32_t> members;
    while (j < order.size() && cluster[order[j]] == cluster[order[i]]) members.push_back(order[j++]);
    groups.push_back(std::move(members));
    i = j;
  }
  std::sort(groups.begin(), groups.end(),
            [](const std::vector<uint32_t>& x, const std::vector<uint32_t>& y) { return x[0] < y[0]; });
  return groups;
}

}  // namespace doppel

#endif  // DOPPEL_CLUSTER_GROUPS_H_
