#include "dataflow/dataflow_spec.h"

#include <limits>
#include <string>

#include "common/config_reader.h"

namespace kvnand {
namespace {
constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 40;
constexpr std::uint64_t kMaxCount = std::numeric_limits<std::uint64_t>::max() >> 11;
}  // namespace

const char* to_string(Variant variant) { return variant == Variant::Compact ? "compact" : "discrete"; }

DataflowSpec parse_dataflow_spec(config::Node node, std::uint32_t total_dies) {
  DataflowSpec spec;
  spec.variant = node.choice_or("variant", "compact", {"compact", "discrete"}) == "compact" ? Variant::Compact
                                                                                            : Variant::Discrete;
  if (spec.variant == Variant::Discrete) {
    if (total_dies < 2)
      node.fail("variant", "the discrete variant needs at least 2 dies (G1 and G2); the platform has " +
                               std::to_string(total_dies));
    spec.g2_dies = static_cast<std::uint32_t>(node.integer("g2_dies", 1, total_dies - 1));
    spec.head_group_pipelining = node.boolean_or("head_group_pipelining", true);
    spec.soc_kv_buffer_bytes = node.integer("soc_kv_buffer_bytes", 1, kMaxBytes);
    spec.soc_kv_buffer_power_W = node.number("soc_kv_buffer_power_W", config::non_negative("W"));
  } else {
    for (const char* key : {"g2_dies", "head_group_pipelining", "soc_kv_buffer_bytes", "soc_kv_buffer_power_W"})
      if (node.has(key)) node.fail(key, "applies to the discrete variant only (dataflow.variant is \"compact\")");
  }
  spec.read_disturb_limit_reads = node.integer_or("read_disturb_limit_reads", 1000000, 0, kMaxCount);
  spec.block_allocation_seed = node.integer_or("block_allocation_seed", 1, 0, kMaxCount);
  spec.expert_routing_seed = node.integer_or("expert_routing_seed", 1, 0, kMaxCount);
  node.finish();
  return spec;
}

}  // namespace kvnand
