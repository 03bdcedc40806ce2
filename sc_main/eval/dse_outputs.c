/* Outputs of a design-space study (dse_study.h): dse.csv, best.csv, best.md, run.json. */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "csv_table.h"
#include "dse_study.h"
#include "out_file.h"

static const double kMsPerS = 1e3;
static const double kPercent = 100.0;

/* The columns of dse.csv and best.csv after "design" and the sweep's. */
static const char *const kDseColumns[] = {
    "dies",   "model",   "precision",           "tokens",       "split",   "g1", "g2", "context",
    "status", "message", "latency_per_token_s", "tokens_per_s", "run_dir", NULL};
static const char *const kBestColumns[] = {"dies",
                                           "context",
                                           "status",
                                           "best_split",
                                           "best_g1",
                                           "best_g2",
                                           "latency_per_token_s",
                                           "tokens_per_s",
                                           "runner_up_split",
                                           "runner_up_latency_per_token_s",
                                           "margin",
                                           "fit",
                                           "oom",
                                           "failed",
                                           NULL};

int ev_dse_is_column(const char *name) {
  const char *const *lists[] = {kDseColumns, kBestColumns};
  for (size_t l = 0; l < 2; ++l)
    for (const char *const *c = lists[l]; *c != NULL; ++c)
      if (strcmp(*c, name) == 0) return 1;
  return strcmp(name, "design") == 0;
}

/* The best and runner-up split of one (design, context) among the runs that fit. */
typedef struct {
  const ev_dse_run *best;
  const ev_dse_run *runner_up;
  size_t fit, oom, failed; /* failed counts runs that did not run too */
} ev_choice;

/* Strictly lower wins, so a tie goes to the split that comes first (G1 = 1 first, C last). */
static ev_choice choose(const ev_dse_run *runs, size_t count) {
  ev_choice c = {NULL, NULL, 0, 0, 0};
  for (size_t i = 0; i < count; ++i) {
    const ev_run *r = &runs[i].run;
    if (r->status == EV_OOM) ++c.oom;
    if (r->status == EV_FAILED || r->status == EV_NOT_RUN) ++c.failed;
    if (r->status != EV_OK) continue;
    ++c.fit;
    const double latency = r->report.latency_per_token_s;
    if (c.best == NULL || latency < c.best->run.report.latency_per_token_s) {
      c.runner_up = c.best;
      c.best = &runs[i];
    } else if (c.runner_up == NULL || latency < c.runner_up->run.report.latency_per_token_s) {
      c.runner_up = &runs[i];
    }
  }
  return c;
}

static const char *choice_status(const ev_choice *c) {
  if (c->fit > 0) return "ok";
  return c->failed == 0 ? "all OOM" : "no result";
}

static void set_design(ev_table *t, size_t row, const ev_dse *d, const ev_design *g) {
  ev_table_set(t, row, EV_SECTION_FIXED, "design", g->name);
  for (size_t a = 0; a < d->sweep.axis_count; ++a)
    ev_table_set(t, row, EV_SECTION_FIXED, d->sweep.axes[a].key, d->sweep.axes[a].values.items[g->choice[a]]);
  char dies[32];
  snprintf(dies, sizeof dies, "%lld", g->dies);
  ev_table_set(t, row, EV_SECTION_FIXED, "dies", dies);
}

static void set_split(ev_table *t, size_t row, const char *prefix, const ev_dse_run *r, long long dies) {
  char column[64], number[32];
  char *split = ev_dse_split_name(r->g1, dies);
  snprintf(column, sizeof column, "%ssplit", prefix);
  ev_table_set(t, row, EV_SECTION_FIXED, column, split);
  free(split);
  const long long parts[] = {r->g1, dies - r->g1};
  const char *names[] = {"g1", "g2"};
  for (size_t i = 0; i < 2; ++i) {
    snprintf(column, sizeof column, "%s%s", prefix, names[i]);
    snprintf(number, sizeof number, "%lld", parts[i]);
    ev_table_set(t, row, EV_SECTION_FIXED, column, r->g1 != 0 ? number : "");
  }
}

static void dse_csv(const ev_dse *d, ev_buf *out) {
  ev_table t;
  ev_table_init(&t, (const char *const[]){"design", NULL});
  for (size_t a = 0; a < d->sweep.axis_count; ++a) ev_table_add_fixed(&t, d->sweep.axes[a].key);
  for (const char *const *c = kDseColumns; *c != NULL; ++c) ev_table_add_fixed(&t, *c);
  for (size_t i = 0; i < d->run_count; ++i) {
    const ev_dse_run *r = &d->runs[i];
    const ev_design *g = &d->designs[r->design];
    const size_t row = ev_table_add_row(&t);
    char number[32];
    set_design(&t, row, d, g);
    ev_table_set(&t, row, EV_SECTION_FIXED, "model", d->spec.label);
    ev_table_set(&t, row, EV_SECTION_FIXED, "precision", d->spec.precision);
    snprintf(number, sizeof number, "%lld", d->spec.tokens);
    ev_table_set(&t, row, EV_SECTION_FIXED, "tokens", number);
    set_split(&t, row, "", r, g->dies);
    snprintf(number, sizeof number, "%llu", d->spec.contexts[r->context]);
    ev_table_set(&t, row, EV_SECTION_FIXED, "context", number);
    ev_table_set(&t, row, EV_SECTION_FIXED, "status", ev_status_name(r->run.status));
    ev_table_set(&t, row, EV_SECTION_FIXED, "message", r->run.message);
    ev_table_set(&t, row, EV_SECTION_FIXED, "run_dir", r->run.relative);
    if (r->run.has_report) ev_table_set_report(&t, row, &r->run.report);
  }
  ev_table_csv(&t, out);
  ev_table_free(&t);
}

/* The runs of design g at context c: one block of g's die count (its splits, then C). */
static const ev_dse_run *group(const ev_dse *d, size_t g, size_t c, size_t *count) {
  size_t first = 0;
  for (size_t i = 0; i < g; ++i) first += (size_t)d->designs[i].dies * d->spec.context_count;
  *count = (size_t)d->designs[g].dies;
  return &d->runs[first + c * *count];
}

static void best_csv(const ev_dse *d, ev_buf *out) {
  ev_table t;
  ev_table_init(&t, (const char *const[]){"design", NULL});
  for (size_t a = 0; a < d->sweep.axis_count; ++a) ev_table_add_fixed(&t, d->sweep.axes[a].key);
  for (const char *const *c = kBestColumns; *c != NULL; ++c) ev_table_add_fixed(&t, *c);
  for (size_t g = 0; g < d->design_count; ++g)
    for (size_t c = 0; c < d->spec.context_count; ++c) {
      size_t n = 0;
      const ev_dse_run *runs = group(d, g, c, &n);
      const ev_choice ch = choose(runs, n);
      const size_t row = ev_table_add_row(&t);
      char number[32];
      set_design(&t, row, d, &d->designs[g]);
      snprintf(number, sizeof number, "%llu", d->spec.contexts[c]);
      ev_table_set(&t, row, EV_SECTION_FIXED, "context", number);
      ev_table_set(&t, row, EV_SECTION_FIXED, "status", choice_status(&ch));
      const size_t counts[] = {ch.fit, ch.oom, ch.failed};
      const char *names[] = {"fit", "oom", "failed"};
      for (size_t i = 0; i < 3; ++i) {
        snprintf(number, sizeof number, "%zu", counts[i]);
        ev_table_set(&t, row, EV_SECTION_FIXED, names[i], number);
      }
      if (ch.best == NULL) continue;
      const double best = ch.best->run.report.latency_per_token_s;
      set_split(&t, row, "best_", ch.best, d->designs[g].dies);
      ev_table_set_number(&t, row, "latency_per_token_s", best);
      ev_table_set_number(&t, row, "tokens_per_s", ch.best->run.report.tokens_per_s);
      if (ch.runner_up == NULL) continue;
      char *split = ev_dse_split_name(ch.runner_up->g1, d->designs[g].dies);
      ev_table_set(&t, row, EV_SECTION_FIXED, "runner_up_split", split);
      free(split);
      const double second = ch.runner_up->run.report.latency_per_token_s;
      ev_table_set_number(&t, row, "runner_up_latency_per_token_s", second);
      ev_table_set_number(&t, row, "margin", second / best - 1.0);
    }
  ev_table_csv(&t, out);
  ev_table_free(&t);
}

static void best_md(const ev_dse *d, ev_buf *out) {
  const ev_dse_spec *s = &d->spec;
  ev_buf_addf(out,
              "Lowest decode latency per design and context: %s at %s, %lld decoded token%s after the context "
              "(%s). Fit / OOM / failed counts the splits; failed includes runs that did not run.\n",
              s->label, s->precision, s->tokens, s->tokens == 1 ? "" : "s", d->budget_note);
  for (size_t g = 0; g < d->design_count; ++g) {
    const ev_design *design = &d->designs[g];
    if (d->sweep.axis_count > 0) {
      ev_buf_addf(out, "\n**%s** (%lld dies): %s\n", design->name, design->dies, design->text);
    }
    ev_buf_add(out, "\n");
    ev_buf_add(out,
               "| context | best split | latency (ms) | tokens/s | runner-up | its latency (ms) | margin | fit / OOM / "
               "failed |\n|---:|---|---:|---:|---|---:|---:|---|\n");
    for (size_t c = 0; c < s->context_count; ++c) {
      size_t n = 0;
      const ev_dse_run *runs = group(d, g, c, &n);
      const ev_choice ch = choose(runs, n);
      ev_buf_addf(out, "| %llu | ", s->contexts[c]);
      if (ch.best == NULL) {
        ev_buf_addf(out, "%s | | | | | |", choice_status(&ch));
      } else {
        char *split = ev_dse_split_name(ch.best->g1, design->dies);
        const double best = ch.best->run.report.latency_per_token_s;
        ev_buf_addf(out, "%s | %.3f | %.2f | ", split, best * kMsPerS, ch.best->run.report.tokens_per_s);
        free(split);
        if (ch.runner_up == NULL) {
          ev_buf_add(out, "none | | |");
        } else {
          const double second = ch.runner_up->run.report.latency_per_token_s;
          split = ev_dse_split_name(ch.runner_up->g1, design->dies);
          ev_buf_addf(out, "%s | %.3f | +%.1f%% |", split, second * kMsPerS, (second / best - 1.0) * kPercent);
          free(split);
        }
      }
      ev_buf_addf(out, " %zu / %zu / %zu |\n", ch.fit, ch.oom, ch.failed);
    }
  }
}

static cJSON *run_json(const ev_dse *d, const char *tool) {
  const ev_dse_spec *s = &d->spec;
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "tool", tool);
  cJSON_AddStringToObject(j, "model", s->label);
  cJSON_AddStringToObject(j, "model_argument", s->model);
  cJSON_AddStringToObject(j, "precision", s->precision);
  cJSON_AddStringToObject(j, "accounting", s->accounting);
  cJSON_AddNumberToObject(j, "tokens", (double)s->tokens);
  cJSON *contexts = cJSON_AddArrayToObject(j, "contexts");
  for (size_t c = 0; c < s->context_count; ++c)
    cJSON_AddItemToArray(contexts, cJSON_CreateNumber((double)s->contexts[c]));
  cJSON_AddStringToObject(j, "discrete_platform", s->discrete_platform);
  cJSON_AddStringToObject(j, "compact_platform", s->compact_platform);
  if (s->sweep != NULL)
    cJSON_AddStringToObject(j, "sweep", s->sweep);
  else
    cJSON_AddNullToObject(j, "sweep");
  cJSON_AddStringToObject(j, "budget", d->budget_note);
  cJSON_AddStringToObject(j, "sim", s->sim);
  cJSON *designs = cJSON_AddArrayToObject(j, "designs");
  for (size_t g = 0; g < d->design_count; ++g) {
    const ev_design *design = &d->designs[g];
    cJSON *item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "name", design->name);
    cJSON_AddNumberToObject(item, "dies", (double)design->dies);
    cJSON *parameters = cJSON_AddObjectToObject(item, "parameters");
    for (size_t a = 0; a < d->sweep.axis_count; ++a)
      cJSON_AddStringToObject(parameters, d->sweep.axes[a].key, d->sweep.axes[a].values.items[design->choice[a]]);
    cJSON *splits = cJSON_AddArrayToObject(item, "splits");
    for (long long row = 1; row <= design->dies; ++row) {
      char *split = ev_dse_split_name(row < design->dies ? row : 0, design->dies); /* the last row is C */
      cJSON_AddItemToArray(splits, cJSON_CreateString(split));
      free(split);
    }
    cJSON_AddItemToArray(designs, item);
  }
  return j;
}

int ev_dse_write(const ev_dse *d, const char *tool, ev_error *e) {
  if (ev_mkdirs(d->spec.out_dir, e) != 0) return -1;
  ev_buf texts[4] = {{0}};
  dse_csv(d, &texts[0]);
  best_csv(d, &texts[1]);
  best_md(d, &texts[2]);
  cJSON *run = run_json(d, tool);
  char *printed = cJSON_Print(run);
  ev_buf_add(&texts[3], printed);
  ev_buf_add(&texts[3], "\n");
  cJSON_free(printed);
  cJSON_Delete(run);
  static const char *const kNames[] = {"dse.csv", "best.csv", "best.md", "run.json"};
  int rc = 0;
  for (size_t i = 0; i < 4; ++i) {
    char *path = ev_path_join(d->spec.out_dir, kNames[i]);
    if (rc == 0) rc = ev_write_file(path, ev_buf_text(&texts[i]), texts[i].length, e);
    free(path);
    ev_buf_free(&texts[i]);
  }
  return rc;
}
