/*
** The capacity search's outputs (capacity.h): capacity.csv, the probes,
** the replications, the run at capacity for hvsim explain, and the
** summary printed.
*/
#include "sim/drive/capacity.h"
#include "sim/drive/cap_estimate.h"
#include "sim/drive/cap_internal.h"
#include "sim/report/timeline.h"
#include "models/world.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------- outputs --- */

/* A CSV field: the value, or empty when there is none. */
static void field(FILE *f, int have, double x)
{
	if (have && isfinite(x))
		fprintf(f, "%.9g", x);
}

void cap_csv_header(FILE *f)
{
	fputs("hypervisor,policy,vms,vcpus_per_vm,sessions_per_vm,cumulative_sessions,ci_low,ci_high,good_pct,"
	      "tolerable_pct,cpu_util,replications,bound_hit",
	      f);
}

void cap_csv_row(FILE *f, const struct scenario *s, const struct cap_result *r)
{
	fprintf(f, "%s,%s,%d,%.9g,%.9g,%.9g,", s->hv.name, s->hv.policy.name, r->vms, r->vcpus_per_vm, r->mean,
		r->cumulative);
	field(f, r->ci_ok, r->ci_lo);
	fputc(',', f);
	field(f, r->ci_ok, r->ci_hi);
	fputc(',', f);
	field(f, r->nat, r->good_pct);
	fputc(',', f);
	field(f, r->nat, r->tolerable_pct);
	fputc(',', f);
	field(f, r->nat, r->cpu_util);
	fprintf(f, ",%d,%d", r->nrep, r->bound_hit);
}

/* The run at capacity, for `hvsim explain`: replication 1's passing run
** at its answer (its seed, its users per VM) is run again, deterministic
** so the same run, and its files (summary.json, vms.csv, ..., and
** placement.csv from an in-memory timeline) go beside capacity.csv; then
** its first failing probe above the answer, whose tail.csv goes there as
** tail_fail.csv (the text that probe kept when it ran in this process,
** else from running it again: the same run either way).
** Nothing when replication 1 found 0.  The scenario is copied down to
** the workloads whose users change, so s stays untouched.  0 or -1. */
static int at_capacity(struct outdir *o, const struct scenario *s, const struct cap_result *r)
{
	if (r->nrep < 1 || !r->rep || r->rep[0].at < 0 || r->rep[0].max <= 0)
		return 0;
	struct scenario c = *s;
	c.seed = s->seed;
	c.vm = calloc((size_t)(s->nvms ? s->nvms : 1), sizeof *c.vm);
	int rc = c.vm ? 0 : -1;
	for (int k = 0; k < s->nvms && rc == 0; k++) {
		c.vm[k] = s->vm[k];
		c.vm[k].workload = malloc((size_t)(s->vm[k].nworkloads ? s->vm[k].nworkloads : 1) *
					  sizeof *c.vm[k].workload);
		if (!c.vm[k].workload)
			rc = -1;
		else if (s->vm[k].nworkloads)
			memcpy(c.vm[k].workload, s->vm[k].workload,
			       (size_t)s->vm[k].nworkloads * sizeof *c.vm[k].workload);
	}
	if (rc == 0) {
		cap__set_users(&c, r->rep[0].max, NULL);
		/* as long as that probe measured (a sequential probe may stop early) */
		c.duration = s->warmup + (int64_t)llround(r->probe[r->rep[0].at].measured * 1e9);
		struct world w;
		struct diag d = { 0 };
		rc = world_build(&w, &c, &d);
		if (rc == 0) {
			rc = timeline_open(&w, NULL, 1) || world_run(&w) || out_write_run(o, &w) ||
					     out_write_placement(o, &w)
				     ? -1
				     : 0;
		}
		world_free(&w);
		diag_free(&d);
	}
	/* and replication 1's first failing probe above it (the fewest users
	** that failed), for where the pages' time went when QoS is missed */
	int fail = -1;
	for (int i = 0; i < r->nprobe; i++) {
		const struct cap_probe *p = &r->probe[i];
		if (p->rep == 0 && !p->pass && p->users > r->rep[0].max && (fail < 0 || p->users < r->probe[fail].users))
			fail = i;
	}
	if (rc == 0 && fail >= 0 && r->probe[fail].tail) {
		/* kept from the probe itself (capacity.c, probe): the same run */
		FILE *f = out_open(o, "tail_fail.csv");
		rc = !f || fputs(r->probe[fail].tail, f) < 0 ? -1 : 0;
		if (f && (ferror(f) | fclose(f)))
			rc = -1;
	} else if (rc == 0 && fail >= 0) {
		cap__set_users(&c, r->probe[fail].users, NULL);
		c.duration = s->warmup + (int64_t)llround(r->probe[fail].measured * 1e9);
		struct world w;
		struct diag d = { 0 };
		rc = world_build(&w, &c, &d);
		if (rc == 0)
			rc = world_run(&w) || out_write_tail(o, &w, "tail_fail.csv") ? -1 : 0;
		world_free(&w);
		diag_free(&d);
	}
	for (int k = 0; c.vm && k < s->nvms; k++)
		free(c.vm[k].workload);
	free(c.vm);
	return rc;
}

int cap_write(struct outdir *o, const struct scenario *s, const struct cap_result *r)
{
	FILE *f = out_open(o, "capacity.csv");
	if (!f)
		return -1;
	cap_csv_header(f);
	fputc('\n', f);
	cap_csv_row(f, s, r);
	fputc('\n', f);
	if (ferror(f) | fclose(f))
		return -1;

	f = out_open(o, "capacity_probes.csv");
	if (!f)
		return -1;
	fputs("replication,seed,users_per_vm,measured_s,decided,pages,good_pct,tolerable_pct,margin_pct,cpu_util,"
	      "pass\n",
	      f);
	for (int i = 0; i < r->nprobe; i++) {
		const struct cap_probe *p = &r->probe[i];
		fprintf(f, "%d,%llu,%d,%.9g,%d,%llu,%.9g,%.9g,", p->rep + 1, (unsigned long long)p->seed, p->users,
			p->measured, p->decided, (unsigned long long)p->qos.n, qos_good_pct(&p->qos),
			qos_tolerable_pct(&p->qos));
		double m = cap_margin(&p->qos, &s->qos);
		field(f, isfinite(m), 100 * m);
		fprintf(f, ",%.9g,%d\n", p->cpu_util, p->pass);
	}
	if (ferror(f) | fclose(f))
		return -1;

	/* each replication's answer: what the interval and the plateau test
	** (hvsim explain, paired by replication) are made of */
	f = out_open(o, "capacity_replications.csv");
	if (!f)
		return -1;
	fputs("replication,seed,sessions_per_vm,cumulative_sessions,largest_pass,bound_hit,probes,measured_s\n", f);
	for (int i = 0; i < r->nrep; i++) {
		int np = 0;
		double ms = 0;
		for (int j = 0; j < r->nprobe; j++)
			if (r->probe[j].rep == i) {
				np++;
				ms += r->probe[j].measured;
			}
		fprintf(f, "%d,%llu,%.9g,%.9g,%d,%d,%d,%.9g\n", i + 1, (unsigned long long)(s->seed + (uint64_t)i),
			r->rep[i].est, r->rep[i].est * r->vms_varied, r->rep[i].max, r->rep[i].bound_hit, np, ms);
	}
	if (ferror(f) | fclose(f))
		return -1;
	return at_capacity(o, s, r);
}

/* Why replication i found nothing: min failed, or no run was long enough. */
static void print_zero(FILE *f, const struct scenario *s, const struct cap_result *r, int i)
{
	int judged = 0, most = 0;
	for (int j = 0; j < r->nprobe; j++) {
		const struct cap_probe *p = &r->probe[j];
		if (p->rep != i)
			continue;
		if (cap__too_short(p, &s->qos))
			most = p->users;
		else
			judged = judged ? judged : p->users;
	}
	if (most && !judged)
		fprintf(f, "  replication %d: capacity 0: every run, up to max=%d users per VM, counted fewer "
			   "than min-pages=%d pages; lengthen <run duration>\n",
			i + 1, most, s->qos.min_pages);
	else if (most)
		fprintf(f, "  replication %d: capacity 0: up to %d users per VM the runs counted fewer than "
			   "min-pages=%d pages, and %d failed QoS\n",
			i + 1, most, s->qos.min_pages, judged);
	else
		fprintf(f, "  replication %d: capacity 0: even min=%d users per VM failed QoS\n", i + 1,
			s->capacity.min);
}

void cap_print(FILE *f, const struct scenario *s, const struct cap_result *r, const char *dest)
{
	const struct scn_qos *q = &s->qos;
	const struct scn_capacity *c = &s->capacity;
	fprintf(f, "%s: %.4g users per VM", s->name, r->mean);
	if (r->ci_ok)
		fprintf(f, " (95%% CI %.4g .. %.4g)", r->ci_lo, r->ci_hi);
	fprintf(f, "; replications:");
	for (int i = 0; i < r->nrep; i++)
		fprintf(f, " %.4g", r->rep[i].est);
	fprintf(f, "\n  cumulative: %.4g users over %d VM%s", r->cumulative, r->vms_varied,
		r->vms_varied == 1 ? "" : "s");
	if (r->ci_ok)
		fprintf(f, " (95%% CI %.4g .. %.4g)", r->ci_lo * r->vms_varied, r->ci_hi * r->vms_varied);
	fprintf(f, "\n  QoS: %.4g%% within %.4g s and %.4g%% within %.4g s, over at least %d pages", 100 * q->good,
		(double)q->time_good / 1e9, 100 * q->tolerable, (double)q->time_tolerable / 1e9, q->min_pages);
	if (r->nat)
		fprintf(f, "; at capacity %.4g%% and %.4g%%, CPU %.3g%%", r->good_pct, r->tolerable_pct,
			100 * r->cpu_util);
	fputc('\n', f);
	for (int i = 0; i < r->nrep; i++) {
		if (r->rep[i].bound_hit)
			fprintf(f, "  replication %d: max=%d users per VM passed: the bound was hit, the capacity "
				   "may be higher (raise <capacity max>)\n",
				i + 1, c->max);
		else if (r->rep[i].at < 0)
			print_zero(f, s, r, i);
	}
	fprintf(f, "  %d runs in %.3g wall s (%d process%s); wrote %s/\n", r->nprobe, r->wall, r->jobs,
		r->jobs == 1 ? "" : "es", dest);
}
