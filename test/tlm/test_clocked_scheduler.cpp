// The clocked TLM scheduler: admission at edges, lanes per edge, stream requests, and its config
// (single reads, merges and freed dies at edges run under both schedulers in test_rtl_scheduler.cpp).
#include <gtest/gtest.h>

#include <vector>

#include "common/config_reader.h"
#include "decode_bench.h"
#include "flash_bench.h"
#include "ifc_host.h"

namespace kvnand::test {
namespace {

constexpr const char* kClock = "controller.clock_MHz=500";
// A single-plane read on the tiny platform: 7 x 10 ns command, tR 4 us, 4544 B at 4.8 GB/s.
constexpr std::uint64_t kRead = 70'000 + 4'000'000 + 946'667;

/// Keeps every command the scheduler issued.
struct IssueRecorder : ActivityObserver {
  void scheduler_issue(const IssuedCommand& command) override { issued.push_back(command); }
  std::vector<IssuedCommand> issued;
};

TEST(ClockedScheduler, AFullQueueAdmitsAtTheEdgeThatPlansItsHead) {
  IssueRecorder recorder;
  FlashBench bench(tiny_config({kClock, "controller.queue_depth_per_die=1"}), &recorder);
  std::vector<ScriptedRequest> burst;
  for (std::uint32_t block = 0; block < 3; ++block) burst.push_back({HostOp::Read, page_at(0, 0, 0, block, 0), {}});
  const auto first = bench.host.add_burst(burst);
  sc_core::sc_start();
  // Edge 0 admits and issues the first, then admits the second; the third waits for the edge
  // that issues the second (5,018,000 ps, the first edge after the first read frees the die).
  EXPECT_EQ(bench.host.outcome(first).completed, ps(kRead));
  EXPECT_EQ(bench.host.outcome(first + 1).completed, ps(5'018'000 + kRead));
  EXPECT_EQ(bench.host.outcome(first + 2).completed, ps(10'036'000 + kRead));
  ASSERT_EQ(recorder.issued.size(), 3u);
  EXPECT_EQ(recorder.issued[2].at, ps(10'036'000));
}

TEST(ClockedScheduler, AStreamRequestIsIssuedAtTheNextEdge) {
  IssueRecorder recorder;
  IfcRequest gemv = compute_request(0, 1, {5, 5, 0, 0}, 2048, 8192, 1024);
  sc_core::sc_time issued_after;
  FlashPlatform platform("platform", decode_platform("tiny-decode-c", {kClock}), &recorder);
  IfcHost host("host", [&](IfcHost& h) {
    sc_core::wait(ps(2'500));
    ASSERT_EQ(h.send(gemv), tlm::TLM_OK_RESPONSE) << gemv.error;
  });
  host.socket.bind(platform.host_socket());
  sc_core::sc_start();
  ASSERT_EQ(recorder.issued.size(), 1u);
  const IssuedCommand& command = recorder.issued[0];
  EXPECT_EQ(command.at, ps(4'000));
  EXPECT_EQ(command.op, SchedulerOp::Compute);
  EXPECT_EQ(command.die, DieId(1));
  EXPECT_EQ(command.planes.bits(), 0x3u);
  EXPECT_EQ(command.pages, 10u);
  // 7 x 10 ns command and 8 KiB input at 4.8 GB/s after the edge.
  EXPECT_EQ(gemv.delivered_at, ps(4'000 + 70'000 + 1'706'667));
}

TEST(ClockedScheduler, AnEdgeTakesAndIssuesAtMostItsLanes) {
  IssueRecorder recorder;
  FlashBench bench(tiny_config({kClock, "controller.lanes_per_clock=3"}), &recorder);
  std::vector<ScriptedRequest> burst;
  for (std::uint32_t die = 0; die < 4; ++die) burst.push_back({HostOp::Read, page_at(die / 2, die % 2, 0, 0, 0), {}});
  bench.host.add_burst(burst);
  sc_core::sc_start();
  // Three lanes: the first three requests are issued at edge 0, the fourth at the next edge.
  ASSERT_EQ(recorder.issued.size(), 4u);
  EXPECT_EQ(recorder.issued[0].at, ps(0));
  EXPECT_EQ(recorder.issued[2].at, ps(0));
  EXPECT_EQ(recorder.issued[3].at, ps(2'000));
  EXPECT_EQ(recorder.issued[3].channel, ChannelId(1));
  EXPECT_EQ(recorder.issued[3].die, DieId(1));
}

TEST(ClockedScheduler, LanesNeedAClock) {
  EXPECT_THROW(tiny_config({"controller.lanes_per_clock=4"}), config::ConfigError);
}

TEST(ClockedScheduler, TheRtlSchedulerNeedsAClock) {
  try {
    tiny_config({"controller.scheduler=rtl"});
    FAIL() << "accepted an RTL scheduler without a clock";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("controller.scheduler: \"rtl\" needs controller.clock_MHz"), std::string::npos)
        << e.what();
  }
}

TEST(ClockedScheduler, AClockOfZeroIsRefused) {
  EXPECT_THROW(tiny_config({"controller.clock_MHz=0"}), config::ConfigError);
}

}  // namespace
}  // namespace kvnand::test
