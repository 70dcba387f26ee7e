// doppel/fuse.h - cleaning documents and rebuilding one text per story.
//
// Clean: removes a document's boilerplate, deciding from evidence in the
// corpus (text repeated on one source across different stories is chrome,
// unless a copy of the story on another source has it as text; a headline
// of another story of the corpus is a "Related stories" item; what reads
// like running prose), plus a small documented set of universal junk
// patterns (syndication footers, ADVERTISEMENT-like markers, video titles
// with durations, UI placeholders before the lead).
//
// Fuse: aligns all cleaned copies of a cluster and writes the article once,
// in reading order, with paragraph breaks: the reading most copies support
// where they disagree, and text that only one copy kept (a lead paragraph,
// link texts, the paragraphs after a truncation) where the others lost it.
//
// All offsets are in code points. Results are deterministic.
#ifndef DOPPEL_FUSE_H_
#define DOPPEL_FUSE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "doppel/corpus.h"
#include "doppel/find.h"
#include "doppel/status.h"

namespace doppel {

struct CleanOptions {
  // Words per k-gram of site evidence. A (source, k-gram) seen in documents
  // of two or more clusters is chrome. Shorter k-grams hit phrases that
  // different stories of one site share ("the president of the"); longer
  // ones miss short chrome stretches.
  int site_ngram = 5;
  // A unit (sentence-like stretch of a line) with at least this fraction of
  // its words in site-repeated k-grams is chrome and dropped; below it, only
  // a repeated prefix or suffix is cut off (chrome glued to a sentence when
  // line breaks were lost), inner repeats are common phrases and stay.
  double site_drop = 0.5;
  // Guard against an imperfect clustering: two documents in different
  // clusters that share at least this fraction of the smaller one's
  // k-grams are copies of one story; they do not count as chrome (same
  // source) or as foreign headlines (any source) against each other.
  // Above 1 turns the guard off.
  double same_story_containment = 0.5;
  // Only k-grams held by at most this many documents are counted by the
  // guard: more is chrome of a busy source; this keeps the guard linear.
  uint32_t guard_max_docs = 4;
};

// A cleaned document: its text and where each piece came from.
struct CleanedDocument {
  std::string text;
  // Pieces of `text` copied from the original: [clean_start, clean_end) of
  // the cleaned text is [orig_start, orig_end) of the original text, in code
  // points. Separators inserted between pieces (a space or a line break) are
  // not in any piece.
  struct Piece {
    uint32_t clean_start, clean_end, orig_start, orig_end;
  };
  std::vector<Piece> pieces;
};

// cluster[i] is the cluster of corpus.docs[i] (any integers; equal = same
// story; cluster.size() == corpus.docs.size()). Copies of one story never
// count as chrome against each other. Documents with an empty source share
// one source (then only corpus-wide repetition tells chrome: give sources
// when there are any). Cost: a few passes over the corpus' tokens and
// parallel sorts of its k-grams and lines; peak memory about 80 bytes per
// word of the corpus, text included; parallel over documents, deterministic.
std::vector<CleanedDocument> CleanDocuments(const Corpus& corpus, const std::vector<uint32_t>& cluster,
                                            const CleanOptions& options = {});

struct FuseOptions {
  // Word k-grams that occur exactly once in both sequences anchor the
  // alignment of a copy to the text fused so far: long enough to be unique
  // in an article, short enough to survive light edits and OCR noise.
  int anchor_ngram = 4;
  // Between anchors, an exact diff (Myers) aligns the words; a gap whose
  // diff would cost more than this many steps (edit distance x gap length)
  // is first split at words unique in both sides, and what stays too
  // costly is left unaligned. Keeps fusion near-linear on any input.
  uint64_t diff_budget = 1 << 22;
  // Two copies that disagree (a tie): a run of at least this many words
  // that only one copy has, and that the longest copy lacks, is kept (a
  // dropped link text); a single word is usually a reprint's edit.
  int tie_run = 2;
};

struct FusedSpan {
  uint32_t fused_start, fused_end;  // in the fused text
  uint32_t doc;                     // index into corpus.docs
  uint32_t source_start, source_end;  // in that document's original text
};

struct FusedText {
  uint32_t cluster;  // the cluster's key as given
  uint32_t representative;  // index of the cluster's first document
  std::string text;
  std::vector<FusedSpan> sources;
};

// One FusedText per cluster, in order of the clusters' first documents. A
// cluster of one document gets its cleaned text.
std::vector<FusedText> FuseClusters(const Corpus& corpus, const std::vector<uint32_t>& cluster,
                                    const std::vector<CleanedDocument>& cleaned, const FuseOptions& options = {});

// Reads a clustering computed elsewhere: JSONL lines {"id", "cluster"} (or
// {"cluster", "members": [ids]}), ids and cluster names as strings or
// numbers. Returns one key per document: the index of its cluster's first
// document. Documents not listed are clusters of their own; ids that the
// corpus does not have are ignored.
Result<std::vector<uint32_t>> ReadClusters(const Corpus& corpus, const std::string& path,
                                           const std::string& tmp_dir);

// The `doppel fuse` command: load, cluster (find, or --clusters-from),
// clean, fuse, write.
struct FuseRunOptions {
  CorpusOptions corpus;
  FindOptions find;           // how clusters are found without clusters_from
  CleanOptions clean;
  FuseOptions fuse;
  std::string clusters_from;  // read the clustering from this file instead of finding it
  std::string clusters_path;  // {"id", "cluster"} per document
  std::string clean_path;     // {"id", "text"} per document
  std::string fused_path;     // {"cluster", "text", "sources": [{"start", "end", "id", "source_start", "source_end"}]}
};

struct FuseSummary {
  RecordCounts counts;
  uint64_t clusters = 0;  // clusters of two or more documents
  std::vector<StageTime> stages;
  double seconds = 0;
  uint64_t peak_rss_bytes = 0;
};

Result<FuseSummary> RunFuse(const FuseRunOptions& options);
std::string FuseSummaryText(const FuseSummary& s);

}  // namespace doppel

#endif  // DOPPEL_FUSE_H_
