// The decode job of kvnand-sim: a model's decode tokens on a KVNAND platform.
#pragma once

#include <csignal>
#include <string>
#include <vector>

#include "common/config_reader.h"
#include "dataflow/decode_plan.h"
#include "exit_status.h"
#include "traces/trace_spec.h"

namespace kvnand {

struct DecodeJobOptions {
  std::string platform_file;
  std::vector<config::Override> overrides;
  /// A workload file or a bare name found in the workloads folder.
  std::string model;
  std::string workloads_dir;
  DecodeOptions decode;
  std::string out_dir;
  /// Trace files from the command line (merged over the platform's "trace" section).
  TraceSpec trace;
  bool quiet = false;
};

/// Runs the job; errors go to stderr; returns the process exit status.
int run_decode_job(const DecodeJobOptions& options, const volatile std::sig_atomic_t& interrupt_flag);

}  // namespace kvnand
