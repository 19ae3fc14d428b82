/*
** Random-number streams: one GSL generator per purpose, each seeded from
** the scenario seed and the purpose's name, so that adding a VM or a
** workload never shifts another one's random numbers.
**
** seed_i = splitmix64(seed ^ fnv1a64(purpose) ^ index * golden) — a
** well-mixed 64-bit value; GSL's MT19937 takes its low 32 bits, so two
** purposes collide with probability ~2^-32 per pair.
*/
#ifndef HVSIM_RNG_H
#define HVSIM_RNG_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

/* The seed for purpose (e.g. "workload:jobs:arrivals") and index. */
uint64_t rng_derive(uint64_t seed, const char *purpose, uint64_t index);

/* A new MT19937 stream seeded by rng_derive; NULL on allocation failure.
** The caller frees it with gsl_rng_free (the world does for its own). */
gsl_rng *rng_stream(uint64_t seed, const char *purpose, uint64_t index);

/* 64-bit FNV-1a of n bytes at p, continuing from h (RNG_FNV_BASIS to
** start): the hash of rng_derive's purposes, also used for keys. */
#define RNG_FNV_BASIS UINT64_C(0xcbf29ce484222325)
uint64_t rng_fnv1a(uint64_t h, const void *p, size_t n);

#endif
