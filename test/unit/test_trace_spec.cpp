// Tests of the trace options: time windows, scope patterns and the config's "trace" section.
#include "trace_spec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "common/config_reader.h"

namespace kvnand {
namespace {

constexpr const char* kExpectedWindow =
    ": expected START:END with units s, ms, us, ns or ps (e.g. 10us:2.5ms, :1ms, 5us:)";

std::uint64_t ps(const sc_core::sc_time& t) { return t.value(); }

std::string window_error(const std::string& text) {
  try {
    parse_time_window(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(TimeWindow, BothBoundsWithUnits) {
  const TimeWindow w = parse_time_window("10us:2.5ms");
  EXPECT_EQ(ps(w.start), 10'000'000u);
  ASSERT_TRUE(w.end.has_value());
  EXPECT_EQ(ps(*w.end), 2'500'000'000u);
}

TEST(TimeWindow, EveryUnit) {
  EXPECT_EQ(ps(*parse_time_window(":3s").end), 3'000'000'000'000u);
  EXPECT_EQ(ps(*parse_time_window(":3ms").end), 3'000'000'000u);
  EXPECT_EQ(ps(*parse_time_window(":3us").end), 3'000'000u);
  EXPECT_EQ(ps(*parse_time_window(":3ns").end), 3'000u);
  EXPECT_EQ(ps(*parse_time_window(":3ps").end), 3u);
}

TEST(TimeWindow, MissingBoundsMeanFromZeroAndToTheEnd) {
  const TimeWindow to = parse_time_window(":1ms");
  EXPECT_EQ(ps(to.start), 0u);
  EXPECT_EQ(ps(*to.end), 1'000'000'000u);
  const TimeWindow from = parse_time_window("5us:");
  EXPECT_EQ(ps(from.start), 5'000'000u);
  EXPECT_FALSE(from.end.has_value());
  EXPECT_EQ(ps(parse_time_window("0:1ms").start), 0u);  // zero needs no unit
  EXPECT_EQ(ps(parse_time_window("0.00:1ms").start), 0u);
}

TEST(TimeWindow, FractionsRoundToTheNearestPicosecond) {
  EXPECT_EQ(ps(parse_time_window("1.5ns:").start), 1'500u);
  EXPECT_EQ(ps(parse_time_window("1.23456789us:").start), 1'234'568u);  // 1234567.89 ps
  EXPECT_EQ(ps(parse_time_window("0.0004ns:1ns").start), 0u);           // 0.4 ps
  EXPECT_EQ(ps(parse_time_window("0.0005ns:1ns").start), 1u);           // 0.5 ps rounds up
  EXPECT_EQ(ps(*parse_time_window(":0.000000000001s").end), 1u);
}

TEST(TimeWindow, BadInputSaysWhatIsAccepted) {
  EXPECT_EQ(window_error("10u:x"), std::string("\"10u:x\"") + kExpectedWindow);
  for (const char* bad : {"10us", "1us:2us:3us", "-1us:", ".5ms:", "1.ms:", "1 us:", "5:", "1e3us:", "", "1us:2"})
    EXPECT_EQ(window_error(bad), "\"" + std::string(bad) + "\"" + kExpectedWindow) << bad;
}

TEST(TimeWindow, StartMustBeBeforeEnd) {
  EXPECT_EQ(window_error("2ms:1ms"), "\"2ms:1ms\": the start must be before the end");
  EXPECT_EQ(window_error("1ms:1000us"), "\"1ms:1000us\": the start must be before the end");
  EXPECT_EQ(window_error("0:0"), "\"0:0\": the start must be before the end");
}

TEST(TimeWindow, TooLargeIsRefused) {
  // 2^64 ps is about 1.8e7 s.
  EXPECT_EQ(window_error("20000000s:"), "\"20000000s:\": times must be below 18446744073709551615 ps");
  EXPECT_EQ(window_error("99999999999999999999999ps:"),
            "\"99999999999999999999999ps:\": times must be below 18446744073709551615 ps");
  EXPECT_EQ(ps(parse_time_window("18446744073709551615ps:").start), 18446744073709551615u);
}

TEST(ScopePattern, AcceptsNamesAndWildcards) {
  for (const char* good : {"flash", "flash.channel0", "flash.*.die1", "n?u", "*", "flash.channel1_x.*"})
    EXPECT_NO_THROW(check_scope_pattern(good)) << good;
}

TEST(ScopePattern, RefusesEmptyNamesAndOtherCharacters) {
  for (const char* bad : {"", ".", "flash.", ".flash", "flash..die0", "flash/channel0", "flash channel0", "die-1"}) {
    try {
      check_scope_pattern(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()),
                "\"" + std::string(bad) +
                    "\": expected dot-separated names of letters, digits and '_', where '*' matches any run of "
                    "characters within one name and '?' one character (e.g. flash.channel0, flash.*.die1, npu)");
    }
  }
}

TEST(ScopePattern, SelectsTheWholePathOrALeadingPartEndingAtADot) {
  EXPECT_TRUE(scope_pattern_selects("flash.channel0", "flash.channel0"));
  EXPECT_TRUE(scope_pattern_selects("flash", "flash.channel0.die1"));
  EXPECT_TRUE(scope_pattern_selects("flash.channel0", "flash.channel0.die1.plane2"));
  EXPECT_FALSE(scope_pattern_selects("flash.channel1", "flash.channel10.die0"));  // whole names only
  EXPECT_FALSE(scope_pattern_selects("flash.chan", "flash.channel0"));
  EXPECT_FALSE(scope_pattern_selects("flash.channel0.die1", "flash.channel0"));  // deeper than the path
  EXPECT_FALSE(scope_pattern_selects("data", "dataflow"));
  EXPECT_FALSE(scope_pattern_selects("npu", "flash.npu"));  // anchored at the top
}

TEST(ScopePattern, StarMatchesWithinOneNameAndQuestionMarkOneCharacter) {
  EXPECT_TRUE(scope_pattern_selects("flash.*.die1", "flash.channel3.die1"));
  EXPECT_TRUE(scope_pattern_selects("flash.*.die1", "flash.channel3.die1.plane0"));
  EXPECT_FALSE(scope_pattern_selects("flash.*.die1", "flash.channel3.die2"));
  EXPECT_FALSE(scope_pattern_selects("*.die0", "flash.channel0.die0"));  // '*' never crosses a dot
  EXPECT_TRUE(scope_pattern_selects("*", "npu"));
  EXPECT_TRUE(scope_pattern_selects("fl*sh", "flash"));
  EXPECT_TRUE(scope_pattern_selects("flash.c*l*1", "flash.channel1"));
  EXPECT_TRUE(scope_pattern_selects("flash.channel*", "flash.channel"));  // '*' may match nothing
  EXPECT_TRUE(scope_pattern_selects("flash.channel?", "flash.channel7"));
  EXPECT_FALSE(scope_pattern_selects("flash.channel?", "flash.channel12"));
  EXPECT_FALSE(scope_pattern_selects("flash.channel?", "flash.channel"));
  EXPECT_TRUE(scope_pattern_selects("flash.channel?.die?", "flash.channel1.die0.plane3"));
}

class TraceSection : public ::testing::Test {
 protected:
  TraceSpec parse(const std::string& trace_json) {
    doc_ = std::make_unique<config::Document>(
        config::Document::load_text("{\"trace\": " + trace_json + "}", "platform.json"));
    return parse_trace_spec(doc_->root().object("trace"));
  }
  std::string error(const std::string& trace_json) {
    try {
      parse(trace_json);
    } catch (const config::ConfigError& e) {
      return e.what();
    }
    return "(accepted)";
  }
  std::unique_ptr<config::Document> doc_;
};

TEST_F(TraceSection, EmptyTracesNothing) {
  const TraceSpec spec = parse("{}");
  EXPECT_FALSE(spec.any());
  EXPECT_TRUE(spec.wave.vcd_file.empty());
  EXPECT_FALSE(spec.wave.window.has_value());
  EXPECT_TRUE(spec.wave.scopes.empty());
  EXPECT_FALSE(spec.wave.plane_detail);
}

TEST_F(TraceSection, EveryKey) {
  const TraceSpec spec = parse(R"({"vcd_file": "out/wave.vcd", "vcd_window": "10us:2ms",
      "vcd_scope": ["flash.channel0", "npu"], "vcd_plane_detail": true, "timeline_file": "t.json",
      "commands_file": "c.csv"})");
  EXPECT_TRUE(spec.any());
  EXPECT_EQ(spec.wave.vcd_file, "out/wave.vcd");
  ASSERT_TRUE(spec.wave.window.has_value());
  EXPECT_EQ(ps(spec.wave.window->start), 10'000'000u);
  EXPECT_EQ(ps(*spec.wave.window->end), 2'000'000'000u);
  EXPECT_EQ(spec.wave.scopes, (std::vector<std::string>{"flash.channel0", "npu"}));
  EXPECT_TRUE(spec.wave.plane_detail);
  EXPECT_EQ(spec.timeline_file, "t.json");
  EXPECT_EQ(spec.commands_file, "c.csv");
  EXPECT_TRUE(parse(R"({"commands_file": "c.csv"})").any());
}

TEST_F(TraceSection, BadWindowAndPatternNameTheKey) {
  EXPECT_EQ(error(R"({"vcd_window": "10u:x"})"),
            std::string("platform.json: trace.vcd_window: \"10u:x\"") + kExpectedWindow);
  EXPECT_EQ(error(R"({"vcd_scope": "flash.channel0,npu"})"),
            "platform.json: trace.vcd_scope: expected an array of strings, got \"flash.channel0,npu\"");
  EXPECT_EQ(error(R"({"vcd_scope": ["flash", ""]})"),
            "platform.json: trace.vcd_scope: \"\": expected dot-separated names of letters, digits and '_', where "
            "'*' matches any run of characters within one name and '?' one character (e.g. flash.channel0, "
            "flash.*.die1, npu)");
}

TEST(TraceSpecCheck, VcdOptionsNeedAVcdFile) {
  const std::string expected =
      "--vcd-window, --vcd-scope and --vcd-planes (trace.vcd_window, vcd_scope, vcd_plane_detail) shape a VCD "
      "waveform; name its file with --vcd FILE (or trace.vcd_file)";
  TraceSpec spec;
  spec.commands_file = "c.csv";
  EXPECT_NO_THROW(check_trace_spec(spec));
  for (int option = 0; option < 3; ++option) {
    TraceSpec shaped = spec;
    if (option == 0) shaped.wave.window = parse_time_window("1us:2us");
    if (option == 1) shaped.wave.scopes = {"npu"};
    if (option == 2) shaped.wave.plane_detail = true;
    try {
      check_trace_spec(shaped);
      ADD_FAILURE() << "option " << option << " accepted without a VCD file";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(e.what(), expected);
    }
    shaped.wave.vcd_file = "w.vcd";
    EXPECT_NO_THROW(check_trace_spec(shaped)) << option;
  }
}

TEST_F(TraceSection, UnknownKeyListsTheAcceptedOnes) {
  EXPECT_EQ(error(R"({"vcd": "x.vcd"})"),
            "platform.json: trace.vcd: unknown key; accepted keys here: commands_file, scheduler_file, "
            "timeline_file, vcd_file, vcd_plane_detail, vcd_scope, vcd_window");
}

TEST_F(TraceSection, WrongTypes) {
  EXPECT_EQ(error(R"({"vcd_file": 3})"), "platform.json: trace.vcd_file: expected a string, got 3");
  EXPECT_EQ(error(R"({"vcd_plane_detail": "yes"})"),
            "platform.json: trace.vcd_plane_detail: expected true or false, got \"yes\"");
  EXPECT_EQ(error(R"({"vcd_window": 5})"), "platform.json: trace.vcd_window: expected a string, got 5");
}

}  // namespace
}  // namespace kvnand
