/*
** CSV fields and exact decimal seconds for the trace files (see csv.h).
*/
#include "traces/csv.h"

#include <inttypes.h>
#include <string.h>

/* Half of int64 ns, so that a start plus a duration cannot overflow. */
#define MAX_SECONDS INT64_C(4200000000)

int trace_csv_split(char *line, char **field, int max, const char **why)
{
	int n = 0;
	char *p = line;

	for (;;) {
		char *start = p;
		if (*p == '"') {
			/* Unquote in place: w trails p. */
			char *w = p;
			p++;
			for (;;) {
				if (!*p) {
					*why = "expected a closing quote";
					return -1;
				}
				if (*p == '"') {
					if (p[1] == '"') {
						*w++ = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				*w++ = *p++;
			}
			if (*p && *p != ',') {
				*why = "expected ',' after a closing quote";
				return -1;
			}
			char sep = *p;
			*w = 0;
			if (n < max)
				field[n] = start;
			n++;
			if (!sep)
				return n;
			p++;
			continue;
		}
		while (*p && *p != ',')
			p++;
		char sep = *p;
		*p = 0;
		if (n < max)
			field[n] = start;
		n++;
		if (!sep)
			return n;
		p++;
	}
}

void trace_csv_put(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int trace_csv_seconds(const char *s, int64_t *ns, const char **why)
{
	static const char expect[] =
		"expected a non-negative number of seconds with at most 9 decimals, such as 0.25";
	int64_t sec = 0, frac = 0;
	int digits = 0, fdigits = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		sec = sec * 10 + (*p - '0');
		if (sec > MAX_SECONDS) {
			*why = "expected at most 4.2e9 seconds";
			return -1;
		}
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, fdigits++) {
			if (fdigits == 9) {
				*why = expect;
				return -1;
			}
			frac = frac * 10 + (*p - '0');
		}
		if (!fdigits) {
			*why = expect;
			return -1;
		}
	}
	if (*p || !digits) {
		*why = expect;
		return -1;
	}
	for (int i = fdigits; i < 9; i++)
		frac *= 10;
	*ns = sec * INT64_C(1000000000) + frac;
	return 0;
}

char *trace_csv_fmt_seconds(int64_t ns, char *buf, size_t len)
{
	const char *sign = "";
	uint64_t u = (uint64_t)ns;
	if (ns < 0) {
		sign = "-";
		u = 0 - u;
	}
	uint64_t sec = u / 1000000000u, frac = u % 1000000000u;
	if (!frac) {
		snprintf(buf, len, "%s%" PRIu64, sign, sec);
		return buf;
	}
	int w = 9;
	while (frac % 10 == 0) {
		frac /= 10;
		w--;
	}
	snprintf(buf, len, "%s%" PRIu64 ".%0*" PRIu64, sign, sec, w, frac);
	return buf;
}

int trace_csv_int(const char *s, int64_t max, int64_t *v)
{
	int64_t x = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		int d = *s - '0';
		if (x > max / 10 || x * 10 > max - d)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}
