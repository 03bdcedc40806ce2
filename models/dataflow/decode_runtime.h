// The SoC runtime: turns each decode token into in-flash-compute commands for the flash
// controller and operations for the NPU, per layer in the order of REFERENCE §4, for KVNAND's
// compact and discrete variants (head-group pipelining in the discrete one).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "common/ifc_transactions.h"
#include "dataflow/decode_plan.h"
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

class DecodeRuntime : public sc_core::sc_module {
 public:
  using Socket = tlm_utils::simple_initiator_socket<DecodeRuntime>;
  Socket flash_socket;
  Socket npu_socket;

  /// `on_finished` runs when the last token is done or the run was interrupted (e.g. to stop the
  /// simulation); `interrupted` (may be empty) is asked between layers whether to stop early.
  DecodeRuntime(sc_core::sc_module_name name, DecodePlan& plan, const FlashGeometry& geometry, const IfcSpec& ifc,
                std::function<void()> on_finished, std::function<bool()> interrupted = {});

  const DecodeResult& result() const { return result_; }
  const TimeBreakdown& breakdown() const { return breakdown_; }

 private:
  void run();
  /// False when interrupted.
  bool decode_token(std::uint64_t token);
  void attention_discrete(std::uint32_t layer);
  void attention_compact(std::uint32_t layer);
  void attend_head_group(std::uint32_t layer, std::uint32_t group);
  void feed_forward(std::uint32_t layer, std::uint64_t token);

  /// A GEMV over the group's dies: input broadcast per channel, kernels, partial sums out, NPU aggregation.
  void gemv(const DieGroup& group, WeightPlacement::Handle matrix, std::uint64_t input_elements, Phase phase);
  /// Runs several GEMVs that share nothing but the hardware at the same time.
  void gemv_concurrently(const std::vector<WeightPlacement::Handle>& matrices, std::uint64_t input_elements,
                         Phase phase);
  /// Logit or attend over the KV pages of one stream that are in flash; returns the dies that took part.
  std::size_t kv_kernel(const KvStream& stream, IfcKernel kernel, std::uint64_t broadcast_bytes, Phase phase);
  /// The stream's tokens still in a buffer are attended by the NPU.
  void buffered_tokens(const KvStream& stream, Phase phase);
  void kv_append(const KvStream& stream);

  /// Runs `die_job` for every die of the group with work (by die index): per channel, the input is
  /// broadcast once (when broadcast_bytes > 0), then the channel's dies run in parallel.
  void fan_out(const DieGroup& group, const std::vector<bool>& has_work, std::uint64_t broadcast_bytes,
               const std::function<void(std::uint32_t)>& die_job);
  void broadcast(ChannelId channel, std::uint64_t bytes);
  /// One die's kernel; results beyond the global buffer are produced and read out in chunks.
  void compute(const DieRef& die, const IfcStreamCommand& command, std::uint64_t input_bytes,
               std::uint64_t output_bytes, Phase phase);
  void program(const DieRef& die, PlaneId plane, std::uint64_t bus_bytes, std::uint32_t bytes);
  void npu(NpuOpKind kind, std::uint64_t elements, std::uint64_t macs, Phase phase);
  void transport_flash(IfcRequest& request);
  [[noreturn]] void fail(const std::string& why) const;

  std::uint64_t activation_bytes(std::uint64_t elements) const;
  std::vector<std::uint32_t> choose_experts(std::uint64_t token, std::uint32_t layer) const;

  DecodePlan& plan_;
  FlashGeometry geometry_;
  IfcSpec ifc_;
  std::function<void()> on_finished_;
  std::function<bool()> interrupted_;
  TaskPool pool_;
  JoinCounter programs_in_flight_;
  TimeBreakdown breakdown_;
  DecodeResult result_;
  /// Per KV stream: pages that already have a flash address.
  std::vector<std::uint64_t> allocated_pages_;
};

}  // namespace kvnand
