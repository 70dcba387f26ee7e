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
//
// A pair whose text is a minor part of one of its documents (a teaser of
// another story in a page's "Related stories" box, and an excerpt of that
// story) is judged without the partners that align only with that part:
// they are copies of the same block, not of the page's story. Then the
// page's partners are its story's copies and the excerpt's are its own
// story's, and they share none: a bridge. An excerpt of the page's own
// story keeps its pair, as the story's other copies align with the page
// beyond the excerpt and with the excerpt too. This judgement only adds
// bridges to the plain one, and the document of the minor side needs one
// other partner (its own story), not min_neighbours: a copy whose partners
// all align within one part of it has no other story to be taken for.
// (docs/design.md, step 5. Not to be confused with the gaps that alignment
// bridges with single words, step 4 of aligning.)
#ifndef DOPPEL_CLUSTER_BRIDGES_H_
#define DOPPEL_CLUSTER_BRIDGES_H_

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace doppel {

// Where an edge's passages lie in each of its two documents (from the
// start of the first to the end of the last, in any unit), and whether
// that text is a minor part of the document (less than the coverage that
// joins two documents).
struct EdgeSpan {
  uint32_t a_begin = 0, a_end = 0;  // in the edge's first document
  uint32_t b_begin = 0, b_end = 0;  // in its second
  bool a_minor = false, b_minor = false;
  // The share of each document's article text that the pair aligned
  // (find's coverage_a, coverage_b; FindJunctions).
  float a_cover = 0, b_cover = 0;
};

// A document whose texts (FindJunctions) together align over at least
// this share of its article text is made of them: a page that carries a
// second story, not a story's full copy with pieces of it around.
inline constexpr double kMadeOfItsTexts = 0.8;

// For each of `edges` (document pairs over n documents, no pair twice, no
// self pairs, fewer than 2^31) whether it is a bridge, judged on the graph
// of all of them. `keep` (empty, or one per edge) marks edges that are
// never bridges themselves (identical texts); they still count as
// partners. `spans` (empty, or one per edge): an edge with a minor side
// that the plain count keeps is judged again with the partners whose span
// in that document lies at least half within the edge's left out of both
// neighbourhoods (above).
// min_neighbours 0: no pair is a bridge. Deterministic, whatever the order
// of the edges; time O(sum over edges of the two degrees) at worst, each
// count stopping once it is past the bound. (find's pairs have at most one
// minor side: the shorter document's coverage is at least min_coverage.)
std::vector<char> FindBridges(uint32_t n, std::span<const std::pair<uint32_t, uint32_t>> edges,
                              std::span<const char> keep, int min_neighbours, double max_shared,
                              std::span<const EdgeSpan> spans = {});

// Documents that are copies of two stories (a page that carries a second
// article below its own, as a scrape of an endless page does) join the
// two stories' copies, which share nothing else. Per document, its
// partners fall into regions of it: partners whose spans in it overlap
// are in one region. Regions whose partners are partners of each other
// are one text. Where two texts or more have min_neighbours partners each
// (fewer have nothing to judge by, as in FindBridges), the document keeps
// its pairs with one text: the first in it of the text it has most of
// aligned and the texts of min_neighbours partners it has at least half
// as much of aligned (a page's own story comes first; the next article an
// endless page loaded may be longer). Its pairs with the other texts of
// min_neighbours partners or more are left out: it alone joined them. A
// story's pieces (an excerpt of its lead, copies cut off at the top or
// the bottom) that align with disjoint parts of its only full copy are
// such texts too, but they rarely have two partners each; when they do,
// they are split off.
// A document that is made of its texts is judged with one partner a text:
// the texts together align over kMadeOfItsTexts of its article text or
// more (per region, the most that one of its partners aligned; spans'
// a_cover and b_cover, added over the regions). A page and the next
// article, each with one other copy or more, is such a document; a
// story's only full copy and pieces of it that do not overlap rarely is,
// as pieces cut at random leave much of it between and around them. Where
// some of its texts have min_neighbours partners, the text it has most of
// aligned is one of those: a block after the story that aligned with one
// other page over more of it (a template the source model did not learn)
// does not take the page from a story with copies. The first on the page
// of that text and the judged texts with at least half as much still
// keeps its pairs, so the page's own story with one copy stands before a
// longer next article with more; so would a block above the story with
// one partner and at least half as long as it.
// A document's twins (`keep`: identical or near-identical texts) are not
// its partners here, nor anyone's: their pair spans all of it and would
// make one region of everything; a page crawled twice is judged as each
// of its crawls, alike, and their pair is never left out.
// For each of `edges` (as FindBridges, with `spans`; `cut` marks edges
// left out already, which are not partners here either; `keep` empty or
// one per edge) whether it is left out; a document with a partner whose
// pair has no span (a twin or a pair left out does not count) is not
// judged; min_neighbours 0: none is. Deterministic, whatever
// the order of the edges; time O(sum over documents of their partners'
// degrees) at worst, reading only the partners outside a document's
// largest region, plus a sort of each document's partners.
std::vector<char> FindJunctions(uint32_t n, std::span<const std::pair<uint32_t, uint32_t>> edges,
                                std::span<const EdgeSpan> spans, std::span<const char> cut,
                                std::span<const char> keep, int min_neighbours);

}  // namespace doppel

#endif  // DOPPEL_CLUSTER_BRIDGES_H_
