// The command timeline: lane assignment, the command CSV and the trace-event JSON (exact times,
// tracks, lanes), and that files appear only complete.
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "command_timeline_fixture.h"
#include "timeline_lanes.h"

namespace kvnand::timeline_test {
namespace {

// ---- Lane assignment ----

/// The lanes of slices placed in this order.
std::vector<std::uint32_t> lanes_of(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& slices,
                                    std::uint32_t* count = nullptr) {
  LaneAssigner assigner;
  std::vector<std::uint32_t> lanes;
  for (const auto& [start, end] : slices) lanes.push_back(assigner.place(start, end));
  if (count != nullptr) *count = assigner.lanes();
  return lanes;
}

TEST(TimelineLanes, NestedAndDisjointSlicesShareOneLane) {
  std::uint32_t count = 0;
  // [30,50) ends with its parent: still nested. [100,110) touches the end of [0,100): disjoint.
  EXPECT_EQ(lanes_of({{0, 100}, {10, 50}, {20, 30}, {30, 50}, {60, 90}, {100, 110}, {110, 120}}, &count),
            (std::vector<std::uint32_t>{0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(count, 1u);
}

TEST(TimelineLanes, PartialOverlapOpensANewLane) {
  std::uint32_t count = 0;
  // [60,70): first fit, inside [0,100) on lane 0. [90,140): partial against [0,100), inside
  // [50,150). [95,160): partial against both. [120,130): lane 0 is free again.
  EXPECT_EQ(lanes_of({{0, 100}, {50, 150}, {60, 70}, {90, 140}, {95, 160}, {120, 130}}, &count),
            (std::vector<std::uint32_t>{0, 1, 0, 1, 2, 0}));
  EXPECT_EQ(count, 3u);
}

TEST(TimelineLanes, InnermostOpenSliceDecides) {
  // [40,80) lies inside [0,100) but overlaps [10,50), still open on lane 0; [50,60) comes back
  // to lane 0 as [10,50) has ended.
  EXPECT_EQ(lanes_of({{0, 100}, {10, 50}, {40, 80}, {50, 60}}), (std::vector<std::uint32_t>{0, 0, 1, 0}));
}

TEST(TimelineLanes, RejectsUnsortedSlices) {
  LaneAssigner lanes;
  lanes.place(10, 20);
  EXPECT_THROW(lanes.place(5, 8), std::invalid_argument);
  LaneAssigner same_start;
  same_start.place(10, 20);
  EXPECT_THROW(same_start.place(10, 30), std::invalid_argument);  // the enclosing one must come first
  LaneAssigner backwards;
  EXPECT_THROW(backwards.place(10, 5), std::invalid_argument);
}

// ---- CSV ----

TEST(CommandTimeline, CsvHeaderAndComputeRow) {
  const fs::path dir = test_dir();
  CommandTimeline timeline("", (dir / "commands.csv").string(), layout());
  timeline.command(compute_record());
  timeline.close(picoseconds(100000));

  const std::vector<std::string> lines = lines_of(dir / "commands.csv");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "issue_ps,start_ps,end_ps,bus_start_ps,bus_end_ps,array_start_ps,array_end_ps,channel,die,planes,op,"
            "kernel,pages,bytes,token,layer,head,phase");
  EXPECT_EQ(lines[1], "1000,2000,90000,2000,3500,3500,90000,1,0,0 1 2 3,ifc_compute,logit,96,4096,17,3,5,logit");
  EXPECT_EQ(files_in(dir), std::vector<std::string>{"commands.csv"});
}

TEST(CommandTimeline, CsvBroadcastEmptyFieldsAndReportOrder) {
  const fs::path dir = test_dir();
  CommandTimeline timeline("", (dir / "commands.csv").string(), layout());

  // Reported first although its bus tenure starts later: rows keep the order of reports.
  CommandRecord program = record(NandCommand::Program, 0, 1, 50, 9000, 14000, 14000, 214000);
  program.planes = PlaneMask(0b1010);
  program.bus_bytes = 2 * 4320;
  program.tag.token = 4;
  timeline.command(program);

  CommandRecord broadcast = record(NandCommand::IfcBroadcast, 1, 0, 100, 200, 700, 700, 700);
  broadcast.all_dies = true;
  broadcast.bus_bytes = 8192;
  broadcast.pages = 5;  // ignored: only IfcCompute has pages
  timeline.command(broadcast);

  // The array's work can outlast the bus tenure or lie inside it.
  CommandRecord data_out = record(NandCommand::DataOut, 0, 0, 300, 400, 1500, 400, 600);
  data_out.planes = PlaneMask::single(PlaneId(2));
  data_out.bus_bytes = 4320;
  data_out.tag.layer = 0;
  data_out.tag.phase = Phase::Ffn;
  timeline.command(data_out);
  timeline.close(picoseconds(300000));

  const std::vector<std::string> lines = lines_of(dir / "commands.csv");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[1], "50,9000,214000,9000,14000,14000,214000,0,1,1 3,program,,,8640,4,,,");
  EXPECT_EQ(lines[2], "100,200,700,200,700,,,1,all,,ifc_broadcast,,,8192,,,,");
  EXPECT_EQ(lines[3], "300,400,1500,400,1500,400,600,0,0,2,data_out,,,4320,,0,,ffn");
}

TEST(CommandTimeline, CsvDramRowsKeepTheColumnsAndTheReportOrder) {
  const fs::path dir = test_dir();
  CommandTimeline timeline("", (dir / "commands.csv").string(), dram_layout());
  // Reported now (the rows' issue; 0 unless tests before this one in the process advanced time),
  // with data phases ahead.
  const std::string now = std::to_string(sc_core::sc_time_stamp().value());
  timeline.dram_access(1, false, 3200, picoseconds(40000), picoseconds(440000), tag(40, 0, 0, Phase::Logit));
  timeline.command(compute_record());
  timeline.dram_access(0, true, 128, picoseconds(56000), picoseconds(72000), CommandTag{});
  EXPECT_THROW(timeline.dram_access(2, true, 64, picoseconds(0), picoseconds(8000), CommandTag{}), std::out_of_range);
  timeline.close(picoseconds(500000));

  const std::vector<std::string> lines = lines_of(dir / "commands.csv");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[1], now + ",40000,440000,40000,440000,,,1,dram,,dram_read,,,3200,40,0,0,logit");
  EXPECT_EQ(lines[2], "1000,2000,90000,2000,3500,3500,90000,1,0,0 1 2 3,ifc_compute,logit,96,4096,17,3,5,logit");
  EXPECT_EQ(lines[3], now + ",56000,72000,56000,72000,,,0,dram,,dram_write,,,128,,,,");
}

// ---- Files ----

TEST(CommandTimeline, FilesAppearOnlyAtClose) {
  const fs::path dir = test_dir();
  CommandTimeline timeline((dir / "timeline.json").string(), (dir / "commands.csv").string(), layout());
  timeline.command(compute_record());
  EXPECT_FALSE(fs::exists(dir / "timeline.json"));
  EXPECT_FALSE(fs::exists(dir / "commands.csv"));
  timeline.close(picoseconds(100000));
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"commands.csv", "timeline.json"}));
  timeline.close(picoseconds(200000));  // a second close changes nothing
  EXPECT_EQ(lines_of(dir / "commands.csv").size(), 2u);
}

TEST(CommandTimeline, DestructionWithoutCloseLeavesNothing) {
  const fs::path dir = test_dir();
  {
    CommandTimeline timeline((dir / "timeline.json").string(), (dir / "commands.csv").string(), layout());
    timeline.command(compute_record());
  }
  EXPECT_TRUE(files_in(dir).empty());
}

TEST(CommandTimeline, UnwritablePathNamesTheFile) {
  const fs::path dir = test_dir();
  const std::string missing = (dir / "no_such_folder" / "timeline.json").string();
  try {
    CommandTimeline timeline(missing, (dir / "commands.csv").string(), layout());
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  EXPECT_TRUE(files_in(dir).empty());  // the CSV opened first is gone again
}

TEST(CommandTimeline, CommandOutsideTheLayoutIsRejected) {
  const fs::path dir = test_dir();
  CommandTimeline timeline((dir / "timeline.json").string(), "", layout());
  EXPECT_THROW(timeline.command(record(NandCommand::Read, 2, 0, 0, 0, 10, 10, 20)), std::out_of_range);
  EXPECT_THROW(timeline.command(record(NandCommand::Read, 0, 2, 0, 0, 10, 10, 20)), std::out_of_range);
}

// ---- JSON ----

TEST(CommandTimeline, JsonMetadataNamesAndOrdersTracks) {
  const fs::path dir = test_dir();
  CommandTimeline timeline((dir / "timeline.json").string(), "", layout());
  timeline.close(picoseconds(5000000));

  const json trace = json::parse(text_of(dir / "timeline.json"));
  EXPECT_EQ(trace["displayTimeUnit"], "ns");
  EXPECT_EQ(trace["otherData"]["end_ps"], 5000000);
  EXPECT_EQ(trace["otherData"]["channels"], 2);

  std::map<int, std::string> processes;
  std::map<std::pair<int, int>, int> sort_index;
  for (const json& e : trace["traceEvents"]) {
    EXPECT_EQ(e["ph"], "M");
    if (e["name"] == "process_name") processes[e["pid"]] = e["args"]["name"];
    if (e["name"] == "thread_sort_index") sort_index[{e["pid"].get<int>(), e["tid"].get<int>()}] = e["args"]["sort_index"];
  }
  EXPECT_EQ(processes, (std::map<int, std::string>{{1, "flash"}, {2, "soc"}}));

  // Threads by sort index: channels first, then dies channel by channel.
  std::map<std::pair<int, int>, std::string> by_sort;
  for (const auto& [thread, name] : thread_names(trace)) by_sort[{thread.first, sort_index.at(thread)}] = name;
  std::vector<std::string> order;
  for (const auto& [key, name] : by_sort) order.push_back(name);
  EXPECT_EQ(order, (std::vector<std::string>{"channel 0", "channel 1", "channel 0 die 0", "channel 0 die 1",
                                             "channel 1 die 0", "channel 1 die 1", "npu", "dataflow"}));
}

TEST(CommandTimeline, FlashOnlyRunHasNoSocProcess) {
  const fs::path dir = test_dir();
  CommandTimeline timeline((dir / "timeline.json").string(), "", layout(false));
  timeline.close(picoseconds(0));
  const json trace = json::parse(text_of(dir / "timeline.json"));
  for (const json& e : trace["traceEvents"]) EXPECT_EQ(e["pid"], 1) << e.dump();
}

TEST(CommandTimeline, JsonSlicesMatchTheCsvExactly) {
  const fs::path dir = test_dir();
  CommandTimeline timeline((dir / "timeline.json").string(), (dir / "commands.csv").string(), layout());
  timeline.command(compute_record());
  // Over an hour of simulated time: every picosecond must survive.
  CommandRecord late = record(NandCommand::Read, 0, 1, 4000000000000000, 4000000000000001, 4000000000123457,
                              4000000000123457, 4000000025123458);
  late.planes = PlaneMask(0b11);
  late.bus_bytes = 0;
  timeline.command(late);
  CommandRecord broadcast = record(NandCommand::IfcBroadcast, 1, 0, 5000, 6000, 7500, 7500, 7500);
  broadcast.all_dies = true;
  broadcast.bus_bytes = 8192;
  timeline.command(broadcast);
  timeline.close(picoseconds(4000000030000000));

  const json trace = json::parse(text_of(dir / "timeline.json"));
  const std::vector<Slice> slices = slices_of(dir / "timeline.json");
  ASSERT_EQ(slices.size(), 5u);  // 3 bus tenures, 2 array intervals (the broadcast gives the array nothing)

  // Sorted by track (channels, then dies), then start.
  std::vector<std::string> seen;
  for (const Slice& s : slices)
    seen.push_back(thread_of(trace, s) + ": " + s.event["name"].get<std::string>() + " " +
                   s.event["cat"].get<std::string>() + " " + s.ts + "+" + s.dur + " " + s.event["args"].dump());
  EXPECT_EQ(seen, (std::vector<std::string>{
                      R"(channel 0: read bus 4000000000.000001+0.123456 {"bytes":0,"die":1})",
                      R"(channel 1: ifc_compute bus 0.002000+0.001500 )"
                      R"({"bytes":4096,"die":0,"head":5,"layer":3,"phase":"logit","token":17})",
                      R"(channel 1: ifc_broadcast bus 0.006000+0.001500 {"bytes":8192,"die":"all"})",
                      R"(channel 0 die 1: read array 4000000000.123457+25.000001 {"planes":"0 1"})",
                      R"(channel 1 die 0: logit array 0.003500+0.086500 )"
                      R"({"head":5,"layer":3,"pages":96,"phase":"logit","planes":"0 1 2 3","token":17})",
                  }));

  // Each slice maps back to its CSV row: bus slices to bus_start/bus_end, array slices to array_*.
  const std::vector<std::string> rows = lines_of(dir / "commands.csv");
  ASSERT_EQ(rows.size(), 4u);
  const auto column = [&](std::size_t row, std::size_t index) {
    std::stringstream fields(rows[row]);
    std::string field;
    for (std::size_t i = 0; i <= index; ++i) std::getline(fields, field, ',');
    return std::stoull(field);
  };
  const std::size_t kBusStart = 3, kBusEnd = 4, kArrayStart = 5, kArrayEnd = 6;
  const std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> expected = {
      {2, kBusStart, kBusEnd}, {1, kBusStart, kBusEnd}, {3, kBusStart, kBusEnd},
      {2, kArrayStart, kArrayEnd}, {1, kArrayStart, kArrayEnd}};
  for (std::size_t i = 0; i < slices.size(); ++i) {
    const auto [row, start, end] = expected[i];
    EXPECT_EQ(ps_of(slices[i].ts), column(row, start)) << i;
    EXPECT_EQ(ps_of(slices[i].ts) + ps_of(slices[i].dur), column(row, end)) << i;
  }
}

TEST(CommandTimeline, DramChannelTracksCarryBytesAndTag) {
  const fs::path dir = test_dir();
  CommandTimeline timeline((dir / "timeline.json").string(), "", dram_layout());
  timeline.command(compute_record());
  timeline.dram_access(1, false, 3200, picoseconds(40000), picoseconds(440000), tag(40, 0, 0, Phase::Logit));
  timeline.dram_access(1, true, 128, picoseconds(440000), picoseconds(456000), tag(40, 0, 1, Phase::KvWrite));
  // A partial overlap (which one channel never makes) goes to a second lane like on any track.
  timeline.dram_access(1, false, 64, picoseconds(450000), picoseconds(460000), CommandTag{});
  timeline.dram_access(0, true, 4096, picoseconds(1000000), picoseconds(1512000), CommandTag{});
  EXPECT_THROW(timeline.dram_access(2, true, 64, picoseconds(0), picoseconds(8000), CommandTag{}), std::out_of_range);
  timeline.close(picoseconds(2000000));

  const json trace = json::parse(text_of(dir / "timeline.json"));
  EXPECT_EQ(trace["otherData"]["dram_channels"], 2);
  std::map<int, std::string> processes;
  std::map<int, std::string> dram_threads;  // by sort index
  const auto names = thread_names(trace);
  for (const json& e : trace["traceEvents"]) {
    if (e["name"] == "process_name") processes[e["pid"]] = e["args"]["name"];
    if (e["name"] == "thread_sort_index" && e["pid"] == 3)
      dram_threads[e["args"]["sort_index"]] = names.at({3, e["tid"].get<int>()});
  }
  EXPECT_EQ(processes, (std::map<int, std::string>{{1, "flash"}, {2, "soc"}, {3, "dram"}}));
  EXPECT_EQ(dram_threads,
            (std::map<int, std::string>{{1, "DRAM channel 0"}, {2, "DRAM channel 1"}, {3, "DRAM channel 1 #2"}}));

  std::vector<std::string> seen;
  const std::vector<Slice> slices = slices_of(dir / "timeline.json");
  for (const Slice& s : slices)
    if (s.event["pid"] == 3)
      seen.push_back(thread_of(trace, s) + ": " + s.event["name"].get<std::string>() + " " +
                     s.event["cat"].get<std::string>() + " " + s.ts + "+" + s.dur + " " + s.event["args"].dump());
  EXPECT_EQ(seen, (std::vector<std::string>{
                      R"(DRAM channel 0: write dram 1.000000+0.512000 {"bytes":4096})",
                      R"(DRAM channel 1: read dram 0.040000+0.400000 )"
                      R"({"bytes":3200,"head":0,"layer":0,"phase":"logit","token":40})",
                      R"(DRAM channel 1: write dram 0.440000+0.016000 )"
                      R"({"bytes":128,"head":1,"layer":0,"phase":"kv_write","token":40})",
                      R"(DRAM channel 1 #2: read dram 0.450000+0.010000 {"bytes":64})",
                  }));
  EXPECT_EQ(slices.size(), seen.size() + 2);  // and the compute's bus and array slices
  expect_properly_nested(slices);
}

TEST(CommandTimeline, OverlappingDieWorkGoesToASecondLane) {
  const fs::path dir = test_dir();
  CommandTimeline timeline((dir / "timeline.json").string(), "", layout());
  // Compute on planes 0-2 while plane 3 programs: the die's two intervals overlap partially.
  CommandRecord compute = record(NandCommand::IfcCompute, 0, 1, 0, 9000, 10000, 10000, 50000);
  compute.planes = PlaneMask(0b0111);
  compute.pages = 30;
  timeline.command(compute);
  CommandRecord program = record(NandCommand::IfcProgram, 0, 1, 0, 15000, 20000, 20000, 120000);
  program.planes = PlaneMask(0b1000);
  timeline.command(program);
  CommandRecord later = record(NandCommand::IfcCompute, 0, 1, 0, 59000, 60000, 60000, 70000);
  later.planes = PlaneMask(0b0111);
  later.kernel = IfcKernel::Attend;
  timeline.command(later);
  // A broadcast with array work lands on every die of its channel.
  CommandRecord broadcast = record(NandCommand::IfcBroadcast, 1, 0, 0, 100, 200, 200, 300);
  broadcast.all_dies = true;
  timeline.command(broadcast);
  timeline.close(picoseconds(200000));

  const json trace = json::parse(text_of(dir / "timeline.json"));
  std::map<std::string, std::vector<std::string>> by_thread;  // thread -> "name@ts"
  const std::vector<Slice> slices = slices_of(dir / "timeline.json");
  for (const Slice& s : slices)
    if (s.event["cat"] == "array") by_thread[thread_of(trace, s)].push_back(s.event["name"].get<std::string>() + "@" + s.ts);
  EXPECT_EQ(by_thread, (std::map<std::string, std::vector<std::string>>{
                           {"channel 0 die 1", {"gemv@0.010000", "attend@0.060000"}},
                           {"channel 0 die 1 #2", {"ifc_program@0.020000"}},
                           {"channel 1 die 0", {"ifc_broadcast@0.000200"}},
                           {"channel 1 die 1", {"ifc_broadcast@0.000200"}},
                       }));
  expect_properly_nested(slices);

  // The extra lane sorts right after its die's first lane, before the next die.
  std::map<std::string, int> sort_index;
  const auto names = thread_names(trace);
  for (const json& e : trace["traceEvents"])
    if (e["name"] == "thread_sort_index") sort_index[names.at({e["pid"].get<int>(), e["tid"].get<int>()})] = e["args"]["sort_index"];
  EXPECT_EQ(sort_index.at("channel 0 die 1 #2"), sort_index.at("channel 0 die 1") + 1);
  EXPECT_EQ(sort_index.at("channel 1 die 0"), sort_index.at("channel 0 die 1") + 2);
}

TEST(CommandTimeline, LongTrackSortsByStartAndKeepsReportOrderOfEqualSlices) {
  const fs::path dir = test_dir();
  CommandTimeline timeline((dir / "timeline.json").string(), "", layout());
  // 2500 NPU ops (slices are stored in chunks of 1024) reported latest first, two by two with
  // equal intervals: report k (its token) covers [1000 j, 1000 j + 500) ps, j = (2499 - k) / 2.
  const std::uint64_t count = 2500;
  for (std::uint64_t k = 0; k < count; ++k) {
    const std::uint64_t j = (count - 1 - k) / 2;
    timeline.npu_op(NpuOpKind::Rope, picoseconds(1000 * j), picoseconds(1000 * j + 500), tag(k, 0, 0, Phase::Qkv));
  }
  timeline.close(picoseconds(3000000));
  const json trace = json::parse(text_of(dir / "timeline.json"));
  const std::vector<Slice> slices = slices_of(dir / "timeline.json");
  ASSERT_EQ(slices.size(), count);
  for (std::uint64_t i = 0; i < count; ++i) {  // interval i / 2, the earlier report (token 2498 - i) first
    ASSERT_EQ(ps_of(slices[i].ts), 1000 * (i / 2)) << i;
    ASSERT_EQ(slices[i].event["args"]["token"], count - 2 - 2 * (i / 2) + i % 2) << i;
  }
  EXPECT_EQ(thread_of(trace, slices.back()), "npu");  // equal intervals nest: one lane
}

// The only test that advances simulated time (phase_end reads sc_time_stamp()): under CTest each
// test runs in its own process, and run alone this one still starts at time 0.
TEST(CommandTimeline, DataflowStepsNestOrTakeALane) {
  ASSERT_EQ(sc_core::sc_time_stamp(), sc_core::SC_ZERO_TIME);
  const fs::path dir = test_dir();
  CommandTimeline timeline((dir / "timeline.json").string(), "", layout());
  CommandTag outer;
  outer.layer = 0;
  outer.phase = Phase::Qkv;
  const CommandTag inner = tag(9, 0, 2, Phase::Qkv);
  CommandTag write;
  write.token = 9;
  write.layer = 0;
  write.phase = Phase::KvWrite;

  timeline.npu_op(NpuOpKind::Softmax, from_ns(500), from_ns(700), inner);
  sc_core::sc_start(from_ns(400));
  timeline.phase_end(inner, from_ns(100));  // [100, 400) ns
  sc_core::sc_start(from_ns(600));
  timeline.phase_end(outer, from_ns(0));  // [0, 1000) ns, encloses the inner step
  sc_core::sc_start(from_ns(200));
  timeline.phase_end(write, from_ns(200));  // [200, 1200) ns: overlaps the outer step partially
  timeline.phase_end(write, from_ns(1200));  // empty: skipped
  timeline.close(from_ns(1200));

  const json trace = json::parse(text_of(dir / "timeline.json"));
  const std::vector<Slice> slices = slices_of(dir / "timeline.json");
  ASSERT_EQ(slices.size(), 4u);
  std::vector<std::string> seen;
  for (const Slice& s : slices)
    seen.push_back(thread_of(trace, s) + ": " + s.event["name"].get<std::string>() + " " + s.ts + "+" + s.dur);
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "npu: softmax 0.500000+0.200000",
                      "dataflow: qkv L0 0.000000+1.000000",
                      "dataflow: qkv L0 H2 0.100000+0.300000",
                      "dataflow #2: kv_write L0 0.200000+1.000000",
                  }));
  EXPECT_EQ(slices[0].event["args"], json::parse(R"({"token":9,"layer":0,"head":2,"phase":"qkv"})"));
  EXPECT_EQ(slices[2].event["args"], json::parse(R"({"token":9,"layer":0,"head":2})"));
  EXPECT_EQ(slices[0].event["pid"], 2);
  expect_properly_nested(slices);
}

}  // namespace
}  // namespace kvnand::timeline_test
