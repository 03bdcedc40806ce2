/* Reference values of kvnand-eval (reference_file.h). */
#include "reference_file.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "out_file.h"

enum { kModel, kPrecision, kContext, kPlatform, kSplit, kTokensPerS, kColumnCount };
static const char *const kColumns[kColumnCount] = {"model",    "precision", "context",
                                                   "platform", "split",     "tokens_per_s"};
static const char kColumnList[] = "model, precision, context, platform, split, tokens_per_s (in any order)";
static const char kOom[] = "OOM";

/* Where a message points. */
typedef struct {
  const char *file;
  size_t line;
} where;

/* What a row's fields are looked up in: the matrix's lists as the file writes them. */
typedef struct {
  const ev_matrix *m;
  ev_strings contexts;  /* "128", "1024", ... */
  ev_strings platforms; /* the names */
} lookup;

static int fail_at(const where *at, ev_error *e, const char *format, ...) EV_PRINTF(3, 4);
static int fail_at(const where *at, ev_error *e, const char *format, ...) {
  ev_buf what = {0};
  va_list args;
  va_start(args, format);
  ev_buf_vaddf(&what, format, args);
  va_end(args);
  ev_fail(e, "%s:%zu: %s", at->file, at->line, ev_buf_text(&what));
  ev_buf_free(&what);
  return -1;
}

/* The text from begin to end without the blanks around it (and the CR of a CRLF line end). */
static char *trimmed(const char *begin, const char *end) {
  while (begin < end && (*begin == ' ' || *begin == '\t')) ++begin;
  while (end > begin && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) --end;
  return ev_printf("%.*s", (int)(end - begin), begin);
}

/* The fields of a line (from line to end), cut at every comma: fields are never quoted. */
static void split_fields(const char *line, const char *end, ev_strings *fields) {
  for (const char *field = line;;) {
    const char *comma = memchr(field, ',', (size_t)(end - field));
    ev_strings_add_owned(fields, trimmed(field, comma != NULL ? comma : end));
    if (comma == NULL) return;
    field = comma + 1;
  }
}

/* position[c]: the field that holds column c. */
static int read_header(const where *at, const ev_strings *fields, size_t position[kColumnCount], ev_error *e) {
  for (size_t c = 0; c < kColumnCount; ++c) position[c] = fields->count;
  for (size_t f = 0; f < fields->count; ++f) {
    size_t c = 0;
    while (c < kColumnCount && strcmp(kColumns[c], fields->items[f]) != 0) ++c;
    if (c == kColumnCount)
      return fail_at(at, e, "unknown column \"%s\"; the header names the columns %s", fields->items[f], kColumnList);
    if (position[c] < fields->count) return fail_at(at, e, "column \"%s\" appears twice", kColumns[c]);
    position[c] = f;
  }
  for (size_t c = 0; c < kColumnCount; ++c)
    if (position[c] == fields->count)
      return fail_at(at, e, "no column \"%s\"; the header names the columns %s", kColumns[c], kColumnList);
  return 0;
}

/* *index: value's place in `accepted`; else an error naming what the matrix has. `or_else` ends the
 * list of what is accepted ("" when nothing else is). */
static int find(const where *at, const lookup *l, const char *column, const char *value, const ev_strings *accepted,
                const char *or_else, size_t *index, ev_error *e) {
  *index = ev_strings_find(accepted, value);
  if (*index < accepted->count) return 0;
  ev_buf list = {0};
  for (size_t i = 0; i < accepted->count; ++i) ev_buf_addf(&list, "%s%s", i > 0 ? ", " : "", accepted->items[i]);
  fail_at(at, e, "%s: \"%s\" is not in %s; accepted: %s%s", column, value, l->m->path, ev_buf_text(&list), or_else);
  ev_buf_free(&list);
  return -1;
}

static int read_split(const where *at, const lookup *l, const char *text, ev_reference_row *row, ev_error *e) {
  const ev_platform_entry *p = &l->m->platforms[row->platform];
  row->has_split = text[0] != '\0';
  if (!row->has_split) return 0;
  if (p->choose.axis_count == 0)
    return fail_at(at, e, "split: \"%s\" given, but platform %s has no \"choose\" in %s; accepted: an empty split",
                   text, p->name, l->m->path);
  char *column = ev_printf("split (platform %s's %s)", p->name, p->choose.axes[0].key);
  const ev_strings *values = &p->choose.axes[0].values;
  const int rc = find(at, l, column, text, values, ", or empty for the chosen value", &row->split, e);
  free(column);
  return rc;
}

static int read_tokens_per_s(const where *at, const char *text, ev_reference_row *row, ev_error *e) {
  row->oom = strcmp(text, kOom) == 0;
  if (row->oom) return 0;
  char *end = NULL;
  row->tokens_per_s = strtod(text, &end);
  if (end != text && *end == '\0' && isfinite(row->tokens_per_s) && row->tokens_per_s > 0.0) return 0;
  return fail_at(at, e, "tokens_per_s: expected a positive number or %s, got \"%s\"", kOom, text);
}

/* A cell given twice would be compared twice and counted twice in the summaries. */
static int check_once(const where *at, const lookup *l, const ev_reference *r, const ev_reference_row *row,
                      ev_error *e) {
  for (size_t i = 0; i < r->row_count; ++i) {
    const ev_reference_row *o = &r->rows[i];
    if (o->model != row->model || o->precision != row->precision || o->context != row->context ||
        o->platform != row->platform || o->has_split != row->has_split || (row->has_split && o->split != row->split))
      continue;
    const ev_platform_entry *p = &l->m->platforms[row->platform];
    return fail_at(at, e,
                   "the same cell as line %zu (model %s, precision %s, context %s, platform %s, split \"%s\"); "
                   "give each cell once",
                   o->line, l->m->model_labels.items[row->model], l->m->precisions.items[row->precision],
                   l->contexts.items[row->context], p->name,
                   row->has_split ? p->choose.axes[0].values.items[row->split] : "");
  }
  return 0;
}

static int read_row(const where *at, const lookup *l, const ev_strings *fields, const size_t position[kColumnCount],
                    ev_reference *r, ev_error *e) {
  const ev_matrix *m = l->m;
  const char *f[kColumnCount];
  for (size_t c = 0; c < kColumnCount; ++c) f[c] = fields->items[position[c]];
  ev_reference_row row = {at->line, 0, 0, 0, 0, 0, 0, 0, 0.0};
  if (find(at, l, "model", f[kModel], &m->model_labels, "", &row.model, e) != 0 ||
      find(at, l, "precision", f[kPrecision], &m->precisions, "", &row.precision, e) != 0 ||
      find(at, l, "context", f[kContext], &l->contexts, "", &row.context, e) != 0 ||
      find(at, l, "platform", f[kPlatform], &l->platforms, "", &row.platform, e) != 0 ||
      read_split(at, l, f[kSplit], &row, e) != 0 || read_tokens_per_s(at, f[kTokensPerS], &row, e) != 0 ||
      check_once(at, l, r, &row, e) != 0)
    return -1;
  r->rows = ev_grow(r->rows, &r->row_capacity, r->row_count + 1, sizeof *r->rows);
  r->rows[r->row_count++] = row;
  return 0;
}

/* Reads the lines of text: comments (and, above the header, the source), the header, the rows. */
static int read_lines(const char *text, const lookup *l, ev_reference *r, ev_error *e) {
  where at = {r->path, 0};
  size_t position[kColumnCount];
  size_t header_line = 0, header_fields = 0;
  for (const char *line = text; *line != '\0';) {
    const char *newline = strchr(line, '\n');
    const char *end = newline != NULL ? newline : line + strlen(line);
    const char *first = line;
    while (first < end && (*first == ' ' || *first == '\t' || *first == '\r')) ++first;
    ++at.line;
    if (first < end && *first == '#' && header_line == 0) ev_strings_add_owned(&r->source, trimmed(first + 1, end));
    if (first < end && *first != '#') {
      ev_strings fields = {0};
      split_fields(line, end, &fields);
      int rc = 0;
      if (header_line == 0) {
        rc = read_header(&at, &fields, position, e);
        header_line = at.line;
        header_fields = fields.count;
      } else if (fields.count != header_fields) {
        rc = fail_at(&at, e, "%zu fields, but the header (line %zu) names %zu columns", fields.count, header_line,
                     header_fields);
      } else {
        rc = read_row(&at, l, &fields, position, r, e);
      }
      ev_strings_free(&fields);
      if (rc != 0) return -1;
    }
    line = newline != NULL ? newline + 1 : end;
  }
  if (header_line == 0)
    return ev_fail(e, "%s: no header line; expected one naming the columns %s", r->path, kColumnList);
  if (r->row_count == 0) return ev_fail(e, "%s: no rows after the header (line %zu)", r->path, header_line);
  return 0;
}

int ev_reference_load(const char *path, const ev_matrix *m, ev_reference *r, ev_error *e) {
  memset(r, 0, sizeof *r);
  r->path = ev_strdup(path);
  char *text = ev_read_file(path, e);
  lookup l = {m, {0}, {0}};
  for (size_t c = 0; c < m->context_count; ++c) ev_strings_add_owned(&l.contexts, ev_printf("%llu", m->contexts[c]));
  for (size_t p = 0; p < m->platform_count; ++p) ev_strings_add(&l.platforms, m->platforms[p].name);
  const int rc = text != NULL ? read_lines(text, &l, r, e) : -1;
  ev_strings_free(&l.contexts);
  ev_strings_free(&l.platforms);
  free(text);
  if (rc != 0) ev_reference_free(r);
  return rc;
}

void ev_reference_free(ev_reference *r) {
  free(r->path);
  ev_strings_free(&r->source);
  free(r->rows);
  memset(r, 0, sizeof *r);
}
