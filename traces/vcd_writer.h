/* Value Change Dump (IEEE 1364 VCD) writer for state-level waveforms viewed in GTKWave.
 *
 * Usage: open, declare scopes and variables, end_definitions, then report changes with
 * non-decreasing timestamps, then close. All functions returning int give 0 (or a handle >= 0)
 * on success and -1 on failure; the reason is then available from kv_vcd_error(). Passing a
 * NULL writer makes them return -1. A writer is not thread-safe; use one per thread. */
#ifndef KVNAND_TRACES_VCD_WRITER_H
#define KVNAND_TRACES_VCD_WRITER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Widest variable a value change can describe (values are uint64_t). */
#define KV_VCD_MAX_WIDTH 64u

typedef struct kv_vcd_writer kv_vcd_writer;

/* Creates/truncates `path`. `timescale` is "<1|10|100> <s|ms|us|ns|ps|fs>" (space optional);
 * NULL means "1 ps". On failure returns NULL and writes "<path>: <reason>" into err (if err is
 * non-NULL and err_len > 0). */
kv_vcd_writer* kv_vcd_open(const char* path, const char* timescale, char* err, size_t err_len);

/* Opens a nested `$scope module <name>`. Names: non-empty printable ASCII, no spaces, not
 * starting with '$'. Only before kv_vcd_end_definitions(). */
int kv_vcd_push_scope(kv_vcd_writer* w, const char* name);

/* Closes the innermost scope; -1 if none is open. */
int kv_vcd_pop_scope(kv_vcd_writer* w);

/* Declares a variable in the current scope: width 1 is a `wire`, 2..64 a `reg` vector.
 * Returns its handle (0, 1, 2, ... in declaration order) or -1. Initial value is 0. */
int kv_vcd_add_var(kv_vcd_writer* w, const char* name, unsigned width_bits);

/* Changes the value `var` shows at the start time (in $dumpvars). Only before end_definitions. */
int kv_vcd_set_initial(kv_vcd_writer* w, int var, uint64_t value);

/* Writes the header ($date, $version, $timescale, scopes, $enddefinitions) and the initial
 * values at #0 in $dumpvars. Scopes still open are closed. Declarations are rejected after. */
int kv_vcd_end_definitions(kv_vcd_writer* w);

/* As kv_vcd_end_definitions, but the initial values appear at `start_time` (`#start_time` then
 * $dumpvars), for a waveform that covers a window of a longer run; later changes must not be
 * before it. */
int kv_vcd_end_definitions_at(kv_vcd_writer* w, uint64_t start_time);

/* Records that `var` takes `value` at `time` (timescale units). `time` must be >= the time of
 * every earlier call; `value` must fit in the var's width. A value equal to the current one
 * writes nothing; a `#time` line is written only when time advances. */
int kv_vcd_change(kv_vcd_writer* w, uint64_t time, int var, uint64_t value);

/* Message of the most recent failure on `w` ("" if none yet; "null writer" for NULL). */
const char* kv_vcd_error(const kv_vcd_writer* w);

/* Bytes handed to the file so far (header included), buffered or not. 0 for NULL. */
uint64_t kv_vcd_bytes_written(const kv_vcd_writer* w);

/* Writes the header if still missing, then `#end_time` if end_time is past the last written
 * time (so viewers show the whole span), flushes, closes and frees `w`. Returns -1 if any
 * write, flush or close failed during the writer's life (e.g. disk full). NULL: returns 0. */
int kv_vcd_close(kv_vcd_writer* w, uint64_t end_time);

/* Closes and frees `w` without writing anything more (for error paths). Accepts NULL. */
void kv_vcd_abort(kv_vcd_writer* w);

#ifdef __cplusplus
}
#endif

#endif /* KVNAND_TRACES_VCD_WRITER_H */
