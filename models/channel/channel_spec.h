// Timing and shape of the flash channels (ONFI 6.0 at 4.8 GB/s by default).
#pragma once

#include <cstdint>

#include <systemc>

namespace kvnand::config {
class Node;
}

namespace kvnand {

struct ChannelSpec {
  std::uint32_t count = 0;
  std::uint32_t dies_per_channel = 0;
  double rate_GBps = 0;
  /// One command or address cycle on the bus.
  sc_core::sc_time cmd_addr_cycle;
  /// Cycles per addressed plane: command, 5 address cycles, confirm.
  std::uint32_t read_cmd_addr_cycles = 0;
  std::uint32_t program_cmd_addr_cycles = 0;
  /// Cycles per addressed plane: command, 3 row-address cycles, confirm.
  std::uint32_t erase_cmd_addr_cycles = 0;
  /// A cache-read command (31h / 3Fh) is a single command cycle.
  std::uint32_t cache_read_cmd_cycles = 0;

  std::uint32_t total_dies() const { return count * dies_per_channel; }
};

ChannelSpec parse_channel_spec(config::Node node);

}  // namespace kvnand
