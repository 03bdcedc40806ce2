/* kv_store.h - the testbench's copy of every (layer, KV head) stream it appended: the seeded
 * random K and V tokens the reference attends over. */
#pragma once

#include <stdint.h>

#include "kvnand.h"
#include "reference.h"

typedef struct kv_store {
  kvnand_shape shape;
  uint32_t capacity; /* tokens per (layer, KV head) */
  uint32_t *count;   /* layers x kv_heads */
  uint16_t *k;       /* layers x kv_heads x capacity x head_dim */
  uint16_t *v;
} kv_store;

/* 0, or -1 when host memory ran out. */
int kv_store_init(kv_store *store, const kvnand_shape *shape, uint32_t capacity);
void kv_store_free(kv_store *store);
/* Draws the next token of (layer, kv_head) from rng (K first, then V) and keeps it; its index, or
 * -1 when the stream is at capacity. */
int64_t kv_store_draw(kv_store *store, ref_rng *rng, uint32_t layer, uint32_t kv_head);
uint32_t kv_store_count(const kv_store *store, uint32_t layer, uint32_t kv_head);
/* The first token's K (or V) of (layer, kv_head); tokens follow each other. */
const uint16_t *kv_store_k(const kv_store *store, uint32_t layer, uint32_t kv_head);
const uint16_t *kv_store_v(const kv_store *store, uint32_t layer, uint32_t kv_head);
