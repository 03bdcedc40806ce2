// Decode steps on tiny platforms: critical path, KV programs, GQA reuse, breakdown, capacity.
#include <numeric>

#include <gtest/gtest.h>

#include "common/sim_time.h"
#include "decode_bench.h"
#include "ifc/page_pipeline.h"
#include "npu/npu_spec.h"

namespace kvnand::test {
namespace {

using sc_core::sc_time;

DecodeOptions options(std::uint64_t context, std::uint64_t tokens) {
  DecodeOptions o;
  o.context_tokens = context;
  o.decode_tokens = tokens;
  return o;
}

/// tiny-gqa: head_dim 64 at BF16 = 128 B per token and head, so a 4 KB page holds 32 tokens.
constexpr std::uint64_t kTinyTokensPerPage = 32;
/// 2 layers x 2 KV heads x (K, V).
constexpr std::uint64_t kTinyStreams = 8;

TEST(Decode, AFilledPageTriggersExactlyOneProgramPerStream) {
  DecodeBench bench(decode_platform("tiny-decode-d"), workload("tiny-gqa"), options(kTinyTokensPerPage - 1, 1));
  bench.run();
  ASSERT_TRUE(bench.result().finished);
  EXPECT_EQ(bench.result().kv_programs, kTinyStreams);
  EXPECT_EQ(bench.plan.write_buffer().stats().full_page_programs, kTinyStreams);
  EXPECT_EQ(bench.plan.write_buffer().stats().partial_page_programs, 0u);
  EXPECT_EQ(bench.sum_over_dies([](const IfcStats& s) { return s.pages_programmed; }), kTinyStreams);
}

TEST(Decode, NoProgramWhileThePageIsStillFilling) {
  DecodeBench bench(decode_platform("tiny-decode-d"), workload("tiny-gqa"), options(kTinyTokensPerPage - 2, 1));
  bench.run();
  EXPECT_EQ(bench.result().kv_programs, 0u);
  EXPECT_EQ(bench.sum_over_dies([](const IfcStats& s) { return s.pages_programmed; }), 0u);
}

TEST(Decode, CompactVariantProgramsFromThePlaneBuffer) {
  DecodeBench bench(decode_platform("tiny-decode-c"), workload("tiny-gqa"), options(3 * kTinyTokensPerPage - 1, 2));
  bench.run();
  EXPECT_EQ(bench.result().kv_programs, kTinyStreams);
  EXPECT_EQ(bench.sum_over_dies([](const IfcStats& s) { return s.bytes_programmed; }), kTinyStreams * 4096);
}

TEST(Decode, OneKeyPageReadServesTheWholeHeadGroup) {
  constexpr std::uint64_t kPages = 10;
  DecodeBench bench(decode_platform("tiny-decode-c"), workload("tiny-gqa"), options(kPages * kTinyTokensPerPage, 1));
  bench.run();
  // Every weight page once, except that the (untied) embedding table of 512 x 256 BF16 (64 pages)
  // is only looked up (one 512-byte row = 1 page); every K and V page exactly once, although each
  // K page serves 2 query heads.
  const std::uint64_t weights = bench.plan.weights().total_pages() - 64 + 1;
  const std::uint64_t kv = kTinyStreams * kPages;
  EXPECT_EQ(bench.sum_over_dies([](const IfcStats& s) { return s.page_reads; }), weights + kv);
  // One logit command per die holding K pages, per K stream: never one per query head.
  EXPECT_LE(bench.sum_over_dies([](const IfcStats& s) { return s.commands_per_kernel[static_cast<std::size_t>(IfcKernel::Logit)]; }),
            kTinyStreams / 2 * 4);
}

TEST(Decode, ADiscreteStepCarriesSeveralHeadGroups) {
  // tiny-mha: 4 KV heads. Steps of 3 groups: one QKV GEMV of 3 groups, then one of the last group.
  struct Case {
    std::uint32_t per_step;
    std::size_t gemvs;
  };
  for (const Case c : {Case{1, 4}, Case{2, 2}, Case{3, 2}, Case{64, 1}}) {
    DecodePlan plan(workload("tiny-mha"), options(64, 1),
                    decode_platform("tiny-decode-d", {"dataflow.head_groups_per_step=" + std::to_string(c.per_step)})
                        .flash,
                    decode_platform("tiny-decode-d").channels, *decode_platform("tiny-decode-d").ifc,
                    *decode_platform("tiny-decode-d", {"dataflow.head_groups_per_step=" + std::to_string(c.per_step)})
                         .dataflow,
                    0);
    ASSERT_EQ(plan.layers()[0].qkv.size(), c.gemvs) << c.per_step;
    ASSERT_EQ(plan.qkv_steps().size(), c.gemvs) << c.per_step;
    std::uint32_t next = 0;
    for (const HeadGroupStep& step : plan.qkv_steps()) {
      EXPECT_EQ(step.first, next) << c.per_step;
      EXPECT_EQ(step.count, std::min(c.per_step, 4 - next)) << c.per_step;
      next += step.count;
    }
    EXPECT_EQ(next, 4u) << c.per_step;
  }
}

TEST(Decode, BreakdownAddsUpToTheLatency) {
  DecodeBench bench(decode_platform("tiny-decode-d"), workload("tiny-moe"), options(200, 3));
  bench.run();
  const auto& phases = bench.system.runtime().breakdown().total_seconds();
  const double shares = std::accumulate(phases.begin(), phases.end(), 0.0);
  sc_time latency;
  for (const sc_time& t : bench.result().token_latency) latency += t;
  EXPECT_NEAR(shares, latency.to_seconds(), latency.to_seconds() * 1e-12);
  EXPECT_EQ(phases[static_cast<std::size_t>(Phase::Idle)], 0.0);
  EXPECT_GT(phases[static_cast<std::size_t>(Phase::Logit)], 0.0);
  EXPECT_GT(phases[static_cast<std::size_t>(Phase::Ffn)], 0.0);
}

TEST(Decode, OnlyRoutedExpertsAreRead) {
  DecodeBench bench(decode_platform("tiny-decode-c"), workload("tiny-moe"), options(64, 5));
  bench.run();
  const std::vector<std::uint64_t>& reads = bench.result().expert_reads;
  ASSERT_EQ(reads.size(), 4u);
  // top-2 of 4 experts, 2 layers, 5 tokens.
  EXPECT_EQ(std::accumulate(reads.begin(), reads.end(), std::uint64_t{0}), 2u * 2 * 5);
}

TEST(Decode, OutOfMemoryIsDetectedBeforeSimulating) {
  // tiny-decode-c: 4 dies x 4 planes x 32 blocks x 16 pages of 4 KB = 32 MiB in all.
  const PlatformConfig config = decode_platform("tiny-decode-c");
  DecodePlan fits(workload("tiny-gqa"), options(1000, 1), config.flash, config.channels, *config.ifc, *config.dataflow);
  EXPECT_FALSE(fits.out_of_memory());
  DecodePlan too_long(workload("tiny-gqa"), options(100000, 1), config.flash, config.channels, *config.ifc,
                      *config.dataflow);
  EXPECT_TRUE(too_long.out_of_memory());
  EXPECT_NE(too_long.capacity().reason.find("does not fit"), std::string::npos) << too_long.capacity().reason;
  EXPECT_GT(too_long.capacity().kv_bytes + too_long.capacity().weights_bytes, too_long.capacity().available_bytes);
}

/// One layer, two query heads sharing one KV head of 32 elements, on one die of 4 planes.
constexpr const char* kOneLayerModel = R"({
  "name": "one-layer", "layers": 1, "hidden": 64, "heads": 2, "kv_heads": 1, "head_dim": 32,
  "ffn_dim": 128, "vocab": 64, "ffn": "swiglu", "norm": "rmsnorm", "activation": "silu" })";

TEST(Decode, DecodeStepOnAnIdlePlatformIsTheSumOfItsCriticalPath) {
  const PlatformConfig config =
      decode_platform("tiny-decode-c", {"channels.count=1", "channels.dies_per_channel=1"});
  // 64 context tokens fill exactly one page per stream (32 x 2 B = 64 B per token); the new token
  // stays in the plane buffer.
  DecodeBench bench(config, load_model_text(kOneLayerModel, "one-layer.json"), options(64, 1));
  const sc_time end = bench.run();

  const ChannelSpec& ch = config.channels;
  auto bus = [&](std::uint64_t cycles, std::uint64_t bytes) {
    return ch.cmd_addr_cycle * static_cast<double>(cycles) + transfer_time(bytes, ch.rate_GBps);
  };
  auto pipe = [&](std::uint64_t pages, std::uint64_t macs) {
    return stream_end(page_stage_times(config.flash, *config.ifc, macs), pages, sc_core::SC_ZERO_TIME);
  };
  auto npu = [&](NpuOpKind kind, std::uint64_t elements, std::uint64_t macs = 0) {
    return npu_op_duration(*config.npu, kind, elements, macs);
  };
  auto compute = [&](std::uint64_t in, std::uint64_t pages, std::uint64_t macs, std::uint64_t out) {
    return bus(ch.read_cmd_addr_cycles, in) + pipe(pages, macs) + bus(ch.cache_read_cmd_cycles, out);
  };
  constexpr std::uint64_t kWeightsPerPage = 2048;
  constexpr std::uint64_t kPartialSum = 4;
  // GEMV: input broadcast, the largest per-plane page count streams, partial sums out, NPU adds them.
  auto gemv = [&](std::uint64_t in, std::uint64_t pages_per_plane, std::uint64_t rows) {
    return bus(ch.program_cmd_addr_cycles, in) + compute(0, pages_per_plane, kWeightsPerPage, rows * kPartialSum) +
           npu(NpuOpKind::Aggregate, rows);
  };
  constexpr std::uint64_t kKvPageMacs = 64 * 32 * 2;  // 64 tokens x head_dim x 2 query heads
  const sc_time embedding = compute(0, 1, 0, 128);
  const sc_time qkv = npu(NpuOpKind::RmsNorm, 64) + gemv(128, 1, 128) + npu(NpuOpKind::Rope, 96);
  const sc_time append = bus(ch.program_cmd_addr_cycles, 64) * 2.0;
  const sc_time logit = bus(ch.program_cmd_addr_cycles, 128) + compute(0, 1, kKvPageMacs, 64 * 2 * kPartialSum) +
                        compute(0, 0, 0, 64) + npu(NpuOpKind::Attention, 0, 64);
  const sc_time softmax = npu(NpuOpKind::Softmax, 65 * 2);
  const sc_time attend = compute(64 * 2 * 2, 1, kKvPageMacs, 2 * 32 * kPartialSum) + compute(0, 0, 0, 64) +
                         npu(NpuOpKind::Attention, 0, 64) + npu(NpuOpKind::Aggregate, 2 * 2 * 32);
  const sc_time o_proj = gemv(128, 1, 64) + npu(NpuOpKind::ResidualAdd, 64) + npu(NpuOpKind::RmsNorm, 64);
  const sc_time ffn = gemv(128, 2, 256) + npu(NpuOpKind::Silu, 128) + npu(NpuOpKind::Multiply, 128) +
                      gemv(256, 1, 64) + npu(NpuOpKind::ResidualAdd, 64);
  const sc_time head = npu(NpuOpKind::RmsNorm, 64) + gemv(128, 1, 64) + npu(NpuOpKind::Argmax, 64);
  EXPECT_EQ(end, embedding + qkv + append + logit + softmax + attend + o_proj + ffn + head);
  ASSERT_EQ(bench.result().token_latency.size(), 1u);
  EXPECT_EQ(bench.result().token_latency.front(), end);
}

}  // namespace
}  // namespace kvnand::test
