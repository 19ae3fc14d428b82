/*
** The readers of hvsim's trace CSVs (traces/requests.c,
** traces/activity.c, traces/csv.c) on the shipped samples and on good and
** bad rows made here: fields, line numbers, messages, a round trip.
** The importers that write them: tests/test_import.c.
*/
#include "tests/cutest.h"
#include "traces/activity.h"
#include "traces/csv.h"
#include "traces/requests.h"
#include "sim/engine/units.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DATA "tests/data/import/"

static char *tmp;      /* the running test's temporary directory */

static void begin(void)
{
	tmp = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
}

static void end(void)
{
	cut_rmrf(tmp);
	free(tmp);
	tmp = NULL;
}

/* tmp/name in a static buffer (one of four, for several in one call). */
static const char *at(const char *name)
{
	static char buf[4][1024];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
	return buf[k];
}

/* ---- the readers --------------------------------------------------- */

static void test_requests_reader(void)
{
	struct trace_requests t;
	struct diag d = { 0 };
	CU_ASSERT_EQUAL_FATAL(trace_requests_load(DATA "access_sample.expected.csv", &d, &t), 0);
	CU_ASSERT_EQUAL(diag_count(&d), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 55);
	const struct trace_request *r = &t.r[33];
	CU_ASSERT_STRING_EQUAL(r->url, "/cgi-bin/imagemap/countdown?99,176");
	CU_ASSERT_STRING_EQUAL(r->page, "/cgi-bin/imagemap/countdown");
	CU_ASSERT_EQUAL(r->status, 302);
	CU_ASSERT_EQUAL(r->bytes, 110);
	CU_ASSERT_EQUAL(r->t_ns, 43 * NS_PER_S);
	CU_ASSERT_EQUAL(r->cpu_ns, -1);
	CU_ASSERT_EQUAL(r->line, 37);
	CU_ASSERT_STRING_EQUAL(t.r[43].method, "POST");
	trace_requests_free(&t);

	CU_ASSERT_EQUAL(trace_requests_load(DATA "requests_bad.csv", &d, &t), -EINVAL);
	CU_ASSERT_EQUAL(t.n, 0);
	static const char *const want[] = {
		DATA "requests_bad.csv:5: time_s: expected a non-negative number of seconds with at most 9 decimals, such as 0.25, got 'x'",
		DATA "requests_bad.csv:6: method: expected an HTTP method such as GET (a token of at most 32 characters), got 'G ET'",
		DATA "requests_bad.csv:7: url: expected a URL of printable ASCII without spaces or quotes (others percent-encoded), got '/e e'",
		DATA "requests_bad.csv:8: status: expected an HTTP status from 100 to 599, got '700'",
		DATA "requests_bad.csv:9: bytes: expected a non-negative integer, got '-1'",
		DATA "requests_bad.csv:10: cpu_demand_s: expected a non-negative number of seconds with at most 9 decimals, such as 0.25 or empty, got 'fast'",
		DATA "requests_bad.csv:11: expected 7 fields (time_s,method,url,status,bytes,page,cpu_demand_s), got 5",
		DATA "requests_bad.csv:12: expected a closing quote",
		DATA "requests_bad.csv:13: time_s: expected a time at or after 1.5 (line 4), got 1",
	};
	CU_ASSERT_EQUAL(diag_count(&d), 9);
	for (int i = 0; i < 9 && i < d.n; i++) {
		if (strcmp(d.msg[i], want[i]))
			fprintf(stderr, "\n  got  %s\n  want %s", d.msg[i], want[i]);
		CU_ASSERT_STRING_EQUAL(d.msg[i], want[i]);
	}
	diag_free(&d);

	CU_ASSERT_EQUAL(trace_requests_load(DATA "perf_sched_sample.expected.csv", &d, &t), -EINVAL);
	CU_ASSERT_EQUAL(d.n, 1);
	CHECK_HAS(d.msg[0], DATA "perf_sched_sample.expected.csv:3: expected the header 'time_s,method,url,status,bytes,page,cpu_demand_s', got 'thread,pid,start_s,kind,duration_s,cpu'");
	diag_free(&d);

	CU_ASSERT_EQUAL(trace_requests_load(DATA "no-such.csv", &d, &t), -ENOENT);
	CHECK_HAS(d.msg[0], "no-such.csv: cannot open");
	diag_free(&d);
}

static void test_activity_reader(void)
{
	struct trace_activity t;
	struct diag d = { 0 };
	CU_ASSERT_EQUAL(trace_activity_load(DATA "activity_bad.csv", &d, &t), -EINVAL);
	CU_ASSERT_EQUAL(t.n, 0);
	static const char *const want[] = {
		DATA "activity_bad.csv:6: pid: expected a thread id (a non-negative integer), got 'x'",
		DATA "activity_bad.csv:7: kind: expected one of run, wait, preempted, block, got 'sleep'",
		DATA "activity_bad.csv:8: duration_s: expected a non-negative number of seconds with at most 9 decimals, such as 0.25, got '0.1234567891'",
		DATA "activity_bad.csv:9: cpu: expected a CPU number from 0 to 65535, got '-1'",
		DATA "activity_bad.csv:10: expected 6 fields (thread,pid,start_s,kind,duration_s,cpu), got 4",
		DATA "activity_bad.csv:11: start_s: expected a time at or after 0.2 (line 5), got 0.05",
		DATA "activity_bad.csv:12: thread: expected a thread name, got ''",
		/* overlaps come last, found once every row is in */
		DATA "activity_bad.csv:5: start_s: expected thread 'a' pid 1 to start at or after 0.5 (end of its row at line 3), got 0.2",
		DATA "activity_bad.csv:13: start_s: expected thread 'a' pid 1 to start at or after 0.5 (end of its row at line 3), got 0.4",
	};
	CU_ASSERT_EQUAL(diag_count(&d), 9);
	for (int i = 0; i < 9 && i < d.n; i++) {
		if (strcmp(d.msg[i], want[i]))
			fprintf(stderr, "\n  got  %s\n  want %s", d.msg[i], want[i]);
		CU_ASSERT_STRING_EQUAL(d.msg[i], want[i]);
	}
	diag_free(&d);
}

/* Write, read back: the same rows to the nanosecond; quoting of names. */
static void test_round_trip(void)
{
	begin();
	struct trace_activity a = { 0 }, b;
	int t0 = trace_activity_add_thread(&a, "Web Content, \"main\"", 7);
	int t1 = trace_activity_add_thread(&a, "idle", 8);
	struct trace_act r0 = { t0, TRACE_RUN, 0, 1, 3, 0 };
	/* the longest row a replay accepts: it ends at 1e8 s (docs/limits.md) */
	struct trace_act r1 = { t1, TRACE_BLOCK, 1, INT64_C(99999999999999999), 0, 0 };
	struct trace_act r2 = { t0, TRACE_WAIT, 1, 999999999, 65535, 0 };
	trace_activity_push(&a, &r0);
	trace_activity_push(&a, &r1);
	trace_activity_push(&a, &r2);
	FILE *f = fopen(at("a.csv"), "w");
	CU_ASSERT_EQUAL(trace_activity_write(f, &a, "made by test_round_trip"), 0);
	fclose(f);
	char *s = cut_slurp(at("a.csv"), NULL);
	CHECK_HAS(s, "# made by test_round_trip\n");
	CHECK_HAS(s, "\"Web Content, \"\"main\"\"\",7,0,run,0.000000001,3\n");
	CHECK_HAS(s, "idle,8,0.000000001,block,99999999.999999999,0\n");
	free(s);
	struct diag d = { 0 };
	CU_ASSERT_EQUAL_FATAL(trace_activity_load(at("a.csv"), &d, &b), 0);
	CU_ASSERT_EQUAL_FATAL(b.n, 3);
	CU_ASSERT_EQUAL(b.nth, 2);
	CU_ASSERT_STRING_EQUAL(b.th[b.a[0].thread].name, "Web Content, \"main\"");
	CU_ASSERT_EQUAL(b.a[1].dur_ns, INT64_C(99999999999999999));
	CU_ASSERT_EQUAL(b.a[2].dur_ns, 999999999);
	CU_ASSERT_EQUAL(b.a[2].cpu, 65535);
	CU_ASSERT_EQUAL(b.a[2].thread, b.a[0].thread);
	trace_activity_free(&a);
	trace_activity_free(&b);
	diag_free(&d);
	end();
}

static void test_csv(void)
{
	char line[] = "a,\"b,\"\"c\"\"\",,\"\"";
	char *f[8];
	const char *why = NULL;
	CU_ASSERT_EQUAL(trace_csv_split(line, f, 8, &why), 4);
	CU_ASSERT_STRING_EQUAL(f[0], "a");
	CU_ASSERT_STRING_EQUAL(f[1], "b,\"c\"");
	CU_ASSERT_STRING_EQUAL(f[2], "");
	CU_ASSERT_STRING_EQUAL(f[3], "");
	char bad[] = "\"a\"b,c";
	CU_ASSERT_EQUAL(trace_csv_split(bad, f, 8, &why), -1);
	CU_ASSERT_STRING_EQUAL(why, "expected ',' after a closing quote");
	char many[] = "1,2,3,4";
	CU_ASSERT_EQUAL(trace_csv_split(many, f, 2, &why), 4);

	int64_t ns = -1;
	CU_ASSERT_EQUAL(trace_csv_seconds("0.000000001", &ns, &why), 0);
	CU_ASSERT_EQUAL(ns, 1);
	CU_ASSERT_EQUAL(trace_csv_seconds("4200000000", &ns, &why), 0);
	CU_ASSERT_EQUAL(ns, INT64_C(4200000000) * 1000000000);
	CU_ASSERT_EQUAL(trace_csv_seconds("4200000001", &ns, &why), -1);
	CU_ASSERT_EQUAL(trace_csv_seconds("1e3", &ns, &why), -1);
	CU_ASSERT_EQUAL(trace_csv_seconds("-1", &ns, &why), -1);
	CU_ASSERT_EQUAL(trace_csv_seconds("1.", &ns, &why), -1);
	CU_ASSERT_EQUAL(trace_csv_seconds(".5", &ns, &why), -1);
	CU_ASSERT_EQUAL(trace_csv_seconds("", &ns, &why), -1);
	char b[32];
	CU_ASSERT_STRING_EQUAL(trace_csv_fmt_seconds(1500000000, b, sizeof b), "1.5");
	CU_ASSERT_STRING_EQUAL(trace_csv_fmt_seconds(0, b, sizeof b), "0");
	CU_ASSERT_STRING_EQUAL(trace_csv_fmt_seconds(1000500, b, sizeof b), "0.0010005");
	CU_ASSERT_STRING_EQUAL(trace_csv_fmt_seconds(-2000000001, b, sizeof b), "-2.000000001");
	int64_t v = 0;
	CU_ASSERT_EQUAL(trace_csv_int("599", 599, &v), 0);
	CU_ASSERT_EQUAL(v, 599);
	CU_ASSERT_EQUAL(trace_csv_int("600", 599, &v), -1);
	CU_ASSERT_EQUAL(trace_csv_int("9223372036854775807", INT64_MAX, &v), 0);
	CU_ASSERT_EQUAL(trace_csv_int("9223372036854775808", INT64_MAX, &v), -1);
	CU_ASSERT_EQUAL(trace_csv_int("7", 5, &v), -1);
}

/* A trace of more threads than TRACE_MAX_THREADS is refused at the first
** row of one thread too many, with its line. */
static void test_thread_cap(void)
{
	begin();
	FILE *f = fopen(at("many.csv"), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("# hvsim activity trace v1\nthread,pid,start_s,kind,duration_s,cpu\n", f);
	for (int i = 0; i <= TRACE_MAX_THREADS; i++)
		fprintf(f, "t%d,%d,0.001,run,0.001,0\n", i, i + 1);
	fclose(f);
	struct trace_activity t;
	struct diag d = { 0 };
	CU_ASSERT_EQUAL(trace_activity_load(at("many.csv"), &d, &t), -EINVAL);
	char want[128];
	snprintf(want, sizeof want, "many.csv:%d: thread: expected at most %d threads in a trace", TRACE_MAX_THREADS + 3,
		 TRACE_MAX_THREADS);
	CU_ASSERT_TRUE(d.n > 0);
	if (d.n)
		CHECK_HAS(d.msg[0], want);
	diag_free(&d);
	end();
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "request trace reader", test_requests_reader },
		{ "activity trace reader", test_activity_reader },
		{ "activity trace round trip", test_round_trip },
		{ "CSV fields and seconds", test_csv },
		{ "at most TRACE_MAX_THREADS threads", test_thread_cap },
		{ NULL, NULL },
	};
	cut_suite("readers", t);
}
