// load_platform / load_platform_text: the shipped platforms (Table I values, inlined sub-files)
// and the exact messages for a broken platform, through the flash, channel and controller parsers.
#include "platforms/platform_config.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/config_reader.h"

namespace kvnand {
namespace {

using nlohmann::json;

const std::string kPlatforms = std::string(KVNAND_SOURCE_DIR) + "/platforms";
const std::string kC16 = kPlatforms + "/kvnand-c16.json";

sc_core::sc_time us(double v) { return sc_core::sc_time(v, sc_core::SC_US); }
sc_core::sc_time ns(double v) { return sc_core::sc_time(v, sc_core::SC_NS); }

std::vector<config::Override> sets(std::initializer_list<const char*> texts) {
  std::vector<config::Override> out;
  for (const char* t : texts) out.push_back(config::parse_override(t));
  return out;
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

/// The shipped tiny platform as a JSON tree, for tests to modify.
json tiny() { return read_json(kPlatforms + "/tiny.json"); }

PlatformConfig load(const json& platform, const std::vector<config::Override>& overrides = {}) {
  return load_platform_text(platform.dump(2), "t.json", overrides);
}

/// Runs f and returns the ConfigError text; records a failure if nothing was thrown.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

std::string load_error(const json& platform, const std::vector<config::Override>& overrides = {}) {
  return error_of([&] { load(platform, overrides); });
}

// ---- the shipped platforms ----------------------------------------------------------------

TEST(PlatformConfig, KvnandC16HasTableIValues) {
  const PlatformConfig p = load_platform(kC16);
  EXPECT_EQ(p.name, "kvnand-c16");
  const FlashGeometry& g = p.flash.geometry;
  EXPECT_EQ(g.page_data_bytes, 4096u);
  EXPECT_EQ(g.page_spare_bytes, 448u);
  EXPECT_EQ(g.page_total_bytes(), 4544u);
  EXPECT_EQ(g.pages_per_block, 768u);
  EXPECT_EQ(g.blocks_per_plane, 177u);
  EXPECT_EQ(g.planes_per_die, 32u);
  EXPECT_EQ(p.flash.timing.tR, us(4));
  EXPECT_EQ(p.flash.timing.tPROG, us(75));
  // tBERS, tRCBSY and erase energy are assumptions (docs/assumptions.md), not Table I: they
  // must only match what the part file says.
  const json part = read_json(kPlatforms + "/parts/slc-ifc-table1.json");
  EXPECT_EQ(p.flash.timing.tBERS, ns(part["timing"]["tBERS_ns"].get<double>()));
  EXPECT_EQ(p.flash.timing.tRCBSY, ns(part["timing"]["tRCBSY_ns"].get<double>()));
  EXPECT_DOUBLE_EQ(p.flash.energy.erase_uJ_per_block, part["energy"]["erase_uJ_per_block"].get<double>());
  EXPECT_DOUBLE_EQ(p.flash.energy.read_pJ_per_bit, 3.0);
  EXPECT_DOUBLE_EQ(p.flash.energy.program_pJ_per_bit, 7.5);
  EXPECT_DOUBLE_EQ(p.flash.energy.interface_pJ_per_bit, 4.9);
  EXPECT_EQ(p.channels.count, 8u);
  EXPECT_EQ(p.channels.dies_per_channel, 2u);
  EXPECT_EQ(p.channels.total_dies(), 16u);
  EXPECT_DOUBLE_EQ(p.channels.rate_GBps, 4.8);
  EXPECT_EQ(p.channels.cmd_addr_cycle, ns(10));
  EXPECT_EQ(p.channels.read_cmd_addr_cycles, 7u);
  EXPECT_EQ(p.channels.program_cmd_addr_cycles, 7u);
  EXPECT_EQ(p.channels.erase_cmd_addr_cycles, 5u);
  EXPECT_EQ(p.channels.cache_read_cmd_cycles, 1u);
  EXPECT_EQ(p.controller.queue_depth_per_die, 64u);
  EXPECT_EQ(p.controller.max_planes_per_command, 32u);
  EXPECT_TRUE(p.controller.cache_read);
}

TEST(PlatformConfig, KvnandC16ResolvedInlinesTheSubFiles) {
  const json r = load_platform(kC16).resolved;
  ASSERT_TRUE(r["flash"].is_object());
  ASSERT_TRUE(r["channels"].is_object());
  EXPECT_EQ(r["flash"]["timing"]["tR_ns"], json(4000));
  EXPECT_EQ(r["flash"]["timing"]["tPROG_ns"], json(75000));
  EXPECT_EQ(r["flash"]["geometry"]["planes_per_die"], json(32));
  EXPECT_EQ(r["flash"]["geometry"]["declared_capacity_Gib_per_plane"], json(4.1484));
  EXPECT_EQ(r["flash"]["cell_mode"], json("SLC"));
  EXPECT_EQ(r["channels"]["rate_GBps"], json(4.8));
  EXPECT_EQ(r["channels"]["dies_per_channel"], json(2));
  EXPECT_EQ(r["controller"]["cache_read"], json(true));
  EXPECT_EQ(r["name"], json("kvnand-c16"));
}

TEST(PlatformConfig, TinyLoadsItsReducedGeometry) {
  const PlatformConfig p = load_platform(kPlatforms + "/tiny.json");
  EXPECT_EQ(p.name, "tiny");
  EXPECT_EQ(p.flash.geometry.pages_per_block, 16u);
  EXPECT_EQ(p.flash.geometry.blocks_per_plane, 8u);
  EXPECT_EQ(p.flash.geometry.planes_per_die, 4u);
  EXPECT_EQ(p.flash.timing.tR, us(4));
  EXPECT_EQ(p.channels.total_dies(), 4u);
  EXPECT_EQ(p.controller.queue_depth_per_die, 8u);
  EXPECT_EQ(p.controller.max_planes_per_command, 4u);
}

TEST(PlatformConfig, DefaultsAreFilledInAndRecorded) {
  json t = tiny();
  t.erase("name");
  t["controller"].erase("cache_read");
  t["flash"].erase("cell_mode");
  const PlatformConfig p = load(t);
  EXPECT_EQ(p.name, "unnamed");
  EXPECT_TRUE(p.controller.cache_read);
  EXPECT_EQ(p.resolved["name"], json("unnamed"));
  EXPECT_EQ(p.resolved["controller"]["cache_read"], json(true));
  EXPECT_EQ(p.resolved["flash"]["cell_mode"], json("SLC"));
}

TEST(PlatformConfig, MatchingDeclaredCapacityIsAccepted) {
  json t = tiny();
  // 16 pages x 8 blocks x 4096 B x 8 bit / 2^30 = 2^-8 Gib.
  t["flash"]["geometry"]["declared_capacity_Gib_per_plane"] = 0.00390625;
  EXPECT_EQ(load(t).resolved["flash"]["geometry"]["declared_capacity_Gib_per_plane"], json(0.00390625));
}

// ---- overrides ----------------------------------------------------------------------------

TEST(PlatformConfig, OverrideReachesIntoASubFile) {
  const PlatformConfig p = load_platform(kC16, sets({"flash.timing.tR_ns=3000"}));
  EXPECT_EQ(p.flash.timing.tR, us(3));
  EXPECT_EQ(p.flash.timing.tPROG, us(75));  // the rest still comes from the sub-file
  EXPECT_EQ(p.flash.geometry.planes_per_die, 32u);
  EXPECT_EQ(p.resolved["flash"]["timing"]["tR_ns"], json(3000));
}

TEST(PlatformConfig, BadOverrideValueIsAttributedToSet) {
  EXPECT_EQ(load_error(tiny(), sets({"channels.rate_GBps=fast"})),
            "--set: channels.rate_GBps: expected a positive number in GB/s, got \"fast\"");
  EXPECT_EQ(error_of([] { load_platform(kC16, sets({"flash.geometry.planes_per_die=65"})); }),
            "--set: flash.geometry.planes_per_die: expected an integer from 1 to 64, got 65");
  EXPECT_EQ(error_of([] { load_platform(kC16, sets({"controller.max_planes_per_command=64"})); }),
            "--set: controller.max_planes_per_command: 64 exceeds flash.geometry.planes_per_die (32)");
}

TEST(PlatformConfig, ErrorInASubFileNamesThatFile) {
  // An overridden geometry no longer matches the capacity the part file declares.
  EXPECT_EQ(error_of([] { load_platform(kC16, sets({"flash.geometry.pages_per_block=700"})); }),
            kPlatforms + "/parts/slc-ifc-table1.json: flash.geometry.declared_capacity_Gib_per_plane: "
                         "4.1484 Gib contradicts the geometry, which gives 3.78113 Gib "
                         "(pages_per_block x blocks_per_plane x page_data_bytes x 8 / 2^30)");
}

TEST(PlatformConfig, DataflowStepAndStreamStartKeysAreChecked) {
  const std::string kD = kPlatforms + "/kvnand-d.json";
  EXPECT_EQ(load_platform(kD, {}).dataflow->head_groups_per_step, 1u);
  EXPECT_EQ(load_platform(kD, sets({"dataflow.head_groups_per_step=64"})).dataflow->head_groups_per_step, 64u);
  EXPECT_EQ(error_of([&] { load_platform(kD, sets({"dataflow.head_groups_per_step=0"})); }),
            "--set: dataflow.head_groups_per_step: expected an integer from 1 to 65536, got 0");
  EXPECT_EQ(error_of([] { load_platform(kC16, sets({"dataflow.head_groups_per_step=2"})); }),
            "--set: dataflow.head_groups_per_step: applies to the \"discrete\" variant only (dataflow.variant is "
            "\"compact\")");
  EXPECT_EQ(load_platform(kC16, {}).dataflow->kv_stream_start, KvStreamStart::Spread);
  EXPECT_EQ(load_platform(kC16, sets({"dataflow.kv_stream_start=consecutive"})).dataflow->kv_stream_start,
            KvStreamStart::Consecutive);
  EXPECT_NE(error_of([] { load_platform(kC16, sets({"dataflow.kv_stream_start=random"})); }).find(
                "dataflow.kv_stream_start"),
            std::string::npos);
}

// ---- broken platforms ---------------------------------------------------------------------

TEST(PlatformConfig, UnknownTopLevelKey) {
  json t = tiny();
  t["colour"] = "blue";
  EXPECT_EQ(load_error(t), "t.json: colour: unknown key; accepted keys here: channels, controller, description, "
                         "flash, name");
}

TEST(PlatformConfig, UnknownTimingKey) {
  json t = tiny();
  t["flash"]["timing"]["tX_ns"] = 1;
  EXPECT_EQ(load_error(t),
            "t.json: flash.timing.tX_ns: unknown key; accepted keys here: tBERS_ns, tPROG_ns, tRCBSY_ns, tR_ns");
}

TEST(PlatformConfig, StringWhereANumberBelongs) {
  json t = tiny();
  t["flash"]["timing"]["tR_ns"] = "4us";
  EXPECT_EQ(load_error(t), "t.json: flash.timing.tR_ns: expected a positive number in ns, got \"4us\"");
}

TEST(PlatformConfig, PlanesPerDieMustBeFrom1To64) {
  json t = tiny();
  t["flash"]["geometry"]["planes_per_die"] = 0;
  EXPECT_EQ(load_error(t), "t.json: flash.geometry.planes_per_die: expected an integer from 1 to 64, got 0");
  t["flash"]["geometry"]["planes_per_die"] = 65;
  EXPECT_EQ(load_error(t), "t.json: flash.geometry.planes_per_die: expected an integer from 1 to 64, got 65");
}

TEST(PlatformConfig, NegativeChannelRate) {
  json t = tiny();
  t["channels"]["rate_GBps"] = -4.8;
  EXPECT_EQ(load_error(t), "t.json: channels.rate_GBps: expected a positive number in GB/s, got -4.8");
}

TEST(PlatformConfig, MorePlanesPerCommandThanPlanesPerDie) {
  json t = tiny();
  t["flash"]["geometry"]["planes_per_die"] = 2;  // the controller still allows 4
  EXPECT_EQ(load_error(t), "t.json: controller.max_planes_per_command: 4 exceeds flash.geometry.planes_per_die (2)");
}

TEST(PlatformConfig, DeclaredCapacityContradictingTheGeometry) {
  json t = tiny();
  t["flash"]["geometry"]["declared_capacity_Gib_per_plane"] = 4.1484;
  EXPECT_EQ(load_error(t), "t.json: flash.geometry.declared_capacity_Gib_per_plane: 4.1484 Gib contradicts the "
                         "geometry, which gives 0.00390625 Gib "
                         "(pages_per_block x blocks_per_plane x page_data_bytes x 8 / 2^30)");
}

TEST(PlatformConfig, MissingRequiredKeys) {
  json t = tiny();
  t["flash"]["timing"].erase("tPROG_ns");
  EXPECT_EQ(load_error(t), "t.json: flash.timing.tPROG_ns: missing; expected a positive number in ns");
  t = tiny();
  t.erase("channels");
  EXPECT_EQ(load_error(t), "t.json: channels: missing; expected an object or a file name");
  t = tiny();
  t["channels"].erase("dies_per_channel");
  EXPECT_EQ(load_error(t), "t.json: channels.dies_per_channel: missing; expected an integer from 1 to 64");
}

}  // namespace
// ---- the C-ABI's session section ---------------------------------------------------------

TEST(PlatformConfig, TinyCapiHasASessionWithDefaults) {
  const PlatformConfig p = load_platform(kPlatforms + "/tiny-capi.json");
  ASSERT_TRUE(p.session.has_value());
  EXPECT_EQ(p.session->model, "tiny-gqa");
  EXPECT_EQ(p.session->context_tokens, 0u);
  EXPECT_EQ(p.session->precision, Precision::Bf16);
  EXPECT_EQ(p.session->accounting, Accounting::Faithful);
  EXPECT_EQ(p.session->element, ElementType::Bf16);
  EXPECT_TRUE(p.session->functional);
  EXPECT_FALSE(load(tiny()).session.has_value());
}

TEST(PlatformConfig, SessionByOverridesAlone) {
  const PlatformConfig p = load(tiny(), sets({"session.model=tiny-mha", "session.element=fp16",
                                              "session.context_tokens=100", "session.functional=false"}));
  ASSERT_TRUE(p.session.has_value());
  EXPECT_EQ(p.session->model, "tiny-mha");
  EXPECT_EQ(p.session->element, ElementType::Fp16);
  EXPECT_EQ(p.session->context_tokens, 100u);
  EXPECT_FALSE(p.session->functional);
}

TEST(PlatformConfig, SessionErrorsNameTheKey) {
  json t = tiny();
  t["session"] = json::object();
  EXPECT_EQ(load_error(t), "t.json: session.model: missing; give a workload name such as tiny-gqa, or a model file");
  t["session"] = {{"model", "tiny-gqa"}, {"element", "fp32"}};
  EXPECT_NE(load_error(t).find("session.element"), std::string::npos);
  t["session"] = {{"model", "tiny-gqa"}, {"precision", "w8a8"}};
  EXPECT_EQ(load_error(t),
            "t.json: session.functional: true needs 16-bit K/V and activations; precision \"w8a8\" stores 8-bit K/V "
            "(set session.functional to false for timing only, or precision to bf16 or w4a16)");
  t["session"]["functional"] = false;
  EXPECT_EQ(load(t).session->precision, Precision::W8A8);
  t["session"]["colour"] = "blue";
  EXPECT_NE(load_error(t).find("session.colour: unknown key"), std::string::npos);
}

}  // namespace kvnand
