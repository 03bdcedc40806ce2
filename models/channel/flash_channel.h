// A flash channel: one shared bus between the controller and its dies. Every bus sequence
// occupies the bus for its command/address cycles and data bytes; users are served first come,
// first served at the simulated moment they ask (ties in the order the kernel runs them). The
// channel annotates the end of the bus phase rather than waiting, so a die's array work can
// start at that moment while the caller decides when to synchronise.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "channel/channel_spec.h"
#include "common/activity_observer.h"
#include "common/flash_transactions.h"
#include "flash/flash_spec.h"
#include "flash/stream_readout.h"

namespace kvnand {

struct ChannelStats {
  sc_core::sc_time busy_time;
  /// Page bytes (data + spare) moved in either direction.
  std::uint64_t data_bytes = 0;
  double interface_energy_J = 0;
};

class FlashChannel : public sc_core::sc_module {
 public:
  using DieSocket = tlm_utils::simple_initiator_socket<FlashChannel>;

  tlm_utils::simple_target_socket<FlashChannel> controller_socket;

  FlashChannel(sc_core::sc_module_name name, const ChannelSpec& spec, const FlashSpec& flash, ChannelId id,
               ActivityObserver* observer);

  DieSocket& die_socket(DieId die) { return *die_sockets_.at(die.value()); }
  const ChannelStats& stats() const { return stats_; }

  /// Bus time of one sequence (public so that tests can rebuild expected timings).
  sc_core::sc_time bus_time(const NandOperation& op) const;

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  std::uint64_t data_bytes(const NandOperation& op) const;
  /// A stream page's cache-read command and the transfer of its stream_page_bytes.
  StreamBusTiming stream_bus(const NandOperation& op) const;
  /// Tells the observer about a sequence the die accepted.
  void report(const NandOperation& op, const sc_core::sc_time& issue, const sc_core::sc_time& start,
              const sc_core::sc_time& end, std::uint64_t bytes) const;

  ChannelSpec spec_;
  ChannelId id_;
  ActivityObserver* observer_;
  std::uint32_t page_bytes_;
  sc_core::sc_time page_transfer_;
  double interface_J_per_byte_;
  std::vector<std::unique_ptr<DieSocket>> die_sockets_;
  sc_core::sc_time free_at_;
  ChannelStats stats_;
};

}  // namespace kvnand
