/* kvnand-cosim-check: tells whether a candidate scheduler issue log (an RTL scheduler's) issues
 * the same commands as a reference (the TLM scheduler's), die by die, within a tolerance of issue
 * time; on a difference it shows the first one with both logs' rows and the command before it. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scheduler_log.h"

enum {
  kExitEquivalent = 0,
  kExitDifferent = 1,
  kExitBadInput = 2,
  kMessageBytes = 1024,
  kValueBytes = 32,
  kDecimalRadix = 10,
};

static const char kProgram[] = "kvnand-cosim-check";
static const char kUsageHint[] = "Run with --help for usage.";

typedef struct {
  const char* reference;
  const char* candidate;
  int has_tolerance;
  uint64_t tolerance_ps;
} options;

static void print_usage(FILE* to) {
  fprintf(to,
          "%s: compares two scheduler issue logs (kvnand scheduler log v1)\n\n"
          "Usage: %s REFERENCE.csv CANDIDATE.csv [--tolerance-ps N]\n\n"
          "  REFERENCE.csv      the log taken as right (e.g. kvnand-sim with the TLM scheduler)\n"
          "  CANDIDATE.csv      the log to check (e.g. kvnand-sim with the RTL scheduler)\n"
          "  --tolerance-ps N   largest issue time difference accepted, in ps (default: the\n"
          "                     candidate's clock_ps, else the reference's, else 0)\n"
          "  --help             print this help and exit\n\n"
          "Per (channel, die), the k-th commands must agree in op, planes, block, page, pages and\n"
          "requests (not tag) and issue within the tolerance.\n"
          "Exit status: 0 equivalent, 1 different, 2 bad input.\n",
          kProgram, kProgram);
}

static int bad_usage(const char* what, const char* arg) {
  fprintf(stderr, "%s: %s '%s'\n%s\n", kProgram, what, arg, kUsageHint);
  return -1;
}

static int parse_u64(const char* s, uint64_t* value) {
  uint64_t v = 0;
  if (*s == '\0') return 0;
  for (; *s != '\0'; ++s) {
    if (*s < '0' || *s > '9') return 0;
    const uint64_t digit = (uint64_t)(*s - '0');
    if (v > (UINT64_MAX - digit) / kDecimalRadix) return 0;
    v = v * kDecimalRadix + digit;
  }
  *value = v;
  return 1;
}

/* 0: run; 1: help printed; -1: bad usage (message printed). */
static int parse_args(int argc, char** argv, options* o) {
  static const char kTolerance[] = "--tolerance-ps";
  const size_t n = strlen(kTolerance);
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    if (strcmp(arg, "--help") == 0) {
      print_usage(stdout);
      return 1;
    }
    if (strncmp(arg, kTolerance, n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
      const char* value = arg[n] == '=' ? arg + n + 1 : (i + 1 < argc ? argv[++i] : NULL);
      if (value == NULL) return bad_usage("missing value for", kTolerance);
      if (o->has_tolerance) return bad_usage("repeated option", kTolerance);
      if (!parse_u64(value, &o->tolerance_ps)) return bad_usage("--tolerance-ps needs picoseconds, not", value);
      o->has_tolerance = 1;
    } else if (arg[0] == '-' && arg[1] != '\0') {
      return bad_usage("unknown option", arg);
    } else if (o->reference == NULL) {
      o->reference = arg;
    } else if (o->candidate == NULL) {
      o->candidate = arg;
    } else {
      return bad_usage("unexpected argument", arg);
    }
  }
  if (o->candidate == NULL) {
    fprintf(stderr, "%s: expected two logs, REFERENCE.csv and CANDIDATE.csv\n%s\n", kProgram, kUsageHint);
    return -1;
  }
  return 0;
}

/* A field of a command as its column shows it. */
static const char* field_text(const kv_sched_command* c, const char* field, char* buf) {
  if (strcmp(field, "op") == 0) return kv_sched_op_name(c->op);
  if (strcmp(field, "planes") == 0) snprintf(buf, kValueBytes, "0x%" PRIx64, c->planes);
  else if (strcmp(field, "block") == 0) snprintf(buf, kValueBytes, "%" PRIu32, c->block);
  else if (strcmp(field, "page") == 0) snprintf(buf, kValueBytes, "%" PRIu32, c->page);
  else if (strcmp(field, "pages") == 0) snprintf(buf, kValueBytes, "%" PRIu32, c->pages);
  else snprintf(buf, kValueBytes, "%" PRIu32, c->requests);
  return buf;
}

static void print_row(const char* indent, const char* which, const kv_sched_command* c) {
  printf("%s%s line %" PRIu32 ": %.*s\n", indent, which, c->line, (int)c->text_length, c->text);
}

static void print_first_difference(const kv_sched_difference* d, uint64_t tolerance_ps) {
  const size_t number = d->index + 1; /* people count commands from 1 */
  char ref_value[kValueBytes], cand_value[kValueBytes];
  switch (d->kind) {
    case KV_SCHED_DIFF_FIELD:
      printf("different: die c%" PRIu32 ".d%" PRIu32 ", command #%zu: field '%s' differs (reference %s, candidate %s)\n",
             d->channel, d->die, number, d->field, field_text(d->reference, d->field, ref_value),
             field_text(d->candidate, d->field, cand_value));
      break;
    case KV_SCHED_DIFF_TIME:
      printf("different: die c%" PRIu32 ".d%" PRIu32 ", command #%zu: issue time off by %+" PRId64
             " ps, more than the tolerance %" PRIu64 " ps\n",
             d->channel, d->die, number, d->time_delta_ps, tolerance_ps);
      break;
    case KV_SCHED_DIFF_MISSING:
      printf("different: die c%" PRIu32 ".d%" PRIu32 ": the candidate has no command #%zu\n", d->channel, d->die,
             number);
      break;
    default:
      printf("different: die c%" PRIu32 ".d%" PRIu32 ": the candidate has an extra command #%zu\n", d->channel,
             d->die, number);
      break;
  }
  if (d->reference != NULL) print_row("  ", "reference", d->reference);
  if (d->candidate != NULL) print_row("  ", "candidate", d->candidate);
  if (d->previous_reference == NULL) {
    printf("  it is the die's first command\n");
    return;
  }
  printf("  the command before it (#%zu) matched:\n", d->index);
  print_row("    ", "reference", d->previous_reference);
  print_row("    ", "candidate", d->previous_candidate);
}

static void print_timing(const kv_sched_comparison* c) {
  if (c->timed == 0) {
    printf("issue time (candidate - reference): no commands compared; tolerance %" PRIu64 " ps\n", c->tolerance_ps);
    return;
  }
  printf("issue time (candidate - reference): min %" PRId64 " ps, max %" PRId64 " ps, mean %.1f ps; tolerance %" PRIu64
         " ps\n",
         c->min_delta_ps, c->max_delta_ps, c->mean_delta_ps, c->tolerance_ps);
  printf("same time %zu, later %zu, earlier %zu\n", c->same_time, c->later, c->earlier);
}

static int check(const options* o) {
  char message[kMessageBytes];
  kv_sched_log reference, candidate;
  if (kv_sched_log_parse_file(o->reference, &reference, message, sizeof message) != 0) {
    fprintf(stderr, "%s: %s\n", kProgram, message);
    return kExitBadInput;
  }
  if (kv_sched_log_parse_file(o->candidate, &candidate, message, sizeof message) != 0) {
    fprintf(stderr, "%s: %s\n", kProgram, message);
    kv_sched_log_free(&reference);
    return kExitBadInput;
  }
  int rc = kExitBadInput;
  if (reference.clock_ps != 0 && candidate.clock_ps != 0 && reference.clock_ps != candidate.clock_ps) {
    fprintf(stderr,
            "%s: the logs come from different clocks: %s has clock_ps=%" PRIu64 ", %s has clock_ps=%" PRIu64 "\n",
            kProgram, o->reference, reference.clock_ps, o->candidate, candidate.clock_ps);
  } else {
    const uint64_t tolerance = o->has_tolerance           ? o->tolerance_ps
                               : candidate.clock_ps != 0 ? candidate.clock_ps
                                                         : reference.clock_ps;
    kv_sched_comparison c;
    const int compared = kv_sched_compare(&reference, &candidate, tolerance, &c);
    if (compared < 0) {
      fprintf(stderr, "%s: out of memory\n", kProgram);
    } else if (compared == 0) {
      const int same_platform = strcmp(reference.platform, candidate.platform) == 0;
      printf("equivalent: %zu commands on %zu dies (platform %s%s%s), same commands in the same per-die order\n",
             c.reference_commands, c.dies, reference.platform, same_platform ? "" : "; candidate: ",
             same_platform ? "" : candidate.platform);
      print_timing(&c);
      rc = kExitEquivalent;
    } else {
      print_first_difference(&c.first, c.tolerance_ps);
      printf("differences: %zu field, %zu issue time, %zu missing, %zu extra, on %zu of %zu dies; %zu of %zu reference"
             " commands match\n",
             c.field_differences, c.time_differences, c.missing, c.extra, c.differing_dies, c.dies, c.matching,
             c.reference_commands);
      print_timing(&c);
      rc = kExitDifferent;
    }
  }
  kv_sched_log_free(&reference);
  kv_sched_log_free(&candidate);
  return rc;
}

int main(int argc, char** argv) {
  options o = {NULL, NULL, 0, 0};
  const int parsed = parse_args(argc, argv, &o);
  if (parsed != 0) return parsed > 0 ? kExitEquivalent : kExitBadInput;
  return check(&o);
}
