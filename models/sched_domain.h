#ifndef MODELS_SCHED_DOMAIN_H
#define MODELS_SCHED_DOMAIN_H
/*
** Scheduling domains: the machine's topology as the balancers of every
** policy see it, and what Linux's domain balancers share.
**
** Two levels, as kernel/sched.c builds them for a NUMA machine of
** multi-core packages without SMT (2.6.21 and 2.6.24: build_sched_domains
** with CONFIG_SCHED_MC and CONFIG_NUMA; 2.6.32 the same; 6.6's
** sched_init_domains the MC and NUMA levels):
**   SD_CORE  spans the cores of a pCPU's node, one group per core;
**   SD_NODE  spans the machine, one group per node.
** A level with a single group is degenerate (sd_degenerate) and dropped.
** Groups are numbered in domain order (cores of a node by pCPU number,
** nodes by node number); a pCPU's own group is its local group, and
** sd_group_from counts groups onwards from it, wrapping around: the
** order in which find_busiest_group and find_idlest_group walk the
** circular list sd->groups, which starts at the pCPU's own group
** (init_sched_build_groups links the groups in span order).
**
** What the O(1) (models/sched_o1_balance.c) and CFS
** (models/sched_cfs_balance.c, models/sched_cfs_place.c) balancers share
** is here: the domain constants' layout (SD_*_INIT), the per-level
** state of struct sched_domain, the balance interval of
** rebalance_domains and the back-off at out_one_pinned.  What differs
** between 2.6.21, 2.6.24 and 2.6.32 stays in each, with its source line.
** The Xen policies and EEVDF read the same groups (sd_group, sd_span)
** for their node-aware choices.
*/
#include <stdbool.h>
#include <stdint.h>

/* The sched_domain flags that matter here (include/linux/sched.h). */
#define SD_LOAD_BALANCE		0x01
#define SD_BALANCE_NEWIDLE	0x02
#define SD_BALANCE_FORK		0x04
#define SD_WAKE_IDLE		0x08
#define SD_WAKE_AFFINE		0x10
#define SD_PREFER_SIBLING	0x20
#define SD_WAKE_BALANCE		0x40

enum sd_level { SD_CORE, SD_NODE, SD_NLEVELS };

/* A domain level's constants (SD_MC_INIT, SD_NODE_INIT): intervals in
** ms, busy_factor, imbalance_pct, cache_nice_tries, load indexes. */
struct sd_def {
	const char *name;
	int min_interval, max_interval, busy_factor;	/* ms */
	int imbalance_pct, cache_nice_tries;
	int busy_idx, idle_idx, newidle_idx, wake_idx, forkexec_idx;
	unsigned flags;
};

/* One level of one pCPU (struct sched_domain's mutable part); def NULL:
** a degenerate level. */
struct sd {
	const struct sd_def *def;
	int level;
	int64_t last_balance;		/* jiffies */
	int balance_interval;		/* ms */
	int nr_balance_failed;
};

/* pCPUs grouped by node (struct sched's topo, built by sched_init). */
struct sd_topo {
	int ncpus, nnodes;
	int *node_first;		/* [node]: its first index in node_cpu */
	int *node_n;			/* [node]: its pCPUs */
	int *node_cpu;			/* the pCPUs, node by node, ascending */
	int *cpu_node;			/* [pCPU]: its node */
	int *cpu_pos;			/* [pCPU]: its index among its node's */
};

/* A group or a span: n pCPUs, cpu[0..n-1]. */
struct sd_span {
	const int *cpu;
	int n;
};

struct machine;

/* Build t for machine m's pCPUs and nodes; -1 out of memory. */
int sd_topo_init(struct sd_topo *t, const struct machine *m);
void sd_topo_fini(struct sd_topo *t);

static inline bool sd_same_node(const struct sd_topo *t, int a, int b)
{
	return t->cpu_node[a] == t->cpu_node[b];
}

/* Groups of cpu's domain at level. */
static inline int sd_ngroups(const struct sd_topo *t, int cpu, int level)
{
	return level == SD_CORE ? t->node_n[t->cpu_node[cpu]] : t->nnodes;
}

/* The index of cpu's own group. */
static inline int sd_local_group(const struct sd_topo *t, int cpu, int level)
{
	return level == SD_CORE ? t->cpu_pos[cpu] : t->cpu_node[cpu];
}

/* Group g of cpu's domain at level. */
static inline struct sd_span sd_group(const struct sd_topo *t, int cpu, int level, int g)
{
	if (level == SD_CORE)
		return (struct sd_span){ &t->node_cpu[t->node_first[t->cpu_node[cpu]] + g], 1 };
	return (struct sd_span){ &t->node_cpu[t->node_first[g]], t->node_n[g] };
}

/* The k-th group onwards from cpu's own (k = 0: the local group). */
static inline int sd_group_from(const struct sd_topo *t, int cpu, int level, int k)
{
	return (sd_local_group(t, cpu, level) + k) % sd_ngroups(t, cpu, level);
}

/* The pCPUs cpu's domain at level spans. */
static inline struct sd_span sd_span(const struct sd_topo *t, int cpu, int level)
{
	if (level == SD_CORE) {
		int node = t->cpu_node[cpu];
		return (struct sd_span){ &t->node_cpu[t->node_first[node]], t->node_n[node] };
	}
	return (struct sd_span){ t->node_cpu, t->ncpus };
}

static inline bool sd_in_span(const struct sd_topo *t, int cpu, int level, int i)
{
	return level == SD_NODE || sd_same_node(t, cpu, i);
}

/* Is the level more than one group (not sd_degenerate)? */
static inline bool sd_level_on(const struct sd_topo *t, int cpu, int level)
{
	return sd_ngroups(t, cpu, level) > 1;
}

/* msecs_to_jiffies for HZ hz, rounding up. */
static inline int64_t sd_ms_to_jiffies(int64_t ms, int hz)
{
	return (ms * hz + 999) / 1000;
}

/*
** rebalance_domains' interval of level d, in jiffies: balance_interval,
** times busy_factor unless the pCPU is idle, at least one jiffy, and at
** most max_jiffies when max_jiffies > 0 (2.6.24 on: max_load_balance_
** interval = HZ * NR_CPUS / 10; 2.6.21 has no cap).
*/
static inline int64_t sd_interval(const struct sd *d, bool idle, int hz, int64_t max_jiffies)
{
	int64_t ms = d->balance_interval;
	if (!idle)
		ms *= d->def->busy_factor;
	int64_t j = sd_ms_to_jiffies(ms, hz);
	if (j < 1)
		j = 1;
	if (max_jiffies > 0 && j > max_jiffies)
		j = max_jiffies;
	return j;
}

#define SD_MAX_PINNED_INTERVAL 512	/* ms, MAX_PINNED_INTERVAL */

/* load_balance's out_one_pinned: a pass that moved nothing backs its
** level off, doubling the interval up to max_interval, or up to
** MAX_PINNED_INTERVAL when every task it found was pinned elsewhere. */
static inline void sd_backoff(struct sd *d, bool all_pinned)
{
	if ((all_pinned && d->balance_interval < SD_MAX_PINNED_INTERVAL) ||
	    d->balance_interval < d->def->max_interval)
		d->balance_interval *= 2;
}

/* source_load / target_load: a migration source's load guessed low, a
** target's high, from the decayed history and the load now. */
static inline int64_t sd_source_load(int64_t history, int64_t now)
{
	return history < now ? history : now;
}

static inline int64_t sd_target_load(int64_t history, int64_t now)
{
	return history > now ? history : now;
}

#endif
