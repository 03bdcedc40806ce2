// Tests of the GTKWave companions of a VCD: the save file lists exactly the declared signals
// with their translate filters, groups open or collapsed, and the filters name every value.
#include "wave_recorder_fixture.h"

namespace kvnand::wave_test {

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
  EXPECT_EQ(ops.back(), "13 stream_data_out");
  EXPECT_EQ(npu.at(2), "1 softmax");
  EXPECT_EQ(npu.back(), "13 argmax");
  EXPECT_FALSE(fs::exists(filters / "plane_state.txt"));  // no plane detail
  EXPECT_FALSE(fs::exists(filters / "dram_op.txt"));      // no DRAM
}

TEST_F(WaveRecorderTest, DramGroupFollowsTheDataflowOpenWithItsFilter) {
  WaveRecorder rec(spec_, dram_layout());
  rec.close(at(100));
  const std::vector<std::string> lines = lines_of(dir_ / "wave.gtkw");
  const auto first = [&](const std::string& text) { return std::find(lines.begin(), lines.end(), text) - lines.begin(); };
  const auto last = [&](const std::string& text) {
    return lines.rend() - std::find(lines.rbegin(), lines.rend(), text) - 1;
  };
  EXPECT_LT(last("-dataflow"), first("-dram"));
  EXPECT_LT(first("-dram"), first("dram.channel0.busy"));
  EXPECT_LT(first("dram.channel1.bytes[31:0]"), last("-dram"));
  EXPECT_LT(last("-dram"), first("-flash.channel0"));
  EXPECT_EQ(preceding(lines, "-dram"), "@800200");  // begins open
  EXPECT_EQ(preceding(lines, "dram.channel0.busy"), "@28");
  EXPECT_EQ(preceding(lines, "dram.channel1.bytes[31:0]"), "@24");
  const std::string filter = preceding(lines, "dram.channel1.op[1:0]");
  EXPECT_EQ(filter.substr(filter.find(' ') + 1), "wave.filters/dram_op.txt");
  EXPECT_EQ(preceding(lines, filter), "@2024");
  EXPECT_EQ(read(dir_ / "wave.filters" / "dram_op.txt"),
            "# kvnand dram_op: value name (GTKWave translate filter)\n0 idle\n1 read\n2 write\n");
}

}  // namespace kvnand::wave_test
