/* Strict reading of the evaluation tools' JSON input files (matrix, sweep) with cJSON: parse
 * errors with line and column, duplicate and unknown keys refused, and every message in the form
 * "<file>: <key path>: <what is wrong>; expected <what is accepted>". */
#pragma once

#include <stddef.h>

#include <cJSON.h>

#include "text.h"

enum { kEvKeyPathBytes = 512 };

/* A value inside a loaded file, with where it sits ("platforms[2].choose.values", "" at the top). */
typedef struct {
  const char *file;
  char path[kEvKeyPathBytes];
  const cJSON *value;
} ev_jnode;

/* Reads and parses a whole file; NULL with e set when it cannot be read, is not JSON or repeats a
 * key in an object. The caller frees the result with cJSON_Delete. */
cJSON *ev_json_load(const char *file, ev_error *e);
/* Parses text (named `file` in messages) as ev_json_load does. */
cJSON *ev_json_parse(const char *file, const char *text, ev_error *e);

/* The file's top level, which must be an object. */
int ev_jroot(ev_jnode *node, const char *file, const cJSON *root, ev_error *e);
/* 1 and *child set when the object has `key`, else 0. */
int ev_jchild(const ev_jnode *object, const char *key, ev_jnode *child);
/* Element `index` of an array node. */
void ev_jitem(const ev_jnode *array, size_t index, ev_jnode *item);

/* "<file>: <path>: <message>" into e; returns -1. */
int ev_jbad(const ev_jnode *node, ev_error *e, const char *format, ...) EV_PRINTF(3, 4);
/* Refuses keys outside `allowed` (NULL-terminated), naming the ones accepted. */
int ev_jkeys(const ev_jnode *object, const char *const *allowed, ev_error *e);
int ev_jobject(const ev_jnode *node, ev_error *e);
/* Number of elements (at least min_count), or -1. */
long ev_jarray(const ev_jnode *node, size_t min_count, ev_error *e);
/* A non-empty string. */
int ev_jstring(const ev_jnode *node, const char **out, ev_error *e);
int ev_jinteger(const ev_jnode *node, long long min, long long max, long long *out, ev_error *e);
/* A number greater than 0 and less than 1 (a tolerance). */
int ev_jfraction(const ev_jnode *node, double *out, ev_error *e);
/* A number, string or boolean as it should appear after "--set key=": numbers written exactly. */
int ev_jscalar_text(const ev_jnode *node, char **out, ev_error *e);
/* One of `accepted` (NULL-terminated). */
int ev_jchoice(const ev_jnode *node, const char *const *accepted, const char **out, ev_error *e);
