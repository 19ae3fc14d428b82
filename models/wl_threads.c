/*
** Modelled host threads (see wl_threads.h).
*/
#include "models/wl_threads.h"
#include "models/sched.h"
#include "models/actrec.h"
#include "models/world.h"
#include "sim/engine/cpulist.h"
#include "sim/engine/limits.h"

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A CPU-bound thread's one burst: more cycles than any run can use. */
#define ENDLESS 1e30

static int64_t draw(struct wl_thread *t, const int64_t *v, size_t n)
{
	return v[gsl_rng_uniform_int(t->rng, n)];
}

/* The thread becomes runnable (arg 1: after its wake-up path's cost). */
static void runnable(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct wl_thread *t = obj;
	(void)arg;
	if (t->ended)
		return;
	double cycles = t->m->cpu_bound ? ENDLESS : (double)draw(t, t->m->burst, t->m->nburst) * w->mach.rate;
	sched_wake(&w->sched, t->e, cycles);
}

/* Its sleep is over (arg 0: its start): the wake-up is recorded now, and
** it is runnable once its wake-up path's cost has passed. */
static void wake(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct wl_thread *t = obj;
	if (t->ended || world_now(w) >= t->end) {
		t->ended = 1;
		actrec_end(w, t->e);
		return;
	}
	actrec_wake(w, t->e);
	if (arg && t->m->wakeup_ns > 0) {
		if (world_at(w, world_now(w) + t->m->wakeup_ns, runnable, t, 1) == EVQ_NONE)
			world_fail(w);
		return;
	}
	runnable(ctx, obj, 0);
}

/* End of life: a running or waiting burst is cut (it completes now), a
** sleeping thread stays asleep. */
static void life_over(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct wl_thread *t = obj;
	(void)arg;
	t->ended = 1;
	if (t->e->state != ENT_BLOCKED)
		sched_set_work(&w->sched, t->e, 0);
	else
		actrec_end(w, t->e);
}

static double burst_done(struct world *w, struct entity *e)
{
	struct wl_thread *t = e->owner;
	int64_t now = world_now(w);
	t->bursts++;
	if (t->ended || now >= t->end) {
		t->ended = 1;   /* its last run is written; it never wakes again */
		return -1;
	}
	int64_t sleep = draw(t, t->m->sleep, t->m->nsleep);
	if (world_at(w, now + sleep, wake, t, 1) == EVQ_NONE)
		world_fail(w);
	return -1;
}

/* cpulist "0-3,6" (checked when the model was read: ids below
** TMODEL_CPU_LIMIT) -> e's affinity, the ids below ncpus; -1 if none
** fits. */
static int set_affinity(struct entity *e, const char *cpus, int ncpus)
{
	struct cpuset s;
	memset(&s, 0, sizeof s);
	int any = 0;
	long a, b;
	while (cpulist_next(&cpus, TMODEL_CPU_LIMIT, &a, &b) == 1)
		for (long c = a; c <= b && c < ncpus; c++) {
			cpuset_add(&s, (int)c);
			any = 1;
		}
	if (!any)
		return -1;
	e->affinity = s;
	return 0;
}

/* The most bursts m's threads can end in run_ns: a thread ends one at
** most every mean burst plus mean sleep (its draws are its recorded
** values, uniformly), over its life in the run. */
static double model_bursts(const struct tmodel *m, double run_ns)
{
	double n = 0;
	for (int i = 0; i < m->nth; i++) {
		const struct tm_thread *t = &m->th[i];
		if (t->cpu_bound || t->nburst == 0)
			continue;
		double b = 0, sl = 0;
		for (size_t k = 0; k < t->nburst; k++)
			b += (double)t->burst[k];
		for (size_t k = 0; k < t->nsleep; k++)
			sl += (double)t->sleep[k];
		double cycle = b / (double)t->nburst + (t->nsleep ? sl / (double)t->nsleep : 0);
		double life = t->life_ns > 0 && (double)t->life_ns < run_ns ? (double)t->life_ns : run_ns;
		n += cycle > 0 ? life / cycle : INFINITY;
	}
	return n;
}

int wl_threads_add(struct world *w, const struct scn_workload *cfg, struct diag *d)
{
	struct wl_threads **nt = realloc(w->thr, (size_t)(w->nthr + 1) * sizeof *nt);
	if (!nt)
		return -ENOMEM;
	w->thr = nt;
	struct wl_threads *wt = calloc(1, sizeof *wt);
	if (!wt)
		return -ENOMEM;
	w->thr[w->nthr++] = wt;
	wt->w = w;
	wt->cfg = cfg;
	int rc = tmodel_load(cfg->trace, d, &wt->model);
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		diag_error(d, cfg->loc.file, cfg->loc.line, "<workload %s>: the thread model '%s' could not be used (see above)",
			   cfg->name, cfg->trace);
		return -EINVAL;
	}
	/* bound the bursts over the run as a looped trace's
	** (sim/engine/limits.h): bursts and sleeps of 1ns ran for days */
	double run_ns = (double)w->scn->duration, bursts = model_bursts(&wt->model, run_ns);
	if (bursts > LIM_ARRIVALS) {
		diag_error(d, cfg->trace_loc.file, cfg->trace_loc.line,
			   "<threads file>: expected at most " LIM_ARRIVALS_TEXT " bursts over the run, got %.3g (each "
			   "thread's life in the run's %.6gs over its mean burst plus sleep in '%s')",
			   bursts, run_ns / 1e9, cfg->trace);
		return -EINVAL;
	}
	/* tmodel_load gives at least one thread (said so for the compiler) */
	wt->th = calloc(wt->model.nth > 0 ? (size_t)wt->model.nth : 1, sizeof *wt->th);
	if (!wt->th)
		return -ENOMEM;
	for (int i = 0; i < wt->model.nth; i++) {
		struct wl_thread *t = &wt->th[i];
		const struct tm_thread *m = &wt->model.th[i];
		t->wt = wt;
		t->m = m;
		t->end = m->life_ns > 0 ? m->life_ns : INT64_MAX / 4;
		t->rng = world_rng(w, "threads", (uint64_t)w->nthr * 4096 + (uint64_t)i);
		t->e = world_entity(w, m->name, m->pid, t);
		if (!t->rng || !t->e)
			return -ENOMEM;
		t->e->nice = m->nice;
		if (m->cpus && set_affinity(t->e, m->cpus, w->mach.ncpus)) {
			diag_error(d, cfg->trace, m->line,
				   "thread %s pid %d: cpus: expected a CPU below the machine's %d, got '%s'", m->name,
				   m->pid, w->mach.ncpus, m->cpus);
			return -EINVAL;
		}
		t->e->done = burst_done;
		if (world_attach(w, t->e) || actrec_watch(w, t->e, m->name, m->pid, cfg->idle_wakeups_lost))
			return -ENOMEM;
		if (world_at(w, 0, wake, t, 0) == EVQ_NONE || world_at(w, t->end, life_over, t, 0) == EVQ_NONE)
			return -ENOMEM;
	}
	return 0;
}

void wl_threads_free_all(struct world *w)
{
	for (int k = 0; k < w->nthr; k++) {
		struct wl_threads *wt = w->thr[k];
		if (!wt)
			continue;
		free(wt->th);
		tmodel_free(&wt->model);
		free(wt);
	}
	free(w->thr);
	w->thr = NULL;
	w->nthr = 0;
}
