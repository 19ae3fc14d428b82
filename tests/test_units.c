/*
** Tests for sim/engine/units.c: every unit kind with exact results, every error
** class with its "expected" text, rounding and int64 boundaries of times,
** locale independence and units_fmt_time round trips.
*/
#include "tests/cutest.h"
#include "sim/engine/units.h"

#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tcase {
	const char *s;
	int64_t ns;
};

struct rcase {
	const char *s;
	double x;
};

typedef int (*real_fn)(const char *, double *, const char **);

/* Sentinel: a failed parse must leave the output alone. */
#define UNTOUCHED (-12345.0)

static void check_time_ok(const struct tcase *c)
{
	int64_t ns = -1;
	const char *why = NULL;
	int rc = units_time(c->s, &ns, &why);

	if (rc != 0 || ns != c->ns)
		fprintf(stderr, "\n  units_time(\"%s\") = %d, %" PRId64 " (want %" PRId64 ")",
			c->s, rc, ns, c->ns);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(ns, c->ns);
}

/* Fails, leaves *ns alone and sets a why beginning with want. */
static void check_time_bad(const char *s, const char *want)
{
	int64_t ns = 77;
	const char *why = NULL;
	int rc = units_time(s, &ns, &why);

	if (rc != -1 || !why || strncmp(why, want, strlen(want)) != 0)
		fprintf(stderr, "\n  units_time(\"%s\") = %d, why \"%s\" (want \"%s...\")",
			s ? s : "(null)", rc, why ? why : "(null)", want);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(ns, 77);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_EQUAL(strncmp(why, want, strlen(want)), 0);
}

static void check_real_ok(real_fn fn, const char *name, const struct rcase *c)
{
	double x = UNTOUCHED;
	const char *why = NULL;
	int rc = fn(c->s, &x, &why);

	/* Exact equality: every expected value is the correctly rounded
	** double of the decimal quantity. */
	if (rc != 0 || x != c->x)
		fprintf(stderr, "\n  %s(\"%s\") = %d, %.17g (want %.17g)", name, c->s,
			rc, x, c->x);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT(x == c->x);
}

static void check_real_bad(real_fn fn, const char *name, const char *s,
			   const char *want)
{
	double x = UNTOUCHED;
	const char *why = NULL;
	int rc = fn(s, &x, &why);

	if (rc != -1 || !why || strncmp(why, want, strlen(want)) != 0)
		fprintf(stderr, "\n  %s(\"%s\") = %d, why \"%s\" (want \"%s...\")", name,
			s ? s : "(null)", rc, why ? why : "(null)", want);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT(x == UNTOUCHED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_EQUAL(strncmp(why, want, strlen(want)), 0);
}

#define N(a) (sizeof(a) / sizeof(a[0]))

static void test_time_units(void)
{
	static const struct tcase c[] = {
		{ "30ms", 30000000 },
		{ "1.5s", 1500000000 },
		{ "100us", 100000 },
		{ "250ns", 250 },
		{ "2min", 120000000000 },
		{ "1h", 3600000000000 },
		{ "0.1h", 360000000000 },
		{ "0.5min", 30000000000 },
		{ "0ms", 0 },
		{ "0h", 0 },
		{ " \t30ms\n ", 30000000 },
		{ "+5s", 5000000000 },
		{ ".5s", 500000000 },
		{ "5.s", 5000000000 },
		{ "1e3ns", 1000 },
		{ "1E3ns", 1000 },
		{ "1.5e-3s", 1500000 },
		{ "2e+2us", 200000 },
		{ "0.000001s", 1000 },
		{ "000000000000000000000000000042ns", 42 },
		{ "0e999999999999999999h", 0 },
		{ "1e-999999999999s", 0 },
	};
	size_t i;

	for (i = 0; i < N(c); i++)
		check_time_ok(&c[i]);
}

/* Decimal rounding to the nearest ns, ties up, with no binary error. */
static void test_time_rounding(void)
{
	static const struct tcase c[] = {
		{ "0.5ns", 1 },
		{ "0.49ns", 0 },
		{ "0.4999999999999999999999999999999ns", 0 },
		{ "0.5000000000000000000000000000001ns", 1 },
		{ "1.0000000005s", 1000000001 },
		{ "1.0000000004999s", 1000000000 },
		{ "0.0000000001s", 0 },
		{ "0.1234567891s", 123456789 },
		/* 1/3 min = 20 s; the digits fall short by 2e-12 ns. */
		{ "0.3333333333333333333333min", 20000000000 },
		/* 0.123456789012345 h = 444444440444.442 ns */
		{ "0.123456789012345h", 444444440444 },
		/* 0.0000000000000125 h = 0.045 ns; 0.00000000000013889 h = 0.500004 ns */
		{ "0.0000000000000125h", 0 },
		{ "0.00000000000013889h", 1 },
		{ "0.00000000000013888h", 0 },
		/* 1/72 min = 0.8333.. s: 0.0138888889 min = 833333334 ns */
		{ "0.0138888889min", 833333334 },
		/* Ties through the factors 6 and 36: 1.5 ns and 4.5 ns. */
		{ "0.000000000025min", 2 },
		{ "0.00000000000125h", 5 },
		{ "0.000000000024999min", 1 },
		{ "1.00000000000000000000000000000000000000000000000001ns", 1 },
		{ "0.00000000000000000000000000000000000000000000000001ns", 0 },
		/* Beyond 2^53 ns a double would lose the last digits. */
		{ "9007199.254740993s", 9007199254740993 },
		{ "123456789.123456789s", 123456789123456789 },
	};
	size_t i;

	for (i = 0; i < N(c); i++)
		check_time_ok(&c[i]);
}

static void test_time_limits(void)
{
	static const struct tcase c[] = {
		{ "9223372036854775807ns", INT64_MAX },
		{ "9223372036854775.807us", INT64_MAX },
		{ "9223372036.854775807s", INT64_MAX },
		{ "9223372036.8547758074s", INT64_MAX },
		{ "9.223372036854775807e18ns", INT64_MAX },
		{ "2562047h", INT64_C(9223369200000000000) },
		{ "153722867min", INT64_C(9223372020000000000) },
		{ "0.922337203685477580700e19ns", INT64_MAX },
	};
	static const char *big[] = {
		"9223372036854775808ns",
		"9223372036.8547758075s",
		"9223372036.854775808s",
		"2562048h",
		"153722868min",
		"1e19ns",
		"10000000000000000000000000ns",
		"1e999999999999999999999s",
		"99999999999999999999999999999999999999h",
	};
	size_t i;

	for (i = 0; i < N(c); i++)
		check_time_ok(&c[i]);
	for (i = 0; i < N(big); i++)
		check_time_bad(big[i], "a time below");
}

static void test_time_errors(void)
{
	static const char *unit[] = {
		"30", "0", "1.5", "30 ms", "30Ms", "30MS", "30mS", "1S", "1H", "2m",
		"2Min", "30sec", "30secs", "30mss", "30ms2", "30ms!", "1.5.s",
		"30\xc2\xb5s", "30msec", "1e", "1e+s", "1e-", "0x10ns", "0x1p3s",
		"1,5s", "1_000ns", "30ms ms", "1s1",
	};
	static const char *bad[] = {
		"", "   ", "ms", "s", "abc", ".s", "..5s", "--1s", "+-1s", "-+1s",
		"infs", "inf", "nan", "NaNs", "infinity", "e5s", ".e5s", "+s",
	};
	static const char *neg[] = { "-30ms", "-0s", "-1e-9999s", " -1h" };
	size_t i;

	for (i = 0; i < N(unit); i++)
		check_time_bad(unit[i], "a time with a unit");
	for (i = 0; i < N(bad); i++)
		check_time_bad(bad[i], "a time such as 30ms");
	check_time_bad(NULL, "a time such as 30ms");
	for (i = 0; i < N(neg); i++)
		check_time_bad(neg[i], "a non-negative time");

	/* why may be NULL; the output pointer is required. */
	int64_t ns = 5;
	CU_ASSERT_EQUAL(units_time("x", &ns, NULL), -1);
	CU_ASSERT_EQUAL(units_time("1s", &ns, NULL), 0);
	CU_ASSERT_EQUAL(ns, NS_PER_S);
	CU_ASSERT_EQUAL(units_time("1s", NULL, NULL), -1);
}

static void test_bytes(void)
{
	static const struct rcase ok[] = {
		{ "1.5GiB", 1610612736.0 },
		{ "16GB", 16e9 },
		{ "512KiB", 524288.0 },
		{ "64B", 64.0 },
		{ "1KB", 1000.0 },
		{ "1MB", 1e6 },
		{ "1MiB", 1048576.0 },
		{ "1TB", 1e12 },
		{ "2TiB", 2199023255552.0 },
		{ "0.1GB", 1e8 },
		{ "0.3MB", 3e5 },
		{ "1e3B", 1000.0 },
		{ "0B", 0.0 },
		{ "4GiB", 4294967296.0 },
		{ "\t8KiB ", 8192.0 },
		/* Folded into the exponent: one rounding, not 1.1 * 1e12. */
		{ "1.1TB", 1.1e12 },
	};
	static const char *unit[] = {
		"1Gb", "1gb", "1gB", "1kB", "1kb", "1GIB", "1Gib", "1G", "1Gi",
		"1", "1 GiB", "1GiBs", "1B/s", "1bytes", "1PB",
	};
	size_t i;

	for (i = 0; i < N(ok); i++)
		check_real_ok(units_bytes, "units_bytes", &ok[i]);
	for (i = 0; i < N(unit); i++)
		check_real_bad(units_bytes, "units_bytes", unit[i], "a byte size with a unit");
	check_real_bad(units_bytes, "units_bytes", "", "a byte size such as");
	check_real_bad(units_bytes, "units_bytes", "GiB", "a byte size such as");
	check_real_bad(units_bytes, "units_bytes", "-1B", "a non-negative byte size");
	check_real_bad(units_bytes, "units_bytes", "1e400B", "a finite byte size");
	/* Finite as a number, infinite once multiplied by 2^40. */
	check_real_bad(units_bytes, "units_bytes", "1e308TiB", "a finite byte size");
	check_real_bad(units_bytes, "units_bytes", "1e300TB", "a finite byte size");
}

static void test_frequency(void)
{
	static const struct rcase ok[] = {
		{ "2GHz", 2e9 },
		{ "800MHz", 8e8 },
		{ "1.2e9Hz", 1.2e9 },
		{ "2.4GHz", 2.4e9 },
		{ "3.3GHz", 3.3e9 },
		{ "100kHz", 1e5 },
		{ "0.5Hz", 0.5 },
	};
	static const char *unit[] = {
		"2Ghz", "2GHZ", "2ghz", "2G", "2GHz/s", "2", "2 GHz", "1KHz", "1hz",
	};
	size_t i;

	for (i = 0; i < N(ok); i++)
		check_real_ok(units_frequency, "units_frequency", &ok[i]);
	for (i = 0; i < N(unit); i++)
		check_real_bad(units_frequency, "units_frequency", unit[i],
			       "a frequency with a unit");
	check_real_bad(units_frequency, "units_frequency", "-2GHz", "a non-negative frequency");
	check_real_bad(units_frequency, "units_frequency", "GHz", "a frequency such as");
	check_real_bad(units_frequency, "units_frequency", "1e400Hz", "a finite frequency");
}

static void test_bitrate(void)
{
	static const struct rcase ok[] = {
		{ "1Gbit/s", 1.25e8 },
		{ "100Mbit/s", 1.25e7 },
		{ "125MB/s", 1.25e8 },
		{ "1GiB/s", 1073741824.0 },
		{ "8bit/s", 1.0 },
		{ "1bit/s", 0.125 },
		{ "1kbit/s", 125.0 },
		{ "10Tbit/s", 1.25e12 },
		{ "3B/s", 3.0 },
		{ "2KiB/s", 2048.0 },
	};
	static const char *unit[] = {
		"1Gbps", "1Gb/s", "1GB", "1Gbit", "1Gbit/ s", "1Gbits/s", "1gbit/s",
		"1Kbit/s", "1GBit/s", "1Gbit/S", "1",
	};
	size_t i;

	for (i = 0; i < N(ok); i++)
		check_real_ok(units_bitrate, "units_bitrate", &ok[i]);
	for (i = 0; i < N(unit); i++)
		check_real_bad(units_bitrate, "units_bitrate", unit[i], "a bitrate with a unit");
	check_real_bad(units_bitrate, "units_bitrate", "-1Gbit/s", "a non-negative bitrate");
	check_real_bad(units_bitrate, "units_bitrate", "1e400B/s", "a finite bitrate");
}

static void test_rate(void)
{
	static const struct rcase ok[] = {
		{ "0.8/s", 0.8 },
		{ "120/min", 2.0 },
		{ "5/ms", 5000.0 },
		{ "3/h", 3.0 / 3600.0 },
		{ "7200/h", 2.0 },
		{ "1/us", 1e6 },
		{ "2/ns", 2e9 },
		{ "0/s", 0.0 },
	};
	static const char *unit[] = {
		"5", "5/sec", "5/S", "5 /s", "5/ s", "5/m", "5s", "5/Ms", "5per s", "5//s",
	};
	size_t i;

	for (i = 0; i < N(ok); i++)
		check_real_ok(units_rate, "units_rate", &ok[i]);
	for (i = 0; i < N(unit); i++)
		check_real_bad(units_rate, "units_rate", unit[i], "a rate with a unit");
	check_real_bad(units_rate, "units_rate", "/s", "a rate such as");
	check_real_bad(units_rate, "units_rate", "-1/s", "a non-negative rate");
	check_real_bad(units_rate, "units_rate", "1e306/ns", "a finite rate");
}

static void test_cycles(void)
{
	static const struct rcase ok[] = {
		{ "3300cycles", 3300.0 },
		{ "2.5Gcycles", 2.5e9 },
		{ "1kcycles", 1000.0 },
		{ "3Mcycles", 3e6 },
		{ "1.5Tcycles", 1.5e12 },
	};
	static const char *unit[] = {
		"1cycle", "1kcycle", "1Kcycles", "1Cycles", "1cycles/s", "1 cycles",
		"1gcycles", "1", "1c",
	};
	size_t i;

	for (i = 0; i < N(ok); i++)
		check_real_ok(units_cycles, "units_cycles", &ok[i]);
	for (i = 0; i < N(unit); i++)
		check_real_bad(units_cycles, "units_cycles", unit[i], "a cycle count with a unit");
	check_real_bad(units_cycles, "units_cycles", "-1cycles", "a non-negative cycle count");
}

static void test_number(void)
{
	static const struct rcase ok[] = {
		{ "0.5", 0.5 },
		{ "1e-3", 1e-3 },
		{ "42", 42.0 },
		{ "-3.5", -3.5 },
		{ "-1e-3", -1e-3 },
		{ "+7", 7.0 },
		{ " 7 ", 7.0 },
		{ "0.1", 0.1 },
		{ "1.7976931348623157e308", 1.7976931348623157e308 },
		{ "4.9406564584124654e-324", 4.9406564584124654e-324 },
		{ "1e-400", 0.0 },
		/* A halfway case: 2^53 + 1 rounds to even, 2^53 + 1 + tiny up. */
		{ "9007199254740993", 9007199254740992.0 },
		{ "9007199254740993.0000000000000000000000000000001", 9007199254740994.0 },
	};
	static const char *bad[] = {
		"", " ", "inf", "-inf", "INF", "nan", "NAN", "infinity", ".", "-", "+",
		"e3", "-.e1",
	};
	static const char *unit[] = {
		"1ms", "0x1A", "0X1a", "1,5", "1_000", "1.5.2", "1e", "1e+", "1 2",
		"1%", "1.0f", "5L",
	};
	size_t i;

	for (i = 0; i < N(ok); i++)
		check_real_ok(units_number, "units_number", &ok[i]);
	for (i = 0; i < N(bad); i++)
		check_real_bad(units_number, "units_number", bad[i], "a number such as");
	for (i = 0; i < N(unit); i++)
		check_real_bad(units_number, "units_number", unit[i], "a plain number");
	check_real_bad(units_number, "units_number", "1e400", "a finite number");
	check_real_bad(units_number, "units_number", "-1e400", "a finite number");
	check_real_bad(units_number, "units_number", "1e99999999999999999999", "a finite number");
}

/* More digits than strtod is given: the sticky digit must still round
** a value just above a halfway point up. */
static void test_number_long(void)
{
	char buf[2100];
	double x = 0;
	int rc;

	/* 2^53 + 1, then 1000 zeros, then a 1: just above the midpoint. */
	strcpy(buf, "9007199254740993.");
	memset(buf + strlen(buf), '0', 1000);
	strcpy(buf + 17 + 1000, "1");
	rc = units_number(buf, &x, NULL);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT(x == 9007199254740994.0);

	/* Exactly the midpoint with 1000 trailing zeros: ties to even. */
	buf[17 + 1000] = 0;
	rc = units_number(buf, &x, NULL);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT(x == 9007199254740992.0);

	/* 2000 leading zeros do not count as digits. */
	memset(buf, '0', 2000);
	strcpy(buf + 2000, "25e-2");
	rc = units_number(buf, &x, NULL);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT(x == 0.25);
}

static void test_fraction(void)
{
	static const struct rcase ok[] = {
		{ "0.25", 0.25 },
		{ "25%", 0.25 },
		{ "0%", 0.0 },
		{ "100%", 1.0 },
		{ "1", 1.0 },
		{ "0", 0.0 },
		{ "12.5%", 0.125 },
		{ "0.1%", 0.001 },
		{ "33%", 0.33 },
		{ " 50% ", 0.5 },
		{ "1e1%", 0.1 },
	};
	static const char *range[] = {
		"150%", "1.01", "100.0000001%", "2", "1e400%", "-5%", "-0.1", "-0",
	};
	static const char *unit[] = { "25 %", "25%%", "0.25%x", "0.5s", "25pct" };
	size_t i;

	for (i = 0; i < N(ok); i++)
		check_real_ok(units_fraction, "units_fraction", &ok[i]);
	for (i = 0; i < N(range); i++)
		check_real_bad(units_fraction, "units_fraction", range[i],
			       "a fraction between 0 and 1");
	for (i = 0; i < N(unit); i++)
		check_real_bad(units_fraction, "units_fraction", unit[i], "a fraction such as");
	check_real_bad(units_fraction, "units_fraction", "%", "a fraction such as");
	check_real_bad(units_fraction, "units_fraction", "", "a fraction such as");
}

static void test_int(void)
{
	static const struct { const char *s; int x; } ok[] = {
		{ "0", 0 }, { "42", 42 }, { " 7 ", 7 }, { "+3", 3 }, { "007", 7 },
		{ "2147483647", INT_MAX },
	};
	static const char *bad[] = {
		"", " ", "1.0", "1e3", "0x10", "4cpus", "4 4", "+", "-", "1.", ".5", "inf",
	};
	size_t i;
	const char *why;
	int x;

	for (i = 0; i < N(ok); i++) {
		x = -1;
		CU_ASSERT_EQUAL(units_int(ok[i].s, &x, NULL), 0);
		CU_ASSERT_EQUAL(x, ok[i].x);
	}
	for (i = 0; i < N(bad); i++) {
		x = -7;
		why = NULL;
		CU_ASSERT_EQUAL(units_int(bad[i], &x, &why), -1);
		CU_ASSERT_EQUAL(x, -7);
		CU_ASSERT_PTR_NOT_NULL(why);
		if (why)
			CU_ASSERT_EQUAL(strncmp(why, "a whole number such as", 22), 0);
	}
	static const char *big[] = {
		"2147483648", "99999999999999999999999999", "4294967296",
	};
	for (i = 0; i < N(big); i++) {
		x = -7;
		why = NULL;
		CU_ASSERT_EQUAL(units_int(big[i], &x, &why), -1);
		CU_ASSERT_EQUAL(x, -7);
		CU_ASSERT_PTR_NOT_NULL_FATAL(why);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "no larger than 2147483647"));
	}
	why = NULL;
	CU_ASSERT_EQUAL(units_int("-1", &x, &why), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "non-negative"));
	CU_ASSERT_EQUAL(units_int(NULL, &x, &why), -1);
}

/* Seeds: digits after a '+' at most, every value below 2^64; what
** strtoull alone would take (a blank, a sign it negates, 2^64 as
** ULLONG_MAX with ERANGE) is refused, *x untouched. */
static void test_u64(void)
{
	static const struct {
		const char *s;
		uint64_t v;
	} ok[] = { { "0", 0 }, { "7", 7 }, { "+7", 7 }, { "007", 7 },
		   { "18446744073709551615", UINT64_MAX } };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		uint64_t x = 1;
		CU_ASSERT_EQUAL(units_u64(ok[i].s, &x, NULL), 0);
		CU_ASSERT_EQUAL(x, ok[i].v);
	}
	static const char *bad[] = { "", "+", "-1", " -1", " 7", "7 ", "++7", "1e3", "0x10",
				     "18446744073709551616", "99999999999999999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint64_t x = 42;
		const char *why = NULL;
		CU_ASSERT_EQUAL(units_u64(bad[i], &x, &why), -1);
		CU_ASSERT_EQUAL(x, 42);
		CU_ASSERT_PTR_EQUAL(why, units_u64_why);
	}
	CU_ASSERT_EQUAL(units_u64(NULL, NULL, NULL), -1);
}

/* The error texts read after "expected" and differ by error class. */
static void test_why_texts(void)
{
	const char *w1 = NULL, *w2 = NULL, *w3 = NULL, *w4 = NULL;
	int64_t ns;

	CU_ASSERT_EQUAL(units_time("x", &ns, &w1), -1);
	CU_ASSERT_EQUAL(units_time("30", &ns, &w2), -1);
	CU_ASSERT_EQUAL(units_time("-30ms", &ns, &w3), -1);
	CU_ASSERT_EQUAL(units_time("1e30s", &ns, &w4), -1);
	CU_ASSERT_STRING_EQUAL(w1, "a time such as 30ms, 1.5s, 100us");
	CU_ASSERT_PTR_NOT_NULL(strstr(w2, "ns, us, ms, s, min or h"));
	CU_ASSERT(w1 != w2 && w1 != w3 && w1 != w4 && w2 != w3 && w3 != w4);

	double x;
	CU_ASSERT_EQUAL(units_bytes("lots", &x, &w1), -1);
	CU_ASSERT_STRING_EQUAL(w1, "a byte size such as 1.5GiB or 512MB");
}

/*
** A locale with a decimal comma must change nothing.  Skipped (with a
** note) when no such locale is installed.
*/
static void test_locale(void)
{
	static const char *names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8", "fr_FR.utf8",
		"nl_NL.UTF-8", "ru_RU.UTF-8",
	};
	const char *got = NULL;
	size_t i;

	for (i = 0; i < N(names) && !got; i++)
		if (setlocale(LC_NUMERIC, names[i]) &&
		    strcmp(localeconv()->decimal_point, ",") == 0)
			got = names[i];
	if (!got) {
		setlocale(LC_NUMERIC, "C");
		fprintf(stderr, "\n  (no decimal-comma locale installed; skipped)");
		return;
	}
	/* The locale is really active: strtod stops at the '.'. */
	CU_ASSERT(strtod("1.5", NULL) == 1.0);

	double x = 0;
	int64_t ns = 0;
	CU_ASSERT_EQUAL(units_number("1.5", &x, NULL), 0);
	CU_ASSERT(x == 1.5);
	CU_ASSERT_EQUAL(units_number("1,5", &x, NULL), -1);
	CU_ASSERT_EQUAL(units_bytes("1.5GiB", &x, NULL), 0);
	CU_ASSERT(x == 1610612736.0);
	CU_ASSERT_EQUAL(units_frequency("2.4GHz", &x, NULL), 0);
	CU_ASSERT(x == 2.4e9);
	CU_ASSERT_EQUAL(units_fraction("12.5%", &x, NULL), 0);
	CU_ASSERT(x == 0.125);
	CU_ASSERT_EQUAL(units_time("1.5s", &ns, NULL), 0);
	CU_ASSERT_EQUAL(ns, 1500000000);
	CU_ASSERT_EQUAL(units_time("1,5s", &ns, NULL), -1);
	setlocale(LC_NUMERIC, "C");
}

static void test_fmt_time(void)
{
	static const struct { int64_t ns; const char *s; } c[] = {
		{ 30000000, "30ms" },
		{ 1500000000, "1500ms" },
		{ 1000000000, "1s" },
		{ 3600000000000, "1h" },
		{ 7200000000000, "2h" },
		{ 5400000000000, "90min" },
		{ 120000000000, "2min" },
		{ 61000000000, "61s" },
		{ 0, "0s" },
		{ 1, "1ns" },
		{ 1001, "1001ns" },
		{ 2000, "2us" },
		{ 250, "250ns" },
		{ INT64_MAX, "9223372036854775807ns" },
		{ INT64_C(9223369200000000000), "2562047h" },
		{ -30000000, "-30ms" },
		{ INT64_MIN, "-9223372036854775808ns" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < N(c); i++) {
		CU_ASSERT_PTR_EQUAL(units_fmt_time(c[i].ns, buf, sizeof(buf)), buf);
		if (strcmp(buf, c[i].s) != 0)
			fprintf(stderr, "\n  units_fmt_time(%" PRId64 ") = \"%s\" (want \"%s\")",
				c[i].ns, buf, c[i].s);
		CU_ASSERT_STRING_EQUAL(buf, c[i].s);
	}

	/* A short buffer truncates but stays terminated. */
	memset(buf, 'x', sizeof(buf));
	units_fmt_time(30000000, buf, 3);
	CU_ASSERT_STRING_EQUAL(buf, "30");
	CU_ASSERT_EQUAL(buf[3], 'x');
	CU_ASSERT_PTR_NULL(units_fmt_time(1, NULL, 0));
}

/* fmt then parse gives back the same time, for every unit. */
static void test_fmt_roundtrip(void)
{
	static const int64_t scale[] = {
		1, NS_PER_US, NS_PER_MS, NS_PER_S, 60 * NS_PER_S, 3600 * NS_PER_S,
	};
	uint64_t seed = 0x9e3779b97f4a7c15u;
	char buf[32];
	int64_t back;
	int i, bad = 0;

	for (i = 0; i < 60000; i++) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		int64_t ns = (int64_t)(seed >> 1);
		if (i % 3)
			ns = (ns % (INT64_MAX / scale[i % 6])) * scale[i % 6];
		if (i % 5 == 0)
			ns %= 100000;
		units_fmt_time(ns, buf, sizeof(buf));
		if (units_time(buf, &back, NULL) != 0 || back != ns) {
			if (bad++ < 5)
				fprintf(stderr, "\n  %" PRId64 " -> \"%s\" -> %" PRId64, ns, buf, back);
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "time units", test_time_units },
		{ "time rounding", test_time_rounding },
		{ "time int64 limits", test_time_limits },
		{ "time errors", test_time_errors },
		{ "bytes", test_bytes },
		{ "frequency", test_frequency },
		{ "bitrate", test_bitrate },
		{ "rate", test_rate },
		{ "cycles", test_cycles },
		{ "number", test_number },
		{ "number with many digits", test_number_long },
		{ "fraction", test_fraction },
		{ "int", test_int },
		{ "u64 (seeds)", test_u64 },
		{ "why texts", test_why_texts },
		{ "decimal-comma locale", test_locale },
		{ "fmt_time", test_fmt_time },
		{ "fmt_time round trip", test_fmt_roundtrip },
		{ NULL, NULL },
	};

	cut_suite("units", t);
}
