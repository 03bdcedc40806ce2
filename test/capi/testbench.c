/* testbench.c - the C testbench of the kvnand C-ABI: one scenario per process, chosen by argv.
 *
 *   capi_testbench SCENARIO --config PLATFORM.json [--tokens N]
 *
 * Scenarios: reference, functional, compact, fp16, fp16-compact, timing, timing-only, misuse,
 * capacity. The exit status is 0 when every check passed. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testbench.h"

/* Tokens per KV head in the functional scenarios: not a multiple of a page's 32, so some are
 * still buffered when attended. */
enum { kDefaultTokens = 75 };

kvnand_sim *tb_create(testbench *tb, const char *const *overrides, size_t override_count) {
  kvnand_sim *sim = NULL;
  const kvnand_status status = kvnand_create_from_file(tb->config_path, overrides, override_count, &sim);
  if (!CHECK_STATUS(&tb->checks, sim, status, KVNAND_OK)) {
    kvnand_destroy(sim);
    return NULL;
  }
  CHECK(&tb->checks, strcmp(kvnand_last_error(sim), "") == 0);
  return sim;
}

int tb_shape(testbench *tb, kvnand_sim *sim, kvnand_shape *shape) {
  return CHECK_STATUS(&tb->checks, sim, kvnand_get_shape(sim, shape), KVNAND_OK) ? 0 : -1;
}

uint64_t tb_now(testbench *tb, kvnand_sim *sim) {
  uint64_t now = 0;
  CHECK_STATUS(&tb->checks, sim, kvnand_now(sim, &now), KVNAND_OK);
  return now;
}

static void usage(FILE *to) {
  fprintf(to,
          "usage: capi_testbench SCENARIO --config PLATFORM.json [--tokens N]\n"
          "scenarios: reference functional compact fp16 fp16-compact timing timing-only misuse capacity trace\n");
}

static int parse_tokens(const char *text, uint32_t *tokens) {
  char *end = NULL;
  errno = 0;
  const unsigned long value = strtoul(text, &end, 10);
  if (errno || end == text || *end || value == 0 || value > UINT32_MAX) return -1;
  *tokens = (uint32_t)value;
  return 0;
}

static int run(testbench *tb, const char *scenario) {
  if (strcmp(scenario, "reference") == 0)
    scenario_reference(tb);
  else if (strcmp(scenario, "functional") == 0)
    scenario_functional(tb, "discrete", KVNAND_ELEMENT_BF16);
  else if (strcmp(scenario, "compact") == 0)
    scenario_functional(tb, "compact", KVNAND_ELEMENT_BF16);
  else if (strcmp(scenario, "fp16") == 0)
    scenario_functional(tb, "discrete", KVNAND_ELEMENT_FP16);
  else if (strcmp(scenario, "fp16-compact") == 0)
    scenario_functional(tb, "compact", KVNAND_ELEMENT_FP16);
  else if (strcmp(scenario, "timing") == 0)
    scenario_timing(tb);
  else if (strcmp(scenario, "timing-only") == 0)
    scenario_timing_only(tb);
  else if (strcmp(scenario, "misuse") == 0)
    scenario_misuse(tb);
  else if (strcmp(scenario, "capacity") == 0)
    scenario_capacity(tb);
  else if (strcmp(scenario, "trace") == 0)
    scenario_trace(tb);
  else
    return -1;
  return 0;
}

int main(int argc, char **argv) {
  testbench tb = {.checks = {0, 0}, .config_path = NULL, .tokens = kDefaultTokens};
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  for (int i = 2; i < argc; ++i) {
    if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      tb.config_path = argv[++i];
    } else if (strcmp(argv[i], "--tokens") == 0 && i + 1 < argc && parse_tokens(argv[i + 1], &tb.tokens) == 0) {
      ++i;
    } else {
      usage(stderr);
      return 2;
    }
  }
  if (!tb.config_path && strcmp(argv[1], "reference") != 0) {
    usage(stderr);
    return 2;
  }
  if (run(&tb, argv[1]) != 0) {
    fprintf(stderr, "unknown scenario '%s'\n", argv[1]);
    usage(stderr);
    return 2;
  }
  printf("%s: %u checks passed, %u failed\n", argv[1], tb.checks.passed, tb.checks.failed);
  return tb.checks.failed == 0 && tb.checks.passed > 0 ? 0 : 1;
}
