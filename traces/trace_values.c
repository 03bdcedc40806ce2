/* Seeded trace values: splitmix64 (Steele, Lea and Flood 2014) and exact FP32 -> 16-bit
 * rounding done on the bit patterns, so no floating-point environment setting can change them. */
#include "trace_values.h"

#include <string.h>

enum {
  kRandomBits = 24,   /* random bits per value: exactly representable in FP32 */
  kWordBits = 64,
  kF32MantissaBits = 23,
  kF32HalfShift = 16, /* BF16 is the top half of FP32 */
  kFp16MantissaBits = 10,
  kElementBf16 = 0,   /* kvnand_element values (kvnand.h) */
  kElementFp16 = 1,
};

static const uint64_t kSplitmixGamma = 0x9E3779B97F4A7C15ULL; /* 2^64 / golden ratio */
static const uint64_t kSplitmixMul1 = 0xBF58476D1CE4E5B9ULL;
static const uint64_t kSplitmixMul2 = 0x94D049BB133111EBULL;

static const uint32_t kF32SignMask = 0x80000000u;
static const uint32_t kF32AbsMask = 0x7FFFFFFFu;
static const uint32_t kF32Infinity = 0x7F800000u;
static const uint32_t kF32Fp16Overflow = 0x47800000u;  /* 65536.0f: |x| >= rounds past FP16 max */
static const uint32_t kF32Fp16MinNormal = 0x38800000u; /* 2^-14 */
static const uint32_t kF32Fp16HalfMinSub = 0x33000000u; /* 2^-25: half the smallest FP16 subnormal */
static const uint32_t kF32ImplicitBit = 0x00800000u;
static const uint32_t kF32MantissaMask = 0x007FFFFFu;
static const uint32_t kFp16ExponentRebias = (127u - 15u) << 23; /* FP32 bias minus FP16 bias */
static const uint32_t kFp16SubnormalShiftBase = 126u; /* FP32 biased exponent e: shift 126 - e */
static const uint16_t kBf16QuietBit = 0x0040u;
static const uint16_t kFp16Infinity = 0x7C00u;
static const uint16_t kFp16QuietNan = 0x7E00u;

/* splitmix64's output function: a bijection that scatters nearby inputs. */
static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * kSplitmixMul1;
  z = (z ^ (z >> 27)) * kSplitmixMul2;
  return z ^ (z >> 31);
}

static uint64_t splitmix64(uint64_t *state) { return mix64(*state += kSplitmixGamma); }

static uint32_t f32_bits(float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  return bits;
}

uint16_t kvnand_trace_f32_to_bf16(float value) {
  const uint32_t bits = f32_bits(value);
  if ((bits & kF32AbsMask) > kF32Infinity) return (uint16_t)((bits >> kF32HalfShift) | kBf16QuietBit);
  const uint32_t lsb = (bits >> kF32HalfShift) & 1u;
  const uint32_t half_ulp_minus_one = (1u << (kF32HalfShift - 1)) - 1u;
  return (uint16_t)((bits + half_ulp_minus_one + lsb) >> kF32HalfShift);
}

/* Rounds m >> shift to nearest even (shift >= 1). */
static uint32_t shift_round_even(uint32_t m, uint32_t shift) {
  const uint32_t kept = m >> shift;
  const uint32_t rest = m & ((1u << shift) - 1u);
  const uint32_t half = 1u << (shift - 1);
  return kept + (rest > half || (rest == half && (kept & 1u)) ? 1u : 0u);
}

uint16_t kvnand_trace_f32_to_fp16(float value) {
  const uint32_t bits = f32_bits(value);
  const uint16_t sign = (uint16_t)((bits & kF32SignMask) >> kF32HalfShift);
  const uint32_t abs = bits & kF32AbsMask;
  if (abs > kF32Infinity) return (uint16_t)(sign | kFp16QuietNan);
  if (abs >= kF32Fp16Overflow) return (uint16_t)(sign | kFp16Infinity);
  if (abs >= kF32Fp16MinNormal) {
    /* A carry out of the mantissa moves into the exponent, as rounding up must (65520 -> inf). */
    return (uint16_t)(sign | shift_round_even(abs - kFp16ExponentRebias, kF32MantissaBits - kFp16MantissaBits));
  }
  if (abs <= kF32Fp16HalfMinSub) return sign; /* 2^-25 itself ties to the even zero */
  /* Subnormal FP16: count units of 2^-24; the value is (mantissa | implicit) * 2^(e - 150). */
  const uint32_t exponent = abs >> kF32MantissaBits;
  const uint32_t mantissa = (abs & kF32MantissaMask) | kF32ImplicitBit;
  return (uint16_t)(sign | shift_round_even(mantissa, kFp16SubnormalShiftBase - exponent));
}

/* Hashing the stream keeps streams of one seed apart: a plain seed ^ (stream * gamma) would make
 * stream 2 of seed 1 the same sequence as stream 0 of seed 1, two draws later. */
static uint64_t stream_state(uint64_t seed, uint32_t stream) {
  return seed ^ mix64((uint64_t)stream * kSplitmixGamma);
}

/* The top bits of one splitmix64 output as (u - 2^23) / 2^23: exact, since |u - 2^23| <= 2^23. */
static float draw(uint64_t *state) {
  const int32_t offset = (int32_t)1 << (kRandomBits - 1);
  const int32_t u = (int32_t)(splitmix64(state) >> (kWordBits - kRandomBits));
  return (float)(u - offset) / (float)offset;
}

void kvnand_trace_values_f32(uint64_t seed, uint32_t stream, float *out, size_t n) {
  uint64_t state = stream_state(seed, stream);
  for (size_t i = 0; i < n; ++i) out[i] = draw(&state);
}

int kvnand_trace_values(uint64_t seed, uint32_t stream, uint32_t element, uint16_t *out, size_t n) {
  if (element != kElementBf16 && element != kElementFp16) return -1;
  uint64_t state = stream_state(seed, stream);
  for (size_t i = 0; i < n; ++i) {
    const float value = draw(&state);
    out[i] = element == kElementBf16 ? kvnand_trace_f32_to_bf16(value) : kvnand_trace_f32_to_fp16(value);
  }
  return 0;
}
