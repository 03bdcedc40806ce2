// PE kernels: logits and weighted V sums over a KV page, exact in FP32 with fma in element order.
#include "ifc/pe_kernels.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace kvnand {
namespace {

/// A KV page of token vectors written in `type`; every value given must be exact in `type`.
std::vector<std::uint8_t> make_page(ElementType type, std::initializer_list<float> values) {
  std::vector<std::uint8_t> page(values.size() * kElementBytes);
  std::size_t i = 0;
  for (float v : values) {
    store_element(type, v, page.data() + i * kElementBytes);
    EXPECT_EQ(load_element(type, page.data() + i * kElementBytes), v) << "not exact in " << to_string(type);
    ++i;
  }
  return page;
}

constexpr float kUntouched = -777.0f;

/// Three tokens of head_dim 4, exact in both element types.
std::vector<std::uint8_t> three_token_page(ElementType type) {
  return make_page(type, {1, 2, 0.5f, -1,   // token 0
                          0, -3, 4, 0.25f,  // token 1
                          2, 2, 2, 2});     // token 2
}

class PeKernels : public testing::TestWithParam<ElementType> {};

TEST_P(PeKernels, LogitsOfTwoHeadsWithStride) {
  const auto page = three_token_page(GetParam());
  const float q[8] = {1, 1, 1, 1,          // head 0
                      0.5f, -1, 2, 4};     // head 1
  std::vector<float> logits(10, kUntouched);  // stride 5: columns 3 and 4 stay untouched
  pe_logits(page.data(), 3, 4, GetParam(), q, 2, 0.5f, logits.data(), 5);
  // head 0: 2.5, 1.25, 8 scaled by 0.5; head 1: -4.5, 12, 11 scaled by 0.5.
  const std::vector<float> expected = {1.25f, 0.625f, 4.0f,  kUntouched, kUntouched,
                                       -2.25f, 6.0f,  5.5f,  kUntouched, kUntouched};
  EXPECT_EQ(logits, expected);
}

TEST_P(PeKernels, WeightedValuesOfTwoHeadsWithStrideAccumulate) {
  const auto page = three_token_page(GetParam());
  const float p[8] = {0.5f, 0.25f, 0.25f, kUntouched,  // head 0, stride 4
                      1, -0.5f, 2, kUntouched};         // head 1
  std::vector<float> acc = {10, 10, 10, 10, -1, -1, -1, -1};
  pe_weighted_values(page.data(), 3, 4, GetParam(), p, 4, 2, acc.data());
  // head 0: 0.5 k0 + 0.25 k1 + 0.25 k2 = 1, 0.75, 1.75, 0.0625 (on top of 10);
  // head 1: k0 - 0.5 k1 + 2 k2 = 5, 7.5, 2.5, 2.875 (on top of -1).
  const std::vector<float> expected = {11, 10.75f, 11.75f, 10.0625f, 4, 6.5f, 1.5f, 1.875f};
  EXPECT_EQ(acc, expected);
}

TEST_P(PeKernels, WeightedValuesAccumulateAcrossPages) {
  const auto first = three_token_page(GetParam());
  const auto second = make_page(GetParam(), {-4, 8, 0.5f, 1});
  const float p_first[3] = {1, 1, 1};
  const float p_second[1] = {0.25f};
  std::vector<float> acc(4, 0.0f);
  pe_weighted_values(first.data(), 3, 4, GetParam(), p_first, 3, 1, acc.data());
  pe_weighted_values(second.data(), 1, 4, GetParam(), p_second, 1, 1, acc.data());
  // k0 + k1 + k2 = 3, 1, 6.5, 1.25; plus 0.25 * (-4, 8, 0.5, 1).
  const std::vector<float> expected = {2, 3, 6.625f, 1.5f};
  EXPECT_EQ(acc, expected);
}

std::string type_name(const testing::TestParamInfo<ElementType>& param) { return to_string(param.param); }

INSTANTIATE_TEST_SUITE_P(BothTypes, PeKernels, testing::Values(ElementType::Bf16, ElementType::Fp16), type_name);

// q1 * k1 = (1 + 2^-20)(1 + 2^-10) = 1 + 2^-10 + 2^-20 + 2^-30, which FP32 rounds to drop 2^-30.
// The running sum before it is -(1 + 2^-10 + 2^-20), so an fma leaves 2^-30 and a rounded
// product followed by an add leaves 0.
TEST(PeKernelsFma, LogitsUseFusedMultiplyAdd) {
  const auto page = make_page(ElementType::Fp16, {-1, 1 + 0x1p-10f});
  const float q[2] = {1 + 0x1p-10f + 0x1p-20f, 1 + 0x1p-20f};
  float logit = kUntouched;
  pe_logits(page.data(), 1, 2, ElementType::Fp16, q, 1, 1.0f, &logit, 1);
  EXPECT_EQ(logit, 0x1p-30f);
}

TEST(PeKernelsFma, WeightedValuesUseFusedMultiplyAdd) {
  const auto page = make_page(ElementType::Fp16, {1 + 0x1p-10f});
  const float p[1] = {1 + 0x1p-20f};
  float acc = -(1 + 0x1p-10f + 0x1p-20f);
  pe_weighted_values(page.data(), 1, 1, ElementType::Fp16, p, 1, 1, &acc);
  EXPECT_EQ(acc, 0x1p-30f);
}

// 1 + 2^-24 is a tie that rounds to 1, so adding 2^-24 twice to 1 leaves 1; added in the reverse
// order the two small terms would first make 2^-23 and the result would be 1 + 2^-23.
TEST(PeKernelsOrder, LogitsAccumulateInDimensionOrder) {
  const auto page = make_page(ElementType::Fp16, {1, 0x1p-24f, 0x1p-24f});
  const float q[3] = {1, 1, 1};
  float logit = kUntouched;
  pe_logits(page.data(), 1, 3, ElementType::Fp16, q, 1, 1.0f, &logit, 1);
  EXPECT_EQ(logit, 1.0f);
}

TEST(PeKernelsOrder, WeightedValuesAccumulateInTokenOrder) {
  const auto page = make_page(ElementType::Fp16, {1, 0x1p-24f, 0x1p-24f});  // three tokens of one element
  const float p[3] = {1, 1, 1};
  float acc = 0;
  pe_weighted_values(page.data(), 3, 1, ElementType::Fp16, p, 3, 1, &acc);
  EXPECT_EQ(acc, 1.0f);
}

TEST(PeKernelsScale, LogitIsTheSumTimesScaleRoundedOnce) {
  // Sum 1 + 2^-23; times 3 that is 3 + 1.5 * 2^-22, a tie in [2, 4) that rounds to even: 3 + 2^-21.
  const auto page = make_page(ElementType::Fp16, {1, 0x1p-23f});
  const float q[2] = {1, 1};
  float logit = kUntouched;
  pe_logits(page.data(), 1, 2, ElementType::Fp16, q, 1, 3.0f, &logit, 1);
  EXPECT_EQ(logit, 3 + 0x1p-21f);
}

TEST(PeKernelsEmpty, NoTokensOrHeadsTouchNothing) {
  const auto page = three_token_page(ElementType::Bf16);
  const float q[4] = {1, 1, 1, 1};
  float logit = kUntouched;
  pe_logits(page.data(), 0, 4, ElementType::Bf16, q, 1, 1.0f, &logit, 1);
  pe_logits(page.data(), 3, 4, ElementType::Bf16, q, 0, 1.0f, &logit, 1);
  EXPECT_EQ(logit, kUntouched);
  float acc[4] = {5, 5, 5, 5};
  pe_weighted_values(page.data(), 0, 4, ElementType::Bf16, q, 1, 1, acc);
  EXPECT_EQ(acc[0], 5.0f);
  EXPECT_EQ(acc[3], 5.0f);
}

}  // namespace
}  // namespace kvnand
