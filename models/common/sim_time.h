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

/// part / whole as a fraction, 0 for an empty whole (utilisation of a run that took no time).
inline double time_fraction(const sc_core::sc_time& part, const sc_core::sc_time& whole) {
  return whole > sc_core::SC_ZERO_TIME ? part.to_seconds() / whole.to_seconds() : 0.0;
}

/// Suspends the calling thread until absolute simulated time `t` (at once if it has passed).
inline void wait_until(const sc_core::sc_time& t) {
  if (t > sc_core::sc_time_stamp()) sc_core::wait(t - sc_core::sc_time_stamp());
}

}  // namespace kvnand
