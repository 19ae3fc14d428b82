/*
** `hvsim calibrate`: the fit (Nelder-Mead by stages, calib.h), the
** sensitivity of the fitted values, the held-out comparison, and the
** outputs: fit.csv, points.csv, quantities.csv, report.txt and the
** calibrated hypervisor profiles (docs/calibration.md).
*/
#include "calibration/calib.h"
#include "sim/infile.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_rng.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "sim/output.h"
#include "traces/csv.h"

#define EXIT_RUNFAIL 1
#define EXIT_USAGE 2

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
static int fit_stage(const struct cal_config *c, struct cal_eval *e, const struct cal_stage *st, double *x,
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

/* ------------------------------------------------------ sensitivity --- */

static double relation_value(struct cal_eval *e, const double *x, const struct meas_set *m, const struct meas_point *p);

/* What a row compares with its bounds: a ratio's simulated ratio (so a
** parameter that moves only the reference shows), else the row's own
** quantity (a difference may be 0 or negative: no logarithm). */
static double compared_value(struct cal_eval *e, const double *x, const struct meas_set *m,
			     const struct meas_point *p)
{
	return p->kind == MEAS_RATIO ? relation_value(e, x, m, p) : cal_eval_value(e, x, p);
}

/* Elasticity of what the stage's rows compare (compared_value) to each of
** its parameters: values at x(1 +- h) (h = 10%, kept inside the bounds),
** the mean over rows of |d log q / d log x|; and J at both. */
struct sens {
	double elast;               /* mean |elasticity| over the stage's quantities */
	double j_lo, j_hi;          /* J at the two perturbed values */
	const char *top;            /* the row that moves most */
	double top_e;
};

static int sensitivity(const struct cal_config *c, struct cal_eval *e, const struct cal_stage *st, const double *x,
		       struct sens *out, char *err, size_t errlen)
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
		out[k] = (struct sens){ .j_lo = j[0], .j_hi = j[1] };
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

/* ---------------------------------------------------------- outputs --- */

/* The stated side of row p, as text. */
static void stated(const struct meas_set *m, const struct meas_point *p, char *buf, size_t len)
{
	char lo[32] = "", hi[32] = "";
	if (isfinite(p->low))
		snprintf(lo, sizeof lo, "%g", p->low);
	if (isfinite(p->high))
		snprintf(hi, sizeof hi, "%g", p->high);
	switch (p->kind) {
	case MEAS_VALUE:
		if (isnan(p->uncertainty))
			snprintf(buf, len, "%g", p->value);
		else
			snprintf(buf, len, "%g +- %g", p->value, p->uncertainty);
		break;
	case MEAS_RANGE:
		snprintf(buf, len, "in [%s, %s]", lo, hi);
		break;
	case MEAS_RATIO:
		snprintf(buf, len, "/ %s in [%s, %s]", m->p[p->ref].id, lo, hi);
		break;
	case MEAS_DIFF:
		snprintf(buf, len, "- %s in [%s, %s]", m->p[p->ref].id, lo, hi);
		break;
	default:
		snprintf(buf, len, "(not stated)");
	}
}

/* Does row i pass under x?  Bands: inside; values: within the
** uncertainty plus pass x value. */
static int row_pass(const struct cal_config *c, struct cal_eval *e, const double *x, size_t i, double *err)
{
	const struct meas_point *p = &c->meas.p[i];
	*err = cal_eval_error(e, x, i);
	if (isnan(*err))
		return -1;
	if (p->kind == MEAS_VALUE) {
		double u = isnan(p->uncertainty) ? 0 : p->uncertainty / p->value;
		return fabs(*err) <= u + c->pass + 1e-12;
	}
	return *err == 0;
}

/* The relation's own simulated value (ratio or difference), else NAN. */
static double relation_value(struct cal_eval *e, const double *x, const struct meas_set *m, const struct meas_point *p)
{
	if (p->kind != MEAS_RATIO && p->kind != MEAS_DIFF)
		return NAN;
	double a = cal_eval_value(e, x, p), b = cal_eval_value(e, x, &m->p[p->ref]);
	return p->kind == MEAS_RATIO ? (b != 0 ? a / b : NAN) : a - b;
}

/* The relation's value as text, "-" for other kinds (static buffer). */
static const char *rel_text(struct cal_eval *e, const double *x, const struct meas_set *m, const struct meas_point *p)
{
	static char buf[32];
	double v = relation_value(e, x, m, p);
	if (isnan(v))
		return "-";
	snprintf(buf, sizeof buf, "%.4g", v);
	return buf;
}

static void put_num(FILE *f, double v)
{
	if (isnan(v))
		fputc(',', f);
	else
		fprintf(f, ",%.6g", v);
}

/* The statement ids a row's source names ("...; P1" or "...; P5, P13"). */
static const char *statements(const struct meas_point *p)
{
	const char *s = strrchr(p->source, ';');
	return s ? s + 1 + strspn(s + 1, " ") : "";
}

struct pstat {
	char id[16];
	int rows, pass, fit;
};

static void tally(struct pstat *ps, int *np, const struct meas_point *p, int pass)
{
	const char *s = statements(p);
	while (*s) {
		size_t l = strcspn(s, ", ");
		if (l && l < sizeof ps[0].id && s[0] == 'P') {
			int k;
			for (k = 0; k < *np; k++)
				if (strlen(ps[k].id) == l && !strncmp(ps[k].id, s, l))
					break;
			if (k == *np && *np < 64) {
				memset(&ps[k], 0, sizeof ps[k]);
				memcpy(ps[k].id, s, l);
				(*np)++;
			}
			if (k < *np) {
				ps[k].rows++;
				ps[k].pass += pass == 1;
				ps[k].fit |= p->use == MEAS_FIT;
			}
		}
		s += l;
		s += strspn(s, ", ");
	}
}

static int pnum(const char *id)
{
	return atoi(id + 1);
}

static int by_statement(const void *a, const void *b)
{
	return pnum(((const struct pstat *)a)->id) - pnum(((const struct pstat *)b)->id);
}

struct stage_out {
	double j;
	int evals;
	struct sens sens[CAL_MAX_PARAMS];
};

static int write_outputs(struct outdir *o, const struct cal_config *c, struct cal_eval *e, const double *x,
			 const struct stage_out *so, const int *fit_mask, int fitted, const char *values_from, double wall)
{
	const struct meas_set *m = &c->meas;
	/* fit.csv */
	FILE *f = out_open(o, "fit.csv");
	if (!f)
		return -1;
	fputs("stage,name,hypervisor,benchmark,key,unit,min,max,start,value,elasticity,j_minus10,j_plus10\n", f);
	for (int k = 0; k < c->np; k++) {
		const struct cal_param *p = &c->p[k];
		const struct sens *s = NULL;
		if (fit_mask[p->stage])
			for (int j = 0; j < c->stage[p->stage].np; j++)
				if (c->stage[p->stage].param[j] == k)
					s = &so[p->stage].sens[j];
		trace_csv_put(f, c->stage[p->stage].name);
		fputc(',', f);
		trace_csv_put(f, p->name);
		fputc(',', f);
		trace_csv_put(f, p->hypervisor ? p->hypervisor : "");
		fprintf(f, ",%s,", p->bench >= 0 ? meas_bench_name(p->bench) : "");
		trace_csv_put(f, p->key);
		fputc(',', f);
		trace_csv_put(f, p->unit);
		fprintf(f, ",%.6g,%.6g,%.6g,%.6g", p->min, p->max, p->start, x[k]);
		put_num(f, s ? s->elast : NAN);
		put_num(f, s ? s->j_lo : NAN);
		put_num(f, s ? s->j_hi : NAN);
		fputc('\n', f);
	}
	if (fclose(f))
		return -1;

	/* points.csv and the statement tally */
	f = out_open(o, "points.csv");
	if (!f)
		return -1;
	fputs("id,use,benchmark,hypervisor,vms,vcpus_per_vm,memory,metric,kind,stated,simulated,relation,error,pass\n", f);
	struct pstat ps[64];
	int nps = 0;
	double ape[2] = { 0, 0 };
	int napes[2] = { 0, 0 }, npass[2] = { 0, 0 }, nrows[2] = { 0, 0 };
	for (size_t i = 0; i < m->n; i++) {
		const struct meas_point *p = &m->p[i];
		if (p->kind == MEAS_UNSTATED)
			continue;
		double err;
		int pass = row_pass(c, e, x, i, &err);
		char st[160];
		stated(m, p, st, sizeof st);
		trace_csv_put(f, p->id);
		fprintf(f, ",%s,%s,", meas_use_name(p->use), meas_bench_name(p->bench));
		trace_csv_put(f, p->hypervisor);
		fprintf(f, ",%d,%d,%s,%s,%s,", p->vms, p->vcpus, p->memory_text, meas_metric_name(p->metric),
			meas_kind_name(p->kind));
		trace_csv_put(f, st);
		put_num(f, cal_eval_value(e, x, p));
		put_num(f, relation_value(e, x, m, p));
		put_num(f, err);
		fprintf(f, ",%s\n", pass < 0 ? "not simulated" : pass ? "pass" : "fail");
		int u = p->use == MEAS_HOLDOUT;
		if (pass >= 0) {
			nrows[u]++;
			npass[u] += pass;
			ape[u] += fabs(err);
			napes[u]++;
		}
		tally(ps, &nps, p, pass);
	}
	if (fclose(f))
		return -1;

	/* quantities.csv: every base quantity of the final values, derived metrics too */
	f = out_open(o, "quantities.csv");
	if (!f)
		return -1;
	fputs("benchmark,hypervisor,vms,vcpus_per_vm,memory,metric,value\n", f);
	for (int i = 0; i < c->nalso; i++) {
		const struct cal_also *a = &c->also[i];
		for (int j = 0; j < a->nvms; j++) {
			int v = a->vms[j];
			fprintf(f, "%s,", meas_bench_name(a->bench));
			trace_csv_put(f, a->hypervisor);
			fprintf(f, ",%d,%d,%s,%s", v, a->vcpus, a->memory, meas_metric_name(a->metric));
			put_num(f, cal_eval_metric(e, x, a->bench, a->hypervisor, v, a->vcpus, a->memory, a->metric));
			fputc('\n', f);
		}
	}
	if (fclose(f))
		return -1;

	/* report.txt */
	f = out_open(o, "report.txt");
	if (!f)
		return -1;
	fprintf(f, "hvsim calibrate %s: %s\n", c->path, c->name);
	fprintf(f, "measured points: %s (%zu rows)\n", c->measured_text, m->n);
	if (fitted)
		fprintf(f, "fitted by stages (Nelder-Mead, %d start(s), at most %d evaluations each, prior weight %g)\n",
			c->starts, c->evals, c->prior);
	if (values_from)
		fprintf(f, "%s parameter values from %s\n", fitted ? "other stages'" : "not fitted:", values_from);
	fprintf(f, "%ld simulations in %.1f wall s\n\n", cal_eval_runs(e), wall);
	for (int si = 0; si < c->nstage; si++) {
		const struct cal_stage *st = &c->stage[si];
		fprintf(f, "stage %s: %zu fit rows", st->name, st->nrow);
		if (fit_mask[si])
			fprintf(f, ", J = %.4g after %d evaluations (%d start(s))", so[si].j, so[si].evals,
				st->starts ? st->starts : c->starts);
		fputc('\n', f);
		fprintf(f, "  %-22s %-12s %12s %12s %12s %10s  %s\n", "parameter", "hypervisor", "start", "fitted",
			"bounds", "elasticity", "moves most");
		for (int k = 0; k < st->np; k++) {
			const struct cal_param *p = &c->p[st->param[k]];
			char a[64], b[64], bd[64];
			cal_param_text(p, p->start, a, sizeof a);
			cal_param_text(p, x[st->param[k]], b, sizeof b);
			snprintf(bd, sizeof bd, "%g..%g", p->min, p->max);
			fprintf(f, "  %-22s %-12s %12s %12s %12s", p->name, p->hypervisor ? p->hypervisor : "all", a, b, bd);
			if (fit_mask[si] && so[si].sens[k].top)
				fprintf(f, " %10.3f  %s (%+.2f)\n", so[si].sens[k].elast, so[si].sens[k].top,
					so[si].sens[k].top_e);
			else
				fputs("          -\n", f);
		}
		fprintf(f, "  %-26s %-28s %12s %10s %8s  %s\n", "row", "stated", "simulated", "relation", "error", "");
		for (size_t r = 0; r < st->nrow; r++) {
			const struct meas_point *p = &m->p[st->row[r]];
			double err;
			int pass = row_pass(c, e, x, st->row[r], &err);
			char s1[160];
			stated(m, p, s1, sizeof s1);
			fprintf(f, "  %-26s %-28s %12.4g %10s %+7.1f%%  %s\n", p->id, s1, cal_eval_value(e, x, p),
				rel_text(e, x, m, p), 100 * err, pass == 1 ? "pass" : "FAIL");
		}
		fputc('\n', f);
	}
	fprintf(f, "held out (predicted without refitting):\n");
	fprintf(f, "  %-26s %-28s %12s %10s %8s\n", "row", "stated", "simulated", "relation", "error");
	for (size_t i = 0; i < m->n; i++) {
		const struct meas_point *p = &m->p[i];
		if (p->use != MEAS_HOLDOUT || p->kind == MEAS_UNSTATED)
			continue;
		double err;
		int pass = row_pass(c, e, x, i, &err);
		char s1[160];
		stated(m, p, s1, sizeof s1);
		fprintf(f, "  %-26s %-28s %12.4g %10s %+7.1f%%  %s\n", p->id, s1, cal_eval_value(e, x, p),
			rel_text(e, x, m, p), 100 * err, pass < 0 ? "not simulated" : pass ? "pass" : "FAIL");
	}
	fprintf(f, "\nmean absolute relative error (0 inside a bound): fit %.1f%% over %d rows, held out %.1f%% over %d rows\n",
		napes[0] ? 100 * ape[0] / napes[0] : 0, napes[0], napes[1] ? 100 * ape[1] / napes[1] : 0, napes[1]);
	fprintf(f, "rows passing: fit %d of %d, held out %d of %d (values within their uncertainty + %g%%)\n\n",
		npass[0], nrows[0], npass[1], nrows[1], 100 * c->pass);
	qsort(ps, (size_t)nps, sizeof ps[0], by_statement);
	fprintf(f, "statements (a statement passes when all its rows pass):\n");
	for (int k = 0; k < nps; k++)
		fprintf(f, "  %-4s %-8s %2d of %2d rows pass  %s\n", ps[k].id, ps[k].fit ? "fit" : "held out", ps[k].pass,
			ps[k].rows, ps[k].pass == ps[k].rows ? "PASS" : "FAIL");
	if (fclose(f))
		return -1;
	return 0;
}

/* Set attribute path (a.b.c: elements from root, the last an attribute)
** in the profile document, creating elements as needed. */
static int set_path(xmlNodePtr root, const char *path, const char *value)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	xmlNodePtr n = root;
	char *p = buf;
	for (;;) {
		char *dot = strchr(p, '.');
		if (!dot)
			break;
		*dot = 0;
		if (strchr(p, '['))
			return -1;
		xmlNodePtr k;
		for (k = n->children; k; k = k->next)
			if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, p))
				break;
		if (!k)
			k = xmlNewChild(n, NULL, (const xmlChar *)p, NULL);
		n = k;
		p = dot + 1;
	}
	return xmlSetProp(n, (const xmlChar *)p, (const xmlChar *)value) ? 0 : -1;
}

static int write_profiles(struct outdir *o, const struct cal_config *c, const double *x, const char *how)
{
	int rc = 0;
	for (int h = 0; h < c->nhv && !rc; h++) {
		const struct cal_hv *hv = &c->hv[h];
		if (!hv->out)
			continue;
		char why[200];
		size_t tn;
		int wl;
		char *text = infile_xml(hv->profile, &tn, &wl, why, sizeof why);
		xmlDocPtr doc = text ? xmlReadMemory(text, (int)tn, hv->profile, NULL, INFILE_XML_OPTIONS) : NULL;
		free(text);
		if (!doc)
			return -1;
		xmlNodePtr root = xmlDocGetRootElement(doc);
		char note[4096];
		int n = snprintf(note, sizeof note,
				 "\n  Calibrated by hvsim calibrate %s (calibration '%s', %s): the profile\n"
				 "  %s with the values below, fitted to the measured points\n  %s (paths as written in %s).\n"
				 "  Fitted values:",
				 c->path, c->name, how, hv->profile_text, c->measured_text, c->path);
		for (int k = 0; k < c->np; k++) {
			const struct cal_param *p = &c->p[k];
			if (!p->hypervisor || strcmp(p->hypervisor, hv->name) || strncmp(p->key, "hypervisor.", 11))
				continue;
			char t[64];
			cal_param_text(p, x[k], t, sizeof t);
			if (set_path(root, p->key + 11, t))
				rc = -1;
			if (n > 0 && (size_t)n < sizeof note)
				n += snprintf(note + n, sizeof note - (size_t)n, "\n    %s = %s  (stage %s, bounds %g..%g)",
					      p->key + 11, t, c->stage[p->stage].name, p->min, p->max);
		}
		if (n > 0 && (size_t)n < sizeof note)
			snprintf(note + n, sizeof note - (size_t)n, "\n  Report: report.txt of that run.\n");
		xmlNodePtr com = xmlNewDocComment(doc, (const xmlChar *)note);
		xmlAddPrevSibling(root, com);
		FILE *f = out_open(o, hv->out);
		if (!f) {
			xmlFreeDoc(doc);
			return -1;
		}
		xmlChar *mem;
		int len;
		xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 0);
		if (!mem || fwrite(mem, 1, (size_t)len, f) != (size_t)len)
			rc = -1;
		xmlFree(mem);
		if (fclose(f))
			rc = -1;
		xmlFreeDoc(doc);
	}
	return rc;
}

/* Values from a previous fit.csv (name and value columns); calib.h. */
int cal_read_values(const struct cal_config *c, const char *path, double *x, char *err, size_t errlen)
{
	char bad[200];
	FILE *f = infile_open(path, bad, sizeof bad);
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, bad);
		return -1;
	}
	char line[4096];
	int ln = 0, rc = 0;
	int *seen = calloc((size_t)c->np + 1, sizeof *seen);
	while (!rc && fgets(line, sizeof line, f)) {
		ln++;
		line[strcspn(line, "\r\n")] = 0;
		if (ln == 1) {
			if (strncmp(line, "stage,name,hypervisor,benchmark,key,unit,min,max,start,value", 60)) {
				snprintf(err, errlen, "%s:1: expected the header of fit.csv (stage,name,...,value,...)", path);
				rc = -1;
			}
			continue;
		}
		char *col[16];
		const char *why = NULL;
		int nc = trace_csv_split(line, col, 16, &why);
		if (nc < 10) {
			snprintf(err, errlen, "%s:%d: expected at least 10 columns, got %s", path, ln,
				 nc < 0 && why ? why : "fewer");
			rc = -1;
			break;
		}
		int k;
		for (k = 0; k < c->np; k++)
			if (!strcmp(c->p[k].name, col[1]))
				break;
		if (k == c->np) {
			snprintf(err, errlen, "%s:%d: name: expected a <param> of %s, got '%s'", path, ln, c->path, col[1]);
			rc = -1;
			break;
		}
		char *end;
		double v = strtod(col[9], &end);
		if (end == col[9] || *end || !(v >= c->p[k].min && v <= c->p[k].max)) {
			snprintf(err, errlen, "%s:%d: value: expected a number from %g to %g, got '%s'", path, ln, c->p[k].min,
				 c->p[k].max, col[9]);
			rc = -1;
			break;
		}
		x[k] = v;
		seen[k] = 1;
	}
	for (int k = 0; !rc && k < c->np; k++)
		if (!seen[k]) {
			snprintf(err, errlen, "%s: expected a row for parameter '%s', found none", path, c->p[k].name);
			rc = -1;
		}
	free(seen);
	fclose(f);
	return rc;
}

/* ---------------------------------------------------------- command --- */

static volatile sig_atomic_t stop_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static const char usage[] =
	"usage: hvsim calibrate CALIB.xml [-o DIR] [--force] [-j N] [--values FIT.csv]\n"
	"                       [--stages A,B] [--set KEY=VALUE]... [-q]\n"
	"\n"
	"Fit the parameters of CALIB.xml to its measured points by simulation, stage\n"
	"by stage (Nelder-Mead, common random numbers, several starts), then predict\n"
	"the held-out points.  Writes into DIR (default out/<name>-calib):\n"
	"  report.txt       per stage: fitted values, sensitivity, every row measured\n"
	"                   vs simulated; held-out rows; MAPE; statements pass/fail\n"
	"  fit.csv          the fitted parameter values (input of --values)\n"
	"  points.csv       every measured row: stated, simulated, error, pass\n"
	"  quantities.csv   the <also> curves (figure data)\n"
	"  <hv>.xml         the calibrated hypervisor profiles (<hypervisor out=...>)\n"
	"\n"
	"options:\n"
	"  -o, --output DIR   output directory, a new one (checked before the fit)\n"
	"  --force            replace DIR if it exists (an hvsim output directory),\n"
	"                     once the new one is complete\n"
	"  -j, --jobs N       simulations at a time (default: online CPUs)\n"
	"  --values FIT.csv   do not fit: take the values of a previous fit and\n"
	"                     predict every row (the paper reproduction)\n"
	"  --stages A,B       fit only these stages; the others keep the values\n"
	"                     of --values (or their starts)\n"
	"  --set KEY=VALUE    override a scenario value in every simulation;\n"
	"                     BENCH:KEY=VALUE only in that benchmark's (e.g.\n"
	"                     specweb:run.duration=20s for a quicker look)\n"
	"  -q, --quiet        no progress on stderr\n"
	"\n"
	"docs/calibration.md describes the file.  Exit status: 0 done, 1 a\n"
	"simulation failed, 2 bad usage or input, 130 interrupted.\n";

int cal_main(int argc, char **argv)
{
	const char *file = NULL, *outdir = NULL, *values = NULL, *stages = NULL;
	int jobs = 0, quiet = 0, nov = 0, force = 0;
	struct scn_override ov[32];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
			outdir = argv[++i];
		} else if ((!strcmp(a, "-j") || !strcmp(a, "--jobs")) && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);
			if (*end || v < 1 || v > 64) {
				fprintf(stderr, "hvsim calibrate: -j: expected a number of jobs from 1 to 64, got '%s'\n", argv[i]);
				return EXIT_USAGE;
			}
			jobs = (int)v;
		} else if (!strcmp(a, "--values") && i + 1 < argc) {
			values = argv[++i];
		} else if (!strcmp(a, "--stages") && i + 1 < argc) {
			stages = argv[++i];
		} else if (!strcmp(a, "--set") && i + 1 < argc) {
			char *eq = strchr(argv[++i], '=');
			char *colon = strchr(argv[i], ':');
			int bad_bench = 0;
			if (colon && eq && colon < eq) {
				int b;
				for (b = 0; b < MEAS_NBENCH; b++)
					if (strlen(meas_bench_name((enum meas_bench)b)) == (size_t)(colon - argv[i]) &&
					    !strncmp(meas_bench_name((enum meas_bench)b), argv[i], (size_t)(colon - argv[i])))
						break;
				bad_bench = b == MEAS_NBENCH;
			}
			if (!eq || eq == argv[i] || nov >= 32 || bad_bench) {
				fprintf(stderr, "hvsim calibrate: --set: expected KEY=VALUE or BENCH:KEY=VALUE with BENCH one of "
					"specweb, bzip2, netperf, dd (at most 32), got '%s'\n", argv[i]);
				return EXIT_USAGE;
			}
			*eq = 0;
			ov[nov++] = (struct scn_override){ argv[i], eq + 1 };
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = 1;
		} else if (!strcmp(a, "--force")) {
			force = 1;
		} else if (a[0] == '-' || file) {
			fprintf(stderr, "hvsim calibrate: unexpected argument '%s'\n%s", a, usage);
			return EXIT_USAGE;
		} else {
			file = a;
		}
	}
	if (!file) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n > 0 ? (int)(n > 64 ? 64 : n) : 1;
	}
	struct cal_config c;
	struct diag d = { 0 };
	if (cal_load(&c, file, &d)) {
		diag_print(&d, stderr);
		diag_free(&d);
		return EXIT_USAGE;
	}
	double *x = calloc((size_t)c.np + 1, sizeof *x);
	for (int k = 0; k < c.np; k++)
		x[k] = c.p[k].start;
	char err[700] = "";
	if (values && cal_read_values(&c, values, x, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		free(x);
		cal_free(&c);
		return EXIT_USAGE;
	}
	/* --stages: fit only these (the others keep --values' or the starts) */
	int fit_mask[CAL_MAX_STAGES] = { 0 };
	for (int si = 0; si < c.nstage; si++)
		fit_mask[si] = !values;
	if (stages) {
		char buf[512];
		snprintf(buf, sizeof buf, "%s", stages);
		for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
			int si;
			for (si = 0; si < c.nstage; si++)
				if (!strcmp(c.stage[si].name, t))
					break;
			if (si == c.nstage) {
				fprintf(stderr, "hvsim calibrate: --stages: '%s' is not a <stage name> of %s\n", t, file);
				free(x);
				cal_free(&c);
				return EXIT_USAGE;
			}
			fit_mask[si] = 1;
		}
	}
	int any_fit = 0;
	for (int si = 0; si < c.nstage; si++)
		any_fit |= fit_mask[si];
	char defdir[300];
	if (!outdir) {
		snprintf(defdir, sizeof defdir, "out/%s-calib", c.name);
		outdir = defdir;
	}
	/* every benchmark and hypervisor a row needs loads and builds with the
	** command line's --set: bad input is exit 2 before hours of fitting */
	for (size_t i = 0; i < c.meas.n; i++) {
		const struct meas_point *p = &c.meas.p[i];
		int seen = p->kind == MEAS_UNSTATED;
		for (size_t j = 0; j < i && !seen; j++)
			seen = c.meas.p[j].kind != MEAS_UNSTATED && c.meas.p[j].bench == p->bench &&
			       !strcmp(c.meas.p[j].hypervisor, p->hypervisor);
		if (seen)
			continue;
		struct cal_qty q = { .bench = p->bench, .hypervisor = p->hypervisor, .vms = p->vms,
				     .vcpus = p->vcpus, .memory = p->memory_text };
		if (cal_check(&c, ov, nov, x, &q, err, sizeof err)) {
			fprintf(stderr, "hvsim calibrate: %s\n", err);
			free(x);
			cal_free(&c);
			return EXIT_USAGE;
		}
	}
	/* the destination is checked (and staged) before hours of fitting */
	struct outdir o = { 0 };
	char oerr[4400] = "";
	if (out_begin(&o, outdir, force ? OUT_FORCE : OUT_NEW, oerr, sizeof oerr)) {
		fprintf(stderr, "hvsim calibrate: %s\n", oerr);
		free(x);
		cal_free(&c);
		return EXIT_USAGE;
	}
	struct sigaction sa = { .sa_handler = on_stop }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct cal_eval *e = cal_eval_new(&c, jobs, &stop_flag);
	struct stage_out *so = calloc((size_t)c.nstage + 1, sizeof *so);
	int rc = e && so ? 0 : -1;
	if (e)
		cal_eval_overrides(e, ov, nov);
	gsl_set_error_handler_off();
	for (int si = 0; si < c.nstage && !rc; si++) {
		if (!fit_mask[si])
			continue;
		if (!quiet)
			fprintf(stderr, "stage %s: %d parameter(s), %zu rows\n", c.stage[si].name, c.stage[si].np,
				c.stage[si].nrow);
		rc = fit_stage(&c, e, &c.stage[si], x, !quiet, &so[si].j, &so[si].evals, err, sizeof err);
		if (!rc)
			rc = sensitivity(&c, e, &c.stage[si], x, so[si].sens, err, sizeof err);
	}
	/* every row and every curve under the final values */
	if (!rc) {
		size_t *all = malloc((c.meas.n + 1) * sizeof *all);
		size_t na = 0;
		for (size_t i = 0; all && i < c.meas.n; i++)
			if (c.meas.p[i].kind != MEAS_UNSTATED)
				all[na++] = i;
		if (!quiet)
			fprintf(stderr, "predicting %zu rows and %d curves\n", na, c.nalso);
		rc = all ? cal_eval_need(e, x, all, na, err, sizeof err) : -1;
		if (!rc)
			rc = cal_eval_also(e, x, err, sizeof err);
		free(all);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	int status = 0;
	if (rc) {
		fprintf(stderr, "hvsim calibrate: %s\n", rc == -2 ? "interrupted; nothing written" : err);
		status = rc == -2 ? 130 : EXIT_RUNFAIL;
		out_abort(&o);
	} else {
		errno = 0;
		if (write_outputs(&o, &c, e, x, so, fit_mask, any_fit, values, wall) ||
		    write_profiles(&o, &c, x, values && !stages ? "values of a previous fit" : "fitted")) {
			fprintf(stderr, "hvsim calibrate: %s: cannot write the outputs: %s; nothing written\n", outdir,
				strerror(errno ? errno : EIO));
			out_abort(&o);
			status = EXIT_RUNFAIL;
		} else if (out_commit(&o, oerr, sizeof oerr)) {
			fprintf(stderr, "hvsim calibrate: %s\n", oerr);
			out_abort(&o);
			status = EXIT_RUNFAIL;
		} else {
			printf("%s: %ld simulations in %.1f wall s (%d process(es)); wrote %s/\n", c.name, cal_eval_runs(e),
			       wall, jobs, outdir);
			char rp[4096];
			snprintf(rp, sizeof rp, "%s/report.txt", outdir);
			FILE *r = fopen(rp, "r");
			if (r) {
				char line[512];
				int show = 0;
				while (fgets(line, sizeof line, r)) {
					if (!strncmp(line, "mean absolute", 13))
						show = 1;
					if (show)
						fputs(line, stdout);
				}
				fclose(r);
			}
		}
	}
	free(o.dest);
	free(o.stage);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	cal_eval_free(e);
	free(so);
	free(x);
	cal_free(&c);
	return status;
}
