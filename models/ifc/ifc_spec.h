// The in-flash-compute logic of an IFC die as configured: per-plane PEs and ECC, the die's global
// buffer, their energies, and how the page pipeline is evaluated (the paper's Table I by default).
#pragma once

#include <cstdint>

namespace kvnand::config {
class Node;
}

namespace kvnand {

/// How a plane's page pipeline is timed: Stream evaluates a whole command in closed form, Page
/// walks it page by page (for verification and close-up waveforms). Both give the same times.
enum class PipelineMode : std::uint8_t { Stream, Page };

struct IfcSpec {
  std::uint32_t fmacs_per_plane = 0;
  double pe_clock_MHz = 0;
  /// On-die ECC decoder throughput of one plane, in 10^9 bit/s of page data + spare.
  double ecc_Gbps_per_plane = 0;
  /// Per die: collects finished outputs for the SoC.
  std::uint32_t global_buffer_bytes = 0;
  /// Compact variant: new K/V wait here until a page is full (0 when the variant has none).
  std::uint32_t kv_buffer_bytes_per_plane = 0;
  /// Bytes of one partial sum or score leaving a die.
  std::uint32_t partial_sum_bytes = 0;
  double mac_energy_pJ = 0;
  double ecc_decode_pJ_per_bit = 0;
  double ecc_encode_pJ_per_bit = 0;
  /// Static power of one die's global buffer.
  double global_buffer_power_mW = 0;
  PipelineMode mode = PipelineMode::Stream;
};

/// Reads and validates the IFC logic of a die. Every key is required except "pipeline_mode"
/// ("stream" by default, or "page"); unknown keys are errors.
IfcSpec parse_ifc_spec(config::Node node);

}  // namespace kvnand
