/*
** The simulated activity trace (see actrec.h).
*/
#include "models/actrec.h"
#include "models/world.h"
#include "traces/activity.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum st { S_NONE, S_RUN, S_WAIT, S_PREEMPTED, S_BLOCK };

struct watched {
	int thread;            /* index in tr.th, -1: not watched */
	int lose_idle;         /* wake-ups raised on an idle CPU are not seen */
	enum st st;
	int64_t since;
	int cpu;
};

struct actrec {
	struct trace_activity tr;
	struct watched *wt;    /* by entity id */
	int nwt;
};

int actrec_watch(struct world *w, struct entity *e, const char *name, int pid, int lose_idle_wakeups)
{
	struct actrec *r = w->rec;
	if (!r) {
		r = calloc(1, sizeof *r);
		if (!r)
			return -ENOMEM;
		w->rec = r;
	}
	if (e->id >= r->nwt) {
		int n = e->id + 16;
		struct watched *nw = realloc(r->wt, (size_t)n * sizeof *nw);
		if (!nw)
			return -ENOMEM;
		for (int i = r->nwt; i < n; i++)
			nw[i] = (struct watched){ .thread = -1 };
		r->wt = nw;
		r->nwt = n;
	}
	int t = trace_activity_add_thread(&r->tr, name, pid);
	if (t < 0)
		return -ENOMEM;
	r->wt[e->id] = (struct watched){ .thread = t, .lose_idle = lose_idle_wakeups, .st = S_NONE, .cpu = -1 };
	return 0;
}

static struct watched *find(struct world *w, const struct entity *e)
{
	struct actrec *r = w->rec;
	if (!r || e->id >= r->nwt || r->wt[e->id].thread < 0)
		return NULL;
	return &r->wt[e->id];
}

/* Write the interval x has been in since x->since, ending now, if it lies
** in the measured interval. */
static void emit(struct world *w, struct watched *x, enum trace_act_kind kind, int cpu)
{
	int64_t now = world_now(w);
	if (x->since < w->batches.t0 || now > w->batches.t1)
		return;
	struct trace_act a = {
		.thread = x->thread, .kind = kind, .start_ns = x->since, .dur_ns = now - x->since, .cpu = cpu,
	};
	if (trace_activity_push(&((struct actrec *)w->rec)->tr, &a))
		world_fail(w);
}

void actrec_wake(struct world *w, const struct entity *e)
{
	struct watched *x = find(w, e);
	if (!x)
		return;
	if (x->st == S_BLOCK && x->lose_idle && e->cpu >= 0 && !w->sched.cpu[e->cpu].curr)
		return;   /* raised in idle: the block runs on to the switch-in */
	if (x->st == S_BLOCK)
		emit(w, x, TRACE_BLOCK, x->cpu);
	x->st = S_WAIT;
	x->since = world_now(w);
}

void actrec_start(struct world *w, const struct cpu *c, const struct entity *e)
{
	struct watched *x = find(w, e);
	if (!x)
		return;
	if (x->st == S_WAIT)
		emit(w, x, TRACE_WAIT, c->id);
	else if (x->st == S_BLOCK)
		emit(w, x, TRACE_BLOCK, x->cpu);   /* its wake-up was not seen */
	else if (x->st == S_PREEMPTED)
		emit(w, x, TRACE_PREEMPTED, c->id);
	x->st = S_RUN;
	x->since = world_now(w);
	x->cpu = c->id;
}

void actrec_stop(struct world *w, const struct cpu *c, const struct entity *e, const char *why)
{
	struct watched *x = find(w, e);
	if (!x || x->st != S_RUN)
		return;
	if (!strcmp(why, "end")) {
		x->st = S_NONE;
		return;
	}
	emit(w, x, TRACE_RUN, c->id);
	x->st = !strcmp(why, "block") ? S_BLOCK : S_PREEMPTED;
	x->since = world_now(w);
	x->cpu = c->id;
}

void actrec_end(struct world *w, const struct entity *e)
{
	struct watched *x = find(w, e);
	if (x)
		x->st = S_NONE;
}

/* Rows by (start, pid, thread), a thread's zero-length row first at an
** instant; the pid is in `line`, which simulated rows do not use. */
static int by_start(const void *pa, const void *pb)
{
	const struct trace_act *a = pa, *b = pb;
	if (a->start_ns != b->start_ns)
		return a->start_ns < b->start_ns ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->thread != b->thread)
		return a->thread < b->thread ? -1 : 1;
	return a->dur_ns < b->dur_ns ? -1 : a->dur_ns > b->dur_ns;
}

int actrec_write(FILE *f, const struct world *w, const char *comment)
{
	struct actrec *r = w->rec;
	if (!r)
		return 0;
	for (size_t i = 0; i < r->tr.n; i++)
		r->tr.a[i].line = r->tr.th[r->tr.a[i].thread].pid;
	if (r->tr.n)
		qsort(r->tr.a, r->tr.n, sizeof *r->tr.a, by_start);
	return trace_activity_write(f, &r->tr, comment);
}

const struct trace_activity *actrec_trace(const struct world *w)
{
	const struct actrec *r = w->rec;
	return r ? &r->tr : NULL;
}

void actrec_free(struct world *w)
{
	struct actrec *r = w->rec;
	if (!r)
		return;
	trace_activity_free(&r->tr);
	free(r->wt);
	free(r);
	w->rec = NULL;
}
