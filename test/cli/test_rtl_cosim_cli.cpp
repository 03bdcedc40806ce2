// The RTL scheduler against the TLM reference, as an architect checks it: the same platform run
// twice (controller.scheduler tlm and rtl, one controller clock), both scheduler logs compared by
// kvnand-cosim-check: the same commands in the same per-die order, each issued within one clock.
// Skipped (and reported so) in builds without Verilator.

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_process.h"

namespace kvnand::test {
namespace {

namespace fs = std::filesystem;

const std::string kSim = KVNAND_SIM;
const std::string kCheck = KVNAND_COSIM_CHECK;
const std::string kReplay = KVNAND_REPLAY;
const std::string kSource = KVNAND_SOURCE_DIR;
constexpr const char* kClock = " --set controller.clock_MHz=500";
constexpr const char* kRtlMissing = "is not available in this build";

struct CosimCase {
  const char* name;
  /// kvnand-sim arguments after --platform.
  const char* platform;
  const char* args;
  /// Fewest commands the run must issue (so an empty log cannot pass).
  int min_commands;
};

std::ostream& operator<<(std::ostream& out, const CosimCase& c) { return out << c.name; }

class RtlCosim : public testing::TestWithParam<CosimCase> {
 protected:

  ProcessResult run(const CosimCase& c, const std::string& scheduler) const {
    return run_process(kSim + " --platform " + kSource + "/platforms/" + c.platform + ".json " + c.args + kClock +
                       " --set controller.scheduler=" + scheduler + " --quiet --out " + dir_ + "/" + scheduler +
                       " --scheduler-log " + dir_ + "/" + scheduler + ".csv");
  }
  TempDir temp_;
  const std::string& dir_ = temp_.path;
};

int rows(const std::string& log) {
  int lines = 0;
  for (const char ch : read_text(log)) lines += ch == '\n';
  return lines - 3;  // two comment lines and the header
}

TEST_P(RtlCosim, IssuesTheSameCommandsWithinOneClock) {
  const CosimCase& c = GetParam();
  const ProcessResult rtl = run(c, "rtl");
  if (rtl.status != 0 && rtl.output.find(kRtlMissing) != std::string::npos) GTEST_SKIP() << rtl.output;
  ASSERT_EQ(rtl.status, 0) << rtl.output;
  const ProcessResult tlm = run(c, "tlm");
  ASSERT_EQ(tlm.status, 0) << tlm.output;
  EXPECT_GE(rows(dir_ + "/tlm.csv"), c.min_commands);
  EXPECT_NE(read_text(dir_ + "/rtl.csv").find("# scheduler=rtl clock_ps=2000"), std::string::npos);

  const ProcessResult check = run_process(kCheck + " " + dir_ + "/tlm.csv " + dir_ + "/rtl.csv");
  EXPECT_EQ(check.status, 0) << check.output;
  EXPECT_NE(check.output.find("equivalent: "), std::string::npos) << check.output;
  // The same work ends at the same time; the RTL's clock may run up to one more edge and its fall
  // (1.5 clocks of 2 ns) after the last completion.
  const auto simulated = [&](const std::string& run_dir) {
    return nlohmann::json::parse(read_text(dir_ + "/" + run_dir + "/report.json"))["simulated_time_s"].get<double>();
  };
  EXPECT_GE(simulated("rtl"), simulated("tlm"));
  EXPECT_LE(simulated("rtl"), simulated("tlm") + 3e-9);
}

INSTANTIATE_TEST_SUITE_P(
    FlashAndDecode, RtlCosim,
    testing::Values(CosimCase{"seq_read", "tiny", "--pattern seq-read --requests 2000", 400},
                    CosimCase{"rand_read", "tiny", "--pattern rand-read --requests 2000 --queue-depth 16", 1500},
                    CosimCase{"seq_write", "tiny", "--pattern seq-write --requests 1000", 200},
                    CosimCase{"mixed", "tiny", "--pattern mixed --requests 2000 --seed 7", 1000},
                    CosimCase{"decode_compact", "tiny-decode-c", "--model tiny-gqa --context 40 --tokens 1", 60},
                    CosimCase{"decode_discrete", "tiny-decode-d", "--model tiny-gqa --context 40 --tokens 1", 40}),
    [](const testing::TestParamInfo<CosimCase>& param_info) { return std::string(param_info.param.name); });

TEST(RtlCosimCapi, AReplayedTraceGivesTheSameTransactionsUnderEitherScheduler) {
  const TempDir temp;
  const std::string& dir = temp.path;
  const auto replay = [&](const std::string& scheduler) {
    return run_process(kReplay + " --config " + kSource + "/platforms/tiny-capi.json --set controller.clock_MHz=500" +
                       " --set controller.scheduler=" + scheduler + " --trace " + kSource +
                       "/traces/samples/decode_steps.trace --quiet --out " + dir + "/" + scheduler);
  };
  const ProcessResult rtl = replay("rtl");
  if (rtl.status != 0 && rtl.output.find(kRtlMissing) != std::string::npos) GTEST_SKIP() << rtl.output;
  ASSERT_EQ(rtl.status, 0) << rtl.output;
  const ProcessResult tlm = replay("tlm");
  ASSERT_EQ(tlm.status, 0) << tlm.output;
  const std::string transactions = read_text(dir + "/tlm/transactions.csv");
  EXPECT_GT(transactions.size(), 100u);
  EXPECT_EQ(read_text(dir + "/rtl/transactions.csv"), transactions);
}

/// "scope.path.name[w-1:0]" (or without the range for one bit) of every variable of a VCD.
std::set<std::string> vcd_signals(const std::string& vcd) {
  std::set<std::string> signals;
  std::vector<std::string> scopes;
  std::istringstream in(read_text(vcd));
  for (std::string word; in >> word;) {
    if (word == "$enddefinitions") break;
    std::string type, name, id;
    unsigned width = 0;
    if (word == "$scope" && in >> type >> name) scopes.push_back(name);
    if (word == "$upscope") scopes.pop_back();
    if (word != "$var" || !(in >> type >> width >> id >> name)) continue;
    std::string path;
    for (const std::string& scope : scopes) path += scope + ".";
    signals.insert(path + name + (width == 1 ? "" : "[" + std::to_string(width - 1) + ":0]"));
  }
  return signals;
}

TEST(RtlCosimWaves, TheRtlsSignalsJoinTheVcdAndItsPortsTheSaveFile) {
  const TempDir temp;
  const std::string& dir = temp.path;
  const ProcessResult run = run_process(kSim + " --platform " + kSource + "/platforms/tiny.json --requests 40" + kClock +
                                        " --set controller.scheduler=rtl --quiet --out " + dir + " --vcd " + dir +
                                        "/wave.vcd --vcd-window 5us:6us");
  if (run.status != 0 && run.output.find(kRtlMissing) != std::string::npos) GTEST_SKIP() << run.output;
  ASSERT_EQ(run.status, 0) << run.output;
  const std::set<std::string> signals = vcd_signals(dir + "/wave.vcd");
  std::istringstream save(read_text(dir + "/wave.gtkw"));
  std::vector<std::string> ports;
  bool in_group = false;
  for (std::string line; std::getline(save, line);) {
    if (line == "-RTL scheduler ports") in_group = !in_group;
    else if (in_group && line.rfind("controller.", 0) == 0) ports.push_back(line);
  }
  // Every port of the contract, each a signal of the merged VCD, and the RTL's state beside them.
  EXPECT_EQ(ports.size(), 35u);
  for (const std::string& port : ports) EXPECT_EQ(signals.count(port), 1u) << port;
  EXPECT_EQ(signals.count("controller.rtl.kvnand_scheduler.clk"), 1u);
  EXPECT_GT(std::count_if(signals.begin(), signals.end(),
                          [](const std::string& s) { return s.rfind("controller.rtl.kvnand_scheduler.", 0) == 0; }),
            static_cast<long>(ports.size()));
  EXPECT_EQ(signals.count("flash.channel0.busy"), 1u);
  EXPECT_FALSE(fs::exists(dir + "/wave.vcd.rtl.partial"));
}

}  // namespace
}  // namespace kvnand::test
