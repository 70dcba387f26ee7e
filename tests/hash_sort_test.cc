// Sorting by a uniform hash (util/hash_sort.h), held against std::sort on
// uniform, repeated, clustered and non-uniform keys.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"
#include "util/hash_sort.h"

namespace doppel {
namespace {

using doppel_test::Rng;
using Entry = std::pair<uint64_t, uint32_t>;

uint64_t KeyOf(const Entry& e) { return e.first; }

std::vector<Entry> Sorted(std::vector<Entry> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(HashSortTest, UniformHashesOfEverySizeComeOutSorted) {
  Rng rng(1);
  for (size_t n : {0, 1, 2, 3, 31, 32, 33, 100, 1000, 4097, 20000}) {
    std::vector<Entry> v;
    for (size_t i = 0; i < n; ++i) v.emplace_back(rng.Next(), static_cast<uint32_t>(i));
    const std::vector<Entry> want = Sorted(v);
    SortByUniformHash(&v, KeyOf);
    EXPECT_EQ(v, want) << n << " values";
  }
}

TEST(HashSortTest, SortedIntoAListTheRangeStaysAsItWas) {
  Rng rng(5);
  std::vector<Entry> out = {{7, 7}};  // what was there is replaced
  for (size_t n : {0, 1, 31, 32, 33, 1000, 4097}) {
    std::vector<Entry> v;
    for (size_t i = 0; i < n; ++i) v.emplace_back(rng.Next() % (n / 4 + 1) * 0x9E3779B97F4A7C15ULL, static_cast<uint32_t>(rng.Next()));
    const std::vector<Entry> before = v;
    SortByUniformHashInto(v.data(), v.data() + v.size(), &out, KeyOf);
    EXPECT_EQ(out, Sorted(v)) << n << " values";
    EXPECT_EQ(v, before) << n << " values";
  }
}

TEST(HashSortTest, RepeatedHashesAreOrderedByTheRestOfTheValue) {
  // Runs of one hash (an n-gram seen several times) with their positions in
  // descending order: the sort must order each run by position too.
  Rng rng(2);
  std::vector<Entry> v;
  for (uint32_t i = 0; i < 3000; ++i) {
    const uint64_t h = rng.Next();
    const uint32_t copies = 1 + static_cast<uint32_t>(rng.Below(4));
    for (uint32_t c = 0; c < copies; ++c) v.emplace_back(h, 100000 - 4 * i - c);
  }
  const std::vector<Entry> want = Sorted(v);
  SortByUniformHash(&v, KeyOf);
  EXPECT_EQ(v, want);
}

TEST(HashSortTest, KeysThatAreNotUniformStillComeOutSorted) {
  // Small integers all fall in the first bucket, and half of the second
  // case's values share their top bits: buckets of thousands of values.
  Rng rng(3);
  std::vector<Entry> small, clustered;
  for (uint32_t i = 0; i < 5000; ++i) {
    small.emplace_back(rng.Below(1000), i);
    clustered.emplace_back(i % 2 ? rng.Next() : (uint64_t{0xABCD} << 48) | rng.Below(1 << 20), i);
  }
  for (std::vector<Entry>* v : {&small, &clustered}) {
    const std::vector<Entry> want = Sorted(*v);
    SortByUniformHash(v, KeyOf);
    EXPECT_EQ(*v, want);
  }
}

TEST(HashSortTest, ARangeIsSortedIntoAListByAKeyOfItsLowerBits) {
  // As boilerplate.cc sorts a group of buckets: values that share their
  // top 12 bits, keyed by the bits below them. The values around the range
  // are not taken.
  Rng rng(4);
  std::vector<Entry> v;
  v.emplace_back(UINT64_MAX, 7);
  const uint64_t base = uint64_t{0x5A5} << 52;
  for (uint32_t i = 0; i < 2500; ++i) v.emplace_back(base | (rng.Next() >> 12), i);
  v.emplace_back(0, 9);
  const std::vector<Entry> want = Sorted(std::vector<Entry>(v.begin() + 1, v.end() - 1));
  std::vector<Entry> out;
  SortByUniformHashInto(v.data() + 1, v.data() + v.size() - 1, &out,
                        [base](const Entry& e) { return (e.first - base) << 12; });
  EXPECT_EQ(out, want);
}

}  // namespace
}  // namespace doppel
