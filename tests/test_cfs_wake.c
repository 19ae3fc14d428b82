/*
** The Linux CFS policy (models/sched_cfs.c, models/sched_cfs_place.c):
** wake-ups placed from the real waker (2.6.24 try_to_wake_up with
** wake-affine, passive balancing and wake_idle; 2.6.32
** select_task_rq_fair) and 2.6.32's ADAPTIVE_GRAN, on small constructed
** cases whose answers are computed by hand from the source.  The rest of
** CFS: tests/test_cfs.c.
*/
#include "tests/cutest.h"
#include "models/vm.h"
#include "models/wl_burst.h"
#include "models/world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS 1000000.0

/* ------------------------------------ 8. wake-ups from the waker --- */

/* tests/data/good/cfs-wake.xml: pCPUs 0, 1 on node 0 and 2, 3 on node 1,
** 1 GHz (a cycle a ns), no switch costs; the tests add host threads of
** their own: a waker K, a wakee W, hogs pinned to one pCPU, and drive
** them event by event.  4 pCPUs scale the tunables by 1 + log2 4 = 3:
** 2.6.24 latency 60 ms, wakeup_granularity 30 ms; 2.6.32 15 ms, 3 ms. */
static const char *const cfs_wake = "tests/data/good/cfs-wake.xml";

static struct {
	struct entity *w, *x;         /* the wakee, and the thread it wakes (sec. 9) */
	int runs, cpu;                /* W's bursts, and the pCPU of its last one */
	int64_t delta;                /* sec. 9: the test wake-up comes delta after W's second burst */
	bool wake_x;                  /* sec. 9: W wakes X at the end of each burst */
	bool preempted;               /* sec. 9: the test wake-up preempted the hog */
	char *dump;                   /* sec. 9: the policy's dump just after it */
} WK;

static double wakee_done(struct world *w, struct entity *e)
{
	(void)w;
	WK.runs++;
	WK.cpu = e->cpu;
	return -1;
}

/* K's burst ends: it wakes W from its pCPU, inside its done(). */
static double waker_done(struct world *w, struct entity *e)
{
	(void)e;
	sched_wake(&w->sched, WK.w, 1000);
	return -1;
}

static double never_done(struct world *w, struct entity *e)
{
	(void)w;
	(void)e;
	return -1;
}

/* A host thread of the test, pinned to pCPU cpu (-1: any). */
static struct entity *wk_thread(struct world *w, const char *name, int idx, ent_done_fn done, int cpu)
{
	struct entity *e = world_entity(w, name, idx, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	e->done = done;
	if (cpu >= 0) {
		memset(&e->affinity, 0, sizeof e->affinity);
		cpuset_add(&e->affinity, cpu);
	}
	CU_ASSERT_EQUAL_FATAL(world_attach(w, e), 0);
	return e;
}

static void run_until(struct world *w, int64_t t)
{
	struct evq_event ev;
	while (evq_next_time(&w->q) < t && evq_pop(&w->q, &ev))
		ev.fn(w, ev.obj, ev.arg);
}

static void irq_wake(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	(void)obj;
	(void)arg;
	sched_wake_from(&w->sched, WK.w, 1000, SCHED_IRQ_CPU);   /* an interrupt on pCPU 0 (irq-cpu=\"0\") */
}

static void timer_wake(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	(void)obj;
	(void)arg;
	sched_wake_from(&w->sched, WK.w, 1000, SCHED_WAKER_SELF);
}

enum wk_from { FROM_K, FROM_IRQ, FROM_TIMER };

/* W runs 1 us on pCPU prev at time 0 and sleeps; from 1 ms on, np hogs
** run on prev and nt on pCPU this.  At about 100 ms (loads steady for
** many ticks), W is woken: by K, a thread pinned to this that ends its
** burst then (K counts in this's load), by a device interrupt (on pCPU
** 0) or by its own timer.  Returns the pCPU W's second burst ran on. */
static int wake_case(const char *version, int prev, int np, int this_cpu, int nt, enum wk_from from)
{
	char v[64];
	snprintf(v, sizeof v, "hypervisor.policy.version=%s", version);
	const char *const sets[] = { v, NULL };
	struct scenario s;
	struct world w;
	memset(&WK, 0, sizeof WK);
	WK.cpu = -1;
	CU_ASSERT_EQUAL_FATAL(cut_load(cfs_wake, sets, &s, &w), 0);
	WK.w = wk_thread(&w, "W", 0, wakee_done, prev);
	sched_wake(&w.sched, WK.w, 1000);
	run_until(&w, 1000000);
	CU_ASSERT_EQUAL(WK.runs, 1);
	CU_ASSERT_EQUAL(WK.cpu, prev);
	for (int c = 0; c < w.sched.ncpus; c++)   /* from now on W may go anywhere */
		cpuset_add(&WK.w->affinity, c);
	for (int i = 0; i < np; i++)
		sched_wake(&w.sched, wk_thread(&w, "hog", i, never_done, prev), 1e15);
	for (int i = 0; i < nt; i++)
		sched_wake(&w.sched, wk_thread(&w, "hog", np + i, never_done, this_cpu), 1e15);
	if (from == FROM_K)
		sched_wake(&w.sched, wk_thread(&w, "K", 0, waker_done, this_cpu), 99e6 / (nt + 1));
	else
		world_at(&w, 100000000, from == FROM_IRQ ? irq_wake : timer_wake, NULL, 0);
	run_until(&w, 1000000000);
	CU_ASSERT_EQUAL(WK.runs, 2);
	world_free(&w);
	scn_free(&s);
	return WK.runs == 2 ? WK.cpu : -1;
}

static void check_wake(const char *version, int prev, int np, int this_cpu, int nt, enum wk_from from, int want,
		       const char *why)
{
	static const char *const name[] = { "K on", "an interrupt on", "its timer on" };
	int got = wake_case(version, prev, np, this_cpu, nt, from);
	printf("\n    2.6.%s: W last on pCPU %d (%d hogs), woken by %s pCPU %d (%d hogs): runs on %d (want %d: %s)",
	       version, prev, np, name[from], from == FROM_TIMER ? prev : from == FROM_IRQ ? 0 : this_cpu, nt, got,
	       want, why);
	CU_ASSERT_EQUAL(got, want);
}

/* 2.6.24 try_to_wake_up: loads at wake_idx 1 (cpu_load[0], the queue's
** load at the last tick; steady here), imb = 100 + (125 - 100) / 2 = 112. */
static void test_wake_affine_24(void)
{
	/* same node, core level (SD_WAKE_AFFINE): load(1) 2048, tl(0) 1024
	** with K: 100 (1024 + 1024) = 204800 <= 112 x 2048 = 229376, so W
	** wakes on 0; wake_idle(0): 0 runs K, 1 is busy: stays 0 */
	check_wake("24", 1, 2, 0, 0, FROM_K, 0, "affine: 204800 <= 229376");
	/* load(1) 1024, tl(0) 2048 (K and a hog): tl > load, and 100 (2048 +
	** 1024) = 307200 > 112 x 1024 = 114688: stays on 1 (no idle core) */
	check_wake("24", 1, 1, 0, 1, FROM_K, 1, "not affine: 307200 > 114688");
	/* across nodes, the node level (SD_WAKE_BALANCE only): 112 x 1024 <=
	** 100 x 2048, so to 0; wake_idle(0) (one task, the core level has
	** SD_WAKE_IDLE) finds 1 idle */
	check_wake("24", 2, 2, 0, 0, FROM_K, 1, "passive balancing: 114688 <= 204800, then wake_idle");
	/* 112 x 1024 > 100 x 1024: stays on 2; wake_idle(2) finds 3 idle */
	check_wake("24", 2, 1, 0, 0, FROM_K, 3, "no passive balancing: 114688 > 102400, then wake_idle");
	/* an interrupt on idle pCPU 0: tl 0, 0 <= 100 x 1024: to 0, idle */
	check_wake("24", 2, 1, 0, 0, FROM_IRQ, 0, "passive balancing to the idle interrupt pCPU");
	/* its own timer: this_cpu = prev, only wake_idle(2): to 3 */
	check_wake("24", 2, 1, 0, 0, FROM_TIMER, 3, "waker = prev, wake_idle");
}

/* 2.6.32 select_task_rq_fair and wake_affine: loads at wake_idx 0 (the
** queues' weights), imb 112, per_task = load / nr_running of the waker's
** pCPU (0 if none). */
static void test_wake_affine_32(void)
{
	/* same node: candidate 0 (no pCPU of the node without tasks);
	** balanced: 100 (1024 + 1024) <= 112 x 2048 */
	check_wake("32", 1, 2, 0, 0, FROM_K, 0, "affine: 204800 <= 229376");
	/* not balanced (307200 > 114688) and tl 2048 > load 1024: stays */
	check_wake("32", 1, 1, 0, 1, FROM_K, 1, "not affine: 307200 > 114688, tl > load");
	/* across nodes: the core level of 0 does not span 2, so the candidate
	** is its first pCPU without tasks, 1 (SD_PREFER_SIBLING); wake_affine
	** compares the waker's 0 with 2: balanced, so to 1 */
	check_wake("32", 2, 2, 0, 0, FROM_K, 1, "affine to the waker's idle sibling");
	/* 204800 > 114688; tl 1024 <= load 1024 but 1024 + 1024 > per_task
	** 1024: stays on 2 (2.6.24's wake_idle would take 3) */
	check_wake("32", 2, 1, 0, 0, FROM_K, 2, "not affine: 2048 > 1024");
	/* an interrupt on idle 0: candidate 0 (no tasks), tl 0: balanced */
	check_wake("32", 2, 1, 0, 0, FROM_IRQ, 0, "the idle interrupt pCPU, tl = 0");
	/* its own timer: candidate 3 (idle sibling of 2), but wake_affine of
	** 2 against itself fails (as above): stays on 2 */
	check_wake("32", 2, 1, 0, 0, FROM_TIMER, 2, "waker = prev: wake_affine fails");
}

/* ------------------------------------------------ 9. ADAPTIVE_GRAN --- */

static double x_done(struct world *w, struct entity *e)
{
	(void)w;
	(void)e;
	return -1;
}

static void w_wake(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	(void)obj;
	(void)arg;
	sched_wake(&w->sched, WK.w, 2e6);
}

/* The test wake-up: does W preempt the hog at once? */
static void w_test_wake(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	(void)obj;
	(void)arg;
	sched_wake(&w->sched, WK.w, 2e6);
	WK.preempted = WK.w->state == ENT_RUNNING;
	WK.dump = cut_dump(w);
}

/* W's 2 ms burst ends: it wakes X (a task's wake-up: avg_wakeup), then
** sleeps 50 ms, or after its second burst until the test wake-up. */
static double w_done(struct world *w, struct entity *e)
{
	(void)e;
	WK.runs++;
	if (WK.wake_x)
		sched_wake(&w->sched, WK.x, 1000);
	if (WK.runs < 3)
		world_at(w, world_now(w) + (WK.runs < 2 ? 50000000 : WK.delta), WK.runs < 2 ? w_wake : w_test_wake,
			 NULL, 0);
	return -1;
}

/* From the dump: the vruntime (ms) and avg_wakeup (ms) shown for name#0. */
static bool dumped(const char *text, const char *name, double *v, double *avg)
{
	char key[64];
	snprintf(key, sizeof key, " %s#0 vruntime ", name);
	const char *p = strstr(text, key);
	return p && sscanf(p + strlen(key), "%lfms weight %*d avg_wakeup %lfms", v, avg) == 2;
}

/* 2.6.32, wakeup_granularity 10 ms, latency 15 ms on pCPU 0: a hog H
** from time 0; W wakes at 10 ms (its fork), then 50 ms after each of its
** 2 ms bursts, and a third time delta after its second burst, when H has
** run delta since it was picked (W's block).  W's sleeper credit places
** it latency / 2 = 7.5 ms behind H's vruntime (min_vruntime).  It
** preempts when 7.5 ms > adaptive_gran = min(max(2 avg_wakeup nr_running
** - delta, 0), 10 ms).  If W wakes X after each burst, its avg_wakeup
** goes 10 -> 10 + (2 - 10) / 8 = 9 -> 9 + (2 - 9) / 8 = 8.125 ms (each
** sample its 2 ms of run since its own wake-up), so with nr_running 2
** the bound is 32.5 ms - delta; if not, every sleep folds the
** granularity in, avg_wakeup stays 10 ms and the bound is 40 ms - delta. */
static void gran_case(double delta_ms, bool wake_x, bool want, double want_avg)
{
	const char *const sets[] = { "hypervisor.policy.version=32", "hypervisor.policy.wakeup-granularity=10ms",
				     NULL };
	struct scenario s;
	struct world w;
	memset(&WK, 0, sizeof WK);
	WK.delta = (int64_t)(delta_ms * MS);
	WK.wake_x = wake_x;
	CU_ASSERT_EQUAL_FATAL(cut_load(cfs_wake, sets, &s, &w), 0);
	struct entity *h = wk_thread(&w, "H", 0, never_done, 0);
	WK.w = wk_thread(&w, "W", 0, w_done, 0);
	WK.x = wk_thread(&w, "X", 0, x_done, 1);
	sched_wake(&w.sched, h, 1e15);
	sched_wake(&w.sched, WK.x, 1000);   /* X's fork: later wakes of X are wake-ups */
	world_at(&w, 10000000, w_wake, NULL, 0);
	run_until(&w, 1000000000);
	CU_ASSERT_EQUAL(WK.runs, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(WK.dump);
	double vh = 0, vw = 0, ah = 0, aw = 0;
	CU_ASSERT_TRUE(dumped(WK.dump, "H", &vh, &ah));
	CU_ASSERT_TRUE(dumped(WK.dump, "W", &vw, &aw));
	double bound = 2 * want_avg * 2 - delta_ms;
	double gran = bound < 0 ? 0 : bound > 10 ? 10 : bound;
	printf("\n    W%s wakes %.1f ms into H's run: vruntime lead %.3f ms, avg_wakeup %.3f ms, adaptive_gran %.3f ms:"
	       " %s (want %s)",
	       wake_x ? " (waking X)" : "", delta_ms, vh - vw, aw, gran, WK.preempted ? "preempts" : "waits",
	       want ? "preempts" : "waits");
	CU_ASSERT_DOUBLE_EQUAL(vh - vw, 7.5, 0.0015);
	CU_ASSERT_DOUBLE_EQUAL(aw, want_avg, 0.0005);
	CU_ASSERT_DOUBLE_EQUAL(ah, 10, 0.0005);
	CU_ASSERT_EQUAL(WK.preempted, want);
	CU_ASSERT_EQUAL(7.5 > gran, want);
	free(WK.dump);
	world_free(&w);
	scn_free(&s);
}

static void test_adaptive_gran(void)
{
	/* avg_wakeup 8.125: bound 32.5 - 24.5 = 8 ms > 7.5, 32.5 - 25.5 = 7 < 7.5 */
	gran_case(24.5, true, false, 8.125);
	gran_case(25.5, true, true, 8.125);
	/* avg_wakeup 10: 40 - 32 = 8 waits, 40 - 33 = 7 preempts; at 25.5 ms
	** the bound is 14.5, cut to the 10 ms sysctl */
	gran_case(32, false, false, 10);
	gran_case(33, false, true, 10);
	gran_case(25.5, false, false, 10);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "2.6.24 wake-affine, passive balancing, wake_idle", test_wake_affine_24 },
		{ "2.6.32 wake-affine from the waker", test_wake_affine_32 },
		{ "2.6.32 ADAPTIVE_GRAN", test_adaptive_gran },
		{ NULL, NULL },
	};
	cut_suite("cfs-wake", t);
}
