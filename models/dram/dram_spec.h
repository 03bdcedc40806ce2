// The LPDDR DRAM of the Base-1 baseline as configured: channels, capacity, bandwidth, access
// latency, burst and interleave granules, and energy.
#pragma once

#include <cstdint>

#include <systemc>

namespace kvnand::config {
class Node;
}

namespace kvnand {

struct DramSpec {
  /// LPDDR channels, one device each.
  std::uint32_t channels = 0;
  /// Device capacity in Gib (2^30 bits); a whole number of interleave granules.
  double capacity_Gib_per_channel = 0;
  /// Peak data rate of one channel in 10^9 bytes per second.
  double bandwidth_GBps_per_channel = 0;
  /// From a request to its first data on an idle channel (row activate + CAS).
  sc_core::sc_time access_latency;
  /// Access granularity: a request's bytes on a channel round up to whole bursts.
  std::uint64_t burst_bytes = 0;
  /// Consecutive host bytes on one channel before the next channel takes over.
  std::uint64_t interleave_bytes = 0;
  /// Access energy per bit moved, read or write.
  double energy_pJ_per_bit = 0;
  /// Standby and refresh power of one device, drawn for the whole run.
  double background_power_mW_per_channel = 0;

  std::uint64_t channel_capacity_bytes() const;
  /// All channels together: the size of the host's DRAM address space.
  std::uint64_t capacity_bytes() const { return channel_capacity_bytes() * channels; }
};

/// Reads the "dram" section. Keys (all required unless noted; "description" optional):
/// channels, capacity_Gib_per_channel, bandwidth_GBps_per_channel, access_latency_ns,
/// burst_bytes, interleave_bytes (a multiple of burst_bytes), energy_pJ_per_bit,
/// background_power_mW_per_channel (default 0).
DramSpec parse_dram_spec(config::Node node);

}  // namespace kvnand
