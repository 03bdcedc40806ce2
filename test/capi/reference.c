/* reference.c - the testbench's double-precision reference and its error bound. */
#include "reference.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Pure format facts of IEEE binary16 and bfloat16 (the upper half of binary32). */
enum {
  kBf16Precision = 8,
  kBf16MinExponent = -126,
  kFp16Precision = 11,
  kFp16MinExponent = -14,
  kFp16ExponentBias = 15,
  kFp16MantissaBits = 10,
  kFp16ExponentMask = 0x1f,
  kFp16SignShift = 15,
  kBf16Shift = 16,
  kRandomBits = 53,
};

/* FP32 unit roundoff (24 significant bits), the model's arithmetic. */
static const double kFp32Roundoff = 0x1p-24;
/* Headroom for the second-order terms the first-order bound below leaves out (each is at most
 * 2^-8 of a first-order term). */
static const double kSecondOrderFactor = 1.0 + 0x1p-6;

uint64_t ref_rng_next(ref_rng *rng) {
  uint64_t z = (rng->state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

double ref_rng_uniform(ref_rng *rng) {
  const double unit = ldexp((double)(ref_rng_next(rng) >> (64 - kRandomBits)), -kRandomBits);
  return 2.0 * unit - 1.0;
}

int ref_element_precision(kvnand_element element) {
  return element == KVNAND_ELEMENT_FP16 ? kFp16Precision : kBf16Precision;
}

static int min_exponent(kvnand_element element) {
  return element == KVNAND_ELEMENT_FP16 ? kFp16MinExponent : kBf16MinExponent;
}

double ref_element_to_double(kvnand_element element, uint16_t bits) {
  if (element == KVNAND_ELEMENT_BF16) {
    const uint32_t wide = (uint32_t)bits << kBf16Shift;
    float value;
    memcpy(&value, &wide, sizeof value);
    return value;
  }
  const unsigned exponent = (bits >> kFp16MantissaBits) & kFp16ExponentMask;
  const unsigned mantissa = bits & ((1u << kFp16MantissaBits) - 1);
  double magnitude;
  if (exponent == 0)
    magnitude = ldexp(mantissa, kFp16MinExponent - kFp16MantissaBits);
  else if (exponent == kFp16ExponentMask)
    magnitude = mantissa ? NAN : INFINITY;
  else
    magnitude = ldexp(mantissa | (1u << kFp16MantissaBits), (int)exponent - kFp16ExponentBias - kFp16MantissaBits);
  return (bits >> kFp16SignShift) ? -magnitude : magnitude;
}

/* Exact: the quotient by a power of two is exact and nearbyint rounds ties to even in the
 * default rounding mode; below the smallest normal the quantum stays that of subnormals. */
static double round_to_element(kvnand_element element, double value) {
  if (value == 0.0) return value;
  int exponent = ilogb(value);
  if (exponent < min_exponent(element)) exponent = min_exponent(element);
  const double quantum = ldexp(1.0, exponent - (ref_element_precision(element) - 1));
  return nearbyint(value / quantum) * quantum;
}

uint16_t ref_element_from_double(kvnand_element element, double value) {
  const double rounded = round_to_element(element, value);
  if (element == KVNAND_ELEMENT_BF16) {
    const float narrow = (float)rounded; /* exact: 8 significant bits within binary32's range */
    uint32_t wide;
    memcpy(&wide, &narrow, sizeof wide);
    return (uint16_t)(wide >> kBf16Shift);
  }
  const uint16_t sign = signbit(rounded) ? (uint16_t)(1u << kFp16SignShift) : 0;
  const double magnitude = fabs(rounded);
  if (magnitude < ldexp(1.0, kFp16MinExponent))
    return sign | (uint16_t)ldexp(magnitude, kFp16MantissaBits - kFp16MinExponent);
  const int exponent = ilogb(magnitude);
  const unsigned mantissa = (unsigned)(ldexp(magnitude, kFp16MantissaBits - exponent)) - (1u << kFp16MantissaBits);
  return sign | (uint16_t)((unsigned)(exponent + kFp16ExponentBias) << kFp16MantissaBits) | (uint16_t)mantissa;
}

void ref_random_vector(ref_rng *rng, kvnand_element element, uint16_t *out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = ref_element_from_double(element, ref_rng_uniform(rng));
}

/*
 * The error bound. u = 2^-24 (FP32), T tokens, d = head_dim, and per output element d
 * A_d = sum_t p_t |v_t,d| <= max_t |v_t,d| (the scale of the terms summed).
 *  - Logits: a 16-bit x 16-bit product is exact in FP32; d FMAs round at most d times, each by
 *    u times a partial sum, and the 1/sqrt(d) scaling rounds once more: with
 *    L = max_t sum_d |q_d k_t,d| / sqrt(d), every logit is off by delta <= (d + 2) u L.
 *  - A shift delta_t of the logits scales p_t by exp(delta_t) / sum_s p_s exp(delta_s): a
 *    relative error of at most 2 delta (first order).
 *  - FP32 softmax: exp within 1 ulp (2u), its argument l_t - max rounded (u |l_t - max| <= 2uL),
 *    the sum of T terms ((T - 1) u), the normalisation (2u, a reciprocal and a product):
 *    relative error eps_s <= (T + 2L + 4) u.
 *  - The probabilities of tokens in flash go to the dies as 16-bit elements: relative error
 *    u_p = 2^-precision (2^-8 bf16, 2^-11 fp16), and an absolute error of at most half the
 *    subnormal spacing s_p (2^-25 fp16, 2^-134 bf16) when p_t is that small.
 *  - Weighted V sums: a 16-bit p times a 16-bit v is exact in FP32 (an FP32 p of a buffered token
 *    rounds once, u); summing T products in any order, partial sums of pages merged on the NPU,
 *    rounds by at most (T - 1) u sum_t p_t |v_t,d|.
 * Together, to first order:
 *   |out_d - ref_d| <= (u_p + 2 delta + eps_s + (T + 1) u) A_d + T s_p max_t |v_t,d|,
 * and the second-order terms stay below 2^-6 of the first (kSecondOrderFactor). For bf16 the
 * 16-bit probabilities dominate: the bound is about 2^-8 A_d.
 */
int ref_attention(const ref_attention_input *in, double *out, double *tolerance) {
  const uint32_t d = in->head_dim;
  const uint32_t tokens = in->tokens;
  if (tokens == 0) return -1;
  double *logits = malloc(sizeof(double) * tokens);
  if (!logits) return -1;
  const double scale = 1.0 / sqrt((double)d);
  double max_logit = -INFINITY;
  double max_abs_logit = 0.0;
  for (uint32_t t = 0; t < tokens; ++t) {
    double dot = 0.0;
    double abs_dot = 0.0;
    for (uint32_t i = 0; i < d; ++i) {
      const double product = ref_element_to_double(in->element, in->q[i]) *
                             ref_element_to_double(in->element, in->k[(size_t)t * d + i]);
      dot += product;
      abs_dot += fabs(product);
    }
    logits[t] = dot * scale;
    max_logit = fmax(max_logit, logits[t]);
    max_abs_logit = fmax(max_abs_logit, abs_dot * scale);
  }
  double sum = 0.0;
  for (uint32_t t = 0; t < tokens; ++t) sum += (logits[t] = exp(logits[t] - max_logit));

  const double u = kFp32Roundoff;
  const double u_p = ldexp(1.0, -ref_element_precision(in->element));
  const double s_p = ldexp(1.0, min_exponent(in->element) - ref_element_precision(in->element));
  const double logit_error = (d + 2) * u * max_abs_logit;
  const double softmax_error = (tokens + 2.0 * max_abs_logit + 4.0) * u;
  const double relative = u_p + 2.0 * logit_error + softmax_error + (tokens + 1.0) * u;
  for (uint32_t i = 0; i < d; ++i) {
    double weighted = 0.0;
    double abs_weighted = 0.0;
    double max_abs_v = 0.0;
    for (uint32_t t = 0; t < tokens; ++t) {
      const double p = logits[t] / sum;
      const double v = ref_element_to_double(in->element, in->v[(size_t)t * d + i]);
      weighted += p * v;
      abs_weighted += p * fabs(v);
      max_abs_v = fmax(max_abs_v, fabs(v));
    }
    out[i] = weighted;
    tolerance[i] = relative * abs_weighted * kSecondOrderFactor + tokens * s_p * max_abs_v;
  }
  free(logits);
  return 0;
}
