#include "trace_outputs.h"

#include <stdexcept>

namespace kvnand {

TraceOutputs::TraceOutputs(const TraceSpec& spec, const TraceLayout& layout) {
  if (!spec.wave.vcd_file.empty()) {
    wave_ = std::make_unique<WaveRecorder>(spec.wave, layout);
    writers_.push_back(wave_.get());
    files_.push_back(spec.wave.vcd_file);
  }
  if (!spec.timeline_file.empty() || !spec.commands_file.empty()) {
    timeline_ = std::make_unique<CommandTimeline>(spec.timeline_file, spec.commands_file, layout);
    writers_.push_back(timeline_.get());
    for (const std::string* file : {&spec.timeline_file, &spec.commands_file})
      if (!file->empty()) files_.push_back(*file);
  }
  if (!spec.scheduler_file.empty()) {
    scheduler_log_ = std::make_unique<SchedulerIssueLog>(spec.scheduler_file, layout);
    writers_.push_back(scheduler_log_.get());
    files_.push_back(spec.scheduler_file);
  }
  for (ActivityObserver* writer : writers_)
    if (writer->wants_plane_detail()) detail_writers_.push_back(writer);
}

void TraceOutputs::close(const sc_core::sc_time& end) {
  if (closed_) return;
  closed_ = true;
  std::string failures;
  auto attempt = [&](auto&& close_one) {
    try {
      close_one();
    } catch (const std::exception& e) {
      failures += failures.empty() ? e.what() : std::string("; ") + e.what();
    }
  };
  if (wave_) attempt([&] { wave_->close(end); });
  if (timeline_) attempt([&] { timeline_->close(end); });
  if (scheduler_log_) attempt([&] { scheduler_log_->close(); });
  if (!failures.empty()) throw std::runtime_error(failures);
}

bool TraceOutputs::attach_vcd(const std::string& vcd_path, const std::string& scope, std::vector<WaveView::Row> rows) {
  if (!wave_) return false;
  wave_->attach_vcd(vcd_path, scope, std::move(rows));
  return true;
}

void TraceOutputs::command(const CommandRecord& record) {
  for (ActivityObserver* writer : writers_) writer->command(record);
}

void TraceOutputs::scheduler_issue(const IssuedCommand& command) {
  for (ActivityObserver* writer : writers_) writer->scheduler_issue(command);
}

bool TraceOutputs::wants_plane_detail() const { return !detail_writers_.empty(); }

void TraceOutputs::plane_busy(ChannelId channel, DieId die, PlaneMask planes, PlaneActivity what,
                              const sc_core::sc_time& start, const sc_core::sc_time& end) {
  for (ActivityObserver* writer : detail_writers_) writer->plane_busy(channel, die, planes, what, start, end);
}

void TraceOutputs::stage_busy(ChannelId channel, DieId die, PlaneMask planes, PipelineStage stage,
                              const sc_core::sc_time& start, const sc_core::sc_time& end) {
  for (ActivityObserver* writer : detail_writers_) writer->stage_busy(channel, die, planes, stage, start, end);
}

void TraceOutputs::queue_depth(ChannelId channel, DieId die, std::uint32_t requests) {
  for (ActivityObserver* writer : writers_) writer->queue_depth(channel, die, requests);
}

void TraceOutputs::global_buffer(ChannelId channel, DieId die, std::int64_t delta_bytes, const sc_core::sc_time& at) {
  for (ActivityObserver* writer : writers_) writer->global_buffer(channel, die, delta_bytes, at);
}

void TraceOutputs::kv_buffer(bool on_die, ChannelId channel, DieId die, PlaneId plane, std::uint64_t fill_bytes) {
  for (ActivityObserver* writer : writers_) writer->kv_buffer(on_die, channel, die, plane, fill_bytes);
}

void TraceOutputs::npu_op(NpuOpKind kind, const sc_core::sc_time& start, const sc_core::sc_time& end,
                          const CommandTag& tag) {
  for (ActivityObserver* writer : writers_) writer->npu_op(kind, start, end, tag);
}

void TraceOutputs::phase_begin(const CommandTag& tag) {
  for (ActivityObserver* writer : writers_) writer->phase_begin(tag);
}

void TraceOutputs::phase_end(const CommandTag& tag, const sc_core::sc_time& began) {
  for (ActivityObserver* writer : writers_) writer->phase_end(tag, began);
}

void TraceOutputs::dram_access(std::uint32_t channel, bool write, std::uint64_t bytes, const sc_core::sc_time& start,
                               const sc_core::sc_time& end, const CommandTag& tag) {
  for (ActivityObserver* writer : writers_) writer->dram_access(channel, write, bytes, start, end, tag);
}

}  // namespace kvnand
