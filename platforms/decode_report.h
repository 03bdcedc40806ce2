// report.json of a decode run (or of a run refused for lack of capacity), and the stdout summary.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "dataflow/decode_plan.h"
#include "platforms/decode_system.h"
#include "platforms/flash_report.h"

namespace kvnand {

struct DecodeRunInfo {
  std::string platform_file;
  std::string model_file;
};

/// The report of a finished decode run.
nlohmann::json decode_report(const DecodeSystem& system, const PlatformConfig& config, const DecodePlan& plan,
                             const DecodeRunInfo& run, const HostMeasurements& host);
/// The report of a run that does not fit: capacity numbers, `oom.value` true, no timing.
nlohmann::json out_of_memory_report(const PlatformConfig& config, const DecodePlan& plan, const DecodeRunInfo& run);

std::string decode_summary(const nlohmann::json& report);

}  // namespace kvnand
