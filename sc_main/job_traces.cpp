#include "job_traces.h"

#include <exception>
#include <iostream>

#include <systemc>

namespace kvnand {
namespace {
/// The RTL's own VCD sits beside the run's until it is merged in.
constexpr const char* kRtlWaveSuffix = ".rtl.partial";
/// Where its signals appear in the run's VCD, and the GTKWave group of its ports.
constexpr const char* kRtlWaveScope = "controller";
constexpr const char* kRtlWaveGroup = "RTL scheduler ports";
}  // namespace

TraceSpec merged_trace_spec(const TraceSpec& from_config, const TraceSpec& from_command_line) {
  TraceSpec merged = from_config;
  const TraceSpec& cli = from_command_line;
  if (!cli.wave.vcd_file.empty()) merged.wave.vcd_file = cli.wave.vcd_file;
  if (cli.wave.window) merged.wave.window = cli.wave.window;
  if (!cli.wave.scopes.empty()) merged.wave.scopes = cli.wave.scopes;
  if (cli.wave.plane_detail) merged.wave.plane_detail = true;
  if (!cli.timeline_file.empty()) merged.timeline_file = cli.timeline_file;
  if (!cli.commands_file.empty()) merged.commands_file = cli.commands_file;
  if (!cli.scheduler_file.empty()) merged.scheduler_file = cli.scheduler_file;
  return merged;
}

std::unique_ptr<TraceOutputs> open_traces(const TraceSpec& spec, const TraceLayout& layout) {
  check_trace_spec(spec);
  if (!spec.any()) return nullptr;
  return std::make_unique<TraceOutputs>(spec, layout);
}

void trace_scheduler_waves(TraceOutputs* traces, const TraceSpec& spec, CommandScheduler& scheduler) {
  if (traces == nullptr || spec.wave.vcd_file.empty()) return;
  const std::string rtl_vcd = spec.wave.vcd_file + kRtlWaveSuffix;
  if (!scheduler.open_waves(rtl_vcd)) return;
  std::vector<WaveView::Row> rows;
  rows.push_back({WaveView::Row::Kind::GroupBegin, kRtlWaveGroup, 1, std::nullopt, false});
  for (const auto& [path, width] : scheduler.wave_ports())
    rows.push_back({WaveView::Row::Kind::Signal, std::string(kRtlWaveScope) + "." + path, width, std::nullopt, false,
                    true});
  rows.push_back({WaveView::Row::Kind::GroupEnd, kRtlWaveGroup, 1, std::nullopt, false});
  traces->attach_vcd(rtl_vcd, kRtlWaveScope, std::move(rows));
}

bool close_traces(TraceOutputs* traces, bool quiet, CommandScheduler* scheduler) {
  if (traces == nullptr) return true;
  if (scheduler != nullptr) scheduler->close_waves();
  try {
    traces->close(sc_core::sc_time_stamp());
  } catch (const std::exception& e) {
    std::cerr << "kvnand-sim: " << e.what() << "\n";
    return false;
  }
  if (!quiet)
    for (const std::string& file : traces->files())
      std::cerr << "kvnand-sim: wrote " << file << " (up to " << sc_core::sc_time_stamp() << ")\n";
  return true;
}

}  // namespace kvnand
