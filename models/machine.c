/*
** The machine model (see machine.h): numbers the pCPUs node by node, as
** Linux does on the Opteron (cpu 2k and 2k+1 share node k).
*/
#include "models/machine.h"

#include <errno.h>
#include <stdlib.h>

int machine_build(struct machine *m, const struct scn_machine *cfg)
{
	m->cfg = cfg;
	m->nnodes = cfg->nnodes;
	m->ncpus = scn_ncpus(cfg);
	m->rate = cfg->freq / 1e9;
	m->cpu = calloc((size_t)m->ncpus, sizeof *m->cpu);
	if (!m->cpu)
		return -ENOMEM;
	int id = 0;
	for (int n = 0; n < cfg->nnodes; n++)
		for (int c = 0; c < cfg->node[n].cores; c++, id++) {
			m->cpu[id].id = id;
			m->cpu[id].node = n;
			m->cpu[id].core = c;
		}
	return 0;
}

void machine_free(struct machine *m)
{
	free(m->cpu);
	m->cpu = NULL;
}

double machine_memory(const struct machine *m)
{
	double b = 0;
	for (int n = 0; n < m->nnodes; n++)
		b += m->cfg->node[n].memory;
	return b;
}

void machine_describe(const struct machine *m, FILE *f)
{
	const struct scn_machine *c = m->cfg;
	fprintf(f, "machine %s: %d nodes, %d pCPUs at %.3g GHz, %.3g GiB\n", c->name, m->nnodes,
		m->ncpus, c->freq / 1e9, machine_memory(m) / (1024.0 * 1024 * 1024));
	for (int i = 0; i < c->ncache; i++)
		fprintf(f, "  L%d cache %.0f KiB per %s, %.0f B lines\n", c->cache[i].level,
			c->cache[i].size / 1024, c->cache[i].per_node ? "node" : "core", c->cache[i].line);
	if (m->nnodes > 1) {
		fprintf(f, "  NUMA hops / relative read time:\n");
		for (int a = 0; a < m->nnodes; a++) {
			fprintf(f, "    node %d:", a);
			for (int b = 0; b < m->nnodes; b++)
				fprintf(f, "  %d/%.3f", machine_hops(m, a, b), machine_read(m, a, b));
			fprintf(f, "\n");
		}
	}
	for (int i = 0; i < c->nnics; i++)
		fprintf(f, "  nic %s %.3g Mbit/s\n", c->nic[i].name, c->nic[i].rate * 8 / 1e6);
	for (int i = 0; i < c->ndisks; i++)
		fprintf(f, "  disk %s seek %.3g ms, %.3g MB/s\n", c->disk[i].name, (double)c->disk[i].seek / 1e6,
			c->disk[i].transfer / 1e6);
}
