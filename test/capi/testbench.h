/* testbench.h - what the scenarios of the C testbench share: the run's options and checks, and
 * creating the one simulator of the process. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "kvnand.h"

typedef struct testbench {
  tb_checks checks;
  const char *config_path; /* the platform config (tiny-capi.json) */
  uint32_t tokens;         /* tokens per KV head in the functional scenarios */
} testbench;

/* kvnand_create_from_file with the testbench's config; NULL (after a failed check) on failure. */
kvnand_sim *tb_create(testbench *tb, const char *const *overrides, size_t override_count);
/* kvnand_get_shape, checked; 0 on success. */
int tb_shape(testbench *tb, kvnand_sim *sim, kvnand_shape *shape);
/* The simulated time now (checked). */
uint64_t tb_now(testbench *tb, kvnand_sim *sim);

/* The scenarios; each runs in a process of its own (one simulator per process). */
void scenario_reference(testbench *tb);
void scenario_functional(testbench *tb, const char *variant, kvnand_element element);
void scenario_timing(testbench *tb);
void scenario_timing_only(testbench *tb);
void scenario_misuse(testbench *tb);
void scenario_capacity(testbench *tb);
void scenario_trace(testbench *tb);
