// The SoC's NPU as configured: MAC-array and vector-unit throughput, power, per-op launch cost and
// the element-wise cost of each nonlinear op; plus the time one op takes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <systemc>

namespace kvnand::config {
class Node;
}

namespace kvnand {

/// What the NPU runs during decode (REFERENCE §2). Attention and MoeRouting are MAC ops (the
/// baseline's attention over DRAM-resident KV, the MoE gate GEMV); the rest are element-wise.
enum class NpuOpKind : std::uint8_t {
  Softmax,
  RmsNorm,
  LayerNorm,
  Rope,
  Silu,
  Gelu,
  Relu,
  Multiply,
  ResidualAdd,
  Aggregate,
  MoeRouting,
  Attention,
  Argmax,
};
inline constexpr std::size_t kNpuOpKindCount = static_cast<std::size_t>(NpuOpKind::Argmax) + 1;

inline constexpr std::array<NpuOpKind, kNpuOpKindCount> kAllNpuOpKinds = {
    NpuOpKind::Softmax,     NpuOpKind::RmsNorm,   NpuOpKind::LayerNorm,  NpuOpKind::Rope,
    NpuOpKind::Silu,        NpuOpKind::Gelu,      NpuOpKind::Relu,       NpuOpKind::Multiply,
    NpuOpKind::ResidualAdd, NpuOpKind::Aggregate, NpuOpKind::MoeRouting, NpuOpKind::Attention,
    NpuOpKind::Argmax,
};

inline constexpr std::size_t index_of(NpuOpKind kind) { return static_cast<std::size_t>(kind); }

/// "softmax", "rmsnorm", "layernorm", "rope", "silu", "gelu", "relu", "multiply", "residual_add",
/// "aggregate", "moe_routing", "attention", "argmax" (the keys of "ops_per_element").
const char* to_string(NpuOpKind kind);

/// Whether the op runs on the MAC array (counted in MACs) rather than the vector unit.
constexpr bool is_mac_op(NpuOpKind kind) { return kind == NpuOpKind::Attention || kind == NpuOpKind::MoeRouting; }

struct NpuSpec {
  /// MAC-array peak in 10^12 ops/s; one MAC counts as two ops.
  double peak_TOPS = 0;
  /// Element-wise (vector) unit throughput in 10^12 ops/s.
  double vector_TOPS = 0;
  /// Active power; energy = power_W x busy time.
  double power_W = 0;
  /// Fixed cost of every operation (dispatch, pipeline fill).
  sc_core::sc_time op_launch;
  /// Vector ops per element, by index_of(kind); zero for the MAC ops.
  std::array<double, kNpuOpKindCount> ops_per_element{};
};

/// Reads the "npu" section. Keys (all required; "description" optional): peak_TOPS, vector_TOPS,
/// power_W, op_launch_ns, ops_per_element {one key per element-wise kind, see to_string}.
/// Suggested ops_per_element, counted as vector-unit operations per element:
///   softmax 5 (max, subtract, exp, sum, divide)   rmsnorm 4 (square, sum, rsqrt-scale, gain)
///   layernorm 7 (mean, subtract, square, sum, rsqrt-scale, gain, bias)   rope 6 (2 mul + add per
///   rotated pair, cos/sin lookups)   silu 5 (negate, exp, add, divide, multiply)   gelu 8 (tanh form)
///   relu 1   multiply 1   residual_add 1   aggregate 1 (one add per incoming partial element)
///   argmax 1 (one compare per logit)
NpuSpec parse_npu_spec(config::Node node);

/// Time of one op: op_launch + elements x ops_per_element(kind) / vector rate + macs x 2 / peak
/// rate, each term rounded to the picosecond once. Throws std::invalid_argument when `macs` is
/// non-zero for an element-wise kind.
sc_core::sc_time npu_op_duration(const NpuSpec& spec, NpuOpKind kind, std::uint64_t elements, std::uint64_t macs);

}  // namespace kvnand
