/*
** Scheduling framework (see sched.h): the mechanics every policy shares.
**
** A run segment of entity e on pCPU c lasts min(slice, ceil(work/rate))
** ns; its end is one event.  At a burst's end e blocks and its owner's
** done() runs (which may wake entities, this one included); at a slice's
** end e is handed back to the policy as preempted.  Either way the pCPU
** then asks the policy for its next entity.
*/
#include "models/sched.h"
#include "models/cosched.h"
#include "models/mux.h"
#include "models/vm.h"
#include "sim/engine/stats.h"
#include "sim/engine/units.h"
#include "models/world.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const struct sched_ops *const sched_registry[] = {
	&sched_fcfs_ops,
	&sched_rr_ops,
	&sched_credit_ops,
	&sched_cfs_ops,
	&sched_o1_ops,
	&sched_eevdf_ops,
	&sched_credit2_ops,
	NULL,
};

const struct sched_ops *sched_lookup(const char *name)
{
	for (int i = 0; sched_registry[i]; i++)
		if (strcmp(sched_registry[i]->name, name) == 0)
			return sched_registry[i];
	return NULL;
}

const char *sched_names(void)
{
	static char buf[256];   /* constant once built: the registry is const */
	if (!buf[0]) {
		size_t n = 0;
		for (int i = 0; sched_registry[i]; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "", sched_registry[i]->name);
	}
	return buf;
}

/* ---------------------------------------------------------- shared --- */

int sched_nice_weight(int nice)
{
	static const int prio_to_weight[40] = {
		88761, 71755, 56483, 46273, 36291,
		29154, 23254, 18705, 14949, 11916,
		9548, 7620, 6100, 4904, 3906,
		3121, 2501, 1991, 1586, 1277,
		1024, 820, 655, 526, 423,
		335, 272, 215, 172, 137,
		110, 87, 70, 56, 45,
		36, 29, 23, 18, 15,
	};
	if (nice < -20)
		nice = -20;
	if (nice > 19)
		nice = 19;
	return prio_to_weight[nice + 20];
}

int sched_ilog2(int x)
{
	int r = 0;
	while (x > 1) {
		x >>= 1;
		r++;
	}
	return r;
}

/* ------------------------------------------------------ parameters --- */

static const struct sched_param_def *param_def(const struct sched_ops *ops, const char *name)
{
	for (const struct sched_param_def *p = ops->params; p && p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

const char *sched_param_text(const struct sched *s, const char *name)
{
	for (int i = 0; i < s->cfg->nparam; i++)
		if (strcmp(s->cfg->param[i].key, name) == 0)
			return s->cfg->param[i].value;
	const struct sched_param_def *p = param_def(s->ops, name);
	assert(p && "policy asked for a parameter it does not declare");
	return p->def;
}

static int parse_param(const struct sched_param_def *p, const char *v, double *x, int64_t *t,
		       const char **why)
{
	int k;
	switch (p->kind) {
	case SP_TIME:
	case SP_TIME0:
		return units_time(v, t, why);
	case SP_INT:
		if (units_int(v, &k, why))
			return -1;
		*x = k;
		return 0;
	case SP_NUMBER:
		return units_number(v, x, why);
	}
	return -1;
}

const struct scn_loc *sched_param_loc(const struct sched *s, const char *name)
{
	for (int i = 0; i < s->cfg->nparam; i++)
		if (strcmp(s->cfg->param[i].key, name) == 0)
			return &s->cfg->param[i].loc;
	return &s->cfg->loc;
}

int64_t sched_param_time(struct sched *s, const char *name)
{
	int64_t t = 0;
	double x;
	const char *why;
	parse_param(param_def(s->ops, name), sched_param_text(s, name), &x, &t, &why);
	return t;
}

double sched_param_number(struct sched *s, const char *name)
{
	int64_t t;
	double x = 0;
	const char *why;
	parse_param(param_def(s->ops, name), sched_param_text(s, name), &x, &t, &why);
	return x;
}

/* Every given parameter must be declared by the policy and parse. */
static int check_params(const struct sched_ops *ops, const struct scn_policy *cfg, struct diag *d)
{
	int bad = 0;
	for (int i = 0; i < cfg->nparam; i++) {
		const struct scn_param *q = &cfg->param[i];
		const struct sched_param_def *p = param_def(ops, q->key);
		if (!p) {
			char valid[256] = "";
			size_t n = 0;
			for (const struct sched_param_def *v = ops->params; v && v->name; v++)
				n += (size_t)snprintf(valid + n, sizeof valid - n, "%s%s", n ? ", " : "", v->name);
			diag_error(d, q->loc.file, q->loc.line,
				   "<policy %s>: policy '%s' has no such parameter; expected one of: %s", q->key,
				   ops->name, n ? valid : "(none)");
			bad = 1;
			continue;
		}
		double x;
		int64_t t;
		const char *why = NULL;
		if (parse_param(p, q->value, &x, &t, &why) != 0 || (p->kind == SP_TIME && t <= 0)) {
			diag_error(d, q->loc.file, q->loc.line, "<policy %s>: expected %s, got '%s'", q->key,
				   why ? why : "a positive time", q->value);
			bad = 1;
		} else if (p->min_ns && t < p->min_ns && !(p->kind == SP_TIME0 && t == 0)) {
			char at[32];
			units_fmt_time(p->min_ns, at, sizeof at);
			diag_error(d, q->loc.file, q->loc.line, "<policy %s>: expected a time of at least %s%s%s, got '%s'",
				   q->key, at, p->kind == SP_TIME0 ? " or 0" : "",
				   p->min_ns == SCHED_PERIOD_MIN_NS ? " (the finest period or slice Linux and Xen accept)" : "",
				   q->value);
			bad = 1;
		} else if (p->max_ns && t > p->max_ns) {
			char at[32];
			units_fmt_time(p->max_ns, at, sizeof at);
			diag_error(d, q->loc.file, q->loc.line, "<policy %s>: expected a time of at most %s%s, got '%s'",
				   q->key, at,
				   p->max_ns == SCHED_GRAN_MAX_NS ? " (the coarsest period or slice Linux accepts)" : "",
				   q->value);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/* ------------------------------------------------------- lifecycle --- */

int sched_check(const struct scn_policy *cfg, struct diag *d)
{
	const struct sched_ops *ops = sched_lookup(cfg->name);
	if (!ops) {
		diag_error(d, cfg->loc.file, cfg->loc.line,
			   "<policy name>: unknown policy '%s'; expected one of: %s", cfg->name, sched_names());
		return -1;
	}
	return check_params(ops, cfg, d);
}

int sched_init(struct sched *s, struct world *w, const struct scn_policy *cfg, struct diag *d)
{
	memset(s, 0, sizeof *s);
	if (sched_check(cfg, d))
		return -1;
	s->ops = s->policy = sched_lookup(cfg->name);
	s->w = w;
	s->cfg = cfg;
	s->t0 = w->batches.t0;
	s->t1 = w->batches.t1;
	s->ncpus = w->mach.ncpus;
	s->nidle = s->ncpus;
	s->waker = -1;
	s->irq_from = w->scn->hv.io.irq_cpu;
	s->cpu = calloc((size_t)s->ncpus, sizeof *s->cpu);
	s->priv = calloc(1, s->ops->priv_size ? s->ops->priv_size : 1);
	if (!s->cpu || !s->priv)
		goto oom;
	for (int i = 0; i < s->ncpus; i++) {
		struct cpu *c = &s->cpu[i];
		c->id = i;
		c->node = w->mach.cpu[i].node;
		c->rate = w->mach.rate;
		c->kick = EVQ_NONE;
		c->ev = EVQ_NONE;
		c->storm_at = -1;
		c->priv = calloc(1, s->ops->cpu_priv_size ? s->ops->cpu_priv_size : 1);
		if (!c->priv)
			goto oom;
	}
	if (sd_topo_init(&s->topo, &w->mach))
		goto oom;
	if (s->ops->init && s->ops->init(s, d))
		return -1;
	if (cosched_init(s, &w->scn->hv.cosched, d))
		return -1;
	return 0;
oom:
	diag_error(d, cfg->loc.file, cfg->loc.line, "out of memory");
	return -1;
}

void sched_free(struct sched *s)
{
	if (s->ops && s->ops->fini)
		s->ops->fini(s);
	for (int i = 0; s->cpu && i < s->ncpus; i++) {
		free(s->cpu[i].priv);
		free(s->cpu[i].occ);
	}
	free(s->cpu);
	free(s->priv);
	sd_topo_fini(&s->topo);
	memset(s, 0, sizeof *s);
}

int sched_attach(struct sched *s, struct entity *e)
{
	e->priv = calloc(1, s->ops->ent_priv_size ? s->ops->ent_priv_size : 1);
	if (!e->priv)
		return -ENOMEM;
	e->skew_ev = EVQ_NONE;
	if (e->kind == ENT_VCPU && e->vm && e->vm->cfg)
		mux_attach(s->w, e, e->wss, e->vm->cfg->footprint_time);
	if (s->ops->attach)
		s->ops->attach(s, e);
	return 0;
}

/* ------------------------------------------------------- mechanics --- */

/* Move e to state `to` at now, charging the time since its last change
** (inside the measured interval) to the state it leaves. */
static void acct(struct sched *s, struct entity *e, enum ent_state to, int64_t now)
{
	int64_t d = stats_overlap(e->since, now, s->t0, s->t1);
	if (e->state == ENT_RUNNING) {
		e->t_run += d;
	} else if (e->state == ENT_READY) {
		e->t_ready += d;
		e->c_ready += now - e->since;
	}
	else
		e->t_blocked += d;
	enum ent_state from = e->state;
	e->state = to;
	e->since = now;
	if (e->vm)
		vm_vcpu_state(s->w, e, (int)from, (int)to);
	world_trace_state(s->w, e, (int)from, (int)to);
}

static inline int counted(const struct sched *s, int64_t now)
{
	return now >= s->t0 && now < s->t1;
}

static void cpu_event(void *ctx, void *obj, uint64_t arg);

/* llround(t) for 0 <= t < 2^62, without the library call: the integer
** part and its fraction are exact, and a fraction of one half rounds up
** (away from zero) as llround does. */
static inline int64_t round_ns(double t)
{
	if (!(t >= 0 && t < 0x1p62))
		return (int64_t)llround(t);
	int64_t i = (int64_t)t;
	return i + (t - (double)i >= 0.5);
}

/* Plan the end of c's current segment: what is left of the switch, then
** the burst's cycles at the segment's rate with the cache-refill stalls
** they incur (models/mux.c), or the slice's end if that is sooner.
** ceil: a burst never finishes before its cycles are done. */
static void plan_segment(struct sched *s, struct cpu *c)
{
	struct entity *e = c->curr;
	int64_t now = world_now(s->w);
	c->seg_start = now;
	c->rate = mux_rate(s->w, c, e);
	double useful = e->work / c->rate;
	double stall = 0;
	c->seg_decay = 1;
	if (e->miss > 0) {
		double x = expm1(-useful / e->ftime);
		stall = e->line_ns * e->miss * -x;
		c->seg_decay = 1 + x;
	}
	/* no switch left (0 / rate = 0): no division */
	double need = ceil(e->ovh == 0 ? useful + stall : e->ovh / s->w->mach.rate + useful + stall);
	int64_t left = c->slice_end - now;
	int64_t len;
	if ((double)left < need) {
		c->seg_done = 0;
		len = left;
	} else {
		c->seg_done = 1;
		len = need < (double)(INT64_MAX / 4) ? (int64_t)need : INT64_MAX / 4;
		c->seg_useful = useful;
	}
	c->seg_end = c->seg_done ? now + len : -1;
	c->ev = world_at(s->w, now + len, cpu_event, c, 0);
}

/* Charge the run segment so far to c's entity: first what is left of the
** switch, then useful run and refill stalls as mux_useful splits them;
** the lines refilled are inserted into c's cache.  Inside the measured
** interval the switch is at the segment's start and the stalls spread
** evenly over the rest. */
static void close_segment(struct sched *s, struct cpu *c, int64_t now)
{
	struct entity *e = c->curr;
	int64_t start = c->seg_start;
	double d = (double)(now - start);
	double sw, rest;
	int64_t sw_ns;
	/* no switch left (the common case): sw = 0 / f = 0, rest = d, no
	** division; the same values as below */
	if (e->ovh == 0) {
		sw = 0;
		rest = d;
		sw_ns = 0;
		e->ovh = 0;
	} else {
		double f = s->w->mach.rate;
		sw = e->ovh / f < d ? e->ovh / f : d;
		rest = d - sw;
		e->ovh = e->ovh - sw * f > 0.5 ? e->ovh - sw * f : 0;
		sw_ns = (int64_t)(sw + 0.5);
	}
	/* a segment that ran as planned did its planned work: no root to find */
	int planned = now == c->seg_end;
	double t = planned ? (c->seg_useful < rest ? c->seg_useful : rest) : mux_useful(e, rest);
	double stall = rest - t;
	e->work -= t * c->rate;
	if (e->work < 0)
		e->work = 0;
	if (e->miss > 0 && t > 0) {
		double still = e->miss * (planned ? c->seg_decay : exp(-t / e->ftime));
		/* under a nanosecond of refill left: done */
		mux_refilled(s->w, c, e, still * e->line_ns < 1 ? 0 : still);
	}
	int64_t in, sw_in, rest_in;
	if (start >= s->t0 && now <= s->t1) {
		/* wholly inside the measured interval (sw_ns <= now - start) */
		in = now - start;
		sw_in = sw_ns;
		rest_in = in - sw_ns;
	} else {
		in = stats_overlap(start, now, s->t0, s->t1);
		sw_in = stats_overlap(start, start + sw_ns, s->t0, s->t1);
		rest_in = stats_overlap(start + sw_ns, now, s->t0, s->t1);
	}
	int64_t stall_in = rest > 0 ? (int64_t)(stall * (double)rest_in / rest + 0.5) : 0;
	int64_t rem_in = (int64_t)((double)stall_in * e->remote_frac + 0.5);
	int64_t ovh_in = sw_in + stall_in;
	c->t_busy += in;
	c->t_overhead += ovh_in;
	e->t_overhead += ovh_in;
	c->t_switch += sw_in;
	e->t_switch += sw_in;
	if (e->migrated) {
		c->t_migrate += stall_in;
		e->t_migrate += stall_in;
	} else {
		c->t_refill += stall_in;
		e->t_refill += stall_in;
	}
	c->t_remote += rem_in;
	e->t_remote += rem_in;
	if (e->spinning) {
		e->t_spin += in - ovh_in;
		e->c_spin += round_ns(t);
	}
	double share = mux_remote_share(s->w, c, e);
	if (share != 0)   /* adding 0 * in to a non-negative sum changes nothing */
		e->remote_ns += (double)in * share;
	c->ran += now - start;
	c->seg_start = now;
}

static void cpu_start(struct sched *s, struct cpu *c, struct entity *e, int64_t slice)
{
	int64_t now = world_now(s->w);
	assert(e->state == ENT_READY && "policy picked an entity that is not ready");
	assert(cpuset_has(&e->affinity, c->id) && "policy picked an entity not allowed here");
	acct(s, e, ENT_RUNNING, now);
	/* first touch: the guest touches its memory on its VCPUs, not in
	** the VMM's own threads (KVM's I/O thread) */
	if (e->vm && e->kind == ENT_VCPU && e->vm->mem_node == MEM_UNPLACED)
		vm_place_memory(e->vm, c->node);
	/* one switch and one refill per dispatch: nothing unpaid carries over */
	e->ovh = mux_switch_cycles(s->w, c, e);
	if (mux_arrive(s->w, c, e))
		s->w->failed = 1;
	if (e->cpu >= 0 && e->cpu != c->id)
		e->nmigrate += counted(s, now);
	if (c->last != e)
		c->nswitch += counted(s, now);
	e->ndispatch += counted(s, now);
	c->storm_n = c->storm_at == now ? c->storm_n + 1 : 1;
	c->storm_at = now;
	e->cpu = c->id;
	c->curr = e;
	c->ran = 0;
	c->slice_end = slice >= 0 ? now + slice : INT64_MAX;
	s->nidle--;
	world_trace_start(s->w, c, e);
	if (e->vm)
		vm_vcpu_dispatch(s->w, e);
	plan_segment(s, c);
	if (s->cosched)
		cosched_started(s, c, e);
}

/* c's entity stops running; it is left in state `to`. */
static struct entity *cpu_stop(struct sched *s, struct cpu *c, int64_t now, enum ent_state to,
			       const char *why)
{
	struct entity *e = c->curr;
	if (c->ev != EVQ_NONE) {
		evq_cancel(&s->w->q, c->ev);
		c->ev = EVQ_NONE;
	}
	close_segment(s, c, now);
	if (e->vm && to == ENT_READY)
		vm_vcpu_preempted(s->w, e);
	if (s->ops->put_prev)
		s->ops->put_prev(s, c, e, c->ran);
	world_trace_stop(s->w, c, e, why);
	acct(s, e, to, now);
	c->last = e;
	c->curr = NULL;
	s->nidle++;
	return e;
}

/* An idle pCPU asks the policy (or co-scheduling's decorator of it)
** for work. */
static void cpu_pick(struct sched *s, struct cpu *c)
{
	if (c->curr)
		return;
	int64_t slice = -1;
	struct entity *e = s->ops->pick_next(s, c, &slice);
	if (e)
		cpu_start(s, c, e, slice);
}

/* The lowest idle allowed pCPU, else the last one e ran on, else its
** first allowed one. */
static int default_select(struct sched *s, struct entity *e, enum sched_why why)
{
	(void)why;
	if (s->nidle > 0)
		for (int i = 0; i < s->ncpus; i++)
			if (sched_idle_for(s, i, e))
				return i;
	if (e->cpu >= 0 && cpuset_has(&e->affinity, e->cpu))
		return e->cpu;
	for (int i = 0; i < s->ncpus; i++)
		if (cpuset_has(&e->affinity, i))
			return i;
	return 0;
}

/* Put a READY entity on the policy's queues and dispatch or preempt. */
static void place(struct sched *s, struct entity *e, enum sched_why why)
{
	int cpu = s->ops->select_cpu ? s->ops->select_cpu(s, e, why) : default_select(s, e, why);
	assert(cpu >= 0 && cpu < s->ncpus && cpuset_has(&e->affinity, cpu));
	struct cpu *c = &s->cpu[cpu];
	s->ops->enqueue(s, c, e, why);
	if (!c->curr)
		cpu_pick(s, c);
	else if (why == SCHED_WAKE && s->ops->check_preempt && s->ops->check_preempt(s, c, e)) {
		if (c->completing)
			c->want_resched = 1;   /* acted on when its burst's done() returns */
		else
			sched_resched(s, c);
	}
	if (s->cosched && e->state == ENT_READY)
		cosched_waiting(s, e);
}

static void cpu_event(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct cpu *c = obj;
	struct sched *s = &w->sched;
	struct entity *e = c->curr;
	int64_t now = world_now(w);
	(void)arg;
	c->ev = EVQ_NONE;
	if (!c->seg_done) {
		sched__preempt(s, c, "slice");
		cpu_pick(s, c);
		return;
	}
	close_segment(s, c, now);
	e->work = 0;
	e->ovh = 0;
	c->completing = 1;
	c->want_resched = 0;
	double more = e->done(w, e);
	c->completing = 0;
	if (more >= 0) {
		/* a VCPU whose guest has more work keeps its pCPU and slice,
		** unless the slice is over or a wake-up preempted it meanwhile */
		e->work = more;
		if (now >= c->slice_end || c->want_resched) {
			sched__preempt(s, c, c->want_resched ? "preempt" : "slice");
			cpu_pick(s, c);
		} else {
			plan_segment(s, c);
		}
		return;
	}
	cpu_stop(s, c, now, ENT_BLOCKED, "block");
	cosched_blocked(s, e);
	cpu_pick(s, c);
}

/* Involuntary stop: c's entity goes back to c's queue as preempted. */
void sched__preempt(struct sched *s, struct cpu *c, const char *why)
{
	int64_t now = world_now(s->w);
	struct entity *e = c->curr;
	e->npreempt += counted(s, now);
	cpu_stop(s, c, now, ENT_READY, why);
	s->ops->enqueue(s, c, e, SCHED_PREEMPT);
	cosched_preempted(s, e);
}

void sched__start_given(struct sched *s, struct cpu *c, struct entity *e, int64_t slice)
{
	assert(!c->curr && e->state == ENT_READY && "co-started on a busy pCPU or a waiting entity");
	if (s->policy->pick_given)
		s->policy->pick_given(s, c, e, slice);
	cpu_start(s, c, e, slice);
}

void sched__dequeue(struct sched *s, struct entity *e)
{
	s->policy->dequeue(s, e);
}

void sched_wake(struct sched *s, struct entity *e, double work)
{
	sched_wake_from(s, e, work, sched_waker_here(s));
}

void sched_wake_from(struct sched *s, struct entity *e, double work, int from)
{
	assert(e->state == ENT_BLOCKED && "woke an entity that is not blocked");
	assert(e->priv && "woke an entity that was never attached");
	assert(from >= SCHED_WAKER_SELF && from < s->ncpus);
	int64_t now = world_now(s->w);
	int outer = s->waker;
	e->work = work;
	e->nwake += counted(s, now);
	acct(s, e, ENT_READY, now);
	if (from >= 0)
		world_trace_wake(s->w, e, from);
	s->waker = from == SCHED_WAKER_SELF ? e->cpu : from;
	place(s, e, SCHED_WAKE);
	s->waker = outer;
}

/* ---------------------------------------------------------- wakers --- */

int sched_waker_here(const struct sched *s)
{
	for (int i = 0; i < s->ncpus; i++)
		if (s->cpu[i].completing)
			return i;
	return s->irq_from;
}

int sched_irq_from(struct sched *s, int from)
{
	assert(from >= SCHED_WAKER_SELF && from < s->ncpus);
	int old = s->irq_from;
	s->irq_from = from;
	return old;
}

struct entity *sched_waker_task(const struct sched *s)
{
	if (s->waker < 0 || !s->cpu[s->waker].completing)
		return NULL;
	return s->cpu[s->waker].curr;
}

void sched_resched(struct sched *s, struct cpu *c)
{
	if (c->curr)
		sched__preempt(s, c, "preempt");
	cpu_pick(s, c);
}

/* arg 1: only an idle pCPU picks (a busy one is left alone).  A pCPU
** that has already dispatched KICK_STORM times at this instant ignores
** further kicks: a policy whose tickles disagree with its picks (more
** likely once co-scheduling holds picks back or starts gangs) would
** otherwise loop forever without time advancing.  Kicks are advice; the
** pCPU decides again at its next event. */
#define KICK_STORM 8
static void kick_event(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct cpu *c = obj;
	c->kick = EVQ_NONE;
	if (c->storm_at == world_now(w) && c->storm_n >= KICK_STORM)
		return;
	if (arg == 1)
		cpu_pick(&w->sched, c);
	else
		sched_resched(&w->sched, c);
}

void sched_kick(struct sched *s, struct cpu *c)
{
	if (c->kick == EVQ_NONE)
		c->kick = world_at(s->w, world_now(s->w), kick_event, c, 0);
}

void sched__kick_idle(struct sched *s, struct cpu *c)
{
	if (c->kick == EVQ_NONE)
		c->kick = world_at(s->w, world_now(s->w), kick_event, c, 1);
}

void sched_set_work(struct sched *s, struct entity *e, double work)
{
	if (e->state != ENT_RUNNING) {
		e->work = work;
		return;
	}
	struct cpu *c = &s->cpu[e->cpu];
	if (c->completing) {
		e->work = work;   /* its done() is running and will plan */
		return;
	}
	/* a segment closed at this instant already (sched_sync_work: a lazy
	** VCPU cut, models/vm.c) would close again with nothing run, which
	** changes nothing while its switch is 0 or over half a cycle and its
	** work not negative, as close_segment leaves them */
	int64_t now = world_now(s->w);
	if (now != c->seg_start || e->work < 0 || (e->ovh != 0 && !(e->ovh > 0.5)))
		close_segment(s, c, now);
	e->work = work;
	evq_cancel(&s->w->q, c->ev);
	plan_segment(s, c);
}

void sched_sync_work(struct sched *s, struct entity *e)
{
	struct cpu *c = &s->cpu[e->cpu];
	if (e->state == ENT_RUNNING && !c->completing)
		close_segment(s, c, world_now(s->w));
}

int64_t sched_ran(const struct sched *s, const struct cpu *c)
{
	return c->curr ? c->ran + (world_now(s->w) - c->seg_start) : 0;
}

void sched_finish(struct sched *s, int64_t now)
{
	for (int i = 0; i < s->ncpus; i++) {
		struct cpu *c = &s->cpu[i];
		if (c->curr) {
			close_segment(s, c, now);
			world_trace_stop(s->w, c, c->curr, "end");
		}
	}
	for (int i = 0; i < s->w->nent; i++) {
		struct entity *e = s->w->ent[i];
		acct(s, e, e->state, now);
	}
}

void sched_dump(struct sched *s, FILE *f)
{
	int64_t now = world_now(s->w);
	fprintf(f, "policy %s, %d pCPUs, %d idle%s\n", s->ops->name, s->ncpus, s->nidle,
		s->cosched == COSCHED_STRICT ? ", strict co-scheduling" : s->cosched ? ", relaxed co-scheduling" : "");
	for (int i = 0; i < s->ncpus; i++) {
		const struct cpu *c = &s->cpu[i];
		fprintf(f, "  pCPU %d (node %d): ", c->id, c->node);
		if (c->curr)
			fprintf(f, "runs %s#%d for %.6f ms, slice %s", c->curr->name, c->curr->idx,
				(double)sched_ran(s, c) / 1e6, c->slice_end == INT64_MAX ? "none" : "");
		else
			fputs("idle", f);
		if (c->curr && c->slice_end != INT64_MAX)
			fprintf(f, "%.6f ms left", (double)(c->slice_end - now) / 1e6);
		if (c->last)
			fprintf(f, "; last %s#%d", c->last->name, c->last->idx);
		fputc('\n', f);
	}
	if (s->ops->dump)
		s->ops->dump(s, f);
}
