/*
** Thread models (thread_model.h): inferred from a perf sched recording,
** written and read as "hvsim thread model v1".
*/
#include "traces/thread_model.h"
#include "traces/csv.h"
#include "sim/engine/cpulist.h"
#include "sim/engine/infile.h"
#include "traces/textio.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_S 1000000000LL

static int push(int64_t **a, size_t *n, size_t *cap, int64_t v)
{
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 32;
		int64_t *na = realloc(*a, nc * sizeof *na);
		if (!na)
			return -ENOMEM;
		*a = na;
		*cap = nc;
	}
	(*a)[(*n)++] = v;
	return 0;
}

static int cmp_i64(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return a < b ? -1 : a > b;
}

static int matches(const char *name, const char *const *patterns)
{
	if (!patterns)
		return 1;
	for (const char *const *p = patterns; *p; p++)
		if (fnmatch(*p, name, 0) == 0)
			return 1;
	return 0;
}

static struct tm_thread *add_thread(struct tmodel *m, const char *name, int pid)
{
	struct tm_thread *nt = realloc(m->th, (size_t)(m->nth + 1) * sizeof *nt);
	if (!nt)
		return NULL;
	m->th = nt;
	struct tm_thread *t = &m->th[m->nth];
	memset(t, 0, sizeof *t);
	t->name = strdup(name);
	if (!t->name)
		return NULL;
	t->pid = pid;
	t->prio = -1;
	m->nth++;
	return t;
}

int tmodel_build(const struct psched_trace *tr, const char *const *patterns, const struct tm_affinity *aff,
		 int naff, const char *path, FILE *err, struct tmodel *m)
{
	const struct trace_activity *a = &tr->act;
	int matched = 0;
	memset(m, 0, sizeof *m);
	for (int i = 0; i < a->nth; i++) {
		const char *name = a->th[i].name;
		if (!matches(name, patterns))
			continue;
		matched++;
		struct tm_thread *t = add_thread(m, name, a->th[i].pid);
		if (!t)
			goto oom;
		size_t bcap = 0, scap = 0, nblock = 0, nwait = 0, wcap = 0;
		int64_t blocked = 0, acc = 0, *waits = NULL;
		int runs = 0, bursts_seen = 0;
		for (size_t k = 0; k < a->n; k++) {
			const struct trace_act *r = &a->a[k];
			if (r->thread != i)
				continue;
			if (r->kind == TRACE_RUN) {
				acc += tr->runtime && tr->runtime[k] >= 0 ? tr->runtime[k] : r->dur_ns;
				runs++;
			} else if (r->kind == TRACE_WAIT) {
				if (push(&waits, &nwait, &wcap, r->dur_ns)) {
					free(waits);
					goto oom;
				}
			} else if (r->kind == TRACE_BLOCK) {
				nblock++;
				blocked += r->dur_ns;
				if (acc > 0) {
					if (push(&t->burst, &t->nburst, &bcap, acc))
						goto oom;
					bursts_seen = 1;
				}
				acc = 0;
				if (bursts_seen && push(&t->sleep, &t->nsleep, &scap, r->dur_ns))
					goto oom;
			}
		}
		if (nwait >= TMODEL_MIN_WAKEUPS) {
			/* the median, the mean of the middle two for an even count */
			qsort(waits, nwait, sizeof *waits, cmp_i64);
			t->wakeup_ns = nwait % 2 ? waits[nwait / 2] : (waits[nwait / 2 - 1] + waits[nwait / 2]) / 2;
		}
		free(waits);
		/* a trailing sleep without a burst after it tells nothing more */
		if (t->nsleep > t->nburst)
			t->nsleep = t->nburst;
		t->prio = tr->prio ? tr->prio[i] : -1;
		t->nice = t->prio >= 100 && t->prio <= 139 ? t->prio - 120 : 0;
		if (t->prio >= 0 && t->prio < 100)
			fprintf(err, "%s: thread model: %s (pid %d) has prio %d (real-time): modelled as a fair thread of nice 0\n",
				path, name, t->pid, t->prio);
		t->start_ns = tr->first_ns ? tr->first_ns[i] : 0;
		t->life_ns = tr->last_ns ? tr->last_ns[i] - t->start_ns : 0;
		if (t->life_ns < 0)
			t->life_ns = 0;
		int64_t allowed = t->life_ns / NS_PER_S > 1 ? t->life_ns / NS_PER_S : 1;
		t->cpu_bound = runs > 0 && (int64_t)nblock <= allowed && blocked * 100 <= t->life_ns;
		if (t->cpu_bound) {
			t->wakeup_ns = 0;   /* its start-up's wake-ups only */
			free(t->burst);
			free(t->sleep);
			t->burst = t->sleep = NULL;
			t->nburst = t->nsleep = 0;
		} else if (t->nburst == 0) {
			fprintf(err, "%s: thread model: %s (pid %d) blocked but completed no burst between blocks: it is left out\n",
				path, name, t->pid);
			free(t->name);
			free(t->burst);
			free(t->sleep);
			m->nth--;
			continue;
		}
		for (int j = 0; j < naff; j++)
			if (aff[j].tid == t->pid) {
				free(t->cpus);
				t->cpus = strdup(aff[j].cpus);
				if (!t->cpus)
					goto oom;
			}
	}
	if (m->nth == 0 && patterns && !matched) {
		psched_report_unmatched(err, path, "thread model", patterns, a);
		tmodel_free(m);
		return -ENOENT;
	}
	if (m->nth == 0) {
		/* those that matched were left out (each reported above) */
		fprintf(err, "%s: thread model: expected at least one thread%s, got none\n", path,
			patterns ? " matching --threads" : " that ran");
		tmodel_free(m);
		return -ENOENT;
	}
	return 0;
oom:
	tmodel_free(m);
	return -ENOMEM;
}

int tmodel_write(FILE *f, const struct tmodel *m, const char *comment)
{
	char b[32];
	fputs("# hvsim thread model v1\n", f);
	if (comment)
		fprintf(f, "# %s\n", comment);
	fputs(TMODEL_HEADER "\n", f);
	for (int i = 0; i < m->nth; i++) {
		const struct tm_thread *t = &m->th[i];
#define ROW(field)                                   \
	do {                                         \
		trace_csv_put(f, t->name);           \
		fprintf(f, ",%d,%s,", t->pid, field); \
	} while (0)
		ROW("nice");
		fprintf(f, "%d\n", t->nice);
		ROW("cpus");
		trace_csv_put(f, t->cpus ? t->cpus : "");
		fputc('\n', f);
		ROW("start_s");
		fprintf(f, "%s\n", trace_csv_fmt_seconds(t->start_ns, b, sizeof b));
		ROW("life_s");
		fprintf(f, "%s\n", trace_csv_fmt_seconds(t->life_ns, b, sizeof b));
		ROW("cpu_bound");
		fprintf(f, "%d\n", t->cpu_bound);
		if (t->wakeup_ns > 0) {
			ROW("wakeup_s");
			fprintf(f, "%s\n", trace_csv_fmt_seconds(t->wakeup_ns, b, sizeof b));
		}
		for (size_t k = 0; k < t->nburst || k < t->nsleep; k++) {
			if (k < t->nburst) {
				ROW("burst_s");
				fprintf(f, "%s\n", trace_csv_fmt_seconds(t->burst[k], b, sizeof b));
			}
			if (k < t->nsleep) {
				ROW("sleep_s");
				fprintf(f, "%s\n", trace_csv_fmt_seconds(t->sleep[k], b, sizeof b));
			}
		}
#undef ROW
	}
	return ferror(f) ? -EIO : 0;
}

void tmodel_free(struct tmodel *m)
{
	for (int i = 0; i < m->nth; i++) {
		free(m->th[i].name);
		free(m->th[i].cpus);
		free(m->th[i].burst);
		free(m->th[i].sleep);
	}
	free(m->th);
	memset(m, 0, sizeof *m);
}

int tmodel_cpulist_ok(const char *s)
{
	return cpulist_ok(s, TMODEL_CPU_LIMIT);
}

/* ------------------------------------------------------------ reader --- */

/* F_WAKEUP and after are optional, F_BURST and F_SLEEP repeated */
enum field { F_NICE, F_CPUS, F_START, F_LIFE, F_CPU_BOUND, F_WAKEUP, F_BURST, F_SLEEP, F_N };
static const char *const field_name[F_N] = { "nice", "cpus", "start_s", "life_s", "cpu_bound", "wakeup_s",
					      "burst_s", "sleep_s" };

struct seen_fields {
	int line[F_N];
	size_t bcap, scap;
};

/* Long: one pass over the thread model's rows, each column checked where
** it is read, with its file:line message. */
int tmodel_load(const char *path, struct diag *d, struct tmodel *m)
{
	memset(m, 0, sizeof *m);
	char reason[200];
	FILE *f = infile_open(path, reason, sizeof reason);   /* a FIFO would block fopen */
	if (!f) {
		diag_error(d, path, 0, "%s", reason);
		return -ENOENT;
	}
	struct trace_lines lr;
	trace_lines_init(&lr, f);
	char *line, g[80];
	size_t len;
	int got, header = 0, bad = 0, rc = 0;
	struct seen_fields *sf = NULL;
	while ((got = trace_lines_next(&lr, &line, &len)) > 0) {
		int ln = lr.lineno;
		if (line[0] == '#' || trace_blank(line))
			continue;
		if (lr.has_nul) {
			diag_error(d, path, ln, "expected text, got a NUL byte at column %d", lr.nul_col);
			bad = 1;
			continue;
		}
		if (!header) {
			if (strcmp(line, TMODEL_HEADER)) {
				diag_error(d, path, ln, "expected the header '" TMODEL_HEADER "', got %s",
					   trace_show(line, len, g, sizeof g));
				bad = 1;
				break;
			}
			header = 1;
			continue;
		}
		char *c[5];
		const char *why;
		int n = trace_csv_split(line, c, 5, &why);
		if (n < 0) {
			diag_error(d, path, ln, "%s", why);
			bad = 1;
			continue;
		}
		if (n != 4) {
			diag_error(d, path, ln, "expected 4 fields (" TMODEL_HEADER "), got %d", n);
			bad = 1;
			continue;
		}
		int64_t pid;
		if (!*c[0]) {
			diag_error(d, path, ln, "thread: expected a thread name, got ''");
			bad = 1;
			continue;
		}
		if (trace_csv_int(c[1], INT32_MAX, &pid)) {
			diag_error(d, path, ln, "pid: expected a thread id (a non-negative integer), got %s",
				   trace_show(c[1], strlen(c[1]), g, sizeof g));
			bad = 1;
			continue;
		}
		int k;
		for (k = 0; k < F_N && strcmp(c[2], field_name[k]); k++)
			;
		if (k == F_N) {
			diag_error(d, path, ln,
				   "field: expected one of nice, cpus, start_s, life_s, cpu_bound, wakeup_s, burst_s, sleep_s, got %s",
				   trace_show(c[2], strlen(c[2]), g, sizeof g));
			bad = 1;
			continue;
		}
		int i;
		for (i = 0; i < m->nth && !(m->th[i].pid == (int)pid && !strcmp(m->th[i].name, c[0])); i++)
			;
		if (i == m->nth) {
			struct seen_fields *ns = realloc(sf, (size_t)(m->nth + 1) * sizeof *ns);
			if (!ns) {
				rc = -ENOMEM;
				break;
			}
			sf = ns;
			memset(&sf[i], 0, sizeof sf[i]);
			struct tm_thread *t = add_thread(m, c[0], (int)pid);
			if (!t) {
				rc = -ENOMEM;
				break;
			}
			t->line = ln;
		}
		struct tm_thread *t = &m->th[i];
		const char *v = c[3];
		if (k < F_BURST && sf[i].line[k]) {
			diag_error(d, path, ln, "field: expected %s once for thread %s pid %d (it is on line %d), got it again",
				   field_name[k], trace_show(t->name, strlen(t->name), g, sizeof g), t->pid,
				   sf[i].line[k]);
			bad = 1;
			continue;
		}
		sf[i].line[k] = ln;
		int64_t x;
		switch (k) {
		case F_NICE: {
			char *end;
			long nv = strtol(v, &end, 10);
			if (!*v || *end || nv < -20 || nv > 19) {
				diag_error(d, path, ln, "value: expected a nice level from -20 to 19, got %s",
					   trace_show(v, strlen(v), g, sizeof g));
				bad = 1;
			}
			t->nice = (int)nv;
			break;
		}
		case F_CPUS:
			if (*v && (strlen(v) > TMODEL_CPULIST_MAX || !tmodel_cpulist_ok(v))) {
				diag_error(d, path, ln, "value: expected a CPU list such as 0-3,6 (or empty: any CPU), got %s",
					   trace_show(v, strlen(v), g, sizeof g));
				bad = 1;
			} else if (*v && !(t->cpus = strdup(v))) {
				rc = -ENOMEM;
			}
			break;
		case F_CPU_BOUND:
			if (strcmp(v, "0") && strcmp(v, "1")) {
				diag_error(d, path, ln, "value: expected 0 or 1, got %s", trace_show(v, strlen(v), g, sizeof g));
				bad = 1;
			}
			t->cpu_bound = v[0] == '1';
			break;
		default:
			if (trace_csv_seconds(v, &x, &why)) {
				diag_error(d, path, ln, "value: %s, got %s", why, trace_show(v, strlen(v), g, sizeof g));
				bad = 1;
				break;
			}
			if (k == F_WAKEUP)
				t->wakeup_ns = x;
			else if (k == F_START)
				t->start_ns = x;
			else if (k == F_LIFE)
				t->life_ns = x;
			else if (k == F_BURST && x <= 0) {
				diag_error(d, path, ln, "value: expected a burst above 0 s, got %s",
					   trace_show(v, strlen(v), g, sizeof g));
				bad = 1;
			} else if ((k == F_BURST ? push(&t->burst, &t->nburst, &sf[i].bcap, x)
				    : push(&t->sleep, &t->nsleep, &sf[i].scap, x))) {
				rc = -ENOMEM;
			}
			break;
		}
		if (rc)
			break;
	}
	if (got < 0 && !rc) {
		diag_error(d, path, 0, "cannot read: %s", strerror(lr.err ? lr.err : EIO));
		bad = 1;
	}
	if (!rc && !bad && !header) {
		diag_error(d, path, lr.lineno, "expected the header '" TMODEL_HEADER "', got the end of the file");
		bad = 1;
	}
	if (!rc && !bad && m->nth == 0) {
		diag_error(d, path, lr.lineno, "expected at least one thread, got none");
		bad = 1;
	}
	/* every thread complete */
	for (int i = 0; !rc && !bad && i < m->nth; i++) {
		struct tm_thread *t = &m->th[i];
		for (int k = 0; k < F_WAKEUP; k++)
			if (!sf[i].line[k] && k != F_CPUS) {
				diag_error(d, path, t->line, "thread %s pid %d: expected a %s row, got none",
					   trace_show(t->name, strlen(t->name), g, sizeof g), t->pid, field_name[k]);
				bad = 1;
			}
		if (!t->cpu_bound && (t->nburst == 0 || t->nsleep == 0)) {
			diag_error(d, path, t->line,
				   "thread %s pid %d: expected burst_s and sleep_s rows for cpu_bound 0, got %zu and %zu",
				   trace_show(t->name, strlen(t->name), g, sizeof g), t->pid, t->nburst, t->nsleep);
			bad = 1;
		}
		if (t->cpu_bound && (t->nburst || t->nsleep)) {
			diag_error(d, path, t->line,
				   "thread %s pid %d: expected no burst_s or sleep_s rows for cpu_bound 1, got %zu and %zu",
				   trace_show(t->name, strlen(t->name), g, sizeof g), t->pid, t->nburst, t->nsleep);
			bad = 1;
		}
	}
	trace_lines_free(&lr);
	fclose(f);
	free(sf);
	if (rc || bad) {
		tmodel_free(m);
		return rc ? rc : -EINVAL;
	}
	return 0;
}

int tmodel_affinity_load(const char *path, struct diag *d, struct tm_affinity **aff, int *naff)
{
	*aff = NULL;
	*naff = 0;
	char why[200];
	FILE *f = infile_open(path, why, sizeof why);
	if (!f) {
		diag_error(d, path, 0, "%s", why);
		return -ENOENT;
	}
	struct trace_lines lr;
	trace_lines_init(&lr, f);
	char *line, g[80];
	size_t len;
	int got, bad = 0, rc = 0;
	while ((got = trace_lines_next(&lr, &line, &len)) > 0) {
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || !*p)
			continue;
		char *end;
		long tid = strtol(p, &end, 10);
		char *cl = end;
		while (*cl == ' ' || *cl == '\t')
			cl++;
		char *ce = cl;
		while (*ce && *ce != ' ' && *ce != '\t')
			ce++;
		int trailing = 0;
		for (char *q = ce; *q; q++)
			trailing |= *q != ' ' && *q != '\t';
		char cut = *ce;
		*ce = 0;
		if (end == p || tid < 0 || tid > INT32_MAX || cl == end || trailing || !tmodel_cpulist_ok(cl) ||
		    strlen(cl) > TMODEL_CPULIST_MAX) {
			*ce = cut;   /* the line as written, not as split */
			diag_error(d, path, lr.lineno, "expected 'TID CPULIST' (e.g. '4242 0-1'), got %s",
				   trace_show(line, len, g, sizeof g));
			bad = 1;
			continue;
		}
		struct tm_affinity *na = realloc(*aff, (size_t)(*naff + 1) * sizeof *na);
		if (!na) {
			rc = -ENOMEM;
			break;
		}
		*aff = na;
		na[*naff].tid = (int)tid;
		na[*naff].cpus = strdup(cl);
		if (!na[(*naff)++].cpus) {
			rc = -ENOMEM;
			break;
		}
	}
	if (got < 0 && !rc) {
		diag_error(d, path, 0, "cannot read: %s", strerror(lr.err ? lr.err : EIO));
		bad = 1;
	}
	trace_lines_free(&lr);
	fclose(f);
	if (rc || bad) {
		tmodel_affinity_free(*aff, *naff);
		*aff = NULL;
		*naff = 0;
		return rc ? rc : -EINVAL;
	}
	return 0;
}

void tmodel_affinity_free(struct tm_affinity *aff, int naff)
{
	for (int i = 0; i < naff; i++)
		free(aff[i].cpus);
	free(aff);
}
