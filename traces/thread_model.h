/*
** Thread models: what each thread of a recording *asks* for, rather than
** what it got (docs/traces.md, "Thread model"), inferred by
** `hvsim import perf-sched --model` from a `perf sched` recording and run
** by the workload kind "threads" (models/wl_threads.h).
**
** From one thread's activity (perf_sched.h: run, wait, preempted, block):
**
**   cpu_bound  it never blocks voluntarily: at most max(1, life / 1 s)
**              blocks (a start-up barrier, a page fault on a file) adding
**              up to at most 1% of its life.  It then asks for the CPU
**              for its whole life, and nothing else is kept.
**   burst_s    otherwise, each burst's demand: the CPU it consumed between
**              two voluntary blocks (the runs in between, preempted or
**              not, are one burst), from sched_stat_runtime where the
**              recording has it (update_curr()'s charge: the CPU time, not
**              the time the machine was away), else from the run
**              intervals' lengths.  The burst cut by the end of the thread
**              or of the recording is not kept (its demand is unknown).
**   sleep_s    the length of each voluntary block (block to wake-up; with
**              --repair-idle, to the switch-in when the wake-up was not
**              recorded), after the first burst.
**   nice       from the prio fields of its events: prio - 120 for
**              100 <= prio <= 139 (SCHED_NORMAL); 0 otherwise (prio -1:
**              never shown; below 100: a real-time thread, modelled as
**              fair with a warning).
**   cpus       its CPU affinity, which scheduler tracepoints do not show:
**              from an affinity file (`--affinity FILE`, lines "TID
**              CPULIST", e.g. from /proc/PID/task/TID/status
**              Cpus_allowed_list at recording time); empty: any CPU.
**   start_s, life_s  its first event (from the start of the recording)
**              and the time to its last.
**   wakeup_s   the median latency (wake-up to switch-in) of its wake-ups
**              the recording shows, when it shows at least
**              TMODEL_MIN_WAKEUPS of them (else not written, 0): recorded
**              alone, the wake-up path's own cost -- timer interrupt,
**              try_to_wake_up(), the preemption of whatever ran, schedule()
**              up to the sched_switch tracepoint -- which a scheduler model
**              that dispatches at the instant of the wake-up does not have.
**
** Format "hvsim thread model v1", CSV as docs/traces.md (RFC 4180, '#'
** comments), one row per field, burst_s and sleep_s repeated in the
** recorded order:
**
**   # hvsim thread model v1
**   thread,pid,field,value
**   b,31506,nice,0
**   b,31506,cpus,
**   b,31506,start_s,0.0265
**   b,31506,life_s,2.0001
**   b,31506,cpu_bound,0
**   b,31506,wakeup_s,0.000012
**   b,31506,burst_s,0.001002
**   b,31506,sleep_s,0.003061
**
** The workload draws bursts and sleeps independently from these
** empirical distributions (resampling: each draw one of the recorded
** values, uniformly; no fitted family).
*/
#ifndef HVSIM_TRACES_THREAD_MODEL_H
#define HVSIM_TRACES_THREAD_MODEL_H

#include "sim/engine/diag.h"
#include "traces/perf_sched.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TMODEL_HEADER "thread,pid,field,value"
#define TMODEL_MIN_WAKEUPS 10
#define TMODEL_CPULIST_MAX 255
#define TMODEL_CPU_LIMIT 4096   /* the ids a cpus list may name */

struct tm_thread {
	char *name;
	int pid;
	int nice;                     /* -20..19 */
	int prio;                     /* as recorded, -1 unknown (not in the file) */
	char *cpus;                   /* cpulist "0-1,3"; NULL: any CPU */
	int64_t start_ns, life_ns;
	int64_t wakeup_ns;            /* median recorded wake-up latency; 0 unknown */
	int cpu_bound;
	int64_t *burst, *sleep;       /* ns, in recorded order */
	size_t nburst, nsleep;
	int line;                     /* loaded: line of its first row */
};

struct tmodel {
	struct tm_thread *th;
	int nth;
};

/* The model of the threads of tr whose names match one of patterns
** (fnmatch(3); NULL: every thread that ran), with affinities from aff
** (pairs tid -> cpulist, naff of them; may be 0).  Warnings (a real-time
** prio, a thread without a burst) go to err.  0, -ENOENT when no thread
** matched (reported to err), -ENOMEM. */
struct tm_affinity {
	int tid;
	char *cpus;
};
int tmodel_build(const struct psched_trace *tr, const char *const *patterns, const struct tm_affinity *aff,
		 int naff, const char *path, FILE *err, struct tmodel *m);

/* Write the model; comment (may be NULL) as a '#' line.  0 or -EIO. */
int tmodel_write(FILE *f, const struct tmodel *m, const char *comment);

/* Read a model file; every bad row into d as "path:line: column:
** expected ..., got ...".  0, -EINVAL, -ENOENT, -ENOMEM. */
int tmodel_load(const char *path, struct diag *d, struct tmodel *m);

/* An affinity file: lines "TID CPULIST" ('#' comments, blank lines).
** 0, or -EINVAL / -ENOENT reported into d, -ENOMEM. */
int tmodel_affinity_load(const char *path, struct diag *d, struct tm_affinity **aff, int *naff);
void tmodel_affinity_free(struct tm_affinity *aff, int naff);

/* 1 if s is a cpulist "0-3,6" (ids below TMODEL_CPU_LIMIT;
** sim/engine/cpulist.h). */
int tmodel_cpulist_ok(const char *s);

void tmodel_free(struct tmodel *m);

#endif
