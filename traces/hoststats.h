/*
** Per-thread scheduling statistics of an activity trace (activity.h),
** recorded or simulated, computed the same way for both (`hvsim compare`,
** and the host quantities of `hvsim calibrate`):
**
**   life        from the start of its first row to the end of its last
**   cpu_share   its run time / its life (1 = one CPU all the time)
**   wakeups     its wait rows: runnable after a wake-up until it ran
**   wakeup_p50, wakeup_p95   the median and 95th percentile of their
**               lengths, s: the wake-up latency (linear interpolation
**               between order statistics, Hyndman and Fan's type 7, the
**               default of R and NumPy); NAN without wake-ups
**   dispatches  its run rows (switch-in to switch-out)
**   run_per_dispatch  run time / dispatches, s
**   dispatches_per_s  dispatches / life
*/
#ifndef HVSIM_TRACES_HOSTSTATS_H
#define HVSIM_TRACES_HOSTSTATS_H

#include "traces/activity.h"

#include <stddef.h>
#include <stdint.h>

struct hs_thread {
	const char *name;
	int pid;
	int64_t first_ns, last_ns;    /* its rows' extent */
	double life;                  /* s */
	double run;                   /* s */
	double cpu_share;
	uint64_t dispatches, wakeups;
	double wakeup_p50, wakeup_p95;
	double run_per_dispatch, dispatches_per_s;
};

/* The statistics of thread i of t.  0, or -ENOMEM. */
int hoststats_thread(const struct trace_activity *t, int i, struct hs_thread *out);

/* The q-quantile (0..1) of v[0..n) by linear interpolation (type 7);
** sorts v.  NAN when n is 0. */
double hoststats_quantile(double *v, size_t n, double q);

/* The index of the thread named name in t, or -1 (-2: several have it). */
int hoststats_find(const struct trace_activity *t, const char *name);

/* CPU time of every thread of t whose index is not marked in skip
** (skip[i] != 0), over [from, to) ns, s. */
double hoststats_other_cpu(const struct trace_activity *t, const char *skip, int64_t from, int64_t to);

#endif
