// A decode system on a tiny platform and model, elaborated for one test (one per process).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "dataflow/decode_plan.h"
#include "platforms/decode_system.h"
#include "platforms/platform_config.h"

namespace kvnand::test {

inline PlatformConfig decode_platform(const std::string& name, const std::vector<std::string>& overrides = {}) {
  std::vector<config::Override> parsed;
  for (const auto& text : overrides) parsed.push_back(config::parse_override(text));
  return load_platform(std::string(KVNAND_SOURCE_DIR) + "/platforms/" + name + ".json", parsed);
}

inline ModelSpec workload(const std::string& name) {
  return load_model(std::string(KVNAND_SOURCE_DIR) + "/workloads/" + name + ".json");
}

struct DecodeBench {
  DecodeBench(PlatformConfig platform, const ModelSpec& model, const DecodeOptions& options)
      : config(std::move(platform)),
        plan(model, options, config.flash, config.channels, *config.ifc, *config.dataflow,
             config.dram ? config.dram->capacity_bytes() : 0),
        system("kvnand", config, plan, nullptr, [] { sc_core::sc_stop(); }) {}

  /// Simulates every token; returns the simulated time at the end.
  sc_core::sc_time run() {
    sc_core::sc_start();
    return sc_core::sc_time_stamp();
  }
  const DecodeResult& result() const { return system.runtime().result(); }
  /// Sum over all dies with compute logic of a statistic of that logic.
  template <typename F>
  std::uint64_t sum_over_dies(F field) const {
    std::uint64_t total = 0;
    for (std::uint32_t c = 0; c < config.channels.count; ++c)
      for (std::uint32_t d = 0; d < config.channels.dies_per_channel; ++d)
        if (const IfcEngine* ifc = system.flash().die(ChannelId(c), DieId(d)).ifc(); ifc != nullptr)
          total += field(ifc->stats());
    return total;
  }

  PlatformConfig config;
  DecodePlan plan;
  DecodeSystem system;
};

}  // namespace kvnand::test
