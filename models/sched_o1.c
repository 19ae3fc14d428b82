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
#include "models/sched_o1.h"
#include "models/sched.h"
#include "models/world.h"
#include <limits.h>
#include <string.h>

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

void o1_list_add(struct prio_array *a, struct task *t, bool head)
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

static void switch_arrays(struct rq *rq)
{
	rq->active = !rq->active;
	rq->expired_timestamp = 0;
	rq->best_expired_prio = MAX_PRIO;
	rq->nswitch_arrays++;
}

/* inc_nr_running: t counts in cpu's run queue (queued or running). */
void o1_rq_attach(struct sched *s, struct task *t, int cpu)
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

void o1_rq_detach(struct sched *s, struct task *t)
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

int o1_rq_best_prio(const struct sched *s, int cpu)
{
	const struct rq *rq = s->cpu[cpu].priv;
	int p = curr_prio(s, cpu);
	return p < rq->best_expired_prio ? p : rq->best_expired_prio;
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
		o1_rq_attach(s, t, c->id);   /* started by the framework, not picked */
		resched = task_running_tick(s, rq, t);
	}
	o1_update_load(rq);
	if (jiffies(s) >= rq->next_balance)
		resched |= o1_rebalance_domains(s, c->id);
	if (!resched)
		return;
	if (t && picks_again(rq, t)) {
		t->requeue = REQ_HEAD;
		charge_prev(o, t, now);
		return;
	}
	sched_resched(s, c);
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
	o1_rq_attach(s, t, cpu);
	o1_list_add(active(rq_of(s, cpu)), t, false);
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
	o1_rq_attach(s, t, c->id);
	if (t->requeue == REQ_EXPIRED)
		o1_list_add(expired(rq), t, false);
	else
		o1_list_add(active(rq), t, t->requeue == REQ_HEAD);
	t->requeue = REQ_HEAD;
}

static void o1_dequeue(struct sched *s, struct entity *e)
{
	o1_rq_detach(s, task_of(e));
}

static bool o1_check_preempt(struct sched *s, struct cpu *c, struct entity *e)
{
	(void)s;
	return c->curr && task_of(e)->prio < task_of(c->curr)->prio;
}

static void o1_put_prev(struct sched *s, struct cpu *c, struct entity *e, int64_t ran)
{
	struct task *t = task_of(e);
	(void)ran;
	if (c->curr != e)
		return;   /* a pick handed back unstarted (co-scheduling): the
			     enqueue that follows puts it back */
	charge_prev(s->priv, t, world_now(s->w));
	/* off the run queue until enqueue says it was preempted */
	o1_rq_detach(s, t);
}

/* schedule()'s switch to t: a task woken by an interrupt (or, at 30%,
** by a task) is credited its run-queue wait as sleep; its run starts. */
static void picked(const struct o1 *o, struct task *t, int64_t now)
{
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
		o1_active_load_balance(s, c->id);
	if (!active(rq)->nr_active && !expired(rq)->nr_active) {
		o1_idle_balance(s, c->id);
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
	picked(o, t, now);
	return t->e;
}

/* Strict co-scheduling's pick of e, set aside by o1_dequeue, on idle c:
** counted on c's run queue while it runs, as a picked task is, and
** picked as schedule() picks (its sleep credit, its timestamp: the run
** put_prev charges starts now). */
static void o1_pick_given(struct sched *s, struct cpu *c, struct entity *e, int64_t slice)
{
	struct task *t = task_of(e);
	(void)slice;
	o1_rq_attach(s, t, c->id);
	picked(s->priv, t, world_now(s->w));
}

/* ------------------------------------------------------------- setup --- */

static const struct sched_param_def o1_params[] = {
	{ "hz", SP_INT, "250", "scheduler ticks per second (CONFIG_HZ: 100, 250, 300 or 1000)", 0, 0 },
	{ "migration-cost", SP_TIME, "0.5ms",
	  "cache-hot time between the cores of a node (2.6.21 measured it at boot: migration_cost=)", 0, 0 },
	{ "migration-cost-node", SP_TIME, "0.5ms", "cache-hot time between nodes", 0, 0 },
	{ "wake-idle", SP_INT, "0", "1: a wake-up moves to an idle pCPU of the domain (SD_WAKE_IDLE)", 0, 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

static int o1_init(struct sched *s, struct diag *d)
{
	struct o1 *o = s->priv;
	double hz = sched_param_number(s, "hz"), wi = sched_param_number(s, "wake-idle");
	if (hz < 100 || hz > 1000) {
		const struct scn_loc *l = sched_param_loc(s, "hz");
		diag_error(d, l->file, l->line, "<policy hz>: expected ticks per second from 100 to 1000, got %s",
			   sched_param_text(s, "hz"));
		return -1;
	}
	if (wi != 0 && wi != 1) {
		const struct scn_loc *l = sched_param_loc(s, "wake-idle");
		diag_error(d, l->file, l->line, "<policy wake-idle>: expected 0 or 1, got %s",
			   sched_param_text(s, "wake-idle"));
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
		for (int l = 0; l < NLEVELS; l++)
			rq->sd[l] = (struct sd){ sd_level_on(&s->topo, i, l) ? &o1_sd_def[l] : NULL, l, 0, 1, 0 };
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
			if (rq->sd[l].def)
				fprintf(f, "  %s domain: interval %d ms, failed %d\n", o1_sd_def[l].name,
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
	.pick_given = o1_pick_given,
	.pick_next = o1_pick_next,
	.put_prev = o1_put_prev,
	.check_preempt = o1_check_preempt,
	.dump = o1_dump,
};
