/* Scheduler log comparison: commands grouped by (channel, die) with a counting sort over the
 * 8-bit channel and die numbers, then both logs walked die by die. */
#include "scheduler_log.h"

#include <stdlib.h>
#include <string.h>

enum {
  kDieBits = 8, /* channel and die are 8-bit fields of the scheduler port */
  kDieKeys = 1 << (2 * kDieBits),
};

/* Commands of a log grouped by die: order[start[k] .. start[k+1]) are die k's, in file order. */
typedef struct {
  size_t* order;
  size_t* start; /* kDieKeys + 1 entries */
} die_groups;

static size_t die_key(const kv_sched_command* c) { return ((size_t)c->channel << kDieBits) | c->die; }

static int group_by_die(const kv_sched_log* log, die_groups* g) {
  g->start = calloc(kDieKeys + 1, sizeof *g->start);
  g->order = malloc((log->count > 0 ? log->count : 1) * sizeof *g->order);
  if (g->start == NULL || g->order == NULL) return -1;
  for (size_t i = 0; i < log->count; ++i) ++g->start[die_key(&log->commands[i]) + 1];
  for (size_t k = 0; k < kDieKeys; ++k) g->start[k + 1] += g->start[k];
  size_t* next = malloc(kDieKeys * sizeof *next);
  if (next == NULL) return -1;
  memcpy(next, g->start, kDieKeys * sizeof *next);
  for (size_t i = 0; i < log->count; ++i) g->order[next[die_key(&log->commands[i])]++] = i;
  free(next);
  return 0;
}

static void free_groups(die_groups* g) {
  free(g->order);
  free(g->start);
}

/* The first column (in log order) where two commands of the same die differ, else NULL. */
static const char* differing_field(const kv_sched_command* r, const kv_sched_command* c) {
  if (r->op != c->op) return "op";
  if (r->planes != c->planes) return "planes";
  if (r->block != c->block) return "block";
  if (r->page != c->page) return "page";
  if (r->pages != c->pages) return "pages";
  if (r->requests != c->requests) return "requests";
  return NULL;
}

static uint64_t magnitude(int64_t v) { return v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v; }

static void note_delta(kv_sched_comparison* out, int64_t delta, double* sum) {
  if (out->timed == 0 || delta < out->min_delta_ps) out->min_delta_ps = delta;
  if (out->timed == 0 || delta > out->max_delta_ps) out->max_delta_ps = delta;
  ++out->timed;
  *sum += (double)delta;
  if (delta == 0) ++out->same_time;
  else if (delta > 0) ++out->later;
  else ++out->earlier;
}

/* Compares one die's commands; fills *d with its first mismatch (kind NONE if none). */
static void compare_die(const kv_sched_log* ref, const size_t* r_idx, size_t nr, const kv_sched_log* cand,
                        const size_t* c_idx, size_t nc, kv_sched_comparison* out, double* sum,
                        kv_sched_difference* d) {
  memset(d, 0, sizeof *d);
  const size_t paired = nr < nc ? nr : nc;
  for (size_t k = 0; k < paired; ++k) {
    const kv_sched_command* r = &ref->commands[r_idx[k]];
    const kv_sched_command* c = &cand->commands[c_idx[k]];
    const char* field = differing_field(r, c);
    const int64_t delta = (int64_t)c->issue_ps - (int64_t)r->issue_ps;
    kv_sched_diff_kind kind = KV_SCHED_DIFF_NONE;
    if (field != NULL) {
      kind = KV_SCHED_DIFF_FIELD;
      ++out->field_differences;
    } else {
      note_delta(out, delta, sum);
      if (magnitude(delta) > out->tolerance_ps) {
        kind = KV_SCHED_DIFF_TIME;
        ++out->time_differences;
      } else {
        ++out->matching;
      }
    }
    if (kind != KV_SCHED_DIFF_NONE && d->kind == KV_SCHED_DIFF_NONE) {
      d->kind = kind;
      d->index = k;
      d->reference = r;
      d->candidate = c;
      d->field = field;
      d->time_delta_ps = delta;
    }
  }
  if (nr > paired) out->missing += nr - paired;
  if (nc > paired) out->extra += nc - paired;
  if (d->kind == KV_SCHED_DIFF_NONE && nr != nc) {
    d->kind = nr > nc ? KV_SCHED_DIFF_MISSING : KV_SCHED_DIFF_EXTRA;
    d->index = paired;
    d->reference = nr > nc ? &ref->commands[r_idx[paired]] : NULL;
    d->candidate = nc > nr ? &cand->commands[c_idx[paired]] : NULL;
  }
  if (d->kind != KV_SCHED_DIFF_NONE && d->index > 0) {
    d->previous_reference = &ref->commands[r_idx[d->index - 1]];
    d->previous_candidate = &cand->commands[c_idx[d->index - 1]];
  }
}

static uint64_t difference_time(const kv_sched_difference* d) {
  return d->reference != NULL ? d->reference->issue_ps : d->candidate->issue_ps;
}

int kv_sched_compare(const kv_sched_log* reference, const kv_sched_log* candidate, uint64_t tolerance_ps,
                     kv_sched_comparison* out) {
  if (out == NULL) return -1;
  memset(out, 0, sizeof *out);
  if (reference == NULL || candidate == NULL) return -1;
  die_groups r = {NULL, NULL}, c = {NULL, NULL};
  if (group_by_die(reference, &r) != 0 || group_by_die(candidate, &c) != 0) {
    free_groups(&r);
    free_groups(&c);
    return -1;
  }
  out->tolerance_ps = tolerance_ps;
  out->reference_commands = reference->count;
  out->candidate_commands = candidate->count;
  double sum = 0.0;
  for (size_t k = 0; k < kDieKeys; ++k) {
    const size_t nr = r.start[k + 1] - r.start[k];
    const size_t nc = c.start[k + 1] - c.start[k];
    if (nr == 0 && nc == 0) continue;
    ++out->dies;
    kv_sched_difference d;
    compare_die(reference, r.order + r.start[k], nr, candidate, c.order + c.start[k], nc, out, &sum, &d);
    if (d.kind == KV_SCHED_DIFF_NONE) continue;
    ++out->differing_dies;
    d.channel = (uint32_t)(k >> kDieBits);
    d.die = (uint32_t)(k & ((1u << kDieBits) - 1));
    /* Dies are visited in ascending order, so a tie keeps the lower one. */
    if (out->first.kind == KV_SCHED_DIFF_NONE || difference_time(&d) < difference_time(&out->first)) out->first = d;
  }
  if (out->timed > 0) out->mean_delta_ps = sum / (double)out->timed;
  free_groups(&r);
  free_groups(&c);
  return out->first.kind == KV_SCHED_DIFF_NONE ? 0 : 1;
}
