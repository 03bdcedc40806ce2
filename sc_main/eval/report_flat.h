/* A kvnand-sim report.json read for a CSV row: its scalar leaves under dotted names
 * ("breakdown_s.qkv", "run.variant"; arrays left out), the resolved config's leaves apart, and
 * the few values the tools decide on (tokens/s, latency, out of memory). */
#pragma once

#include "text.h"

typedef struct {
  ev_strings keys; /* leaves outside "config", in the file's order */
  ev_strings values;
  ev_strings config_keys; /* "config.*" leaves */
  ev_strings config_values;
  int has_tokens_per_s;
  double tokens_per_s;
  int has_latency;
  double latency_per_token_s;
  int oom;          /* oom.value */
  char *oom_reason; /* oom.reason, "" when absent */
} ev_report;

/* Reads path; -1 with e set when it cannot be read or is not a JSON object. */
int ev_report_load(const char *path, ev_report *r, ev_error *e);
void ev_report_free(ev_report *r);
