// The Base-1 DRAM: LPDDR channels that reserve their bus and annotate, and the controller that
// splits a host request over them. Exact simulated times in ps, byte counts and energy.
#include <cstdint>
#include <string>

#include <gtest/gtest.h>
#include <systemc>
#include <tlm>

#include "common/config_reader.h"
#include "common/sim_time.h"
#include "dram/dram_controller.h"
#include "dram/lpddr_channel.h"
#include "timed_issuer.h"

namespace kvnand::test {
namespace {

// 2 channels of a 16 Gib LPDDR5X device at 8 GB/s (1 byte = 125 ps), 40 ns to first data, 64-byte
// bursts, 2 KiB interleave, 7 pJ/bit, 25 mW background per device.
DramSpec example_spec() {
  config::Document doc = config::Document::load_text(R"({
    "channels": 2, "capacity_Gib_per_channel": 16, "bandwidth_GBps_per_channel": 8,
    "access_latency_ns": 40, "burst_bytes": 64, "interleave_bytes": 2048, "energy_pJ_per_bit": 7,
    "background_power_mW_per_channel": 25})",
                                                     "dram.json");
  return parse_dram_spec(doc.root());
}

sc_core::sc_time ps(std::uint64_t value) { return picoseconds(value); }

// By hand at 8 GB/s: 2048 B = 256,000 ps, 128 B = 16,000 ps; latency 40,000 ps.
constexpr std::uint64_t kLatency = 40'000;
constexpr std::uint64_t k2048 = 256'000;
constexpr std::uint64_t kCapacity = 4'294'967'296;  // 2 x 2^31 bytes

struct Issued : IssuedBase {
  DramOp op = DramOp::Read;
  std::uint64_t address = 0;
  std::uint64_t bytes = 0;
  // Results.
  sc_core::sc_time data_start, data_end;
  std::string error;

  void fill(DramRequest& request) const {
    request.op = op;
    request.address = address;
    request.bytes = bytes;
  }
  void take(const DramRequest& request) {
    data_start = request.data_start;
    data_end = request.data_end;
    error = request.error;
  }
};

/// Issues each request from its own thread at a chosen time and with a chosen annotated delay.
class Issuer : public TimedIssuer<Issued, DramRequest> {
 public:
  using TimedIssuer::TimedIssuer;
  Issued& issue(DramOp op, std::uint64_t address, std::uint64_t bytes, sc_core::sc_time at = {},
                sc_core::sc_time delay = {}, bool with_extension = true) {
    Issued request;
    request.op = op;
    request.address = address;
    request.bytes = bytes;
    request.with_extension = with_extension;
    return TimedIssuer::issue(request, at, delay);
  }
};

struct DramBench {
  DramBench() : dram("dram", example_spec()), issuer("issuer") { issuer.socket.bind(dram.host_socket()); }
  DramSystem dram;
  Issuer issuer;

  const DramChannelStats& channel(std::uint32_t i) const { return dram.channel(i).stats(); }
};

TEST(Dram, ReadOfFourKiBSplitsOverBothChannelsAndAnnotatesItsEnd) {
  DramBench bench;
  const Issued& read = bench.issuer.issue(DramOp::Read, 0, 4096);
  sc_core::sc_start();
  ASSERT_EQ(read.status, tlm::TLM_OK_RESPONSE) << read.error;
  EXPECT_EQ(read.data_start, ps(kLatency));
  EXPECT_EQ(read.data_end, ps(296'000));
  // The DRAM does not wait: the caller gets the end as an annotated delay.
  EXPECT_EQ(read.returned_at, ps(0));
  EXPECT_EQ(read.returned_delay, ps(296'000));
  for (std::uint32_t c = 0; c < 2; ++c) {
    EXPECT_EQ(bench.channel(c).accesses, 1u);
    EXPECT_EQ(bench.channel(c).bytes_read, 2048u);
    EXPECT_EQ(bench.channel(c).bytes_written, 0u);
    EXPECT_EQ(bench.channel(c).busy_time, ps(k2048));
  }
}

TEST(Dram, BackToBackRequestsQueueOnTheBusAndHideTheLatency) {
  DramBench bench;
  const Issued& first = bench.issuer.issue(DramOp::Read, 0, 4096);
  const Issued& second = bench.issuer.issue(DramOp::Read, 4096, 4096, ps(100'000));
  // Asked once the bus is idle again: the latency shows.
  const Issued& third = bench.issuer.issue(DramOp::Read, 8192, 4096, ps(600'000));
  sc_core::sc_start();
  EXPECT_EQ(first.data_end, ps(296'000));
  // Issued at 100 ns: its activate (ready at 140 ns) overlaps the first's data.
  EXPECT_EQ(second.data_start, ps(296'000));
  EXPECT_EQ(second.data_end, ps(552'000));
  EXPECT_EQ(second.returned_delay, ps(452'000));
  EXPECT_EQ(third.data_start, ps(640'000));
  EXPECT_EQ(third.data_end, ps(896'000));
  EXPECT_EQ(bench.channel(0).busy_time, ps(3 * k2048));
}

TEST(Dram, AnnotatedDelayIsTheIssueTimeOfEveryChannel) {
  DramBench bench;
  const Issued& read = bench.issuer.issue(DramOp::Read, 0, 4096, ps(5'000), ps(1'000'000));
  sc_core::sc_start();
  EXPECT_EQ(read.returned_at, ps(5'000));
  EXPECT_EQ(read.data_start, ps(1'045'000));
  EXPECT_EQ(read.data_end, ps(1'301'000));
  EXPECT_EQ(read.returned_delay, ps(1'296'000));
}

TEST(Dram, SmallWriteRoundsUpToWholeBurstsOnOneChannel) {
  DramBench bench;
  const Issued& write = bench.issuer.issue(DramOp::Write, 0, 100);
  sc_core::sc_start();
  ASSERT_EQ(write.status, tlm::TLM_OK_RESPONSE) << write.error;
  // 100 B -> 2 bursts = 128 B = 16 ns on channel 0 only.
  EXPECT_EQ(write.data_start, ps(kLatency));
  EXPECT_EQ(write.data_end, ps(56'000));
  EXPECT_EQ(bench.channel(0).bytes_written, 128u);
  EXPECT_EQ(bench.channel(0).busy_time, ps(16'000));
  EXPECT_EQ(bench.channel(1).accesses, 0u);
  // 128 B x 8 bits x 7 pJ = 7168 pJ.
  EXPECT_DOUBLE_EQ(bench.channel(0).energy_J, 7.168e-9);
  EXPECT_EQ(bench.dram.controller().stats().bytes_written, 100u);
}

TEST(Dram, ConcurrentRequestsFromTwoThreadsSerialise) {
  DramBench bench;
  const Issued& a = bench.issuer.issue(DramOp::Read, 0, 4096);
  const Issued& b = bench.issuer.issue(DramOp::Write, 8192, 4096);
  sc_core::sc_start();
  ASSERT_EQ(a.status, tlm::TLM_OK_RESPONSE);
  ASSERT_EQ(b.status, tlm::TLM_OK_RESPONSE);
  // Which thread asks first is the kernel's choice; the other's data follows on both channels.
  const Issued& earlier = a.data_start < b.data_start ? a : b;
  const Issued& later = a.data_start < b.data_start ? b : a;
  EXPECT_EQ(earlier.data_start, ps(kLatency));
  EXPECT_EQ(earlier.data_end, ps(296'000));
  EXPECT_EQ(later.data_start, ps(296'000));
  EXPECT_EQ(later.data_end, ps(552'000));
  EXPECT_EQ(later.returned_delay, ps(552'000));
}

TEST(Dram, RequestStartsAtItsEarliestChannelAndEndsAtItsLatest) {
  DramBench bench;
  // Channel 0 busy until 296 ns with granule 0; then a 4 KiB read from 2048: granule 1 on channel 1
  // (idle: 40 to 296 ns) and granule 2 on channel 0 (296 to 552 ns).
  bench.issuer.issue(DramOp::Read, 0, 2048);
  const Issued& spread = bench.issuer.issue(DramOp::Read, 2048, 4096, ps(1));
  sc_core::sc_start();
  EXPECT_EQ(spread.data_start, ps(kLatency + 1));
  EXPECT_EQ(spread.data_end, ps(552'000));
  EXPECT_EQ(bench.channel(0).accesses, 2u);
  EXPECT_EQ(bench.channel(1).accesses, 1u);
}

TEST(Dram, UnevenSplitRoundsEachChannelsShare) {
  DramBench bench;
  // [1000, 4000): 1048 B on channel 0 -> 17 bursts = 1088 B = 136 ns; 1952 B on channel 1 ->
  // 31 bursts = 1984 B = 248 ns.
  const Issued& read = bench.issuer.issue(DramOp::Read, 1000, 3000);
  sc_core::sc_start();
  EXPECT_EQ(read.data_start, ps(kLatency));
  EXPECT_EQ(read.data_end, ps(288'000));
  EXPECT_EQ(bench.channel(0).bytes_read, 1088u);
  EXPECT_EQ(bench.channel(0).busy_time, ps(136'000));
  EXPECT_EQ(bench.channel(1).bytes_read, 1984u);
  EXPECT_EQ(bench.channel(1).busy_time, ps(248'000));
  EXPECT_EQ(bench.dram.controller().stats().bytes_read, 3000u);
}

TEST(Dram, EnergyIsBitsMovedTimesSevenPicojoulesAndStatsCount) {
  DramBench bench;
  bench.issuer.issue(DramOp::Read, 0, 4096);
  bench.issuer.issue(DramOp::Write, 4096, 100, ps(1));
  bench.issuer.issue(DramOp::Read, 6144, 2048, ps(2));
  sc_core::sc_start();
  // Channel 0: 2048 read + 128 written; channel 1: 2048 + 2048 read.
  EXPECT_EQ(bench.channel(0).accesses, 2u);
  EXPECT_EQ(bench.channel(0).bytes_read, 2048u);
  EXPECT_EQ(bench.channel(0).bytes_written, 128u);
  EXPECT_EQ(bench.channel(1).accesses, 2u);
  EXPECT_EQ(bench.channel(1).bytes_read, 4096u);
  // 2176 B x 8 x 7 pJ = 121,856 pJ; 4096 B x 8 x 7 pJ = 229,376 pJ.
  EXPECT_DOUBLE_EQ(bench.channel(0).energy_J, 1.21856e-7);
  EXPECT_DOUBLE_EQ(bench.channel(1).energy_J, 2.29376e-7);
  const DramChannelStats total = bench.dram.total_stats();
  EXPECT_EQ(total.accesses, 4u);
  EXPECT_EQ(total.bytes_read, 6144u);
  EXPECT_EQ(total.bytes_written, 128u);
  EXPECT_EQ(total.busy_time, ps(784'000));  // 6272 B x 125 ps
  EXPECT_DOUBLE_EQ(total.energy_J, 3.51232e-7);
  const DramControllerStats& host = bench.dram.controller().stats();
  EXPECT_EQ(host.requests, 3u);
  EXPECT_EQ(host.bytes_read, 6144u);
  EXPECT_EQ(host.bytes_written, 100u);
  EXPECT_EQ(host.rejected_requests, 0u);
  // 25 mW for 1 us = 25 nJ per device.
  EXPECT_DOUBLE_EQ(bench.dram.channel(1).background_energy_J(ps(1'000'000)), 2.5e-8);
  EXPECT_DOUBLE_EQ(bench.dram.background_energy_J(ps(1'000'000)), 5e-8);
}

TEST(Dram, EmptyRequestEndsAtItsIssueWithoutTouchingAChannel) {
  DramBench bench;
  const Issued& empty = bench.issuer.issue(DramOp::Read, 12'345, 0, ps(7'000), ps(3'000));
  sc_core::sc_start();
  ASSERT_EQ(empty.status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(empty.data_start, ps(10'000));
  EXPECT_EQ(empty.data_end, ps(10'000));
  EXPECT_EQ(empty.returned_delay, ps(3'000));
  EXPECT_EQ(bench.dram.total_stats().accesses, 0u);
  EXPECT_EQ(bench.dram.controller().stats().requests, 1u);
}

TEST(Dram, RequestBeyondCapacityIsRefusedWithTheNumbers) {
  DramBench bench;
  const Issued& last = bench.issuer.issue(DramOp::Read, kCapacity - 4096, 4096);
  const Issued& beyond = bench.issuer.issue(DramOp::Write, kCapacity - 4095, 4096, ps(1));
  sc_core::sc_start();
  ASSERT_EQ(last.status, tlm::TLM_OK_RESPONSE) << last.error;
  EXPECT_EQ(last.data_end, ps(296'000));
  EXPECT_EQ(beyond.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(beyond.error,
            "dram.controller: write of 4096 bytes at address 4294963201 ends beyond the DRAM capacity of "
            "4294967296 bytes (2 channels of 2147483648 bytes)");
  EXPECT_EQ(bench.dram.total_stats().accesses, 2u);
  EXPECT_EQ(bench.dram.controller().stats().rejected_requests, 1u);
  EXPECT_EQ(bench.dram.controller().stats().requests, 1u);
}

TEST(Dram, MissingExtensionIsACommandError) {
  DramBench bench;
  const Issued& bare = bench.issuer.issue(DramOp::Read, 0, 4096, ps(0), ps(0), false);
  sc_core::sc_start();
  EXPECT_EQ(bare.status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(bench.dram.total_stats().accesses, 0u);
  EXPECT_EQ(bench.dram.controller().stats().rejected_requests, 1u);
}

struct ChannelBench {
  ChannelBench() : channel("lpddr", example_spec(), 1), issuer("issuer") { issuer.socket.bind(channel.socket); }
  LpddrChannel channel;
  Issuer issuer;
};

TEST(LpddrChannel, AccessBeyondTheDeviceIsAnAddressError) {
  ChannelBench bench;
  const Issued& beyond = bench.issuer.issue(DramOp::Write, 2'147'483'600, 100);
  const Issued& last = bench.issuer.issue(DramOp::Write, 2'147'483'548, 100, ps(1));
  sc_core::sc_start();
  EXPECT_EQ(beyond.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(beyond.error,
            "lpddr: write of 100 bytes at channel address 2147483600 ends beyond the channel capacity of "
            "2147483648 bytes");
  ASSERT_EQ(last.status, tlm::TLM_OK_RESPONSE) << last.error;
  EXPECT_EQ(last.data_end, ps(kLatency + 1 + 16'000));
  EXPECT_EQ(bench.channel.stats().accesses, 1u);
  EXPECT_EQ(bench.channel.index(), 1u);
}

TEST(LpddrChannel, EmptyAccessTakesNoBusTime) {
  ChannelBench bench;
  const Issued& empty = bench.issuer.issue(DramOp::Read, 0, 0, ps(0), ps(2'000));
  const Issued& read = bench.issuer.issue(DramOp::Read, 0, 64, ps(1));
  sc_core::sc_start();
  EXPECT_EQ(empty.data_start, ps(2'000));
  EXPECT_EQ(empty.data_end, ps(2'000));
  EXPECT_EQ(empty.returned_delay, ps(2'000));
  // The bus stayed free: 1 ps + 40 ns + 64 B (8 ns).
  EXPECT_EQ(read.data_start, ps(40'001));
  EXPECT_EQ(read.data_end, ps(48'001));
  EXPECT_EQ(bench.channel.stats().accesses, 1u);
  EXPECT_EQ(bench.channel.stats().busy_time, ps(8'000));
}

}  // namespace
}  // namespace kvnand::test
