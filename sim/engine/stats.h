/*
** Output statistics of one run: tallies of observations and time
** integrals, with 95% confidence intervals by the method of batch means
** (Law & Kelton, "Simulation Modeling and Analysis", 3rd ed., 9.5.3).
**
** The measured interval [t0, t1) (after warm-up) is cut into B equal
** batches by time.  A tally keeps, per batch, the count and sum of the
** observations completed in it; the point estimate is the overall ratio
** sum/count and the interval is mean +- t_{B-1,0.975} * s / sqrt(B) over
** the B batch means (for a rate, over the B batch counts / batch length).
** With B = 20 batches long against the correlation time, the batch means
** are nearly independent and nearly normal.
*/
#ifndef HVSIM_STATS_H
#define HVSIM_STATS_H

#include <stdint.h>

#define STATS_MAX_BATCHES 1000

struct batches {
	int64_t t0, t1;   /* measured interval, ns */
	int nb;           /* number of batches */
};

struct tally {
	const struct batches *b;
	double *sum;      /* per batch */
	double *cnt;      /* per batch */
	double tot_sum, tot_sq, tot_cnt, min, max;
};

struct ci {
	double mean, lo, hi;   /* lo = hi = mean when undefined */
	int ok;                /* 0 when fewer than 2 non-empty batches */
};

int tally_init(struct tally *t, const struct batches *b);
void tally_free(struct tally *t);
/* Observation x completed at time now (ignored outside [t0, t1)). */
void tally_add(struct tally *t, int64_t now, double x);
/* Mean of the observations, CI over batch means. */
struct ci tally_mean(const struct tally *t);
/* Observations per second of simulated time, CI over batch rates. */
struct ci tally_rate(const struct tally *t);

/* 1 when time t lies in the measured interval [b->t0, b->t1). */
static inline int stats_measured(const struct batches *b, int64_t t)
{
	return t >= b->t0 && t < b->t1;
}

/* Length of [a, b) inside [t0, t1). */
static inline int64_t stats_overlap(int64_t a, int64_t b, int64_t t0, int64_t t1)
{
	int64_t lo = a > t0 ? a : t0, hi = b < t1 ? b : t1;
	return hi > lo ? hi - lo : 0;
}

/* 95% half-width for n samples with the given mean and sample sd. */
double stats_t95(int n);

#endif
