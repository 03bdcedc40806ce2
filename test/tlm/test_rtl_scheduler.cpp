// The RTL command scheduler co-simulated on the tiny platform at a 500 MHz controller clock
// (period 2000 ps): exact issue and completion times, the same under the clocked TLM scheduler,
// the RTL's gated clock and waveform, and the platforms it refuses. The RTL cases report
// themselves skipped in builds without Verilator.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/config_reader.h"
#include "flash_bench.h"
#ifdef KVNAND_HAVE_RTL_SCHEDULER
#include "controller/rtl/rtl_scheduler.h"
#endif

namespace kvnand::test {
namespace {

// One tiny read: 7 command cycles x 10 ns + tR 4 us + 4544 B at 4.8 GB/s (946.667 ns).
constexpr std::uint64_t kReadPs = 70'000 + 4'000'000 + 946'667;

class IssueLog : public ActivityObserver {
 public:
  void scheduler_issue(const IssuedCommand& command) override { issued.push_back(command); }
  std::vector<IssuedCommand> issued;
};

bool rtl_built() {
#ifdef KVNAND_HAVE_RTL_SCHEDULER
  return true;
#else
  return false;
#endif
}

#define SKIP_WITHOUT_RTL(scheduler)                                                                      \
  if ((scheduler) == std::string("rtl") && !rtl_built())                                                 \
  GTEST_SKIP() << "the RTL scheduler is not in this build (Verilator was not found or KVNAND_RTL is OFF)"

/// Runs under the clocked TLM scheduler and under the RTL scheduler: both must give the same times.
class SchedulerTiming : public testing::TestWithParam<const char*> {
 protected:
  std::vector<std::string> overrides(std::vector<std::string> more = {}) const {
    more.push_back(std::string("controller.scheduler=") + GetParam());
    more.push_back("controller.clock_MHz=500");
    return more;
  }
};

TEST_P(SchedulerTiming, ReadAtTimeZeroIsIssuedAtZero) {
  SKIP_WITHOUT_RTL(GetParam());
  IssueLog log;
  FlashBench bench(tiny_config(overrides()), &log);
  const auto i = bench.host.add(HostOp::Read, page_at(1, 1, 2, 3, 4));
  sc_core::sc_start();
  ASSERT_EQ(bench.host.outcome(i).status, tlm::TLM_OK_RESPONSE) << bench.host.outcome(i).error;
  ASSERT_EQ(log.issued.size(), 1u);
  const IssuedCommand& c = log.issued[0];
  EXPECT_EQ(c.at, ps(0));
  EXPECT_EQ(c.op, SchedulerOp::Read);
  EXPECT_EQ(c.channel, ChannelId(1));
  EXPECT_EQ(c.die, DieId(1));
  EXPECT_EQ(c.planes.bits(), 0b0100u);
  EXPECT_EQ(c.block, 3u);
  EXPECT_EQ(c.page, 4u);
  EXPECT_EQ(c.pages, 1u);
  EXPECT_EQ(c.requests, 1u);
  EXPECT_EQ(c.tag, 0u);
  // The bus sequence starts at the edge: the unclocked read time exactly.
  EXPECT_EQ(bench.host.outcome(i).completed, ps(kReadPs));
}

TEST_P(SchedulerTiming, ReadAtOneNanosecondWaitsForTheTwoNanosecondEdge) {
  SKIP_WITHOUT_RTL(GetParam());
  IssueLog log;
  FlashBench bench(tiny_config(overrides()), &log);
  const auto i = bench.host.add(HostOp::Read, page_at(0, 0, 0, 0, 0), {}, ps(1'000));
  sc_core::sc_start();
  ASSERT_EQ(log.issued.size(), 1u);
  EXPECT_EQ(log.issued[0].at, ps(2'000));
  EXPECT_EQ(bench.host.outcome(i).completed, ps(2'000 + kReadPs));
}

TEST_P(SchedulerTiming, FourSameRowReadsOnPlanesZeroToThreeAreOneMultiPlaneCommand) {
  SKIP_WITHOUT_RTL(GetParam());
  IssueLog log;
  FlashBench bench(tiny_config(overrides()), &log);
  std::vector<ScriptedRequest> burst;
  for (std::uint32_t plane = 0; plane < 4; ++plane) burst.push_back({HostOp::Read, page_at(0, 1, plane, 2, 5), {}});
  const auto first = bench.host.add_burst(burst);
  sc_core::sc_start();
  ASSERT_EQ(log.issued.size(), 1u);
  const IssuedCommand& c = log.issued[0];
  EXPECT_EQ(c.at, ps(0));
  EXPECT_EQ(c.die, DieId(1));
  EXPECT_EQ(c.planes.bits(), 0b1111u);
  EXPECT_EQ(c.block, 2u);
  EXPECT_EQ(c.page, 5u);
  EXPECT_EQ(c.pages, 1u);
  EXPECT_EQ(c.requests, 4u);
  EXPECT_EQ(c.tag, 0u);
  EXPECT_EQ(bench.platform.controller().stats().multi_plane_commands, 1u);
  // Four planes' addresses (4 x 70 ns), one tR, then the pages leave one after another.
  for (std::uint64_t k = 0; k < 4; ++k)
    EXPECT_EQ(bench.host.outcome(first + k).completed, ps(280'000 + 4'000'000 + 946'667 * (k + 1))) << k;
}

TEST_P(SchedulerTiming, ThreeSequentialPagesOfOnePlaneAreOneCacheRead) {
  SKIP_WITHOUT_RTL(GetParam());
  IssueLog log;
  FlashBench bench(tiny_config(overrides()), &log);
  std::vector<ScriptedRequest> burst;
  for (std::uint32_t page = 7; page < 10; ++page) burst.push_back({HostOp::Read, page_at(1, 0, 3, 6, page), {}});
  bench.host.add_burst(burst);
  sc_core::sc_start();
  ASSERT_EQ(log.issued.size(), 1u);
  EXPECT_EQ(log.issued[0].at, ps(0));
  EXPECT_EQ(log.issued[0].planes.bits(), 0b1000u);
  EXPECT_EQ(log.issued[0].page, 7u);
  EXPECT_EQ(log.issued[0].pages, 3u);
  EXPECT_EQ(log.issued[0].requests, 3u);
  EXPECT_EQ(bench.platform.controller().stats().cache_read_commands, 1u);
}

TEST_P(SchedulerTiming, BusyDieGetsItsNextCommandAtTheEdgeAfterTheCompletion) {
  SKIP_WITHOUT_RTL(GetParam());
  IssueLog log;
  FlashBench bench(tiny_config(overrides()), &log);
  std::vector<ScriptedRequest> burst = {{HostOp::Read, page_at(0, 0, 0, 1, 0), {}},
                                        {HostOp::Read, page_at(0, 0, 0, 4, 0), {}}};
  const auto first = bench.host.add_burst(burst);
  sc_core::sc_start();
  ASSERT_EQ(log.issued.size(), 2u);
  EXPECT_EQ(log.issued[0].at, ps(0));
  EXPECT_EQ(log.issued[0].block, 1u);
  EXPECT_EQ(bench.host.outcome(first).completed, ps(kReadPs));
  // The first command completes at 5'016'667 ps; the next edge on the 2 ns grid is 5'018'000 ps.
  EXPECT_EQ(log.issued[1].at, ps(5'018'000));
  EXPECT_EQ(log.issued[1].block, 4u);
  EXPECT_EQ(log.issued[1].tag, 1u);
  EXPECT_EQ(bench.host.outcome(first + 1).completed, ps(5'018'000 + kReadPs));
}

TEST_P(SchedulerTiming, DiesAreServedAtTheSameEdgeInDieOrder) {
  SKIP_WITHOUT_RTL(GetParam());
  IssueLog log;
  FlashBench bench(tiny_config(overrides()), &log);
  // Arrival order die 3, 0, 2: commands come out by ascending global die index at the 4 ns edge.
  std::vector<ScriptedRequest> burst = {{HostOp::Erase, page_at(1, 1, 0, 5, 0), {}},
                                        {HostOp::Program, page_at(0, 0, 1, 2, 0), std::vector<std::uint8_t>(4096, 0xA5)},
                                        {HostOp::Read, page_at(1, 0, 2, 3, 9), {}}};
  bench.host.add_burst(burst, ps(3'000));
  sc_core::sc_start();
  ASSERT_EQ(log.issued.size(), 3u);
  EXPECT_EQ(log.issued[0].at, ps(4'000));
  EXPECT_EQ(log.issued[0].op, SchedulerOp::Program);
  EXPECT_EQ(log.issued[0].channel, ChannelId(0));
  EXPECT_EQ(log.issued[1].at, ps(4'000));
  EXPECT_EQ(log.issued[1].op, SchedulerOp::Read);
  EXPECT_EQ(log.issued[1].channel, ChannelId(1));
  EXPECT_EQ(log.issued[1].die, DieId(0));
  EXPECT_EQ(log.issued[2].at, ps(4'000));
  EXPECT_EQ(log.issued[2].op, SchedulerOp::Erase);
  EXPECT_EQ(log.issued[2].die, DieId(1));
  EXPECT_EQ(log.issued[2].tag, 0u);
}

INSTANTIATE_TEST_SUITE_P(TlmAndRtl, SchedulerTiming, testing::Values("tlm", "rtl"),
                         [](const testing::TestParamInfo<const char*>& param_info) { return std::string(param_info.param); });

#ifdef KVNAND_HAVE_RTL_SCHEDULER

std::vector<std::string> rtl_overrides(std::vector<std::string> more = {}) {
  more.push_back("controller.scheduler=rtl");
  more.push_back("controller.clock_MHz=500");
  return more;
}

/// The message of the config error loading the tiny platform with `overrides` gives.
std::string config_error(const std::vector<std::string>& overrides) {
  try {
    tiny_config(overrides);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

RtlScheduler& rtl_scheduler() {
  auto* scheduler = dynamic_cast<RtlScheduler*>(sc_core::sc_find_object("platform.controller.scheduler"));
  if (scheduler == nullptr) throw std::logic_error("no RTL scheduler at platform.controller.scheduler");
  return *scheduler;
}

TEST(RtlScheduler, ClockRunsOnlyWhileThereIsWork) {
  FlashBench bench(tiny_config(rtl_overrides()));
  bench.host.add(HostOp::Read, page_at(0, 0, 0, 0, 0));
  sc_core::sc_start();
  // Edge 0: reset, then the read is issued; edge 2000: cmd_valid drops (active was high);
  // edge 5'018'000: the completion. Nothing else asks for an edge.
  EXPECT_EQ(rtl_scheduler().edges(), 3u);
  // The last activity is the clock's fall half a period after the completion edge.
  EXPECT_EQ(sc_core::sc_time_stamp(), ps(5'019'000));
}

using Changes = std::vector<std::pair<std::uint64_t, std::string>>;

/// (time in the VCD's unit, value) of every change of the first VCD variable called `name`.
Changes changes_of(const std::string& vcd_path, const std::string& name) {
  std::ifstream in(vcd_path);
  std::string id;
  std::uint64_t time = 0;
  Changes changes;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    const std::vector<std::string> w{std::istream_iterator<std::string>(words), std::istream_iterator<std::string>()};
    if (w.empty()) continue;
    if (id.empty() && w.size() >= 5 && w[0] == "$var" && w[4] == name) id = w[3];
    if (w[0][0] == '#') time = std::stoull(w[0].substr(1));
    if (id.empty()) continue;
    if (w.size() == 1 && w[0].size() == id.size() + 1 && w[0].substr(1) == id) changes.emplace_back(time, w[0].substr(0, 1));
    if (w.size() == 2 && w[0][0] == 'b' && w[1] == id) changes.emplace_back(time, w[0].substr(1));
  }
  return changes;
}

TEST(RtlScheduler, VcdIsInPicosecondsOfSimulatedTime) {
  const std::string path = testing::TempDir() + "rtl_scheduler_wave.vcd";
  FlashBench bench(tiny_config(rtl_overrides()));
  rtl_scheduler().open_vcd(path);
  bench.host.add(HostOp::Read, page_at(0, 0, 0, 0, 0), {}, ps(1'000));
  sc_core::sc_start();
  rtl_scheduler().close_vcd();
  std::ifstream in(path);
  const std::string vcd{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_NE(vcd.find("$timescale 1ps $end"), std::string::npos);
  EXPECT_NE(vcd.find(" q_count "), std::string::npos) << "internal signals are traced";
  // Edges at 0 (reset, nothing to do), 2000 (the read), 4000 (cmd_valid drops) and at the
  // completion (2000 + 5'016'667 ps, next edge 5'020'000), each high for half a period.
  const Changes clk = {{0, "1"},     {1'000, "0"}, {2'000, "1"},     {3'000, "0"},
                       {4'000, "1"}, {5'000, "0"}, {5'020'000, "1"}, {5'021'000, "0"}};
  EXPECT_EQ(changes_of(path, "clk"), clk);
  // The request is on lane 0 for the high phase of the edge that takes it; the completion likewise.
  const std::string none(RtlScheduler::kLanes, '0');
  const std::string lane0 = none.substr(1) + "1";
  EXPECT_EQ(changes_of(path, "req_valid"), (Changes{{0, none}, {2'000, lane0}, {3'000, none}}));
  EXPECT_EQ(changes_of(path, "cpl_valid"), (Changes{{0, none}, {5'020'000, lane0}, {5'021'000, none}}));
  std::remove(path.c_str());
}

TEST(RtlScheduler, QueueDeeperThanTheRtlIsRefused) {
  const std::uint32_t depth = RtlScheduler::kQueueCapacity + 1;
  const std::string error = config_error(rtl_overrides({"controller.queue_depth_per_die=" + std::to_string(depth)}));
  EXPECT_EQ(error, "--set: controller.queue_depth_per_die: " + std::to_string(depth) +
                       " exceeds the RTL scheduler's QUEUE_CAPACITY (" + std::to_string(RtlScheduler::kQueueCapacity) +
                       "); rebuild with -DKVNAND_RTL_QUEUE_CAPACITY=" + std::to_string(depth));
}

TEST(RtlScheduler, MoreDiesThanTheRtlTracksAreRefused) {
  const std::uint32_t per_channel = RtlScheduler::kDies;  // two channels: twice DIES
  const std::string dies = std::to_string(2 * per_channel);
  const std::string error = config_error(rtl_overrides({"channels.dies_per_channel=" + std::to_string(per_channel)}));
  EXPECT_NE(error.find(": channels.count: 2 x channels.dies_per_channel " + std::to_string(per_channel) + " = " + dies +
                       " dies exceed the RTL scheduler's DIES (" + std::to_string(RtlScheduler::kDies) +
                       "); rebuild with -DKVNAND_RTL_DIES=" + dies),
            std::string::npos)
      << error;
}

TEST(RtlScheduler, LanesOtherThanTheRtlsAreRefused) {
  const std::string error = config_error(rtl_overrides({"controller.lanes_per_clock=3"}));
  EXPECT_NE(error.find("controller.lanes_per_clock: 3 differs from the RTL scheduler's LANES (" +
                       std::to_string(RtlScheduler::kLanes) + ")"),
            std::string::npos)
      << error;
}

#else

TEST(RtlScheduler, ClockRunsOnlyWhileThereIsWork) { SKIP_WITHOUT_RTL("rtl"); }
TEST(RtlScheduler, VcdIsInPicosecondsOfSimulatedTime) { SKIP_WITHOUT_RTL("rtl"); }
TEST(RtlScheduler, QueueDeeperThanTheRtlIsRefused) { SKIP_WITHOUT_RTL("rtl"); }
TEST(RtlScheduler, MoreDiesThanTheRtlTracksAreRefused) { SKIP_WITHOUT_RTL("rtl"); }
TEST(RtlScheduler, LanesOtherThanTheRtlsAreRefused) { SKIP_WITHOUT_RTL("rtl"); }

#endif

}  // namespace
}  // namespace kvnand::test
