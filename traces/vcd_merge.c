/* VCD merge. Each input is read as a stream of tokens (vcd_tokens.h). Headers go straight to the output; the value-change
 * sections are merged like two sorted lists, one look-ahead item per file. Only the extra file's
 * identifier codes (a hash map to their new codes and current values) and main's code set stay
 * in memory. */
#define _POSIX_C_SOURCE 200809L /* open, fdopen, getpid */

#include "vcd_merge.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vcd_tokens.h"

enum {
  kOutBufferBytes = 1 << 20,
  kWhatBytes = 64, /* "expected $end closing <keyword>" */
  kIdFirstChar = 33, /* identifier codes use printable ASCII 33..126 */
  kIdRadix = 94,
  kIdMaxChars = 8,
  kDecimalRadix = 10,
  kInitialVars = 256,
  kTempAttempts = 100,
  kIndentPerScope = 2,
  kFileMode = 0666, /* less umask, as fopen */
};

typedef struct {
  const char* name;
  uint64_t femtoseconds;
} time_unit;
static const time_unit kUnits[] = {{"s", 1000000000000000ULL}, {"ms", 1000000000000ULL}, {"us", 1000000000ULL},
                                   {"ns", 1000000ULL},         {"ps", 1000ULL},          {"fs", 1ULL}};
static const char kExpectDeclaration[] =
    "expected a declaration ($date, $version, $timescale, $comment, $scope, $upscope, $var, $enddefinitions)";
static const char kExpectChange[] =
    "expected a value change (0, 1, x, z, b, r), a time (#) or a command ($dumpvars, $dumpall, $dumpon, $dumpoff, "
    "$comment, $end)";

typedef enum { kItemEof, kItemTime, kItemChange, kItemCommand, kItemEnd, kItemComment } item_kind;

/* One look-ahead element of a value-change section. */
typedef struct {
  item_kind kind;
  uint64_t time; /* the file's current time (scaled to main's timescale) */
  char* text;    /* main: the line to write; extra: the value without the code */
  size_t len, cap;
  size_t var;    /* extra: index of the variable */
} item;

typedef struct {
  char id[kIdMaxChars + 1];
  char* value; /* latest value up to the window start; NULL if none */
} extra_var;

typedef struct {
  char* err;
  size_t err_len;
  FILE* out;
  kv_vcd_tokens main, extra;
  kv_vcd_codes main_ids, extra_ids; /* main: the set of codes; extra: code -> index into vars */
  extra_var* vars;
  size_t var_count, var_cap, next_id;
  uint64_t main_fs, extra_fs, scale;
  uint64_t main_time, extra_time;
  int main_in_dumpvars;
} merge;

static int fail(merge* m, const char* fmt, ...) {
  if (m->err == NULL || m->err_len == 0 || m->err[0] != '\0') return -1; /* keep the first error */
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->err, m->err_len, fmt, ap);
  va_end(ap);
  return -1;
}

/* Tokens up to $end, joined by single spaces, into it->text (after what it holds). */
static int read_body(merge* m, kv_vcd_tokens* r, item* it, const char* keyword) {
  for (;;) {
    char what[kWhatBytes];
    snprintf(what, sizeof what, "expected $end closing %s", keyword);
    if (kv_vcd_require_token(r, what) != 0) return -1;
    if (strcmp(r->tok, "$end") == 0) return 0;
    if ((it->len > 0 && kv_vcd_append(&it->text, &it->len, &it->cap, " ", 1) != 0) ||
        kv_vcd_append(&it->text, &it->len, &it->cap, r->tok, r->tok_len) != 0)
      return fail(m, "%s: out of memory", r->path);
  }
}

/* ---- headers ------------------------------------------------------------------------------ */

static void indent(merge* m, unsigned depth) {
  for (unsigned i = 0; i < depth * kIndentPerScope; ++i) fputc(' ', m->out);
}

/* "1ps", "10 ns", ... into femtoseconds. */
static int timescale_fs(const char* text, uint64_t* fs) {
  uint64_t magnitude = 0;
  const char* s = text;
  while (*s >= '0' && *s <= '9' && magnitude <= 100) magnitude = magnitude * kDecimalRadix + (uint64_t)(*s++ - '0');
  if (magnitude != 1 && magnitude != 10 && magnitude != 100) return -1;
  while (*s == ' ') ++s;
  for (size_t i = 0; i < sizeof kUnits / sizeof kUnits[0]; ++i)
    if (strcmp(s, kUnits[i].name) == 0) {
      *fs = magnitude * kUnits[i].femtoseconds;
      return 0;
    }
  return -1;
}

/* A fresh code: base-94 numbers in order, skipping main's codes. */
static int add_extra_var(merge* m, const char* id) {
  if (m->var_count == m->var_cap) {
    const size_t cap = m->var_cap ? m->var_cap * 2 : kInitialVars;
    extra_var* grown = realloc(m->vars, cap * sizeof *grown);
    if (grown == NULL) return -1;
    m->vars = grown;
    m->var_cap = cap;
  }
  extra_var* v = &m->vars[m->var_count];
  v->value = NULL;
  do {
    size_t n = m->next_id++, len = 0;
    do {
      v->id[len++] = (char)(kIdFirstChar + n % kIdRadix);
      n /= kIdRadix;
    } while (n != 0 && len < kIdMaxChars);
    v->id[len] = '\0';
  } while (kv_vcd_codes_find(&m->main_ids, v->id, NULL));
  if (kv_vcd_codes_add(&m->extra_ids, id, m->var_count) != 0) return -1;
  ++m->var_count;
  return 0;
}

/* Cuts s (NULL: nothing) at its first space; returns what follows, or NULL. */
static char* split_word(char* s) {
  char* space = s != NULL ? strchr(s, ' ') : NULL;
  if (space != NULL) *space++ = '\0';
  return space;
}

/* "$var <type> <size> <code> <reference...> $end": main's is written as is, extra's with its new
 * code (one new code per distinct extra code). */
static int parse_var(merge* m, kv_vcd_tokens* r, int is_extra, unsigned depth) {
  item words = {kItemEof, 0, NULL, 0, 0, 0};
  int rc = read_body(m, r, &words, "$var");
  char* type = words.text;
  char* size = split_word(type);
  char* id = split_word(size);
  char* name = split_word(id);
  if (rc == 0 && (name == NULL || strspn(size, "0123456789") != strlen(size) || strspn(size, "0") == strlen(size))) {
    for (size_t i = 0; i < words.len; ++i)
      if (words.text[i] == '\0') words.text[i] = ' '; /* undo the cuts for the message */
    rc = fail(m, "%s:%" PRIu64 ": expected '$var <type> <size> <code> <name> $end', found '$var %s $end'", r->path,
              r->tok_line, words.text != NULL ? words.text : "");
  }
  size_t index = 0;
  if (rc == 0 && !is_extra && !kv_vcd_codes_find(&m->main_ids, id, NULL) && kv_vcd_codes_add(&m->main_ids, id, 0) != 0)
    rc = fail(m, "%s: out of memory", r->path);
  if (rc == 0 && is_extra && !kv_vcd_codes_find(&m->extra_ids, id, &index)) {
    index = m->var_count;
    if (add_extra_var(m, id) != 0) rc = fail(m, "%s: out of memory", r->path);
  }
  if (rc == 0) {
    indent(m, depth);
    fprintf(m->out, "$var %s %s %s %s $end\n", type, size, is_extra ? m->vars[index].id : id, name);
  }
  free(words.text);
  return rc;
}

/* Reads a header up to $enddefinitions $end, writing main's declarations as they come and
 * extra's scopes nested one level deeper. */
static int parse_header(merge* m, kv_vcd_tokens* r, int is_extra, uint64_t* fs) {
  unsigned depth = is_extra ? 1 : 0;
  int have_timescale = 0;
  for (;;) {
    const int rc = kv_vcd_next_token(r);
    if (rc < 0) return -1;
    if (rc == 0) return fail(m, "%s:%" PRIu64 ": the file ends before $enddefinitions", r->path, r->tok_line);
    const char* t = r->tok;
    if (strcmp(t, "$enddefinitions") == 0) {
      if (kv_vcd_expect_end(r) != 0) return -1;
      if (depth != (is_extra ? 1u : 0u)) return fail(m, "%s:%" PRIu64 ": $enddefinitions inside an open $scope", r->path, r->tok_line);
      if (!have_timescale) return fail(m, "%s: no $timescale before $enddefinitions", r->path);
      return 0;
    }
    if (strcmp(t, "$var") == 0) {
      if (parse_var(m, r, is_extra, depth) != 0) return -1;
    } else if (strcmp(t, "$upscope") == 0) {
      if (kv_vcd_expect_end(r) != 0) return -1;
      if (depth == (is_extra ? 1u : 0u)) return fail(m, "%s:%" PRIu64 ": $upscope without an open $scope", r->path, r->tok_line);
      indent(m, --depth);
      fputs("$upscope $end\n", m->out);
    } else if (strcmp(t, "$scope") == 0 || strcmp(t, "$date") == 0 || strcmp(t, "$version") == 0 ||
               strcmp(t, "$timescale") == 0 || strcmp(t, "$comment") == 0) {
      char keyword[sizeof "$timescale"];
      snprintf(keyword, sizeof keyword, "%s", t);
      const uint64_t line = r->tok_line;
      item body = {kItemEof, 0, NULL, 0, 0, 0};
      int bad = read_body(m, r, &body, keyword);
      const char* text = body.text != NULL ? body.text : "";
      const int is_scope = strcmp(keyword, "$scope") == 0;
      if (bad == 0 && is_scope && (strchr(text, ' ') == NULL || strchr(strchr(text, ' ') + 1, ' ') != NULL))
        bad = fail(m, "%s:%" PRIu64 ": expected '$scope <type> <name> $end', found '$scope %s $end'", r->path, line, text);
      if (bad == 0 && strcmp(keyword, "$timescale") == 0) {
        have_timescale = 1;
        if (timescale_fs(text, fs) != 0)
          bad = fail(m, "%s:%" PRIu64 ": $timescale '%s' is not 1, 10 or 100 of s, ms, us, ns, ps, fs", r->path, line,
                     text);
        if (bad == 0 && is_extra && (*fs < m->main_fs || *fs % m->main_fs != 0))
          bad = fail(m, "%s:%" PRIu64 ": timescale '%s' is not a whole multiple of the main file's (%s), so its times"
                     " cannot be scaled exactly", r->path, line, text, m->main.path);
      }
      if (bad == 0 && (is_scope || !is_extra)) {
        indent(m, depth);
        // SystemC tracers (Verilator's among them) name a scope by the module's full dotted name;
        // under the extra scope only its last component is kept.
        const char* dot = is_extra && is_scope ? strrchr(text, '.') : NULL;
        if (dot != NULL)
          fprintf(m->out, "%s %.*s%s $end\n", keyword, (int)(strchr(text, ' ') - text + 1), text, dot + 1);
        else
          fprintf(m->out, "%s %s $end\n", keyword, text);
        depth += is_scope;
      }
      free(body.text);
      if (bad != 0) return -1;
    } else {
      return kv_vcd_fail_token(r, kExpectDeclaration);
    }
  }
}

/* ---- value changes ------------------------------------------------------------------------- */

static int is_scalar_value(char c) { return strchr("01xXzZ", c) != NULL && c != '\0'; }

/* The next item of a value-change section. Extra changes come back scaled and resolved to their
 * variable; main's as the text to copy. */
static int next_item(merge* m, kv_vcd_tokens* r, int is_extra, item* it) {
  uint64_t* now = is_extra ? &m->extra_time : &m->main_time;
  it->len = 0;
  if (kv_vcd_append(&it->text, &it->len, &it->cap, "", 0) != 0) return fail(m, "%s: out of memory", r->path);
  const int rc = kv_vcd_next_token(r);
  if (rc <= 0) {
    it->kind = kItemEof;
    return rc;
  }
  const char* t = r->tok;
  it->time = *now;
  if (t[0] == '#') {
    uint64_t v = 0;
    const char* s = t + 1;
    for (; *s >= '0' && *s <= '9' && v <= (UINT64_MAX - 9) / kDecimalRadix; ++s) v = v * kDecimalRadix + (uint64_t)(*s - '0');
    if (s == t + 1 || *s != '\0') return kv_vcd_fail_token(r, "expected a time: '#' and a decimal number");
    const uint64_t scale = is_extra ? m->scale : 1;
    if (v > UINT64_MAX / scale)
      return fail(m, "%s:%" PRIu64 ": time %s overflows 64 bits in the main file's timescale", r->path, r->tok_line, t);
    if (v * scale < *now)
      return fail(m, "%s:%" PRIu64 ": time %s is before the previous time #%" PRIu64, r->path, r->tok_line, t,
                  *now / scale);
    it->kind = kItemTime;
    it->time = *now = v * scale;
    return 1;
  }
  if (strcmp(t, "$comment") == 0) {
    it->kind = kItemComment;
    if (kv_vcd_append(&it->text, &it->len, &it->cap, t, r->tok_len) != 0) return fail(m, "%s: out of memory", r->path);
    if (read_body(m, r, it, "$comment") != 0) return -1; /* it adds " <word>" per word */
    if (kv_vcd_append(&it->text, &it->len, &it->cap, " $end", 5) != 0) return fail(m, "%s: out of memory", r->path);
    return 1;
  }
  const int is_command = strcmp(t, "$dumpvars") == 0 || strcmp(t, "$dumpall") == 0 || strcmp(t, "$dumpon") == 0 ||
                         strcmp(t, "$dumpoff") == 0;
  it->kind = is_command ? kItemCommand : kItemEnd;
  if (is_command || strcmp(t, "$end") == 0) {
    if (!is_extra) m->main_in_dumpvars = strcmp(t, "$dumpvars") == 0 || (!is_command && m->main_in_dumpvars);
    return kv_vcd_append(&it->text, &it->len, &it->cap, t, r->tok_len) != 0 ? fail(m, "%s: out of memory", r->path) : 1;
  }
  /* A value change: "<0|1|x|z><code>" or "<b|r><value> <code>". */
  it->kind = kItemChange;
  const int two_tokens = strchr("bBrR", t[0]) != NULL;
  if (!(is_scalar_value(t[0]) && r->tok_len > 1) && !(two_tokens && r->tok_len > 1)) return kv_vcd_fail_token(r, kExpectChange);
  if ((t[0] == 'b' || t[0] == 'B') && strspn(t + 1, "01xXzZ") != r->tok_len - 1)
    return kv_vcd_fail_token(r, "expected a binary vector value (b and digits 0, 1, x, z)");
  const size_t value_len = two_tokens ? r->tok_len : 1;
  if (kv_vcd_append(&it->text, &it->len, &it->cap, t, value_len) != 0) return fail(m, "%s: out of memory", r->path);
  if (two_tokens && kv_vcd_require_token(r, "expected the identifier code of the value change") != 0) return -1;
  const char* id = two_tokens ? r->tok : r->tok + 1;
  if (is_extra ? !kv_vcd_codes_find(&m->extra_ids, id, &it->var) : !kv_vcd_codes_find(&m->main_ids, id, NULL))
    return fail(m, "%s:%" PRIu64 ": unknown identifier code '%s' (no $var declares it)", r->path, r->tok_line, id);
  if (!is_extra && (kv_vcd_append(&it->text, &it->len, &it->cap, " ", two_tokens) != 0 ||
                    kv_vcd_append(&it->text, &it->len, &it->cap, id, strlen(id)) != 0))
    return fail(m, "%s: out of memory", r->path);
  return 1;
}

/* The next extra change within the window (kItemEof past its end). */
static int next_extra_change(merge* m, item* it, int has_end, uint64_t end) {
  int rc;
  while ((rc = next_item(m, &m->extra, 1, it)) > 0 && it->kind != kItemChange) {
  }
  if (rc < 0) return -1;
  if (rc > 0 && has_end && it->time > end) it->kind = kItemEof;
  return 0;
}

static void write_extra_value(merge* m, const char* value, const char* id) {
  fprintf(m->out, "%s%s%s\n", value, strchr("bBrR", value[0]) != NULL ? " " : "", id);
}

static void write_initial_values(merge* m) {
  for (size_t i = 0; i < m->var_count; ++i)
    if (m->vars[i].value != NULL) write_extra_value(m, m->vars[i].value, m->vars[i].id);
}

static int has_initial_values(const merge* m) {
  for (size_t i = 0; i < m->var_count; ++i)
    if (m->vars[i].value != NULL) return 1;
  return 0;
}

typedef struct {
  int written;
  uint64_t time;
} out_clock;

static void advance(merge* m, out_clock* clock, uint64_t time) {
  if (clock->written && time <= clock->time) return;
  fprintf(m->out, "#%" PRIu64 "\n", time);
  clock->written = 1;
  clock->time = time;
}

static int merge_changes(merge* m, uint64_t start, int has_end, uint64_t end) {
  item x = {kItemEof, 0, NULL, 0, 0, 0}, y = {kItemEof, 0, NULL, 0, 0, 0};
  int rc = 0;
  /* Extra changes up to the window start set its initial values. */
  while ((rc = next_extra_change(m, &x, has_end, end)) == 0 && x.kind == kItemChange && x.time <= start) {
    extra_var* v = &m->vars[x.var];
    free(v->value);
    if ((v->value = malloc(x.len + 1)) == NULL) rc = fail(m, "%s: out of memory", m->extra.path);
    else memcpy(v->value, x.text, x.len + 1);
    if (rc != 0) break;
  }
  int initial_pending = has_initial_values(m);
  out_clock clock = {0, 0};
  if (rc == 0) rc = next_item(m, &m->main, 0, &y) < 0 ? -1 : 0;
  while (rc == 0) {
    const int have_main = y.kind != kItemEof;
    if (initial_pending && (!have_main || y.time > start)) {
      advance(m, &clock, start);
      fputs("$dumpvars\n", m->out);
      write_initial_values(m);
      fputs("$end\n", m->out);
      initial_pending = 0;
    } else if (x.kind == kItemChange && (!have_main || x.time < y.time)) {
      advance(m, &clock, x.time);
      write_extra_value(m, x.text, m->vars[x.var].id);
      rc = next_extra_change(m, &x, has_end, end);
    } else if (have_main) {
      if (y.kind == kItemTime) {
        advance(m, &clock, y.time);
      } else {
        if (y.kind == kItemEnd && m->main_in_dumpvars && initial_pending && y.time == start) {
          write_initial_values(m);
          initial_pending = 0;
        }
        fprintf(m->out, "%s\n", y.text);
      }
      rc = next_item(m, &m->main, 0, &y) < 0 ? -1 : 0;
    } else {
      break;
    }
  }
  free(x.text);
  free(y.text);
  return rc;
}

/* ---- the merge ------------------------------------------------------------------------------ */

static int valid_scope_name(const char* s) {
  if (s == NULL || *s == '\0' || *s == '$') return 0;
  for (; *s != '\0'; ++s)
    if ((unsigned char)*s < kIdFirstChar || (unsigned char)*s >= kIdFirstChar + kIdRadix) return 0;
  return 1;
}

/* Creates "<out_path>.<pid>-<n>.partial" exclusively; its name goes into temp. */
static FILE* open_temp(merge* m, const char* out_path, char* temp, size_t temp_len) {
  for (unsigned n = 0; n < kTempAttempts; ++n) {
    snprintf(temp, temp_len, "%s.%ld-%u.partial", out_path, (long)getpid(), n);
    const int fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, kFileMode);
    if (fd < 0 && errno == EEXIST) continue;
    FILE* f = fd < 0 ? NULL : fdopen(fd, "wb");
    if (f == NULL) {
      kv_vcd_fail_errno(m->err, m->err_len, out_path, "cannot write: ");
      if (fd >= 0) {
        close(fd);
        remove(temp);
      }
    }
    return f;
  }
  fail(m, "%s: cannot write: no free temporary name", out_path);
  return NULL;
}

static int run(merge* m, const char* extra_scope, uint64_t start, int has_end, uint64_t end) {
  if (parse_header(m, &m->main, 0, &m->main_fs) != 0) return -1;
  fprintf(m->out, "$scope module %s $end\n", extra_scope);
  if (parse_header(m, &m->extra, 1, &m->extra_fs) != 0) return -1;
  m->scale = m->extra_fs / m->main_fs;
  fputs("$upscope $end\n$enddefinitions $end\n", m->out);
  return merge_changes(m, start, has_end, end);
}

int kv_vcd_merge(const char* main_path, const char* extra_path, const char* extra_scope, uint64_t window_start,
                 int has_window_end, uint64_t window_end, const char* out_path, char* err, size_t err_len) {
  merge m;
  memset(&m, 0, sizeof m);
  m.err = err;
  m.err_len = err_len;
  if (err != NULL && err_len > 0) err[0] = '\0';
  if (main_path == NULL || extra_path == NULL || out_path == NULL) return fail(&m, "vcd merge: a path is missing");
  if (!valid_scope_name(extra_scope))
    return fail(&m, "vcd merge: bad scope name '%s' (printable, no spaces, not starting with '$')",
                extra_scope ? extra_scope : "(null)");
  if (has_window_end && window_end < window_start)
    return fail(&m, "vcd merge: window end %" PRIu64 " is before its start %" PRIu64, window_end, window_start);
  const size_t temp_len = strlen(out_path) + 64;
  char* temp = malloc(temp_len);
  char* out_buffer = malloc(kOutBufferBytes);
  int rc = temp == NULL || out_buffer == NULL ? fail(&m, "%s: out of memory", out_path) : 0;
  if (rc == 0) rc = kv_vcd_tokens_open(&m.main, main_path, err, err_len);
  if (rc == 0) rc = kv_vcd_tokens_open(&m.extra, extra_path, err, err_len);
  if (rc == 0 && (m.out = open_temp(&m, out_path, temp, temp_len)) == NULL) rc = -1;
  if (rc == 0) {
    setvbuf(m.out, out_buffer, _IOFBF, kOutBufferBytes);
    rc = run(&m, extra_scope, window_start, has_window_end, window_end);
  }
  if (m.out != NULL) {
    errno = 0;
    const int write_failed = fflush(m.out) != 0 || ferror(m.out);
    if (write_failed && rc == 0) rc = kv_vcd_fail_errno(m.err, m.err_len, out_path, "cannot write: ");
    if (fclose(m.out) != 0 && rc == 0) rc = kv_vcd_fail_errno(m.err, m.err_len, out_path, "cannot write: ");
    if (rc == 0 && rename(temp, out_path) != 0) rc = kv_vcd_fail_errno(m.err, m.err_len, out_path, "cannot write: ");
    if (rc != 0) remove(temp);
  }
  kv_vcd_tokens_close(&m.main);
  kv_vcd_tokens_close(&m.extra);
  kv_vcd_codes_free(&m.main_ids);
  kv_vcd_codes_free(&m.extra_ids);
  for (size_t i = 0; i < m.var_count; ++i) free(m.vars[i].value);
  free(m.vars);
  free(temp);
  free(out_buffer);
  return rc;
}
