/*
** Linux CFS under strict co-scheduling (models/cosched.c): the dequeue
** and pick_given hooks; see models/sched_cfs.c.
*/
#include "models/sched_cfs.h"
#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The dequeue hook: take READY e off its queue as dequeue_entity does,
** keeping its lag relative to the queue's min_vruntime (detached).
** O(log n). */
void cfs_dequeue(struct sched *s, struct entity *e)
{
	struct cfs_ent *ce = ce_of(e);
	if (!ce->on_rq)
		return;
	struct rq *rq = rq_of(s, ce->rq);
	if (rq->put == e)
		rq->put = NULL;
	cfs_dequeue_entity(s, rq, ce);
	ce->vruntime -= rq->min_vruntime;
}

/* The pick_given hook: detached e becomes idle c's curr, as
** pick_next_task_fair would have made it: counted in c's queue's
** nr_running and load, its lag renormalised to that queue
** (set_task_cpu), its run charged from now, c ticking.  The gang's
** slice, if it has one, ends it by itself (no tick preemption).  O(1). */
void cfs_pick_given(struct sched *s, struct cpu *c, struct entity *e, int64_t slice)
{
	struct cfs *f = s->priv;
	struct cfs_ent *ce = ce_of(e);
	struct rq *rq = c->priv;
	int64_t now = now_of(s);
	assert(!ce->on_rq && !rq->curr && "co-started an entity still queued, or on a busy pCPU");
	cfs_idle_ends(f, rq, now);
	ce->vruntime += rq->min_vruntime;
	cfs_account_enqueue(s, rq, ce);
	rq->curr = e;
	rq->exec_start = now;
	ce->prev_sum_exec = ce->sum_exec;
	rq->hrtick_armed = slice >= 0;
	cfs_timer_by(s, c, cfs_next_tick(f, now));
}
