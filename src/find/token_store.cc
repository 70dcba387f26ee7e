#include "find/token_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "util/fd_io.h"

namespace doppel {
namespace {

constexpr size_t kWriteTokens = 1 << 16;  // 1 MiB per write

Status ScratchError(const char* what, int err) {
  return IoError(fmt::format("token scratch file: cannot {}: {}; set --tmp-dir to a folder with free space", what,
                             err > 0 ? std::strerror(err) : "short read"));
}

}  // namespace

TokenStore::TokenStore(size_t memory_bytes, std::string tmp_dir)
    : memory_tokens_(memory_bytes / sizeof(Token)), tmp_dir_(std::move(tmp_dir)) {}

TokenStore::TokenStore(TokenStore&& o) noexcept
    : memory_tokens_(o.memory_tokens_),
      tmp_dir_(std::move(o.tmp_dir_)),
      mem_(std::move(o.mem_)),
      end_(std::move(o.end_)),
      fd_(std::exchange(o.fd_, -1)),
      pending_(std::move(o.pending_)),
      written_(o.written_) {}

TokenStore& TokenStore::operator=(TokenStore&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    memory_tokens_ = o.memory_tokens_;
    tmp_dir_ = std::move(o.tmp_dir_);
    mem_ = std::move(o.mem_);
    end_ = std::move(o.end_);
    fd_ = std::exchange(o.fd_, -1);
    pending_ = std::move(o.pending_);
    written_ = o.written_;
  }
  return *this;
}

TokenStore::~TokenStore() {
  if (fd_ >= 0) ::close(fd_);
}

Status TokenStore::Append(std::span<const Token> tokens) {
  end_.push_back(total() + tokens.size());
  if (!spilled()) {
    // Reserved once up to the budget (untouched pages cost nothing), so
    // that growing never holds two copies.
    if (mem_.capacity() == 0 && memory_tokens_ <= (size_t{1} << 26)) mem_.reserve(memory_tokens_ + 1);
    mem_.insert(mem_.end(), tokens.begin(), tokens.end());
    if (mem_.size() <= memory_tokens_) return Status::Ok();
    return Spill();
  }
  pending_.insert(pending_.end(), tokens.begin(), tokens.end());
  return pending_.size() >= kWriteTokens ? Flush() : Status::Ok();
}

Status TokenStore::Spill() {
  std::string path = tmp_dir_ + "/doppel-tokens-XXXXXX";
  fd_ = ::mkstemp(path.data());
  if (fd_ < 0) {
    return IoError(fmt::format("{}: cannot create a scratch file: {}; set --tmp-dir to a writable folder", path,
                               std::strerror(errno)));
  }
  ::unlink(path.c_str());
  pending_.swap(mem_);
  std::vector<Token>().swap(mem_);
  return Flush();
}

Status TokenStore::Flush() {
  const char* p = reinterpret_cast<const char*>(pending_.data());
  size_t n = pending_.size() * sizeof(Token);
  auto pos = static_cast<off_t>(written_ * sizeof(Token));
  while (n > 0) {
    const ssize_t w = ::pwrite(fd_, p, n, pos);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return ScratchError("write", errno);
    p += w;
    n -= static_cast<size_t>(w);
    pos += w;
  }
  written_ += pending_.size();
  pending_.clear();
  if (pending_.capacity() > 2 * kWriteTokens) std::vector<Token>().swap(pending_);
  return Status::Ok();
}

Status TokenStore::Finish() {
  if (!spilled()) {
    mem_.shrink_to_fit();
    return Status::Ok();
  }
  DOPPEL_RETURN_IF_ERROR(Flush());
  std::vector<Token>().swap(pending_);
  return Status::Ok();
}

Status TokenStore::ReadRange(uint64_t from, uint64_t to, std::vector<Token>* buf) const {
  buf->resize(static_cast<size_t>(to - from));
  const int err = PreadFull(fd_, buf->data(), buf->size() * sizeof(Token), from * sizeof(Token));
  return err == 0 ? Status::Ok() : ScratchError("read", err);
}

Status TokenStore::Read(size_t d, std::vector<Token>* buf, std::span<const Token>* out) const {
  if (!spilled()) {
    *out = std::span<const Token>(mem_.data() + begin(d), count(d));
    return Status::Ok();
  }
  DOPPEL_RETURN_IF_ERROR(ReadRange(begin(d), end_[d], buf));
  *out = *buf;
  return Status::Ok();
}

}  // namespace doppel
