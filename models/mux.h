/*
** The cost of multiplexing entities on pCPUs: how fast an entity runs on
** a given pCPU (virtualisation factor, NUMA distance to its memory) and
** what a dispatch costs (world switch, cache refill).  DESIGN.md "Model".
*/
#ifndef HVSIM_MUX_H
#define HVSIM_MUX_H

#include "models/sched.h"

struct world;

/* Cycles of e's burst done per ns on c. */
double mux_rate(const struct world *w, const struct cpu *c, const struct entity *e);

/* Overhead cycles charged when c dispatches e. */
double mux_dispatch_overhead(const struct world *w, const struct cpu *c, const struct entity *e);

/* Share of e's memory accesses from c that go to another node. */
double mux_remote_share(const struct world *w, const struct cpu *c, const struct entity *e);

#endif
