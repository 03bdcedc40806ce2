// Exact simulated time of in-flash-compute requests through controller, channel and IFC die.
#include <gtest/gtest.h>

#include "common/sim_time.h"
#include "ifc/page_pipeline.h"
#include "decode_bench.h"
#include "ifc_host.h"
#include "platforms/flash_platform.h"
#include "platforms/platform_config.h"

namespace kvnand::test {
namespace {

using sc_core::sc_time;

PlatformConfig tiny_decode(const std::vector<std::string>& overrides = {}) {
  return decode_platform("tiny-decode-c", overrides);
}

sc_time ps(std::uint64_t value) { return picoseconds(value); }

// Table I: tR 4 us; ECC 4544 B x 8 / 14.6 Gb/s = 2,489,863 ps; 2048 MACs / (16 x 400 MHz) = 320 ns.
constexpr std::uint64_t kStagesSum = 4'000'000 + 2'489'863 + 320'000;
constexpr std::uint64_t kBottleneck = 4'000'000;
// Bus: 7 cycles x 10 ns to send a compute command, 1 cycle to start a readout, 4.8 GB/s.
constexpr std::uint64_t kComputeCommand = 70'000;
constexpr std::uint64_t kReadoutCommand = 10'000;
constexpr std::uint64_t kInput8KiB = 1'706'667;   // 8192 B / 4.8 GB/s
constexpr std::uint64_t kOutput1KiB = 213'333;    // 1024 B / 4.8 GB/s

struct Bench {
  Bench(const PlatformConfig& config, std::function<void(IfcHost&)> script)
      : platform("platform", config, nullptr), host("host", std::move(script)) {
    host.socket.bind(platform.host_socket());
  }
  FlashPlatform platform;
  IfcHost host;
};

TEST(IfcTiming, GemvOverNPagesOnPPlanesIsCommandInputPipelineReadout) {
  IfcRequest gemv = compute_request(0, 0, {5, 5, 5, 5}, 2048, 8192, 1024);
  sc_time done;
  Bench bench(tiny_decode(), [&](IfcHost& host) {
    ASSERT_EQ(host.send(gemv), tlm::TLM_OK_RESPONSE) << gemv.error;
    done = sc_core::sc_time_stamp();
  });
  sc_core::sc_start();
  const std::uint64_t pipeline = kStagesSum + 4 * kBottleneck;
  EXPECT_EQ(gemv.compute_start, ps(kComputeCommand + kInput8KiB));
  EXPECT_EQ(gemv.compute_end, ps(kComputeCommand + kInput8KiB + pipeline));
  EXPECT_EQ(done, ps(kComputeCommand + kInput8KiB + pipeline + kReadoutCommand + kOutput1KiB));
  const IfcStats& stats = bench.platform.die(ChannelId(0), DieId(0)).ifc()->stats();
  EXPECT_EQ(stats.page_reads, 20u);
  EXPECT_EQ(stats.macs, 20u * 2048);
}

TEST(IfcTiming, MatchesTheClosedFormForManyShapes) {
  const PlatformConfig config = tiny_decode();
  for (std::uint64_t macs : {0u, 2048u, 16384u, 65536u}) {
    const PageStageTimes t = page_stage_times(config.flash, *config.ifc, macs);
    for (std::uint32_t n : {1u, 2u, 17u}) {
      const sc_time expected = stream_end(t, n, sc_core::SC_ZERO_TIME);
      const sc_time bottleneck = std::max({t.array, t.ecc, t.pe});
      EXPECT_EQ(expected, t.array + t.ecc + t.pe + bottleneck * static_cast<double>(n - 1)) << macs << " " << n;
    }
  }
}

TEST(IfcTiming, UnevenPlanesEndWithTheLongestStream) {
  IfcRequest gemv = compute_request(1, 1, {3, 7, 0, 1}, 2048, 0, 0);
  Bench bench(tiny_decode(), [&](IfcHost& host) { ASSERT_EQ(host.send(gemv), tlm::TLM_OK_RESPONSE) << gemv.error; });
  sc_core::sc_start();
  EXPECT_EQ(gemv.compute_end, ps(kComputeCommand + kStagesSum + 6 * kBottleneck));
}

TEST(IfcTiming, TwoDiesOnAChannelComputeTogetherButShareTheBus) {
  IfcRequest a = compute_request(0, 0, {2, 2, 2, 2}, 2048, 8192, 0);
  IfcRequest b = compute_request(0, 1, {2, 2, 2, 2}, 2048, 8192, 0);
  Bench bench(tiny_decode(), [&](IfcHost& host) {
    bool b_done = false;
    sc_core::sc_spawn([&] {
      ASSERT_EQ(host.send(b), tlm::TLM_OK_RESPONSE) << b.error;
      b_done = true;
    });
    ASSERT_EQ(host.send(a), tlm::TLM_OK_RESPONSE) << a.error;
    while (!b_done) sc_core::wait(sc_time(1, sc_core::SC_US));
  });
  sc_core::sc_start();
  const IfcRequest& first = a.compute_start < b.compute_start ? a : b;
  const IfcRequest& second = a.compute_start < b.compute_start ? b : a;
  const std::uint64_t bus = kComputeCommand + kInput8KiB;
  EXPECT_EQ(first.compute_start, ps(bus));
  EXPECT_EQ(second.compute_start, ps(2 * bus));
  EXPECT_EQ(second.compute_end - second.compute_start, ps(kStagesSum + kBottleneck));
}

TEST(IfcTiming, AProgramDelaysComputeOnItsPlaneOnly) {
  IfcRequest program;
  program.op = IfcHostOp::Program;
  program.channel = ChannelId(0);
  program.die = DieId(0);
  program.plane = PlaneId(2);
  program.input_bytes = 4096;
  program.program_bytes = 4096;
  IfcRequest on_plane2 = compute_request(0, 0, {0, 0, 1, 0}, 2048, 0, 0);
  IfcRequest on_plane1 = compute_request(0, 0, {0, 1, 0, 0}, 2048, 0, 0);
  sc_time after_program;
  Bench bench(tiny_decode(), [&](IfcHost& host) {
    ASSERT_EQ(host.send(program), tlm::TLM_OK_RESPONSE) << program.error;
    after_program = sc_core::sc_time_stamp();
    ASSERT_EQ(host.send(on_plane1), tlm::TLM_OK_RESPONSE) << on_plane1.error;
    ASSERT_EQ(host.send(on_plane2), tlm::TLM_OK_RESPONSE) << on_plane2.error;
  });
  sc_core::sc_start();
  // The host is released when the page data has crossed the bus; tPROG (75 us) runs on.
  constexpr std::uint64_t kProgramBus = 70'000 + 853'333;  // 4096 B / 4.8 GB/s
  EXPECT_EQ(after_program, ps(kProgramBus));
  EXPECT_EQ(program.program_end, ps(kProgramBus + 75'000'000));
  EXPECT_EQ(on_plane1.compute_start, ps(kProgramBus + kComputeCommand));
  EXPECT_EQ(on_plane1.program_stall, sc_core::SC_ZERO_TIME);
  const sc_time plane2_arrival = on_plane1.compute_end + ps(kComputeCommand);
  EXPECT_EQ(on_plane2.compute_start, program.program_end);
  EXPECT_EQ(on_plane2.program_stall, program.program_end - plane2_arrival);
}

TEST(IfcTiming, BroadcastIsCommandPlusData) {
  IfcRequest broadcast;
  broadcast.op = IfcHostOp::Broadcast;
  broadcast.channel = ChannelId(1);
  broadcast.input_bytes = 8192;
  sc_time done;
  Bench bench(tiny_decode(), [&](IfcHost& host) {
    ASSERT_EQ(host.send(broadcast), tlm::TLM_OK_RESPONSE) << broadcast.error;
    done = sc_core::sc_time_stamp();
  });
  sc_core::sc_start();
  EXPECT_EQ(done, ps(70'000 + kInput8KiB));
  EXPECT_EQ(bench.platform.channel(ChannelId(1)).stats().data_bytes, 8192u);
}

TEST(IfcTiming, PageModeAndStreamModeAgree) {
  auto run = [](const std::string& mode) {
    IfcRequest a = compute_request(0, 0, {9, 4, 0, 13}, 16384, 512, 300'000);
    IfcRequest b = compute_request(0, 0, {1, 1, 1, 1}, 2048, 0, 64);
    Bench bench(tiny_decode({"ifc.pipeline_mode=" + mode}), [&](IfcHost& host) {
      ASSERT_EQ(host.send(a), tlm::TLM_OK_RESPONSE) << a.error;
      ASSERT_EQ(host.send(b), tlm::TLM_OK_RESPONSE) << b.error;
    });
    sc_core::sc_start();
    return std::make_pair(b.compute_end, sc_core::sc_time_stamp());
  };
  // One elaboration per process: compare against the closed form computed independently.
  const PlatformConfig config = tiny_decode();
  const auto [end, now] = run("page");
  const PageStageTimes big = page_stage_times(config.flash, *config.ifc, 16384);
  const PageStageTimes small = page_stage_times(config.flash, *config.ifc, 2048);
  const sc_time a_end = stream_end(big, 13, ps(kComputeCommand + 106'667));  // 512 B / 4.8 GB/s
  const sc_time a_done = a_end + ps(kReadoutCommand + 62'500'000);         // 300,000 B / 4.8 GB/s
  EXPECT_EQ(end, stream_end(small, 1, a_done + ps(kComputeCommand)));
  EXPECT_EQ(now, end + ps(kReadoutCommand + 13'333));  // 64 B / 4.8 GB/s
}

TEST(IfcTiming, APlainDieRefusesComputeWithAReason) {
  std::vector<config::Override> none;
  const PlatformConfig plain = load_platform(std::string(KVNAND_SOURCE_DIR) + "/platforms/tiny.json", none);
  IfcRequest gemv = compute_request(0, 0, {1}, 2048, 0, 0);
  tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
  Bench bench(plain, [&](IfcHost& host) { status = host.send(gemv); });
  sc_core::sc_start();
  EXPECT_EQ(status, tlm::TLM_GENERIC_ERROR_RESPONSE);
  EXPECT_NE(gemv.error.find("without compute logic"), std::string::npos) << gemv.error;
}

}  // namespace
}  // namespace kvnand::test
