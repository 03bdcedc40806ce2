// 16-bit element formats of weights, K/V vectors and activations (BF16, FP16) and their exact
// conversions to and from FP32, the precision the PEs and the NPU compute in.
#pragma once

#include <cstdint>
#include <string>

namespace kvnand {

enum class ElementType : std::uint8_t { Bf16, Fp16 };

/// Both formats are 16 bits wide.
inline constexpr std::uint32_t kElementBytes = 2;

/// "bf16" or "fp16"; anything else throws std::invalid_argument naming the accepted values.
ElementType parse_element_type(const std::string& name);
/// "bf16" or "fp16".
const char* to_string(ElementType type);

/// The exact value of a 16-bit pattern (BF16: the upper half of a binary32; FP16: IEEE binary16
/// with subnormals, infinities and NaN).
float element_to_float(ElementType type, std::uint16_t bits);
/// Rounds to the nearest element, ties to even. NaN stays NaN (made quiet); FP16 overflows to
/// infinity, as does BF16 above its largest finite value.
std::uint16_t float_to_element(ElementType type, float value);

/// Reads a little-endian element at any byte address.
float load_element(ElementType type, const std::uint8_t* bytes);
/// Rounds `value` to the element type and writes it little-endian at any byte address.
void store_element(ElementType type, float value, std::uint8_t* bytes);

}  // namespace kvnand
