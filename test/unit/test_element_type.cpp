// ElementType: parsing, BF16 / FP16 <-> FP32 conversions (rounding, specials), byte order.
#include "common/element_type.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace kvnand {
namespace {

std::uint32_t bits_of(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

float float_of(std::uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

bool is_quiet_nan(ElementType type, std::uint16_t bits) {
  if (type == ElementType::Bf16) return (bits & 0x7F80u) == 0x7F80u && (bits & 0x0040u) != 0;
  return (bits & 0x7C00u) == 0x7C00u && (bits & 0x0200u) != 0;
}

bool is_nan_pattern(ElementType type, std::uint16_t bits) {
  if (type == ElementType::Bf16) return (bits & 0x7F80u) == 0x7F80u && (bits & 0x007Fu) != 0;
  return (bits & 0x7C00u) == 0x7C00u && (bits & 0x03FFu) != 0;
}

TEST(ElementType, ParsesAndNames) {
  EXPECT_EQ(parse_element_type("bf16"), ElementType::Bf16);
  EXPECT_EQ(parse_element_type("fp16"), ElementType::Fp16);
  EXPECT_STREQ(to_string(ElementType::Bf16), "bf16");
  EXPECT_STREQ(to_string(ElementType::Fp16), "fp16");
  EXPECT_EQ(kElementBytes, 2u);
}

TEST(ElementType, UnknownNameListsAcceptedValues) {
  try {
    parse_element_type("fp32");
    FAIL() << "fp32 was accepted";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("fp32"), std::string::npos) << message;
    EXPECT_NE(message.find("bf16"), std::string::npos) << message;
    EXPECT_NE(message.find("fp16"), std::string::npos) << message;
  }
  EXPECT_THROW(parse_element_type("BF16"), std::invalid_argument);
  EXPECT_THROW(parse_element_type(""), std::invalid_argument);
}

TEST(ElementType, Bf16KnownPatterns) {
  EXPECT_EQ(element_to_float(ElementType::Bf16, 0x3F80), 1.0f);
  EXPECT_EQ(element_to_float(ElementType::Bf16, 0xC020), -2.5f);
  EXPECT_EQ(element_to_float(ElementType::Bf16, 0x7F80), std::numeric_limits<float>::infinity());
  EXPECT_EQ(element_to_float(ElementType::Bf16, 0x0001), float_of(0x00010000u));  // a binary32 subnormal
  EXPECT_EQ(float_to_element(ElementType::Bf16, 1.0f), 0x3F80);
  EXPECT_EQ(float_to_element(ElementType::Bf16, -2.5f), 0xC020);
  EXPECT_EQ(float_to_element(ElementType::Bf16, 0.0f), 0x0000);
  EXPECT_EQ(float_to_element(ElementType::Bf16, -0.0f), 0x8000);
  EXPECT_EQ(float_to_element(ElementType::Bf16, -std::numeric_limits<float>::infinity()), 0xFF80);
}

TEST(ElementType, Bf16RoundsToNearestTiesToEven) {
  // The BF16 ulp at 1 is 2^-7.
  EXPECT_EQ(float_to_element(ElementType::Bf16, 1.0f + 0x1p-8f), 0x3F80);            // tie, 0x3F80 even
  EXPECT_EQ(float_to_element(ElementType::Bf16, 1.0f + 3 * 0x1p-9f), 0x3F81);        // above the tie
  EXPECT_EQ(float_to_element(ElementType::Bf16, 1.0f + 3 * 0x1p-8f), 0x3F82);        // tie, 0x3F82 even
  EXPECT_EQ(float_to_element(ElementType::Bf16, 1.0f + 0x1p-8f - 0x1p-23f), 0x3F80);  // below the tie
  EXPECT_EQ(float_to_element(ElementType::Bf16, -(1.0f + 3 * 0x1p-9f)), 0xBF81);
}

TEST(ElementType, Bf16RoundingCarriesIntoExponent) {
  EXPECT_EQ(float_to_element(ElementType::Bf16, float_of(0x3FFFFFFFu)), 0x4000);  // just below 2 -> 2
  EXPECT_EQ(float_to_element(ElementType::Bf16, float_of(0x3FFF8000u)), 0x4000);  // tie, 0x3FFF odd
  EXPECT_EQ(float_to_element(ElementType::Bf16, float_of(0x7F7F7FFFu)), 0x7F7F);  // below the tie: max finite
  EXPECT_EQ(float_to_element(ElementType::Bf16, float_of(0x7F7F8000u)), 0x7F80);  // tie, odd: up into infinity
  EXPECT_EQ(float_to_element(ElementType::Bf16, std::numeric_limits<float>::max()), 0x7F80);
  EXPECT_EQ(float_to_element(ElementType::Bf16, float_of(0x007FFFFFu)), 0x0080);  // largest subnormal -> min normal
}

TEST(ElementType, Fp16KnownPatterns) {
  EXPECT_EQ(element_to_float(ElementType::Fp16, 0x3C00), 1.0f);
  EXPECT_EQ(element_to_float(ElementType::Fp16, 0xC100), -2.5f);
  EXPECT_EQ(element_to_float(ElementType::Fp16, 0x0001), 0x1p-24f);
  EXPECT_EQ(element_to_float(ElementType::Fp16, 0x8001), -0x1p-24f);
  EXPECT_EQ(element_to_float(ElementType::Fp16, 0x03FF), 1023 * 0x1p-24f);
  EXPECT_EQ(element_to_float(ElementType::Fp16, 0x0400), 0x1p-14f);
  EXPECT_EQ(element_to_float(ElementType::Fp16, 0x7BFF), 65504.0f);
  EXPECT_EQ(element_to_float(ElementType::Fp16, 0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(element_to_float(ElementType::Fp16, 0xFC00), -std::numeric_limits<float>::infinity());
  EXPECT_EQ(bits_of(element_to_float(ElementType::Fp16, 0x8000)), 0x80000000u);
  EXPECT_EQ(float_to_element(ElementType::Fp16, 1.0f), 0x3C00);
  EXPECT_EQ(float_to_element(ElementType::Fp16, -2.5f), 0xC100);
  EXPECT_EQ(float_to_element(ElementType::Fp16, 0x1p-24f), 0x0001);
  EXPECT_EQ(float_to_element(ElementType::Fp16, 0x1p-14f), 0x0400);
  EXPECT_EQ(float_to_element(ElementType::Fp16, 65504.0f), 0x7BFF);
  EXPECT_EQ(float_to_element(ElementType::Fp16, -0.0f), 0x8000);
}

TEST(ElementType, Fp16OverflowGoesToInfinity) {
  EXPECT_EQ(float_to_element(ElementType::Fp16, 65520.0f), 0x7C00);  // tie between 65504 and 2^16: even = inf
  EXPECT_EQ(float_to_element(ElementType::Fp16, std::nextafter(65520.0f, 0.0f)), 0x7BFF);
  EXPECT_EQ(float_to_element(ElementType::Fp16, -65520.0f), 0xFC00);
  EXPECT_EQ(float_to_element(ElementType::Fp16, 1e10f), 0x7C00);
  EXPECT_EQ(float_to_element(ElementType::Fp16, std::numeric_limits<float>::max()), 0x7C00);
  EXPECT_EQ(float_to_element(ElementType::Fp16, std::numeric_limits<float>::infinity()), 0x7C00);
  EXPECT_EQ(float_to_element(ElementType::Fp16, -std::numeric_limits<float>::infinity()), 0xFC00);
}

TEST(ElementType, Fp16RoundsToNearestTiesToEven) {
  // The FP16 ulp at 1 is 2^-10.
  EXPECT_EQ(float_to_element(ElementType::Fp16, 1.0f + 0x1p-11f), 0x3C00);            // tie, even
  EXPECT_EQ(float_to_element(ElementType::Fp16, 1.0f + 0x1p-11f + 0x1p-20f), 0x3C01);  // above the tie
  EXPECT_EQ(float_to_element(ElementType::Fp16, 1.0f + 3 * 0x1p-11f), 0x3C02);        // tie, even
  EXPECT_EQ(float_to_element(ElementType::Fp16, float_of(0x3FFFFFFFu)), 0x4000);      // carry into the exponent
  EXPECT_EQ(float_to_element(ElementType::Fp16, float_of(0x387FFFFFu)), 0x0400);      // top subnormal -> min normal
}

TEST(ElementType, Fp16SubnormalRounding) {
  EXPECT_EQ(float_to_element(ElementType::Fp16, 0x1p-25f), 0x0000);             // tie between 0 and 2^-24
  EXPECT_EQ(float_to_element(ElementType::Fp16, -0x1p-25f), 0x8000);
  EXPECT_EQ(float_to_element(ElementType::Fp16, 0x1p-25f + 0x1p-40f), 0x0001);  // just above the tie
  EXPECT_EQ(float_to_element(ElementType::Fp16, 3 * 0x1p-25f), 0x0002);         // tie between 1 and 2 units
  EXPECT_EQ(float_to_element(ElementType::Fp16, 5 * 0x1p-25f), 0x0002);         // tie between 2 and 3 units
  EXPECT_EQ(float_to_element(ElementType::Fp16, 0x1p-26f), 0x0000);
  EXPECT_EQ(float_to_element(ElementType::Fp16, std::numeric_limits<float>::denorm_min()), 0x0000);
  EXPECT_EQ(float_to_element(ElementType::Fp16, 1023 * 0x1p-24f), 0x03FF);
}

TEST(ElementType, NanStaysQuietNan) {
  const float quiet = std::numeric_limits<float>::quiet_NaN();
  const float signalling = float_of(0x7F800001u);  // truncation alone would make this infinity
  const float negative = float_of(0xFFC12345u);
  for (ElementType type : {ElementType::Bf16, ElementType::Fp16}) {
    for (float nan : {quiet, signalling, negative}) {
      const std::uint16_t bits = float_to_element(type, nan);
      EXPECT_TRUE(is_quiet_nan(type, bits)) << to_string(type) << " 0x" << std::hex << bits;
      EXPECT_TRUE(std::isnan(element_to_float(type, bits)));
    }
    EXPECT_EQ(float_to_element(type, negative) & 0x8000, 0x8000);
  }
  EXPECT_TRUE(std::isnan(element_to_float(ElementType::Fp16, 0x7C01)));
  EXPECT_TRUE(std::isnan(element_to_float(ElementType::Fp16, 0xFE00)));
  EXPECT_TRUE(std::isnan(element_to_float(ElementType::Bf16, 0x7F81)));
  EXPECT_TRUE(std::isnan(element_to_float(ElementType::Bf16, 0xFFC0)));
}

TEST(ElementType, EveryNonNanPatternRoundTrips) {
  for (ElementType type : {ElementType::Bf16, ElementType::Fp16}) {
    int checked = 0;
    for (std::uint32_t b = 0; b <= 0xFFFF; ++b) {
      const auto bits = static_cast<std::uint16_t>(b);
      if (is_nan_pattern(type, bits)) {
        EXPECT_TRUE(std::isnan(element_to_float(type, bits))) << std::hex << b;
        continue;
      }
      ASSERT_EQ(float_to_element(type, element_to_float(type, bits)), bits) << to_string(type) << " 0x" << std::hex << b;
      ++checked;
    }
    // 65536 patterns less the NaNs: 2 signs x (2^7 - 1) for BF16, 2 x (2^10 - 1) for FP16.
    EXPECT_EQ(checked, type == ElementType::Bf16 ? 65536 - 254 : 65536 - 2046) << to_string(type);
  }
}

TEST(ElementType, LoadAndStoreAreLittleEndianAtAnyAddress) {
  std::uint8_t buffer[5] = {0xEE, 0x80, 0x3F, 0x00, 0xC1};
  EXPECT_EQ(load_element(ElementType::Bf16, buffer + 1), 1.0f);  // odd address, 0x3F80
  EXPECT_EQ(load_element(ElementType::Fp16, buffer + 3), -2.5f);  // 0xC100

  std::uint8_t out[5] = {0xEE, 0xEE, 0xEE, 0xEE, 0xEE};
  store_element(ElementType::Fp16, -2.5f, out + 1);
  store_element(ElementType::Bf16, 1.0f + 3 * 0x1p-9f, out + 3);  // rounds to 0x3F81
  EXPECT_EQ(out[0], 0xEE);
  EXPECT_EQ(out[1], 0x00);
  EXPECT_EQ(out[2], 0xC1);
  EXPECT_EQ(out[3], 0x81);
  EXPECT_EQ(out[4], 0x3F);
  EXPECT_EQ(load_element(ElementType::Bf16, out + 3), 1.0f + 0x1p-7f);
}

}  // namespace
}  // namespace kvnand
