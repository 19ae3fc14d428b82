/*
** The SPECweb2005 E-commerce client model (models/specweb.c) against its
** exact values: the chains' stationary mixes solved here with GSL's linear
** algebra (independently of the model's own analysis), session lengths
** from the absorbing chain's fundamental matrix, the think-time pmf's
** moments, and the kit's tables (docs/sources.md sec. 2).  Long simulated
** runs (fixed seeds) must reproduce them.
*/
#include "tests/cutest.h"
#include "models/specweb.h"
#include "sim/scenario/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_rng.h>

#define NP SPECWEB_NPAGES

/* The kit's chain as shipped (values computed once with this file's
** solver and checked by hand in Python): confirm's stationary share and
** the mean pages per session, sessions restarting at index. */
#define KIT_CONFIRM_PI 0.1157587170
#define KIT_PAGES      13.6702141807

/* mix-weighted padding sum_i expected_pct_i APPEND_SZ_i / 100, bytes, and
** the SSL pages' share, %, of the official mix */
#define MIX_PADDING    97850.789
#define MIX_SSL_PCT    13.2396

/*
** Pages simulated for the mixes.  Pages of one session are correlated
** (self-loops, and the kit's buyers see confirm 4 times), so a share's
** standard error is several times the binomial one: at 2 M pages up to
** 0.040 pp (adjusted, search) and 0.046 pp (kit, confirm).  These runs
** make the 0.1 pp tolerance about 5 standard errors.  HVSIM_SLOW=0: a
** tenth, with 0.35 pp.
*/
#define ADJ_RUN 8000000L
#define KIT_RUN 10000000L

static long pages_to_run(long n)
{
	return cut_slow() ? n : n / 10;
}

/* Stationary distribution of chain P with every session end (exit and
** time-out) restarting at index: pi (P' - I) = 0, sum pi = 1, solved as
** (P' - I)^T pi^T = 0 with the last equation replaced by the sum. */
static void exact_stationary(const double P[NP][SPECWEB_NSTATES], double pi[NP])
{
	gsl_matrix *A = gsl_matrix_alloc(NP, NP);
	gsl_vector *b = gsl_vector_calloc(NP), *x = gsl_vector_alloc(NP);
	gsl_permutation *perm = gsl_permutation_alloc(NP);
	int signum;

	for (int i = 0; i < NP; i++)
		for (int j = 0; j < NP; j++) {
			double end = P[i][SPECWEB_EXIT] + P[i][SPECWEB_TIMEOUT];
			double pij = P[i][j] + (j == SPECWEB_INDEX ? end : 0);

			gsl_matrix_set(A, j, i, pij - (i == j));
		}
	for (int i = 0; i < NP; i++)
		gsl_matrix_set(A, NP - 1, i, 1);
	gsl_vector_set(b, NP - 1, 1);
	gsl_linalg_LU_decomp(A, perm, &signum);
	gsl_linalg_LU_solve(A, perm, b, x);
	for (int i = 0; i < NP; i++)
		pi[i] = gsl_vector_get(x, i);
	gsl_matrix_free(A);
	gsl_vector_free(b);
	gsl_vector_free(x);
	gsl_permutation_free(perm);
}

/* Mean pages per session: sum of row index of N = (I - Q)^-1, Q the
** page-to-page part (the absorbing chain's fundamental matrix). */
static double exact_pages(const double P[NP][SPECWEB_NSTATES])
{
	gsl_matrix *A = gsl_matrix_alloc(NP, NP), *Ninv = gsl_matrix_alloc(NP, NP);
	gsl_permutation *perm = gsl_permutation_alloc(NP);
	int signum;
	double L = 0;

	for (int i = 0; i < NP; i++)
		for (int j = 0; j < NP; j++)
			gsl_matrix_set(A, i, j, (i == j) - P[i][j]);
	gsl_linalg_LU_decomp(A, perm, &signum);
	gsl_linalg_LU_invert(A, perm, Ninv);
	for (int j = 0; j < NP; j++)
		L += gsl_matrix_get(Ninv, SPECWEB_INDEX, j);
	gsl_matrix_free(A);
	gsl_matrix_free(Ninv);
	gsl_permutation_free(perm);
	return L;
}

static gsl_rng *rng(unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, seed);
	return r;
}

static struct specweb *model(const struct specweb_params *p)
{
	static struct specweb m;    /* big (sampling tables); one at a time */
	int err = specweb_init(&m, p);

	CU_ASSERT_EQUAL_FATAL(err, 0);
	return &m;
}

/* What a run of users produced, beyond the model's own counters. */
struct run {
	long pages, sessions, first_thinks, nonfirst_nothink, thinks, bad_think;
	double think_s, pad, session_len_sq;
	double dev_sq[NP];        /* sum over sessions of (count_i - pi_i length)^2 */
	long per_image[SPECWEB_NIMAGES], per_image_304[SPECWEB_NIMAGES];
	long img_mismatch;
	long think_bad_grid;
	int64_t think_max_ns;
};

/* nusers users in turn (round robin), until npages pages. */
static void simulate(struct specweb *m, gsl_rng *r, long npages, int nusers, struct run *out)
{
	struct specweb_user u[8];
	struct specweb_page pg;
	long len[8] = { 0 }, cur[8][NP] = { { 0 } };
	int first_image[NP];

	for (int k = SPECWEB_NIMAGES - 1; k >= 0; k--)
		first_image[specweb_images[k].page] = k;

	memset(out, 0, sizeof *out);
	for (int k = 0; k < nusers; k++)
		specweb_session_start(m, &u[k]);
	for (long n = 0; out->pages < npages; n++) {
		int k = (int)(n % nusers);

		if (specweb_next_page(m, &u[k], r, &pg) != 0) {
			CU_FAIL("specweb_next_page failed");
			return;
		}
		if (pg.page >= NP) {
			out->session_len_sq += (double)len[k] * (double)len[k];
			for (int i = 0; i < NP; i++) {
				double d = (double)cur[k][i] - m->used.pi[i] * (double)len[k];

				out->dev_sq[i] += d * d;
				cur[k][i] = 0;
			}
			len[k] = 0;
			continue;
		}
		len[k]++;
		cur[k][pg.page]++;
		out->pages++;
		out->sessions += pg.first;
		if (pg.first && pg.think_ns)
			out->first_thinks++;
		if (!pg.first && !pg.think_ns)
			out->nonfirst_nothink++;
		if (pg.think_ns) {
			out->thinks++;
			out->think_s += pg.think_ns / 1e9;
			if (pg.think_ns % 2000000000 || pg.think_ns < 2000000000LL)
				out->think_bad_grid++;
			if (pg.think_ns > out->think_max_ns)
				out->think_max_ns = pg.think_ns;
		}
		out->pad += pg.dyn_bytes;

		const struct specweb_page_def *d = &specweb_pages[pg.page];
		int first = first_image[pg.page];

		if (pg.nimg != d->nimg || pg.dyn_bytes != d->padding || pg.ssl != d->ssl)
			out->img_mismatch++;
		uint64_t bytes = pg.dyn_bytes;
		int n304 = 0;

		for (int i = 0; i < pg.nimg && i < d->nimg; i++) {
			const struct specweb_image *im = &specweb_images[first + i];
			const struct specweb_req *q = &pg.img[i];

			if (q->file != im->file || (q->status == 200 && q->bytes != im->bytes) ||
			    (q->status == 304 && q->bytes != 0) || (q->status != 200 && q->status != 304))
				out->img_mismatch++;
			out->per_image[first + i]++;
			out->per_image_304[first + i] += q->status == 304;
			n304 += q->status == 304;
			bytes += q->bytes;
		}
		if (bytes != pg.bytes || n304 != pg.n304)
			out->img_mismatch++;
	}
}

/*
** Simulated mix within tol percentage points of the chain's exact pi, and
** within 4.5 standard errors.  Sessions are i.i.d. cycles of the chain
** (regenerative method): with c_i pages i and L pages in a session, the
** share's variance is about Var(c_i - pi_i L) / (sessions E[L]^2).
*/
static void check_mix(const char *what, const struct specweb *m, const struct run *run, double tol)
{
	double pct[NP], worst = 0, worst_z = 0, sum = 0;
	uint64_t counts[NP];
	uint64_t total = specweb_mix(m, counts);
	double ended = (double)(m->c.exits + m->c.timeouts);

	specweb_mix_pct(m, pct);
	printf("\n    %s: %llu pages, %.0f sessions\n    %-19s %9s %9s %8s %7s %6s", what,
	       (unsigned long long)total, ended, "page", "exact%", "made%", "diff", "se", "z");
	for (int i = 0; i < NP; i++) {
		double d = pct[i] - 100 * m->used.pi[i];
		double se = 100 * sqrt(run->dev_sq[i]) / (double)total;

		printf("\n    %-19s %9.4f %9.4f %+8.4f %7.4f %+6.2f", specweb_pages[i].name,
		       100 * m->used.pi[i], pct[i], d, se, d / se);
		worst = fmax(worst, fabs(d));
		worst_z = fmax(worst_z, fabs(d / se));
		sum += pct[i];
		CU_ASSERT_DOUBLE_EQUAL(pct[i], 100.0 * (double)counts[i] / (double)total, 1e-12);
		CU_ASSERT_TRUE(fabs(d) < tol);
		CU_ASSERT_TRUE(fabs(d) < 4.5 * se);
	}
	printf("\n    worst %.4f pp (tolerance %.2f), worst |z| %.2f", worst, tol, worst_z);
	CU_ASSERT_DOUBLE_EQUAL(sum, 100, 1e-9);
}

/* ----------------------------------------------------------- tests --- */

static void test_tables(void)
{
	double pct = 0, imgs = 0;
	int ssl = 0;

	for (int i = 0; i < NP; i++) {
		const struct specweb_page_def *d = &specweb_pages[i];
		int n = 0;
		uint64_t bytes = 0;

		for (int k = 0; k < SPECWEB_NIMAGES; k++)
			if (specweb_images[k].page == i) {
				n++;
				bytes += specweb_images[k].bytes;
				CU_ASSERT_TRUE(specweb_images[k].p304 >= 0 && specweb_images[k].p304 <= 0.3);
				CU_ASSERT_TRUE(specweb_images[k].bytes > 0);
			}
		CU_ASSERT_EQUAL(n, d->nimg);
		CU_ASSERT_EQUAL(bytes, d->img_bytes);
		CU_ASSERT_TRUE(d->nimg >= 5 && d->nimg <= SPECWEB_MAX_IMAGES);
		CU_ASSERT_TRUE(d->padding >= 17000 && d->padding <= 167000);
		pct += d->expected_pct;
		imgs += d->expected_pct / 100 * d->nimg;
		ssl += d->ssl;
	}
	CU_ASSERT_DOUBLE_EQUAL(pct, 100, 1e-9);
	CU_ASSERT_EQUAL(ssl, 4);
	CU_ASSERT_EQUAL(specweb_pages[SPECWEB_CART].nimg, 40);
	CU_ASSERT_EQUAL(specweb_pages[SPECWEB_CONFIRM].padding, 23000);
	CU_ASSERT_EQUAL(specweb_images[SPECWEB_NIMAGES - 1].file, 172);
	/* REFERENCE: ~15 images per page on average by the mix */
	CU_ASSERT_DOUBLE_EQUAL(imgs, 15.143594, 1e-6);

	/* the kit's rows: all sum to 1 (no time-outs as shipped) */
	double row[NP] = { 0 };

	for (int e = 0; e < SPECWEB_NEDGES; e++)
		row[specweb_edges[e].from] += specweb_edges[e].p;
	for (int i = 0; i < NP; i++)
		CU_ASSERT_DOUBLE_EQUAL(row[i], 1, 1e-12);
	printf("\n    13 pages, %d edges, %d image rows; %.4f images per page by the mix", SPECWEB_NEDGES,
	       SPECWEB_NIMAGES, imgs);
}

static void test_mix_padding_ssl(void)
{
	double pad = 0, ssl = 0;

	for (int i = 0; i < NP; i++) {
		pad += specweb_pages[i].expected_pct / 100 * specweb_pages[i].padding;
		ssl += specweb_pages[i].ssl ? specweb_pages[i].expected_pct : 0;
	}
	printf("\n    mix-weighted padding %.3f B, SSL pages %.4f%%", pad, ssl);
	CU_ASSERT_DOUBLE_EQUAL(pad, MIX_PADDING, 1e-6);   /* REFERENCE: ~98 KB */
	CU_ASSERT_DOUBLE_EQUAL(ssl, MIX_SSL_PCT, 1e-9);   /* REFERENCE: ~13% */

	/* and a simulated run produces them */
	struct specweb_params p;

	specweb_params_default(&p);
	struct specweb *m = model(&p);
	gsl_rng *r = rng(7);
	static struct run run;
	long n = pages_to_run(1000000);

	simulate(m, r, n, 4, &run);
	double made_pad = run.pad / (double)run.pages;
	double made_ssl = 100.0 * (double)m->c.ssl_pages / (double)run.pages;

	printf("\n    made: padding %.1f B per page, SSL %.3f%%", made_pad, made_ssl);
	CU_ASSERT_DOUBLE_EQUAL(made_pad, MIX_PADDING, cut_slow() ? 600 : 2000);
	CU_ASSERT_DOUBLE_EQUAL(made_ssl, MIX_SSL_PCT, cut_slow() ? 0.15 : 0.5);
	gsl_rng_free(r);
}

static void test_kit_chain(void)
{
	struct specweb_params p;

	specweb_params_default(&p);
	p.use_raw_chain = 1;
	struct specweb *m = model(&p);
	double pi[NP];

	exact_stationary((const double (*)[SPECWEB_NSTATES])m->P, pi);
	double L = exact_pages((const double (*)[SPECWEB_NSTATES])m->P);

	printf("\n    kit chain: confirm %.8f%% (expected %.4f%%), login %.4f%%, %.6f pages per session",
	       100 * pi[SPECWEB_CONFIRM], specweb_pages[SPECWEB_CONFIRM].expected_pct,
	       100 * pi[SPECWEB_LOGIN], L);
	CU_ASSERT_DOUBLE_EQUAL(pi[SPECWEB_CONFIRM], KIT_CONFIRM_PI, 1e-10);
	CU_ASSERT_DOUBLE_EQUAL(L, KIT_PAGES, 1e-9);
	/* the model's own analysis agrees, and the raw chain is the table */
	for (int i = 0; i < NP; i++) {
		CU_ASSERT_DOUBLE_EQUAL(m->used.pi[i], pi[i], 1e-12);
		CU_ASSERT_DOUBLE_EQUAL(m->kit.pi[i], pi[i], 1e-12);
	}
	CU_ASSERT_DOUBLE_EQUAL(m->used.pages, L, 1e-10);
	for (int e = 0; e < SPECWEB_NEDGES; e++) {
		const struct specweb_edge *d = &specweb_edges[e];

		CU_ASSERT_DOUBLE_EQUAL(m->P[d->from][d->to], d->p, 0);
	}
	CU_ASSERT_DOUBLE_EQUAL(m->used.timeout_share, 0, 0);
	/* 1 - 1/L of pages are not first; the share 91.94% needs p = 0.99196 */
	CU_ASSERT_DOUBLE_EQUAL(m->think_prob, 0.9194 / (1 - 1 / L), 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(m->think_share, 0.9194, 1e-12);

	gsl_rng *r = rng(11);
	static struct run run;

	simulate(m, r, pages_to_run(KIT_RUN), 1, &run);
	check_mix("kit chain, simulated", m, &run, cut_slow() ? 0.1 : 0.35);
	double share = (double)run.thinks / (double)run.pages;

	printf("\n    think share %.5f (p %.5f)", share, m->think_prob);
	CU_ASSERT_DOUBLE_EQUAL(share, 0.9194, cut_slow() ? 0.001 : 0.003);
	CU_ASSERT_EQUAL(run.first_thinks, 0);
	gsl_rng_free(r);
}

static void test_adjusted_exact(void)
{
	struct specweb_params p;

	specweb_params_default(&p);
	struct specweb *m = model(&p);
	double pi[NP], worst = 0;

	exact_stationary((const double (*)[SPECWEB_NSTATES])m->P, pi);
	for (int i = 0; i < NP; i++) {
		double d = fabs(pi[i] - specweb_pages[i].expected_pct / 100);

		worst = fmax(worst, d);
		CU_ASSERT_TRUE(d < 1e-6);
		CU_ASSERT_DOUBLE_EQUAL(m->used.pi[i], pi[i], 1e-12);
	}
	double L = exact_pages((const double (*)[SPECWEB_NSTATES])m->P);

	printf("\n    adjusted: %d IPF sweeps, D = %.6f nats, |pi - expected| <= %.2e, %.6f pages per session "
	       "(kit %.6f)",
	       m->ipf_iters, m->kl, worst, L, m->kit.pages);
	CU_ASSERT_DOUBLE_EQUAL(L, 1 / (1 - 0.9194), 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(m->used.pages, L, 1e-10);
	CU_ASSERT_DOUBLE_EQUAL(m->kit.pages, KIT_PAGES, 1e-9);
	CU_ASSERT_TRUE(m->kl > 0.05 && m->kl < 0.08);
	/* same graph: an edge is there exactly when the kit has it; rows stochastic */
	for (int i = 0; i < NP; i++) {
		double sum = 0;

		for (int j = 0; j < SPECWEB_NSTATES; j++) {
			CU_ASSERT_EQUAL(m->P[i][j] > 0, m->raw[i][j] > 0);
			sum += m->P[i][j];
		}
		CU_ASSERT_DOUBLE_EQUAL(sum, 1, 1e-12);
	}
	/* the forced changes (specweb.c): shipping -> billing = pi_billing / pi_shipping */
	CU_ASSERT_DOUBLE_EQUAL(m->P[SPECWEB_SHIPPING][SPECWEB_BILLING], 3.3743 / 3.5525, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(m->P[SPECWEB_LOGIN][SPECWEB_SHIPPING], 3.5525 / 3.7778, 1e-9);
	CU_ASSERT_TRUE(m->P[SPECWEB_BILLING][SPECWEB_CONFIRM] < 2.535 / 3.3743);
	/* ten rows keep their exit near the kit's 0.05 */
	int near = 0;

	for (int i = 0; i < NP; i++)
		near += fabs(m->P[i][SPECWEB_EXIT] - 0.05) < 0.02;
	CU_ASSERT_EQUAL(near, 10);
	/* every page but a session's first thinks: exactly 91.94% */
	CU_ASSERT_DOUBLE_EQUAL(m->think_prob, 1, 0);
	CU_ASSERT_DOUBLE_EQUAL(m->think_share, 0.9194, 1e-12);

	/* left free, the session length is the I-projection's own */
	p.session_pages = 0;
	m = model(&p);
	exact_stationary((const double (*)[SPECWEB_NSTATES])m->P, pi);
	for (int i = 0; i < NP; i++)
		CU_ASSERT_DOUBLE_EQUAL(pi[i], specweb_pages[i].expected_pct / 100, 1e-6);
	L = exact_pages((const double (*)[SPECWEB_NSTATES])m->P);
	printf("\n    free session length: %.6f pages, D = %.6f nats, think share at most %.5f", L, m->kl,
	       m->think_share);
	CU_ASSERT_DOUBLE_EQUAL(L, 12.1862, 1e-3);
	CU_ASSERT_TRUE(m->think_share < 0.9194);
	/* shorter sessions than 1/L_min or longer than feasible: no such chain */
	p.session_pages = 5;
	struct specweb bad;

	CU_ASSERT_EQUAL(specweb_init(&bad, &p), -EDOM);
	p.session_pages = 50;
	CU_ASSERT_EQUAL(specweb_init(&bad, &p), -EDOM);
	p.session_pages = 20;
	CU_ASSERT_EQUAL(specweb_init(&bad, &p), 0);
	CU_ASSERT_DOUBLE_EQUAL(bad.used.pages, 20, 1e-9);
}

static void test_adjusted_sim(void)
{
	struct specweb_params p;

	specweb_params_default(&p);
	struct specweb *m = model(&p);
	gsl_rng *r = rng(2005);
	static struct run run;
	long n = pages_to_run(ADJ_RUN);

	simulate(m, r, n, 1, &run);
	check_mix("adjusted chain, simulated", m, &run, cut_slow() ? 0.1 : 0.35);

	/* sessions: a single user's sessions are i.i.d.; the last may be cut */
	double ended = (double)(m->c.exits + m->c.timeouts);
	double mean = (double)run.pages / (double)run.sessions;
	double var = run.session_len_sq / ended - mean * mean;
	double se = sqrt(var / ended);

	printf("\n    %ld sessions, %.4f pages each (exact %.4f, se %.4f, sd %.2f)", run.sessions, mean,
	       m->used.pages, se, sqrt(var));
	CU_ASSERT_TRUE(fabs(mean - m->used.pages) < 4 * se);
	CU_ASSERT_EQUAL((uint64_t)run.sessions, m->c.sessions);
	CU_ASSERT_EQUAL(m->c.timeouts, 0);

	/* think time: first pages never, every other page always */
	double share = (double)run.thinks / (double)run.pages;

	printf("\n    think share %.5f, mean think %.4f s, longest %.0f s", share,
	       run.think_s / (double)run.thinks, run.think_max_ns / 1e9);
	CU_ASSERT_EQUAL(run.first_thinks, 0);
	CU_ASSERT_EQUAL(run.nonfirst_nothink, 0);
	CU_ASSERT_EQUAL(run.think_bad_grid, 0);
	CU_ASSERT_TRUE(run.think_max_ns <= 150000000000LL);
	CU_ASSERT_DOUBLE_EQUAL(share, 0.9194, cut_slow() ? 0.0006 : 0.002);
	CU_ASSERT_EQUAL((uint64_t)run.thinks, m->c.thinks);
	CU_ASSERT_EQUAL(run.img_mismatch, 0);

	/* the model's counters reset */
	uint64_t counts[NP];

	specweb_reset_counts(m);
	CU_ASSERT_EQUAL(specweb_mix(m, counts), 0);
	gsl_rng_free(r);
}

static void test_think(void)
{
	struct specweb_params p;

	specweb_params_default(&p);
	struct specweb *m = model(&p);

	/* the pmf, rebuilt here from q: P(k) = q^(k-1) (1-q) / (1-q^K) */
	double q = m->think_q, sum = 0, mean = 0, m2 = 0;
	int K = m->think_k;

	CU_ASSERT_EQUAL(K, 75);
	for (int k = 1; k <= K; k++) {
		double pk = pow(q, k - 1) * (1 - q) / (1 - pow(q, K));

		CU_ASSERT_DOUBLE_EQUAL(specweb_think_pmf(m, k), pk, 1e-15);
		sum += pk;
		mean += 2.0 * k * pk;
		m2 += 4.0 * k * k * pk;
	}
	double sd = sqrt(m2 - mean * mean);

	CU_ASSERT_EQUAL(specweb_think_pmf(m, 0), 0);
	CU_ASSERT_EQUAL(specweb_think_pmf(m, K + 1), 0);
	CU_ASSERT_DOUBLE_EQUAL(sum, 1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(mean, 10, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(q, 0.8, 1e-6);   /* untruncated geometric: 1/(1-q) = 5 steps */
	CU_ASSERT_DOUBLE_EQUAL(m->think_theta, -2 / log(q), 1e-12);

	gsl_rng *r = rng(99);
	long n = pages_to_run(1000000), off_grid = 0, at[76] = { 0 };
	double s = 0;
	int64_t lo = INT64_MAX, hi = 0;

	for (long i = 0; i < n; i++) {
		int64_t t = specweb_think_ns(m, r);

		s += t / 1e9;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
		off_grid += t % 2000000000 != 0;
		if (t >= 2000000000 && t <= 150000000000LL)
			at[t / 2000000000]++;
	}
	double se = sd / sqrt((double)n);

	printf("\n    think: q %.9f theta %.4f s, exact mean %.9f s sd %.4f s; sampled mean %.4f s (se %.4f), "
	       "range %.0f..%.0f s",
	       q, m->think_theta, mean, sd, s / (double)n, se, lo / 1e9, hi / 1e9);
	CU_ASSERT_TRUE(fabs(s / (double)n - mean) < 4 * se);
	CU_ASSERT_EQUAL(off_grid, 0);
	CU_ASSERT_TRUE(lo >= 2000000000 && hi <= 150000000000LL);
	for (int k = 1; k <= 10; k++) {
		double pk = specweb_think_pmf(m, k);

		CU_ASSERT_TRUE(fabs((double)at[k] / (double)n - pk) < 5 * sqrt(pk * (1 - pk) / (double)n));
	}

	/* a long mean makes the 150 s cap matter: it is reached, never passed,
	** and the mean is still the pmf's */
	p.think_mean = 60;
	m = model(&p);
	double p75 = specweb_think_pmf(m, 75), mean60 = 0;

	for (int k = 1; k <= 75; k++)
		mean60 += 2.0 * k * specweb_think_pmf(m, k);
	CU_ASSERT_DOUBLE_EQUAL(mean60, 60, 1e-9);
	long top = 0;

	s = 0;
	hi = 0;
	for (long i = 0; i < n; i++) {
		int64_t t = specweb_think_ns(m, r);

		top += t == 150000000000LL;
		hi = t > hi ? t : hi;
		s += t / 1e9;
	}
	printf("\n    mean 60 s: theta %.3f s, P(150 s) %.5f, sampled %.5f, mean %.3f s", m->think_theta, p75,
	       (double)top / (double)n, s / (double)n);
	CU_ASSERT_EQUAL(hi, 150000000000LL);
	CU_ASSERT_TRUE(fabs((double)top / (double)n - p75) < 5 * sqrt(p75 * (1 - p75) / (double)n));
	CU_ASSERT_DOUBLE_EQUAL(s / (double)n, 60, 0.5);
	gsl_rng_free(r);
}

static void test_images_304(void)
{
	struct specweb_params p;

	specweb_params_default(&p);
	struct specweb *m = model(&p);
	gsl_rng *r = rng(304);
	static struct run run;
	long n = pages_to_run(1000000);
	double worst = 0;

	simulate(m, r, n, 3, &run);
	CU_ASSERT_EQUAL(run.img_mismatch, 0);
	for (int k = 0; k < SPECWEB_NIMAGES; k++) {
		double pk = specweb_images[k].p304;
		long cnt = run.per_image[k], nm = run.per_image_304[k];

		CU_ASSERT_TRUE_FATAL(cnt > 1000);
		CU_ASSERT_EQUAL(cnt, (long)m->c.pages[specweb_images[k].page]);
		if (pk == 0) {
			CU_ASSERT_EQUAL(nm, 0);
			continue;
		}
		double share = (double)nm / (double)cnt, z = (share - pk) / sqrt(pk * (1 - pk) / (double)cnt);

		worst = fmax(worst, fabs(z));
		CU_ASSERT_TRUE(fabs(z) < 5);
	}
	double per_page = (double)m->c.images / (double)run.pages;

	printf("\n    %llu images (%.3f per page), %.3f%% answered 304; worst image |z| %.2f",
	       (unsigned long long)m->c.images, per_page,
	       100.0 * (double)m->c.not_modified / (double)m->c.images, worst);
	CU_ASSERT_DOUBLE_EQUAL(per_page, 15.1436, 0.1);

	/* 304s off: every image is a 200 with its bytes */
	p.not_modified = 0;
	m = model(&p);
	simulate(m, r, 20000, 1, &run);
	CU_ASSERT_EQUAL(m->c.not_modified, 0);
	CU_ASSERT_EQUAL(run.img_mismatch, 0);
	gsl_rng_free(r);
}

static void test_conns(void)
{
	struct specweb_params p;

	specweb_params_default(&p);
	struct specweb *m = model(&p);
	struct specweb_user u;
	gsl_rng *r = rng(70);
	long n = pages_to_run(1000000), opens = 0;

	specweb_session_start(m, &u);
	for (long i = 0; i < n; i++)
		opens += specweb_conn_request(m, &u, (int)(i & 1), 0, r);
	/* requests per connection: 0.3 x 1 + 0.7 x 10 = 7.3 */
	double per = (double)n / (double)opens, ka = (double)m->c.conns_keepalive / (double)m->c.conns;

	printf("\n    %.4f requests per connection (exact 7.3), %.4f kept alive", per, ka);
	CU_ASSERT_EQUAL((uint64_t)opens, m->c.conns);
	CU_ASSERT_DOUBLE_EQUAL(per, 7.3, 0.1);
	CU_ASSERT_DOUBLE_EQUAL(ka, 0.7, 5 * sqrt(0.21 / (double)opens));
	/* a kept-alive connection carries the next request unless SSL-ness changes */
	specweb_session_start(m, &u);
	CU_ASSERT_EQUAL(specweb_conn_request(m, &u, 0, 1, r), 1);
	if (u.conn[0].left > 0) {
		CU_ASSERT_EQUAL(specweb_conn_request(m, &u, 0, 1, r), 0);
		CU_ASSERT_EQUAL(specweb_conn_request(m, &u, 0, 0, r), 1);
	}
	CU_ASSERT_EQUAL(specweb_conn_request(m, &u, 2, 0, r), -EINVAL);
	CU_ASSERT_EQUAL(specweb_conn_request(m, &u, -1, 0, r), -EINVAL);
	/* the user's line: 100,000 B/s */
	CU_ASSERT_EQUAL(specweb_wire_ns(m, 100000), 1000000000);
	CU_ASSERT_EQUAL(specweb_wire_ns(m, 97850), 978500000);
	gsl_rng_free(r);
}

static void test_params(void)
{
	struct specweb_params p, d;
	struct specweb m;

	specweb_params_default(&d);
	CU_ASSERT_EQUAL(d.conns, 2);
	CU_ASSERT_DOUBLE_EQUAL(d.link_rate, 100000, 0);
	CU_ASSERT_DOUBLE_EQUAL(d.session_pages, 12.406947890818858, 1e-12);
	p = d, p.think_step = 0;
	CU_ASSERT_EQUAL(specweb_init(&m, &p), -EINVAL);
	p = d, p.think_max = 151;            /* not a multiple of the step */
	CU_ASSERT_EQUAL(specweb_init(&m, &p), -EINVAL);
	p = d, p.think_mean = 2;             /* no decreasing pmf has mean = one step */
	CU_ASSERT_EQUAL(specweb_init(&m, &p), -EINVAL);
	p = d, p.think_mean = 76;            /* nor the uniform's mean */
	CU_ASSERT_EQUAL(specweb_init(&m, &p), -EINVAL);
	p = d, p.think_share = 1.5;
	CU_ASSERT_EQUAL(specweb_init(&m, &p), -EINVAL);
	p = d, p.session_pages = -1;
	CU_ASSERT_EQUAL(specweb_init(&m, &p), -EINVAL);
	p = d, p.conns = 0;
	CU_ASSERT_EQUAL(specweb_init(&m, &p), -EINVAL);
	p = d, p.conns = SPECWEB_MAX_CONNS + 1;
	CU_ASSERT_EQUAL(specweb_init(&m, &p), -EINVAL);
	p = d, p.keepalive_min = 16;
	CU_ASSERT_EQUAL(specweb_init(&m, &p), -EINVAL);
	p = d, p.link_rate = 0;
	CU_ASSERT_EQUAL(specweb_init(&m, &p), -EINVAL);
	p = d, p.keepalive_share = -0.1;
	CU_ASSERT_EQUAL(specweb_init(&m, &p), -EINVAL);

	/* a corrupted user state is refused, not followed */
	struct specweb_user u;
	struct specweb_page pg;
	gsl_rng *r = rng(1);

	CU_ASSERT_EQUAL_FATAL(specweb_init(&m, &d), 0);
	specweb_session_start(&m, &u);
	u.state = 99;
	CU_ASSERT_EQUAL(specweb_next_page(&m, &u, r, &pg), -EINVAL);
	CU_ASSERT_STRING_EQUAL(specweb_state_name(SPECWEB_CONFIRM), "confirm");
	CU_ASSERT_STRING_EQUAL(specweb_state_name(SPECWEB_EXIT), "exit");
	CU_ASSERT_STRING_EQUAL(specweb_state_name(SPECWEB_TIMEOUT), "timeout");
	CU_ASSERT_STRING_EQUAL(specweb_state_name(-1), "?");
	gsl_rng_free(r);
}

/* Same seed, same sessions; the first page of each is index without think. */
static void test_repeatable(void)
{
	struct specweb_params p;

	specweb_params_default(&p);
	struct specweb *m = model(&p);
	struct specweb_user u1, u2;
	static struct specweb_page a, b;
	gsl_rng *r1 = rng(5), *r2 = rng(5);
	int diff = 0, starts = 0, ends = 0, last = SPECWEB_EXIT;

	specweb_session_start(m, &u1);
	specweb_session_start(m, &u2);
	for (int i = 0; i < 20000; i++) {
		CU_ASSERT_EQUAL_FATAL(specweb_next_page(m, &u1, r1, &a), 0);
		CU_ASSERT_EQUAL_FATAL(specweb_next_page(m, &u2, r2, &b), 0);
		diff += a.page != b.page || (a.page < NP && (a.think_ns != b.think_ns || a.bytes != b.bytes));
		if (last >= NP) {
			starts++;
			CU_ASSERT_EQUAL(a.page, SPECWEB_INDEX);
			CU_ASSERT_EQUAL(a.first, 1);
			CU_ASSERT_EQUAL(a.think_ns, 0);
		} else if (a.page < NP) {
			/* only the kit's edges are walked */
			CU_ASSERT_TRUE(m->raw[last][a.page] > 0);
		}
		ends += a.page >= NP;
		last = a.page;
	}
	CU_ASSERT_EQUAL(diff, 0);
	CU_ASSERT_TRUE(starts > 1000 && ends >= starts - 1);
	gsl_rng_free(r1);
	gsl_rng_free(r2);

	/* the chain side by side, for the record */
	printf("\n");
	specweb_dump(m, stdout);
}

/* The scenario loader's page names (what <page name> accepts) are the
** model's, in its order. */
static void test_page_names(void)
{
	CU_ASSERT_EQUAL(SCN_SPECWEB_PAGES, SPECWEB_NPAGES);
	for (int k = 0; k < SPECWEB_NPAGES && k < SCN_SPECWEB_PAGES; k++)
		CU_ASSERT_STRING_EQUAL(scn_specweb_pages[k], specweb_pages[k].name);
}

void tests_register(void)
{
	static const struct cut_test tests[] = {
		{ "tables: images, bytes, mix", test_tables },
		{ "mix-weighted padding and SSL share", test_mix_padding_ssl },
		{ "kit chain: its own mix and length", test_kit_chain },
		{ "adjusted chain: exact mix, graph, length", test_adjusted_exact },
		{ "adjusted chain: simulated mix and sessions", test_adjusted_sim },
		{ "think time: truncated discretised exponential", test_think },
		{ "images: counts, bytes, 304 shares", test_images_304 },
		{ "connections: keep-alive, line rate", test_conns },
		{ "parameters and bad input", test_params },
		{ "repeatable sessions", test_repeatable },
		{ "the scenario's page names are the model's", test_page_names },
		{ NULL, NULL },
	};
	cut_suite("specweb", tests);
}
