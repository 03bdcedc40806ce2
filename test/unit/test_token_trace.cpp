// Tests of the C token-trace parser (every syntax feature, every error message with its line and
// column, exact picosecond times) and of the seeded value generator (bit patterns computed by
// hand with an independent big-rational model of splitmix64 and round-to-nearest-even).
#include "token_trace.h"
#include "trace_values.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Parsed {
  int rc = 0;
  std::vector<kvnand_trace_entry> entries;
  std::string error;
};

Parsed parse(const std::string& text, const char* name = "t.trace") {
  kvnand_trace trace{};
  char error[512] = "untouched";
  Parsed p;
  p.rc = kvnand_trace_parse_text(text.c_str(), name, &trace, error, sizeof error);
  p.entries.assign(trace.entries, trace.entries + trace.count);
  p.error = error;
  if (p.rc != 0) {
    EXPECT_EQ(trace.entries, nullptr);
    EXPECT_EQ(trace.count, 0u);
  }
  kvnand_trace_free(&trace);
  return p;
}

std::string error_of(const std::string& text) {
  const Parsed p = parse(text);
  EXPECT_EQ(p.rc, -1) << text;
  return p.error;
}

std::uint64_t time_of(const std::string& time) {
  const Parsed p = parse(time + " decode");
  EXPECT_EQ(p.rc, 0) << p.error;
  return p.entries.size() == 1 ? p.entries[0].time_ps : 0;
}

kvnand_trace_entry entry(kvnand_trace_op op, std::uint32_t line, kvnand_trace_when when, std::uint64_t time_ps,
                         std::uint32_t layer, std::uint32_t head, int has_seed, std::uint64_t seed) {
  kvnand_trace_entry e{};
  e.op = op;
  e.line = line;
  e.when = when;
  e.time_ps = time_ps;
  e.layer = layer;
  e.head = head;
  e.has_seed = has_seed;
  e.seed = seed;
  return e;
}

void expect_entry(const kvnand_trace_entry& got, const kvnand_trace_entry& want) {
  SCOPED_TRACE("line " + std::to_string(want.line));
  EXPECT_EQ(got.op, want.op);
  EXPECT_EQ(got.line, want.line);
  EXPECT_EQ(got.when, want.when);
  EXPECT_EQ(got.time_ps, want.time_ps);
  EXPECT_EQ(got.layer, want.layer);
  EXPECT_EQ(got.head, want.head);
  EXPECT_EQ(got.has_seed, want.has_seed);
  EXPECT_EQ(got.seed, want.seed);
}

TEST(TokenTrace, ParsesEveryOperationTimeAndComment) {
  const std::string text =
      "# header comment\n"
      "\n"
      "append 0 1 seed=7\n"
      "@1.5ns\tattend 1 3   # trailing comment\r\n"
      "+2us attend_group 0 1 seed=18446744073709551615\n"
      "   \t  \n"
      "decode\n"
      "@1.5ns append 4294967295 0\n"
      "+0ps attend 0 0 seed=0 #seed=9\n"
      "append 1 0";  // no final newline
  const Parsed p = parse(text);
  ASSERT_EQ(p.rc, 0) << p.error;
  EXPECT_EQ(p.error, "");
  ASSERT_EQ(p.entries.size(), 7u);
  expect_entry(p.entries[0], entry(KVNAND_TRACE_APPEND, 3, KVNAND_TRACE_AFTER_PREVIOUS, 0, 0, 1, 1, 7));
  expect_entry(p.entries[1], entry(KVNAND_TRACE_ATTEND, 4, KVNAND_TRACE_AT, 1500, 1, 3, 0, 0));
  expect_entry(p.entries[2], entry(KVNAND_TRACE_ATTEND_GROUP, 5, KVNAND_TRACE_AFTER_PREVIOUS, 2000000, 0, 1, 1,
                                   UINT64_MAX));
  expect_entry(p.entries[3], entry(KVNAND_TRACE_DECODE, 7, KVNAND_TRACE_AFTER_PREVIOUS, 0, 0, 0, 0, 0));
  expect_entry(p.entries[4], entry(KVNAND_TRACE_APPEND, 8, KVNAND_TRACE_AT, 1500, UINT32_MAX, 0, 0, 0));
  expect_entry(p.entries[5], entry(KVNAND_TRACE_ATTEND, 9, KVNAND_TRACE_AFTER_PREVIOUS, 0, 0, 0, 1, 0));
  expect_entry(p.entries[6], entry(KVNAND_TRACE_APPEND, 10, KVNAND_TRACE_AFTER_PREVIOUS, 0, 1, 0, 0, 0));
}

TEST(TokenTrace, EmptyAndCommentOnlyTracesHaveNoEntries) {
  for (const char* text : {"", "\n\n", "# only a comment\n   # another\n"}) {
    const Parsed p = parse(text);
    EXPECT_EQ(p.rc, 0) << p.error;
    EXPECT_TRUE(p.entries.empty());
  }
}

TEST(TokenTrace, TimeUnitsGiveExactPicoseconds) {
  EXPECT_EQ(time_of("@1ps"), 1u);
  EXPECT_EQ(time_of("@1ns"), 1000u);
  EXPECT_EQ(time_of("@1.5ns"), 1500u);
  EXPECT_EQ(time_of("@1.50000ns"), 1500u);  // trailing zeros carry no precision
  EXPECT_EQ(time_of("@0.001ns"), 1u);
  EXPECT_EQ(time_of("@007us"), 7000000u);
  EXPECT_EQ(time_of("@2.25us"), 2250000u);
  EXPECT_EQ(time_of("@0.25ms"), 250000000u);
  EXPECT_EQ(time_of("@3s"), 3000000000000u);
  EXPECT_EQ(time_of("@1.000000000001s"), 1000000000001u);
  EXPECT_EQ(time_of("+0.5ns"), 500u);
  EXPECT_EQ(time_of("@18446744073709551615ps"), UINT64_MAX);
  EXPECT_EQ(time_of("@18446744073.709551615ms"), UINT64_MAX);
  EXPECT_EQ(time_of("@0s"), 0u);
}

TEST(TokenTrace, TimesThatAreNotWholePicosecondsOrTooLargeAreErrors) {
  EXPECT_EQ(error_of("@0.1ps decode"),
            "t.trace:1:1: expected a time that is a whole number of picoseconds, found '@0.1ps'");
  EXPECT_EQ(error_of("@1.0001ns decode"),
            "t.trace:1:1: expected a time that is a whole number of picoseconds, found '@1.0001ns'");
  EXPECT_EQ(error_of("@1.0000000000001s decode"),
            "t.trace:1:1: expected a time that is a whole number of picoseconds, found '@1.0000000000001s'");
  EXPECT_EQ(error_of("@18446744073709551616ps decode"),
            "t.trace:1:1: expected a time of at most 18446744073709551615 ps, found '@18446744073709551616ps'");
  EXPECT_EQ(error_of("+18446744073709552us decode"),
            "t.trace:1:1: expected a time of at most 18446744073709551615 ps, found '+18446744073709552us'");
  EXPECT_EQ(error_of("@18446744073.709551616ms decode"),
            "t.trace:1:1: expected a time of at most 18446744073709551615 ps, found '@18446744073.709551616ms'");
}

TEST(TokenTrace, MalformedTimesNameTheToken) {
  const std::string time = "expected a time: '@' or '+', a decimal number and a unit (ps, ns, us, ms, s)";
  const std::string unit = "expected a time unit (ps, ns, us, ms, s)";
  EXPECT_EQ(error_of("@ns decode"), "t.trace:1:1: " + time + ", found '@ns'");
  EXPECT_EQ(error_of("@ decode"), "t.trace:1:1: " + time + ", found '@'");
  EXPECT_EQ(error_of("+.5ns decode"), "t.trace:1:1: " + time + ", found '+.5ns'");
  EXPECT_EQ(error_of("@1.ns decode"), "t.trace:1:1: " + time + ", found '@1.ns'");
  EXPECT_EQ(error_of("@-5ns decode"), "t.trace:1:1: " + time + ", found '@-5ns'");
  EXPECT_EQ(error_of("@5xs decode"), "t.trace:1:1: " + unit + ", found '@5xs'");
  EXPECT_EQ(error_of("  @5 decode"), "t.trace:1:3: " + unit + ", found '@5'");
  EXPECT_EQ(error_of("@5NS decode"), "t.trace:1:1: " + unit + ", found '@5NS'");
  EXPECT_EQ(error_of("@1.5.2ns decode"), "t.trace:1:1: " + unit + ", found '@1.5.2ns'");
  EXPECT_EQ(error_of("decode @5ns"),
            "t.trace:1:8: expected end of line (decode takes no arguments), found '@5ns'");
}

TEST(TokenTrace, AbsoluteTimesMustNotGoBackwards) {
  const Parsed ok = parse("@2us decode\n+1us decode\n@2us decode\n@3us decode");
  ASSERT_EQ(ok.rc, 0) << ok.error;
  EXPECT_EQ(ok.entries.size(), 4u);
  // Relative times in between do not move the reference: only earlier '@' lines count.
  EXPECT_EQ(error_of("@2us decode\n+5us decode\n\n@1999999ps decode"),
            "t.trace:4:1: expected an absolute time not before 2000000 ps (line 1), found '@1999999ps'");
}

TEST(TokenTrace, OperationErrorsNameLineAndColumn) {
  EXPECT_EQ(error_of("frobnicate 0 0"),
            "t.trace:1:1: expected an operation (append, attend, attend_group, decode), found 'frobnicate'");
  EXPECT_EQ(error_of("Append 0 0"),
            "t.trace:1:1: expected an operation (append, attend, attend_group, decode), found 'Append'");
  EXPECT_EQ(error_of("decode\n@10ns"),
            "t.trace:2:6: expected an operation (append, attend, attend_group, decode), found end of line");
  EXPECT_EQ(error_of("+1ns   # nothing to issue"),
            "t.trace:1:5: expected an operation (append, attend, attend_group, decode), found end of line");
  EXPECT_EQ(error_of("decode 3"), "t.trace:1:8: expected end of line (decode takes no arguments), found '3'");
  EXPECT_EQ(error_of("decode seed=1"),
            "t.trace:1:8: expected end of line (decode takes no arguments), found 'seed=1'");
}

TEST(TokenTrace, ArgumentErrorsNameLineAndColumn) {
  EXPECT_EQ(error_of("append"), "t.trace:1:7: expected <layer> (an unsigned 32-bit integer), found end of line");
  EXPECT_EQ(error_of("append 0"), "t.trace:1:9: expected <kv_head> (an unsigned 32-bit integer), found end of line");
  EXPECT_EQ(error_of("append 0 # no head"),
            "t.trace:1:9: expected <kv_head> (an unsigned 32-bit integer), found end of line");
  EXPECT_EQ(error_of("attend 0 x"), "t.trace:1:10: expected <q_head> (an unsigned 32-bit integer), found 'x'");
  EXPECT_EQ(error_of("attend_group 1 2.0"),
            "t.trace:1:16: expected <kv_head> (an unsigned 32-bit integer), found '2.0'");
  EXPECT_EQ(error_of("append 4294967296 0"),
            "t.trace:1:8: expected <layer> (an unsigned 32-bit integer), found '4294967296'");
  EXPECT_EQ(error_of("append -1 0"), "t.trace:1:8: expected <layer> (an unsigned 32-bit integer), found '-1'");
  EXPECT_EQ(error_of("append +1 0"), "t.trace:1:8: expected <layer> (an unsigned 32-bit integer), found '+1'");
  EXPECT_EQ(error_of("append seed=1 0 0"),
            "t.trace:1:8: expected <layer> (an unsigned 32-bit integer), found 'seed=1'");
  EXPECT_EQ(error_of("append 0 0#c"), "t.trace:1:10: expected <kv_head> (an unsigned 32-bit integer), found '0#c'");
  EXPECT_EQ(error_of("append 0 0 7"), "t.trace:1:12: expected seed=<unsigned 64-bit integer> or end of line, found '7'");
  EXPECT_EQ(error_of("append 0 0 seed"),
            "t.trace:1:12: expected seed=<unsigned 64-bit integer> or end of line, found 'seed'");
  EXPECT_EQ(error_of("append 0 0 seed="), "t.trace:1:12: expected seed=<unsigned 64-bit integer>, found 'seed='");
  EXPECT_EQ(error_of("append 0 0 seed=-1"), "t.trace:1:12: expected seed=<unsigned 64-bit integer>, found 'seed=-1'");
  EXPECT_EQ(error_of("attend 0 0 seed=18446744073709551616"),
            "t.trace:1:12: expected seed=<unsigned 64-bit integer>, found 'seed=18446744073709551616'");
  EXPECT_EQ(error_of("append 0 0 seed=1 seed=2"),
            "t.trace:1:19: expected end of line (at most one seed per line), found 'seed=2'");
  EXPECT_EQ(error_of("append 0 0 seed=1 extra"), "t.trace:1:19: expected end of line, found 'extra'");
}

TEST(TokenTrace, ColumnsCountBytesAfterBlankCommentAndIndentedLines) {
  EXPECT_EQ(error_of("decode\n# comment\n\n  \tattend 1 2 3\n"),
            "t.trace:4:15: expected seed=<unsigned 64-bit integer> or end of line, found '3'");
  EXPECT_EQ(error_of("decode\r\nappend 0 x\r\n"),
            "t.trace:2:10: expected <kv_head> (an unsigned 32-bit integer), found 'x'");
}

TEST(TokenTrace, LongTokensAreCutAndControlBytesNamed) {
  EXPECT_EQ(error_of(std::string(50, 'x')),
            "t.trace:1:1: expected an operation (append, attend, attend_group, decode), found '" + std::string(40, 'x') +
                "...'");
  EXPECT_EQ(error_of("append 0\x01 0"), "t.trace:1:9: expected printable text, found byte 0x01");
  EXPECT_EQ(error_of("decode\x7f"), "t.trace:1:7: expected printable text, found byte 0x7f");
  const Parsed in_comment = parse("decode # \x01 bytes in comments are fine\n");
  EXPECT_EQ(in_comment.rc, 0) << in_comment.error;
}

TEST(TokenTrace, ErrorBufferIsTruncatedAndNameDefaults) {
  kvnand_trace trace{};
  char small[12];
  EXPECT_EQ(kvnand_trace_parse_text("bogus", "t.trace", &trace, small, sizeof small), -1);
  EXPECT_STREQ(small, "t.trace:1:1");
  EXPECT_EQ(kvnand_trace_parse_text("bogus", "t.trace", &trace, nullptr, 0), -1);
  const Parsed unnamed = parse("bogus", nullptr);
  EXPECT_EQ(unnamed.error,
            "trace:1:1: expected an operation (append, attend, attend_group, decode), found 'bogus'");
}

TEST(TokenTrace, OperationNamesAreTheTraceSpelling) {
  EXPECT_STREQ(kvnand_trace_op_name(KVNAND_TRACE_APPEND), "append");
  EXPECT_STREQ(kvnand_trace_op_name(KVNAND_TRACE_ATTEND), "attend");
  EXPECT_STREQ(kvnand_trace_op_name(KVNAND_TRACE_ATTEND_GROUP), "attend_group");
  EXPECT_STREQ(kvnand_trace_op_name(KVNAND_TRACE_DECODE), "decode");
  EXPECT_STREQ(kvnand_trace_op_name(static_cast<kvnand_trace_op>(17)), "?");
}

class TokenTraceFile : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kvnand-trace-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string dir_;
};

TEST_F(TokenTraceFile, ParsesAFileAndNamesItInErrors) {
  kvnand_trace trace{};
  char error[512];
  const std::string good = write("good.trace", "@4ns append 1 0 seed=3\nattend 1 1\n");
  ASSERT_EQ(kvnand_trace_parse_file(good.c_str(), &trace, error, sizeof error), 0) << error;
  ASSERT_EQ(trace.count, 2u);
  expect_entry(trace.entries[0], entry(KVNAND_TRACE_APPEND, 1, KVNAND_TRACE_AT, 4000, 1, 0, 1, 3));
  expect_entry(trace.entries[1], entry(KVNAND_TRACE_ATTEND, 2, KVNAND_TRACE_AFTER_PREVIOUS, 0, 1, 1, 0, 0));
  kvnand_trace_free(&trace);
  EXPECT_EQ(trace.entries, nullptr);
  EXPECT_EQ(trace.count, 0u);

  const std::string bad = write("bad.trace", "decode\nattend 1\n");
  EXPECT_EQ(kvnand_trace_parse_file(bad.c_str(), &trace, error, sizeof error), -1);
  EXPECT_EQ(std::string(error), bad + ":2:9: expected <q_head> (an unsigned 32-bit integer), found end of line");
}

TEST_F(TokenTraceFile, NulBytesInAFileAreErrors) {
  std::string text = "decode\nappend 0 ";
  text += '\0';
  text += " 0\n";
  const std::string path = write("nul.trace", text);
  kvnand_trace trace{};
  char error[512];
  EXPECT_EQ(kvnand_trace_parse_file(path.c_str(), &trace, error, sizeof error), -1);
  EXPECT_EQ(std::string(error), path + ":2:10: expected printable text, found byte 0x00");
}

TEST_F(TokenTraceFile, MissingFileNamesPathAndReason) {
  kvnand_trace trace{};
  char error[512];
  const std::string path = dir_ + "/absent.trace";
  EXPECT_EQ(kvnand_trace_parse_file(path.c_str(), &trace, error, sizeof error), -1);
  EXPECT_EQ(std::string(error), path + ": No such file or directory");
  EXPECT_EQ(kvnand_trace_parse_file(dir_.c_str(), &trace, error, sizeof error), -1);
  EXPECT_EQ(std::string(error), dir_ + ": Is a directory");
}

// ---- the seeded generator -----------------------------------------------------------------

constexpr std::uint32_t kBf16 = 0;
constexpr std::uint32_t kFp16 = 1;

std::vector<std::uint16_t> values(std::uint64_t seed, std::uint32_t stream, std::uint32_t element, std::size_t n) {
  std::vector<std::uint16_t> out(n, 0xDEAD);
  EXPECT_EQ(kvnand_trace_values(seed, stream, element, out.data(), n), 0);
  return out;
}

using Bits = std::vector<std::uint16_t>;

TEST(TraceValues, FixedSeedsGiveFixedBitPatterns) {
  // Seed 1: stream 0 starts at state 1; top 24 bits 0x910a2d, 0xbeeb8d, 0xf893a2, 0x71c186.
  EXPECT_EQ(values(1, KVNAND_TRACE_STREAM_K, kBf16, 4), (Bits{0x3e08, 0x3efc, 0x3f71, 0xbde4}));
  EXPECT_EQ(values(1, KVNAND_TRACE_STREAM_K, kFp16, 4), (Bits{0x3043, 0x37dd, 0x3b89, 0xaf1f}));
  EXPECT_EQ(values(1, KVNAND_TRACE_STREAM_V, kBf16, 4), (Bits{0xbf6f, 0x3f51, 0xbf33, 0xbe91}));
  EXPECT_EQ(values(1, KVNAND_TRACE_STREAM_V, kFp16, 4), (Bits{0xbb75, 0x3a8a, 0xb995, 0xb48c}));
  EXPECT_EQ(values(1, KVNAND_TRACE_STREAM_Q, kBf16, 4), (Bits{0xbe8a, 0x3f6d, 0x3e85, 0x3f59}));
  EXPECT_EQ(values(42, KVNAND_TRACE_STREAM_Q, kFp16, 4), (Bits{0xa7b7, 0xba4a, 0xb939, 0x39ae}));
  EXPECT_EQ(values(UINT64_MAX, KVNAND_TRACE_STREAM_V, kBf16, 4), (Bits{0xbf24, 0x3f72, 0xbf37, 0x3f34}));
  // A shorter request is a prefix of a longer one.
  EXPECT_EQ(values(0, KVNAND_TRACE_STREAM_K, kBf16, 2), (Bits{0x3f44, 0xbe0c}));
}

TEST(TraceValues, DrawsBeforeRoundingAreMultiplesOfTwoToMinus23) {
  float f[2];
  kvnand_trace_values_f32(1, KVNAND_TRACE_STREAM_K, f, 2);
  EXPECT_EQ(f[0], static_cast<float>(0x910a2d - 0x800000) / 8388608.0f);
  EXPECT_EQ(f[1], static_cast<float>(0xbeeb8d - 0x800000) / 8388608.0f);
}

TEST(TraceValues, ValuesLieInMinusOneToOne) {
  std::vector<float> f(1 << 16);
  kvnand_trace_values_f32(99, KVNAND_TRACE_STREAM_Q, f.data(), f.size());
  float lo = 1.0f, hi = -1.0f;
  for (float x : f) {
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  EXPECT_GE(lo, -1.0f);
  EXPECT_LT(hi, 1.0f);
  EXPECT_LT(lo, -0.999f);  // 2^16 uniform draws reach both ends
  EXPECT_GT(hi, 0.999f);
  // Sign-magnitude bit patterns order like their values: |v| <= 1.0 (0x3f80 BF16, 0x3c00 FP16).
  for (const std::uint16_t v : values(99, KVNAND_TRACE_STREAM_Q, kBf16, 1 << 16)) EXPECT_LE(v & 0x7fff, 0x3f80) << v;
  for (const std::uint16_t v : values(99, KVNAND_TRACE_STREAM_Q, kFp16, 1 << 16)) EXPECT_LE(v & 0x7fff, 0x3c00) << v;
}

TEST(TraceValues, LargestDrawsRoundUpToOne) {
  // Seed 18, stream 0, value 18 has top bits 0xffe721: 0.99925... rounds to 1.0 in BF16 only.
  EXPECT_EQ(values(18, KVNAND_TRACE_STREAM_K, kBf16, 19)[18], 0x3f80);
  EXPECT_EQ(values(18, KVNAND_TRACE_STREAM_K, kFp16, 19)[18], 0x3bfe);
}

TEST(TraceValues, SmallDrawsBecomeFp16Subnormals) {
  // Seed 14649, stream 0, value 0: top bits 0x8000ea = 234 / 2^23 = 468 * 2^-24.
  EXPECT_EQ(values(14649, KVNAND_TRACE_STREAM_K, kFp16, 1)[0], 0x01d4);
  EXPECT_EQ(values(14649, KVNAND_TRACE_STREAM_K, kBf16, 1)[0], 0x37ea);
}

TEST(TraceValues, UnknownElementWritesNothing) {
  std::uint16_t out[2] = {7, 7};
  EXPECT_EQ(kvnand_trace_values(1, 0, 2, out, 2), -1);
  EXPECT_EQ(out[0], 7);
  EXPECT_EQ(out[1], 7);
}

float from_bits(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

TEST(TraceValues, Bf16RoundsToNearestEven) {
  EXPECT_EQ(kvnand_trace_f32_to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(kvnand_trace_f32_to_bf16(from_bits(0x3f808000)), 0x3f80);  // tie, even stays
  EXPECT_EQ(kvnand_trace_f32_to_bf16(from_bits(0x3f818000)), 0x3f82);  // tie, odd rounds up
  EXPECT_EQ(kvnand_trace_f32_to_bf16(from_bits(0x3f808001)), 0x3f81);
  EXPECT_EQ(kvnand_trace_f32_to_bf16(-2.0f), 0xc000);
  EXPECT_EQ(kvnand_trace_f32_to_bf16(from_bits(0x7f7fffff)), 0x7f80);  // FLT_MAX overflows to inf
  EXPECT_EQ(kvnand_trace_f32_to_bf16(from_bits(0x7fa00000)), 0x7fe0);  // signalling NaN quietened
}

TEST(TraceValues, Fp16RoundsToNearestEven) {
  EXPECT_EQ(kvnand_trace_f32_to_fp16(1.0f), 0x3c00);
  EXPECT_EQ(kvnand_trace_f32_to_fp16(-0.5f), 0xb800);
  EXPECT_EQ(kvnand_trace_f32_to_fp16(from_bits(0x3f801000)), 0x3c00);  // 1 + 2^-11: tie, even stays
  EXPECT_EQ(kvnand_trace_f32_to_fp16(from_bits(0x3f803000)), 0x3c02);  // 1 + 3*2^-11: tie, odd rounds up
  EXPECT_EQ(kvnand_trace_f32_to_fp16(65504.0f), 0x7bff);
  EXPECT_EQ(kvnand_trace_f32_to_fp16(65519.0f), 0x7bff);
  EXPECT_EQ(kvnand_trace_f32_to_fp16(65520.0f), 0x7c00);
  EXPECT_EQ(kvnand_trace_f32_to_fp16(-1e9f), 0xfc00);
  EXPECT_EQ(kvnand_trace_f32_to_fp16(std::ldexp(1.0f, -14)), 0x0400);     // smallest normal
  EXPECT_EQ(kvnand_trace_f32_to_fp16(std::ldexp(1.0f, -24)), 0x0001);     // smallest subnormal
  EXPECT_EQ(kvnand_trace_f32_to_fp16(std::ldexp(1.0f, -25)), 0x0000);     // tie to even zero
  EXPECT_EQ(kvnand_trace_f32_to_fp16(std::ldexp(3.0f, -26)), 0x0001);     // 0.75 ulp rounds up
  EXPECT_EQ(kvnand_trace_f32_to_fp16(std::ldexp(3.0f, -25)), 0x0002);     // 1.5 ulp: tie, to even 2
  EXPECT_EQ(kvnand_trace_f32_to_fp16(std::ldexp(-5.0f, -25)), 0x8002);    // -2.5 ulp: tie, to even 2
  EXPECT_EQ(kvnand_trace_f32_to_fp16(std::ldexp(2047.0f, -25)), 0x0400);  // rounds up into the normals
  EXPECT_EQ(kvnand_trace_f32_to_fp16(from_bits(0x7fc00000)), 0x7e00);
}

}  // namespace
