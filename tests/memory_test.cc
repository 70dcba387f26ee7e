// How find keeps within its memory budget: the arrays of per-position
// flags (set from many threads at once, a bit or a byte per position), and
// how the budget is shared between the tokens held in memory and the
// working tables of each step.
#include <gtest/gtest.h>

#include <tbb/parallel_for.h>

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "doppel/find.h"
#include "doppel/text.h"
#include "find/token_store.h"
#include "find/tokenized.h"
#include "test_util.h"
#include "util/atomic_bits.h"
#include "util/position_flags.h"

namespace {

using doppel::AtomicBits;

// Threads set bits that share 64-bit words (every third bit, in runs that
// cross word boundaries): none is lost, none is set that was not.
TEST(AtomicBits, ConcurrentSetsInOneWordAreAllKept) {
  const uint64_t size = 100003;  // not a multiple of 64
  std::vector<uint8_t> expected(size, 0);
  doppel_test::Rng rng(7);
  std::vector<uint64_t> order;
  for (uint64_t i = 0; i < size; ++i) {
    if (i % 3 == 0 || rng.Below(5) == 0) {
      expected[i] = 1;
      order.push_back(i);
    }
  }
  // In random order, so that neighbouring bits are set by different threads.
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
  for (int round = 0; round < 40; ++round) {
    AtomicBits bits(size);
    tbb::parallel_for(size_t{0}, order.size(), size_t{1}, [&](size_t i) { bits.Set(order[i]); });
    for (uint64_t i = 0; i < size; ++i) ASSERT_EQ(bits[i], expected[i] != 0) << "bit " << i << ", round " << round;
  }
}

TEST(AtomicBits, CountAndForEachSetMatchTheBits) {
  const uint64_t size = 1000;
  AtomicBits bits(size);
  std::vector<uint8_t> expected(size, 0);
  doppel_test::Rng rng(11);
  for (uint64_t i = 0; i < size; ++i) {
    if (rng.Below(3) == 0) {
      bits.Set(i);
      expected[i] = 1;
    }
  }
  EXPECT_EQ(bits.size(), size);
  for (int t = 0; t < 300; ++t) {
    uint64_t b = rng.Below(size + 1), e = rng.Below(size + 1);
    if (b > e) std::swap(b, e);
    uint64_t count = 0;
    for (uint64_t i = b; i < e; ++i) count += expected[i];
    EXPECT_EQ(bits.Count(b, e), count) << "[" << b << ", " << e << ")";
    std::vector<uint64_t> set, want;
    bits.ForEachSet(b, e, [&](uint64_t i) { set.push_back(i); });
    for (uint64_t i = b; i < e; ++i) {
      if (expected[i]) want.push_back(i - b);
    }
    EXPECT_EQ(set, want) << "[" << b << ", " << e << ")";
  }
  EXPECT_EQ(bits.Count(0, size), bits.Count(0, 64) + bits.Count(64, size));
}

// Ranges at and across word boundaries, empty ranges, an empty array.
TEST(AtomicBits, RangesAtWordBoundaries) {
  AtomicBits empty(0);
  EXPECT_EQ(empty.Count(0, 0), 0u);
  int calls = 0;
  empty.ForEachSet(0, 0, [&](uint64_t) { ++calls; });
  EXPECT_EQ(calls, 0);
  AtomicBits bits(192);  // three whole words
  for (uint64_t i : {0, 62, 63, 64, 65, 127, 128, 191}) bits.Set(i);
  auto set = [&](uint64_t b, uint64_t e) {
    std::vector<uint64_t> out;
    bits.ForEachSet(b, e, [&](uint64_t i) { out.push_back(b + i); });
    EXPECT_EQ(bits.Count(b, e), out.size()) << "[" << b << ", " << e << ")";
    return out;
  };
  EXPECT_EQ(set(0, 192), (std::vector<uint64_t>{0, 62, 63, 64, 65, 127, 128, 191}));
  EXPECT_EQ(set(64, 128), (std::vector<uint64_t>{64, 65, 127}));
  EXPECT_EQ(set(63, 65), (std::vector<uint64_t>{63, 64}));
  EXPECT_EQ(set(0, 64), (std::vector<uint64_t>{0, 62, 63}));
  EXPECT_EQ(set(128, 192), (std::vector<uint64_t>{128, 191}));
  EXPECT_EQ(set(1, 62), std::vector<uint64_t>{});
  EXPECT_EQ(set(70, 70), std::vector<uint64_t>{});
  EXPECT_EQ(set(191, 192), std::vector<uint64_t>{191});
}

// Writers that set bits in order, one per range of positions, on ranges
// that meet inside words (as the n-gram sort's groups and the postings'
// blocks of runs do): every bit of every range arrives, when the writer
// moves to another word, at a flush (and bits set after it in the same
// word), or when the writer goes; none that was not set. Some writers set
// theirs in descending order, which is right, only slower.
TEST(AtomicBits, WritersInOrderOnRangesThatShareWordsKeepEveryBit) {
  const uint64_t size = 50021;
  doppel_test::Rng rng(13);
  // Ranges of 1 to 150 bits: most start and end inside a word.
  std::vector<uint64_t> starts = {0};
  while (starts.back() < size) starts.push_back(std::min(size, starts.back() + 1 + rng.Below(150)));
  std::vector<uint8_t> expected(size, 0);
  for (uint64_t i = 0; i < size; ++i) expected[i] = rng.Below(3) == 0;
  for (int round = 0; round < 20; ++round) {
    AtomicBits bits(size);
    tbb::parallel_for(size_t{0}, starts.size() - 1, size_t{1}, [&](size_t r) {
      AtomicBits::InOrder writer(&bits);
      const uint64_t b = starts[r], e = starts[r + 1], middle = b + (e - b) / 2;
      if (r % 5 == 4) {
        for (uint64_t i = e; i-- > b;) {
          if (expected[i]) writer.Set(i);
        }
        return;
      }
      for (uint64_t i = b; i < e; ++i) {
        if (expected[i]) writer.Set(i);
        if (r % 3 == 1 && i == middle) writer.Flush();  // then more, maybe in the same word
      }
      if (r % 2 == 0) writer.Flush();  // else at the end of the scope
    });
    for (uint64_t i = 0; i < size; ++i) ASSERT_EQ(bits[i], expected[i] != 0) << "bit " << i << ", round " << round;
  }
}

// A byte per position or a bit per flag: the same answers, with positions
// set from many threads at once.
TEST(PositionFlags, BytesAndBitsAgree) {
  const uint64_t size = 5000;
  doppel_test::Rng rng(3);
  std::vector<uint8_t> mask(size);
  for (uint8_t& m : mask) m = rng.Below(2) == 0 ? 0 : static_cast<uint8_t>(rng.Below(8));
  doppel::PositionFlags bytes(size, 3, true), bits(size, 3, false);
  EXPECT_TRUE(bytes.bytes());
  EXPECT_FALSE(bits.bytes());
  EXPECT_EQ(bytes.memory_bytes(), size);
  EXPECT_LT(bits.memory_bytes(), size / 2);
  for (doppel::PositionFlags* f : {&bytes, &bits}) {
    tbb::parallel_for(uint64_t{0}, size, [&](uint64_t i) {
      if (mask[i] != 0) f->Set(i, mask[i]);
    });
  }
  for (int t = 0; t < 200; ++t) {
    uint64_t b = rng.Below(size + 1), e = rng.Below(size + 1);
    if (b > e) std::swap(b, e);
    for (int flag = 0; flag < 3; ++flag) {
      uint64_t count = 0;
      std::vector<uint64_t> want;
      for (uint64_t i = b; i < e; ++i) {
        if (mask[i] >> flag & 1) {
          ++count;
          want.push_back(i - b);
        }
      }
      for (const doppel::PositionFlags* f : {&bytes, &bits}) {
        EXPECT_EQ(f->Count(flag, b, e), count) << "flag " << flag << ", bytes " << f->bytes();
        std::vector<uint64_t> set;
        f->ForEachSet(flag, b, e, [&](uint64_t i) { set.push_back(i); });
        EXPECT_EQ(set, want) << "flag " << flag << ", bytes " << f->bytes();
      }
    }
  }
}

// Tokens of `count` documents of `each` tokens.
doppel::TokenStore Store(size_t memory, size_t count, size_t each, const std::string& dir) {
  doppel::TokenStore store(memory, dir);
  for (size_t d = 0; d < count; ++d) {
    std::vector<doppel::Token> tokens(each);
    for (size_t i = 0; i < each; ++i) tokens[i] = {d * 1000 + i, static_cast<uint32_t>(i), static_cast<uint32_t>(i + 1)};
    EXPECT_TRUE(store.Append(tokens).ok());
  }
  EXPECT_TRUE(store.Finish().ok());
  return store;
}

// The store packs tokens into 5 bytes (32-bit words, a byte of gap and
// length; begin and end after the document's offsets where those do not
// fit): every token comes back with its offsets, whatever their size, and
// the low 32 bits of its hash as its word, from memory and from the scratch
// file; words alone by document (ReadWords), by range (ForEachWords, in
// pieces) and for a list of documents (ForEachWordsOf).
TEST(FindMemory, TheStoreGivesBackEveryTokenInMemoryAndFromTheScratchFile) {
  doppel_test::TempDir dir;
  std::mt19937_64 rng(7);
  // Gaps and lengths around what a byte holds (0-7 and 0-31), and far beyond.
  const uint32_t gaps[] = {0, 1, 6, 7, 8, 9, 255, 65536, 1u << 20};
  const uint32_t lengths[] = {0, 1, 30, 31, 32, 33, 255, 65535, 1u << 20};
  std::vector<std::vector<doppel::Token>> docs(300);
  for (size_t d = 0; d < docs.size(); ++d) {
    uint32_t at = 0;
    const size_t count = d % 50 == 0 ? 0 : rng() % 200;  // a few documents without a token
    for (size_t i = 0; i < count; ++i) {
      // Mostly short gaps and words, sometimes one of the sizes above.
      const uint32_t gap = rng() % 4 == 0 ? gaps[rng() % std::size(gaps)] : static_cast<uint32_t>(rng() % 3);
      const uint32_t len = rng() % 4 == 0 ? lengths[rng() % std::size(lengths)] : 1 + static_cast<uint32_t>(rng() % 12);
      docs[d].push_back({rng(), at + gap, at + gap + len});
      at += gap + len;
    }
  }
  // And by hand: a document whose first token is escaped (far from the
  // start), then one that fits, one whose gap and length are both the
  // largest a byte holds (their byte would be the escape itself), one long
  // token and one far on; and one longer than a piece of the scratch file
  // and than a write (2^18 values each).
  docs[20] = {{1, 70000, 70004}, {2, 70005, 70009}, {3, 70016, 70047}, {4, 70047, 140047}, {5, 140047 + 65536, 140047 + 65540}};
  docs[21].clear();
  for (uint32_t i = 0; i < 250000; ++i) docs[21].push_back({rng(), 2 * i, 2 * i + 1});
  // Tokens out of order, which find does not make but the store keeps: one
  // that starts before the last ended, an empty one, one inside the last,
  // and offsets at the top of 32 bits.
  docs[22] = {{9, 5, 10}, {10, 3, 4}, {11, 4, 4}, {12, 2, 8}, {13, 8, 8}, {14, UINT32_MAX - 3, UINT32_MAX}};
  // Escaped: a gap or a length beyond a byte's share, or both the largest.
  auto escaped = [](const doppel::Token& t, uint32_t last_end) {
    const uint32_t gap = t.begin - last_end, len = t.end - t.begin;
    return gap > 7 || len > 31 || (gap == 7 && len == 31);
  };
  size_t escaped_first = 0, escaped_twice = 0, largest = 0;  // documents with an escaped token first, with two or more
  uint64_t bytes = 0;  // the records: words, offset bytes in whole values, two values per escaped token
  for (const auto& t : docs) {
    size_t n = 0;
    for (size_t i = 0; i < t.size(); ++i) {
      const uint32_t last_end = i == 0 ? 0 : t[i - 1].end;
      n += escaped(t[i], last_end);
      largest += t[i].begin - last_end == 7 && t[i].end - t[i].begin == 31;
    }
    escaped_first += !t.empty() && escaped(t[0], 0);
    escaped_twice += n >= 2;
    bytes += 4 * (t.size() + (t.size() + 3) / 4 + 2 * n);
    EXPECT_EQ(doppel::TokenStore::PackedBytes(t), 4 * (t.size() + (t.size() + 3) / 4 + 2 * n));
  }
  ASSERT_GE(escaped_first, 1u);
  ASSERT_GE(escaped_twice, 1u);
  ASSERT_GE(largest, 1u);
  for (size_t memory : {size_t{1} << 30, size_t{1}, size_t{4096}}) {
    doppel::TokenStore store(memory, dir.path());
    for (const auto& t : docs) ASSERT_TRUE(store.Append(t).ok());
    ASSERT_TRUE(store.Finish().ok());
    EXPECT_EQ(store.bytes(), bytes);
    EXPECT_EQ(store.spilled(), memory < bytes);
    EXPECT_EQ(store.memory_bytes(), store.spilled() ? 0 : bytes);
    auto same = [&](size_t d, std::span<const doppel::Token> got) {
      ASSERT_EQ(got.size(), docs[d].size()) << "document " << d << ", memory " << memory;
      for (size_t i = 0; i < got.size(); ++i) {
        const doppel::Token& want = docs[d][i];
        EXPECT_EQ(got[i].hash, want.hash & UINT32_MAX) << "document " << d << ", token " << i;
        EXPECT_EQ(got[i].begin, want.begin) << "document " << d << ", token " << i;
        EXPECT_EQ(got[i].end, want.end) << "document " << d << ", token " << i;
      }
    };
    std::vector<doppel::Token> buf;
    std::span<const doppel::Token> tokens;
    for (size_t d = docs.size(); d-- > 0;) {  // backwards: no state carried from the last read
      ASSERT_TRUE(store.Read(d, &buf, &tokens).ok());
      same(d, tokens);
    }
    // Words alone, by document and by range (in pieces from the file).
    auto same_words = [&](size_t d, std::span<const uint32_t> got) {
      ASSERT_EQ(got.size(), docs[d].size()) << "document " << d << ", memory " << memory;
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i], docs[d][i].hash & UINT32_MAX) << "document " << d << ", token " << i;
      }
    };
    std::vector<uint32_t> word_buf;
    std::span<const uint32_t> words;
    for (size_t d = 0; d < docs.size(); ++d) {
      ASSERT_TRUE(store.ReadWords(d, &word_buf, &words).ok());
      same_words(d, words);
    }
    size_t seen = 0;
    ASSERT_TRUE(store.ForEachWords(13, 271, [&](size_t d, std::span<const uint32_t> w) {
      EXPECT_EQ(d, 13 + seen++);
      same_words(d, w);
    }).ok());
    EXPECT_EQ(seen, 271u - 13u);
    const std::vector<uint32_t> some = {0, 5, 50, 299};
    std::vector<int> visited(some.size(), 0);
    ASSERT_TRUE(store.ForEachWordsOf(some, [&](size_t i, uint32_t d, std::span<const uint32_t> w) {
      ++visited[i];
      EXPECT_EQ(d, some[i]);
      same_words(d, w);
    }).ok());
    EXPECT_EQ(visited, std::vector<int>(some.size(), 1));
  }
}

// One list packed into again and again, as the reading threads do with
// their slots: documents long and short, and an empty one, each come back
// as they were, whether the store keeps records in memory (Append takes
// the list) or writes them to the scratch file (Append copies it and the
// list keeps its values for the next document to be packed over).
TEST(FindMemory, AListPackedIntoAgainHoldsOnlyItsNewDocument) {
  doppel_test::TempDir dir;
  std::vector<std::vector<doppel::Token>> docs(5);
  uint32_t at = 0;
  for (uint32_t i = 0; i < 41; ++i, at += 3) docs[0].push_back({1000 + i, at + 1 + i % 2, at + 3});
  docs[1] = {{7, 0, 2}, {8, 3, 5}, {9, 100, 140}};  // the last escaped: a long gap and length
  docs[2] = {{10, 1, 3}, {11, 4, 9}};
  docs[4] = docs[0];
  for (size_t memory : {size_t{1} << 30, size_t{1}}) {
    doppel::TokenStore store(memory, dir.path());
    doppel::PackedTokens packed;
    for (const auto& t : docs) {
      doppel::TokenStore::Pack(t, &packed);
      EXPECT_EQ(packed.values.size() * 4, doppel::TokenStore::PackedBytes(t));
      ASSERT_TRUE(store.Append(std::move(packed)).ok());
    }
    ASSERT_TRUE(store.Finish().ok());
    EXPECT_EQ(store.spilled(), memory == 1);
    std::vector<doppel::Token> buf;
    std::span<const doppel::Token> got;
    for (size_t d = 0; d < docs.size(); ++d) {
      ASSERT_TRUE(store.Read(d, &buf, &got).ok());
      ASSERT_EQ(got.size(), docs[d].size()) << "document " << d << ", memory " << memory;
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].hash, docs[d][i].hash) << "document " << d << ", token " << i;
        EXPECT_EQ(got[i].begin, docs[d][i].begin) << "document " << d << ", token " << i;
        EXPECT_EQ(got[i].end, docs[d][i].end) << "document " << d << ", token " << i;
      }
    }
  }
}

// Records stay in memory while their bytes are at most the budget: one of
// 8 tokens (40 bytes) in a budget of 40, not of 39.
TEST(FindMemory, ARecordAsLargeAsTheBudgetStaysInMemory) {
  doppel_test::TempDir dir;
  std::vector<doppel::Token> tokens;
  for (uint32_t i = 0; i < 8; ++i) tokens.push_back({i, 2 * i, 2 * i + 1});
  ASSERT_EQ(doppel::TokenStore::PackedBytes(tokens), 40u);
  for (size_t memory : {size_t{40}, size_t{39}}) {
    doppel::TokenStore store(memory, dir.path());
    ASSERT_TRUE(store.Append(tokens).ok());
    ASSERT_TRUE(store.Finish().ok());
    EXPECT_EQ(store.spilled(), memory < 40) << "budget " << memory;
    EXPECT_EQ(store.bytes(), 40u);
  }
}

// The tokens are held in memory up to half of the budget; the working
// tables get what they leave, never less than half.
TEST(FindMemory, TokensTakeAtMostHalfOfTheBudget) {
  doppel_test::TempDir dir;
  doppel::FindOptions options;
  options.memory = 64 * 1024;
  EXPECT_EQ(doppel::TokenMemory(options), options.memory / 2);
  const size_t token = 5;  // a word and an offset byte (Store's documents: 100 tokens, no escapes)
  // 1,000 tokens (5,000 bytes): in memory, under a tenth of the budget.
  {
    doppel::TokenStore store = Store(doppel::TokenMemory(options), 10, 100, dir.path());
    EXPECT_FALSE(store.spilled());
    EXPECT_EQ(store.memory_bytes(), 1000 * token);
    EXPECT_EQ(doppel::WorkingMemory(options, store), options.memory - 1000 * token);
  }
  // 8,000 tokens (40,000 bytes): within the budget but beyond its half, so
  // they go to the scratch file and the working tables get all of it.
  {
    doppel::TokenStore store = Store(doppel::TokenMemory(options), 80, 100, dir.path());
    EXPECT_TRUE(store.spilled());
    EXPECT_EQ(store.memory_bytes(), 0u);
    EXPECT_EQ(store.bytes(), 8000 * token);
    EXPECT_EQ(doppel::WorkingMemory(options, store), options.memory);
    std::vector<doppel::Token> buf;
    std::span<const doppel::Token> tokens;
    ASSERT_TRUE(store.Read(79, &buf, &tokens).ok());
    ASSERT_EQ(tokens.size(), 100u);
    EXPECT_EQ(tokens[7].hash, 79 * 1000 + 7u);
    EXPECT_EQ(tokens[7].begin, 7u);
    EXPECT_EQ(tokens[7].end, 8u);
  }
  // A store that holds more than half (built with a larger budget) still
  // leaves half to the working tables.
  {
    doppel::TokenStore store = Store(options.memory, 80, 100, dir.path());
    EXPECT_FALSE(store.spilled());
    EXPECT_EQ(doppel::WorkingMemory(options, store), options.memory / 2);
  }
  options.memory = 1;
  EXPECT_EQ(doppel::TokenMemory(options), 1u);
  EXPECT_EQ(doppel::WorkingMemory(options, doppel::TokenStore(1, dir.path())), 1u);
}

}  // namespace
