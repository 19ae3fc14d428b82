/*
** hvsim import FORMAT FILE -o OUT.csv [--strict]: the command line of the
** trace importers (see import.h).  Each format reads its whole input
** first; only a trace read without fatal error is written, to
** OUT.csv.tmp-PID, then renamed to OUT.csv, so a failed import leaves
** nothing behind.
*/
#include "sim/cmd/import.h"
#include "sim/engine/infile.h"
#include "sim/report/output.h"
#include "traces/apache_log.h"
#include "traces/perf_sched.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_WRITE 1
#define EXIT_USAGE 2

static const char usage[] =
	"usage: hvsim import FORMAT FILE -o OUT.csv [--strict]\n"
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
	"  -h, --help            this text\n"
	"\n"
	"exit status: 0 written, 1 writing the output failed (nothing written), 2 bad usage\n"
	"(including an OUT.csv that cannot be created) or bad input\n";

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

static int psched_write_any(FILE *out, const void *t, const struct trace_import_opts *o)
{
	return psched_write(out, t, o);
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

/* Write the trace to out through out.tmp-PID.  0, EXIT_USAGE when it
** cannot be created there, or EXIT_WRITE. */
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
	int bad = fmt->write(f, trace, o) != 0 || fflush(f) != 0 || ferror(f);
	int err = bad ? (errno ? errno : EIO) : 0;
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

int trace_import_main(int argc, char **argv)
{
	const char *fname = NULL, *file = NULL, *out = NULL;
	struct trace_import_opts o = { .err = stderr };

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		} else if (strcmp(a, "--strict") == 0) {
			o.strict = 1;
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

	char why[200];
	FILE *in = infile_open(file, why, sizeof why);
	if (!in) {
		fprintf(stderr, "hvsim import: %s: %s\n", file, why);
		return EXIT_USAGE;
	}
	void *trace = calloc(1, fmt->size);
	if (!trace) {
		fclose(in);
		fprintf(stderr, "hvsim import: out of memory\n");
		return EXIT_WRITE;
	}
	o.path = file;
	int rc = fmt->read(in, &o, trace);
	fclose(in);
	if (rc == -ENOMEM) {
		fprintf(stderr, "hvsim import: out of memory\n");
		free(trace);
		return EXIT_WRITE;
	}
	if (rc) {
		free(trace);
		return EXIT_USAGE;
	}
	rc = write_out(fmt, trace, &o, out);
	fmt->free(trace);
	free(trace);
	return rc;
}
