#include "controller/tlm_scheduler.h"

#include <algorithm>

namespace kvnand {

TlmScheduler::TlmScheduler(sc_core::sc_module_name name, const ControllerSpec& spec, std::uint32_t dies)
    : sc_module(name), spec_(spec), dies_(dies) {
  if (spec_.clock_period != sc_core::SC_ZERO_TIME)
    clock_ = std::make_unique<ControllerClock>("clock", spec_.clock_period, [this] { return on_edge(); });
}

ScheduledCommand TlmScheduler::plan(Die& die) {
  ScheduledCommand command;
  command.plan = plan_command(die.queue, spec_);
  const auto end = die.queue.begin() + static_cast<std::ptrdiff_t>(command.plan.count);
  command.group.assign(die.queue.begin(), end);
  die.queue.erase(die.queue.begin(), end);
  return command;
}

void TlmScheduler::take(Arrival& arrival) {
  arrival.is_taken = true;
  arrival.taken.notify(sc_core::SC_ZERO_TIME);
}

void TlmScheduler::admit_held(Die& die) {
  while (!die.held.empty() && die.queue.size() < spec_.queue_depth_per_die) {
    Arrival& arrival = *die.held.front();
    die.held.pop_front();
    die.queue.push_back(arrival.item);
    take(arrival);
  }
}

void TlmScheduler::enqueue(std::uint32_t die_index, const QueuedRequest& item) {
  Die& die = dies_[die_index];
  Arrival arrival;
  arrival.die_index = die_index;
  arrival.item = item;
  if (clocked()) {
    arrivals_.push_back(&arrival);
    clock_->request_edge();
  } else if (die.held.empty() && die.queue.size() < spec_.queue_depth_per_die) {
    die.queue.push_back(item);
    if (die.sequencer_waiting) die.work.notify(sc_core::SC_ZERO_TIME);
    return;
  } else {
    die.held.push_back(&arrival);
  }
  while (!arrival.is_taken) sc_core::wait(arrival.taken);
}

ScheduledCommand TlmScheduler::next_command(std::uint32_t die_index) {
  Die& die = dies_[die_index];
  if (clocked()) {
    while (!die.issued) sc_core::wait(die.work);
    ScheduledCommand command = std::move(*die.issued);
    die.issued.reset();
    return command;
  }
  while (die.queue.empty()) {
    die.sequencer_waiting = true;
    sc_core::wait(die.work);
  }
  die.sequencer_waiting = false;
  ScheduledCommand command = plan(die);
  admit_held(die);
  report_issue(describe_page_command(command, sc_core::sc_time_stamp()));
  return command;
}

void TlmScheduler::command_done(std::uint32_t die_index, const ScheduledCommand&) {
  if (!clocked()) return;
  dies_[die_index].free = true;
  clock_->request_edge();
}

void TlmScheduler::issue_stream(const IssuedCommand& request) {
  if (!clocked()) {
    IssuedCommand issued = request;
    issued.at = sc_core::sc_time_stamp();
    report_issue(issued);
    return;
  }
  Arrival arrival;
  arrival.stream = &request;
  arrivals_.push_back(&arrival);
  clock_->request_edge();
  while (!arrival.is_taken) sc_core::wait(arrival.taken);
}

void TlmScheduler::admit_arrivals() {
  for (Arrival*& arrival : arrivals_) {
    if (arrival == nullptr || arrival->stream != nullptr) continue;
    Die& die = dies_[arrival->die_index];
    if (die.queue.size() >= spec_.queue_depth_per_die) continue;
    die.queue.push_back(arrival->item);
    take(*arrival);
    arrival = nullptr;
  }
}

bool TlmScheduler::on_edge() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  admit_arrivals();
  std::vector<std::uint32_t> planned;
  for (std::uint32_t d = 0; d < dies_.size(); ++d) {
    Die& die = dies_[d];
    if (!die.free || die.queue.empty()) continue;
    die.issued = plan(die);
    die.free = false;
    planned.push_back(d);
  }
  admit_arrivals();
  // The contract's issue order: stream commands in arrival order, then page commands by die.
  for (Arrival*& arrival : arrivals_) {
    if (arrival == nullptr || arrival->stream == nullptr) continue;
    IssuedCommand issued = *arrival->stream;
    issued.at = now;
    report_issue(issued);
    take(*arrival);
    arrival = nullptr;
  }
  for (const std::uint32_t d : planned) {
    report_issue(describe_page_command(*dies_[d].issued, now));
    dies_[d].work.notify(sc_core::SC_ZERO_TIME);
  }
  arrivals_.erase(std::remove(arrivals_.begin(), arrivals_.end(), nullptr), arrivals_.end());
  return false;
}

}  // namespace kvnand
