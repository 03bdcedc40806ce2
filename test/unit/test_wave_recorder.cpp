// Tests of the VCD recorder: signal values at exact times from hand-made reports, windows, scopes,
// the file life cycle and the GTKWave save and filter files. Reports that happen "now" advance
// the kernel's time with sc_start (no modules needed); all times are relative to the test's base.
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

namespace kvnand {
namespace {

namespace fs = std::filesystem;
using Changes = std::vector<std::pair<std::uint64_t, std::uint64_t>>;  // (time ps, value)

std::string read(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const fs::path& path) {
  std::vector<std::string> out;
  std::istringstream in(read(path));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

template <typename F>
std::string error_of(F&& run) {
  try {
    run();
    return "(no error)";
  } catch (const std::exception& e) {
    return e.what();
  }
}

/// The line before `row` in `lines`.
std::string preceding(const std::vector<std::string>& lines, const std::string& row) {
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

TraceLayout flash_layout(std::uint32_t channels = 2, std::uint32_t dies = 2, std::uint32_t planes = 2) {
  TraceLayout l;
  std::tie(l.channels, l.dies_per_channel, l.planes_per_die) = std::tuple(channels, dies, planes);
  return l;
}

TraceLayout decode_layout(bool compact) {
  TraceLayout l = flash_layout(1, 2, 2);
  std::tie(l.decode, l.kv_buffer_on_dies, l.kv_buffer_bytes, l.global_buffer_bytes) =
      std::tuple(true, compact, compact ? 8192 : 5'000'000, 266'240);
  std::tie(l.layers, l.kv_heads, l.max_token) = std::tuple(4, 2, 1000);
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

TEST_F(WaveRecorderTest, ChannelBusyOpAndOwnerForBackToBackTenures) {
  WaveRecorder rec(spec_, flash_layout());
  EXPECT_FALSE(rec.wants_plane_detail());  // flash only, no plane detail: the die skips those calls
  rec.command(record(NandCommand::Read, 0, 0, 100, 200, 200, 1200));
  rec.command(record(NandCommand::DataOut, 0, 1, 200, 300));  // starts as the read's tenure ends
  rec.command(record(NandCommand::IfcBroadcast, 0, 0, 500, 700, 0, 0, true));  // owner 2: all dies
  rec.close(at(2000));
  const Vcd v = vcd();
  EXPECT_EQ(v.width.at("flash.channel0.busy"), 1u);
  EXPECT_EQ(v.width.at("flash.channel0.op"), 4u);
  EXPECT_EQ(v.width.at("flash.channel0.owner"), 2u);  // 0, 1 or 2 (all dies)
  EXPECT_EQ(v.of("flash.channel0.busy"), rel({{100, 1}, {300, 0}, {500, 1}, {700, 0}}));
  // read = 1, data_out = 4, ifc_broadcast = 7 (1 + NandCommand)
  EXPECT_EQ(v.of("flash.channel0.op"), rel({{100, 1}, {200, 4}, {300, 0}, {500, 7}, {700, 0}}));
  EXPECT_EQ(v.of("flash.channel0.owner"), rel({{200, 1}, {500, 2}}));  // keeps its value when idle
  EXPECT_TRUE(v.of("flash.channel1.busy").empty());
  EXPECT_EQ(v.last_time, t(2000));
  for (const std::string& path : v.paths()) EXPECT_EQ(path.find("plane"), std::string::npos) << path;
}

TEST_F(WaveRecorderTest, DieStateShowsTheHighestActivity) {
  WaveRecorder rec(spec_, flash_layout());
  rec.command(record(NandCommand::IfcCompute, 0, 0, 100, 150, 150, 1000));
  rec.command(record(NandCommand::IfcBroadcast, 0, 0, 400, 450, 0, 0, true));  // every die transfers
  rec.command(record(NandCommand::Read, 0, 1, 1000, 1100, 1100, 2000));
  rec.command(record(NandCommand::Program, 0, 1, 2000, 2100, 2100, 3000));  // transfer as the read ends
  rec.command(record(NandCommand::Erase, 0, 1, 3000, 3050, 3050, 5000));
  rec.command(record(NandCommand::CacheReadNext, 1, 0, 6000, 6010, 6010, 6500));
  rec.command(record(NandCommand::IfcProgram, 1, 0, 6500, 6600, 6600, 7000));
  rec.close(at(8000));
  const Vcd v = vcd();
  // idle 0, transfer 1, read 2, program 3, erase 4, compute 5; compute hides the broadcast
  EXPECT_EQ(v.of("flash.channel0.die0.state"), rel({{100, 1}, {150, 5}, {1000, 0}}));
  EXPECT_EQ(v.of("flash.channel0.die1.state"),
            rel({{400, 1}, {450, 0}, {1000, 1}, {1100, 2}, {2000, 1}, {2100, 3}, {3000, 1}, {3050, 4}, {5000, 0}}));
  EXPECT_EQ(v.of("flash.channel1.die0.state"), rel({{6000, 1}, {6010, 2}, {6500, 1}, {6600, 3}, {7000, 0}}));
}

TEST_F(WaveRecorderTest, QueueDepthShowsTheLastReport) {
  WaveRecorder rec(spec_, flash_layout());
  advance_to(100);
  rec.queue_depth(ChannelId(1), DieId(1), 2);
  rec.queue_depth(ChannelId(1), DieId(1), 3);  // same time: the last one counts
  advance_to(250);
  rec.queue_depth(ChannelId(1), DieId(1), 1);
  advance_to(400);
  rec.queue_depth(ChannelId(1), DieId(1), 0);
  rec.close(at(500));
  const Vcd v = vcd();
  EXPECT_EQ(v.width.at("flash.channel1.die1.queue"), 32u);
  EXPECT_EQ(v.of("flash.channel1.die1.queue"), rel({{100, 3}, {250, 1}, {400, 0}}));
}

TEST_F(WaveRecorderTest, PeAndEccBusyCountPlanes) {
  WaveRecorder rec(spec_, decode_layout(true));
  EXPECT_TRUE(rec.wants_plane_detail());
  const ChannelId c(0);
  const DieId d(0);
  rec.stage_busy(c, d, PlaneMask::single(PlaneId(0)), PipelineStage::Pe, at(100), at(300));
  rec.stage_busy(c, d, PlaneMask::single(PlaneId(1)), PipelineStage::Pe, at(200), at(400));
  // Back to back: still one plane; then an overlap on its own plane.
  rec.stage_busy(c, d, PlaneMask::single(PlaneId(0)), PipelineStage::Pe, at(300), at(350));
  rec.stage_busy(c, d, PlaneMask::single(PlaneId(1)), PipelineStage::Pe, at(250), at(260));
  rec.stage_busy(c, d, PlaneMask::single(PlaneId(0)), PipelineStage::Ecc, at(100), at(150));
  rec.stage_busy(c, d, PlaneMask::single(PlaneId(0)), PipelineStage::Array, at(100), at(900));  // not PE/ECC
  rec.stage_busy(c, DieId(1), PlaneMask(0b11), PipelineStage::Pe, at(800), at(850));  // two planes at once
  for (std::uint32_t p : {0, 1, 0}) {  // a stream's planes in step, as the die reports them; plane 0 twice
    rec.stage_busy(c, DieId(1), PlaneMask::single(PlaneId(p)), PipelineStage::Ecc, at(500), at(600));
    rec.stage_busy(c, DieId(1), PlaneMask::single(PlaneId(p)), PipelineStage::Pe, at(550), at(700));
  }
  rec.close(at(1000));
  const Vcd v = vcd();
  EXPECT_EQ(v.width.at("flash.channel0.die0.pe_busy"), 2u);  // 0..2 planes
  EXPECT_EQ(v.of("flash.channel0.die0.pe_busy"), rel({{100, 1}, {200, 2}, {350, 1}, {400, 0}}));
  EXPECT_EQ(v.of("flash.channel0.die0.ecc_busy"), rel({{100, 1}, {150, 0}}));
  EXPECT_EQ(v.of("flash.channel0.die1.ecc_busy"), rel({{500, 2}, {600, 0}}));
  EXPECT_EQ(v.of("flash.channel0.die1.pe_busy"), rel({{550, 2}, {700, 0}, {800, 2}, {850, 0}}));
  EXPECT_EQ(v.width.count("flash.channel0.die0.plane0.pe"), 0u);  // no plane detail
}

TEST_F(WaveRecorderTest, PlaneDetailOnAndOff) {
  spec_.plane_detail = true;
  {
    WaveRecorder rec(spec_, flash_layout());
    EXPECT_TRUE(rec.wants_plane_detail());
    rec.plane_busy(ChannelId(1), DieId(0), PlaneMask::single(PlaneId(1)), PlaneActivity::Read, at(100), at(200));
    rec.plane_busy(ChannelId(1), DieId(0), PlaneMask::single(PlaneId(1)), PlaneActivity::Compute, at(150), at(300));
    rec.plane_busy(ChannelId(1), DieId(0), PlaneMask::single(PlaneId(1)), PlaneActivity::CacheCopy, at(300), at(320));
    rec.close(at(1000));
    const Vcd v = vcd();
    EXPECT_EQ(v.width.at("flash.channel1.die0.plane1.state"), 3u);
    EXPECT_EQ(v.of("flash.channel1.die0.plane1.state"), rel({{100, 1}, {150, 5}, {300, 2}, {320, 0}}));
    EXPECT_EQ(v.width.count("flash.channel1.die0.plane1.pe"), 0u);  // flash only: no PEs
  }
  {
    WaveRecorder rec(spec_, decode_layout(false));
    rec.stage_busy(ChannelId(0), DieId(1), PlaneMask::single(PlaneId(0)), PipelineStage::Ecc, at(10), at(20));
    rec.close(at(100));
    const Vcd v = vcd();
    EXPECT_EQ(v.of("flash.channel0.die1.plane0.ecc"), rel({{10, 1}, {20, 0}}));
    EXPECT_EQ(v.of("flash.channel0.die1.ecc_busy"), rel({{10, 1}, {20, 0}}));
    EXPECT_EQ(v.width.count("flash.channel0.die1.plane1.pe"), 1u);
  }
}

TEST_F(WaveRecorderTest, NpuBusyAndOp) {
  WaveRecorder rec(spec_, decode_layout(false));
  rec.npu_op(NpuOpKind::Softmax, at(100), at(200), {});
  rec.npu_op(NpuOpKind::Aggregate, at(200), at(300), {});
  rec.npu_op(NpuOpKind::RmsNorm, at(250), at(260), {});  // lower value, overlapping: hidden
  rec.close(at(1000));
  const Vcd v = vcd();
  EXPECT_EQ(v.of("npu.busy"), rel({{100, 1}, {300, 0}}));
  EXPECT_EQ(v.of("npu.op"), rel({{100, 1}, {200, 10}, {300, 0}}));  // softmax 1, aggregate 10
}

CommandTag make_tag(std::optional<Phase> phase, std::optional<std::uint64_t> token = {},
                    std::optional<std::uint32_t> layer = {}, std::optional<std::uint32_t> head = {}) {
  return CommandTag{token, layer, head, phase};
}

TEST_F(WaveRecorderTest, DataflowTagsPhasePriorityAndPhaseWires) {
  WaveRecorder rec(spec_, decode_layout(false));
  advance_to(100);
  rec.phase_begin(make_tag(Phase::Qkv, 7, 1, 0));
  advance_to(200);
  rec.phase_begin(make_tag(Phase::Logit, {}, {}, 1));
  advance_to(300);
  rec.phase_begin(make_tag(Phase::Softmax));
  advance_to(400);
  rec.phase_end(make_tag(Phase::Softmax), at(300));
  rec.phase_begin(make_tag(Phase::KvWrite, 8));  // lowest priority
  rec.phase_begin(make_tag(std::nullopt, {}, 3));  // no phase: only the layer
  advance_to(500);
  rec.phase_end(make_tag(Phase::Logit), at(200));
  advance_to(600);
  rec.phase_end(make_tag(Phase::Qkv), at(100));
  advance_to(700);
  rec.phase_end(make_tag(Phase::KvWrite), at(400));
  rec.close(at(800));
  const Vcd v = vcd();
  EXPECT_EQ(v.width.at("dataflow.token"), 10u);  // up to 1000
  EXPECT_EQ(v.width.at("dataflow.layer"), 2u);
  EXPECT_EQ(v.width.at("dataflow.head_group"), 1u);
  EXPECT_EQ(v.of("dataflow.token"), rel({{100, 7}, {400, 8}}));
  EXPECT_EQ(v.of("dataflow.layer"), rel({{100, 1}, {400, 3}}));
  EXPECT_EQ(v.of("dataflow.head_group"), rel({{200, 1}}));
  // qkv 1, logit 2, softmax 3, kv_write 8 (1 + Phase); softmax > logit > qkv > kv_write
  EXPECT_EQ(v.of("dataflow.phase"), rel({{100, 1}, {200, 2}, {300, 3}, {400, 2}, {500, 1}, {600, 8}, {700, 0}}));
  EXPECT_EQ(v.of("dataflow.phase_qkv"), rel({{100, 1}, {600, 0}}));
  EXPECT_EQ(v.of("dataflow.phase_softmax"), rel({{300, 1}, {400, 0}}));
  EXPECT_EQ(v.of("dataflow.phase_kv_write"), rel({{400, 1}, {700, 0}}));
  EXPECT_EQ(v.width.count("dataflow.phase_npu_other"), 1u);
  EXPECT_EQ(v.width.count("dataflow.phase_idle"), 0u);
}

TEST_F(WaveRecorderTest, BufferFills) {
  {
    WaveRecorder rec(spec_, decode_layout(true));
    rec.global_buffer(ChannelId(0), DieId(1), 4096, at(300));
    rec.global_buffer(ChannelId(0), DieId(1), 4096, at(300));
    rec.global_buffer(ChannelId(0), DieId(1), -8192, at(500));  // read out and refilled at once
    rec.global_buffer(ChannelId(0), DieId(1), 100, at(500));
    rec.global_buffer(ChannelId(0), DieId(1), -100, at(600));
    advance_to(100);
    rec.kv_buffer(true, ChannelId(0), DieId(0), PlaneId(0), 1024);  // compact: the die shows its planes' sum
    rec.kv_buffer(true, ChannelId(0), DieId(0), PlaneId(1), 2048);
    advance_to(200);
    rec.kv_buffer(true, ChannelId(0), DieId(0), PlaneId(0), 512);
    rec.close(at(1000));
    const Vcd v = vcd();
    EXPECT_EQ(v.width.at("flash.channel0.die1.global_buffer"), 32u);
    EXPECT_EQ(v.of("flash.channel0.die1.global_buffer"), rel({{300, 8192}, {500, 100}, {600, 0}}));
    EXPECT_EQ(v.of("flash.channel0.die0.kv_buffer"), rel({{100, 3072}, {200, 2560}}));
    EXPECT_EQ(v.width.count("dataflow.kv_buffer"), 0u);
  }
  WaveRecorder rec(spec_, decode_layout(false));
  advance_to(1400);
  rec.kv_buffer(false, ChannelId(0), DieId(0), PlaneId(0), 4096);  // discrete: the SoC's buffer
  rec.close(at(1500));
  const Vcd v = vcd();
  EXPECT_EQ(v.of("dataflow.kv_buffer"), rel({{1400, 4096}}));
  EXPECT_EQ(v.width.count("flash.channel0.die0.kv_buffer"), 0u);
}

TEST_F(WaveRecorderTest, WindowStartsWithTheStateThenAndDropsWhatComesAfterItsEnd) {
  spec_.window = TimeWindow{at(1000), at(3000)};
  WaveRecorder rec(spec_, flash_layout());
  advance_to(500);
  rec.queue_depth(ChannelId(0), DieId(0), 4);
  rec.command(record(NandCommand::Read, 0, 0, 500, 1500, 1500, 4000));
  rec.command(record(NandCommand::Program, 0, 1, 3000, 3100, 3100, 3500));
  advance_to(1000);
  rec.queue_depth(ChannelId(0), DieId(0), 6);  // exactly at the start: part of the initial state
  rec.close(at(5000));
  const Vcd v = vcd();
  EXPECT_EQ(v.start, t(1000));
  EXPECT_EQ(v.initial.at("flash.channel0.busy"), 1u);
  EXPECT_EQ(v.initial.at("flash.channel0.op"), 1u);
  EXPECT_EQ(v.initial.at("flash.channel0.die0.state"), 1u);
  EXPECT_EQ(v.initial.at("flash.channel0.die0.queue"), 6u);
  EXPECT_TRUE(v.of("flash.channel0.die0.queue").empty());
  EXPECT_EQ(v.of("flash.channel0.busy"), rel({{1500, 0}, {3000, 1}}));  // at the end: still in
  EXPECT_EQ(v.of("flash.channel0.op"), rel({{1500, 0}, {3000, 5}}));
  EXPECT_EQ(v.of("flash.channel0.die0.state"), rel({{1500, 2}}));
  EXPECT_EQ(v.of("flash.channel0.die1.state"), rel({{3000, 1}}));
  EXPECT_EQ(v.last_time, t(3000));
}

TEST_F(WaveRecorderTest, ScopesDeclareOnlyTheSelectedSignals) {
  spec_.scopes = {"flash.channel1.die0", "npu"};  // no NPU here: ignored while another pattern matches
  {
    WaveRecorder rec(spec_, flash_layout());
    rec.command(record(NandCommand::Read, 0, 0, 100, 200, 200, 300));
    rec.command(record(NandCommand::Read, 1, 0, 100, 200, 200, 300));
    rec.close(at(400));
    const Vcd v = vcd();
    EXPECT_EQ(v.paths(), (std::set<std::string>{"flash.channel1.die0.queue", "flash.channel1.die0.state"}));
    EXPECT_EQ(v.of("flash.channel1.die0.state"), rel({{100, 1}, {200, 2}, {300, 0}}));
  }
  spec_.scopes = {"flash.*.die1.plane0"};
  spec_.plane_detail = true;
  WaveRecorder rec(spec_, flash_layout());
  rec.close(at(10));
  EXPECT_EQ(vcd().paths(),
            (std::set<std::string>{"flash.channel0.die1.plane0.state", "flash.channel1.die1.plane0.state"}));
}

TEST_F(WaveRecorderTest, ScopesSelectingNothingAreAnError) {
  spec_.scopes = {"npu", "flash.channel9"};
  EXPECT_EQ(error_of([&] { WaveRecorder rec(spec_, flash_layout()); }),
            spec_.vcd_file +
                ": the VCD scope patterns select no signal (\"npu\", \"flash.channel9\" match nothing); scope paths "
                "here: flash, flash.channel0 .. flash.channel1, flash.channel0.die0 .. flash.channel1.die1, "
                "flash.channel0.die0.plane0 .. flash.channel1.die1.plane1 (with plane detail)");
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(WaveRecorderTest, TheFileAppearsOnlyWhenClosed) {
  WaveRecorder(spec_, flash_layout()).command(record(NandCommand::Read, 0, 0, 100, 200, 200, 300));
  EXPECT_TRUE(fs::is_empty(dir_));  // destroyed without close(): nothing left
  WaveRecorder rec(spec_, flash_layout());
  const fs::path vcd_path = dir_ / "wave.vcd", partial = dir_ / "wave.vcd.partial";
  EXPECT_TRUE(fs::exists(partial));
  EXPECT_FALSE(fs::exists(vcd_path));
  rec.command(record(NandCommand::Read, 0, 0, 100, 200, 200, 300));
  advance_to(250);
  rec.queue_depth(ChannelId(0), DieId(0), 1);  // writes the changes before now
  EXPECT_GT(rec.vcd_bytes(), 0u);
  EXPECT_FALSE(fs::exists(vcd_path));
  rec.close(at(400));
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_TRUE(fs::exists(vcd_path));
  EXPECT_EQ(rec.vcd_bytes(), fs::file_size(vcd_path));
  EXPECT_TRUE(fs::exists(dir_ / "wave.gtkw"));
  rec.close(at(500));  // a second close changes nothing
  EXPECT_EQ(vcd().last_time, t(400));
}

TEST_F(WaveRecorderTest, ModelErrorsAreReportedNotHidden) {
  WaveRecorder rec(spec_, decode_layout(true));
  advance_to(50);
  rec.queue_depth(ChannelId(0), DieId(0), 1);  // everything before now is in the file
  EXPECT_EQ(error_of([&] { rec.global_buffer(ChannelId(0), DieId(1), 8, at(20)); }),
            "waveform: flash.channel0.die1.global_buffer changes at " + std::to_string(t(20)) + " ps, reported at " +
                std::to_string(t(50)) + " ps: activity must be reported no later than it starts");
  // A value outside its variable's width is not truncated.
  rec.global_buffer(ChannelId(0), DieId(0), -100, at(100));
  EXPECT_EQ(error_of([&] { rec.close(at(200)); }), "waveform: flash.channel0.die0.global_buffer would show -100 at " +
                                                       std::to_string(t(100)) + " ps; it holds 0..4294967295");
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(WaveRecorderTest, SaveFileListsExactlyTheDeclaredSignalsWithExistingFilters) {
  spec_.plane_detail = true;
  spec_.scopes = {"flash.channel0", "npu", "dataflow"};
  WaveRecorder rec(spec_, decode_layout(true));
  rec.close(at(100));
  std::set<std::string> expected;
  for (const auto& [path, width] : vcd().width)
    expected.insert(width == 1 ? path : path + "[" + std::to_string(width - 1) + ":0]");
  std::set<std::string> listed, filters;
  const std::vector<std::string> lines = lines_of(dir_ / "wave.gtkw");
  for (const std::string& line : lines) {
    if (line[0] == '^') filters.insert(line.substr(line.find(' ') + 1));
    if (std::string("[@-^*").find(line[0]) == std::string::npos) {
      EXPECT_TRUE(listed.insert(line).second) << "listed twice: " << line;
    }
  }
  EXPECT_EQ(listed, expected);
  EXPECT_EQ(filters, (std::set<std::string>{"wave.filters/channel_op.txt", "wave.filters/die_state.txt",
                                            "wave.filters/plane_state.txt", "wave.filters/npu_op.txt",
                                            "wave.filters/phase.txt"}));
  for (const std::string& filter : filters) EXPECT_TRUE(fs::exists(dir_ / filter)) << filter;
  EXPECT_EQ(lines[1], "[dumpfile] \"wave.vcd\"");
  EXPECT_EQ(lines[2], "[savefile] \"wave.gtkw\"");
  // A named signal: decimal through its filter, named on the line before.
  const std::string filter = preceding(lines, "flash.channel0.die0.state[2:0]");
  EXPECT_EQ(filter.substr(filter.find(' ') + 1), "wave.filters/die_state.txt");
  EXPECT_EQ(preceding(lines, filter), "@2024");
  // The NPU and the dataflow come first, above the many flash rows.
  const auto row = [&](const std::string& text) { return std::find(lines.begin(), lines.end(), text) - lines.begin(); };
  EXPECT_LT(row("-npu"), row("-flash.channel0"));
  EXPECT_LT(row("-dataflow"), row("-flash.channel0"));
  // Two dies: their groups open; a die's planes in one collapsed group.
  EXPECT_EQ(preceding(lines, "-flash.channel0.die1"), "@800200");
  EXPECT_EQ(preceding(lines, "-flash.channel0.die1.plane*"), "@c00200");
  EXPECT_EQ(preceding(lines, "-flash.channel0.die1.plane1"), "@800200");
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "-flash.channel0.die1.plane1"), 2);  // begin and end
}

TEST_F(WaveRecorderTest, ManyDiesOpenWithCollapsedDieGroups) {
  WaveRecorder(spec_, flash_layout(2, 3, 1)).close(at(100));  // six dies shown
  std::vector<std::string> lines = lines_of(dir_ / "wave.gtkw");
  EXPECT_EQ(preceding(lines, "-flash.channel1.die2"), "@c00200");
  EXPECT_EQ(preceding(lines, "-flash.channel0.die0"), "@800200");  // the first die stays open
  EXPECT_EQ(preceding(lines, "-flash.channel1"), "@800200");
  spec_.scopes = {"flash.channel1"};  // three dies shown
  WaveRecorder(spec_, flash_layout(2, 3, 1)).close(at(100));
  lines = lines_of(dir_ / "wave.gtkw");
  EXPECT_EQ(preceding(lines, "-flash.channel1.die2"), "@800200");
}

TEST_F(WaveRecorderTest, FilterFilesNameEveryValue) {
  WaveRecorder rec(spec_, decode_layout(false));
  rec.close(at(100));
  const fs::path filters = dir_ / "wave.filters";
  EXPECT_EQ(read(filters / "die_state.txt"),
            "# kvnand die_state: value name (GTKWave translate filter)\n"
            "0 idle\n1 transfer\n2 read\n3 program\n4 erase\n5 compute\n");
  EXPECT_EQ(read(filters / "phase.txt"),
            "# kvnand phase: value name (GTKWave translate filter)\n"
            "0 none\n1 qkv\n2 logit\n3 softmax\n4 attend\n5 o_proj\n6 ffn\n7 lm_head\n8 kv_write\n9 npu_other\n"
            "10 transfer\n");
  const std::vector<std::string> ops = lines_of(filters / "channel_op.txt"), npu = lines_of(filters / "npu_op.txt");
  EXPECT_EQ(std::vector<std::string>(ops.begin() + 1, ops.begin() + 3), (std::vector<std::string>{"0 idle", "1 read"}));
  EXPECT_EQ(ops.back(), "11 ifc_program");
  EXPECT_EQ(npu.at(2), "1 softmax");
  EXPECT_EQ(npu.back(), "13 argmax");
  EXPECT_FALSE(fs::exists(filters / "plane_state.txt"));  // no plane detail
}

}  // namespace
}  // namespace kvnand
