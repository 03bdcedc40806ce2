// kvnand-sim as a user runs it: reports, determinism, and bad input.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_process.h"

namespace kvnand::test {
namespace {

namespace fs = std::filesystem;

const std::string kSim = KVNAND_SIM;
const std::string kSource = KVNAND_SOURCE_DIR;

class KvnandSim : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kvnand-cli-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string sim(const std::string& args) const {
    return kSim + " --platform " + kSource + "/platforms/tiny.json " + args;
  }
  std::string dir_;
};

TEST_F(KvnandSim, ReportHoldsEveryDocumentedKey) {
  const ProcessResult run = run_process(sim("--pattern seq-read --requests 200 --queue-depth 8 --out " + dir_ + "/out"));
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("tiny, seq-read, 200 requests at queue depth 8"), std::string::npos) << run.output;
  const auto report = nlohmann::json::parse(read_text(dir_ + "/out/report.json"));
  EXPECT_EQ(report["version"], KVNAND_VERSION_TEXT);
  EXPECT_EQ(report["config"]["name"], "tiny");
  EXPECT_EQ(report["config"]["flash"]["timing"]["tR_ns"], 4000);
  EXPECT_EQ(report["requests"], 200);
  EXPECT_GT(report["simulated_time_s"].get<double>(), 0.0);
  EXPECT_GT(report["bandwidth_GBps"].get<double>(), 0.0);
  for (const char* key : {"min", "mean", "p99", "max"}) EXPECT_TRUE(report["latency_us"].contains(key)) << key;
  EXPECT_LE(report["latency_us"]["min"].get<double>(), report["latency_us"]["p99"].get<double>());
  ASSERT_EQ(report["channels"].size(), 2u);
  ASSERT_EQ(report["dies"].size(), 4u);
  std::uint64_t reads = 0;
  for (const auto& die : report["dies"]) {
    reads += die["reads"].get<std::uint64_t>();
    EXPECT_EQ(die["programs"], 0);
    EXPECT_EQ(die["erases"], 0);
    EXPECT_GT(die["busy_fraction"].get<double>(), 0.0);
  }
  EXPECT_EQ(reads, 200u);
  std::uint64_t bytes = 0;
  for (const auto& channel : report["channels"]) bytes += channel["bytes"].get<std::uint64_t>();
  EXPECT_EQ(bytes, 200u * (4096 + 448));
  const auto& energy = report["energy_J"];
  // Energies accumulate per page, so allow for the rounding of 200 additions.
  EXPECT_NEAR(energy["read"].get<double>(), 200 * 4544 * 8 * 3.0e-12, 1e-15);
  EXPECT_NEAR(energy["interface"].get<double>(), 200 * 4544 * 8 * 4.9e-12, 1e-15);
  EXPECT_DOUBLE_EQ(energy["total"].get<double>(), energy["read"].get<double>() + energy["program"].get<double>() +
                                                      energy["erase"].get<double>() + energy["interface"].get<double>());
  EXPECT_EQ(report["wear"]["max_pe_cycles"], 0);
  EXPECT_GE(report["wear"]["max_block_reads"].get<int>(), 1);
}

TEST_F(KvnandSim, RunsAreDeterministic) {
  const std::string args = "--pattern mixed --requests 3000 --queue-depth 16 --seed 7 --out ";
  ASSERT_EQ(run_process(sim(args + dir_ + "/a")).status, 0);
  ASSERT_EQ(run_process(sim(args + dir_ + "/b")).status, 0);
  auto a = nlohmann::json::parse(read_text(dir_ + "/a/report.json"));
  auto b = nlohmann::json::parse(read_text(dir_ + "/b/report.json"));
  a.erase("host");
  b.erase("host");
  EXPECT_EQ(a, b);
  EXPECT_GT(a["page_ops"]["programs"].get<int>(), 0);
}

TEST_F(KvnandSim, WritesWrapAroundWithErases) {
  // The tiny platform holds 2 x 2 x 4 x 8 x 16 = 2048 pages; 2100 writes wrap into erases.
  const ProcessResult run = run_process(sim("--pattern seq-write --requests 2100 --out " + dir_ + "/out"));
  ASSERT_EQ(run.status, 0) << run.output;
  const auto report = nlohmann::json::parse(read_text(dir_ + "/out/report.json"));
  // The 52 wrapped writes start with page 0 of block 0 on all 16 (die, plane) lanes: 16 erases.
  EXPECT_EQ(report["page_ops"]["erases"], 16);
  EXPECT_EQ(report["page_ops"]["programs"], 2100 - 16);  // the erases count among the requests
  EXPECT_EQ(report["wear"]["max_pe_cycles"], 1);
}

struct BadInput {
  const char* name;
  std::string args;
  std::string message;
};

class KvnandSimBadInput : public KvnandSim, public testing::WithParamInterface<BadInput> {};

TEST_P(KvnandSimBadInput, FailsWithItsMessageAndLeavesNothingBehind) {
  const BadInput& bad = GetParam();
  const ProcessResult run = run_process(kSim + " " + bad.args + " --out " + dir_ + "/out");
  EXPECT_EQ(run.status, 2) << run.output;
  EXPECT_NE(run.output.find(bad.message), std::string::npos) << run.output;
  EXPECT_FALSE(fs::exists(dir_ + "/out"));
}

const std::string kTiny = "--platform " + kSource + "/platforms/tiny.json";

INSTANTIATE_TEST_SUITE_P(
    Errors, KvnandSimBadInput,
    testing::Values(
        BadInput{"missing_file", "--platform /nonexistent/p.json",
                 "kvnand-sim: /nonexistent/p.json: cannot open config file (No such file or directory)"},
        BadInput{"unknown_key", kTiny + " --set channels.speed_GBps=3",
                 "channels.speed_GBps: unknown key; accepted keys here: cache_read_cmd_cycles, cmd_addr_cycle_ns, count, "
                 "dies_per_channel, erase_cmd_addr_cycles, program_cmd_addr_cycles, rate_GBps, read_cmd_addr_cycles"},
        BadInput{"wrong_type", kTiny + " --set flash.timing.tR_ns=fast",
                 "--set: flash.timing.tR_ns: expected a positive number in ns, got \"fast\""},
        BadInput{"zero_planes", kTiny + " --set flash.geometry.planes_per_die=0",
                 "--set: flash.geometry.planes_per_die: expected an integer from 1 to 64, got 0"},
        BadInput{"negative_rate", kTiny + " --set channels.rate_GBps=-4.8",
                 "--set: channels.rate_GBps: expected a positive number in GB/s, got -4.8"},
        BadInput{"contradiction", kTiny + " --set controller.max_planes_per_command=8",
                 "controller.max_planes_per_command: 8 exceeds flash.geometry.planes_per_die (4)"},
        BadInput{"capacity", "--platform " + kSource + "/platforms/kvnand-c16.json --set flash.geometry.blocks_per_plane=170",
                 "flash.geometry.declared_capacity_Gib_per_plane: 4.1484 Gib contradicts the geometry"},
        BadInput{"bad_override", kTiny + " --set channels.count", "--set channels.count: expected key.path=value"},
        BadInput{"bad_pattern", kTiny + " --pattern zigzag", "--pattern: zigzag not in {seq-read,rand-read,seq-write,mixed}"},
        BadInput{"zero_requests", kTiny + " --requests 0", "--requests: Value 0 not in range"},
        BadInput{"no_platform", "--requests 5", "--platform is required"}),
    [](const testing::TestParamInfo<BadInput>& param_info) { return std::string(param_info.param.name); });

TEST_F(KvnandSim, SyntaxErrorsNameLineAndColumn) {
  const std::string bad = dir_ + "/bad.json";
  std::ofstream(bad) << "{\n  \"name\": \"x\",\n  \"flash\": ,\n}\n";
  const ProcessResult run = run_process(kSim + " --platform " + bad + " --out " + dir_ + "/out");
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.output.find(bad + ":3:12: JSON syntax error"), std::string::npos) << run.output;
  EXPECT_FALSE(fs::exists(dir_ + "/out"));
}

TEST_F(KvnandSim, UnwritableVcdIsRefusedBeforeSimulating) {
  const ProcessResult run = run_process(sim("--requests 5 --vcd /nonexistent/w.vcd --out " + dir_ + "/out"));
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.output.find("cannot write VCD /nonexistent/w.vcd: No such file or directory"), std::string::npos)
      << run.output;
  EXPECT_FALSE(fs::exists(dir_ + "/out/report.json"));
}

}  // namespace
}  // namespace kvnand::test
