/* Child processes of the evaluation tools: a pool that runs one program per job, `parallel` at
 * a time, with stdout and stderr to a log file, and stops cleanly on Ctrl-C. SIGINT, SIGTERM and
 * SIGCHLD stay blocked in the tool and are taken with sigtimedwait, so no signal handler and no
 * global state is involved and no wake-up can be lost. */
#pragma once

#include <signal.h>
#include <stddef.h>

#include "text.h"

typedef struct {
  sigset_t watched;  /* SIGINT, SIGTERM, SIGCHLD */
  sigset_t original; /* the mask children get back */
  int interrupted;   /* sticky once SIGINT or SIGTERM arrived */
} ev_signals;

/* Blocks the watched signals; call before the first child starts. */
void ev_signals_block(ev_signals *s);
/* Takes pending signals, waiting up to timeout_s for one; returns s->interrupted. */
int ev_signals_poll(ev_signals *s, double timeout_s);

typedef struct {
  char *const *argv;    /* argv[0]: the program (a path, or a name looked up in PATH) */
  const char *log_path; /* stdout and stderr go here (created or truncated) */
} ev_job;

typedef enum {
  EV_JOB_NOT_RUN,      /* never started, or stopped by an interrupt */
  EV_JOB_EXITED,       /* code: exit status */
  EV_JOB_SIGNALED,     /* code: signal number */
  EV_JOB_SPAWN_FAILED, /* code: errno */
} ev_job_end;

typedef struct {
  ev_job_end end;
  int code;
  double wall_s;
  int after_interrupt; /* ended after the interrupt, perhaps because of it */
} ev_job_result;

/* Called in the tool's process as each job ends, in the order they end. */
typedef void (*ev_job_done)(void *context, size_t index, const ev_job_result *result);

/* Runs jobs[0..count) in order, at most `parallel` at once, and fills results. After an interrupt
 * no job starts (those stay EV_JOB_NOT_RUN) and running ones get SIGTERM, then SIGKILL if still
 * there after a grace period. Returns s->interrupted. */
int ev_pool_run(ev_signals *s, const ev_job *jobs, size_t count, size_t parallel, ev_job_result *results,
                ev_job_done done, void *context);

/* Runs one program with the tool's own stdin, stdout and stderr and waits for it: its exit
 * status, or -1 with e set (could not start, killed by a signal, interrupted). */
int ev_run_program(ev_signals *s, char *const *argv, ev_error *e);
