/*
 * kvnand.h - the C interface of the kvnand simulator (C11, C++ compatible).
 *
 * One simulator per process: SystemC elaborates a model once, so a second kvnand_create_* in
 * the same process is refused (KVNAND_E_SECOND_SIMULATOR), even after kvnand_destroy.
 *
 * Transactions are token-level: append one token's K and V for (layer, KV head), attend for
 * (layer, query head) or a whole head group, or one whole decode step. Each call exists in a
 * blocking form (returns when the transaction is done) and a submit form (returns a ticket at
 * once; kvnand_poll / kvnand_wait / kvnand_run_until_idle advance and collect). Simulated time
 * only advances inside kvnand_wait, kvnand_run_until, kvnand_run_until_idle and the blocking
 * calls. Times are picoseconds of simulated time.
 *
 * Every function returns a kvnand_status; on an error kvnand_last_error(sim) says what was
 * wrong. No function throws or aborts. The interface is not thread-safe: call it from one
 * thread. Documentation: docs/c-api.md.
 */
#ifndef KVNAND_H
#define KVNAND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KVNAND_VERSION_MAJOR 0
#define KVNAND_VERSION_MINOR 1
#define KVNAND_VERSION_PATCH 0
/* major * 10000 + minor * 100 + patch, for #if comparisons. */
#define KVNAND_VERSION_NUMBER (KVNAND_VERSION_MAJOR * 10000 + KVNAND_VERSION_MINOR * 100 + KVNAND_VERSION_PATCH)

typedef struct kvnand_sim kvnand_sim;
typedef uint64_t kvnand_ticket;

typedef enum kvnand_status {
  KVNAND_OK = 0,
  KVNAND_PENDING = 1,               /* kvnand_poll: the transaction is still in flight */
  KVNAND_E_NULL = -1,               /* a pointer that must not be NULL is NULL (handle, data, result) */
  KVNAND_E_ARGUMENT = -2,           /* a value is not accepted (data to a timing-only simulator, ...) */
  KVNAND_E_CONFIG = -3,             /* config file, JSON text or override invalid (names file and key) */
  KVNAND_E_INDEX = -4,              /* layer, KV head or query head outside the model */
  KVNAND_E_NO_DATA = -5,            /* data asked of a stream holding timing-only tokens */
  KVNAND_E_CAPACITY = -6,           /* the KV cache has no free flash page for this append */
  KVNAND_E_OUT_OF_MEMORY = -7,      /* the model and pre-filled context do not fit the platform */
  KVNAND_E_TICKET = -8,             /* unknown ticket, or one already collected */
  KVNAND_E_TIME = -9,               /* a time before the current simulated time */
  KVNAND_E_SIMULATION = -10,        /* the model or SystemC reported an error; the simulator stops */
  KVNAND_E_STOPPED = -11,           /* a call after KVNAND_E_SIMULATION or a failed create */
  KVNAND_E_SECOND_SIMULATOR = -12,  /* a simulator was already created in this process */
  KVNAND_E_INTERNAL = -13           /* anything else (out of host memory, ...) */
} kvnand_status;

/* Element encodings of K, V and Q vectors (16 bits each, as uint16_t bit patterns). */
typedef enum kvnand_element {
  KVNAND_ELEMENT_BF16 = 0,
  KVNAND_ELEMENT_FP16 = 1
} kvnand_element;

/* What the simulator was built for; see kvnand_get_shape. */
typedef struct kvnand_shape {
  uint32_t layers;
  uint32_t q_heads;
  uint32_t kv_heads;
  uint32_t head_dim;
  uint32_t group_size;          /* q_heads / kv_heads: query heads sharing one KV head */
  uint32_t tokens_per_page;     /* tokens of one (layer, KV head, K or V) in one flash page */
  uint32_t element;             /* a kvnand_element */
  uint32_t functional;          /* 1: data is stored in flash and attention is computed */
  uint64_t context_tokens;      /* tokens pre-filled per KV head at create (timing-only) */
} kvnand_shape;

/* The timing of one finished transaction. */
typedef struct kvnand_timing {
  uint64_t issue_ps;            /* submitted */
  uint64_t start_ps;            /* began: after earlier transactions on the same head group */
  uint64_t end_ps;              /* done */
  uint64_t page_reads;          /* flash pages its in-flash kernels read */
  uint64_t pages_programmed;    /* KV page programs it issued (they finish in the background) */
} kvnand_timing;

/* "0.1.0" */
const char *kvnand_version(void);
/* "KVNAND_E_INDEX" etc.; "unknown status" for values not listed above. */
const char *kvnand_status_name(kvnand_status status);

/*
 * Creates the simulator from a platform config (file, or JSON text with paths relative to the
 * working directory) plus overrides "key.path=value" (as kvnand-sim --set). The config's
 * "session" section names the model ("session.model") and may set context_tokens, precision,
 * accounting, element and functional (docs/c-api.md). *sim is set even on failure (unless host
 * memory ran out, then NULL): read kvnand_last_error(*sim), then kvnand_destroy(*sim).
 */
kvnand_status kvnand_create_from_file(const char *config_path, const char *const *overrides, size_t override_count,
                                      kvnand_sim **sim);
kvnand_status kvnand_create_from_json(const char *config_json, const char *const *overrides, size_t override_count,
                                      kvnand_sim **sim);
/* Frees everything; NULL is ignored. The process cannot create another simulator afterwards. */
void kvnand_destroy(kvnand_sim *sim);
/* The message of the last error on sim ("" when none); valid until the next call on sim. */
const char *kvnand_last_error(const kvnand_sim *sim);
kvnand_status kvnand_get_shape(kvnand_sim *sim, kvnand_shape *shape);

/*
 * Blocking transactions. timing may be NULL.
 * append: k and v are head_dim elements each, or both NULL for a timing-only token.
 * attend: q is head_dim elements and out receives head_dim floats (softmax(q K^T / sqrt(head_dim)) V
 *         over every token of the KV head), or both NULL for timing only.
 * attend_group: the same for all group_size query heads of a KV head at once; q and out hold
 *         group_size * head_dim elements, head after head.
 * decode_step: one whole decode token of the model (every layer, timing only): appends a
 *         timing-only token to every KV head.
 */
kvnand_status kvnand_append(kvnand_sim *sim, uint32_t layer, uint32_t kv_head, const uint16_t *k,
                            const uint16_t *v, kvnand_timing *timing);
kvnand_status kvnand_attend(kvnand_sim *sim, uint32_t layer, uint32_t q_head, const uint16_t *q, float *out,
                            kvnand_timing *timing);
kvnand_status kvnand_attend_group(kvnand_sim *sim, uint32_t layer, uint32_t kv_head, const uint16_t *q, float *out,
                                  kvnand_timing *timing);
kvnand_status kvnand_decode_step(kvnand_sim *sim, kvnand_timing *timing);

/*
 * Submit forms: the transaction is issued at the current simulated time and *ticket identifies
 * it. k, v and q are copied; out must stay valid until the ticket is collected. Transactions on
 * the same (layer, KV head) run in submission order; others overlap. A decode step waits for
 * everything submitted before it, and everything submitted after it waits for it.
 */
kvnand_status kvnand_submit_append(kvnand_sim *sim, uint32_t layer, uint32_t kv_head, const uint16_t *k,
                                   const uint16_t *v, kvnand_ticket *ticket);
kvnand_status kvnand_submit_attend(kvnand_sim *sim, uint32_t layer, uint32_t q_head, const uint16_t *q, float *out,
                                   kvnand_ticket *ticket);
kvnand_status kvnand_submit_attend_group(kvnand_sim *sim, uint32_t layer, uint32_t kv_head, const uint16_t *q,
                                         float *out, kvnand_ticket *ticket);
kvnand_status kvnand_submit_decode_step(kvnand_sim *sim, kvnand_ticket *ticket);

/*
 * Collecting tickets. poll does not advance time: KVNAND_PENDING while in flight, otherwise the
 * transaction's own status (KVNAND_OK or its error) and the ticket is collected. wait advances
 * time until the ticket is done, then behaves like poll. timing may be NULL.
 */
kvnand_status kvnand_poll(kvnand_sim *sim, kvnand_ticket ticket, kvnand_timing *timing);
kvnand_status kvnand_wait(kvnand_sim *sim, kvnand_ticket ticket, kvnand_timing *timing);
/* Advances until nothing is in flight, background page programs included. */
kvnand_status kvnand_run_until_idle(kvnand_sim *sim);
/* Advances to time_ps (KVNAND_E_TIME if that is in the past). */
kvnand_status kvnand_run_until(kvnand_sim *sim, uint64_t time_ps);
kvnand_status kvnand_now(kvnand_sim *sim, uint64_t *time_ps);

/* Statistics as JSON text (the report of kvnand-sim plus transaction counts); *json stays valid
 * until the next call on sim. */
kvnand_status kvnand_stats_json(kvnand_sim *sim, const char **json);

#ifdef __cplusplus
}
#endif

#endif /* KVNAND_H */
