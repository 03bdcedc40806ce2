/* The points of a kvnand-eval matrix (platform x model x context x precision), their runs (one,
 * or one per combination of a "choose"'s values), the choice among them, and results.csv /
 * candidates.csv. */
#pragma once

#include <stddef.h>

#include "matrix_file.h"
#include "sim_run.h"
#include "text.h"

typedef struct {
  size_t platform, model, context, precision; /* indices into the matrix */
  size_t first_run;
  size_t run_count; /* the combinations of the platform's choose values (ev_choose_runs), or 1 */
  ev_status status;
  const ev_run *row_run; /* the run the row shows (the chosen one, else the first OOM or failure); NULL: none */
  size_t chosen;         /* index of the chosen run among the point's; run_count when none */
  char *message;
} ev_point;

typedef struct {
  const ev_matrix *m;
  ev_point *points; /* precision by precision, context by context, model by model, then platforms */
  size_t point_count;
  ev_run *runs;
  size_t run_count;
} ev_eval;

/* What a group of runs (a point's, or those at one value of its choose key) comes to. */
typedef struct {
  ev_status status; /* not run when one did not run; else ok when one fits; else failed when one failed; else oom */
  size_t fastest;   /* the fitting run with the lowest latency_per_token_s (a tie: the first); count when none */
  size_t failed, not_run;
  size_t first_failed, first_oom; /* count when none */
} ev_run_group;

ev_run_group ev_eval_group(const ev_run *runs, size_t count);

void ev_eval_plan(const ev_matrix *m, const char *sim, const char *out_dir, ev_eval *ev);
/* After the runs: each point's status, chosen run and message. */
void ev_eval_settle(ev_eval *ev);
void ev_eval_results_csv(const ev_eval *ev, ev_buf *out);
void ev_eval_candidates_csv(const ev_eval *ev, ev_buf *out);
/* The point of (platform, model, context, precision). */
const ev_point *ev_eval_point(const ev_eval *ev, size_t platform, size_t model, size_t context, size_t precision);
void ev_eval_free(ev_eval *ev);
