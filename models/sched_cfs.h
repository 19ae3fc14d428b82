/*
** Linux CFS, private to the policy: the state that the fair scheduler
** (models/sched_cfs.c: kernel/sched_fair.c of Linux 2.6.24 / 2.6.32) and
** its SMP load balancer with the scheduling domains (models/
** sched_cfs_balance.c: kernel/sched.c) both read and write, and the few
** functions each lends the other.  Nothing outside those two files
** includes this; the rest of hvsim sees only sched_cfs_ops.
*/
#ifndef HVSIM_SCHED_CFS_H
#define HVSIM_SCHED_CFS_H

#include "models/sched.h"
#include "models/world.h"

#include <stdbool.h>
#include <stdint.h>

#define NICE_0_LOAD	1024		/* SCHED_LOAD_SCALE */
#define LOAD_IDX_MAX	5		/* CPU_LOAD_IDX_MAX */

enum lb_idle { CPU_IDLE, CPU_NOT_IDLE, CPU_NEWLY_IDLE };

/* A schedulable entity's CFS state (struct sched_entity); the framework's
** e->priv.  At any moment an entity is in one of these states:
**	off		!on_rq: blocked or never woken
**	queued		on_rq, queued: in the tree of rq
**	curr		on_rq, rq->curr: running on pCPU rq
**	put		on_rq, rq->put: stopped, not handed back yet
**	held		on_rq, neither: picked, then handed back unstarted by
**			co-scheduling (put_prev), until enqueue requeues it
**	detached	!on_rq: set aside by the dequeue hook (strict
**			co-scheduling), until pick_given makes it a pCPU's
**			curr */
struct cfs_ent {
	struct entity *e;
	struct cfs_ent *left, *right;	/* treap children */
	uint64_t seq;			/* insertion order: equal vruntimes run FIFO */
	uint32_t prio;			/* treap heap priority, a hash of seq */
	struct cfs_ent *tnext, *tprev;	/* the rq's task list, newest first */
	int64_t vruntime;		/* detached: relative to the old rq's min_vruntime */
	int weight;
	int rq;				/* task_cpu(): its queue's pCPU; -1 never woken */
	bool on_rq;			/* counted in its rq's nr_running and load */
	bool queued;			/* in its rq's tree */
	int64_t exec_start;		/* when it last stopped running (task_hot) */
	/* 2.6.32 ADAPTIVE_GRAN (sched_entity's run-time sums, ns) */
	int64_t sum_exec;		/* sum_exec_runtime: all its run time */
	int64_t prev_sum_exec;		/* sum_exec when it was last picked */
	int64_t start_runtime;		/* sum_exec at its last wake-up */
	int64_t last_wakeup;		/* sum_exec when it last woke a task; 0 none since it slept */
	int64_t avg_wakeup;		/* its run time between waking tasks, averaged */
};

/* A pCPU's run queue (struct rq with its cfs_rq); the framework's c->priv. */
struct rq {
	int cpu;
	struct cfs_ent *root, *leftmost;
	struct cfs_ent *tasks;		/* every on_rq entity, newest first */
	struct entity *curr;		/* the running entity */
	struct entity *put;		/* put back by put_prev, not queued again yet */
	struct cfs_ent *last;		/* 2.6.32 LAST_BUDDY */
	int nr_running;
	int64_t load;			/* total weight, curr included */
	int64_t min_vruntime;
	int64_t exec_start;		/* last update_curr of curr */
	int64_t cpu_load[LOAD_IDX_MAX];
	int64_t load_tick;		/* last tick folded into cpu_load */
	int64_t next_balance;		/* jiffies */
	int64_t idle_stamp, avg_idle;	/* 2.6.32 idle_balance throttle; stamp -1: none */
	int push_cpu;			/* active balance: where the preempted curr goes */
	bool hrtick_armed;		/* the current slice ends by itself */
	bool in_timer, in_pick;		/* inside this pCPU's tick or pick_next */
	bool want_resched;		/* a pull asked this pCPU to pick again */
	evq_handle timer;
	int64_t timer_at;
	int nsd;
	struct sd sd[2];		/* lowest level first */
};

/* The policy's state; the framework's s->priv. */
struct cfs {
	int version;			/* 24 or 32 */
	int hz;
	bool hrtick;
	int64_t tick;			/* ns per jiffy */
	int64_t latency, min_gran, wakeup_gran, migration_cost;
	int nr_latency;
	uint64_t seq;
};

/* ------------------------------------------------------------ basics --- */

static inline struct rq *rq_of(const struct sched *s, int cpu)
{
	return s->cpu[cpu].priv;
}

static inline struct cfs_ent *ce_of(const struct entity *e)
{
	return e->priv;
}

static inline int64_t now_of(const struct sched *s)
{
	return world_now(s->w);
}

static inline int64_t jiffies_at(const struct cfs *f, int64_t t)
{
	return t / f->tick;
}

static inline int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static inline int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static inline bool is_idle(const struct sched *s, int cpu)
{
	return !s->cpu[cpu].curr;
}

/* ------------------------------------ the fair scheduler (sched_cfs.c) --- */

/* Fold the ticks up to now into rq->cpu_load[] (update_cpu_load). */
void cfs_load_sync(const struct cfs *f, struct rq *rq, int64_t now);
/* Charge curr's run since the last update to its vruntime. */
void cfs_update_curr(const struct sched *s, struct rq *rq);
/* Move a queued entity between run queues keeping its lag (pull_task). */
void cfs_move_entity(struct sched *s, struct rq *src, struct cfs_ent *ce, struct rq *dst);
/* ce arrived on dst outside a wake-up: make dst pick again if it is idle
** or the arrival preempts (check_preempt_curr). */
void cfs_nudge(struct sched *s, struct rq *dst, struct cfs_ent *ce);
/* Up to max of rq's queued entities leftmost first, `also` (may be NULL)
** merged in where its vruntime puts it; returns how many.  O(max). */
int cfs_tree_order(const struct rq *rq, struct cfs_ent *also, struct cfs_ent **v, int max);

/* -------------------------- the load balancer (sched_cfs_balance.c) --- */

/* Every pCPU's domain levels (s->topo's, sched_domain.h). */
void cfs_domains_init(struct sched *s);
/* sched_balance_self(SD_BALANCE_FORK): the pCPU of e's first wake. */
int cfs_fork_balance(const struct sched *s, const struct entity *e);
/* The pCPU a wake-up of e (blocked, last on prev) from pCPU this_cpu
** queues it on: 2.6.24 try_to_wake_up with wake_idle, 2.6.32
** select_task_rq_fair with wake_affine. */
int cfs_wake_cpu(const struct sched *s, const struct entity *e, int prev, int this_cpu);
/* idle_balance: cpu's queue is empty; pull from the lowest level up. */
void cfs_idle_balance(struct sched *s, int cpu);
/* trigger_load_balance at cpu's tick (CONFIG_NO_HZ for an idle cpu). */
void cfs_trigger_load_balance(struct sched *s, int cpu, enum lb_idle idle);

/* A sched_group: the pCPUs of one core (level mc) or one node. */
struct grp {
	const int *cpu;
	int n;
	int64_t power;
	int64_t capacity;
};

void cfs_tree_add(struct cfs *f, struct rq *rq, struct cfs_ent *ce);
void cfs_tree_del(struct rq *rq, struct cfs_ent *ce);

/* Strict co-scheduling's hooks (models/sched_cfs_cosched.c): set READY e
** aside, keeping its lag; make detached e idle c's curr with the gang's
** slice (-1 none). */
void cfs_dequeue(struct sched *s, struct entity *e);
void cfs_pick_given(struct sched *s, struct cpu *c, struct entity *e, int64_t slice);
void cfs_account_enqueue(const struct sched *s, struct rq *rq, struct cfs_ent *ce);
void cfs_dequeue_entity(struct sched *s, struct rq *rq, struct cfs_ent *ce);
/* How enqueue_entity places an entity: as it is, waking (its lag
** bounded), new (START_DEBIT). */
enum { ENQ_PLAIN, ENQ_WAKE, ENQ_NEW };
void cfs_enqueue_entity(struct sched *s, struct rq *rq, struct cfs_ent *ce, int how);
/* 2.6.32 ttwu: a task arrives on rq; fold the idle time since
** idle_balance stamped it into the average that gates idle_balance:
**	avg_idle += (idle - avg_idle) / 8, or 2 migration_cost if idle is longer */
void cfs_idle_ends(const struct cfs *f, struct rq *rq, int64_t now);
int64_t cfs_next_tick(const struct cfs *f, int64_t now);
/* Make c's timer fire no later than t. */
void cfs_timer_by(struct sched *s, struct cpu *c, int64_t t);

int cfs_find_idlest_group(const struct sched *s, int cpu, int k, const struct entity *e);
int cfs_wake_24(const struct sched *s, const struct entity *e, int prev, int this_cpu);
int cfs_wake_32(const struct sched *s, const struct entity *e, int prev, int this_cpu);
bool cfs_wake_affine(const struct sched *s, const struct entity *e, const struct sd_def *def, int prev, int this_cpu);
/* 2.6.24 wake_idle (kernel/sched.c): cpu itself if idle or running more
** than one task, else the first idle allowed pCPU of each SD_WAKE_IDLE
** level upwards (the core level only), else cpu.  It is compiled in with
** ARCH_HAS_SCHED_WAKE_IDLE, i.e. CONFIG_SCHED_SMT (include/linux/
** topology.h), which distribution kernels set whether or not the cores
** have SMT siblings. */
int cfs_wake_idle(const struct sched *s, const struct entity *e, int cpu);
int64_t cfs_avg_load_per_task(const struct sched *s, int cpu);
/* Group g of cpu's level k (sd_group) with its power and capacity. */
void cfs_group_of(const struct sched *s, int cpu, const struct rq *rq, int k, int g, struct grp *out);
/* Low guess at a migration source's load, high at a target's. */
int64_t cfs_source_load(const struct sched *s, int cpu, int type);
int64_t cfs_target_load(const struct sched *s, int cpu, int type);
int64_t cfs_weighted_load(const struct sched *s, int cpu);

#endif
