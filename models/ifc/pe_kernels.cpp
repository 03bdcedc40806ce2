// Per-plane PE kernels: one fma per multiply-accumulate, in a fixed order.
#include "ifc/pe_kernels.h"

#include <cmath>

namespace kvnand {
namespace {

const std::uint8_t* token_vector(const std::uint8_t* page, std::uint32_t token, std::uint32_t head_dim) {
  return page + std::size_t{token} * head_dim * kElementBytes;
}

}  // namespace

void pe_logits(const std::uint8_t* page, std::uint32_t tokens, std::uint32_t head_dim, ElementType type,
               const float* q, std::uint32_t heads, float scale, float* logits, std::size_t logits_stride) {
  for (std::uint32_t h = 0; h < heads; ++h) {
    const float* q_h = q + std::size_t{h} * head_dim;
    float* logits_h = logits + h * logits_stride;
    for (std::uint32_t t = 0; t < tokens; ++t) {
      const std::uint8_t* k_t = token_vector(page, t, head_dim);
      float acc = 0.0f;
      for (std::uint32_t d = 0; d < head_dim; ++d)
        acc = std::fma(q_h[d], load_element(type, k_t + std::size_t{d} * kElementBytes), acc);
      logits_h[t] = acc * scale;
    }
  }
}

void pe_weighted_values(const std::uint8_t* page, std::uint32_t tokens, std::uint32_t head_dim, ElementType type,
                        const float* probabilities, std::size_t probabilities_stride, std::uint32_t heads,
                        float* acc) {
  for (std::uint32_t h = 0; h < heads; ++h) {
    const float* p_h = probabilities + h * probabilities_stride;
    float* acc_h = acc + std::size_t{h} * head_dim;
    for (std::uint32_t t = 0; t < tokens; ++t) {
      const std::uint8_t* v_t = token_vector(page, t, head_dim);
      for (std::uint32_t d = 0; d < head_dim; ++d)
        acc_h[d] = std::fma(p_h[t], load_element(type, v_t + std::size_t{d} * kElementBytes), acc_h[d]);
    }
  }
}

}  // namespace kvnand
