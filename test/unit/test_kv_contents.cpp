// KvContents: page addresses and open-page bytes of functional KV streams.
#include "dataflow/kv_contents.h"

#include <cstdint>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace kvnand {
namespace {

/// 1 layer x 1 KV head, head_dim 4 at 16 bits: 8-byte tokens, 64-byte pages -> 8 tokens per page.
KvMapping small_mapping() { return KvMapping(1, 1, 4, 16, 1, 1, 64); }

std::vector<std::uint8_t> token(std::uint8_t fill) { return std::vector<std::uint8_t>(8, fill); }

TEST(KvContents, OpenPageHoldsTheTokensOfItsPageAndRestartsAtAPageBoundary) {
  const KvMapping mapping = small_mapping();
  KvContents contents(mapping, 0);
  EXPECT_TRUE(contents.has_values(0));
  for (std::uint8_t t = 0; t < 9; ++t) contents.record_token(0, t, token(static_cast<std::uint8_t>(t + 1)).data());
  const std::uint8_t* page = contents.open_page(0);
  // Token 8 opened page 1: it sits first, the rest of the page is zero.
  EXPECT_EQ(page[0], 9);
  EXPECT_EQ(page[7], 9);
  EXPECT_EQ(page[8], 0);
  EXPECT_EQ(page[63], 0);
  EXPECT_TRUE(contents.has_values(0));
  EXPECT_TRUE(contents.has_values(1));
}

TEST(KvContents, ATokenWithoutValuesMarksOnlyItsStream) {
  const KvMapping mapping = small_mapping();
  KvContents contents(mapping, 0);
  contents.record_token(1, 0, token(3).data());
  contents.record_token(1, 1, nullptr);
  EXPECT_FALSE(contents.has_values(1));
  EXPECT_TRUE(contents.has_values(0));
  EXPECT_EQ(contents.open_page(1)[8], 0);
  EXPECT_EQ(contents.open_page(1)[0], 3);
}

TEST(KvContents, PrefilledStreamsHaveNoValuesAndPagesCountFromTheOpenOne) {
  const KvMapping mapping = small_mapping();
  KvContents contents(mapping, 20);  // pages 0 and 1 pre-filled, page 2 open
  EXPECT_FALSE(contents.has_values(0));
  contents.record_page(0, KvPageAddress{0, BlockId(5), PageId(3)});
  EXPECT_EQ(contents.page_address(0, 2).block.value(), 5u);
  EXPECT_EQ(contents.page_address(0, 2).page.value(), 3u);
  EXPECT_THROW(contents.page_address(0, 1), std::out_of_range);
  EXPECT_THROW(contents.page_address(0, 3), std::out_of_range);
}

}  // namespace
}  // namespace kvnand
