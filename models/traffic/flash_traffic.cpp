#include "traffic/flash_traffic.h"

#include <string>

namespace kvnand {

FlashTraffic::FlashTraffic(sc_core::sc_module_name name, FlashPattern pattern, std::uint64_t requests,
                           std::uint32_t queue_depth, std::function<bool()> stop_requested)
    : sc_module(name),
      socket("socket"),
      pattern_(std::move(pattern)),
      requests_(requests),
      stop_requested_(std::move(stop_requested)) {
  for (std::uint32_t i = 0; i < queue_depth; ++i)
    sc_core::sc_spawn([this] { issuer(); }, ("issuer" + std::to_string(i)).c_str());
}

void FlashTraffic::issuer() {
  tlm::tlm_generic_payload payload;
  auto* request = new HostRequest;  // owned by the payload
  payload.set_extension(request);
  while (issued_ < requests_ && result_.error.empty() && !result_.interrupted) {
    if (stop_requested_ && stop_requested_()) {
      result_.interrupted = true;
      sc_core::sc_stop();
      return;
    }
    const TrafficRequest next = pattern_.next();
    ++issued_;
    request->op = next.op;
    request->address = next.address;
    payload.set_command(next.op == HostOp::Read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
    payload.set_data_ptr(nullptr);
    payload.set_data_length(0);
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(payload, delay);
    if (!payload.is_response_ok()) {
      if (result_.error.empty()) result_.error = request->error.empty() ? payload.get_response_string() : request->error;
      return;
    }
    ++result_.completed;
    switch (next.op) {
      case HostOp::Read: ++result_.reads; break;
      case HostOp::Program: ++result_.programs; break;
      case HostOp::Erase: ++result_.erases; break;
    }
    result_.latencies_ps.push_back((request->completed_at - request->accepted_at).value());
    result_.last_completion = request->completed_at;
  }
}

}  // namespace kvnand
