// The controller's gated clock: rising edges at whole multiples of its period, only while some
// work asks for them. An edge at time e is handled once every other process at e has settled, so
// everything that happened at e (a request, a completion) is seen at that edge; what happens at
// e because of the edge is seen at the next one. The clocked TLM scheduler and the RTL
// scheduler's transactor both decide on these edges, which is what makes them comparable.
#pragma once

#include <cstdint>
#include <functional>

#include <systemc>

namespace kvnand {

class ControllerClock : public sc_core::sc_module {
 public:
  /// Runs in the clock's thread at each edge (it may wait delta cycles, never time); returns
  /// true when the next edge is wanted even if nobody asks for it.
  using EdgeHandler = std::function<bool()>;

  ControllerClock(sc_core::sc_module_name name, const sc_core::sc_time& period, EdgeHandler on_edge);

  /// Asks for an edge at the first multiple of the period at or after now that has not been
  /// handled yet. Several asks before that edge make one edge.
  void request_edge();

  const sc_core::sc_time& period() const { return period_; }
  /// Edges handled so far.
  std::uint64_t edges() const { return edges_; }

 private:
  void run();

  sc_core::sc_time period_;
  EdgeHandler on_edge_;
  sc_core::sc_event edge_event_;
  bool edge_pending_ = false;
  bool any_edge_handled_ = false;
  sc_core::sc_time last_edge_;
  std::uint64_t edges_ = 0;
};

}  // namespace kvnand
