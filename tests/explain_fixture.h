/*
** Synthetic sweep directories for tests/test_explain.c and
** tests/test_grade.c: a run sweep of two curves with known loss and
** causes (synthetic), and a capacity sweep with replications (capacity_sweep).
*/
#ifndef HVSIM_TESTS_EXPLAIN_FIXTURE_H
#define HVSIM_TESTS_EXPLAIN_FIXTURE_H

#include "tests/cutest.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static inline void put(const char *dir, const char *name, const char *fmt, ...)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

/* Curve "a": cumulative 10 20 30 31 31.5 pages/s at 1..5 VMs (2 VCPUs,
** 8 pCPUs on 2 nodes, 100 s measured); per VM 10 10 10 7.75 6.3.  Per VM
** and second: ready 0 0 0 0.6 1.0, overhead 0.1 0.1 0.1 0.3 0.5, the
** rest constant.  Curve "b": 10 n pages/s, nothing grows. */
static const double A_CUM[5] = { 10, 20, 30, 31, 31.5 };
static const double A_READY[5] = { 0, 0, 0, 0.6, 1.0 };
static const double A_OVH[5] = { 0.1, 0.1, 0.1, 0.3, 0.5 };

static inline void point(const char *dir, int p, int n, double ready, double ovh, double util)
{
	char pd[4096];
	snprintf(pd, sizeof pd, "%s/points/%03d", dir, p);
	CU_ASSERT_EQUAL_FATAL(mkdir(pd, 0777), 0);
	put(pd, "summary.json",
	    "{\n  \"scenario\": \"synthetic\",\n  \"hypervisor\": \"kvm-75\",\n  \"policy\": \"o1\",\n"
	    "  \"pcpus_total\": 8,\n  \"nodes\": 2,\n  \"measured_s\": 100\n}\n");
	char vms[8192] = "vm,kind,vcpus,mem_node,run_s,ready_s,blocked_s,overhead_s,spin_s,steal_pct,dispatches,"
			 "migrations,remote_share,jobs_done,lock_acquired,lock_contended,remote_stall_s,nic\n";
	char ent[16384] = "entity,kind,vm,vcpu,run_s,ready_s,blocked_s,overhead_s,spin_s,dispatches,preemptions,"
			  "migrations,wakeups,remote_share,last_cpu,remote_stall_s\n";
	for (int v = 1; v <= n; v++) {
		size_t l = strlen(vms);
		snprintf(vms + l, sizeof vms - l, "web%d,guest,2,%d,50,%g,100,%g,1,0,10,0,0.5,100,10,1,2,%d\n", v, v % 2,
			 100 * ready, 100 * ovh, v % 2);
		for (int k = 0; k < 2; k++) {
			l = strlen(ent);
			snprintf(ent + l, sizeof ent - l, "web%d#%d,vcpu,web%d,%d,25,%g,50,%g,0.5,10,0,%d,0,0.5,%d,1\n", v, k, v,
				 k, 50 * ready, 50 * ovh, k, (v + k) % 8);
		}
		l = strlen(ent);
		snprintf(ent + l, sizeof ent - l, "web%d/qemu-io#0,qemu-io,web%d,0,1,0,99,0,0,10,0,0,10,0,%d,0\n", v, v,
			 v % 8);
	}
	put(pd, "vms.csv", "%s", vms);
	put(pd, "entities.csv", "%s", ent);
	put(pd, "devices.csv",
	    "device,kind,utilisation,requests_per_s,mbytes_per_s,seeks_per_s,mean_queue\n"
	    "eth0,nic,0.2,100,1,0,0.1\neth1,nic,0.1,100,1,0,0.1\nsda,disk,0,0,0,0,0\n");
	char pc[1024] = "cpu,node,util,busy_s,overhead_s,switches\n";
	for (int c = 0; c < 8; c++) {
		size_t l = strlen(pc);
		snprintf(pc + l, sizeof pc - l, "%d,%d,%g,%g,1,10\n", c, c / 4, util, 100 * util);
	}
	put(pd, "pcpus.csv", "%s", pc);
}

/* A sweep directory over policy.name (a b) x vm[web].count (1..5). */
static inline char *synthetic(void)
{
	char *dir = cut_tmpdir();
	put(dir, "sweep.settings",
	    "hvsim sweep\nscenario synthetic\nseed 1\nmode run\nvary hypervisor.policy.name: a b\n"
	    "vary vm[web].count: 1 2 3 4 5\n");
	char csv[4096] = "hypervisor.policy.name,vm[web].count,hypervisor,policy,vms,vcpus_per_vm,users,pages,"
			 "good_pct,tolerable_pct,qos_pass,pages_per_s,cpu_util,steal_pct,spin_pct,events,wall_s\n";
	char pd[4096];
	snprintf(pd, sizeof pd, "%s/points", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(pd, 0777), 0);
	for (int c = 0; c < 2; c++)
		for (int i = 0; i < 5; i++) {
			int n = i + 1;
			double cum = c == 0 ? A_CUM[i] : 10.0 * n;
			size_t l = strlen(csv);
			snprintf(csv + l, sizeof csv - l, "%s,%d,kvm-75,o1,%d,2,%d,1000,100,100,1,%g,0.5,0,0,1000,0.1\n",
				 c ? "b" : "a", n, n, 100 * n, cum);
			point(dir, 5 * c + n, n, c == 0 ? A_READY[i] : 0, c == 0 ? A_OVH[i] : 0.1,
			      c == 0 && n >= 3 ? 0.98 : 0.1 * n);
		}
	put(dir, "sweep.csv", "%s", csv);
	return dir;
}

#define NEAR(a, b) CU_ASSERT(fabs((a) - (b)) < 1e-9)

/* Point p's capacity_replications.csv (n VMs): the cumulative sessions
** of its nrep replications. */
static inline void put_reps(const char *dir, int p, int n, const double *cum, int nrep)
{
	char reps[1024] = "replication,seed,sessions_per_vm,cumulative_sessions,largest_pass,bound_hit,probes,"
			  "measured_s\n";
	for (int r = 0; r < nrep; r++) {
		size_t l = strlen(reps);
		snprintf(reps + l, sizeof reps - l, "%d,%d,%g,%g,%d,0,10,300\n", r + 1, r + 1, cum[r] / n, cum[r],
			 (int)(cum[r] / n));
	}
	char pd[4096];
	snprintf(pd, sizeof pd, "%s/points/%03d", dir, p);
	put(pd, "capacity_replications.csv", "%s", reps);
}

/* A capacity sweep over vm[web].count 1..7: cumulative 300 n up to 4
** VMs, then flat near 1200, 3 replications each (paired: replication r
** is a little high or low at every count, as common random numbers
** make it), and point 6 failed (capacity 0, no run). */
static inline char *capacity_sweep(void)
{
	static const double cum[7] = { 300, 600, 900, 1200, 1190, 0, 1205 };
	static const double dev[3] = { -0.012, 0.004, 0.008 };
	char *dir = cut_tmpdir();
	put(dir, "sweep.settings",
	    "hvsim sweep\nscenario synthetic\nseed 1\nmode capacity\nvary vm[web].count: 1 2 3 4 5 6 7\n");
	char csv[4096] = "vm[web].count,hypervisor,policy,vms,vcpus_per_vm,sessions_per_vm,cumulative_sessions,ci_low,"
			 "ci_high,good_pct,tolerable_pct,cpu_util,replications,bound_hit,wall_s\n";
	char pd[4096];
	snprintf(pd, sizeof pd, "%s/points", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(pd, 0777), 0);
	for (int i = 0; i < 7; i++) {
		int n = i + 1;
		double per = cum[i] / n;
		size_t l = strlen(csv);
		snprintf(csv + l, sizeof csv - l, "%d,kvm-75,o1,%d,2,%g,%g,%g,%g,98,100,0.9,3,0,1\n", n, n, per, cum[i],
			 per * 0.98, per * 1.02);
		if (cum[i] > 0) {
			point(dir, n, n, 0, 0.1, 0.5);
		} else {
			snprintf(pd, sizeof pd, "%s/points/%03d", dir, n);
			CU_ASSERT_EQUAL_FATAL(mkdir(pd, 0777), 0);
		}
		/* point 2 needed 5 replications: it pairs with each other point
		** over the 3 both have */
		double c[5];
		int nrep = i == 1 ? 5 : 3;
		for (int r = 0; r < nrep; r++)
			c[r] = cum[i] * (1 + dev[r % 3] + 0.01 * ((i * 7 + r * 3) % 5 - 2));
		put_reps(dir, n, n, c, nrep);
	}
	put(dir, "sweep.csv", "%s", csv);
	return dir;
}

#endif
