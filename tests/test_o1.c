/*
** The Linux 2.6.21 O(1) policy (models/sched_o1.c): time slices by nice
** level and HZ, round robin within a priority, the interactivity bonus
** and wake-up preemption, reinsertion of interactive tasks in the active
** array, the balancer's imbalance rule, newly-idle balancing, spreading
** over the Opteron's core and node domains, determinism, parameters.
*/
#include "tests/cutest.h"
#include "models/vm.h"
#include "models/wl_burst.h"
#include "sim/report/timeline.h"
#include "models/world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct world W;
static struct scenario S;

static void sim(const char *path, const char *const *sets)
{
	if (cut_sim(path, sets, &S, &W))
		CU_FAIL_FATAL("scenario did not run");
}

/* cut_sim with the run's segments kept in memory (timeline_of(&W)->seg). */
static void sim_timeline(const char *path, const char *const *sets)
{
	if (cut_load(path, sets, &S, &W))
		CU_FAIL_FATAL("scenario did not load");
	if (timeline_open(&W, NULL, 1) || world_run(&W))
		CU_FAIL_FATAL("scenario did not run");
}

static void done(void)
{
	world_free(&W);
	scn_free(&S);
}

static struct entity *vcpu(const char *name)
{
	struct vm *vm = cut_vm(&W, name);
	if (!vm)
		CU_FAIL_FATAL("no such VM");
	return vm->vcpu[0];
}

static struct ci resp(const char *vm)
{
	for (int i = 0; i < W.nburst; i++)
		if (W.burst[i]->vm && strcmp(W.burst[i]->vm->name, vm) == 0)
			return tally_mean(&W.burst[i]->resp);
	CU_FAIL_FATAL("no such workload");
	return (struct ci){ 0, 0, 0, 0 };
}

static double measured(void)
{
	return (double)(W.batches.t1 - W.batches.t0);
}

/* task_timeslice of 2.6.21 in ticks, for the expectations. */
static int slice_ticks(int nice, int hz)
{
	int def = 100 * hz / 1000, min = 5 * hz / 1000 > 1 ? 5 * hz / 1000 : 1;
	int t = (nice < 0 ? 4 * def : def) * (20 - nice) / 20;
	return t > min ? t : min;
}

/* The policy's dump, and the dynamic priority it shows for a task. */
static char *dump(void)
{
	return cut_dump(&W);
}

static int dumped_prio(const char *text, const char *task)
{
	char key[128];
	snprintf(key, sizeof key, "task %s: static ", task);
	const char *p = strstr(text, key);
	int sp, prio;
	if (!p || sscanf(p + strlen(key), "%d prio %d", &sp, &prio) != 2)
		return -1;
	return prio;
}

/* Two hogs on one pCPU at nice 0 and 10 share it as their slices: 25 and
** 12 ticks at HZ 250 (100 and 48 ms), not equally nor as CFS weights. */
static void test_nice_shares(void)
{
	const char *const pure[] = { "vm[a].workload.demand.mean=1000s", "vm[b].workload.demand.mean=1000s", NULL };
	sim("tests/data/good/o1-nice.xml", pure);
	double a = (double)vcpu("a")->t_run, b = (double)vcpu("b")->t_run;
	double want = (double)slice_ticks(0, 250) / (slice_ticks(0, 250) + slice_ticks(10, 250));
	printf("\n    nice 0 share %.4f (slices %d:%d ticks: %.4f), busy %.4f", a / (a + b), slice_ticks(0, 250),
	       slice_ticks(10, 250), want, (a + b) / measured());
	CU_ASSERT_DOUBLE_EQUAL(a / (a + b), want, 0.001);
	CU_ASSERT_DOUBLE_EQUAL(a + b, measured(), 1e6);
	/* each slice is one dispatch: 100 s / 148 ms rounds */
	CU_ASSERT_DOUBLE_EQUAL((double)vcpu("a")->ndispatch, measured() / 148e6, 2);
	done();
	/* with 1 s jobs the hog that halts for 0 ns at a slice's end leaves
	** the tick that follows to the other: the sampled accounting */
	sim("tests/data/good/o1-nice.xml", NULL);
	a = (double)vcpu("a")->t_run;
	b = (double)vcpu("b")->t_run;
	printf("; with 1 s jobs %.4f", a / (a + b));
	CU_ASSERT_DOUBLE_EQUAL(a / (a + b), want, 0.015);
	done();
}

/* HZ sets the slices in whole ticks: nice 19 gets MIN_TIMESLICE, 1 tick
** (4 ms) at HZ 250 but 5 ms at HZ 1000. */
static void test_hz(void)
{
	const int hzs[] = { 250, 1000 };
	for (int i = 0; i < 2; i++) {
		char hz[64];
		snprintf(hz, sizeof hz, "hypervisor.policy.hz=%d", hzs[i]);
		const char *const sets[] = { hz, "vm[b].nice=19", "vm[a].workload.demand.mean=1000s",
					     "vm[b].workload.demand.mean=1000s", NULL };
		sim("tests/data/good/o1-nice.xml", sets);
		double b = (double)vcpu("b")->t_run / measured();
		int s0 = slice_ticks(0, hzs[i]), s19 = slice_ticks(19, hzs[i]);
		double want = (double)s19 / (s0 + s19);
		printf("\n    HZ %4d: nice 19 share %.4f (slices %d:%d ticks: %.4f)", hzs[i], b, s0, s19, want);
		CU_ASSERT_DOUBLE_EQUAL(b, want, 0.001);
		done();
	}
}

/* Segments on pCPU 0, and how many last exactly 100 ms. */
static long long segments(long long *full)
{
	long long n = 0;
	*full = 0;
	for (long long k = 0; k < timeline_of(&W)->nseg; k++) {
		const struct tl_seg *g = &timeline_of(&W)->seg[k];
		if (g->cpu != 0)
			continue;
		n++;
		*full += g->b - g->a == 100000000;
	}
	return n;
}

/* Equal hogs alternate in whole 100 ms slices (25 ticks at HZ 250).  With
** 1 s jobs a hog halting for 0 ns at a job's end breaks a slice, and the
** run-queue wait until its next dispatch is credited as sleep (woken by
** an interrupt): prio 124, one extra slice, then back to 125. */
static void test_round_robin(void)
{
	const char *const pure[] = { "vm[b].nice=0", "run.duration=20s", "run.warmup=0s",
				     "vm[a].workload.demand.mean=1000s", "vm[b].workload.demand.mean=1000s", NULL };
	long long full, n;
	sim_timeline("tests/data/good/o1-nice.xml", pure);
	n = segments(&full);
	printf("\n    %lld segments on pCPU 0 in 20 s, %lld of exactly 100 ms", n, full);
	CU_ASSERT_EQUAL(n, 200);
	CU_ASSERT_EQUAL(full, 200);
	CU_ASSERT_EQUAL(W.sched.cpu[0].nswitch, 200);
	CU_ASSERT_EQUAL(W.sched.cpu[1].t_busy, 0);
	done();
	const char *const jobs[] = { "vm[b].nice=0", "run.duration=20s", "run.warmup=0s", NULL };
	sim_timeline("tests/data/good/o1-nice.xml", jobs);
	n = segments(&full);
	printf("; with 1 s jobs %lld, %lld of 100 ms, shares %.4f %.4f", n, full, (double)vcpu("a")->t_run / 20e9,
	       (double)vcpu("b")->t_run / 20e9);
	CU_ASSERT_TRUE(full >= n * 8 / 10);
	CU_ASSERT_DOUBLE_EQUAL((double)vcpu("a")->t_run / 20e9, 0.5, 0.01);
	done();
}

/* A VM that runs 5 ms after ~50 ms of sleep earns the full bonus
** (prio 115 against the hog's 125), preempts the hog on every wake-up
** and sees responses of its demand; round robin in 100 ms quanta would
** make it wait for the hog's quantum. */
static void test_interactive(void)
{
	sim("tests/data/good/o1-interactive.xml", NULL);
	struct ci r = resp("shell");
	struct entity *hog = vcpu("hog"), *sh = vcpu("shell");
	char *text = dump();
	int ps = dumped_prio(text, "shell#0"), ph = dumped_prio(text, "hog#0");
	double share = (double)hog->t_run / measured();
	printf("\n    shell response %.2f ms (demand 5 ms), prio %d vs hog %d; hog share %.4f, preempted %llu "
	       "times for %llu wake-ups",
	       r.mean * 1e3, ps, ph, share, (unsigned long long)hog->npreempt, (unsigned long long)sh->nwake);
	CU_ASSERT_TRUE(r.mean < 0.0055);
	CU_ASSERT_EQUAL(ph, 125);
	CU_ASSERT_TRUE(ps >= 100 && ps <= 116);
	CU_ASSERT_TRUE(hog->npreempt >= sh->nwake * 95 / 100);
	CU_ASSERT_DOUBLE_EQUAL(share + (double)sh->t_run / measured(), 1.0, 1e-6);
	free(text);
	done();
	const char *const rr[] = { "hypervisor.policy.name=rr", "hypervisor.policy.quantum=100ms", NULL };
	sim("tests/data/good/o1-interactive.xml", rr);
	struct ci q = resp("shell");
	printf("; under rr 100 ms: %.2f ms", q.mean * 1e3);
	CU_ASSERT_TRUE(q.mean > 5 * r.mean);
	done();
}

/* After a 2 s sleep the VM's sleep_avg sits at INTERACTIVE_SLEEP (bonus
** 7, prio 118): interactive, so at each slice expiry it goes back to the
** active array and runs its 500 ms without the hog getting a slice (in
** the expired array it would wait 100 ms: 600 ms). */
static void test_reinsert(void)
{
	sim("tests/data/good/o1-reinsert.xml", NULL);
	struct ci r = resp("batch");
	const struct burst *b = NULL;
	for (int i = 0; i < W.nburst; i++)
		if (W.burst[i]->vm && strcmp(W.burst[i]->vm->name, "batch") == 0)
			b = W.burst[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	char *text = dump();
	printf("\n    500 ms burst after 2 s sleep: response mean %.4f s, max %.4f s; prio after %d", r.mean,
	       b->resp.max, dumped_prio(text, "batch#0"));
	CU_ASSERT_DOUBLE_EQUAL(r.mean, 0.5, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(b->resp.max, 0.5, 1e-6);
	free(text);
	done();
}

/* Three hogs on two cores: 2.6.21 leaves them 100/50/50 (moving one would
** not reduce the imbalance of 128 load units in find_busiest_group). */
static void test_three_on_two(void)
{
	sim("tests/data/good/o1-three.xml", NULL);
	double s[3] = { (double)vcpu("a")->t_run / measured(), (double)vcpu("b")->t_run / measured(),
			(double)vcpu("c")->t_run / measured() };
	uint64_t mig = vcpu("a")->nmigrate + vcpu("b")->nmigrate + vcpu("c")->nmigrate;
	printf("\n    shares %.4f %.4f %.4f, %llu migrations", s[0], s[1], s[2], (unsigned long long)mig);
	double hi = fmax(s[0], fmax(s[1], s[2])), sum = s[0] + s[1] + s[2];
	CU_ASSERT_DOUBLE_EQUAL(hi, 1.0, 0.001);
	CU_ASSERT_DOUBLE_EQUAL(sum, 2.0, 0.001);
	CU_ASSERT_EQUAL(mig, 0);
	done();
}

/* pCPU 1 halts at 118 ms (its VM's 18 ms burst ends) while three hogs
** wait on pCPU 0: idle_balance pulls one then, not at the 120 ms tick. */
static void test_newidle(void)
{
	sim_timeline("tests/data/good/o1-newidle.xml", NULL);
	long long shell_end = -1, hog_start = -1;
	for (long long k = 0; k < timeline_of(&W)->nseg; k++) {
		const struct tl_seg *g = &timeline_of(&W)->seg[k];
		if (g->cpu != 1)
			continue;
		if (W.ent[g->ent] == vcpu("shell"))
			shell_end = g->b;
		else if (hog_start < 0)
			hog_start = g->a;
	}
	printf("\n    pCPU 1: VM halts at %.3f ms, a hog starts at %.3f ms", shell_end / 1e6, hog_start / 1e6);
	CU_ASSERT_EQUAL(shell_end, 118000000);
	CU_ASSERT_EQUAL(hog_start, 118000000);
	done();
}

/* Eight hogs on the 4-node Opteron: fork placement spreads the first
** over the nodes, core- and node-level balancing the rest; then each
** keeps its pCPU.  A cache-hot time longer than the run leaves only the
** aggressive path (failed balancing, active balancing) to spread them. */
static void test_opteron_spread(void)
{
	const char *const hot[] = { "hypervisor.policy.migration-cost=100s",
				    "hypervisor.policy.migration-cost-node=100s", NULL };
	for (int v = 0; v < 2; v++) {
		sim("tests/data/good/o1-opteron-hogs.xml", v ? hot : NULL);
		int cpus = 0, moves = 0;
		double least = 1;
		for (int i = 0; i < W.nvms; i++) {
			const struct entity *e = W.vms[i].vcpu[0];
			cpus |= 1 << e->cpu;
			moves += (int)e->nmigrate;
			least = fmin(least, (double)e->t_run / measured());
		}
		double busy = 1;
		for (int c = 0; c < W.sched.ncpus; c++)
			busy = fmin(busy, (double)W.sched.cpu[c].t_busy / measured());
		printf("\n    %s: pCPUs used %02x, least hog share %.4f, least busy pCPU %.4f, %d migrations",
		       v ? "cache hot" : "default", cpus, least, busy, moves);
		CU_ASSERT_EQUAL(cpus, 0xff);
		CU_ASSERT_TRUE(least > 0.999);
		CU_ASSERT_TRUE(busy > 0.999);
		CU_ASSERT_EQUAL(moves, 0);
		done();
	}
}

/* Two hogs fork onto node 0 while VMs keep nodes 1-3 busy for 50 ms;
** then node 0 holds two tasks against a capacity of one with nothing
** queued to pull: failed balancing leads to active balancing, which
** pushes a running hog to another node. */
static void test_active_push(void)
{
	sim("tests/data/good/o1-push.xml", NULL);
	const struct entity *a = vcpu("hog1"), *b = vcpu("hog2");
	char *text = dump();
	unsigned long long pushed = 0, n;
	for (const char *p = text; (p = strstr(p, "pushed ")); p++)
		if (sscanf(p, "pushed %llu", &n) == 1)
			pushed += n;
	printf("\n    hogs end on pCPUs %d and %d (nodes %d, %d), %llu active pushes, shares %.4f %.4f", a->cpu,
	       b->cpu, W.sched.cpu[a->cpu].node, W.sched.cpu[b->cpu].node, pushed,
	       (double)a->t_run / measured(), (double)b->t_run / measured());
	CU_ASSERT_NOT_EQUAL(W.sched.cpu[a->cpu].node, W.sched.cpu[b->cpu].node);
	CU_ASSERT_TRUE(pushed >= 1);
	CU_ASSERT_TRUE(a->t_run > measured() * 0.999 && b->t_run > measured() * 0.999);
	free(text);
	done();
}

static void test_deterministic(void)
{
	int64_t run[2][8];
	uint64_t disp[2][8];
	for (int k = 0; k < 2; k++) {
		sim("tests/data/good/o1-interactive.xml", NULL);
		for (int i = 0; i < W.nvms; i++) {
			run[k][i] = W.vms[i].vcpu[0]->t_run;
			disp[k][i] = W.vms[i].vcpu[0]->ndispatch;
		}
		done();
	}
	printf("\n    shell t_run %.6f s twice, %llu dispatches", run[0][1] / 1e9, (unsigned long long)disp[0][1]);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(run[0][i], run[1][i]);
		CU_ASSERT_EQUAL(disp[0][i], disp[1][i]);
	}
}

static void expect_error(const char *set, const char *msg)
{
	const char *eq = strchr(set, '=');
	char key[64];
	snprintf(key, sizeof key, "%.*s", (int)(eq - set), set);
	struct scn_override ov = { key, eq + 1 };
	struct diag d = { 0 };
	int bad = scn_load(&S, "tests/data/good/o1-nice.xml", &ov, 1, 0, &d) || world_build(&W, &S, &d);
	printf("\n    --set %s: %s", set, d.n ? d.msg[0] : "(no error)");
	CU_ASSERT_TRUE(bad);
	CU_ASSERT_TRUE(d.n == 1 && strstr(d.msg[0], msg) != NULL);
	diag_free(&d);
	done();
}

static void test_bad_params(void)
{
	expect_error("hypervisor.policy.hz=50", "<policy hz>: expected ticks per second from 100 to 1000, got 50");
	expect_error("hypervisor.policy.hz=2000000000", "<policy hz>: expected ticks per second from 100 to 1000, got 2000000000");
	expect_error("hypervisor.policy.wake-idle=2", "<policy wake-idle>: expected 0 or 1, got 2");
	expect_error("hypervisor.policy.quantum=10ms", "expected one of: hz, migration-cost");
}

/* The framework's waker (models/sched.h) in try_to_wake_up.
** tests/data/good/o1-wake.xml: pCPUs 0, 1 on node 0 and 2, 3 on node 1;
** W runs 1 us on pCPU prev at time 0 and sleeps; from 1 ms on, np hogs run
** on prev and nt on pCPU 0; at about 100 ms W is woken by K, a thread on
** pCPU 0 that ends its burst then (inside its done()), or by a device
** interrupt (on pCPU 0, idle).  Loads at wake_idx 1 (cpu_load[0]: the
** queue's weight at the last tick), 128 a nice-0 task, imb 112. */
static struct {
	struct entity *w;
	int runs, cpu;
} WK;

static double wakee_done(struct world *w, struct entity *e)
{
	(void)w;
	WK.runs++;
	WK.cpu = e->cpu;
	return -1;
}

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

static void irq_wake(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	(void)obj;
	(void)arg;
	sched_wake_from(&w->sched, WK.w, 1000, SCHED_IRQ_CPU);   /* an interrupt on pCPU 0 (irq-cpu=\"0\") */
}

static struct entity *thread(const char *name, int idx, ent_done_fn fn, int cpu)
{
	struct entity *e = world_entity(&W, name, idx, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	e->done = fn;
	memset(&e->affinity, 0, sizeof e->affinity);
	cpuset_add(&e->affinity, cpu);
	CU_ASSERT_EQUAL_FATAL(world_attach(&W, e), 0);
	return e;
}

static void run_until(int64_t t)
{
	struct evq_event ev;
	while (evq_next_time(&W.q) < t && evq_pop(&W.q, &ev))
		ev.fn(&W, ev.obj, ev.arg);
}

static void check_wake(int prev, int np, int nt, bool by_k, int want, const char *why)
{
	memset(&WK, 0, sizeof WK);
	if (cut_load("tests/data/good/o1-wake.xml", NULL, &S, &W))
		CU_FAIL_FATAL("scenario did not load");
	WK.w = thread("W", 0, wakee_done, prev);
	sched_wake(&W.sched, WK.w, 1000);
	run_until(1000000);
	CU_ASSERT_EQUAL(WK.runs, 1);
	for (int c = 0; c < W.sched.ncpus; c++)
		cpuset_add(&WK.w->affinity, c);
	for (int i = 0; i < np; i++)
		sched_wake(&W.sched, thread("hog", i, never_done, prev), 1e15);
	for (int i = 0; i < nt; i++)
		sched_wake(&W.sched, thread("hog", np + i, never_done, 0), 1e15);
	if (by_k)
		sched_wake(&W.sched, thread("K", 0, waker_done, 0), 99e6 / (nt + 1));
	else
		world_at(&W, 100000000, irq_wake, NULL, 0);
	run_until(1000000000);
	printf("\n    W last on pCPU %d (%d hogs), woken by %s (%d hogs): runs on %d (want %d: %s)", prev, np,
	       by_k ? "K on pCPU 0" : "an interrupt on pCPU 0", nt, WK.cpu, want, why);
	CU_ASSERT_EQUAL(WK.runs, 2);
	CU_ASSERT_EQUAL(WK.cpu, want);
	done();
}

static void test_wake_affine(void)
{
	/* core level (SD_WAKE_AFFINE): load(1) 256, tl(0) 128 with K:
	** 100 (128 + 128) = 25600 <= 112 x 256 = 28672: to K's pCPU */
	check_wake(1, 2, 0, true, 0, "affine: 25600 <= 28672");
	/* tl 256 > load 128 and 100 (256 + 128) > 112 x 128: stays */
	check_wake(1, 1, 1, true, 1, "not affine: 38400 > 14336");
	/* node level (SD_WAKE_BALANCE): the idle interrupt pCPU, tl 0 <= load */
	check_wake(2, 1, 0, false, 0, "passive balancing: 0 <= 12800");
	/* K's pCPU: 112 x 128 > 100 x 128, no passive balancing: stays */
	check_wake(2, 1, 0, true, 2, "no passive balancing: 14336 > 12800");
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "nice 0 and 10 share as their time slices", test_nice_shares },
		{ "HZ sets the slices in whole ticks", test_hz },
		{ "equal hogs alternate in 100 ms slices", test_round_robin },
		{ "interactivity bonus and wake-up preemption", test_interactive },
		{ "interactive task back in the active array", test_reinsert },
		{ "three hogs on two cores stay 100/50/50", test_three_on_two },
		{ "newly idle pCPU pulls at once", test_newidle },
		{ "eight hogs on the Opteron, one per pCPU", test_opteron_spread },
		{ "active balancing pushes a running hog", test_active_push },
		{ "same seed, same run", test_deterministic },
		{ "bad parameters", test_bad_params },
		{ "wake-ups from the waker's pCPU", test_wake_affine },
		{ NULL, NULL },
	};
	cut_suite("o1", t);
}
