/* kvnand-dse: the design-space exploration of KVNAND (docs/evaluation.md). For a model and
 * precision it runs KVNAND-D at every die split G1+G2 of a die budget and KVNAND-C on the same
 * dies, at each context and for each design of an optional sweep file, as one kvnand-sim process
 * per run; it writes dse.csv, best.csv / best.md (the split with the lowest decode latency among
 * those that fit), run.json and, through kvnand-plot, a heatmap per design and report.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dse_study.h"
#include "eval_limits.h"
#include "matrix_file.h"
#include "out_file.h"
#include "tool_common.h"

static const char kProgram[] = "kvnand-dse";
static const long long kDefaultTokens = 2;

typedef struct {
  const char *model, *precision, *contexts, *dies, *sweep, *out, *jobs, *tokens, *accounting;
  const char *discrete, *compact, *sim;
  int progress, no_plots, quiet;
} options;

static void print_usage(FILE *to) {
  fprintf(to,
          "%s %s: the best die split of KVNAND per context (design-space exploration)\n\n"
          "Usage: %s --model M --precision P --contexts N,N,... --out DIR [--dies D] [--sweep FILE] [--jobs N]\n"
          "          [--tokens T] [--accounting A] [--discrete-platform F] [--compact-platform F] [--sim PATH]\n"
          "          [--progress] [--no-plots] [--quiet]\n\n"
          "  --model M               a name in workloads/ or a workload file\n"
          "  --precision P           bf16, w8a8 or w4a16\n"
          "  --contexts N,N,...      context lengths in tokens, e.g. 128,1024,10240,102400\n"
          "  --out DIR               output folder: dse.csv, best.csv, best.md, heatmap-*.png, report.md, run.json,\n"
          "                          runs/ (one folder per kvnand-sim run)\n"
          "  --dies D                die budget (default: the sweep's \"dies\", else %d); channels.count becomes\n"
          "                          min(the platform's, D) and channels.dies_per_channel D / that\n"
          "  --sweep FILE            more axes: config keys with values to try (or labelled axes of objects that set\n"
          "                          several keys together), every combination a design\n"
          "  --jobs N                kvnand-sim processes at once (default: the online CPUs, here %lld)\n"
          "  --tokens T              tokens generated after the context (default %lld)\n"
          "  --accounting A          faithful (default) or paper\n"
          "  --discrete-platform F   KVNAND-D platform (default %s)\n"
          "  --compact-platform F    KVNAND-C platform (default %s)\n"
          "  --sim PATH              the kvnand-sim to run (default: the one beside %s)\n"
          "  --progress              a line per finished run on stderr (default when stderr is a terminal)\n"
          "  --no-plots              skip kvnand-plot (heatmaps and report.md)\n"
          "  --quiet                 print nothing but errors\n"
          "  --help, --version\n\n"
          "Exit status: 0 every run ended (ok or out of memory), 4 some runs failed (outputs written), 2 bad\n"
          "command line or sweep file (nothing written), 1 an output could not be written, 130 interrupted.\n",
          kProgram, KVNAND_VERSION, kProgram, kEvDefaultDseDies, ev_default_jobs(), kDefaultTokens,
          KVNAND_DEFAULT_DISCRETE, KVNAND_DEFAULT_COMPACT, kProgram);
}

/* 0: run; 1: help or version printed; -1: bad usage (e set). */
static int parse_args(int argc, char **argv, options *o, ev_error *e) {
  const ev_value_option values[] = {
      {"--model", &o->model},       {"--precision", &o->precision}, {"--contexts", &o->contexts},
      {"--dies", &o->dies},         {"--sweep", &o->sweep},         {"--out", &o->out},
      {"--jobs", &o->jobs},         {"--tokens", &o->tokens},       {"--accounting", &o->accounting},
      {"--discrete-platform", &o->discrete}, {"--compact-platform", &o->compact}, {"--sim", &o->sim}};
  const ev_flag_option flags[] = {{"--progress", &o->progress}, {"--no-plots", &o->no_plots}, {"--quiet", &o->quiet}};
  const ev_command_line line = {kProgram, KVNAND_VERSION, print_usage, values, sizeof values / sizeof values[0],
                                flags, sizeof flags / sizeof flags[0]};
  const int parsed = ev_parse_command_line(argc, argv, &line, e);
  if (parsed != 0) return parsed;
  const char *required[] = {o->model, o->precision, o->contexts, o->out};
  const char *const required_names[] = {"--model M", "--precision P", "--contexts N,N,...", "--out DIR"};
  for (size_t j = 0; j < sizeof required / sizeof required[0]; ++j)
    if (required[j] == NULL) return ev_fail(e, "missing %s", required_names[j]);
  return 0;
}

static int one_of(const char *option, const char *value, const char *const *accepted, ev_error *e) {
  for (const char *const *a = accepted; *a != NULL; ++a)
    if (strcmp(*a, value) == 0) return 0;
  ev_buf list = {0};
  for (const char *const *a = accepted; *a != NULL; ++a) ev_buf_addf(&list, "%s%s", a == accepted ? "" : ",", *a);
  ev_fail(e, "%s: %s not in {%s}", option, value, ev_buf_text(&list));
  ev_buf_free(&list);
  return -1;
}

typedef struct {
  char *model;
  char *label;
  unsigned long long *contexts;
  size_t context_count;
  long long dies, jobs, tokens;
  char *sim;
} resolved;

static int resolve(const options *o, resolved *r, ev_error *e) {
  r->model = ev_model_argument("", o->model, &r->label);
  r->jobs = ev_default_jobs();
  r->tokens = kDefaultTokens;
  if (one_of("--precision", o->precision, kEvPrecisions, e) != 0) return -1;
  if (o->accounting != NULL && one_of("--accounting", o->accounting, kEvAccountings, e) != 0) return -1;
  if (ev_parse_contexts(o->contexts, &r->contexts, &r->context_count, e) != 0) return -1;
  if (o->dies != NULL && ev_parse_count("--dies", o->dies, 2, kEvMaxDies, &r->dies, e) != 0) return -1;
  if (o->jobs != NULL && ev_parse_count("--jobs", o->jobs, 1, kEvMaxJobs, &r->jobs, e) != 0) return -1;
  if (o->tokens != NULL && ev_parse_count("--tokens", o->tokens, 1, kEvMaxTokens, &r->tokens, e) != 0) return -1;
  r->sim = o->sim != NULL ? ev_strdup(o->sim) : ev_beside_self("kvnand-sim");
  if (access(r->sim, X_OK) != 0) return ev_fail(e, "--sim: %s is not an executable file", r->sim);
  const char *platforms[] = {o->discrete, o->compact};
  const char *const platform_options[] = {"--discrete-platform", "--compact-platform"};
  for (size_t i = 0; i < 2; ++i)
    if (platforms[i] != NULL && !ev_exists(platforms[i]))
      return ev_fail(e, "%s: %s does not exist", platform_options[i], platforms[i]);
  return 0;
}

static void free_resolved(resolved *r) {
  free(r->model);
  free(r->label);
  free(r->contexts);
  free(r->sim);
}

int main(int argc, char **argv) {
  ev_signals signals;
  ev_signals_block(&signals);
  options o;
  memset(&o, 0, sizeof o);
  ev_error e;
  const int parsed = parse_args(argc, argv, &o, &e);
  if (parsed > 0) return kEvExitOk;
  resolved r = {0};
  const int usage_error = parsed < 0 || resolve(&o, &r, &e) != 0;
  const ev_dse_spec spec = {r.model,
                            r.label,
                            o.precision,
                            o.accounting != NULL ? o.accounting : kEvAccountings[0],
                            r.contexts,
                            r.context_count,
                            r.dies,
                            r.tokens,
                            o.discrete != NULL ? o.discrete : KVNAND_DEFAULT_DISCRETE,
                            o.compact != NULL ? o.compact : KVNAND_DEFAULT_COMPACT,
                            o.sweep,
                            o.out,
                            r.sim};
  ev_dse d = {0};
  int rc = usage_error ? -1 : ev_dse_plan(&spec, &d, &e);
  if (rc == 0) rc = ev_mkdirs(o.out, &e);
  if (rc != 0) {
    fprintf(stderr, "%s: %s\n%s", kProgram, e.text, usage_error ? "Run with --help for usage.\n" : "");
    ev_dse_free(&d);
    free_resolved(&r);
    return kEvExitBadInput;
  }
  if (!o.quiet && d.sweep.axis_count > 0)
    printf("%s: %zu designs from %s (%s)\n", kProgram, d.design_count, o.sweep, d.budget_note);
  ev_run **runs = ev_alloc_array(d.run_count, sizeof *runs);
  for (size_t i = 0; i < d.run_count; ++i) runs[i] = &d.runs[i].run;
  const double start_s = ev_now_s();
  const int progress = o.progress || (!o.quiet && isatty(STDERR_FILENO));
  rc = ev_run_all(&signals, runs, d.run_count, (size_t)r.jobs, r.sim, progress, &e);
  const double wall_s = ev_now_s() - start_s;
  ev_counts counts = {0, 0, 0, 0};
  for (size_t i = 0; i < d.run_count; ++i) ev_count(&counts, runs[i]->status);
  char *tool = ev_printf("%s %s", kProgram, KVNAND_VERSION);
  if (rc == 0) rc = ev_dse_write(&d, tool, &e);
  free(tool);
  if (rc == 0 && !o.no_plots && !signals.interrupted) rc = ev_plot(&signals, "dse", o.out, &e);
  if (rc != 0) fprintf(stderr, "%s: %s\n", kProgram, e.text);
  if (!o.quiet && !signals.interrupted) {
    char *best_path = ev_path_join(o.out, "best.md");
    char *best = ev_read_text(best_path);
    if (best != NULL) fputs(best, stdout);
    free(best);
    free(best_path);
  }
  if (!o.quiet || signals.interrupted) {
    printf("%s: %zu runs: %zu ok, %zu oom, %zu failed", kProgram, d.run_count, counts.ok, counts.oom, counts.failed);
    if (counts.not_run > 0) printf(", %zu not run", counts.not_run);
    printf(" in %.1f s wall; outputs in %s\n", wall_s, o.out);
  }
  free(runs);
  ev_dse_free(&d);
  free_resolved(&r);
  if (signals.interrupted) return kEvExitInterrupted;
  if (rc != 0) return kEvExitOutputs;
  return counts.failed > 0 ? kEvExitRunsFailed : kEvExitOk;
}
