// The DRAM controller of the Base-1 baseline: the host seam of the DRAM. It splits a host request
// over the LPDDR channels by the address interleaving, starts every involved channel at the same
// moment and answers when the last channel's data has moved. DramSystem assembles the controller
// with its channels; the address mapping is also offered as plain functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "dram/dram_request.h"
#include "dram/dram_spec.h"
#include "dram/lpddr_channel.h"

namespace kvnand {

/// One channel's part of a host request: contiguous in the channel's own address space.
struct ChannelShare {
  std::uint64_t local_address = 0;  ///< 0 when the channel has no part
  std::uint64_t bytes = 0;
};

/// Host address a lies in granule g = a / interleave_bytes, which lives on channel g % channels at
/// channel address (g / channels) x interleave_bytes + a % interleave_bytes. Returns one share per
/// channel for [address, address + bytes), in time independent of the request's length. Capacity is
/// not checked; throws std::invalid_argument when address + bytes overflows 64 bits.
std::vector<ChannelShare> split_by_channel(const DramSpec& spec, std::uint64_t address, std::uint64_t bytes);

/// The bytes of each channel's share.
std::vector<std::uint64_t> bytes_per_channel(const DramSpec& spec, std::uint64_t address, std::uint64_t bytes);

/// Host requests as asked for (bytes not burst-rounded); refused requests count only as rejected.
struct DramControllerStats {
  std::uint64_t requests = 0;
  std::uint64_t rejected_requests = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;
};

class DramController : public sc_core::sc_module {
 public:
  using ChannelSocket = tlm_utils::simple_initiator_socket<DramController>;

  tlm_utils::simple_target_socket<DramController> host_socket;

  DramController(sc_core::sc_module_name name, const DramSpec& spec);

  ChannelSocket& channel_socket(std::uint32_t channel) { return *channel_sockets_.at(channel); }
  const DramControllerStats& stats() const { return stats_; }

 private:
  /// Never waits: answers with delay = data end - now; an empty request ends at its issue time.
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  /// Why the request cannot be served, or empty.
  std::string refusal(const DramRequest& request) const;

  DramSpec spec_;
  std::vector<std::unique_ptr<ChannelSocket>> channel_sockets_;
  DramControllerStats stats_;
};

/// The controller bound to spec.channels LPDDR channels: what a platform instantiates.
class DramSystem : public sc_core::sc_module {
 public:
  /// Every channel reports its accesses to `observer` (may be null).
  DramSystem(sc_core::sc_module_name name, const DramSpec& spec, ActivityObserver* observer = nullptr);

  tlm_utils::simple_target_socket<DramController>& host_socket() { return controller_.host_socket; }
  const DramController& controller() const { return controller_; }
  std::uint32_t channel_count() const { return static_cast<std::uint32_t>(channels_.size()); }
  const LpddrChannel& channel(std::uint32_t index) const { return *channels_.at(index); }
  /// Every channel's stats added up.
  DramChannelStats total_stats() const;
  /// Standby and refresh energy of all devices over `span` of simulated time.
  double background_energy_J(const sc_core::sc_time& span) const;

 private:
  DramController controller_;
  std::vector<std::unique_ptr<LpddrChannel>> channels_;
};

}  // namespace kvnand
