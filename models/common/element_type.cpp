// Bit-level BF16 / FP16 <-> FP32 conversions, independent of the host's FP16 support.
#include "common/element_type.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace kvnand {
namespace {

// Field layouts of IEEE binary32 and binary16.
constexpr std::uint32_t kF32SignBit = 0x80000000u;
constexpr std::uint32_t kF32ExponentMask = 0x7F800000u;
constexpr std::uint32_t kF32MantissaMask = 0x007FFFFFu;
constexpr int kF32MantissaBits = 23;
constexpr int kF32ExponentBias = 127;
constexpr std::uint32_t kF32ImplicitOne = 1u << kF32MantissaBits;

constexpr std::uint16_t kF16SignBit = 0x8000u;
constexpr std::uint16_t kF16ExponentMask = 0x7C00u;
constexpr std::uint16_t kF16MantissaMask = 0x03FFu;
constexpr std::uint16_t kF16QuietBit = 0x0200u;
constexpr int kF16MantissaBits = 10;
constexpr int kF16ExponentBias = 15;
constexpr int kF16MaxBiasedExponent = 31;
/// FP16 subnormals are multiples of 2^-24.
constexpr int kF16SubnormalScale = -24;

/// BF16 is the upper half of a binary32; the sign bit of FP16 sits the same 16 bits lower.
constexpr int kUpperHalfShift = 16;
constexpr std::uint16_t kBf16QuietBit = 0x0040u;

constexpr int kF32ToF16Shift = kF32MantissaBits - kF16MantissaBits;
constexpr int kExponentRebias = kF32ExponentBias - kF16ExponentBias;
constexpr int kBitsPerOctet = 8;
constexpr std::uint32_t kOctetMask = 0xFFu;

std::uint32_t float_bits(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

float bits_float(std::uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

/// value >> shift (1 <= shift < 32), rounded to nearest, ties to even.
std::uint32_t shift_round_even(std::uint32_t value, int shift) {
  const std::uint32_t kept = value >> shift;
  const std::uint32_t dropped = value & ((1u << shift) - 1);
  const std::uint32_t half = 1u << (shift - 1);
  return (dropped > half || (dropped == half && (kept & 1u))) ? kept + 1 : kept;
}

bool is_nan_bits(std::uint32_t bits) {
  return (bits & kF32ExponentMask) == kF32ExponentMask && (bits & kF32MantissaMask) != 0;
}

float fp16_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & kF16SignBit) << kUpperHalfShift;
  const std::uint32_t exponent = (h & kF16ExponentMask) >> kF16MantissaBits;
  const std::uint32_t mantissa = h & kF16MantissaMask;
  if (exponent == kF16MaxBiasedExponent)
    return bits_float(sign | kF32ExponentMask | (mantissa << kF32ToF16Shift));
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24 is exact in binary32.
    const float magnitude = std::ldexp(static_cast<float>(mantissa), kF16SubnormalScale);
    return sign ? -magnitude : magnitude;
  }
  return bits_float(sign | ((exponent + kExponentRebias) << kF32MantissaBits) | (mantissa << kF32ToF16Shift));
}

std::uint16_t float_to_fp16(float value) {
  const std::uint32_t bits = float_bits(value);
  const auto sign = static_cast<std::uint16_t>((bits & kF32SignBit) >> kUpperHalfShift);
  const auto exponent = static_cast<int>((bits & kF32ExponentMask) >> kF32MantissaBits);
  const std::uint32_t mantissa = bits & kF32MantissaMask;
  if (is_nan_bits(bits))
    return static_cast<std::uint16_t>(sign | kF16ExponentMask | kF16QuietBit | (mantissa >> kF32ToF16Shift));
  const int half_exponent = exponent - kExponentRebias;
  if (half_exponent >= kF16MaxBiasedExponent) return static_cast<std::uint16_t>(sign | kF16ExponentMask);  // overflow: infinity
  if (half_exponent <= 0) {
    // Subnormal (or zero) in FP16: the significand in units of 2^-24. Below half the smallest
    // subnormal (this includes every FP32 subnormal) everything rounds to zero, which also keeps
    // the shift below 32.
    const int shift = kF32ToF16Shift + 1 - half_exponent;
    if (shift > kF32MantissaBits + 1) return sign;
    return static_cast<std::uint16_t>(sign | shift_round_even(mantissa | kF32ImplicitOne, shift));
  }
  // Normal: a carry out of the mantissa correctly bumps the exponent, up to infinity.
  const std::uint32_t unrounded = (static_cast<std::uint32_t>(half_exponent) << kF32MantissaBits) | mantissa;
  return static_cast<std::uint16_t>(sign | shift_round_even(unrounded, kF32ToF16Shift));
}

std::uint16_t float_to_bf16(float value) {
  const std::uint32_t bits = float_bits(value);
  if (is_nan_bits(bits)) return static_cast<std::uint16_t>((bits >> kUpperHalfShift) | kBf16QuietBit);
  // The carry of rounding runs into the exponent, and from the largest binade into infinity.
  return static_cast<std::uint16_t>(shift_round_even(bits & ~kF32SignBit, kUpperHalfShift) |
                                    ((bits & kF32SignBit) >> kUpperHalfShift));
}

}  // namespace

ElementType parse_element_type(const std::string& name) {
  if (name == "bf16") return ElementType::Bf16;
  if (name == "fp16") return ElementType::Fp16;
  throw std::invalid_argument("unknown element type \"" + name + "\" (accepted: \"bf16\", \"fp16\")");
}

const char* to_string(ElementType type) {
  switch (type) {
    case ElementType::Bf16: return "bf16";
    case ElementType::Fp16: return "fp16";
  }
  return "?";
}

float element_to_float(ElementType type, std::uint16_t bits) {
  if (type == ElementType::Bf16) return bits_float(static_cast<std::uint32_t>(bits) << kUpperHalfShift);
  return fp16_to_float(bits);
}

std::uint16_t float_to_element(ElementType type, float value) {
  return type == ElementType::Bf16 ? float_to_bf16(value) : float_to_fp16(value);
}

float load_element(ElementType type, const std::uint8_t* bytes) {
  const auto bits = static_cast<std::uint16_t>(bytes[0] | (bytes[1] << kBitsPerOctet));
  return element_to_float(type, bits);
}

void store_element(ElementType type, float value, std::uint8_t* bytes) {
  const std::uint16_t bits = float_to_element(type, value);
  bytes[0] = static_cast<std::uint8_t>(bits & kOctetMask);
  bytes[1] = static_cast<std::uint8_t>(bits >> kBitsPerOctet);
}

}  // namespace kvnand
