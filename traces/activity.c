/*
** Activity traces, "hvsim activity trace v1": writer and checked reader
** (see activity.h; the format is documented in docs/traces.md).
*/
#include "traces/activity.h"
#include "traces/csv.h"
#include "traces/textio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NCOL 6
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

/*
** Threads by (name, pid): open addressing on the pid, name compared on a
** hit; the table is kept at most half full.
*/
struct thread_index {
	int *slot;             /* thread index + 1; 0 is empty */
	size_t size;
};

static size_t hash_pid(int pid, size_t size)
{
	return ((uint32_t)pid * UINT32_C(2654435761)) & (size - 1);
}

static int index_grow(struct thread_index *x, const struct trace_activity *t)
{
	size_t size = x->size ? 2 * x->size : 64;
	int *slot = calloc(size, sizeof *slot);
	if (!slot)
		return -ENOMEM;
	for (int i = 0; i < t->nth; i++) {
		size_t h = hash_pid(t->th[i].pid, size);
		while (slot[h])
			h = (h + 1) & (size - 1);
		slot[h] = i + 1;
	}
	free(x->slot);
	x->slot = slot;
	x->size = size;
	return 0;
}

static int index_thread(struct thread_index *x, struct trace_activity *t, const char *name, int pid)
{
	if ((size_t)(t->nth + 1) * 2 > x->size && index_grow(x, t))
		return -ENOMEM;
	size_t h = hash_pid(pid, x->size);
	for (; x->slot[h]; h = (h + 1) & (x->size - 1)) {
		const struct trace_thread *th = &t->th[x->slot[h] - 1];
		if (th->pid == pid && strcmp(th->name, name) == 0)
			return x->slot[h] - 1;
	}
	int i = trace_activity_add_thread(t, name, pid);
	if (i >= 0)
		x->slot[h] = i + 1;
	return i;
}

/* Check one row's fields; report into d.  0 with *a (thread unset), or -1. */
static int parse_row(char **c, const char *path, int line, struct diag *d, struct trace_act *a, int *pid)
{
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
		*pid = (int)v;
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
	return bad ? -1 : 0;
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

/* Report rows that start before the previous row of their thread ends:
** sort the rows' spans by (thread, start), compare neighbours.
** O(n log n). */
static int check_overlaps(const char *path, struct diag *d, const struct trace_activity *t)
{
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

int trace_activity_load(const char *path, struct diag *d, struct trace_activity *t)
{
	struct trace_lines in;
	struct thread_index x = { 0 };
	char *line, g[80];
	size_t len;
	int rc, errs = diag_count(d), header = 0, prev_line = 0;
	int64_t prev_t = 0;

	memset(t, 0, sizeof *t);
	FILE *f = fopen(path, "r");
	if (!f) {
		diag_error(d, path, 0, "cannot open: %s", strerror(errno));
		return -ENOENT;
	}
	trace_lines_init(&in, f);
	while ((rc = trace_lines_next(&in, &line, &len)) > 0) {
		int ln = in.lineno;
		if (in.has_nul) {
			diag_error(d, path, ln, "expected text, got a NUL byte at column %d", in.nul_col);
			continue;
		}
		if (line[0] == '#' || trace_blank(line))
			continue;
		if (!header) {
			if (strcmp(line, TRACE_ACTIVITY_HEADER)) {
				diag_error(d, path, ln, "expected the header '%s', got %s",
					   TRACE_ACTIVITY_HEADER, trace_show(line, len, g, sizeof g));
				break;
			}
			header = 1;
			continue;
		}
		char *c[NCOL];
		const char *why;
		int n = trace_csv_split(line, c, NCOL, &why);
		if (n < 0) {
			diag_error(d, path, ln, "%s", why);
			continue;
		}
		if (n != NCOL) {
			diag_error(d, path, ln, "expected %d fields (%s), got %d", NCOL,
				   TRACE_ACTIVITY_HEADER, n);
			continue;
		}
		struct trace_act a;
		int pid = 0;
		if (parse_row(c, path, ln, d, &a, &pid))
			continue;
		if (prev_line && a.start_ns < prev_t) {
			char b1[32], b2[32];
			diag_error(d, path, ln, "start_s: expected a time at or after %s (line %d), got %s",
				   trace_csv_fmt_seconds(prev_t, b1, sizeof b1), prev_line,
				   trace_csv_fmt_seconds(a.start_ns, b2, sizeof b2));
			continue;
		}
		prev_t = a.start_ns;
		prev_line = ln;
		a.thread = index_thread(&x, t, c[0], pid);
		if (a.thread < 0 || trace_activity_push(t, &a)) {
			rc = -ENOMEM;
			break;
		}
	}
	if (rc == -EIO)
		diag_error(d, path, 0, "read error");
	else if (rc == 0 && !header)
		diag_error(d, path, in.lineno, "expected the header '%s', got end of file",
			   TRACE_ACTIVITY_HEADER);
	else if (rc == 0 && diag_count(d) == errs && t->n == 0)
		diag_error(d, path, in.lineno, "expected at least one row, got none");
	if (rc >= 0 && check_overlaps(path, d, t))
		rc = -ENOMEM;
	free(x.slot);
	trace_lines_free(&in);
	fclose(f);
	if (rc == -ENOMEM) {
		trace_activity_free(t);
		return -ENOMEM;
	}
	if (diag_count(d) > errs) {
		trace_activity_free(t);
		return -EINVAL;
	}
	return 0;
}
