/* Merging an RTL simulator's VCD (for example Verilator's) into a kvnand VCD, so that one
 * waveform shows the model's states and the RTL's signals on one time axis. Both files are
 * streamed, never loaded whole. C11; usable from C++. */
#ifndef KVNAND_TRACES_VCD_MERGE_H
#define KVNAND_TRACES_VCD_MERGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes to out_path: main_path's header ($date, $version, $timescale, comments), its scopes,
 * then a top-level `$scope module <extra_scope>` holding extra_path's whole scope tree with its
 * identifier codes renamed so that none collides with main's (aliases stay aliases) and each
 * dotted scope name (SystemC's hierarchical names, as Verilator's SystemC tracer writes them)
 * cut to its last component, then the value changes of both files in time order (main's first
 * at equal times). Extra times are
 * scaled to main's timescale; a timescale that does not scale to a whole multiple is refused.
 * Extra changes up to window_start become its values at window_start (inside main's $dumpvars
 * when main dumps there, else in a $dumpvars of their own); with has_window_end, extra changes
 * after window_end are dropped. Main's changes, commands, comments and final time pass through.
 * Extra's $dumpvars/$dumpall/$dumpon/$dumpoff blocks count as plain changes; its comments go.
 *
 * out_path is written through a temporary file in its directory and renamed into place, so it
 * may equal main_path. Returns 0 on success; on failure returns -1, leaves out_path as it was
 * and writes "<file>:<line>: <reason>" (or "<file>: <reason>") into err (if err_len > 0). */
int kv_vcd_merge(const char* main_path, const char* extra_path, const char* extra_scope, uint64_t window_start,
                 int has_window_end, uint64_t window_end, const char* out_path, char* err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* KVNAND_TRACES_VCD_MERGE_H */
