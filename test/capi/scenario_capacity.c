/* scenario_capacity.c - a KV cache that runs out of flash: the append that needs a page no
 * plane has left fails with KVNAND_E_CAPACITY, names what is full, and the simulator goes on. */
#include <inttypes.h>
#include <stdio.h>

#include "testbench.h"

/*
 * tiny-capi's KV die has one plane of 64 blocks x 16 pages; K and V take blocks of their own.
 * Pre-filling 4064 = 127 x 32 tokens per KV head gives each of the 2 x 2 = 4 streams of a kind
 * 127 pages: 508 pages, 32 blocks with 4 pages left in the last; K and V use all 64 blocks.
 * A page's place is taken when its first token arrives. One token to the other KV head takes
 * one of the 4; the KV head under test takes the other 3 (3 x 32 tokens), and its next token,
 * which would start a fourth page, fails. The other KV head still fills its page, then fails.
 */
static const uint64_t kContextTokens = 4064;
static const uint64_t kTokensPerPage = 32;
static const uint64_t kFreePagesPerKind = 4;
static const uint64_t kStreams = 2; /* K and V */

enum { kFullLayer = 0, kFullKvHead = 0, kOtherLayer = 1, kOtherKvHead = 1 };

static void other_head_goes_on(testbench *tb, kvnand_sim *sim, uint32_t q_head) {
  tb_checks *c = &tb->checks;
  for (uint64_t token = 2; token <= kTokensPerPage; ++token)
    CHECK_STATUS(c, sim, kvnand_append(sim, kOtherLayer, kOtherKvHead, NULL, NULL, NULL), KVNAND_OK);
  CHECK_STATUS(c, sim, kvnand_append(sim, kOtherLayer, kOtherKvHead, NULL, NULL, NULL), KVNAND_E_CAPACITY);
  CHECK_MESSAGE(c, kvnand_last_error(sim), "plane 0", "layer 1 KV head 1");
  kvnand_timing timing;
  CHECK_STATUS(c, sim, kvnand_attend(sim, kOtherLayer, q_head, NULL, NULL, &timing), KVNAND_OK);
  CHECK_U64(c, timing.page_reads, kStreams * (kContextTokens / kTokensPerPage + 1));
}

void scenario_capacity(testbench *tb) {
  char context[64];
  snprintf(context, sizeof context, "session.context_tokens=%" PRIu64, kContextTokens);
  const char *overrides[] = {context};
  kvnand_sim *sim = tb_create(tb, overrides, 1);
  if (!sim) return;
  tb_checks *c = &tb->checks;
  kvnand_shape shape;
  if (tb_shape(tb, sim, &shape) == 0) {
    CHECK_U64(c, shape.context_tokens, kContextTokens);
    CHECK_U64(c, shape.tokens_per_page, kTokensPerPage);
    const uint32_t other_q_head = kOtherKvHead * shape.group_size;
    kvnand_timing timing;
    CHECK_STATUS(c, sim, kvnand_attend(sim, kOtherLayer, other_q_head, NULL, NULL, &timing), KVNAND_OK);
    CHECK_U64(c, timing.page_reads, kStreams * (kContextTokens / kTokensPerPage));
    CHECK_STATUS(c, sim, kvnand_append(sim, kOtherLayer, kOtherKvHead, NULL, NULL, NULL), KVNAND_OK);

    const uint64_t failing_append = (kFreePagesPerKind - 1) * kTokensPerPage + 1;
    kvnand_status status = KVNAND_OK;
    uint64_t appended = 0;
    while (status == KVNAND_OK && appended < 2 * failing_append) {
      status = kvnand_append(sim, kFullLayer, kFullKvHead, NULL, NULL, NULL);
      ++appended;
    }
    CHECK_STATUS(c, sim, status, KVNAND_E_CAPACITY);
    CHECK_U64(c, appended, failing_append);
    CHECK_MESSAGE(c, kvnand_last_error(sim), "plane 0", "layer 0 KV head 0");
    printf("append %" PRIu64 ": %s\n", appended, kvnand_last_error(sim));
    /* The refused token was not taken: the stream stays where it was, blocking or submitted. */
    CHECK_STATUS(c, sim, kvnand_append(sim, kFullLayer, kFullKvHead, NULL, NULL, NULL), KVNAND_E_CAPACITY);
    kvnand_ticket ticket;
    if (CHECK_STATUS(c, sim, kvnand_submit_append(sim, kFullLayer, kFullKvHead, NULL, NULL, &ticket), KVNAND_OK))
      CHECK_STATUS(c, sim, kvnand_wait(sim, ticket, NULL), KVNAND_E_CAPACITY);
    char holds[64];
    snprintf(holds, sizeof holds, "holds %" PRIu64 " tokens", kContextTokens + failing_append - 1);
    CHECK_MESSAGE(c, kvnand_last_error(sim), holds);

    other_head_goes_on(tb, sim, other_q_head);
    CHECK_STATUS(c, sim, kvnand_attend(sim, kFullLayer, 0, NULL, NULL, &timing), KVNAND_OK);
    CHECK_U64(c, timing.page_reads, kStreams * (kContextTokens / kTokensPerPage + kFreePagesPerKind - 1));
    CHECK_STATUS(c, sim, kvnand_run_until_idle(sim), KVNAND_OK);
  }
  kvnand_destroy(sim);
}
