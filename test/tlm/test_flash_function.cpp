// Data, wear counters, energy and error responses of the flash subsystem.
#include <gtest/gtest.h>

#include "flash_bench.h"

namespace kvnand::test {
namespace {

std::vector<std::uint8_t> pattern_page(std::uint8_t seed) {
  std::vector<std::uint8_t> page(4096);
  for (std::size_t i = 0; i < page.size(); ++i) page[i] = static_cast<std::uint8_t>(seed + i * 7);
  return page;
}

TEST(FlashFunction, ReadAfterProgramReturnsTheDataAndEraseClearsIt) {
  FlashBench bench(tiny_config());
  const PageAddress page = page_at(1, 0, 2, 5, 9);
  const auto first = bench.host.add_sequence({
      {HostOp::Program, page, pattern_page(3)},
      {HostOp::Read, page, std::vector<std::uint8_t>(4096, 0)},
      {HostOp::Erase, page, {}},
      {HostOp::Read, page, std::vector<std::uint8_t>(4096, 0)},
  });
  sc_core::sc_start();
  for (std::size_t i = 0; i < 4; ++i) ASSERT_EQ(bench.host.outcome(first + i).status, tlm::TLM_OK_RESPONSE) << i;
  EXPECT_EQ(bench.host.outcome(first + 1).data, pattern_page(3));
  EXPECT_EQ(bench.host.outcome(first + 3).data, std::vector<std::uint8_t>(4096, PageStore::kErasedByte));
  const FlashDie& die = bench.platform.die(ChannelId(1), DieId(0));
  EXPECT_EQ(die.pages().stored_pages(), 0u);
}

TEST(FlashFunction, NeverWrittenPagesReadErasedAndCostNoMemory) {
  FlashBench bench(tiny_config());
  const auto i = bench.host.add(HostOp::Read, page_at(0, 1, 3, 7, 15), std::vector<std::uint8_t>(4096, 0));
  sc_core::sc_start();
  EXPECT_EQ(bench.host.outcome(i).data, std::vector<std::uint8_t>(4096, PageStore::kErasedByte));
  EXPECT_EQ(bench.platform.die(ChannelId(0), DieId(1)).pages().stored_pages(), 0u);
}

TEST(FlashFunction, MultiPlaneProgramKeepsEachPlanesData) {
  FlashBench bench(tiny_config());
  std::vector<ScriptedRequest> programs;
  for (std::uint32_t plane = 0; plane < 4; ++plane)
    programs.push_back({HostOp::Program, page_at(0, 0, plane, 1, 0), pattern_page(static_cast<std::uint8_t>(plane))});
  bench.host.add_burst(programs);
  std::vector<ScriptedRequest> reads;
  for (std::uint32_t plane = 0; plane < 4; ++plane)
    reads.push_back({HostOp::Read, page_at(0, 0, plane, 1, 0), std::vector<std::uint8_t>(4096, 0)});
  const auto first_read = bench.host.add_burst(reads, sc_core::sc_time(1, sc_core::SC_MS));
  sc_core::sc_start();
  for (std::uint32_t plane = 0; plane < 4; ++plane)
    EXPECT_EQ(bench.host.outcome(first_read + plane).data, pattern_page(static_cast<std::uint8_t>(plane))) << plane;
  // One program command for the four planes: one tPROG of array time, four pages programmed.
  const DieStats& die = bench.platform.die(ChannelId(0), DieId(0)).stats();
  EXPECT_EQ(die.page_programs, 4u);
  EXPECT_EQ(bench.host.outcome(0).completed,
            (bench.program_command() + bench.page_transfer()) * 4.0 + bench.cell().tPROG);
}

TEST(FlashFunction, WearAndOperationCountersCountExactly) {
  FlashBench bench(tiny_config({"controller.max_planes_per_command=1", "controller.cache_read=false"}));
  std::vector<ScriptedRequest> script;
  for (int round = 0; round < 3; ++round) {
    script.push_back({HostOp::Program, page_at(0, 1, 2, 4, 0), {}});
    for (int r = 0; r < 5; ++r) script.push_back({HostOp::Read, page_at(0, 1, 2, 4, static_cast<std::uint32_t>(r)), {}});
    script.push_back({HostOp::Erase, page_at(0, 1, 2, 4, 0), {}});
  }
  for (int r = 0; r < 2; ++r) script.push_back({HostOp::Read, page_at(0, 1, 2, 4, 1), {}});
  script.push_back({HostOp::Read, page_at(0, 1, 3, 4, 1), {}});
  bench.host.add_sequence(script);
  sc_core::sc_start();
  const FlashDie& die = bench.platform.die(ChannelId(0), DieId(1));
  EXPECT_EQ(die.wear().pe_cycles(PlaneId(2), BlockId(4)), 3u);
  EXPECT_EQ(die.wear().pe_cycles(PlaneId(3), BlockId(4)), 0u);
  EXPECT_EQ(die.wear().reads_since_erase(PlaneId(2), BlockId(4)), 2u);
  EXPECT_EQ(die.wear().reads_since_erase(PlaneId(3), BlockId(4)), 1u);
  EXPECT_EQ(die.wear().max_block_reads(), 5u);
  EXPECT_EQ(die.wear().max_pe_cycles(), 3u);
  EXPECT_EQ(die.stats().page_reads, 18u);
  EXPECT_EQ(die.stats().page_programs, 3u);
  EXPECT_EQ(die.stats().block_erases, 3u);
}

TEST(FlashFunction, EnergyEqualsCountsTimesConfiguredEnergies) {
  FlashBench bench(tiny_config());
  bench.host.add_sequence({{HostOp::Program, page_at(1, 1, 0, 0, 0), {}},
                           {HostOp::Read, page_at(1, 1, 0, 0, 0), {}},
                           {HostOp::Read, page_at(1, 1, 0, 0, 1), {}},
                           {HostOp::Erase, page_at(1, 1, 0, 0, 0), {}}});
  sc_core::sc_start();
  const FlashEnergy& e = bench.config().flash.energy;
  const double page_bits = bench.config().flash.geometry.page_total_bytes() * 8.0;
  const DieStats& die = bench.platform.die(ChannelId(1), DieId(1)).stats();
  EXPECT_DOUBLE_EQ(die.read_energy_J, 2 * page_bits * e.read_pJ_per_bit * 1e-12);
  EXPECT_DOUBLE_EQ(die.program_energy_J, 1 * page_bits * e.program_pJ_per_bit * 1e-12);
  EXPECT_DOUBLE_EQ(die.erase_energy_J, 1 * e.erase_uJ_per_block * 1e-6);
  const ChannelStats& channel = bench.platform.channel(ChannelId(1)).stats();
  EXPECT_EQ(channel.data_bytes, 3u * bench.config().flash.geometry.page_total_bytes());
  EXPECT_DOUBLE_EQ(channel.interface_energy_J, 3 * page_bits * e.interface_pJ_per_bit * 1e-12);
  EXPECT_EQ(channel.busy_time, bench.program_command() + bench.page_transfer() * 3.0 + bench.read_command() * 2.0 +
                                   bench.erase_command());
}

TEST(FlashFunction, ProgrammingAProgrammedPageIsRefused) {
  FlashBench bench(tiny_config());
  const auto first = bench.host.add_sequence({{HostOp::Program, page_at(0, 0, 0, 3, 3), pattern_page(1)},
                                              {HostOp::Program, page_at(0, 0, 0, 3, 3), pattern_page(2)}});
  sc_core::sc_start();
  EXPECT_EQ(bench.host.outcome(first).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(bench.host.outcome(first + 1).status, tlm::TLM_GENERIC_ERROR_RESPONSE);
  EXPECT_EQ(bench.host.outcome(first + 1).error,
            "platform.channel0_die0: program of block 3 page 3 that is already programmed; erase the block first");
}

TEST(FlashFunction, OutOfRangeAddressesAreRejectedWithTheLimit) {
  FlashBench bench(tiny_config());
  const auto channel = bench.host.add(HostOp::Read, page_at(2, 0, 0, 0, 0));
  const auto plane = bench.host.add(HostOp::Read, page_at(0, 0, 4, 0, 0));
  const auto page = bench.host.add(HostOp::Read, page_at(0, 0, 0, 0, 16));
  const auto size = bench.host.add(HostOp::Program, page_at(0, 0, 0, 0, 0), std::vector<std::uint8_t>(100, 0));
  sc_core::sc_start();
  EXPECT_EQ(bench.host.outcome(channel).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(bench.host.outcome(channel).error,
            "request rejected: channel 2 is out of range (the platform has 2 channels)");
  EXPECT_EQ(bench.host.outcome(plane).error, "request rejected: plane 4 is out of range (the platform has 4 planes per die)");
  EXPECT_EQ(bench.host.outcome(page).error,
            "request rejected: page 16 is out of range (the platform has 16 pages per block)");
  EXPECT_EQ(bench.host.outcome(size).error, "request rejected: data length 100 differs from the page size (4096 bytes)");
  EXPECT_EQ(bench.platform.controller().stats().rejected_requests, 4u);
  EXPECT_EQ(sc_core::sc_time_stamp(), sc_core::SC_ZERO_TIME);
}

}  // namespace
}  // namespace kvnand::test
