/*
** VMs and guests (see vm.h).
**
** Lock model: each job's run on a VCPU alternates free stretches and
** critical sections with exponential lengths of mean
**     crit = lock-time x f,   free = crit x (1 - h) / h
** cycles (h = lock-hold share, f = frequency), so that a VCPU alone holds
** the lock a share h of its run time.  Entering a critical section while
** a sibling holds the lock spins (run time without progress, accounted
** as t_spin) until the holder leaves it; waiters get the lock in FIFO
** order (ticket spinlocks).  A held lock is released when the job ends.
**
** Lazy phases.  The lock phases only matter to the siblings: while no
** other VCPU of the VM runs, holds the lock or spins, a VCPU's critical
** sections cannot be contended, so its burst runs to the end of its job
** as one run segment (one event instead of one per phase) and the phases
** it went through are walked when the burst ends: the same transitions,
** the same exponential draws (memoryless, so drawn when walked), the same
** acquisition count.  A sibling's dispatch or the VCPU's own preemption
** cuts the burst at its current progress (phase state exact from then
** on, eager again); the next burst boundary may go lazy again.  The
** segment is rounded up to the nanosecond once instead of once per phase.
**
** Counterfactual <ideal remove="lhp"> (docs/explain.md): a holder that
** the host deschedules leaves its critical section at that moment (its
** remaining critical work is done later outside it), so no VCPU ever
** spins on a descheduled holder; the contention between siblings that
** run stays.  Uhlig et al. (VM'04) avoid lock-holder preemption the same
** way in effect: the guest's preemption is delayed until it holds no lock.
*/
#include "models/vm.h"
#include "models/io.h"
#include "models/workload.h"
#include "models/wl_burst.h"
#include "models/world.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/engine/rng.h"
#include "sim/engine/zexp.h"

#define SPIN_FOREVER 1e30
#define DRAW_MASK (VCPU_DRAWS - 1u)

/* The k-th draw not yet taken from VCPU v's ring of unit exponentials
** (uni: of uniforms), drawn from its stream when first needed.  Draws
** are taken in the order they were made, so a draw looked at ahead by
** the planner is the one the walk later takes. */
static double peek_draw(struct vcpu_state *v, int uni, unsigned k)
{
	double *ring = uni ? v->un : v->ex;
	unsigned h = uni ? v->un_h : v->ex_h;
	unsigned *n = uni ? &v->un_n : &v->ex_n;
	while (*n <= k) {
		ring[(h + *n) & DRAW_MASK] = uni ? mt_uniform(&v->r) : zexp(&v->r);
		++*n;
	}
	return ring[(h + k) & DRAW_MASK];
}

static double take_draw(struct vcpu_state *v, int uni)
{
	double x = peek_draw(v, uni, 0);
	if (uni) {
		v->un_h = (v->un_h + 1) & DRAW_MASK;
		v->un_n--;
	} else {
		v->ex_h = (v->ex_h + 1) & DRAW_MASK;
		v->ex_n--;
	}
	return x;
}

/* The layout of a VCPU's phase ends (plan() below) is kept from one plan
** to the next while its run segment and its state change only by passing
** them; any other change drops it. */
extern long DBG[8];
static inline void unlay(struct vcpu_state *v)
{
	if (v->lay_ok) DBG[7] += v->lay_n;
	v->lay_ok = 0;
}

long DBG[8];
static double draw(struct vm *vm, int i, double mean)
{
	return mean * take_draw(&vm->vs[i], 0);
}

static int lock_model(const struct vm *vm)
{
	return vm->nvcpus > 1 && (vm->crit_mean[LK_GUEST] > 0 || vm->crit_mean[LK_SHADOW] > 0);
}

/* Which lock a critical section is on: the shadow lock with probability
** p_shadow (a uniform is drawn only when both locks are in the model). */
static int two_locks(const struct vm *vm)
{
	return vm->p_shadow > 0 && vm->p_shadow < 1;
}

static int lock_of(const struct vm *vm, double u)
{
	if (vm->p_shadow <= 0)
		return LK_GUEST;
	if (vm->p_shadow >= 1)
		return LK_SHADOW;
	return u < vm->p_shadow ? LK_SHADOW : LK_GUEST;
}

static int section_lock(struct vm *vm, int i)
{
	return lock_of(vm, two_locks(vm) ? take_draw(&vm->vs[i], 1) : 0);
}

/* VCPU i takes lock k (free) and begins a critical section on it. */
static void take(struct vm *vm, int i, int k)
{
	struct vcpu_state *v = &vm->vs[i];
	unlay(v);
	vm->holder[k] = i;
	vm->acquired[k]++;
	v->phase = PH_CRIT;
	v->lk = k;
	v->phase_left = draw(vm, i, vm->crit_mean[k]);
}

/* A burst ends at the job's slice end at the latest (no slice: as is). */
static double to_slice_end(const struct vcpu_state *v, double b)
{
	double s = v->left - v->slice_mark;
	return s < b ? s : b;
}

/*
** Phase ends.  A running VCPU's run is a sequence of phase ends: an
** acquisition (a free stretch ends), a release (a critical section
** ends) or the end of its burst (the job's, or its slice's).  Only some
** of them can be observed by a sibling: an acquisition of a lock another
** VCPU holds (it spins), a release a VCPU waits for (it gets the lock).
** The others change nothing any sibling sees, so a VCPU runs through
** them in one run segment and they are applied ("passed") later, with
** the same draws in the same order.  Which ones are safe is the
** planner's business (plan() below): it lays the phase ends of the VM's
** running VCPUs out in time (each VCPU's draws are taken ahead from its
** own stream, so laying them out changes none of them) and finds the
** first one a sibling could observe.
*/
enum { NB_ACQ, NB_REL, NB_END };

/* The next phase end of a VCPU with `left` cycles of its job, `pl` of
** its phase and slice mark sm: its distance in cycles and its kind.  A
** slice end that coincides with a phase end is the burst's end. */
static inline int next_end(double left, double pl, int phase, double sm, double *b)
{
	double d = left < pl ? left : pl;
	int kind = left <= pl ? NB_END : phase == PH_CRIT ? NB_REL : NB_ACQ;
	double s = left - sm;
	if (s <= d) {
		d = s;
		kind = NB_END;
	}
	*b = d;
	return kind;
}

static void lay_shift(struct vcpu_state *v);

/* Pass VCPU i's next phase end, b cycles ahead, which no sibling
** observes: acquisitions count and draw as take() does, but the holders
** are set afterwards from the phases (fix_holders). */
static void pass(struct vm *vm, int i, double b, int kind)
{
	struct vcpu_state *v = &vm->vs[i];
	lay_shift(v); DBG[2]++;
	v->left -= b;
	v->phase_left -= b;
	v->walked += b;
	if (kind == NB_ACQ) {
		int k = section_lock(vm, i);
		vm->acquired[k]++;
		v->phase = PH_CRIT;
		v->lk = k;
		v->phase_left = draw(vm, i, vm->crit_mean[k]);
	} else if (v->phase == PH_CRIT && (v->phase_left <= 0 || v->left <= 0)) {
		v->phase = PH_RUN;
		v->phase_left = draw(vm, i, vm->free_mean);
	}
}

/* Walk VCPU i's phases over `done` cycles of progress, which no sibling
** observed (the burst of a VCPU alone, or the part of a burst before its
** preemption).  A phase that ends exactly at `done` with an acquisition
** is left for next_burst, which sees the siblings as they are then. */
static void walk(struct vm *vm, int i, double done)
{
	struct vcpu_state *v = &vm->vs[i];
	unlay(v);
	for (;;) {
		double b = v->left < v->phase_left ? v->left : v->phase_left;
		if (b > done) {
			v->left -= done;
			v->phase_left -= done;
			v->walked += done;
			return;
		}
		done -= b;
		v->left -= b;
		v->phase_left -= b;
		v->walked += b;
		if (v->phase == PH_CRIT && (v->phase_left <= 0 || v->left <= 0)) {
			v->phase = PH_RUN;
			v->phase_left = draw(vm, i, vm->free_mean);
		}
		if (v->left <= 0 || (v->phase_left <= 0 && done <= 0))
			return;
		if (v->phase == PH_RUN && v->phase_left <= 0) {
			int k = section_lock(vm, i);
			vm->acquired[k]++;
			v->phase = PH_CRIT;
			v->lk = k;
			v->phase_left = draw(vm, i, vm->crit_mean[k]);
		}
	}
}

/* Each lock's holder from the phases after passes and walks: the VCPU in
** a critical section on it, or the waiter it was handed to that has not
** run since.  The planner passes only phase ends no sibling observes, so
** at most one VCPU is inside a section of a lock (counted otherwise). */
static void fix_holders(struct vm *vm)
{
	for (int k = 0; k < NLOCKS; k++) {
		int h = vm->holder[k];
		if (h >= 0 && vm->vs[h].phase == PH_SPIN && vm->vs[h].lk == k)
			continue;
		int n = 0;
		h = -1;
		for (int i = 0; i < vm->nvcpus; i++)
			if (vm->vs[i].phase == PH_CRIT && vm->vs[i].lk == k) {
				h = i;
				n++;
			}
		if (n > 1)
			vm->lock_anomalies++;
		vm->holder[k] = h;
	}
}

static void release(struct world *w, struct vm *vm, int i);

/* Hand a lock a walk freed to its first waiter (as release() does). */
static void grant_free(struct world *w, struct vm *vm)
{
	for (int k = 0; k < NLOCKS; k++) {
		if (vm->holder[k] >= 0 || vm->nspin[k] == 0)
			continue;
		int j = vm->spinq[k][0];
		memmove(vm->spinq[k], vm->spinq[k] + 1, (size_t)(vm->nspin[k] - 1) * sizeof *vm->spinq[k]);
		vm->nspin[k]--;
		vm->holder[k] = j;
		vm->acquired[k]++;
		sched_set_work(&w->sched, vm->vcpu[j], 0);
	}
}

/* A cursor over a running VCPU's laid-out phase ends: the j-th from its
** state now, at offset off of its burst, reached at time t. */
struct cur {
	int i, fresh, j, last;
	double base;          /* cycles of the burst before its run segment began */
	double b, off;
	int64_t t;
	int kind, k;
};

/* Lay out one more end of VCPU i (its layout is not at a burst's end). */

static void lay_more(struct world *w, struct vm *vm, int i, int fresh, double base)
{
	DBG[0]++; DBG[6] += fresh;
	struct vcpu_state *v = &vm->vs[i];
	struct vcpu_end *n = &v->lay[(v->lay_h + v->lay_n) % VCPU_PLAN];
	n->kind = next_end(v->lay_left, v->lay_pl, v->lay_phase, v->slice_mark, &n->b);
	n->off = v->lay_off + n->b;
	n->t = sched_time_at(&w->sched, vm->vcpu[i], n->off - base, fresh);
	n->dex = n->dun = 0;
	n->k = -1;
	v->lay_n++;
	if (n->kind == NB_END) {
		/* the last: the state after it is not laid out (an interrupt
		** that lengthens the job drops it, vm_interrupt) */
		v->lay_end = 1;
		return;
	}
	v->lay_left -= n->b;
	v->lay_pl -= n->b;
	v->lay_off = n->off;
	if (n->kind == NB_ACQ) {
		if (two_locks(vm))
			n->dun = 1;
		n->k = lock_of(vm, n->dun ? peek_draw(v, 1, v->lay_pu++) : 0);
		v->lay_phase = PH_CRIT;
		v->lay_lk = n->k;
		v->lay_pl = vm->crit_mean[n->k] * peek_draw(v, 0, v->lay_pe++);
		n->dex = 1;
	} else if (n->kind == NB_REL) {
		v->lay_phase = PH_RUN;
		v->lay_pl = vm->free_mean * peek_draw(v, 0, v->lay_pe++);
		n->dex = 1;
	}
}

static void cur_load(struct world *w, struct vm *vm, struct cur *c)
{
	struct vcpu_state *v = &vm->vs[c->i];
	if (c->j >= v->lay_n)
		lay_more(w, vm, c->i, c->fresh, c->base);
	const struct vcpu_end *n = &v->lay[(v->lay_h + c->j) % VCPU_PLAN];
	c->b = n->b;
	c->off = n->off;
	c->t = n->t;
	c->kind = n->kind;
	c->k = n->k;
}

/* fresh: i's run segment starts now (its burst from 0 cycles); else it
** runs one begun earlier, e->work cycles short of the burst's end. */
static void cur_init(struct world *w, struct vm *vm, struct cur *c, int i, int fresh)
{
	struct vcpu_state *v = &vm->vs[i];
	c->i = i;
	c->fresh = fresh;
	c->base = fresh ? 0 : v->burst - vm->vcpu[i]->work;
	c->j = 0;
	c->last = 0;
	if (fresh || !v->lay_ok) {
		if (v->lay_ok) DBG[7] += v->lay_n;
		v->lay_ok = 1;
		v->lay_h = v->lay_n = 0;
		v->lay_end = 0;
		v->lay_left = v->left;
		v->lay_pl = v->phase_left;
		v->lay_off = fresh ? 0 : v->walked;
		v->lay_phase = v->phase;
		v->lay_lk = v->lk;
		v->lay_pe = v->lay_pu = 0;
	}
	cur_load(w, vm, c);
}

static void cur_pass(struct world *w, struct vm *vm, struct cur *c)
{
	c->j++;
	cur_load(w, vm, c);
}

/* VCPU i passed the first end of its layout (pass()). */
static void lay_shift(struct vcpu_state *v)
{
	if (!v->lay_ok || v->lay_n == 0) {
		v->lay_ok = 0;
		return;
	}
	const struct vcpu_end *n = &v->lay[v->lay_h];
	v->lay_pe -= (unsigned)n->dex;
	v->lay_pu -= (unsigned)n->dun;
	v->lay_h = (v->lay_h + 1) % VCPU_PLAN;
	v->lay_n--;
}

/* Does VCPU i run a burst the planner lays out (not spinning, with a job,
** its pCPU not inside a completion)? */
static bool planned_run(const struct world *w, const struct vm *vm, int i)
{
	const struct entity *e = vm->vcpu[i];
	return e->state == ENT_RUNNING && vm->vs[i].job && vm->vs[i].phase != PH_SPIN &&
	       !w->sched.cpu[e->cpu].completing;
}

/* Apply the phase ends the running VCPUs (but self and skip) passed
** before now, and those at now of VCPUs numbered below self, never a
** VCPU's planned last end: the state at now as the plan had it.  A VCPU
** walking by cycles (alone) is synchronised with its pCPU instead. */
static void advance(struct world *w, struct vm *vm, int self, int skip)
{
	int64_t now = world_now(w);
	for (int i = 0; i < vm->nvcpus; i++) {
		if (i == self || i == skip || !planned_run(w, vm, i))
			continue;
		struct vcpu_state *v = &vm->vs[i];
		struct entity *e = vm->vcpu[i];
		if (v->nplan < 0) {
			sched_sync_work(&w->sched, e);
			unlay(v);
			double done = v->burst - e->work - v->walked;
			walk(vm, i, done > 0 ? done : 0);
			sched_retarget(&w->sched, e, e->work);
			continue;
		}
		struct cur c;
		cur_init(w, vm, &c, i, 0);
		while (c.kind != NB_END && c.off < v->burst && (c.t < now || (c.t == now && i < self))) {
			pass(vm, i, c.b, c.kind);
			cur_init(w, vm, &c, i, 0);
		}
	}
}

/* Plan the bursts of the VM's running VCPUs from now (all of them
** advanced to now): `fresh` (or -1) is a VCPU whose run segment starts
** now, skip (or -1) one leaving its pCPU.  Each burst ends at the VCPU's
** first phase end a sibling could observe:
**   - with a VCPU spinning, every VCPU's next end (the holder's release
**     hands the lock over, each acquisition meets the queue);
**   - a VCPU alone (no sibling runs, holds or waits for a lock): the end
**     of its job, walked by cycles afterwards;
**   - else the phase ends of all of them, merged in time (ties by VCPU
**     number), until the first acquisition of a lock another holds at t_c:
**     each burst ends at its first end at or after t_c, at the end of its
**     job or slice, or after PLAN_MAX ends.  Every end passed before lies
**     before t_c, and no sibling observes it; the one at the burst's end
**     is an event, and any event of the VM plans again.
** Returns fresh's burst in cycles (-1 without one); the others' run
** segments are re-aimed without closing them (sched_retarget). */
static double plan(struct world *w, struct vm *vm, int fresh, int skip)
{
	DBG[1]++;
	struct cur cs[64];
	int nc = 0, others = 0, spin = 0;
	if (vm->nvcpus > 64)
		spin = 1;
	for (int k = 0; k < NLOCKS; k++)
		if (vm->nspin[k] > 0)
			spin = 1;
	for (int i = 0; i < vm->nvcpus && nc < 64; i++) {
		if (i == skip)
			continue;
		if (i == fresh) {
			cur_init(w, vm, &cs[nc++], i, 1);
			continue;
		}
		if (vm->vcpu[i]->state != ENT_RUNNING)
			continue;
		if (!planned_run(w, vm, i)) {
			others = 1;
			continue;
		}
		cur_init(w, vm, &cs[nc++], i, 0);
	}
	int held[NLOCKS];
	for (int k = 0; k < NLOCKS; k++)
		held[k] = vm->holder[k];
	int alone = nc == 1 && !others && !spin;
	DBG[3] += spin; DBG[4] += alone; DBG[5] += nc;
	{ static long why[4]; if (nc == 1 && !alone && !spin) { why[others ? 0 : 1]++; } if (nc == 0) why[2]++; if (nc == 2) why[3]++;
	  static long cnt; if (++cnt % 1000000 == 0 && getenv("DBG")) fprintf(stderr, "single: others %ld held %ld; none %ld two %ld\n", why[0], why[1], why[2], why[3]); }
	for (int k = 0; k < NLOCKS && alone; k++)
		if (held[k] >= 0 && held[k] != cs[0].i)
			alone = 0;
	if (!spin && !alone) {
		/* the earliest burst end found so far: an event, after which
		** everything is planned again, so nothing later is laid out */
		int64_t hmin = INT64_MAX;
		for (;;) {
			struct cur *c = NULL;
			for (int m = 0; m < nc; m++)
				if (!cs[m].last && (!c || cs[m].t < c->t))
					c = &cs[m];
			if (!c || c->t >= hmin)
				break;
			if (c->kind == NB_END || c->j + 1 >= VCPU_PLAN) {
				c->last = 1;
				hmin = c->t;
				continue;
			}
			if (c->kind == NB_ACQ) {
				if (held[c->k] >= 0 && held[c->k] != c->i)
					break;      /* t_c: every cursor's next end is at or after it */
				held[c->k] = c->i;
			} else {
				for (int k = 0; k < NLOCKS; k++)
					if (held[k] == c->i)
						held[k] = -1;
			}
			cur_pass(w, vm, c);
		}
	}
	double ret = -1;
	for (int m = 0; m < nc; m++) {
		struct cur *c = &cs[m];
		struct vcpu_state *v = &vm->vs[c->i];
		struct entity *e = vm->vcpu[c->i];
		double target;
		int nplan;
		if (alone) {
			target = (c->fresh ? 0 : v->walked) + to_slice_end(v, v->left);
			nplan = -1;
		} else {
			target = c->off;
			nplan = c->j + 1;
		}
		if (c->fresh) {
			v->walked = 0;
			v->burst = target;
			v->nplan = nplan;
			ret = target;
		} else {
			if (target != v->burst)
				sched_retarget(&w->sched, e, e->work + (target - v->burst));
			v->burst = target;
			v->nplan = nplan;
		}
	}
	return ret;
}

/* The next burst for VCPU i, taking a job from the guest queue if it has
** none; negative when it halts.  May take a lock or start spinning.  A
** VCPU whose run segment starts now (its done() is running) is planned
** with its running siblings; one that waits to run gets the cycles to
** its next phase end, and is planned when dispatched. */
static double next_burst(struct world *w, struct vm *vm, int i)
{
	struct vcpu_state *v = &vm->vs[i];
	unlay(v);
	struct entity *e = vm->vcpu[i];
	int lm = lock_model(vm);
	int now_running = e->state == ENT_RUNNING && w->sched.cpu[e->cpu].completing;
	if (!v->job) {
		struct gjob *j = vm->qhead;
		if (!j || v->io_wait) {
			if (lm && now_running)
				plan(w, vm, -1, i);
			return -1;
		}
		vm->qhead = j->next;
		if (!vm->qhead)
			vm->qtail = NULL;
		vm->qlen--;
		v->job = j;
		if (!j->vcpu) {
			/* the first take (a job sent behind the queue keeps its
			** first take's marks: models/io.c splits its time from there) */
			j->vcpu = e;
			j->t_take = world_now(w);
			j->ready0 = e->c_ready + (e->state == ENT_READY ? j->t_take - e->since : 0);
			j->spin0 = e->c_spin;
			j->held_take = vm_held_ns(vm, j->t_take);
		}
		v->left = j->work + v->pending;
		v->pending = 0;
		v->slice_mark = vm->quantum > 0 ? v->left - vm->quantum : -INFINITY;
		v->phase = PH_RUN;
		v->phase_left = lm ? draw(vm, i, vm->free_mean) : INFINITY;
	}
	if (v->phase == PH_RUN && v->phase_left <= 0) {
		int k = section_lock(vm, i);
		if (vm->holder[k] < 0) {
			take(vm, i, k);
		} else {
			vm->contended[k]++;
			vm->spinq[k][vm->nspin[k]++] = i;
			v->phase = PH_SPIN;
			v->lk = k;
			e->spinning = 1;
			v->burst = SPIN_FOREVER;
			if (now_running)
				plan(w, vm, -1, i);
			return v->burst;
		}
	}
	if (lm && now_running)
		return plan(w, vm, i, -1);
	v->walked = 0;
	v->nplan = 1;
	return v->burst = to_slice_end(v, v->left < v->phase_left ? v->left : v->phase_left);
}

static bool is_vcpu(const struct vm *vm, const struct entity *e)
{
	return e->idx >= 0 && e->idx < vm->nvcpus && vm->vcpu[e->idx] == e;
}

void vm_vcpu_dispatch(struct world *w, struct entity *e)
{
	struct vm *vm = e->vm;
	if (!lock_model(vm) || !is_vcpu(vm, e))
		return;
	/* the siblings' phases up to now, then every burst planned again,
	** e's from now */
	advance(w, vm, -1, e->idx);
	fix_holders(vm);
	grant_free(w, vm);
	struct vcpu_state *v = &vm->vs[e->idx];
	if (v->phase == PH_SPIN || !v->job) {
		plan(w, vm, -1, -1);
		return;
	}
	e->work = plan(w, vm, e->idx, -1);
}

void vm_vcpu_state(struct world *w, struct entity *e, int from, int to)
{
	struct vm *vm = e->vm;
	if (!vm->cfg || !is_vcpu(vm, e) || !vm->vs[e->idx].job)
		return;
	/* a VCPU's job changes only while it runs or halts, never while it
	** is ready: what entered READY with a job leaves it with one */
	int64_t now = world_now(w);
	if (from == ENT_READY && --vm->nheld == 0)
		vm->c_held += now - vm->held_since;
	if (to == ENT_READY && vm->nheld++ == 0)
		vm->held_since = now;
}

int64_t vm_held_ns(const struct vm *vm, int64_t now)
{
	return vm->c_held + (vm->nheld > 0 ? now - vm->held_since : 0);
}

/* Does VCPU i, descheduled now inside a critical section, leave it?  On
** the shadow lock always: the hypervisor's shadow code runs with the
** lock held and is not preempted (Xen's code is not preemptible, KVM
** holds mmu_lock as a spinlock, preemption off), so the section ends
** before the VCPU is descheduled.  On the guest lock only under
** <ideal remove="lhp">. */
static bool leaves_when_preempted(const struct world *w, const struct vm *vm, int i)
{
	const struct vcpu_state *v = &vm->vs[i];
	if (v->phase != PH_CRIT || vm->holder[v->lk] != i)
		return false;
	return v->lk == LK_SHADOW || world_ideal(w, SCN_IDEAL_LHP);
}

void vm_vcpu_preempted(struct world *w, struct entity *e)
{
	struct vm *vm = e->vm;
	if (!lock_model(vm) || !is_vcpu(vm, e))
		return;
	int i = e->idx;
	struct vcpu_state *v = &vm->vs[i];
	/* the siblings' phases up to now; e's over the progress its closed
	** run segment made (e->work cycles short of the burst's end) */
	unlay(v);
	advance(w, vm, -1, i);
	if (v->job && v->phase != PH_SPIN) {
		double done = v->burst - e->work - v->walked;
		walk(vm, i, done > 0 ? done : 0);
	}
	fix_holders(vm);
	grant_free(w, vm);
	if (leaves_when_preempted(w, vm, i)) {
		/* the holder leaves its critical section as it is descheduled
		** (the lock goes to the first waiter); the critical work it had
		** left is done later as ordinary work */
		release(w, vm, i);
	}
	if (v->job && v->phase != PH_SPIN) {
		v->walked = 0;
		v->nplan = 1;
		v->burst = v->left <= 0 || (v->phase == PH_RUN && v->phase_left <= 0)
				   ? 0 : to_slice_end(v, v->left < v->phase_left ? v->left : v->phase_left);
		e->work = v->burst;
	}
	plan(w, vm, -1, i);
}

/* VCPU i leaves the critical section: the first waiter gets the lock and
** its spin ends now (at once if it is running, at its next dispatch if
** the host has descheduled it). */
static void release(struct world *w, struct vm *vm, int i)
{
	struct vcpu_state *v = &vm->vs[i];
	unlay(v);
	int k = v->lk;
	if (vm->holder[k] != i)
		return;
	vm->holder[k] = -1;
	v->phase = PH_RUN;
	v->phase_left = draw(vm, i, vm->free_mean);
	if (vm->nspin[k] == 0)
		return;
	int j = vm->spinq[k][0];
	memmove(vm->spinq[k], vm->spinq[k] + 1, (size_t)(vm->nspin[k] - 1) * sizeof *vm->spinq[k]);
	vm->nspin[k]--;
	vm->holder[k] = j;
	vm->acquired[k]++;
	sched_set_work(&w->sched, vm->vcpu[j], 0);
}

/* The guest's time slicing (<guest timeslice>, 0 by default: each job
** runs to its end).  Linux 2.6.21's O(1) scheduler (kernel/sched.c,
** task_running_tick) sends a running interactive task to the tail of its
** priority list every TIMESLICE_GRANULARITY ticks of its slice,
**     GRANULARITY x 2^(max(MAX_BONUS - bonus, 1) - 1) x num_online_cpus
** ticks with GRANULARITY = 10 ms in ticks (2 at HZ 250, 8 ms): 8 ms x
** ncpus for a task of full bonus, as Apache workers that sleep between
** requests are.  <guest timeslice> is the slice per online CPU (8 ms);
** the VM's quantum is that times its VCPUs.  The guest's workers all
** have the same priority, so a job that has run a slice while others
** wait goes behind them and the VCPU takes the queue's head (round
** robin); with nobody waiting it starts a new slice.  Approximations:
** the slice counts the job's own progress in cycles (ticks count time
** while the task runs); interrupt work added to the job does not use its
** slice; a slice that ends inside a critical section is extended to the
** section's end (the guest kernel is not preemptible,
** CONFIG_PREEMPT_NONE). */
#define SLICE_EPS 1.0   /* cycles: a burst that reached the slice end, rounding aside */
static void slice_end(struct vm *vm, int i)
{
	struct vcpu_state *v = &vm->vs[i];
	unlay(v);
	struct gjob *j = v->job;
	if (v->phase != PH_RUN) {
		/* at the section's end (a cycle past it, so that a residue of
		** the section shorter than the rounding of left still runs) */
		v->slice_mark = v->left - v->phase_left - SLICE_EPS;
		return;
	}
	if (!vm->qhead) {
		v->slice_mark = v->left - vm->quantum;
		return;
	}
	j->work = v->left;
	v->job = NULL;
	j->next = NULL;
	vm->qtail->next = j;
	vm->qtail = j;
	vm->qlen++;
	vm->requeues++;
}

static double vcpu_done(struct world *w, struct entity *e)
{
	struct vm *vm = e->vm;
	int i = e->idx;
	struct vcpu_state *v = &vm->vs[i];
	int lm = lock_model(vm);
	unlay(v);
	if (lm)
		advance(w, vm, i, -1);   /* the siblings' phases up to now */
	if (v->phase == PH_SPIN) {
		/* granted: the releaser made us the holder */
		e->spinning = 0;
		v->phase = PH_CRIT;
		v->phase_left = draw(vm, i, vm->crit_mean[v->lk]);
		fix_holders(vm);
		return next_burst(w, vm, i);
	}
	if (!lm) {
		v->left -= v->burst;
		v->phase_left -= v->burst;
	} else if (v->nplan < 0) {
		walk(vm, i, v->burst - v->walked);
		fix_holders(vm);
	} else {
		/* the planned ends before the burst's end passed unobserved; the
		** one at its end is now (none if an interrupt lengthened the job
		** meanwhile: the burst ends short of it) */
		double b;
		int kind = next_end(v->left, v->phase_left, v->phase, v->slice_mark, &b);
		while (kind != NB_END && v->walked + b < v->burst) {
			pass(vm, i, b, kind);
			kind = next_end(v->left, v->phase_left, v->phase, v->slice_mark, &b);
		}
		if (v->walked + b > v->burst)
			b = v->burst - v->walked;
		v->left -= b;
		v->phase_left -= b;
		v->walked += b;
		fix_holders(vm);
		if (v->phase == PH_CRIT && (v->phase_left <= 0 || v->left <= 0))
			release(w, vm, i);
	}
	if (lm)
		grant_free(w, vm);
	if (v->left <= 0) {
		struct gjob *j = v->job;
		v->job = NULL;
		vm->jobs_done += j != &v->tick;
		j->done(w, j);
	} else if (v->left <= v->slice_mark + SLICE_EPS) {
		slice_end(vm, i);
	}
	return next_burst(w, vm, i);
}

void vm_submit(struct world *w, struct vm *vm, struct gjob *j)
{
	j->next = NULL;
	j->vcpu = NULL;                 /* not taken yet */
	if (vm->qtail)
		vm->qtail->next = j;
	else
		vm->qhead = j;
	vm->qtail = j;
	vm->qlen++;
	/* the guest wakes its lowest halted VCPU (an IPI to an idle CPU).
	** The host-side waker is whoever submits: a VCPU or the I/O thread
	** inside its done() (a guest IPI, KVM injecting an interrupt after
	** emulation: kvm_vcpu_kick), a device interrupt, or the guest timer
	** of a caller that says so (sched_irq_from) */
	for (int i = 0; i < vm->nvcpus; i++) {
		if (vm->vs[i].job || vm->vcpu[i]->state != ENT_BLOCKED || vm->vs[i].io_wait)
			continue;
		double b = next_burst(w, vm, i);
		if (b >= 0)
			sched_wake(&w->sched, vm->vcpu[i], b);
		return;
	}
}

static void tick_done(struct world *w, struct gjob *j)
{
	(void)w;
	(void)j;
}

void vm_interrupt(struct world *w, struct vm *vm, int i, double cycles)
{
	struct vcpu_state *v = &vm->vs[i];
	struct entity *e = vm->vcpu[i];
	if (v->job) {
		/* a running VCPU's burst still ends where it was planned: short
		** of its job's end now, and planned again from there */
		v->left += cycles;        /* the interrupted job finishes later */
		v->slice_mark += cycles;  /* and the handler does not use its slice */
		/* its laid-out phase ends stay; the burst's end moves */
		if (v->lay_ok) {
			if (v->lay_end) {
				v->lay_n--;
				v->lay_end = 0;
			}
			v->lay_left += cycles;
		}
	} else if (e->state == ENT_BLOCKED && !v->io_wait) {
		/* a halted VCPU wakes for the handler, then halts again */
		v->tick.work = 0;
		v->tick.done = tick_done;
		v->tick.owner = vm;
		v->job = &v->tick;
		v->slice_mark = -INFINITY;
		v->left = cycles + v->pending;
		v->pending = 0;
		v->phase = PH_RUN;
		v->phase_left = INFINITY;
		v->burst = v->left;
		v->walked = 0;
		v->nplan = 1;
		/* the guest's timer is KVM's LAPIC hrtimer, which fires on the
		** CPU the VCPU thread last ran on (it moves with the thread) */
		sched_wake_from(&w->sched, e, v->burst, SCHED_WAKER_SELF);
	} else {
		/* woken, about to take a job; or waiting for qemu-dm, which
		** injects pending interrupts when it re-enters the guest */
		v->pending += cycles;
	}
}

void vm_ioreq_block(struct world *w, struct vm *vm, int i)
{
	vm->vs[i].io_wait = 1;
	vm->vs[i].io_wait_t0 = world_now(w);
	vm->ioreq_waits++;
}

/* qemu-dm has answered: the VCPU re-enters the guest (Dom0's event-channel
** notification wakes it, so the waker is the Dom0 VCPU that answered),
** takes the next job, or runs the interrupt work that came meanwhile. */
void vm_ioreq_resume(struct world *w, struct vm *vm, int i)
{
	struct vcpu_state *v = &vm->vs[i];
	struct entity *e = vm->vcpu[i];
	v->io_wait = 0;
	vm->ioreq_wait_ns += world_now(w) - v->io_wait_t0;
	if (v->job || e->state != ENT_BLOCKED)
		return;
	double b = next_burst(w, vm, i);
	if (b >= 0)
		sched_wake(&w->sched, e, b);
	else if (v->pending > 0)
		vm_interrupt(w, vm, i, 0);
}

/* The periodic tick of a guest kernel with HZ ticks per second on every
** VCPU, idle or not (2.6.21 x86-64 has no dynticks: NO_HZ came to x86-64
** in 2.6.24).  Each costs the handler and its exits (docs/sources.md sec. 5). */
static void vm_tick(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct vm *vm = obj;
	(void)arg;
	vm->ticks++;
	for (int i = 0; i < vm->nvcpus; i++)
		vm_interrupt(w, vm, i, vm->tick_cycles);
	world_at(w, world_now(w) + vm->tick_period, vm_tick, vm, 0);
}

void vm_place_memory(struct vm *vm, int node)
{
	if (vm->mem_node != MEM_UNPLACED)
		return;
	vm->mem_node = node;
	for (int i = 0; i < vm->nvcpus; i++)
		vm->vcpu[i]->mem_node = node;
	if (vm->iothread)
		vm->iothread->mem_node = node;
}

/* Xen 3.3.0 builds a domain's VCPUs before its memory: VCPU 0 goes to
** default_vcpu0_location() (xen/common/domctl.c: the pCPU with the
** fewest VCPUs of all domains not down, counted by v->processor; ties
** go to the higher-numbered pCPU; without hyperthreads the loop starts
** from pCPU 0 and takes each later i with cnt[i] <= cnt[cpu]), VCPU i
** to (VCPU i-1's pCPU + 1) mod the pCPUs (XEN_DOMCTL_max_vcpus); then
** alloc_domheap_pages() takes the domain's pages from domain_to_node(d),
** the node of VCPU 0's pCPU (xen/common/page_alloc.c,
** include/xen/numa.h).  cnt[] holds where the VCPUs of Dom0 (VCPU i on
** pCPU i) and of the domains built before were placed; a domain's VCPUs
** are down while it is built, so they count from the next one.  Returns
** the home node and counts the new domain's VCPUs. */
static int xen_home_node(const struct world *w, int *cnt, int nvcpus)
{
	int n = w->mach.ncpus, cpu = 0;
	for (int i = 1; i < n; i++)
		if (cnt[i] <= cnt[cpu])
			cpu = i;
	int home = w->mach.cpu[cpu].node;
	for (int k = 0; k < nvcpus; k++, cpu = (cpu + 1) % n)
		cnt[cpu]++;
	return home;
}

/*
** The lock phases of a guest VM of configuration c.  The guest kernel's
** lock is held a share h_g = <guest lock-hold> of the run time, in
** sections of mean lock-time.  The shadow lock: under shadow paging the
** hypervisor fixes a guest's shadow page tables with one lock per VM
** held (Xen 3.3, xen/arch/x86/mm/shadow/multi.c: sh_page_fault takes
** shadow_lock(d), the domain's, to fix the fault, and emulated writes to
** guest page tables validate under it, common.c
** shadow_validate_guest_pt_write; KVM-75, arch/x86/kvm/paging_tmpl.h:
** FNAME(page_fault) fetches the shadow entry under kvm->mmu_lock, a
** spinlock, and kvm_mmu_pte_write takes it too).  Of a job's cycles
** ((1 - k) + k s per cycle of work, io_guest_cycles: k the workload's
** kernel share, s the shadow factor) the shadow work is k (s - 1), and a
** share L = <io shadow-lock> of it is done with the lock held:
**     h_s = L k (s - 1) / ((1 - k) + k s)
** 0 without shadow paging (s = 1, <ideal remove="paging">, native).
** Sections of either lock follow free stretches of mean F; a section is
** on lock j with probability p_j, of mean c_j, so that lock j is held a
** share h_j of a VCPU's run time alone:
**     p_j c_j = h_j T,   T = 1 / (h_g / c_g + h_s / c_s),   F = T (1 - h_g - h_s)
** (with h_s = 0: F = c_g (1 - h_g) / h_g, p_s = 0, the guest lock alone).
** Sections of the two locks do not nest.  At a given hold share the
** share of time spent spinning does not depend on the section length
** (every phase scales with it), only the number of events does
** (tests/test_vm.c).
*/
static void lock_phases(const struct world *w, struct vm *vm, const struct scn_vm *c)
{
	const struct scenario *s = w->scn;
	double hg = c->guest.lock_hold, hs = 0, ks = -1;
	for (int j = 0; j < c->nworkloads && ks < 0; j++) {
		const struct scn_workload *wl = &c->workload[j];
		if (wl->kind == WL_SPECWEB || wl->kind == WL_REQUESTS)
			ks = wl->specweb.kernel_share;
		else if (wl->kind == WL_BZIP2 || wl->kind == WL_NETPERF || wl->kind == WL_DD)
			ks = wl->micro.kernel_share;
	}
	double sh = world_ideal(w, SCN_IDEAL_PAGING) ? 1 : s->hv.io.shadow;
	if (ks > 0 && sh > 1 && s->hv.io.shadow_lock > 0)
		hs = s->hv.io.shadow_lock * ks * (sh - 1) / ((1 - ks) + ks * sh);
	double cg = (double)c->guest.lock_time * s->machine.freq / 1e9;
	double cs = (double)s->hv.io.shadow_lock_time * s->machine.freq / 1e9;
	vm->crit_mean[LK_GUEST] = hg > 0 ? cg : 0;
	vm->crit_mean[LK_SHADOW] = hs > 0 ? cs : 0;
	vm->p_shadow = 0;
	if (hs <= 0) {
		if (hg > 0)
			vm->free_mean = cg * (1 - hg) / hg;
		return;
	}
	/* both shares below 1 together: h_s < k (s - 1) / ((1 - k) + k s) < 1 - h_g
	** is not guaranteed, so the free stretches keep at least 1% */
	double tot = hg + hs > 0.99 ? 0.99 : hg + hs;
	double T = 1 / ((hg > 0 ? hg / cg : 0) + hs / cs);
	vm->free_mean = T * (1 - tot);
	vm->p_shadow = hs * T / cs;
}

static int add_vm(struct world *w, struct vm *vm, const char *name, int nvcpus, enum ent_kind kind)
{
	snprintf(vm->name, sizeof vm->name, "%s", name);
	vm->nvcpus = nvcpus;
	vm->vcpu = calloc((size_t)nvcpus, sizeof *vm->vcpu);
	vm->vs = calloc((size_t)nvcpus, sizeof *vm->vs);
	if (!vm->vcpu || !vm->vs)
		return -ENOMEM;
	for (int k = 0; k < NLOCKS; k++) {
		vm->holder[k] = -1;
		if (!(vm->spinq[k] = calloc((size_t)nvcpus, sizeof *vm->spinq[k])))
			return -ENOMEM;
	}
	for (int i = 0; i < nvcpus; i++) {
		struct entity *e = world_entity(w, vm->name, i, vm);
		if (!e)
			return -ENOMEM;
		e->kind = kind;
		e->vm = vm;
		e->done = vcpu_done;
		vm->vcpu[i] = e;
	}
	return 0;
}

/* KVM runs each VM's device models in a QEMU I/O thread, a host thread
** the host scheduler runs beside the VCPU threads (docs/sources.md sec. 5):
** its work comes from models/io.c.  It shares the VM's memory and
** pinning. */
static int add_iothread(struct world *w, struct vm *vm)
{
	char name[128];
	snprintf(name, sizeof name, "%s/qemu-io", vm->name);
	vm->iothread_name = strdup(name);
	struct entity *e = vm->iothread_name ? world_entity(w, vm->iothread_name, 0, vm) : NULL;
	if (!e)
		return -ENOMEM;
	e->kind = ENT_EMU;
	e->vm = vm;
	e->done = io_emu_done;
	e->mem_node = vm->mem_node;
	e->affinity = vm->vcpu[0]->affinity;
	vm->iothread = e;
	return world_attach(w, e);
}

int vm_build_all(struct world *w, struct diag *d)
{
	const struct scenario *s = w->scn;
	int n = s->hv.dom0.vcpus > 0;
	for (int i = 0; i < s->nvms; i++)
		n += s->vm[i].count;
	w->vms = calloc((size_t)n + 1, sizeof *w->vms);
	if (!w->vms)
		return -ENOMEM;
	if (s->hv.dom0.vcpus > 0) {
		/* Dom0 runs qemu-dm and the back ends: an emulation domain */
		struct vm *d0 = &w->vms[w->nvms++];
		if (add_vm(w, d0, "Domain-0", s->hv.dom0.vcpus, ENT_EMU))
			return -ENOMEM;
		d0->weight = s->hv.dom0.weight;
		d0->seq = -1;
		w->io->dom0 = d0;
		d0->mem_node = 0;
		for (int i = 0; i < d0->nvcpus; i++)
			if (world_attach(w, d0->vcpu[i]))
				return -ENOMEM;
	}
	int seq = 0;
	int xen = strcmp(s->hv.kind, "xen") == 0;
	int cnt[CPUSET_MAX] = { 0 };   /* VCPUs per pCPU at build (xen_home_node) */
	for (int i = 0; xen && i < s->hv.dom0.vcpus; i++)
		cnt[i % w->mach.ncpus]++;
	for (int k = 0; k < s->nvms; k++) {
		const struct scn_vm *c = &s->vm[k];
		for (int r = 0; r < c->count; r++, seq++) {
			struct vm *vm = &w->vms[w->nvms++];
			char name[96];
			if (c->count > 1)
				snprintf(name, sizeof name, "%s%d", c->name, r + 1);
			else
				snprintf(name, sizeof name, "%s", c->name);
			if (add_vm(w, vm, name, c->vcpus, ENT_VCPU))
				return -ENOMEM;
			vm->cfg = c;
			vm->index = r;
			vm->weight = c->weight;
			vm->cap = c->cap;
			vm->mem_node = c->placement == PLACE_INTERLEAVE ? -1
				       : c->placement == PLACE_BOUND ? (c->node >= 0 ? c->node : seq % w->mach.nnodes)
								   : MEM_UNPLACED;
			if (xen) {
				int home = xen_home_node(w, cnt, c->vcpus);
				/* unpinned: the node of VCPU 0's pCPU at build; a pinned
				** VM's VCPUs first run, and xend moves VCPU 0, inside
				** its pins: first touch finds that node */
				if (vm->mem_node == MEM_UNPLACED && !c->npin)
					vm->mem_node = home;
			}
			lock_phases(w, vm, c);
			char purpose[160];
			snprintf(purpose, sizeof purpose, "vm:%s:lock", vm->name);
			mt_seed(&vm->r_lock, (unsigned long)rng_derive(s->seed, purpose, 0));
			for (int i = 0; i < vm->nvcpus; i++)
				mt_seed(&vm->vs[i].r, (unsigned long)rng_derive(s->seed, purpose, 1 + (uint64_t)i));
			for (int i = 0; i < vm->nvcpus; i++) {
				struct entity *e = vm->vcpu[i];
				e->weight = c->weight;
				e->nice = c->nice;
				e->cap = c->cap;
				e->mem_node = vm->mem_node;
				e->mem_share = c->mem_share;
				e->wss = c->wss;
				if (c->npin) {
					memset(&e->affinity, 0, sizeof e->affinity);
					for (int p = 0; p < c->npin; p++)
						cpuset_add(&e->affinity, c->pin[p]);
				}
				if (world_attach(w, e))
					return -ENOMEM;
			}
			vm->seq = seq;
			/* TIMESLICE_GRANULARITY scales with num_online_cpus */
			vm->quantum = (double)c->guest.timeslice * vm->nvcpus * s->machine.freq / 1e9;
			if (strcmp(s->hv.kind, "kvm") == 0 && add_iothread(w, vm))
				return -ENOMEM;
			if (c->guest.timer_hz > 0) {
				vm->tick_period = 1000000000 / c->guest.timer_hz;
				/* the handler writes no page tables: no shadow cost */
				vm->tick_cycles = c->guest.tick + s->hv.io.exits_timer * s->hv.io.exit;
				/* guests boot at different times: ticks out of phase */
				int64_t phase = (int64_t)(mt_uniform(&vm->r_lock) * (double)vm->tick_period);
				if (!world_at(w, phase, vm_tick, vm, 0))
					return -ENOMEM;
			}
			for (int j = 0; j < c->nworkloads; j++) {
				int rc = wl_build(w, &c->workload[j], vm, d);
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}

void vm_free_all(struct world *w)
{
	for (int i = 0; i < w->nvms; i++) {
		free(w->vms[i].iothread_name);
		free(w->vms[i].vcpu);
		free(w->vms[i].vs);
		for (int k = 0; k < NLOCKS; k++)
			free(w->vms[i].spinq[k]);
	}
	free(w->vms);
	w->vms = NULL;
	w->nvms = 0;
}
