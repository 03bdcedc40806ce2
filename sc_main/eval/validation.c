/* Results beside reference values (validation.h). */
#include "validation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv_table.h"

static const double kPercent = 100.0;

static const char *verdict_name(ev_verdict v) {
  switch (v) {
    case EV_WITHIN:
      return "within";
    case EV_ABOVE:
      return "above";
    case EV_BELOW:
      return "below";
    case EV_BOTH_OOM:
      return "both_oom";
    case EV_REFERENCE_OOM:
      return "reference_oom";
    case EV_OURS_OOM:
      return "ours_oom";
    case EV_RUN_FAILED:
      return "failed";
    case EV_RUN_NOT_RUN:
      break;
  }
  return "not_run";
}

/* A run that ended with `status` (and `tokens_per_s` when it fits) against the reference row. */
static ev_comparison compare(ev_status status, double tokens_per_s, const ev_reference_row *ref, double tolerance) {
  ev_comparison c = {EV_RUN_FAILED, 0, 0.0, 0, 0.0};
  switch (status) {
    case EV_FAILED:
      return c;
    case EV_NOT_RUN:
      c.verdict = EV_RUN_NOT_RUN;
      return c;
    case EV_OOM:
      c.verdict = ref->oom ? EV_BOTH_OOM : EV_OURS_OOM;
      return c;
    case EV_OK:
      break;
  }
  c.has_ours = 1;
  c.ours = tokens_per_s;
  if (ref->oom) {
    c.verdict = EV_REFERENCE_OOM;
    return c;
  }
  c.has_ratio = 1;
  c.ratio = tokens_per_s / ref->tokens_per_s;
  c.verdict = fabs(c.ratio - 1.0) <= tolerance ? EV_WITHIN : c.ratio > 1.0 ? EV_ABOVE : EV_BELOW;
  return c;
}

static ev_comparison compare_run(const ev_run *r, ev_status status, const ev_reference_row *ref, double tolerance) {
  return compare(status, status == EV_OK ? r->report.tokens_per_s : 0.0, ref, tolerance);
}

/* The runs at the reference's split (its value of the choose key) are one per combination of the
 * "also" keys: the fastest that fits stands for them, else what they come to (ev_eval_group). */
static void compare_at_split(const ev_eval *ev, const ev_reference_row *ref, double tolerance, ev_validation_row *row) {
  const size_t per_value = row->point->run_count / ev->m->platforms[ref->platform].choose.axes[0].values.count;
  const size_t first = ref->split * per_value;
  const ev_run *runs = &ev->runs[row->point->first_run + first];
  const ev_run_group g = ev_eval_group(runs, per_value);
  if (g.status == EV_OK) row->given_run = first + g.fastest;
  row->given = compare_run(g.status == EV_OK ? &runs[g.fastest] : NULL, g.status, ref, tolerance);
}

void ev_validation_make(const ev_eval *ev, const ev_reference *reference, double tolerance, ev_validation *v) {
  v->ev = ev;
  v->reference = reference;
  v->tolerance = tolerance;
  v->rows = ev_alloc_array(reference->row_count, sizeof *v->rows);
  for (size_t i = 0; i < reference->row_count; ++i) {
    const ev_reference_row *ref = &reference->rows[i];
    ev_validation_row *row = &v->rows[i];
    row->reference = ref;
    row->point = ev_eval_point(ev, ref->platform, ref->model, ref->context, ref->precision);
    row->best = compare_run(row->point->row_run, row->point->status, ref, tolerance);
    row->given = row->best;
    row->given_run = row->point->run_count;
    if (ref->has_split) compare_at_split(ev, ref, tolerance, row);
  }
}

void ev_validation_free(ev_validation *v) {
  free(v->rows);
  memset(v, 0, sizeof *v);
}

static const ev_platform_entry *platform_of(const ev_validation *v, const ev_validation_row *row) {
  return &v->ev->m->platforms[row->reference->platform];
}

/* The chosen run's settings as candidates.csv names them ("dataflow.g2_dies=5"), "" when none was chosen. */
static char *best_split(const ev_validation *v, const ev_validation_row *row) {
  if (row->point->chosen >= row->point->run_count) return ev_strdup("");
  return ev_choose_text(&platform_of(v, row)->choose, row->point->chosen, 0, ";", 0);
}

static const char *split_of(const ev_validation *v, const ev_validation_row *row) {
  return row->reference->has_split ? platform_of(v, row)->choose.axes[0].values.items[row->reference->split] : "";
}

/* The "also" settings of the run compared at the reference's split ("dataflow.head_groups_per_step=2"),
 * "" without a split, without "also" or when none fits. */
static char *split_chosen(const ev_validation *v, const ev_validation_row *row) {
  if (row->given_run >= row->point->run_count) return ev_strdup("");
  return ev_choose_text(&platform_of(v, row)->choose, row->given_run, 1, ";", 0);
}

/* `value` (of the choose key) with the "also" settings of run `run` in brackets when the choice has
 * "also" keys and there is such a run (run < run_count): "5 (dataflow.head_groups_per_step=2)". */
static char *with_also(const ev_choose *c, const char *value, size_t run, size_t run_count) {
  if (c->axis_count == 1 || run >= run_count) return ev_strdup(value);
  char *also = ev_choose_text(c, run, 1, ";", 0);
  char *text = ev_printf("%s (%s)", value, also);
  free(also);
  return text;
}

static void set_comparison(ev_table *t, size_t row, const char *ours_column, const char *ratio_column,
                           const char *status_column, const ev_comparison *c) {
  if (c->has_ours) ev_table_set_number(t, row, ours_column, c->ours);
  if (c->has_ratio) ev_table_set_number(t, row, ratio_column, c->ratio);
  ev_table_set(t, row, EV_SECTION_FIXED, status_column, verdict_name(c->verdict));
}

void ev_validation_csv(const ev_validation *v, ev_buf *out) {
  static const char *const kColumns[] = {"model",
                                         "precision",
                                         "context",
                                         "platform",
                                         "split",
                                         "split_chosen",
                                         "reference_tokens_per_s",
                                         "ours_tokens_per_s",
                                         "ratio",
                                         "status",
                                         "best_split",
                                         "best_tokens_per_s",
                                         "best_ratio",
                                         "best_status",
                                         NULL};
  const ev_matrix *m = v->ev->m;
  ev_table t;
  ev_table_init(&t, kColumns);
  for (size_t i = 0; i < v->reference->row_count; ++i) {
    const ev_validation_row *r = &v->rows[i];
    const ev_reference_row *ref = r->reference;
    const size_t row = ev_table_add_row(&t);
    char context[32];
    snprintf(context, sizeof context, "%llu", m->contexts[ref->context]);
    ev_table_set(&t, row, EV_SECTION_FIXED, "model", m->model_labels.items[ref->model]);
    ev_table_set(&t, row, EV_SECTION_FIXED, "precision", m->precisions.items[ref->precision]);
    ev_table_set(&t, row, EV_SECTION_FIXED, "context", context);
    ev_table_set(&t, row, EV_SECTION_FIXED, "platform", platform_of(v, r)->name);
    ev_table_set(&t, row, EV_SECTION_FIXED, "split", split_of(v, r));
    char *also = split_chosen(v, r);
    ev_table_set(&t, row, EV_SECTION_FIXED, "split_chosen", also);
    free(also);
    if (ref->oom)
      ev_table_set(&t, row, EV_SECTION_FIXED, "reference_tokens_per_s", "OOM");
    else
      ev_table_set_number(&t, row, "reference_tokens_per_s", ref->tokens_per_s);
    set_comparison(&t, row, "ours_tokens_per_s", "ratio", "status", &r->given);
    if (platform_of(v, r)->choose.axis_count == 0) continue;
    char *best = best_split(v, r);
    ev_table_set(&t, row, EV_SECTION_FIXED, "best_split", best);
    free(best);
    set_comparison(&t, row, "best_tokens_per_s", "best_ratio", "best_status", &r->best);
  }
  ev_table_csv(&t, out);
  ev_table_free(&t);
}

/* How well one side (the reference's split, or the chosen one) of a platform's cells agrees. */
typedef struct {
  size_t cells, within, both_oom, ratios;
  double geomean; /* of the ratios, when there are any */
  double worst;   /* the ratio farthest from 1 by |ln ratio|: 0.5 is as far off as 2 */
} agreement;

static agreement agree(const ev_validation *v, size_t platform, int best) {
  agreement a = {0, 0, 0, 0, 0.0, 0.0};
  double log_sum = 0.0;
  for (size_t i = 0; i < v->reference->row_count; ++i) {
    if (v->rows[i].reference->platform != platform) continue;
    const ev_comparison *c = best ? &v->rows[i].best : &v->rows[i].given;
    ++a.cells;
    a.within += c->verdict == EV_WITHIN;
    a.both_oom += c->verdict == EV_BOTH_OOM;
    if (!c->has_ratio) continue;
    log_sum += log(c->ratio);
    if (a.ratios++ == 0 || fabs(log(c->ratio)) > fabs(log(a.worst))) a.worst = c->ratio;
  }
  if (a.ratios > 0) a.geomean = exp(log_sum / (double)a.ratios);
  return a;
}

static size_t cells_of(const ev_validation *v, size_t platform) {
  size_t n = 0;
  for (size_t i = 0; i < v->reference->row_count; ++i) n += v->rows[i].reference->platform == platform;
  return n;
}

/* Rows in the order of the matrix's tables: precision, context, model, then split (none first). */
static int by_cell(const void *a, const void *b) {
  const ev_reference_row *x = (*(const ev_validation_row *const *)a)->reference;
  const ev_reference_row *y = (*(const ev_validation_row *const *)b)->reference;
  const size_t kx[] = {x->precision, x->context, x->model, x->has_split, x->split};
  const size_t ky[] = {y->precision, y->context, y->model, y->has_split, y->split};
  for (size_t i = 0; i < sizeof kx / sizeof kx[0]; ++i)
    if (kx[i] != ky[i]) return kx[i] < ky[i] ? -1 : 1;
  return 0;
}

static void md_number(ev_buf *out, int has, double value) {
  if (has)
    ev_buf_addf(out, " %.2f |", value);
  else
    ev_buf_add(out, " |");
}

static void md_comparison(ev_buf *out, const ev_comparison *c) {
  md_number(out, c->has_ours, c->ours);
  md_number(out, c->has_ratio, c->ratio);
  ev_buf_addf(out, " %s |", verdict_name(c->verdict));
}

static void md_platform_table(const ev_validation *v, size_t platform, ev_buf *out) {
  const ev_matrix *m = v->ev->m;
  const ev_platform_entry *p = &m->platforms[platform];
  const int precisions = m->precisions.count > 1;
  const size_t count = cells_of(v, platform);
  const ev_validation_row **rows = ev_alloc_array(count, sizeof *rows);
  for (size_t i = 0, n = 0; i < v->reference->row_count; ++i)
    if (v->rows[i].reference->platform == platform) rows[n++] = &v->rows[i];
  qsort(rows, count, sizeof *rows, by_cell);
  const int chooses = p->choose.axis_count > 0;
  if (chooses) {
    char *also = ev_choose_keys(&p->choose, 1);
    ev_buf_addf(out, "\n**%s** (split: %s%s%s%s; best: the %s it chose)\n\n", p->name, p->choose.axes[0].key,
                also[0] != '\0' ? ", in brackets the fastest " : "", also,
                also[0] != '\0' ? " at that value" : "", also[0] != '\0' ? "settings" : "value");
    free(also);
  } else {
    ev_buf_addf(out, "\n**%s**\n\n", p->name);
  }
  ev_buf_addf(out, "|%s context | model |%s reference | ours | ratio | status |%s\n", precisions ? " precision |" : "",
              chooses ? " split |" : "", chooses ? " best split | best | best ratio | best status |" : "");
  ev_buf_addf(out, "|%s---:|---|%s---:|---:|---:|---|%s\n", precisions ? "---|" : "", chooses ? "---|" : "",
              chooses ? "---|---:|---:|---|" : "");
  for (size_t i = 0; i < count; ++i) {
    const ev_reference_row *ref = rows[i]->reference;
    if (precisions) ev_buf_addf(out, "| %s ", m->precisions.items[ref->precision]);
    ev_buf_addf(out, "| %llu | %s |", m->contexts[ref->context], m->model_labels.items[ref->model]);
    if (chooses) {
      char *split = with_also(&p->choose, split_of(v, rows[i]), rows[i]->given_run, rows[i]->point->run_count);
      ev_buf_addf(out, " %s |", split);
      free(split);
    }
    if (ref->oom)
      ev_buf_add(out, " OOM |");
    else
      md_number(out, 1, ref->tokens_per_s);
    md_comparison(out, &rows[i]->given);
    if (chooses) {
      const size_t chosen = rows[i]->point->chosen, runs = rows[i]->point->run_count;
      const char *value = chosen < runs ? p->choose.axes[0].values.items[ev_choose_value(&p->choose, chosen, 0)] : "";
      char *best = with_also(&p->choose, value, chosen, runs);
      ev_buf_addf(out, " %s |", best);
      free(best);
      md_comparison(out, &rows[i]->best);
    }
    ev_buf_add(out, "\n");
  }
  free(rows);
}

/* Writes one platform's summary; best is NULL on a platform without "choose". */
typedef void (*summary_writer)(ev_buf *out, const char *platform, const agreement *given, const agreement *best,
                               double percent);

/* A summary per platform that the reference names, in the matrix's order. */
static void summarise(const ev_validation *v, summary_writer write, ev_buf *out) {
  const ev_matrix *m = v->ev->m;
  for (size_t p = 0; p < m->platform_count; ++p) {
    if (cells_of(v, p) == 0) continue;
    const agreement given = agree(v, p, 0), best = agree(v, p, 1);
    write(out, m->platforms[p].name, &given, m->platforms[p].choose.axis_count > 0 ? &best : NULL,
          v->tolerance * kPercent);
  }
}

static void md_agreement(ev_buf *out, const char *platform, const char *side, const agreement *a) {
  ev_buf_addf(out, "| %s | %s | %zu | %zu of %zu | %zu |", platform, side, a->cells, a->within, a->cells, a->both_oom);
  if (a->ratios > 0)
    ev_buf_addf(out, " %.2f | %.2f |\n", a->geomean, a->worst);
  else
    ev_buf_add(out, " n/a | n/a |\n");
}

static void md_summary(ev_buf *out, const char *platform, const agreement *given, const agreement *best,
                       double percent) {
  (void)percent; /* the table's header states it */
  md_agreement(out, platform, "as given", given);
  if (best != NULL) md_agreement(out, platform, "best", best);
}

void ev_validation_md(const ev_validation *v, ev_buf *out) {
  const ev_matrix *m = v->ev->m;
  const double percent = v->tolerance * kPercent;
  ev_buf_addf(out,
              "Decode tokens/s of this run beside the reference values of `%s`, cell by cell: ratio = ours / "
              "reference; a cell is `within` when |ratio - 1| <= %g (±%g%%), else `above` or `below`; `both_oom`, "
              "`reference_oom` (the reference says out of memory, ours ran), `ours_oom`, `failed` and `not_run` "
              "say why a cell has no ratio. Ours: %lld decoded token%s after the context, %s accounting; where the "
              "reference gives a split, the run with that value.\n\n",
              v->reference->path, v->tolerance, percent, m->tokens, m->tokens == 1 ? "" : "s", m->accounting);
  if (v->reference->source.count == 0) ev_buf_add(out, "The reference file names no source (no comment lines).\n");
  for (size_t i = 0; i < v->reference->source.count; ++i)
    ev_buf_addf(out, "%s %s\n", i == 0 ? "Source of the reference values:\n\n>" : ">", v->reference->source.items[i]);
  ev_buf_addf(out,
              "\n| platform | split | cells | within ±%g%% | both OOM | geomean ratio | worst ratio |\n"
              "|---|---|---:|---:|---:|---:|---:|\n",
              percent);
  summarise(v, md_summary, out);
  ev_buf_add(out,
             "\nThe geometric mean and the worst ratio (the one farthest from 1: 0.5 is as far off as 2) cover the "
             "cells where both sides have a number.\n");
  for (size_t p = 0; p < m->platform_count; ++p)
    if (cells_of(v, p) > 0) md_platform_table(v, p, out);
}

static void line_agreement(ev_buf *out, const agreement *a, double percent) {
  ev_buf_addf(out, "%zu of %zu within +-%g%%", a->within, a->cells, percent);
  if (a->both_oom > 0) ev_buf_addf(out, ", %zu both OOM", a->both_oom);
  if (a->ratios > 0)
    ev_buf_addf(out, " (geomean %.2f, worst %.2f)", a->geomean, a->worst);
  else
    ev_buf_add(out, " (no cell where both have a number)");
}

static void line_summary(ev_buf *out, const char *platform, const agreement *given, const agreement *best,
                         double percent) {
  ev_buf_addf(out, "validation: %s ", platform);
  line_agreement(out, given, percent);
  if (best != NULL) {
    ev_buf_add(out, "; best split ");
    line_agreement(out, best, percent);
  }
  ev_buf_add(out, "\n");
}

void ev_validation_print(const ev_validation *v, FILE *to) {
  ev_buf lines = {0};
  summarise(v, line_summary, &lines);
  fputs(ev_buf_text(&lines), to);
  ev_buf_free(&lines);
}
