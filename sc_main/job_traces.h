// The trace files of a kvnand-sim run: the platform's "trace" section with the command line's
// choices over it, opened before the simulation and closed however it ends.
#pragma once

#include <memory>

#include "traces/trace_layout.h"
#include "traces/trace_outputs.h"
#include "traces/trace_spec.h"
#include "controller/command_scheduler.h"

namespace kvnand {

/// Every file, window, scope list or switch the command line gives replaces the config's.
TraceSpec merged_trace_spec(const TraceSpec& from_config, const TraceSpec& from_command_line);

/// Null when nothing is asked for; throws std::invalid_argument for VCD options without a VCD
/// file and std::runtime_error naming a file that cannot be written.
std::unique_ptr<TraceOutputs> open_traces(const TraceSpec& spec, const TraceLayout& layout);

/// When the run writes a VCD and `scheduler` runs RTL: the RTL traces itself into a file beside
/// the VCD that closing the traces merges in (scope "controller") with a GTKWave group of its
/// ports. Call before the simulation starts. Throws std::runtime_error when the file cannot be opened.
void trace_scheduler_waves(TraceOutputs* traces, const TraceSpec& spec, CommandScheduler& scheduler);

/// Closes the files at the current simulated time (the scheduler's RTL waveform first, when it
/// has one) and says on stderr where they are (unless quiet) or which could not be written.
/// False when a file failed.
bool close_traces(TraceOutputs* traces, bool quiet, CommandScheduler* scheduler = nullptr);

}  // namespace kvnand
