/* VCD writer. Declarations are collected in memory because the header ($date ... $timescale)
 * must precede them; after kv_vcd_end_definitions() every change is formatted by hand straight
 * into a large output buffer that reaches the file in big writes, so the hot path makes no call. */
#define _POSIX_C_SOURCE 200809L /* gmtime_r, XSI strerror_r */

#include "vcd_writer.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
  kOutBufferBytes = 1 << 20, /* large enough that writes rarely reach the kernel */
  kErrorBytes = 256,
  kIdFirstChar = 33,   /* '!': identifier codes use printable ASCII 33..126 */
  kIdRadix = 94,
  kIdMaxChars = 5,     /* 94^5 > INT_MAX, the largest handle */
  kU64DecimalMax = 20, /* digits of UINT64_MAX */
  /* "#<time>\n" + "b<64 bits> <id>\n" */
  kChangeLineMax = 1 + kU64DecimalMax + 1 + 1 + (int)KV_VCD_MAX_WIDTH + 1 + kIdMaxChars + 1,
  kTimescaleBytes = 16,
  kDateBytes = 64,
  kInitialVarCapacity = 64,
  kInitialDeclBytes = 4096,
  kIndentPerScope = 2,
};

static const char kDefaultTimescale[] = "1 ps";
static const char kVersion[] = "kvnand";

typedef struct {
  uint64_t value; /* current value; the initial value until end_definitions */
  unsigned width;
  unsigned id_len;
  char id[kIdMaxChars];
} vcd_var;

struct kv_vcd_writer {
  FILE* file;
  char* out; /* output not yet handed to the file: out_len of kOutBufferBytes */
  size_t out_len;
  char* decls;       /* $scope/$var/$upscope text, written by end_definitions */
  size_t decls_len, decls_cap;
  vcd_var* vars;
  size_t var_count, var_cap;
  unsigned depth;        /* open scopes */
  int defined;           /* header written: declarations closed, changes allowed */
  int io_failed;         /* sticky: once a write fails the file is incomplete */
  uint64_t last_time;    /* latest time accepted by kv_vcd_change */
  uint64_t written_time; /* latest #time in the file */
  uint64_t bytes;
  char timescale[kTimescaleBytes];
  char err[kErrorBytes];
};

/* ---- errors ---------------------------------------------------------------------------- */

static void format_into(char* out, size_t len, const char* fmt, ...) {
  if (out == NULL || len == 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out, len, fmt, ap);
  va_end(ap);
}

static int fail(kv_vcd_writer* w, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w->err, sizeof w->err, fmt, ap);
  va_end(ap);
  return -1;
}

/* strerror() may share a static buffer between threads; strerror_r does not. */
static const char* describe_errno(int e, char* buf, size_t len) {
  if (strerror_r(e, buf, len) != 0) snprintf(buf, len, "error %d", e);
  return buf;
}

/* ---- output ------------------------------------------------------------------------------ */

static int write_out(kv_vcd_writer* w, const char* s, size_t n) {
  if (w->io_failed) return -1; /* keep the first error message */
  if (fwrite(s, 1, n, w->file) != n) {
    char buf[kErrorBytes];
    w->io_failed = 1;
    return fail(w, "write failed: %s", describe_errno(errno, buf, sizeof buf));
  }
  return 0;
}

/* Hands the buffered output to the file. */
static int drain(kv_vcd_writer* w) {
  const int rc = w->out_len > 0 ? write_out(w, w->out, w->out_len) : (w->io_failed ? -1 : 0);
  w->out_len = 0;
  return rc;
}

/* Room for n more bytes in the output buffer (n <= kOutBufferBytes). */
static int reserve(kv_vcd_writer* w, size_t n) {
  return kOutBufferBytes - w->out_len >= n ? (w->io_failed ? -1 : 0) : drain(w);
}

static int put(kv_vcd_writer* w, const char* s, size_t n) {
  if (n > kOutBufferBytes) {
    if (drain(w) != 0 || write_out(w, s, n) != 0) return -1;
  } else {
    if (reserve(w, n) != 0) return -1;
    memcpy(w->out + w->out_len, s, n);
    w->out_len += n;
  }
  w->bytes += n;
  return 0;
}

/* Writes the NULL-terminated list of strings in order; stops at the first failure. */
static int put_strs(kv_vcd_writer* w, ...) {
  va_list ap;
  va_start(ap, w);
  int rc = 0;
  for (const char* s = va_arg(ap, const char*); s != NULL && rc == 0; s = va_arg(ap, const char*))
    rc = put(w, s, strlen(s));
  va_end(ap);
  return rc;
}

/* Writes the decimal digits of v at p; returns the end. */
static char* format_decimal(char* p, uint64_t v) {
  char tmp[kU64DecimalMax];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) *p++ = tmp[--n];
  return p;
}

static unsigned significant_bits(uint64_t v) {
#if defined(__GNUC__)
  return v == 0 ? 1u : KV_VCD_MAX_WIDTH - (unsigned)__builtin_clzll(v);
#else
  unsigned n = 1;
  while (n < KV_VCD_MAX_WIDTH && (v >> n) != 0) ++n;
  return n;
#endif
}

/* "0<id>\n" for wires; "b<binary> <id>\n" without leading zeros (VCD zero-extends) for regs. */
static char* format_value(char* p, const vcd_var* v, uint64_t value) {
  if (v->width == 1) {
    *p++ = (char)('0' + value);
  } else {
    *p++ = 'b';
    for (unsigned i = significant_bits(value); i-- > 0;) *p++ = (char)('0' + ((value >> i) & 1u));
    *p++ = ' ';
  }
  memcpy(p, v->id, v->id_len);
  p += v->id_len;
  *p++ = '\n';
  return p;
}

static int fits(uint64_t value, unsigned width) {
  return width >= KV_VCD_MAX_WIDTH || (value >> width) == 0;
}

/* ---- declarations -------------------------------------------------------------------------- */

static int decl_append(kv_vcd_writer* w, const char* s) {
  size_t n = strlen(s);
  if (w->decls_cap - w->decls_len < n) {
    size_t cap = w->decls_cap ? w->decls_cap : kInitialDeclBytes;
    while (cap - w->decls_len < n) cap *= 2;
    char* grown = realloc(w->decls, cap);
    if (grown == NULL) return fail(w, "out of memory for declarations");
    w->decls = grown;
    w->decls_cap = cap;
  }
  memcpy(w->decls + w->decls_len, s, n);
  w->decls_len += n;
  return 0;
}

/* Appends the NULL-terminated list of strings, indented to the current scope depth. */
static int decl_line(kv_vcd_writer* w, ...) {
  for (unsigned i = 0; i < w->depth * kIndentPerScope; ++i)
    if (decl_append(w, " ") != 0) return -1;
  va_list ap;
  va_start(ap, w);
  int rc = 0;
  for (const char* s = va_arg(ap, const char*); s != NULL && rc == 0; s = va_arg(ap, const char*))
    rc = decl_append(w, s);
  va_end(ap);
  return rc;
}

static int check_declaring(kv_vcd_writer* w, const char* what) {
  if (w->defined) return fail(w, "%s after kv_vcd_end_definitions", what);
  return 0;
}

/* Names are single whitespace-free tokens; a leading '$' would read as a VCD keyword. */
static int valid_name(const char* s) {
  if (s == NULL || *s == '\0' || *s == '$') return 0;
  for (; *s != '\0'; ++s)
    if ((unsigned char)*s < kIdFirstChar || (unsigned char)*s >= kIdFirstChar + kIdRadix) return 0;
  return 1;
}

/* Base-94 digits, least significant first: distinct indices give distinct codes. */
static void make_id(vcd_var* v, size_t index) {
  v->id_len = 0;
  /* The bound is never reached (handles are ints); it lets the compiler see the array is safe. */
  do {
    v->id[v->id_len++] = (char)(kIdFirstChar + index % kIdRadix);
    index /= kIdRadix;
  } while (index != 0 && v->id_len < kIdMaxChars);
}

/* Accepts "<1|10|100> <unit>" with an optional space; normalises to "<n> <unit>". */
static int parse_timescale(const char* in, char out[kTimescaleBytes]) {
  static const char* const kMagnitudes[] = {"100", "10", "1"};
  static const char* const kUnits[] = {"s", "ms", "us", "ns", "ps", "fs"};
  while (*in == ' ') ++in;
  const char* magnitude = NULL;
  for (size_t i = 0; i < sizeof kMagnitudes / sizeof *kMagnitudes && !magnitude; ++i)
    if (strncmp(in, kMagnitudes[i], strlen(kMagnitudes[i])) == 0) magnitude = kMagnitudes[i];
  if (magnitude == NULL) return -1;
  in += strlen(magnitude);
  while (*in == ' ') ++in;
  size_t unit_len = strcspn(in, " ");
  for (size_t i = 0; i < sizeof kUnits / sizeof *kUnits; ++i) {
    if (unit_len == strlen(kUnits[i]) && strncmp(in, kUnits[i], unit_len) == 0) {
      for (const char* rest = in + unit_len; *rest != '\0'; ++rest)
        if (*rest != ' ') return -1;
      snprintf(out, kTimescaleBytes, "%s %s", magnitude, kUnits[i]);
      return 0;
    }
  }
  return -1;
}

/* ---- public API ------------------------------------------------------------------------------ */

kv_vcd_writer* kv_vcd_open(const char* path, const char* timescale, char* err, size_t err_len) {
  char ts[kTimescaleBytes];
  if (path == NULL) {
    format_into(err, err_len, "(null): no path given");
    return NULL;
  }
  if (parse_timescale(timescale ? timescale : kDefaultTimescale, ts) != 0) {
    format_into(err, err_len, "%s: bad timescale \"%s\" (expected e.g. \"1 ps\", \"10 ns\")", path,
                timescale);
    return NULL;
  }
  kv_vcd_writer* w = calloc(1, sizeof *w);
  char* buffer = malloc(kOutBufferBytes);
  if (w == NULL || buffer == NULL) {
    free(w);
    free(buffer);
    format_into(err, err_len, "%s: out of memory", path);
    return NULL;
  }
  w->file = fopen(path, "wb");
  if (w->file == NULL) {
    char buf[kErrorBytes];
    format_into(err, err_len, "%s: %s", path, describe_errno(errno, buf, sizeof buf));
    free(w);
    free(buffer);
    return NULL;
  }
  w->out = buffer;
  memcpy(w->timescale, ts, sizeof ts);
  return w;
}

int kv_vcd_push_scope(kv_vcd_writer* w, const char* name) {
  if (w == NULL || check_declaring(w, "kv_vcd_push_scope") != 0) return -1;
  if (!valid_name(name)) return fail(w, "bad scope name \"%s\"", name ? name : "(null)");
  if (decl_line(w, "$scope module ", name, " $end\n", (const char*)NULL) != 0) return -1;
  ++w->depth;
  return 0;
}

int kv_vcd_pop_scope(kv_vcd_writer* w) {
  if (w == NULL || check_declaring(w, "kv_vcd_pop_scope") != 0) return -1;
  if (w->depth == 0) return fail(w, "kv_vcd_pop_scope without an open scope");
  --w->depth;
  return decl_line(w, "$upscope $end\n", (const char*)NULL);
}

int kv_vcd_add_var(kv_vcd_writer* w, const char* name, unsigned width_bits) {
  if (w == NULL || check_declaring(w, "kv_vcd_add_var") != 0) return -1;
  if (!valid_name(name)) return fail(w, "bad variable name \"%s\"", name ? name : "(null)");
  if (width_bits == 0 || width_bits > KV_VCD_MAX_WIDTH)
    return fail(w, "variable \"%s\": width %u not in 1..%u", name, width_bits, KV_VCD_MAX_WIDTH);
  if (w->var_count >= (size_t)INT_MAX) return fail(w, "too many variables");
  if (w->var_count == w->var_cap) {
    size_t cap = w->var_cap ? w->var_cap * 2 : kInitialVarCapacity;
    vcd_var* grown = realloc(w->vars, cap * sizeof *grown);
    if (grown == NULL) return fail(w, "out of memory for variables");
    w->vars = grown;
    w->var_cap = cap;
  }
  vcd_var* v = &w->vars[w->var_count];
  v->value = 0;
  v->width = width_bits;
  make_id(v, w->var_count);
  char id[kIdMaxChars + 1], width[kU64DecimalMax + 1];
  memcpy(id, v->id, v->id_len);
  id[v->id_len] = '\0';
  *format_decimal(width, width_bits) = '\0';
  if (decl_line(w, width_bits == 1 ? "$var wire " : "$var reg ", width, " ", id, " ", name,
                " $end\n", (const char*)NULL) != 0)
    return -1;
  return (int)w->var_count++;
}

int kv_vcd_set_initial(kv_vcd_writer* w, int var, uint64_t value) {
  if (w == NULL || check_declaring(w, "kv_vcd_set_initial") != 0) return -1;
  if (var < 0 || (size_t)var >= w->var_count) return fail(w, "no variable with handle %d", var);
  if (!fits(value, w->vars[var].width))
    return fail(w, "initial value %" PRIu64 " does not fit in %u bits of variable %d", value,
                w->vars[var].width, var);
  w->vars[var].value = value;
  return 0;
}

static void format_date(char* out, size_t len) {
  /* SOURCE_DATE_EPOCH pins the date so that test outputs can be byte-for-byte reproducible. */
  time_t now = time(NULL);
  const char* epoch = getenv("SOURCE_DATE_EPOCH");
  if (epoch != NULL && *epoch != '\0') {
    char* end = NULL;
    errno = 0;
    long long v = strtoll(epoch, &end, 10);
    if (errno == 0 && *end == '\0' && v >= 0) now = (time_t)v;
  }
  struct tm tm;
  if (gmtime_r(&now, &tm) == NULL || strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
    snprintf(out, len, "unknown");
}

int kv_vcd_end_definitions(kv_vcd_writer* w) { return kv_vcd_end_definitions_at(w, 0); }

int kv_vcd_end_definitions_at(kv_vcd_writer* w, uint64_t start_time) {
  if (w == NULL || check_declaring(w, "kv_vcd_end_definitions") != 0) return -1;
  while (w->depth > 0)
    if (kv_vcd_pop_scope(w) != 0) return -1;
  w->defined = 1;
  w->last_time = w->written_time = start_time;
  char date[kDateBytes];
  format_date(date, sizeof date);
  char start[kU64DecimalMax + 1];
  *format_decimal(start, start_time) = '\0';
  int rc = put_strs(w, "$date ", date, " $end\n$version ", kVersion, " $end\n$timescale ",
                    w->timescale, " $end\n", (const char*)NULL);
  if (rc == 0 && w->decls_len > 0) rc = put(w, w->decls, w->decls_len);
  if (rc == 0) rc = put_strs(w, "$enddefinitions $end\n#", start, "\n$dumpvars\n", (const char*)NULL);
  for (size_t i = 0; i < w->var_count && rc == 0; ++i) {
    char line[kChangeLineMax];
    rc = put(w, line, (size_t)(format_value(line, &w->vars[i], w->vars[i].value) - line));
  }
  if (rc == 0) rc = put_strs(w, "$end\n", (const char*)NULL);
  free(w->decls); /* no longer needed: declarations are closed */
  w->decls = NULL;
  w->decls_len = w->decls_cap = 0;
  return rc == 0 ? 0 : -1;
}

int kv_vcd_change(kv_vcd_writer* w, uint64_t time, int var, uint64_t value) {
  if (w == NULL) return -1;
  if (!w->defined) return fail(w, "kv_vcd_change before kv_vcd_end_definitions");
  if (var < 0 || (size_t)var >= w->var_count) return fail(w, "no variable with handle %d", var);
  vcd_var* v = &w->vars[var];
  if (!fits(value, v->width))
    return fail(w, "value %" PRIu64 " does not fit in %u bits of variable %d", value, v->width,
                var);
  if (time < w->last_time)
    return fail(w, "time %" PRIu64 " is before the previous time %" PRIu64, time, w->last_time);
  w->last_time = time;
  if (value == v->value) return 0;
  if (reserve(w, kChangeLineMax) != 0) return -1;
  char* const line = w->out + w->out_len;
  char* p = line;
  if (time > w->written_time) {
    *p++ = '#';
    p = format_decimal(p, time);
    *p++ = '\n';
  }
  p = format_value(p, v, value);
  w->out_len += (size_t)(p - line);
  w->bytes += (uint64_t)(p - line);
  w->written_time = time;
  v->value = value;
  return 0;
}

const char* kv_vcd_error(const kv_vcd_writer* w) { return w ? w->err : "null writer"; }

uint64_t kv_vcd_bytes_written(const kv_vcd_writer* w) { return w ? w->bytes : 0; }

static void destroy(kv_vcd_writer* w) {
  free(w->out);
  free(w->decls);
  free(w->vars);
  free(w);
}

int kv_vcd_close(kv_vcd_writer* w, uint64_t end_time) {
  if (w == NULL) return 0;
  /* Without a header the file would not open in a viewer, so write it even now. */
  int failed = !w->defined && kv_vcd_end_definitions(w) != 0;
  if (end_time > w->written_time) {
    char line[kChangeLineMax];
    char* p = line;
    *p++ = '#';
    p = format_decimal(p, end_time);
    *p++ = '\n';
    (void)put(w, line, (size_t)(p - line));
  }
  /* Buffered data reaches the disk only here, so flush and close errors count too. */
  if (drain(w) != 0 || fflush(w->file) != 0 || ferror(w->file)) failed = 1;
  if (fclose(w->file) != 0) failed = 1;
  destroy(w);
  return failed ? -1 : 0;
}

void kv_vcd_abort(kv_vcd_writer* w) {
  if (w == NULL) return;
  (void)drain(w); /* what was accepted stays, as a closed stream would keep it */
  (void)fclose(w->file);
  destroy(w);
}
