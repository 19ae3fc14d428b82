/*
** The Linux CFS policy (models/sched_cfs.c) under strict co-scheduling
** (models/cosched.c) through the dequeue and pick_given hooks: gangs start and stop
** whole, the policy's books stay right, other loads keep their turns.
** The rest of CFS: tests/test_cfs.c.
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

static const char *const cfs_smp = "tests/data/good/cfs-smp.xml";

static double measured_ns(const struct scenario *s)
{
	return (double)(s->duration - s->warmup);
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
** co-scheduling (a sibling is set aside by dequeue and picked on the other
** pCPU by pick_given; a pick whose gang cannot start is handed back) keeps
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

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "strict co-scheduling through dequeue and pick_given", test_strict_cosched },
		{ "strict co-scheduling among other loads", test_strict_cosched_mix },
		{ NULL, NULL },
	};
	cut_suite("cfs-cosched", t);
}
