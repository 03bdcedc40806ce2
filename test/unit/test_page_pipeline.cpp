// parse_ifc_spec (Table I values and the errors naming the key), page_stage_times with Table I
// numbers, stream_end against hand-computed times, and page mode against stream mode: equal ends
// for random stage times and the shape of the page-by-page intervals.
#include "ifc/page_pipeline.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/config_reader.h"
#include "ifc/ifc_spec.h"
#include "table1_specs.h"

namespace kvnand {
namespace {

using test::table1_flash;

sc_core::sc_time ps(std::uint64_t v) { return sc_core::sc_time::from_value(v); }

const char* const kTableI = R"({"ifc": {
  "fmacs_per_plane": 16,
  "pe_clock_MHz": 400,
  "ecc_Gbps_per_plane": 14.6,
  "global_buffer_bytes": 266240,
  "kv_buffer_bytes_per_plane": 8192,
  "partial_sum_bytes": 4,
  "mac_energy_pJ": 1.09,
  "ecc_decode_pJ_per_bit": 0.359,
  "ecc_encode_pJ_per_bit": 0.082,
  "global_buffer_power_mW": 18.4
  EXTRA}})";

/// The Table I object with `extra` spliced in after the last key (", \"k\": v") and `drop` removed.
std::string table1(const std::string& extra = "", const std::string& drop = "") {
  std::string text = kTableI;
  text.replace(text.find("EXTRA"), 5, extra);
  if (!drop.empty()) {
    const std::size_t at = text.find("\"" + drop + "\"");
    const std::size_t line_end = text.find('\n', at);
    text.erase(at, line_end - at + 1);
  }
  return text;
}

IfcSpec parse(const std::string& text) {
  config::Document doc = config::Document::load_text(text, "t.json");
  return parse_ifc_spec(doc.root().object("ifc"));
}

std::string parse_error(const std::string& text) {
  try {
    parse(text);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

// ---- parse_ifc_spec ----------------------------------------------------------------------

TEST(IfcSpec, ParsesTableI) {
  const IfcSpec s = parse(table1());
  EXPECT_EQ(s.fmacs_per_plane, 16u);
  EXPECT_EQ(s.pe_clock_MHz, 400.0);
  EXPECT_EQ(s.ecc_Gbps_per_plane, 14.6);
  EXPECT_EQ(s.global_buffer_bytes, 266240u);
  EXPECT_EQ(s.kv_buffer_bytes_per_plane, 8192u);
  EXPECT_EQ(s.partial_sum_bytes, 4u);
  EXPECT_EQ(s.mac_energy_pJ, 1.09);
  EXPECT_EQ(s.ecc_decode_pJ_per_bit, 0.359);
  EXPECT_EQ(s.ecc_encode_pJ_per_bit, 0.082);
  EXPECT_EQ(s.global_buffer_power_mW, 18.4);
  EXPECT_EQ(s.mode, PipelineMode::Stream);
}

TEST(IfcSpec, PipelineModePage) {
  EXPECT_EQ(parse(table1(R"(, "pipeline_mode": "page")")).mode, PipelineMode::Page);
  EXPECT_EQ(parse(table1(R"(, "pipeline_mode": "stream")")).mode, PipelineMode::Stream);
}

TEST(IfcSpec, MissingKeyIsNamed) {
  EXPECT_EQ(parse_error(table1("", "pe_clock_MHz")),
            "t.json: ifc.pe_clock_MHz: missing; expected a positive number in MHz");
  EXPECT_EQ(parse_error(table1("", "kv_buffer_bytes_per_plane")),
            "t.json: ifc.kv_buffer_bytes_per_plane: missing; expected an integer from 0 to 4294967295");
}

TEST(IfcSpec, WrongTypeIsNamed) {
  std::string text = table1();
  text.replace(text.find("400"), 3, "\"fast\"");
  EXPECT_EQ(parse_error(text), "t.json: ifc.pe_clock_MHz: expected a positive number in MHz, got \"fast\"");
}

TEST(IfcSpec, OutOfRangeIsNamed) {
  std::string text = table1();
  text.replace(text.find("\"partial_sum_bytes\": 4"), 22, "\"partial_sum_bytes\": 9");
  EXPECT_EQ(parse_error(text), "t.json: ifc.partial_sum_bytes: expected an integer from 1 to 8, got 9");
  text = table1();
  text.replace(text.find("\"fmacs_per_plane\": 16"), 21, "\"fmacs_per_plane\": 0");
  EXPECT_EQ(parse_error(text).rfind("t.json: ifc.fmacs_per_plane: expected an integer from 1 to ", 0), 0u);
}

TEST(IfcSpec, UnknownKeyIsNamed) {
  const std::string error = parse_error(table1(R"(, "fmac_count": 16)"));
  EXPECT_EQ(error.rfind("t.json: ifc.fmac_count: unknown key; accepted keys here: ", 0), 0u) << error;
}

TEST(IfcSpec, BadPipelineModeIsNamed) {
  EXPECT_EQ(parse_error(table1(R"(, "pipeline_mode": "batch")")),
            "t.json: ifc.pipeline_mode: expected one of \"stream\", \"page\", got \"batch\"");
}

// ---- page_stage_times ----------------------------------------------------------------------

TEST(PageStageTimes, TableI) {
  const IfcSpec ifc = parse(table1());
  const PageStageTimes t = page_stage_times(table1_flash(), ifc, 2048);
  EXPECT_EQ(t.array, ps(4000000));
  // 4544 B * 8 = 36352 bits at 14.6e9 bit/s = 2,489,863.01 ps.
  EXPECT_EQ(t.ecc, ps(2489863));
  // 2048 / 16 = 128 cycles of 2500 ps.
  EXPECT_EQ(t.pe, ps(320000));
  EXPECT_EQ(page_stage_times(table1_flash(), ifc, 16384).pe, ps(2560000));
}

TEST(PageStageTimes, PartialCycleCountsWholeAndReadOutHasNoPeTime) {
  const IfcSpec ifc = parse(table1());
  EXPECT_EQ(page_stage_times(table1_flash(), ifc, 2049).pe, ps(322500));  // 129 cycles
  EXPECT_EQ(page_stage_times(table1_flash(), ifc, 1).pe, ps(2500));
  EXPECT_EQ(page_stage_times(table1_flash(), ifc, 0).pe, ps(0));
}

// ---- stream_end ----------------------------------------------------------------------------

TEST(StreamEnd, TableIGemvIsArrayBound) {
  const PageStageTimes t{ps(4000000), ps(2489863), ps(320000)};
  const sc_core::sc_time start = ps(1000);
  EXPECT_EQ(stream_end(t, 0, start), ps(1000));
  EXPECT_EQ(stream_end(t, 1, start), ps(6810863));    // 1000 + 4,000,000 + 2,489,863 + 320,000
  EXPECT_EQ(stream_end(t, 2, start), ps(10810863));   // + 4,000,000
  EXPECT_EQ(stream_end(t, 100, start), ps(402810863));  // 6,810,863 + 99 * 4,000,000
}

TEST(StreamEnd, PeBoundWhenPagesNeedManyMacs) {
  // 65536 MACs: 4096 cycles = 10,240,000 ps per page.
  const PageStageTimes t{ps(4000000), ps(2489863), ps(10240000)};
  EXPECT_EQ(stream_end(t, 10, ps(0)), ps(108889863));  // 16,729,863 + 9 * 10,240,000
}

TEST(StreamEnd, EachStageAsBottleneck) {
  EXPECT_EQ(stream_end({ps(7), ps(3), ps(5)}, 4, ps(100)), ps(136));  // 100 + 15 + 3 * 7
  EXPECT_EQ(stream_end({ps(2), ps(9), ps(4)}, 3, ps(0)), ps(33));     // 15 + 2 * 9
  EXPECT_EQ(stream_end({ps(1), ps(2), ps(11)}, 6, ps(0)), ps(69));    // 14 + 5 * 11
  EXPECT_EQ(stream_end({ps(5), ps(5), ps(5)}, 3, ps(0)), ps(25));     // 15 + 2 * 5
}

TEST(StreamEnd, LongStreamStaysExact) {
  const PageStageTimes t{ps(4000000), ps(2489863), ps(320000)};
  // 10^9 pages: 4e15 ps, beyond what a double-valued multiplication keeps exact at ps.
  EXPECT_EQ(stream_end(t, 1000000000, ps(1)), ps(3999999996000000ull + 6809863ull + 1ull));
}

// ---- page mode -----------------------------------------------------------------------------

/// SplitMix64: a tiny seeded generator whose sequence is the same on every standard library.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform enough in [0, n) for test inputs.
  std::uint64_t below(std::uint64_t n) { return next() % n; }

 private:
  std::uint64_t state_;
};

TEST(PageByPage, MatchesHandComputedEnds) {
  const PageStageTimes t{ps(4000000), ps(2489863), ps(320000)};
  EXPECT_EQ(page_by_page_end(t, 0, ps(1000)), ps(1000));
  EXPECT_EQ(page_by_page_end(t, 1, ps(1000)), ps(6810863));
  EXPECT_EQ(page_by_page_end(t, 100, ps(1000)), ps(402810863));
  EXPECT_EQ(page_by_page_end({ps(7), ps(3), ps(5)}, 4, ps(100)), ps(136));
  EXPECT_EQ(page_by_page_end({ps(2), ps(9), ps(4)}, 3, ps(0)), ps(33));
  EXPECT_EQ(page_by_page_end({ps(1), ps(2), ps(11)}, 6, ps(0)), ps(69));
}

TEST(PageByPage, BlockedPagesWaitInTheirStage) {
  // Stage times 1, 5, 1 with a start at 0: page 1 finishes the array at 2 but can move to the
  // cache register only when page 0 leaves ECC at 6, so page 2 enters the array at 6, not 2.
  std::vector<PageStageInterval> seen;
  page_by_page_end({ps(1), ps(5), ps(1)}, 3, ps(0), [&](const PageStageInterval& i) { seen.push_back(i); });
  ASSERT_EQ(seen.size(), 9u);
  EXPECT_EQ(seen[3].stage, PipelineStage::Array);
  EXPECT_EQ(seen[3].start, ps(1));
  EXPECT_EQ(seen[3].end, ps(2));
  EXPECT_EQ(seen[4].start, ps(6));   // page 1 ECC
  EXPECT_EQ(seen[6].page, 2u);
  EXPECT_EQ(seen[6].start, ps(6));   // page 2 array
  EXPECT_EQ(seen[7].start, ps(11));  // page 2 ECC
  EXPECT_EQ(seen[8].end, ps(17));    // 7 + 2 * 5
}

TEST(PageByPage, AgreesWithStreamEndForRandomStageTimes) {
  SplitMix64 rng(20251203);
  // Small values make ties and every bottleneck frequent; large ones look like real stage times.
  const std::uint64_t ranges[] = {4, 20, 5000000};
  int cases = 0;
  for (std::uint64_t range : ranges)
    for (int trial = 0; trial < 60; ++trial) {
      const PageStageTimes t{ps(1 + rng.below(range)), ps(rng.below(range)), ps(rng.below(range))};
      const sc_core::sc_time start = ps(rng.below(1000000));
      for (std::uint64_t n = 0; n <= 200; ++n) {
        ASSERT_EQ(page_by_page_end(t, n, start), stream_end(t, n, start))
            << "array " << t.array.value() << " ecc " << t.ecc.value() << " pe " << t.pe.value() << " n " << n;
        ++cases;
      }
    }
  EXPECT_EQ(cases, 3 * 60 * 201);
}

TEST(PageByPage, EqualStagesAndEachBottleneckAgree) {
  const std::uint64_t v[] = {0, 1, 3, 4000000};
  for (std::uint64_t a : v)
    for (std::uint64_t e : v)
      for (std::uint64_t p : v) {
        if (a == 0) continue;  // tR is always positive
        const PageStageTimes t{ps(a), ps(e), ps(p)};
        for (std::uint64_t n = 0; n <= 200; ++n)
          ASSERT_EQ(page_by_page_end(t, n, ps(7)), stream_end(t, n, ps(7))) << a << " " << e << " " << p << " " << n;
      }
}

TEST(PageByPage, IntervalsAreOrderedAndDoNotOverlap) {
  SplitMix64 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    const PageStageTimes t{ps(1 + rng.below(50)), ps(rng.below(50)), ps(rng.below(50))};
    const std::uint64_t n = 1 + rng.below(60);
    std::vector<PageStageInterval> seen;
    const sc_core::sc_time end =
        page_by_page_end(t, n, ps(100), [&](const PageStageInterval& i) { seen.push_back(i); });
    ASSERT_EQ(seen.size(), 3 * n);
    const sc_core::sc_time work[] = {t.array, t.ecc, t.pe};
    sc_core::sc_time stage_free[3] = {ps(100), ps(100), ps(100)};
    for (std::uint64_t page = 0; page < n; ++page) {
      sc_core::sc_time previous_stage_end = ps(100);
      for (int k = 0; k < 3; ++k) {
        const PageStageInterval& i = seen[page * 3 + static_cast<std::uint64_t>(k)];
        EXPECT_EQ(i.page, page);
        EXPECT_EQ(static_cast<int>(i.stage), k);
        EXPECT_EQ(i.end - i.start, work[k]);
        EXPECT_GE(i.start, stage_free[k]) << "stage " << k << " overlaps at page " << page;
        EXPECT_GE(i.start, previous_stage_end) << "page " << page << " stage " << k << " before the one ahead";
        stage_free[k] = i.end;
        previous_stage_end = i.end;
      }
    }
    EXPECT_EQ(seen.back().end, end);
    EXPECT_EQ(end, stream_end(t, n, ps(100)));
  }
}

TEST(PageByPage, NoPagesNoIntervals) {
  int calls = 0;
  EXPECT_EQ(page_by_page_end({ps(1), ps(1), ps(1)}, 0, ps(5), [&](const PageStageInterval&) { ++calls; }), ps(5));
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace kvnand
