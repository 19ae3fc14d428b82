/*
** SPECweb2005 E-commerce served by a VM: the kit's emulated users
** (models/specweb.h: sessions, think times, pages, images, connections)
** against an Apache server in the guest (docs/workloads.md).
**
** A page is its dynamic request and then its embedded images, fetched
** over the user's parallel connections (the kit's 2), each connection
** one request after another.  A request's path (models/io.h): the
** request and its ACKs arrive (device model, interrupts, guest TCP/IP);
** a page-cache miss reads the file from the shared disk; a dynamic page
** waits for the BeSim back end, then runs its script; the reply is
** built (CPU per byte, SSL if the page is secure, a handshake when the
** connection is new), sent (guest TCP/IP, exits, device model, the
** physical NIC) and trickles down the user's line at the kit's
** 100,000 B/s.  The page's response time runs from its request to its
** last image; QoS counts pages (models/qos.h).
**
** Guest memory: the VM's memory less the guest OS and the per-session
** server memory (Apache workers) is page cache; a request hits it with
** probability min(1, cache / fileset), uniformly over the file set.
*/
#ifndef HVSIM_WL_SPECWEB_H
#define HVSIM_WL_SPECWEB_H

#include <stdio.h>
#include <gsl/gsl_rng.h>

#include "models/io.h"
#include "models/specweb.h"
#include "models/vm.h"
#include "models/qos.h"
#include "sim/scenario/scenario.h"
#include "sim/engine/stats.h"

struct world;
struct wl_specweb;

struct sw_user {
	struct wl_specweb *ws;
	struct specweb_user u;
	struct specweb_page pg;
	int64_t t_page;               /* the page's request time */
	int pending;                  /* its requests still outstanding */
	int next_img;                 /* its next image not yet asked for */
	struct io_line line;
	struct ioreq *req;            /* one request in flight per connection */
	double *chain;                /* conns x IOP_N: each connection's requests since the HTML
					 (ns by part, models/io.h); the HTML's own in html */
	double html[IOP_N];
};

/* Where the pages' time went: the page's HTML request, then the chain of
** image requests on the connection that finished last (each connection
** asks for its next image as the previous one arrives, so that chain
** ends the page): its parts add up to the page's response time.
** Summed over the measured pages, over those slower than TIME_GOOD and
** over those slower than TIME_TOLERABLE. */
enum { TAIL_ALL, TAIL_GOOD, TAIL_TOLERABLE, TAIL_N };
struct sw_tail {
	uint64_t n[TAIL_N];
	double resp[TAIL_N];          /* s */
	double part[TAIL_N][IOP_N];   /* s */
};

struct wl_specweb {
	struct world *w;
	const struct scn_workload *cfg;
	struct vm *vm;
	char name[160];
	struct specweb m;
	gsl_rng *r_user, *r_cache;
	struct sw_user *users;
	struct ioreq *reqs;           /* the users' requests, conns per user */
	int nusers;
	double hit;                   /* page-cache hit ratio */
	double cache;                 /* page-cache bytes */
	int nic;
	struct qos_count qos;
	struct tally resp;            /* page response time, s */
	uint64_t pages[SPECWEB_NPAGES]; /* completed in the measured interval */
	uint64_t requests, misses;    /* measured */
	struct sw_tail tail;
	double *chains;               /* every user's chain */
	double bytes;                 /* reply bytes sent, measured */
};

int wl_specweb_build(struct wl_specweb *ws, struct world *w, const struct scn_workload *cfg, struct vm *vm);
void wl_specweb_free(struct wl_specweb *ws);

/* tail.csv: a row per VM's SPECweb workload and class of pages (all,
** over time-good, over time-tolerable) with the mean seconds of each part. */
void wl_specweb_tail_header(FILE *f);
void wl_specweb_tail_rows(const struct wl_specweb *ws, FILE *f);

/* specweb.csv: one row per VM's SPECweb workload. */
void wl_specweb_header(FILE *f);
void wl_specweb_row(const struct wl_specweb *ws, FILE *f);

#endif
