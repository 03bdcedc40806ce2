// Softmax, element rounding, partial-sum merging and the logit scale, sequential FP32.
#include "npu/attention_math.h"

#include <cmath>

namespace kvnand {

void softmax_rows(float* scores, std::uint32_t rows, std::uint32_t columns) {
  if (columns == 0) return;
  for (std::uint32_t r = 0; r < rows; ++r) {
    float* row = scores + std::size_t{r} * columns;
    float max = row[0];
    for (std::uint32_t c = 1; c < columns; ++c) max = std::fmax(max, row[c]);
    float sum = 0.0f;
    for (std::uint32_t c = 0; c < columns; ++c) {
      row[c] = std::exp(row[c] - max);
      sum += row[c];
    }
    for (std::uint32_t c = 0; c < columns; ++c) row[c] /= sum;
  }
}

void round_to_element(float* values, std::size_t count, ElementType type) {
  for (std::size_t i = 0; i < count; ++i) values[i] = element_to_float(type, float_to_element(type, values[i]));
}

void add_into(float* acc, const float* partial, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) acc[i] += partial[i];
}

float attention_scale(std::uint32_t head_dim) {
  return 1.0f / std::sqrt(static_cast<float>(head_dim));
}

}  // namespace kvnand
