/*
** Apache Common and Combined Log Format -> request trace (see
** apache_log.h).  Grammar, from the Apache HTTP Server 2.4 "Log Files"
** page and mod_log_config (ap_escape_logitem for the escapes):
**
**   line    = host SP ident SP user SP "[" date "]" SP
**             DQUOTE request DQUOTE SP status SP bytes
**             [ SP DQUOTE referer DQUOTE SP DQUOTE agent DQUOTE ]
**   date    = dd "/" Mon "/" yyyy ":" HH ":" MM ":" SS SP ("+"|"-") hhmm
**   request = method SP url [ SP protocol ]   (no protocol: HTTP/0.9)
**   bytes   = 1*DIGIT | "-"
**
** Fields may be separated by more than one space.  The request's closing
** quote is the first quote after which the rest of the line parses as
** status, bytes and the optional Combined fields, so raw quotes inside
** old requests do no harm.  Apache 2's escapes \" \\ \xhh \n \t ... are
** undone; the URL is then percent-encoded (bytes outside printable
** ASCII, space and '"' as %XX) so that the CSV holds plain text.
*/
#include "traces/apache_log.h"
#include "traces/textio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The Common Log Format has whole seconds from a four-digit year; years
** are limited so that a log's span in ns fits the trace's time column. */
#define YEAR_MIN 1970
#define YEAR_MAX 2099

static const char *const month_name[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant,
** "chrono-Compatible Low-Level Date Algorithms", days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Its inverse (civil_from_days, same source). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

char *alog_fmt_utc(int64_t t_unix, char *buf, size_t len)
{
	int64_t days = t_unix >= 0 ? t_unix / 86400 : -((-t_unix + 86399) / 86400);
	int64_t s = t_unix - days * 86400;
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		 (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	return buf;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return dm[m - 1] + (m == 2 && leap);
}

static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* "[dd/Mon/yyyy:HH:MM:SS +hhmm]" at s -> UTC seconds.  The shape is
** matched character by character, so a short line stops at its NUL.
** 0, or -1 with why. */
static int parse_date(const char *s, int64_t *t, const char **why)
{
	static const char shape[] = "[99/Aaa/9999:99:99:99 +9999]";
	static const char expect[] =
		"expected a date [dd/Mon/yyyy:HH:MM:SS +hhmm] such as [01/Jul/1995:00:00:01 -0400]";
	for (int i = 0; shape[i]; i++) {
		char c = s[i], k = shape[i];
		int ok = k == '9' ? is_digit(c)
			: k == 'A' ? (c >= 'A' && c <= 'Z')
			: k == 'a' ? (c >= 'a' && c <= 'z')
			: k == '+' ? (c == '+' || c == '-')
			: c == k;
		if (!ok) {
			*why = expect;
			return -1;
		}
	}
	int mon = 0;
	while (mon < 12 && strncmp(s + 4, month_name[mon], 3))
		mon++;
	int day = num(s + 1, 2), year = num(s + 8, 4);
	int hh = num(s + 13, 2), mm = num(s + 16, 2), ss = num(s + 19, 2);
	int zh = num(s + 23, 2), zm = num(s + 25, 2);
	if (mon == 12) {
		*why = "expected a month Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov or Dec";
		return -1;
	}
	if (year < YEAR_MIN || year > YEAR_MAX) {
		*why = "expected a year from 1970 to 2099";
		return -1;
	}
	if (day < 1 || day > days_in_month(year, mon + 1)) {
		*why = "expected a day that exists in its month";
		return -1;
	}
	/* 60: a leap second, as strftime allows. */
	if (hh > 23 || mm > 59 || ss > 60) {
		*why = "expected a time of day from 00:00:00 to 23:59:60";
		return -1;
	}
	if (zh > 14 || zm > 59) {
		*why = "expected a time zone from -1459 to +1459";
		return -1;
	}
	int64_t local = days_from_civil(year, mon + 1, day) * 86400 + hh * 3600 + mm * 60 + ss;
	int64_t off = (int64_t)zh * 3600 + zm * 60;
	*t = s[22] == '-' ? local + off : local - off;
	return 0;
}

/* Where the agent of a Combined line begins, remembered across the
** closing quotes parse_line tries: `at` is the first referer-closing
** quote (a quote, a space, blanks, a quote) at or after `from`, or NULL
** when there is none.  Without it every candidate would scan the rest of
** the line again: quadratic in the line's length. */
struct agent_memo {
	const char *from, *at;
};

/* Where a parse reports: the whole line (to show what precedes an early
** end of line) and the message buffer (NULL while candidates are tried);
** the line's end and its end without trailing blanks, found once. */
struct pctx {
	const char *line, *end, *last;
	char *why;
	size_t wl;
	int plain;     /* no raw quotes inside quoted fields (rejoined lines) */
	struct agent_memo *memo;
};

/* Format "expected ..., got ..." into c->why: the n bytes at got, or, at
** the end of the line, what the line ends with. */
static int fail(const struct pctx *c, const char *what, const char *got, size_t n)
{
	char g[80];
	if (!c->why)
		return -1;
	if (n) {
		snprintf(c->why, c->wl, "%s, got %s", what, trace_show(got, n, g, sizeof g));
	} else {
		size_t len = (size_t)(c->end - c->line), k = len > 40 ? 40 : len;
		snprintf(c->why, c->wl, "%s, got end of line after %s%s", what, len > k ? "..." : "",
			 trace_show(c->line + len - k, k, g, sizeof g));
	}
	return -1;
}

/* 1 if the quote at q is escaped (after an odd run of backslashes). */
static int escaped(const char *start, const char *q)
{
	int n = 0;
	while (q > start && q[-1] == '\\') {
		q--;
		n++;
	}
	return n & 1;
}

/* The first unescaped quote from s, or NULL. */
static const char *next_quote(const char *s)
{
	const char *q;
	for (q = s; (q = strchr(q, '"')); q++)
		if (!escaped(s, q))
			return q;
	return NULL;
}

static size_t token_len(const char *s)
{
	size_t n = 0;
	while (s[n] && s[n] != ' ')
		n++;
	return n;
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* The first referer-closing quote at or after x (see struct agent_memo). */
static const char *referer_end(const struct pctx *c, const char *x)
{
	struct agent_memo *m = c->memo;
	if (m->from && m->from <= x && (!m->at || m->at >= x))
		return m->at;
	const char *q;
	for (q = x; *q; q++)
		if (*q == '"' && q[1] == ' ' && *skip_spaces(q + 1) == '"')
			break;
	m->from = x;
	m->at = *q ? q : NULL;
	return m->at;
}

/* What follows the request's closing quote: status, bytes and the
** optional Combined fields.  0 with status and bytes in r, or -1 (why may
** be NULL while candidates are tried). */
static int parse_tail(const struct pctx *c, const char *p, struct alog_rec *r)
{
	size_t n;
	if (*p != ' ')
		return fail(c, "expected a space and a status after the request's closing quote",
			    p, (size_t)(c->end - p));
	p = skip_spaces(p);
	n = token_len(p);
	if (n != 3 || !is_digit(p[0]) || !is_digit(p[1]) || !is_digit(p[2]))
		return fail(c, "expected a 3-digit HTTP status", p, n);
	int status = num(p, 3);
	if (status < 100 || status > 599)
		return fail(c, "expected an HTTP status from 100 to 599", p, n);
	p = skip_spaces(p + 3);
	n = token_len(p);
	int64_t bytes = 0;
	if (n == 1 && *p == '-') {
		bytes = 0;
	} else {
		if (n == 0 || n > 15)
			return fail(c, "expected a byte count or '-' after the status", p, n);
		for (size_t i = 0; i < n; i++) {
			if (!is_digit(p[i]))
				return fail(c, "expected a byte count or '-' after the status", p, n);
			bytes = bytes * 10 + (p[i] - '0');
		}
	}
	p = skip_spaces(p + n);
	int combined = 0;
	if (*p) {
		static const char expect[] = "expected end of line or \"referer\" \"user-agent\"";
		if (*p != '"')
			return fail(c, expect, p, (size_t)(c->end - p));
		/* The referer closes at a quote followed by spaces and a quote;
		** the agent runs to the line's last quote, which ends the line.
		** Plain: each closes at its first unescaped quote. */
		const char *q = p + 1, *agent = NULL, *end;
		if (c->plain) {
			q = next_quote(p + 1);
			if (q && q[1] == ' ' && *skip_spaces(q + 1) == '"')
				agent = skip_spaces(q + 1);
		} else {
			q = referer_end(c, q);
			if (q)
				agent = skip_spaces(q + 1);
		}
		end = c->last - 1;   /* p is a quote: the line has a non-blank from p on */
		if (!agent || end <= agent || *end != '"' || (c->plain && next_quote(agent + 1) != end))
			return fail(c, expect, p, (size_t)(c->end - p));
		combined = 1;
	}
	r->status = status;
	r->bytes = bytes;
	r->combined = combined;
	return 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
		: c >= 'a' && c <= 'f' ? c - 'a' + 10
		: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Undo Apache's escapes in n bytes of s into out (>= 3n+1): \" and \\
** give the character, \xhh the byte, \n \r \t \b \v \f their control
** characters; anything else stays.  Returns the length. */
static size_t unescape(const char *s, size_t n, unsigned char *out)
{
	static const char from[] = "nrtbvf", to[] = "\n\r\t\b\v\f";
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			char c = s[i + 1];
			const char *k = c ? strchr(from, c) : NULL;
			if (c == '"' || c == '\\') {
				out[o++] = (unsigned char)c;
				i++;
				continue;
			}
			if (k) {
				out[o++] = (unsigned char)to[k - from];
				i++;
				continue;
			}
			if (c == 'x' && i + 3 < n && hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
				out[o++] = (unsigned char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
				i += 3;
				continue;
			}
		}
		out[o++] = (unsigned char)s[i];
	}
	return o;
}

/* n bytes of u percent-encoded into a new string. */
static char *percent_encode(const unsigned char *u, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char *s = malloc(3 * n + 1), *w = s;
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		if (c <= 0x20 || c >= 0x7f || c == '"') {
			*w++ = '%';
			*w++ = hex[c >> 4];
			*w++ = hex[c & 15];
		} else {
			*w++ = (char)c;
		}
	}
	*w = 0;
	return s;
}

static int is_token_char(unsigned char c)
{
	char one[2] = { (char)c, 0 };
	return c > 0x20 && c < 0x7f && trace_method_ok(one);
}

/* The request between the quotes: method, URL, optional protocol. */
static int parse_request(const struct pctx *c, const char *s, size_t n, struct alog_rec *r)
{
	static const char expect[] = "expected a request \"METHOD URL [HTTP/x.y]\"";
	unsigned char *u = malloc(3 * n + 1);
	if (!u)
		return -ENOMEM;   /* not a bad line: the import fails */
	size_t len = unescape(s, n, u), i = 0;
	while (i < len && is_token_char(u[i]))
		i++;
	if (i == 0 || i >= len || u[i] != ' ') {
		free(u);
		return fail(c, expect, s, n);
	}
	if (i > TRACE_METHOD_MAX) {
		free(u);
		return fail(c, "expected an HTTP method of at most 32 characters", s, n);
	}
	memcpy(r->method, u, i);
	r->method[i] = 0;
	size_t a = i;
	while (a < len && u[a] == ' ')
		a++;
	size_t b = len;
	while (b > a && u[b - 1] == ' ')
		b--;
	if (a == b) {
		free(u);
		return fail(c, "expected a URL after the method", s, n);
	}
	/* A last word "HTTP/..." after a space is the protocol. */
	size_t sp = b;
	while (sp > a && u[sp - 1] != ' ')
		sp--;
	if (sp > a && b - sp >= 5 && strncmp((char *)u + sp, "HTTP/", 5) == 0) {
		b = sp;
		while (b > a && u[b - 1] == ' ')
			b--;
	}
	r->url = percent_encode(u + a, b - a);
	free(u);
	if (!r->url)
		return -ENOMEM;
	return 0;
}

void alog_rec_free(struct alog_rec *r)
{
	free(r->url);
	r->url = NULL;
}

/* alog_parse; plain for the concatenation of two lines: there raw quotes
** inside the request would let a damaged line swallow the whole next one. */
static int parse_line(const char *line, struct alog_rec *r, char *why, size_t wl, int plain)
{
	struct agent_memo memo = { NULL, NULL };
	const char *end = line + strlen(line), *last = end;
	while (last > line && last[-1] == ' ')
		last--;
	const struct pctx cx = { line, end, last, why, wl, plain, &memo }, *c = &cx;
	const struct pctx quiet = { line, end, last, NULL, 0, plain, &memo };
	const char *p = line;
	size_t n;

	memset(r, 0, sizeof *r);
	n = token_len(p);
	if (n == 0)
		return fail(c, "expected a host name at the start of the line", p, (size_t)(end - p));
	p = skip_spaces(p + n);
	for (int k = 0; k < 2; k++) {
		n = token_len(p);
		if (n == 0 || *p == '[')
			return fail(c, "expected ident and user ('-' when unknown) after the host",
				    p, (size_t)(end - p));
		p = skip_spaces(p + n);
	}
	if (*p != '[')
		return fail(c, "expected '[' and the date after host, ident and user", p, token_len(p));
	const char *dwhy;
	if (parse_date(p, &r->t_unix, &dwhy)) {
		const char *close = memchr(p, ']', strnlen(p, 40));
		return fail(c, dwhy, p, close ? (size_t)(close - p) + 1 : strnlen(p, 28));
	}
	p += 28;
	if (*p != ' ' || *(p = skip_spaces(p)) != '"')
		return fail(c, "expected a quoted request after the date", p, (size_t)(end - p));
	const char *req = p + 1, *first = NULL, *q;
	for (q = req; *q; q++) {
		if (*q != '"')
			continue;
		if (!first && (q[1] == ' ' || !q[1]))
			first = q;
		if (parse_tail(&quiet, q + 1, r) == 0 || (plain && !escaped(req, q)))
			break;
	}
	if (plain && *q && parse_tail(&quiet, q + 1, r))
		return parse_tail(c, q + 1, r);
	if (!*q) {
		if (!first)
			return fail(c, "expected the request's closing quote", p, (size_t)(end - p));
		return parse_tail(c, first + 1, r);
	}
	return parse_request(c, req, (size_t)(q - req), r);
}

int alog_parse(const char *line, struct alog_rec *r, char *why, size_t wl)
{
	return parse_line(line, r, why, wl, 0);
}

void alog_page(const char *url, char *page, size_t len)
{
	const char *p = url;
	if (strncmp(p, "http://", 7) == 0 || strncmp(p, "https://", 8) == 0) {
		p = strstr(p, "//") + 2;
		p += strcspn(p, "/?#");
	}
	size_t n = strcspn(p, "?#");
	if (n == 0) {
		p = "/";
		n = 1;
	}
	snprintf(page, len, "%.*s", (int)n, p);
}

/* One line waiting to be taken alone or joined with the next. */
struct held {
	char *text;
	int line, nul, ok;
	struct alog_rec rec;
	char why[320];
};

static void held_free(struct held *h)
{
	free(h->text);
	alog_rec_free(&h->rec);
	memset(h, 0, sizeof *h);
}

static void report(const struct trace_import_opts *o, int *shown, int line, const char *fmt, ...)
{
	if (++*shown > TRACE_IMPORT_SHOW_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(o->err, "%s:%d: apache-log: ", o->path, line);
	vfprintf(o->err, fmt, ap);
	fputc('\n', o->err);
	va_end(ap);
}

/* Add a parsed line to the trace (time still absolute, in ns). */
static int take(struct alog_trace *t, struct alog_rec *rec, int line)
{
	struct trace_request r = { 0 };
	char page[4096];
	size_t ul = strlen(rec->url);
	size_t pl = ul < sizeof page ? sizeof page : ul + 2;
	char *pg = ul < sizeof page ? page : malloc(pl);
	if (!pg)
		return -ENOMEM;
	alog_page(rec->url, pg, pl);
	r.t_ns = rec->t_unix * INT64_C(1000000000);
	memcpy(r.method, rec->method, sizeof r.method);
	r.url = rec->url;
	r.page = pg;
	r.status = rec->status;
	r.bytes = rec->bytes;
	r.cpu_ns = -1;
	r.line = line;
	int rc = trace_requests_push(&t->req, &r);
	if (pg != page)
		free(pg);
	if (!rc)
		t->requests++;
	return rc;
}

static int by_time(const void *pa, const void *pb)
{
	const struct trace_request *a = pa, *b = pb;
	if (a->t_ns != b->t_ns)
		return a->t_ns < b->t_ns ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Long: the importer's line loop with its counts and messages in one place. */
int alog_read(FILE *in, const struct trace_import_opts *o, struct alog_trace *t)
{
	struct trace_lines lr;
	struct held a = { 0 }, b = { 0 };
	int have_a = 0, shown = 0, rc = 0, last_taken = 0;
	char *line;
	size_t len;

	memset(t, 0, sizeof *t);
	trace_lines_init(&lr, in);
	for (;;) {
		int got = trace_lines_next(&lr, &line, &len);
		if (got < 0) {
			fprintf(o->err, "%s: cannot read: %s\n", o->path, strerror(lr.err ? lr.err : EIO));
			rc = -EIO;
			break;
		}
		if (got) {
			t->lines++;
			if (!lr.has_nul && trace_blank(line))
				continue;
			b.text = malloc(len + 1);
			if (!b.text) {
				rc = -ENOMEM;
				break;
			}
			memcpy(b.text, line, len + 1);
			b.line = lr.lineno;
			b.nul = lr.has_nul;
			if (b.nul) {
				snprintf(b.why, sizeof b.why, "expected text, got a NUL byte at column %d",
					 lr.nul_col);
			} else {
				int k = alog_parse(b.text, &b.rec, b.why, sizeof b.why);
				if (k == -ENOMEM) {
					rc = -ENOMEM;
					break;
				}
				b.ok = k == 0;
			}
		}
		if (have_a && got && !o->strict && !(a.ok && b.ok) && !a.nul && !b.nul) {
			/* A line broken in two: one half at least fails alone
			** and the two parse as one line.  (When only the first
			** half fails, it was a piece of the host name: the
			** request is the same either way.) */
			size_t la = strlen(a.text), lb = strlen(b.text);
			char *j = malloc(la + lb + 1);
			struct alog_rec jr;
			if (!j) {
				rc = -ENOMEM;
				break;
			}
			memcpy(j, a.text, la);
			memcpy(j + la, b.text, lb + 1);
			int k = parse_line(j, &jr, NULL, 0, 1), ok = k == 0;
			free(j);
			if (k == -ENOMEM) {
				rc = -ENOMEM;
				break;
			}
			if (ok) {
				report(o, &shown, a.line, "note: line broken in two, joined with line %d",
				       b.line);
				rc = take(t, &jr, a.line);
				alog_rec_free(&jr);
				t->rejoined++;
				last_taken = b.line;
				held_free(&a);
				held_free(&b);
				have_a = 0;
				if (rc)
					break;
				continue;
			}
		}
		if (have_a) {
			if (a.ok) {
				rc = take(t, &a.rec, a.line);
				last_taken = a.line;
			} else {
				t->malformed++;
				report(o, &shown, a.line, "%s", a.why);
				if (o->strict) {
					fprintf(o->err, "%s:%d: apache-log: --strict: stopping at the first malformed line; nothing written\n",
						o->path, a.line);
					rc = -EINVAL;
				}
			}
			held_free(&a);
			have_a = 0;
			if (rc)
				break;
		}
		if (!got)
			break;
		a = b;
		memset(&b, 0, sizeof b);
		have_a = 1;
	}
	held_free(&a);
	held_free(&b);
	if (rc == 0 && last_taken == lr.lineno && lr.no_newline)
		report(o, &shown, lr.lineno, "note: the last line has no newline; it may be truncated");
	trace_lines_free(&lr);
	if (rc == -EINVAL || rc == -EIO) {
		alog_free(t);
		return rc;
	}
	if (shown > TRACE_IMPORT_SHOW_MAX)
		fprintf(o->err, "%s: apache-log: %d more messages not shown\n", o->path,
			shown - TRACE_IMPORT_SHOW_MAX);
	if (rc == 0)
		fprintf(o->err, "%s: %d lines read, %d requests, %d malformed (skipped), %d broken lines rejoined\n",
			o->path, t->lines, t->requests, t->malformed, t->rejoined);
	if (rc == 0 && t->requests == 0) {
		fprintf(o->err, "%s: apache-log: expected at least one request, got none\n", o->path);
		rc = -EINVAL;
	}
	if (rc) {
		alog_free(t);
		return rc;
	}
	/* Apache logs a request when it completes, stamped with its arrival:
	** sort by time (log order among equals) and count from the first. */
	qsort(t->req.r, t->req.n, sizeof *t->req.r, by_time);
	t->t0_unix = t->req.r[0].t_ns / INT64_C(1000000000);
	int64_t t0 = t->req.r[0].t_ns;
	for (size_t i = 0; i < t->req.n; i++)
		t->req.r[i].t_ns -= t0;
	return 0;
}

int alog_write(FILE *out, const struct alog_trace *t, const struct trace_import_opts *o)
{
	char c[512], u[32];
	const char *base = strrchr(o->path, '/');
	base = base ? base + 1 : o->path;
	snprintf(c, sizeof c, "source: apache-log %.400s; time_s 0 = %s", base,
		 alog_fmt_utc(t->t0_unix, u, sizeof u));
	return trace_requests_write(out, &t->req, c);
}

void alog_free(struct alog_trace *t)
{
	trace_requests_free(&t->req);
}
