/*
** Inside the sweep driver: what sweep.c (the processes and sweep.csv),
** sweep_points.c (the points' values and checks) and sweep_point_run.c
** (one point in its process) share.
*/
#ifndef HVSIM_SWEEP_INT_H
#define HVSIM_SWEEP_INT_H

#include "sim/drive/sweep.h"
#include "sim/engine/diag.h"
#include "sim/scenario/scenario.h"

#include <stdio.h>

/* "key=value, key=value" of point p into buf. */
void sweep_label(const struct scn_sweep *sw, int p, char *buf, size_t len);
/* The command line's overrides, then point p's (*n of them); calloc'd,
** or NULL. */
struct scn_override *sweep_point_overrides(const struct sweep_args *a, const struct scn_sweep *sw, int p, int *n);
/* Where those were written: the command line's, then each <vary>'s
** line.  calloc'd, or NULL. */
struct scn_origin *sweep_point_origins(int nov, const struct scn_sweep *sw);
/* Point p's predecessor on its curve (the same values but the last
** <vary>'s, one step before), or -1 for a curve's first point. */
int sweep_previous_point(const struct scn_sweep *sw, int p);
/* Where a point's capacity search starts (bracket="previous"), in
** thousandths of a user per VM (what an MPI message carries, so that a
** local child and a rank start alike): the answer of the point before
** it on its curve, and each of that point's replications' answers
** (rep[i]: replication i + 1's, the same seed; 0: none).  All 0: from
** min. */
struct sweep_start {
	int mean;
	int nrep;
	int rep[SCN_MAX_REPLICATIONS];
};
/* Point q's start for the point after it, from what it wrote in dir
** (points/NNN/capacity.csv and capacity_replications.csv); all 0 when
** it has none (failed, or found 0). */
void sweep_point_start(const char *dir, int q, struct sweep_start *st);
/* Load point p's scenario as it runs: the command line's overrides and
** p's values, --seed, --protocol and (capacity) its start (NULL: none).
** 0, or -1 with the messages in d. */
int sweep_load_point(const struct sweep_args *a, const struct scn_sweep *sw, int p,
		     const struct sweep_start *start, struct scenario *s, struct diag *d);
/* Fill DIR/points/NNN through a staging directory: fill(od, arg) writes
** the files; 0, or -1 with err (nothing half-written is left). */
struct outdir;
int sweep_point_dir(const char *dir, int p, int (*fill)(struct outdir *, const void *), const void *arg,
		    char *err, size_t errlen);
/* The first point, checked before anything runs; 0 or -1 (in d). */
int sweep_check_first(const struct sweep_args *a, const struct scn_sweep *sw, struct diag *d);

/* What a point's process sends its parent: one type byte, then text (to
** end of file): the row (after a worker rank's row, a NUL and the point's
** outputs packed), or the failure's messages. */
enum { MSG_ROW = 'R', MSG_FAIL = 'F', MSG_STOP = 'I' };
/* Seconds on the monotonic clock. */
double sweep_now_s(void);
/* sweep.csv's columns after the keys: the mode's, wall_s last. */
void sweep_put_cols(FILE *f, const struct scenario *s);
/* Run point p (start: its bracket's start, as sweep_load_point) and send
** its message down f; ship (a worker rank): its outputs too, packed,
** from dir, which keeps none.  With --cache the row begins "TAKEN RUN ",
** the replications taken from the store and run. */
void sweep_run_point(const struct sweep_args *a, const struct scn_sweep *sw, const char *dir, int p, FILE *f,
		     int ship, const struct sweep_start *start);

#endif
