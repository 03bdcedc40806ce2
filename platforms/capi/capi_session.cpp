#include "platforms/capi/capi_session.h"

#include <chrono>
#include <utility>

#include "common/sim_time.h"
#include "npu/npu.h"
#include "platforms/decode_report.h"

namespace kvnand {
namespace {

const char* kind_name(TransactionKind kind) {
  switch (kind) {
    case TransactionKind::Append: return "appends";
    case TransactionKind::Attend: return "attends";
    case TransactionKind::AttendGroup: return "attend_groups";
    case TransactionKind::DecodeStep: return "decode_steps";
  }
  return "";
}

DecodeOptions options_of(const SessionSpec& session) {
  DecodeOptions options;
  options.context_tokens = session.context_tokens;
  options.decode_tokens = 0;
  options.precision = session.precision;
  options.accounting = session.accounting;
  options.functional = session.functional;
  options.element = session.element;
  return options;
}

std::string index_error(const char* what, std::uint32_t value, std::uint32_t count, const char* unit) {
  return std::string(what) + " " + std::to_string(value) + " is out of range: the model has " + std::to_string(count) +
         " " + unit + " (0.." + std::to_string(count - 1) + ")";
}

/// 16-bit values as the little-endian bytes a page stores.
std::vector<std::uint8_t> to_bytes(const std::uint16_t* values, std::size_t count) {
  std::vector<std::uint8_t> bytes(count * kElementBytes);
  for (std::size_t i = 0; i < count; ++i) {
    bytes[2 * i] = static_cast<std::uint8_t>(values[i] & 0xFFu);
    bytes[2 * i + 1] = static_cast<std::uint8_t>(values[i] >> 8);
  }
  return bytes;
}

std::uint64_t ps_of(const sc_core::sc_time& t) { return t.value(); }

}  // namespace

CapiSession::CapiSession(sc_core::sc_module_name name, PlatformConfig config, const ModelSpec& model,
                         const std::string& model_file, std::unique_ptr<TraceOutputs> traces)
    : sc_module(name),
      config_(std::move(config)),
      model_file_(model_file),
      traces_(std::move(traces)),
      pool_(std::string(basename())) {
  const SessionSpec& session = *config_.session;
  try {
    plan_ = std::make_unique<DecodePlan>(model, options_of(session), config_.flash, config_.channels, *config_.ifc,
                                         *config_.dataflow, config_.dram ? config_.dram->capacity_bytes() : 0);
  } catch (const std::invalid_argument& e) {
    throw CapiError(KVNAND_E_CONFIG, config_.origin + ": " + e.what());
  }
  if (plan_->out_of_memory())
    throw CapiError(KVNAND_E_OUT_OF_MEMORY, config_.origin + ": out of memory: " + plan_->capacity().reason);
  system_ = std::make_unique<DecodeSystem>("system", config_, *plan_, traces_ ? traces_->observer() : nullptr, [] {},
                                           std::function<bool()>{}, RuntimeDriver::Transactions);
  shape_.layers = model.layers;
  shape_.q_heads = model.heads;
  shape_.kv_heads = model.kv_heads;
  shape_.head_dim = model.head_dim;
  shape_.group_size = model.group_size();
  shape_.tokens_per_page = plan_->kv().tokens_per_page();
  shape_.element = session.element == ElementType::Bf16 ? KVNAND_ELEMENT_BF16 : KVNAND_ELEMENT_FP16;
  shape_.functional = session.functional ? 1 : 0;
  shape_.context_tokens = session.context_tokens;
  const std::size_t groups = std::size_t{model.layers} * model.kv_heads;
  submitted_.assign(groups, 0);
  finished_.assign(groups, 0);
  SC_HAS_PROCESS(CapiSession);
  SC_THREAD(dispatch);
}

CapiSession::~CapiSession() {
  if (!traces_) return;
  try {
    traces_->close(sc_core::sc_time_stamp());
  } catch (const std::exception&) {
    // kvnand_destroy cannot report it; a file that failed is not left behind half-written.
  }
}

void CapiSession::check_running() const {
  if (!failure_.empty())
    throw CapiError(KVNAND_E_STOPPED, "the simulator stopped after an error (" + failure_ + "); destroy it");
}

void CapiSession::validate(const TransactionRequest& r) const {
  if (r.layer >= shape_.layers && r.kind != TransactionKind::DecodeStep)
    throw CapiError(KVNAND_E_INDEX, index_error("layer", r.layer, shape_.layers, "layers"));
  bool gives_values = false;
  switch (r.kind) {
    case TransactionKind::Append:
      if (r.head >= shape_.kv_heads) throw CapiError(KVNAND_E_INDEX, index_error("KV head", r.head, shape_.kv_heads, "KV heads"));
      if ((r.k == nullptr) != (r.v == nullptr))
        throw CapiError(KVNAND_E_NULL, std::string(r.k == nullptr ? "k" : "v") +
                                           " is NULL while the other is not: pass both K and V, or neither (timing only)");
      gives_values = r.k != nullptr;
      break;
    case TransactionKind::Attend:
    case TransactionKind::AttendGroup: {
      const bool group = r.kind == TransactionKind::AttendGroup;
      if (group && r.head >= shape_.kv_heads)
        throw CapiError(KVNAND_E_INDEX, index_error("KV head", r.head, shape_.kv_heads, "KV heads"));
      if (!group && r.head >= shape_.q_heads)
        throw CapiError(KVNAND_E_INDEX, index_error("query head", r.head, shape_.q_heads, "query heads"));
      if ((r.q == nullptr) != (r.out == nullptr))
        throw CapiError(KVNAND_E_NULL, std::string(r.q == nullptr ? "q" : "out") +
                                           " is NULL while the other is not: pass q and out, or neither (timing only)");
      gives_values = r.q != nullptr;
      break;
    }
    case TransactionKind::DecodeStep: break;
  }
  if (gives_values && shape_.functional == 0)
    throw CapiError(KVNAND_E_ARGUMENT,
                    "values given to a timing-only simulator (session.functional is false): pass NULL data");
}

kvnand_ticket CapiSession::submit(const TransactionRequest& r) {
  check_running();
  validate(r);
  const std::uint32_t head_dim = shape_.head_dim;
  Ticket t;
  t.kind = r.kind;
  t.issue = sc_core::sc_time_stamp();
  switch (r.kind) {
    case TransactionKind::Append:
      t.query.layer = r.layer;
      t.query.kv_head = r.head;
      if (r.k != nullptr) {
        t.k = to_bytes(r.k, head_dim);
        t.v = to_bytes(r.v, head_dim);
      }
      break;
    case TransactionKind::Attend:
    case TransactionKind::AttendGroup: {
      const bool group = r.kind == TransactionKind::AttendGroup;
      t.query.layer = r.layer;
      t.query.kv_head = group ? r.head : r.head / shape_.group_size;
      t.query.first_head = group ? 0 : r.head % shape_.group_size;
      t.query.heads = group ? shape_.group_size : 1;
      if (r.q != nullptr) {
        const std::size_t count = std::size_t{t.query.heads} * head_dim;
        const ElementType element = shape_.element == KVNAND_ELEMENT_BF16 ? ElementType::Bf16 : ElementType::Fp16;
        for (std::size_t i = 0; i < count; ++i) t.q.push_back(element_to_float(element, r.q[i]));
        t.query.out = r.out;
      }
      break;
    }
    case TransactionKind::DecodeStep: break;
  }
  if (r.kind == TransactionKind::DecodeStep) {
    for (std::uint64_t g = 0; g < submitted_.size(); ++g) t.order.emplace_back(g, submitted_[g]++);
  } else {
    const std::uint64_t g = std::uint64_t{t.query.layer} * shape_.kv_heads + t.query.kv_head;
    t.order.emplace_back(g, submitted_[g]++);
  }
  const kvnand_ticket id = next_ticket_++;
  Ticket& stored = tickets_.emplace(id, std::move(t)).first->second;
  if (!stored.q.empty()) stored.query.q = stored.q.data();
  ++counts_[r.kind];
  to_dispatch_.push_back(id);
  dispatch_event_.notify(sc_core::SC_ZERO_TIME);
  return id;
}

void CapiSession::dispatch() {
  for (;;) {
    sc_core::wait(dispatch_event_);
    std::vector<kvnand_ticket> ready;
    ready.swap(to_dispatch_);
    for (const kvnand_ticket id : ready) pool_.start([this, id] { execute(id); });
  }
}

void CapiSession::execute(kvnand_ticket id) {
  Ticket& t = tickets_.at(id);
  for (const auto& [group, place] : t.order)
    while (finished_[group] != place) sc_core::wait(group_finished_);
  t.start = sc_core::sc_time_stamp();
  DecodeRuntime& runtime = system_->runtime();
  try {
    switch (t.kind) {
      case TransactionKind::Append:
        t.work = runtime.append_token(t.query.layer, t.query.kv_head, t.k.empty() ? nullptr : t.k.data(),
                                      t.v.empty() ? nullptr : t.v.data());
        break;
      case TransactionKind::Attend:
      case TransactionKind::AttendGroup: t.work = runtime.attend(t.query); break;
      case TransactionKind::DecodeStep: t.work = runtime.decode_step(); break;
    }
  } catch (const KvCapacityError& e) {
    t.status = KVNAND_E_CAPACITY;
    t.error = e.what();
  } catch (const KvNoValuesError& e) {
    t.status = KVNAND_E_NO_DATA;
    t.error = e.what();
  } catch (const std::exception& e) {
    t.status = KVNAND_E_SIMULATION;
    t.error = e.what();
    failure_ = e.what();
  }
  t.end = sc_core::sc_time_stamp();
  t.done = true;
  for (const auto& [group, place] : t.order) ++finished_[group];
  group_finished_.notify();
  if (awaited_ == id || !failure_.empty()) sc_core::sc_pause();
}

void CapiSession::advance(const sc_core::sc_time& duration, sc_core::sc_starvation_policy policy) {
  try {
    if (duration == sc_core::SC_ZERO_TIME && policy == sc_core::SC_EXIT_ON_STARVATION)
      sc_core::sc_start();
    else
      sc_core::sc_start(duration, policy);
  } catch (const std::exception& e) {
    failure_ = e.what();
  }
  if (!failure_.empty()) throw CapiError(KVNAND_E_SIMULATION, "simulation failed: " + failure_);
}

kvnand_status CapiSession::collect(kvnand_ticket ticket, kvnand_timing* timing, std::string& error) {
  const auto found = tickets_.find(ticket);
  Ticket& t = found->second;
  if (timing != nullptr) {
    timing->issue_ps = ps_of(t.issue);
    timing->start_ps = ps_of(t.start);
    timing->end_ps = ps_of(t.end);
    timing->page_reads = t.work.page_reads;
    timing->pages_programmed = t.work.pages_programmed;
  }
  const kvnand_status status = t.status;
  error = t.error;
  tickets_.erase(found);
  return status;
}

kvnand_status CapiSession::poll(kvnand_ticket ticket, kvnand_timing* timing, std::string& error) {
  const auto found = tickets_.find(ticket);
  if (found == tickets_.end())
    throw CapiError(KVNAND_E_TICKET, "ticket " + std::to_string(ticket) + " is unknown or was already collected");
  if (!found->second.done) return KVNAND_PENDING;
  return collect(ticket, timing, error);
}

kvnand_status CapiSession::wait(kvnand_ticket ticket, kvnand_timing* timing, std::string& error) {
  check_running();
  const auto found = tickets_.find(ticket);
  if (found == tickets_.end())
    throw CapiError(KVNAND_E_TICKET, "ticket " + std::to_string(ticket) + " is unknown or was already collected");
  while (!found->second.done) {
    awaited_ = ticket;
    advance(sc_core::SC_ZERO_TIME, sc_core::SC_EXIT_ON_STARVATION);
    awaited_ = 0;
    if (!found->second.done && !sc_core::sc_pending_activity()) {
      failure_ = "ticket " + std::to_string(ticket) + " can never finish (nothing left to simulate)";
      throw CapiError(KVNAND_E_SIMULATION, failure_);
    }
  }
  return collect(ticket, timing, error);
}

void CapiSession::run_until_idle() {
  check_running();
  // The kernel warns when started with nothing to do.
  if (sc_core::sc_pending_activity()) advance(sc_core::SC_ZERO_TIME, sc_core::SC_EXIT_ON_STARVATION);
  // A page program holds its plane (a reservation, no event) until tPROG has passed.
  const sc_core::sc_time programs_end = system_->runtime().programs_end();
  if (programs_end > sc_core::sc_time_stamp()) advance(programs_end - sc_core::sc_time_stamp(), sc_core::SC_RUN_TO_TIME);
}

void CapiSession::run_until(std::uint64_t time_ps) {
  check_running();
  const std::uint64_t now = ps_of(sc_core::sc_time_stamp());
  if (time_ps < now)
    throw CapiError(KVNAND_E_TIME, "time " + std::to_string(time_ps) + " ps is before the current simulated time " +
                                       std::to_string(now) + " ps");
  const std::uint64_t latest = sc_core::sc_max_time().value();
  if (time_ps > latest)
    throw CapiError(KVNAND_E_TIME, "time " + std::to_string(time_ps) + " ps is past the latest simulated time " +
                                       std::to_string(latest) + " ps");
  if (time_ps > now) advance(picoseconds(time_ps - now), sc_core::SC_RUN_TO_TIME);
}

std::string CapiSession::stats_json() {
  DecodeRunInfo run{config_.origin, model_file_};
  system_->runtime().mark_span_end(sc_core::sc_time_stamp());
  nlohmann::json report = decode_report(*system_, config_, *plan_, run, HostMeasurements{});
  report["run"]["workload"] = "capi";
  nlohmann::json transactions = nlohmann::json::object();
  for (TransactionKind kind : {TransactionKind::Append, TransactionKind::Attend, TransactionKind::AttendGroup,
                               TransactionKind::DecodeStep}) {
    const auto count = counts_.find(kind);
    transactions[kind_name(kind)] = count == counts_.end() ? 0 : count->second;
  }
  std::uint64_t in_flight = 0;
  for (const auto& [id, t] : tickets_) in_flight += t.done ? 0 : 1;
  transactions["in_flight"] = in_flight;
  transactions["kv_programs_issued"] = system_->runtime().result().kv_programs;
  report["transactions"] = transactions;
  return report.dump(2);
}

}  // namespace kvnand
