/*
** CPU-burst jobs (see wl_burst.h).  Open: interarrival times are
** exponential with mean 1/rate (a Poisson process), each job one burst.
** Closed: each of N users thinks, then submits one burst and waits for
** it: the "terminal" system of Lazowska et al., Quantitative System
** Performance, ch. 6, solved exactly by MVA.
*/
#include "models/wl_burst.h"
#include "sim/scenario/dist.h"
#include "models/world.h"

#include <errno.h>
#include <stdlib.h>

static void count(struct burst *b, int64_t now, int delta)
{
	b->area += (double)b->nsys * (double)stats_overlap(b->last, now, b->w->batches.t0, b->w->batches.t1);
	b->last = now;
	b->nsys += delta;
}

static double demand(struct burst *b)
{
	return dist_sample(&b->cfg->demand, b->r_demand, &b->cur_demand);
}

static void arrived(struct burst *b, int64_t now)
{
	count(b, now, +1);
	b->arrivals += stats_measured(&b->w->batches, now);
}

/* A job is complete: record its response time. */
static void completed(struct burst *b, int64_t tag)
{
	int64_t now = world_now(b->w);
	tally_add(&b->resp, now, (double)(now - tag) / 1e9);
	qos_add(&b->qos, &b->w->scn->qos, &b->w->batches, now, now - tag);
	count(b, now, -1);
}

static int64_t think_time(struct burst *b)
{
	return dist_sample_ns(&b->cfg->think, b->r_think, &b->cur_think);
}

static int64_t interarrival(struct burst *b)
{
	return dist_exp_ns(b->r_arrive, 1e9 / b->cfg->rate);
}

static int grow(struct burst *b, size_t elem, void **arr)
{
	if (b->npool < b->cappool)
		return 0;
	int cap = b->cappool ? 2 * b->cappool : 16;
	void *na = realloc(*arr, (size_t)cap * elem);
	if (!na)
		return -ENOMEM;
	*arr = na;
	b->cappool = cap;
	return 0;
}

/* ------------------------------------------------------ host jobs --- */

/* Arrivals and the ends of think times are timers, never a task's or a
** device's wake-up: a host job's thread is woken on its own last pCPU (a
** guest job's VCPU on the woken VCPU's), as if it slept in nanosleep. */
static void host_submit(struct burst *b, struct entity *e)
{
	int64_t now = world_now(b->w);
	e->tag = now;
	arrived(b, now);
	sched_wake_from(&b->w->sched, e, demand(b), SCHED_WAKER_SELF);
}

static void user_wake(void *ctx, void *obj, uint64_t arg)
{
	struct entity *e = obj;
	(void)ctx;
	(void)arg;
	host_submit(e->owner, e);
}

/* A host job's burst is over: a closed user thinks again, an open job's
** entity goes back to the pool.  Either blocks. */
static double host_done(struct world *w, struct entity *e)
{
	struct burst *b = e->owner;
	completed(b, e->tag);
	if (b->cfg->closed) {
		world_at(w, world_now(w) + think_time(b), user_wake, e, 0);
	} else if (grow(b, sizeof *b->pool, (void **)&b->pool)) {
		world_fail(w);
	} else {
		b->pool[b->npool++] = e;
	}
	return -1;
}

static struct entity *host_job(struct burst *b)
{
	struct world *w = b->w;
	if (b->npool)
		return b->pool[--b->npool];
	struct entity *e = world_entity(w, b->name, b->njobs++, b);
	if (!e || world_attach(w, e))
		return NULL;
	e->done = host_done;
	return e;
}

/* ----------------------------------------------------- guest jobs --- */

static void guest_submit(struct burst *b, struct gjob *j)
{
	int64_t now = world_now(b->w);
	j->tag = now;
	j->work = demand(b);
	arrived(b, now);
	int from = sched_irq_from(&b->w->sched, SCHED_WAKER_SELF);
	vm_submit(b->w, b->vm, j);
	sched_irq_from(&b->w->sched, from);
}

static void guest_user_wake(void *ctx, void *obj, uint64_t arg)
{
	struct gjob *j = obj;
	(void)ctx;
	(void)arg;
	guest_submit(j->owner, j);
}

static void guest_done(struct world *w, struct gjob *j)
{
	struct burst *b = j->owner;
	completed(b, j->tag);
	if (b->cfg->closed)
		world_at(w, world_now(w) + think_time(b), guest_user_wake, j, 0);
	else if (grow(b, sizeof *b->gpool, (void **)&b->gpool))
		world_fail(w);
	else
		b->gpool[b->npool++] = j;
}

static struct gjob *guest_job(struct burst *b)
{
	if (b->npool)
		return b->gpool[--b->npool];
	if ((b->nall & (b->nall - 1)) == 0) {
		/* grow `all` at powers of two */
		struct gjob **na = realloc(b->all, (size_t)(b->nall ? 2 * b->nall : 1) * sizeof *na);
		if (!na)
			return NULL;
		b->all = na;
	}
	struct gjob *j = calloc(1, sizeof *j);
	if (!j)
		return NULL;
	b->all[b->nall++] = j;
	j->owner = b;
	j->done = guest_done;
	b->njobs++;
	return j;
}

/* ---------------------------------------------------------- common --- */

static void arrive(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct burst *b = obj;
	(void)arg;
	if (b->vm) {
		struct gjob *j = guest_job(b);
		if (!j) {
			world_fail(w);
			return;
		}
		guest_submit(b, j);
	} else {
		struct entity *e = host_job(b);
		if (!e) {
			world_fail(w);
			return;
		}
		host_submit(b, e);
	}
	world_at(w, world_now(w) + interarrival(b), arrive, b, 0);
}

int burst_build(struct burst *b, struct world *w, const struct scn_workload *cfg, struct vm *vm)
{
	b->w = w;
	b->cfg = cfg;
	b->vm = vm;
	if (vm)
		snprintf(b->name, sizeof b->name, "%s/%s", vm->name, cfg->name);
	else
		snprintf(b->name, sizeof b->name, "%s", cfg->name);
	char purpose[200];
	snprintf(purpose, sizeof purpose, "workload:%s:arrivals", b->name);
	b->r_arrive = world_rng(w, purpose, 0);
	snprintf(purpose, sizeof purpose, "workload:%s:demand", b->name);
	b->r_demand = world_rng(w, purpose, 0);
	snprintf(purpose, sizeof purpose, "workload:%s:think", b->name);
	b->r_think = world_rng(w, purpose, 0);
	if (!b->r_arrive || !b->r_demand || !b->r_think || tally_init(&b->resp, &w->batches) ||
	    world_add_qos(w, cfg->name, vm, &b->qos))
		return -ENOMEM;
	if (!cfg->closed)
		return world_at(w, interarrival(b), arrive, b, 0) ? 0 : -ENOMEM;
	if (vm) {
		b->users = calloc((size_t)cfg->users, sizeof *b->users);
		if (!b->users)
			return -ENOMEM;
	}
	for (int i = 0; i < cfg->users; i++) {
		if (vm) {
			struct gjob *j = &b->users[i];
			j->owner = b;
			j->done = guest_done;
			world_at(w, think_time(b), guest_user_wake, j, 0);
		} else {
			struct entity *e = world_entity(w, b->name, i, b);
			if (!e || world_attach(w, e))
				return -ENOMEM;
			e->done = host_done;
			world_at(w, think_time(b), user_wake, e, 0);
		}
		b->njobs++;
	}
	return w->failed ? -ENOMEM : 0;
}

void burst_finish(struct burst *b, int64_t now)
{
	count(b, now, 0);
}

double burst_mean_jobs(const struct burst *b)
{
	double len = (double)(b->w->batches.t1 - b->w->batches.t0);
	return len > 0 ? b->area / len : 0;
}

void burst_free(struct burst *b)
{
	tally_free(&b->resp);
	for (int i = 0; i < b->nall; i++)
		free(b->all[i]);
	free(b->all);
	free(b->pool);
	free(b->gpool);
	free(b->users);
	b->pool = NULL;
	b->gpool = NULL;
	b->users = NULL;
}
