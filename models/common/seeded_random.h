// A portable seeded generator (splitmix64, Steele, Lea and Flood 2014): the same seed gives the
// same choices with every compiler and standard library, unlike std::uniform_*_distribution.
#pragma once

#include <cstdint>

namespace kvnand {

inline std::uint64_t next_random(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Uniform in [0, n), n > 0, without modulo bias: draws below 2^64 mod n are rejected.
inline std::uint64_t uniform_below(std::uint64_t& state, std::uint64_t n) {
  const std::uint64_t threshold = (0 - n) % n;
  for (;;) {
    const std::uint64_t r = next_random(state);
    if (r >= threshold) return r % n;
  }
}

}  // namespace kvnand
