/* scenario_functional.c - functional attention through the C-ABI against the double reference:
 * appends of seeded random K/V to every (layer, KV head), attends of every query head and head
 * group, then the same transactions submitted together and collected with poll / wait. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv_store.h"
#include "reference.h"
#include "testbench.h"

enum {
  kSeed = 20251203,
  /* tiny-gqa on tiny-capi, by hand: 2 layers, 4 query heads on 2 KV heads of 64 elements;
   * 4096-byte page / (64 x 2 bytes) = 32 tokens per page. */
  kLayers = 2,
  kQueryHeads = 4,
  kKvHeads = 2,
  kHeadDim = 64,
  kTokensPerPage = 32,
  /* Discrete: one program for the K page and one for the V page. */
  kProgramsPerFullPage = 2,
  /* The submit phase appends one more token to one stream. */
  kExtraTokens = 1,
};

typedef struct functional_run {
  testbench *tb;
  kvnand_sim *sim;
  kvnand_shape shape;
  kv_store store;
  ref_rng rng;
  bool discrete;
  double worst_ratio; /* the largest |model - reference| / bound seen */
  unsigned compared;
  uint16_t *q;        /* layers x q_heads x head_dim: the queries of the blocking attends */
  float *out;         /* their outputs */
  uint16_t *group_q;  /* layers x kv_heads x group_size x head_dim: attend_group queries */
  float *group_out;
} functional_run;

static size_t head_offset(const functional_run *run, uint32_t layer, uint32_t q_head) {
  return ((size_t)layer * run->shape.q_heads + q_head) * run->shape.head_dim;
}

static size_t group_offset(const functional_run *run, uint32_t layer, uint32_t kv_head) {
  return ((size_t)layer * run->shape.kv_heads + kv_head) * run->shape.group_size * run->shape.head_dim;
}

/* Compares one query head's output over the first `tokens` tokens of its KV head. */
static void compare(functional_run *run, uint32_t layer, uint32_t kv_head, const uint16_t *q, const float *out,
                    uint32_t tokens, const char *what) {
  const uint32_t d = run->shape.head_dim;
  double *expected = malloc(sizeof(double) * d * 2);
  const ref_attention_input in = {(kvnand_element)run->shape.element, d, tokens, q,
                                  kv_store_k(&run->store, layer, kv_head), kv_store_v(&run->store, layer, kv_head)};
  if (!CHECK(&run->tb->checks, expected && ref_attention(&in, expected, expected + d) == 0)) {
    free(expected);
    return;
  }
  for (uint32_t i = 0; i < d; ++i) {
    const double error = fabs(out[i] - expected[i]);
    const double bound = expected[d + i];
    if (!CHECK(&run->tb->checks, error <= bound))
      fprintf(stderr, "  %s layer %u KV head %u element %u: model %.9g, reference %.9g, error %.3g > bound %.3g\n",
              what, layer, kv_head, i, out[i], expected[i], error, bound);
    run->worst_ratio = fmax(run->worst_ratio, error / bound);
    ++run->compared;
  }
  free(expected);
}

/* Token after token, every (layer, KV head) gets the next token, as decoding appends them. */
static void append_all(functional_run *run) {
  tb_checks *c = &run->tb->checks;
  const uint32_t d = run->shape.head_dim;
  for (uint32_t token = 0; token < run->tb->tokens; ++token) {
    for (uint32_t layer = 0; layer < run->shape.layers; ++layer) {
      for (uint32_t kv_head = 0; kv_head < run->shape.kv_heads; ++kv_head) {
        const int64_t index = kv_store_draw(&run->store, &run->rng, layer, kv_head);
        const uint16_t *k = kv_store_k(&run->store, layer, kv_head) + (size_t)index * d;
        const uint16_t *v = kv_store_v(&run->store, layer, kv_head) + (size_t)index * d;
        kvnand_timing timing;
        if (!CHECK_STATUS(c, run->sim, kvnand_append(run->sim, layer, kv_head, k, v, &timing), KVNAND_OK)) return;
        CHECK_U64(c, timing.page_reads, 0);
        if (run->discrete)
          CHECK_U64(c, timing.pages_programmed, (token + 1) % kTokensPerPage == 0 ? kProgramsPerFullPage : 0);
      }
    }
  }
}

/* On an idle simulator; a timing-only attend right after takes exactly as long. */
static void attend_every_head(functional_run *run) {
  tb_checks *c = &run->tb->checks;
  for (uint32_t layer = 0; layer < run->shape.layers; ++layer) {
    for (uint32_t q_head = 0; q_head < run->shape.q_heads; ++q_head) {
      uint16_t *q = run->q + head_offset(run, layer, q_head);
      float *out = run->out + head_offset(run, layer, q_head);
      ref_random_vector(&run->rng, (kvnand_element)run->shape.element, q, run->shape.head_dim);
      kvnand_timing timing, timing_only;
      if (!CHECK_STATUS(c, run->sim, kvnand_attend(run->sim, layer, q_head, q, out, &timing), KVNAND_OK)) continue;
      /* GQA: query heads kv_head * group_size ... + group_size - 1 share KV head kv_head. */
      compare(run, layer, q_head / run->shape.group_size, q, out, run->tb->tokens, "attend");
      CHECK_STATUS(c, run->sim, kvnand_attend(run->sim, layer, q_head, NULL, NULL, &timing_only), KVNAND_OK);
      CHECK_U64(c, timing_only.end_ps - timing_only.issue_ps, timing.end_ps - timing.issue_ps);
      CHECK_U64(c, timing_only.page_reads, timing.page_reads);
    }
  }
}

static void attend_every_group(functional_run *run) {
  tb_checks *c = &run->tb->checks;
  const uint32_t d = run->shape.head_dim;
  for (uint32_t layer = 0; layer < run->shape.layers; ++layer) {
    for (uint32_t kv_head = 0; kv_head < run->shape.kv_heads; ++kv_head) {
      uint16_t *q = run->group_q + group_offset(run, layer, kv_head);
      float *out = run->group_out + group_offset(run, layer, kv_head);
      ref_random_vector(&run->rng, (kvnand_element)run->shape.element, q, (size_t)run->shape.group_size * d);
      if (!CHECK_STATUS(c, run->sim, kvnand_attend_group(run->sim, layer, kv_head, q, out, NULL), KVNAND_OK))
        continue;
      for (uint32_t g = 0; g < run->shape.group_size; ++g)
        compare(run, layer, kv_head, q + (size_t)g * d, out + (size_t)g * d, run->tb->tokens, "attend_group");
    }
  }
}

static bool overlap(const kvnand_timing *a, const kvnand_timing *b) {
  return a->start_ps < b->end_ps && b->start_ps < a->end_ps;
}

/*
 * Submitted together: attends on three head groups, then an append and one more attend on the
 * first group. The attends repeat blocking ones (same queries, so bitwise the same outputs), the
 * three groups overlap in time, and the first group runs in submission order, its last attend
 * seeing the appended token. Queries are scribbled over after submit: the C-ABI copies them.
 */
enum { kA, kB, kGroup, kAppend, kAfter, kTickets };

/* scratch: 5 x head_dim + group queries (three queries, K, V, the group's queries); outs:
 * 3 x head_dim + group outputs. */
static void submit_and_collect(functional_run *run, uint16_t *scratch, float *outs) {
  tb_checks *c = &run->tb->checks;
  kvnand_sim *sim = run->sim;
  const uint32_t d = run->shape.head_dim;
  const uint32_t group = run->shape.group_size;
  const size_t group_elements = (size_t)group * d;
  /* Head groups: (0, KV 0) for A and After, (0, KV 1) for B, (1, KV 1) for the group attend. */
  const uint32_t a_head = 0, b_head = group, after_head = 1;
  uint16_t *q_a = scratch, *q_b = scratch + d, *q_after = scratch + 2 * d, *k = scratch + 3 * d, *v = k + d;
  uint16_t *q_group = v + d;
  float *out_a = outs, *out_b = outs + d, *out_after = outs + 2 * d, *out_group = outs + 3 * d;
  memcpy(q_a, run->q + head_offset(run, 0, a_head), sizeof(uint16_t) * d);
  memcpy(q_b, run->q + head_offset(run, 0, b_head), sizeof(uint16_t) * d);
  memcpy(q_after, run->q + head_offset(run, 0, after_head), sizeof(uint16_t) * d);
  memcpy(q_group, run->group_q + group_offset(run, 1, 1), sizeof(uint16_t) * group_elements);
  const int64_t index = kv_store_draw(&run->store, &run->rng, 0, 0);
  memcpy(k, kv_store_k(&run->store, 0, 0) + (size_t)index * d, sizeof(uint16_t) * d);
  memcpy(v, kv_store_v(&run->store, 0, 0) + (size_t)index * d, sizeof(uint16_t) * d);

  const uint64_t now = tb_now(run->tb, sim);
  kvnand_ticket tickets[kTickets];
  bool ok = CHECK_STATUS(c, sim, kvnand_submit_attend(sim, 0, a_head, q_a, out_a, &tickets[kA]), KVNAND_OK);
  ok &= CHECK_STATUS(c, sim, kvnand_submit_attend(sim, 0, b_head, q_b, out_b, &tickets[kB]), KVNAND_OK);
  ok &= CHECK_STATUS(c, sim, kvnand_submit_attend_group(sim, 1, 1, q_group, out_group, &tickets[kGroup]), KVNAND_OK);
  ok &= CHECK_STATUS(c, sim, kvnand_submit_append(sim, 0, 0, k, v, &tickets[kAppend]), KVNAND_OK);
  ok &= CHECK_STATUS(c, sim, kvnand_submit_attend(sim, 0, after_head, q_after, out_after, &tickets[kAfter]), KVNAND_OK);
  if (!ok) return;
  memset(scratch, 0xff, sizeof(uint16_t) * (5 * d + group_elements));
  CHECK_U64(c, tb_now(run->tb, sim), now);
  for (int t = 0; t < kTickets; ++t) CHECK_STATUS(c, sim, kvnand_poll(sim, tickets[t], NULL), KVNAND_PENDING);
  CHECK_U64(c, tb_now(run->tb, sim), now);

  kvnand_timing timing[kTickets];
  CHECK_STATUS(c, sim, kvnand_wait(sim, tickets[kAfter], &timing[kAfter]), KVNAND_OK);
  for (int t = 0; t < kAfter; ++t) {
    kvnand_status status = kvnand_poll(sim, tickets[t], &timing[t]);
    if (status == KVNAND_PENDING) status = kvnand_wait(sim, tickets[t], &timing[t]);
    CHECK_STATUS(c, sim, status, KVNAND_OK);
  }
  CHECK_STATUS(c, sim, kvnand_poll(sim, tickets[kA], NULL), KVNAND_E_TICKET);
  for (int t = 0; t < kTickets; ++t) CHECK_U64(c, timing[t].issue_ps, now);

  CHECK(c, memcmp(out_a, run->out + head_offset(run, 0, a_head), sizeof(float) * d) == 0);
  CHECK(c, memcmp(out_b, run->out + head_offset(run, 0, b_head), sizeof(float) * d) == 0);
  CHECK(c, memcmp(out_group, run->group_out + group_offset(run, 1, 1), sizeof(float) * group_elements) == 0);
  compare(run, 0, 0, run->q + head_offset(run, 0, after_head), out_after, run->tb->tokens + kExtraTokens,
          "attend after append");
  CHECK(c, overlap(&timing[kA], &timing[kB]));
  CHECK(c, overlap(&timing[kA], &timing[kGroup]));
  CHECK(c, overlap(&timing[kB], &timing[kGroup]));
  CHECK(c, timing[kAppend].start_ps >= timing[kA].end_ps);
  CHECK(c, timing[kAfter].start_ps >= timing[kAppend].end_ps);
}

static void submit_together(functional_run *run) {
  const size_t d = run->shape.head_dim;
  const size_t group_elements = run->shape.group_size * d;
  uint16_t *scratch = malloc(sizeof(uint16_t) * (5 * d + group_elements));
  float *outs = malloc(sizeof(float) * (3 * d + group_elements));
  if (CHECK(&run->tb->checks, scratch && outs)) submit_and_collect(run, scratch, outs);
  free(scratch);
  free(outs);
}

static int allocate(functional_run *run) {
  const kvnand_shape *s = &run->shape;
  const size_t heads = (size_t)s->layers * s->q_heads * s->head_dim;
  run->q = calloc(heads, sizeof *run->q);
  run->out = calloc(heads, sizeof *run->out);
  run->group_q = calloc(heads, sizeof *run->group_q);
  run->group_out = calloc(heads, sizeof *run->group_out);
  const bool ok = run->q && run->out && run->group_q && run->group_out &&
                  kv_store_init(&run->store, s, run->tb->tokens + kExtraTokens) == 0;
  return CHECK(&run->tb->checks, ok) ? 0 : -1;
}

static void release(functional_run *run) {
  kv_store_free(&run->store);
  free(run->q);
  free(run->out);
  free(run->group_q);
  free(run->group_out);
}

void scenario_functional(testbench *tb, const char *variant, kvnand_element element) {
  functional_run run = {.tb = tb, .rng = {kSeed}, .discrete = strcmp(variant, "discrete") == 0};
  /* tiny-capi is discrete; the compact variant replaces the whole dataflow section. */
  const char *overrides[] = {element == KVNAND_ELEMENT_FP16 ? "session.element=fp16" : "session.element=bf16",
                             "dataflow={\"variant\":\"compact\"}"};
  run.sim = tb_create(tb, overrides, run.discrete ? 1 : 2);
  if (!run.sim) return;
  tb_checks *c = &tb->checks;
  if (tb_shape(tb, run.sim, &run.shape) == 0 && allocate(&run) == 0) {
    CHECK_U64(c, run.shape.layers, kLayers);
    CHECK_U64(c, run.shape.q_heads, kQueryHeads);
    CHECK_U64(c, run.shape.kv_heads, kKvHeads);
    CHECK_U64(c, run.shape.head_dim, kHeadDim);
    CHECK_U64(c, run.shape.group_size, kQueryHeads / kKvHeads);
    CHECK_U64(c, run.shape.tokens_per_page, kTokensPerPage);
    CHECK_U64(c, run.shape.element, element);
    CHECK_U64(c, run.shape.functional, 1);
    CHECK_U64(c, run.shape.context_tokens, 0);
    append_all(&run);
    CHECK_STATUS(c, run.sim, kvnand_run_until_idle(run.sim), KVNAND_OK);
    attend_every_head(&run);
    attend_every_group(&run);
    submit_together(&run);
    CHECK_STATUS(c, run.sim, kvnand_run_until_idle(run.sim), KVNAND_OK);
    printf("%s %s: %u tokens per KV head, %u output elements compared, max |error| / bound %.3f\n", variant,
           element == KVNAND_ELEMENT_FP16 ? "fp16" : "bf16", tb->tokens, run.compared, run.worst_ratio);
  }
  release(&run);
  kvnand_destroy(run.sim);
}
