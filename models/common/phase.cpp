#include "common/phase.h"

#include <array>

namespace kvnand {

const char* to_string(Phase phase) {
  static constexpr std::array<const char*, kPhaseCount> kNames = {
      "qkv", "logit", "softmax", "attend", "o_proj", "ffn", "lm_head", "kv_write", "npu_other", "transfer", "idle"};
  return kNames[static_cast<std::size_t>(phase)];
}

}  // namespace kvnand
