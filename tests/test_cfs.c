/*
** The Linux CFS policy (models/sched_cfs.c): nice-weighted shares, slices
** within one latency period, wake-up preemption with sleeper credit, the
** NUMA load balancer, the 2.6.24 and 2.6.32 tunables and determinism
** (strict co-scheduling: test_cfs_cosched.c; wake-ups: test_cfs_wake.c).
** Scenarios are tests/data/good/cfs-*.xml, varied with set overrides.
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
#define TICK (4 * 1000000)   /* HZ 250 */

static const char *const cfs_nice = "tests/data/good/cfs-nice.xml";
static const char *const cfs_hogs = "tests/data/good/cfs-hogs.xml";
static const char *const cfs_opteron = "tests/data/good/cfs-opteron.xml";
static const char *const cfs_interactive = "tests/data/good/cfs-interactive.xml";
static const char *const cfs_mixed = "tests/data/good/cfs-mixed.xml";

static double measured_ns(const struct scenario *s)
{
	return (double)(s->duration - s->warmup);
}

/* ------------------------------------------------ stepping a world --- */

/* What a run looked like, event by event, from `from` on. */
struct trace {
	int64_t from;
	int nent;
	int64_t *seg_min, *seg_max;   /* run segments that ended in a preemption */
	int64_t *wait_max;            /* READY to RUNNING */
	uint64_t nseg, moves_local, moves_remote;
	int64_t first_busy[8];        /* when pCPU c first ran something */
	uint64_t events, bad;         /* invariant violations */
};

static void trace_free(struct trace *t)
{
	free(t->seg_min);
	free(t->seg_max);
	free(t->wait_max);
}

/* Load path with sets, run it event by event, and watch every entity's
** state, run segments, waits and migrations, checking after each event
** that a pCPU's entity is RUNNING on it and nothing RUNNING is elsewhere. */
static int step_run(const char *path, const char *const *sets, int64_t from, struct trace *t)
{
	struct scenario s;
	struct world w;
	memset(t, 0, sizeof *t);
	if (cut_load(path, sets, &s, &w))
		return -1;
	int ne = w.nent;
	t->from = from;
	t->nent = ne;
	t->seg_min = malloc((size_t)ne * sizeof *t->seg_min);
	t->seg_max = calloc((size_t)ne, sizeof *t->seg_max);
	t->wait_max = calloc((size_t)ne, sizeof *t->wait_max);
	int *state = malloc((size_t)ne * sizeof *state), *cpu = malloc((size_t)ne * sizeof *cpu);
	int64_t *since = malloc((size_t)ne * sizeof *since);
	for (int i = 0; i < ne; i++) {
		t->seg_min[i] = INT64_MAX;
		state[i] = w.ent[i]->state;
		cpu[i] = w.ent[i]->cpu;
		since[i] = w.ent[i]->since;
	}
	for (int c = 0; c < 8; c++)
		t->first_busy[c] = -1;
	struct evq_event ev;
	while (evq_next_time(&w.q) < w.end && evq_pop(&w.q, &ev)) {
		ev.fn(&w, ev.obj, ev.arg);
		t->events++;
		int64_t now = world_now(&w);
		for (int c = 0; c < w.sched.ncpus; c++) {
			struct entity *e = w.sched.cpu[c].curr;
			t->bad += e && (e->state != ENT_RUNNING || e->cpu != c);
			if (e && c < 8 && t->first_busy[c] < 0)
				t->first_busy[c] = now;
		}
		for (int i = 0; i < ne; i++) {
			struct entity *e = w.ent[i];
			bool changed = (int)e->state != state[i] || e->since != since[i];
			if (e->state == ENT_RUNNING)
				t->bad += w.sched.cpu[e->cpu].curr != e;
			if (changed && now >= from) {
				int64_t len = now - since[i];
				if (state[i] == ENT_RUNNING) {
					/* a segment that ended in a preemption, whole inside */
					if (e->state == ENT_READY && since[i] >= from) {
						t->seg_min[i] = len < t->seg_min[i] ? len : t->seg_min[i];
						t->seg_max[i] = len > t->seg_max[i] ? len : t->seg_max[i];
						t->nseg++;
					}
				} else if (state[i] == ENT_READY && since[i] >= from && len > t->wait_max[i]) {
					t->wait_max[i] = len;
				}
			}
			if (e->cpu != cpu[i] && cpu[i] >= 0 && now >= from) {
				bool remote = w.sched.cpu[e->cpu].node != w.sched.cpu[cpu[i]].node;
				if (remote)
					t->moves_remote++;
				else
					t->moves_local++;
			}
			state[i] = e->state;
			cpu[i] = e->cpu;
			since[i] = e->since;
		}
	}
	free(state);
	free(cpu);
	free(since);
	world_free(&w);
	scn_free(&s);
	return 0;
}

/* Index of the burst workload called name ("vm/workload"), or -1. */
static int burst_index(const struct world *w, const char *name)
{
	for (int i = 0; i < w->nburst; i++)
		if (strcmp(w->burst[i]->name, name) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------- 1. nice weights --- */

/* Two hogs pinned to pCPU 0, nice 0 and nice 5 (or -5): the pCPU is
** shared in proportion to prio_to_weight, 1024 : 335 (1024 : 3121); the
** idle pCPU 1 never takes a pinned hog. */
static void check_shares(const char *version, const char *nice_b, double wb)
{
	struct scenario s;
	struct world w;
	char v[64], nb[64];
	snprintf(v, sizeof v, "hypervisor.policy.version=%s", version);
	snprintf(nb, sizeof nb, "vm[nice5].nice=%s", nice_b);
	const char *const sets[] = { v, nb, NULL };
	CU_ASSERT_EQUAL_FATAL(cut_sim(cfs_nice, sets, &s, &w), 0);
	double m = measured_ns(&s);
	double a = (double)w.vms[0].vcpu[0]->t_run / m, b = (double)w.vms[1].vcpu[0]->t_run / m;
	double ea = 1024 / (1024 + wb), eb = wb / (1024 + wb);
	printf("\n    2.6.%s, nice 0 vs %s: shares %.4f / %.4f (expected %.4f / %.4f), pCPU1 busy %lld ns,"
	       " migrations %llu",
	       version, nice_b, a, b, ea, eb, (long long)w.sched.cpu[1].t_busy,
	       (unsigned long long)(w.vms[0].vcpu[0]->nmigrate + w.vms[1].vcpu[0]->nmigrate));
	CU_ASSERT_DOUBLE_EQUAL(a, ea, 0.01);
	CU_ASSERT_DOUBLE_EQUAL(b, eb, 0.01);
	CU_ASSERT_DOUBLE_EQUAL(a + b, 1.0, 1e-6);
	CU_ASSERT_EQUAL(w.sched.cpu[1].t_busy, 0);
	CU_ASSERT_EQUAL(w.vms[0].vcpu[0]->nmigrate + w.vms[1].vcpu[0]->nmigrate, 0);
	world_free(&w);
	scn_free(&s);
}

static void test_nice_shares(void)
{
	check_shares("24", "5", 335);
	check_shares("32", "5", 335);
	check_shares("24", "-5", 3121);
}

/* ------------------------------------- 2. slices within one period --- */

/* n hogs on one pCPU: from 1 s on (past the START_DEBIT transient) every
** run ends at the first tick past the ideal slice p * w / rw (exactly at
** it with hrtick), every wait lasts at most the other n - 1 slices, and
** the shares are equal. */
static void check_slices(const char *version, int n, const char *hz_or_hrtick, double ideal_ms, double seg_ms)
{
	char v[64], c[64];
	snprintf(v, sizeof v, "hypervisor.policy.version=%s", version);
	snprintf(c, sizeof c, "vm.count=%d", n);
	const char *const sets[] = { v, c, hz_or_hrtick, NULL };
	struct trace t;
	CU_ASSERT_EQUAL_FATAL(step_run(cfs_hogs, sets, 1000000000, &t), 0);
	int64_t smin = INT64_MAX, smax = 0, wmax = 0;
	for (int i = 0; i < t.nent; i++) {
		smin = t.seg_min[i] < smin ? t.seg_min[i] : smin;
		smax = t.seg_max[i] > smax ? t.seg_max[i] : smax;
		wmax = t.wait_max[i] > wmax ? t.wait_max[i] : wmax;
	}
	printf("\n    2.6.%s, %d hogs%s%s: ideal slice %.3f ms; runs %.3f..%.3f ms (%llu); longest wait %.3f ms",
	       version, n, hz_or_hrtick ? ", " : "", hz_or_hrtick ? hz_or_hrtick : "", ideal_ms,
	       (double)smin / MS, (double)smax / MS, (unsigned long long)t.nseg, (double)wmax / MS);
	CU_ASSERT_EQUAL(t.bad, 0);
	CU_ASSERT_TRUE(t.nseg > 50);
	CU_ASSERT_DOUBLE_EQUAL((double)smin / MS, seg_ms, 0.001);
	CU_ASSERT_DOUBLE_EQUAL((double)smax / MS, seg_ms, 0.001);
	CU_ASSERT_TRUE((double)smin / MS >= ideal_ms - 0.001);
	CU_ASSERT_TRUE((double)wmax <= (n - 1) * seg_ms * MS + 1000);
	trace_free(&t);

	/* equal shares over the measured interval */
	struct scenario s;
	struct world w;
	CU_ASSERT_EQUAL_FATAL(cut_sim(cfs_hogs, sets, &s, &w), 0);
	double lo = 1, hi = 0;
	for (int i = 0; i < w.nvms; i++) {
		double share = (double)w.vms[i].vcpu[0]->t_run / measured_ns(&s);
		lo = share < lo ? share : lo;
		hi = share > hi ? share : hi;
	}
	printf("; shares %.4f..%.4f", lo, hi);
	CU_ASSERT_TRUE(hi - lo < 0.01);
	CU_ASSERT_DOUBLE_EQUAL(lo * n, 1.0, 0.02);
	world_free(&w);
	scn_free(&s);
}

static void test_slices(void)
{
	/* 8 pCPUs, 2.6.24: latency 80, min_granularity 16 (nr_latency 5);
	** 4 hogs: period 80, slice 20, preempted at the 24 ms tick;
	** 7 hogs: period 80 x 7 / 5 = 112, slice 16 -> 20 ms */
	check_slices("24", 4, NULL, 20, 24);
	check_slices("24", 7, NULL, 16, 20);
	check_slices("24", 2, NULL, 40, 44);
	/* 2.6.32: latency 20, min_granularity 4; 4 hogs: slice 5 -> 8 ms;
	** 7 hogs: period 4 x 7 = 28, slice 4 -> 8 ms; exact with HRTICK */
	check_slices("32", 4, NULL, 5, 8);
	check_slices("32", 7, NULL, 4, 8);
	check_slices("32", 2, NULL, 10, 12);
	check_slices("32", 4, "hypervisor.policy.hrtick=1", 5, 5);
	check_slices("32", 7, "hypervisor.policy.hrtick=1", 4, 4);
	/* HZ 1000: 2.6.24's 20 ms slice ends at the 21 ms tick */
	check_slices("24", 4, "hypervisor.policy.hz=1000", 20, 21);
}

/* ----------------------------------------- 3. wake-up preemption --- */

static double interactive_response(const char *version, const char *gran)
{
	struct scenario s;
	struct world w;
	char v[64];
	snprintf(v, sizeof v, "hypervisor.policy.version=%s", version);
	const char *const sets[] = { v, gran, cut_slow() ? NULL : "run.duration=120s", NULL };
	if (cut_sim(cfs_interactive, sets, &s, &w))
		return -1;
	int k = burst_index(&w, "ia/clicks");
	CU_ASSERT_TRUE(k >= 0);
	struct ci r = tally_mean(&w.burst[k]->resp);
	world_free(&w);
	scn_free(&s);
	return r.mean;
}

/* A VM with 1 ms bursts after ~500 ms think times shares pCPU 0 with two
** hogs.  Its sleeper credit places it min(latency, sleep) behind
** min_vruntime, more than the wake-up granularity ahead of the running
** hog, so it preempts at once: its response stays near its 1 ms demand,
** far below the 80 ms latency.  With a huge granularity it waits for the
** running hog's slice to end at a tick. */
static void test_wakeup_preemption(void)
{
	double r24 = interactive_response("24", "hypervisor.policy.hz=250");
	double n24 = interactive_response("24", "hypervisor.policy.wakeup-granularity=10s");
	double r32 = interactive_response("32", "hypervisor.policy.hz=250");
	double n32 = interactive_response("32", "hypervisor.policy.wakeup-granularity=10s");
	printf("\n    mean response of 1 ms bursts next to 2 hogs: 2.6.24 %.3f ms (%.3f ms without wake-up"
	       " preemption), 2.6.32 %.3f ms (%.3f ms)",
	       r24 * 1e3, n24 * 1e3, r32 * 1e3, n32 * 1e3);
	CU_ASSERT_TRUE(r24 > 0 && r24 < 1.2e-3);
	CU_ASSERT_TRUE(r32 > 0 && r32 < 1.2e-3);
	CU_ASSERT_TRUE(n24 > 5 * r24);
	CU_ASSERT_TRUE(n32 > 2 * r32);
}

/* --------------------------------------------------- 4. balancing --- */

/* 8 hogs woken at once on the Opteron end up one per pCPU.  2.6.24's fork
** balancing reads cpu_load[0], still 0 before the first tick, so after one
** hog per remote node the other five pile onto pCPU 0; its node sibling
** pulls first (the core level balances every 1-2 ms when idle), then the
** idle cores of the other nodes (node level: 8 ms, decayed loads).
** 2.6.32 reads the instantaneous load and forks them one per pCPU. */
static void check_spread(const char *version)
{
	char v[64];
	snprintf(v, sizeof v, "hypervisor.policy.version=%s", version);
	struct trace t;
	const char *const early[] = { v, "run.duration=1s", "run.warmup=0s", NULL };
	CU_ASSERT_EQUAL_FATAL(step_run(cfs_opteron, early, 0, &t), 0);
	printf("\n    2.6.%s, 8 hogs: pCPUs first busy at", version);
	for (int c = 0; c < 8; c++)
		printf(" %g", (double)t.first_busy[c] / MS);
	printf(" ms; %llu migrations in the first second", (unsigned long long)(t.moves_local + t.moves_remote));
	CU_ASSERT_EQUAL(t.bad, 0);
	for (int c = 0; c < 8; c++)
		CU_ASSERT_TRUE(t.first_busy[c] >= 0 && t.first_busy[c] <= 8 * MS);
	if (strcmp(version, "24") == 0) {
		CU_ASSERT_TRUE(t.first_busy[0] == 0 && t.first_busy[2] == 0 && t.first_busy[4] == 0 &&
			       t.first_busy[6] == 0);
		CU_ASSERT_TRUE(t.first_busy[1] > 0);
		CU_ASSERT_TRUE(t.first_busy[1] < t.first_busy[3]);
		CU_ASSERT_TRUE(t.first_busy[1] < t.first_busy[5]);
		CU_ASSERT_TRUE(t.first_busy[1] < t.first_busy[7]);
	} else {
		for (int c = 0; c < 8; c++)
			CU_ASSERT_EQUAL(t.first_busy[c], 0);
		CU_ASSERT_EQUAL(t.moves_local + t.moves_remote, 0);
	}
	trace_free(&t);

	struct scenario s;
	struct world w;
	const char *const sets[] = { v, NULL };
	CU_ASSERT_EQUAL_FATAL(cut_sim(cfs_opteron, sets, &s, &w), 0);
	double m = measured_ns(&s), lo = 1;
	uint64_t moves = 0;
	for (int c = 0; c < w.sched.ncpus; c++)
		lo = (double)w.sched.cpu[c].t_busy / m < lo ? (double)w.sched.cpu[c].t_busy / m : lo;
	for (int i = 0; i < w.nvms; i++) {
		CU_ASSERT_DOUBLE_EQUAL((double)w.vms[i].vcpu[0]->t_run / m, 1.0, 1e-3);
		moves += w.vms[i].vcpu[0]->nmigrate;
	}
	printf("; from 5 s on: least busy pCPU %.5f, migrations %llu", lo, (unsigned long long)moves);
	CU_ASSERT_TRUE(lo > 0.999);
	CU_ASSERT_EQUAL(moves, 0);
	world_free(&w);
	scn_free(&s);
}

static void test_balance_spread(void)
{
	check_spread("24");
	check_spread("32");
}

/* 4 hogs on the otherwise idle Opteron: the node level gives every node
** one task before doubling up (2.6.24: a node group has the power of one
** CPU; 2.6.32: SD_PREFER_SIBLING cuts its capacity to one), and nothing
** moves once placed. */
static void check_nodes(const char *version)
{
	char v[64];
	snprintf(v, sizeof v, "hypervisor.policy.version=%s", version);
	const char *const sets[] = { v, "vm.count=4", NULL };
	struct scenario s;
	struct world w;
	CU_ASSERT_EQUAL_FATAL(cut_sim(cfs_opteron, sets, &s, &w), 0);
	double m = measured_ns(&s);
	uint64_t moves = 0;
	printf("\n    2.6.%s, 4 hogs: busy pCPUs per node", version);
	for (int n = 0; n < 4; n++) {
		double busy = (double)(w.sched.cpu[2 * n].t_busy + w.sched.cpu[2 * n + 1].t_busy) / m;
		printf(" %.3f", busy);
		CU_ASSERT_DOUBLE_EQUAL(busy, 1.0, 1e-3);
	}
	for (int i = 0; i < w.nvms; i++)
		moves += w.vms[i].vcpu[0]->nmigrate;
	printf(", migrations %llu", (unsigned long long)moves);
	CU_ASSERT_EQUAL(moves, 0);
	world_free(&w);
	scn_free(&s);
}

static void test_balance_nodes(void)
{
	check_nodes("24");
	check_nodes("32");
}

/* Six hogs and six 2-VCPU request servers (8.4 pCPUs of demand): the
** invariants hold after every event, the pCPUs stay busy and the hogs
** share fairly across queues (vruntime renormalised on every move).  The
** migrations within and across nodes are printed, not judged.  A hog's
** share is what the web VCPUs leave on its pCPU; 2.6.32's ADAPTIVE_GRAN
** lets a waking VCPU preempt a long-running hog at once, so fewer wait
** in a queue where the balancer could pull them, and the spread of the
** hogs' shares grows (0.11-0.16 at seeds 1-5 and 9; 0.06-0.13 before
** the real waker and ADAPTIVE_GRAN). */
static void check_mixed(const char *version)
{
	char v[64];
	snprintf(v, sizeof v, "hypervisor.policy.version=%s", version);
	const char *const sets[] = { v, cut_slow() ? NULL : "run.duration=20s", NULL };
	struct trace t;
	CU_ASSERT_EQUAL_FATAL(step_run(cfs_mixed, sets, 5000000000, &t), 0);
	printf("\n    2.6.%s mix: %llu events checked, %llu bad; migrations %llu within a node, %llu across",
	       version, (unsigned long long)t.events, (unsigned long long)t.bad,
	       (unsigned long long)t.moves_local, (unsigned long long)t.moves_remote);
	CU_ASSERT_EQUAL(t.bad, 0);
	CU_ASSERT_TRUE(t.events > 10000);
	trace_free(&t);

	struct scenario s;
	struct world w;
	CU_ASSERT_EQUAL_FATAL(cut_sim(cfs_mixed, sets, &s, &w), 0);
	double m = measured_ns(&s), lo = 1, hi = 0, busy = 0;
	for (int i = 0; i < w.nvms; i++) {
		if (strncmp(w.vms[i].name, "hog", 3) != 0)
			continue;
		double share = (double)w.vms[i].vcpu[0]->t_run / m;
		lo = share < lo ? share : lo;
		hi = share > hi ? share : hi;
	}
	for (int c = 0; c < w.sched.ncpus; c++)
		busy += (double)w.sched.cpu[c].t_busy / m;
	printf("; hog shares %.3f..%.3f, pCPUs busy %.3f of 8", lo, hi, busy);
	CU_ASSERT_TRUE(busy > 7.5);
	/* the 20 s sanitizer run averages over fewer balancing periods */
	CU_ASSERT_TRUE(lo > 0.65 && hi - lo < (cut_slow() ? 0.2 : 0.3));
	world_free(&w);
	scn_free(&s);
}

static void test_balance_mixed(void)
{
	check_mixed("24");
	check_mixed("32");
}

/* ---------------------------------------------------- 5. tunables --- */

/* The policy's dump for path with sets, before running. */
static char *dump_of(const char *path, const char *const *sets)
{
	struct scenario s;
	struct world w;
	if (cut_load(path, sets, &s, &w))
		return NULL;
	char *text = cut_dump(&w);
	world_free(&w);
	scn_free(&s);
	return text;
}

static void check_tunables(const char *path, const char *version, const char *extra, double lat, double mg,
			   double wg, int nrl)
{
	char v[64];
	snprintf(v, sizeof v, "hypervisor.policy.version=%s", version);
	const char *const sets[] = { v, extra, NULL };
	char *text = dump_of(path, sets);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	int ver = 0, nr = 0;
	double a = 0, b = 0, c = 0;
	int got = sscanf(text, "cfs 2.6.%d: latency %lf ms, min_granularity %lf ms, wakeup_granularity %lf ms, "
			 "nr_latency %d", &ver, &a, &b, &c, &nr);
	printf("\n    %s 2.6.%s%s%s: latency %g ms, min_granularity %g ms, wakeup_granularity %g ms, nr_latency %d",
	       strstr(path, "nice") ? "2 pCPUs" : "8 pCPUs", version, extra ? ", " : "", extra ? extra : "", a, b,
	       c, nr);
	CU_ASSERT_EQUAL(got, 5);
	CU_ASSERT_EQUAL(ver, atoi(version));
	CU_ASSERT_DOUBLE_EQUAL(a, lat, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(b, mg, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(c, wg, 1e-9);
	CU_ASSERT_EQUAL(nr, nrl);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "cpu7 (node 3)"));
	free(text);
}

static void test_tunables(void)
{
	/* 8 pCPUs: factor 1 + log2 8 = 4 */
	check_tunables(cfs_opteron, "24", NULL, 80, 16, 40, 5);
	check_tunables(cfs_opteron, "32", NULL, 20, 4, 4, 5);
	/* set values are used as given */
	check_tunables(cfs_opteron, "24", "hypervisor.policy.latency=30ms", 30, 16, 40, 2);
	check_tunables(cfs_opteron, "32", "hypervisor.policy.wakeup-granularity=2.5ms", 20, 4, 2.5, 5);
}

static void test_tunables_small(void)
{
	/* 2 pCPUs: factor 2 */
	char *text = dump_of(cfs_nice, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	printf("\n    2 pCPUs: %.*s", (int)strcspn(text, "\n"), text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "latency 40.000 ms, min_granularity 8.000 ms, wakeup_granularity 20.000 ms"));
	free(text);
	const char *const v32[] = { "hypervisor.policy.version=32", NULL };
	text = dump_of(cfs_nice, v32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	printf("\n    2 pCPUs: %.*s", (int)strcspn(text, "\n"), text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "latency 10.000 ms, min_granularity 2.000 ms, wakeup_granularity 2.000 ms"));
	free(text);
}

/* Bad parameter values are errors that name the parameter. */
static void test_bad_params(void)
{
	static const struct {
		const char *set, *msg;
	} cases[] = {
		{ "hypervisor.policy.version=25", "<policy version>: expected 24 (Linux 2.6.24) or 32" },
		{ "hypervisor.policy.hz=0", "<policy hz>: expected a tick rate" },
		/* the value as written, not reformatted by %g (1e+09) */
		{ "hypervisor.policy.hz=1000000000", "<policy hz>: expected a tick rate from 10 to 10000, got '1000000000'" },
		{ "hypervisor.policy.hrtick=2", "<policy hrtick>: expected 0 or 1" },
		/* a period below Linux's 100 us sysctl floor (0 is the default) */
		{ "hypervisor.policy.latency=50us", "<policy latency>: expected a time of at least 100us or 0" },
		{ "hypervisor.policy.min-granularity=1ns", "<policy min-granularity>: expected a time of at least 100us" },
		{ "hypervisor.policy.quantum=1ms", "has no such parameter" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char key[96];
		const char *eq = strchr(cases[i].set, '=');
		snprintf(key, sizeof key, "%.*s", (int)(eq - cases[i].set), cases[i].set);
		struct scn_override ov = { key, eq + 1 };
		struct scenario s;
		struct world w;
		struct diag d = { 0 };
		int rc = scn_load(&s, cfs_nice, &ov, 1, 0, &d);
		if (rc == 0) {
			rc = world_build(&w, &s, &d);
			world_free(&w);
			scn_free(&s);
		}
		CU_ASSERT_NOT_EQUAL(rc, 0);
		CU_ASSERT_TRUE(d.n >= 1 && strstr(d.msg[0], cases[i].msg) != NULL);
		if (d.n >= 1 && !strstr(d.msg[0], cases[i].msg))
			printf("\n    %s: %s", cases[i].set, d.msg[0]);
		diag_free(&d);
	}
	/* 0, as the help says, is the version's default; 100 us is allowed */
	static const char *const good[] = { "hypervisor.policy.latency=0ms", "hypervisor.policy.latency=100us",
					    "hypervisor.policy.wakeup-granularity=0ms" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		const char *const sets[] = { good[i], NULL };
		struct scenario s;
		struct world w;
		int rc = cut_load(cfs_nice, sets, &s, &w);
		if (rc)
			printf("\n    %s: refused", good[i]);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc == 0) {
			world_free(&w);
			scn_free(&s);
		}
	}
}

/* ------------------------------------------------- 6. determinism --- */

static void test_determinism(void)
{
	const char *const a[] = { "hypervisor.policy.version=24", NULL };
	const char *const b[] = { "hypervisor.policy.version=24", "run.seed=10", NULL };
	struct scenario s1, s2, s3;
	struct world w1, w2, w3;
	CU_ASSERT_EQUAL_FATAL(cut_sim(cfs_mixed, a, &s1, &w1), 0);
	CU_ASSERT_EQUAL_FATAL(cut_sim(cfs_mixed, a, &s2, &w2), 0);
	CU_ASSERT_EQUAL_FATAL(cut_sim(cfs_mixed, b, &s3, &w3), 0);
	CU_ASSERT_EQUAL_FATAL(w1.nent, w2.nent);
	int same = 1, differ = 0;
	for (int i = 0; i < w1.nent; i++) {
		same &= w1.ent[i]->t_run == w2.ent[i]->t_run && w1.ent[i]->nmigrate == w2.ent[i]->nmigrate &&
			w1.ent[i]->npreempt == w2.ent[i]->npreempt;
		differ |= w1.ent[i]->t_run != w3.ent[i]->t_run;
	}
	printf("\n    %d entities, %llu events: same seed identical %s, other seed differs %s", w1.nent,
	       (unsigned long long)w1.events, same ? "yes" : "no", differ ? "yes" : "no");
	CU_ASSERT_TRUE(same);
	CU_ASSERT_EQUAL(w1.events, w2.events);
	CU_ASSERT_TRUE(differ);
	world_free(&w1);
	world_free(&w2);
	world_free(&w3);
	scn_free(&s1);
	scn_free(&s2);
	scn_free(&s3);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "shares follow nice weights", test_nice_shares },
		{ "slices and fairness within a period", test_slices },
		{ "wake-up preemption with sleeper credit", test_wakeup_preemption },
		{ "balancing: hogs spread one per pCPU", test_balance_spread },
		{ "balancing: one hog per node first", test_balance_nodes },
		{ "balancing: consolidation mix", test_balance_mixed },
		{ "2.6.24 and 2.6.32 tunables on 8 pCPUs", test_tunables },
		{ "tunables on 2 pCPUs", test_tunables_small },
		{ "bad parameters", test_bad_params },
		{ "determinism", test_determinism },
		{ NULL, NULL },
	};
	cut_suite("cfs", t);
}
