/* Text helpers of the evaluation tools: growable buffers and string lists, error messages,
 * allocation that ends the tool on exhaustion, and numbers written so they read back exactly. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#define EV_PRINTF(format_index, first_arg) __attribute__((format(printf, format_index, first_arg)))

enum { kEvErrorBytes = 2048 };

/* A message for the user: "<file>: <key path>: <what is wrong and what is accepted>". */
typedef struct {
  char text[kEvErrorBytes];
} ev_error;

/* Formats the message into e and returns -1, so a failing reader can `return ev_fail(...)`. */
int ev_fail(ev_error *e, const char *format, ...) EV_PRINTF(2, 3);
/* Puts `context` in front of the message; returns -1. */
int ev_fail_within(ev_error *e, const char *context);

/* A batch tool cannot go on without memory: these print "out of memory" and exit(1) instead of
 * returning NULL, which keeps every caller free of allocation checks. */
void *ev_alloc(size_t bytes);
void *ev_alloc_array(size_t count, size_t size); /* zeroed */
void *ev_grow(void *data, size_t *capacity, size_t needed, size_t size);
char *ev_strdup(const char *text);
char *ev_printf(const char *format, ...) EV_PRINTF(1, 2);

typedef struct {
  char *data; /* NUL-terminated; NULL until something is appended */
  size_t length;
  size_t capacity;
} ev_buf;

void ev_buf_add(ev_buf *b, const char *text);
void ev_buf_addn(ev_buf *b, const char *text, size_t n);
void ev_buf_addf(ev_buf *b, const char *format, ...) EV_PRINTF(2, 3);
void ev_buf_vaddf(ev_buf *b, const char *format, va_list args);
const char *ev_buf_text(const ev_buf *b); /* "" when empty */
void ev_buf_free(ev_buf *b);

typedef struct {
  char **items; /* owned copies */
  size_t count;
  size_t capacity;
} ev_strings;

void ev_strings_add(ev_strings *l, const char *text);
void ev_strings_add_owned(ev_strings *l, char *text);
/* Index of text in the list, or l->count when absent. */
size_t ev_strings_find(const ev_strings *l, const char *text);
void ev_strings_free(ev_strings *l);

/* The shortest of %.15g, %.16g, %.17g that reads back as the same double, so a CSV cell equals
 * the report.json number it came from. */
void ev_format_number(char *out, size_t size, double value);

/* Letters, digits and ".+=-_" kept, anything else turned into '-': safe in a file name. */
char *ev_file_safe(const char *text);
