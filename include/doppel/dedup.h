// doppel/dedup.h - near-duplicate removal with MinHash-LSH.
//
// Reads a corpus, sketches every document's word n-gram set with MinHash,
// finds candidate pairs with LSH banding, verifies them with exact Jaccard
// similarity (by default), joins verified pairs into clusters and keeps one
// document of each cluster. The output is deterministic: the same input and
// options give byte-identical files for any thread count.
//
// Memory: about 150 bytes per document plus its id, the largest record, and
// the candidate pairs; shingle sets for verification go to a scratch file.
#ifndef DOPPEL_DEDUP_H_
#define DOPPEL_DEDUP_H_

#include <string>
#include <vector>

#include "doppel/corpus.h"
#include "doppel/status.h"

namespace doppel {

enum class Keep {
  kFirst,    // the cluster member that comes first in the input
  kLongest,  // the longest text (in code points); the first among equals
};

struct DedupOptions {
  CorpusOptions corpus;
  int ngram = 5;            // words per shingle
  int num_perm = 128;       // MinHash values per signature
  double threshold = 0.8;   // Jaccard similarity that makes a duplicate
  int bands = 0;            // LSH bands; 0: chosen from the threshold
  int rows = 0;             // LSH rows per band; 0: chosen from the threshold
  // Weights of the false-positive and false-negative areas when bands and
  // rows are chosen. 0 means: 0.05/0.95 when verifying (a false positive
  // costs one exact check, a false negative is a lost duplicate, so recall
  // comes first: P(candidate) >= 0.99 at threshold + 0.05 for the defaults),
  // and datasketch's 0.5/0.5 without verification.
  double fp_weight = 0;
  double fn_weight = 0;
  // Documents with fewer word tokens are too short for a similarity to mean
  // much (under 20 words, one changed word moves a 5-gram Jaccard by more
  // than 0.25); they are never anybody's duplicate and are always kept.
  int min_tokens = 20;
  bool verify = true;       // check candidates by exact Jaccard of their sets
  // The candidates' sets are held in memory up to this many bytes, else in
  // a scratch file in corpus.tmp_dir.
  uint64_t verify_memory = uint64_t{256} << 20;
  Keep keep = Keep::kFirst;
  std::string output = "-";  // kept records, byte-identical; "" for none
  std::string clusters_path;  // {"id", "cluster"} per document
  std::string pairs_path;     // {"a", "b", "jaccard"} per duplicate pair
  std::string summary_path;   // DedupSummaryJson, written with the other outputs
};

struct DedupSummary {
  RecordCounts counts;
  uint64_t input_bytes = 0;
  uint64_t clusters = 0;         // clusters of two or more documents
  uint64_t candidate_pairs = 0;
  uint64_t duplicate_pairs = 0;  // candidates that passed verification
  int bands = 0;
  int rows = 0;
  std::vector<StageTime> stages;
  double seconds = 0;
  uint64_t peak_rss_bytes = 0;
};

Result<DedupSummary> RunDedup(const DedupOptions& options);

// The summary as one JSON object, and as a short human-readable report.
std::string DedupSummaryJson(const DedupSummary& s);
std::string DedupSummaryText(const DedupSummary& s);

}  // namespace doppel

#endif  // DOPPEL_DEDUP_H_
