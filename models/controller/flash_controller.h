// The flash controller: a host-side TLM target for page-granular requests at physical addresses,
// a command scheduler (controller/command_scheduler.h: the TLM reference or an RTL module) that
// decides which queued requests become which command and when, and one command sequencer
// thread per die issuing ONFI sequences to the channels. Requests complete when their data has
// crossed the bus (reads) or the array operation has finished (programs, erases).
// In-flash-compute requests and page-stream read-outs (IfcRequest) are coarse (a whole page
// stream per die): once the scheduler issues one, it runs in the caller's thread, and the
// channel and the die's planes order them first come, first served.
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
#include "common/ifc_transactions.h"
#include "controller/command_grouping.h"
#include "controller/command_scheduler.h"
#include "controller/controller_spec.h"
#include "flash/flash_spec.h"

namespace kvnand {

struct ControllerStats {
  std::uint64_t commands = 0;
  std::uint64_t multi_plane_commands = 0;
  std::uint64_t cache_read_commands = 0;
  std::uint64_t rejected_requests = 0;
  std::uint64_t ifc_requests = 0;
};

class FlashController : public sc_core::sc_module {
 public:
  using ChannelSocket = tlm_utils::simple_initiator_socket<FlashController>;

  tlm_utils::simple_target_socket<FlashController> host_socket;

  /// `observer` (may be null) sees each die's request count and global-buffer results.
  FlashController(sc_core::sc_module_name name, const ControllerSpec& spec, const ChannelSpec& channels,
                  const FlashGeometry& geometry, ActivityObserver* observer = nullptr);

  ChannelSocket& channel_socket(ChannelId channel) { return *channel_sockets_.at(channel.value()); }
  const ControllerStats& stats() const { return stats_; }
  CommandScheduler& scheduler() { return *scheduler_; }

 private:
  /// Where a waiting host call sleeps until its request is completed; its index is the request's tag.
  struct Slot {
    sc_core::sc_event done;
    // The flag makes a notification that fires before the host waits harmless.
    bool is_done = false;
    sc_core::sc_time done_at;
  };
  /// A read-out request waiting at its die's gate, until it is served or told to lead the next read-out.
  struct ReadoutWaiter {
    enum class State { Waiting, Leading, Done };
    IfcRequest* request = nullptr;
    State state = State::Waiting;
    bool ok = false;
  };
  /// A page-stream read-out holds the die's registers until its last page has left, so a die
  /// serves one at a time; later ones wait here (before the scheduler sees them) and, with
  /// merge_stream_reads, are then served together as one.
  struct StreamGate {
    bool in_flight = false;
    std::vector<ReadoutWaiter*> waiting;
    sc_core::sc_event changed;
  };
  /// One sequencer's reusable bus transaction.
  struct BusPort {
    tlm::tlm_generic_payload payload;
    NandOperation* op = nullptr;
    ChannelSocket* socket = nullptr;
  };

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void serve_ifc(tlm::tlm_generic_payload& trans, IfcRequest& request);
  /// Issues one stream request through the scheduler and runs it; false (with request.error) on refusal.
  bool run_stream(IfcRequest& request);
  /// A ReadPages request at its die's gate: served alone, or merged with the others waiting there.
  bool serve_readout(IfcRequest& request);
  /// One IFC bus sequence from the caller's thread; returns false (with request.error) on refusal.
  bool send_ifc(IfcRequest& request, NandOperation& op, sc_core::sc_time& bus_end);
  /// A ReadPages request with pages: StreamRead, then StreamDataOut once the first page may leave.
  bool read_pages(IfcRequest& request, NandOperation& op);
  bool validate(tlm::tlm_generic_payload& trans, HostRequest* request);
  /// One request more (delta +1) or fewer (-1) held for a die, reported to the observer.
  void count_request(ChannelId channel, DieId die, int delta);
  /// The same for an IFC request: a broadcast counts for every die of its channel.
  void count_ifc_request(const IfcRequest& request, int delta);
  std::size_t acquire_slot();
  /// The scheduler's view of a stream request (tag = its slot).
  IssuedCommand describe_stream(const IfcRequest& request, std::size_t slot) const;
  void record_issue(const IssuedCommand& command);

  void sequencer(std::uint32_t die_index);
  void serve_reads(BusPort& port, const std::vector<QueuedRequest>& group);
  void serve_cache_read(BusPort& port, const std::vector<QueuedRequest>& group);
  void serve_program(BusPort& port, const std::vector<QueuedRequest>& group);
  void serve_erase(BusPort& port, const std::vector<QueuedRequest>& group);

  /// Sends one bus sequence; `end` receives the end of its bus phase. False when the die refused it.
  bool send(BusPort& port, tlm::tlm_command kind, std::uint8_t* data, sc_core::sc_time& end);
  void complete(const QueuedRequest& request, const sc_core::sc_time& at);
  void fail(const QueuedRequest& request, const std::string& why);
  void fail_from(const std::vector<QueuedRequest>& group, std::size_t first, const std::string& why);

  ControllerSpec spec_;
  ChannelSpec channels_;
  FlashGeometry geometry_;
  std::vector<std::unique_ptr<ChannelSocket>> channel_sockets_;
  ActivityObserver* observer_;
  std::unique_ptr<CommandScheduler> scheduler_;
  std::vector<StreamGate> stream_gates_;
  /// Per die: requests accepted and not yet completed.
  std::vector<std::uint32_t> requests_held_;
  std::vector<std::unique_ptr<BusPort>> ports_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::size_t> free_slots_;
  ControllerStats stats_;
};

}  // namespace kvnand
