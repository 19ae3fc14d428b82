/*
** Exponential variates by the ziggurat method (Marsaglia and Tsang, "The
** Ziggurat Method for Generating Random Variables", J. Stat. Software
** 5(8), 2000): exact in distribution, like gsl_ran_exponential, but
** without a logarithm for all but a few draws in a thousand.
*/
#ifndef HVSIM_ZEXP_H
#define HVSIM_ZEXP_H

#include "sim/engine/mt.h"

/* An exponential variate of mean 1 from r (two of r's numbers per try,
** the same ones gsl_rng_get and gsl_rng_uniform would give). */
double zexp(struct mt19937 *r);

#endif
