// What the command timeline's tests share: layouts, records and tags to report, and reading the
// CSV and the trace-event JSON back (one event per line, as the writer puts them).
#pragma once

#include "command_timeline.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/sim_time.h"

namespace kvnand::timeline_test {

namespace fs = std::filesystem;
using nlohmann::json;

inline TraceLayout layout(bool decode = true) {
  TraceLayout l;
  l.channels = 2;
  l.dies_per_channel = 2;
  l.planes_per_die = 4;
  l.decode = decode;
  return l;
}

/// A Base-1 decode: the layout above with two DRAM channels.
inline TraceLayout dram_layout() {
  TraceLayout l = layout();
  l.dram_channels = 2;
  l.dram_channel_bytes = 131072;
  return l;
}

/// A fresh, empty folder for one test.
inline fs::path test_dir() {
  const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
  const fs::path dir = fs::path(testing::TempDir()) / (std::string("kvnand_timeline_") + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

inline std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline std::string text_of(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline CommandRecord record(NandCommand command, std::uint32_t channel, std::uint32_t die, std::uint64_t issue_ps,
                     std::uint64_t bus_start_ps, std::uint64_t bus_end_ps, std::uint64_t array_start_ps,
                     std::uint64_t array_end_ps) {
  CommandRecord r;
  r.command = command;
  r.channel = ChannelId(channel);
  r.die = DieId(die);
  r.issue = picoseconds(issue_ps);
  r.bus_start = picoseconds(bus_start_ps);
  r.bus_end = picoseconds(bus_end_ps);
  r.array_start = picoseconds(array_start_ps);
  r.array_end = picoseconds(array_end_ps);
  return r;
}

inline CommandTag tag(std::uint64_t token, std::uint32_t layer, std::uint32_t head, Phase phase) {
  CommandTag t;
  t.token = token;
  t.layer = layer;
  t.head = head;
  t.phase = phase;
  return t;
}

/// A GEMV-style compute: bus 2000..3500 ps, planes 0-3 busy 3500..90000 ps.
inline CommandRecord compute_record() {
  CommandRecord r = record(NandCommand::IfcCompute, 1, 0, 1000, 2000, 3500, 3500, 90000);
  r.planes = PlaneMask(0xf);
  r.kernel = IfcKernel::Logit;
  r.pages = 96;
  r.bus_bytes = 4096;
  r.tag = tag(17, 3, 5, Phase::Logit);
  return r;
}

/// One complete ("X") event of the JSON, with its ts and dur as written.
struct Slice {
  json event;
  std::string ts;
  std::string dur;
};

inline std::string raw_number(const std::string& line, const std::string& key) {
  const std::size_t at = line.find("\"" + key + "\":");
  if (at == std::string::npos) return "";
  const std::size_t begin = at + key.size() + 3;
  return line.substr(begin, line.find_first_of(",}", begin) - begin);
}

/// The trace's slices, read line by line (the writer puts one event per line).
inline std::vector<Slice> slices_of(const fs::path& file) {
  std::vector<Slice> slices;
  for (std::string line : lines_of(file)) {
    if (line.rfind("{\"ph\":\"X\"", 0) != 0) continue;
    if (line.back() == ',') line.pop_back();
    slices.push_back(Slice{json::parse(line), raw_number(line, "ts"), raw_number(line, "dur")});
  }
  return slices;
}

/// Thread names by (pid, tid).
inline std::map<std::pair<int, int>, std::string> thread_names(const json& trace) {
  std::map<std::pair<int, int>, std::string> names;
  for (const json& e : trace["traceEvents"])
    if (e["ph"] == "M" && e["name"] == "thread_name") names[{e["pid"].get<int>(), e["tid"].get<int>()}] = e["args"]["name"];
  return names;
}

inline std::string thread_of(const json& trace, const Slice& slice) {
  return thread_names(trace).at({slice.event["pid"].get<int>(), slice.event["tid"].get<int>()});
}

/// ps written as microseconds with six decimals, back to integer picoseconds.
inline std::uint64_t ps_of(const std::string& micros) {
  const std::size_t dot = micros.find('.');
  EXPECT_EQ(micros.size() - dot, 7u) << micros;
  return std::stoull(micros.substr(0, dot) + micros.substr(dot + 1));
}

/// On every thread, each pair of slices is disjoint or nested.
inline void expect_properly_nested(const std::vector<Slice>& slices) {
  std::map<std::pair<int, int>, std::vector<std::pair<std::uint64_t, std::uint64_t>>> threads;
  for (const Slice& s : slices) {
    const std::uint64_t start = ps_of(s.ts);
    threads[{s.event["pid"].get<int>(), s.event["tid"].get<int>()}].emplace_back(start, start + ps_of(s.dur));
  }
  for (auto& [thread, intervals] : threads)
    for (const auto& a : intervals)
      for (const auto& b : intervals) {
        const bool disjoint = a.second <= b.first || b.second <= a.first;
        const bool nested = (a.first <= b.first && b.second <= a.second) || (b.first <= a.first && a.second <= b.second);
        EXPECT_TRUE(disjoint || nested) << "thread " << thread.first << "/" << thread.second << ": [" << a.first << ","
                                        << a.second << ") vs [" << b.first << "," << b.second << ")";
      }
}

}  // namespace kvnand::timeline_test
