/*
** CPU-burst jobs (see wl_burst.h).  Open: interarrival times are
** exponential with mean 1/rate (a Poisson process), each job one burst.
** Closed: each of N users thinks, then submits one burst and waits for
** it: the "terminal" system of Lazowska et al., Quantitative System
** Performance, ch. 6, solved exactly by MVA.
*/
#include "models/wl_burst.h"
#include "sim/dist.h"
#include "sim/world.h"

#include <errno.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>

static void count(struct burst *b, int64_t now, int delta)
{
	b->area += (double)b->nsys * (double)stats_overlap(b->last, now, b->w->batches.t0, b->w->batches.t1);
	b->last = now;
	b->nsys += delta;
}

static void submit(struct burst *b, struct entity *e)
{
	struct world *w = b->w;
	int64_t now = world_now(w);
	e->tag = now;
	count(b, now, +1);
	b->arrivals += now >= w->batches.t0 && now < w->batches.t1;
	sched_wake(&w->sched, e, dist_sample(&b->cfg->demand, b->r_demand, &b->cur_demand));
}

static void user_wake(void *ctx, void *obj, uint64_t arg)
{
	struct entity *e = obj;
	(void)ctx;
	(void)arg;
	submit(e->owner, e);
}

static void think(struct burst *b, struct entity *e)
{
	double t = dist_sample(&b->cfg->think, b->r_think, &b->cur_think);
	world_at(b->w, world_now(b->w) + (int64_t)(t + 0.5), user_wake, e, 0);  /* failure marks the world */
}

/* A job's burst is over: record its response time; a closed user thinks
** again, an open job's entity goes back to the pool.  Either blocks. */
static double job_done(struct world *w, struct entity *e)
{
	struct burst *b = e->owner;
	int64_t now = world_now(w);
	tally_add(&b->resp, now, (double)(now - e->tag) / 1e9);
	count(b, now, -1);
	if (b->cfg->closed) {
		think(b, e);
		return -1;
	}
	if (b->npool == b->cappool) {
		int cap = b->cappool ? 2 * b->cappool : 16;
		struct entity **np = realloc(b->pool, (size_t)cap * sizeof *np);
		if (!np) {
			world_fail(w);
			return -1;
		}
		b->pool = np;
		b->cappool = cap;
	}
	b->pool[b->npool++] = e;
	return -1;
}

static void arrive(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct burst *b = obj;
	(void)arg;
	struct entity *e = b->npool ? b->pool[--b->npool] : NULL;
	if (!e) {
		e = world_entity(w, b->cfg->name, b->njobs++, b);
		if (!e || world_attach(w, e)) {
			world_fail(w);
			return;
		}
		e->done = job_done;
	}
	submit(b, e);
	world_at(w, world_now(w) + (int64_t)(gsl_ran_exponential(b->r_arrive, 1e9 / b->cfg->rate) + 0.5),
		 arrive, b, 0);
}

int burst_build(struct burst *b, struct world *w, const struct scn_workload *cfg)
{
	b->w = w;
	b->cfg = cfg;
	char purpose[160];
	snprintf(purpose, sizeof purpose, "workload:%s:arrivals", cfg->name);
	b->r_arrive = world_rng(w, purpose, 0);
	snprintf(purpose, sizeof purpose, "workload:%s:demand", cfg->name);
	b->r_demand = world_rng(w, purpose, 0);
	snprintf(purpose, sizeof purpose, "workload:%s:think", cfg->name);
	b->r_think = world_rng(w, purpose, 0);
	if (!b->r_arrive || !b->r_demand || !b->r_think || tally_init(&b->resp, &w->batches))
		return -ENOMEM;
	if (!cfg->closed) {
		if (!world_at(w, (int64_t)(gsl_ran_exponential(b->r_arrive, 1e9 / cfg->rate) + 0.5), arrive, b, 0))
			return -ENOMEM;
		return 0;
	}
	for (int i = 0; i < cfg->users; i++) {
		struct entity *e = world_entity(w, cfg->name, i, b);
		if (!e || world_attach(w, e))
			return -ENOMEM;
		e->done = job_done;
		b->njobs++;
		think(b, e);
	}
	return 0;
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
	free(b->pool);
	b->pool = NULL;
}
