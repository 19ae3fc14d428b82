/*
** hvsim compare: a recording against a prediction, thread by thread
** (docs/validation.md).
**
**   hvsim compare TRACE.csv RUN_DIR [-o OUT.csv] [--threads PATTERN]...
**   hvsim compare TRACE.csv [RUN_DIR] --measured MEAS.csv [--mix NAME]
**                 [--hypervisor NAME] [--memory SIZE] [--use fit|holdout]
**                 [--threads PATTERN]...
**
** TRACE.csv is an activity trace imported from a recording (`hvsim import
** perf-sched`, docs/traces.md); RUN_DIR the output of `hvsim run` of a
** scenario with modelled threads (workload kind "threads"), whose
** activity.csv is the same kind of trace, simulated (models/actrec.h).
** Threads are matched by name.  For each, the statistics of
** traces/hoststats.h, recorded and predicted, and the error:
**
**   cpu_share            predicted - recorded, in points (x 100)
**   wakeup_p50_s, wakeup_p95_s, run_per_dispatch_s, wakeups
**                        predicted / recorded
**   dispatches           predicted, scaled to the recorded life
**                        (x recorded life / predicted life), / recorded
**
** and the criteria of the validation (docs/validation.md): cpu_share
** within 5 points, wakeup_p50_s within 2x (for threads recorded with at
** least COMPARE_MIN_WAKEUPS wake-ups), dispatches within 1.5x.  A
** table goes to stdout, the same as CSV to OUT.csv (default
** RUN_DIR/compare.csv): thread,metric,recorded,predicted,error,criterion,pass.
** The recording's other threads' CPU use over the compared threads' life
** is printed too (background the prediction did not have).
**
** --measured writes the recorded values as measured points
** (docs/measured.md, benchmark "host", one subject MIX/THREAD per thread)
** for `hvsim calibrate`; wake-up latencies only of threads recorded with
** at least COMPARE_MIN_WAKEUPS wake-ups.
*/
#ifndef HVSIM_TRACES_COMPARE_H
#define HVSIM_TRACES_COMPARE_H

/* What `hvsim compare` was asked (sim/cmd/compare.c parses it). */
struct compare_opts {
	const char *trace, *dir;      /* TRACE.csv and RUN_DIR (NULL with --measured alone) */
	const char *out;              /* -o OUT.csv; NULL: RUN_DIR/compare.csv */
	const char *meas, *mix, *hv, *mem, *use;  /* --measured and its row fields; NULL: defaults */
	const char *const *pats;      /* --threads patterns */
	int npat;
};

/* Returns the exit status: 0 written (whatever the criteria say), 1
** cannot write, 2 bad usage or input. */
int trace_compare(const struct compare_opts *o);

/* The validation's criteria. */
#define COMPARE_SHARE_POINTS 5.0
#define COMPARE_WAKE_RATIO 2.0
#define COMPARE_DISPATCH_RATIO 1.5
/* The wake-up criterion applies to threads recorded with at least this
** many wake-ups (a CPU-bound thread's one or two at start-up say nothing). */
#define COMPARE_MIN_WAKEUPS 10

#endif
