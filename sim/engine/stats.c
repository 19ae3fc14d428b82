/*
** Batch-means output analysis (see stats.h).  GSL supplies the Student t
** quantile and the sample mean and variance.
*/
#include "sim/engine/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

int tally_init(struct tally *t, const struct batches *b)
{
	t->b = b;
	t->sum = calloc((size_t)b->nb, sizeof *t->sum);
	t->cnt = calloc((size_t)b->nb, sizeof *t->cnt);
	t->tot_sum = t->tot_sq = t->tot_cnt = 0;
	t->min = INFINITY;
	t->max = -INFINITY;
	if (!t->sum || !t->cnt) {
		tally_free(t);
		return -ENOMEM;
	}
	return 0;
}

void tally_free(struct tally *t)
{
	free(t->sum);
	free(t->cnt);
	t->sum = t->cnt = NULL;
}

void tally_add(struct tally *t, int64_t now, double x)
{
	const struct batches *b = t->b;
	if (!stats_measured(b, now))
		return;
	int i = (int)((double)(now - b->t0) * b->nb / (double)(b->t1 - b->t0));
	if (i >= b->nb)
		i = b->nb - 1;
	t->sum[i] += x;
	t->cnt[i] += 1;
	t->tot_sum += x;
	t->tot_sq += x * x;
	t->tot_cnt += 1;
	if (x < t->min)
		t->min = x;
	if (x > t->max)
		t->max = x;
}

double stats_t95(int n)
{
	return n > 1 ? gsl_cdf_tdist_Pinv(0.975, n - 1) : 0;
}

static struct ci from_samples(double point, const double *v, int n)
{
	struct ci c = { point, point, point, 0 };
	if (n < 2)
		return c;
	double sd = gsl_stats_sd(v, 1, (size_t)n);
	double h = stats_t95(n) * sd / sqrt(n);
	c.lo = point - h;
	c.hi = point + h;
	c.ok = 1;
	return c;
}

struct ci tally_mean(const struct tally *t)
{
	double point = t->tot_cnt > 0 ? t->tot_sum / t->tot_cnt : 0;
	double v[STATS_MAX_BATCHES];
	int n = 0;
	for (int i = 0; i < t->b->nb; i++)
		if (t->cnt[i] > 0)
			v[n++] = t->sum[i] / t->cnt[i];
	return from_samples(point, v, n);
}

struct ci tally_rate(const struct tally *t)
{
	const struct batches *b = t->b;
	double len = (double)(b->t1 - b->t0) / 1e9;
	double point = len > 0 ? t->tot_cnt / len : 0;
	double v[STATS_MAX_BATCHES];
	for (int i = 0; i < b->nb; i++)
		v[i] = t->cnt[i] / (len / b->nb);
	return from_samples(point, v, b->nb);
}
