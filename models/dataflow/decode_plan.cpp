#include "dataflow/decode_plan.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace kvnand {
namespace {

/// Dies in interleaved order (channel fastest), so that any leading or trailing run of them is
/// spread over as many channels as possible.
std::vector<DieRef> interleaved_dies(const ChannelSpec& channels) {
  std::vector<DieRef> dies;
  for (std::uint32_t d = 0; d < channels.dies_per_channel; ++d)
    for (std::uint32_t c = 0; c < channels.count; ++c) dies.push_back({ChannelId(c), DieId(d)});
  return dies;
}

DieGroup make_group(std::vector<DieRef> dies) {
  DieGroup group;
  group.dies = std::move(dies);
  for (std::uint32_t i = 0; i < group.dies.size(); ++i) {
    const ChannelId channel = group.dies[i].channel;
    auto it = group.by_channel.begin();
    while (it != group.by_channel.end() && it->first.value() < channel.value()) ++it;
    if (it == group.by_channel.end() || it->first.value() != channel.value())
      it = group.by_channel.insert(it, {channel, {}});
    it->second.push_back(i);
  }
  return group;
}

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

}  // namespace

DieGroups die_groups(const ChannelSpec& channels, const DataflowSpec& dataflow) {
  std::vector<DieRef> all = interleaved_dies(channels);
  DieGroups groups;
  if (dataflow.variant == Variant::Compact) {
    groups.weights = make_group(all);
    groups.kv = groups.weights;
  } else if (dataflow.variant == Variant::DramKv) {
    groups.weights = make_group(all);
    groups.kv = make_group({});
  } else {
    const auto g1 = static_cast<std::ptrdiff_t>(all.size() - dataflow.g2_dies);
    groups.weights = make_group({all.begin(), all.begin() + g1});
    groups.kv = make_group({all.begin() + g1, all.end()});
  }
  return groups;
}

DecodePlan::DecodePlan(const ModelSpec& model, const DecodeOptions& options, const FlashSpec& flash,
                       const ChannelSpec& channels, const IfcSpec& ifc, const DataflowSpec& dataflow,
                       std::uint64_t dram_bytes)
    : model_(model), options_(options), dataflow_(dataflow), bits_(bits_of(options.precision)) {
  const FlashGeometry& g = flash.geometry;
  if (options.functional && is_baseline(dataflow.variant))
    throw std::invalid_argument(std::string("K/V values (functional runs) need a KVNAND variant; \"") +
                                to_string(dataflow.variant) + "\" runs timing only");
  DieGroups groups = die_groups(channels, dataflow);
  weight_group_ = std::move(groups.weights);
  kv_group_ = std::move(groups.kv);
  ffn_dim_ = model.ffn_dim;
  if (options.accounting == Accounting::Paper && model.paper_weights_per_layer > 0) {
    const std::uint64_t matrices = model.ffn == FfnKind::SwiGlu ? 3 : 2;
    const std::uint64_t attention = model.attention_weights_per_layer();
    if (model.paper_weights_per_layer <= attention)
      throw std::invalid_argument("paper_weights_per_layer of " + model.name +
                                  " does not exceed its attention weights per layer");
    ffn_dim_ = (model.paper_weights_per_layer - attention) / (matrices * model.hidden);
  }
  place_weights(g);
  if (dataflow.variant == Variant::DramKv) {
    plan_dram_kv(g, dram_bytes);
    return;
  }

  kv_ = std::make_unique<KvMapping>(model.layers, model.kv_heads, model.head_dim, bits_.kv,
                                    static_cast<std::uint32_t>(kv_group_.dies.size()), g.planes_per_die,
                                    g.page_data_bytes, dataflow.kv_stream_start);
  const bool shared = dataflow.variant == Variant::Compact;
  capacity_ = check_capacity(*weights_, *kv_, options.context_tokens + options.decode_tokens, g.pages_per_block,
                             g.blocks_per_plane, g.page_data_bytes, shared);
  if (capacity_.oom) return;
  allocator_ = std::make_unique<KvBlockAllocator>(kv_first_free_blocks(*weights_, *kv_, g.pages_per_block, shared),
                                                  g.blocks_per_plane, g.pages_per_block,
                                                  dataflow.read_disturb_limit_reads, dataflow.block_allocation_seed);
  const bool soc_buffer = uses_soc_kv_buffer(dataflow.variant);
  write_buffer_ = std::make_unique<KvWriteBuffer>(
      *kv_, soc_buffer ? 1u : static_cast<std::uint32_t>(kv_->slots()),
      soc_buffer ? dataflow.soc_kv_buffer_bytes : std::uint64_t{ifc.kv_buffer_bytes_per_plane});
  prefill_kv();
}

void DecodePlan::plan_dram_kv(const FlashGeometry& geometry, std::uint64_t dram_bytes) {
  if (dram_bytes == 0) throw std::invalid_argument("the dram_kv variant needs a DRAM (the platform's \"dram\" section)");
  const std::uint64_t total = options_.context_tokens + options_.decode_tokens;
  const std::uint64_t token_bytes = ceil_div(std::uint64_t{model_.head_dim} * bits_.kv, 8);
  // The write buffer's "page" holds one token more than the run, so it never fills and is never
  // programmed; in DRAM a stream's region holds exactly the run's tokens.
  const std::uint64_t region_bytes = (total + 1) * token_bytes;
  dram_stream_bytes_ = total * token_bytes;
  if (region_bytes > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("the dram_kv variant holds a KV stream in at most 4 GiB; " + std::to_string(total) +
                                " tokens need " + std::to_string(region_bytes) + " bytes");
  kv_ = std::make_unique<KvMapping>(model_.layers, model_.kv_heads, model_.head_dim, bits_.kv, 1, 1,
                                    static_cast<std::uint32_t>(region_bytes));
  capacity_ = check_dram_kv_capacity(*weights_, kv_->streams() * dram_stream_bytes_, dram_bytes, total,
                                     geometry.pages_per_block, geometry.blocks_per_plane, geometry.page_data_bytes);
  if (capacity_.oom) return;
  allocator_ = std::make_unique<KvBlockAllocator>(std::vector<std::uint32_t>{0}, geometry.blocks_per_plane,
                                                  geometry.pages_per_block, dataflow_.read_disturb_limit_reads,
                                                  dataflow_.block_allocation_seed);
  write_buffer_ = std::make_unique<KvWriteBuffer>(*kv_, 1u, kv_->streams() * region_bytes);
  prefill_kv();
}

std::uint64_t DecodePlan::dram_address(const KvStream& stream, std::uint64_t token) const {
  return kv_->stream_index(stream) * dram_stream_bytes_ + token * kv_->token_bytes();
}

void DecodePlan::place_weights(const FlashGeometry& geometry) {
  weights_ = std::make_unique<WeightPlacement>(static_cast<std::uint32_t>(weight_group_.dies.size()),
                                               geometry.planes_per_die, geometry.page_data_bytes, bits_.weight);
  const std::uint64_t hidden = model_.hidden;
  const std::uint64_t head_dim = model_.head_dim;
  const std::uint64_t q_rows = std::uint64_t{model_.heads} * head_dim;
  const bool per_group = dataflow_.variant == Variant::Discrete;
  if (per_group)
    for (std::uint32_t first = 0; first < model_.kv_heads; first += dataflow_.head_groups_per_step)
      qkv_steps_.push_back({first, std::min(dataflow_.head_groups_per_step, model_.kv_heads - first)});
  const std::uint32_t experts = model_.experts;
  for (std::uint32_t layer = 0; layer < model_.layers; ++layer) {
    LayerWeights lw;
    if (per_group) {
      // One GEMV per pipeline step: the Q, K and V rows of the step's head groups.
      const std::uint64_t group_q_rows = std::uint64_t{model_.group_size()} * head_dim;
      for (const HeadGroupStep& step : qkv_steps_) {
        const std::uint64_t groups = step.count;
        lw.qkv.push_back(
            weights_->place({{groups * group_q_rows, hidden}, {groups * head_dim, hidden}, {groups * head_dim, hidden}}));
      }
    } else {
      const std::uint64_t kv_rows = std::uint64_t{model_.kv_heads} * head_dim;
      lw.qkv.push_back(weights_->place({{q_rows, hidden}, {kv_rows, hidden}, {kv_rows, hidden}}));
    }
    lw.o_proj = weights_->place({{hidden, q_rows}});
    for (std::uint32_t e = 0; e < experts; ++e) {
      if (model_.ffn == FfnKind::SwiGlu)
        lw.ffn_in.push_back(weights_->place({{ffn_dim_, hidden}, {ffn_dim_, hidden}}));
      else
        lw.ffn_in.push_back(weights_->place({{ffn_dim_, hidden}}));
      lw.ffn_out.push_back(weights_->place({{hidden, ffn_dim_}}));
    }
    layers_.push_back(std::move(lw));
  }
  if (options_.accounting == Accounting::Faithful) {
    lm_head_ = weights_->place({{model_.vocab, hidden}});
    // Tied embeddings are looked up in the LM head's table; otherwise the table has its own pages.
    if (!model_.tied_embeddings) weights_->place({{model_.vocab, hidden}});
    const std::uint64_t row_bits = hidden * bits_.weight;
    embedding_row_pages_ = static_cast<std::uint32_t>(ceil_div(row_bits, std::uint64_t{geometry.page_data_bytes} * 8));
  }
}

std::uint32_t DecodePlan::experts_read_per_token() const {
  return options_.accounting == Accounting::Paper ? model_.experts : model_.experts_per_token;
}

std::uint32_t DecodePlan::buffer_domain(const KvStream& stream) const {
  return domain_at(stream, write_buffer_->tokens(stream));
}

std::uint32_t DecodePlan::domain_at(const KvStream& stream, std::uint64_t tokens) const {
  if (dataflow_.variant != Variant::Compact) return 0;
  return static_cast<std::uint32_t>(kv_->slot_of(stream, tokens / kv_->tokens_per_page()));
}

void DecodePlan::prefill_kv() {
  const std::uint64_t full_pages = options_.context_tokens / kv_->tokens_per_page();
  for (std::uint32_t layer = 0; layer < model_.layers; ++layer)
    for (std::uint32_t head = 0; head < model_.kv_heads; ++head)
      for (KvKind kind : {KvKind::K, KvKind::V}) {
        const KvStream stream{layer, head, kind};
        for (std::uint64_t page = 0; page < full_pages; ++page) allocator_->allocate(kv_->slot_of(stream, page), kind);
        write_buffer_->prefill(stream, options_.context_tokens, domain_at(stream, options_.context_tokens));
      }
}

}  // namespace kvnand
