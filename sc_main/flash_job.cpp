#include "flash_job.h"

#include <chrono>
#include <exception>
#include <iostream>
#include <memory>

#include "host_usage.h"
#include "job_traces.h"
#include "output_files.h"
#include "platforms/flash_platform.h"
#include "platforms/trace_setup.h"
#include "traces/partial_file.h"

namespace kvnand {
namespace {

/// Everything one simulation elaborates, owned together.
struct FlashBench {
  std::unique_ptr<TraceOutputs> traces;
  std::unique_ptr<FlashPlatform> platform;
  std::unique_ptr<FlashTraffic> traffic;
};

}  // namespace

int run_flash_job(const FlashJobOptions& options, const volatile std::sig_atomic_t& interrupt_flag) {
  PlatformConfig config;
  try {
    config = load_platform(options.platform_file, options.overrides);
  } catch (const config::ConfigError& e) {
    std::cerr << "kvnand-sim: " << e.what() << "\n";
    return kExitBadInput;
  }

  const TraceSpec trace_spec = merged_trace_spec(config.trace, options.trace);
  FlashBench bench;
  try {
    make_directories(options.out_dir);
    bench.traces = open_traces(trace_spec, trace_layout(config, nullptr));
  } catch (const std::exception& e) {
    std::cerr << "kvnand-sim: " << e.what() << "\n";
    return kExitBadInput;
  }

  const auto started = std::chrono::steady_clock::now();
  try {
    bench.platform =
        std::make_unique<FlashPlatform>("platform", config, bench.traces ? bench.traces->observer() : nullptr);
    FlashPattern pattern(options.run.pattern, config.channels, config.flash.geometry);
    bench.traffic = std::make_unique<FlashTraffic>("host", std::move(pattern), options.run.requests,
                                                   options.run.queue_depth, [&interrupt_flag] { return interrupt_flag != 0; });
    bench.traffic->socket.bind(bench.platform->host_socket());
    trace_scheduler_waves(bench.traces.get(), trace_spec, bench.platform->scheduler());
    sc_core::sc_start();
  } catch (const std::exception& e) {
    std::cerr << "kvnand-sim: simulation failed at " << sc_core::sc_time_stamp() << ": " << e.what() << "\n";
    close_traces(bench.traces.get(), options.quiet, bench.platform ? &bench.platform->scheduler() : nullptr);
    return kExitSimulationFailed;
  }
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const TrafficResult& result = bench.traffic->result();
  const bool traces_written = close_traces(bench.traces.get(), options.quiet, &bench.platform->scheduler());
  if (result.interrupted) {
    std::cerr << "kvnand-sim: interrupted at simulated time " << sc_core::sc_time_stamp() << " after "
              << result.completed << " requests; no report written"
              << (bench.traces ? ", traces closed at that time" : "") << "\n";
    return kExitInterrupted;
  }
  if (!result.error.empty()) {
    std::cerr << "kvnand-sim: simulation failed at " << sc_core::sc_time_stamp() << ": " << result.error << "\n";
    return kExitSimulationFailed;
  }

  const nlohmann::json report = flash_report(*bench.platform, result, options.run, sc_core::sc_time_stamp(),
                                             HostMeasurements{wall_s, peak_rss_MiB()});
  try {
    write_file_atomically(options.out_dir + "/report.json", report.dump(2) + "\n");
  } catch (const std::exception& e) {
    std::cerr << "kvnand-sim: " << e.what() << "\n";
    return kExitSimulationFailed;
  }
  if (!options.quiet) std::cout << flash_summary(report) << "  report          " << options.out_dir << "/report.json\n";
  return traces_written ? kExitOk : kExitSimulationFailed;
}

}  // namespace kvnand
