// RtlScheduler: the issue lanes. Each valid lane becomes a page command for a die's sequencer or
// releases a stream request, after it is checked against the requests it claims to serve: a
// command the controller cannot execute is a broken contract, reported with the port and values.
#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "controller/rtl/rtl_scheduler.h"

namespace kvnand {
namespace {

bool is_page_code(std::uint64_t op) {
  return op == rtl::op_code(SchedulerOp::Read) || op == rtl::op_code(SchedulerOp::Program) ||
         op == rtl::op_code(SchedulerOp::Erase);
}

bool is_stream_code(std::uint64_t op) {
  return op >= rtl::op_code(SchedulerOp::Broadcast) && op <= rtl::op_code(SchedulerOp::ReadPages);
}

/// "name expected, got value" for a field that does not match the request.
std::string mismatch(const char* port, std::uint64_t got, std::uint64_t expected) {
  std::ostringstream msg;
  msg << port << " is " << got << " but the request has " << expected;
  return msg.str();
}

}  // namespace

void RtlScheduler::violation(unsigned lane, const std::string& what) const {
  std::ostringstream msg;
  msg << "RTL scheduler contract violation at " << sc_core::sc_time_stamp().value() << " ps, issue lane " << lane
      << ": " << what;
  throw std::runtime_error(msg.str());
}

void RtlScheduler::issue_commands(const sc_core::sc_time& now) {
  rtl::Ports& p = *ports_;
  issued_.clear();
  page_dies_.clear();
  p.cmd_valid.load();
  bool any = false;
  for (unsigned l = 0; l < kLanes && !any; ++l) any = p.cmd_valid.get(l) != 0;
  if (!any) return;
  p.load_issue_lanes();
  for (unsigned l = 0; l < kLanes; ++l) {
    if (p.cmd_valid.get(l) == 0) continue;
    const std::uint64_t op = p.cmd_op.get(l);
    if (is_page_code(op)) {
      ScheduledCommand command = page_command(l);
      const HostRequest& head = *command.group.front().request;
      const std::uint32_t g = head.address.channel.value() * channels_.dies_per_channel + head.address.die.value();
      Die& die = dies_[g];
      if (!die.ready || die.issued)
        violation(l, "a page command for die " + std::to_string(g) + " while its die_ready is low (a command in service)");
      issued_.push_back(describe_page_command(command, now));
      die.issued = std::move(command);
      die.ready = false;
      page_dies_.push_back(g);
    } else if (is_stream_code(op)) {
      Arrival& arrival = stream_command(l);
      IssuedCommand record = *arrival.stream;
      record.at = now;
      issued_.push_back(record);
      released_.push_back(&arrival);
    } else {
      violation(l, "cmd_op " + std::to_string(op) + " is not an op code of the contract");
    }
  }
  for (const IssuedCommand& command : issued_) report_issue(command);
}

ScheduledCommand RtlScheduler::page_command(unsigned lane) {
  const rtl::Ports& p = *ports_;
  const std::uint64_t channel = p.cmd_channel.get(lane), die_on_channel = p.cmd_die.get(lane);
  if (channel >= channels_.count || die_on_channel >= channels_.dies_per_channel) {
    std::ostringstream msg;
    msg << "cmd_channel " << channel << " cmd_die " << die_on_channel << " is no die of the platform ("
        << channels_.count << " channels of " << channels_.dies_per_channel << " dies)";
    violation(lane, msg.str());
  }
  const auto g = static_cast<std::uint32_t>(channel * channels_.dies_per_channel + die_on_channel);
  std::deque<QueuedRequest>& taken = dies_[g].taken;
  const std::uint64_t tag = p.cmd_tag.get(lane), count = p.cmd_count.get(lane);
  const auto head = std::find_if(taken.begin(), taken.end(), [tag](const QueuedRequest& r) { return r.slot == tag; });
  if (head == taken.end())
    violation(lane, "cmd_tag " + std::to_string(tag) + " is no page request of die " + std::to_string(g) +
                        " taken and not yet issued");
  const auto first = static_cast<std::size_t>(head - taken.begin());
  if (count == 0 || first + count > taken.size())
    violation(lane, "cmd_count " + std::to_string(count) + " but " + std::to_string(taken.size() - first) +
                        " page requests of die " + std::to_string(g) + " wait from tag " + std::to_string(tag) + " on");

  ScheduledCommand command;
  command.group.assign(head, head + static_cast<std::ptrdiff_t>(count));
  const HostRequest& h = *command.group.front().request;
  command.plan.op = h.op;
  command.plan.count = command.group.size();
  PlaneMask planes;
  bool one_row = true, sequential = true;
  for (std::size_t i = 0; i < command.group.size(); ++i) {
    const HostRequest& r = *command.group[i].request;
    if (r.op != h.op)
      violation(lane, "cmd_count " + std::to_string(count) + " merges requests of different ops (tag " +
                          std::to_string(command.group[i].slot) + ")");
    planes.add(r.address.plane);
    one_row &= r.address.block == h.address.block && (h.op == HostOp::Erase || r.address.page == h.address.page);
    sequential &= r.address.plane == h.address.plane && r.address.block == h.address.block &&
                  r.address.page.value() == h.address.page.value() + i;
  }
  if (p.cmd_op.get(lane) != rtl::op_code(h.op)) violation(lane, mismatch("cmd_op", p.cmd_op.get(lane), rtl::op_code(h.op)));
  if (p.cmd_planes.get(lane) != planes.bits())
    violation(lane, mismatch("cmd_planes", p.cmd_planes.get(lane), planes.bits()) + " (the union of the planes served)");
  if (p.cmd_block.get(lane) != h.address.block.value())
    violation(lane, mismatch("cmd_block", p.cmd_block.get(lane), h.address.block.value()));
  if (p.cmd_page.get(lane) != rtl::request_page(h))
    violation(lane, mismatch("cmd_page", p.cmd_page.get(lane), rtl::request_page(h)));

  std::uint64_t pages = 1;
  if (count > 1 && static_cast<std::uint64_t>(planes.count()) == count && one_row) {
    if (count > spec_.max_planes_per_command)
      violation(lane, "cmd_count " + std::to_string(count) + " planes exceed controller.max_planes_per_command (" +
                          std::to_string(spec_.max_planes_per_command) + ")");
    command.plan.shape = CommandShape::MultiPlane;
  } else if (count > 1 && h.op == HostOp::Read && sequential) {
    if (!spec_.cache_read) violation(lane, "a cache read of " + std::to_string(count) + " pages but controller.cache_read is off");
    command.plan.shape = CommandShape::CacheRead;
    pages = count;
  } else if (count > 1) {
    violation(lane, "cmd_count " + std::to_string(count) +
                        ": the requests are neither one row on distinct planes (multi-plane) nor consecutive pages "
                        "of one plane and block (cache read)");
  }
  if (p.cmd_pages.get(lane) != pages) violation(lane, mismatch("cmd_pages", p.cmd_pages.get(lane), pages));
  taken.erase(head, head + static_cast<std::ptrdiff_t>(count));
  return command;
}

RtlScheduler::Arrival& RtlScheduler::stream_command(unsigned lane) {
  const rtl::Ports& p = *ports_;
  const std::uint64_t tag = p.cmd_tag.get(lane);
  const auto it = std::find_if(taken_streams_.begin(), taken_streams_.end(),
                               [tag](const Arrival* a) { return a->stream->tag == tag; });
  if (it == taken_streams_.end())
    violation(lane, "cmd_tag " + std::to_string(tag) + " with stream op " + std::to_string(p.cmd_op.get(lane)) +
                        " is no stream request taken and not yet issued");
  Arrival& arrival = **it;
  const IssuedCommand& s = *arrival.stream;
  if (p.cmd_count.get(lane) != 1) violation(lane, mismatch("cmd_count", p.cmd_count.get(lane), 1));
  if (p.cmd_op.get(lane) != rtl::op_code(s.op)) violation(lane, mismatch("cmd_op", p.cmd_op.get(lane), rtl::op_code(s.op)));
  if (p.cmd_channel.get(lane) != s.channel.value())
    violation(lane, mismatch("cmd_channel", p.cmd_channel.get(lane), s.channel.value()));
  if (p.cmd_die.get(lane) != s.die.value()) violation(lane, mismatch("cmd_die", p.cmd_die.get(lane), s.die.value()));
  if (p.cmd_planes.get(lane) != s.planes.bits()) violation(lane, mismatch("cmd_planes", p.cmd_planes.get(lane), s.planes.bits()));
  if (p.cmd_block.get(lane) != s.block) violation(lane, mismatch("cmd_block", p.cmd_block.get(lane), s.block));
  if (p.cmd_page.get(lane) != s.page) violation(lane, mismatch("cmd_page", p.cmd_page.get(lane), s.page));
  if (p.cmd_pages.get(lane) != s.pages) violation(lane, mismatch("cmd_pages", p.cmd_pages.get(lane), s.pages));
  taken_streams_.erase(it);
  return arrival;
}

}  // namespace kvnand
