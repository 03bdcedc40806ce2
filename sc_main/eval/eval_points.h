/* The points of a kvnand-eval matrix (platform x model x context x precision), their runs (one,
 * or one per value of a "choose" key), the choice among them, and results.csv / candidates.csv. */
#pragma once

#include <stddef.h>

#include "matrix_file.h"
#include "sim_run.h"
#include "text.h"

typedef struct {
  size_t platform, model, context, precision; /* indices into the matrix */
  size_t first_run;
  size_t run_count; /* the platform's choose values, or 1 */
  ev_status status;
  const ev_run *row_run; /* the run the row shows (the chosen one, else the first OOM or failure); NULL: none */
  size_t chosen;         /* index of the chosen value; run_count when none */
  char *message;
} ev_point;

typedef struct {
  const ev_matrix *m;
  ev_point *points; /* precision by precision, context by context, model by model, then platforms */
  size_t point_count;
  ev_run *runs;
  size_t run_count;
} ev_eval;

void ev_eval_plan(const ev_matrix *m, const char *sim, const char *out_dir, ev_eval *ev);
/* After the runs: each point's status, chosen run and message. */
void ev_eval_settle(ev_eval *ev);
void ev_eval_results_csv(const ev_eval *ev, ev_buf *out);
void ev_eval_candidates_csv(const ev_eval *ev, ev_buf *out);
/* The point of (platform, model, context, precision). */
const ev_point *ev_eval_point(const ev_eval *ev, size_t platform, size_t model, size_t context, size_t precision);
void ev_eval_free(ev_eval *ev);
