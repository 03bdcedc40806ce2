/* The comparison matrix of kvnand-eval (matrix_file.h). */
#include "matrix_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_limits.h"
#include "out_file.h"

const char *const kEvPrecisions[] = {"bf16", "w8a8", "w4a16", NULL};
const char *const kEvAccountings[] = {"faithful", "paper", NULL};

static const char kJsonSuffix[] = ".json";

char *ev_model_argument(const char *file, const char *model, char **label) {
  const size_t n = strlen(model), suffix = sizeof kJsonSuffix - 1;
  const int is_file = strchr(model, '/') != NULL || (n > suffix && strcmp(model + n - suffix, kJsonSuffix) == 0);
  if (!is_file) {
    *label = ev_strdup(model);
    return ev_strdup(model);
  }
  const char *base = ev_basename(model);
  const size_t base_n = strlen(base);
  const int strip = base_n > suffix && strcmp(base + base_n - suffix, kJsonSuffix) == 0;
  *label = ev_printf("%.*s", (int)(strip ? base_n - suffix : base_n), base);
  return ev_path_beside(file, model);
}

int ev_read_strings(const ev_jnode *node, const char *const *accepted, ev_strings *out, ev_error *e) {
  const long count = ev_jarray(node, 1, e);
  for (long i = 0; i < count; ++i) {
    ev_jnode item;
    ev_jitem(node, (size_t)i, &item);
    const char *text = NULL;
    if ((accepted != NULL ? ev_jchoice(&item, accepted, &text, e) : ev_jstring(&item, &text, e)) != 0) return -1;
    if (ev_strings_find(out, text) < out->count) return ev_jbad(&item, e, "\"%s\" appears twice", text);
    ev_strings_add(out, text);
  }
  return count < 0 ? -1 : 0;
}

int ev_read_contexts(const ev_jnode *node, unsigned long long **out, size_t *count, ev_error *e) {
  const long n = ev_jarray(node, 1, e);
  if (n < 0) return -1;
  *out = ev_alloc_array((size_t)n, sizeof **out);
  *count = 0;
  for (long i = 0; i < n; ++i) {
    ev_jnode item;
    ev_jitem(node, (size_t)i, &item);
    long long context = 0;
    if (ev_jinteger(&item, 0, kEvMaxContext, &context, e) != 0) return -1;
    for (size_t j = 0; j < *count; ++j)
      if ((*out)[j] == (unsigned long long)context) return ev_jbad(&item, e, "context %lld appears twice", context);
    (*out)[(*count)++] = (unsigned long long)context;
  }
  return 0;
}

/* The "set" list: "key=value" strings with a non-empty key. */
static int read_sets(const ev_jnode *node, ev_strings *out, ev_error *e) {
  const long count = ev_jarray(node, 0, e);
  for (long i = 0; i < count; ++i) {
    ev_jnode item;
    ev_jitem(node, (size_t)i, &item);
    const char *text = NULL;
    if (ev_jstring(&item, &text, e) != 0) return -1;
    const char *equals = strchr(text, '=');
    if (equals == NULL || equals == text)
      return ev_jbad(&item, e, "expected \"key.path=value\" (as kvnand-sim --set), got \"%s\"", text);
    ev_strings_add(out, text);
  }
  return count < 0 ? -1 : 0;
}

/* A key of "choose" as kvnand-sim --set takes it: the text before the first '='. */
static int check_choose_key(const ev_jnode *node, const char *key, ev_error *e) {
  if (key[0] == '\0' || strchr(key, '=') != NULL)
    return ev_jbad(node, e, "a config key path may not be empty or hold '='");
  return 0;
}

/* The values of one key of "choose": a non-empty array of distinct numbers, strings or booleans. */
static int read_choose_values(const ev_jnode *node, ev_strings *out, ev_error *e) {
  const long count = ev_jarray(node, 1, e);
  for (long i = 0; i < count; ++i) {
    ev_jnode item;
    ev_jitem(node, (size_t)i, &item);
    char *value = NULL;
    if (ev_jscalar_text(&item, &value, e) != 0) return -1;
    if (ev_strings_find(out, value) < out->count) {
      ev_jbad(&item, e, "value %s appears twice", value);
      free(value);
      return -1;
    }
    ev_strings_add_owned(out, value);
  }
  return count < 0 ? -1 : 0;
}

/* Adds the key at `node` (its values) as the next axis; refuses one that makes too many runs. */
static int add_choose_axis(const ev_jnode *node, const char *key, ev_choose *c, ev_error *e) {
  ev_choose_axis *axis = &c->axes[c->axis_count++];
  axis->key = ev_strdup(key);
  if (read_choose_values(node, &axis->values, e) != 0) return -1;
  const size_t runs = ev_choose_runs(c);
  if (runs <= (size_t)kEvMaxChooseRuns) return 0;
  ev_buf counts = {0};
  for (size_t i = 0; i < c->axis_count; ++i) ev_buf_addf(&counts, "%s%zu", i > 0 ? " x " : "", c->axes[i].values.count);
  ev_jbad(node, e, "%zu runs per point (%s values); at most %lld: try fewer values", runs, ev_buf_text(&counts),
          kEvMaxChooseRuns);
  ev_buf_free(&counts);
  return -1;
}

static int read_choose(const ev_jnode *node, ev_choose *c, ev_error *e) {
  static const char *const kKeys[] = {"key", "values", "also", NULL};
  ev_jnode key, values, also;
  const char *text = NULL;
  if (ev_jobject(node, e) != 0 || ev_jkeys(node, kKeys, e) != 0) return -1;
  if (!ev_jchild(node, "key", &key))
    return ev_jbad(node, e, "missing \"key\" (a config key path, e.g. dataflow.g2_dies)");
  if (!ev_jchild(node, "values", &values)) return ev_jbad(node, e, "missing \"values\" (the values to try)");
  if (ev_jstring(&key, &text, e) != 0 || check_choose_key(&key, text, e) != 0) return -1;
  const int has_also = ev_jchild(node, "also", &also);
  if (has_also && ev_jobject(&also, e) != 0) return -1;
  if (has_also && also.value->child == NULL)
    return ev_jbad(&also, e, "an empty object; name config keys and the values to try, or leave \"also\" out");
  c->axes = ev_alloc_array(1 + (has_also ? (size_t)cJSON_GetArraySize(also.value) : 0), sizeof *c->axes);
  if (add_choose_axis(&values, text, c, e) != 0) return -1;
  for (const cJSON *child = has_also ? also.value->child : NULL; child != NULL; child = child->next) {
    ev_jnode axis;
    ev_jchild(&also, child->string, &axis);
    if (check_choose_key(&axis, child->string, e) != 0) return -1;
    if (strcmp(child->string, c->axes[0].key) == 0)
      return ev_jbad(&axis, e, "%s is the choice's \"key\" already; \"also\" names other config keys", child->string);
    if (add_choose_axis(&axis, child->string, c, e) != 0) return -1;
  }
  return 0;
}

size_t ev_choose_runs(const ev_choose *c) {
  size_t runs = 1;
  for (size_t i = 0; i < c->axis_count; ++i) runs *= c->axes[i].values.count;
  return runs;
}

size_t ev_choose_value(const ev_choose *c, size_t run, size_t axis) {
  size_t stride = 1;
  for (size_t i = axis + 1; i < c->axis_count; ++i) stride *= c->axes[i].values.count;
  return run / stride % c->axes[axis].values.count;
}

char *ev_choose_text(const ev_choose *c, size_t run, size_t first_axis, const char *separator, int short_keys) {
  ev_buf text = {0};
  for (size_t i = first_axis; i < c->axis_count; ++i) {
    const char *key = c->axes[i].key, *dot = strrchr(key, '.');
    if (short_keys && dot != NULL) key = dot + 1;
    ev_buf_addf(&text, "%s%s=%s", i > first_axis ? separator : "", key,
                c->axes[i].values.items[ev_choose_value(c, run, i)]);
  }
  return text.data != NULL ? text.data : ev_strdup("");
}

char *ev_choose_keys(const ev_choose *c, size_t first_axis) {
  ev_buf text = {0};
  for (size_t i = first_axis; i < c->axis_count; ++i)
    ev_buf_addf(&text, "%s%s", i > first_axis ? " x " : "", c->axes[i].key);
  return text.data != NULL ? text.data : ev_strdup("");
}

static int read_platform(const ev_jnode *node, const ev_matrix *m, ev_platform_entry *p, ev_error *e) {
  static const char *const kKeys[] = {"name", "file", "set", "choose", NULL};
  ev_jnode name, file, set, choose;
  const char *text = NULL;
  if (ev_jobject(node, e) != 0 || ev_jkeys(node, kKeys, e) != 0) return -1;
  if (!ev_jchild(node, "name", &name)) return ev_jbad(node, e, "missing \"name\" (the platform's name in the outputs)");
  if (!ev_jchild(node, "file", &file)) return ev_jbad(node, e, "missing \"file\" (a kvnand-sim platform file)");
  if (ev_jstring(&name, &text, e) != 0) return -1;
  for (size_t i = 0; i < m->platform_count; ++i)
    if (strcmp(m->platforms[i].name, text) == 0) return ev_jbad(&name, e, "\"%s\" names two platforms", text);
  p->name = ev_strdup(text);
  if (ev_jstring(&file, &text, e) != 0) return -1;
  p->file = ev_path_beside(m->path, text);
  FILE *probe = fopen(p->file, "r");
  if (probe == NULL) return ev_jbad(&file, e, "cannot read %s (%s)", p->file, strerror(errno));
  fclose(probe);
  p->file = ev_canonical(p->file);
  if (ev_jchild(node, "set", &set) && read_sets(&set, &p->set, e) != 0) return -1;
  return ev_jchild(node, "choose", &choose) ? read_choose(&choose, &p->choose, e) : 0;
}

static int read_optional_path(const ev_jnode *parent, const char *key, const char *matrix, char **out, ev_error *e) {
  ev_jnode node;
  const char *text = NULL;
  if (!ev_jchild(parent, key, &node)) return 0;
  if (ev_jstring(&node, &text, e) != 0) return -1;
  *out = ev_canonical(ev_path_beside(matrix, text));
  return 0;
}

static int read_dse(const ev_jnode *node, const ev_matrix *m, ev_dse_entry *d, ev_error *e) {
  static const char *const kKeys[] = {"model", "precision",         "contexts",         "dies",       "tokens",
                                      "sweep", "discrete_platform", "compact_platform", "accounting", NULL};
  ev_jnode model, precision, child;
  const char *text = NULL;
  if (ev_jobject(node, e) != 0 || ev_jkeys(node, kKeys, e) != 0) return -1;
  if (!ev_jchild(node, "model", &model)) return ev_jbad(node, e, "missing \"model\"");
  if (ev_jstring(&model, &text, e) != 0) return -1;
  d->model = ev_model_argument(m->path, text, &d->label);
  text = kEvPrecisions[0];
  if (ev_jchild(node, "precision", &precision) && ev_jchoice(&precision, kEvPrecisions, &text, e) != 0) return -1;
  d->precision = ev_strdup(text);
  text = m->accounting;
  if (ev_jchild(node, "accounting", &child) && ev_jchoice(&child, kEvAccountings, &text, e) != 0) return -1;
  d->accounting = ev_strdup(text);
  if (ev_jchild(node, "contexts", &child)) {
    if (ev_read_contexts(&child, &d->contexts, &d->context_count, e) != 0) return -1;
  } else {
    d->contexts = ev_alloc_array(m->context_count, sizeof *d->contexts);
    memcpy(d->contexts, m->contexts, m->context_count * sizeof *d->contexts);
    d->context_count = m->context_count;
  }
  d->tokens = m->tokens;
  if (ev_jchild(node, "tokens", &child) && ev_jinteger(&child, 1, kEvMaxTokens, &d->tokens, e) != 0) return -1;
  if (ev_jchild(node, "dies", &child) && ev_jinteger(&child, 2, kEvMaxDies, &d->dies, e) != 0) return -1;
  if (read_optional_path(node, "sweep", m->path, &d->sweep, e) != 0) return -1;
  if (read_optional_path(node, "discrete_platform", m->path, &d->discrete_platform, e) != 0) return -1;
  return read_optional_path(node, "compact_platform", m->path, &d->compact_platform, e);
}

static int read_models(const ev_jnode *node, ev_matrix *m, ev_error *e) {
  ev_strings written = {0};
  const int rc = ev_read_strings(node, NULL, &written, e);
  int clash = 0;
  for (size_t i = 0; rc == 0 && i < written.count && !clash; ++i) {
    char *label = NULL;
    ev_strings_add_owned(&m->models, ev_model_argument(m->path, written.items[i], &label));
    clash = ev_strings_find(&m->model_labels, label) < m->model_labels.count;
    if (clash) ev_jbad(node, e, "two models are named \"%s\" in the outputs", label);
    ev_strings_add_owned(&m->model_labels, label);
  }
  ev_strings_free(&written);
  return rc != 0 || clash ? -1 : 0;
}

static int read_matrix(const ev_jnode *root, const char *baseline, ev_matrix *m, ev_error *e) {
  static const char *const kKeys[] = {"description", "models",    "contexts", "precisions", "tokens",    "accounting",
                                      "baseline",    "platforms", "dse",      "reference",  "tolerance", NULL};
  ev_jnode node;
  const char *text = NULL;
  if (ev_jkeys(root, kKeys, e) != 0) return -1;
  if (ev_jchild(root, "description", &node) && ev_jstring(&node, &text, e) != 0) return -1;
  if (!ev_jchild(root, "models", &node)) return ev_jbad(root, e, "missing \"models\" (model names or files)");
  if (read_models(&node, m, e) != 0) return -1;
  if (!ev_jchild(root, "contexts", &node)) return ev_jbad(root, e, "missing \"contexts\" (context lengths in tokens)");
  if (ev_read_contexts(&node, &m->contexts, &m->context_count, e) != 0) return -1;
  if (!ev_jchild(root, "precisions", &node))
    ev_strings_add(&m->precisions, kEvPrecisions[0]);
  else if (ev_read_strings(&node, kEvPrecisions, &m->precisions, e) != 0)
    return -1;
  m->tokens = 1;
  if (ev_jchild(root, "tokens", &node) && ev_jinteger(&node, 1, kEvMaxTokens, &m->tokens, e) != 0) return -1;
  text = kEvAccountings[0];
  if (ev_jchild(root, "accounting", &node) && ev_jchoice(&node, kEvAccountings, &text, e) != 0) return -1;
  m->accounting = ev_strdup(text);
  if (read_optional_path(root, "reference", m->path, &m->reference, e) != 0) return -1;
  if (ev_jchild(root, "tolerance", &node) && ev_jfraction(&node, &m->tolerance, e) != 0) return -1;
  if (!ev_jchild(root, "platforms", &node)) return ev_jbad(root, e, "missing \"platforms\" (name, file, set, choose)");
  const long count = ev_jarray(&node, 1, e);
  if (count < 0) return -1;
  m->platforms = ev_alloc_array((size_t)count, sizeof *m->platforms);
  for (long i = 0; i < count; ++i) {
    ev_jnode item;
    ev_jitem(&node, (size_t)i, &item);
    const int rc = read_platform(&item, m, &m->platforms[i], e);
    ++m->platform_count; /* counted even when it failed, so ev_matrix_free frees it */
    if (rc != 0) return -1;
  }
  ev_jnode baseline_node;
  const int in_file = ev_jchild(root, "baseline", &baseline_node);
  if (in_file && ev_jstring(&baseline_node, &text, e) != 0) return -1;
  if (baseline == NULL && !in_file)
    return ev_jbad(root, e, "missing \"baseline\" (a platform's name; or give --baseline)");
  m->baseline = ev_strdup(baseline != NULL ? baseline : text);
  int known = 0;
  ev_buf names = {0};
  for (size_t i = 0; i < m->platform_count; ++i) {
    known |= strcmp(m->platforms[i].name, m->baseline) == 0;
    ev_buf_addf(&names, "%s%s", i > 0 ? ", " : "", m->platforms[i].name);
  }
  if (!known) {
    if (baseline != NULL)
      ev_fail(e, "--baseline: \"%s\" is not a platform of %s (%s)", baseline, m->path, ev_buf_text(&names));
    else
      ev_jbad(&baseline_node, e, "\"%s\" is not one of the platforms (%s)", text, ev_buf_text(&names));
  }
  ev_buf_free(&names);
  if (!known) return -1;
  if (!ev_jchild(root, "dse", &node)) return 0;
  const long studies = ev_jarray(&node, 0, e);
  if (studies < 0) return -1;
  m->dse = ev_alloc_array((size_t)studies, sizeof *m->dse);
  for (long i = 0; i < studies; ++i) {
    ev_jnode item;
    ev_jitem(&node, (size_t)i, &item);
    const int rc = read_dse(&item, m, &m->dse[i], e);
    ++m->dse_count;
    if (rc != 0) return -1;
    for (long j = 0; j < i; ++j)
      if (strcmp(m->dse[j].label, m->dse[i].label) == 0 && strcmp(m->dse[j].precision, m->dse[i].precision) == 0)
        return ev_jbad(&item, e, "a second study of %s at %s (their outputs would share dse/%s-%s)", m->dse[i].label,
                       m->dse[i].precision, m->dse[i].label, m->dse[i].precision);
  }
  return 0;
}

int ev_matrix_load(const char *path, const char *baseline, ev_matrix *m, ev_error *e) {
  memset(m, 0, sizeof *m);
  m->path = ev_strdup(path);
  cJSON *root = ev_json_load(path, e);
  ev_jnode node;
  int rc = root != NULL ? ev_jroot(&node, path, root, e) : -1;
  if (rc == 0) rc = read_matrix(&node, baseline, m, e);
  cJSON_Delete(root);
  if (rc != 0) ev_matrix_free(m);
  return rc;
}

void ev_matrix_free(ev_matrix *m) {
  for (size_t i = 0; i < m->platform_count; ++i) {
    ev_platform_entry *p = &m->platforms[i];
    free(p->name);
    free(p->file);
    ev_strings_free(&p->set);
    for (size_t a = 0; a < p->choose.axis_count; ++a) {
      free(p->choose.axes[a].key);
      ev_strings_free(&p->choose.axes[a].values);
    }
    free(p->choose.axes);
  }
  for (size_t i = 0; i < m->dse_count; ++i) {
    ev_dse_entry *d = &m->dse[i];
    free(d->model);
    free(d->label);
    free(d->precision);
    free(d->accounting);
    free(d->contexts);
    free(d->sweep);
    free(d->discrete_platform);
    free(d->compact_platform);
  }
  free(m->path);
  ev_strings_free(&m->models);
  ev_strings_free(&m->model_labels);
  free(m->contexts);
  ev_strings_free(&m->precisions);
  free(m->accounting);
  free(m->baseline);
  free(m->platforms);
  free(m->dse);
  free(m->reference);
  memset(m, 0, sizeof *m);
}
