/* The seeded data of token traces: K, V and Q vectors that anyone can regenerate from a line's
 * seed (docs/traces.md gives the algorithm). Same seed, same bits on every platform. C11. */
#ifndef KVNAND_TRACES_TRACE_VALUES_H
#define KVNAND_TRACES_TRACE_VALUES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The streams of one seed: an append draws K and V, an attend draws Q. */
enum {
  KVNAND_TRACE_STREAM_K = 0,
  KVNAND_TRACE_STREAM_V = 1,
  KVNAND_TRACE_STREAM_Q = 2
};

/* Writes n values as 16-bit patterns of `element` (a kvnand_element: 0 = BF16, 1 = FP16).
 * splitmix64 starts from seed ^ mix64(stream * 0x9E3779B97F4A7C15), mix64 being splitmix64's
 * output function (so stream 0 starts at the seed itself); each output's top 24 bits u give
 * (u - 2^23) / 2^23, uniform in [-1, 1) and exact in FP32, then rounded to nearest even in the
 * element type (so the 16-bit value lies in [-1, 1]: the largest draws round up to 1.0). An
 * element other than 0 or 1 writes nothing and returns -1; otherwise returns 0. */
int kvnand_trace_values(uint64_t seed, uint32_t stream, uint32_t element, uint16_t *out, size_t n);

/* The draws before rounding, as FP32 (exact): what the 16-bit values approximate. */
void kvnand_trace_values_f32(uint64_t seed, uint32_t stream, float *out, size_t n);

/* FP32 to BF16 / FP16 bit patterns, round to nearest even (NaN stays NaN, overflow gives inf). */
uint16_t kvnand_trace_f32_to_bf16(float value);
uint16_t kvnand_trace_f32_to_fp16(float value);

#ifdef __cplusplus
}
#endif

#endif /* KVNAND_TRACES_TRACE_VALUES_H */
