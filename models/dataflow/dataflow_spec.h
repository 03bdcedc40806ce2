// How the SoC runtime runs a decode step on a platform: KVNAND's compact or discrete variant or one
// of the baselines the paper compares against, the die split, head-group pipelining, the SoC KV
// buffer, wear policy knobs.
#pragma once

#include <cstdint>

#include "dataflow/kv_mapping.h"

namespace kvnand::config {
class Node;
}

namespace kvnand {

enum class Variant : std::uint8_t {
  Compact,   ///< KVNAND-C: weights and KV share every die
  Discrete,  ///< KVNAND-D: die group G1 holds the weights, G2 the KV cache
  DramKv,    ///< Base-1: IFC dies hold the weights, LPDDR DRAM the KV cache; attention on the NPU
  NandKv,    ///< Base-2: IFC dies (G1) hold the weights, plain NAND dies (G2) the KV cache, read out to the NPU
};
const char* to_string(Variant variant);

struct DataflowSpec {
  Variant variant = Variant::Compact;
  /// Discrete and NandKv: dies in G2 (the KV cache); the remaining dies form G1.
  std::uint32_t g2_dies = 0;
  /// Discrete: G1 generates head group i+1 while G2 attends head group i.
  bool head_group_pipelining = true;
  /// Discrete: head groups per pipeline step: G1 generates their Q, K and V in one GEMV and G2
  /// attends them concurrently (the last step of a layer takes what is left).
  std::uint32_t head_groups_per_step = 1;
  /// Discrete and NandKv: the SoC SRAM that gathers new K/V until a page is full, and its static power.
  std::uint64_t soc_kv_buffer_bytes = 0;
  double soc_kv_buffer_power_W = 0;
  /// Where each KV stream's first page goes (KvMapping).
  KvStreamStart kv_stream_start = KvStreamStart::Spread;
  /// A block read this many times since its erase counts as past the read-disturb limit.
  std::uint64_t read_disturb_limit_reads = 0;
  /// Seeds of the access-aware block choice and of the MoE expert choice.
  std::uint64_t block_allocation_seed = 0;
  std::uint64_t expert_routing_seed = 0;
};

/// The baselines: attention on the NPU, KV cache outside the compute dies.
inline bool is_baseline(Variant variant) { return variant == Variant::DramKv || variant == Variant::NandKv; }
/// Whether new K/V gather in one SoC SRAM buffer before their pages are programmed.
inline bool uses_soc_kv_buffer(Variant variant) { return variant == Variant::Discrete || variant == Variant::NandKv; }

/// Reads the "dataflow" section; total_dies checks g2_dies (1 .. total_dies - 1).
DataflowSpec parse_dataflow_spec(config::Node node, std::uint32_t total_dies);

}  // namespace kvnand
