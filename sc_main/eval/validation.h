/* kvnand-eval's results set beside reference values, cell by cell (docs/eval-tools.md,
 * "Validation against reference values"): per reference row our tokens/s at the reference's
 * split, their ratio and a verdict by the tolerance, and for a "choose" platform the same for the
 * run it chose; per platform how many cells agree, written as validation.csv, validation.md and
 * the summary lines kvnand-eval prints. */
#pragma once

#include <stdio.h>

#include "eval_points.h"
#include "reference_file.h"
#include "text.h"

typedef enum {
  EV_WITHIN,        /* |ratio - 1| <= tolerance */
  EV_ABOVE,         /* ours is faster by more than the tolerance */
  EV_BELOW,         /* ours is slower by more than the tolerance */
  EV_BOTH_OOM,      /* both say the cell runs out of memory */
  EV_REFERENCE_OOM, /* the reference says out of memory, ours ran */
  EV_OURS_OOM,      /* ours ran out of memory, the reference has a number */
  EV_RUN_FAILED,
  EV_RUN_NOT_RUN
} ev_verdict;

/* One of our runs against one reference value. */
typedef struct {
  ev_verdict verdict;
  int has_ours;  /* our run fits: within, above, below, reference_oom */
  double ours;   /* its tokens/s */
  int has_ratio; /* both have numbers: within, above, below */
  double ratio;  /* ours / reference */
} ev_comparison;

typedef struct {
  const ev_reference_row *reference;
  const ev_point *point; /* the reference's cell without its split */
  ev_comparison given;   /* the run at the reference's split (the fastest that fits over the choice's "also"
                            keys); without a split, the point's result */
  size_t given_run;      /* with a split: that run among the point's; the point's run_count when none fits */
  ev_comparison best;    /* the point's result: for a "choose" platform the chosen run */
} ev_validation_row;

typedef struct {
  const ev_eval *ev;
  const ev_reference *reference;
  double tolerance;
  ev_validation_row *rows; /* one per reference row, in its order */
} ev_validation;

/* Compares after the runs have settled (ev_eval_settle). */
void ev_validation_make(const ev_eval *ev, const ev_reference *reference, double tolerance, ev_validation *v);
void ev_validation_free(ev_validation *v);

void ev_validation_csv(const ev_validation *v, ev_buf *out);
void ev_validation_md(const ev_validation *v, ev_buf *out);
/* "validation: <platform> 18 of 20 within +-10% (geomean 0.96, worst 0.88)", a line per platform. */
void ev_validation_print(const ev_validation *v, FILE *to);
