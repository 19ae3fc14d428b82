/*
** MT19937 (Matsumoto and Nishimura, "Mersenne Twister: a 623-dimensionally
** equidistributed uniform pseudo-random number generator", ACM TOMACS
** 8(1), 1998), seeded and drawn exactly as GSL's gsl_rng_mt19937: the same
** seed gives the same 32-bit numbers and the same uniforms.  For the hot
** draws (the guest lock phases, models/vm.c): a draw is an inline array
** read and tempering instead of two calls through gsl_rng's function
** pointers.  tests/test_mt.c checks the streams against GSL's.
*/
#ifndef HVSIM_MT_H
#define HVSIM_MT_H

#include <stdint.h>

#define MT_N 624

struct mt19937 {
	uint32_t s[MT_N];   /* the state words */
	int i;              /* next word to temper; MT_N: regenerate first */
};

/* Seed as gsl_rng_set(r, seed) does for gsl_rng_mt19937 (0 means 4357). */
void mt_seed(struct mt19937 *m, unsigned long seed);

/* Regenerate all MT_N state words (the twist); resets m->i to 0. */
void mt_twist(struct mt19937 *m);

/* The next 32-bit number: gsl_rng_get. */
static inline uint32_t mt_get(struct mt19937 *m)
{
	if (m->i >= MT_N)
		mt_twist(m);
	uint32_t y = m->s[m->i++];
	y ^= y >> 11;
	y ^= (y << 7) & UINT32_C(0x9d2c5680);
	y ^= (y << 15) & UINT32_C(0xefc60000);
	return y ^ (y >> 18);
}

/* Uniform on [0, 1): gsl_rng_uniform (the number over 2^32). */
static inline double mt_uniform(struct mt19937 *m)
{
	return mt_get(m) / 4294967296.0;
}

#endif
