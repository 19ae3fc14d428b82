/*
** Linux CFS, the host scheduler of KVM's VCPU threads: the completely fair
** scheduler of kernel/sched_fair.c with the SMP load balancer and the
** scheduling domains of kernel/sched.c, as in Linux 2.6.24 (tag v2.6.24)
** or 2.6.32 (2.6.32.2), chosen by the parameter `version` (24 or 32), for
** x86_64 with CONFIG_SCHED_MC and CONFIG_NUMA, no SMT, no group
** scheduling, no power-savings balancing (sched_mc_power_savings = 0).
**
** Fairness.  Each pCPU has a cfs_rq: its runnable entities ordered by
** virtual run time, the running one (curr) counted in nr_running and load
** but kept out of the tree.  Running d ns of wall time advances
**
**	vruntime += d * NICE_0_LOAD / w                    (calc_delta_fair)
**
** with w = prio_to_weight[nice + 20] (nice 0 = 1024, ~1.25x a step; the
** Xen-style `weight` of a VM plays no part), and
** min_vruntime follows the smallest vruntime, never backwards.  A pCPU runs
** the leftmost entity (2.6.32: or its LAST_BUDDY, the entity a wake-up
** preempted, while within a wake-up granularity of the leftmost).
**
** Slices: a periodic tick at HZ (`hz`) on every busy pCPU runs
** check_preempt_tick: with p = latency, or nr x min_granularity when nr >
** nr_latency = latency / min_granularity (2.6.24: latency x nr /
** nr_latency, the same number), the ideal slice is
**
**	s = p * w / rw                                      (sched_slice)
**
** for rw the queue's load, and the current entity is preempted at the
** first tick at which it has run more than s since it was picked (2.6.32
** also when it runs more than min_granularity and leads the leftmost by
** more than s in vruntime).  So slices end on tick boundaries as in the
** kernels (HRTICK is off in both); `hrtick=1` instead ends each slice at
** exactly s (2.6.32's hrtick_start_fair, without its re-arming when the
** queue changes).
**
** Tunables (sched_init_granularity): latency, min_granularity and
** wakeup_granularity are 20/4/10 ms (2.6.24) or 5/1/1 ms (2.6.32) times
** 1 + ilog2(ncpus), latency and min_granularity capped at 200 ms; 8 pCPUs
** give 80/16/40 and 20/4/4 ms.  (The cap of the factor at 8 pCPUs came
** with 2.6.33's tunable scaling; 2.6.32 multiplies by the full factor.)
** Migration cost 0.5 ms.  Each can be set instead (`latency`,
** `min-granularity`, `wakeup-granularity`, `migration-cost`: the values
** of /proc/sys/kernel/sched_*, used as given).
**
** Placement (place_entity).  A new entity starts at min_vruntime + the
** virtual slice it would get (START_DEBIT): p(nr+1) * NICE_0 / (rw + w);
** a waking one at max(its vruntime, min_vruntime - L) with L = latency
** (2.6.24 NEW_FAIR_SLEEPERS) or latency / 2 (2.6.32 GENTLE_FAIR_SLEEPERS).
** Wake-up preemption (check_preempt_wakeup): the waker preempts curr when
**
**	vruntime(curr) - vruntime(new) > g
**
** with g = wakeup_granularity in curr's virtual time (2.6.24) or in the
** new entity's (2.6.32 ASYM_GRAN; ADAPTIVE_GRAN is left out, so g is the
** sysctl, which is what it tends to for threads that do not wake others).
** An entity moving between queues keeps its lag: vruntime += dst
** min_vruntime - src min_vruntime (set_task_cpu).
**
** Wake-up pCPU (try_to_wake_up / select_task_rq_fair).  The waker is taken
** to be the pCPU the entity last ran on (a timer or an interrupt handled
** there), so the wake-affine test always passes and what remains is:
** 2.6.24 wake_idle: stay if that pCPU is idle or has more than one task,
** else the first idle allowed pCPU of its node (SD_WAKE_IDLE is set on
** the core level only); 2.6.32: stay if it has no task, else the first
** allowed pCPU of its node without tasks (SD_PREFER_SIBLING), else stay.
** Neither looks beyond the node: the load balancer does that.  An
** entity's first wake is a fork (sched_balance_self with SD_BALANCE_FORK)
** from its first allowed pCPU, standing for its parent's: the idlest node
** by find_idlest_group's loads (cpu_load[0] in 2.6.24, the queue load in
** 2.6.32) with a 112% margin, its least loaded allowed pCPU, and in 2.6.32
** the same once more among that node's cores.
**
** Load balancing.  Two domain levels per pCPU: the cores of its node
** (SD_MC_INIT: 1-4 ms, busy x64, imbalance 125%, one group per core) and
** all nodes (x86_64 SD_NODE_INIT: 8-32 ms, busy x32, imbalance 125%, one
** group per node); a level with one group or one pCPU is dropped as the
** kernels' sd_degenerate does.  At the tick, when next_balance is due,
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
** average idle time is below migration_cost).  Node groups have the power
** of one CPU in 2.6.24 (one package per node) and of all their cores in
** 2.6.32, whose SD_PREFER_SIBLING cuts a node's capacity to one task:
** both try to give every node a task before doubling up in one.
** Idle pCPUs are balanced as CONFIG_NO_HZ's idle load balancer does it:
** each level by its idle interval, however stale next_balance is.
**
** Cost: the run queue is a treap keyed by (vruntime, insertion sequence),
** O(log n) expected per insert and remove, O(1) pick (cached leftmost);
** a busy pCPU takes HZ timer events per second, an idle one one per
** balance interval; a balance pass is O(ncpus + 33 moves).
*/
#include "models/sched.h"
#include "sim/world.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define NICE_0_LOAD	1024		/* SCHED_LOAD_SCALE */
#define NR_MIGRATE	32		/* sysctl_sched_nr_migrate */
#define LOAD_IDX_MAX	5		/* CPU_LOAD_IDX_MAX */
#define MAX_PINNED_INTERVAL 512		/* ms */
#define NR_CPUS_CONFIG	64		/* CONFIG_NR_CPUS, for the interval cap */
#define PRIO_IDLE	140		/* MAX_PRIO, the idle task's priority */
#define GRAN_LIMIT	200000000	/* sched_init_granularity's cap, ns */

/* kernel/sched.c: nice -20..19 to load weight (identical in both). */
static const int prio_to_weight[40] = {
	88761, 71755, 56483, 46273, 36291,
	29154, 23254, 18705, 14949, 11916,
	9548, 7620, 6100, 4904, 3906,
	3121, 2501, 1991, 1586, 1277,
	1024, 820, 655, 526, 423,
	335, 272, 215, 172, 137,
	110, 87, 70, 56, 45,
	36, 29, 23, 18, 15,
};

/* The sched_domain flags that matter here. */
#define SD_LOAD_BALANCE		0x01
#define SD_BALANCE_NEWIDLE	0x02
#define SD_BALANCE_FORK		0x04
#define SD_WAKE_IDLE		0x08
#define SD_WAKE_AFFINE		0x10
#define SD_PREFER_SIBLING	0x20

enum { LVL_MC, LVL_NODE };

struct sd_def {
	const char *name;
	int min_interval, max_interval, busy_factor;	/* ms */
	int imbalance_pct, cache_nice_tries;
	int busy_idx, idle_idx, newidle_idx, forkexec_idx;
	unsigned flags;
};

/* [version][level]: include/linux/topology.h SD_MC_INIT and the x86_64
** SD_NODE_INIT (include/asm-x86/topology_64.h in 2.6.24,
** arch/x86/include/asm/topology.h in 2.6.32).  SD_BALANCE_EXEC and
** SD_WAKE_BALANCE have no exec or remote wakers to act on here. */
static const struct sd_def sd_defs[2][2] = {
	{
		{ "mc", 1, 4, 64, 125, 1, 2, 0, 0, 1,
		  SD_LOAD_BALANCE | SD_BALANCE_NEWIDLE | SD_WAKE_IDLE | SD_WAKE_AFFINE },
		{ "node", 8, 32, 32, 125, 2, 3, 2, 0, 1,
		  SD_LOAD_BALANCE | SD_BALANCE_FORK },
	},
	{
		{ "mc", 1, 4, 64, 125, 1, 2, 0, 0, 0,
		  SD_LOAD_BALANCE | SD_BALANCE_NEWIDLE | SD_BALANCE_FORK | SD_WAKE_AFFINE |
		  SD_PREFER_SIBLING },
		{ "node", 8, 32, 32, 125, 2, 3, 2, 0, 0,
		  SD_LOAD_BALANCE | SD_BALANCE_NEWIDLE | SD_BALANCE_FORK | SD_WAKE_AFFINE },
	},
};

enum lb_idle { CPU_IDLE, CPU_NOT_IDLE, CPU_NEWLY_IDLE };

/* A schedulable entity's CFS state (struct sched_entity). */
struct cfs_ent {
	struct entity *e;
	struct cfs_ent *left, *right;	/* treap children */
	uint64_t seq;			/* insertion order: equal vruntimes run FIFO */
	uint32_t prio;			/* treap heap priority, a hash of seq */
	struct cfs_ent *tnext, *tprev;	/* the rq's task list, newest first */
	int64_t vruntime;
	int weight;
	int rq;				/* task_cpu(): its queue's pCPU; -1 never woken */
	bool on_rq;			/* counted in its rq's nr_running and load */
	bool queued;			/* in its rq's tree */
	int64_t exec_start;		/* when it last stopped running (task_hot) */
};

/* One domain level of one pCPU (struct sched_domain's mutable part). */
struct sd {
	const struct sd_def *def;
	int level;
	int64_t last_balance;		/* jiffies */
	int balance_interval;		/* ms */
	int nr_balance_failed;
};

/* A pCPU's run queue (struct rq with its cfs_rq); the framework's c->priv. */
struct rq {
	int cpu;
	struct cfs_ent *root, *leftmost;
	struct cfs_ent *tasks;		/* every on_rq entity, newest first */
	struct entity *curr;		/* the running entity */
	struct entity *put;		/* put back by put_prev, not queued again yet */
	struct cfs_ent *last;		/* 2.6.32 LAST_BUDDY */
	int nr_running;
	int64_t load;			/* total weight, curr included */
	int64_t min_vruntime;
	int64_t exec_start;		/* last update_curr of curr */
	int64_t cpu_load[LOAD_IDX_MAX];
	int64_t load_tick;		/* last tick folded into cpu_load */
	int64_t next_balance;		/* jiffies */
	int64_t idle_stamp, avg_idle;	/* 2.6.32 idle_balance throttle; stamp -1: none */
	int push_cpu;			/* active balance: where the preempted curr goes */
	bool hrtick_armed;		/* the current slice ends by itself */
	bool in_timer, in_pick;		/* inside this pCPU's tick or pick_next */
	bool want_resched;		/* a pull asked this pCPU to pick again */
	evq_handle timer;
	int64_t timer_at;
	int nsd;
	struct sd sd[2];		/* lowest level first */
};

struct cfs {
	int version;			/* 24 or 32 */
	int hz;
	bool hrtick;
	int64_t tick;			/* ns per jiffy */
	int64_t latency, min_gran, wakeup_gran, migration_cost;
	int nr_latency;
	int nnodes;
	int *node_first, *node_n, *node_cpu;	/* pCPUs grouped by node */
	int *cpu_node;
	uint64_t seq;
};

/* ------------------------------------------------------------ basics --- */

static inline struct rq *rq_of(const struct sched *s, int cpu)
{
	return s->cpu[cpu].priv;
}

static inline struct cfs_ent *ce_of(const struct entity *e)
{
	return e->priv;
}

static inline int64_t now_of(const struct sched *s)
{
	return world_now(s->w);
}

static inline int64_t jiffies_at(const struct cfs *f, int64_t t)
{
	return t / f->tick;
}

static inline int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static inline int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* x * num / den rounded: calc_delta_mine's fixed-point result. */
static inline int64_t mul_div(int64_t x, int64_t num, int64_t den)
{
	return (x * num + den / 2) / den;
}

/* Wall time to virtual time: delta * NICE_0_LOAD / w (calc_delta_fair). */
static inline int64_t delta_fair(int64_t delta, int w)
{
	return w == NICE_0_LOAD ? delta : mul_div(delta, NICE_0_LOAD, w);
}

static inline int prio_of(const struct entity *e)
{
	return 120 + e->nice;
}

static inline bool is_idle(const struct sched *s, int cpu)
{
	return !s->cpu[cpu].curr;
}

static int64_t ms_to_jiffies(const struct cfs *f, int64_t ms)
{
	return (ms * f->hz + 999) / 1000;
}

/* ---------------------------------------------------------- the tree --- */

static inline bool before(const struct cfs_ent *a, const struct cfs_ent *b)
{
	return a->vruntime < b->vruntime || (a->vruntime == b->vruntime && a->seq < b->seq);
}

static uint32_t hash32(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (uint32_t)(x ^ (x >> 31));
}

static struct cfs_ent *rot_right(struct cfs_ent *t)
{
	struct cfs_ent *l = t->left;
	t->left = l->right;
	l->right = t;
	return l;
}

static struct cfs_ent *rot_left(struct cfs_ent *t)
{
	struct cfs_ent *r = t->right;
	t->right = r->left;
	r->left = t;
	return r;
}

static struct cfs_ent *t_insert(struct cfs_ent *t, struct cfs_ent *n)
{
	if (!t)
		return n;
	if (before(n, t)) {
		t->left = t_insert(t->left, n);
		if (t->left->prio > t->prio)
			t = rot_right(t);
	} else {
		t->right = t_insert(t->right, n);
		if (t->right->prio > t->prio)
			t = rot_left(t);
	}
	return t;
}

static struct cfs_ent *t_merge(struct cfs_ent *a, struct cfs_ent *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (a->prio > b->prio) {
		a->right = t_merge(a->right, b);
		return a;
	}
	b->left = t_merge(a, b->left);
	return b;
}

/* n is in t: keys are unique, so the descent finds it. */
static struct cfs_ent *t_remove(struct cfs_ent *t, struct cfs_ent *n)
{
	if (t == n)
		return t_merge(t->left, t->right);
	if (before(n, t))
		t->left = t_remove(t->left, n);
	else
		t->right = t_remove(t->right, n);
	return t;
}

static void tree_add(struct cfs *f, struct rq *rq, struct cfs_ent *ce)
{
	ce->left = ce->right = NULL;
	ce->seq = ++f->seq;
	ce->prio = hash32(ce->seq);
	rq->root = t_insert(rq->root, ce);
	if (!rq->leftmost || before(ce, rq->leftmost))
		rq->leftmost = ce;
	ce->queued = true;
}

static void tree_del(struct rq *rq, struct cfs_ent *ce)
{
	rq->root = t_remove(rq->root, ce);
	ce->queued = false;
	if (rq->leftmost == ce) {
		struct cfs_ent *t = rq->root;
		while (t && t->left)
			t = t->left;
		rq->leftmost = t;
	}
}

/* --------------------------------------------------- loads and clocks --- */

/* Fold the ticks up to now into cpu_load[] (update_cpu_load):
**	cpu_load[i] = (cpu_load[i] * (2^i - 1) + load) / 2^i
** rounded up while the load rises.  The load has been constant since the
** last fold (every change folds first), so missed ticks fold with it; the
** sequence reaches the load within a few hundred folds. */
static void load_sync(const struct cfs *f, struct rq *rq, int64_t now)
{
	int64_t t = jiffies_at(f, now), n = t - rq->load_tick;
	if (n <= 0)
		return;
	rq->load_tick = t;
	for (int i = 0; i < LOAD_IDX_MAX; i++) {
		int64_t scale = (int64_t)1 << i, x = rq->cpu_load[i];
		for (int64_t k = 0; k < n && x != rq->load; k++) {
			if (k == 1024) {
				x = rq->load;
				break;
			}
			int64_t nl = rq->load;
			if (nl > x)
				nl += scale - 1;
			x = (x * (scale - 1) + nl) >> i;
		}
		rq->cpu_load[i] = x;
	}
}

static int64_t weighted_load(const struct sched *s, int cpu)
{
	return rq_of(s, cpu)->load;
}

/* Low guess at a migration source's load, high at a target's. */
static int64_t source_load(const struct sched *s, int cpu, int type)
{
	struct rq *rq = rq_of(s, cpu);
	if (type == 0)
		return rq->load;
	load_sync(s->priv, rq, now_of(s));
	return min64(rq->cpu_load[type - 1], rq->load);
}

static int64_t target_load(const struct sched *s, int cpu, int type)
{
	struct rq *rq = rq_of(s, cpu);
	if (type == 0)
		return rq->load;
	load_sync(s->priv, rq, now_of(s));
	return max64(rq->cpu_load[type - 1], rq->load);
}

static int64_t avg_load_per_task(const struct sched *s, int cpu)
{
	struct rq *rq = rq_of(s, cpu);
	return rq->nr_running ? rq->load / rq->nr_running : 0;
}

/* min_vruntime follows min(curr, leftmost), monotonically. */
static void update_min_vruntime(struct rq *rq)
{
	int64_t v = rq->min_vruntime;
	if (rq->curr)
		v = ce_of(rq->curr)->vruntime;
	if (rq->leftmost)
		v = rq->curr ? min64(v, rq->leftmost->vruntime) : rq->leftmost->vruntime;
	if (v > rq->min_vruntime)
		rq->min_vruntime = v;
}

/* Charge curr's run since the last update to its vruntime. */
static void update_curr(const struct sched *s, struct rq *rq)
{
	if (!rq->curr)
		return;
	int64_t now = now_of(s), d = now - rq->exec_start;
	if (d <= 0)
		return;
	struct cfs_ent *ce = ce_of(rq->curr);
	ce->vruntime += delta_fair(d, ce->weight);
	rq->exec_start = now;
	update_min_vruntime(rq);
}

/* --------------------------------------------------- slices, placement --- */

static int64_t sched_period(const struct cfs *f, int nr)
{
	if (nr <= f->nr_latency)
		return f->latency;
	return f->version == 24 ? f->latency * nr / f->nr_latency : f->min_gran * nr;
}

/* s = p * w / rw, counting ce in the queue if it is not yet. */
static int64_t sched_slice(const struct cfs *f, const struct rq *rq, const struct cfs_ent *ce)
{
	bool in = ce->on_rq && ce->rq == rq->cpu;
	int64_t load = rq->load + (in ? 0 : ce->weight);
	int64_t p = sched_period(f, rq->nr_running + !in);
	return load > 0 ? mul_div(p, ce->weight, load) : p;
}

/* START_DEBIT: the virtual slice a new entity would get. */
static int64_t vslice_new(const struct cfs *f, const struct rq *rq, const struct cfs_ent *ce)
{
	if (f->version == 24)	/* sched_vslice_add */
		return mul_div(sched_period(f, rq->nr_running + 1), NICE_0_LOAD, rq->load + ce->weight);
	return delta_fair(sched_slice(f, rq, ce), ce->weight);
}

static void place_entity(const struct cfs *f, const struct rq *rq, struct cfs_ent *ce, bool initial)
{
	int64_t v = rq->min_vruntime;
	if (initial)
		v += vslice_new(f, rq, ce);
	else
		v -= f->version == 24 ? f->latency : f->latency / 2;
	/* never gain time by being placed backwards */
	if (!initial || f->version == 32)
		v = max64(ce->vruntime, v);
	ce->vruntime = v;
}

/* Wakeup granularity in the virtual time of the entity it is read in. */
static int64_t wakeup_gran(const struct cfs *f, const struct cfs_ent *curr, const struct cfs_ent *se)
{
	return delta_fair(f->wakeup_gran, (f->version == 24 ? curr : se)->weight);
}

/* 2.6.32 wakeup_preempt_entity: -1 se is not ahead, 0 within a granule, 1 beyond. */
static int wakeup_preempt_entity(const struct cfs *f, const struct cfs_ent *curr, const struct cfs_ent *se)
{
	int64_t vdiff = curr->vruntime - se->vruntime;
	if (vdiff <= 0)
		return -1;
	return vdiff > wakeup_gran(f, curr, se) ? 1 : 0;
}

/* check_preempt_wakeup: should se (just queued on rq) preempt its curr? */
static bool wakeup_preempts(const struct sched *s, struct rq *rq, struct cfs_ent *se)
{
	const struct cfs *f = s->priv;
	if (!rq->curr || rq->curr == se->e)
		return false;
	struct cfs_ent *curr = ce_of(rq->curr);
	update_curr(s, rq);
	if (f->version == 24)
		return se->vruntime + wakeup_gran(f, curr, se) < curr->vruntime;
	if (wakeup_preempt_entity(f, curr, se) != 1)
		return false;
	if (rq->nr_running >= f->nr_latency)
		rq->last = curr;
	return true;
}

/* ------------------------------------------------- enqueue, dequeue --- */

static void account_enqueue(const struct sched *s, struct rq *rq, struct cfs_ent *ce)
{
	load_sync(s->priv, rq, now_of(s));
	rq->load += ce->weight;
	rq->nr_running++;
	ce->tprev = NULL;
	ce->tnext = rq->tasks;
	if (rq->tasks)
		rq->tasks->tprev = ce;
	rq->tasks = ce;
	ce->on_rq = true;
	ce->rq = rq->cpu;
}

static void account_dequeue(const struct sched *s, struct rq *rq, struct cfs_ent *ce)
{
	load_sync(s->priv, rq, now_of(s));
	rq->load -= ce->weight;
	rq->nr_running--;
	if (ce->tprev)
		ce->tprev->tnext = ce->tnext;
	else
		rq->tasks = ce->tnext;
	if (ce->tnext)
		ce->tnext->tprev = ce->tprev;
	ce->tnext = ce->tprev = NULL;
	ce->on_rq = false;
	if (rq->last == ce)
		rq->last = NULL;
}

enum { ENQ_PLAIN, ENQ_WAKE, ENQ_NEW };

static void enqueue_entity(struct sched *s, struct rq *rq, struct cfs_ent *ce, int how)
{
	struct cfs *f = s->priv;
	update_curr(s, rq);
	if (how == ENQ_NEW) {
		if (f->version == 32 && rq->curr)   /* task_new_fair */
			ce->vruntime = ce_of(rq->curr)->vruntime;
		place_entity(f, rq, ce, true);
	} else if (how == ENQ_WAKE) {
		place_entity(f, rq, ce, false);
	}
	account_enqueue(s, rq, ce);
	tree_add(f, rq, ce);
}

static void dequeue_entity(struct sched *s, struct rq *rq, struct cfs_ent *ce)
{
	const struct cfs *f = s->priv;
	update_curr(s, rq);
	if (ce->queued)
		tree_del(rq, ce);
	account_dequeue(s, rq, ce);
	if (f->version == 32)
		update_min_vruntime(rq);
}

/* The entity put_prev handed back did not come back: it blocked (or was
** pushed, which enqueue resolves itself). */
static void settle_put(struct sched *s, struct rq *rq)
{
	struct entity *e = rq->put;
	if (!e)
		return;
	rq->put = NULL;
	dequeue_entity(s, rq, ce_of(e));
}

/* Move a queued entity between run queues (pull_task), keeping its lag:
** vruntime += dst min_vruntime - src min_vruntime. */
static void move_entity(struct sched *s, struct rq *src, struct cfs_ent *ce, struct rq *dst)
{
	dequeue_entity(s, src, ce);
	ce->vruntime += dst->min_vruntime - src->min_vruntime;
	enqueue_entity(s, dst, ce, ENQ_PLAIN);
}

/* After an entity arrives on dst outside a wake-up: make dst pick again
** if it is idle or the arrival preempts (check_preempt_curr). */
static void nudge(struct sched *s, struct rq *dst, struct cfs_ent *ce)
{
	if (dst->in_pick)
		return;
	if (!is_idle(s, dst->cpu) && !wakeup_preempts(s, dst, ce))
		return;
	if (dst->in_timer)
		dst->want_resched = true;
	else
		sched_kick(s, &s->cpu[dst->cpu]);
}

/* ------------------------------------------------------------ groups --- */

/* A sched_group: the pCPUs of one core (level mc) or one node. */
struct grp {
	const int *cpu;
	int n;
	int64_t power;
	int64_t capacity;
};

static int ngroups(const struct cfs *f, int cpu, int level)
{
	return level == LVL_MC ? f->node_n[f->cpu_node[cpu]] : f->nnodes;
}

/* The index of cpu's own group at this level. */
static int local_group(const struct cfs *f, int cpu, int level)
{
	int node = f->cpu_node[cpu];
	if (level == LVL_NODE)
		return node;
	for (int i = 0; i < f->node_n[node]; i++)
		if (f->node_cpu[f->node_first[node] + i] == cpu)
			return i;
	return 0;
}

static void group_of(const struct sched *s, int cpu, const struct rq *rq, int k, int g, struct grp *out)
{
	const struct cfs *f = s->priv;
	int level = rq->sd[k].level;
	if (level == LVL_MC) {
		int node = f->cpu_node[cpu];
		out->cpu = &f->node_cpu[f->node_first[node] + g];
		out->n = 1;
		out->power = NICE_0_LOAD;
		out->capacity = 1;
		return;
	}
	out->cpu = &f->node_cpu[f->node_first[g]];
	out->n = f->node_n[g];
	/* 2.6.24: a package whose cores share resources counts as one CPU
	** (init_sched_groups_power); 2.6.32 sums its cores and then cuts the
	** capacity to one when the child level has SD_PREFER_SIBLING */
	out->power = f->version == 24 ? NICE_0_LOAD : (int64_t)NICE_0_LOAD * out->n;
	out->capacity = (out->power + NICE_0_LOAD / 2) / NICE_0_LOAD;
	if (f->version == 32 && k > 0 && (rq->sd[k - 1].def->flags & SD_PREFER_SIBLING) && out->capacity > 1)
		out->capacity = 1;
}

static int span_weight(const struct cfs *f, int cpu, int level)
{
	int n = 0;
	if (level == LVL_MC)
		return f->node_n[f->cpu_node[cpu]];
	for (int i = 0; i < f->nnodes; i++)
		n += f->node_n[i];
	return n;
}

static const int *span_cpus(const struct cfs *f, int cpu, int level)
{
	return level == LVL_MC ? &f->node_cpu[f->node_first[f->cpu_node[cpu]]] : f->node_cpu;
}

/* --------------------------------------------------- fork placement --- */

static int find_idlest_group(const struct sched *s, int cpu, int k, const struct entity *e)
{
	const struct cfs *f = s->priv;
	const struct rq *rq = rq_of(s, cpu);
	const struct sd_def *def = rq->sd[k].def;
	int n = ngroups(f, cpu, rq->sd[k].level);
	int local = local_group(f, cpu, rq->sd[k].level), idlest = -1;
	int64_t min_load = INT64_MAX, this_load = 0;
	int imbalance = 100 + (def->imbalance_pct - 100) / 2;
	for (int j = 0; j < n; j++) {
		int g = (local + j) % n;
		struct grp gr;
		group_of(s, cpu, rq, k, g, &gr);
		bool allowed = false;
		for (int i = 0; i < gr.n; i++)
			allowed |= cpuset_has(&e->affinity, gr.cpu[i]);
		if (!allowed)
			continue;
		int64_t load = 0;
		for (int i = 0; i < gr.n; i++)
			load += g == local ? source_load(s, gr.cpu[i], def->forkexec_idx)
					   : target_load(s, gr.cpu[i], def->forkexec_idx);
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
	group_of(s, cpu, rq_of(s, cpu), k, g, &gr);
	int64_t min_load = INT64_MAX;
	int idlest = -1;
	for (int i = 0; i < gr.n; i++) {
		int c = gr.cpu[i];
		if (!cpuset_has(&e->affinity, c))
			continue;
		int64_t load = weighted_load(s, c);
		if (load < min_load || (load == min_load && c == cpu)) {
			min_load = load;
			idlest = c;
		}
	}
	return idlest;
}

/* sched_balance_self(SD_BALANCE_FORK) from the entity's first allowed
** pCPU, standing for its parent's. */
static int fork_balance(const struct sched *s, const struct entity *e)
{
	const struct cfs *f = s->priv;
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
		int g = find_idlest_group(s, cpu, k, e);
		int nc = g < 0 ? -1 : find_idlest_cpu(s, cpu, k, g, e);
		if (nc < 0 || nc == cpu) {
			k--;
			continue;
		}
		int weight = span_weight(f, cpu, rq->sd[k].level);
		cpu = nc;
		rq = rq_of(s, cpu);
		k = -1;
		for (int i = 0; i < rq->nsd; i++) {
			if (weight <= span_weight(f, cpu, rq->sd[i].level))
				break;
			if (rq->sd[i].def->flags & SD_BALANCE_FORK)
				k = i;
		}
	}
	return cpu;
}

/* ---------------------------------------------------- load balancing --- */

/* Up to max queued entities of rq in balancing order: 2.6.24 walks the
** tree from the leftmost, merging in `also` (a preempted curr) where
** put_prev would put it; 2.6.32 walks the task list, newest first, curr
** included. */
struct walk {
	struct cfs_ent **v;
	int n, max;
	struct cfs_ent *also;
};

static void walk_tree(struct cfs_ent *t, struct walk *w)
{
	if (!t || w->n >= w->max)
		return;
	walk_tree(t->left, w);
	if (w->n < w->max && w->also && w->also->vruntime < t->vruntime) {
		w->v[w->n++] = w->also;
		w->also = NULL;
	}
	if (w->n < w->max)
		w->v[w->n++] = t;
	walk_tree(t->right, w);
}

static int balance_order(const struct cfs *f, const struct rq *rq, struct cfs_ent *also, struct cfs_ent **v,
			 int max)
{
	struct walk w = { v, 0, max, also };
	if (f->version == 32) {
		for (struct cfs_ent *ce = rq->tasks; ce && w.n < max; ce = ce->tnext)
			w.v[w.n++] = ce;
		return w.n;
	}
	walk_tree(rq->root, &w);
	if (w.also && w.n < max)
		w.v[w.n++] = w.also;
	return w.n;
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
			move_entity(s, src, ce, dst);
			nudge(s, dst, ce);
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
		l->this_lpt = f->version == 24 ? NICE_0_LOAD : avg_load_per_task(s, this_cpu);
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
	int n = ngroups(f, this_cpu, d->level), local = local_group(f, this_cpu, d->level);
	int idx = idle == CPU_NOT_IDLE ? d->def->busy_idx
		  : idle == CPU_NEWLY_IDLE ? d->def->newidle_idx : d->def->idle_idx;
	memset(l, 0, sizeof *l);
	l->busiest = -1;
	*imbalance = 0;
	for (int j = 0; j < n; j++) {
		int g = (local + j) % n;
		struct grp gr;
		group_of(s, this_cpu, rq, k, g, &gr);
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
				load = target_load(s, c, idx);
			} else {
				load = source_load(s, c, idx);
				max_cpu = max64(max_cpu, load);
				min_cpu = min64(min_cpu, load);
			}
			load_sum += load;
			nr += rq_of(s, c)->nr_running;
			wl += weighted_load(s, c);
			lpt_sum += avg_load_per_task(s, c);
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
		int64_t wl = weighted_load(s, c);
		if (rq_of(s, c)->nr_running == 1 && wl > imbalance)
			continue;
		if (wl > max_load) {
			max_load = wl;
			busiest = c;
		}
	}
	return busiest;
}

static void cpus_all(const struct sched *s, struct cpuset *cpus)
{
	memset(cpus, 0, sizeof *cpus);
	for (int i = 0; i < s->ncpus; i++)
		cpuset_add(cpus, i);
}

static bool cpus_empty(const struct sched *s, const struct cpuset *cpus)
{
	for (int i = 0; i < s->ncpus; i++)
		if (cpuset_has(cpus, i))
			return false;
	return true;
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
	update_curr(s, b);
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
	move_entity(s, b, pick, t);
	nudge(s, t, pick);
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
	cpus_all(s, &cpus);
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
				cpus.w[busiest >> 6] &= ~(UINT64_C(1) << (busiest & 63));
				if (!cpus_empty(s, &cpus))
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
	if ((all_pinned && d->balance_interval < MAX_PINNED_INTERVAL) ||
	    d->balance_interval < d->def->max_interval)
		d->balance_interval *= 2;
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
	cpus_all(s, &cpus);
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
				cpus.w[busiest >> 6] &= ~(UINT64_C(1) << (busiest & 63));
				if (!cpus_empty(s, &cpus))
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
static void idle_balance(struct sched *s, int this_cpu)
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
		next = min64(next, d->last_balance + ms_to_jiffies(f, d->balance_interval));
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
		int64_t interval = d->balance_interval;
		if (idle != CPU_IDLE)
			interval *= d->def->busy_factor;
		interval = ms_to_jiffies(f, interval);
		if (interval < 1)
			interval = 1;
		if (interval > (int64_t)f->hz * NR_CPUS_CONFIG / 10)
			interval = (int64_t)f->hz * NR_CPUS_CONFIG / 10;
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

/* ------------------------------------------------------------ the tick --- */

static void timer_fn(void *ctx, void *obj, uint64_t arg);

/* Make c's timer fire no later than t. */
static void timer_by(struct sched *s, struct cpu *c, int64_t t)
{
	struct rq *rq = c->priv;
	if (rq->timer != EVQ_NONE) {
		if (rq->timer_at <= t)
			return;
		evq_cancel(&s->w->q, rq->timer);
	}
	rq->timer = world_at(s->w, t, timer_fn, c, 0);
	rq->timer_at = t;
}

static int64_t next_tick(const struct cfs *f, int64_t now)
{
	return (jiffies_at(f, now) + 1) * f->tick;
}

/* check_preempt_tick: has curr had its slice? */
static bool slice_over(struct sched *s, struct cpu *c, struct rq *rq)
{
	const struct cfs *f = s->priv;
	struct cfs_ent *curr = ce_of(rq->curr);
	int64_t ideal = sched_slice(f, rq, curr), ran = sched_ran(s, c);
	if (ran > ideal) {
		if (rq->last == curr)
			rq->last = NULL;
		return true;
	}
	if (f->version == 24 || ran < f->min_gran || !rq->leftmost)
		return false;
	return curr->vruntime - rq->leftmost->vruntime > ideal;
}

/* The HZ tick of a busy pCPU (scheduler_tick: task_tick_fair, then
** trigger_load_balance), or an idle pCPU's rebalance at next_balance. */
static void timer_fn(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct cpu *c = obj;
	struct sched *s = &w->sched;
	const struct cfs *f = s->priv;
	struct rq *rq = c->priv;
	int64_t now = world_now(w);
	bool resched = false;
	(void)arg;
	rq->timer = EVQ_NONE;
	rq->in_timer = true;
	load_sync(f, rq, now);
	enum lb_idle idle = c->curr ? CPU_NOT_IDLE : CPU_IDLE;
	if (c->curr) {
		update_curr(s, rq);
		if (rq->nr_running > 1 && !rq->hrtick_armed)
			resched = slice_over(s, c, rq);
	}
	/* an idle pCPU's tick is stopped (NO_HZ): the idle load balancer
	** rebalances it on every one of its own ticks, each level by its
	** idle interval, whatever next_balance says */
	if (idle == CPU_IDLE || jiffies_at(f, now) >= rq->next_balance)
		rebalance_domains(s, c->id, idle);
	rq->in_timer = false;
	if (resched || rq->want_resched || (!c->curr && rq->leftmost)) {
		rq->want_resched = false;
		sched_resched(s, c);
	}
	if (c->curr)
		timer_by(s, c, next_tick(f, now));
	else
		timer_by(s, c, max64(next_tick(f, now), rq->next_balance * f->tick));
}

/* ------------------------------------------------------------- hooks --- */

static const struct sched_param_def cfs_params[] = {
	{ "version", SP_INT, "24", "Linux version followed: 24 (2.6.24) or 32 (2.6.32)" },
	{ "latency", SP_TIME, "0ms", "sched_latency_ns; 0: the version's default x (1 + log2 pCPUs)" },
	{ "min-granularity", SP_TIME, "0ms", "sched_min_granularity_ns; 0: the version's default, scaled" },
	{ "wakeup-granularity", SP_TIME, "0ms", "sched_wakeup_granularity_ns; 0: the version's default, scaled" },
	{ "migration-cost", SP_TIME, "0ms", "sched_migration_cost (cache-hot time); 0: 0.5ms" },
	{ "hz", SP_INT, "250", "timer tick frequency (CONFIG_HZ)" },
	{ "hrtick", SP_INT, "0", "1: end each slice exactly (HRTICK) instead of at the next tick" },
	{ NULL, 0, NULL, NULL },
};

static const struct scn_loc *param_loc(const struct sched *s, const char *name)
{
	for (int i = 0; i < s->cfg->nparam; i++)
		if (strcmp(s->cfg->param[i].key, name) == 0)
			return &s->cfg->param[i].loc;
	return &s->cfg->loc;
}

static int ilog2(int x)
{
	int r = 0;
	while (x > 1) {
		x >>= 1;
		r++;
	}
	return r;
}

static int cfs_init(struct sched *s, struct diag *d)
{
	struct cfs *f = s->priv;
	const struct machine *m = &s->w->mach;
	double version = sched_param_number(s, "version");
	double hz = sched_param_number(s, "hz"), hrtick = sched_param_number(s, "hrtick");
	int bad = 0;
	if (version != 24 && version != 32) {
		const struct scn_loc *l = param_loc(s, "version");
		diag_error(d, l->file, l->line,
			   "<policy version>: expected 24 (Linux 2.6.24) or 32 (Linux 2.6.32), got '%g'", version);
		bad = 1;
	}
	if (hz < 10 || hz > 10000) {
		const struct scn_loc *l = param_loc(s, "hz");
		diag_error(d, l->file, l->line, "<policy hz>: expected a tick rate from 10 to 10000, got '%g'", hz);
		bad = 1;
	}
	if (hrtick != 0 && hrtick != 1) {
		const struct scn_loc *l = param_loc(s, "hrtick");
		diag_error(d, l->file, l->line, "<policy hrtick>: expected 0 or 1, got '%g'", hrtick);
		bad = 1;
	}
	if (bad)
		return -1;
	f->version = (int)version;
	f->hz = (int)hz;
	f->hrtick = hrtick == 1;
	f->tick = 1000000000 / f->hz;

	/* sched_init_granularity: x (1 + ilog2(ncpus)), 200 ms cap */
	int64_t factor = 1 + ilog2(s->ncpus);
	int64_t lat = f->version == 24 ? 20000000 : 5000000;
	int64_t mg = f->version == 24 ? 4000000 : 1000000;
	int64_t wg = f->version == 24 ? 10000000 : 1000000;
	f->latency = sched_param_time(s, "latency");
	f->min_gran = sched_param_time(s, "min-granularity");
	f->wakeup_gran = sched_param_time(s, "wakeup-granularity");
	f->migration_cost = sched_param_time(s, "migration-cost");
	if (!f->latency)
		f->latency = min64(lat * factor, GRAN_LIMIT);
	if (!f->min_gran)
		f->min_gran = min64(mg * factor, GRAN_LIMIT);
	if (!f->wakeup_gran)
		f->wakeup_gran = wg * factor;
	if (!f->migration_cost)
		f->migration_cost = 500000;
	f->nr_latency = (int)((f->latency + f->min_gran - 1) / f->min_gran);

	f->nnodes = m->nnodes;
	f->node_first = calloc((size_t)m->nnodes, sizeof *f->node_first);
	f->node_n = calloc((size_t)m->nnodes, sizeof *f->node_n);
	f->node_cpu = calloc((size_t)s->ncpus, sizeof *f->node_cpu);
	f->cpu_node = calloc((size_t)s->ncpus, sizeof *f->cpu_node);
	if (!f->node_first || !f->node_n || !f->node_cpu || !f->cpu_node) {
		diag_error(d, s->cfg->loc.file, s->cfg->loc.line, "out of memory");
		return -1;
	}
	for (int i = 0; i < s->ncpus; i++) {
		f->cpu_node[i] = s->cpu[i].node;
		f->node_n[s->cpu[i].node]++;
	}
	for (int n = 1; n < f->nnodes; n++)
		f->node_first[n] = f->node_first[n - 1] + f->node_n[n - 1];
	for (int n = 0, k = 0; n < f->nnodes; n++)
		for (int i = 0; i < s->ncpus; i++)
			if (s->cpu[i].node == n)
				f->node_cpu[k++] = i;

	for (int i = 0; i < s->ncpus; i++) {
		struct cpu *c = &s->cpu[i];
		struct rq *rq = c->priv;
		rq->cpu = i;
		rq->load_tick = -1;
		rq->idle_stamp = -1;
		rq->avg_idle = 2 * f->migration_cost;
		rq->push_cpu = -1;
		rq->timer = EVQ_NONE;
		/* the levels that are not degenerate (more than one group) */
		if (f->node_n[c->node] > 1)
			rq->sd[rq->nsd++] = (struct sd){ &sd_defs[f->version == 32][LVL_MC], LVL_MC, 0, 1, 0 };
		if (f->nnodes > 1)
			rq->sd[rq->nsd++] = (struct sd){ &sd_defs[f->version == 32][LVL_NODE], LVL_NODE, 0, 1, 0 };
		timer_by(s, c, 0);
	}
	return 0;
}

static void cfs_fini(struct sched *s)
{
	struct cfs *f = s->priv;
	free(f->node_first);
	free(f->node_n);
	free(f->node_cpu);
	free(f->cpu_node);
}

static void cfs_attach(struct sched *s, struct entity *e)
{
	struct cfs_ent *ce = e->priv;
	int nice = e->nice < -20 ? -20 : e->nice > 19 ? 19 : e->nice;
	(void)s;
	ce->e = e;
	ce->weight = prio_to_weight[nice + 20];
	ce->rq = -1;
	ce->exec_start = INT64_MIN / 2;
}

static int cfs_select_cpu(struct sched *s, struct entity *e, enum sched_why why)
{
	const struct cfs *f = s->priv;
	struct cfs_ent *ce = ce_of(e);
	if (ce->rq < 0)
		return fork_balance(s, e);
	int prev = ce->rq;
	struct rq *rq = rq_of(s, prev);
	if (why != SCHED_WAKE) {
		/* preempted: back to its own queue, unless the migration
		** thread pushes it elsewhere */
		if (rq->push_cpu >= 0 && rq->put == e && cpuset_has(&e->affinity, rq->push_cpu))
			return rq->push_cpu;
		return prev;
	}
	for (int k = 0; k < rq->nsd; k++) {
		const struct sd_def *def = rq->sd[k].def;
		int n = span_weight(f, prev, rq->sd[k].level);
		const int *span = span_cpus(f, prev, rq->sd[k].level);
		if (f->version == 24) {
			/* wake_idle */
			if (is_idle(s, prev) || rq->nr_running > 1 || !(def->flags & SD_WAKE_IDLE))
				break;
			for (int i = 0; i < n; i++)
				if (cpuset_has(&e->affinity, span[i]) && is_idle(s, span[i]))
					return span[i];
		} else {
			/* select_task_rq_fair, waker == prev */
			if (!rq->nr_running || !(def->flags & SD_WAKE_AFFINE))
				break;
			if (def->flags & SD_PREFER_SIBLING)
				for (int i = 0; i < n; i++)
					if (cpuset_has(&e->affinity, span[i]) && !rq_of(s, span[i])->nr_running)
						return span[i];
			break;
		}
	}
	return prev;
}

static void cfs_enqueue(struct sched *s, struct cpu *c, struct entity *e, enum sched_why why)
{
	struct cfs *f = s->priv;
	struct rq *rq = c->priv;
	struct cfs_ent *ce = ce_of(e);
	int64_t now = now_of(s);
	struct rq *old = ce->rq >= 0 ? rq_of(s, ce->rq) : NULL;
	if (old && old->put == e) {
		old->put = NULL;
		if (why != SCHED_WAKE && old == rq) {
			/* preempted or yielded: still on this queue */
			tree_add(f, rq, ce);
			return;
		}
		/* pushed away by active balancing: an idle rq picks it in
		** place(), a busy one may be preempted */
		move_entity(s, old, ce, rq);
		if (!is_idle(s, rq->cpu))
			nudge(s, rq, ce);
		return;
	}
	if (old && ce->on_rq)	/* cannot happen: a waking entity is off every queue */
		dequeue_entity(s, old, ce);
	if (old && old != rq)	/* set_task_cpu */
		ce->vruntime += rq->min_vruntime - old->min_vruntime;
	if (f->version == 32 && rq->idle_stamp >= 0) {
		/* ttwu: the average idle time that gates idle_balance */
		int64_t delta = now - rq->idle_stamp, max = 2 * f->migration_cost;
		if (delta > max) {
			rq->avg_idle = max;
		} else {
			int64_t diff = delta - rq->avg_idle;
			rq->avg_idle += diff >= 0 ? diff >> 3 : -((-diff + 7) >> 3);
		}
		rq->idle_stamp = -1;
	}
	enqueue_entity(s, rq, ce, old ? ENQ_WAKE : ENQ_NEW);
}

static bool cfs_check_preempt(struct sched *s, struct cpu *c, struct entity *e)
{
	return wakeup_preempts(s, c->priv, ce_of(e));
}

static struct entity *cfs_pick_next(struct sched *s, struct cpu *c, int64_t *slice)
{
	const struct cfs *f = s->priv;
	struct rq *rq = c->priv;
	settle_put(s, rq);
	rq->hrtick_armed = false;
	if (!rq->leftmost) {
		rq->in_pick = true;
		idle_balance(s, c->id);
		rq->in_pick = false;
	}
	struct cfs_ent *se = rq->leftmost;
	if (!se)
		return NULL;
	/* 2.6.32: prefer the last buddy if it is within a granule of the leftmost */
	if (f->version == 32 && rq->last && rq->last->queued && wakeup_preempt_entity(f, rq->last, se) < 1)
		se = rq->last;
	if (rq->last == se)
		rq->last = NULL;
	tree_del(rq, se);
	rq->curr = se->e;
	rq->exec_start = now_of(s);
	*slice = -1;
	if (f->hrtick && rq->nr_running > 1) {
		*slice = sched_slice(f, rq, se);
		rq->hrtick_armed = true;
	}
	timer_by(s, c, next_tick(f, now_of(s)));
	return se->e;
}

static void cfs_put_prev(struct sched *s, struct cpu *c, struct entity *e, int64_t ran)
{
	struct rq *rq = c->priv;
	(void)ran;
	update_curr(s, rq);
	ce_of(e)->exec_start = now_of(s);
	rq->curr = NULL;
	rq->put = e;
}

static void print_ns(FILE *out, int64_t ns)
{
	fprintf(out, "%.3fms", (double)ns / 1e6);
}

static void cfs_dump(struct sched *s, FILE *out)
{
	const struct cfs *f = s->priv;
	fprintf(out, "cfs 2.6.%d: latency %.3f ms, min_granularity %.3f ms, wakeup_granularity %.3f ms, "
		"nr_latency %d, migration_cost %.3f ms, HZ %d%s\n",
		f->version, (double)f->latency / 1e6, (double)f->min_gran / 1e6, (double)f->wakeup_gran / 1e6,
		f->nr_latency, (double)f->migration_cost / 1e6, f->hz, f->hrtick ? ", hrtick" : "");
	for (int i = 0; i < s->ncpus; i++) {
		const struct rq *rq = rq_of(s, i);
		fprintf(out, "cpu%d (node %d): nr_running %d, load %lld, min_vruntime ", i, s->cpu[i].node,
			rq->nr_running, (long long)rq->load);
		print_ns(out, rq->min_vruntime);
		fprintf(out, ", cpu_load");
		for (int k = 0; k < LOAD_IDX_MAX; k++)
			fprintf(out, " %lld", (long long)rq->cpu_load[k]);
		fprintf(out, ", next_balance %lld\n", (long long)rq->next_balance);
		if (rq->curr) {
			fprintf(out, "  curr %s#%d vruntime ", rq->curr->name, rq->curr->idx);
			print_ns(out, ce_of(rq->curr)->vruntime);
			fprintf(out, " weight %d\n", ce_of(rq->curr)->weight);
		}
		struct cfs_ent *v[64];
		struct walk w = { v, 0, 64, NULL };
		walk_tree(rq->root, &w);
		for (int k = 0; k < w.n; k++) {
			fprintf(out, "  %s %s#%d vruntime ", k ? "     " : "queue", v[k]->e->name, v[k]->e->idx);
			print_ns(out, v[k]->vruntime);
			fprintf(out, " weight %d\n", v[k]->weight);
		}
		for (int k = 0; k < rq->nsd; k++)
			fprintf(out, "  domain %s: interval %d ms, last balance %lld, failed %d\n", rq->sd[k].def->name,
				rq->sd[k].balance_interval, (long long)rq->sd[k].last_balance,
				rq->sd[k].nr_balance_failed);
	}
}

const struct sched_ops sched_cfs_ops = {
	.name = "cfs",
	.source = "Linux 2.6.24 / 2.6.32 kernel/sched_fair.c and kernel/sched.c (CFS, sched domains)",
	.summary = "Linux CFS: per-pCPU vruntime trees, tick slices, wake-up preemption, NUMA load balancing",
	.params = cfs_params,
	.priv_size = sizeof(struct cfs),
	.cpu_priv_size = sizeof(struct rq),
	.ent_priv_size = sizeof(struct cfs_ent),
	.init = cfs_init,
	.fini = cfs_fini,
	.attach = cfs_attach,
	.select_cpu = cfs_select_cpu,
	.enqueue = cfs_enqueue,
	.pick_next = cfs_pick_next,
	.put_prev = cfs_put_prev,
	.check_preempt = cfs_check_preempt,
	.dump = cfs_dump,
};
