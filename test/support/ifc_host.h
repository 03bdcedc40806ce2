// A scripted SoC-side initiator for in-flash-compute requests: the test's script runs in a
// simulation thread and sends IfcRequests to the flash controller one call at a time.
#pragma once

#include <functional>
#include <utility>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "common/ifc_transactions.h"

namespace kvnand::test {

class IfcHost : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<IfcHost> socket;

  IfcHost(sc_core::sc_module_name name, std::function<void(IfcHost&)> script)
      : sc_module(name), socket("socket"), script_(std::move(script)) {
    SC_HAS_PROCESS(IfcHost);
    SC_THREAD(run);
  }

  /// Sends one request and returns the response status; the call returns when the request is done.
  tlm::tlm_response_status send(IfcRequest& request) {
    tlm::tlm_generic_payload payload;
    payload.set_command(tlm::TLM_IGNORE_COMMAND);
    payload.set_extension(&request);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(payload, delay);
    payload.clear_extension(&request);
    if (delay > sc_core::SC_ZERO_TIME) sc_core::wait(delay);
    return payload.get_response_status();
  }

 private:
  void run() { script_(*this); }
  std::function<void(IfcHost&)> script_;
};

inline IfcRequest compute_request(std::uint32_t channel, std::uint32_t die, std::vector<std::uint32_t> pages,
                                  std::uint64_t macs_per_page, std::uint64_t input_bytes, std::uint64_t output_bytes) {
  IfcRequest r;
  r.op = IfcHostOp::Compute;
  r.channel = ChannelId(channel);
  r.die = DieId(die);
  r.stream.kernel = IfcKernel::Gemv;
  for (std::size_t p = 0; p < pages.size(); ++p) r.stream.pages_per_plane[p] = pages[p];
  r.stream.macs_per_page = macs_per_page;
  r.input_bytes = input_bytes;
  r.output_bytes = output_bytes;
  return r;
}

}  // namespace kvnand::test
