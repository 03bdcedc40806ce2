/* What kvnand-eval and kvnand-dse share: option parsing, the tools next to the executable
 * (kvnand-sim, kvnand-plot), running a list of kvnand-sim runs with a progress line per run, and
 * the call of kvnand-plot. */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "process_pool.h"
#include "sim_run.h"
#include "text.h"

/* Exit statuses of kvnand-eval and kvnand-dse (docs/evaluation.md). */
enum {
  kEvExitOk = 0,
  kEvExitOutputs = 1, /* an output could not be written, or kvnand-plot failed */
  kEvExitBadInput = 2,
  kEvExitRunsFailed = 4,
  kEvExitInterrupted = 130,
};

/* "--name VALUE" or "--name=VALUE" at argv[*i]: 1 and *value set, 0 if argv[*i] is another
 * option, -1 (e set) if the value is missing. */
int ev_option_value(int argc, char **argv, int *i, const char *name, const char **value, ev_error *e);
/* A command line's options: "--name VALUE" options and flags. */
typedef struct {
  const char *name;
  const char **value;
} ev_value_option;
typedef struct {
  const char *name;
  int *set;
} ev_flag_option;
typedef struct {
  const char *program;
  const char *version;
  void (*usage)(FILE *out);
  const ev_value_option *values;
  size_t value_count;
  const ev_flag_option *flags;
  size_t flag_count;
} ev_command_line;

/* Reads argv against the table: each value option at most once, each flag sets its int; --help
 * (usage to stdout) and --version print and give 1; 0 when the tool should run; -1 (e set) for an
 * unknown option, an unexpected argument, a missing or repeated value. */
int ev_parse_command_line(int argc, char **argv, const ev_command_line *line, ev_error *e);
/* A whole number from min to max for option `name`. */
int ev_parse_count(const char *name, const char *text, long long min, long long max, long long *out, ev_error *e);
/* A number greater than 0 and less than 1 for option `name` (a tolerance). */
int ev_parse_fraction(const char *name, const char *text, double *out, ev_error *e);
/* "128,1024,10240": distinct contexts from 0 to 2^32. */
int ev_parse_contexts(const char *text, unsigned long long **out, size_t *count, ev_error *e);
/* Wall-clock seconds from a fixed point (CLOCK_MONOTONIC), for durations. */
double ev_now_s(void);
/* The online CPUs: the default of --jobs. */
long long ev_default_jobs(void);
/* `name` in the folder of the running executable (kvnand-sim, kvnand-plot). */
char *ev_beside_self(const char *name);

typedef struct {
  size_t ok, oom, failed, not_run;
} ev_counts;

void ev_count(ev_counts *c, ev_status status);

/* Prepares every run folder, then runs them all, `jobs` at once; each run is finished (status,
 * message, report) as it ends and, with `progress`, gets a line on stderr. Returns -1 (e set) when
 * a run folder cannot be made, else 0; an interrupt leaves s->interrupted set. */
int ev_run_all(ev_signals *s, ev_run *const *runs, size_t count, size_t jobs, const char *sim, int progress,
               ev_error *e);

/* Runs "<python> kvnand-plot <mode> <dir> --quiet" (figures and report.md; the tool's own summary
 * names the output folder). */
int ev_plot(ev_signals *s, const char *mode, const char *dir, ev_error *e);
