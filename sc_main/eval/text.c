/* Text helpers of the evaluation tools (text.h). */
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kFirstCapacity = 64 };

int ev_fail(ev_error *e, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(e->text, sizeof e->text, format, args);
  va_end(args);
  return -1;
}

int ev_fail_within(ev_error *e, const char *context) {
  char *joined = ev_printf("%s%s", context, e->text);
  ev_fail(e, "%s", joined);
  free(joined);
  return -1;
}

static void out_of_memory(void) {
  fputs("out of memory\n", stderr);
  exit(1);
}

void *ev_alloc(size_t bytes) {
  void *p = malloc(bytes == 0 ? 1 : bytes);
  if (p == NULL) out_of_memory();
  return p;
}

void *ev_alloc_array(size_t count, size_t size) {
  void *p = calloc(count == 0 ? 1 : count, size == 0 ? 1 : size);
  if (p == NULL) out_of_memory();
  return p;
}

void *ev_grow(void *data, size_t *capacity, size_t needed, size_t size) {
  if (needed <= *capacity && data != NULL) return data;
  size_t next = *capacity < kFirstCapacity ? kFirstCapacity : *capacity;
  while (next < needed) next *= 2;
  void *p = realloc(data, next * size);
  if (p == NULL) out_of_memory();
  *capacity = next;
  return p;
}

char *ev_strdup(const char *text) {
  const size_t n = strlen(text) + 1;
  char *copy = ev_alloc(n);
  memcpy(copy, text, n);
  return copy;
}

char *ev_printf(const char *format, ...) {
  ev_buf b = {0};
  va_list args;
  va_start(args, format);
  ev_buf_vaddf(&b, format, args);
  va_end(args);
  return b.data != NULL ? b.data : ev_strdup("");
}

void ev_buf_addn(ev_buf *b, const char *text, size_t n) {
  b->data = ev_grow(b->data, &b->capacity, b->length + n + 1, 1);
  memcpy(b->data + b->length, text, n);
  b->length += n;
  b->data[b->length] = '\0';
}

void ev_buf_add(ev_buf *b, const char *text) { ev_buf_addn(b, text, strlen(text)); }

void ev_buf_vaddf(ev_buf *b, const char *format, va_list args) {
  va_list again;
  va_copy(again, args);
  const int n = vsnprintf(NULL, 0, format, args);
  if (n > 0) {
    b->data = ev_grow(b->data, &b->capacity, b->length + (size_t)n + 1, 1);
    vsnprintf(b->data + b->length, (size_t)n + 1, format, again);
    b->length += (size_t)n;
  }
  va_end(again);
}

void ev_buf_addf(ev_buf *b, const char *format, ...) {
  va_list args;
  va_start(args, format);
  ev_buf_vaddf(b, format, args);
  va_end(args);
}

const char *ev_buf_text(const ev_buf *b) { return b->data != NULL ? b->data : ""; }

void ev_buf_free(ev_buf *b) {
  free(b->data);
  b->data = NULL;
  b->length = b->capacity = 0;
}

void ev_strings_add_owned(ev_strings *l, char *text) {
  l->items = ev_grow(l->items, &l->capacity, l->count + 1, sizeof *l->items);
  l->items[l->count++] = text;
}

void ev_strings_add(ev_strings *l, const char *text) { ev_strings_add_owned(l, ev_strdup(text)); }

size_t ev_strings_find(const ev_strings *l, const char *text) {
  for (size_t i = 0; i < l->count; ++i)
    if (strcmp(l->items[i], text) == 0) return i;
  return l->count;
}

void ev_strings_free(ev_strings *l) {
  for (size_t i = 0; i < l->count; ++i) free(l->items[i]);
  free(l->items);
  l->items = NULL;
  l->count = l->capacity = 0;
}

void ev_format_number(char *out, size_t size, double value) {
  static const int kDigits[] = {15, 16, 17};
  for (size_t i = 0; i < sizeof kDigits / sizeof kDigits[0]; ++i) {
    snprintf(out, size, "%.*g", kDigits[i], value);
    if (strtod(out, NULL) == value) return;
  }
}

char *ev_file_safe(const char *text) {
  char *safe = ev_strdup(text);
  for (char *p = safe; *p != '\0'; ++p) {
    const char c = *p;
    const int keep =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr(".+=-_", c) != NULL;
    if (!keep) *p = '-';
  }
  return safe;
}
