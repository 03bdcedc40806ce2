/* kv_store.c - the testbench's copy of the appended K and V streams. */
#include "kv_store.h"

#include <stdlib.h>
#include <string.h>

static size_t stream_index(const kv_store *store, uint32_t layer, uint32_t kv_head) {
  return (size_t)layer * store->shape.kv_heads + kv_head;
}

static size_t stream_offset(const kv_store *store, uint32_t layer, uint32_t kv_head) {
  return stream_index(store, layer, kv_head) * store->capacity * store->shape.head_dim;
}

int kv_store_init(kv_store *store, const kvnand_shape *shape, uint32_t capacity) {
  memset(store, 0, sizeof *store);
  store->shape = *shape;
  store->capacity = capacity;
  const size_t streams = (size_t)shape->layers * shape->kv_heads;
  const size_t elements = streams * capacity * shape->head_dim;
  store->count = calloc(streams, sizeof *store->count);
  store->k = calloc(elements, sizeof *store->k);
  store->v = calloc(elements, sizeof *store->v);
  if (store->count && store->k && store->v) return 0;
  kv_store_free(store);
  return -1;
}

void kv_store_free(kv_store *store) {
  free(store->count);
  free(store->k);
  free(store->v);
  memset(store, 0, sizeof *store);
}

int64_t kv_store_draw(kv_store *store, ref_rng *rng, uint32_t layer, uint32_t kv_head) {
  uint32_t *count = &store->count[stream_index(store, layer, kv_head)];
  if (*count == store->capacity) return -1;
  const uint32_t d = store->shape.head_dim;
  const size_t at = stream_offset(store, layer, kv_head) + (size_t)*count * d;
  const kvnand_element element = (kvnand_element)store->shape.element;
  ref_random_vector(rng, element, store->k + at, d);
  ref_random_vector(rng, element, store->v + at, d);
  return (*count)++;
}

uint32_t kv_store_count(const kv_store *store, uint32_t layer, uint32_t kv_head) {
  return store->count[stream_index(store, layer, kv_head)];
}

const uint16_t *kv_store_k(const kv_store *store, uint32_t layer, uint32_t kv_head) {
  return store->k + stream_offset(store, layer, kv_head);
}

const uint16_t *kv_store_v(const kv_store *store, uint32_t layer, uint32_t kv_head) {
  return store->v + stream_offset(store, layer, kv_head);
}
