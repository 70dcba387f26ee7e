#include "doppel/lsh.h"

// XXH3 inlined: a band key hashes only rows x 4 bytes, where a call into
// the shared library costs as much as the hash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include "util/hash_sort.h"

namespace doppel {
namespace {

// x^k by squaring: exact enough and much cheaper than pow() in the search.
double IntPow(double x, int k) {
  double r = 1.0;
  while (k > 0) {
    if (k & 1) r *= x;
    x *= x;
    k >>= 1;
  }
  return r;
}

// Gauss-Legendre quadrature on [-1, 1]: n nodes and weights, exact for
// polynomials of degree up to 2n - 1 (Newton's method on the Legendre
// polynomial P_n from the Chebyshev guess).
struct Quadrature {
  std::vector<double> x, w;
  explicit Quadrature(int n) : x(static_cast<size_t>(n)), w(static_cast<size_t>(n)) {
    const double pi = std::acos(-1.0);
    for (int i = 0; i < n; ++i) {
      double z = std::cos(pi * (i + 0.75) / (n + 0.5)), dp = 1.0;
      for (int iter = 0; iter < 100; ++iter) {
        double p0 = 1.0, p1 = z;  // P_0, P_1, then up to P_n by the recurrence
        for (int k = 2; k <= n; ++k) {
          const double p2 = ((2.0 * k - 1.0) * z * p1 - (k - 1.0) * p0) / k;
          p0 = p1;
          p1 = p2;
        }
        dp = n * (z * p1 - p0) / (z * z - 1.0);
        const double dz = p1 / dp;
        z -= dz;
        if (std::abs(dz) < 1e-15) break;
      }
      x[static_cast<size_t>(i)] = z;
      w[static_cast<size_t>(i)] = 2.0 / ((1.0 - z * z) * dp * dp);
    }
  }
  template <typename F>
  double Integrate(F f, double a, double b) const {
    if (b <= a) return 0.0;
    const double half = (b - a) / 2, mid = (a + b) / 2;
    double sum = 0;
    for (size_t i = 0; i < x.size(); ++i) sum += w[i] * f(mid + half * x[i]);
    return sum * half;
  }
};

// The (key, doc) entries of one band whose key may occur more than once,
// sorted by key then doc: every entry whose key is shared is there, and a
// few whose key is not (they form buckets of one, which give no pairs).
// Most keys are unique, so instead of sorting them all, two bitmaps of
// about 8 bits per document, indexed by the key's top bits (keys are
// hashes), find the keys seen twice; only their entries are sorted.
std::vector<std::pair<uint64_t, uint32_t>> CollidingEntries(const BandKeys& keys, int band,
                                                            std::span<const uint8_t> skip) {
  const size_t n = skip.size();
  int bits = 6;
  while (bits < 40 && (size_t{1} << bits) < 8 * n) ++bits;
  const int shift = 64 - bits;
  const size_t words = (size_t{1} << bits) / 64;
  thread_local std::vector<uint64_t> seen, twice;
  seen.assign(words, 0);
  twice.assign(words, 0);
  for (size_t d = 0; d < n; ++d) {
    if (skip[d]) continue;
    const uint64_t h = keys.key(d, band) >> shift;
    const uint64_t bit = uint64_t{1} << (h & 63);
    twice[h >> 6] |= seen[h >> 6] & bit;
    seen[h >> 6] |= bit;
  }
  std::vector<std::pair<uint64_t, uint32_t>> out;
  for (size_t d = 0; d < n; ++d) {
    if (skip[d]) continue;
    const uint64_t key = keys.key(d, band), h = key >> shift;
    if ((twice[h >> 6] >> (h & 63)) & 1) out.emplace_back(key, static_cast<uint32_t>(d));
  }
  SortByUniformHash(&out, [](const std::pair<uint64_t, uint32_t>& e) { return e.first; });
  return out;
}

}  // namespace

double CandidateProbability(double s, LshParams p) {
  return 1.0 - IntPow(1.0 - IntPow(s, p.rows), p.bands);
}

LshParams OptimalLshParams(double threshold, int num_perm, double fp_weight, double fn_weight) {
  // Every (b, r) is scored on all threads; the best is then picked in the
  // fixed order (b, then r), so ties go the same way on any thread count.
  std::vector<LshParams> all;
  for (int b = 1; b <= num_perm; ++b) {
    for (int r = 1; r <= num_perm / b; ++r) all.push_back({b, r});
  }
  // P(s) is a polynomial of degree rows x bands <= num_perm, so num_perm / 2
  // + 1 nodes integrate it exactly (capped: past 256 nodes, 4096 hashes,
  // the rule is no longer exact but still far finer than the choice needs).
  const Quadrature rule(std::min(num_perm / 2 + 1, 256));
  std::vector<double> error(all.size());
  tbb::parallel_for(size_t{0}, all.size(), [&](size_t i) {
    const LshParams p = all[i];
    double fp = rule.Integrate([p](double s) { return CandidateProbability(s, p); }, 0.0, threshold);
    double fn = rule.Integrate([p](double s) { return 1.0 - CandidateProbability(s, p); }, threshold, 1.0);
    error[i] = fp * fp_weight + fn * fn_weight;
  });
  LshParams best{1, 1};
  double best_error = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < all.size(); ++i) {
    if (error[i] < best_error) {
      best_error = error[i];
      best = all[i];
    }
  }
  return best;
}

uint64_t BandKey(const uint32_t* sig, int band, int rows) {
  return XXH3_64bits_withSeed(sig + static_cast<size_t>(band) * rows, sizeof(uint32_t) * rows,
                              static_cast<uint64_t>(band));
}

std::vector<std::pair<uint32_t, uint32_t>> CandidatePairs(std::span<const uint64_t> keys, int bands,
                                                          std::span<const uint8_t> skip,
                                                          size_t max_bucket_pairs_size) {
  BandKeys table(bands);
  for (size_t d = 0; d < skip.size(); ++d) table.Append(keys.data() + d * static_cast<size_t>(bands));
  return CandidatePairs(table, skip, max_bucket_pairs_size);
}

std::vector<std::pair<uint32_t, uint32_t>> CandidatePairs(const BandKeys& keys, std::span<const uint8_t> skip,
                                                          size_t max_bucket_pairs_size) {
  const int bands = keys.bands();
  using Pairs = std::vector<std::pair<uint32_t, uint32_t>>;
  // Bands are independent: each is grouped on its own thread, and the
  // per-band lists are merged in band order, so the result does not depend
  // on the thread count.
  std::vector<Pairs> per_band(static_cast<size_t>(bands));
  tbb::parallel_for(0, bands, [&](int band) {
    std::vector<std::pair<uint64_t, uint32_t>> entries = CollidingEntries(keys, band, skip);
    Pairs& pairs = per_band[static_cast<size_t>(band)];
    for (size_t i = 0; i < entries.size();) {
      size_t j = i + 1;
      while (j < entries.size() && entries[j].first == entries[i].first) ++j;
      const size_t m = j - i;
      if (m <= max_bucket_pairs_size) {
        for (size_t x = i; x < j; ++x)
          for (size_t y = x + 1; y < j; ++y) pairs.emplace_back(entries[x].second, entries[y].second);
      } else {
        for (size_t y = i + 1; y < j; ++y) {
          pairs.emplace_back(entries[i].second, entries[y].second);
          if (y > i + 1) pairs.emplace_back(entries[y - 1].second, entries[y].second);
        }
      }
      i = j;
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  });
  Pairs all;
  size_t total = 0;
  for (const Pairs& p : per_band) total += p.size();
  all.reserve(total);
  for (Pairs& p : per_band) {
    all.insert(all.end(), p.begin(), p.end());
    Pairs().swap(p);
  }
  tbb::parallel_sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

}  // namespace doppel
