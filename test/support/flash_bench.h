// The tiny platform plus a scripted host, elaborated for one test (one per process).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/sim_time.h"
#include "platforms/flash_platform.h"
#include "scripted_host.h"

namespace kvnand::test {

inline std::string tiny_platform_path() { return std::string(KVNAND_SOURCE_DIR) + "/platforms/tiny.json"; }

/// `overrides` are "--set" texts applied to platforms/tiny.json.
inline PlatformConfig tiny_config(const std::vector<std::string>& overrides = {}) {
  std::vector<config::Override> parsed;
  for (const auto& text : overrides) parsed.push_back(config::parse_override(text));
  return load_platform(tiny_platform_path(), parsed);
}

struct FlashBench {
  explicit FlashBench(const PlatformConfig& config, ActivityObserver* observer = nullptr)
      : platform("platform", config, observer), host("host") {
    host.socket.bind(platform.host_socket());
  }

  const PlatformConfig& config() const { return platform.config(); }
  /// Bus time of the address sequence of a read of `planes` planes.
  sc_core::sc_time read_command(int planes = 1) const {
    return config().channels.cmd_addr_cycle * static_cast<double>(planes * config().channels.read_cmd_addr_cycles);
  }
  sc_core::sc_time program_command() const {
    return config().channels.cmd_addr_cycle * static_cast<double>(config().channels.program_cmd_addr_cycles);
  }
  sc_core::sc_time erase_command() const {
    return config().channels.cmd_addr_cycle * static_cast<double>(config().channels.erase_cmd_addr_cycles);
  }
  sc_core::sc_time cache_command() const {
    return config().channels.cmd_addr_cycle * static_cast<double>(config().channels.cache_read_cmd_cycles);
  }
  sc_core::sc_time page_transfer() const {
    return transfer_time(config().flash.geometry.page_total_bytes(), config().channels.rate_GBps);
  }
  const CellTiming& cell() const { return config().flash.timing; }

  FlashPlatform platform;
  ScriptedHost host;
};

inline sc_core::sc_time ps(std::uint64_t value) { return picoseconds(value); }

}  // namespace kvnand::test
