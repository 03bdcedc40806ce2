/* Reading a whole text file for the C parsers (token traces, scheduler logs), and the error
 * text they hand back. C11. */
#ifndef KVNAND_TRACES_TEXT_FILE_H
#define KVNAND_TRACES_TEXT_FILE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* printf-style into err when it has room (err may be NULL or err_len 0: nothing is written). */
void kv_write_error(char* err, size_t err_len, const char* fmt, ...);

/* The whole of `path`, NUL-terminated, in one malloc'd buffer (*length excludes the NUL). On
 * failure returns NULL and writes "<path>: <reason>" into err. */
char* kv_read_text_file(const char* path, size_t* length, char* err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* KVNAND_TRACES_TEXT_FILE_H */
