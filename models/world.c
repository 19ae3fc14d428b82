/*
** The world (see world.h): build from a scenario, run the event loop,
** free everything.
*/
#include "models/world.h"
#include "models/vm.h"
#include "models/wl_activity.h"
#include "models/wl_burst.h"
#include "models/wl_threads.h"
#include "models/actrec.h"
#include "models/io.h"
#include "models/workload.h"
#include "sim/engine/rng.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

evq_handle world_at(struct world *w, int64_t t, evq_fn fn, void *obj, uint64_t arg)
{
	evq_handle h = evq_push(&w->q, t, fn, obj, arg);
	if (h == EVQ_NONE)
		world_fail(w);
	return h;
}

void world_fail(struct world *w)
{
	w->failed = 1;
}

gsl_rng *world_rng(struct world *w, const char *purpose, uint64_t index)
{
	gsl_rng **nr = realloc(w->rng, (size_t)(w->nrng + 1) * sizeof *nr);
	if (!nr)
		return NULL;
	w->rng = nr;
	gsl_rng *r = rng_stream(w->scn->seed, purpose, index);
	if (r)
		w->rng[w->nrng++] = r;
	return r;
}

struct entity *world_entity(struct world *w, const char *name, int idx, void *owner)
{
	if (w->nent == w->capent) {
		int cap = w->capent ? 2 * w->capent : 64;
		struct entity **ne = realloc(w->ent, (size_t)cap * sizeof *ne);
		if (!ne)
			return NULL;
		w->ent = ne;
		w->capent = cap;
	}
	struct entity *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->id = w->nent;
	e->name = name;
	e->idx = idx;
	e->owner = owner;
	e->cpu = -1;
	e->state = ENT_BLOCKED;
	e->kind = ENT_JOB;
	e->weight = 256;
	e->mem_node = 0;
	for (int c = 0; c < w->mach.ncpus; c++)
		cpuset_add(&e->affinity, c);
	e->since = world_now(w);
	w->ent[w->nent++] = e;
	return e;
}

int world_attach(struct world *w, struct entity *e)
{
	if (sched_attach(&w->sched, e)) {
		world_fail(w);
		return -ENOMEM;
	}
	return 0;
}

int world_add_burst(struct world *w, const struct scn_workload *cfg, struct vm *vm)
{
	struct burst **nb = realloc(w->burst, (size_t)(w->nburst + 1) * sizeof *nb);
	if (!nb)
		return -ENOMEM;
	w->burst = nb;
	struct burst *b = calloc(1, sizeof *b);
	if (!b)
		return -ENOMEM;
	w->burst[w->nburst++] = b;
	return burst_build(b, w, cfg, vm);
}

int world_add_qos(struct world *w, const char *workload_name, struct vm *vm, struct qos_count *c)
{
	struct qos_source *nq = realloc(w->qos, (size_t)(w->nqos + 1) * sizeof *nq);
	if (!nq)
		return -ENOMEM;
	w->qos = nq;
	w->qos[w->nqos++] = (struct qos_source){ .workload_name = workload_name, .vm = vm, .count = c };
	return 0;
}

/* A guest's source of that workload (NULL: any): what QoS judges. */
static int judged(const struct qos_source *q, const char *workload_name)
{
	return q->vm && (!workload_name || strcmp(q->workload_name, workload_name) == 0);
}

struct qos_count world_qos_sum(const struct world *w, const char *workload_name)
{
	struct qos_count sum = { 0, 0, 0 };
	for (int i = 0; i < w->nqos; i++)
		if (judged(&w->qos[i], workload_name))
			qos_merge(&sum, w->qos[i].count);
	return sum;
}

int world_qos_starved(const struct world *w, const char *workload_name)
{
	int n = 0;
	for (int i = 0; i < w->nqos; i++)
		n += judged(&w->qos[i], workload_name) && w->qos[i].count->n == 0;
	return n;
}

int world_build(struct world *w, const struct scenario *s, struct diag *d)
{
	memset(w, 0, sizeof *w);
	w->scn = s;
	w->end = s->duration;
	w->batches.t0 = s->warmup;
	w->batches.t1 = s->duration;
	w->batches.nb = s->batches;
	if (evq_init(&w->q, 1024, w) || machine_build(&w->mach, &s->machine))
		goto oom;
	/* the cache an entity refills after a switch: the last level */
	for (int i = 0; i < s->machine.ncache; i++) {
		const struct scn_cache *k = &s->machine.cache[i];
		double per_core = k->per_node ? k->size / (s->machine.node[0].cores) : k->size;
		if (i == 0 || k->level >= s->machine.cache[i - 1].level) {
			w->llc_size = per_core;
			w->llc_line = k->line;
		}
	}
	if (sched_init(&w->sched, w, &s->hv.policy, d))
		return -1;
	for (int i = 0; i < s->nworkloads; i++) {
		if (s->workload[i].kind == WL_ACTIVITY) {
			struct activity **na = realloc(w->act, (size_t)(w->nact + 1) * sizeof *na);
			struct activity *a = calloc(1, sizeof *a);
			if (!na || !a) {
				free(a);
				if (na)
					w->act = na;
				goto oom;
			}
			w->act = na;
			w->act[w->nact++] = a;
			int rc = activity_build(a, w, &s->workload[i], NULL, d);
			if (rc == -ENOMEM)
				goto oom;
			if (rc)
				return -1;
		} else if (s->workload[i].kind == WL_THREADS) {
			int rc = wl_threads_add(w, &s->workload[i], d);
			if (rc == -ENOMEM)
				goto oom;
			if (rc)
				return -1;
		} else if (world_add_burst(w, &s->workload[i], NULL)) {
			goto oom;
		}
	}
	if (io_build(w))
		goto oom;
	switch (vm_build_all(w, d)) {
	case 0:
		break;
	case -EINVAL:
		return -1;
	default:
		goto oom;
	}
	if (w->failed)
		goto oom;
	return 0;
oom:
	diag_error(d, s->file, 0, "out of memory while building the model");
	return -1;
}

int world_advance(struct world *w, int64_t until)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (until > w->end)
		until = w->end;
	struct evq_event ev;
	while (!w->failed && evq_pop_before(&w->q, until, &ev)) {
		ev.fn(w, ev.obj, ev.arg);
		w->events++;
		if (w->stop && *w->stop) {
			w->failed = 1;
			break;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	w->wall += (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	return w->failed ? -1 : 0;
}

void world_finish(struct world *w, int64_t at)
{
	/* the clock runs to the end: open segments close there */
	if (w->q.now < at)
		w->q.now = at;
	sched_finish(&w->sched, at);
	for (int i = 0; i < w->nburst; i++)
		burst_finish(w->burst[i], at);
	wl_finish_all(w, at);
}

int world_run(struct world *w)
{
	int rc = world_advance(w, w->end);
	/* a run that stopped (interrupted, out of memory) keeps its clock
	** where it stopped: nothing of it is written, and the message names
	** that instant, not the end */
	if (rc == 0)
		world_finish(w, w->end);
	return rc;
}

void world_free(struct world *w)
{
	if (w->trace && w->trace->drop)
		w->trace->drop(w);
	for (int i = 0; i < w->nburst; i++) {
		burst_free(w->burst[i]);
		free(w->burst[i]);
	}
	free(w->burst);
	wl_free_all(w);
	io_free(w);
	vm_free_all(w);
	for (int i = 0; i < w->nact; i++) {
		activity_free(w->act[i]);
		free(w->act[i]);
	}
	free(w->act);
	wl_threads_free_all(w);
	actrec_free(w);
	free(w->qos);
	for (int i = 0; i < w->nent; i++) {
		free(w->ent[i]->priv);
		free(w->ent[i]);
	}
	free(w->ent);
	sched_free(&w->sched);
	machine_free(&w->mach);
	evq_free(&w->q);
	for (int i = 0; i < w->nrng; i++)
		gsl_rng_free(w->rng[i]);
	free(w->rng);
	memset(w, 0, sizeof *w);
}
