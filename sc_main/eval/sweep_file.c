/* kvnand-dse sweep files (sweep_file.h). */
#include "sweep_file.h"

#include <stdlib.h>
#include <string.h>

#include "eval_limits.h"
#include "json_file.h"

/* A sanity bound: every design runs (splits x contexts) simulations. */
static const size_t kMaxDesigns = 4096;
/* The split axis of the study sets these itself. */
static const char *const kSplitKeys[] = {"dataflow.g2_dies", "dataflow.variant", NULL};

static int read_axis(const ev_jnode *node, const char *key, ev_axis *axis, ev_error *e) {
  if (strchr(key, '=') != NULL || key[0] == '\0')
    return ev_jbad(node, e, "a config key path may not be empty or hold '='");
  for (const char *const *split = kSplitKeys; *split != NULL; ++split)
    if (strcmp(*split, key) == 0)
      return ev_jbad(node, e, "the study sets %s itself for each split (G1+G2 and C); sweep other keys", key);
  axis->key = ev_strdup(key);
  const long count = ev_jarray(node, 1, e);
  for (long i = 0; i < count; ++i) {
    ev_jnode item;
    ev_jitem(node, (size_t)i, &item);
    char *value = NULL;
    if (ev_jscalar_text(&item, &value, e) != 0) return -1;
    if (ev_strings_find(&axis->values, value) < axis->values.count) {
      ev_jbad(&item, e, "value %s appears twice", value);
      free(value);
      return -1;
    }
    ev_strings_add_owned(&axis->values, value);
  }
  return count < 0 ? -1 : 0;
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
    const int rc = read_axis(&axis, child->string, &s->axes[s->axis_count], e);
    designs *= s->axes[s->axis_count++].values.count;
    if (rc != 0) return -1;
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

const ev_axis *ev_sweep_axis(const ev_sweep *s, const char *key) {
  for (size_t i = 0; i < s->axis_count; ++i)
    if (strcmp(s->axes[i].key, key) == 0) return &s->axes[i];
  return NULL;
}
