/*
** Scheduling framework: schedulable entities (host-side threads: VCPUs,
** emulation threads, validation jobs), pCPUs, and the ops table every
** policy implements — the shape of Linux's struct sched_class and Xen's
** struct scheduler.
**
** The framework owns the mechanics: run segments on a pCPU at the pCPU's
** rate, end-of-burst and end-of-slice events, state accounting (running,
** ready, blocked) clipped to the measured interval, and the per-policy,
** per-pCPU and per-entity private data it allocates with the sizes the
** ops declare.  A policy only decides: where a waking entity should run,
** which entity a pCPU runs next and for how long.  Only sched.c calls
** through the ops table, via wrappers that check invariants (an entity is
** never on two pCPUs; a picked entity is READY).
*/
#ifndef HVSIM_SCHED_H
#define HVSIM_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/diag.h"
#include "sim/evq.h"
#include "sim/scenario.h"

struct world;
struct sched;

enum ent_state { ENT_BLOCKED, ENT_READY, ENT_RUNNING };

struct entity {
	int id;                   /* index in the world's entity table */
	const char *name;         /* owner's name; with idx it names the entity */
	int idx;
	enum ent_state state;
	int cpu;                  /* pCPU running it or that last ran it; -1 never ran */
	double work;              /* cycles left in the current burst */
	int64_t since;            /* time of the last state change */
	/* accounting inside the measured interval */
	int64_t t_run, t_ready, t_blocked;
	uint64_t ndispatch, npreempt, nmigrate;
	/* called when a burst completes; the entity is BLOCKED, its pCPU free */
	void (*done)(struct world *w, struct entity *e);
	void *owner;
	int64_t tag;              /* owner's use (e.g. arrival time) */
	void *priv;               /* policy data, ent_priv_size bytes */
	struct entity *next;      /* policy's run-queue link */
};

struct cpu {
	int id, node;
	double rate;              /* cycles per ns */
	struct entity *curr;      /* NULL when idle */
	int64_t seg_start;        /* start of the current run segment */
	evq_handle ev;            /* end of the current segment */
	int seg_done;             /* that event ends the burst (1) or the slice (0) */
	int64_t t_busy;           /* inside the measured interval */
	uint64_t nswitch;         /* dispatches of a different entity */
	struct entity *last;      /* entity that ran before, for nswitch */
	void *priv;               /* policy data, cpu_priv_size bytes */
};

/* A policy parameter: its name, how its value is read, the default. */
enum sched_param_kind { SP_TIME, SP_INT, SP_NUMBER };

struct sched_param_def {
	const char *name;
	enum sched_param_kind kind;
	const char *def;          /* default, in the same notation as XML */
	const char *help;
};

/* Why an entity is handed to enqueue. */
enum sched_why { SCHED_WAKE, SCHED_PREEMPT };

struct sched_ops {
	const char *name;
	const char *source;       /* the code or paper it follows */
	const char *summary;      /* one line for listings */
	const struct sched_param_def *params;  /* ends with {NULL}; may be NULL */
	size_t priv_size, cpu_priv_size, ent_priv_size;

	/* Read parameters with sched_param_*(); set up private data.
	** Returns 0 or -1 after reporting to d.  Called once. */
	int (*init)(struct sched *s, struct diag *d);
	/* Free what init allocated beyond priv (optional). */
	void (*fini)(struct sched *s);
	/* e has become READY (woken, or preempted at the end of a slice):
	** queue it.  Must not dispatch. */
	void (*enqueue)(struct sched *s, struct entity *e, enum sched_why why);
	/* Dequeue and return the entity c runs next, or NULL to idle; set
	** *slice to the run time before the policy is asked again (ns), or to
	** -1 to run until the burst ends. */
	struct entity *(*pick_next)(struct sched *s, struct cpu *c, int64_t *slice);
	/* Which pCPU should the just-enqueued e wake on: an idle one to
	** dispatch at once, or -1 to leave it queued (optional: default is
	** the lowest-numbered idle pCPU). */
	int (*select_cpu)(struct sched *s, struct entity *e);
	/* Print the policy's state (optional). */
	void (*dump)(struct sched *s, FILE *f);
};

struct sched {
	const struct sched_ops *ops;
	struct world *w;
	const struct scn_policy *cfg;
	struct cpu *cpu;
	int ncpus;
	int nidle;
	void *priv;               /* priv_size bytes */
	int64_t t0, t1;           /* measured interval */
};

/* The registry: every policy, looked up by name. */
const struct sched_ops *sched_lookup(const char *name);
/* "fcfs, rr, ..." for error messages. */
const char *sched_names(void);
extern const struct sched_ops *const sched_registry[];

/* Check that cfg names a known policy with valid parameters. */
int sched_check(const struct scn_policy *cfg, struct diag *d);

/* Set up s for world w with the scenario's policy; errors go to d. */
int sched_init(struct sched *s, struct world *w, const struct scn_policy *cfg, struct diag *d);
void sched_free(struct sched *s);

/* Give a new entity its policy data; call before its first wake. */
int sched_attach(struct sched *s, struct entity *e);

/* e (BLOCKED) starts a burst of work cycles: it becomes READY and runs
** when the policy dispatches it; e->done is called when it completes. */
void sched_wake(struct sched *s, struct entity *e, double work);

/* Close the open accounting intervals at the end of the run. */
void sched_finish(struct sched *s, int64_t now);

/* Parameter values, for a policy's init (defaults from its table). */
int64_t sched_param_time(struct sched *s, const char *name);
double sched_param_number(struct sched *s, const char *name);



/* The policies (one file each). */
extern const struct sched_ops sched_fcfs_ops;   /* models/sched_fifo.c */
extern const struct sched_ops sched_rr_ops;     /* models/sched_fifo.c */
#endif
