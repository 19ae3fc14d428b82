/*
** The simulated activity trace: what perf sched would have recorded of
** some simulated threads, written as an "hvsim activity trace v1"
** (docs/traces.md) into the run's activity.csv, so that `hvsim compare`
** computes the same statistics from a recording and from a simulation.
**
** Each watched entity is followed as perf_sched.c follows a recorded
** thread: a dispatch (world_trace_start) ends its wait or preempted interval
** and starts a run; a stop (world_trace_stop) ends the run and starts a
** block (it stopped because its burst ended and it has nothing more) or
** a preempted interval (its slice ended or it was preempted); a wake-up
** (actrec_wake, called by the workload before sched_wake) ends the block
** and starts a wait.  A run cut by the end of the simulation is not
** written, as perf writes only intervals with both ends in the recording;
** only intervals inside the measured interval are written.  Times are the
** simulation's, in seconds.
*/
#ifndef HVSIM_ACTREC_H
#define HVSIM_ACTREC_H

#include <stdio.h>

struct world;
struct cpu;
struct entity;

/* Record e (named name, pid) from now on.  With lose_idle_wakeups, a
** wake-up raised while the CPU e last ran on is idle (where its sleep's
** timer fires) is not recorded: its block lasts until its switch-in, as
** `hvsim import perf-sched --repair-idle` writes a recording made on a
** machine whose perf records nothing in idle (docs/traces.md).  0 or
** -ENOMEM. */
int actrec_watch(struct world *w, struct entity *e, const char *name, int pid, int lose_idle_wakeups);
/* e, blocked, is about to be woken. */
void actrec_wake(struct world *w, const struct entity *e);
/* From world_trace_start / world_trace_stop (every dispatch and stop). */
void actrec_start(struct world *w, const struct cpu *c, const struct entity *e);
void actrec_stop(struct world *w, const struct cpu *c, const struct entity *e, const char *why);
/* e ended for good: its current interval is not written. */
void actrec_end(struct world *w, const struct entity *e);

/* The intervals recorded so far (in the order they ended), or NULL when
** nothing is watched. */
struct trace_activity;
const struct trace_activity *actrec_trace(const struct world *w);

/* Write the watched threads' intervals, sorted by start (then pid), with
** comment as a '#' line.  0 or -EIO. */
int actrec_write(FILE *f, const struct world *w, const char *comment);
void actrec_free(struct world *w);

#endif
