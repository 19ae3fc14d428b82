/*
** Apache access logs, Common and Combined Log Format (Apache HTTP Server
** 2.4 documentation, "Log Files": LogFormat "%h %l %u %t \"%r\" %>s %b"
** and the same followed by "\"%{Referer}i\" \"%{User-agent}i\""), read
** into a request trace (traces/requests.h).
**
**   199.72.81.55 - - [01/Jul/1995:00:00:01 -0400] "GET /history/apollo/ HTTP/1.0" 200 6245
**
** Real logs are damaged: lines broken in two, a truncated last line,
** requests without protocol ("GET /x", HTTP/0.9), raw quotes inside the
** request (before Apache 2.0.46 escaped them), "-" byte counts, binary
** junk.  Every line is parsed within its bounds; a line that fails is
** reported and skipped; a failing line whose concatenation with the
** failing next line parses is taken as one line broken in two.
*/
#ifndef HVSIM_TRACES_APACHE_LOG_H
#define HVSIM_TRACES_APACHE_LOG_H

#include "traces/import.h"
#include "traces/requests.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct alog_rec {
	int64_t t_unix;        /* the request's time, UTC seconds since 1970 */
	char method[TRACE_METHOD_MAX + 1];
	char *url;             /* malloc'd; percent-encoded printable ASCII */
	int status;
	int64_t bytes;         /* 0 for "-" */
	int combined;          /* referer and user agent were present */
};

/* Parse one line (no newline).  0 with *r filled (free with
** alog_rec_free), -1 with "expected ..., got ..." in why, or -ENOMEM
** when memory ran out (not a bad line: the import fails). */
int alog_parse(const char *line, struct alog_rec *r, char *why, size_t whylen);
void alog_rec_free(struct alog_rec *r);

/* The URL's path without query or fragment ("/a/b?x" -> "/a/b"; an
** absolute "http://host/p" -> "/p"); "/" when that is empty. */
void alog_page(const char *url, char *page, size_t len);

/* A whole log, read by alog_read. */
struct alog_trace {
	struct trace_requests req;   /* by time, then log order; t from t0 */
	int64_t t0_unix;             /* the earliest request */
	int lines, requests, malformed, rejoined;
};

/* Read the log in, reporting malformed lines and, at the end, the summary
** "FILE: N lines read, M requests, K malformed (skipped), J broken lines
** rejoined" to o->err.  0, or -EINVAL (--strict and a malformed line, or
** no request at all), -EIO, -ENOMEM. */
int alog_read(FILE *in, const struct trace_import_opts *o, struct alog_trace *t);
/* Write the request trace, its provenance in a comment.  0 or -EIO. */
int alog_write(FILE *out, const struct alog_trace *t, const struct trace_import_opts *o);
void alog_free(struct alog_trace *t);

/* "1995-07-01T04:00:01Z"; buf >= 32. */
char *alog_fmt_utc(int64_t t_unix, char *buf, size_t len);

#endif
