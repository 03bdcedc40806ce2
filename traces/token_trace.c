/* Token trace parser. Each line is split into whitespace-separated tokens in place (no copies);
 * a token that starts with '#' begins a comment. Every check names the token it rejects, so a
 * message always points at a column a person can find in an editor. */

#include "token_trace.h"

#include "text_file.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  kShownTokenBytes = 40, /* longer tokens are cut in messages, "..." marks the cut */
  kReasonBytes = 256,
  kInitialEntries = 64,
  kDecimalRadix = 10,
  kFirstPrintable = 0x20,
  kDelete = 0x7f,
};

typedef struct {
  const char *name;
  uint64_t ps;
} time_unit;

/* Picoseconds per unit; every fraction of a unit that is a whole number of ps is accepted. */
static const time_unit kTimeUnits[] = {
    {"ps", 1ULL}, {"ns", 1000ULL}, {"us", 1000000ULL}, {"ms", 1000000000ULL}, {"s", 1000000000000ULL},
};

static const char kExpectOp[] = "expected an operation (append, attend, attend_group, decode)";
static const char kExpectTime[] = "expected a time: '@' or '+', a decimal number and a unit (ps, ns, us, ms, s)";
static const char kExpectUnit[] = "expected a time unit (ps, ns, us, ms, s)";
static const char kExpectWholePs[] = "expected a time that is a whole number of picoseconds";
static const char kExpectTimeRange[] = "expected a time of at most 18446744073709551615 ps";
static const char kExpectSeedOrEnd[] = "expected seed=<unsigned 64-bit integer> or end of line";
static const char kExpectSeed[] = "expected seed=<unsigned 64-bit integer>";
static const char kExpectEnd[] = "expected end of line";
static const char kExpectOneSeed[] = "expected end of line (at most one seed per line)";
static const char kSeedPrefix[] = "seed=";

typedef struct {
  const char *begin;
  size_t length; /* 0: end of line; begin is then just past the last token */
} token;

typedef struct {
  const char *name;
  char *error;
  size_t error_size;
  uint32_t line;
  const char *line_start;
  const char *line_end;
  const char *cursor; /* next byte of the current line to tokenise */
  kvnand_trace trace;
  size_t capacity;
  int have_absolute;
  uint64_t last_absolute_ps;
  uint32_t last_absolute_line;
} parser;

static size_t column_of(const parser *p, const char *at) { return (size_t)(at - p->line_start) + 1; }

/* "<name>:<line>:<column>: <expected>, found '<token>'" (or "found end of line"). */
static int fail_at(parser *p, token t, const char *expected) {
  const size_t column = column_of(p, t.begin);
  if (t.length == 0) {
    kv_write_error(p->error, p->error_size, "%s:%" PRIu32 ":%zu: %s, found end of line", p->name, p->line, column,
                expected);
  } else {
    const int cut = t.length > kShownTokenBytes;
    kv_write_error(p->error, p->error_size, "%s:%" PRIu32 ":%zu: %s, found '%.*s%s'", p->name, p->line, column,
                expected, (int)(cut ? kShownTokenBytes : t.length), t.begin, cut ? "..." : "");
  }
  return -1;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* The next token of the current line; a '#' at the start of a token ends the line. Control bytes
 * inside a token are rejected here, so later checks can print tokens as text. */
static int next_token(parser *p, token *t) {
  const char *s = p->cursor;
  while (s < p->line_end && is_space(*s)) ++s;
  if (s == p->line_end || *s == '#') {
    t->begin = p->cursor;
    t->length = 0;
    p->cursor = p->line_end;
    return 0;
  }
  const char *e = s;
  for (; e < p->line_end && !is_space(*e); ++e) {
    const unsigned char c = (unsigned char)*e;
    if (c < kFirstPrintable || c == kDelete) {
      kv_write_error(p->error, p->error_size, "%s:%" PRIu32 ":%zu: expected printable text, found byte 0x%02x", p->name,
                  p->line, column_of(p, e), (unsigned)c);
      return -1;
    }
  }
  t->begin = s;
  t->length = (size_t)(e - s);
  p->cursor = e;
  return 0;
}

static int token_is(token t, const char *word) { return t.length == strlen(word) && memcmp(t.begin, word, t.length) == 0; }

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Decimal digits only (no sign), value <= max. */
static int parse_unsigned(const char *s, size_t n, uint64_t max, uint64_t *value) {
  if (n == 0) return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!is_digit(s[i])) return 0;
    const uint64_t digit = (uint64_t)(s[i] - '0');
    if (v > (max - digit) / kDecimalRadix) return 0;
    v = v * kDecimalRadix + digit;
  }
  *value = v;
  return 1;
}

/* "@<number><unit>" or "+<number><unit>" into picoseconds, exactly. */
static int parse_time(parser *p, token t, uint64_t *ps) {
  const char *s = t.begin + 1;
  const char *end = t.begin + t.length;
  const char *int_begin = s;
  while (s < end && is_digit(*s)) ++s;
  const char *int_end = s;
  const char *frac_begin = s;
  const char *frac_end = s;
  if (s < end && *s == '.') {
    frac_begin = ++s;
    while (s < end && is_digit(*s)) ++s;
    frac_end = s;
    if (frac_end == frac_begin) return fail_at(p, t, kExpectTime);
  }
  if (int_end == int_begin) return fail_at(p, t, kExpectTime);
  const time_unit *unit = NULL;
  for (size_t i = 0; i < sizeof kTimeUnits / sizeof kTimeUnits[0]; ++i)
    if ((size_t)(end - s) == strlen(kTimeUnits[i].name) && memcmp(s, kTimeUnits[i].name, (size_t)(end - s)) == 0)
      unit = &kTimeUnits[i];
  if (unit == NULL) return fail_at(p, t, kExpectUnit);

  /* Trailing zeros of the fraction carry no value; the rest must divide the unit exactly. */
  while (frac_end > frac_begin && frac_end[-1] == '0') --frac_end;
  uint64_t scale = 1;
  uint64_t fraction = 0;
  for (const char *f = frac_begin; f < frac_end; ++f) {
    if (unit->ps % (scale * kDecimalRadix) != 0) return fail_at(p, t, kExpectWholePs);
    scale *= kDecimalRadix;
    fraction = fraction * kDecimalRadix + (uint64_t)(*f - '0');
  }
  uint64_t whole = 0;
  if (!parse_unsigned(int_begin, (size_t)(int_end - int_begin), UINT64_MAX / unit->ps, &whole))
    return fail_at(p, t, kExpectTimeRange);
  const uint64_t whole_ps = whole * unit->ps;
  const uint64_t fraction_ps = fraction * (unit->ps / scale); /* < unit->ps: no overflow */
  if (whole_ps > UINT64_MAX - fraction_ps) return fail_at(p, t, kExpectTimeRange);
  *ps = whole_ps + fraction_ps;
  return 0;
}

static int parse_index(parser *p, const char *what, uint32_t *value) {
  token t;
  if (next_token(p, &t) != 0) return -1;
  uint64_t v = 0;
  if (!parse_unsigned(t.begin, t.length, UINT32_MAX, &v)) {
    char expected[kReasonBytes];
    snprintf(expected, sizeof expected, "expected %s (an unsigned 32-bit integer)", what);
    return fail_at(p, t, expected);
  }
  *value = (uint32_t)v;
  return 0;
}

/* [seed=<u64>] then end of line. */
static int parse_seed_and_end(parser *p, kvnand_trace_entry *entry) {
  token t;
  if (next_token(p, &t) != 0) return -1;
  if (t.length == 0) return 0;
  const size_t prefix = strlen(kSeedPrefix);
  if (t.length < prefix || memcmp(t.begin, kSeedPrefix, prefix) != 0) return fail_at(p, t, kExpectSeedOrEnd);
  if (!parse_unsigned(t.begin + prefix, t.length - prefix, UINT64_MAX, &entry->seed)) return fail_at(p, t, kExpectSeed);
  entry->has_seed = 1;
  if (next_token(p, &t) != 0) return -1;
  if (t.length == 0) return 0;
  if (t.length >= prefix && memcmp(t.begin, kSeedPrefix, prefix) == 0) return fail_at(p, t, kExpectOneSeed);
  return fail_at(p, t, kExpectEnd);
}

static int parse_operation(parser *p, token t, kvnand_trace_entry *entry) {
  const char *head_name = "<kv_head>";
  if (token_is(t, "append")) {
    entry->op = KVNAND_TRACE_APPEND;
  } else if (token_is(t, "attend")) {
    entry->op = KVNAND_TRACE_ATTEND;
    head_name = "<q_head>";
  } else if (token_is(t, "attend_group")) {
    entry->op = KVNAND_TRACE_ATTEND_GROUP;
  } else if (token_is(t, "decode")) {
    entry->op = KVNAND_TRACE_DECODE;
    token extra;
    if (next_token(p, &extra) != 0) return -1;
    return extra.length == 0 ? 0 : fail_at(p, extra, "expected end of line (decode takes no arguments)");
  } else {
    return fail_at(p, t, kExpectOp);
  }
  if (parse_index(p, "<layer>", &entry->layer) != 0 || parse_index(p, head_name, &entry->head) != 0) return -1;
  return parse_seed_and_end(p, entry);
}

static int push_entry(parser *p, const kvnand_trace_entry *entry) {
  if (p->trace.count == p->capacity) {
    const size_t capacity = p->capacity == 0 ? kInitialEntries : p->capacity * 2;
    kvnand_trace_entry *grown = realloc(p->trace.entries, capacity * sizeof *grown);
    if (grown == NULL) {
      kv_write_error(p->error, p->error_size, "%s:%" PRIu32 ": out of memory for the trace", p->name, p->line);
      return -1;
    }
    p->trace.entries = grown;
    p->capacity = capacity;
  }
  p->trace.entries[p->trace.count++] = *entry;
  return 0;
}

/* One line: blank/comment-only lines add nothing. */
static int parse_line(parser *p) {
  token t;
  if (next_token(p, &t) != 0) return -1;
  if (t.length == 0) return 0;
  kvnand_trace_entry entry;
  memset(&entry, 0, sizeof entry);
  entry.line = p->line;
  entry.when = KVNAND_TRACE_AFTER_PREVIOUS;
  if (*t.begin == '@' || *t.begin == '+') {
    if (parse_time(p, t, &entry.time_ps) != 0) return -1;
    if (*t.begin == '@') {
      if (p->have_absolute && entry.time_ps < p->last_absolute_ps) {
        char expected[kReasonBytes];
        snprintf(expected, sizeof expected, "expected an absolute time not before %" PRIu64 " ps (line %" PRIu32 ")",
                 p->last_absolute_ps, p->last_absolute_line);
        return fail_at(p, t, expected);
      }
      entry.when = KVNAND_TRACE_AT;
      p->have_absolute = 1;
      p->last_absolute_ps = entry.time_ps;
      p->last_absolute_line = p->line;
    }
    if (next_token(p, &t) != 0) return -1;
  }
  if (t.length == 0) return fail_at(p, t, kExpectOp);
  if (parse_operation(p, t, &entry) != 0) return -1;
  return push_entry(p, &entry);
}

static int parse_buffer(const char *text, size_t length, const char *name, kvnand_trace *out, char *error,
                        size_t error_size) {
  parser p;
  memset(&p, 0, sizeof p);
  p.name = name != NULL ? name : "trace";
  p.error = error;
  p.error_size = error_size;
  kv_write_error(error, error_size, "%s", "");
  const char *end = text + length;
  for (const char *s = text; s < end;) {
    if (p.line == UINT32_MAX) {
      kv_write_error(error, error_size, "%s: more than %" PRIu32 " lines", p.name, UINT32_MAX);
      kvnand_trace_free(&p.trace);
      return -1;
    }
    ++p.line;
    const char *newline = memchr(s, '\n', (size_t)(end - s));
    p.line_start = s;
    p.line_end = newline != NULL ? newline : end;
    p.cursor = s;
    if (parse_line(&p) != 0) {
      kvnand_trace_free(&p.trace);
      return -1;
    }
    s = newline != NULL ? newline + 1 : end;
  }
  *out = p.trace;
  return 0;
}

int kvnand_trace_parse_text(const char *text, const char *name, kvnand_trace *out, char *error, size_t error_size) {
  if (out == NULL) {
    kv_write_error(error, error_size, "no trace to parse into");
    return -1;
  }
  out->entries = NULL;
  out->count = 0;
  if (text == NULL) {
    kv_write_error(error, error_size, "%s: no trace text", name != NULL ? name : "trace");
    return -1;
  }
  return parse_buffer(text, strlen(text), name, out, error, error_size);
}

int kvnand_trace_parse_file(const char *path, kvnand_trace *out, char *error, size_t error_size) {
  if (out == NULL) {
    kv_write_error(error, error_size, "no trace to parse into");
    return -1;
  }
  out->entries = NULL;
  out->count = 0;
  if (path == NULL) {
    kv_write_error(error, error_size, "no trace file given");
    return -1;
  }
  size_t length = 0;
  char *text = kv_read_text_file(path, &length, error, error_size);
  if (text == NULL) return -1;
  const int rc = parse_buffer(text, length, path, out, error, error_size);
  free(text);
  return rc;
}

void kvnand_trace_free(kvnand_trace *trace) {
  if (trace == NULL) return;
  free(trace->entries);
  trace->entries = NULL;
  trace->count = 0;
}

const char *kvnand_trace_op_name(kvnand_trace_op op) {
  switch (op) {
    case KVNAND_TRACE_APPEND:
      return "append";
    case KVNAND_TRACE_ATTEND:
      return "attend";
    case KVNAND_TRACE_ATTEND_GROUP:
      return "attend_group";
    case KVNAND_TRACE_DECODE:
      return "decode";
  }
  return "?";
}
