/*
** hvsim import FORMAT FILE -o OUT.csv [--strict]: the trace importers'
** command (traces/apache_log.h, traces/perf_sched.h).  Each format reads its whole input
** first; only a trace read without fatal error is written, to
** OUT.csv.tmp-PID, then renamed to OUT.csv, so a failed import leaves
** nothing behind.
*/
#include "sim/cmd/cmd.h"
#include "traces/import.h"
#include "sim/engine/infile.h"
#include "sim/report/output.h"
#include "traces/apache_log.h"
#include "traces/perf_sched.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
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

int cmd_import(const struct cmd *c, struct cmd_args *a)
{
	const char *fname = a->operand[0], *file = a->operand[1], *out = a->output;
	struct trace_import_opts o = { .err = stderr, .strict = a->strict };

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
	if (strcmp(out, file) == 0)
		return cmd_usage_error(c, "-o %s: expected an output file other than the input", out);

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
