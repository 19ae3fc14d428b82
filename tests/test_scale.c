/*
** Readers stay linear: inputs built here that once took time quadratic
** in their size (found while fuzzing, docs/testing-robustness.md) must be
** read in a few seconds.  Each is large enough that the old quadratic
** behaviour took minutes; the bound (SCALE_BOUND seconds, generous for
** the sanitizer build on a loaded machine) separates the two by far.
**
**   - an activity trace of many threads under one pid (one probe run in
**     the thread map; one pass over all rows per thread at build);
**   - a perf-sched trace reusing one pid for many short-lived threads;
**   - measured points with many ids (duplicate-id look-up);
**   - an Apache log line with many candidate closing quotes;
**   - a scenario with many invalid sibling elements (libxml2 walked back
**     over the siblings at each validation error);
**   - a calibration file with many <also> (now capped, as <hypervisor> is);
**   - a sweep of many <vary> of many values (the distinct-values check).
*/
#include "tests/cutest.h"
#include "traces/activity.h"
#include "sim/engine/diag.h"
#include "traces/measured.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCALE_BOUND 30.0

static char *dir;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static FILE *create(const char *name)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	return f;
}

/* Run "hvsim ARGS" (ARGS may name files of dir as %1$s/...); its exit
** status, the seconds it took in *secs and its output (caller frees). */
static int hvsim(const char *args, double *secs, char **out)
{
	char cmd[4096], a[2048];
	snprintf(a, sizeof a, args, dir);
	snprintf(cmd, sizeof cmd, "%s %s", cut_hvsim(), a);
	double t0 = now();
	int rc = cut_run(cmd, out);
	*secs = now() - t0;
	return rc;
}

static void within(const char *what, double secs)
{
	if (secs > SCALE_BOUND)
		printf("\n    %s: %.1f s (bound %.0f s)", what, secs, SCALE_BOUND);
	CU_ASSERT(secs <= SCALE_BOUND);
}

static void test_activity_one_pid(void)
{
	FILE *f = create("act.csv");
	fputs("thread,pid,start_s,kind,duration_s,cpu\n", f);
	for (int i = 0; i < TRACE_MAX_THREADS; i++)   /* as many as a trace may hold */
		fprintf(f, "t%d,1,%d,run,0.5,0\n", i, i);
	fclose(f);
	f = create("act.xml");
	fputs("<scenario name=\"x\"><run duration=\"10s\"/>\n"
	      "<machine name=\"m\" frequency=\"2GHz\"><node id=\"0\" cores=\"1\" memory=\"1GiB\"/></machine>\n"
	      "<hypervisor name=\"h\" kind=\"native\"><policy name=\"fcfs\"/></hypervisor>\n"
	      "<workload name=\"rec\" kind=\"activity\"><trace file=\"act.csv\"/></workload></scenario>\n", f);
	fclose(f);
	double s;
	char *out = NULL;
	CU_ASSERT_EQUAL(hvsim("validate %s/act.xml", &s, &out), 0);
	within("100000 threads of one pid", s);
	free(out);
}

static void test_perf_pid_reuse(void)
{
	FILE *f = create("p.txt");
	for (int i = 0; i < 100000; i++) {
		double t = 100 + i * 0.001;
		fprintf(f, "swapper 0 [000] %.6f: sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 "
			   "prev_state=R ==> next_comm=a next_pid=5 next_prio=120\n", t);
		fprintf(f, "a 5 [000] %.6f: sched:sched_switch: prev_comm=a prev_pid=5 prev_prio=120 prev_state=X ==> "
			   "next_comm=swapper/0 next_pid=0 next_prio=120\n", t + 0.0005);
	}
	fclose(f);
	double s;
	char *out = NULL;
	CU_ASSERT_EQUAL(hvsim("import perf-sched %1$s/p.txt -o %1$s/p.csv", &s, &out), 0);
	within("100000 threads reusing pid 5", s);
	free(out);
}

static void test_measured_many_ids(void)
{
	FILE *f = create("m.csv");
	fputs(MEAS_HEADER "\n", f);
	for (int i = 0; i < 200000; i++)
		fprintf(f, "p%d,fit,bzip2,kvm-75,1,1,1GiB,seconds,value,%d,,,,,src,\n", i, i + 1);
	fputs("p7,fit,bzip2,kvm-75,1,1,1GiB,seconds,value,1,,,,,src,\n", f);
	fclose(f);
	char p[1024];
	snprintf(p, sizeof p, "%s/m.csv", dir);
	struct diag d = { 0 };
	struct meas_set m;
	double t0 = now();
	CU_ASSERT_EQUAL(meas_load(p, &d, &m), -EINVAL);
	within("200000 measured points", now() - t0);
	CU_ASSERT(d.n == 1 && strstr(d.msg[0], "m.csv:200002: id: expected an id not used before (this one is on line 9)"));
	diag_free(&d);
}

static void test_apache_quotes(void)
{
	FILE *f = create("a.log");
	fputs("h - - [10/Oct/2000:13:55:36 -0700] \"GET /", f);
	for (int i = 0; i < 200000; i++)
		fputs("\" 200 1 \"x", f);
	fputs(" HTTP/1.0\" 200 1\n", f);
	fclose(f);
	double s;
	char *out = NULL;
	CU_ASSERT_EQUAL(hvsim("import apache-log %1$s/a.log -o %1$s/a.csv", &s, &out), 0);
	within("a 2 MB log line of 200000 candidate closing quotes", s);
	free(out);
}

static void test_scenario_many_errors(void)
{
	FILE *f = create("w.xml");
	fputs("<scenario name=\"x\"><run duration=\"1s\"/>\n"
	      "<machine name=\"m\" frequency=\"2GHz\"><node id=\"0\" cores=\"1\" memory=\"1GiB\"/></machine>\n"
	      "<hypervisor name=\"h\" kind=\"native\"><policy name=\"fcfs\"/></hypervisor>\n", f);
	for (int i = 0; i < 40000; i++)
		fprintf(f, "<workload name=\"w%d\" kind=\"burst\"><open rate=\"1/s\"/>"
			   "<demand dist=\"constant\" mean=\"1ms\"/></workload>\n", i);
	fputs("</scenario>\n", f);
	fclose(f);
	double s;
	char *out = NULL;
	CU_ASSERT_EQUAL(hvsim("validate %s/w.xml", &s, &out), 2);
	within("40000 invalid sibling elements", s);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "40000 errors"));
	free(out);
}

/* 32 <vary> of 10000 values each (times: no value is a plain number):
** the distinct-values check, quadratic, took minutes before the sweep was
** refused for its 1e128 points */
static void test_sweep_many_values(void)
{
	FILE *f = create("v.xml");
	fputs("<scenario name=\"x\"><run duration=\"1s\"/><sweep>\n", f);
	for (int k = 0; k < 32; k++) {
		fprintf(f, "<vary key=\"run.k%d\" values=\"", k);
		for (int i = 0; i < 10000; i++)
			fprintf(f, "%s%ds", i ? " " : "", i);
		fputs("\"/>\n", f);
	}
	fputs("</sweep>\n<machine name=\"m\" frequency=\"2GHz\"><node id=\"0\" cores=\"1\" memory=\"1GiB\"/></machine>\n"
	      "<hypervisor name=\"h\" kind=\"native\"><policy name=\"fcfs\"/></hypervisor>\n"
	      "<workload name=\"w\" kind=\"burst\"><open rate=\"1/s\"/>"
	      "<demand dist=\"exponential\" mean=\"1ms\"/></workload>\n</scenario>\n", f);
	fclose(f);
	double s;
	char *out = NULL;
	CU_ASSERT_EQUAL(hvsim("validate %s/v.xml", &s, &out), 2);
	within("32 <vary> of 10000 values", s);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "expected at most 10000 points in all"));
	free(out);
}

static void test_calibration_caps(void)
{
	FILE *f = create("c.xml");
	fputs("<calibration name=\"x\">\n", f);
	for (int i = 0; i < 100; i++)
		fprintf(f, "<hypervisor name=\"h%d\" profile=\"c.xml\"/>\n", i);
	for (int i = 0; i < 20000; i++)
		fputs("<also benchmark=\"dd\" hypervisor=\"h1\" memory=\"1GiB\" vms=\"3\" metric=\"mbyte_s\"/>\n", f);
	fputs("</calibration>\n", f);
	fclose(f);
	double s;
	char *out = NULL;
	CU_ASSERT_EQUAL(hvsim("calibrate %1$s/c.xml -o %1$s/out", &s, &out), 2);
	within("100 <hypervisor> and 20000 <also>", s);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "c.xml:66: <hypervisor>: expected at most 64 hypervisors"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "c.xml:358: <also>: expected at most 256"));
	free(out);
}

static int setup(void)
{
	dir = cut_tmpdir();
	return dir ? 0 : -1;
}

static int teardown(void)
{
	cut_rmrf(dir);
	free(dir);
	return 0;
}

void tests_register(void)
{
	CU_pSuite s = CU_add_suite("scale", setup, teardown);
	CU_add_test(s, "activity trace: 100000 threads of one pid", test_activity_one_pid);
	CU_add_test(s, "perf-sched: one pid reused by 100000 threads", test_perf_pid_reuse);
	CU_add_test(s, "measured points: 200000 ids", test_measured_many_ids);
	CU_add_test(s, "apache-log: 200000 candidate closing quotes on a line", test_apache_quotes);
	CU_add_test(s, "scenario: 40000 schema errors among siblings", test_scenario_many_errors);
	CU_add_test(s, "calibration: <hypervisor> and <also> capped", test_calibration_caps);
	CU_add_test(s, "sweep: 32 <vary> of 10000 values", test_sweep_many_values);
}
