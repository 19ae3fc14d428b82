/*
** Event-queue benchmark: the classic "hold model" (pop the earliest
** event, push one new event at now + a random increment), which keeps
** the number of pending events constant and exercises push and pop at a
** steady size.  Measured with 1,000 and 100,000 pending events.
**
** The increments (exponential, mean 1 ms in ns) are drawn once into a
** table and cycled, so the timing is of the queue, not of the RNG.  The
** popped times are summed into a printed checksum so the loop
** cannot be optimised away.
*/
#include "sim/engine/evq.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#define NINC     (1u << 20)     /* power of two: cycling is a mask */
#define MEAN_NS  1e6            /* 1 ms */
#define MIN_WALL 0.5            /* seconds of timed hold operations */
#define BATCH    (1u << 18)     /* hold operations between clock reads */
#define BUDGET   15e6           /* events/s at 1,000 pending */

static int64_t inc[NINC];

static void handler(void *ctx, void *obj, uint64_t arg)
{
	(void)ctx;
	(void)obj;
	(void)arg;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Run the hold model with `pending` events; returns events/s and adds
** the popped times to *sink. */
static double hold(size_t pending, uint64_t *sink)
{
	struct evq q;
	struct evq_event ev;
	uint64_t sum = 0, ops = 0;
	uint32_t k = 0;
	double t0, el;

	if (evq_init(&q, pending, NULL)) {
		fprintf(stderr, "bench_evq: evq_init: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < pending; i++)
		if (evq_push(&q, inc[k++ & (NINC - 1)], handler, NULL, i) == EVQ_NONE) {
			fprintf(stderr, "bench_evq: evq_push: out of memory\n");
			exit(1);
		}
	/* One untimed batch settles the heap shape and warms the caches. */
	for (uint32_t i = 0; i < BATCH; i++) {
		evq_pop(&q, &ev);
		evq_push(&q, ev.time + inc[k++ & (NINC - 1)], ev.fn, ev.obj, ev.arg);
	}

	t0 = now_s();
	do {
		for (uint32_t i = 0; i < BATCH; i++) {
			evq_pop(&q, &ev);
			sum += (uint64_t)ev.time;
			evq_push(&q, ev.time + inc[k++ & (NINC - 1)], ev.fn, ev.obj, ev.arg);
		}
		ops += BATCH;
		el = now_s() - t0;
	} while (el < MIN_WALL);

	if (evq_size(&q) != pending || q.popped != ops + BATCH) {
		fprintf(stderr, "bench_evq: queue lost events\n");
		exit(1);
	}
	evq_free(&q);
	*sink += sum;
	return (double)ops / el;
}

int main(void)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct rusage ru;
	uint64_t sink = 0;
	double r1k, r100k;

	gsl_rng_set(r, 12345);
	for (uint32_t i = 0; i < NINC; i++)
		inc[i] = (int64_t)gsl_ran_exponential(r, MEAN_NS);
	gsl_rng_free(r);

	r1k = hold(1000, &sink);
	r100k = hold(100000, &sink);
	getrusage(RUSAGE_SELF, &ru);

	printf("evq hold model: increments precomputed (%u exponential draws, mean 1 ms, cycled), so the queue is timed, not the RNG\n",
	       NINC);
	printf("evq hold model,   1000 pending: %4.1f M events/s (budget >= %.0f M)\n",
	       r1k / 1e6, BUDGET / 1e6);
	printf("evq hold model, 100000 pending: %4.1f M events/s\n", r100k / 1e6);
	printf("evq peak RSS: %.1f MiB (checksum %llu)\n", ru.ru_maxrss / 1024.0,
	       (unsigned long long)(sink % 1000003));
	return 0;
}
