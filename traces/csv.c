/*
** CSV fields, exact decimal seconds and the checked file reader for the
** trace files (see csv.h).
*/
#include "traces/csv.h"
#include "sim/engine/diag.h"
#include "sim/engine/infile.h"
#include "sim/engine/limits.h"
#include "traces/textio.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

/* Half of int64 ns, so that a start plus a duration cannot overflow. */
#define MAX_SECONDS INT64_C(4200000000)

int trace_csv_split(char *line, char **field, int max, const char **why)
{
	int col;
	size_t off;
	return trace_csv_split_at(line, field, max, why, &col, &off);
}

int trace_csv_split_at(char *line, char **field, int max, const char **why, int *col, size_t *off)
{
	int n = 0;
	char *p = line;

	for (;;) {
		char *start = p, *end;
		/* unquoting only shortens fields before start: its offset holds */
		*col = n;
		*off = (size_t)(start - line);
		if (*p == '"') {
			/* Unquote in place: end trails p. */
			end = p++;
			for (;;) {
				if (!*p) {
					*why = "expected a closing quote";
					return -1;
				}
				if (*p == '"') {
					if (p[1] == '"') {
						*end++ = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				*end++ = *p++;
			}
			if (*p && *p != ',') {
				*why = "expected ',' after a closing quote";
				return -1;
			}
		} else {
			while (*p && *p != ',')
				p++;
			end = p;
		}
		/* p is at the separator; read it before end (maybe p) ends the field. */
		char sep = *p;
		*end = 0;
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

int trace_time_max(int64_t ns, const char **why)
{
	if (ns <= LIM_TIME)
		return 0;
	*why = "expected at most 100000000 seconds (about 3.2 years, the longest run)";
	return -1;
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

int trace_csv_read(const char *path, const struct trace_csv_format *fmt, void *ctx,
		   struct diag *d)
{
	struct trace_lines in;
	char *line, g[80];
	size_t len;
	int rc, errs = diag_count(d), header = 0, prev_line = 0, kept = 0;
	int64_t prev_t = 0;

	assert(fmt->ncol <= TRACE_CSV_MAXCOL);
	char bad[200];
	FILE *f = infile_open(path, bad, sizeof bad);
	if (!f) {
		diag_error(d, path, 0, "%s", bad);
		return -ENOENT;
	}
	trace_lines_init(&in, f);
	while ((rc = trace_lines_next(&in, &line, &len)) > 0) {
		int ln = in.lineno;
		if (in.has_nul) {
			diag_error(d, path, ln, "expected text, got a NUL byte at column %d", in.nul_col);
			continue;
		}
		if (line[0] == '#' || trace_blank(line))
			continue;
		if (!header) {
			if (strcmp(line, fmt->header)) {
				diag_error(d, path, ln, "expected the header '%s', got %s",
					   fmt->header, trace_show(line, len, g, sizeof g));
				break;
			}
			header = 1;
			continue;
		}
		char *c[TRACE_CSV_MAXCOL];
		const char *why;
		int n = trace_csv_split(line, c, fmt->ncol, &why);
		if (n < 0) {
			diag_error(d, path, ln, "%s", why);
			continue;
		}
		if (n != fmt->ncol) {
			diag_error(d, path, ln, "expected %d fields (%s), got %d", fmt->ncol,
				   fmt->header, n);
			continue;
		}
		int64_t t;
		if (fmt->parse(ctx, c, path, ln, d, &t))
			continue;
		if (prev_line && t < prev_t) {
			char b1[32], b2[32];
			diag_error(d, path, ln, "%s: expected a time at or after %s (line %d), got %s",
				   fmt->time_col, trace_csv_fmt_seconds(prev_t, b1, sizeof b1), prev_line,
				   trace_csv_fmt_seconds(t, b2, sizeof b2));
			continue;
		}
		prev_t = t;
		prev_line = ln;
		if (fmt->keep(ctx, c)) {
			rc = -ENOMEM;
			break;
		}
		kept++;
	}
	if (rc == -EIO)
		diag_error(d, path, 0, "cannot read: %s", strerror(in.err ? in.err : EIO));
	else if (rc == 0 && !header)
		diag_error(d, path, in.lineno, "expected the header '%s', got end of file", fmt->header);
	else if (rc == 0 && diag_count(d) == errs && kept == 0)
		diag_error(d, path, in.lineno, "expected at least one %s, got none", fmt->row_name);
	if (rc >= 0 && fmt->end && fmt->end(ctx, path, d))
		rc = -ENOMEM;
	trace_lines_free(&in);
	fclose(f);
	if (rc == -ENOMEM)
		return -ENOMEM;
	return diag_count(d) > errs ? -EINVAL : 0;
}
