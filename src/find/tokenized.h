// The tokenized corpus that find works on, and the two ways to build it:
// from a corpus in memory (FindCopies, used by fuse and the tests) or while
// reading the input (RunFind), so that find never holds the texts.
// Internal to doppel.
#ifndef DOPPEL_FIND_TOKENIZED_H_
#define DOPPEL_FIND_TOKENIZED_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "doppel/find.h"
#include "doppel/status.h"
#include "doppel/text.h"
#include "find/menus.h"
#include "find/token_store.h"

namespace doppel {

// Token offsets are code points, not bytes: the offsets that find reports.
struct TokenizedCorpus {
  TokenStore tokens;                        // per document
  std::vector<uint32_t> source;             // per document: source number (0: none)
  uint32_t sources = 0;
  bool sources_inferred = false;            // from page templates (InferSources), not a source field
  std::vector<uint64_t> fingerprint;        // per document: TokenFingerprint of its tokens (set
                                            // when tokenizing; FindInTokens requires them)
  // The menus of every document (find/menus.h) in document order (menu_doc
  // never decreases: boilerplate counts each document's menus on one
  // thread), and per menu its document (12 bytes a menu).
  std::vector<TokenRange> menus;
  std::vector<uint32_t> menu_doc;

  void AddMenus(uint32_t d, std::span<const TokenRange> m) {
    menus.insert(menus.end(), m.begin(), m.end());
    menu_doc.insert(menu_doc.end(), m.size(), d);
  }
};

// Appends the tokens of `text` to `out`, with code-point offsets, and when
// `menus` is given, the token ranges of its menus (find/menus.h), counted
// from the first token of `text` (so `out` should start empty).
void TokenizeCodePoints(std::string_view text, std::vector<Token>* out, std::vector<TokenRange>* menus = nullptr,
                        bool fold_lookalikes = true);

// A hash of the sequence of words (the low 32 bits of the token hashes, as
// TokenStore keeps them): documents with the same tokens (the same words,
// whatever the spacing, case or punctuation between them) have the same
// fingerprint; others almost never do (find compares the words before it
// relies on it).
uint64_t TokenFingerprint(std::span<const Token> tokens);

// Without a source field: puts documents that share a page template (their
// first or their last n-gram, in three or more different texts) in one
// pseudo-source, numbered from tc->sources + 1; the others keep source 0
// (find.cc).
Status InferSources(TokenizedCorpus* tc, int gram_n);

// InvalidArgument for options that FindCopies cannot run with.
Status CheckFindOptions(const FindOptions& options);

// What aligning a batch of documents holds per token: its mask byte, its
// word for growing passages, and an anchor (hash, position, document
// order; an n-gram seen twice takes 12 bytes at each of its places
// instead), 21 bytes, counted with the 16 of a Token besides: the store
// held a Token per token when batches were sized, and now hands out words
// and Tokens per document and thread (TokenStore), so batches stay the size
// they were and hold less than their share. Batches of candidate pairs
// hold at most their share of the memory / kBatchBytesPerToken tokens.
inline constexpr size_t kBatchBytesPerToken = sizeof(Token) + 1 + 4 + 16;

// How find shares FindOptions::memory. The tokens are kept in memory up to
// half of it (TokenMemory), and the rest of the budget, what the tokens in
// memory leave (WorkingMemory), is shared by the tables of each step in
// turn: the n-gram partition held and the postings built next to it get
// half each, so do the postings and the candidate lists of a range of
// documents, and alignment batches get all of it. What grows with the
// corpus is outside it: a bit per n-gram position (three while boilerplate
// forms story groups), the candidate pairs, the pairs found, ids and a few
// integers per document.
inline size_t TokenMemory(const FindOptions& options) { return std::max<size_t>(1, options.memory / 2); }
inline size_t WorkingMemory(const FindOptions& options, const TokenStore& tokens) {
  const uint64_t held = std::min<uint64_t>(tokens.memory_bytes(), options.memory / 2);
  return std::max<size_t>(1, static_cast<size_t>(options.memory - held));
}

// FindCopies on tokens: infers sources when there are none (and
// options.use_sources), then boilerplate, candidates, alignment, clusters.
Result<FindResult> FindInTokens(TokenizedCorpus tc, const FindOptions& options);

}  // namespace doppel

#endif  // DOPPEL_FIND_TOKENIZED_H_
