/*
** Sampling the scenario's distributions (exponential, deterministic,
** given values cycled in order) from a GSL stream.
*/
#ifndef HVSIM_DIST_H
#define HVSIM_DIST_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "sim/scenario/scenario.h"

/* *cursor indexes a given list (start at 0); unused otherwise. */
double dist_sample(const struct scn_dist *d, gsl_rng *r, int *cursor);
/* A sample of a distribution of times, as a delay in ns: rounded,
** saturated at LIM_DELAY (sim/engine/limits.h), so now + the delay never
** overflows whatever the distribution's tail. */
int64_t dist_sample_ns(const struct scn_dist *d, gsl_rng *r, int *cursor);
/* An exponential delay of mean mean_ns, saturated in the same way. */
int64_t dist_exp_ns(gsl_rng *r, double mean_ns);
/* Mean of the distribution. */
double dist_mean(const struct scn_dist *d);
/* Squared coefficient of variation (exponential 1, deterministic 0). */
double dist_scv(const struct scn_dist *d);
const char *dist_name(const struct scn_dist *d);

#endif
