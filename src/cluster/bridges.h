// Pairs that bridge two groups of copies without sharing any of them.
//
// A story's copies are copies of each other: where a document has several,
// most of them are copies of its partner's too. A pair whose two documents
// each have at least `min_neighbours` other partners but share (almost)
// none of them joins two groups that have nothing else in common. In a
// corpus such a pair is two pages of one site, with different stories,
// whose leftover chrome aligned (a template the source model did not
// learn: a site with a few pages, no source field), and it would merge the
// two stories' clusters, then more through theirs. A pair is a bridge when
//   |N(a) ∩ N(b)| <= max_shared * min(|N(a)|, |N(b)|)
// with N(x) the partners of x other than the pair's other document, both of
// at least min_neighbours. A pair whose documents have few partners is
// never a bridge: a story with three copies has nothing to judge by.
// (docs/design.md, step 5. Not to be confused with the gaps that alignment
// bridges with single words, step 4 of aligning.)
#ifndef DOPPEL_CLUSTER_BRIDGES_H_
#define DOPPEL_CLUSTER_BRIDGES_H_

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace doppel {

// For each of `edges` (document pairs over n documents, no pair twice, no
// self pairs, fewer than 2^31) whether it is a bridge, judged on the graph
// of all of them. `keep` (empty, or one per edge) marks edges that are
// never bridges themselves (identical texts); they still count as
// partners. min_neighbours 0: no pair is a bridge. Deterministic, whatever
// the order of the edges; time O(sum over edges of the two degrees) at
// worst, each count stopping once it is past the bound.
std::vector<char> FindBridges(uint32_t n, std::span<const std::pair<uint32_t, uint32_t>> edges,
                              std::span<const char> keep, int min_neighbours, double max_shared);

}  // namespace doppel

#endif  // DOPPEL_CLUSTER_BRIDGES_H_
