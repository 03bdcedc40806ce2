#include "ifc/page_pipeline.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "common/sim_time.h"

namespace kvnand {
namespace {

constexpr double kHertzPerMegahertz = 1e6;
constexpr double kBitsPerSecondPerGbps = 1e9;
constexpr std::size_t kStages = 3;

sc_core::sc_time seconds_to_ps(double seconds) {
  return picoseconds(static_cast<std::uint64_t>(std::llround(seconds * kPicosecondsPerSecond)));
}

}  // namespace

PageStageTimes page_stage_times(const FlashSpec& flash, const IfcSpec& ifc, std::uint64_t macs_per_page) {
  const double page_bits = flash.geometry.page_total_bytes() * kBitsPerByte;
  const std::uint64_t cycles =
      macs_per_page / ifc.fmacs_per_plane + (macs_per_page % ifc.fmacs_per_plane != 0 ? 1 : 0);
  PageStageTimes t;
  t.array = flash.timing.tR;
  t.ecc = seconds_to_ps(page_bits / (ifc.ecc_Gbps_per_plane * kBitsPerSecondPerGbps));
  t.pe = seconds_to_ps(static_cast<double>(cycles) / (ifc.pe_clock_MHz * kHertzPerMegahertz));
  return t;
}

sc_core::sc_time stream_end(const PageStageTimes& t, std::uint64_t pages, const sc_core::sc_time& start) {
  if (pages == 0) return start;
  const sc_core::sc_time bottleneck = std::max({t.array, t.ecc, t.pe});
  // Integer picoseconds: multiplying an sc_time by a double would round long streams.
  return start + t.array + t.ecc + t.pe + picoseconds(bottleneck.value() * (pages - 1));
}

sc_core::sc_time page_by_page_end(const PageStageTimes& t, std::uint64_t pages, const sc_core::sc_time& start,
                                  const std::function<void(const PageStageInterval&)>& on_interval) {
  const std::array<sc_core::sc_time, kStages> work{t.array, t.ecc, t.pe};
  const std::array<PipelineStage, kStages> stage_of{PipelineStage::Array, PipelineStage::Ecc, PipelineStage::Pe};
  // When the previous page left each stage; before the first page every stage is free at start.
  std::array<sc_core::sc_time, kStages> left;
  left.fill(start);
  sc_core::sc_time end = start;
  for (std::uint64_t page = 0; page < pages; ++page) {
    // The page enters the array once the previous page has moved on to the cache register.
    sc_core::sc_time enter = left[0];
    for (std::size_t k = 0; k < kStages; ++k) {
      const sc_core::sc_time done = enter + work[k];
      if (on_interval) on_interval(PageStageInterval{page, stage_of[k], enter, done});
      // Blocked until the previous page has left the next stage; the last stage never blocks.
      const sc_core::sc_time leave = k + 1 < kStages ? std::max(done, left[k + 1]) : done;
      left[k] = leave;
      enter = leave;
    }
    end = left[kStages - 1];
  }
  return end;
}

}  // namespace kvnand
