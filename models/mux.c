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
** Switch.  A pCPU that dispatches another entity than the one it ran last
** pays the world switch (VM exit + entry, ~3,300 cycles on K8 for a null
** hypercall round trip) when either side is a VCPU, else the host context
** switch, in cycles of the pCPU's clock.  A switch not finished when the
** entity is preempted again is not carried over: each dispatch pays one.
**
** Cache refill: a footprint model.  Each pCPU has a last-level cache of
** S sets of A lines (N = S A lines), LRU within a set.  An entity with a
** working set of W = min(wss, N) lines that starts cold touches, in t ns
** of useful run, an expected
**
**     W (1 - exp(-t / T))
**
** distinct lines of it (references spread uniformly over the working set:
** the expected number of distinct items among k uniform draws from W is
** W (1 - (1 - 1/W)^k); T, the footprint time, is how long it takes to
** touch 1 - 1/e of it).  So an entity that arrives with M of its W lines
** missing brings in, in t ns, M (1 - exp(-t/T)) lines, each a miss that
** stalls it L = latency x r(a, b) / overlap ns (`refill-overlap` misses
** in flight at once; r as above), and the remaining misses decay as
** M exp(-t/T).  Its stall while doing t ns of work is
**
**     stall(t) = L M (1 - exp(-t / T))
**
** so a 5 us tick handler touches about 5us/T of its working set and pays
** for those lines only, while a burst of many T refills all M lines:
** (serial 1 MiB on K8 is ~16k lines x 95 ns = 1.6 ms, /4 in flight).
** Refill is paid once: M is recomputed at each dispatch from the cache's
** state (never added to a previous dispatch's unpaid misses), and what is
** refilled stays refilled.
**
** What is missing on arrival is what the entities that ran on the pCPU
** since e left evicted: their footprints (Thiebaut and Stone, "Footprints
** in the cache", ACM TOCS 5(4), 1987: a process's footprint is the set of
** its lines in the cache; an intervening process displaces it by the
** lines it brings in; the same reload transient drives Squillante and
** Lazowska's cache-affinity scheduling, IEEE TPDS 4(2), 1993).  Each
** pCPU's cache (N = last-level size / line lines) keeps its occupants,
** the entities with lines in it, in the order they last ran there (an
** LRU stack of footprints, fully associative).  A miss inserts a line:
** into free space while there is some, else in place of a line of the
** occupant that ran least recently (LRU: its lines are the oldest),
** never of the running entity itself.  So an intruder that runs briefly
** inserts a few lines and evicts about that many; a 1 MiB working set
** refilled for a whole slice evicts up to the whole cache; working sets
** that fit together (two 256 KiB ones in 1 MiB) do not evict each other.
** An entity arriving on another pCPU finds what it left there, usually
** nothing: that is a migration's refill, at the distance from the new
** node to its memory.  Approximations: no conflict misses (fully
** associative); a cache shared by a node's cores is split into per-core
** shares; a running entity's lines are all as recent as its last run.
** An entity with no working set (wss 0: the emulation threads, whose
** footprint is not modelled) neither refills nor evicts.
**
** Counterfactuals (<ideal remove>, docs/explain.md): "switch" makes every
** switch free and gives no entity a working set (no refill, no eviction);
** "numa" reads every node's memory at local latency (r = 1: rate and
** refill as if the memory were always local); "paging" runs VCPUs at the
** pCPU's speed (v = 1).
*/
#include "models/mux.h"
#include "models/world.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double rel_read(const struct world *w, int node, int mem)
{
	const struct machine *m = &w->mach;
	if (world_ideal(w, SCN_IDEAL_NUMA))
		return 1;
	if (mem >= 0)
		return machine_read(m, node, mem);
	double sum = 0;
	for (int b = 0; b < m->nnodes; b++)
		sum += machine_read(m, node, b);
	return sum / m->nnodes;
}

double mux_rate(const struct world *w, const struct cpu *c, struct entity *e)
{
	if (e->rate_cpu == c->id + 1 && e->rate_mem == e->mem_node)
		return e->rate_memo;
	double rate = w->mach.rate;
	if (e->kind == ENT_VCPU && !world_ideal(w, SCN_IDEAL_PAGING))
		rate *= w->scn->hv.costs.cpu_factor;
	if (e->mem_share > 0)
		rate /= (1 - e->mem_share) + e->mem_share * rel_read(w, c->node, e->mem_node);
	e->rate_memo = rate;
	e->rate_cpu = c->id + 1;
	e->rate_mem = e->mem_node;
	return rate;
}

double mux_switch_cycles(const struct world *w, const struct cpu *c, const struct entity *e)
{
	const struct scn_costs *k = &w->scn->hv.costs;
	const struct entity *prev = c->last;
	if (!prev || prev == e || world_ideal(w, SCN_IDEAL_SWITCH))
		return 0;
	return e->kind == ENT_VCPU || prev->kind == ENT_VCPU ? k->world_switch : k->host_switch;
}

void mux_attach(const struct world *w, struct entity *e, double wss, int64_t ftime)
{
	e->wss_lines = 0;
	if (wss <= 0 || w->llc_size <= 0 || ftime <= 0 || world_ideal(w, SCN_IDEAL_SWITCH))
		return;
	e->wss_lines = (wss < w->llc_size ? wss : w->llc_size) / w->llc_line;
	e->ftime = (double)ftime;
}

static int occ_find(const struct cpu *c, const struct entity *e)
{
	for (int i = 0; i < c->nocc; i++)
		if (c->occ[i].e == e)
			return i;
	return -1;
}

double mux_resident(const struct cpu *c, const struct entity *e)
{
	int i = occ_find(c, e);
	return i >= 0 ? c->occ[i].lines : 0;
}

int mux_arrive(const struct world *w, struct cpu *c, struct entity *e)
{
	e->migrated = e->cpu >= 0 && e->cpu != c->id;
	e->miss = 0;
	if (e->wss_lines <= 0)
		return 0;
	/* e becomes the most recent occupant: entry 0 */
	int i = occ_find(c, e);
	struct mux_occ me = { e, 0 };
	if (i < 0) {
		if (c->nocc == c->capocc) {
			int cap = c->capocc ? 2 * c->capocc : 8;
			struct mux_occ *o = realloc(c->occ, (size_t)cap * sizeof *o);
			if (!o)
				return -ENOMEM;
			c->occ = o;
			c->capocc = cap;
		}
		i = c->nocc++;
	} else {
		me = c->occ[i];
	}
	memmove(c->occ + 1, c->occ, (size_t)i * sizeof *c->occ);
	c->occ[0] = me;
	double r = rel_read(w, c->node, e->mem_node);
	e->miss = e->wss_lines - me.lines;
	if (e->miss < 0)
		e->miss = 0;
	e->line_ns = (double)w->scn->machine.mem_latency * r / w->scn->hv.costs.refill_overlap;
	e->remote_frac = r > 1 ? (r - 1) / r : 0;
	return 0;
}

void mux_refilled(const struct world *w, struct cpu *c, struct entity *e, double still)
{
	double k = e->miss - still;
	e->miss = still;
	if (k <= 0 || c->nocc == 0 || c->occ[0].e != e)
		return;
	double cap = w->llc_size / w->llc_line;
	double free = cap - c->used;
	double take = free > 0 ? (k < free ? k : free) : 0;
	double evict = k - take;
	c->used += take;
	/* the least recent occupants lose lines first */
	while (evict > 0 && c->nocc > 1) {
		struct mux_occ *o = &c->occ[c->nocc - 1];
		double x = o->lines < evict ? o->lines : evict;
		o->lines -= x;
		evict -= x;
		if (o->lines <= 1e-9)
			c->nocc--;
	}
	/* evict > 0 now: no room (cannot happen while wss_lines <= N) */
	c->occ[0].lines += k - evict;
}

double mux_stall(const struct entity *e, double t)
{
	if (e->miss <= 0 || t <= 0)
		return 0;
	return e->line_ns * e->miss * -expm1(-t / e->ftime);
}

/* h(t) = t + a (1 - exp(-t/T)) - d is increasing and concave, so Newton's
** method from a point where h <= 0 (t = d - a) climbs to the root
** without overshooting. */
double mux_useful(const struct entity *e, double d)
{
	if (d <= 0)
		return 0;
	double a = e->line_ns * e->miss;
	if (a <= 0)
		return d;
	double T = e->ftime, t = d > a ? d - a : 0;
	for (int i = 0; i < 60; i++) {
		double ex = exp(-t / T);
		double h = t + a * (1 - ex) - d;
		double step = -h / (1 + a / T * ex);
		t += step;
		if (step < 1e-4)
			break;
	}
	return t < d ? t : d;
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
