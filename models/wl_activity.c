/*
** Activity-trace replay (see wl_activity.h).
**
** From one thread's rows, in order: `run` intervals are CPU bursts;
** consecutive runs separated only by `preempted` or `wait` intervals are
** one burst, since being runnable but not running is the recorded
** scheduler's doing, which the simulated policy decides anew; a `block`
** ends the burst and its length is the sleep before the next one.  The
** first burst starts at the recorded start of the thread's first run.
** A burst of d ns of recorded CPU time is d x f cycles on a machine of
** frequency f (the recording machine's speed is not modelled).  With
** loop, a thread that has replayed its last burst starts its next pass
** one trace length after its previous pass began (so a thread that ran
** once in the recording runs once per trace length, not back to back).
*/
#include "models/wl_activity.h"
#include "sim/engine/limits.h"
#include "models/world.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void guest_done(struct world *w, struct gjob *j);

static void wake(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct act_thread *t = obj;
	double cycles = (double)t->step[t->pos].burst_ns * w->mach.rate;
	(void)arg;
	/* the thread's sleep ends by its own timer, on its own last pCPU
	** (a guest thread's: the woken VCPU's) */
	if (t->e) {
		sched_wake_from(&w->sched, t->e, cycles, SCHED_WAKER_SELF);
		return;
	}
	t->t_sub = world_now(w);
	t->job.work = cycles;
	t->job.owner = t;
	t->job.done = guest_done;
	int from = sched_irq_from(&w->sched, SCHED_WAKER_SELF);
	vm_submit(w, t->a->vm, &t->job);
	sched_irq_from(&w->sched, from);
}

/* Sleep until the next step's burst, or stop (or loop) after the last. */
static void next(struct world *w, struct act_thread *t, int loop)
{
	int64_t at = lim_add(world_now(w), t->step[t->pos < t->nstep ? t->pos : 0].sleep_ns);
	if (t->pos >= t->nstep) {
		if (!loop || t->nstep == 0)
			return;
		/* the next pass starts one trace length after this one, so
		** each thread keeps its recorded share of the trace */
		t->pos = 0;
		t->base = lim_add(t->base, t->a->span);
		int64_t first = lim_add(t->base, t->step[0].sleep_ns);
		at = first > world_now(w) ? first : world_now(w);
	}
	world_at(w, at, wake, t, 0);
}

static double burst_done(struct world *w, struct entity *e)
{
	struct act_thread *t = e->owner;
	t->pos++;
	next(w, t, t->a->cfg->loop);
	return -1;
}

static void guest_done(struct world *w, struct gjob *j)
{
	struct act_thread *t = j->owner;
	int64_t now = world_now(w), burst = t->step[t->pos].burst_ns;
	if (stats_measured(&w->batches, now)) {
		int64_t wait = now - t->t_sub - burst;
		t->g_run += burst;
		t->g_wait += wait > 0 ? wait : 0;
		t->g_bursts++;
	}
	t->pos++;
	next(w, t, t->a->cfg->loop);
}

static int add_step(struct act_thread *t, int64_t sleep, int64_t burst, int *cap)
{
	if (t->nstep == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		struct act_step *ns = realloc(t->step, (size_t)*cap * sizeof *ns);
		if (!ns)
			return -ENOMEM;
		t->step = ns;
	}
	t->step[t->nstep++] = (struct act_step){ sleep, burst };
	return 0;
}

/* Turn a thread's rows (rows[0..n), indices into the trace, in order)
** into steps (see the top comment). */
static int build_steps(struct activity *a, const size_t *rows, size_t n, struct act_thread *t)
{
	int cap = 0;
	int64_t sleep = -1, burst = 0;
	for (size_t j = 0; j < n; j++) {
		const struct trace_act *r = &a->tr.a[rows[j]];
		if (r->kind == TRACE_RUN) {
			if (sleep < 0)
				sleep = r->start_ns;   /* the thread's first run */
			burst += r->dur_ns;
			t->recorded_run += r->dur_ns;
			t->recorded_dispatches++;
		} else if (r->kind == TRACE_BLOCK && sleep >= 0) {
			if (burst > 0) {
				if (add_step(t, sleep, burst, &cap))
					return -ENOMEM;
				sleep = 0;
				burst = 0;
			}
			sleep += r->dur_ns;
		}
	}
	if (burst > 0 && add_step(t, sleep, burst, &cap))
		return -ENOMEM;
	return 0;
}

int activity_build(struct activity *a, struct world *w, const struct scn_workload *cfg, struct vm *vm,
		   struct diag *d)
{
	memset(a, 0, sizeof *a);
	a->w = w;
	a->cfg = cfg;
	a->vm = vm;
	if (trace_activity_load(cfg->trace, d, &a->tr)) {
		diag_error(d, cfg->loc.file, cfg->loc.line, "<workload %s>: the trace '%s' could not be used (see above)",
			   cfg->name, cfg->trace);
		return -EINVAL;
	}
	for (size_t k = 0; k < a->tr.n; k++) {
		int64_t end = a->tr.a[k].start_ns + a->tr.a[k].dur_ns;
		if (end > a->span)
			a->span = end;
	}
	size_t nsteps = 0;
	a->th = calloc((size_t)a->tr.nth + 1, sizeof *a->th);
	/* the rows of each thread, in trace order: thread i's are
	** order[first[i] .. first[i + 1]) (one pass, not one per thread) */
	size_t *first = calloc((size_t)a->tr.nth + 2, sizeof *first);
	size_t *order = malloc((a->tr.n + 1) * sizeof *order);
	if (!a->th || !first || !order) {
		free(first);
		free(order);
		return -ENOMEM;
	}
	for (size_t k = 0; k < a->tr.n; k++)
		first[a->tr.a[k].thread + 2]++;
	for (int i = 0; i < a->tr.nth; i++)
		first[i + 2] += first[i + 1];
	for (size_t k = 0; k < a->tr.n; k++)
		order[first[a->tr.a[k].thread + 1]++] = k;
	int rc = 0;
	for (int i = 0; i < a->tr.nth; i++) {
		struct act_thread *t = &a->th[a->nth];
		if (build_steps(a, order + first[i], first[i + 1] - first[i], t)) {
			free(t->step);
			memset(t, 0, sizeof *t);
			rc = -ENOMEM;
			break;
		}
		if (t->nstep == 0) {
			free(t->step);
			memset(t, 0, sizeof *t);
			continue;   /* a thread that never ran in the trace */
		}
		t->name = a->tr.th[i].name;
		t->pid = a->tr.th[i].pid;
		t->a = a;
		if (!vm) {
			t->e = world_entity(w, t->name, t->pid, t);
			if (!t->e || world_attach(w, t->e)) {
				a->nth++;   /* activity_free frees its steps */
				rc = -ENOMEM;
				break;
			}
			t->e->done = burst_done;
		}
		a->nth++;
		nsteps += (size_t)t->nstep;
		next(w, t, 0);
	}
	free(first);
	free(order);
	if (rc)
		return rc;
	/* a loop replays every burst once per trace length: bound the
	** bursts over the run (sim/engine/limits.h) */
	double passes = a->span > 0 ? (double)w->scn->duration / (double)a->span : 0;
	if (cfg->loop && passes * (double)nsteps > LIM_ARRIVALS) {
		diag_error(d, cfg->trace_loc.file, cfg->trace_loc.line,
			   "<trace loop>: expected at most " LIM_ARRIVALS_TEXT " bursts over the run, got %.3g (%zu "
			   "bursts every %.9gs of '%s' for %.6gs)", passes * (double)nsteps, nsteps,
			   (double)a->span / 1e9, cfg->trace, (double)w->scn->duration / 1e9);
		return -EINVAL;
	}
	return w->failed ? -ENOMEM : 0;
}

void activity_free(struct activity *a)
{
	for (int i = 0; i < a->nth; i++)
		free(a->th[i].step);
	free(a->th);
	trace_activity_free(&a->tr);
	memset(a, 0, sizeof *a);
}
