// WearCounters: per-block P/E cycles and reads since erase, and the run-wide maxima.
#include "flash/wear_counters.h"

#include <gtest/gtest.h>

namespace kvnand {
namespace {

/// 2 planes x 3 blocks.
FlashGeometry small_geometry() {
  FlashGeometry g;
  g.page_data_bytes = 16;
  g.pages_per_block = 4;
  g.blocks_per_plane = 3;
  g.planes_per_die = 2;
  return g;
}

class WearCountersTest : public testing::Test {
 protected:
  WearCounters wear{small_geometry()};

  void reads(std::uint32_t plane, std::uint32_t block, int n) {
    for (int i = 0; i < n; ++i) wear.record_read(PlaneId(plane), BlockId(block));
  }
  void erases(std::uint32_t plane, std::uint32_t block, int n) {
    for (int i = 0; i < n; ++i) wear.record_erase(PlaneId(plane), BlockId(block));
  }
  std::uint32_t reads_of(std::uint32_t plane, std::uint32_t block) const {
    return wear.reads_since_erase(PlaneId(plane), BlockId(block));
  }
  std::uint32_t pe_of(std::uint32_t plane, std::uint32_t block) const {
    return wear.pe_cycles(PlaneId(plane), BlockId(block));
  }
};

TEST_F(WearCountersTest, StartsAtZero) {
  for (std::uint32_t plane = 0; plane < 2; ++plane)
    for (std::uint32_t block = 0; block < 3; ++block) {
      EXPECT_EQ(reads_of(plane, block), 0u);
      EXPECT_EQ(pe_of(plane, block), 0u);
    }
  EXPECT_EQ(wear.max_pe_cycles(), 0u);
  EXPECT_EQ(wear.max_block_reads(), 0u);
}

TEST_F(WearCountersTest, ReadCountsOnlyThatBlock) {
  reads(1, 1, 3);
  reads(0, 2, 1);
  for (std::uint32_t plane = 0; plane < 2; ++plane)
    for (std::uint32_t block = 0; block < 3; ++block) {
      const std::uint32_t expected = plane == 1 && block == 1 ? 3 : plane == 0 && block == 2 ? 1 : 0;
      EXPECT_EQ(reads_of(plane, block), expected) << plane << "/" << block;
      EXPECT_EQ(pe_of(plane, block), 0u);
    }
  EXPECT_EQ(wear.max_block_reads(), 3u);
  EXPECT_EQ(wear.max_pe_cycles(), 0u);
}

TEST_F(WearCountersTest, EraseResetsReadsAndCountsACycle) {
  reads(0, 1, 4);
  reads(1, 1, 2);  // same block index, other plane: must keep its reads
  erases(0, 1, 1);
  EXPECT_EQ(reads_of(0, 1), 0u);
  EXPECT_EQ(pe_of(0, 1), 1u);
  EXPECT_EQ(reads_of(1, 1), 2u);
  EXPECT_EQ(pe_of(1, 1), 0u);
  EXPECT_EQ(pe_of(0, 0), 0u);
  EXPECT_EQ(pe_of(0, 2), 0u);

  erases(0, 1, 2);
  EXPECT_EQ(pe_of(0, 1), 3u);
  reads(0, 1, 1);
  EXPECT_EQ(reads_of(0, 1), 1u);
}

TEST_F(WearCountersTest, MaxPeCyclesIsTheHighestBlock) {
  erases(0, 0, 2);
  erases(1, 2, 5);
  erases(0, 2, 3);
  EXPECT_EQ(pe_of(1, 2), 5u);
  EXPECT_EQ(wear.max_pe_cycles(), 5u);
}

TEST_F(WearCountersTest, MaxBlockReadsSurvivesTheErase) {
  reads(1, 0, 7);
  reads(0, 0, 2);
  EXPECT_EQ(wear.max_block_reads(), 7u);
  erases(1, 0, 1);
  EXPECT_EQ(reads_of(1, 0), 0u);
  EXPECT_EQ(wear.max_block_reads(), 7u);  // the peak reached before the erase is kept
  reads(1, 0, 5);
  EXPECT_EQ(wear.max_block_reads(), 7u);
  reads(1, 0, 3);  // 8 reads since the erase: a new peak
  EXPECT_EQ(wear.max_block_reads(), 8u);
}

}  // namespace
}  // namespace kvnand
