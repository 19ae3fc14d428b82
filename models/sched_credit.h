/*
** Xen 3.3.0 credit (models/sched_credit.c): the VCPU, pCPU and domain
** state and what the policy and its accounting (models/sched_credit_acct.c)
** call in each other.  Internal to the credit model.
*/
#ifndef HVSIM_SCHED_CREDIT_H
#define HVSIM_SCHED_CREDIT_H

#include "models/sched.h"
#include "models/vm.h"
#include "models/world.h"
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum {
	PRI_BOOST = 0,      /* CSCHED_PRI_TS_BOOST: time-share waking up */
	PRI_UNDER = -1,     /* CSCHED_PRI_TS_UNDER: with credits */
	PRI_OVER = -2,      /* CSCHED_PRI_TS_OVER: without credits */
	PRI_IDLE = -64,     /* CSCHED_PRI_IDLE */
};

#define DEFAULT_WEIGHT 256

/* Doubly linked lists as Xen's list_head: O(1) removal from the middle. */
struct link {
	struct link *prev, *next;
};

static inline void link_init(struct link *l)
{
	l->prev = l->next = l;
}

static inline bool link_empty(const struct link *l)
{
	return l->next == l;
}

/* Insert n between a and b. */
static inline void link_between(struct link *n, struct link *a, struct link *b)
{
	n->prev = a;
	n->next = b;
	a->next = n;
	b->prev = n;
}

/* list_add: n right after head (at the front). */
static inline void link_add(struct link *n, struct link *head)
{
	link_between(n, head, head->next);
}

/* list_add_tail: n right before pos (at the back when pos is the head). */
static inline void link_add_tail(struct link *n, struct link *pos)
{
	link_between(n, pos->prev, pos);
}

static inline void link_del_init(struct link *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	link_init(n);
}

#define container(p, type, member) ((type *)(void *)((char *)(p) - offsetof(type, member)))

/* csched_dom: a VM, or a host entity that is its own domain. */
struct cdom {
	struct link active_vcpu;     /* its active VCPUs */
	struct link active_elem;     /* in the active domains */
	int active_vcpu_count;
	uint32_t weight, cap;
	int vcpu0_cpu;               /* where VCPU 0 was created */
	const char *name;
};

/* csched_vcpu: the policy's data of an entity. */
struct cvcpu {
	struct link runq_elem;
	struct link active_elem;
	struct cdom *sdom;
	struct cdom own;             /* the domain, in a host entity or a VM's VCPU 0 */
	struct entity *e;
	int credit;
	int pri;
	int processor;               /* vc->processor: the queue it joins */
	bool parked;                 /* CSCHED_FLAG_VCPU_PARKED */
	bool held;                   /* parked while runnable: on no queue */
	bool migrating;              /* _VPF_migrating */
	int64_t charged;             /* exact: ns of the current run already debited */
	int64_t carry;               /* exact: ns run but not yet debited */
	/* CSCHED_STATS, for the dump */
	int credit_last;
	uint32_t credit_incr, state_active, state_idle, migrate_q, migrate_r;
};

/* csched_pcpu */
struct cpcpu {
	struct link runq;
	uint32_t runq_sort_last;
	uint32_t tick;
	int nproc;                   /* entities whose processor is this pCPU */
	evq_handle idle_ev;          /* the idle pCPU's slice end */
};

/* csched_private */
struct csched {
	struct link active_dom;
	int master;
	struct cpuset idlers;
	uint32_t weight;             /* of the active domains */
	uint32_t credit;             /* credits per accounting, all pCPUs */
	int credit_balance;
	uint32_t runq_sort;
	/* parameters */
	int64_t tick, tslice;
	int ticks_per_acct;
	int credits_per_tick, credits_per_tslice, credits_per_acct;
	int exact;
};

static inline struct cvcpu *svc_of(const struct entity *e)
{
	return e->priv;
}

static inline struct cpcpu *spc_of(const struct cpu *c)
{
	return c->priv;
}

static inline struct cvcpu *runq_elem(struct link *l)
{
	return container(l, struct cvcpu, runq_elem);
}


/* csched_acct: share the period's credits among the active domains. */
void csched_acct(struct sched *s);
/* burn_credits (4.0): debit the ns run since the last debit, rounded to
** the nearest credit; the remainder is carried (4.0 keeps it in
** start_time). */
void csched_burn(struct csched *p, struct cvcpu *svc, int64_t ran);
/* csched_tick */
void csched_credit_tick(void *ctx, void *obj, uint64_t arg);
/* The idle VCPU's slice ended: schedule again (and look for work). */
void csched_idle_slice_end(void *ctx, void *obj, uint64_t arg);
/* csched_runq_sort: move UNDER (and BOOST) VCPUs ahead of OVER ones, in
** one pass, once per accounting. */
void csched_runq_sort(struct csched *p, struct cpcpu *spc);
/* csched_cpu_pick: from the VCPU's processor (or the next allowed pCPU),
** move to another idle allowed pCPU only when its socket has strictly
** more idle pCPUs, counting the start as idle; within a socket (no SMT
** siblings) never. */
int csched_cpu_pick(const struct sched *s, const struct entity *e, const struct cvcpu *svc);
bool csched_on_runq(const struct cvcpu *svc);
/* __runq_insert: after every VCPU of equal or higher priority. */
void csched_runq_insert(struct cpcpu *spc, struct cvcpu *svc);
void csched_runq_remove(struct cvcpu *svc);
/* Track vc->processor and how many entities each pCPU holds (for
** default_vcpu0_location). */
void csched_set_processor(struct sched *s, struct cvcpu *svc, int cpu);
/* __runq_tickle, for a VCPU just queued on t.  local: also preempt t when
** the waker has strictly higher priority (the framework does that itself
** for a wake-up through check_preempt and for an idle pCPU it picks on). */
void csched_tickle(struct sched *s, struct cpu *t, struct cvcpu *svc, bool local);

#endif
