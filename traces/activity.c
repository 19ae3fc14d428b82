/*
** Activity traces, "hvsim activity trace v1": writer and checked reader
** (see activity.h; the format is documented in docs/traces.md).
*/
#include "traces/activity.h"
#include "traces/csv.h"
#include "traces/pidmap.h"
#include "traces/textio.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CPU 65535

const char *const trace_act_kind_name[TRACE_NKIND] = {
	[TRACE_RUN] = "run",
	[TRACE_WAIT] = "wait",
	[TRACE_PREEMPTED] = "preempted",
	[TRACE_BLOCK] = "block",
};

int trace_activity_add_thread(struct trace_activity *t, const char *name, int pid)
{
	if (t->nth == t->capth) {
		int cap = t->capth ? 2 * t->capth : 16;
		struct trace_thread *nt = realloc(t->th, (size_t)cap * sizeof *nt);
		if (!nt)
			return -ENOMEM;
		t->th = nt;
		t->capth = cap;
	}
	char *s = strdup(name);
	if (!s)
		return -ENOMEM;
	t->th[t->nth].name = s;
	t->th[t->nth].pid = pid;
	return t->nth++;
}

int trace_activity_push(struct trace_activity *t, const struct trace_act *a)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct trace_act *na = realloc(t->a, cap * sizeof *na);
		if (!na)
			return -ENOMEM;
		t->a = na;
		t->cap = cap;
	}
	t->a[t->n++] = *a;
	return 0;
}

void trace_activity_free(struct trace_activity *t)
{
	for (int i = 0; i < t->nth; i++)
		free(t->th[i].name);
	free(t->th);
	free(t->a);
	memset(t, 0, sizeof *t);
}

int trace_activity_write(FILE *f, const struct trace_activity *t, const char *comment)
{
	char b1[32], b2[32];
	fputs("# hvsim activity trace v1\n", f);
	if (comment)
		fprintf(f, "# %s\n", comment);
	fputs(TRACE_ACTIVITY_HEADER "\n", f);
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_act *a = &t->a[i];
		trace_csv_put(f, t->th[a->thread].name);
		fprintf(f, ",%d,%s,%s,%s,%d\n", t->th[a->thread].pid,
			trace_csv_fmt_seconds(a->start_ns, b1, sizeof b1),
			trace_act_kind_name[a->kind],
			trace_csv_fmt_seconds(a->dur_ns, b2, sizeof b2), a->cpu);
	}
	return ferror(f) ? -EIO : 0;
}

void trace_activity_totals(const struct trace_activity *t, enum trace_act_kind kind, int64_t *out)
{
	for (int i = 0; i < t->nth; i++)
		out[i] = 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->a[i].kind == kind)
			out[t->a[i].thread] += t->a[i].dur_ns;
}

void trace_activity_counts(const struct trace_activity *t, enum trace_act_kind kind, uint64_t *out)
{
	for (int i = 0; i < t->nth; i++)
		out[i] = 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->a[i].kind == kind)
			out[t->a[i].thread]++;
}

/* A thread of t is its name and pid. */
struct thread_key {
	const struct trace_activity *t;
	const char *name;
	int pid;
};

static int same_thread(const void *arg, int i)
{
	const struct thread_key *k = arg;
	return k->t->th[i].pid == k->pid && strcmp(k->t->th[i].name, k->name) == 0;
}

/* The map's key of (name, pid): FNV-1a of the name mixed with the pid,
** so that threads sharing a pid (thousands of names under one pid) do
** not share a run of probes. */
static unsigned thread_hash(const char *name, int pid)
{
	uint32_t h = UINT32_C(2166136261);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * UINT32_C(16777619);
	return h ^ ((uint32_t)pid * UINT32_C(0x9e3779b1));
}

/* The index of thread (name, pid), added when new; or -ENOMEM. */
static int index_thread(struct trace_pidmap *x, struct trace_activity *t, const char *name, int pid)
{
	unsigned key = thread_hash(name, pid);
	int i = trace_pidmap_find(x, key, same_thread, &(struct thread_key){ t, name, pid });
	if (i >= 0)
		return i;
	i = trace_activity_add_thread(t, name, pid);
	if (i >= 0 && trace_pidmap_add(x, key, i))
		return -ENOMEM;
	return i;
}

/* What trace_activity_load hands trace_csv_read as ctx. */
struct act_load {
	struct trace_activity *t;
	struct trace_pidmap x;     /* t's threads by (name, pid) */
	struct trace_act a;        /* the row parsed last (thread unset) */
	int pid;                   /* ... and its pid */
};

/* The parse hook: check one row's fields into l->a and l->pid. */
static int parse_row(void *ctx, char **c, const char *path, int line, struct diag *d, int64_t *t_ns)
{
	struct act_load *l = ctx;
	struct trace_act *a = &l->a;
	char g[80];
	const char *why;
	int64_t v;
	int bad = 0;

	memset(a, 0, sizeof *a);
	a->line = line;
	if (!*c[0]) {
		diag_error(d, path, line, "thread: expected a thread name, got ''");
		bad = 1;
	}
	if (trace_csv_int(c[1], INT32_MAX, &v)) {
		diag_error(d, path, line, "pid: expected a thread id (a non-negative integer), got %s",
			   trace_show(c[1], strlen(c[1]), g, sizeof g));
		bad = 1;
	} else {
		l->pid = (int)v;
	}
	if (trace_csv_seconds(c[2], &a->start_ns, &why)) {
		diag_error(d, path, line, "start_s: %s, got %s", why,
			   trace_show(c[2], strlen(c[2]), g, sizeof g));
		bad = 1;
	}
	int k;
	for (k = 0; k < TRACE_NKIND; k++)
		if (strcmp(c[3], trace_act_kind_name[k]) == 0)
			break;
	if (k == TRACE_NKIND) {
		diag_error(d, path, line, "kind: expected one of run, wait, preempted, block, got %s",
			   trace_show(c[3], strlen(c[3]), g, sizeof g));
		bad = 1;
	}
	a->kind = (enum trace_act_kind)k;
	if (trace_csv_seconds(c[4], &a->dur_ns, &why)) {
		diag_error(d, path, line, "duration_s: %s, got %s", why,
			   trace_show(c[4], strlen(c[4]), g, sizeof g));
		bad = 1;
	}
	if (trace_csv_int(c[5], MAX_CPU, &v)) {
		diag_error(d, path, line, "cpu: expected a CPU number from 0 to %d, got %s", MAX_CPU,
			   trace_show(c[5], strlen(c[5]), g, sizeof g));
		bad = 1;
	} else {
		a->cpu = (int)v;
	}
	if (!bad && trace_time_max(a->start_ns + a->dur_ns, &why)) {
		char b[32];
		diag_error(d, path, line,
			   "duration_s: expected a row that ends by 100000000 seconds (about 3.2 years, the "
			   "longest run), got an end at %s", trace_csv_fmt_seconds(a->start_ns + a->dur_ns, b, sizeof b));
		bad = 1;
	}
	/* a bounded number of threads (docs/limits.md) */
	if (!bad && l->t->nth >= TRACE_MAX_THREADS &&
	    trace_pidmap_find(&l->x, thread_hash(c[0], l->pid), same_thread,
			      &(struct thread_key){ l->t, c[0], l->pid }) < 0) {
		diag_error(d, path, line, "thread: expected at most %d threads in a trace, got more",
			   TRACE_MAX_THREADS);
		bad = 1;
	}
	*t_ns = a->start_ns;
	return bad ? -1 : 0;
}

/* The keep hook: the row's thread, by (name, pid), then the row. */
static int keep_row(void *ctx, char **c)
{
	struct act_load *l = ctx;
	l->a.thread = index_thread(&l->x, l->t, c[0], l->pid);
	if (l->a.thread < 0 || trace_activity_push(l->t, &l->a))
		return -ENOMEM;
	return 0;
}

struct span {
	int thread, line;
	int64_t start, end;
};

static int by_thread_start(const void *pa, const void *pb)
{
	const struct span *a = pa, *b = pb;
	if (a->thread != b->thread)
		return a->thread < b->thread ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* The end hook: report rows that start before the previous row of their
** thread ends:
** sort the rows' spans by (thread, start), compare neighbours.
** O(n log n). */
static int check_overlaps(void *ctx, const char *path, struct diag *d)
{
	const struct trace_activity *t = ((const struct act_load *)ctx)->t;
	if (t->n < 2)
		return 0;
	struct span *s = malloc(t->n * sizeof *s);
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_act *a = &t->a[i];
		s[i] = (struct span){ a->thread, a->line, a->start_ns, a->start_ns + a->dur_ns };
	}
	qsort(s, t->n, sizeof *s, by_thread_start);
	/* A row must start after the latest end of its thread's earlier rows. */
	const struct span *last = &s[0];
	for (size_t i = 1; i < t->n; i++) {
		const struct span *a = &s[i];
		if (a->thread != last->thread) {
			last = a;
			continue;
		}
		if (a->start < last->end) {
			char b1[32], b2[32], g[80];
			const struct trace_thread *th = &t->th[a->thread];
			diag_error(d, path, a->line,
				   "start_s: expected thread %s pid %d to start at or after %s (end of its row at line %d), got %s",
				   trace_show(th->name, strlen(th->name), g, sizeof g), th->pid,
				   trace_csv_fmt_seconds(last->end, b1, sizeof b1), last->line,
				   trace_csv_fmt_seconds(a->start, b2, sizeof b2));
		}
		if (a->end > last->end)
			last = a;
	}
	free(s);
	return 0;
}

static const struct trace_csv_format activity_csv = {
	.header = TRACE_ACTIVITY_HEADER,
	.ncol = 6,
	.time_col = "start_s",
	.row_name = "row",
	.parse = parse_row,
	.keep = keep_row,
	.end = check_overlaps,
};

int trace_activity_load(const char *path, struct diag *d, struct trace_activity *t)
{
	struct act_load l = { .t = t };
	memset(t, 0, sizeof *t);
	int rc = trace_csv_read(path, &activity_csv, &l, d);
	trace_pidmap_free(&l.x);
	if (rc)
		trace_activity_free(t);
	return rc;
}
