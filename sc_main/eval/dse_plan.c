/* Laying out a design-space study (dse_study.h): designs, die budgets and channel shapes, runs. */
#include <stdlib.h>
#include <string.h>

#include "dse_study.h"
#include "json_file.h"
#include "out_file.h"

static const char kCountKey[] = "channels.count";
static const char kPerChannelKey[] = "channels.dies_per_channel";
static const char kSplitKey[] = "dataflow.g2_dies";

/* channels.count of a platform file: "channels" is an object or the name of a part file. */
static int platform_channels(const char *platform, long long *count, ev_error *e) {
  cJSON *root = ev_json_load(platform, e);
  if (root == NULL) return -1;
  const cJSON *channels = cJSON_GetObjectItemCaseSensitive(root, "channels");
  cJSON *part = NULL;
  char *part_path = NULL;
  int rc = 0;
  if (cJSON_IsString(channels)) {
    part_path = ev_path_beside(platform, channels->valuestring);
    part = ev_json_load(part_path, e);
    channels = part;
    rc = part != NULL ? 0 : -1;
  }
  const cJSON *value = cJSON_GetObjectItemCaseSensitive(channels, "count");
  const int whole =
      cJSON_IsNumber(value) && value->valuedouble >= 1 && (double)(long long)value->valuedouble == value->valuedouble;
  if (rc == 0 && !whole)
    rc = ev_fail(e, "%s: channels.count: expected a positive integer (the study sets the channel shape from it)",
                 part_path != NULL ? part_path : platform);
  if (rc == 0) *count = (long long)value->valuedouble;
  cJSON_Delete(part);
  cJSON_Delete(root);
  free(part_path);
  return rc;
}

/* The channel shape a design's sweep values set: 0 where they leave it to the die budget. */
typedef struct {
  long long count, per;
  char count_where[kEvKeyPathBytes], per_where[kEvKeyPathBytes]; /* where the sweep file sets them */
} swept_shape;

/* What design g's sweep values give a channel key, as a positive integer; 0 when none sets it. */
static int swept_integer(const ev_dse *d, const ev_design *g, const char *key, long long *out, char *where,
                         ev_error *e) {
  const char *text = ev_sweep_value(&d->sweep, g->choice, key, where, kEvKeyPathBytes);
  *out = 0;
  if (text == NULL) return 0;
  char *end = NULL;
  const long long v = strtoll(text, &end, 10);
  if (end == text || *end != '\0' || v < 1)
    return ev_fail(e, "%s: %s: expected positive integers (they set the die budget), got %s", d->sweep.path, where,
                   text);
  *out = v;
  return 0;
}

/* The die budget and the channel overrides of one design on one platform (variant 0: discrete,
 * 1: compact). */
static int channel_shape(const ev_dse *d, ev_design *g, int variant, long long budget, long long platform_count,
                         const swept_shape *swept, ev_error *e) {
  long long count = swept->count, per = swept->per;
  const char *platform = variant == 0 ? d->spec.discrete_platform : d->spec.compact_platform;
  if (count > 0 && per > 0) {
    budget = count * per;
  } else if (per > 0) {
    if (budget % per != 0)
      return ev_fail(e, "%s: %s: %lld does not divide the die budget of %lld dies", d->sweep.path, swept->per_where,
                     per, budget);
    count = budget / per;
  } else if (count == 0) {
    count = platform_count < budget ? platform_count : budget;
  }
  if (swept->per == 0 && budget % count != 0) {
    if (swept->count > 0)
      return ev_fail(e, "%s: %s: %lld channels do not divide the die budget of %lld dies", d->sweep.path,
                     swept->count_where, count, budget);
    return ev_fail(e,
                   "a die budget of %lld dies does not divide into %lld channels (%s of %s); choose a multiple of "
                   "%lld, or at most %lld dies",
                   budget, count, kCountKey, platform, count, count);
  }
  if (swept->per == 0) per = budget / count;
  if (budget < 2) return ev_fail(e, "%s: a die budget of %lld dies; a split G1+G2 needs at least 2", g->name, budget);
  g->dies = budget;
  if (swept->count == 0) ev_strings_add_owned(&g->sets[variant], ev_printf("%s=%lld", kCountKey, count));
  if (swept->per == 0) ev_strings_add_owned(&g->sets[variant], ev_printf("%s=%lld", kPerChannelKey, per));
  return 0;
}

char *ev_dse_split_name(long long g1, long long dies) {
  return g1 == 0 ? ev_strdup("C") : ev_printf("G1=%lld+G2=%lld", g1, dies - g1);
}

static void add_run(ev_dse *d, size_t design, size_t context, long long g1) {
  const ev_dse_spec *s = &d->spec;
  const ev_design *g = &d->designs[design];
  ev_dse_run *r = &d->runs[d->run_count++];
  r->design = design;
  r->context = context;
  r->g1 = g1;
  ev_strings sets = {0};
  const ev_strings *own = &g->sets[g1 == 0 ? 1 : 0];
  for (size_t i = 0; i < own->count; ++i) ev_strings_add(&sets, own->items[i]);
  if (g1 != 0) ev_strings_add_owned(&sets, ev_printf("%s=%lld", kSplitKey, g->dies - g1));
  const ev_sim_args args = {g1 == 0 ? s->compact_platform : s->discrete_platform,
                            s->model,
                            s->precision,
                            s->accounting,
                            s->contexts[context],
                            s->tokens,
                            &sets};
  char *split = ev_dse_split_name(g1, g->dies);
  char *relative = ev_printf("runs/%s-%s-%llu", g->name, split, s->contexts[context]);
  char *safe = ev_file_safe(relative + strlen("runs/"));
  char *safe_relative = ev_printf("runs/%s", safe);
  /* The design's values in the progress line: its name alone says little while the runs go. */
  char *label = d->sweep.axis_count == 0
                    ? ev_printf("%s %s %s ctx %llu", s->label, s->precision, split, s->contexts[context])
                    : ev_printf("%s %s %s (%s) %s ctx %llu", s->label, s->precision, g->name, g->text, split,
                                s->contexts[context]);
  ev_run_init(&r->run, s->sim, &args, s->out_dir, safe_relative, label);
  free(label);
  free(safe_relative);
  free(safe);
  free(relative);
  free(split);
  ev_strings_free(&sets);
}

/* Design i: its values, its channel shape on each platform; *both counts the designs whose sweep
 * values set the whole shape. */
static int plan_design(ev_dse *d, size_t i, long long budget, const long long *platform_count, size_t *both,
                       ev_error *e) {
  ev_design *g = &d->designs[i];
  g->name = ev_printf("d%zu", i + 1);
  g->choice = ev_alloc_array(d->sweep.axis_count, sizeof *g->choice);
  ev_sweep_design(&d->sweep, i, g->choice);
  ev_buf text = {0};
  ev_sweep_describe(&d->sweep, g->choice, &text);
  g->text = ev_strdup(ev_buf_text(&text));
  ev_buf_free(&text);
  swept_shape swept;
  if (swept_integer(d, g, kCountKey, &swept.count, swept.count_where, e) != 0) return -1;
  if (swept_integer(d, g, kPerChannelKey, &swept.per, swept.per_where, e) != 0) return -1;
  *both += swept.count > 0 && swept.per > 0;
  for (int v = 0; v < kEvVariants; ++v) {
    for (size_t a = 0; a < d->sweep.axis_count; ++a) {
      const ev_strings *settings = &d->sweep.axes[a].settings[g->choice[a]];
      for (size_t k = 0; k < settings->count; ++k) ev_strings_add(&g->sets[v], settings->items[k]);
    }
    if (channel_shape(d, g, v, budget, platform_count[v], &swept, e) != 0) return -1;
  }
  return 0;
}

static int plan_designs(ev_dse *d, ev_error *e) {
  const ev_dse_spec *s = &d->spec;
  long long platform_count[kEvVariants] = {0, 0};
  if (platform_channels(s->discrete_platform, &platform_count[0], e) != 0) return -1;
  if (platform_channels(s->compact_platform, &platform_count[1], e) != 0) return -1;
  const long long budget = s->dies > 0 ? s->dies : d->sweep.dies > 0 ? d->sweep.dies : kEvDefaultDseDies;
  d->design_count = ev_sweep_designs(&d->sweep);
  d->designs = ev_alloc_array(d->design_count, sizeof *d->designs);
  size_t runs = 0, both = 0;
  for (size_t i = 0; i < d->design_count; ++i) {
    if (plan_design(d, i, budget, platform_count, &both, e) != 0) return -1;
    runs += (size_t)d->designs[i].dies * s->context_count; /* dies-1 splits and C */
  }
  if (both == d->design_count)
    d->budget_note = ev_printf("the sweep sets %s and %s, so each design's die budget is their product", kCountKey,
                               kPerChannelKey);
  else if (both > 0)
    d->budget_note = ev_printf("die budget %lld, or the product of %s and %s where the sweep sets both", budget,
                               kCountKey, kPerChannelKey);
  else
    d->budget_note = ev_printf("die budget %lld", budget);
  d->runs = ev_alloc_array(runs, sizeof *d->runs);
  for (size_t g = 0; g < d->design_count; ++g)
    for (size_t c = 0; c < s->context_count; ++c) {
      for (long long g1 = 1; g1 < d->designs[g].dies; ++g1) add_run(d, g, c, g1);
      add_run(d, g, c, 0);
    }
  return 0;
}

int ev_dse_plan(const ev_dse_spec *spec, ev_dse *d, ev_error *e) {
  memset(d, 0, sizeof *d);
  d->spec = *spec;
  if (spec->sweep != NULL && ev_sweep_load(spec->sweep, &d->sweep, e) != 0) return -1;
  int rc = 0;
  for (size_t a = 0; a < d->sweep.axis_count && rc == 0; ++a)
    if (ev_dse_is_column(d->sweep.axes[a].key))
      rc = ev_fail(e, "%s: parameters.%s: a column of dse.csv or best.csv has this name; choose another label",
                   d->sweep.path, d->sweep.axes[a].key);
  if (rc == 0) rc = plan_designs(d, e);
  if (rc != 0) ev_dse_free(d);
  return rc;
}

void ev_dse_free(ev_dse *d) {
  for (size_t i = 0; i < d->run_count; ++i) ev_run_free(&d->runs[i].run);
  for (size_t i = 0; i < d->design_count; ++i) {
    free(d->designs[i].name);
    free(d->designs[i].text);
    free(d->designs[i].choice);
    for (int v = 0; v < kEvVariants; ++v) ev_strings_free(&d->designs[i].sets[v]);
  }
  free(d->runs);
  free(d->designs);
  free(d->budget_note);
  ev_sweep_free(&d->sweep);
  memset(d, 0, sizeof *d);
}
