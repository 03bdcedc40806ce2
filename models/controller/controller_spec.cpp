#include "controller/controller_spec.h"

#include <cmath>
#include <string>

#include "common/config_reader.h"
#include "common/flash_address.h"
#include "common/sim_time.h"
#include "controller/scheduler_factory.h"

namespace kvnand {
namespace {
constexpr std::uint64_t kMaxQueueDepth = 1u << 20;
constexpr double kPicosecondsPerMicrosecond = 1e6;
/// The example RTL scheduler's default LANES: one lane per die of kvnand-c16.
constexpr std::uint64_t kDefaultLanesPerClock = 16;
constexpr std::uint64_t kMaxLanesPerClock = 4096;
}

ControllerSpec parse_controller_spec(config::Node node, std::uint32_t planes_per_die) {
  ControllerSpec spec;
  spec.queue_depth_per_die = static_cast<std::uint32_t>(node.integer("queue_depth_per_die", 1, kMaxQueueDepth));
  spec.max_planes_per_command = static_cast<std::uint32_t>(node.integer("max_planes_per_command", 1, PlaneMask::kMaxPlanes));
  if (spec.max_planes_per_command > planes_per_die)
    node.fail("max_planes_per_command", std::to_string(spec.max_planes_per_command) +
                                            " exceeds flash.geometry.planes_per_die (" +
                                            std::to_string(planes_per_die) + ")");
  spec.cache_read = node.boolean_or("cache_read", true);
  spec.merge_stream_reads = node.boolean_or("merge_stream_reads", true);
  spec.readout_spare_bytes = node.boolean_or("readout_spare_bytes", true);
  spec.scheduler = node.choice_or("scheduler", "tlm", {"tlm", "rtl"}) == "rtl" ? SchedulerKind::Rtl : SchedulerKind::Tlm;
  if (node.has("clock_MHz")) {
    // A period of at least 1 ps, rounded to whole picoseconds like every other duration.
    const double MHz = node.number("clock_MHz", config::range(1e-3, kPicosecondsPerMicrosecond, "MHz"));
    spec.clock_period = picoseconds(static_cast<std::uint64_t>(std::llround(kPicosecondsPerMicrosecond / MHz)));
    spec.lanes_per_clock =
        static_cast<std::uint32_t>(node.integer_or("lanes_per_clock", kDefaultLanesPerClock, 1, kMaxLanesPerClock));
  } else if (node.has("lanes_per_clock")) {
    node.fail("lanes_per_clock", "applies to a clocked scheduler only; set controller.clock_MHz too");
  } else if (spec.scheduler == SchedulerKind::Rtl) {
    node.fail("scheduler", "\"rtl\" needs controller.clock_MHz (the clock the RTL scheduler runs on)");
  }
  if (spec.scheduler == SchedulerKind::Rtl && !rtl_scheduler_available())
    node.fail("scheduler", "\"rtl\" is not available in this build: Verilator was not found when it was configured "
                           "(install verilator, then configure and build again; see docs/rtl-cosim.md)");
  node.finish();
  return spec;
}

}  // namespace kvnand
