/*
** `hvsim sweep`: every point of a scenario's <sweep> (docs/sweep.md).
**
** A point is the scenario loaded again with the command line's --set
** overrides followed by the point's values as further overrides, then run
** (mode="run": one simulation, the outputs of `hvsim run`) or searched
** (mode="capacity": sim/drive/capacity.c).  Points run in child processes, up
** to -j at a time, each sending its sweep.csv row back through a pipe;
** the parent appends the rows in point order and fsyncs each one, so an
** interrupted sweep keeps every finished point and a rerun resumes.
*/
#ifndef HVSIM_SWEEP_H
#define HVSIM_SWEEP_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/scenario/scenario.h"

struct sweep_args {
	const char *file;              /* the scenario */
	const char *outdir;            /* NULL: out/<scenario name>-sweep */
	const struct scn_override *ov; /* command-line --set, applied before a point's values */
	int nov;
	int has_seed;
	uint64_t seed;
	int protocol;                  /* --protocol: SCN_PROTOCOL_*, applied to every point */
	int jobs;                      /* points at a time, >= 1 */
	int resume;                    /* --resume: DIR/sweep.csv must exist */
	const char *const *reuse;      /* --reuse: other sweeps' directories to take points from */
	int nreuse;
	const char *cache;             /* --cache: a store of capacity replications (cap_cache.h); NULL: none */
	int force;                     /* --force: replace DIR (an hvsim output) when the sweep ends */
	int progress;                  /* 1: a progress bar (stderr is a terminal); 0: a line a point */
	const volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM; inherited by the children */
};

/* Run the sweep; messages on stderr, the summary on stdout.  Returns the
** exit status: 0 every point done, 1 some point failed (the others are
** done), 2 bad usage or input (nothing run), 130 interrupted. */
int sweep_run(const struct sweep_args *a);

/* Check every point of sw as `hvsim sweep` checks one: the scenario
** a->file loaded with a->ov and ALL the point's values must load and
** build (capacity mode: pass the capacity search's checks).  Each
** invalid point goes to d with its values and errors (the first ten,
** then a count).  0, or -1 when some point is invalid. */
struct diag;
int sweep_check(const struct sweep_args *a, const struct scn_sweep *sw, struct diag *d);

/* The values of point p (0-based, the first <vary> outermost): val[k] is
** the value of sw->vary[k].  0, or -1 when p is out of range. */
int sweep_point(const struct scn_sweep *sw, int p, const char **val);

/* The sweep's vary lines as sweep.settings records them ("vary KEY: V1
** V2 ...", a line each): what a later command compares a scenario with. */
void sweep_write_vary(FILE *f, const struct scn_sweep *sw);

#endif
