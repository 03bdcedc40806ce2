/* scenario_trace.c - trace files asked for through the config's "trace" section: written when
 * the simulator is destroyed, up to the simulated time reached; an unwritable path is refused. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testbench.h"

enum { kTokens = 40, kPathBytes = 256, kOptionBytes = kPathBytes + 32, kLineBytes = 4096 };

/* The whole file as a string (caller frees), or NULL. */
static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  const long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)size + 1);
  const size_t got = text ? fread(text, 1, (size_t)size, f) : 0;
  fclose(f);
  if (!text) return NULL;
  text[got] = '\0';
  return text;
}

/* The time of the last "#<time>" line of a VCD. */
static uint64_t last_vcd_time(const char *text) {
  uint64_t last = 0;
  for (const char *p = text; (p = strchr(p, '#')) != NULL; ++p)
    if (p == text || p[-1] == '\n') last = strtoull(p + 1, NULL, 10);
  return last;
}

void scenario_trace(testbench *tb) {
  tb_checks *c = &tb->checks;
  char dir[] = "/tmp/kvnand-capi-trace-XXXXXX";
  if (!mkdtemp(dir)) {
    CHECK(c, 0);
    return;
  }
  char vcd_option[kOptionBytes], csv_option[kOptionBytes], vcd[kPathBytes], csv[kPathBytes];
  snprintf(vcd, sizeof vcd, "%s/capi.vcd", dir);
  snprintf(csv, sizeof csv, "%s/capi.csv", dir);
  snprintf(vcd_option, sizeof vcd_option, "trace.vcd_file=%s", vcd);
  snprintf(csv_option, sizeof csv_option, "trace.commands_file=%s", csv);

  const char *unwritable[] = {"session.functional=false", "trace.vcd_file=/nonexistent-dir/capi.vcd"};
  kvnand_sim *refused = NULL;
  CHECK_STATUS(c, refused, kvnand_create_from_file(tb->config_path, unwritable, 2, &refused), KVNAND_E_CONFIG);
  CHECK(c, strstr(kvnand_last_error(refused), "/nonexistent-dir/capi.vcd") != NULL);
  kvnand_destroy(refused);

  const char *no_file[] = {"session.functional=false", "trace.vcd_window=1us:2us"};
  kvnand_sim *unnamed = NULL;
  CHECK_STATUS(c, unnamed, kvnand_create_from_file(tb->config_path, no_file, 2, &unnamed), KVNAND_E_CONFIG);
  CHECK(c, strstr(kvnand_last_error(unnamed), "name its file with --vcd FILE (or trace.vcd_file)") != NULL);
  kvnand_destroy(unnamed);

  const char *overrides[] = {"session.functional=false", vcd_option, csv_option};
  kvnand_sim *sim = tb_create(tb, overrides, 3);
  if (!sim) return;
  for (int t = 0; t < kTokens; ++t) CHECK_STATUS(c, sim, kvnand_append(sim, 1, 1, NULL, NULL, NULL), KVNAND_OK);
  CHECK_STATUS(c, sim, kvnand_attend_group(sim, 1, 1, NULL, NULL, NULL), KVNAND_OK);
  CHECK_STATUS(c, sim, kvnand_run_until_idle(sim), KVNAND_OK);
  const uint64_t end = tb_now(tb, sim);
  CHECK(c, access(vcd, F_OK) != 0); /* written at destroy, not before */
  kvnand_destroy(sim);

  char *wave = slurp(vcd);
  char *commands = slurp(csv);
  CHECK(c, wave != NULL && commands != NULL);
  if (wave && commands) {
    CHECK(c, strstr(wave, "$enddefinitions") != NULL);
    CHECK(c, strstr(wave, "$scope module dataflow $end") != NULL);
    CHECK_U64(c, last_vcd_time(wave), end);
    CHECK(c, strncmp(commands, "issue_ps,", 9) == 0);
    /* The KV page programs and the attention kernels of layer 1, KV head 1, tagged as such. */
    CHECK(c, strstr(commands, ",ifc_program,") != NULL);
    CHECK(c, strstr(commands, ",ifc_compute,logit,") != NULL);
    CHECK(c, strstr(commands, ",39,1,1,logit\n") != NULL);
  }
  free(wave);
  free(commands);
  char gtkw[kPathBytes];
  snprintf(gtkw, sizeof gtkw, "%s/capi.gtkw", dir);
  CHECK(c, access(gtkw, F_OK) == 0);
  char command[kLineBytes];
  snprintf(command, sizeof command, "rm -rf '%s'", dir);
  CHECK(c, system(command) == 0);
}
