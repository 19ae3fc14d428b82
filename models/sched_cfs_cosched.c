/*
** Linux CFS under strict co-scheduling (models/cosched.c): the dequeue
** hook and the adoption of an entity the framework started on a pCPU
** without pick_next; see models/sched_cfs.c.
*/
#include "models/sched_cfs.h"
#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------- co-scheduling --- */

static void adopt_event(void *ctx, void *obj, uint64_t arg);

/* The dequeue hook (strict co-scheduling, models/cosched.c): take READY e
** off its queue as dequeue_entity does, keeping its lag relative to the
** queue's min_vruntime.  The framework starts it right after on a pCPU of
** its choosing, without pick_next; adopt_started then makes it that
** pCPU's curr.  An event at this instant makes sure that happens before
** time moves on.  O(log n + detached). */
void cfs_dequeue(struct sched *s, struct entity *e)
{
	struct cfs *f = s->priv;
	struct cfs_ent *ce = ce_of(e);
	cfs_adopt_started(s);
	if (!ce->on_rq)
		return;
	struct rq *rq = rq_of(s, ce->rq);
	if (rq->curr == e) {
		/* held (picked, handed back unstarted) and not queued again yet */
		cfs_update_curr(s, rq);
		rq->curr = NULL;
	}
	if (rq->put == e)
		rq->put = NULL;
	cfs_dequeue_entity(s, rq, ce);
	ce->vruntime -= rq->min_vruntime;
	ce->dnext = NULL;
	struct cfs_ent **tail = &f->detached;
	while (*tail)
		tail = &(*tail)->dnext;
	*tail = ce;
	if (f->adopt_ev == EVQ_NONE)
		f->adopt_ev = world_at(s->w, now_of(s), adopt_event, NULL, 0);
}

/* Every detached entity the framework has started since becomes the curr
** of the pCPU it runs on: counted in that queue's nr_running and load,
** its lag renormalised to the queue (set_task_cpu), its run charged from
** its dispatch (sched_ran), the pCPU ticking.  Called first in every hook
** and timer, so the policy never meets a pCPU running an entity it does
** not know.  O(detached): nothing without strict co-scheduling. */
void cfs_adopt_started(struct sched *s)
{
	struct cfs *f = s->priv;
	struct cfs_ent **pp = &f->detached;
	while (*pp) {
		struct cfs_ent *ce = *pp;
		struct entity *e = ce->e;
		if (e->state != ENT_RUNNING) {	/* dequeued, not started yet */
			pp = &ce->dnext;
			continue;
		}
		*pp = ce->dnext;
		ce->dnext = NULL;
		struct cpu *c = &s->cpu[e->cpu];
		struct rq *rq = c->priv;
		int64_t now = now_of(s);
		assert(c->curr == e && !rq->curr && "co-started on a pCPU the policy thinks busy");
		cfs_idle_ends(f, rq, now);
		ce->vruntime += rq->min_vruntime;
		cfs_account_enqueue(s, rq, ce);
		rq->curr = e;
		rq->exec_start = now - sched_ran(s, c);
		ce->prev_sum_exec = ce->sum_exec;
		rq->hrtick_armed = c->slice_end != INT64_MAX;	/* the gang's slice ends by itself */
		cfs_update_curr(s, rq);
		cfs_timer_by(s, c, cfs_next_tick(f, now));
	}
}

static void adopt_event(void *ctx, void *obj, uint64_t arg)
{
	struct sched *s = &((struct world *)ctx)->sched;
	struct cfs *f = s->priv;
	(void)obj;
	(void)arg;
	f->adopt_ev = EVQ_NONE;
	cfs_adopt_started(s);
	/* one never started (the framework always starts what it dequeues)
	** goes back to its queue rather than being lost */
	while (f->detached) {
		struct cfs_ent *ce = f->detached;
		struct rq *rq = rq_of(s, ce->rq);
		f->detached = ce->dnext;
		ce->dnext = NULL;
		ce->vruntime += rq->min_vruntime;
		cfs_enqueue_entity(s, rq, ce, ENQ_PLAIN);
		cfs_nudge(s, rq, ce);
	}
}
