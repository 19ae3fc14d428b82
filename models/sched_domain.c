/*
** Scheduling domains (see sched_domain.h): the pCPUs grouped by node.
*/
#include "models/sched_domain.h"
#include "models/machine.h"

#include <stdlib.h>
#include <string.h>

int sd_topo_init(struct sd_topo *t, const struct machine *m)
{
	int ncpus = m->ncpus, nnodes = m->nnodes;
	memset(t, 0, sizeof *t);
	t->ncpus = ncpus;
	t->nnodes = nnodes;
	t->node_first = calloc((size_t)(nnodes > 0 ? nnodes : 1), sizeof *t->node_first);
	t->node_n = calloc((size_t)(nnodes > 0 ? nnodes : 1), sizeof *t->node_n);
	t->node_cpu = calloc((size_t)(ncpus > 0 ? ncpus : 1), sizeof *t->node_cpu);
	t->cpu_node = calloc((size_t)(ncpus > 0 ? ncpus : 1), sizeof *t->cpu_node);
	t->cpu_pos = calloc((size_t)(ncpus > 0 ? ncpus : 1), sizeof *t->cpu_pos);
	if (!t->node_first || !t->node_n || !t->node_cpu || !t->cpu_node || !t->cpu_pos) {
		sd_topo_fini(t);
		return -1;
	}
	for (int i = 0; i < ncpus; i++) {
		t->cpu_node[i] = m->cpu[i].node;
		t->node_n[m->cpu[i].node]++;
	}
	for (int n = 1; n < nnodes; n++)
		t->node_first[n] = t->node_first[n - 1] + t->node_n[n - 1];
	for (int n = 0, k = 0; n < nnodes; n++)
		for (int i = 0, pos = 0; i < ncpus; i++)
			if (t->cpu_node[i] == n) {
				t->cpu_pos[i] = pos++;
				t->node_cpu[k++] = i;
			}
	return 0;
}

void sd_topo_fini(struct sd_topo *t)
{
	free(t->node_first);
	free(t->node_n);
	free(t->node_cpu);
	free(t->cpu_node);
	free(t->cpu_pos);
	memset(t, 0, sizeof *t);
}
