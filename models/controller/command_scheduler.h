// The controller's command scheduler: the policy that decides which queued request becomes which
// flash command, for which die, and when. The flash controller keeps the host side (requests,
// completion slots) and the die side (one sequencer per die running bus sequences); the
// scheduler sits between them. Implementations: the TLM scheduler (tlm_scheduler.h, unclocked or
// clocked) and an RTL scheduler behind transactors (rtl/rtl_scheduler.h).
//
// Requests come in two classes (common/issued_command.h): page requests (read, program, erase)
// wait in a die's queue and are served by the die's sequencer thread, which pulls commands with
// next_command(); stream requests (in-flash compute, broadcast, input, KV program, page-stream
// read-out) are issued one by one and then run in the caller's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/issued_command.h"
#include "controller/command_grouping.h"

namespace kvnand {

/// A page command: the requests it serves, head first, and how they are merged.
struct ScheduledCommand {
  CommandPlan plan;
  std::vector<QueuedRequest> group;
};

class CommandScheduler {
 public:
  /// Called once per command at the moment it is issued, in issue order.
  using IssueListener = std::function<void(const IssuedCommand&)>;

  virtual ~CommandScheduler() = default;

  /// "tlm" or "rtl", for logs and messages.
  virtual const char* kind() const = 0;
  /// The scheduler's clock period; zero for an unclocked scheduler.
  virtual sc_core::sc_time clock_period() const = 0;

  /// Host thread: a page request for global die `die_index` (channel * dies_per_channel + die)
  /// enters the scheduler; returns once it is admitted to the die's queue. `item.slot` is its tag.
  virtual void enqueue(std::uint32_t die_index, const QueuedRequest& item) = 0;
  /// Sequencer thread of `die_index`: blocks until the scheduler issues the die's next page command.
  virtual ScheduledCommand next_command(std::uint32_t die_index) = 0;
  /// Sequencer thread: the command next_command() returned has completed; the die is free again.
  virtual void command_done(std::uint32_t die_index, const ScheduledCommand& command) = 0;

  /// Host thread: blocks until the stream request `request` (its `at` ignored) is issued.
  virtual void issue_stream(const IssuedCommand& request) = 0;
  /// Host thread: the stream command has completed.
  virtual void stream_done(const IssuedCommand& request) = 0;

  void set_issue_listener(IssueListener listener) { listener_ = std::move(listener); }

  /// A scheduler that runs RTL traces it into its own VCD (every signal, simulated time in ps)
  /// and returns true; the others write nothing and return false. Call before the simulation runs.
  virtual bool open_waves([[maybe_unused]] const std::string& vcd_path) { return false; }
  /// Completes and closes that VCD.
  virtual void close_waves() {}
  /// The RTL's ports as its VCD names them (dotted path from its top scope) and their widths.
  virtual std::vector<std::pair<std::string, unsigned>> wave_ports() const { return {}; }

 protected:
  void report_issue(const IssuedCommand& command) const {
    if (listener_) listener_(command);
  }

 private:
  IssueListener listener_;
};

/// The record of a page command: op, die, planes, head block and page, pages (a cache read's run),
/// requests served and the head's tag, issued at `at`.
IssuedCommand describe_page_command(const ScheduledCommand& command, const sc_core::sc_time& at);

}  // namespace kvnand
