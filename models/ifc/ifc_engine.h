// One IFC die's compute logic without the SystemC kernel: each plane is a reservation that runs
// streams of pages through its pipeline (page_pipeline.h) or programs a page, plus the die's
// counters and energy. Planes are independent; the logic die drives each plane's pipeline.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include <systemc>

#include "common/flash_address.h"
#include "common/strong_id.h"
#include "flash/flash_spec.h"
#include "ifc/ifc_spec.h"
#include "ifc/page_pipeline.h"

namespace kvnand {

/// What a stream of pages computes. ReadOut reads and corrects pages without MACs.
enum class IfcKernel : std::uint8_t { Gemv, Logit, Attend, ReadOut };
inline constexpr std::size_t kIfcKernelCount = 4;
/// "gemv", "logit", "attend", "read_out".
const char* to_string(IfcKernel kernel);

/// The same kernel over a number of pages on each plane of one die, each page with the same MACs.
struct IfcStreamCommand {
  IfcKernel kernel = IfcKernel::Gemv;
  std::array<std::uint32_t, PlaneMask::kMaxPlanes> pages_per_plane{};  ///< 0 = plane not used
  std::uint64_t macs_per_page = 0;
};

struct IfcStreamResult {
  sc_core::sc_time start;          ///< earliest start among the used planes (arrival if none)
  sc_core::sc_time end;            ///< latest end among the used planes (arrival if none)
  /// How long a page program still held a used plane after the arrival (the longest of them).
  sc_core::sc_time program_stall;
};

struct IfcStats {
  std::uint64_t page_reads = 0;
  std::uint64_t macs = 0;
  std::uint64_t pages_programmed = 0;
  std::uint64_t bytes_programmed = 0;
  std::array<std::uint64_t, kIfcKernelCount> commands_per_kernel{};  ///< indexed by IfcKernel
  /// Sum over planes of their reserved time by streams and programs.
  sc_core::sc_time plane_busy;
  /// Sums over planes and pages of the stages' working time.
  sc_core::sc_time pe_busy, ecc_busy;
  double read_energy_J = 0;
  double mac_energy_J = 0;
  double ecc_energy_J = 0;  ///< decode of pages read plus encode of bits programmed
  double program_energy_J = 0;
};

class IfcEngine {
 public:
  IfcEngine(const FlashSpec& flash, const IfcSpec& ifc);

  /// Each used plane starts at max(arrival, plane_free_at) and is reserved until its pages have
  /// left the pipeline, timed as the spec's mode says. on_interval (when set) receives every
  /// page stage interval in Page mode; in Stream mode three per used plane (page 0), one per
  /// stage, each from the first page entering that stage to the last page leaving it, so the
  /// Array span starts and the Pe span ends the plane's reservation. Throws std::invalid_argument, before
  /// changing anything, for pages on a plane the die does not have or MACs in a ReadOut.
  IfcStreamResult stream(const IfcStreamCommand& cmd, const sc_core::sc_time& arrival,
                         const std::function<void(PlaneId, const PageStageInterval&)>& on_interval = {});

  /// Programs `bytes` (1 .. page data bytes) of one page: starts at max(arrival, plane_free_at),
  /// takes tPROG and reserves the plane; returns the end. The spare share of the page is
  /// programmed and ECC-encoded along with the data. Throws std::invalid_argument for a plane
  /// the die does not have or a size out of range.
  sc_core::sc_time program(PlaneId plane, const sc_core::sc_time& arrival, std::uint32_t bytes);

  sc_core::sc_time plane_free_at(PlaneId plane) const;
  /// The latest plane_free_at of the die.
  sc_core::sc_time all_planes_free_at() const;
  /// Reserves every plane until `until` (a classic ONFI command occupying the whole die; its
  /// time and energy belong to whoever issued it, so the stats do not change).
  void occupy_all_planes_until(const sc_core::sc_time& until);

  const IfcStats& stats() const { return stats_; }
  const IfcSpec& spec() const { return ifc_; }
  /// Static energy of the global buffer over a run of `duration`.
  double global_buffer_energy_J(const sc_core::sc_time& duration) const;

 private:
  void check_plane(PlaneId plane, const char* what) const;
  sc_core::sc_time run_plane(PlaneId plane, const PageStageTimes& times, std::uint32_t pages,
                             const sc_core::sc_time& start,
                             const std::function<void(PlaneId, const PageStageInterval&)>& on_interval) const;

  FlashSpec flash_;
  IfcSpec ifc_;
  double page_bits_;
  std::vector<sc_core::sc_time> free_at_;
  /// End of the latest program on each plane.
  std::vector<sc_core::sc_time> program_until_;
  IfcStats stats_;
};

}  // namespace kvnand
