// One step of the dataflow (a GEMV, a KV kernel, an NPU op, a KV append or page program) as the
// trace observer sees it: begun when constructed, ended when destroyed. Without an observer it
// does nothing (it sits on the runtime's hot path).
#pragma once

#include <systemc>

#include "common/activity_observer.h"
#include "common/command_tag.h"

namespace kvnand {

class DataflowStep {
 public:
  /// `tag` must outlive the step.
  DataflowStep(ActivityObserver* observer, const CommandTag& tag) : observer_(observer), tag_(tag) {
    if (observer_ == nullptr) return;
    began_ = sc_core::sc_time_stamp();
    observer_->phase_begin(tag_);
  }
  ~DataflowStep() {
    if (observer_ != nullptr) observer_->phase_end(tag_, began_);
  }
  DataflowStep(const DataflowStep&) = delete;
  DataflowStep& operator=(const DataflowStep&) = delete;

 private:
  ActivityObserver* observer_;
  const CommandTag& tag_;
  sc_core::sc_time began_;
};

}  // namespace kvnand
