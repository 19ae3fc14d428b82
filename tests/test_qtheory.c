/*
** Tests for sim/engine/qtheory.c: hand-computed values for every formula, and
** the MVA solvers against independent exact methods (Buzen's convolution
** and the machine-repairman birth-death chain); the repairman's
** response-time distribution against hand formulas and, through its
** mean, against MVA.
*/
#include "tests/cutest.h"
#include "sim/engine/qtheory.h"

#include <math.h>
#include <stdio.h>
#include <gsl/gsl_integration.h>
#include <stdlib.h>
#include <string.h>

/* |a - b| <= rel |b|, reporting the pair when not. */
static int near_at(double a, double b, double rel, const char *what, int line)
{
	if (fabs(a - b) <= rel * fabs(b) || a == b)
		return 1;
	fprintf(stderr, "\n  line %d: %s = %.17g, want %.17g", line, what, a, b);
	return 0;
}

#define NEAR(a, b, rel) CU_ASSERT(near_at((a), (b), (rel), #a, __LINE__))
#define EXACT 1e-13

/* A result struct filled with a sentinel, to see that failures leave it. */
static struct qt_result sentinel(void)
{
	struct qt_result r = { -1, -1, -1, -1, -1, -1 };
	return r;
}

static int untouched(const struct qt_result *r)
{
	return r->rho == -1 && r->pw == -1 && r->L == -1 && r->Lq == -1 &&
	       r->R == -1 && r->W == -1;
}

static void test_mm1(void)
{
	struct qt_result r;

	CU_ASSERT_EQUAL_FATAL(qt_mm1(0.8, 1.0, &r), 0);
	NEAR(r.rho, 0.8, EXACT);
	NEAR(r.pw, 0.8, EXACT);
	NEAR(r.R, 5.0, EXACT);
	NEAR(r.W, 4.0, EXACT);
	NEAR(r.L, 4.0, EXACT);
	NEAR(r.Lq, 3.2, EXACT);

	/* Units are the caller's: 0.5 jobs/ms, 1.2 ms each -> 3 ms. */
	CU_ASSERT_EQUAL_FATAL(qt_mm1(0.5, 1 / 1.2, &r), 0);
	NEAR(r.R, 3.0, EXACT);
	NEAR(r.L, 1.5, EXACT);

	CU_ASSERT_EQUAL_FATAL(qt_mm1(0.0, 4.0, &r), 0);
	NEAR(r.R, 0.25, EXACT);
	CU_ASSERT(r.L == 0 && r.W == 0 && r.rho == 0);
}

static void test_mm1_errors(void)
{
	struct qt_result r = sentinel();

	CU_ASSERT_EQUAL(qt_mm1(1.0, 1.0, &r), -1);
	CU_ASSERT_EQUAL(qt_mm1(1.5, 1.0, &r), -1);
	CU_ASSERT_EQUAL(qt_mm1(0.5, 0.0, &r), -1);
	CU_ASSERT_EQUAL(qt_mm1(-0.1, 1.0, &r), -1);
	CU_ASSERT_EQUAL(qt_mm1(NAN, 1.0, &r), -1);
	CU_ASSERT_EQUAL(qt_mm1(0.5, NAN, &r), -1);
	CU_ASSERT_EQUAL(qt_mm1(0.5, INFINITY, &r), -1);
	CU_ASSERT_EQUAL(qt_mm1(0.5, 1.0, NULL), -1);
	CU_ASSERT(untouched(&r));
}

static void test_mg1_fcfs(void)
{
	struct qt_result r, m;

	/* M/D/1 at rho 0.5: W = rho E[S] / (2 (1 - rho)) = 0.5. */
	CU_ASSERT_EQUAL_FATAL(qt_mg1_fcfs(0.5, 1.0, 0.0, &r), 0);
	NEAR(r.W, 0.5, EXACT);
	NEAR(r.R, 1.5, EXACT);
	NEAR(r.L, 0.75, EXACT);
	NEAR(r.Lq, 0.25, EXACT);
	NEAR(r.rho, 0.5, EXACT);

	/* scv 1 is M/M/1. */
	CU_ASSERT_EQUAL_FATAL(qt_mg1_fcfs(0.8, 1.0, 1.0, &r), 0);
	CU_ASSERT_EQUAL_FATAL(qt_mm1(0.8, 1.0, &m), 0);
	NEAR(r.R, 5.0, EXACT);
	NEAR(r.W, m.W, EXACT);
	NEAR(r.L, m.L, EXACT);

	/* scv 4 (hyperexponential): W = 0.8 * 5 / (2 * 0.2) = 10. */
	CU_ASSERT_EQUAL_FATAL(qt_mg1_fcfs(0.8, 1.0, 4.0, &r), 0);
	NEAR(r.W, 10.0, EXACT);
	NEAR(r.R, 11.0, EXACT);

	/* In ms: 0.002 / ms, 250 ms constant: W = 125 ms. */
	CU_ASSERT_EQUAL_FATAL(qt_mg1_fcfs(0.002, 250.0, 0.0, &r), 0);
	NEAR(r.W, 125.0, EXACT);
	NEAR(r.R, 375.0, EXACT);

	r = sentinel();
	CU_ASSERT_EQUAL(qt_mg1_fcfs(1.0, 1.0, 0.0, &r), -1);
	CU_ASSERT_EQUAL(qt_mg1_fcfs(0.5, 1.0, -0.5, &r), -1);
	CU_ASSERT_EQUAL(qt_mg1_fcfs(0.5, 0.0, 1.0, &r), -1);
	CU_ASSERT_EQUAL(qt_mg1_fcfs(0.5, 1.0, NAN, &r), -1);
	CU_ASSERT_EQUAL(qt_mg1_fcfs(0.5, INFINITY, 1.0, &r), -1);
	CU_ASSERT(untouched(&r));
}

static void test_mg1_ps(void)
{
	struct qt_result r, d;
	double t = -1;

	/* rho 0.5: R = 2 / 0.5 = 4, L = 1. */
	CU_ASSERT_EQUAL_FATAL(qt_mg1_ps(0.25, 2.0, &r), 0);
	NEAR(r.R, 4.0, EXACT);
	NEAR(r.L, 1.0, EXACT);
	NEAR(r.W, 2.0, EXACT);
	NEAR(r.Lq, 0.5, EXACT);
	NEAR(r.rho, 0.5, EXACT);

	/* Same mean as M/M/1, but not as M/D/1 under FCFS (1.5 vs 2). */
	CU_ASSERT_EQUAL_FATAL(qt_mg1_ps(0.8, 1.0, &r), 0);
	NEAR(r.R, 5.0, EXACT);
	CU_ASSERT_EQUAL_FATAL(qt_mg1_ps(0.5, 1.0, &r), 0);
	CU_ASSERT_EQUAL_FATAL(qt_mg1_fcfs(0.5, 1.0, 0.0, &d), 0);
	NEAR(r.R, 2.0, EXACT);
	CU_ASSERT(fabs(r.R - d.R) > 0.4);

	CU_ASSERT_EQUAL(qt_mg1_ps_cond(0.25, 2.0, 3.0, &t), 0);
	NEAR(t, 6.0, EXACT);
	CU_ASSERT_EQUAL(qt_mg1_ps_cond(0.25, 2.0, 0.0, &t), 0);
	CU_ASSERT(t == 0.0);
	/* Averaged over exponential sizes it gives back R. */
	CU_ASSERT_EQUAL(qt_mg1_ps_cond(0.6, 1.0, 1.0, &t), 0);
	NEAR(t, 2.5, EXACT);

	t = -1;
	CU_ASSERT_EQUAL(qt_mg1_ps_cond(0.5, 2.0, 1.0, &t), -1);
	CU_ASSERT_EQUAL(qt_mg1_ps_cond(0.25, 2.0, -1.0, &t), -1);
	CU_ASSERT_EQUAL(qt_mg1_ps_cond(0.25, 2.0, 1.0, NULL), -1);
	CU_ASSERT(t == -1);
	r = sentinel();
	CU_ASSERT_EQUAL(qt_mg1_ps(0.5, 2.0, &r), -1);
	CU_ASSERT_EQUAL(qt_mg1_ps(-1, 2.0, &r), -1);
	CU_ASSERT(untouched(&r));
}

/* Erlang C from its definition, in log space: independent of the
** Erlang B recursion under test. */
static double erlang_c_direct(double a, int c)
{
	long double lt, lmax, sum = 0, top;
	int k;

	/* terms a^k / k!, k < c, and the waiting term a^c / c! * c / (c - a) */
	top = c * logl(a) - lgammal(c + 1.0L) + logl(c / (c - a));
	lmax = top;
	for (k = 0; k < c; k++) {
		lt = k * logl(a) - lgammal(k + 1.0L);
		if (lt > lmax)
			lmax = lt;
	}
	for (k = 0; k < c; k++)
		sum += expl(k * logl(a) - lgammal(k + 1.0L) - lmax);
	top = expl(top - lmax);
	return (double)(top / (sum + top));
}

static void test_mmc(void)
{
	struct qt_result r, m;

	/* c = 2, a = 1.5: B = 9/29, C = 9/14, W = C / 0.5, R = W + 1. */
	CU_ASSERT_EQUAL_FATAL(qt_mmc(1.5, 1.0, 2, &r), 0);
	NEAR(r.pw, 9.0 / 14, EXACT);
	NEAR(r.pw, 0.642857142857142857, EXACT);
	NEAR(r.W, 9.0 / 7, EXACT);
	NEAR(r.R, 16.0 / 7, EXACT);
	NEAR(r.L, 24.0 / 7, EXACT);
	NEAR(r.Lq, 27.0 / 14, EXACT);
	NEAR(r.rho, 0.75, EXACT);

	/* c = 3, a = 2: B = 4/19, C = 4/9, W = 4/9, R = 13/9. */
	CU_ASSERT_EQUAL_FATAL(qt_mmc(2.0, 1.0, 3, &r), 0);
	NEAR(r.pw, 4.0 / 9, EXACT);
	NEAR(r.W, 4.0 / 9, EXACT);
	NEAR(r.R, 13.0 / 9, EXACT);

	/* Same load in another time unit: rates per ms, times in ms. */
	CU_ASSERT_EQUAL_FATAL(qt_mmc(0.2, 0.1, 3, &r), 0);
	NEAR(r.pw, 4.0 / 9, EXACT);
	NEAR(r.R, 130.0 / 9, EXACT);

	/* c = 1 is M/M/1. */
	CU_ASSERT_EQUAL_FATAL(qt_mmc(0.8, 1.0, 1, &r), 0);
	CU_ASSERT_EQUAL_FATAL(qt_mm1(0.8, 1.0, &m), 0);
	NEAR(r.pw, 0.8, EXACT);
	NEAR(r.R, m.R, EXACT);
	NEAR(r.L, m.L, EXACT);

	/* No arrivals: nobody waits. */
	CU_ASSERT_EQUAL_FATAL(qt_mmc(0.0, 2.0, 4, &r), 0);
	CU_ASSERT(r.pw == 0 && r.W == 0);
	NEAR(r.R, 0.5, EXACT);
}

/* Many servers, where a^c / c! overflows doubles (c > 170). */
static void test_mmc_large(void)
{
	static const struct { double a; int c; } k[] = {
		{ 950, 1000 }, { 100, 200 }, { 180, 200 }, { 30, 32 }, { 9999, 10000 },
	};
	struct qt_result r;
	size_t i;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		double c = erlang_c_direct(k[i].a, k[i].c);

		CU_ASSERT_EQUAL_FATAL(qt_mmc(k[i].a * 0.5, 0.5, k[i].c, &r), 0);
		CU_ASSERT(r.pw > 0 && r.pw < 1);
		NEAR(r.pw, c, 1e-9);
		NEAR(r.W, c / (k[i].c * 0.5 - k[i].a * 0.5), 1e-9);
	}
	r = sentinel();
	CU_ASSERT_EQUAL(qt_mmc(2.0, 1.0, 2, &r), -1);
	CU_ASSERT_EQUAL(qt_mmc(1.0, 1.0, 0, &r), -1);
	CU_ASSERT_EQUAL(qt_mmc(1.0, 1.0, -3, &r), -1);
	CU_ASSERT_EQUAL(qt_mmc(1.0, 0.0, 2, &r), -1);
	CU_ASSERT_EQUAL(qt_mmc(NAN, 1.0, 2, &r), -1);
	CU_ASSERT(untouched(&r));
}

static void test_mva_small(void)
{
	static const double d2[] = { 1.0, 2.0 };
	static const double d3[] = { 0.2, 0.5, 0.1 };
	struct qt_mva v;
	double q[3];

	/* One user never queues: R = sum D. */
	CU_ASSERT_EQUAL_FATAL(qt_mva_closed(1, 3.0, d3, 3, &v, q), 0);
	NEAR(v.R, 0.8, EXACT);
	NEAR(v.X, 1 / 3.8, EXACT);
	NEAR(q[0], 0.2 / 3.8, EXACT);
	NEAR(q[1], 0.5 / 3.8, EXACT);
	NEAR(q[2], 0.1 / 3.8, EXACT);

	/* By hand, Z = 0, N = 2: R_1 = 4/3, R_2 = 10/3, X = 3/7. */
	CU_ASSERT_EQUAL_FATAL(qt_mva_closed(2, 0.0, d2, 2, &v, q), 0);
	NEAR(v.R, 14.0 / 3, EXACT);
	NEAR(v.X, 3.0 / 7, EXACT);
	NEAR(q[0], 4.0 / 7, EXACT);
	NEAR(q[1], 10.0 / 7, EXACT);
	NEAR(v.L, 2.0, EXACT);

	/* Z = 4, N = 2: R_1 = 8/7, R_2 = 18/7, X = 2 / (4 + 26/7) = 7/27. */
	CU_ASSERT_EQUAL_FATAL(qt_mva_closed(2, 4.0, d2, 2, &v, q), 0);
	NEAR(v.R, 26.0 / 7, EXACT);
	NEAR(v.X, 7.0 / 27, EXACT);
	NEAR(q[0], 8.0 / 27, EXACT);
	NEAR(q[1], 2.0 / 3, EXACT);
	NEAR(v.L, 2.0 - 28.0 / 27, EXACT);

	/* Without q the work array is the library's. */
	CU_ASSERT_EQUAL_FATAL(qt_mva_closed(2, 4.0, d2, 2, &v, NULL), 0);
	NEAR(v.X, 7.0 / 27, EXACT);

	/* Only think time: X = N / Z. */
	CU_ASSERT_EQUAL_FATAL(qt_mva_closed(5, 2.0, NULL, 0, &v, NULL), 0);
	NEAR(v.X, 2.5, EXACT);
	CU_ASSERT(v.R == 0);

	CU_ASSERT_EQUAL_FATAL(qt_mva_closed(0, 4.0, d2, 2, &v, q), 0);
	CU_ASSERT(v.X == 0 && v.R == 0 && v.L == 0 && q[0] == 0 && q[1] == 0);
}

/*
** Buzen's convolution with a delay station: G(n) = sum over states of
** Z^i / i! * prod D_k^{n_k}; X(N) = G(N-1) / G(N) and
** Q_k(N) = sum_{i=1..N} D_k^i G(N-i) / G(N).
*/
static void buzen(int n, double z, const double *d, int k, double *x, double *q)
{
	long double *g = calloc((size_t)n + 1, sizeof(*g));
	int i, j, m;

	g[0] = 1;
	for (m = 1; m <= n; m++)
		g[m] = g[m - 1] * z / m;
	for (j = 0; j < k; j++)
		for (m = 1; m <= n; m++)
			g[m] += d[j] * g[m - 1];
	*x = (double)(g[n - 1] / g[n]);
	for (j = 0; j < k; j++) {
		long double s = 0, p = 1;

		for (i = 1; i <= n; i++) {
			p *= d[j];
			s += p * g[n - i];
		}
		q[j] = (double)(s / g[n]);
	}
	free(g);
}

static void test_mva_vs_convolution(void)
{
	static const double d[] = { 0.4, 0.3, 0.25, 0.05 };
	static const int pop[] = { 1, 2, 3, 7, 25, 60 };
	struct qt_mva v;
	double q[4], qb[4], xb;
	size_t i;
	int j;

	for (i = 0; i < sizeof(pop) / sizeof(pop[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(qt_mva_closed(pop[i], 2.0, d, 4, &v, q), 0);
		buzen(pop[i], 2.0, d, 4, &xb, qb);
		NEAR(v.X, xb, 1e-11);
		NEAR(v.R, pop[i] / xb - 2.0, 1e-11);
		for (j = 0; j < 4; j++)
			NEAR(q[j], qb[j], 1e-11);
		NEAR(q[0] + q[1] + q[2] + q[3] + v.X * 2.0, pop[i], 1e-12);
	}
}

/* Past saturation the bottleneck rules: X -> 1 / Dmax, R -> N Dmax - Z. */
static void test_mva_asymptote(void)
{
	static const double d[] = { 0.2, 0.5, 0.1 };
	struct qt_mva v;
	double q[3];

	CU_ASSERT_EQUAL_FATAL(qt_mva_closed(500, 3.0, d, 3, &v, q), 0);
	NEAR(v.X, 2.0, 1e-12);
	/* The other stations hold U / (1 - U) each: 0.4/0.6 and 0.2/0.8. */
	NEAR(q[0], 0.4 / 0.6, 1e-9);
	NEAR(q[2], 0.2 / 0.8, 1e-9);
	NEAR(v.R, 500 / 2.0 - 3.0, 1e-9);

	/* Balanced bound check at a mid population: X below both bounds. */
	CU_ASSERT_EQUAL_FATAL(qt_mva_closed(6, 3.0, d, 3, &v, q), 0);
	CU_ASSERT(v.X < 6 / (3.0 + 0.8));
	CU_ASSERT(v.X < 2.0);
	CU_ASSERT(v.R > 0.8);
}

static void test_mva_errors(void)
{
	static const double d[] = { 0.2, 0.5 };
	static const double dz[] = { 0.0, 0.0 };
	static const double dn[] = { 0.2, -0.5 };
	static const double dnan[] = { 0.2, NAN };
	struct qt_mva v = { -1, -1, -1 };
	double q[2] = { -1, -1 };

	CU_ASSERT_EQUAL(qt_mva_closed(3, 0.0, dz, 2, &v, q), -1);
	CU_ASSERT_EQUAL(qt_mva_closed(3, 1.0, dn, 2, &v, q), -1);
	CU_ASSERT_EQUAL(qt_mva_closed(3, 1.0, dnan, 2, &v, q), -1);
	CU_ASSERT_EQUAL(qt_mva_closed(-1, 1.0, d, 2, &v, q), -1);
	CU_ASSERT_EQUAL(qt_mva_closed(3, -1.0, d, 2, &v, q), -1);
	CU_ASSERT_EQUAL(qt_mva_closed(3, INFINITY, d, 2, &v, q), -1);
	CU_ASSERT_EQUAL(qt_mva_closed(3, 1.0, NULL, 2, &v, q), -1);
	CU_ASSERT_EQUAL(qt_mva_closed(3, 1.0, d, -2, &v, q), -1);
	CU_ASSERT_EQUAL(qt_mva_closed(3, 0.0, NULL, 0, &v, q), -1);
	CU_ASSERT_EQUAL(qt_mva_closed(3, 1.0, d, 2, NULL, q), -1);
	CU_ASSERT(v.X == -1 && v.R == -1 && v.L == -1 && q[0] == -1 && q[1] == -1);
}

static void test_multi_single(void)
{
	struct qt_mva a, b;
	double s = 1.0;
	int n;

	/* c = 1 is the single-server MVA, at every population. */
	for (n = 0; n <= 40; n++) {
		CU_ASSERT_EQUAL_FATAL(qt_mva_multiserver(n, 5.0, 1, s, &a, NULL), 0);
		CU_ASSERT_EQUAL_FATAL(qt_mva_closed(n, 5.0, &s, 1, &b, NULL), 0);
		NEAR(a.X, b.X, 1e-12);
		NEAR(a.R, b.R, 1e-12);
		NEAR(a.L, b.L, 1e-12);
	}
}

static void test_multi_hand(void)
{
	struct qt_mva v, one;
	double p[4];
	double half = 0.5;

	/* N = 3, c = 2, S = 1, Z = 1: p = (2, 6, 6, 3) / 17, L = 27/17,
	** busy servers 24/17 = X, R = L / X = 9/8. */
	CU_ASSERT_EQUAL_FATAL(qt_mva_multiserver(3, 1.0, 2, 1.0, &v, p), 0);
	NEAR(v.R, 9.0 / 8, EXACT);
	NEAR(v.X, 24.0 / 17, EXACT);
	NEAR(v.L, 27.0 / 17, EXACT);
	NEAR(p[0], 2.0 / 17, EXACT);
	NEAR(p[1], 6.0 / 17, EXACT);
	NEAR(p[2], 6.0 / 17, EXACT);
	NEAR(p[3], 3.0 / 17, EXACT);

	/* Two CPUs are not one CPU twice as fast (R = 0.9 there). */
	CU_ASSERT_EQUAL_FATAL(qt_mva_closed(3, 1.0, &half, 1, &one, NULL), 0);
	NEAR(one.R, 0.9, EXACT);
	CU_ASSERT(v.R - one.R > 0.2);

	/* No think time: all N at the CPUs, X = min(N, c) / S. */
	CU_ASSERT_EQUAL_FATAL(qt_mva_multiserver(10, 0.0, 4, 2.0, &v, NULL), 0);
	NEAR(v.X, 2.0, EXACT);
	NEAR(v.R, 5.0, EXACT);

	/* No users. */
	CU_ASSERT_EQUAL_FATAL(qt_mva_multiserver(0, 1.0, 4, 2.0, &v, p), 0);
	CU_ASSERT(v.X == 0 && v.R == 0 && p[0] == 1);
}

/* At least as many CPUs as users: nobody waits, R = S. */
static void test_multi_no_queue(void)
{
	struct qt_mva v;
	double p[9];
	int n, c;

	for (c = 1; c <= 8; c++)
		for (n = 1; n <= c; n++) {
			CU_ASSERT_EQUAL_FATAL(qt_mva_multiserver(n, 2.0, c, 0.5, &v, p), 0);
			NEAR(v.R, 0.5, EXACT);
			NEAR(v.X, n / 2.5, EXACT);
		}
	/* The count at the CPUs is then Binomial(N, S / (Z + S)). */
	CU_ASSERT_EQUAL_FATAL(qt_mva_multiserver(4, 2.0, 8, 0.5, &v, p), 0);
	NEAR(p[0], pow(0.8, 4), EXACT);
	NEAR(p[1], 4 * 0.2 * pow(0.8, 3), EXACT);
	NEAR(p[2], 6 * 0.04 * 0.64, EXACT);
	NEAR(p[4], pow(0.2, 4), EXACT);
	/* One user more than CPUs now waits a little. */
	CU_ASSERT_EQUAL_FATAL(qt_mva_multiserver(9, 2.0, 8, 0.5, &v, NULL), 0);
	CU_ASSERT(v.R > 0.5);
}

/*
** The machine-repairman chain solved directly: j users at the CPUs,
** up rate (N - j) / Z, down rate min(j, c) / S, in log space.
*/
static void repairman(int n, double z, int c, double s, double *x, double *r,
		      double *p)
{
	long double *lt = malloc(((size_t)n + 1) * sizeof(*lt));
	long double sum = 0, busy = 0, l = 0, lmax;
	int j;

	lt[0] = 0;
	lmax = 0;
	for (j = 1; j <= n; j++) {
		lt[j] = lt[j - 1] + logl((long double)(n - j + 1) * s /
					 ((long double)z * (j < c ? j : c)));
		if (lt[j] > lmax)
			lmax = lt[j];
	}
	for (j = 0; j <= n; j++)
		sum += expl(lt[j] - lmax);
	for (j = 0; j <= n; j++) {
		long double pj = expl(lt[j] - lmax) / sum;

		busy += (j < c ? j : c) * pj;
		l += j * pj;
		if (p)
			p[j] = (double)pj;
	}
	*x = (double)(busy / s);
	*r = (double)(l / (busy / s));
	free(lt);
}

static void test_multi_vs_chain(void)
{
	static const struct { int n, c; double z, s; } k[] = {
		{ 10, 4, 3.0, 1.0 },
		{ 50, 8, 20.0, 2.0 },
		{ 200, 16, 30.0, 3.0 },
		/* Saturated: 2000 users on 64 CPUs, offered load ~95 CPUs. */
		{ 2000, 64, 20.0, 1.0 },
		/* Light: 128 CPUs mostly idle. */
		{ 300, 128, 100.0, 5.0 },
	};
	size_t i;
	int j;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		struct qt_mva v;
		double x, r;
		double *p = malloc(((size_t)k[i].n + 1) * sizeof(*p));
		double *pc = malloc(((size_t)k[i].n + 1) * sizeof(*pc));
		double tv = 0, sum = 0;

		CU_ASSERT_EQUAL_FATAL(qt_mva_multiserver(k[i].n, k[i].z, k[i].c,
							  k[i].s, &v, p), 0);
		repairman(k[i].n, k[i].z, k[i].c, k[i].s, &x, &r, pc);
		NEAR(v.X, x, 1e-10);
		NEAR(v.R, r, 1e-10);
		for (j = 0; j <= k[i].n; j++) {
			CU_ASSERT(p[j] >= 0);
			tv += fabs(p[j] - pc[j]);
			sum += p[j];
		}
		CU_ASSERT(tv < 1e-10);
		NEAR(sum, 1.0, 1e-12);
		/* Response time law ties R to X. */
		NEAR(v.R, k[i].n / v.X - k[i].z, 1e-10);
		free(p);
		free(pc);
	}
}

/* Many users: X -> c / S, R -> N S / c - Z. */
static void test_multi_asymptote(void)
{
	struct qt_mva v;

	CU_ASSERT_EQUAL_FATAL(qt_mva_multiserver(3000, 100.0, 8, 1.0, &v, NULL), 0);
	NEAR(v.X, 8.0, 1e-12);
	NEAR(v.R, 3000 / 8.0 - 100.0, 1e-9);
}

static void test_multi_errors(void)
{
	struct qt_mva v = { -1, -1, -1 };
	double p[4] = { -1, -1, -1, -1 };

	CU_ASSERT_EQUAL(qt_mva_multiserver(3, 1.0, 0, 1.0, &v, p), -1);
	CU_ASSERT_EQUAL(qt_mva_multiserver(3, 1.0, -2, 1.0, &v, p), -1);
	CU_ASSERT_EQUAL(qt_mva_multiserver(3, 0.0, 2, 0.0, &v, p), -1);
	CU_ASSERT_EQUAL(qt_mva_multiserver(3, 1.0, 2, -1.0, &v, p), -1);
	CU_ASSERT_EQUAL(qt_mva_multiserver(3, NAN, 2, 1.0, &v, p), -1);
	CU_ASSERT_EQUAL(qt_mva_multiserver(3, 1.0, 2, INFINITY, &v, p), -1);
	CU_ASSERT_EQUAL(qt_mva_multiserver(-1, 1.0, 2, 1.0, &v, p), -1);
	CU_ASSERT_EQUAL(qt_mva_multiserver(3, 1.0, 2, 1.0, NULL, p), -1);
	CU_ASSERT(v.X == -1 && v.R == -1 && v.L == -1);
	CU_ASSERT(p[0] == -1 && p[3] == -1);
}

/* P(R <= t) of the repairman, asserting success. */
static double rcdf(int n, double z, double s, double t)
{
	double p = -1;

	CU_ASSERT_EQUAL(qt_repairman_cdf(n, z, s, t, &p), 0);
	return p;
}

static void test_repairman_hand(void)
{
	double s = 0.1, z = 0.5, x, p0, p1;
	int i, k;

	/* One user never queues: the exponential service itself. */
	for (i = 1; i <= 20; i++) {
		double t = 0.05 * i;
		NEAR(rcdf(1, z, s, t), 1 - exp(-t / s), 1e-12);
	}
	/* Two users: the other is at the server with probability
	** S / (Z + S) (the one-user chain), then R is Erlang(2, S). */
	p1 = s / (z + s);
	p0 = 1 - p1;
	for (i = 1; i <= 20; i++) {
		double t = 0.05 * i;
		x = t / s;
		NEAR(rcdf(2, z, s, t), p0 * (1 - exp(-x)) + p1 * (1 - exp(-x) * (1 + x)), 1e-12);
	}
	/* No think time: every job waits for all n - 1 others, Erlang(n, S). */
	x = 0.7 / s;
	for (k = 1; k <= 12; k++) {
		double term = 1, sum = 0;
		for (i = 0; i < k; i++) {
			sum += term;
			term *= x / (i + 1);
		}
		NEAR(rcdf(k, 0.0, s, 0.7), 1 - exp(-x) * sum, 1e-12);
	}
	/* The ends. */
	CU_ASSERT(rcdf(5, z, s, 0.0) == 0);
	CU_ASSERT(rcdf(5, z, s, -1.0) == 0);
	NEAR(rcdf(5, z, s, 1e3), 1.0, 1e-12);
	/* Falls with the users, rises with the time. */
	for (k = 1; k < 60; k++)
		CU_ASSERT(rcdf(k + 1, z, s, 1.1) < rcdf(k, z, s, 1.1));
	for (i = 1; i < 60; i++)
		CU_ASSERT(rcdf(30, z, s, 0.1 * (i + 1)) > rcdf(30, z, s, 0.1 * i));
}

struct rparams { int n; double z, s; };

static double survival(double t, void *arg)
{
	const struct rparams *r = arg;
	double p = 0;

	qt_repairman_cdf(r->n, r->z, r->s, t, &p);
	return 1 - p;
}

/* E[R] = integral of P(R > t): the distribution's mean is MVA's R, from
** light load to far past saturation (N* = (Z + S) / S = 6 and 21 here). */
static void test_repairman_mean(void)
{
	static const struct rparams k[] = {
		{ 1, 0.5, 0.1 }, { 3, 0.5, 0.1 }, { 6, 0.5, 0.1 }, { 11, 0.5, 0.1 },
		{ 40, 0.5, 0.1 }, { 25, 20.0, 1.0 }, { 300, 20.0, 1.0 }, { 8, 0.0, 2.0 },
	};
	gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		struct rparams r = k[i];
		gsl_function f = { survival, &r };
		struct qt_mva m;
		double mean = 0, abserr;

		CU_ASSERT_EQUAL_FATAL(qt_mva_closed(r.n, r.z, &r.s, 1, &m, NULL), 0);
		CU_ASSERT_EQUAL(gsl_integration_qagiu(&f, 0, 1e-12, 1e-10, 1000, ws, &mean, &abserr), 0);
		NEAR(mean, m.R, 1e-8);
	}
	gsl_integration_workspace_free(ws);
}

static void test_repairman_capacity(void)
{
	int n, k, scan;

	/* Bisection agrees with a scan of every population. */
	CU_ASSERT_EQUAL_FATAL(qt_repairman_capacity(0.5, 0.1, 1.1, 0.9, 3.0, 0.99, 200, &n), 0);
	for (scan = 0, k = 1; k <= 200; k++)
		if (rcdf(k, 0.5, 0.1, 1.1) >= 0.9 && rcdf(k, 0.5, 0.1, 3.0) >= 0.99)
			scan = k;
	CU_ASSERT_EQUAL(n, scan);
	CU_ASSERT_EQUAL(n, 11);   /* P(R <= 1.1 s) = 92.2% at 11 users, 87.2% at 12 */
	/* The tolerable share can be the binding one. */
	CU_ASSERT_EQUAL_FATAL(qt_repairman_capacity(0.5, 0.1, 1.1, 0.5, 1.2, 0.99, 200, &n), 0);
	CU_ASSERT_EQUAL(n, 8);
	CU_ASSERT(rcdf(8, 0.5, 0.1, 1.2) >= 0.99 && rcdf(9, 0.5, 0.1, 1.2) < 0.99);
	/* Even one user fails: 0; the bound passes: the bound. */
	CU_ASSERT_EQUAL_FATAL(qt_repairman_capacity(0.5, 0.1, 0.01, 0.97, 3.0, 0.99, 200, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL_FATAL(qt_repairman_capacity(0.5, 0.1, 100, 0.97, 100, 0.99, 50, &n), 0);
	CU_ASSERT_EQUAL(n, 50);
}

static void test_repairman_errors(void)
{
	double p = -1;
	int n = -1;

	CU_ASSERT_EQUAL(qt_repairman_cdf(0, 1.0, 1.0, 1.0, &p), -1);
	CU_ASSERT_EQUAL(qt_repairman_cdf(3, -1.0, 1.0, 1.0, &p), -1);
	CU_ASSERT_EQUAL(qt_repairman_cdf(3, 1.0, 0.0, 1.0, &p), -1);
	CU_ASSERT_EQUAL(qt_repairman_cdf(3, 1.0, 1.0, NAN, &p), -1);
	CU_ASSERT_EQUAL(qt_repairman_cdf(3, INFINITY, 1.0, 1.0, &p), -1);
	CU_ASSERT_EQUAL(qt_repairman_cdf(3, 1.0, 1.0, 1.0, NULL), -1);
	CU_ASSERT(p == -1);
	CU_ASSERT_EQUAL(qt_repairman_capacity(1.0, 1.0, 1.0, 1.5, 1.0, 0.9, 10, &n), -1);
	CU_ASSERT_EQUAL(qt_repairman_capacity(1.0, 1.0, 1.0, 0.9, 1.0, 0.9, 0, &n), -1);
	CU_ASSERT_EQUAL(qt_repairman_capacity(1.0, 0.0, 1.0, 0.9, 1.0, 0.9, 10, &n), -1);
	CU_ASSERT_EQUAL(qt_repairman_capacity(1.0, 1.0, 1.0, 0.9, 1.0, 0.9, 10, NULL), -1);
	CU_ASSERT(n == -1);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "M/M/1", test_mm1 },
		{ "M/M/1 errors", test_mm1_errors },
		{ "M/G/1 FCFS", test_mg1_fcfs },
		{ "M/G/1 PS", test_mg1_ps },
		{ "M/M/c", test_mmc },
		{ "M/M/c many servers", test_mmc_large },
		{ "MVA small", test_mva_small },
		{ "MVA vs convolution", test_mva_vs_convolution },
		{ "MVA asymptote", test_mva_asymptote },
		{ "MVA errors", test_mva_errors },
		{ "multiserver c=1", test_multi_single },
		{ "multiserver by hand", test_multi_hand },
		{ "multiserver c>=N", test_multi_no_queue },
		{ "multiserver vs birth-death", test_multi_vs_chain },
		{ "multiserver asymptote", test_multi_asymptote },
		{ "multiserver errors", test_multi_errors },
		{ "repairman response distribution by hand", test_repairman_hand },
		{ "repairman distribution mean vs MVA", test_repairman_mean },
		{ "repairman QoS capacity", test_repairman_capacity },
		{ "repairman errors", test_repairman_errors },
		{ NULL, NULL },
	};

	cut_suite("qtheory", t);
}
