// The phases of a decode step: what the latency breakdown shares time among and what the
// dataflow tags its commands with.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kvnand {

enum class Phase : std::uint8_t {
  Qkv, Logit, Softmax, Attend, OProj, Ffn, LmHead, KvWrite, NpuOther, Transfer, Idle, kCount
};
inline constexpr std::size_t kPhaseCount = static_cast<std::size_t>(Phase::kCount);
/// Report key of a phase: "qkv", "logit", ..., "idle".
const char* to_string(Phase phase);

}  // namespace kvnand
