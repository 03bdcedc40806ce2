/* Child processes of the evaluation tools (process_pool.h). */
#include "process_pool.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

enum { kFileMode = 0666 /* less umask */ };
static const double kIdlePoll_s = 1.0;       /* a SIGCHLD ends the wait at once; this only bounds it */
static const double kTerminateGrace_s = 5.0; /* kvnand-sim checks for SIGTERM between layers */
static const double kNsPerS = 1e9;

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / kNsPerS;
}

void ev_signals_block(ev_signals *s) {
  sigemptyset(&s->watched);
  sigaddset(&s->watched, SIGINT);
  sigaddset(&s->watched, SIGTERM);
  sigaddset(&s->watched, SIGCHLD);
  sigprocmask(SIG_BLOCK, &s->watched, &s->original);
  s->interrupted = 0;
}

int ev_signals_poll(ev_signals *s, double timeout_s) {
  struct timespec timeout = {(time_t)timeout_s, (long)((timeout_s - (double)(time_t)timeout_s) * kNsPerS)};
  for (;;) {
    const int signal_number = sigtimedwait(&s->watched, NULL, &timeout);
    if (signal_number == SIGINT || signal_number == SIGTERM) s->interrupted = 1;
    if (signal_number < 0 && errno == EINTR) continue;
    if (signal_number < 0) break;
    timeout.tv_sec = 0; /* drain what else is pending without waiting */
    timeout.tv_nsec = 0;
  }
  return s->interrupted;
}

/* 0 and *pid, or an errno. */
static int spawn(const ev_signals *s, char *const *argv, const char *log_path, pid_t *pid) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setsigmask(&attributes, &s->original);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  if (log_path != NULL) {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_path, O_WRONLY | O_CREAT | O_TRUNC, kFileMode);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  }
  const int rc = posix_spawnp(pid, argv[0], &actions, &attributes, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return rc;
}

static void record_end(int status, ev_job_result *r) {
  if (WIFEXITED(status)) {
    r->end = EV_JOB_EXITED;
    r->code = WEXITSTATUS(status);
  } else {
    r->end = EV_JOB_SIGNALED;
    r->code = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
}

typedef struct {
  pid_t pid;
  size_t job;
  double start_s;
} running_job;

int ev_pool_run(ev_signals *s, const ev_job *jobs, size_t count, size_t parallel, ev_job_result *results,
                ev_job_done done, void *context) {
  running_job *running = ev_alloc_array(parallel, sizeof *running);
  size_t active = 0, next = 0;
  double terminate_at = -1.0; /* when SIGTERM went to the running jobs */
  for (size_t i = 0; i < count; ++i) memset(&results[i], 0, sizeof results[i]);
  while (active > 0 || (next < count && !s->interrupted)) {
    while (!s->interrupted && active < parallel && next < count) {
      ev_job_result *r = &results[next];
      const double start_s = now_s();
      pid_t pid = 0;
      const int error = spawn(s, jobs[next].argv, jobs[next].log_path, &pid);
      if (error == 0) {
        running[active++] = (running_job){pid, next++, start_s};
        continue;
      }
      r->end = EV_JOB_SPAWN_FAILED;
      r->code = error;
      if (done != NULL) done(context, next, r);
      ++next;
    }
    int status = 0;
    pid_t pid = 0;
    int reaped = 0;
    while (active > 0 && (pid = waitpid(-1, &status, WNOHANG)) > 0) {
      for (size_t i = 0; i < active; ++i) {
        if (running[i].pid != pid) continue;
        ev_job_result *r = &results[running[i].job];
        record_end(status, r);
        r->wall_s = now_s() - running[i].start_s;
        r->after_interrupt = s->interrupted;
        if (done != NULL) done(context, running[i].job, r);
        running[i] = running[--active];
        reaped = 1;
        break;
      }
    }
    if (reaped) continue;
    if (s->interrupted && active > 0 && terminate_at < 0.0) {
      for (size_t i = 0; i < active; ++i) kill(running[i].pid, SIGTERM);
      terminate_at = now_s();
    } else if (terminate_at >= 0.0 && now_s() - terminate_at > kTerminateGrace_s) {
      for (size_t i = 0; i < active; ++i) kill(running[i].pid, SIGKILL);
    }
    if (active > 0) ev_signals_poll(s, kIdlePoll_s);
  }
  free(running);
  return s->interrupted;
}

int ev_run_program(ev_signals *s, char *const *argv, ev_error *e) {
  fflush(NULL); /* what the tool printed comes before what the program prints */
  pid_t pid = 0;
  const int error = spawn(s, argv, NULL, &pid);
  if (error != 0) return ev_fail(e, "cannot run %s (%s)", argv[0], strerror(error));
  int status = 0;
  int terminated = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (s->interrupted && !terminated) {
      kill(pid, SIGTERM);
      terminated = 1;
    }
    ev_signals_poll(s, kIdlePoll_s);
  }
  if (terminated) return ev_fail(e, "%s: stopped by the interrupt", argv[0]);
  if (!WIFEXITED(status))
    return ev_fail(e, "%s: killed by signal %d (%s)", argv[0], WTERMSIG(status), strsignal(WTERMSIG(status)));
  return WEXITSTATUS(status);
}
