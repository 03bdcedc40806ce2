#include "timeline_lanes.h"

#include <stdexcept>
#include <string>

namespace kvnand {

std::uint32_t LaneAssigner::place(std::uint64_t start, std::uint64_t end) {
  if (end < start)
    throw std::invalid_argument("timeline slice ends (" + std::to_string(end) + " ps) before it starts (" +
                                std::to_string(start) + " ps)");
  if (any_ && (start < last_start_ || (start == last_start_ && end > last_end_)))
    throw std::invalid_argument("timeline slices not sorted by start ascending, then end descending");
  any_ = true;
  last_start_ = start;
  last_end_ = end;

  for (std::size_t lane = 0; lane < open_ends_.size(); ++lane) {
    std::vector<std::uint64_t>& open = open_ends_[lane];
    // Later slices start no earlier, so what has ended by now stays closed for good.
    while (!open.empty() && open.back() <= start) open.pop_back();
    // The top started at or before `start` (sorted input), so it encloses the slice if it ends no earlier.
    if (open.empty() || open.back() >= end) {
      open.push_back(end);
      return static_cast<std::uint32_t>(lane);
    }
  }
  open_ends_.emplace_back(1, end);
  return static_cast<std::uint32_t>(open_ends_.size() - 1);
}

}  // namespace kvnand
