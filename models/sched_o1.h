/*
** Linux 2.6.21 O(1) (models/sched_o1.c): what the policy core and its
** load balancing (models/sched_o1_balance.c) share: the task and run
** queue state, the domain constants, and the functions each calls in the
** other.  Internal to the O(1) model.
*/
#ifndef HVSIM_SCHED_O1_H
#define HVSIM_SCHED_O1_H

#include "models/sched.h"
#include "models/world.h"
#include <limits.h>
#include <string.h>

#define MAX_RT_PRIO 100
#define MAX_PRIO 140
#define NPRIO (MAX_PRIO - MAX_RT_PRIO)
#define NICE_0_PRIO 120
#define MAX_USER_PRIO 40
#define MAX_BONUS 10                    /* MAX_USER_PRIO x PRIO_BONUS_RATIO 25% */
#define INTERACTIVE_DELTA 2
#define ON_RUNQUEUE_WEIGHT 30
#define LOAD_SCALE 128L                 /* SCHED_LOAD_SCALE */
#define GROUP_POWER LOAD_SCALE          /* cpu_power of every group: one package */
#define NLEVELS SD_NLEVELS             /* level 0 the node's cores, 1 the nodes (sched_domain.h) */

enum sleep_type { SLEEP_NORMAL, SLEEP_NONINTERACTIVE, SLEEP_INTERACTIVE, SLEEP_INTERRUPTED };
enum idle_type { SCHED_IDLE, NOT_IDLE, NEWLY_IDLE };
/* Where a preempted task goes back: its place, or where the tick sent it. */
enum requeue { REQ_HEAD, REQ_ACTIVE_TAIL, REQ_EXPIRED };

struct task {
	struct entity *e;
	struct task *prev, *next;       /* in its priority list */
	struct prio_array *array;       /* NULL: not listed (running, held or blocked) */
	int on_rq;                      /* counted in the run queue of pCPU cpu */
	int cpu;                        /* task_cpu(); -1 before its first wake-up */
	int static_prio, prio;
	int time_slice;                 /* ticks */
	long load_weight;
	int64_t sleep_avg;              /* ns, 0 .. MAX_SLEEP_AVG */
	int64_t timestamp, last_ran;    /* ns */
	enum sleep_type sleep_type;
	enum requeue requeue;
};

struct prio_array {
	int nr_active;
	uint64_t bitmap;                /* bit p - 100: list p not empty */
	struct task *head[NPRIO], *tail[NPRIO];
};

struct rq {
	struct prio_array arr[2];
	int active;                     /* index of the active array */
	int nr_running;                 /* listed tasks plus the running one */
	long raw_weighted_load;
	long cpu_load[3];
	int64_t expired_timestamp;      /* jiffies; 0: nothing expired since the switch */
	int best_expired_prio;
	int64_t next_balance;           /* jiffies */
	struct sd sd[NLEVELS];          /* by level; def NULL: degenerate */
	int active_balance, push_cpu;
	uint64_t nswitch_arrays, nbalance_moved, nactive_pushed;
};

struct o1 {
	int hz;
	int64_t tick;                   /* ns */
	int def_ts, min_ts, gran;       /* ticks */
	int max_sleep_avg;              /* ticks */
	int64_t ns_max_sleep_avg;
	int64_t cache_hot[NLEVELS];     /* ns */
	int wake_idle;
};

static inline struct task *task_of(const struct entity *e)
{
	return e->priv;
}

static inline struct rq *rq_of(struct sched *s, int cpu)
{
	return s->cpu[cpu].priv;
}

static inline int64_t jiffies(const struct sched *s)
{
	const struct o1 *o = s->priv;
	return world_now(s->w) / o->tick;
}

static inline int curr_prio(const struct sched *s, int cpu)
{
	const struct entity *e = s->cpu[cpu].curr;
	return e ? task_of(e)->prio : MAX_PRIO;
}

static inline bool idle_cpu(const struct sched *s, int cpu)
{
	return !s->cpu[cpu].curr;
}

static inline struct prio_array *active(struct rq *rq)
{
	return &rq->arr[rq->active];
}

static inline struct prio_array *expired(struct rq *rq)
{
	return &rq->arr[!rq->active];
}

extern const struct sd_def o1_sd_def[NLEVELS];

/* active_load_balance, run by the busiest cpu's migration thread: move
** one task (cache hot or not) to the cpu that asked. */
void o1_active_load_balance(struct sched *s, int busiest);
/* idle_balance: a pCPU going idle pulls from the levels that allow it. */
void o1_idle_balance(struct sched *s, int cpu);
void o1_list_add(struct prio_array *a, struct task *t, bool head);
int o1_select_cpu(struct sched *s, struct entity *e, enum sched_why why);
/* run_rebalance_domains: each level whose interval (x busy_factor when
** busy) has passed is balanced; returns whether cpu should reschedule. */
bool o1_rebalance_domains(struct sched *s, int cpu);
/* inc_nr_running: t counts in cpu's run queue (queued or running). */
void o1_rq_attach(struct sched *s, struct task *t, int cpu);
int o1_rq_best_prio(const struct sched *s, int cpu);
void o1_rq_detach(struct sched *s, struct task *t);
/* update_load: cpu_load[i] = (old x (2^i - 1) + new) / 2^i, rounded up
** while the load grows. */
void o1_update_load(struct rq *rq);

#endif
