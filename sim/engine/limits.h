/*
** What the engine can represent and what a scenario may ask of it
** (docs/limits.md).  Simulated time is int64 nanoseconds: a run ends at
** most at LIM_TIME, and a delay computed on the hot path saturates at
** LIM_DELAY, so "now + delay" never overflows (LIM_TIME + LIM_DELAY is
** far below INT64_MAX) and an event is never scheduled in the past.
** Every quantity of a scenario or trace that becomes a time, a rate or a
** count is checked against these at load (sim/scenario/scenario.c, traces/,
** the workload builders), with a file:line: error naming the attribute.
*/
#ifndef HVSIM_LIMITS_H
#define HVSIM_LIMITS_H

#include <stdint.h>

/* The longest time anywhere (a run, a think time, a trace): 1e8 s, about
** 3.2 years, in ns. */
#define LIM_TIME_S 100000000
#define LIM_TIME (INT64_C(100000000) * INT64_C(1000000000))
#define LIM_TIME_TEXT "100000000s (about 3.2 years)"

/* A delay drawn or computed during a run saturates here (an exponential
** draw can be ~40 times its mean). */
#define LIM_DELAY (INT64_MAX / 4)

/* Open arrivals: a mean gap between LIM_TIME and 1 ns (faster rates give
** gaps that round to 0 ns: time would stand still). */
#define LIM_RATE_MIN (1.0 / LIM_TIME_S)
#define LIM_RATE_MAX 1e9
/* Arrivals one open workload or looped replay may bring over a run
** (rate x duration): more would run for hours and hold a queue of jobs
** that grows without bound. */
#define LIM_ARRIVALS 1e9
#define LIM_ARRIVALS_TEXT "1e9"

/* Replay speed-up of a request trace. */
#define LIM_SPEED_MIN 1e-6
#define LIM_SPEED_MAX 1e6

/* A machine's clock; a byte rate (NIC, disk, a SPECweb user's line); a
** disk's spindle speed (0: no rotational delay). */
#define LIM_FREQ_MIN 1e6
#define LIM_FREQ_MAX 1e12
#define LIM_BYTERATE_MIN 1.0
#define LIM_BYTERATE_MAX 1e15
#define LIM_RPM_MAX 1e6

/* ns (a double) as a delay: rounded to nearest, NaN and negatives 0,
** saturated at LIM_DELAY. */
static inline int64_t lim_delay(double ns)
{
	if (!(ns > 0))
		return 0;
	if (ns >= (double)LIM_DELAY)
		return LIM_DELAY;
	return (int64_t)(ns + 0.5);
}

/* a + b for a, b >= 0, saturated at INT64_MAX. */
static inline int64_t lim_add(int64_t a, int64_t b)
{
	return b > INT64_MAX - a ? INT64_MAX : a + b;
}

#endif
