// The reference command scheduler (the policy the example RTL implements): per die, requests
// wait in arrival order in a bounded queue; when the die's sequencer is free, the head run is
// merged into one multi-plane or cache-read command where possible (plan_command); stream
// requests are issued as they come. Unclocked, it decides the moment a request arrives or a die
// becomes free; clocked, it decides on the controller clock's edges, and its interfaces carry
// at most lanes_per_clock requests, commands and completions per edge, in the order the RTL
// port contract gives (docs/rtl-cosim.md).
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include <systemc>

#include "controller/command_scheduler.h"
#include "controller/controller_clock.h"
#include "controller/controller_spec.h"

namespace kvnand {

class TlmScheduler : public sc_core::sc_module, public CommandScheduler {
 public:
  TlmScheduler(sc_core::sc_module_name name, const ControllerSpec& spec, std::uint32_t dies);

  const char* kind() const override { return "tlm"; }
  sc_core::sc_time clock_period() const override { return spec_.clock_period; }

  void enqueue(std::uint32_t die_index, const QueuedRequest& item) override;
  ScheduledCommand next_command(std::uint32_t die_index) override;
  void command_done(std::uint32_t die_index, const ScheduledCommand& command) override;
  void issue_stream(const IssuedCommand& request) override;
  void stream_done(const IssuedCommand& request) override;

 private:
  /// A request waiting to be admitted (page) or issued (stream); lives on the caller's stack.
  struct Arrival {
    std::uint32_t die_index = 0;
    QueuedRequest item;
    const IssuedCommand* stream = nullptr;
    sc_core::sc_event taken;
    bool is_taken = false;
  };
  struct Die {
    std::deque<QueuedRequest> queue;
    /// Unclocked: page requests held back because the queue is full, in arrival order.
    std::deque<Arrival*> held;
    /// The command issued to the die's sequencer and not yet picked up.
    std::optional<ScheduledCommand> issued;
    /// Clocked: a command planned at an edge that had no issue lane left for it.
    std::optional<ScheduledCommand> planned;
    sc_core::sc_event work;
    /// Unclocked: the sequencer is (about to be) waiting for work, so an arrival must wake it.
    bool sequencer_waiting = true;
    /// Clocked: no command in service, as seen at the last edge.
    bool free = true;
  };

  bool clocked() const { return clock_ != nullptr; }
  ScheduledCommand plan(Die& die);
  void take(Arrival& arrival);
  void admit_held(Die& die);
  /// The clocked policy at one edge; never needs another edge by itself.
  bool on_edge();
  /// Page requests among the first `presented` arrivals go to their die's queue while it has room.
  void admit_arrivals(std::size_t presented);
  /// Frees the dies of the completions this edge sees.
  void see_completions();

  ControllerSpec spec_;
  std::vector<Die> dies_;
  std::unique_ptr<ControllerClock> clock_;
  /// Clocked: requests not yet taken, in arrival order (the first lanes_per_clock are presented).
  std::vector<Arrival*> arrivals_;
  /// Clocked: finished commands waiting for a completion lane; a page command's die, or
  /// kNoDie for a stream command.
  std::deque<std::uint32_t> completions_;
  static constexpr std::uint32_t kNoDie = ~std::uint32_t{0};
};

}  // namespace kvnand
