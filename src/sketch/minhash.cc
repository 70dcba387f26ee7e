#include "doppel/minhash.h"

#include "doppel/text.h"

#include <xxhash.h>

#include <algorithm>
#include <limits>

namespace doppel {
namespace {

__extension__ typedef unsigned __int128 Uint128;

// floor(h * k / 2^64): maps a 64-bit hash to [0, k) using its top bits.
inline uint32_t Reduce(uint64_t h, uint64_t k) { return static_cast<uint32_t>((static_cast<Uint128>(h) * k) >> 64); }

}  // namespace

MinHasher::MinHasher(int num_perm, uint64_t seed) : num_perm_(num_perm), seed_(seed) {
  probe_.resize(static_cast<size_t>(num_perm) * kProbes);
  for (uint32_t bin = 0; bin < static_cast<uint32_t>(num_perm); ++bin) {
    for (uint32_t k = 0; k < kProbes; ++k) probe_[bin * kProbes + k] = Probe(bin, k + 1);
  }
}

uint32_t MinHasher::Probe(uint32_t bin, uint32_t attempt) const {
  uint64_t key = (static_cast<uint64_t>(bin) << 32) | attempt;
  uint64_t h = XXH3_64bits_withSeed(&key, sizeof key, seed_ ^ 0x9e3779b97f4a7c15ULL);
  return Reduce(h, static_cast<uint64_t>(num_perm_));
}

void MinHasher::Sketch(std::span<const uint64_t> shingles, uint32_t* sig) const {
  const auto k = static_cast<uint64_t>(num_perm_);
  constexpr uint64_t kNone = std::numeric_limits<uint64_t>::max();
  uint64_t mins[1024];
  std::vector<uint64_t> big;
  uint64_t* m = mins;
  if (k > 1024) {
    big.resize(k);
    m = big.data();
  }
  std::fill(m, m + k, kNone);
  for (uint64_t s : shingles) {
    // Re-hash with the seed so that signatures of different seeds are
    // independent and shingle hashes with structure still spread evenly.
    const uint64_t h = Mix64(s ^ seed_);
    const uint32_t bin = Reduce(h, k);
    m[bin] = std::min(m[bin], h);
  }
  bool any = !shingles.empty();
  if (!any) {
    std::fill(sig, sig + k, kEmpty);
    return;
  }
  // The value of a bin: the low 32 bits of its minimum, avoiding kEmpty.
  auto value = [](uint64_t h) {
    auto v = static_cast<uint32_t>(h ^ (h >> 32));
    return v == kEmpty ? 0u : v;
  };
  // Which bins are filled, as bits: probes test bits instead of reading
  // 8-byte minimums, and only the empty bins are visited.
  uint64_t full[1024 / 64];
  std::vector<uint64_t> big_full;
  uint64_t* f = full;
  const size_t words = (k + 63) / 64;
  if (words > sizeof full / sizeof full[0]) {
    big_full.resize(words);
    f = big_full.data();
  }
  std::fill(f, f + words, 0);
  for (uint32_t bin = 0; bin < k; ++bin) {
    f[bin >> 6] |= static_cast<uint64_t>(m[bin] != kNone) << (bin & 63);
    sig[bin] = value(m[bin]);
  }
  // Densification: an empty bin takes the value of the first filled bin in
  // its own fixed probe order. Both documents of a pair probe in the same
  // order, which is what keeps the estimate unbiased. The first kProbes
  // probes are tested in two groups without branches (whether a bin is
  // filled is a coin toss that a branch predictor cannot learn); the rare
  // rest go one at a time.
  const uint32_t* probe = probe_.data();
  auto filled = [f](uint32_t bin) { return static_cast<uint32_t>((f[bin >> 6] >> (bin & 63)) & 1); };
  for (size_t w = 0; w < words; ++w) {
    uint64_t empty = ~f[w];
    if (w == words - 1 && (k & 63) != 0) empty &= (uint64_t{1} << (k & 63)) - 1;
    while (empty != 0) {
      const auto bin = static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(empty)));
      empty &= empty - 1;
      const uint32_t* p = probe + static_cast<size_t>(bin) * kProbes;
      // Eight at a time: the first eight find a filled bin unless the
      // document is very short.
      uint32_t hit = 0;
      for (uint32_t a = 0; a < 8; ++a) hit |= filled(p[a]) << a;
      if (hit == 0) {
        for (uint32_t a = 8; a < kProbes; ++a) hit |= filled(p[a]) << a;
      }
      uint64_t v;
      if (hit != 0) {
        v = m[p[__builtin_ctz(hit)]];
      } else {
        v = kNone;
        for (uint32_t attempt = kProbes + 1; v == kNone; ++attempt) v = m[Probe(bin, attempt)];
      }
      sig[bin] = value(v);
    }
  }
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
