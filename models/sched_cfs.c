/*
** Linux CFS, the host scheduler of KVM's VCPU threads: the completely fair
** scheduler of kernel/sched_fair.c, as in Linux 2.6.24 (tag v2.6.24) or
** 2.6.32 (2.6.32.2), chosen by the parameter `version` (24 or 32), for
** x86_64 with CONFIG_SCHED_MC and CONFIG_NUMA, no SMT, no group
** scheduling.  Its SMP load balancer, the scheduling domains of
** kernel/sched.c and the fork placement that uses them are in
** models/sched_cfs_balance.c; the state both share is models/sched_cfs.h.
**
** Fairness.  Each pCPU has a cfs_rq: its runnable entities ordered by
** virtual run time, the running one (curr) counted in nr_running and load
** but kept out of the tree.  Running d ns of wall time advances
**
**	vruntime += d * NICE_0_LOAD / w                    (calc_delta_fair)
**
** with w = sched_nice_weight(nice) (nice 0 = 1024, ~1.25x a step; the
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
** new entity's (2.6.32 ASYM_GRAN).  2.6.32's ADAPTIVE_GRAN (kernel/
** sched_fair.c adaptive_gran, wakeup_gran) first shortens it, while the
** queue has a running curr, to
**
**	g = min(max(2 avg_wakeup(new) nr_running - this_run(curr), 0), g)
**
** with this_run the time curr has run since it was picked and avg_wakeup
** the entity's run time between wake-ups it makes (kernel/sched.c
** try_to_wake_up, dequeue_task, update_avg): a task that wakes another
** folds in its run time since it last did so, or since its own wake-up,
** avg_wakeup += (sample - avg_wakeup) / 8; a sleep after none folds in
** wakeup_granularity, the value at fork.  Interrupts' wake-ups fold in
** nothing.  An entity moving between queues keeps its lag: vruntime +=
** dst min_vruntime - src min_vruntime (set_task_cpu).
**
** Wake-up pCPU (try_to_wake_up / select_task_rq_fair, models/
** sched_cfs_balance.c cfs_wake_cpu).  The waker is the framework's
** (models/sched.h): the pCPU whose entity's done() makes the wake-up, the
** interrupt pCPU for devices, the woken entity's own pCPU for its timers.
** 2.6.24 wakes on the waker's pCPU when the core level's wake-affine test
** passes (cache cold, no bad imbalance) or, across nodes, when the node
** level's passive balancing does, else on its last pCPU; wake_idle then
** prefers an idle core next to the choice.  2.6.32 takes the waker's
** pCPU, or an idle core of its node (SD_PREFER_SIBLING), when
** wake_affine passes, else the last pCPU.  No wake-up here is sync.  An
** entity's first wake is a fork, placed by sched_balance_self
** (models/sched_cfs_balance.c).
**
** Co-scheduling.  Strict co-scheduling (models/cosched.c) takes a READY
** entity off its queue (the dequeue hook, as dequeue_entity does) and
** has it picked on a pCPU of its choice (pick_given): it becomes that
** pCPU's curr, with its lag carried over from its old queue as
** set_task_cpu does.  An entity picked but held back by co-scheduling
** is handed back (put_prev, then enqueue) and returns to its queue as if
** preempted.
**
** Cost: the run queue is a treap keyed by (vruntime, insertion sequence),
** O(log n) expected per insert and remove, O(1) pick (cached leftmost);
** a busy pCPU takes HZ timer events per second, an idle one one per
** balance interval.
*/
#include "models/sched_cfs.h"

#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define GRAN_LIMIT	200000000	/* sched_init_granularity's cap, ns */

/* ------------------------------------------------------------ basics --- */

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

/* --------------------------------------------------- loads and clocks --- */

/* Fold the ticks up to now into cpu_load[] (update_cpu_load):
**	cpu_load[i] = (cpu_load[i] * (2^i - 1) + load) / 2^i
** rounded up while the load rises.  The load has been constant since the
** last fold (every change folds first), so missed ticks fold with it; the
** sequence reaches the load within a few hundred folds. */
void cfs_load_sync(const struct cfs *f, struct rq *rq, int64_t now)
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
void cfs_update_curr(const struct sched *s, struct rq *rq)
{
	if (!rq->curr)
		return;
	int64_t now = now_of(s), d = now - rq->exec_start;
	if (d <= 0)
		return;
	struct cfs_ent *ce = ce_of(rq->curr);
	ce->sum_exec += d;
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

/* 2.6.32 adaptive_gran (kernel/sched_fair.c): se, waking onto rq, may
** preempt rq's running curr sooner the less it runs between waking tasks:
**	expected = 2 avg_wakeup(se) nr_running(rq),
**	g = min(max(expected - this_run(curr), 0), wakeup_granularity)
** with this_run the time curr has run since it was picked. */
static int64_t adaptive_gran(const struct cfs *f, const struct rq *rq, const struct cfs_ent *curr,
			     const struct cfs_ent *se)
{
	int64_t this_run = curr->sum_exec - curr->prev_sum_exec;
	int64_t expected = 2 * se->avg_wakeup * rq->nr_running;
	return min64(this_run < expected ? expected - this_run : 0, f->wakeup_gran);
}

/* Wakeup granularity (wakeup_gran) for se against curr of rq, in the
** virtual time of curr (2.6.24) or of se (2.6.32 ASYM_GRAN); 2.6.32's
** ADAPTIVE_GRAN shortens it while rq has a running curr (not when a pick
** compares the last buddy with the leftmost: put_prev has cleared curr). */
static int64_t wakeup_gran(const struct cfs *f, const struct rq *rq, const struct cfs_ent *curr,
			   const struct cfs_ent *se)
{
	if (f->version == 24)
		return delta_fair(f->wakeup_gran, curr->weight);
	int64_t g = rq->curr ? adaptive_gran(f, rq, curr, se) : f->wakeup_gran;
	return delta_fair(g, se->weight);
}

/* 2.6.32 wakeup_preempt_entity: -1 se is not ahead, 0 within a granule, 1 beyond. */
static int wakeup_preempt_entity(const struct cfs *f, const struct rq *rq, const struct cfs_ent *curr,
				 const struct cfs_ent *se)
{
	int64_t vdiff = curr->vruntime - se->vruntime;
	if (vdiff <= 0)
		return -1;
	return vdiff > wakeup_gran(f, rq, curr, se) ? 1 : 0;
}

/* 2.6.32 update_avg (kernel/sched.c): avg += (sample - avg) / 8, the
** shift rounding down. */
static void update_avg(int64_t *avg, int64_t sample)
{
	int64_t diff = sample - *avg;
	*avg += diff >= 0 ? diff >> 3 : -((-diff + 7) >> 3);
}

/* check_preempt_wakeup: should se (just queued on rq) preempt its curr? */
static bool wakeup_preempts(const struct sched *s, struct rq *rq, struct cfs_ent *se)
{
	const struct cfs *f = s->priv;
	if (!rq->curr || rq->curr == se->e)
		return false;
	struct cfs_ent *curr = ce_of(rq->curr);
	cfs_update_curr(s, rq);
	if (f->version == 24)
		return se->vruntime + wakeup_gran(f, rq, curr, se) < curr->vruntime;
	if (wakeup_preempt_entity(f, rq, curr, se) != 1)
		return false;
	if (rq->nr_running >= f->nr_latency)
		rq->last = curr;
	return true;
}

/* ------------------------------------------------- enqueue, dequeue --- */

void cfs_account_enqueue(const struct sched *s, struct rq *rq, struct cfs_ent *ce)
{
	cfs_load_sync(s->priv, rq, now_of(s));
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
	cfs_load_sync(s->priv, rq, now_of(s));
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

void cfs_enqueue_entity(struct sched *s, struct rq *rq, struct cfs_ent *ce, int how)
{
	struct cfs *f = s->priv;
	cfs_update_curr(s, rq);
	if (how == ENQ_NEW) {
		if (f->version == 32 && rq->curr)   /* task_new_fair */
			ce->vruntime = ce_of(rq->curr)->vruntime;
		place_entity(f, rq, ce, true);
	} else if (how == ENQ_WAKE) {
		place_entity(f, rq, ce, false);
	}
	cfs_account_enqueue(s, rq, ce);
	cfs_tree_add(f, rq, ce);
}

void cfs_dequeue_entity(struct sched *s, struct rq *rq, struct cfs_ent *ce)
{
	const struct cfs *f = s->priv;
	cfs_update_curr(s, rq);
	if (ce->queued)
		cfs_tree_del(rq, ce);
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
	struct cfs_ent *ce = ce_of(e);
	const struct cfs *f = s->priv;
	/* 2.6.32 dequeue_task(sleep) (kernel/sched.c): a task that slept
	** without waking one since it woke counts a wakeup_granularity run
	** between wake-ups (avg_overlap, read only by sync wake-ups, is not
	** kept: see wake_affine in models/sched_cfs_balance.c) */
	if (f->version == 32) {
		if (ce->last_wakeup)
			ce->last_wakeup = 0;
		else
			update_avg(&ce->avg_wakeup, f->wakeup_gran);
	}
	cfs_dequeue_entity(s, rq, ce);
}

/* 2.6.32 try_to_wake_up (kernel/sched.c), once the woken task is queued:
** a task that wakes another, not an interrupt (!in_interrupt()), folds
** its run time since it last woke a task, or since its own wake-up, into
**	avg_wakeup += (sum_exec - (last_wakeup or start_runtime) - avg_wakeup) / 8
** and notes last_wakeup = sum_exec.  Its sum_exec is read up to now (the
** kernel's is as of the waker's last update_curr, up to a tick old). */
static void waker_ran(struct sched *s, const struct entity *woken)
{
	const struct cfs *f = s->priv;
	struct entity *k = sched_waker_task(s);
	if (f->version != 32 || !k || k == woken)
		return;
	struct cfs_ent *kc = ce_of(k);
	struct rq *krq = rq_of(s, s->waker);
	if (krq->curr == k)
		cfs_update_curr(s, krq);
	update_avg(&kc->avg_wakeup, kc->sum_exec - (kc->last_wakeup ? kc->last_wakeup : kc->start_runtime));
	kc->last_wakeup = kc->sum_exec;
}

/* 2.6.32 ttwu: a task arrives on rq; fold the idle time since
** idle_balance stamped it into the average that gates idle_balance:
**	avg_idle += (idle - avg_idle) / 8, or 2 migration_cost if idle is longer */
void cfs_idle_ends(const struct cfs *f, struct rq *rq, int64_t now)
{
	if (f->version != 32 || rq->idle_stamp < 0)
		return;
	int64_t delta = now - rq->idle_stamp, max = 2 * f->migration_cost;
	if (delta > max) {
		rq->avg_idle = max;
	} else {
		int64_t diff = delta - rq->avg_idle;
		rq->avg_idle += diff >= 0 ? diff >> 3 : -((-diff + 7) >> 3);
	}
	rq->idle_stamp = -1;
}

/* Move a queued entity between run queues (pull_task), keeping its lag:
** vruntime += dst min_vruntime - src min_vruntime. */
void cfs_move_entity(struct sched *s, struct rq *src, struct cfs_ent *ce, struct rq *dst)
{
	cfs_dequeue_entity(s, src, ce);
	ce->vruntime += dst->min_vruntime - src->min_vruntime;
	cfs_enqueue_entity(s, dst, ce, ENQ_PLAIN);
}

/* After an entity arrives on dst outside a wake-up: make dst pick again
** if it is idle or the arrival preempts (check_preempt_curr). */
void cfs_nudge(struct sched *s, struct rq *dst, struct cfs_ent *ce)
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

/* ------------------------------------------------------------ the tick --- */

static void timer_fn(void *ctx, void *obj, uint64_t arg);

/* Make c's timer fire no later than t. */
void cfs_timer_by(struct sched *s, struct cpu *c, int64_t t)
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

int64_t cfs_next_tick(const struct cfs *f, int64_t now)
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
	cfs_load_sync(f, rq, now);
	enum lb_idle idle = c->curr ? CPU_NOT_IDLE : CPU_IDLE;
	if (c->curr) {
		cfs_update_curr(s, rq);
		if (rq->nr_running > 1 && !rq->hrtick_armed)
			resched = slice_over(s, c, rq);
	}
	cfs_trigger_load_balance(s, c->id, idle);
	rq->in_timer = false;
	if (resched || rq->want_resched || (!c->curr && rq->leftmost)) {
		rq->want_resched = false;
		sched_resched(s, c);
	}
	/* NO_HZ: an idle pCPU sleeps until its next balance is due */
	if (c->curr)
		cfs_timer_by(s, c, cfs_next_tick(f, now));
	else
		cfs_timer_by(s, c, max64(cfs_next_tick(f, now), rq->next_balance * f->tick));
}

/* ------------------------------------------------------------- hooks --- */

static const struct sched_param_def cfs_params[] = {
	{ "version", SP_INT, "24", "Linux version followed: 24 (2.6.24) or 32 (2.6.32)", 0, 0 },
	{ "latency", SP_TIME0, "0ms", "sched_latency_ns; 0: the version's default x (1 + log2 pCPUs)",
	  SCHED_PERIOD_MIN_NS, SCHED_GRAN_MAX_NS },
	{ "min-granularity", SP_TIME0, "0ms", "sched_min_granularity_ns; 0: the version's default, scaled",
	  SCHED_PERIOD_MIN_NS, SCHED_GRAN_MAX_NS },
	{ "wakeup-granularity", SP_TIME0, "0ms", "sched_wakeup_granularity_ns; 0: the version's default, scaled", 0, 0 },
	{ "migration-cost", SP_TIME0, "0ms", "sched_migration_cost (cache-hot time); 0: 0.5ms", 0, 0 },
	{ "hz", SP_INT, "250", "timer tick frequency (CONFIG_HZ)", 0, 0 },
	{ "hrtick", SP_INT, "0", "1: end each slice exactly (HRTICK) instead of at the next tick", 0, 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

static int cfs_init(struct sched *s, struct diag *d)
{
	struct cfs *f = s->priv;
	double version = sched_param_number(s, "version");
	double hz = sched_param_number(s, "hz"), hrtick = sched_param_number(s, "hrtick");
	int bad = 0;
	if (version != 24 && version != 32) {
		const struct scn_loc *l = sched_param_loc(s, "version");
		diag_error(d, l->file, l->line,
			   "<policy version>: expected 24 (Linux 2.6.24) or 32 (Linux 2.6.32), got '%s'",
			   sched_param_text(s, "version"));
		bad = 1;
	}
	if (hz < 10 || hz > 10000) {
		const struct scn_loc *l = sched_param_loc(s, "hz");
		diag_error(d, l->file, l->line, "<policy hz>: expected a tick rate from 10 to 10000, got '%s'",
			   sched_param_text(s, "hz"));
		bad = 1;
	}
	if (hrtick != 0 && hrtick != 1) {
		const struct scn_loc *l = sched_param_loc(s, "hrtick");
		diag_error(d, l->file, l->line, "<policy hrtick>: expected 0 or 1, got '%s'",
			   sched_param_text(s, "hrtick"));
		bad = 1;
	}
	if (bad)
		return -1;
	f->version = (int)version;
	f->hz = (int)hz;
	f->hrtick = hrtick == 1;
	f->tick = 1000000000 / f->hz;

	/* sched_init_granularity: x (1 + ilog2(ncpus)), 200 ms cap */
	int64_t factor = 1 + sched_ilog2(s->ncpus);
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

	cfs_domains_init(s);
	for (int i = 0; i < s->ncpus; i++) {
		struct cpu *c = &s->cpu[i];
		struct rq *rq = c->priv;
		rq->cpu = i;
		rq->load_tick = -1;
		rq->idle_stamp = -1;
		rq->avg_idle = 2 * f->migration_cost;
		rq->push_cpu = -1;
		rq->timer = EVQ_NONE;
		cfs_timer_by(s, c, 0);
	}
	return 0;
}

static void cfs_attach(struct sched *s, struct entity *e)
{
	const struct cfs *f = s->priv;
	struct cfs_ent *ce = e->priv;
	int nice = e->nice < -20 ? -20 : e->nice > 19 ? 19 : e->nice;
	ce->e = e;
	ce->avg_wakeup = f->wakeup_gran;	/* __sched_fork */
	ce->weight = sched_nice_weight(nice);
	ce->rq = -1;
	ce->exec_start = INT64_MIN / 2;
}

static int cfs_select_cpu(struct sched *s, struct entity *e, enum sched_why why)
{
	struct cfs_ent *ce = ce_of(e);
	if (ce->rq < 0)
		return cfs_fork_balance(s, e);
	int prev = ce->rq;
	struct rq *rq = rq_of(s, prev);
	if (why != SCHED_WAKE) {
		/* preempted: back to its own queue, unless the migration
		** thread pushes it elsewhere */
		if (rq->push_cpu >= 0 && rq->put == e && cpuset_has(&e->affinity, rq->push_cpu))
			return rq->push_cpu;
		return prev;
	}
	/* a wake-up with no pCPU behind it is taken as from prev */
	return cfs_wake_cpu(s, e, prev, s->waker >= 0 ? s->waker : prev);
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
			/* preempted: still on this queue */
			cfs_tree_add(f, rq, ce);
			return;
		}
		/* pushed away by active balancing: an idle rq picks it in
		** place(), a busy one may be preempted */
		cfs_move_entity(s, old, ce, rq);
		if (!is_idle(s, rq->cpu))
			cfs_nudge(s, rq, ce);
		return;
	}
	if (old && ce->on_rq && !ce->queued) {
		/* held: picked, then handed back unstarted by co-scheduling
		** (put_prev); it never ran, so it returns to its queue as it
		** was, like a preempted entity */
		cfs_tree_add(f, old, ce);
		if (old != rq)
			cfs_move_entity(s, old, ce, rq);
		return;
	}
	if (old && ce->on_rq)	/* cannot happen: a waking entity is off every queue */
		cfs_dequeue_entity(s, old, ce);
	if (old && old != rq)	/* set_task_cpu */
		ce->vruntime += rq->min_vruntime - old->min_vruntime;
	cfs_idle_ends(f, rq, now);
	if (old)	/* enqueue_task(wakeup) */
		ce->start_runtime = ce->sum_exec;
	cfs_enqueue_entity(s, rq, ce, old ? ENQ_WAKE : ENQ_NEW);
	if (old)
		waker_ran(s, e);
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
		cfs_idle_balance(s, c->id);
		rq->in_pick = false;
	}
	struct cfs_ent *se = rq->leftmost;
	if (!se)
		return NULL;
	/* 2.6.32: prefer the last buddy if it is within a granule of the leftmost */
	if (f->version == 32 && rq->last && rq->last->queued && wakeup_preempt_entity(f, rq, rq->last, se) < 1)
		se = rq->last;
	if (rq->last == se)
		rq->last = NULL;
	cfs_tree_del(rq, se);
	rq->curr = se->e;
	rq->exec_start = now_of(s);
	se->prev_sum_exec = se->sum_exec;	/* set_next_entity */
	*slice = -1;
	if (f->hrtick && rq->nr_running > 1) {
		*slice = sched_slice(f, rq, se);
		rq->hrtick_armed = true;
	}
	cfs_timer_by(s, c, cfs_next_tick(f, now_of(s)));
	return se->e;
}

static void cfs_put_prev(struct sched *s, struct cpu *c, struct entity *e, int64_t ran)
{
	struct rq *rq = c->priv;
	(void)ran;
	if (c->curr != e) {
		/* a pick handed back unstarted (co-scheduling): it never ran;
		** held until enqueue puts it back */
		if (rq->curr == e)
			rq->curr = NULL;
		return;
	}
	cfs_update_curr(s, rq);
	ce_of(e)->exec_start = now_of(s);
	rq->curr = NULL;
	rq->put = e;
}

static void print_ns(FILE *out, int64_t ns)
{
	fprintf(out, "%.3fms", (double)ns / 1e6);
}

/* An entity's weight, and for 2.6.32 its avg_wakeup, ending the line. */
static void print_tail(FILE *out, const struct cfs *f, const struct cfs_ent *ce)
{
	fprintf(out, " weight %d", ce->weight);
	if (f->version == 32) {
		fprintf(out, " avg_wakeup ");
		print_ns(out, ce->avg_wakeup);
	}
	fputc('\n', out);
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
			print_tail(out, f, ce_of(rq->curr));
		}
		struct cfs_ent *v[64];
		int nq = cfs_tree_order(rq, NULL, v, 64);
		for (int k = 0; k < nq; k++) {
			fprintf(out, "  %s %s#%d vruntime ", k ? "     " : "queue", v[k]->e->name, v[k]->e->idx);
			print_ns(out, v[k]->vruntime);
			print_tail(out, f, v[k]);
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
	.attach = cfs_attach,
	.select_cpu = cfs_select_cpu,
	.enqueue = cfs_enqueue,
	.dequeue = cfs_dequeue,
	.pick_given = cfs_pick_given,
	.pick_next = cfs_pick_next,
	.put_prev = cfs_put_prev,
	.check_preempt = cfs_check_preempt,
	.dump = cfs_dump,
};
