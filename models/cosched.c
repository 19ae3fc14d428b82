/*
** Co-scheduling of SMP VMs on top of any policy, after VMware ESX
** ("Co-scheduling SMP VMs in VMware ESX Server", VMware 2008; docs/sources.md
** sec. 6): the usual what-if against lock-holder preemption.
**
** strict (ESX 2.x): a VM's runnable VCPUs run together or not at all.
**   When the policy picks one, its READY siblings are co-started on idle
**   pCPUs with the same slice; if there are not enough the pick is held
**   back and the gang waits.  A waiting gang is started when a pCPU is
**   given up (a thread's slice ends, the policy preempts it, it blocks):
**   on the idle pCPUs and that one, and, once the gang has waited through
**   a whole turn of the thread that gave it up, also on pCPUs taken from
**   threads outside any gang (start_waiting_gang).  Gangs and the others
**   thus take turns: a 1-VCPU VM or a host thread loses its pCPU to a
**   gang only after the gang waited a whole turn (of it or of another
**   thread: its own turn may then be cut short), and the gang, once
**   stopped, waits again (3 equal CPU-bound threads beside a 2-VCPU gang
**   on 2 pCPUs each get half a pCPU, tests/test_vm.c).
**   When one is preempted, its running siblings are co-stopped.  A
**   halted (idle) VCPU needs no partner.
** relaxed (ESX 3.x): VCPUs run independently, but a VCPU kept READY
**   while a sibling runs accumulates skew; past the skew limit its
**   running siblings are co-stopped and held off the pCPUs until the
**   laggard has run (or halts).
**
** Only VCPUs of VMs with more than one VCPU are concerned.  Stopped VCPUs
** go back to the policy as preempted, so any policy works.  The rest
** stays inside the policy contract (models/sched.h): co-scheduling wraps
** the policy's pick_next (cosched_pick_next), which hands a pick it
** holds back to the policy through put_prev and enqueue; strict mode
** starts a VCPU the policy did not pick by setting it aside (dequeue)
** and having the policy pick it on the chosen pCPU (pick_given, where
** the policy keeps per-pick state), so it needs the dequeue op.
*/
#include "models/cosched.h"
#include "models/vm.h"
#include "models/world.h"

#include <string.h>

static bool ganged(const struct entity *e)
{
	return e->kind == ENT_VCPU && e->vm && e->vm->nvcpus > 1;
}

static int counted(const struct sched *s)
{
	int64_t now = world_now(s->w);
	return now >= s->t0 && now < s->t1;
}

static struct entity *cosched_pick_next(struct sched *s, struct cpu *c, int64_t *slice);

int cosched_init(struct sched *s, const struct scn_cosched *cfg, struct diag *d)
{
	s->cosched = cfg->mode == 1 ? COSCHED_STRICT : cfg->mode == 2 ? COSCHED_RELAXED : 0;
	s->skew_limit = cfg->skew;
	if (s->cosched == COSCHED_STRICT && !s->policy->dequeue) {
		diag_error(d, cfg->loc.file, cfg->loc.line,
			   "<coschedule mode>: policy '%s' cannot be co-scheduled strictly (it has no dequeue "
			   "hook); expected mode=\"relaxed\" or another policy",
			   s->policy->name);
		return -1;
	}
	if (s->cosched) {
		s->deco = *s->policy;
		s->deco.pick_next = cosched_pick_next;
		s->ops = &s->deco;
	}
	return 0;
}

/* Stop every running sibling of e (relaxed: and hold them off). */
static void costop_siblings(struct sched *s, struct entity *e, int hold)
{
	struct vm *vm = e->vm;
	for (int i = 0; i < vm->nvcpus; i++) {
		struct entity *r = vm->vcpu[i];
		if (r == e || r->state != ENT_RUNNING)
			continue;
		struct cpu *c = &s->cpu[r->cpu];
		if (c->completing) {
			c->want_resched = 1;
		} else {
			r->costop = hold;
			sched__preempt(s, c, "costop");
			sched__kick_idle(s, c);
		}
		s->ncostop += counted(s);
	}
}

static bool sibling_running(const struct entity *e)
{
	const struct vm *vm = e->vm;
	for (int i = 0; i < vm->nvcpus; i++)
		if (vm->vcpu[i] != e && vm->vcpu[i]->state == ENT_RUNNING)
			return true;
	return false;
}

/* ------------------------------------------------------------ strict */

/* An idle pCPU for sibling r: allowed, not taken, not the leader's; -1
** if none.  A pick never takes a busy pCPU: preempting its thread there
** and then would override the policy, which would not have preempted it
** for r (a sibling is queued, not waking).  Taking them at once from
** threads outside any gang starved 1-VCPU VMs and host threads (each
** pick of a gang's leader preempted them again), and from another gang
** would let two gangs preempt each other forever at one instant.  The
** gang waits instead: start_waiting_gang gives it pCPUs as the policy
** gives them up. */
static int target_for(struct sched *s, const struct entity *r, const struct cpu *leader, const char *taken)
{
	for (int p = 0; p < s->ncpus; p++) {
		const struct cpu *c = &s->cpu[p];
		if (c != leader && !taken[p] && !c->curr && !c->completing && cpuset_has(&r->affinity, p))
			return p;
	}
	return -1;
}

static bool strict_costart(struct sched *s, struct cpu *c, struct entity *e, int64_t slice)
{
	struct vm *vm = e->vm;
	struct entity *want[64];
	int where[64], n = 0;
	char taken[CPUSET_MAX];
	memset(taken, 0, sizeof taken);
	for (int i = 0; i < vm->nvcpus && n < 64; i++) {
		struct entity *r = vm->vcpu[i];
		if (r == e || r->state != ENT_READY)
			continue;
		if (r->held)
			return false;   /* set aside by this very pick: not queued now */
		int p = target_for(s, r, c, taken);
		if (p < 0)
			return false;   /* not enough pCPUs for the gang: hold e */
		taken[p] = 1;
		want[n] = r;
		where[n++] = p;
	}
	for (int k = 0; k < n; k++) {
		sched__dequeue(s, want[k]);
		sched__start_given(s, &s->cpu[where[k]], want[k], slice);
		s->ncostart += counted(s);
	}
	return true;
}

/* The slice the entity that just left c had been given (c->ran is how
** long it ran since its dispatch), or -1 for none. */
static int64_t slice_left_by(const struct sched *s, const struct cpu *c)
{
	if (c->slice_end == INT64_MAX)
		return -1;
	int64_t len = c->slice_end - (world_now(s->w) - c->ran);
	return len > 0 ? len : -1;
}

/* c was given up at this instant: idle, or running a thread outside any
** gang that the policy dispatched just now (after the stop that gave c
** up, before a gang could take it). */
static bool given_up(const struct sched *s, const struct cpu *c)
{
	const struct entity *x = c->curr;
	return !x || (!c->completing && !ganged(x) && x->since == world_now(s->w));
}

/* Where vm's READY VCPUs would go if it started now: idle pCPUs first,
** then c, then (if take) pCPUs running threads outside any gang.  Their
** number, or -1 if they do not fit.  Greedy in VCPU order, so pinned
** VCPUs may miss a placement. */
static int gang_fits(struct sched *s, struct vm *vm, const struct cpu *c, bool take, struct entity **want,
		     int *where)
{
	char taken[CPUSET_MAX];
	memset(taken, 0, sizeof taken);
	int n = 0;
	for (int i = 0; i < vm->nvcpus && n < 64; i++) {
		struct entity *r = vm->vcpu[i];
		if (r->state != ENT_READY)
			continue;
		int p = target_for(s, r, c, taken);
		if (p < 0 && !taken[c->id] && given_up(s, c) && cpuset_has(&r->affinity, c->id))
			p = c->id;
		for (int q = 0; p < 0 && take && q < s->ncpus; q++) {
			const struct cpu *o = &s->cpu[q];
			if (!taken[q] && o->curr && !o->completing && !ganged(o->curr) && cpuset_has(&r->affinity, q))
				p = q;
		}
		if (p < 0)
			return -1;
		taken[p] = 1;
		want[n] = r;
		where[n++] = p;
	}
	return n;
}

/* When vm began to wait as a gang (no VCPU running, some READY: its
** leader was held back for want of pCPUs), or INT64_MAX; INT64_MIN if
** one of its VCPUs is set aside (being started by start_waiting_gang). */
static int64_t gang_waits_since(const struct vm *vm)
{
	int64_t since = INT64_MAX;
	if (vm->nvcpus < 2)
		return since;
	for (int i = 0; i < vm->nvcpus; i++) {
		const struct entity *r = vm->vcpu[i];
		if (r->held)
			return INT64_MIN;
		if (r->state == ENT_RUNNING)
			return INT64_MAX;
		if (r->state == ENT_READY && r->since < since)
			since = r->since;
	}
	return since;
}

/* c has just been given up by its entity (its slice ended, the policy
** preempted it, or it blocked), whose turn began at `turn`.  The
** longest-waiting gang that fits is started now, with the given slice:
**   - on the idle pCPUs and c, always: nobody is preempted;
**   - also on pCPUs running threads outside any gang (preempting them),
**     if the gang was already waiting when c's entity began its turn:
**     the gang has waited a whole turn of another thread, so it goes
**     next.  Without this a gang beside two CPU-bound threads outside
**     gangs would never find two pCPUs free at once.
** A thread outside a gang is thus preempted by a gang only after a
** thread has had a whole turn while the gang waited, and never two gang
** turns in a row without a turn of its own in between: the gang, once
** stopped, waits again.  Cost: O(VMs x VCPUs x pCPUs) per stop of a
** thread outside a gang and per block while a gang waits. */
static void start_waiting_gang(struct sched *s, struct cpu *c, int64_t turn, int64_t slice)
{
	struct world *w = s->w;
	struct entity *want[64];
	int where[64];
	struct vm *best = NULL;
	int64_t best_since = INT64_MAX;
	if (!given_up(s, c))
		return;
	for (int v = 0; v < w->nvms; v++) {
		struct vm *vm = &w->vms[v];
		int64_t since = gang_waits_since(vm);
		if (since == INT64_MIN)
			return;   /* inside the start below: its preemptions land here */
		if (since < best_since && gang_fits(s, vm, c, since <= turn, want, where) > 0) {
			best = vm;
			best_since = since;
		}
	}
	if (!best)
		return;
	int n = gang_fits(s, best, c, best_since <= turn, want, where);
	/* off the queues and set aside first: the preemptions below come
	** back here (cosched_preempted), which must then do nothing */
	for (int k = 0; k < n; k++) {
		sched__dequeue(s, want[k]);
		want[k]->held = 1;
	}
	for (int k = 0; k < n; k++)
		if (s->cpu[where[k]].curr)
			sched__preempt(s, &s->cpu[where[k]], "costart");
	for (int k = 0; k < n; k++) {
		want[k]->held = 0;
		sched__start_given(s, &s->cpu[where[k]], want[k], slice);
		s->ncostart += counted(s);
	}
}

/* Does some gang wait for pCPUs? */
static bool gang_waiting(const struct sched *s)
{
	for (int v = 0; v < s->w->nvms; v++) {
		int64_t since = gang_waits_since(&s->w->vms[v]);
		if (since > INT64_MIN && since < INT64_MAX)
			return true;
	}
	return false;
}

/* A stop (of a thread outside a gang, or a block), acted on after the
** event that made it (arg: when the thread's turn began): a policy may
** preempt from inside its own bookkeeping (CFS's active balancing and
** timers), and expects to pick on a pCPU its thread left (CFS settles
** the thread there), so a gang must not start on it meanwhile.  By then
** c has picked: it is idle, or runs the policy's next pick, dispatched at
** this instant, which the gang may take c from (given_up).  The gang's
** slice: after a preemption, as long as the thread's turn was (equal
** turns); after a block, the slice c's next pick was given (or the
** blocked thread's, c idle), not the blocked thread's short run. */
static void gang_turn_event(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct cpu *c = obj;
	struct sched *s = &w->sched;
	int64_t now = world_now(w), turn = (int64_t)(arg >> 1), slice;
	if (arg & 1)
		/* preempted: the gang's turn is as long as the thread's was */
		slice = now > turn ? now - turn : -1;
	else
		/* blocked: the slice the policy gave c's next pick */
		slice = !c->curr ? slice_left_by(s, c) : c->slice_end == INT64_MAX ? -1 : c->slice_end - now;
	start_waiting_gang(s, c, now > turn ? turn : INT64_MIN, slice);
}

/* c's thread stopped just now (preempted, or blocked): if a gang waits,
** give it its turn after this event. */
static void gang_turn_later(struct sched *s, struct cpu *c, int preempted)
{
	if (gang_waiting(s))
		world_at(s->w, world_now(s->w), gang_turn_event, c,
			 (uint64_t)(world_now(s->w) - c->ran) << 1 | (uint64_t)preempted);
}

/* ----------------------------------------------------------- relaxed */

static void skew_expired(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct entity *e = obj;
	(void)arg;
	e->skew_ev = EVQ_NONE;
	if (e->state == ENT_READY && sibling_running(e))
		costop_siblings(&w->sched, e, 1);
}

static void arm_skew(struct sched *s, struct entity *e)
{
	if (e->skew_ev == EVQ_NONE && e->state == ENT_READY && !e->costop)
		e->skew_ev = world_at(s->w, world_now(s->w) + s->skew_limit, skew_expired, e, 0);
}

static void disarm_skew(struct sched *s, struct entity *e)
{
	if (e->skew_ev != EVQ_NONE) {
		evq_cancel(&s->w->q, e->skew_ev);
		e->skew_ev = EVQ_NONE;
	}
}

/* The laggard ran or halted: its co-stopped siblings may run again. */
static void release_siblings(struct sched *s, struct entity *e)
{
	struct vm *vm = e->vm;
	for (int i = 0; i < vm->nvcpus; i++) {
		struct entity *r = vm->vcpu[i];
		if (r == e || !r->costop)
			continue;
		r->costop = 0;
		/* an idle pCPU it may run on looks again */
		for (int p = 0; p < s->ncpus; p++)
			if (sched_idle_for(s, p, r)) {
				sched__kick_idle(s, &s->cpu[p]);
				break;
			}
	}
}

/* ------------------------------------------------------------- hooks */

/* Should c not run e now (co-stopped, or its gang cannot start)?  In
** strict mode this is where a VM's other READY VCPUs are started
** together with e (with the same slice). */
static bool hold(struct sched *s, struct cpu *c, struct entity *e, int64_t slice)
{
	if (!ganged(e))
		return false;
	if (s->cosched == COSCHED_RELAXED)
		return e->costop != 0;
	return !strict_costart(s, c, e, slice);
}

/* The decorator's pick_next: the policy's picks, less those held back.
** A held pick goes back to the policy with put_prev at once and is set
** aside (marked held, so no gang starts it meanwhile) while the policy
** picks again; once c's pick is settled, each is queued back as
** preempted. */
static struct entity *cosched_pick_next(struct sched *s, struct cpu *c, int64_t *slice)
{
	const struct sched_ops *pol = s->policy;
	struct entity *held[64];
	int n = 0;
	struct entity *e = pol->pick_next(s, c, slice);
	while (e && n < 64 && hold(s, c, e, *slice)) {
		if (pol->put_prev)
			pol->put_prev(s, c, e, 0);
		e->held = 1;
		held[n++] = e;
		*slice = -1;
		e = pol->pick_next(s, c, slice);
	}
	for (int i = 0; i < n; i++) {
		held[i]->held = 0;
		pol->enqueue(s, c, held[i], SCHED_PREEMPT);
	}
	return e;
}

void cosched_started(struct sched *s, struct cpu *c, struct entity *e)
{
	(void)c;
	if (s->cosched != COSCHED_RELAXED || !ganged(e))
		return;
	disarm_skew(s, e);
	release_siblings(s, e);
	/* siblings still waiting now lag behind e */
	struct vm *vm = e->vm;
	for (int i = 0; i < vm->nvcpus; i++)
		if (vm->vcpu[i] != e)
			arm_skew(s, vm->vcpu[i]);
}

void cosched_preempted(struct sched *s, struct entity *e)
{
	if (s->cosched == COSCHED_STRICT && !ganged(e)) {
		gang_turn_later(s, &s->cpu[e->cpu], 1);
		return;
	}
	if (!s->cosched || !ganged(e))
		return;
	if (s->cosched == COSCHED_STRICT)
		costop_siblings(s, e, 0);
	else if (sibling_running(e))
		arm_skew(s, e);
}

void cosched_waiting(struct sched *s, struct entity *e)
{
	if (!s->cosched || !ganged(e) || !sibling_running(e))
		return;
	if (s->cosched == COSCHED_RELAXED) {
		arm_skew(s, e);
		return;
	}
	/* strict: a woken VCPU joins its running gang, or stops it */
	char taken[CPUSET_MAX];
	memset(taken, 0, sizeof taken);
	int p = target_for(s, e, NULL, taken);
	if (p >= 0) {
		sched__dequeue(s, e);
		/* the gang's remaining slice */
		int64_t slice = -1, now = world_now(s->w);
		for (int i = 0; i < e->vm->nvcpus; i++) {
			const struct entity *r = e->vm->vcpu[i];
			if (r != e && r->state == ENT_RUNNING && s->cpu[r->cpu].slice_end != INT64_MAX)
				slice = s->cpu[r->cpu].slice_end - now;
		}
		sched__start_given(s, &s->cpu[p], e, slice);
		s->ncostart += counted(s);
	} else {
		costop_siblings(s, e, 0);
	}
}

void cosched_blocked(struct sched *s, struct entity *e)
{
	if (s->cosched == COSCHED_STRICT) {
		gang_turn_later(s, &s->cpu[e->cpu], 0);
		return;
	}
	if (s->cosched != COSCHED_RELAXED || !ganged(e))
		return;
	disarm_skew(s, e);
	release_siblings(s, e);
}
