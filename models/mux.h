/*
** The cost of multiplexing entities on pCPUs: how fast an entity runs on
** a given pCPU (virtualisation factor, NUMA distance to its memory), what
** a switch costs, and what a returning entity must refill in the cache
** (a footprint model: what the entities that ran in between evicted).
*/
#ifndef HVSIM_MUX_H
#define HVSIM_MUX_H

#include "models/sched.h"

struct world;

/* Cycles of e's burst done per ns on c (remembered in e for its last
** pCPU and memory node). */
double mux_rate(const struct world *w, const struct cpu *c, struct entity *e);

/* Switch cycles, at c's clock, when c dispatches e after c->last. */
double mux_switch_cycles(const struct world *w, const struct cpu *c, const struct entity *e);

/* One entity's lines in a pCPU's cache. */
struct mux_occ {
	struct entity *e;
	double lines;
};

/* Set up e's cache footprint (wss_lines, ftime) from its working set
** (bytes) and footprint time (ns). */
void mux_attach(const struct world *w, struct entity *e, double wss, int64_t ftime);

/* c dispatches e: e->miss (lines of its working set missing from c's
** cache now), e->line_ns, e->remote_frac and e->migrated are set, and e
** becomes the most recent in c's cache.  -ENOMEM or 0. */
int mux_arrive(const struct world *w, struct cpu *c, struct entity *e);

/* e, running on c, has refilled lines down to `still` missing: they go
** into c's cache, evicting the least recently run entities' lines. */
void mux_refilled(const struct world *w, struct cpu *c, struct entity *e, double still);

/* Lines of e in c's cache. */
double mux_resident(const struct cpu *c, const struct entity *e);

/* Stall ns while e does t ns of useful run with its current misses. */
double mux_stall(const struct entity *e, double t);

/* The useful ns t in a stretch of d ns of run after the switch: the root
** of t + mux_stall(e, t) = d. */
double mux_useful(const struct entity *e, double d);

/* Share of e's memory accesses from c that go to another node. */
double mux_remote_share(const struct world *w, const struct cpu *c, const struct entity *e);

#endif
