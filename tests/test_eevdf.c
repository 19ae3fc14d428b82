/*
** The Linux 6.6 EEVDF policy (models/sched_eevdf.c): shares by nice
** weight, request-sized run segments, wake-up latency under lag
** preservation, load balancing across pCPUs, determinism and the dump
** hook, on the scenarios tests/data/good/eevdf-*.xml.  Each test prints
** what it measured.
*/
#include "tests/cutest.h"
#include "models/vm.h"
#include "models/wl_burst.h"
#include "sim/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA "tests/data/good/"

/* The toy machine has 4 pCPUs: 0.75 ms x (1 + log2 4) */
#define BASE_SLICE 2.25e-3

/* Two hogs on pCPU 0, nice 0 and 5: weights 1024 and 335. */
static void test_nice_shares(void)
{
	const char *const sets[] = { "vm[b].nice=5", NULL };
	cut_fixture(DATA "eevdf-hogs.xml", sets);
	double a = cut_share("a"), b = cut_share("b");
	double want = 1024.0 / (1024 + 335);
	printf("\n    nice 0 : nice 5 on one pCPU: %.4f : %.4f (weights 1024 : 335 give %.4f : %.4f)", a, b, want,
	       1 - want);
	CU_ASSERT_DOUBLE_EQUAL(a, want, 0.002);
	CU_ASSERT_DOUBLE_EQUAL(b, 1 - want, 0.002);
	CU_ASSERT_DOUBLE_EQUAL(a + b, 1.0, 1e-6);
	/* each run still lasts one request: the lighter one runs less often */
	double seg_a = (double)cut_vm_fatal("a")->vcpu[0]->t_run / 1e9 / (double)cut_vm_fatal("a")->vcpu[0]->ndispatch;
	double seg_b = (double)cut_vm_fatal("b")->vcpu[0]->t_run / 1e9 / (double)cut_vm_fatal("b")->vcpu[0]->ndispatch;
	printf("\n    run per dispatch: nice 0 %.3f ms, nice 5 %.3f ms (one request: %.2f ms)", seg_a * 1e3, seg_b * 1e3,
	       BASE_SLICE * 1e3);
	CU_ASSERT_DOUBLE_EQUAL(seg_a, BASE_SLICE, 0.01 * BASE_SLICE);
	CU_ASSERT_DOUBLE_EQUAL(seg_b, BASE_SLICE, 0.01 * BASE_SLICE);
	cut_done();

	const char *const heavy[] = { "vm[a].nice=-10", "vm[b].nice=0", NULL };
	cut_fixture(DATA "eevdf-hogs.xml", heavy);
	want = 9548.0 / (9548 + 1024);
	a = cut_share("a");
	printf("\n    nice -10 : nice 0: %.4f (weights 9548 : 1024 give %.4f)", a, want);
	CU_ASSERT_DOUBLE_EQUAL(a, want, 0.002);
	cut_done();
}

/* Equal hogs on one pCPU alternate, each running one base slice. */
static void test_slices(void)
{
	cut_fixture(DATA "eevdf-hogs.xml", NULL);
	const struct cpu *c = &cut_W.sched.cpu[0];
	double seg = (double)c->t_busy / 1e9 / (double)c->nswitch;
	printf("\n    equal hogs: shares %.4f : %.4f, %llu switches, mean segment %.4f ms (base slice %.2f ms)",
	       cut_share("a"), cut_share("b"), (unsigned long long)c->nswitch, seg * 1e3, BASE_SLICE * 1e3);
	CU_ASSERT_DOUBLE_EQUAL(cut_share("a"), 0.5, 0.001);
	CU_ASSERT_DOUBLE_EQUAL(seg, BASE_SLICE, 0.01 * BASE_SLICE);
	/* every dispatch switches: they alternate */
	CU_ASSERT_TRUE(c->nswitch + 2 >= cut_vm_fatal("a")->vcpu[0]->ndispatch + cut_vm_fatal("b")->vcpu[0]->ndispatch);
	cut_done();

	const char *const sets[] = { "hypervisor.policy.base-slice=6ms", NULL };
	cut_fixture(DATA "eevdf-hogs.xml", sets);
	c = &cut_W.sched.cpu[0];
	seg = (double)c->t_busy / 1e9 / (double)c->nswitch;
	printf("\n    base-slice=6ms: mean segment %.4f ms", seg * 1e3);
	CU_ASSERT_DOUBLE_EQUAL(seg, 6e-3, 0.06e-3);
	cut_done();

	/* a 2-pCPU machine: 0.75 ms x (1 + log2 2) */
	const char *const one[] = { "machine.node[0].cores=1", "machine.node[1].cores=1", NULL };
	cut_fixture(DATA "eevdf-hogs.xml", one);
	c = &cut_W.sched.cpu[0];
	seg = (double)c->t_busy / 1e9 / (double)c->nswitch;
	printf("\n    2 pCPUs: mean segment %.4f ms (0.75 x (1 + log2 2) = 1.5 ms)", seg * 1e3);
	CU_ASSERT_DOUBLE_EQUAL(seg, 1.5e-3, 0.015e-3);
	cut_done();
}

/* An interactive VM (1 ms bursts, 10 ms mean think) with a hog on one
** pCPU.  With its lag kept across sleeps (PLACE_LAG) it cannot get
** ahead of its share: while it runs d, the hog's virtual time must catch
** up, so on average it waits d * w_hog / w_ia before it runs, and its
** response is d (1 + w_hog / w_ia), within d + one base slice. */
static void test_interactive(void)
{
	const double d = 1e-3;
	cut_fixture(DATA "eevdf-interactive.xml", NULL);
	double r = cut_resp("ia"), hog = cut_share("hog");
	printf("\n    nice 0 vs hog: response %.4f ms (lag conservation: %.4f ms; bound d + slice %.2f ms), hog share "
	       "%.4f",
	       r * 1e3, 2 * d * 1e3, (d + BASE_SLICE) * 1e3, hog);
	CU_ASSERT_TRUE(r > d);
	CU_ASSERT_TRUE(r <= d + BASE_SLICE);
	CU_ASSERT_DOUBLE_EQUAL(r, 2 * d, 0.02 * d);
	cut_done();

	const char *const heavy[] = { "vm[ia].nice=-5", NULL };
	cut_fixture(DATA "eevdf-interactive.xml", heavy);
	r = cut_resp("ia");
	double want = d * (1 + 1024.0 / 3121);
	printf("\n    nice -5 vs hog: response %.4f ms (d (1 + 1024/3121) = %.4f ms)", r * 1e3, want * 1e3);
	CU_ASSERT_DOUBLE_EQUAL(r, want, 0.02 * d);
	cut_done();

	/* without PLACE_LAG a waking entity starts at V with lag 0 and an
	** ordinary deadline: it waits out the hog's current request */
	const char *const nolag[] = { "hypervisor.policy.place-lag=0", NULL };
	cut_fixture(DATA "eevdf-interactive.xml", nolag);
	double r0 = cut_resp("ia");
	printf("\n    place-lag=0: response %.4f ms", r0 * 1e3);
	CU_ASSERT_TRUE(r0 > d && r0 <= d + BASE_SLICE);
	CU_ASSERT_TRUE(r0 - 2 * d > 0.05 * d || 2 * d - r0 > 0.05 * d);
	cut_done();
}

/* Seven hogs free to run on the 4 pCPUs of both nodes: balancing keeps
** every pCPU busy and shares near 4/7 of a pCPU each. */
static void test_balance(void)
{
	const char *const sets[] = { "vm[a].count=6", "vm[a].pin=0-3", "vm[b].pin=0-3", NULL };
	cut_fixture(DATA "eevdf-hogs.xml", sets);
	double lo = 1, hi = 0, sum = 0, remote = 0, run = 0;
	uint64_t mig = 0;
	for (int i = 0; i < cut_W.nvms; i++) {
		const struct entity *e = cut_W.vms[i].vcpu[0];
		double x = (double)e->t_run / cut_interval();
		lo = x < lo ? x : lo;
		hi = x > hi ? x : hi;
		sum += x;
		mig += e->nmigrate;
		remote += e->remote_ns;
		run += (double)e->t_run;
	}
	printf("\n    7 hogs on 4 pCPUs: shares %.3f .. %.3f (fair 0.571), total %.4f pCPUs, %llu migrations, remote "
	       "share %.3f",
	       lo, hi, sum, (unsigned long long)mig, remote / run);
	for (int c = 0; c < cut_W.sched.ncpus; c++)
		CU_ASSERT_DOUBLE_EQUAL((double)cut_W.sched.cpu[c].t_busy / cut_interval(), 1.0, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(sum, 4.0, 1e-6);
	CU_ASSERT_TRUE(lo > 0.45 && hi < 0.7);
	CU_ASSERT_TRUE(mig > 0);
	cut_done();

	/* two hogs allowed on pCPUs 0-1 only: one each, never on node 1 */
	const char *const two[] = { "vm[a].pin=0-1", "vm[b].pin=0-1", NULL };
	cut_fixture(DATA "eevdf-hogs.xml", two);
	printf("\n    2 hogs on pCPUs 0-1: busy %.4f %.4f %.4f %.4f", (double)cut_W.sched.cpu[0].t_busy / cut_interval(),
	       (double)cut_W.sched.cpu[1].t_busy / cut_interval(), (double)cut_W.sched.cpu[2].t_busy / cut_interval(),
	       (double)cut_W.sched.cpu[3].t_busy / cut_interval());
	CU_ASSERT_DOUBLE_EQUAL(cut_share("a"), 1.0, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(cut_share("b"), 1.0, 1e-6);
	CU_ASSERT_EQUAL(cut_W.sched.cpu[2].t_busy + cut_W.sched.cpu[3].t_busy, 0);
	cut_done();
}

struct snap {
	int64_t run[16], ready[16];
	uint64_t disp[16];
	double r;
};

static void take(struct snap *s, const char *vm)
{
	memset(s, 0, sizeof *s);
	for (int i = 0; i < cut_W.nvms && i < 16; i++) {
		s->run[i] = cut_W.vms[i].vcpu[0]->t_run;
		s->ready[i] = cut_W.vms[i].vcpu[0]->t_ready;
		s->disp[i] = cut_W.vms[i].vcpu[0]->ndispatch;
	}
	s->r = vm ? cut_resp(vm) : 0;
}

/* The same scenario and seed give the same run, to the nanosecond. */
static void test_determinism(void)
{
	struct snap a, b;
	const char *const mix[] = { "vm[hog].count=5", "vm[hog].pin=0-3", "vm[ia].pin=0-3", NULL };
	cut_fixture(DATA "eevdf-interactive.xml", mix);
	take(&a, "ia");
	cut_done();
	cut_fixture(DATA "eevdf-interactive.xml", mix);
	take(&b, "ia");
	cut_done();
	printf("\n    two runs: response %.6f / %.6f ms, run ns of VM 0 %lld / %lld", a.r * 1e3, b.r * 1e3,
	       (long long)a.run[0], (long long)b.run[0]);
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof a), 0);
}

/* The dump hook shows each pCPU's queue with lags and deadlines. */
static void test_dump(void)
{
	const char *const sets[] = { "run.duration=10ms", "run.warmup=0s", "vm[a].count=2", NULL };
	cut_fixture(DATA "eevdf-hogs.xml", sets);
	char *buf = cut_dump(&cut_W);
	printf("\n%s", buf);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "eevdf: base slice 2250000 ns"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "cpu0: nr 3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "curr "));
	free(buf);
	cut_done();
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "shares follow nice weights", test_nice_shares },
		{ "segments of one base slice", test_slices },
		{ "interactive latency with lag preservation", test_interactive },
		{ "load balancing over both nodes", test_balance },
		{ "determinism", test_determinism },
		{ "dump hook", test_dump },
		{ NULL, NULL },
	};
	cut_suite("eevdf", t);
}
