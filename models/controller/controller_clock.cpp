#include "controller/controller_clock.h"

#include <stdexcept>

namespace kvnand {

ControllerClock::ControllerClock(sc_core::sc_module_name name, const sc_core::sc_time& period, EdgeHandler on_edge)
    : sc_module(name), period_(period), on_edge_(std::move(on_edge)) {
  if (period_ == sc_core::SC_ZERO_TIME) throw std::invalid_argument("the controller clock needs a non-zero period");
  sc_core::sc_spawn([this] { run(); }, "edges");
}

void ControllerClock::request_edge() {
  if (edge_pending_) return;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const std::uint64_t period_ps = period_.value();
  std::uint64_t edge_ps = (now.value() + period_ps - 1) / period_ps * period_ps;
  if (any_edge_handled_ && edge_ps == last_edge_.value()) edge_ps += period_ps;
  edge_pending_ = true;
  edge_event_.notify(sc_core::sc_time::from_value(edge_ps) - now);
}

void ControllerClock::run() {
  for (;;) {
    sc_core::wait(edge_event_);
    // Let everything else at this time happen first, so this edge sees all of it.
    while (sc_core::sc_pending_activity_at_current_time()) sc_core::wait(sc_core::SC_ZERO_TIME);
    edge_pending_ = false;
    any_edge_handled_ = true;
    last_edge_ = sc_core::sc_time_stamp();
    ++edges_;
    if (on_edge_()) request_edge();
  }
}

}  // namespace kvnand
