// The tokens of every document of a find run, in document order: in memory
// while they fit in a budget, else in an unlinked scratch file that the
// stages read back by document (the page cache, not the process, holds it).
//
// A token takes 8 bytes instead of the 16 of a Token: the low 32 bits of
// its hash (its word), and its offsets as the code points since the last
// token ended and its length, 16 bits each (a token whose gap or length
// does not fit is kept whole in a short side list). A document's words
// come first, then its offsets, so the stages that only compare words
// (n-grams, anchors, source inference, identical texts) read them in
// place, 4 bytes a token; readers of offsets get Tokens back, with the
// word as the hash. Every test of find is on words: growing passages
// compared them already (AnchorIndex::words), n-grams and anchors hash
// them to 64 bits again (GramHashes, BuildAnchorIndex), and fingerprints
// are of words (TokenFingerprint). Two different tokens are one word with
// a chance of 2^-32, against 2^-64 for their hashes. Half the bytes is
// half the pages a run touches for its tokens, which is what a run pays
// most for on a host that backs fresh memory slowly (bench/README.md,
// "Tokens in 8 bytes").
// Internal to doppel.
#ifndef DOPPEL_FIND_TOKEN_STORE_H_
#define DOPPEL_FIND_TOKEN_STORE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <tbb/parallel_for.h>

#include "doppel/status.h"
#include "doppel/text.h"
#include "util/fd_io.h"

namespace doppel {

// A document's tokens as the store keeps them (TokenStore::Pack): the words
// of its m tokens, then their offsets (2m values).
struct PackedTokens {
  // An offset: the gap since the last token ended (or since 0) in the low
  // 16 bits, the length in the high 16; kWhole: the token is in `whole`.
  static constexpr uint32_t kWhole = UINT32_MAX;
  struct Whole {
    uint64_t index;  // of the token: in the document, in the store once appended
    uint32_t begin, end;
  };
  std::vector<uint32_t> words;  // words, then offsets
  std::vector<Whole> whole;     // tokens whose gap or length takes 16 bits or more
};

// Frees a list kept per thread between documents once it holds more than
// 4 MiB: one very long document should not leave its size on every thread
// for the rest of the run.
template <typename T>
void ShrinkScratch(std::vector<T>* v) {
  if (v->capacity() * sizeof(T) > (size_t{1} << 22)) std::vector<T>().swap(*v);
}

class TokenStore {
 public:
  // What a token takes, in memory or in the scratch file.
  static constexpr size_t kBytesPerToken = 8;

  // Tokens beyond `memory_bytes` (kBytesPerToken each) go to a scratch file
  // in tmp_dir.
  explicit TokenStore(size_t memory_bytes = SIZE_MAX, std::string tmp_dir = "/tmp");

  // Packs a document's tokens into *out. Thread-safe: readers pack on
  // their threads, then append.
  static void Pack(std::span<const Token> tokens, PackedTokens* out);
  // Appends the next document's tokens. Not thread-safe.
  Status Append(PackedTokens&& packed);
  Status Append(std::span<const Token> tokens) {
    PackedTokens packed;
    Pack(tokens, &packed);
    return Append(std::move(packed));
  }
  // Ends appending: call once before reading.
  Status Finish();

  size_t size() const { return end_.size(); }  // documents
  uint64_t total() const { return end_.empty() ? 0 : end_.back(); }
  size_t count(size_t d) const { return static_cast<size_t>(end_[d] - begin(d)); }
  bool spilled() const { return file_.is_open(); }
  // The bytes of tokens held in memory: all of them, or none once spilled.
  uint64_t memory_bytes() const { return spilled() ? 0 : total() * kBytesPerToken; }

  // Document d's tokens, with their words as hashes, unpacked into *buf
  // (*out views it). Thread-safe.
  Status Read(size_t d, std::vector<Token>* buf, std::span<const Token>* out) const;
  // Document d's words: a view of memory, or read into *buf. Thread-safe.
  Status ReadWords(size_t d, std::vector<uint32_t>* buf, std::span<const uint32_t>* out) const;

  // Calls f(i, docs[i], words) for every i, on all threads (f must not
  // start parallel work of its own). Returns the first error in the order
  // of `docs`.
  template <typename F>
  Status ForEachWordsOf(std::span<const uint32_t> docs, F&& f) const {
    std::vector<Status> errors(docs.size());
    tbb::parallel_for(size_t{0}, docs.size(), [&](size_t i) {
      thread_local std::vector<uint32_t> buf;
      std::span<const uint32_t> words;
      errors[i] = ReadWords(docs[i], &buf, &words);
      if (errors[i].ok()) f(i, docs[i], words);
      ShrinkScratch(&buf);
    });
    for (Status& e : errors) {
      if (!e.ok()) return e;
    }
    return Status::Ok();
  }

  // Calls f(d, words) for d in [first, last), in order, reading the file
  // in pieces of about kPieceTokens. Returns the first error. Thread-safe.
  template <typename F>
  Status ForEachWords(size_t first, size_t last, F&& f) const {
    if (!spilled()) {
      for (size_t d = first; d < last; ++d) f(d, std::span<const uint32_t>(mem_[d].data(), count(d)));
      return Status::Ok();
    }
    std::vector<uint32_t> buf;
    for (size_t d = first; d < last;) {
      size_t e = d + 1;
      while (e < last && end_[e] - begin(d) <= kPieceTokens) ++e;
      DOPPEL_RETURN_IF_ERROR(ReadRange(begin(d), end_[e - 1], &buf));
      for (size_t x = d; x < e; ++x) {
        f(x, std::span<const uint32_t>(buf.data() + 2 * (begin(x) - begin(d)), count(x)));
      }
      d = e;
    }
    return Status::Ok();
  }

  // Splits `pairs` (of documents) into batches of consecutive pairs whose
  // distinct documents hold at most `budget` tokens (one pair at least), and
  // calls f(c0, c1, docs) for pairs [c0, c1) with their documents, sorted.
  // Returns the first error f returns.
  template <typename F>
  Status ForEachPairBatch(std::span<const std::pair<uint32_t, uint32_t>> pairs, uint64_t budget, F&& f) const {
    std::vector<uint32_t> stamp(size(), 0);  // the last batch (from 1) that holds the document
    std::vector<uint32_t> docs;
    uint32_t batch = 0;
    for (size_t c0 = 0; c0 < pairs.size();) {
      ++batch;
      docs.clear();
      uint64_t held = 0;
      size_t c1 = c0;
      for (; c1 < pairs.size(); ++c1) {
        const auto [a, b] = pairs[c1];
        const uint64_t extra = (stamp[a] != batch ? count(a) : 0) + (stamp[b] != batch && b != a ? count(b) : 0);
        if (c1 > c0 && held + extra > budget) break;
        held += extra;
        for (uint32_t d : {a, b}) {
          if (stamp[d] != batch) docs.push_back(d);
          stamp[d] = batch;
        }
      }
      std::sort(docs.begin(), docs.end());
      DOPPEL_RETURN_IF_ERROR(f(c0, c1, std::span<const uint32_t>(docs)));
      c0 = c1;
    }
    return Status::Ok();
  }

 private:
  using Whole = PackedTokens::Whole;
  static constexpr uint32_t kWhole = PackedTokens::kWhole;
  static constexpr uint64_t kPieceTokens = 1 << 17;  // 1 MiB
  uint64_t begin(size_t d) const { return d == 0 ? 0 : end_[d - 1]; }
  // Document d's tokens from its words and offsets.
  void Unpack(size_t d, const uint32_t* words, std::vector<Token>* out) const;
  Status Spill();
  Status Flush();
  // `values` values from where token `from` starts in the file.
  Status ReadValues(uint64_t from, size_t values, std::vector<uint32_t>* buf) const;
  // The words and offsets of tokens [from, to): 2 (to - from) values.
  Status ReadRange(uint64_t from, uint64_t to, std::vector<uint32_t>* buf) const;

  size_t memory_tokens_;
  std::string tmp_dir_;
  std::vector<std::vector<uint32_t>> mem_;  // every document's words and offsets, while not spilled
  std::vector<uint64_t> end_;  // end_[d]: tokens of documents 0 .. d
  std::vector<Whole> whole_;   // tokens too long or too far from the last, in store order
  ScratchFile file_;
  std::vector<uint32_t> pending_;  // appended, not yet written
  uint64_t written_ = 0;           // tokens in the file
};

}  // namespace doppel

#endif  // DOPPEL_FIND_TOKEN_STORE_H_
