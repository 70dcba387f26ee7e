// The candidate index of `find`: for every n-gram that is not chrome for
// 2 .. df_cap documents, the list of those documents (ascending), in n-gram
// order. Stored as one stream of 32-bit words, [count, doc, doc, ...] per
// list, kept in memory up to a budget and beyond it in an unlinked scratch
// file, which is read back in pieces: the postings grow with the corpus and
// are the largest table that find builds at the end of boilerplate.
//
// Internal to doppel. Not thread-safe while appending; ForEachList may run
// while nothing appends.
#ifndef DOPPEL_FIND_POSTING_STORE_H_
#define DOPPEL_FIND_POSTING_STORE_H_

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "doppel/status.h"
#include "util/fd_io.h"

namespace doppel {

class PostingStore {
 public:
  // Beyond `memory_bytes`, the stream goes to a scratch file in tmp_dir.
  explicit PostingStore(size_t memory_bytes = SIZE_MAX, std::string tmp_dir = "/tmp");

  // Appends a block of lists, each [count, docs...] with count >= 1.
  Status Append(std::vector<uint32_t>&& block);
  // Ends appending: call once before reading.
  Status Finish();

  uint64_t words() const { return words_; }  // the stream's length
  bool spilled() const { return file_.is_open(); }
  // The whole stream when it is one block in memory (else empty): the
  // lists ForEachList gives are views into it.
  std::span<const uint32_t> Contiguous() const {
    return !spilled() && mem_.size() == 1 ? std::span<const uint32_t>(mem_[0]) : std::span<const uint32_t>();
  }

  // Calls f(docs) for every list, in order. Returns the first read error.
  template <typename F>
  Status ForEachList(F&& f) const {
    if (!spilled()) {
      for (const std::vector<uint32_t>& block : mem_) Parse(block, f);
      return Status::Ok();
    }
    // Pieces of the file; a list cut by a piece's end is read again at the
    // start of the next piece.
    std::vector<uint32_t> buf;
    for (uint64_t at = 0; at < words_;) {
      DOPPEL_RETURN_IF_ERROR(ReadRange(at, std::min(words_, at + kPieceWords), &buf));
      size_t used = Parse(buf, f);
      if (used == 0) {
        // One list longer than a piece: read it whole.
        DOPPEL_RETURN_IF_ERROR(ReadRange(at, std::min(words_, at + 1 + buf[0]), &buf));
        used = Parse(buf, f);
        if (used == 0) return ScratchIoError("posting", "read", EIO);  // a cut list: the file is short
      }
      at += used;
    }
    return Status::Ok();
  }

 private:
  static constexpr uint64_t kPieceWords = 1 << 18;  // 1 MiB

  // f(list) for each whole list at the start of `s`; returns the words used.
  template <typename F>
  static size_t Parse(std::span<const uint32_t> s, F& f) {
    size_t i = 0;
    while (i < s.size() && i + 1 + s[i] <= s.size()) {
      f(s.subspan(i + 1, s[i]));
      i += 1 + s[i];
    }
    return i;
  }
  Status Write(const std::vector<uint32_t>& block);
  Status ReadRange(uint64_t from, uint64_t to, std::vector<uint32_t>* buf) const;

  size_t memory_words_;
  std::string tmp_dir_;
  std::vector<std::vector<uint32_t>> mem_;  // the blocks, while not spilled
  uint64_t words_ = 0;
  ScratchFile file_;
};

}  // namespace doppel

#endif  // DOPPEL_FIND_POSTING_STORE_H_
