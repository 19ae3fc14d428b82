/*
** `hvsim calibrate`: the fit (Nelder-Mead by stages, calib.h) and the
** sensitivity of the fitted values (docs/calibration.md).  The outputs
** are written by calib_report.c, the command runs in calib_cmd.c.
*/
#include "calibration/calib.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_rng.h>


/* ------------------------------------------------------- objective --- */

struct fit {
	const struct cal_config *c;
	struct cal_eval *e;
	double *x;                  /* every parameter's value */
	const struct cal_stage *st;
	int evals, limit;
	int failed;                 /* 0, -1 error, -2 interrupted */
	char err[600];
	double best_j, *best_x;     /* best over every evaluation of the stage */
	int verbose;
};

static double logistic(double u)
{
	return 1 / (1 + exp(-u));
}

static double to_x(const struct cal_param *p, double u)
{
	return p->min + (p->max - p->min) * logistic(u);
}

static double to_u(const struct cal_param *p, double x)
{
	double t = (x - p->min) / (p->max - p->min);
	t = fmin(0.995, fmax(0.005, t));
	return log(t / (1 - t));
}

/* The prior term: squared log distance from the start, in units of the
** parameter's log range (a linear range when the bounds are not positive). */
static double prior_term(const struct cal_config *c, const struct cal_stage *st, const double *x)
{
	double s = 0;
	for (int k = 0; k < st->np; k++) {
		const struct cal_param *p = &c->p[st->param[k]];
		double v = x[st->param[k]], d;
		if (p->min > 0)
			d = log(v / p->start) / log(p->max / p->min);
		else
			d = (v - p->start) / (p->max - p->min);
		s += d * d;
	}
	return st->np ? s / st->np : 0;
}

/* J at x (every parameter), or NAN with f->failed set. */
static double objective_at(struct fit *f, const double *x)
{
	const struct cal_stage *st = f->st;
	int rc = cal_eval_need(f->e, x, st->row, st->nrow, f->err, sizeof f->err);
	if (rc) {
		f->failed = rc;
		return NAN;
	}
	double s = 0;
	for (size_t i = 0; i < st->nrow; i++) {
		double e = cal_eval_error(f->e, x, st->row[i]);
		if (isnan(e)) {
			const struct meas_point *p = &f->c->meas.p[st->row[i]];
			snprintf(f->err, sizeof f->err, "%s:%d: row '%s': the simulation gave no value to compare",
				 f->c->measured, p->line, p->id);
			f->failed = -1;
			return NAN;
		}
		s += e * e;
	}
	return s / (double)st->nrow + f->c->prior * prior_term(f->c, st, x);
}

static double nm_f(const gsl_vector *u, void *arg)
{
	struct fit *f = arg;
	if (f->failed || f->evals >= f->limit)
		return f->failed ? GSL_POSINF : f->best_j;
	for (int k = 0; k < f->st->np; k++) {
		int i = f->st->param[k];
		f->x[i] = to_x(&f->c->p[i], gsl_vector_get(u, (size_t)k));
	}
	double j = objective_at(f, f->x);
	f->evals++;
	if (isnan(j))
		return GSL_POSINF;
	if (j < f->best_j) {
		f->best_j = j;
		memcpy(f->best_x, f->x, (size_t)f->c->np * sizeof *f->x);
	}
	if (f->verbose) {
		fprintf(stderr, "  %s: evaluation %d, J = %.6g", f->st->name, f->evals, j);
		for (int k = 0; k < f->st->np; k++) {
			char t[64];
			int i = f->st->param[k];
			cal_param_text(&f->c->p[i], f->x[i], t, sizeof t);
			fprintf(stderr, " %s=%s", f->c->p[i].name, t);
		}
		fputc('\n', stderr);
	}
	return j;
}

/* Fit one stage; x holds every value in and out.  0, -1, -2. */
int cal_fit_stage(const struct cal_config *c, struct cal_eval *e, const struct cal_stage *st, double *x,
		     int verbose, double *jbest, int *nevals, char *err, size_t errlen)
{
	size_t n = (size_t)st->np;
	struct fit f = { .c = c, .e = e, .x = x, .st = st, .best_j = INFINITY, .verbose = verbose };
	f.best_x = malloc((size_t)c->np * sizeof *x);
	double *x0 = malloc((size_t)c->np * sizeof *x);
	gsl_vector *u = gsl_vector_alloc(n), *step = gsl_vector_alloc(n);
	gsl_multimin_fminimizer *m = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, n);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!f.best_x || !x0 || !u || !step || !m || !r) {
		snprintf(err, errlen, "out of memory");
		f.failed = -1;
		goto out;
	}
	gsl_rng_set(r, c->seed + (uint64_t)(st - c->stage) * 7919u);
	memcpy(x0, x, (size_t)c->np * sizeof *x);
	memcpy(f.best_x, x, (size_t)c->np * sizeof *x);
	int total = 0, starts = st->starts ? st->starts : c->starts;
	for (int start = 0; start < starts && !f.failed; start++) {
		for (size_t k = 0; k < n; k++) {
			const struct cal_param *p = &c->p[st->param[k]];
			/* start 0: the given starts; then points spread over the middle
			** 80% of the bounds, on a log scale when they are positive (a
			** range of 1..400 is explored around 17 as much as around 200) */
			double t = 0.1 + 0.8 * gsl_rng_uniform(r);
			double xv = start == 0 ? x0[st->param[k]]
				  : p->min > 0 ? p->min * pow(p->max / p->min, t)
					       : p->min + (p->max - p->min) * t;
			gsl_vector_set(u, k, to_u(p, xv));
			gsl_vector_set(step, k, 0.7);
		}
		gsl_multimin_function fn = { .f = nm_f, .n = n, .params = &f };
		f.evals = 0;
		f.limit = st->evals ? st->evals : c->evals;
		if (verbose)
			fprintf(stderr, "%s: start %d of %d\n", st->name, start + 1, starts);
		gsl_multimin_fminimizer_set(m, &fn, u, step);
		for (int it = 0; it < 10000 && f.evals < f.limit && !f.failed; it++) {
			if (gsl_multimin_fminimizer_iterate(m))
				break;
			double size = gsl_multimin_fminimizer_size(m);
			if (gsl_multimin_test_size(size, c->tol) == GSL_SUCCESS)
				break;
		}
		total += f.evals;
	}
	if (f.failed) {
		snprintf(err, errlen, "%s", f.err);
	} else {
		memcpy(x, f.best_x, (size_t)c->np * sizeof *x);
		*jbest = f.best_j;
		*nevals = total;
	}
out:
	gsl_multimin_fminimizer_free(m);
	gsl_vector_free(u);
	gsl_vector_free(step);
	gsl_rng_free(r);
	free(f.best_x);
	free(x0);
	return f.failed;
}

/* ----------------------------------------------- identified or fixed --- */

/* A parameter whose elasticity at the fit is below c->identify moves no
** row the stage fits by more than that share of its own change: the data
** cannot determine it, and the value the simplex left is the prior's or
** chance's.  It is put back at its start (the sourced value its <param
** source> gives), and the stage is refitted with the others only, so
** their values do not lean on an arbitrary one. */
int cal_fit_identified(const struct cal_config *c, struct cal_eval *e, const struct cal_stage *st, double *x,
		       int verbose, struct cal_stage_out *so, char *err, size_t errlen)
{
	int rc = cal_fit_stage(c, e, st, x, verbose, &so->j, &so->evals, err, errlen);
	if (!rc)
		rc = cal_sensitivity(c, e, st, x, so->sens, err, errlen);
	if (rc)
		return rc;
	struct cal_stage rest = *st;
	rest.np = 0;
	int nfixed = 0;
	for (int k = 0; k < st->np; k++) {
		int i = st->param[k];
		if (so->sens[k].elast < c->identify) {
			so->sens[k].fixed = 1;
			x[i] = c->p[i].start;
			nfixed++;
		} else {
			rest.param[rest.np++] = i;
		}
	}
	if (!nfixed)
		return 0;
	if (verbose)
		fprintf(stderr, "%s: %d parameter(s) unidentified (elasticity < %g), fixed at their starts%s\n",
			st->name, nfixed, c->identify, rest.np ? "; refitting the others" : "");
	struct cal_sens keep[CAL_MAX_PARAMS];
	memcpy(keep, so->sens, sizeof keep);
	int evals = so->evals;
	if (rest.np) {
		rc = cal_fit_stage(c, e, &rest, x, verbose, &so->j, &so->evals, err, errlen);
		so->evals += evals;
		struct cal_sens rs[CAL_MAX_PARAMS];
		if (!rc)
			rc = cal_sensitivity(c, e, &rest, x, rs, err, errlen);
		for (int k = 0, r = 0; !rc && k < st->np; k++)
			if (!keep[k].fixed)
				so->sens[k] = rs[r++];
	} else {
		/* nothing left to fit: J at the fixed values */
		struct fit f = { .c = c, .e = e, .x = x, .st = st };
		so->j = objective_at(&f, x);
		if (f.failed) {
			snprintf(err, errlen, "%s", f.err);
			rc = f.failed;
		}
	}
	return rc;
}

/* ------------------------------------------------------ sensitivity --- */

/* What a row compares with its bounds: a ratio's simulated ratio (so a
** parameter that moves only the reference shows), else the row's own
** quantity (a difference may be 0 or negative: no logarithm). */
static double compared_value(struct cal_eval *e, const double *x, const struct meas_set *m,
			     const struct meas_point *p)
{
	return p->kind == MEAS_RATIO ? cal_relation_value(e, x, m, p) : cal_eval_value(e, x, p);
}

/* Elasticity of what the stage's rows compare (compared_value) to each of
** its parameters: values at x(1 +- h) (h = 10%, kept inside the bounds),
** the mean over rows of |d log q / d log x|; and J at both. */

int cal_sensitivity(const struct cal_config *c, struct cal_eval *e, const struct cal_stage *st, const double *x,
		       struct cal_sens *out, char *err, size_t errlen)
{
	double *y = malloc((size_t)c->np * sizeof *y);
	if (!y)
		return -1;
	int rc = 0;
	for (int k = 0; k < st->np && !rc; k++) {
		int i = st->param[k];
		const struct cal_param *p = &c->p[i];
		double lo = fmax(x[i] * 0.9, p->min + 1e-9 * (p->max - p->min));
		double hi = fmin(x[i] * 1.1, p->max - 1e-9 * (p->max - p->min));
		double v[2] = { lo, hi }, q[2][256], j[2];
		size_t nr = st->nrow < 256 ? st->nrow : 256;
		for (int s = 0; s < 2 && !rc; s++) {
			memcpy(y, x, (size_t)c->np * sizeof *y);
			y[i] = v[s];
			struct fit f = { .c = c, .e = e, .x = y, .st = st };
			j[s] = objective_at(&f, y);
			if (f.failed) {
				snprintf(err, errlen, "%s", f.err);
				rc = f.failed;
				break;
			}
			for (size_t r = 0; r < nr; r++)
				q[s][r] = compared_value(e, y, &c->meas, &c->meas.p[st->row[r]]);
		}
		if (rc)
			break;
		out[k] = (struct cal_sens){ .j_lo = j[0], .j_hi = j[1] };
		double dl = log(hi / lo), sum = 0;
		int cnt = 0;
		for (size_t r = 0; r < nr; r++) {
			if (!(q[0][r] > 0 && q[1][r] > 0) || !(dl != 0))
				continue;
			double el = log(q[1][r] / q[0][r]) / dl;
			sum += fabs(el);
			cnt++;
			if (!out[k].top || fabs(el) > fabs(out[k].top_e)) {
				out[k].top = c->meas.p[st->row[r]].id;
				out[k].top_e = el;
			}
		}
		out[k].elast = cnt ? sum / cnt : 0;
	}
	free(y);
	return rc;
}

/* The relation's own simulated value (ratio or difference), else NAN. */
double cal_relation_value(struct cal_eval *e, const double *x, const struct meas_set *m, const struct meas_point *p)
{
	if (p->kind != MEAS_RATIO && p->kind != MEAS_DIFF)
		return NAN;
	double a = cal_eval_value(e, x, p), b = cal_eval_value(e, x, &m->p[p->ref]);
	return p->kind == MEAS_RATIO ? (b != 0 ? a / b : NAN) : a - b;
}

