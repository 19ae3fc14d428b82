/*
** Run outputs: summary.json and the CSV tables, written into a staging
** directory beside the destination and moved into place only when every
** file is complete, so an interrupted or failed run never leaves a
** half-written output directory.
*/
#ifndef HVSIM_OUTPUT_H
#define HVSIM_OUTPUT_H

#include <stdio.h>
#include "sim/world.h"

struct outdir {
	char *dest;        /* requested directory */
	char *stage;       /* staging directory, "<dest>.tmp-<pid>" */
};

/* Create the staging directory (and dest's parents).  Returns 0 or -1
** with a message in err; on -1 nothing is staged, o's fields are NULL
** and out_abort(o) does nothing. */
int out_begin(struct outdir *o, const char *dest, char *err, size_t errlen);
/* Open a file in the staging directory for writing. */
FILE *out_open(struct outdir *o, const char *name);
/* Move every staged file into dest; remove the staging directory. */
int out_commit(struct outdir *o, char *err, size_t errlen);
/* Remove the staging directory and its files (none when out_begin
** failed or o is all zero). */
void out_abort(struct outdir *o);

/* The whole of file path, NUL-terminated (malloc'd; *len its length when
** len is not NULL), or NULL with errno set: the open error, ENOMEM, or EIO
** when reading failed. */
char *out_slurp(const char *path, size_t *len);

/* The files of one run. */
int out_write_run(struct outdir *o, const struct world *w);

/* placement.csv: each VCPU's and emulation thread's run time on each
** pCPU in the measured interval.  Needs the run segments, so w must have
** recorded an in-memory timeline (timeline_open(w, NULL, 1) before
** world_run); -1 otherwise or when the file cannot be written. */
int out_write_placement(struct outdir *o, const struct world *w);

#endif
