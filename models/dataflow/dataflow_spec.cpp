#include "dataflow/dataflow_spec.h"

#include <limits>
#include <string>

#include "common/config_reader.h"

namespace kvnand {
namespace {
constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 40;
constexpr std::uint64_t kMaxCount = std::numeric_limits<std::uint64_t>::max() >> 11;
/// More than any model's KV heads; a step never takes more groups than the layer has.
constexpr std::uint64_t kMaxHeadGroups = 65536;
}  // namespace

const char* to_string(Variant variant) {
  switch (variant) {
    case Variant::Compact: return "compact";
    case Variant::Discrete: return "discrete";
    case Variant::DramKv: return "dram_kv";
    case Variant::NandKv: return "nand_kv";
  }
  return "?";
}

DataflowSpec parse_dataflow_spec(config::Node node, std::uint32_t total_dies) {
  DataflowSpec spec;
  const std::string variant = node.choice_or("variant", "compact", {"compact", "discrete", "dram_kv", "nand_kv"});
  for (Variant v : {Variant::Compact, Variant::Discrete, Variant::DramKv, Variant::NandKv})
    if (variant == to_string(v)) spec.variant = v;
  const bool split = spec.variant == Variant::Discrete || spec.variant == Variant::NandKv;
  if (split) {
    if (total_dies < 2)
      node.fail("variant", "\"" + variant + "\" needs at least 2 dies (G1 and G2); the platform has " +
                               std::to_string(total_dies));
    spec.g2_dies = static_cast<std::uint32_t>(node.integer("g2_dies", 1, total_dies - 1));
    spec.soc_kv_buffer_bytes = node.integer("soc_kv_buffer_bytes", 1, kMaxBytes);
    spec.soc_kv_buffer_power_W = node.number("soc_kv_buffer_power_W", config::non_negative("W"));
  }
  if (spec.variant == Variant::Discrete) {
    spec.head_group_pipelining = node.boolean_or("head_group_pipelining", true);
    spec.head_groups_per_step = static_cast<std::uint32_t>(node.integer_or("head_groups_per_step", 1, 1, kMaxHeadGroups));
  }
  for (const char* key : {"g2_dies", "soc_kv_buffer_bytes", "soc_kv_buffer_power_W"})
    if (!split && node.has(key))
      node.fail(key, "applies to the \"discrete\" and \"nand_kv\" variants only (dataflow.variant is \"" + variant +
                         "\")");
  for (const char* key : {"head_group_pipelining", "head_groups_per_step"})
    if (spec.variant != Variant::Discrete && node.has(key))
      node.fail(key, "applies to the \"discrete\" variant only (dataflow.variant is \"" + variant + "\")");
  const std::string start = node.choice_or("kv_stream_start", to_string(KvStreamStart::Spread),
                                           {to_string(KvStreamStart::Spread), to_string(KvStreamStart::Consecutive)});
  spec.kv_stream_start =
      start == to_string(KvStreamStart::Consecutive) ? KvStreamStart::Consecutive : KvStreamStart::Spread;
  spec.read_disturb_limit_reads = node.integer_or("read_disturb_limit_reads", 1000000, 0, kMaxCount);
  spec.block_allocation_seed = node.integer_or("block_allocation_seed", 1, 0, kMaxCount);
  spec.expert_routing_seed = node.integer_or("expert_routing_seed", 1, 0, kMaxCount);
  node.finish();
  return spec;
}

}  // namespace kvnand
