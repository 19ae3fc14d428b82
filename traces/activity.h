/*
** Activity traces: what each thread of a real machine did, interval by
** interval (measured with perf sched), for replay and for checking
** replays.  Format "hvsim activity trace v1" (docs/traces.md):
**
**   # hvsim activity trace v1          comment lines start with '#'
**   thread,pid,start_s,kind,duration_s,cpu
**   sleep,16954,0.000259,run,0.001338,0
**
** thread      the thread's name (Linux comm), as last seen
** pid         the thread's id (Linux pid of the task, i.e. the tid)
** start_s     seconds since the first event of the source trace; rows in
**             non-decreasing start_s
** kind        run        on a CPU
**             wait       runnable after a wake-up, waiting for a CPU
**             preempted  runnable after an involuntary switch-out
**                        (prev_state R or R+), waiting for a CPU
**             block      off CPU by its own doing (sleep, I/O, lock, idle
**                        kernel thread: prev_state S, D, I, ...) until woken
** duration_s  length of the interval, >= 0
** cpu         run: the CPU it ran on; block: the CPU it left; wait and
**             preempted: the CPU it then ran on
**
** One thread's rows never overlap.  Only intervals whose start and end
** both lie in the source trace are written, so per-thread totals are
** lower bounds of what the thread did while the trace ran.
*/
#ifndef HVSIM_TRACES_ACTIVITY_H
#define HVSIM_TRACES_ACTIVITY_H

#include "sim/engine/diag.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_ACTIVITY_HEADER "thread,pid,start_s,kind,duration_s,cpu"

enum trace_act_kind { TRACE_RUN, TRACE_WAIT, TRACE_PREEMPTED, TRACE_BLOCK, TRACE_NKIND };

/* "run", "wait", "preempted", "block" */
extern const char *const trace_act_kind_name[TRACE_NKIND];

struct trace_thread {
	char *name;
	int pid;
};

struct trace_act {
	int thread;            /* index into trace_activity.th */
	enum trace_act_kind kind;
	int64_t start_ns, dur_ns;
	int cpu;
	int line;              /* line of the source it came from */
};

struct trace_activity {
	struct trace_thread *th;
	int nth, capth;
	struct trace_act *a;
	size_t n, cap;
};

/* Append a thread (name copied); its index, or -ENOMEM. */
int trace_activity_add_thread(struct trace_activity *t, const char *name, int pid);
/* Append an interval.  0 or -ENOMEM. */
int trace_activity_push(struct trace_activity *t, const struct trace_act *a);
void trace_activity_free(struct trace_activity *t);

/* Write the version line, "# comment" when comment is not NULL, the
** header and the rows in array order.  0, or -EIO. */
int trace_activity_write(FILE *f, const struct trace_activity *t, const char *comment);

/* Read an activity trace; threads are told apart by (thread, pid).  Every
** bad row is reported into d as "path:line: column: expected ..., got
** ...", as is a row that overlaps an earlier row of its thread.  0, or
** -EINVAL (t left empty), -ENOENT when path cannot be opened, -ENOMEM. */
int trace_activity_load(const char *path, struct diag *d, struct trace_activity *t);

/* out[i] = total duration of thread i's rows of the given kind (out has
** t->nth entries). */
void trace_activity_totals(const struct trace_activity *t, enum trace_act_kind kind, int64_t *out);

/* out[i] = number of thread i's rows of the given kind (out has t->nth
** entries).  For TRACE_RUN: the dispatches the recording shows, each a
** switch-in closed by a switch-out inside the trace. */
void trace_activity_counts(const struct trace_activity *t, enum trace_act_kind kind, uint64_t *out);

/* Threads an activity trace may hold (docs/limits.md). */
#define TRACE_MAX_THREADS 100000

#endif
