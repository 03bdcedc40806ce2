/* reference.h - the testbench's double-precision reference: 16-bit element encodings, seeded
 * random data (splitmix64) and the attention of one query head with the bound on the model's
 * error. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kvnand.h"

/* splitmix64 (Steele, Lea, Flood 2014): portable, so the data is the same on every host. */
typedef struct ref_rng {
  uint64_t state;
} ref_rng;

uint64_t ref_rng_next(ref_rng *rng);
/* Uniform in [-1, 1) on a grid of 2^-52. */
double ref_rng_uniform(ref_rng *rng);

/* Significant bits of the element type, implicit bit included: 8 (bf16), 11 (fp16). */
int ref_element_precision(kvnand_element element);
double ref_element_to_double(kvnand_element element, uint16_t bits);
/* Rounds to nearest, ties to even; value must lie within the element's finite range. */
uint16_t ref_element_from_double(kvnand_element element, double value);
/* n elements, each uniform in [-1, 1) rounded to the element type. */
void ref_random_vector(ref_rng *rng, kvnand_element element, uint16_t *out, size_t n);

typedef struct ref_attention_input {
  kvnand_element element;
  uint32_t head_dim;
  uint32_t tokens;
  const uint16_t *q; /* head_dim elements */
  const uint16_t *k; /* tokens x head_dim, token after token */
  const uint16_t *v; /* tokens x head_dim */
} ref_attention_input;

/* out[d] = sum_t p_t v_t,d with p = softmax(q K^T / sqrt(head_dim)), in double; tolerance[d]
 * bounds |model - out[d]| (derived in reference.c). Returns 0, or -1 when host memory ran out
 * or tokens is 0. */
int ref_attention(const ref_attention_input *in, double *out, double *tolerance);
