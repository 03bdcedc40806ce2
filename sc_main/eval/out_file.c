/* File-system helpers of the evaluation tools (out_file.h). */
#include "out_file.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { kDirMode = 0777 /* less umask, as mkdir -p */ };

int ev_mkdirs(const char *dir, ev_error *e) {
  if (dir[0] == '\0') return ev_fail(e, "an empty folder name");
  char *path = ev_strdup(dir);
  int rc = 0;
  for (char *p = path + 1; rc == 0; ++p) {
    if (*p != '/' && *p != '\0') continue;
    const char saved = *p;
    *p = '\0';
    struct stat st;
    if (mkdir(path, kDirMode) != 0 && (errno != EEXIST || stat(path, &st) != 0 || !S_ISDIR(st.st_mode)))
      rc = ev_fail(e, "cannot create folder %s (%s)", path, errno == EEXIST ? "a file is in the way" : strerror(errno));
    *p = saved;
    if (saved == '\0') break;
  }
  free(path);
  return rc;
}

int ev_write_file(const char *path, const char *text, size_t length, ev_error *e) {
  char *partial = ev_printf("%s.partial", path);
  FILE *out = fopen(partial, "wb");
  int rc = 0;
  if (out == NULL) {
    rc = ev_fail(e, "cannot write %s (%s)", partial, strerror(errno));
  } else {
    const int write_failed = fwrite(text, 1, length, out) != length;
    const int close_failed = fclose(out) != 0;
    if (write_failed || close_failed)
      rc = ev_fail(e, "cannot write %s (%s)", partial, strerror(errno));
    else if (rename(partial, path) != 0)
      rc = ev_fail(e, "cannot rename %s to %s (%s)", partial, path, strerror(errno));
    if (rc != 0) unlink(partial);
  }
  free(partial);
  return rc;
}

char *ev_read_file(const char *path, ev_error *e) {
  FILE *in = fopen(path, "rb");
  if (in == NULL) {
    ev_fail(e, "%s: cannot open (%s)", path, strerror(errno));
    return NULL;
  }
  ev_buf text = {0};
  char chunk[8192];
  size_t n = 0;
  while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) ev_buf_addn(&text, chunk, n);
  const int failed = ferror(in);
  fclose(in);
  if (failed) {
    ev_buf_free(&text);
    ev_fail(e, "%s: cannot read (%s)", path, strerror(errno));
    return NULL;
  }
  return text.data != NULL ? text.data : ev_strdup("");
}

char *ev_read_text(const char *path) {
  ev_error ignored;
  return ev_read_file(path, &ignored);
}

int ev_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

char *ev_path_join(const char *dir, const char *name) {
  const size_t n = strlen(dir);
  return ev_printf("%s%s%s", dir, n > 0 && dir[n - 1] == '/' ? "" : "/", name);
}

char *ev_path_beside(const char *file, const char *path) {
  const char *slash = strrchr(file, '/');
  if (path[0] == '/' || slash == NULL) return ev_strdup(path);
  return ev_printf("%.*s/%s", (int)(slash - file), file, path);
}

char *ev_canonical(char *path) {
  char *real = realpath(path, NULL);
  if (real == NULL) return path;
  free(path);
  char *copy = ev_strdup(real);
  free(real);
  return copy;
}

const char *ev_basename(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash != NULL ? slash + 1 : path;
}

char *ev_self_dir(void) {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return NULL;
  path[n] = '\0';
  char *slash = strrchr(path, '/');
  if (slash == NULL) return NULL;
  *slash = '\0';
  return ev_strdup(path[0] != '\0' ? path : "/");
}
