// check_capacity and kv_first_free_blocks: the out-of-memory boundary lands exactly where the
// block counts say, for the shared (compact) and separate (discrete) die groups.
#include "dataflow/capacity.h"

#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace kvnand {
namespace {

constexpr std::uint32_t kPage = 4096;
constexpr std::uint32_t kBf16 = 16;

/// 1 die x 2 planes; 12 one-page rows: 6 pages (2 blocks of 4) per plane.
WeightPlacement tiny_weights() {
  WeightPlacement w(1, 2, kPage, kBf16);
  w.place({{12, 2048}});
  return w;
}

/// One layer, one KV head: stream K (0) starts on slot 0, V (1) on slot 1; 16 tokens per page.
KvMapping tiny_kv() { return KvMapping(1, 1, 128, kBf16, 1, 2, kPage); }

TEST(Capacity, SharedPlanesFitUpToTheLastFullBlock) {
  const WeightPlacement w = tiny_weights();
  const KvMapping kv = tiny_kv();
  // 512 tokens = 32 pages per stream, 16 of each kind per plane: 2 + 4 + 4 = 10 blocks of 10.
  const CapacityReport fits = check_capacity(w, kv, 512, 4, 10, kPage, true);
  EXPECT_FALSE(fits.oom);
  EXPECT_EQ(fits.reason, "");
  EXPECT_EQ(fits.weights_bytes, 12u * 4096);
  EXPECT_EQ(fits.kv_bytes, 64u * 4096);
  EXPECT_EQ(fits.available_bytes, 2u * 10 * 4 * 4096);

  // 513 tokens = 33 pages: plane 0 holds 17 K + 16 V pages -> 2 + 5 + 4 = 11 blocks.
  const CapacityReport over = check_capacity(w, kv, 513, 4, 10, kPage, true);
  EXPECT_TRUE(over.oom);
  EXPECT_EQ(over.kv_bytes, 66u * 4096);
  EXPECT_EQ(over.reason,
            "KV cache does not fit: die 0 plane 0 needs 11 blocks (2 weights + 5 K + 4 V), a plane has 10 "
            "(weights 0.00 GB + KV 0.00 GB at 513 tokens, available 0.00 GB)");
}

TEST(Capacity, SeparateDieGroupsCountOnlyKvOnKvPlanes) {
  const WeightPlacement w = tiny_weights();
  const KvMapping kv = tiny_kv();
  // 640 tokens = 40 pages per stream: 20 + 20 per plane -> 5 + 5 = 10 blocks.
  const CapacityReport fits = check_capacity(w, kv, 640, 4, 10, kPage, false);
  EXPECT_FALSE(fits.oom) << fits.reason;
  EXPECT_EQ(fits.available_bytes, 4u * 10 * 4 * 4096);
  const CapacityReport over = check_capacity(w, kv, 641, 4, 10, kPage, false);
  EXPECT_TRUE(over.oom);
  EXPECT_EQ(over.reason,
            "KV cache does not fit: KV die 0 plane 0 needs 11 blocks (6 K + 5 V), a plane has 10 "
            "(weights 0.00 GB + KV 0.00 GB at 641 tokens, available 0.00 GB)");
}

TEST(Capacity, LlamaEightBKvBoundaryOnOneDie) {
  // 32 layers x 8 KV heads = 512 streams over 32 planes; 768 pages per block, 177 blocks.
  // 8449 pages per stream: each stream's extra page lands on its own slot, so a plane gets 16
  // extra pages of one kind only: 89 + 88 = 177 blocks. 8450 pages give both kinds 16 extra
  // pages everywhere: 67600 pages = 89 blocks each, 178 in all.
  WeightPlacement w(1, 32, kPage, kBf16);
  w.place({{4096, 4096}});  // 8192 pages: 256 per plane, 1 block
  const KvMapping kv(32, 8, 128, kBf16, 1, 32, kPage, KvStreamStart::Consecutive);
  EXPECT_FALSE(check_capacity(w, kv, 8449u * 16, 768, 177, kPage, false).oom);
  const CapacityReport over = check_capacity(w, kv, 8449u * 16 + 1, 768, 177, kPage, false);
  EXPECT_TRUE(over.oom);
  EXPECT_EQ(over.kv_bytes, 512ull * 8450 * 4096);
  EXPECT_EQ(over.available_bytes, 64ull * 177 * 768 * 4096);
  EXPECT_EQ(over.reason,
            "KV cache does not fit: KV die 0 plane 0 needs 178 blocks (89 K + 89 V), a plane has 177 "
            "(weights 0.03 GB + KV 17.72 GB at 135185 tokens, available 35.63 GB)");
}

TEST(Capacity, SpreadStartsPutBothKindsExtraPagesOnEveryPlane) {
  // As above with the default starts: K stream of head h in layer l starts on slot 4h + l, its V
  // on 4h + 2 + l, so every plane gets 8 extra K and 8 extra V pages and 8449 pages need
  // 89 + 89 blocks, while 8448 pages (67584 of each kind = 88 blocks) fit.
  WeightPlacement w(1, 32, kPage, kBf16);
  w.place({{4096, 4096}});
  const KvMapping kv(32, 8, 128, kBf16, 1, 32, kPage);
  EXPECT_FALSE(check_capacity(w, kv, 8448u * 16, 768, 177, kPage, false).oom);
  const CapacityReport over = check_capacity(w, kv, 8448u * 16 + 1, 768, 177, kPage, false);
  EXPECT_TRUE(over.oom);
  EXPECT_NE(over.reason.find("needs 178 blocks (89 K + 89 V)"), std::string::npos) << over.reason;
}

TEST(Capacity, WeightsThatDoNotFitAreNamedFirst) {
  // 131072 x 131072 BF16: 64 pages per row, 8388608 pages, 262144 per plane = 342 blocks.
  WeightPlacement w(1, 32, kPage, kBf16);
  w.place({{131072, 131072}});
  const KvMapping kv(1, 1, 128, kBf16, 1, 32, kPage);
  const CapacityReport report = check_capacity(w, kv, 0, 768, 177, kPage, true);
  EXPECT_TRUE(report.oom);
  EXPECT_EQ(report.weights_bytes, 34359738368u);
  EXPECT_EQ(report.kv_bytes, 0u);
  EXPECT_EQ(report.reason,
            "weights do not fit: die 0 plane 0 needs 342 blocks, a plane has 177 "
            "(weights 34.36 GB + KV 0.00 GB at 0 tokens, available 17.82 GB)");
}

TEST(Capacity, FirstFreeBlocksFollowTheKvSlotOrder) {
  // 2 dies x 2 planes; 6 pages: weight slots (die-major) 0 and 1 (die 0) get 2, 2 and 3 get 1.
  WeightPlacement w(2, 2, kPage, kBf16);
  w.place({{6, 2048}});
  const KvMapping kv(1, 1, 128, kBf16, 2, 2, kPage);
  // KV slots are plane-major: (die 0, plane 0), (die 1, plane 0), (die 0, plane 1), (die 1, plane 1).
  EXPECT_EQ(kv_first_free_blocks(w, kv, 1, true), (std::vector<std::uint32_t>{2, 1, 2, 1}));
  EXPECT_EQ(kv_first_free_blocks(w, kv, 2, true), (std::vector<std::uint32_t>{1, 1, 1, 1}));
  EXPECT_EQ(kv_first_free_blocks(w, kv, 1, false), (std::vector<std::uint32_t>{0, 0, 0, 0}));
}

TEST(Capacity, RejectsInconsistentGroups) {
  const WeightPlacement w = tiny_weights();
  EXPECT_THROW(check_capacity(w, tiny_kv(), 16, 4, 10, 2048, true), std::invalid_argument);
  const KvMapping wide(1, 1, 128, kBf16, 2, 2, kPage);  // 2 KV dies on a 1-die shared group
  EXPECT_THROW(check_capacity(w, wide, 16, 4, 10, kPage, true), std::invalid_argument);
  EXPECT_NO_THROW(check_capacity(w, wide, 16, 4, 10, kPage, false));
  EXPECT_THROW(kv_first_free_blocks(w, wide, 4, true), std::invalid_argument);
}

}  // namespace
}  // namespace kvnand
