/*
** Linux 2.6.21 O(1): load, scheduling domains and balancing
** (load_balance, idle and active balancing, rebalance_domains), and
** where a task is placed at fork and wake-up (sched_balance_self,
** try_to_wake_up, wake_idle).  kernel/sched.c at v2.6.21; the model:
** models/sched_o1.c.
*/
#include "models/sched_o1.h"
#include "models/sched.h"
#include "models/world.h"
#include <limits.h>
#include <string.h>

/* ------------------------------------------------------- load ------- */

/* SD_MC_INIT and x86_64's SD_NODE_INIT: intervals in ms, imbalance_pct,
** cache_nice_tries, load indexes busy/idle/newidle/wake/fork, the flags
** that matter here (both balance; SD_BALANCE_EXEC, SD_SERIALIZE and
** SD_SHARE_PKG_RESOURCES change nothing in this model). */
const struct sd_def o1_sd_def[NLEVELS] = {
	{ "core", 1, 4, 64, 125, 1, 2, 1, 2, 1, 1, SD_BALANCE_NEWIDLE | SD_WAKE_AFFINE },
	{ "node", 8, 32, 32, 125, 2, 3, 2, 0, 1, 1, SD_BALANCE_FORK | SD_WAKE_BALANCE },
};


static long source_load(const struct rq *rq, int idx)
{
	if (idx == 0)
		return rq->raw_weighted_load;
	return (long)sd_source_load(rq->cpu_load[idx - 1], rq->raw_weighted_load);
}

static long target_load(const struct rq *rq, int idx)
{
	if (idx == 0)
		return rq->raw_weighted_load;
	return (long)sd_target_load(rq->cpu_load[idx - 1], rq->raw_weighted_load);
}

/* update_load: cpu_load[i] = (old x (2^i - 1) + new) / 2^i, rounded up
** while the load grows. */
void o1_update_load(struct rq *rq)
{
	for (int i = 0, scale = 1; i < 3; i++, scale += scale) {
		long old = rq->cpu_load[i], now = rq->raw_weighted_load;
		if (now > old)
			now += scale - 1;
		rq->cpu_load[i] = (old * (scale - 1) + now) >> i;
	}
}

/* ---------------------------------------------------------- domains --- */

/* Level l's domains and groups are s->topo's (sched_domain.h): level 0
** the cores of a node, one group each; level 1 the nodes.  Groups are
** walked from cpu's own onwards, as sd->groups is. */

static int load_idx(int l, enum idle_type idle)
{
	const struct sd_def *d = &o1_sd_def[l];
	return idle == NOT_IDLE ? d->busy_idx : idle == NEWLY_IDLE ? d->newidle_idx : d->idle_idx;
}

/*
** find_busiest_group: the most loaded group of the domain (load scaled by
** cpu_power, over capacity), and in *imbalance the weighted load to pull:
** enough to bring this group up to the domain's average without taking
** the busiest below it, at least one task's load when moving one would
** raise the domain's throughput.  Only the local group's first idle cpu
** (else its first cpu) balances this level (*balance = 0 otherwise).
*/
static int find_busiest_group(struct sched *s, int this_cpu, int l, enum idle_type idle,
			      const struct cpuset *cpus, int *balance, long *imbalance)
{
	const struct sd_def *d = &o1_sd_def[l];
	int idx = load_idx(l, idle), busiest = -1;
	long max_load = 0, this_load = 0, total_load = 0, total_pwr = 0;
	long b_lpt = 0, b_nr = 0, this_lpt = 0, this_nr = 0;
	int ng = sd_ngroups(&s->topo, this_cpu, l);
	*imbalance = 0;
	for (int k = 0; k < ng; k++) {
		int g = sd_group_from(&s->topo, this_cpu, l, k), local = k == 0;
		int balance_cpu = -1, first_idle = 0;
		long sum_load = 0, sum_nr = 0, sum_weighted = 0;
		struct sd_span gr = sd_group(&s->topo, this_cpu, l, g);
		for (int j = 0; j < gr.n; j++) {
			int i = gr.cpu[j];
			if (balance_cpu < 0)
				balance_cpu = i;
			if (!cpuset_has(cpus, i))
				continue;
			const struct rq *rq = rq_of(s, i);
			if (local) {
				if (idle_cpu(s, i) && !first_idle) {
					first_idle = 1;
					balance_cpu = i;
				}
				sum_load += target_load(rq, idx);
			} else {
				sum_load += source_load(rq, idx);
			}
			sum_nr += rq->nr_running;
			sum_weighted += rq->raw_weighted_load;
		}
		if (balance_cpu < 0)
			continue;
		if (local && balance && balance_cpu != this_cpu) {
			*balance = 0;
			return -1;
		}
		total_load += sum_load;
		total_pwr += GROUP_POWER;
		long avg = sum_load * LOAD_SCALE / GROUP_POWER;
		if (local) {
			this_load = avg;
			this_nr = sum_nr;
			this_lpt = sum_weighted;
		} else if (avg > max_load && sum_nr > GROUP_POWER / LOAD_SCALE) {
			max_load = avg;
			busiest = g;
			b_nr = sum_nr;
			b_lpt = sum_weighted;
		}
	}
	if (busiest < 0 || this_load >= max_load || b_nr == 0)
		return -1;
	long avg_load = LOAD_SCALE * total_load / total_pwr;
	if (this_load >= avg_load || 100 * max_load <= d->imbalance_pct * this_load)
		return -1;
	b_lpt /= b_nr;
	if (max_load <= b_lpt)
		return -1;
	if (max_load >= avg_load) {
		long max_pull = max_load - avg_load < max_load - b_lpt ? max_load - avg_load : max_load - b_lpt;
		long a = max_pull * GROUP_POWER, b = (avg_load - this_load) * GROUP_POWER;
		*imbalance = (a < b ? a : b) / LOAD_SCALE;
		if (*imbalance >= b_lpt)
			return busiest;
	}
	/* small imbalance: move one task if the gap is two tasks' load (one
	** if the busiest group's tasks are heavier), or if it adds throughput */
	int imbn = 2;
	if (this_nr) {
		this_lpt /= this_nr;
		if (b_lpt > this_lpt)
			imbn = 1;
	} else {
		this_lpt = LOAD_SCALE;
	}
	if (max_load - this_load >= b_lpt * imbn) {
		*imbalance = b_lpt;
		return busiest;
	}
	long pwr_now = (GROUP_POWER * (b_lpt < max_load ? b_lpt : max_load) +
			GROUP_POWER * (this_lpt < this_load ? this_lpt : this_load)) / LOAD_SCALE;
	long pwr_move = 0, tmp = b_lpt * LOAD_SCALE / GROUP_POWER;
	if (max_load > tmp)
		pwr_move += GROUP_POWER * (b_lpt < max_load - tmp ? b_lpt : max_load - tmp);
	if (max_load * GROUP_POWER < b_lpt * LOAD_SCALE)
		tmp = max_load * GROUP_POWER / GROUP_POWER;
	else
		tmp = b_lpt * LOAD_SCALE / GROUP_POWER;
	pwr_move += GROUP_POWER * (this_lpt < this_load + tmp ? this_lpt : this_load + tmp);
	pwr_move /= LOAD_SCALE;
	if (pwr_move <= pwr_now)
		return -1;
	*imbalance = b_lpt;
	return busiest;
}

/* The most loaded cpu of group g of this_cpu's level l, skipping one
** whose single task weighs more than the imbalance. */
static int find_busiest_queue(struct sched *s, int this_cpu, int l, int g, long imbalance,
			      const struct cpuset *cpus)
{
	int busiest = -1;
	long max_load = 0;
	struct sd_span gr = sd_group(&s->topo, this_cpu, l, g);
	for (int j = 0; j < gr.n; j++) {
		int i = gr.cpu[j];
		if (!cpuset_has(cpus, i))
			continue;
		const struct rq *rq = rq_of(s, i);
		if (rq->nr_running == 1 && rq->raw_weighted_load > imbalance)
			continue;
		if (rq->raw_weighted_load > max_load) {
			max_load = rq->raw_weighted_load;
			busiest = i;
		}
	}
	return busiest;
}

static bool can_migrate_task(struct sched *s, struct task *t, int this_cpu, int l, int *pinned)
{
	const struct o1 *o = s->priv;
	if (!cpuset_has(&t->e->affinity, this_cpu))
		return false;
	*pinned = 0;
	if (rq_of(s, this_cpu)->sd[l].nr_balance_failed > o1_sd_def[l].cache_nice_tries)
		return true;
	return world_now(s->w) - t->last_ran >= o->cache_hot[l];
}

/* pull_task: returns whether t preempts what this_cpu runs. */
static bool pull_task(struct sched *s, struct task *t, bool to_expired, int this_cpu)
{
	struct rq *rq = rq_of(s, this_cpu);
	o1_rq_detach(s, t);
	o1_rq_attach(s, t, this_cpu);
	o1_list_add(to_expired ? expired(rq) : active(rq), t, false);
	rq->nbalance_moved++;
	return t->prio < curr_prio(s, this_cpu);
}

/*
** move_tasks: pull up to max_nr tasks and max_load weighted load from
** busiest, expired array first (likely cache cold), best priority first,
** from the tail of each list.  A task heavier than the load left is still
** taken when it would be the best priority on this cpu.
*/
static int move_tasks(struct sched *s, int this_cpu, int busiest, int max_nr, long max_load, int l,
		      int *all_pinned, bool *resched)
{
	struct rq *src = rq_of(s, busiest);
	int pulled = 0, pinned = 0;
	if (max_nr > 0 && max_load > 0) {
		long rem = max_load;
		int this_best = o1_rq_best_prio(s, this_cpu);
		int best = o1_rq_best_prio(s, busiest);
		bool best_seen = best == curr_prio(s, busiest);
		pinned = 1;
		for (int pass = expired(src)->nr_active ? 0 : 1; pass < 2; pass++) {
			struct prio_array *a = pass == 0 ? expired(src) : active(src);
			for (int p = MAX_RT_PRIO; p < MAX_PRIO; p++) {
				if (!(a->bitmap >> (p - MAX_RT_PRIO) & 1))
					continue;
				struct task *t = a->tail[p - MAX_RT_PRIO], *prev;
				for (; t; t = prev) {
					prev = t->prev;
					bool skip = t->load_weight > rem;
					if (skip && p < this_best)
						skip = !best_seen && p == best;
					if (skip || !can_migrate_task(s, t, this_cpu, l, &pinned)) {
						best_seen |= p == best;
						continue;
					}
					*resched |= pull_task(s, t, pass == 0, this_cpu);
					pulled++;
					rem -= t->load_weight;
					if (pulled >= max_nr || rem <= 0)
						goto out;
					if (p < this_best)
						this_best = p;
				}
			}
		}
	}
out:
	if (all_pinned)
		*all_pinned = pinned;
	return pulled;
}

/* load_balance (periodic) and load_balance_newidle (newly idle: no
** failure count, no active balancing, no interval tuning). */
static int load_balance(struct sched *s, int this_cpu, int l, enum idle_type idle, int *balance, bool *resched)
{
	const struct sd_def *d = &o1_sd_def[l];
	struct sd *sd = &rq_of(s, this_cpu)->sd[l];
	struct cpuset cpus;
	int all_pinned = 0, active_balance = 0, nr_moved = 0;
	long imbalance;
	cpuset_fill(&cpus, s->ncpus);
	for (;;) {
		int g = find_busiest_group(s, this_cpu, l, idle, &cpus, balance, &imbalance);
		if (g < 0)
			goto out_balanced;
		int b = find_busiest_queue(s, this_cpu, l, g, imbalance, &cpus);
		if (b < 0)
			goto out_balanced;
		struct rq *busiest = rq_of(s, b);
		nr_moved = 0;
		if (busiest->nr_running > 1) {
			nr_moved = move_tasks(s, this_cpu, b, busiest->nr_running - 1, imbalance, l,
					      idle == NEWLY_IDLE ? NULL : &all_pinned, resched);
			if (idle == NEWLY_IDLE ? !nr_moved : all_pinned) {
				cpuset_del(&cpus, b);
				if (!cpuset_empty(&cpus))
					continue;
				if (idle != NEWLY_IDLE)
					goto out_balanced;
			}
		}
		if (idle == NEWLY_IDLE) {
			if (nr_moved)
				sd->nr_balance_failed = 0;
			return nr_moved;
		}
		if (!nr_moved) {
			if (++sd->nr_balance_failed > d->cache_nice_tries + 2) {
				const struct entity *cur = s->cpu[b].curr;
				if (!cur || !cpuset_has(&cur->affinity, this_cpu)) {
					all_pinned = 1;
					goto out_one_pinned;
				}
				/* the busiest cpu's migration thread pushes its task */
				if (!busiest->active_balance) {
					busiest->active_balance = 1;
					busiest->push_cpu = this_cpu;
					active_balance = 1;
					sched_kick(s, &s->cpu[b]);
				}
				sd->nr_balance_failed = d->cache_nice_tries + 1;
			}
		} else {
			sd->nr_balance_failed = 0;
		}
		if (!active_balance)
			sd->balance_interval = d->min_interval;
		else if (sd->balance_interval < d->max_interval)
			sd->balance_interval *= 2;
		return nr_moved;
	}
out_balanced:
	sd->nr_balance_failed = 0;
	if (idle == NEWLY_IDLE)
		return 0;
out_one_pinned:
	sd_backoff(sd, all_pinned);
	return 0;
}

/* idle_balance: a pCPU going idle pulls from the levels that allow it. */
void o1_idle_balance(struct sched *s, int cpu)
{
	struct rq *rq = rq_of(s, cpu);
	const struct o1 *o = s->priv;
	int64_t next = jiffies(s) + 60 * o->hz;
	bool resched = false;
	int pulled = 0;
	for (int l = 0; l < NLEVELS && !pulled; l++) {
		struct sd *sd = &rq->sd[l];
		if (!sd->def || !(sd->def->flags & SD_BALANCE_NEWIDLE))
			continue;
		pulled = load_balance(s, cpu, l, NEWLY_IDLE, NULL, &resched);
		/* 2.6.21 adds the interval in ms to jiffies here */
		if (next > sd->last_balance + sd->balance_interval)
			next = sd->last_balance + sd->balance_interval;
	}
	if (!pulled)
		rq->next_balance = next;
}

/* run_rebalance_domains: each level whose interval (x busy_factor when
** busy) has passed is balanced; returns whether cpu should reschedule. */
bool o1_rebalance_domains(struct sched *s, int cpu)
{
	const struct o1 *o = s->priv;
	struct rq *rq = rq_of(s, cpu);
	enum idle_type idle = rq->nr_running ? NOT_IDLE : SCHED_IDLE;
	int64_t now = jiffies(s), next = now + 60 * o->hz;
	int balance = 1;
	bool resched = false;
	for (int l = 0; l < NLEVELS; l++) {
		struct sd *sd = &rq->sd[l];
		if (!sd->def)
			continue;
		/* 2.6.21 caps the interval at no maximum */
		int64_t interval = sd_interval(sd, idle == SCHED_IDLE, o->hz, 0);
		if (now >= sd->last_balance + interval) {
			if (load_balance(s, cpu, l, idle, &balance, &resched))
				idle = NOT_IDLE;
			sd->last_balance = now;
		}
		if (next > sd->last_balance + interval)
			next = sd->last_balance + interval;
		if (!balance)
			break;
	}
	rq->next_balance = next;
	return resched || (idle_cpu(s, cpu) && rq->nr_running);
}

/* active_load_balance, run by the busiest cpu's migration thread: move
** one task (cache hot or not) to the cpu that asked. */
void o1_active_load_balance(struct sched *s, int busiest)
{
	struct rq *rq = rq_of(s, busiest);
	int target = rq->push_cpu;
	rq->active_balance = 0;
	if (rq->nr_running < 1 || target == busiest)
		return;
	for (int l = 0; l < NLEVELS; l++) {
		if (!rq_of(s, target)->sd[l].def || !sd_in_span(&s->topo, target, l, busiest))
			continue;
		bool resched = false;
		/* no SCHED_NORMAL task outweighs RTPRIO_TO_LOAD_WEIGHT(100) */
		if (move_tasks(s, target, busiest, 1, LONG_MAX / 2, l, NULL, &resched)) {
			rq->nactive_pushed++;
			if (resched)
				sched_kick(s, &s->cpu[target]);
		}
		return;
	}
}

/* --------------------------------------------------------- placement --- */

/* find_idlest_group / find_idlest_cpu on level l for fork balancing. */
static int find_idlest_cpu(struct sched *s, const struct entity *e, int this_cpu, int l)
{
	const struct sd_def *d = &o1_sd_def[l];
	int imb = 100 + (d->imbalance_pct - 100) / 2, idlest = -1, ng = sd_ngroups(&s->topo, this_cpu, l);
	long min_load = LONG_MAX, this_load = 0;
	for (int k = 0; k < ng; k++) {
		int g = sd_group_from(&s->topo, this_cpu, l, k), allowed = 0;
		long load = 0;
		struct sd_span gr = sd_group(&s->topo, this_cpu, l, g);
		for (int j = 0; j < gr.n; j++) {
			int i = gr.cpu[j];
			allowed |= cpuset_has(&e->affinity, i);
			load += k == 0 ? source_load(rq_of(s, i), d->forkexec_idx)
				       : target_load(rq_of(s, i), d->forkexec_idx);
		}
		if (!allowed)
			continue;
		if (k == 0)
			this_load = load;
		else if (load < min_load) {
			min_load = load;
			idlest = g;
		}
	}
	if (idlest < 0 || 100 * this_load < imb * min_load)
		return -1;
	int best = -1;
	long best_load = LONG_MAX;
	struct sd_span gr = sd_group(&s->topo, this_cpu, l, idlest);
	for (int j = 0; j < gr.n; j++) {
		int i = gr.cpu[j];
		if (!cpuset_has(&e->affinity, i))
			continue;
		long load = rq_of(s, i)->raw_weighted_load;
		if (load < best_load || (load == best_load && i == this_cpu)) {
			best_load = load;
			best = i;
		}
	}
	return best;
}

/* sched_balance_self(SD_BALANCE_FORK) from the parent's cpu. */
static int fork_cpu(struct sched *s, const struct entity *e)
{
	int cpu = 0;
	while (cpu < s->ncpus - 1 && !cpuset_has(&e->affinity, cpu))
		cpu++;
	for (int l = NLEVELS - 1; l >= 0; l--) {
		if (!rq_of(s, cpu)->sd[l].def || !(o1_sd_def[l].flags & SD_BALANCE_FORK))
			continue;
		int n = find_idlest_cpu(s, e, cpu, l);
		if (n >= 0)
			cpu = n;   /* the lower levels are the new cpu's */
	}
	return cpu;
}

/* SD_WAKE_IDLE (an option: 2.6.21 set it on SMT siblings only). */
static int wake_idle(struct sched *s, int cpu, const struct entity *e)
{
	const struct o1 *o = s->priv;
	if (!o->wake_idle || idle_cpu(s, cpu))
		return cpu;
	for (int l = 0; l < NLEVELS; l++) {
		if (!rq_of(s, cpu)->sd[l].def)
			continue;
		for (int i = 0; i < s->ncpus; i++)
			if (sd_in_span(&s->topo, cpu, l, i) && sched_idle_for(s, i, e))
				return i;
	}
	return cpu;
}

/* try_to_wake_up's choice between the task's cpu and the waker's
** (this_cpu: the framework's waker, the task's own cpu if none). */
static int wake_cpu(struct sched *s, const struct entity *e)
{
	const struct task *t = task_of(e);
	int cpu = t->cpu, this_cpu = s->waker >= 0 ? s->waker : cpu;
	if (cpu == this_cpu || !cpuset_has(&e->affinity, this_cpu))
		return wake_idle(s, cpu, e);
	int l = sd_in_span(&s->topo, this_cpu, 0, cpu) && rq_of(s, this_cpu)->sd[0].def ? 0 : 1;
	if (!rq_of(s, this_cpu)->sd[l].def)
		return wake_idle(s, cpu, e);
	const struct sd_def *d = &o1_sd_def[l];
	const struct rq *rq = rq_of(s, cpu), *this_rq = rq_of(s, this_cpu);
	int imb = 100 + (d->imbalance_pct - 100) / 2;
	long load = source_load(rq, d->wake_idx), this_load = target_load(this_rq, d->wake_idx);
	if (d->flags & SD_WAKE_AFFINE) {
		long per_task = this_rq->nr_running ? this_rq->raw_weighted_load / this_rq->nr_running : LOAD_SCALE;
		/* cache-cold and no bad imbalance: wake where the waker runs */
		if ((this_load <= load && this_load + target_load(rq, d->wake_idx) <= per_task) ||
		    100 * (this_load + t->load_weight) <= imb * load)
			return wake_idle(s, this_cpu, e);
	}
	/* passive balancing at half the imbalance limit */
	if ((d->flags & SD_WAKE_BALANCE) && imb * this_load <= 100 * load)
		return wake_idle(s, this_cpu, e);
	return wake_idle(s, cpu, e);
}

int o1_select_cpu(struct sched *s, struct entity *e, enum sched_why why)
{
	const struct task *t = task_of(e);
	if (t->cpu < 0)
		return fork_cpu(s, e);
	if (why == SCHED_WAKE)
		return wake_cpu(s, e);
	return t->cpu;
}
