// The functional arithmetic of a plane's PEs on a KV page: attention logits against stored K
// vectors and probability-weighted sums of stored V vectors. Plain C++, no timing.
//
// A KV page holds `tokens` consecutive token vectors of one stream: token t's `head_dim` elements
// start at byte t * head_dim * kElementBytes, little-endian. The PEs are FP32 fused
// multiply-accumulate units, so every step is one std::fma in float, in element order; results
// are therefore bit-exact and independent of the compiler's contraction settings.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/element_type.h"

namespace kvnand {

/// For each head h < heads and token t < tokens:
///   logits[h * logits_stride + t] = scale * sum_d q[h * head_dim + d] * k_t[d],
/// the sum accumulated from 0 with fma over d = 0 .. head_dim-1. Other logits are left alone.
void pe_logits(const std::uint8_t* page, std::uint32_t tokens, std::uint32_t head_dim, ElementType type,
               const float* q, std::uint32_t heads, float scale, float* logits, std::size_t logits_stride);

/// For each head h < heads, token t = 0 .. tokens-1 in order and d < head_dim:
///   acc[h * head_dim + d] = fma(probabilities[h * probabilities_stride + t], v_t[d], acc[...]).
/// `acc` is accumulated into, not cleared, so a plane calls this page after page.
void pe_weighted_values(const std::uint8_t* page, std::uint32_t tokens, std::uint32_t head_dim, ElementType type,
                        const float* probabilities, std::size_t probabilities_stride, std::uint32_t heads,
                        float* acc);

}  // namespace kvnand
