/*
** Xen 4.17's credit2 (models/sched_credit2.c): shares by weight, latency
** of an I/O-bound VM that keeps more credit than a hog, per-node
** runqueues with load balancing at credit resets, determinism and the
** dump hook, on the scenarios tests/data/good/credit2-*.xml.  Each test
** prints what it measured.
*/
#include "tests/cutest.h"
#include "models/vm.h"
#include "models/wl_burst.h"
#include "models/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA "tests/data/good/"

/* Share of e's run time spent on another node than its memory's. */
static double remote(const struct entity *e)
{
	return e->t_run ? e->remote_ns / (double)e->t_run : 0;
}

/* Weights 256 and 512 on one pCPU: the light one burns credit twice as
** fast, so between resets it runs half as long. */
static void test_weights(void)
{
	cut_fixture(DATA "credit2-hogs.xml", NULL);
	double a = cut_share("a"), b = cut_share("b");
	printf("\n    weights 256 : 512 on one pCPU: %.4f : %.4f (expect 1/3 : 2/3)", a, b);
	CU_ASSERT_DOUBLE_EQUAL(a, 1.0 / 3, 0.003);
	CU_ASSERT_DOUBLE_EQUAL(b, 2.0 / 3, 0.003);
	CU_ASSERT_DOUBLE_EQUAL(a + b, 1.0, 1e-6);
	cut_done();

	const char *const eq[] = { "vm[b].weight=256", NULL };
	cut_fixture(DATA "credit2-hogs.xml", eq);
	a = cut_share("a");
	b = cut_share("b");
	printf("\n    weights 256 : 256: %.4f : %.4f", a, b);
	CU_ASSERT_DOUBLE_EQUAL(a, 0.5, 0.003);
	cut_done();

	const char *const skew[] = { "vm[a].weight=100", "vm[b].weight=900", NULL };
	cut_fixture(DATA "credit2-hogs.xml", skew);
	a = cut_share("a");
	printf("\n    weights 100 : 900: %.4f (expect 0.1)", a);
	CU_ASSERT_DOUBLE_EQUAL(a, 0.1, 0.003);
	cut_done();
}

/* An I/O-bound VM (1 ms bursts, 10 ms think) shares a pCPU with a hog
** of the same weight.  It burns far less, so it wakes with more credit
** than the hog and preempts it as soon as the hog has run its rate limit
** (1 ms): its response stays near its demand.  Made to burn 32 times
** faster (weight 8 against 256) it has less credit than the hog and
** waits for the hog's timer. */
static void test_io_latency(void)
{
	const double d = 1e-3;
	cut_fixture(DATA "credit2-interactive.xml", NULL);
	double r = cut_resp("ia");
	const struct entity *e = cut_vm_fatal("ia")->vcpu[0];
	double wait = (double)e->t_ready / 1e9 / (double)e->nwake;
	printf("\n    equal weights: I/O VM response %.4f ms (demand 1 ms), mean wait per wake-up %.4f ms", r * 1e3,
	       wait * 1e3);
	CU_ASSERT_TRUE(r > d);
	CU_ASSERT_TRUE(r < d + 1e-3);   /* demand + the rate limit */
	CU_ASSERT_TRUE(wait < 1e-3);
	cut_done();

	const char *const light[] = { "vm[ia].weight=8", NULL };
	cut_fixture(DATA "credit2-interactive.xml", light);
	double rl = cut_resp("ia");
	printf("\n    I/O VM weight 8 vs hog 256: response %.4f ms", rl * 1e3);
	CU_ASSERT_TRUE(rl > 4 * r);
	cut_done();
}

/* One runqueue per node.  credit2-numa.xml puts the three hogs on node
** 1's runqueue; the first reset's balance moves one to node 0 and from
** then on every hog stays on its node.  With one global runqueue, 6 hogs
** on 4 pCPUs wander across nodes. */
static void test_numa_runqueues(void)
{
	cut_fixture(DATA "credit2-numa.xml", NULL);
	int on[2] = { 0, 0 };
	uint64_t mig = 0;
	for (int i = 0; i < cut_W.nvms; i++) {
		const struct entity *e = cut_W.vms[i].vcpu[0];
		if (strncmp(cut_W.vms[i].name, "hog", 3) != 0)
			continue;
		printf("\n    per node: %s memory on node %d, runs on pCPU %d, remote share %.3f, %llu migrations",
		       cut_W.vms[i].name, cut_W.vms[i].mem_node, e->cpu, remote(e), (unsigned long long)e->nmigrate);
		CU_ASSERT_DOUBLE_EQUAL(cut_share(cut_W.vms[i].name), 1.0, 1e-6);
		CU_ASSERT_TRUE(remote(e) < 1e-9 || remote(e) > 1 - 1e-9);   /* never moved once measured */
		on[cut_W.sched.cpu[e->cpu].node]++;
		mig += e->nmigrate;
	}
	CU_ASSERT_EQUAL(on[0], 1);
	CU_ASSERT_EQUAL(on[1], 2);
	CU_ASSERT_EQUAL(mig, 0);   /* all moves done in the warm-up */
	cut_done();

	const char *const six[] = { "vm[a].count=5", "vm[a].pin=0-3", "vm[b].pin=0-3", "vm[b].weight=256", NULL };
	double rem = 0;
	uint64_t inside = 0;
	cut_fixture(DATA "credit2-hogs.xml", six);
	for (int i = 0; i < cut_W.nvms; i++) {
		const struct entity *e = cut_W.vms[i].vcpu[0];
		rem += remote(e) / cut_W.nvms;
		inside += e->nmigrate;
		CU_ASSERT_DOUBLE_EQUAL(cut_share(cut_W.vms[i].name), 4.0 / 6, 0.01);
		CU_ASSERT_EQUAL(remote(e), 0);
	}
	printf("\n    6 hogs, per-node runqueues: mean remote share %.3f, %llu migrations inside nodes", rem,
	       (unsigned long long)inside);
	CU_ASSERT_TRUE(inside > 0);
	cut_done();

	const char *const glob[] = { "vm[a].count=5",	  "vm[a].pin=0-3", "vm[b].pin=0-3", "vm[b].weight=256",
				     "hypervisor.policy.runqueue=1", NULL };
	cut_fixture(DATA "credit2-hogs.xml", glob);
	rem = 0;
	for (int i = 0; i < cut_W.nvms; i++)
		rem += remote(cut_W.vms[i].vcpu[0]) / cut_W.nvms;
	printf("\n    6 hogs, one global runqueue: mean remote share %.3f", rem);
	CU_ASSERT_TRUE(rem > 0.2);
	cut_done();
}

struct snap {
	int64_t run[16], ready[16];
	uint64_t disp[16], mig[16];
	double r;
};

static void take(struct snap *s)
{
	memset(s, 0, sizeof *s);
	for (int i = 0; i < cut_W.nvms && i < 16; i++) {
		s->run[i] = cut_W.vms[i].vcpu[0]->t_run;
		s->ready[i] = cut_W.vms[i].vcpu[0]->t_ready;
		s->disp[i] = cut_W.vms[i].vcpu[0]->ndispatch;
		s->mig[i] = cut_W.vms[i].vcpu[0]->nmigrate;
	}
	s->r = cut_resp("ia");
}

static void test_determinism(void)
{
	struct snap a, b;
	const char *const mix[] = { "vm[hog].count=5", "vm[hog].pin=0-3", "vm[ia].pin=0-3", NULL };
	cut_fixture(DATA "credit2-interactive.xml", mix);
	take(&a);
	cut_done();
	cut_fixture(DATA "credit2-interactive.xml", mix);
	take(&b);
	cut_done();
	printf("\n    two runs: response %.6f / %.6f ms, run ns of VM 0 %lld / %lld", a.r * 1e3, b.r * 1e3,
	       (long long)a.run[0], (long long)b.run[0]);
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof a), 0);
}

static void test_dump(void)
{
	const char *const sets[] = { "run.duration=25ms", "run.warmup=0s", NULL };
	cut_fixture(DATA "credit2-numa.xml", sets);
	char *buf = cut_dump(&cut_W);
	printf("\n%s", buf);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "credit2: 2 runqueue(s)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "runqueue 1: 2 pCPUs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "hog"));
	free(buf);
	cut_done();
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "shares follow weights", test_weights },
		{ "I/O-bound VM latency against a hog", test_io_latency },
		{ "per-node runqueues and balancing", test_numa_runqueues },
		{ "determinism", test_determinism },
		{ "dump hook", test_dump },
		{ NULL, NULL },
	};
	cut_suite("credit2", t);
}
