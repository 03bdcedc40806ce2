// The SoC runtime: turns each decode token into in-flash-compute commands for the flash
// controller and operations for the NPU, per layer in the order of REFERENCE §4, for KVNAND's
// compact and discrete variants (head-group pipelining in the discrete one) and for the baselines
// (attention on the NPU with the KV cache in DRAM, or read out of plain NAND dies).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "common/activity_observer.h"
#include "common/command_tag.h"
#include "common/ifc_transactions.h"
#include "dataflow/decode_plan.h"
#include "dataflow/kv_contents.h"
#include "dataflow/task_pool.h"
#include "dataflow/time_breakdown.h"
#include "ifc/ifc_spec.h"
#include "npu/npu_spec.h"

namespace kvnand {

struct DecodeResult {
  bool finished = false;
  /// The run stopped early because `interrupted` said so (between layers).
  bool interrupted = false;
  sc_core::sc_time decode_start;
  sc_core::sc_time decode_end;
  std::vector<sc_core::sc_time> token_latency;
  std::uint64_t ifc_requests = 0;
  std::uint64_t npu_operations = 0;
  /// KV pages (or page parts) programmed during the run.
  std::uint64_t kv_programs = 0;
  /// How often each expert was read (dense models: one entry).
  std::vector<std::uint64_t> expert_reads;
};

/// Who drives the runtime: its own thread decoding options().decode_tokens tokens, or callers
/// issuing transactions (append, attend, decode step) from their simulation threads.
enum class RuntimeDriver { TokenLoop, Transactions };

/// An attend for `heads` query heads of one head group (KV head), starting at query head
/// `first_head` of the group. q: heads x head_dim values (null: timing only); out receives
/// heads x head_dim outputs.
struct AttendQuery {
  std::uint32_t layer = 0;
  std::uint32_t kv_head = 0;
  std::uint32_t first_head = 0;
  std::uint32_t heads = 1;
  const float* q = nullptr;
  float* out = nullptr;
};

/// What one transaction made the flash do.
struct TransactionWork {
  std::uint64_t page_reads = 0;
  std::uint64_t pages_programmed = 0;
};

/// An append or decode step that needs a KV page where the flash has no free block; thrown before
/// anything changed.
class KvCapacityError : public std::length_error {
 public:
  using std::length_error::length_error;
};
/// Values asked of a stream that holds tokens without values; thrown before anything changed.
class KvNoValuesError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class DecodeRuntime : public sc_core::sc_module {
 public:
  using Socket = tlm_utils::simple_initiator_socket<DecodeRuntime>;
  /// Bound to the DRAM controller on platforms with DRAM (the dram_kv variant), else left unbound.
  using DramSocket = tlm_utils::multi_passthrough_initiator_socket<DecodeRuntime, 32, tlm::tlm_base_protocol_types, 1,
                                                                   sc_core::SC_ZERO_OR_MORE_BOUND>;
  Socket flash_socket;
  Socket npu_socket;
  DramSocket dram_socket;

  /// `on_finished` runs when the last token is done or the run was interrupted (e.g. to stop the
  /// simulation); `interrupted` (may be empty) is asked between layers whether to stop early.
  /// `observer` (may be null) sees each step of the dataflow; commands and NPU ops carry tags.
  DecodeRuntime(sc_core::sc_module_name name, DecodePlan& plan, const FlashGeometry& geometry, const IfcSpec& ifc,
                std::function<void()> on_finished, std::function<bool()> interrupted = {},
                RuntimeDriver driver = RuntimeDriver::TokenLoop, ActivityObserver* observer = nullptr);

  const DecodeResult& result() const { return result_; }
  const TimeBreakdown& breakdown() const { return breakdown_; }

  // Transactions (RuntimeDriver::Transactions), called from a simulation thread; each returns
  // when done (its KV page programs go on in the background).
  /// One token's K and V for (layer, kv_head): token_bytes each, or both null (timing only).
  TransactionWork append_token(std::uint32_t layer, std::uint32_t kv_head, const std::uint8_t* k,
                               const std::uint8_t* v);
  TransactionWork attend(const AttendQuery& query);
  /// One whole decode token (every layer; appends a token without values to every KV head).
  TransactionWork decode_step();
  /// When the last KV page program issued so far ends on its plane.
  const sc_core::sc_time& programs_end() const { return programs_end_; }
  /// Reports of a transaction-driven run cover [0, at].
  void mark_span_end(const sc_core::sc_time& at) {
    result_.decode_end = at;
    result_.finished = true;
  }

 private:
  void run();
  /// False when interrupted.
  bool decode_token(std::uint64_t token);
  /// decode_token with its bookkeeping: token latency, breakdown, KV block reads. False when interrupted.
  bool run_token(std::uint64_t token);
  void attention_discrete(std::uint32_t layer);
  void attention_compact(std::uint32_t layer);
  void attend_head_group(std::uint32_t layer, std::uint32_t group);
  /// Head groups first .. first + count - 1 of a layer, concurrently (append, logit, softmax, attend).
  void attend_head_groups(std::uint32_t layer, std::uint32_t first, std::uint32_t count);
  /// Logit, softmax, attend and merge for a query (values when query.q is set); returns pages read.
  std::uint64_t attention(const AttendQuery& query);
  /// Throws KvCapacityError when appending one token to each of `streams` would need a KV page
  /// that no plane slot can give.
  void check_kv_room(const std::vector<KvStream>& streams) const;
  /// Waits until the page programs already issued for these streams have reached their dies.
  void wait_for_deliveries(const KvStream& a, const KvStream& b);
  void feed_forward(std::uint32_t layer, std::uint64_t token);

  /// A GEMV over the group's dies: input broadcast per channel, kernels, partial sums out, NPU aggregation.
  void gemv(const DieGroup& group, WeightPlacement::Handle matrix, std::uint64_t input_elements, const CommandTag& tag);
  /// Runs several GEMVs that share nothing but the hardware at the same time.
  void gemv_concurrently(const std::vector<WeightPlacement::Handle>& matrices, std::uint64_t input_elements,
                         const CommandTag& tag);
  /// Logit or attend over the KV pages of one stream that are in flash; returns the dies that took part.
  /// `values` (null: timing only) gives the kernel's input and output: see KvKernelData.
  std::size_t kv_kernel(const KvStream& stream, IfcKernel kernel, std::uint32_t heads, std::uint64_t broadcast_bytes,
                        const CommandTag& tag, const KvKernelData* values);
  /// The stream's tokens still in a buffer are attended by the NPU (values as in kv_kernel, with
  /// plain outputs: the NPU's own partial sums for an attend).
  void buffered_tokens(const KvStream& stream, std::uint32_t heads, const CommandTag& tag, const KvKernelData* values);
  /// Appends one token (bytes: token_bytes, or null) and issues the programs it causes; returns their number.
  std::uint64_t kv_append(const KvStream& stream, const std::uint8_t* bytes);
  /// nand_kv: a stream's flash pages (`work`, per die) are read out of the plain KV dies to the NPU, per die in parallel.
  void kv_readout(const std::vector<DieKvWork>& work, const CommandTag& tag);
  /// dram_kv: one read or write of the KV cache in DRAM; the time counts in the tag's phase.
  void dram_access(bool write, std::uint64_t address, std::uint64_t bytes, const CommandTag& tag);
  /// The per-die values of a KV kernel: the pages of `stream` that die holds, in token order.
  std::vector<std::vector<KvPageRef>> pages_by_die(const KvStream& stream) const;

  /// Runs `die_job` for every die of the group with work (by die index): per channel, the input is
  /// broadcast once (when broadcast_bytes > 0), then the channel's dies run in parallel.
  void fan_out(const DieGroup& group, const std::vector<bool>& has_work, std::uint64_t broadcast_bytes,
               const CommandTag& tag, const std::function<void(std::uint32_t)>& die_job);
  /// fan_out over the dies that `work` names (each entry's die_index): job(die_index, that entry).
  template <typename Work, typename Job>
  void fan_out_work(const DieGroup& group, const std::vector<Work>& work, std::uint64_t broadcast_bytes,
                    const CommandTag& tag, const Job& job) {
    std::vector<const Work*> by_die(group.dies.size(), nullptr);
    std::vector<bool> has_work(group.dies.size(), false);
    for (const Work& w : work) {
      by_die[w.die_index] = &w;
      has_work[w.die_index] = true;
    }
    fan_out(group, has_work, broadcast_bytes, tag, [&](std::uint32_t die_index) { job(die_index, *by_die[die_index]); });
  }
  void broadcast(ChannelId channel, std::uint64_t bytes, const CommandTag& tag);
  /// One die's kernel; results beyond the global buffer are produced and read out in chunks.
  void compute(const DieRef& die, const IfcStreamCommand& command, std::uint64_t input_bytes,
               std::uint64_t output_bytes, const CommandTag& tag, const KvKernelData* values = nullptr);
  void program(const DieRef& die, PlaneId plane, std::uint64_t bus_bytes, std::uint32_t bytes,
               const KvProgramData* values, const CommandTag& tag);
  void npu(NpuOpKind kind, std::uint64_t elements, std::uint64_t macs, const CommandTag& tag);
  /// A tag for work of the token being decoded.
  CommandTag token_tag(Phase phase, std::optional<std::uint32_t> layer = {},
                       std::optional<std::uint32_t> head = {}) const;
  /// Tells the observer the fill of a KV write buffer domain.
  void report_kv_buffer(std::uint32_t domain) const;
  void transport_flash(IfcRequest& request);
  [[noreturn]] void fail(const std::string& why) const;

  std::uint64_t activation_bytes(std::uint64_t elements) const;
  std::vector<std::uint32_t> choose_experts(std::uint64_t token, std::uint32_t layer) const;

  DecodePlan& plan_;
  FlashGeometry geometry_;
  IfcSpec ifc_;
  std::function<void()> on_finished_;
  std::function<bool()> interrupted_;
  ActivityObserver* observer_;
  TaskPool pool_;
  JoinCounter programs_in_flight_;
  TimeBreakdown breakdown_;
  DecodeResult result_;
  /// Per KV stream: pages that already have a flash address, and the address of the last of them.
  std::vector<std::uint64_t> allocated_pages_;
  std::vector<KvPageAddress> open_page_address_;
  /// Per KV stream: page programs issued that have not reached their die yet.
  std::vector<std::uint32_t> undelivered_programs_;
  sc_core::sc_event program_delivered_;
  /// Present in functional runs.
  std::unique_ptr<KvContents> contents_;
  std::uint64_t tokens_decoded_ = 0;
  /// Sequence position of the token the token loop / decode step is working on.
  std::uint64_t token_position_ = 0;
  std::uint64_t page_reads_ = 0;
  std::uint64_t programs_issued_ = 0;
  sc_core::sc_time programs_end_;
};

}  // namespace kvnand
