/*
** The capacity search's statistics (cap_estimate.h, docs/capacity.md).
*/
#include "sim/drive/cap_estimate.h"
#include "sim/engine/stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

double cap_margin(const struct qos_count *c, const struct scn_qos *q)
{
	if (c->n == 0)
		return NAN;
	double n = (double)c->n;
	return fmin((double)c->good / n - q->good, (double)c->tolerable / n - q->tolerable);
}

/* One share's interval by batch means of the ratio estimator: what the
** share is (*p) and its 95% half-width (*h); 0, or -1 without pages.
** The variance is at least the binomial one at the requirement, need
** (1 - need) / n: independent pages are the least variable case, and
** batch means alone see no variance at all while every page of every
** batch meets the limit (a share near 99% with a few dozen pages a
** batch). */
static int share_ci(const struct qos_count *b, int k, int tolerable, double need, double *p, double *h)
{
	double sn = 0, sw = 0;
	for (int i = 0; i < k; i++) {
		sn += (double)b[i].n;
		sw += (double)(tolerable ? b[i].tolerable : b[i].good);
	}
	if (sn <= 0)
		return -1;
	*p = sw / sn;
	double ss = 0;
	for (int i = 0; i < k; i++) {
		double d = (double)(tolerable ? b[i].tolerable : b[i].good) - *p * (double)b[i].n;
		ss += d * d;
	}
	/* Var(p) ~ sum d_i^2 / (k (k - 1) nbar^2), nbar = sn / k */
	double v = ss / ((double)k * (k - 1)) / ((sn / k) * (sn / k));
	*h = stats_t95(k) * sqrt(fmax(v, need * (1 - need) / sn));
	return 0;
}

enum cap_decision cap_seq_decide(const struct qos_count *batch, int k, const struct scn_qos *q)
{
	if (k < 2)
		return CAP_UNDECIDED;
	double pg, hg, pt, ht;
	if (share_ci(batch, k, 0, q->good, &pg, &hg) || share_ci(batch, k, 1, q->tolerable, &pt, &ht))
		return CAP_UNDECIDED;
	if (pg + hg < q->good || pt + ht < q->tolerable)
		return CAP_FAIL;
	uint64_t n = 0;
	for (int i = 0; i < k; i++)
		n += batch[i].n;
	if (pg - hg >= q->good && pt - ht >= q->tolerable && n >= (uint64_t)q->min_pages)
		return CAP_PASS;
	return CAP_UNDECIDED;
}

int cap_isotonic_dec(const double *y, const double *w, int n, double *f)
{
	/* blocks on a stack: value, weight, and the first index of each */
	double *bv = malloc((size_t)(n ? n : 1) * sizeof *bv);
	double *bw = malloc((size_t)(n ? n : 1) * sizeof *bw);
	int *bs = malloc((size_t)(n ? n : 1) * sizeof *bs);
	if (!bv || !bw || !bs) {
		/* no room to pool: an unpooled answer would be another
		** estimate, so none */
		free(bv);
		free(bw);
		free(bs);
		return -1;
	}
	int m = 0;
	for (int i = 0; i < n; i++) {
		bv[m] = y[i];
		bw[m] = w ? w[i] : 1;
		bs[m] = i;
		m++;
		/* a later block above an earlier one violates "non-increasing" */
		while (m > 1 && bv[m - 1] > bv[m - 2]) {
			double ww = bw[m - 2] + bw[m - 1];
			bv[m - 2] = (bv[m - 2] * bw[m - 2] + bv[m - 1] * bw[m - 1]) / ww;
			bw[m - 2] = ww;
			m--;
		}
	}
	for (int b = 0; b < m; b++) {
		int end = b + 1 < m ? bs[b + 1] : n;
		for (int i = bs[b]; i < end; i++)
			f[i] = bv[b];
	}
	free(bv);
	free(bw);
	free(bs);
	return 0;
}

double cap_crossing(const double *x, const double *f, int n, int *beyond)
{
	*beyond = 0;
	if (n < 1 || f[0] < 0)
		return 0;
	int a = 0;
	while (a + 1 < n && f[a + 1] >= 0)
		a++;
	if (a == n - 1) {
		*beyond = 1;
		return x[n - 1];
	}
	/* f[a] >= 0 > f[a+1] */
	double t = f[a] / (f[a] - f[a + 1]);
	return x[a] + (x[a + 1] - x[a]) * t;
}

/* Mean and sample sd of c[j] - c[i] over the replications where both are
** numbers; the count of such pairs. */
static int paired(const double *c, int R, int i, int j, double *mean, double *sd)
{
	double s = 0, ss = 0;
	int k = 0;
	for (int r = 0; r < R; r++) {
		double d = c[j * R + r] - c[i * R + r];
		if (isnan(d))
			continue;
		s += d;
		k++;
	}
	if (k == 0)
		return 0;
	*mean = s / k;
	for (int r = 0; r < R; r++) {
		double d = c[j * R + r] - c[i * R + r];
		if (!isnan(d))
			ss += (d - *mean) * (d - *mean);
	}
	*sd = k > 1 ? sqrt(ss / (k - 1)) : 0;
	return k;
}

/* The t distribution's quantile at p with df degrees of freedom, as
** gsl_cdf_tdist_Pinv gives it, remembered: the plateau's tests ask for a
** few (p, df) pairs again and again (cap_plateau_resample: thousands of
** times), and each costs an iterative inversion.  A direct-mapped table;
** the value is GSL's to the bit, so results do not change. */
static double t_quantile(double p, int df)
{
	static struct { int used, df; double p, q; } memo[64];
	uint64_t bits;
	memcpy(&bits, &p, sizeof bits);
	size_t h = (size_t)((bits ^ (bits >> 29) ^ (uint64_t)df * 0x9e3779b97f4a7c15u) % 64);
	if (!memo[h].used || memo[h].p != p || memo[h].df != df) {
		memo[h].used = 1;
		memo[h].p = p;
		memo[h].df = df;
		memo[h].q = gsl_cdf_tdist_Pinv(p, df);
	}
	return memo[h].q;
}

/* 1 when c[j] exceeds c[i] significantly (one-sided, level alpha). */
static int grows(const double *c, int R, int i, int j, double alpha)
{
	double m, sd;
	int k = paired(c, R, i, j, &m, &sd);
	if (k == 0)
		return 0;
	if (k == 1 || sd == 0)
		return m > 0;
	return m / (sd / sqrt(k)) > t_quantile(1 - alpha, k - 1);
}

/* 1 when c[i] and c[j] differ significantly (two-sided, 5%). */
static int differ(const double *c, int R, int i, int j)
{
	double m, sd;
	int k = paired(c, R, i, j, &m, &sd);
	if (k == 0)
		return 0;
	if (k == 1 || sd == 0)
		return m != 0;
	return fabs(m) / (sd / sqrt(k)) > t_quantile(0.975, k - 1);
}

static int failed(const double *c, int R, int i)
{
	for (int r = 0; r < R; r++)
		if (!isnan(c[i * R + r]))
			return 0;
	return 1;
}

/* The points after i that did not fail: the tests i's Bonferroni shares
** its 5% among. */
static int later_than(const double *c, int n, int R, int i)
{
	int later = 0;
	for (int m = i + 1; m < n; m++)
		later += !failed(c, R, m);
	return later;
}

int cap_plateau(const double *c, int n, int R, int *lo, int *hi)
{
	*lo = *hi = -1;
	int p = -1;
	for (int i = 0; i < n - 1 && p < 0; i++) {
		if (failed(c, R, i))
			continue;
		/* Bonferroni over the later points: the family's level is 5% */
		int g = 0, later = later_than(c, n, R, i);
		for (int j = i + 1; j < n && !g; j++)
			g = !failed(c, R, j) && grows(c, R, i, j, 0.05 / later);
		if (!g)
			p = i;
	}
	if (p < 0)
		return -1;
	*lo = *hi = p;
	while (*lo > 0 && (failed(c, R, *lo - 1) || !differ(c, R, *lo - 1, p)))
		--*lo;
	while (*hi + 1 < n && (failed(c, R, *hi + 1) || !differ(c, R, *hi + 1, p)))
		++*hi;
	/* a failed point at either edge is not part of the range */
	while (*lo < p && failed(c, R, *lo))
		++*lo;
	while (*hi > p && failed(c, R, *hi))
		--*hi;
	return p;
}

/* How many pairs would make a growth of this mean and sd significant at
** level alpha (one-sided): the first k above pairs whose t exceeds its
** threshold; 0 when the mean is not above 0, -1 past CAP_CALL_MAX_PAIRS. */
static int pairs_to_decide(double mean, double sd, int pairs, double alpha)
{
	if (!(mean > 0))
		return 0;
	for (int k = pairs + 1; k <= CAP_CALL_MAX_PAIRS; k++)
		if (mean / (sd / sqrt(k)) > t_quantile(1 - alpha, k - 1))
			return k;
	return -1;
}

/* i's test against its later point j as a call (need left -1): 0, or -1
** when the pair has fewer than two replications or no spread (no t). */
static int call_of(const double *c, int n, int R, int i, int j, struct cap_call *k)
{
	int later = later_than(c, n, R, i);
	double mean, sd;
	int pairs = paired(c, R, i, j, &mean, &sd);
	if (pairs < 2 || !(sd > 0) || later < 1)
		return -1;
	k->i = i;
	k->j = j;
	k->pairs = pairs;
	k->mean = mean;
	k->sd = sd;
	k->t = mean / (sd / sqrt(pairs));
	k->crit = t_quantile(1 - 0.05 / later, pairs - 1);
	k->need = -1;   /* cap_plateau_call works it out for the call it keeps */
	return 0;
}

int cap_plateau_call(const double *c, int n, int R, int p, struct cap_call *call)
{
	int found = 0;
	if (p >= 0) {
		/* the later point nearest to growing significantly */
		for (int j = p + 1; j < n; j++) {
			struct cap_call k;
			if (failed(c, R, j) || call_of(c, n, R, p, j, &k))
				continue;
			if (!found || k.t / k.crit > call->t / call->crit)
				*call = k;
			found = 1;
		}
		if (found)
			call->need = pairs_to_decide(call->mean, call->sd, call->pairs, 0.05 / later_than(c, n, R, p));
		return found ? 0 : -1;
	}
	/* each earlier point's largest significant growth; the smallest */
	for (int i = 0; i < n - 1; i++) {
		if (failed(c, R, i))
			continue;
		struct cap_call top;
		int have = 0;
		for (int j = i + 1; j < n; j++) {
			struct cap_call k;
			if (failed(c, R, j) || call_of(c, n, R, i, j, &k))
				continue;
			if (!have || k.t / k.crit > top.t / top.crit)
				top = k;
			have = 1;
		}
		if (have && (!found || top.t / top.crit < call->t / call->crit)) {
			*call = top;
			found = 1;
		}
	}
	return found ? 0 : -1;
}

int cap_plateau_resample(const double *c, int n, int R, int Rnew, int B, unsigned long seed, double *share)
{
	for (int i = 0; i <= n; i++)
		share[i] = 0;
	if (n < 1 || R < 1 || B < 1)
		return 0;
	int keep = Rnew <= 0;   /* c's own replications, missing ones kept missing */
	int X = keep ? R : Rnew;
	size_t nr = (size_t)n * (size_t)R;
	double *dev = malloc(nr * sizeof *dev), *x = malloc((size_t)n * (size_t)X * sizeof *x),
	       *mean = malloc((size_t)n * sizeof *mean),
	       *z = malloc((size_t)R * sizeof *z);
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	int rc = dev && x && mean && z && g ? 0 : -1;
	if (rc == 0) {
		gsl_rng_set(g, seed);
		/* dev[i][s] = (c[i][s] - mean_i) / sqrt(k_i - 1); 0 where point
		** i has no replication s or no spread (one replication) */
		for (int i = 0; i < n; i++) {
			double s = 0;
			int k = 0;
			for (int r = 0; r < R; r++)
				if (!isnan(c[i * R + r])) {
					s += c[i * R + r];
					k++;
				}
			mean[i] = k ? s / k : NAN;
			for (int r = 0; r < R; r++)
				dev[i * R + r] = k > 1 && !isnan(c[i * R + r]) ? (c[i * R + r] - mean[i]) / sqrt(k - 1) : 0;
		}
		for (int b = 0; b < B; b++) {
			for (int r = 0; r < X; r++) {
				for (int s = 0; s < R; s++)
					z[s] = gsl_ran_gaussian_ziggurat(g, 1);
				for (int i = 0; i < n; i++) {
					double v = mean[i];
					for (int s = 0; s < R; s++)
						v += z[s] * dev[i * R + s];
					/* a failed point stays failed */
					x[i * X + r] = isnan(mean[i]) || (keep && isnan(c[i * R + r])) ? NAN : v;
				}
			}
			int lo, hi;
			share[1 + cap_plateau(x, n, X, &lo, &hi)] += 1;   /* a count until the end */
		}
		for (int i = 0; i <= n; i++)
			share[i] /= B;
	}
	if (g)
		gsl_rng_free(g);
	free(dev);
	free(x);
	free(mean);
	free(z);
	return rc;
}
