/* The comparison matrix of kvnand-eval (docs/evaluation.md): models x contexts x precisions x
 * platforms, the baseline, the DSE studies to run alongside, and the reference values to compare
 * the results with. Paths inside the file are taken relative to the file; every error names the
 * file and the key path. */
#pragma once

#include <stddef.h>

#include "json_file.h"
#include "text.h"

typedef struct {
  char *name;
  char *file;       /* as kvnand-sim gets it: resolved against the matrix file */
  ev_strings set;   /* "key=value" overrides */
  char *choose_key; /* NULL: no choice */
  ev_strings choose_values;
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
/* A non-empty array of distinct strings, each one of `accepted` when that is not NULL. */
int ev_read_strings(const ev_jnode *node, const char *const *accepted, ev_strings *out, ev_error *e);
/* Contexts: a non-empty array of distinct integers from 0 to 2^32 (kvnand-sim's range). */
int ev_read_contexts(const ev_jnode *node, unsigned long long **out, size_t *count, ev_error *e);
