// What a flash command or NPU op is for, as far as the dataflow knows: the decode token (its
// position in the sequence), layer, head and phase. Traces show it; timing never depends on it.
#pragma once

#include <cstdint>
#include <optional>

#include "common/phase.h"

namespace kvnand {

struct CommandTag {
  /// Sequence position of the token the work is for (the context length before it is appended).
  std::optional<std::uint64_t> token;
  std::optional<std::uint32_t> layer;
  /// KV head (head group) for attention work and the discrete variant's per-group QKV GEMV.
  std::optional<std::uint32_t> head;
  std::optional<Phase> phase;

  /// The same work in another phase (an aggregation inside a GEMV, a read-out inside attention).
  CommandTag in_phase(Phase other) const {
    CommandTag tag = *this;
    tag.phase = other;
    return tag;
  }
};

}  // namespace kvnand
