/* A kvnand-dse sweep file (docs/evaluation.md): axes of values to try, whose cartesian product is
 * the set of designs, and an optional die budget. An axis either sets one config key or, when its
 * values are objects, several keys together (a coupled axis, named by a free label). */
#pragma once

#include <stddef.h>

#include "text.h"

typedef struct {
  char *key;            /* a config key path, as kvnand-sim --set takes it; a coupled axis's label */
  int coupled;          /* its values are objects of settings */
  ev_strings values;    /* each value as shown: "3000", coupled "key=value;key=value" */
  ev_strings *settings; /* per value, its "key=value" settings for kvnand-sim --set */
} ev_axis;

typedef struct {
  char *path;
  ev_axis *axes; /* in the file's order */
  size_t axis_count;
  long long dies; /* 0: not given */
} ev_sweep;

int ev_sweep_load(const char *path, ev_sweep *s, ev_error *e);
void ev_sweep_free(ev_sweep *s);
/* Number of designs: the product of the axes' sizes (1 without axes). */
size_t ev_sweep_designs(const ev_sweep *s);
/* The value index of each axis in design `index`; the last axis varies fastest. */
void ev_sweep_design(const ev_sweep *s, size_t index, size_t *choice);
/* The value the design with these choices gives config key `key`, or NULL when no axis sets it;
 * `where` gets its place in the file, e.g. "parameters.planes[1].channels.count". */
const char *ev_sweep_value(const ev_sweep *s, const size_t *choice, const char *key, char *where, size_t size);
/* "axis=value, axis=value" of a design, each value as shown. */
void ev_sweep_describe(const ev_sweep *s, const size_t *choice, ev_buf *out);
