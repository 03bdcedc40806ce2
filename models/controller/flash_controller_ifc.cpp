// FlashController: the in-flash-compute host path (broadcast, kernel + readout, KV page program)
// and page-stream read-outs.
#include <sstream>

#include "common/sim_time.h"
#include "controller/flash_controller.h"
#include "flash/stream_readout.h"

namespace kvnand {

bool FlashController::send_ifc(IfcRequest& request, NandOperation& op, sc_core::sc_time& bus_end) {
  tlm::tlm_generic_payload payload;
  const bool reads = op.command == NandCommand::IfcReadout || op.command == NandCommand::StreamRead ||
                     op.command == NandCommand::StreamDataOut;
  payload.set_command(reads ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
  payload.set_extension(&op);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  (*channel_sockets_[request.channel.value()])->b_transport(payload, delay);
  payload.clear_extension(&op);
  bus_end = sc_core::sc_time_stamp() + delay;
  if (payload.get_response_status() == tlm::TLM_OK_RESPONSE) return true;
  request.error = op.error.empty() ? "the die refused the command" : op.error;
  return false;
}

IssuedCommand FlashController::describe_stream(const IfcRequest& request, std::size_t slot) const {
  IssuedCommand issued;
  issued.channel = request.channel;
  issued.die = request.op == IfcHostOp::Broadcast ? DieId(0) : request.die;
  issued.tag = static_cast<std::uint32_t>(slot);
  switch (request.op) {
    case IfcHostOp::Broadcast: issued.op = SchedulerOp::Broadcast; break;
    case IfcHostOp::Input: issued.op = SchedulerOp::Input; break;
    case IfcHostOp::Compute: issued.op = SchedulerOp::Compute; break;
    case IfcHostOp::Program:
      issued.op = SchedulerOp::KvProgram;
      issued.planes = PlaneMask::single(request.plane);
      issued.pages = 1;
      break;
    case IfcHostOp::ReadPages: issued.op = SchedulerOp::ReadPages; break;
  }
  if (request.op == IfcHostOp::Compute || request.op == IfcHostOp::ReadPages) {
    issued.planes = planes_with_pages(request.stream.pages_per_plane);
    issued.pages = total_pages(request.stream.pages_per_plane);
  }
  return issued;
}

void FlashController::count_ifc_request(const IfcRequest& request, int delta) {
  if (request.op == IfcHostOp::Broadcast) {
    for (std::uint32_t d = 0; d < channels_.dies_per_channel; ++d) count_request(request.channel, DieId(d), delta);
  } else {
    count_request(request.channel, request.die, delta);
  }
}

void FlashController::serve_ifc(tlm::tlm_generic_payload& trans, IfcRequest& request) {
  ++stats_.ifc_requests;
  request.error.clear();
  if (request.channel.value() >= channels_.count || request.die.value() >= channels_.dies_per_channel) {
    std::ostringstream msg;
    msg << "in-flash-compute request rejected: channel " << request.channel.value() << " die " << request.die.value()
        << " does not exist (the platform has " << channels_.count << " channels of " << channels_.dies_per_channel
        << " dies)";
    request.error = msg.str();
    ++stats_.rejected_requests;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (request.op == IfcHostOp::ReadPages && total_pages(request.stream.pages_per_plane) == 0) {
    // Nothing to read: done at once, without a bus sequence.
    request.delivered_at = request.compute_start = request.compute_end = sc_core::sc_time_stamp();
    request.output_bytes = 0;
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  count_ifc_request(request, +1);
  const bool ok = request.op == IfcHostOp::ReadPages ? serve_readout(request) : run_stream(request);
  count_ifc_request(request, -1);
  if (!ok) ++stats_.rejected_requests;
  trans.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_GENERIC_ERROR_RESPONSE);
}

bool FlashController::run_stream(IfcRequest& request) {
  const std::size_t slot = acquire_slot();
  const IssuedCommand issued = describe_stream(request, slot);
  scheduler_->issue_stream(issued);
  NandOperation op;
  op.die = request.die;
  op.tag = request.tag;
  sc_core::sc_time bus_end;
  bool ok = true;
  switch (request.op) {
    case IfcHostOp::Broadcast:
    case IfcHostOp::Input:
      op.command = request.op == IfcHostOp::Broadcast ? NandCommand::IfcBroadcast : NandCommand::IfcInput;
      op.bus_bytes = request.input_bytes;
      ok = send_ifc(request, op, bus_end);
      if (ok) wait_until(bus_end);
      break;
    case IfcHostOp::Compute:
      op.command = NandCommand::IfcCompute;
      op.stream = request.stream;
      op.kernel_data = request.kernel_data;
      op.bus_bytes = request.input_bytes;
      ok = send_ifc(request, op, bus_end);
      if (!ok) break;
      request.delivered_at = bus_end;
      request.compute_start = op.compute_start;
      request.compute_end = op.ready_at;
      request.program_stall = op.program_stall;
      if (observer_ != nullptr && request.output_bytes > 0)
        observer_->global_buffer(request.channel, request.die, static_cast<std::int64_t>(request.output_bytes),
                                 op.ready_at);
      wait_until(op.ready_at);
      if (request.output_bytes > 0) {
        NandOperation readout;
        readout.command = NandCommand::IfcReadout;
        readout.die = request.die;
        readout.bus_bytes = request.output_bytes;
        readout.tag = request.tag;
        ok = send_ifc(request, readout, bus_end);
        if (observer_ != nullptr && ok)
          observer_->global_buffer(request.channel, request.die, -static_cast<std::int64_t>(request.output_bytes),
                                   bus_end);
        if (ok) wait_until(bus_end);
      }
      break;
    case IfcHostOp::Program:
      op.command = NandCommand::IfcProgram;
      op.plane = request.plane;
      op.bus_bytes = request.input_bytes;
      op.program_bytes = request.program_bytes;
      op.kv_program = request.program_data;
      ok = send_ifc(request, op, bus_end);
      if (!ok) break;
      request.program_end = op.ready_at;
      wait_until(bus_end);
      break;
    case IfcHostOp::ReadPages:
      ok = read_pages(request, op);
      break;
  }
  scheduler_->stream_done(issued);
  free_slots_.push_back(slot);
  return ok;
}

}  // namespace kvnand
