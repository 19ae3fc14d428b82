/*
** The capacity search's statistics (sim/drive/cap_estimate.c) on data
** with known answers: pool-adjacent-violators on hand-checked sequences;
** the crossing of a synthetic noisy, non-monotone margin curve whose true
** zero is known; the sequential test's error rates on binomial batches;
** the plateau test on replicated synthetic curves; the resampled
** plateau's shares against the noncentral t's power, by integration.
*/
#include "tests/cutest.h"
#include "sim/drive/cap_estimate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

static void test_isotonic(void)
{
	/* already non-increasing: unchanged */
	const double a[] = { 5, 3, 3, 1 };
	double f[6];
	cap_isotonic_dec(a, NULL, 4, f);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_DOUBLE_EQUAL(f[i], a[i], 1e-12);
	/* one violation pools two points */
	const double b[] = { 3, 1, 2, 0 };
	cap_isotonic_dec(b, NULL, 4, f);
	CU_ASSERT_DOUBLE_EQUAL(f[0], 3, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(f[1], 1.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(f[2], 1.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(f[3], 0, 1e-12);
	/* a violation that cascades back: 1, 2, 6 pool to 3 */
	const double c[] = { 1, 2, 6, -1 };
	cap_isotonic_dec(c, NULL, 4, f);
	CU_ASSERT_DOUBLE_EQUAL(f[0], 3, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(f[2], 3, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(f[3], -1, 1e-12);
	/* weights: the heavier point dominates the pool */
	const double d[] = { 0, 4 }, w[] = { 3, 1 };
	cap_isotonic_dec(d, w, 2, f);
	CU_ASSERT_DOUBLE_EQUAL(f[0], 1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(f[1], 1, 1e-12);
}

static void test_crossing(void)
{
	const double x[] = { 100, 200, 300, 400 };
	const double f[] = { 0.03, 0.01, -0.03, -0.5 };
	int beyond;
	/* between 200 (+0.01) and 300 (-0.03): a quarter of the way */
	CU_ASSERT_DOUBLE_EQUAL(cap_crossing(x, f, 4, &beyond), 225, 1e-9);
	CU_ASSERT_FALSE(beyond);
	const double neg[] = { -0.1, -0.2 }, pos[] = { 0.1, 0 };
	CU_ASSERT_DOUBLE_EQUAL(cap_crossing(x, neg, 2, &beyond), 0, 0);
	CU_ASSERT_FALSE(beyond);
	CU_ASSERT_DOUBLE_EQUAL(cap_crossing(x, pos, 2, &beyond), 200, 0);
	CU_ASSERT_TRUE(beyond);
}

/* A noisy cliff with a known zero: margin(u) = 0.002 (c - u) + noise
** whose sd grows near the cliff (0.02 there, as the measured runs'),
** observed at the bracketing-and-bisection points of a search that
** takes each noisy pass/fail at face value, so the data are often not
** monotone.  Over 400 searches the isotonic crossing's mean error is a
** small fraction of the bisection's, and 95% replication intervals of 3
** searches cover the truth about 95% of the time. */
static void test_noisy_cliff(void)
{
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(g, 7);
	const double c = 637.3;
	int trials = 400, nonmono = 0, cover = 0, sets = 0;
	double err_iso = 0, err_bis = 0, est3[3];
	for (int t = 0; t < trials; t++) {
		double x[64], y[64], f[64];
		int n = 0, base = 0, hi = 0, u = 10;
		/* the search: doubling, then bisection to 5 users */
		for (;;) {
			double m = 0.002 * (c - u) + gsl_ran_gaussian(g, 0.02 * exp(-fabs(u - c) / 100));
			m = fmax(-1, fmin(0.01, m));
			int at = n++;
			while (at > 0 && x[at - 1] > u) {
				x[at] = x[at - 1];
				y[at] = y[at - 1];
				at--;
			}
			x[at] = u;
			y[at] = m;
			if (hi == 0) {
				if (m < 0) {
					hi = u;
				} else {
					base = u;
					u *= 2;
					continue;
				}
			} else if (m < 0) {
				hi = u;
			} else {
				base = u;
			}
			if (hi - base <= 5)
				break;
			u = base + (hi - base) / 2;
		}
		for (int i = 1; i < n; i++)
			nonmono += y[i] > y[i - 1] + 1e-12;
		cap_isotonic_dec(y, NULL, n, f);
		for (int i = 1; i < n; i++)
			CU_ASSERT(f[i] <= f[i - 1] + 1e-12);
		int beyond;
		double e = cap_crossing(x, f, n, &beyond);
		CU_ASSERT_FALSE(beyond);
		err_iso += fabs(e - c);
		err_bis += fabs(base - c);
		est3[t % 3] = e;
		if (t % 3 == 2) {
			double mean = (est3[0] + est3[1] + est3[2]) / 3, ss = 0;
			for (int k = 0; k < 3; k++)
				ss += (est3[k] - mean) * (est3[k] - mean);
			double h = 4.302653 * sqrt(ss / 2) / sqrt(3);
			cover += fabs(mean - c) <= h;
			sets++;
		}
	}
	err_iso /= trials;
	err_bis /= trials;
	printf("\n    noisy cliff at %.1f: mean |error| isotonic %.2f, largest pass %.2f; %d non-monotone steps; "
	       "95%% interval covered %d of %d",
	       c, err_iso, err_bis, nonmono, cover, sets);
	CU_ASSERT(nonmono > 0);              /* the data really are non-monotone */
	CU_ASSERT(err_iso < 0.01 * c);       /* within 1% on average */
	CU_ASSERT(err_iso < err_bis);
	CU_ASSERT(cover >= 0.88 * sets && cover <= sets);
	gsl_rng_free(g);
}

/* k binomial batches of 200 pages with share p for good and for tolerable. */
static enum cap_decision batches(gsl_rng *g, double p, int k)
{
	struct qos_count b[40];
	for (int i = 0; i < k; i++) {
		unsigned good = gsl_ran_binomial(g, p, 200);
		b[i] = (struct qos_count){ 200, good, 200 };
	}
	struct scn_qos q = { .good = 0.97, .tolerable = 0.99, .min_pages = 100 };
	return cap_seq_decide(b, k, &q);
}

static void test_sequential(void)
{
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(g, 11);
	int n = 500, pass_hi = 0, fail_hi = 0, fail_lo = 0, pass_lo = 0, wrong_at = 0;
	for (int i = 0; i < n; i++) {
		enum cap_decision a = batches(g, 0.995, 5), b = batches(g, 0.90, 5), c = batches(g, 0.975, 10);
		pass_hi += a == CAP_PASS;
		fail_hi += a == CAP_FAIL;
		fail_lo += b == CAP_FAIL;
		pass_lo += b == CAP_PASS;
		wrong_at += c == CAP_FAIL;      /* truly passes, just above 97% */
	}
	printf("\n    5 batches: share 99.5%% passed %d/%d; 90%% failed %d/%d; 97.5%% (10 batches) failed %d/%d", pass_hi,
	       n, fail_lo, n, wrong_at, n);
	/* clear cases decide at once, and never the wrong way */
	CU_ASSERT(pass_hi >= 0.95 * n && fail_hi == 0);
	CU_ASSERT(fail_lo == n && pass_lo == 0);
	/* a true pass close to the line is failed at most about 2.5% of the time */
	CU_ASSERT(wrong_at <= 0.05 * n);
	/* fewer than 2 batches, or no pages: undecided */
	struct qos_count one = { 1000, 1000, 1000 }, none[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	struct scn_qos q = { .good = 0.97, .tolerable = 0.99, .min_pages = 100 };
	CU_ASSERT_EQUAL(cap_seq_decide(&one, 1, &q), CAP_UNDECIDED);
	CU_ASSERT_EQUAL(cap_seq_decide(none, 2, &q), CAP_UNDECIDED);
	/* every page good but too few of them: not a pass */
	struct qos_count few[2] = { { 20, 20, 20 }, { 20, 20, 20 } };
	CU_ASSERT_EQUAL(cap_seq_decide(few, 2, &q), CAP_UNDECIDED);
	gsl_rng_free(g);
}

/* Cumulative curves over 1..10 VMs, 3 replications, noise 1.5% of the
** value, common to a replication (as common random numbers make it). */
static void curve(gsl_rng *g, int knee, double *c)
{
	for (int r = 0; r < 3; r++) {
		double shift = gsl_ran_gaussian(g, 0.01);
		for (int i = 0; i < 10; i++) {
			double v = 300.0 * (i + 1 < knee ? i + 1 : knee);
			c[i * 3 + r] = v * (1 + shift + gsl_ran_gaussian(g, 0.01));
		}
	}
}

static void test_plateau(void)
{
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(g, 3);
	double c[30];
	int lo, hi, right = 0;
	for (int t = 0; t < 50; t++) {
		curve(g, 4, c);
		int p = cap_plateau(c, 10, 3, &lo, &hi);
		right += p == 3;
		if (p < 2 || p > 4)
			printf("\n    plateau at %d VMs", p + 1);
		CU_ASSERT(p >= 2 && p <= 4);
		CU_ASSERT(lo <= p && p <= hi);
		CU_ASSERT(lo >= 2);                /* 3 VMs are clearly below 4 */
	}
	printf("\n    knee at 4 VMs found at 4 in %d of 50 noisy curves", right);
	CU_ASSERT(right >= 40);
	/* still growing at the end: no plateau */
	curve(g, 11, c);
	CU_ASSERT_EQUAL(cap_plateau(c, 10, 3, &lo, &hi), -1);
	CU_ASSERT(lo == -1 && hi == -1);
	/* a failed point (NAN) is skipped, never read as a drop to 0 */
	curve(g, 6, c);
	for (int r = 0; r < 3; r++)
		c[2 * 3 + r] = NAN;
	int p = cap_plateau(c, 10, 3, &lo, &hi);
	CU_ASSERT(p == 5);
	CU_ASSERT(lo != 2 && hi != 2);
	/* Points with different numbers of replications (a search runs more
	** until its interval is narrow enough): each comparison pairs the
	** replications both points have, NAN marking the missing ones.  The
	** Fig. 4 Xen 1-VCPU curve at 8, 9 and 10 VMs, seed 3 (cumulative
	** sessions by replication; 9, 7 and 3 replications): 9 VMs are above
	** 8 in each of the 7 pairs (by 20 to 80), so growth from 8 is
	** significant and the plateau is 9.  Cut to the 3 replications every
	** point has, the same data cannot show it (t = 3.8 against the 6.2
	** that 2 degrees of freedom at 2.5% need) and the plateau reads 8. */
	static const double x8[9] = { 812.70, 823.91, 882.69, 883.59, 831.70, 882.20, 879.92, 843.81, 892.12 };
	static const double x9[7] = { 854.64, 903.78, 919.10, 910.24, 897.07, 902.43, 912.79 };
	static const double x10[3] = { 921.80, 910.26, 916.34 };
	double u[27], t[9];
	for (int r = 0; r < 9; r++) {
		u[r] = x8[r];
		u[9 + r] = r < 7 ? x9[r] : NAN;
		u[18 + r] = r < 3 ? x10[r] : NAN;
	}
	CU_ASSERT_EQUAL(cap_plateau(u, 3, 9, &lo, &hi), 1);
	CU_ASSERT(lo == 1 && hi == 2);        /* 10 VMs level with 9 over 3 pairs */
	for (int r = 0; r < 3; r++) {
		t[r] = x8[r];
		t[3 + r] = x9[r];
		t[6 + r] = x10[r];
	}
	CU_ASSERT_EQUAL(cap_plateau(t, 3, 3, &lo, &hi), 0);
	/* The closest call of the verdict "9 VMs": 10 VMs over 9 in the 3
	** pairs both have, differences 67.16, 6.48 and -2.76 (mean 23.63, sd
	** 37.98): t = 1.078 against t(2, 0.95) = 2.920, one later point.  At
	** that mean and sd, k pairs give t = 0.6220 sqrt(k): 1.759 at 8
	** against t(7, 0.95) = 1.895, 1.866 at 9 against t(8, 0.95) = 1.860,
	** so 9 pairs would decide it. */
	struct cap_call call;
	CU_ASSERT_EQUAL_FATAL(cap_plateau_call(u, 3, 9, 1, &call), 0);
	CU_ASSERT(call.i == 1 && call.j == 2 && call.pairs == 3);
	CU_ASSERT_DOUBLE_EQUAL(call.mean, 23.6267, 1e-3);
	CU_ASSERT_DOUBLE_EQUAL(call.t, 1.0774, 1e-3);
	CU_ASSERT_DOUBLE_EQUAL(call.crit, 2.9200, 1e-3);
	CU_ASSERT_EQUAL(call.need, 9);
	/* a later point below the plateau on average: no count of pairs */
	double flat[6] = { 100, 110, 120, 95, 104, 119 };
	CU_ASSERT_EQUAL(cap_plateau(flat, 2, 3, &lo, &hi), 0);
	CU_ASSERT_EQUAL_FATAL(cap_plateau_call(flat, 2, 3, 0, &call), 0);
	CU_ASSERT(call.mean < 0 && call.need == 0);
	/* No plateau: the earlier point whose strongest later growth is the
	** weakest, significant (or it would be the plateau), need -1.  Here
	** 8 -> 9 VMs grows by 5 +- 1 over 3 pairs (t 8.7 against 2.92),
	** every earlier step by 100s. */
	double grow[9] = { 100, 101, 99, 300, 298, 303, 305, 302, 309 };
	CU_ASSERT_EQUAL(cap_plateau(grow, 3, 3, &lo, &hi), -1);
	CU_ASSERT_EQUAL_FATAL(cap_plateau_call(grow, 3, 3, -1, &call), 0);
	CU_ASSERT(call.i == 1 && call.j == 2 && call.need == -1);
	CU_ASSERT(call.t > call.crit);
	CU_ASSERT_DOUBLE_EQUAL(call.mean, 5, 1e-9);
	/* one replication: any rise is growth */
	const double one[] = { 100, 200, 200, 150 };
	CU_ASSERT_EQUAL(cap_plateau(one, 4, 1, &lo, &hi), 1);
	gsl_rng_free(g);
}

/* The power of the one-sided t test: P(T > crit) for T noncentral t with
** df degrees of freedom and noncentrality ncp, T = (Z + ncp) / sqrt(V /
** df) with Z standard normal and V chi-squared(df), so P = integral over
** v of Q(crit sqrt(v / df) - ncp) f_df(v) dv, Q the normal tail. */
struct power { double crit, ncp, df; };

static double power_at(double v, void *arg)
{
	const struct power *a = arg;
	return gsl_cdf_ugaussian_Q(a->crit * sqrt(v / a->df) - a->ncp) * gsl_ran_chisq_pdf(v, a->df);
}

static double t_power(double crit, double ncp, double df)
{
	struct power a = { crit, ncp, df };
	gsl_function f = { power_at, &a };
	gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
	double p = NAN, err;
	if (w && gsl_integration_qagiu(&f, 0, 1e-10, 1e-8, 1000, w, &p, &err))
		p = NAN;
	gsl_integration_workspace_free(w);
	return p;
}

static void test_plateau_resample(void)
{
	/* Two points, 5 pairs: 1 VM at 100, 110, 90, 105, 95 (sd 7.9), 2 VMs
	** above it by 1, 3, 2, -2, 6 (mean 2, sd sqrt(8.5)).  Each draw's
	** differences are normal with that mean and sd when the pairing
	** survives (not with the points' own sds, which would hide the
	** growth), so the share of draws whose growth is
	** significant (no plateau: 2 VMs still grow) is the one-sided 5%
	** t test's power at noncentrality 2 sqrt(5) / sqrt(8.5) = 1.534 with
	** 4 degrees of freedom; the rest have the plateau at 1 VM. */
	double two[10] = { 100, 110, 90, 105, 95, 101, 113, 92, 103, 101 };
	double share[11];
	CU_ASSERT_EQUAL_FATAL(cap_plateau_resample(two, 2, 5, 0, 20000, 7, share), 0);
	double pw = t_power(gsl_cdf_tdist_Pinv(0.95, 4), 2 * sqrt(5) / sqrt(8.5), 4);
	printf("\n    growth significant in %.4f of 20000 draws, the t test's power %.4f", share[0], pw);
	/* 20000 draws: the share's sd is at most 0.0036 */
	CU_ASSERT(fabs(share[0] - pw) < 0.015);
	CU_ASSERT(pw > 0.2 && pw < 0.5);
	CU_ASSERT_DOUBLE_EQUAL(share[0] + share[1] + share[2], 1, 1e-12);
	CU_ASSERT_EQUAL(share[2], 0);   /* the last point is never a plateau */
	/* the same seed gives the same shares; another seed others close by */
	double again[3], other[3];
	cap_plateau_resample(two, 2, 5, 0, 20000, 7, again);
	cap_plateau_resample(two, 2, 5, 0, 20000, 8, other);
	CU_ASSERT(again[0] == share[0] && again[1] == share[1]);
	CU_ASSERT(other[0] != share[0] && fabs(other[0] - share[0]) < 0.02);
	/* 20 new pairs instead of the 5 measured: the power at noncentrality
	** 2 sqrt(20) / sqrt(8.5) = 3.068 with 19 degrees of freedom */
	double twenty[3];
	CU_ASSERT_EQUAL_FATAL(cap_plateau_resample(two, 2, 5, 20, 20000, 7, twenty), 0);
	pw = t_power(gsl_cdf_tdist_Pinv(0.95, 19), 2 * sqrt(20) / sqrt(8.5), 19);
	printf("\n    with 20 pairs: significant in %.4f, the power %.4f", twenty[0], pw);
	CU_ASSERT(fabs(twenty[0] - pw) < 0.015);
	CU_ASSERT(pw > 0.8 && pw < 0.95);
	/* Growth by 300 +- 3 to 4 VMs, then level within +-1 (the mean
	** differences exactly 0): the knee in nearly every draw; a flat later
	** point passes the Bonferroni test at most 5% of the time. */
	double knee[30];
	static const double wob[3] = { -1, 1, 0 };
	for (int i = 0; i < 10; i++)
		for (int r = 0; r < 3; r++)
			knee[i * 3 + r] = 300.0 * (i < 4 ? i + 1 : 4) + (i < 4 ? 3 * wob[(r + i) % 3] : wob[(r + i) % 3]);
	double s10[11];
	CU_ASSERT_EQUAL_FATAL(cap_plateau_resample(knee, 10, 3, 0, 4000, 1, s10), 0);
	printf("\n    knee at 4 VMs in %.4f of 4000 draws", s10[4]);
	CU_ASSERT(s10[4] >= 0.95);
	CU_ASSERT(s10[0] == 0 && s10[1] == 0 && s10[2] == 0);   /* the growth to 4 is never missed */
	/* a failed point (NAN everywhere) is never the plateau, its
	** neighbours' pairing is kept */
	for (int r = 0; r < 3; r++)
		knee[3 * 3 + r] = NAN;
	CU_ASSERT_EQUAL_FATAL(cap_plateau_resample(knee, 10, 3, 0, 4000, 1, s10), 0);
	CU_ASSERT_EQUAL(s10[4], 0);
	CU_ASSERT(s10[5] >= 0.95);   /* 5 VMs the plateau: 3 VMs is below it */
	double sum = 0;
	for (int i = 0; i <= 10; i++)
		sum += s10[i];
	CU_ASSERT_DOUBLE_EQUAL(sum, 1, 1e-12);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "pool-adjacent-violators", test_isotonic },
		{ "crossing by interpolation", test_crossing },
		{ "noisy non-monotone cliff with a known zero", test_noisy_cliff },
		{ "sequential test error rates", test_sequential },
		{ "plateau of replicated curves", test_plateau },
		{ "resampled plateau against the t test's power", test_plateau_resample },
		{ NULL, NULL },
	};
	cut_suite("capacity estimator", t);
}
