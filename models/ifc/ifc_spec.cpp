#include "ifc/ifc_spec.h"

#include "common/config_reader.h"

namespace kvnand {
namespace {
/// Counts and sizes are stored as 32-bit.
constexpr std::uint64_t kMaxCount = 0xFFFFFFFFull;
/// A partial sum is at most a double-precision value.
constexpr std::uint64_t kMaxPartialSumBytes = 8;
}  // namespace

IfcSpec parse_ifc_spec(config::Node node) {
  IfcSpec spec;
  node.text_or("description", "");
  spec.fmacs_per_plane = static_cast<std::uint32_t>(node.integer("fmacs_per_plane", 1, kMaxCount));
  spec.pe_clock_MHz = node.number("pe_clock_MHz", config::positive("MHz"));
  spec.ecc_Gbps_per_plane = node.number("ecc_Gbps_per_plane", config::positive("Gb/s"));
  spec.global_buffer_bytes = static_cast<std::uint32_t>(node.integer("global_buffer_bytes", 1, kMaxCount));
  spec.kv_buffer_bytes_per_plane = static_cast<std::uint32_t>(node.integer("kv_buffer_bytes_per_plane", 0, kMaxCount));
  spec.partial_sum_bytes = static_cast<std::uint32_t>(node.integer("partial_sum_bytes", 1, kMaxPartialSumBytes));
  spec.mac_energy_pJ = node.number("mac_energy_pJ", config::non_negative("pJ"));
  spec.ecc_decode_pJ_per_bit = node.number("ecc_decode_pJ_per_bit", config::non_negative("pJ/bit"));
  spec.ecc_encode_pJ_per_bit = node.number("ecc_encode_pJ_per_bit", config::non_negative("pJ/bit"));
  spec.global_buffer_power_mW = node.number("global_buffer_power_mW", config::non_negative("mW"));
  spec.mode = node.choice_or("pipeline_mode", "stream", {"stream", "page"}) == "page" ? PipelineMode::Page
                                                                                   : PipelineMode::Stream;
  node.finish();
  return spec;
}

}  // namespace kvnand
