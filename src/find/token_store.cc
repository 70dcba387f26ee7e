#include "find/token_store.h"

#include <utility>

namespace doppel {
namespace {

constexpr size_t kWriteTokens = 1 << 16;  // 1 MiB per write

}  // namespace

TokenStore::TokenStore(size_t memory_bytes, std::string tmp_dir)
    : memory_tokens_(memory_bytes / sizeof(Token)), tmp_dir_(std::move(tmp_dir)) {}

Status TokenStore::Append(std::vector<Token>&& tokens) {
  end_.push_back(total() + tokens.size());
  if (!spilled()) {
    mem_.push_back(std::move(tokens));
    if (total() <= memory_tokens_) return Status::Ok();
    return Spill();
  }
  pending_.insert(pending_.end(), tokens.begin(), tokens.end());
  return pending_.size() >= kWriteTokens ? Flush() : Status::Ok();
}

Status TokenStore::Spill() {
  auto file = ScratchFile::Create(tmp_dir_, "doppel-tokens");
  if (!file.ok()) return file.status();
  file_ = std::move(file).value();
  // What was kept in memory is written, a document at a time, and freed.
  for (std::vector<Token>& v : mem_) {
    pending_.insert(pending_.end(), v.begin(), v.end());
    std::vector<Token>().swap(v);
    if (pending_.size() >= kWriteTokens) DOPPEL_RETURN_IF_ERROR(Flush());
  }
  std::vector<std::vector<Token>>().swap(mem_);
  return Flush();
}

Status TokenStore::Flush() {
  const int err = PwriteFull(file_.fd(), pending_.data(), pending_.size() * sizeof(Token), written_ * sizeof(Token));
  if (err != 0) return ScratchIoError("token", "write", err);
  written_ += pending_.size();
  pending_.clear();
  if (pending_.capacity() > 2 * kWriteTokens) std::vector<Token>().swap(pending_);
  return Status::Ok();
}

Status TokenStore::Finish() {
  if (!spilled()) {
    mem_.shrink_to_fit();  // the documents' own lists are at their exact size
    return Status::Ok();
  }
  DOPPEL_RETURN_IF_ERROR(Flush());
  std::vector<Token>().swap(pending_);
  return Status::Ok();
}

Status TokenStore::ReadRange(uint64_t from, uint64_t to, std::vector<Token>* buf) const {
  buf->resize(static_cast<size_t>(to - from));
  const int err = PreadFull(file_.fd(), buf->data(), buf->size() * sizeof(Token), from * sizeof(Token));
  return err == 0 ? Status::Ok() : ScratchIoError("token", "read", err);
}

Status TokenStore::Read(size_t d, std::vector<Token>* buf, std::span<const Token>* out) const {
  if (!spilled()) {
    *out = mem_[d];
    return Status::Ok();
  }
  DOPPEL_RETURN_IF_ERROR(ReadRange(begin(d), end_[d], buf));
  *out = *buf;
  return Status::Ok();
}

}  // namespace doppel
