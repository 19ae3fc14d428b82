/*
** Tests for traces/: `hvsim import` through cmd_main (called in
** process, its stdout and stderr captured) on the shipped samples in
** tests/data/import/ (outputs compared byte for byte with the expected
** files, written by hand) and on damaged input made here; the messages'
** line numbers and the summary counts; --strict; bad usage; per-thread
** CPU totals of perf traces against sums worked out by hand.  The line
** grammars (one line at a time): tests/test_import_lines.c; the readers
** of the request and activity CSVs: tests/test_readers.c.
*/
#include "tests/cutest.h"
#include "traces/activity.h"
#include "traces/csv.h"
#include "sim/cmd/cmd.h"
#include "traces/perf_sched.h"
#include "traces/requests.h"
#include "sim/engine/units.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DATA "tests/data/import/"

static char *tmp;      /* the running test's temporary directory */
static char *out, *err; /* the last import's stdout and stderr */

static void begin(void)
{
	tmp = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
}

static void end(void)
{
	cut_rmrf(tmp);
	free(tmp);
	free(out);
	free(err);
	tmp = out = err = NULL;
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

static void write_file(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(s, 1, n, f), n);
	fclose(f);
}

static char *read_stream(FILE *f)
{
	size_t cap = 4096, n = 0, got;
	char *s = malloc(cap);
	rewind(f);
	while ((got = fread(s + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 >= cap)
			s = realloc(s, cap *= 2);
	}
	s[n] = 0;
	fclose(f);
	return s;
}

/* Run `hvsim import` (cmd_main) with the NULL-terminated arguments (the
** first is FORMAT); its stdout and stderr land in out and err. */
static int import(const char *a0, ...)
{
	char *argv[34];
	int argc = 0;
	argv[argc++] = strdup("hvsim");
	argv[argc++] = strdup("import");
	va_list ap;
	va_start(ap, a0);
	for (const char *a = a0; a && argc < 34; a = va_arg(ap, const char *))
		argv[argc++] = strdup(a);
	va_end(ap);

	free(out);
	free(err);
	fflush(stdout);
	fflush(stderr);
	FILE *fo = tmpfile(), *fe = tmpfile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fo);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fe);
	int so = dup(1), se = dup(2);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	int rc = cmd_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	out = read_stream(fo);
	err = read_stream(fe);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return rc;
}

/* Names in dir (not . or ..), one per line. */
static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}


#define CHECK_LACKS(hay, needle) CU_ASSERT_PTR_NULL(strstr((hay), (needle)))

/* Files a and b hold the same bytes. */
static void check_same_file(const char *a, const char *b)
{
	size_t na, nb;
	char *sa = cut_slurp(a, &na), *sb = cut_slurp(b, &nb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sb);
	int same = na == nb && memcmp(sa, sb, na) == 0;
	if (!same)
		fprintf(stderr, "\n  %s and %s differ\n", a, b);
	CU_ASSERT_TRUE(same);
	free(sa);
	free(sb);
}

/* ---- apache-log --------------------------------------------------- */

static void test_apache_sample(void)
{
	begin();
	int rc = import("apache-log", DATA "access_sample.log", "-o", at("req.csv"), NULL);
	CU_ASSERT_EQUAL(rc, 0);
	check_same_file(at("req.csv"), DATA "access_sample.expected.csv");
	/* Every damaged line by number, each with what was expected. */
	CHECK_HAS(err, DATA "access_sample.log:28: apache-log: note: line broken in two, joined with line 29\n");
	CHECK_HAS(err, DATA "access_sample.log:40: apache-log: expected a 3-digit HTTP status, got '2O0'\n");
	CHECK_HAS(err, DATA "access_sample.log:42: apache-log: expected a day that exists in its month, got '[31/Jun/1995:00:00:50 -0400]'\n");
	CHECK_HAS(err, DATA "access_sample.log:51: apache-log: note: line broken in two, joined with line 52\n");
	CHECK_HAS(err, DATA "access_sample.log:58: apache-log: note: line broken in two, joined with line 59\n");
	CHECK_HAS(err, DATA "access_sample.log:61: apache-log: expected the request's closing quote, got '\"GET /shuttle/missions/sts-68/news/sts-68-mcc-0'\n");
	CHECK_HAS(err, DATA "access_sample.log: 61 lines read, 55 requests, 3 malformed (skipped), 3 broken lines rejoined\n");
	/* Only the output: no OUT.tmp-PID left. */
	CU_ASSERT_EQUAL(count_files(tmp), 1);
	end();
}

static void test_apache_strict(void)
{
	begin();
	int rc = import("apache-log", "--strict", DATA "access_sample.log", "-o", at("req.csv"), NULL);
	CU_ASSERT_EQUAL(rc, 2);
	/* No rejoining under --strict: the first half of line 28 is fatal. */
	CHECK_HAS(err, DATA "access_sample.log:28: apache-log: expected the request's closing quote");
	CHECK_HAS(err, DATA "access_sample.log:28: apache-log: --strict: stopping at the first malformed line; nothing written\n");
	CHECK_LACKS(err, ":40:");
	CHECK_LACKS(err, "lines read");
	CU_ASSERT_FALSE(exists(at("req.csv")));
	CU_ASSERT_EQUAL(count_files(tmp), 0);

	/* A clean log passes --strict. */
	const char clean[] =
		"a - - [01/Jan/2000:00:00:00 +0000] \"GET /x HTTP/1.0\" 200 1\n"
		"b - - [01/Jan/2000:00:00:02 +0000] \"GET /y HTTP/1.0\" 200 2\n";
	write_file(at("clean.log"), clean, sizeof clean - 1);
	rc = import("apache-log", at("clean.log"), "--strict", "--output", at("c.csv"), NULL);
	CU_ASSERT_EQUAL(rc, 0);
	CHECK_HAS(err, "2 lines read, 2 requests, 0 malformed (skipped), 0 broken lines rejoined\n");
	char *s = cut_slurp(at("c.csv"), NULL);
	CHECK_HAS(s, "\n0,GET,/x,200,1,/x,\n2,GET,/y,200,2,/y,\n");
	free(s);
	end();
}

/* Damage made here: CRLF, binary junk, a blank line, a NUL byte, the
** "-" request of a timeout, Apache 2 escapes and raw control bytes, a
** 100 kB URL, a method alone, a raw tab, a last line without newline. */
static void test_apache_damage(void)
{
	begin();
	static const char head[] =
		"h - - [01/Jan/2000:00:00:00 +0000] \"GET /a HTTP/1.1\" 200 10\r\n"
		"\x16\x03\x01\x02\xa5\x01\xff\xfe\n"
		"\n"
		"h - - [01/Jan/2000:00:00:01 +0000] \"GET /b\0c HTTP/1.0\" 200 5\n"
		"h - - [01/Jan/2000:00:00:02 +0000] \"-\" 408 -\n"
		"h - - [01/Jan/2000:00:00:03 +0000] \"GET /esc\\\"q\\\"\\\\\\x41\x01 HTTP/1.0\" 200 7\n"
		"h - - [01/Jan/2000:00:00:04 +0000] \"GET /long/";
	static const char tail[] =
		" HTTP/1.0\" 200 1\n"
		"h - - [01/Jan/2000:00:00:05 +0000] \"GET\" 200 1\n"
		"h - - [01/Jan/2000:00:00:06 +0000] \"GET /tab\tx HTTP/1.0\" 200 3\n"
		"h - - [01/Jan/2000:00:00:07 +0000] \"GET /ok HTTP/1.0\" 200 12";
	size_t nh = sizeof head - 1, nl = 100000, nt = sizeof tail - 1;
	char *log = malloc(nh + nl + nt);
	memcpy(log, head, nh);
	memset(log + nh, 'a', nl);
	memcpy(log + nh + nl, tail, nt);
	write_file(at("damaged.log"), log, nh + nl + nt);
	free(log);

	int rc = import("apache-log", at("damaged.log"), "-o", at("d.csv"), NULL);
	CU_ASSERT_EQUAL(rc, 0);
	CHECK_HAS(err, ":2: apache-log: expected ident and user ('-' when unknown) after the host, got end of line after '\\x16\\x03\\x01\\x02\\xa5\\x01\\xff\\xfe'\n");
	CHECK_HAS(err, ":4: apache-log: expected text, got a NUL byte at column 43\n");
	CHECK_HAS(err, ":5: apache-log: expected a request \"METHOD URL [HTTP/x.y]\", got '-'\n");
	CHECK_HAS(err, ":8: apache-log: expected a request \"METHOD URL [HTTP/x.y]\", got 'GET'\n");
	CHECK_HAS(err, ":10: apache-log: note: the last line has no newline; it may be truncated\n");
	CHECK_HAS(err, "damaged.log: 10 lines read, 5 requests, 4 malformed (skipped), 0 broken lines rejoined\n");

	struct trace_requests t;
	struct diag d = { 0 };
	CU_ASSERT_EQUAL_FATAL(trace_requests_load(at("d.csv"), &d, &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 5);
	CU_ASSERT_STRING_EQUAL(t.r[0].url, "/a");           /* CR removed */
	CU_ASSERT_EQUAL(t.r[0].bytes, 10);
	CU_ASSERT_STRING_EQUAL(t.r[1].url, "/esc%22q%22\\A%01");
	CU_ASSERT_EQUAL(t.r[1].t_ns, 3 * NS_PER_S);
	CU_ASSERT_EQUAL(strlen(t.r[2].url), 6 + nl);
	CU_ASSERT_STRING_EQUAL(t.r[3].url, "/tab%09x");
	CU_ASSERT_STRING_EQUAL(t.r[4].url, "/ok");
	CU_ASSERT_EQUAL(t.r[4].t_ns, 7 * NS_PER_S);
	trace_requests_free(&t);
	diag_free(&d);
	end();
}

static void test_apache_nothing(void)
{
	begin();
	const char junk[] = "junk\nmore junk\n";
	write_file(at("junk.log"), junk, sizeof junk - 1);
	CU_ASSERT_EQUAL(import("apache-log", at("junk.log"), "-o", at("j.csv"), NULL), 2);
	CHECK_HAS(err, "junk.log:1: apache-log: expected ident and user");
	CHECK_HAS(err, "junk.log:2: apache-log: expected ident and user");
	CHECK_HAS(err, "junk.log: 2 lines read, 0 requests, 2 malformed (skipped), 0 broken lines rejoined\n");
	CHECK_HAS(err, "junk.log: apache-log: expected at least one request, got none\n");
	CU_ASSERT_EQUAL(count_files(tmp), 1);

	write_file(at("empty.log"), "", 0);
	CU_ASSERT_EQUAL(import("apache-log", at("empty.log"), "-o", at("e.csv"), NULL), 2);
	CHECK_HAS(err, "0 lines read, 0 requests");
	CU_ASSERT_FALSE(exists(at("e.csv")));
	end();
}

/* ---- perf-sched --------------------------------------------------- */

static void test_perf_sample(void)
{
	begin();
	int rc = import("perf-sched", DATA "perf_sched_sample.txt", "-o", at("act.csv"), NULL);
	CU_ASSERT_EQUAL(rc, 0);
	check_same_file(at("act.csv"), DATA "perf_sched_sample.expected.csv");
	CHECK_HAS(err, DATA "perf_sched_sample.txt:14: perf-sched: expected prev_pid=N (a non-negative integer), got 'prev_pid=ten prev_prio=120");
	CHECK_HAS(err, DATA "perf_sched_sample.txt: 21 lines read, 15 scheduler events, 1 malformed (skipped), 0 inconsistent, 2 other events ignored; 4 threads, 16 intervals\n");
	CU_ASSERT_EQUAL(count_files(tmp), 1);
	end();
}

static void test_perf_strict(void)
{
	begin();
	int rc = import("perf-sched", DATA "perf_sched_sample.txt", "-o", at("act.csv"), "--strict", NULL);
	CU_ASSERT_EQUAL(rc, 2);
	CHECK_HAS(err, DATA "perf_sched_sample.txt:14: perf-sched: expected prev_pid=N");
	CHECK_HAS(err, DATA "perf_sched_sample.txt:14: perf-sched: --strict: stopping at the first malformed line; nothing written\n");
	CHECK_LACKS(err, "lines read");
	CU_ASSERT_EQUAL(count_files(tmp), 0);
	end();
}

/* Index of the thread (name, pid) in t, or -1. */
static int thread_of(const struct trace_activity *t, const char *name, int pid)
{
	for (int i = 0; i < t->nth; i++)
		if (t->th[i].pid == pid && strcmp(t->th[i].name, name) == 0)
			return i;
	return -1;
}

struct total {
	const char *name;
	int pid;
	int64_t ns[TRACE_NKIND];  /* run, wait, preempted, block */
};

static void check_totals(const struct trace_activity *t, const struct total *want, int n)
{
	int64_t *sum = calloc((size_t)t->nth, sizeof *sum);
	for (int k = 0; k < TRACE_NKIND; k++) {
		trace_activity_totals(t, (enum trace_act_kind)k, sum);
		for (int i = 0; i < n; i++) {
			int th = thread_of(t, want[i].name, want[i].pid);
			CU_ASSERT_TRUE_FATAL(th >= 0);
			if (sum[th] != want[i].ns[k])
				fprintf(stderr, "\n  %s %d %s: %" PRId64 " ns, want %" PRId64, want[i].name,
					want[i].pid, trace_act_kind_name[k], sum[th], want[i].ns[k]);
			CU_ASSERT_EQUAL(sum[th], want[i].ns[k]);
		}
	}
	free(sum);
}

/* The synthetic sample's per-thread totals, summed by hand from its
** lines (see the interval list in docs/traces.md). */
static void test_perf_sample_totals(void)
{
	static const struct total want[] = {
		/*                       run       wait     preempted  block */
		{ "web server", 101, { 11999500, 1000000, 1000500, 1000000 } },
		{ "worker", 102, { 8500000, 2000000, 1000000, 2500000 } },
		{ "kworker/0:1", 10, { 2500500, 0, 0, 4000000 } },
		{ "new", 200, { 3000000, 1000000, 0, 0 } },
	};
	begin();
	CU_ASSERT_EQUAL_FATAL(import("perf-sched", DATA "perf_sched_sample.txt", "-o", at("a.csv"), NULL), 0);
	struct trace_activity t;
	struct diag d = { 0 };
	CU_ASSERT_EQUAL_FATAL(trace_activity_load(at("a.csv"), &d, &t), 0);
	CU_ASSERT_EQUAL(t.nth, 4);
	CU_ASSERT_EQUAL(t.n, 16);
	check_totals(&t, want, 4);
	trace_activity_free(&t);
	diag_free(&d);
	end();
}

/* Recorded here with `perf sched record -- sleep 1`: the sleep process
** (pid 16954, perf-exec until it exec'd) by hand from the lines: woken at
** 4028.644045, on CPU 0 at .644107 until .645445 (S), woken 1.000097 s
** later at 4029.645542, on CPU at .645574 until its exit at .645793. */
static void test_perf_real(void)
{
	static const struct total want[] = {
		{ "sleep", 16954, { 1338000 + 219000, 62000 + 32000, 0, 1000097000 } },
	};
	begin();
	CU_ASSERT_EQUAL_FATAL(import("perf-sched", DATA "perf_sched_real.txt", "-o", at("a.csv"), NULL), 0);
	CHECK_HAS(err, "perf_sched_real.txt: 123 lines read, 70 scheduler events, 0 malformed (skipped), 31 inconsistent, 53 other events ignored; 10 threads, 34 intervals\n");
	/* CPU 1's switches from idle were not recorded on this machine: the
	** first of many such lines. */
	CHECK_HAS(err, "perf_sched_real.txt:27: perf-sched: inconsistent: expected prev_pid 0 (switched in on CPU 1 at line 14), got 13567 (events lost?)\n");
	struct trace_activity t;
	struct diag d = { 0 };
	CU_ASSERT_EQUAL_FATAL(trace_activity_load(at("a.csv"), &d, &t), 0);
	check_totals(&t, want, 1);
	/* Exited: nothing after its last run. */
	int th = thread_of(&t, "sleep", 16954);
	int64_t last_end = 0;
	for (size_t i = 0; i < t.n; i++)
		if (t.a[i].thread == th && t.a[i].start_ns + t.a[i].dur_ns > last_end)
			last_end = t.a[i].start_ns + t.a[i].dur_ns;
	CU_ASSERT_EQUAL(last_end, INT64_C(4029645793000) - INT64_C(4028643848000));
	trace_activity_free(&t);
	diag_free(&d);
	end();
}

/* Two `yes` pinned to CPU 0: preemptions with prev_state R. */
static void test_perf_contended(void)
{
	begin();
	CU_ASSERT_EQUAL_FATAL(import("perf-sched", DATA "perf_sched_contended.txt", "-o", at("a.csv"), NULL), 0);
	CHECK_HAS(err, "perf_sched_contended.txt: 309 lines read, 158 scheduler events, 0 malformed (skipped), 17 inconsistent, 151 other events ignored; 9 threads, 187 intervals\n");
	struct trace_activity t;
	struct diag d = { 0 };
	CU_ASSERT_EQUAL_FATAL(trace_activity_load(at("a.csv"), &d, &t), 0);
	/* Line 187: 17229 switched out with R at 4149.976838; line 192: back
	** in at 4149.981880.  t0 is line 1's 4149.964365. */
	int th = thread_of(&t, "yes", 17229), found = 0, preempted = 0;
	CU_ASSERT_TRUE_FATAL(th >= 0);
	for (size_t i = 0; i < t.n; i++) {
		const struct trace_act *a = &t.a[i];
		if (a->thread != th || a->kind != TRACE_PREEMPTED)
			continue;
		preempted++;
		if (a->start_ns == INT64_C(4149976838000) - INT64_C(4149964365000) &&
		    a->dur_ns == INT64_C(5042000) && a->cpu == 0)
			found = 1;
	}
	CU_ASSERT_TRUE(found);
	/* 18 switch-outs of 17229 with prev_state R or R+, 17 of them followed
	** by its switch-in (counted with awk over the file's lines). */
	CU_ASSERT_EQUAL(preempted, 17);
	/* recorded dispatches: each `yes` has one run row per switch-in
	** (grep -c 'next_pid=17228 ' gives 27, 17229 34), every one closed
	** by its switch-out */
	uint64_t *runs = calloc((size_t)t.nth, sizeof *runs);
	CU_ASSERT_PTR_NOT_NULL_FATAL(runs);
	trace_activity_counts(&t, TRACE_RUN, runs);
	int th8 = thread_of(&t, "yes", 17228);
	CU_ASSERT_TRUE_FATAL(th8 >= 0);
	CU_ASSERT_EQUAL(runs[th8], 27);
	CU_ASSERT_EQUAL(runs[th], 34);
	free(runs);
	trace_activity_free(&t);
	diag_free(&d);
	end();
}

/* Damage made here: junk, time going back, a CPU out of range, an
** overlong comm, a NUL byte, and events contradicting earlier ones. */
static void test_perf_damage(void)
{
	begin();
	static const char s[] =
		"\n"
		"garbage without a header\n"
		"   a   1 [000] 1.000000: sched:sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120\n"
		"   b   2 [000] 1.000500: sched:sched_switch: prev_comm=b prev_pid=2 prev_prio=120 prev_state=R ==> next_comm=a next_pid=1 next_prio=120\n"
		"   a   1 [000] 0.999000: sched:sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120\n"
		"   a   1 [99999] 1.002000: sched:sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120\n"
		"   a   1 [000] 1.002500: sched:sched_switch: prev_comm=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120\n"
		"   a   1 [000] 1.002600: sched:sched_switch: prev_comm=a\0 prev_pid=1\n"
		"   a   1 [001] 1.003000: sched:sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=c next_pid=3 next_prio=120\n"
		"   x   9 [000] 1.004000: sched:sched_switch: prev_comm=x prev_pid=9 prev_prio=120 prev_state=S ==> next_comm=c next_pid=3 next_prio=120\n"
		"   c   3 [000] 1.005000: sched:sched_switch: prev_comm=c prev_pid=3 prev_prio=120 prev_state=R+ ==> next_comm=swapper/0 next_pid=0 next_prio=120\n";
	write_file(at("d.txt"), s, sizeof s - 1);
	CU_ASSERT_EQUAL(import("perf-sched", at("d.txt"), "-o", at("d.csv"), NULL), 0);
	CHECK_HAS(err, "d.txt:2: perf-sched: expected a perf script event line 'COMM TID [CPU] SECONDS: EVENT: FIELDS', got 'garbage without a header'\n");
	CHECK_HAS(err, "d.txt:5: perf-sched: inconsistent: expected a time at or after 1.0005 (line 4), got 0.999 (events lost?)\n");
	CHECK_HAS(err, "d.txt:6: perf-sched: expected a CPU number below 4096, got 99999\n");
	CHECK_HAS(err, "d.txt:7: perf-sched: expected a prev_comm of at most 63 characters");
	CHECK_HAS(err, "d.txt:8: perf-sched: expected text, got a NUL byte at column 57\n");
	CHECK_HAS(err, "d.txt:9: perf-sched: inconsistent: expected prev_pid 1 on CPU 0 (switched in there at line 4), got it on CPU 1 (events lost?)\n");
	/* Line 9 left CPU 0's task unknown; c still runs on CPU 1. */
	CHECK_HAS(err, "d.txt:10: perf-sched: inconsistent: expected next_pid 3 to be off CPU, got its switch-in on CPU 0 while it ran on CPU 1 since line 9 (events lost?)\n");
	CHECK_HAS(err, "d.txt: 11 lines read, 5 scheduler events, 4 malformed (skipped), 3 inconsistent, 0 other events ignored; 3 threads, 3 intervals\n");
	char *csv = cut_slurp(at("d.csv"), NULL);
	CHECK_HAS(csv, "\nthread,pid,start_s,kind,duration_s,cpu\n"
		  "a,1,0,block,0.0005,0\n"
		  "b,2,0,run,0.0005,0\n"
		  "c,3,0.004,run,0.001,0\n");
	free(csv);

	/* Nothing complete: bad input, no file. */
	static const char one[] =
		"   a   1 [000] 1.000000: sched:sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120\n";
	write_file(at("one.txt"), one, sizeof one - 1);
	CU_ASSERT_EQUAL(import("perf-sched", at("one.txt"), "-o", at("one.csv"), NULL), 2);
	CHECK_HAS(err, "one.txt: perf-sched: expected at least one complete interval (sched_switch events), got none\n");
	CU_ASSERT_FALSE(exists(at("one.csv")));
	end();
}

/* --threads that match no thread: nothing written (a header alone is a
** trace no reader takes), and the message puts the patterns beside the
** names the recording has; --model says the same. */
static void test_perf_threads_none(void)
{
	begin();
	CU_ASSERT_EQUAL(import("perf-sched", DATA "perf_sched_real.txt", "-o", at("t.csv"), "--threads", "nomatch*",
			       "--threads", "x?", NULL), 2);
	CHECK_HAS(err, DATA "perf_sched_real.txt: perf-sched: --threads: expected at least one thread matching "
		  "'nomatch*' or 'x?', got none of the recording's 10 threads ('migration/0', 'perf', 'sleep', ");
	CU_ASSERT_EQUAL(count_files(tmp), 0);
	CU_ASSERT_EQUAL(import("perf-sched", DATA "perf_sched_real.txt", "-o", at("t.csv"), "--threads", "nomatch*",
			       "--model", NULL), 2);
	CHECK_HAS(err, DATA "perf_sched_real.txt: thread model: --threads: expected at least one thread matching "
		  "'nomatch*', got none of the recording's 14 threads ('migration/0', 'perf', 'sleep', ");
	CU_ASSERT_EQUAL(count_files(tmp), 0);
	/* one that matches: its rows only */
	CU_ASSERT_EQUAL(import("perf-sched", DATA "perf_sched_real.txt", "-o", at("t.csv"), "--threads", "sl*", NULL), 0);
	char *csv = cut_slurp(at("t.csv"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	CHECK_HAS(csv, "\nsleep,16954,");
	CHECK_LACKS(csv, "\nperf,");
	free(csv);
	end();
}

/* A UTF-8 byte order mark before the first line (as editors on Windows
** save) is not part of it: the first line is still a comment, and the
** file passes --strict. */
static void test_perf_bom(void)
{
	begin();
	static const char s[] =
		"\xef\xbb\xbf# perf script output\n"
		"   a   1 [000] 1.000000: sched:sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120\n"
		"   b   2 [000] 1.000500: sched:sched_switch: prev_comm=b prev_pid=2 prev_prio=120 prev_state=R ==> next_comm=a next_pid=1 next_prio=120\n";
	write_file(at("bom.txt"), s, sizeof s - 1);
	CU_ASSERT_EQUAL(import("perf-sched", at("bom.txt"), "-o", at("bom.csv"), "--strict", NULL), 0);
	CHECK_HAS(err, "bom.txt: 3 lines read, 2 scheduler events, 0 malformed (skipped)");
	char *csv = cut_slurp(at("bom.csv"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	CHECK_HAS(csv, "\nb,2,0,run,0.0005,0\n");
	free(csv);
	end();
}

/* --affinity: a bad line is quoted as written (not as split at its
** blank), and a directory is not a file of lines. */
static void test_affinity_messages(void)
{
	begin();
	static const char aff[] = "16954 0\nx y\n16953 0-1 extra\n";
	write_file(at("aff"), aff, sizeof aff - 1);
	CU_ASSERT_EQUAL(import("perf-sched", DATA "perf_sched_real.txt", "-o", at("m.csv"), "--model", "--affinity",
			       at("aff"), NULL), 2);
	CHECK_HAS(err, "aff:2: expected 'TID CPULIST' (e.g. '4242 0-1'), got 'x y'\n");
	CHECK_HAS(err, "aff:3: expected 'TID CPULIST' (e.g. '4242 0-1'), got '16953 0-1 extra'\n");
	CU_ASSERT_FALSE(exists(at("m.csv")));
	CU_ASSERT_EQUAL(mkdir(at("affdir"), 0777), 0);
	CU_ASSERT_EQUAL(import("perf-sched", DATA "perf_sched_real.txt", "-o", at("m.csv"), "--model", "--affinity",
			       at("affdir"), NULL), 2);
	CHECK_HAS(err, "affdir: expected a regular file, got a directory\n");
	CU_ASSERT_FALSE(exists(at("m.csv")));
	end();
}

/* ---- usage -------------------------------------------------------- */

static void test_usage(void)
{
	begin();
	CU_ASSERT_EQUAL(import(NULL), 2);
	CHECK_HAS(err, "hvsim import: missing FORMAT FILE (hvsim import --help)\n");

	CU_ASSERT_EQUAL(import("nginx-log", DATA "access_sample.log", "-o", at("x.csv"), NULL), 2);
	CHECK_HAS(err, "hvsim import: unknown format 'nginx-log'; expected one of: apache-log, perf-sched\n");

	CU_ASSERT_EQUAL(import("apache-log", DATA "access_sample.log", NULL), 2);
	CHECK_HAS(err, "hvsim import: missing -o OUT.csv (hvsim import --help)\n");

	CU_ASSERT_EQUAL(import("apache-log", "-o", at("x.csv"), NULL), 2);
	CHECK_HAS(err, "hvsim import: missing FORMAT FILE");

	CU_ASSERT_EQUAL(import("apache-log", DATA "access_sample.log", "-o", NULL), 2);
	CHECK_HAS(err, "hvsim import: -o needs a value");

	CU_ASSERT_EQUAL(import("apache-log", DATA "access_sample.log", "-o", at("x.csv"), "--fast", NULL), 2);
	CHECK_HAS(err, "hvsim import: unknown option '--fast'");

	CU_ASSERT_EQUAL(import("apache-log", DATA "access_sample.log", "more.log", "-o", at("x.csv"), NULL), 2);
	CHECK_HAS(err, "hvsim import: unexpected argument 'more.log'");

	CU_ASSERT_EQUAL(import("apache-log", at("none.log"), "-o", at("x.csv"), NULL), 2);
	CHECK_HAS(err, "none.log: cannot open: No such file or directory\n");

	CU_ASSERT_EQUAL(import("apache-log", DATA "access_sample.log", "-o", DATA "access_sample.log", NULL), 2);
	CHECK_HAS(err, "expected an output file other than the input");

	CU_ASSERT_EQUAL(count_files(tmp), 0);

	/* The output cannot be created there: bad usage, exit 2, nothing left. */
	CU_ASSERT_EQUAL(import("apache-log", DATA "access_sample.log", "-o", at("no/such/dir/x.csv"), NULL), 2);
	CHECK_HAS(err, "no/such/dir/x.csv.tmp-");
	CHECK_HAS(err, ": cannot create: No such file or directory; nothing written\n");
	CU_ASSERT_EQUAL(count_files(tmp), 0);

	/* ... or is a directory: bad usage, --force or not, before reading */
	CU_ASSERT_EQUAL(mkdir(at("dir.csv"), 0777), 0);
	CU_ASSERT_EQUAL(import("apache-log", DATA "access_sample.log", "-o", at("dir.csv"), "--force", NULL), 2);
	CHECK_HAS(err, "dir.csv: expected a file, got a directory");
	CHECK_LACKS(err, "lines read");
	CU_ASSERT_EQUAL(count_files(tmp), 1);
	rmdir(at("dir.csv"));

	/* An existing file is kept unless --force (as run and sweep keep an
	** existing directory); with it, replaced. */
	write_file(at("old.csv"), "mine\n", 5);
	CU_ASSERT_EQUAL(import("apache-log", DATA "access_sample.log", "-o", at("old.csv"), NULL), 2);
	CHECK_HAS(err, "old.csv: exists; name a new file, or add --force to replace it");
	CHECK_LACKS(err, "lines read");
	char *old = cut_slurp(at("old.csv"), NULL);
	CU_ASSERT_STRING_EQUAL(old, "mine\n");
	free(old);
	CU_ASSERT_EQUAL(import("apache-log", DATA "access_sample.log", "-o", at("old.csv"), "--force", NULL), 0);
	check_same_file(at("old.csv"), DATA "access_sample.expected.csv");
	CU_ASSERT_EQUAL(count_files(tmp), 1);
	unlink(at("old.csv"));

	/* ... but not a FIFO (or a device: -o /dev/null as root), which the
	** output replaced */
	CU_ASSERT_EQUAL(mkfifo(at("fifo.csv"), 0600), 0);
	CU_ASSERT_EQUAL(import("apache-log", DATA "access_sample.log", "-o", at("fifo.csv"), "--force", NULL), 2);
	CHECK_HAS(err, "fifo.csv: expected a regular file, got a FIFO");
	CHECK_LACKS(err, "lines read");
	struct stat fst;
	CU_ASSERT_TRUE(stat(at("fifo.csv"), &fst) == 0 && S_ISFIFO(fst.st_mode));
	unlink(at("fifo.csv"));

	/* ... but never the input, however -o spells it (D/./in.log for
	** D/in.log: --force replaced the recording), nor the --affinity
	** file (replaced by the model) */
	size_t n;
	char *log = cut_slurp(DATA "perf_sched_sample.txt", &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	write_file(at("in.txt"), log, n);
	write_file(at("aff.txt"), "102 0\n", 6);
	char same[1100];
	snprintf(same, sizeof same, "%s/./in.txt", tmp);
	CU_ASSERT_EQUAL(import("perf-sched", at("in.txt"), "-o", same, "--force", NULL), 2);
	CHECK_HAS(err, "expected an output file other than the input");
	snprintf(same, sizeof same, "%s/./aff.txt", tmp);
	CU_ASSERT_EQUAL(import("perf-sched", at("in.txt"), "--model", "--affinity", at("aff.txt"), "-o", same, "--force",
			       NULL), 2);
	CHECK_HAS(err, "-o ");
	CHECK_HAS(err, "aff.txt: expected an output file other than the --affinity file it reads");
	check_same_file(at("in.txt"), DATA "perf_sched_sample.txt");
	char *aff = cut_slurp(at("aff.txt"), NULL);
	CU_ASSERT_PTR_NOT_NULL(aff && strcmp(aff, "102 0\n") == 0);
	free(aff);
	free(log);
	CU_ASSERT_EQUAL(count_files(tmp), 2);
	unlink(at("in.txt"));
	unlink(at("aff.txt"));

	CU_ASSERT_EQUAL(import("--help", NULL), 0);
	CHECK_HAS(out, "usage: hvsim import FORMAT FILE -o OUT.csv [--force] [--strict] [--repair-idle]");
	CHECK_HAS(out, "replace OUT.csv if it exists");
	CHECK_HAS(out, "apache-log");
	CHECK_HAS(out, "perf-sched");
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_EQUAL(import("perf-sched", "-h", NULL), 0);
	CHECK_HAS(out, "usage: hvsim import");
	end();
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "apache-log: the sample gives the expected CSV and messages", test_apache_sample },
		{ "apache-log: --strict stops at the first bad line, writes nothing", test_apache_strict },
		{ "apache-log: NUL, junk, escapes, long and unterminated lines", test_apache_damage },
		{ "apache-log: no request is bad input", test_apache_nothing },
		{ "perf-sched: the sample gives the expected CSV and messages", test_perf_sample },
		{ "perf-sched: --strict stops at the first bad line", test_perf_strict },
		{ "perf-sched: per-thread totals of the sample, by hand", test_perf_sample_totals },
		{ "perf-sched: the real `sleep 1` trace", test_perf_real },
		{ "perf-sched: the real contended trace", test_perf_contended },
		{ "perf-sched: damaged and inconsistent input", test_perf_damage },
		{ "perf-sched: --threads matching nothing writes nothing, names both sides", test_perf_threads_none },
		{ "perf-sched: a UTF-8 byte order mark is not part of line 1", test_perf_bom },
		{ "perf-sched: --affinity messages quote the line, refuse a directory", test_affinity_messages },
		{ "import: bad usage", test_usage },
		{ NULL, NULL },
	};
	cut_suite("import", t);
}
