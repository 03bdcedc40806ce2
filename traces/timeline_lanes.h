// Spreads the slices of one timeline track over as few lanes (trace-event threads) as needed so
// that the slices on each lane are disjoint or properly nested: trace viewers require that of
// complete ("X") events on one thread and drop or mis-draw partial overlaps.
#pragma once

#include <cstdint>
#include <vector>

namespace kvnand {

class LaneAssigner {
 public:
  /// The lane (0, 1, ...) of the next slice [start, end). Slices must come sorted by start
  /// ascending, then end descending, so that an enclosing slice precedes what it encloses.
  /// A slice goes to the first lane whose innermost still-open slice encloses it, or that has
  /// none open. Throws std::invalid_argument on unsorted input or end < start.
  std::uint32_t place(std::uint64_t start, std::uint64_t end);
  /// Lanes used so far.
  std::uint32_t lanes() const { return static_cast<std::uint32_t>(open_ends_.size()); }

 private:
  /// Per lane, the ends of the slices still open at the last start, innermost last.
  std::vector<std::vector<std::uint64_t>> open_ends_;
  bool any_ = false;
  std::uint64_t last_start_ = 0;
  std::uint64_t last_end_ = 0;
};

}  // namespace kvnand
