/*
** SPECweb2005 E-commerce client sessions, as the kit's E-commerce
** configuration defines them (SPECweb_Ecommerce.xsl of Faban's
** specweb2005 sample, repo akara/faban; docs/sources.md sec. 2): the session
** Markov chain over 13 page types, think times, and per page the dynamic
** request and its embedded images (each a 200 or a 304).  Client side
** only: what one emulated user asks for and when.  Servers, the
** connections' transport and the network belong to other models; this one
** hands them the requests, the keep-alive policy and the line rate.
**
** Use: specweb_params_default (then change what you like), specweb_init
** (once; it fits the adjusted chain); per user specweb_session_start,
** then specweb_next_page again and again (after a session's end it starts
** the next session by itself).
** Only specweb_init allocates (briefly, GSL's root solver); one struct
** specweb serves any number of users of a single-threaded simulation (its
** counters are shared).
*/
#ifndef HVSIM_SPECWEB_H
#define HVSIM_SPECWEB_H

#include <stdint.h>
#include <stdio.h>
#include <gsl/gsl_rng.h>

/* States, numbered as the kit's STATE_i / PAGE_i. */
enum specweb_state {
	SPECWEB_INDEX,
	SPECWEB_SEARCH,
	SPECWEB_BROWSE,
	SPECWEB_PRODUCTLINE,          /* browse_productline */
	SPECWEB_PRODUCTDETAIL,
	SPECWEB_CUSTOMIZE1,
	SPECWEB_CUSTOMIZE2,
	SPECWEB_CUSTOMIZE3,
	SPECWEB_CART,
	SPECWEB_LOGIN,
	SPECWEB_SHIPPING,
	SPECWEB_BILLING,
	SPECWEB_CONFIRM,
	SPECWEB_NPAGES,               /* 13 page types */
	SPECWEB_EXIT = SPECWEB_NPAGES, /* the kit's state 13: the session ends (logout) */
	SPECWEB_TIMEOUT,              /* a row's remainder below 1: the session times out */
	SPECWEB_NSTATES
};

/* ------------------------------------------------ the kit's tables --- */

#define SPECWEB_NEDGES     44     /* STATE_0 .. STATE_12 entries */
#define SPECWEB_NIMAGES    190    /* (page, file) rows of PAGE_i_FILES */
#define SPECWEB_MAX_IMAGES 40     /* most images of one page (cart) */

struct specweb_page_def {
	const char *name;             /* DYN_CMD_i */
	double expected_pct;          /* DYN_CMD_i_EXPECTED_PCT: official mix, % of pages */
	int nimg;                     /* embedded images: entries of PAGE_i_FILES */
	uint32_t img_bytes;           /* their total size */
	uint32_t padding;             /* APPEND_SZ_i: bytes padded onto the dynamic reply */
	int ssl;                      /* the page and its images are served over SSL */
};

struct specweb_edge {
	int from, to;                 /* STATE_from = "... to,p ..."; to 13 = exit */
	double p;
};

struct specweb_image {
	int page;                     /* which page embeds it */
	int file;                     /* the kit's FILE_n number */
	uint32_t bytes;               /* size of a 200 reply's body */
	double p304;                  /* probability the reply is 304 Not Modified */
};

extern const struct specweb_page_def specweb_pages[SPECWEB_NPAGES];
extern const struct specweb_edge specweb_edges[SPECWEB_NEDGES];
extern const struct specweb_image specweb_images[SPECWEB_NIMAGES];

/* ------------------------------------------------------ parameters --- */

#define SPECWEB_MAX_CONNS 8

/* 1 / (1 - THINK_TIME_REQ_PCT / 100) = 12.406948 pages per session: the
** session length at which "a session's first page has no think time,
** every other page has" makes 91.94% of pages think (see specweb.c). */
#define SPECWEB_KIT_SESSION_PAGES (1.0 / (1.0 - 0.9194))

struct specweb_params {
	double think_mean;            /* s, mean of the (discrete) think time: 10 (THINK_TIME) */
	double think_max;             /* s, largest think time: 150 (THINK_MAX) */
	double think_step;            /* s, think times are multiples of it: 2 (THINK_INTERVAL) */
	double think_share;           /* of pages preceded by think time: 0.9194 (THINK_TIME_REQ_PCT) */
	int use_raw_chain;            /* 1: the kit's transitions as shipped (their mix is not
				      ** expected_pct); 0: the adjusted chain (default) */
	double session_pages;         /* adjusted chain's mean pages per session:
				      ** SPECWEB_KIT_SESSION_PAGES; 0: left free */
	int session_timeout;          /* 1 (kit's SESSION_TIMEOUT): a row's remainder ends the
				      ** session by time-out; 0: by logout (exit) */
	int not_modified;             /* 1: images get 304 replies with their p304; 0: all 200 */
	double link_rate;             /* B/s of each user's line: 100000 (the kit's "CABLE") */
	int conns;                    /* parallel connections per user: 2 */
	double keepalive_share;       /* share of new connections kept alive: 0.7 */
	int keepalive_min;            /* requests a kept-alive connection carries, */
	int keepalive_max;            /* uniform on min..max: 5..15 */
};

/* ----------------------------------------------------------- model --- */

/* Exact properties of a chain (absorbing chain from index; specweb.c). */
struct specweb_chain_stats {
	double visits[SPECWEB_NPAGES]; /* mean visits per session: row index of (I - Q)^-1 */
	double pi[SPECWEB_NPAGES];    /* stationary page mix (sessions restart at index) */
	double pages;                 /* mean pages per session, sum of visits */
	double timeout_share;         /* of sessions ending by time-out */
};

/* What the users produced since specweb_init / specweb_reset_counts. */
struct specweb_counts {
	uint64_t pages[SPECWEB_NPAGES];
	uint64_t sessions;            /* first pages issued */
	uint64_t exits, timeouts;     /* sessions ended by logout / time-out */
	uint64_t thinks;              /* pages preceded by think time */
	double think_s;               /* sum of those think times */
	uint64_t images, not_modified; /* image requests, of which 304 */
	uint64_t bytes;               /* reply bodies, dynamic + images */
	uint64_t ssl_pages;
	uint64_t conns, conns_keepalive; /* connections opened, of which kept alive */
};

struct specweb {
	struct specweb_params p;
	/* the chain in use: P[i][j] from page i to page j, SPECWEB_EXIT or
	** SPECWEB_TIMEOUT; each row sums to 1 */
	double P[SPECWEB_NPAGES][SPECWEB_NSTATES];
	double raw[SPECWEB_NPAGES][SPECWEB_NSTATES]; /* the kit's, for comparison */
	struct specweb_chain_stats used, kit;        /* exact, of P and of raw */
	double kl;                    /* sum_i pi_i KL(P_i. || raw_i.), nats; 0 raw */
	int ipf_iters;                /* IPF sweeps the adjustment took; 0 raw */
	/* think time T = step k, k = 1..K, P(k) = q^(k-1) (1-q) / (1-q^K) */
	int think_k;                  /* K = max / step */
	double think_q;
	double think_theta;           /* s, -step / ln q: T = step ceil(X / step), X ~ Exp(theta),
				      ** conditioned on X <= max */
	double think_trunc;           /* P(X <= max) = 1 - q^K */
	double think_prob;            /* a non-first page thinks with this probability */
	double think_share;           /* exact share of pages that think: think_prob (1 - 1/pages) */
	/* sampling tables */
	int nout[SPECWEB_NPAGES];
	int out_to[SPECWEB_NPAGES][SPECWEB_NSTATES];
	double out_cum[SPECWEB_NPAGES][SPECWEB_NSTATES];
	int img0[SPECWEB_NPAGES];     /* first row of the page in specweb_images */
	struct specweb_counts c;
};

struct specweb_conn {
	int left;                     /* requests the open connection still takes; 0: closed */
	int ssl;
};

/* One emulated user (a SPECweb2005 "simultaneous session"). */
struct specweb_user {
	int state;                    /* page last issued; SPECWEB_EXIT: next is a new session */
	int npages;                   /* pages of the current session so far */
	struct specweb_conn conn[SPECWEB_MAX_CONNS];
};

struct specweb_req {
	int file;                     /* the kit's FILE_n */
	int status;                   /* 200, or 304 Not Modified (no body) */
	uint32_t bytes;               /* reply body */
};

/* One page: the dynamic request, then its images fetched over p.conns
** connections in this order (which connection takes which is the transport
** model's business; specweb_conn_request says when one is opened). */
struct specweb_page {
	int page;                     /* a page, or SPECWEB_EXIT / SPECWEB_TIMEOUT: the session
				      ** ended (the other fields then 0) */
	int first;                    /* first page of a session */
	int ssl;
	int64_t think_ns;             /* think time before the page is requested; 0: none */
	uint32_t dyn_bytes;           /* dynamic reply body: the page's padding */
	int nimg;
	int n304;
	uint64_t bytes;               /* dyn_bytes + image bodies */
	struct specweb_req img[SPECWEB_MAX_IMAGES];
};

/* The kit's values, as documented in struct specweb_params. */
void specweb_params_default(struct specweb_params *p);

/* Check p and the tables, fit the adjusted chain (unless p->use_raw_chain)
** and the think-time distribution.  -EINVAL: a parameter out of range or
** inconsistent tables; -EDOM: no chain with the tables' transition graph
** has the expected mix and p->session_pages.  O(IPF sweeps x 13 x 14),
** about 0.2 ms; allocates nothing that outlives it. */
int specweb_init(struct specweb *m, const struct specweb_params *p);

/* Make u's next page the first of a new session: index, no think time,
** connections closed.  Call once for each new user. */
void specweb_session_start(const struct specweb *m, struct specweb_user *u);

/* u's next step into out: the next page, or the end of its session
** (out->page SPECWEB_EXIT or SPECWEB_TIMEOUT), after which the next call
** starts a new session.  Counts it in m->c.  0, or -EINVAL for a bad user
** state. */
int specweb_next_page(struct specweb *m, struct specweb_user *u, gsl_rng *r, struct specweb_page *out);

/* One think time, ns: a multiple of think_step in [step, max]. */
int64_t specweb_think_ns(const struct specweb *m, gsl_rng *r);

/* P(think time = k * step), k = 1..K; 0 outside. */
double specweb_think_pmf(const struct specweb *m, int k);

/* u sends a request with the given SSL-ness on its connection c: 1 when
** this opens a new connection (none open, its keep-alive budget is spent
** or its SSL-ness differs: TCP, and SSL, handshakes follow), 0 when it
** reuses the open one, -EINVAL for a bad c.  A new connection is kept
** alive with probability keepalive_share for keepalive_min..max requests
** (uniform), otherwise closed after this one request. */
int specweb_conn_request(struct specweb *m, struct specweb_user *u, int c, int ssl, gsl_rng *r);

/* Time to move bytes over one user's line at p.link_rate, ns. */
int64_t specweb_wire_ns(const struct specweb *m, uint64_t bytes);

/* Pages produced so far, per page type, into counts; returns their total. */
uint64_t specweb_mix(const struct specweb *m, uint64_t counts[SPECWEB_NPAGES]);

/* The same as percentages (all 0 before the first page). */
void specweb_mix_pct(const struct specweb *m, double pct[SPECWEB_NPAGES]);

void specweb_reset_counts(struct specweb *m);

/* "index" ... "confirm", "exit", "timeout"; "?" otherwise. */
const char *specweb_state_name(int state);

/* The kit's chain and the one in use side by side, with both exact mixes,
** the produced mix and the session lengths. */
void specweb_dump(const struct specweb *m, FILE *f);

#endif
