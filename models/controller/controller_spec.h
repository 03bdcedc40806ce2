// Flash controller policy knobs.
#pragma once

#include <cstdint>

namespace kvnand::config {
class Node;
}

namespace kvnand {

struct ControllerSpec {
  /// Requests that may wait in one die's queue before the host is held back.
  std::uint32_t queue_depth_per_die = 0;
  /// Most planes one multi-plane read / program / erase may address (1 disables multi-plane).
  std::uint32_t max_planes_per_command = 0;
  /// Serve runs of sequential single-plane reads with the cache-read pipeline.
  bool cache_read = false;
};

/// `planes_per_die` bounds max_planes_per_command.
ControllerSpec parse_controller_spec(config::Node node, std::uint32_t planes_per_die);

}  // namespace kvnand
