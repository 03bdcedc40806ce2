#include "controller/flash_controller.h"

#include <algorithm>
#include <array>
#include <sstream>
#include <string>

#include "common/sim_time.h"
#include "controller/scheduler_factory.h"

namespace kvnand {
namespace {

std::string out_of_range(const char* what, std::uint32_t value, std::uint32_t limit, const char* per) {
  std::ostringstream msg;
  msg << "request rejected: " << what << " " << value << " is out of range (the platform has " << limit << " "
      << what << "s" << per << ")";
  return msg.str();
}

}  // namespace

FlashController::FlashController(sc_core::sc_module_name name, const ControllerSpec& spec,
                                 const ChannelSpec& channels, const FlashGeometry& geometry,
                                 ActivityObserver* observer)
    : sc_module(name),
      host_socket("host_socket"),
      spec_(spec),
      channels_(channels),
      geometry_(geometry),
      observer_(observer),
      scheduler_(make_command_scheduler("scheduler", spec, channels)),
      stream_gates_(channels.total_dies()),
      requests_held_(channels.total_dies(), 0) {
  host_socket.register_b_transport(this, &FlashController::b_transport);
  scheduler_->set_issue_listener([this](const IssuedCommand& command) { record_issue(command); });
  for (std::uint32_t c = 0; c < channels.count; ++c)
    channel_sockets_.push_back(std::make_unique<ChannelSocket>(("channel_socket_" + std::to_string(c)).c_str()));
  for (std::uint32_t d = 0; d < channels.total_dies(); ++d) {
    auto port = std::make_unique<BusPort>();
    port->op = new NandOperation;  // owned by the payload, which frees its extensions
    port->payload.set_extension(port->op);
    port->socket = channel_sockets_[d / channels.dies_per_channel].get();
    ports_.push_back(std::move(port));
    sc_core::sc_spawn([this, d] { sequencer(d); }, ("sequencer_die" + std::to_string(d)).c_str());
  }
}

bool FlashController::validate(tlm::tlm_generic_payload& trans, HostRequest* request) {
  std::string why;
  if (request == nullptr) {
    why = "request rejected: the payload carries no HostRequest extension";
  } else {
    const PageAddress& a = request->address;
    if (a.channel.value() >= channels_.count)
      why = out_of_range("channel", a.channel.value(), channels_.count, "");
    else if (a.die.value() >= channels_.dies_per_channel)
      why = out_of_range("die", a.die.value(), channels_.dies_per_channel, " per channel");
    else if (a.plane.value() >= geometry_.planes_per_die)
      why = out_of_range("plane", a.plane.value(), geometry_.planes_per_die, " per die");
    else if (a.block.value() >= geometry_.blocks_per_plane)
      why = out_of_range("block", a.block.value(), geometry_.blocks_per_plane, " per plane");
    else if (a.page.value() >= geometry_.pages_per_block)
      why = out_of_range("page", a.page.value(), geometry_.pages_per_block, " per block");
    else if (trans.get_data_ptr() != nullptr && request->op != HostOp::Erase &&
             trans.get_data_length() != geometry_.page_data_bytes)
      why = "request rejected: data length " + std::to_string(trans.get_data_length()) +
            " differs from the page size (" + std::to_string(geometry_.page_data_bytes) + " bytes)";
  }
  if (why.empty()) return true;
  if (request != nullptr) request->error = why;
  trans.set_response_status(
      request == nullptr ? tlm::TLM_COMMAND_ERROR_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
  ++stats_.rejected_requests;
  return false;
}

std::size_t FlashController::acquire_slot() {
  if (free_slots_.empty()) {
    slots_.push_back(std::make_unique<Slot>());
    return slots_.size() - 1;
  }
  const std::size_t slot = free_slots_.back();
  free_slots_.pop_back();
  return slot;
}

void FlashController::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  wait_until(sc_core::sc_time_stamp() + delay);
  delay = sc_core::SC_ZERO_TIME;
  if (auto* ifc = trans.get_extension<IfcRequest>(); ifc != nullptr) {
    serve_ifc(trans, *ifc);
    return;
  }
  auto* request = trans.get_extension<HostRequest>();
  if (!validate(trans, request)) return;

  request->accepted_at = sc_core::sc_time_stamp();
  request->error.clear();
  count_request(request->address.channel, request->address.die, +1);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const std::size_t slot_index = acquire_slot();
  Slot& slot = *slots_[slot_index];
  slot.is_done = false;

  const std::uint32_t die_index =
      request->address.channel.value() * channels_.dies_per_channel + request->address.die.value();
  scheduler_->enqueue(die_index, QueuedRequest{request, &trans, slot_index});
  while (!slot.is_done) sc_core::wait(slot.done);
  wait_until(slot.done_at);
  free_slots_.push_back(slot_index);
  count_request(request->address.channel, request->address.die, -1);
}

void FlashController::count_request(ChannelId channel, DieId die, int delta) {
  std::uint32_t& held = requests_held_[channel.value() * channels_.dies_per_channel + die.value()];
  held = delta > 0 ? held + 1 : held - 1;
  if (observer_ != nullptr) observer_->queue_depth(channel, die, held);
}

void FlashController::record_issue(const IssuedCommand& command) {
  if (observer_ != nullptr) observer_->scheduler_issue(command);
}

void FlashController::sequencer(std::uint32_t die_index) {
  BusPort& port = *ports_[die_index];
  const DieId die(die_index % channels_.dies_per_channel);
  for (;;) {
    const ScheduledCommand command = scheduler_->next_command(die_index);
    const std::vector<QueuedRequest>& group = command.group;
    const CommandPlan& plan = command.plan;
    ++stats_.commands;
    if (plan.shape == CommandShape::MultiPlane) ++stats_.multi_plane_commands;
    if (plan.shape == CommandShape::CacheRead) ++stats_.cache_read_commands;
    port.op->die = die;
    port.op->block = group.front().request->address.block;
    port.op->page = group.front().request->address.page;
    port.op->planes = PlaneMask();
    for (const QueuedRequest& r : group) port.op->planes.add(r.request->address.plane);

    if (plan.shape == CommandShape::CacheRead) {
      serve_cache_read(port, group);
    } else {
      switch (plan.op) {
        case HostOp::Read: serve_reads(port, group); break;
        case HostOp::Program: serve_program(port, group); break;
        case HostOp::Erase: serve_erase(port, group); break;
      }
    }
    scheduler_->command_done(die_index, command);
  }
}

bool FlashController::send(BusPort& port, tlm::tlm_command kind, std::uint8_t* data,
                           sc_core::sc_time& end) {
  tlm::tlm_generic_payload& p = port.payload;
  p.set_command(kind);
  p.set_address(0);
  p.set_data_ptr(data);
  p.set_data_length(data != nullptr ? geometry_.page_data_bytes : 0);
  p.set_streaming_width(p.get_data_length());
  p.set_byte_enable_ptr(nullptr);
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  port.op->error.clear();
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  (*port.socket)->b_transport(p, delay);
  end = sc_core::sc_time_stamp() + delay;
  if (p.is_response_ok()) return true;
  if (port.op->error.empty()) port.op->error = "bus sequence failed: " + p.get_response_string();
  return false;
}

void FlashController::serve_reads(BusPort& port, const std::vector<QueuedRequest>& group) {
  NandOperation& op = *port.op;
  op.command = NandCommand::Read;
  sc_core::sc_time end;
  if (!send(port, tlm::TLM_IGNORE_COMMAND, nullptr, end)) return fail_from(group, 0, op.error);
  wait_until(op.ready_at);
  // All planes' pages leave in one bus tenure, reserved back to back.
  for (const QueuedRequest& r : group) {
    op.command = NandCommand::DataOut;
    op.plane = r.request->address.plane;
    if (send(port, tlm::TLM_READ_COMMAND, r.payload->get_data_ptr(), end))
      complete(r, end);
    else
      fail(r, op.error);
  }
  wait_until(end);
}

void FlashController::serve_cache_read(BusPort& port, const std::vector<QueuedRequest>& group) {
  NandOperation& op = *port.op;
  const PlaneId plane = group.front().request->address.plane;
  op.command = NandCommand::Read;
  sc_core::sc_time end;
  if (!send(port, tlm::TLM_IGNORE_COMMAND, nullptr, end)) return fail_from(group, 0, op.error);
  wait_until(op.ready_at);
  for (std::size_t i = 0; i < group.size(); ++i) {
    op.command = i + 1 < group.size() ? NandCommand::CacheReadNext : NandCommand::CacheReadLast;
    op.plane = plane;
    if (!send(port, tlm::TLM_IGNORE_COMMAND, nullptr, end)) return fail_from(group, i, op.error);
    const sc_core::sc_time array_ready = op.ready_at;
    wait_until(op.cache_ready_at);
    op.command = NandCommand::DataOut;
    if (!send(port, tlm::TLM_READ_COMMAND, group[i].payload->get_data_ptr(), end)) return fail_from(group, i, op.error);
    complete(group[i], end);
    // The next cache command needs the cache register emptied and the next page in the data register.
    wait_until(std::max(end, array_ready));
  }
}

void FlashController::serve_program(BusPort& port, const std::vector<QueuedRequest>& group) {
  NandOperation& op = *port.op;
  op.command = NandCommand::Program;
  std::array<const std::uint8_t*, PlaneMask::kMaxPlanes> by_plane{};
  for (const QueuedRequest& r : group) by_plane[r.request->address.plane.value()] = r.payload->get_data_ptr();
  std::size_t slot = 0;
  op.planes.for_each([&](PlaneId plane) { op.program_data[slot++] = by_plane[plane.value()]; });
  sc_core::sc_time end;
  if (!send(port, tlm::TLM_WRITE_COMMAND, nullptr, end)) return fail_from(group, 0, op.error);
  wait_until(op.ready_at);
  for (const QueuedRequest& r : group) complete(r, op.ready_at);
}

void FlashController::serve_erase(BusPort& port, const std::vector<QueuedRequest>& group) {
  NandOperation& op = *port.op;
  op.command = NandCommand::Erase;
  sc_core::sc_time end;
  if (!send(port, tlm::TLM_IGNORE_COMMAND, nullptr, end)) return fail_from(group, 0, op.error);
  wait_until(op.ready_at);
  for (const QueuedRequest& r : group) complete(r, op.ready_at);
}

void FlashController::complete(const QueuedRequest& request, const sc_core::sc_time& at) {
  request.request->completed_at = at;
  request.payload->set_response_status(tlm::TLM_OK_RESPONSE);
  Slot& slot = *slots_[request.slot];
  slot.is_done = true;
  slot.done_at = at;
  slot.done.notify(at - sc_core::sc_time_stamp());
}

void FlashController::fail(const QueuedRequest& request, const std::string& why) {
  request.request->error = why;
  request.request->completed_at = sc_core::sc_time_stamp();
  request.payload->set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
  Slot& slot = *slots_[request.slot];
  slot.is_done = true;
  slot.done_at = sc_core::sc_time_stamp();
  slot.done.notify(sc_core::SC_ZERO_TIME);
}

void FlashController::fail_from(const std::vector<QueuedRequest>& group, std::size_t first, const std::string& why) {
  for (std::size_t i = first; i < group.size(); ++i) fail(group[i], why);
}

}  // namespace kvnand
