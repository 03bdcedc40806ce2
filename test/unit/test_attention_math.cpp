// NPU attention math: softmax rows, element rounding, partial-sum merging, the logit scale.
#include "npu/attention_math.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace kvnand {
namespace {

/// Distance in units in the last place between two finite floats of the same sign.
std::int64_t ulps_apart(float a, float b) {
  std::int32_t ia;
  std::int32_t ib;
  std::memcpy(&ia, &a, sizeof ia);
  std::memcpy(&ib, &b, sizeof ib);
  return std::llabs(static_cast<std::int64_t>(ia) - ib);
}

TEST(SoftmaxRows, EqualScoresGiveExactlyOneOverN) {
  std::vector<float> scores(4 + 4, 3.7f);
  scores[4] = scores[5] = scores[6] = scores[7] = -12.25f;
  softmax_rows(scores.data(), 2, 4);
  for (float s : scores) EXPECT_EQ(s, 0.25f);

  std::vector<float> eight(8, 1e30f);
  softmax_rows(eight.data(), 1, 8);
  for (float s : eight) EXPECT_EQ(s, 0.125f);
}

TEST(SoftmaxRows, HalvingScoresGiveHalvedProbabilities) {
  // exp(-ln 2) = 1/2: probabilities 1/2, 1/4, 1/4 (within 1 ulp of the library's expf).
  const float ln2 = std::log(2.0f);
  float row[3] = {ln2, 0, 0};
  softmax_rows(row, 1, 3);
  EXPECT_LE(ulps_apart(row[0], 0.5f), 1);
  EXPECT_LE(ulps_apart(row[1], 0.25f), 1);
  EXPECT_LE(ulps_apart(row[2], 0.25f), 1);
  EXPECT_EQ(row[1], row[2]);
}

TEST(SoftmaxRows, SubtractsTheMaximumSoLargeScoresDoNotOverflow) {
  // 1/(1 + e) and e/(1 + e), whatever the offset; exp(1000) alone would be infinite in float.
  const float low = 0.268941421369995120f;
  const float high = 0.731058578630004880f;
  for (float offset : {0.0f, 1000.0f, -1000.0f}) {
    float row[2] = {offset, offset + 1};
    softmax_rows(row, 1, 2);
    EXPECT_LE(ulps_apart(row[0], low), 2) << offset << ": " << row[0];
    EXPECT_LE(ulps_apart(row[1], high), 2) << offset << ": " << row[1];
  }
}

TEST(SoftmaxRows, RowsAreIndependent) {
  float rows[2][2] = {{5, 5}, {0, 700}};
  softmax_rows(&rows[0][0], 2, 2);
  EXPECT_EQ(rows[0][0], 0.5f);
  EXPECT_EQ(rows[0][1], 0.5f);
  EXPECT_EQ(rows[1][0], 0.0f);  // exp(-700) underflows to 0 in float
  EXPECT_EQ(rows[1][1], 1.0f);
}

TEST(SoftmaxRows, EmptyRowsAreLeftAlone) {
  float sentinel = 42.0f;
  softmax_rows(&sentinel, 3, 0);
  softmax_rows(&sentinel, 0, 1);
  EXPECT_EQ(sentinel, 42.0f);
  softmax_rows(nullptr, 5, 0);
}

TEST(SoftmaxRows, SingleColumnIsOne) {
  float row[1] = {-3.5f};
  softmax_rows(row, 1, 1);
  EXPECT_EQ(row[0], 1.0f);
}

TEST(RoundToElement, RoundsEachValueToTheType) {
  float bf16[4] = {1.0f + 0x1p-8f, 1.0f + 3 * 0x1p-9f, -2.5f, 1.0f + 0x1p-10f};
  round_to_element(bf16, 3, ElementType::Bf16);
  EXPECT_EQ(bf16[0], 1.0f);             // tie to even
  EXPECT_EQ(bf16[1], 1.0f + 0x1p-7f);   // rounds up
  EXPECT_EQ(bf16[2], -2.5f);            // exact
  EXPECT_EQ(bf16[3], 1.0f + 0x1p-10f);  // beyond count: untouched

  float fp16[4] = {1.0f + 0x1p-10f, 65520.0f, 0x1p-25f, 1.0f + 3 * 0x1p-11f};
  round_to_element(fp16, 4, ElementType::Fp16);
  EXPECT_EQ(fp16[0], 1.0f + 0x1p-10f);  // exact in fp16
  EXPECT_EQ(fp16[1], std::numeric_limits<float>::infinity());
  EXPECT_EQ(fp16[2], 0.0f);
  EXPECT_EQ(fp16[3], 1.0f + 0x1p-9f);
}

TEST(AddInto, AddsElementwiseInFloat) {
  float acc[4] = {1, -2.5f, 1, 9};
  const float partial[4] = {0.5f, 2.5f, 0x1p-24f, 100};
  add_into(acc, partial, 3);
  EXPECT_EQ(acc[0], 1.5f);
  EXPECT_EQ(acc[1], 0.0f);
  EXPECT_EQ(acc[2], 1.0f);  // 1 + 2^-24 is a tie in float and rounds to even
  EXPECT_EQ(acc[3], 9.0f);  // beyond count
}

TEST(AttentionScale, IsOneOverSquareRootOfHeadDim) {
  EXPECT_EQ(attention_scale(64), 0.125f);
  EXPECT_EQ(attention_scale(4), 0.5f);
  EXPECT_EQ(attention_scale(1), 1.0f);
  EXPECT_EQ(attention_scale(256), 0.0625f);
  // 1/sqrt(128) = 0.08838834764831845: sqrt and the division each round once.
  EXPECT_LE(ulps_apart(attention_scale(128), 0.0883883476483184405f), 1);
}

}  // namespace
}  // namespace kvnand
