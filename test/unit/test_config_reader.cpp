// Strict config reading: exact user-facing messages, defaults in resolved(), sub-files, overrides.
#include "common/config_reader.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace kvnand::config {
namespace {

using nlohmann::json;

const std::string kData = KVNAND_TEST_DATA_DIR;

/// Runs f and returns the ConfigError text; records a failure if nothing was thrown.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

Document text(const std::string& s, const std::vector<Override>& overrides = {}) {
  return Document::load_text(s, "p.json", overrides);
}

std::vector<Override> sets(std::initializer_list<const char*> texts) {
  std::vector<Override> out;
  for (const char* t : texts) out.push_back(parse_override(t));
  return out;
}

// ---- overrides as text --------------------------------------------------------------------

TEST(ParseOverride, ValuesAreJsonWhenValidElsePlainStrings) {
  EXPECT_EQ(parse_override("a.b=3").value, json(3));
  EXPECT_EQ(parse_override("a.b=2.5").value, json(2.5));
  EXPECT_EQ(parse_override("a=true").value, json(true));
  EXPECT_EQ(parse_override("mode=seq").value, json("seq"));
  EXPECT_EQ(parse_override("mode=\"42\"").value, json("42"));
  EXPECT_EQ(parse_override("c={\"x\":1}").value, json({{"x", 1}}));
  EXPECT_EQ(parse_override("big=1e999").value, json("1e999"));
  EXPECT_EQ(parse_override("v=[1, 2]").value, json({1, 2}));
  EXPECT_EQ(parse_override("a.b.c=x=y").key_path, "a.b.c");
  EXPECT_EQ(parse_override("a.b.c=x=y").value, json("x=y"));
}

TEST(ParseOverride, MalformedTextIsRejected) {
  EXPECT_EQ(error_of([] { parse_override("a.b"); }), "--set a.b: expected key.path=value");
  EXPECT_EQ(error_of([] { parse_override("=3"); }), "--set =3: expected key.path=value");
  EXPECT_EQ(error_of([] { parse_override("a..b=3"); }), "--set a..b=3: empty element in key path");
  EXPECT_EQ(error_of([] { parse_override("a.=3"); }), "--set a.=3: empty element in key path");
  EXPECT_EQ(error_of([] { parse_override("a.b="); }), "--set a.b=: missing value after '='");
}

// ---- numbers --------------------------------------------------------------------------------

TEST(Number, ReadsValuesWithinBounds) {
  Document d = text(R"({"t": 25000, "f": 0.5, "n": -3})");
  Node r = d.root();
  EXPECT_EQ(r.number("t", positive("ns")), 25000.0);
  EXPECT_EQ(r.number("f", fraction()), 0.5);
  EXPECT_EQ(r.number("n", any_number()), -3.0);
  EXPECT_NO_THROW(r.finish());
}

TEST(Number, OutOfBoundsStatesTheBounds) {
  Document d = text(R"({"t": 0, "p": 0, "f": 1.5, "g": -1, "h": 2})");
  Node r = d.root();
  EXPECT_EQ(error_of([&] { r.number("t", positive("ns")); }), "p.json: t: expected a positive number in ns, got 0");
  EXPECT_EQ(error_of([&] { r.number("p", Bounds{0, 64, false, true, "planes"}); }),
            "p.json: p: expected a number > 0 and <= 64 in planes, got 0");
  EXPECT_EQ(error_of([&] { r.number("f", fraction()); }), "p.json: f: expected a number from 0 to 1, got 1.5");
  EXPECT_EQ(error_of([&] { r.number("g", non_negative("pJ/bit")); }),
            "p.json: g: expected a non-negative number in pJ/bit, got -1");
  EXPECT_EQ(error_of([&] { r.number("h", Bounds{-1e300, 1.5, true, false, nullptr}); }),
            "p.json: h: expected a number >= -1e+300 and < 1.5, got 2");
}

TEST(Describe, CoversOpenSides) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(describe(Bounds{-inf, 10, false, true, "V"}), "a number <= 10 in V");
  EXPECT_EQ(describe(Bounds{1, inf, true, false, nullptr}), "a number >= 1");
  EXPECT_EQ(describe(any_number("mm")), "a number in mm");
  EXPECT_EQ(describe(range(0.25, 1e9, "Hz")), "a number from 0.25 to 1000000000 in Hz");
}

TEST(Number, WrongTypeAndMissing) {
  Document d = text(R"({"t": "fast", "b": true, "long": "0123456789012345678901234567890123456789"})");
  Node r = d.root();
  EXPECT_EQ(error_of([&] { r.number("t", positive("GB/s")); }),
            "p.json: t: expected a positive number in GB/s, got \"fast\"");
  EXPECT_EQ(error_of([&] { r.number("b", positive()); }), "p.json: b: expected a positive number, got true");
  EXPECT_EQ(error_of([&] { r.number("long", positive()); }),
            "p.json: long: expected a positive number, got \"012345678901234567890123456789012345...");
  EXPECT_EQ(error_of([&] { r.number("absent", positive("ns")); }),
            "p.json: absent: missing; expected a positive number in ns");
}

TEST(Number, DefaultIsUsedAndRecorded) {
  Document d = text(R"({"given": 7})");
  Node r = d.root();
  EXPECT_EQ(r.number_or("given", 1, positive()), 7.0);
  EXPECT_EQ(r.number_or("dflt", 2.5, positive()), 2.5);
  EXPECT_EQ(d.resolved(), json({{"given", 7}, {"dflt", 2.5}}));
}

// ---- integers -------------------------------------------------------------------------------

TEST(Integer, AcceptsWholeNumbersIncludingIntegralFloats) {
  Document d = text(R"({"a": 4, "b": 4.0, "c": 1e3, "d": 18446744073709551615})");
  Node r = d.root();
  EXPECT_EQ(r.integer("a", 1, 64), 4u);
  EXPECT_EQ(r.integer("b", 1, 64), 4u);
  EXPECT_EQ(r.integer("c", 0, 1000), 1000u);
  EXPECT_EQ(r.integer("d", 0, UINT64_MAX), UINT64_MAX);
  EXPECT_EQ(r.integer_or("e", 9, 0, 10), 9u);
  EXPECT_EQ(d.resolved(), json({{"a", 4}, {"b", 4}, {"c", 1000}, {"d", UINT64_MAX}, {"e", 9}}));
}

TEST(Integer, RejectsNegativeFractionalOutOfRangeAndNonNumbers) {
  Document d = text(R"({"neg": -1, "frac": 4.5, "big": 65, "bool": true, "huge": 1e300})");
  Node r = d.root();
  EXPECT_EQ(error_of([&] { r.integer("neg", 1, 64); }), "p.json: neg: expected an integer from 1 to 64, got -1");
  EXPECT_EQ(error_of([&] { r.integer("frac", 1, 64); }), "p.json: frac: expected an integer from 1 to 64, got 4.5");
  EXPECT_EQ(error_of([&] { r.integer("big", 1, 64); }), "p.json: big: expected an integer from 1 to 64, got 65");
  EXPECT_EQ(error_of([&] { r.integer_or("bool", 0, 0, UINT64_MAX); }),
            "p.json: bool: expected a non-negative integer, got true");
  EXPECT_EQ(error_of([&] { r.integer("huge", 1, UINT64_MAX); }), "p.json: huge: expected an integer >= 1, got 1e+300");
  EXPECT_EQ(error_of([&] { r.integer("absent", 1, 64); }), "p.json: absent: missing; expected an integer from 1 to 64");
}

// ---- booleans, text, choices ----------------------------------------------------------------

TEST(Scalars, ReadWithDefaultsAndTypeErrors) {
  Document d = text(R"({"on": false, "name": "x", "mode": "rand", "bad_on": 1, "bad_name": 3, "bad_mode": "zig"})");
  Node r = d.root();
  EXPECT_FALSE(r.boolean_or("on", true));
  EXPECT_TRUE(r.boolean_or("on_dflt", true));
  EXPECT_EQ(r.text_or("name", "d"), "x");
  EXPECT_EQ(r.text_or("name_dflt", "d"), "d");
  EXPECT_EQ(r.choice_or("mode", "seq", {"seq", "rand"}), "rand");
  EXPECT_EQ(r.choice_or("mode_dflt", "seq", {"seq", "rand"}), "seq");
  EXPECT_EQ(error_of([&] { r.boolean_or("bad_on", true); }), "p.json: bad_on: expected true or false, got 1");
  EXPECT_EQ(error_of([&] { r.text_or("bad_name", ""); }), "p.json: bad_name: expected a string, got 3");
  EXPECT_EQ(error_of([&] { r.choice_or("bad_mode", "seq", {"seq", "rand"}); }),
            "p.json: bad_mode: expected one of \"seq\", \"rand\", got \"zig\"");
  EXPECT_EQ(d.resolved(), json({{"on", false}, {"on_dflt", true}, {"name", "x"}, {"name_dflt", "d"},
                                {"mode", "rand"}, {"mode_dflt", "seq"}}));
}

// ---- objects and unknown keys ---------------------------------------------------------------

TEST(Objects, NestedPathsAndTypeErrors) {
  Document d = text(R"({"ch": {"rate": 1, "sub": {"x": 0}}, "num": 5})");
  Node r = d.root();
  Node ch = r.object("ch");
  EXPECT_EQ(ch.path_of("rate"), "ch.rate");
  EXPECT_EQ(ch.file(), "p.json");
  EXPECT_EQ(error_of([&] { ch.object("sub").number("x", positive("ns")); }),
            "p.json: ch.sub.x: expected a positive number in ns, got 0");
  EXPECT_EQ(error_of([&] { r.object("num"); }), "p.json: num: expected an object or a file name, got 5");
  EXPECT_EQ(error_of([&] { r.object("absent"); }), "p.json: absent: missing; expected an object or a file name");
}

TEST(Objects, FinishReportsUnknownKeysWithAcceptedList) {
  Document d = text(R"({"b": 1, "a": 2, "typo": 3, "inner": {"z": 1}})");
  Node r = d.root();
  r.number("b", positive());
  r.number_or("c", 1, positive());
  r.number("a", positive());
  EXPECT_EQ(error_of([&] { r.finish(); }), "p.json: inner: unknown key; accepted keys here: a, b, c");
  Node inner = r.object("inner");
  EXPECT_EQ(error_of([&] { r.finish(); }), "p.json: typo: unknown key; accepted keys here: a, b, c, inner");
  EXPECT_EQ(error_of([&] { inner.finish(); }), "p.json: inner.z: unknown key; accepted keys here: (none)");
}

TEST(Objects, AbsentOptionalObjectReadsAsDefaults) {
  Document d = text(R"({})");
  Node npu = d.root().object_or_empty("npu");
  EXPECT_EQ(npu.number_or("clock_GHz", 1.5, positive("GHz")), 1.5);
  EXPECT_EQ(error_of([&] { npu.integer("lanes", 1, 8); }),
            "p.json: npu.lanes: missing; expected an integer from 1 to 8");
  EXPECT_NO_THROW(npu.finish());
  EXPECT_NO_THROW(d.root().finish());
  d.root().object_or_empty("dram");
  EXPECT_EQ(d.resolved(), json::parse(R"({"npu": {"clock_GHz": 1.5}, "dram": {}})"));
}

TEST(Objects, ResolvedOmitsUnreadKeys) {
  Document d = text(R"({"a": 1, "unused": 2, "o": {"x": 1, "y": 2}})");
  Node r = d.root();
  r.number("a", positive());
  r.object("o").number("y", positive());
  EXPECT_EQ(d.resolved(), json::parse(R"({"a": 1, "o": {"y": 2}})"));
}

TEST(Objects, FailFormatsCrossFieldChecks) {
  Document d = text(R"({"controller": {"max_planes_per_command": 40}})");
  Node c = d.root().object("controller");
  EXPECT_EQ(error_of([&] { c.fail("max_planes_per_command", "40 exceeds flash.geometry.planes_per_die (32)"); }),
            "p.json: controller.max_planes_per_command: 40 exceeds flash.geometry.planes_per_die (32)");
  EXPECT_EQ(error_of([&] { c.fail("", "needs a flash section"); }), "p.json: controller: needs a flash section");
  EXPECT_EQ(error_of([&] { d.root().fail("", "is empty"); }), "p.json: is empty");
}

TEST(Document, NodesStayValidWhenTheDocumentMoves) {
  Document d = text(R"({"o": {"x": 3}})");
  Node o = d.root().object("o");
  Document moved = std::move(d);
  EXPECT_EQ(o.number("x", positive()), 3.0);
  EXPECT_EQ(moved.resolved(), json::parse(R"({"o": {"x": 3}})"));
}

// ---- file-level errors ----------------------------------------------------------------------

TEST(Files, UnreadableFiles) {
  EXPECT_EQ(error_of([] { Document::load_file(kData + "/nope.json"); }),
            kData + "/nope.json: cannot open config file (No such file or directory)");
  EXPECT_EQ(error_of([] { Document::load_file(kData); }), kData + ": cannot open config file (Is a directory)");
}

TEST(Files, TopLevelMustBeAnObject) {
  EXPECT_EQ(error_of([] { Document::load_file(kData + "/not_object.json"); }),
            kData + "/not_object.json: the top level must be a JSON object");
  EXPECT_EQ(error_of([] { text("3"); }), "p.json: the top level must be a JSON object");
}

TEST(Files, SyntaxErrorsGiveLineAndColumn) {
  EXPECT_EQ(error_of([] { Document::load_file(kData + "/syntax_error.json"); }),
            kData + "/syntax_error.json:3:16: JSON syntax error: unexpected ','; expected '[', '{', or a literal");
  EXPECT_EQ(error_of([] { text("{\n  \"a\": 1\n  \"b\": 2\n}"); }),
            "p.json:3:5: JSON syntax error: unexpected string literal; expected '}'");
  EXPECT_EQ(error_of([] { text("{\"a\": 1"); }),
            "p.json:1:8: JSON syntax error: unexpected end of input; expected '}'");
  EXPECT_EQ(error_of([] { text("{\"a\": 1e999}"); }), "p.json: JSON error: number overflow parsing '1e999'");
}

TEST(Files, DuplicateKeysAreErrors) {
  EXPECT_EQ(error_of([] { text(R"({"a": {"x": 1, "x": 2}})"); }), "p.json: a.x: duplicate key");
  EXPECT_EQ(error_of([] { text(R"({"l": [{"k": 1}, {"k": 1, "k": 2}]})"); }), "p.json: l[1].k: duplicate key");
}

// ---- sub-file references --------------------------------------------------------------------

TEST(SubFiles, ReferencesResolveRelativeToTheReferringFile) {
  Document d = Document::load_file(kData + "/platform.json");
  Node r = d.root();
  Node flash = r.object("flash");
  EXPECT_EQ(flash.file(), kData + "/parts/flash.json");
  EXPECT_EQ(flash.object("geometry").integer("planes_per_die", 1, 64), 4u);
  Node timing = flash.object("timing");  // "timing.json" next to parts/flash.json
  EXPECT_EQ(timing.file(), kData + "/parts/timing.json");
  EXPECT_EQ(timing.number("tR_ns", positive("ns")), 25000.0);
  EXPECT_EQ(d.resolved(), json::parse(R"({"flash": {"geometry": {"planes_per_die": 4}, "timing": {"tR_ns": 25000}}})"));
  // Keys of the referring file stay attributed to it; keys inside the sub-file name the sub-file.
  EXPECT_EQ(error_of([&] { r.finish(); }), kData + "/platform.json: channels: unknown key; accepted keys here: flash");
  EXPECT_EQ(error_of([&] { timing.finish(); }),
            kData + "/parts/timing.json: flash.timing.tPROG_ns: unknown key; accepted keys here: tR_ns");
}

TEST(SubFiles, ErrorsInsideNameTheSubFile) {
  Document d = Document::load_file(kData + "/bad_platform.json");
  Node flash = d.root().object("flash");
  EXPECT_EQ(error_of([&] { flash.object("geometry").integer("planes_per_die", 1, 64); }),
            kData + "/parts/bad_flash.json: flash.geometry.planes_per_die: expected an integer from 1 to 64, got 0");
  EXPECT_EQ(error_of([&] { flash.object("timing"); }),
            kData + "/parts/missing_timing.json: cannot open config file (No such file or directory), referenced at " +
                kData + "/parts/bad_flash.json: flash.timing");
}

TEST(SubFiles, CircularReferencesNameTheChain) {
  Document d = Document::load_file(kData + "/cycle/a.json");
  Node b = d.root().object("next");
  EXPECT_EQ(error_of([&] { b.object("back"); }), kData + "/cycle/b.json: next.back: circular file reference: " +
                                                     kData + "/cycle/a.json -> " + kData + "/cycle/b.json -> " +
                                                     kData + "/cycle/a.json");
}

/// Switches the working directory for one test.
class InTempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kvnand_config_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    ASSERT_NE(getcwd(old_, sizeof old_), nullptr);
    ASSERT_EQ(chdir(dir_.c_str()), 0);
  }
  void TearDown() override {
    ASSERT_EQ(chdir(old_), 0);
    std::remove((dir_ + "/part.json").c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
  char old_[4096] = {};
};

TEST_F(InTempDir, TextReferencesResolveAgainstTheCurrentDirectory) {
  std::ofstream(dir_ + "/part.json") << R"({"v": 2})";
  Document d = text(R"({"part": "part.json"})");
  Node part = d.root().object("part");
  EXPECT_EQ(part.file(), "part.json");
  EXPECT_EQ(part.number("v", positive()), 2.0);
}

// ---- overrides applied to documents ---------------------------------------------------------

TEST(Overrides, ReplaceValuesAndAreAttributedToSet) {
  Document d = text(R"({"channels": {"rate_GBps": 1.2, "mode": "seq"}})",
                    sets({"channels.rate_GBps=fast", "channels.mode=rand"}));
  Node ch = d.root().object("channels");
  EXPECT_EQ(ch.choice_or("mode", "seq", {"seq", "rand"}), "rand");
  EXPECT_EQ(error_of([&] { ch.number("rate_GBps", positive("GB/s")); }),
            "--set: channels.rate_GBps: expected a positive number in GB/s, got \"fast\"");
}

TEST(Overrides, LaterOverridesWin) {
  Document d = text(R"({"x": 1})", sets({"x=2", "x=3"}));
  EXPECT_EQ(d.root().number("x", positive()), 3.0);
}

TEST(Overrides, ObjectValuesReplaceWholeObjects) {
  Document d = text(R"({"npu": {"clock_GHz": 1}})", sets({"npu={\"lanes\": 4, \"bogus\": 1}"}));
  Node npu = d.root().object("npu");
  EXPECT_EQ(npu.number_or("clock_GHz", 2, positive("GHz")), 2.0);
  EXPECT_EQ(npu.integer("lanes", 1, 8), 4u);
  EXPECT_EQ(error_of([&] { npu.finish(); }), "--set: npu.bogus: unknown key; accepted keys here: clock_GHz, lanes");
}

TEST(Overrides, UnknownKeysAreReportedByFinish) {
  Document d = text(R"({"channels": {"count": 2}})", sets({"channels.cuont=4", "nosuch.deep.key=1"}));
  Node r = d.root();
  Node ch = r.object("channels");
  ch.integer("count", 1, 8);
  EXPECT_EQ(error_of([&] { ch.finish(); }), "--set: channels.cuont: unknown key; accepted keys here: count");
  EXPECT_EQ(error_of([&] { r.finish(); }), "--set: nosuch: unknown key; accepted keys here: channels");
  EXPECT_EQ(error_of([&] { r.object("nosuch").object("deep").finish(); }),
            "--set: nosuch.deep.key: unknown key; accepted keys here: (none)");
}

TEST(Overrides, IntermediateMustBeAnObject) {
  EXPECT_EQ(error_of([] { text(R"({"channels": {"count": 4}})", sets({"channels.count.x=1"})); }),
            "--set channels.count.x=1: channels.count is not an object (got 4)");
}

TEST(Overrides, ReachIntoSubFiles) {
  Document d = Document::load_file(kData + "/platform.json", sets({"flash.timing.tR_ns=3000", "flash.timing.tX=1"}));
  Node timing = d.root().object("flash").object("timing");
  EXPECT_EQ(timing.number("tR_ns", positive("ns")), 3000.0);
  EXPECT_EQ(timing.number("tPROG_ns", positive("ns")), 200000.0);
  EXPECT_EQ(timing.file(), kData + "/parts/timing.json");
  EXPECT_EQ(error_of([&] { timing.finish(); }),
            "--set: flash.timing.tX: unknown key; accepted keys here: tPROG_ns, tR_ns");
  EXPECT_EQ(d.resolved()["flash"]["timing"], json::parse(R"({"tR_ns": 3000, "tPROG_ns": 200000})"));
}

TEST(Overrides, CanReplaceAReferenceByAnObject) {
  Document d =
      Document::load_file(kData + "/platform.json", sets({"flash.timing.tR_ns=1", "flash={\"geometry\": {}}"}));
  Node flash = d.root().object("flash");
  EXPECT_EQ(flash.file(), "--set");
  EXPECT_FALSE(flash.has("timing"));
  EXPECT_EQ(error_of([&] { flash.object("geometry").integer("planes_per_die", 1, 64); }),
            "--set: flash.geometry.planes_per_die: missing; expected an integer from 1 to 64");
}

}  // namespace
}  // namespace kvnand::config
