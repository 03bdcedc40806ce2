#include "npu/npu.h"

#include <algorithm>
#include <string>
#include <utility>

namespace kvnand {
namespace {

/// Why an op cannot run, or empty when it can.
std::string refusal(const NpuOperation& op) {
  if (index_of(op.kind) >= kNpuOpKindCount) return "unknown op kind " + std::to_string(index_of(op.kind));
  if (op.macs != 0 && !is_mac_op(op.kind))
    return std::string(to_string(op.kind)) + " is element-wise and takes no MACs (got " + std::to_string(op.macs) + ")";
  return {};
}

}  // namespace

Npu::Npu(sc_core::sc_module_name name, const NpuSpec& spec, ActivityObserver* observer)
    : sc_module(name), socket("socket"), spec_(spec), observer_(observer) {
  socket.register_b_transport(this, &Npu::b_transport);
}

void Npu::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  auto* op = trans.get_extension<NpuOperation>();
  if (op == nullptr) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  if (const std::string problem = refusal(*op); !problem.empty()) {
    op->error = std::string(name()) + ": " + problem;
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }

  // Reserve the NPU now, in order of asking, then sleep until the op is done.
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const sc_core::sc_time duration = npu_op_duration(spec_, op->kind, op->elements, op->macs);
  op->start = std::max(now + delay, free_at_);
  op->end = op->start + duration;
  free_at_ = op->end;

  NpuKindStats& kind = stats_.per_kind[index_of(op->kind)];
  ++kind.count;
  kind.busy_time += duration;
  kind.elements += op->elements;
  kind.macs += op->macs;
  ++stats_.operations;
  stats_.busy_time += duration;
  stats_.energy_J = spec_.power_W * stats_.busy_time.to_seconds();
  if (observer_ != nullptr) observer_->npu_op(op->kind, op->start, op->end, op->tag);

  delay = sc_core::SC_ZERO_TIME;
  if (op->end > now) sc_core::wait(op->end - now);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace kvnand
