// The NPU's share of functional attention, in FP32: softmax over logits, rounding of vectors sent
// in 16-bit activation precision, merging of partial weighted sums, and the logit scale.
// Every reduction runs sequentially in a fixed order, so results are deterministic.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/element_type.h"

namespace kvnand {

/// Softmax of each of `rows` consecutive rows of `columns` scores, in place: m = max of the row,
/// e_t = exp(s_t - m), sum of e_t in column order, s_t = e_t / sum. Subtracting the maximum keeps
/// large scores from overflowing. Nothing happens when columns == 0.
void softmax_rows(float* scores, std::uint32_t rows, std::uint32_t columns);

/// Replaces each value by its nearest `type` element (ties to even), as FP32.
void round_to_element(float* values, std::size_t count, ElementType type);

/// acc[i] += partial[i] in float, for i < count.
void add_into(float* acc, const float* partial, std::size_t count);

/// 1 / sqrt(head_dim) in float, the logit scale of scaled dot-product attention.
float attention_scale(std::uint32_t head_dim);

}  // namespace kvnand
