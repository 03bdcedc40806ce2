/* scenario_misuse.c - every way a caller can misuse the C-ABI gets its status and a message:
 * a bad config (before the real simulator, so the process may create again), NULL pointers,
 * indices outside the model, tickets, time, timing-only data, a second simulator. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "testbench.h"

enum {
  kHeadDim = 64, /* tiny-gqa */
  kGroupSize = 2,
  kUnknownTicket = 424242,
  /* Indices past tiny-gqa's 2 layers, 2 KV heads, 4 query heads. */
  kBadLayer = 7,
  kBadKvHead = 5,
  kBadQueryHead = 9,
};

static void status_names(testbench *tb) {
  tb_checks *c = &tb->checks;
  static const struct {
    kvnand_status status;
    const char *name;
  } kNames[] = {
      {KVNAND_OK, "KVNAND_OK"},
      {KVNAND_PENDING, "KVNAND_PENDING"},
      {KVNAND_E_NULL, "KVNAND_E_NULL"},
      {KVNAND_E_ARGUMENT, "KVNAND_E_ARGUMENT"},
      {KVNAND_E_CONFIG, "KVNAND_E_CONFIG"},
      {KVNAND_E_INDEX, "KVNAND_E_INDEX"},
      {KVNAND_E_NO_DATA, "KVNAND_E_NO_DATA"},
      {KVNAND_E_CAPACITY, "KVNAND_E_CAPACITY"},
      {KVNAND_E_OUT_OF_MEMORY, "KVNAND_E_OUT_OF_MEMORY"},
      {KVNAND_E_TICKET, "KVNAND_E_TICKET"},
      {KVNAND_E_TIME, "KVNAND_E_TIME"},
      {KVNAND_E_SIMULATION, "KVNAND_E_SIMULATION"},
      {KVNAND_E_STOPPED, "KVNAND_E_STOPPED"},
      {KVNAND_E_SECOND_SIMULATOR, "KVNAND_E_SECOND_SIMULATOR"},
      {KVNAND_E_INTERNAL, "KVNAND_E_INTERNAL"},
  };
  for (size_t i = 0; i < sizeof kNames / sizeof *kNames; ++i) {
    if (!CHECK(c, strcmp(kvnand_status_name(kNames[i].status), kNames[i].name) == 0))
      fprintf(stderr, "  status %d is named %s\n", (int)kNames[i].status, kvnand_status_name(kNames[i].status));
  }
  CHECK(c, strcmp(kvnand_status_name((kvnand_status)-14), "unknown status") == 0);
  CHECK(c, strcmp(kvnand_status_name((kvnand_status)2), "unknown status") == 0);
  char version[32];
  snprintf(version, sizeof version, "%d.%d.%d", KVNAND_VERSION_MAJOR, KVNAND_VERSION_MINOR, KVNAND_VERSION_PATCH);
  CHECK(c, strcmp(kvnand_version(), version) == 0);
}

/* Every call on sim returns `expected` (E_NULL for a NULL handle, E_STOPPED for a failed one). */
static void every_call(testbench *tb, kvnand_sim *sim, kvnand_status expected) {
  tb_checks *c = &tb->checks;
  uint16_t q[kGroupSize * kHeadDim] = {0}, k[kHeadDim] = {0}, v[kHeadDim] = {0};
  float out[kGroupSize * kHeadDim];
  kvnand_shape shape;
  kvnand_timing timing;
  kvnand_ticket ticket;
  uint64_t now;
  const char *json;
  CHECK_STATUS(c, sim, kvnand_get_shape(sim, &shape), expected);
  CHECK_STATUS(c, sim, kvnand_append(sim, 0, 0, k, v, &timing), expected);
  CHECK_STATUS(c, sim, kvnand_append(sim, 0, 0, NULL, NULL, NULL), expected);
  CHECK_STATUS(c, sim, kvnand_attend(sim, 0, 0, q, out, &timing), expected);
  CHECK_STATUS(c, sim, kvnand_attend_group(sim, 0, 0, q, out, &timing), expected);
  CHECK_STATUS(c, sim, kvnand_decode_step(sim, &timing), expected);
  CHECK_STATUS(c, sim, kvnand_submit_append(sim, 0, 0, k, v, &ticket), expected);
  CHECK_STATUS(c, sim, kvnand_submit_attend(sim, 0, 0, q, out, &ticket), expected);
  CHECK_STATUS(c, sim, kvnand_submit_attend_group(sim, 0, 0, q, out, &ticket), expected);
  CHECK_STATUS(c, sim, kvnand_submit_decode_step(sim, &ticket), expected);
  CHECK_STATUS(c, sim, kvnand_poll(sim, 1, &timing), expected);
  CHECK_STATUS(c, sim, kvnand_wait(sim, 1, &timing), expected);
  CHECK_STATUS(c, sim, kvnand_run_until_idle(sim), expected);
  CHECK_STATUS(c, sim, kvnand_run_until(sim, 1), expected);
  CHECK_STATUS(c, sim, kvnand_now(sim, &now), expected);
  CHECK_STATUS(c, sim, kvnand_stats_json(sim, &json), expected);
}

/* A create refused for its config builds no model: its handle answers E_STOPPED, and the process
 * may create again. */
static void refused_create(testbench *tb, const char *override, kvnand_status expected, const char *needle) {
  tb_checks *c = &tb->checks;
  kvnand_sim *sim = NULL;
  const kvnand_status status = kvnand_create_from_file(tb->config_path, &override, 1, &sim);
  CHECK_STATUS(c, sim, status, expected);
  if (!CHECK(c, sim != NULL)) return;
  CHECK_MESSAGE(c, kvnand_last_error(sim), needle);
  every_call(tb, sim, KVNAND_E_STOPPED);
  kvnand_destroy(sim);
}

static void null_pointers(testbench *tb, kvnand_sim *sim) {
  tb_checks *c = &tb->checks;
  every_call(tb, NULL, KVNAND_E_NULL);
  kvnand_destroy(NULL);
  uint16_t q[kGroupSize * kHeadDim] = {0}, k[kHeadDim] = {0}, v[kHeadDim] = {0};
  float out[kGroupSize * kHeadDim];
  kvnand_ticket ticket;
  CHECK_STATUS(c, sim, kvnand_get_shape(sim, NULL), KVNAND_E_NULL);
  CHECK_STATUS(c, sim, kvnand_now(sim, NULL), KVNAND_E_NULL);
  CHECK_STATUS(c, sim, kvnand_stats_json(sim, NULL), KVNAND_E_NULL);
  CHECK_STATUS(c, sim, kvnand_append(sim, 0, 0, k, NULL, NULL), KVNAND_E_NULL);
  CHECK_STATUS(c, sim, kvnand_append(sim, 0, 0, NULL, v, NULL), KVNAND_E_NULL);
  CHECK_STATUS(c, sim, kvnand_attend(sim, 0, 0, q, NULL, NULL), KVNAND_E_NULL);
  CHECK_STATUS(c, sim, kvnand_attend(sim, 0, 0, NULL, out, NULL), KVNAND_E_NULL);
  CHECK_STATUS(c, sim, kvnand_attend_group(sim, 0, 0, q, NULL, NULL), KVNAND_E_NULL);
  CHECK_STATUS(c, sim, kvnand_submit_append(sim, 0, 0, k, NULL, &ticket), KVNAND_E_NULL);
  CHECK_STATUS(c, sim, kvnand_submit_attend(sim, 0, 0, q, NULL, &ticket), KVNAND_E_NULL);
  CHECK_STATUS(c, sim, kvnand_submit_attend_group(sim, 0, 0, NULL, out, &ticket), KVNAND_E_NULL);
  CHECK_STATUS(c, sim, kvnand_submit_append(sim, 0, 0, k, v, NULL), KVNAND_E_NULL);
  CHECK_STATUS(c, sim, kvnand_submit_attend(sim, 0, 0, q, out, NULL), KVNAND_E_NULL);
  CHECK_STATUS(c, sim, kvnand_submit_decode_step(sim, NULL), KVNAND_E_NULL);
}

/* The message names the offending value and the model's limit. */
static void indices(testbench *tb, kvnand_sim *sim) {
  tb_checks *c = &tb->checks;
  uint16_t q[kGroupSize * kHeadDim] = {0}, k[kHeadDim] = {0}, v[kHeadDim] = {0};
  float out[kGroupSize * kHeadDim];
  kvnand_ticket ticket;
  CHECK_STATUS(c, sim, kvnand_append(sim, kBadLayer, 0, k, v, NULL), KVNAND_E_INDEX);
  CHECK_MESSAGE(c, kvnand_last_error(sim), "layer", "7", "2");
  CHECK_STATUS(c, sim, kvnand_append(sim, 0, kBadKvHead, k, v, NULL), KVNAND_E_INDEX);
  CHECK_MESSAGE(c, kvnand_last_error(sim), "head", "5", "2");
  CHECK_STATUS(c, sim, kvnand_attend(sim, 1, kBadQueryHead, q, out, NULL), KVNAND_E_INDEX);
  CHECK_MESSAGE(c, kvnand_last_error(sim), "head", "9", "4");
  CHECK_STATUS(c, sim, kvnand_attend_group(sim, kBadLayer, 0, q, out, NULL), KVNAND_E_INDEX);
  CHECK_MESSAGE(c, kvnand_last_error(sim), "layer", "7", "2");
  CHECK_STATUS(c, sim, kvnand_submit_attend_group(sim, 0, kBadKvHead, q, out, &ticket), KVNAND_E_INDEX);
  CHECK_MESSAGE(c, kvnand_last_error(sim), "head", "5", "2");
  CHECK_STATUS(c, sim, kvnand_submit_append(sim, 0, kBadKvHead, NULL, NULL, &ticket), KVNAND_E_INDEX);
  CHECK_STATUS(c, sim, kvnand_submit_attend(sim, kBadLayer, 0, NULL, NULL, &ticket), KVNAND_E_INDEX);
  /* A success clears the message. */
  kvnand_shape shape;
  CHECK_STATUS(c, sim, kvnand_get_shape(sim, &shape), KVNAND_OK);
  CHECK(c, strcmp(kvnand_last_error(sim), "") == 0);
}

static void tickets_and_time(testbench *tb, kvnand_sim *sim) {
  tb_checks *c = &tb->checks;
  uint16_t k[kHeadDim] = {0}, v[kHeadDim] = {0};
  CHECK_STATUS(c, sim, kvnand_poll(sim, kUnknownTicket, NULL), KVNAND_E_TICKET);
  CHECK_STATUS(c, sim, kvnand_wait(sim, kUnknownTicket, NULL), KVNAND_E_TICKET);
  kvnand_ticket ticket;
  if (CHECK_STATUS(c, sim, kvnand_submit_append(sim, 0, 0, k, v, &ticket), KVNAND_OK)) {
    CHECK_STATUS(c, sim, kvnand_wait(sim, ticket, NULL), KVNAND_OK);
    CHECK_STATUS(c, sim, kvnand_poll(sim, ticket, NULL), KVNAND_E_TICKET);
    CHECK_STATUS(c, sim, kvnand_wait(sim, ticket, NULL), KVNAND_E_TICKET);
  }
  /* An append alone takes no simulated time (the SoC buffer); an attend does. */
  CHECK_STATUS(c, sim, kvnand_attend(sim, 0, 0, NULL, NULL, NULL), KVNAND_OK);
  const uint64_t now = tb_now(tb, sim);
  CHECK(c, now > 0);
  CHECK_STATUS(c, sim, kvnand_run_until(sim, now - 1), KVNAND_E_TIME);
  CHECK_STATUS(c, sim, kvnand_run_until(sim, now), KVNAND_OK);
  CHECK_U64(c, tb_now(tb, sim), now);
}

/* Layer 1, KV head 0 gets a timing-only token: it has no data to attend over. */
static void timing_only_data(testbench *tb, kvnand_sim *sim) {
  tb_checks *c = &tb->checks;
  uint16_t q[kGroupSize * kHeadDim] = {0};
  float out[kGroupSize * kHeadDim];
  kvnand_ticket ticket;
  CHECK_STATUS(c, sim, kvnand_append(sim, 1, 0, NULL, NULL, NULL), KVNAND_OK);
  CHECK_STATUS(c, sim, kvnand_attend(sim, 1, 0, q, out, NULL), KVNAND_E_NO_DATA);
  CHECK_STATUS(c, sim, kvnand_attend_group(sim, 1, 0, q, out, NULL), KVNAND_E_NO_DATA);
  /* Submitted, the error is found when the attend runs: it is the ticket's status. */
  if (CHECK_STATUS(c, sim, kvnand_submit_attend(sim, 1, 1, q, out, &ticket), KVNAND_OK)) {
    CHECK_STATUS(c, sim, kvnand_wait(sim, ticket, NULL), KVNAND_E_NO_DATA);
    CHECK_MESSAGE(c, kvnand_last_error(sim), "layer 1 KV head 0");
  }
  CHECK_STATUS(c, sim, kvnand_attend(sim, 1, 0, NULL, NULL, NULL), KVNAND_OK);
}

static void second_simulator(testbench *tb, kvnand_sim *first) {
  tb_checks *c = &tb->checks;
  kvnand_sim *second = NULL;
  const kvnand_status status = kvnand_create_from_file(tb->config_path, NULL, 0, &second);
  CHECK_STATUS(c, second, status, KVNAND_E_SECOND_SIMULATOR);
  if (CHECK(c, second != NULL)) CHECK_MESSAGE(c, kvnand_last_error(second), "already created", "per process");
  kvnand_destroy(second);
  /* The refused handle owned nothing of the first. */
  kvnand_shape shape;
  CHECK_STATUS(c, first, kvnand_get_shape(first, &shape), KVNAND_OK);
  CHECK_STATUS(c, first, kvnand_attend(first, 0, 0, NULL, NULL, NULL), KVNAND_OK);
}

void scenario_misuse(testbench *tb) {
  status_names(tb);
  refused_create(tb, "flash.geometry.pages_per_blok=16", KVNAND_E_CONFIG, "flash.geometry.pages_per_blok");
  /* 100000 tokens per KV head need 782 K and 782 V pages on a plane of 64 blocks x 16 pages. */
  refused_create(tb, "session.context_tokens=100000", KVNAND_E_OUT_OF_MEMORY, "out of memory");
  kvnand_sim *sim = tb_create(tb, NULL, 0);
  if (!sim) return;
  null_pointers(tb, sim);
  indices(tb, sim);
  tickets_and_time(tb, sim);
  timing_only_data(tb, sim);
  second_simulator(tb, sim);
  kvnand_destroy(sim);
  kvnand_sim *after_destroy = NULL;
  const kvnand_status status = kvnand_create_from_json("{}", NULL, 0, &after_destroy);
  CHECK_STATUS(&tb->checks, after_destroy, status, KVNAND_E_SECOND_SIMULATOR);
  kvnand_destroy(after_destroy);
}
