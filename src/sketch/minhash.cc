#include "doppel/minhash.h"

#include "doppel/text.h"
#include "text/rolling.h"

#include <algorithm>

namespace doppel {
namespace {

__extension__ typedef unsigned __int128 Uint128;

// floor(h * k / 2^64): maps a 64-bit hash to [0, k) using its top bits.
inline uint32_t Reduce(uint64_t h, uint64_t k) { return static_cast<uint32_t>((static_cast<Uint128>(h) * k) >> 64); }

}  // namespace

MinHasher::MinHasher(int num_perm, uint64_t seed) : num_perm_(std::max(0, num_perm)), seed_(seed) {
  // The rounds' shifts: 1 .. k-1 in an order fixed by the seed
  // (Fisher-Yates driven by SplitMix64).
  const auto k = static_cast<uint32_t>(num_perm_);
  shift_.resize(k > 0 ? k - 1 : 0);
  for (uint32_t i = 0; i < shift_.size(); ++i) shift_[i] = i + 1;
  uint64_t state = seed ^ 0x9e3779b97f4a7c15ULL;
  for (size_t i = shift_.size(); i > 1; --i) {
    state += 0x9e3779b97f4a7c15ULL;
    const uint32_t j = Reduce(Mix64(state), i);
    std::swap(shift_[i - 1], shift_[j]);
  }
}

// The bins' minimums of one set: m[bin] = min over the set of the seeded
// hash h of its shingles whose top bits pick `bin`. for_each(add) calls
// add(shingle hash) for every shingle and returns whether there was one.
template <typename ForEach>
void MinHasher::Fill(ForEach for_each, uint32_t* sig) const {
  const auto k = static_cast<uint64_t>(num_perm_);
  if (k == 0) return;  // an empty signature
  // The minimums live between calls in a per-thread buffer that Densify
  // leaves all kNone: clearing it right before the loop (a memset) would
  // make the loop's first loads wait for those stores.
  thread_local std::vector<uint64_t> mins;
  if (mins.size() < k) mins.assign(k, kNone);
  uint64_t* m = mins.data();
  const uint64_t seed = seed_;
  const bool any = for_each([&](uint64_t s) {
    // Re-hash with the seed so that signatures of different seeds are
    // independent and shingle hashes with structure still spread evenly.
    const uint64_t h = Mix64(s ^ seed);
    const uint32_t bin = Reduce(h, k);
    m[bin] = std::min(m[bin], h);
  });
  if (!any) {
    std::fill(sig, sig + k, kEmpty);
    return;
  }
  Densify(m, sig);
}

void MinHasher::Sketch(std::span<const uint64_t> shingles, uint32_t* sig) const {
  Fill([shingles](auto add) {
    for (uint64_t s : shingles) add(s);
    return !shingles.empty();
  }, sig);
}

void MinHasher::SketchShingles(std::span<const uint64_t> tokens, int n, uint32_t* sig) const {
  Fill([tokens, n](auto add) {
    if (tokens.empty()) return false;
    const size_t k = std::min(tokens.size(), static_cast<size_t>(n));
    ForEachRollingHash(tokens.size(), k, [tokens](size_t i) { return tokens[i]; }, add);
    return true;
  }, sig);
}

// Writes the signature of the minimums m (kNone where a bin is empty; at
// least one is not) and sets every m[bin] back to kNone.
//
// Densification: an empty bin takes the value of the first filled bin in
// its fixed probe order, and both documents of a pair probe in the same
// order, which keeps P[sig_a[i] == sig_b[i]] = J (Shrivastava 2017). Here
// the order is a sequence of rounds: in round r every empty bin b probes
// bin (b + shift_[r]) mod k. The shifts are 1 .. k-1 in a seeded random
// order, so a bin probes every other bin at most once, all empty bins are
// served within k - 1 rounds, and no two bins probe the same bin in one
// round. As the shift is shared within a round, a round tests every empty
// bin at once: the filled-bins bitmap rotated by the shift, ANDed with the
// bitmap of bins still waiting. Short documents, where most bins are empty,
// cost a few word operations per round instead of a probe per bin.
void MinHasher::Densify(uint64_t* m, uint32_t* sig) const {
  const auto k = static_cast<size_t>(num_perm_);
  // The value of a bin: the low 32 bits of its minimum, avoiding kEmpty.
  auto value = [](uint64_t h) {
    auto v = static_cast<uint32_t>(h ^ (h >> 32));
    return v == kEmpty ? 0u : v;
  };
  // full: the filled bins, bits [0, k), followed by a copy of their first
  // bits at k, so that the bins a round reads can be read from one position
  // without wrapping around the circle. todo: the bins still empty.
  constexpr size_t kStackWords = 4096 / 64 + 2;
  uint64_t stack_full[kStackWords], stack_todo[kStackWords];  // only [0, words + 1] is used
  const size_t words = (k + 63) / 64;
  std::vector<uint64_t> heap;  // beyond 4096 bins
  uint64_t* full = stack_full;
  uint64_t* todo = stack_todo;
  if (words + 2 > kStackWords) {
    heap.resize(2 * (words + 2));
    full = heap.data();
    todo = heap.data() + words + 2;
  }
  full[words] = 0;
  for (size_t w = 0; w < words; ++w) {  // bits gathered in a register
    const size_t end = std::min(k, w * 64 + 64);
    uint64_t f = 0;
    for (size_t bin = w * 64; bin < end; ++bin) {
      f |= static_cast<uint64_t>(m[bin] != kNone) << (bin & 63);
      sig[bin] = value(m[bin]);
    }
    full[w] = f;
    todo[w] = ~f & (end - w * 64 == 64 ? ~uint64_t{0} : (uint64_t{1} << (end - w * 64)) - 1);
  }
  // The copy: a round reads bins b + shift (shift < k) for the bins b < k
  // of one word, so positions below k + 64 and, when k < 64, below 2k.
  const uint64_t head = full[0];
  full[k >> 6] |= head << (k & 63);
  if ((k & 63) != 0) full[(k >> 6) + 1] |= head >> (64 - (k & 63));
  // The 64 bins of the circle that start at bin p (p < k).
  auto window = [full](size_t p) {
    const size_t w = p >> 6, s = p & 63;
    return s == 0 ? full[w] : (full[w] >> s) | (full[w + 1] << (64 - s));
  };
  uint64_t waiting = 0;
  for (size_t w = 0; w < words; ++w) waiting |= todo[w];
  for (size_t r = 0; waiting != 0 && r < shift_.size(); ++r) {
    const size_t shift = shift_[r];
    waiting = 0;
    for (size_t w = 0; w < words; ++w) {
      uint64_t hit = todo[w];
      if (hit == 0) continue;
      size_t start = w * 64 + shift;
      if (start >= k) start -= k;
      hit &= window(start);
      todo[w] &= ~hit;
      waiting |= todo[w];
      while (hit != 0) {
        const size_t bin = w * 64 + static_cast<size_t>(__builtin_ctzll(hit));
        size_t from = bin + shift;
        if (from >= k) from -= k;
        sig[bin] = value(m[from]);
        hit &= hit - 1;
      }
    }
  }
  std::fill(m, m + k, kNone);
}

std::vector<uint32_t> MinHasher::Sketch(std::span<const uint64_t> shingles) const {
  std::vector<uint32_t> sig(static_cast<size_t>(num_perm_));
  Sketch(shingles, sig.data());
  return sig;
}

double EstimateJaccard(std::span<const uint32_t> a, std::span<const uint32_t> b) {
  if (a.empty() || a.size() != b.size() || a[0] == MinHasher::kEmpty || b[0] == MinHasher::kEmpty) return 0.0;
  size_t eq = 0;
  for (size_t i = 0; i < a.size(); ++i) eq += a[i] == b[i];
  return static_cast<double>(eq) / static_cast<double>(a.size());
}

}  // namespace doppel
