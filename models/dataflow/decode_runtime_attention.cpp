// DecodeRuntime: attention per layer (QKV, KV append, logit, softmax, attend) for both variants.
#include <vector>

#include "dataflow/decode_runtime.h"
#include "npu/npu.h"

namespace kvnand {

void DecodeRuntime::attention_discrete(std::uint32_t layer) {
  const ModelSpec& model = plan_.model();
  const LayerWeights& lw = plan_.layers()[layer];
  const std::uint64_t rope_elements = (std::uint64_t{model.group_size()} + 1) * model.head_dim;
  auto generate = [&](std::uint32_t group) {
    gemv(plan_.weight_group(), lw.qkv[group], model.hidden, Phase::Qkv);
    npu(NpuOpKind::Rope, rope_elements, 0, Phase::NpuOther);
  };
  if (!plan_.dataflow().head_group_pipelining) {
    for (std::uint32_t group = 0; group < model.kv_heads; ++group) {
      generate(group);
      attend_head_group(layer, group);
    }
    return;
  }
  // G1 runs ahead generating head group i+1 while G2 attends head group i.
  std::uint32_t generated = 0;
  sc_core::sc_event group_ready;
  JoinCounter join;
  join.add(2);
  pool_.start([&] {
    for (std::uint32_t group = 0; group < model.kv_heads; ++group) {
      generate(group);
      ++generated;
      group_ready.notify();
    }
    join.done();
  });
  pool_.start([&] {
    for (std::uint32_t group = 0; group < model.kv_heads; ++group) {
      while (generated <= group) sc_core::wait(group_ready);
      attend_head_group(layer, group);
    }
    join.done();
  });
  join.wait();
}

void DecodeRuntime::attention_compact(std::uint32_t layer) {
  const ModelSpec& model = plan_.model();
  // All heads are generated at once: each head's rows sit on their own planes (head parallelism).
  gemv(plan_.weight_group(), plan_.layers()[layer].qkv.front(), model.hidden, Phase::Qkv);
  npu(NpuOpKind::Rope, (std::uint64_t{model.heads} + model.kv_heads) * model.head_dim, 0, Phase::NpuOther);
  JoinCounter join;
  for (std::uint32_t group = 0; group < model.kv_heads; ++group) {
    join.add();
    pool_.start([this, &join, layer, group] {
      attend_head_group(layer, group);
      join.done();
    });
  }
  join.wait();
}

void DecodeRuntime::attend_head_group(std::uint32_t layer, std::uint32_t group) {
  const ModelSpec& model = plan_.model();
  const KvStream keys{layer, group, KvKind::K};
  const KvStream values{layer, group, KvKind::V};
  kv_append(keys);
  kv_append(values);
  const std::uint64_t heads = model.group_size();
  const std::uint64_t tokens = plan_.write_buffer().tokens(keys);
  kv_kernel(keys, IfcKernel::Logit, activation_bytes(heads * model.head_dim), Phase::Logit);
  buffered_tokens(keys, Phase::Logit);
  npu(NpuOpKind::Softmax, tokens * heads, 0, Phase::Softmax);
  const std::uint64_t dies_attending = kv_kernel(values, IfcKernel::Attend, 0, Phase::Attend);
  buffered_tokens(values, Phase::Attend);
  const std::uint64_t partial_outputs = dies_attending + (plan_.write_buffer().buffered_tokens(values) > 0 ? 1 : 0);
  npu(NpuOpKind::Aggregate, partial_outputs * heads * model.head_dim, 0, Phase::NpuOther);
}

std::size_t DecodeRuntime::kv_kernel(const KvStream& stream, IfcKernel kernel, std::uint64_t broadcast_bytes,
                                     Phase phase) {
  const KvWriteBuffer& buffer = plan_.write_buffer();
  const std::uint64_t pages = buffer.flash_pages(stream);
  if (pages == 0) return 0;
  const std::uint32_t per_page = plan_.kv().tokens_per_page();
  const auto last_page_tokens = static_cast<std::uint32_t>(buffer.tokens_in_flash(stream) - (pages - 1) * per_page);
  const std::vector<DieKvWork> work = plan_.kv().work(stream, pages, last_page_tokens);
  const DieGroup& group = plan_.kv_group();
  std::vector<const DieKvWork*> by_die(group.dies.size(), nullptr);
  std::vector<bool> has_work(group.dies.size(), false);
  for (const DieKvWork& w : work) {
    by_die[w.die_index] = &w;
    has_work[w.die_index] = true;
  }
  const std::uint64_t heads = plan_.model().group_size();
  const std::uint64_t head_dim = plan_.model().head_dim;
  const std::uint64_t macs_per_page = std::uint64_t{per_page} * head_dim * heads;
  const bool logit = kernel == IfcKernel::Logit;
  fan_out(group, has_work, broadcast_bytes, [&](std::uint32_t die_index) {
    const DieKvWork& w = *by_die[die_index];
    IfcStreamCommand command;
    command.kernel = kernel;
    command.pages_per_plane = w.pages_per_plane;
    command.macs_per_page = macs_per_page;
    // Logit: this die's scores leave; attend: this die's probabilities come in, a partial output leaves.
    const std::uint64_t input = logit ? 0 : activation_bytes(w.tokens * heads);
    const std::uint64_t output = (logit ? w.tokens * heads : heads * head_dim) * ifc_.partial_sum_bytes;
    compute(group.dies[die_index], command, input, output, phase);
  });
  return work.size();
}

void DecodeRuntime::buffered_tokens(const KvStream& stream, Phase phase) {
  const std::uint64_t tokens = plan_.write_buffer().buffered_tokens(stream);
  if (tokens == 0) return;
  if (plan_.dataflow().variant == Variant::Compact) {
    // The tail sits in a plane's KV buffer on its die: it is read out to the NPU.
    const GroupPlane where = plan_.kv().plane_of_slot(plan_.buffer_domain(stream));
    IfcStreamCommand none;
    none.kernel = IfcKernel::ReadOut;
    compute(plan_.kv_group().dies[where.die_index], none, 0, tokens * plan_.kv().token_bytes(), Phase::Transfer);
  }
  const ModelSpec& model = plan_.model();
  npu(NpuOpKind::Attention, 0, tokens * model.head_dim * model.group_size(), phase);
}

void DecodeRuntime::kv_append(const KvStream& stream) {
  const std::uint32_t domain = plan_.buffer_domain(stream);
  const bool compact = plan_.dataflow().variant == Variant::Compact;
  const KvMapping& kv = plan_.kv();
  if (compact) {
    // The NPU (which applied RoPE) sends the new vector to the KV buffer of its page's plane.
    const DieRef& die = plan_.kv_group().dies[kv.plane_of_slot(domain).die_index];
    IfcRequest request;
    request.op = IfcHostOp::Broadcast;
    request.channel = die.channel;
    request.die = die.die;
    request.input_bytes = kv.token_bytes();
    const sc_core::sc_time start = sc_core::sc_time_stamp();
    transport_flash(request);
    breakdown_.record(Phase::KvWrite, start, sc_core::sc_time_stamp());
  }
  for (const KvProgram& p : plan_.write_buffer().append(stream, domain)) {
    const std::uint64_t index = kv.stream_index(p.stream);
    const GroupPlane where = kv.plane_of(p.stream, p.page);
    if (p.page >= allocated_pages_[index]) {
      plan_.allocator().allocate(kv.slot_of(p.stream, p.page), p.stream.kind);
      allocated_pages_[index] = p.page + 1;
    }
    const DieRef die = plan_.kv_group().dies[where.die_index];
    const std::uint64_t bus_bytes = compact ? 0 : p.bytes;
    const std::uint32_t bytes = p.bytes;
    programs_in_flight_.add();
    pool_.start([this, die, where, bus_bytes, bytes] {
      program(die, where.plane, bus_bytes, bytes);
      programs_in_flight_.done();
    });
  }
}

}  // namespace kvnand
