/*
** Replay of a per-thread activity trace (docs/traces.md, recorded with
** `perf sched` and imported by `hvsim import perf-sched`): each thread
** of the trace becomes a host thread that sleeps and runs as the
** recorded one did, and the host policy schedules them anew.  Inside a
** VM each thread's bursts are guest work instead, queued in the guest
** and run by its VCPUs (models/vm.h), which the host policy schedules.
*/
#ifndef HVSIM_WL_ACTIVITY_H
#define HVSIM_WL_ACTIVITY_H

#include <stdint.h>

#include "models/sched.h"
#include "models/vm.h"
#include "sim/engine/diag.h"
#include "sim/scenario/scenario.h"
#include "traces/activity.h"

struct world;

/* One replayed thread: alternating sleeps and CPU bursts. */
struct act_step {
	int64_t sleep_ns;             /* off CPU before the burst */
	int64_t burst_ns;             /* CPU time the recording ran it */
};

struct activity;

struct act_thread {
	struct activity *a;
	struct entity *e;             /* on the host; NULL in a VM */
	struct gjob job;              /* in a VM: the burst in flight */
	const char *name;
	int pid;
	int64_t t_sub;                /* in a VM: when the burst was queued */
	int64_t g_run, g_wait;        /* in a VM, measured: burst time at full
				      ** speed, and the rest of the bursts' elapsed time */
	uint64_t g_bursts;
	struct act_step *step;
	int nstep, pos;
	int64_t base;                 /* start of the current pass (loop) */
	int64_t recorded_run;         /* sum of its run intervals, ns */
	uint64_t recorded_dispatches; /* its run intervals: dispatches recorded */
};

struct activity {
	struct world *w;
	const struct scn_workload *cfg;
	struct vm *vm;                /* NULL: host threads */
	struct trace_activity tr;
	int64_t span;                 /* end of the last recorded interval, ns */
	struct act_thread *th;
	int nth;
};

/* Load cfg's trace (errors with file:line into d) and create its threads. */
int activity_build(struct activity *a, struct world *w, const struct scn_workload *cfg, struct vm *vm,
		   struct diag *d);
void activity_free(struct activity *a);

#endif
