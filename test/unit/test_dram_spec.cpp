// DRAM config reading, capacity and the interleaved address mapping (no kernel).
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/config_reader.h"
#include "common/sim_time.h"
#include "dram/dram_controller.h"
#include "dram/dram_spec.h"

namespace kvnand {
namespace {

// Base-1's LPDDR5X: 8 channels of one 16 Gb device at 8 GB/s and 7 pJ/bit.
const char* const kDramJson = R"({"dram": {
  "channels": 8, "capacity_Gib_per_channel": 16, "bandwidth_GBps_per_channel": 8,
  "access_latency_ns": 42.5, "burst_bytes": 64, "interleave_bytes": 2048, "energy_pJ_per_bit": 7,
  "background_power_mW_per_channel": 25
}})";

DramSpec spec_with(const std::vector<std::string>& sets = {}) {
  std::vector<config::Override> overrides;
  for (const auto& text : sets) overrides.push_back(config::parse_override(text));
  config::Document doc = config::Document::load_text(kDramJson, "platform.json", overrides);
  return parse_dram_spec(doc.root().object("dram"));
}

std::string error_of(const std::vector<std::string>& sets) {
  try {
    spec_with(sets);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

/// A spec for the mapping tests; only channels and interleave_bytes matter there.
DramSpec mapping_spec(std::uint32_t channels, std::uint64_t interleave_bytes) {
  DramSpec spec;
  spec.channels = channels;
  spec.interleave_bytes = interleave_bytes;
  spec.burst_bytes = 64;
  return spec;
}

using Bytes = std::vector<std::uint64_t>;

TEST(DramSpec, ReadsEveryKey) {
  const DramSpec spec = spec_with();
  EXPECT_EQ(spec.channels, 8u);
  EXPECT_EQ(spec.capacity_Gib_per_channel, 16.0);
  EXPECT_EQ(spec.bandwidth_GBps_per_channel, 8.0);
  EXPECT_EQ(spec.access_latency, picoseconds(42'500));
  EXPECT_EQ(spec.burst_bytes, 64u);
  EXPECT_EQ(spec.interleave_bytes, 2048u);
  EXPECT_EQ(spec.energy_pJ_per_bit, 7.0);
  EXPECT_EQ(spec.background_power_mW_per_channel, 25.0);
}

TEST(DramSpec, BackgroundPowerDefaultsToZeroAndADescriptionIsAccepted) {
  config::Document doc = config::Document::load_text(
      R"({"description": "LPDDR5X", "channels": 1, "capacity_Gib_per_channel": 1, "bandwidth_GBps_per_channel": 8,
          "access_latency_ns": 0, "burst_bytes": 32, "interleave_bytes": 32, "energy_pJ_per_bit": 0})",
      "dram.json");
  const DramSpec spec = parse_dram_spec(doc.root());
  EXPECT_EQ(spec.background_power_mW_per_channel, 0.0);
  EXPECT_EQ(spec.access_latency, sc_core::SC_ZERO_TIME);
  EXPECT_EQ(doc.resolved()["background_power_mW_per_channel"], 0);
}

TEST(DramSpec, CapacityInBytes) {
  // 16 Gib = 2^34 bits = 2^31 bytes per device; 8 devices = 2^34 bytes (16 GiB).
  const DramSpec spec = spec_with();
  EXPECT_EQ(spec.channel_capacity_bytes(), 2'147'483'648u);
  EXPECT_EQ(spec.capacity_bytes(), 17'179'869'184u);
  // 0.5 Gib = 2^26 bytes, a whole number of 2048-byte granules (32768 of them).
  const DramSpec half = spec_with({"dram.capacity_Gib_per_channel=0.5", "dram.channels=3"});
  EXPECT_EQ(half.channel_capacity_bytes(), 67'108'864u);
  EXPECT_EQ(half.capacity_bytes(), 201'326'592u);
}

TEST(DramSpec, UnknownKeyIsRejected) {
  EXPECT_EQ(error_of({"dram.rank_count=2"}),
            "--set: dram.rank_count: unknown key; accepted keys here: access_latency_ns, "
            "background_power_mW_per_channel, bandwidth_GBps_per_channel, burst_bytes, capacity_Gib_per_channel, "
            "channels, description, energy_pJ_per_bit, interleave_bytes");
}

TEST(DramSpec, MissingKeyIsRejected) {
  config::Document doc = config::Document::load_text(R"({"channels": 8})", "dram.json");
  try {
    parse_dram_spec(doc.root());
    ADD_FAILURE() << "expected a ConfigError";
  } catch (const config::ConfigError& e) {
    EXPECT_STREQ(e.what(), "dram.json: capacity_Gib_per_channel: missing; expected a number > 0 and <= 1048576 in Gib");
  }
}

TEST(DramSpec, ZeroAndNegativeValuesAreRejected) {
  EXPECT_EQ(error_of({"dram.channels=0"}), "--set: dram.channels: expected an integer from 1 to 1024, got 0");
  EXPECT_EQ(error_of({"dram.capacity_Gib_per_channel=0"}),
            "--set: dram.capacity_Gib_per_channel: expected a number > 0 and <= 1048576 in Gib, got 0");
  EXPECT_EQ(error_of({"dram.bandwidth_GBps_per_channel=0"}),
            "--set: dram.bandwidth_GBps_per_channel: expected a positive number in GB/s, got 0");
  EXPECT_EQ(error_of({"dram.bandwidth_GBps_per_channel=-8"}),
            "--set: dram.bandwidth_GBps_per_channel: expected a positive number in GB/s, got -8");
  EXPECT_EQ(error_of({"dram.access_latency_ns=-1"}),
            "--set: dram.access_latency_ns: expected a non-negative number in ns, got -1");
  EXPECT_EQ(error_of({"dram.burst_bytes=0"}), "--set: dram.burst_bytes: expected an integer from 1 to 1048576, got 0");
  EXPECT_EQ(error_of({"dram.interleave_bytes=-2048"}),
            "--set: dram.interleave_bytes: expected an integer from 1 to 1073741824, got -2048");
  EXPECT_EQ(error_of({"dram.energy_pJ_per_bit=-7"}),
            "--set: dram.energy_pJ_per_bit: expected a non-negative number in pJ/bit, got -7");
  EXPECT_EQ(error_of({"dram.background_power_mW_per_channel=-1"}),
            "--set: dram.background_power_mW_per_channel: expected a non-negative number in mW, got -1");
}

TEST(DramSpec, InterleaveMustBeAMultipleOfTheBurst) {
  EXPECT_EQ(error_of({"dram.interleave_bytes=100"}),
            "--set: dram.interleave_bytes: expected a multiple of burst_bytes (64), got 100");
  EXPECT_EQ(error_of({"dram.interleave_bytes=32"}),
            "--set: dram.interleave_bytes: expected a multiple of burst_bytes (64), got 32");
  EXPECT_EQ(spec_with({"dram.interleave_bytes=4096"}).interleave_bytes, 4096u);
}

TEST(DramSpec, CapacityMustBeWholeInterleaveGranules) {
  // 0.3 Gib = 40,265,318.4 bytes; 1e-9 Gib = 0.134 bytes.
  EXPECT_EQ(error_of({"dram.capacity_Gib_per_channel=0.3"}),
            "--set: dram.capacity_Gib_per_channel: expected a whole number of interleave granules "
            "(interleave_bytes = 2048), got 0.3 Gib");
  EXPECT_EQ(error_of({"dram.capacity_Gib_per_channel=1e-9"}),
            "--set: dram.capacity_Gib_per_channel: expected a whole number of interleave granules "
            "(interleave_bytes = 2048), got 1e-09 Gib");
  // 2^31 bytes is not a multiple of 3 x 64 = 192.
  EXPECT_EQ(error_of({"dram.interleave_bytes=192"}),
            "platform.json: dram.capacity_Gib_per_channel: expected a whole number of interleave granules "
            "(interleave_bytes = 192), got 16 Gib");
}

TEST(DramMapping, AlignedRequestSpreadsEvenly) {
  const DramSpec spec = mapping_spec(4, 2048);
  EXPECT_EQ(bytes_per_channel(spec, 0, 8192), (Bytes{2048, 2048, 2048, 2048}));
  EXPECT_EQ(bytes_per_channel(spec, 8192, 16384), (Bytes{4096, 4096, 4096, 4096}));
  // 1 GiB from 0: a quarter (2^28 bytes) on every channel, computed without a walk over granules.
  EXPECT_EQ(bytes_per_channel(spec, 0, 1u << 30), (Bytes{1u << 28, 1u << 28, 1u << 28, 1u << 28}));
}

TEST(DramMapping, UnalignedRequestTrimsItsFirstAndLastGranule) {
  const DramSpec spec = mapping_spec(4, 2048);
  // [1000, 6000): 1048 B of granule 0 (ch0), granule 1 whole (ch1), 1904 B of granule 2 (ch2).
  EXPECT_EQ(bytes_per_channel(spec, 1000, 5000), (Bytes{1048, 2048, 1904, 0}));
  const std::vector<ChannelShare> shares = split_by_channel(spec, 1000, 5000);
  EXPECT_EQ(shares[0].local_address, 1000u);
  EXPECT_EQ(shares[1].local_address, 0u);
  EXPECT_EQ(shares[2].local_address, 0u);
  EXPECT_EQ(shares[3].local_address, 0u);
}

TEST(DramMapping, RequestWrappingAroundTheChannels) {
  const DramSpec spec = mapping_spec(4, 2048);
  // [6000, 16000) covers granules 2..7: ch2 gets 144 B of g2 and all of g6, ch3 all of g3 and
  // 1664 B of g7, ch0 g4, ch1 g5.
  EXPECT_EQ(bytes_per_channel(spec, 6000, 10000), (Bytes{2048, 2048, 2192, 3712}));
  const std::vector<ChannelShare> shares = split_by_channel(spec, 6000, 10000);
  // g2 and g6 are rows 0 and 1 of channel 2: from 6000 - 4096 = 1904 on, contiguous.
  EXPECT_EQ(shares[2].local_address, 1904u);
  EXPECT_EQ(shares[3].local_address, 0u);
  EXPECT_EQ(shares[0].local_address, 2048u);
  EXPECT_EQ(shares[1].local_address, 2048u);
}

TEST(DramMapping, ThreeChannelsWrapTwice) {
  const DramSpec spec = mapping_spec(3, 2048);
  // Granules 1..7: ch1 gets g1, g4, g7; ch2 g2, g5; ch0 g3, g6.
  EXPECT_EQ(bytes_per_channel(spec, 2048, 14336), (Bytes{4096, 6144, 4096}));
  const std::vector<ChannelShare> shares = split_by_channel(spec, 2048, 14336);
  EXPECT_EQ(shares[0].local_address, 2048u);  // g3 is row 1 of channel 0
  EXPECT_EQ(shares[1].local_address, 0u);     // g1 is row 0 of channel 1
  EXPECT_EQ(shares[2].local_address, 0u);
}

TEST(DramMapping, RequestInsideOneGranule) {
  const DramSpec spec = mapping_spec(4, 2048);
  // [4196, 4296) lies in granule 2 (4096..6143): channel 2, row 0, offset 100.
  EXPECT_EQ(bytes_per_channel(spec, 4196, 100), (Bytes{0, 0, 100, 0}));
  EXPECT_EQ(split_by_channel(spec, 4196, 100)[2].local_address, 100u);
  // Granule 13 (26624..28671) is row 3 of channel 1.
  EXPECT_EQ(bytes_per_channel(spec, 26624, 2048), (Bytes{0, 2048, 0, 0}));
  EXPECT_EQ(split_by_channel(spec, 26624, 2048)[1].local_address, 6144u);
  EXPECT_EQ(bytes_per_channel(spec, 28671, 1), (Bytes{0, 1, 0, 0}));
  EXPECT_EQ(split_by_channel(spec, 28671, 1)[1].local_address, 8191u);
}

TEST(DramMapping, EmptyRequestAndOneChannel) {
  EXPECT_EQ(bytes_per_channel(mapping_spec(4, 2048), 5000, 0), (Bytes{0, 0, 0, 0}));
  const std::vector<ChannelShare> one = split_by_channel(mapping_spec(1, 2048), 3000, 10000);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].local_address, 3000u);
  EXPECT_EQ(one[0].bytes, 10000u);
}

TEST(DramMapping, OverflowingRangeIsRefused) {
  const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
  // address + bytes must fit in 64 bits; 2^64 itself does not.
  EXPECT_THROW(split_by_channel(mapping_spec(4, 2048), top - 9, 10), std::invalid_argument);
  // Ending at 2^64 - 1: the last granule, 2^53 - 1, is 3 mod 4: channel 3.
  EXPECT_EQ(bytes_per_channel(mapping_spec(4, 2048), top - 10, 10), (Bytes{0, 0, 0, 10}));
}

}  // namespace
}  // namespace kvnand
