#include "dataflow/decode_runtime.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

#include "common/seeded_random.h"
#include "dataflow/dataflow_step.h"
#include "npu/npu.h"

namespace kvnand {
namespace {

NpuOpKind norm_op(NormKind kind) { return kind == NormKind::RmsNorm ? NpuOpKind::RmsNorm : NpuOpKind::LayerNorm; }

NpuOpKind activation_op(Activation activation) {
  switch (activation) {
    case Activation::Silu: return NpuOpKind::Silu;
    case Activation::Gelu: return NpuOpKind::Gelu;
    case Activation::Relu: return NpuOpKind::Relu;
  }
  return NpuOpKind::Silu;
}

}  // namespace

DecodeRuntime::DecodeRuntime(sc_core::sc_module_name name, DecodePlan& plan, const FlashGeometry& geometry,
                             const IfcSpec& ifc, std::function<void()> on_finished,
                             std::function<bool()> interrupted, RuntimeDriver driver, ActivityObserver* observer)
    : sc_module(name),
      flash_socket("flash_socket"),
      npu_socket("npu_socket"),
      dram_socket("dram_socket"),
      plan_(plan),
      geometry_(geometry),
      ifc_(ifc),
      on_finished_(std::move(on_finished)),
      interrupted_(std::move(interrupted)),
      observer_(observer),
      pool_(std::string(basename())),
      allocated_pages_(plan.kv().streams(), plan.options().context_tokens / plan.kv().tokens_per_page()),
      open_page_address_(plan.kv().streams()),
      undelivered_programs_(plan.kv().streams(), 0) {
  result_.expert_reads.assign(plan.model().experts, 0);
  if (plan.options().functional) contents_ = std::make_unique<KvContents>(plan.kv(), plan.options().context_tokens);
  if (driver == RuntimeDriver::TokenLoop) {
    SC_HAS_PROCESS(DecodeRuntime);
    SC_THREAD(run);
  }
}

void DecodeRuntime::run() {
  result_.decode_start = sc_core::sc_time_stamp();
  for (std::uint64_t token = 0; token < plan_.options().decode_tokens; ++token) {
    if (!run_token(token)) {
      result_.interrupted = true;
      break;
    }
  }
  result_.decode_end = sc_core::sc_time_stamp();
  result_.finished = !result_.interrupted;
  if (on_finished_) on_finished_();
}

bool DecodeRuntime::run_token(std::uint64_t token) {
  const sc_core::sc_time start = sc_core::sc_time_stamp();
  token_position_ = plan_.write_buffer().tokens(plan_.kv().stream_at(0));
  breakdown_.begin_token(start);
  const bool completed = decode_token(token);
  programs_in_flight_.wait();
  if (!completed) return false;
  breakdown_.end_token(sc_core::sc_time_stamp());
  result_.token_latency.push_back(sc_core::sc_time_stamp() - start);
  plan_.allocator().record_token_reads();
  return true;
}

bool DecodeRuntime::decode_token(std::uint64_t token) {
  const ModelSpec& model = plan_.model();
  const DieGroup& weights = plan_.weight_group();
  if (plan_.embedding_row_pages() > 0) {
    IfcStreamCommand lookup;
    lookup.kernel = IfcKernel::ReadOut;
    lookup.pages_per_plane[0] = plan_.embedding_row_pages();
    const CommandTag tag = token_tag(Phase::Transfer);
    const DataflowStep step(observer_, tag);
    compute(weights.dies.front(), lookup, 0, activation_bytes(model.hidden), tag);
  }
  for (std::uint32_t layer = 0; layer < model.layers; ++layer) {
    if (interrupted_ && interrupted_()) return false;
    const CommandTag other = token_tag(Phase::NpuOther, layer);
    npu(norm_op(model.norm), model.hidden, 0, other);
    // The baselines generate all heads at once and attend every head group concurrently, as the
    // compact variant does.
    if (plan_.dataflow().variant == Variant::Discrete)
      attention_discrete(layer);
    else
      attention_compact(layer);
    gemv(weights, plan_.layers()[layer].o_proj, std::uint64_t{model.heads} * model.head_dim,
         token_tag(Phase::OProj, layer));
    npu(NpuOpKind::ResidualAdd, model.hidden, 0, other);
    npu(norm_op(model.norm), model.hidden, 0, other);
    feed_forward(layer, token);
    npu(NpuOpKind::ResidualAdd, model.hidden, 0, other);
  }
  if (plan_.lm_head()) {
    const CommandTag other = token_tag(Phase::NpuOther);
    npu(norm_op(model.norm), model.hidden, 0, other);
    gemv(weights, *plan_.lm_head(), model.hidden, token_tag(Phase::LmHead));
    npu(NpuOpKind::Argmax, model.vocab, 0, other);
  }
  return true;
}

void DecodeRuntime::feed_forward(std::uint32_t layer, std::uint64_t token) {
  const ModelSpec& model = plan_.model();
  const LayerWeights& lw = plan_.layers()[layer];
  const std::vector<std::uint32_t> experts = choose_experts(token, layer);
  const CommandTag other = token_tag(Phase::NpuOther, layer);
  const CommandTag ffn = token_tag(Phase::Ffn, layer);
  if (model.experts > 1)
    npu(NpuOpKind::MoeRouting, model.experts, std::uint64_t{model.hidden} * model.experts, other);
  std::vector<WeightPlacement::Handle> in, out;
  for (std::uint32_t e : experts) {
    in.push_back(lw.ffn_in[e]);
    out.push_back(lw.ffn_out[e]);
    ++result_.expert_reads[e];
  }
  gemv_concurrently(in, model.hidden, ffn);
  const std::uint64_t activations = plan_.ffn_dim() * experts.size();
  npu(activation_op(model.activation), activations, 0, other);
  if (model.ffn == FfnKind::SwiGlu) npu(NpuOpKind::Multiply, activations, 0, other);
  gemv_concurrently(out, plan_.ffn_dim(), ffn);
  if (model.experts > 1) npu(NpuOpKind::Aggregate, std::uint64_t{model.hidden} * experts.size(), 0, other);
}

std::vector<std::uint32_t> DecodeRuntime::choose_experts(std::uint64_t token, std::uint32_t layer) const {
  const ModelSpec& model = plan_.model();
  std::vector<std::uint32_t> all(model.experts);
  for (std::uint32_t e = 0; e < model.experts; ++e) all[e] = e;
  const std::uint32_t chosen = plan_.experts_read_per_token();
  if (chosen == model.experts) return all;
  // A partial Fisher-Yates shuffle with a stream per (token, layer): the same run picks the same experts.
  std::uint64_t state = plan_.dataflow().expert_routing_seed + token * model.layers + layer;
  next_random(state);
  for (std::uint32_t i = 0; i < chosen; ++i) {
    const std::uint32_t j = i + static_cast<std::uint32_t>(uniform_below(state, model.experts - i));
    std::swap(all[i], all[j]);
  }
  all.resize(chosen);
  std::sort(all.begin(), all.end());
  return all;
}

void DecodeRuntime::gemv_concurrently(const std::vector<WeightPlacement::Handle>& matrices,
                                      std::uint64_t input_elements, const CommandTag& tag) {
  if (matrices.size() == 1) {
    gemv(plan_.weight_group(), matrices.front(), input_elements, tag);
    return;
  }
  JoinCounter join;
  for (WeightPlacement::Handle matrix : matrices) {
    join.add();
    pool_.start([this, &join, matrix, input_elements, tag] {
      gemv(plan_.weight_group(), matrix, input_elements, tag);
      join.done();
    });
  }
  join.wait();
}

void DecodeRuntime::gemv(const DieGroup& group, WeightPlacement::Handle matrix, std::uint64_t input_elements,
                         const CommandTag& tag) {
  const DataflowStep step(observer_, tag);
  const std::vector<DieGemvWork>& work = plan_.weights().work(matrix);
  std::uint64_t partial_sums = 0;
  for (const DieGemvWork& w : work) partial_sums += w.output_rows;
  const std::uint64_t macs_per_page = plan_.weights().weights_per_page();
  fan_out_work(group, work, activation_bytes(input_elements), tag, [&](std::uint32_t die_index, const DieGemvWork& w) {
    IfcStreamCommand command;
    command.kernel = IfcKernel::Gemv;
    command.pages_per_plane = w.pages_per_plane;
    command.macs_per_page = macs_per_page;
    compute(group.dies[die_index], command, 0, w.output_rows * ifc_.partial_sum_bytes, tag);
  });
  npu(NpuOpKind::Aggregate, partial_sums, 0, tag.in_phase(Phase::NpuOther));
}

void DecodeRuntime::fan_out(const DieGroup& group, const std::vector<bool>& has_work, std::uint64_t broadcast_bytes,
                            const CommandTag& tag, const std::function<void(std::uint32_t)>& die_job) {
  JoinCounter join;
  for (const auto& [channel, die_indices] : group.by_channel) {
    std::vector<std::uint32_t> working;
    for (std::uint32_t d : die_indices)
      if (has_work[d]) working.push_back(d);
    if (working.empty()) continue;
    join.add();
    pool_.start([this, &join, &die_job, &tag, channel = channel, working, broadcast_bytes] {
      if (broadcast_bytes > 0) broadcast(channel, broadcast_bytes, tag);
      JoinCounter dies;
      for (std::uint32_t d : working) {
        dies.add();
        pool_.start([&dies, &die_job, d] {
          die_job(d);
          dies.done();
        });
      }
      dies.wait();
      join.done();
    });
  }
  join.wait();
}

void DecodeRuntime::broadcast(ChannelId channel, std::uint64_t bytes, const CommandTag& tag) {
  IfcRequest request;
  request.op = IfcHostOp::Broadcast;
  request.tag = tag;
  request.channel = channel;
  request.input_bytes = bytes;
  const sc_core::sc_time start = sc_core::sc_time_stamp();
  transport_flash(request);
  breakdown_.record(Phase::Transfer, start, sc_core::sc_time_stamp());
}

void DecodeRuntime::compute(const DieRef& die, const IfcStreamCommand& command, std::uint64_t input_bytes,
                            std::uint64_t output_bytes, const CommandTag& tag, const KvKernelData* values) {
  const Phase phase = tag.phase.value_or(Phase::Transfer);
  const std::uint64_t buffer = ifc_.global_buffer_bytes;
  const std::uint64_t chunks = output_bytes > buffer ? (output_bytes + buffer - 1) / buffer : 1;
  for (std::uint64_t chunk = 0; chunk < chunks; ++chunk) {
    IfcRequest request;
    request.op = IfcHostOp::Compute;
    request.tag = tag;
    request.channel = die.channel;
    request.die = die.die;
    request.stream.kernel = command.kernel;
    request.stream.macs_per_page = command.macs_per_page;
    // Each plane's pages are split evenly over the chunks, in order; so are their values.
    std::array<std::uint64_t, PlaneMask::kMaxPlanes> first_page{};
    for (std::size_t p = 0; p < command.pages_per_plane.size(); ++p) {
      const std::uint64_t pages = command.pages_per_plane[p];
      first_page[p] = pages * chunk / chunks;
      request.stream.pages_per_plane[p] = static_cast<std::uint32_t>(pages * (chunk + 1) / chunks - first_page[p]);
      page_reads_ += request.stream.pages_per_plane[p];
    }
    KvKernelData chunk_values;
    if (values != nullptr) {
      chunk_values = *values;
      chunk_values.pages.clear();
      std::array<std::uint64_t, PlaneMask::kMaxPlanes> seen{};
      for (const KvPageRef& ref : values->pages) {
        const std::size_t p = ref.plane.value();
        const std::uint64_t index = seen[p]++;
        if (index >= first_page[p] && index < first_page[p] + request.stream.pages_per_plane[p])
          chunk_values.pages.push_back(ref);
      }
      request.kernel_data = &chunk_values;
    }
    request.input_bytes = chunk == 0 ? input_bytes : 0;
    request.output_bytes = output_bytes * (chunk + 1) / chunks - output_bytes * chunk / chunks;
    const sc_core::sc_time issued = sc_core::sc_time_stamp();
    transport_flash(request);
    // Waiting for planes still busy with earlier kernels belongs to this kernel's phase; waiting
    // for a page program to finish belongs to the KV write path.
    const sc_core::sc_time stall_from =
        std::max(request.delivered_at, request.compute_start - request.program_stall);
    breakdown_.record(Phase::Transfer, issued, request.delivered_at);
    breakdown_.record(phase, request.delivered_at, stall_from);
    breakdown_.record(Phase::KvWrite, stall_from, request.compute_start);
    breakdown_.record(phase, request.compute_start, request.compute_end);
    breakdown_.record(Phase::Transfer, request.compute_end, sc_core::sc_time_stamp());
  }
}

void DecodeRuntime::program(const DieRef& die, PlaneId plane, std::uint64_t bus_bytes, std::uint32_t bytes,
                            const KvProgramData* values, const CommandTag& tag) {
  const DataflowStep step(observer_, tag);
  IfcRequest request;
  request.tag = tag;
  request.program_data = values;
  request.op = IfcHostOp::Program;
  request.channel = die.channel;
  request.die = die.die;
  request.plane = plane;
  request.input_bytes = bus_bytes;
  request.program_bytes = bytes;
  const sc_core::sc_time start = sc_core::sc_time_stamp();
  transport_flash(request);
  programs_end_ = std::max(programs_end_, request.program_end);
  ++result_.kv_programs;
  breakdown_.record(Phase::KvWrite, start, sc_core::sc_time_stamp());
}

void DecodeRuntime::npu(NpuOpKind kind, std::uint64_t elements, std::uint64_t macs, const CommandTag& tag) {
  const DataflowStep step(observer_, tag);
  auto* op = new NpuOperation;
  op->kind = kind;
  op->tag = tag;
  op->elements = elements;
  op->macs = macs;
  tlm::tlm_generic_payload payload;
  payload.set_command(tlm::TLM_IGNORE_COMMAND);
  payload.set_extension(op);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  const sc_core::sc_time issued = sc_core::sc_time_stamp();
  npu_socket->b_transport(payload, delay);
  if (delay > sc_core::SC_ZERO_TIME) sc_core::wait(delay);
  ++result_.npu_operations;
  if (payload.get_response_status() != tlm::TLM_OK_RESPONSE)
    fail(std::string("the NPU refused a ") + to_string(kind) + " operation");
  breakdown_.record(tag.phase.value_or(Phase::NpuOther), issued, op->end);
}

CommandTag DecodeRuntime::token_tag(Phase phase, std::optional<std::uint32_t> layer,
                                    std::optional<std::uint32_t> head) const {
  CommandTag tag;
  tag.token = token_position_;
  tag.layer = layer;
  tag.head = head;
  tag.phase = phase;
  return tag;
}

void DecodeRuntime::report_kv_buffer(std::uint32_t domain) const {
  if (observer_ == nullptr || plan_.dataflow().variant == Variant::DramKv) return;
  const std::uint64_t fill = plan_.write_buffer().fill_bytes(domain);
  if (uses_soc_kv_buffer(plan_.dataflow().variant)) {
    observer_->kv_buffer(false, ChannelId(0), DieId(0), PlaneId(0), fill);
    return;
  }
  const GroupPlane where = plan_.kv().plane_of_slot(domain);
  const DieRef& die = plan_.kv_group().dies[where.die_index];
  observer_->kv_buffer(true, die.channel, die.die, where.plane, fill);
}

void DecodeRuntime::transport_flash(IfcRequest& request) {
  tlm::tlm_generic_payload payload;
  payload.set_command(tlm::TLM_IGNORE_COMMAND);
  payload.set_extension(&request);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  flash_socket->b_transport(payload, delay);
  payload.clear_extension(&request);
  if (delay > sc_core::SC_ZERO_TIME) sc_core::wait(delay);
  ++result_.ifc_requests;
  if (payload.get_response_status() != tlm::TLM_OK_RESPONSE) fail(request.error);
}

void DecodeRuntime::fail(const std::string& why) const {
  throw std::runtime_error(std::string(name()) + ": " + why);
}

std::uint64_t DecodeRuntime::activation_bytes(std::uint64_t elements) const {
  constexpr std::uint64_t kBits = 8;
  return (elements * plan_.bits().activation + kBits - 1) / kBits;
}

}  // namespace kvnand
