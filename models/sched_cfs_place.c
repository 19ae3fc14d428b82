/*
** Linux CFS: where an entity is queued at fork (sched_balance_self) and
** at wake-up (2.6.24 try_to_wake_up and wake_idle; 2.6.32
** select_task_rq_fair and wake_affine), with the real waker
** (models/sched.h); the domains and balancer: models/sched_cfs_balance.c.
*/
#include "models/sched_cfs.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------- fork placement --- */

int cfs_find_idlest_group(const struct sched *s, int cpu, int k, const struct entity *e)
{
	const struct rq *rq = rq_of(s, cpu);
	const struct sd_def *def = rq->sd[k].def;
	int n = sd_ngroups(&s->topo, cpu, rq->sd[k].level);
	int local = sd_local_group(&s->topo, cpu, rq->sd[k].level), idlest = -1;
	int64_t min_load = INT64_MAX, this_load = 0;
	int imbalance = 100 + (def->imbalance_pct - 100) / 2;
	for (int j = 0; j < n; j++) {
		int g = (local + j) % n;
		struct grp gr;
		cfs_group_of(s, cpu, rq, k, g, &gr);
		bool allowed = false;
		for (int i = 0; i < gr.n; i++)
			allowed |= cpuset_has(&e->affinity, gr.cpu[i]);
		if (!allowed)
			continue;
		int64_t load = 0;
		for (int i = 0; i < gr.n; i++)
			load += g == local ? cfs_source_load(s, gr.cpu[i], def->forkexec_idx)
					   : cfs_target_load(s, gr.cpu[i], def->forkexec_idx);
		load = load * NICE_0_LOAD / gr.power;
		if (g == local)
			this_load = load;
		else if (load < min_load) {
			min_load = load;
			idlest = g;
		}
	}
	if (idlest < 0 || 100 * this_load < imbalance * min_load)
		return -1;
	return idlest;
}

static int find_idlest_cpu(const struct sched *s, int cpu, int k, int g, const struct entity *e)
{
	struct grp gr;
	cfs_group_of(s, cpu, rq_of(s, cpu), k, g, &gr);
	int64_t min_load = INT64_MAX;
	int idlest = -1;
	for (int i = 0; i < gr.n; i++) {
		int c = gr.cpu[i];
		if (!cpuset_has(&e->affinity, c))
			continue;
		int64_t load = cfs_weighted_load(s, c);
		if (load < min_load || (load == min_load && c == cpu)) {
			min_load = load;
			idlest = c;
		}
	}
	return idlest;
}

/* sched_balance_self(SD_BALANCE_FORK) from the entity's first allowed
** pCPU, standing for its parent's. */
int cfs_fork_balance(const struct sched *s, const struct entity *e)
{
	int cpu = 0;
	while (cpu < s->ncpus - 1 && !cpuset_has(&e->affinity, cpu))
		cpu++;
	const struct rq *rq = rq_of(s, cpu);
	int k = -1;
	for (int i = 0; i < rq->nsd; i++)
		if (rq->sd[i].def->flags & SD_BALANCE_FORK)
			k = i;
	while (k >= 0) {
		rq = rq_of(s, cpu);
		if (!(rq->sd[k].def->flags & SD_BALANCE_FORK)) {
			k--;
			continue;
		}
		int g = cfs_find_idlest_group(s, cpu, k, e);
		int nc = g < 0 ? -1 : find_idlest_cpu(s, cpu, k, g, e);
		if (nc < 0 || nc == cpu) {
			k--;
			continue;
		}
		int weight = sd_span(&s->topo, cpu, rq->sd[k].level).n;
		cpu = nc;
		rq = rq_of(s, cpu);
		k = -1;
		for (int i = 0; i < rq->nsd; i++) {
			if (weight <= sd_span(&s->topo, cpu, rq->sd[i].level).n)
				break;
			if (rq->sd[i].def->flags & SD_BALANCE_FORK)
				k = i;
		}
	}
	return cpu;
}

/* ---------------------------------------------------------- wake-ups --- */

/* The lowest domain level of cpu whose span holds other, or -1 (the
** for_each_domain walk that finds this_sd). */
static int level_with(const struct sched *s, int cpu, int other)
{
	const struct rq *rq = rq_of(s, cpu);
	for (int k = 0; k < rq->nsd; k++)
		if (rq->sd[k].level == SD_NODE || sd_same_node(&s->topo, other, cpu))
			return k;
	return -1;
}

/* 2.6.24 wake_idle (kernel/sched.c): cpu itself if idle or running more
** than one task, else the first idle allowed pCPU of each SD_WAKE_IDLE
** level upwards (the core level only), else cpu.  It is compiled in with
** ARCH_HAS_SCHED_WAKE_IDLE, i.e. CONFIG_SCHED_SMT (include/linux/
** topology.h), which distribution kernels set whether or not the cores
** have SMT siblings. */
int cfs_wake_idle(const struct sched *s, const struct entity *e, int cpu)
{
	const struct rq *rq = rq_of(s, cpu);
	if (is_idle(s, cpu) || rq->nr_running > 1)
		return cpu;
	for (int k = 0; k < rq->nsd && (rq->sd[k].def->flags & SD_WAKE_IDLE); k++) {
		struct sd_span sp = sd_span(&s->topo, cpu, rq->sd[k].level);
		for (int i = 0; i < sp.n; i++)
			if (cpuset_has(&e->affinity, sp.cpu[i]) && is_idle(s, sp.cpu[i]))
				return sp.cpu[i];
	}
	return cpu;
}

/* 2.6.24 try_to_wake_up (kernel/sched.c), a wake-up from this_cpu of e
** last on prev.  Unless prev is this_cpu or this_cpu is not allowed, in
** this_sd, the lowest level of this_cpu that spans prev, with
**	load = source_load(prev, wake_idx), tl = target_load(this_cpu, wake_idx),
**	imb = 100 + (imbalance_pct - 100) / 2 (112), w the weight of e,
**	per_task = this_cpu's queue weight / its nr_running, SCHED_LOAD_SCALE
**		   if empty (cpu_avg_load_per_task):
** SD_WAKE_AFFINE (the core level) wakes e on this_cpu when
**	(tl <= load and tl + target_load(prev, wake_idx) <= per_task)
**	or 100 (tl + w) <= imb load
** ("cache cold, no bad imbalance"), and SD_WAKE_BALANCE (the node level:
** passive balancing) when imb tl <= 100 load; otherwise on prev.  No
** wake-up here is sync (KVM wakes VCPU threads with
** wake_up_interruptible, devices and timers never sync), so the sync
** branch (cache-cold tasks attracted, tl less current's weight) never
** runs.  wake_idle then looks for an idle core next to the choice. */
int cfs_wake_24(const struct sched *s, const struct entity *e, int prev, int this_cpu)
{
	int new_cpu = prev, k = prev == this_cpu ? -1 : level_with(s, this_cpu, prev);
	if (k >= 0 && cpuset_has(&e->affinity, this_cpu)) {
		const struct rq *trq = rq_of(s, this_cpu);
		const struct sd_def *def = trq->sd[k].def;
		int idx = def->wake_idx, imb = 100 + (def->imbalance_pct - 100) / 2;
		int64_t load = cfs_source_load(s, prev, idx), tl = cfs_target_load(s, this_cpu, idx);
		int64_t per_task = trq->nr_running ? trq->load / trq->nr_running : NICE_0_LOAD;
		if ((def->flags & SD_WAKE_AFFINE) &&
		    ((tl <= load && tl + cfs_target_load(s, prev, idx) <= per_task) ||
		     100 * (tl + ce_of(e)->weight) <= imb * load))
			new_cpu = this_cpu;
		else if ((def->flags & SD_WAKE_BALANCE) && imb * tl <= 100 * load)
			new_cpu = this_cpu;
	}
	return cfs_wake_idle(s, e, new_cpu);
}

/* 2.6.32 wake_affine (kernel/sched_fair.c) in domain def, without group
** scheduling (effective_load(tg, cpu, wl, wg) = wl): with
**	load = source_load(prev, wake_idx), tl = target_load(this_cpu, wake_idx),
**	balanced = tl == 0 or 100 (tl + w) <= imb load       (imb 112),
**	per_task = this_cpu's queue weight / its nr_running (0 if empty),
** affine when balanced, or tl <= load and tl + target_load(prev) <=
** per_task.  sync is 0 for every wake-up here (see wake_24) and
** SYNC_MORE is off (kernel/sched_features.h), so avg_overlap never makes
** one sync and the sync branch (current's weight taken off, "sync and
** balanced") never runs; avg_overlap is not kept. */
bool cfs_wake_affine(const struct sched *s, const struct entity *e, const struct sd_def *def, int prev,
			int this_cpu)
{
	int idx = def->wake_idx, imb = 100 + (def->imbalance_pct - 100) / 2;
	int64_t load = cfs_source_load(s, prev, idx), tl = cfs_target_load(s, this_cpu, idx);
	if (!tl || 100 * (tl + ce_of(e)->weight) <= imb * load)
		return true;
	return tl <= load && tl + cfs_target_load(s, prev, idx) <= cfs_avg_load_per_task(s, this_cpu);
}

/* 2.6.32 select_task_rq_fair(SD_BALANCE_WAKE) (kernel/sched_fair.c),
** with AFFINE_WAKEUPS on and no power savings.  If this_cpu is allowed,
** the levels of this_cpu upwards are searched for the first with
** SD_WAKE_AFFINE that yields a candidate: this_cpu if the level spans
** prev; and where SD_PREFER_SIBLING is set (the core level: "an idle
** shared cache"), prev instead if it has no task, and if the candidate
** is still none or this_cpu, the first allowed pCPU of the level without
** tasks.  The candidate is taken if wake_affine in that level passes
** (which compares this_cpu, the waker, with prev, whatever the
** candidate); otherwise, as no level has SD_BALANCE_WAKE, e stays on
** prev. */
int cfs_wake_32(const struct sched *s, const struct entity *e, int prev, int this_cpu)
{
	const struct rq *trq = rq_of(s, this_cpu);
	if (!cpuset_has(&e->affinity, this_cpu))
		return prev;
	for (int k = 0; k < trq->nsd; k++) {
		const struct sd_def *def = trq->sd[k].def;
		if (!(def->flags & SD_WAKE_AFFINE))
			continue;
		int level = trq->sd[k].level;
		struct sd_span sp = sd_span(&s->topo, this_cpu, level);
		int n = sp.n;
		const int *span = sp.cpu;
		int cand = level == SD_NODE || sd_same_node(&s->topo, prev, this_cpu) ? this_cpu : -1;
		if (def->flags & SD_PREFER_SIBLING) {
			if (cand == this_cpu && !rq_of(s, prev)->nr_running)
				cand = prev;
			int idle = -1;
			for (int i = 0; i < n && idle < 0 && (cand < 0 || cand == this_cpu); i++)
				if (cpuset_has(&e->affinity, span[i]) && !rq_of(s, span[i])->nr_running)
					idle = span[i];
			if (idle >= 0)
				cand = idle;
		}
		if (cand >= 0)
			return cfs_wake_affine(s, e, def, prev, this_cpu) ? cand : prev;
	}
	return prev;
}

int cfs_wake_cpu(const struct sched *s, const struct entity *e, int prev, int this_cpu)
{
	const struct cfs *f = s->priv;
	return f->version == 24 ? cfs_wake_24(s, e, prev, this_cpu) : cfs_wake_32(s, e, prev, this_cpu);
}
