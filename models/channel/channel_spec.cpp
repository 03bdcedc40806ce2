#include "channel/channel_spec.h"

#include "common/config_reader.h"
#include "common/sim_time.h"

namespace kvnand {
namespace {
constexpr std::uint64_t kMaxChannels = 1024;
constexpr std::uint64_t kMaxDiesPerChannel = 64;
constexpr std::uint64_t kMaxCycles = 1000;
}  // namespace

ChannelSpec parse_channel_spec(config::Node node) {
  ChannelSpec spec;
  spec.count = static_cast<std::uint32_t>(node.integer("count", 1, kMaxChannels));
  spec.dies_per_channel = static_cast<std::uint32_t>(node.integer("dies_per_channel", 1, kMaxDiesPerChannel));
  spec.rate_GBps = node.number("rate_GBps", config::positive("GB/s"));
  spec.cmd_addr_cycle = from_ns(node.number("cmd_addr_cycle_ns", config::non_negative("ns")));
  spec.read_cmd_addr_cycles = static_cast<std::uint32_t>(node.integer("read_cmd_addr_cycles", 0, kMaxCycles));
  spec.program_cmd_addr_cycles = static_cast<std::uint32_t>(node.integer("program_cmd_addr_cycles", 0, kMaxCycles));
  spec.erase_cmd_addr_cycles = static_cast<std::uint32_t>(node.integer("erase_cmd_addr_cycles", 0, kMaxCycles));
  spec.cache_read_cmd_cycles = static_cast<std::uint32_t>(node.integer("cache_read_cmd_cycles", 0, kMaxCycles));
  node.finish();
  return spec;
}

}  // namespace kvnand
