// The baselines' decode steps on tiny platforms, timed by hand: Base-1 (KV in DRAM, bandwidth
// bound) and Base-2 (KV pages read out of plain NAND dies, channel bound).
#include <gtest/gtest.h>

#include "common/sim_time.h"
#include "decode_bench.h"
#include "ifc/page_pipeline.h"
#include "npu/npu_spec.h"

namespace kvnand::test {
namespace {

using sc_core::sc_time;
using sc_core::SC_NS;

/// One layer, two query heads sharing one KV head of 32 elements (64 B per token at BF16).
constexpr const char* kOneLayerModel = R"({
  "name": "one-layer", "layers": 1, "hidden": 64, "heads": 2, "kv_heads": 1, "head_dim": 32,
  "ffn_dim": 128, "vocab": 64, "ffn": "swiglu", "norm": "rmsnorm", "activation": "silu" })";

DecodeOptions one_token_after(std::uint64_t context) {
  DecodeOptions o;
  o.context_tokens = context;
  o.decode_tokens = 1;
  return o;
}

/// The weight die's share of a one-layer token on one IFC die of 4 planes (as the compact
/// variant's critical-path test): everything but the attention's KV work.
struct WeightPath {
  explicit WeightPath(const PlatformConfig& c) : config(c) {}
  sc_time bus(std::uint64_t cycles, std::uint64_t bytes) const {
    return config.channels.cmd_addr_cycle * static_cast<double>(cycles) +
           transfer_time(bytes, config.channels.rate_GBps);
  }
  sc_time npu(NpuOpKind kind, std::uint64_t elements, std::uint64_t macs = 0) const {
    return npu_op_duration(*config.npu, kind, elements, macs);
  }
  sc_time compute(std::uint64_t pages, std::uint64_t out) const {
    const ChannelSpec& ch = config.channels;
    return bus(ch.read_cmd_addr_cycles, 0) +
           stream_end(page_stage_times(config.flash, *config.ifc, kWeightsPerPage), pages, sc_core::SC_ZERO_TIME) +
           bus(ch.cache_read_cmd_cycles, out);
  }
  sc_time gemv(std::uint64_t in, std::uint64_t pages_per_plane, std::uint64_t rows) const {
    return bus(config.channels.program_cmd_addr_cycles, in) + compute(pages_per_plane, rows * kPartialSum) +
           npu(NpuOpKind::Aggregate, rows);
  }
  sc_time embedding() const {
    const ChannelSpec& ch = config.channels;
    return bus(ch.read_cmd_addr_cycles, 0) +
           stream_end(page_stage_times(config.flash, *config.ifc, 0), 1, sc_core::SC_ZERO_TIME) +
           bus(ch.cache_read_cmd_cycles, 128);
  }
  sc_time qkv() const { return npu(NpuOpKind::RmsNorm, 64) + gemv(128, 1, 128) + npu(NpuOpKind::Rope, 96); }
  sc_time after_attention() const {
    const sc_time o_proj = gemv(128, 1, 64) + npu(NpuOpKind::ResidualAdd, 64) + npu(NpuOpKind::RmsNorm, 64);
    const sc_time ffn = gemv(128, 2, 256) + npu(NpuOpKind::Silu, 128) + npu(NpuOpKind::Multiply, 128) +
                        gemv(256, 1, 64) + npu(NpuOpKind::ResidualAdd, 64);
    const sc_time head = npu(NpuOpKind::RmsNorm, 64) + gemv(128, 1, 64) + npu(NpuOpKind::Argmax, 64);
    return o_proj + ffn + head;
  }

  static constexpr std::uint64_t kWeightsPerPage = 2048;
  static constexpr std::uint64_t kPartialSum = 4;
  const PlatformConfig& config;
};

TEST(Baselines, Base1AttentionIsBoundByDramBandwidth) {
  const PlatformConfig config = decode_platform("tiny-base1", {"channels.count=1"});
  DecodeBench bench(config, load_model_text(kOneLayerModel, "one-layer.json"), one_token_after(64));
  const sc_time end = bench.run();
  const WeightPath w(config);
  // Each stream's DRAM region holds 65 tokens x 64 B = 4160 B, interleaved over 2 channels in 2 KB
  // granules. The new K (address 4096) and V (4160 + 4096) each go to channel 0: 40 ns latency +
  // 64 B at 8 GB/s = 48 ns, one after the other.
  const sc_time append = sc_time(2 * 48, SC_NS);
  // K: 65 tokens = 4160 B from address 0: channel 0 gets 2048 + 64 B, channel 1 2048 B, in
  // parallel; channel 0 ends last: 40 ns + 2112 B / 8 GB/s = 304 ns. V (from 4160): channel 0
  // 1984 + 128 B, channel 1 2048 B: also 304 ns.
  const sc_time read_k = sc_time(304, SC_NS);
  const sc_time read_v = sc_time(304, SC_NS);
  const std::uint64_t macs = 65 * 32 * 2;
  const sc_time attention = read_k + w.npu(NpuOpKind::Attention, 0, macs) + w.npu(NpuOpKind::Softmax, 65 * 2) +
                            read_v + w.npu(NpuOpKind::Attention, 0, macs) + w.npu(NpuOpKind::Aggregate, 2 * 32);
  EXPECT_EQ(end, w.embedding() + w.qkv() + append + attention + w.after_attention());
  const DramChannelStats& ch0 = bench.system.dram()->channel(0).stats();
  EXPECT_EQ(ch0.bytes_written, 2u * 64);
  EXPECT_EQ(ch0.bytes_read, 2u * 2112);
  EXPECT_EQ(bench.system.dram()->channel(1).stats().bytes_read, 2u * 2048);
}

/// A plain die's read-out of `pages` pages, one per plane, when die and channel are idle (Table I
/// timing of the tiny platforms: tR 4 us, tRCBSY 300 ns; ONFI at 4.8 GB/s, 10 ns cycles): the read
/// command (7 cycles per plane), the first page's tR + tRCBSY, then every page's cache-read cycle
/// and 4544-B transfer back to back on the bus.
sc_time readout(std::uint64_t pages) {
  const sc_time page_on_bus = sc_time(10, SC_NS) + transfer_time(4544, 4.8);
  return sc_time(70.0 * static_cast<double>(pages), SC_NS) + sc_time(4300, SC_NS) +
         page_on_bus * static_cast<double>(pages);
}

TEST(Baselines, Base2ReadsKvPagesOutOfThePlainDie) {
  // One channel: die 0 computes with the weights, die 1 is plain NAND and holds the KV cache.
  const PlatformConfig config =
      decode_platform("tiny-base2", {"channels.count=1", "dataflow.g2_dies=1"});
  // 64 context tokens of 64 B fill one page per stream (K on plane 0, V on plane 1); the new
  // token waits in the SoC buffer, so appending costs no bus time.
  DecodeBench bench(config, load_model_text(kOneLayerModel, "one-layer.json"), one_token_after(64));
  const sc_time end = bench.run();
  const WeightPath w(config);
  const sc_time k = readout(1) + w.npu(NpuOpKind::Attention, 0, 64 * 32 * 2) + w.npu(NpuOpKind::Attention, 0, 32 * 2);
  const sc_time v = readout(1) + w.npu(NpuOpKind::Attention, 0, 64 * 32 * 2) + w.npu(NpuOpKind::Attention, 0, 32 * 2) +
                    w.npu(NpuOpKind::Aggregate, 2 * 32);
  EXPECT_EQ(end, w.embedding() + w.qkv() + k + w.npu(NpuOpKind::Softmax, 65 * 2) + v + w.after_attention());
  EXPECT_EQ(bench.system.flash().die(ChannelId(0), DieId(1)).ifc(), nullptr);
  EXPECT_EQ(bench.system.flash().die(ChannelId(0), DieId(1)).stats().page_reads, 2u);
}

TEST(Baselines, Base2AttentionIsBoundByTheChannel) {
  // 16 planes: a stream of 16 pages has one page on every plane, so the array reads them all in one
  // tR and the channel (16 x (10 ns + 4544 B at 4.8 GB/s) = 15.3 us) sets the pace.
  const PlatformConfig config =
      decode_platform("tiny-base2", {"channels.count=1", "dataflow.g2_dies=1", "flash.geometry.planes_per_die=16",
                                     "controller.max_planes_per_command=16"});
  DecodeBench bench(config, load_model_text(kOneLayerModel, "one-layer.json"), one_token_after(1024));
  bench.run();
  const WeightPath w(config);
  // One head group, nothing else running: logit and attend are each a read-out of 16 pages, the NPU
  // over the 1024 tokens in flash and over the one in the SoC buffer.
  const sc_time kernel =
      readout(16) + w.npu(NpuOpKind::Attention, 0, 1024 * 32 * 2) + w.npu(NpuOpKind::Attention, 0, 32 * 2);
  const PhaseSeconds& phases = bench.system.runtime().breakdown().total_seconds();
  EXPECT_DOUBLE_EQ(phases[static_cast<std::size_t>(Phase::Logit)], kernel.to_seconds());
  EXPECT_DOUBLE_EQ(phases[static_cast<std::size_t>(Phase::Attend)], kernel.to_seconds());
  EXPECT_EQ(bench.system.flash().die(ChannelId(0), DieId(1)).stats().page_reads, 32u);
}

}  // namespace
}  // namespace kvnand::test
