#include "doppel/lsh.h"

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

// Composite Simpson's rule; P(s) is a polynomial, so 1000 intervals are far
// more than telling the candidates apart needs.
template <typename F>
double Integrate(F f, double a, double b) {
  constexpr int kIntervals = 1000;
  if (b <= a) return 0.0;
  const double h = (b - a) / kIntervals;
  double sum = f(a) + f(b);
  for (int i = 1; i < kIntervals; ++i) sum += f(a + i * h) * (i % 2 ? 4.0 : 2.0);
  return sum * h / 3.0;
}

// The (key, doc) entries of one band sorted by key then doc. Keys are
// hashes, so the linear bucket sort of util/hash_sort.h applies.
std::vector<std::pair<uint64_t, uint32_t>> SortedBand(const BandKeys& keys, int band, std::span<const uint8_t> skip) {
  std::vector<std::pair<uint64_t, uint32_t>> out;
  out.reserve(skip.size());
  for (size_t d = 0; d < skip.size(); ++d) {
    if (!skip[d]) out.emplace_back(keys.key(d, band), static_cast<uint32_t>(d));
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
  std::vector<double> error(all.size());
  tbb::parallel_for(size_t{0}, all.size(), [&](size_t i) {
    const LshParams p = all[i];
    double fp = Integrate([p](double s) { return CandidateProbability(s, p); }, 0.0, threshold);
    double fn = Integrate([p](double s) { return 1.0 - CandidateProbability(s, p); }, threshold, 1.0);
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
    std::vector<std::pair<uint64_t, uint32_t>> entries = SortedBand(keys, band, skip);
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
