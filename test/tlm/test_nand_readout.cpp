// Page-stream read-outs of NAND dies (IfcHostOp::ReadPages) through controller, channel and die:
// exact simulated times against hand-computed values, agreement with the page-by-page cache
// read, bus sharing, refusals, counters, energy and the command records the traces see.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/sim_time.h"
#include "decode_bench.h"
#include "flash_bench.h"
#include "ifc_host.h"
#include "platforms/flash_platform.h"
#include "wave_signals.h"

namespace kvnand::test {
namespace {

using sc_core::sc_time;

// platforms/tiny.json: tR 4 us, tRCBSY 300 ns; 10 ns bus cycles, 7 per plane for a read's
// addresses, 1 for a cache-read command; 4096 + 448 B pages at 4.8 GB/s: 946,666.67 ns -> 946,667 ps.
constexpr std::uint64_t kTr = 4'000'000;
constexpr std::uint64_t kCopy = 300'000;
constexpr std::uint64_t kReadAddress = 70'000;  // per plane
constexpr std::uint64_t kCacheCommand = 10'000;
constexpr std::uint64_t kPageOut = 946'667;
constexpr std::uint64_t kPageBytes = 4544;
// One page of a stream on the bus: cache-read command + transfer.
constexpr std::uint64_t kStreamPage = kCacheCommand + kPageOut;  // 956,667
// A plane's cache-read period when its array is the bottleneck: command + copy + tR.
constexpr std::uint64_t kArrayPeriod = kCacheCommand + kCopy + kTr;  // 4,310,000

/// Keeps every command record and queue-depth report.
class Recorder : public ActivityObserver {
 public:
  struct Depth {
    sc_time at;
    DieId die;
    std::uint32_t requests;
  };
  void command(const CommandRecord& record) override { records.push_back(record); }
  void queue_depth(ChannelId, DieId die, std::uint32_t requests) override {
    depths.push_back({sc_core::sc_time_stamp(), die, requests});
  }
  std::vector<CommandRecord> records;
  std::vector<Depth> depths;
};

IfcRequest read_pages(std::uint32_t channel, std::uint32_t die, const std::vector<std::uint32_t>& pages) {
  IfcRequest r;
  r.op = IfcHostOp::ReadPages;
  r.channel = ChannelId(channel);
  r.die = DieId(die);
  for (std::size_t p = 0; p < pages.size(); ++p) r.stream.pages_per_plane[p] = pages[p];
  return r;
}

struct StreamBench {
  StreamBench(const PlatformConfig& config, std::function<void(IfcHost&)> script, ActivityObserver* observer = nullptr)
      : platform("platform", config, observer), host("host", std::move(script)) {
    host.socket.bind(platform.host_socket());
  }
  FlashPlatform platform;
  IfcHost host;
};

/// The page-by-page reference: n consecutive pages of one plane, queued together so that the
/// controller serves them as one cache read (Read; per page 31h/3Fh, tRCBSY, data-out).
std::vector<ScriptedRequest> consecutive_pages(std::uint32_t plane, std::uint32_t n) {
  std::vector<ScriptedRequest> pages;
  for (std::uint32_t p = 0; p < n; ++p) pages.push_back({HostOp::Read, page_at(0, 0, plane, 3, p), {}});
  return pages;
}

// A single plane of 8 pages, tR (4 us) > transfer (0.947 us): the array is the bottleneck.
// Page-by-page: addresses, tR, then 7 periods of 31h + tRCBSY + tR, then 3Fh + tRCBSY + transfer.
constexpr std::uint64_t kEightPagesEnd = kReadAddress + kTr + 7 * kArrayPeriod + kCacheCommand + kCopy + kPageOut;
static_assert(kEightPagesEnd == 35'496'667);

TEST(NandReadout, PageByPageCacheReadOfEightPagesEndsAtTheHandValue) {
  FlashBench bench(tiny_config());
  const auto first = bench.host.add_burst(consecutive_pages(1, 8));
  sc_core::sc_start();
  for (std::size_t i = 0; i < 8; ++i) ASSERT_EQ(bench.host.outcome(first + i).status, tlm::TLM_OK_RESPONSE) << i;
  EXPECT_EQ(bench.host.outcome(first + 7).completed, ps(kEightPagesEnd));
  EXPECT_EQ(bench.platform.controller().stats().cache_read_commands, 1u);
}

TEST(NandReadout, SinglePlaneStreamEndsWhereThePageByPagePathEnds) {
  IfcRequest request = read_pages(0, 0, {0, 8, 0, 0});
  sc_time resumed;
  StreamBench bench(tiny_config(), [&](IfcHost& host) {
    ASSERT_EQ(host.send(request), tlm::TLM_OK_RESPONSE) << request.error;
    resumed = sc_core::sc_time_stamp();
  });
  sc_core::sc_start();
  EXPECT_EQ(request.delivered_at, ps(kReadAddress));
  EXPECT_EQ(request.compute_start, ps(kReadAddress));
  EXPECT_EQ(request.compute_end, ps(kEightPagesEnd));
  EXPECT_EQ(resumed, ps(kEightPagesEnd));
  EXPECT_EQ(request.output_bytes, 8 * kPageBytes);
  // The bus alone would end earlier: addresses + tR + tRCBSY + 8 x (command + transfer).
  static_assert(kReadAddress + kTr + kCopy + 8 * kStreamPage < kEightPagesEnd);
}

// Both paths side by side in one simulation, on platforms of their own, for several lengths and
// for a slow bus (1 GB/s: 4.544 us per page, more than tR) where the transfers are the bottleneck.
TEST(NandReadout, StreamAndPageByPageAgreeForEveryLengthAndBothBottlenecks) {
  struct Case {
    std::uint32_t pages;
    std::string rate;
    std::uint64_t expected_ps;
  };
  // Slow bus: x = 4,544,000 ps; a period is 31h + tRCBSY + x = 4,854,000 ps.
  const std::vector<Case> cases = {
      {2, "4.8", kReadAddress + kTr + 1 * kArrayPeriod + kCacheCommand + kCopy + kPageOut},
      {3, "4.8", kReadAddress + kTr + 2 * kArrayPeriod + kCacheCommand + kCopy + kPageOut},
      {16, "4.8", kReadAddress + kTr + 15 * kArrayPeriod + kCacheCommand + kCopy + kPageOut},
      {2, "1", 70'000 + 4'000'000 + 1 * 4'854'000 + 10'000 + 300'000 + 4'544'000},
      {9, "1", 70'000 + 4'000'000 + 8 * 4'854'000 + 10'000 + 300'000 + 4'544'000},
  };
  std::vector<std::unique_ptr<FlashPlatform>> platforms;
  std::vector<std::unique_ptr<ScriptedHost>> page_hosts;
  std::vector<std::unique_ptr<IfcHost>> stream_hosts;
  std::vector<IfcRequest> requests(cases.size());
  std::vector<std::size_t> firsts;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const PlatformConfig config =
        tiny_config({"channels.rate_GBps=" + cases[k].rate, "controller.queue_depth_per_die=16"});
    const std::string id = std::to_string(k);
    platforms.push_back(std::make_unique<FlashPlatform>(("pages" + id).c_str(), config, nullptr));
    page_hosts.push_back(std::make_unique<ScriptedHost>(("page_host" + id).c_str()));
    page_hosts.back()->socket.bind(platforms.back()->host_socket());
    firsts.push_back(page_hosts.back()->add_burst(consecutive_pages(2, cases[k].pages)));

    platforms.push_back(std::make_unique<FlashPlatform>(("stream" + id).c_str(), config, nullptr));
    requests[k] = read_pages(0, 0, {0, 0, cases[k].pages, 0});
    stream_hosts.push_back(std::make_unique<IfcHost>(("stream_host" + id).c_str(), [&requests, k](IfcHost& host) {
      ASSERT_EQ(host.send(requests[k]), tlm::TLM_OK_RESPONSE) << requests[k].error;
    }));
    stream_hosts.back()->socket.bind(platforms.back()->host_socket());
  }
  sc_core::sc_start();
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const Outcome& last = page_hosts[k]->outcome(firsts[k] + cases[k].pages - 1);
    ASSERT_EQ(last.status, tlm::TLM_OK_RESPONSE) << last.error;
    EXPECT_EQ(last.completed, ps(cases[k].expected_ps)) << k;
    EXPECT_EQ(requests[k].compute_end, ps(cases[k].expected_ps)) << k;
  }
}

TEST(NandReadout, ManyPlanesAreBoundByTheBus) {
  // 16 planes: 64 pages, uneven (plane 5 has 7, plane 9 one, the others 4).
  std::vector<std::uint32_t> pages(16, 4);
  pages[5] = 7;
  pages[9] = 1;
  IfcRequest request = read_pages(1, 1, pages);
  StreamBench bench(tiny_config({"flash.geometry.planes_per_die=16"}),
                    [&](IfcHost& host) { ASSERT_EQ(host.send(request), tlm::TLM_OK_RESPONSE) << request.error; });
  sc_core::sc_start();
  constexpr std::uint64_t kArrayStart = 16 * kReadAddress;                 // 1,120,000
  constexpr std::uint64_t kDataOutStart = kArrayStart + kTr + kCopy;        // 5,420,000
  constexpr std::uint64_t kEnd = kDataOutStart + 64 * kStreamPage;          // + 61,226,688
  static_assert(kEnd == 66'646'688);
  // The planes' own pipelines would be done much earlier: plane 5's last page is in its cache
  // register at 1,120,000 + 4,000,000 + 6 x 4,310,000 + 310,000 = 31,290,000 ps.
  EXPECT_EQ(request.delivered_at, ps(kArrayStart));
  EXPECT_EQ(request.compute_start, ps(kArrayStart));
  EXPECT_EQ(request.compute_end, ps(kEnd));
  EXPECT_EQ(request.output_bytes, 64 * kPageBytes);
  EXPECT_EQ(bench.platform.channel(ChannelId(1)).stats().busy_time, ps(kArrayStart + 64 * kStreamPage));
  EXPECT_EQ(bench.platform.die(ChannelId(1), DieId(1)).stats().busy_time, ps(kEnd - kArrayStart));
}

TEST(NandReadout, FourEvenPlanesAreBoundByTheirArrays) {
  IfcRequest request = read_pages(0, 1, {3, 3, 3, 3});
  StreamBench bench(tiny_config(),
                    [&](IfcHost& host) { ASSERT_EQ(host.send(request), tlm::TLM_OK_RESPONSE) << request.error; });
  sc_core::sc_start();
  // Each plane's third page is in its cache register at 280,000 + tR + 2 periods + 31h + tRCBSY =
  // 13,210,000 ps; the four last pages then leave one after the other. The bus alone would end at
  // 280,000 + 4,300,000 + 12 x 956,667 = 16,060,004 ps.
  constexpr std::uint64_t kLastReady = 4 * kReadAddress + kTr + 2 * kArrayPeriod + kCacheCommand + kCopy;
  static_assert(kLastReady == 13'210'000);
  static_assert(kLastReady + 4 * kPageOut > 4 * kReadAddress + kTr + kCopy + 12 * kStreamPage);
  EXPECT_EQ(request.compute_end, ps(kLastReady + 4 * kPageOut));
  EXPECT_EQ(request.compute_end, ps(16'996'668));
}

TEST(NandReadout, UnevenPlanesLeaveTheirLastPagesInTheOrderTheyAreReady) {
  IfcRequest request = read_pages(0, 0, {1, 5, 0, 2});
  StreamBench bench(tiny_config(),
                    [&](IfcHost& host) { ASSERT_EQ(host.send(request), tlm::TLM_OK_RESPONSE) << request.error; });
  sc_core::sc_start();
  // Array start 3 x 70,000 = 210,000. Last pages ready: 1 page 4,520,000; 2 pages 8,830,000;
  // 5 pages 21,760,000. They leave at 5,466,667, 9,776,667 and 22,706,667 ps.
  constexpr std::uint64_t kStart = 3 * kReadAddress;
  EXPECT_EQ(request.compute_start, ps(kStart));
  EXPECT_EQ(request.compute_end, ps(kStart + kTr + 4 * kArrayPeriod + kCacheCommand + kCopy + kPageOut));
  EXPECT_EQ(request.compute_end, ps(22'706'667));
}

TEST(NandReadout, TwoDiesOnAChannelShareTheBusButOverlapTheirArrays) {
  IfcRequest a = read_pages(0, 0, {4, 4, 4, 4});
  IfcRequest b = read_pages(0, 1, {4, 4, 4, 4});
  Recorder recorder;
  StreamBench bench(
      tiny_config(),
      [&](IfcHost& host) {
        bool b_done = false;
        sc_core::sc_spawn([&] {
          ASSERT_EQ(host.send(b), tlm::TLM_OK_RESPONSE) << b.error;
          b_done = true;
        });
        ASSERT_EQ(host.send(a), tlm::TLM_OK_RESPONSE) << a.error;
        while (!b_done) sc_core::wait(sc_time(1, sc_core::SC_US));
      },
      &recorder);
  sc_core::sc_start();
  const IfcRequest& first = a.compute_start < b.compute_start ? a : b;
  const IfcRequest& second = a.compute_start < b.compute_start ? b : a;
  // Read addresses back to back: 4 planes x 70 ns each.
  EXPECT_EQ(first.compute_start, ps(280'000));
  EXPECT_EQ(second.compute_start, ps(560'000));
  // The first die's pages hold the bus from 4,580,000 for 16 x 956,667 = 15,306,672 ps, until
  // 19,886,672; its arrays end later, at 280,000 + tR + 3 periods + 31h + tRCBSY + 4 transfers.
  EXPECT_EQ(first.compute_end, ps(280'000 + kTr + 3 * kArrayPeriod + kCacheCommand + kCopy + 4 * kPageOut));
  EXPECT_EQ(first.compute_end, ps(21'306'668));
  // The second die's array ran meanwhile; its pages follow the first's on the bus.
  EXPECT_LT(second.compute_start, first.compute_end);
  EXPECT_EQ(second.compute_end, ps(19'886'672 + 16 * kStreamPage));
  EXPECT_EQ(bench.platform.channel(ChannelId(0)).stats().busy_time, ps(2 * 280'000 + 32 * kStreamPage));

  ASSERT_EQ(recorder.records.size(), 4u);
  const auto& r = recorder.records;
  EXPECT_EQ(r[0].command, NandCommand::StreamRead);
  EXPECT_EQ(r[1].command, NandCommand::StreamRead);
  EXPECT_EQ(r[2].command, NandCommand::StreamDataOut);
  EXPECT_EQ(r[3].command, NandCommand::StreamDataOut);
  EXPECT_EQ(r[2].die, r[0].die);
  EXPECT_EQ(r[2].bus_start, ps(4'580'000));
  EXPECT_EQ(r[2].bus_end, ps(19'886'672));
  EXPECT_EQ(r[3].issue, ps(4'860'000));
  EXPECT_EQ(r[3].bus_start, ps(19'886'672));
}

TEST(NandReadout, CommandRecordsShowPlanesPagesBusAndArrayParts) {
  Recorder recorder;
  IfcRequest request = read_pages(1, 0, {2, 0, 3, 0});
  StreamBench bench(
      tiny_config(),
      [&](IfcHost& host) { ASSERT_EQ(host.send(request), tlm::TLM_OK_RESPONSE) << request.error; }, &recorder);
  sc_core::sc_start();
  ASSERT_EQ(recorder.records.size(), 2u);
  const CommandRecord& read = recorder.records[0];
  const CommandRecord& out = recorder.records[1];
  // Array bound: the planes' last pages are in their cache registers at 8,760,000 (2 pages) and
  // 13,070,000 ps (3 pages); the later one leaves last. The bus alone would end at 9,223,335.
  constexpr std::uint64_t kStart = 2 * kReadAddress;             // 140,000
  constexpr std::uint64_t kFirstOut = kStart + kTr + kCopy;      // 4,440,000
  constexpr std::uint64_t kBusEnd = kFirstOut + 5 * kStreamPage;  // 9,223,335
  constexpr std::uint64_t kEnd = kStart + kTr + 2 * kArrayPeriod + kCacheCommand + kCopy + kPageOut;
  static_assert(kBusEnd == 9'223'335 && kEnd == 14'016'667);
  EXPECT_EQ(read.command, NandCommand::StreamRead);
  EXPECT_EQ(read.channel, ChannelId(1));
  EXPECT_EQ(read.planes.bits(), 0b0101u);
  EXPECT_EQ(read.pages, 5u);
  EXPECT_EQ(read.bus_bytes, 0u);
  EXPECT_EQ(read.bus_start, ps(0));
  EXPECT_EQ(read.bus_end, ps(kStart));
  EXPECT_EQ(read.array_start, ps(kStart));
  EXPECT_EQ(read.array_end, ps(kEnd));  // the array bound is known at once and is the end
  EXPECT_EQ(out.command, NandCommand::StreamDataOut);
  EXPECT_EQ(out.planes.bits(), 0b0101u);
  EXPECT_EQ(out.pages, 5u);
  EXPECT_EQ(out.bus_bytes, 5 * kPageBytes);
  EXPECT_EQ(out.issue, ps(kFirstOut));
  EXPECT_EQ(out.bus_start, ps(kFirstOut));
  EXPECT_EQ(out.bus_end, ps(kBusEnd));
  EXPECT_EQ(out.array_start, out.array_end);  // nothing left for the array after the bus
  EXPECT_EQ(request.compute_end, ps(kEnd));
}

TEST(NandReadout, BusBoundStreamShowsTheRegistersHeldUntilTheBusDrains) {
  Recorder recorder;
  // A slow bus (1 GB/s, 4,544,000 ps a page) and two planes: the bus is the bottleneck.
  IfcRequest request = read_pages(0, 0, {3, 3, 0, 0});
  StreamBench bench(
      tiny_config({"channels.rate_GBps=1"}),
      [&](IfcHost& host) { ASSERT_EQ(host.send(request), tlm::TLM_OK_RESPONSE) << request.error; }, &recorder);
  sc_core::sc_start();
  ASSERT_EQ(recorder.records.size(), 2u);
  constexpr std::uint64_t kStart = 140'000, kFirstOut = kStart + kTr + kCopy;  // 4,440,000
  constexpr std::uint64_t kSlowPage = 10'000 + 4'544'000;
  // The arrays alone: each plane's third page in its cache register at 140,000 + tR + 2 x
  // (31h + tRCBSY + 4,544,000) + 31h + tRCBSY = 14,158,000, both gone at 23,246,000 ps. The read
  // reserves the array until the earliest end, 4,440,000 + 6 x 4,554,000; the bus was free, so
  // the data-out took it at once and that is the end: no array part after the bus tenure.
  EXPECT_EQ(recorder.records[0].array_start, ps(kStart));
  EXPECT_EQ(recorder.records[0].array_end, ps(kFirstOut + 6 * kSlowPage));
  EXPECT_EQ(recorder.records[1].bus_start, ps(kFirstOut));
  EXPECT_EQ(recorder.records[1].bus_end, ps(kFirstOut + 6 * kSlowPage));
  EXPECT_EQ(recorder.records[1].array_start, recorder.records[1].array_end);
  EXPECT_EQ(request.compute_end, ps(kFirstOut + 6 * kSlowPage));
  EXPECT_EQ(request.compute_end, ps(31'764'000));
}

TEST(NandReadout, ADataOutDelayedByAnotherDieExtendsTheArrayPart) {
  Recorder recorder;
  // Die 1 reads 16 pages from 0; die 0 asks for one page at 1 us and its page waits for the bus.
  IfcRequest big = read_pages(0, 1, {4, 4, 4, 4});
  IfcRequest small = read_pages(0, 0, {1, 0, 0, 0});
  StreamBench bench(
      tiny_config(),
      [&](IfcHost& host) {
        bool small_done = false;
        sc_core::sc_spawn([&] {
          sc_core::wait(ps(1'000'000));
          ASSERT_EQ(host.send(small), tlm::TLM_OK_RESPONSE) << small.error;
          small_done = true;
        });
        ASSERT_EQ(host.send(big), tlm::TLM_OK_RESPONSE) << big.error;
        while (!small_done) sc_core::wait(sc_time(1, sc_core::SC_US));
      },
      &recorder);
  sc_core::sc_start();
  // Die 1: addresses until 280,000, its pages on the bus from 4,580,000 to 19,886,672.
  // Die 0: addresses 1,000,000 .. 1,070,000; alone it would end at 1,070,000 + tR + 31h + tRCBSY +
  // transfer = 6,326,667 ps, but its page gets the bus only after die 1's.
  constexpr std::uint64_t kSmallStart = 1'070'000, kSmallAlone = 6'326'667;
  static_assert(kSmallStart + kTr + kCacheCommand + kCopy + kPageOut == kSmallAlone);
  constexpr std::uint64_t kSmallEnd = 19'886'672 + kStreamPage;
  EXPECT_EQ(small.compute_start, ps(kSmallStart));
  EXPECT_EQ(small.compute_end, ps(kSmallEnd));
  ASSERT_EQ(recorder.records.size(), 4u);
  const CommandRecord& read = recorder.records[1];
  const CommandRecord& out = recorder.records[3];
  ASSERT_EQ(read.die, DieId(0));
  ASSERT_EQ(out.die, DieId(0));
  EXPECT_EQ(read.array_start, ps(kSmallStart));
  EXPECT_EQ(read.array_end, ps(kSmallAlone));
  EXPECT_EQ(out.issue, ps(kSmallStart + kTr + kCopy));
  EXPECT_EQ(out.bus_start, ps(19'886'672));
  // The array (its registers) stays busy until the page has left: the die shows read throughout.
  EXPECT_EQ(out.array_start, ps(kSmallAlone));
  EXPECT_EQ(out.array_end, ps(kSmallEnd));
  EXPECT_EQ(bench.platform.die(ChannelId(0), DieId(0)).stats().busy_time, ps(kSmallEnd - kSmallStart));
}

TEST(NandReadout, RefusesPlanesBeyondTheDieAndMissingDiesAndFinishesEmptyStreamsAtOnce) {
  IfcRequest beyond = read_pages(0, 0, {1, 0, 0, 0, 0, 2});
  IfcRequest no_channel = read_pages(2, 0, {1});
  IfcRequest no_die = read_pages(0, 2, {1});
  IfcRequest empty = read_pages(1, 1, {});
  sc_time empty_returned;
  Recorder recorder;
  StreamBench bench(
      tiny_config(),
      [&](IfcHost& host) {
        sc_core::wait(ps(5'000));
        EXPECT_EQ(host.send(beyond), tlm::TLM_GENERIC_ERROR_RESPONSE);
        EXPECT_EQ(host.send(no_channel), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(host.send(no_die), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        const sc_time before = sc_core::sc_time_stamp();
        EXPECT_EQ(host.send(empty), tlm::TLM_OK_RESPONSE) << empty.error;
        empty_returned = sc_core::sc_time_stamp();
        EXPECT_EQ(empty_returned, before);
      },
      &recorder);
  sc_core::sc_start();
  EXPECT_NE(beyond.error.find("pages on plane 5"), std::string::npos) << beyond.error;
  EXPECT_NE(beyond.error.find("the die has 4 planes"), std::string::npos) << beyond.error;
  EXPECT_NE(no_channel.error.find("channel 2 die 0 does not exist"), std::string::npos) << no_channel.error;
  EXPECT_NE(no_die.error.find("channel 0 die 2 does not exist"), std::string::npos) << no_die.error;
  EXPECT_TRUE(empty.error.empty());
  EXPECT_EQ(empty.output_bytes, 0u);
  EXPECT_EQ(empty.delivered_at, empty_returned);
  EXPECT_EQ(empty.compute_start, empty_returned);
  EXPECT_EQ(empty.compute_end, empty_returned);
  // The refused stream's addresses went out (two planes' worth) but nothing was read.
  EXPECT_EQ(bench.platform.channel(ChannelId(0)).stats().busy_time, ps(2 * kReadAddress));
  EXPECT_EQ(bench.platform.channel(ChannelId(0)).stats().data_bytes, 0u);
  EXPECT_EQ(bench.platform.die(ChannelId(0), DieId(0)).stats().page_reads, 0u);
  EXPECT_EQ(bench.platform.channel(ChannelId(1)).stats().busy_time, ps(0));
  EXPECT_TRUE(recorder.records.empty());
  EXPECT_EQ(bench.platform.controller().stats().rejected_requests, 3u);
}

TEST(NandReadout, CountsPagesBytesEnergyAndQueueDepth) {
  Recorder recorder;
  IfcRequest request = read_pages(1, 0, {5, 6, 7, 2});
  StreamBench bench(
      tiny_config(),
      [&](IfcHost& host) { ASSERT_EQ(host.send(request), tlm::TLM_OK_RESPONSE) << request.error; }, &recorder);
  sc_core::sc_start();
  constexpr std::uint64_t kPages = 20;
  const DieStats& die = bench.platform.die(ChannelId(1), DieId(0)).stats();
  const ChannelStats& channel = bench.platform.channel(ChannelId(1)).stats();
  EXPECT_EQ(die.page_reads, kPages);
  // 20 pages x 4544 B x 8 bit x 3 pJ/bit = 2.18112 uJ.
  EXPECT_DOUBLE_EQ(die.read_energy_J, 2.18112e-6);
  EXPECT_EQ(die.busy_time, request.compute_end - request.compute_start);
  EXPECT_EQ(channel.data_bytes, kPages * kPageBytes);
  EXPECT_EQ(request.output_bytes, kPages * kPageBytes);
  // 90,880 B x 8 bit x 4.9 pJ/bit = 3.562496 uJ.
  EXPECT_DOUBLE_EQ(channel.interface_energy_J, 3.562496e-6);
  EXPECT_EQ(channel.busy_time, ps(4 * kReadAddress + kPages * kStreamPage));
  EXPECT_EQ(bench.platform.controller().stats().ifc_requests, 1u);
  ASSERT_EQ(recorder.depths.size(), 2u);
  EXPECT_EQ(recorder.depths[0].at, ps(0));
  EXPECT_EQ(recorder.depths[0].requests, 1u);
  EXPECT_EQ(recorder.depths[1].at, request.compute_end);
  EXPECT_EQ(recorder.depths[1].requests, 0u);
}

TEST(NandReadout, AnIfcDieIsReadLikeAnyNandOnceItsKernelHasEnded) {
  // tiny-decode-c: IFC dies with the same cell and bus timing as tiny.json.
  IfcRequest gemv = compute_request(0, 0, {5, 5, 5, 5}, 2048, 8192, 0);
  IfcRequest stream = read_pages(0, 0, {1, 1, 1, 1});
  StreamBench bench(decode_platform("tiny-decode-c"), [&](IfcHost& host) {
    sc_core::sc_spawn([&] {
      sc_core::wait(ps(1'000));
      ASSERT_EQ(host.send(stream), tlm::TLM_OK_RESPONSE) << stream.error;
    });
    ASSERT_EQ(host.send(gemv), tlm::TLM_OK_RESPONSE) << gemv.error;
  });
  sc_core::sc_start();
  // The GEMV: 70,000 + 8192 B input (1,706,667) then its pipeline, ending at 24,586,530 ps
  // (test_ifc_timing.cpp). The stream's addresses follow the GEMV's input on the bus; its
  // arrays start when the kernel has released the planes.
  EXPECT_EQ(gemv.compute_end, ps(24'586'530));
  EXPECT_EQ(stream.delivered_at, ps(1'776'667 + 4 * kReadAddress));
  EXPECT_EQ(stream.compute_start, gemv.compute_end);
  // The bus bound (4 x 956,667 after tR + tRCBSY) beats the arrays' 4,310,000 + 4 transfers.
  EXPECT_EQ(stream.compute_end, ps(24'586'530 + kTr + kCopy + 4 * kStreamPage));
  EXPECT_EQ(bench.platform.die(ChannelId(0), DieId(0)).stats().page_reads, 4u);
}

// Requests b and c ask for die 0 while a's read-out holds it: with merge_stream_reads (the
// default) they leave together as one multi-plane cache read of all their pages; without it,
// one after the other in arrival order.
struct ThreeReadouts {
  IfcRequest a = read_pages(0, 0, {1, 0, 0, 0});
  IfcRequest b = read_pages(0, 0, {0, 2, 0, 0});
  IfcRequest c = read_pages(0, 0, {1, 0, 1, 0});
  Recorder recorder;
  StreamBench bench;
  explicit ThreeReadouts(bool merge)
      : bench(tiny_config({std::string("controller.merge_stream_reads=") + (merge ? "true" : "false")}),
              [this](IfcHost& host) {
                int done = 0;
                for (IfcRequest* late : {&b, &c})
                  sc_core::sc_spawn([&host, &done, late] {
                    sc_core::wait(ps(1'000'000));
                    ASSERT_EQ(host.send(*late), tlm::TLM_OK_RESPONSE) << late->error;
                    ++done;
                  });
                ASSERT_EQ(host.send(a), tlm::TLM_OK_RESPONSE) << a.error;
                while (done < 2) sc_core::wait(sc_time(1, sc_core::SC_US));
              },
              &recorder) {}
};

TEST(NandReadout, ReadoutsWaitingForTheSameDieLeaveAsOneCacheRead) {
  ThreeReadouts run(true);
  sc_core::sc_start();
  // a: addresses, tR, 3Fh, tRCBSY, its page out.
  constexpr std::uint64_t kAEnd = kReadAddress + kTr + kCacheCommand + kCopy + kPageOut;
  static_assert(kAEnd == 5'326'667);
  EXPECT_EQ(run.a.compute_end, ps(kAEnd));
  // b + c: planes 0, 1, 2 with 1, 2, 1 pages. Array start after 3 planes' addresses; the planes
  // with one page have it in their cache registers after tR + 31h + tRCBSY and it leaves at once,
  // plane 1's second page one array period later: it leaves last.
  constexpr std::uint64_t kMergedStart = kAEnd + 3 * kReadAddress;
  constexpr std::uint64_t kMergedEnd = kMergedStart + kTr + kArrayPeriod + kCacheCommand + kCopy + kPageOut;
  static_assert(kMergedEnd == 15'103'334);
  for (const IfcRequest* r : {&run.b, &run.c}) {
    EXPECT_EQ(r->compute_start, ps(kMergedStart));
    EXPECT_EQ(r->compute_end, ps(kMergedEnd));
  }
  EXPECT_EQ(run.b.output_bytes, 2 * kPageBytes);
  EXPECT_EQ(run.c.output_bytes, 2 * kPageBytes);
  ASSERT_EQ(run.recorder.records.size(), 4u);
  EXPECT_EQ(run.recorder.records[2].command, NandCommand::StreamRead);
  EXPECT_EQ(run.recorder.records[2].planes.bits(), 0b0111u);
  EXPECT_EQ(run.recorder.records[2].pages, 4u);
  EXPECT_EQ(run.bench.platform.controller().stats().ifc_requests, 3u);
}

TEST(NandReadout, WithoutMergingReadoutsOfOneDieLeaveOneAfterAnother) {
  ThreeReadouts run(false);
  sc_core::sc_start();
  constexpr std::uint64_t kAEnd = 5'326'667;
  // b alone: one plane's two pages; then c: two planes with one page each.
  constexpr std::uint64_t kBEnd = kAEnd + kReadAddress + kTr + kArrayPeriod + kCacheCommand + kCopy + kPageOut;
  constexpr std::uint64_t kCEnd = kBEnd + 2 * kReadAddress + kTr + kCopy + 2 * kStreamPage;
  EXPECT_EQ(run.a.compute_end, ps(kAEnd));
  EXPECT_EQ(run.b.compute_end, ps(kBEnd));
  EXPECT_EQ(run.c.compute_end, ps(kCEnd));
  EXPECT_EQ(run.recorder.records.size(), 6u);
}

TEST(NandReadout, WithoutSpareBytesOnlyTheDataCrossesTheBus) {
  Recorder recorder;
  IfcRequest request = read_pages(0, 0, {0, 0, 0, 3});
  StreamBench bench(
      tiny_config({"controller.readout_spare_bytes=false", "channels.rate_GBps=1"}),
      [&](IfcHost& host) { ASSERT_EQ(host.send(request), tlm::TLM_OK_RESPONSE) << request.error; }, &recorder);
  sc_core::sc_start();
  // 4096 B at 1 GB/s: 4,096,000 ps a page, longer than tR, so one plane's cache-read period is
  // 31h + tRCBSY + the transfer (with spare bytes it would be 4,544,000 ps).
  constexpr std::uint64_t kDataOut = 4'096'000;
  constexpr std::uint64_t kPeriod = kCacheCommand + kCopy + kDataOut;
  EXPECT_EQ(request.compute_end, ps(kReadAddress + kTr + 2 * kPeriod + kCacheCommand + kCopy + kDataOut));
  EXPECT_EQ(request.output_bytes, 3 * 4096u);
  EXPECT_EQ(bench.platform.channel(ChannelId(0)).stats().data_bytes, 3 * 4096u);
  ASSERT_EQ(recorder.records.size(), 2u);
  EXPECT_EQ(recorder.records[1].bus_bytes, 3 * 4096u);
}

TEST(NandReadout, TracesKnowTheStreamCommands) {
  EXPECT_EQ(kNandCommandCount, 13u);
  EXPECT_STREQ(to_string(NandCommand::StreamRead), "stream_read");
  EXPECT_STREQ(to_string(NandCommand::StreamDataOut), "stream_data_out");
  EXPECT_EQ(array_state(NandCommand::StreamRead), DieState::Read);
  EXPECT_EQ(array_state(NandCommand::StreamDataOut), DieState::Read);
  // channel_op: 0 idle, 1 + command; the new values come last so the others keep their numbers.
  const ValueNames& ops = value_names(WaveEnum::ChannelOp);
  ASSERT_EQ(ops.values.size(), 14u);
  EXPECT_EQ(ops.values[11], "ifc_program");
  EXPECT_EQ(ops.values[12], "stream_read");
  EXPECT_EQ(ops.values[13], "stream_data_out");
}

}  // namespace
}  // namespace kvnand::test
