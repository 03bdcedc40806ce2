/* strerror_r is POSIX. */
#define _POSIX_C_SOURCE 200809L

#include "text_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kReadChunkBytes = 64 * 1024, kReasonBytes = 128 };

void kv_write_error(char* err, size_t err_len, const char* fmt, ...) {
  if (err == NULL || err_len == 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, err_len, fmt, ap);
  va_end(ap);
}

/* strerror() may share a static buffer between threads; strerror_r does not. */
static const char* describe_errno(int e, char* buf, size_t len) {
  if (strerror_r(e, buf, len) != 0) snprintf(buf, len, "error %d", e);
  return buf;
}

/* The rest of `file`, NUL-terminated; NULL with errno set on failure. */
static char* read_all(FILE* file, size_t* length) {
  char* data = NULL;
  size_t size = 0, capacity = 0;
  for (;;) {
    if (capacity - size < kReadChunkBytes) {
      capacity = capacity == 0 ? kReadChunkBytes : capacity * 2;
      char* grown = realloc(data, capacity);
      if (grown == NULL) {
        free(data);
        errno = ENOMEM;
        return NULL;
      }
      data = grown;
    }
    const size_t n = fread(data + size, 1, capacity - size - 1, file);
    size += n;
    if (n == 0) break;
  }
  if (ferror(file)) {
    free(data);
    if (errno == 0) errno = EIO;
    return NULL;
  }
  data[size] = '\0';
  *length = size;
  return data;
}

char* kv_read_text_file(const char* path, size_t* length, char* err, size_t err_len) {
  char reason[kReasonBytes];
  errno = 0;
  FILE* file = fopen(path, "rb");
  if (file == NULL) {
    kv_write_error(err, err_len, "%s: %s", path, describe_errno(errno, reason, sizeof reason));
    return NULL;
  }
  errno = 0;
  char* text = read_all(file, length);
  const int read_errno = errno;
  fclose(file);
  if (text == NULL) kv_write_error(err, err_len, "%s: %s", path, describe_errno(read_errno, reason, sizeof reason));
  return text;
}
