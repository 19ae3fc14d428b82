/*
** Where a capacity search starts (docs/capacity.md, "Starting from a
** neighbour's answer"): <capacity start> brackets the first round around
** a number of users; <sweep bracket="previous"> gives each point of a
** curve the answer of the point before it (sim/drive/sweep.c).
*/
#include "tests/cutest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CURVES "tests/data/sweep/capacity-curves.xml"

/* Run `hvsim ARGS` (its output in *out); the exit status. */
static int hv(char **out, const char *fmt, const char *a, const char *b)
{
	char args[2048], cmd[4096];
	snprintf(args, sizeof args, fmt, a, b);
	snprintf(cmd, sizeof cmd, "%s %s", cut_hvsim(), args);
	return cut_run(cmd, out);
}

/* The first probe (users per VM) of replication `want` in the
** capacity_probes.csv at dir/name, and how many probes it lists (of
** every replication); -1 when unreadable or it has none. */
static int first_probe(const char *dir, const char *name, int want, int *nprobes)
{
	char *t = cut_slurp_in(dir, name);
	*nprobes = 0;
	if (!t)
		return -1;
	int users = -1;
	for (char *line = strchr(t, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		int rep = 0, u = 0;
		unsigned long long seed = 0;
		if (sscanf(line + 1, "%d,%llu,%d,", &rep, &seed, &u) == 3) {
			if (rep == want && users < 0)
				users = u;
			++*nprobes;
		}
	}
	free(t);
	return users;
}

/* Replication rep's answer (sessions_per_vm) in the
** capacity_replications.csv of sweep directory dir's point pt; -1 when
** it has none. */
static double rep_answer(const char *dir, int pt, int rep)
{
	char name[96];
	snprintf(name, sizeof name, "points/%03d/capacity_replications.csv", pt);
	char *t = cut_slurp_in(dir, name);
	double a = -1;
	for (char *line = t ? strchr(t, '\n') : NULL; line && line[1]; line = strchr(line + 1, '\n')) {
		int r = 0;
		unsigned long long seed = 0;
		double v = 0;
		if (sscanf(line + 1, "%d,%llu,%lf,", &r, &seed, &v) == 3 && r == rep)
			a = v;
	}
	free(t);
	return a;
}

/* The probes of the replication with seed `seed` in dir/name
** (capacity_probes.csv), each line without its replication number, into
** buf; how many. */
static int probes_of_seed(const char *dir, const char *name, unsigned long long seed, char *buf, size_t size)
{
	char *t = cut_slurp_in(dir, name);
	size_t l = 0;
	int n = 0;
	buf[0] = 0;
	for (char *line = t ? strchr(t, '\n') : NULL; line && line[1]; line = strchr(line + 1, '\n')) {
		int r = 0;
		unsigned long long sd = 0;
		const char *rest = strchr(line + 1, ',');
		if (sscanf(line + 1, "%d,%llu,", &r, &sd) == 2 && sd == seed && rest) {
			size_t k = strcspn(rest, "\n");
			if (l + k + 2 < size) {
				memcpy(buf + l, rest, k);
				l += k;
				buf[l++] = '\n';
				buf[l] = 0;
			}
			n++;
		}
	}
	free(t);
	return n;
}

/* sessions_per_vm of sweep.csv's data row r (from 1), whose first nkeys
** fields are the point's values. */
static double per_vm(const char *csv, int r, int nkeys)
{
	const char *p = csv;
	for (int i = 0; i < r && p; i++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	/* keys, hypervisor, policy, vms, vcpus_per_vm, then sessions_per_vm */
	for (int k = 0; k < nkeys + 4 && p; k++) {
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return p ? strtod(p, NULL) : -1;
}

/* bracket="previous": each curve (the last <vary>) runs in order, a
** point's first round starting at the answer before it; the result does
** not depend on -j; it takes fewer probes than from min and finds the
** same capacities within a user; a curve's first point starts from min. */
static void test_bracket_previous(void)
{
	char *tmp = cut_tmpdir(), *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	CU_ASSERT_EQUAL(hv(&out, "sweep " CURVES " -o %s/p2 -j 2 --set sweep.bracket=previous%s", tmp, ""), 0);
	free(out);
	CU_ASSERT_EQUAL(hv(&out, "sweep " CURVES " -o %s/p1 -j 1 --set sweep.bracket=previous%s", tmp, ""), 0);
	free(out);
	CU_ASSERT_EQUAL(hv(&out, "sweep " CURVES " -o %s/min -j 1%s", tmp, ""), 0);
	free(out);
	char *a = cut_slurp_in(tmp, "p2/sweep.csv"), *b = cut_slurp_in(tmp, "p1/sweep.csv"), *c = cut_slurp_in(tmp, "min/sweep.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	printf("\n%s", a);
	/* -j 2 and -j 1: the same rows but wall_s */
	for (int r = 1; r <= 6; r++)
		CU_ASSERT_DOUBLE_EQUAL(per_vm(a, r, 2), per_vm(b, r, 2), 0);
	int pp = 0, pm = 0;
	for (int pt = 1; pt <= 6; pt++) {
		char name[64];
		int np, nm;
		snprintf(name, sizeof name, "min/points/%03d/capacity_probes.csv", pt);
		int um = first_probe(tmp, name, 1, &nm);
		pm += nm;
		CU_ASSERT_EQUAL(um, 1);                      /* from min */
		snprintf(name, sizeof name, "p2/points/%03d/capacity_probes.csv", pt);
		for (int r = 1; r <= 2; r++) {
			int u = first_probe(tmp, name, r, &np);
			if ((pt - 1) % 3 == 0) {
				CU_ASSERT_EQUAL(u, 1);       /* a curve's first point */
			} else {
				/* replication r's own answer at the point before,
				** rounded to the resolution (1) */
				char pdir[4200];
				snprintf(pdir, sizeof pdir, "%s/p2", tmp);
				double prev = rep_answer(pdir, pt - 1, r);
				CU_ASSERT(prev > 0);
				CU_ASSERT_EQUAL(u, (int)lround(prev));
			}
		}
		pp += np;
		CU_ASSERT(fabs(per_vm(a, pt, 2) - per_vm(c, pt, 2)) < 1);
	}
	printf("    probes: %d with bracket=previous, %d from min\n", pp, pm);
	CU_ASSERT(pp < pm);
	/* a bad value: exit 2, named */
	CU_ASSERT_EQUAL(hv(&out, "sweep " CURVES " -o %s/bad --set sweep.bracket=next%s", tmp, ""), 2);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "<sweep bracket>: expected one of min or previous, got 'next'"));
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, "bad"));
	free(a);
	free(b);
	free(c);
	cut_rmrf(tmp);
	free(tmp);
}

/* With bracket="previous" a replication's searches along a curve depend
** on its seed alone: seed 2's sweep's first replication (seed 2) is seed
** 1's second, probe for probe, at every point, so that hvsim sweep
** --cache gives neighbouring seeds every replication they share. */
static void test_bracket_chain(void)
{
	char *tmp = cut_tmpdir(), *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	CU_ASSERT_EQUAL(hv(&out, "sweep " CURVES " -o %s/s1 -j 2 --set sweep.bracket=previous%s", tmp, ""), 0);
	free(out);
	CU_ASSERT_EQUAL(hv(&out, "sweep " CURVES " -o %s/s2 -j 2 --seed 2 --set sweep.bracket=previous%s", tmp, ""),
			0);
	free(out);
	static char p1[65536], p2[65536];
	int compared = 0;
	for (int pt = 1; pt <= 6; pt++) {
		char n1[96], n2[96];
		snprintf(n1, sizeof n1, "s1/points/%03d/capacity_probes.csv", pt);
		snprintf(n2, sizeof n2, "s2/points/%03d/capacity_probes.csv", pt);
		int k1 = probes_of_seed(tmp, n1, 2, p1, sizeof p1), k2 = probes_of_seed(tmp, n2, 2, p2, sizeof p2);
		CU_ASSERT(k1 > 0);
		CU_ASSERT_EQUAL(k1, k2);
		CU_ASSERT_STRING_EQUAL(p1, p2);
		compared += k1 > 0 && strcmp(p1, p2) == 0;
	}
	CU_ASSERT_EQUAL(compared, 6);
	cut_rmrf(tmp);
	free(tmp);
}

/* <capacity start>: the first round brackets around it; a negative start
** is refused (exit 2). */
static void test_capacity_start(void)
{
	char *tmp = cut_tmpdir(), *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	CU_ASSERT_EQUAL(
		hv(&out, "capacity tests/data/capacity/repairman.xml -o %s/s --set capacity.start=%s", tmp, "11"), 0);
	free(out);
	int n;
	/* replication 1's first probe is at 11 */
	CU_ASSERT_EQUAL(first_probe(tmp, "s/capacity_probes.csv", 1, &n), 11);
	CU_ASSERT(n > 0);
	CU_ASSERT_EQUAL(
		hv(&out, "capacity tests/data/capacity/repairman.xml -o %s/bad --set capacity.start=%s", tmp, "-1"), 2);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "capacity.start=-1"));
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, "bad"));
	cut_rmrf(tmp);
	free(tmp);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "bracket=\"previous\": curves in order, the same for any -j", test_bracket_previous },
		{ "bracket=\"previous\": a replication's chain depends on its seed alone", test_bracket_chain },
		{ "capacity start brackets the first round", test_capacity_start },
		{ NULL, NULL },
	};
	cut_suite("where a capacity search starts", t);
}
