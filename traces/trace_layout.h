// The shape of the platform a trace describes: what signals and tracks exist and how wide
// their values are. Built from the platform config (and the model for decode runs).
#pragma once

#include <cstdint>
#include <string>

namespace kvnand {

struct TraceLayout {
  std::uint32_t channels = 0;
  std::uint32_t dies_per_channel = 0;
  std::uint32_t planes_per_die = 0;
  /// The platform's name and its command scheduler ("tlm" or "rtl") with its clock period (0:
  /// unclocked), for the scheduler log's header.
  std::string platform;
  std::string scheduler = "tlm";
  std::uint64_t scheduler_clock_ps = 0;
  /// Flash microbenchmarks have no NPU, no in-flash compute and no dataflow.
  bool decode = false;
  // Decode runs only:
  /// Where the KV write buffer is: on the dies, one per plane (compact), or in the SoC (discrete).
  bool kv_buffer_on_dies = false;
  std::uint64_t kv_buffer_bytes = 0;      ///< per plane (compact) or the SoC's (discrete)
  std::uint64_t global_buffer_bytes = 0;  ///< per die
  std::uint32_t layers = 0;
  std::uint32_t kv_heads = 0;
  /// Largest token position the run can reach (context + tokens), for the width of `token`.
  std::uint64_t max_token = 0;
  /// LPDDR channels of the DRAM that holds the KV cache (Base-1 decode runs; 0: no DRAM).
  std::uint32_t dram_channels = 0;
  /// Capacity of one DRAM channel: no access moves more, so it bounds the width of `bytes`.
  std::uint64_t dram_channel_bytes = 0;
};

}  // namespace kvnand
