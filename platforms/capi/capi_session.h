// The simulator behind the C-ABI: a decode system driven by transactions (append, attend, decode
// step) that C submits as tickets, and the control of simulated time between C calls.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>

#include "dataflow/decode_plan.h"
#include "dataflow/task_pool.h"
#include "kvnand.h"
#include "platforms/decode_system.h"
#include "platforms/platform_config.h"
#include "traces/trace_outputs.h"

namespace kvnand {

/// A refused call: the status the C-ABI returns and the message.
class CapiError : public std::runtime_error {
 public:
  CapiError(kvnand_status status, const std::string& what) : std::runtime_error(what), status_(status) {}
  kvnand_status status() const { return status_; }

 private:
  kvnand_status status_;
};

enum class TransactionKind { Append, Attend, AttendGroup, DecodeStep };

/// One transaction as C hands it over. head: the KV head (append, attend group) or query head (attend).
struct TransactionRequest {
  TransactionKind kind = TransactionKind::Append;
  std::uint32_t layer = 0;
  std::uint32_t head = 0;
  const std::uint16_t* k = nullptr;
  const std::uint16_t* v = nullptr;
  const std::uint16_t* q = nullptr;
  float* out = nullptr;
};

class CapiSession : public sc_core::sc_module {
 public:
  /// `model_file` is the resolved model path; `traces` (may be null) the files the config's "trace"
  /// section opened. Throws CapiError (KVNAND_E_OUT_OF_MEMORY when the model and context do not
  /// fit; KVNAND_E_CONFIG for a plan no platform can run).
  CapiSession(sc_core::sc_module_name name, PlatformConfig config, const ModelSpec& model,
              const std::string& model_file, std::unique_ptr<TraceOutputs> traces);
  /// Closes the trace files at the current simulated time.
  ~CapiSession() override;

  const kvnand_shape& shape() const { return shape_; }
  /// Validates and issues at the current simulated time; throws CapiError when refused.
  kvnand_ticket submit(const TransactionRequest& request);
  /// KVNAND_PENDING, or the finished transaction's status (then the ticket is collected and `error`
  /// holds its message when not OK). Throws CapiError(KVNAND_E_TICKET) for an unknown ticket.
  kvnand_status poll(kvnand_ticket ticket, kvnand_timing* timing, std::string& error);
  /// Runs until the ticket is done; then as poll.
  kvnand_status wait(kvnand_ticket ticket, kvnand_timing* timing, std::string& error);
  void run_until_idle();
  void run_until(std::uint64_t time_ps);
  /// The decode report of the session so far plus transaction counts.
  std::string stats_json();

 private:
  struct Ticket {
    TransactionKind kind = TransactionKind::Append;
    AttendQuery query;
    std::vector<std::uint8_t> k, v;
    std::vector<float> q;
    bool has_values = false;
    /// Per head group it occupies (a decode step: all), its place in that group's order.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> order;
    sc_core::sc_time issue, start, end;
    TransactionWork work;
    bool done = false;
    kvnand_status status = KVNAND_OK;
    std::string error;
  };

  void dispatch();
  void execute(kvnand_ticket id);
  void validate(const TransactionRequest& request) const;
  void check_running() const;
  /// Runs the kernel; throws CapiError(KVNAND_E_SIMULATION) when the model failed meanwhile.
  void advance(const sc_core::sc_time& duration, sc_core::sc_starvation_policy policy);
  kvnand_status collect(kvnand_ticket ticket, kvnand_timing* timing, std::string& error);

  PlatformConfig config_;
  std::string model_file_;
  std::unique_ptr<DecodePlan> plan_;
  /// Declared before the system so that it outlives the modules reporting to it.
  std::unique_ptr<TraceOutputs> traces_;
  std::unique_ptr<DecodeSystem> system_;
  kvnand_shape shape_{};
  TaskPool pool_;
  std::map<kvnand_ticket, Ticket> tickets_;
  std::vector<kvnand_ticket> to_dispatch_;
  sc_core::sc_event dispatch_event_;
  kvnand_ticket next_ticket_ = 1;
  /// The ticket a C call waits for (0: none): its completion pauses the kernel.
  kvnand_ticket awaited_ = 0;
  /// Per head group (layer * kv_heads + kv_head): transactions submitted and finished.
  std::vector<std::uint64_t> submitted_, finished_;
  sc_core::sc_event group_finished_;
  std::map<TransactionKind, std::uint64_t> counts_;
  /// Set when the model failed inside the simulation: the session can do nothing more.
  std::string failure_;
};

}  // namespace kvnand
