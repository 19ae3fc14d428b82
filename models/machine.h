/*
** The machine model: NUMA nodes, their cores (pCPUs), caches, the node
** distance matrix (hops and relative access times), memory per node,
** NICs and disks.  Built from a scenario's <machine>; the figures of the
** paper's Opteron are in models/profiles/machines/opteron-8212-4s.xml.
*/
#ifndef HVSIM_MACHINE_H
#define HVSIM_MACHINE_H

#include <stdio.h>
#include "sim/scenario/scenario.h"

struct pcpu_info {
	int id;          /* 0..ncpus-1, numbered node by node */
	int node;
	int core;        /* index within its node */
};

struct machine {
	const struct scn_machine *cfg;   /* borrowed from the scenario */
	int nnodes, ncpus;
	struct pcpu_info *cpu;
	double rate;                     /* cycles per ns at nominal frequency */
};

int machine_build(struct machine *m, const struct scn_machine *cfg);
void machine_free(struct machine *m);

static inline int machine_hops(const struct machine *m, int from, int to)
{
	return m->cfg->hops[from * m->nnodes + to];
}

/* Relative read access time from a core on node from to memory on node
** to (local read = 1). */
static inline double machine_read(const struct machine *m, int from, int to)
{
	return m->cfg->read[from * m->nnodes + to];
}

static inline double machine_write(const struct machine *m, int from, int to)
{
	return m->cfg->write[from * m->nnodes + to];
}

/* Total memory in bytes. */
double machine_memory(const struct machine *m);

/* A human-readable description (for `hvsim validate`). */
void machine_describe(const struct machine *m, FILE *f);

#endif
