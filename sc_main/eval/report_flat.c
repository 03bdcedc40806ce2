/* report.json flattened for a CSV row (report_flat.h). */
#include "report_flat.h"

#include <stdlib.h>
#include <string.h>

#include "json_file.h"

enum { kNumberBytes = 40 };

static void flatten(const cJSON *value, const char *name, ev_strings *keys, ev_strings *values) {
  if (cJSON_IsObject(value)) {
    for (const cJSON *child = value->child; child != NULL; child = child->next) {
      char *child_name = name[0] != '\0' ? ev_printf("%s.%s", name, child->string) : ev_strdup(child->string);
      flatten(child, child_name, keys, values);
      free(child_name);
    }
    return;
  }
  if (cJSON_IsArray(value)) return;
  char number[kNumberBytes];
  const char *text = "";
  if (cJSON_IsNumber(value)) {
    ev_format_number(number, sizeof number, value->valuedouble);
    text = number;
  } else if (cJSON_IsBool(value)) {
    text = cJSON_IsTrue(value) ? "true" : "false";
  } else if (cJSON_IsString(value)) {
    text = value->valuestring;
  }
  ev_strings_add(keys, name);
  ev_strings_add(values, text);
}

static int number_at(const cJSON *root, const char *key, double *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
  if (!cJSON_IsNumber(v)) return 0;
  *out = v->valuedouble;
  return 1;
}

int ev_report_load(const char *path, ev_report *r, ev_error *e) {
  memset(r, 0, sizeof *r);
  cJSON *root = ev_json_load(path, e);
  if (root == NULL) return -1;
  if (!cJSON_IsObject(root)) {
    cJSON_Delete(root);
    return ev_fail(e, "%s: not a JSON object", path);
  }
  for (const cJSON *child = root->child; child != NULL; child = child->next) {
    const int config = strcmp(child->string, "config") == 0;
    flatten(child, child->string, config ? &r->config_keys : &r->keys, config ? &r->config_values : &r->values);
  }
  r->has_tokens_per_s = number_at(root, "tokens_per_s", &r->tokens_per_s);
  r->has_latency = number_at(root, "latency_per_token_s", &r->latency_per_token_s);
  const cJSON *oom = cJSON_GetObjectItemCaseSensitive(root, "oom");
  r->oom = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(oom, "value"));
  const cJSON *reason = cJSON_GetObjectItemCaseSensitive(oom, "reason");
  r->oom_reason = ev_strdup(cJSON_IsString(reason) ? reason->valuestring : "");
  cJSON_Delete(root);
  return 0;
}

void ev_report_free(ev_report *r) {
  ev_strings_free(&r->keys);
  ev_strings_free(&r->values);
  ev_strings_free(&r->config_keys);
  ev_strings_free(&r->config_values);
  free(r->oom_reason);
  r->oom_reason = NULL;
}
