// doppel/fuse.h - cleaning documents and rebuilding one text per story.
//
// Clean: removes a document's boilerplate, deciding from evidence in the
// corpus (text repeated on one source across different stories is chrome;
// what aligns with other copies is article; what reads like running prose),
// plus a small documented set of universal junk patterns (syndication
// footers, ADVERTISEMENT-like markers, video titles with durations).
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
#include "doppel/status.h"

namespace doppel {

struct CleanOptions {
  // (implementation-defined constants live here, each with its reason)
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
// story). Copies of one story never count as chrome against each other.
std::vector<CleanedDocument> CleanDocuments(const Corpus& corpus, const std::vector<uint32_t>& cluster,
                                            const CleanOptions& options = {});

struct FuseOptions {};

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

}  // namespace doppel

#endif  // DOPPEL_FUSE_H_
