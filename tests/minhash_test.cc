// One-permutation MinHash with densification (doppel/minhash.h).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "doppel/minhash.h"
#include "doppel/text.h"
#include "test_util.h"

namespace doppel {
namespace {

using doppel_test::Rng;
__extension__ typedef unsigned __int128 Uint128;

// Exact Jaccard by std::set_intersection: independent of doppel::Jaccard.
double ExactJaccard(std::vector<uint64_t> a, std::vector<uint64_t> b) {
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  std::vector<uint64_t> inter;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(inter));
  size_t uni = a.size() + b.size() - inter.size();
  return uni == 0 ? 0.0 : static_cast<double>(inter.size()) / static_cast<double>(uni);
}

struct SetPair {
  std::vector<uint64_t> a, b;
  double jaccard = 0;
};

// Two non-empty sets whose union has about `union_size` elements and whose
// Jaccard similarity is as close to `target` as the sizes allow. Elements
// are random 64-bit values, shuffled.
SetPair PlantedPair(Rng& rng, uint64_t union_size, double target) {
  const uint64_t u = std::max<uint64_t>(union_size, 2);
  uint64_t inter = std::min<uint64_t>(u, static_cast<uint64_t>(std::llround(target * static_cast<double>(u))));
  const uint64_t rest = u - inter;
  uint64_t a_only, b_only;
  if (inter == 0) {
    a_only = 1 + rng.Below(rest - 1);
  } else {
    a_only = rng.Below(rest + 1);
  }
  b_only = rest - a_only;
  SetPair p;
  for (uint64_t i = 0; i < inter; ++i) {
    uint64_t x = rng.Next();
    p.a.push_back(x);
    p.b.push_back(x);
  }
  for (uint64_t i = 0; i < a_only; ++i) p.a.push_back(rng.Next());
  for (uint64_t i = 0; i < b_only; ++i) p.b.push_back(rng.Next());
  rng.Shuffle(&p.a);
  rng.Shuffle(&p.b);
  p.jaccard = ExactJaccard(p.a, p.b);
  return p;
}

// Union size drawn log-uniformly from [lo, hi].
uint64_t LogUniform(Rng& rng, double lo, double hi) {
  return static_cast<uint64_t>(std::llround(std::exp(std::log(lo) + rng.Uniform() * (std::log(hi) - std::log(lo)))));
}

struct Sample {
  double jaccard;  // exact
  double error;    // estimate - exact
};

// Estimates for `pairs` random pairs with planted Jaccard uniform in [0, 1]
// and union sizes log-uniform in [lo, hi].
std::vector<Sample> EstimateErrors(int num_perm, uint64_t seed, int pairs, double lo, double hi, uint64_t data_seed) {
  Rng rng(data_seed);
  MinHasher hasher(num_perm, seed);
  std::vector<Sample> out;
  for (int i = 0; i < pairs; ++i) {
    SetPair p = PlantedPair(rng, LogUniform(rng, lo, hi), rng.Uniform());
    double est = EstimateJaccard(hasher.Sketch(p.a), hasher.Sketch(p.b));
    out.push_back({p.jaccard, est - p.jaccard});
  }
  return out;
}

struct ErrorStats {
  int n = 0;
  double mean = 0;            // mean of (estimate - exact)
  double standard_error = 0;  // of that mean
  double variance_ratio = 0;  // sum of squared errors / sum of J(1-J)/K
};

// Statistics of the samples whose exact Jaccard is in [jlo, jhi).
ErrorStats Summarize(const std::vector<Sample>& samples, int num_perm, double jlo = 0.0, double jhi = 1.01) {
  double sum = 0, sum_sq = 0, sum_var = 0;
  int n = 0;
  for (const Sample& s : samples) {
    if (s.jaccard < jlo || s.jaccard >= jhi) continue;
    sum += s.error;
    sum_sq += s.error * s.error;
    sum_var += s.jaccard * (1 - s.jaccard) / num_perm;
    ++n;
  }
  ErrorStats st;
  st.n = n;
  if (n == 0) return st;
  st.mean = sum / n;
  st.standard_error = std::sqrt((sum_sq / n - st.mean * st.mean) / n);
  st.variance_ratio = sum_var > 0 ? sum_sq / sum_var : 0;
  return st;
}

// ---------------------------------------------------------------------------
// Basic properties.

TEST(MinHash, SignatureHasNumPermValues) {
  for (int k : {1, 7, 64, 128, 256, 2000}) {
    MinHasher h(k);
    EXPECT_EQ(h.num_perm(), k);
    std::vector<uint64_t> set = {1, 2, 3, 4, 5};
    EXPECT_EQ(h.Sketch(set).size(), static_cast<size_t>(k));
  }
}

TEST(MinHash, EmptySetGivesEmptyValuesThatMatchNothing) {
  MinHasher h(128);
  std::vector<uint32_t> sig = h.Sketch(std::vector<uint64_t>{});
  ASSERT_EQ(sig.size(), 128u);
  for (uint32_t v : sig) EXPECT_EQ(v, MinHasher::kEmpty);
  // The pointer overload writes the same.
  std::vector<uint32_t> raw(128, 7);
  h.Sketch(std::vector<uint64_t>{}, raw.data());
  EXPECT_EQ(raw, sig);
  // An empty signature is similar to nothing, not even another empty one.
  EXPECT_EQ(EstimateJaccard(sig, sig), 0.0);
  std::vector<uint32_t> other = h.Sketch(std::vector<uint64_t>{42});
  EXPECT_EQ(EstimateJaccard(sig, other), 0.0);
  EXPECT_EQ(EstimateJaccard(other, sig), 0.0);
}

TEST(MinHash, NonEmptySetsNeverUseTheEmptyValue) {
  Rng rng(3);
  MinHasher h(256);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<uint64_t> set;
    size_t n = 1 + rng.Below(trial < 100 ? 10 : 2000);
    for (size_t i = 0; i < n; ++i) set.push_back(rng.Next());
    for (uint32_t v : h.Sketch(set)) ASSERT_NE(v, MinHasher::kEmpty);
  }
}

TEST(MinHash, IdenticalSetsEstimateOne) {
  Rng rng(5);
  MinHasher h(128);
  for (size_t n : {1, 2, 10, 127, 128, 129, 5000}) {
    std::vector<uint64_t> a;
    for (size_t i = 0; i < n; ++i) a.push_back(rng.Next());
    std::vector<uint64_t> b = a;
    rng.Shuffle(&b);
    b.insert(b.end(), a.begin(), a.begin() + static_cast<ptrdiff_t>(n / 2));  // repeats do not matter
    EXPECT_EQ(EstimateJaccard(h.Sketch(a), h.Sketch(b)), 1.0) << n;
    EXPECT_EQ(h.Sketch(a), h.Sketch(b)) << n;
  }
}

TEST(MinHash, DisjointLargeSetsEstimateNearZero) {
  Rng rng(6);
  MinHasher h(128);
  std::vector<uint64_t> a, b;
  for (int i = 0; i < 3000; ++i) {
    a.push_back(rng.Next());
    b.push_back(rng.Next());
  }
  // Equal positions need a 32-bit collision.
  EXPECT_EQ(EstimateJaccard(h.Sketch(a), h.Sketch(b)), 0.0);
}

TEST(MinHash, EstimateJaccardCountsEqualPositions) {
  std::vector<uint32_t> a = {1, 2, 3, 4}, b = {1, 9, 3, 9};
  EXPECT_DOUBLE_EQ(EstimateJaccard(a, b), 0.5);
  EXPECT_DOUBLE_EQ(EstimateJaccard(a, a), 1.0);
  std::vector<uint32_t> c = {5, 6, 7, 8};
  EXPECT_DOUBLE_EQ(EstimateJaccard(a, c), 0.0);
}

// Densification: with fewer elements than bins, empty bins borrow values of
// non-empty ones, so a signature has at most as many distinct values as the
// set has elements, and a one-element set fills every bin with one value.
TEST(MinHash, DensificationFillsEmptyBinsFromNonEmptyOnes) {
  Rng rng(8);
  MinHasher h(128);
  for (size_t n : {1, 2, 3, 5, 20, 60}) {
    std::vector<uint64_t> set;
    for (size_t i = 0; i < n; ++i) set.push_back(rng.Next());
    std::vector<uint32_t> sig = h.Sketch(set);
    std::set<uint32_t> distinct(sig.begin(), sig.end());
    EXPECT_LE(distinct.size(), n);
    EXPECT_GE(distinct.size(), 1u);
    if (n == 1) {
      EXPECT_EQ(distinct.size(), 1u);
    }
    // Every value is the value of one element: what that element alone
    // gives in every bin.
    std::set<uint32_t> element_values;
    for (uint64_t x : set) {
      std::vector<uint32_t> alone = h.Sketch(std::vector<uint64_t>{x});
      EXPECT_EQ(std::set<uint32_t>(alone.begin(), alone.end()).size(), 1u);
      element_values.insert(alone[0]);
    }
    for (uint32_t v : distinct) EXPECT_EQ(element_values.count(v), 1u) << n;
  }
}

// The bit-parallel densification against a slow one written from the
// definition: bin minimums of Mix64(shingle ^ seed) by top bits, and each
// empty bin takes the value of the first filled bin in its probe order. Bin
// counts below, at and above multiples of 64 exercise the bitmap's wrap.
TEST(MinHash, DensificationAgreesWithSlowReference) {
  Rng rng(21);
  for (int k : {1, 2, 7, 63, 64, 65, 100, 128, 129, 200, 1000, 4096, 5000}) {
    MinHasher h(k);
    const auto uk = static_cast<uint32_t>(k);
    // The probe order of a bin visits every other bin exactly once.
    for (uint32_t bin : {0u, uk / 2, uk - 1}) {
      std::vector<int> visits(uk, 0);
      for (uint32_t r = 0; r + 1 < uk; ++r) ++visits[h.ProbeBin(bin, r)];
      for (uint32_t b = 0; b < uk; ++b) ASSERT_EQ(visits[b], b == bin ? 0 : 1) << "k=" << k << " bin " << bin;
    }
    for (size_t n : {size_t{1}, size_t{2}, size_t{3}, size_t{10}, static_cast<size_t>(k / 2 + 1),
                     static_cast<size_t>(2 * k)}) {
      std::vector<uint64_t> set;
      for (size_t i = 0; i < n; ++i) set.push_back(rng.Next());
      std::vector<uint64_t> mins(uk, ~uint64_t{0});
      std::vector<bool> filled(uk, false);
      for (uint64_t x : set) {
        const uint64_t v = Mix64(x ^ MinHasher::kDefaultSeed);
        const auto bin = static_cast<uint32_t>((static_cast<Uint128>(v) * uk) >> 64);
        mins[bin] = std::min(mins[bin], v);
        filled[bin] = true;
      }
      auto value = [](uint64_t v) {
        auto x = static_cast<uint32_t>(v ^ (v >> 32));
        return x == MinHasher::kEmpty ? 0u : x;
      };
      std::vector<uint32_t> expected(uk);
      for (uint32_t b = 0; b < uk; ++b) {
        uint32_t from = b;
        for (uint32_t r = 0; !filled[from]; ++r) from = h.ProbeBin(b, r);
        expected[b] = value(mins[from]);
      }
      ASSERT_EQ(h.Sketch(set), expected) << "k=" << k << " n=" << n;
    }
  }
}

// ---------------------------------------------------------------------------
// Determinism and seeds.

TEST(MinHash, DeterministicAndOrderIndependent) {
  Rng rng(9);
  std::vector<uint64_t> set;
  for (int i = 0; i < 300; ++i) set.push_back(rng.Next());
  MinHasher h1(128), h2(128);
  std::vector<uint32_t> s1 = h1.Sketch(set);
  EXPECT_EQ(s1, h1.Sketch(set));
  EXPECT_EQ(s1, h2.Sketch(set));
  std::vector<uint64_t> shuffled = set;
  rng.Shuffle(&shuffled);
  EXPECT_EQ(s1, h1.Sketch(shuffled));
  std::vector<uint32_t> raw(128);
  h1.Sketch(set, raw.data());
  EXPECT_EQ(s1, raw);
  // A different set gives a different signature.
  std::vector<uint64_t> other;
  for (int i = 0; i < 300; ++i) other.push_back(rng.Next());
  EXPECT_NE(s1, h1.Sketch(other));
}

TEST(MinHash, SeedsGiveUnrelatedSignatures) {
  Rng rng(10);
  std::vector<uint64_t> set;
  for (int i = 0; i < 500; ++i) set.push_back(rng.Next());
  MinHasher a(128, MinHasher::kDefaultSeed), b(128, MinHasher::kDefaultSeed + 1), c(128, 12345);
  std::vector<uint32_t> sa = a.Sketch(set), sb = b.Sketch(set), sc = c.Sketch(set);
  int equal_ab = 0, equal_ac = 0;
  for (int i = 0; i < 128; ++i) {
    equal_ab += sa[i] == sb[i];
    equal_ac += sa[i] == sc[i];
  }
  EXPECT_LE(equal_ab, 2);
  EXPECT_LE(equal_ac, 2);
}

// The errors of two seeds on the same pairs are uncorrelated, and averaging
// one pair's estimate over many seeds converges to its exact similarity.
TEST(MinHash, SeedsGiveIndependentEstimates) {
  Rng rng(12);
  MinHasher h1(128, 1001), h2(128, 2002);
  const int kPairs = 1500;
  std::vector<double> e1, e2;
  for (int i = 0; i < kPairs; ++i) {
    SetPair p = PlantedPair(rng, LogUniform(rng, 20, 2000), 0.2 + 0.6 * rng.Uniform());
    e1.push_back(EstimateJaccard(h1.Sketch(p.a), h1.Sketch(p.b)) - p.jaccard);
    e2.push_back(EstimateJaccard(h2.Sketch(p.a), h2.Sketch(p.b)) - p.jaccard);
  }
  double m1 = 0, m2 = 0;
  for (int i = 0; i < kPairs; ++i) {
    m1 += e1[i] / kPairs;
    m2 += e2[i] / kPairs;
  }
  double c12 = 0, v1 = 0, v2 = 0;
  for (int i = 0; i < kPairs; ++i) {
    c12 += (e1[i] - m1) * (e2[i] - m2);
    v1 += (e1[i] - m1) * (e1[i] - m1);
    v2 += (e2[i] - m2) * (e2[i] - m2);
  }
  double corr = c12 / std::sqrt(v1 * v2);
  EXPECT_LT(std::abs(corr), 0.1) << "errors of different seeds correlate: " << corr;  // ~4 standard errors

  // One pair, many seeds.
  SetPair p = PlantedPair(rng, 300, 0.5);
  const int kSeeds = 400;
  double sum = 0;
  for (int s = 0; s < kSeeds; ++s) {
    MinHasher h(64, 0x5eed0000ULL + static_cast<uint64_t>(s));
    sum += EstimateJaccard(h.Sketch(p.a), h.Sketch(p.b));
  }
  double se = std::sqrt(p.jaccard * (1 - p.jaccard) / 64 / kSeeds);
  EXPECT_NEAR(sum / kSeeds, p.jaccard, 4 * se);
}

// ---------------------------------------------------------------------------
// Unbiasedness and variance. For each pair, P[sig_a[i] == sig_b[i]] = J, so
// the estimate is unbiased. Its variance, compared with J(1-J)/K (K
// independent permutations):
//  - sets of about num_perm elements or more: at most that; one-permutation
//    hashing samples bins without replacement (measured ratio ~0.8-0.95);
//  - sets much smaller than num_perm: densification borrows independently
//    per empty bin, which alone would give at most J(1-J)/K, but two elements
//    that fall into one bin become a single draw copied into many bins, which
//    adds up to about as much again: the ratio stays below 2 (for a
//    two-element union, exactly 1/K of the time the whole signature is one
//    value). Measured ~1.3-1.6 for unions of 2..100 elements at K = 128.
// With 2000 pairs the ratio's sampling noise is a few percent for large sets
// and about 0.1 for tiny ones; the bounds leave room for that.

void CheckUnbiasedWithBoundedVariance(int num_perm, double lo, double hi, uint64_t data_seed, double max_ratio) {
  const int kPairs = 2000;
  std::vector<Sample> samples = EstimateErrors(num_perm, MinHasher::kDefaultSeed, kPairs, lo, hi, data_seed);
  ErrorStats s = Summarize(samples, num_perm);
  SCOPED_TRACE(testing::Message() << "num_perm=" << num_perm << " union sizes " << lo << ".." << hi << ": mean error "
                                  << s.mean << " (se " << s.standard_error << "), variance ratio "
                                  << s.variance_ratio);
  ASSERT_EQ(s.n, kPairs);
  EXPECT_LT(std::abs(s.mean), 4 * s.standard_error + 1e-4);
  EXPECT_LT(s.variance_ratio, max_ratio);
  // A far smaller error than theory would mean the estimate is being
  // compared with something that is not independent of it.
  EXPECT_GT(s.variance_ratio, 0.5);
  // Low, middle and high similarities are each unbiased (errors of opposite
  // sign cannot cancel out across the range).
  for (auto [jlo, jhi] : {std::pair{0.0, 1.0 / 3}, std::pair{1.0 / 3, 2.0 / 3}, std::pair{2.0 / 3, 1.01}}) {
    ErrorStats b = Summarize(samples, num_perm, jlo, jhi);
    ASSERT_GT(b.n, kPairs / 5);
    EXPECT_LT(std::abs(b.mean), 4 * b.standard_error + 1e-4) << "J in [" << jlo << ", " << jhi << ")";
  }
}

TEST(MinHashStatistics, UnbiasedAcrossSizesIncludingSetsSmallerThanNumPerm) {
  CheckUnbiasedWithBoundedVariance(128, 2, 5000, 101, 1.3);
  CheckUnbiasedWithBoundedVariance(64, 2, 3000, 104, 1.3);
}

TEST(MinHashStatistics, UnbiasedForSetsMuchSmallerThanNumPerm) {
  // Every union has at most 100 elements for 128 bins: most bins are
  // densified, often most of both signatures.
  CheckUnbiasedWithBoundedVariance(128, 2, 100, 102, 2.0);
  CheckUnbiasedWithBoundedVariance(256, 2, 3000, 105, 1.5);
}

TEST(MinHashStatistics, VarianceAtMostTheIdealForSetsAsLargeAsNumPerm) {
  CheckUnbiasedWithBoundedVariance(128, 64, 5000, 103, 1.1);
  CheckUnbiasedWithBoundedVariance(256, 128, 3000, 106, 1.1);
}

// ---------------------------------------------------------------------------
// Pinned test vector. These values are a CONTRACT (see minhash.h): stored
// signatures and band keys depend on them, so they must not change with the
// machine, the thread count or the library version. Computed once and pinned.

TEST(PinnedVectors, SignatureOfASmallSetWithTheDefaultSeed) {
  std::vector<uint64_t> set;
  for (uint64_t i = 1; i <= 20; ++i) set.push_back(i);
  MinHasher h(128);
  std::vector<uint32_t> sig = h.Sketch(set);
  const std::vector<uint32_t> expected = {2919718732u, 2352791167u, 3529308394u, 2156560551u,
                                          3328315417u, 3792658263u, 226918146u,  1656478402u};
  EXPECT_EQ(std::vector<uint32_t>(sig.begin(), sig.begin() + 8), expected);
  EXPECT_EQ(MinHasher::kDefaultSeed, 0x646f7070656c3031ULL);
}

}  // namespace
}  // namespace doppel
