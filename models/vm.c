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

static double draw(struct vm *vm, double mean)
{
	return mean * zexp(&vm->r_lock);
}

static int lock_model(const struct vm *vm)
{
	return vm->nvcpus > 1 && (vm->crit_mean[LK_GUEST] > 0 || vm->crit_mean[LK_SHADOW] > 0);
}

/* No other VCPU of the VM but `skip` (one leaving its pCPU, or -1)
** runs, and none holds a lock or waits for one. */
static bool alone_but(const struct vm *vm, int i, int skip)
{
	for (int k = 0; k < NLOCKS; k++)
		if (vm->nspin[k] > 0 || (vm->holder[k] >= 0 && vm->holder[k] != i))
			return false;
	for (int k = 0; k < vm->nvcpus; k++)
		if (k != i && k != skip && vm->vcpu[k]->state == ENT_RUNNING)
			return false;
	return true;
}

static bool alone(const struct vm *vm, int i)
{
	return alone_but(vm, i, -1);
}

/* Which lock the critical section that begins now is on: the shadow
** lock with probability p_shadow (a draw only when both locks are in
** the model, so a VM with the guest lock alone draws as before). */
static int section_lock(struct vm *vm)
{
	if (vm->p_shadow <= 0)
		return LK_GUEST;
	if (vm->p_shadow >= 1)
		return LK_SHADOW;
	return mt_uniform(&vm->r_lock) < vm->p_shadow ? LK_SHADOW : LK_GUEST;
}

/* VCPU i takes lock k (free) and begins a critical section on it. */
static void take(struct vm *vm, int i, int k)
{
	struct vcpu_state *v = &vm->vs[i];
	vm->holder[k] = i;
	vm->acquired[k]++;
	v->phase = PH_CRIT;
	v->lk = k;
	v->phase_left = draw(vm, vm->crit_mean[k]);
}

/* A burst ends at the job's slice end at the latest (no slice: as is). */
static double to_slice_end(const struct vcpu_state *v, double b)
{
	double s = v->left - v->slice_mark;
	return s < b ? s : b;
}

/* The next burst for VCPU i, taking a job from the guest queue if it has
** none; negative when it halts.  May take a lock or start spinning. */
static double next_burst(struct world *w, struct vm *vm, int i)
{
	struct vcpu_state *v = &vm->vs[i];
	struct entity *e = vm->vcpu[i];
	if (!v->job) {
		struct gjob *j = vm->qhead;
		if (!j || v->io_wait)
			return -1;
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
		v->phase_left = lock_model(vm) ? draw(vm, vm->free_mean) : INFINITY;
	}
	if (v->phase == PH_RUN && v->phase_left <= 0) {
		int k = section_lock(vm);
		if (vm->holder[k] < 0) {
			take(vm, i, k);
		} else {
			vm->contended[k]++;
			vm->spinq[k][vm->nspin[k]++] = i;
			v->phase = PH_SPIN;
			v->lk = k;
			e->spinning = 1;
			v->burst = SPIN_FOREVER;
			return v->burst;
		}
	}
	int lm = lock_model(vm);
	v->walked = 0;
	v->lazy = lm && alone(vm, i);
	v->phased = lm && !v->lazy;
	if (v->lazy || v->phased)
		v->burst = v->left;
	else
		v->burst = v->left < v->phase_left ? v->left : v->phase_left;
	return v->burst = to_slice_end(v, v->burst);
}

/* Walk VCPU i's lock phases over `done` cycles of progress, which no
** sibling can observe (alone): acquisitions cannot be contended and a
** release has no waiter.  A phase that ends exactly at `done` with an
** acquisition is left for next_burst, which sees the siblings as they
** are then. */
static void walk(struct vm *vm, int i, double done)
{
	struct vcpu_state *v = &vm->vs[i];
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
			vm->holder[v->lk] = -1;
			v->phase = PH_RUN;
			v->phase_left = draw(vm, vm->free_mean);
		}
		if (v->left <= 0 || (v->phase_left <= 0 && done <= 0))
			return;
		if (v->phase == PH_RUN && v->phase_left <= 0)
			take(vm, i, section_lock(vm));
	}
}

static bool is_vcpu(const struct vm *vm, const struct entity *e)
{
	return e->idx >= 0 && e->idx < vm->nvcpus && vm->vcpu[e->idx] == e;
}

/*
** Phased bursts.  A VCPU that runs beside a sibling (not alone) cannot
** walk its phases afterwards: a sibling may observe them.  Its run
** segment still runs to the end of its job, and each phase end is an
** event of its own (phase_ev) at the time the segment reaches it
** (sched_time_at), which acquires or releases exactly as an eager burst's
** end would, seeing the siblings as they are then; only a contended
** acquisition ends the run segment (the VCPU spins).  The segment is not
** closed and planned again at every phase end, and the phases' draws
** are the same.
*/
#define PHASE_GAP 16.0   /* cycles: a phase end this close to the burst's
			 ** end ends the burst (the same nanosecond) */

static void phase_ev(void *ctx, void *obj, uint64_t arg);
static void release(struct world *w, struct vm *vm, int i);

/* The time of VCPU i's next phase end if it comes before its phased
** burst's end (fresh: its run segment starts now, from `walked`), else
** -1 (a phase end within PHASE_GAP of the burst's end ends the burst). */
static int64_t next_phase_time(struct world *w, struct vm *vm, int i, int fresh)
{
	struct vcpu_state *v = &vm->vs[i];
	struct entity *e = vm->vcpu[i];
	double off = v->walked + (v->phase_left > 0 ? v->phase_left : 0);
	if (!(off < v->burst))
		return -1;
	if (v->burst - off < PHASE_GAP) {
		if (!fresh)
			sched_retarget(&w->sched, e, e->work - (v->burst - off));
		v->burst = off;
		v->phased = 0;
		return -1;
	}
	double base = fresh ? v->walked : v->burst - e->work;
	return sched_time_at(&w->sched, e, off - base, fresh);
}

/* Arm VCPU i's next phase end as an event (next_phase_time). */
static void arm(struct world *w, struct vm *vm, int i, int fresh)
{
	int64_t t = next_phase_time(w, vm, i, fresh);
	if (t >= 0)
		vm->vs[i].pev = world_at(w, t, phase_ev, vm, (uint64_t)i);
}

static void disarm(struct world *w, struct vcpu_state *v)
{
	if (v->pev) {
		evq_cancel(&w->q, v->pev);
		v->pev = 0;
	}
}

/* A phased VCPU's phase end: release (handing the lock to its first
** waiter) or acquire; a lock another holds makes it spin from here. */

static void phase_ev(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct vm *vm = obj;
	int i = (int)arg;
	struct vcpu_state *v = &vm->vs[i];
	struct entity *e = vm->vcpu[i];
	struct sched *s = &w->sched;
	v->pev = 0;
	int k;
	for (;;) {
		double b = v->phase_left > 0 ? v->phase_left : 0;
		v->left -= b;
		v->phase_left -= b;
		v->walked += b;
		if (v->phase == PH_CRIT) {
			release(w, vm, i);
		} else {
			k = section_lock(vm);
			if (vm->holder[k] >= 0)
				break;
			take(vm, i, k);
		}
		/* the next phase end: at once if nothing else happens before it
		** (the clock moves on as a pop would), else an event */
		int64_t t = next_phase_time(w, vm, i, 0);
		if (t < 0)
			return;
		if (t < w->until && t < evq_next_time(&w->q)) {
			w->q.now = t;
			w->events++;
			continue;
		}
		v->pev = world_at(w, t, phase_ev, vm, (uint64_t)i);
		return;
	}
	/* the run segment ends here, as planned (now), and a spinning one
	** begins */
	sched_retarget(s, e, e->work - (v->burst - v->walked));
	sched_sync_work(s, e);
	vm->contended[k]++;
	vm->spinq[k][vm->nspin[k]++] = i;
	v->phase = PH_SPIN;
	v->lk = k;
	e->spinning = 1;
	v->phased = 0;
	v->walked = 0;
	v->burst = SPIN_FOREVER;
	sched_retarget(s, e, SPIN_FOREVER);
}

/* Siblings of `gone` (leaving its pCPU or halting) that run phased and
** are now alone walk their phases afterwards again. */
static void relax(struct world *w, struct vm *vm, int gone)
{
	for (int k = 0; k < vm->nvcpus; k++) {
		struct vcpu_state *v = &vm->vs[k];
		struct entity *s = vm->vcpu[k];
		if (k == gone || !v->phased || s->state != ENT_RUNNING || w->sched.cpu[s->cpu].completing ||
		    !alone_but(vm, k, gone))
			continue;
		disarm(w, v);
		v->phased = 0;
		v->lazy = 1;
	}
}

void vm_vcpu_dispatch(struct world *w, struct entity *e)
{
	struct vm *vm = e->vm;
	if (!lock_model(vm) || !is_vcpu(vm, e))
		return;
	/* e runs beside its lazy siblings from now: their phases so far are
	** walked, and from here each phase end is an event */
	for (int k = 0; k < vm->nvcpus; k++) {
		struct vcpu_state *vk = &vm->vs[k];
		struct entity *s = vm->vcpu[k];
		if (k == e->idx || !vk->lazy || s->state != ENT_RUNNING || w->sched.cpu[s->cpu].completing)
			continue;
		sched_sync_work(&w->sched, s);
		double done = vk->burst - s->work - vk->walked;
		vk->lazy = 0;
		walk(vm, k, done > 0 ? done : 0);
		vk->phased = 1;
		vk->burst = vk->walked + to_slice_end(vk, vk->left);
		sched_retarget(&w->sched, s, vk->burst - vk->walked);
		arm(w, vm, k, 0);
	}
	/* e's burst from where it is (the progress of a burst a preemption
	** cut lies within one phase: its next end was still to come), lazy
	** if alone, else phased */
	struct vcpu_state *v = &vm->vs[e->idx];
	if (!v->job || v->phase == PH_SPIN)
		return;
	double d = v->burst - e->work - v->walked;
	double pl = v->phase_left > 0 ? v->phase_left : 0;
	if (d > pl)
		d = pl;
	if (d > 0) {
		v->left -= d;
		v->phase_left -= d;
		v->walked += d;
	}
	v->burst = v->walked + to_slice_end(v, v->left);
	v->lazy = alone(vm, e->idx);
	v->phased = !v->lazy;
	if (v->phased)
		arm(w, vm, e->idx, 1);
	e->work = v->burst - v->walked;
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

static void release(struct world *w, struct vm *vm, int i);

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
	/* its burst is taken up again at its next dispatch, from the
	** progress it made (e->work cycles of its run segment left); a lazy
	** burst's phases so far are walked now: a sibling may observe them
	** from here (the lock it holds) */
	disarm(w, v);
	v->phased = 0;
	if (v->lazy) {
		double done = v->burst - e->work - v->walked;
		v->lazy = 0;
		walk(vm, i, done > 0 ? done : 0);
	}
	if (leaves_when_preempted(w, vm, i)) {
		/* the holder leaves its critical section as it is descheduled
		** (the lock goes to the first waiter); the critical work it had
		** left is done later as ordinary work */
		double d = v->burst - e->work - v->walked;
		double pl = v->phase_left > 0 ? v->phase_left : 0;
		d = d < 0 ? 0 : d > pl ? pl : d;
		v->left -= d;
		v->phase_left -= d;
		v->walked += d;
		release(w, vm, i);
	}
	relax(w, vm, i);
}

/* VCPU i leaves the critical section: the first waiter gets the lock and
** its spin ends now (at once if it is running, at its next dispatch if
** the host has descheduled it). */
static void release(struct world *w, struct vm *vm, int i)
{
	struct vcpu_state *v = &vm->vs[i];
	int k = v->lk;
	if (vm->holder[k] != i)
		return;
	vm->holder[k] = -1;
	v->phase = PH_RUN;
	v->phase_left = draw(vm, vm->free_mean);
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

/* The next burst of VCPU i, whose run segment starts now (its done() is
** running): a phased one's first phase end is armed. */
static double start_burst(struct world *w, struct vm *vm, int i)
{
	struct vcpu_state *v = &vm->vs[i];
	double b = next_burst(w, vm, i);
	if (b < 0) {
		if (lock_model(vm))
			relax(w, vm, i);
		return b;
	}
	if (v->phased) {
		arm(w, vm, i, 1);
		b = v->burst;
	}
	return b;
}

static double vcpu_done(struct world *w, struct entity *e)
{
	struct vm *vm = e->vm;
	int i = e->idx;
	struct vcpu_state *v = &vm->vs[i];
	if (v->phase == PH_SPIN) {
		/* granted: the releaser made us the holder */
		e->spinning = 0;
		v->phase = PH_CRIT;
		v->phase_left = draw(vm, vm->crit_mean[v->lk]);
		return start_burst(w, vm, i);
	}
	disarm(w, v);
	if (v->lazy) {
		v->lazy = 0;
		walk(vm, i, v->burst - v->walked);
	} else {
		double r = v->burst - v->walked;
		v->left -= r;
		v->phase_left -= r;
		if (v->phase == PH_CRIT && (v->phase_left <= 0 || v->left <= 0))
			release(w, vm, i);
	}
	v->phased = 0;
	if (v->left <= 0) {
		struct gjob *j = v->job;
		v->job = NULL;
		vm->jobs_done += j != &v->tick;
		j->done(w, j);
	} else if (v->left <= v->slice_mark + SLICE_EPS) {
		slice_end(vm, i);
	}
	return start_burst(w, vm, i);
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
		v->left += cycles;        /* the interrupted job finishes later */
		v->slice_mark += cycles;  /* and the handler does not use its slice */
		/* a running burst to the job's (or slice's) end ends with them */
		if ((v->lazy || v->phased) && e->state == ENT_RUNNING && !w->sched.cpu[e->cpu].completing) {
			double to = v->walked + to_slice_end(v, v->left);
			if (to != v->burst) {
				sched_retarget(&w->sched, e, e->work + (to - v->burst));
				v->burst = to;
				if (v->phased && !v->pev)
					arm(w, vm, i, 0);
			}
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
		v->lazy = 0;
		v->phased = 0;
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
