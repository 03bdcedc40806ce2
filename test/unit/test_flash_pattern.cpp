// FlashPattern: pattern names, the striped address order and the four request streams.
#include "traffic/flash_pattern.h"

#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

namespace kvnand {
namespace {

// A small shape: 2 channels x 3 dies x 2 planes x 3 blocks x 4 pages = 144 pages.
constexpr std::uint32_t kChannels = 2, kDies = 3, kPlanes = 2, kBlocks = 3, kPages = 4;
constexpr std::uint64_t kTotal = kChannels * kDies * kPlanes * kBlocks * kPages;

ChannelSpec small_channels() {
  ChannelSpec c;
  c.count = kChannels;
  c.dies_per_channel = kDies;
  c.rate_GBps = 4.8;
  return c;
}

FlashGeometry small_geometry() {
  FlashGeometry g;
  g.page_data_bytes = 4096;
  g.pages_per_block = kPages;
  g.blocks_per_plane = kBlocks;
  g.planes_per_die = kPlanes;
  return g;
}

FlashPattern make(PatternKind kind, std::uint64_t seed = 1, double read_fraction = 0.7) {
  PatternSpec spec;
  spec.kind = kind;
  spec.seed = seed;
  spec.read_fraction = read_fraction;
  return FlashPattern(spec, small_channels(), small_geometry());
}

std::string text(const PageAddress& a) {
  return "c" + std::to_string(a.channel.value()) + " d" + std::to_string(a.die.value()) + " p" +
         std::to_string(a.plane.value()) + " b" + std::to_string(a.block.value()) + " pg" +
         std::to_string(a.page.value());
}

std::string text(const TrafficRequest& r) {
  const char* op = r.op == HostOp::Read ? "Read " : r.op == HostOp::Program ? "Program " : "Erase ";
  return op + text(r.address);
}

bool in_range(const PageAddress& a) {
  return a.channel.value() < kChannels && a.die.value() < kDies && a.plane.value() < kPlanes &&
         a.block.value() < kBlocks && a.page.value() < kPages;
}

TEST(FlashPattern, NamesRoundTrip) {
  EXPECT_STREQ(pattern_name(PatternKind::SeqRead), "seq-read");
  EXPECT_STREQ(pattern_name(PatternKind::RandRead), "rand-read");
  EXPECT_STREQ(pattern_name(PatternKind::SeqWrite), "seq-write");
  EXPECT_STREQ(pattern_name(PatternKind::Mixed), "mixed");
  for (PatternKind k : {PatternKind::SeqRead, PatternKind::RandRead, PatternKind::SeqWrite, PatternKind::Mixed})
    EXPECT_EQ(pattern_from_name(pattern_name(k)), k) << pattern_name(k);
}

TEST(FlashPattern, UnknownNamesAreRejected) {
  for (const char* name : {"", "seq_read", "SEQ-READ", "seq-read ", "random", "write"})
    EXPECT_EQ(pattern_from_name(name), std::nullopt) << '"' << name << '"';
}

TEST(FlashPattern, TotalPagesCountsEveryPageOfEveryDie) {
  EXPECT_EQ(make(PatternKind::SeqRead).total_pages(), kTotal);
  EXPECT_EQ(kTotal, 144u);
}

TEST(FlashPattern, StripeRunsChannelsFirstThenDiesPlanesPagesBlocks) {
  const FlashPattern p = make(PatternKind::SeqRead);
  EXPECT_EQ(text(p.stripe(0)), "c0 d0 p0 b0 pg0");
  EXPECT_EQ(text(p.stripe(1)), "c1 d0 p0 b0 pg0");
  EXPECT_EQ(text(p.stripe(2)), "c0 d1 p0 b0 pg0");
  EXPECT_EQ(text(p.stripe(5)), "c1 d2 p0 b0 pg0");
  EXPECT_EQ(text(p.stripe(6)), "c0 d0 p1 b0 pg0");
  EXPECT_EQ(text(p.stripe(12)), "c0 d0 p0 b0 pg1");
  EXPECT_EQ(text(p.stripe(47)), "c1 d2 p1 b0 pg3");
  EXPECT_EQ(text(p.stripe(48)), "c0 d0 p0 b1 pg0");
  EXPECT_EQ(text(p.stripe(143)), "c1 d2 p1 b2 pg3");
  // The whole order, from nested loops with the channel innermost.
  std::uint64_t n = 0;
  for (std::uint32_t b = 0; b < kBlocks; ++b)
    for (std::uint32_t pg = 0; pg < kPages; ++pg)
      for (std::uint32_t pl = 0; pl < kPlanes; ++pl)
        for (std::uint32_t d = 0; d < kDies; ++d)
          for (std::uint32_t c = 0; c < kChannels; ++c, ++n) {
            const std::string expected = "c" + std::to_string(c) + " d" + std::to_string(d) + " p" +
                                         std::to_string(pl) + " b" + std::to_string(b) + " pg" + std::to_string(pg);
            ASSERT_EQ(text(p.stripe(n)), expected) << "n=" << n;
          }
  EXPECT_EQ(n, kTotal);
}

TEST(FlashPattern, StripeCoversEveryPageExactlyOnce) {
  const FlashPattern p = make(PatternKind::SeqRead);
  std::set<std::string> seen;
  for (std::uint64_t n = 0; n < p.total_pages(); ++n) {
    ASSERT_TRUE(in_range(p.stripe(n))) << text(p.stripe(n));
    EXPECT_TRUE(seen.insert(text(p.stripe(n))).second) << "twice: " << text(p.stripe(n));
  }
  EXPECT_EQ(seen.size(), kTotal);
}

TEST(FlashPattern, SeqReadFollowsTheStripeAndWraps) {
  FlashPattern p = make(PatternKind::SeqRead);
  for (std::uint64_t n = 0; n < 2 * kTotal + 5; ++n)
    ASSERT_EQ(text(p.next()), "Read " + text(p.stripe(n % kTotal))) << "n=" << n;
}

TEST(FlashPattern, RandReadIsDeterministicPerSeedAndInRange) {
  FlashPattern a = make(PatternKind::RandRead, 7);
  FlashPattern b = make(PatternKind::RandRead, 7);
  FlashPattern other = make(PatternKind::RandRead, 8);
  constexpr int kDraws = 1000;
  int differing = 0;
  std::set<std::string> distinct;
  for (int i = 0; i < kDraws; ++i) {
    const TrafficRequest r = a.next();
    ASSERT_EQ(r.op, HostOp::Read);
    ASSERT_TRUE(in_range(r.address)) << text(r);
    ASSERT_EQ(text(b.next()), text(r)) << "draw " << i;
    if (text(other.next()) != text(r)) ++differing;
    distinct.insert(text(r.address));
  }
  // Two independent uniform streams over 144 pages agree on about 1/144 of the draws.
  EXPECT_GT(differing, kDraws * 9 / 10);
  // 1000 uniform draws over 144 pages reach nearly all of them (expected misses: < 0.2).
  EXPECT_GE(distinct.size(), kTotal - 3);
}

TEST(FlashPattern, SeqWriteProgramsTheStripeThenErasesEachBlockItReenters) {
  FlashPattern p = make(PatternKind::SeqWrite);
  for (std::uint64_t n = 0; n < kTotal; ++n)
    ASSERT_EQ(text(p.next()), "Program " + text(p.stripe(n))) << "first pass, n=" << n;
  // Later passes: each page 0 is preceded by an erase of its block.
  for (int pass = 1; pass <= 2; ++pass)
    for (std::uint64_t n = 0; n < kTotal; ++n) {
      const PageAddress a = p.stripe(n);
      if (a.page.value() == 0) {
        ASSERT_EQ(text(p.next()), "Erase " + text(a)) << "pass " << pass << ", n=" << n;
      }
      ASSERT_EQ(text(p.next()), "Program " + text(a)) << "pass " << pass << ", n=" << n;
    }
}

TEST(FlashPattern, MixedReadsAtReadFractionAndWritesSequentially) {
  constexpr double kFraction = 0.3;
  constexpr int kDraws = 100000;  // 5 sigma is then 725 reads, 2.4% of the expected 30000
  FlashPattern p = make(PatternKind::Mixed, 11, kFraction);
  int reads = 0;
  std::uint64_t write_cursor = 0;
  for (int draw = 0; draw < kDraws; ++draw) {
    const TrafficRequest r = p.next();
    ASSERT_TRUE(in_range(r.address)) << text(r);
    if (r.op == HostOp::Read) {
      ++reads;
      continue;
    }
    const PageAddress expected = p.stripe(write_cursor++ % kTotal);
    if (r.op == HostOp::Erase) {  // only on re-entering a block; the program follows at once
      ASSERT_GE(write_cursor, kTotal + 1) << "erase in the first pass";
      ASSERT_EQ(text(r), "Erase " + text(expected)) << "draw " << draw;
      ASSERT_EQ(text(p.next()), "Program " + text(expected)) << "draw " << draw;
    } else {
      ASSERT_EQ(text(r), "Program " + text(expected)) << "draw " << draw;
      ASSERT_FALSE(write_cursor > kTotal && expected.page.value() == 0) << "missing erase, draw " << draw;
    }
  }
  ASSERT_GT(write_cursor, kTotal) << "the writes should have wrapped at least once";
  const double sigma = std::sqrt(kDraws * kFraction * (1 - kFraction));
  EXPECT_NEAR(reads, kDraws * kFraction, 5 * sigma);
}

TEST(FlashPattern, MixedWithFractionZeroOrOneIsPure) {
  FlashPattern writes = make(PatternKind::Mixed, 3, 0.0);
  FlashPattern reads = make(PatternKind::Mixed, 3, 1.0);
  for (std::uint64_t n = 0; n < kTotal; ++n) {
    ASSERT_EQ(text(writes.next()), "Program " + text(writes.stripe(n)));
    ASSERT_EQ(reads.next().op, HostOp::Read);
  }
}

}  // namespace
}  // namespace kvnand
