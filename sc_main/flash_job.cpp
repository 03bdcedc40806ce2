#include "flash_job.h"

#include <chrono>
#include <exception>
#include <iostream>
#include <memory>

#include "host_usage.h"
#include "output_files.h"
#include "platforms/flash_platform.h"
#include "wave_recorder.h"

namespace kvnand {
namespace {

/// Everything one simulation elaborates, owned together.
struct FlashBench {
  std::unique_ptr<WaveRecorder> wave;
  std::unique_ptr<FlashPlatform> platform;
  std::unique_ptr<FlashTraffic> traffic;
};

void close_wave(FlashBench& bench) {
  if (!bench.wave) return;
  try {
    bench.wave->close(sc_core::sc_time_stamp());
  } catch (const std::exception& e) {
    std::cerr << "kvnand-sim: " << e.what() << "\n";
  }
  bench.wave.reset();
}

}  // namespace

int run_flash_job(const FlashJobOptions& options, const volatile std::sig_atomic_t& interrupt_flag) {
  PlatformConfig config;
  try {
    config = load_platform(options.platform_file, options.overrides);
  } catch (const config::ConfigError& e) {
    std::cerr << "kvnand-sim: " << e.what() << "\n";
    return kExitBadInput;
  }

  FlashBench bench;
  try {
    make_directories(options.out_dir);
    if (!options.vcd_file.empty())
      bench.wave = std::make_unique<WaveRecorder>(options.vcd_file, config.channels, config.flash.geometry);
  } catch (const std::exception& e) {
    std::cerr << "kvnand-sim: " << e.what() << "\n";
    return kExitBadInput;
  }

  const auto started = std::chrono::steady_clock::now();
  try {
    bench.platform = std::make_unique<FlashPlatform>("platform", config, bench.wave.get());
    FlashPattern pattern(options.run.pattern, config.channels, config.flash.geometry);
    bench.traffic = std::make_unique<FlashTraffic>("host", std::move(pattern), options.run.requests,
                                                   options.run.queue_depth, [&interrupt_flag] { return interrupt_flag != 0; });
    bench.traffic->socket.bind(bench.platform->host_socket());
    sc_core::sc_start();
  } catch (const std::exception& e) {
    close_wave(bench);
    std::cerr << "kvnand-sim: simulation failed at " << sc_core::sc_time_stamp() << ": " << e.what() << "\n";
    return kExitSimulationFailed;
  }
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const TrafficResult& result = bench.traffic->result();
  close_wave(bench);
  if (result.interrupted) {
    std::cerr << "kvnand-sim: interrupted at simulated time " << sc_core::sc_time_stamp() << " after "
              << result.completed << " requests; no report written"
              << (options.vcd_file.empty() ? "" : ", waveform closed at that time") << "\n";
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
  return kExitOk;
}

}  // namespace kvnand
