/* kvnand-replay: replays a token-level trace (docs/traces.md) through the kvnand C-ABI, keeping
 * transactions in flight as the trace's times say, and writes one CSV row per transaction plus
 * the simulator's report. The trace is parsed whole before a simulator exists, and outputs go
 * through temporary files renamed at the end, so a failure or Ctrl-C leaves nothing behind. */
#define _POSIX_C_SOURCE 200809L /* sigaction, open_memstream, strdup */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvnand.h"
#include "token_trace.h"
#include "trace_values.h"

enum {
  kExitOk = 0,
  kExitFailed = 1,
  kExitBadInput = 2,
  kExitNoSpace = 3, /* the model or the KV cache does not fit the platform */
  kExitInterrupted = 130,
  kMessageBytes = 1024,
  kOpCount = 4,
  kPsPerNs = 1000,
  kDirMode = 0777,  /* less umask, as mkdir -p */
  kFileMode = 0666, /* less umask */
};

static const char kProgram[] = "kvnand-replay";
static const char kUsageHint[] = "Run with --help for usage.";
static const char kCsvHeader[] =
    "line,op,layer,head,issue_ns,start_ns,end_ns,latency_ns,page_reads,pages_programmed,output_l2\n";

/* The only state a signal handler may touch; read between transactions. */
static volatile sig_atomic_t g_interrupted = 0;

static void on_interrupt(int signal_number) {
  (void)signal_number;
  g_interrupted = 1;
}

typedef struct {
  const char *config;
  const char *trace;
  const char *out;
  const char **overrides;
  size_t override_count;
  int quiet;
} options;

/* One trace line in flight or done. */
typedef struct {
  kvnand_ticket ticket;
  kvnand_timing timing;
  int collected;
  float *output; /* attend output of a seeded attend, else NULL */
  size_t output_length;
} slot;

typedef struct {
  kvnand_sim *sim;
  const kvnand_trace *trace;
  const char *trace_name;
  kvnand_shape shape;
  slot *slots;
  uint16_t *inputs; /* seeded K and V, or Q; reused, since submit copies them */
} replay;

static void print_usage(FILE *to) {
  fprintf(to,
          "%s %s: replays a token-level trace through the kvnand C-ABI\n\n"
          "Usage: %s --config FILE [--set key.path=value]... --trace FILE --out DIR [--quiet]\n\n"
          "  --config FILE         platform config with a \"session\" section, e.g. platforms/tiny-capi.json\n"
          "  --set key.path=value  override a config key (repeatable), e.g. --set session.context_tokens=64\n"
          "  --trace FILE          token trace, format %d (docs/traces.md)\n"
          "  --out DIR             output folder: transactions.csv and report.json\n"
          "  --quiet               print nothing on success\n"
          "  --help                print this help and exit\n"
          "  --version             print the version and exit\n",
          kProgram, kvnand_version(), kProgram, KVNAND_TRACE_FORMAT_VERSION);
}

static int bad_usage(const char *what, const char *arg) {
  fprintf(stderr, "%s: %s '%s'\n%s\n", kProgram, what, arg, kUsageHint);
  return -1;
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]: 1 and *value set, 0 if another option, -1 if
 * the value is missing. */
static int option_value(int argc, char **argv, int *i, const char *name, const char **value) {
  const size_t n = strlen(name);
  if (strncmp(argv[*i], name, n) != 0 || (argv[*i][n] != '=' && argv[*i][n] != '\0')) return 0;
  if (argv[*i][n] == '=') *value = argv[*i] + n + 1;
  else if (*i + 1 < argc) *value = argv[++*i];
  else return bad_usage("missing value for", name);
  return 1;
}

/* 0: run; 1: done (help or version printed); -1: bad usage (message printed). */
static int parse_args(int argc, char **argv, options *o) {
  const char **single[] = {&o->config, &o->trace, &o->out};
  const char *const single_names[] = {"--config", "--trace", "--out"};
  const size_t singles = sizeof single / sizeof single[0];
  for (int i = 1; i < argc; ++i) {
    const char *value = NULL;
    int matched = 0;
    if (strcmp(argv[i], "--help") == 0) {
      print_usage(stdout);
      return 1;
    }
    if (strcmp(argv[i], "--version") == 0) {
      printf("%s %s (trace format %d)\n", kProgram, kvnand_version(), KVNAND_TRACE_FORMAT_VERSION);
      return 1;
    }
    if (strcmp(argv[i], "--quiet") == 0) {
      o->quiet = 1;
      continue;
    }
    if ((matched = option_value(argc, argv, &i, "--set", &value)) > 0) o->overrides[o->override_count++] = value;
    for (size_t j = 0; j < singles && matched == 0; ++j) {
      if ((matched = option_value(argc, argv, &i, single_names[j], &value)) <= 0) continue;
      if (*single[j] != NULL) return bad_usage("repeated option", single_names[j]);
      *single[j] = value;
    }
    if (matched < 0) return -1;
    if (matched == 0) return bad_usage(argv[i][0] == '-' ? "unknown option" : "unexpected argument", argv[i]);
  }
  for (size_t j = 0; j < singles; ++j)
    if (*single[j] == NULL) return bad_usage("missing required option", single_names[j]);
  return 0;
}

static int exit_status_of(kvnand_status status) {
  switch (status) {
    case KVNAND_OK:
      return kExitOk;
    case KVNAND_E_CONFIG:
    case KVNAND_E_INDEX:
    case KVNAND_E_NO_DATA:
    case KVNAND_E_ARGUMENT:
      return kExitBadInput;
    case KVNAND_E_CAPACITY:
    case KVNAND_E_OUT_OF_MEMORY:
      return kExitNoSpace;
    default:
      return kExitFailed;
  }
}

/* "<trace>:<line>: <the simulator's message>" and the exit status the status calls for. */
static int fail_line(const replay *r, size_t index, kvnand_status status) {
  fprintf(stderr, "%s:%" PRIu32 ": %s\n", r->trace_name, r->trace->entries[index].line, kvnand_last_error(r->sim));
  return exit_status_of(status);
}

static int fail_simulator(const replay *r, kvnand_status status) {
  fprintf(stderr, "%s: %s\n", kProgram, kvnand_last_error(r->sim));
  return exit_status_of(status);
}

/* Advances to line `index`'s issue time: "@T", or "+D" after the previous line completes (the
 * first line: after time 0). */
static int reach_issue_time(replay *r, size_t index) {
  const kvnand_trace_entry *e = &r->trace->entries[index];
  uint64_t issue_ps = e->time_ps;
  if (e->when == KVNAND_TRACE_AFTER_PREVIOUS && index > 0) {
    slot *previous = &r->slots[index - 1];
    const kvnand_status status = kvnand_wait(r->sim, previous->ticket, &previous->timing);
    previous->collected = 1;
    if (status != KVNAND_OK) return fail_line(r, index - 1, status);
    if (e->time_ps > UINT64_MAX - previous->timing.end_ps) {
      fprintf(stderr, "%s:%" PRIu32 ": issue time past %" PRIu64 " ps\n", r->trace_name, e->line, UINT64_MAX);
      return kExitBadInput;
    }
    issue_ps += previous->timing.end_ps;
  }
  uint64_t now_ps = 0;
  kvnand_status status = kvnand_now(r->sim, &now_ps);
  if (status != KVNAND_OK) return fail_simulator(r, status);
  if (issue_ps < now_ps) {
    /* An earlier "+" line waited for a transaction that ended after this line's "@" time. */
    fprintf(stderr, "%s:%" PRIu32 ": issue time %" PRIu64 " ps is before the current simulated time %" PRIu64
                    " ps (an earlier line waited past it)\n",
            r->trace_name, e->line, issue_ps, now_ps);
    return kExitBadInput;
  }
  status = issue_ps > now_ps ? kvnand_run_until(r->sim, issue_ps) : KVNAND_OK;
  return status == KVNAND_OK ? kExitOk : fail_simulator(r, status);
}

static int submit(replay *r, size_t index) {
  const kvnand_trace_entry *e = &r->trace->entries[index];
  slot *s = &r->slots[index];
  const size_t head_dim = r->shape.head_dim;
  const uint16_t *q = NULL, *k = NULL, *v = NULL;
  if (e->has_seed && e->op == KVNAND_TRACE_APPEND) {
    k = r->inputs;
    v = r->inputs + head_dim;
    kvnand_trace_values(e->seed, KVNAND_TRACE_STREAM_K, r->shape.element, r->inputs, head_dim);
    kvnand_trace_values(e->seed, KVNAND_TRACE_STREAM_V, r->shape.element, r->inputs + head_dim, head_dim);
  } else if (e->has_seed) {
    const size_t n = e->op == KVNAND_TRACE_ATTEND_GROUP ? r->shape.group_size * head_dim : head_dim;
    kvnand_trace_values(e->seed, KVNAND_TRACE_STREAM_Q, r->shape.element, r->inputs, n);
    q = r->inputs;
    s->output = calloc(n, sizeof *s->output);
    s->output_length = n;
    if (s->output == NULL) {
      fprintf(stderr, "%s:%" PRIu32 ": out of memory for the attend output\n", r->trace_name, e->line);
      return kExitFailed;
    }
  }
  kvnand_status status = KVNAND_OK;
  switch (e->op) {
    case KVNAND_TRACE_APPEND:
      status = kvnand_submit_append(r->sim, e->layer, e->head, k, v, &s->ticket);
      break;
    case KVNAND_TRACE_ATTEND:
      status = kvnand_submit_attend(r->sim, e->layer, e->head, q, s->output, &s->ticket);
      break;
    case KVNAND_TRACE_ATTEND_GROUP:
      status = kvnand_submit_attend_group(r->sim, e->layer, e->head, q, s->output, &s->ticket);
      break;
    case KVNAND_TRACE_DECODE:
      status = kvnand_submit_decode_step(r->sim, &s->ticket);
      break;
  }
  return status == KVNAND_OK ? kExitOk : fail_line(r, index, status);
}

/* Issues every line at its time, then lets the simulator go idle and collects what is left. */
static int run_trace(replay *r) {
  for (size_t i = 0; i < r->trace->count; ++i) {
    if (g_interrupted) return kExitInterrupted;
    int rc = reach_issue_time(r, i);
    if (rc == kExitOk) rc = submit(r, i);
    if (rc != kExitOk) return rc;
  }
  if (g_interrupted) return kExitInterrupted;
  const kvnand_status idle = kvnand_run_until_idle(r->sim);
  if (idle != KVNAND_OK) return fail_simulator(r, idle);
  for (size_t i = 0; i < r->trace->count; ++i) {
    slot *s = &r->slots[i];
    if (s->collected) continue;
    const kvnand_status status = kvnand_poll(r->sim, s->ticket, &s->timing);
    s->collected = 1;
    if (status == KVNAND_PENDING) {
      fprintf(stderr, "%s:%" PRIu32 ": still in flight after kvnand_run_until_idle\n", r->trace_name,
              r->trace->entries[i].line);
      return kExitFailed;
    }
    if (status != KVNAND_OK) return fail_line(r, i, status);
  }
  return kExitOk;
}

/* A host failure (file system, memory): errno names it. */
static int fail_system(const char *what) {
  fprintf(stderr, "%s: cannot write %s: %s\n", kProgram, what, strerror(errno));
  return kExitFailed;
}

static void print_ns(FILE *to, uint64_t ps) {
  fprintf(to, "%" PRIu64 ".%03" PRIu64, ps / kPsPerNs, ps % kPsPerNs);
}

static double l2_norm(const float *x, size_t n) {
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) sum += (double)x[i] * (double)x[i];
  return sqrt(sum);
}

static void write_csv(FILE *to, const replay *r) {
  fputs(kCsvHeader, to);
  for (size_t i = 0; i < r->trace->count; ++i) {
    const kvnand_trace_entry *e = &r->trace->entries[i];
    const kvnand_timing *t = &r->slots[i].timing;
    fprintf(to, "%" PRIu32 ",%s,", e->line, kvnand_trace_op_name(e->op));
    if (e->op != KVNAND_TRACE_DECODE) fprintf(to, "%" PRIu32 ",%" PRIu32, e->layer, e->head);
    else fputs(",", to);
    const uint64_t times[] = {t->issue_ps, t->start_ps, t->end_ps, t->end_ps - t->issue_ps};
    for (size_t j = 0; j < sizeof times / sizeof times[0]; ++j) {
      fputc(',', to);
      print_ns(to, times[j]);
    }
    fprintf(to, ",%" PRIu64 ",%" PRIu64 ",", t->page_reads, t->pages_programmed);
    if (r->slots[i].output != NULL) fprintf(to, "%.9g", l2_norm(r->slots[i].output, r->slots[i].output_length));
    fputc('\n', to);
  }
}

/* ---- outputs: temporary files renamed into place --------------------------------------------- */

/* Creates dir and its missing parents; *created is the length of the shortest prefix this call
 * created (0: none), so a failure can remove exactly what this run made. */
static int make_directories(const char *dir, size_t *created) {
  char *path = strdup(dir);
  int rc = path == NULL ? -1 : 0;
  for (char *p = path + 1; rc == 0; ++p) {
    if (*p != '/' && *p != '\0') continue;
    const char saved = *p;
    *p = '\0';
    if (mkdir(path, kDirMode) == 0) {
      if (*created == 0) *created = strlen(path);
    } else if (errno != EEXIST) {
      rc = -1;
    }
    if ((*p = saved) == '\0') break;
  }
  free(path);
  return rc;
}

static void remove_created_directories(const char *dir, size_t created) {
  char *path = created == 0 ? NULL : strdup(dir);
  for (size_t n = path == NULL ? 0 : strlen(path); n >= created && path != NULL; --n) {
    if (path[n] != '/' && path[n] != '\0') continue;
    path[n] = '\0';
    rmdir(path);
  }
  free(path);
}

/* Writes text to a new temporary file "<dir>/.<name>.<pid>.tmp" (created with the usual 0666
 * less umask, as the final file should be); NULL (errno set) on failure. */
static char *write_temp(const char *dir, const char *name, const char *text) {
  char suffix[kMessageBytes];
  snprintf(suffix, sizeof suffix, ".%ld.tmp", (long)getpid());
  const size_t n = strlen(dir) + strlen(name) + strlen(suffix) + sizeof "/.";
  char *temp = malloc(n);
  if (temp == NULL) return NULL;
  snprintf(temp, n, "%s/.%s%s", dir, name, suffix);
  const int fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, kFileMode);
  FILE *to = fd < 0 ? NULL : fdopen(fd, "w");
  const int write_failed = to == NULL || fputs(text, to) == EOF;
  const int close_failed = to != NULL ? fclose(to) != 0 : fd >= 0 && close(fd) != 0;
  if (!write_failed && !close_failed) return temp;
  const int error = errno; /* unlink and free may change it */
  if (fd >= 0) unlink(temp);
  free(temp);
  errno = error;
  return NULL;
}

/* transactions.csv and report.json appear together or not at all. */
static int write_outputs(const options *o, const replay *r) {
  const char *report = NULL;
  const kvnand_status status = kvnand_stats_json(r->sim, &report);
  if (status != KVNAND_OK) return fail_simulator(r, status);
  char *csv = NULL;
  size_t csv_length = 0;
  FILE *csv_stream = open_memstream(&csv, &csv_length);
  if (csv_stream == NULL) return fail_system("transactions.csv");
  write_csv(csv_stream, r);
  const int csv_failed = fclose(csv_stream) != 0;

  const char *names[] = {"transactions.csv", "report.json"};
  const char *texts[] = {csv, report};
  enum { kFiles = 2 };
  char *temps[kFiles] = {NULL, NULL};
  char *finals[kFiles] = {NULL, NULL};
  size_t created = 0;
  const char *failed_on = csv_failed ? names[0] : NULL;
  if (failed_on == NULL && make_directories(o->out, &created) != 0) failed_on = o->out;
  for (size_t i = 0; i < kFiles && failed_on == NULL; ++i) {
    finals[i] = malloc(strlen(o->out) + strlen(names[i]) + sizeof "/");
    if (finals[i] != NULL) sprintf(finals[i], "%s/%s", o->out, names[i]);
    if (finals[i] == NULL || (temps[i] = write_temp(o->out, names[i], texts[i])) == NULL)
      failed_on = finals[i] != NULL ? finals[i] : names[i];
  }
  const int interrupted = failed_on == NULL && g_interrupted;
  size_t renamed = 0;
  while (renamed < kFiles && failed_on == NULL && !interrupted) {
    if (rename(temps[renamed], finals[renamed]) != 0) failed_on = finals[renamed];
    else ++renamed;
  }
  int rc = interrupted ? kExitInterrupted : kExitOk;
  if (failed_on != NULL) rc = fail_system(failed_on);
  for (size_t i = 0; i < kFiles; ++i) {
    if (rc != kExitOk && i < renamed) unlink(finals[i]);
    else if (rc != kExitOk && temps[i] != NULL) unlink(temps[i]);
    free(temps[i]);
    free(finals[i]);
  }
  if (rc != kExitOk) remove_created_directories(o->out, created);
  free(csv);
  return rc;
}

static void print_summary(const options *o, const replay *r) {
  uint64_t now_ps = 0;
  uint64_t last_end_ps = 0;
  size_t count[kOpCount] = {0};
  uint64_t latency_ps[kOpCount] = {0};
  kvnand_now(r->sim, &now_ps);
  for (size_t i = 0; i < r->trace->count; ++i) {
    const kvnand_timing *t = &r->slots[i].timing;
    const int op = (int)r->trace->entries[i].op;
    ++count[op];
    latency_ps[op] += t->end_ps - t->issue_ps;
    if (t->end_ps > last_end_ps) last_end_ps = t->end_ps;
  }
  printf("%s %s: %zu transactions from %s on %s\n", kProgram, kvnand_version(), r->trace->count, o->trace,
         o->config);
  printf("  last done       ");
  print_ns(stdout, last_end_ps);
  printf(" ns\n  idle at         ");
  print_ns(stdout, now_ps);
  printf(" ns (background page programs included)\n");
  for (int op = 0; op < kOpCount; ++op) {
    if (count[op] == 0) continue;
    printf("  %-15s %zu, mean latency %.3f ns\n", kvnand_trace_op_name((kvnand_trace_op)op), count[op],
           (double)latency_ps[op] / (double)count[op] / kPsPerNs);
  }
  printf("  transactions    %s/transactions.csv\n  report          %s/report.json\n", o->out, o->out);
}

static int replay_with(const options *o, const kvnand_trace *trace) {
  replay r;
  memset(&r, 0, sizeof r);
  r.trace = trace;
  r.trace_name = o->trace;
  kvnand_status status = kvnand_create_from_file(o->config, o->overrides, o->override_count, &r.sim);
  if (status != KVNAND_OK) {
    fprintf(stderr, "%s: %s\n", kProgram, r.sim != NULL ? kvnand_last_error(r.sim) : "out of host memory");
    kvnand_destroy(r.sim);
    return exit_status_of(status);
  }
  int rc = kExitOk;
  status = kvnand_get_shape(r.sim, &r.shape);
  if (status != KVNAND_OK) rc = fail_simulator(&r, status);
  if (rc == kExitOk) {
    /* K and V of an append, or the Q of a head group; one spare element each, since calloc(0) may
     * return NULL, which would read as a failure. */
    const size_t inputs = (size_t)(r.shape.group_size > 2 ? r.shape.group_size : 2) * r.shape.head_dim;
    r.slots = calloc(trace->count + 1, sizeof *r.slots);
    r.inputs = calloc(inputs + 1, sizeof *r.inputs);
    if (r.slots == NULL || r.inputs == NULL) {
      fprintf(stderr, "%s: out of memory for %zu transactions\n", kProgram, trace->count);
      rc = kExitFailed;
    }
  }
  if (rc == kExitOk) rc = run_trace(&r);
  if (rc == kExitOk) rc = write_outputs(o, &r);
  if (rc == kExitOk && !o->quiet) print_summary(o, &r);
  if (rc == kExitInterrupted) fprintf(stderr, "%s: interrupted; nothing written\n", kProgram);
  for (size_t i = 0; r.slots != NULL && i < trace->count; ++i) free(r.slots[i].output);
  free(r.slots);
  free(r.inputs);
  kvnand_destroy(r.sim);
  return rc;
}

int main(int argc, char **argv) {
  options o;
  memset(&o, 0, sizeof o);
  o.overrides = calloc((size_t)argc, sizeof *o.overrides);
  if (o.overrides == NULL) return kExitFailed;
  const int parsed = parse_args(argc, argv, &o);
  if (parsed != 0) {
    free(o.overrides);
    return parsed > 0 ? kExitOk : kExitBadInput;
  }
  kvnand_trace trace;
  char error[kMessageBytes];
  if (kvnand_trace_parse_file(o.trace, &trace, error, sizeof error) != 0) {
    fprintf(stderr, "%s: %s\n", kProgram, error);
    free(o.overrides);
    return kExitBadInput;
  }
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, NULL);
  const int rc = replay_with(&o, &trace);
  kvnand_trace_free(&trace);
  free(o.overrides);
  return rc;
}
