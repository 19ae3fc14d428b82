/*
** The capacity search (see capacity.h and docs/capacity.md).
**
** Bracketing by doubling, then bisection, assumes that a run's pass or
** fail is monotone in the users per VM; with common random numbers it
** nearly is, and the search never tries a count above one that failed,
** so a replication's answer is always the largest count it saw pass.
** Cost per replication: about 2 log2(answer / min) runs.
**
** Parallel replications (-j, MPI ranks): cap_parallel.c.
*/
#include "sim/drive/capacity.h"
#include "sim/report/output.h"
#include "sim/drive/cap_cache.h"
#include "sim/drive/cap_estimate.h"
#include "sim/drive/cap_internal.h"
#include "sim/engine/proc.h"
#include "sim/engine/cluster.h"
#include "sim/engine/limits.h"
#include "sim/engine/stats.h"
#include "models/world.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_statistics_double.h>

/* A closed workload inside a VM that the search varies. */
static int varied(const struct scenario *s, const struct scn_workload *wl)
{
	return wl->closed && (!s->capacity.workload || strcmp(wl->name, s->capacity.workload) == 0);
}

static int vm_varied(const struct scenario *s, const struct scn_vm *v)
{
	for (int j = 0; j < v->nworkloads; j++)
		if (varied(s, &v->workload[j]))
			return 1;
	return 0;
}

/* Users of every varied workload; saved (old not NULL) first, in order. */
void cap__set_users(struct scenario *s, int users, int *old)
{
	int n = 0;
	for (int k = 0; k < s->nvms; k++)
		for (int j = 0; j < s->vm[k].nworkloads; j++)
			if (varied(s, &s->vm[k].workload[j])) {
				if (old)
					old[n++] = s->vm[k].workload[j].users;
				s->vm[k].workload[j].users = users;
			}
}

static void restore_users(struct scenario *s, const int *old)
{
	int n = 0;
	for (int k = 0; k < s->nvms; k++)
		for (int j = 0; j < s->vm[k].nworkloads; j++)
			if (varied(s, &s->vm[k].workload[j]))
				s->vm[k].workload[j].users = old[n++];
}

static int count_varied(const struct scenario *s)
{
	int n = 0;
	for (int k = 0; k < s->nvms; k++)
		for (int j = 0; j < s->vm[k].nworkloads; j++)
			n += varied(s, &s->vm[k].workload[j]);
	return n;
}

int cap_check(struct scenario *s, struct diag *d)
{
	if (count_varied(s) == 0) {
		/* Point at what the user would change: <capacity>, else the
		** first VM (which has no closed workload), else the host
		** workload that cannot be varied. */
		const struct scn_loc *at = s->capacity.loc.line > 0 ? &s->capacity.loc
					  : s->nvms ? &s->vm[0].loc
					  : s->nworkloads ? &s->workload[0].loc : NULL;
		const char *what = s->capacity.loc.line > 0 ? "<capacity workload>"
				   : s->nvms ? "<vm>" : s->nworkloads ? "<workload>" : "<scenario>";
		diag_error(d, at ? at->file : s->file, at ? at->line : 0,
			   "%s: expected a closed workload (<closed users=...>) inside a <vm> for the capacity "
			   "search to vary, got %s",
			   what,
			   s->nvms ? "none" : s->nworkloads ? "host workloads only (users on the host are not varied)"
							     : "no workload");
		return -1;
	}
	/* The loader held each closed workload's jobs to the cap at its own
	** users; the search runs up to max users a VM, where 6 users with a
	** demand of 1ns would have been refused, so hold them there too. */
	for (int k = 0; k < s->nvms; k++)
		for (int j = 0; j < s->vm[k].nworkloads; j++) {
			const struct scn_workload *w = &s->vm[k].workload[j];
			double cycle_s, jobs;
			if (!varied(s, w) || w->kind == WL_SPECWEB || !(s->machine.freq > 0) ||
			    !((jobs = scn_closed_jobs(s, w, s->capacity.max, &cycle_s)) > LIM_ARRIVALS))
				continue;
			const struct scn_loc *at = s->capacity.loc.line > 0 ? &s->capacity.loc : &w->loc;
			diag_error(d, at->file, at->line,
				   "<capacity max>: expected at most " LIM_ARRIVALS_TEXT " jobs over a probe at max's %d "
				   "users a VM (users / (mean think time + mean demand) x the run's %.6gs; workload "
				   "'%s' takes %.6gs a job: %.3g jobs); lower max or lengthen the think time or demand",
				   s->capacity.max, (double)s->duration / 1e9, w->name, cycle_s, jobs);
			return -1;
		}
	/* Build (not run) the world once at the smallest count, so that
	** model errors (an unknown policy parameter) are input errors here
	** rather than a failed probe later. */
	int *old = malloc((size_t)count_varied(s) * sizeof *old);
	if (!old) {
		diag_error(d, s->file, 0, "out of memory");
		return -1;
	}
	cap__set_users(s, s->capacity.min, old);
	struct world w;
	int rc = world_build(&w, s, d);
	world_free(&w);
	restore_users(s, old);
	free(old);
	return rc ? -1 : 0;
}

/* ------------------------------------------------------ one probe --- */

/* cap_internal.h */
int (*cap__probe_hook)(const struct scenario *s, uint64_t seed, int users, struct cap_probe *p);

/* Run w's measured interval in batches of <capacity step> until the
** sequential test decides (not before <capacity floor>), or to its end;
** *decided says which, and the run closes where it stopped.  0 or -1. */
static int run_sequential(struct world *w, const struct scenario *s, int *decided)
{
	const struct scn_capacity *c = &s->capacity;
	int64_t t0 = w->batches.t0, t1 = w->batches.t1, t = t0;
	int kmax = (int)((t1 - t0 + c->step - 1) / c->step), k = 0;
	struct qos_count *b = calloc((size_t)(kmax > 0 ? kmax : 1), sizeof *b), prev = { 0 };
	if (!b)
		return -1;
	*decided = 0;
	int rc = world_advance(w, t0);
	while (rc == 0 && t < t1) {
		t = t1 - t > c->step ? t + c->step : t1;
		if ((rc = world_advance(w, t)))
			break;
		struct qos_count now = world_qos_sum(w, c->workload);
		b[k] = (struct qos_count){ now.n - prev.n, now.good - prev.good, now.tolerable - prev.tolerable };
		prev = now;
		k++;
		if (t - t0 >= c->floor && cap_seq_decide(b, k, &s->qos) != CAP_UNDECIDED) {
			*decided = 1;
			break;
		}
	}
	free(b);
	world_finish(w, t);
	return rc;
}

/* Run s with users per VM and the given seed; 0, -1 failed, -2 stopped.
** keep_tail: a failing probe of replication 1 keeps its run's tail.csv
** text in p->tail (for cap_write's tail_fail.csv: the same run, which
** then need not run again; tests/test_capacity.c checks the two alike). */
static int probe(struct scenario *s, int rep, uint64_t seed, int users, const volatile sig_atomic_t *stop,
		 int keep_tail, struct cap_probe *p, char *err, size_t errlen)
{
	if (cap__probe_hook) {
		*p = (struct cap_probe){ .rep = rep, .seed = seed, .users = users };
		if (cap__probe_hook(s, seed, users, p)) {
			snprintf(err, errlen, "replication %d, %d users per VM: the probe failed", rep + 1, users);
			return -1;
		}
		p->pass = qos_pass(&p->qos, &s->qos);
		return 0;
	}
	uint64_t seed0 = s->seed;
	int *old = malloc((size_t)count_varied(s) * sizeof *old);
	if (!old) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cap__set_users(s, users, old);
	s->seed = seed;
	struct world w;
	struct diag d = { 0 };
	int decided = 0;
	int rc = world_build(&w, s, &d);
	if (rc) {
		snprintf(err, errlen, "replication %d, %d users per VM: %s", rep + 1, users,
			 d.n ? d.msg[0] : "the model could not be built");
	} else {
		w.stop = stop;
		if (s->capacity.sequential ? run_sequential(&w, s, &decided) : world_run(&w)) {
			rc = stop && *stop ? -2 : -1;
			snprintf(err, errlen, "replication %d, %d users per VM: the run %s at t=%.6f s", rep + 1,
				 users, rc == -2 ? "was interrupted" : "ran out of memory",
				 (double)world_now(&w) / 1e9);
		}
	}
	if (rc == 0) {
		double measured = (double)(world_now(&w) - w.batches.t0), busy = 0;
		for (int i = 0; i < w.sched.ncpus; i++)
			busy += (double)w.sched.cpu[i].t_busy;
		*p = (struct cap_probe){
			.rep = rep,
			.seed = seed,
			.users = users,
			.qos = world_qos_sum(&w, s->capacity.workload),
			.cpu_util = measured > 0 && w.sched.ncpus ? busy / measured / w.sched.ncpus : 0,
			.measured = measured / 1e9,
			.decided = decided,
		};
		/* the rule is on the pages of all the VMs together, but a VM
		** that completed no page at all has not met it, however well
		** the others did (a pinned layout can starve one) */
		p->pass = qos_pass(&p->qos, &s->qos) && world_qos_starved(&w, s->capacity.workload) == 0;
		if (keep_tail && rep == 0 && !p->pass)
			p->tail = out_tail_text(&w);   /* NULL: written by running it again */
	}
	world_free(&w);
	diag_free(&d);
	restore_users(s, old);
	free(old);
	s->seed = seed0;
	return rc;
}

/* ------------------------------------------------ one replication --- */

static int append(void *ctx, struct cap_probe *p);

/* A run that met both shares but counted fewer than min-pages pages
** proves nothing either way: few users make few pages. */
int cap__too_short(const struct cap_probe *p, const struct scn_qos *q)
{
	return !p->pass && p->qos.n < (uint64_t)q->min_pages && qos_shares_met(&p->qos, q);
}

/* Bracket by doubling from min, then bisect; every probe goes to emit.
** While bracketing, a run too short to judge is passed over (the count
** grows), not taken as a failure; in bisection it counts as one, so the
** answer is always a count that passed. */
/* One probe at n, sent to emit; 0, or the probe's failure. */
static int probe_emit(struct scenario *s, int rep, uint64_t seed, int n, const volatile sig_atomic_t *stop,
		      cap__emit_fn emit, void *ctx, struct cap_probe *p, char *err, size_t errlen)
{
	/* only this process's results keep a tail: a child's probes cross a pipe */
	int rc = probe(s, rep, seed, n, stop, emit == append, p, err, errlen);
	if (rc == 0 && emit(ctx, p)) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	return rc;
}

/* cap_internal.h
** Dither (as in a dithered quantiser: Schuchman, IEEE
** Trans. Commun. Technol. 12(4), 1964; Gray & Stockham, IEEE Trans. Inf.
** Theory 39(3), 1993).  A replication's answer is interpolated across
** the last bracket of its bisection, and where that bracket's grid falls
** against the cliff biases it by up to about half the bracket.  Searches
** that start from the same count probe the same grid, so their errors
** are the same and the t interval over them does not see it.  A draw
** u in [0, 1) of the seed and the start moves each replication's grid by
** a random share of a cell: the grid's error becomes part of the
** replications' spread.  u = splitmix64(seed, start) / 2^64 (Steele, Lea
** & Flood, OOPSLA 2014): a function of what the replication's cache key
** holds, so two searches with the same model, seed and start still probe
** the same counts. */
double cap__dither(uint64_t seed, int start)
{
	uint64_t z = seed * UINT64_C(0x9e3779b97f4a7c15) + (uint64_t)(uint32_t)start + UINT64_C(0x6a09e667f3bcc909);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	return (double)(z >> 11) * 0x1.0p-53;
}

/* cap_internal.h
** The first probe around hint, dithered: hint x 2^((u - 1/2) w / 16) with a
** share resolution (w = 1: one cell of the 2^(k/16) grid scn_capacity_round
** rounds starts to, centred on hint; w = cap__dither_cells, another width
** only in a test), hint + (u - 1/2) x resolution with one in users;
** rounded to a user and kept within [min, max]. */
double cap__dither_cells = 1;

int cap__dither_start(const struct scn_capacity *c, int hint, double u)
{
	double n = c->resolution_rel > 0 ? hint * exp2((u - 0.5) * cap__dither_cells / SCN_ROUND_GRID)
					 : hint + (u - 0.5) * scn_capacity_resolution(c, hint);
	long m = lround(n);
	return m < c->min ? c->min : m > c->max ? c->max : (int)m;
}

/* cap_internal.h
** The first cut of a bracket found by doubling from min, dithered: at
** base + (1 + u) / 3 of the way to hi, strictly inside. */
int cap__dither_cut(int base, int hi, double u)
{
	long m = base + lround((double)(hi - base) * (1 + u) / 3);
	return m <= base ? base + 1 : m >= hi ? hi - 1 : (int)m;
}

/* The bracket around a hint (an earlier round's answer): probe it (or,
** dithered, a count within one rounding cell of it: cap__dither_start), then
** step away from it, doubling the step (from max(the resolution at the hint, hint/16)),
** until the other side is found.  *base (passed or too short) and *hi
** (failed; 0: max passed) as the doubling leaves them; 0, or a probe's
** failure. */
static int bracket_near(struct scenario *s, int rep, uint64_t seed, int hint, const volatile sig_atomic_t *stop,
			cap__emit_fn emit, void *ctx, int *base, int *hi, char *err, size_t errlen)
{
	const struct scn_capacity *c = &s->capacity;
	int res = scn_capacity_resolution(c, hint), step = hint / 16 > res ? hint / 16 : res, rc;
	int n = c->dither ? cap__dither_start(c, hint, cap__dither(seed, hint)) : hint;
	struct cap_probe p;
	*base = *hi = 0;
	if ((rc = probe_emit(s, rep, seed, n, stop, emit, ctx, &p, err, errlen)))
		return rc;
	int up = p.pass || cap__too_short(&p, &s->qos);
	if (up)
		*base = n;
	else
		*hi = n;
	for (;;) {
		if (up && n >= c->max)
			return 0;          /* the bound passed */
		if (!up && n <= c->min)
			return 0;          /* even min failed */
		n = up ? (n > c->max - step ? c->max : n + step) : (n - step < c->min ? c->min : n - step);
		step = step > INT32_MAX / 2 ? step : 2 * step;
		if ((rc = probe_emit(s, rep, seed, n, stop, emit, ctx, &p, err, errlen)))
			return rc;
		int ok = p.pass || cap__too_short(&p, &s->qos);
		if (up && !ok) {
			*hi = n;
			return 0;
		}
		if (!up && p.pass) {
			*base = n;
			return 0;
		}
		if (ok)
			*base = n;
		else
			*hi = n;
	}
}

/* cap_internal.h */
int cap__search_rep(struct scenario *s, int rep, int hint, const volatile sig_atomic_t *stop, cap__emit_fn emit,
		    void *ctx, char *err, size_t errlen)
{
	const struct scn_capacity *c = &s->capacity;
	uint64_t seed = s->seed + (uint64_t)rep;
	int base = 0, hi = 0, n = c->min, rc;  /* base: passed, or too short to judge */
	struct cap_probe p;
	int near = hint > c->min && hint < c->max;
	if (near) {
		if ((rc = bracket_near(s, rep, seed, hint, stop, emit, ctx, &base, &hi, err, errlen)))
			return rc;
		if (hi == 0)
			return 0;     /* max passed */
	} else {
		for (;;) {
			if ((rc = probe_emit(s, rep, seed, n, stop, emit, ctx, &p, err, errlen)))
				return rc;
			if (!p.pass && !cap__too_short(&p, &s->qos)) {
				hi = n;
				break;
			}
			base = n;
			if (n >= c->max)
				return 0;     /* the bound passed, or nothing was judged */
			n = n > c->max / 2 ? c->max : 2 * n;
		}
	}
	if (base == 0)
		return 0;             /* even min failed */
	/* dithered, the first cut after doubling from min falls at a drawn
	** third of the bracket (cap__dither_cut), the rest halve it */
	int cut = c->dither && !near;
	while (hi - base > scn_capacity_resolution(c, base)) {
		int mid = cut ? cap__dither_cut(base, hi, cap__dither(seed, 0)) : base + (hi - base) / 2;
		cut = 0;
		if ((rc = probe_emit(s, rep, seed, mid, stop, emit, ctx, &p, err, errlen)))
			return rc;
		if (p.pass)
			base = mid;
		else
			hi = mid;
	}
	return 0;
}

static int append(void *ctx, struct cap_probe *p)
{
	return cap__append(ctx, p);
}

/* cap_internal.h */
int cap__append(struct cap_result *r, struct cap_probe *p)
{
	if (r->nprobe == r->capprobe) {
		int cap = r->capprobe ? 2 * r->capprobe : 32;
		struct cap_probe *np = realloc(r->probe, (size_t)cap * sizeof *np);
		if (!np) {
			free(p->tail);
			p->tail = NULL;
			return -1;
		}
		r->probe = np;
		r->capprobe = cap;
	}
	r->probe[r->nprobe++] = *p;
	p->tail = NULL;   /* r's now */
	return 0;
}

/* ------------------------------------------------------- results --- */

/* Replication i's crossing into *est: the judged probes (not too short)
** by users, their margins fitted non-increasing, the fit's zero
** (cap_estimate.h); *beyond when even the largest count met the rule (the
** bound was hit).  0 when there is no judged probe.  0, or -1 when out of
** memory. */
static int crossing(const struct scenario *s, const struct cap_result *r, int i, int *beyond, double *est)
{
	int n = 0;
	*beyond = 0;
	*est = 0;
	for (int j = 0; j < r->nprobe; j++)
		n += r->probe[j].rep == i && !cap__too_short(&r->probe[j], &s->qos);
	if (n == 0)
		return 0;
	double *x = malloc((size_t)n * 3 * sizeof *x);
	if (!x)
		return -1;
	double *y = x + n, *f = y + n;
	int m = 0;
	for (int j = 0; j < r->nprobe; j++) {
		const struct cap_probe *p = &r->probe[j];
		if (p->rep != i || cap__too_short(p, &s->qos))
			continue;
		/* insertion by users: a replication has a few dozen probes */
		int at = m++;
		while (at > 0 && x[at - 1] > p->users) {
			x[at] = x[at - 1];
			y[at] = y[at - 1];
			at--;
		}
		x[at] = p->users;
		/* a run short of min-pages does not meet the rule: margin < 0 */
		double mg = cap_margin(&p->qos, &s->qos);
		y[at] = p->pass ? fmax(mg, 0) : fmin(mg, -1e-9);
	}
	if (cap_isotonic_dec(y, NULL, n, f)) {
		free(x);
		return -1;
	}
	*est = cap_crossing(x, f, n, beyond);
	*beyond = *beyond && x[n - 1] >= s->capacity.max;
	free(x);
	return 0;
}

/* Each replication's answer from its probes (the crossing), then mean,
** interval, totals.  0 or -1 (out of memory). */
static int summarise(const struct scenario *s, struct cap_result *r)
{
	double *v = calloc((size_t)r->nrep, sizeof *v);
	if (!v)
		return -1;
	r->bound_hit = r->nat = r->ci_ok = r->vms = r->vms_varied = 0;
	r->good_pct = r->tolerable_pct = r->cpu_util = 0;
	for (int i = 0; i < r->nrep; i++) {
		struct cap_rep *q = &r->rep[i];
		q->max = 0;
		q->at = -1;
		for (int j = 0; j < r->nprobe; j++) {
			const struct cap_probe *p = &r->probe[j];
			if (p->rep == i && p->pass && p->users > q->max) {
				q->max = p->users;
				q->at = j;
			}
		}
		if (crossing(s, r, i, &q->bound_hit, &q->est)) {
			free(v);
			return -1;
		}
		r->bound_hit |= q->bound_hit;
		v[i] = q->est;
		if (q->at >= 0) {
			const struct cap_probe *p = &r->probe[q->at];
			r->good_pct += qos_good_pct(&p->qos);
			r->tolerable_pct += qos_tolerable_pct(&p->qos);
			r->cpu_util += p->cpu_util;
			r->nat++;
		}
	}
	if (r->nat) {
		r->good_pct /= r->nat;
		r->tolerable_pct /= r->nat;
		r->cpu_util /= r->nat;
	}
	r->mean = gsl_stats_mean(v, 1, (size_t)r->nrep);
	r->ci_lo = r->ci_hi = r->mean;
	if (r->nrep >= 2) {
		/* mean +- t_{R-1,0.975} s / sqrt(R) over the R answers */
		double h = stats_t95(r->nrep) * gsl_stats_sd(v, 1, (size_t)r->nrep) / sqrt(r->nrep);
		r->ci_lo = r->mean - h;
		r->ci_hi = r->mean + h;
		r->ci_ok = 1;
	}
	free(v);
	int vcpus = 0;
	for (int k = 0; k < s->nvms; k++) {
		r->vms += s->vm[k].count;
		if (vm_varied(s, &s->vm[k])) {
			r->vms_varied += s->vm[k].count;
			vcpus += s->vm[k].count * s->vm[k].vcpus;
		}
	}
	r->vcpus_per_vm = r->vms_varied ? (double)vcpus / r->vms_varied : 0;
	r->cumulative = r->mean * r->vms_varied;
	return 0;
}

int cap_search(struct scenario *s, int jobs, const volatile sig_atomic_t *stop, struct cap_result *r,
	       char *err, size_t errlen)
{
	return cap_search_shown(s, jobs, stop, NULL, r, err, errlen);
}

/* Replications first .. first + n - 1 in this process, each taken from
** the store c when it is there (cap_cache.h).  Each is searched (or taken)
** into a result of its own and they are appended to r in order, so r is
** what searching them in order gives.  A replication another process is
** running is passed over until no other is left, then waited for. */
static int run_reps_cached(struct scenario *s, struct cap_cache *c, int first, int n, const int *hint,
			   const volatile sig_atomic_t *stop, struct cap_result *r, char *err, size_t errlen)
{
	struct cap_result *one = calloc((size_t)n, sizeof *one);
	char **key = calloc((size_t)n, sizeof *key);
	int *done = calloc((size_t)n, sizeof *done);
	int rc = 0, left = n;
	struct progress g;
	if (!one || !key || !done) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
		goto out;
	}
	for (int i = 0; i < n && rc == 0; i++)
		if (!(key[i] = cap_cache_key(c, s->seed + (uint64_t)(first + i), hint[i]))) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	progress_start(&g, r->progress, "replications", n);
	while (rc == 0 && left > 0) {
		int moved = 0;
		for (int i = 0; i < n && rc == 0 && !moved; i++) {
			if (done[i])
				continue;
			int t = cap_cache_take(c, key[i], first + i, &one[i]);
			if (t == 0) {
				int l = cap_cache_lock(c, key[i]);
				if (l == 0)
					continue;   /* another process runs it */
				/* it may have been stored between the look and the lock */
				if (l == 1 && (t = cap_cache_take(c, key[i], first + i, &one[i])) != 0) {
					cap_cache_unlock(c, key[i]);
				} else if (t == 0) {
					rc = cap__search_rep(s, first + i, hint[i], stop, append, &one[i], err, errlen);
					if (rc == 0 && l == 1)
						cap_cache_put(c, key[i], &one[i], first + i);
					else if (l == 1)
						cap_cache_unlock(c, key[i]);
					t = rc == 0 ? 2 : 0;
				}
			}
			if (t < 0) {
				snprintf(err, errlen, "out of memory");
				rc = -1;
			} else if (t > 0) {
				r->cached += t == 1;
				done[i] = moved = 1;
				left--;
				g.done++;
				progress_update(&g);
			}
		}
		if (rc == 0 && !moved) {
			/* every one left is being run elsewhere */
			if (stop && *stop) {
				snprintf(err, errlen, "the search was interrupted");
				rc = -2;
			} else {
				nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
			}
		}
	}
	progress_end(&g);
	for (int i = 0; i < n && rc == 0; i++)
		for (int j = 0; j < one[i].nprobe && rc == 0; j++)
			if (append(r, &one[i].probe[j])) {
				snprintf(err, errlen, "out of memory");
				rc = -1;
			}
out:
	for (int i = 0; one && i < n; i++)
		cap_free(&one[i]);
	for (int i = 0; key && i < n; i++)
		free(key[i]);
	free(one);
	free(key);
	free(done);
	return rc;
}

/* Replications first .. first + n - 1 (hint[i] where the (i + 1)th's
** brackets start), in this process or in children. */
static int run_reps(struct scenario *s, int jobs, struct cap_cache *c, int first, int n, const int *hint,
		    const volatile sig_atomic_t *stop, struct cap_result *r, char *err, size_t errlen)
{
	if (jobs > n)
		jobs = n;
	if (jobs > 1 || cluster_active())
		return cap__run_parallel(s, jobs, first, n, hint, stop, r, err, errlen);
	if (c)
		return run_reps_cached(s, c, first, n, hint, stop, r, err, errlen);
	struct progress g;
	int rc = 0;
	progress_start(&g, r->progress, "replications", n);
	for (int i = 0; i < n && rc == 0; i++) {
		rc = cap__search_rep(s, first + i, hint[i], stop, append, r, err, errlen);
		g.done++;
		progress_update(&g);
	}
	progress_end(&g);
	return rc;
}

/* The interval is as narrow as <capacity precision> asks (or none asked). */
static int precise_enough(const struct scn_capacity *c, const struct cap_result *r)
{
	if (c->precision <= 0)
		return 1;
	if (!r->ci_ok)
		return 0;
	return r->ci_hi - r->ci_lo <= 2 * c->precision * fabs(r->mean);
}

/* Long: replications in rounds (the first <capacity replications>, then
** two more at a time until precise enough), each round summarised. */
int cap_search_shown(struct scenario *s, int jobs, const volatile sig_atomic_t *stop, FILE *progress,
		     struct cap_result *r, char *err, size_t errlen)
{
	return cap_search_with(s, jobs, NULL, stop, progress, r, err, errlen);
}

int cap_search_with(struct scenario *s, int jobs, struct cap_cache *cache, const volatile sig_atomic_t *stop,
		    FILE *progress, struct cap_result *r, char *err, size_t errlen)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	memset(r, 0, sizeof *r);
	r->progress = progress;
	const struct scn_capacity *c = &s->capacity;
	int most = c->max_replications > c->replications ? c->max_replications : c->replications;
	r->rep = calloc((size_t)most, sizeof *r->rep);
	if (!r->rep) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (cluster_active())
		jobs = cluster_slots();   /* a replication per rank */
	if (jobs > most)
		jobs = most;
	if (jobs < 1)
		jobs = 1;
	r->jobs = jobs;
	int rc = 0, done = 0, next = c->replications;
	/* The rounds depend on the answers only, never on jobs, so every
	** output is the same for any -j. */
	while (rc == 0 && next > done) {
		/* Replication i brackets around its own answer at the point
		** before (c->rep_start[i]: a sweep's bracket="previous", the
		** same seed, so its whole chain of searches depends on its
		** seed alone), else in a later round around the answer so
		** far, in the first around <capacity start> (0: from min);
		** all rounded (scn_capacity_round) */
		int hint[SCN_MAX_REPLICATIONS];
		for (int i = done; i < next; i++)
			hint[i - done] = i < c->nrep_start && c->rep_start[i] > 0 ? c->rep_start[i]
				       : done && r->mean > 0 ? scn_capacity_round(c, r->mean)
				       : done ? 0 : c->start;
		rc = run_reps(s, jobs, cache, done, next - done, hint, stop, r, err, errlen);
		done = next;
		r->nrep = done;
		if (rc == 0 && summarise(s, r)) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
		if (rc == 0 && !precise_enough(c, r))
			next = done + 2 < most ? done + 2 : most;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	r->wall = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	return rc;
}

void cap_free(struct cap_result *r)
{
	for (int i = 0; r->probe && i < r->nprobe; i++)
		free(r->probe[i].tail);
	free(r->rep);
	free(r->probe);
	memset(r, 0, sizeof *r);
}

