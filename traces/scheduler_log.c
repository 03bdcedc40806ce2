/* Scheduler log parser. It keeps the log's text, so that a difference can be shown as the rows
 * were written (the comparison is in scheduler_compare.c). */

#include "scheduler_log.h"

#include "text_file.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  kColumns = 10,
  kShownBytes = 40, /* longer texts are cut in messages, "..." marks the cut */
  kReasonBytes = 256,
  kInitialCommands = 256,
  kDecimalRadix = 10,
  kHexRadix = 16,
  kMaxMaskDigits = 16, /* 64 planes */
};

static const uint64_t kMaxId8 = 255;
static const uint64_t kMaxField32 = UINT32_MAX;
static const uint64_t kMaxField16 = 65535;

static const char* const kColumnNames[kColumns] = {"issue_ps", "channel", "die", "op", "planes",
                                                   "block", "page", "pages", "requests", "tag"};
static const char* const kOpNames[] = {"read", "program", "erase", "broadcast", "input", "compute",
                                       "kv_program", "read_pages"};
enum { kOpCount = sizeof kOpNames / sizeof kOpNames[0] };
static const char kOpList[] = "read, program, erase, broadcast, input, compute, kv_program, read_pages";
static const char kMetaForm[] = "'# scheduler=<tlm|rtl> clock_ps=<N> platform=<name>'";

typedef struct {
  const char* name;
  char* err;
  size_t err_len;
  uint32_t line;
} parser;

/* "<name>:<line>: <message>". */
static int fail(const parser* p, const char* fmt, ...) {
  char reason[kReasonBytes];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(reason, sizeof reason, fmt, ap);
  va_end(ap);
  kv_write_error(p->err, p->err_len, "%s:%" PRIu32 ": %s", p->name, p->line, reason);
  return -1;
}

/* Prints at most kShownBytes of a text, with "..." when cut. */
static int shown_length(size_t n) { return (int)(n > kShownBytes ? kShownBytes : n); }
static const char* cut_mark(size_t n) { return n > kShownBytes ? "..." : ""; }

static int text_is(const char* s, size_t n, const char* word) { return n == strlen(word) && memcmp(s, word, n) == 0; }

/* Decimal digits only, value <= max. */
static int parse_decimal(const char* s, size_t n, uint64_t max, uint64_t* value) {
  if (n == 0) return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return 0;
    const uint64_t digit = (uint64_t)(s[i] - '0');
    if (v > (max - digit) / kDecimalRadix) return 0;
    v = v * kDecimalRadix + digit;
  }
  *value = v;
  return 1;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + kDecimalRadix;
  if (c >= 'A' && c <= 'F') return c - 'A' + kDecimalRadix;
  return -1;
}

/* "0x" and 1..16 hex digits. */
static int parse_mask(const char* s, size_t n, uint64_t* value) {
  if (n < 3 || n > 2 + kMaxMaskDigits || s[0] != '0' || s[1] != 'x') return 0;
  uint64_t v = 0;
  for (size_t i = 2; i < n; ++i) {
    const int d = hex_digit(s[i]);
    if (d < 0) return 0;
    v = v * kHexRadix + (uint64_t)d;
  }
  *value = v;
  return 1;
}

static int column_number(const parser* p, int column, const char* s, size_t n, uint64_t min, uint64_t max,
                          uint64_t* value) {
  if (parse_decimal(s, n, max, value) && *value >= min) return 0;
  return fail(p, "column '%s': '%.*s%s' is not a decimal integer in %" PRIu64 "..%" PRIu64, kColumnNames[column],
              shown_length(n), s, cut_mark(n), min, max);
}

static uint32_t narrow(uint64_t v) { return (uint32_t)v; }

/* One data row into *c; `previous` is the row before (NULL for the first). */
static int parse_row(const parser* p, const char* s, size_t n, const kv_sched_command* previous,
                     kv_sched_command* c) {
  const char* field[kColumns];
  size_t length[kColumns];
  int count = 0;
  for (const char *start = s, *end = s + n;; ++count) {
    const char* comma = memchr(start, ',', (size_t)(end - start));
    const char* stop = comma != NULL ? comma : end;
    if (count < kColumns) {
      field[count] = start;
      length[count] = (size_t)(stop - start);
    }
    if (comma == NULL) {
      ++count;
      break;
    }
    start = comma + 1;
  }
  if (count != kColumns)
    return fail(p, "expected %d columns (%s), found %d", kColumns, KV_SCHED_LOG_HEADER, count);
  uint64_t v[kColumns] = {0};
  if (column_number(p, 0, field[0], length[0], 0, INT64_MAX, &v[0]) != 0) return -1;
  if (column_number(p, 1, field[1], length[1], 0, kMaxId8, &v[1]) != 0) return -1;
  if (column_number(p, 2, field[2], length[2], 0, kMaxId8, &v[2]) != 0) return -1;
  int op = -1;
  for (int i = 0; i < kOpCount && op < 0; ++i)
    if (text_is(field[3], length[3], kOpNames[i])) op = i;
  if (op < 0)
    return fail(p, "column 'op': '%.*s%s' is not one of %s", shown_length(length[3]), field[3], cut_mark(length[3]),
                kOpList);
  if (!parse_mask(field[4], length[4], &v[4]))
    return fail(p, "column 'planes': '%.*s%s' is not a plane mask (0x and 1 to %d hex digits)",
                shown_length(length[4]), field[4], cut_mark(length[4]), kMaxMaskDigits);
  for (int i = 5; i <= 7; ++i)
    if (column_number(p, i, field[i], length[i], 0, kMaxField32, &v[i]) != 0) return -1;
  if (column_number(p, 8, field[8], length[8], 1, kMaxField16, &v[8]) != 0) return -1;
  if (column_number(p, 9, field[9], length[9], 0, kMaxField16, &v[9]) != 0) return -1;
  if (previous != NULL && v[0] < previous->issue_ps)
    return fail(p, "column 'issue_ps': %" PRIu64 " is before the previous command's %" PRIu64 " (line %" PRIu32 ")",
                v[0], previous->issue_ps, previous->line);
  c->issue_ps = v[0];
  c->channel = narrow(v[1]);
  c->die = narrow(v[2]);
  c->op = (kv_sched_op)op;
  c->planes = v[4];
  c->block = narrow(v[5]);
  c->page = narrow(v[6]);
  c->pages = narrow(v[7]);
  c->requests = narrow(v[8]);
  c->tag = narrow(v[9]);
  c->line = p->line;
  c->text = s;
  c->text_length = n;
  return 0;
}

/* The second line: "# key=value ..." with scheduler, clock_ps and platform among the keys. */
static int parse_meta(const parser* p, const char* s, size_t n, kv_sched_log* log) {
  if (n == 0 || s[0] != '#')
    return fail(p, "expected %s, found '%.*s%s'", kMetaForm, shown_length(n), s, cut_mark(n));
  int have_scheduler = 0, have_clock = 0;
  const char* end = s + n;
  for (const char* t = s + 1; t < end;) {
    while (t < end && (*t == ' ' || *t == '\t')) ++t;
    const char* e = t;
    while (e < end && *e != ' ' && *e != '\t') ++e;
    const size_t len = (size_t)(e - t);
    const char* eq = memchr(t, '=', len);
    if (eq != NULL) {
      const char* value = eq + 1;
      const size_t value_len = (size_t)(e - value);
      if (text_is(t, (size_t)(eq - t), "scheduler")) {
        if (!text_is(value, value_len, "tlm") && !text_is(value, value_len, "rtl"))
          return fail(p, "key 'scheduler': '%.*s%s' is not one of tlm, rtl", shown_length(value_len), value,
                      cut_mark(value_len));
        memcpy(log->scheduler, value, value_len);
        have_scheduler = 1;
      } else if (text_is(t, (size_t)(eq - t), "clock_ps")) {
        if (!parse_decimal(value, value_len, UINT64_MAX, &log->clock_ps))
          return fail(p, "key 'clock_ps': '%.*s%s' is not a decimal integer in 0..%" PRIu64, shown_length(value_len),
                      value, cut_mark(value_len), UINT64_MAX);
        have_clock = 1;
      } else if (text_is(t, (size_t)(eq - t), "platform") && value_len > 0) {
        free(log->platform);
        log->platform = malloc(value_len + 1);
        if (log->platform == NULL) return fail(p, "out of memory");
        memcpy(log->platform, value, value_len);
        log->platform[value_len] = '\0';
      }
    }
    t = e;
  }
  const char* missing = !have_scheduler ? "scheduler=<tlm|rtl>"
                        : !have_clock   ? "clock_ps=<N>"
                        : log->platform == NULL ? "platform=<name>" : NULL;
  if (missing != NULL) return fail(p, "missing %s (expected %s)", missing, kMetaForm);
  return 0;
}

static int push_command(const parser* p, kv_sched_log* log, size_t* capacity, const kv_sched_command* c) {
  if (log->count == *capacity) {
    const size_t grown_capacity = *capacity == 0 ? kInitialCommands : *capacity * 2;
    kv_sched_command* grown = realloc(log->commands, grown_capacity * sizeof *grown);
    if (grown == NULL) return fail(p, "out of memory for the commands");
    log->commands = grown;
    *capacity = grown_capacity;
  }
  log->commands[log->count++] = *c;
  return 0;
}

/* Parses `text` (length bytes, owned by *log from here on, also on failure). */
static int parse_owned(char* text, size_t length, const char* name, kv_sched_log* log, char* err, size_t err_len) {
  memset(log, 0, sizeof *log);
  log->storage = text;
  parser p = {name != NULL ? name : "log", err, err_len, 0};
  kv_write_error(err, err_len, "%s", "");
  enum { kTitle, kMeta, kHeader, kRows } state = kTitle;
  size_t capacity = 0;
  const char* end = text + length;
  for (const char* s = text; s < end && state <= kRows;) {
    if (p.line == UINT32_MAX) {
      kv_write_error(err, err_len, "%s: more than %" PRIu32 " lines", p.name, UINT32_MAX);
      state = kRows + 1;
      break;
    }
    ++p.line;
    const char* newline = memchr(s, '\n', (size_t)(end - s));
    const char* stop = newline != NULL ? newline : end;
    size_t n = (size_t)(stop - s);
    if (n > 0 && s[n - 1] == '\r') --n;
    int rc = 0;
    if (state == kTitle) {
      rc = text_is(s, n, KV_SCHED_LOG_TITLE)
               ? 0
               : fail(&p, "expected '%s', found '%.*s%s'", KV_SCHED_LOG_TITLE, shown_length(n), s, cut_mark(n));
      state = kMeta;
    } else if (state == kMeta) {
      rc = parse_meta(&p, s, n, log);
      state = kHeader;
    } else if (n == 0 || s[0] == '#') {
      /* blank and comment lines carry nothing */
    } else if (state == kHeader) {
      rc = text_is(s, n, KV_SCHED_LOG_HEADER)
               ? 0
               : fail(&p, "expected the header '%s', found '%.*s%s'", KV_SCHED_LOG_HEADER, shown_length(n), s,
                      cut_mark(n));
      state = kRows;
    } else {
      kv_sched_command c;
      rc = parse_row(&p, s, n, log->count > 0 ? &log->commands[log->count - 1] : NULL, &c);
      if (rc == 0) rc = push_command(&p, log, &capacity, &c);
    }
    if (rc != 0) {
      state = kRows + 1;
      break;
    }
    s = newline != NULL ? newline + 1 : end;
  }
  if (state == kRows) return 0;
  if (state <= kHeader)
    kv_write_error(err, err_len, "%s: the log ends before its %s", p.name,
                state == kTitle ? "first line '" KV_SCHED_LOG_TITLE "'" : state == kMeta ? "second line" : "header line");
  kv_sched_log_free(log);
  return -1;
}

int kv_sched_log_parse_text(const char* text, const char* name, kv_sched_log* out, char* err, size_t err_len) {
  if (out == NULL) {
    kv_write_error(err, err_len, "no log to parse into");
    return -1;
  }
  memset(out, 0, sizeof *out);
  if (text == NULL) {
    kv_write_error(err, err_len, "%s: no log text", name != NULL ? name : "log");
    return -1;
  }
  const size_t length = strlen(text);
  char* copy = malloc(length + 1);
  if (copy == NULL) {
    kv_write_error(err, err_len, "%s: out of memory", name != NULL ? name : "log");
    return -1;
  }
  memcpy(copy, text, length + 1);
  return parse_owned(copy, length, name, out, err, err_len);
}

int kv_sched_log_parse_file(const char* path, kv_sched_log* out, char* err, size_t err_len) {
  if (out == NULL || path == NULL) {
    kv_write_error(err, err_len, out == NULL ? "no log to parse into" : "no log file given");
    return -1;
  }
  memset(out, 0, sizeof *out);
  size_t length = 0;
  char* text = kv_read_text_file(path, &length, err, err_len);
  if (text == NULL) return -1;
  return parse_owned(text, length, path, out, err, err_len);
}

void kv_sched_log_free(kv_sched_log* log) {
  if (log == NULL) return;
  free(log->storage);
  free(log->platform);
  free(log->commands);
  memset(log, 0, sizeof *log);
}

const char* kv_sched_op_name(kv_sched_op op) {
  return (unsigned)op < (unsigned)kOpCount ? kOpNames[op] : "?";
}
