/*
** `hvsim explain DIR`: why the curves of a sweep stop growing
** (docs/explain.md).  Reads the output directory of `hvsim sweep`
** (sweep.settings, sweep.csv and each point's files), follows every curve
** over the VM-count key (one curve per combination of the other varied
** keys), finds its plateau (the VM count after which the cumulative value
** grows by less than a threshold per added VM, the paper's P5/P6 "does
** not increase anymore"), attributes the per-VM throughput or capacity
** lost at each VM count to measured causes, and names the saturated
** resource.  Writes DIR/explain/: explain.txt and curveK-*.dot (and .svg
** when Graphviz's dot is on PATH), all committed by one rename.
**
** Attribution (the method the report states): at VM count n the loss is
** L(n) = x(best) - x(n), x the per-VM value (pages/s per VM in mode run,
** sessions per VM in mode capacity) and best the curve's best per-VM
** point; each cause c has a measured cost t_c(n) in seconds per second
** per VM, and L(n) is split over the causes in proportion to how much
** their cost grew, max(0, t_c(n) - t_c(best)).  Nothing grew: the loss
** is reported unattributed.
*/
#ifndef HVSIM_EXPLAIN_H
#define HVSIM_EXPLAIN_H

#include "sim/drive/cap_estimate.h"

#include <stdio.h>

/* The causes, in the report's order of ties. */
enum {
	XC_READY,      /* VCPU overcommit: runnable VCPUs waiting for a pCPU */
	XC_SWITCH,     /* world switches and cache refill after a switch */
	XC_SPIN,       /* lock-holder preemption: spinning on a preempted holder */
	XC_REMOTE,     /* extra memory stall on a pCPU away from the memory */
	XC_EMU,        /* device emulation: Dom0, QEMU I/O threads (run and wait) */
	XC_NIC,        /* time in the NICs' queues */
	XC_DISK,       /* time in the disk's queue (not page-cache misses) */
	XC_MEMORY,     /* page-cache misses: their share of the disk's time */
	XC_N
};

/* Name of cause c ("ready-wait (VCPU overcommit)", ...). */
const char *explain_cause_name(int c);

/* A resource of one point and how busy it was. */
struct xres {
	char name[96];
	char kind[16];                /* pcpus, dom0, qemu-io, emt, emulation, nic, disk */
	double util;                  /* 0..1 */
};

struct xtab;

#define EXPLAIN_MAXREP 64
/* draws of cap_plateau_resample a tested curve's report rests on: a
** share's sd is at most 0.5 / sqrt(2000) = 1.1% */
#define EXPLAIN_RESAMPLES 2000
/* the replications a point the report's plan tries (curves.c) */
#define EXPLAIN_NPLAN 3
extern const int explain_plan_reps[EXPLAIN_NPLAN];

/* Where the pages' time went (tail_fail.csv: the first failing probe
** above capacity, summed over the VMs): per class of pages (all, over
** time-good, over time-tolerable) their count, mean response and the mean
** of each part (sim/explain/tail.c lists them). */
#define XT_NPART 10
#define XT_NCLASS 3
struct xtail {
	double n[XT_NCLASS], resp[XT_NCLASS];
	double part[XT_NCLASS][XT_NPART];
};

struct xpoint {
	int point;                    /* points/NNN, from 1 */
	int line;                     /* its row's line in sweep.csv */
	double n;                     /* the VM-count key's value */
	int vms;                      /* guest VMs (the vms column) */
	double vcpus_per_vm;
	double cum;                   /* pages_per_s, or cumulative_sessions */
	double per_vm;                /* cum / vms, or sessions_per_vm */
	int have_run;                 /* the point's run outputs were read */
	int pcpus, nodes;
	double measured;              /* seconds */
	double cpu_util, cpu_demand;  /* mean pCPU utilisation; (run + ready) / pCPU time */
	double cause[XC_N];           /* seconds per second per guest VM */
	double ci_lo, ci_hi;          /* capacity: cumulative 95% interval (= cum without) */
	int nrep;                     /* capacity: replications read (capacity_replications.csv) */
	double rep[EXPLAIN_MAXREP];   /* their cumulative sessions */
	double growth;                /* to the next point, per added VM; NAN at the last */
	double lost;                  /* x(best) - x(n), >= 0 */
	int noise;                    /* capacity: lost is within the replications' noise (paired
					 t test, 5%): not attributed */
	double attr[XC_N];            /* lost split over the causes */
	double unattributed;
	struct xres *res;             /* resources, the busiest first */
	int nres;
	struct xtab *tab;             /* the point's files (see explain.c) */
	int have_tail;
	struct xtail tail;
};

struct xcurve {
	char label[512];              /* other keys' values, or "all points" */
	struct xpoint *pt;            /* sorted by n */
	int npt;
	int best;                     /* index of the best per-VM point */
	int plateau;                  /* index of the plateau point; -1 none */
	int plat_lo, plat_hi;         /* indices the data cannot tell from it (capacity with replications) */
	int tested;                   /* 1: plateau by the paired test (over the replications
					 every point has); 0: by the growth threshold */
	int has_call;                 /* 1: call holds the verdict's closest test */
	struct cap_call call;         /* (cap_plateau_call), tested curves only */
	double *share;                /* tested curves: npt + 1 shares of resampled plateaus
					 (cap_plateau_resample: [0] none, [1 + i] point i); else NULL */
	double agree;                 /* with share: the chance three repetitions agree (sum share^3) */
	double agree_plan[EXPLAIN_NPLAN]; /* the same with explain_plan_reps[k] replications a point */
	double total[XC_N + 1];       /* attributed loss summed over the points; [XC_N] unattributed */
};

/* A point's counterfactual split (sim/explain/cfx.c). */
struct cf_result;
struct xcf {
	int curve, idx;               /* the point: x->curve[curve].pt[idx] */
	struct cf_result *r;
};

struct explain {
	char *dir;
	int capacity;                 /* sweep mode capacity */
	char scenario[256];
	char key[256];                /* the VM-count key */
	double threshold;             /* growth per added VM below which a curve has plateaued */
	struct xcurve *curve;
	int ncurve;
	struct xcf *cf;               /* counterfactual splits, by curve then VM count */
	int ncf;
	char cf_scenario[512];        /* the scenario file they reran */
	void **grade;                 /* graded statements (sim/explain/grade.c) */
	int ngrade;
	char grade_file[512];
};

/* Default threshold: 5% per added VM. */
#define EXPLAIN_THRESHOLD 0.05
/* A resource at least this busy is reported saturated. */
#define EXPLAIN_SATURATED 0.95

/* Read DIR and analyse it.  0, or -1 with "file:line: expected ..." in err
** (x is then freed). */
int explain_load(struct explain *x, const char *dir, double threshold, char *err, size_t errlen);
void explain_free(struct explain *x);

/* Counterfactual attribution (--counterfactual SCEN.xml): rerun the
** capacity search of the chosen points with causes removed and split
** their capacity (sim/drive/counterfactual.h).  points: "plateau" (each
** curve's plateau and last point), "all", or VM counts "4,8".  Runs go
** to DIR/counterfactual-runs.csv (reused by a rerun).  0; -1 with the
** message in err; -2 when stopped. */
#include <signal.h>
struct explain_cf_opts {
	const char *scenario;
	const char *points;           /* NULL: "plateau" */
	unsigned causes;              /* 0: every applicable one */
	int reps, jobs;
	const volatile sig_atomic_t *stop;
	FILE *progress;
};
int explain_counterfactual(struct explain *x, const struct explain_cf_opts *o, char *err, size_t errlen);
/* The report's counterfactual part; counterfactual.csv's text (malloc'd). */
void explain_cf_report(const struct explain *x, FILE *f);
char *explain_cf_csv(const struct explain *x);
/* Curve k's counterfactual capacities stacked over the measured one:
** curveK-counterfactual.dat's text and its gnuplot script; NULL when the
** curve has no split (malloc'd). */
char *explain_cf_dat(const struct explain *x, int k);
char *explain_cf_gp(const struct explain *x, int k);

/* The tail part of the report; tail.csv's text; a gnuplot script
** drawing curve k's missed pages' parts as stacked bars from
** curveK-tail.dat (its text from explain_tail_dat), or NULL when curve k
** has no tail (malloc'd). */
void explain_tail_report(const struct explain *x, FILE *f);
char *explain_tail_csv(const struct explain *x);
char *explain_tail_dat(const struct explain *x, int k);
char *explain_tail_gp(const struct explain *x, int k);

/* Grade the statements of a shapes file (sim/explain/grade.c) against
** x's curves; 0, or -1 with "file:line: expected ..." in err.  Their
** report part, grades.csv's text, and freeing them. */
int explain_grade(struct explain *x, const char *path, char *err, size_t errlen);
void explain_grade_report(const struct explain *x, FILE *f);
char *explain_grade_csv(const struct explain *x);
void explain_grade_free(struct explain *x);

/* plateaus.csv's text (malloc'd): a row per curve, its plateau by the
** test the report names (paired over the replications, or the growth
** threshold), the range of VM counts that test cannot tell from it, the
** value there with its interval, and the curve's label; the plateau's
** columns empty when the curve has none up to last_vms. */
char *explain_plateau_csv(const struct explain *x);

/* The text report. */
void explain_report(const struct explain *x, FILE *f);

/* Write DIR/explain/: explain.txt and the diagrams (render: run dot
** -Tsvg when it is on PATH), staged and committed by one rename; an
** existing DIR/explain is refused unless force (then replaced whole).
** Returns 0, -1 when writing failed (nothing written), -2 when
** DIR/explain may not be written (nothing done); the message in err.
** *nsvg: SVGs rendered. */
int explain_write(const struct explain *x, int render, int force, int *nsvg, char *err, size_t errlen);

/* The Graphviz sources for curve k (from 0), malloc'd; NULL when out of
** memory. */
char *explain_bottleneck_dot(const struct explain *x, int k);
char *explain_placement_dot(const struct explain *x, int k);

#endif
