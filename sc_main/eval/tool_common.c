/* What kvnand-eval and kvnand-dse share (tool_common.h). */
#include "tool_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "eval_limits.h"
#include "out_file.h"

static const double kNsPerS = 1e9;

int ev_option_value(int argc, char **argv, int *i, const char *name, const char **value, ev_error *e) {
  const size_t n = strlen(name);
  if (strncmp(argv[*i], name, n) != 0 || (argv[*i][n] != '=' && argv[*i][n] != '\0')) return 0;
  if (argv[*i][n] == '=')
    *value = argv[*i] + n + 1;
  else if (*i + 1 < argc)
    *value = argv[++*i];
  else
    return ev_fail(e, "%s: missing value", name);
  return 1;
}

int ev_parse_command_line(int argc, char **argv, const ev_command_line *line, ev_error *e) {
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--help") == 0) {
      line->usage(stdout);
      return 1;
    }
    if (strcmp(argv[i], "--version") == 0) {
      printf("%s %s\n", line->program, line->version);
      return 1;
    }
    int matched = 0;
    for (size_t f = 0; f < line->flag_count && !matched; ++f)
      if ((matched = strcmp(argv[i], line->flags[f].name) == 0)) *line->flags[f].set = 1;
    for (size_t j = 0; j < line->value_count && matched == 0; ++j) {
      const char *value = NULL;
      if ((matched = ev_option_value(argc, argv, &i, line->values[j].name, &value, e)) <= 0) continue;
      if (*line->values[j].value != NULL) return ev_fail(e, "%s given twice", line->values[j].name);
      *line->values[j].value = value;
    }
    if (matched < 0) return -1;
    if (matched == 0)
      return ev_fail(e, "%s '%s'", argv[i][0] == '-' ? "unknown option" : "unexpected argument", argv[i]);
  }
  return 0;
}

int ev_parse_count(const char *name, const char *text, long long min, long long max, long long *out, ev_error *e) {
  char *end = NULL;
  const long long v = strtoll(text, &end, 10);
  if (end == text || *end != '\0' || v < min || v > max)
    return ev_fail(e, "%s: expected a whole number from %lld to %lld, got \"%s\"", name, min, max, text);
  *out = v;
  return 0;
}

int ev_parse_fraction(const char *name, const char *text, double *out, ev_error *e) {
  char *end = NULL;
  const double v = strtod(text, &end);
  if (end == text || *end != '\0' || !(v > 0.0 && v < 1.0))
    return ev_fail(e, "%s: expected %s, got \"%s\"", name, EV_FRACTION_ACCEPTED, text);
  *out = v;
  return 0;
}

int ev_parse_contexts(const char *text, unsigned long long **out, size_t *count, ev_error *e) {
  size_t n = 1;
  for (const char *p = text; *p != '\0'; ++p) n += *p == ',';
  *out = ev_alloc_array(n, sizeof **out);
  *count = 0;
  char *copy = ev_strdup(text);
  int rc = 0;
  for (char *item = copy, *next = NULL; item != NULL && rc == 0; item = next) {
    next = strchr(item, ',');
    if (next != NULL) *next++ = '\0';
    long long v = 0;
    rc = ev_parse_count("--contexts", item, 0, kEvMaxContext, &v, e);
    for (size_t j = 0; rc == 0 && j < *count; ++j)
      if ((*out)[j] == (unsigned long long)v) rc = ev_fail(e, "--contexts: %lld appears twice", v);
    if (rc == 0) (*out)[(*count)++] = (unsigned long long)v;
  }
  free(copy);
  return rc;
}

double ev_now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / kNsPerS;
}

long long ev_default_jobs(void) {
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  return cpus > 0 ? cpus : 1;
}

char *ev_beside_self(const char *name) {
  char *dir = ev_self_dir();
  char *path = dir != NULL ? ev_path_join(dir, name) : ev_strdup(name);
  free(dir);
  return path;
}

void ev_count(ev_counts *c, ev_status status) {
  switch (status) {
    case EV_OK:
      ++c->ok;
      break;
    case EV_OOM:
      ++c->oom;
      break;
    case EV_FAILED:
      ++c->failed;
      break;
    case EV_NOT_RUN:
      ++c->not_run;
      break;
  }
}

typedef struct {
  ev_run *const *runs;
  size_t count;
  size_t finished;
  const char *sim;
  int progress;
} run_progress;

static void on_done(void *context, size_t index, const ev_job_result *result) {
  run_progress *p = context;
  ev_run *r = p->runs[index];
  ev_run_finish(r, result, p->sim);
  ++p->finished;
  if (p->progress) ev_run_progress(stderr, r, p->finished, p->count);
}

int ev_run_all(ev_signals *s, ev_run *const *runs, size_t count, size_t jobs, const char *sim, int progress,
               ev_error *e) {
  for (size_t i = 0; i < count; ++i)
    if (ev_run_prepare(runs[i], e) != 0) return -1;
  ev_job *pool_jobs = ev_alloc_array(count, sizeof *pool_jobs);
  ev_job_result *results = ev_alloc_array(count, sizeof *results);
  for (size_t i = 0; i < count; ++i) pool_jobs[i] = (ev_job){runs[i]->argv_null, runs[i]->log_path};
  run_progress p = {runs, count, 0, sim, progress};
  ev_pool_run(s, pool_jobs, count, jobs, results, on_done, &p);
  for (size_t i = 0; i < count; ++i)
    if (results[i].end == EV_JOB_NOT_RUN) ev_run_finish(runs[i], &results[i], sim);
  free(results);
  free(pool_jobs);
  return 0;
}

int ev_plot(ev_signals *s, const char *mode, const char *dir, ev_error *e) {
  char *script = ev_beside_self("kvnand-plot");
  char python[] = KVNAND_PYTHON, quiet[] = "--quiet";
  char *argv[] = {python, script, (char *)mode, (char *)dir, quiet, NULL};
  int rc = 0;
  if (!ev_exists(script)) rc = ev_fail(e, "cannot make figures: no %s", script);
  if (rc == 0) rc = ev_run_program(s, argv, e);
  if (rc > 0) rc = ev_fail(e, "kvnand-plot %s %s failed with exit status %d", mode, dir, rc);
  free(script);
  return rc;
}
