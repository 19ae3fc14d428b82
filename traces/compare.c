/*
** hvsim compare: recorded vs predicted, per thread (see compare.h).
*/
#include "traces/compare.h"
#include "sim/engine/diag.h"
#include "sim/engine/infile.h"
#include "sim/engine/units.h"
#include "traces/activity.h"
#include "traces/csv.h"
#include "traces/hoststats.h"
#include "traces/measured.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_WRITE 1
#define EXIT_USAGE 2



struct pair {
	struct hs_thread rec, pred;
	int has_pred;
};

static int load(const char *path, struct trace_activity *t)
{
	struct diag d = { 0 };
	int rc = trace_activity_load(path, &d, t);
	diag_print(&d, stderr);
	diag_free(&d);
	return rc;
}

static void put_num(FILE *f, double x)
{
	if (isfinite(x))
		fprintf(f, "%.9g", x);
}

/* One comparison: recorded r, predicted p, error, criterion and verdict. */
struct cmp {
	const char *metric;
	double r, p, err;
	const char *crit;
	int pass;                     /* 1, 0, -1 no criterion or not comparable */
};

static double ratio(double p, double r)
{
	return r > 0 && isfinite(p) && isfinite(r) ? p / r : NAN;
}

static int within(double x, double lim)
{
	return isfinite(x) ? x <= lim && x >= 1 / lim : -1;
}

static int compare_pair(const struct pair *q, struct cmp *c)
{
	const struct hs_thread *r = &q->rec, *p = &q->pred;
	double scale = p->life > 0 ? r->life / p->life : NAN;
	int n = 0;
	c[n++] = (struct cmp){ "cpu_share", r->cpu_share, p->cpu_share, 100 * (p->cpu_share - r->cpu_share),
			       "|error| <= 5 points", fabs(100 * (p->cpu_share - r->cpu_share)) <= COMPARE_SHARE_POINTS };
	c[n] = (struct cmp){ "wakeup_p50_s", r->wakeup_p50, p->wakeup_p50, ratio(p->wakeup_p50, r->wakeup_p50),
			     "0.5 <= ratio <= 2", 0 };
	c[n].pass = r->wakeups >= COMPARE_MIN_WAKEUPS ? within(c[n].err, COMPARE_WAKE_RATIO) : -1;
	n++;
	c[n++] = (struct cmp){ "wakeup_p95_s", r->wakeup_p95, p->wakeup_p95, ratio(p->wakeup_p95, r->wakeup_p95), "", -1 };
	c[n++] = (struct cmp){ "run_per_dispatch_s", r->run_per_dispatch, p->run_per_dispatch,
			       ratio(p->run_per_dispatch, r->run_per_dispatch), "", -1 };
	c[n] = (struct cmp){ "dispatches", (double)r->dispatches, (double)p->dispatches * scale,
			     ratio((double)p->dispatches * scale, (double)r->dispatches), "1/1.5 <= ratio <= 1.5", 0 };
	c[n].pass = within(c[n].err, COMPARE_DISPATCH_RATIO);
	n++;
	c[n++] = (struct cmp){ "wakeups", (double)r->wakeups, (double)p->wakeups * scale,
			       ratio((double)p->wakeups * scale, (double)r->wakeups), "", -1 };
	return n;
}

static void fmt_ms(char *b, size_t n, double s)
{
	if (isfinite(s))
		snprintf(b, n, "%.3f", s * 1e3);
	else
		snprintf(b, n, "-");
}

static void print_table(FILE *f, const struct pair *q, int n)
{
	fprintf(f, "%-16s %18s %21s %21s %21s %25s\n", "", "CPU share (%)", "wake-up p50 (ms)", "wake-up p95 (ms)",
		"run/dispatch (ms)", "dispatches");
	fprintf(f, "%-16s %6s %5s %5s  %6s %6s %6s  %6s %6s %6s  %6s %6s %6s  %7s %8s %6s  %s\n", "thread", "rec", "pred",
		"err", "rec", "pred", "x", "rec", "pred", "x", "rec", "pred", "x", "rec", "pred", "x", "criteria");
	for (int i = 0; i < n; i++) {
		struct cmp c[8];
		compare_pair(&q[i], c);
		char b[6][24];
		fmt_ms(b[0], sizeof b[0], c[1].r);
		fmt_ms(b[1], sizeof b[1], c[1].p);
		fmt_ms(b[2], sizeof b[2], c[2].r);
		fmt_ms(b[3], sizeof b[3], c[2].p);
		fmt_ms(b[4], sizeof b[4], c[3].r);
		fmt_ms(b[5], sizeof b[5], c[3].p);
		char verdict[64];
		snprintf(verdict, sizeof verdict, "share %s, wake %s, disp %s", c[0].pass ? "ok" : "MISS",
			 c[1].pass < 0 ? "n/a" : c[1].pass ? "ok" : "MISS", c[4].pass < 0 ? "n/a" : c[4].pass ? "ok" : "MISS");
		fprintf(f, "%-16.16s %6.1f %5.1f %+5.1f  %6s %6s %6.2f  %6s %6s %6.2f  %6s %6s %6.2f  %7.0f %8.0f %6.2f  %s\n",
			q[i].rec.name, 100 * c[0].r, 100 * c[0].p, c[0].err, b[0], b[1], c[1].err, b[2], b[3], c[2].err, b[4],
			b[5], c[3].err, c[4].r, c[4].p, c[4].err, verdict);
	}
}

/* A file written beside PATH under a temporary name and renamed onto it
** once whole: NULL (reported) when it cannot be created. */
static FILE *out_begin_tmp(const char *path, char **tmp)
{
	size_t len = strlen(path) + 32;
	*tmp = malloc(len);
	if (!*tmp)
		return NULL;
	snprintf(*tmp, len, "%s.tmp-%ld", path, (long)getpid());
	FILE *f = fopen(*tmp, "w");
	if (!f) {
		fprintf(stderr, "hvsim compare: %s: cannot create: %s\n", *tmp, strerror(errno));
		free(*tmp);
	}
	return f;
}

/* Close F and rename TMP onto PATH; on any failure (reported) TMP is
** removed and PATH untouched.  Frees TMP.  0 or -1. */
static int out_commit_tmp(FILE *f, char *tmp, const char *path)
{
	int bad = ferror(f) | fclose(f);
	if (!bad && rename(tmp, path)) {
		bad = 1;
		fprintf(stderr, "hvsim compare: %s: cannot write: %s\n", path, strerror(errno));
	}
	if (bad)
		unlink(tmp);
	free(tmp);
	return bad ? -1 : 0;
}

static int write_csv(const char *path, const struct pair *q, int n)
{
	char *tmp;
	FILE *f = out_begin_tmp(path, &tmp);
	if (!f)
		return -1;
	fputs("thread,metric,recorded,predicted,error,criterion,pass\n", f);
	for (int i = 0; i < n; i++) {
		struct cmp c[8];
		int m = compare_pair(&q[i], c);
		for (int k = 0; k < m; k++) {
			trace_csv_put(f, q[i].rec.name);
			fprintf(f, ",%s,", c[k].metric);
			put_num(f, c[k].r);
			fputc(',', f);
			put_num(f, c[k].p);
			fputc(',', f);
			put_num(f, c[k].err);
			fprintf(f, ",%s,", c[k].crit);
			if (c[k].pass >= 0 && *c[k].crit)
				fprintf(f, "%d", c[k].pass);
			fputc('\n', f);
		}
	}
	return out_commit_tmp(f, tmp, path);
}

/* An id of letters, digits, '.', '_', '-' from s (others become '_'),
** at most MEAS_ID_MAX characters. */
static void id_of(char *dst, size_t n, const char *mix, const char *thread, const char *metric)
{
	char raw[256];
	snprintf(raw, sizeof raw, "%s.%s.%s", mix, thread, metric);
	size_t k = 0;
	for (const char *s = raw; *s && k + 1 < n && k < MEAS_ID_MAX; s++)
		dst[k++] = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-", *s) ? *s : '_';
	dst[k] = 0;
}

static int write_measured(const char *path, const char *trace, const char *mix, const char *hv, const char *mem,
			  const char *use, int ncpu, const struct pair *q, int n)
{
	char *tmp;
	FILE *f = out_begin_tmp(path, &tmp);
	if (!f)
		return -1;
	const char *slash = strrchr(trace, '/');
	/* the recording's name goes into a comment line and each row's
	** source: a newline in it ended the comment ("x.csv" read as the
	** header) and split the rows, so control characters become '?' */
	char base[256];
	snprintf(base, sizeof base, "%s", slash ? slash + 1 : trace);
	for (char *p = base; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	fputs("# hvsim measured points v1\n", f);
	fprintf(f, "# written by hvsim compare --measured from %s\n", base);
	fputs(MEAS_HEADER_SUBJECT "\n", f);
	for (int i = 0; i < n; i++) {
		const struct hs_thread *r = &q[i].rec;
		const struct {
			const char *metric;
			double v;
		} m[] = {
			{ "cpu_share", r->cpu_share },
			{ "wakeup_p50_s", r->wakeup_p50 },
			{ "wakeup_p95_s", r->wakeup_p95 },
			{ "run_per_dispatch_s", r->run_per_dispatch },
			{ "dispatches_per_s", r->dispatches_per_s },
		};
		for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
			if (!(isfinite(m[k].v) && m[k].v > 0))
				continue;   /* a value row needs a positive number */
			if (k == 1 || k == 2) {
				if (r->wakeups < COMPARE_MIN_WAKEUPS)
					continue;   /* a CPU-bound thread's start-up */
			}
			char id[MEAS_ID_MAX + 1], subj[256], src[400], note[400];
			id_of(id, sizeof id, mix, r->name, m[k].metric);
			snprintf(subj, sizeof subj, "%s/%s", mix, r->name);
			snprintf(src, sizeof src, "perf sched recording %s (hvsim compare --measured)", base);
			snprintf(note, sizeof note, "thread %s pid %d: life %.3f s, %llu dispatches, %llu wake-ups", r->name,
				 r->pid, r->life, (unsigned long long)r->dispatches, (unsigned long long)r->wakeups);
			fprintf(f, "%s,%s,host,%s,1,%d,%s,%s,value,%.6g,,,,,", id, use, hv, ncpu, mem, m[k].metric, m[k].v);
			trace_csv_put(f, src);
			fputc(',', f);
			trace_csv_put(f, note);
			fputc(',', f);
			trace_csv_put(f, subj);
			fputc('\n', f);
		}
	}
	return out_commit_tmp(f, tmp, path);
}

static int matches(const char *name, const char *const *pats, int npat)
{
	for (int i = 0; i < npat; i++)
		if (!fnmatch(pats[i], name, 0))
			return 1;
	return 0;
}

/* A usage error: "hvsim compare: " + the message, exit status 2. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("hvsim compare: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs(" (hvsim compare --help)\n", stderr);
	va_end(ap);
	return EXIT_USAGE;
}

/* Whether paths a and b name the same file: the same inode when both
** exist, else the same text. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (!a || !b)
		return 0;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return strcmp(a, b) == 0;
}

/* An output that would overwrite an input, or the other output: the
** message, or NULL. */
static const char *clobbers(const char *out, const char *what, const char *trace, const char *sim,
			    const char *other, char *buf, size_t len)
{
	if (same_file(out, trace))
		snprintf(buf, len, "%s %s: expected a file other than the recording it reads", what, out);
	else if (same_file(out, sim))
		snprintf(buf, len, "%s %s: expected a file other than the run's activity.csv it reads", what, out);
	else if (same_file(out, other))
		snprintf(buf, len, "%s %s: expected a file other than the comparison's CSV", what, out);
	else
		return NULL;
	return buf;
}

/* Long: the command's steps in order (load, match threads, compute, print,
** write), each with its failure path. */
int trace_compare(const struct compare_opts *o)
{
	const char *trace = o->trace, *dir = o->dir, *out = o->out, *meas = o->meas, *mix = o->mix;
	const char *hv = o->hv ? o->hv : "linux", *mem = o->mem ? o->mem : "1GiB", *use = o->use ? o->use : "fit";
	const char *const *pats = o->pats;
	int npat = o->npat;
	if (!dir && !meas)
		return usage_error("missing RUN_DIR (or --measured MEAS.csv)");
	if (strcmp(use, "fit") && strcmp(use, "holdout"))
		return usage_error("--use %s: expected fit or holdout", use);
	/* a name as a profile's (the schema's ident): a newline or a quote
	** went into --measured's rows as it was, one row split in two */
	int ident = (*hv >= 'A' && *hv <= 'Z') || (*hv >= 'a' && *hv <= 'z') || *hv == '_';
	for (const char *p = hv; ident && *p; p++)
		ident = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-", *p) != NULL;
	if (!ident)
		return usage_error("--hypervisor %s: expected a profile name (a letter or _, then letters, digits, _, . "
				   "or -)", hv);
	double bytes;
	const char *why;
	if (units_bytes(mem, &bytes, &why) || bytes <= 0)
		return usage_error("--memory %s: expected a positive size such as 1GiB", mem);
	char mixbuf[128];
	if (!mix) {
		const char *b = strrchr(trace, '/');
		b = b ? b + 1 : trace;
		snprintf(mixbuf, sizeof mixbuf, "%s", b);
		char *dot = strchr(mixbuf, '.');
		if (dot)
			*dot = 0;
		mix = mixbuf;
	}

	struct trace_activity rec = { 0 }, sim = { 0 };
	struct pair *q = NULL;
	char *simpath = NULL, *outpath = NULL;
	int rc = EXIT_USAGE, n = 0;
	if (load(trace, &rec))
		goto done;
	if (dir) {
		simpath = malloc(strlen(dir) + 32);
		if (!simpath)
			goto oom;
		sprintf(simpath, "%s/activity.csv", dir);
		if (access(simpath, R_OK)) {
			fprintf(stderr, "hvsim compare: %s: cannot read: %s (expected the output of hvsim run of modelled threads, workload kind threads)\n",
				simpath, strerror(errno));
			goto done;
		}
		if (load(simpath, &sim))
			goto done;
	}
	/* neither output may overwrite an input or the other output */
	{
		char cmp[4300], msg[4500];
		if (dir)
			snprintf(cmp, sizeof cmp, "%s/compare.csv", dir);
		const char *csv = out ? out : dir ? cmp : NULL, *bad = NULL;
		if (csv)
			bad = clobbers(csv, out ? "-o" : "its CSV", trace, simpath, NULL, msg, sizeof msg);
		if (!bad && meas)
			bad = clobbers(meas, "--measured", trace, simpath, csv, msg, sizeof msg);
		/* one that is a directory (or a FIFO) failed only once the
		** table was printed (exit 1) */
		const char *const outs[2][2] = { { csv, out ? "-o" : "its CSV" }, { meas, "--measured" } };
		for (int i = 0; i < 2 && !bad; i++) {
			struct stat st;
			char reason[200];
			if (outs[i][0] && stat(outs[i][0], &st) == 0 && infile_regular(&st, reason, sizeof reason)) {
				snprintf(msg, sizeof msg, "%s %s: %s", outs[i][1], outs[i][0], reason);
				bad = msg;
			}
		}
		if (bad) {
			usage_error("%s", bad);
			goto done;
		}
	}
	/* the threads to compare: by pattern in the recording, else every
	** predicted thread */
	q = calloc((size_t)(rec.nth + sim.nth + 1), sizeof *q);
	char *mark = calloc((size_t)rec.nth + 1, 1);
	if (!q || !mark) {
		free(mark);
		goto oom;
	}
	const struct trace_activity *names = npat || !dir ? &rec : &sim;
	for (int i = 0; i < names->nth; i++) {
		const char *nm = names->th[i].name;
		if (npat && !matches(nm, pats, npat))
			continue;
		if (!npat && !dir)
			continue;
		int ri = hoststats_find(&rec, nm), si = dir ? hoststats_find(&sim, nm) : -1;
		if (ri == -2 || si == -2) {
			fprintf(stderr, "hvsim compare: %s: several threads are named '%s': expected one\n",
				ri == -2 ? trace : simpath, nm);
			free(mark);
			goto done;
		}
		if (ri < 0) {
			fprintf(stderr, "hvsim compare: %s: expected a thread named '%s' (predicted in %s), got none\n", trace,
				nm, simpath);
			free(mark);
			goto done;
		}
		if (mark[ri])
			continue;
		mark[ri] = 1;
		if (hoststats_thread(&rec, ri, &q[n].rec) || (si >= 0 && hoststats_thread(&sim, si, &q[n].pred))) {
			free(mark);
			goto oom;
		}
		q[n].has_pred = si >= 0;
		if (dir && si < 0) {
			fprintf(stderr, "hvsim compare: %s: expected a predicted thread named '%s', got none\n", simpath, nm);
			free(mark);
			goto done;
		}
		n++;
	}
	if (!n) {
		fprintf(stderr, "hvsim compare: expected at least one thread to compare%s, got none\n",
			npat ? " (matching --threads)" : !dir ? " (give --threads with --measured and no RUN_DIR)" : "");
		free(mark);
		goto done;
	}
	/* --measured's ids (MIX.THREAD.METRIC) and subjects (MIX/THREAD) must
	** hold whole: a long --mix cut every id of a thread to one, and a '/'
	** in it moved the thread's name; checked before anything is written */
	int ctl = 0;
	for (const char *p = mix; *p; p++)
		ctl |= (unsigned char)*p < 0x20 || *p == 0x7f;
	if (meas && (strchr(mix, '/') || ctl)) {
		/* a newline (from the recording's file name when --mix is not
		** given) split each row's subject over two lines */
		usage_error("--mix %s: expected a name without '/' or control characters (a subject is MIX/THREAD)",
			    mix);
		free(mark);
		goto done;
	}
	for (int i = 0; meas && i < n; i++) {
		size_t len = strlen(mix) + strlen(q[i].rec.name) + sizeof ".." - 1 + strlen("run_per_dispatch_s");
		if (len > MEAS_ID_MAX) {
			usage_error("--mix %s: expected a mix name short enough for ids MIX.THREAD.METRIC of at most %d "
				    "characters, got %zu for thread %s (give a shorter --mix)",
				    mix, MEAS_ID_MAX, len, q[i].rec.name);
			free(mark);
			goto done;
		}
	}
	int ncpu = 0;
	for (size_t k = 0; k < rec.n; k++)
		if (rec.a[k].cpu + 1 > ncpu)
			ncpu = rec.a[k].cpu + 1;
	int64_t from = INT64_MAX, to = INT64_MIN;
	for (int i = 0; i < n; i++) {
		if (q[i].rec.first_ns < from)
			from = q[i].rec.first_ns;
		if (q[i].rec.last_ns > to)
			to = q[i].rec.last_ns;
	}
	double other = hoststats_other_cpu(&rec, mark, from, to);
	free(mark);
	rc = 0;
	if (dir) {
		printf("recorded %s vs predicted %s\n", trace, simpath);
		print_table(stdout, q, n);
		printf("other threads of the recording: %.3f CPU-s over the compared threads' %.3f s, %.1f%% of %d CPUs "
		       "(background the prediction does not have)\n",
		       other, (double)(to - from) / 1e9, to > from ? 100 * other / ((double)(to - from) / 1e9) / ncpu : 0,
		       ncpu);
		if (out) {
			outpath = strdup(out);
		} else {
			outpath = malloc(strlen(dir) + 32);
			if (outpath)
				sprintf(outpath, "%s/compare.csv", dir);
		}
		if (!outpath)
			goto oom;
		if (write_csv(outpath, q, n)) {
			rc = EXIT_WRITE;
			goto done;
		}
		printf("wrote %s\n", outpath);
	}
	if (meas) {
		if (write_measured(meas, trace, mix, hv, mem, use, ncpu, q, n)) {
			rc = EXIT_WRITE;
			goto done;
		}
		printf("wrote %s (measured points of %d threads, subject %s/THREAD)\n", meas, n, mix);
	}
	goto done;
oom:
	fprintf(stderr, "hvsim compare: out of memory\n");
	rc = EXIT_WRITE;
done:
	trace_activity_free(&rec);
	trace_activity_free(&sim);
	free(q);
	free(simpath);
	free(outpath);
	return rc;
}
