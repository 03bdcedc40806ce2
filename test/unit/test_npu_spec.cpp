// NPU config reading and the exact duration of one op.
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/config_reader.h"
#include "common/sim_time.h"
#include "npu/npu_spec.h"

namespace kvnand {
namespace {

// An example "npu" section: the paper's 32 TOPS / 4.60 W, a 4 TOPS vector unit, 50 ns launch.
const char* const kNpuJson = R"({"npu": {
  "peak_TOPS": 32, "vector_TOPS": 4, "power_W": 4.6, "op_launch_ns": 50,
  "ops_per_element": {"softmax": 5, "rmsnorm": 4, "layernorm": 7, "rope": 6, "silu": 5, "gelu": 8,
                      "relu": 1, "multiply": 1, "residual_add": 1, "aggregate": 1, "argmax": 1}
}})";

NpuSpec spec_with(const std::vector<std::string>& sets = {}) {
  std::vector<config::Override> overrides;
  for (const auto& text : sets) overrides.push_back(config::parse_override(text));
  config::Document doc = config::Document::load_text(kNpuJson, "platform.json", overrides);
  return parse_npu_spec(doc.root().object("npu"));
}

std::string error_of(const std::vector<std::string>& sets) {
  try {
    spec_with(sets);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

sc_core::sc_time ps(std::uint64_t value) { return picoseconds(value); }

TEST(NpuSpec, ReadsEveryKey) {
  const NpuSpec spec = spec_with();
  EXPECT_EQ(spec.peak_TOPS, 32.0);
  EXPECT_EQ(spec.vector_TOPS, 4.0);
  EXPECT_EQ(spec.power_W, 4.6);
  EXPECT_EQ(spec.op_launch, ps(50'000));
  EXPECT_EQ(spec.ops_per_element[index_of(NpuOpKind::Softmax)], 5.0);
  EXPECT_EQ(spec.ops_per_element[index_of(NpuOpKind::LayerNorm)], 7.0);
  EXPECT_EQ(spec.ops_per_element[index_of(NpuOpKind::Gelu)], 8.0);
  EXPECT_EQ(spec.ops_per_element[index_of(NpuOpKind::ResidualAdd)], 1.0);
  // The MAC ops are costed by MACs, not elements.
  EXPECT_EQ(spec.ops_per_element[index_of(NpuOpKind::Attention)], 0.0);
  EXPECT_EQ(spec.ops_per_element[index_of(NpuOpKind::MoeRouting)], 0.0);
}

TEST(NpuSpec, KindNamesAreTheConfigKeysInDeclarationOrder) {
  const std::vector<std::string> expected = {"softmax", "rmsnorm", "layernorm", "rope", "silu",
                                             "gelu", "relu", "multiply", "residual_add", "aggregate",
                                             "moe_routing", "attention", "argmax"};
  ASSERT_EQ(kNpuOpKindCount, 13u);
  for (std::size_t i = 0; i < kNpuOpKindCount; ++i) {
    EXPECT_EQ(index_of(kAllNpuOpKinds[i]), i);
    EXPECT_EQ(to_string(kAllNpuOpKinds[i]), expected[i]);
  }
  EXPECT_TRUE(is_mac_op(NpuOpKind::Attention));
  EXPECT_TRUE(is_mac_op(NpuOpKind::MoeRouting));
  EXPECT_FALSE(is_mac_op(NpuOpKind::Softmax));
}

TEST(NpuSpec, ErrorsNameTheKey) {
  EXPECT_EQ(error_of({"npu.ops_per_element={\"softmax\": 5}"}),
            "--set: npu.ops_per_element.rmsnorm: missing; expected a positive number in ops");
  EXPECT_EQ(error_of({"npu.ops_per_element.attention=3"}),
            "--set: npu.ops_per_element.attention: unknown key; accepted keys here: aggregate, argmax, gelu, "
            "layernorm, multiply, relu, residual_add, rmsnorm, rope, silu, softmax");
  EXPECT_EQ(error_of({"npu.peak_TOPS=0"}), "--set: npu.peak_TOPS: expected a positive number in TOPS, got 0");
  EXPECT_EQ(error_of({"npu.power_W=-1"}), "--set: npu.power_W: expected a non-negative number in W, got -1");
  EXPECT_EQ(error_of({"npu.clock_MHz=1000"}),
            "--set: npu.clock_MHz: unknown key; accepted keys here: description, op_launch_ns, ops_per_element, "
            "peak_TOPS, power_W, vector_TOPS");
}

TEST(NpuOpDuration, ElementWiseOpIsLaunchPlusVectorTime) {
  const NpuSpec spec = spec_with();
  // 4096 x 5 ops at 4 TOPS (4 ops/ps) = 5120 ps, plus 50 ns.
  EXPECT_EQ(npu_op_duration(spec, NpuOpKind::Softmax, 4096, 0), ps(55'120));
  // 14336 x 8 ops / 4 = 28672 ps.
  EXPECT_EQ(npu_op_duration(spec, NpuOpKind::Gelu, 14336, 0), ps(78'672));
  EXPECT_EQ(npu_op_duration(spec, NpuOpKind::Aggregate, 0, 0), ps(50'000));
}

TEST(NpuOpDuration, MacOpIsLaunchPlusArrayTime) {
  const NpuSpec spec = spec_with();
  // 1,048,576 MACs = 2,097,152 ops at 32 ops/ps = 65,536 ps; elements cost nothing for MAC ops.
  EXPECT_EQ(npu_op_duration(spec, NpuOpKind::Attention, 0, 1'048'576), ps(115'536));
  EXPECT_EQ(npu_op_duration(spec, NpuOpKind::Attention, 4096, 1'048'576), ps(115'536));
  // MoE gate of 4096 x 8: 65,536 ops / 32 = 2048 ps.
  EXPECT_EQ(npu_op_duration(spec, NpuOpKind::MoeRouting, 0, 32'768), ps(52'048));
}

TEST(NpuOpDuration, EachTermIsRoundedToThePicosecondOnce) {
  const NpuSpec spec = spec_with({"npu.vector_TOPS=3", "npu.peak_TOPS=3", "npu.op_launch_ns=12.3456"});
  // Launch 12,345.6 ps -> 12,346; 1001 ops / 3 = 333.67 -> 334. Rounding the sum would give 12,679.
  EXPECT_EQ(npu_op_duration(spec, NpuOpKind::Relu, 1001, 0), ps(12'680));
  EXPECT_EQ(npu_op_duration(spec, NpuOpKind::Relu, 1000, 0), ps(12'346 + 333));
  // 32,768 MACs = 65,536 ops / 3 = 21,845.33 -> 21,845.
  EXPECT_EQ(npu_op_duration(spec, NpuOpKind::MoeRouting, 0, 32'768), ps(12'346 + 21'845));
}

TEST(NpuOpDuration, MacsOnAnElementWiseOpAreRefused) {
  const NpuSpec spec = spec_with();
  try {
    npu_op_duration(spec, NpuOpKind::Softmax, 16, 4);
    ADD_FAILURE() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "npu_op_duration: softmax is element-wise and takes no MACs (got 4)");
  }
}

}  // namespace
}  // namespace kvnand
