// kvnand-sim's trace outputs as a user gets them: the VCD agrees with the command CSV, the
// timeline with both (Base-1's DRAM included), window and scope cut exactly, and the files
// survive Ctrl-C.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_process.h"
#include "trace_files.h"

namespace kvnand::test {
namespace {

namespace fs = std::filesystem;

std::string temp_dir() {
  char pattern[] = "/tmp/kvnand-trace-XXXXXX";
  return mkdtemp(pattern);
}

std::string platform(const std::string& name) { return std::string(KVNAND_SOURCE_DIR) + "/platforms/" + name; }

/// A one-token decode of the tiny GQA model with the given trace options; asserts success.
void run_decode(const std::string& platform_file, const std::string& dir, const std::string& trace_options) {
  const ProcessResult run = run_process(std::string(KVNAND_SIM) + " --platform " + platform(platform_file) +
                                        " --model tiny-gqa --context 40 --tokens 1 --quiet --out " + dir + "/out " +
                                        trace_options);
  ASSERT_EQ(run.status, 0) << run.output;
}

TEST(TraceCli, OneFlashReadShowsBusAndDieStatesAtTheirTimes) {
  const std::string dir = temp_dir();
  const ProcessResult run = run_process(std::string(KVNAND_SIM) + " --platform " + platform("tiny.json") +
                                        " --requests 1 --quiet --vcd " + dir + "/w.vcd --out " + dir);
  ASSERT_EQ(run.status, 0) << run.output;
  const Vcd vcd = parse_vcd(read_text(dir + "/w.vcd"));
  // 70 ns address cycles, tR 4 us, 946.667 ns data out (ps).
  EXPECT_EQ(vcd.signals.at("flash.channel0.busy"), (Steps{{0, 1}, {70000, 0}, {4070000, 1}, {5016667, 0}}));
  EXPECT_EQ(vcd.signals.at("flash.channel0.op"), (Steps{{0, 1}, {70000, 0}, {4070000, 4}, {5016667, 0}}));
  // transfer (1) while the die is on the bus, read (2) while its array senses the page.
  EXPECT_EQ(vcd.signals.at("flash.channel0.die0.state"), (Steps{{0, 1}, {70000, 2}, {4070000, 1}, {5016667, 0}}));
  EXPECT_EQ(vcd.signals.at("flash.channel0.die1.state"), Steps{});
  EXPECT_EQ(vcd.signals.at("flash.channel0.die0.queue"), (Steps{{0, 1}, {5016667, 0}}));
  EXPECT_EQ(vcd.last_time, 5016667u);
  EXPECT_TRUE(fs::exists(dir + "/w.gtkw"));
  fs::remove_all(dir);
}

class DecodeTrace : public ::testing::TestWithParam<const char*> {};

TEST_P(DecodeTrace, EveryChannelAndDieStateMatchesTheCommandCsvExactly) {
  const std::string dir = temp_dir();
  run_decode(GetParam(), dir, "--vcd " + dir + "/w.vcd --commands " + dir + "/c.csv");
  const Vcd vcd = parse_vcd(read_text(dir + "/w.vcd"));
  const CommandCsv csv = parse_commands(read_text(dir + "/c.csv"));
  ASSERT_GT(csv.rows.size(), 50u);
  for (std::uint32_t c = 0; c < 2; ++c) {
    const std::string channel = "flash.channel" + std::to_string(c);
    EXPECT_EQ(vcd.signals.at(channel + ".busy"), expected_channel(csv, c, false)) << channel;
    EXPECT_EQ(vcd.signals.at(channel + ".op"), expected_channel(csv, c, true)) << channel;
    for (std::uint32_t d = 0; d < 2; ++d) {
      const std::string die = channel + ".die" + std::to_string(d);
      EXPECT_EQ(vcd.signals.at(die + ".state"), expected_die_state(csv, c, d)) << die;
    }
  }
  // The dataflow's counters reach the last layer and head group of the tiny model (2 layers, 2 KV heads).
  EXPECT_EQ(value_at(vcd.signals.at("dataflow.token"), vcd.last_time), 40u);
  EXPECT_FALSE(vcd.signals.at("npu.busy").empty());
  std::set<std::string> ops, phases;
  for (const auto& row : csv.rows) {
    ops.insert(row.at("op"));
    phases.insert(row.at("phase"));
  }
  EXPECT_TRUE(ops.count("ifc_compute") && ops.count("ifc_readout") && ops.count("ifc_broadcast"));
  EXPECT_TRUE(phases.count("qkv") && phases.count("logit") && phases.count("attend") && phases.count("ffn"));
  fs::remove_all(dir);
}

/// ts / dur in microseconds with 6 decimals back to picoseconds.
std::uint64_t us_to_ps(double us) { return static_cast<std::uint64_t>(std::llround(us * 1e6)); }

using Intervals = std::multiset<std::pair<std::uint64_t, std::uint64_t>>;

/// The timeline's slices: track name (lanes "#2".. folded into their track) -> (start, end) in ps.
std::map<std::string, Intervals> slices_by_track(const nlohmann::json& timeline) {
  std::map<std::pair<int, int>, std::string> thread_names;
  for (const auto& e : timeline.at("traceEvents"))
    if (e.at("ph") == "M" && e.at("name") == "thread_name")
      thread_names[{e.at("pid").get<int>(), e.at("tid").get<int>()}] = e.at("args").at("name").get<std::string>();
  std::map<std::string, Intervals> slices;
  for (const auto& e : timeline.at("traceEvents")) {
    if (e.at("ph") != "X") continue;
    std::string track = thread_names.at({e.at("pid").get<int>(), e.at("tid").get<int>()});
    track = track.substr(0, track.find(" #"));
    const std::uint64_t start = us_to_ps(e.at("ts").get<double>());
    slices[track].insert({start, start + us_to_ps(e.at("dur").get<double>())});
  }
  return slices;
}

/// The slices the CSV's rows give each track: bus tenures, array work, DRAM data phases.
std::map<std::string, Intervals> expected_slices(const CommandCsv& csv) {
  std::map<std::string, Intervals> expected;
  for (const auto& row : csv.rows) {
    const std::string channel = (is_dram_row(row) ? "DRAM channel " : "channel ") + row.at("channel");
    if (ps(row.at("bus_end_ps")) > ps(row.at("bus_start_ps")))
      expected[channel].insert({ps(row.at("bus_start_ps")), ps(row.at("bus_end_ps"))});
    if (!row.at("array_start_ps").empty())
      expected[channel + " die " + row.at("die")].insert({ps(row.at("array_start_ps")), ps(row.at("array_end_ps"))});
  }
  return expected;
}

TEST_P(DecodeTrace, TimelineIsValidJsonWhoseSlicesAreTheCsvIntervals) {
  const std::string dir = temp_dir();
  run_decode(GetParam(), dir, "--timeline " + dir + "/t.json --commands " + dir + "/c.csv");
  const CommandCsv csv = parse_commands(read_text(dir + "/c.csv"));
  std::map<std::string, Intervals> slices = slices_by_track(nlohmann::json::parse(read_text(dir + "/t.json")));
  for (const auto& [track, intervals] : expected_slices(csv)) EXPECT_EQ(slices[track], intervals) << track;
  EXPECT_FALSE(slices["npu"].empty());
  EXPECT_FALSE(slices["dataflow"].empty());
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Variants, DecodeTrace, ::testing::Values("tiny-decode-d.json", "tiny-decode-c.json"));

TEST(TraceCli, Base1DramAccessesAreTheSameInTheVcdTheTimelineTheCsvAndTheReport) {
  const std::string dir = temp_dir();
  run_decode("tiny-base1.json", dir,
             "--vcd " + dir + "/w.vcd --timeline " + dir + "/t.json --commands " + dir + "/c.csv");
  const Vcd vcd = parse_vcd(read_text(dir + "/w.vcd"));
  const CommandCsv csv = parse_commands(read_text(dir + "/c.csv"));
  const nlohmann::json report = nlohmann::json::parse(read_text(dir + "/out/report.json"));
  std::map<std::string, Intervals> slices = slices_by_track(nlohmann::json::parse(read_text(dir + "/t.json")));
  const std::map<std::string, Intervals> expected = expected_slices(csv);

  // A DRAM row: its data phase is its span and its bus tenure; no die number, planes, array work.
  std::map<std::pair<std::string, std::string>, std::uint64_t> bytes;  // (channel, op) -> sum
  for (const auto& row : csv.rows) {
    if (!is_dram_row(row)) continue;
    EXPECT_EQ(row.at("die"), "dram");
    EXPECT_EQ(row.at("planes") + row.at("kernel") + row.at("pages") + row.at("array_start_ps"), "");
    EXPECT_EQ(row.at("start_ps"), row.at("bus_start_ps"));
    EXPECT_EQ(row.at("end_ps"), row.at("bus_end_ps"));
    EXPECT_LT(ps(row.at("issue_ps")), ps(row.at("bus_start_ps")));  // the access latency lies between
    EXPECT_LT(ps(row.at("bus_start_ps")), ps(row.at("bus_end_ps")));
    EXPECT_FALSE(row.at("phase").empty());
    bytes[{row.at("channel"), row.at("op")}] += std::stoull(row.at("bytes"));
  }
  const nlohmann::json& channels = report.at("utilisation").at("dram_channels");
  ASSERT_EQ(channels.size(), 2u);
  for (std::uint32_t c = 0; c < 2; ++c) {
    const std::string channel = "dram.channel" + std::to_string(c), index = std::to_string(c);
    const std::uint64_t read = bytes[std::pair(index, "dram_read")], written = bytes[std::pair(index, "dram_write")];
    EXPECT_EQ(read, channels[c].at("bytes_read").get<std::uint64_t>()) << channel;
    EXPECT_EQ(written, channels[c].at("bytes_written").get<std::uint64_t>()) << channel;
    EXPECT_GT(read, 0u) << channel;
    EXPECT_GT(written, 0u) << channel;
    const Steps busy = expected_dram(csv, c, DramSignal::Busy);
    EXPECT_GT(busy.size(), 4u) << channel;
    EXPECT_EQ(vcd.signals.at(channel + ".busy"), busy) << channel;
    EXPECT_EQ(vcd.signals.at(channel + ".op"), expected_dram(csv, c, DramSignal::Op)) << channel;
    EXPECT_EQ(vcd.signals.at(channel + ".bytes"), expected_dram(csv, c, DramSignal::Bytes)) << channel;
    EXPECT_EQ(slices["DRAM channel " + index], expected.at("DRAM channel " + index)) << channel;
    // The flash beside it is traced as before.
    EXPECT_EQ(vcd.signals.at("flash.channel" + index + ".busy"), expected_channel(csv, c, false)) << index;
    EXPECT_EQ(slices["channel " + index], expected.at("channel " + index)) << index;
  }

  // A scope pattern keeps exactly the DRAM's signals, unchanged.
  run_decode("tiny-base1.json", dir, "--vcd " + dir + "/dram.vcd --vcd-scope 'dram*'");
  std::set<std::string> names;
  for (const auto& [name, steps] : parse_vcd(read_text(dir + "/dram.vcd")).signals) {
    names.insert(name);
    EXPECT_EQ(steps, vcd.signals.at(name)) << name;
  }
  EXPECT_EQ(names, (std::set<std::string>{"dram.channel0.busy", "dram.channel0.bytes", "dram.channel0.op",
                                          "dram.channel1.busy", "dram.channel1.bytes", "dram.channel1.op"}));
  fs::remove_all(dir);
}

TEST(TraceCli, WindowKeepsExactlyTheValuesInsideIt) {
  const std::string dir = temp_dir();
  run_decode("tiny-decode-d.json", dir, "--vcd " + dir + "/full.vcd");
  const Vcd full = parse_vcd(read_text(dir + "/full.vcd"));
  const std::uint64_t from = full.last_time / 4, to = full.last_time / 2;
  run_decode("tiny-decode-d.json", dir,
             "--vcd " + dir + "/cut.vcd --vcd-window " + std::to_string(from) + "ps:" + std::to_string(to) + "ps");
  const Vcd cut = parse_vcd(read_text(dir + "/cut.vcd"));
  EXPECT_EQ(cut.first_time, from);
  EXPECT_EQ(cut.last_time, to);
  ASSERT_EQ(cut.signals.size(), full.signals.size());
  for (const auto& [name, steps] : cut.signals) {
    Steps expected = window_of(full.signals.at(name), from, to);
    // The window's first dump states every value at `from`, zero included.
    Steps got = steps;
    if (!expected.empty() && expected.front().first == from && expected.front().second == 0)
      expected.erase(expected.begin());
    if (!got.empty() && got.front().first == from && got.front().second == 0) got.erase(got.begin());
    EXPECT_EQ(got, expected) << name;
  }
  EXPECT_LT(fs::file_size(dir + "/cut.vcd"), fs::file_size(dir + "/full.vcd"));
  fs::remove_all(dir);
}

TEST(TraceCli, ScopesKeepOnlyTheSignalsTheyName) {
  const std::string dir = temp_dir();
  run_decode("tiny-decode-d.json", dir, "--vcd " + dir + "/full.vcd");
  run_decode("tiny-decode-d.json", dir, "--vcd " + dir + "/some.vcd --vcd-scope 'flash.*.die1,npu'");
  const Vcd full = parse_vcd(read_text(dir + "/full.vcd"));
  const Vcd some = parse_vcd(read_text(dir + "/some.vcd"));
  std::set<std::string> expected, got;
  for (const auto& [name, steps] : full.signals)
    if (name.rfind("npu.", 0) == 0 || name.find(".die1.") != std::string::npos) expected.insert(name);
  for (const auto& [name, steps] : some.signals) {
    got.insert(name);
    EXPECT_EQ(steps, full.signals.at(name)) << name;
  }
  EXPECT_EQ(got, expected);
  fs::remove_all(dir);
}

TEST(TraceCli, PlaneDetailAddsPlaneSignalsOnlyWhenAsked) {
  const std::string dir = temp_dir();
  run_decode("tiny-decode-d.json", dir, "--vcd " + dir + "/coarse.vcd");
  run_decode("tiny-decode-d.json", dir, "--vcd " + dir + "/fine.vcd --vcd-planes");
  const Vcd coarse = parse_vcd(read_text(dir + "/coarse.vcd"));
  const Vcd fine = parse_vcd(read_text(dir + "/fine.vcd"));
  EXPECT_EQ(coarse.signals.count("flash.channel0.die0.plane0.state"), 0u);
  ASSERT_EQ(fine.signals.count("flash.channel0.die0.plane0.state"), 1u);
  EXPECT_FALSE(fine.signals.at("flash.channel0.die0.plane0.state").empty());
  EXPECT_EQ(fine.signals.at("flash.channel0.die0.state"), coarse.signals.at("flash.channel0.die0.state"));
  fs::remove_all(dir);
}

TEST(TraceCli, Vcd2fstConvertsTheWaveform) {
  if (run_process("command -v vcd2fst").status != 0) GTEST_SKIP() << "vcd2fst (GTKWave) is not installed";
  const std::string dir = temp_dir();
  run_decode("tiny-decode-c.json", dir, "--vcd " + dir + "/w.vcd --vcd-planes");
  const ProcessResult convert = run_process("vcd2fst " + dir + "/w.vcd " + dir + "/w.fst");
  EXPECT_EQ(convert.status, 0) << convert.output;
  EXPECT_GT(fs::file_size(dir + "/w.fst"), 0u);
  fs::remove_all(dir);
}

TEST(TraceCli, NothingIsTracedUnlessAsked) {
  const std::string dir = temp_dir();
  run_decode("tiny-decode-d.json", dir, "");
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) files.push_back(entry.path().filename());
  EXPECT_EQ(files, (std::vector<std::string>{"out", "report.json"}));
  fs::remove_all(dir);
}

TEST(TraceCli, TheConfigsTraceSectionAsksTooAndTheCommandLineWins) {
  const std::string dir = temp_dir();
  run_decode("tiny-decode-c.json", dir,
             "--set trace.commands_file=" + dir + "/c.csv --set trace.vcd_file=" + dir + "/config.vcd --vcd " + dir +
                 "/cli.vcd");
  EXPECT_TRUE(fs::exists(dir + "/c.csv"));
  EXPECT_TRUE(fs::exists(dir + "/cli.vcd"));
  EXPECT_TRUE(fs::exists(dir + "/cli.gtkw"));
  EXPECT_FALSE(fs::exists(dir + "/config.vcd"));
  fs::remove_all(dir);
}

TEST(TraceCli, BadTraceOptionsAreRefusedAndLeaveNothing) {
  const std::string dir = temp_dir();
  const std::string base = std::string(KVNAND_SIM) + " --platform " + platform("tiny-decode-d.json") +
                           " --model tiny-gqa --context 40 --tokens 1 --out " + dir + "/out ";
  const ProcessResult window = run_process(base + "--vcd " + dir + "/w.vcd --vcd-window 10:20us");
  EXPECT_EQ(window.status, 2);
  EXPECT_NE(window.output.find("--vcd-window"), std::string::npos) << window.output;
  EXPECT_NE(window.output.find("START:END"), std::string::npos) << window.output;
  const ProcessResult scope = run_process(base + "--vcd " + dir + "/w.vcd --vcd-scope flash.channel7");
  EXPECT_EQ(scope.status, 2);
  EXPECT_NE(scope.output.find("flash.channel7"), std::string::npos) << scope.output;
  const ProcessResult lonely = run_process(base + "--vcd-window 1us:2us");
  EXPECT_EQ(lonely.status, 2);
  EXPECT_NE(lonely.output.find("--vcd FILE"), std::string::npos) << lonely.output;
  const ProcessResult unwritable = run_process(base + "--timeline /nonexistent-dir/t.json");
  EXPECT_EQ(unwritable.status, 2);
  EXPECT_NE(unwritable.output.find("/nonexistent-dir/t.json"), std::string::npos) << unwritable.output;
  EXPECT_FALSE(fs::exists(dir + "/w.vcd"));
  EXPECT_FALSE(fs::exists(dir + "/w.vcd.partial"));
  fs::remove_all(dir);
}

TEST(TraceCli, CtrlCLeavesCompleteTracesUpToThatMoment) {
  const std::string dir = temp_dir();
  const std::string vcd = dir + "/w.vcd", csv = dir + "/c.csv", json = dir + "/t.json";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string file = platform("kvnand-c16.json");
    execl(KVNAND_SIM, KVNAND_SIM, "--platform", file.c_str(), "--pattern", "rand-read", "--requests", "1000000000",
          "--vcd", vcd.c_str(), "--commands", csv.c_str(), "--timeline", json.c_str(), "--out",
          (dir + "/out").c_str(), "--quiet", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Interrupt once the simulation has visibly written waveform data past its header.
  const std::string partial = vcd + ".partial";
  for (int i = 0; i < 600 && (!fs::exists(partial) || fs::file_size(partial) < (1u << 20)); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(child, SIGINT);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_FALSE(fs::exists(dir + "/out/report.json"));
  EXPECT_FALSE(fs::exists(partial));
  const std::string text = read_text(vcd);
  const Vcd wave = parse_vcd(text);
  EXPECT_GT(wave.last_time, 0u);
  EXPECT_FALSE(wave.signals.at("flash.channel0.busy").empty());
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  // Every command row is whole, and the timeline is valid JSON.
  const std::string commands = read_text(csv);
  ASSERT_FALSE(commands.empty());
  EXPECT_EQ(commands.back(), '\n');
  const CommandCsv rows = parse_commands(commands);
  EXPECT_GT(rows.rows.size(), 1000u);
  EXPECT_TRUE(nlohmann::json::accept(read_text(json)));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kvnand::test
