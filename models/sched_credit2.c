/*
** Xen's credit2 scheduler as in Xen 4.17.0 (xen/common/sched/credit2.c,
** tag RELEASE-4.17.0; George Dunlap's design, the default scheduler since
** Xen 4.12), for the what-if "Xen with credit2 instead of 3.3's credit".
**
** Runqueues.  pCPUs share runqueues: one per NUMA node here (Xen's
** default arrangement is one per socket, which on the paper's Opteron is
** a node), or one for the whole machine (runqueue="1", Xen's "all").  A
** VCPU is assigned to one runqueue (runq_assign) and waits on it in
** credit order, highest first (runq_insert: after those with equal
** credit).  At creation it goes to the runqueue with the lowest load
** (csched2_res_pick); it changes runqueue only through load balancing.
**
** Credit.  Every VCPU starts with CSCHED2_CREDIT_INIT = 10 ms of credit
** and burns it while it runs, faster the lower its weight:
**     credit -= t * max_weight / weight        (t2c_update, burn_credits)
** where max_weight is the highest weight assigned to its runqueue (so the
** heaviest burns 1 credit per ns), keeping the division's remainder.
** Credit never goes below CSCHED2_CREDIT_MIN = -10 ms.  When the VCPU
** that would run next (the best of the picked one and the runqueue's
** head) has credit <= CSCHED2_CREDIT_RESET = 0, an epoch ends: every VCPU
** of the runqueue gets +10 ms (+20 ms if the picked one sits at the
** minimum), clipped to 10 ms + CSCHED2_CARRYOVER_MAX (500 us)
** (reset_credit), and the runqueue balances its load.
**
** Scheduling (csched2_schedule, runq_candidate, csched2_runtime).  The
** running VCPU keeps its pCPU if it has run less than the rate limit
** (sched_ratelimit_us, 1 ms); otherwise the first VCPU of the runqueue
** with strictly more credit, allowed here, not promised to another
** tickled pCPU, and (if it last ran elsewhere) with CSCHED2_MIGRATE_RESIST
** = 500 us more credit, replaces it; a VCPU that changes pCPU gets
** CSCHED2_MIGRATE_COMPENSATION = 50 us.  It runs until its credit falls to
** that of the next waiting VCPU with positive credit (else to 0):
**     time = (credit - next_credit) * weight / max_weight    (c2t)
** bounded to [max(CSCHED2_MIN_TIMER = 500 us, rate limit left),
** CSCHED2_MAX_TIMER = 10 ms].
**
** Tickling (runq_tickle).  A VCPU that joins the runqueue (wake-up, or a
** preempted VCPU put back) asks for a pCPU of its runqueue: an idle,
** untickled one (its own first, then the next ones), else the busy one
** where it scores best, score = its credit - the running VCPU's credit
** (- CSCHED2_MIGRATE_RESIST if that is not its pCPU), if positive and the
** running VCPU has run longer than the rate limit less 50 us
** (is_preemptable); its own pCPU wins when it scores at all.
**
** Load balancing (balance_load, at each credit reset).  Runqueue and VCPU
** loads are exponentially weighted averages of the number of runnable
** VCPUs over a 2^30 ns window, avg += (delta / W) (load - avg) (Xen keeps
** them in Q18 fixed point after a 2^10 ns granularity shift; doubles
** here).  The resetting runqueue finds the runqueue whose load differs
** most from its own; if the difference is at least 1 (below 100% of the
** pCPUs) or 1/8 (at or above), it tries every push, pull and swap of one
** VCPU each way and applies the one leaving the smallest difference
** (consider()).  A running VCPU moves when it next stops (the migrate
** request); a queued one moves at once and tickles there.  (Xen 4.17
** reads the last runqueue of its scan for the capacity test instead of
** the chosen one; we use the chosen one.)
**
** Mapping onto sched.c.  Xen decides in csched2_schedule() while the
** current VCPU still holds the pCPU, and puts it back on the runqueue
** only after the switch (context_saved); sched.c puts a preempted VCPU
** back first (put_prev, enqueue) and then asks pick_next.  So pick_next
** treats the VCPU that pCPU put back at this instant as Xen's scurr: it is
** not in the runqueue for the choice, the reset test or the next waiting
** credit, it keeps its state_entry_time if it continues, and if it loses
** it tickles then.  A wake-up's runq_tickle happens in select_cpu: an
** idle pCPU is returned (sched.c dispatches it), a busy one with a
** positive score is returned and check_preempt says yes.  Entities that
** strict co-scheduling (models/cosched.c) sets aside (dequeue) are
** picked where it starts them (pick_given) as running from then.
**
** Left out: caps (budgets, parking and replenishment), soft affinity and
** SMT (its bonuses in tickle_score() are the same for every pCPU here, so
** they do not change the choice), tasklets, the "idle but tickled"
** subtleties of smt_idle, and the soft-affinity preemption of
** runq_candidate().  Cost: runqueue operations are O(n) in the VCPUs of
** the runqueue, tickling O(ncpus), a balance pass O(n^2) as in Xen.
*/
#include "models/sched_credit2.h"
#include "models/sched.h"
#include "models/vm.h"
#include "models/world.h"

#include <math.h>
#include <stdlib.h>

struct c2_rq *c2_rq_of(struct sched *s, const struct entity *e)
{
	return &((struct c2 *)s->priv)->rq[EP(e)->rq];
}

static struct c2_rq *cpu_rq(struct sched *s, const struct cpu *c)
{
	return &((struct c2 *)s->priv)->rq[CP(c)->rq];
}

/* ------------------------------------------------------------ credit --- */

/* credit -= t * max_weight / weight, keeping the remainder (t2c_update) */
static void burn_credits(struct sched *s, struct entity *e, int64_t now)
{
	struct c2_ent *ep = EP(e);
	int64_t delta = now - ep->start_time;
	if (delta <= 0)
		return;
	int64_t val = delta * c2_rq_of(s, e)->max_weight + ep->residual;
	ep->residual = val % ep->weight;
	val /= ep->weight;
	ep->credit = ep->credit - val < CREDIT_MIN ? CREDIT_MIN : ep->credit - val;
	ep->start_time = now;
}

/* credit * weight / max_weight (c2t) */
static int64_t c2t(struct sched *s, const struct entity *e, int64_t credit)
{
	return credit * EP(e)->weight / c2_rq_of(s, e)->max_weight;
}

static void reset_credit(struct sched *s, struct c2_rq *rq, int64_t now, struct entity *snext)
{
	int64_t reset = CREDIT_INIT;
	if (EP(snext)->credit == CREDIT_MIN)
		reset += CREDIT_INIT;
	for (struct entity *e = rq->svc; e; e = EP(e)->svc_next) {
		struct c2_ent *ep = EP(e);
		if (ep->running >= 0)
			burn_credits(s, e, now);
		ep->credit += reset;
		if (ep->credit > CREDIT_INIT + CARRYOVER_MAX)
			ep->credit = CREDIT_INIT + CARRYOVER_MAX;
		ep->start_time = now;
	}
	rq->nreset++;
}

/* -------------------------------------------------------------- load --- */

/* avg += (delta / W) (load - avg), or avg = load after a whole window */
static double ewma(double avg, double load, int64_t delta)
{
	if ((double)delta > LOAD_WINDOW)
		return load;
	return avg + (double)delta * (load - avg) / LOAD_WINDOW;
}

void c2_update_runq_load(struct c2_rq *rq, int change, int64_t now)
{
	int64_t delta = now - rq->load_last_update;
	if ((double)delta > LOAD_WINDOW) {
		rq->avgload = rq->load;
		rq->b_avgload = rq->load;
	} else {
		rq->avgload = ewma(rq->avgload, rq->load, delta);
		rq->b_avgload = ewma(rq->b_avgload, rq->load, delta);
	}
	rq->load += change;
	rq->load_last_update = now;
}

/* change -1: it was runnable until now; +1: it was not; 0: as it is */
void c2_update_svc_load(struct entity *e, int change, int64_t now)
{
	struct c2_ent *ep = EP(e);
	double sample = change < 0 ? 1 : change > 0 ? 0 : e->state != ENT_BLOCKED;
	ep->avgload = ewma(ep->avgload, sample, now - ep->load_last_update);
	ep->load_last_update = now;
}

void c2_update_load(struct c2_rq *rq, struct entity *e, int change, int64_t now)
{
	c2_update_runq_load(rq, change, now);
	if (e)
		c2_update_svc_load(e, change, now);
}

/* -------------------------------------------------------- runqueues --- */

static void update_max_weight(struct c2_rq *rq)
{
	int m = 1;
	for (struct entity *e = rq->svc; e; e = EP(e)->svc_next)
		if (EP(e)->weight > m)
			m = EP(e)->weight;
	rq->max_weight = m;
}

void c2_runq_assign(struct sched *s, struct entity *e, int r)
{
	struct c2_rq *rq = &((struct c2 *)s->priv)->rq[r];
	struct c2_ent *ep = EP(e);
	ep->rq = r;
	ep->svc_next = NULL;
	struct entity **pp = &rq->svc;
	while (*pp)
		pp = &EP(*pp)->svc_next;
	*pp = e;
	update_max_weight(rq);
	rq->b_avgload += ep->avgload;
}

void c2_runq_deassign(struct sched *s, struct entity *e)
{
	struct c2_rq *rq = c2_rq_of(s, e);
	for (struct entity **pp = &rq->svc; *pp; pp = &EP(*pp)->svc_next)
		if (*pp == e) {
			*pp = EP(e)->svc_next;
			break;
		}
	EP(e)->svc_next = NULL;
	update_max_weight(rq);
	rq->b_avgload = rq->b_avgload - EP(e)->avgload > 0 ? rq->b_avgload - EP(e)->avgload : 0;
}

void c2_runq_insert(struct c2_rq *rq, struct entity *e)
{
	struct entity **pp = &rq->runq;
	while (*pp && EP(e)->credit <= EP(*pp)->credit)
		pp = &(*pp)->next;
	e->next = *pp;
	*pp = e;
	EP(e)->queued = 1;
}

void c2_runq_remove(struct c2_rq *rq, struct entity *e)
{
	for (struct entity **pp = &rq->runq; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	e->next = NULL;
	EP(e)->queued = 0;
}

/* The first pCPU after n (cyclically, n itself last) that is in rq and
** allowed for e (cpumask_cycle); -1 if none. */
int c2_cycle(const struct sched *s, const struct c2_rq *rq, const struct entity *e, int n)
{
	for (int k = 1; k <= s->ncpus; k++) {
		int i = (n + k) % s->ncpus;
		if (cpuset_has(&rq->active, i) && cpuset_has(&e->affinity, i))
			return i;
	}
	return -1;
}

int c2_rq_allows(const struct sched *s, const struct c2_rq *rq, const struct entity *e)
{
	return c2_cycle(s, rq, e, 0) >= 0;
}

/* --------------------------------------------------------- tickling --- */

/* How much new deserves pCPU i, running someone else (tickle_score). */
static int64_t tickle_score(struct sched *s, const struct entity *new, int i, int64_t now)
{
	const struct c2 *p = s->priv;
	struct entity *cur = s->cpu[i].curr;
	if (p->ratelimit > RATELIMIT_TOLERANCE && now - EP(cur)->run_since <= p->ratelimit - RATELIMIT_TOLERANCE)
		return -1;   /* !is_preemptable() */
	burn_credits(s, cur, now);
	int64_t score = EP(new)->credit - EP(cur)->credit;
	if (EP(new)->proc != i)
		score -= p->migrate_resist;
	return score;
}

/* The pCPU of e's runqueue that should pick e up (runq_tickle), or -1;
** *busy tells whether it runs something now.  Skips pCPU `skip`. */
static int runq_tickle(struct sched *s, const struct entity *e, int skip, int *busy)
{
	const struct c2_rq *rq = c2_rq_of(s, e);
	int64_t now = world_now(s->w);
	int proc = EP(e)->proc;
	*busy = 0;
	/* idle and untickled: its own pCPU, else the next ones */
	for (int k = 0; k < s->ncpus; k++) {
		int i = (proc + k) % s->ncpus;
		if (i != skip && cpuset_has(&rq->active, i) && sched_idle_for(s, i, e) && !CP(&s->cpu[i])->tickled)
			return i;
	}
	/* busy and untickled: the best score, its own pCPU first */
	int best = -1;
	int64_t max = 0;
	*busy = 1;
	if (proc != skip && cpuset_has(&rq->active, proc) && cpuset_has(&e->affinity, proc) &&
	    s->cpu[proc].curr && !CP(&s->cpu[proc])->tickled && tickle_score(s, e, proc, now) > 0)
		return proc;
	for (int i = 0; i < s->ncpus; i++) {
		if (i == proc || i == skip || !cpuset_has(&rq->active, i) || !cpuset_has(&e->affinity, i) ||
		    !s->cpu[i].curr || CP(&s->cpu[i])->tickled)
			continue;
		int64_t score = tickle_score(s, e, i, now);
		if (score > max) {
			max = score;
			best = i;
		}
	}
	return best;
}

void c2_tickle_cpu(struct sched *s, int i)
{
	CP(&s->cpu[i])->tickled = 1;
	sched_kick(s, &s->cpu[i]);
}

/* Tickle for e outside the wake-up path: the chosen pCPU reschedules. */
void c2_tickle(struct sched *s, struct entity *e, int skip)
{
	int busy;
	int i = runq_tickle(s, e, skip, &busy);
	if (i < 0)
		return;
	EP(e)->tickled_cpu = i;
	c2_tickle_cpu(s, i);
}

/* ---------------------------------------------------------- the ops --- */

static int c2_init(struct sched *s, struct diag *d)
{
	struct c2 *p = s->priv;
	const struct scn_loc *loc = &s->cfg->loc;
	double mode = sched_param_number(s, "runqueue");
	if (mode != 0 && mode != 1) {
		diag_error(d, loc->file, loc->line,
			   "<policy runqueue>: expected 0 (one per node) or 1 (one for the machine), got %s",
			   sched_param_text(s, "runqueue"));
		return -1;
	}
	p->ratelimit = sched_param_time(s, "ratelimit");
	p->migrate_resist = sched_param_time(s, "migrate-resist");
	p->nrq = mode == 1 ? 1 : s->topo.nnodes;   /* one per node: sched_domain.h */
	p->rq = calloc((size_t)p->nrq, sizeof *p->rq);
	if (!p->rq) {
		diag_error(d, loc->file, loc->line, "out of memory");
		return -1;
	}
	for (int r = 0; r < p->nrq; r++) {
		p->rq[r].id = r;
		p->rq[r].max_weight = 1;
		p->rq[r].pick_bias = -1;
	}
	for (int i = 0; i < s->ncpus; i++) {
		struct c2_rq *rq = &p->rq[mode == 1 ? 0 : s->topo.cpu_node[i]];
		CP(&s->cpu[i])->rq = rq->id;
		cpuset_add(&rq->active, i);
		if (rq->nr_cpus++ == 0)
			rq->pick_bias = i;
	}
	return 0;
}

static void c2_fini(struct sched *s)
{
	struct c2 *p = s->priv;
	free(p->rq);
	p->rq = NULL;
}

/* A new VCPU: full credit, half a load, the least loaded runqueue
** (csched2_alloc_udata, csched2_unit_insert, csched2_res_pick). */
static void c2_attach(struct sched *s, struct entity *e)
{
	struct c2 *p = s->priv;
	struct c2_ent *ep = EP(e);
	int64_t now = world_now(s->w);
	ep->weight = e->vm ? e->vm->weight : e->weight;
	if (ep->weight < 1)
		ep->weight = 1;
	ep->credit = CREDIT_INIT;
	ep->avgload = 0.5;
	ep->load_last_update = now;
	ep->running = -1;
	ep->tickled_cpu = -1;
	ep->migrate_rq = -1;
	ep->start_time = now;
	ep->stop_cpu = -1;
	struct c2_rq *best = NULL;
	for (int r = 0; r < p->nrq; r++)
		if (c2_rq_allows(s, &p->rq[r], e) && (!best || p->rq[r].b_avgload < best->b_avgload))
			best = &p->rq[r];
	if (!best)
		best = &p->rq[0];   /* no allowed pCPU: sched.c's asserts will say so */
	ep->proc = c2_cycle(s, best, e, best->pick_bias);
	if (ep->proc < 0)
		ep->proc = 0;
	best->pick_bias = ep->proc;
	c2_runq_assign(s, e, best->id);
}

static int c2_select_cpu(struct sched *s, struct entity *e, enum sched_why why)
{
	struct c2_ent *ep = EP(e);
	ep->wake_preempt = 0;
	if (why != SCHED_WAKE && e->cpu >= 0 && cpuset_has(&e->affinity, e->cpu))
		return e->cpu;   /* it waits where it was; its tickle comes at the pick */
	int busy;
	int i = runq_tickle(s, e, -1, &busy);
	if (i < 0)
		return ep->proc;
	ep->tickled_cpu = i;
	CP(&s->cpu[i])->tickled = 1;
	ep->wake_preempt = busy;
	return i;
}

static void c2_enqueue(struct sched *s, struct cpu *c, struct entity *e, enum sched_why why)
{
	struct c2_ent *ep = EP(e);
	struct c2_rq *rq = c2_rq_of(s, e);
	int64_t now = world_now(s->w);
	if (ep->running >= 0)
		ep->running = -1;   /* picked, then held back unstarted (co-scheduling): still counted */
	else
		c2_update_load(rq, e, 1, now);
	c2_runq_insert(rq, e);
	/* a VCPU put back after balancing moved it: tickle its new runqueue */
	if (why != SCHED_WAKE && ep->rq != CP(c)->rq)
		c2_tickle(s, e, -1);
}

/* The runqueue's first VCPU other than `skip`. */
static struct entity *runq_head(struct c2_rq *rq, const struct entity *skip)
{
	struct entity *e = rq->runq;
	return e && e == skip ? e->next : e;
}

static struct entity *runq_candidate(struct sched *s, struct c2_rq *rq, struct entity *scurr, struct cpu *c,
				     int64_t now)
{
	const struct c2 *p = s->priv;
	if (scurr && p->ratelimit && now - EP(scurr)->run_since < p->ratelimit)
		return scurr;
	struct entity *snext = scurr;
	int64_t credit = scurr ? EP(scurr)->credit : IDLE_CREDIT;
	for (struct entity *e = rq->runq; e; e = e->next) {
		struct c2_ent *ep = EP(e);
		if (e == scurr)
			continue;
		if (ep->credit <= credit)
			break;
		if (!cpuset_has(&e->affinity, c->id))
			continue;
		if (ep->tickled_cpu >= 0 && ep->tickled_cpu != c->id && CP(&s->cpu[ep->tickled_cpu])->tickled)
			continue;
		if (ep->proc != c->id && credit + p->migrate_resist > ep->credit)
			continue;
		snext = e;
		break;
	}
	return snext;
}

/* How long snext may run before c schedules again (csched2_runtime). */
static int64_t runtime(struct sched *s, struct c2_rq *rq, struct entity *snext, struct entity *scurr,
		       int64_t now)
{
	const struct c2 *p = s->priv;
	int64_t min_time = MIN_TIMER;
	if (p->ratelimit) {
		int64_t rl = snext == scurr ? EP(snext)->run_since + p->ratelimit - now : p->ratelimit;
		if (rl > min_time)
			min_time = rl;
	}
	int64_t rt_credit = EP(snext)->credit;
	struct entity *w = runq_head(rq, scurr);
	if (w && EP(w)->credit > 0)
		rt_credit = EP(snext)->credit - EP(w)->credit;
	int64_t time = rt_credit > 0 ? c2t(s, snext, rt_credit) : 0;
	if (time < min_time)
		time = min_time;
	else if (time > MAX_TIMER)
		time = MAX_TIMER;
	return time;
}

static struct entity *c2_pick(struct sched *s, struct cpu *c, int64_t *slice)
{
	struct c2_cpu *cp = CP(c);
	struct c2_rq *rq = cpu_rq(s, c);
	int64_t now = world_now(s->w);
	cp->tickled = 0;
	/* the VCPU this pCPU just stopped, if it is still waiting here: Xen's
	** scurr, which has not left the pCPU yet when it decides */
	struct entity *scurr = cp->prev;
	if (!scurr || cp->prev_time != now || !EP(scurr)->queued || EP(scurr)->rq != cp->rq)
		scurr = NULL;
	cp->prev = NULL;
	struct entity *snext = runq_candidate(s, rq, scurr, c, now);
	if (!snext) {
		c2_update_load(rq, NULL, 0, now);
		return NULL;
	}
	struct c2_ent *ep = EP(snext);
	c2_runq_remove(rq, snext);
	/* scheduled (CSFLAG_scheduled): a reset does not burn it, balancing
	** moves it only when it stops */
	ep->running = c->id;
	ep->start_time = now;
	if (snext == scurr)
		c2_update_svc_load(snext, 0, now);
	/* an epoch ends when the best candidate has no credit left */
	struct entity *head = runq_head(rq, scurr);
	int64_t top = ep->credit;
	if (head && EP(head)->credit > top)
		top = EP(head)->credit;
	if (top <= CREDIT_RESET) {
		reset_credit(s, rq, now, snext);
		c2_balance_load(s, rq, now);
	}
	ep->start_time = now;   /* after a reset too */
	ep->tickled_cpu = -1;
	if (snext != scurr)
		ep->run_since = now;
	if (ep->proc != c->id) {
		ep->credit += MIGRATE_COMPENSATION;
		ep->proc = c->id;
	}
	/* the VCPU it displaces goes back to the runqueue and asks for a
	** pCPU there (csched2_context_saved -> runq_tickle) */
	if (scurr && scurr != snext && EP(scurr)->queued && EP(scurr)->rq == cp->rq)
		c2_tickle(s, scurr, c->id);
	*slice = runtime(s, rq, snext, scurr, now);
	return snext;
}

static void c2_put_prev(struct sched *s, struct cpu *c, struct entity *e, int64_t ran)
{
	struct c2 *p = s->priv;
	struct c2_cpu *cp = CP(c);
	struct c2_ent *ep = EP(e);
	int64_t now = world_now(s->w);
	(void)ran;   /* burn_credits reads the time since start_time */
	if (c->curr != e)
		return;   /* a pick handed back unstarted (co-scheduling): the
			     enqueue that follows puts it back, still counted */
	burn_credits(s, e, now);
	ep->running = -1;
	ep->stop_time = now;
	ep->stop_cpu = c->id;
	c2_update_load(c2_rq_of(s, e), e, -1, now);
	cp->prev = e;
	cp->prev_time = now;
	if (ep->migrate_rq >= 0) {
		/* the migrate request balance_load left: move now */
		struct c2_rq *to = &p->rq[ep->migrate_rq];
		ep->migrate_rq = -1;
		c2_runq_deassign(s, e);
		ep->proc = c2_cycle(s, to, e, to->pick_bias);
		to->pick_bias = ep->proc;
		c2_runq_assign(s, e, to->id);
		to->nmigrate_in++;
	}
}

/* Take queued e off its runqueue for strict co-scheduling to have it
** picked somewhere (pick_given); it stays runnable (and assigned to its
** runqueue). */
static void c2_dequeue(struct sched *s, struct entity *e)
{
	if (EP(e)->queued)
		c2_runq_remove(c2_rq_of(s, e), e);
}

/* Strict co-scheduling's pick of e, set aside by c2_dequeue, on idle c:
** scheduled there from now (CSFLAG_scheduled), its run since now
** unless it was stopped on c at this very instant (co-stopped and
** co-started again: in effect it kept running); on c's own runqueue c
** becomes its processor.  The gang's slice stands for runtime(). */
static void c2_pick_given(struct sched *s, struct cpu *c, struct entity *e, int64_t slice)
{
	struct c2_ent *ep = EP(e);
	int64_t now = world_now(s->w);
	(void)slice;
	ep->running = c->id;
	ep->start_time = now;
	if (ep->stop_cpu != c->id || ep->stop_time != now)
		ep->run_since = now;
	ep->tickled_cpu = -1;
	if (CP(c)->rq == ep->rq)
		ep->proc = c->id;
}

static bool c2_check_preempt(struct sched *s, struct cpu *c, struct entity *e)
{
	struct c2_ent *ep = EP(e);
	bool r = ep->wake_preempt && ep->tickled_cpu == c->id;
	(void)s;
	ep->wake_preempt = 0;
	return r;
}

static void dump_ent(FILE *f, const struct entity *e)
{
	const struct c2_ent *ep = EP(e);
	fprintf(f, " %s#%d(w %d, credit %.3f ms, load %.2f)", e->name, e->idx, ep->weight, (double)ep->credit / 1e6,
		ep->avgload);
}

static void c2_dump(struct sched *s, FILE *f)
{
	struct c2 *p = s->priv;
	fprintf(f, "credit2: %d runqueue(s), ratelimit %lld ns, c2_migrate resist %lld ns\n", p->nrq,
		(long long)p->ratelimit, (long long)p->migrate_resist);
	for (int r = 0; r < p->nrq; r++) {
		struct c2_rq *rq = &p->rq[r];
		fprintf(f, "  runqueue %d: %d pCPUs, max_weight %d, load %d, avgload %.3f (b %.3f), %llu resets, "
			   "%llu VCPUs moved in\n    pCPUs:", r, rq->nr_cpus, rq->max_weight, rq->load, rq->avgload,
			rq->b_avgload, (unsigned long long)rq->nreset, (unsigned long long)rq->nmigrate_in);
		for (int i = 0; i < s->ncpus; i++) {
			if (!cpuset_has(&rq->active, i))
				continue;
			fprintf(f, " %d%s", i, CP(&s->cpu[i])->tickled ? "(tickled)" : "");
			if (s->cpu[i].curr)
				dump_ent(f, s->cpu[i].curr);
		}
		fprintf(f, "\n    runq:");
		for (struct entity *e = rq->runq; e; e = e->next)
			dump_ent(f, e);
		fprintf(f, "\n");
	}
}

static const struct sched_param_def c2_params[] = {
	{ "runqueue", SP_INT, "0", "0: one runqueue per NUMA node (socket); 1: one for the whole machine", 0, 0 },
	{ "ratelimit", SP_TIME0, "1ms", "least run time before a VCPU can be preempted (sched_ratelimit_us); 0: none",
	  SCHED_PERIOD_MIN_NS, 0 },
	{ "migrate-resist", SP_TIME, "500us",
	  "credit a VCPU needs above the running one to move to its pCPU (sched_credit2_migrate_resist)", 0, 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct sched_ops sched_credit2_ops = {
	.name = "credit2",
	.source = "Xen 4.17.0 xen/common/sched/credit2.c (runq_candidate, csched2_runtime, runq_tickle, "
		  "reset_credit, c2_balance_load)",
	.summary = "credit burnt at max_weight/weight, runqueues per node ordered by credit, epoch resets",
	.params = c2_params,
	.priv_size = sizeof(struct c2),
	.cpu_priv_size = sizeof(struct c2_cpu),
	.ent_priv_size = sizeof(struct c2_ent),
	.init = c2_init,
	.fini = c2_fini,
	.attach = c2_attach,
	.select_cpu = c2_select_cpu,
	.enqueue = c2_enqueue,
	.dequeue = c2_dequeue,
	.pick_given = c2_pick_given,
	.pick_next = c2_pick,
	.put_prev = c2_put_prev,
	.check_preempt = c2_check_preempt,
	.dump = c2_dump,
};
