/* The reference values kvnand-eval sets its results beside (docs/eval-tools.md, "Validation
 * against reference values"): a CSV file of decode tokens/s, or OOM, per cell of the matrix
 * (model, precision, context, platform and, for a "choose" platform, optionally one of its
 * values). It is read and checked against the matrix before any run starts, so every row names a
 * cell the matrix runs; every error names the file, the line and what is accepted. */
#pragma once

#include <stddef.h>

#include "matrix_file.h"
#include "text.h"

typedef struct {
  size_t line;                                /* in the file, 1 = the first */
  size_t model, precision, context, platform; /* indices into the matrix */
  int has_split;
  size_t split;        /* with has_split: index into the values of the platform's choose key (axes[0]) */
  int oom;             /* the reference says the cell runs out of memory */
  double tokens_per_s; /* without oom: positive */
} ev_reference_row;

typedef struct {
  char *path;
  ev_strings source;      /* the comment lines above the header without their '#': where the values come from */
  ev_reference_row *rows; /* in the file's order */
  size_t row_count;
  size_t row_capacity;
} ev_reference;

/* Reads and checks path against the matrix m. */
int ev_reference_load(const char *path, const ev_matrix *m, ev_reference *r, ev_error *e);
void ev_reference_free(ev_reference *r);
