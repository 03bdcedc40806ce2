/* One kvnand-sim run (sim_run.h). */
#include "sim_run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out_file.h"

/* kvnand-sim's exit statuses (docs/user-guide.md). */
enum { kSimOk = 0, kSimOutOfMemory = 3 };
enum { kNumberBytes = 40 };

const char *ev_status_name(ev_status status) {
  switch (status) {
    case EV_OK:
      return "ok";
    case EV_OOM:
      return "oom";
    case EV_FAILED:
      return "failed";
    case EV_NOT_RUN:
      break;
  }
  return "not run";
}

void ev_run_init(ev_run *r, const char *sim, const ev_sim_args *a, const char *out_dir, const char *relative,
                 const char *label) {
  memset(r, 0, sizeof *r);
  r->relative = ev_strdup(relative);
  r->run_dir = ev_path_join(out_dir, relative);
  r->log_path = ev_path_join(r->run_dir, "log.txt");
  r->label = ev_strdup(label);
  r->status = EV_NOT_RUN;
  r->message = ev_strdup("");
  ev_strings *v = &r->argv;
  ev_strings_add(v, sim);
  const char *pairs[][2] = {{"--platform", a->platform},
                            {"--model", a->model},
                            {"--precision", a->precision},
                            {"--accounting", a->accounting}};
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; ++i) {
    ev_strings_add(v, pairs[i][0]);
    ev_strings_add(v, pairs[i][1]);
  }
  ev_strings_add(v, "--context");
  ev_strings_add_owned(v, ev_printf("%llu", a->context));
  ev_strings_add(v, "--tokens");
  ev_strings_add_owned(v, ev_printf("%lld", a->tokens));
  for (size_t i = 0; a->sets != NULL && i < a->sets->count; ++i) {
    ev_strings_add(v, "--set");
    ev_strings_add(v, a->sets->items[i]);
  }
  ev_strings_add(v, "--out");
  ev_strings_add(v, r->run_dir);
  ev_strings_add(v, "--quiet");
  r->argv_null = ev_alloc_array(v->count + 1, sizeof *r->argv_null);
  memcpy(r->argv_null, v->items, v->count * sizeof *v->items);
}

int ev_run_prepare(const ev_run *r, ev_error *e) {
  if (ev_mkdirs(r->run_dir, e) != 0) return -1;
  char *report = ev_path_join(r->run_dir, "report.json");
  const int stale = unlink(report) != 0 && errno != ENOENT;
  const int rc = stale ? ev_fail(e, "cannot remove %s (%s)", report, strerror(errno)) : 0;
  free(report);
  return rc;
}

/* The last line of the log that starts with "<sim>: " (kvnand-sim's error lines), else its last
 * non-empty line; "" when the log is empty. */
static char *last_error_line(const char *log_path, const char *sim) {
  char *log = ev_read_text(log_path);
  if (log == NULL) return ev_strdup("");
  char *prefix = ev_printf("%s: ", ev_basename(sim));
  const char *tagged = NULL, *last = NULL;
  size_t tagged_n = 0, last_n = 0;
  for (const char *line = log; *line != '\0';) {
    const char *end = strchr(line, '\n');
    const size_t n = end != NULL ? (size_t)(end - line) : strlen(line);
    if (n > 0) {
      last = line;
      last_n = n;
    }
    if (strncmp(line, prefix, strlen(prefix)) == 0) {
      tagged = line;
      tagged_n = n;
    }
    line += n + (end != NULL ? 1 : 0);
  }
  char *found = tagged != NULL ? ev_printf("%.*s", (int)tagged_n, tagged)
                               : ev_printf("%.*s", (int)last_n, last != NULL ? last : "");
  free(prefix);
  free(log);
  return found;
}

static void set_message(ev_run *r, char *message) {
  free(r->message);
  r->message = message;
}

void ev_run_finish(ev_run *r, const ev_job_result *job, const char *sim) {
  r->wall_s = job->wall_s;
  const int exited = job->end == EV_JOB_EXITED;
  const int expected = exited && (job->code == kSimOk || job->code == kSimOutOfMemory);
  if (job->end == EV_JOB_NOT_RUN || (job->after_interrupt && !expected)) {
    r->status = EV_NOT_RUN;
    set_message(r, ev_strdup("interrupted before it finished"));
    return;
  }
  if (job->end == EV_JOB_SPAWN_FAILED) {
    r->status = EV_FAILED;
    set_message(r, ev_printf("cannot run %s: %s", sim, strerror(job->code)));
    return;
  }
  if (job->end == EV_JOB_SIGNALED) {
    r->status = EV_FAILED;
    set_message(r, ev_printf("killed by signal %d (%s)", job->code, strsignal(job->code)));
    return;
  }
  if (!expected) {
    char *line = last_error_line(r->log_path, sim);
    r->status = EV_FAILED;
    set_message(r, ev_printf("exit status %d%s%s", job->code, line[0] != '\0' ? ": " : "", line));
    free(line);
    return;
  }
  char *report_path = ev_path_join(r->run_dir, "report.json");
  ev_error e;
  r->has_report = ev_report_load(report_path, &r->report, &e) == 0;
  free(report_path);
  if (!r->has_report) {
    r->status = EV_FAILED;
    set_message(r, ev_printf("exit status %d but no readable report.json: %s", job->code, e.text));
  } else if (job->code == kSimOutOfMemory && r->report.oom) {
    r->status = EV_OOM;
    set_message(r, ev_strdup(r->report.oom_reason));
  } else if (job->code == kSimOk && !r->report.oom && r->report.has_tokens_per_s && r->report.has_latency) {
    r->status = EV_OK;
  } else {
    r->status = EV_FAILED;
    set_message(r, ev_printf("exit status %d does not match report.json (oom.value %s%s)", job->code,
                             r->report.oom ? "true" : "false", r->report.has_tokens_per_s ? "" : ", no tokens_per_s"));
  }
}

void ev_run_free(ev_run *r) {
  free(r->run_dir);
  free(r->relative);
  free(r->log_path);
  free(r->label);
  ev_strings_free(&r->argv);
  free(r->argv_null);
  free(r->message);
  if (r->has_report) ev_report_free(&r->report);
  memset(r, 0, sizeof *r);
}

void ev_run_progress(FILE *to, const ev_run *r, size_t finished, size_t total) {
  const int width = snprintf(NULL, 0, "%zu", total);
  fprintf(to, "[%*zu/%zu] %s: %s", width, finished, total, r->label, ev_status_name(r->status));
  if (r->status == EV_OK) fprintf(to, " %.2f tok/s", r->report.tokens_per_s);
  if (r->status == EV_FAILED) fprintf(to, " (%s)", r->message);
  fprintf(to, " (%.1f s)\n", r->wall_s);
}
