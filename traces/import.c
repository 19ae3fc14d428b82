/*
** hvsim import FORMAT FILE -o OUT.csv [--strict]: the command line of the
** trace importers (see import.h).  Each format reads its whole input
** first; only a trace read without fatal error is written, to
** OUT.csv.tmp-PID, then renamed to OUT.csv, so a failed import leaves
** nothing behind.
*/
#include "traces/import.h"
#include "traces/apache_log.h"
#include "traces/perf_sched.h"
#include "traces/thread_model.h"
#include "sim/diag.h"
#include "traces/csv.h"

#include <fnmatch.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_WRITE 1
#define EXIT_USAGE 2

static const char usage[] =
	"usage: hvsim import FORMAT FILE -o OUT.csv [--strict]\n"
	"       hvsim import perf-sched FILE -o OUT.csv [--repair-idle] [--threads PATTERN]...\n"
	"                    [--model [--affinity FILE]]\n"
	"\n"
	"Convert a measured trace into an hvsim trace CSV (formats: docs/traces.md).\n"
	"\n"
	"formats:\n"
	"  apache-log   Apache Common or Combined Log Format access log\n"
	"               -> request trace: time_s,method,url,status,bytes,page,cpu_demand_s\n"
	"  perf-sched   text of `perf script` after `perf sched record` (sched_switch,\n"
	"               sched_wakeup/sched_waking events)\n"
	"               -> activity trace: thread,pid,start_s,kind,duration_s,cpu\n"
	"\n"
	"Malformed lines are reported as FILE:LINE, counted and skipped; a summary\n"
	"line goes to stderr.  OUT.csv is written as OUT.csv.tmp-PID and renamed\n"
	"when complete.\n"
	"\n"
	"options:\n"
	"  -o, --output OUT.csv  the output file (required)\n"
	"  --strict              stop at the first malformed line: exit 2, write nothing\n"
	"  --repair-idle         perf-sched: infer the switch-ins that the recording lacks\n"
	"                        (machines where perf records nothing while a CPU\n"
	"                        idles; texts cut down to some threads' lines) from\n"
	"                        each task's first event on the CPU\n"
	"  --threads PATTERN     perf-sched: write only threads whose name matches the\n"
	"                        shell pattern (fnmatch; repeatable): 'CPU */KVM', 'hog*'\n"
	"  --model               perf-sched: write the thread model instead of the\n"
	"                        activity trace: per thread CPU-bound or its burst demand\n"
	"                        and sleep distributions, nice, affinity (implies\n"
	"                        --repair-idle; docs/traces.md, \"Thread model\")\n"
	"  --affinity FILE       with --model: lines 'TID CPULIST' giving threads' CPU\n"
	"                        affinity (tracepoints do not show it)\n"
	"  -h, --help            this text\n"
	"\n"
	"exit status: 0 written, 1 the output could not be written, 2 bad usage or bad input\n";

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

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("hvsim import: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\n\n", stderr);
	fputs(usage, stderr);
	va_end(ap);
	return EXIT_USAGE;
}

/* Write the trace to out through out.tmp-PID.  0, EXIT_WRITE, or
** EXIT_USAGE when the format found nothing to write (-ENOENT). */
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
	FILE *f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "hvsim import: %s: cannot create: %s\n", tmp, strerror(errno));
		free(tmp);
		return EXIT_WRITE;
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

/* The command once its patterns array (pats, argc + 1 entries) exists. */
static int import_run(int argc, char **argv, const char **pats)
{
	const char *fname = NULL, *file = NULL, *out = NULL, *afile = NULL;
	struct trace_import_opts o = { .err = stderr };
	int npat = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		} else if (strcmp(a, "--strict") == 0) {
			o.strict = 1;
		} else if (strcmp(a, "--repair-idle") == 0) {
			o.repair_idle = 1;
		} else if (strcmp(a, "--model") == 0) {
			o.model = 1;
			o.repair_idle = 1;
		} else if (strcmp(a, "--threads") == 0 || strcmp(a, "--affinity") == 0) {
			if (i + 1 >= argc || !*argv[i + 1])
				return usage_error("%s needs a value", a);
			if (a[2] == 't')
				pats[npat++] = argv[++i];
			else
				afile = argv[++i];
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			if (i + 1 >= argc)
				return usage_error("%s needs a value: -o OUT.csv", a);
			out = argv[++i];
		} else if (strncmp(a, "--output=", 9) == 0) {
			out = a + 9;
		} else if (a[0] == '-' && a[1]) {
			return usage_error("unknown option '%s'", a);
		} else if (!fname) {
			fname = a;
		} else if (!file) {
			file = a;
		} else {
			return usage_error("unexpected argument '%s'", a);
		}
	}
	if (!fname)
		return usage_error("missing FORMAT: expected one of: apache-log, perf-sched");
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
	if (!file)
		return usage_error("missing the input FILE");
	if (!out || !*out)
		return usage_error("missing -o OUT.csv");
	if (strcmp(out, file) == 0)
		return usage_error("-o %s: expected an output file other than the input", out);
	if (strcmp(fmt->name, "perf-sched") && (o.repair_idle || npat || afile))
		return usage_error("--repair-idle, --threads, --model and --affinity are for perf-sched");
	if (afile && !o.model)
		return usage_error("--affinity %s: expected with --model", afile);
	if (npat)
		o.threads = pats;

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
	FILE *in = fopen(file, "r");
	if (!in) {
		fprintf(stderr, "hvsim import: %s: cannot open: %s\n", file, strerror(errno));
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

int trace_import_main(int argc, char **argv)
{
	const char **pats = calloc((size_t)argc + 1, sizeof *pats);
	if (!pats) {
		fprintf(stderr, "hvsim import: out of memory\n");
		return EXIT_WRITE;
	}
	int rc = import_run(argc, argv, pats);
	free(pats);
	return rc;
}
