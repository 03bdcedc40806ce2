// The NPU module: one op at a time in order of asking, exact start/end, stats and energy.
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <systemc>
#include <tlm>

#include "common/config_reader.h"
#include "common/sim_time.h"
#include "npu/npu.h"
#include "timed_issuer.h"

namespace kvnand::test {
namespace {

// The paper's 32 TOPS / 4.60 W with a 4 TOPS vector unit and a 50 ns launch cost.
NpuSpec example_spec() {
  config::Document doc = config::Document::load_text(R"({
    "peak_TOPS": 32, "vector_TOPS": 4, "power_W": 4.6, "op_launch_ns": 50,
    "ops_per_element": {"softmax": 5, "rmsnorm": 4, "layernorm": 7, "rope": 6, "silu": 5, "gelu": 8,
                        "relu": 1, "multiply": 1, "residual_add": 1, "aggregate": 1, "argmax": 1}})",
                                                     "npu.json");
  return parse_npu_spec(doc.root());
}

sc_core::sc_time ps(std::uint64_t value) { return picoseconds(value); }

// Durations under example_spec(), by hand: launch 50,000 ps plus
constexpr std::uint64_t kSoftmax4096 = 55'120;    // 4096 x 5 ops / 4 ops/ps = 5120
constexpr std::uint64_t kRmsNorm4096 = 54'096;    // 4096 x 4 / 4 = 4096
constexpr std::uint64_t kAttention1M = 115'536;  // 1,048,576 MACs x 2 / 32 ops/ps = 65,536

struct Issued : IssuedBase {
  NpuOpKind kind = NpuOpKind::Softmax;
  std::uint64_t elements = 0;
  std::uint64_t macs = 0;
  // Results.
  sc_core::sc_time start, end;
  std::string error;

  void fill(NpuOperation& op) const {
    op.kind = kind;
    op.elements = elements;
    op.macs = macs;
  }
  void take(const NpuOperation& op) {
    start = op.start;
    end = op.end;
    error = op.error;
  }
};

/// Issues each op from its own thread at a chosen time and with a chosen annotated delay.
class Issuer : public TimedIssuer<Issued, NpuOperation> {
 public:
  using TimedIssuer::TimedIssuer;
  Issued& issue(NpuOpKind kind, std::uint64_t elements, std::uint64_t macs, sc_core::sc_time at = {},
                sc_core::sc_time delay = {}, bool with_extension = true) {
    Issued request;
    request.kind = kind;
    request.elements = elements;
    request.macs = macs;
    request.with_extension = with_extension;
    return TimedIssuer::issue(request, at, delay);
  }
};

using Interval = std::tuple<NpuOpKind, sc_core::sc_time, sc_core::sc_time>;

/// Keeps the NPU's reported ops.
struct NpuActivity : ActivityObserver {
  void npu_op(NpuOpKind kind, const sc_core::sc_time& start, const sc_core::sc_time& end, const CommandTag&) override {
    ops.emplace_back(kind, start, end);
  }
  std::vector<Interval> ops;
};

struct NpuBench {
  NpuBench() : npu("npu", example_spec(), &observer), issuer("issuer") { issuer.socket.bind(npu.socket); }
  NpuActivity observer;
  std::vector<Interval>& activity = observer.ops;
  Npu npu;
  Issuer issuer;
};

TEST(Npu, OneOpRunsAtOnceAndReturnsAtItsEnd) {
  NpuBench bench;
  const Issued& op = bench.issuer.issue(NpuOpKind::Softmax, 4096, 0);
  sc_core::sc_start();
  ASSERT_EQ(op.status, tlm::TLM_OK_RESPONSE) << op.error;
  EXPECT_EQ(op.start, ps(0));
  EXPECT_EQ(op.end, ps(kSoftmax4096));
  EXPECT_EQ(op.returned_at, ps(kSoftmax4096));
  EXPECT_EQ(op.returned_delay, sc_core::SC_ZERO_TIME);
}

TEST(Npu, TwoOpsAskedTogetherFromTwoThreadsSerialise) {
  NpuBench bench;
  const Issued& a = bench.issuer.issue(NpuOpKind::Softmax, 4096, 0);
  const Issued& b = bench.issuer.issue(NpuOpKind::Softmax, 4096, 0);
  sc_core::sc_start();
  ASSERT_EQ(a.status, tlm::TLM_OK_RESPONSE);
  ASSERT_EQ(b.status, tlm::TLM_OK_RESPONSE);
  // Which thread asks first is the kernel's choice; one runs first, the other right after.
  const Issued& first = a.start < b.start ? a : b;
  const Issued& second = a.start < b.start ? b : a;
  EXPECT_EQ(first.start, ps(0));
  EXPECT_EQ(first.end, ps(kSoftmax4096));
  EXPECT_EQ(second.start, ps(kSoftmax4096));
  EXPECT_EQ(second.end, ps(2 * kSoftmax4096));
  EXPECT_EQ(second.returned_at, ps(2 * kSoftmax4096));
  EXPECT_EQ(bench.npu.stats().busy_time, ps(2 * kSoftmax4096));
}

TEST(Npu, LaterAskerWaitsForTheRunningOp) {
  NpuBench bench;
  const Issued& softmax = bench.issuer.issue(NpuOpKind::Softmax, 4096, 0);
  const Issued& norm = bench.issuer.issue(NpuOpKind::RmsNorm, 4096, 0, ps(1));
  sc_core::sc_start();
  EXPECT_EQ(softmax.end, ps(kSoftmax4096));
  EXPECT_EQ(norm.start, ps(kSoftmax4096));
  EXPECT_EQ(norm.end, ps(kSoftmax4096 + kRmsNorm4096));
  EXPECT_EQ(norm.returned_at, ps(109'216));
}

TEST(Npu, AnnotatedDelayIsPartOfTheArrivalAndAnIdleNpuStartsAtOnce) {
  NpuBench bench;
  const Issued& early = bench.issuer.issue(NpuOpKind::RmsNorm, 4096, 0, ps(0), ps(10'000));
  const Issued& late = bench.issuer.issue(NpuOpKind::Attention, 0, 1'048'576, ps(200'000));
  sc_core::sc_start();
  EXPECT_EQ(early.start, ps(10'000));
  EXPECT_EQ(early.end, ps(10'000 + kRmsNorm4096));
  EXPECT_EQ(early.returned_at, ps(64'096));
  EXPECT_EQ(late.start, ps(200'000));
  EXPECT_EQ(late.end, ps(200'000 + kAttention1M));
}

TEST(Npu, StatsPerKindTotalBusyAndEnergy) {
  NpuBench bench;
  bench.issuer.issue(NpuOpKind::Softmax, 4096, 0);
  bench.issuer.issue(NpuOpKind::Attention, 0, 1'048'576, ps(1));
  bench.issuer.issue(NpuOpKind::RmsNorm, 4096, 0, ps(2));
  bench.issuer.issue(NpuOpKind::Softmax, 4096, 0, ps(3));
  sc_core::sc_start();
  const NpuStats& stats = bench.npu.stats();
  EXPECT_EQ(stats.operations, 4u);
  EXPECT_EQ(stats.of(NpuOpKind::Softmax).count, 2u);
  EXPECT_EQ(stats.of(NpuOpKind::Softmax).elements, 8192u);
  EXPECT_EQ(stats.of(NpuOpKind::Softmax).busy_time, ps(110'240));
  EXPECT_EQ(stats.of(NpuOpKind::Attention).count, 1u);
  EXPECT_EQ(stats.of(NpuOpKind::Attention).macs, 1'048'576u);
  EXPECT_EQ(stats.of(NpuOpKind::Attention).busy_time, ps(kAttention1M));
  EXPECT_EQ(stats.of(NpuOpKind::RmsNorm).busy_time, ps(kRmsNorm4096));
  EXPECT_EQ(stats.of(NpuOpKind::Gelu).count, 0u);
  // 110,240 + 115,536 + 54,096 ps, back to back from time 0.
  EXPECT_EQ(stats.busy_time, ps(279'872));
  EXPECT_EQ(sc_core::sc_time_stamp(), ps(279'872));
  // 4.6 W x 279,872 ps = 1.2874112e-6 J.
  EXPECT_DOUBLE_EQ(stats.energy_J, 1.2874112e-6);
}

TEST(Npu, ActivityHookSeesEveryOp) {
  NpuBench bench;
  bench.issuer.issue(NpuOpKind::Softmax, 4096, 0);
  bench.issuer.issue(NpuOpKind::RmsNorm, 4096, 0, ps(1));
  sc_core::sc_start();
  const std::vector<Interval> expected = {{NpuOpKind::Softmax, ps(0), ps(kSoftmax4096)},
                                          {NpuOpKind::RmsNorm, ps(kSoftmax4096), ps(kSoftmax4096 + kRmsNorm4096)}};
  EXPECT_EQ(bench.activity, expected);
}

TEST(Npu, MissingExtensionIsACommandError) {
  NpuBench bench;
  const Issued& op = bench.issuer.issue(NpuOpKind::Softmax, 4096, 0, ps(0), ps(0), false);
  sc_core::sc_start();
  EXPECT_EQ(op.status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(op.returned_at, ps(0));
  EXPECT_EQ(bench.npu.stats().operations, 0u);
  EXPECT_TRUE(bench.activity.empty());
}

TEST(Npu, MacsOnAnElementWiseOpAreRefused) {
  NpuBench bench;
  const Issued& op = bench.issuer.issue(NpuOpKind::Silu, 4096, 8);
  sc_core::sc_start();
  EXPECT_EQ(op.status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(op.error, "npu: silu is element-wise and takes no MACs (got 8)");
  EXPECT_EQ(bench.npu.stats().operations, 0u);
}

}  // namespace
}  // namespace kvnand::test
