// The host of the flash microbenchmark: keeps `queue_depth` requests of a pattern in flight
// against the controller (one issuing thread per outstanding request) and records latencies.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "traffic/flash_pattern.h"

namespace kvnand {

struct TrafficResult {
  std::uint64_t completed = 0;
  std::uint64_t reads = 0;
  std::uint64_t programs = 0;
  std::uint64_t erases = 0;
  /// Per completed request, accepted -> completed, in picoseconds.
  std::vector<std::uint64_t> latencies_ps;
  sc_core::sc_time last_completion;
  /// The first failed request's reason; the run stops issuing after a failure.
  std::string error;
  bool interrupted = false;
};

class FlashTraffic : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<FlashTraffic> socket;

  /// `stop_requested` is polled before each issue; when it returns true the simulation is stopped.
  FlashTraffic(sc_core::sc_module_name name, FlashPattern pattern, std::uint64_t requests, std::uint32_t queue_depth,
               std::function<bool()> stop_requested);

  const TrafficResult& result() const { return result_; }

 private:
  void issuer();

  FlashPattern pattern_;
  std::uint64_t requests_;
  std::uint64_t issued_ = 0;
  std::function<bool()> stop_requested_;
  TrafficResult result_;
};

}  // namespace kvnand
