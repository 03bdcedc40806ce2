/* VCD tokens read through a 64 KiB buffer of our own (one fread per buffer, no per-byte stdio
 * call), and an FNV-1a hashed code table that doubles at half load. */
#define _POSIX_C_SOURCE 200809L /* XSI strerror_r */

#include "vcd_tokens.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum {
  kReadBytes = 1 << 16,
  kReasonBytes = 256,
  kShownBytes = 40, /* longer tokens are cut in messages; also the first token capacity */
  kInitialSlots = 256,
};

int kv_vcd_fail(char* err, size_t err_len, const char* fmt, ...) {
  if (err == NULL || err_len == 0 || err[0] != '\0') return -1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, err_len, fmt, ap);
  va_end(ap);
  return -1;
}

int kv_vcd_fail_errno(char* err, size_t err_len, const char* path, const char* doing) {
  char reason[kReasonBytes];
  const int e = errno;
  if (strerror_r(e, reason, sizeof reason) != 0) snprintf(reason, sizeof reason, "error %d", e);
  return kv_vcd_fail(err, err_len, "%s: %s%s", path, doing, reason);
}

/* ---- tokens ------------------------------------------------------------------------------- */

int kv_vcd_tokens_open(kv_vcd_tokens* r, const char* path, char* err, size_t err_len) {
  memset(r, 0, sizeof *r);
  r->path = path;
  r->err = err;
  r->err_len = err_len;
  r->line = 1;
  if ((r->file = fopen(path, "rb")) == NULL) return kv_vcd_fail_errno(err, err_len, path, "");
  if ((r->buf = malloc(kReadBytes)) == NULL) return kv_vcd_fail(err, err_len, "%s: out of memory", path);
  return 0;
}

void kv_vcd_tokens_close(kv_vcd_tokens* r) {
  if (r->file != NULL) fclose(r->file);
  free(r->buf);
  free(r->tok);
  memset(r, 0, sizeof *r);
}

/* The next byte, or EOF (-2 after a read error). */
static int next_byte(kv_vcd_tokens* r) {
  if (r->pos == r->len) {
    r->len = fread(r->buf, 1, kReadBytes, r->file);
    r->pos = 0;
    if (r->len == 0) {
      if (ferror(r->file)) return kv_vcd_fail_errno(r->err, r->err_len, r->path, "read failed: ") - 1;
      return EOF;
    }
  }
  return (unsigned char)r->buf[r->pos++];
}

static int is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

int kv_vcd_next_token(kv_vcd_tokens* r) {
  int c = next_byte(r);
  for (; is_space(c); c = next_byte(r))
    if (c == '\n') ++r->line;
  if (c < EOF) return -1;
  if (c == EOF) return 0; /* tok_line stays at the last token: where an unfinished thing began */
  r->tok_len = 0;
  r->tok_line = r->line;
  for (; c >= 0 && !is_space(c); c = next_byte(r)) {
    if (r->tok_len + 2 > r->tok_cap) {
      const size_t cap = r->tok_cap ? r->tok_cap * 2 : kShownBytes;
      char* grown = realloc(r->tok, cap);
      if (grown == NULL) return kv_vcd_fail(r->err, r->err_len, "%s: out of memory", r->path);
      r->tok = grown;
      r->tok_cap = cap;
    }
    r->tok[r->tok_len++] = (char)c;
  }
  if (c < EOF) return -1;
  if (c == '\n') ++r->line;
  r->tok[r->tok_len] = '\0';
  return 1;
}

int kv_vcd_require_token(kv_vcd_tokens* r, const char* what) {
  const int rc = kv_vcd_next_token(r);
  if (rc == 0)
    return kv_vcd_fail(r->err, r->err_len, "%s:%" PRIu64 ": %s, found end of file", r->path, r->tok_line, what);
  return rc < 0 ? -1 : 0;
}

int kv_vcd_fail_token(kv_vcd_tokens* r, const char* what) {
  const int cut = r->tok_len > kShownBytes;
  return kv_vcd_fail(r->err, r->err_len, "%s:%" PRIu64 ": %s, found '%.*s%s'", r->path, r->tok_line, what,
                     (int)(cut ? kShownBytes : r->tok_len), r->tok, cut ? "..." : "");
}

int kv_vcd_expect_end(kv_vcd_tokens* r) {
  if (kv_vcd_require_token(r, "expected $end") != 0) return -1;
  return strcmp(r->tok, "$end") == 0 ? 0 : kv_vcd_fail_token(r, "expected $end");
}

int kv_vcd_append(char** s, size_t* len, size_t* cap, const char* add, size_t n) {
  if (*len + n + 1 > *cap) {
    size_t grown_cap = *cap ? *cap : kShownBytes;
    while (*len + n + 1 > grown_cap) grown_cap *= 2;
    char* grown = realloc(*s, grown_cap);
    if (grown == NULL) return -1;
    *s = grown;
    *cap = grown_cap;
  }
  memcpy(*s + *len, add, n);
  *len += n;
  (*s)[*len] = '\0';
  return 0;
}

/* ---- identifier codes ---------------------------------------------------------------------- */

static size_t hash_of(const char* s) {
  uint64_t h = 14695981039346656037ULL; /* FNV-1a 64-bit offset basis and prime */
  for (; *s != '\0'; ++s) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return (size_t)h;
}

/* The slot holding `key`, or the empty slot where it would go. */
static size_t code_slot(const kv_vcd_codes* t, const char* key) {
  size_t i = hash_of(key) & (t->slots - 1);
  while (t->keys[i] != NULL && strcmp(t->keys[i], key) != 0) i = (i + 1) & (t->slots - 1);
  return i;
}

int kv_vcd_codes_find(const kv_vcd_codes* t, const char* key, size_t* value) {
  if (t->slots == 0) return 0;
  const size_t i = code_slot(t, key);
  if (t->keys[i] == NULL) return 0;
  if (value != NULL) *value = t->values[i];
  return 1;
}

/* Adds key -> value (key copied); the key must be new. */
int kv_vcd_codes_add(kv_vcd_codes* t, const char* key, size_t value) {
  if (2 * (t->count + 1) > t->slots) {
    kv_vcd_codes grown = {NULL, NULL, t->slots ? t->slots * 2 : kInitialSlots, 0};
    grown.keys = calloc(grown.slots, sizeof *grown.keys);
    grown.values = malloc(grown.slots * sizeof *grown.values);
    if (grown.keys == NULL || grown.values == NULL) {
      free(grown.keys);
      free(grown.values);
      return -1;
    }
    for (size_t i = 0; i < t->slots; ++i) {
      if (t->keys[i] == NULL) continue;
      const size_t j = code_slot(&grown, t->keys[i]);
      grown.keys[j] = t->keys[i];
      grown.values[j] = t->values[i];
    }
    grown.count = t->count;
    free(t->keys);
    free(t->values);
    *t = grown;
  }
  const size_t i = code_slot(t, key);
  const size_t n = strlen(key) + 1;
  if ((t->keys[i] = malloc(n)) == NULL) return -1;
  memcpy(t->keys[i], key, n);
  t->values[i] = value;
  ++t->count;
  return 0;
}

void kv_vcd_codes_free(kv_vcd_codes* t) {
  for (size_t i = 0; i < t->slots; ++i) free(t->keys[i]);
  free(t->keys);
  free(t->values);
}
