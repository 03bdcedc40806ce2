// Tests of the C VCD writer: header layout, change encoding, error handling, and a round trip
// through a small independent VCD parser.
#include "vcd_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace {

namespace fs = std::filesystem;
using WriterPtr = std::unique_ptr<kv_vcd_writer, decltype(&kv_vcd_abort)>;

struct Change {
  std::uint64_t time;
  int var;
  std::uint64_t value;
  auto key() const { return std::tie(time, var, value); }
  bool operator==(const Change& o) const { return key() == o.key(); }
};

void PrintTo(const Change& c, std::ostream* os) {
  *os << "(#" << c.time << " var " << c.var << " = " << c.value << ")";
}

struct ParsedVar {
  std::string scope, type, id, name;
  unsigned width = 0;
};

struct ParsedVcd {
  std::string version, timescale;
  std::vector<ParsedVar> vars;  // declaration order == handle order
  std::vector<std::uint64_t> initial;
  std::vector<Change> changes;  // after $dumpvars
  std::vector<std::uint64_t> times;  // every #time line, in order
};

// Deliberately independent of the writer: whitespace tokens for the header, lines afterwards.
ParsedVcd parse_vcd(const std::string& text) {
  ParsedVcd p;
  std::istringstream in(text);
  std::vector<std::string> scopes;
  std::map<std::string, int> by_id;
  auto until_end = [&in] {
    std::string all, tok;
    while (in >> tok && tok != "$end") all += (all.empty() ? "" : " ") + tok;
    return all;
  };
  std::string tok;
  while (in >> tok && tok != "$enddefinitions") {
    if (tok == "$scope") {
      std::string kind, name;
      in >> kind >> name;
      scopes.push_back(name);
    } else if (tok == "$upscope") {
      scopes.pop_back();
    } else if (tok == "$var") {
      ParsedVar v;
      in >> v.type >> v.width >> v.id >> v.name;
      for (const auto& s : scopes) v.scope += (v.scope.empty() ? "" : ".") + s;
      by_id[v.id] = static_cast<int>(p.vars.size());
      p.vars.push_back(v);
    }
    const std::string body = until_end();
    if (tok == "$version") p.version = body;
    if (tok == "$timescale") p.timescale = body;
  }
  until_end();
  p.initial.assign(p.vars.size(), ~std::uint64_t{0});
  std::string line;
  std::uint64_t now = 0;
  bool in_dumpvars = false;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line == "$dumpvars" || line == "$end") {
      in_dumpvars = line == "$dumpvars";
    } else if (line[0] == '#') {
      now = std::stoull(line.substr(1));
      p.times.push_back(now);
    } else {
      const bool vector = line[0] == 'b';
      const std::size_t space = line.find(' ');
      const std::uint64_t value = vector ? std::stoull(line.substr(1, space - 1), nullptr, 2)
                                         : std::uint64_t(line[0] - '0');
      const int var = by_id.at(vector ? line.substr(space + 1) : line.substr(1));
      if (in_dumpvars) {
        p.initial[var] = value;
      } else {
        p.changes.push_back({now, var, value});
      }
    }
  }
  return p;
}

::testing::AssertionResult error_mentions(const kv_vcd_writer* w, const std::string& text) {
  const std::string error = kv_vcd_error(w);
  if (error.find(text) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "error \"" << error << "\" lacks \"" << text << "\"";
}

class VcdWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("kvnand_vcd_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path() const { return (dir_ / "out.vcd").string(); }

  WriterPtr open(const char* timescale = "1 ps", const std::string& file = "") {
    char err[256] = "";
    const std::string target = file.empty() ? path() : file;
    WriterPtr w(kv_vcd_open(target.c_str(), timescale, err, sizeof err), &kv_vcd_abort);
    EXPECT_NE(w, nullptr) << err;
    return w;
  }
  // A writer with top-level vars of these widths (handles 0, 1, ...) and its header written.
  WriterPtr open_with(std::initializer_list<unsigned> widths, const std::string& file = "") {
    auto w = open("1 ps", file);
    int handle = 0;
    for (unsigned width : widths) {
      EXPECT_EQ(kv_vcd_add_var(w.get(), ("v" + std::to_string(handle)).c_str(), width), handle);
      ++handle;
    }
    EXPECT_EQ(kv_vcd_end_definitions(w.get()), 0);
    return w;
  }
  static int close(WriterPtr& w, std::uint64_t end_time) {
    return kv_vcd_close(w.release(), end_time);
  }

  std::string contents() const {
    std::ifstream f(path(), std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::istringstream in(contents());
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }
  // Lines after $enddefinitions/#0/$dumpvars...$end, i.e. only the changes.
  std::vector<std::string> change_lines() const {
    const auto all = lines();
    auto it = std::find(std::find(all.begin(), all.end(), "$dumpvars"), all.end(), "$end");
    return {it == all.end() ? it : it + 1, all.end()};
  }

  fs::path dir_;
};

TEST_F(VcdWriterTest, HeaderHasNestedScopesVarsAndInitialValues) {
  auto w = open();
  ASSERT_EQ(kv_vcd_push_scope(w.get(), "channel0"), 0);
  EXPECT_EQ(kv_vcd_add_var(w.get(), "busy", 1), 0);
  ASSERT_EQ(kv_vcd_push_scope(w.get(), "die0"), 0);
  EXPECT_EQ(kv_vcd_add_var(w.get(), "state", 3), 1);
  ASSERT_EQ(kv_vcd_pop_scope(w.get()), 0);
  ASSERT_EQ(kv_vcd_pop_scope(w.get()), 0);
  ASSERT_EQ(kv_vcd_push_scope(w.get(), "channel1"), 0);
  EXPECT_EQ(kv_vcd_add_var(w.get(), "busy", 1), 2);  // same name, other scope: fine
  ASSERT_EQ(kv_vcd_set_initial(w.get(), 1, 5), 0);
  ASSERT_EQ(kv_vcd_end_definitions(w.get()), 0);  // closes channel1 itself
  ASSERT_EQ(close(w, 0), 0);

  const auto l = lines();
  ASSERT_GE(l.size(), 3u);
  EXPECT_EQ(l[0].rfind("$date ", 0), 0u) << l[0];
  EXPECT_EQ(l[1], "$version kvnand $end");
  EXPECT_EQ(l[2], "$timescale 1 ps $end");
  const std::vector<std::string> expected = {
      "$scope module channel0 $end", "  $var wire 1 ! busy $end",
      "  $scope module die0 $end",   "    $var reg 3 \" state $end",
      "  $upscope $end",             "$upscope $end",
      "$scope module channel1 $end", "  $var wire 1 # busy $end",
      "$upscope $end",               "$enddefinitions $end",
      "#0",                          "$dumpvars",
      "0!",                          "b101 \"",
      "0#",                          "$end"};
  EXPECT_EQ(std::vector<std::string>(l.begin() + 3, l.end()), expected);

  const ParsedVcd p = parse_vcd(contents());
  ASSERT_EQ(p.vars.size(), 3u);
  EXPECT_EQ(p.vars[1].scope, "channel0.die0");
  EXPECT_EQ(p.vars[2].scope, "channel1");
}

TEST_F(VcdWriterTest, DateHonoursSourceDateEpochAndTimescaleIsNormalised) {
  ::setenv("SOURCE_DATE_EPOCH", "86400", 1);
  auto w = open("10ns");
  ASSERT_EQ(kv_vcd_end_definitions(w.get()), 0);
  ::unsetenv("SOURCE_DATE_EPOCH");
  ASSERT_EQ(close(w, 0), 0);
  const auto l = lines();
  EXPECT_EQ(l.at(0), "$date 1970-01-02 00:00:00 UTC $end");
  EXPECT_EQ(l.at(2), "$timescale 10 ns $end");
}

TEST_F(VcdWriterTest, IdentifiersStayUniqueBeyondTwoCharacterCodes) {
  constexpr int kVars = 94 * 94 + 200;
  auto w = open();
  ASSERT_EQ(kv_vcd_push_scope(w.get(), "many"), 0);
  for (int i = 0; i < kVars; ++i)
    ASSERT_EQ(kv_vcd_add_var(w.get(), ("v" + std::to_string(i)).c_str(), 1), i);
  ASSERT_EQ(kv_vcd_end_definitions(w.get()), 0);
  ASSERT_EQ(kv_vcd_change(w.get(), 1, kVars - 1, 1), 0);
  ASSERT_EQ(close(w, 0), 0);

  const ParsedVcd p = parse_vcd(contents());
  ASSERT_EQ(p.vars.size(), static_cast<std::size_t>(kVars));
  std::set<std::string> ids;
  for (const auto& v : p.vars) {
    ids.insert(v.id);
    for (char c : v.id) EXPECT_TRUE(c >= 33 && c <= 126) << v.id;
    EXPECT_LE(v.id.size(), 3u);
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kVars));
  EXPECT_EQ(p.changes, (std::vector<Change>{{1, kVars - 1, 1}}));
}

TEST_F(VcdWriterTest, VectorsAreBinaryWithoutLeadingZeros) {
  auto w = open_with({1, 8, 64});
  const int bit = 0, byte = 1, wide = 2;
  EXPECT_EQ(kv_vcd_change(w.get(), 1, byte, 5), 0);
  EXPECT_EQ(kv_vcd_change(w.get(), 2, byte, 0), 0);
  EXPECT_EQ(kv_vcd_change(w.get(), 3, byte, 0xFF), 0);
  EXPECT_EQ(kv_vcd_change(w.get(), 4, wide, UINT64_MAX), 0);
  EXPECT_EQ(kv_vcd_change(w.get(), 5, bit, 1), 0);
  ASSERT_EQ(close(w, 0), 0);
  EXPECT_EQ(change_lines(), (std::vector<std::string>{"#1", "b101 \"", "#2", "b0 \"", "#3",
                                                      "b11111111 \"", "#4",
                                                      "b" + std::string(64, '1') + " #", "#5",
                                                      "1!"}));
}

TEST_F(VcdWriterTest, RedundantChangesWriteNothing) {
  auto w = open();
  const int v = kv_vcd_add_var(w.get(), "state", 4);
  ASSERT_EQ(kv_vcd_set_initial(w.get(), v, 3), 0);
  ASSERT_EQ(kv_vcd_end_definitions(w.get()), 0);
  const std::uint64_t before = kv_vcd_bytes_written(w.get());
  EXPECT_EQ(kv_vcd_change(w.get(), 5, v, 3), 0);  // equals the initial value
  EXPECT_EQ(kv_vcd_bytes_written(w.get()), before);
  EXPECT_EQ(kv_vcd_change(w.get(), 6, v, 9), 0);
  const std::uint64_t after = kv_vcd_bytes_written(w.get());
  EXPECT_EQ(kv_vcd_change(w.get(), 7, v, 9), 0);
  EXPECT_EQ(kv_vcd_bytes_written(w.get()), after);
  ASSERT_EQ(close(w, 0), 0);
  EXPECT_EQ(change_lines(), (std::vector<std::string>{"#6", "b1001 !"}));
  EXPECT_EQ(fs::file_size(path()), after);
}

TEST_F(VcdWriterTest, TimeLineOnlyWhenTimeAdvances) {
  auto w = open_with({1, 1});
  const int a = 0, b = 1;
  EXPECT_EQ(kv_vcd_change(w.get(), 0, a, 1), 0);  // #0 already written before $dumpvars
  EXPECT_EQ(kv_vcd_change(w.get(), 10, a, 0), 0);
  EXPECT_EQ(kv_vcd_change(w.get(), 10, b, 1), 0);
  EXPECT_EQ(kv_vcd_change(w.get(), 15, b, 1), 0);  // redundant: no #15 either
  EXPECT_EQ(kv_vcd_change(w.get(), 20, a, 1), 0);
  ASSERT_EQ(close(w, 0), 0);
  EXPECT_EQ(change_lines(), (std::vector<std::string>{"1!", "#10", "0!", "1\"", "#20", "1!"}));
}

TEST_F(VcdWriterTest, RejectsTimeGoingBackwards) {
  auto w = open_with({8});
  ASSERT_EQ(kv_vcd_change(w.get(), 20, 0, 1), 0);
  EXPECT_EQ(kv_vcd_change(w.get(), 10, 0, 2), -1);
  EXPECT_TRUE(error_mentions(w.get(), "time 10"));
  EXPECT_EQ(kv_vcd_change(w.get(), 20, 0, 3), 0);  // equal time is fine, writer still usable
  ASSERT_EQ(close(w, 0), 0);
  EXPECT_EQ(change_lines(), (std::vector<std::string>{"#20", "b1 !", "b11 !"}));
}

TEST_F(VcdWriterTest, RejectsValuesWiderThanTheVariable) {
  auto w = open();
  const int v = kv_vcd_add_var(w.get(), "v", 3);
  EXPECT_EQ(kv_vcd_set_initial(w.get(), v, 8), -1);
  ASSERT_EQ(kv_vcd_end_definitions(w.get()), 0);
  EXPECT_EQ(kv_vcd_change(w.get(), 1, v, 8), -1);
  EXPECT_TRUE(error_mentions(w.get(), "3 bits"));
  EXPECT_EQ(kv_vcd_change(w.get(), 1, v, 7), 0);
  EXPECT_EQ(kv_vcd_change(w.get(), 2, v + 1, 0), -1);  // no such handle
  EXPECT_EQ(kv_vcd_change(w.get(), 2, -1, 0), -1);
  ASSERT_EQ(close(w, 0), 0);
  EXPECT_EQ(change_lines(), (std::vector<std::string>{"#1", "b111 !"}));
}

TEST_F(VcdWriterTest, RejectsBadDeclarations) {
  auto w = open();
  EXPECT_EQ(kv_vcd_change(w.get(), 0, 0, 0), -1);  // before end_definitions
  for (unsigned width : {0u, 65u}) {
    EXPECT_EQ(kv_vcd_add_var(w.get(), "v", width), -1);
    EXPECT_TRUE(error_mentions(w.get(), "width"));
  }
  for (const char* name : {"has space", "", "$end", "tab\there", static_cast<const char*>(nullptr)})
    EXPECT_EQ(kv_vcd_add_var(w.get(), name, 1), -1) << (name ? name : "null");
  EXPECT_EQ(kv_vcd_push_scope(w.get(), "bad scope"), -1);
  EXPECT_EQ(kv_vcd_pop_scope(w.get()), -1);
  EXPECT_EQ(kv_vcd_set_initial(w.get(), 0, 0), -1);
  EXPECT_EQ(kv_vcd_add_var(w.get(), "ok[3:0]", 4), 0);
  ASSERT_EQ(kv_vcd_end_definitions(w.get()), 0);

  EXPECT_EQ(kv_vcd_add_var(w.get(), "late", 1), -1);
  EXPECT_TRUE(error_mentions(w.get(), "after kv_vcd_end_definitions"));
  EXPECT_EQ(kv_vcd_push_scope(w.get(), "late"), -1);
  EXPECT_EQ(kv_vcd_pop_scope(w.get()), -1);
  EXPECT_EQ(kv_vcd_set_initial(w.get(), 0, 1), -1);
  EXPECT_EQ(kv_vcd_end_definitions(w.get()), -1);
  ASSERT_EQ(close(w, 0), 0);
}

TEST_F(VcdWriterTest, CloseWritesFinalTimestampOnlyWhenLater) {
  auto w = open_with({1});
  ASSERT_EQ(kv_vcd_change(w.get(), 100, 0, 1), 0);
  const std::uint64_t before = kv_vcd_bytes_written(w.get());
  ASSERT_EQ(close(w, 500), 0);
  EXPECT_EQ(change_lines(), (std::vector<std::string>{"#100", "1!", "#500"}));
  EXPECT_EQ(fs::file_size(path()), before + std::strlen("#500\n"));

  w = open_with({1});
  ASSERT_EQ(kv_vcd_change(w.get(), 100, 0, 1), 0);
  ASSERT_EQ(close(w, 100), 0);
  EXPECT_EQ(change_lines(), (std::vector<std::string>{"#100", "1!"}));
}

TEST_F(VcdWriterTest, InitialValuesAtAStartTimeOpenTheWindow) {
  auto w = open();
  ASSERT_EQ(kv_vcd_add_var(w.get(), "v", 4), 0);
  ASSERT_EQ(kv_vcd_set_initial(w.get(), 0, 6), 0);
  ASSERT_EQ(kv_vcd_end_definitions_at(w.get(), 7000), 0);
  EXPECT_EQ(kv_vcd_change(w.get(), 6999, 0, 1), -1);  // before the start
  EXPECT_TRUE(error_mentions(w.get(), "time 6999"));
  EXPECT_EQ(kv_vcd_change(w.get(), 7000, 0, 2), 0);  // at the start: no second #7000
  EXPECT_EQ(kv_vcd_change(w.get(), 7500, 0, 3), 0);
  ASSERT_EQ(close(w, 9000), 0);
  const auto l = lines();
  const auto dump = std::find(l.begin(), l.end(), "$dumpvars");
  ASSERT_NE(dump, l.begin());
  EXPECT_EQ(*(dump - 1), "#7000");
  EXPECT_EQ(change_lines(), (std::vector<std::string>{"b10 !", "#7500", "b11 !", "#9000"}));
  const ParsedVcd p = parse_vcd(contents());
  EXPECT_EQ(p.initial, (std::vector<std::uint64_t>{6}));
  EXPECT_EQ(p.times, (std::vector<std::uint64_t>{7000, 7500, 9000}));
}

TEST_F(VcdWriterTest, CloseWithoutEndDefinitionsStillWritesHeader) {
  auto w = open();
  ASSERT_EQ(kv_vcd_add_var(w.get(), "v", 2), 0);
  ASSERT_EQ(close(w, 42), 0);
  const ParsedVcd p = parse_vcd(contents());
  ASSERT_EQ(p.vars.size(), 1u);
  EXPECT_EQ(p.initial, (std::vector<std::uint64_t>{0}));
  EXPECT_EQ(p.times, (std::vector<std::uint64_t>{0, 42}));
}

TEST_F(VcdWriterTest, OpenFailureNamesThePath) {
  const std::string missing = (dir_ / "no_such_dir" / "x.vcd").string();
  char err[512] = "";
  EXPECT_EQ(kv_vcd_open(missing.c_str(), "1 ps", err, sizeof err), nullptr);
  EXPECT_EQ(std::string(err), missing + ": " + std::strerror(ENOENT));
  EXPECT_EQ(kv_vcd_open(missing.c_str(), "1 ps", nullptr, 0), nullptr);  // err optional

  for (const char* bad : {"2 ps", "1 xs", "1 ps extra", "", "ps"}) {
    EXPECT_EQ(kv_vcd_open(path().c_str(), bad, err, sizeof err), nullptr) << bad;
    EXPECT_EQ(std::string(err).rfind(path() + ": bad timescale", 0), 0u) << err;
  }
  EXPECT_FALSE(fs::exists(path()));  // a bad timescale creates no file
}

TEST_F(VcdWriterTest, NullWriterIsHarmless) {
  EXPECT_EQ(kv_vcd_close(nullptr, 0), 0);
  kv_vcd_abort(nullptr);
  EXPECT_STREQ(kv_vcd_error(nullptr), "null writer");
  EXPECT_EQ(kv_vcd_bytes_written(nullptr), 0u);
  EXPECT_EQ(kv_vcd_change(nullptr, 0, 0, 0), -1);
  EXPECT_EQ(kv_vcd_add_var(nullptr, "v", 1), -1);
}

TEST_F(VcdWriterTest, AbortLeavesNoFinalTimestamp) {
  auto w = open_with({1});
  ASSERT_EQ(kv_vcd_change(w.get(), 7, 0, 1), 0);
  kv_vcd_abort(w.release());
  EXPECT_EQ(change_lines(), (std::vector<std::string>{"#7", "1!"}));
}

TEST_F(VcdWriterTest, RoundTripReproducesEveryChange) {
  const unsigned widths[] = {1, 1, 2, 3, 8, 17, 32, 63, 64};
  auto w = open();
  std::vector<std::uint64_t> current;
  for (unsigned i = 0; i < std::size(widths); ++i) {
    if (i % 3 == 0) {
      if (i > 0) {
        ASSERT_EQ(kv_vcd_pop_scope(w.get()), 0);
      }
      ASSERT_EQ(kv_vcd_push_scope(w.get(), ("s" + std::to_string(i)).c_str()), 0);
    }
    ASSERT_EQ(kv_vcd_add_var(w.get(), "v", widths[i]), static_cast<int>(i));
    current.push_back(i % 2);
    ASSERT_EQ(kv_vcd_set_initial(w.get(), static_cast<int>(i), current.back()), 0);
  }
  const std::vector<std::uint64_t> initial = current;
  ASSERT_EQ(kv_vcd_end_definitions(w.get()), 0);

  std::mt19937_64 rng(12345);
  std::vector<Change> expected;
  std::uint64_t t = 0;
  for (int n = 0; n < 20000; ++n) {
    t += rng() % 4 == 0 ? rng() % 1000000 : 0;  // several changes often share a time
    const int var = static_cast<int>(rng() % std::size(widths));
    const unsigned width = widths[var];
    std::uint64_t value = rng() % 3 == 0 ? current[var] : rng();
    if (width < 64) value &= (std::uint64_t{1} << width) - 1;
    ASSERT_EQ(kv_vcd_change(w.get(), t, var, value), 0) << kv_vcd_error(w.get());
    if (value != current[var]) expected.push_back({t, var, value});
    current[var] = value;
  }
  const std::uint64_t before_close = kv_vcd_bytes_written(w.get());
  ASSERT_EQ(close(w, t), 0);
  EXPECT_EQ(fs::file_size(path()), before_close);

  const ParsedVcd p = parse_vcd(contents());
  EXPECT_EQ(p.version, "kvnand");
  EXPECT_EQ(p.timescale, "1 ps");
  ASSERT_EQ(p.vars.size(), std::size(widths));
  for (unsigned i = 0; i < std::size(widths); ++i) {
    EXPECT_EQ(p.vars[i].width, widths[i]);
    EXPECT_EQ(p.vars[i].type, widths[i] == 1 ? "wire" : "reg");
    EXPECT_EQ(p.vars[i].scope, "s" + std::to_string(i / 3 * 3));
  }
  EXPECT_EQ(p.initial, initial);
  ASSERT_EQ(p.changes.size(), expected.size());
  const auto diff = std::mismatch(p.changes.begin(), p.changes.end(), expected.begin());
  EXPECT_TRUE(diff.first == p.changes.end())
      << "first difference at change " << (diff.first - p.changes.begin());
  for (std::size_t i = 1; i < p.times.size(); ++i) EXPECT_LT(p.times[i - 1], p.times[i]);
}

TEST_F(VcdWriterTest, DiskFullIsReported) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto w = open_with({1}, "/dev/full");  // everything fits the buffer: fails at close
  EXPECT_EQ(close(w, 10), -1);

  w = open_with({1}, "/dev/full");  // more than the buffer: a change fails and says why
  int rc = 0;
  for (std::uint64_t t = 1; t < 10000000 && rc == 0; ++t) rc = kv_vcd_change(w.get(), t, 0, t % 2);
  EXPECT_EQ(rc, -1);
  EXPECT_TRUE(error_mentions(w.get(), std::strerror(ENOSPC)));
  EXPECT_EQ(close(w, 0), -1);
}

TEST_F(VcdWriterTest, Vcd2FstAcceptsOutputIfInstalled) {
  if (std::system("command -v vcd2fst >/dev/null 2>&1") != 0) GTEST_SKIP() << "vcd2fst absent";
  auto w = open();
  ASSERT_EQ(kv_vcd_add_var(w.get(), "v0", 1), 0);
  ASSERT_EQ(kv_vcd_add_var(w.get(), "v1", 16), 1);
  ASSERT_EQ(kv_vcd_end_definitions_at(w.get(), 1), 0);  // a window's start: initial values at #1
  for (std::uint64_t t = 1; t < 100; ++t) {
    ASSERT_EQ(kv_vcd_change(w.get(), t, 0, t % 2), 0);
    ASSERT_EQ(kv_vcd_change(w.get(), t, 1, t * 7), 0);
  }
  ASSERT_EQ(close(w, 200), 0);
  const std::string fst = (dir_ / "out.fst").string();
  EXPECT_EQ(std::system(("vcd2fst '" + path() + "' '" + fst + "' >/dev/null 2>&1").c_str()), 0);
  EXPECT_GT(fs::file_size(fst), 0u);
}

}  // namespace
