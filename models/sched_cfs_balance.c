/*
** Linux CFS's SMP load balancer and scheduling domains, for the fair
** scheduler of models/sched_cfs.c: kernel/sched.c of Linux 2.6.24 (tag
** v2.6.24) or 2.6.32 (2.6.32.2) as chosen by its `version` parameter, the
** domain constants of include/linux/topology.h (SD_MC_INIT) and of x86_64
** (SD_NODE_INIT: include/asm-x86/topology_64.h in 2.6.24, arch/x86/
** include/asm/topology.h in 2.6.32), with CONFIG_SCHED_MC, CONFIG_NUMA and
** CONFIG_NO_HZ, no SMT, no power-savings balancing.
**
** Domains.  Two levels per pCPU: the cores of its node (SD_MC_INIT: 1-4
** ms, busy x64, imbalance 125%, one group per core) and all nodes (x86_64
** SD_NODE_INIT: 8-32 ms, busy x32, imbalance 125%, one group per node); a
** level with one group or one pCPU is dropped as the kernels'
** sd_degenerate does.  Node groups have the power of one CPU in 2.6.24
** (one package per node) and of all their cores in 2.6.32, whose
** SD_PREFER_SIBLING cuts a node's capacity to one task: both try to give
** every node a task before doubling up in one.
**
** Wake-ups (try_to_wake_up, select_task_rq_fair: cfs_wake_cpu).  From
** the waker's pCPU: 2.6.24's wake-affine test (SD_WAKE_AFFINE, core
** level) and passive balancing (SD_WAKE_BALANCE, node level) on the
** loads of wake_idx, then wake_idle; 2.6.32's idle-sibling candidate and
** wake_affine.  The formulas are at wake_24 and wake_32 below.
**
** Fork placement.  An entity's first wake is a fork (sched_balance_self
** with SD_BALANCE_FORK) from its first allowed pCPU, standing for its
** parent's: the idlest node by find_idlest_group's loads (cpu_load[0] in
** 2.6.24, the queue load in 2.6.32) with a 112% margin, its least loaded
** allowed pCPU, and in 2.6.32 the same once more among that node's cores.
**
** Load balancing.  At the tick, when next_balance is due,
** rebalance_domains visits the levels upwards; each runs load_balance
** when its interval (x busy_factor unless the pCPU is idle) has passed:
** find_busiest_group (average load per group power, capacities, the
** imbalance_pct margin, fix_small_imbalance), find_busiest_queue, then
** move_tasks pulls queued entities that are allowed here and not cache
** hot (ran less than migration_cost ago, unless nr_balance_failed >
** cache_nice_tries) up to the imbalance; after cache_nice_tries + 2
** failures, active balancing preempts the busiest pCPU and pushes its
** first movable entity (the running one included) here.  Loads are the
** queue weights, or for the idle/busy/fork indices the decayed cpu_load[i]
** = (cpu_load[i] * (2^i - 1) + load) / 2^i folded at each tick.  A pCPU
** that finds its queue empty balances first (idle_balance, domains with
** SD_BALANCE_NEWIDLE: 2.6.24 the core level only; 2.6.32 both, unless its
** average idle time is below migration_cost).  Idle pCPUs are balanced as
** CONFIG_NO_HZ's idle load balancer does it: each level by its idle
** interval, however stale next_balance is.
**
** Cost: a balance pass is O(ncpus + 33 moves); an idle pCPU takes one
** timer event per balance interval.
*/
#include "models/sched_cfs.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define NR_MIGRATE	32		/* sysctl_sched_nr_migrate */
#define NR_CPUS_CONFIG	64		/* CONFIG_NR_CPUS, for the interval cap */
#define PRIO_IDLE	140		/* MAX_PRIO, the idle task's priority */

/* [version][level]: include/linux/topology.h SD_MC_INIT and the x86_64
** SD_NODE_INIT (include/asm-x86/topology_64.h in 2.6.24,
** arch/x86/include/asm/topology.h in 2.6.32); load indexes busy, idle,
** newidle, wake, fork.  SD_BALANCE_EXEC has no exec to act on here;
** 2.6.32's SD_PREFER_SIBLING on the core level is sd_balance_for_mc_power()
** without power savings (include/linux/sched.h). */
static const struct sd_def sd_defs[2][2] = {
	{
		{ "mc", 1, 4, 64, 125, 1, 2, 0, 0, 1, 1,
		  SD_LOAD_BALANCE | SD_BALANCE_NEWIDLE | SD_WAKE_IDLE | SD_WAKE_AFFINE },
		{ "node", 8, 32, 32, 125, 2, 3, 2, 0, 1, 1,
		  SD_LOAD_BALANCE | SD_BALANCE_FORK | SD_WAKE_BALANCE },
	},
	{
		{ "mc", 1, 4, 64, 125, 1, 2, 0, 0, 0, 0,
		  SD_LOAD_BALANCE | SD_BALANCE_NEWIDLE | SD_BALANCE_FORK | SD_WAKE_AFFINE |
		  SD_PREFER_SIBLING },
		{ "node", 8, 32, 32, 125, 2, 3, 2, 0, 0, 0,
		  SD_LOAD_BALANCE | SD_BALANCE_NEWIDLE | SD_BALANCE_FORK | SD_WAKE_AFFINE },
	},
};

/* ----------------------------------------------------------- domains --- */

void cfs_domains_init(struct sched *s)
{
	const struct cfs *f = s->priv;
	for (int i = 0; i < s->ncpus; i++) {
		struct rq *rq = rq_of(s, i);
		/* the levels that are not degenerate (more than one group) */
		for (int l = SD_CORE; l < SD_NLEVELS; l++)
			if (sd_level_on(&s->topo, i, l))
				rq->sd[rq->nsd++] = (struct sd){ &sd_defs[f->version == 32][l], l, 0, 1, 0 };
	}
}

static inline int prio_of(const struct entity *e)
{
	return 120 + e->nice;
}

/* ------------------------------------------------------------- loads --- */

int64_t cfs_weighted_load(const struct sched *s, int cpu)
{
	return rq_of(s, cpu)->load;
}

/* Low guess at a migration source's load, high at a target's. */
int64_t cfs_source_load(const struct sched *s, int cpu, int type)
{
	struct rq *rq = rq_of(s, cpu);
	if (type == 0)
		return rq->load;
	cfs_load_sync(s->priv, rq, now_of(s));
	return sd_source_load(rq->cpu_load[type - 1], rq->load);
}

int64_t cfs_target_load(const struct sched *s, int cpu, int type)
{
	struct rq *rq = rq_of(s, cpu);
	if (type == 0)
		return rq->load;
	cfs_load_sync(s->priv, rq, now_of(s));
	return sd_target_load(rq->cpu_load[type - 1], rq->load);
}

int64_t cfs_avg_load_per_task(const struct sched *s, int cpu)
{
	struct rq *rq = rq_of(s, cpu);
	return rq->nr_running ? rq->load / rq->nr_running : 0;
}

/* ------------------------------------------------------------ groups --- */

void cfs_group_of(const struct sched *s, int cpu, const struct rq *rq, int k, int g, struct grp *out)
{
	const struct cfs *f = s->priv;
	struct sd_span sp = sd_group(&s->topo, cpu, rq->sd[k].level, g);
	out->cpu = sp.cpu;
	out->n = sp.n;
	if (rq->sd[k].level == SD_CORE) {
		out->power = NICE_0_LOAD;
		out->capacity = 1;
		return;
	}
	/* 2.6.24: a package whose cores share resources counts as one CPU
	** (init_sched_groups_power); 2.6.32 sums its cores and then cuts the
	** capacity to one when the child level has SD_PREFER_SIBLING */
	out->power = f->version == 24 ? NICE_0_LOAD : (int64_t)NICE_0_LOAD * out->n;
	out->capacity = (out->power + NICE_0_LOAD / 2) / NICE_0_LOAD;
	if (f->version == 32 && k > 0 && (rq->sd[k - 1].def->flags & SD_PREFER_SIBLING) && out->capacity > 1)
		out->capacity = 1;
}

/* ---------------------------------------------------- load balancing --- */

/* Up to max queued entities of rq in balancing order: 2.6.24 walks the
** tree from the leftmost, merging in `also` (a preempted curr) where
** put_prev would put it; 2.6.32 walks the task list, newest first, curr
** included. */
static int balance_order(const struct cfs *f, const struct rq *rq, struct cfs_ent *also, struct cfs_ent **v,
			 int max)
{
	int n = 0;
	if (f->version == 32) {
		for (struct cfs_ent *ce = rq->tasks; ce && n < max; ce = ce->tnext)
			v[n++] = ce;
		return n;
	}
	return cfs_tree_order(rq, also, v, max);
}

static bool task_hot(const struct sched *s, const struct cfs_ent *ce, int this_cpu)
{
	const struct cfs *f = s->priv;
	/* 2.6.32 CACHE_HOT_BUDDY */
	if (f->version == 32 && rq_of(s, this_cpu)->nr_running && rq_of(s, ce->rq)->last == ce)
		return true;
	return f->migration_cost > 0 && now_of(s) - ce->exec_start < f->migration_cost;
}

static bool can_migrate(const struct sched *s, const struct cfs_ent *ce, int this_cpu, const struct sd *d,
			bool *all_pinned)
{
	if (!cpuset_has(&ce->e->affinity, this_cpu))
		return false;
	*all_pinned = false;
	if (s->cpu[ce->rq].curr == ce->e)
		return false;
	return !task_hot(s, ce, this_cpu) || d->nr_balance_failed > d->def->cache_nice_tries;
}

/* balance_tasks: pull up to max_move of weight from busiest. */
static bool move_tasks(struct sched *s, int this_cpu, int busiest, int64_t max_move, const struct sd *d,
		       bool *all_pinned)
{
	const struct cfs *f = s->priv;
	struct rq *src = rq_of(s, busiest), *dst = rq_of(s, this_cpu);
	struct cfs_ent *v[NR_MIGRATE + 1];
	int64_t rem = max_move;
	int best = s->cpu[this_cpu].curr ? prio_of(s->cpu[this_cpu].curr) : PRIO_IDLE;
	bool pinned = false;
	if (max_move > 0) {
		pinned = true;
		int n = balance_order(f, src, NULL, v, NR_MIGRATE + 1);
		for (int i = 0; i < n; i++) {
			struct cfs_ent *ce = v[i];
			bool skip;
			if (f->version == 24)
				skip = (ce->weight >> 1) > rem + NICE_0_LOAD && prio_of(ce->e) >= best;
			else
				skip = (ce->weight >> 1) > rem;
			if (skip || !can_migrate(s, ce, this_cpu, d, &pinned))
				continue;
			cfs_move_entity(s, src, ce, dst);
			cfs_nudge(s, dst, ce);
			rem -= ce->weight;
			if (rem <= 0)
				break;
			if (prio_of(ce->e) < best)
				best = prio_of(ce->e);
		}
	}
	*all_pinned = pinned;
	return max_move - rem > 0;
}

struct lb {
	int busiest, this_grp;
	struct grp bg, tg;
	int64_t max_load, this_load, total_load, total_pwr, avg_load;
	int64_t busiest_nr, busiest_lpt, this_nr, this_lpt;
	bool group_imb;
};

/* fix_small_imbalance: move one task if that helps at all. */
static int64_t small_imbalance(const struct sched *s, int this_cpu, struct lb *l, int64_t imb)
{
	const struct cfs *f = s->priv;
	int64_t pwr_now = 0, pwr_move = 0, tmp;
	int imbn = 2;
	if (l->this_nr) {
		l->this_lpt /= l->this_nr;
		if (l->busiest_lpt > l->this_lpt)
			imbn = 1;
	} else {
		l->this_lpt = f->version == 24 ? NICE_0_LOAD : cfs_avg_load_per_task(s, this_cpu);
	}
	int64_t fuzz = f->version == 24 ? NICE_0_LOAD : l->busiest_lpt;
	if (l->max_load - l->this_load + fuzz >= l->busiest_lpt * imbn)
		return l->busiest_lpt;
	/* not enough imbalance: move only if that raises the power used */
	pwr_now += l->bg.power * min64(l->busiest_lpt, l->max_load);
	pwr_now += l->tg.power * min64(l->this_lpt, l->this_load);
	pwr_now /= NICE_0_LOAD;
	tmp = l->busiest_lpt * NICE_0_LOAD / l->bg.power;
	if (l->max_load > tmp)
		pwr_move += l->bg.power * min64(l->busiest_lpt, l->max_load - tmp);
	if (l->max_load * l->bg.power < l->busiest_lpt * NICE_0_LOAD)
		tmp = l->max_load * l->bg.power / l->tg.power;
	else
		tmp = l->busiest_lpt * NICE_0_LOAD / l->tg.power;
	pwr_move += l->tg.power * min64(l->this_lpt, l->this_load + tmp);
	pwr_move /= NICE_0_LOAD;
	return pwr_move > pwr_now ? l->busiest_lpt : imb;
}

/* find_busiest_group: the group to pull from and how much weight, or -1
** when balanced (or, *balance = 0, when another pCPU of this group
** balances this level). */
static int find_busiest_group(const struct sched *s, int this_cpu, int k, enum lb_idle idle,
			      const struct cpuset *cpus, bool *balance, struct lb *l, int64_t *imbalance)
{
	const struct cfs *f = s->priv;
	const struct rq *rq = rq_of(s, this_cpu);
	const struct sd *d = &rq->sd[k];
	int n = sd_ngroups(&s->topo, this_cpu, d->level), local = sd_local_group(&s->topo, this_cpu, d->level);
	int idx = idle == CPU_NOT_IDLE ? d->def->busy_idx
		  : idle == CPU_NEWLY_IDLE ? d->def->newidle_idx : d->def->idle_idx;
	memset(l, 0, sizeof *l);
	l->busiest = -1;
	*imbalance = 0;
	for (int j = 0; j < n; j++) {
		int g = sd_group_from(&s->topo, this_cpu, d->level, j);
		struct grp gr;
		cfs_group_of(s, this_cpu, rq, k, g, &gr);
		bool is_local = g == local, first_idle = false;
		int balance_cpu = is_local ? gr.cpu[0] : -1;
		int64_t load_sum = 0, nr = 0, wl = 0, lpt_sum = 0, max_cpu = 0, min_cpu = INT64_MAX;
		for (int i = 0; i < gr.n; i++) {
			int c = gr.cpu[i];
			int64_t load;
			if (!cpuset_has(cpus, c))
				continue;
			if (is_local) {
				if (is_idle(s, c) && !first_idle) {
					first_idle = true;
					balance_cpu = c;
				}
				load = cfs_target_load(s, c, idx);
			} else {
				load = cfs_source_load(s, c, idx);
				max_cpu = max64(max_cpu, load);
				min_cpu = min64(min_cpu, load);
			}
			load_sum += load;
			nr += rq_of(s, c)->nr_running;
			wl += cfs_weighted_load(s, c);
			lpt_sum += cfs_avg_load_per_task(s, c);
		}
		if (idle != CPU_NEWLY_IDLE && is_local && balance_cpu != this_cpu && balance) {
			*balance = false;
			return -1;
		}
		l->total_load += load_sum;
		l->total_pwr += gr.power;
		int64_t avg = load_sum * NICE_0_LOAD / gr.power;
		bool imb;
		if (is_local || max_cpu < min_cpu)
			imb = false;
		else if (f->version == 24)
			imb = max_cpu - min_cpu > NICE_0_LOAD;
		else
			imb = max_cpu - min_cpu > 2 * (lpt_sum * NICE_0_LOAD / gr.power);
		if (is_local) {
			l->this_load = avg;
			l->this_grp = g;
			l->tg = gr;
			l->this_nr = nr;
			l->this_lpt = wl;
		} else if (avg > l->max_load && (nr > gr.capacity || imb)) {
			l->max_load = avg;
			l->busiest = g;
			l->bg = gr;
			l->busiest_nr = nr;
			l->busiest_lpt = wl;
			l->group_imb = imb;
		}
	}
	if (l->busiest < 0 || l->busiest_nr == 0 || l->this_load >= l->max_load)
		return -1;
	l->avg_load = NICE_0_LOAD * l->total_load / l->total_pwr;
	if (l->this_load >= l->avg_load || 100 * l->max_load <= d->def->imbalance_pct * l->this_load)
		return -1;
	l->busiest_lpt /= l->busiest_nr;
	if (l->group_imb)
		l->busiest_lpt = min64(l->busiest_lpt, l->avg_load);
	if (l->max_load <= l->busiest_lpt)
		return -1;
	if (l->max_load < l->avg_load) {
		*imbalance = small_imbalance(s, this_cpu, l, 0);
		return l->busiest;
	}
	/* pull no group below the average, nor this one above it */
	int64_t max_pull = min64(l->max_load - l->avg_load, l->max_load - l->busiest_lpt);
	*imbalance = min64(max_pull * l->bg.power, (l->avg_load - l->this_load) * l->tg.power) / NICE_0_LOAD;
	if (*imbalance < l->busiest_lpt)
		*imbalance = small_imbalance(s, this_cpu, l, *imbalance);
	return l->busiest;
}

static int find_busiest_queue(const struct sched *s, const struct grp *gr, int64_t imbalance,
			      const struct cpuset *cpus)
{
	int64_t max_load = 0;
	int busiest = -1;
	for (int i = 0; i < gr->n; i++) {
		int c = gr->cpu[i];
		if (!cpuset_has(cpus, c))
			continue;
		int64_t wl = cfs_weighted_load(s, c);
		if (rq_of(s, c)->nr_running == 1 && wl > imbalance)
			continue;
		if (wl > max_load) {
			max_load = wl;
			busiest = c;
		}
	}
	return busiest;
}

/* The migration thread of busiest runs (active_load_balance): it
** preempts the running entity and pushes the first entity allowed on
** this_cpu, in balancing order, to this_cpu. */
static void active_balance(struct sched *s, int this_cpu, int busiest)
{
	const struct cfs *f = s->priv;
	struct rq *b = rq_of(s, busiest), *t = rq_of(s, this_cpu);
	struct entity *cur = s->cpu[busiest].curr;
	struct cfs_ent *v[NR_MIGRATE + 2], *pick = NULL;
	if (!cur)
		return;
	cfs_update_curr(s, b);
	int n = balance_order(f, b, f->version == 24 ? ce_of(cur) : NULL, v, NR_MIGRATE + 2);
	for (int i = 0; i < n && !pick; i++)
		if (cpuset_has(&v[i]->e->affinity, this_cpu))
			pick = v[i];
	if (!pick)
		return;
	if (pick->e == cur) {
		b->push_cpu = this_cpu;	/* read by select_cpu for the preempted curr */
		sched_resched(s, &s->cpu[busiest]);
		b->push_cpu = -1;
		return;
	}
	cfs_move_entity(s, b, pick, t);
	cfs_nudge(s, t, pick);
	sched_resched(s, &s->cpu[busiest]);
}

/* Periodic balancing of one level (load_balance); true if it pulled. */
static bool load_balance(struct sched *s, int this_cpu, int k, enum lb_idle idle, bool *balance)
{
	struct rq *rq = rq_of(s, this_cpu);
	struct sd *d = &rq->sd[k];
	struct cpuset cpus;
	struct lb l;
	int64_t imbalance;
	bool all_pinned = false, moved = false;
	cpuset_fill(&cpus, s->ncpus);
	for (;;) {
		int g = find_busiest_group(s, this_cpu, k, idle, &cpus, balance, &l, &imbalance);
		if (!*balance || g < 0)
			goto out_balanced;
		int busiest = find_busiest_queue(s, &l.bg, imbalance, &cpus);
		if (busiest < 0)
			goto out_balanced;
		if (rq_of(s, busiest)->nr_running > 1) {
			moved = move_tasks(s, this_cpu, busiest, imbalance, d, &all_pinned);
			if (all_pinned) {
				cpuset_del(&cpus, busiest);
				if (!cpuset_empty(&cpus))
					continue;
				goto out_balanced;
			}
		}
		if (moved) {
			d->nr_balance_failed = 0;
			d->balance_interval = d->def->min_interval;
			return true;
		}
		if (++d->nr_balance_failed > d->def->cache_nice_tries + 2) {
			struct entity *cur = s->cpu[busiest].curr;
			if (cur && !cpuset_has(&cur->affinity, this_cpu)) {
				all_pinned = true;
				goto out_one_pinned;
			}
			d->nr_balance_failed = d->def->cache_nice_tries + 1;
			if (d->balance_interval < d->def->max_interval)
				d->balance_interval *= 2;
			active_balance(s, this_cpu, busiest);
			return false;
		}
		d->balance_interval = d->def->min_interval;
		return false;
	}
out_balanced:
	d->nr_balance_failed = 0;
out_one_pinned:
	sd_backoff(d, all_pinned);
	return false;
}

/* load_balance_newidle: 1 pulled, 0 balanced, -1 (2.6.32) an imbalance
** it could not fix, which ends idle_balance's walk. */
static int balance_newidle(struct sched *s, int this_cpu, int k)
{
	const struct cfs *f = s->priv;
	struct sd *d = &rq_of(s, this_cpu)->sd[k];
	struct cpuset cpus;
	struct lb l;
	int64_t imbalance;
	bool all_pinned = false, moved = false, balance = true;
	cpuset_fill(&cpus, s->ncpus);
	for (;;) {
		int g = find_busiest_group(s, this_cpu, k, CPU_NEWLY_IDLE, &cpus, &balance, &l, &imbalance);
		int busiest = g < 0 ? -1 : find_busiest_queue(s, &l.bg, imbalance, &cpus);
		if (busiest < 0) {
			d->nr_balance_failed = 0;
			return 0;
		}
		if (rq_of(s, busiest)->nr_running > 1) {
			moved = move_tasks(s, this_cpu, busiest, imbalance, d, &all_pinned);
			if (all_pinned) {
				cpuset_del(&cpus, busiest);
				if (!cpuset_empty(&cpus))
					continue;
			}
		}
		break;
	}
	if (moved) {
		d->nr_balance_failed = 0;
		return 1;
	}
	return f->version == 32 ? -1 : 0;
}

/* idle_balance: rq is about to go idle; pull from the lowest level up. */
void cfs_idle_balance(struct sched *s, int this_cpu)
{
	const struct cfs *f = s->priv;
	struct rq *rq = rq_of(s, this_cpu);
	int64_t now = now_of(s), j = jiffies_at(f, now), next = j + f->hz;
	int pulled = f->version == 24 ? -1 : 0;
	if (f->version == 32) {
		rq->idle_stamp = now;
		if (rq->avg_idle < f->migration_cost)
			return;
	}
	for (int k = 0; k < rq->nsd; k++) {
		struct sd *d = &rq->sd[k];
		if (d->def->flags & SD_BALANCE_NEWIDLE)
			pulled = balance_newidle(s, this_cpu, k);
		next = min64(next, d->last_balance + sd_ms_to_jiffies(d->balance_interval, f->hz));
		if (pulled) {
			if (pulled > 0)
				rq->idle_stamp = -1;
			break;
		}
	}
	if (pulled || j > rq->next_balance)
		rq->next_balance = next;
}

/* rebalance_domains: the levels whose interval has passed, upwards. */
static void rebalance_domains(struct sched *s, int cpu, enum lb_idle idle)
{
	const struct cfs *f = s->priv;
	struct rq *rq = rq_of(s, cpu);
	int64_t j = jiffies_at(f, now_of(s)), next = j + 60 * (int64_t)f->hz;
	bool balance = true, update = false;
	for (int k = 0; k < rq->nsd; k++) {
		struct sd *d = &rq->sd[k];
		/* max_load_balance_interval = HZ * NR_CPUS / 10 */
		int64_t interval = sd_interval(d, idle == CPU_IDLE, f->hz, (int64_t)f->hz * NR_CPUS_CONFIG / 10);
		if (j >= d->last_balance + interval) {
			if (load_balance(s, cpu, k, idle, &balance))
				idle = CPU_NOT_IDLE;
			d->last_balance = j;
		}
		if (next > d->last_balance + interval) {
			next = d->last_balance + interval;
			update = true;
		}
		if (!balance)
			break;
	}
	if (update)
		rq->next_balance = next;
}


/* trigger_load_balance: a busy pCPU rebalances when next_balance is due;
** an idle one's tick is stopped (NO_HZ) and the idle load balancer
** rebalances it on every one of its own ticks, each level by its idle
** interval, whatever next_balance says. */
void cfs_trigger_load_balance(struct sched *s, int cpu, enum lb_idle idle)
{
	const struct cfs *f = s->priv;
	if (idle == CPU_IDLE || jiffies_at(f, now_of(s)) >= rq_of(s, cpu)->next_balance)
		rebalance_domains(s, cpu, idle);
}
