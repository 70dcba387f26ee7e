// The tokens of every document of a find run, in document order: in memory
// while they fit in a budget, else in an unlinked scratch file that the
// stages read back by document (the page cache, not the process, holds it).
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

class TokenStore {
 public:
  // Tokens beyond `memory_bytes` (16 each) go to a scratch file in tmp_dir.
  explicit TokenStore(size_t memory_bytes = SIZE_MAX, std::string tmp_dir = "/tmp");

  // Appends the next document's tokens (moved in while they are kept in
  // memory). Not thread-safe.
  Status Append(std::vector<Token>&& tokens);
  // Ends appending: call once before reading.
  Status Finish();

  size_t size() const { return end_.size(); }  // documents
  uint64_t total() const { return end_.empty() ? 0 : end_.back(); }
  size_t count(size_t d) const { return static_cast<size_t>(end_[d] - begin(d)); }
  bool spilled() const { return file_.is_open(); }
  // The bytes of tokens held in memory: all of them, or none once spilled.
  uint64_t memory_bytes() const { return spilled() ? 0 : total() * sizeof(Token); }

  // Document d's tokens: a view of memory, or read into *buf. Thread-safe.
  Status Read(size_t d, std::vector<Token>* buf, std::span<const Token>* out) const;

  // Calls f(i, docs[i], tokens) for every i, on all threads (f must not
  // start parallel work of its own). Returns the first error in the order
  // of `docs`.
  template <typename F>
  Status ForEachOf(std::span<const uint32_t> docs, F&& f) const {
    std::vector<Status> errors(docs.size());
    tbb::parallel_for(size_t{0}, docs.size(), [&](size_t i) {
      thread_local std::vector<Token> buf;
      std::span<const Token> tokens;
      errors[i] = Read(docs[i], &buf, &tokens);
      if (errors[i].ok()) f(i, docs[i], tokens);
    });
    for (Status& e : errors) {
      if (!e.ok()) return e;
    }
    return Status::Ok();
  }

  // Calls f(d, tokens) for d in [first, last), in order, reading the file
  // in pieces of about kPieceTokens. Returns the first error. Thread-safe.
  template <typename F>
  Status ForEach(size_t first, size_t last, F&& f) const {
    if (!spilled()) {
      for (size_t d = first; d < last; ++d) f(d, std::span<const Token>(mem_[d]));
      return Status::Ok();
    }
    std::vector<Token> buf;
    for (size_t d = first; d < last;) {
      size_t e = d + 1;
      while (e < last && end_[e] - begin(d) <= kPieceTokens) ++e;
      DOPPEL_RETURN_IF_ERROR(ReadRange(begin(d), end_[e - 1], &buf));
      for (size_t x = d; x < e; ++x) {
        f(x, std::span<const Token>(buf.data() + (begin(x) - begin(d)), count(x)));
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
  static constexpr uint64_t kPieceTokens = 1 << 16;  // 1 MiB
  uint64_t begin(size_t d) const { return d == 0 ? 0 : end_[d - 1]; }
  Status Spill();
  Status Flush();
  Status ReadRange(uint64_t from, uint64_t to, std::vector<Token>* buf) const;

  size_t memory_tokens_;
  std::string tmp_dir_;
  std::vector<std::vector<Token>> mem_;  // every document's tokens, while not spilled
  std::vector<uint64_t> end_;  // end_[d]: tokens of documents 0 .. d
  ScratchFile file_;
  std::vector<Token> pending_;  // appended, not yet written
  uint64_t written_ = 0;        // tokens in the file
};

}  // namespace doppel

#endif  // DOPPEL_FIND_TOKEN_STORE_H_
