/*
** `hvsim sweep` (sim/drive/sweep.c) and the <sweep> element (sim/scenario/scenario.c):
** the points' order and values (lists, from/to/step with units); -j 1
** against -j 2; a point's outputs equal `hvsim run` / `hvsim capacity`
** of the same overrides; resuming after an interruption runs only the
** missing points; Ctrl-C; a bad key (exit 2 before any run), a bad value
** at a point (that point reported, the others done, exit 1), a directory
** holding another sweep (exit 2).
*/
#include "tests/cutest.h"
#include "sim/scenario/scenario.h"
#include "sim/drive/sweep.h"
#include "tests/sweep_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TOY "tests/data/sweep/toy.xml"
#define USERS "vm[web].workload[users].closed.users"

/* ------------------------------------------------ the scenario --- */

static void expect_point(const struct scn_sweep *sw, int p, const char *const *want)
{
	const char *val[SCN_MAX_VARY];
	CU_ASSERT_EQUAL_FATAL(sweep_point(sw, p, val), 0);
	for (int k = 0; k < sw->nvary; k++)
		if (strcmp(val[k], want[k]) != 0) {
			fprintf(stderr, "\n  point %d, vary %d: got '%s', want '%s'", p, k, val[k], want[k]);
			CU_FAIL("point value");
		}
}

static void test_points(void)
{
	struct scenario s;
	CU_ASSERT_EQUAL_FATAL(cut_load(TOY, NULL, &s, NULL), 0);
	const struct scn_sweep *sw = &s.sweep;
	CU_ASSERT(sw->present && sw->mode == SWEEP_RUN && sw->nvary == 2 && sw->npoints == 6);
	CU_ASSERT_STRING_EQUAL(sw->vary[0].key, USERS);
	CU_ASSERT_EQUAL(sw->vary[0].loc.line, 8);
	/* the first <vary> outermost */
	static const char *const want[6][2] = { { "2", "1" }, { "2", "2" }, { "4", "1" },
						{ "4", "2" }, { "8", "1" }, { "8", "2" } };
	for (int p = 0; p < 6; p++)
		expect_point(sw, p, want[p]);
	const char *val[SCN_MAX_VARY];
	CU_ASSERT_EQUAL(sweep_point(sw, 6, val), -1);
	CU_ASSERT_EQUAL(sweep_point(sw, -1, val), -1);
	scn_free(&s);

	CU_ASSERT_EQUAL_FATAL(cut_load("tests/data/sweep/ranges.xml", NULL, &s, NULL), 0);
	CU_ASSERT(sw->mode == SWEEP_CAPACITY && sw->nvary == 4 && sw->npoints == 3 * 3 * 3 * 2);
	static const char *const vals[4][3] = {
		{ "10s", "20s", "30s" }, { "5", "3", "1" }, { "0.9", "0.95", "1" }, { "a,b", "c", NULL } };
	for (int k = 0; k < 4; k++) {
		CU_ASSERT_EQUAL(sw->vary[k].nvalues, k == 3 ? 2 : 3);
		for (int i = 0; i < sw->vary[k].nvalues; i++)
			CU_ASSERT_STRING_EQUAL(sw->vary[k].values[i], vals[k][i]);
	}
	static const char *const p0[] = { "10s", "5", "0.9", "a,b" }, *const p1[] = { "10s", "5", "0.9", "c" },
				 *const p2[] = { "10s", "5", "0.95", "a,b" },
				 *const p17[] = { "10s", "1", "1", "c" },
				 *const p18[] = { "20s", "5", "0.9", "a,b" },
				 *const p53[] = { "30s", "1", "1", "c" };
	expect_point(sw, 0, p0);
	expect_point(sw, 1, p1);
	expect_point(sw, 2, p2);
	expect_point(sw, 17, p17);
	expect_point(sw, 18, p18);
	expect_point(sw, 53, p53);
	scn_free(&s);

	/* no <sweep>: not present, no points */
	CU_ASSERT_EQUAL_FATAL(cut_load("tests/data/capacity/repairman.xml", NULL, &s, NULL), 0);
	CU_ASSERT(!sw->present && sw->npoints == 0);
	scn_free(&s);
}

/* The first message of loading the toy with sets, or "" when it loads. */
static char *load_error(const char *file, const char *const *sets)
{
	struct scn_override ov[CUT_MAX_SETS];
	char keys[CUT_MAX_SETS][128];
	int n = cut_sets(sets, ov, keys);
	struct scenario s;
	struct diag d = { 0 };
	char *m;
	if (scn_load(&s, file, ov, n, 0, &d) == 0) {
		scn_free(&s);
		m = strdup("");
	} else {
		m = strdup(d.n ? d.msg[0] : "?");
	}
	diag_free(&d);
	return m;
}

static void test_bad_syntax(void)
{
	static const struct {
		const char *file, *sets[3], *msg;
	} k[] = {
		/* a value given with --set: the message names the --set */
		{ TOY, { "sweep.vary[1].step=-1" },
		  "--set sweep.vary[1].step=-1: <vary step>: expected a step that goes from 'from' towards 'to', got -1" },
		{ TOY, { "sweep.vary[1].to=2ms" },
		  "--set sweep.vary[1].to=2ms: <vary to>: expected the unit of from (''), got 2ms" },
		{ TOY, { "sweep.vary[1].from=x" },
		  "--set sweep.vary[1].from=x: <vary from>: expected a number, optionally with a unit (such as 4 or "
		  "10ms), got 'x'" },
		{ TOY, { "sweep.vary[0].from=1" }, "toy.xml:8: <vary>: expected either values=\"...\" or from/to/step" },
		{ TOY, { "sweep.vary[0].values=1 2 1" },
		  "--set sweep.vary[0].values=1 2 1: <vary values>: expected distinct values, got '1' twice" },
		{ TOY, { "sweep.vary[0].values= " },
		  "--set sweep.vary[0].values= : <vary values>: expected at least one value" },
		{ TOY, { "sweep.vary[1].key=" USERS },
		  "--set sweep.vary[1].key=" USERS ": <vary key>: expected a key not varied already (line 8), got " USERS },
		{ TOY, { "sweep.vary[1].to=5000" }, "toy.xml:7: <sweep>: expected at most 10000 points in all, got 15000" },
		{ TOY, { "sweep.vary[1].to=100000" }, "toy.xml:9: <vary>: expected at most 10000 values" },
		/* two spellings of one number would run one point twice */
		{ TOY, { "sweep.vary[0].values=2 02 8" },
		  "--set sweep.vary[0].values=2 02 8: <vary values>: expected distinct values, got '2' and '02', one number" },
		{ TOY, { "sweep.mode=both" },
		  "--set sweep.mode=both: <sweep mode>: expected one of run or capacity, got 'both'" },
		{ TOY, { "sweep.vary[0].key=a=b" },
		  "--set sweep.vary[0].key=a=b: <vary key>: expected a --set path such as vm[web].count or "
		  "hypervisor.profile, got a=b" },
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		char *m = load_error(k[i].file, k[i].sets);
		if (!strstr(m, k[i].msg))
			fprintf(stderr, "\n  %s\n  got:  %s\n  want: %s", k[i].sets[0], m, k[i].msg);
		CU_ASSERT_PTR_NOT_NULL(strstr(m, k[i].msg));
		free(m);
	}
}

/* ------------------------------------------------ the command line --- */

/* -j 1 and -j 2: the same rows; each point's outputs are `hvsim run`'s. */
static void test_jobs(void)
{
	char *tmp = cut_tmpdir(), args[2048], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	char *csv[2];
	for (int j = 0; j < 2; j++) {
		snprintf(args, sizeof args, TOY " -o %s/j%d -j %d", tmp, j + 1, j + 1);
		CU_ASSERT_EQUAL(sweep(args, &out), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "toy: 6 points (0 already done, 6 run, 0 failed)"));
		if (j == 0)
			printf("\n%s", out);
		free(out);
		char dir[1024];
		snprintf(dir, sizeof dir, "%s/j%d", tmp, j + 1);
		csv[j] = cut_slurp_in(dir, "sweep.csv");
		CU_ASSERT_PTR_NOT_NULL_FATAL(csv[j]);
		CU_ASSERT(cut_exists(dir, "points/001/summary.json") && cut_exists(dir, "points/006/vms.csv"));
		CU_ASSERT_FALSE(cut_exists(dir, "points/007"));
	}
	printf("%s", csv[0]);
	snprintf(args, sizeof args, "%s validate " TOY, cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(args, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "sweep: 6 points, mode run (hvsim sweep); the first <vary> outermost:\n  "
					   USERS ": 2 4 8\n  vm[web].vcpus: 1 2\n"));
	free(out);
	CU_ASSERT_EQUAL(lines(csv[0]), 7);
	CU_ASSERT_PTR_NOT_NULL(strstr(csv[0], USERS ",vm[web].vcpus,hypervisor,policy,vms,vcpus_per_vm,users,pages,"
					      "good_pct,tolerable_pct,qos_pass,pages_per_s,cpu_util,steal_pct,"
					      "spin_pct,events,overhead_pct,switch_pct,refill_pct,migrate_refill_pct,"
					      "wall_s\n2,1,bare,rr,1,1,2,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv[0], "\n8,2,bare,rr,1,2,8,"));
	CU_ASSERT(same_rows(csv[0], csv[1]));
	CU_ASSERT_STRING_NOT_EQUAL(csv[0] + strlen(csv[0]) / 2, "");

	/* point 3 (4 users, 1 VCPU) is `hvsim run` with those overrides */
	snprintf(args, sizeof args,
		 "%s run " TOY " -o %s/run --set " USERS "=4 --set vm[web].vcpus=1 > /dev/null", cut_hvsim(), tmp);
	CU_ASSERT_EQUAL(cut_run(args, &out), 0);
	free(out);
	static const char *const files[] = { "vms.csv", "workloads.csv", "pcpus.csv", "entities.csv" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char d1[1024], d2[1024];
		snprintf(d1, sizeof d1, "%s/run", tmp);
		snprintf(d2, sizeof d2, "%s/j2/points/003", tmp);
		char *x = cut_slurp_in(d1, files[i]), *y = cut_slurp_in(d2, files[i]);
		CU_ASSERT(x && y && strcmp(x, y) == 0);
		free(x);
		free(y);
	}
	/* its row: 4 users, 1 VCPU, the run's events */
	char *sum = cut_slurp_in(tmp, "run/summary.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
	const char *ev = strstr(sum, "\"events\": ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	char row[256];
	snprintf(row, sizeof row, "\n4,1,bare,rr,1,1,4,");
	const char *r3 = strstr(csv[0], row);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r3);
	char evs[32];
	snprintf(evs, sizeof evs, ",%lld,", atoll(ev + 10));
	const char *eol = strchr(r3 + 1, '\n');
	const char *hit = strstr(r3, evs);
	CU_ASSERT(hit && hit < eol);
	free(sum);
	free(csv[0]);
	free(csv[1]);
	cut_rmrf(tmp);
	free(tmp);
}

/* long.csv: a row per point and VM, the point's values in front of
** vms.csv's columns, the same for any -j; docs/analysis.md's pandas
** snippet runs on it when Debian's python3-pandas is there. */
static void test_long(void)
{
	char *tmp = cut_tmpdir(), args[4096], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	char *lng[2];
	for (int j = 0; j < 2; j++) {
		snprintf(args, sizeof args, TOY " -o %s/j%d -j %d", tmp, j + 1, j + 1);
		CU_ASSERT_EQUAL(sweep(args, &out), 0);
		free(out);
		char dir[1024];
		snprintf(dir, sizeof dir, "%s/j%d", tmp, j + 1);
		lng[j] = cut_slurp_in(dir, "long.csv");
		CU_ASSERT_PTR_NOT_NULL_FATAL(lng[j]);
	}
	CU_ASSERT_STRING_EQUAL(lng[0], lng[1]);
	/* the toy sweep has one VM: 6 points, 6 rows */
	CU_ASSERT_EQUAL(lines(lng[0]), 7);
	CU_ASSERT_EQUAL(strncmp(lng[0], "point," USERS ",vm[web].vcpus,vm,kind,vcpus,", strlen("point," USERS) + 20), 0);
	/* point 3's row is its vms.csv's row behind "3,4,1," */
	char *vms = cut_slurp_in(tmp, "j1/points/003/vms.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vms);
	char want[1024];
	const char *row = strchr(vms, '\n') + 1;
	snprintf(want, sizeof want, "\n3,4,1,%.*s\n", (int)strcspn(row, "\n"), row);
	CU_ASSERT_PTR_NOT_NULL(strstr(lng[0], want));
	free(vms);
	/* the documented snippet, on this file */
	if (cut_run("/usr/bin/python3 -c 'import pandas' 2>/dev/null", &out) != 0) {
		printf("\n    skipped: the pandas snippet of docs/analysis.md (no python3-pandas)");
	} else {
		free(out);
		char *doc = cut_slurp_in(".", "docs/analysis.md");
		CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
		const char *a = strstr(doc, "```python\n"), *b = a ? strstr(a + 10, "```") : NULL;
		CU_ASSERT_FATAL(a && b);
		char py[2048], path[1024];
		snprintf(py, sizeof py, "%.*s", (int)(b - a - 10), a + 10);
		snprintf(path, sizeof path, "%s/snippet.py", tmp);
		FILE *f = fopen(path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(py, f);
		fclose(f);
		snprintf(args, sizeof args, "cd %s/j1 && mkdir -p out/fig3 && cp long.csv out/fig3/ && /usr/bin/python3 %s",
			 tmp, path);
		CU_ASSERT_EQUAL(cut_run(args, &out), 0);
		CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "steal"));
		printf("\n%s", out ? out : "");
		free(doc);
	}
	free(out);
	free(lng[0]);
	free(lng[1]);
	cut_rmrf(tmp);
	free(tmp);
}

/* Values with a comma and a quote are quoted in sweep.csv and read back
** when resuming. */
static void test_quoting(void)
{
	char *tmp = cut_tmpdir(), args[2048], cmd[4096], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(args, sizeof args,
		 TOY " -o %s/o -j 2 --set sweep.vary[0].key=description --set 'sweep.vary[0].values=a,b c\"d'", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	free(out);
	char *full = cut_slurp_in(tmp, "o/sweep.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(full);
	CU_ASSERT_PTR_NOT_NULL(strstr(full, "\n\"a,b\",2,bare,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(full, "\n\"c\"\"d\",1,bare,"));
	snprintf(cmd, sizeof cmd, "cd %s/o && head -2 sweep.csv > x && sed -n 5p sweep.csv >> x && mv x sweep.csv", tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(2 already done, 2 run, 0 failed)"));
	free(out);
	char *again = cut_slurp_in(tmp, "o/sweep.csv");
	CU_ASSERT(same_rows(full, again));
	free(again);
	free(full);
	cut_rmrf(tmp);
	free(tmp);
}

/* A typo in a key: exit 2 naming the <vary>, nothing created. */
static void test_bad_key(void)
{
	char *tmp = cut_tmpdir(), args[2048], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(args, sizeof args, "tests/data/sweep/bad-key.xml -o %s/o", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "tests/data/sweep/bad-key.xml:7: <vary key>: expected a --set path that "
					   "loads with the first value, got vm[wbe].workload[users].closed.users=1:\n"
					   "  tests/data/sweep/bad-key.xml:7: vm[wbe].workload[users].closed.users: <scenario> has no child "
					   "vm[wbe]; expected one of: run, sweep, machine, hypervisor, vm"));
	CU_ASSERT_PTR_NULL(strstr(out, "vm[web].vcpus"));
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, "o"));
	/* an attribute the element does not have, from the command line */
	snprintf(args, sizeof args, TOY " -o %s/o --set sweep.vary[1].key=vm[web].cpus", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "toy.xml:9: <vary key>: expected a --set path that loads with the first "
					   "value, got vm[web].cpus=1:\n  tests/data/sweep/toy.xml:9: <vm>: expected one of "
					   "the attributes name, count, vcpus, memory,"));
	free(out);
	/* no <sweep> at all */
	snprintf(args, sizeof args, "tests/data/capacity/repairman.xml -o %s/o", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "repairman.xml: <scenario>: expected a <sweep>"));
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, "o"));
	snprintf(args, sizeof args, TOY " -j 0");
	CU_ASSERT_EQUAL(sweep(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "expected a number of processes from 1 to 1024"));
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* Bad values at points 2 and 4: reported with the point, the others
** done, exit 1; a rerun retries only the failed points. */
static void test_bad_value(void)
{
	char *tmp = cut_tmpdir(), args[2048], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(args, sizeof args, "tests/data/sweep/bad-value.xml -o %s/o -j 2", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 1);
	printf("\n%s", out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "hvsim: point 2/4 (vm[web].memory=5GiB) failed:\n  "
					   "tests/data/sweep/bad-value.xml:5: <scenario>: expected VMs that fit in "
					   "the machine's 4 GiB of memory; they need 5 GiB"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "hvsim: point 4/4 (vm[web].memory=2lots) failed:\n  "
					   "tests/data/sweep/bad-value.xml:8: <vm memory>: expected a byte size"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "bad-value: 4 points (0 already done, 2 run, 2 failed)"));
	free(out);
	char *csv = cut_slurp_in(tmp, "o/sweep.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	CU_ASSERT_EQUAL(lines(csv), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n1GiB,bare,rr,1,1,2,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n2GiB,bare,rr,1,1,2,"));
	free(csv);
	CU_ASSERT(cut_exists(tmp, "o/points/001") && cut_exists(tmp, "o/points/003"));
	CU_ASSERT(!cut_exists(tmp, "o/points/002") && !cut_exists(tmp, "o/points/004"));
	CU_ASSERT_EQUAL(sweep(args, &out), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(2 already done, 0 run, 2 failed)"));
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* sweep and validate judge a point the same way: by the scenario loaded
** with ALL its values.  Xeon profile with 12 VMs (18 GiB) is a valid first
** point, though 12 VMs do not fit in the file's own Opteron (16 GiB): the
** sweep used to check each <vary>'s first value with the file's other
** values and exit 2 while validate said valid.  And validate reports the
** points that do not load (it used to check none of them). */
static void test_points_checked_whole(void)
{
	char *tmp = cut_tmpdir(), args[2048], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	const char *xeon = "experiments/whatif/machine-2s.xml"
			   " --set sweep.vary[0].values=../../models/profiles/machines/xeon-6226r-2s.xml";
	snprintf(args, sizeof args, "%s validate %s --set 'sweep.vary[1].values=12 16'", cut_hvsim(), xeon);
	CU_ASSERT_EQUAL(cut_run(args, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "machine-2s.xml: valid"));
	free(out);
	snprintf(args, sizeof args, "%s --set 'sweep.vary[1].values=12' --set run.duration=2s --set run.warmup=1s -j 1 -o %s/o",
		 xeon, tmp);
	int rc = sweep(args, &out);
	if (rc)
		printf("\n%s", out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NULL(strstr(out, "need 18 GiB"));
	free(out);
	CU_ASSERT(cut_exists(tmp, "o/points/001"));
	/* the file's Opteron with 12 and 16 VMs: both points named */
	snprintf(args, sizeof args, "%s validate experiments/whatif/machine-2s.xml --set 'sweep.vary[1].values=12 16'",
		 cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "machine-2s.xml:21: <sweep>: expected points that load and build, got point "
					   "1/4 (machine.profile=../../models/profiles/machines/opteron-8212-4s.xml, "
					   "vm[web].count=12):\n  experiments/whatif/machine-2s.xml:18: <scenario>: expected "
					   "VMs that fit in the machine's 16 GiB of memory; they need 18 GiB"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "got point 2/4 (machine.profile=../../models/profiles/machines/"
					   "opteron-8212-4s.xml, vm[web].count=16):"));
	CU_ASSERT_PTR_NULL(strstr(out, "point 3/4"));
	CU_ASSERT_PTR_NULL(strstr(out, ": valid"));
	free(out);
	/* bad-value.xml: points 2 and 4 of 4 */
	snprintf(args, sizeof args, "%s validate tests/data/sweep/bad-value.xml", cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "got point 2/4 (vm[web].memory=5GiB):\n  tests/data/sweep/bad-value.xml:5: "
					   "<scenario>: expected VMs that fit in the machine's 4 GiB of memory; they need 5 GiB"));
	/* a value's messages point at the <vary> that gave it */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "got point 4/4 (vm[web].memory=2lots):\n  tests/data/sweep/bad-value.xml:8: "
					   "<vm memory>: expected a byte size"));
	CU_ASSERT_PTR_NULL(strstr(out, "point 1/4"));
	free(out);
	/* nothing on stdout when it fails: the plan of what would run is
	** printed only for a valid scenario (it came before the errors) */
	snprintf(args, sizeof args, "%s validate tests/data/sweep/bad-value.xml 2>/dev/null | wc -c", cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(args, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(out && atoi(out) == 0);
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* mode="capacity": each row is capacity.csv's row of that point. */
static void test_capacity_mode(void)
{
	char *tmp = cut_tmpdir(), args[2048], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(args, sizeof args, "tests/data/sweep/capacity.xml -o %s/s -j 2", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	free(out);
	char *csv = cut_slurp_in(tmp, "s/sweep.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	printf("\n%s", csv);
	snprintf(args, sizeof args, "%s capacity tests/data/sweep/capacity.xml -o %s/c -j 1 --set qos.time-good=2s",
		 cut_hvsim(), tmp);
	CU_ASSERT_EQUAL(cut_run(args, &out), 0);
	free(out);
	char *cap = cut_slurp_in(tmp, "c/capacity.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
	/* header: the key, capacity.csv's, wall_s; row: "2s," + its row */
	char *nl = strchr(cap, '\n');
	char want[2048];
	snprintf(want, sizeof want, "qos.time-good,%.*s,wall_s\n", (int)(nl - cap), cap);
	CU_ASSERT_EQUAL(strncmp(csv, want, strlen(want)), 0);
	snprintf(want, sizeof want, "\n2s,%.*s,", (int)strcspn(nl + 1, "\n"), nl + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, want));
	/* the repairman's capacity is 11 (tests/test_capacity.c): the
	** crossing lies between 11 and 12 */
	const char *row = strstr(csv, "\n1.1s,native-fcfs,fcfs,1,1,");
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	double per_vm = strtod(row + strlen("\n1.1s,native-fcfs,fcfs,1,1,"), NULL);
	CU_ASSERT(per_vm >= 10.5 && per_vm < 12);
	char *probes = cut_slurp_in(tmp, "s/points/002/capacity_probes.csv"), *probes2 = cut_slurp_in(tmp, "c/capacity_probes.csv");
	CU_ASSERT(probes && probes2 && strcmp(probes, probes2) == 0);
	free(probes);
	free(probes2);
	free(cap);
	free(csv);
	cut_rmrf(tmp);
	free(tmp);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "points: product order, lists and ranges", test_points },
		{ "<sweep> syntax errors", test_bad_syntax },
		{ "-j 1 and -j 2 identical; a point is hvsim run", test_jobs },
		{ "long.csv: a row per point and VM; the pandas snippet", test_long },
		{ "values quoted in sweep.csv and read back", test_quoting },
		{ "bad key: exit 2 before any run", test_bad_key },
		{ "bad value at a point: reported, others done", test_bad_value },
		{ "sweep and validate check points whole", test_points_checked_whole },
		{ "mode capacity rows are capacity.csv's", test_capacity_mode },
		{ NULL, NULL },
	};
	cut_suite("sweep", t);
}
