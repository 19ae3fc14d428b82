/*
** QoS counting (models/qos.c, the world's registry) and the capacity search
** (sim/drive/capacity.c, `hvsim capacity`): the counter on jobs of known
** response times; the search on the machine repairman against the
** capacity its exact response-time distribution predicts
** (qt_repairman_capacity); determinism for any -j; bad input; Ctrl-C.
** The dithered starts on synthetic cliffs: tests/test_capacity_dither.c.
*/
#include "tests/cutest.h"
#include "models/wl_burst.h"
#include "sim/drive/capacity.h"
#include "sim/scenario/dist.h"
#include "models/qos.h"
#include "sim/engine/qtheory.h"
#include "models/world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPAIRMAN "tests/data/capacity/repairman.xml"

/* ------------------------------------------------------ the rule --- */

static void test_qos_rule(void)
{
	struct scn_qos q = { .good = 0.97, .tolerable = 0.99, .time_good = 3000000000,
			     .time_tolerable = 5000000000, .min_pages = 100 };
	struct batches m = { .t0 = 1000, .t1 = 2000, .nb = 2 };
	struct qos_count c = { 0, 0, 0 };

	/* 100 pages in the interval: 97 within 3 s (one exactly at 3 s),
	** 2 more within 5 s (one exactly at 5 s), 1 late. */
	for (int i = 0; i < 96; i++)
		qos_add(&c, &q, &m, 1000 + i, 2999999999);
	qos_add(&c, &q, &m, 1500, 3000000000);
	qos_add(&c, &q, &m, 1500, 3000000001);
	qos_add(&c, &q, &m, 1999, 5000000000);
	qos_add(&c, &q, &m, 1999, 5000000001);
	/* completions outside [t0, t1) are not counted */
	qos_add(&c, &q, &m, 999, 1);
	qos_add(&c, &q, &m, 2000, 1);
	CU_ASSERT_EQUAL(c.n, 100);
	CU_ASSERT_EQUAL(c.good, 97);
	CU_ASSERT_EQUAL(c.tolerable, 99);
	CU_ASSERT_DOUBLE_EQUAL(qos_good_pct(&c), 97.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(qos_tolerable_pct(&c), 99.0, 1e-12);
	/* exactly 97% and 99% pass, also when the share came from 97 x 0.01 */
	CU_ASSERT_TRUE(qos_pass(&c, &q));
	q.good = 97 * 0.01;
	q.tolerable = 99 * 0.01;
	CU_ASSERT_TRUE(qos_pass(&c, &q));
	/* one page fewer in time fails; so do too few pages */
	struct qos_count d = c;
	d.good--;
	CU_ASSERT_FALSE(qos_pass(&d, &q));
	d = c;
	d.tolerable--;
	CU_ASSERT_FALSE(qos_pass(&d, &q));
	q.min_pages = 101;
	CU_ASSERT_FALSE(qos_pass(&c, &q));
	CU_ASSERT_TRUE(qos_shares_met(&c, &q));
	/* the official rule (95%) passes 96 good pages of 100 */
	q.min_pages = 100;
	q.good = 0.95;
	d = c;
	d.good = 96;
	CU_ASSERT_TRUE(qos_pass(&d, &q));
	struct qos_count none = { 0, 0, 0 };
	q.min_pages = 1;
	CU_ASSERT_FALSE(qos_pass(&none, &q));
	qos_merge(&none, &c);
	qos_merge(&none, &c);
	CU_ASSERT(none.n == 200 && none.good == 194 && none.tolerable == 198);
}

/* The counts for a closed user with no think time cycling through the
** demands v[0..nv-1] (s) from t = 0: completions in [t0, t1). */
static struct qos_count expect(const double *v, int nv, double t0, double t1, double tg, double tt)
{
	struct qos_count c = { 0, 0, 0 };
	double t = 0;
	for (int i = 0;; i = (i + 1) % nv) {
		t += v[i];
		if (t >= t1)
			break;
		if (t >= t0) {
			c.n++;
			c.good += v[i] <= tg;
			c.tolerable += v[i] <= tt;
		}
	}
	return c;
}

/* The world's registry: burst jobs of known response times, per workload
** name, host workloads left out. */
static void test_qos_registry(void)
{
	cut_fixture("tests/data/capacity/qos-count.xml", NULL);
	static const double a[] = { 0.5, 1, 2 }, b[] = { 3 };
	struct qos_count ea = expect(a, 3, 10, 100, 1, 2), eb = expect(b, 1, 10, 100, 1, 2);
	struct qos_count pages = world_qos_sum(&cut_W, "pages"), other = world_qos_sum(&cut_W, "other"),
			 all = world_qos_sum(&cut_W, NULL), none = world_qos_sum(&cut_W, "nope");
	printf("\n    a/pages n=%llu good=%llu tolerable=%llu (expected %llu %llu %llu)",
	       (unsigned long long)pages.n, (unsigned long long)pages.good, (unsigned long long)pages.tolerable,
	       (unsigned long long)ea.n, (unsigned long long)ea.good, (unsigned long long)ea.tolerable);
	/* 78 jobs: 26 of each demand; 1 s counts as good */
	CU_ASSERT_EQUAL(ea.n, 78);
	CU_ASSERT_EQUAL(ea.good, 52);
	CU_ASSERT_EQUAL(ea.tolerable, 78);
	CU_ASSERT(pages.n == ea.n && pages.good == ea.good && pages.tolerable == ea.tolerable);
	CU_ASSERT(other.n == eb.n && other.good == 0 && other.tolerable == 0 && eb.n == 30);
	CU_ASSERT(all.n == ea.n + eb.n && all.good == ea.good && all.tolerable == ea.tolerable);
	CU_ASSERT_EQUAL(none.n, 0);
	/* the host's "pages" counted its own 900 jobs but is not judged */
	const struct burst *host = cut_burst_fatal("pages");
	CU_ASSERT_PTR_NULL(host->vm);
	CU_ASSERT_EQUAL(host->qos.n, 900);
	CU_ASSERT_EQUAL(cut_W.nqos, 3);
	/* the QoS counter and the response tally agree on what is measured */
	CU_ASSERT_DOUBLE_EQUAL(cut_burst_fatal("a")->resp.tot_cnt, (double)pages.n, 0);
	cut_done();
}

/* A VM that completed no page is counted as starved (the capacity
** search then fails the probe, whatever the pages of all VMs together
** say): "slow" may use 1% of a pCPU and completes nothing in 4 s. */
static void test_qos_starved(void)
{
	struct scenario s;
	struct world w;
	CU_ASSERT_EQUAL_FATAL(cut_sim("tests/data/capacity/starved.xml", NULL, &s, &w), 0);
	struct qos_count all = world_qos_sum(&w, "ecommerce");
	CU_ASSERT(all.n > 0);
	CU_ASSERT_EQUAL(world_qos_starved(&w, "ecommerce"), 1);
	CU_ASSERT_EQUAL(world_qos_starved(&w, "nope"), 0);
	world_free(&w);
	scn_free(&s);
	/* with the cap lifted, nobody starves */
	const char *const sets[] = { "vm[slow].cap=0", NULL };
	CU_ASSERT_EQUAL_FATAL(cut_sim("tests/data/capacity/starved.xml", sets, &s, &w), 0);
	CU_ASSERT_EQUAL(world_qos_starved(&w, "ecommerce"), 0);
	world_free(&w);
	scn_free(&s);
}

/* ------------------------------------------------------ the search --- */

/* Load the repairman scenario with sets (load only). */
static void load(const char *const *sets, struct scenario *s)
{
	cut_load_capacity(REPAIRMAN, sets, s);
}

/* Search the repairman scenario in this process and compare with the
** capacity its exact distribution predicts. */
static void search_vs_theory(const char *what, const char *const *sets)
{
	struct scenario s;
	load(sets, &s);
	const struct scn_workload *wl = &s.vm[0].workload[0];
	double z = dist_mean(&wl->think) / 1e9, sv = dist_mean(&wl->demand) / s.machine.freq;
	double tg = (double)s.qos.time_good / 1e9, tt = (double)s.qos.time_tolerable / 1e9;
	int predicted;
	CU_ASSERT_EQUAL_FATAL(qt_repairman_capacity(z, sv, tg, s.qos.good, tt, s.qos.tolerable, s.capacity.max,
						    &predicted), 0);
	struct cap_result r;
	char err[512];
	int users = wl->users;
	CU_ASSERT_EQUAL_FATAL(cap_search(&s, 1, NULL, &r, err, sizeof err), 0);
	printf("\n    %s: predicted %d, ", what, predicted);
	printf("found %.4g [%.4g, %.4g] (", r.mean, r.ci_lo, r.ci_hi);
	for (int i = 0; i < r.nrep; i++)
		printf("%s%.4g", i ? " " : "", r.rep[i].est);
	printf("), %d runs, %.2f s", r.nprobe, r.wall);
	CU_ASSERT(predicted > 2);
	/* The estimator's target: where the exact margin, interpolated
	** between the capacity and one user more, crosses zero. */
	double g0, g1, t0, t1;
	CU_ASSERT_EQUAL_FATAL(qt_repairman_cdf(predicted, z, sv, tg, &g0), 0);
	CU_ASSERT_EQUAL_FATAL(qt_repairman_cdf(predicted + 1, z, sv, tg, &g1), 0);
	CU_ASSERT_EQUAL_FATAL(qt_repairman_cdf(predicted, z, sv, tt, &t0), 0);
	CU_ASSERT_EQUAL_FATAL(qt_repairman_cdf(predicted + 1, z, sv, tt, &t1), 0);
	double m0 = fmin(g0 - s.qos.good, t0 - s.qos.tolerable), m1 = fmin(g1 - s.qos.good, t1 - s.qos.tolerable);
	double cross = predicted + m0 / (m0 - m1);
	printf("crossing %.3g; ", cross);
	CU_ASSERT(fabs(r.mean - cross) <= 0.5);
	CU_ASSERT(r.ci_lo <= cross + 0.25 && cross - 0.25 <= r.ci_hi);
	for (int i = 0; i < r.nrep; i++) {
		CU_ASSERT(abs(r.rep[i].max - predicted) <= 1);
		CU_ASSERT(fabs(r.rep[i].est - cross) <= 1);
		CU_ASSERT_FALSE(r.rep[i].bound_hit);
	}
	CU_ASSERT_FALSE(r.bound_hit);
	CU_ASSERT_EQUAL(r.vms_varied, 1);
	CU_ASSERT_DOUBLE_EQUAL(r.cumulative, r.mean, 1e-12);
	/* the users were restored */
	CU_ASSERT_EQUAL(wl->users, users);
	/* Every run's share of good jobs is the theory's at its count (a
	** miscount of any kind shows here), each replication keeps one seed
	** (common random numbers) and different replications differ. */
	double tol = cut_slow() ? 1.0 : 2.0;
	for (int i = 0; i < r.nprobe; i++) {
		const struct cap_probe *p = &r.probe[i];
		double pg, pt;
		CU_ASSERT_EQUAL_FATAL(qt_repairman_cdf(p->users, z, sv, tg, &pg), 0);
		CU_ASSERT_EQUAL_FATAL(qt_repairman_cdf(p->users, z, sv, tt, &pt), 0);
		/* a run stopped early by the sequential test is short: only
		** the runs measured to the end are held to the theory */
		if (p->users <= predicted + 2 && !p->decided) {
			CU_ASSERT(fabs(qos_good_pct(&p->qos) - 100 * pg) < tol);
			CU_ASSERT(fabs(qos_tolerable_pct(&p->qos) - 100 * pt) < tol);
		}
		CU_ASSERT_EQUAL(p->seed, s.seed + (uint64_t)p->rep);
		CU_ASSERT_EQUAL(p->pass, qos_pass(&p->qos, &s.qos));
		for (int j = 0; j < i; j++)
			if (r.probe[j].users == p->users && r.probe[j].rep != p->rep && !p->decided && !r.probe[j].decided)
				CU_ASSERT(r.probe[j].qos.n != p->qos.n);
	}
	cap_free(&r);
	scn_free(&s);
}

/* The good share binds: 90% within 1.1 s gives 11 users. */
static void test_search_good(void)
{
	const char *const quick[] = { "run.duration=3000s", "capacity.replications=2", NULL };
	search_vs_theory("90% within 1.1 s", cut_slow() ? NULL : quick);
}

/* The tolerable share binds: 99% within 1.2 s gives 8 users. */
static void test_search_tolerable(void)
{
	const char *const full[] = { "qos.good=50%", "qos.time-tolerable=1.2s", NULL };
	const char *const quick[] = { "qos.good=50%", "qos.time-tolerable=1.2s", "run.duration=3000s",
				      "capacity.replications=2", NULL };
	search_vs_theory("99% within 1.2 s", cut_slow() ? full : quick);
}

/* <capacity precision>: rounds of two more replications until the
** interval is narrow enough, each later round bracketing around the
** answer so far (its first probe at that answer, rounded to the
** resolution); the same probes and answer for 1 and 2 processes. */
static void test_search_rounds(void)
{
	const char *const sets[] = { "run.duration=2000s", "capacity.replications=2", "capacity.precision=1%",
				      "capacity.max-replications=6", "capacity.resolution=1", NULL };
	struct scenario s;
	struct cap_result r[2];
	char err[512];
	load(sets, &s);
	for (int j = 0; j < 2; j++)
		CU_ASSERT_EQUAL_FATAL(cap_search(&s, j + 1, NULL, &r[j], err, sizeof err), 0);
	printf("\n    %d replications, %.4g [%.4g, %.4g], %d runs", r[0].nrep, r[0].mean, r[0].ci_lo, r[0].ci_hi,
	       r[0].nprobe);
	CU_ASSERT(r[0].nrep > 2 && r[0].nrep <= 6 && r[0].nrep % 2 == 0);
	CU_ASSERT(fabs(r[0].mean - 11.3) < 0.6);
	/* precise enough, or out of replications */
	CU_ASSERT(r[0].ci_hi - r[0].ci_lo <= 0.02 * r[0].mean || r[0].nrep == 6);
	/* replication 3 starts at the first round's answer, rounded */
	for (int i = 0; i < r[0].nprobe; i++)
		if (r[0].probe[i].rep == 2) {
			CU_ASSERT(r[0].probe[i].users >= 10 && r[0].probe[i].users <= 12);
			break;
		}
	CU_ASSERT_EQUAL(r[0].nprobe, r[1].nprobe);
	CU_ASSERT_EQUAL(r[0].nrep, r[1].nrep);
	CU_ASSERT_DOUBLE_EQUAL(r[0].mean, r[1].mean, 0);
	for (int i = 0; i < r[0].nprobe && i < r[1].nprobe; i++)
		CU_ASSERT(r[0].probe[i].users == r[1].probe[i].users && r[0].probe[i].qos.n == r[1].probe[i].qos.n);
	cap_free(&r[0]);
	cap_free(&r[1]);
	scn_free(&s);
}

/* resolution="N%": the bisection stops once its bracket is within that
** share of its lower end (at least 1 user); later rounds (and a sweep's
** next point) start at the answer rounded to 2^(k/16) users. */
static void test_resolution_share(void)
{
	struct scn_capacity c = { .resolution = 10 };
	CU_ASSERT_EQUAL(scn_capacity_resolution(&c, 110), 10);
	CU_ASSERT_EQUAL(scn_capacity_round(&c, 1081.6), 1080);
	c.resolution_rel = 0.02;
	CU_ASSERT_EQUAL(scn_capacity_resolution(&c, 110), 2);
	CU_ASSERT_EQUAL(scn_capacity_resolution(&c, 600), 12);
	CU_ASSERT_EQUAL(scn_capacity_resolution(&c, 649), 12);
	CU_ASSERT_EQUAL(scn_capacity_resolution(&c, 49), 1);   /* never below one user */
	CU_ASSERT_EQUAL(scn_capacity_resolution(&c, 0), 1);
	/* a share rounds to 2^(k/16) users: 2^(108/16) = 107.6, 2^(148/16) =
	** 608.9, 2^(54/16) = 10.4, 2^(130/16) = 279.2 */
	CU_ASSERT_EQUAL(scn_capacity_round(&c, 109.2), 108);
	CU_ASSERT_EQUAL(scn_capacity_round(&c, 605.0), 609);
	CU_ASSERT_EQUAL(scn_capacity_round(&c, 10.4), 10);
	/* answers 1% apart (neighbouring seeds) start from the same count */
	CU_ASSERT_EQUAL(scn_capacity_round(&c, 282.6), 279);
	CU_ASSERT_EQUAL(scn_capacity_round(&c, 284.9), 279);
	CU_ASSERT_EQUAL(scn_capacity_round(&c, 285.6), 292);   /* past 2^(130.5/16) = 285.3 */
	CU_ASSERT_EQUAL(scn_capacity_round(&c, 0.4), 0);
	CU_ASSERT_EQUAL(scn_capacity_round(&c, 0.6), 1);
	/* every answer from 1 to 5000 users: the start within half a grid
	** step (2^(1/32) - 1 = 2.2%) and half a user of it, monotone, and
	** from 64 users on no jump wider than a first bracket step (1/16) */
	int last = 0, bad = 0, steps = 0;
	for (double u = 1; u <= 5000; u += 0.25) {
		int g = scn_capacity_round(&c, u);
		if (fabs(g - u) > u * (exp2(1.0 / 32) - 1) + 0.5 + 1e-9)
			bad++;
		if (g < last)
			bad++;             /* not monotone */
		if (g != last && last >= 64) {
			steps++;
			if (g - last > last / 16 + 1)
				bad++;     /* a jump wider than a first step */
		}
		last = g;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(steps > 100);

	/* the repairman (11 users) with a bracket of 25%: 2 users at 8-11 */
	const char *const sets[] = { "run.duration=2000s", "capacity.replications=2", "capacity.resolution=25%",
				      NULL };
	const char *const ones[] = { "run.duration=2000s", "capacity.replications=2", "capacity.resolution=1",
				     NULL };
	struct scenario s, s1;
	struct cap_result r, r1;
	char err[512];
	load(sets, &s);
	load(ones, &s1);
	CU_ASSERT_DOUBLE_EQUAL(s.capacity.resolution_rel, 0.25, 1e-12);
	CU_ASSERT_EQUAL_FATAL(cap_search(&s, 1, NULL, &r, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(cap_search(&s1, 1, NULL, &r1, err, sizeof err), 0);
	printf("\n    25%%: %.4g in %d runs; 1 user: %.4g in %d runs", r.mean, r.nprobe, r1.mean, r1.nprobe);
	CU_ASSERT(r.nprobe < r1.nprobe);
	for (int k = 0; k < r.nrep; k++) {
		/* the largest count that passed and the smallest above it that failed */
		int base = r.rep[k].max, hi = 0;
		for (int i = 0; i < r.nprobe; i++)
			if (r.probe[i].rep == k && !r.probe[i].pass && r.probe[i].users > base &&
			    (hi == 0 || r.probe[i].users < hi))
				hi = r.probe[i].users;
		CU_ASSERT(base >= 8 && hi > base);
		CU_ASSERT(hi - base <= scn_capacity_resolution(&s.capacity, base));
		CU_ASSERT(hi - base > 1);   /* coarser than 1 user: it stopped early */
		CU_ASSERT(r.rep[k].est >= base && r.rep[k].est <= hi);
	}
	CU_ASSERT(fabs(r.mean - r1.mean) < 1.5);
	cap_free(&r);
	cap_free(&r1);
	scn_free(&s);
	scn_free(&s1);
}

/* min fails: 0; max passes: the bound is hit.  One replication each. */
static void test_search_edges(void)
{
	const char *const tight[] = { "qos.time-good=10ms", "capacity.replications=1", "run.duration=1000s",
				      NULL };
	const char *const loose[] = { "capacity.max=6", "capacity.replications=1", "run.duration=1000s", NULL };
	struct scenario s;
	struct cap_result r;
	char err[512];
	load(tight, &s);
	CU_ASSERT_EQUAL_FATAL(cap_search(&s, 1, NULL, &r, err, sizeof err), 0);
	CU_ASSERT(r.nprobe == 1 && r.rep[0].max == 0 && r.rep[0].at == -1 && r.mean == 0 && r.nat == 0);
	cap_free(&r);
	scn_free(&s);
	load(loose, &s);
	CU_ASSERT_EQUAL_FATAL(cap_search(&s, 1, NULL, &r, err, sizeof err), 0);
	/* 1, 2, 4, then max itself */
	CU_ASSERT(r.nprobe == 4 && r.probe[3].users == 6 && r.rep[0].max == 6 && r.rep[0].bound_hit &&
		  r.bound_hit);
	cap_free(&r);
	scn_free(&s);
}

/* A stop flag already set (Ctrl-C) ends the search with -2, in this
** process and with child processes. */
static void test_search_stop(void)
{
	volatile sig_atomic_t stop = 1;
	struct scenario s;
	struct cap_result r;
	char err[512];
	load(NULL, &s);
	CU_ASSERT_EQUAL(cap_search(&s, 1, &stop, &r, err, sizeof err), -2);
	cap_free(&r);
	CU_ASSERT_EQUAL(cap_search(&s, 2, &stop, &r, err, sizeof err), -2);
	CU_ASSERT_EQUAL(r.nprobe, 0);
	cap_free(&r);
	CU_ASSERT_EQUAL(s.vm[0].workload[0].users, 10);
	CU_ASSERT_EQUAL(s.seed, 1);
	scn_free(&s);
}

/* ------------------------------------------------ the command line --- */

static char *run_cli(const char *args, int *rc)
{
	char cmd[4096];
	char *out = NULL;
	snprintf(cmd, sizeof cmd, "%s capacity %s", cut_hvsim(), args);
	*rc = cut_run(cmd, &out);
	return out;
}

/* Same seed twice, and -j 1 against -j 2: the same bytes. */
static void test_cli_deterministic(void)
{
	char *tmp = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	const char *len = cut_slow() ? "2000s" : "500s";
	static const char *const jobs[] = { "-j 1", "-j 1", "-j 2", "--jobs=3" };
	char *cap[4], *probes[4];
	for (int i = 0; i < 4; i++) {
		char args[1024];
		int rc;
		snprintf(args, sizeof args, "%s -o %s/o%d %s --set run.duration=%s --seed 4", REPAIRMAN, tmp, i,
			 jobs[i], len);
		char *out = run_cli(args, &rc);
		CU_ASSERT_EQUAL(rc, 0);
		if (i == 0)
			printf("\n%s", out);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "users per VM"));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "cumulative"));
		free(out);
		char dir[512];
		snprintf(dir, sizeof dir, "%s/o%d", tmp, i);
		cap[i] = cut_slurp_in(dir, "capacity.csv");
		probes[i] = cut_slurp_in(dir, "capacity_probes.csv");
		CU_ASSERT_PTR_NOT_NULL_FATAL(cap[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(probes[i]);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(cap[0], "hypervisor,policy,vms,vcpus_per_vm,sessions_per_vm,"
					       "cumulative_sessions,ci_low,ci_high,good_pct,tolerable_pct,cpu_util,"
					       "replications,bound_hit\nnative-fcfs,fcfs,1,1,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(probes[0], "replication,seed,users_per_vm,measured_s,decided,pages,good_pct,"
						 "tolerable_pct,margin_pct,cpu_util,pass\n1,4,1,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(probes[0], "\n3,6,1,"));
	for (int i = 1; i < 4; i++) {
		CU_ASSERT_STRING_EQUAL(cap[i], cap[0]);
		CU_ASSERT_STRING_EQUAL(probes[i], probes[0]);
	}
	for (int i = 0; i < 4; i++) {
		free(cap[i]);
		free(probes[i]);
	}
	cut_rmrf(tmp);
	free(tmp);
}

/* Bad input: exit 2, a file:line message, nothing written. */
static void test_cli_bad_input(void)
{
	char *tmp = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	static const struct {
		const char *args, *msg;
	} k[] = {
		{ "tests/data/capacity/no-closed.xml",
		  "tests/data/capacity/no-closed.xml:15: <vm>: expected a closed workload (<closed users=...>) "
		  "inside a <vm> for the capacity search to vary, got none" },
		{ "tests/data/capacity/host-only.xml",
		  "tests/data/capacity/host-only.xml:6: <capacity workload>: expected a closed workload" },
		{ REPAIRMAN " --set capacity.workload=nope",
		  "--set capacity.workload=nope: <capacity workload>: expected the name of a closed "
		  "workload inside a <vm>" },
		/* within the jobs cap at its own users, not at max's */
		{ "tests/data/capacity/jobs-at-max.xml",
		  "tests/data/capacity/jobs-at-max.xml:8: <capacity max>: expected at most 1e9 jobs over a probe at "
		  "max's 5000 users a VM" },
		{ REPAIRMAN " -j 0", "expected a number of processes from 1 to 1024" },
		{ REPAIRMAN " --timeline x.json", "unknown option '--timeline'" },
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		char args[2048], dir[512];
		int rc;
		snprintf(dir, sizeof dir, "%s/bad%zu", tmp, i);
		snprintf(args, sizeof args, "%s -o %s", k[i].args, dir);
		char *out = run_cli(args, &rc);
		CU_ASSERT_EQUAL(rc, 2);
		if (!strstr(out, k[i].msg))
			fprintf(stderr, "\n  got: %s\n  want: %s\n", out, k[i].msg);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, k[i].msg));
		char *left = cut_slurp_in(dir, "capacity.csv");
		CU_ASSERT_PTR_NULL(left);
		free(left);
		free(out);
	}
	cut_rmrf(tmp);
	free(tmp);
}

/* capacity writes a new DIR: an existing one is refused before any run
** (exit 2, untouched), --force replaces it whole once the search is done;
** staging of dead processes is removed; an interrupted search leaves
** nothing new and a replaced DIR as it was. */
static void test_cli_exclusive(void)
{
	char *tmp = cut_tmpdir(), args[2048], dir[512], cmd[4096], *out;
	int rc;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(dir, sizeof dir, "%s/o", tmp);
	long dead = cut_dead_pid();
	char stale[64];
	snprintf(stale, sizeof stale, "o.tmp-%ld", dead);
	cut_stale(tmp, stale);
	snprintf(args, sizeof args, REPAIRMAN " -o %s -j 1 --set run.duration=500s --set capacity.replications=1",
		 dir);
	out = run_cli(args, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, stale));
	char *first = cut_slurp_in(dir, "capacity.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(first);
	out = run_cli(args, &rc);
	CU_ASSERT_EQUAL(rc, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/o: exists; name a new directory with -o, or add --force"));
	CU_ASSERT_PTR_NULL(strstr(out, "users per VM"));   /* refused before the search */
	free(out);
	cut_stale(dir, "mine");
	snprintf(args, sizeof args,
		 REPAIRMAN " -o %s -j 1 --set run.duration=500s --set capacity.replications=1 --seed 9 --force", dir);
	out = run_cli(args, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	free(out);
	char *probes = cut_slurp_in(dir, "capacity_probes.csv");
	CU_ASSERT(probes && strstr(probes, "\n1,9,"));
	free(probes);
	CU_ASSERT_FALSE(cut_exists(dir, "mine"));
	/* interrupted with --force: the directory as it was */
	char *before = cut_slurp_in(dir, "capacity.csv");
	snprintf(cmd, sizeof cmd,
		 "{ %s capacity " REPAIRMAN " -o %s -j 1 --set run.duration=2000000s --set capacity.measure=fixed --force & p=$!; "
		 CUT_SH_WAIT_GLOB("%s.tmp-*") "kill -INT $p; wait $p; }", cut_hvsim(), dir, dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 130);
	free(out);
	char *after = cut_slurp_in(dir, "capacity.csv");
	CU_ASSERT(before && after && strcmp(before, after) == 0);
	free(before);
	free(after);
	snprintf(cmd, sizeof cmd, "ls -a %s", tmp);
	cut_run(cmd, &out);
	CU_ASSERT_STRING_EQUAL(out, ".\n..\no\n");
	free(out);
	free(first);
	cut_rmrf(tmp);
	free(tmp);
}

/* tail_fail.csv, the tail of replication 1's first failing probe above
** the answer: with -j 1 the probe keeps its text as it runs, with -j 2
** (replications in child processes) the probe is run again for it.  Both
** must be the same run, to the byte, sequential probes that stopped early
** included (the floor and step of quick mode), and so every other file. */
static void test_cli_tail_kept(void)
{
	char *tmp = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	for (int j = 1; j <= 2; j++) {
		char args[1024];
		int rc;
		snprintf(args, sizeof args,
			 "tests/data/explain/kvm-cap.xml -o %s/j%d -j %d --set vm[web].count=2 --set run.duration=40s "
			 "--set run.warmup=10s --set capacity.replications=2 --set capacity.floor=10s "
			 "--set capacity.step=5s --set capacity.resolution=10",
			 tmp, j, j);
		char *out = run_cli(args, &rc);
		CU_ASSERT_EQUAL(rc, 0);
		free(out);
	}
	char d1[512], d2[512];
	snprintf(d1, sizeof d1, "%s/j1", tmp);
	snprintf(d2, sizeof d2, "%s/j2", tmp);
	char *t1 = cut_slurp_in(d1, "tail_fail.csv"), *t2 = cut_slurp_in(d2, "tail_fail.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t2);
	CU_ASSERT_STRING_EQUAL(t1, t2);
	CU_ASSERT_PTR_NOT_NULL(strstr(t1, "vm,workload,pages,class,share_pct,response_s,"));
	/* the failing probe stopped early: it was decided before its end */
	char *pr = cut_slurp_in(d1, "capacity_probes.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(pr);
	int early_fail = 0;
	for (const char *l = strchr(pr, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
		int rep, decided, pass;
		const char *last = l + 1 + strcspn(l + 1, "\n");
		while (last > l + 1 && last[-1] != ',')
			last--;
		/* replication,seed,users_per_vm,measured_s,decided,...,pass */
		if (sscanf(l + 1, "%d,%*[^,],%*[^,],%*[^,],%d,", &rep, &decided) == 2 && sscanf(last, "%d", &pass) == 1)
			early_fail += rep == 1 && decided == 1 && pass == 0;
	}
	CU_ASSERT(early_fail > 0);
	char cmd[1200];
	char *out;
	snprintf(cmd, sizeof cmd, "diff -r -I wall %s %s", d1, d2);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	free(pr);
	free(t1);
	free(t2);
	cut_rmrf(tmp);
	free(tmp);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "QoS rule and counter", test_qos_rule },
		{ "a VM that completed no page is starved", test_qos_starved },
		{ "QoS registry: known response times", test_qos_registry },
		{ "repairman capacity, good share binds", test_search_good },
		{ "repairman capacity, tolerable share binds", test_search_tolerable },
		{ "capacity 0 and the bound hit", test_search_edges },
		{ "resolution as a share of the bracket", test_resolution_share },
		{ "rounds of replications until precise, bracketed near the answer", test_search_rounds },
		{ "stop flag ends the search", test_search_stop },
		{ "capacity CLI deterministic for any -j", test_cli_deterministic },
		{ "capacity CLI bad input", test_cli_bad_input },
		{ "capacity CLI: a new DIR or --force", test_cli_exclusive },
		{ "tail_fail.csv kept by its probe is the probe run again", test_cli_tail_kept },
		{ NULL, NULL },
	};
	cut_suite("capacity", t);
}
