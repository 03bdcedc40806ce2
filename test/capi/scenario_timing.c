/* scenario_timing.c - timing properties through the C-ABI on tiny-capi: when appends program
 * pages, how an attend's latency grows per page, what a background program costs an attend,
 * when simulated time advances, and how a decode step orders the transactions around it. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "testbench.h"

/* tiny-capi's numbers, pinned by overrides so the expected times below follow from them. */
static const uint64_t kReadNs = 4000;           /* flash.timing.tR_ns */
static const uint64_t kChannelGBps = 4;         /* channels.rate_GBps */
static const uint64_t kVectorTOPS = 4;          /* npu.vector_TOPS */
static const uint64_t kSoftmaxOpsPerElement = 5; /* npu.ops_per_element.softmax */
/* Per token of a page: an FP32 score comes out of the die, a bf16 probability goes back in. */
static const uint64_t kScoreBytes = 4;
static const uint64_t kProbabilityBytes = 2;
/* tiny-gqa: 4096-byte page / (64 elements x 2 bytes). */
static const uint64_t kTokensPerPage = 32;
/* Each page programs one K and one V page; each attend page reads one of each. */
static const uint64_t kStreams = 2;
static const uint64_t kPages = 5;
/* Pure unit conversions. */
static const uint64_t kPsPerNs = 1000;
static const uint64_t kPsPerSecond = 1000000000000u;
static const uint64_t kTera = 1000000000000u;
static const uint64_t kGiga = 1000000000u;

/* The stream under test, and the query head reading it (its group's first). */
enum { kLayer = 1, kKvHead = 1 };

/*
 * One more full page of K and of V on the one KV plane adds to a single query head's attend:
 * two page reads (tR each; ECC and PE keep up within tR), a page's scores read out and its
 * probabilities sent in over the channel, and the softmax of a page's tokens on the NPU.
 * 2 x 4000 ns + 32 x 4 B x 0.25 ns + 32 x 2 B x 0.25 ns + 32 x 5 ops / 4 TOPS = 8048.04 ns.
 */
static uint64_t latency_per_page_ps(void) {
  const uint64_t ps_per_byte = kPsPerSecond / (kChannelGBps * kGiga);
  const uint64_t softmax_ops = kTokensPerPage * kSoftmaxOpsPerElement;
  return kStreams * kReadNs * kPsPerNs + kTokensPerPage * (kScoreBytes + kProbabilityBytes) * ps_per_byte +
         softmax_ops * kPsPerSecond / (kVectorTOPS * kTera);
}

typedef struct timing_run {
  testbench *tb;
  kvnand_sim *sim;
  uint32_t q_head;
} timing_run;

/* A timing-only attend of the head under test, blocking; its timing. */
static kvnand_timing attend(timing_run *run) {
  tb_checks *c = &run->tb->checks;
  kvnand_timing timing = {0, 0, 0, 0, 0};
  const uint64_t issue = tb_now(run->tb, run->sim);
  CHECK_STATUS(c, run->sim, kvnand_attend(run->sim, kLayer, run->q_head, NULL, NULL, &timing), KVNAND_OK);
  CHECK_U64(c, timing.issue_ps, issue);
  CHECK_U64(c, tb_now(run->tb, run->sim), timing.end_ps);
  CHECK(c, timing.end_ps > timing.start_ps);
  return timing;
}

static void appends_and_page_latency(timing_run *run) {
  tb_checks *c = &run->tb->checks;
  const uint64_t per_page = latency_per_page_ps();
  printf("expected attend latency per page: %" PRIu64 " ps\n", per_page);
  uint64_t previous = 0;
  for (uint64_t token = 1; token <= kPages * kTokensPerPage; ++token) {
    kvnand_timing timing;
    const uint64_t issue = tb_now(run->tb, run->sim);
    if (!CHECK_STATUS(c, run->sim, kvnand_append(run->sim, kLayer, kKvHead, NULL, NULL, &timing), KVNAND_OK))
      return;
    const bool fills_page = token % kTokensPerPage == 0;
    CHECK_U64(c, timing.pages_programmed, fills_page ? kStreams : 0);
    CHECK_U64(c, timing.issue_ps, issue);
    CHECK_U64(c, tb_now(run->tb, run->sim), timing.end_ps);
    if (!fills_page) continue;

    /* At once, while the two programs hold the plane; then alone on an idle simulator. */
    const kvnand_timing busy = attend(run);
    CHECK_STATUS(c, run->sim, kvnand_run_until_idle(run->sim), KVNAND_OK);
    const kvnand_timing idle = attend(run);
    const uint64_t pages = token / kTokensPerPage;
    const uint64_t latency = idle.end_ps - idle.issue_ps;
    CHECK_U64(c, idle.start_ps, idle.issue_ps);
    CHECK_U64(c, idle.page_reads, kStreams * pages);
    CHECK_U64(c, idle.pages_programmed, 0);
    if (!CHECK(c, busy.end_ps - busy.issue_ps > latency))
      fprintf(stderr, "  %" PRIu64 " pages: attend after the program %" PRIu64 " ps, alone %" PRIu64 " ps\n", pages,
              busy.end_ps - busy.issue_ps, latency);
    if (previous) CHECK_U64(c, latency - previous, per_page);
    printf("%" PRIu64 " pages: attend %" PRIu64 " ps alone, %" PRIu64 " ps right after the page program\n", pages,
           latency, busy.end_ps - busy.issue_ps);
    previous = latency;
  }
}

/* Submit and poll leave the time alone; wait and run_until move it. */
static void time_advances(timing_run *run) {
  tb_checks *c = &run->tb->checks;
  kvnand_sim *sim = run->sim;
  const uint64_t now = tb_now(run->tb, sim);
  kvnand_ticket ticket;
  if (!CHECK_STATUS(c, sim, kvnand_submit_attend(sim, kLayer, run->q_head, NULL, NULL, &ticket), KVNAND_OK)) return;
  CHECK_U64(c, tb_now(run->tb, sim), now);
  CHECK_STATUS(c, sim, kvnand_poll(sim, ticket, NULL), KVNAND_PENDING);
  CHECK_U64(c, tb_now(run->tb, sim), now);
  kvnand_timing timing;
  CHECK_STATUS(c, sim, kvnand_wait(sim, ticket, &timing), KVNAND_OK);
  CHECK_U64(c, timing.issue_ps, now);
  CHECK_U64(c, tb_now(run->tb, sim), timing.end_ps);
  CHECK_STATUS(c, sim, kvnand_wait(sim, ticket, NULL), KVNAND_E_TICKET);

  const uint64_t later = timing.end_ps + kReadNs * kPsPerNs;
  CHECK_STATUS(c, sim, kvnand_run_until(sim, later), KVNAND_OK);
  CHECK_U64(c, tb_now(run->tb, sim), later);
  CHECK_STATUS(c, sim, kvnand_run_until_idle(sim), KVNAND_OK);
  CHECK_U64(c, tb_now(run->tb, sim), later);
}

/* A decode step waits for what was submitted before it and holds back what comes after. */
static void decode_step_order(timing_run *run) {
  tb_checks *c = &run->tb->checks;
  kvnand_sim *sim = run->sim;
  enum { kBefore, kStep, kAfter, kTickets };
  kvnand_ticket tickets[kTickets];
  bool ok = CHECK_STATUS(c, sim, kvnand_submit_attend(sim, kLayer, run->q_head, NULL, NULL, &tickets[kBefore]),
                         KVNAND_OK);
  ok &= CHECK_STATUS(c, sim, kvnand_submit_decode_step(sim, &tickets[kStep]), KVNAND_OK);
  ok &= CHECK_STATUS(c, sim, kvnand_submit_attend(sim, 0, 0, NULL, NULL, &tickets[kAfter]), KVNAND_OK);
  if (!ok) return;
  kvnand_timing timing[kTickets];
  for (int t = 0; t < kTickets; ++t) CHECK_STATUS(c, sim, kvnand_wait(sim, tickets[t], &timing[t]), KVNAND_OK);
  CHECK(c, timing[kStep].start_ps >= timing[kBefore].end_ps);
  CHECK(c, timing[kStep].end_ps > timing[kStep].start_ps);
  CHECK(c, timing[kAfter].start_ps >= timing[kStep].end_ps);
}

void scenario_timing(testbench *tb) {
  char pins[4][64];
  snprintf(pins[0], sizeof pins[0], "flash.timing.tR_ns=%" PRIu64, kReadNs);
  snprintf(pins[1], sizeof pins[1], "channels.rate_GBps=%" PRIu64, kChannelGBps);
  snprintf(pins[2], sizeof pins[2], "npu.vector_TOPS=%" PRIu64, kVectorTOPS);
  snprintf(pins[3], sizeof pins[3], "npu.ops_per_element.softmax=%" PRIu64, kSoftmaxOpsPerElement);
  const char *overrides[] = {pins[0], pins[1], pins[2], pins[3], "session.element=bf16"};
  timing_run run = {.tb = tb, .sim = tb_create(tb, overrides, sizeof overrides / sizeof *overrides)};
  if (!run.sim) return;
  tb_checks *c = &tb->checks;
  kvnand_shape shape;
  if (tb_shape(tb, run.sim, &shape) == 0) {
    CHECK_U64(c, shape.tokens_per_page, kTokensPerPage);
    CHECK_U64(c, tb_now(tb, run.sim), 0);
    run.q_head = kKvHead * shape.group_size;
    appends_and_page_latency(&run);
    time_advances(&run);
    decode_step_order(&run);
    const char *json = NULL;
    CHECK_STATUS(c, run.sim, kvnand_stats_json(run.sim, &json), KVNAND_OK);
    CHECK_MESSAGE(c, json, "\"appends\"");
  }
  kvnand_destroy(run.sim);
}
