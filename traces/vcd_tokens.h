/* Streaming VCD lexing for tools that read VCD files too large to load (vcd_merge): a file as
 * whitespace-separated tokens with their line numbers (VCD's own lexical rule, so declarations
 * may span lines), a string table for identifier codes, and messages that keep the first error.
 * C11. */
#ifndef KVNAND_TRACES_VCD_TOKENS_H
#define KVNAND_TRACES_VCD_TOKENS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the message into err unless err already holds one (the first error is the cause).
 * Returns -1. */
int kv_vcd_fail(char* err, size_t err_len, const char* fmt, ...);

/* "<path>: <doing><strerror(errno)>"; returns -1. */
int kv_vcd_fail_errno(char* err, size_t err_len, const char* path, const char* doing);

typedef struct kv_vcd_tokens {
  FILE* file;
  const char* path;
  char* err; /* where failures are described */
  size_t err_len;
  char* buf;
  size_t pos, len;
  uint64_t line;     /* line of the next byte */
  char* tok;         /* the current token, NUL-terminated */
  size_t tok_len, tok_cap;
  uint64_t tok_line; /* line of the current token (of the last one at end of file) */
} kv_vcd_tokens;

/* Opens `path` for reading; 0 or -1 ("<path>: <reason>" in err). Close even after a failure. */
int kv_vcd_tokens_open(kv_vcd_tokens* r, const char* path, char* err, size_t err_len);
void kv_vcd_tokens_close(kv_vcd_tokens* r);

/* 1: the next token is in r->tok; 0: end of file; -1: error. */
int kv_vcd_next_token(kv_vcd_tokens* r);

/* The next token, which must exist: 0, or -1 with "<path>:<line>: <what>, found end of file". */
int kv_vcd_require_token(kv_vcd_tokens* r, const char* what);

/* "<path>:<line>: <what>, found '<token>'" about the current token; returns -1. */
int kv_vcd_fail_token(kv_vcd_tokens* r, const char* what);

/* The next token must be $end: 0 or -1. */
int kv_vcd_expect_end(kv_vcd_tokens* r);

/* Appends n bytes to a growable NUL-terminated string; 0 or -1 (out of memory). */
int kv_vcd_append(char** s, size_t* len, size_t* cap, const char* add, size_t n);

/* A map from identifier codes (strings, copied) to indices, open addressing. Zero-initialise. */
typedef struct kv_vcd_codes {
  char** keys;
  size_t* values;
  size_t slots, count;
} kv_vcd_codes;

/* 1 and *value (if non-NULL) set when `key` is present, else 0. */
int kv_vcd_codes_find(const kv_vcd_codes* t, const char* key, size_t* value);
/* Adds a new key -> value; 0 or -1 (out of memory). */
int kv_vcd_codes_add(kv_vcd_codes* t, const char* key, size_t value);
void kv_vcd_codes_free(kv_vcd_codes* t);

#ifdef __cplusplus
}
#endif

#endif /* KVNAND_TRACES_VCD_TOKENS_H */
