// kvnand-replay run as a user runs it: every sample trace on platforms/tiny-capi.json, the CSV's
// times against the trace's, exit statuses and messages for bad input, and nothing written on
// failure.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "run_process.h"
#include "token_trace.h"
#include "trace_values.h"

namespace kvnand::test {
namespace {

namespace fs = std::filesystem;

const std::string kReplay = KVNAND_REPLAY;
const std::string kSource = KVNAND_SOURCE_DIR;
const std::string kPlatform = kSource + "/platforms/tiny-capi.json";
const std::string kHeader =
    "line,op,layer,head,issue_ns,start_ns,end_ns,latency_ns,page_reads,pages_programmed,output_l2";

/// Every field, empty ones included ("a,,b," has four).
std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts(1);
  for (const char c : text) {
    if (c == separator) parts.emplace_back();
    else parts.back() += c;
  }
  return parts;
}

/// "12.345" (ns with exactly three decimals) -> 12345 ps.
std::uint64_t ps_of(const std::string& ns) {
  const std::size_t dot = ns.find('.');
  EXPECT_NE(dot, std::string::npos) << ns;
  EXPECT_EQ(ns.size() - dot, 4u) << ns;
  return std::stoull(ns.substr(0, dot)) * 1000 + std::stoull(ns.substr(dot + 1));
}

struct Row {
  std::string line, op, layer, head, output_l2;
  std::uint64_t issue_ps = 0, start_ps = 0, end_ps = 0, latency_ps = 0, page_reads = 0, pages_programmed = 0;
};

class ReplayCli : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kvnand-replay-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_trace(const std::string& name, const std::string& text) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  ProcessResult replay(const std::string& trace, const std::string& out, const std::string& extra = "") const {
    return run_process(kReplay + " --config " + kPlatform + " --trace " + trace + " --out " + dir_ + "/" + out +
                       " " + extra);
  }
  std::vector<Row> rows(const std::string& out) const {
    std::vector<std::string> lines = split(read_text(dir_ + "/" + out + "/transactions.csv"), '\n');
    EXPECT_EQ(lines.back(), "");  // the file ends with a newline
    lines.pop_back();
    if (lines.empty()) return {};
    EXPECT_EQ(lines[0], kHeader);
    std::vector<Row> result;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const std::vector<std::string> f = split(lines[i], ',');
      EXPECT_EQ(f.size(), 11u) << lines[i];
      if (f.size() != 11u) continue;
      Row r;
      r.line = f[0];
      r.op = f[1];
      r.layer = f[2];
      r.head = f[3];
      r.issue_ps = ps_of(f[4]);
      r.start_ps = ps_of(f[5]);
      r.end_ps = ps_of(f[6]);
      r.latency_ps = ps_of(f[7]);
      r.page_reads = std::stoull(f[8]);
      r.pages_programmed = std::stoull(f[9]);
      r.output_l2 = f[10];
      result.push_back(r);
    }
    return result;
  }
  bool out_is_empty(const std::string& out) const {
    return !fs::exists(dir_ + "/" + out) || fs::is_empty(dir_ + "/" + out);
  }
  std::string dir_;
};

std::vector<kvnand_trace_entry> entries_of(const std::string& path) {
  kvnand_trace trace{};
  char error[512];
  EXPECT_EQ(kvnand_trace_parse_file(path.c_str(), &trace, error, sizeof error), 0) << error;
  std::vector<kvnand_trace_entry> entries(trace.entries, trace.entries + trace.count);
  kvnand_trace_free(&trace);
  return entries;
}

std::vector<std::string> sample_traces() {
  std::vector<std::string> paths;
  for (const auto& file : fs::directory_iterator(kSource + "/traces/samples"))
    if (file.path().extension() == ".trace") paths.push_back(file.path().string());
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST_F(ReplayCli, EverySampleReplaysWithTimesAsTheTraceSays) {
  const std::vector<std::string> samples = sample_traces();
  ASSERT_GE(samples.size(), 4u);
  for (const std::string& sample : samples) {
    SCOPED_TRACE(sample);
    const std::string out = fs::path(sample).stem().string();
    const ProcessResult run = replay(sample, out, "--quiet");
    ASSERT_EQ(run.status, 0) << run.output;
    EXPECT_EQ(run.output, "");  // --quiet
    const std::vector<kvnand_trace_entry> entries = entries_of(sample);
    const std::vector<Row> got = rows(out);
    ASSERT_EQ(got.size(), entries.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      const kvnand_trace_entry& e = entries[i];
      const Row& r = got[i];
      SCOPED_TRACE("trace line " + std::to_string(e.line));
      EXPECT_EQ(r.line, std::to_string(e.line));
      EXPECT_EQ(r.op, kvnand_trace_op_name(e.op));
      EXPECT_EQ(r.layer, e.op == KVNAND_TRACE_DECODE ? "" : std::to_string(e.layer));
      EXPECT_EQ(r.head, e.op == KVNAND_TRACE_DECODE ? "" : std::to_string(e.head));
      EXPECT_GE(r.start_ps, r.issue_ps);
      EXPECT_GE(r.end_ps, r.start_ps);
      EXPECT_EQ(r.latency_ps, r.end_ps - r.issue_ps);
      if (e.when == KVNAND_TRACE_AT) EXPECT_EQ(r.issue_ps, e.time_ps);
      else EXPECT_EQ(r.issue_ps, (i == 0 ? 0 : got[i - 1].end_ps) + e.time_ps);
      const bool has_output = e.has_seed && (e.op == KVNAND_TRACE_ATTEND || e.op == KVNAND_TRACE_ATTEND_GROUP);
      EXPECT_EQ(r.output_l2.empty(), !has_output) << r.output_l2;
    }
    const std::string report = read_text(dir_ + "/" + out + "/report.json");
    EXPECT_EQ(report.substr(0, 1), "{");
    // Only the two outputs: the temporaries were renamed.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_ + "/" + out), fs::directory_iterator{}), 2);
  }
}

TEST_F(ReplayCli, SummaryNamesCountsAndFiles) {
  const std::string trace = write_trace("s.trace", "append 0 0\nappend 0 1\n@50us attend 0 1\n");
  const ProcessResult run = replay(trace, "a/b/out");  // parents are created
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("kvnand-replay " KVNAND_VERSION_TEXT ": 3 transactions from " + trace + " on " + kPlatform),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("\n  append          2, mean latency "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("\n  attend          1, mean latency "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("\n  transactions    " + dir_ + "/a/b/out/transactions.csv\n"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("\n  report          " + dir_ + "/a/b/out/report.json\n"), std::string::npos)
      << run.output;
  EXPECT_EQ(rows("a/b/out")[2].issue_ps, 50000000u);
}

TEST_F(ReplayCli, OneTokenAttendReturnsThatTokensValue) {
  // softmax over one token is exactly 1, so the output is V itself: its L2 norm is known here.
  const std::string trace = write_trace("one.trace", "append 1 1 seed=5\nattend 1 3 seed=9\nattend 1 2\n");
  ASSERT_EQ(replay(trace, "out", "--quiet").status, 0);
  std::vector<std::uint16_t> v(64);
  ASSERT_EQ(kvnand_trace_values(5, KVNAND_TRACE_STREAM_V, 0, v.data(), v.size()), 0);
  double sum = 0.0;
  for (const std::uint16_t bits : v) {
    const std::uint32_t wide = static_cast<std::uint32_t>(bits) << 16;  // BF16 is FP32's top half
    float x = 0.0f;
    std::memcpy(&x, &wide, sizeof x);
    sum += static_cast<double>(x) * static_cast<double>(x);
  }
  char expected[32];
  std::snprintf(expected, sizeof expected, "%.9g", std::sqrt(sum));
  const std::vector<Row> got = rows("out");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].output_l2, expected);
  EXPECT_EQ(got[2].output_l2, "");  // timing only
}

TEST_F(ReplayCli, MalformedTraceExitsTwoBeforeSimulating) {
  const std::string trace = write_trace("bad.trace", "append 0 0\n# fine so far\nattend 0\n");
  const ProcessResult run = replay(trace, "out");
  EXPECT_EQ(run.status, 2) << run.output;
  EXPECT_NE(run.output.find(trace + ":3:9: expected <q_head> (an unsigned 32-bit integer), found end of line"),
            std::string::npos)
      << run.output;
  EXPECT_TRUE(out_is_empty("out"));
}

TEST_F(ReplayCli, IndexOutOfRangeNamesTheLineAndWritesNothing) {
  const std::string trace = write_trace("idx.trace", "append 0 0\nappend 0 2\n");  // tiny-gqa: KV heads 0, 1
  const ProcessResult run = replay(trace, "out");
  EXPECT_EQ(run.status, 2) << run.output;
  EXPECT_NE(run.output.find(trace + ":2: "), std::string::npos) << run.output;
  EXPECT_TRUE(out_is_empty("out"));
}

TEST_F(ReplayCli, FullKvCacheExitsThreeNamingTheAppend) {
  // tiny-capi's KV plane has 64 blocks x 16 pages: 512 K and 512 V pages of 32 tokens, so one
  // (layer, KV head) holds 16384 tokens and the 16385th append finds no free page.
  std::string text;
  for (int i = 0; i < 16385; ++i) text += "append 0 0\n";
  const std::string trace = write_trace("full.trace", text);
  const ProcessResult run = replay(trace, "out");
  EXPECT_EQ(run.status, 3) << run.output;
  EXPECT_NE(run.output.find(trace + ":16385: "), std::string::npos) << run.output;
  EXPECT_TRUE(out_is_empty("out"));
}

TEST_F(ReplayCli, AbsoluteTimeAlreadyPassedNamesTheLine) {
  // Line 2 waits for line 1, a decode step, to finish (milliseconds), so line 3's "@1ns" is past.
  const std::string trace = write_trace("late.trace", "decode\n+0ns append 0 1\n@1ns append 0 0\n");
  const ProcessResult run = replay(trace, "out");
  EXPECT_EQ(run.status, 2) << run.output;
  EXPECT_NE(run.output.find(trace + ":3: issue time 1000 ps is before the current simulated time"),
            std::string::npos)
      << run.output;
  EXPECT_TRUE(out_is_empty("out"));
}

TEST_F(ReplayCli, BadCommandLinesExitTwoWithAHint) {
  const std::string trace = write_trace("ok.trace", "decode\n");
  for (const std::string& args : {std::string("--config ") + kPlatform + " --trace " + trace,
                                  "--trace " + trace + " --out " + dir_ + "/o",
                                  "--config " + kPlatform + " --trace " + trace + " --out " + dir_ + "/o --bogus",
                                  "--config " + kPlatform + " --trace " + trace + " --out " + dir_ + "/o --set",
                                  "--config " + kPlatform + " --config " + kPlatform + " --trace " + trace}) {
    const ProcessResult run = run_process(kReplay + " " + args);
    EXPECT_EQ(run.status, 2) << args << "\n" << run.output;
    EXPECT_NE(run.output.find("Run with --help for usage."), std::string::npos) << run.output;
  }
  EXPECT_TRUE(out_is_empty("o"));
  const ProcessResult missing = run_process(kReplay + " --config " + kPlatform + " --trace " + dir_ +
                                            "/absent.trace --out " + dir_ + "/o");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.output.find(dir_ + "/absent.trace: No such file or directory"), std::string::npos)
      << missing.output;
}

TEST_F(ReplayCli, ConfigErrorsExitTwo) {
  const std::string trace = write_trace("ok.trace", "decode\n");
  const ProcessResult run = replay(trace, "out", "--set session.model=no-such-model");
  EXPECT_EQ(run.status, 2) << run.output;
  EXPECT_NE(run.output.find("no-such-model"), std::string::npos) << run.output;
  EXPECT_TRUE(out_is_empty("out"));
}

TEST_F(ReplayCli, HelpAndVersion) {
  const ProcessResult help = run_process(kReplay + " --help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.output.find("Usage: kvnand-replay --config FILE"), std::string::npos) << help.output;
  const ProcessResult version = run_process(kReplay + " --version");
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.output, "kvnand-replay " KVNAND_VERSION_TEXT " (trace format 1)\n");
}

}  // namespace
}  // namespace kvnand::test
