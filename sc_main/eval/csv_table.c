/* Tables with first-seen column order written as CSV (csv_table.h). */
#include "csv_table.h"

#include <stdlib.h>
#include <string.h>

enum { kNumberBytes = 40 };

static size_t column_of(ev_table *t, ev_section section, const char *column) {
  const size_t found = ev_strings_find(&t->columns, column);
  if (found < t->columns.count) return found;
  ev_strings_add(&t->columns, column);
  t->sections = ev_grow(t->sections, &t->section_capacity, t->columns.count, sizeof *t->sections);
  t->sections[found] = section;
  return found;
}

void ev_table_init(ev_table *t, const char *const *fixed) {
  memset(t, 0, sizeof *t);
  for (const char *const *c = fixed; *c != NULL; ++c) ev_table_add_fixed(t, *c);
}

void ev_table_add_fixed(ev_table *t, const char *column) { column_of(t, EV_SECTION_FIXED, column); }

size_t ev_table_add_row(ev_table *t) {
  t->rows = ev_grow(t->rows, &t->row_capacity, t->row_count + 1, sizeof *t->rows);
  memset(&t->rows[t->row_count], 0, sizeof t->rows[t->row_count]);
  return t->row_count++;
}

void ev_table_set(ev_table *t, size_t row, ev_section section, const char *column, const char *value) {
  const size_t c = column_of(t, section, column);
  ev_row *r = &t->rows[row];
  if (c >= r->count) {
    const size_t old_capacity = r->capacity;
    r->cells = ev_grow(r->cells, &r->capacity, c + 1, sizeof *r->cells);
    memset(r->cells + old_capacity, 0, (r->capacity - old_capacity) * sizeof *r->cells);
    r->count = c + 1;
  }
  free(r->cells[c]);
  r->cells[c] = ev_strdup(value);
}

void ev_table_set_number(ev_table *t, size_t row, const char *column, double value) {
  char number[kNumberBytes];
  ev_format_number(number, sizeof number, value);
  ev_table_set(t, row, EV_SECTION_FIXED, column, number);
}

void ev_table_set_report(ev_table *t, size_t row, const ev_report *r) {
  for (size_t i = 0; i < r->keys.count; ++i)
    ev_table_set(t, row, EV_SECTION_REPORT, r->keys.items[i], r->values.items[i]);
  for (size_t i = 0; i < r->config_keys.count; ++i)
    ev_table_set(t, row, EV_SECTION_CONFIG, r->config_keys.items[i], r->config_values.items[i]);
}

void ev_csv_field(ev_buf *out, const char *field) {
  if (strpbrk(field, ",\"\r\n") == NULL) {
    ev_buf_add(out, field);
    return;
  }
  ev_buf_add(out, "\"");
  for (const char *p = field; *p != '\0'; ++p) {
    if (*p == '"') ev_buf_add(out, "\"");
    ev_buf_addn(out, p, 1);
  }
  ev_buf_add(out, "\"");
}

/* Column indices in output order: section by section, first-seen within a section. */
static size_t *column_order(const ev_table *t) {
  size_t *order = ev_alloc_array(t->columns.count, sizeof *order);
  size_t n = 0;
  for (int s = 0; s < EV_SECTION_COUNT; ++s)
    for (size_t c = 0; c < t->columns.count; ++c)
      if (t->sections[c] == (ev_section)s) order[n++] = c;
  return order;
}

void ev_table_csv(const ev_table *t, ev_buf *out) {
  size_t *order = column_order(t);
  for (size_t i = 0; i < t->columns.count; ++i) {
    if (i > 0) ev_buf_add(out, ",");
    ev_csv_field(out, t->columns.items[order[i]]);
  }
  ev_buf_add(out, "\n");
  for (size_t r = 0; r < t->row_count; ++r) {
    const ev_row *row = &t->rows[r];
    for (size_t i = 0; i < t->columns.count; ++i) {
      if (i > 0) ev_buf_add(out, ",");
      const size_t c = order[i];
      if (c < row->count && row->cells[c] != NULL) ev_csv_field(out, row->cells[c]);
    }
    ev_buf_add(out, "\n");
  }
  free(order);
}

void ev_table_free(ev_table *t) {
  for (size_t r = 0; r < t->row_count; ++r) {
    for (size_t c = 0; c < t->rows[r].count; ++c) free(t->rows[r].cells[c]);
    free(t->rows[r].cells);
  }
  free(t->rows);
  free(t->sections);
  ev_strings_free(&t->columns);
  memset(t, 0, sizeof *t);
}
