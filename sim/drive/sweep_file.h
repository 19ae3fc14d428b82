/*
** The inside of `hvsim sweep` shared by sweep.c (points, processes) and
** sweep_file.c (sweep.csv and sweep.settings on disk: creation, reading
** back for a resume, reordering).  Not an interface for other files.
*/
#ifndef HVSIM_SWEEP_FILE_H
#define HVSIM_SWEEP_FILE_H

#include "sim/engine/proc.h"

#include <stdio.h>

#include "sim/scenario/scenario.h"
#include "sim/drive/sweep.h"

enum { P_TODO, P_HAD, P_RUNNING, P_ROW, P_FAILED, P_STOPPED, P_WRITTEN };

struct sweep {
	const struct sweep_args *a;
	const struct scenario *s;
	const struct scn_sweep *sw;
	char *dir, *csv;
	int fd;                       /* sweep.csv, appending */
	int *state;                   /* P_* per point */
	char **row;                   /* finished rows not yet written */
	int next;                     /* first point not yet settled in file order */
	int in_order;                 /* the file's rows are in point order */
	int last;                     /* largest point whose row is in the file; -1 */
	int had, ran, failed, total;
	double t0;
	int cursor;                   /* the pool's next candidate point */
	struct progress g;            /* the bar on a terminal */
	int ship;                     /* a worker rank: a point's outputs go back in its message */
	struct sweep_start *start;    /* bracket="previous": per point, where its search starts */
	struct sweep_reuse *reuse;    /* --reuse: the other sweeps' points; NULL: none */
	int reused;                   /* points taken from them */
	int reps, cached;             /* --cache: replications of the points run, of which taken from the store */
};

/* sweep.csv (header head) and sweep.settings (set) into x->dir, atomically. */
int sweep_create_csv(struct sweep *x, const char *head, const char *set);
/* Read the rows a previous run left in x->csv and mark their points done
** (P_HAD); a different sweep (header or settings) is refused.  0, or -1
** after a message. */
int sweep_read_csv(struct sweep *x, const char *head, const char *set);
/* The bytes of sweep.csv's text (len of them) up to its last line end:
** what follows is a row cut short by a crash (or its zero-filled end). */
size_t sweep_whole_lines(const char *buf, size_t len);
/* Rewrite x->csv in point order when it is not (tmp + rename). */
int sweep_sort_csv(struct sweep *x);
/* long.csv: a row per point and VM (points/NNN/vms.csv with the point's
** values in front), rewritten whole.  0, or -1 with the reason in why (a
** point's vms.csv that is not a regular file of text, or the write's). */
int sweep_write_long(struct sweep *x, char *why, size_t whylen);

#endif
