#include "npu/npu_spec.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "common/config_reader.h"
#include "common/sim_time.h"

namespace kvnand {
namespace {

constexpr double kOpsPerMac = 2.0;
constexpr double kOpsPerSecondPerTOPS = 1e12;
/// One TOPS is one op per picosecond; the ratio is kept explicit rather than folded into a 1.
constexpr double kPicosecondsPerOpAtOneTOPS = kPicosecondsPerSecond / kOpsPerSecondPerTOPS;

std::uint64_t picoseconds_for(double ops, double TOPS) {
  return static_cast<std::uint64_t>(std::llround(ops * kPicosecondsPerOpAtOneTOPS / TOPS));
}

}  // namespace

const char* to_string(NpuOpKind kind) {
  switch (kind) {
    case NpuOpKind::Softmax: return "softmax";
    case NpuOpKind::RmsNorm: return "rmsnorm";
    case NpuOpKind::LayerNorm: return "layernorm";
    case NpuOpKind::Rope: return "rope";
    case NpuOpKind::Silu: return "silu";
    case NpuOpKind::Gelu: return "gelu";
    case NpuOpKind::Relu: return "relu";
    case NpuOpKind::Multiply: return "multiply";
    case NpuOpKind::ResidualAdd: return "residual_add";
    case NpuOpKind::Aggregate: return "aggregate";
    case NpuOpKind::MoeRouting: return "moe_routing";
    case NpuOpKind::Attention: return "attention";
    case NpuOpKind::Argmax: return "argmax";
  }
  return "unknown";
}

NpuSpec parse_npu_spec(config::Node node) {
  NpuSpec spec;
  node.text_or("description", "");
  spec.peak_TOPS = node.number("peak_TOPS", config::positive("TOPS"));
  spec.vector_TOPS = node.number("vector_TOPS", config::positive("TOPS"));
  spec.power_W = node.number("power_W", config::non_negative("W"));
  spec.op_launch = from_ns(node.number("op_launch_ns", config::non_negative("ns")));
  config::Node ops = node.object("ops_per_element");
  for (NpuOpKind kind : kAllNpuOpKinds)
    if (!is_mac_op(kind)) spec.ops_per_element[index_of(kind)] = ops.number(to_string(kind), config::positive("ops"));
  ops.finish();
  node.finish();
  return spec;
}

sc_core::sc_time npu_op_duration(const NpuSpec& spec, NpuOpKind kind, std::uint64_t elements, std::uint64_t macs) {
  if (macs != 0 && !is_mac_op(kind))
    throw std::invalid_argument(std::string("npu_op_duration: ") + to_string(kind) +
                                " is element-wise and takes no MACs (got " + std::to_string(macs) + ")");
  const double vector_ops = static_cast<double>(elements) * spec.ops_per_element[index_of(kind)];
  const double mac_ops = static_cast<double>(macs) * kOpsPerMac;
  return spec.op_launch + picoseconds(picoseconds_for(vector_ops, spec.vector_TOPS)) +
         picoseconds(picoseconds_for(mac_ops, spec.peak_TOPS));
}

}  // namespace kvnand
