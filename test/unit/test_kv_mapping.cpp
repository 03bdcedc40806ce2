// KvMapping (stream numbering, plane-major slots, per-die work with a partial last page) and
// KvBlockAllocator (K/V separation, sequential pages, least-worn and seeded block choice, reads
// per token, read-disturb refresh).
#include "dataflow/kv_block_allocator.h"
#include "dataflow/kv_mapping.h"

#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace kvnand {
namespace {

constexpr std::uint32_t kPage = 4096;
constexpr std::uint32_t kBf16 = 16;

/// 2 layers x 2 KV heads, head_dim 128 BF16, on 2 dies x 2 planes: 8 streams, 4 slots; stream s
/// starts on slot s, so the walk of a stream's pages is seen alone.
KvMapping small_mapping() { return KvMapping(2, 2, 128, kBf16, 2, 2, kPage, KvStreamStart::Consecutive); }

std::vector<std::uint32_t> planes_of(const DieKvWork& work, std::uint32_t planes) {
  return std::vector<std::uint32_t>(work.pages_per_plane.begin(), work.pages_per_plane.begin() + planes);
}

TEST(KvMapping, TokensPerPageFollowHeadSizeAndPrecision) {
  EXPECT_EQ(KvMapping(32, 8, 128, kBf16, 16, 32, kPage).tokens_per_page(), 16u);
  EXPECT_EQ(KvMapping(32, 8, 128, kBf16, 16, 32, kPage).token_bytes(), 256u);
  EXPECT_EQ(KvMapping(32, 8, 128, 8, 16, 32, kPage).tokens_per_page(), 32u);
  EXPECT_EQ(KvMapping(32, 8, 128, 4, 16, 32, kPage).tokens_per_page(), 64u);
  EXPECT_EQ(KvMapping(32, 8, 96, kBf16, 16, 32, kPage).tokens_per_page(), 21u);  // 4096 / 192
  EXPECT_THROW(KvMapping(32, 8, 2048, 32, 16, 32, kPage), std::invalid_argument);  // 8 KB token
  EXPECT_THROW(KvMapping(32, 8, 3, 4, 16, 32, kPage), std::invalid_argument);      // 12-bit token
  EXPECT_THROW(KvMapping(32, 0, 128, kBf16, 16, 32, kPage), std::invalid_argument);
  EXPECT_THROW(KvMapping(32, 8, 128, kBf16, 16, 65, kPage), std::invalid_argument);
}

TEST(KvMapping, StreamsAreNumberedLayerHeadKind) {
  const KvMapping kv = small_mapping();
  EXPECT_EQ(kv.streams(), 8u);
  EXPECT_EQ(kv.slots(), 4u);
  EXPECT_EQ(kv.stream_index({0, 0, KvKind::K}), 0u);
  EXPECT_EQ(kv.stream_index({0, 0, KvKind::V}), 1u);
  EXPECT_EQ(kv.stream_index({0, 1, KvKind::K}), 2u);
  EXPECT_EQ(kv.stream_index({1, 1, KvKind::V}), 7u);
  const KvStream s = kv.stream_at(5);
  EXPECT_EQ(s.layer, 1u);
  EXPECT_EQ(s.head, 0u);
  EXPECT_EQ(s.kind, KvKind::V);
  EXPECT_THROW(kv.stream_index({2, 0, KvKind::K}), std::out_of_range);
  EXPECT_THROW(kv.stream_index({0, 2, KvKind::K}), std::out_of_range);
}

TEST(KvMapping, ConsecutivePagesWalkPlaneMajorSlotsAndWrap) {
  const KvMapping kv = small_mapping();
  const KvStream last{1, 1, KvKind::V};  // stream 7: page p on slot (7 + p) % 4
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> expected{{1, 1}, {0, 0}, {1, 0}, {0, 1}, {1, 1}};
  for (std::uint64_t page = 0; page < expected.size(); ++page) {
    const GroupPlane at = kv.plane_of(last, page);
    EXPECT_EQ(at.die_index, expected[page].first) << page;
    EXPECT_EQ(at.plane.value(), expected[page].second) << page;
  }
  EXPECT_EQ(kv.slot_of(last, 0), 3u);
  EXPECT_EQ(kv.slot_of(last, 1), 0u);
  EXPECT_EQ(kv.slot_of({0, 1, KvKind::K}, 0), 2u);
  EXPECT_EQ(kv.plane_of({0, 1, KvKind::K}, 0).die_index, 0u);
  EXPECT_EQ(kv.plane_of({0, 1, KvKind::K}, 0).plane.value(), 1u);
}

TEST(KvMapping, WorkCountsPagesPerPlaneAndTokensWithAPartialLastPage) {
  const KvMapping kv = small_mapping();
  // Stream 7, pages 0..5 on slots 3,0,1,2,3,0: slot 0 two pages, 1 one, 2 one, 3 two.
  const auto work = kv.work({1, 1, KvKind::V}, 6, 5);
  ASSERT_EQ(work.size(), 2u);
  EXPECT_EQ(work[0].die_index, 0u);
  EXPECT_EQ(planes_of(work[0], 2), (std::vector<std::uint32_t>{2, 1}));  // slots 0 and 2
  EXPECT_EQ(work[0].tokens, 37u);  // 2 full pages + page 5 (slot 0) with 5 tokens
  EXPECT_EQ(work[1].die_index, 1u);
  EXPECT_EQ(planes_of(work[1], 2), (std::vector<std::uint32_t>{1, 2}));  // slots 1 and 3
  EXPECT_EQ(work[1].tokens, 48u);

  const auto full = kv.work({1, 1, KvKind::V}, 6);
  EXPECT_EQ(full[0].tokens, 48u);
  EXPECT_EQ(full[1].tokens, 48u);
}

TEST(KvMapping, WorkSkipsDiesWithoutPages) {
  const KvMapping kv = small_mapping();
  const auto one = kv.work({1, 1, KvKind::V}, 1, 3);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].die_index, 1u);
  EXPECT_EQ(planes_of(one[0], 2), (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(one[0].tokens, 3u);
  EXPECT_TRUE(kv.work({0, 0, KvKind::K}, 0).empty());
  EXPECT_THROW(kv.work({0, 0, KvKind::K}, 2, 17), std::invalid_argument);
}

TEST(KvMapping, LongContextSpreadsEvenlyOverAllPlanes) {
  // LLaMA3.1-70B shape on 16 dies x 32 planes: 99999 tokens = 6250 pages (last holds 15), 512
  // slots: 12 pages each, and 106 slots (from stream 1's slot 1 on) hold a 13th.
  const KvMapping kv(80, 8, 128, kBf16, 16, 32, kPage, KvStreamStart::Consecutive);
  const auto work = kv.work({0, 0, KvKind::V}, 6250, 15);
  ASSERT_EQ(work.size(), 16u);
  std::uint64_t pages = 0;
  std::uint64_t tokens = 0;
  std::uint64_t thirteens = 0;
  for (const DieKvWork& die : work) {
    for (std::uint32_t p = 0; p < 32; ++p) {
      pages += die.pages_per_plane[p];
      thirteens += die.pages_per_plane[p] == 13 ? 1 : 0;
    }
    tokens += die.tokens;
  }
  EXPECT_EQ(pages, 6250u);
  EXPECT_EQ(tokens, 99999u);
  EXPECT_EQ(thirteens, 106u);
  // Slots 1..106 hold 13: slot 1 (die 1, plane 0) up to slot 106 (die 10, plane 6), which also
  // holds the last page 6249; slot 107 (die 11, plane 6) holds 12.
  EXPECT_EQ(work[1].pages_per_plane[0], 13u);
  EXPECT_EQ(work[10].pages_per_plane[6], 13u);
  EXPECT_EQ(work[11].pages_per_plane[6], 12u);
  // Die 10: slots 10, 26, ..., 106 (planes 0..6) hold 13, planes 7..31 hold 12: 391 pages.
  EXPECT_EQ(work[10].tokens, 391u * 16 - 1);
}

TEST(KvMapping, ALayersStreamsStartEvenlyApartAndLayersShiftByOneSlot) {
  // LLaMA2-7B shape on kvnand-c16: 32 layers x 32 KV heads = 64 streams a layer on 512 slots, so
  // stream j of a layer starts 8 slots after stream j - 1, and layer l one slot after layer l - 1.
  const KvMapping kv(32, 32, 128, kBf16, 16, 32, kPage);
  EXPECT_EQ(kv.first_slot({0, 0, KvKind::K}), 0u);
  EXPECT_EQ(kv.first_slot({0, 0, KvKind::V}), 8u);
  EXPECT_EQ(kv.first_slot({0, 1, KvKind::K}), 16u);
  EXPECT_EQ(kv.first_slot({0, 31, KvKind::V}), 504u);
  EXPECT_EQ(kv.first_slot({5, 31, KvKind::V}), 509u);
  EXPECT_EQ(kv.first_slot({31, 31, KvKind::V}), 23u);  // (504 + 31) % 512
  EXPECT_EQ(kv.slot_of({5, 31, KvKind::V}, 4), 1u);     // wraps
  // At a 128-token context (8 pages a stream) a layer's 64 streams fill every slot once.
  std::set<std::uint64_t> slots;
  for (std::uint32_t head = 0; head < 32; ++head)
    for (KvKind kind : {KvKind::K, KvKind::V})
      for (std::uint64_t page = 0; page < 8; ++page) slots.insert(kv.slot_of({7, head, kind}, page));
  EXPECT_EQ(slots.size(), 512u);
  // The same pages with consecutive starts crowd 71 slots.
  const KvMapping crowded(32, 32, 128, kBf16, 16, 32, kPage, KvStreamStart::Consecutive);
  slots.clear();
  for (std::uint32_t head = 0; head < 32; ++head)
    for (KvKind kind : {KvKind::K, KvKind::V})
      for (std::uint64_t page = 0; page < 8; ++page) slots.insert(crowded.slot_of({7, head, kind}, page));
  EXPECT_EQ(slots.size(), 71u);
}

TEST(KvMapping, MoreStreamsThanSlotsShareStartSlotsEvenly) {
  // 8 streams a layer on 4 slots: two streams start on each slot.
  const KvMapping kv(2, 4, 128, kBf16, 2, 2, kPage);
  std::vector<std::uint32_t> starts(4, 0);
  for (std::uint32_t head = 0; head < 4; ++head)
    for (KvKind kind : {KvKind::K, KvKind::V}) ++starts[kv.first_slot({1, head, kind})];
  EXPECT_EQ(starts, (std::vector<std::uint32_t>{2, 2, 2, 2}));
  EXPECT_EQ(kv.first_slot({1, 0, KvKind::V}), 1u);  // 1 x 4 / 8 = 0, + layer 1
}

// ---- KvBlockAllocator ----

TEST(KvBlockAllocator, KAndVUseSeparateBlocksFilledInPageOrder) {
  KvBlockAllocator alloc({1, 0}, 4, 3, 0, 42);  // slot 0: block 0 holds weights
  const KvPageAddress k0 = alloc.allocate(0, KvKind::K);
  const KvPageAddress k1 = alloc.allocate(0, KvKind::K);
  const KvPageAddress v0 = alloc.allocate(0, KvKind::V);
  const KvPageAddress k2 = alloc.allocate(0, KvKind::K);
  const KvPageAddress k3 = alloc.allocate(0, KvKind::K);
  EXPECT_EQ(k0.slot, 0u);
  EXPECT_GE(k0.block.value(), 1u);
  EXPECT_EQ(k1.block, k0.block);
  EXPECT_EQ(k2.block, k0.block);
  EXPECT_EQ(k0.page.value(), 0u);
  EXPECT_EQ(k1.page.value(), 1u);
  EXPECT_EQ(k2.page.value(), 2u);
  EXPECT_NE(v0.block, k0.block);
  EXPECT_EQ(v0.page.value(), 0u);
  // The K block is full: a third block opens.
  EXPECT_NE(k3.block, k0.block);
  EXPECT_NE(k3.block, v0.block);
  EXPECT_GE(k3.block.value(), 1u);
  EXPECT_EQ(k3.page.value(), 0u);
  EXPECT_EQ(std::set<std::uint32_t>({k0.block.value(), v0.block.value(), k3.block.value()}),
            (std::set<std::uint32_t>{1, 2, 3}));
  EXPECT_EQ(alloc.pages_in_use(0), 5u);
  EXPECT_EQ(alloc.pages_in_use(1), 0u);
  EXPECT_EQ(alloc.wear().blocks_in_use, 3u);

  // The open V block still has pages 1 and 2; after that the plane is full.
  EXPECT_EQ(alloc.allocate(0, KvKind::V).page.value(), 1u);
  EXPECT_EQ(alloc.allocate(0, KvKind::V).page.value(), 2u);
  try {
    alloc.allocate(0, KvKind::V);
    FAIL() << "expected std::length_error";
  } catch (const std::length_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("plane slot 0 has no free block", 0), 0u) << e.what();
  }
  // Slot 1 is unaffected.
  EXPECT_EQ(alloc.allocate(1, KvKind::V).page.value(), 0u);
  EXPECT_THROW(alloc.allocate(2, KvKind::K), std::out_of_range);
}

TEST(KvBlockAllocator, FirstShortSlotCountsOpenPagesThenFreeBlocksSharedByKAndV) {
  KvBlockAllocator alloc({1, 0}, 4, 3, 0, 42);  // slot 0: 3 free blocks of 3 pages; slot 1: 4
  EXPECT_FALSE(alloc.first_short_slot({}).has_value());
  // 9 K pages need all 3 free blocks of slot 0; one V page more needs a fourth.
  EXPECT_FALSE(alloc.first_short_slot({{0, KvKind::K, 9}}).has_value());
  EXPECT_EQ(alloc.first_short_slot({{0, KvKind::K, 9}, {0, KvKind::V, 1}}), std::optional<std::uint64_t>(0));
  EXPECT_EQ(alloc.first_short_slot({{1, KvKind::K, 6}, {1, KvKind::V, 7}}), std::optional<std::uint64_t>(1));
  alloc.allocate(0, KvKind::K);  // opens a K block with 2 pages left, 2 free blocks remain
  EXPECT_FALSE(alloc.first_short_slot({{0, KvKind::K, 2}, {0, KvKind::V, 6}}).has_value());
  EXPECT_EQ(alloc.first_short_slot({{0, KvKind::K, 3}, {0, KvKind::V, 6}}), std::optional<std::uint64_t>(0));
  // Demands of one slot and kind add up; nothing changed by asking.
  EXPECT_EQ(alloc.first_short_slot({{0, KvKind::V, 4}, {0, KvKind::V, 3}}), std::optional<std::uint64_t>(0));
  EXPECT_EQ(alloc.pages_in_use(0), 1u);
  EXPECT_THROW(alloc.first_short_slot({{2, KvKind::K, 1}}), std::out_of_range);
}

TEST(KvBlockAllocator, NeverUsesWeightBlocks) {
  KvBlockAllocator alloc({3}, 4, 2, 0, 1);
  EXPECT_EQ(alloc.allocate(0, KvKind::K).block.value(), 3u);
  EXPECT_EQ(alloc.allocate(0, KvKind::K).block.value(), 3u);
  EXPECT_THROW(alloc.allocate(0, KvKind::K), std::length_error);
  EXPECT_THROW(KvBlockAllocator({5}, 4, 2, 0, 1), std::invalid_argument);
}

TEST(KvBlockAllocator, PicksTheLeastWornFreeBlock) {
  KvBlockAllocator alloc({0}, 4, 1, 0, 9);  // one page per block: every allocate opens a block
  const std::uint32_t x = alloc.allocate(0, KvKind::K).block.value();
  const std::uint32_t y = alloc.allocate(0, KvKind::V).block.value();
  alloc.release_all();
  EXPECT_EQ(alloc.wear().blocks_in_use, 0u);
  EXPECT_EQ(alloc.pages_in_use(0), 0u);
  // Untouched blocks first (no erase), then the used ones (one erase each).
  std::set<std::uint32_t> untouched{0, 1, 2, 3};
  untouched.erase(x);
  untouched.erase(y);
  std::set<std::uint32_t> second;
  second.insert(alloc.allocate(0, KvKind::K).block.value());
  second.insert(alloc.allocate(0, KvKind::K).block.value());
  EXPECT_EQ(second, untouched);
  EXPECT_EQ(alloc.wear().max_pe_cycles, 0u);
  std::set<std::uint32_t> third;
  third.insert(alloc.allocate(0, KvKind::K).block.value());
  third.insert(alloc.allocate(0, KvKind::K).block.value());
  EXPECT_EQ(third, (std::set<std::uint32_t>{x, y}));
  EXPECT_EQ(alloc.wear().max_pe_cycles, 1u);
  EXPECT_THROW(alloc.allocate(0, KvKind::K), std::length_error);

  // Now x and y have 1 P/E and the others 0: the others (erased to 1) come before x and y (to 2).
  alloc.release_all();
  std::set<std::uint32_t> fourth;
  fourth.insert(alloc.allocate(0, KvKind::V).block.value());
  fourth.insert(alloc.allocate(0, KvKind::V).block.value());
  EXPECT_EQ(fourth, untouched);
  EXPECT_EQ(alloc.wear().max_pe_cycles, 1u);
  alloc.allocate(0, KvKind::V);
  EXPECT_EQ(alloc.wear().max_pe_cycles, 2u);
}

std::vector<std::uint32_t> block_order(std::uint64_t seed) {
  KvBlockAllocator alloc({0}, 64, 1, 0, seed);
  std::vector<std::uint32_t> order;
  for (int i = 0; i < 64; ++i) order.push_back(alloc.allocate(0, KvKind::K).block.value());
  return order;
}

TEST(KvBlockAllocator, SeededChoiceIsReproducible) {
  const std::vector<std::uint32_t> a = block_order(7);
  EXPECT_EQ(block_order(7), a);
  EXPECT_NE(block_order(8), a);
  EXPECT_EQ(std::set<std::uint32_t>(a.begin(), a.end()).size(), 64u);  // every block once
  std::vector<std::uint32_t> ascending(64);
  for (std::uint32_t i = 0; i < 64; ++i) ascending[i] = i;
  EXPECT_NE(a, ascending);  // randomised, not first-fit
}

TEST(KvBlockAllocator, EachTokenReadsEveryProgrammedPage) {
  KvBlockAllocator alloc({0}, 4, 4, 0, 3);
  for (int i = 0; i < 3; ++i) alloc.allocate(0, KvKind::K);
  alloc.allocate(0, KvKind::V);
  alloc.record_token_reads();
  EXPECT_EQ(alloc.wear().max_reads_per_block, 3u);
  alloc.record_token_reads();
  EXPECT_EQ(alloc.wear().max_reads_per_block, 6u);
  alloc.allocate(0, KvKind::K);
  alloc.record_token_reads();  // K block: 6 + 4, V block: 3
  const KvWear w = alloc.wear();
  EXPECT_EQ(w.max_reads_per_block, 10u);
  EXPECT_EQ(w.blocks_in_use, 2u);
  EXPECT_EQ(w.blocks_over_read_limit, 0u);
  EXPECT_EQ(w.refreshes, 0u);
  EXPECT_EQ(w.max_pe_cycles, 0u);
}

TEST(KvBlockAllocator, ReadLimitMovesTheBlock) {
  KvBlockAllocator alloc({0}, 4, 4, 6, 5);
  KvPageAddress a{};
  for (int i = 0; i < 3; ++i) a = alloc.allocate(0, KvKind::K);
  const KvPageAddress b = alloc.allocate(0, KvKind::V);
  alloc.record_token_reads();  // a 3, b 1
  alloc.record_token_reads();  // a 6: moved to a fresh block c with 3 pages
  EXPECT_EQ(alloc.wear().refreshes, 1u);
  EXPECT_EQ(alloc.wear().refreshed_pages, 3u);
  EXPECT_EQ(alloc.wear().blocks_in_use, 2u);
  EXPECT_EQ(alloc.wear().blocks_over_read_limit, 0u);
  // The open K block moved with its pages: the next K page is page 3 of c.
  const KvPageAddress c = alloc.allocate(0, KvKind::K);
  EXPECT_NE(c.block, a.block);
  EXPECT_NE(c.block, b.block);
  EXPECT_EQ(c.page.value(), 3u);
  EXPECT_EQ(alloc.pages_in_use(0), 5u);
  alloc.record_token_reads();  // c 4, b 3
  alloc.record_token_reads();  // c 8: moved to the last untouched block d (no erase)
  EXPECT_EQ(alloc.wear().refreshes, 2u);
  EXPECT_EQ(alloc.wear().max_pe_cycles, 0u);
  alloc.record_token_reads();  // d 4, b 5
  alloc.record_token_reads();  // d 8 and b 6: both move onto used blocks (one erase each)
  const KvWear w = alloc.wear();
  EXPECT_EQ(w.refreshes, 4u);
  EXPECT_EQ(w.refreshed_pages, 12u);  // 3 + 4 + 4 + 1
  EXPECT_EQ(w.max_pe_cycles, 1u);
  EXPECT_EQ(w.max_reads_per_block, 8u);
  EXPECT_EQ(w.blocks_in_use, 2u);
  EXPECT_EQ(alloc.pages_in_use(0), 5u);
}

TEST(KvBlockAllocator, FullPlaneLeavesBlocksOverTheReadLimit) {
  KvBlockAllocator alloc({0}, 2, 4, 2, 5);
  alloc.allocate(0, KvKind::K);
  alloc.allocate(0, KvKind::V);
  alloc.record_token_reads();
  EXPECT_EQ(alloc.wear().blocks_over_read_limit, 0u);
  alloc.record_token_reads();  // both at 2 reads, nowhere to move them
  const KvWear w = alloc.wear();
  EXPECT_EQ(w.blocks_over_read_limit, 2u);
  EXPECT_EQ(w.refreshes, 0u);
  EXPECT_EQ(w.max_reads_per_block, 2u);
}

}  // namespace
}  // namespace kvnand
