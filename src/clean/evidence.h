// Site evidence: what repeats within one source across different stories.
//
// Page chrome (menus, footers, "most read" boxes, cookie notices) is the
// text a site puts around every story; an article is the text that copies
// of one story share. So a word k-gram that appears on one source in
// documents of two or more different clusters is chrome, while one shared
// only by copies of the same story is not evidence of anything. Keys are
// (source, k-gram) pairs hashed together, so sources never mix.
//
// Guard against an imperfect clustering: two documents of one source that
// the clustering put apart but that share most of their k-grams are copies
// of one story (a split cluster); their clusters are treated as one for the
// evidence, so that they do not erase each other's text.
//
// Cost: O(K log K) for K distinct (document, key) pairs (one parallel sort),
// 8 bytes per repeated key afterwards. Lookups are thread-safe.
#ifndef DOPPEL_CLEAN_EVIDENCE_H_
#define DOPPEL_CLEAN_EVIDENCE_H_

#include <cstdint>
#include <span>
#include <vector>

namespace doppel {

struct EvidenceOptions {
  // Two documents of one source share at least this fraction of the smaller
  // one's keys: copies of one story, whatever the clustering says. Chrome
  // alone stays under it on all but pages with almost no text.
  double same_story_containment = 0.5;
  // Keys held by more documents than this are chrome of a busy source, not
  // what two split copies share; they are left out of the pair counts,
  // which keeps the guard linear.
  uint32_t guard_max_docs = 4;
};

class SiteEvidence {
 public:
  // keys[d]: the keys of document d (any order, repeats allowed);
  // cluster[d]: its cluster.
  static SiteEvidence Build(const std::vector<std::vector<uint64_t>>& keys, std::span<const uint32_t> cluster,
                            const EvidenceOptions& options);
  // The key was seen in documents of at least two clusters.
  bool Repeated(uint64_t key) const;
  // How many document pairs the guard joined (for reports and tests).
  uint64_t guarded_pairs() const { return guarded_pairs_; }

 private:
  std::vector<uint64_t> repeated_;  // sorted
  uint64_t guarded_pairs_ = 0;
};

}  // namespace doppel

#endif  // DOPPEL_CLEAN_EVIDENCE_H_
