/*
** Modelled host threads (workload kind "threads"): each thread of a
** thread model (traces/thread_model.h, `hvsim import perf-sched --model`)
** becomes a host thread that asks for what the recorded one asked for,
** and the host policy decides what it gets -- a prediction, where an
** activity replay (wl_activity.h) would give back the recorded shares.
**
** A thread starts at time 0 with its recorded nice level and CPU
** affinity, and lives for its recorded life (life_s; to the end of the
** run if that is sooner):
**   cpu_bound  one burst that never ends: runnable for its whole life;
**   otherwise  bursts and sleeps alternate, a burst first: each burst's
**              demand b ns of CPU is b x f cycles (f the machine's
**              frequency: the recording machine's speed is not modelled)
**              and each sleep s ns, b and s drawn independently and
**              uniformly from the recorded values (empirical
**              distributions; the stream "threads" of the scenario's
**              seed, one per thread).  A wake-up after a sleep makes it
**              runnable only after its recorded wakeup_s (the wake-up
**              path's cost, thread_model.h); the wake-up itself counts from
**              the end of the sleep, as perf's sched_waking does.
** At the end of its life a thread's burst is cut and it sleeps for good.
** Every thread is watched by the simulated activity trace (models/actrec.h):
** the run writes activity.csv, which `hvsim compare` reads.
*/
#ifndef HVSIM_WL_THREADS_H
#define HVSIM_WL_THREADS_H

#include <stdint.h>

#include "sim/engine/diag.h"
#include "sim/scenario/scenario.h"
#include "traces/thread_model.h"

struct world;
struct entity;
struct wl_threads;

struct wl_thread {
	struct wl_threads *wt;
	const struct tm_thread *m;    /* its model */
	struct entity *e;
	void *rng;                    /* gsl_rng of its draws */
	int64_t end;                  /* end of its life, ns */
	int ended;
	uint64_t bursts;              /* bursts completed */
};

struct wl_threads {
	struct world *w;
	const struct scn_workload *cfg;
	struct tmodel model;
	struct wl_thread *th;
	int nth;
};

/* Load cfg's model (errors with file:line into d), create its threads.
** 0, -EINVAL (reported), -ENOMEM. */
int wl_threads_add(struct world *w, const struct scn_workload *cfg, struct diag *d);
void wl_threads_free_all(struct world *w);

#endif
