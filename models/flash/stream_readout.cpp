#include "flash/stream_readout.h"

#include <algorithm>
#include <cstddef>

#include "common/sim_time.h"

namespace kvnand {

sc_core::sc_time repeated(const sc_core::sc_time& duration, std::uint64_t times) {
  return picoseconds(duration.value() * times);
}

PlaneMask planes_with_pages(const PagesPerPlane& pages) {
  PlaneMask used;
  for (std::uint32_t p = 0; p < PlaneMask::kMaxPlanes; ++p)
    if (pages[p] > 0) used.add(PlaneId(p));
  return used;
}

std::uint64_t total_pages(const PagesPerPlane& pages) {
  std::uint64_t total = 0;
  for (std::uint32_t n : pages) total += n;
  return total;
}

sc_core::sc_time stream_bus_time(const StreamBusTiming& bus, std::uint64_t pages) {
  return repeated(bus.page_command + bus.page_transfer, pages);
}

// One plane alone follows the ONFI cache read exactly as the controller's page-by-page path
// sequences it (Read; per page 31h/3Fh, tRCBSY, data-out): page k is copied to the cache
// register once page k-1 has left and page k's own array read has ended, and the copy starts the
// array read of page k+1. With a free bus the copies are max(x, tR) + c + tRCBSY apart, so the
// last of P pages is in the cache register at
//   Q(P) = A + tR + (P-1)(c + tRCBSY + max(x, tR)) + c + tRCBSY
// and has left at Q(P) + x. The planes run these pipelines in parallel; only their last pages
// are made to share the bus, in the order they become ready. The other pages' bus contention is
// the bus bound's part: the die ends at max(that bound, this one).
StreamReadoutTimes stream_readout_times(const CellTiming& cell, const StreamBusTiming& bus,
                                        const PagesPerPlane& pages, const sc_core::sc_time& array_start) {
  std::array<std::uint32_t, PlaneMask::kMaxPlanes> lengths{};
  std::size_t used = 0;
  for (std::uint32_t n : pages)
    if (n > 0) lengths[used++] = n;
  // Q grows with P: the shortest streams' last pages are ready first.
  std::sort(lengths.begin(), lengths.begin() + static_cast<std::ptrdiff_t>(used));

  const sc_core::sc_time release = bus.page_command + cell.tRCBSY;
  const sc_core::sc_time period = release + std::max(bus.page_transfer, cell.tR);
  sc_core::sc_time last_out;
  for (std::size_t i = 0; i < used; ++i) {
    const sc_core::sc_time ready = array_start + cell.tR + repeated(period, lengths[i] - 1) + release;
    last_out = std::max(last_out, ready) + bus.page_transfer;
  }

  StreamReadoutTimes times;
  times.first_out = array_start + cell.tR + cell.tRCBSY;
  times.array_end = last_out;
  times.earliest_end = std::max(last_out, times.first_out + stream_bus_time(bus, total_pages(pages)));
  return times;
}

}  // namespace kvnand
