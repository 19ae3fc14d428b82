/*
** hvsim import FORMAT FILE -o OUT.csv [--force] [--strict]: the trace importers'
** command (traces/apache_log.h, traces/perf_sched.h).  Each format reads its whole input
** first; only a trace read without fatal error is written, to
** OUT.csv.tmp-PID, then renamed to OUT.csv, so a failed import leaves
** nothing behind.  An existing OUT.csv is replaced only with --force.
*/
#include "sim/cmd/cmd.h"
#include "traces/import.h"
#include "sim/engine/infile.h"
#include "sim/report/output.h"
#include "traces/apache_log.h"
#include "traces/perf_sched.h"
#include "traces/thread_model.h"
#include "sim/engine/diag.h"
#include "traces/csv.h"

#include <fnmatch.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_WRITE EXIT_RUNFAIL

struct import_format {
	const char *name;
	size_t size;                       /* of the format's trace state */
	int (*read)(FILE *in, const struct trace_import_opts *o, void *trace);
	int (*write)(FILE *out, const void *trace, const struct trace_import_opts *o);
	void (*free)(void *trace);
};

static int alog_read_any(FILE *in, const struct trace_import_opts *o, void *t)
{
	return alog_read(in, o, t);
}

static int alog_write_any(FILE *out, const void *t, const struct trace_import_opts *o)
{
	return alog_write(out, t, o);
}

static void alog_free_any(void *t)
{
	alog_free(t);
}

static int psched_read_any(FILE *in, const struct trace_import_opts *o, void *t)
{
	return psched_read(in, o, t);
}

/* The activity trace, or with --threads only the matching threads. */
static int psched_write_activity(FILE *out, const struct psched_trace *t, const struct trace_import_opts *o)
{
	if (!o->threads)
		return psched_write(out, t, o);
	struct psched_trace f = *t;
	memset(&f.act, 0, sizeof f.act);
	int *map = malloc((size_t)(t->act.nth ? t->act.nth : 1) * sizeof *map);
	int rc = map ? 0 : -ENOMEM;
	for (int i = 0; !rc && i < t->act.nth; i++) {
		map[i] = -1;
		for (const char *const *p = o->threads; *p; p++)
			if (fnmatch(*p, t->act.th[i].name, 0) == 0) {
				map[i] = trace_activity_add_thread(&f.act, t->act.th[i].name, t->act.th[i].pid);
				if (map[i] < 0)
					rc = -ENOMEM;
				break;
			}
	}
	for (size_t k = 0; !rc && k < t->act.n; k++) {
		struct trace_act a = t->act.a[k];
		if (map[a.thread] < 0)
			continue;
		a.thread = map[a.thread];
		rc = trace_activity_push(&f.act, &a);
	}
	if (!rc && f.act.n == 0) {
		/* a header alone would be written, which no reader takes */
		psched_report_unmatched(o->err, o->path, "perf-sched", o->threads, &t->act);
		rc = -ENOENT;
	}
	if (!rc)
		rc = psched_write(out, &f, o);
	trace_activity_free(&f.act);
	free(map);
	return rc;
}

static int psched_write_any(FILE *out, const void *tv, const struct trace_import_opts *o)
{
	const struct psched_trace *t = tv;
	if (!o->model)
		return psched_write_activity(out, t, o);
	struct tmodel m;
	int rc = tmodel_build(t, o->threads, o->aff, o->naff, o->path, o->err, &m);
	if (rc)
		return rc;
	int cb = 0;
	size_t nb = 0, ns = 0, nrt = 0, nrun = 0;
	for (int i = 0; i < m.nth; i++) {
		cb += m.th[i].cpu_bound;
		nb += m.th[i].nburst;
		ns += m.th[i].nsleep;
	}
	for (size_t k = 0; k < t->act.n; k++)
		if (t->act.a[k].kind == TRACE_RUN) {
			nrun++;
			nrt += t->runtime[k] >= 0;
		}
	char c[600], b[32];
	const char *base = strrchr(o->path, '/');
	base = base ? base + 1 : o->path;
	const char *src = nrt == nrun ? "sched_stat_runtime" : nrt ? "sched_stat_runtime where recorded, else run intervals"
										: "run intervals (no sched_stat_runtime)";
	snprintf(c, sizeof c, "source: perf-sched %.300s; start_s 0 = perf time %s s; %d CPUs seen; burst demand from %s",
		 base, trace_csv_fmt_seconds(t->t0_ns, b, sizeof b), t->ncpu, src);
	fprintf(o->err, "%s: thread model: %d threads (%d CPU-bound), %zu bursts, %zu sleeps; %d CPUs seen; demand from %s\n",
		o->path, m.nth, cb, nb, ns, t->ncpu, src);
	rc = tmodel_write(out, &m, c);
	tmodel_free(&m);
	return rc;
}

static void psched_free_any(void *t)
{
	psched_free(t);
}

static const struct import_format formats[] = {
	{
		.name = "apache-log",
		.size = sizeof(struct alog_trace),
		.read = alog_read_any,
		.write = alog_write_any,
		.free = alog_free_any,
	},
	{
		.name = "perf-sched",
		.size = sizeof(struct psched_trace),
		.read = psched_read_any,
		.write = psched_write_any,
		.free = psched_free_any,
	},
};

#define NFORMATS (sizeof formats / sizeof formats[0])

/* Write the trace to out through out.tmp-PID.  0, EXIT_WRITE, or
** EXIT_USAGE when it cannot be created there or the format found nothing
** to write (-ENOENT). */
static int write_out(const struct import_format *fmt, const void *trace,
		     const struct trace_import_opts *o, const char *out)
{
	size_t n = strlen(out) + 32;
	char *tmp = malloc(n);
	if (!tmp) {
		fprintf(stderr, "hvsim import: out of memory\n");
		return EXIT_WRITE;
	}
	snprintf(tmp, n, "%s.tmp-%ld", out, (long)getpid());
	out_clean_stale(out);   /* what a killed import left */
	FILE *f = fopen(tmp, "w");
	if (!f) {
		/* -o names a place that cannot be written: bad usage */
		fprintf(stderr, "hvsim import: %s: cannot create: %s; nothing written\n", tmp, strerror(errno));
		free(tmp);
		return EXIT_USAGE;
	}
	errno = 0;
	int wr = fmt->write(f, trace, o);
	if (wr == -ENOENT) {
		/* nothing to write (reported): bad input */
		fclose(f);
		unlink(tmp);
		free(tmp);
		return EXIT_USAGE;
	}
	int bad = wr != 0 || fflush(f) != 0 || ferror(f);
	int err = bad ? (errno ? errno : wr == -ENOMEM ? ENOMEM : EIO) : 0;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	if (!bad && rename(tmp, out) != 0) {
		bad = 1;
		err = errno;
	}
	if (bad) {
		fprintf(stderr, "hvsim import: %s: cannot write: %s\n", out, strerror(err));
		unlink(tmp);
	}
	free(tmp);
	return bad ? EXIT_WRITE : 0;
}

/* Whether paths a and b name one file: the same inode when both exist
** (./x and x; the text alone let --force replace the input), else the
** same text. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return strcmp(a, b) == 0;
}

int cmd_import(const struct cmd *c, struct cmd_args *a)
{
	const char *fname = a->operand[0], *file = a->operand[1], *out = a->output;
	struct trace_import_opts o = { .err = stderr, .strict = a->strict };

	const char *afile = a->affinity;
	o.repair_idle = a->repair_idle;
	o.model = a->model;
	int npat = a->nthreads;
	const struct import_format *fmt = NULL;
	for (size_t k = 0; k < NFORMATS; k++)
		if (strcmp(fname, formats[k].name) == 0)
			fmt = &formats[k];
	if (!fmt) {
		fprintf(stderr, "hvsim import: unknown format '%s'; expected one of:", fname);
		for (size_t k = 0; k < NFORMATS; k++)
			fprintf(stderr, "%s %s", k ? "," : "", formats[k].name);
		fputs("\n", stderr);
		return EXIT_USAGE;
	}
	if (!out || !*out)
		return cmd_usage_error(c, "missing -o OUT.csv");
	if (same_file(out, file))
		return cmd_usage_error(c, "-o %s: expected an output file other than the input", out);
	if (afile && same_file(out, afile))
		return cmd_usage_error(c, "-o %s: expected an output file other than the --affinity file it reads", out);
	if (strcmp(fmt->name, "perf-sched") && (o.repair_idle || npat || afile))
		return cmd_usage_error(c, "--repair-idle, --threads, --model and --affinity are for perf-sched");
	if (afile && !o.model)
		return cmd_usage_error(c, "--affinity %s: expected with --model", afile);
	if (npat)
		o.threads = a->threads;
	/* as run, sweep and capacity refuse an existing DIR: an earlier
	** import is not replaced by mistake; checked before the input is
	** read, which may take long */
	struct stat st;
	if (lstat(out, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return cmd_usage_error(c, "-o %s: expected a file, got a directory", out);
		if (!a->force)
			return cmd_usage_error(c, "-o %s: exists; name a new file, or add --force to replace it", out);
		/* --force replaces a file, not a device or a FIFO: the rename put
		** the output in place of -o /dev/null (as root) */
		char kind[200];
		if (stat(out, &st) == 0 && infile_regular(&st, kind, sizeof kind))
			return cmd_usage_error(c, "-o %s: %s (--force replaces a file of its own)", out, kind);
	}

	struct tm_affinity *aff = NULL;
	if (afile) {
		struct diag d = { 0 };
		int ar = tmodel_affinity_load(afile, &d, &aff, &o.naff);
		diag_print(&d, stderr);
		diag_free(&d);
		if (ar == -ENOMEM) {
			fprintf(stderr, "hvsim import: out of memory\n");
			return EXIT_WRITE;
		}
		if (ar)
			return EXIT_USAGE;
		o.aff = aff;
	}
	char why[200];
	FILE *in = infile_open(file, why, sizeof why);
	if (!in) {
		fprintf(stderr, "hvsim import: %s: %s\n", file, why);
		tmodel_affinity_free(aff, o.naff);
		return EXIT_USAGE;
	}
	void *trace = calloc(1, fmt->size);
	if (!trace) {
		fclose(in);
		tmodel_affinity_free(aff, o.naff);
		fprintf(stderr, "hvsim import: out of memory\n");
		return EXIT_WRITE;
	}
	o.path = file;
	int rc = fmt->read(in, &o, trace);
	fclose(in);
	if (rc == -ENOMEM) {
		fprintf(stderr, "hvsim import: out of memory\n");
		rc = EXIT_WRITE;
	} else if (rc) {
		rc = EXIT_USAGE;
	} else {
		rc = write_out(fmt, trace, &o, out);
		fmt->free(trace);
	}
	free(trace);
	tmodel_affinity_free(aff, o.naff);
	return rc;
}
