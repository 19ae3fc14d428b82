/*
** Counterfactual attribution of a capacity (docs/explain.md,
** "Counterfactual attribution"): rerun a point's capacity search with
** causes removed (<ideal remove>, sim/scenario/ideal.c) and split the
** capacity they cost by the Shapley value.
**
** Every search of one point uses the same replications r = 0..R-1 with
** seed + r (common random numbers: two subsets differ by their causes,
** not by their luck) and no precision rounds, so a subset S has one
** cumulative capacity v_r(S) per replication.  With players P (causes,
** or a group of them), the Shapley value of player i in replication r is
**
**   phi_i,r = sum over S in P \ {i} of |S|! (n - |S| - 1)! / n! (v_r(S + i) - v_r(S))
**
** (Shapley 1953); the phi_i,r add up to v_r(P) - v_r({}) in every
** replication, and each is reported as a mean with a 95% Student-t
** interval over the replications.  Every cause is first removed alone; a
** cause whose removal changes no run of any replication (with common
** random numbers the runs are then the same: the cause is not exercised
** now) is inert.  The causes that move anything are players, the largest
** gain alone first, as many as exact_max allows; the rest and the inert
** ones (which may matter once another cause is gone) are removed together
** as one player, "other causes".  The split is exact over these players
** and the shares add up to the gain with every cause removed.
*/
#ifndef HVSIM_COUNTERFACTUAL_H
#define HVSIM_COUNTERFACTUAL_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/scenario/scenario.h"

#define CF_MAXREP 16
#define CF_MAXPLAYER 6

/* The point to explain: the scenario file loaded with these overrides. */
struct cf_point {
	const char *file;
	const struct scn_override *ov;
	int nov;
	int has_seed;
	uint64_t seed;
};

struct cf_opts {
	unsigned causes;              /* candidates (bits 1 << SCN_IDEAL_*); 0: all applicable */
	int reps;                     /* replications per search (default 3) */
	int exact_max;                /* players of the exact split (default 4, at most CF_MAXPLAYER) */
	int jobs;                     /* processes per search */
	const volatile sig_atomic_t *stop;
	FILE *progress;               /* a line per search; NULL: quiet */
	const char *cache;            /* runs.csv to reuse and append to; NULL: none */
	const char *key;              /* this point's key in the cache */
};

/* A value over the replications: mean and 95% t interval (lo = hi =
** mean with one replication). */
struct cf_est {
	double mean, lo, hi;
};

/* One search: the causes removed and its capacity per replication. */
struct cf_run {
	unsigned mask;
	double v[CF_MAXREP];          /* cumulative sessions */
	struct cf_est cap;
	int cached;                   /* read from the cache */
};

struct cf_result {
	int reps;
	unsigned applicable;          /* causes that apply to the point */
	int vms;                      /* VMs carrying the varied workload */
	struct cf_run *run;           /* every search, the baseline (mask 0) first */
	int nrun, caprun;
	/* each applicable cause removed alone: gain over the baseline */
	struct cf_est single[SCN_IDEAL_N];
	int has_single[SCN_IDEAL_N];
	unsigned inert;               /* causes whose removal alone changed no run (in the group) */
	/* the split */
	int nplayer;
	unsigned player[CF_MAXPLAYER];  /* causes of each player */
	struct cf_est phi[CF_MAXPLAYER];
	double phi_r[CF_MAXPLAYER][CF_MAXREP];
	int grouped;                  /* the last player is "other causes" */
	struct cf_est base, all;      /* nothing removed; every player removed */
	struct cf_est total;          /* all - base (= the sum of the phi) */
	int searches, cached;         /* searches run now / read from the cache */
};

/* Causes that can change anything in loaded s: numa with several nodes
** and a memory-stall share, lhp with an SMP guest holding a lock, paging
** with a CPU or shadow factor other than 1, emulation unless native,
** emu-wait with Dom0 or I/O threads (xen, kvm), pagecache with a file
** set, overcommit when guest VCPUs outnumber pCPUs; switch, nic, disk
** always. */
unsigned cf_applicable(const struct scenario *s);

/* Bits set in m. */
int cf_popcount(unsigned m);

/* The mean and 95% Student-t interval of x[0..n-1]. */
struct cf_est cf_estimate(const double *x, int n);

/* Exact Shapley values of n players from v[mask] (mask over the players,
** 2^n entries); phi[i].  The phi add up to v[all] - v[0]. */
void cf_shapley(int n, const double *v, double *phi);

/* Run the counterfactual searches of one point and split its capacity.
** 0; -1 on failure (message in err); -2 when stopped. */
int cf_run_point(const struct cf_point *pt, const struct cf_opts *o, struct cf_result *r, char *err,
		 size_t errlen);

/* The run with exactly these causes removed, or NULL. */
const struct cf_run *cf_find(const struct cf_result *r, unsigned mask);

/* "switch+numa", or "other causes (a, b)" for a group. */
void cf_player_name(const struct cf_result *r, int i, char *buf, size_t len);

void cf_free(struct cf_result *r);

#endif
