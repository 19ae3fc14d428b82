/*
** Tests for sim/engine/zexp.c: the ziggurat's draws against the exact
** exponential distribution (mean, variance, Kolmogorov-Smirnov distance,
** the tail beyond the base strip), and that a seeded stream repeats.
*/
#include "tests/cutest.h"
#include "sim/engine/zexp.h"

#include <math.h>
#include <stdlib.h>

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* n draws of mean 1: the sample mean and variance within 5 standard
** errors of 1, the KS distance to 1 - exp(-x) below the 0.1% critical
** value (1.95 / sqrt(n)), and the share above 8 (beyond R = 7.697, the
** tail drawn separately) and in each of a few bands near the layer edges
** within 5 standard errors of its probability. */
static void test_distribution(void)
{
	int n = cut_slow() ? 2000000 : 200000;
	double *x = malloc((size_t)n * sizeof *x);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	struct mt19937 rs, *r = &rs;
	mt_seed(r, 12345);
	double sum = 0, sq = 0;
	int tail = 0, neg = 0;
	for (int i = 0; i < n; i++) {
		x[i] = zexp(r);
		sum += x[i];
		neg += !(x[i] >= 0) || !isfinite(x[i]);
		tail += x[i] > 8;
	}
	double mean = sum / n;
	for (int i = 0; i < n; i++)
		sq += (x[i] - mean) * (x[i] - mean);
	double var = sq / (n - 1);
	CU_ASSERT_EQUAL(neg, 0);
	/* sd of the mean 1/sqrt(n); of the variance sqrt(8/n) (4th moment 9) */
	CU_ASSERT(fabs(mean - 1) < 5 / sqrt(n));
	CU_ASSERT(fabs(var - 1) < 5 * sqrt(8.0 / n));
	double pt = exp(-8.0);
	CU_ASSERT(fabs((double)tail / n - pt) < 5 * sqrt(pt / n));
	qsort(x, (size_t)n, sizeof *x, cmp_d);
	double d = 0;
	for (int i = 0; i < n; i++) {
		double F = -expm1(-x[i]);
		double a = fabs(F - (double)i / n), b = fabs(F - (double)(i + 1) / n);
		d = fmax(d, fmax(a, b));
	}
	printf("\n    zexp: mean %.5f, variance %.5f, KS %.5f (n %d), P(>8) %.2e (exact %.2e)", mean, var,
	       d, n, (double)tail / n, pt);
	CU_ASSERT(d < 1.95 / sqrt(n));
	/* chi-square over the layers' wedges [x_{i+1}, x_i) (the edges from
	** the published R and V, as in zexp.c), [0, x_255) and [R, inf): a
	** draw accepted or rejected wrongly near the curve shows here first */
	double e[257];
	e[0] = 7.69711747013104972;
	for (int i = 0; i < 254; i++)
		e[i + 1] = -log(exp(-e[i]) + 0.0039496598225815571993 / e[i]);
	e[255] = 0;
	double E[257];   /* ascending: 0, x_255, ..., x_1 = R, inf */
	for (int k = 0; k < 256; k++)
		E[k] = e[255 - k];
	E[256] = INFINITY;
	double chi = 0;
	int lo = 0;   /* x is sorted */
	for (int k = 0; k < 256; k++) {
		int c = 0;
		while (lo < n && x[lo] < E[k + 1]) {
			c++;
			lo++;
		}
		double want = n * (exp(-E[k]) - exp(-E[k + 1]));
		chi += (c - want) * (c - want) / want;
	}
	printf(", chi-square %.1f (255 df)", chi);
	CU_ASSERT(chi < 255 + 4 * sqrt(510.0));
	/* the tail beyond R is the exponential again (memoryless): the
	** excess over R has mean 1 */
	double R = 7.69711747013104972, ex = 0;
	int nt = 0;
	for (int i = 0; i < n; i++)
		if (x[i] > R) {
			ex += x[i] - R;
			nt++;
		}
	printf(", %d beyond R, mean excess %.3f", nt, nt ? ex / nt : 0);
	CU_ASSERT(nt > 20);
	CU_ASSERT(nt > 0 && fabs(ex / nt - 1) < 5 / sqrt(nt));
	/* bands: counts between a and b against exp(-a) - exp(-b) */
	const double band[][2] = { { 0, 0.05 }, { 0.5, 0.6 }, { 2, 2.2 }, { 4, 5 }, { 6.5, 7.7 } };
	for (size_t k = 0; k < sizeof band / sizeof band[0]; k++) {
		int c = 0;
		for (int i = 0; i < n; i++)
			c += x[i] >= band[k][0] && x[i] < band[k][1];
		double p = exp(-band[k][0]) - exp(-band[k][1]);
		CU_ASSERT(fabs((double)c / n - p) < 5 * sqrt(p * (1 - p) / n));
	}
	free(x);
}

/* The same seed gives the same draws. */
static void test_repeat(void)
{
	struct mt19937 sa, sb, *a = &sa, *b = &sb;
	mt_seed(a, 7);
	mt_seed(b, 7);
	int same = 1;
	for (int i = 0; i < 100000; i++)
		same &= zexp(a) == zexp(b);
	CU_ASSERT(same);
}

void tests_register(void)
{
	static const struct cut_test tests[] = {
		{ "draws have the exponential distribution", test_distribution },
		{ "same seed, same draws", test_repeat },
		{ NULL, NULL },
	};
	cut_suite("zexp", tests);
}
