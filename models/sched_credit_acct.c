/*
** Xen 3.3.0 credit: the accounting (csched_acct: credits by weight and cap,
** UNDER/OVER, parking) and the ticks that debit the running VCPUs
** (csched_tick, sampled or exact); the policy: models/sched_credit.c.
*/
#include "models/sched_credit.h"
#include "models/sched.h"
#include "models/vm.h"
#include "models/world.h"
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------ accounting --- */

/* __csched_vcpu_acct_start */
static void acct_start(struct csched *p, struct cvcpu *svc)
{
	struct cdom *d = svc->sdom;
	if (!link_empty(&svc->active_elem))
		return;
	svc->state_active++;
	d->active_vcpu_count++;
	link_add(&svc->active_elem, &d->active_vcpu);
	if (link_empty(&d->active_elem)) {
		link_add(&d->active_elem, &p->active_dom);
		p->weight += d->weight;
	}
}

/* __csched_vcpu_acct_stop_locked */
static void acct_stop(struct csched *p, struct cvcpu *svc)
{
	struct cdom *d = svc->sdom;
	svc->state_idle++;
	d->active_vcpu_count--;
	link_del_init(&svc->active_elem);
	if (link_empty(&d->active_vcpu)) {
		link_del_init(&d->active_elem);
		p->weight -= d->weight;
	}
}

/* burn_credits (4.0): debit the ns run since the last debit, rounded to
** the nearest credit; the remainder is carried (4.0 keeps it in
** start_time). */
void csched_burn(struct csched *p, struct cvcpu *svc, int64_t ran)
{
	int64_t d = svc->carry + (ran - svc->charged);
	svc->charged = ran;
	if (d <= 0) {
		svc->carry = d;
		return;
	}
	int64_t credits = (d * p->credits_per_tick + p->tick / 2) / p->tick;
	svc->credit -= (int)credits;
	svc->carry = d - credits * p->tick / p->credits_per_tick;
}

/* Pause a VCPU of a capped domain (vcpu_pause_nosync). */
static void park(struct sched *s, struct cvcpu *svc)
{
	struct entity *e = svc->e;
	svc->parked = true;
	if (e->state == ENT_RUNNING) {
		sched_kick(s, &s->cpu[e->cpu]);   /* it is held when it comes back */
	} else if (csched_on_runq(svc)) {
		csched_runq_remove(svc);
		svc->held = true;
	}
	/* a blocked one is held at its next wake-up */
}

/* vcpu_unpause -> vcpu_wake; the flag is cleared after the wake so that
** the VCPU is not boosted. */
static void unpark(struct sched *s, struct cvcpu *svc)
{
	if (svc->held) {
		struct cpu *t = &s->cpu[svc->processor];
		svc->held = false;
		csched_runq_insert(spc_of(t), svc);
		csched_tickle(s, t, svc, true);
	}
	svc->parked = false;
}

/* csched_acct: share the period's credits among the active domains. */
void csched_acct(struct sched *s)
{
	struct csched *p = s->priv;
	uint32_t weight_total = p->weight;
	uint32_t credit_total = p->credit;
	const uint32_t per_acct = (uint32_t)p->credits_per_acct;

	/* converge the balance towards 0 when it drops negative */
	if (p->credit_balance < 0)
		credit_total += (uint32_t)-p->credit_balance;
	if (weight_total == 0) {
		p->credit_balance = 0;
		return;
	}
	uint32_t weight_left = weight_total;
	uint32_t credit_fair, credit_peak, credit_cap = 0;
	int credit_balance = 0, credit_xtra = 0;

	for (struct link *it = p->active_dom.next, *nx; it != &p->active_dom; it = nx) {
		nx = it->next;
		struct cdom *d = container(it, struct cdom, active_elem);
		uint32_t nv = (uint32_t)d->active_vcpu_count;
		weight_left -= d->weight;

		/* at most one period for each active VCPU, more only to
		** pay back the system's debt */
		credit_peak = nv * per_acct;
		if (p->credit_balance < 0)
			credit_peak += ((uint32_t)-p->credit_balance * d->weight + (weight_total - 1)) / weight_total;
		if (d->cap != 0) {
			credit_cap = (d->cap * per_acct + 99) / 100;
			if (credit_cap < credit_peak)
				credit_peak = credit_cap;
			credit_cap = (credit_cap + (nv - 1)) / nv;
		}
		credit_fair = (credit_total * d->weight + (weight_total - 1)) / weight_total;
		if (credit_fair < credit_peak) {
			credit_xtra = 1;
		} else {
			/* give the domains still to come what this one cannot use */
			if (weight_left != 0)
				credit_total += ((credit_fair - credit_peak) * weight_total + (weight_left - 1)) /
						weight_left;
			if (credit_xtra) {
				/* domains with spare credits go first next time */
				link_del_init(&d->active_elem);
				link_add(&d->active_elem, &p->active_dom);
			}
			credit_fair = credit_peak;
		}
		credit_fair = (credit_fair + (nv - 1)) / nv;

		for (struct link *iv = d->active_vcpu.next, *nv2; iv != &d->active_vcpu; iv = nv2) {
			nv2 = iv->next;
			struct cvcpu *svc = container(iv, struct cvcpu, active_elem);
			svc->credit += (int)credit_fair;
			int credit = svc->credit;
			if (credit < 0) {
				svc->pri = PRI_OVER;
				/* 3.3.0 compares credit < -credit_cap as unsigned; for a
				** negative credit and credit_cap > 0 that is the signed order */
				if (d->cap != 0 && credit < -(int)credit_cap && !svc->parked)
					park(s, svc);
				if (credit < -p->credits_per_tslice) {
					credit = -p->credits_per_tslice;
					svc->credit = credit;
				}
			} else {
				svc->pri = PRI_UNDER;
				if (svc->parked)
					unpark(s, svc);
				/* an idling VCPU stops earning */
				if (credit > p->credits_per_tslice) {
					acct_stop(p, svc);
					credit = 0;
					svc->credit = 0;
				}
			}
			svc->credit_last = credit;
			svc->credit_incr = credit_fair;
			credit_balance += credit;
		}
	}
	p->credit_balance = credit_balance;
	p->runq_sort++;   /* every pCPU re-sorts at its next tick */
}

/* csched_runq_sort: move UNDER (and BOOST) VCPUs ahead of OVER ones, in
** one pass, once per accounting. */
void csched_runq_sort(struct csched *p, struct cpcpu *spc)
{
	if (spc->runq_sort_last == p->runq_sort)
		return;
	spc->runq_sort_last = p->runq_sort;
	struct link *runq = &spc->runq, *last_under = runq;
	for (struct link *el = runq->next, *nx; el != runq; el = nx) {
		nx = el->next;
		if (runq_elem(el)->pri >= PRI_UNDER) {
			if (el->prev != last_under) {
				link_del_init(el);
				link_add(el, last_under);
			}
			last_under = el;
		}
	}
}

/* csched_vcpu_acct: the tick found e running on c. */
static void vcpu_acct(struct sched *s, struct cpu *c)
{
	struct csched *p = s->priv;
	struct entity *e = c->curr;
	struct cvcpu *svc = svc_of(e);
	if (svc->processor != c->id)
		csched_set_processor(s, svc, c->id);   /* co-started here */
	/* consuming CPU: no longer boosted */
	if (svc->pri == PRI_BOOST)
		svc->pri = PRI_UNDER;
	if (p->exact)
		csched_burn(p, svc, sched_ran(s, c));
	else
		svc->credit -= p->credits_per_tick;
	if (link_empty(&svc->active_elem)) {
		acct_start(p, svc);
	} else if (csched_cpu_pick(s, e, svc) != c->id) {
		svc->migrate_r++;
		svc->migrating = true;
		sched_kick(s, c);
	}
}

/* csched_tick */
void csched_credit_tick(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct cpu *c = obj;
	struct sched *s = &w->sched;
	struct csched *p = s->priv;
	struct cpcpu *spc = spc_of(c);
	(void)arg;
	spc->tick++;
	if (c->curr)
		vcpu_acct(s, c);
	if (c->id == p->master && spc->tick % (uint32_t)p->ticks_per_acct == 0)
		csched_acct(s);
	csched_runq_sort(p, spc);
	world_at(w, world_now(w) + p->tick, csched_credit_tick, c, 0);
}

/* The idle VCPU's slice ended: schedule again (and look for work). */
void csched_idle_slice_end(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct cpu *c = obj;
	(void)arg;
	spc_of(c)->idle_ev = EVQ_NONE;
	if (!c->curr)
		sched_resched(&w->sched, c);
}
