/*
** The importers' line grammars, one line at a time: alog_parse (Apache
** Common and Combined Log Format: what is accepted, what is said, dates
** and time zones to UTC, the page of a URL) and psched_parse (`perf
** script` lines of several kernel and perf versions).  The whole
** command on files: tests/test_import.c.
*/
#include "tests/cutest.h"
#include "traces/apache_log.h"
#include "traces/perf_sched.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct parse_case {
	const char *line;
	int ok;
	const char *want;     /* ok: the URL; else the message's start */
};

/* alog_parse on single lines: what is accepted, and what is said. */
static void test_alog_parse(void)
{
	static const struct parse_case c[] = {
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"GET /x HTTP/1.0\" 200 1", 1, "/x" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"GET /x\" 200 1", 1, "/x" },
		{ "h  -  -  [01/Jan/2000:00:00:00 +0000]  \"GET /x HTTP/1.0\"  200  1", 1, "/x" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"GET /a b HTTP/1.0\" 200 1", 1, "/a%20b" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"GET /a\"b\" HTTP/1.0\" 200 1", 1, "/a%22b%22" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"GET http://x.org/p?q HTTP/1.0\" 200 1", 1,
		  "http://x.org/p?q" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"GET /x HTTP/1.0\" 200 1 \"-\" \"Mozilla/4.0 (\"compatible\")\"",
		  1, "/x" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"GET /x HTTP/1.0\" 099 1", 0,
		  "expected an HTTP status from 100 to 599, got '099'" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"GET /x HTTP/1.0\" 600 1", 0,
		  "expected an HTTP status from 100 to 599, got '600'" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"GET /x HTTP/1.0\" 200 12a", 0,
		  "expected a byte count or '-' after the status, got '12a'" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"GET /x HTTP/1.0\" 200", 0,
		  "expected a byte count or '-' after the status, got end of line after" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"GET /x HTTP/1.0\" 200 1 \"ref\" \"agent", 0,
		  "expected end of line or \"referer\" \"user-agent\", got '\"ref\" \"agent'" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"GET /x HTTP/1.0\" 200 1 extra", 0,
		  "expected end of line or \"referer\" \"user-agent\", got 'extra'" },
		{ "h - - [01/Jan/2000:25:00:00 +0000] \"GET /x HTTP/1.0\" 200 1", 0,
		  "expected a time of day from 00:00:00 to 23:59:60, got '[01/Jan/2000:25:00:00 +0000]'" },
		{ "h - - [29/Feb/1999:00:00:00 +0000] \"GET /x HTTP/1.0\" 200 1", 0,
		  "expected a day that exists in its month" },
		{ "h - - [01/Foo/2000:00:00:00 +0000] \"GET /x HTTP/1.0\" 200 1", 0,
		  "expected a month Jan, Feb" },
		{ "h - - [01/Jan/1969:00:00:00 +0000] \"GET /x HTTP/1.0\" 200 1", 0,
		  "expected a year from 1970 to 2099" },
		{ "h - - [01/Jan/2000:00:00:00 +1500] \"GET /x HTTP/1.0\" 200 1", 0,
		  "expected a time zone from -1459 to +1459" },
		{ "h - - [01/Jan/2000:00:00:00] \"GET /x HTTP/1.0\" 200 1", 0,
		  "expected a date [dd/Mon/yyyy:HH:MM:SS +hhmm] such as [01/Jul/1995:00:00:01 -0400], got '[01/Jan/2000:00:00:00]'" },
		{ "h - [01/Jan/2000:00:00:00 +0000] \"GET /x HTTP/1.0\" 200 1", 0,
		  "expected ident and user ('-' when unknown) after the host, got '[01/Jan/2000:00:00:00 +0000]" },
		{ "h - - 01/Jan/2000:00:00:00 +0000] \"GET /x HTTP/1.0\" 200 1", 0,
		  "expected '[' and the date after host, ident and user, got '01/Jan/2000:00:00:00'" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] GET /x HTTP/1.0 200 1", 0,
		  "expected a quoted request after the date, got 'GET /x HTTP/1.0 200 1'" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"G(T /x HTTP/1.0\" 200 1", 0,
		  "expected a request \"METHOD URL [HTTP/x.y]\", got 'G(T /x HTTP/1.0'" },
		{ "h - - [01/Jan/2000:00:00:00 +0000] \"GET  \" 200 1", 0,
		  "expected a URL after the method" },
		{ "", 0, "expected a host name at the start of the line, got end of line after ''" },
		{ " - - [01/Jan/2000:00:00:00 +0000] \"GET /x HTTP/1.0\" 200 1", 0,
		  "expected a host name at the start of the line" },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct alog_rec r;
		char why[320] = "";
		int rc = alog_parse(c[i].line, &r, why, sizeof why);
		int good = c[i].ok ? rc == 0 && r.url && strcmp(r.url, c[i].want) == 0
				   : rc == -1 && strncmp(why, c[i].want, strlen(c[i].want)) == 0;
		if (!good)
			fprintf(stderr, "\n  case %zu: %s\n  rc %d url %s why %s\n", i, c[i].line, rc,
				rc == 0 ? r.url : "-", why);
		CU_ASSERT_TRUE(good);
		if (rc == 0)
			alog_rec_free(&r);
	}
}

/* Time zones, month and year ends, leap days: UTC seconds exactly. */
static void test_alog_time(void)
{
	static const struct { const char *date; int64_t t; } c[] = {
		{ "01/Jan/1970:00:00:00 +0000", 0 },
		{ "01/Jan/2000:00:00:00 +0000", 946684800 },
		{ "01/Jan/2000:05:30:10 +0530", 946684810 },
		{ "31/Dec/1999:23:59:59 -0100", 946688399 },
		{ "29/Feb/2000:12:00:00 +0000", 951825600 },
		{ "01/Jul/1995:00:00:01 -0400", 804571201 },
		{ "01/Jul/1995:06:00:53 +0200", 804571253 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char line[200], why[320] = "";
		struct alog_rec r;
		snprintf(line, sizeof line, "h - - [%s] \"GET / HTTP/1.0\" 200 1", c[i].date);
		int rc = alog_parse(line, &r, why, sizeof why);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc == 0 && r.t_unix != c[i].t)
			fprintf(stderr, "\n  %s: %" PRId64 ", want %" PRId64, c[i].date, r.t_unix, c[i].t);
		CU_ASSERT_EQUAL(r.t_unix, c[i].t);
		alog_rec_free(&r);
	}
	char b[32];
	CU_ASSERT_STRING_EQUAL(alog_fmt_utc(804571201, b, sizeof b), "1995-07-01T04:00:01Z");
	CU_ASSERT_STRING_EQUAL(alog_fmt_utc(951825600, b, sizeof b), "2000-02-29T12:00:00Z");
}

static void test_alog_page(void)
{
	static const char *const c[][2] = {
		{ "/a/b.html", "/a/b.html" },
		{ "/cgi-bin/imagemap/countdown?99,176", "/cgi-bin/imagemap/countdown" },
		{ "/x.html#top", "/x.html" },
		{ "http://www.nasa.gov/shuttle/?q=1", "/shuttle/" },
		{ "http://www.nasa.gov", "/" },
		{ "?only", "/" },
		{ "*", "*" },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char p[64];
		alog_page(c[i][0], p, sizeof p);
		CU_ASSERT_STRING_EQUAL(p, c[i][1]);
	}
}

struct event_case {
	const char *line;
	int rc;
	enum psched_type type;
	int pid, pid2, cpu;          /* switch: prev, next; wake-up: pid, - */
	enum psched_state state;     /* switch */
	int64_t t_ns;
};

/* psched_parse on the formats of several kernel and perf versions. */
static void test_psched_parse(void)
{
	static const struct event_case c[] = {
		/* 2.6.35+ sched_switch */
		{ "  swapper     0 [000]  1234.567890: sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=bash next_pid=42 next_prio=120",
		  1, PSCHED_SWITCH, 0, 42, 0, PSCHED_RUNNABLE, INT64_C(1234567890000) },
		{ "bash 42 [003] 5.000000001: sched:sched_switch: prev_comm=bash prev_pid=42 prev_prio=120 prev_state=D|K ==> next_comm=Web Content next_pid=77 next_prio=-51",
		  1, PSCHED_SWITCH, 42, 77, 3, PSCHED_BLOCKED, INT64_C(5000000001) },
		{ "x 5 [000] 1.0: sched:sched_switch: prev_comm=x prev_pid=5 prev_prio=120 prev_state=X ==> next_comm=y next_pid=6 next_prio=120",
		  1, PSCHED_SWITCH, 5, 6, 0, PSCHED_DEAD, INT64_C(1000000000) },
		{ "x 5 [000] 1.0: sched:sched_switch: prev_comm=x prev_pid=5 prev_prio=120 prev_state=0x100 ==> next_comm=y next_pid=6 next_prio=120",
		  1, PSCHED_SWITCH, 5, 6, 0, PSCHED_RUNNABLE, INT64_C(1000000000) },
		/* 2.6.31-34 */
		{ "x 5 [001] 2.5: sched:sched_switch: task kworker/u8:1:5 [120] (S) ==> swapper:0 [140]",
		  1, PSCHED_SWITCH, 5, 0, 1, PSCHED_BLOCKED, INT64_C(2500000000) },
		/* wake-ups, with and without success=, old and new */
		{ "bash    42 [001] 1234.567891: sched:sched_wakeup: comm=bash pid=42 prio=120 target_cpu=001",
		  1, PSCHED_WAKEUP, 42, 0, 1, 0, INT64_C(1234567891000) },
		{ "Xorg   829 [003]  2726.130986: sched:sched_wakeup: comm=spotify pid=9288 prio=120 success=1 target_cpu=000",
		  1, PSCHED_WAKEUP, 9288, 0, 3, 0, INT64_C(2726130986000) },
		{ "Xorg   829 [003]  2726.130986: sched:sched_wakeup: task spotify:9288 [120] success=1 [000]",
		  1, PSCHED_WAKEUP, 9288, 0, 3, 0, INT64_C(2726130986000) },
		{ "p 1/2 [000] 3.000000: sched:sched_wakeup_new: comm=p pid=3 prio=120 target_cpu=000",
		  1, PSCHED_WAKEUP_NEW, 3, 0, 0, 0, INT64_C(3000000000) },
		{ "comm [with] 7 [002] 9.000001:          1 sched:sched_waking: comm=a b pid=8 prio=120 target_cpu=002",
		  1, PSCHED_WAKEUP, 8, 0, 2, 0, INT64_C(9000001000) },
		/* other events, ignorable lines, malformed ones */
		{ "perf 16953 [000]  4028.643848: sched:sched_stat_runtime: comm=perf pid=16953 runtime=30898 [ns]",
		  1, PSCHED_RUNTIME, 16953, 0, 0, 0, INT64_C(4028643848000) },
		{ "perf 16953 [000]  4028.643848: sched:sched_migrate_task: comm=perf pid=16953 prio=120 orig_cpu=0 dest_cpu=1",
		  1, PSCHED_OTHER, 0, 0, 0, 0, INT64_C(4028643848000) },
		{ "# comment", 0, 0, 0, 0, 0, 0, 0 },
		{ "\t    ffffffff810b3c5e __schedule+0x2ce ([kernel.kallsyms])", 0, 0, 0, 0, 0, 0, 0 },
		{ "bash 42 [001] 1.5 sched:sched_switch: prev_comm=a", -1, 0, 0, 0, 0, 0, 0 },
		{ "bash 42 [001] 1.5: sched:sched_switch: prev_comm=a prev_pid=1 prev_prio=1 prev_state=? ==> next_comm=b next_pid=2 next_prio=1",
		  -1, 0, 0, 0, 0, 0, 0 },
		{ "bash 42 [001] 1.5: sched:sched_switch: prev_comm=a prev_pid=1 prev_prio=1 prev_state=S", -1, 0, 0, 0, 0, 0, 0 },
		{ "bash 42 [001] 1.5: sched:sched_wakeup: comm=a pid=-1 prio=1", -1, 0, 0, 0, 0, 0, 0 },
		{ "bash 42 [001] 1.5: sched:sched_wakeup: comm=a pid=99999999999 prio=1", -1, 0, 0, 0, 0, 0, 0 },
		{ "bash 42 [001] 1.5: sched:sched_switch:", -1, 0, 0, 0, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct psched_event e;
		char why[320] = "";
		int rc = psched_parse(c[i].line, &e, why, sizeof why);
		int good = rc == c[i].rc;
		if (good && rc == 1) {
			good = e.type == c[i].type && e.cpu == c[i].cpu && e.t_ns == c[i].t_ns;
			if (e.type == PSCHED_SWITCH)
				good = good && e.prev_pid == c[i].pid && e.next_pid == c[i].pid2 &&
				       e.prev_state == c[i].state;
			else if (e.type == PSCHED_RUNTIME)
				good = good && e.pid == c[i].pid && e.runtime_ns == 30898 && e.tid == 16953;
			else if (e.type != PSCHED_OTHER)
				good = good && e.pid == c[i].pid && e.success == 1;
		}
		if (good && rc == -1)
			good = strncmp(why, "expected ", 9) == 0;
		if (!good)
			fprintf(stderr, "\n  case %zu: %s\n  rc %d why %s", i, c[i].line, rc, why);
		CU_ASSERT_TRUE(good);
	}
	/* Names with spaces and colons survive. */
	struct psched_event e;
	char why[320];
	CU_ASSERT_EQUAL(psched_parse(c[1].line, &e, why, sizeof why), 1);
	CU_ASSERT_STRING_EQUAL(e.next_comm, "Web Content");
	CU_ASSERT_EQUAL(psched_parse(c[4].line, &e, why, sizeof why), 1);
	CU_ASSERT_STRING_EQUAL(e.prev_comm, "kworker/u8:1");
	CU_ASSERT_STRING_EQUAL(e.next_comm, "swapper");
	CU_ASSERT_EQUAL(psched_parse("x 1 [000] 1.0: sched:sched_wakeup: comm=a pid=4 prio=1 success=0 target_cpu=000",
				     &e, why, sizeof why), 1);
	CU_ASSERT_EQUAL(e.success, 0);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "apache-log: line grammar and messages", test_alog_parse },
		{ "apache-log: dates and time zones to UTC", test_alog_time },
		{ "apache-log: page = path without query", test_alog_page },
		{ "perf-sched: line formats of several versions", test_psched_parse },
		{ NULL, NULL },
	};
	cut_suite("import lines", t);
}
