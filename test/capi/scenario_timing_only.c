/* scenario_timing_only.c - a simulator built with session.functional=false: it takes
 * timing-only transactions and refuses data. */
#include <string.h>

#include "testbench.h"

enum { kHeadDim = 64, kGroupSize = 2 }; /* tiny-gqa */

void scenario_timing_only(testbench *tb) {
  const char *overrides[] = {"session.functional=false"};
  kvnand_sim *sim = tb_create(tb, overrides, 1);
  if (!sim) return;
  tb_checks *c = &tb->checks;
  kvnand_shape shape;
  if (tb_shape(tb, sim, &shape) == 0) {
    CHECK_U64(c, shape.functional, 0);
    uint16_t q[kGroupSize * kHeadDim] = {0}, k[kHeadDim] = {0}, v[kHeadDim] = {0};
    float out[kGroupSize * kHeadDim];
    kvnand_ticket ticket;
    CHECK_STATUS(c, sim, kvnand_append(sim, 0, 0, k, v, NULL), KVNAND_E_ARGUMENT);
    CHECK(c, strlen(kvnand_last_error(sim)) > 0);
    CHECK_STATUS(c, sim, kvnand_submit_append(sim, 0, 0, k, v, &ticket), KVNAND_E_ARGUMENT);
    CHECK_STATUS(c, sim, kvnand_append(sim, 0, 0, NULL, NULL, NULL), KVNAND_OK);
    CHECK_STATUS(c, sim, kvnand_attend(sim, 0, 0, q, out, NULL), KVNAND_E_ARGUMENT);
    CHECK_STATUS(c, sim, kvnand_attend_group(sim, 0, 0, q, out, NULL), KVNAND_E_ARGUMENT);
    CHECK_STATUS(c, sim, kvnand_submit_attend(sim, 0, 0, q, out, &ticket), KVNAND_E_ARGUMENT);
    CHECK_STATUS(c, sim, kvnand_attend(sim, 0, 0, NULL, NULL, NULL), KVNAND_OK);
    CHECK_STATUS(c, sim, kvnand_attend_group(sim, 0, 0, NULL, NULL, NULL), KVNAND_OK);
    kvnand_timing step;
    CHECK_STATUS(c, sim, kvnand_decode_step(sim, &step), KVNAND_OK);
    CHECK(c, step.end_ps > step.start_ps);
    CHECK_STATUS(c, sim, kvnand_run_until_idle(sim), KVNAND_OK);
  }
  kvnand_destroy(sim);
}
