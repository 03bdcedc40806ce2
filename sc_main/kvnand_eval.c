/* kvnand-eval: runs a comparison matrix (platforms x models x contexts x precisions, plus DSE
 * studies) as one kvnand-sim process per run, `--jobs` at once, and writes results.csv,
 * candidates.csv, speedup.csv / speedup.md, the DSE outputs, run.json, with reference values
 * validation.csv / validation.md, and, through kvnand-plot, the figures and report.md
 * (docs/evaluation.md). Everything is checked before anything is written; a failed run is a row
 * that says so, and Ctrl-C keeps what finished. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "dse_study.h"
#include "eval_limits.h"
#include "eval_points.h"
#include "matrix_file.h"
#include "out_file.h"
#include "reference_file.h"
#include "speedup.h"
#include "tool_common.h"
#include "validation.h"

static const char kProgram[] = "kvnand-eval";

typedef struct {
  const char *matrix;
  const char *out;
  const char *baseline;
  const char *sim;
  const char *reference;
  double tolerance; /* 0: not given */
  long long jobs;
  int progress;
  int no_plots;
  int quiet;
} options;

static void print_usage(FILE *to) {
  fprintf(to,
          "%s %s: runs a comparison matrix of kvnand-sim runs and writes tables, figures and a report\n\n"
          "Usage: %s [--matrix FILE] --out DIR [--jobs N] [--baseline NAME] [--reference FILE] [--tolerance X]\n"
          "       [--sim PATH] [--progress] [--no-plots] [--quiet]\n\n"
          "  --matrix FILE    comparison matrix (default %s)\n"
          "  --out DIR        output folder: results.csv, candidates.csv, speedup.csv, speedup.md, figures/,\n"
          "                   report.md, run.json, dse/, runs/ (one folder per kvnand-sim run)\n"
          "  --jobs N         kvnand-sim processes at once (default: the online CPUs, here %lld)\n"
          "  --baseline NAME  the platform the speed-ups divide by (default: the matrix's \"baseline\")\n"
          "  --reference FILE reference values to set the results beside (CSV: model,precision,context,platform,\n"
          "                   split,tokens_per_s; default: the matrix's \"reference\"): writes validation.csv and\n"
          "                   validation.md and prints a summary line per platform\n"
          "  --tolerance X    a cell agrees when |ours / reference - 1| <= X, 0 < X < 1 (default: the matrix's\n"
          "                   \"tolerance\", else %g)\n"
          "  --sim PATH       the kvnand-sim to run (default: the one beside %s)\n"
          "  --progress       a line per finished run on stderr (default when stderr is a terminal)\n"
          "  --no-plots       skip kvnand-plot (figures/ and report.md)\n"
          "  --quiet          print nothing but errors\n"
          "  --help           print this help and exit\n"
          "  --version        print the version and exit\n\n"
          "Exit status: 0 every point ran (ok or out of memory), 4 some runs failed (outputs written),\n"
          "2 bad command line, matrix or reference file (nothing written), 1 an output could not be written,\n"
          "130 interrupted.\n",
          kProgram, KVNAND_VERSION, kProgram, KVNAND_DEFAULT_MATRIX, ev_default_jobs(), kEvDefaultTolerance, kProgram);
}

/* 0: run; 1: help or version printed; -1: bad usage (e set). */
static int parse_args(int argc, char **argv, options *o, ev_error *e) {
  const char *jobs = NULL, *tolerance = NULL;
  const ev_value_option values[] = {{"--matrix", &o->matrix},       {"--out", &o->out}, {"--baseline", &o->baseline},
                                    {"--reference", &o->reference}, {"--sim", &o->sim}, {"--jobs", &jobs},
                                    {"--tolerance", &tolerance}};
  const ev_flag_option flags[] = {{"--progress", &o->progress}, {"--no-plots", &o->no_plots}, {"--quiet", &o->quiet}};
  const ev_command_line line = {kProgram, KVNAND_VERSION, print_usage, values, sizeof values / sizeof values[0],
                                flags, sizeof flags / sizeof flags[0]};
  const int parsed = ev_parse_command_line(argc, argv, &line, e);
  if (parsed != 0) return parsed;
  if (o->out == NULL) return ev_fail(e, "missing --out DIR");
  o->jobs = ev_default_jobs();
  if (jobs != NULL && ev_parse_count("--jobs", jobs, 1, kEvMaxJobs, &o->jobs, e) != 0) return -1;
  if (tolerance != NULL && ev_parse_fraction("--tolerance", tolerance, &o->tolerance, e) != 0) return -1;
  if (o->matrix == NULL) o->matrix = KVNAND_DEFAULT_MATRIX;
  return 0;
}

typedef struct {
  ev_matrix matrix;
  ev_eval eval;
  ev_dse *studies;
  char **study_dirs;
  ev_dse_spec *specs;
  size_t planned; /* studies planned so far */
  int has_reference;
  ev_reference reference;
  double tolerance;
  char *default_discrete;
  char *default_compact;
} plan;

/* The reference values (--reference wins over the matrix's) and the tolerance, checked against the
 * matrix; a tolerance without anything to compare is a mistake worth saying. */
static int load_reference(const options *o, plan *p, ev_error *e) {
  const ev_matrix *m = &p->matrix;
  p->tolerance = o->tolerance > 0.0 ? o->tolerance : m->tolerance > 0.0 ? m->tolerance : kEvDefaultTolerance;
  if (o->reference == NULL && m->reference == NULL) {
    if (o->tolerance > 0.0)
      return ev_fail(e, "--tolerance: there are no reference values to compare with; give --reference FILE");
    if (m->tolerance > 0.0)
      return ev_fail(e,
                     "%s: tolerance: there are no reference values to compare with; add \"reference\" or give "
                     "--reference FILE",
                     m->path);
    return 0;
  }
  char *path = ev_canonical(ev_strdup(o->reference != NULL ? o->reference : m->reference));
  const int rc = ev_reference_load(path, m, &p->reference, e);
  free(path);
  p->has_reference = rc == 0;
  return rc;
}

/* Every run of the matrix and its studies, checked; nothing written. */
static int make_plan(const options *o, const char *sim, plan *p, ev_error *e) {
  if (ev_matrix_load(o->matrix, o->baseline, &p->matrix, e) != 0 || load_reference(o, p, e) != 0) return -1;
  const ev_matrix *m = &p->matrix;
  ev_eval_plan(m, sim, o->out, &p->eval);
  p->studies = ev_alloc_array(m->dse_count, sizeof *p->studies);
  p->study_dirs = ev_alloc_array(m->dse_count, sizeof *p->study_dirs);
  p->specs = ev_alloc_array(m->dse_count, sizeof *p->specs);
  p->default_discrete = ev_strdup(KVNAND_DEFAULT_DISCRETE);
  p->default_compact = ev_strdup(KVNAND_DEFAULT_COMPACT);
  for (size_t i = 0; i < m->dse_count; ++i) {
    const ev_dse_entry *d = &m->dse[i];
    char *name = ev_printf("dse/%s-%s", d->label, d->precision);
    char *safe = ev_file_safe(name + strlen("dse/"));
    p->study_dirs[i] = ev_printf("%s/dse/%s", o->out, safe);
    free(safe);
    free(name);
    p->specs[i] = (ev_dse_spec){d->model,
                                d->label,
                                d->precision,
                                d->accounting,
                                d->contexts,
                                d->context_count,
                                d->dies,
                                d->tokens,
                                d->discrete_platform != NULL ? d->discrete_platform : p->default_discrete,
                                d->compact_platform != NULL ? d->compact_platform : p->default_compact,
                                d->sweep,
                                p->study_dirs[i],
                                sim};
    if (ev_dse_plan(&p->specs[i], &p->studies[i], e) != 0) {
      char *where = ev_printf("%s: dse[%zu] (%s at %s): ", m->path, i, d->label, d->precision);
      ev_fail_within(e, where);
      free(where);
      return -1;
    }
    ++p->planned;
  }
  return 0;
}

static void free_plan(plan *p) {
  for (size_t i = 0; i < p->planned; ++i) ev_dse_free(&p->studies[i]);
  for (size_t i = 0; p->study_dirs != NULL && i < p->matrix.dse_count; ++i) free(p->study_dirs[i]);
  ev_eval_free(&p->eval);
  if (p->has_reference) ev_reference_free(&p->reference);
  ev_matrix_free(&p->matrix);
  free(p->studies);
  free(p->study_dirs);
  free(p->specs);
  free(p->default_discrete);
  free(p->default_compact);
}

/* cJSON_CreateStringArray refuses an empty list. */
static cJSON *string_array(const ev_strings *l) {
  cJSON *array = cJSON_CreateArray();
  for (size_t i = 0; i < l->count; ++i) cJSON_AddItemToArray(array, cJSON_CreateString(l->items[i]));
  return array;
}

static cJSON *run_record(const options *o, const plan *p, const char *sim, const ev_counts *points, double wall_s,
                         int interrupted) {
  const ev_matrix *m = &p->matrix;
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "tool", kProgram);
  cJSON_AddStringToObject(j, "version", KVNAND_VERSION);
  cJSON_AddStringToObject(j, "matrix", m->path);
  cJSON_AddStringToObject(j, "sim", sim);
  cJSON_AddNumberToObject(j, "jobs", (double)o->jobs);
  cJSON_AddStringToObject(j, "baseline", m->baseline);
  if (p->has_reference) {
    cJSON_AddStringToObject(j, "reference", p->reference.path);
    cJSON_AddNumberToObject(j, "tolerance", p->tolerance);
  } else {
    cJSON_AddNullToObject(j, "reference");
    cJSON_AddNullToObject(j, "tolerance");
  }
  cJSON_AddItemToObject(j, "models", string_array(&m->model_labels));
  cJSON *contexts = cJSON_AddArrayToObject(j, "contexts");
  for (size_t c = 0; c < m->context_count; ++c)
    cJSON_AddItemToArray(contexts, cJSON_CreateNumber((double)m->contexts[c]));
  cJSON_AddItemToObject(j, "precisions", string_array(&m->precisions));
  cJSON_AddNumberToObject(j, "tokens", (double)m->tokens);
  cJSON_AddStringToObject(j, "accounting", m->accounting);
  cJSON *platforms = cJSON_AddArrayToObject(j, "platforms");
  for (size_t i = 0; i < m->platform_count; ++i) {
    const ev_platform_entry *pl = &m->platforms[i];
    cJSON *item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "name", pl->name);
    cJSON_AddStringToObject(item, "file", pl->file);
    cJSON_AddItemToObject(item, "set", string_array(&pl->set));
    const ev_choose *c = &pl->choose;
    if (c->axis_count > 0) {
      cJSON *choose = cJSON_AddObjectToObject(item, "choose");
      cJSON_AddStringToObject(choose, "key", c->axes[0].key);
      cJSON_AddItemToObject(choose, "values", string_array(&c->axes[0].values));
      cJSON *also = c->axis_count > 1 ? cJSON_AddObjectToObject(choose, "also") : NULL;
      for (size_t a = 1; a < c->axis_count; ++a)
        cJSON_AddItemToObject(also, c->axes[a].key, string_array(&c->axes[a].values));
    }
    cJSON_AddItemToArray(platforms, item);
  }
  cJSON *dse = cJSON_AddArrayToObject(j, "dse");
  for (size_t i = 0; i < m->dse_count; ++i)
    cJSON_AddItemToArray(dse, cJSON_CreateString(p->study_dirs[i] + strlen(o->out) + 1));
  cJSON *counts = cJSON_AddObjectToObject(j, "points");
  cJSON_AddNumberToObject(counts, "ok", (double)points->ok);
  cJSON_AddNumberToObject(counts, "oom", (double)points->oom);
  cJSON_AddNumberToObject(counts, "failed", (double)points->failed);
  cJSON_AddNumberToObject(counts, "not_run", (double)points->not_run);
  cJSON_AddNumberToObject(j, "wall_s", wall_s);
  cJSON_AddBoolToObject(j, "interrupted", interrupted);
  return j;
}

typedef void (*table_writer)(const ev_eval *, ev_buf *);
typedef void (*validation_writer)(const ev_validation *, ev_buf *);

/* Writes text as <out>/<name> and frees it. */
static int write_text(const char *out, const char *name, ev_buf *text, ev_error *e) {
  char *path = ev_path_join(out, name);
  const int rc = ev_write_file(path, ev_buf_text(text), text->length, e);
  free(path);
  ev_buf_free(text);
  return rc;
}

/* `validation`: NULL when there are no reference values. */
static int write_outputs(const options *o, const plan *p, const ev_validation *validation, const char *sim,
                         const ev_counts *points, double wall_s, int interrupted, ev_error *e) {
  static const char *const kNames[] = {"results.csv", "candidates.csv", "speedup.csv", "speedup.md"};
  const table_writer writers[] = {ev_eval_results_csv, ev_eval_candidates_csv, ev_speedup_csv, ev_speedup_md};
  static const char *const kValidationNames[] = {"validation.csv", "validation.md"};
  const validation_writer validation_writers[] = {ev_validation_csv, ev_validation_md};
  int rc = 0;
  for (size_t i = 0; i < sizeof writers / sizeof writers[0] && rc == 0; ++i) {
    ev_buf text = {0};
    writers[i](&p->eval, &text);
    rc = write_text(o->out, kNames[i], &text, e);
  }
  for (size_t i = 0; validation != NULL && i < sizeof validation_writers / sizeof validation_writers[0] && rc == 0;
       ++i) {
    ev_buf text = {0};
    validation_writers[i](validation, &text);
    rc = write_text(o->out, kValidationNames[i], &text, e);
  }
  char *tool = ev_printf("%s %s", kProgram, KVNAND_VERSION);
  for (size_t i = 0; i < p->matrix.dse_count && rc == 0; ++i) rc = ev_dse_write(&p->studies[i], tool, e);
  free(tool);
  if (rc != 0) return rc;
  cJSON *record = run_record(o, p, sim, points, wall_s, interrupted);
  char *printed = cJSON_Print(record);
  ev_buf text = {0};
  ev_buf_addf(&text, "%s\n", printed);
  rc = write_text(o->out, "run.json", &text, e);
  cJSON_free(printed);
  cJSON_Delete(record);
  return rc;
}

/* The eval runs, then every study's, as one list for the pool. */
static ev_run **all_runs(const plan *p, size_t *count) {
  *count = p->eval.run_count;
  for (size_t i = 0; i < p->matrix.dse_count; ++i) *count += p->studies[i].run_count;
  ev_run **runs = ev_alloc_array(*count, sizeof *runs);
  size_t n = 0;
  for (size_t i = 0; i < p->eval.run_count; ++i) runs[n++] = &p->eval.runs[i];
  for (size_t i = 0; i < p->matrix.dse_count; ++i)
    for (size_t r = 0; r < p->studies[i].run_count; ++r) runs[n++] = &p->studies[i].runs[r].run;
  return runs;
}

static int bad_input(const char *message, int usage) {
  fprintf(stderr, "%s: %s\n%s", kProgram, message, usage ? "Run with --help for usage.\n" : "");
  return kEvExitBadInput;
}

int main(int argc, char **argv) {
  ev_signals signals;
  ev_signals_block(&signals);
  options o = {0};
  ev_error e;
  const int parsed = parse_args(argc, argv, &o, &e);
  if (parsed != 0) return parsed > 0 ? kEvExitOk : bad_input(e.text, 1);
  char *sim = o.sim != NULL ? ev_strdup(o.sim) : ev_beside_self("kvnand-sim");
  if (access(sim, X_OK) != 0) {
    snprintf(e.text, sizeof e.text, "--sim: %s is not an executable file", sim);
    free(sim);
    return bad_input(e.text, 0);
  }
  plan p = {0};
  if (make_plan(&o, sim, &p, &e) != 0 || ev_mkdirs(o.out, &e) != 0) {
    free_plan(&p);
    free(sim);
    return bad_input(e.text, 0);
  }
  size_t run_count = 0;
  ev_run **runs = all_runs(&p, &run_count);
  const double start_s = ev_now_s();
  const int progress = o.progress || (!o.quiet && isatty(STDERR_FILENO));
  int rc = ev_run_all(&signals, runs, run_count, (size_t)o.jobs, sim, progress, &e);
  const double wall_s = ev_now_s() - start_s;
  ev_eval_settle(&p.eval);
  ev_counts points = {0, 0, 0, 0}, all = {0, 0, 0, 0};
  for (size_t i = 0; i < p.eval.point_count; ++i) ev_count(&points, p.eval.points[i].status);
  for (size_t i = 0; i < run_count; ++i) ev_count(&all, runs[i]->status);
  ev_validation validation = {0};
  if (p.has_reference) ev_validation_make(&p.eval, &p.reference, p.tolerance, &validation);
  const ev_validation *compared = p.has_reference ? &validation : NULL;
  if (rc == 0) rc = write_outputs(&o, &p, compared, sim, &points, wall_s, signals.interrupted, &e);
  if (rc == 0 && !o.no_plots && !signals.interrupted) rc = ev_plot(&signals, "eval", o.out, &e);
  if (rc != 0) fprintf(stderr, "%s: %s\n", kProgram, e.text);
  if (compared != NULL && !o.quiet) ev_validation_print(compared, stdout);
  if (!o.quiet || signals.interrupted) {
    printf("%s: %zu points: %zu ok, %zu oom, %zu failed", kProgram, p.eval.point_count, points.ok, points.oom,
           points.failed);
    if (points.not_run > 0) printf(", %zu not run", points.not_run);
    printf("; %zu runs (%zu failed) in %.1f s wall; outputs in %s\n", run_count, all.failed, wall_s, o.out);
  }
  ev_validation_free(&validation);
  free(runs);
  free_plan(&p);
  free(sim);
  if (signals.interrupted) return kEvExitInterrupted;
  if (rc != 0) return kEvExitOutputs;
  return all.failed > 0 ? kEvExitRunsFailed : kEvExitOk;
}
