/*
** perf sched events -> per-thread activity intervals (see perf_sched.h,
** activity.h).  Each thread is followed through a small state machine,
** the one `perf sched latency` and `perf sched timehist` use
** (tools/perf/builtin-sched.c): a switch-out with prev_state R or R+
** leaves the thread runnable (preempted), any other state off the CPU by
** its own doing (block) until a wake-up makes it runnable again (wait);
** a switch-in ends either wait and starts a run.
**
**   state      entered by                          left by
**   run        switch-in (next_pid)                switch-out (prev_pid)
**   preempted  switch-out, prev_state R/R+         switch-in
**   block      switch-out, prev_state S D I ...    wake-up (or switch-in
**                                                  when wake-ups were not
**                                                  recorded)
**   wait       wake-up of a blocked or unseen one  switch-in
**   (dead)     switch-out, prev_state X, Z or x    -
**
** A thread's time before its first event and after its last is unknown:
** only intervals with both ends seen are written.  The idle tasks (pid
** 0, swapper/N) are not threads here: their "run" is idle time.  Events
** that contradict the state (a switch-out of a task not running there, a
** switch-in of one already running: perf lost events, or tracing started
** on the CPUs at different times) are reported as inconsistent, and the
** intervals they cut short are dropped rather than guessed.
**
** --repair-idle (trace_import_opts.repair_idle, implied by --model):
** some machines record no event while a CPU runs its idle task (a
** Firecracker guest of Linux 6.18, where this importer was written:
** neither the switch from idle to a task nor the wake-ups raised by
** interrupts in idle reach perf, while ftrace sees them).  A task's
** switch-in is then inferred from the first event it raises (the line's
** TID) on a CPU last seen idle -- or running another task, whose
** switch-out was lost too (a recording cut down to some threads' lines)
** and whose run there is dropped: at the time of a sched_stat_runtime of
** that task, minus the runtime it reports (update_curr() charges the time
** since set_next_entity() stamped exec_start, i.e. since the switch-in),
** else at the event's own time, never before the CPU's last recorded
** switch.  A later
** sched_stat_runtime of the same run moves the inferred start earlier the
** same way (the interval before it shrinks with it).  The wake-up lost
** with it cannot be inferred: the thread's block lasts until the inferred
** switch-in (no wait interval).  Each inference is counted, not reported
** as inconsistent.
**
** sched_stat_runtime (CPU time update_curr() charges to the running task)
** is summed over each run interval, for the thread model: the CPU a
** thread used, without the time the machine was away (steal, and
** interrupts with IRQ_TIME_ACCOUNTING).  The threads' prio fields give
** their nice levels (prio 100..139 = 120 + nice).
*/
#include "traces/perf_sched.h"
#include "traces/csv.h"
#include "traces/pidmap.h"
#include "traces/textio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CPUS 4096

enum tstate { T_UNKNOWN, T_RUN, T_WAIT, T_PREEMPTED, T_BLOCK, T_DEAD };

static const char *const tstate_name[] = {
	[T_UNKNOWN] = "unknown", [T_RUN] = "running", [T_WAIT] = "waiting after a wake-up",
	[T_PREEMPTED] = "preempted", [T_BLOCK] = "blocked", [T_DEAD] = "dead",
};

struct thr {
	char comm[PSCHED_COMM_MAX + 1];    /* as last seen */
	int pid;
	enum tstate st;
	int64_t since;                     /* when st began */
	int cpu;                           /* run: its CPU; block: the CPU it left */
	int line;                          /* the line that began st */
	int out;                           /* its index in the activity trace, or -1 */
	int prio;                          /* last prio seen, -1 none */
	int64_t rt;                        /* run: sched_stat_runtime summed so far */
	int rt_seen;                       /* run: how many of them */
	int inferred;                      /* run: its switch-in was inferred */
	int64_t floor;                     /* run inferred: earliest possible start */
	long prev_row;                     /* the row that ended when this run began, or -1 */
	int64_t first, last;               /* first and last event naming it */
};

struct cpu_now {
	int known, pid, line;
	int64_t since;                     /* when pid was switched in */
};

struct row {
	int thr, pid, cpu, line;
	enum trace_act_kind kind;
	int64_t start, dur;
	int64_t runtime;                   /* run: sched_stat_runtime sum, -1 none */
	size_t seq;
};

struct sm {
	const struct trace_import_opts *o;
	struct thr *th;
	int nth, capth;
	struct trace_pidmap pids;          /* th by pid: each pid's newest thread */
	struct cpu_now *cpu;
	int ncpu;
	struct row *rows;
	size_t nrows, caprows;
	int shown, line, flagged;
};

static int live(const void *arg, int i)
{
	const struct sm *m = arg;
	return m->th[i].st != T_DEAD;
}

/* The live thread with this pid, or NULL (the pid's newest thread is
** dead: a reused pid's next thread is added in its place). */
static struct thr *find(struct sm *m, int pid)
{
	int i = trace_pidmap_find(&m->pids, (unsigned)pid, live, m);
	return i >= 0 ? &m->th[i] : NULL;
}

static struct thr *add(struct sm *m, int pid, const char *comm)
{
	if (m->nth == m->capth) {
		int cap = m->capth ? 2 * m->capth : 64;
		struct thr *nt = realloc(m->th, (size_t)cap * sizeof *nt);
		if (!nt)
			return NULL;
		m->th = nt;
		m->capth = cap;
	}
	/* the pid's earlier thread, if any, is dead (find found no live
	** one): the map keeps only the newest, so that a pid reused many
	** times does not lengthen every look-up of it */
	if (trace_pidmap_put(&m->pids, (unsigned)pid, m->nth))
		return NULL;
	struct thr *t = &m->th[m->nth++];
	memset(t, 0, sizeof *t);
	snprintf(t->comm, sizeof t->comm, "%s", comm);
	t->pid = pid;
	t->out = -1;
	t->prio = -1;
	t->prev_row = -1;
	t->first = INT64_MIN;
	return t;
}

static struct thr *get(struct sm *m, int pid, const char *comm)
{
	struct thr *t = find(m, pid);
	if (t) {
		snprintf(t->comm, sizeof t->comm, "%s", comm);
		return t;
	}
	return add(m, pid, comm);
}

static int emit(struct sm *m, struct thr *t, enum trace_act_kind kind, int64_t end, int cpu)
{
	if (m->nrows == m->caprows) {
		size_t cap = m->caprows ? 2 * m->caprows : 256;
		struct row *nr = realloc(m->rows, cap * sizeof *nr);
		if (!nr)
			return -ENOMEM;
		m->rows = nr;
		m->caprows = cap;
	}
	m->rows[m->nrows] = (struct row){
		.thr = (int)(t - m->th), .pid = t->pid, .cpu = cpu, .line = m->line, .kind = kind,
		.start = t->since, .dur = end - t->since, .seq = m->nrows,
		.runtime = kind == TRACE_RUN && t->rt_seen ? t->rt : -1,
	};
	m->nrows++;
	return 0;
}

/* A run begins: clear its runtime sum; prev_row is the row the switch-in
** just closed (or -1). */
static void run_begins(struct thr *t, long prev_row)
{
	t->rt = 0;
	t->rt_seen = 0;
	t->inferred = 0;
	t->prev_row = prev_row;
}

/* The thread was named by an event at t. */
static void seen(struct thr *t, int64_t at)
{
	if (t->first == INT64_MIN)
		t->first = at;
	t->last = at;
}

static void set(struct thr *t, enum tstate st, int64_t now, int line)
{
	t->st = st;
	t->since = now;
	t->line = line;
}

/* Report this line as inconsistent (once per line). */
static void inconsistent(struct sm *m, struct psched_trace *tr, const char *fmt, ...)
{
	if (m->flagged)
		return;
	m->flagged = 1;
	tr->inconsistent++;
	if (++m->shown > TRACE_IMPORT_SHOW_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(m->o->err, "%s:%d: perf-sched: inconsistent: ", m->o->path, m->line);
	vfprintf(m->o->err, fmt, ap);
	fputs(" (events lost?)\n", m->o->err);
	va_end(ap);
}

static struct cpu_now *cpu_of(struct sm *m, int c)
{
	if (c >= m->ncpu) {
		int n = c + 1 > 2 * m->ncpu ? c + 1 : 2 * m->ncpu;
		struct cpu_now *nc = realloc(m->cpu, (size_t)n * sizeof *nc);
		if (!nc)
			return NULL;
		memset(nc + m->ncpu, 0, (size_t)(n - m->ncpu) * sizeof *nc);
		m->cpu = nc;
		m->ncpu = n;
	}
	return &m->cpu[c];
}

static int on_switch(struct sm *m, struct psched_trace *tr, const struct psched_event *e)
{
	struct cpu_now *c = cpu_of(m, e->cpu);
	int64_t now = e->t_ns;
	if (!c)
		return -ENOMEM;
	if (c->known && c->pid != e->prev_pid) {
		inconsistent(m, tr, "expected prev_pid %d (switched in on CPU %d at line %d), got %d",
			     c->pid, e->cpu, c->line, e->prev_pid);
		struct thr *q = c->pid ? find(m, c->pid) : NULL;
		if (q && q->st == T_RUN && q->cpu == e->cpu)
			q->st = T_UNKNOWN;
	}
	if (e->prev_pid) {
		struct thr *p = get(m, e->prev_pid, e->prev_comm);
		if (!p)
			return -ENOMEM;
		if (e->prev_prio > 0)
			p->prio = e->prev_prio;
		seen(p, now);
		if (p->st == T_RUN && p->cpu == e->cpu) {
			if (emit(m, p, TRACE_RUN, now, e->cpu))
				return -ENOMEM;
		} else if (p->st == T_RUN) {
			inconsistent(m, tr, "expected prev_pid %d on CPU %d (switched in there at line %d), got it on CPU %d",
				     p->pid, p->cpu, p->line, e->cpu);
			struct cpu_now *d = cpu_of(m, p->cpu);
			if (d && d->known && d->pid == p->pid)
				d->known = 0;
		} else if (p->st != T_UNKNOWN) {
			inconsistent(m, tr, "expected a switch-in of prev_pid %d since line %d (where it became %s), got its switch-out",
				     p->pid, p->line, tstate_name[p->st]);
		}
		p->cpu = e->cpu;
		set(p, e->prev_state == PSCHED_RUNNABLE ? T_PREEMPTED
		       : e->prev_state == PSCHED_BLOCKED ? T_BLOCK : T_DEAD, now, m->line);
	}
	if (e->next_pid) {
		struct thr *n = get(m, e->next_pid, e->next_comm);
		if (!n)
			return -ENOMEM;
		int rc = 0;
		size_t before = m->nrows;
		if (e->next_prio > 0)
			n->prio = e->next_prio;
		seen(n, now);
		switch (n->st) {
		case T_WAIT:
			rc = emit(m, n, TRACE_WAIT, now, e->cpu);
			break;
		case T_PREEMPTED:
			rc = emit(m, n, TRACE_PREEMPTED, now, e->cpu);
			break;
		case T_BLOCK:
			rc = emit(m, n, TRACE_BLOCK, now, n->cpu);
			break;
		case T_RUN: {
			inconsistent(m, tr, "expected next_pid %d to be off CPU, got its switch-in on CPU %d while it ran on CPU %d since line %d",
				     n->pid, e->cpu, n->cpu, n->line);
			struct cpu_now *d = cpu_of(m, n->cpu);
			if (d && d->known && d->pid == n->pid)
				d->known = 0;
			break;
		}
		default:
			break;
		}
		if (rc)
			return rc;
		n->cpu = e->cpu;
		set(n, T_RUN, now, m->line);
		run_begins(n, m->nrows > before ? (long)before : -1);
	}
	c = cpu_of(m, e->cpu);
	c->known = 1;
	c->pid = e->next_pid;
	c->line = m->line;
	c->since = now;
	return 0;
}

/* --repair-idle: the task e->tid raised an event on CPU e->cpu, which was
** last seen running its idle task (or another task): its switch-in there
** was not recorded.  Infer it at `at` (see the top).  0 or -ENOMEM. */
static int infer_switch_in(struct sm *m, struct psched_trace *tr, const struct psched_event *e, int64_t at)
{
	struct cpu_now *c = cpu_of(m, e->cpu);
	if (!c)
		return -ENOMEM;
	struct thr *n = find(m, e->tid);
	if (n && n->st == T_RUN)
		return 0;   /* running elsewhere: a real inconsistency, left to on_switch */
	if (!n) {
		const char *comm = e->type == PSCHED_RUNTIME && e->pid == e->tid ? e->comm
				   : e->type == PSCHED_SWITCH && e->prev_pid == e->tid ? e->prev_comm : "";
		n = add(m, e->tid, comm);
		if (!n)
			return -ENOMEM;
	}
	if (c->pid) {
		/* its predecessor's switch-out was lost too: its run is unknown */
		struct thr *q = find(m, c->pid);
		if (q && q->st == T_RUN && q->cpu == e->cpu)
			q->st = T_UNKNOWN;
	} else {
		tr->repaired_idle++;
	}
	if (at < c->since)
		at = c->since;
	if (n->st != T_UNKNOWN && at < n->since)
		at = n->since;
	size_t before = m->nrows;
	int rc = 0;
	if (n->st == T_WAIT)
		rc = emit(m, n, TRACE_WAIT, at, e->cpu);
	else if (n->st == T_PREEMPTED)
		rc = emit(m, n, TRACE_PREEMPTED, at, e->cpu);
	else if (n->st == T_BLOCK)
		rc = emit(m, n, TRACE_BLOCK, at, n->cpu);
	if (rc)
		return rc;
	int64_t floor = n->st != T_UNKNOWN && n->since > c->since ? n->since : c->since;
	seen(n, at);
	n->cpu = e->cpu;
	set(n, T_RUN, at, m->line);
	run_begins(n, m->nrows > before ? (long)before : -1);
	n->inferred = 1;
	n->floor = floor;
	c->known = 1;
	c->pid = n->pid;
	c->line = m->line;
	c->since = at;
	tr->repaired++;
	return 0;
}

/* sched_stat_runtime: add to the running thread's sum; with an inferred
** switch-in, move its start to now - runtime if that is earlier (and not
** before its floor), shortening the row its switch-in closed. */
static void on_runtime(struct sm *m, const struct psched_event *e)
{
	struct thr *t = find(m, e->pid);
	if (!t || t->st != T_RUN || t->cpu != e->cpu)
		return;
	seen(t, e->t_ns);
	if (t->inferred && !t->rt_seen) {
		int64_t at = e->t_ns - e->runtime_ns;
		if (at < t->floor)
			at = t->floor;
		if (at < t->since) {
			if (t->prev_row >= 0) {
				struct row *r = &m->rows[t->prev_row];
				r->dur = at - r->start;
			}
			t->since = at;
			struct cpu_now *c = &m->cpu[e->cpu];
			if (c->pid == t->pid)
				c->since = at;
		}
	}
	t->rt += e->runtime_ns;
	t->rt_seen++;
}

static int on_wakeup(struct sm *m, const struct psched_event *e)
{
	if (!e->pid || !e->success)
		return 0;
	struct thr *t = find(m, e->pid);
	if (t && e->type == PSCHED_WAKEUP_NEW && t->st != T_UNKNOWN) {
		/* A new thread with a pid whose exit was not seen. */
		t->st = T_DEAD;
		t = NULL;
	}
	if (!t)
		t = add(m, e->pid, e->comm);
	if (!t)
		return -ENOMEM;
	snprintf(t->comm, sizeof t->comm, "%s", e->comm);
	if (e->prio > 0)
		t->prio = e->prio;
	seen(t, e->t_ns);
	if (t->st == T_BLOCK) {
		if (emit(m, t, TRACE_BLOCK, e->t_ns, t->cpu))
			return -ENOMEM;
		set(t, T_WAIT, e->t_ns, m->line);
	} else if (t->st == T_UNKNOWN) {
		set(t, T_WAIT, e->t_ns, m->line);
	}
	return 0;
}

static int by_start(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->thr != b->thr)
		return a->thr < b->thr ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Rows sorted by start (then pid, thread, order found), times from t0. */
static int build(struct sm *m, struct psched_trace *tr)
{
	if (m->nrows)
		qsort(m->rows, m->nrows, sizeof *m->rows, by_start);
	for (size_t i = 0; i < m->nrows; i++) {
		struct row *r = &m->rows[i];
		struct thr *t = &m->th[r->thr];
		if (t->out < 0) {
			t->out = trace_activity_add_thread(&tr->act, t->comm, t->pid);
			if (t->out < 0)
				return -ENOMEM;
		}
		struct trace_act a = {
			.thread = t->out, .kind = r->kind, .start_ns = r->start - tr->t0_ns,
			.dur_ns = r->dur, .cpu = r->cpu, .line = r->line,
		};
		if (trace_activity_push(&tr->act, &a))
			return -ENOMEM;
	}
	/* what the thread model needs besides the rows */
	int nth = tr->act.nth ? tr->act.nth : 1;
	tr->runtime = malloc((tr->act.n ? tr->act.n : 1) * sizeof *tr->runtime);
	tr->prio = malloc((size_t)nth * sizeof *tr->prio);
	tr->first_ns = malloc((size_t)nth * sizeof *tr->first_ns);
	tr->last_ns = malloc((size_t)nth * sizeof *tr->last_ns);
	if (!tr->runtime || !tr->prio || !tr->first_ns || !tr->last_ns)
		return -ENOMEM;
	for (size_t i = 0; i < m->nrows; i++)
		tr->runtime[i] = m->rows[i].runtime;
	for (int i = 0; i < m->nth; i++) {
		const struct thr *t = &m->th[i];
		if (t->out < 0)
			continue;
		tr->prio[t->out] = t->prio;
		tr->first_ns[t->out] = t->first == INT64_MIN ? 0 : t->first - tr->t0_ns;
		tr->last_ns[t->out] = t->first == INT64_MIN ? 0 : t->last - tr->t0_ns;
	}
	return 0;
}

/* Long: the importer's line loop with its counts and messages in one place. */
int psched_read(FILE *in, const struct trace_import_opts *o, struct psched_trace *tr)
{
	struct trace_lines lr;
	struct sm m = { .o = o };
	struct psched_event ev;
	char *line, why[320];
	size_t len;
	int rc = 0, got, have_t = 0, last_line = 0;
	int64_t last_t = 0;

	memset(tr, 0, sizeof *tr);
	trace_lines_init(&lr, in);
	while ((got = trace_lines_next(&lr, &line, &len)) > 0) {
		tr->lines++;
		m.line = lr.lineno;
		m.flagged = 0;
		int k;
		if (lr.has_nul) {
			snprintf(why, sizeof why, "expected text, got a NUL byte at column %d", lr.nul_col);
			k = -1;
		} else {
			k = psched_parse(line, &ev, why, sizeof why);
		}
		if (k == 0)
			continue;
		if (k < 0) {
			tr->malformed++;
			if (++m.shown <= TRACE_IMPORT_SHOW_MAX)
				fprintf(o->err, "%s:%d: perf-sched: %s\n", o->path, m.line, why);
			if (o->strict) {
				fprintf(o->err, "%s:%d: perf-sched: --strict: stopping at the first malformed line; nothing written\n",
					o->path, m.line);
				rc = -EINVAL;
				break;
			}
			continue;
		}
		if (have_t && ev.t_ns < last_t) {
			char b1[32], b2[32];
			inconsistent(&m, tr, "expected a time at or after %s (line %d), got %s",
				     trace_csv_fmt_seconds(last_t, b1, sizeof b1), last_line,
				     trace_csv_fmt_seconds(ev.t_ns, b2, sizeof b2));
			continue;
		}
		if (!have_t)
			tr->t0_ns = ev.t_ns;
		have_t = 1;
		last_t = ev.t_ns;
		last_line = m.line;
		if (ev.cpu >= MAX_CPUS) {
			if (ev.type == PSCHED_OTHER || ev.type == PSCHED_RUNTIME) {
				tr->ignored++;
				continue;
			}
			tr->malformed++;
			if (++m.shown <= TRACE_IMPORT_SHOW_MAX)
				fprintf(o->err, "%s:%d: perf-sched: expected a CPU number below %d, got %d\n",
					o->path, m.line, MAX_CPUS, ev.cpu);
			continue;
		}
		if (ev.cpu + 1 > tr->ncpu)
			tr->ncpu = ev.cpu + 1;
		if (o->repair_idle && ev.tid > 0 && ev.cpu < m.ncpu && m.cpu[ev.cpu].known && m.cpu[ev.cpu].pid != ev.tid) {
			int64_t at = ev.type == PSCHED_RUNTIME && ev.pid == ev.tid ? ev.t_ns - ev.runtime_ns : ev.t_ns;
			if ((rc = infer_switch_in(&m, tr, &ev, at)))
				break;
		}
		if (ev.type == PSCHED_OTHER || ev.type == PSCHED_RUNTIME) {
			tr->ignored++;
			if (ev.type == PSCHED_RUNTIME)
				on_runtime(&m, &ev);
			continue;
		}
		tr->events++;
		rc = ev.type == PSCHED_SWITCH ? on_switch(&m, tr, &ev) : on_wakeup(&m, &ev);
		if (rc)
			break;
	}
	if (got < 0) {
		fprintf(o->err, "%s: cannot read: %s\n", o->path, strerror(lr.err ? lr.err : EIO));
		rc = -EIO;
	}
	if (rc == 0)
		rc = build(&m, tr);
	trace_lines_free(&lr);
	free(m.th);
	trace_pidmap_free(&m.pids);
	free(m.cpu);
	free(m.rows);
	if (rc == 0) {
		if (m.shown > TRACE_IMPORT_SHOW_MAX)
			fprintf(o->err, "%s: perf-sched: %d more messages not shown\n", o->path,
				m.shown - TRACE_IMPORT_SHOW_MAX);
		fprintf(o->err, "%s: %d lines read, %d scheduler events, %d malformed (skipped), %d inconsistent, %d other events ignored; %d threads, %zu intervals\n",
			o->path, tr->lines, tr->events, tr->malformed, tr->inconsistent, tr->ignored,
			tr->act.nth, tr->act.n);
		if (o->repair_idle)
			fprintf(o->err, "%s: --repair-idle: %d switch-ins inferred (%d on a CPU last seen idle)\n", o->path,
				tr->repaired, tr->repaired_idle);
		if (tr->act.n == 0) {
			fprintf(o->err, "%s: perf-sched: expected at least one complete interval (sched_switch events), got none\n",
				o->path);
			rc = -EINVAL;
		}
	}
	if (rc)
		psched_free(tr);
	return rc;
}

int psched_write(FILE *out, const struct psched_trace *t, const struct trace_import_opts *o)
{
	char c[512], b[32];
	const char *base = strrchr(o->path, '/');
	base = base ? base + 1 : o->path;
	snprintf(c, sizeof c, "source: perf-sched %.400s; start_s 0 = perf time %s s", base,
		 trace_csv_fmt_seconds(t->t0_ns, b, sizeof b));
	return trace_activity_write(out, &t->act, c);
}

/* Names listed by psched_report_unmatched before "...". */
#define UNMATCHED_SHOW 12

void psched_report_unmatched(FILE *err, const char *path, const char *what, const char *const *patterns,
			     const struct trace_activity *act)
{
	char q[80];
	fprintf(err, "%s: %s: --threads: expected at least one thread matching ", path, what);
	for (const char *const *p = patterns; *p; p++)
		fprintf(err, "%s%s", p == patterns ? "" : p[1] ? ", " : " or ", trace_show(*p, strlen(*p), q, sizeof q));
	fprintf(err, ", got none of the recording's %d threads", act->nth);
	/* each name once: a recording may hold many threads of one name */
	const char *shown[UNMATCHED_SHOW];
	int n = 0, more = 0;
	for (int i = 0; i < act->nth; i++) {
		const char *name = act->th[i].name;
		int dup = 0;
		for (int k = 0; k < n && !dup; k++)
			dup = strcmp(shown[k], name) == 0;
		if (dup)
			continue;
		if (n == UNMATCHED_SHOW) {
			more = 1;
			break;
		}
		shown[n] = name;
		fprintf(err, "%s%s", n ? ", " : " (", trace_show(name, strlen(name), q, sizeof q));
		n++;
	}
	fprintf(err, "%s%s\n", more ? ", ..." : "", n ? ")" : "");
}

void psched_free(struct psched_trace *t)
{
	trace_activity_free(&t->act);
	free(t->runtime);
	free(t->prio);
	free(t->first_ns);
	free(t->last_ns);
	t->runtime = NULL;
	t->prio = NULL;
	t->first_ns = t->last_ns = NULL;
}
