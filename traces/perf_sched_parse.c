/*
** One line of `perf script` text -> a scheduler event (see perf_sched.h
** for the formats).  Sources: perf's default output for tracepoints,
** "COMM TID [CPU] SECONDS: EVENT: FIELDS" (tools/perf/builtin-script.c,
** fields comm,tid,cpu,time,event,trace), and the TP_printk formats of
** sched_switch and sched_wakeup in include/trace/events/sched.h of Linux
** 2.6.31, 2.6.35, 3.12 and 4.14.  Names (comm) may hold spaces, colons and
** brackets, so fields are found by the keys that follow them and the
** header by the shape "[CPU] SECONDS:" rather than by splitting on spaces.
*/
#include "traces/perf_sched.h"
#include "traces/textio.h"

#include <string.h>

static int fail(char *why, size_t wl, const char *what, const char *got)
{
	char g[80];
	size_t n = strlen(got);
	snprintf(why, wl, "%s, got %s", what, n ? trace_show(got, n, g, sizeof g) : "end of line");
	return -1;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits at *p (optionally '-' when neg) into *v, bounded; advances *p. */
static int read_int(const char **p, int neg, int *v)
{
	const char *s = *p;
	int sign = 1;
	long x = 0;
	if (neg && *s == '-') {
		sign = -1;
		s++;
	}
	if (!is_digit(*s))
		return -1;
	for (; is_digit(*s); s++) {
		x = x * 10 + (*s - '0');
		if (x > 0x7fffffffL)
			return -1;
	}
	*v = (int)(sign * x);
	*p = s;
	return 0;
}

/* Copy n bytes of s as a comm.  -1 when too long. */
static int copy_comm(char *dst, const char *s, size_t n)
{
	if (n > PSCHED_COMM_MAX)
		return -1;
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

/*
** Header: find "[CPU]" followed by blanks and "SECONDS:", preceded by a
** TID (or PID/TID) and followed by an optional period and the event
** name ending in ':'.  Tried at every '[' so that brackets inside a comm
** do not matter.  1 and the parts, or 0 when the line has no header.
*/
static int parse_header(const char *line, struct psched_event *ev, const char **name,
			size_t *namelen, const char **fields)
{
	for (const char *b = strchr(line, '['); b; b = strchr(b + 1, '[')) {
		const char *p = b + 1, *q;
		int cpu = 0, nd = 0;
		for (; is_digit(*p) && nd < 6; p++, nd++)
			cpu = cpu * 10 + (*p - '0');
		if (!nd || *p != ']' || (p[1] != ' ' && p[1] != '\t'))
			continue;
		/* The TID before the bracket: digits, or digits/digits. */
		q = b;
		while (q > line && q[-1] == ' ')
			q--;
		const char *te = q;
		while (q > line && (is_digit(q[-1]) || q[-1] == '/'))
			q--;
		if (q == te || !is_digit(*q) || (q > line && q[-1] != ' '))
			continue;
		/* TID, or the part after '/' of PID/TID */
		const char *ts = q;
		for (const char *r = q; r < te; r++)
			if (*r == '/')
				ts = r + 1;
		int tid = 0;
		for (const char *r = ts; r < te && is_digit(*r) && tid < 100000000; r++)
			tid = tid * 10 + (*r - '0');
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		int64_t sec = 0, frac = 0;
		int sd = 0, fd = 0;
		/* at most 10 digits (perf -k realtime stamps are ~1.8e9 s) and
		   below INT64_MAX / 1e9 so that the nanoseconds fit */
		for (; is_digit(*p) && sd < 10; p++, sd++)
			sec = sec * 10 + (*p - '0');
		if (!sd || *p != '.' || sec > INT64_MAX / 1000000000 - 1)
			continue;
		for (p++; is_digit(*p) && fd < 9; p++, fd++)
			frac = frac * 10 + (*p - '0');
		if (!fd || *p != ':')
			continue;
		for (int i = fd; i < 9; i++)
			frac *= 10;
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		/* An optional sample period: a number before the event name. */
		q = p;
		while (is_digit(*q))
			q++;
		if (q > p && *q == ' ') {
			for (p = q; *p == ' '; p++)
				;
		}
		q = p;
		while (*q && *q != ' ' && *q != '\t')
			q++;
		if (q - p < 2 || q[-1] != ':')
			continue;
		ev->cpu = cpu;
		ev->tid = tid;
		ev->t_ns = sec * 1000000000 + frac;
		*name = p;
		*namelen = (size_t)(q - p - 1);
		while (*q == ' ' || *q == '\t')
			q++;
		*fields = q;
		return 1;
	}
	return 0;
}

/* prev_state text -> how the task left the CPU.  0 or -1. */
static int parse_state(const char *s, size_t n, enum psched_state *st)
{
	if (n == 0)
		return -1;
	if ((n == 1 && s[0] == 'R') || (n == 2 && s[0] == 'R' && s[1] == '+')) {
		*st = PSCHED_RUNNABLE;
		return 0;
	}
	if (is_digit(s[0])) {
		/* Printed as a number by perf versions that could not decode
		** the kernel's flags: 0 is running; the "preempted" flag
		** (TASK_REPORT_MAX, 0x100 and up) alone means runnable too. */
		unsigned long v = 0;
		size_t i = 0;
		int hex = n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
		for (i = hex ? 2 : 0; i < n; i++) {
			int d = is_digit(s[i]) ? s[i] - '0'
				: hex && s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
				: hex && s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10 : -1;
			if (d < 0 || v > 0xfffffffUL)
				return -1;
			v = v * (hex ? 16 : 10) + (unsigned long)d;
		}
		*st = (v & 0xff) == 0 ? PSCHED_RUNNABLE : PSCHED_BLOCKED;
		return 0;
	}
	int dead = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '|' || c == '+'))
			return -1;
		if (c == 'X' || c == 'Z' || c == 'x')
			dead = 1;
	}
	*st = dead ? PSCHED_DEAD : PSCHED_BLOCKED;
	return 0;
}

/* Expect key at *p, then an integer; advances *p. */
static int key_int(const char **p, const char *key, int neg, int *v)
{
	size_t k = strlen(key);
	if (strncmp(*p, key, k))
		return -1;
	*p += k;
	return read_int(p, neg, v);
}

/* Expect " key=N" at *p; on failure report from the key on. */
static int field_int(const char **p, const char *key, int neg, int *v, char *why, size_t wl)
{
	const char *at = *p;
	if (key_int(p, key, neg, v) == 0 && (**p == ' ' || !**p))
		return 0;
	char what[64];
	snprintf(what, sizeof what, "expected %sN (a%s integer)", key + 1, neg ? "n" : " non-negative");
	return fail(why, wl, what, at + 1);
}

/* "COMM:PID [PRIO]" in s[0..n) (the 2.6.3x "task" formats). */
static int parse_task(const char *s, size_t n, char *comm, int *pid, int *prio)
{
	while (n && s[n - 1] == ' ')
		n--;
	if (!n || s[n - 1] != ']')
		return -1;
	size_t b = n - 1;
	while (b && s[b] != '[')
		b--;
	if (s[b] != '[' || b < 3 || s[b - 1] != ' ')
		return -1;
	size_t e = b - 1, c = e;
	while (c && is_digit(s[c - 1]))
		c--;
	if (c == e || c < 1 || s[c - 1] != ':')
		return -1;
	const char *p = s + c;
	if (read_int(&p, 0, pid))
		return -1;
	const char *q = s + b + 1;
	if (read_int(&q, 1, prio) || *q != ']')
		*prio = -1;
	return copy_comm(comm, s, c - 1);
}

static int parse_switch(const char *f, struct psched_event *ev, char *why, size_t wl)
{
	static const char expect[] =
		"expected sched_switch fields prev_comm=C prev_pid=P prev_prio=N prev_state=S ==> next_comm=C next_pid=P next_prio=N";
	static const char arrow[] = " ==> next_comm=";
	const char *p, *e;

	ev->type = PSCHED_SWITCH;
	if (strncmp(f, "task ", 5) == 0) {
		/* task C:P [N] (S) ==> C:P [N] */
		const char *a = strstr(f, " ==> ");
		if (!a || a - f < 6 || a[-1] != ')')
			return fail(why, wl, "expected sched_switch fields task C:P [N] (S) ==> C:P [N]", f);
		const char *o = a - 1;
		while (o > f && *o != '(')
			o--;
		if (*o != '(' || parse_state(o + 1, (size_t)(a - 1 - (o + 1)), &ev->prev_state) ||
		    parse_task(f + 5, (size_t)(o - (f + 5)), ev->prev_comm, &ev->prev_pid, &ev->prev_prio) ||
		    parse_task(a + 5, strlen(a + 5), ev->next_comm, &ev->next_pid, &ev->next_prio))
			return fail(why, wl, "expected sched_switch fields task C:P [N] (S) ==> C:P [N]", f);
		return 1;
	}
	if (strncmp(f, "prev_comm=", 10))
		return fail(why, wl, expect, f);
	p = f + 10;
	e = strstr(p, " prev_pid=");
	if (!e)
		return fail(why, wl, expect, f);
	if (copy_comm(ev->prev_comm, p, (size_t)(e - p)))
		return fail(why, wl, "expected a prev_comm of at most 63 characters", p);
	p = e;
	if (field_int(&p, " prev_pid=", 0, &ev->prev_pid, why, wl) ||
	    field_int(&p, " prev_prio=", 1, &ev->prev_prio, why, wl))
		return -1;
	if (strncmp(p, " prev_state=", 12))
		return fail(why, wl, "expected prev_state=S", p + (*p == ' '));
	p += 12;
	e = strstr(p, arrow);
	if (!e)
		return fail(why, wl, "expected prev_state=S ==> next_comm=C", p - 11);
	if (parse_state(p, (size_t)(e - p), &ev->prev_state)) {
		char s[40];
		snprintf(s, sizeof s, "%.*s", (int)(e - p < 32 ? e - p : 32), p);
		return fail(why, wl, "expected a prev_state such as R, R+, S, D, I, Z or S|K", s);
	}
	p = e + strlen(arrow);
	e = strstr(p, " next_pid=");
	if (!e)
		return fail(why, wl, "expected next_comm=C next_pid=P next_prio=N", p - 10);
	if (copy_comm(ev->next_comm, p, (size_t)(e - p)))
		return fail(why, wl, "expected a next_comm of at most 63 characters", p);
	p = e;
	if (field_int(&p, " next_pid=", 0, &ev->next_pid, why, wl) ||
	    field_int(&p, " next_prio=", 1, &ev->next_prio, why, wl))
		return -1;
	if (*p && *p != ' ')
		return fail(why, wl, "expected a space or the end of the line after next_prio", p);
	return 1;
}

static int parse_wakeup(const char *f, struct psched_event *ev, char *why, size_t wl)
{
	static const char expect[] =
		"expected wake-up fields comm=C pid=P prio=N [success=1] target_cpu=CPU";
	const char *p, *e;

	ev->success = 1;
	ev->prio = -1;
	if (strncmp(f, "task ", 5) == 0) {
		/* task C:P [N] success=S [CPU] */
		/* after the task: "task success=..." has its first " success="
		** at the space inside "task ", before the task's own text */
		e = strstr(f + 5, " success=");
		if (!e || parse_task(f + 5, (size_t)(e - (f + 5)), ev->comm, &ev->pid, &ev->prio))
			return fail(why, wl, "expected wake-up fields task C:P [N] success=S [CPU]", f);
		p = e;
		if (key_int(&p, " success=", 0, &ev->success))
			return fail(why, wl, "expected wake-up fields task C:P [N] success=S [CPU]", f);
		return 1;
	}
	if (strncmp(f, "comm=", 5))
		return fail(why, wl, expect, f);
	p = f + 5;
	e = strstr(p, " pid=");
	if (!e || copy_comm(ev->comm, p, (size_t)(e - p)))
		return fail(why, wl, expect, f);
	p = e;
	if (field_int(&p, " pid=", 0, &ev->pid, why, wl))
		return -1;
	if (key_int(&p, " prio=", 1, &ev->prio))
		ev->prio = -1;
	e = strstr(p, " success=");
	if (e) {
		p = e;
		if (field_int(&p, " success=", 0, &ev->success, why, wl))
			return -1;
	}
	return 1;
}

/* sched_stat_runtime: "comm=C pid=P runtime=N [ns]" (6.x; before 6.8
** followed by " vruntime=N [ns]").  1 with the event, or 0 (read as an
** other event: these lines were never required to parse). */
static int parse_runtime(const char *f, struct psched_event *ev)
{
	const char *p, *e;
	if (strncmp(f, "comm=", 5))
		return 0;
	p = f + 5;
	e = strstr(p, " pid=");
	if (!e || copy_comm(ev->comm, p, (size_t)(e - p)))
		return 0;
	p = e;
	if (key_int(&p, " pid=", 0, &ev->pid) || strncmp(p, " runtime=", 9))
		return 0;
	p += 9;
	int64_t v = 0;
	int nd = 0;
	for (; is_digit(*p) && nd < 18; p++, nd++)
		v = v * 10 + (*p - '0');
	if (!nd || (*p && *p != ' '))
		return 0;
	ev->runtime_ns = v;
	ev->type = PSCHED_RUNTIME;
	return 1;
}

/* A call-chain line: blanks, a hex address, a blank. */
static int is_callchain(const char *s)
{
	const char *p = s;
	while (*p == ' ' || *p == '\t')
		p++;
	if (p == s)
		return 0;
	const char *h = p;
	while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))
		p++;
	return p - h >= 4 && (*p == ' ' || *p == 0);
}

int psched_parse(const char *line, struct psched_event *ev, char *why, size_t wl)
{
	const char *name, *fields;
	size_t nl;

	memset(ev, 0, sizeof *ev);
	if (line[0] == '#' || trace_blank(line))
		return 0;
	if (!parse_header(line, ev, &name, &nl, &fields)) {
		if (is_callchain(line))
			return 0;
		return fail(why, wl, "expected a perf script event line 'COMM TID [CPU] SECONDS: EVENT: FIELDS'",
			    line);
	}
	if (nl > 6 && strncmp(name, "sched:", 6) == 0) {
		name += 6;
		nl -= 6;
	}
	ev->type = PSCHED_OTHER;
	if (nl == 12 && strncmp(name, "sched_switch", nl) == 0)
		return parse_switch(fields, ev, why, wl);
	if ((nl == 12 && strncmp(name, "sched_wakeup", nl) == 0) ||
	    (nl == 12 && strncmp(name, "sched_waking", nl) == 0)) {
		ev->type = PSCHED_WAKEUP;
		return parse_wakeup(fields, ev, why, wl);
	}
	if (nl == 16 && strncmp(name, "sched_wakeup_new", nl) == 0) {
		ev->type = PSCHED_WAKEUP_NEW;
		return parse_wakeup(fields, ev, why, wl);
	}
	if (nl == 18 && strncmp(name, "sched_stat_runtime", nl) == 0)
		parse_runtime(fields, ev);
	return 1;
}
