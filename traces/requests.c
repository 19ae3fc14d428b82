/*
** Request traces, "hvsim request trace v1": writer and checked reader
** (see requests.h; the format is documented in docs/traces.md).
*/
#include "traces/requests.h"
#include "traces/csv.h"
#include "traces/textio.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define NCOL 7

int trace_method_ok(const char *s)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";
	size_t n = 0;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		int alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
		if (!alnum && !strchr(extra, c))
			return 0;
	}
	return n >= 1 && n <= TRACE_METHOD_MAX;
}

int trace_url_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f || *s == '"')
			return 0;
	return 1;
}

int trace_requests_push(struct trace_requests *t, const struct trace_request *r)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct trace_request *nr = realloc(t->r, cap * sizeof *nr);
		if (!nr)
			return -ENOMEM;
		t->r = nr;
		t->cap = cap;
	}
	size_t ul = strlen(r->url), pl = strlen(r->page);
	char *s = malloc(ul + pl + 2);
	if (!s)
		return -ENOMEM;
	memcpy(s, r->url, ul + 1);
	memcpy(s + ul + 1, r->page, pl + 1);
	struct trace_request *d = &t->r[t->n++];
	*d = *r;
	d->url = s;
	d->page = s + ul + 1;
	return 0;
}

void trace_requests_free(struct trace_requests *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->r[i].url);
	free(t->r);
	memset(t, 0, sizeof *t);
}

int trace_requests_write(FILE *f, const struct trace_requests *t, const char *comment)
{
	char b[32];
	fputs("# hvsim request trace v1\n", f);
	if (comment)
		fprintf(f, "# %s\n", comment);
	fputs(TRACE_REQUESTS_HEADER "\n", f);
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_request *r = &t->r[i];
		fprintf(f, "%s,%s,", trace_csv_fmt_seconds(r->t_ns, b, sizeof b), r->method);
		trace_csv_put(f, r->url);
		fprintf(f, ",%d,%" PRId64 ",", r->status, r->bytes);
		trace_csv_put(f, r->page);
		fputc(',', f);
		if (r->cpu_ns >= 0)
			fputs(trace_csv_fmt_seconds(r->cpu_ns, b, sizeof b), f);
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

/* Check one row; report into d.  0 with *r filled, or -1. */
static int parse_row(char **c, const char *path, int line, struct diag *d, struct trace_request *r)
{
	char g[80];
	const char *why;
	int64_t v;
	int bad = 0;

	memset(r, 0, sizeof *r);
	r->line = line;
	if (trace_csv_seconds(c[0], &r->t_ns, &why)) {
		diag_error(d, path, line, "time_s: %s, got %s", why,
			   trace_show(c[0], strlen(c[0]), g, sizeof g));
		bad = 1;
	}
	if (!trace_method_ok(c[1])) {
		diag_error(d, path, line,
			   "method: expected an HTTP method such as GET (a token of at most %d characters), got %s",
			   TRACE_METHOD_MAX, trace_show(c[1], strlen(c[1]), g, sizeof g));
		bad = 1;
	} else {
		strcpy(r->method, c[1]);
	}
	if (!trace_url_ok(c[2])) {
		diag_error(d, path, line,
			   "url: expected a URL of printable ASCII without spaces or quotes (others percent-encoded), got %s",
			   trace_show(c[2], strlen(c[2]), g, sizeof g));
		bad = 1;
	}
	if (trace_csv_int(c[3], 599, &v) || v < 100) {
		diag_error(d, path, line, "status: expected an HTTP status from 100 to 599, got %s",
			   trace_show(c[3], strlen(c[3]), g, sizeof g));
		bad = 1;
	} else {
		r->status = (int)v;
	}
	if (trace_csv_int(c[4], INT64_MAX / 2, &r->bytes)) {
		diag_error(d, path, line, "bytes: expected a non-negative integer, got %s",
			   trace_show(c[4], strlen(c[4]), g, sizeof g));
		bad = 1;
	}
	if (!trace_url_ok(c[5])) {
		diag_error(d, path, line,
			   "page: expected a URL path of printable ASCII without spaces or quotes, got %s",
			   trace_show(c[5], strlen(c[5]), g, sizeof g));
		bad = 1;
	}
	r->cpu_ns = -1;
	if (*c[6] && trace_csv_seconds(c[6], &r->cpu_ns, &why)) {
		diag_error(d, path, line, "cpu_demand_s: %s or empty, got %s", why,
			   trace_show(c[6], strlen(c[6]), g, sizeof g));
		bad = 1;
	}
	r->url = c[2];
	r->page = c[5];
	return bad ? -1 : 0;
}

int trace_requests_load(const char *path, struct diag *d, struct trace_requests *t)
{
	struct trace_lines in;
	char *line, g[80];
	size_t len;
	int rc, errs = diag_count(d), header = 0, prev_line = 0;
	int64_t prev_t = 0;

	memset(t, 0, sizeof *t);
	FILE *f = fopen(path, "r");
	if (!f) {
		diag_error(d, path, 0, "cannot open: %s", strerror(errno));
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
			if (strcmp(line, TRACE_REQUESTS_HEADER)) {
				diag_error(d, path, ln, "expected the header '%s', got %s",
					   TRACE_REQUESTS_HEADER, trace_show(line, len, g, sizeof g));
				break;
			}
			header = 1;
			continue;
		}
		char *c[NCOL];
		const char *why;
		int n = trace_csv_split(line, c, NCOL, &why);
		if (n < 0) {
			diag_error(d, path, ln, "%s", why);
			continue;
		}
		if (n != NCOL) {
			diag_error(d, path, ln, "expected %d fields (%s), got %d", NCOL,
				   TRACE_REQUESTS_HEADER, n);
			continue;
		}
		struct trace_request r;
		if (parse_row(c, path, ln, d, &r))
			continue;
		if (prev_line && r.t_ns < prev_t) {
			char b1[32], b2[32];
			diag_error(d, path, ln, "time_s: expected a time at or after %s (line %d), got %s",
				   trace_csv_fmt_seconds(prev_t, b1, sizeof b1), prev_line,
				   trace_csv_fmt_seconds(r.t_ns, b2, sizeof b2));
			continue;
		}
		prev_t = r.t_ns;
		prev_line = ln;
		if (trace_requests_push(t, &r)) {
			rc = -ENOMEM;
			break;
		}
	}
	if (rc == -EIO)
		diag_error(d, path, 0, "read error");
	else if (rc == 0 && !header)
		diag_error(d, path, in.lineno, "expected the header '%s', got end of file",
			   TRACE_REQUESTS_HEADER);
	else if (rc == 0 && diag_count(d) == errs && t->n == 0)
		diag_error(d, path, in.lineno, "expected at least one request, got none");
	trace_lines_free(&in);
	fclose(f);
	if (rc == -ENOMEM) {
		trace_requests_free(t);
		return -ENOMEM;
	}
	if (diag_count(d) > errs) {
		trace_requests_free(t);
		return -EINVAL;
	}
	return 0;
}
