// Which queued requests of one die the controller serves with a single flash command. Only a
// run of requests from the head of the queue is merged, so per-die order is never changed.
#pragma once

#include <cstddef>
#include <deque>

#include "common/flash_transactions.h"
#include "controller/controller_spec.h"

namespace kvnand {

enum class CommandShape {
  Single,      ///< one page, one plane
  MultiPlane,  ///< same block and page on distinct planes, one array operation
  CacheRead,   ///< consecutive pages of one block on one plane, pipelined
};

struct CommandPlan {
  HostOp op = HostOp::Read;
  CommandShape shape = CommandShape::Single;
  /// Requests taken from the head of the queue.
  std::size_t count = 1;
};

/// A request waiting in a die's queue.
struct QueuedRequest {
  HostRequest* request = nullptr;
  tlm::tlm_generic_payload* payload = nullptr;
  /// The controller's completion slot of the waiting host call.
  std::size_t slot = 0;
};

/// `queue` holds the die's waiting requests, head first; it must not be empty.
CommandPlan plan_command(const std::deque<QueuedRequest>& queue, const ControllerSpec& spec);

}  // namespace kvnand
