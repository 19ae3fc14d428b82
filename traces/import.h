/*
** hvsim import: convert a measured trace into one of hvsim's trace CSVs
**
**   hvsim import FORMAT FILE -o OUT.csv [--strict]
**   hvsim import perf-sched FILE -o OUT.csv [--repair-idle] [--threads PATTERN]...
**                [--model [--affinity FILE]]
**
** FORMAT apache-log (Apache Common/Combined Log Format -> request trace,
** traces/requests.h) or perf-sched (`perf script` text of the scheduler
** tracepoints -> activity trace, traces/activity.h).  Formats and
** messages: docs/traces.md.
*/
#ifndef HVSIM_TRACES_IMPORT_H
#define HVSIM_TRACES_IMPORT_H

#include <stdio.h>

struct tm_affinity;

/* The command; argv[0] is FORMAT (argc counts from it).  Returns the
** process exit status: 0 written, 1 the output could not be written,
** 2 bad usage or bad input (then no output file exists). */
int trace_import_main(int argc, char **argv);

/* What a format's reader is given. */
struct trace_import_opts {
	const char *path;      /* the input file, for messages */
	int strict;            /* the first malformed line is fatal */
	FILE *err;             /* messages and the summary line */
	int repair_idle;       /* perf-sched: infer switch-ins from idle perf lost */
	int model;             /* perf-sched: write the thread model (thread_model.h) */
	const char *const *threads; /* perf-sched: fnmatch patterns of the threads to
			       ** write (NULL-terminated; NULL: every thread) */
	const struct tm_affinity *aff; /* perf-sched --model: tid -> CPU list */
	int naff;
};

/* Malformed lines reported one by one; beyond this they are only counted. */
#define TRACE_IMPORT_SHOW_MAX 200

#endif
