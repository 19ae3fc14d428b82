/*
** The capacity search's dithered starts (sim/drive/capacity.c,
** cap__dither, `<capacity dither>`, docs/capacity.md "Dither") on
** synthetic pass curves whose crossing is known: a noiseless cliff, where
** the bracket's placement is a replication's only error, and a rough one,
** noisy and not monotone in the users, partly the same in every seed.
** The probe is replaced by the curve (cap__probe_hook); the scenario is
** the repairman's, for its capacity settings only.
*/
#include "tests/cutest.h"
#include "sim/drive/capacity.h"
#include "sim/drive/cap_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define REPAIRMAN "tests/data/capacity/repairman.xml"

/* A cliff with no noise at all: a probe passes at x users or fewer, with
** a margin of +1 point, and fails above with -1, so a replication's
** answer is the middle of its last bracket, and where that bracket falls
** is its only error. */
static double cliff_x;

static int cliff(const struct scenario *s, uint64_t seed, int users, struct cap_probe *p)
{
	(void)s;
	(void)seed;
	p->qos = (struct qos_count){ 1000, users <= cliff_x ? 980 : 960, 1000 };
	return 0;
}

/* R replications of the cliff at x from start (0: from min) with the
** given dither; how many of their answers differ from the first, the
** mean's error and whether the 95% t interval holds x. */
static void cliff_search(double x, int start, const char *dither, int *distinct, double *err, int *covers)
{
	char st[64], dt[64];
	snprintf(st, sizeof st, "capacity.start=%d", start);
	snprintf(dt, sizeof dt, "capacity.dither=%s", dither);
	const char *const sets[] = { "capacity.replications=40", "capacity.resolution=2%", "capacity.max=2000", "qos.good=97%", "qos.tolerable=99%",
				      st, dt, NULL };
	struct scenario s;
	cut_load_capacity(REPAIRMAN, sets, &s);
	struct cap_result r;
	char e[512];
	cliff_x = x;
	cap__probe_hook = cliff;
	int rc = cap_search(&s, 1, NULL, &r, e, sizeof e);
	cap__probe_hook = NULL;
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	*distinct = 0;
	for (int i = 1; i < r.nrep; i++)
		*distinct += r.rep[i].est != r.rep[0].est;
	*err = r.mean - x;
	*covers = r.ci_ok && r.ci_lo <= x && x <= r.ci_hi;
	cap_free(&r);
	scn_free(&s);
}

/* The dither (cap__dither): its draws uniform and a function of seed and
** start; each replication's grid moved, so on a noiseless cliff the
** replications' answers spread over the last bracket, their mean finds
** the cliff to a fraction of it and the interval holds it.  Undithered,
** every replication from the same start probes the same counts: one
** answer, an interval of width 0 that misses the cliff. */
static void test_dither(void)
{
	/* the draws: the same for the same seed and start, others for others,
	** uniform on [0, 1) (chi-square over 10 cells, 9 df, 99.9%: 27.9) */
	CU_ASSERT_EQUAL(cap__dither(7, 279), cap__dither(7, 279));
	CU_ASSERT(cap__dither(7, 279) != cap__dither(8, 279));
	CU_ASSERT(cap__dither(7, 279) != cap__dither(7, 292));
	int cell[10] = { 0 };
	for (int i = 0; i < 10000; i++) {
		double u = cap__dither((uint64_t)(1 + i / 100), 100 + i % 100);
		CU_ASSERT_FATAL(u >= 0 && u < 1);
		cell[(int)(u * 10)]++;
	}
	double chi = 0;
	for (int k = 0; k < 10; k++)
		chi += (cell[k] - 1000.0) * (cell[k] - 1000.0) / 1000.0;
	CU_ASSERT(chi < 27.9);
	/* the first probe: within one cell of the 2^(k/16) grid (centred on
	** the hint) or of the resolution in users, and inside [min, max] */
	struct scn_capacity c = { .min = 1, .max = 5000, .resolution = 10 };
	CU_ASSERT_EQUAL(cap__dither_start(&c, 280, 0.0), 275);
	CU_ASSERT_EQUAL(cap__dither_start(&c, 280, 0.999), 285);
	c.resolution_rel = 0.02;
	CU_ASSERT_EQUAL(cap__dither_start(&c, 279, 0.0), (int)lround(279 * exp2(-1.0 / 32)));
	CU_ASSERT_EQUAL(cap__dither_start(&c, 279, 0.5), 279);
	CU_ASSERT_EQUAL(cap__dither_start(&c, 4990, 0.99), 5000);
	CU_ASSERT_EQUAL(cap__dither_cut(100, 200, 0.0), 133);
	CU_ASSERT_EQUAL(cap__dither_cut(100, 200, 0.999), 167);
	CU_ASSERT_EQUAL(cap__dither_cut(100, 102, 0.0), 101);

	/* the noiseless cliff at ten places, each searched by 40
	** replications from a start near it (as a sweep's point starts from
	** the point before) and from min */
	int cov[2][2] = { { 0 } }, spread[2][2] = { { 0 } };
	double worst[2][2] = { { 0 } };
	for (int k = 0; k < 10; k++) {
		double x = 270.5 + 3 * k;
		for (int d = 0; d < 2; d++) {
			for (int m = 0; m < 2; m++) {
				int n, covers;
				double e;
				cliff_search(x, m ? 0 : 279, d ? "true" : "false", &n, &e, &covers);
				cov[d][m] += covers;
				spread[d][m] += n > 0;
				worst[d][m] = fmax(worst[d][m], fabs(e));
			}
		}
	}
	printf("\n    cliff at 270.5 .. 297.5: intervals holding it (of 10), near / from min: dithered %d / %d, "
	       "not %d / %d; largest error %.2f / %.2f users against %.2f / %.2f\n",
	       cov[1][0], cov[1][1], cov[0][0], cov[0][1], worst[1][0], worst[1][1], worst[0][0], worst[0][1]);
	for (int m = 0; m < 2; m++) {
		CU_ASSERT_EQUAL(spread[1][m], 10);     /* every dithered search spreads */
		CU_ASSERT_EQUAL(spread[0][m], 0);      /* no undithered one does */
		CU_ASSERT(cov[1][m] >= 8);
		CU_ASSERT(cov[0][m] <= 2);
		CU_ASSERT(worst[1][m] < 1.0);          /* a third of a per cent */
		CU_ASSERT(worst[0][m] > 1.2);
	}
}


/* A rough cliff: certain pass up to x - 8 users and certain fail from
** x + 8, and between them a pass with a chance falling linearly from 1 to
** 0 (1/2 at x, the crossing).  With share a of the counts in the band the
** draw is the count's own, the same for every seed (a pattern the model
** would have at that count whatever the seed), with the rest it is the
** seed's: a noisy, non-monotone pass curve with a known crossing.  Each
** cliff k has a pattern of its own. */
static double rough_x, rough_share, rough_half = 8;
static uint64_t rough_k;

static int rough(const struct scenario *s, uint64_t seed, int users, struct cap_probe *p)
{
	(void)s;
	int pass;
	if (users <= rough_x - rough_half)
		pass = 1;
	else if (users >= rough_x + rough_half)
		pass = 0;
	else {
		double chance = (rough_x + rough_half - users) / (2 * rough_half);
		uint64_t n = (uint64_t)users + (rough_k << 20);
		/* cap__dither: a splitmix64 draw in [0, 1) */
		double own = cap__dither(n * 7919 + 13, 0) < rough_share;
		pass = (own ? cap__dither(n * 104729 + 7, 0) : cap__dither(seed * 1000003 + n, 0)) < chance;
	}
	p->qos = (struct qos_count){ 1000, pass ? 980 : 960, 1000 };
	return 0;
}

/* The rough cliff at n places x in 270.3 .. 304.3 (cliff k at
** 270.3 + 34 (k mod 100) / 100), each searched as the reproduction's
** points are (5 to 15 replications to +-3%, a 2% bracket) from a start
** between 250 and 309 (a sweep's point starts from the answer before it,
** anywhere near the cliff), its first probe drawn over `cells` cells of
** the grid: how many of the n intervals hold x, and the mean |error|. */
static int rough_cover(int n, double share, double cells, int dither, double *abserr)
{
	int cover = 0;
	*abserr = 0;
	for (int k = 0; k < n; k++) {
		char st[64];
		const char *fixed = getenv("HVSIM_ROUGH_START");   /* the table's variant: one start */
		snprintf(st, sizeof st, "capacity.start=%d", fixed ? atoi(fixed) : 250 + (k * 37) % 60);
		const char *const sets[] = { "capacity.replications=5", "capacity.precision=3%", "capacity.max-replications=15",
					      "capacity.resolution=2%", "capacity.max=2000", "qos.good=97%", "qos.tolerable=99%",
					      st, dither ? "capacity.dither=true" : "capacity.dither=false", NULL };
		struct scenario s;
		cut_load_capacity(REPAIRMAN, sets, &s);
		struct cap_result r;
		char e[512];
		rough_x = 270.3 + 0.34 * (k % 100);
		rough_k = (uint64_t)k;
		rough_share = share;
		cap__probe_hook = rough;
		cap__dither_cells = cells;
		int rc = cap_search(&s, (uint64_t)(1 + 100 * k), NULL, &r, e, sizeof e);
		cap__probe_hook = NULL;
		cap__dither_cells = 1;
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		cover += r.ci_ok && r.ci_lo <= rough_x && rough_x <= r.ci_hi;
		*abserr += fabs(r.mean - rough_x) / n;
		cap_free(&r);
		scn_free(&s);
	}
	return cover;
}

/* HVSIM_ROUGH=N: the table of docs/capacity.md ("How wide the draw"),
** N cliffs for each band, share and width (N = 300 there; some minutes);
** with HVSIM_ROUGH_START=S every cliff's search starts from S. */
static void rough_table(int n)
{
	static const double cells[] = { 0, 1, 1.5, 2, 3, 4 };
	printf("\n    %d rough cliffs: intervals holding the crossing, by the first probe's draw in cells "
	       "(0: undithered)", n);
	for (int b = 0; b < 2; b++)
		for (int a = 0; a < 2; a++) {
			rough_half = b ? 12 : 8;
			printf("\n    band %2.0f users, %3.0f%% of it fixed:", 2 * rough_half, 50.0 * (a + 1));
			for (size_t c = 0; c < sizeof cells / sizeof *cells; c++) {
				double e;
				int cov = rough_cover(n, 0.5 * (a + 1), cells[c] > 0 ? cells[c] : 1, cells[c] > 0, &e);
				printf("  %.1f: %d", cells[c], cov);
			}
		}
	rough_half = 8;
}

/* On the rough cliff the undithered replications of a point all probe
** the same counts: where the pattern is the same in every seed (share 1)
** they agree and no interval holds the crossing, and with half of it
** about half do.  Dithered over one cell of the grid, most hold it
** (short of 95%: with the pattern fixed, the mean over starts is off x
** by the pattern's own bias, which no draw of the start removes).  A
** draw over two cells is printed beside it: no better beyond the noise
** (docs/capacity.md, with 300 cliffs). */
static void test_dither_rough(void)
{
	static const double share[2] = { 0.5, 1 };
	int cov[2][3];
	double err[2][3];
	for (int a = 0; a < 2; a++) {
		cov[a][0] = rough_cover(40, share[a], 1, 0, &err[a][0]);
		cov[a][1] = rough_cover(40, share[a], 1, 1, &err[a][1]);
		cov[a][2] = rough_cover(40, share[a], 2, 1, &err[a][2]);
		printf("\n    rough cliff, %.0f%% of the band the same in every seed: intervals holding it (of 40) "
		       "undithered %d, dithered over 1 cell %d, over 2 cells %d; mean |error| %.2f, %.2f, %.2f users",
		       100 * share[a], cov[a][0], cov[a][1], cov[a][2], err[a][0], err[a][1], err[a][2]);
	}
	CU_ASSERT(cov[1][0] <= 2);
	CU_ASSERT(cov[0][0] <= 30);
	CU_ASSERT(cov[0][1] >= 30);
	CU_ASSERT(cov[1][1] >= 28);
	CU_ASSERT(err[0][1] < err[0][0]);
	CU_ASSERT(err[1][1] < err[1][0]);
	const char *big = getenv("HVSIM_ROUGH");
	if (big && atoi(big) > 0)
		rough_table(atoi(big));
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "dithered starts: a noiseless cliff's error in the interval", test_dither },
		{ "dithered starts: a rough cliff's crossing in the interval", test_dither_rough },
		{ NULL, NULL },
	};
	cut_suite("capacity dither", t);
}
