#include "find/token_store.h"

#include <utility>

namespace doppel {
namespace {

constexpr size_t kWriteValues = 1 << 18;  // 1 MiB per write
constexpr uint32_t kGapBits = PackedTokens::kGapBits;
constexpr uint32_t kEscape = PackedTokens::kEscape;
constexpr uint32_t kMaxGap = (1u << kGapBits) - 1, kMaxLength = (1u << (8 - kGapBits)) - 1;

// The offset byte of a token that begins `gap` code points after the last
// one ended and is `len` long: kEscape where they do not fit, or would make
// kEscape itself. Tokens come in order and do not overlap; one that breaks
// that has a gap or length that wraps around far above a byte's, so it is
// escaped too and keeps its offsets.
uint32_t OffsetByte(const Token& t, uint32_t last_end) {
  const uint32_t gap = t.begin - last_end, len = t.end - t.begin;
  if (gap > kMaxGap || len > kMaxLength) return kEscape;
  return gap | len << kGapBits;  // kEscape only for the largest of both
}

size_t RecordValues(size_t tokens, size_t escaped) { return tokens + (tokens + 3) / 4 + 2 * escaped; }

}  // namespace

TokenStore::TokenStore(size_t memory_bytes, std::string tmp_dir)
    : memory_bytes_(memory_bytes), tmp_dir_(std::move(tmp_dir)) {}

uint64_t TokenStore::PackedBytes(std::span<const Token> tokens) {
  size_t escaped = 0;
  uint32_t last_end = 0;
  for (const Token& t : tokens) {
    escaped += OffsetByte(t, last_end) == kEscape;
    last_end = t.end;
  }
  return RecordValues(tokens.size(), escaped) * sizeof(uint32_t);
}

void TokenStore::Pack(std::span<const Token> tokens, PackedTokens* out) {
  const size_t m = tokens.size();
  // The offset bytes first, to size the record exactly.
  thread_local std::vector<uint8_t> codes;
  codes.resize(m);
  size_t escaped = 0;
  uint32_t last_end = 0;
  for (size_t i = 0; i < m; ++i) {
    codes[i] = static_cast<uint8_t>(OffsetByte(tokens[i], last_end));
    escaped += codes[i] == kEscape;
    last_end = tokens[i].end;
  }
  out->tokens = m;
  out->values.clear();
  // Moved out by Append while the store is in memory, so allocated here at
  // its exact size; one that Append copied to the file is cleared and
  // reused (its offsets are ORed in: resize zeroes them).
  out->values.resize(RecordValues(m, escaped));
  uint32_t* words = out->values.data();
  uint32_t* offsets = words + m;
  uint32_t* extra = offsets + (m + 3) / 4;
  for (size_t i = 0; i < m; ++i) {
    words[i] = static_cast<uint32_t>(tokens[i].hash);
    offsets[i / 4] |= uint32_t{codes[i]} << (8 * (i % 4));
    if (codes[i] == kEscape) {
      *extra++ = tokens[i].begin;
      *extra++ = tokens[i].end;
    }
  }
  ShrinkScratch(&codes);
}

Status TokenStore::Append(PackedTokens&& packed) {
  end_.push_back(total() + packed.tokens);
  const uint64_t values = packed.values.size();
  values_end_.push_back((values_end_.empty() ? 0 : values_end_.back()) + values);
  if (!spilled()) {
    mem_.push_back(std::move(packed.values));
    if (bytes() <= memory_bytes_) return Status::Ok();
    return Spill();
  }
  pending_.insert(pending_.end(), packed.values.begin(), packed.values.end());
  return pending_.size() >= kWriteValues ? Flush() : Status::Ok();
}

void TokenStore::Unpack(size_t d, const uint32_t* values, std::vector<Token>* out) const {
  const size_t m = count(d);
  const uint32_t* words = values;
  const uint32_t* offsets = words + m;
  const uint32_t* extra = offsets + (m + 3) / 4;
  out->resize(m);
  Token* t = out->data();
  uint32_t at = 0;  // where the last token ended
  for (size_t i = 0; i < m; ++i) {
    const uint32_t o = (offsets[i / 4] >> (8 * (i % 4))) & 0xFF;
    if (o != kEscape) [[likely]] {
      t[i].hash = words[i];
      t[i].begin = at + (o & kMaxGap);
      t[i].end = at = t[i].begin + (o >> kGapBits);
    } else {
      t[i] = {words[i], extra[0], extra[1]};
      at = extra[1];
      extra += 2;
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
                             written_ * sizeof(uint32_t));
  if (err != 0) return ScratchIoError("token", "write", err);
  written_ += pending_.size();
  pending_.clear();
  if (pending_.capacity() > 2 * kWriteValues) std::vector<uint32_t>().swap(pending_);
  return Status::Ok();
}

Status TokenStore::Finish() {
  if (!spilled()) {
    mem_.shrink_to_fit();  // the documents' own lists are at their exact size
    return Status::Ok();
  }
  DOPPEL_RETURN_IF_ERROR(Flush());
  std::vector<uint32_t>().swap(pending_);
  return Status::Ok();
}

Status TokenStore::ReadValues(uint64_t from, uint64_t values, std::vector<uint32_t>* buf) const {
  buf->resize(static_cast<size_t>(values));
  const int err = PreadFull(file_.fd(), buf->data(), values * sizeof(uint32_t), from * sizeof(uint32_t));
  return err == 0 ? Status::Ok() : ScratchIoError("token", "read", err);
}

Status TokenStore::Read(size_t d, std::vector<Token>* buf, std::span<const Token>* out) const {
  if (!spilled()) {
    Unpack(d, mem_[d].data(), buf);
  } else {
    thread_local std::vector<uint32_t> record;
    DOPPEL_RETURN_IF_ERROR(ReadValues(values_begin(d), values_end_[d] - values_begin(d), &record));
    Unpack(d, record.data(), buf);
    ShrinkScratch(&record);
  }
  *out = *buf;
  return Status::Ok();
}

Status TokenStore::ReadWords(size_t d, std::vector<uint32_t>* buf, std::span<const uint32_t>* out) const {
  if (!spilled()) {
    *out = std::span<const uint32_t>(mem_[d].data(), count(d));
    return Status::Ok();
  }
  DOPPEL_RETURN_IF_ERROR(ReadValues(values_begin(d), count(d), buf));  // the words come first
  *out = *buf;
  return Status::Ok();
}

}  // namespace doppel
