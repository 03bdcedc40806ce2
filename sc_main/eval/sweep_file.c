/* kvnand-dse sweep files (sweep_file.h). */
#include "sweep_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_limits.h"
#include "json_file.h"

/* A sanity bound: every design runs (splits x contexts) simulations. */
static const size_t kMaxDesigns = 4096;
/* The split axis of the study sets these itself. */
static const char *const kSplitKeys[] = {"dataflow.g2_dies", "dataflow.variant", NULL};

/* The settings are "key=value" and keys hold no '=', so a key ends at the first one. */
static size_t key_length(const char *setting) { return (size_t)(strchr(setting, '=') - setting); }

/* The setting of key (its first `length` characters) in the list, or NULL. */
static const char *setting_of(const ev_strings *settings, const char *key, size_t length) {
  for (size_t i = 0; i < settings->count; ++i)
    if (key_length(settings->items[i]) == length && strncmp(settings->items[i], key, length) == 0)
      return settings->items[i];
  return NULL;
}

static int check_key(const ev_jnode *node, const char *key, ev_error *e) {
  if (strchr(key, '=') != NULL || key[0] == '\0')
    return ev_jbad(node, e, "a config key path may not be empty or hold '='");
  for (const char *const *split = kSplitKeys; *split != NULL; ++split)
    if (strcmp(*split, key) == 0)
      return ev_jbad(node, e, "the study sets %s itself for each split (G1+G2 and C); sweep other keys", key);
  return 0;
}

/* The settings of one coupled value: a non-empty object of config keys and scalars. */
static int read_coupled(const ev_jnode *item, ev_strings *settings, ev_error *e) {
  if (item->value->child == NULL)
    return ev_jbad(item, e, "an empty object; a coupled value sets at least one config key");
  for (const cJSON *child = item->value->child; child != NULL; child = child->next) {
    ev_jnode node;
    ev_jchild(item, child->string, &node);
    char *value = NULL;
    if (check_key(&node, child->string, e) != 0 || ev_jscalar_text(&node, &value, e) != 0) return -1;
    ev_strings_add_owned(settings, ev_printf("%s=%s", child->string, value));
    free(value);
  }
  return 0;
}

/* Index of an earlier value with the same settings (in any order), or axis->values.count. */
static size_t same_as(const ev_axis *axis, const ev_strings *settings) {
  for (size_t v = 0; v < axis->values.count; ++v) {
    const ev_strings *other = &axis->settings[v];
    size_t shared = 0;
    for (size_t i = 0; i < settings->count; ++i) shared += ev_strings_find(other, settings->items[i]) < other->count;
    if (shared == settings->count && shared == other->count) return v;
  }
  return axis->values.count;
}

static int read_value(const ev_jnode *item, const char *first, ev_axis *axis, ev_strings *settings, ev_error *e) {
  if (cJSON_IsObject(item->value) != axis->coupled)
    return ev_jbad(item, e,
                   "%s, unlike %s; an axis's values are all numbers, strings or booleans, or all objects of config "
                   "keys and values (a coupled axis)",
                   axis->coupled ? "not an object" : "an object", first);
  if (axis->coupled) return read_coupled(item, settings, e);
  char *value = NULL;
  if (ev_jscalar_text(item, &value, e) != 0) return -1;
  ev_strings_add_owned(settings, ev_printf("%s=%s", axis->key, value));
  free(value);
  return 0;
}

/* Puts a coupled value's settings in the order their keys first appear in the axis (`keys`, which
 * gains this value's new keys), so every value of a column reads the same way. */
static void order_settings(ev_strings *keys, ev_strings *settings) {
  for (size_t i = 0; i < settings->count; ++i) {
    char *key = ev_printf("%.*s", (int)key_length(settings->items[i]), settings->items[i]);
    if (ev_strings_find(keys, key) == keys->count) ev_strings_add(keys, key);
    free(key);
  }
  size_t placed = 0;
  for (size_t k = 0; k < keys->count; ++k) {
    const char *setting = setting_of(settings, keys->items[k], strlen(keys->items[k]));
    if (setting == NULL) continue;
    size_t at = placed;
    while (settings->items[at] != setting) ++at;
    char *moved = settings->items[at];
    memmove(&settings->items[placed + 1], &settings->items[placed], (at - placed) * sizeof *settings->items);
    settings->items[placed++] = moved;
  }
}

static int read_axis(const ev_jnode *node, const char *key, ev_axis *axis, ev_error *e) {
  axis->key = ev_strdup(key);
  const long count = ev_jarray(node, 1, e);
  if (count < 0) return -1;
  axis->coupled = cJSON_IsObject(node->value->child);
  if (axis->coupled && (strchr(key, '=') != NULL || key[0] == '\0'))
    return ev_jbad(node, e, "the label of a coupled axis may not be empty or hold '='");
  if (!axis->coupled && check_key(node, key, e) != 0) return -1;
  axis->settings = ev_alloc_array((size_t)count, sizeof *axis->settings);
  ev_strings keys = {0};
  for (long i = 0; i < count; ++i) {
    ev_jnode item;
    ev_jitem(node, (size_t)i, &item);
    ev_strings settings = {0};
    char first[kEvKeyPathBytes + 4];
    snprintf(first, sizeof first, "%s[0]", node->path);
    int rc = read_value(&item, first, axis, &settings, e);
    const size_t twin = rc == 0 ? same_as(axis, &settings) : axis->values.count;
    if (twin < axis->values.count && axis->coupled)
      rc = ev_jbad(&item, e, "the same settings as %s[%zu]", node->path, twin);
    else if (twin < axis->values.count)
      rc = ev_jbad(&item, e, "value %s appears twice", axis->values.items[twin]);
    if (rc != 0) {
      ev_strings_free(&settings);
      ev_strings_free(&keys);
      return -1;
    }
    order_settings(&keys, &settings);
    ev_buf shown = {0};
    for (size_t j = 0; j < settings.count; ++j)
      ev_buf_addf(&shown, "%s%s", j == 0 ? "" : ";",
                  axis->coupled ? settings.items[j] : strchr(settings.items[j], '=') + 1);
    axis->settings[axis->values.count] = settings;
    ev_strings_add(&axis->values, ev_buf_text(&shown));
    ev_buf_free(&shown);
  }
  ev_strings_free(&keys);
  return 0;
}

/* A config key set by the last axis read and an earlier one would reach kvnand-sim twice. */
static int check_overlap(const ev_jnode *node, const ev_sweep *s, ev_error *e) {
  const ev_axis *axis = &s->axes[s->axis_count - 1];
  for (size_t v = 0; v < axis->values.count; ++v)
    for (size_t i = 0; i < axis->settings[v].count; ++i) {
      const char *key = axis->settings[v].items[i];
      const size_t length = key_length(key);
      for (size_t a = 0; a + 1 < s->axis_count; ++a)
        for (size_t w = 0; w < s->axes[a].values.count; ++w)
          if (setting_of(&s->axes[a].settings[w], key, length) != NULL)
            return ev_jbad(node, e, "sets %.*s, which parameters.%s sets too; couple them in one axis instead",
                           (int)length, key, s->axes[a].key);
    }
  return 0;
}

static int read_sweep(const ev_jnode *root, ev_sweep *s, ev_error *e) {
  static const char *const kKeys[] = {"description", "parameters", "dies", NULL};
  ev_jnode node;
  const char *text = NULL;
  if (ev_jkeys(root, kKeys, e) != 0) return -1;
  if (ev_jchild(root, "description", &node) && ev_jstring(&node, &text, e) != 0) return -1;
  if (ev_jchild(root, "dies", &node) && ev_jinteger(&node, 2, kEvMaxDies, &s->dies, e) != 0) return -1;
  if (!ev_jchild(root, "parameters", &node))
    return ev_jbad(root, e, "missing \"parameters\" (config key paths, each with an array of values)");
  if (ev_jobject(&node, e) != 0) return -1;
  const int count = cJSON_GetArraySize(node.value);
  s->axes = ev_alloc_array((size_t)count, sizeof *s->axes);
  size_t designs = 1;
  for (const cJSON *child = node.value->child; child != NULL; child = child->next) {
    ev_jnode axis;
    ev_jchild(&node, child->string, &axis);
    ev_axis *read = &s->axes[s->axis_count++];
    if (read_axis(&axis, child->string, read, e) != 0 || check_overlap(&axis, s, e) != 0) return -1;
    designs *= read->values.count;
    if (designs > kMaxDesigns)
      return ev_jbad(&axis, e, "the sweep has more than %zu designs (the product of the value counts)", kMaxDesigns);
  }
  return 0;
}

int ev_sweep_load(const char *path, ev_sweep *s, ev_error *e) {
  memset(s, 0, sizeof *s);
  s->path = ev_strdup(path);
  cJSON *root = ev_json_load(path, e);
  ev_jnode node;
  int rc = root != NULL ? ev_jroot(&node, path, root, e) : -1;
  if (rc == 0) rc = read_sweep(&node, s, e);
  cJSON_Delete(root);
  if (rc != 0) ev_sweep_free(s);
  return rc;
}

void ev_sweep_free(ev_sweep *s) {
  for (size_t i = 0; i < s->axis_count; ++i) {
    free(s->axes[i].key);
    for (size_t v = 0; v < s->axes[i].values.count; ++v) ev_strings_free(&s->axes[i].settings[v]);
    free(s->axes[i].settings);
    ev_strings_free(&s->axes[i].values);
  }
  free(s->axes);
  free(s->path);
  memset(s, 0, sizeof *s);
}

size_t ev_sweep_designs(const ev_sweep *s) {
  size_t designs = 1;
  for (size_t i = 0; i < s->axis_count; ++i) designs *= s->axes[i].values.count;
  return designs;
}

void ev_sweep_design(const ev_sweep *s, size_t index, size_t *choice) {
  for (size_t i = s->axis_count; i-- > 0;) {
    choice[i] = index % s->axes[i].values.count;
    index /= s->axes[i].values.count;
  }
}

const char *ev_sweep_value(const ev_sweep *s, const size_t *choice, const char *key, char *where, size_t size) {
  for (size_t a = 0; a < s->axis_count; ++a) {
    const ev_axis *axis = &s->axes[a];
    const char *setting = setting_of(&axis->settings[choice[a]], key, strlen(key));
    if (setting == NULL) continue;
    if (axis->coupled)
      snprintf(where, size, "parameters.%s[%zu].%s", axis->key, choice[a], key);
    else
      snprintf(where, size, "parameters.%s", key);
    return setting + strlen(key) + 1;
  }
  return NULL;
}

void ev_sweep_describe(const ev_sweep *s, const size_t *choice, ev_buf *out) {
  for (size_t a = 0; a < s->axis_count; ++a)
    ev_buf_addf(out, "%s%s=%s", a == 0 ? "" : ", ", s->axes[a].key, s->axes[a].values.items[choice[a]]);
}
