#include "controller/controller_spec.h"

#include <string>

#include "common/config_reader.h"
#include "common/flash_address.h"

namespace kvnand {
namespace {
constexpr std::uint64_t kMaxQueueDepth = 1u << 20;
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
  node.finish();
  return spec;
}

}  // namespace kvnand
