/* check.c - the assertions of the C testbench. */
#include "check.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

bool tb_check(tb_checks *checks, bool ok, const char *file, int line, const char *what) {
  if (ok) {
    ++checks->passed;
  } else {
    ++checks->failed;
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
  }
  return ok;
}

bool tb_check_u64(tb_checks *checks, uint64_t actual, uint64_t expected, const char *file, int line,
                  const char *what) {
  const bool ok = tb_check(checks, actual == expected, file, line, what);
  if (!ok) fprintf(stderr, "  actual %" PRIu64 ", expected %" PRIu64 "\n", actual, expected);
  return ok;
}

bool tb_check_status(tb_checks *checks, const kvnand_sim *sim, kvnand_status actual, kvnand_status expected,
                     const char *file, int line, const char *what) {
  const bool ok = tb_check(checks, actual == expected, file, line, what);
  if (!ok) {
    fprintf(stderr, "  returned %s, expected %s\n", kvnand_status_name(actual), kvnand_status_name(expected));
    if (sim) fprintf(stderr, "  last error: %s\n", kvnand_last_error(sim));
  }
  return ok;
}

bool tb_check_message(tb_checks *checks, const char *message, const char *const *needles, const char *file,
                      int line, const char *what) {
  bool ok = message != NULL;
  for (const char *const *needle = needles; ok && *needle; ++needle) ok = strstr(message, *needle) != NULL;
  tb_check(checks, ok, file, line, what);
  if (!ok) {
    fprintf(stderr, "  message \"%s\" should contain", message ? message : "(null)");
    for (const char *const *needle = needles; *needle; ++needle) fprintf(stderr, " \"%s\"", *needle);
    fputc('\n', stderr);
  }
  return ok;
}
