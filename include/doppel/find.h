// doppel/find.h - partial copies by passage alignment, and story clusters.
//
// Two documents are copies of one story when they share enough aligned text
// beyond boilerplate, measured against the article text of the shorter one.
// Boilerplate is text repeated across documents of one source (the host of
// the source field's URL) or across many documents of the corpus; it never
// makes two documents copies of each other, so clusters do not chain through
// shared page chrome.
//
// Pipeline: tokenize -> boilerplate masks -> candidate pairs from shared rare
// anchors (an inverted index of word n-grams with a document-frequency cap)
// -> alignment of each candidate (anchors unique in both documents, chained
// in order, merged into passages across small gaps) -> coverage -> clusters.
//
// Offsets are code points into each document's original text. Results are
// identical for any thread count.
#ifndef DOPPEL_FIND_H_
#define DOPPEL_FIND_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "doppel/corpus.h"
#include "doppel/status.h"

namespace doppel {

struct FindOptions {
  bool use_sources = true;   // learn chrome per source when documents have one
  // Tokens are compared with look-alike glyphs folded (TokenizeFolded in
  // doppel/text.h: "rn" and "m", "l", "1" and "i", "0" and "o", ...), so
  // that OCR'd copies keep their n-grams; docs/design.md, step 1.
  bool fold_lookalikes = true;
  int boiler_ngram = 5;      // words per n-gram for boilerplate and candidates
  int align_ngram = 3;       // words per alignment anchor
  int min_shared = 2;        // shared rare n-grams that make a candidate pair
  // and at least this many per word of the shorter article: a pair that
  // aligns over half of it nearly always shares more, even where OCR noise
  // breaks most n-grams (with 8% noise on every document, 13 of 4,158
  // pairs that join without the bound share less: docs/design.md); pairs
  // that share a quotation do not. Both bounds are halved (min_shared
  // rounded up) for pairs where either document is a page of a source
  // whose chrome noise breaks into pieces (docs/design.md, step 3).
  double min_shared_per_word = 0.01;
  int max_gap = 0;           // largest gap (tokens) inside a passage; 0: 2 * boiler_ngram
  double min_coverage = 0.5;  // aligned share of the shorter article that joins two documents
  int min_tokens = 20;       // and at least this many aligned article words
  // An aligned pair whose documents each have at least this many other
  // partners, and share at most bridge_max_shared of the smaller number,
  // bridges two groups of copies and is left out (src/cluster/bridges.h,
  // docs/design.md step 5); so are the pairs of a document with a second
  // text of its own when two of its texts each have this many partners
  // (FindJunctions). 0: none is.
  int bridge_min_neighbours = 2;
  double bridge_max_shared = 0.1;
  // Memory that find's large tables share, with the same result whatever
  // it is: the tokens (5 bytes each) are kept in memory up to half of it,
  // else in a scratch file in tmp_dir; what they leave is shared in turn by
  // the n-gram occurrences that boilerplate is found from (processed in
  // partitions), the postings of shared n-grams (beyond their share in a
  // scratch file), the candidate lists (built for a range of documents at
  // a time) and the documents of an alignment batch. What grows with the
  // corpus is outside it: flags per n-gram position (four bits, then one,
  // or a byte while that is small against the budget),
  // candidate and related pairs, ids and a few integers per document.
  size_t memory = size_t{256} << 20;
  std::string tmp_dir;  // default: $TMPDIR or /tmp
};

struct Passage {
  uint32_t a_start, a_end;  // code points in document a
  uint32_t b_start, b_end;  // code points in document b
  double similarity;        // share of the passage's words that align exactly
};

struct RelatedPair {
  uint32_t a, b;  // document indices, a < b
  std::vector<Passage> passages;
  double coverage_a, coverage_b;  // aligned share of each document's article text
};

// Where find's large tables went within FindOptions::memory. The output is
// the same whatever they are; they tell what a budget costs in passes and
// scratch files.
struct FindMemoryUse {
  bool tokens_spilled = false;    // the tokens are in a scratch file (beyond half the budget)
  uint64_t working_bytes = 0;     // the budget less the tokens held in memory
  uint64_t ngram_partitions = 0;  // n-gram occurrences were sorted in this many partitions
  bool postings_spilled = false;  // the postings of shared n-grams are in a scratch file
  uint64_t candidate_ranges = 0;  // ranges of documents the candidate lists were built for
  uint64_t align_batches = 0;     // batches of candidate pairs aligned
  bool flag_bytes = false;        // flags per n-gram position are a byte each (else bits)
};

struct FindResult {
  std::vector<uint32_t> cluster;  // per document: the index of its cluster's first document
  std::vector<RelatedPair> pairs;
  std::vector<StageTime> stages;
  uint64_t candidates = 0;  // pairs aligned (candidates from shared rare n-grams)
  uint64_t identical_pairs = 0;  // pairs of identical texts that alignment had not joined
  uint64_t near_copy_pairs = 0;  // pairs of near-identical texts of one source that alignment had not joined
  uint64_t bridges = 0;  // aligned pairs left out as bridges between groups of copies (and junctions)
  FindMemoryUse memory;
};

Result<FindResult> FindCopies(const Corpus& corpus, const FindOptions& options);

// The `doppel find` command: load, find, write.
struct FindRunOptions {
  CorpusOptions corpus;
  FindOptions find;
  std::string clusters_path;  // {"id", "cluster"} per document
  std::string pairs_path;     // {"a", "b", "passages", "coverage_a", "coverage_b"} per related pair
  std::string summary_path;   // FindSummaryJson, written with the other outputs
};

struct FindSummary {
  RecordCounts counts;
  uint64_t clusters = 0;  // clusters of two or more documents
  uint64_t pairs = 0;
  uint64_t candidates = 0;  // pairs aligned
  uint64_t identical_pairs = 0;  // of `pairs`: identical texts that alignment had not joined
  uint64_t near_copy_pairs = 0;  // of `pairs`: near-identical texts of one source that alignment had not joined
  uint64_t bridges = 0;          // aligned pairs left out as bridges or junctions (not in `pairs`)
  std::vector<StageTime> stages;
  double seconds = 0;
  uint64_t peak_rss_bytes = 0;
  FindMemoryUse memory;
};

Result<FindSummary> RunFind(const FindRunOptions& options);
std::string FindSummaryJson(const FindSummary& s);
std::string FindSummaryText(const FindSummary& s);

// {"id": ..., "cluster": ...} lines for every document, the cluster named by
// the id of its first document: shared by find and fuse.
std::string ClusterLines(const Corpus& corpus, const std::vector<uint32_t>& cluster);

}  // namespace doppel

#endif  // DOPPEL_FIND_H_
