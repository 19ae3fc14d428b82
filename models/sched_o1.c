/*
** Linux 2.6.21 O(1) scheduler, the host scheduler of the paper's KVM
** (2.6.21.7): kernel/sched.c at v2.6.21 with the sched-domain constants
** of include/linux/topology.h (SD_MC_INIT) and
** include/asm-x86_64/topology.h (SD_NODE_INIT).  Ingo Molnar's O(1)
** design with Con Kolivas' interactivity estimator and Nick Piggin's
** scheduling domains.  SCHED_NORMAL only (no RT, no batch).
**
** Time slices (task_timeslice, in ticks of 1/HZ s, integer arithmetic):
**     nice < 0:  max(4 DEF x (140 - sp) / 20, MIN)
**     nice >= 0: max(  DEF x (140 - sp) / 20, MIN)
** with sp = 120 + nice, DEF = 100 HZ / 1000 and MIN = max(5 HZ / 1000, 1)
** ticks: 800 ms at nice -20, 100 ms at 0, 48 ms at +10 (12 ticks) and
** 4 ms at +19 (1 tick) with HZ 250.
** Load weight for balancing: slice x 128 / DEF (128 at nice 0).
**
** Dynamic priority (effective_prio): prio = sp - (bonus - 5), clamped to
** 100..139, bonus = ticks(sleep_avg) x 10 / MAX_SLEEP_AVG, MAX_SLEEP_AVG =
** 10 DEF = 1 s.  sleep_avg grows by the time slept at each wake-up
** (recalc_task_prio; one sleep longer than INTERACTIVE_SLEEP only lifts it
** to that ceiling) and by the run-queue wait of a task woken from an
** interrupt (30% of it when woken by a task); it shrinks at each
** schedule() by the run time since the last one divided by the bonus.
** TASK_INTERACTIVE: prio <= sp - DELTA, DELTA = (nice + 20) x 10 / 40 - 3.
**
** Per pCPU two priority arrays, active and expired.  At each tick the
** running task loses a tick of its slice; at 0 it gets a new slice and
** goes to the expired array, or back to the tail of the active one if it
** is interactive and the expired tasks are not starving (EXPIRED_STARVING:
** the first expired for more than STARVATION_LIMIT x nr_running ticks, or
** a better static priority expired).  An interactive task is also sent to
** the tail of its list every TIMESLICE_GRANULARITY ticks of its slice.
** When the active array empties, the arrays switch.  A woken task
** preempts a running one of worse priority (TASK_PREEMPTS_CURR); a
** preempted task keeps its place at the head of its list.
**
** Domains on a NUMA machine of multi-core nodes (each node one package,
** as on the K8): level 0 the cores of a node (SD_MC_INIT: balance every
** 1..4 ms, x64 when busy, imbalance 125%, newly-idle balancing, affine
** wake-ups), level 1 all nodes, one group each (SD_NODE_INIT for x86_64,
** up to SD_NODES_PER_DOMAIN = 16 nodes: every 8..32 ms,
** x32 when busy, imbalance 125%, fork placement, wake balancing, no
** newly-idle balancing).  A level with one group is dropped (sd_degenerate).
** Every group's cpu_power is 128 (one package: the "perf policy" of
** init_sched_groups_power), so a node counts as full with one task.
** Balancing (load_balance, find_busiest_group, find_busiest_queue,
** move_tasks) pulls queued tasks; tasks that ran less than the migration
** cost ago are cache hot (can_migrate_task) until balancing has failed
** more than cache_nice_tries times; past cache_nice_tries + 2 failures the
** busiest pCPU's running task is pushed (active_load_balance).  2.6.21
** measured the cost at boot (calibrate_migration_costs: twice the worst
** refill time of a buffer near the cache size, per domain distance); here
** it is a parameter per level, 0.5 ms by default.
**
** Modelling choices: ticks of all pCPUs fire together (2.6.21 x86_64
** starts each local APIC timer on an IRQ0 edge) and idle pCPUs tick (no
** dynticks on x86_64 in 2.6.21).  A wake-up runs on the framework's
** waker (models/sched.h: the pCPU of the entity whose completing burst
** caused it, the interrupt pCPU for devices, the woken entity's own pCPU
** for its timers), never a sync wake-up.  A first wake-up is
** a fork: sched_balance_self from the first allowed pCPU, a full slice,
** sleep_avg 0 (a CPU-bound parent).  SD_SERIALIZE never contends.
*/
#include "models/sched.h"
#include "models/world.h"

#include <limits.h>
#include <string.h>

#define MAX_RT_PRIO 100
#define MAX_PRIO 140
#define NPRIO (MAX_PRIO - MAX_RT_PRIO)
#define NICE_0_PRIO 120
#define MAX_USER_PRIO 40
#define MAX_BONUS 10                    /* MAX_USER_PRIO x PRIO_BONUS_RATIO 25% */
#define INTERACTIVE_DELTA 2
#define ON_RUNQUEUE_WEIGHT 30
#define LOAD_SCALE 128L                 /* SCHED_LOAD_SCALE */
#define GROUP_POWER LOAD_SCALE          /* cpu_power of every group: one package */
#define MAX_PINNED_INTERVAL 512
#define NLEVELS 2

enum sleep_type { SLEEP_NORMAL, SLEEP_NONINTERACTIVE, SLEEP_INTERACTIVE, SLEEP_INTERRUPTED };
enum idle_type { SCHED_IDLE, NOT_IDLE, NEWLY_IDLE };
/* Where a preempted task goes back: its place, or where the tick sent it. */
enum requeue { REQ_HEAD, REQ_ACTIVE_TAIL, REQ_EXPIRED };

#define SD_BALANCE_NEWIDLE 1
#define SD_BALANCE_FORK 2
#define SD_WAKE_AFFINE 4
#define SD_WAKE_BALANCE 8

struct sd_def {
	const char *name;
	int min_interval, max_interval, busy_factor;   /* ms */
	int imbalance_pct, cache_nice_tries;
	int busy_idx, idle_idx, newidle_idx, wake_idx, forkexec_idx;
	int flags;
};

/* SD_MC_INIT and x86_64's SD_NODE_INIT: intervals in ms, imbalance_pct,
** cache_nice_tries, load indexes busy/idle/newidle/wake/fork, the flags
** that matter here (both balance; SD_BALANCE_EXEC, SD_SERIALIZE and
** SD_SHARE_PKG_RESOURCES change nothing in this model). */
static const struct sd_def sd_def[NLEVELS] = {
	{ "core", 1, 4, 64, 125, 1, 2, 1, 2, 1, 1, SD_BALANCE_NEWIDLE | SD_WAKE_AFFINE },
	{ "node", 8, 32, 32, 125, 2, 3, 2, 0, 1, 1, SD_BALANCE_FORK | SD_WAKE_BALANCE },
};

struct task {
	struct entity *e;
	struct task *prev, *next;       /* in its priority list */
	struct prio_array *array;       /* NULL: not listed (running, held or blocked) */
	int on_rq;                      /* counted in the run queue of pCPU cpu */
	int cpu;                        /* task_cpu(); -1 before its first wake-up */
	int static_prio, prio;
	int time_slice;                 /* ticks */
	long load_weight;
	int64_t sleep_avg;              /* ns, 0 .. MAX_SLEEP_AVG */
	int64_t timestamp, last_ran;    /* ns */
	enum sleep_type sleep_type;
	enum requeue requeue;
};

struct prio_array {
	int nr_active;
	uint64_t bitmap;                /* bit p - 100: list p not empty */
	struct task *head[NPRIO], *tail[NPRIO];
};

struct sd_state {
	int on;                         /* 0: degenerate level */
	int balance_interval;           /* ms */
	int nr_balance_failed;
	int64_t last_balance;           /* jiffies */
};

struct rq {
	struct prio_array arr[2];
	int active;                     /* index of the active array */
	int nr_running;                 /* listed tasks plus the running one */
	long raw_weighted_load;
	long cpu_load[3];
	int64_t expired_timestamp;      /* jiffies; 0: nothing expired since the switch */
	int best_expired_prio;
	int64_t next_balance;           /* jiffies */
	struct sd_state sd[NLEVELS];
	int active_balance, push_cpu;
	uint64_t nswitch_arrays, nbalance_moved, nactive_pushed;
};

struct o1 {
	int hz;
	int64_t tick;                   /* ns */
	int def_ts, min_ts, gran;       /* ticks */
	int max_sleep_avg;              /* ticks */
	int64_t ns_max_sleep_avg;
	int64_t cache_hot[NLEVELS];     /* ns */
	int wake_idle;
};

static inline struct task *task_of(const struct entity *e)
{
	return e->priv;
}

static inline struct rq *rq_of(struct sched *s, int cpu)
{
	return s->cpu[cpu].priv;
}

static inline int64_t jiffies(const struct sched *s)
{
	const struct o1 *o = s->priv;
	return world_now(s->w) / o->tick;
}

static inline int curr_prio(const struct sched *s, int cpu)
{
	const struct entity *e = s->cpu[cpu].curr;
	return e ? task_of(e)->prio : MAX_PRIO;
}

static inline bool idle_cpu(const struct sched *s, int cpu)
{
	return !s->cpu[cpu].curr;
}

/* ------------------------------------------------ priorities, slices --- */

static int task_timeslice(const struct o1 *o, int static_prio)
{
	int x = static_prio < NICE_0_PRIO ? 4 * o->def_ts : o->def_ts;
	int t = x * (MAX_PRIO - static_prio) / (MAX_USER_PRIO / 2);
	return t > o->min_ts ? t : o->min_ts;
}

static int current_bonus(const struct o1 *o, const struct task *t)
{
	return (int)(t->sleep_avg / o->tick) * MAX_BONUS / o->max_sleep_avg;
}

static int normal_prio(const struct o1 *o, const struct task *t)
{
	int prio = t->static_prio - (current_bonus(o, t) - MAX_BONUS / 2);
	if (prio < MAX_RT_PRIO)
		prio = MAX_RT_PRIO;
	if (prio > MAX_PRIO - 1)
		prio = MAX_PRIO - 1;
	return prio;
}

static int delta(const struct task *t)
{
	int nice = t->static_prio - NICE_0_PRIO;
	return (nice + 20) * MAX_BONUS / 40 - 20 * MAX_BONUS / 40 + INTERACTIVE_DELTA;
}

static bool task_interactive(const struct task *t)
{
	return t->prio <= t->static_prio - delta(t);
}

/* The lowest sleep_avg that lets the task back into the active array. */
static int64_t interactive_sleep(const struct o1 *o, const struct task *t)
{
	return (int64_t)(o->max_sleep_avg * (MAX_BONUS / 2 + delta(t) + 1) / MAX_BONUS - 1) * o->tick;
}

/* GRANULARITY x 2^(max(10 - bonus, 1) - 1) x ncpus ticks */
static int timeslice_granularity(const struct sched *s, const struct task *t)
{
	const struct o1 *o = s->priv;
	int k = MAX_BONUS - current_bonus(o, t);
	return o->gran * (1 << ((k ? k : 1) - 1)) * s->ncpus;
}

/* Credit the sleep since t->timestamp (up to now) to sleep_avg. */
static int recalc_task_prio(const struct o1 *o, struct task *t, int64_t now)
{
	int64_t sleep_time = now - t->timestamp;
	if (sleep_time > 0) {
		int64_t ceiling = interactive_sleep(o, t);
		if (sleep_time > ceiling && t->sleep_avg < ceiling) {
			/* no best priority from one long sleep */
			t->sleep_avg = ceiling;
			t->sleep_type = SLEEP_NONINTERACTIVE;
		} else {
			if (t->sleep_type == SLEEP_NONINTERACTIVE) {
				if (t->sleep_avg >= ceiling) {
					sleep_time = 0;
				} else if (t->sleep_avg + sleep_time >= ceiling) {
					t->sleep_avg = ceiling;
					sleep_time = 0;
				}
			}
			t->sleep_avg += sleep_time;
		}
		if (t->sleep_avg > o->ns_max_sleep_avg)
			t->sleep_avg = o->ns_max_sleep_avg;
	}
	return normal_prio(o, t);
}

/* schedule()'s charge to the task leaving the pCPU: the run time since
** its last switch, capped at MAX_SLEEP_AVG, divided by its bonus. */
static void charge_prev(const struct o1 *o, struct task *t, int64_t now)
{
	int64_t run = now - t->timestamp;
	if (run < 0)
		run = 0;
	if (run > o->ns_max_sleep_avg)
		run = o->ns_max_sleep_avg;
	int b = current_bonus(o, t);
	t->sleep_avg -= run / (b ? b : 1);
	if (t->sleep_avg < 0)
		t->sleep_avg = 0;
	t->timestamp = t->last_ran = now;
}

/* ------------------------------------------------------ run queues --- */

static void list_add(struct prio_array *a, struct task *t, bool head)
{
	int i = t->prio - MAX_RT_PRIO;
	t->array = a;
	if (head) {
		t->prev = NULL;
		t->next = a->head[i];
		if (a->head[i])
			a->head[i]->prev = t;
		else
			a->tail[i] = t;
		a->head[i] = t;
	} else {
		t->next = NULL;
		t->prev = a->tail[i];
		if (a->tail[i])
			a->tail[i]->next = t;
		else
			a->head[i] = t;
		a->tail[i] = t;
	}
	a->bitmap |= UINT64_C(1) << i;
	a->nr_active++;
}

static void list_del(struct task *t)
{
	struct prio_array *a = t->array;
	int i = t->prio - MAX_RT_PRIO;
	if (t->prev)
		t->prev->next = t->next;
	else
		a->head[i] = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		a->tail[i] = t->prev;
	if (!a->head[i])
		a->bitmap &= ~(UINT64_C(1) << i);
	a->nr_active--;
	t->array = NULL;
	t->prev = t->next = NULL;
}

/* Best (lowest) priority listed in a, MAX_PRIO if none. */
static int best_listed(const struct prio_array *a)
{
	return a->bitmap ? MAX_RT_PRIO + __builtin_ctzll(a->bitmap) : MAX_PRIO;
}

static inline struct prio_array *active(struct rq *rq)
{
	return &rq->arr[rq->active];
}

static inline struct prio_array *expired(struct rq *rq)
{
	return &rq->arr[!rq->active];
}

static void switch_arrays(struct rq *rq)
{
	rq->active = !rq->active;
	rq->expired_timestamp = 0;
	rq->best_expired_prio = MAX_PRIO;
	rq->nswitch_arrays++;
}

/* inc_nr_running: t counts in cpu's run queue (queued or running). */
static void attach(struct sched *s, struct task *t, int cpu)
{
	if (t->on_rq && t->cpu == cpu)
		return;
	if (t->on_rq) {
		struct rq *old = rq_of(s, t->cpu);
		old->nr_running--;
		old->raw_weighted_load -= t->load_weight;
	}
	struct rq *rq = rq_of(s, cpu);
	t->on_rq = 1;
	t->cpu = cpu;
	rq->nr_running++;
	rq->raw_weighted_load += t->load_weight;
}

static void detach(struct sched *s, struct task *t)
{
	if (t->array)
		list_del(t);
	if (!t->on_rq)
		return;
	struct rq *rq = rq_of(s, t->cpu);
	rq->nr_running--;
	rq->raw_weighted_load -= t->load_weight;
	t->on_rq = 0;
}

static int rq_best_prio(const struct sched *s, int cpu)
{
	const struct rq *rq = s->cpu[cpu].priv;
	int p = curr_prio(s, cpu);
	return p < rq->best_expired_prio ? p : rq->best_expired_prio;
}

/* ------------------------------------------------------- load ------- */

static long source_load(const struct rq *rq, int idx)
{
	if (idx == 0)
		return rq->raw_weighted_load;
	return rq->cpu_load[idx - 1] < rq->raw_weighted_load ? rq->cpu_load[idx - 1] : rq->raw_weighted_load;
}

static long target_load(const struct rq *rq, int idx)
{
	if (idx == 0)
		return rq->raw_weighted_load;
	return rq->cpu_load[idx - 1] > rq->raw_weighted_load ? rq->cpu_load[idx - 1] : rq->raw_weighted_load;
}

/* update_load: cpu_load[i] = (old x (2^i - 1) + new) / 2^i, rounded up
** while the load grows. */
static void update_load(struct rq *rq)
{
	for (int i = 0, scale = 1; i < 3; i++, scale += scale) {
		long old = rq->cpu_load[i], now = rq->raw_weighted_load;
		if (now > old)
			now += scale - 1;
		rq->cpu_load[i] = (old * (scale - 1) + now) >> i;
	}
}

/* ---------------------------------------------------------- domains --- */

/* Does level l of cpu span i?  Core level: the cpus of its node. */
static bool in_span(const struct sched *s, int cpu, int l, int i)
{
	return l == 1 || s->cpu[i].node == s->cpu[cpu].node;
}

/* Groups of level l seen from cpu, the local one first, then in cpu (or
** node) order around: group g holds the cpus i with gid(i) == g. */
static int gid(const struct sched *s, int l, int i)
{
	return l == 0 ? i : s->cpu[i].node;
}

static int ngroups(const struct sched *s, int cpu, int l)
{
	if (l == 1)
		return s->w->mach.nnodes;
	int n = 0;
	for (int i = 0; i < s->ncpus; i++)
		n += in_span(s, cpu, 0, i);
	return n;
}

/* The k-th group of level l from cpu's own. */
static int group_k(const struct sched *s, int cpu, int l, int k)
{
	if (l == 1)
		return (s->cpu[cpu].node + k) % s->w->mach.nnodes;
	int n = s->ncpus;
	for (int j = 0, seen = 0; j < n; j++) {
		int i = (cpu + j) % n;
		if (in_span(s, cpu, 0, i) && seen++ == k)
			return i;
	}
	return cpu;
}

static int load_idx(int l, enum idle_type idle)
{
	const struct sd_def *d = &sd_def[l];
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
	const struct sd_def *d = &sd_def[l];
	int idx = load_idx(l, idle), busiest = -1;
	long max_load = 0, this_load = 0, total_load = 0, total_pwr = 0;
	long b_lpt = 0, b_nr = 0, this_lpt = 0, this_nr = 0;
	int ng = ngroups(s, this_cpu, l);
	*imbalance = 0;
	for (int k = 0; k < ng; k++) {
		int g = group_k(s, this_cpu, l, k), local = k == 0;
		int balance_cpu = -1, first_idle = 0;
		long sum_load = 0, sum_nr = 0, sum_weighted = 0;
		for (int i = 0; i < s->ncpus; i++) {
			if (gid(s, l, i) != g)
				continue;
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

/* The most loaded cpu of group g, skipping one whose single task weighs
** more than the imbalance. */
static int find_busiest_queue(struct sched *s, int l, int g, long imbalance, const struct cpuset *cpus)
{
	int busiest = -1;
	long max_load = 0;
	for (int i = 0; i < s->ncpus; i++) {
		if (gid(s, l, i) != g || !cpuset_has(cpus, i))
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
	if (rq_of(s, this_cpu)->sd[l].nr_balance_failed > sd_def[l].cache_nice_tries)
		return true;
	return world_now(s->w) - t->last_ran >= o->cache_hot[l];
}

/* pull_task: returns whether t preempts what this_cpu runs. */
static bool pull_task(struct sched *s, struct task *t, bool to_expired, int this_cpu)
{
	struct rq *rq = rq_of(s, this_cpu);
	detach(s, t);
	attach(s, t, this_cpu);
	list_add(to_expired ? expired(rq) : active(rq), t, false);
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
		int this_best = rq_best_prio(s, this_cpu);
		int best = rq_best_prio(s, busiest);
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

static void clear_cpu(struct cpuset *set, int c)
{
	set->w[c >> 6] &= ~(UINT64_C(1) << (c & 63));
}

static bool cpuset_any(const struct sched *s, const struct cpuset *set)
{
	for (int i = 0; i < s->ncpus; i++)
		if (cpuset_has(set, i))
			return true;
	return false;
}

static void all_cpus(const struct sched *s, struct cpuset *set)
{
	memset(set, 0, sizeof *set);
	for (int i = 0; i < s->ncpus; i++)
		cpuset_add(set, i);
}

/* load_balance (periodic) and load_balance_newidle (newly idle: no
** failure count, no active balancing, no interval tuning). */
static int load_balance(struct sched *s, int this_cpu, int l, enum idle_type idle, int *balance, bool *resched)
{
	const struct sd_def *d = &sd_def[l];
	struct sd_state *sd = &rq_of(s, this_cpu)->sd[l];
	struct cpuset cpus;
	int all_pinned = 0, active_balance = 0, nr_moved = 0;
	long imbalance;
	all_cpus(s, &cpus);
	for (;;) {
		int g = find_busiest_group(s, this_cpu, l, idle, &cpus, balance, &imbalance);
		if (g < 0)
			goto out_balanced;
		int b = find_busiest_queue(s, l, g, imbalance, &cpus);
		if (b < 0)
			goto out_balanced;
		struct rq *busiest = rq_of(s, b);
		nr_moved = 0;
		if (busiest->nr_running > 1) {
			nr_moved = move_tasks(s, this_cpu, b, busiest->nr_running - 1, imbalance, l,
					      idle == NEWLY_IDLE ? NULL : &all_pinned, resched);
			if (idle == NEWLY_IDLE ? !nr_moved : all_pinned) {
				clear_cpu(&cpus, b);
				if (cpuset_any(s, &cpus))
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
	if ((all_pinned && sd->balance_interval < MAX_PINNED_INTERVAL) || sd->balance_interval < d->max_interval)
		sd->balance_interval *= 2;
	return 0;
}

static int64_t msecs_to_jiffies(const struct o1 *o, int64_t ms)
{
	return (ms * o->hz + 999) / 1000;
}

/* idle_balance: a pCPU going idle pulls from the levels that allow it. */
static void idle_balance(struct sched *s, int cpu)
{
	struct rq *rq = rq_of(s, cpu);
	const struct o1 *o = s->priv;
	int64_t next = jiffies(s) + 60 * o->hz;
	bool resched = false;
	int pulled = 0;
	for (int l = 0; l < NLEVELS && !pulled; l++) {
		struct sd_state *sd = &rq->sd[l];
		if (!sd->on || !(sd_def[l].flags & SD_BALANCE_NEWIDLE))
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
static bool rebalance_domains(struct sched *s, int cpu)
{
	const struct o1 *o = s->priv;
	struct rq *rq = rq_of(s, cpu);
	enum idle_type idle = rq->nr_running ? NOT_IDLE : SCHED_IDLE;
	int64_t now = jiffies(s), next = now + 60 * o->hz;
	int balance = 1;
	bool resched = false;
	for (int l = 0; l < NLEVELS; l++) {
		struct sd_state *sd = &rq->sd[l];
		if (!sd->on)
			continue;
		int64_t ms = sd->balance_interval;
		if (idle != SCHED_IDLE)
			ms *= sd_def[l].busy_factor;
		int64_t interval = msecs_to_jiffies(o, ms);
		if (interval < 1)
			interval = 1;
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
static void active_load_balance(struct sched *s, int busiest)
{
	struct rq *rq = rq_of(s, busiest);
	int target = rq->push_cpu;
	rq->active_balance = 0;
	if (rq->nr_running < 1 || target == busiest)
		return;
	for (int l = 0; l < NLEVELS; l++) {
		if (!rq_of(s, target)->sd[l].on || !in_span(s, target, l, busiest))
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

/* ---------------------------------------------------------- the tick --- */

/* expired_starving: a better static priority waits in the expired
** array, or its first task has waited too long. */
static bool expired_starving(struct sched *s, struct rq *rq, const struct task *t)
{
	const struct o1 *o = s->priv;
	if (t->static_prio > rq->best_expired_prio)
		return true;
	if (!rq->expired_timestamp)
		return false;
	return jiffies(s) - rq->expired_timestamp > (int64_t)o->max_sleep_avg * rq->nr_running;
}

/* task_running_tick: returns whether the running task must reschedule
** (t->requeue says where it goes). */
static bool task_running_tick(struct sched *s, struct rq *rq, struct task *t)
{
	const struct o1 *o = s->priv;
	if (--t->time_slice <= 0) {
		t->prio = normal_prio(o, t);
		t->time_slice = task_timeslice(o, t->static_prio);
		if (!rq->expired_timestamp)
			rq->expired_timestamp = jiffies(s);
		if (!task_interactive(t) || expired_starving(s, rq, t)) {
			t->requeue = REQ_EXPIRED;
			if (t->static_prio < rq->best_expired_prio)
				rq->best_expired_prio = t->static_prio;
		} else {
			t->requeue = REQ_ACTIVE_TAIL;
		}
		return true;
	}
	int g = timeslice_granularity(s, t);
	if (task_interactive(t) && (task_timeslice(o, t->static_prio) - t->time_slice) % g == 0 &&
	    t->time_slice >= g) {
		t->requeue = REQ_ACTIVE_TAIL;
		return true;
	}
	return false;
}

/* Would schedule() pick the running task t again once requeued?  Then
** it keeps the pCPU (switching the arrays if it emptied the active one). */
static bool picks_again(struct rq *rq, const struct task *t)
{
	switch (t->requeue) {
	case REQ_HEAD:
		return best_listed(active(rq)) >= t->prio;
	case REQ_ACTIVE_TAIL:
		return best_listed(active(rq)) > t->prio;
	case REQ_EXPIRED:
		if (active(rq)->nr_active || best_listed(expired(rq)) <= t->prio)
			return false;
		switch_arrays(rq);
		return true;
	}
	return false;
}

static void tick(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct cpu *c = obj;
	struct sched *s = &w->sched;
	const struct o1 *o = s->priv;
	struct rq *rq = c->priv;
	int64_t now = world_now(w);
	bool resched = false;
	(void)arg;
	world_at(w, now + o->tick, tick, c, 0);
	struct task *t = c->curr ? task_of(c->curr) : NULL;
	if (t) {
		attach(s, t, c->id);   /* started by the framework, not picked */
		resched = task_running_tick(s, rq, t);
	}
	update_load(rq);
	if (jiffies(s) >= rq->next_balance)
		resched |= rebalance_domains(s, c->id);
	if (!resched)
		return;
	if (t && picks_again(rq, t)) {
		t->requeue = REQ_HEAD;
		charge_prev(o, t, now);
		return;
	}
	sched_resched(s, c);
}

/* --------------------------------------------------------- placement --- */

/* find_idlest_group / find_idlest_cpu on level l for fork balancing. */
static int find_idlest_cpu(struct sched *s, const struct entity *e, int this_cpu, int l)
{
	const struct sd_def *d = &sd_def[l];
	int imb = 100 + (d->imbalance_pct - 100) / 2, idlest = -1, ng = ngroups(s, this_cpu, l);
	long min_load = LONG_MAX, this_load = 0;
	for (int k = 0; k < ng; k++) {
		int g = group_k(s, this_cpu, l, k), allowed = 0;
		long load = 0;
		for (int i = 0; i < s->ncpus; i++) {
			if (gid(s, l, i) != g)
				continue;
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
	for (int i = 0; i < s->ncpus; i++) {
		if (gid(s, l, i) != idlest || !cpuset_has(&e->affinity, i))
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
		if (!rq_of(s, cpu)->sd[l].on || !(sd_def[l].flags & SD_BALANCE_FORK))
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
		if (!rq_of(s, cpu)->sd[l].on)
			continue;
		for (int i = 0; i < s->ncpus; i++)
			if (in_span(s, cpu, l, i) && sched_idle_for(s, i, e))
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
	int l = in_span(s, this_cpu, 0, cpu) && rq_of(s, this_cpu)->sd[0].on ? 0 : 1;
	if (!rq_of(s, this_cpu)->sd[l].on)
		return wake_idle(s, cpu, e);
	const struct sd_def *d = &sd_def[l];
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

static int o1_select_cpu(struct sched *s, struct entity *e, enum sched_why why)
{
	const struct task *t = task_of(e);
	if (t->cpu < 0)
		return fork_cpu(s, e);
	if (why == SCHED_WAKE)
		return wake_cpu(s, e);
	return t->cpu;
}

/* ---------------------------------------------------- policy hooks --- */

static void o1_attach(struct sched *s, struct entity *e)
{
	const struct o1 *o = s->priv;
	struct task *t = task_of(e);
	int nice = e->nice < -20 ? -20 : e->nice > 19 ? 19 : e->nice;
	t->e = e;
	t->cpu = -1;
	t->static_prio = NICE_0_PRIO + nice;
	t->prio = normal_prio(o, t);
	t->time_slice = task_timeslice(o, t->static_prio);
	t->load_weight = task_timeslice(o, t->static_prio) * LOAD_SCALE / o->def_ts;
	t->timestamp = t->last_ran = world_now(s->w);
}

/* activate_task: the sleep counts towards sleep_avg; a wake-up by a task
** (the framework's sched_waker_task) is a task's, any other (a device
** interrupt, a timer) an interrupt's. */
static void activate(struct sched *s, struct task *t, int cpu)
{
	const struct o1 *o = s->priv;
	int64_t now = world_now(s->w);
	if (t->cpu < 0) {
		t->prio = normal_prio(o, t);
	} else {
		t->prio = recalc_task_prio(o, t, now);
		if (t->sleep_type == SLEEP_NORMAL)
			t->sleep_type = sched_waker_task(s) ? SLEEP_INTERACTIVE : SLEEP_INTERRUPTED;
	}
	t->timestamp = now;
	attach(s, t, cpu);
	list_add(active(rq_of(s, cpu)), t, false);
}

static void o1_enqueue(struct sched *s, struct cpu *c, struct entity *e, enum sched_why why)
{
	struct task *t = task_of(e);
	struct rq *rq = c->priv;
	if (t->array)
		list_del(t);
	if (why == SCHED_WAKE) {
		activate(s, t, c->id);
		return;
	}
	attach(s, t, c->id);
	if (why == SCHED_YIELD || t->requeue == REQ_EXPIRED)
		list_add(expired(rq), t, false);
	else
		list_add(active(rq), t, t->requeue == REQ_HEAD);
	t->requeue = REQ_HEAD;
}

static void o1_dequeue(struct sched *s, struct entity *e)
{
	detach(s, task_of(e));
}

static bool o1_check_preempt(struct sched *s, struct cpu *c, struct entity *e)
{
	(void)s;
	return c->curr && task_of(e)->prio < task_of(c->curr)->prio;
}

static void o1_put_prev(struct sched *s, struct cpu *c, struct entity *e, int64_t ran)
{
	struct task *t = task_of(e);
	(void)c;
	(void)ran;
	charge_prev(s->priv, t, world_now(s->w));
	/* off the run queue until enqueue says it was preempted */
	detach(s, t);
}

/* schedule() once prev is settled: idle balancing, the array switch, the
** first task of the best list; a task woken by an interrupt (or, at 30%,
** by a task) is credited its run-queue wait as sleep. */
static struct entity *o1_pick_next(struct sched *s, struct cpu *c, int64_t *slice)
{
	const struct o1 *o = s->priv;
	struct rq *rq = c->priv;
	int64_t now = world_now(s->w);
	*slice = -1;
	if (rq->active_balance)
		active_load_balance(s, c->id);
	if (!active(rq)->nr_active && !expired(rq)->nr_active) {
		idle_balance(s, c->id);
		if (!active(rq)->nr_active && !expired(rq)->nr_active) {
			rq->expired_timestamp = 0;
			return NULL;
		}
	}
	if (!active(rq)->nr_active)
		switch_arrays(rq);
	struct prio_array *a = active(rq);
	struct task *t = a->head[best_listed(a) - MAX_RT_PRIO];
	list_del(t);
	if (t->sleep_type == SLEEP_INTERACTIVE || t->sleep_type == SLEEP_INTERRUPTED) {
		int64_t d = now - t->timestamp;
		if (d < 0)
			d = 0;
		if (t->sleep_type == SLEEP_INTERACTIVE)
			d = d * (ON_RUNQUEUE_WEIGHT * 128 / 100) / 128;
		t->prio = recalc_task_prio(o, t, t->timestamp + d);
	}
	t->sleep_type = SLEEP_NORMAL;
	t->timestamp = t->last_ran = now;
	return t->e;
}

/* ------------------------------------------------------------- setup --- */

static const struct sched_param_def o1_params[] = {
	{ "hz", SP_INT, "250", "scheduler ticks per second (CONFIG_HZ: 100, 250, 300 or 1000)" },
	{ "migration-cost", SP_TIME, "0.5ms",
	  "cache-hot time between the cores of a node (2.6.21 measured it at boot: migration_cost=)" },
	{ "migration-cost-node", SP_TIME, "0.5ms", "cache-hot time between nodes" },
	{ "wake-idle", SP_INT, "0", "1: a wake-up moves to an idle pCPU of the domain (SD_WAKE_IDLE)" },
	{ NULL, 0, NULL, NULL },
};

static const struct scn_loc *param_loc(const struct sched *s, const char *key)
{
	for (int i = 0; i < s->cfg->nparam; i++)
		if (strcmp(s->cfg->param[i].key, key) == 0)
			return &s->cfg->param[i].loc;
	return &s->cfg->loc;
}

static int o1_init(struct sched *s, struct diag *d)
{
	struct o1 *o = s->priv;
	double hz = sched_param_number(s, "hz"), wi = sched_param_number(s, "wake-idle");
	if (hz < 100 || hz > 1000) {
		const struct scn_loc *l = param_loc(s, "hz");
		diag_error(d, l->file, l->line, "<policy hz>: expected ticks per second from 100 to 1000, got %g", hz);
		return -1;
	}
	if (wi != 0 && wi != 1) {
		const struct scn_loc *l = param_loc(s, "wake-idle");
		diag_error(d, l->file, l->line, "<policy wake-idle>: expected 0 or 1, got %g", wi);
		return -1;
	}
	o->hz = (int)hz;
	o->wake_idle = (int)wi;
	o->tick = 1000000000 / o->hz;
	o->def_ts = 100 * o->hz / 1000;
	o->min_ts = 5 * o->hz / 1000 > 1 ? 5 * o->hz / 1000 : 1;
	o->gran = 10 * o->hz / 1000 ? 10 * o->hz / 1000 : 1;
	o->max_sleep_avg = o->def_ts * MAX_BONUS;
	o->ns_max_sleep_avg = (int64_t)o->max_sleep_avg * o->tick;
	o->cache_hot[0] = sched_param_time(s, "migration-cost");
	o->cache_hot[1] = sched_param_time(s, "migration-cost-node");
	for (int i = 0; i < s->ncpus; i++) {
		struct rq *rq = rq_of(s, i);
		rq->best_expired_prio = MAX_PRIO;
		for (int l = 0; l < NLEVELS; l++) {
			rq->sd[l].on = ngroups(s, i, l) > 1;
			rq->sd[l].balance_interval = 1;
		}
		world_at(s->w, world_now(s->w), tick, &s->cpu[i], 0);
	}
	return 0;
}

static void dump_array(FILE *f, struct prio_array *a, const char *name)
{
	fprintf(f, "  %s (%d):", name, a->nr_active);
	for (int p = 0; p < NPRIO; p++)
		for (struct task *t = a->head[p]; t; t = t->next)
			fprintf(f, " %s#%d/%d", t->e->name, t->e->idx, t->prio);
	fprintf(f, "\n");
}

static void o1_dump(struct sched *s, FILE *f)
{
	const struct o1 *o = s->priv;
	fprintf(f, "o1: HZ %d, slice %d ticks at nice 0, migration cost %.3f / %.3f ms\n", o->hz, o->def_ts,
		(double)o->cache_hot[0] / 1e6, (double)o->cache_hot[1] / 1e6);
	for (int i = 0; i < s->ncpus; i++) {
		struct rq *rq = rq_of(s, i);
		const struct entity *cur = s->cpu[i].curr;
		fprintf(f, "cpu%d: nr_running %d load %ld cpu_load %ld %ld %ld, curr %s#%d, array switches %llu, "
			   "pulled %llu, pushed %llu\n",
			i, rq->nr_running, rq->raw_weighted_load, rq->cpu_load[0], rq->cpu_load[1], rq->cpu_load[2],
			cur ? cur->name : "idle", cur ? cur->idx : 0, (unsigned long long)rq->nswitch_arrays,
			(unsigned long long)rq->nbalance_moved, (unsigned long long)rq->nactive_pushed);
		dump_array(f, active(rq), "active");
		dump_array(f, expired(rq), "expired");
		for (int l = 0; l < NLEVELS; l++)
			if (rq->sd[l].on)
				fprintf(f, "  %s domain: interval %d ms, failed %d\n", sd_def[l].name,
					rq->sd[l].balance_interval, rq->sd[l].nr_balance_failed);
	}
	for (int i = 0; i < s->w->nent; i++) {
		const struct task *t = task_of(s->w->ent[i]);
		fprintf(f, "task %s#%d: static %d prio %d bonus %d sleep_avg %.1f ms slice %d interactive %d cpu %d\n",
			t->e->name, t->e->idx, t->static_prio, t->prio, current_bonus(o, t) - MAX_BONUS / 2,
			(double)t->sleep_avg / 1e6, t->time_slice, task_interactive(t), t->cpu);
	}
}

const struct sched_ops sched_o1_ops = {
	.name = "o1",
	.source = "Linux 2.6.21 kernel/sched.c (O(1) scheduler, sched domains)",
	.summary = "active/expired priority arrays, interactivity bonus, NUMA domain balancing",
	.params = o1_params,
	.priv_size = sizeof(struct o1),
	.cpu_priv_size = sizeof(struct rq),
	.ent_priv_size = sizeof(struct task),
	.init = o1_init,
	.attach = o1_attach,
	.select_cpu = o1_select_cpu,
	.enqueue = o1_enqueue,
	.dequeue = o1_dequeue,
	.pick_next = o1_pick_next,
	.put_prev = o1_put_prev,
	.check_preempt = o1_check_preempt,
	.dump = o1_dump,
};
