// What the VCD recorder's tests share: reading the files back, platform layouts and a fixture
// with a time base of its own (tests sharing a process see the kernel's time move on).
#pragma once

#include "wave_recorder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/sim_time.h"

namespace kvnand::wave_test {

namespace fs = std::filesystem;
using Changes = std::vector<std::pair<std::uint64_t, std::uint64_t>>;  // (time ps, value)

inline std::string read(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

inline std::vector<std::string> lines_of(const fs::path& path) {
  std::vector<std::string> out;
  std::istringstream in(read(path));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

template <typename F>
inline std::string error_of(F&& run) {
  try {
    run();
    return "(no error)";
  } catch (const std::exception& e) {
    return e.what();
  }
}

/// The line before `row` in `lines`.
inline std::string preceding(const std::vector<std::string>& lines, const std::string& row) {
  const auto it = std::find(lines.begin(), lines.end(), row);
  return it == lines.begin() || it == lines.end() ? "(" + row + " missing)" : *(it - 1);
}

/// A VCD read back independently of the writer (one declaration or change per line, as the
/// writer puts them): variables by dotted path.
struct Vcd {
  std::map<std::string, unsigned> width;
  std::map<std::string, std::uint64_t> initial;
  std::map<std::string, Changes> changes;
  std::uint64_t start = 0, last_time = 0;

  explicit Vcd(const std::string& text) {
    std::istringstream in(text);
    std::string scope, word, kind, id, name;
    std::map<std::string, std::string> path_of;  // id -> path
    bool dumping = false;
    std::uint64_t now = 0;
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      fields >> word;
      if (word == "$scope" && fields >> kind >> name) {
        scope += name + ".";
      } else if (word == "$upscope") {
        scope.erase(scope.rfind('.', scope.size() - 2) + 1);
      } else if (word == "$var") {
        unsigned bits = 0;
        fields >> kind >> bits >> id >> name;
        width[scope + name] = bits;
        path_of[id] = scope + name;
      } else if (word == "$dumpvars" || word == "$end") {
        dumping = word == "$dumpvars";
        start = dumping ? now : start;
      } else if (word[0] == '#') {
        now = last_time = std::stoull(word.substr(1));
      } else if (word[0] == 'b' || ((word[0] == '0' || word[0] == '1') && path_of.count(word.substr(1)))) {
        const bool vector = word[0] == 'b';
        if (vector) fields >> id;
        const std::uint64_t value = vector ? std::stoull(word.substr(1), nullptr, 2) : std::uint64_t(word[0] - '0');
        const std::string& path = path_of.at(vector ? id : word.substr(1));
        if (dumping) initial[path] = value;
        else changes[path].emplace_back(now, value);
      }
    }
  }
  std::set<std::string> paths() const {
    std::set<std::string> out;
    for (const auto& entry : width) out.insert(entry.first);
    return out;
  }
  Changes of(const std::string& path) const {
    const auto it = changes.find(path);
    return it == changes.end() ? Changes{} : it->second;
  }
};

inline TraceLayout flash_layout(std::uint32_t channels = 2, std::uint32_t dies = 2, std::uint32_t planes = 2) {
  TraceLayout l;
  std::tie(l.channels, l.dies_per_channel, l.planes_per_die) = std::tuple(channels, dies, planes);
  return l;
}

inline TraceLayout decode_layout(bool compact) {
  TraceLayout l = flash_layout(1, 2, 2);
  std::tie(l.decode, l.kv_buffer_on_dies, l.kv_buffer_bytes, l.global_buffer_bytes) =
      std::tuple(true, compact, compact ? 8192 : 5'000'000, 266'240);
  std::tie(l.layers, l.kv_heads, l.max_token) = std::tuple(4, 2, 1000);
  return l;
}

/// A Base-1 decode: the discrete layout with two DRAM channels of 128 KiB.
inline TraceLayout dram_layout() {
  TraceLayout l = decode_layout(false);
  std::tie(l.dram_channels, l.dram_channel_bytes) = std::tuple(2, 131'072);
  return l;
}

class WaveRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kvnand_wave_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Tests that share a process see the kernel's time move on: each starts from its own base.
    base_ = sc_core::sc_time_stamp().value() + 1000;
    spec_.vcd_file = (dir_ / "wave.vcd").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  sc_core::sc_time at(std::uint64_t ps) const { return picoseconds(base_ + ps); }
  std::uint64_t t(std::uint64_t ps) const { return base_ + ps; }
  /// Runs the (empty) kernel until base + ps, so that "now" reports happen then.
  void advance_to(std::uint64_t ps) {
    const sc_core::sc_time target = picoseconds(base_ + ps);
    if (target > sc_core::sc_time_stamp()) sc_core::sc_start(target - sc_core::sc_time_stamp());
  }
  CommandRecord record(NandCommand command, std::uint32_t channel, std::uint32_t die, std::uint64_t bus_start,
                       std::uint64_t bus_end, std::uint64_t array_start = 0, std::uint64_t array_end = 0,
                       bool all_dies = false) const {
    CommandRecord r;
    std::tie(r.command, r.channel, r.die, r.all_dies) = std::tuple(command, ChannelId(channel), DieId(die), all_dies);
    std::tie(r.bus_start, r.bus_end, r.array_start, r.array_end) =
        std::tuple(at(bus_start), at(bus_end), at(array_start), at(array_end));
    return r;
  }
  Vcd vcd() const { return Vcd(read(dir_ / "wave.vcd")); }
  /// Expectations written relative to the base.
  Changes rel(std::initializer_list<std::pair<std::uint64_t, std::uint64_t>> list) const {
    Changes out;
    for (const auto& [time, value] : list) out.emplace_back(t(time), value);
    return out;
  }

  fs::path dir_;
  std::uint64_t base_ = 0;
  WaveSpec spec_;
};

}  // namespace kvnand::wave_test
