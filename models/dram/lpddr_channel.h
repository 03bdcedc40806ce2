// One LPDDR channel with its device: a TLM target that serves reads and writes of whole bursts
// first come, first served. Like the flash channel, it reserves its bus and annotates the end of
// the data phase instead of waiting, so a controller can start several channels at one moment.
#pragma once

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "common/activity_observer.h"
#include "dram/dram_request.h"
#include "dram/dram_spec.h"

namespace kvnand {

/// Accounted when an access is scheduled. Bytes are burst-rounded: what crossed the bus.
struct DramChannelStats {
  sc_core::sc_time busy_time;
  std::uint64_t accesses = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;
  /// Access energy: bits moved x energy_pJ_per_bit (background energy: background_energy_J).
  double energy_J = 0;
};

class LpddrChannel : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<LpddrChannel> socket;

  /// `observer` (may be null) hears of every access with data, when it is scheduled.
  LpddrChannel(sc_core::sc_module_name name, const DramSpec& spec, std::uint32_t index,
               ActivityObserver* observer = nullptr);

  std::uint32_t index() const { return index_; }
  const DramChannelStats& stats() const { return stats_; }
  /// Standby and refresh energy of this device over `span` of simulated time.
  double background_energy_J(const sc_core::sc_time& span) const;

 private:
  /// Takes DramRequest::bytes at DramRequest::address in this channel's own space. Never waits:
  /// answers with delay = data end - now. An empty request takes no bus time and ends at its issue.
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  DramSpec spec_;
  std::uint32_t index_;
  std::uint64_t capacity_bytes_;
  ActivityObserver* observer_;
  DramChannelStats stats_;
  sc_core::sc_time free_at_;
};

}  // namespace kvnand
