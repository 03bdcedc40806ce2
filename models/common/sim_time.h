// Conversions between configured quantities and SystemC time. Every duration is rounded to
// whole picoseconds once, here, so that sums of durations are exact and tests can rebuild them.
#pragma once

#include <cmath>
#include <cstdint>

#include <systemc>

namespace kvnand {

inline constexpr double kPicosecondsPerNanosecond = 1e3;
inline constexpr double kPicosecondsPerSecond = 1e12;
inline constexpr double kBitsPerByte = 8.0;

inline sc_core::sc_time picoseconds(std::uint64_t ps) {
  return sc_core::sc_time::from_value(ps);
}

/// A configured duration in ns, rounded to the nearest picosecond.
inline sc_core::sc_time from_ns(double ns) {
  return picoseconds(static_cast<std::uint64_t>(std::llround(ns * kPicosecondsPerNanosecond)));
}

/// Time to move `bytes` at `GBps` (10^9 bytes per second), rounded to the nearest picosecond.
inline sc_core::sc_time transfer_time(std::uint64_t bytes, double GBps) {
  const double ps = static_cast<double>(bytes) / (GBps * 1e9) * kPicosecondsPerSecond;
  return picoseconds(static_cast<std::uint64_t>(std::llround(ps)));
}

inline double to_seconds(const sc_core::sc_time& t) { return t.to_seconds(); }

}  // namespace kvnand
