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
// Cost: O(K log K) for K distinct (document, key) pairs (one parallel sort);
// afterwards a hash set of the repeated keys. Lookups are thread-safe.
#ifndef DOPPEL_CLEAN_EVIDENCE_H_
#define DOPPEL_CLEAN_EVIDENCE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "clean/span_hash.h"
#include "doppel/fuse.h"
#include "util/flat_map.h"

namespace doppel {

class SiteEvidence {
 public:
  // keys[d]: the keys of document d (any order, repeats allowed);
  // cluster[d]: its cluster.
  // travels[d][p] (optional): keys[d][p] is text that other sources carry
  // too; only such keys count for the guard. A story's text travels with
  // it to other publishers; a small source's chrome does not, and on a
  // source with few pages it is held by few documents, so that counted it
  // would join all of them as one story and erase their chrome.
  static SiteEvidence Build(const std::vector<std::vector<uint64_t>>& keys, std::span<const uint32_t> cluster,
                            const CleanOptions& options,
                            const std::vector<std::vector<uint8_t>>* travels = nullptr);
  // The key was seen in documents of at least two clusters.
  bool Repeated(uint64_t key) const;

 private:
  FlatMap<uint8_t> repeated_;  // the repeated keys (value unused)
};

// Story evidence: text that a copy of the same story on another source
// carries where that source does not repeat it is article text, even where
// the local source repeats it across stories (a blog's comment bylines,
// "Posted by: NAME | DATE at TIME", recur on its other stories).
//
// For the copies of one story: chrome[p] of a copy is cleared where a copy
// on another source has keys[p] without chrome. Cost: one small hash table
// per call, linear in the copies' keys.
struct StoryCopy {
  uint64_t source;
  const std::vector<uint64_t>* keys;  // k-gram or line hashes
  std::vector<uint8_t>* chrome;       // per key: the source repeats it
};
void KeepStoryText(std::span<const StoryCopy> copies);

// Syndication evidence: for the copies of one story, shared[p] of a copy is
// set where a copy on another source has keys[p] too (chrome or not): the
// text travels with the story from one publisher to another. Copies on one
// source (two scrapes of one page) are no evidence of each other. Cost: one
// small hash table per call, linear in the copies' keys.
struct SharedCopy {
  uint64_t source;
  const std::vector<uint64_t>* keys;
  std::vector<uint8_t>* shared;  // filled: one flag per key
};
void MarkSyndicated(std::span<const SharedCopy> copies);

// Corpus evidence: lines across all sources. Words that stand as a whole
// line in a document of another cluster name another story: a headline of
// a "Related stories" list, whether that list kept its line breaks or not.
// The other story's own copies have it as their title, so a line that
// another copy of this document's story has too is never foreign.
//
// Guard: a document of another cluster that shares at least
// same_story_containment of the smaller one's non-chrome word k-grams is a
// copy of the same story that the clustering split off; what it shares is
// not foreign.
//
// Cost: one sort of the corpus' distinct (line, document) pairs; a scan of
// a document is one binary search per word. Lookups are thread-safe.
class CorpusLines {
 public:
  struct Line {
    uint64_t hash;   // SpanHasher hash of its words
    uint64_t head;   // SpanHasher hash of its first kForeignMinWords words
    uint32_t words;  // kForeignMinWords or more
  };
  // Lines shorter than this are too common to name another story ("Home",
  // "Read more", a date).
  static constexpr uint32_t kMinWords = 4;

  // lines[d]: the lines of document d; cluster[d]: its cluster;
  // shingles[d]: its sorted, distinct non-chrome word k-grams.
  CorpusLines(const std::vector<std::vector<Line>>& lines, std::span<const uint32_t> cluster,
              std::vector<std::vector<uint64_t>> shingles, double same_story_containment);

  // Sets mask[i] for the words of `doc` that form a foreign line.
  void MarkForeign(const SpanHasher& words, uint32_t doc, std::vector<uint8_t>* mask) const;

 private:

  struct Entry {
    uint64_t hash;
    uint32_t doc, cluster;
  };
  struct Head {
    uint64_t head, hash;
    uint32_t words;
    bool operator<(const Head& o) const {
      return head != o.head ? head < o.head : (hash != o.hash ? hash < o.hash : words < o.words);
    }
    bool operator==(const Head& o) const = default;
  };
  // A line held by more documents than this is boilerplate of many pages:
  // its holders are counted by cluster, not compared one by one.
  static constexpr std::ptrdiff_t kMaxChecked = 64;
  // Answers of SameStory(doc, other) already computed for one document.
  using StoryCache = std::vector<std::pair<uint32_t, bool>>;
  // Who else holds the line `hash`: a document of another story, and a
  // document of doc's story (its cluster, or a split-off copy).
  struct Holders {
    bool other = false, same = false;
  };
  Holders Held(uint64_t hash, uint32_t doc, StoryCache* cache) const;
  bool SameStory(uint32_t a, uint32_t b, StoryCache* cache) const;
  std::vector<Entry> entries_;  // sorted by hash, cluster, doc
  std::vector<Head> heads_;     // sorted, distinct
  std::vector<uint32_t> cluster_;
  std::vector<std::vector<uint64_t>> shingles_;
  double same_story_containment_;
};

}  // namespace doppel

#endif  // DOPPEL_CLEAN_EVIDENCE_H_
