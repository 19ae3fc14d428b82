/*
** The policy contract of models/sched.h under co-scheduling, checked from
** outside the policies: every pick (pick_next, or pick_given of an entity
** set aside by dequeue) is either started on its pCPU or handed back
** unstarted through put_prev, and every start follows a pick on that
** pCPU.  A checking table wraps each policy's ops and a tracepoint
** listener sees the starts; every policy that can be co-scheduled strictly
** runs the mixed scenario of tests/data/good/vm-mix-strict.xml (three
** 2-VCPU gangs among Dom0, host jobs, a pinned and a capped VM on two
** nodes) strict, relaxed and off.
*/
#include "tests/cutest.h"
#include "models/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXE 256
#define MAXC 64

static struct {
	const struct sched_ops *orig;   /* the policy's own table */
	const struct entity *pending[MAXC];   /* the pick of each pCPU not started or handed back yet */
	char aside[MAXE];               /* set aside by dequeue, not picked yet */
	char handed[MAXE];              /* handed back by put_prev, not queued again yet */
	long picks, given, handed_back, starts, violations;
} K;

static void violation(const char *what, const struct entity *e, int cpu)
{
	if (K.violations++ < 5)
		printf("\n    contract: %s (%s#%d, pCPU %d)", what, e ? e->name : "-", e ? e->idx : -1, cpu);
}

/* A new pick on c: the last one must be settled. */
static void picked(const struct cpu *c, const struct entity *e)
{
	if (K.pending[c->id])
		violation("a pick while the last one is neither started nor handed back", K.pending[c->id], c->id);
	if (e->state != ENT_READY)
		violation("picked an entity that is not READY", e, c->id);
	K.pending[c->id] = e;
}

static struct entity *chk_pick_next(struct sched *s, struct cpu *c, int64_t *slice)
{
	struct entity *e = K.orig->pick_next(s, c, slice);
	if (e) {
		K.picks++;
		picked(c, e);
	}
	return e;
}

static void chk_dequeue(struct sched *s, struct entity *e)
{
	K.aside[e->id] = 1;
	K.orig->dequeue(s, e);
}

static void chk_pick_given(struct sched *s, struct cpu *c, struct entity *e, int64_t slice)
{
	if (!K.aside[e->id])
		violation("pick_given of an entity not set aside by dequeue", e, c->id);
	K.aside[e->id] = 0;
	K.given++;
	picked(c, e);
	K.orig->pick_given(s, c, e, slice);
}

static void chk_put_prev(struct sched *s, struct cpu *c, struct entity *e, int64_t ran)
{
	if (c->curr != e) {
		/* handed back unstarted */
		if (K.pending[c->id] != e || e->state != ENT_READY || ran != 0)
			violation("put_prev of an entity neither running there nor its pending pick", e, c->id);
		K.pending[c->id] = NULL;
		K.handed[e->id] = 1;
		K.handed_back++;
	}
	if (K.orig->put_prev)
		K.orig->put_prev(s, c, e, ran);
}

static void chk_enqueue(struct sched *s, struct cpu *c, struct entity *e, enum sched_why why)
{
	if (K.handed[e->id] && why != SCHED_PREEMPT)
		violation("a pick handed back comes back other than as preempted", e, c->id);
	K.handed[e->id] = 0;
	K.orig->enqueue(s, c, e, why);
}

static void tr_start(struct world *w, const struct cpu *c, const struct entity *e)
{
	(void)w;
	K.starts++;
	if (K.pending[c->id] != e)
		violation("a start without a pick on that pCPU", e, c->id);
	K.pending[c->id] = NULL;
}

static void tr_stop(struct world *w, const struct cpu *c, const struct entity *e, const char *why)
{
	(void)w, (void)c, (void)e, (void)why;
}

static void tr_drop(struct world *w)
{
	(void)w;
}

static void tr_state(struct world *w, const struct entity *e, int from, int to)
{
	(void)w, (void)e, (void)from, (void)to;
}

static void tr_wake(struct world *w, const struct entity *e, int waker)
{
	(void)w, (void)e, (void)waker;
}

static const struct world_trace tracer = { tr_start, tr_stop, tr_drop, tr_state, tr_wake };

/* Wrap w's policy (beneath co-scheduling's decorator, if on) in the
** checking table. */
static void wrap(struct world *w, struct sched_ops *chk)
{
	struct sched *s = &w->sched;
	memset(&K, 0, sizeof K);
	K.orig = s->policy;
	*chk = *s->policy;
	chk->pick_next = chk_pick_next;
	chk->enqueue = chk_enqueue;
	chk->put_prev = chk_put_prev;
	if (chk->dequeue)
		chk->dequeue = chk_dequeue;
	if (chk->pick_given)
		chk->pick_given = chk_pick_given;
	if (s->ops == &s->deco) {
		/* the decorator's pick_next calls s->policy: keep it, take the rest */
		struct sched_ops deco = *chk;
		deco.pick_next = s->deco.pick_next;
		s->deco = deco;
	} else {
		s->ops = chk;
	}
	s->policy = chk;
	w->trace = &tracer;
}

static void run_checked(const char *policy, const char *mode)
{
	char p[64], m[64];
	snprintf(p, sizeof p, "hypervisor.policy.name=%s", policy);
	snprintf(m, sizeof m, "hypervisor.coschedule.mode=%s", mode);
	const char *const sets[] = { p, m, "run.duration=40s", "run.warmup=0s", NULL };
	struct scenario s;
	struct world w;
	static struct sched_ops chk;
	CU_ASSERT_EQUAL_FATAL(cut_load("tests/data/good/vm-mix-strict.xml", sets, &s, &w), 0);
	CU_ASSERT_TRUE_FATAL(w.nent <= MAXE && w.sched.ncpus <= MAXC);
	wrap(&w, &chk);
	struct evq_event ev;
	while (evq_next_time(&w.q) < w.end && evq_pop(&w.q, &ev))
		ev.fn(&w, ev.obj, ev.arg);
	printf("\n    %-7s %-7s %ld picks, %ld given, %ld handed back, %ld starts, %llu co-starts: %ld violations",
	       policy, mode, K.picks, K.given, K.handed_back, K.starts, (unsigned long long)w.sched.ncostart,
	       K.violations);
	CU_ASSERT_EQUAL(K.violations, 0);
	CU_ASSERT_TRUE(K.starts > 1000);
	/* every pick settled: started or handed back */
	CU_ASSERT_EQUAL(K.starts, K.picks + K.given - K.handed_back);
	if (strcmp(mode, "strict") == 0) {
		CU_ASSERT_TRUE(K.given > 100);
		CU_ASSERT_TRUE(K.handed_back > 10);
	} else {
		CU_ASSERT_EQUAL(K.given, 0);
	}
	w.trace = NULL;
	world_free(&w);
	scn_free(&s);
}

static void test_contract(void)
{
	static const char *const pol[] = { "o1", "cfs", "eevdf", "credit", "credit2" };
	static const char *const mode[] = { "strict", "relaxed", "off" };
	for (size_t i = 0; i < sizeof pol / sizeof *pol; i++)
		for (size_t j = 0; j < sizeof mode / sizeof *mode; j++)
			run_checked(pol[i], mode[j]);
}

/* The checker itself: a start without a pick, a second pick before the
** first is settled and a hand-back of what was not picked are caught. */
static void test_checker_catches(void)
{
	struct entity e = { .id = 1, .name = "x", .state = ENT_READY };
	struct cpu c = { .id = 2 };
	memset(&K, 0, sizeof K);
	tr_start(NULL, &c, &e);
	CU_ASSERT_EQUAL(K.violations, 1);
	picked(&c, &e);
	picked(&c, &e);
	CU_ASSERT_EQUAL(K.violations, 2);
	tr_start(NULL, &c, &e);
	CU_ASSERT_EQUAL(K.violations, 2);
	struct entity f = { .id = 2, .name = "y", .state = ENT_READY };
	static struct sched_ops none;
	K.orig = &none;
	chk_put_prev(NULL, &c, &f, 0);
	CU_ASSERT_EQUAL(K.violations, 3);
	printf("\n    ");
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "every pick run or handed back, every start after a pick", test_contract },
		{ "the checker catches a broken contract", test_checker_catches },
		{ NULL, NULL },
	};
	cut_suite("sched-contract", t);
}
