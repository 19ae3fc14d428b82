/*
** Tests for sim/engine/mt.c: the streams are GSL's gsl_rng_mt19937 ones,
** number for number and uniform for uniform, for several seeds (0, the
** default 4357, seeds above 32 bits as rng_derive makes them), across
** many twists.
*/
#include "tests/cutest.h"
#include "sim/engine/mt.h"
#include "sim/engine/rng.h"

#include <gsl/gsl_rng.h>

static void check_seed(unsigned long seed, int n)
{
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	gsl_rng_set(g, seed);
	struct mt19937 m;
	mt_seed(&m, seed);
	int same = 1;
	for (int i = 0; i < n; i++) {
		/* interleave the two kinds of draw, as zexp does */
		if (i % 3 == 2)
			same &= mt_uniform(&m) == gsl_rng_uniform(g);
		else
			same &= mt_get(&m) == gsl_rng_get(g);
	}
	CU_ASSERT(same);
	gsl_rng_free(g);
}

static void test_same_as_gsl(void)
{
	int n = cut_slow() ? 2000000 : 100000;
	check_seed(0, n);
	check_seed(1, n);
	check_seed(4357, n);
	check_seed(12345, n);
	check_seed(0xffffffffUL, n);
	check_seed((unsigned long)rng_derive(1, "vm:web1:lock", 0), n);
	check_seed((unsigned long)rng_derive(42, "vm:web10:lock", 0), n);
}

void tests_register(void)
{
	static const struct cut_test tests[] = {
		{ "streams equal gsl_rng_mt19937's", test_same_as_gsl },
		{ NULL, NULL },
	};
	cut_suite("mt", tests);
}
