/*
** The Linux CFS policy (models/sched_cfs.c): nice-weighted shares, slices
** within one latency period, wake-up preemption with sleeper credit, the
** NUMA load balancer, the 2.6.24 and 2.6.32 tunables, determinism, and
** strict co-scheduling through the dequeue hook.  Scenarios are
** tests/data/good/cfs-*.xml, varied with set overrides.
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
static const char *const cfs_smp = "tests/data/good/cfs-smp.xml";

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
		{ "hypervisor.policy.hrtick=2", "<policy hrtick>: expected 0 or 1" },
		{ "hypervisor.policy.latency=0ms", "<policy latency>: expected" },
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

/* ------------------------------------- 7. strict co-scheduling --- */

/* The policy's dump (its own view of the run queues); malloc'd. */
static char *dump_now(struct world *w)
{
	return cut_dump(w);
}

/* e's vruntime (ms) as the dump shows it, curr or queued; false if absent. */
static bool dumped_vruntime(const char *text, const struct entity *e, double *v)
{
	char key[96];
	snprintf(key, sizeof key, " %s#%d vruntime ", e->name, e->idx);
	const char *p = strstr(text, key);
	return p && sscanf(p + strlen(key), "%lfms", v) == 1;
}

/* The pCPU whose queue the dump shows e on (as curr or queued), or -1. */
static int dumped_cpu(const char *text, const struct entity *e)
{
	char key[96];
	snprintf(key, sizeof key, " %s#%d vruntime ", e->name, e->idx);
	const char *p = strstr(text, key), *head = NULL;
	for (const char *q = strstr(text, "\ncpu"); p && q && q < p; q = strstr(q + 1, "\ncpu"))
		head = q;
	int cpu;
	return head && sscanf(head + 1, "cpu%d", &cpu) == 1 ? cpu : -1;
}

/* Does the policy's book-keeping agree with the framework?  Every pCPU
** that runs an entity shows it as curr and an idle one none, and the
** queues count every runnable entity once, curr included (nr_running and
** load: all are nice 0, weight 1024).  Returns the disagreements. */
static int books_wrong(const struct world *w, const char *text)
{
	int wrong = 0, nr_sum = 0, runnable = 0;
	long long load_sum = 0;
	for (int c = 0; c < w->sched.ncpus; c++) {
		char head[32];
		snprintf(head, sizeof head, "\ncpu%d (node ", c);
		const char *p = strstr(text, head);
		int cpu, node, nr;
		long long load;
		if (!p || sscanf(p + 1, "cpu%d (node %d): nr_running %d, load %lld", &cpu, &node, &nr, &load) != 4) {
			wrong++;
			continue;
		}
		nr_sum += nr;
		load_sum += load;
		snprintf(head, sizeof head, "\ncpu%d (node ", c + 1);
		const char *next = strstr(p + 1, head), *curr = strstr(p + 1, "\n  curr ");
		bool shows = curr && (!next || curr < next);
		const struct entity *e = w->sched.cpu[c].curr;
		if (e) {
			char want[96];
			snprintf(want, sizeof want, "\n  curr %s#%d vruntime", e->name, e->idx);
			wrong += !shows || strncmp(curr, want, strlen(want)) != 0;
		} else {
			wrong += shows;
		}
	}
	for (int i = 0; i < w->nent; i++)
		runnable += w->ent[i]->state != ENT_BLOCKED;
	wrong += nr_sum != runnable;
	wrong += load_sum != 1024LL * runnable;
	return wrong;
}

struct gang_step {
	long instants, split, books;
	double run_ms, charged_ms;   /* run time of the runs followed, their vruntime growth */
	long runs, moved;            /* runs followed; runs not followed, the entity moved at once */
};

/* Step the co-scheduled scenario an instant at a time (every event at one
** time), counting the instants that end with a VM both RUNNING and READY
** (a split gang) or with the policy's books out of step with the
** framework, and following each VCPU run that ends in a preemption: its
** vruntime must grow by its run time (nice 0), whether a pick or
** co-scheduling started it.  A run whose entity the balancer moved to
** another queue in the same instant is counted apart: its vruntime
** shifted by the queues' min_vruntime difference (set_task_cpu), which
** may be seconds. */
static void gang_step(const char *path, const char *version, struct gang_step *g)
{
	char v[64];
	snprintf(v, sizeof v, "hypervisor.policy.version=%s", version);
	const char *const sets[] = { "hypervisor.policy.name=cfs", v, "run.duration=20s", "run.warmup=0s", NULL };
	struct scenario s;
	struct world w;
	memset(g, 0, sizeof *g);
	CU_ASSERT_EQUAL_FATAL(cut_load(path, sets, &s, &w), 0);
	int ne = w.nent;
	uint64_t *disp = calloc((size_t)ne, sizeof *disp);
	int64_t *t0 = calloc((size_t)ne, sizeof *t0);
	double *v0 = calloc((size_t)ne, sizeof *v0);
	bool *seen = calloc((size_t)ne, sizeof *seen);   /* following a run from its start */
	struct evq_event ev;
	while (evq_next_time(&w.q) < w.end) {
		int64_t now = evq_next_time(&w.q);
		while (evq_next_time(&w.q) == now && evq_pop(&w.q, &ev))
			ev.fn(&w, ev.obj, ev.arg);
		for (int k = 0; k < w.nvms; k++) {
			int run = 0, ready = 0;
			for (int i = 0; i < w.vms[k].nvcpus; i++) {
				run += w.vms[k].vcpu[i]->state == ENT_RUNNING;
				ready += w.vms[k].vcpu[i]->state == ENT_READY;
			}
			g->split += run > 0 && ready > 0;
		}
		char *text = dump_now(&w);
		g->books += books_wrong(&w, text) != 0;
		for (int i = 0; i < ne; i++) {
			const struct entity *e = w.ent[i];
			double vr;
			if (e->kind != ENT_VCPU)
				continue;
			bool again = e->ndispatch != disp[i];
			if (seen[i] && (again || e->state != ENT_RUNNING)) {
				/* the run ended; preempted, it shows its vruntime on its
				** queue (ended and restarted within the instant: unseen) */
				if (!again && e->state == ENT_READY && dumped_vruntime(text, e, &vr)) {
					if (dumped_cpu(text, e) != e->cpu) {
						g->moved++;
					} else {
						g->run_ms += (double)(e->since - t0[i]) / MS;
						g->charged_ms += vr - v0[i];
						g->runs++;
					}
				}
				seen[i] = false;
			}
			if (e->state == ENT_RUNNING && !seen[i] && e->since == now && dumped_vruntime(text, e, &vr)) {
				seen[i] = true;
				t0[i] = now;
				v0[i] = vr;
				disp[i] = e->ndispatch;
			}
		}
		free(text);
		g->instants++;
	}
	free(disp);
	free(t0);
	free(v0);
	free(seen);
	world_free(&w);
	scn_free(&s);
}

struct smp_run {
	double spin;                     /* sum of t_spin over t_run of the SMP guest's VCPUs */
	double share_smp, share_other;   /* of the two pCPUs */
	uint64_t ncostart, ncostop;
};

/* One whole run of the scenario with the policy version, co-scheduling
** mode and the other VM's think time ("0s" busy, "1000000s" idle) and
** nice level. */
static void smp_run(const char *version, const char *mode, const char *other_think, const char *other_nice,
		    struct smp_run *r)
{
	char v[64], m[64], u[64], n[64];
	snprintf(v, sizeof v, "hypervisor.policy.version=%s", version);
	snprintf(m, sizeof m, "hypervisor.coschedule.mode=%s", mode);
	snprintf(u, sizeof u, "vm[other].workload.closed.think.mean=%s", other_think);
	snprintf(n, sizeof n, "vm[other].nice=%s", other_nice);
	const char *const sets[] = { v, m, u, n, NULL };
	struct scenario s;
	struct world w;
	memset(r, 0, sizeof *r);
	CU_ASSERT_EQUAL_FATAL(cut_sim(cfs_smp, sets, &s, &w), 0);
	double spin = 0, run[2] = { 0, 0 };
	for (int k = 0; k < w.nvms; k++)
		for (int i = 0; i < w.vms[k].nvcpus; i++) {
			const struct entity *e = w.vms[k].vcpu[i];
			bool smp = strcmp(w.vms[k].name, "smp") == 0;
			run[!smp] += (double)e->t_run;
			if (smp)
				spin += (double)e->t_spin;
		}
	r->spin = run[0] > 0 ? spin / run[0] : 0;
	r->share_smp = run[0] / (2 * measured_ns(&s));
	r->share_other = run[1] / (2 * measured_ns(&s));
	r->ncostart = w.sched.ncostart;
	r->ncostop = w.sched.ncostop;
	world_free(&w);
	scn_free(&s);
}

/* A 2-VCPU guest holding its kernel lock 20% of the time shares two pCPUs
** with a busy 2-VCPU VM.  Without co-scheduling its VCPUs are often
** descheduled inside the critical section and the sibling spins.  Strict
** co-scheduling (the dequeue hook: a sibling is started on the other pCPU
** without a pick; a pick whose gang cannot start is handed back) keeps
** every gang whole at every instant and the policy's queues in step with
** what runs, charges every run to its vruntime, and brings the spin down
** to the guest's own level alone, while the VMs share the pCPUs by their
** weights: equally, or 1024 : 335 with the other VM at nice 5. */
static void check_cosched(const char *version)
{
	struct gang_step g;
	gang_step(cfs_smp, version, &g);
	struct smp_run off, strict, alone, nice5;
	smp_run(version, "off", "0s", "0", &off);
	smp_run(version, "strict", "0s", "0", &strict);
	smp_run(version, "off", "1000000s", "0", &alone);
	smp_run(version, "strict", "0s", "5", &nice5);
	printf("\n    2.6.%s: %ld instants, %ld with a split gang, %ld with the queues out of step;"
	       " %ld runs followed, vruntime charged %.3f of their %.1f ms\n"
	       "            spin share: alone %.4f, shared %.4f, strict %.4f (%llu co-starts, %llu co-stops);"
	       " smp VM's share of the pCPUs (strict): %.4f, other at nice 5: %.4f (expected %.4f)",
	       version, g.instants, g.split, g.books, g.runs, g.charged_ms / g.run_ms, g.run_ms, alone.spin,
	       off.spin, strict.spin, (unsigned long long)strict.ncostart, (unsigned long long)strict.ncostop,
	       strict.share_smp, nice5.share_smp, 1024.0 / (1024 + 335));
	CU_ASSERT_TRUE(g.instants > 5000);
	CU_ASSERT_EQUAL(g.split, 0);
	CU_ASSERT_EQUAL(g.books, 0);
	CU_ASSERT_TRUE(g.runs > 500);
	CU_ASSERT_DOUBLE_EQUAL(g.charged_ms / g.run_ms, 1.0, 0.01);
	CU_ASSERT_TRUE(strict.ncostart > 1000);
	CU_ASSERT_TRUE(off.spin > 3 * alone.spin);
	CU_ASSERT_TRUE(strict.spin < off.spin / 3);
	CU_ASSERT_TRUE(strict.spin < 1.5 * alone.spin);
	CU_ASSERT_DOUBLE_EQUAL(strict.share_smp, 0.5, 0.01);
	CU_ASSERT_DOUBLE_EQUAL(strict.share_other, 0.5, 0.01);
	CU_ASSERT_DOUBLE_EQUAL(nice5.share_smp, 1024.0 / (1024 + 335), 0.01);
}

static void test_strict_cosched(void)
{
	check_cosched("24");
	check_cosched("32");
}

/* Three 2-VCPU gangs among Dom0, host jobs, a pinned and a capped VM on
** two nodes (test_vm's vm-mix-strict.xml, under cfs): gangs stay whole,
** the queues stay in step through load balancing, pinning and fork
** placement, and runs are charged. */
static void test_strict_cosched_mix(void)
{
	for (int k = 0; k < 2; k++) {
		const char *version = k ? "32" : "24";
		struct gang_step g;
		gang_step("tests/data/good/vm-mix-strict.xml", version, &g);
		printf("\n    2.6.%s: %ld instants, %ld with a split gang, %ld with the queues out of step;"
		       " %ld runs followed, vruntime charged %.3f of their %.1f ms (%ld moved at once)",
		       version, g.instants, g.split, g.books, g.runs, g.charged_ms / g.run_ms, g.run_ms, g.moved);
		CU_ASSERT_TRUE(g.instants > 5000);
		CU_ASSERT_EQUAL(g.split, 0);
		CU_ASSERT_EQUAL(g.books, 0);
		CU_ASSERT_TRUE(g.runs > 500);
		CU_ASSERT_DOUBLE_EQUAL(g.charged_ms / g.run_ms, 1.0, 0.01);
	}
}

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
		{ "strict co-scheduling through the dequeue hook", test_strict_cosched },
		{ "strict co-scheduling among other loads", test_strict_cosched_mix },
		{ "2.6.24 wake-affine, passive balancing, wake_idle", test_wake_affine_24 },
		{ "2.6.32 wake-affine from the waker", test_wake_affine_32 },
		{ "2.6.32 ADAPTIVE_GRAN", test_adaptive_gran },
		{ NULL, NULL },
	};
	cut_suite("cfs", t);
}
