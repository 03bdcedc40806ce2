// The flash microbenchmark job of kvnand-sim: elaborate, simulate, and write the outputs.
#pragma once

#include <csignal>
#include <string>
#include <vector>

#include "common/config_reader.h"
#include "exit_status.h"
#include "platforms/flash_report.h"
#include "traces/trace_spec.h"

namespace kvnand {

struct FlashJobOptions {
  std::string platform_file;
  std::vector<config::Override> overrides;
  FlashRunInfo run;
  std::string out_dir;
  /// Trace files from the command line (merged over the platform's "trace" section).
  TraceSpec trace;
  bool quiet = false;
};

/// Runs the job; `interrupt_flag` becomes non-zero when the user asks to stop (Ctrl-C).
/// Errors are printed on stderr; the return value is the process exit status.
int run_flash_job(const FlashJobOptions& options, const volatile std::sig_atomic_t& interrupt_flag);

}  // namespace kvnand
