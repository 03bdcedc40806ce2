#include "ifc/ifc_engine.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "common/sim_time.h"

namespace kvnand {
namespace {
constexpr double kJoulesPerPicojoule = 1e-12;
constexpr double kWattsPerMilliwatt = 1e-3;
}  // namespace

const char* to_string(IfcKernel kernel) {
  switch (kernel) {
    case IfcKernel::Gemv: return "gemv";
    case IfcKernel::Logit: return "logit";
    case IfcKernel::Attend: return "attend";
    case IfcKernel::ReadOut: return "read_out";
  }
  return "unknown";
}

IfcEngine::IfcEngine(const FlashSpec& flash, const IfcSpec& ifc)
    : flash_(flash),
      ifc_(ifc),
      page_bits_(flash.geometry.page_total_bytes() * kBitsPerByte),
      free_at_(flash.geometry.planes_per_die),
      program_until_(flash.geometry.planes_per_die) {}

void IfcEngine::check_plane(PlaneId plane, const char* what) const {
  if (plane.value() < flash_.geometry.planes_per_die) return;
  std::ostringstream msg;
  msg << "IFC " << what << " on plane " << plane.value() << ", but the die has " << flash_.geometry.planes_per_die
      << " planes (0.." << flash_.geometry.planes_per_die - 1 << ")";
  throw std::invalid_argument(msg.str());
}

sc_core::sc_time IfcEngine::run_plane(
    PlaneId plane, const PageStageTimes& times, std::uint32_t pages, const sc_core::sc_time& start,
    const std::function<void(PlaneId, const PageStageInterval&)>& on_interval) const {
  if (ifc_.mode == PipelineMode::Stream) {
    const sc_core::sc_time end = stream_end(times, pages, start);
    if (on_interval) {
      // Page i enters stage k at start + i x bottleneck + (the stages before k): each stage works
      // from the first page's entry to the last page's exit.
      const sc_core::sc_time rest = end - times.array - times.ecc - times.pe;
      on_interval(plane, PageStageInterval{0, PipelineStage::Array, start, rest + times.array});
      on_interval(plane, PageStageInterval{0, PipelineStage::Ecc, start + times.array, rest + times.array + times.ecc});
      on_interval(plane, PageStageInterval{0, PipelineStage::Pe, start + times.array + times.ecc, end});
    }
    return end;
  }
  if (!on_interval) return page_by_page_end(times, pages, start);
  return page_by_page_end(times, pages, start,
                          [&](const PageStageInterval& interval) { on_interval(plane, interval); });
}

IfcStreamResult IfcEngine::stream(const IfcStreamCommand& cmd, const sc_core::sc_time& arrival,
                                  const std::function<void(PlaneId, const PageStageInterval&)>& on_interval) {
  for (std::uint32_t p = 0; p < PlaneMask::kMaxPlanes; ++p)
    if (cmd.pages_per_plane[p] != 0) check_plane(PlaneId(p), "stream command has pages");
  if (cmd.kernel == IfcKernel::ReadOut && cmd.macs_per_page != 0)
    throw std::invalid_argument("IFC read_out stream command has " + std::to_string(cmd.macs_per_page) +
                                " MACs per page; a read-out computes nothing");

  const PageStageTimes times = page_stage_times(flash_, ifc_, cmd.macs_per_page);
  IfcStreamResult result{arrival, arrival, sc_core::SC_ZERO_TIME};
  bool any = false;
  std::uint64_t pages_total = 0;
  for (std::uint32_t p = 0; p < flash_.geometry.planes_per_die; ++p) {
    const std::uint32_t pages = cmd.pages_per_plane[p];
    if (pages == 0) continue;
    const PlaneId plane(p);
    const sc_core::sc_time start = std::max(arrival, free_at_[p]);
    const sc_core::sc_time end = run_plane(plane, times, pages, start, on_interval);
    if (program_until_[p] > arrival) result.program_stall = std::max(result.program_stall, program_until_[p] - arrival);
    result.start = any ? std::min(result.start, start) : start;
    result.end = any ? std::max(result.end, end) : end;
    any = true;
    free_at_[p] = end;
    stats_.plane_busy += end - start;
    stats_.pe_busy += picoseconds(times.pe.value() * pages);
    stats_.ecc_busy += picoseconds(times.ecc.value() * pages);
    pages_total += pages;
  }

  stats_.commands_per_kernel[static_cast<std::size_t>(cmd.kernel)] += 1;
  stats_.page_reads += pages_total;
  stats_.macs += pages_total * cmd.macs_per_page;
  const double bits = static_cast<double>(pages_total) * page_bits_;
  stats_.read_energy_J += bits * flash_.energy.read_pJ_per_bit * kJoulesPerPicojoule;
  stats_.ecc_energy_J += bits * ifc_.ecc_decode_pJ_per_bit * kJoulesPerPicojoule;
  stats_.mac_energy_J +=
      static_cast<double>(pages_total * cmd.macs_per_page) * ifc_.mac_energy_pJ * kJoulesPerPicojoule;
  return result;
}

sc_core::sc_time IfcEngine::program(PlaneId plane, const sc_core::sc_time& arrival, std::uint32_t bytes) {
  check_plane(plane, "program");
  const std::uint32_t page_bytes = flash_.geometry.page_data_bytes;
  if (bytes == 0 || bytes > page_bytes)
    throw std::invalid_argument("IFC program of " + std::to_string(bytes) + " bytes on plane " +
                                std::to_string(plane.value()) + "; a page takes 1.." + std::to_string(page_bytes));

  const std::uint32_t p = plane.value();
  const sc_core::sc_time start = std::max(arrival, free_at_[p]);
  const sc_core::sc_time end = start + flash_.timing.tPROG;
  free_at_[p] = end;
  program_until_[p] = end;

  stats_.pages_programmed += 1;
  stats_.bytes_programmed += bytes;
  stats_.plane_busy += flash_.timing.tPROG;
  // The spare area grows with the data it protects.
  const double bits = static_cast<double>(bytes) * page_bits_ / page_bytes;
  stats_.program_energy_J += bits * flash_.energy.program_pJ_per_bit * kJoulesPerPicojoule;
  stats_.ecc_energy_J += bits * ifc_.ecc_encode_pJ_per_bit * kJoulesPerPicojoule;
  return end;
}

sc_core::sc_time IfcEngine::plane_free_at(PlaneId plane) const {
  check_plane(plane, "query");
  return free_at_[plane.value()];
}

sc_core::sc_time IfcEngine::all_planes_free_at() const {
  return *std::max_element(free_at_.begin(), free_at_.end());
}

void IfcEngine::occupy_all_planes_until(const sc_core::sc_time& until) {
  for (sc_core::sc_time& free_at : free_at_) free_at = std::max(free_at, until);
}

double IfcEngine::global_buffer_energy_J(const sc_core::sc_time& duration) const {
  return ifc_.global_buffer_power_mW * kWattsPerMilliwatt * to_seconds(duration);
}

}  // namespace kvnand
