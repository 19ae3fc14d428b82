/*
** Co-scheduling of SMP VMs on top of any policy, after VMware ESX
** ("Co-scheduling SMP VMs in VMware ESX Server", VMware 2008; REFERENCE.md
** sec. 6): the usual what-if against lock-holder preemption.
**
** strict (ESX 2.x): a VM's runnable VCPUs run together or not at all.
**   When the policy picks one, its READY siblings are co-started on other
**   pCPUs (idle ones first, else preempting entities outside any gang)
**   with the same slice; if there are not enough pCPUs the pick is held
**   back.
**   When one is preempted, its running siblings are co-stopped.  A
**   halted (idle) VCPU needs no partner.
** relaxed (ESX 3.x): VCPUs run independently, but a VCPU kept READY
**   while a sibling runs accumulates skew; past the skew limit its
**   running siblings are co-stopped and held off the pCPUs until the
**   laggard has run (or halts).
**
** Only VCPUs of VMs with more than one VCPU are concerned.  Stopped and
** held VCPUs go back to the policy as preempted, so any policy works;
** strict mode also needs the policy's dequeue hook.
*/
#include "models/cosched.h"
#include "models/vm.h"
#include "sim/world.h"

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

int cosched_init(struct sched *s, const struct scn_cosched *cfg, struct diag *d)
{
	s->cosched = cfg->mode == 1 ? COSCHED_STRICT : cfg->mode == 2 ? COSCHED_RELAXED : 0;
	s->skew_limit = cfg->skew;
	if (s->cosched == COSCHED_STRICT && !s->ops->dequeue) {
		diag_error(d, cfg->loc.file, cfg->loc.line,
			   "<coschedule mode>: policy '%s' cannot be co-scheduled strictly (it has no dequeue "
			   "hook); expected mode=\"relaxed\" or another policy",
			   s->ops->name);
		return -1;
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

/* A pCPU for sibling r: allowed, not taken, idle first, else running an
** entity that belongs to no gang (a host thread, a 1-VCPU VM, an
** emulation thread); -1 if none.  Never another gang's VCPU: two gangs
** preempting each other at one instant would never end. */
static int target_for(struct sched *s, const struct entity *r, const struct cpu *leader, const char *taken)
{
	int busy = -1;
	for (int p = 0; p < s->ncpus; p++) {
		const struct cpu *c = &s->cpu[p];
		if (c == leader || taken[p] || !cpuset_has(&r->affinity, p) || c->completing)
			continue;
		if (!c->curr)
			return p;
		if (busy < 0 && c->curr->vm != r->vm && !ganged(c->curr))
			busy = p;
	}
	return busy;
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
		struct cpu *p = &s->cpu[where[k]];
		sched__dequeue(s, want[k]);
		if (p->curr)
			sched__preempt(s, p, "costart");
		sched__start(s, p, want[k], slice);
		s->ncostart += counted(s);
	}
	return true;
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

bool cosched_hold(struct sched *s, struct cpu *c, struct entity *e, int64_t slice)
{
	if (!s->cosched || !ganged(e))
		return false;
	if (s->cosched == COSCHED_RELAXED)
		return e->costop != 0;
	return !strict_costart(s, c, e, slice);
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
		struct cpu *t = &s->cpu[p];
		sched__dequeue(s, e);
		if (t->curr)
			sched__preempt(s, t, "costart");
		/* the gang's remaining slice */
		int64_t slice = -1, now = world_now(s->w);
		for (int i = 0; i < e->vm->nvcpus; i++) {
			const struct entity *r = e->vm->vcpu[i];
			if (r != e && r->state == ENT_RUNNING && s->cpu[r->cpu].slice_end != INT64_MAX)
				slice = s->cpu[r->cpu].slice_end - now;
		}
		sched__start(s, t, e, slice);
		s->ncostart += counted(s);
	} else {
		costop_siblings(s, e, 0);
	}
}

void cosched_blocked(struct sched *s, struct entity *e)
{
	if (s->cosched != COSCHED_RELAXED || !ganged(e))
		return;
	disarm_skew(s, e);
	release_siblings(s, e);
}
