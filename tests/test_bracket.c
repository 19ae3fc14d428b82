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

/* The first probe (users per VM) of replication 1 in the
** capacity_probes.csv at dir/name, and how many probes it lists; -1
** when unreadable. */
static int first_probe(const char *dir, const char *name, int *nprobes)
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
			if (*nprobes == 0)
				users = rep == 1 ? u : -1;
			++*nprobes;
		}
	}
	free(t);
	return users;
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
		snprintf(name, sizeof name, "p2/points/%03d/capacity_probes.csv", pt);
		int u = first_probe(tmp, name, &np);
		snprintf(name, sizeof name, "min/points/%03d/capacity_probes.csv", pt);
		int um = first_probe(tmp, name, &nm);
		pp += np;
		pm += nm;
		CU_ASSERT_EQUAL(um, 1);                      /* from min */
		if ((pt - 1) % 3 == 0) {
			CU_ASSERT_EQUAL(u, 1);               /* a curve's first point */
		} else {
			/* the answer before it, rounded to the resolution (1) */
			CU_ASSERT_EQUAL(u, (int)lround(per_vm(a, pt - 1, 2)));
		}
		CU_ASSERT(fabs(per_vm(a, pt, 2) - per_vm(c, pt, 2)) < 1);
	}
	printf("    probes: %d with bracket=previous, %d from min\n", pp, pm);
	CU_ASSERT(pp < pm);
	/* a bad value: exit 2, named */
	CU_ASSERT_EQUAL(hv(&out, "sweep " CURVES " -o %s/bad --set sweep.bracket=next%s", tmp, ""), 2);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "{'min', 'previous'}"));
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, "bad"));
	free(a);
	free(b);
	free(c);
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
	CU_ASSERT_EQUAL(first_probe(tmp, "s/capacity_probes.csv", &n), 11);
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
		{ "capacity start brackets the first round", test_capacity_start },
		{ NULL, NULL },
	};
	cut_suite("where a capacity search starts", t);
}
