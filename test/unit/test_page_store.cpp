// PageStore: sparse page contents of one die (erased / programmed / timing-only pages, erase).
#include "flash/page_store.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace kvnand {
namespace {

using Bytes = std::vector<std::uint8_t>;

/// Small die: 2 planes x 3 blocks x 70 pages (70 > 64, so a block's bitmap spans two words).
FlashGeometry small_geometry() {
  FlashGeometry g;
  g.page_data_bytes = 16;
  g.page_spare_bytes = 2;
  g.pages_per_block = 70;
  g.blocks_per_plane = 3;
  g.planes_per_die = 2;
  return g;
}

/// A page content unique to (plane, block, page), with no byte equal to 0x00 or 0xFF.
Bytes pattern(std::uint32_t plane, std::uint32_t block, std::uint32_t page, std::size_t size) {
  Bytes b(size);
  for (std::size_t i = 0; i < size; ++i)
    b[i] = static_cast<std::uint8_t>(1 + (plane * 61 + block * 29 + page * 7 + i) % 250);
  return b;
}

class PageStoreTest : public testing::Test {
 protected:
  FlashGeometry geometry = small_geometry();
  PageStore store{geometry};

  Bytes read(std::uint32_t plane, std::uint32_t block, std::uint32_t page) const {
    Bytes out(geometry.page_data_bytes, 0xA5);  // neither fill value, so a missed write shows
    store.read(PlaneId(plane), BlockId(block), PageId(page), out.data());
    return out;
  }
  void program(std::uint32_t plane, std::uint32_t block, std::uint32_t page, const Bytes& data) {
    store.program(PlaneId(plane), BlockId(block), PageId(page), data.data());
  }
  void program_timing_only(std::uint32_t plane, std::uint32_t block, std::uint32_t page) {
    store.program(PlaneId(plane), BlockId(block), PageId(page), nullptr);
  }
  bool programmed(std::uint32_t plane, std::uint32_t block, std::uint32_t page) const {
    return store.is_programmed(PlaneId(plane), BlockId(block), PageId(page));
  }
  Bytes filled(std::uint8_t byte) const { return Bytes(geometry.page_data_bytes, byte); }
  Bytes pat(std::uint32_t plane, std::uint32_t block, std::uint32_t page) const {
    return pattern(plane, block, page, geometry.page_data_bytes);
  }
};

TEST_F(PageStoreTest, UnwrittenPagesReadErasedAndCostNoMemory) {
  EXPECT_EQ(PageStore::kErasedByte, 0xFF);
  for (std::uint32_t plane = 0; plane < 2; ++plane)
    for (std::uint32_t block = 0; block < 3; ++block)
      for (std::uint32_t page : {0u, 63u, 64u, 69u}) {
        EXPECT_EQ(read(plane, block, page), filled(0xFF)) << plane << "/" << block << "/" << page;
        EXPECT_FALSE(programmed(plane, block, page));
      }
  EXPECT_EQ(store.stored_pages(), 0u);
}

TEST_F(PageStoreTest, ProgrammedDataReadsBackExactly) {
  const Bytes data = pat(1, 2, 5);
  program(1, 2, 5, data);
  EXPECT_TRUE(programmed(1, 2, 5));
  EXPECT_EQ(read(1, 2, 5), data);
  EXPECT_EQ(store.stored_pages(), 1u);
  // The neighbouring pages of the same block stay erased.
  EXPECT_FALSE(programmed(1, 2, 4));
  EXPECT_FALSE(programmed(1, 2, 6));
  EXPECT_EQ(read(1, 2, 4), filled(0xFF));
  EXPECT_EQ(read(1, 2, 6), filled(0xFF));
}

TEST_F(PageStoreTest, TimingOnlyProgramReadsZeroAndStoresNothing) {
  EXPECT_EQ(PageStore::kTimingOnlyByte, 0x00);
  program_timing_only(0, 1, 66);
  EXPECT_TRUE(programmed(0, 1, 66));
  EXPECT_EQ(read(0, 1, 66), filled(0x00));
  EXPECT_EQ(store.stored_pages(), 0u);
  EXPECT_FALSE(programmed(0, 1, 2));  // bit 66 lives in the second bitmap word; page 2 in the first
  EXPECT_EQ(read(0, 1, 2), filled(0xFF));
}

TEST_F(PageStoreTest, PagesOfDifferentPlanesBlocksAndPagesDoNotAlias) {
  const std::uint32_t planes[] = {0, 1};
  const std::uint32_t blocks[] = {0, 2};
  const std::uint32_t pages[] = {0, 63, 64, 69};
  for (auto plane : planes)
    for (auto block : blocks)
      for (auto page : pages) program(plane, block, page, pat(plane, block, page));
  EXPECT_EQ(store.stored_pages(), 16u);
  for (auto plane : planes)
    for (auto block : blocks)
      for (auto page : pages) {
        EXPECT_TRUE(programmed(plane, block, page));
        EXPECT_EQ(read(plane, block, page), pat(plane, block, page)) << plane << "/" << block << "/" << page;
      }
  // Nothing leaked into the untouched middle block or the untouched pages.
  for (auto plane : planes) {
    for (std::uint32_t page = 0; page < geometry.pages_per_block; ++page) EXPECT_FALSE(programmed(plane, 1, page));
    EXPECT_FALSE(programmed(plane, 0, 1));
    EXPECT_FALSE(programmed(plane, 2, 62));
    EXPECT_FALSE(programmed(plane, 2, 65));
  }
}

TEST_F(PageStoreTest, ReprogrammingAPageReplacesItsData) {
  program(0, 0, 3, pat(0, 0, 3));
  program(0, 0, 3, pat(1, 1, 1));
  EXPECT_EQ(read(0, 0, 3), pat(1, 1, 1));
  EXPECT_EQ(store.stored_pages(), 1u);
}

TEST_F(PageStoreTest, EraseClearsExactlyThatBlockOfThatPlane) {
  for (std::uint32_t page : {0u, 10u, 69u}) program(0, 1, page, pat(0, 1, page));
  program_timing_only(0, 1, 64);
  program(0, 0, 69, pat(0, 0, 69));  // neighbouring block below
  program(0, 2, 0, pat(0, 2, 0));    // neighbouring block above
  program(1, 1, 10, pat(1, 1, 10));  // same block on the other plane
  program_timing_only(1, 1, 11);
  ASSERT_EQ(store.stored_pages(), 6u);

  store.erase(PlaneId(0), BlockId(1));

  for (std::uint32_t page : {0u, 10u, 64u, 69u}) {
    EXPECT_FALSE(programmed(0, 1, page)) << page;
    EXPECT_EQ(read(0, 1, page), filled(0xFF)) << page;
  }
  EXPECT_EQ(store.stored_pages(), 3u);
  EXPECT_EQ(read(0, 0, 69), pat(0, 0, 69));
  EXPECT_EQ(read(0, 2, 0), pat(0, 2, 0));
  EXPECT_EQ(read(1, 1, 10), pat(1, 1, 10));
  EXPECT_TRUE(programmed(1, 1, 11));
  EXPECT_EQ(read(1, 1, 11), filled(0x00));
}

TEST_F(PageStoreTest, ErasedBlockCanBeProgrammedAgain) {
  program(1, 0, 7, pat(1, 0, 7));
  store.erase(PlaneId(1), BlockId(0));
  store.erase(PlaneId(1), BlockId(0));  // erasing an erased block is harmless
  program(1, 0, 8, pat(1, 0, 8));
  EXPECT_FALSE(programmed(1, 0, 7));
  EXPECT_EQ(read(1, 0, 7), filled(0xFF));
  EXPECT_EQ(read(1, 0, 8), pat(1, 0, 8));
  EXPECT_EQ(store.stored_pages(), 1u);
}

}  // namespace
TEST_F(PageStoreTest, PartialProgramsOnlyClearBitsAndCombine) {
  const Bytes first = {0x12, 0x34};
  const Bytes second = {0x56, 0x78, 0x9A};
  store.program_part(PlaneId(1), BlockId(2), PageId(65), 0, first.data(), 2);
  Bytes expected(geometry.page_data_bytes, 0xFF);
  expected[0] = 0x12;
  expected[1] = 0x34;
  EXPECT_EQ(read(1, 2, 65), expected);
  EXPECT_TRUE(store.is_programmed(PlaneId(1), BlockId(2), PageId(65)));
  store.program_part(PlaneId(1), BlockId(2), PageId(65), 5, second.data(), 3);
  expected[5] = 0x56;
  expected[6] = 0x78;
  expected[7] = 0x9A;
  EXPECT_EQ(read(1, 2, 65), expected);
  // Programming over programmed bytes can only clear bits: 0x12 & 0xF0 = 0x10.
  const Bytes over = {0xF0};
  store.program_part(PlaneId(1), BlockId(2), PageId(65), 0, over.data(), 1);
  expected[0] = 0x10;
  EXPECT_EQ(read(1, 2, 65), expected);
}

}  // namespace kvnand
