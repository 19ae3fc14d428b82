/*
** `perf script` text of the scheduler tracepoints (as recorded by
** `perf sched record`), read into a per-thread activity trace
** (traces/activity.h).  perf_sched_parse.c reads one line into an event;
** perf_sched.c follows every thread through its events and cuts its time
** into run, wait, preempted and block intervals.
**
** Lines (perf 3.x to 6.x; the part after the event name is the kernel's
** TP_printk of include/trace/events/sched.h, which changed over time):
**
**   COMM TID [CPU] SECONDS: [PERIOD] sched:sched_switch: prev_comm=C prev_pid=P
**       prev_prio=N prev_state=S ==> next_comm=C next_pid=P next_prio=N   (2.6.35+)
**   ... sched:sched_switch: task C:P [N] (S) ==> C:P [N]             (2.6.31-34)
**   ... sched:sched_wakeup: comm=C pid=P prio=N target_cpu=CCC       (3.12+)
**   ... sched:sched_wakeup: comm=C pid=P prio=N success=1 target_cpu=CCC
**   ... sched:sched_wakeup: task C:P [N] success=1 [CCC]             (2.6.31-34)
**
** sched_waking (4.3+; what `perf sched record` records instead of
** sched_wakeup when the kernel has it) and sched_wakeup_new read like
** sched_wakeup.  TID may be written PID/TID; SECONDS has 6 or 9 decimals.
** Other events are counted and ignored, as are blank lines, '#' comments
** and call-chain lines (`perf script` of a record made with -g).
*/
#ifndef HVSIM_TRACES_PERF_SCHED_H
#define HVSIM_TRACES_PERF_SCHED_H

#include "traces/activity.h"
#include "traces/import.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PSCHED_COMM_MAX 63

enum psched_type { PSCHED_SWITCH, PSCHED_WAKEUP, PSCHED_WAKEUP_NEW, PSCHED_RUNTIME, PSCHED_OTHER };

/* How prev left the CPU, from prev_state: R or R+ (still runnable:
** preempted, or yielded) / anything else / a dead task (X, Z, x). */
enum psched_state { PSCHED_RUNNABLE, PSCHED_BLOCKED, PSCHED_DEAD };

struct psched_event {
	int64_t t_ns;                  /* perf's timestamp */
	int cpu;
	enum psched_type type;
	/* PSCHED_SWITCH */
	char prev_comm[PSCHED_COMM_MAX + 1], next_comm[PSCHED_COMM_MAX + 1];
	int prev_pid, next_pid;
	enum psched_state prev_state;
	int prev_prio, next_prio;      /* the kernel's prio: 100 + 20 + nice for CFS tasks */
	/* PSCHED_WAKEUP, PSCHED_WAKEUP_NEW, PSCHED_RUNTIME */
	char comm[PSCHED_COMM_MAX + 1];
	int pid;
	int prio;                      /* wake-ups; -1 when the line has none */
	int success;                   /* 1 unless the line says success=0 */
	/* PSCHED_RUNTIME (sched_stat_runtime: comm=C pid=P runtime=N [ns]
	** [vruntime=N [ns]]): CPU time charged to pid since its last update */
	int64_t runtime_ns;
	int tid;                       /* the header's TID: who was running */
};

/* Parse one line (no newline): 1 with an event in *ev, 0 for a line to
** ignore, -1 when malformed ("expected ..., got ..." in why). */
int psched_parse(const char *line, struct psched_event *ev, char *why, size_t whylen);

/* A whole trace, read by psched_read. */
struct psched_trace {
	struct trace_activity act;     /* rows by start, then pid */
	int64_t t0_ns;                 /* perf time of the first event */
	int lines, events, malformed, inconsistent, ignored;
	int repaired;                  /* switch-ins inferred (repair_idle) */
	int repaired_idle;             /* ... of them on a CPU last seen idle */
	int ncpu;                      /* highest CPU of an event + 1 */
	/* for the thread model (traces/thread_model.h): */
	int64_t *runtime;              /* per row: sched_stat_runtime summed over a
				      ** run row, -1 when none was recorded */
	int *prio;                     /* per thread: last prio seen, -1 none */
	int64_t *first_ns, *last_ns;   /* per thread: first and last event naming
				      ** it, from t0 */
};

/* Read perf script text, reporting malformed and inconsistent lines
** (inconsistent: contradicts earlier events, as when perf lost events;
** the intervals it cuts short are dropped) and the summary "FILE: N lines
** read, M scheduler events, K malformed (skipped), J inconsistent, I
** other events ignored; T threads, R intervals" to o->err.  0, or -EINVAL
** (--strict and a malformed line, or no interval at all), -EIO, -ENOMEM. */
int psched_read(FILE *in, const struct trace_import_opts *o, struct psched_trace *t);
/* No thread of act matches the NULL-terminated fnmatch patterns: say so
** on err as "PATH: WHAT: --threads: expected at least one thread matching
** 'P' or 'Q', got none of the recording's N threads ('a', 'b', ...)", the
** patterns and the names side by side (the names once each, the first
** few). */
void psched_report_unmatched(FILE *err, const char *path, const char *what, const char *const *patterns,
			     const struct trace_activity *act);
/* Write the activity trace, its provenance in a comment.  0 or -EIO. */
int psched_write(FILE *out, const struct psched_trace *t, const struct trace_import_opts *o);
void psched_free(struct psched_trace *t);

#endif
