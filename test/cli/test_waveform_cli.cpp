// kvnand-sim --vcd: signal values over time, and a clean file after Ctrl-C.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "run_process.h"

namespace kvnand::test {
namespace {

namespace fs = std::filesystem;

struct Change {
  std::uint64_t time;
  std::uint64_t value;
  bool operator==(const Change& o) const { return time == o.time && value == o.value; }
};

/// Changes per signal ("flash.channel0.busy" -> [(time, value)]); also checks times never decrease.
std::map<std::string, std::vector<Change>> parse_vcd(const std::string& text, std::uint64_t* last_time) {
  std::map<std::string, std::string> names;  // id code -> dotted name
  std::map<std::string, std::vector<Change>> changes;
  std::vector<std::string> scope;
  std::istringstream in(text);
  std::string token;
  std::uint64_t now = 0;
  while (in >> token) {
    if (token == "$scope") {
      std::string kind, name;
      in >> kind >> name;
      scope.push_back(name);
    } else if (token == "$upscope") {
      scope.pop_back();
    } else if (token == "$var") {
      std::string type, width, id, name;
      in >> type >> width >> id >> name;
      std::string dotted;
      for (const auto& s : scope) dotted += s + ".";
      names[id] = dotted + name;
    } else if (token[0] == '#') {
      const std::uint64_t t = std::stoull(token.substr(1));
      EXPECT_GE(t, now) << "time goes backwards";
      now = t;
    } else if (token[0] == 'b') {
      std::string id;
      in >> id;
      changes[names[id]].push_back({now, std::stoull(token.substr(1), nullptr, 2)});
    } else if ((token[0] == '0' || token[0] == '1') && names.count(token.substr(1))) {
      changes[names[token.substr(1)]].push_back({now, static_cast<std::uint64_t>(token[0] - '0')});
    }
  }
  *last_time = now;
  return changes;
}

TEST(KvnandSimWaveform, OneReadShowsBusAndArrayPhasesAtTheirTimes) {
  char pattern[] = "/tmp/kvnand-vcd-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  const ProcessResult run = run_process(std::string(KVNAND_SIM) + " --platform " + KVNAND_SOURCE_DIR +
                                        "/platforms/tiny.json --requests 1 --vcd " + dir + "/w.vcd --out " + dir);
  ASSERT_EQ(run.status, 0) << run.output;
  std::uint64_t end = 0;
  auto changes = parse_vcd(read_text(dir + "/w.vcd"), &end);
  // 70 ns address, 4 us tR, 946.667 ns data out (times in ps).
  const std::vector<Change> busy{{0, 0}, {0, 1}, {70000, 0}, {4070000, 1}, {5016667, 0}};
  EXPECT_EQ(changes["flash.channel0.busy"], busy);
  const std::vector<Change> array{{0, 0}, {70000, 1}, {4070000, 0}};
  EXPECT_EQ(changes["flash.channel0.die0.array"], array);
  EXPECT_EQ(changes["flash.channel0.die0.plane0"], array);
  EXPECT_EQ(changes["flash.channel0.die1.array"], (std::vector<Change>{{0, 0}}));
  EXPECT_EQ(end, 5016667u);
  fs::remove_all(dir);
}

TEST(KvnandSimWaveform, InterruptClosesTheWaveformAndWritesNoReport) {
  char pattern[] = "/tmp/kvnand-int-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  const std::string vcd = dir + "/w.vcd";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string platform = std::string(KVNAND_SOURCE_DIR) + "/platforms/kvnand-c16.json";
    execl(KVNAND_SIM, KVNAND_SIM, "--platform", platform.c_str(), "--pattern", "rand-read", "--requests",
          "1000000000", "--vcd", vcd.c_str(), "--out", (dir + "/out").c_str(), "--quiet", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Interrupt once the simulation has visibly written waveform data past its header.
  for (int i = 0; i < 600 && (!fs::exists(vcd) || fs::file_size(vcd) < (1u << 20)); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(child, SIGINT);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_FALSE(fs::exists(dir + "/out/report.json"));
  std::uint64_t end = 0;
  const std::string text = read_text(vcd);
  const auto changes = parse_vcd(text, &end);
  EXPECT_GT(end, 0u);
  EXPECT_FALSE(changes.at("flash.channel0.busy").empty());
  // The file ends on a complete line, and nothing lies beyond the moment the run stopped.
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(run_process("tail -c 200 " + vcd).output.find("#" + std::to_string(end)), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kvnand::test
