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

/* What trace_requests_load hands trace_csv_read as ctx. */
struct req_load {
	struct trace_requests *t;
	struct trace_request r;    /* the row parsed last; url and page point into its line */
};

/* The parse hook: check one row's fields into l->r. */
static int parse_row(void *ctx, char **c, const char *path, int line, struct diag *d, int64_t *t_ns)
{
	struct req_load *l = ctx;
	struct trace_request *r = &l->r;
	char g[80];
	const char *why;
	int64_t v;
	int bad = 0;

	memset(r, 0, sizeof *r);
	r->line = line;
	if (trace_csv_seconds(c[0], &r->t_ns, &why) || trace_time_max(r->t_ns, &why)) {
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
	if (*c[6] && (trace_csv_seconds(c[6], &r->cpu_ns, &why) || trace_time_max(r->cpu_ns, &why))) {
		diag_error(d, path, line, "cpu_demand_s: %s or empty, got %s", why,
			   trace_show(c[6], strlen(c[6]), g, sizeof g));
		bad = 1;
	}
	r->url = c[2];
	r->page = c[5];
	*t_ns = r->t_ns;
	return bad ? -1 : 0;
}

/* The keep hook: copy the row into the trace. */
static int keep_row(void *ctx, char **c)
{
	struct req_load *l = ctx;
	(void)c;
	return trace_requests_push(l->t, &l->r);
}

static const struct trace_csv_format requests_csv = {
	.header = TRACE_REQUESTS_HEADER,
	.ncol = 7,
	.time_col = "time_s",
	.row_name = "request",
	.parse = parse_row,
	.keep = keep_row,
};

int trace_requests_load(const char *path, struct diag *d, struct trace_requests *t)
{
	struct req_load l = { .t = t };
	memset(t, 0, sizeof *t);
	int rc = trace_csv_read(path, &requests_csv, &l, d);
	if (rc)
		trace_requests_free(t);
	return rc;
}
