// An RTL simulator's VCD attached to the recorder: merged into the run's VCD under its own scope
// at close, its rows in the save file, and the attached file gone whatever happens.
#include <fstream>

#include "wave_recorder_fixture.h"

namespace kvnand::wave_test {
namespace {

class WaveAttach : public WaveRecorderTest {
 protected:
  /// A Verilator-style VCD of one clock and one 8-bit bus, changes at the given times (relative).
  fs::path rtl_vcd(const std::string& body) const {
    const fs::path path = dir_ / "rtl.vcd";
    std::ofstream(path) << "$timescale 1ps $end\n$scope module sched $end\n$var wire 1 ! clk $end\n"
                           "$var wire 8 \" count [7:0] $end\n$upscope $end\n$enddefinitions $end\n"
                        << body;
    return path;
  }
  static std::vector<WaveView::Row> port_rows() {
    std::vector<WaveView::Row> rows;
    rows.push_back({WaveView::Row::Kind::GroupBegin, "RTL scheduler", 1, std::nullopt, false});
    rows.push_back({WaveView::Row::Kind::Signal, "rtl.sched.clk", 1, std::nullopt, false});
    rows.push_back({WaveView::Row::Kind::Signal, "rtl.sched.count", 8, std::nullopt, false, true});
    rows.push_back({WaveView::Row::Kind::GroupEnd, "RTL scheduler", 1, std::nullopt, false});
    return rows;
  }
};

TEST_F(WaveAttach, TheRtlSignalsJoinTheRunsVcdOnItsTimeAxis) {
  const fs::path rtl = rtl_vcd("#0\n$dumpvars\n0!\nb0 \"\n$end\n#" + std::to_string(t(100)) + "\n1!\nb11 \"\n#" +
                               std::to_string(t(150)) + "\n0!\n");
  WaveRecorder rec(spec_, flash_layout());
  rec.attach_vcd(rtl.string(), "rtl", port_rows());
  rec.command(record(NandCommand::Read, 0, 0, 100, 200, 200, 1200));
  rec.close(at(2000));
  const Vcd v = vcd();
  EXPECT_EQ(v.width.at("rtl.sched.count"), 8u);
  EXPECT_EQ(v.of("rtl.sched.clk"), rel({{100, 1}, {150, 0}}));
  EXPECT_EQ(v.of("rtl.sched.count"), rel({{100, 3}}));
  EXPECT_EQ(v.of("flash.channel0.busy"), rel({{100, 1}, {200, 0}}));
  EXPECT_FALSE(fs::exists(rtl));
  const std::string save = read(dir_ / "wave.gtkw");
  EXPECT_NE(save.find("-RTL scheduler"), std::string::npos) << save;
  // The bus in hexadecimal (GTKWave's right-justified hex: @22), the clock as a wire.
  EXPECT_NE(save.find("@22\nrtl.sched.count[7:0]\n"), std::string::npos) << save;
  EXPECT_NE(save.find("@28\nrtl.sched.clk\n"), std::string::npos) << save;
}

TEST_F(WaveAttach, AnUnreadableRtlVcdFailsTheCloseAndLeavesNothing) {
  const fs::path rtl = rtl_vcd("#0\n$dumpvars\n0?\n$end\n");
  WaveRecorder rec(spec_, flash_layout());
  rec.attach_vcd(rtl.string(), "rtl", port_rows());
  const std::string error = error_of([&] { rec.close(at(2000)); });
  EXPECT_EQ(error.rfind("cannot merge the RTL waveform into " + spec_.vcd_file + ": ", 0), 0u) << error;
  EXPECT_FALSE(fs::exists(dir_ / "wave.vcd"));
  EXPECT_FALSE(fs::exists(dir_ / "wave.gtkw"));
  EXPECT_FALSE(fs::exists(rtl));
}

TEST_F(WaveAttach, AnAbandonedRecorderRemovesTheAttachedFile) {
  const fs::path rtl = rtl_vcd("#0\n");
  {
    WaveRecorder rec(spec_, flash_layout());
    rec.attach_vcd(rtl.string(), "rtl", {});
  }
  EXPECT_FALSE(fs::exists(rtl));
  EXPECT_FALSE(fs::exists(dir_ / "wave.vcd"));
}

}  // namespace
}  // namespace kvnand::wave_test
