#include "dram/dram_spec.h"

#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>

#include "common/config_reader.h"
#include "common/sim_time.h"

namespace kvnand {
namespace {
constexpr double kBitsPerGib = 1073741824.0;  // 2^30
constexpr std::uint64_t kMaxChannels = 1024;
/// Keeps capacity_bytes() of the largest platform far inside 64 bits.
constexpr double kMaxCapacityGibPerChannel = 1u << 20;
constexpr std::uint64_t kMaxBurstBytes = 1u << 20;
constexpr std::uint64_t kMaxInterleaveBytes = 1u << 30;

double capacity_bytes_of(double Gib) { return Gib * kBitsPerGib / kBitsPerByte; }

/// A configured number as a person wrote it: 16, 0.3, 1e-09.
std::string shortest(double value) {
  std::ostringstream out;
  out << std::setprecision(std::numeric_limits<double>::digits10) << value;
  return out.str();
}
}  // namespace

std::uint64_t DramSpec::channel_capacity_bytes() const {
  return static_cast<std::uint64_t>(capacity_bytes_of(capacity_Gib_per_channel));
}

DramSpec parse_dram_spec(config::Node node) {
  DramSpec spec;
  node.text_or("description", "");
  spec.channels = static_cast<std::uint32_t>(node.integer("channels", 1, kMaxChannels));
  spec.capacity_Gib_per_channel =
      node.number("capacity_Gib_per_channel", {0, kMaxCapacityGibPerChannel, false, true, "Gib"});
  spec.bandwidth_GBps_per_channel = node.number("bandwidth_GBps_per_channel", config::positive("GB/s"));
  spec.access_latency = from_ns(node.number("access_latency_ns", config::non_negative("ns")));
  spec.burst_bytes = node.integer("burst_bytes", 1, kMaxBurstBytes);
  spec.interleave_bytes = node.integer("interleave_bytes", 1, kMaxInterleaveBytes);
  spec.energy_pJ_per_bit = node.number("energy_pJ_per_bit", config::non_negative("pJ/bit"));
  spec.background_power_mW_per_channel =
      node.number_or("background_power_mW_per_channel", 0, config::non_negative("mW"));

  if (spec.interleave_bytes % spec.burst_bytes != 0)
    node.fail("interleave_bytes", "expected a multiple of burst_bytes (" + std::to_string(spec.burst_bytes) +
                                      "), got " + std::to_string(spec.interleave_bytes));
  // Whole granules per device keep every host address below capacity_bytes() on a real channel
  // address, so the host space has no holes.
  const double bytes = capacity_bytes_of(spec.capacity_Gib_per_channel);
  if (std::fmod(bytes, static_cast<double>(spec.interleave_bytes)) != 0)
    node.fail("capacity_Gib_per_channel",
              "expected a whole number of interleave granules (interleave_bytes = " +
                  std::to_string(spec.interleave_bytes) + "), got " + shortest(spec.capacity_Gib_per_channel) +
                  " Gib");
  node.finish();
  return spec;
}

}  // namespace kvnand
