/* The comparison matrix of kvnand-eval (docs/evaluation.md): models x contexts x precisions x
 * platforms, the baseline, the DSE studies to run alongside, and the reference values to compare
 * the results with. Paths inside the file are taken relative to the file; every error names the
 * file and the key path. */
#pragma once

#include <stddef.h>

#include "json_file.h"
#include "text.h"

/* One key of a platform's "choose" and the values tried for it. */
typedef struct {
  char *key; /* a config key path, as kvnand-sim --set takes it */
  ev_strings values;
} ev_choose_axis;

/* A platform's "choose": axes[0] is its "key" and "values", then come its "also" keys in file
 * order. A point runs every combination of one value per key (at most kEvMaxChooseRuns), the
 * first key outermost, the last fastest; run r of a point is the combination ev_choose_value
 * gives. */
typedef struct {
  ev_choose_axis *axes;
  size_t axis_count; /* 0: no choice */
} ev_choose;

typedef struct {
  char *name;
  char *file;     /* as kvnand-sim gets it: resolved against the matrix file */
  ev_strings set; /* "key=value" overrides */
  ev_choose choose;
} ev_platform_entry;

typedef struct {
  char *model; /* as kvnand-sim gets it */
  char *label; /* as the outputs name it: the name, or a file's name without ".json" */
  char *precision;
  unsigned long long *contexts;
  size_t context_count;
  long long dies; /* 0: the sweep's, else 8 */
  long long tokens;
  char *accounting;
  char *sweep;             /* NULL: none */
  char *discrete_platform; /* NULL: the default */
  char *compact_platform;  /* NULL: the default */
} ev_dse_entry;

typedef struct {
  char *path;
  ev_strings models; /* as kvnand-sim gets them */
  ev_strings model_labels;
  unsigned long long *contexts;
  size_t context_count;
  ev_strings precisions;
  long long tokens;
  char *accounting;
  char *baseline; /* a platform's name */
  ev_platform_entry *platforms;
  size_t platform_count;
  ev_dse_entry *dse;
  size_t dse_count;
  char *reference;  /* the reference values to compare with (a CSV file); NULL: none */
  double tolerance; /* of that comparison; 0: not given */
} ev_matrix;

/* Decode precisions and accountings kvnand-sim accepts (docs/user-guide.md); NULL-terminated. */
extern const char *const kEvPrecisions[];
extern const char *const kEvAccountings[];

/* Reads and checks path; `baseline` (NULL: the file's) replaces the file's baseline. */
int ev_matrix_load(const char *path, const char *baseline, ev_matrix *m, ev_error *e);
void ev_matrix_free(ev_matrix *m);

/* A model as written in a file: a bare name is kept for workloads/; one with '/' or ending in
 * ".json" is a path taken relative to `file`. *label: the name the outputs use. */
char *ev_model_argument(const char *file, const char *model, char **label);
/* Runs of one point: the product of the choice's value counts; 1 without a choice. */
size_t ev_choose_runs(const ev_choose *c);
/* The index into axes[axis].values of the value run `run` of a point takes. */
size_t ev_choose_value(const ev_choose *c, size_t run, size_t axis);
/* The settings of run `run` on the axes from first_axis on, "key=value" joined by `separator`
 * ("dataflow.g2_dies=3;dataflow.head_groups_per_step=2"); short_keys keeps only each key's last
 * part ("g2_dies=3"). "" when there are no such axes. */
char *ev_choose_text(const ev_choose *c, size_t run, size_t first_axis, const char *separator, int short_keys);
/* The keys from first_axis on joined by " x " ("dataflow.g2_dies x dataflow.head_groups_per_step"),
 * for messages; "" when there are none. */
char *ev_choose_keys(const ev_choose *c, size_t first_axis);

/* A non-empty array of distinct strings, each one of `accepted` when that is not NULL. */
int ev_read_strings(const ev_jnode *node, const char *const *accepted, ev_strings *out, ev_error *e);
/* Contexts: a non-empty array of distinct integers from 0 to 2^32 (kvnand-sim's range). */
int ev_read_contexts(const ev_jnode *node, unsigned long long **out, size_t *count, ev_error *e);
