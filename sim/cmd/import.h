/*
** hvsim import: convert a measured trace into one of hvsim's trace CSVs
**
**   hvsim import FORMAT FILE -o OUT.csv [--strict]
**
** FORMAT apache-log (Apache Common/Combined Log Format -> request trace,
** traces/requests.h) or perf-sched (`perf script` text of the scheduler
** tracepoints -> activity trace, traces/activity.h).  Formats and
** messages: docs/traces.md.
*/
#ifndef HVSIM_CMD_IMPORT_H
#define HVSIM_CMD_IMPORT_H

/* The command; argv[0] is FORMAT (argc counts from it).  Returns the
** process exit status: 0 written, 1 the output could not be written,
** 2 bad usage or bad input (then no output file exists). */
int trace_import_main(int argc, char **argv);

#endif
