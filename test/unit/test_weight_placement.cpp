// WeightPlacement: page counts of row layouts (wide rows, packed rows, 4-bit weights, fused
// parts), the split over plane slots with the rotating remainder cursor, and output rows per die.
#include "dataflow/weight_placement.h"

#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace kvnand {
namespace {

constexpr std::uint32_t kPage = 4096;
constexpr std::uint32_t kBf16 = 16;

std::vector<std::uint32_t> planes_of(const DieGemvWork& work, std::uint32_t planes) {
  return std::vector<std::uint32_t>(work.pages_per_plane.begin(), work.pages_per_plane.begin() + planes);
}

TEST(WeightPlacement, SquareBf16MatrixSplitsEvenlyOverEightPlanes) {
  WeightPlacement placement(2, 4, kPage, kBf16);
  // A row is 4096 x 2 B = 8 KB = 2 pages: 4096 rows x 2 = 8192 pages, 1024 per plane.
  const auto h = placement.place({{4096, 4096}});
  EXPECT_EQ(placement.pages(h), 8192u);
  const auto& work = placement.work(h);
  ASSERT_EQ(work.size(), 2u);
  for (std::uint32_t d = 0; d < 2; ++d) {
    EXPECT_EQ(work[d].die_index, d);
    EXPECT_EQ(planes_of(work[d], 4), (std::vector<std::uint32_t>{1024, 1024, 1024, 1024}));
    // Die 0 holds pages 0..4095 = rows 0..2047, die 1 rows 2048..4095.
    EXPECT_EQ(work[d].output_rows, 2048u);
    for (std::uint32_t p = 4; p < PlaneMask::kMaxPlanes; ++p) EXPECT_EQ(work[d].pages_per_plane[p], 0u);
  }
  EXPECT_EQ(placement.weights_per_page(), 2048u);
  EXPECT_EQ(placement.total_pages(), 8192u);
  EXPECT_EQ(placement.max_pages_on_a_plane(), 1024u);
  EXPECT_EQ(placement.pages_on_plane(1, PlaneId(3)), 1024u);
}

TEST(WeightPlacement, RemainderPagesRotateOverThePlanes) {
  WeightPlacement placement(2, 2, kPage, kBf16);  // 4 slots: (0,0) (0,1) (1,0) (1,1)
  // 10 rows of 2048 BF16 = one page each: 10 pages = 2 per slot + 2 extra.
  const auto a = placement.place({{10, 2048}});
  const auto& wa = placement.work(a);
  ASSERT_EQ(wa.size(), 2u);
  // Cursor 0: slots 0 and 1 get 3 pages -> die 0 holds pages 0..5, die 1 pages 6..9.
  EXPECT_EQ(planes_of(wa[0], 2), (std::vector<std::uint32_t>{3, 3}));
  EXPECT_EQ(planes_of(wa[1], 2), (std::vector<std::uint32_t>{2, 2}));
  EXPECT_EQ(wa[0].output_rows, 6u);
  EXPECT_EQ(wa[1].output_rows, 4u);

  // Cursor 2: slots 2 and 3 get the extra pages now.
  const auto b = placement.place({{10, 2048}});
  const auto& wb = placement.work(b);
  EXPECT_EQ(planes_of(wb[0], 2), (std::vector<std::uint32_t>{2, 2}));
  EXPECT_EQ(planes_of(wb[1], 2), (std::vector<std::uint32_t>{3, 3}));
  EXPECT_EQ(wb[0].output_rows, 4u);
  EXPECT_EQ(wb[1].output_rows, 6u);

  // Cursor 0 again: 3 pages go to slots 0, 1, 2.
  const auto c = placement.place({{3, 2048}});
  const auto& wc = placement.work(c);
  ASSERT_EQ(wc.size(), 2u);
  EXPECT_EQ(planes_of(wc[0], 2), (std::vector<std::uint32_t>{1, 1}));
  EXPECT_EQ(planes_of(wc[1], 2), (std::vector<std::uint32_t>{1, 0}));

  // Cursor 3: 3 pages go to slots 3, 0, 1 (wrapping); slot 3's page is the last one.
  const auto d = placement.place({{3, 2048}});
  const auto& wd = placement.work(d);
  ASSERT_EQ(wd.size(), 2u);
  EXPECT_EQ(planes_of(wd[0], 2), (std::vector<std::uint32_t>{1, 1}));
  EXPECT_EQ(planes_of(wd[1], 2), (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(wd[0].output_rows, 2u);
  EXPECT_EQ(wd[1].output_rows, 1u);

  // Cursor 2: a single page lands on slot 2, so only die 1 appears.
  const auto e = placement.place({{1, 2048}});
  const auto& we = placement.work(e);
  ASSERT_EQ(we.size(), 1u);
  EXPECT_EQ(we[0].die_index, 1u);
  EXPECT_EQ(planes_of(we[0], 2), (std::vector<std::uint32_t>{1, 0}));
  EXPECT_EQ(we[0].output_rows, 1u);

  // Slot totals: 0: 3+2+1+1 = 7, 1: 7, 2: 2+3+1+0+1 = 7, 3: 2+3+0+1 = 6.
  EXPECT_EQ(placement.pages_on_plane(0, PlaneId(0)), 7u);
  EXPECT_EQ(placement.pages_on_plane(0, PlaneId(1)), 7u);
  EXPECT_EQ(placement.pages_on_plane(1, PlaneId(0)), 7u);
  EXPECT_EQ(placement.pages_on_plane(1, PlaneId(1)), 6u);
  EXPECT_EQ(placement.total_pages(), 27u);
  EXPECT_EQ(placement.max_pages_on_a_plane(), 7u);
}

TEST(WeightPlacement, FourBitWeightsHalveTheRowFootprint) {
  WeightPlacement bf16(1, 4, kPage, kBf16);
  WeightPlacement int4(1, 4, kPage, 4);
  EXPECT_EQ(int4.weights_per_page(), 8192u);
  // A row of 11008 weights: 22016 B -> 6 pages at BF16; 5504 B -> 2 pages at 4 bits.
  EXPECT_EQ(bf16.pages(bf16.place({{4096, 11008}})), 24576u);
  EXPECT_EQ(int4.pages(int4.place({{4096, 11008}})), 8192u);
  // Bit arithmetic: 8191 x 4 bits = 32764 bits fit one page, 8193 x 4 = 32772 bits need two.
  EXPECT_EQ(int4.pages(int4.place({{10, 8191}})), 10u);
  EXPECT_EQ(int4.pages(int4.place({{10, 8193}})), 20u);
  // 3 x 4 bits = 12 bits per row: 2730 rows per page, 6000 rows -> 3 pages.
  EXPECT_EQ(int4.pages(int4.place({{6000, 3}})), 3u);
}

TEST(WeightPlacement, ShortRowsSharePages) {
  WeightPlacement placement(2, 1, kPage, kBf16);
  // 512 BF16 = 1 KB per row: 4 rows per page, 10 rows -> 3 pages; die 0 gets 2 (rows 0..7).
  const auto h = placement.place({{10, 512}});
  EXPECT_EQ(placement.pages(h), 3u);
  const auto& work = placement.work(h);
  ASSERT_EQ(work.size(), 2u);
  EXPECT_EQ(work[0].pages_per_plane[0], 2u);
  EXPECT_EQ(work[0].output_rows, 8u);
  EXPECT_EQ(work[1].pages_per_plane[0], 1u);
  EXPECT_EQ(work[1].output_rows, 2u);
}

TEST(WeightPlacement, RowSplitOverTwoDiesCountsOnBoth) {
  WeightPlacement placement(2, 1, kPage, kBf16);
  // 3 rows of 2 pages: die 0 pages 0..2 (rows 0, 1), die 1 pages 3..5 (rows 1, 2).
  const auto h = placement.place({{3, 4096}});
  const auto& work = placement.work(h);
  ASSERT_EQ(work.size(), 2u);
  EXPECT_EQ(work[0].output_rows, 2u);
  EXPECT_EQ(work[1].output_rows, 2u);
}

TEST(WeightPlacement, FusedPartsEachStartOnAFreshPage) {
  // A: 5 rows of 1 KB -> 2 pages (4 + 1 rows); B: 3 rows of 1 KB -> 1 page. 3 pages, not 2.
  WeightPlacement one_die(1, 3, kPage, kBf16);
  const auto h = one_die.place({{5, 512}, {3, 512}});
  EXPECT_EQ(one_die.pages(h), 3u);
  ASSERT_EQ(one_die.work(h).size(), 1u);
  EXPECT_EQ(one_die.work(h)[0].output_rows, 8u);

  WeightPlacement three_dies(3, 1, kPage, kBf16);
  const auto g = three_dies.place({{5, 512}, {3, 512}});
  const auto& work = three_dies.work(g);
  ASSERT_EQ(work.size(), 3u);
  EXPECT_EQ(work[0].output_rows, 4u);  // A rows 0..3
  EXPECT_EQ(work[1].output_rows, 1u);  // A row 4
  EXPECT_EQ(work[2].output_rows, 3u);  // B rows 0..2
}

TEST(WeightPlacement, RejectsEmptyOrZeroSizedMatrices) {
  WeightPlacement placement(1, 2, kPage, kBf16);
  EXPECT_THROW(placement.place({}), std::invalid_argument);
  EXPECT_THROW(placement.place({{0, 16}}), std::invalid_argument);
  EXPECT_THROW(placement.place({{16, 16}, {16, 0}}), std::invalid_argument);
  EXPECT_EQ(placement.total_pages(), 0u);
  EXPECT_THROW(placement.work(0), std::out_of_range);
  EXPECT_THROW(WeightPlacement(0, 2, kPage, kBf16), std::invalid_argument);
  EXPECT_THROW(WeightPlacement(1, 65, kPage, kBf16), std::invalid_argument);
  EXPECT_THROW(WeightPlacement(1, 2, 1, kBf16), std::invalid_argument);
}

}  // namespace
}  // namespace kvnand
