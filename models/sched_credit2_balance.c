/*
** Xen credit2: load balancing between run queues (balance_load:
** the load window, push/pull/swap of VCPUs); the policy:
** models/sched_credit2.c.
*/
#include "models/sched_credit2.h"
#include "models/sched.h"
#include "models/vm.h"
#include "models/world.h"
#include <math.h>
#include <stdlib.h>

/* -------------------------------------------------------- balancing --- */

static int migrateable(const struct sched *s, const struct entity *e, const struct c2_rq *to)
{
	return EP(e)->migrate_rq < 0 && c2_rq_allows(s, to, e);
}

/* Move e to runqueue `to` (migrate()): now if it is not running, else
** when it next stops (put_prev). */
void c2_migrate(struct sched *s, struct entity *e, struct c2_rq *to, int64_t now)
{
	struct c2_ent *ep = EP(e);
	if (ep->running >= 0) {
		ep->migrate_rq = to->id;
		c2_tickle_cpu(s, ep->running);
		return;
	}
	int on_runq = ep->queued;
	if (on_runq) {
		c2_runq_remove(c2_rq_of(s, e), e);
		c2_update_load(c2_rq_of(s, e), NULL, -1, now);
	}
	c2_runq_deassign(s, e);
	ep->proc = c2_cycle(s, to, e, to->pick_bias);
	to->pick_bias = ep->proc;
	c2_runq_assign(s, e, to->id);
	to->nmigrate_in++;
	if (on_runq) {
		c2_update_load(to, NULL, 1, now);
		c2_runq_insert(to, e);
		c2_tickle(s, e, -1);
	}
}

void c2_consider(struct balance_state *st, struct entity *push, struct entity *pull)
{
	double l = st->lrq->b_avgload, o = st->orq->b_avgload;
	if (push) {
		l -= EP(push)->avgload;
		o += EP(push)->avgload;
	}
	if (pull) {
		l += EP(pull)->avgload;
		o -= EP(pull)->avgload;
	}
	double delta = fabs(l - o);
	if (delta < st->load_delta) {
		st->load_delta = delta;
		st->push = push;
		st->pull = pull;
	}
}

void c2_balance_load(struct sched *s, struct c2_rq *lrq, int64_t now)
{
	struct c2 *p = s->priv;
	struct balance_state st = { 0, NULL, NULL, lrq, NULL };
	c2_update_runq_load(lrq, 0, now);
	for (int r = 0; r < p->nrq; r++) {
		struct c2_rq *o = &p->rq[r];
		if (o == lrq)
			continue;
		c2_update_runq_load(o, 0, now);
		double delta = fabs(lrq->b_avgload - o->b_avgload);
		if (delta > st.load_delta) {
			st.load_delta = delta;
			st.orq = o;
		}
	}
	if (!st.orq)
		return;
	double load_max = lrq->b_avgload > st.orq->b_avgload ? lrq->b_avgload : st.orq->b_avgload;
	int cpus_max = lrq->nr_cpus > st.orq->nr_cpus ? lrq->nr_cpus : st.orq->nr_cpus;
	if (st.load_delta < (load_max < cpus_max ? UNDERLOAD_TOLERANCE : OVERLOAD_TOLERANCE))
		return;
	for (struct entity *e = lrq->svc; e; e = EP(e)->svc_next)
		c2_update_svc_load(e, 0, now);
	for (struct entity *e = st.orq->svc; e; e = EP(e)->svc_next)
		c2_update_svc_load(e, 0, now);
	/* every swap, push and pull of one VCPU: O(n^2), as in Xen */
	for (struct entity *push = lrq->svc; push; push = EP(push)->svc_next) {
		if (!migrateable(s, push, st.orq))
			continue;
		for (struct entity *pull = st.orq->svc; pull; pull = EP(pull)->svc_next)
			if (migrateable(s, pull, lrq))
				c2_consider(&st, push, pull);
		c2_consider(&st, push, NULL);
	}
	for (struct entity *pull = st.orq->svc; pull; pull = EP(pull)->svc_next)
		if (migrateable(s, pull, lrq))
			c2_consider(&st, NULL, pull);
	if (st.push)
		c2_migrate(s, st.push, st.orq, now);
	if (st.pull)
		c2_migrate(s, st.pull, lrq, now);
}
