/* Strict reading of JSON input files (json_file.h). */
#include "json_file.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_limits.h"
#include "out_file.h"

enum { kShownValueBytes = 80 };

static int check_duplicates(const char *file, const cJSON *value, const char *path, ev_error *e) {
  if (!cJSON_IsObject(value) && !cJSON_IsArray(value)) return 0;
  size_t index = 0;
  for (const cJSON *child = value->child; child != NULL; child = child->next, ++index) {
    char child_path[kEvKeyPathBytes];
    if (cJSON_IsArray(value)) {
      snprintf(child_path, sizeof child_path, "%s[%zu]", path, index);
    } else {
      snprintf(child_path, sizeof child_path, "%s%s%s", path, path[0] != '\0' ? "." : "", child->string);
      for (const cJSON *earlier = value->child; earlier != child; earlier = earlier->next)
        if (strcmp(earlier->string, child->string) == 0) return ev_fail(e, "%s: %s: duplicate key", file, child_path);
    }
    if (check_duplicates(file, child, child_path, e) != 0) return -1;
  }
  return 0;
}

cJSON *ev_json_parse(const char *file, const char *text, ev_error *e) {
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
  if (root == NULL) {
    const char *at = end != NULL ? end : text;
    size_t line = 1, column = 1;
    for (const char *p = text; p < at && *p != '\0'; ++p) {
      if (*p == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    ev_fail(e, "%s:%zu:%zu: not valid JSON", file, line, column);
    return NULL;
  }
  if (check_duplicates(file, root, "", e) != 0) {
    cJSON_Delete(root);
    return NULL;
  }
  return root;
}

cJSON *ev_json_load(const char *file, ev_error *e) {
  char *text = ev_read_file(file, e);
  if (text == NULL) return NULL;
  cJSON *root = ev_json_parse(file, text, e);
  free(text);
  return root;
}

/* The value as JSON, shortened for a message. */
static void shown(const cJSON *value, char *out, size_t size) {
  char *printed = cJSON_PrintUnformatted(value);
  snprintf(out, size, "%s", printed != NULL ? printed : "?");
  if (printed != NULL && strlen(printed) >= size && size > 4) strcpy(out + size - 4, "...");
  cJSON_free(printed);
}

int ev_jbad(const ev_jnode *node, ev_error *e, const char *format, ...) {
  char what[kEvErrorBytes];
  va_list args;
  va_start(args, format);
  vsnprintf(what, sizeof what, format, args);
  va_end(args);
  if (node->path[0] == '\0') return ev_fail(e, "%s: %s", node->file, what);
  return ev_fail(e, "%s: %s: %s", node->file, node->path, what);
}

static int expected(const ev_jnode *node, const char *what, ev_error *e) {
  char got[kShownValueBytes];
  shown(node->value, got, sizeof got);
  return ev_jbad(node, e, "expected %s, got %s", what, got);
}

int ev_jroot(ev_jnode *node, const char *file, const cJSON *root, ev_error *e) {
  node->file = file;
  node->path[0] = '\0';
  node->value = root;
  return cJSON_IsObject(root) ? 0 : expected(node, "an object at the top level", e);
}

/* vsnprintf: a key path too long for the buffer is cut, which only shortens a message. */
static void set_path(ev_jnode *node, const char *format, ...) EV_PRINTF(2, 3);
static void set_path(ev_jnode *node, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(node->path, sizeof node->path, format, args);
  va_end(args);
}

int ev_jchild(const ev_jnode *object, const char *key, ev_jnode *child) {
  const cJSON *value = cJSON_GetObjectItemCaseSensitive(object->value, key);
  if (value == NULL) return 0;
  child->file = object->file;
  set_path(child, "%s%s%s", object->path, object->path[0] != '\0' ? "." : "", key);
  child->value = value;
  return 1;
}

void ev_jitem(const ev_jnode *array, size_t index, ev_jnode *item) {
  item->file = array->file;
  set_path(item, "%s[%zu]", array->path, index);
  item->value = cJSON_GetArrayItem(array->value, (int)index);
}

int ev_jkeys(const ev_jnode *object, const char *const *allowed, ev_error *e) {
  for (const cJSON *child = object->value->child; child != NULL; child = child->next) {
    int known = 0;
    for (const char *const *a = allowed; *a != NULL && !known; ++a) known = strcmp(*a, child->string) == 0;
    if (known) continue;
    ev_buf list = {0};
    for (const char *const *a = allowed; *a != NULL; ++a) ev_buf_addf(&list, "%s%s", a == allowed ? "" : ", ", *a);
    ev_jnode bad = *object;
    ev_jchild(object, child->string, &bad);
    ev_jbad(&bad, e, "unknown key; accepted here: %s", ev_buf_text(&list));
    ev_buf_free(&list);
    return -1;
  }
  return 0;
}

int ev_jobject(const ev_jnode *node, ev_error *e) {
  return cJSON_IsObject(node->value) ? 0 : expected(node, "an object", e);
}

long ev_jarray(const ev_jnode *node, size_t min_count, ev_error *e) {
  if (!cJSON_IsArray(node->value) || (size_t)cJSON_GetArraySize(node->value) < min_count)
    return expected(node, min_count > 0 ? "a non-empty array" : "an array", e);
  return cJSON_GetArraySize(node->value);
}

int ev_jstring(const ev_jnode *node, const char **out, ev_error *e) {
  if (!cJSON_IsString(node->value) || node->value->valuestring[0] == '\0')
    return expected(node, "a non-empty string", e);
  *out = node->value->valuestring;
  return 0;
}

int ev_jinteger(const ev_jnode *node, long long min, long long max, long long *out, ev_error *e) {
  const double v = cJSON_IsNumber(node->value) ? node->value->valuedouble : NAN;
  if (!(v >= (double)min && v <= (double)max) || floor(v) != v) {
    char what[kShownValueBytes];
    snprintf(what, sizeof what, "an integer from %lld to %lld", min, max);
    return expected(node, what, e);
  }
  *out = (long long)v;
  return 0;
}

int ev_jfraction(const ev_jnode *node, double *out, ev_error *e) {
  const double v = cJSON_IsNumber(node->value) ? node->value->valuedouble : NAN;
  if (!(v > 0.0 && v < 1.0)) return expected(node, EV_FRACTION_ACCEPTED, e);
  *out = v;
  return 0;
}

int ev_jscalar_text(const ev_jnode *node, char **out, ev_error *e) {
  const cJSON *v = node->value;
  if (cJSON_IsNumber(v)) {
    char number[kShownValueBytes];
    ev_format_number(number, sizeof number, v->valuedouble);
    *out = ev_strdup(number);
  } else if (cJSON_IsBool(v)) {
    *out = ev_strdup(cJSON_IsTrue(v) ? "true" : "false");
  } else if (cJSON_IsString(v) && v->valuestring[0] != '\0') {
    *out = ev_strdup(v->valuestring);
  } else {
    return expected(node, "a number, a non-empty string or a boolean", e);
  }
  return 0;
}

int ev_jchoice(const ev_jnode *node, const char *const *accepted, const char **out, ev_error *e) {
  for (const char *const *a = accepted; *a != NULL && cJSON_IsString(node->value); ++a) {
    if (strcmp(*a, node->value->valuestring) != 0) continue;
    *out = *a;
    return 0;
  }
  ev_buf list = {0};
  for (const char *const *a = accepted; *a != NULL; ++a) ev_buf_addf(&list, "%s\"%s\"", a == accepted ? "" : ", ", *a);
  char what[kEvErrorBytes];
  snprintf(what, sizeof what, "one of %s", ev_buf_text(&list));
  ev_buf_free(&list);
  return expected(node, what, e);
}
