/*
** Xen credit2 (models/sched_credit2.c): the run-queue, pCPU and VCPU
** state and what the policy and its balancer (models/sched_credit2_balance.c)
** call in each other.  Internal to the credit2 model.
*/
#ifndef HVSIM_SCHED_CREDIT2_H
#define HVSIM_SCHED_CREDIT2_H

#include "models/sched.h"
#include "models/vm.h"
#include "models/world.h"
#include <math.h>
#include <stdlib.h>

#define CREDIT_INIT            10000000                /* 10 ms */
#define CREDIT_MIN             (-CREDIT_INIT)
#define IDLE_CREDIT            (CREDIT_MIN - 1)
#define MIN_TIMER              500000                  /* 500 us */
#define CARRYOVER_MAX          MIN_TIMER
#define MIGRATE_COMPENSATION   50000                   /* 50 us */
#define RATELIMIT_TOLERANCE    50000                   /* 50 us */
#define CREDIT_RESET           0
#define MAX_TIMER              CREDIT_INIT
#define LOAD_WINDOW            1073741824.0            /* 2^30 ns */
#define UNDERLOAD_TOLERANCE    1.0                     /* 1 << (P + 0) */
#define OVERLOAD_TOLERANCE     0.125                   /* 1 << (P - 3) */

struct c2_rq {
	int id;
	struct entity *runq;      /* waiting VCPUs, by credit, highest first */
	struct entity *svc;       /* every VCPU assigned here (c2_ent.svc_next) */
	struct cpuset active;     /* its pCPUs */
	int nr_cpus;
	int max_weight;
	int pick_bias;            /* last pCPU handed out by res_pick/migrate */
	int load;                 /* runnable VCPUs now (running + waiting) */
	int64_t load_last_update;
	double avgload, b_avgload;
	uint64_t nreset, nmigrate_in;
};

struct c2_cpu {
	int rq;
	int tickled;              /* asked to schedule, has not yet */
	struct entity *prev;      /* the VCPU it just put back, and when */
	int64_t prev_time;

};

struct c2_ent {
	int64_t credit;
	int64_t residual;         /* remainder of t2c_update's division */
	int weight;
	int rq;                   /* assigned runqueue */
	int proc;                 /* Xen's sched_unit_master(): its pCPU */
	int queued;
	int running;              /* pCPU running it, -1 */
	int64_t start_time;       /* credit burnt up to here */
	int64_t run_since;        /* state_entry_time of its running state */
	int64_t stop_time;        /* when it last stopped running, and where */
	int stop_cpu;
	int tickled_cpu;          /* pCPU asked to pick it, -1 */
	int wake_preempt;         /* select_cpu chose a busy pCPU to preempt */
	int migrate_rq;           /* balance asked it to move there, -1 */
	double avgload;
	int64_t load_last_update;
	struct entity *svc_next;
};

struct c2 {
	struct c2_rq *rq;
	int nrq;
	int64_t ratelimit;
	int64_t migrate_resist;
};

static inline struct c2_ent *EP(const struct entity *e)
{
	return e->priv;
}

static inline struct c2_cpu *CP(const struct cpu *c)
{
	return c->priv;
}

struct balance_state {
	double load_delta;
	struct entity *push, *pull;
	struct c2_rq *lrq, *orq;
};



void c2_balance_load(struct sched *s, struct c2_rq *lrq, int64_t now);
void c2_consider(struct balance_state *st, struct entity *push, struct entity *pull);
/* Move e to runqueue `to` (migrate()): now if it is not running, else
** when it next stops (put_prev). */
void c2_migrate(struct sched *s, struct entity *e, struct c2_rq *to, int64_t now);
/* The first pCPU after n (cyclically, n itself last) that is in rq and
** allowed for e (cpumask_cycle); -1 if none. */
int c2_cycle(const struct sched *s, const struct c2_rq *rq, const struct entity *e, int n);
int c2_rq_allows(const struct sched *s, const struct c2_rq *rq, const struct entity *e);
struct c2_rq *c2_rq_of(struct sched *s, const struct entity *e);
void c2_runq_assign(struct sched *s, struct entity *e, int r);
void c2_runq_deassign(struct sched *s, struct entity *e);
void c2_runq_insert(struct c2_rq *rq, struct entity *e);
void c2_runq_remove(struct c2_rq *rq, struct entity *e);
/* Tickle for e outside the wake-up path: the chosen pCPU reschedules. */
void c2_tickle(struct sched *s, struct entity *e, int skip);
void c2_tickle_cpu(struct sched *s, int i);
void c2_update_load(struct c2_rq *rq, struct entity *e, int change, int64_t now);
void c2_update_runq_load(struct c2_rq *rq, int change, int64_t now);
/* change -1: it was runnable until now; +1: it was not; 0: as it is */
void c2_update_svc_load(struct entity *e, int change, int64_t now);

#endif
