// A test host that issues scripted page requests to the flash controller: each sequence runs in
// its own thread (so sequences are concurrent), its requests one after another.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "common/flash_transactions.h"

namespace kvnand::test {

struct ScriptedRequest {
  HostOp op = HostOp::Read;
  PageAddress address;
  /// Program: the data to write; read: receives the page. Empty: timing-only.
  std::vector<std::uint8_t> data;
};

struct Outcome {
  sc_core::sc_time accepted;
  sc_core::sc_time completed;
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  std::string error;
  std::vector<std::uint8_t> data;
};

class ScriptedHost : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<ScriptedHost> socket;

  explicit ScriptedHost(sc_core::sc_module_name name) : sc_module(name), socket("socket") {}

  /// Starts a sequence at `start`; returns the index of its first request's outcome.
  std::size_t add_sequence(std::vector<ScriptedRequest> requests, sc_core::sc_time start = sc_core::SC_ZERO_TIME) {
    const std::size_t first = outcomes_.size();
    for (auto& r : requests) outcomes_.push_back(Outcome{{}, {}, tlm::TLM_INCOMPLETE_RESPONSE, {}, std::move(r.data)});
    sc_core::sc_spawn([this, requests, first, start] { run(requests, first, start); });
    return first;
  }
  std::size_t add(HostOp op, const PageAddress& address, std::vector<std::uint8_t> data = {},
                  sc_core::sc_time start = sc_core::SC_ZERO_TIME) {
    return add_sequence({ScriptedRequest{op, address, std::move(data)}}, start);
  }

  /// Issues every request of `burst` at `start`, each from its own thread, reaching the controller
  /// in the order given: a thread issues only once its predecessor's request has been enqueued.
  /// Returns the index of the first request's outcome.
  std::size_t add_burst(const std::vector<ScriptedRequest>& burst, sc_core::sc_time start = sc_core::SC_ZERO_TIME) {
    auto& turn = turns_.emplace_back(burst.size());
    const std::size_t first = outcomes_.size();
    for (std::size_t k = 0; k < burst.size(); ++k) {
      outcomes_.push_back(Outcome{{}, {}, tlm::TLM_INCOMPLETE_RESPONSE, {}, burst[k].data});
      sc_core::sc_spawn([this, &turn, k, request = burst[k], slot = first + k, start] {
        sc_core::wait(start);
        while (!turn[k].ready) sc_core::wait(turn[k].event);
        if (k + 1 < turn.size()) {
          // b_transport enqueues before it first yields, so the successor runs after the enqueue.
          turn[k + 1].ready = true;
          turn[k + 1].event.notify();
        }
        issue(request, slot);
      });
    }
    turn.front().ready = true;
    return first;
  }

  const Outcome& outcome(std::size_t i) const { return outcomes_.at(i); }
  std::size_t size() const { return outcomes_.size(); }

 private:
  struct Turn {
    bool ready = false;
    sc_core::sc_event event;
  };

  void run(const std::vector<ScriptedRequest>& requests, std::size_t first, sc_core::sc_time start) {
    sc_core::wait(start);
    for (std::size_t i = 0; i < requests.size(); ++i) issue(requests[i], first + i);
  }

  void issue(const ScriptedRequest& scripted, std::size_t slot) {
    tlm::tlm_generic_payload payload;
    auto* request = new HostRequest;  // owned by the payload
    payload.set_extension(request);
    Outcome& out = outcomes_[slot];
    request->op = scripted.op;
    request->address = scripted.address;
    payload.set_command(scripted.op == HostOp::Read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
    payload.set_data_ptr(out.data.empty() ? nullptr : out.data.data());
    payload.set_data_length(static_cast<unsigned>(out.data.size()));
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(payload, delay);
    out.accepted = request->accepted_at;
    out.completed = request->completed_at;
    out.status = payload.get_response_status();
    out.error = request->error;
  }

  std::deque<Outcome> outcomes_;
  std::deque<std::vector<Turn>> turns_;
};

inline PageAddress page_at(std::uint32_t channel, std::uint32_t die, std::uint32_t plane, std::uint32_t block,
                           std::uint32_t page) {
  return PageAddress{ChannelId(channel), DieId(die), PlaneId(plane), BlockId(block), PageId(page)};
}

}  // namespace kvnand::test
