// Flash controller policy knobs.
#pragma once

#include <cstdint>

#include <systemc>

namespace kvnand::config {
class Node;
}

namespace kvnand {

/// Which implementation of the command scheduler the controller uses.
enum class SchedulerKind : std::uint8_t {
  Tlm,  ///< the C++ reference (controller/tlm_scheduler.h)
  Rtl,  ///< Verilog behind transactors (controller/rtl/), only in builds with Verilator
};

struct ControllerSpec {
  /// Requests that may wait in one die's queue before the host is held back.
  std::uint32_t queue_depth_per_die = 0;
  /// Most planes one multi-plane read / program / erase may address (1 disables multi-plane).
  std::uint32_t max_planes_per_command = 0;
  /// Serve runs of sequential single-plane reads with the cache-read pipeline.
  bool cache_read = false;
  SchedulerKind scheduler = SchedulerKind::Tlm;
  /// The clock the scheduler decides on (its rising edges); zero: no clock, the TLM scheduler
  /// decides the moment a request arrives or a die becomes free. The RTL scheduler needs one.
  sc_core::sc_time clock_period;
  /// Clocked only: the width of the scheduler's interfaces, in requests taken, commands issued
  /// and completions seen per clock edge (the RTL's LANES).
  std::uint32_t lanes_per_clock = 0;
  /// Page-stream read-outs that wait for the same die are served together, as one multi-plane
  /// cache read of all their pages; off: one at a time, in arrival order.
  bool merge_stream_reads = true;
  /// A page-stream read-out moves each page's spare area (the ECC parity the controller's own
  /// decoder needs) with its data; off: only the data bytes (a die that corrects on-die).
  bool readout_spare_bytes = true;
};

/// `planes_per_die` bounds max_planes_per_command.
ControllerSpec parse_controller_spec(config::Node node, std::uint32_t planes_per_die);

}  // namespace kvnand
