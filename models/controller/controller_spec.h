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
};

/// `planes_per_die` bounds max_planes_per_command.
ControllerSpec parse_controller_spec(config::Node node, std::uint32_t planes_per_die);

}  // namespace kvnand
