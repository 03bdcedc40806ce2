// Everything about a decode run that is decided before simulation: which dies form the weight
// and KV groups, where every weight matrix lives, the KV page mapping, the pre-filled context
// (allocated blocks, buffered tails) and the capacity verdict.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "channel/channel_spec.h"
#include "common/element_type.h"
#include "common/strong_id.h"
#include "dataflow/capacity.h"
#include "dataflow/dataflow_spec.h"
#include "dataflow/kv_block_allocator.h"
#include "dataflow/kv_mapping.h"
#include "dataflow/kv_write_buffer.h"
#include "dataflow/model_spec.h"
#include "dataflow/weight_placement.h"
#include "flash/flash_spec.h"
#include "ifc/ifc_spec.h"

namespace kvnand {

struct DieRef {
  ChannelId channel;
  DieId die;
};

/// Dies of one group; a die's position in `dies` is its die_index in placements and mappings.
struct DieGroup {
  std::vector<DieRef> dies;
  /// For each channel that holds dies of the group (ascending), the die indices on it.
  std::vector<std::pair<ChannelId, std::vector<std::uint32_t>>> by_channel;
};

/// The weight group (IFC dies) and the KV group of a platform: compact: both all dies; discrete and
/// nand_kv: the last g2_dies of the dies in interleaved order (channel fastest) hold the KV cache;
/// dram_kv: every die holds weights and no die the KV cache.
struct DieGroups {
  DieGroup weights;
  DieGroup kv;
};
DieGroups die_groups(const ChannelSpec& channels, const DataflowSpec& dataflow);

struct DecodeOptions {
  std::uint64_t context_tokens = 0;
  std::uint64_t decode_tokens = 1;
  Precision precision = Precision::Bf16;
  Accounting accounting = Accounting::Faithful;
  /// Store K/V values in flash and compute attention (the C-ABI); otherwise timing only.
  bool functional = false;
  /// Encoding of K, V and Q values (functional runs), and of probabilities sent to the dies.
  ElementType element = ElementType::Bf16;
};

/// The head groups one QKV GEMV serves: first .. first + count - 1.
struct HeadGroupStep {
  std::uint32_t first = 0;
  std::uint32_t count = 0;
};

struct LayerWeights {
  /// Discrete: one fused Q/K/V GEMV per pipeline step (DecodePlan::qkv_steps); compact: one for all heads.
  std::vector<WeightPlacement::Handle> qkv;
  WeightPlacement::Handle o_proj = 0;
  /// Per expert (one for a dense model): gate+up (SwiGLU) or FC1, and the down / FC2 projection.
  std::vector<WeightPlacement::Handle> ffn_in;
  std::vector<WeightPlacement::Handle> ffn_out;
};

class DecodePlan {
 public:
  /// Throws std::invalid_argument for combinations no platform can run (e.g. a KV head wider than a page).
  /// dram_bytes: the DRAM that holds the KV cache (the dram_kv variant, where it must be > 0).
  DecodePlan(const ModelSpec& model, const DecodeOptions& options, const FlashSpec& flash,
             const ChannelSpec& channels, const IfcSpec& ifc, const DataflowSpec& dataflow,
             std::uint64_t dram_bytes = 0);

  const ModelSpec& model() const { return model_; }
  const DecodeOptions& options() const { return options_; }
  const DataflowSpec& dataflow() const { return dataflow_; }
  PrecisionBits bits() const { return bits_; }
  /// FFN width used for costing (the paper's accounting may widen OPT's FFN).
  std::uint64_t ffn_dim() const { return ffn_dim_; }
  /// Experts whose weights are read per token (all of them in the paper's accounting).
  std::uint32_t experts_read_per_token() const;

  const DieGroup& weight_group() const { return weight_group_; }
  const DieGroup& kv_group() const { return kv_group_; }
  const WeightPlacement& weights() const { return *weights_; }
  const std::vector<LayerWeights>& layers() const { return layers_; }
  /// Discrete: the head groups of each QKV GEMV of a layer (LayerWeights::qkv), in order.
  const std::vector<HeadGroupStep>& qkv_steps() const { return qkv_steps_; }
  std::optional<WeightPlacement::Handle> lm_head() const { return lm_head_; }
  /// Pages of one embedding row (0 when the embedding lookup is not costed).
  std::uint32_t embedding_row_pages() const { return embedding_row_pages_; }

  const KvMapping& kv() const { return *kv_; }
  const CapacityReport& capacity() const { return capacity_; }
  bool out_of_memory() const { return capacity_.oom; }

  /// The KV state, pre-filled with the context. Only present when the run fits.
  KvBlockAllocator& allocator() { return *allocator_; }
  KvWriteBuffer& write_buffer() { return *write_buffer_; }
  const KvBlockAllocator& allocator() const { return *allocator_; }
  const KvWriteBuffer& write_buffer() const { return *write_buffer_; }
  /// dram_kv: where a stream's token sits in the DRAM (each stream's tokens are one contiguous region).
  std::uint64_t dram_address(const KvStream& stream, std::uint64_t token) const;
  /// The buffer domain a stream's next token goes to: the one SoC buffer, or on the compact variant
  /// the KV plane slot of its current page.
  std::uint32_t buffer_domain(const KvStream& stream) const;

 private:
  void place_weights(const FlashGeometry& geometry);
  /// The dram_kv variant's KV state: the DRAM is one never-draining buffer whose "page" per stream
  /// is the stream's whole region, so the write path never programs flash.
  void plan_dram_kv(const FlashGeometry& geometry, std::uint64_t dram_bytes);
  void prefill_kv();
  /// The buffer domain of the stream's token number `tokens` (0-based).
  std::uint32_t domain_at(const KvStream& stream, std::uint64_t tokens) const;

  ModelSpec model_;
  DecodeOptions options_;
  DataflowSpec dataflow_;
  PrecisionBits bits_;
  std::uint64_t ffn_dim_ = 0;
  DieGroup weight_group_;
  DieGroup kv_group_;
  std::unique_ptr<WeightPlacement> weights_;
  std::vector<LayerWeights> layers_;
  std::vector<HeadGroupStep> qkv_steps_;
  std::optional<WeightPlacement::Handle> lm_head_;
  std::uint32_t embedding_row_pages_ = 0;
  /// dram_kv: bytes of one stream's DRAM region (context + decode tokens).
  std::uint64_t dram_stream_bytes_ = 0;
  std::unique_ptr<KvMapping> kv_;
  CapacityReport capacity_;
  std::unique_ptr<KvBlockAllocator> allocator_;
  std::unique_ptr<KvWriteBuffer> write_buffer_;
};

}  // namespace kvnand
