/*
** The Linux 6.6 EEVDF policy (models/sched_eevdf.c): shares by nice
** weight, run segments of one request rounded up to the tick (or exact
** with hrtick), wake-up latency under lag preservation, load balancing
** across pCPUs, determinism, bad parameters and the dump hook, on the
** scenarios tests/data/good/eevdf-*.xml.  Each test prints what it
** measured.
*/
#include "tests/cutest.h"
#include "models/vm.h"
#include "models/wl_burst.h"
#include "sim/scenario/scenario.h"
#include "models/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA "tests/data/good/"

/* The toy machine has 4 pCPUs: 0.75 ms x (1 + log2 4) */
#define BASE_SLICE 2.25e-3
/* HZ 250: a tick every 4 ms; a request of 2.25 ms that starts on a tick
** ends at the next one, ceil(2.25 / 4) x 4 = 4 ms later */
#define TICK_SEG 4e-3

/* The hogs' bursts last 1000 s instead of 1 s, so that no burst ends
** (and no wake-up starts a run between ticks) in the measured 95 s. */
#define LONG_A "vm[a].workload.demand.mean=1000s"
#define LONG_B "vm[b].workload.demand.mean=1000s"

/* Mean run per dispatch of VM vm's VCPU, s. */
static double per_dispatch(const char *vm)
{
	const struct entity *e = cut_vm_fatal(vm)->vcpu[0];
	return e->ndispatch ? (double)e->t_run / 1e9 / (double)e->ndispatch : 0;
}

/* Two hogs on pCPU 0, nice 0 and 5: weights 1024 and 335. */
static void test_nice_shares(void)
{
	const char *const sets[] = { "vm[b].nice=5", LONG_A, LONG_B, NULL };
	cut_fixture(DATA "eevdf-hogs.xml", sets);
	double a = cut_share("a"), b = cut_share("b");
	double want = 1024.0 / (1024 + 335);
	printf("\n    nice 0 : nice 5 on one pCPU: %.4f : %.4f (weights 1024 : 335 give %.4f : %.4f)", a, b, want,
	       1 - want);
	CU_ASSERT_DOUBLE_EQUAL(a, want, 0.002);
	CU_ASSERT_DOUBLE_EQUAL(b, 1 - want, 0.002);
	CU_ASSERT_DOUBLE_EQUAL(a + b, 1.0, 1e-6);
	/* a request is 2.25 ms of an entity's own run time whatever its
	** weight, and ends at the next tick: the nice-5 one runs one request,
	** 4 ms, a dispatch; at the tick that ends a nice-0 request, pick_eevdf
	** mostly keeps it (still eligible, earliest deadline: schedule() does
	** not switch), so it runs whole ticks in a row, as many as its weight
	** asks: 4 ms x 1024 / 335 = 12.2 ms a dispatch on average, the two
	** alternating */
	double seg_a = per_dispatch("a"), seg_b = per_dispatch("b");
	uint64_t na = cut_vm_fatal("a")->vcpu[0]->ndispatch, nb = cut_vm_fatal("b")->vcpu[0]->ndispatch;
	printf("\n    run per dispatch: nice 0 %.3f ms, nice 5 %.3f ms (one request %.2f ms, to the tick: %.0f ms; "
	       "x 1024/335 = %.3f ms); dispatches %llu / %llu",
	       seg_a * 1e3, seg_b * 1e3, BASE_SLICE * 1e3, TICK_SEG * 1e3, TICK_SEG * 1024 / 335 * 1e3,
	       (unsigned long long)na, (unsigned long long)nb);
	CU_ASSERT_DOUBLE_EQUAL(seg_b, TICK_SEG, 0.001 * TICK_SEG);
	CU_ASSERT_DOUBLE_EQUAL(seg_a, TICK_SEG * 1024 / 335, 0.005 * TICK_SEG * 1024 / 335);
	CU_ASSERT_TRUE(na <= nb + 1 && nb <= na + 1);
	cut_done();

	const char *const heavy[] = { "vm[a].nice=-10", "vm[b].nice=0", NULL };
	cut_fixture(DATA "eevdf-hogs.xml", heavy);
	want = 9548.0 / (9548 + 1024);
	a = cut_share("a");
	printf("\n    nice -10 : nice 0: %.4f (weights 9548 : 1024 give %.4f)", a, want);
	CU_ASSERT_DOUBLE_EQUAL(a, want, 0.002);
	cut_done();
}

/* Equal hogs on pCPU 0 alternate.  The first dispatch starts at time 0,
** on the tick grid; each then runs its request r (its previous run
** overshot its deadline, and update_deadline() set d_i = v_i + r / w_i)
** and is preempted at the first tick at or after that, so every run
** lasts ceil(r / TICK) ticks and the next one starts on a tick again:
**     default          r = 2.25 ms, HZ 250:  ceil(2.25 / 4) x 4 = 4 ms
**     HZ 1000          r = 2.25 ms, 1 ms:    ceil(2.25 / 1) x 1 = 3 ms
**     base-slice=6ms   r = 6 ms,    HZ 250:  ceil(6 / 4) x 4    = 8 ms
**     2 pCPUs          r = 0.75 x (1 + log2 2) = 1.5 ms:          4 ms
** With hrtick=1 every run lasts exactly r. */
static void check_segment(const char *what, const char *set1, const char *set2, double want)
{
	const char *const sets[] = { LONG_A, LONG_B, set1, set2, NULL };
	cut_fixture(DATA "eevdf-hogs.xml", sets);
	const struct cpu *c = &cut_W.sched.cpu[0];
	double seg = (double)c->t_busy / 1e9 / (double)c->nswitch;
	printf("\n    %s: %llu switches, mean segment %.4f ms (by hand %.4f ms), shares %.4f : %.4f", what,
	       (unsigned long long)c->nswitch, seg * 1e3, want * 1e3, cut_share("a"), cut_share("b"));
	CU_ASSERT_DOUBLE_EQUAL(seg, want, 0.001 * want);
	CU_ASSERT_DOUBLE_EQUAL(per_dispatch("a"), want, 0.001 * want);
	CU_ASSERT_DOUBLE_EQUAL(cut_share("a"), 0.5, 0.001);
	/* every dispatch switches: they alternate */
	CU_ASSERT_TRUE(c->nswitch + 2 >= cut_vm_fatal("a")->vcpu[0]->ndispatch + cut_vm_fatal("b")->vcpu[0]->ndispatch);
	cut_done();
}

static void test_slices(void)
{
	static const char *const two[] = { "machine.node[0].cores=1", "machine.node[1].cores=1" };
	check_segment("HZ 250", NULL, NULL, TICK_SEG);
	check_segment("HZ 1000", "hypervisor.policy.hz=1000", NULL, 3e-3);
	check_segment("base-slice=6ms", "hypervisor.policy.base-slice=6ms", NULL, 8e-3);
	/* a 2-pCPU machine: both nodes of one core each */
	const char *const sets2[] = { LONG_A, LONG_B, two[0], two[1], NULL };
	cut_fixture(DATA "eevdf-hogs.xml", sets2);
	const struct cpu *c = &cut_W.sched.cpu[0];
	double seg = (double)c->t_busy / 1e9 / (double)c->nswitch;
	printf("\n    2 pCPUs: mean segment %.4f ms (1.5 ms to the tick: 4 ms)", seg * 1e3);
	CU_ASSERT_DOUBLE_EQUAL(seg, TICK_SEG, 0.001 * TICK_SEG);
	cut_done();

	/* HRTICK: exactly one request */
	check_segment("hrtick", "hypervisor.policy.hrtick=1", NULL, BASE_SLICE);
	check_segment("hrtick, base-slice=6ms", "hypervisor.policy.hrtick=1", "hypervisor.policy.base-slice=6ms",
		      6e-3);
	const char *const sets2h[] = { LONG_A, LONG_B, two[0], two[1], "hypervisor.policy.hrtick=1", NULL };
	cut_fixture(DATA "eevdf-hogs.xml", sets2h);
	c = &cut_W.sched.cpu[0];
	seg = (double)c->t_busy / 1e9 / (double)c->nswitch;
	printf("\n    2 pCPUs, hrtick: mean segment %.4f ms (0.75 x (1 + log2 2) = 1.5 ms)", seg * 1e3);
	CU_ASSERT_DOUBLE_EQUAL(seg, 1.5e-3, 0.0015e-3);
	cut_done();
}

/* A hog alone on its pCPU: at each tick past its deadline it gets a new
** request and runs on (update_deadline() reschedules only with others
** queued), so it is never dispatched again; with hrtick=1 the framework
** re-picks it at each request's end. */
static void test_alone(void)
{
	const char *const sets[] = { LONG_A, LONG_B, "vm[b].pin=1", NULL };
	cut_fixture(DATA "eevdf-hogs.xml", sets);
	uint64_t n = cut_vm_fatal("a")->vcpu[0]->ndispatch;
	printf("\n    alone on pCPU 0: share %.4f, %llu dispatches in the measured 95 s", cut_share("a"),
	       (unsigned long long)n);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_DOUBLE_EQUAL(cut_share("a"), 1.0, 1e-9);
	cut_done();

	const char *const hr[] = { LONG_A, LONG_B, "vm[b].pin=1", "hypervisor.policy.hrtick=1", NULL };
	cut_fixture(DATA "eevdf-hogs.xml", hr);
	n = cut_vm_fatal("a")->vcpu[0]->ndispatch;
	printf("\n    hrtick: %llu dispatches (95 s / 2.25 ms = 42222)", (unsigned long long)n);
	CU_ASSERT_TRUE(n >= 42221 && n <= 42223);
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

/* Bad parameter values are errors that name the parameter. */
static void test_bad_params(void)
{
	static const struct {
		const char *set, *msg;
	} cases[] = {
		{ "hypervisor.policy.hz=0", "<policy hz>: expected a tick rate from 10 to 10000, got 0" },
		{ "hypervisor.policy.hz=0001000000", "<policy hz>: expected a tick rate from 10 to 10000, got 0001000000" },
		{ "hypervisor.policy.hrtick=2", "<policy hrtick>: expected 0 or 1, got 2" },
		{ "hypervisor.policy.run-to-parity=3", "<policy run-to-parity>: expected 0 or 1" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char key[96];
		const char *eq = strchr(cases[i].set, '=');
		snprintf(key, sizeof key, "%.*s", (int)(eq - cases[i].set), cases[i].set);
		struct scn_override ov = { key, eq + 1 };
		struct scenario s;
		struct world w;
		struct diag d = { 0 };
		int rc = scn_load(&s, DATA "eevdf-hogs.xml", &ov, 1, 0, &d);
		if (rc == 0) {
			rc = world_build(&w, &s, &d);
			world_free(&w);
			scn_free(&s);
		}
		CU_ASSERT_NOT_EQUAL(rc, 0);
		CU_ASSERT_TRUE(d.n >= 1 && strstr(d.msg[0], cases[i].msg) != NULL);
		printf("\n    %s: %s", cases[i].set, d.n >= 1 ? d.msg[0] : "(no error)");
		diag_free(&d);
	}
}

/* The dump hook shows each pCPU's queue with lags and deadlines. */
static void test_dump(void)
{
	const char *const sets[] = { "run.duration=10ms", "run.warmup=0s", "vm[a].count=2", NULL };
	cut_fixture(DATA "eevdf-hogs.xml", sets);
	char *buf = cut_dump(&cut_W);
	printf("\n%s", buf);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "eevdf: base slice 2250000 ns"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, ", HZ 250\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "cpu0: nr 3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "curr "));
	free(buf);
	cut_done();
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "shares follow nice weights", test_nice_shares },
		{ "segments of one request rounded up to the tick", test_slices },
		{ "a lone hog is not re-dispatched", test_alone },
		{ "interactive latency with lag preservation", test_interactive },
		{ "load balancing over both nodes", test_balance },
		{ "determinism", test_determinism },
		{ "bad parameters", test_bad_params },
		{ "dump hook", test_dump },
		{ NULL, NULL },
	};
	cut_suite("eevdf", t);
}
