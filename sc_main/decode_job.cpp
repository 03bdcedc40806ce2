#include "decode_job.h"

#include <chrono>
#include <exception>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "host_usage.h"
#include "job_traces.h"
#include "output_files.h"
#include "platforms/decode_report.h"
#include "platforms/decode_system.h"
#include "platforms/trace_setup.h"
#include "traces/partial_file.h"

namespace kvnand {
namespace {

bool write_report(const std::string& out_dir, const nlohmann::json& report) {
  try {
    write_file_atomically(out_dir + "/report.json", report.dump(2) + "\n");
    return true;
  } catch (const std::exception& e) {
    std::cerr << "kvnand-sim: " << e.what() << "\n";
    return false;
  }
}

}  // namespace

int run_decode_job(const DecodeJobOptions& options, const volatile std::sig_atomic_t& interrupt_flag) {
  PlatformConfig config;
  ModelSpec model;
  DecodeRunInfo run{options.platform_file, ""};
  try {
    config = load_platform(options.platform_file, options.overrides);
    run.model_file = resolve_model_path(options.model, options.workloads_dir);
    model = load_model(run.model_file);
  } catch (const config::ConfigError& e) {
    std::cerr << "kvnand-sim: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (!config.ifc) {
    std::cerr << "kvnand-sim: " << options.platform_file
              << ": no \"ifc\", \"npu\" and \"dataflow\" sections, so it cannot run decode "
                 "(use --workload flash, or a decode platform such as platforms/kvnand-c16.json)\n";
    return kExitBadInput;
  }

  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<DecodePlan> plan;
  try {
    plan = std::make_unique<DecodePlan>(model, options.decode, config.flash, config.channels, *config.ifc,
                                        *config.dataflow, config.dram ? config.dram->capacity_bytes() : 0);
    make_directories(options.out_dir);
  } catch (const std::exception& e) {
    std::cerr << "kvnand-sim: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (plan->out_of_memory()) {
    const nlohmann::json report = out_of_memory_report(config, *plan, run);
    if (!write_report(options.out_dir, report)) return kExitSimulationFailed;
    std::cerr << "kvnand-sim: out of memory: " << plan->capacity().reason << "\n";
    if (!options.quiet) std::cout << decode_summary(report) << "  report          " << options.out_dir << "/report.json\n";
    return kExitOutOfMemory;
  }

  const TraceSpec trace_spec = merged_trace_spec(config.trace, options.trace);
  std::unique_ptr<TraceOutputs> traces;
  try {
    traces = open_traces(trace_spec, trace_layout(config, plan.get()));
  } catch (const std::exception& e) {
    std::cerr << "kvnand-sim: " << e.what() << "\n";
    return kExitBadInput;
  }
  std::unique_ptr<DecodeSystem> system;
  try {
    system = std::make_unique<DecodeSystem>(
        "kvnand", config, *plan, traces ? traces->observer() : nullptr, [] { sc_core::sc_stop(); },
        [&interrupt_flag] { return interrupt_flag != 0; });
    trace_scheduler_waves(traces.get(), trace_spec, system->scheduler());
    sc_core::sc_start();
  } catch (const std::exception& e) {
    std::cerr << "kvnand-sim: simulation failed at " << sc_core::sc_time_stamp() << ": " << e.what() << "\n";
    close_traces(traces.get(), options.quiet, system ? &system->scheduler() : nullptr);
    return kExitSimulationFailed;
  }
  const bool traces_written = close_traces(traces.get(), options.quiet, &system->scheduler());
  const DecodeResult& result = system->runtime().result();
  if (result.interrupted) {
    std::cerr << "kvnand-sim: interrupted at simulated time " << sc_core::sc_time_stamp() << " after "
              << result.token_latency.size() << " tokens; no report written"
              << (traces ? ", traces closed at that time" : "") << "\n";
    return kExitInterrupted;
  }
  if (!result.finished) {
    std::cerr << "kvnand-sim: simulation ended at " << sc_core::sc_time_stamp() << " before the last token\n";
    return kExitSimulationFailed;
  }
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const nlohmann::json report = decode_report(*system, config, *plan, run, HostMeasurements{wall_s, peak_rss_MiB()});
  if (!write_report(options.out_dir, report)) return kExitSimulationFailed;
  if (!options.quiet) std::cout << decode_summary(report) << "  report          " << options.out_dir << "/report.json\n";
  return traces_written ? kExitOk : kExitSimulationFailed;
}

}  // namespace kvnand
