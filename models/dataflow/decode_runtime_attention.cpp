// DecodeRuntime: attention per layer (QKV, KV append, logit, softmax, attend) for both variants.
#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "dataflow/dataflow_step.h"
#include "dataflow/decode_runtime.h"
#include "ifc/pe_kernels.h"
#include "npu/attention_math.h"
#include "npu/npu.h"

namespace kvnand {

void DecodeRuntime::attention_discrete(std::uint32_t layer) {
  const ModelSpec& model = plan_.model();
  const LayerWeights& lw = plan_.layers()[layer];
  const std::vector<HeadGroupStep>& groups = plan_.qkv_steps();
  const auto steps = static_cast<std::uint32_t>(groups.size());
  auto generate = [&](std::uint32_t step) {
    const HeadGroupStep& g = groups[step];
    gemv(plan_.weight_group(), lw.qkv[step], model.hidden, token_tag(Phase::Qkv, layer, g.first));
    npu(NpuOpKind::Rope, (std::uint64_t{model.group_size()} + 1) * model.head_dim * g.count, 0,
        token_tag(Phase::NpuOther, layer, g.first));
  };
  auto attend = [&](std::uint32_t step) {
    // A single group runs in the attending thread itself, as steps of one group always have.
    const HeadGroupStep& g = groups[step];
    if (g.count == 1)
      attend_head_group(layer, g.first);
    else
      attend_head_groups(layer, g.first, g.count);
  };
  if (!plan_.dataflow().head_group_pipelining) {
    for (std::uint32_t step = 0; step < steps; ++step) {
      generate(step);
      attend(step);
    }
    return;
  }
  // G1 runs ahead generating step i+1 while G2 attends step i.
  std::uint32_t generated = 0;
  sc_core::sc_event step_ready;
  JoinCounter join;
  join.add(2);
  pool_.start([&] {
    for (std::uint32_t step = 0; step < steps; ++step) {
      generate(step);
      ++generated;
      step_ready.notify();
    }
    join.done();
  });
  pool_.start([&] {
    for (std::uint32_t step = 0; step < steps; ++step) {
      while (generated <= step) sc_core::wait(step_ready);
      attend(step);
    }
    join.done();
  });
  join.wait();
}

void DecodeRuntime::attention_compact(std::uint32_t layer) {
  const ModelSpec& model = plan_.model();
  // All heads are generated at once: each head's rows sit on their own planes (head parallelism).
  gemv(plan_.weight_group(), plan_.layers()[layer].qkv.front(), model.hidden, token_tag(Phase::Qkv, layer));
  npu(NpuOpKind::Rope, (std::uint64_t{model.heads} + model.kv_heads) * model.head_dim, 0,
      token_tag(Phase::NpuOther, layer));
  attend_head_groups(layer, 0, model.kv_heads);
}

void DecodeRuntime::attend_head_groups(std::uint32_t layer, std::uint32_t first, std::uint32_t count) {
  JoinCounter join;
  for (std::uint32_t group = first; group < first + count; ++group) {
    join.add();
    pool_.start([this, &join, layer, group] {
      attend_head_group(layer, group);
      join.done();
    });
  }
  join.wait();
}

void DecodeRuntime::attend_head_group(std::uint32_t layer, std::uint32_t group) {
  kv_append(KvStream{layer, group, KvKind::K}, nullptr);
  kv_append(KvStream{layer, group, KvKind::V}, nullptr);
  attention(AttendQuery{layer, group, 0, plan_.model().group_size(), nullptr, nullptr});
}

std::uint64_t DecodeRuntime::attention(const AttendQuery& query) {
  const ModelSpec& model = plan_.model();
  const KvStream keys{query.layer, query.kv_head, KvKind::K};
  const KvStream values{query.layer, query.kv_head, KvKind::V};
  wait_for_deliveries(keys, values);
  const std::uint32_t heads = query.heads;
  const std::uint32_t head_dim = model.head_dim;
  const std::uint64_t tokens = plan_.write_buffer().tokens(keys);
  const bool computes = query.q != nullptr;
  // The position of the newest token attended.
  auto tag = [&](Phase phase) {
    CommandTag t;
    if (tokens > 0) t.token = tokens - 1;
    t.layer = query.layer;
    t.head = query.kv_head;
    t.phase = phase;
    return t;
  };

  // Values: scores (heads x tokens) of every token, the 16-bit probabilities the dies receive,
  // each plane's partial weighted sum, and the NPU's own for the tokens still in a buffer.
  const std::size_t out_elements = std::size_t{heads} * head_dim;
  std::vector<float> scores, sent, plane_sums, npu_sums;
  KvKernelData logit, attend;
  if (computes) {
    scores.assign(heads * tokens, 0.0f);
    logit.element = attend.element = plan_.options().element;
    logit.head_dim = attend.head_dim = head_dim;
    logit.heads = attend.heads = heads;
    logit.scale = attend.scale = attention_scale(head_dim);
    logit.stride = attend.stride = tokens;
    logit.input = query.q;
    logit.output = scores.data();
  }
  const std::uint64_t pages = plan_.write_buffer().flash_pages(keys) + plan_.write_buffer().flash_pages(values);
  const KvKernelData* logit_values = computes ? &logit : nullptr;
  kv_kernel(keys, IfcKernel::Logit, heads, activation_bytes(std::uint64_t{heads} * head_dim), tag(Phase::Logit),
            logit_values);
  buffered_tokens(keys, heads, tag(Phase::Logit), logit_values);
  npu(NpuOpKind::Softmax, tokens * heads, 0, tag(Phase::Softmax));
  if (computes) {
    softmax_rows(scores.data(), heads, static_cast<std::uint32_t>(tokens));
    sent = scores;
    round_to_element(sent.data(), sent.size(), plan_.options().element);
    const std::size_t planes = plan_.kv().planes_per_die();
    plane_sums.assign(plan_.kv_group().dies.size() * planes * out_elements, 0.0f);
    npu_sums.assign(out_elements, 0.0f);
    attend.input = sent.data();
    attend.output = plane_sums.data();
  }
  const std::uint64_t dies_attending =
      kv_kernel(values, IfcKernel::Attend, heads, 0, tag(Phase::Attend), computes ? &attend : nullptr);
  if (computes) {
    attend.input = scores.data();
    attend.output = npu_sums.data();
  }
  buffered_tokens(values, heads, tag(Phase::Attend), computes ? &attend : nullptr);
  const std::uint64_t partial_outputs = dies_attending + (plan_.write_buffer().buffered_tokens(values) > 0 ? 1 : 0);
  npu(NpuOpKind::Aggregate, partial_outputs * out_elements, 0, tag(Phase::NpuOther));
  if (computes) {
    std::fill(query.out, query.out + out_elements, 0.0f);
    for (std::size_t block = 0; block < plane_sums.size(); block += out_elements)
      add_into(query.out, plane_sums.data() + block, out_elements);
    add_into(query.out, npu_sums.data(), out_elements);
  }
  return pages;
}

std::size_t DecodeRuntime::kv_kernel(const KvStream& stream, IfcKernel kernel, std::uint32_t heads,
                                     std::uint64_t broadcast_bytes, const CommandTag& tag, const KvKernelData* values) {
  const KvWriteBuffer& buffer = plan_.write_buffer();
  const std::uint64_t pages = buffer.flash_pages(stream);
  if (pages == 0) return 0;
  const DataflowStep step(observer_, tag);
  const std::uint32_t per_page = plan_.kv().tokens_per_page();
  const auto last_page_tokens = static_cast<std::uint32_t>(buffer.tokens_in_flash(stream) - (pages - 1) * per_page);
  const std::vector<DieKvWork> work = plan_.kv().work(stream, pages, last_page_tokens);
  const DieGroup& group = plan_.kv_group();
  std::vector<KvKernelData> die_values;
  if (values != nullptr) {
    std::vector<std::vector<KvPageRef>> refs = pages_by_die(stream);
    const std::size_t plane_block = std::size_t{values->heads} * values->head_dim * plan_.kv().planes_per_die();
    for (std::size_t d = 0; d < group.dies.size(); ++d) {
      die_values.push_back(*values);
      die_values.back().pages = std::move(refs[d]);
      if (kernel == IfcKernel::Attend) die_values.back().output = values->output + d * plane_block;
    }
  }
  const std::uint64_t head_dim = plan_.model().head_dim;
  if (plan_.dataflow().variant == Variant::NandKv) {
    kv_readout(work, tag);
    npu(NpuOpKind::Attention, 0, buffer.tokens_in_flash(stream) * head_dim * heads, tag);
    return 0;
  }
  const std::uint64_t macs_per_page = std::uint64_t{per_page} * head_dim * heads;
  const bool logit = kernel == IfcKernel::Logit;
  fan_out_work(group, work, broadcast_bytes, tag, [&](std::uint32_t die_index, const DieKvWork& w) {
    IfcStreamCommand command;
    command.kernel = kernel;
    command.pages_per_plane = w.pages_per_plane;
    command.macs_per_page = macs_per_page;
    // Logit: this die's scores leave; attend: this die's probabilities come in, a partial output leaves.
    const std::uint64_t input = logit ? 0 : activation_bytes(w.tokens * heads);
    const std::uint64_t output = (logit ? w.tokens * heads : heads * head_dim) * ifc_.partial_sum_bytes;
    compute(group.dies[die_index], command, input, output, tag, values != nullptr ? &die_values[die_index] : nullptr);
  });
  return work.size();
}

std::vector<std::vector<KvPageRef>> DecodeRuntime::pages_by_die(const KvStream& stream) const {
  const KvMapping& kv = plan_.kv();
  const KvWriteBuffer& buffer = plan_.write_buffer();
  const std::uint64_t index = kv.stream_index(stream);
  const std::uint64_t in_flash = buffer.tokens_in_flash(stream);
  std::vector<std::vector<KvPageRef>> by_die(plan_.kv_group().dies.size());
  for (std::uint64_t page = 0; page < buffer.flash_pages(stream); ++page) {
    const GroupPlane where = kv.plane_of(stream, page);
    const KvPageAddress& address = contents_->page_address(index, page);
    KvPageRef ref;
    ref.plane = where.plane;
    ref.block = address.block;
    ref.page = address.page;
    ref.first_token = page * kv.tokens_per_page();
    ref.tokens = static_cast<std::uint32_t>(std::min<std::uint64_t>(kv.tokens_per_page(), in_flash - ref.first_token));
    by_die[where.die_index].push_back(ref);
  }
  return by_die;
}

void DecodeRuntime::buffered_tokens(const KvStream& stream, std::uint32_t heads, const CommandTag& tag,
                                    const KvKernelData* values) {
  const KvWriteBuffer& buffer = plan_.write_buffer();
  const std::uint64_t tokens = buffer.buffered_tokens(stream);
  if (tokens == 0) return;
  if (plan_.dataflow().variant == Variant::DramKv) {
    // The NPU reads the stream's tokens from DRAM.
    const std::uint64_t first = buffer.tokens_in_flash(stream);
    dram_access(false, plan_.dram_address(stream, first), tokens * plan_.kv().token_bytes(), tag);
  } else if (plan_.dataflow().variant == Variant::Compact) {
    // The tail sits in a plane's KV buffer on its die: it is read out to the NPU.
    const GroupPlane where = plan_.kv().plane_of_slot(plan_.buffer_domain(stream));
    IfcStreamCommand none;
    none.kernel = IfcKernel::ReadOut;
    const CommandTag transfer = tag.in_phase(Phase::Transfer);
    const DataflowStep step(observer_, transfer);
    compute(plan_.kv_group().dies[where.die_index], none, 0, tokens * plan_.kv().token_bytes(), transfer);
  }
  const ModelSpec& model = plan_.model();
  npu(NpuOpKind::Attention, 0, tokens * model.head_dim * heads, tag);
  if (values == nullptr) return;
  // The NPU computes with the same FP32 multiply-accumulate as the PEs, on the buffered bytes.
  const std::uint64_t first = buffer.tokens_in_flash(stream);
  const std::uint32_t per_page = plan_.kv().tokens_per_page();
  const std::uint8_t* bytes =
      contents_->open_page(plan_.kv().stream_index(stream)) + (first % per_page) * plan_.kv().token_bytes();
  const auto count = static_cast<std::uint32_t>(tokens);
  if (stream.kind == KvKind::K)
    pe_logits(bytes, count, values->head_dim, values->element, values->input, heads, values->scale,
              values->output + first, values->stride);
  else
    pe_weighted_values(bytes, count, values->head_dim, values->element, values->input + first, values->stride, heads,
                       values->output);
}

std::uint64_t DecodeRuntime::kv_append(const KvStream& stream, const std::uint8_t* bytes) {
  const KvMapping& kv = plan_.kv();
  const std::uint64_t index = kv.stream_index(stream);
  const std::uint64_t token = plan_.write_buffer().tokens(stream);
  CommandTag tag;
  tag.token = token;
  tag.layer = stream.layer;
  tag.head = stream.head;
  tag.phase = Phase::KvWrite;
  const DataflowStep step(observer_, tag);
  const std::uint64_t page = token / kv.tokens_per_page();
  const bool in_flash = plan_.dataflow().variant != Variant::DramKv;
  if (in_flash && page >= allocated_pages_[index]) {
    open_page_address_[index] = plan_.allocator().allocate(kv.slot_of(stream, page), stream.kind);
    allocated_pages_[index] = page + 1;
    if (contents_) contents_->record_page(index, open_page_address_[index]);
  }
  if (contents_) contents_->record_token(index, token, bytes);
  const std::uint32_t domain = plan_.buffer_domain(stream);
  const bool compact = plan_.dataflow().variant == Variant::Compact;
  if (compact) {
    // The NPU (which applied RoPE) sends the new vector to the KV buffer of its page's plane.
    const DieRef& die = plan_.kv_group().dies[kv.plane_of_slot(domain).die_index];
    IfcRequest request;
    request.op = IfcHostOp::Input;
    request.tag = tag;
    request.channel = die.channel;
    request.die = die.die;
    request.input_bytes = kv.token_bytes();
    const sc_core::sc_time start = sc_core::sc_time_stamp();
    transport_flash(request);
    breakdown_.record(Phase::KvWrite, start, sc_core::sc_time_stamp());
  }
  if (plan_.dataflow().variant == Variant::DramKv) dram_access(true, plan_.dram_address(stream, token), kv.token_bytes(), tag);
  const std::vector<KvProgram> programs = plan_.write_buffer().append(stream, domain);
  report_kv_buffer(domain);
  // A stream's programs write its newest flash tokens, the last program ending at tokens_in_flash.
  std::vector<std::uint64_t> written_after(programs.size());
  std::map<std::uint64_t, std::uint64_t> end_of;
  for (std::size_t i = programs.size(); i-- > 0;) {
    const std::uint64_t s = kv.stream_index(programs[i].stream);
    auto [it, fresh] = end_of.try_emplace(s, plan_.write_buffer().tokens_in_flash(programs[i].stream));
    written_after[i] = it->second;
    it->second -= programs[i].bytes / kv.token_bytes();
  }
  for (std::size_t i = 0; i < programs.size(); ++i) {
    const KvProgram& p = programs[i];
    const std::uint64_t s = kv.stream_index(p.stream);
    const GroupPlane where = kv.plane_of(p.stream, p.page);
    const DieRef die = plan_.kv_group().dies[where.die_index];
    const std::uint64_t bus_bytes = compact ? 0 : p.bytes;
    std::shared_ptr<KvProgramData> values;
    if (contents_) {
      values = std::make_shared<KvProgramData>();
      values->block = open_page_address_[s].block;
      values->page = open_page_address_[s].page;
      const std::uint64_t first = written_after[i] - p.bytes / kv.token_bytes();
      values->offset = static_cast<std::uint32_t>((first % kv.tokens_per_page()) * kv.token_bytes());
      const std::uint8_t* from = contents_->open_page(s) + values->offset;
      values->bytes.assign(from, from + p.bytes);
    }
    ++undelivered_programs_[s];
    programs_in_flight_.add();
    pool_.start([this, die, where, bus_bytes, bytes = p.bytes, values, s, tag] {
      program(die, where.plane, bus_bytes, bytes, values.get(), tag);
      --undelivered_programs_[s];
      program_delivered_.notify();
      programs_in_flight_.done();
    });
  }
  programs_issued_ += programs.size();
  return programs.size();
}

void DecodeRuntime::wait_for_deliveries(const KvStream& a, const KvStream& b) {
  const std::uint64_t first = plan_.kv().stream_index(a);
  const std::uint64_t second = plan_.kv().stream_index(b);
  while (undelivered_programs_[first] + undelivered_programs_[second] > 0) sc_core::wait(program_delivered_);
}

}  // namespace kvnand
