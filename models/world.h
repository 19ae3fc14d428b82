/*
** The world: everything one run owns — the clock and event queue, the
** machine, the scheduling policy and its entities, the workloads, the RNG
** streams and the statistics.  No globals: every model object hangs off
** a world, so many worlds can run in one process (sweeps, calibration).
**
** The world borrows its scenario (which must outlive it).
*/
#ifndef HVSIM_WORLD_H
#define HVSIM_WORLD_H

#include <signal.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "models/actrec.h"
#include "models/machine.h"
#include "models/sched.h"
#include "sim/engine/diag.h"
#include "sim/engine/evq.h"
#include "models/qos.h"
#include "sim/scenario/scenario.h"
#include "sim/engine/stats.h"

struct burst;
struct vm;
struct io_sys;
struct wlset;
struct actrec;
struct wl_threads;

/* A workload's QoS counter, registered with the world (world_add_qos) so
** the capacity search judges every kind of workload the same way. */
struct qos_source {
	const char *workload_name;    /* the <workload name=...>, not "vm/name" */
	struct vm *vm;                /* NULL: a host workload */
	struct qos_count *count;      /* owned by the workload */
};

struct world;

/* Tracepoints: what the run reports as it goes, to a recorder above the
** models (sim/report/timeline.c) that the models never name.  drop: the
** world is freed with the recording unfinished. */
struct world_trace {
	void (*start)(struct world *w, const struct cpu *c, const struct entity *e);
	void (*stop)(struct world *w, const struct cpu *c, const struct entity *e, const char *why);
	void (*drop)(struct world *w);
	/* e's state changes from `from` to `to` (enum ent_state; the same
	** at the run's end, where every entity's state is closed) */
	void (*state)(struct world *w, const struct entity *e, int from, int to);
	/* e was woken from pCPU waker (a running task or an interrupt there) */
	void (*wake)(struct world *w, const struct entity *e, int waker);
};

struct world {
	const struct scenario *scn;
	struct evq q;
	int64_t end;                  /* run until this time (ns) */
	struct batches batches;       /* measured interval and its batches */
	struct machine mach;
	double llc_size, llc_line;    /* last-level cache per core, bytes (refill) */
	struct sched sched;
	const struct world_trace *trace; /* who listens to the tracepoints; NULL: nobody */
	void *trace_ctx;              /* the listener's state */
	struct entity **ent;          /* every entity; ent[i]->id == i */
	int nent, capent;
	struct burst **burst;         /* every workload instance (host and guests) */
	int nburst;
	struct activity **act;        /* replayed activity traces (host threads) */
	int nact;
	struct wl_threads **thr;      /* modelled host threads (models/wl_threads.h) */
	int nthr;
	struct actrec *rec;           /* simulated activity trace, or NULL (models/actrec.h) */
	struct vm *vms;               /* every VM, Dom0 first when there is one */
	int nvms;
	struct io_sys *io;            /* NICs, disk, where emulation runs (models/io.c) */
	struct wlset *wl;             /* workloads in VMs but bursts (models/workload.c) */
	struct qos_source *qos;       /* registered QoS counters */
	int nqos;
	gsl_rng **rng;                /* every stream, freed with the world */
	int nrng;
	uint64_t events;              /* events run */
	double wall;                  /* seconds of wall time in world_run */
	int failed;                   /* a run-time failure (out of memory) */
	const volatile sig_atomic_t *stop; /* when set and non-zero, world_run stops */
};

/* Build from a loaded scenario; meaning errors that need the models
** (unknown policy, bad policy parameter) go to d.  Returns 0 or -1. */
int world_build(struct world *w, const struct scenario *s, struct diag *d);
void world_free(struct world *w);

/* Run to the scenario's end.  Returns 0, or -1 when the run failed
** (then not closed: world_now is when it stopped). */
int world_run(struct world *w);
/* world_run in two steps: run the events before until (at most the end;
** callable again with a later time), then close the run at `at` (open
** segments, workloads); world_run(w) is world_advance(w, w->end) and,
** if that succeeded, world_finish(w, w->end).  A run closed before its end (a capacity probe
** stopped early, sim/drive/capacity.c) has its QoS counts and busy times
** up to then; statistics that divide by the measured interval do not
** know it ended early.  world_advance returns 0, or -1 as world_run. */
int world_advance(struct world *w, int64_t until);
void world_finish(struct world *w, int64_t at);

/* Schedule fn(w, obj, arg) at time t. */
evq_handle world_at(struct world *w, int64_t t, evq_fn fn, void *obj, uint64_t arg);
static inline int64_t world_now(const struct world *w) { return w->q.now; }
/* Cause c (SCN_IDEAL_*) is removed in this run (<ideal remove>). */
static inline int world_ideal(const struct world *w, int c) { return (int)((w->scn->ideal >> c) & 1u); }

/* c starts running e; c stops running e (why: block, slice, preempt,
** costop, costart, end).
** The simulated activity trace of modelled threads (models/actrec.h)
** hears them first, then the listener. */
static inline void world_trace_start(struct world *w, const struct cpu *c, const struct entity *e)
{
	if (w->rec)
		actrec_start(w, c, e);
	if (w->trace)
		w->trace->start(w, c, e);
}
static inline void world_trace_stop(struct world *w, const struct cpu *c, const struct entity *e, const char *why)
{
	if (w->rec)
		actrec_stop(w, c, e, why);
	if (w->trace)
		w->trace->stop(w, c, e, why);
}

static inline void world_trace_state(struct world *w, const struct entity *e, int from, int to)
{
	if (w->trace && w->trace->state)
		w->trace->state(w, e, from, to);
}
static inline void world_trace_wake(struct world *w, const struct entity *e, int waker)
{
	if (w->trace && w->trace->wake)
		w->trace->wake(w, e, waker);
}

/* A new RNG stream for purpose/index, owned by the world. */
gsl_rng *world_rng(struct world *w, const char *purpose, uint64_t index);

/* A new entity (BLOCKED, allowed on every pCPU, weight 256, memory on
** node 0), owned by the world.  Set its fields, then world_attach it. */
struct entity *world_entity(struct world *w, const char *name, int idx, void *owner);
/* Hand the entity to the policy (sched_attach); 0 or -ENOMEM. */
int world_attach(struct world *w, struct entity *e);

/* Add a burst workload on the host (vm NULL) or in a VM; 0 or -ENOMEM. */
int world_add_burst(struct world *w, const struct scn_workload *cfg, struct vm *vm);

/* Register a workload's QoS counter c (which must live as long as the
** world); 0 or -ENOMEM. */
int world_add_qos(struct world *w, const char *workload_name, struct vm *vm, struct qos_count *c);
/* The counts of the registered sources inside VMs whose workload is
** named workload_name (every source inside a VM when NULL), summed:
** what `hvsim capacity` judges.  Host workloads are never included (the
** search varies VM users; host load is background). */
struct qos_count world_qos_sum(const struct world *w, const char *workload_name);
/* How many guest VMs with that workload (NULL: any) completed no page in
** the measured interval: starved, whatever the sum says. */
int world_qos_starved(const struct world *w, const char *workload_name);

/* Mark the run failed (out of memory on a hot path); world_run stops. */
void world_fail(struct world *w);

#endif
