// KvWriteBuffer: full-page programs, prefill remainders, partial-page programs on overflow (the
// fullest other open page first) and the per-stream token accounting.
#include "dataflow/kv_write_buffer.h"

#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace kvnand {
namespace {

/// 1 layer x 2 KV heads, head_dim 128 BF16, 4 KB pages: 16 tokens of 256 B per page, 4 streams.
KvMapping small_mapping() { return KvMapping(1, 2, 128, 16, 1, 2, 4096); }

constexpr KvStream kA{0, 0, KvKind::K};  // stream 0
constexpr KvStream kB{0, 0, KvKind::V};  // stream 1
constexpr KvStream kC{0, 1, KvKind::K};  // stream 2
constexpr KvStream kD{0, 1, KvKind::V};  // stream 3

void expect_program(const KvProgram& p, std::uint32_t layer, std::uint32_t head, KvKind kind, std::uint64_t page,
                    std::uint32_t domain, std::uint32_t bytes, bool completes) {
  EXPECT_EQ(p.stream.layer, layer);
  EXPECT_EQ(p.stream.head, head);
  EXPECT_EQ(p.stream.kind, kind);
  EXPECT_EQ(p.page, page);
  EXPECT_EQ(p.domain, domain);
  EXPECT_EQ(p.bytes, bytes);
  EXPECT_EQ(p.completes_page, completes);
}

TEST(KvWriteBuffer, SixteenthTokenProgramsOnePage) {
  KvWriteBuffer buffer(small_mapping(), 1, 1u << 20);
  for (int i = 0; i < 15; ++i) EXPECT_TRUE(buffer.append(kA, 0).empty()) << i;
  EXPECT_EQ(buffer.fill_bytes(0), 3840u);
  EXPECT_EQ(buffer.flash_pages(kA), 0u);
  const std::vector<KvProgram> programs = buffer.append(kA, 0);
  ASSERT_EQ(programs.size(), 1u);
  expect_program(programs[0], 0, 0, KvKind::K, 0, 0, 4096, true);
  EXPECT_EQ(buffer.fill_bytes(0), 0u);
  EXPECT_EQ(buffer.tokens(kA), 16u);
  EXPECT_EQ(buffer.buffered_tokens(kA), 0u);
  EXPECT_EQ(buffer.tokens_in_flash(kA), 16u);
  EXPECT_EQ(buffer.flash_pages(kA), 1u);

  EXPECT_TRUE(buffer.append(kA, 0).empty());
  EXPECT_EQ(buffer.buffered_tokens(kA), 1u);
  EXPECT_EQ(buffer.flash_pages(kA), 1u);
  for (int i = 0; i < 14; ++i) buffer.append(kA, 0);
  const std::vector<KvProgram> second = buffer.append(kA, 0);
  ASSERT_EQ(second.size(), 1u);
  expect_program(second[0], 0, 0, KvKind::K, 1, 0, 4096, true);
  EXPECT_EQ(buffer.stats().full_page_programs, 2u);
  EXPECT_EQ(buffer.stats().partial_page_programs, 0u);
  EXPECT_EQ(buffer.stats().peak_fill_bytes, 4096u);
  EXPECT_EQ(buffer.tokens(kB), 0u);
}

TEST(KvWriteBuffer, PrefillKeepsTheRemainderBuffered) {
  KvWriteBuffer buffer(small_mapping(), 2, 8192);
  buffer.prefill(kD, 37, 1);
  EXPECT_EQ(buffer.tokens(kD), 37u);
  EXPECT_EQ(buffer.buffered_tokens(kD), 5u);
  EXPECT_EQ(buffer.tokens_in_flash(kD), 32u);
  EXPECT_EQ(buffer.flash_pages(kD), 2u);
  EXPECT_EQ(buffer.fill_bytes(1), 1280u);
  EXPECT_EQ(buffer.fill_bytes(0), 0u);
  EXPECT_EQ(buffer.stats().full_page_programs, 0u);
  EXPECT_EQ(buffer.stats().peak_fill_bytes, 0u);
  EXPECT_THROW(buffer.prefill(kD, 5, 1), std::invalid_argument);

  // The open page lives in domain 1 until it is programmed.
  EXPECT_THROW(buffer.append(kD, 0), std::invalid_argument);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(buffer.append(kD, 1).empty());
  const std::vector<KvProgram> programs = buffer.append(kD, 1);
  ASSERT_EQ(programs.size(), 1u);
  expect_program(programs[0], 0, 1, KvKind::V, 2, 1, 4096, true);
  EXPECT_EQ(buffer.stats().peak_fill_bytes, 4096u);
  // Page 3 may sit on another plane: the next token may go to domain 0.
  EXPECT_TRUE(buffer.append(kD, 0).empty());
  EXPECT_EQ(buffer.fill_bytes(0), 256u);
  EXPECT_THROW(buffer.append(kD, 2), std::out_of_range);

  buffer.prefill(kA, 32, 0);  // whole pages: nothing buffered
  EXPECT_EQ(buffer.buffered_tokens(kA), 0u);
  EXPECT_EQ(buffer.flash_pages(kA), 2u);
  EXPECT_EQ(buffer.fill_bytes(0), 256u);
}

TEST(KvWriteBuffer, OverflowProgramsTheFullestOtherPageEarly) {
  KvWriteBuffer buffer(small_mapping(), 1, 1280);  // room for 5 tokens
  for (int i = 0; i < 3; ++i) buffer.append(kA, 0);
  for (int i = 0; i < 2; ++i) buffer.append(kB, 0);
  EXPECT_EQ(buffer.fill_bytes(0), 1280u);

  const std::vector<KvProgram> first = buffer.append(kC, 0);
  ASSERT_EQ(first.size(), 1u);
  expect_program(first[0], 0, 0, KvKind::K, 0, 0, 768, false);  // A holds 3 tokens, B 2
  EXPECT_EQ(buffer.fill_bytes(0), 768u);
  EXPECT_EQ(buffer.tokens(kA), 3u);
  EXPECT_EQ(buffer.buffered_tokens(kA), 0u);
  EXPECT_EQ(buffer.tokens_in_flash(kA), 3u);
  EXPECT_EQ(buffer.flash_pages(kA), 1u);  // a partially programmed page

  buffer.append(kA, 0);  // A 1, B 2, C 1
  buffer.append(kC, 0);  // A 1, B 2, C 2: full
  EXPECT_EQ(buffer.fill_bytes(0), 1280u);
  const std::vector<KvProgram> tie = buffer.append(kD, 0);
  ASSERT_EQ(tie.size(), 1u);
  expect_program(tie[0], 0, 0, KvKind::V, 0, 0, 512, false);  // B and C tie: lower stream index
  EXPECT_EQ(buffer.buffered_tokens(kC), 2u);

  // Buffer: A 1, C 2, D 1 token. A's page 0 takes 12 more tokens (its 5th to 16th):
  //   5th fits (A 2, C 2, D 1); 6th: A and C tie at 2 but A is the appender, so C leaves;
  //   7th fits (A 4, D 1); 8th: D leaves; 9th: A alone holds 5, so A's 5 leave;
  //   10th..13th refill to 5; 14th: A's 5 leave again; 16th completes the page with 3 tokens.
  std::vector<KvProgram> programs;
  for (int i = 0; i < 12; ++i) {
    const std::vector<KvProgram> step = buffer.append(kA, 0);
    programs.insert(programs.end(), step.begin(), step.end());
  }
  ASSERT_EQ(programs.size(), 5u);
  expect_program(programs[0], 0, 1, KvKind::K, 0, 0, 512, false);
  expect_program(programs[1], 0, 1, KvKind::V, 0, 0, 256, false);
  expect_program(programs[2], 0, 0, KvKind::K, 0, 0, 1280, false);
  expect_program(programs[3], 0, 0, KvKind::K, 0, 0, 1280, false);
  expect_program(programs[4], 0, 0, KvKind::K, 0, 0, 768, true);
  EXPECT_EQ(buffer.tokens_in_flash(kA), 16u);
  EXPECT_EQ(buffer.flash_pages(kA), 1u);
  EXPECT_EQ(buffer.fill_bytes(0), 0u);
  EXPECT_EQ(buffer.stats().partial_page_programs, 6u);
  EXPECT_EQ(buffer.stats().full_page_programs, 1u);
  EXPECT_EQ(buffer.stats().peak_fill_bytes, 1280u);
}

TEST(KvWriteBuffer, OwnPageIsEvictedOnlyWhenAlone) {
  KvWriteBuffer buffer(small_mapping(), 1, 1024);  // room for 4 tokens
  std::vector<KvProgram> programs;
  for (int i = 0; i < 16; ++i) {
    const std::vector<KvProgram> step = buffer.append(kA, 0);
    programs.insert(programs.end(), step.begin(), step.end());
  }
  // The 5th, 9th and 13th token find the domain full of A's own page: 4 tokens leave early each
  // time; the 16th completes the page with the last 4.
  ASSERT_EQ(programs.size(), 4u);
  for (int i = 0; i < 3; ++i) expect_program(programs[i], 0, 0, KvKind::K, 0, 0, 1024, false);
  expect_program(programs[3], 0, 0, KvKind::K, 0, 0, 1024, true);
  EXPECT_EQ(buffer.stats().partial_page_programs, 3u);
  EXPECT_EQ(buffer.stats().full_page_programs, 1u);
  EXPECT_EQ(buffer.stats().peak_fill_bytes, 1024u);
  EXPECT_EQ(buffer.flash_pages(kA), 1u);
}

TEST(KvWriteBuffer, PrefillMakesRoomSilently) {
  KvWriteBuffer buffer(small_mapping(), 1, 1280);
  buffer.prefill(kA, 20, 0);  // 4 tokens buffered
  buffer.prefill(kB, 18, 0);  // 2 more do not fit: A's open page goes to flash
  EXPECT_EQ(buffer.buffered_tokens(kA), 0u);
  EXPECT_EQ(buffer.tokens_in_flash(kA), 20u);
  EXPECT_EQ(buffer.flash_pages(kA), 2u);
  EXPECT_EQ(buffer.buffered_tokens(kB), 2u);
  EXPECT_EQ(buffer.fill_bytes(0), 512u);
  buffer.prefill(kC, 15, 0);  // 3840 B never fit the 1280 B domain
  EXPECT_EQ(buffer.buffered_tokens(kC), 0u);
  EXPECT_EQ(buffer.flash_pages(kC), 1u);
  EXPECT_EQ(buffer.fill_bytes(0), 512u);
  EXPECT_EQ(buffer.stats().partial_page_programs, 0u);
  EXPECT_EQ(buffer.stats().peak_fill_bytes, 0u);
}

TEST(KvWriteBuffer, RejectsDomainsTooSmallForOneToken) {
  KvWriteBuffer buffer(small_mapping(), 1, 100);
  EXPECT_THROW(buffer.append(kA, 0), std::length_error);
  EXPECT_THROW(KvWriteBuffer(small_mapping(), 0, 4096), std::invalid_argument);
  EXPECT_THROW(KvWriteBuffer(small_mapping(), 1, 0), std::invalid_argument);
}

}  // namespace
}  // namespace kvnand
