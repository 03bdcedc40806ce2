// Where a decode token's time goes. Phases overlap (head-group pipelining, concurrent dies), so
// each instant is shared equally among the categories active at that instant: the shares add up
// to the token's latency, and a phase hidden completely behind another gets only its share.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <systemc>

#include "common/phase.h"

namespace kvnand {

using PhaseSeconds = std::array<double, kPhaseCount>;

class TimeBreakdown {
 public:
  void begin_token(const sc_core::sc_time& at);
  /// An interval in which `phase` was active. Empty intervals are ignored.
  void record(Phase phase, const sc_core::sc_time& start, const sc_core::sc_time& end);
  /// Shares out [token start, at] and adds it to the totals; gaps count as Idle.
  void end_token(const sc_core::sc_time& at);

  const PhaseSeconds& total_seconds() const { return totals_; }

 private:
  struct Edge {
    std::uint64_t at_ps;
    Phase phase;
    int delta;
  };
  sc_core::sc_time token_start_;
  std::vector<Edge> edges_;
  PhaseSeconds totals_{};
};

}  // namespace kvnand
