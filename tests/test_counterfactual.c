/*
** Counterfactual attribution (sim/drive/counterfactual.c) and the knobs
** it turns (<ideal remove>, sim/scenario/ideal.c and the models):
**  - the Shapley split on games with known values (additive, a pure
**    interaction, efficiency);
**  - each knob removes what it names and only that, on a short Xen run of
**    six 2-VCPU SPECweb guests (switch: no overhead; numa: no remote
**    stall; lhp: spin falls; paging: guests need less CPU; emulation and
**    emu-wait: Dom0 idle; overcommit: the machine gets a pCPU per VCPU);
**  - a known answer: two machine repairmen multiplexed on one pCPU, whose
**    capacity with overcommit removed is twice the single repairman's,
**    which the exact response-time distribution gives; a cause that
**    cannot matter (the disk) gets exactly 0, and the split adds up.
*/
#include "tests/cutest.h"
#include "models/world.h"
#include "models/vm.h"
#include "models/io.h"
#include "models/workload.h"
#include "models/wl_specweb.h"
#include "sim/drive/counterfactual.h"
#include "sim/engine/qtheory.h"
#include "sim/report/result.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XEN "tests/data/counterfactual/xen.xml"
#define REPAIRMAN2 "tests/data/counterfactual/repairman2.xml"

static void test_shapley(void)
{
	/* additive: each player gets its own value */
	double v[8], phi[3];
	const double a[3] = { 5, -2, 7 };
	for (unsigned m = 0; m < 8; m++) {
		v[m] = 10;
		for (int i = 0; i < 3; i++)
			if (m & (1u << i))
				v[m] += a[i];
	}
	cf_shapley(3, v, phi);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_DOUBLE_EQUAL(phi[i], a[i], 1e-12);
	/* a pure interaction of players 0 and 1 (worth 6 only together) is
	** split equally; player 2 gets its own 1 */
	for (unsigned m = 0; m < 8; m++)
		v[m] = ((m & 3) == 3 ? 6 : 0) + (m & 4 ? 1 : 0);
	cf_shapley(3, v, phi);
	CU_ASSERT_DOUBLE_EQUAL(phi[0], 3, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(phi[1], 3, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(phi[2], 1, 1e-12);
	/* substitutes: either of two bottlenecks removed alone gains
	** nothing, both gain 10: 5 each (and efficiency on a random game) */
	double w[4] = { 0, 0, 0, 10 }, p2[2];
	cf_shapley(2, w, p2);
	CU_ASSERT_DOUBLE_EQUAL(p2[0], 5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(p2[1], 5, 1e-12);
	double g[32], p5[5], sum = 0;
	unsigned x = 12345;
	for (int m = 0; m < 32; m++) {
		x = x * 1103515245u + 12345u;
		g[m] = (x >> 8) % 1000;
	}
	cf_shapley(5, g, p5);
	for (int i = 0; i < 5; i++)
		sum += p5[i];
	CU_ASSERT_DOUBLE_EQUAL(sum, g[31] - g[0], 1e-9);
	/* one player: all of it */
	double one[2] = { 3, 8 }, p1;
	cf_shapley(1, one, &p1);
	CU_ASSERT_DOUBLE_EQUAL(p1, 5, 1e-12);
}

static void test_estimate(void)
{
	const double x[3] = { 1, 2, 3 };
	struct cf_est e = cf_estimate(x, 3);
	CU_ASSERT_DOUBLE_EQUAL(e.mean, 2, 1e-12);
	/* t(0.975, 2) = 4.3027, s = 1, n = 3 */
	CU_ASSERT_DOUBLE_EQUAL(e.hi - e.mean, 4.302653 / sqrt(3), 1e-5);
	CU_ASSERT_DOUBLE_EQUAL(e.mean - e.lo, 4.302653 / sqrt(3), 1e-5);
	e = cf_estimate(x, 1);
	CU_ASSERT_DOUBLE_EQUAL(e.lo, 1, 0);
	CU_ASSERT_DOUBLE_EQUAL(e.hi, 1, 0);
}

/* ------------------------------------------------------------ knobs --- */

struct sums {
	double run, ready, spin, ovh, remote, dom0_run;
	double pages;
	int pcpus;
};

static void sum_up(const struct world *w, struct sums *t)
{
	memset(t, 0, sizeof *t);
	for (int i = 0; i < w->nvms; i++) {
		const struct vm *vm = &w->vms[i];
		for (int k = 0; k < vm->nvcpus; k++) {
			const struct entity *e = vm->vcpu[k];
			if (!vm->cfg) {
				t->dom0_run += (double)e->t_run / 1e9;
				continue;
			}
			t->run += (double)e->t_run / 1e9;
			t->ready += (double)e->t_ready / 1e9;
			t->spin += (double)e->t_spin / 1e9;
			t->ovh += (double)e->t_overhead / 1e9;
			t->remote += e->remote_ns / 1e9;
		}
	}
	struct run_result r;
	run_result(w, &r);
	t->pages = r.pages_per_s;
	t->pcpus = w->sched.ncpus;
}

static void run_removing(const char *causes, const char *const *extra, struct sums *t)
{
	char set[128];
	snprintf(set, sizeof set, "ideal.remove=%s", causes);
	const char *sets[12] = { set };
	int n = 1;
	for (int i = 0; extra && extra[i] && n < 11; i++)
		sets[n++] = extra[i];
	sets[n] = NULL;
	struct scenario s;
	struct world w;
	if (cut_sim(XEN, sets, &s, &w))
		CU_FAIL_FATAL("scenario did not run");
	sum_up(&w, t);
	world_free(&w);
	scn_free(&s);
}

static void test_knobs(void)
{
	struct sums base, x;
	run_removing("", NULL, &base);
	printf("\n    base: run %.2f ready %.2f spin %.3f overhead %.3f remote %.2f dom0 %.2f pages/s %.1f",
	       base.run, base.ready, base.spin, base.ovh, base.remote, base.dom0_run, base.pages);
	CU_ASSERT(base.ovh > 0.05 && base.spin > 0.01 && base.remote > 0.1 && base.dom0_run > 0.5);
	CU_ASSERT_EQUAL(base.pcpus, 8);

	run_removing("switch", NULL, &x);
	CU_ASSERT(x.ovh < 1e-3 * base.ovh + 1e-6);

	/* numa: no access slower than local, so no remote share of run time
	** costs anything and the same work takes less run time */
	run_removing("numa", NULL, &x);
	CU_ASSERT(x.run < base.run);

	run_removing("paging", NULL, &x);
	CU_ASSERT(x.run < 0.8 * base.run);

	/* emulation: Dom0 has no device work left (its VCPUs only tick) */
	run_removing("emulation", NULL, &x);
	CU_ASSERT(x.dom0_run < 0.05 * base.dom0_run);
	/* emu-wait: the work happens off every pCPU, so Dom0 never runs it */
	run_removing("emu-wait", NULL, &x);
	CU_ASSERT(x.dom0_run < 0.05 * base.dom0_run);

	/* overcommit: 12 guest VCPUs get 12 pCPUs (3 a node) */
	run_removing("overcommit", NULL, &x);
	CU_ASSERT_EQUAL(x.pcpus, 12);
	CU_ASSERT(x.ready < 0.5 * base.ready);

	/* lhp under heavy overcommit (4 pCPUs, one a node, for 12 VCPUs):
	** spin on descheduled holders dominates, and removing it leaves only
	** the spin beside a running holder */
	const char *tight[] = { "vm[web].guest.lock-hold=0.25", "machine.node[0].cores=1", "machine.node[1].cores=1",
				"machine.node[2].cores=1", "machine.node[3].cores=1", NULL };
	struct sums b2;
	run_removing("", tight, &b2);
	run_removing("lhp", tight, &x);
	printf("\n    lock-hold 25%%: spin %.3f s, without lock-holder preemption %.3f s", b2.spin, x.spin);
	CU_ASSERT(x.spin < 0.5 * b2.spin);
}

/* Loading: names, errors with file:line, the machine overcommit makes. */
static void test_ideal_load(void)
{
	struct scenario s;
	struct world w;
	const char *sets[] = { "ideal.remove=switch numa overcommit", NULL };
	CU_ASSERT_EQUAL_FATAL(cut_load(XEN, sets, &s, &w), 0);
	CU_ASSERT_EQUAL(s.ideal, 1u << SCN_IDEAL_SWITCH | 1u << SCN_IDEAL_NUMA | 1u << SCN_IDEAL_OVERCOMMIT);
	CU_ASSERT_EQUAL(scn_ncpus(&s.machine), 12);
	unsigned a = cf_applicable(&s);
	CU_ASSERT(a & (1u << SCN_IDEAL_EMU_WAIT));
	CU_ASSERT(a & (1u << SCN_IDEAL_LHP));
	CU_ASSERT(a & (1u << SCN_IDEAL_PAGING));
	world_free(&w);
	scn_free(&s);
	/* a scenario without <ideal>: --set adds it where the schema wants it */
	const char *sets2[] = { "ideal.remove=numa paging", NULL };
	CU_ASSERT_EQUAL_FATAL(cut_load("experiments/default.xml", sets2, &s, &w), 0);
	CU_ASSERT_EQUAL(s.ideal, 1u << SCN_IDEAL_NUMA | 1u << SCN_IDEAL_PAGING);
	world_free(&w);
	scn_free(&s);
	for (int c = 0; c < SCN_IDEAL_N; c++)
		CU_ASSERT_EQUAL(scn_ideal_find(scn_ideal_name(c)), c);
	CU_ASSERT_EQUAL(scn_ideal_find("nonsense"), -1);
	char *out = NULL;
	char cmd[512];
	snprintf(cmd, sizeof cmd, "%s validate %s --set ideal.remove=numa,switch 2>&1", cut_hvsim(), XEN);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CHECK_HAS(out, "ideal");
	CHECK_HAS(out, "remove");
	free(out);
}

/* ------------------------------------------------------ known answer --- */

static void test_known_answer(void)
{
	char *dir = cut_tmpdir();
	char cache[600];
	snprintf(cache, sizeof cache, "%s/runs.csv", dir);
	struct cf_point pt = { .file = REPAIRMAN2 };
	struct cf_opts o = { .causes = 1u << SCN_IDEAL_OVERCOMMIT | 1u << SCN_IDEAL_DISK,
			     .reps = 3, .jobs = 1, .cache = cache, .key = "repairman2" };
	struct cf_result r;
	char err[1024] = "";
	int rc = cf_run_point(&pt, &o, &r, err, sizeof err);
	if (rc)
		printf("\n    %s", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	/* the single repairman's crossing (as tests/test_capacity.c) */
	double z = 0.5, sv = 0.1, tg = 1.1, tt = 3;
	int n;
	CU_ASSERT_EQUAL_FATAL(qt_repairman_capacity(z, sv, tg, 0.9, tt, 0.99, 200, &n), 0);
	double g0, g1, t0, t1;
	qt_repairman_cdf(n, z, sv, tg, &g0);
	qt_repairman_cdf(n + 1, z, sv, tg, &g1);
	qt_repairman_cdf(n, z, sv, tt, &t0);
	qt_repairman_cdf(n + 1, z, sv, tt, &t1);
	double m0 = fmin(g0 - 0.9, t0 - 0.99), m1 = fmin(g1 - 0.9, t1 - 0.99);
	double cross = n + m0 / (m0 - m1);
	const struct cf_run *all = cf_find(&r, 1u << SCN_IDEAL_OVERCOMMIT | 1u << SCN_IDEAL_DISK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	printf("\n    base %.2f, overcommit removed %.2f (%.2f .. %.2f), exact 2 x %.3f = %.2f; split: ", r.base.mean,
	       all->cap.mean, all->cap.lo, all->cap.hi, cross, 2 * cross);
	for (int i = 0; i < r.nplayer; i++) {
		char name[200];
		cf_player_name(&r, i, name, sizeof name);
		printf("%s %.2f (%.2f .. %.2f)  ", name, r.phi[i].mean, r.phi[i].lo, r.phi[i].hi);
	}
	CU_ASSERT(fabs(all->cap.mean - 2 * cross) <= 1.0);
	CU_ASSERT(r.base.mean < 0.75 * all->cap.mean);
	/* the disk cannot matter: removing it alone changes no run (common
	** random numbers), so it is inert, in the group, and gets exactly 0
	** in every replication; overcommit takes all */
	CU_ASSERT_EQUAL(r.inert, 1u << SCN_IDEAL_DISK);
	CU_ASSERT_TRUE(r.has_single[SCN_IDEAL_DISK]);
	CU_ASSERT_DOUBLE_EQUAL(r.single[SCN_IDEAL_DISK].mean, 0, 0);
	CU_ASSERT_EQUAL_FATAL(r.nplayer, 2);
	CU_ASSERT_EQUAL(r.player[0], 1u << SCN_IDEAL_OVERCOMMIT);
	CU_ASSERT_EQUAL(r.player[1], 1u << SCN_IDEAL_DISK);
	CU_ASSERT_TRUE(r.grouped);
	for (int k = 0; k < r.reps; k++)
		CU_ASSERT_DOUBLE_EQUAL(r.phi_r[1][k], 0, 0);
	CU_ASSERT_DOUBLE_EQUAL(r.phi[0].mean, r.total.mean, 1e-9);
	double sum = 0;
	for (int i = 0; i < r.nplayer; i++)
		sum += r.phi[i].mean;
	CU_ASSERT_DOUBLE_EQUAL(sum, r.all.mean - r.base.mean, 1e-6);
	CU_ASSERT_EQUAL(r.searches, 4);
	CU_ASSERT_EQUAL(r.cached, 0);
	/* again: everything from the cache, the same numbers */
	struct cf_result r2;
	CU_ASSERT_EQUAL_FATAL(cf_run_point(&pt, &o, &r2, err, sizeof err), 0);
	CU_ASSERT_EQUAL(r2.searches, 0);
	CU_ASSERT_EQUAL(r2.cached, 4);
	CU_ASSERT_DOUBLE_EQUAL(r2.phi[0].mean, r.phi[0].mean, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(r2.base.mean, r.base.mean, 1e-6);
	cf_free(&r2);
	cf_free(&r);
	cut_rmrf(dir);
	free(dir);
}

/* ------------------------------------------------------------ tail --- */

/* Where the pages' time went adds up to their response time, in every
** class; VCPU ready time, and guest-queue time behind a descheduled VCPU,
** grow when the host has fewer pCPUs to give the VCPUs. */
static void tail_of(const char *const *sets, double *ready_share, double *held_share)
{
	struct scenario s;
	struct world w;
	if (cut_sim(XEN, sets, &s, &w))
		CU_FAIL_FATAL("scenario did not run");
	double ready = 0, held = 0, resp = 0;
	for (int i = 0; i < w.wl->nweb; i++) {
		const struct sw_tail *t = &w.wl->web[i]->tail;
		if (t->n[TAIL_ALL] <= 20)
			printf("\n    %s: %llu pages", w.wl->web[i]->vm->name, (unsigned long long)t->n[TAIL_ALL]);
		CU_ASSERT(t->n[TAIL_ALL] > 20);
		CU_ASSERT(t->n[TAIL_GOOD] <= t->n[TAIL_ALL] && t->n[TAIL_TOLERABLE] <= t->n[TAIL_GOOD]);
		for (int k = 0; k < TAIL_N; k++) {
			double sum = 0;
			for (int p = 0; p < IOP_N; p++) {
				CU_ASSERT(t->part[k][p] >= -1e-9);
				sum += t->part[k][p];
			}
			CU_ASSERT_DOUBLE_EQUAL(sum, t->resp[k], 1e-6 * (1 + t->resp[k]));
		}
		ready += t->part[TAIL_ALL][IOP_READY];
		held += t->part[TAIL_ALL][IOP_QUEUE_HELD];
		resp += t->resp[TAIL_ALL];
	}
	*ready_share = ready / resp;
	*held_share = held / resp;
	world_free(&w);
	scn_free(&s);
}

static void test_tail(void)
{
	double base, tight, hbase, htight;
	tail_of(NULL, &base, &hbase);
	const char *few[] = { "machine.node[0].cores=1", "machine.node[1].cores=1", "machine.node[2].cores=1",
			      "machine.node[3].cores=1", NULL };
	tail_of(few, &tight, &htight);
	printf("\n    VCPU ready share of page time: 8 pCPUs %.4f, 4 pCPUs %.4f; queued behind a descheduled VCPU: "
	       "%.4f, %.4f", base, tight, hbase, htight);
	CU_ASSERT(tight > 2 * base);
	CU_ASSERT(htight > 2 * hbase);
}

/* ------------------------------------------------- the command line --- */

static void test_explain_cli(void)
{
	char *dir = cut_tmpdir(), cmd[2048], *out = NULL;
	snprintf(cmd, sizeof cmd, "%s sweep tests/data/counterfactual/sweep.xml -j 1 -o %s/sw >/dev/null 2>&1", cut_hvsim(),
		 dir);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, NULL), 0);
	snprintf(cmd, sizeof cmd, "%s explain %s/sw --counterfactual tests/data/counterfactual/sweep.xml --points 2,3 "
		 "--causes overcommit,disk -j 2 2>/dev/null", cut_hvsim(), dir);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
	CHECK_HAS(out, "counterfactual attribution");
	CHECK_HAS(out, "overcommit: more VCPUs than pCPUs");
	CHECK_HAS(out, "no run changed when removed alone (in the group): disk");
	CHECK_HAS(out, "4 searches run, 0 from the cache");
	free(out);
	char path[700];
	snprintf(path, sizeof path, "%s/sw/explain/counterfactual.csv", dir);
	char *csv = cut_slurp(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	CHECK_HAS(csv, "curve,vms,point,cause,kind,mean,ci_low,ci_high,replications\n");
	CHECK_HAS(csv, "1,2,2,overcommit,shapley,");
	CHECK_HAS(csv, "1,3,3,disk,alone,0,0,0,3\n");
	/* a rerun takes every search from the cache and says the same */
	snprintf(cmd, sizeof cmd, "%s explain %s/sw --counterfactual tests/data/counterfactual/sweep.xml --points 2,3 "
		 "--causes overcommit,disk --force 2>/dev/null", cut_hvsim(), dir);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
	CHECK_HAS(out, "0 searches run, 4 from the cache");
	free(out);
	char *csv2 = cut_slurp(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv2);
	CU_ASSERT_STRING_EQUAL(csv, csv2);
	free(csv);
	free(csv2);
	/* bad usage and a scenario that is not the sweep's: exit 2 */
	const char *bad[] = { "--points 2", "--counterfactual tests/data/counterfactual/sweep.xml --points middle",
			      "--counterfactual tests/data/counterfactual/sweep.xml --causes cpu",
			      "--counterfactual tests/data/counterfactual/sweep.xml --replications 0",
			      "--counterfactual tests/data/counterfactual/repairman2.xml",
			      "--counterfactual /nonexistent/scenario.xml", "--grade /nonexistent/shapes.csv",
			      /* --points that choose nothing (they used to pass, and no
			      ** counterfactual was made): no such count or curve, empty
			      ** items, a count of 0, three fields */
			      "--counterfactual tests/data/counterfactual/sweep.xml --points 99",
			      "--counterfactual tests/data/counterfactual/sweep.xml --points 0",
			      "--counterfactual tests/data/counterfactual/sweep.xml --points 2:",
			      "--counterfactual tests/data/counterfactual/sweep.xml --points :3",
			      "--counterfactual tests/data/counterfactual/sweep.xml --points 2,,3",
			      "--counterfactual tests/data/counterfactual/sweep.xml --points 9:2",
			      "--counterfactual tests/data/counterfactual/sweep.xml --points 1:2:3", NULL };
	for (int i = 0; bad[i]; i++) {
		snprintf(cmd, sizeof cmd, "%s explain %s/sw %s --force 2>&1", cut_hvsim(), dir, bad[i]);
		CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
		CU_ASSERT(out && strstr(out, "expected"));
		free(out);
	}
	/* the sweep's name and vary lines but another model (a think time
	** edited since the sweep ran): refused before any search, naming the
	** point whose model.xml differs (it used to split the new model's
	** capacities as the sweep's) */
	snprintf(cmd, sizeof cmd,
		 "sed 's|\\.\\./\\.\\./\\.\\./models|%s/models|; s|mean=\"0.5s\"|mean=\"0.6s\"|' "
		 "tests/data/counterfactual/sweep.xml > %s/edited.xml && grep -q 0.6s %s/edited.xml && "
		 "%s explain %s/sw --counterfactual %s/edited.xml --points 2 --force 2>&1",
		 getenv("PWD") ? getenv("PWD") : ".", dir, dir, cut_hvsim(), dir, dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CHECK_HAS(out, "/edited.xml: expected the scenario of the sweep in ");
	CHECK_HAS(out, "as it ran, got one whose model at point 2 differs from ");
	CHECK_HAS(out, "points/002/model.xml (a value changed since the sweep ran)");
	free(out);
	/* a FIFO as the store of searches: refused before any search (the
	** first search's append blocked until the command was killed) */
	snprintf(cmd, sizeof cmd,
		 "rm -f %1$s/sw/counterfactual-runs.csv && mkfifo %1$s/sw/counterfactual-runs.csv && timeout 20 %2$s explain "
		 "%1$s/sw --counterfactual tests/data/counterfactual/sweep.xml --points 2 --causes overcommit -j 1 --force "
		 "--no-render 2>&1", dir, cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CHECK_HAS(out, "counterfactual-runs.csv: expected a regular file, got a FIFO");
	CU_ASSERT_PTR_NULL(out && strstr(out, "counterfactual: curve"));
	free(out);
	/* a damaged seed line in sweep.settings: refused at its line (it was
	** read as 0, or "-1" as 2^64 - 1, and the searches ran with a seed
	** the sweep never used); a damaged set line too (both refusals
	** leaked what had been read: ASan) */
	static const char *const damaged[][2] = {
		{ "seed -1", "expected 'seed N' (a non-negative integer below 2^64), got 'seed -1'" },
		{ "seed x", "expected 'seed N' (a non-negative integer below 2^64), got 'seed x'" },
		{ "seed 1x", "expected 'seed N' (a non-negative integer below 2^64), got 'seed 1x'" },
		{ "set x", "expected 'set KEY=VALUE', got 'set x'" },
	};
	for (size_t i = 0; i < sizeof damaged / sizeof damaged[0]; i++) {
		snprintf(cmd, sizeof cmd,
			 "rm -f %1$s/sw/counterfactual-runs.csv && sed -i 's/^seed .*/%3$s/; s/^set x$/%3$s/' "
			 "%1$s/sw/sweep.settings && "
			 "%2$s explain %1$s/sw --counterfactual tests/data/counterfactual/sweep.xml --points 2 --causes overcommit "
			 "-j 1 --force --no-render 2>&1",
			 dir, cut_hvsim(), damaged[i][0]);
		CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
		char want[200];
		snprintf(want, sizeof want, "sweep.settings:3: %s", damaged[i][1]);
		CHECK_HAS(out, want);
		free(out);
	}
	cut_rmrf(dir);
	free(dir);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "Shapley values of known games", test_shapley },
		{ "mean and t interval", test_estimate },
		{ "ideal: loading and errors", test_ideal_load },
		{ "each knob removes its cause", test_knobs },
		{ "known answer: overcommitted repairmen", test_known_answer },
		{ "explain --counterfactual", test_explain_cli },
		{ "the pages' time adds up by part", test_tail },
		{ NULL, NULL },
	};
	cut_suite("counterfactual attribution", t);
}
