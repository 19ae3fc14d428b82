/*
** Parse and format quantities with units (scenario XML values).
**
** A number is [+-] digits [. digits] [e|E [+-] digits], with at least one
** digit in the mantissa.  Nothing else is a number: no hex, inf, nan,
** locale decimal comma or digit grouping.  The unit follows the number
** directly ("30 ms" is refused) and matches one of the spellings below
** exactly, case included: "Ms" is not "ms", "Gb" is not "GB".
**
** Times are converted exactly in decimal: ns = round(value * unit) with
** ties rounded up, checked against INT64_MAX, so "9223372036.854775807s"
** is INT64_MAX and a digit more overflows.  Other quantities become
** doubles: the unit's power of ten is folded into the decimal exponent
** and the digits go to strtod without a decimal point ("1.5GB" is read
** as "15e8"), which gives one correctly rounded conversion that no
** locale can change; binary factors (KiB, bit/s) are exact, and only
** /min and /h rates round a second time.
**
** On error *why is set (if why is not NULL) and the output is untouched.
*/
#include "sim/engine/units.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decimal exponents are saturated here: with the digit limit below,
** anything beyond is 0 or infinite anyway. */
#define EXP_CLAMP 100000000L

/* Significant digits handed to strtod.  Midpoints between doubles need
** at most 767, so 800 digits plus a sticky digit for the rest decide
** the rounding exactly as the full string would. */
#define DIGMAX 800

/* Texts printed after "expected": bad syntax, missing or unknown unit,
** a negative value, a value too large (or out of range for fractions). */
struct why_texts {
	const char *bad;
	const char *unit;
	const char *neg;
	const char *big;
};

/* value = digits * 10^p10 * mul / div */
struct unit {
	const char *name;
	int p10;
	double mul;
	double div;
};

struct kind {
	const struct unit *units;
	size_t nunits;
	int signed_ok;
	struct why_texts why;
};

/* A scanned number: mantissa digits (a '.' may sit among them) and a
** decimal exponent. */
struct dec {
	int neg;
	const char *m;		/* first mantissa character */
	size_t nint, nfrac;	/* digits before and after the point */
	long exp;		/* exponent, saturated at +-EXP_CLAMP */
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* isspace() would follow the locale. */
static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static int fail(const char **why, const char *text)
{
	if (why)
		*why = text;
	return -1;
}

/* Digit i of the mantissa, counting from 0 and skipping the point. */
static int digit_at(const struct dec *d, size_t i)
{
	return d->m[i < d->nint ? i : i + 1] - '0';
}

/*
** Scan a number at p; return the first character after it, or NULL when
** there is no mantissa digit.  An 'e' not followed by digits is left for
** the unit ("1e" is the number 1 with unit "e"), so it fails as a unit.
*/
static const char *scan_dec(const char *p, struct dec *d)
{
	d->neg = 0;
	if (*p == '+' || *p == '-')
		d->neg = *p++ == '-';
	d->m = p;
	d->nint = d->nfrac = 0;
	while (is_digit(*p)) {
		p++;
		d->nint++;
	}
	if (*p == '.') {
		p++;
		while (is_digit(*p)) {
			p++;
			d->nfrac++;
		}
	}
	if (d->nint + d->nfrac == 0)
		return NULL;

	d->exp = 0;
	if (*p == 'e' || *p == 'E') {
		const char *q = p + 1;
		int eneg = 0;

		if (*q == '+' || *q == '-')
			eneg = *q++ == '-';
		if (is_digit(*q)) {
			long e = 0;

			for (; is_digit(*q); q++)
				if (e < EXP_CLAMP)
					e = e * 10 + (*q - '0');
			if (e > EXP_CLAMP)
				e = EXP_CLAMP;
			d->exp = eneg ? -e : e;
			p = q;
		}
	}
	return p;
}

/*
** Split s into number and unit: *u and *ulen get the unit text between
** the number and the trailing whitespace.  Returns -1 when there is no
** number at the start.
*/
static int split(const char *s, struct dec *d, const char **u, size_t *ulen)
{
	const char *p, *end;

	if (!s)
		return -1;
	while (is_space(*s))
		s++;
	p = scan_dec(s, d);
	if (!p)
		return -1;
	end = p + strlen(p);
	while (end > p && is_space(end[-1]))
		end--;
	*u = p;
	*ulen = (size_t)(end - p);
	return 0;
}

static int name_is(const char *name, const char *u, size_t ulen)
{
	return strlen(name) == ulen && memcmp(name, u, ulen) == 0;
}

/* d * 10^p10 as a double (magnitude only). */
static double dec_to_double(const struct dec *d, int p10)
{
	char buf[DIGMAX + 32];
	size_t n = d->nint + d->nfrac, i = 0, k = 0;
	long long shift;

	while (i < n && digit_at(d, i) == 0)
		i++;
	if (i == n)
		return 0.0;

	/* value = (digits i..n-1) * 10^shift */
	shift = (long long)d->exp - (long long)d->nfrac + p10;
	for (; i < n && k < DIGMAX; i++)
		buf[k++] = (char)('0' + digit_at(d, i));
	if (i < n) {
		int sticky = 0;

		shift += (long long)(n - i) - 1;
		for (; i < n && !sticky; i++)
			sticky = digit_at(d, i) != 0;
		buf[k++] = sticky ? '1' : '0';
	}
	if (shift > 999999)
		shift = 999999;
	if (shift < -999999)
		shift = -999999;
	snprintf(buf + k, sizeof(buf) - k, "e%lld", shift);
	return strtod(buf, NULL);
}

static int parse_real(const char *s, const struct kind *k, double *out,
		      const char **why)
{
	const struct unit *un = NULL;
	struct dec d;
	const char *u;
	size_t ulen, i;
	double x;

	if (!out || split(s, &d, &u, &ulen) < 0)
		return fail(why, k->why.bad);
	for (i = 0; i < k->nunits; i++)
		if (name_is(k->units[i].name, u, ulen)) {
			un = &k->units[i];
			break;
		}
	if (!un)
		return fail(why, k->why.unit);
	if (d.neg && !k->signed_ok)
		return fail(why, k->why.neg);

	x = dec_to_double(&d, un->p10) * un->mul / un->div;
	if (isinf(x))
		return fail(why, k->why.big);
	*out = d.neg ? -x : x;
	return 0;
}

#define KIB 1024.0
#define MIB (KIB * KIB)
#define GIB (MIB * KIB)
#define TIB (GIB * KIB)

static const struct unit bytes_units[] = {
	{ "B", 0, 1, 1 },
	{ "KB", 3, 1, 1 }, { "MB", 6, 1, 1 }, { "GB", 9, 1, 1 }, { "TB", 12, 1, 1 },
	{ "KiB", 0, KIB, 1 }, { "MiB", 0, MIB, 1 }, { "GiB", 0, GIB, 1 },
	{ "TiB", 0, TIB, 1 },
};

static const struct unit freq_units[] = {
	{ "Hz", 0, 1, 1 }, { "kHz", 3, 1, 1 }, { "MHz", 6, 1, 1 },
	{ "GHz", 9, 1, 1 },
};

/* Bits are divided by 8: bytes per second come out. */
static const struct unit bitrate_units[] = {
	{ "bit/s", 0, 1, 8 }, { "kbit/s", 3, 1, 8 }, { "Mbit/s", 6, 1, 8 },
	{ "Gbit/s", 9, 1, 8 }, { "Tbit/s", 12, 1, 8 },
	{ "B/s", 0, 1, 1 },
	{ "KB/s", 3, 1, 1 }, { "MB/s", 6, 1, 1 }, { "GB/s", 9, 1, 1 },
	{ "TB/s", 12, 1, 1 },
	{ "KiB/s", 0, KIB, 1 }, { "MiB/s", 0, MIB, 1 }, { "GiB/s", 0, GIB, 1 },
	{ "TiB/s", 0, TIB, 1 },
};

/* n per unit of time = n * (units per second) per second. */
static const struct unit rate_units[] = {
	{ "/ns", 9, 1, 1 }, { "/us", 6, 1, 1 }, { "/ms", 3, 1, 1 },
	{ "/s", 0, 1, 1 }, { "/min", 0, 1, 60 }, { "/h", 0, 1, 3600 },
};

static const struct unit cycles_units[] = {
	{ "cycles", 0, 1, 1 }, { "kcycles", 3, 1, 1 }, { "Mcycles", 6, 1, 1 },
	{ "Gcycles", 9, 1, 1 }, { "Tcycles", 12, 1, 1 },
};

static const struct unit number_units[] = { { "", 0, 1, 1 } };

static const struct unit fraction_units[] = {
	{ "", 0, 1, 1 }, { "%", -2, 1, 1 },
};

#define UNITS(a) a, sizeof(a) / sizeof(a[0])

static const struct kind k_bytes = { UNITS(bytes_units), 0, {
	"a byte size such as 1.5GiB or 512MB",
	"a byte size with a unit: B, KB, MB, GB, TB, KiB, MiB, GiB or TiB",
	"a non-negative byte size such as 512MB",
	"a finite byte size such as 512MB",
} };

static const struct kind k_freq = { UNITS(freq_units), 0, {
	"a frequency such as 2GHz or 800MHz",
	"a frequency with a unit: Hz, kHz, MHz or GHz",
	"a non-negative frequency such as 2GHz",
	"a finite frequency such as 2GHz",
} };

static const struct kind k_bitrate = { UNITS(bitrate_units), 0, {
	"a bitrate such as 1Gbit/s or 125MB/s",
	"a bitrate with a unit such as bit/s, Mbit/s, Gbit/s, MB/s or GiB/s",
	"a non-negative bitrate such as 1Gbit/s",
	"a finite bitrate such as 1Gbit/s",
} };

static const struct kind k_rate = { UNITS(rate_units), 0, {
	"a rate such as 0.8/s or 120/min",
	"a rate with a unit: /ns, /us, /ms, /s, /min or /h",
	"a non-negative rate such as 0.8/s",
	"a finite rate such as 0.8/s",
} };

static const struct kind k_cycles = { UNITS(cycles_units), 0, {
	"a cycle count such as 3300cycles or 2.5Gcycles",
	"a cycle count with a unit: cycles, kcycles, Mcycles, Gcycles or Tcycles",
	"a non-negative cycle count such as 3300cycles",
	"a finite cycle count such as 2.5Gcycles",
} };

static const struct kind k_number = { UNITS(number_units), 1, {
	"a number such as 0.5, 42 or 1e-3",
	"a plain number without a unit, such as 0.5 or 1e-3",
	"a number such as 0.5",
	"a finite number such as 1e-3",
} };

static const struct kind k_fraction = { UNITS(fraction_units), 0, {
	"a fraction such as 0.25 or 25%",
	"a fraction such as 0.25 or 25% (no other unit)",
	"a fraction between 0 and 1, such as 0.25 or 25%",
	"a fraction between 0 and 1, such as 0.25 or 25%",
} };

int units_bytes(const char *s, double *bytes, const char **why)
{
	return parse_real(s, &k_bytes, bytes, why);
}

int units_frequency(const char *s, double *hz, const char **why)
{
	return parse_real(s, &k_freq, hz, why);
}

int units_bitrate(const char *s, double *bytes_per_s, const char **why)
{
	return parse_real(s, &k_bitrate, bytes_per_s, why);
}

int units_rate(const char *s, double *per_s, const char **why)
{
	return parse_real(s, &k_rate, per_s, why);
}

int units_cycles(const char *s, double *cycles, const char **why)
{
	return parse_real(s, &k_cycles, cycles, why);
}

int units_number(const char *s, double *x, const char **why)
{
	return parse_real(s, &k_number, x, why);
}

int units_fraction(const char *s, double *x, const char **why)
{
	double v;

	if (!x)
		return fail(why, k_fraction.why.bad);
	if (parse_real(s, &k_fraction, &v, why) < 0)
		return -1;
	if (v > 1.0)
		return fail(why, k_fraction.why.big);
	*x = v;
	return 0;
}

/* One time unit is mul * 10^p10 nanoseconds. */
struct time_unit {
	const char *name;
	unsigned mul;
	int p10;
};

static const struct time_unit time_units[] = {
	{ "ns", 1, 0 }, { "us", 1, 3 }, { "ms", 1, 6 }, { "s", 1, 9 },
	{ "min", 6, 10 }, { "h", 36, 11 },
};

const char units_u64_why[] = "a non-negative integer below 2^64";
const char units_time_big[] = "a time below 2^63 ns (about 292 years)";

static const struct why_texts time_why = {
	"a time such as 30ms, 1.5s, 100us",
	"a time with a unit: ns, us, ms, s, min or h",
	"a non-negative time such as 30ms",
	units_time_big,
};

/*
** ns = round(D * 10^shift * mul) for the digit string D, done exactly.
** With the point placed pt digits into D, D * 10^shift = I + G where I
** is the integer part and G in [0, 1) the fraction, so
**
**	ns = mul * I + round(mul * G),  round(y) = floor((floor(2y) + 1) / 2)
**
** (ties up; floor(y / 2) = floor(floor(y) / 2) for real y).  floor(2 mul G)
** is the carry out of multiplying G's digits by 2 mul <= 72 from the
** right, so no digit is ever lost.  Returns -1 on overflow.
*/
static int dec_to_ns(const struct dec *d, const struct time_unit *tu, int64_t *ns)
{
	long long n = (long long)(d->nint + d->nfrac);
	long long pt = (long long)d->nint + d->exp + tu->p10;
	long long f = 0, i;
	uint64_t ip = 0, carry = 0, r;

	while (f < n && digit_at(d, (size_t)f) == 0)
		f++;
	if (f == n) {
		*ns = 0;
		return 0;
	}
	/* The integer part has pt - f digits, the first one non-zero. */
	if (pt - f > 19)
		return -1;
	for (i = f; i < pt; i++)
		ip = ip * 10 + (uint64_t)(i < n ? digit_at(d, (size_t)i) : 0);

	for (i = n - 1; i >= pt && i >= f; i--)
		carry = (carry + 2u * tu->mul * (uint64_t)digit_at(d, (size_t)i)) / 10;
	/* Leading zeros of G between the point and digit f. */
	for (i = pt; i < f && carry; i++)
		carry /= 10;
	r = (carry + 1) / 2;

	if (ip > ((uint64_t)INT64_MAX - r) / tu->mul)
		return -1;
	*ns = (int64_t)(ip * tu->mul + r);
	return 0;
}

int units_time(const char *s, int64_t *ns, const char **why)
{
	const struct time_unit *tu = NULL;
	struct dec d;
	const char *u;
	size_t ulen, i;
	int64_t v;

	if (!ns || split(s, &d, &u, &ulen) < 0)
		return fail(why, time_why.bad);
	for (i = 0; i < sizeof(time_units) / sizeof(time_units[0]); i++)
		if (name_is(time_units[i].name, u, ulen)) {
			tu = &time_units[i];
			break;
		}
	if (!tu)
		return fail(why, time_why.unit);
	if (d.neg)
		return fail(why, time_why.neg);
	if (dec_to_ns(&d, tu, &v) < 0)
		return fail(why, time_why.big);
	*ns = v;
	return 0;
}

int units_int(const char *s, int *x, const char **why)
{
	static const struct why_texts w = {
		"a whole number such as 4",
		"a whole number such as 4, without a unit",
		"a non-negative whole number such as 4",
		"a whole number no larger than 2147483647",
	};
	long long v = 0;
	int neg = 0, any = 0;

	if (!s || !x)
		return fail(why, w.bad);
	while (is_space(*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; is_digit(*s); s++, any = 1)
		if (v <= INT_MAX)
			v = v * 10 + (*s - '0');
	if (!any)
		return fail(why, w.bad);
	while (is_space(*s))
		s++;
	if (*s)
		return fail(why, w.bad);
	if (neg)
		return fail(why, w.neg);
	if (v > INT_MAX)
		return fail(why, w.big);
	*x = (int)v;
	return 0;
}

int units_u64(const char *s, uint64_t *x, const char **why)
{
	uint64_t v = 0;
	if (!s || !x)
		return fail(why, units_u64_why);
	if (*s == '+')
		s++;
	if (!is_digit(*s))
		return fail(why, units_u64_why);
	for (; is_digit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return fail(why, units_u64_why);
		v = v * 10 + d;
	}
	if (*s)
		return fail(why, units_u64_why);
	*x = v;
	return 0;
}

char *units_fmt_time(int64_t ns, char *buf, unsigned len)
{
	static const struct {
		const char *name;
		int64_t ns;
	} u[] = {
		{ "h", 3600 * NS_PER_S }, { "min", 60 * NS_PER_S },
		{ "s", NS_PER_S }, { "ms", NS_PER_MS }, { "us", NS_PER_US },
		{ "ns", 1 },
	};
	size_t i;

	if (!buf || !len)
		return buf;
	/* Every unit divides 0; seconds read best. */
	if (ns == 0) {
		snprintf(buf, len, "0s");
		return buf;
	}
	/* the last unit (1 ns) always divides */
	for (i = 0; i + 1 < sizeof(u) / sizeof(u[0]); i++)
		if (ns % u[i].ns == 0)
			break;
	snprintf(buf, len, "%" PRId64 "%s", ns / u[i].ns, u[i].name);
	return buf;
}
