// Physical flash addresses and plane sets shared by every flash-side module.
#pragma once

#include <cstdint>

#include "common/strong_id.h"

namespace kvnand {

/// A set of planes of one die; bit i stands for plane i. Config limits planes_per_die to 64.
class PlaneMask {
 public:
  static constexpr std::uint32_t kMaxPlanes = 64;

  constexpr PlaneMask() = default;
  constexpr explicit PlaneMask(std::uint64_t bits) : bits_(bits) {}
  static constexpr PlaneMask single(PlaneId plane) { return PlaneMask(std::uint64_t{1} << plane.value()); }

  constexpr std::uint64_t bits() const { return bits_; }
  constexpr bool contains(PlaneId plane) const { return (bits_ >> plane.value()) & 1u; }
  constexpr bool empty() const { return bits_ == 0; }
  int count() const { return __builtin_popcountll(bits_); }
  void add(PlaneId plane) { bits_ |= std::uint64_t{1} << plane.value(); }

  /// Calls f(PlaneId) for each plane in ascending order.
  template <typename F>
  void for_each(F&& f) const {
    for (std::uint64_t rest = bits_; rest != 0; rest &= rest - 1)
      f(PlaneId(static_cast<std::uint32_t>(__builtin_ctzll(rest))));
  }

 private:
  std::uint64_t bits_ = 0;
};

/// One page's physical location in the whole flash subsystem.
struct PageAddress {
  ChannelId channel;
  DieId die;
  PlaneId plane;
  BlockId block;
  PageId page;
};

}  // namespace kvnand
