// Boilerplate masks: which tokens of each document are page chrome.
//
// A word n-gram is chrome when it repeats across documents of one source
// (the same site's navigation, footers, "Related stories" lists), or when it
// is in so many documents of the corpus that it cannot identify a story
// (more than sqrt(documents)). Copies of one story that a site published
// more than once must not erase each other, so documents of one source that
// are one story (they align beyond the source's other chrome, or three to
// eight of them share mostly the same text) count once.
//
// Everything is computed from one sorted list of (n-gram, document) entries,
// so the cost is a parallel sort plus linear scans: no random lookups.
#ifndef DOPPEL_FIND_BOILERPLATE_H_
#define DOPPEL_FIND_BOILERPLATE_H_

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "doppel/align.h"
#include "doppel/find.h"
#include "doppel/status.h"
#include "doppel/text.h"
#include "find/posting_store.h"
#include "find/tokenized.h"
#include "util/position_flags.h"

namespace doppel {

// One n-gram occurrence: the n-gram at token `pos` of document `doc`.
// Sorted by n-gram, then kept without it (DocPos): runs of one n-gram are
// told apart by where they start.
struct GramEntry {
  uint64_t gram;
  uint32_t doc;
  uint32_t pos;
  bool operator<(const GramEntry& o) const {
    return gram != o.gram ? gram < o.gram : doc != o.doc ? doc < o.doc : pos < o.pos;
  }
};

struct DocPos {
  uint32_t doc;
  uint32_t pos;
};

struct Boilerplate {
  // Chrome per n-gram position (flag 0 of PositionFlags): position
  // offset[d] + i tells whether the n-gram at token i of document d is
  // chrome. Masks of tokens are derived from it when needed (Mask) instead
  // of kept for the corpus.
  PositionFlags chrome;
  std::vector<uint64_t> offset;              // per document, and the total at the end
  int ngram = 5;
  std::vector<uint32_t> article_tokens;      // per document: tokens that are not chrome
  // Per document: 1 when it is a page of a source whose chrome noise
  // breaks into pieces (the ring's sources, MarkAlignedChrome); noise
  // breaks the n-grams its copies share as well. All 0 without given
  // sources.
  std::vector<uint8_t> broken;
  // The candidate index (built before the last pass, the ring of noisy
  // sites, so it may hold n-grams that pass made chrome; alignment masks
  // them): for every n-gram that is not chrome for 2 .. df_cap
  // documents, in n-gram order, the list of those documents (ascending),
  // in memory up to half of the working memory (WorkingMemory) and beyond
  // it in a scratch file.
  PostingStore postings;
  // Near-identical texts in one source (kNearCopy) that the story-group
  // rules did not join, each pair once, sorted by pair: the share of each
  // one's words beyond chrome that matched, and the passages (token
  // indices). Find adds them to its pairs as it adds identical texts.
  struct NearCopy {
    uint32_t a, b;  // a < b
    double coverage_a, coverage_b;
    std::vector<TokenPassage> passages;
  };
  std::vector<NearCopy> near_copies;
  // Whether near_copies holds documents a < b.
  bool IsNearCopy(uint32_t a, uint32_t b) const {
    auto it = std::lower_bound(near_copies.begin(), near_copies.end(), std::make_pair(a, b),
                               [](const NearCopy& c, const std::pair<uint32_t, uint32_t>& k) {
                                 return std::make_pair(c.a, c.b) < k;
                               });
    return it != near_copies.end() && it->a == a && it->b == b;
  }
  uint32_t df_cap = 0;                       // n-grams in more documents are too common to be anchors
  size_t partitions = 0;                     // the n-gram occurrences were sorted in this many
};

// A source of at least this many documents (a given source, never an
// inferred one) is seen often enough that its chrome is learned in full.
// Boilerplate: two to eight of its pages that share text no other of its
// pages has are a story it posted more than once, where on a smaller
// source another source must have the text as article text too (on a few
// pages of a site a block of its template, a section's list of headlines,
// may show on two pages and no third; a source seen this often shows such
// blocks on more pages; bench/README.md, "Robustness"). The price: on a
// large source, two to eight pages that carry a block no other of its
// pages has (chrome borrowed from another site, say) join when the block
// is more than half of their text beyond chrome. Find: a pair with a page
// of a large source is aligned with bridges (AlignOptions::bridge), as a
// pair of two pages with sources is: chrome that could carry a bridge
// would be on both pages, and on that page it is masked.
// Measured on syndicate-dev and its subsets: 7, 10, 20 and 30 score the
// same as 16 (its feed sites have 254-299 pages, every other site at most
// 23); 5 joins pages of small sites through blocks of their template, 3
// many more.
inline constexpr uint32_t kLargeSource = 16;

// Two documents of one source whose words beyond chrome (what a third
// document of the source shows) match at least this share of each one's
// are copies of one text: a page crawled twice with a counter
// changed, a re-issue with a word corrected. What two documents of a
// source share and no third has is otherwise taken for its template unless
// another source has it as article text (on a source smaller than
// kLargeSource; without a source field, in a pseudo-source of reports that
// open or close alike); text that is nine tenths of both documents beyond
// their chrome is that text twice. Counted in matched words (anchors and
// the words that bridge or extend them), not in the span of the passages:
// two formula reports (one company's production figures, then another's)
// span each other through the formula with every figure different.
inline constexpr double kNearCopy = 0.9;

Result<Boilerplate> FindBoilerplate(const TokenizedCorpus& corpus, const FindOptions& options);

// Which of the `tokens` tokens of document d are chrome (1) or article (0).
void Mask(const Boilerplate& bp, size_t d, size_t tokens, std::vector<uint8_t>* mask);

// Hashes of the n words (TokenStore) starting at each position (none for a
// shorter text), written to `out`. They are computed when needed rather
// than kept: they would take 8 bytes per token for the whole corpus.
void GramHashes(std::span<const uint32_t> words, int n, std::vector<uint64_t>* out);

// The document frequency cap: max(2, sqrt(documents)).
uint32_t DocumentFrequencyCap(size_t documents);

}  // namespace doppel

#endif  // DOPPEL_FIND_BOILERPLATE_H_
