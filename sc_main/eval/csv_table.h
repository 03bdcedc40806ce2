/* A table whose columns are the union of its rows' keys in first-seen order, kept in sections
 * (fixed columns, report leaves, config leaves) so each section's columns stay together, and
 * written as RFC 4180 CSV. */
#pragma once

#include <stddef.h>

#include "report_flat.h"
#include "text.h"

typedef enum { EV_SECTION_FIXED, EV_SECTION_REPORT, EV_SECTION_CONFIG, EV_SECTION_COUNT } ev_section;

typedef struct {
  char **cells; /* by column index; NULL or past count: empty */
  size_t count;
  size_t capacity;
} ev_row;

typedef struct {
  ev_strings columns;
  ev_section *sections; /* of each column */
  size_t section_capacity;
  ev_row *rows;
  size_t row_count;
  size_t row_capacity;
} ev_table;

/* Starts a table with these fixed columns (NULL-terminated), in this order. */
void ev_table_init(ev_table *t, const char *const *fixed);
void ev_table_add_fixed(ev_table *t, const char *column);
size_t ev_table_add_row(ev_table *t);
/* Sets a cell; a new column joins the end of `section`. */
void ev_table_set(ev_table *t, size_t row, ev_section section, const char *column, const char *value);
void ev_table_set_number(ev_table *t, size_t row, const char *column, double value);
/* Adds every leaf of a report: its report leaves, then its config leaves. */
void ev_table_set_report(ev_table *t, size_t row, const ev_report *r);
/* The header and every row. */
void ev_table_csv(const ev_table *t, ev_buf *out);
void ev_table_free(ev_table *t);

/* One field, quoted when it holds a comma, a quote, CR or LF (quotes doubled). */
void ev_csv_field(ev_buf *out, const char *field);
