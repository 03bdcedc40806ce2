/* scenario_reference.c - the reference checked against hand-computed values before it judges
 * the model: element encodings with their rounding ties, splitmix64, a two-token attention. */
#include <math.h>
#include <string.h>

#include "reference.h"
#include "testbench.h"

static void check_encodings(testbench *tb) {
  tb_checks *c = &tb->checks;
  CHECK(c, ref_element_to_double(KVNAND_ELEMENT_BF16, 0x3f80) == 1.0);
  CHECK(c, ref_element_to_double(KVNAND_ELEMENT_BF16, 0xc040) == -3.0);
  CHECK(c, ref_element_to_double(KVNAND_ELEMENT_BF16, 0x0001) == 0x1p-133);
  CHECK(c, ref_element_to_double(KVNAND_ELEMENT_FP16, 0x3c00) == 1.0);
  CHECK(c, ref_element_to_double(KVNAND_ELEMENT_FP16, 0xb800) == -0.5);
  CHECK(c, ref_element_to_double(KVNAND_ELEMENT_FP16, 0x7bff) == 65504.0);
  CHECK(c, ref_element_to_double(KVNAND_ELEMENT_FP16, 0x0400) == 0x1p-14);
  CHECK(c, ref_element_to_double(KVNAND_ELEMENT_FP16, 0x0001) == 0x1p-24);
  CHECK(c, isinf(ref_element_to_double(KVNAND_ELEMENT_FP16, 0x7c00)));

  /* Ties go to the even neighbour: bf16 steps by 2^-7 above 1, fp16 by 2^-10. */
  CHECK_U64(c, ref_element_from_double(KVNAND_ELEMENT_BF16, 1.0 + 0x1p-8), 0x3f80);
  CHECK_U64(c, ref_element_from_double(KVNAND_ELEMENT_BF16, 1.0 + 3 * 0x1p-8), 0x3f82);
  CHECK_U64(c, ref_element_from_double(KVNAND_ELEMENT_BF16, -(1.0 + 0x1p-8 + 0x1p-20)), 0xbf81);
  CHECK_U64(c, ref_element_from_double(KVNAND_ELEMENT_BF16, 0.1), 0x3dcd);
  CHECK_U64(c, ref_element_from_double(KVNAND_ELEMENT_FP16, 1.0 + 0x1p-11), 0x3c00);
  CHECK_U64(c, ref_element_from_double(KVNAND_ELEMENT_FP16, 1.0 + 3 * 0x1p-11), 0x3c02);
  CHECK_U64(c, ref_element_from_double(KVNAND_ELEMENT_FP16, 0.1), 0x2e66);
  CHECK_U64(c, ref_element_from_double(KVNAND_ELEMENT_FP16, -0.999), 0xbbfe);
  /* Subnormal fp16 (spacing 2^-24): 2^-25 is a tie to 0, 3 x 2^-26 rounds up to 2^-24. */
  CHECK_U64(c, ref_element_from_double(KVNAND_ELEMENT_FP16, 0x1p-25), 0x0000);
  CHECK_U64(c, ref_element_from_double(KVNAND_ELEMENT_FP16, 3 * 0x1p-26), 0x0001);
  CHECK_U64(c, ref_element_from_double(KVNAND_ELEMENT_FP16, 0x1p-14 - 0x1p-26), 0x0400);
}

static void check_random(testbench *tb) {
  tb_checks *c = &tb->checks;
  /* The published splitmix64 sequence from seed 0. */
  ref_rng rng = {0};
  CHECK_U64(c, ref_rng_next(&rng), 0xe220a8397b1dcdafu);
  CHECK_U64(c, ref_rng_next(&rng), 0x6e789e6aa1b965f4u);
  CHECK_U64(c, ref_rng_next(&rng), 0x06c45d188009454fu);
  double low = 1.0, high = -1.0;
  for (int i = 0; i < 4096; ++i) {
    const double x = ref_rng_uniform(&rng);
    low = fmin(low, x);
    high = fmax(high, x);
  }
  CHECK(c, low >= -1.0 && low < -0.99 && high < 1.0 && high > 0.99);
}

/* Two tokens, head_dim 4: q = (2, 0, 0, 0), k0 = (1, 0, 0, 0), k1 = (-1, 0, 0, 0), so the
 * logits are +-2 / sqrt(4) = +-1 and p0 = 1 / (1 + e^-2); v0 = (1, 0.5, -0.25, 0),
 * v1 = (-1, 0.5, 0.75, 0). */
static void check_attention(testbench *tb) {
  tb_checks *c = &tb->checks;
  const kvnand_element e = KVNAND_ELEMENT_BF16;
  const uint16_t q[4] = {0x4000, 0, 0, 0};
  const uint16_t k[8] = {0x3f80, 0, 0, 0, 0xbf80, 0, 0, 0};
  const uint16_t v[8] = {0x3f80, 0x3f00, 0xbe80, 0, 0xbf80, 0x3f00, 0x3f40, 0};
  const ref_attention_input in = {e, 4, 2, q, k, v};
  double out[4], tolerance[4];
  if (!CHECK(c, ref_attention(&in, out, tolerance) == 0)) return;
  const double p0 = 1.0 / (1.0 + exp(-2.0));
  const double p1 = 1.0 - p0;
  const double expected[4] = {p0 - p1, 0.5, -0.25 * p0 + 0.75 * p1, 0.0};
  for (int d = 0; d < 4; ++d) CHECK(c, fabs(out[d] - expected[d]) < 1e-15);
  /* bf16 bound: 2^-8 of sum_t p_t |v_t,d| = 0.5, the second-order headroom, FP32 terms of about 2^-20. */
  CHECK(c, tolerance[1] >= 0x1p-9 * (1.0 + 0x1p-6) && tolerance[1] < 0x1p-9 * 1.02);
  CHECK(c, tolerance[3] == 0.0);
}

void scenario_reference(testbench *tb) {
  check_encodings(tb);
  check_random(tb);
  check_attention(tb);
}
