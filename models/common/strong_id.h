// Typed indices: a die index can never be passed where a plane index is expected.
#pragma once

#include <cstdint>
#include <functional>

namespace kvnand {

template <typename Tag>
class StrongId {
 public:
  constexpr StrongId() = default;
  constexpr explicit StrongId(std::uint32_t value) : value_(value) {}
  constexpr std::uint32_t value() const { return value_; }
  constexpr bool operator==(StrongId other) const { return value_ == other.value_; }
  constexpr bool operator!=(StrongId other) const { return value_ != other.value_; }
  constexpr bool operator<(StrongId other) const { return value_ < other.value_; }

 private:
  std::uint32_t value_ = 0;
};

using ChannelId = StrongId<struct ChannelTag>;
/// A die's position on its channel (0 .. dies_per_channel-1).
using DieId = StrongId<struct DieTag>;
using PlaneId = StrongId<struct PlaneTag>;
/// A block's index within its plane.
using BlockId = StrongId<struct BlockTag>;
/// A page's index within its block.
using PageId = StrongId<struct PageTag>;

}  // namespace kvnand
