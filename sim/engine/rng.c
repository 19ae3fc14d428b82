/*
** Random-number streams derived from the scenario seed (see rng.h).
** splitmix64: Steele, Lea, Flood, "Fast splittable pseudorandom number
** generators", OOPSLA 2014; FNV-1a: Fowler, Noll, Vo hash, 64-bit.
*/
#include "sim/engine/rng.h"

#include <string.h>

static uint64_t splitmix64(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

uint64_t rng_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

uint64_t rng_derive(uint64_t seed, const char *purpose, uint64_t index)
{
	return splitmix64(splitmix64(seed) ^ rng_fnv1a(RNG_FNV_BASIS, purpose, strlen(purpose))
			  ^ (index * UINT64_C(0x9e3779b97f4a7c15)));
}

gsl_rng *rng_stream(uint64_t seed, const char *purpose, uint64_t index)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (r)
		gsl_rng_set(r, (unsigned long)rng_derive(seed, purpose, index));
	return r;
}
