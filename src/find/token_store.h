// The tokens of every document of a find run, in document order: in memory
// while they fit in a budget, else in an unlinked scratch file that the
// stages read back by document (the page cache, not the process, holds it).
//
// A token takes 5 bytes instead of the 16 of a Token: the low 32 bits of
// its hash (its word), and a byte for its offsets, the code points since
// the last token ended (0-7) and its length (0-31). A token whose gap or
// length does not fit (about one in 2,000 of syndicate-dev's), or whose
// gap and length are both the largest (its byte would be the escape),
// takes a byte that says so and two more values, its begin and end, at
// the end of its document's record. A document's words come first, so
// the stages that only compare words (n-grams, anchors, source inference,
// identical texts) read them in place, 4 bytes a token; readers of
// offsets get Tokens back, with the word as the hash. Every test of find is on words: growing
// passages compared them already (AnchorIndex::words), n-grams and anchors
// hash them to 64 bits again (GramHashes, BuildAnchorIndex), and
// fingerprints are of words (TokenFingerprint). Two different tokens are
// one word with a chance of 2^-32, against 2^-64 for their hashes. Fewer
// bytes are fewer pages a run touches for its tokens, which is what a run
// pays most for on a host that backs fresh memory slowly (bench/README.md,
// "Tokens in 8 bytes" and "Offsets in a byte").
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

// A document's tokens as the store keeps them (TokenStore::Pack), its
// record: the words of its m tokens; their offsets, a byte each, four to a
// value (token i in bits 8 (i % 4) of value i / 4); then, for each token
// whose offset is kEscape, in order, its begin and end.
struct PackedTokens {
  // An offset: the gap since the last token ended (or since 0) in the low
  // 3 bits, the length in the high 5; kEscape: begin and end follow.
  static constexpr uint32_t kGapBits = 3;
  static constexpr uint32_t kEscape = 0xFF;
  std::vector<uint32_t> values;
  size_t tokens = 0;  // m
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
  // Once the records take more than `memory_bytes`, all of them go to a
  // scratch file in tmp_dir.
  explicit TokenStore(size_t memory_bytes = SIZE_MAX, std::string tmp_dir = "/tmp");

  // Packs a document's tokens into *out. Thread-safe: readers pack on
  // their threads, then append.
  static void Pack(std::span<const Token> tokens, PackedTokens* out);
  // The bytes of the record Pack makes of `tokens`: 5 a token, rounded up
  // to 4 bytes, and 8 more for each token whose offset takes kEscape.
  static uint64_t PackedBytes(std::span<const Token> tokens);
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
  // The bytes of the records: all held in memory, or none once spilled.
  uint64_t bytes() const { return values_end_.empty() ? 0 : values_end_.back() * sizeof(uint32_t); }
  uint64_t memory_bytes() const { return spilled() ? 0 : bytes(); }

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
  // in pieces of about kPieceValues. Returns the first error. Thread-safe.
  template <typename F>
  Status ForEachWords(size_t first, size_t last, F&& f) const {
    if (!spilled()) {
      for (size_t d = first; d < last; ++d) f(d, std::span<const uint32_t>(mem_[d].data(), count(d)));
      return Status::Ok();
    }
    std::vector<uint32_t> buf;
    for (size_t d = first; d < last;) {
      size_t e = d + 1;
      while (e < last && values_end_[e] - values_begin(d) <= kPieceValues) ++e;
      DOPPEL_RETURN_IF_ERROR(ReadValues(values_begin(d), values_end_[e - 1] - values_begin(d), &buf));
      for (size_t x = d; x < e; ++x) {
        f(x, std::span<const uint32_t>(buf.data() + (values_begin(x) - values_begin(d)), count(x)));
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
  static constexpr uint64_t kPieceValues = 1 << 18;  // 1 MiB
  uint64_t begin(size_t d) const { return d == 0 ? 0 : end_[d - 1]; }
  uint64_t values_begin(size_t d) const { return d == 0 ? 0 : values_end_[d - 1]; }
  // Document d's tokens from its record.
  void Unpack(size_t d, const uint32_t* values, std::vector<Token>* out) const;
  Status Spill();
  Status Flush();
  // `values` values from value `from` of the file on.
  Status ReadValues(uint64_t from, uint64_t values, std::vector<uint32_t>* buf) const;

  size_t memory_bytes_;
  std::string tmp_dir_;
  std::vector<std::vector<uint32_t>> mem_;  // every document's record, while not spilled
  std::vector<uint64_t> end_;         // end_[d]: tokens of documents 0 .. d
  std::vector<uint64_t> values_end_;  // values_end_[d]: values of the records of documents 0 .. d
  ScratchFile file_;
  std::vector<uint32_t> pending_;  // appended, not yet written
  uint64_t written_ = 0;           // values in the file
};

}  // namespace doppel

#endif  // DOPPEL_FIND_TOKEN_STORE_H_
