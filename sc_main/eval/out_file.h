/* File-system helpers of the evaluation tools: folders, paths, and output files written whole
 * through "<name>.partial" and a rename, so a reader never sees half a results.csv. */
#pragma once

#include <stddef.h>

#include "text.h"

/* Creates dir and its missing parents. */
int ev_mkdirs(const char *dir, ev_error *e);
/* Writes text to "<path>.partial" and renames it to path. */
int ev_write_file(const char *path, const char *text, size_t length, ev_error *e);
/* The whole file as a NUL-terminated string; NULL with e set ("<path>: cannot open (<why>)") when
 * it cannot be opened or read. */
char *ev_read_file(const char *path, ev_error *e);
/* ev_read_file for callers that only need to know whether there is text. */
char *ev_read_text(const char *path);
int ev_exists(const char *path);

char *ev_path_join(const char *dir, const char *name);
/* A path written inside `file` (a matrix or sweep file): kept when absolute, else taken relative
 * to the folder of `file`. */
char *ev_path_beside(const char *file, const char *path);
/* The canonical absolute form of an existing path ("a/../b.json" -> "/abs/b.json"), replacing
 * and returning the argument; a path that does not exist is returned as it is. */
char *ev_canonical(char *path);
/* The last component of a path ("a/b/c.json" -> "c.json"). */
const char *ev_basename(const char *path);
/* The folder of the running executable (from /proc/self/exe), or NULL. */
char *ev_self_dir(void);
