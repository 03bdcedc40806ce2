/* Scheduler issue logs (format v1): one CSV row per command the controller's scheduler issued,
 * written by kvnand-sim for the TLM scheduler or an RTL one, and their comparison for the RTL
 * co-simulation (kvnand-cosim-check). Two logs are equivalent when, die by die, the k-th commands
 * agree in every field but the tag and issue within a tolerance of each other. Parse errors read
 * "<name>:<line>: <what>" and name what is accepted. C11; usable from C++. */
#ifndef KVNAND_TRACES_SCHEDULER_LOG_H
#define KVNAND_TRACES_SCHEDULER_LOG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KV_SCHED_LOG_TITLE "# kvnand scheduler log v1"
#define KV_SCHED_LOG_HEADER "issue_ps,channel,die,op,planes,block,page,pages,requests,tag"

typedef enum kv_sched_op {
  KV_SCHED_READ,
  KV_SCHED_PROGRAM,
  KV_SCHED_ERASE,
  KV_SCHED_BROADCAST,
  KV_SCHED_INPUT,
  KV_SCHED_COMPUTE,
  KV_SCHED_KV_PROGRAM,
  KV_SCHED_READ_PAGES
} kv_sched_op;

typedef struct kv_sched_command {
  uint64_t issue_ps; /* at most INT64_MAX, so differences of two are exact int64_t */
  uint32_t channel;  /* 0..255 (8 bits, as the scheduler port) */
  uint32_t die;      /* 0..255 */
  kv_sched_op op;
  uint64_t planes;   /* plane mask, bit p = plane p */
  uint32_t block, page, pages;
  uint32_t requests; /* 1..65535: requests the command serves */
  uint32_t tag;      /* 0..65535: the head request's tag; never compared */
  uint32_t line;     /* 1-based line in the log */
  const char* text;  /* the row as written (no line end), inside the log's storage */
  size_t text_length;
} kv_sched_command;

typedef struct kv_sched_log {
  char* storage;        /* the log's text; commands point into it */
  char scheduler[4];    /* "tlm" or "rtl" */
  uint64_t clock_ps;    /* 0: an unclocked (TLM) scheduler */
  char* platform;       /* the platform name */
  kv_sched_command* commands; /* in file order (non-decreasing issue_ps); NULL when count is 0 */
  size_t count;
} kv_sched_log;

/* Parses NUL-terminated log text; `name` (NULL: "log") starts every error message. On success
 * returns 0 and *out owns a copy of the text (free with kv_sched_log_free). On failure returns
 * -1, leaves *out empty and writes the message into err (truncated to err_len bytes). */
int kv_sched_log_parse_text(const char* text, const char* name, kv_sched_log* out, char* err, size_t err_len);

/* Reads and parses the file at `path` (messages name the path; an unreadable file gives
 * "<path>: <strerror>"). Returns as kv_sched_log_parse_text. */
int kv_sched_log_parse_file(const char* path, kv_sched_log* out, char* err, size_t err_len);

/* Frees what the log owns and leaves it empty; NULL is ignored. */
void kv_sched_log_free(kv_sched_log* log);

/* "read", "program", ..., "read_pages" (the op's spelling in a log); "?" otherwise. */
const char* kv_sched_op_name(kv_sched_op op);

typedef enum kv_sched_diff_kind {
  KV_SCHED_DIFF_NONE,    /* the logs are equivalent */
  KV_SCHED_DIFF_FIELD,   /* op, planes, block, page, pages or requests differ */
  KV_SCHED_DIFF_TIME,    /* same fields, |issue time difference| > tolerance */
  KV_SCHED_DIFF_MISSING, /* the reference has the command, the candidate does not */
  KV_SCHED_DIFF_EXTRA    /* the candidate has the command, the reference does not */
} kv_sched_diff_kind;

/* One die's first mismatch. Commands are numbered per die from 0 in file order. */
typedef struct kv_sched_difference {
  kv_sched_diff_kind kind;
  uint32_t channel, die;
  size_t index;                               /* the die's command number */
  const kv_sched_command* reference;          /* NULL for EXTRA */
  const kv_sched_command* candidate;          /* NULL for MISSING */
  const kv_sched_command* previous_reference; /* the die's command index-1 (it matched); NULL if index 0 */
  const kv_sched_command* previous_candidate;
  const char* field;                          /* FIELD: the first differing column's name, else NULL */
  int64_t time_delta_ps;                      /* candidate - reference issue time, when both exist */
} kv_sched_difference;

typedef struct kv_sched_comparison {
  uint64_t tolerance_ps;
  size_t reference_commands, candidate_commands;
  size_t dies;           /* (channel, die) pairs with a command in either log */
  size_t differing_dies; /* dies with at least one difference */
  /* Every paired command (same die, same number) is either matching, FIELD or TIME; unpaired
   * ones are MISSING or EXTRA. */
  size_t matching, field_differences, time_differences, missing, extra;
  /* Issue time (candidate - reference) over the pairs whose fields agree (matching and TIME). */
  size_t timed;
  int64_t min_delta_ps, max_delta_ps; /* 0 when timed is 0 */
  double mean_delta_ps;
  size_t same_time, later, earlier;
  /* Among the dies' first mismatches, the one at the earliest reference issue time (the
   * candidate's for EXTRA), ties to the lowest (channel, die); kind NONE when equivalent. */
  kv_sched_difference first;
} kv_sched_comparison;

/* Compares `candidate` against `reference`. Returns 0 (equivalent), 1 (different) or -1 (out of
 * memory or a NULL argument; *out is then zeroed). Pointers in *out point into the logs. */
int kv_sched_compare(const kv_sched_log* reference, const kv_sched_log* candidate, uint64_t tolerance_ps,
                     kv_sched_comparison* out);

#ifdef __cplusplus
}
#endif

#endif /* KVNAND_TRACES_SCHEDULER_LOG_H */
