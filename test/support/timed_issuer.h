// A test initiator that issues requests to a TLM target, each from its own thread at a chosen
// simulated time and with a chosen annotated delay, and keeps what came back.
#pragma once

#include <deque>
#include <utility>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

namespace kvnand::test {

/// What every issued request records; a test's request type derives from it.
struct IssuedBase {
  /// False: the payload goes without the extension (to test the target's refusal).
  bool with_extension = true;
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  sc_core::sc_time returned_at, returned_delay;
};

/// `Issued` derives from IssuedBase and offers `void fill(Extension&) const` (the request) and
/// `void take(const Extension&)` (the response fields it keeps).
template <typename Issued, typename Extension>
class TimedIssuer : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<TimedIssuer> socket;

  explicit TimedIssuer(sc_core::sc_module_name name) : sc_module(name), socket("socket") {}

  /// Issues `request` at simulated time `at` with annotated delay `delay`; the returned record
  /// is filled when the target answers.
  Issued& issue(Issued request, sc_core::sc_time at = {}, sc_core::sc_time delay = {}) {
    Issued& slot = issued_.emplace_back(std::move(request));
    sc_core::sc_spawn([this, &slot, at, delay] {
      sc_core::wait(at);
      run(slot, delay);
    });
    return slot;
  }

 private:
  void run(Issued& slot, sc_core::sc_time delay) {
    tlm::tlm_generic_payload payload;
    Extension extension;
    slot.fill(extension);
    if (slot.with_extension) payload.set_extension(&extension);
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(payload, delay);
    if (slot.with_extension) payload.clear_extension(&extension);
    slot.status = payload.get_response_status();
    slot.take(extension);
    slot.returned_at = sc_core::sc_time_stamp();
    slot.returned_delay = delay;
  }

  std::deque<Issued> issued_;
};

}  // namespace kvnand::test
