// LSH banding: parameter choice, candidate probability, band keys and
// candidate pairs (doppel/lsh.h).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "doppel/lsh.h"
#include "test_util.h"

namespace doppel {
namespace {

using doppel_test::Rng;
using Pairs = std::vector<std::pair<uint32_t, uint32_t>>;

// ---------------------------------------------------------------------------
// A slow, independent reference for OptimalLshParams: the weighted areas
//   fp = integral_0^t P(s) ds,  fn = integral_t^1 (1 - P(s)) ds
// by the trapezoid rule on `points` intervals (split between the two ranges
// in proportion to their length), with P(s) = 1 - (1 - s^r)^b from std::pow.

struct RefChoice {
  LshParams best;
  double best_error = std::numeric_limits<double>::infinity();
  double second_error = std::numeric_limits<double>::infinity();  // the runner-up's
  std::map<std::pair<int, int>, double> error;                     // of every (b, r)
  std::map<std::pair<int, int>, double> fn;                        // fn area of every (b, r)
};

RefChoice ReferenceParams(double t, int num_perm, double fp_weight, double fn_weight, int points) {
  const int n1 = std::max(1, static_cast<int>(std::lround(points * t)));
  const int n2 = std::max(1, points - n1);
  const double h1 = t / n1, h2 = (1 - t) / n2;
  RefChoice c;
  std::vector<double> low(n1 + 1), high(n2 + 1);  // s^r on both grids
  for (int r = 1; r <= num_perm; ++r) {
    for (int i = 0; i <= n1; ++i) low[i] = std::pow(i * h1, r);
    for (int i = 0; i <= n2; ++i) high[i] = std::pow(t + i * h2, r);
    for (int b = 1; b * r <= num_perm; ++b) {
      double fp = 0, fn = 0;
      for (int i = 0; i <= n1; ++i) fp += (i == 0 || i == n1 ? 0.5 : 1.0) * (1 - std::pow(1 - low[i], b));
      for (int i = 0; i <= n2; ++i) fn += (i == 0 || i == n2 ? 0.5 : 1.0) * std::pow(1 - high[i], b);
      fp *= h1;
      fn *= h2;
      const double e = fp_weight * fp + fn_weight * fn;
      c.error[{b, r}] = e;
      c.fn[{b, r}] = fn;
      if (e < c.best_error) {
        c.second_error = c.best_error;
        c.best_error = e;
        c.best = {b, r};
      } else if (e < c.second_error) {
        c.second_error = e;
      }
    }
  }
  return c;
}

// OptimalLshParams agrees with the reference: it picks the reference's best
// (b, r) whenever the best is clearly ahead of the runner-up, and otherwise a
// choice whose reference error is as good up to integration error.
void CheckAgainstReference(double t, int num_perm, double fp_weight, double fn_weight, int points) {
  SCOPED_TRACE(testing::Message() << "threshold " << t << " num_perm " << num_perm << " weights " << fp_weight << "/"
                                  << fn_weight);
  const RefChoice ref = ReferenceParams(t, num_perm, fp_weight, fn_weight, points);
  const LshParams got = OptimalLshParams(t, num_perm, fp_weight, fn_weight);
  ASSERT_GE(got.bands, 1);
  ASSERT_GE(got.rows, 1);
  ASSERT_LE(got.bands * got.rows, num_perm);
  const double got_error = ref.error.at({got.bands, got.rows});
  EXPECT_LE(got_error - ref.best_error, 1e-7) << "chose (" << got.bands << "," << got.rows << ") error " << got_error
                                              << ", reference best (" << ref.best.bands << "," << ref.best.rows
                                              << ") error " << ref.best_error;
  if (ref.second_error - ref.best_error > 1e-6) {
    EXPECT_EQ(got.bands, ref.best.bands);
    EXPECT_EQ(got.rows, ref.best.rows);
  }
}

TEST(OptimalLshParams, DatasketchDefault) {
  // datasketch's MinHashLSH(threshold=0.8, num_perm=128) uses b=9, r=13.
  LshParams p = OptimalLshParams(0.8, 128);
  EXPECT_EQ(p.bands, 9);
  EXPECT_EQ(p.rows, 13);
  // The same with the weights given explicitly.
  LshParams q = OptimalLshParams(0.8, 128, 0.5, 0.5);
  EXPECT_EQ(q.bands, 9);
  EXPECT_EQ(q.rows, 13);
}

TEST(OptimalLshParams, MatchesReferenceOverASweep) {
  // 10k-interval trapezoid: integration error far below the gaps that decide.
  for (int num_perm : {8, 16, 32, 64}) {
    for (double t : {0.3, 0.5, 0.7, 0.8, 0.9, 0.95}) CheckAgainstReference(t, num_perm, 0.5, 0.5, 10000);
  }
  CheckAgainstReference(0.8, 128, 0.5, 0.5, 10000);
  CheckAgainstReference(0.8, 128, 0.05, 0.95, 10000);
  CheckAgainstReference(0.7, 64, 0.05, 0.95, 10000);
  CheckAgainstReference(0.8, 64, 0.9, 0.1, 10000);
}

TEST(OptimalLshParamsSlow, MatchesFineReference) {
  // 100k-interval trapezoid, the configurations that matter most.
  CheckAgainstReference(0.8, 128, 0.5, 0.5, 100000);
  CheckAgainstReference(0.8, 128, 0.05, 0.95, 100000);
  CheckAgainstReference(0.5, 128, 0.5, 0.5, 100000);
  CheckAgainstReference(0.9, 256, 0.5, 0.5, 100000);
}

TEST(OptimalLshParams, HeavierFalseNegativeWeightNeverLowersRecall) {
  // If p1 minimizes a*fp + b*fn and p2 minimizes a*fp + b'*fn with b' > b,
  // then fn(p2) <= fn(p1).
  for (double t : {0.5, 0.7, 0.8, 0.9}) {
    const RefChoice ref = ReferenceParams(t, 64, 0.5, 0.5, 10000);
    LshParams even = OptimalLshParams(t, 64, 0.5, 0.5);
    LshParams recall = OptimalLshParams(t, 64, 0.05, 0.95);
    EXPECT_LE(ref.fn.at({recall.bands, recall.rows}), ref.fn.at({even.bands, even.rows}) + 1e-9) << t;
    EXPECT_GE(CandidateProbability(t, recall), CandidateProbability(t, even)) << t;
  }
}

TEST(OptimalLshParams, RecallWeightsOfVerifiedDedup) {
  // dedup's default when verifying (fp 0.05, fn 0.95 at 0.8 / 128) finds a
  // pair at threshold + 0.05 with probability at least 0.99.
  LshParams p = OptimalLshParams(0.8, 128, 0.05, 0.95);
  EXPECT_GE(CandidateProbability(0.85, p), 0.99);
  EXPECT_LE(p.bands * p.rows, 128);
}

TEST(OptimalLshParams, CurveIsCenteredNearTheThreshold) {
  for (int num_perm : {64, 128, 256}) {
    for (double t : {0.5, 0.6, 0.7, 0.8, 0.9}) {
      LshParams p = OptimalLshParams(t, num_perm);
      EXPECT_LE(p.bands * p.rows, num_perm);
      // The S-curve's steepest point (1/b)^(1/r) lies near t.
      double center = std::pow(1.0 / p.bands, 1.0 / p.rows);
      EXPECT_NEAR(center, t, 0.1) << t << " " << num_perm;
      EXPECT_LT(CandidateProbability(t - 0.2, p), 0.2) << t << " " << num_perm;
      EXPECT_GT(CandidateProbability(std::min(1.0, t + 0.15), p), 0.8) << t << " " << num_perm;
    }
  }
}

// ---------------------------------------------------------------------------
// CandidateProbability.

TEST(CandidateProbability, MatchesFormula) {
  for (LshParams p : {LshParams{1, 1}, LshParams{9, 13}, LshParams{16, 8}, LshParams{32, 4}, LshParams{1, 128},
                      LshParams{128, 1}}) {
    EXPECT_NEAR(CandidateProbability(0.0, p), 0.0, 1e-15);
    EXPECT_NEAR(CandidateProbability(1.0, p), 1.0, 1e-15);
    double prev = -1;
    for (int i = 0; i <= 1000; ++i) {
      double s = i / 1000.0;
      double expected = 1 - std::pow(1 - std::pow(s, p.rows), p.bands);
      double got = CandidateProbability(s, p);
      EXPECT_NEAR(got, expected, 1e-12) << s << " b=" << p.bands << " r=" << p.rows;
      EXPECT_GE(got, prev - 1e-15);  // increasing in s
      prev = got;
    }
  }
  EXPECT_DOUBLE_EQ(CandidateProbability(0.37, {1, 1}), 0.37);
  EXPECT_NEAR(CandidateProbability(0.8, {9, 13}), 1 - std::pow(1 - std::pow(0.8, 13), 9), 1e-12);
}

// ---------------------------------------------------------------------------
// BandKey.

TEST(BandKey, DependsOnlyOnTheBandsRows) {
  std::vector<uint32_t> a(32), b;
  for (uint32_t i = 0; i < 32; ++i) a[i] = i * 2654435761u;
  b = a;
  const int rows = 8;
  for (int band = 0; band < 4; ++band) EXPECT_EQ(BandKey(a.data(), band, rows), BandKey(b.data(), band, rows));
  b[13] ^= 1;  // row 5 of band 1
  EXPECT_EQ(BandKey(a.data(), 0, rows), BandKey(b.data(), 0, rows));
  EXPECT_NE(BandKey(a.data(), 1, rows), BandKey(b.data(), 1, rows));
  EXPECT_EQ(BandKey(a.data(), 2, rows), BandKey(b.data(), 2, rows));
  EXPECT_EQ(BandKey(a.data(), 3, rows), BandKey(b.data(), 3, rows));
  // The band's position in the signature matters, not where it is stored:
  // band 1 of `a` is the rows a[8..15].
  std::vector<uint32_t> c(a.begin() + 8, a.begin() + 16);
  EXPECT_EQ(BandKey(a.data() + 8, 0, rows), BandKey(c.data(), 0, rows));
  // Swapping two rows inside a band changes the key.
  std::vector<uint32_t> d = a;
  std::swap(d[0], d[1]);
  EXPECT_NE(BandKey(a.data(), 0, rows), BandKey(d.data(), 0, rows));
}

TEST(BandKey, FewCollisionsOnRandomBands) {
  Rng rng(3);
  std::set<uint64_t> keys;
  const int kCount = 20000;
  std::vector<uint32_t> sig(4);
  for (int i = 0; i < kCount; ++i) {
    for (uint32_t& v : sig) v = static_cast<uint32_t>(rng.Next());
    keys.insert(BandKey(sig.data(), 0, 4));
  }
  EXPECT_EQ(keys.size(), static_cast<size_t>(kCount));
}

// ---------------------------------------------------------------------------
// CandidatePairs.

void ExpectSortedUniqueOrdered(const Pairs& pairs) {
  for (size_t i = 0; i < pairs.size(); ++i) {
    EXPECT_LT(pairs[i].first, pairs[i].second) << i;
    if (i > 0) {
      EXPECT_LT(pairs[i - 1], pairs[i]) << i;
    }
  }
}

TEST(CandidatePairs, HandBuiltBuckets) {
  // 5 documents, 2 bands: keys[doc * 2 + band].
  //   band 0: {0, 2} share 100, {1} 101, {3} 102, {4} 103
  //   band 1: {1, 3} share 200, {0, 2} share 201 (repeat of a band-0 pair), {4} 202
  std::vector<uint64_t> keys = {100, 201, 101, 200, 100, 201, 102, 200, 103, 202};
  std::vector<uint8_t> skip(5, 0);
  Pairs pairs = CandidatePairs(keys, 2, skip);
  EXPECT_EQ(pairs, (Pairs{{0, 2}, {1, 3}}));
}

TEST(CandidatePairs, KeysOfDifferentBandsDoNotMeet) {
  // Doc 0's band-0 key equals doc 1's band-1 key: not a candidate.
  std::vector<uint64_t> keys = {7, 8, 9, 7};
  std::vector<uint8_t> skip(2, 0);
  EXPECT_TRUE(CandidatePairs(keys, 2, skip).empty());
}

TEST(CandidatePairs, SkippedDocumentsAreNeverCandidates) {
  // All four share both keys; 1 and 3 are skipped (empty signatures).
  std::vector<uint64_t> keys = {5, 6, 5, 6, 5, 6, 5, 6};
  std::vector<uint8_t> skip = {0, 1, 0, 1};
  EXPECT_EQ(CandidatePairs(keys, 2, skip), (Pairs{{0, 2}}));
  std::vector<uint8_t> all = {1, 1, 1, 1};
  EXPECT_TRUE(CandidatePairs(keys, 2, all).empty());
}

TEST(CandidatePairs, EmptyInput) {
  EXPECT_TRUE(CandidatePairs({}, 4, {}).empty());
  std::vector<uint64_t> one = {1, 2};
  std::vector<uint8_t> skip1(1, 0);
  EXPECT_TRUE(CandidatePairs(one, 2, skip1).empty());
}

// The expected pairs of one bucket (members sorted by index).
Pairs BucketPairs(const std::vector<uint32_t>& members, size_t cap) {
  Pairs out;
  if (members.size() <= cap) {
    for (size_t x = 0; x < members.size(); ++x)
      for (size_t y = x + 1; y < members.size(); ++y) out.push_back({members[x], members[y]});
  } else {
    for (size_t y = 1; y < members.size(); ++y) {
      out.push_back({members[0], members[y]});
      if (y > 1) out.push_back({members[y - 1], members[y]});
    }
  }
  return out;
}

TEST(CandidatePairs, BucketAtTheCapGivesAllPairs) {
  // One band; documents 0..9 interleaved with loners, all in one bucket of 5.
  const size_t cap = 5;
  std::vector<uint64_t> keys;
  std::vector<uint32_t> members;
  for (uint32_t d = 0; d < 10; ++d) {
    keys.push_back(d % 2 == 0 ? 77 : 1000 + d);
    if (d % 2 == 0) members.push_back(d);
  }
  std::vector<uint8_t> skip(10, 0);
  Pairs pairs = CandidatePairs(keys, 1, skip, cap);
  EXPECT_EQ(pairs.size(), 10u);  // 5 choose 2
  EXPECT_EQ(pairs, BucketPairs(members, cap));
}

TEST(CandidatePairs, BucketOverTheCapGivesLinearPairs) {
  // A bucket of m > cap members: each paired with the first member and with
  // its predecessor, 2m - 3 distinct pairs, sorted.
  for (size_t m : {4u, 6u, 65u, 200u}) {
    const size_t cap = m == 4 ? 3 : (m == 6 ? 5 : 64);
    std::vector<uint64_t> keys;
    std::vector<uint32_t> members;
    Rng rng(m);
    const uint32_t n = static_cast<uint32_t>(m * 3);
    for (uint32_t d = 0; d < n; ++d) keys.push_back(1000000 + d);
    // Members scattered over the documents.
    std::vector<uint32_t> all(n);
    for (uint32_t d = 0; d < n; ++d) all[d] = d;
    rng.Shuffle(&all);
    members.assign(all.begin(), all.begin() + static_cast<ptrdiff_t>(m));
    std::sort(members.begin(), members.end());
    for (uint32_t d : members) keys[d] = 42;
    std::vector<uint8_t> skip(n, 0);
    Pairs pairs = CandidatePairs(keys, 1, skip, cap);
    EXPECT_EQ(pairs.size(), 2 * m - 3) << m;
    Pairs expected = BucketPairs(members, cap);
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(pairs, expected) << m;
    ExpectSortedUniqueOrdered(pairs);
    // Everyone is connected to the first member.
    for (size_t y = 1; y < members.size(); ++y) {
      EXPECT_TRUE(std::binary_search(pairs.begin(), pairs.end(), std::pair{members[0], members[y]}));
    }
  }
}

TEST(CandidatePairs, SkippedDocumentsDoNotCountTowardsTheCap) {
  // Six documents share a key, two of them skipped: the bucket has four
  // members, at the cap of 4, so all 6 pairs of the four come out.
  std::vector<uint64_t> keys(6, 9);
  std::vector<uint8_t> skip = {0, 1, 0, 0, 1, 0};
  Pairs pairs = CandidatePairs(keys, 1, skip, 4);
  EXPECT_EQ(pairs, (Pairs{{0, 2}, {0, 3}, {0, 5}, {2, 3}, {2, 5}, {3, 5}}));
}

// Random keys from a small alphabet against a brute-force reference.
TEST(CandidatePairs, MatchesBruteForceOnRandomKeys) {
  Rng rng(17);
  for (int trial = 0; trial < 20; ++trial) {
    const uint32_t n = 50 + static_cast<uint32_t>(rng.Below(250));
    const int bands = 1 + static_cast<int>(rng.Below(6));
    const uint64_t alphabet = 2 + rng.Below(trial < 10 ? 400 : 30);  // some buckets get big
    const size_t cap = trial % 2 == 0 ? 64 : 1 + rng.Below(8);
    std::vector<uint64_t> keys(static_cast<size_t>(n) * bands);
    for (uint64_t& k : keys) k = rng.Below(alphabet);
    std::vector<uint8_t> skip(n);
    for (uint8_t& s : skip) s = rng.Below(10) == 0;

    std::set<std::pair<uint32_t, uint32_t>> expected;
    for (int band = 0; band < bands; ++band) {
      std::map<uint64_t, std::vector<uint32_t>> buckets;
      for (uint32_t d = 0; d < n; ++d) {
        if (!skip[d]) buckets[keys[static_cast<size_t>(d) * bands + band]].push_back(d);
      }
      for (const auto& [key, members] : buckets) {
        for (auto p : BucketPairs(members, cap)) expected.insert(p);
      }
    }
    Pairs got = CandidatePairs(keys, bands, skip, cap);
    EXPECT_EQ(got, Pairs(expected.begin(), expected.end())) << "trial " << trial;
    ExpectSortedUniqueOrdered(got);
  }
}

}  // namespace
}  // namespace doppel
