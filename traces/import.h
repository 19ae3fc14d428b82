/*
** What the importers of measured traces share (traces/apache_log.h,
** traces/perf_sched.h): the options `hvsim import` (sim/cmd/import.c)
** gives a format's reader and writer.
*/
#ifndef HVSIM_TRACES_IMPORT_H
#define HVSIM_TRACES_IMPORT_H

#include <stdio.h>

struct tm_affinity;

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
