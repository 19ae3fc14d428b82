/*
** What the parts of `hvsim explain` share (sim/explain/): errors with
** file:line:, the CSV tables of a results directory and a point's files.
** Internal to sim/explain/.
*/
#ifndef HVSIM_EXPLAIN_READ_H
#define HVSIM_EXPLAIN_READ_H

#include "sim/explain/explain.h"

#include <stddef.h>

#define MAXCOL 64

/* A CSV file of a results directory: its header and cells. */
struct table {
	char *path;
	char *buf;
	int ncol;
	char *head[MAXCOL];
	int nrow;
	char **cell;                  /* nrow x ncol */
	int *line;                    /* file line of each row */
};

/* Messages gathered while reading (file:line: each). */
struct xerr {
	char *buf;
	size_t len;
};

/* What explain keeps of a point's run. */
struct xtab {
	struct table vms, ent, dev, pcpu, web, place;
	int have_web, have_place;
	char hypervisor[64], policy[32];
};

/* The message (printf-style) into e; returns -1. */
int x_fail(struct xerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* dir/name, malloc'd. */
char *x_path_of(const char *dir, const char *name);
/* A whole file, NUL-terminated; NULL after a message. */
char *x_slurp(const char *path, struct xerr *e);
/* Read dir/name into t (optional: absent is not an error); 0 or -1. */
int x_table_load(struct table *t, const char *dir, const char *name, int optional, struct xerr *e);
void x_table_free(struct table *t);
/* The column named name, or -1 after a message. */
int x_col(const struct table *t, const char *name, struct xerr *e);
/* Row r's cell in column c ("" when short). */
const char *x_cell(const struct table *t, int r, int c);
/* A finite number from s: 0, or -1. */
int x_num_of(const char *s, double *x);
/* Row r's number in column c (empty_ok: an empty cell reads as 0); 0 or -1. */
int x_num(const struct table *t, int r, int c, int empty_ok, double *x, struct xerr *e);
/* What the point's run directory pdir says, into p; 0 or -1. */
int x_load_run(struct xpoint *p, const char *pdir, struct xerr *e);
void x_xtab_free(struct xtab *t);
/* pdir/tail_fail.csv into p->tail when there is one; 0 or -1. */
int x_load_tail(struct xpoint *p, const char *pdir, struct xerr *e);
/* The point of curve c the diagrams show: its plateau, else its last
** (one with a run directory). */
int x_shown(const struct xcurve *c);

#endif
