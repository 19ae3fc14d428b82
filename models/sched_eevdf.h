/*
** Linux 6.6 EEVDF (models/sched_eevdf.c): the entity and run-queue state
** and what the policy and its balancer (models/sched_eevdf_balance.c)
** call in each other.  Internal to the EEVDF model.
*/
#ifndef HVSIM_SCHED_EEVDF_H
#define HVSIM_SCHED_EEVDF_H

#include "models/sched.h"
#include "models/world.h"
#include <stdlib.h>

#define NICE_0_LOAD       1024
#define MIGRATION_COST    500000      /* sysctl_sched_migration_cost */
#define IMBALANCE_PCT     117         /* sd_init() in 6.6 */
/* levels: SD_CORE (the pCPUs of a node) and SD_NODE (the nodes), sched_domain.h */
#define BUSY_FACTOR       16


struct eev_ent {
	int64_t vruntime, deadline;
	int64_t vlag;              /* lag kept while off a queue */
	int64_t resid;             /* remainder of calc_delta_fair, so that
				      split updates add up exactly */
	int weight;
	int rq;                    /* pCPU whose queue holds it (or runs it); -1 */
	int queued;                /* on rq's list (not running) */
	int fresh;                 /* never enqueued: ENQUEUE_INITIAL */
	int put_cpu;               /* pCPU it just left in put_prev; -1 */
	int deq_cpu;               /* pCPU whose queue eev_dequeue took it from */
	int64_t last_ran;          /* when it last stopped running (task_hot) */
	long stop_load;            /* its queue's load, itself included, when it last stopped */
};

struct eev_cpu {
	struct entity *head;       /* queued entities (not the running one) */
	int nr;                    /* entities queued */
	long load;                 /* sum of their weights */
	int64_t min_vruntime;      /* monotonic base of the keys; V when empty */
	struct entity *acct_e;     /* the running entity curr_ran is about */
	int64_t curr_ran;          /* part of sched_ran() already charged */
	struct entity *parity;     /* picked entity and its deadline then */
	int64_t parity_deadline;   /* (the set_next_entity HACK) */
	uint64_t npull;            /* entities pulled here by balancing */
	evq_handle tick_ev;        /* hrtick=0: the next tick that can act */
	uint64_t ntick_resched;    /* preemptions by the tick */
	int nr_failed[SD_NLEVELS]; /* its domains' nr_balance_failed, by level */
};

struct eev {
	int64_t base_slice;
	int run_to_parity;
	int place_lag;
	int delay_dequeue;         /* Linux 6.12+ DELAY_DEQUEUE, DELAY_ZERO */
	int balance_failed;        /* failed balance passes relax its limits */
	int hz;
	int hrtick;
	int64_t tick_ns;           /* TICK_NSEC = (10^9 + HZ/2) / HZ */
	int64_t balance_interval;
	uint64_t tick;             /* balance passes so far */
};

static inline struct eev_ent *EP(const struct entity *e)
{
	return e->priv;
}

static inline struct eev_cpu *CP(const struct cpu *c)
{
	return c->priv;
}


/* One load_balance() pass for pCPU t at one level: groups are the pCPUs
** of t's node, or the nodes.  Returns the number of entities pulled.
** newidle: t is picking now (newidle_balance), so it needs no kick. */
int eev_balance(struct sched *s, int t, int lvl, int newidle);
void eev_balance_tick(void *ctx, void *obj, uint64_t arg);
long eev_cpu_load(const struct cpu *c);
/* shr_bound(w, n): w >> n, n capped below the width */
long eev_shr_bound(long w, int n);
/* The eligible entity with the earliest deadline among c's queue and
** curr (pick_eevdf); curr may be NULL.  Falls back to the leftmost
** (smallest vruntime) entity as the kernel does. */
struct entity *eev_pick_eevdf(struct sched *s, struct cpu *c, struct entity *curr);
/* Give e (not counted in c's V) its vruntime and deadline on c. */
void eev_place_entity(struct sched *s, struct cpu *c, struct entity *e, int initial);
void eev_queue_add(struct cpu *c, struct entity *e);
void eev_queue_del(struct cpu *c, struct entity *e);
/* Charge the running entity's time since the last update (update_curr). */
void eev_update_curr(struct sched *s, struct cpu *c);
/* update_curr() on c's queue from a queue operation that is not a
** wake-up (migration, co-scheduling's dequeue): a running entity whose
** request is used up gets a new one, and c reschedules if others are
** queued (update_deadline's nr_running > 1).  Only with hrtick=0: with
** hrtick=1 the slice ends as v_i reaches d_i. */
void eev_update_curr_request(struct sched *s, struct cpu *c);
/* vl_i = V - v_i clamped to +-calc_delta_fair(max(2 r, TICK_NSEC))
** (update_entity_lag); e must still count in V. */
void eev_update_entity_lag(struct sched *s, struct cpu *c, struct entity *e);
/* min_vruntime = max(min_vruntime, min(v_curr, v_leftmost)) */
void eev_update_min_vruntime(struct cpu *c);

#endif
