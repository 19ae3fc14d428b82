/*
** One point of `hvsim sweep` in the process that runs it (sweep.c
** starts the processes and settles what they send): its scenario loaded
** with the point's values, the run or the capacity search, its files
** written into DIR/points/NNN through a staging directory (or packed
** into the message, for a worker rank), and its sweep.csv row or its
** failure sent to the parent.
*/
#include "sim/drive/sweep.h"
#include "sim/drive/cap_cache.h"
#include "sim/drive/sweep_int.h"
#include "sim/drive/sweep_reuse.h"
#include "sim/drive/capacity.h"
#include "sim/report/result.h"
#include "sim/report/output.h"
#include "models/world.h"
#include "traces/csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double sweep_now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char run_cols[] = "hypervisor,policy,vms,vcpus_per_vm,users,pages,good_pct,tolerable_pct,qos_pass,"
			       "pages_per_s,cpu_util,steal_pct,spin_pct,events,overhead_pct,switch_pct,refill_pct,"
			       "migrate_refill_pct";

/* sweep.csv's columns after the keys: the mode's, wall_s last. */
void sweep_put_cols(FILE *f, const struct scenario *s)
{
	if (s->sweep.mode == SWEEP_CAPACITY)
		cap_csv_header(f);
	else
		fputs(run_cols, f);
	fputs(",wall_s", f);
}

/* One line of mode="run" results from a finished world. */
static void run_row(FILE *f, const struct world *w)
{
	const struct scenario *s = w->scn;
	struct run_result r;
	run_result(w, &r);
	fprintf(f, "%s,%s,%d,%.9g,%d,%llu,", s->hv.name, s->hv.policy.name, r.vms, r.vms ? (double)r.vcpus / r.vms : 0,
		r.users, (unsigned long long)r.qos.n);
	if (r.qos.n)
		fprintf(f, "%.9g,%.9g", qos_good_pct(&r.qos), qos_tolerable_pct(&r.qos));
	else
		fputc(',', f);
	fprintf(f, ",%d,%.9g,%.9g,%.9g,%.9g,%llu", qos_pass(&r.qos, &s->qos), r.pages_per_s, r.cpu_util, r.steal_pct,
		r.spin_pct, (unsigned long long)r.events);
	/* the guests' VCPU overhead as a share of their run time, by cause */
	fprintf(f, ",%.9g,%.9g,%.9g,%.9g", r.overhead_pct, r.switch_pct, r.refill_pct, r.migrate_refill_pct);
}

/* sweep_int.h */
int sweep_point_dir(const char *dir, int p, int (*fill)(struct outdir *, const void *), const void *arg,
		     char *err, size_t errlen)
{
	char dest[4200];
	snprintf(dest, sizeof dest, "%s/points/%03d", dir, p + 1);
	struct outdir od = { 0 };
	/* the sweep's own directory: a point run again replaces its files */
	int rc = out_begin(&od, dest, OUT_REPLACE, err, errlen);
	if (rc == 0) {
		errno = 0;
		rc = fill(&od, arg);
		if (rc)
			snprintf(err, errlen, "%s: cannot write the outputs: %s", dest, strerror(errno ? errno : EIO));
		else
			rc = out_commit(&od, err, errlen);
	}
	if (rc)
		out_abort(&od);
	free(od.dest);
	free(od.stage);
	return rc;
}

struct point_out {
	const struct scenario *s;
	const struct world *w;        /* mode="run"; NULL: r */
	const struct cap_result *r;
	const char *model;            /* model.xml (sweep_reuse.h) */
};

static int fill_point(struct outdir *od, const void *arg)
{
	const struct point_out *a = arg;
	FILE *f = out_open(od, "model.xml");
	if (!f)
		return -1;
	fputs(a->model, f);
	if (ferror(f) | fclose(f))
		return -1;
	return a->w ? out_write_run(od, a->w) : cap_write(od, a->s, a->r);
}

/* Write a point's outputs (a run's world w, or a capacity result r) and
** its model.xml. */
static int point_outputs(const char *dir, int p, const struct scenario *s, const struct world *w,
			 const struct cap_result *r, const char *model, char *err, size_t errlen)
{
	struct point_out a = { s, w, r, model };
	return sweep_point_dir(dir, p, fill_point, &a, err, errlen);
}

/* sweep_int.h */
int sweep_load_point(const struct sweep_args *a, const struct scn_sweep *sw, int p,
		     const struct sweep_start *start, struct scenario *s, struct diag *d)
{
	int nov = 0;
	struct scn_override *ov = sweep_point_overrides(a, sw, p, &nov);
	struct scn_origin *from = ov ? sweep_point_origins(a->nov, sw) : NULL;
	if (!ov || !from) {
		diag_error(d, a->file, 0, "out of memory");
		free(ov);
		free(from);
		return -1;
	}
	int lr = scn_load_from(s, a->file, ov, from, nov, 0, d);
	free(from);
	free(ov);
	if (lr)
		return -1;
	if (a->has_seed)
		s->seed = a->seed;
	scn_protocol(s, a->protocol);
	if (sw->mode == SWEEP_CAPACITY && start) {
		/* bracket="previous": around the answers of the point before */
		struct scn_capacity *c = &s->capacity;
		if (start->mean > 0)
			c->start = scn_capacity_round(c, start->mean / 1000.0);
		c->nrep_start = start->nrep < SCN_MAX_REPLICATIONS ? start->nrep : SCN_MAX_REPLICATIONS;
		for (int i = 0; i < c->nrep_start; i++)
			c->rep_start[i] = start->rep[i] > 0 ? scn_capacity_round(c, start->rep[i] / 1000.0) : 0;
	}
	return 0;
}

/* A rank's point: the row, a NUL and the point's outputs packed
** (out_pack) down f, the outputs removed from dir, which keeps none.
** MSG_ROW, or MSG_FAIL with err set. */
static int ship_point(FILE *f, const char *dir, int p, const char *row, char *err, size_t errlen)
{
	char dest[4200];
	snprintf(dest, sizeof dest, "%s/points/%03d", dir, p + 1);
	char *pk = NULL;
	size_t pkl = 0;
	FILE *pf = open_memstream(&pk, &pkl);
	int bad = !pf || out_pack(pf, dest);
	if (pf && fclose(pf))
		bad = 1;
	out_rmrf(dest);
	if (bad) {
		snprintf(err, errlen, "%s: cannot read the outputs back: %s", dest, strerror(errno ? errno : EIO));
		free(pk);
		return MSG_FAIL;
	}
	fputc(MSG_ROW, f);
	fputs(row, f);
	fputc(0, f);
	fwrite(pk, 1, pkl, f);
	free(pk);
	return MSG_ROW;
}

/* --cache: open the store for point s into c and set *use to it, or
** leave *use NULL when s has none (a model read from files, such as a
** trace: its text does not hold their contents).  0, or -1 with err. */
static int point_cache(struct cap_cache *c, struct cap_cache **use, const struct sweep_args *a,
		       const struct scenario *s, char *err, size_t errlen)
{
	*use = NULL;
	if (!s->model || s->model_external)
		return 0;
	size_t n = strlen(s->model) + 64;
	char *m = malloc(n);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(m, n, "protocol %s\n%s", a->protocol == SCN_PROTOCOL_SPECWEB ? "specweb" : "scenario", s->model);
	int rc = cap_cache_open(c, a->cache, m, err, errlen);
	free(m);
	if (rc == 0)
		*use = c;
	return rc;
}

/* Run point p into f (the message to the parent); ship: its outputs
** too, after the row and a NUL (out_pack), from dir, which keeps none. */
void sweep_run_point(const struct sweep_args *a, const struct scn_sweep *sw, const char *dir, int p, FILE *f,
		      int ship, const struct sweep_start *start)
{
	double t0 = sweep_now_s();
	struct scenario s;
	struct diag d = { 0 };
	char err[4400] = "";
	if (sweep_load_point(a, sw, p, start, &s, &d)) {
		fputc(MSG_FAIL, f);
		diag_print(&d, f);
		diag_free(&d);
		return;
	}
	const char *val[SCN_MAX_VARY];
	sweep_point(sw, p, val);
	char *model = sweep_model_xml(&s, sw->mode == SWEEP_CAPACITY, a->protocol);
	char *row = NULL;
	size_t rowlen = 0;
	FILE *rf = model ? open_memstream(&row, &rowlen) : NULL;
	struct cap_result r = { 0 };
	if (rf && a->cache)
		fputs("0 0 ", rf);   /* --cache: replications taken and run, filled in below */
	for (int k = 0; rf && k < sw->nvary; k++) {
		trace_csv_put(rf, val[k]);
		fputc(',', rf);
	}
	int kind = MSG_ROW;
	if (!rf) {
		kind = MSG_FAIL;
		snprintf(err, sizeof err, "out of memory");
	} else if (sw->mode == SWEEP_RUN) {
		struct world w;
		if (world_build(&w, &s, &d)) {
			kind = MSG_FAIL;
		} else {
			w.stop = a->stop;
			if (world_run(&w)) {
				kind = a->stop && *a->stop ? MSG_STOP : MSG_FAIL;
				snprintf(err, sizeof err, "the run %s at t=%.6f s",
					 kind == MSG_STOP ? "was interrupted" : "ran out of memory",
					 (double)world_now(&w) / 1e9);
			} else if (point_outputs(dir, p, &s, &w, NULL, model, err, sizeof err)) {
				kind = a->stop && *a->stop ? MSG_STOP : MSG_FAIL;
			} else {
				run_row(rf, &w);
			}
		}
		world_free(&w);
	} else {
		int sr;
		struct cap_cache cc, *c = NULL;
		if (cap_check(&s, &d)) {
			kind = MSG_FAIL;
		} else if (a->cache && point_cache(&cc, &c, a, &s, err, sizeof err)) {
			kind = MSG_FAIL;
		} else if ((sr = cap_search_with(&s, 1, c, a->stop, NULL, &r, err, sizeof err))) {
			kind = sr == -2 ? MSG_STOP : MSG_FAIL;
		} else if (point_outputs(dir, p, &s, NULL, &r, model, err, sizeof err)) {
			kind = a->stop && *a->stop ? MSG_STOP : MSG_FAIL;
		} else {
			cap_csv_row(rf, &s, &r);
		}
		if (c)
			cap_cache_close(c);
	}
	if (rf) {
		fprintf(rf, ",%.3f", sweep_now_s() - t0);
		if (fclose(rf)) {
			kind = MSG_FAIL;
			snprintf(err, sizeof err, "out of memory");
		}
	}
	if (kind == MSG_ROW && a->cache) {
		/* the counts in front, in the room left for them */
		char n[32];
		int k = snprintf(n, sizeof n, "%d %d ", r.cached, r.nrep);
		char *nr = malloc(rowlen - 4 + (size_t)k + 1);
		if (nr) {
			memcpy(nr, n, (size_t)k);
			memcpy(nr + k, row + 4, rowlen - 4 + 1);
			free(row);
			row = nr;
		} else {
			kind = MSG_FAIL;
			snprintf(err, sizeof err, "out of memory");
		}
	}
	cap_free(&r);
	if (kind == MSG_ROW && ship) {
		kind = ship_point(f, dir, p, row, err, sizeof err);
	} else if (kind == MSG_ROW) {
		fputc(kind, f);
		fputs(row, f);
	}
	if (kind != MSG_ROW) {
		fputc(kind, f);
		diag_print(&d, f);
		fputs(err, f);
	}
	free(row);
	free(model);
	diag_free(&d);
	scn_free(&s);
}
