/*
** Distributions of times and work amounts (see dist.h); GSL draws the
** exponential variates (gsl_ran_exponential, inversion).
*/
#include "sim/scenario/dist.h"
#include "sim/engine/limits.h"

#include <gsl/gsl_randist.h>

double dist_sample(const struct scn_dist *d, gsl_rng *r, int *cursor)
{
	switch (d->kind) {
	case DIST_EXPONENTIAL:
		return gsl_ran_exponential(r, d->mean);
	case DIST_DETERMINISTIC:
		return d->mean;
	case DIST_GIVEN: {
		double v = d->values[*cursor];
		*cursor = (*cursor + 1) % d->nvalues;
		return v;
	}
	}
	return 0;
}

int64_t dist_sample_ns(const struct scn_dist *d, gsl_rng *r, int *cursor)
{
	return lim_delay(dist_sample(d, r, cursor));
}

int64_t dist_exp_ns(gsl_rng *r, double mean_ns)
{
	return lim_delay(gsl_ran_exponential(r, mean_ns));
}

double dist_mean(const struct scn_dist *d)
{
	if (d->kind != DIST_GIVEN)
		return d->mean;
	double s = 0;
	for (int i = 0; i < d->nvalues; i++)
		s += d->values[i];
	return d->nvalues ? s / d->nvalues : 0;
}

double dist_scv(const struct scn_dist *d)
{
	if (d->kind == DIST_EXPONENTIAL)
		return 1;
	if (d->kind == DIST_DETERMINISTIC || d->nvalues < 2)
		return 0;
	double m = dist_mean(d), v = 0;
	for (int i = 0; i < d->nvalues; i++)
		v += (d->values[i] - m) * (d->values[i] - m);
	v /= d->nvalues;
	return m > 0 ? v / (m * m) : 0;
}

const char *dist_name(const struct scn_dist *d)
{
	return d->kind == DIST_EXPONENTIAL ? "exponential"
	       : d->kind == DIST_DETERMINISTIC ? "deterministic" : "given";
}
