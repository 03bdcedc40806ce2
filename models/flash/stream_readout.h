// The closed-form timing of a page-stream read-out from a NAND die: a multi-plane cache read of
// every plane's pages, whole pages over the bus (docs/architecture.md, "Page-stream readout").
// Plain C++ without the kernel, O(planes) per stream.
#pragma once

#include <array>
#include <cstdint>

#include <systemc>

#include "common/flash_address.h"
#include "flash/flash_spec.h"

namespace kvnand {

/// Pages of a stream on each plane of a die (0: plane not used), as IfcStreamCommand holds them.
using PagesPerPlane = std::array<std::uint32_t, PlaneMask::kMaxPlanes>;

/// What one page of a stream costs on its channel; the channel fills it in for the die.
struct StreamBusTiming {
  /// c: the cache-read command (31h / 3Fh) that releases a page.
  sc_core::sc_time page_command;
  /// x: one page, data and spare, at the channel rate.
  sc_core::sc_time page_transfer;
};

struct StreamReadoutTimes {
  /// When the first page may start to leave: array start + tR + tRCBSY.
  sc_core::sc_time first_out;
  /// When the planes' own cache-read pipelines would let the last page leave with a free bus.
  sc_core::sc_time array_end;
  /// The earliest possible end, max(array_end, first_out + bus time of all pages): how long the
  /// die reserves its array before the bus tenure is known.
  sc_core::sc_time earliest_end;
};

/// `duration` taken `times` times, exact in picoseconds.
sc_core::sc_time repeated(const sc_core::sc_time& duration, std::uint64_t times);

PlaneMask planes_with_pages(const PagesPerPlane& pages);
std::uint64_t total_pages(const PagesPerPlane& pages);

/// Bus time of a stream's data-out: pages x (c + x).
sc_core::sc_time stream_bus_time(const StreamBusTiming& bus, std::uint64_t pages);

/// The stream's times when the die's array starts at `array_start` (at least one page).
StreamReadoutTimes stream_readout_times(const CellTiming& cell, const StreamBusTiming& bus,
                                        const PagesPerPlane& pages, const sc_core::sc_time& array_start);

}  // namespace kvnand
