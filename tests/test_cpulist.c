/*
** CPU lists (sim/engine/cpulist.h): the one reader of <vm pin> and of a
** thread model's cpus column.
*/
#include "tests/cutest.h"
#include "sim/engine/cpulist.h"
#include <stdio.h>
#include <string.h>

/* The ranges of s below limit as "a-b;" text, then "end" or "bad". */
static void ranges(const char *s, long limit, char *out, size_t n)
{
	long a, b;
	int r;
	size_t k = 0;
	out[0] = 0;
	while ((r = cpulist_next(&s, limit, &a, &b)) == 1 && k < n)
		k += (size_t)snprintf(out + k, n - k, "%ld-%ld;", a, b);
	if (k < n)
		snprintf(out + k, n - k, "%s", r == 0 ? "end" : "bad");
}

static void test_good(void)
{
	static const struct { const char *in, *want; } c[] = {
		{ "0", "0-0;end" },
		{ "0-3,6", "0-3;6-6;end" },
		{ "7,2,2-2", "7-7;2-2;2-2;end" },
		{ "0-7", "0-7;end" },
		{ "007", "7-7;end" },   /* leading zeros: Linux's own reader takes them */
		{ "", "end" },          /* no range: cpulist_ok refuses it */
	};
	char got[256];
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		ranges(c[i].in, 8, got, sizeof got);
		if (strcmp(got, c[i].want))
			printf("\n'%s': %s, expected %s", c[i].in, got, c[i].want);
		CU_ASSERT_STRING_EQUAL(got, c[i].want);
	}
	CU_ASSERT_TRUE(cpulist_ok("0-3,6", 8));
	CU_ASSERT_TRUE(cpulist_ok("4095", 4096));
}

/* What strtol alone would take, or what a list cannot be. */
static void test_bad(void)
{
	static const char *const bad[] = {
		"", ",", "0,", ",0", "0,,1", "3-1", "+1", "-1", " 1", "1 ", "0- 3", "0 -3", "0-", "0-+3",
		"0--3", "1-2-3", "a", "0x1", "8", "0-8", "99999999999999999999999", "0;1", "0.5",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (cpulist_ok(bad[i], 8))
			printf("\n'%s' taken", bad[i]);
		CU_ASSERT_FALSE(cpulist_ok(bad[i], 8));
	}
	/* the ranges before the fault are given, then -1, the position kept */
	const char *s = "1,x", *at;
	long a, b;
	CU_ASSERT_EQUAL(cpulist_next(&s, 8, &a, &b), 1);
	at = s;
	CU_ASSERT_EQUAL(cpulist_next(&s, 8, &a, &b), -1);
	CU_ASSERT_PTR_EQUAL(s, at);
}

void tests_register(void)
{
	static const struct cut_test tests[] = {
		{ "lists and their ranges", test_good },
		{ "what a list cannot be", test_bad },
		{ NULL, NULL },
	};
	cut_suite("cpulist", tests);
}
