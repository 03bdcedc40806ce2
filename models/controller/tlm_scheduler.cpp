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
  if (!clocked() && die.held.empty() && die.queue.size() < spec_.queue_depth_per_die) {
    die.queue.push_back(item);
    if (die.sequencer_waiting) die.work.notify(sc_core::SC_ZERO_TIME);
    return;
  }
  // Only a request that must wait gets an Arrival (its event is not free to make).
  Arrival arrival;
  arrival.die_index = die_index;
  arrival.item = item;
  if (clocked()) {
    arrivals_.push_back(&arrival);
    clock_->request_edge();
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
  completions_.push_back(die_index);
  clock_->request_edge();
}

void TlmScheduler::stream_done(const IssuedCommand&) {
  if (!clocked()) return;
  completions_.push_back(kNoDie);
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

void TlmScheduler::see_completions() {
  for (std::uint32_t lane = 0; lane < spec_.lanes_per_clock && !completions_.empty(); ++lane) {
    if (completions_.front() != kNoDie) dies_[completions_.front()].free = true;
    completions_.pop_front();
  }
}

void TlmScheduler::admit_arrivals(std::size_t presented) {
  for (std::size_t i = 0; i < presented; ++i) {
    Arrival*& arrival = arrivals_[i];
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
  see_completions();
  const std::size_t presented = std::min<std::size_t>(arrivals_.size(), spec_.lanes_per_clock);
  admit_arrivals(presented);
  for (Die& die : dies_) {
    if (!die.free || die.planned || die.queue.empty()) continue;
    die.planned = plan(die);
    die.free = false;
  }
  admit_arrivals(presented);
  // Issue lanes in the contract's order: stream commands in arrival order, then page commands by die.
  std::uint32_t lanes_left = spec_.lanes_per_clock;
  for (std::size_t i = 0; i < presented; ++i) {
    Arrival*& arrival = arrivals_[i];
    if (arrival == nullptr || arrival->stream == nullptr) continue;
    IssuedCommand issued = *arrival->stream;
    issued.at = now;
    report_issue(issued);
    take(*arrival);
    arrival = nullptr;
    --lanes_left;
  }
  bool waiting_for_lanes = false;
  for (Die& die : dies_) {
    if (!die.planned) continue;
    if (lanes_left == 0) {
      waiting_for_lanes = true;
      continue;
    }
    report_issue(describe_page_command(*die.planned, now));
    die.issued = std::move(die.planned);
    die.planned.reset();
    die.work.notify(sc_core::SC_ZERO_TIME);
    --lanes_left;
  }
  // Requests beyond the lanes were not presented: they need the next edge.
  const bool unpresented = arrivals_.size() > presented;
  arrivals_.erase(std::remove(arrivals_.begin(), arrivals_.end(), nullptr), arrivals_.end());
  return waiting_for_lanes || !completions_.empty() || unpresented;
}

}  // namespace kvnand
