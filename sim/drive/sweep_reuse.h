/*
** A sweep point's model.xml and `hvsim sweep --reuse` (sweep_reuse.c).
*/
#ifndef HVSIM_SWEEP_REUSE_H
#define HVSIM_SWEEP_REUSE_H

#include "sim/scenario/scenario.h"

/* Point s's model.xml: s->model with a comment after the declaration
** giving the version, s->seed, the protocol, the mode and (capacity) the
** search's start, each as the point runs with them.  malloc'd; NULL when
** out of memory or s has no model. */
char *sweep_model_xml(const struct scenario *s, int capacity, int protocol);

/* A finished point of another sweep: its model.xml, its directory
** (DIR/points/NNN) and its sweep.csv row after the keys, wall_s left out. */
struct reuse_pt {
	char *model;
	char *dir;
	char *tail;
};

struct sweep_reuse {
	struct reuse_pt *pt;
	int n;
};

/* Read every finished point with a model.xml of the sweeps in dirs;
** cols is this sweep's header after its keys, which theirs must equal.
** 0, or -1 after a message on stderr (not a sweep's directory, other
** columns, out of memory). */
int sweep_reuse_open(struct sweep_reuse *r, const char *const *dirs, int ndirs, const char *cols);
/* A point whose model.xml is model, byte for byte; NULL if none. */
const struct reuse_pt *sweep_reuse_find(const struct sweep_reuse *r, const char *model);
void sweep_reuse_free(struct sweep_reuse *r);

/* --reuse in a running sweep (sweep_file.h): point p (its start known)
** taken from x->reuse when a point there has p's model.xml; its files
** copied into points/NNN (summary.json naming this sweep's scenario, as
** running p writes it), its row with p's values and a wall_s of 0.  1
** taken (x->row[p] ready, P_ROW), 0 not (p runs: no such point, or the
** copy failed). */
struct sweep;
int sweep_take_reused(struct sweep *x, int p);

#endif
