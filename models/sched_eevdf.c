/*
** EEVDF: the fair class of Linux 6.6 (kernel/sched/fair.c and features.h
** at tag v6.6, the first release with Zijlstra's EEVDF; Stoica and
** Abdel-Wahab, "Earliest Eligible Virtual Deadline First", 1995), as the
** host scheduler of KVM or VirtualBox on a modern kernel.
**
** Per pCPU one run queue (a cfs_rq without group scheduling).  Entity i
** has weight w_i = sched_sched_nice_weight(nice) (nice 0 = NICE_0_LOAD
** = 1024, about x1.25 a step) and a virtual runtime advancing as
**     v_i += delta_exec * NICE_0_LOAD / w_i          (calc_delta_fair)
** The queue's zero-lag point is the load-weighted average
**     V = sum_j w_j v_j / sum_j w_j                   (avg_vruntime)
** over the queued entities and the running one; i is eligible when its
** lag V - v_i >= 0, i.e. v_i <= V (entity_eligible, in integers:
** sum_j w_j (v_j - v0) >= (v_i - v0) sum_j w_j).  Its request is the
** base slice r, and its virtual deadline
**     d_i = v_i + r * NICE_0_LOAD / w_i               (update_deadline)
** pick_eevdf() runs the eligible entity with the earliest deadline.
**
** Slices.  In 6.6 update_curr() -> update_deadline() gives a running
** entity a new request (d_i as above, from its v_i then) once v_i >= d_i,
** and reschedules if cfs_rq->nr_running > 1 (others queued).  The real
** time the running entity needs to reach its deadline is
**     t_d = ceil(((d_i - v_i) w_i - resid) / 1024)
** (the least t with v_i + (t 1024 + resid) / w_i >= d_i).  When that is
** noticed depends on who calls update_curr():
**   hrtick=0 (default; SCHED_FEAT(HRTICK, false) in 6.6 features.h): the
**     periodic tick, scheduler_tick() -> task_tick_fair() -> entity_tick()
**     -> update_curr(), every TICK_NSEC = (10^9 + HZ/2) / HZ ns (`hz`,
**     default 250: Debian's CONFIG_HZ_250=y, debian/config/config of the
**     kernel team's packaging).  A running entity's request ends at the
**     first tick T >= now + t_d, i.e. at
**         T = ceil((now + t_d) / TICK_NSEC) * TICK_NSEC
**     where it gets a new one; if others are queued then, resched_curr()
**     and schedule() run pick_eevdf(), which may keep it (still eligible,
**     earliest deadline: no switch, no dispatch) or preempt it; alone it
**     runs on.  Ticks are on one grid for every pCPU, at
**     multiples of TICK_NSEC from time 0: tick_setup_sched_timer()
**     (kernel/time/tick-sched.c) starts each CPU's tick on the jiffies
**     grid and offsets it only with the skew_tick=1 boot option (default
**     0); NO_HZ idle stops and restarts it on the same grid.  Two
**     equal hogs dispatched at a tick so run ceil(r / TICK_NSEC) ticks
**     each: 2.25 ms -> 4 ms at HZ=250, 3 ms at HZ=1000.  Only the ticks
**     that can act are simulated: one timer per busy pCPU at T above.
**     Between t_d and T, other update_curr() calls see the used-up
**     request too: a wake-up on that queue (enqueue_entity() calls it
**     before the wakee is counted, so it reschedules only if others were
**     queued already; otherwise the wakee preempts iff pick_eevdf() picks
**     it, as below), and load balancing taking from or adding to that
**     queue (detach_task/attach_task -> dequeue/enqueue_entity).
**   hrtick=1: the slice ends exactly at now + t_d (hrtick_start_fair()
**     arms an hrtimer for se->slice - ran, the same instant for a fresh
**     request; entity_tick(queued=1) reschedules).  This is the model as
**     it was before `hrtick` existed, byte for byte: the framework ends
**     the slice and asks again, and an entity picked again (alone, or
**     still the earliest eligible deadline) counts a dispatch where the
**     kernel would not switch.
** Base slice r = 0.75 ms x (1 + ilog2(min(ncpus, 8)))
** (sysctl_sched_base_slice, SCHED_TUNABLESCALING_LOG; 0.70 ms from 6.15,
** commit 2ae891b82695, which `base-slice` can give).
**
** RUN_TO_PARITY (6.6 default on).  set_next_entity() stashes the picked
** deadline; while the running entity is eligible and still has that
** deadline, pick_eevdf() keeps it.  So a wake-up preempts only a running
** entity that has become ineligible (and whose replacement is the wakee);
** with run-to-parity="0" a wakee that is eligible and has an earlier
** deadline preempts at once.  This is check_preempt_wakeup() of 6.6
** (renamed check_preempt_wakeup_fair in 6.7): update_curr, then preempt
** iff pick_eevdf() == the wakee.
**
** Placement (place_entity, PLACE_LAG).  On dequeue (sleep, migration) an
** entity keeps its lag vl_i = V - v_i, clamped to +-calc_delta_fair(
** max(2 r, TICK_NSEC)) (update_entity_lag).  On enqueue, since adding i
** moves V, the lag is inflated so that it holds after the insertion:
**     v_i = V - vl_i (W + w_i) / W,   W = load already queued (+ running)
** (no lag when the queue is empty), and d_i = v_i + r/w_i, with the
** request halved for a new entity (PLACE_DEADLINE_INITIAL, ENQUEUE_INITIAL
** at fork: the first enqueue here).  A preempted entity stays on its
** queue: its v_i and d_i are kept as they are.
**
** DELAY_DEQUEUE (Linux 6.12 on, commit 152e11f6df29, with DELAY_ZERO;
** delay-dequeue="1", default 0: 6.6).  A task that sleeps while not
** eligible (lag < 0) is not dequeued at once but stays on its queue,
** counted in V, until pick_next_entity() finds it eligible and dequeues
** it with its lag clipped to 0 (finish_delayed_dequeue_entity); woken
** before that, it is requeued with the lag it has then.  So a sleeper
** does not carry the negative lag of its last burst into a long sleep:
** it wakes eligible and may preempt at once.  Modelled at its wake-up:
** while it sat delayed V advanced by calc_delta_fair(t, W) over the time
** t the queue ran (taken as its whole sleep; W the queue's load,
** itself included, when it slept), so its lag is min(0, vl_i + t *
** NICE_0_LOAD / W) -- 0 once it would have been dequeued.  (It is not
** counted in V while delayed: the others' lags are as without it.)
**
** Balancing (simplified from the sched-domain load balancer).  Wake-up:
** the previous pCPU if idle, else the first idle pCPU of its node after
** it (select_idle_sibling over the LLC domain: x86 gives AMD parts
** without an L3, like the paper's K8, the socket as cpu_llc_id, and a
** socket is a node here), else the previous pCPU; first wake-up: the
** least loaded allowed pCPU (find_idlest_cpu).  A pCPU that goes idle
** pulls (newidle_balance), and a periodic timer balances: two levels,
** the pCPUs of a node, then the nodes of the machine; at each, the busiest
** group (load = sum of weights, per pCPU) gives the local pCPU queued
** entities of weight <= imbalance = min((avg_busiest - avg_domain) x
** n_busiest, (avg_domain - avg_local) x n_local) when avg_busiest >
** imbalance_pct (117%) x avg_local (calculate_imbalance, migrate_load),
** least recently run first, never a cache-hot one (ran within
** sysctl_sched_migration_cost = 0.5 ms, task_hot) nor a running one (no
** active balance).  With balance-failed="1" (default 0: without it, as
** this model first was), a pass that finds an imbalance but moves nothing is
** a failure of that pCPU's domain at that level (sd->nr_balance_failed
** in load_balance(); newly idle passes do not count, a pass that moves
** something or finds the domain balanced clears it), and failures relax
** the limits as detach_tasks() and can_migrate_task() do: an entity of
** weight w fits the imbalance when shr_bound(w, nr_balance_failed) <=
** imbalance (so with one failure, three equal hogs on two pCPUs, an
** imbalance of half a weight, rotate over the pCPUs instead of one of
** them keeping a pCPU to itself), and a cache-hot one may go once
** nr_balance_failed > cache_nice_tries = 1 (sd_init() for the LLC and
** NUMA levels).  Idle pCPUs balance a node every balance-interval and
** the machine every second one; busy pCPUs 16 times less often
** (busy_factor).  Left out: group scheduling and PELT (loads are
** instantaneous weights), group types and utilisation-based migration,
** NUMA imbalance allowances and NUMA balancing, wake_affine, nohz
** details, SIS_UTIL, NEXT_BUDDY, sched_yield (no guest here yields: the
** paper's K8 has no pause-loop exiting).
**
** sched.c takes the running entity off the pCPU before it re-queues it
** (put_prev, enqueue): a preempted entity handed back to the pCPU it
** left keeps v_i and d_i; RUN_TO_PARITY then applies to it as if it were
** still curr.  Entities strict co-scheduling sets aside (dequeue) are
** picked where it starts them (pick_given: placed with their lag if they
** come from another queue).
**
** Cost: every queue operation scans the pCPU's queue: O(n) in the
** entities queued there (a handful in the paper's scenarios), a pick
** O(n) too (no augmented tree); a balance pass is O(ncpus x n).
*/
#include "models/sched_eevdf.h"
#include "models/sched.h"
#include "models/world.h"

#include <stdlib.h>

static int nice_weight(int nice)
{
	if (nice < -20)
		nice = -20;
	if (nice > 19)
		nice = 19;
	return sched_nice_weight(nice);
}

/* delta * NICE_0_LOAD / w (calc_delta_fair) */
static int64_t vdelta(int64_t delta, int w)
{
	return delta * NICE_0_LOAD / w;
}

static int64_t vslice(const struct eev *p, const struct eev_ent *ep)
{
	return vdelta(p->base_slice, ep->weight);
}

/* v_i += delta_exec * 1024 / w_i, carrying the remainder */
static void advance(struct eev_ent *ep, int64_t delta)
{
	if (delta <= 0)
		return;
	int64_t num = delta * NICE_0_LOAD + ep->resid;
	ep->vruntime += num / ep->weight;
	ep->resid = num % ep->weight;
}

/* ------------------------------------------------------- queue state --- */

/* sum_j w_j (v_j - min_vruntime) and sum_j w_j over the queue and the
** running entity (cfs_rq->avg_vruntime, avg_load, plus curr), leaving
** out `skip` */
static void queue_sums_but(const struct cpu *c, const struct entity *skip, int64_t *avg, long *load)
{
	const struct eev_cpu *cp = CP(c);
	int64_t a = 0;
	long l = 0;
	for (const struct entity *e = cp->head; e; e = e->next) {
		a += (EP(e)->vruntime - cp->min_vruntime) * EP(e)->weight;
		l += EP(e)->weight;
	}
	if (c->curr && c->curr != skip) {
		a += (EP(c->curr)->vruntime - cp->min_vruntime) * EP(c->curr)->weight;
		l += EP(c->curr)->weight;
	}
	*avg = a;
	*load = l;
}

static void queue_sums(const struct sched *s, const struct cpu *c, int64_t *avg, long *load)
{
	(void)s;
	queue_sums_but(c, NULL, avg, load);
}

/* V: the load-weighted average vruntime, rounded down (avg_vruntime),
** leaving out `skip` */
static int64_t avg_vruntime_but(const struct cpu *c, const struct entity *skip)
{
	int64_t avg;
	long load;
	queue_sums_but(c, skip, &avg, &load);
	if (load) {
		if (avg < 0)
			avg -= load - 1;   /* floor for negative sums */
		avg /= load;
	}
	return CP(c)->min_vruntime + avg;
}

static int64_t avg_vruntime(const struct sched *s, const struct cpu *c)
{
	(void)s;
	return avg_vruntime_but(c, NULL);
}

/* v_i <= V without the division (entity_eligible), given the sums */
static int eligible_in(const struct cpu *c, int64_t avg, long load, const struct entity *e)
{
	return avg >= (EP(e)->vruntime - CP(c)->min_vruntime) * load;
}

static int eligible(const struct sched *s, const struct cpu *c, const struct entity *e)
{
	int64_t avg;
	long load;
	queue_sums(s, c, &avg, &load);
	return eligible_in(c, avg, load, e);
}

/* min_vruntime = max(min_vruntime, min(v_curr, v_leftmost)) */
void eev_update_min_vruntime(struct cpu *c)
{
	struct eev_cpu *cp = CP(c);
	int any = 0;
	int64_t v = 0;
	if (c->curr) {
		v = EP(c->curr)->vruntime;
		any = 1;
	}
	for (struct entity *e = cp->head; e; e = e->next)
		if (!any || EP(e)->vruntime < v) {
			v = EP(e)->vruntime;
			any = 1;
		}
	if (any && v > cp->min_vruntime)
		cp->min_vruntime = v;
}

void eev_place_entity(struct sched *s, struct cpu *c, struct entity *e, int initial);
struct entity *eev_pick_eevdf(struct sched *s, struct cpu *c, struct entity *curr);

/* ------------------------------------------------------------- ticks --- */

static void tick_event(void *ctx, void *obj, uint64_t arg);

/* t_d: real ns until v_i reaches d_i, 0 if it has (see the top). */
static int64_t time_to_deadline(const struct eev_ent *ep)
{
	int64_t need = (ep->deadline - ep->vruntime) * ep->weight - ep->resid;
	return need > 0 ? (need + NICE_0_LOAD - 1) / NICE_0_LOAD : 0;
}

/* hrtick=0: c's next acting tick is the first one at or after t,
** ceil(t / TICK_NSEC) * TICK_NSEC. */
static void tick_arm(struct sched *s, struct cpu *c, int64_t t)
{
	const struct eev *p = s->priv;
	struct eev_cpu *cp = CP(c);
	int64_t now = world_now(s->w);
	if (t < now)
		t = now;
	int64_t at = (t + p->tick_ns - 1) / p->tick_ns * p->tick_ns;
	evq_cancel(&s->w->q, cp->tick_ev);
	cp->tick_ev = world_at(s->w, at, tick_event, c, 0);
	if (cp->tick_ev == EVQ_NONE)
		world_fail(s->w);
}

static void tick_stop(struct sched *s, struct cpu *c)
{
	struct eev_cpu *cp = CP(c);
	evq_cancel(&s->w->q, cp->tick_ev);
	cp->tick_ev = EVQ_NONE;
}

/* Charge the running entity's time since the last update (update_curr). */
void eev_update_curr(struct sched *s, struct cpu *c)
{
	if (!c->curr)
		return;
	struct eev_cpu *cp = CP(c);
	int64_t ran = sched_ran(s, c);
	advance(EP(c->curr), ran - cp->curr_ran);
	cp->curr_ran = ran;
	eev_update_min_vruntime(c);
}

/* A new request once the current one is used up: 1 if it was. */
static int update_deadline(const struct eev *p, struct eev_ent *ep)
{
	if (ep->vruntime < ep->deadline)
		return 0;
	ep->deadline = ep->vruntime + vslice(p, ep);
	return 1;
}

/* update_curr() on c's queue from a queue operation that is not a
** wake-up (migration, co-scheduling's dequeue): a running entity whose
** request is used up gets a new one, and c reschedules if others are
** queued (update_deadline's nr_running > 1).  Only with hrtick=0: with
** hrtick=1 the slice ends as v_i reaches d_i. */
void eev_update_curr_request(struct sched *s, struct cpu *c)
{
	const struct eev *p = s->priv;
	eev_update_curr(s, c);
	if (p->hrtick || !c->curr || !update_deadline(p, EP(c->curr)))
		return;
	CP(c)->parity = NULL;
	if (CP(c)->nr > 0)
		sched_kick(s, c);
	else
		tick_arm(s, c, world_now(s->w) + time_to_deadline(EP(c->curr)));
}

/* hrtick=0: the tick of busy pCPU c (entity_tick: update_curr, then
** update_deadline's resched when the request is used up and others are
** queued); alone, the entity runs on with its new request.  An idle c
** stops ticking (NO_HZ) until its next pick. */
static void tick_event(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct cpu *c = obj;
	struct sched *s = &w->sched;
	const struct eev *p = s->priv;
	struct eev_cpu *cp = CP(c);
	(void)arg;
	cp->tick_ev = EVQ_NONE;
	if (!c->curr)
		return;
	eev_update_curr(s, c);
	struct eev_ent *ep = EP(c->curr);
	/* schedule() after resched_curr() may pick curr again (its new
	** deadline still the earliest eligible one): then nothing switches */
	if (update_deadline(p, ep)) {
		cp->parity = NULL;
		if (cp->nr > 0 && eev_pick_eevdf(s, c, c->curr) != c->curr) {
			cp->ntick_resched++;
			sched_resched(s, c);
			return;
		}
	}
	tick_arm(s, c, world_now(w) + time_to_deadline(ep));
}

/* vl_i = V - v_i clamped to +-calc_delta_fair(max(2 r, TICK_NSEC))
** (update_entity_lag); e must still count in V. */
void eev_update_entity_lag(struct sched *s, struct cpu *c, struct entity *e)
{
	const struct eev *p = s->priv;
	struct eev_ent *ep = EP(e);
	int64_t lim = 2 * p->base_slice > p->tick_ns ? 2 * p->base_slice : p->tick_ns;
	lim = vdelta(lim, ep->weight);
	int64_t lag = avg_vruntime(s, c) - ep->vruntime;
	ep->vlag = lag > lim ? lim : lag < -lim ? -lim : lag;
}

/* Give e (not counted in c's V) its vruntime and deadline on c. */
void eev_place_entity(struct sched *s, struct cpu *c, struct entity *e, int initial)
{
	const struct eev *p = s->priv;
	struct eev_ent *ep = EP(e);
	int64_t v = avg_vruntime_but(c, e);
	int64_t lag = 0;
	int nr = CP(c)->nr + (c->curr != NULL && c->curr != e);
	if (p->place_lag && nr) {
		int64_t a;
		long load;
		queue_sums_but(c, e, &a, &load);
		/* vl_i = (W + w_i) vl'_i / W keeps the lag after V moves */
		lag = ep->vlag * (load + ep->weight) / (load ? load : 1);
	}
	ep->vruntime = v - lag;
	ep->resid = 0;
	int64_t vs = vslice(p, ep);
	if (initial)
		vs /= 2;   /* PLACE_DEADLINE_INITIAL */
	ep->deadline = ep->vruntime + vs;
}

void eev_queue_add(struct cpu *c, struct entity *e)
{
	struct eev_cpu *cp = CP(c);
	struct eev_ent *ep = EP(e);
	/* append: equal deadlines are served in arrival order */
	e->next = NULL;
	struct entity **pp = &cp->head;
	while (*pp)
		pp = &(*pp)->next;
	*pp = e;
	cp->nr++;
	cp->load += ep->weight;
	ep->rq = c->id;
	ep->queued = 1;
}

void eev_queue_del(struct cpu *c, struct entity *e)
{
	struct eev_cpu *cp = CP(c);
	for (struct entity **pp = &cp->head; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	e->next = NULL;
	cp->nr--;
	cp->load -= EP(e)->weight;
	EP(e)->queued = 0;
}

/* The eligible entity with the earliest deadline among c's queue and
** curr (pick_eevdf); curr may be NULL.  Falls back to the leftmost
** (smallest vruntime) entity as the kernel does. */
struct entity *eev_pick_eevdf(struct sched *s, struct cpu *c, struct entity *curr)
{
	const struct eev *p = s->priv;
	struct eev_cpu *cp = CP(c);
	int64_t avg;
	long load;
	queue_sums(s, c, &avg, &load);
	if (curr && !eligible_in(c, avg, load, curr))
		curr = NULL;
	/* the protected entity: the running one, or the one just put back */
	struct entity *prot = cp->parity;
	if (p->run_to_parity && prot && EP(prot)->deadline == cp->parity_deadline &&
	    (prot == curr ||
	     (!curr && EP(prot)->queued && EP(prot)->rq == c->id && eligible_in(c, avg, load, prot))))
		return prot;
	struct entity *best = NULL, *left = NULL;
	for (struct entity *e = cp->head; e; e = e->next) {
		if (!left || EP(e)->vruntime < EP(left)->vruntime)
			left = e;
		if ((!best || EP(e)->deadline < EP(best)->deadline) && eligible_in(c, avg, load, e))
			best = e;
	}
	if (!best || (curr && EP(curr)->deadline < EP(best)->deadline))
		best = curr;
	return best ? best : left;
}

/* ----------------------------------------------------------- the ops --- */

static int eev_init(struct sched *s, struct diag *d)
{
	struct eev *p = s->priv;
	const struct scn_loc *loc = &s->cfg->loc;
	int n = s->ncpus < 8 ? s->ncpus : 8;
	p->base_slice = sched_param_time(s, "base-slice");
	if (p->base_slice == 0)
		p->base_slice = 750000 * (int64_t)(1 + sched_ilog2(n));
	static const char *const flags[] = { "run-to-parity", "place-lag", "delay-dequeue", "balance-failed" };
	int *dst[] = { &p->run_to_parity, &p->place_lag, &p->delay_dequeue, &p->balance_failed };
	for (int i = 0; i < 4; i++) {
		double x = sched_param_number(s, flags[i]);
		if (x != 0 && x != 1) {
			loc = sched_param_loc(s, flags[i]);
			diag_error(d, loc->file, loc->line, "<policy %s>: expected 0 or 1, got %s", flags[i],
				   sched_param_text(s, flags[i]));
			return -1;
		}
		*dst[i] = (int)x;
	}
	double hz = sched_param_number(s, "hz"), hrtick = sched_param_number(s, "hrtick");
	if (hz < 10 || hz > 10000) {
		loc = sched_param_loc(s, "hz");
		diag_error(d, loc->file, loc->line, "<policy hz>: expected a tick rate from 10 to 10000, got %s",
			   sched_param_text(s, "hz"));
		return -1;
	}
	if (hrtick != 0 && hrtick != 1) {
		loc = sched_param_loc(s, "hrtick");
		diag_error(d, loc->file, loc->line, "<policy hrtick>: expected 0 or 1, got %s",
			   sched_param_text(s, "hrtick"));
		return -1;
	}
	p->hz = (int)hz;
	p->hrtick = (int)hrtick;
	p->tick_ns = (1000000000 + p->hz / 2) / p->hz;
	p->balance_interval = sched_param_time(s, "balance-interval");
	for (int i = 0; i < s->ncpus; i++) {
		CP(&s->cpu[i])->parity = NULL;
		CP(&s->cpu[i])->tick_ev = EVQ_NONE;
	}
	if (world_at(s->w, world_now(s->w) + p->balance_interval, eev_balance_tick, NULL, 0) == EVQ_NONE) {
		diag_error(d, loc->file, loc->line, "out of memory");
		return -1;
	}
	return 0;
}

static void eev_attach(struct sched *s, struct entity *e)
{
	struct eev_ent *ep = EP(e);
	(void)s;
	ep->weight = nice_weight(e->nice);
	ep->rq = -1;
	ep->put_cpu = -1;
	ep->deq_cpu = -1;
	ep->fresh = 1;
	ep->last_ran = INT64_MIN / 2;
}

/* The allowed pCPU with the least load, idle ones first (find_idlest_cpu). */
static int idlest_cpu(struct sched *s, const struct entity *e)
{
	int best = -1;
	for (int i = 0; i < s->ncpus; i++) {
		if (!cpuset_has(&e->affinity, i))
			continue;
		if (best < 0 || (!s->cpu[i].curr && s->cpu[best].curr) ||
		    (!s->cpu[i].curr == !s->cpu[best].curr && eev_cpu_load(&s->cpu[i]) < eev_cpu_load(&s->cpu[best])))
			best = i;
	}
	return best;
}

static int eev_select_cpu(struct sched *s, struct entity *e, enum sched_why why)
{
	struct eev_ent *ep = EP(e);
	if (why != SCHED_WAKE && ep->put_cpu >= 0 && cpuset_has(&e->affinity, ep->put_cpu))
		return ep->put_cpu;   /* a preempted entity stays on its queue */
	int prev = e->cpu;
	if (prev < 0 || !cpuset_has(&e->affinity, prev))
		return idlest_cpu(s, e);
	if (!s->cpu[prev].curr)
		return prev;
	/* select_idle_cpu(): scan the LLC domain (prev's node) from prev + 1 */
	struct sd_span llc = sd_span(&s->topo, prev, SD_CORE);
	for (int k = 1, pos = s->topo.cpu_pos[prev]; k < llc.n; k++) {
		int i = llc.cpu[(pos + k) % llc.n];
		if (sched_idle_for(s, i, e))
			return i;
	}
	return prev;
}

static void eev_enqueue(struct sched *s, struct cpu *c, struct entity *e, enum sched_why why)
{
	const struct eev *p = s->priv;
	struct eev_ent *ep = EP(e);
	eev_update_curr(s, c);
	if (why != SCHED_WAKE && ep->put_cpu == c->id) {
		/* it never left the queue in the kernel: keep v_i and d_i */
	} else {
		if (why == SCHED_WAKE && p->delay_dequeue && ep->vlag < 0 && ep->stop_load > 0) {
			/* it sat delayed while V came to it (see the top) */
			int64_t back = (world_now(s->w) - ep->last_ran) * NICE_0_LOAD / ep->stop_load;
			ep->vlag = ep->vlag + back >= 0 ? 0 : ep->vlag + back;
		}
		eev_place_entity(s, c, e, ep->fresh);
	}
	ep->fresh = 0;
	ep->put_cpu = -1;
	ep->deq_cpu = -1;
	eev_queue_add(c, e);
	eev_update_min_vruntime(c);
}

static struct entity *eev_pick(struct sched *s, struct cpu *c, int64_t *slice)
{
	const struct eev *p = s->priv;
	struct eev_cpu *cp = CP(c);
	if (!cp->head && !eev_balance(s, c->id, SD_CORE, 1) && s->w->mach.nnodes > 1)
		eev_balance(s, c->id, SD_NODE, 1);   /* newidle_balance() */
	if (!cp->head)
		return NULL;
	struct entity *e = eev_pick_eevdf(s, c, NULL);
	struct eev_ent *ep = EP(e);
	eev_queue_del(c, e);
	ep->rq = c->id;
	ep->put_cpu = c->id;   /* co-scheduling may hand it back unstarted */
	cp->acct_e = e;
	cp->curr_ran = 0;
	cp->parity = e;
	cp->parity_deadline = ep->deadline;
	/* t_d: real time until v_i reaches d_i */
	int64_t td = time_to_deadline(ep);
	if (p->hrtick) {
		*slice = td > 0 ? td : 1;
	} else {
		*slice = -1;   /* the tick decides */
		tick_arm(s, c, world_now(s->w) + td);
	}
	return e;
}

static void eev_put_prev(struct sched *s, struct cpu *c, struct entity *e, int64_t ran)
{
	const struct eev *p = s->priv;
	struct eev_cpu *cp = CP(c);
	struct eev_ent *ep = EP(e);
	if (c->curr != e)
		return;   /* a pick handed back unstarted (co-scheduling): it keeps
			     v_i and d_i (put_cpu), and enqueue puts it back */
	advance(ep, ran - cp->curr_ran);
	cp->curr_ran = ran;
	update_deadline(p, ep);
	eev_update_min_vruntime(c);
	/* the lag it keeps if it is dequeued now (dequeue_entity) */
	eev_update_entity_lag(s, c, e);
	ep->put_cpu = c->id;
	ep->rq = -1;
	ep->last_ran = world_now(s->w);
	ep->stop_load = cp->load + ep->weight;
	cp->acct_e = NULL;
	tick_stop(s, c);   /* the next pick arms it again */
}

/* Take queued e off its queue, keeping its lag (dequeue_entity), for
** strict co-scheduling to have it picked elsewhere (pick_given). */
static void eev_dequeue(struct sched *s, struct entity *e)
{
	struct eev_ent *ep = EP(e);
	if (!ep->queued)
		return;
	struct cpu *c = &s->cpu[ep->rq];
	eev_update_curr_request(s, c);
	eev_update_entity_lag(s, c, e);
	eev_queue_del(c, e);
	eev_update_min_vruntime(c);
	ep->rq = -1;
	ep->put_cpu = -1;
	ep->deq_cpu = c->id;
}

/* Strict co-scheduling's pick of e, set aside by eev_dequeue, on idle c:
** e becomes c's current entity, placed on c's queue with the lag it left
** its own with (unless it left c's own queue: then it keeps v_i and
** d_i, as a preempted entity put back does), its request's end armed as
** pick_next arms it; the gang's slice, if any, ends it by itself. */
static void eev_pick_given(struct sched *s, struct cpu *c, struct entity *e, int64_t slice)
{
	const struct eev *p = s->priv;
	struct eev_cpu *cp = CP(c);
	struct eev_ent *ep = EP(e);
	(void)slice;
	if (ep->deq_cpu != c->id)
		eev_place_entity(s, c, e, 0);
	ep->deq_cpu = -1;
	ep->rq = c->id;
	ep->put_cpu = -1;
	cp->acct_e = e;
	cp->curr_ran = 0;
	cp->parity = e;
	cp->parity_deadline = ep->deadline;
	if (!p->hrtick)
		tick_arm(s, c, world_now(s->w) + time_to_deadline(ep));
}

static bool eev_check_preempt(struct sched *s, struct cpu *c, struct entity *e)
{
	const struct eev *p = s->priv;
	struct entity *curr = c->curr;
	eev_update_curr(s, c);
	/* enqueue_entity() -> update_curr() -> update_deadline(), before the
	** wakee is counted: a used-up request gets a new one and reschedules
	** if others were queued already (nr_running > 1); then
	** check_preempt_wakeup(): preempt iff pick_eevdf() is the wakee.
	** (hrtick=1 keeps the model's earlier rule, any used-up request
	** reschedules: there a running request is only seen used up under
	** co-scheduling, whose gang slices can outlast it.) */
	if (update_deadline(p, EP(curr))) {
		CP(c)->parity = NULL;
		if (CP(c)->nr > 1 || p->hrtick)
			return true;
		tick_arm(s, c, world_now(s->w) + time_to_deadline(EP(curr)));
	}
	return eev_pick_eevdf(s, c, curr) == e;
}

static void eev_dump(struct sched *s, FILE *f)
{
	const struct eev *p = s->priv;
	fprintf(f, "eevdf: base slice %lld ns, run-to-parity %d, place-lag %d, eev_balance every %lld ns, HZ %d%s%s%s\n",
		(long long)p->base_slice, p->run_to_parity, p->place_lag, (long long)p->balance_interval, p->hz,
		p->hrtick ? ", hrtick" : "", p->delay_dequeue ? ", delay-dequeue" : "",
		p->balance_failed ? ", eev_balance-failed" : "");
	for (int i = 0; i < s->ncpus; i++) {
		struct cpu *c = &s->cpu[i];
		struct eev_cpu *cp = CP(c);
		eev_update_curr(s, c);
		int64_t V = avg_vruntime(s, c);
		fprintf(f, "  cpu%d: nr %d load %ld min_vruntime %lld V %lld pulled %llu tick-preempted %llu", i,
			cp->nr + (c->curr != NULL), eev_cpu_load(c), (long long)cp->min_vruntime, (long long)V,
			(unsigned long long)cp->npull, (unsigned long long)cp->ntick_resched);
		if (c->curr)
			fprintf(f, "\n    curr %s#%d w %d lag %lld deadline %+lld", c->curr->name, c->curr->idx,
				EP(c->curr)->weight, (long long)(V - EP(c->curr)->vruntime),
				(long long)(EP(c->curr)->deadline - V));
		for (struct entity *e = cp->head; e; e = e->next)
			fprintf(f, "\n    %s#%d w %d lag %lld deadline %+lld%s", e->name, e->idx, EP(e)->weight,
				(long long)(V - EP(e)->vruntime), (long long)(EP(e)->deadline - V),
				eligible(s, c, e) ? " eligible" : "");
		fprintf(f, "\n");
	}
}

static const struct sched_param_def eev_params[] = {
	{ "base-slice", SP_TIME0, "0ns",
	  "request r of every entity (sysctl_sched_base_slice); default 0.75ms x (1 + ilog2(min(ncpus, 8)))",
	  SCHED_PERIOD_MIN_NS, INT64_C(4294967295) },
	{ "run-to-parity", SP_INT, "1", "1: a picked entity keeps its pCPU while eligible until its request ends", 0, 0 },
	{ "place-lag", SP_INT, "1", "1: a waking entity keeps the lag it had when it slept (PLACE_LAG)", 0, 0 },
	{ "balance-interval", SP_TIME, "4ms", "period of the load balancer (one tick at HZ=250)",
	  SCHED_PERIOD_MIN_NS, 0 },
	{ "hz", SP_INT, "250", "timer tick frequency (CONFIG_HZ; Debian's kernels: 250)", 0, 0 },
	{ "delay-dequeue", SP_INT, "0",
	  "1: a task sleeping ineligible wakes with its lag recovered to 0 (DELAY_DEQUEUE, DELAY_ZERO: Linux 6.12+)",
	  0, 0 },
	{ "balance-failed", SP_INT, "0",
	  "1: failed eev_balance passes relax the limits (nr_balance_failed: eev_shr_bound, cache_nice_tries)", 0, 0 },
	{ "hrtick", SP_INT, "0", "1: end each request exactly (HRTICK) instead of at the next tick", 0, 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct sched_ops sched_eevdf_ops = {
	.name = "eevdf",
	.source = "Linux 6.6 kernel/sched/fair.c (EEVDF: eev_pick_eevdf, eev_place_entity, update_deadline, entity_tick)",
	.summary = "per-pCPU queues, earliest eligible virtual deadline first, lag-preserving wake-ups",
	.params = eev_params,
	.priv_size = sizeof(struct eev),
	.cpu_priv_size = sizeof(struct eev_cpu),
	.ent_priv_size = sizeof(struct eev_ent),
	.init = eev_init,
	.attach = eev_attach,
	.select_cpu = eev_select_cpu,
	.enqueue = eev_enqueue,
	.dequeue = eev_dequeue,
	.pick_given = eev_pick_given,
	.pick_next = eev_pick,
	.put_prev = eev_put_prev,
	.check_preempt = eev_check_preempt,
	.dump = eev_dump,
};
