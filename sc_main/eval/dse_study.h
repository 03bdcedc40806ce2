/* A design-space study (kvnand-dse, and the "dse" entries of a kvnand-eval matrix): for each
 * design of a sweep and each context, KVNAND-D at every split G1+G2 of the die budget and KVNAND-C
 * on the same dies; then per design and context the split with the lowest decode latency among
 * those that fit (docs/evaluation.md). */
#pragma once

#include <stddef.h>

#include "sim_run.h"
#include "sweep_file.h"
#include "text.h"

/* The paper's DSE scales down to 8 IFC dies (REFERENCE.md section 9). */
enum { kEvDefaultDseDies = 8 };

typedef struct {
  const char *model; /* as kvnand-sim gets it */
  const char *label; /* the model's name in the outputs */
  const char *precision;
  const char *accounting;
  const unsigned long long *contexts;
  size_t context_count;
  long long dies; /* die budget; 0: the sweep's, else kEvDefaultDseDies */
  long long tokens;
  const char *discrete_platform;
  const char *compact_platform;
  const char *sweep; /* NULL: one design, the platforms as they are */
  const char *out_dir;
  const char *sim;
} ev_dse_spec;

enum { kEvVariants = 2 }; /* 0: discrete, 1: compact */

typedef struct {
  char *name;                   /* "d1", "d2", ... */
  char *text;                   /* its sweep values, "axis=value, axis=value" ("" without a sweep) */
  size_t *choice;               /* value index per sweep axis */
  long long dies;               /* its die budget */
  ev_strings sets[kEvVariants]; /* sweep values and channel shape, per platform */
} ev_design;

typedef struct {
  size_t design;
  size_t context; /* index into spec.contexts */
  long long g1;   /* weight dies; 0: compact */
  ev_run run;
} ev_dse_run;

typedef struct {
  ev_dse_spec spec;
  ev_sweep sweep;    /* empty without a sweep file */
  char *budget_note; /* how the die budget was set, for the outputs */
  ev_design *designs;
  size_t design_count;
  ev_dse_run *runs; /* design by design, context by context, splits G1 = 1 .. dies-1, then C */
  size_t run_count;
} ev_dse;

/* Reads the sweep and the platforms' channel counts and lays out every run; nothing is written.
 * The spec's strings must outlive d. */
int ev_dse_plan(const ev_dse_spec *spec, ev_dse *d, ev_error *e);
/* "G1=3+G2=5", or "C" for g1 0. */
char *ev_dse_split_name(long long g1, long long dies);
/* 1 when dse.csv or best.csv has a column of this name besides the sweep's (so no axis may take it). */
int ev_dse_is_column(const char *name);
/* dse.csv, best.csv, best.md and run.json in spec.out_dir. */
int ev_dse_write(const ev_dse *d, const char *tool, ev_error *e);
void ev_dse_free(ev_dse *d);
