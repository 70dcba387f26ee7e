// The candidate index's store: what comes back is what went in, in order,
// from memory and from the scratch file, including lists cut by the pieces
// the file is read in and a list longer than a piece.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "find/posting_store.h"
#include "test_util.h"

namespace {

using doppel::PostingStore;

// Random lists in blocks of [count, docs...]; returns the lists in order.
std::vector<std::vector<uint32_t>> Fill(PostingStore* store, uint64_t seed) {
  doppel_test::Rng rng(seed);
  std::vector<std::vector<uint32_t>> lists;
  for (int b = 0; b < 40; ++b) {
    std::vector<uint32_t> block;
    const uint64_t count = rng.Below(3000);
    for (uint64_t l = 0; l < count; ++l) {
      // Mostly pairs, some long lists, one longer than a read piece (2^18 words).
      const uint64_t len = b == 17 && l == 5 ? 300000 : rng.Below(8) == 0 ? 2 + rng.Below(200) : 2;
      std::vector<uint32_t> list;
      for (uint64_t i = 0; i < len; ++i) list.push_back(static_cast<uint32_t>(rng.Below(1u << 30)));
      block.push_back(static_cast<uint32_t>(len));
      block.insert(block.end(), list.begin(), list.end());
      lists.push_back(std::move(list));
    }
    EXPECT_TRUE(store->Append(std::move(block)).ok());
  }
  EXPECT_TRUE(store->Finish().ok());
  return lists;
}

std::vector<std::vector<uint32_t>> ReadBack(const PostingStore& store) {
  std::vector<std::vector<uint32_t>> out;
  EXPECT_TRUE(store.ForEachList([&](std::span<const uint32_t> l) { out.emplace_back(l.begin(), l.end()); }).ok());
  return out;
}

TEST(PostingStore, InMemoryGivesBackTheLists) {
  PostingStore store;
  const auto lists = Fill(&store, 1);
  EXPECT_FALSE(store.spilled());
  EXPECT_EQ(ReadBack(store), lists);
}

TEST(PostingStore, ScratchFileGivesBackTheLists) {
  for (size_t memory : {size_t{0}, size_t{1} << 16, size_t{1} << 22}) {
    PostingStore store(memory, "/tmp");
    const auto lists = Fill(&store, 2);
    EXPECT_TRUE(store.spilled()) << memory;
    EXPECT_EQ(ReadBack(store), lists) << memory;
    EXPECT_EQ(ReadBack(store), lists) << "read twice, " << memory;
  }
}

TEST(PostingStore, AMissingScratchFolderIsAClearError) {
  PostingStore store(0, "/nonexistent/doppel-test");
  std::vector<uint32_t> block = {2, 1, 2};
  const doppel::Status st = store.Append(std::move(block));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("--tmp-dir"), std::string::npos) << st.message();
}

}  // namespace
