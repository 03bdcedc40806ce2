// Tests of the VCD recorder: signal values at exact times from hand-made reports, windows, scopes
// and the file life cycle. Reports that happen "now" advance the kernel's time with sc_start (no
// modules needed); all times are relative to the test's base.
#include "wave_recorder_fixture.h"

namespace kvnand::wave_test {

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

TEST_F(WaveRecorderTest, DramChannelBusyOpAndBytesFollowTheAccesses) {
  {
    WaveRecorder rec(spec_, dram_layout());
    rec.dram_access(0, false, 128, at(100), at(200), {});
    rec.dram_access(0, true, 64, at(200), at(300), {});  // starts as the read ends: one change at 200
    rec.dram_access(1, false, 4096, at(500), at(1000), {});
    rec.dram_access(1, true, 192, at(1000), at(1024), {});
    rec.dram_access(1, true, 64, at(1100), at(1100), {});  // no data phase: nothing shows
    rec.close(at(2000));
    const Vcd v = vcd();
    EXPECT_EQ(v.width.at("dram.channel0.busy"), 1u);
    EXPECT_EQ(v.width.at("dram.channel0.op"), 2u);
    EXPECT_EQ(v.width.at("dram.channel0.bytes"), 32u);  // 128 KiB needs 18 bits; byte counts get 32
    EXPECT_EQ(v.initial.at("dram.channel0.busy"), 0u);
    EXPECT_EQ(v.of("dram.channel0.busy"), rel({{100, 1}, {300, 0}}));
    EXPECT_EQ(v.of("dram.channel0.op"), rel({{100, 1}, {200, 2}, {300, 0}}));  // read 1, write 2
    EXPECT_EQ(v.of("dram.channel0.bytes"), rel({{100, 128}, {200, 64}, {300, 0}}));
    EXPECT_EQ(v.of("dram.channel1.busy"), rel({{500, 1}, {1024, 0}}));
    EXPECT_EQ(v.of("dram.channel1.op"), rel({{500, 1}, {1000, 2}, {1024, 0}}));
    EXPECT_EQ(v.of("dram.channel1.bytes"), rel({{500, 4096}, {1000, 192}, {1024, 0}}));
    EXPECT_EQ(error_of([&] { rec.dram_access(2, false, 64, at(3000), at(3010), {}); }),
              "waveform: DRAM channel 2 outside the 2 DRAM channels of the platform");
  }
  TraceLayout big = dram_layout();
  big.dram_channel_bytes = std::uint64_t{1} << 34;  // a 16 GiB channel
  WaveRecorder(spec_, big).close(at(10));
  EXPECT_EQ(vcd().width.at("dram.channel1.bytes"), 35u);
  WaveRecorder(spec_, decode_layout(false)).close(at(10));  // no DRAM: no dram scope
  for (const std::string& path : vcd().paths()) EXPECT_NE(path.rfind("dram", 0), 0u) << path;
}

TEST_F(WaveRecorderTest, DramSignalsInAWindowAndUnderScopes) {
  spec_.window = TimeWindow{at(150), at(600)};
  spec_.scopes = {"dram*"};
  {
    WaveRecorder rec(spec_, dram_layout());
    rec.dram_access(0, false, 128, at(100), at(200), {});
    rec.dram_access(1, true, 64, at(400), at(700), {});
    rec.close(at(1000));
    const Vcd v = vcd();
    EXPECT_EQ(v.paths(), (std::set<std::string>{"dram.channel0.busy", "dram.channel0.bytes", "dram.channel0.op",
                                                "dram.channel1.busy", "dram.channel1.bytes", "dram.channel1.op"}));
    EXPECT_EQ(v.start, t(150));
    EXPECT_EQ(v.initial.at("dram.channel0.busy"), 1u);
    EXPECT_EQ(v.initial.at("dram.channel0.op"), 1u);
    EXPECT_EQ(v.initial.at("dram.channel0.bytes"), 128u);
    EXPECT_EQ(v.of("dram.channel0.bytes"), rel({{200, 0}}));
    EXPECT_EQ(v.of("dram.channel1.op"), rel({{400, 2}}));  // its end lies after the window
    EXPECT_EQ(v.of("dram.channel1.bytes"), rel({{400, 64}}));
    EXPECT_EQ(v.last_time, t(600));
  }
  spec_.window.reset();
  spec_.scopes = {"dram.channel1"};
  WaveRecorder(spec_, dram_layout()).close(at(10));
  EXPECT_EQ(vcd().paths(), (std::set<std::string>{"dram.channel1.busy", "dram.channel1.bytes", "dram.channel1.op"}));
  spec_.scopes = {"dram.channel2"};
  EXPECT_EQ(error_of([&] { WaveRecorder rec(spec_, dram_layout()); }),
            spec_.vcd_file +
                ": the VCD scope patterns select no signal (\"dram.channel2\" match nothing); scope paths here: flash, "
                "flash.channel0 .. flash.channel0, flash.channel0.die0 .. flash.channel0.die1, "
                "flash.channel0.die0.plane0 .. flash.channel0.die1.plane1 (with plane detail), npu, dataflow, dram, "
                "dram.channel0 .. dram.channel1");
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

}  // namespace kvnand::wave_test
