// A whole platform as configured in a JSON file, validated and resolved.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "channel/channel_spec.h"
#include "common/config_reader.h"
#include "controller/controller_spec.h"
#include "dataflow/dataflow_spec.h"
#include "dram/dram_spec.h"
#include "flash/flash_spec.h"
#include "ifc/ifc_spec.h"
#include "npu/npu_spec.h"
#include "platforms/session_spec.h"
#include "traces/trace_spec.h"

namespace kvnand {

struct PlatformConfig {
  std::string name;
  FlashSpec flash;
  ChannelSpec channels;
  ControllerSpec controller;
  /// The decode sections; present together or not at all (a flash-only platform).
  std::optional<IfcSpec> ifc;
  std::optional<NpuSpec> npu;
  std::optional<DataflowSpec> dataflow;
  /// The LPDDR DRAM that holds the KV cache (dataflow variant dram_kv only).
  std::optional<DramSpec> dram;
  /// The plain NAND dies of the KV group (dataflow variant nand_kv; the flash spec unless configured).
  std::optional<FlashSpec> kv_flash;
  /// What a C-ABI simulator runs (kvnand-sim takes these from its options instead).
  std::optional<SessionSpec> session;
  /// Trace files to write (kvnand-sim's options add to and override these).
  TraceSpec trace;
  /// Where the platform came from (file name or origin), for messages.
  std::string origin;
  /// The config as used (defaults filled in, sub-files inlined), for reports.
  nlohmann::json resolved;
};

/// Loads and validates a platform; throws config::ConfigError naming file, key and what is accepted.
PlatformConfig load_platform(const std::string& path, const std::vector<config::Override>& overrides = {});
/// The same for JSON text (tests, the C-ABI); `origin` names it in messages.
PlatformConfig load_platform_text(const std::string& json_text, const std::string& origin,
                                  const std::vector<config::Override>& overrides = {});

}  // namespace kvnand
