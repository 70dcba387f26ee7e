#include "find/posting_store.h"

#include <utility>

namespace doppel {

PostingStore::PostingStore(size_t memory_bytes, std::string tmp_dir)
    : memory_words_(memory_bytes / sizeof(uint32_t)), tmp_dir_(std::move(tmp_dir)) {}

Status PostingStore::Append(std::vector<uint32_t>&& block) {
  if (block.empty()) return Status::Ok();
  if (spilled()) return Write(block);
  words_ += block.size();
  mem_.push_back(std::move(block));
  if (words_ <= memory_words_) return Status::Ok();
  // Over the budget: everything so far goes to the file, a block at a time.
  auto file = ScratchFile::Create(tmp_dir_, "doppel-postings");
  if (!file.ok()) return file.status();
  file_ = std::move(file).value();
  std::vector<std::vector<uint32_t>> held;
  held.swap(mem_);
  words_ = 0;
  for (std::vector<uint32_t>& b : held) {
    DOPPEL_RETURN_IF_ERROR(Write(b));
    std::vector<uint32_t>().swap(b);
  }
  return Status::Ok();
}

Status PostingStore::Write(const std::vector<uint32_t>& block) {
  const int err = PwriteFull(file_.fd(), block.data(), block.size() * sizeof(uint32_t), words_ * sizeof(uint32_t));
  if (err != 0) return ScratchIoError("posting", "write", err);
  words_ += block.size();
  return Status::Ok();
}

Status PostingStore::Finish() {
  mem_.shrink_to_fit();
  return Status::Ok();
}

Status PostingStore::ReadRange(uint64_t from, uint64_t to, std::vector<uint32_t>* buf) const {
  buf->resize(static_cast<size_t>(to - from));
  const int err = PreadFull(file_.fd(), buf->data(), buf->size() * sizeof(uint32_t), from * sizeof(uint32_t));
  return err == 0 ? Status::Ok() : ScratchIoError("posting", "read", err);
}

}  // namespace doppel
