/* Speed-up over the baseline (speedup.h). */
#include "speedup.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "csv_table.h"

enum { kCellBytes = 64 };

/* One platform's speed-up at one model: a number, or why there is none. */
typedef struct {
  int has_value;
  double value;
  char why[kCellBytes]; /* "OOM", "failed", "not run", "baseline OOM", ... */
} ev_cell;

static const char *status_word(ev_status s) { return s == EV_OOM ? "OOM" : ev_status_name(s); }

static size_t baseline_index(const ev_matrix *m) {
  size_t b = 0;
  while (b < m->platform_count && strcmp(m->platforms[b].name, m->baseline) != 0) ++b;
  return b;
}

static ev_cell cell(const ev_eval *ev, size_t platform, size_t model, size_t context, size_t precision) {
  const ev_point *p = ev_eval_point(ev, platform, model, context, precision);
  const ev_point *b = ev_eval_point(ev, baseline_index(ev->m), model, context, precision);
  ev_cell c = {0, 0.0, ""};
  if (p->status != EV_OK) {
    snprintf(c.why, sizeof c.why, "%s", status_word(p->status));
  } else if (b->status != EV_OK) {
    snprintf(c.why, sizeof c.why, "baseline %s", status_word(b->status));
  } else {
    c.has_value = 1;
    c.value = p->row_run->report.tokens_per_s / b->row_run->report.tokens_per_s;
  }
  return c;
}

/* Geometric mean of the models' speed-ups that exist; *covered: how many. */
static double geomean(const ev_eval *ev, size_t platform, size_t context, size_t precision, size_t *covered) {
  double log_sum = 0.0;
  *covered = 0;
  for (size_t mo = 0; mo < ev->m->models.count; ++mo) {
    const ev_cell c = cell(ev, platform, mo, context, precision);
    if (!c.has_value) continue;
    log_sum += log(c.value);
    ++*covered;
  }
  return *covered > 0 ? exp(log_sum / (double)*covered) : 0.0;
}

static void set_common(ev_table *t, size_t row, const ev_eval *ev, size_t platform, size_t context, size_t precision) {
  char number[32];
  ev_table_set(t, row, EV_SECTION_FIXED, "precision", ev->m->precisions.items[precision]);
  snprintf(number, sizeof number, "%llu", ev->m->contexts[context]);
  ev_table_set(t, row, EV_SECTION_FIXED, "context", number);
  ev_table_set(t, row, EV_SECTION_FIXED, "platform", ev->m->platforms[platform].name);
  ev_table_set(t, row, EV_SECTION_FIXED, "baseline", ev->m->baseline);
}

void ev_speedup_csv(const ev_eval *ev, ev_buf *out) {
  static const char *const kColumns[] = {
      "precision", "context", "model", "platform", "baseline", "tokens_per_s", "baseline_tokens_per_s",
      "speedup",   "models",  NULL};
  const ev_matrix *m = ev->m;
  const size_t base = baseline_index(m);
  ev_table t;
  ev_table_init(&t, kColumns);
  for (size_t r = 0; r < m->precisions.count; ++r)
    for (size_t c = 0; c < m->context_count; ++c)
      for (size_t pl = 0; pl < m->platform_count; ++pl) {
        if (pl == base) continue;
        for (size_t mo = 0; mo < m->models.count; ++mo) {
          const size_t row = ev_table_add_row(&t);
          set_common(&t, row, ev, pl, c, r);
          ev_table_set(&t, row, EV_SECTION_FIXED, "model", m->model_labels.items[mo]);
          const ev_point *p = ev_eval_point(ev, pl, mo, c, r), *b = ev_eval_point(ev, base, mo, c, r);
          if (p->status == EV_OK) ev_table_set_number(&t, row, "tokens_per_s", p->row_run->report.tokens_per_s);
          if (b->status == EV_OK)
            ev_table_set_number(&t, row, "baseline_tokens_per_s", b->row_run->report.tokens_per_s);
          const ev_cell sp = cell(ev, pl, mo, c, r);
          if (sp.has_value)
            ev_table_set_number(&t, row, "speedup", sp.value);
          else
            ev_table_set(&t, row, EV_SECTION_FIXED, "speedup", sp.why);
        }
        const size_t row = ev_table_add_row(&t);
        set_common(&t, row, ev, pl, c, r);
        ev_table_set(&t, row, EV_SECTION_FIXED, "model", "geomean");
        size_t covered = 0;
        const double g = geomean(ev, pl, c, r, &covered);
        if (covered > 0)
          ev_table_set_number(&t, row, "speedup", g);
        else
          ev_table_set(&t, row, EV_SECTION_FIXED, "speedup", "n/a");
        char number[32];
        snprintf(number, sizeof number, "%zu", covered);
        ev_table_set(&t, row, EV_SECTION_FIXED, "models", number);
      }
  ev_table_csv(&t, out);
  ev_table_free(&t);
}

void ev_speedup_md(const ev_eval *ev, ev_buf *out) {
  const ev_matrix *m = ev->m;
  const size_t base = baseline_index(m);
  ev_buf_addf(out,
              "Decode speed-up over %s: tokens/s of each platform divided by %s's (%lld decoded token%s after "
              "the context, %s accounting). The geometric mean covers the models where both ran.\n",
              m->baseline, m->baseline, m->tokens, m->tokens == 1 ? "" : "s", m->accounting);
  for (size_t r = 0; r < m->precisions.count; ++r) {
    ev_buf_add(out, "\n");
    if (m->precisions.count > 1) ev_buf_addf(out, "**%s**\n\n", m->precisions.items[r]);
    ev_buf_add(out, "| context | model |");
    for (size_t pl = 0; pl < m->platform_count; ++pl)
      if (pl != base) ev_buf_addf(out, " %s |", m->platforms[pl].name);
    ev_buf_add(out, "\n|---:|---|");
    for (size_t pl = 1; pl < m->platform_count; ++pl) ev_buf_add(out, "---:|");
    ev_buf_add(out, "\n");
    for (size_t c = 0; c < m->context_count; ++c) {
      for (size_t mo = 0; mo <= m->models.count; ++mo) {
        const int mean_row = mo == m->models.count;
        ev_buf_addf(out, "| %llu | %s |", m->contexts[c], mean_row ? "**geomean**" : m->model_labels.items[mo]);
        for (size_t pl = 0; pl < m->platform_count; ++pl) {
          if (pl == base) continue;
          if (!mean_row) {
            const ev_cell sp = cell(ev, pl, mo, c, r);
            if (sp.has_value)
              ev_buf_addf(out, " %.2f× |", sp.value);
            else
              ev_buf_addf(out, " %s |", sp.why);
            continue;
          }
          size_t covered = 0;
          const double g = geomean(ev, pl, c, r, &covered);
          if (covered == 0)
            ev_buf_add(out, " n/a |");
          else if (covered == m->models.count)
            ev_buf_addf(out, " **%.2f×** |", g);
          else
            ev_buf_addf(out, " **%.2f×** (%zu of %zu) |", g, covered, m->models.count);
        }
        ev_buf_add(out, "\n");
      }
    }
  }
}
