#include "find/token_store.h"

#include <algorithm>
#include <utility>

namespace doppel {
namespace {

constexpr size_t kWriteValues = 1 << 18;  // 1 MiB per write

}  // namespace

TokenStore::TokenStore(size_t memory_bytes, std::string tmp_dir)
    : memory_tokens_(memory_bytes / kBytesPerToken), tmp_dir_(std::move(tmp_dir)) {}

void TokenStore::Pack(std::span<const Token> tokens, PackedTokens* out) {
  const size_t m = tokens.size();
  out->words.resize(2 * m);
  out->whole.clear();
  uint32_t* words = out->words.data();
  uint32_t* offsets = words + m;
  uint32_t last_end = 0;
  for (size_t i = 0; i < m; ++i) {
    const Token& t = tokens[i];
    words[i] = static_cast<uint32_t>(t.hash);
    // Tokens come in order and do not overlap; the checks keep a caller
    // that breaks that from wrapping around (the token is kept whole).
    const uint32_t gap = t.begin >= last_end ? t.begin - last_end : UINT32_MAX;
    const uint32_t len = t.end >= t.begin ? t.end - t.begin : UINT32_MAX;
    if (gap <= UINT16_MAX && len < UINT16_MAX) {  // len < 2^16 - 1: never kWhole
      offsets[i] = gap | len << 16;
    } else {
      offsets[i] = kWhole;
      out->whole.push_back({i, t.begin, t.end});
    }
    last_end = t.end;
  }
}

Status TokenStore::Append(PackedTokens&& packed) {
  const uint64_t first = total();
  end_.push_back(first + packed.words.size() / 2);
  for (Whole& w : packed.whole) {
    w.index += first;
    whole_.push_back(w);
  }
  if (!spilled()) {
    mem_.push_back(std::move(packed.words));
    if (total() <= memory_tokens_) return Status::Ok();
    return Spill();
  }
  pending_.insert(pending_.end(), packed.words.begin(), packed.words.end());
  return pending_.size() >= kWriteValues ? Flush() : Status::Ok();
}

void TokenStore::Unpack(size_t d, const uint32_t* words, std::vector<Token>* out) const {
  const size_t m = count(d);
  const uint32_t* offsets = words + m;
  out->resize(m);
  Token* t = out->data();
  uint32_t at = 0;  // where the last token ended
  const Whole* whole = nullptr;  // the next whole token of d, found at the first
  for (size_t i = 0; i < m; ++i) {
    const uint32_t o = offsets[i];
    if (o != kWhole) [[likely]] {
      t[i].hash = words[i];
      t[i].begin = at + (o & UINT16_MAX);
      t[i].end = at = t[i].begin + (o >> 16);
    } else {
      if (whole == nullptr) {
        whole = &*std::lower_bound(whole_.begin(), whole_.end(), begin(d) + i,
                                   [](const Whole& w, uint64_t x) { return w.index < x; });
      }
      t[i] = {words[i], whole->begin, whole->end};
      at = whole->end;
      ++whole;
    }
  }
}

Status TokenStore::Spill() {
  auto file = ScratchFile::Create(tmp_dir_, "doppel-tokens");
  if (!file.ok()) return file.status();
  file_ = std::move(file).value();
  // What was kept in memory is written, a document at a time, and freed.
  for (std::vector<uint32_t>& v : mem_) {
    pending_.insert(pending_.end(), v.begin(), v.end());
    std::vector<uint32_t>().swap(v);
    if (pending_.size() >= kWriteValues) DOPPEL_RETURN_IF_ERROR(Flush());
  }
  std::vector<std::vector<uint32_t>>().swap(mem_);
  return Flush();
}

Status TokenStore::Flush() {
  const int err = PwriteFull(file_.fd(), pending_.data(), pending_.size() * sizeof(uint32_t),
                             written_ * kBytesPerToken);
  if (err != 0) return ScratchIoError("token", "write", err);
  written_ += pending_.size() / 2;
  pending_.clear();
  if (pending_.capacity() > 2 * kWriteValues) std::vector<uint32_t>().swap(pending_);
  return Status::Ok();
}

Status TokenStore::Finish() {
  whole_.shrink_to_fit();
  if (!spilled()) {
    mem_.shrink_to_fit();  // the documents' own lists are at their exact size
    return Status::Ok();
  }
  DOPPEL_RETURN_IF_ERROR(Flush());
  std::vector<uint32_t>().swap(pending_);
  return Status::Ok();
}

Status TokenStore::ReadValues(uint64_t from, size_t values, std::vector<uint32_t>* buf) const {
  buf->resize(values);
  const int err = PreadFull(file_.fd(), buf->data(), values * sizeof(uint32_t), from * kBytesPerToken);
  return err == 0 ? Status::Ok() : ScratchIoError("token", "read", err);
}

Status TokenStore::ReadRange(uint64_t from, uint64_t to, std::vector<uint32_t>* buf) const {
  return ReadValues(from, static_cast<size_t>(2 * (to - from)), buf);
}

Status TokenStore::Read(size_t d, std::vector<Token>* buf, std::span<const Token>* out) const {
  if (!spilled()) {
    Unpack(d, mem_[d].data(), buf);
  } else {
    thread_local std::vector<uint32_t> packed;
    DOPPEL_RETURN_IF_ERROR(ReadRange(begin(d), end_[d], &packed));
    Unpack(d, packed.data(), buf);
    ShrinkScratch(&packed);
  }
  *out = *buf;
  return Status::Ok();
}

Status TokenStore::ReadWords(size_t d, std::vector<uint32_t>* buf, std::span<const uint32_t>* out) const {
  if (!spilled()) {
    *out = std::span<const uint32_t>(mem_[d].data(), count(d));
    return Status::Ok();
  }
  DOPPEL_RETURN_IF_ERROR(ReadValues(begin(d), count(d), buf));  // the words come first
  *out = *buf;
  return Status::Ok();
}

}  // namespace doppel
