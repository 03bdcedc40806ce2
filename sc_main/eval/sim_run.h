/* One kvnand-sim run of the evaluation tools: its command line and run folder, and what came of
 * it (ok, out of memory, failed, not run) with the message and the report. */
#pragma once

#include <stdio.h>

#include "process_pool.h"
#include "report_flat.h"
#include "text.h"

typedef enum { EV_OK, EV_OOM, EV_FAILED, EV_NOT_RUN } ev_status;

/* "ok", "oom", "failed", "not run": the status column of the CSV files. */
const char *ev_status_name(ev_status status);

typedef struct {
  const char *platform; /* file */
  const char *model;    /* name in workloads/ or file */
  const char *precision;
  const char *accounting;
  unsigned long long context;
  long long tokens;
  const ev_strings *sets; /* "key=value" overrides in order (later ones win); NULL: none */
} ev_sim_args;

typedef struct {
  char *run_dir;  /* <out>/<relative> */
  char *relative; /* as the CSV files give it: "runs/<id>" */
  char *log_path; /* <run_dir>/log.txt: the run's stdout and stderr */
  char *label;    /* for the progress line */
  ev_strings argv;
  char **argv_null; /* argv.items and a NULL, for the pool */
  ev_status status;
  char *message; /* oom: the reason; failed: exit status and the last error line */
  int has_report;
  ev_report report;
  double wall_s;
} ev_run;

void ev_run_init(ev_run *r, const char *sim, const ev_sim_args *a, const char *out_dir, const char *relative,
                 const char *label);
/* Creates the run folder and removes a report.json an earlier run left there. */
int ev_run_prepare(const ev_run *r, ev_error *e);
/* Sets status, message and report from how the process ended. */
void ev_run_finish(ev_run *r, const ev_job_result *job, const char *sim);
void ev_run_free(ev_run *r);

/* "[ 37/512] <label>: ok 24.40 tok/s (0.3 s)" */
void ev_run_progress(FILE *to, const ev_run *r, size_t finished, size_t total);
