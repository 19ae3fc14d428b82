/*
** Request traces: one HTTP request per row, to be replayed by the web
** workloads.  Format "hvsim request trace v1" (docs/traces.md):
**
**   # hvsim request trace v1           comment lines start with '#'
**   time_s,method,url,status,bytes,page,cpu_demand_s
**   0,GET,/history/apollo/,200,6245,/history/apollo/,
**
** time_s   seconds since the first request; rows in non-decreasing time
** method   an HTTP token (GET, POST, ...), at most 32 characters
** url      the request target, printable ASCII without spaces (bytes
**          outside it percent-encoded)
** status   HTTP status, 100 to 599
** bytes    response body size (0 when the log said "-")
** page     the URL's path without query or fragment (what a replay maps
**          to a SPECweb2005 page type)
** cpu_demand_s  CPU seconds the request needs, or empty: unknown (the
**          replay then takes it from the page type)
*/
#ifndef HVSIM_TRACES_REQUESTS_H
#define HVSIM_TRACES_REQUESTS_H

#include "sim/engine/diag.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_REQUESTS_HEADER "time_s,method,url,status,bytes,page,cpu_demand_s"
#define TRACE_METHOD_MAX 32

struct trace_request {
	int64_t t_ns;          /* time_s */
	char method[TRACE_METHOD_MAX + 1];
	char *url;             /* url and page share one allocation */
	char *page;
	int status;
	int64_t bytes;
	int64_t cpu_ns;        /* cpu_demand_s; -1 when empty */
	int line;              /* line of the source it came from */
};

struct trace_requests {
	struct trace_request *r;
	size_t n, cap;
};

/* Append a copy of r (its strings copied).  0 or -ENOMEM. */
int trace_requests_push(struct trace_requests *t, const struct trace_request *r);
void trace_requests_free(struct trace_requests *t);

/* Write the version line, "# comment" when comment is not NULL, the
** header and one row per request.  0, or -EIO when f reports an error. */
int trace_requests_write(FILE *f, const struct trace_requests *t, const char *comment);

/* Read a request trace; every bad row is reported into d as
** "path:line: column: expected ..., got ...".  0, or -EINVAL (t left
** empty), -ENOENT when path cannot be opened, -ENOMEM. */
int trace_requests_load(const char *path, struct diag *d, struct trace_requests *t);

/* 1 if s is an HTTP token (RFC 9110 tchar) of 1 to TRACE_METHOD_MAX chars. */
int trace_method_ok(const char *s);
/* 1 if s is non-empty printable ASCII without spaces or '"'. */
int trace_url_ok(const char *s);

#endif
