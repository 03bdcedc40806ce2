/* Token-level transaction traces (format version 1, docs/traces.md): one KV append, attend,
 * head-group attend or decode step per line, each with an optional issue time. The parser reads
 * a whole trace before anything runs, so a bad line is reported before any simulation; its
 * messages read "<name>:<line>:<column>: expected ..., found '<text>'" (column: 1-based byte
 * column of the offending token). C11; usable from C++. */
#ifndef KVNAND_TRACES_TOKEN_TRACE_H
#define KVNAND_TRACES_TOKEN_TRACE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KVNAND_TRACE_FORMAT_VERSION 1

typedef enum kvnand_trace_op {
  KVNAND_TRACE_APPEND,       /* append <layer> <kv_head> [seed=<u64>] */
  KVNAND_TRACE_ATTEND,       /* attend <layer> <q_head> [seed=<u64>] */
  KVNAND_TRACE_ATTEND_GROUP, /* attend_group <layer> <kv_head> [seed=<u64>] */
  KVNAND_TRACE_DECODE        /* decode */
} kvnand_trace_op;

typedef enum kvnand_trace_when {
  KVNAND_TRACE_AFTER_PREVIOUS, /* "+D" or no time: D ps after the previous line completes */
  KVNAND_TRACE_AT              /* "@T": at absolute simulated time T ps */
} kvnand_trace_when;

typedef struct kvnand_trace_entry {
  kvnand_trace_op op;
  uint32_t line;           /* 1-based line in the trace text */
  kvnand_trace_when when;
  uint64_t time_ps;        /* T for KVNAND_TRACE_AT, D for KVNAND_TRACE_AFTER_PREVIOUS */
  uint32_t layer;          /* 0 for decode */
  uint32_t head;           /* KV head (append, attend_group), query head (attend); 0 for decode */
  int has_seed;            /* 1: data from kvnand_trace_values(seed, ...); 0: timing only */
  uint64_t seed;
} kvnand_trace_entry;

typedef struct kvnand_trace {
  kvnand_trace_entry *entries; /* in trace order; NULL when count is 0 */
  size_t count;
} kvnand_trace;

/* Parses NUL-terminated trace text; `name` (NULL: "trace") starts every error message. On
 * success returns 0 and *out owns the entries (free with kvnand_trace_free). On failure returns
 * -1, leaves *out empty and writes the message into error (truncated to error_size bytes; error
 * may be NULL when error_size is 0). */
int kvnand_trace_parse_text(const char *text, const char *name, kvnand_trace *out, char *error, size_t error_size);

/* Reads and parses the file at `path` (messages name the path; a file that cannot be read gives
 * "<path>: <strerror>"). Returns as kvnand_trace_parse_text. */
int kvnand_trace_parse_file(const char *path, kvnand_trace *out, char *error, size_t error_size);

/* Frees the entries and leaves *trace empty; NULL is ignored. */
void kvnand_trace_free(kvnand_trace *trace);

/* "append", "attend", "attend_group", "decode" (the op's spelling in a trace); "?" otherwise. */
const char *kvnand_trace_op_name(kvnand_trace_op op);

#ifdef __cplusplus
}
#endif

#endif /* KVNAND_TRACES_TOKEN_TRACE_H */
