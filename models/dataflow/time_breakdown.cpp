#include "dataflow/time_breakdown.h"

#include <algorithm>

#include "common/sim_time.h"

namespace kvnand {

void TimeBreakdown::begin_token(const sc_core::sc_time& at) {
  token_start_ = at;
  edges_.clear();
}

void TimeBreakdown::record(Phase phase, const sc_core::sc_time& start, const sc_core::sc_time& end) {
  if (end <= start) return;
  edges_.push_back({start.value(), phase, +1});
  edges_.push_back({end.value(), phase, -1});
}

void TimeBreakdown::end_token(const sc_core::sc_time& at) {
  std::sort(edges_.begin(), edges_.end(), [](const Edge& a, const Edge& b) { return a.at_ps < b.at_ps; });
  std::array<int, kPhaseCount> active{};
  int active_phases = 0;
  std::uint64_t previous = token_start_.value();
  const std::uint64_t stop = at.value();
  auto share = [&](std::uint64_t until) {
    until = std::min(until, stop);
    if (until <= previous) return;
    const double seconds = static_cast<double>(until - previous) / kPicosecondsPerSecond;
    if (active_phases == 0) {
      totals_[static_cast<std::size_t>(Phase::Idle)] += seconds;
    } else {
      for (std::size_t p = 0; p < kPhaseCount; ++p)
        if (active[p] > 0) totals_[p] += seconds / active_phases;
    }
    previous = until;
  };
  for (const Edge& edge : edges_) {
    share(edge.at_ps);
    int& count = active[static_cast<std::size_t>(edge.phase)];
    const bool was_active = count > 0;
    count += edge.delta;
    active_phases += (count > 0) - (was_active ? 1 : 0);
  }
  share(stop);
  edges_.clear();
}

}  // namespace kvnand
