/*
** Xen's credit scheduler, following Xen 3.3.0 xen/common/sched_credit.c
** (tag 3.3.0-rc7, commit 9dd93b24; the file is unchanged in
** 3.3.0-branched), the scheduler of the paper's Xen.  The optional exact
** debit is Xen 4.0's (commit 78c9b2a6 "Accurate accounting for credit
** scheduler", burn_credits() as in 4.0.0).  Function names below give the
** Xen function each one models.
**
** Priorities: BOOST (0) > UNDER (-1) > OVER (-2) > IDLE (-64).  Each pCPU
** has one run queue ordered by priority, FIFO within a priority
** (__runq_insert); an empty queue, like an idle pCPU, stands for IDLE.
**
** Credits.  A ticker per pCPU fires every tick (10 ms; the first at boot
** + tick, as csched_start_tickers()).  csched_tick() debits the VCPU it
** finds running a whole tick's credits (100), sampled, and takes its
** BOOST away (csched_vcpu_acct); a VCPU so charged joins its domain's
** active list.  Every ticks-per-acct ticks (30 ms) the master pCPU (0)
** runs csched_acct(), which hands out C = 300 x ncpus credits among the
** active domains (plus the system's debt when the last balance was
** negative):
**     fair(d) = ceil(C x weight(d) / W)        W = weights of active domains
**     peak(d) = 300 x active VCPUs(d) [+ ceil(-balance x weight(d) / W)]
**     cap:  peak(d) = min(peak(d), ceil(cap(d) x 300 / 100))
** A domain that cannot use its fair share gets peak(d), and what it
** leaves raises C for the domains after it, by ceil((fair - peak) x W /
** weight_left); such domains move to the head of the active list, so
** that others come first next time.  Each active VCPU of d gets
** ceil(fair(d) / active VCPUs(d)); then credit < 0 -> OVER, floored at
** -300 (credits per slice); credit >= 0 -> UNDER, and above +300 the
** VCPU leaves the active list with its credit reset to 0 (it stops
** earning until a tick finds it running again).  Run queues are re-sorted
** (UNDER before OVER, csched_runq_sort) at each pCPU's next tick.
**
** Caps are enforced by parking, which 3.3.0 has: a VCPU of a capped
** domain whose credit falls below -ceil(cap credits / active VCPUs) is
** paused (CSCHED_FLAG_VCPU_PARKED, vcpu_pause_nosync) even if its pCPU
** would otherwise idle, and unpaused when an accounting finds its credit
** >= 0; it is then not boosted.  Here a parked runnable entity is held off
** every run queue (the framework sees it READY, waiting).
**
** Wake-up (csched_vcpu_wake): an UNDER, unparked VCPU is boosted; it joins
** the queue of the pCPU it last ran on; __runq_tickle preempts that pCPU
** if the waker's priority is strictly higher than the running VCPU's,
** and, if that pCPU is busy, kicks the idle pCPUs the waker may run on so
** that they steal it.  Scheduling (csched_schedule): the head of the local
** queue, unless it is OVER or IDLE; then csched_load_balance looks at the
** busy peers in cyclic order from the next pCPU and steals the first
** queued VCPU of strictly higher priority allowed here.  Every decision
** gives a 30 ms slice, an idle pCPU's too (3.3.0; 4.0 gave idle none),
** so an idle pCPU looks for work to steal every 30 ms.  At each tick a
** running active VCPU is sent where csched_cpu_pick() prefers (an idle
** pCPU whose socket has more idle pCPUs), and re-woken there, boosted
** again if UNDER (_VPF_migrating, vcpu_migrate).  No NUMA awareness.
**
** Placement at creation (not in sched_credit.c but the paper's Xen did
** it): VCPU 0 of a domain goes to the pCPU with the fewest VCPUs, ties to
** the highest (default_vcpu0_location, common/domctl.c), VCPU i to
** VCPU i-1's + 1 (XEN_DOMCTL_max_vcpus), Dom0's VCPU i to pCPU i
** (construct_dom0); pinning then moves a VCPU where csched_cpu_pick says.
** Sockets are NUMA nodes (Opteron); no SMT siblings.
**
** Exact accounting (exact-accounting=1, Xen 4.0): the running VCPU is
** debited at each tick and when it leaves its pCPU by the time it ran,
**     credits = round(ns x credits-per-tick / tick),
** the rounding remainder carried on.  As in 4.0, only the tick puts a
** VCPU on the active list (csched_vcpu_acct): a VCPU that no tick ever
** finds running is debited but never re-prioritised, so it stays UNDER
** and boosted.  (The exploit of credit-yield.xml is caught anyway: its
** VCPU first runs at a tick, behind the hog's first slice, and its credit
** then never climbs back above +300.)
**
** Cost: a wake-up and a pick are O(queue length + pCPUs); csched_acct is
** O(active VCPUs); a tick O(queue length) when it sorts.
*/
#include "models/sched_credit.h"
#include "models/sched.h"
#include "models/vm.h"
#include "models/world.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Priority of what c runs: the idle VCPU counts as IDLE. */
static int cur_pri(const struct cpu *c)
{
	return c->curr ? svc_of(c->curr)->pri : PRI_IDLE;
}

/* ------------------------------------------------------- cpu masks --- */

/* __cycle_cpu: the first pCPU of m after cpu, wrapping around; -1 if none. */
static int cycle_cpu(const struct sched *s, int cpu, const struct cpuset *m)
{
	for (int i = cpu + 1; i < s->ncpus; i++)
		if (cpuset_has(m, i))
			return i;
	for (int i = 0; i <= cpu && i < s->ncpus; i++)
		if (cpuset_has(m, i))
			return i;
	return -1;
}

/* Idle pCPUs of m in cpu's socket (cpu_core_map: a NUMA node here). */
static int socket_idlers(const struct sched *s, const struct cpuset *m, int cpu)
{
	int n = 0;
	struct sd_span sock = sd_span(&s->topo, cpu, SD_CORE);
	for (int j = 0; j < sock.n; j++)
		n += cpuset_has(m, sock.cpu[j]);
	return n;
}

/* ----------------------------------------------------------- runqs --- */

bool csched_on_runq(const struct cvcpu *svc)
{
	return !link_empty(&svc->runq_elem);
}

/* __runq_insert: after every VCPU of equal or higher priority. */
void csched_runq_insert(struct cpcpu *spc, struct cvcpu *svc)
{
	struct link *iter;
	assert(!csched_on_runq(svc));
	for (iter = spc->runq.next; iter != &spc->runq; iter = iter->next)
		if (svc->pri > runq_elem(iter)->pri)
			break;
	link_add_tail(&svc->runq_elem, iter);
}

void csched_runq_remove(struct cvcpu *svc)
{
	link_del_init(&svc->runq_elem);
}

/* Track vc->processor and how many entities each pCPU holds (for
** default_vcpu0_location). */
void csched_set_processor(struct sched *s, struct cvcpu *svc, int cpu)
{
	if (svc->processor >= 0)
		spc_of(&s->cpu[svc->processor])->nproc--;
	svc->processor = cpu;
	spc_of(&s->cpu[cpu])->nproc++;
}

/* csched_cpu_pick: from the VCPU's processor (or the next allowed pCPU),
** move to another idle allowed pCPU only when its socket has strictly
** more idle pCPUs, counting the start as idle; within a socket (no SMT
** siblings) never. */
int csched_cpu_pick(const struct sched *s, const struct entity *e, const struct cvcpu *svc)
{
	struct cpuset cpus = e->affinity;
	for (int i = s->ncpus; i < CPUSET_MAX; i++)
		cpuset_del(&cpus, i);
	int cpu = svc->processor;
	if (cpu < 0 || !cpuset_has(&cpus, cpu))
		cpu = cycle_cpu(s, cpu < 0 ? s->ncpus - 1 : cpu, &cpus);
	assert(cpu >= 0 && "an entity with no allowed pCPU");
	struct cpuset idlers = ((const struct csched *)s->priv)->idlers;
	cpuset_add(&idlers, cpu);
	for (size_t i = 0; i < CPUSET_MAX / 64; i++)
		cpus.w[i] &= idlers.w[i];
	cpuset_del(&cpus, cpu);
	while (!cpuset_empty(&cpus)) {
		int nxt = cycle_cpu(s, cpu, &cpus);
		if (sd_same_node(&s->topo, nxt, cpu)) {
			/* same socket: Xen compares SMT siblings, one idle
			** pCPU each here, so never a move */
			cpuset_del(&cpus, nxt);
		} else if (socket_idlers(s, &idlers, cpu) < socket_idlers(s, &idlers, nxt)) {
			cpu = nxt;
			cpuset_del(&cpus, cpu);
		} else {
			struct sd_span sock = sd_span(&s->topo, nxt, SD_CORE);
			for (int j = 0; j < sock.n; j++)
				if (cpuset_has(&idlers, sock.cpu[j]))
					cpuset_del(&cpus, sock.cpu[j]);
		}
	}
	return cpu;
}

/* __runq_tickle, for a VCPU just queued on t.  local: also preempt t when
** the waker has strictly higher priority (the framework does that itself
** for a wake-up through check_preempt and for an idle pCPU it picks on). */
void csched_tickle(struct sched *s, struct cpu *t, struct cvcpu *svc, bool local)
{
	int cur = cur_pri(t);
	if (local && svc->pri > cur)
		sched_kick(s, t);
	if (cur > PRI_IDLE) {
		/* t has two runnable VCPUs now: idle pCPUs may steal one */
		struct cpuset idlers = ((const struct csched *)s->priv)->idlers;
		for (int i = 0; i < s->ncpus; i++)
			if (i != t->id && cpuset_has(&idlers, i) && cpuset_has(&svc->e->affinity, i))
				sched_kick(s, &s->cpu[i]);
	}
}

/* ------------------------------------------------------- ops hooks --- */

static const struct sched_param_def credit_params[] = {
	{ "tick", SP_TIME, "10ms", "period of each pCPU's ticker (CSCHED_MSECS_PER_TICK)", SCHED_PERIOD_MIN_NS, 0 },
	{ "slice", SP_TIME, "30ms", "time slice (CSCHED_MSECS_PER_TSLICE); +-credits per slice bound a VCPU's credit",
	  SCHED_PERIOD_MIN_NS, 0 },
	{ "acct-period", SP_TIME, "30ms", "accounting period, a multiple of tick (CSCHED_TICKS_PER_ACCT ticks)",
	  SCHED_PERIOD_MIN_NS, 0 },
	{ "credits-per-tick", SP_NUMBER, "100", "credits a tick is worth (CSCHED_CREDITS_PER_TICK)", 0, 0 },
	{ "exact-accounting", SP_INT, "0",
	  "0: debit a whole tick from the VCPU found running (3.3.0); 1: debit the time run (4.0)", 0, 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

/* Report a parameter's bad value at its own line, in its own words. */
static void bad_param(struct sched *s, struct diag *d, const char *name, const char *expected)
{
	const struct scn_policy *cfg = s->cfg;
	const char *file = cfg->loc.file, *text = NULL;
	int line = cfg->loc.line;
	for (int i = 0; i < cfg->nparam; i++)
		if (strcmp(cfg->param[i].key, name) == 0) {
			file = cfg->param[i].loc.file;
			line = cfg->param[i].loc.line;
			text = cfg->param[i].value;
		}
	for (const struct sched_param_def *q = s->ops->params; !text && q->name; q++)
		if (strcmp(q->name, name) == 0)
			text = q->def;
	diag_error(d, file, line, "<policy %s>: expected %s, got '%s'", name, expected, text ? text : "");
}

static int credit_init(struct sched *s, struct diag *d)
{
	struct csched *p = s->priv;
	p->tick = sched_param_time(s, "tick");
	p->tslice = sched_param_time(s, "slice");
	int64_t period = sched_param_time(s, "acct-period");
	double cpt = sched_param_number(s, "credits-per-tick");
	double exact = sched_param_number(s, "exact-accounting");
	int bad = 0;
	if (period % p->tick != 0) {
		bad_param(s, d, "acct-period", "a whole number of ticks");
		bad = 1;
	}
	if (!(cpt >= 1 && cpt <= 1e6 && cpt == (double)(int)cpt)) {
		bad_param(s, d, "credits-per-tick", "a whole number from 1 to 1000000");
		bad = 1;
	}
	/* CSCHED_CREDITS_PER_ACCT and _PER_TSLICE are ints, summed over the
	** pCPUs in 32 bits as Xen does (256 x 1e7 fits): slices or periods of
	** 1e8 s overflowed them (UBSan) */
	if (!bad && cpt * (double)(period / p->tick) > 1e7) {
		bad_param(s, d, "acct-period", "at most 10000000 credits a period (credits-per-tick x acct-period / tick)");
		bad = 1;
	}
	if (!bad && cpt * (double)p->tslice / (double)p->tick > 1e7) {
		bad_param(s, d, "slice", "at most 10000000 credits a slice (credits-per-tick x slice / tick)");
		bad = 1;
	}
	if (exact != 0 && exact != 1) {
		bad_param(s, d, "exact-accounting", "0 (sampled, 3.3.0) or 1 (exact, 4.0)");
		bad = 1;
	}
	if (bad)
		return -1;
	p->ticks_per_acct = (int)(period / p->tick);
	p->credits_per_tick = (int)cpt;
	p->credits_per_acct = p->credits_per_tick * p->ticks_per_acct;
	/* CSCHED_CREDITS_PER_TSLICE: ticks per slice x credits per tick */
	p->credits_per_tslice = (int)((double)p->credits_per_tick * (double)p->tslice / (double)p->tick + 0.5);
	p->exact = (int)exact;
	link_init(&p->active_dom);
	p->master = 0;
	int64_t now = world_now(s->w);
	for (int i = 0; i < s->ncpus; i++) {
		struct cpu *c = &s->cpu[i];
		struct cpcpu *spc = spc_of(c);
		link_init(&spc->runq);
		/* csched_pcpu_init: each pCPU adds a period's credits */
		p->credit += (uint32_t)p->credits_per_acct;
		cpuset_add(&p->idlers, i);
		/* the boot idle VCPU's slice, then csched_start_tickers */
		spc->idle_ev = world_at(s->w, now + p->tslice, csched_idle_slice_end, c, 0);
	}
	for (int i = 0; i < s->ncpus; i++)
		world_at(s->w, now + p->tick, csched_credit_tick, &s->cpu[i], 0);
	return 0;
}

/* default_vcpu0_location: the pCPU with the fewest VCPUs, the highest
** on a tie. */
static int vcpu0_location(const struct sched *s)
{
	int cpu = 0;
	for (int i = 1; i < s->ncpus; i++)
		if (spc_of(&s->cpu[i])->nproc <= spc_of(&s->cpu[cpu])->nproc)
			cpu = i;
	return cpu;
}

/* csched_dom_init, csched_vcpu_init and the creation-time placement. */
static void credit_attach(struct sched *s, struct entity *e)
{
	struct cvcpu *svc = svc_of(e);
	link_init(&svc->runq_elem);
	link_init(&svc->active_elem);
	svc->e = e;
	svc->pri = PRI_UNDER;
	svc->processor = -1;
	int cpu;
	if (!e->vm || e == e->vm->vcpu[0]) {
		/* the framework has no per-VM data: VCPU 0 carries its domain */
		struct cdom *d = &svc->own;
		link_init(&d->active_vcpu);
		link_init(&d->active_elem);
		int wt = e->vm ? e->vm->weight : e->weight;
		int cap = e->vm ? e->vm->cap : e->cap;
		d->weight = wt > 0 ? (uint32_t)wt : DEFAULT_WEIGHT;
		d->cap = cap > 0 ? (uint32_t)cap : 0;
		d->name = e->vm ? e->vm->name : e->name;
		svc->sdom = d;
		if (e->vm && !e->vm->cfg)
			cpu = 0;                        /* Dom0 VCPU 0: the boot pCPU */
		else
			cpu = vcpu0_location(s);
		d->vcpu0_cpu = cpu;
	} else {
		struct cvcpu *v0 = svc_of(e->vm->vcpu[0]);
		assert(v0 && "a VM's VCPU 0 is attached first");
		svc->sdom = v0->sdom;
		cpu = (svc->sdom->vcpu0_cpu + e->idx) % s->ncpus;
	}
	csched_set_processor(s, svc, cpu);
	/* pinning: vcpu_set_affinity -> vcpu_migrate -> pick_cpu */
	if (!cpuset_has(&e->affinity, cpu))
		csched_set_processor(s, svc, csched_cpu_pick(s, e, svc));
}

/* A VCPU waits on the queue of the pCPU it last ran on; a migrating one
** on the pCPU csched_cpu_pick names. */
static int credit_select_cpu(struct sched *s, struct entity *e, enum sched_why why)
{
	struct cvcpu *svc = svc_of(e);
	(void)why;
	if (svc->migrating || !cpuset_has(&e->affinity, svc->processor))
		return csched_cpu_pick(s, e, svc);
	return svc->processor;
}

/* csched_vcpu_wake for a wake-up; __runq_insert of the descheduled VCPU
** in csched_schedule otherwise; vcpu_migrate for a migrating one. */
static void credit_enqueue(struct sched *s, struct cpu *c, struct entity *e, enum sched_why why)
{
	struct cvcpu *svc = svc_of(e);
	struct cpu *t = c;
	bool wake = why == SCHED_WAKE;
	if (svc->migrating) {
		/* select_cpu gave the same answer if it was asked (a wake-up); a
		** preempted VCPU comes back with the pCPU it ran on */
		svc->migrating = false;
		t = &s->cpu[csched_cpu_pick(s, e, svc)];
		wake = true;
	}
	csched_set_processor(s, svc, t->id);
	if (svc->parked) {
		svc->held = true;   /* paused: not runnable until unparked */
		return;
	}
	if (wake && svc->pri == PRI_UNDER)
		svc->pri = PRI_BOOST;
	csched_runq_insert(spc_of(t), svc);
	if (!wake)
		return;
	/* the framework preempts c for a wake-up (check_preempt) and picks
	** on an idle c itself */
	bool local = !(t == c && (why == SCHED_WAKE || !t->curr));
	csched_tickle(s, t, svc, local);
}

static bool credit_check_preempt(struct sched *s, struct cpu *c, struct entity *e)
{
	struct cvcpu *svc = svc_of(e);
	(void)s;
	return !svc->held && csched_on_runq(svc) && svc->processor == c->id && svc->pri > cur_pri(c);
}

/* csched_runq_steal: the first VCPU queued on a busy peer with priority
** strictly above pri that may run on cpu. */
static struct cvcpu *runq_steal(struct sched *s, int peer, int cpu, int pri)
{
	if (!s->cpu[peer].curr)
		return NULL;   /* an idle peer picks up its own work */
	struct cpcpu *spc = spc_of(&s->cpu[peer]);
	for (struct link *it = spc->runq.next; it != &spc->runq; it = it->next) {
		struct cvcpu *speer = runq_elem(it);
		if (speer->pri <= pri)
			break;
		if (cpuset_has(&speer->e->affinity, cpu)) {
			speer->migrate_q++;
			csched_runq_remove(speer);
			csched_set_processor(s, speer, cpu);
			return speer;
		}
	}
	return NULL;
}

/* csched_load_balance: the busy peers from the next pCPU on, cyclically. */
static struct cvcpu *load_balance(struct sched *s, int cpu, int pri)
{
	struct cpuset idlers = ((const struct csched *)s->priv)->idlers, workers = { { 0 } };
	for (int i = 0; i < s->ncpus; i++)
		if (i != cpu && !cpuset_has(&idlers, i))
			cpuset_add(&workers, i);
	int peer = cpu;
	while (!cpuset_empty(&workers)) {
		peer = cycle_cpu(s, peer, &workers);
		cpuset_del(&workers, peer);
		struct cvcpu *st = runq_steal(s, peer, cpu, pri);
		if (st)
			return st;
	}
	return NULL;
}

/* csched_schedule */
static struct entity *credit_pick_next(struct sched *s, struct cpu *c, int64_t *slice)
{
	struct csched *p = s->priv;
	struct cpcpu *spc = spc_of(c);
	struct cvcpu *snext = link_empty(&spc->runq) ? NULL : runq_elem(spc->runq.next);
	int pri = snext ? snext->pri : PRI_IDLE;
	if (pri > PRI_OVER) {
		csched_runq_remove(snext);
	} else {
		/* the best local VCPU has eaten its credits: more urgent work
		** elsewhere? */
		struct cvcpu *st = load_balance(s, c->id, pri);
		if (st)
			snext = st;
		else if (snext)
			csched_runq_remove(snext);
	}
	*slice = p->tslice;
	if (spc->idle_ev != EVQ_NONE) {
		evq_cancel(&s->w->q, spc->idle_ev);
		spc->idle_ev = EVQ_NONE;
	}
	if (!snext) {
		cpuset_add(&p->idlers, c->id);
		/* 3.3.0 gives the idle VCPU a slice too */
		spc->idle_ev = world_at(s->w, world_now(s->w) + p->tslice, csched_idle_slice_end, c, 0);
		return NULL;
	}
	cpuset_del(&p->idlers, c->id);
	return snext->e;
}

/* 4.0's burn_credits in csched_schedule: charge the time run. */
static void credit_put_prev(struct sched *s, struct cpu *c, struct entity *e, int64_t ran)
{
	struct csched *p = s->priv;
	struct cvcpu *svc = svc_of(e);
	if (c->curr != e)
		return;   /* a pick handed back unstarted (co-scheduling): the
			     enqueue that follows puts it back */
	if (p->exact)
		csched_burn(p, svc, ran);
	svc->charged = 0;   /* every run ends here, however it was started */
	if (svc->processor != c->id)
		csched_set_processor(s, svc, c->id);
}

/* Take e off its run queue for the co-scheduler, which has it picked at
** once (pick_given; a parked e too: it is held again when it comes
** back). */
static void credit_dequeue(struct sched *s, struct entity *e)
{
	struct cvcpu *svc = svc_of(e);
	(void)s;
	if (csched_on_runq(svc))
		csched_runq_remove(svc);
	svc->held = false;
}

/* The co-scheduler's pick of e on idle c: as csched_schedule's pick of a
** VCPU, c leaves the idlers mask and its idle VCPU's slice ends; the
** gang's slice stands for the time slice. */
static void credit_pick_given(struct sched *s, struct cpu *c, struct entity *e, int64_t slice)
{
	struct csched *p = s->priv;
	struct cpcpu *spc = spc_of(c);
	(void)e;
	(void)slice;
	if (spc->idle_ev != EVQ_NONE) {
		evq_cancel(&s->w->q, spc->idle_ev);
		spc->idle_ev = EVQ_NONE;
	}
	cpuset_del(&p->idlers, c->id);
}

/* csched_dump_vcpu */
static void dump_vcpu(FILE *f, const struct cvcpu *svc)
{
	const struct entity *e = svc->e;
	fprintf(f, "[%s.%d] pri=%d flags=%x cpu=%d credit=%d [w=%u", e->name, e->idx, svc->pri,
		(svc->parked ? 1u : 0u) | (svc->migrating ? 2u : 0u), svc->processor, svc->credit,
		(unsigned)svc->sdom->weight);
	if (svc->sdom->cap)
		fprintf(f, " cap=%u", (unsigned)svc->sdom->cap);
	fprintf(f, "] (%d+%u) {a/i=%u/%u m=%u+%u}%s\n", svc->credit_last, (unsigned)svc->credit_incr,
		(unsigned)svc->state_active, (unsigned)svc->state_idle, (unsigned)svc->migrate_q,
		(unsigned)svc->migrate_r, svc->held ? " held" : "");
}

/* csched_dump and csched_dump_pcpu */
static void credit_dump(struct sched *s, FILE *f)
{
	struct csched *p = s->priv;
	fprintf(f, "credit: ncpus=%d master=%d credit=%u balance=%d weight=%u runq_sort=%u\n", s->ncpus, p->master,
		(unsigned)p->credit, p->credit_balance, (unsigned)p->weight, (unsigned)p->runq_sort);
	fprintf(f, "  tick=%lldns slice=%lldns ticks/csched_acct=%d credits/tick=%d accounting=%s\n", (long long)p->tick,
		(long long)p->tslice, p->ticks_per_acct, p->credits_per_tick, p->exact ? "exact" : "sampled");
	fprintf(f, "  idlers:");
	for (int i = 0; i < s->ncpus; i++)
		if (cpuset_has(&p->idlers, i))
			fprintf(f, " %d", i);
	fprintf(f, "\n");
	for (int i = 0; i < s->ncpus; i++) {
		struct cpu *c = &s->cpu[i];
		struct cpcpu *spc = spc_of(c);
		fprintf(f, "  cpu%d: sort=%u tick=%u\n", i, (unsigned)spc->runq_sort_last, (unsigned)spc->tick);
		if (c->curr) {
			fprintf(f, "\trun: ");
			dump_vcpu(f, svc_of(c->curr));
		}
		int n = 0;
		for (struct link *it = spc->runq.next; it != &spc->runq; it = it->next) {
			fprintf(f, "\t%3d: ", ++n);
			dump_vcpu(f, runq_elem(it));
		}
	}
	fprintf(f, "  active vcpus:\n");
	int n = 0;
	for (struct link *id = p->active_dom.next; id != &p->active_dom; id = id->next) {
		struct cdom *d = container(id, struct cdom, active_elem);
		for (struct link *iv = d->active_vcpu.next; iv != &d->active_vcpu; iv = iv->next) {
			fprintf(f, "\t%3d: ", ++n);
			dump_vcpu(f, container(iv, struct cvcpu, active_elem));
		}
	}
}

const struct sched_ops sched_credit_ops = {
	.name = "credit",
	.source = "Xen 3.3.0 xen/common/sched_credit.c (tag 3.3.0-rc7); exact debit from Xen 4.0",
	.summary = "Xen credit: weights, caps, BOOST on wake, per-pCPU queues, work stealing",
	.params = credit_params,
	.priv_size = sizeof(struct csched),
	.cpu_priv_size = sizeof(struct cpcpu),
	.ent_priv_size = sizeof(struct cvcpu),
	.init = credit_init,
	.attach = credit_attach,
	.select_cpu = credit_select_cpu,
	.enqueue = credit_enqueue,
	.dequeue = credit_dequeue,
	.pick_given = credit_pick_given,
	.pick_next = credit_pick_next,
	.put_prev = credit_put_prev,
	.check_preempt = credit_check_preempt,
	.dump = credit_dump,
};
