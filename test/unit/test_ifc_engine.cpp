// IfcEngine: per-plane reservations of streams and programs with Table I numbers (ends, waits,
// program stalls, independence of planes), exact counters and energies, argument errors, and a
// page-mode engine giving the same results as a stream-mode one.
#include "ifc/ifc_engine.h"

#include <string>
#include <vector>

#include <tuple>

#include <gtest/gtest.h>

#include "table1_specs.h"

namespace kvnand {
namespace {

using test::table1_flash;
using test::table1_ifc;

sc_core::sc_time ps(std::uint64_t v) { return sc_core::sc_time::from_value(v); }

/// With Table I and 2048 MACs per page: one page takes 4,000,000 + 2,489,863 + 320,000 =
/// 6,809,863 ps through the pipeline, and every further page adds tR = 4,000,000 ps.
IfcStreamCommand gemv(std::initializer_list<std::pair<std::uint32_t, std::uint32_t>> plane_pages,
                      IfcKernel kernel = IfcKernel::Gemv, std::uint64_t macs = 2048) {
  IfcStreamCommand c;
  c.kernel = kernel;
  c.macs_per_page = macs;
  for (const auto& [plane, pages] : plane_pages) c.pages_per_plane[plane] = pages;
  return c;
}

std::string invalid_argument_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected std::invalid_argument";
  return "";
}

class IfcEngineTest : public testing::Test {
 protected:
  IfcEngine engine{table1_flash(), table1_ifc()};
  sc_core::sc_time free_at(std::uint32_t plane) const { return engine.plane_free_at(PlaneId(plane)); }
};

TEST_F(IfcEngineTest, GemvOnFourPlanesEndsAtTheFormula) {
  const IfcStreamResult r = engine.stream(gemv({{0, 10}, {1, 10}, {2, 10}, {3, 10}}), ps(1000000));
  EXPECT_EQ(r.start, ps(1000000));
  EXPECT_EQ(r.end, ps(43809863));  // 1,000,000 + 6,809,863 + 9 * 4,000,000
  EXPECT_EQ(r.program_stall, ps(0));
  for (std::uint32_t p = 0; p < 4; ++p) EXPECT_EQ(free_at(p), ps(43809863)) << p;
  EXPECT_EQ(free_at(4), ps(0));
  EXPECT_EQ(free_at(31), ps(0));
  EXPECT_EQ(engine.all_planes_free_at(), ps(43809863));
}

TEST_F(IfcEngineTest, PlanesAreIndependent) {
  const IfcStreamResult r = engine.stream(gemv({{0, 5}, {1, 10}, {5, 1}}), ps(0));
  EXPECT_EQ(r.start, ps(0));
  EXPECT_EQ(r.end, ps(42809863));
  EXPECT_EQ(free_at(0), ps(22809863));  // 6,809,863 + 4 * 4,000,000
  EXPECT_EQ(free_at(1), ps(42809863));
  EXPECT_EQ(free_at(5), ps(6809863));
}

TEST_F(IfcEngineTest, SecondCommandWaitsForThePlaneReservation) {
  engine.stream(gemv({{0, 5}, {1, 10}}), ps(0));
  const IfcStreamResult r = engine.stream(gemv({{0, 1}, {2, 1}}), ps(10000000));
  EXPECT_EQ(r.start, ps(10000000));  // plane 2 is free on arrival
  EXPECT_EQ(r.end, ps(29619726));    // plane 0: 22,809,863 + 6,809,863
  EXPECT_EQ(free_at(0), ps(29619726));
  EXPECT_EQ(free_at(2), ps(16809863));
  EXPECT_EQ(free_at(1), ps(42809863));
  EXPECT_EQ(r.program_stall, ps(0));

  // Only busy planes: the start is the earliest plane's start.
  const IfcStreamResult late = engine.stream(gemv({{0, 1}, {1, 1}}), ps(0));
  EXPECT_EQ(late.start, ps(29619726));
  EXPECT_EQ(late.end, ps(49619726));  // plane 1: 42,809,863 + 6,809,863
}

TEST_F(IfcEngineTest, ProgramDelaysOnlyItsPlaneAndShowsAsStall) {
  EXPECT_EQ(engine.program(PlaneId(2), ps(0), 4096), ps(75000000));
  EXPECT_EQ(free_at(2), ps(75000000));

  const IfcStreamResult r = engine.stream(gemv({{2, 1}, {3, 1}}), ps(1000000));
  EXPECT_EQ(r.start, ps(1000000));
  EXPECT_EQ(r.end, ps(81809863));  // 75,000,000 + 6,809,863
  EXPECT_EQ(r.program_stall, ps(74000000));
  EXPECT_EQ(free_at(3), ps(7809863));

  // Another plane never sees the program.
  const IfcStreamResult other = engine.stream(gemv({{3, 1}}), ps(1000000));
  EXPECT_EQ(other.program_stall, ps(0));
  EXPECT_EQ(other.end, ps(14619726));  // 7,809,863 + 6,809,863

  // Once the program is over it stalls nothing, although the plane is still busy computing.
  const IfcStreamResult after = engine.stream(gemv({{2, 1}}), ps(80000000));
  EXPECT_EQ(after.program_stall, ps(0));
  EXPECT_EQ(after.start, ps(81809863));
}

TEST_F(IfcEngineTest, ProgramWaitsForAStream) {
  engine.stream(gemv({{1, 2}}), ps(0));  // plane 1 busy until 10,809,863
  EXPECT_EQ(engine.program(PlaneId(1), ps(500), 100), ps(85809863));
  EXPECT_EQ(engine.program(PlaneId(1), ps(90000000), 100), ps(165000000));
}

TEST_F(IfcEngineTest, CountersAndEnergiesAreExact) {
  engine.stream(gemv({{0, 10}, {1, 10}, {2, 10}, {3, 10}}), ps(0));
  const IfcStats& s = engine.stats();
  EXPECT_EQ(s.page_reads, 40u);
  EXPECT_EQ(s.macs, 81920u);
  EXPECT_EQ(s.commands_per_kernel[static_cast<std::size_t>(IfcKernel::Gemv)], 1u);
  EXPECT_EQ(s.plane_busy, ps(171239452));  // 4 * 42,809,863
  EXPECT_EQ(s.pe_busy, ps(12800000));      // 40 * 320,000
  EXPECT_EQ(s.ecc_busy, ps(99594520));     // 40 * 2,489,863
  // 40 pages * 36352 bits = 1,454,080 bits.
  EXPECT_DOUBLE_EQ(s.read_energy_J, 4.36224e-6);     // * 3 pJ
  EXPECT_DOUBLE_EQ(s.mac_energy_J, 8.92928e-8);      // 81920 * 1.09 pJ
  EXPECT_DOUBLE_EQ(s.ecc_energy_J, 5.2201472e-7);    // * 0.359 pJ
  EXPECT_DOUBLE_EQ(s.program_energy_J, 0.0);

  // A full page programs 36352 bits (data + spare), half a page 18176.
  engine.program(PlaneId(7), ps(0), 4096);
  engine.program(PlaneId(7), ps(0), 2048);
  EXPECT_EQ(s.pages_programmed, 2u);
  EXPECT_EQ(s.bytes_programmed, 6144u);
  EXPECT_EQ(s.plane_busy, ps(321239452));            // + 2 * 75,000,000
  EXPECT_DOUBLE_EQ(s.program_energy_J, 4.0896e-7);   // 54528 bits * 7.5 pJ
  EXPECT_DOUBLE_EQ(s.ecc_energy_J, 5.26486016e-7);   // + 54528 bits * 0.082 pJ
  EXPECT_EQ(s.page_reads, 40u);

  engine.stream(gemv({{4, 3}}, IfcKernel::Logit, 16384), ps(0));
  engine.stream(gemv({{4, 1}, {5, 1}}, IfcKernel::Attend, 100), ps(0));
  engine.stream(gemv({{6, 2}}, IfcKernel::ReadOut, 0), ps(0));
  EXPECT_EQ(s.commands_per_kernel[static_cast<std::size_t>(IfcKernel::Gemv)], 1u);
  EXPECT_EQ(s.commands_per_kernel[static_cast<std::size_t>(IfcKernel::Logit)], 1u);
  EXPECT_EQ(s.commands_per_kernel[static_cast<std::size_t>(IfcKernel::Attend)], 1u);
  EXPECT_EQ(s.commands_per_kernel[static_cast<std::size_t>(IfcKernel::ReadOut)], 1u);
  EXPECT_EQ(s.page_reads, 47u);
  EXPECT_EQ(s.macs, 81920u + 49152u + 200u);
  // 3 * 2,560,000 + 2 * 7 cycles (100 MACs) * 2500 + 0.
  EXPECT_EQ(s.pe_busy, ps(12800000 + 7680000 + 35000));
  EXPECT_EQ(s.ecc_busy, ps(47 * 2489863ull));
  // 47 pages: 1,708,544 bits; 131,272 MACs.
  EXPECT_DOUBLE_EQ(s.read_energy_J, 5.125632e-6);
  EXPECT_DOUBLE_EQ(s.mac_energy_J, 1.4308648e-7);
}

TEST_F(IfcEngineTest, EmptyCommandEndsAtArrivalAndCounts) {
  const IfcStreamResult r = engine.stream(gemv({}), ps(123));
  EXPECT_EQ(r.start, ps(123));
  EXPECT_EQ(r.end, ps(123));
  EXPECT_EQ(r.program_stall, ps(0));
  EXPECT_EQ(engine.stats().commands_per_kernel[0], 1u);
  EXPECT_EQ(engine.stats().page_reads, 0u);
  EXPECT_EQ(engine.all_planes_free_at(), ps(0));
}

TEST_F(IfcEngineTest, BadArgumentsThrowAndChangeNothing) {
  EXPECT_EQ(invalid_argument_of([&] { engine.stream(gemv({{0, 1}, {40, 1}}), ps(0)); }),
            "IFC stream command has pages on plane 40, but the die has 32 planes (0..31)");
  EXPECT_EQ(invalid_argument_of([&] { engine.stream(gemv({{32, 1}}), ps(0)); }),
            "IFC stream command has pages on plane 32, but the die has 32 planes (0..31)");
  EXPECT_EQ(invalid_argument_of([&] { engine.stream(gemv({{0, 1}}, IfcKernel::ReadOut, 5), ps(0)); }),
            "IFC read_out stream command has 5 MACs per page; a read-out computes nothing");
  EXPECT_EQ(invalid_argument_of([&] { engine.program(PlaneId(32), ps(0), 4096); }),
            "IFC program on plane 32, but the die has 32 planes (0..31)");
  EXPECT_EQ(invalid_argument_of([&] { engine.program(PlaneId(0), ps(0), 4097); }),
            "IFC program of 4097 bytes on plane 0; a page takes 1..4096");
  EXPECT_EQ(invalid_argument_of([&] { engine.program(PlaneId(0), ps(0), 0); }),
            "IFC program of 0 bytes on plane 0; a page takes 1..4096");
  EXPECT_EQ(free_at(0), ps(0));
  EXPECT_EQ(engine.stats().page_reads, 0u);
  EXPECT_EQ(engine.stats().pages_programmed, 0u);
  EXPECT_EQ(engine.stats().commands_per_kernel[0], 0u);
}

TEST_F(IfcEngineTest, OccupyAllPlanesDelaysEveryPlaneButNeverShortens) {
  engine.stream(gemv({{0, 10}}), ps(0));  // plane 0 until 42,809,863
  engine.occupy_all_planes_until(ps(20000000));
  EXPECT_EQ(free_at(0), ps(42809863));
  EXPECT_EQ(free_at(1), ps(20000000));
  EXPECT_EQ(free_at(31), ps(20000000));
  const IfcStreamResult r = engine.stream(gemv({{9, 1}}), ps(0));
  EXPECT_EQ(r.start, ps(20000000));
  EXPECT_EQ(r.program_stall, ps(0));
  EXPECT_EQ(engine.stats().plane_busy, ps(42809863 + 6809863));
}

TEST_F(IfcEngineTest, GlobalBufferStaticEnergy) {
  EXPECT_DOUBLE_EQ(engine.global_buffer_energy_J(ps(1000000000)), 1.84e-5);  // 18.4 mW for 1 ms
  EXPECT_DOUBLE_EQ(engine.global_buffer_energy_J(ps(0)), 0.0);
}

TEST(IfcKernelNames, AreStable) {
  EXPECT_STREQ(to_string(IfcKernel::Gemv), "gemv");
  EXPECT_STREQ(to_string(IfcKernel::Logit), "logit");
  EXPECT_STREQ(to_string(IfcKernel::Attend), "attend");
  EXPECT_STREQ(to_string(IfcKernel::ReadOut), "read_out");
}

struct Seen {
  PlaneId plane;
  PageStageInterval interval;
};

TEST(IfcEngineIntervals, StreamModeGivesEachStageSpanPerPlane) {
  IfcEngine engine(table1_flash(), table1_ifc(PipelineMode::Stream));
  std::vector<Seen> seen;
  engine.stream(gemv({{1, 2}, {4, 1}}), ps(0), [&](PlaneId p, const PageStageInterval& i) { seen.push_back({p, i}); });
  ASSERT_EQ(seen.size(), 6u);
  // Plane 1, two pages: the array reads both back to back; page 1 leaves ECC at 8 + 2.489863 us
  // and the PEs at 10.809863 us.
  const std::vector<std::tuple<PlaneId, PipelineStage, std::uint64_t, std::uint64_t>> expected{
      {PlaneId(1), PipelineStage::Array, 0, 8000000},       {PlaneId(1), PipelineStage::Ecc, 4000000, 10489863},
      {PlaneId(1), PipelineStage::Pe, 6489863, 10809863},   {PlaneId(4), PipelineStage::Array, 0, 4000000},
      {PlaneId(4), PipelineStage::Ecc, 4000000, 6489863},   {PlaneId(4), PipelineStage::Pe, 6489863, 6809863}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& [plane, stage, start, end] = expected[i];
    EXPECT_EQ(seen[i].plane, plane) << i;
    EXPECT_EQ(seen[i].interval.stage, stage) << i;
    EXPECT_EQ(seen[i].interval.start, ps(start)) << i;
    EXPECT_EQ(seen[i].interval.end, ps(end)) << i;
  }
}

TEST(IfcEngineIntervals, PageModeGivesEveryPageStage) {
  IfcEngine engine(table1_flash(), table1_ifc(PipelineMode::Page));
  std::vector<Seen> seen;
  engine.stream(gemv({{1, 2}, {4, 1}}), ps(0), [&](PlaneId p, const PageStageInterval& i) { seen.push_back({p, i}); });
  ASSERT_EQ(seen.size(), 9u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(seen[i].plane, PlaneId(1)) << i;
  for (std::size_t i = 6; i < 9; ++i) EXPECT_EQ(seen[i].plane, PlaneId(4)) << i;
  EXPECT_EQ(seen[3].interval.page, 1u);
  EXPECT_EQ(seen[3].interval.start, ps(4000000));     // page 1 reads while page 0 is in ECC
  EXPECT_EQ(seen[5].interval.stage, PipelineStage::Pe);
  EXPECT_EQ(seen[5].interval.end, ps(10809863));
  EXPECT_EQ(seen[8].interval.end, ps(6809863));
}

/// SplitMix64: a tiny seeded generator whose sequence is the same on every standard library.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t below(std::uint64_t n) {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (z ^ (z >> 31)) % n;
  }

 private:
  std::uint64_t state_;
};

TEST(IfcEngineModes, PageModeEngineMatchesStreamModeEngine) {
  IfcEngine by_stream(table1_flash(), table1_ifc(PipelineMode::Stream));
  IfcEngine by_page(table1_flash(), table1_ifc(PipelineMode::Page));
  SplitMix64 rng(42);
  const std::uint64_t macs_choices[] = {0, 2048, 16384, 65536, 100};
  sc_core::sc_time arrival;
  for (int step = 0; step < 300; ++step) {
    arrival += ps(rng.below(20000000));
    const std::uint64_t what = rng.below(10);
    if (what == 0) {
      const PlaneId plane(static_cast<std::uint32_t>(rng.below(32)));
      const auto bytes = static_cast<std::uint32_t>(1 + rng.below(4096));
      ASSERT_EQ(by_stream.program(plane, arrival, bytes), by_page.program(plane, arrival, bytes));
    } else if (what == 1) {
      const sc_core::sc_time until = arrival + ps(rng.below(30000000));
      by_stream.occupy_all_planes_until(until);
      by_page.occupy_all_planes_until(until);
    } else {
      IfcStreamCommand cmd;
      cmd.kernel = static_cast<IfcKernel>(rng.below(3));
      cmd.macs_per_page = macs_choices[rng.below(5)];
      if (cmd.macs_per_page == 0) cmd.kernel = IfcKernel::ReadOut;
      for (std::uint32_t p = 0; p < 32; ++p)
        if (rng.below(3) == 0) cmd.pages_per_plane[p] = static_cast<std::uint32_t>(rng.below(40));
      const IfcStreamResult a = by_stream.stream(cmd, arrival);
      const IfcStreamResult b = by_page.stream(cmd, arrival);
      ASSERT_EQ(a.start, b.start) << step;
      ASSERT_EQ(a.end, b.end) << step;
      ASSERT_EQ(a.program_stall, b.program_stall) << step;
    }
    for (std::uint32_t p = 0; p < 32; ++p)
      ASSERT_EQ(by_stream.plane_free_at(PlaneId(p)), by_page.plane_free_at(PlaneId(p))) << step << " " << p;
  }
  const IfcStats& a = by_stream.stats();
  const IfcStats& b = by_page.stats();
  EXPECT_EQ(a.page_reads, b.page_reads);
  EXPECT_EQ(a.macs, b.macs);
  EXPECT_EQ(a.pages_programmed, b.pages_programmed);
  EXPECT_EQ(a.bytes_programmed, b.bytes_programmed);
  EXPECT_EQ(a.commands_per_kernel, b.commands_per_kernel);
  EXPECT_EQ(a.plane_busy, b.plane_busy);
  EXPECT_EQ(a.pe_busy, b.pe_busy);
  EXPECT_EQ(a.ecc_busy, b.ecc_busy);
  EXPECT_EQ(a.read_energy_J, b.read_energy_J);
  EXPECT_EQ(a.mac_energy_J, b.mac_energy_J);
  EXPECT_EQ(a.ecc_energy_J, b.ecc_energy_J);
  EXPECT_EQ(a.program_energy_J, b.program_energy_J);
  // The sequence exercised every kind of step.
  EXPECT_GT(a.pages_programmed, 0u);
  EXPECT_GT(a.commands_per_kernel[static_cast<std::size_t>(IfcKernel::ReadOut)], 0u);
  EXPECT_GT(a.page_reads, 1000u);
}

}  // namespace
}  // namespace kvnand
