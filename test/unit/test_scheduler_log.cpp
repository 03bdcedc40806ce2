// Tests of the scheduler issue log: parsing (every column, every malformed case with its exact
// message) and the comparison (per-die pairing, the tolerance boundary, field / missing / extra
// differences, which difference comes first, and the issue time statistics).
#include "scheduler_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace {

const std::string kTitle = "# kvnand scheduler log v1\n";
const std::string kHeader = "issue_ps,channel,die,op,planes,block,page,pages,requests,tag\n";

std::string log_text(const std::string& rows, const std::string& meta = "# scheduler=tlm clock_ps=2000 platform=tiny\n") {
  return kTitle + meta + kHeader + rows;
}

/// A parsed log that frees itself.
struct Log {
  kv_sched_log log{};
  int rc = 0;
  std::string error;
  Log() = default;
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;
  ~Log() { kv_sched_log_free(&log); }
};

void parse_into(Log& l, const std::string& text, const char* name = "rtl.csv") {
  char error[512] = "untouched";
  l.rc = kv_sched_log_parse_text(text.c_str(), name, &l.log, error, sizeof error);
  l.error = error;
  if (l.rc != 0) {
    EXPECT_EQ(l.log.commands, nullptr);
    EXPECT_EQ(l.log.count, 0u);
    EXPECT_EQ(l.log.platform, nullptr);
  }
}

std::string error_of(const std::string& text) {
  Log l;
  parse_into(l, text);
  EXPECT_EQ(l.rc, -1) << text;
  return l.error;
}

std::string row_error(const std::string& row) { return error_of(log_text(row + "\n")); }

TEST(SchedulerLog, ParsesEveryColumnAndTheMetadata) {
  Log l;
  parse_into(l, kTitle + "# platform=tiny-2ch extra=ignored clock_ps=0 scheduler=rtl\n# another comment\n\n" +
                    kHeader +
                    "0,0,1,read,0xf,0,0,1,4,3\r\n"
                    "# a comment between rows\n"
                    "2000,255,254,compute,0xFFFFFFFFFFFFFFFF,4294967295,7,24,65535,65535\n"
                    "2000,1,0,read_pages,0x0,1,2,3,1,0");  // no final newline
  ASSERT_EQ(l.rc, 0) << l.error;
  EXPECT_EQ(l.error, "");
  EXPECT_STREQ(l.log.scheduler, "rtl");
  EXPECT_EQ(l.log.clock_ps, 0u);
  EXPECT_STREQ(l.log.platform, "tiny-2ch");
  ASSERT_EQ(l.log.count, 3u);
  const kv_sched_command& a = l.log.commands[0];
  EXPECT_EQ(a.issue_ps, 0u);
  EXPECT_EQ(a.channel, 0u);
  EXPECT_EQ(a.die, 1u);
  EXPECT_EQ(a.op, KV_SCHED_READ);
  EXPECT_EQ(a.planes, 0xfu);
  EXPECT_EQ(a.block, 0u);
  EXPECT_EQ(a.page, 0u);
  EXPECT_EQ(a.pages, 1u);
  EXPECT_EQ(a.requests, 4u);
  EXPECT_EQ(a.tag, 3u);
  EXPECT_EQ(a.line, 6u);
  EXPECT_EQ(std::string(a.text, a.text_length), "0,0,1,read,0xf,0,0,1,4,3");
  const kv_sched_command& b = l.log.commands[1];
  EXPECT_EQ(b.issue_ps, 2000u);
  EXPECT_EQ(b.channel, 255u);
  EXPECT_EQ(b.die, 254u);
  EXPECT_EQ(b.op, KV_SCHED_COMPUTE);
  EXPECT_EQ(b.planes, UINT64_MAX);
  EXPECT_EQ(b.block, UINT32_MAX);
  EXPECT_EQ(b.page, 7u);
  EXPECT_EQ(b.pages, 24u);
  EXPECT_EQ(b.requests, 65535u);
  EXPECT_EQ(b.tag, 65535u);
  EXPECT_EQ(b.line, 8u);
  EXPECT_EQ(l.log.commands[2].op, KV_SCHED_READ_PAGES);
  EXPECT_EQ(l.log.commands[2].planes, 0u);
  EXPECT_EQ(l.log.commands[2].line, 9u);
  EXPECT_EQ(std::string(l.log.commands[2].text, l.log.commands[2].text_length), "2000,1,0,read_pages,0x0,1,2,3,1,0");
}

TEST(SchedulerLog, EveryOpNameParses) {
  const std::vector<std::pair<std::string, kv_sched_op>> ops = {
      {"read", KV_SCHED_READ},         {"program", KV_SCHED_PROGRAM}, {"erase", KV_SCHED_ERASE},
      {"broadcast", KV_SCHED_BROADCAST}, {"input", KV_SCHED_INPUT},   {"compute", KV_SCHED_COMPUTE},
      {"kv_program", KV_SCHED_KV_PROGRAM}, {"read_pages", KV_SCHED_READ_PAGES}};
  for (const auto& [name, op] : ops) {
    Log l;
    parse_into(l, log_text("5," + std::string("0,0,") + name + ",0x1,0,0,1,1,0\n"));
    ASSERT_EQ(l.rc, 0) << l.error;
    EXPECT_EQ(l.log.commands[0].op, op);
    EXPECT_EQ(kv_sched_op_name(op), name);
  }
  EXPECT_STREQ(kv_sched_op_name(static_cast<kv_sched_op>(99)), "?");
}

TEST(SchedulerLog, AnEmptyLogHasNoCommands) {
  Log l;
  parse_into(l, log_text(""));
  ASSERT_EQ(l.rc, 0) << l.error;
  EXPECT_EQ(l.log.count, 0u);
}

TEST(SchedulerLog, MalformedColumnsNameTheColumnAndWhatIsAccepted) {
  const std::string p = "rtl.csv:4: ";
  EXPECT_EQ(row_error("0,0,1,reed,0xf,0,0,1,4,3"),
            p + "column 'op': 'reed' is not one of read, program, erase, broadcast, input, compute, kv_program, "
                "read_pages");
  EXPECT_EQ(row_error("x,0,1,read,0xf,0,0,1,4,3"),
            p + "column 'issue_ps': 'x' is not a decimal integer in 0..9223372036854775807");
  EXPECT_EQ(row_error("9223372036854775808,0,1,read,0xf,0,0,1,4,3"),
            p + "column 'issue_ps': '9223372036854775808' is not a decimal integer in 0..9223372036854775807");
  EXPECT_EQ(row_error("0,256,1,read,0xf,0,0,1,4,3"), p + "column 'channel': '256' is not a decimal integer in 0..255");
  EXPECT_EQ(row_error("0,0,-1,read,0xf,0,0,1,4,3"), p + "column 'die': '-1' is not a decimal integer in 0..255");
  for (const char* mask : {"f", "0x", "0xg", "0X1", "0x12345678901234567"})
    EXPECT_EQ(row_error(std::string("0,0,1,read,") + mask + ",0,0,1,4,3"),
              p + "column 'planes': '" + mask + "' is not a plane mask (0x and 1 to 16 hex digits)");
  EXPECT_EQ(row_error("0,0,1,read,0xf,4294967296,0,1,4,3"),
            p + "column 'block': '4294967296' is not a decimal integer in 0..4294967295");
  EXPECT_EQ(row_error("0,0,1,read,0xf,0,1.5,1,4,3"), p + "column 'page': '1.5' is not a decimal integer in 0..4294967295");
  EXPECT_EQ(row_error("0,0,1,read,0xf,0,0,,4,3"), p + "column 'pages': '' is not a decimal integer in 0..4294967295");
  EXPECT_EQ(row_error("0,0,1,read,0xf,0,0,1,0,3"), p + "column 'requests': '0' is not a decimal integer in 1..65535");
  EXPECT_EQ(row_error("0,0,1,read,0xf,0,0,1,65536,3"),
            p + "column 'requests': '65536' is not a decimal integer in 1..65535");
  EXPECT_EQ(row_error("0,0,1,read,0xf,0,0,1,4,65536"), p + "column 'tag': '65536' is not a decimal integer in 0..65535");
  EXPECT_EQ(row_error("0,0,1,read,0xf,0,0,1,4"),
            p + "expected 10 columns (issue_ps,channel,die,op,planes,block,page,pages,requests,tag), found 9");
  EXPECT_EQ(row_error("0,0,1,read,0xf,0,0,1,4,3,"),
            p + "expected 10 columns (issue_ps,channel,die,op,planes,block,page,pages,requests,tag), found 11");
  EXPECT_EQ(row_error("0,0,1," + std::string(50, 'q') + ",0xf,0,0,1,4,3"),
            p + "column 'op': '" + std::string(40, 'q') +
                "...' is not one of read, program, erase, broadcast, input, compute, kv_program, read_pages");
  EXPECT_EQ(error_of(log_text("2000,0,0,read,0x1,0,0,1,1,0\n# c\n1999,0,1,read,0x1,0,0,1,1,0\n")),
            "rtl.csv:6: column 'issue_ps': 1999 is before the previous command's 2000 (line 4)");
}

TEST(SchedulerLog, MalformedPreambleNamesWhatIsExpected) {
  EXPECT_EQ(error_of("# kvnand scheduler log v2\n"), "rtl.csv:1: expected '# kvnand scheduler log v1', found "
                                                     "'# kvnand scheduler log v2'");
  EXPECT_EQ(error_of(""), "rtl.csv: the log ends before its first line '# kvnand scheduler log v1'");
  EXPECT_EQ(error_of(kTitle), "rtl.csv: the log ends before its second line");
  EXPECT_EQ(error_of(kTitle + "# scheduler=tlm clock_ps=0 platform=t\n# only comments\n"),
            "rtl.csv: the log ends before its header line");
  const std::string form = "(expected '# scheduler=<tlm|rtl> clock_ps=<N> platform=<name>')";
  EXPECT_EQ(error_of(kTitle + "scheduler=tlm\n"),
            "rtl.csv:2: expected '# scheduler=<tlm|rtl> clock_ps=<N> platform=<name>', found 'scheduler=tlm'");
  EXPECT_EQ(error_of(kTitle + "# clock_ps=0 platform=t\n"), "rtl.csv:2: missing scheduler=<tlm|rtl> " + form);
  EXPECT_EQ(error_of(kTitle + "# scheduler=rtl platform=t\n"), "rtl.csv:2: missing clock_ps=<N> " + form);
  EXPECT_EQ(error_of(kTitle + "# scheduler=rtl clock_ps=1 platform=\n"), "rtl.csv:2: missing platform=<name> " + form);
  EXPECT_EQ(error_of(kTitle + "# scheduler=vhdl clock_ps=1 platform=t\n"),
            "rtl.csv:2: key 'scheduler': 'vhdl' is not one of tlm, rtl");
  EXPECT_EQ(error_of(kTitle + "# scheduler=rtl clock_ps=2ns platform=t\n"),
            "rtl.csv:2: key 'clock_ps': '2ns' is not a decimal integer in 0..18446744073709551615");
  EXPECT_EQ(error_of(kTitle + "# scheduler=rtl clock_ps=1 platform=t\nissue_ps,channel\n"),
            "rtl.csv:3: expected the header 'issue_ps,channel,die,op,planes,block,page,pages,requests,tag', found "
            "'issue_ps,channel'");
}

TEST(SchedulerLog, ParseFileNamesThePath) {
  char pattern[] = "/tmp/kvnand-schedlog-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  const std::string path = dir + "/ref.csv";
  std::ofstream(path) << log_text("0,0,0,read,0x1,0,0,1,1,0\nbad\n");
  Log l;
  char error[512];
  l.rc = kv_sched_log_parse_file(path.c_str(), &l.log, error, sizeof error);
  EXPECT_EQ(l.rc, -1);
  EXPECT_EQ(std::string(error),
            path + ":5: expected 10 columns (issue_ps,channel,die,op,planes,block,page,pages,requests,tag), found 1");
  const std::string missing = dir + "/missing.csv";
  EXPECT_EQ(kv_sched_log_parse_file(missing.c_str(), &l.log, error, sizeof error), -1);
  EXPECT_EQ(std::string(error), missing + ": No such file or directory");
  std::ofstream(path) << log_text("0,0,0,read,0x1,0,0,1,1,0\n");
  ASSERT_EQ(kv_sched_log_parse_file(path.c_str(), &l.log, error, sizeof error), 0) << error;
  EXPECT_EQ(l.log.count, 1u);
  std::filesystem::remove_all(dir);
}

/// Both logs parsed and compared.
struct Compared {
  Log reference, candidate;
  kv_sched_comparison c{};
  int rc = -2;
};

void compare(Compared& out, const std::string& reference_rows, const std::string& candidate_rows,
             std::uint64_t tolerance_ps) {
  parse_into(out.reference, log_text(reference_rows), "ref.csv");
  parse_into(out.candidate, log_text(candidate_rows), "cand.csv");
  ASSERT_EQ(out.reference.rc, 0) << out.reference.error;
  ASSERT_EQ(out.candidate.rc, 0) << out.candidate.error;
  out.rc = kv_sched_compare(&out.reference.log, &out.candidate.log, tolerance_ps, &out.c);
}

// Two dies; the candidate interleaves them differently and uses other tags, which is fine.
const std::string kReference =
    "0,0,1,read,0xf,0,0,1,4,3\n"          // c0.d1 #0
    "1000,1,0,compute,0x3,0,0,24,1,7\n"   // c1.d0 #0
    "4000,0,1,program,0x1,2,5,1,1,9\n"    // c0.d1 #1
    "6000,1,0,read_pages,0x3,0,0,8,1,8\n";  // c1.d0 #1

TEST(SchedulerLogCompare, EquivalentLogsGiveStatistics) {
  Compared x;
  compare(x,
          kReference,
          "0,0,1,read,0xf,0,0,1,4,11\n"
          "3000,1,0,compute,0x3,0,0,24,1,12\n"
          "3000,0,1,program,0x1,2,5,1,1,13\n"
          "6000,1,0,read_pages,0x3,0,0,8,1,14\n",
          2000);
  EXPECT_EQ(x.rc, 0);
  const kv_sched_comparison& c = x.c;
  EXPECT_EQ(c.first.kind, KV_SCHED_DIFF_NONE);
  EXPECT_EQ(c.reference_commands, 4u);
  EXPECT_EQ(c.candidate_commands, 4u);
  EXPECT_EQ(c.dies, 2u);
  EXPECT_EQ(c.differing_dies, 0u);
  EXPECT_EQ(c.matching, 4u);
  EXPECT_EQ(c.timed, 4u);
  // Deltas: 0, +2000, -1000, 0.
  EXPECT_EQ(c.min_delta_ps, -1000);
  EXPECT_EQ(c.max_delta_ps, 2000);
  EXPECT_DOUBLE_EQ(c.mean_delta_ps, 250.0);
  EXPECT_EQ(c.same_time, 2u);
  EXPECT_EQ(c.later, 1u);
  EXPECT_EQ(c.earlier, 1u);
  EXPECT_EQ(c.tolerance_ps, 2000u);
}

TEST(SchedulerLogCompare, ToleranceIsInclusive) {
  const std::string reference = "10000,0,0,read,0x1,0,0,1,1,0\n";
  for (const std::int64_t delta : {2000, -2000}) {
    Compared x;
    compare(x, reference, std::to_string(10000 + delta) + ",0,0,read,0x1,0,0,1,1,0\n", 2000);
    EXPECT_EQ(x.rc, 0) << delta;
  }
  for (const std::int64_t delta : {2001, -2001}) {
    Compared x;
    compare(x, reference, std::to_string(10000 + delta) + ",0,0,read,0x1,0,0,1,1,0\n", 2000);
    EXPECT_EQ(x.rc, 1) << delta;
    EXPECT_EQ(x.c.first.kind, KV_SCHED_DIFF_TIME);
    EXPECT_EQ(x.c.first.time_delta_ps, delta);
    EXPECT_EQ(x.c.time_differences, 1u);
    EXPECT_EQ(x.c.timed, 1u);
    EXPECT_EQ(x.c.min_delta_ps, delta);
    EXPECT_EQ(x.c.max_delta_ps, delta);
  }
}

TEST(SchedulerLogCompare, FieldDifferenceNamesTheFieldAndThePreviousCommand) {
  Compared x;
  compare(x, kReference,
          "0,0,1,read,0xf,0,0,1,4,3\n"
          "1000,1,0,compute,0x3,0,0,24,1,7\n"
          "4000,0,1,program,0x1,2,6,1,1,9\n"
          "6000,1,0,read_pages,0x3,0,0,8,1,8\n",
          0);
  EXPECT_EQ(x.rc, 1);
  const kv_sched_difference& d = x.c.first;
  EXPECT_EQ(d.kind, KV_SCHED_DIFF_FIELD);
  EXPECT_STREQ(d.field, "page");
  EXPECT_EQ(d.channel, 0u);
  EXPECT_EQ(d.die, 1u);
  EXPECT_EQ(d.index, 1u);
  ASSERT_NE(d.reference, nullptr);
  ASSERT_NE(d.candidate, nullptr);
  EXPECT_EQ(d.reference->line, 6u);
  EXPECT_EQ(d.candidate->line, 6u);
  ASSERT_NE(d.previous_reference, nullptr);
  EXPECT_EQ(d.previous_reference->line, 4u);
  EXPECT_EQ(d.previous_candidate->line, 4u);
  EXPECT_EQ(x.c.field_differences, 1u);
  EXPECT_EQ(x.c.matching, 3u);
  EXPECT_EQ(x.c.differing_dies, 1u);
  EXPECT_EQ(x.c.timed, 3u);  // the differing pair has no meaningful time difference
}

TEST(SchedulerLogCompare, EachFieldButTheTagCounts) {
  const std::string reference = "0,0,0,read,0x1,1,2,1,1,5\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"0,0,0,erase,0x1,1,2,1,1,5\n", "op"},  {"0,0,0,read,0x2,1,2,1,1,5\n", "planes"},
      {"0,0,0,read,0x1,9,2,1,1,5\n", "block"}, {"0,0,0,read,0x1,1,9,1,1,5\n", "page"},
      {"0,0,0,read,0x1,1,2,9,1,5\n", "pages"}, {"0,0,0,read,0x1,1,2,1,9,5\n", "requests"}};
  for (const auto& [row, field] : cases) {
    Compared x;
    compare(x, reference, row, 0);
    EXPECT_EQ(x.rc, 1) << field;
    EXPECT_STREQ(x.c.first.field, field.c_str());
    EXPECT_EQ(x.c.first.previous_reference, nullptr);
  }
  Compared x;
  compare(x, reference, "0,0,0,read,0x1,1,2,1,1,6\n", 0);
  EXPECT_EQ(x.rc, 0);
}

TEST(SchedulerLogCompare, MissingAndExtraCommands) {
  Compared missing;
  compare(missing, kReference,
          "0,0,1,read,0xf,0,0,1,4,3\n"
          "1000,1,0,compute,0x3,0,0,24,1,7\n"
          "6000,1,0,read_pages,0x3,0,0,8,1,8\n",
          0);
  EXPECT_EQ(missing.rc, 1);
  EXPECT_EQ(missing.c.first.kind, KV_SCHED_DIFF_MISSING);
  EXPECT_EQ(missing.c.first.channel, 0u);
  EXPECT_EQ(missing.c.first.die, 1u);
  EXPECT_EQ(missing.c.first.index, 1u);
  ASSERT_NE(missing.c.first.reference, nullptr);
  EXPECT_EQ(missing.c.first.reference->line, 6u);
  EXPECT_EQ(missing.c.first.candidate, nullptr);
  EXPECT_EQ(missing.c.first.previous_candidate->line, 4u);
  EXPECT_EQ(missing.c.missing, 1u);
  EXPECT_EQ(missing.c.extra, 0u);
  EXPECT_EQ(missing.c.matching, 3u);

  Compared extra;
  compare(extra, kReference, kReference + "7000,2,3,erase,0x1,4,0,1,1,1\n7000,2,3,erase,0x2,4,0,1,1,2\n", 0);
  EXPECT_EQ(extra.rc, 1);
  EXPECT_EQ(extra.c.first.kind, KV_SCHED_DIFF_EXTRA);
  EXPECT_EQ(extra.c.first.channel, 2u);
  EXPECT_EQ(extra.c.first.die, 3u);
  EXPECT_EQ(extra.c.first.index, 0u);
  EXPECT_EQ(extra.c.first.reference, nullptr);
  EXPECT_EQ(extra.c.first.candidate->line, 8u);
  EXPECT_EQ(extra.c.first.previous_reference, nullptr);
  EXPECT_EQ(extra.c.extra, 2u);
  EXPECT_EQ(extra.c.dies, 3u);
  EXPECT_EQ(extra.c.differing_dies, 1u);
}

TEST(SchedulerLogCompare, FirstDifferenceIsTheEarliestAcrossDies) {
  // c0.d1 differs first at its #1 (reference 4000 ps); c1.d0 at its #0 (reference 1000 ps).
  Compared x;
  compare(x, kReference,
          "0,0,1,read,0xf,0,0,1,4,3\n"
          "1000,1,0,compute,0x7,0,0,24,1,7\n"
          "4000,0,1,program,0x1,2,6,1,1,9\n"
          "6000,1,0,read_pages,0x3,0,0,8,1,8\n",
          0);
  EXPECT_EQ(x.rc, 1);
  EXPECT_EQ(x.c.first.channel, 1u);
  EXPECT_EQ(x.c.first.die, 0u);
  EXPECT_STREQ(x.c.first.field, "planes");
  EXPECT_EQ(x.c.differing_dies, 2u);
  EXPECT_EQ(x.c.field_differences, 2u);

  // The same reference time on two dies: the lower (channel, die) wins.
  Compared tie;
  compare(tie, "500,3,0,read,0x1,0,0,1,1,0\n500,0,2,read,0x1,0,0,1,1,0\n",
          "500,3,0,read,0x2,0,0,1,1,0\n500,0,2,read,0x2,0,0,1,1,0\n", 0);
  EXPECT_EQ(tie.c.first.channel, 0u);
  EXPECT_EQ(tie.c.first.die, 2u);

  // An extra command counts at the candidate's time: 300 ps beats a reference difference at 500.
  Compared extra;
  compare(extra, "500,0,0,read,0x1,0,0,1,1,0\n", "300,1,1,read,0x1,0,0,1,1,0\n500,0,0,read,0x2,0,0,1,1,0\n", 0);
  EXPECT_EQ(extra.c.first.kind, KV_SCHED_DIFF_EXTRA);
  EXPECT_EQ(extra.c.first.channel, 1u);
}

TEST(SchedulerLogCompare, NullArgumentsAreRefused) {
  kv_sched_comparison c;
  kv_sched_log empty{};
  EXPECT_EQ(kv_sched_compare(nullptr, &empty, 0, &c), -1);
  EXPECT_EQ(kv_sched_compare(&empty, &empty, 0, nullptr), -1);
  EXPECT_EQ(kv_sched_compare(&empty, &empty, 0, &c), 0);
  EXPECT_EQ(c.dies, 0u);
  EXPECT_EQ(c.timed, 0u);
}

}  // namespace
