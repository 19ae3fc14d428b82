/*
** SPECweb2005 E-commerce client sessions (see specweb.h), following the
** kit's E-commerce configuration (SPECweb_Ecommerce.xsl in Faban's
** specweb2005 sample, repo akara/faban; docs/sources.md sec. 2).
**
** The session chain.  States 0..12 are pages, 13 the exit; a session
** starts at index and walks the kit's STATE_i rows until it reaches the
** exit (or times out: a row's remainder below 1).  With Q the page-to-page
** part, the mean visits per session are row index of the fundamental
** matrix N = (I - Q)^-1 (solved as (I - Q)^T v = e_index with GSL's LU),
** the mean pages per session L = sum v, and, sessions following each other
** (restart at index), the stationary page mix pi = v / L (renewal-reward).
**
** The kit's chain does not have the kit's mix.  As shipped it gives
** L = 13.670 pages and confirm 11.576% of pages against the official
** 2.535% (its 0.75 self-loop makes 4 confirms per buyer), login 7.13%
** against 3.78%, customize1 10.78% against 16.93%.  The kit's harness
** checks runs against expected_pct, so by default the model walks an
** adjusted chain with exactly that mix:
**
**   the I-projection of the kit's chain: among chains P* on the same
**   transition graph (P*_ij > 0 exactly where the kit's P_ij > 0) whose
**   stationary mix is pi = expected_pct / 100 and whose exits per page
**   are 1 / p.session_pages, the one with the least relative entropy
**       D = sum_i pi_i sum_j P*_ij ln(P*_ij / P_ij)
**   (the expected log-likelihood ratio, per page, of a run of P* against
**   P: the walk least distinguishable from the kit's).
**
** In flows F_ij = pi_i P*_ij (page i then j), with X the exit and the
** exit's flow returning to index, the constraints are linear:
**     sum_j F_ij + F_iX = pi_i                       (leave i)
**     sum_i F_ij = pi_j - [j = index] s,  sum_i F_iX = s   (enter j; exit)
** with s = 1/L.  Minimising D under them gives F_ij = x_i pi_i P_ij y_j
** (Lagrange; x per row, y per column), found by iterative proportional
** fitting (Sinkhorn-Knopp): alternately rescale rows to their sums, then
** columns, until every sum is within 1e-14.  Time-out and logout are two
** edges into X: they are scaled together and keep the kit's ratio.  IPF
** converges to a chain on the whole graph exactly when one exists (else
** -EDOM: L below 1 / pi_index = 7.643, as every session starts at index,
** or above about 28.1).  With p.session_pages = 0 the exit column is merged into
** index's (both lead there), s is free, and D is minimal over s too.
**
** Why L = 12.406948 = 1 / (1 - 0.9194) by default: the kit measured that
** 91.94% of requests follow a think time (THINK_TIME_REQ_PCT), and a
** session's first page follows none; at this L "every page but a
** session's first thinks" is exactly that share, so both of the kit's
** measurements hold at once.  (The free I-projection has L = 12.186, one
** page in 12.19 starting a session, and could not reach 91.94%.)
**
** Result (tests/test_specweb.c checks it; specweb_dump prints it):
** 527 IPF sweeps, D = 0.0650 nats (the free one: 0.0649), L 13.670 ->
** 12.407.  Rows, kit -> adjusted (to page: probability; exit):
**   index      0:.20->.2017 1:.15->.1496 2:.60->.6022     exit .05->.0465
**   search     0:.05->.0506 1:.70->.7010 2:.20->.2016     exit .05->.0467
**   browse     0:.10->.0992 2:.10->.0988 3:.75->.7562     exit .05->.0458
**   productline 0:.05->.0512 2:.10->.1019 4:.80->.7996    exit .05->.0472
**   productdet. 0:.05->.0466 2:.05->.0464 3:.15->.1420 5:.70->.7220
**                                                         exit .05->.0430
**   customize1 5:.45->.5808 6:.50->.3654                  exit .05->.0538
**   customize2 5:.10->.1463 6:.30->.2485 7:.55->.5443     exit .05->.0610
**   customize3 6:.10->.0874 7:.20->.2088 8:.65->.6394     exit .05->.0643
**   cart       8:.25->.2569 9:.70->.6759                  exit .05->.0672
**   login      9:.50->.0523 10:.45->.9404                 exit .05->.0073
**   shipping   11:.95->.9498                              exit .05->.0502
**   billing    12:.95->.6050                              exit .05->.3950
**   confirm    12:.75->.1947                              exit .25->.8053
** Ten rows keep their exit within 0.043-0.067.  The mix forces the rest:
** shipping -> billing must be pi_billing / pi_shipping = 0.94984 (billing's
** only way in), login -> shipping 0.94036, so login's self-loop and exit
** share 0.06; and confirm's 2.5% leaves billing -> confirm at most 0.751
** (0.95 would already give 3.2%), so billing and confirm both exit more:
** of the buyers who reach billing, 60% confirm, 1.24 times on average.
** (Those two rows depend on the mix alone, not on L: billing -> confirm
** and confirm's exit carry the same flow, and their ratios share y.)
** p.use_raw_chain = 1 walks the kit's chain as shipped instead.
**
** Think time.  The kit: mean THINK_TIME = 10 s, at most THINK_MAX = 150 s,
** in THINK_INTERVAL = 2 s steps; the shape is not stated, exponential is
** the usual reading.  Here T = step ceil(X / step) with X ~ Exp(theta)
** conditioned on X <= max: a geometric distribution truncated at K =
** max / step,
**     P(T = k step) = q^(k-1) (1 - q) / (1 - q^K),  k = 1..K,  q = e^(-step/theta),
** with q solved (GSL Brent) so that E[T] = step sum_k k P(k) is the mean
** itself (10 s: q = 0.80000016, theta = 8.963 s; the 150 s cap cuts off
** q^K = 5e-8 of the exponential).  Sampled by inversion with GSL's
** exponential quantile: X = F^-1(U (1 - q^K)), U uniform on (0, 1).  A session's first page has
** no think time; any other page has one with probability
**     think_prob = min(1, think_share / (1 - 1/L)),
** 1 with the adjusted chain; 0.99196 with the kit's (L = 13.670, where
** 92.68% of pages are not first).
**
** Pages.  Each page is one dynamic request, whose reply is its padding
** (APPEND_SZ_i; the script's own output is left to the server model), and
** its embedded images in the kit's order, each a 200 with its bytes, or
** with its probability p304 a 304 with no body.  The kit's clients fetch
** them over 2 connections, 70% of connections kept alive for 5-15
** requests, at 100,000 B/s per user line ("CABLE"); the transport model
** runs them, asking specweb_conn_request when a connection opens.
*/
#include "models/specweb.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_roots.h>

#define N SPECWEB_NPAGES

#define IPF_TOL      1e-14        /* largest column-sum error accepted */
#define IPF_MAX      100000       /* sweeps before giving up (-EDOM) */
#define SUPPORT_MIN  1e-9         /* an adjusted edge below this counts as lost */

void specweb_params_default(struct specweb_params *p)
{
	*p = (struct specweb_params){
		.think_mean = 10,
		.think_max = 150,
		.think_step = 2,
		.think_share = 0.9194,
		.use_raw_chain = 0,
		.session_pages = SPECWEB_KIT_SESSION_PAGES,
		.session_timeout = 1,
		.not_modified = 1,
		.link_rate = 100000,
		.conns = 2,
		.keepalive_share = 0.7,
		.keepalive_min = 5,
		.keepalive_max = 15,
	};
}

const char *specweb_state_name(int state)
{
	if (state >= 0 && state < N)
		return specweb_pages[state].name;
	if (state == SPECWEB_EXIT)
		return "exit";
	if (state == SPECWEB_TIMEOUT)
		return "timeout";
	return "?";
}

static int check_params(const struct specweb_params *p)
{
	double k = p->think_step > 0 ? p->think_max / p->think_step : 0;

	if (!(p->think_step > 0) || !(k >= 1 && k <= 100000) || fabs(k - floor(k + 0.5)) > 1e-9)
		return -EINVAL;
	/* a decreasing pmf on 1..K has a mean in (1, (K+1)/2) steps */
	if (!(p->think_mean > p->think_step * (1 + 1e-9)) ||
	    !(p->think_mean < p->think_step * (floor(k + 0.5) + 1) / 2 * (1 - 1e-9)))
		return -EINVAL;
	if (!(p->think_share >= 0 && p->think_share <= 1))
		return -EINVAL;
	if (!(p->session_pages == 0 || p->session_pages >= 1) || !isfinite(p->session_pages))
		return -EINVAL;
	if (!(p->link_rate > 0) || !isfinite(p->link_rate))
		return -EINVAL;
	if (p->conns < 1 || p->conns > SPECWEB_MAX_CONNS)
		return -EINVAL;
	if (!(p->keepalive_share >= 0 && p->keepalive_share <= 1))
		return -EINVAL;
	if (p->keepalive_min < 1 || p->keepalive_max < p->keepalive_min)
		return -EINVAL;
	return 0;
}

/* The tables agree with each other: images grouped by page, as many and as
** large as the pages table says; mix sums to 100; rows are sub-stochastic. */
static int load_tables(struct specweb *m)
{
	double mix = 0;
	int at = 0;

	for (int i = 0; i < N; i++) {
		const struct specweb_page_def *pg = &specweb_pages[i];
		uint64_t bytes = 0;

		if (pg->nimg > SPECWEB_MAX_IMAGES || !(pg->expected_pct > 0))
			return -EINVAL;
		m->img0[i] = at;
		for (int k = 0; k < pg->nimg; k++, at++) {
			if (at >= SPECWEB_NIMAGES || specweb_images[at].page != i)
				return -EINVAL;
			if (!(specweb_images[at].p304 >= 0 && specweb_images[at].p304 <= 1))
				return -EINVAL;
			bytes += specweb_images[at].bytes;
		}
		if (bytes != pg->img_bytes)
			return -EINVAL;
		mix += pg->expected_pct;
	}
	if (at != SPECWEB_NIMAGES || fabs(mix - 100) > 1e-9)
		return -EINVAL;

	memset(m->raw, 0, sizeof m->raw);
	for (int e = 0; e < SPECWEB_NEDGES; e++) {
		const struct specweb_edge *d = &specweb_edges[e];

		if (d->from < 0 || d->from >= N || d->to < 0 || d->to > SPECWEB_EXIT ||
		    !(d->p >= 0 && d->p <= 1))
			return -EINVAL;
		m->raw[d->from][d->to] += d->p;
	}
	for (int i = 0; i < N; i++) {
		double sum = 0;

		for (int j = 0; j <= SPECWEB_EXIT; j++)
			sum += m->raw[i][j];
		if (sum > 1 + 1e-9)
			return -EINVAL;
		/* SESSION_TIMEOUT: the remainder times out, or else logs out */
		double rest = sum < 1 ? 1 - sum : 0;

		if (m->p.session_timeout)
			m->raw[i][SPECWEB_TIMEOUT] = rest;
		else
			m->raw[i][SPECWEB_EXIT] += rest;
	}
	return 0;
}

/* Exact visits, mix and length of chain P: v (I - Q) = e_index, O(N^3). */
static int chain_stats(const double P[N][SPECWEB_NSTATES], struct specweb_chain_stats *st)
{
	double a[N * N], b[N];
	size_t perm_data[N];
	gsl_permutation perm = { N, perm_data };
	gsl_matrix_view A = gsl_matrix_view_array(a, N, N);
	gsl_vector_view B = gsl_vector_view_array(b, N);
	gsl_vector_view V = gsl_vector_view_array(st->visits, N);
	int signum;

	/* A = (I - Q)^T, so that A v^T = e_index^T */
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < N; j++)
			a[j * N + i] = (i == j) - P[i][j];
		b[i] = i == SPECWEB_INDEX;
	}
	/* a page from which no session ends makes I - Q singular; test the
	** pivots first, as GSL's default error handler would abort */
	gsl_linalg_LU_decomp(&A.matrix, &perm, &signum);
	for (int i = 0; i < N; i++)
		if (!(fabs(a[i * N + i]) > 1e-12))
			return -EDOM;
	gsl_linalg_LU_solve(&A.matrix, &perm, &B.vector, &V.vector);
	st->pages = 0;
	st->timeout_share = 0;
	for (int i = 0; i < N; i++) {
		if (!(st->visits[i] > -1e-9) || !isfinite(st->visits[i]))
			return -EDOM;     /* some state never leaves: no sessions end */
		if (st->visits[i] < 0)
			st->visits[i] = 0; /* unreachable, up to rounding */
		st->pages += st->visits[i];
		st->timeout_share += st->visits[i] * P[i][SPECWEB_TIMEOUT];
	}
	for (int i = 0; i < N; i++)
		st->pi[i] = st->visits[i] / st->pages;
	return 0;
}

/*
** The I-projection by IPF (see the top of the file).  Columns 0..N-1 are
** pages, column N the exit X (logout + time-out); with s < 0 (free) X
** shares index's scale y_0 and target.  Fills m->P, m->kl, m->ipf_iters.
*/
static int adjust(struct specweb *m, double s)
{
	double W[N][N + 1], x[N], y[N + 1], target[N + 1], pi[N];
	int grp[N + 1];
	int it;

	for (int i = 0; i < N; i++) {
		pi[i] = specweb_pages[i].expected_pct / 100;
		for (int j = 0; j < N; j++)
			W[i][j] = pi[i] * m->raw[i][j];
		W[i][N] = pi[i] * (m->raw[i][SPECWEB_EXIT] + m->raw[i][SPECWEB_TIMEOUT]);
	}
	for (int j = 0; j <= N; j++) {
		target[j] = j < N ? pi[j] : 0;
		grp[j] = j;
		y[j] = 1;
	}
	if (s >= 0) {
		if (!(s < pi[SPECWEB_INDEX]))
			return -EDOM;     /* every session starts at index */
		target[SPECWEB_INDEX] -= s;
		target[N] = s;
	} else {
		grp[N] = SPECWEB_INDEX;
	}

	for (it = 1; it <= IPF_MAX; it++) {
		double col[N + 1] = { 0 }, err = 0;

		for (int i = 0; i < N; i++) {
			double r = 0;

			for (int j = 0; j <= N; j++)
				r += W[i][j] * y[grp[j]];
			if (!(r > 0 && r < HUGE_VAL))
				return -EDOM;
			x[i] = pi[i] / r;
		}
		for (int i = 0; i < N; i++)
			for (int j = 0; j <= N; j++)
				col[grp[j]] += x[i] * W[i][j] * y[grp[j]];
		for (int j = 0; j <= N; j++) {
			if (grp[j] != j)
				continue;
			/* a scale running off to 0 or infinity: no solution */
			if (!(col[j] > 0 && col[j] < HUGE_VAL))
				return -EDOM;
			err = fmax(err, fabs(col[j] - target[j]));
			y[j] *= target[j] / col[j];
		}
		if (err < IPF_TOL)
			break;
	}
	if (it > IPF_MAX)
		return -EDOM;
	m->ipf_iters = it;

	m->kl = 0;
	for (int i = 0; i < N; i++) {
		double row[N + 1], sum = 0;

		for (int j = 0; j <= N; j++)
			sum += row[j] = x[i] * W[i][j] * y[grp[j]] / pi[i];
		for (int j = 0; j <= N; j++) {
			row[j] /= sum;
			if (W[i][j] > 0 && !(row[j] >= SUPPORT_MIN))
				return -EDOM;     /* only a limit with an edge lost */
		}
		for (int j = 0; j < N; j++)
			m->P[i][j] = row[j];
		/* logout and time-out keep the kit's ratio */
		double ex = m->raw[i][SPECWEB_EXIT], to = m->raw[i][SPECWEB_TIMEOUT];

		m->P[i][SPECWEB_EXIT] = ex + to > 0 ? row[N] * ex / (ex + to) : 0;
		m->P[i][SPECWEB_TIMEOUT] = ex + to > 0 ? row[N] * to / (ex + to) : 0;
		for (int j = 0; j < SPECWEB_NSTATES; j++)
			if (m->P[i][j] > 0)
				m->kl += pi[i] * m->P[i][j] * log(m->P[i][j] / m->raw[i][j]);
	}
	return 0;
}

/* E[T] / step - mean / step for the pmf with ratio q on 1..K, by direct sums
** (stable up to q = 1, the uniform). */
static double think_mean_gap(double q, void *arg)
{
	const struct specweb *m = arg;
	double w = 1, sw = 0, skw = 0;

	for (int k = 1; k <= m->think_k; k++) {
		sw += w;
		skw += k * w;
		w *= q;
	}
	return skw / sw - m->p.think_mean / m->p.think_step;
}

static int fit_think(struct specweb *m)
{
	gsl_function f = { think_mean_gap, m };
	gsl_root_fsolver *s;
	double q = 0;
	int status = GSL_CONTINUE;

	m->think_k = (int)floor(m->p.think_max / m->p.think_step + 0.5);
	/* check_params made the gap negative at q = 0 (mean above one step)
	** and positive at q = 1 (below the uniform's), so [0, 1] brackets q */
	s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	if (!s)
		return -ENOMEM;
	gsl_root_fsolver_set(s, &f, 0, 1);
	for (int it = 0; it < 200 && status == GSL_CONTINUE; it++) {
		gsl_root_fsolver_iterate(s);
		q = gsl_root_fsolver_root(s);
		status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
						1e-15, 1e-15);
	}
	gsl_root_fsolver_free(s);
	if (status != GSL_SUCCESS || !(q > 0 && q < 1))
		return -EDOM;
	m->think_q = q;
	m->think_theta = -m->p.think_step / log(q);
	m->think_trunc = -expm1(m->think_k * log(q));   /* 1 - q^K */
	return 0;
}

/* Cumulative outcome tables for sampling, zero-probability outcomes left out. */
static void build_rows(struct specweb *m)
{
	for (int i = 0; i < N; i++) {
		double cum = 0;
		int n = 0;

		for (int j = 0; j < SPECWEB_NSTATES; j++) {
			if (!(m->P[i][j] > 0))
				continue;
			cum += m->P[i][j];
			m->out_to[i][n] = j;
			m->out_cum[i][n++] = cum;
		}
		m->out_cum[i][n - 1] = 1;  /* rounding never falls off the end */
		m->nout[i] = n;
	}
}

int specweb_init(struct specweb *m, const struct specweb_params *p)
{
	int err;

	memset(m, 0, sizeof *m);
	if ((err = check_params(p)))
		return err;
	m->p = *p;
	if ((err = load_tables(m)))
		return err;
	if ((err = chain_stats((const double (*)[SPECWEB_NSTATES])m->raw, &m->kit)))
		return err;
	if (p->use_raw_chain)
		memcpy(m->P, m->raw, sizeof m->P);
	else if ((err = adjust(m, p->session_pages > 0 ? 1 / p->session_pages : -1)))
		return err;
	if ((err = chain_stats((const double (*)[SPECWEB_NSTATES])m->P, &m->used)))
		return err;
	if ((err = fit_think(m)))
		return err;
	/* first pages never think, so at most 1 - 1/L of pages can */
	double others = 1 - 1 / m->used.pages;

	m->think_prob = others > 0 ? p->think_share / others : 0;
	if (m->think_prob > 1 - 1e-12)
		m->think_prob = 1;
	m->think_share = m->think_prob * others;
	build_rows(m);
	return 0;
}

void specweb_session_start(const struct specweb *m, struct specweb_user *u)
{
	(void)m;
	memset(u, 0, sizeof *u);
	u->state = SPECWEB_EXIT;
}

int64_t specweb_think_ns(const struct specweb *m, gsl_rng *r)
{
	/* X = F^-1(U F(max)) for X ~ Exp(theta): X | X <= max; T = step ceil(X/step) */
	double x = gsl_cdf_exponential_Pinv(gsl_rng_uniform_pos(r) * m->think_trunc, m->think_theta);
	double k = ceil(x / m->p.think_step);

	if (k < 1)
		k = 1;
	if (k > m->think_k)
		k = m->think_k;
	return (int64_t)llround(k * m->p.think_step * 1e9);
}

double specweb_think_pmf(const struct specweb *m, int k)
{
	if (k < 1 || k > m->think_k)
		return 0;
	return pow(m->think_q, k - 1) * (1 - m->think_q) / m->think_trunc;
}

static int next_state(const struct specweb *m, int from, gsl_rng *r)
{
	double u = gsl_rng_uniform(r);
	int n = m->nout[from];

	for (int k = 0; k < n - 1; k++)
		if (u < m->out_cum[from][k])
			return m->out_to[from][k];
	return m->out_to[from][n - 1];
}

int specweb_next_page(struct specweb *m, struct specweb_user *u, gsl_rng *r, struct specweb_page *out)
{
	int page;

	if (u->state < 0 || u->state > SPECWEB_EXIT)
		return -EINVAL;
	if (u->state == SPECWEB_EXIT) {
		/* a new session: index, no think time, fresh connections */
		specweb_session_start(m, u);
		page = SPECWEB_INDEX;
		out->first = 1;
		out->think_ns = 0;
		m->c.sessions++;
	} else {
		page = next_state(m, u->state, r);
		if (page >= N) {
			memset(out, 0, offsetof(struct specweb_page, img));
			out->page = page;
			u->state = SPECWEB_EXIT;
			m->c.exits += page == SPECWEB_EXIT;
			m->c.timeouts += page == SPECWEB_TIMEOUT;
			return 0;
		}
		out->first = 0;
		out->think_ns = 0;
		if (m->think_prob >= 1 || gsl_rng_uniform(r) < m->think_prob) {
			out->think_ns = specweb_think_ns(m, r);
			m->c.thinks++;
			m->c.think_s += out->think_ns / 1e9;
		}
	}
	u->state = page;
	u->npages++;

	const struct specweb_page_def *pg = &specweb_pages[page];
	const struct specweb_image *im = &specweb_images[m->img0[page]];

	out->page = page;
	out->ssl = pg->ssl;
	out->dyn_bytes = pg->padding;
	out->bytes = pg->padding;
	out->nimg = pg->nimg;
	out->n304 = 0;
	for (int k = 0; k < pg->nimg; k++) {
		struct specweb_req *q = &out->img[k];
		int nm = m->p.not_modified && im[k].p304 > 0 && gsl_rng_uniform(r) < im[k].p304;

		q->file = im[k].file;
		q->status = nm ? 304 : 200;
		q->bytes = nm ? 0 : im[k].bytes;
		out->bytes += q->bytes;
		out->n304 += nm;
	}
	m->c.pages[page]++;
	m->c.ssl_pages += pg->ssl;
	m->c.images += (uint64_t)pg->nimg;
	m->c.not_modified += (uint64_t)out->n304;
	m->c.bytes += out->bytes;
	return 0;
}

int specweb_conn_request(struct specweb *m, struct specweb_user *u, int c, int ssl, gsl_rng *r)
{
	struct specweb_conn *k;

	if (c < 0 || c >= m->p.conns)
		return -EINVAL;
	k = &u->conn[c];
	if (k->left > 0 && k->ssl == !!ssl) {
		k->left--;
		return 0;
	}
	/* open a new one (closing one of the other SSL-ness) */
	k->ssl = !!ssl;
	k->left = 1;
	m->c.conns++;
	if (m->p.keepalive_share > 0 && gsl_rng_uniform(r) < m->p.keepalive_share) {
		unsigned long span = (unsigned long)(m->p.keepalive_max - m->p.keepalive_min + 1);

		k->left = m->p.keepalive_min + (int)gsl_rng_uniform_int(r, span);
		m->c.conns_keepalive++;
	}
	k->left--;
	return 1;
}

int64_t specweb_wire_ns(const struct specweb *m, uint64_t bytes)
{
	return (int64_t)llround((double)bytes / m->p.link_rate * 1e9);
}

uint64_t specweb_mix(const struct specweb *m, uint64_t counts[SPECWEB_NPAGES])
{
	uint64_t total = 0;

	for (int i = 0; i < N; i++) {
		counts[i] = m->c.pages[i];
		total += counts[i];
	}
	return total;
}

void specweb_mix_pct(const struct specweb *m, double pct[SPECWEB_NPAGES])
{
	uint64_t counts[N];
	uint64_t total = specweb_mix(m, counts);

	for (int i = 0; i < N; i++)
		pct[i] = total ? 100.0 * (double)counts[i] / (double)total : 0;
}

void specweb_reset_counts(struct specweb *m)
{
	memset(&m->c, 0, sizeof m->c);
}

void specweb_dump(const struct specweb *m, FILE *f)
{
	uint64_t counts[N];
	double pct[N];

	specweb_mix_pct(m, pct);
	fprintf(f, "SPECweb2005 E-commerce sessions: %s chain",
		m->p.use_raw_chain ? "the kit's (raw)" : "adjusted (I-projection)");
	if (!m->p.use_raw_chain)
		fprintf(f, ", %d IPF sweeps, D = %.5f nats", m->ipf_iters, m->kl);
	fprintf(f, "\n  %-19s %8s %8s %8s %8s   transitions kit -> in use\n", "page", "expect%", "kit%",
		"chain%", "made%");
	for (int i = 0; i < N; i++) {
		fprintf(f, "  %-19s %8.4f %8.4f %8.4f %8.4f  ", specweb_pages[i].name,
			specweb_pages[i].expected_pct, 100 * m->kit.pi[i], 100 * m->used.pi[i], pct[i]);
		for (int j = 0; j < SPECWEB_NSTATES; j++)
			if (m->raw[i][j] > 0 || m->P[i][j] > 0)
				fprintf(f, " %s %.3f->%.4f", specweb_state_name(j), m->raw[i][j],
					m->P[i][j]);
		fputc('\n', f);
	}
	fprintf(f, "  pages per session: kit %.4f, in use %.4f, made %.4f\n", m->kit.pages, m->used.pages,
		m->c.sessions ? (double)specweb_mix(m, counts) / (double)m->c.sessions : 0.0);
	fprintf(f, "  think: %.0f..%.0f s step %.0f, mean %.3f s (q %.6f, theta %.4f s), share %.4f (p %.6f)\n",
		m->p.think_step, m->p.think_max, m->p.think_step, m->p.think_mean, m->think_q,
		m->think_theta, m->think_share, m->think_prob);
}
