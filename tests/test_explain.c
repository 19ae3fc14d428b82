/*
** `hvsim explain` (sim/explain/explain.c): a synthetic sweep directory with known
** numbers gives the known plateau, best point, loss and its split over
** the causes, and the saturated resource; two curves are told apart by
** the other varied key; the files are written (and rendered when dot is
** on PATH); bad directories and garbled files give file:line messages
** and exit 2; real sweeps in both modes (a capacity point carries the
** run at capacity with placement.csv) are explained.
*/
#include "tests/explain_fixture.h"
#include "sim/explain/explain.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The plateau of a capacity curve with replications is the paired test's,
** with its range; intervals are read; a failed point is a gap. */
static void test_capacity_plateau(void)
{
	char *dir = capacity_sweep();
	struct explain x;
	char err[4400];
	int rc = explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err);
	if (rc)
		fprintf(stderr, "\n  %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_TRUE(x.capacity);
	CU_ASSERT_EQUAL_FATAL(x.ncurve, 1);
	const struct xcurve *c = &x.curve[0];
	CU_ASSERT_EQUAL(c->npt, 7);
	CU_ASSERT_TRUE(c->tested);
	CU_ASSERT_EQUAL(c->plateau, 3);                 /* 4 VMs */
	CU_ASSERT_EQUAL(c->plat_lo, 3);                 /* 3 VMs are clearly lower */
	CU_ASSERT_EQUAL(c->plat_hi, 6);                 /* 5 and 7 VMs are level with it */
	CU_ASSERT_EQUAL(c->pt[0].nrep, 3);
	CU_ASSERT_EQUAL(c->pt[1].nrep, 5);
	/* 5 VMs lose 62 sessions per VM, far beyond the replications' 1%: split */
	CU_ASSERT(c->pt[4].lost > 60 && !c->pt[4].noise);
	NEAR(c->pt[3].ci_lo, 1200 * 0.98);
	NEAR(c->pt[3].ci_hi, 1200 * 1.02);
	char *txt = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&txt, &len);
	explain_report(&x, f);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(txt, "plateau: 4 VMs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(txt, "indistinguishable from it (two-sided paired t, 5%): 4-7 VMs"));
	/* the one-sided tests share 5% among 5 and 7 VMs: 6 failed, no test */
	CU_ASSERT_PTR_NOT_NULL(strstr(txt, "(one-sided paired t, 5% shared by 2 later counts)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(txt, "1200 +-2.0%"));
	/* The closest call: 5 and 7 VMs over 4 by replication are 14.02,
	** -45.94, 13.72 (mean -6.067) and 16.94, -43.08, 17.09 (mean -3.017,
	** sd 34.70, t -0.151); the one-sided threshold at 2.5% with 2 degrees
	** of freedom is 4.303; 7 VMs come closer, and no count of pairs
	** would make a mean below 0 a growth. */
	CU_ASSERT_TRUE_FATAL(c->has_call);
	CU_ASSERT(c->call.i == 3 && c->call.j == 6 && c->call.pairs == 3 && c->call.need == 0);
	CU_ASSERT(fabs(c->call.mean + 3.017) < 1e-3 && fabs(c->call.t + 0.1506) < 1e-3 &&
		  fabs(c->call.crit - 4.3027) < 1e-3);
	CU_ASSERT_PTR_NOT_NULL(strstr(txt, "closest call: 7 VMs, 3.017 sessions below it on average (t -0.15 against "
					   "4.30, 3 pairs); no later count is above it on average"));
	CU_ASSERT_PTR_NOT_NULL(strstr(txt, "resampled (2000 draws of new replications, normal with the measured means "
					   "and covariance): plateau 4 VMs in "));
	CU_ASSERT_PTR_NOT_NULL(strstr(txt, " (with 10, 20, 40 replications a point: "));
	free(txt);
	/* plateaus.csv: the same plateau, its range and interval, the call */
	char *pc = explain_plateau_csv(&x);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pc);
	static const char head[] = "curve,test,plateau_vms,low_vms,high_vms,value,ci_low,ci_high,last_vms,call_vms,"
				   "call_other_vms,call_mean,call_t,call_crit,call_pairs,call_need,resampled_same,"
				   "resampled_agree3,agree3_at10,agree3_at20,agree3_at40,label\n"
				   "1,paired,4,4,7,1200,1176,1224,7,4,7,-3.01667,-0.1506,4.3027,3,0,";
	CU_ASSERT_EQUAL_FATAL(strncmp(pc, head, strlen(head)), 0);
	/* Resampled: 3 VMs are far below 4 and 5, 7 VMs below it on average,
	** so new replications like these keep the plateau at 4 VMs nearly
	** always (a later count grows significantly in at most the tests' 5%
	** and rarely so: their means are below 0); three repetitions agree
	** with chance at least same^3. */
	double same = 0, agree = 0, at[3] = { 0, 0, 0 };
	char label[32] = "";
	CU_ASSERT_EQUAL(sscanf(pc + strlen(head), "%lf,%lf,%lf,%lf,%lf,%31[^\n]", &same, &agree, &at[0], &at[1], &at[2],
			       label), 6);
	/* more replications only sharpen a verdict this clear */
	CU_ASSERT(at[0] >= 0.9 && at[1] >= 0.9 && at[2] >= 0.9 && at[2] <= 1);
	CU_ASSERT(same >= 0.95 && same <= 1);
	CU_ASSERT(agree >= same * same * same - 1e-4 && agree <= 1);
	CU_ASSERT_STRING_EQUAL(label, "all points");
	CU_ASSERT_DOUBLE_EQUAL(c->share[1 + 3], same, 1e-4);
	double sum = 0;
	for (int i = 0; i <= c->npt; i++)
		sum += c->share[i];
	CU_ASSERT_DOUBLE_EQUAL(sum, 1, 1e-9);
	CU_ASSERT_EQUAL(c->share[1 + 5], 0);   /* 6 VMs failed: never the plateau */
	free(pc);
	explain_free(&x);
	/* 3 VMs with one replication: still tested, but that point has no
	** spread to draw from, so no resampled verdict (it would be certain) */
	double one = 900;
	put_reps(dir, 3, 3, &one, 1);
	CU_ASSERT_EQUAL_FATAL(explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err), 0);
	CU_ASSERT_TRUE(x.curve[0].tested);
	CU_ASSERT_PTR_NULL(x.curve[0].share);
	f = open_memstream(&txt, &len);
	explain_report(&x, f);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(txt, "closest call: "));
	CU_ASSERT_PTR_NULL(strstr(txt, "resampled"));
	free(txt);
	pc = explain_plateau_csv(&x);
	CU_ASSERT(pc && strstr(pc, ",0,,,,,,all points\n"));
	free(pc);
	explain_free(&x);
	cut_rmrf(dir);
	free(dir);
}

static void test_synthetic(void)
{
	char *dir = synthetic();
	struct explain x;
	char err[4400];
	int rc = explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err);
	if (rc)
		fprintf(stderr, "\n  %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL_FATAL(x.ncurve, 2);
	CU_ASSERT_FALSE(x.capacity);
	CU_ASSERT_STRING_EQUAL(x.key, "vm[web].count");
	const struct xcurve *a = &x.curve[0], *b = &x.curve[1];
	CU_ASSERT_STRING_EQUAL(a->label, "hypervisor.policy.name=a");
	CU_ASSERT_STRING_EQUAL(b->label, "hypervisor.policy.name=b");
	CU_ASSERT_EQUAL_FATAL(a->npt, 5);
	/* growth 100%, 50%, 3.3% per added VM: the plateau is at 3 VMs */
	CU_ASSERT_EQUAL(a->plateau, 2);
	NEAR(a->pt[2].growth, 1.0 / 30);
	NEAR(a->pt[0].growth, 1.0);
	CU_ASSERT(isnan(a->pt[4].growth));
	CU_ASSERT_EQUAL(a->pt[2].point, 3);
	/* best per VM: the first of the equal 10s */
	CU_ASSERT_EQUAL(a->best, 0);
	/* 4 VMs: 2.25 lost; ready grew 0.6, overhead 0.2 -> 75% / 25% */
	NEAR(a->pt[3].lost, 2.25);
	NEAR(a->pt[3].attr[XC_READY], 2.25 * 0.75);
	NEAR(a->pt[3].attr[XC_SWITCH], 2.25 * 0.25);
	NEAR(a->pt[3].attr[XC_SPIN] + a->pt[3].attr[XC_REMOTE] + a->pt[3].attr[XC_EMU] + a->pt[3].attr[XC_NIC], 0);
	/* 5 VMs: 3.7 lost; 1.0 and 0.4 */
	NEAR(a->pt[4].lost, 3.7);
	NEAR(a->pt[4].attr[XC_READY], 3.7 / 1.4);
	NEAR(a->total[XC_READY], 2.25 * 0.75 + 3.7 / 1.4);
	NEAR(a->total[XC_SWITCH], 2.25 * 0.25 + 3.7 * 0.4 / 1.4);
	NEAR(a->total[XC_N], 0);
	/* causes per VM and second: 2 VCPUs x 50 s x ready / 100 s */
	NEAR(a->pt[4].cause[XC_READY], 1.0);
	NEAR(a->pt[4].cause[XC_NIC], 0.2 / 5);
	NEAR(a->pt[4].cause[XC_REMOTE], 0.02);
	NEAR(a->pt[4].cause[XC_EMU], 0.01);
	/* the saturated resource: the pCPUs at 98% */
	CU_ASSERT_STRING_EQUAL(a->pt[2].res[0].name, "pCPUs");
	NEAR(a->pt[2].res[0].util, 0.98);
	CU_ASSERT_STRING_EQUAL(a->pt[0].res[0].name, "NIC eth0");
	/* curve b grows 10 a VM: no plateau, no loss */
	CU_ASSERT_EQUAL(b->plateau, -1);
	NEAR(b->pt[3].growth, 0.25);
	for (int k = 0; k <= XC_N; k++)
		NEAR(b->total[k], 0);
	/* a lower threshold moves a's plateau nowhere (3.3% < 3%? no) */
	explain_free(&x);
	CU_ASSERT_EQUAL_FATAL(explain_load(&x, dir, 0.03, err, sizeof err), 0);
	CU_ASSERT_EQUAL(x.curve[0].plateau, 3);   /* 3 -> 4: +3.3%; 4 -> 5: +1.6% */

	/* the report and the files */
	char *txt = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&txt, &len);
	explain_report(&x, f);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(txt, "plateau: 4 VMs (8 VCPUs on 8 pCPUs, 1.00 VCPUs per pCPU)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(txt, "1. ready-wait (VCPU overcommit)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(txt, "4 VMs: lost 2.25 pages/s per VM: ready-wait (VCPU overcommit) 75.0% (+0.6 s/s), "
					    "world switch and cache refill 25.0% (+0.2 s/s)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(txt, "plateau: none"));
	free(txt);
	int nsvg;
	CU_ASSERT_EQUAL(explain_write(&x, 1, 0, &nsvg, err, sizeof err), 0);
	char p[4400];
	snprintf(p, sizeof p, "%s/explain/explain.txt", dir);
	char *got = cut_slurp(p, NULL);
	CU_ASSERT(got && strstr(got, "curve 2: hypervisor.policy.name=b"));
	free(got);
	/* plateaus.csv: curve 1 by the growth threshold at 4 VMs, curve 2 none up to 5 */
	snprintf(p, sizeof p, "%s/explain/plateaus.csv", dir);
	got = cut_slurp(p, NULL);
	CU_ASSERT(got && strstr(got, "\n1,growth,4,4,4,31,,,5,,,,,,,,,,,,,hypervisor.policy.name=a\n"));
	CU_ASSERT(got && strstr(got, "\n2,growth,,,,,,,5,,,,,,,,,,,,,hypervisor.policy.name=b\n"));
	free(got);
	snprintf(p, sizeof p, "%s/explain/curve1-bottleneck.dot", dir);
	got = cut_slurp(p, NULL);
	/* the pCPUs are 98% busy: their class marked saturated, in the title too */
	CU_ASSERT(got && strstr(got, "saturated (95% busy or more): pCPUs of node") && strstr(got, ": SATURATED") &&
		  strstr(got, "penwidth=3, color=red"));
	/* every number inside a node: no edge labels */
	CU_ASSERT(got && !strstr(got, "-> cpus_n0 [label"));
	free(got);
	snprintf(p, sizeof p, "%s/explain/curve2-placement.dot", dir);
	got = cut_slurp(p, NULL);
	/* a grid: a row per pCPU (per node without placement.csv), a column per VM */
	CU_ASSERT(got && strstr(got, "<table") && strstr(got, "<td><b>web1</b></td>"));
	/* no placement.csv and some migrated: by node; web1 ran 10% of node 0's pCPU time */
	CU_ASSERT(got && strstr(got, "<tr><td>0</td><td>all</td><td bgcolor=\"#ebebff\">10%</td>"));
	CU_ASSERT(got && strstr(got, "<td colspan=\"2\"><b>memory</b></td><td>node 1</td><td>node 0</td>"));
	free(got);
	if (nsvg) {
		CU_ASSERT_EQUAL(nsvg, 4);
		snprintf(p, sizeof p, "%s/explain/curve2-bottleneck.svg", dir);
		got = cut_slurp(p, NULL);
		CU_ASSERT(got && strstr(got, "<svg"));
		free(got);
	}
	explain_free(&x);
	/* Names from hand-edited results holding <, &, " (hvsim's own never
	** do) went into the diagrams as they were: the placement grid's
	** HTML-like label and the bottleneck's quoted ones broke, and dot
	** failed (exit 1, nothing written).  Now escaped for each. */
	char cmd[4600];
	snprintf(cmd, sizeof cmd, "cd %s/points && sed -i 's/web1/w<e\"b\\&1/g' */vms.csv */entities.csv", dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT_EQUAL_FATAL(explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err), 0);
	int wrc = explain_write(&x, 1, 1, &nsvg, err, sizeof err);
	if (wrc)
		fprintf(stderr, "\n  %s\n", err);
	CU_ASSERT_EQUAL(wrc, 0);
	snprintf(p, sizeof p, "%s/explain/curve2-placement.dot", dir);
	got = cut_slurp(p, NULL);
	CU_ASSERT(got && strstr(got, "<td><b>w&lt;e&quot;b&amp;1</b></td>"));
	free(got);
	snprintf(p, sizeof p, "%s/explain/curve1-bottleneck.dot", dir);
	got = cut_slurp(p, NULL);
	CU_ASSERT(got && !strstr(got, "w<e\"b"));
	free(got);
	if (nsvg)
		CU_ASSERT_EQUAL(nsvg, 4);
	explain_free(&x);
	cut_rmrf(dir);
	free(dir);
}

/* dir/name with bytes (n of them, NULs too) put before its line `line`
** (1: in front; past its end: at its end). */
static void insert_bytes(const char *dir, const char *name, int line, const char *bytes, size_t n)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	size_t len = 0;
	char *old = cut_slurp(p, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(old);
	size_t at = 0;
	for (int l = 1; l < line && at < len; at++)
		l += old[at] == '\n';
	FILE *f = fopen(p, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fwrite(old, 1, at, f);
	fwrite(bytes, 1, n, f);
	fwrite(old + at, 1, len - at, f);
	fclose(f);
	free(old);
}

/* A message for DIR after one file is changed: its text put (NULL and
** no bytes: the file removed), then nbytes bytes inserted at line. */
static void expect_changed(const char *name, const char *text, int line, const char *bytes, size_t nbytes,
			   const char *want_fmt)
{
	char *dir = synthetic();
	if (text)
		put(dir, name, "%s", text);
	if (nbytes)
		insert_bytes(dir, name, line, bytes, nbytes);
	else if (!text) {
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", dir, name);
		remove(p);
	}
	struct explain x;
	char err[4400], want[4400];
	snprintf(want, sizeof want, want_fmt, dir);
	CU_ASSERT_EQUAL(explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err), -1);
	if (strcmp(err, want) != 0) {
		fprintf(stderr, "\n  got  %s\n  want %s\n", err, want);
		CU_FAIL("message");
	}
	cut_rmrf(dir);
	free(dir);
}

static void expect_bad(const char *name, const char *text, const char *want_fmt)
{
	expect_changed(name, text, 0, NULL, 0, want_fmt);
}

static void test_bad(void)
{
	expect_bad("sweep.settings", NULL,
		   "%1$s: expected the output directory of hvsim sweep (sweep.settings and sweep.csv), got no "
		   "%1$s/sweep.settings");
	expect_bad("sweep.settings", "hvsim sweep\nmode run\nvary hypervisor.policy.name: a b\n",
		   "%s/sweep.settings:3: expected a vary of a VM count (vm[NAME].count), got hypervisor.policy.name");
	/* the name is put in the gnuplot scripts, which gnuplot runs: a
	** hand-edited one ran a shell command (system) */
	expect_bad("sweep.settings",
		   "hvsim sweep\nscenario x\" ; system \"touch pwned\" ; print \"\nseed 1\nmode run\n"
		   "vary hypervisor.policy.name: a b\nvary vm[web].count: 1 2 3 4 5\n",
		   "%s/sweep.settings:2: expected a scenario name (a letter or _, then letters, digits, _, . or -), "
		   "got 'x\" ; system \"touch pwned\" ; print \"'");
	expect_bad("points/004/vms.csv",
		   "vm,kind,vcpus,mem_node,run_s,ready_s,blocked_s,overhead_s,spin_s,steal_pct,dispatches,"
		   "migrations,remote_share,jobs_done,lock_acquired,lock_contended,remote_stall_s,nic\n"
		   "web1,guest,2,0,50,0,100,10,1,0,10,0,0.5,100,10,1,2,0\n"
		   "web2,guest,2,0,50,abc,100,10,1,0,10,0,0.5,100,10,1,2,0\n",
		   "%s/points/004/vms.csv:3: expected a number in column 'ready_s', got 'abc'");
	expect_bad("points/002/devices.csv", "device,kind,utilisation,requests_per_s,mbytes_per_s\neth0,nic,0.2,100\n",
		   "%s/points/002/devices.csv:2: expected 5 fields as in the header, got 4");
	expect_bad("points/001/vms.csv", "vm,kind,run_s\nweb1,guest,1\n",
		   "%s/points/001/vms.csv:1: expected a column 'ready_s' in the header (a sweep of an older hvsim? "
		   "run it again)");
	expect_bad("points/003/pcpus.csv", NULL,
		   "%s/points/003/pcpus.csv: expected a file of an hvsim sweep directory: No such file or directory");
	expect_bad("points/001/summary.json", "{\"nodes\": 2, \"measured_s\": 100}\n",
		   "%s/points/001/summary.json:1: expected a key \"pcpus_total\" in the top-level object");
	/* a key of that name nested deeper is not the top-level member */
	expect_bad("points/001/summary.json",
		   "{\"nodes\": 2,\n \"vms\": [{\"pcpus_total\": 8}],\n \"measured_s\": 100}\n",
		   "%s/points/001/summary.json:1: expected a key \"pcpus_total\" in the top-level object");
	/* the whole file is JSON: a broken line is named */
	expect_bad("points/001/summary.json",
		   "{\"pcpus_total\": 8,\n \"nodes\": 2,\n \"measured_s\": 100,\n \"x\": [1, 2,]\n}\n",
		   "%s/points/001/summary.json:4: expected a value (object, array, string, number, true, false or "
		   "null), got ']'");
	expect_bad("points/001/summary.json", "{\"pcpus_total\": \"8\", \"nodes\": 2, \"measured_s\": 100}\n",
		   "%s/points/001/summary.json:1: expected a number for \"pcpus_total\"");
	/* a measured interval below the simulator's 1 ns made every cause
	** inf and the report nan; counts no int holds were cast */
	expect_bad("points/001/summary.json", "{\"pcpus_total\": 8, \"nodes\": 2, \"measured_s\": 1e-320}\n",
		   "%s/points/001/summary.json:1: expected pcpus_total from 1 to 256, nodes from 1 to pcpus_total and "
		   "measured_s of at least 1e-9 (1 ns)");
	expect_bad("points/001/summary.json", "{\"pcpus_total\": 8, \"nodes\": 3e9, \"measured_s\": 100}\n",
		   "%s/points/001/summary.json:1: expected pcpus_total from 1 to 256, nodes from 1 to pcpus_total and "
		   "measured_s of at least 1e-9 (1 ns)");
	expect_bad("sweep.csv",
		   "hypervisor.policy.name,vm[web].count,vms,vcpus_per_vm,pages_per_s\na,7,7,2,70\n",
		   "%s/sweep.csv:2: expected a value of vm[web].count listed in sweep.settings, got '7'");
	expect_bad("sweep.csv", "hypervisor.policy.name,vm[web].count,vms,vcpus_per_vm,pages_per_s\na,1,1,2,\"x\n",
		   "%s/sweep.csv:2: expected a closing quote");
	/* a NUL byte is refused with its line, not taken for the end of the
	** text (every row after it would be lost); in sweep.settings too,
	** and an empty one is named at line 1 */
	expect_changed("sweep.csv", NULL, 3, "\0\n", 2, "%s/sweep.csv:3: expected text, got a NUL byte");
	expect_changed("sweep.csv", NULL, 4, "a,\0", 3, "%s/sweep.csv:4: expected text, got a NUL byte");
	/* a crash's zero-filled end too: explain reads finished sweeps only */
	expect_changed("points/003/vms.csv", NULL, 99, "\0\0\0", 3,
		       "%s/points/003/vms.csv:5: expected text, got a NUL byte");
	expect_changed("sweep.settings", "", 1, "\0", 1, "%s/sweep.settings:1: expected text, got a NUL byte");
	expect_bad("sweep.settings", "", "%s/sweep.settings:1: expected 'hvsim sweep', got an empty file");
	/* a row twice (a bad merge) was a point twice on its curve, its
	** loss counted twice */
	static const char again[] = "a,1,kvm-75,o1,1,2,100,1000,100,100,1,10,0.5,0,0,1000,0.1\n";
	expect_changed("sweep.csv", NULL, 99, again, sizeof again - 1,
		       "%s/sweep.csv:12: expected each point once, got point 1 again");
	/* a FIFO in place of a point's file is refused, never opened */
	char *dir = synthetic(), p[4096];
	snprintf(p, sizeof p, "%s/points/002/vms.csv", dir);
	remove(p);
	CU_ASSERT_EQUAL_FATAL(mkfifo(p, 0600), 0);
	struct explain x;
	char err[4400];
	CU_ASSERT_EQUAL(explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "points/002/vms.csv: expected a regular file, got a FIFO"));
	/* a device, which would never end: named as what it is */
	remove(p);
	CU_ASSERT_EQUAL_FATAL(symlink("/dev/zero", p), 0);
	err[0] = 0;
	CU_ASSERT_EQUAL(explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "points/002/vms.csv: expected a regular file, got a character device"));
	cut_rmrf(dir);
	free(dir);
}

/* A sweep.settings of 12 more vary lines of 10 values each (10^13
** points, sweep.csv's rows with their values): a row's point number
** overflowed an int (UBSan); no sweep has more than 10000 points. */
static void test_too_many_points(void)
{
	char *dir = synthetic(), p[4200], err[4400], want[4400];
	char set[2048] = "hvsim sweep\nscenario synthetic\nseed 1\nmode run\n";
	for (int k = 0; k < 12; k++) {
		size_t l = strlen(set);
		snprintf(set + l, sizeof set - l, "vary k%d: a b c d e f g h i j\n", k);
	}
	strcat(set, "vary hypervisor.policy.name: a b\nvary vm[web].count: 1 2 3 4 5\n");
	put(dir, "sweep.settings", "%s", set);
	snprintf(p, sizeof p, "%s/sweep.csv", dir);
	char *csv = cut_slurp(p, NULL), *more = calloc(1, 2 * strlen(csv) + 4096);
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(more);
	for (char *l = csv; *l;) {
		char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) + 1 : strlen(l);
		for (int k = 0; k < 12; k++) {
			size_t m = strlen(more);
			if (l == csv)
				snprintf(more + m, 16, "k%d,", k);
			else
				strcat(more, "j,");
		}
		strncat(more, l, n);
		l += n;
	}
	put(dir, "sweep.csv", "%s", more);
	free(csv);
	free(more);
	struct explain x;
	CU_ASSERT_EQUAL(explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err), -1);
	snprintf(want, sizeof want,
		 "%s/sweep.settings:9: expected at most 10000 points in all (the product of the vary lines' counts of "
		 "values)", dir);
	CU_ASSERT_STRING_EQUAL(err, want);
	cut_rmrf(dir);
	free(dir);
}

/* The command line: exit 2 and the message; a real run sweep and a
** capacity sweep (with its runs at capacity) explained. */
static void test_cli(void)
{
	char cmd[8192];
	char *out = NULL;
	char *tmp = cut_tmpdir();
	snprintf(cmd, sizeof cmd, "%s explain %s 2>&1", cut_hvsim(), tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT(out && strstr(out, "expected the output directory of hvsim sweep"));
	free(out);

	/* mode run: 1 and 2 VMs of the toy sweep */
	snprintf(cmd, sizeof cmd,
		 "%s sweep tests/data/sweep/toy.xml -o %s/run -j 1 --set 'sweep.vary[1].key=vm[web].count' "
		 "--set run.duration=20s --set run.warmup=2s > /dev/null 2>&1 && %s explain %s/run --no-render",
		 cut_hvsim(), tmp, cut_hvsim(), tmp);
	int rc = cut_run(cmd, &out);
	CU_ASSERT_EQUAL(rc, 0);
	int ok = out && strstr(out, "curve 3: vm[web].workload[users].closed.users=8") && strstr(out, "(explain.txt, 6 .dot, 0 .svg)");
	CU_ASSERT(ok);
	if (rc || !ok)
		fprintf(stderr, "\n%s\n", out ? out : "");
	free(out);

	/* mode capacity: the point directories hold the run at capacity */
	snprintf(cmd, sizeof cmd,
		 "%s sweep tests/data/sweep/capacity.xml -o %s/cap -j 2 --set 'sweep.vary[0].key=vm[web].count' "
		 "--set 'sweep.vary[0].values=1 2' --set capacity.replications=1 --set run.duration=200s "
		 "--set run.warmup=20s > /dev/null 2>&1 && %s explain %s/cap",
		 cut_hvsim(), tmp, cut_hvsim(), tmp);
	rc = cut_run(cmd, &out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT(out && strstr(out, "mode capacity") && strstr(out, "sessions"));
	if (rc)
		fprintf(stderr, "\n%s\n", out ? out : "");
	free(out);
	char p[4400];
	snprintf(p, sizeof p, "%s/cap/points/001/placement.csv", tmp);
	char *pl = cut_slurp(p, NULL);
	/* one VCPU on one pCPU: all of its time there */
	CU_ASSERT(pl && strncmp(pl, "entity,kind,vm,vcpu,mem_node,cpu,node,run_s,share\nweb#0,vcpu,web,0,0,0,0,", 70) == 0 &&
		  strstr(pl, ",1\n"));
	free(pl);
	snprintf(p, sizeof p, "%s/cap/points/002/summary.json", tmp);
	char *sum = cut_slurp(p, NULL);
	CU_ASSERT(sum && strstr(sum, "\"pcpus_total\": 1"));
	free(sum);
	snprintf(p, sizeof p, "%s/cap/explain/curve1-placement.dot", tmp);
	CU_ASSERT(access(p, F_OK) == 0);
	cut_rmrf(tmp);
	free(tmp);
}

/* DIR/explain/ holds the report and the diagrams, committed by one
** rename: a second explain is refused (-2; exit 2 from the command line)
** unless forced, which replaces it whole; a dead process's staging is
** removed; when a diagram fails to render nothing is written. */
static void test_exclusive(void)
{
	char *dir = synthetic(), err[4400] = "", cmd[8192], *out;
	struct explain x;
	int nsvg;
	CU_ASSERT_EQUAL_FATAL(explain_load(&x, dir, EXPLAIN_THRESHOLD, err, sizeof err), 0);
	long dead = cut_dead_pid();
	char stale[64];
	snprintf(stale, sizeof stale, "explain.tmp-%ld", dead);
	cut_stale(dir, stale);
	CU_ASSERT_EQUAL(explain_write(&x, 0, 0, &nsvg, err, sizeof err), 0);
	CU_ASSERT_FALSE(cut_exists(dir, stale));
	CU_ASSERT(cut_exists(dir, "explain/explain.txt") && cut_exists(dir, "explain/curve2-placement.dot"));
	CU_ASSERT_FALSE(cut_exists(dir, "explain.txt"));
	CU_ASSERT_EQUAL(explain_write(&x, 0, 0, &nsvg, err, sizeof err), -2);
	/* explain has no -o: the message offers only --force.  Only the text
	** after the directory is searched: the directory is mkdtemp's
	** /tmp/hvsim-test-XXXXXX, which reads "-o..." when its first random
	** letter is an o (1 run in 62; seen once on CI). */
	const char *msg = strstr(err, "/explain: exists; add --force to replace it");
	CU_ASSERT_PTR_NOT_NULL(msg);
	CU_ASSERT(msg && !strstr(msg, "-o"));
	snprintf(cmd, sizeof cmd, "%s explain %s --no-render", cut_hvsim(), dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "add --force to replace it"));
	free(out);
	cut_stale(dir, "explain/mine");
	snprintf(cmd, sizeof cmd, "%s explain %s --no-render --force", cut_hvsim(), dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	CU_ASSERT_FALSE(cut_exists(dir, "explain/mine"));
	CU_ASSERT_TRUE(cut_exists(dir, "explain/explain.txt"));
	/* a dot that fails: nothing written, nothing staged left */
	char bin[4200];
	snprintf(bin, sizeof bin, "%s/bin", dir);
	mkdir(bin, 0777);
	put(bin, "dot", "#!/bin/sh\nexit 1\n");
	snprintf(cmd, sizeof cmd, "%s/dot", bin);
	chmod(cmd, 0755);
	snprintf(cmd, sizeof cmd, "rm -rf %s/explain && PATH=%s %s explain %s", dir, bin, cut_hvsim(), dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "dot -Tsvg failed"));
	free(out);
	snprintf(cmd, sizeof cmd, "ls %s | grep -c explain", dir);
	cut_run(cmd, &out);
	CU_ASSERT_STRING_EQUAL(out, "0\n");
	free(out);
	explain_free(&x);
	cut_rmrf(dir);
	free(dir);
}

/* The tail plots are drawn by gnuplot in the staging directory, named
** inside '...': a quote in the sweep's path (it's/) broke the script
** ("Can't change to this directory", exit 1, nothing written). */
static void test_gnuplot_quote(void)
{
	char *base = cut_tmpdir(), *dir = capacity_sweep(), q[4200], cmd[9000], *out = NULL;
	static const char tail[] =
		"vm,workload,pages,class,share_pct,response_s,line_s,nic_s,disk_s,backend_s,device_model_s,"
		"guest_queue_s,guest_queue_held_s,vcpu_ready_s,lock_spin_s,vcpu_run_s\n"
		"web,ecommerce,1000,all,100,2,1,0,0,0,0,1,0,0,0,0\n"
		"web,ecommerce,50,over_time_good,5,3,1,0,0,0,0,2,0,0,0,0\n"
		"web,ecommerce,0,over_time_tolerable,0,0,0,0,0,0,0,0,0,0,0,0\n";
	char pd[4400];
	snprintf(pd, sizeof pd, "%s/points/001", dir);
	put(pd, "tail_fail.csv", "%s", tail);
	snprintf(q, sizeof q, "%s/it's", base);
	CU_ASSERT_EQUAL_FATAL(rename(dir, q), 0);
	snprintf(cmd, sizeof cmd, "command -v gnuplot > /dev/null");
	int have_gp = system(cmd) == 0;
	snprintf(cmd, sizeof cmd, "%s explain \"%s\" 2>&1", cut_hvsim(), q);
	int rc = cut_run(cmd, &out);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "\n%s\n", out ? out : "");
	free(out);
	CU_ASSERT(cut_exists(q, "explain/curve1-tail.gp"));
	if (have_gp)
		CU_ASSERT(cut_exists(q, "explain/curve1-tail.svg"));
	cut_rmrf(base);
	free(base);
	free(dir);
}

void tests_register(void)
{
	static const struct cut_test tests[] = {
		{ "synthetic sweep: plateau, best, loss split, saturation", test_synthetic },
		{ "capacity sweep with replications: paired plateau test, intervals, gaps", test_capacity_plateau },
		{ "bad directories and files: file:line messages", test_bad },
		{ "a sweep.settings of more points than a sweep has", test_too_many_points },
		{ "command line on run and capacity sweeps", test_cli },
		{ "DIR/explain/: new, or --force; one rename", test_exclusive },
		{ "a quote in the sweep's path: the plots drawn", test_gnuplot_quote },
		{ NULL, NULL },
	};
	cut_suite("explain", tests);
}

