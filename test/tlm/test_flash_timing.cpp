// Exact simulated-time behaviour of single flash operations on an idle platform.
#include <algorithm>

#include <gtest/gtest.h>

#include "flash_bench.h"

namespace kvnand::test {
namespace {

TEST(FlashTiming, SinglePageReadIsCommandPlusTrPlusTransfer) {
  FlashBench bench(tiny_config());
  const auto i = bench.host.add(HostOp::Read, page_at(0, 0, 0, 0, 0));
  sc_core::sc_start();
  const Outcome& read = bench.host.outcome(i);
  ASSERT_EQ(read.status, tlm::TLM_OK_RESPONSE) << read.error;
  EXPECT_EQ(read.completed, bench.read_command() + bench.cell().tR + bench.page_transfer());
  // 7 cycles x 10 ns + 4 us + 4544 B at 4.8 GB/s (946.667 ns, rounded to the picosecond).
  EXPECT_EQ(read.completed, ps(70'000 + 4'000'000 + 946'667));
}

TEST(FlashTiming, ProgramIsCommandAndTransferPlusTprog) {
  FlashBench bench(tiny_config());
  const auto i = bench.host.add(HostOp::Program, page_at(1, 1, 2, 3, 4), std::vector<std::uint8_t>(4096, 0x5A));
  sc_core::sc_start();
  const Outcome& program = bench.host.outcome(i);
  ASSERT_EQ(program.status, tlm::TLM_OK_RESPONSE) << program.error;
  EXPECT_EQ(program.completed, bench.program_command() + bench.page_transfer() + bench.cell().tPROG);
  EXPECT_EQ(program.completed, ps(70'000 + 946'667 + 75'000'000));
}

TEST(FlashTiming, EraseIsCommandPlusTbers) {
  FlashBench bench(tiny_config());
  const auto i = bench.host.add(HostOp::Erase, page_at(0, 1, 3, 7, 0));
  sc_core::sc_start();
  const Outcome& erase = bench.host.outcome(i);
  ASSERT_EQ(erase.status, tlm::TLM_OK_RESPONSE) << erase.error;
  EXPECT_EQ(erase.completed, bench.erase_command() + bench.cell().tBERS);
  EXPECT_EQ(erase.completed, ps(50'000 + 2'000'000'000));
}

TEST(FlashTiming, MultiPlaneReadCostsOneTrAndSerialisedTransfers) {
  FlashBench bench(tiny_config());
  constexpr int kPlanes = 4;
  for (std::uint32_t plane = 0; plane < kPlanes; ++plane) bench.host.add(HostOp::Read, page_at(0, 0, plane, 2, 5));
  sc_core::sc_start();
  std::vector<sc_core::sc_time> done;
  for (std::size_t i = 0; i < kPlanes; ++i) done.push_back(bench.host.outcome(i).completed);
  std::sort(done.begin(), done.end());
  for (int k = 0; k < kPlanes; ++k)
    EXPECT_EQ(done[k], bench.read_command(kPlanes) + bench.cell().tR + bench.page_transfer() * (k + 1.0)) << k;
  const DieStats& die = bench.platform.die(ChannelId(0), DieId(0)).stats();
  EXPECT_EQ(die.page_reads, 4u);
  EXPECT_EQ(die.busy_time, bench.cell().tR);
  EXPECT_EQ(bench.platform.controller().stats().multi_plane_commands, 1u);
}

TEST(FlashTiming, MultiPlaneDisabledSerialisesThePlanes) {
  FlashBench bench(tiny_config({"controller.max_planes_per_command=1"}));
  bench.host.add(HostOp::Read, page_at(0, 0, 0, 2, 5));
  bench.host.add(HostOp::Read, page_at(0, 0, 1, 2, 5));
  sc_core::sc_start();
  const sc_core::sc_time one = bench.read_command() + bench.cell().tR + bench.page_transfer();
  EXPECT_EQ(std::max(bench.host.outcome(0).completed, bench.host.outcome(1).completed), one * 2.0);
  EXPECT_EQ(bench.platform.die(ChannelId(0), DieId(0)).stats().busy_time, bench.cell().tR * 2.0);
}

TEST(FlashTiming, SecondDieArrayReadOverlapsFirstDieTransfer) {
  FlashBench bench(tiny_config());
  const auto first = bench.host.add(HostOp::Read, page_at(0, 0, 0, 0, 0));
  const auto second = bench.host.add(HostOp::Read, page_at(0, 1, 0, 0, 0));
  sc_core::sc_start();
  const sc_core::sc_time cmd = bench.read_command(), tR = bench.cell().tR, xfer = bench.page_transfer();
  // Die 0 gets the bus first; die 1's address follows, so its tR runs while die 0 transfers and
  // its own transfer waits only for the bus: cmd + tR + 2 transfers, not 2 x (cmd + tR + transfer).
  EXPECT_EQ(bench.host.outcome(first).completed, cmd + tR + xfer);
  EXPECT_EQ(bench.host.outcome(second).completed, cmd + tR + xfer * 2.0);
  EXPECT_LT(bench.host.outcome(second).completed, (cmd + tR + xfer) * 2.0);
}

TEST(FlashTiming, DiesOnDifferentChannelsDoNotInterfere) {
  FlashBench bench(tiny_config());
  const auto a = bench.host.add(HostOp::Read, page_at(0, 0, 0, 0, 0));
  const auto b = bench.host.add(HostOp::Read, page_at(1, 0, 0, 0, 0));
  sc_core::sc_start();
  const sc_core::sc_time one = bench.read_command() + bench.cell().tR + bench.page_transfer();
  EXPECT_EQ(bench.host.outcome(a).completed, one);
  EXPECT_EQ(bench.host.outcome(b).completed, one);
}

TEST(FlashTiming, CacheReadPipelinesArrayReadsWithTransfers) {
  FlashBench bench(tiny_config());
  constexpr int kPages = 4;
  std::vector<ScriptedRequest> pages;
  for (std::uint32_t p = 0; p < kPages; ++p) pages.push_back({HostOp::Read, page_at(0, 0, 1, 3, 6 + p), {}});
  // Queue all four at once, in page order, so the controller sees the sequential run.
  bench.host.add_burst(pages);
  sc_core::sc_start();
  const sc_core::sc_time cmd = bench.read_command(), tR = bench.cell().tR, xfer = bench.page_transfer();
  const sc_core::sc_time cache_cmd = bench.cache_command(), copy = bench.cell().tRCBSY;
  // Read, then per page: 31h (3Fh last), register copy, data out; the next page's tR starts
  // after the copy, so with tR > transfer each later page costs cache command + copy + tR.
  std::vector<sc_core::sc_time> done;
  for (std::size_t i = 0; i < kPages; ++i) done.push_back(bench.host.outcome(i).completed);
  for (int k = 0; k < kPages; ++k)
    EXPECT_EQ(done[k], cmd + tR + (cache_cmd + copy + tR) * static_cast<double>(k) + cache_cmd + copy + xfer) << k;
  EXPECT_EQ(bench.platform.controller().stats().cache_read_commands, 1u);
  EXPECT_EQ(bench.platform.die(ChannelId(0), DieId(0)).stats().page_reads, 4u);
  EXPECT_LT(done.back(), (cmd + tR + xfer) * static_cast<double>(kPages));
}

TEST(FlashTiming, CacheReadDisabledReadsPageByPage) {
  FlashBench bench(tiny_config({"controller.cache_read=false"}));
  std::vector<ScriptedRequest> pages;
  for (std::uint32_t p = 0; p < 3; ++p) pages.push_back({HostOp::Read, page_at(0, 0, 1, 3, p), {}});
  bench.host.add_burst(pages);
  sc_core::sc_start();
  sc_core::sc_time last;
  for (std::size_t i = 0; i < 3; ++i) last = std::max(last, bench.host.outcome(i).completed);
  EXPECT_EQ(last, (bench.read_command() + bench.cell().tR + bench.page_transfer()) * 3.0);
  EXPECT_EQ(bench.platform.controller().stats().cache_read_commands, 0u);
}

TEST(FlashTiming, FullDieQueueHoldsHostsBackInArrivalOrder) {
  FlashBench bench(tiny_config({"controller.queue_depth_per_die=1", "controller.max_planes_per_command=1",
                                "controller.cache_read=false"}));
  constexpr int kRequests = 4;
  for (std::uint32_t i = 0; i < kRequests; ++i)
    bench.host.add(HostOp::Read, page_at(0, 0, i, 0, 0), {}, ps(i));  // distinct arrival instants
  sc_core::sc_start();
  const sc_core::sc_time one = bench.read_command() + bench.cell().tR + bench.page_transfer();
  for (std::size_t i = 0; i < kRequests; ++i) {
    EXPECT_EQ(bench.host.outcome(i).completed, one * static_cast<double>(i + 1)) << i;
    EXPECT_EQ(bench.host.outcome(i).accepted, ps(i)) << i;
  }
}

}  // namespace
}  // namespace kvnand::test
