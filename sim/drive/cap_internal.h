/*
** What capacity.c (the search), cap_parallel.c (its replications in
** child processes or ranks) and cap_output.c (its outputs) share; not an
** interface for other files.
*/
#ifndef HVSIM_CAP_INTERNAL_H
#define HVSIM_CAP_INTERNAL_H

#include "sim/drive/capacity.h"

/* Users of every varied workload of s set to users; the old values saved
** into old first (in order) unless it is NULL. */
void cap__set_users(struct scenario *s, int users, int *old);

/* A run that met both shares but counted fewer than min-pages pages:
** it proves nothing either way (few users make few pages). */
int cap__too_short(const struct cap_probe *p, const struct scn_qos *q);

/* Append p to r's probes (r takes p->tail); 0 or -1 (out of memory:
** p->tail freed). */
int cap__append(struct cap_result *r, struct cap_probe *p);

/* The dither of a replication's search (capacity.c): u in [0, 1) drawn
** from its seed and start; its first probe around a hint; the first cut
** of a bracket found by doubling from min (base < cut < hi when
** hi - base >= 2). */
double cap__dither(uint64_t seed, int start);
int cap__dither_start(const struct scn_capacity *c, int hint, double u);
int cap__dither_cut(int base, int hi, double u);

/* Tests only (NULL otherwise): when set, a probe does not simulate; the
** hook fills p->qos (and may fill the rest) for users per VM and the
** seed, the rule judges it; non-zero: the probe failed. */
extern int (*cap__probe_hook)(const struct scenario *s, uint64_t seed, int users, struct cap_probe *p);

/* Tests only (1 otherwise): the width of the dithered first probe's draw
** around a hint in cells of the 2^(k/16) grid (tests/test_capacity.c
** compares 1 with 2 on a rough cliff). */
extern double cap__dither_cells;

/* Where a probe goes; it takes p->tail (or frees it). */
typedef int (*cap__emit_fn)(void *ctx, struct cap_probe *p);

/* Replication rep's whole search, each probe given to emit(ctx, ...);
** hint > 0: its first round brackets around hint instead of doubling
** from min.  0, -1 (err says why) or -2 (stopped). */
int cap__search_rep(struct scenario *s, int rep, int hint, const volatile sig_atomic_t *stop, cap__emit_fn emit,
		    void *ctx, char *err, size_t errlen);

/* Replications first .. first + nrep - 1 (hint[i] the (i + 1)th's start)
** in up to jobs child processes, or on the MPI ranks; their probes
** appended to r in replication order.  0, -1 or -2 as cap__search_rep. */
int cap__run_parallel(struct scenario *s, int jobs, int first, int nrep, const int *hint,
		      const volatile sig_atomic_t *stop, struct cap_result *r, char *err, size_t errlen);

#endif
