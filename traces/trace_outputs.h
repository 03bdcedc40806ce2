// The trace files a run asked for, behind one observer: creates the waveform and timeline
// writers a TraceSpec names and closes them all at the end of the run (however it ends).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "command_timeline.h"
#include "scheduler_issue_log.h"
#include "common/activity_observer.h"
#include "trace_layout.h"
#include "trace_spec.h"
#include "wave_recorder.h"

namespace kvnand {

class TraceOutputs : public ActivityObserver {
 public:
  /// Opens every file the spec names; throws std::runtime_error naming a file that cannot be
  /// written (none is left behind).
  TraceOutputs(const TraceSpec& spec, const TraceLayout& layout);

  /// This, or null when the spec asks for nothing (so models skip all reporting).
  ActivityObserver* observer() { return writers_.empty() ? nullptr : this; }

  /// Closes every file at simulated time `end`; throws std::runtime_error listing the files that
  /// could not be written (the others are complete). Idempotent.
  void close(const sc_core::sc_time& end);
  /// See WaveRecorder::attach_vcd; false (and nothing done) when the run writes no VCD.
  bool attach_vcd(const std::string& vcd_path, const std::string& scope, std::vector<WaveView::Row> rows);
  /// The files written by close(), for messages.
  const std::vector<std::string>& files() const { return files_; }

  void command(const CommandRecord& record) override;
  void scheduler_issue(const IssuedCommand& command) override;
  bool wants_plane_detail() const override;
  void plane_busy(ChannelId channel, DieId die, PlaneMask planes, PlaneActivity what, const sc_core::sc_time& start,
                  const sc_core::sc_time& end) override;
  void stage_busy(ChannelId channel, DieId die, PlaneMask planes, PipelineStage stage, const sc_core::sc_time& start,
                  const sc_core::sc_time& end) override;
  void queue_depth(ChannelId channel, DieId die, std::uint32_t requests) override;
  void global_buffer(ChannelId channel, DieId die, std::int64_t delta_bytes, const sc_core::sc_time& at) override;
  void kv_buffer(bool on_die, ChannelId channel, DieId die, PlaneId plane, std::uint64_t fill_bytes) override;
  void npu_op(NpuOpKind kind, const sc_core::sc_time& start, const sc_core::sc_time& end,
              const CommandTag& tag) override;
  void phase_begin(const CommandTag& tag) override;
  void phase_end(const CommandTag& tag, const sc_core::sc_time& began) override;
  void dram_access(std::uint32_t channel, bool write, std::uint64_t bytes, const sc_core::sc_time& start,
                   const sc_core::sc_time& end, const CommandTag& tag) override;

 private:
  std::unique_ptr<WaveRecorder> wave_;
  std::unique_ptr<CommandTimeline> timeline_;
  std::unique_ptr<SchedulerIssueLog> scheduler_log_;
  std::vector<ActivityObserver*> writers_;
  /// The writers that want plane and stage reports (fixed once they are built).
  std::vector<ActivityObserver*> detail_writers_;
  std::vector<std::string> files_;
  bool closed_ = false;
};

}  // namespace kvnand
