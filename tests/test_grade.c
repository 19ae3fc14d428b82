/*
** `hvsim explain --grade` (sim/explain/grade.c): shape statements graded
** on a synthetic capacity curve with known answers (plateau, growth,
** peak, per-VM bounds, signed errors), nonsense rows refused naming their
** line and column, and below/above reporting the point that decides.
*/
#include "tests/explain_fixture.h"
#include "sim/explain/explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Statements graded on the synthetic capacity curve (300 n up to 4 VMs,
** then flat near 1200; replications +-1%): a plateau at 4 passes and one
** at 6 fails with its signed error; growth from 1 to 4 passes and from 3
** to 5 fails; the peak and a per-VM bound; a bad row is named by line. */
static void test_grade(void)
{
	char *dir = capacity_sweep();
	struct explain x;
	char err[4400];
	CU_ASSERT_EQUAL_FATAL(explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err), 0);
	put(dir, "shapes.csv",
	    "# test\nid,curve,other,kind,from,to,value,low,high,source\n"
	    "plat4,all points,,plateau,,,4,,,a\n"
	    "plat6,synthetic:all points,,plateau,,,6,,,b\n"
	    "other,another-scenario:all,,plateau,,,6,,,skipped\n"
	    "grow14,all,,grows,1,4,,,,c\n"
	    "grow35,all,,grows,3,5,,,,d\n"
	    "peak,all,,peak,,,1200,1150,1250,e\n"
	    "pervm,all,,per_vm,1,4,,,290,f\n"
	    "amp,all&points,,plateau,,,4,,,g\n"
	    "ampno,all&bogus,,plateau,,,4,,,h\n");
	char path[4200];
	snprintf(path, sizeof path, "%s/shapes.csv", dir);
	CU_ASSERT_EQUAL_FATAL(explain_grade(&x, path, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(x.ngrade, 8);
	char *csv = explain_grade_csv(&x);
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	if (getenv("SHOW"))
		printf("\n%s", csv);
	CU_ASSERT(strstr(csv, "plat4,plateau,all points,,1,4,4,7,0,") != NULL);
	CU_ASSERT(strstr(csv, "plat6,plateau,all points,,0,4,4,7,-0.333333,") != NULL);
	CU_ASSERT(strstr(csv, "grow14,grows,all,,1,") != NULL);
	CU_ASSERT(strstr(csv, "grow35,grows,all,,0,") != NULL);
	CU_ASSERT(strstr(csv, "peak,peak,all,,1,1205,") != NULL);
	/* 300 per VM is above 290: a miss, and a one-sided row has no signed error */
	CU_ASSERT(strstr(csv, "pervm,per_vm,all,,0,300,") != NULL && strstr(csv, ",,\"0 of 4 points") != NULL);
	/* '&': every part in the label */
	CU_ASSERT(strstr(csv, "amp,plateau,all&points,,1,4,") != NULL);
	CU_ASSERT(strstr(csv, "no curve matches 'all&bogus'") != NULL);
	free(csv);
	char *txt = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&txt, &len);
	explain_grade_report(&x, f);
	fclose(f);
	CU_ASSERT(txt && strstr(txt, "4 of 7 graded statements pass; mean absolute error over the 4 two-sided rows") != NULL);
	free(txt);
	explain_free(&x);
	/* a bad row: its line */
	CU_ASSERT_EQUAL_FATAL(explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err), 0);
	put(dir, "shapes.csv", "id,curve,other,kind,from,to,value,low,high,source\nx,all,,bulge,,,,,,\n");
	CU_ASSERT_EQUAL(explain_grade(&x, path, err, sizeof err), -1);
	CU_ASSERT(strstr(err, "shapes.csv:2: kind: expected plateau, grows, below, above, peak, value, per_vm or ratio, "
			      "got 'bulge'") != NULL);
	explain_free(&x);
	cut_rmrf(dir);
	free(dir);
}

/* Rows that would grade as nonsense are input errors naming the line, the
** column and what it holds, and grade nothing (the command writes no
** explain/ then): an empty or upside-down range of counts (grows 3..1
** graded "0 of 0 steps" with an infinite value), negative counts, bounds
** upside down, a relative error against 0 (a ratio's 0..0), a repeated
** id, a quote that does not close (read as a curve pattern), nan and
** inf.  The shipped statements pass these checks. */
static void test_grade_bad_rows(void)
{
	static const struct {
		const char *row, *want;
	} k[] = {
		{ "g,all,,grows,3,1,,,,s", "shapes.csv:3: to: expected a VM count at or above from (3), got '1'" },
		{ "g,all,,grows,2,2,,,,s", "shapes.csv:3: to: expected a VM count above from (2): grows needs a step, got '2'" },
		{ "g,all,,grows,-1,4,,,,s", "shapes.csv:3: from: expected a VM count (0 or more) or an empty cell, got '-1'" },
		{ "g,all,,per_vm,1,-4,,,9,s", "shapes.csv:3: to: expected a VM count (0 or more) or an empty cell, got '-4'" },
		{ "p,all,,peak,,,1200,1250,1150,s", "shapes.csv:3: high: expected a bound at or above low (1250), got '1150'" },
		{ "r,all,all,ratio,1,3,,0,0,s", "shapes.csv:3: high: expected a bound above 0 or an empty cell, got '0'" },
		{ "r,all,all,ratio,1,3,,-1,2,s", "shapes.csv:3: low: expected a bound of 0 or more or an empty cell, got '-1'" },
		{ "p,all,,plateau,,,0,,,s", "shapes.csv:3: value: expected a number above 0 or an empty cell, got '0'" },
		{ "p,all,,plateau,,,,,,s", "shapes.csv:3: value: expected the plateau's VM count, got ''" },
		{ "v,all,,value,,,,1,2,s", "shapes.csv:3: from: expected the VM count of the value, got ''" },
		{ "p,all,,peak,,,1200,,,s", "shapes.csv:3: low: expected low, high or both (the range the value is in), got ''" },
		{ "plat4,all,,plateau,,,5,,,s", "shapes.csv:3: id: expected an id not used before (line 2 has it), got 'plat4'" },
		{ "q,\"all points,,peak,,,1200,1150,1250,s",
		  "shapes.csv:3: curve: expected a closing quote, got '\"all points,,peak,,,1200,1150,1250,s'" },
		{ "q,all,,peak,,,nan,1150,1250,s", "shapes.csv:3: value: expected a finite number or an empty cell, got 'nan'" },
		{ "q,all,,per_vm,1,inf,,,350,s", "shapes.csv:3: to: expected a finite number or an empty cell, got 'inf'" },
		/* numbers read as a scenario's are (strtod took hex), VM counts whole */
		{ "q,all,,peak,,,0x4b0,1150,1250,s", "shapes.csv:3: value: expected a finite number or an empty cell, got '0x4b0'" },
		{ "q,all,,per_vm,1.5,4,,,350,s", "shapes.csv:3: from: expected a VM count (0 or more) or an empty cell, got '1.5'" },
		{ "q,all,,per_vm,1,4,,,350,a, b", "shapes.csv:3: expected 10 columns (id,curve,other,kind,from,to,value,low,"
						  "high,source) (a source holding a comma is quoted), got 11" },
		{ ",all,,plateau,,,4,,,s", "shapes.csv:3: id: expected a name for the statement, got ''" },
		{ "q,synthetic:,,plateau,,,4,,,s", "shapes.csv:3: curve: expected a part of a curve's label ([SCENARIO:]PATTERN), got 'synthetic:'" },
		{ "r,all,,ratio,1,3,,1,2,s", "shapes.csv:3: other: expected a part of the other curve's label, or * for "
					     "every other curve (ratio compares two), got ''" },
		{ "b,all,,below,1,3,,,,s", "shapes.csv:3: other: expected a part of the other curve's label" },
		{ "p,all,xen,plateau,,,4,,,s", "shapes.csv:3: other: expected an empty cell (plateau is about one curve), "
					       "got 'xen'" },
		/* another sweep's rows are checked too */
		{ "q,other:all,,grows,3,1,,,,s", "shapes.csv:3: to: expected a VM count at or above from (3), got '1'" },
	};
	char *dir = capacity_sweep();
	char path[4200], err[4400];
	snprintf(path, sizeof path, "%s/shapes.csv", dir);
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		struct explain x;
		CU_ASSERT_EQUAL_FATAL(explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err), 0);
		put(dir, "shapes.csv", "id,curve,other,kind,from,to,value,low,high,source\nplat4,all,,plateau,,,4,,,a\n%s\n",
		    k[i].row);
		int rc = explain_grade(&x, path, err, sizeof err);
		CU_ASSERT_EQUAL(rc, -1);
		if (rc != -1 || !strstr(err, k[i].want))
			fprintf(stderr, "\n  row %s\n  want %s\n  got  %s", k[i].row, k[i].want, rc ? err : "(accepted)");
		CU_ASSERT(rc == -1 && strstr(err, k[i].want) != NULL);
		explain_free(&x);
	}
	/* quoted fields, CRLF: fine */
	struct explain x;
	CU_ASSERT_EQUAL_FATAL(explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err), 0);
	put(dir, "shapes.csv", "id,curve,other,kind,from,to,value,low,high,source\r\n"
	    "\"plat4\",\"all points\",,plateau,,,4,,,\"a, with \"\"quotes\"\"\"\r\n");
	CU_ASSERT_EQUAL(explain_grade(&x, path, err, sizeof err), 0);
	CU_ASSERT_EQUAL(x.ngrade, 1);
	explain_free(&x);
	/* the shipped statements: every row checked, none for this sweep */
	CU_ASSERT_EQUAL_FATAL(explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err), 0);
	int rc = explain_grade(&x, "experiments/paper/shapes.csv", err, sizeof err);
	if (rc)
		fprintf(stderr, "\n  %s", err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(x.ngrade, 0);
	explain_free(&x);
	cut_rmrf(dir);
	free(dir);
}

/* "above" reports the point that decides it: two capacity curves a and b
** at 1 and 2 VMs, 3 replications.  At 1 VM a - b is 10 with a tight
** interval (passes); at 2 VMs it is larger on average, 28.3, but spread
** (40, -5, 50) so its interval crosses 0: 1 of 2 points, and the point
** reported is 2 VMs (its lower bound is the lowest), not the smaller mean
** at 1 VM. */
static void test_grade_decider(void)
{
	static const double a[2][3] = { { 110, 120.5, 129.5 }, { 240, 205, 260 } };
	static const double b[2][3] = { { 100, 110, 120 }, { 200, 210, 210 } };
	char *dir = cut_tmpdir();
	put(dir, "sweep.settings", "hvsim sweep\nscenario two\nseed 1\nmode capacity\n"
	    "vary hypervisor.profile: a b\nvary vm[web].count: 1 2\n");
	char csv[4096] = "hypervisor.profile,vm[web].count,hypervisor,policy,vms,vcpus_per_vm,sessions_per_vm,"
			 "cumulative_sessions,ci_low,ci_high,good_pct,tolerable_pct,cpu_util,replications,bound_hit,wall_s\n";
	char pd[4096];
	snprintf(pd, sizeof pd, "%s/points", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(pd, 0777), 0);
	for (int c = 0; c < 2; c++)
		for (int i = 0; i < 2; i++) {
			int n = i + 1, p = c * 2 + i + 1;
			const double *v = c ? b[i] : a[i];
			double cum = (v[0] + v[1] + v[2]) / 3;
			size_t l = strlen(csv);
			snprintf(csv + l, sizeof csv - l, "%s,%d,kvm-75,o1,%d,2,%g,%g,%g,%g,98,100,0.9,3,0,1\n",
				 c ? "b" : "a", n, n, cum / n, cum, cum / n * 0.9, cum / n * 1.1);
			point(dir, p, n, 0, 0.1, 0.5);
			put_reps(dir, p, n, v, 3);
		}
	put(dir, "sweep.csv", "%s", csv);
	struct explain x;
	char err[4400];
	int rc = explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err);
	if (rc)
		fprintf(stderr, "\n  %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	put(dir, "shapes.csv", "id,curve,other,kind,from,to,value,low,high,source\n"
	    "up,hypervisor.profile=a,hypervisor.profile=b,above,1,2,,,,x\n"
	    "up1,hypervisor.profile=a,hypervisor.profile=b,above,1,1,,,,y\n");
	char path[4200];
	snprintf(path, sizeof path, "%s/shapes.csv", dir);
	CU_ASSERT_EQUAL_FATAL(explain_grade(&x, path, err, sizeof err), 0);
	char *g = explain_grade_csv(&x);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	if (getenv("SHOW"))
		printf("\n%s", g);
	CU_ASSERT(strstr(g, "1 of 2 points; worst difference 28.3") != NULL);
	CU_ASSERT(strstr(g, "at 2 VMs") != NULL);
	CU_ASSERT(strstr(g, "1 of 1 points; closest difference 10 ") != NULL);
	free(g);
	explain_free(&x);
	cut_rmrf(dir);
	free(dir);
}

void tests_register(void)
{
	static const struct cut_test tests[] = {
		{ "grading statements", test_grade },
		{ "below/above report the point that decides", test_grade_decider },
		{ "grading statements: nonsense rows are errors naming the column", test_grade_bad_rows },
		{ NULL, NULL },
	};
	cut_suite("explain --grade", tests);
}
