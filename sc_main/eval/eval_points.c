/* Points of a kvnand-eval matrix (eval_points.h). */
#include "eval_points.h"

#include <stdlib.h>
#include <string.h>

#include "csv_table.h"

static const char *const kColumns[] = {"platform", "platform_file", "model", "context", "precision",
                                       "tokens",   "accounting",    "set",   "chosen",  "status",
                                       "message",  "run_dir",       NULL};

static void plan_runs(const ev_eval *ev, const ev_point *p, const char *sim, const char *out_dir, size_t digits) {
  const ev_matrix *m = ev->m;
  const ev_platform_entry *platform = &m->platforms[p->platform];
  for (size_t v = 0; v < p->run_count; ++v) {
    const size_t index = p->first_run + v;
    ev_strings sets = {0};
    for (size_t i = 0; i < platform->set.count; ++i) ev_strings_add(&sets, platform->set.items[i]);
    const ev_choose *c = &platform->choose;
    for (size_t a = 0; a < c->axis_count; ++a)
      ev_strings_add_owned(&sets,
                           ev_printf("%s=%s", c->axes[a].key, c->axes[a].values.items[ev_choose_value(c, v, a)]));
    /* " g2_dies=3 head_groups_per_step=2": enough to tell the candidates apart in a progress line */
    char *settings = ev_choose_text(c, v, 0, " ", 1);
    char *choice = ev_printf("%s%s", c->axis_count > 0 ? " " : "", settings);
    free(settings);
    const ev_sim_args args = {platform->file, m->models.items[p->model], m->precisions.items[p->precision],
                              m->accounting,  m->contexts[p->context],   m->tokens,
                              &sets};
    char *label = ev_printf("%s %s ctx %llu %s%s", platform->name, m->model_labels.items[p->model],
                            m->contexts[p->context], m->precisions.items[p->precision], choice);
    char *id =
        ev_printf("%0*zu-%s-%s-%llu-%s%s", (int)digits, index + 1, platform->name, m->model_labels.items[p->model],
                  m->contexts[p->context], m->precisions.items[p->precision], choice);
    char *safe = ev_file_safe(id); /* the spaces of `choice` become '-' */
    char *relative = ev_printf("runs/%s", safe);
    ev_run_init(&ev->runs[index], sim, &args, out_dir, relative, label);
    free(relative);
    free(safe);
    free(id);
    free(label);
    free(choice);
    ev_strings_free(&sets);
  }
}

void ev_eval_plan(const ev_matrix *m, const char *sim, const char *out_dir, ev_eval *ev) {
  memset(ev, 0, sizeof *ev);
  ev->m = m;
  const size_t per_platform = m->precisions.count * m->context_count * m->models.count;
  ev->points = ev_alloc_array(per_platform * m->platform_count, sizeof *ev->points);
  size_t runs = 0;
  for (size_t r = 0; r < m->precisions.count; ++r)
    for (size_t c = 0; c < m->context_count; ++c)
      for (size_t mo = 0; mo < m->models.count; ++mo)
        for (size_t pl = 0; pl < m->platform_count; ++pl) {
          ev_point *p = &ev->points[ev->point_count++];
          *p = (ev_point){pl, mo, c, r, runs, ev_choose_runs(&m->platforms[pl].choose), EV_NOT_RUN, NULL, 0, NULL};
          p->chosen = p->run_count;
          p->message = ev_strdup("");
          runs += p->run_count;
        }
  ev->runs = ev_alloc_array(runs, sizeof *ev->runs);
  ev->run_count = runs;
  const size_t digits = (size_t)snprintf(NULL, 0, "%zu", runs);
  for (size_t i = 0; i < ev->point_count; ++i) plan_runs(ev, &ev->points[i], sim, out_dir, digits);
}

ev_run_group ev_eval_group(const ev_run *runs, size_t count) {
  ev_run_group g = {EV_OOM, count, 0, 0, count, count};
  for (size_t v = 0; v < count; ++v) {
    const ev_run *r = &runs[v];
    if (r->status == EV_NOT_RUN) ++g.not_run;
    if (r->status == EV_FAILED && g.failed++ == 0) g.first_failed = v;
    if (r->status == EV_OOM && g.first_oom == count) g.first_oom = v;
    /* strictly lower: a tie goes to the run listed first */
    if (r->status == EV_OK &&
        (g.fastest == count || r->report.latency_per_token_s < runs[g.fastest].report.latency_per_token_s))
      g.fastest = v;
  }
  g.status = g.not_run > 0 ? EV_NOT_RUN : g.fastest < count ? EV_OK : g.failed > 0 ? EV_FAILED : EV_OOM;
  return g;
}

static void settle(const ev_eval *ev, ev_point *p) {
  const ev_choose *c = &ev->m->platforms[p->platform].choose;
  const ev_run *runs = &ev->runs[p->first_run];
  const ev_run_group g = ev_eval_group(runs, p->run_count);
  free(p->message);
  if (c->axis_count == 0) {
    p->status = runs[0].status;
    p->row_run = &runs[0];
    p->chosen = p->run_count;
    p->message = ev_strdup(runs[0].message);
    return;
  }
  p->status = g.status;
  p->chosen = g.status == EV_OK ? g.fastest : p->run_count;
  char *keys = ev_choose_keys(c, 0);
  switch (g.status) {
    case EV_NOT_RUN:
      p->message = ev_printf("interrupted: %zu of %zu values of %s did not run", g.not_run, p->run_count, keys);
      break;
    case EV_OK:
      p->row_run = &runs[g.fastest];
      p->message = g.failed == 0 ? ev_strdup("")
                                 : ev_printf("%zu of %zu values of %s failed (see candidates.csv)", g.failed,
                                             p->run_count, keys);
      break;
    case EV_FAILED:
      p->row_run = &runs[g.first_failed];
      p->message = ev_printf("no value of %s fits and runs: %zu failed, the first with %s", keys, g.failed,
                             p->row_run->message);
      break;
    case EV_OOM: {
      char *first = ev_choose_text(c, 0, 0, ";", 0);
      p->row_run = &runs[g.first_oom];
      p->message = ev_printf("every value of %s is out of memory; at %s: %s", keys, first, p->row_run->message);
      free(first);
      break;
    }
  }
  free(keys);
}

void ev_eval_settle(ev_eval *ev) {
  for (size_t i = 0; i < ev->point_count; ++i) settle(ev, &ev->points[i]);
}

/* The row of point p showing run r (NULL: none) with this status, chosen value and message; the
 * report's numbers only for runs that ran to a report (ok, oom). */
static void add_row(ev_table *t, const ev_eval *ev, const ev_point *p, const ev_run *r, ev_status status,
                    const char *chosen, const char *message) {
  const ev_matrix *m = ev->m;
  const ev_platform_entry *platform = &m->platforms[p->platform];
  const size_t row = ev_table_add_row(t);
  ev_buf sets = {0};
  for (size_t i = 0; i < platform->set.count; ++i) ev_buf_addf(&sets, "%s%s", i > 0 ? ";" : "", platform->set.items[i]);
  char number[32];
  ev_table_set(t, row, EV_SECTION_FIXED, "platform", platform->name);
  ev_table_set(t, row, EV_SECTION_FIXED, "platform_file", platform->file);
  ev_table_set(t, row, EV_SECTION_FIXED, "model", m->model_labels.items[p->model]);
  snprintf(number, sizeof number, "%llu", m->contexts[p->context]);
  ev_table_set(t, row, EV_SECTION_FIXED, "context", number);
  ev_table_set(t, row, EV_SECTION_FIXED, "precision", m->precisions.items[p->precision]);
  snprintf(number, sizeof number, "%lld", m->tokens);
  ev_table_set(t, row, EV_SECTION_FIXED, "tokens", number);
  ev_table_set(t, row, EV_SECTION_FIXED, "accounting", m->accounting);
  ev_table_set(t, row, EV_SECTION_FIXED, "set", ev_buf_text(&sets));
  ev_table_set(t, row, EV_SECTION_FIXED, "chosen", chosen);
  ev_table_set(t, row, EV_SECTION_FIXED, "status", ev_status_name(status));
  ev_table_set(t, row, EV_SECTION_FIXED, "message", message);
  ev_table_set(t, row, EV_SECTION_FIXED, "run_dir", r != NULL ? r->relative : "");
  if (r != NULL && r->has_report && (status == EV_OK || status == EV_OOM)) ev_table_set_report(t, row, &r->report);
  ev_buf_free(&sets);
}

void ev_eval_results_csv(const ev_eval *ev, ev_buf *out) {
  ev_table t;
  ev_table_init(&t, kColumns);
  for (size_t i = 0; i < ev->point_count; ++i) {
    const ev_point *p = &ev->points[i];
    const ev_choose *c = &ev->m->platforms[p->platform].choose;
    char *chosen = p->chosen < p->run_count ? ev_choose_text(c, p->chosen, 0, ";", 0) : ev_strdup("");
    add_row(&t, ev, p, p->row_run, p->status, chosen, p->message);
    free(chosen);
  }
  ev_table_csv(&t, out);
  ev_table_free(&t);
}

void ev_eval_candidates_csv(const ev_eval *ev, ev_buf *out) {
  ev_table t;
  ev_table_init(&t, kColumns);
  for (size_t i = 0; i < ev->point_count; ++i) {
    const ev_point *p = &ev->points[i];
    const ev_choose *c = &ev->m->platforms[p->platform].choose;
    for (size_t v = 0; c->axis_count > 0 && v < p->run_count; ++v) {
      const ev_run *r = &ev->runs[p->first_run + v];
      char *value = ev_choose_text(c, v, 0, ";", 0);
      add_row(&t, ev, p, r, r->status, value, r->message);
      free(value);
    }
  }
  ev_table_csv(&t, out);
  ev_table_free(&t);
}

const ev_point *ev_eval_point(const ev_eval *ev, size_t platform, size_t model, size_t context, size_t precision) {
  const ev_matrix *m = ev->m;
  const size_t index =
      ((precision * m->context_count + context) * m->models.count + model) * m->platform_count + platform;
  return &ev->points[index];
}

void ev_eval_free(ev_eval *ev) {
  for (size_t i = 0; i < ev->point_count; ++i) free(ev->points[i].message);
  for (size_t i = 0; i < ev->run_count; ++i) ev_run_free(&ev->runs[i]);
  free(ev->points);
  free(ev->runs);
  memset(ev, 0, sizeof *ev);
}
