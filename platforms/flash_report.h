// report.json of a flash microbenchmark run, and the short summary printed on stdout.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "platforms/flash_platform.h"
#include "traffic/flash_traffic.h"

namespace kvnand {

struct FlashRunInfo {
  std::string platform_file;
  PatternSpec pattern;
  std::uint64_t requests = 0;
  std::uint32_t queue_depth = 0;
};

/// Measurements of the host machine; they vary from run to run and are kept apart in "host".
struct HostMeasurements {
  double wall_s = 0;
  double peak_rss_MiB = 0;
};

nlohmann::json flash_report(const FlashPlatform& platform, const TrafficResult& traffic, const FlashRunInfo& run,
                            const sc_core::sc_time& simulated, const HostMeasurements& host);

std::string flash_summary(const nlohmann::json& report);

}  // namespace kvnand
