/*
** `hvsim capacity`: the largest number of users per VM (the same in every
** VM) whose run passes the QoS rule (models/qos.h) — the paper's metric, the
** simultaneous SPECweb2005 sessions a configuration sustains (docs/sources.md
** sec. 2 and 5; SPECweb2005 reports the runs of 3 iterations).
**
** Search (docs/capacity.md): each replication r runs with seed
** scenario seed + r for every user count it tries (common random
** numbers: two counts differ by their users, not by their luck), brackets
** the answer by doubling from <capacity min> until a run fails or <capacity
** max> passes, then bisects until the bracket is at most <capacity
** resolution> wide.  A probe measures until a sequential test decides its
** QoS (<capacity measure="sequential">, from floor to the run's measured
** interval) or for the whole interval (measure="fixed").  Its answer is
** where a non-increasing isotonic fit of the QoS margin over all its
** probes crosses zero (cap_estimate.h); the replications' answers give a
** mean and a 95% Student-t interval.  Replications are independent, so
** they may run in parallel child processes; the result is the same for
** any number of them.
*/
#ifndef HVSIM_CAPACITY_H
#define HVSIM_CAPACITY_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/engine/diag.h"
#include "sim/report/output.h"
#include "models/qos.h"
#include "sim/scenario/scenario.h"

/* One simulated run of the search. */
struct cap_probe {
	int rep;                      /* replication, from 0 */
	uint64_t seed;
	int users;                    /* per VM */
	struct qos_count qos;         /* over the judged sources (world_qos_sum) */
	double cpu_util;              /* mean utilisation of the pCPUs, measured */
	double measured;              /* seconds measured (sequential: until decided) */
	int decided;                  /* sequential: 1 the test decided, 0 ran to the end */
	int pass;
	char *tail;                   /* replication 1's failing probes searched in this
					 process: the run's tail.csv (out_tail_text), which
					 cap_write's tail_fail.csv then need not run again;
					 NULL otherwise.  Owned by the cap_result. */
};

/* What one replication found. */
struct cap_rep {
	double est;                   /* the crossing (cap_estimate.h): users per VM */
	int max;                      /* largest passing users per VM; 0: min failed */
	int bound_hit;                /* <capacity max> itself passed */
	int at;                       /* probe index of the run at max; -1: none */
};

struct cap_result {
	int nrep;
	struct cap_rep *rep;
	struct cap_probe *probe;      /* by replication, then in the order run */
	int nprobe, capprobe;
	double mean;                  /* users per VM, mean of the replications' crossings */
	double ci_lo, ci_hi;          /* 95% Student t; ci_ok 0 with one replication */
	int ci_ok;
	int vms;                      /* guest VMs (replicas counted) */
	int vms_varied;               /* of which carry a varied workload */
	double vcpus_per_vm;          /* mean VCPUs of the varied VMs */
	double cumulative;            /* mean x vms_varied */
	int bound_hit;                /* some replication passed at max */
	double good_pct, tolerable_pct, cpu_util; /* means over the runs at each replication's max */
	int nat;                      /* replications with such a run */
	int jobs;                     /* processes used */
	int cached;                   /* replications taken from a store (cap_search_with) */
	FILE *progress;               /* where progress is shown (cap_search_shown); NULL: nowhere */
	double wall;                  /* seconds */
};

/* Check that s has a closed workload inside a VM to vary (file:line
** errors into d) and that its world builds; 0 or -1. */
int cap_check(struct scenario *s, struct diag *d);

/* A worker rank of an MPI job (sim/engine/cluster.h): run the
** replications the manager's cap_search sends, on s as loaded and checked
** there.  The job's exit status. */
int cap_serve(struct scenario *s, const volatile sig_atomic_t *stop);

/* Run the search with up to jobs replications at a time (1: all in this
** process).  Restores the users it varies.  Returns 0, -1 when a run
** failed (message in err), or -2 when *stop was set (interrupted). */
int cap_search(struct scenario *s, int jobs, const volatile sig_atomic_t *stop, struct cap_result *r,
	       char *err, size_t errlen);

/* The same, showing progress on f (a bar on a terminal, else a line
** every 10 s; sim/engine/proc.h). */
int cap_search_shown(struct scenario *s, int jobs, const volatile sig_atomic_t *stop, FILE *progress,
		     struct cap_result *r, char *err, size_t errlen);

/* The same with the store of replications cache (NULL: none;
** cap_cache.h): with jobs 1 outside a cluster run, each replication whose
** seed and hint the store has is taken from it, and each one run is added
** to it.  The result is the same as without it. */
struct cap_cache;
int cap_search_with(struct scenario *s, int jobs, struct cap_cache *cache, const volatile sig_atomic_t *stop,
		    FILE *progress, struct cap_result *r, char *err, size_t errlen);

/* capacity.csv and capacity_probes.csv into o's staging directory; 0 or -1. */
int cap_write(struct outdir *o, const struct scenario *s, const struct cap_result *r);

/* capacity.csv's header and its one row, without the line ends (also
** the columns of `hvsim sweep` in mode="capacity"). */
void cap_csv_header(FILE *f);
void cap_csv_row(FILE *f, const struct scenario *s, const struct cap_result *r);

/* The human summary (stdout of `hvsim capacity`). */
void cap_print(FILE *f, const struct scenario *s, const struct cap_result *r, const char *dest);

void cap_free(struct cap_result *r);

#endif
