#include "controller/command_scheduler.h"

namespace kvnand {

IssuedCommand describe_page_command(const ScheduledCommand& command, const sc_core::sc_time& at) {
  const HostRequest& head = *command.group.front().request;
  IssuedCommand issued;
  issued.at = at;
  issued.op = scheduler_op(command.plan.op);
  issued.channel = head.address.channel;
  issued.die = head.address.die;
  for (const QueuedRequest& r : command.group) issued.planes.add(r.request->address.plane);
  issued.block = head.address.block.value();
  issued.page = head.address.page.value();
  issued.pages = command.plan.shape == CommandShape::CacheRead ? command.group.size() : 1;
  issued.requests = static_cast<std::uint32_t>(command.group.size());
  issued.tag = static_cast<std::uint32_t>(command.group.front().slot);
  return issued;
}

}  // namespace kvnand
