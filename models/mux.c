/*
** Multiplexing costs (see mux.h).
**
** Speed.  An entity whose run time is a share m stalled on memory at
** local latency runs, from node a with its memory on node b, at
**
**     rate = f * v / ((1 - m) + m * r(a, b))
**
** cycles per ns of work, where f is the pCPU frequency, v the
** hypervisor's CPU factor (VCPUs only: guest code under AMD-V with shadow
** paging) and r the relative read access time of the machine's distance
** matrix (AMD pub. 40555 for the Opteron: 1.00 / 1.085 / 1.30).  With
** interleaved memory r is the mean of the row.  m defaults to 0: Bosque
** et al. (MEDEA 2007) measured up to 42% for Apache with SPECweb2005,
** which the workloads set.
**
** Dispatch.  A pCPU that switches to another entity pays the world
** switch (VM exit + entry, ~3,300 cycles on K8: REFERENCE.md sec. 5) when
** either side is a VCPU, else the host context switch.  An entity that
** migrated, or found another entity's data in the cache, refills its
** working set: min(wss, last-level cache) / line misses, each at the
** memory latency times r(a, b), overlapped `refill-overlap` at a time
** (serial 1 MB on K8 is ~16k lines x 95 ns = 1.6 ms: REFERENCE.md sec. 4).
*/
#include "models/mux.h"
#include "sim/world.h"

static double rel_read(const struct world *w, int node, int mem)
{
	const struct machine *m = &w->mach;
	if (mem >= 0)
		return machine_read(m, node, mem);
	double sum = 0;
	for (int b = 0; b < m->nnodes; b++)
		sum += machine_read(m, node, b);
	return sum / m->nnodes;
}

double mux_rate(const struct world *w, const struct cpu *c, const struct entity *e)
{
	double rate = w->mach.rate;
	if (e->kind == ENT_VCPU)
		rate *= w->scn->hv.costs.cpu_factor;
	if (e->mem_share > 0)
		rate /= (1 - e->mem_share) + e->mem_share * rel_read(w, c->node, e->mem_node);
	return rate;
}

double mux_dispatch_overhead(const struct world *w, const struct cpu *c, const struct entity *e)
{
	const struct scn_costs *k = &w->scn->hv.costs;
	double cycles = 0;
	const struct entity *prev = c->last;
	if (prev != e && prev) {
		if (e->kind == ENT_VCPU || prev->kind == ENT_VCPU)
			cycles += k->world_switch;
		else
			cycles += k->host_switch;
	}
	int moved = e->cpu >= 0 && e->cpu != c->id;
	if (e->wss > 0 && (moved || (prev && prev != e)) && w->llc_size > 0) {
		double bytes = e->wss < w->llc_size ? e->wss : w->llc_size;
		double lines = bytes / w->llc_line;
		double lat_ns = (double)w->scn->machine.mem_latency * rel_read(w, c->node, e->mem_node);
		cycles += lines * lat_ns * w->mach.rate / k->refill_overlap;
	}
	return cycles;
}

double mux_remote_share(const struct world *w, const struct cpu *c, const struct entity *e)
{
	int n = w->mach.nnodes;
	if (n <= 1)
		return 0;
	if (e->mem_node < 0)
		return (double)(n - 1) / n;
	return e->mem_node != c->node;
}
