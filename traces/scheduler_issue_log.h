// The scheduler log of a run: one CSV row per command the controller's scheduler issued (the
// format kvnand-cosim-check reads, traces/scheduler_log.h), written as "<file>.partial" and
// renamed into place by close(). Two runs of one platform, one with the TLM scheduler and one
// with the RTL scheduler, give two logs to compare.
#pragma once

#include <string>

#include <systemc>

#include "common/activity_observer.h"
#include "partial_file.h"
#include "trace_layout.h"

namespace kvnand {

class SchedulerIssueLog : public ActivityObserver {
 public:
  /// Throws std::runtime_error naming `file` when it cannot be created.
  SchedulerIssueLog(const std::string& file, const TraceLayout& layout);

  void scheduler_issue(const IssuedCommand& command) override;

  /// Writes the rest and renames the file into place; throws std::runtime_error saying why not
  /// (then nothing is left behind). Call once.
  void close();

 private:
  std::string file_;
  PartialFile out_;
};

}  // namespace kvnand
