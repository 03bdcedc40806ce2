/* check.h - the assertions of the C testbench: a failed check prints where and why, is counted,
 * and the scenario goes on, so one run shows every mismatch. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kvnand.h"

typedef struct tb_checks {
  unsigned passed;
  unsigned failed;
} tb_checks;

bool tb_check(tb_checks *checks, bool ok, const char *file, int line, const char *what);
bool tb_check_u64(tb_checks *checks, uint64_t actual, uint64_t expected, const char *file, int line,
                  const char *what);
/* sim may be NULL; otherwise its last error is printed with a mismatch. */
bool tb_check_status(tb_checks *checks, const kvnand_sim *sim, kvnand_status actual, kvnand_status expected,
                     const char *file, int line, const char *what);
/* The message contains every one of the NULL-terminated needles. */
bool tb_check_message(tb_checks *checks, const char *message, const char *const *needles, const char *file,
                      int line, const char *what);

#define CHECK(checks, cond) tb_check((checks), (cond), __FILE__, __LINE__, #cond)
#define CHECK_U64(checks, actual, expected) \
  tb_check_u64((checks), (actual), (expected), __FILE__, __LINE__, #actual " == " #expected)
/* The call is evaluated before sim is read, so a call may not change sim (create: use a variable). */
#define CHECK_STATUS(checks, sim, call, expected) \
  tb_check_status((checks), (sim), (call), (expected), __FILE__, __LINE__, #call)
#define CHECK_MESSAGE(checks, message, ...)                                                   \
  tb_check_message((checks), (message), (const char *const[]){__VA_ARGS__, NULL}, __FILE__, \
                   __LINE__, #message)
