/*
** Request-trace replay, open loop: each row of an hvsim request trace
** (docs/traces.md, traces/requests.h; `hvsim import apache-log` makes
** one from a real access log) arrives at the VM at its time (divided by
** the speed-up) whatever the server's state, and is served as a SPECweb
** request is (models/wl_specweb.h): packets in, a page-cache miss to the
** disk, CPU, packets out through the NIC.  Its CPU is the row's
** cpu_demand_s when given; otherwise a dynamic URL (a query, a script
** suffix or a directory) costs page-cycles and anything else
** image-cycles, plus byte-cycles per reply byte.  Response time: arrival
** to the reply's last byte on the wire; QoS counts requests.
*/
#ifndef HVSIM_WL_REQUESTS_H
#define HVSIM_WL_REQUESTS_H

#include <stdio.h>
#include <gsl/gsl_rng.h>

#include "models/io.h"
#include "models/vm.h"
#include "sim/engine/diag.h"
#include "models/qos.h"
#include "sim/engine/stats.h"
#include "traces/requests.h"

struct world;

struct rq {
	struct ioreq io;
	int64_t t_arr;
	struct rq *next_free;
};

struct wl_requests {
	struct world *w;
	const struct scn_workload *cfg;
	struct vm *vm;
	char name[160];
	struct trace_requests t;
	size_t next;                  /* next row to arrive */
	int64_t offset;               /* added to row times (loops) */
	int64_t span;                 /* one pass of the trace, ns (loops) */
	struct rq **chunks;           /* allocated requests, by chunk */
	int nchunks;
	struct rq *free;
	gsl_rng *r_cache;
	double hit;
	int nic;
	struct qos_count qos;
	struct tally resp;            /* s */
	uint64_t arrived, dynamic, misses, inflight, max_inflight;
};

int wl_requests_build(struct wl_requests *q, struct world *w, const struct scn_workload *cfg, struct vm *vm,
		      struct diag *d);
void wl_requests_free(struct wl_requests *q);

void wl_requests_header(FILE *f);
void wl_requests_row(const struct wl_requests *q, FILE *f);

#endif
