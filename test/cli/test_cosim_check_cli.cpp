// kvnand-cosim-check run as a user runs it: the report and exit status for equivalent and
// different logs, the default tolerance, and bad input (usage, unreadable and malformed logs,
// logs from different clocks).

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "run_process.h"

namespace kvnand::test {
namespace {


const std::string kTool = KVNAND_COSIM_CHECK;

std::string log_text(const std::string& meta, const std::string& rows) {
  return "# kvnand scheduler log v1\n" + meta + "\nissue_ps,channel,die,op,planes,block,page,pages,requests,tag\n" + rows;
}

const std::string kReferenceRows =
    "0,0,1,read,0xf,0,0,1,4,3\n"
    "2000,1,0,compute,0x3,0,0,24,1,7\n"
    "4000,0,1,program,0x1,2,5,1,1,9\n"
    "8000,0,1,erase,0x1,3,0,1,1,10\n";

class CosimCheckCli : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.empty());
    reference_ = write("ref.csv", log_text("# scheduler=tlm clock_ps=0 platform=tiny", kReferenceRows));
  }

  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  /// The candidate: the reference rows with a clock of 2000 ps, as an RTL run writes them.
  std::string candidate(const std::string& rows, const std::string& clock_ps = "2000") const {
    return write("rtl.csv", log_text("# scheduler=rtl clock_ps=" + clock_ps + " platform=tiny seed=1", rows));
  }
  ProcessResult check(const std::string& args) const { return run_process(kTool + " " + args); }

  TempDir temp_;
  const std::string& dir_ = temp_.path;
  std::string reference_;
};

TEST_F(CosimCheckCli, EquivalentLogsWithTheCandidatesClockAsTolerance) {
  const std::string rtl = candidate(
      "0,0,1,read,0xf,0,0,1,4,1\n"
      "2000,1,0,compute,0x3,0,0,24,1,2\n"
      "6000,0,1,program,0x1,2,5,1,1,3\n"
      "6000,0,1,erase,0x1,3,0,1,1,4\n");
  const ProcessResult r = check(reference_ + " " + rtl);
  EXPECT_EQ(r.status, 0) << r.output;
  // Deltas 0, 0, +2000, -2000: mean 0.
  EXPECT_EQ(r.output,
            "equivalent: 4 commands on 2 dies (platform tiny), same commands in the same per-die order\n"
            "issue time (candidate - reference): min -2000 ps, max 2000 ps, mean 0.0 ps; tolerance 2000 ps\n"
            "same time 2, later 1, earlier 1\n");
}

TEST_F(CosimCheckCli, FirstDifferenceWithContextAndTotals) {
  // c0.d1 #2 issues 2001 ps late (the first difference, at reference 4000 ps); c0.d1 #3 has
  // other planes; c1.d0 gets an extra command at 9000 ps.
  const std::string rtl = candidate(
      "0,0,1,read,0xf,0,0,1,4,1\n"
      "2000,1,0,compute,0x3,0,0,24,1,2\n"
      "6001,0,1,program,0x1,2,5,1,1,3\n"
      "8000,0,1,erase,0x3,3,0,1,1,4\n"
      "9000,1,0,read,0x1,0,0,1,1,5\n");
  const ProcessResult r = check(reference_ + " " + rtl);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_EQ(r.output,
            "different: die c0.d1, command #2: issue time off by +2001 ps, more than the tolerance 2000 ps\n"
            "  reference line 6: 4000,0,1,program,0x1,2,5,1,1,9\n"
            "  candidate line 6: 6001,0,1,program,0x1,2,5,1,1,3\n"
            "  the command before it (#1) matched:\n"
            "    reference line 4: 0,0,1,read,0xf,0,0,1,4,3\n"
            "    candidate line 4: 0,0,1,read,0xf,0,0,1,4,1\n"
            "differences: 1 field, 1 issue time, 0 missing, 1 extra, on 2 of 2 dies; 2 of 4 reference commands match\n"
            "issue time (candidate - reference): min 0 ps, max 2001 ps, mean 667.0 ps; tolerance 2000 ps\n"
            "same time 2, later 1, earlier 0\n");
  // A wider tolerance leaves the planes as the first difference.
  const ProcessResult wide = check(reference_ + " " + rtl + " --tolerance-ps=5000");
  EXPECT_EQ(wide.status, 1);
  EXPECT_EQ(wide.output.substr(0, wide.output.find('\n')),
            "different: die c0.d1, command #3: field 'planes' differs (reference 0x1, candidate 0x3)");
}

TEST_F(CosimCheckCli, MissingCommandAndUnclockedLogsCompareExactly) {
  const std::string rtl = candidate(
      "0,0,1,read,0xf,0,0,1,4,1\n"
      "2000,1,0,compute,0x3,0,0,24,1,2\n"
      "4000,0,1,program,0x1,2,5,1,1,3\n",
      "0");
  const ProcessResult r = check(reference_ + " " + rtl);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_EQ(r.output.substr(0, r.output.find("differences:")),
            "different: die c0.d1: the candidate has no command #3\n"
            "  reference line 7: 8000,0,1,erase,0x1,3,0,1,1,10\n"
            "  the command before it (#2) matched:\n"
            "    reference line 6: 4000,0,1,program,0x1,2,5,1,1,9\n"
            "    candidate line 6: 4000,0,1,program,0x1,2,5,1,1,3\n");
  EXPECT_NE(r.output.find("; tolerance 0 ps\n"), std::string::npos) << r.output;
}

TEST_F(CosimCheckCli, BadInputExitsWithTwo) {
  const ProcessResult help = check("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.output.find("Usage: kvnand-cosim-check REFERENCE.csv CANDIDATE.csv [--tolerance-ps N]"),
            std::string::npos);

  const ProcessResult one = check(reference_);
  EXPECT_EQ(one.status, 2);
  EXPECT_EQ(one.output,
            "kvnand-cosim-check: expected two logs, REFERENCE.csv and CANDIDATE.csv\nRun with --help for usage.\n");
  EXPECT_EQ(check(reference_ + " " + reference_ + " --tolerance-ps 2ns").output,
            "kvnand-cosim-check: --tolerance-ps needs picoseconds, not '2ns'\nRun with --help for usage.\n");
  EXPECT_EQ(check(reference_ + " " + reference_ + " --fast").status, 2);
  EXPECT_EQ(check(reference_ + " " + reference_ + " " + reference_).status, 2);

  const ProcessResult missing = check(reference_ + " " + dir_ + "/none.csv");
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(missing.output, "kvnand-cosim-check: " + dir_ + "/none.csv: No such file or directory\n");

  const std::string bad = candidate("0,0,1,reed,0xf,0,0,1,4,1\n");
  const ProcessResult malformed = check(reference_ + " " + bad);
  EXPECT_EQ(malformed.status, 2);
  EXPECT_EQ(malformed.output, "kvnand-cosim-check: " + bad +
                                  ":4: column 'op': 'reed' is not one of read, program, erase, broadcast, input, "
                                  "compute, kv_program, read_pages\n");

  const std::string clocked = write("clocked.csv", log_text("# scheduler=tlm clock_ps=2500 platform=tiny", kReferenceRows));
  const ProcessResult clocks = check(clocked + " " + candidate(kReferenceRows));
  EXPECT_EQ(clocks.status, 2);
  EXPECT_EQ(clocks.output, "kvnand-cosim-check: the logs come from different clocks: " + clocked +
                               " has clock_ps=2500, " + dir_ + "/rtl.csv has clock_ps=2000\n");
}

}  // namespace
}  // namespace kvnand::test
