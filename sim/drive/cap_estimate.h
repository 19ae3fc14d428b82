/*
** The statistics of the capacity search (docs/capacity.md), free of the
** model so that they can be tested on synthetic data with known answers:
**
**  - the QoS margin of a run: the least of (good share - required) and
**    (tolerable share - required), as fractions; >= 0 meets both shares;
**  - a sequential test that stops a probe once its shares are decided,
**    from batch means (Law & Kelton, "Simulation Modeling and Analysis",
**    3rd ed., sec. 9.5.3; the ratio estimator's variance, Cochran,
**    "Sampling Techniques", 3rd ed., sec. 6.4);
**  - the crossing: a non-increasing isotonic regression of the margin on
**    the users per VM (pool-adjacent-violators; Robertson, Wright and
**    Dykstra, "Order Restricted Statistical Inference", 1988, sec. 1.2),
**    whose zero is found by linear interpolation between fitted points;
**  - the plateau of a curve from replicated points, by paired one-sided
**    t tests (common random numbers pair the replications).
*/
#ifndef HVSIM_CAP_ESTIMATE_H
#define HVSIM_CAP_ESTIMATE_H

#include "models/qos.h"
#include "sim/scenario/scenario.h"

/* min(good/n - q->good, tolerable/n - q->tolerable); NAN without pages. */
double cap_margin(const struct qos_count *c, const struct scn_qos *q);

enum cap_decision { CAP_UNDECIDED, CAP_PASS, CAP_FAIL };

/* The sequential test over k batches of pages (each batch's own counts).
** For each share p = sum(within) / sum(n), with half-width
** h = t_{k-1,0.975} sqrt(max(sum (within_i - p n_i)^2 / (k (k - 1)) /
** mean(n)^2, need (1 - need) / sum(n))), need the share's requirement:
** FAIL when some share has p + h below its requirement; PASS when both
** have p - h at least their requirement and the pages reach min-pages;
** else UNDECIDED (also with fewer than 2 batches or no pages). */
enum cap_decision cap_seq_decide(const struct qos_count *batch, int k, const struct scn_qos *q);

/* Pool-adjacent-violators: f = the non-increasing sequence closest to y
** in weighted least squares (x sorted ascending, n >= 0).  0, or -1
** when out of memory (f then unset). */
int cap_isotonic_dec(const double *y, const double *w, int n, double *f);

/* Where the non-increasing f (at ascending x) crosses zero: linear
** interpolation between the last point with f >= 0 and the next; 0 when
** f[0] < 0 (nothing met the rule); x[n-1] when f[n-1] >= 0, with *beyond
** set (the crossing lies above every x).  n >= 1. */
double cap_crossing(const double *x, const double *f, int n, int *beyond);

/* The plateau of a curve c[i][r]: point i (VM counts in ascending order),
** replication r (paired across points by common random numbers).  Growth
** from i to j > i is significant when the paired one-sided t test of
** mean_r(c[j][r] - c[i][r]) > 0 rejects at level 0.05 / m over the m
** later points (Bonferroni: at most a 5% chance that a flat curve seems
** to grow somewhere later); with one replication, when the difference is
** positive.  The plateau is
** the first i after which no later point grows significantly; *lo and *hi
** are the range of points that a two-sided paired t test at 0.05 cannot
** tell from it (contiguous around it).  Returns the plateau's index, or -1
** when the last point still grows significantly from every earlier one
** (no plateau within the curve: then *lo = *hi = -1).  n points, R
** replications, c row-major (c[i * R + r]); NAN marks a replication a
** point does not have, so each comparison pairs the replications both
** points have; a point with NAN in every replication failed and is
** skipped. */
int cap_plateau(const double *c, int n, int R, int *lo, int *hi);

/* The test of cap_plateau's verdict that came closest to the other
** verdict, so a reader sees how firm the plateau is.  With a plateau p:
** the later point j whose growth over p has the largest t relative to
** its threshold (not significant, or p would not be the plateau); need
** is how many pairs would make that growth significant if its mean and
** sd stayed as they are (the threshold falls as the pairs grow), 0 when
** its mean is not above 0, -1 beyond CAP_CALL_MAX_PAIRS.  Without one
** (p < 0): the earlier point i whose largest significant growth is the
** smallest, the count nearest to being a plateau, and that growth's j;
** need -1.  t = mean / (sd / sqrt(pairs)), crit the one-sided threshold
** at 5% / (i's later points) with pairs - 1 degrees of freedom.
** Returns 0, or -1 when no comparison has two pairs and a spread. */
#define CAP_CALL_MAX_PAIRS 1000
struct cap_call {
	int i, j;                 /* the points compared: j later than i */
	int pairs;                /* replications both have */
	int need;                 /* pairs that would decide it, as above */
	double mean, sd, t, crit; /* mean and sd of c[j] - c[i], its t, the threshold */
};
int cap_plateau_call(const double *c, int n, int R, int p, struct cap_call *call);

/* How often a repetition of the whole experiment would give each
** plateau, if the truth were the normal model the replications imply.
** Each of B draws makes new replications
**   x[i][r] = mean_i + sum_s z[r][s] (c[i][s] - mean_i) / sqrt(k_i - 1)
** (s over the k_i replications point i has, z independent standard
** normal variates, one row a new replication and shared by every point),
** so each point keeps its mean and variance and two points their
** covariance over the replications both have: the common random numbers'
** pairing survives (a parametric bootstrap from the sample mean and
** covariance; Efron and Tibshirani, "An Introduction to the Bootstrap",
** 1993, sec. 6.5).  With Rnew <= 0 the draws keep c's missing
** replications and failed points; Rnew > 0 draws Rnew new replications
** at every point that did not fail instead (what a repetition with that
** many would give).  cap_plateau locates each draw's plateau: share[0] is
** the share of draws with no plateau, share[1 + i] of those with plateau
** i (n + 1 values).  The draws come from MT19937 seeded with seed, so
** the shares are the same in every run.  The shares treat the measured
** means as the truth: they show how far noise of the measured size moves
** the verdict, not the chance that the verdict is right (with enough
** replications, every growth measured above 0 becomes significant).  0,
** or -1 when out of memory. */
int cap_plateau_resample(const double *c, int n, int R, int Rnew, int B, unsigned long seed, double *share);

#endif
