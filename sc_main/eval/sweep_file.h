/* A kvnand-dse sweep file (docs/evaluation.md): config keys with the values to try, whose
 * cartesian product is the set of designs, and an optional die budget. */
#pragma once

#include <stddef.h>

#include "text.h"

typedef struct {
  char *key;         /* a config key path, as kvnand-sim --set takes it */
  ev_strings values; /* as written after "key=" */
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
/* The axis with this key, or NULL. */
const ev_axis *ev_sweep_axis(const ev_sweep *s, const char *key);
