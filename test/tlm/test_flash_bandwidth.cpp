// Aggregate bandwidth of two dies sharing one channel: bound by the bus when transfers dominate,
// by the arrays when tR dominates.
#include <gtest/gtest.h>

#include "flash_bench.h"

namespace kvnand::test {
namespace {

constexpr std::uint32_t kPagesPerDie = 64;

/// Each die streams single-plane reads through its own sequence; returns the simulated end.
sc_core::sc_time stream_two_dies(FlashBench& bench) {
  for (std::uint32_t die = 0; die < 2; ++die) {
    std::vector<ScriptedRequest> reads;
    for (std::uint32_t i = 0; i < kPagesPerDie; ++i)
      reads.push_back({HostOp::Read, page_at(0, die, i % 4, i / 64, (i / 4) % 16), {}});
    bench.host.add_sequence(reads);
  }
  sc_core::sc_start();
  return sc_core::sc_time_stamp();
}

const std::vector<std::string> kSinglePlane = {"controller.max_planes_per_command=1", "controller.cache_read=false"};

TEST(FlashBandwidth, TransferBoundStreamsSaturateTheChannel) {
  std::vector<std::string> set = kSinglePlane;
  set.push_back("flash.timing.tR_ns=100");  // far below one page transfer (946.667 ns)
  FlashBench bench(tiny_config(set));
  const sc_core::sc_time end = stream_two_dies(bench);
  // Lower bound: the bus must carry every page and every address sequence.
  const sc_core::sc_time bus_work = (bench.read_command() + bench.page_transfer()) * (2.0 * kPagesPerDie);
  EXPECT_EQ(bench.platform.channel(ChannelId(0)).stats().busy_time, bus_work);
  EXPECT_GE(end, bus_work);
  // With tR hidden behind the other die's transfer, idle bus time is at most one tR per page pair.
  EXPECT_LE(end, bus_work + bench.cell().tR * (kPagesPerDie + 1.0));
  EXPECT_GT(bench.platform.channel(ChannelId(0)).stats().busy_time.to_seconds() / end.to_seconds(), 0.95);
}

TEST(FlashBandwidth, ArrayBoundStreamsRunAtTheArrays) {
  std::vector<std::string> set = kSinglePlane;
  set.push_back("flash.timing.tR_ns=40000");  // ten times a cycle of bus work
  FlashBench bench(tiny_config(set));
  const sc_core::sc_time end = stream_two_dies(bench);
  const sc_core::sc_time per_page = bench.read_command() + bench.cell().tR + bench.page_transfer();
  // Each die is busy back to back; the dies only ever wait for each other's bus work.
  EXPECT_GE(end, per_page * static_cast<double>(kPagesPerDie));
  EXPECT_LE(end, per_page * static_cast<double>(kPagesPerDie) +
                     (bench.read_command() + bench.page_transfer()) * static_cast<double>(kPagesPerDie));
  for (std::uint32_t die = 0; die < 2; ++die) {
    const DieStats& s = bench.platform.die(ChannelId(0), DieId(die)).stats();
    EXPECT_EQ(s.busy_time, bench.cell().tR * static_cast<double>(kPagesPerDie));
    EXPECT_GT(s.busy_time.to_seconds() / end.to_seconds(), 0.90);
  }
  EXPECT_LT(bench.platform.channel(ChannelId(0)).stats().busy_time.to_seconds() / end.to_seconds(), 0.1);
}

}  // namespace
}  // namespace kvnand::test
