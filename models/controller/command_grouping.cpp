#include "controller/command_grouping.h"

namespace kvnand {
namespace {

bool same_row(const HostRequest& a, const HostRequest& b, bool compare_page) {
  return a.address.block == b.address.block && (!compare_page || a.address.page == b.address.page);
}

std::size_t multi_plane_run(const std::deque<QueuedRequest>& queue, const ControllerSpec& spec) {
  const HostRequest& head = *queue.front().request;
  const bool compare_page = head.op != HostOp::Erase;
  PlaneMask planes = PlaneMask::single(head.address.plane);
  std::size_t count = 1;
  while (count < queue.size() && count < spec.max_planes_per_command) {
    const HostRequest& next = *queue[count].request;
    if (next.op != head.op || !same_row(head, next, compare_page) || planes.contains(next.address.plane)) break;
    planes.add(next.address.plane);
    ++count;
  }
  return count;
}

std::size_t sequential_run(const std::deque<QueuedRequest>& queue) {
  std::size_t count = 1;
  while (count < queue.size()) {
    const HostRequest& previous = *queue[count - 1].request;
    const HostRequest& next = *queue[count].request;
    if (next.op != HostOp::Read || next.address.plane != previous.address.plane ||
        next.address.block != previous.address.block || next.address.page.value() != previous.address.page.value() + 1)
      break;
    ++count;
  }
  return count;
}

}  // namespace

CommandPlan plan_command(const std::deque<QueuedRequest>& queue, const ControllerSpec& spec) {
  CommandPlan plan;
  plan.op = queue.front().request->op;
  const std::size_t planes = multi_plane_run(queue, spec);
  if (planes > 1) {
    plan.shape = CommandShape::MultiPlane;
    plan.count = planes;
    return plan;
  }
  if (plan.op == HostOp::Read && spec.cache_read) {
    const std::size_t pages = sequential_run(queue);
    if (pages > 1) {
      plan.shape = CommandShape::CacheRead;
      plan.count = pages;
    }
  }
  return plan;
}

}  // namespace kvnand
