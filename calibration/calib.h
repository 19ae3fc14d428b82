/*
** `hvsim calibrate CALIB.xml`: fit cost parameters of hypervisor profiles
** (and of the workloads) to measured points (traces/measured.h) by
** simulation, then predict the points held out (docs/calibration.md).
**
** A measured point names a quantity: benchmark, hypervisor, VMs, VCPUs
** per VM, memory, metric.  The calibration file says how a quantity is
** simulated: a template scenario per benchmark, whose VM (vm=) gets the
** quantity's count, VCPUs and memory and whose hypervisor profile is the
** one named for the quantity's hypervisor, all as --set overrides.
** SPECweb quantities are capacity searches (sim/drive/capacity.h), the
** microbenchmarks one run each (models/wl_micro.h).
**
** Fitting goes in stages, each with its own parameters and rows (for
** the paper: native, then CPU, network, disk, then the single-VM SPECweb
** points); a stage minimises
**
**     J(x) = mean over its rows of e_i(x)^2  +  prior * mean over its
**            parameters of (log(x_k / start_k) / log(max_k / min_k))^2
**
** with e_i the row's signed relative error (meas_error: 0 inside a bound
** or a relation's band), by the Nelder-Mead simplex of GSL
** (gsl_multimin_fminimizer_nmsimplex2) in logit coordinates of the
** bounds, from several starting points, every evaluation with the same
** seeds (common random numbers).  The prior term picks, among the many
** parameter values a set of relations allows, the one nearest the
** documented defaults.  Later stages see earlier stages' values.
*/
#ifndef HVSIM_CALIB_H
#define HVSIM_CALIB_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/engine/diag.h"
#include "sim/scenario/scenario.h"
#include "traces/measured.h"

#define CAL_MAX_PARAMS 32
#define CAL_MAX_STAGES 16
#define CAL_MAX_HV 64        /* <hypervisor> elements */
#define CAL_MAX_ALSO 256     /* <also> elements */

/* How quantities of one benchmark are simulated. */
struct cal_bench {
	char *scenario;             /* template scenario, absolute path; NULL: not configured.
				      ** host: may hold "{mix}", replaced by a row's mix */
	char *vm;                   /* the <vm name> that gets vms, vcpus, memory; NULL for host */
	int line;
};


/* A hypervisor name of the measured points and its profile. */
struct cal_hv {
	char *name;
	char *profile;              /* absolute path */
	char *profile_text;         /* as written in the calibration file */
	char *out;                  /* calibrated profile's file name (in DIR/profiles/); NULL: none */
	int line;
};

/* One fitted parameter: a --set path applied to quantities of this
** hypervisor (NULL: all) and benchmark (-1: all). */
struct cal_param {
	char *name;
	char *hypervisor;
	int bench;                  /* enum meas_bench or -1 */
	char *key;                  /* --set path in the scenario, e.g. hypervisor.io.emu-packet */
	char *unit;                 /* appended to the number: "kcycles", "MiB", "" */
	double min, max, start;
	char *source;               /* where start and the bounds come from; "" when not given */
	int stage;                  /* index of the stage that fits it */
	int line;
};

struct cal_stage {
	char *name;
	unsigned benches;           /* bit per enum meas_bench: rows of these benchmarks */
	char *hypervisors;          /* space-separated filter of rows; NULL: all */
	int np, param[CAL_MAX_PARAMS];
	size_t nrow, *row;          /* indices of the measured fit rows it fits */
	int starts, evals;          /* this stage's <search> values; 0: the file's */
	int line;
};

/* Extra quantities to simulate and list (figure curves), at each VM count. */
#define CAL_ALSO_VMS 64
struct cal_also {
	int bench;
	char *hypervisor;
	int nvms, vms[CAL_ALSO_VMS], vcpus;
	char *memory;
	int metric;                 /* enum meas_metric */
	int line;
};

struct cal_config {
	char *path;                 /* the calibration file */
	char *name;
	uint64_t seed;
	char *measured;             /* absolute path */
	char *measured_text;        /* as written */
	struct meas_set meas;
	struct cal_bench bench[MEAS_NBENCH];
	int nhv;
	struct cal_hv *hv;
	int np;
	struct cal_param p[CAL_MAX_PARAMS];
	int nstage;
	struct cal_stage stage[CAL_MAX_STAGES];
	int nalso;
	struct cal_also *also;
	/* <search> */
	int starts;                 /* starting points per stage: 3 */
	int evals;                  /* objective evaluations per start at most: 60 */
	double tol;                 /* simplex size (logit units) to stop at: 0.05 */
	double prior;               /* weight of the prior term: 0.01 */
	double pass;                /* value rows pass within uncertainty + pass x value: 0.10 */
	double identify;            /* elasticity below which a parameter is unidentified: 0.01 */
	/* <capacity>: the searches behind SPECweb quantities */
	int reps;                   /* replications: 1 */
	double resolution;          /* bracket width, users per VM: 10 */
	double resolution_share;    /* > 0: instead, that share of the bracket's lower end */
	int dither;                 /* <capacity dither>: 1 (the default) or 0 (docs/capacity.md) */
	char *duration, *warmup;    /* run length of each probe; NULL: the template's */
	char *precision;            /* replications until this precise ("3%"); NULL: the template's */
};

/* The host scenario of a subject "MIX/THREAD": the benchmark's scenario
** with "{mix}" replaced by MIX.  0, or -1 when it does not fit in len. */
int cal_host_scenario(const struct cal_config *c, const char *subject, char *buf, size_t len);

/* Read CALIB.xml and the measured points it names; every problem into d
** as "file:line: ...".  0 or -1 (cfg freed). */
int cal_load(struct cal_config *cfg, const char *path, struct diag *d);
void cal_free(struct cal_config *cfg);

/* A base quantity: what one simulation (or capacity search) yields. */
struct cal_qty {
	int bench;
	const char *hypervisor;
	int vms, vcpus;
	const char *memory;         /* as written */
	const char *subject;        /* host: "MIX/THREAD", the thread whose metric it is */
	int metric;                 /* host: which of its statistics */
	int line;                   /* the measured row's line when checking, else 0 */
};

/* The simulator behind the fit, with a cache of base quantities keyed by
** the quantity and the parameter values that apply to it. */
struct cal_eval;

struct cal_eval *cal_eval_new(const struct cal_config *cfg, int jobs, const volatile sig_atomic_t *stop);
void cal_eval_free(struct cal_eval *e);
/* Keep every finished simulation in path as well (one line each,
** appended and synced as it finishes): the entries a killed run of the
** same calibration left there (the same fingerprint fp: the calibration
** file, --set, hvsim's version) are taken as done; any other file there
** is replaced.  0, or -1 with a message in err. */
int cal_eval_cache(struct cal_eval *e, const char *path, unsigned long long fp, char *err, size_t errlen);
/* Entries cal_eval_cache read back. */
long cal_eval_reused(const struct cal_eval *e);
/* A worker rank of an MPI job (sim/engine/cluster.h): run the
** simulations the manager's batches send; the job's exit status. */
int cal_eval_serve(struct cal_eval *e);
/* Simulations run so far (cache misses) and their wall seconds. */
long cal_eval_runs(const struct cal_eval *e);

/* Simulate (or find in the cache) every base quantity that the measured
** rows rows[0..n) need, with parameter values x (x[k] for cfg->p[k]).
** 0, -1 when a simulation failed (message in err), -2 interrupted. */
int cal_eval_need(struct cal_eval *e, const double *x, const size_t *rows, size_t n, char *err, size_t errlen);
/* The same for the quantities of the <also> curves. */
int cal_eval_also(struct cal_eval *e, const double *x, char *err, size_t errlen);

/* The simulated value of measured point q's quantity (any metric),
** from the cache filled by cal_eval_need with x; NAN when absent. */
double cal_eval_value(struct cal_eval *e, const double *x, const struct meas_point *q);

/* Row i's signed error (meas_error) under x; NAN when not simulated.  A
** relation whose reference is simulated as 0 (a capacity search whose
** smallest count failed) has no ratio: its error is CAL_ZERO_REF_ERROR,
** far outside any band, so the fit moves away from it. */
#define CAL_ZERO_REF_ERROR 10.0
double cal_eval_error(struct cal_eval *e, const double *x, size_t i);

/* --set overrides applied to every simulation after the quantity's own
** (the command line's); kept by reference. */
void cal_eval_overrides(struct cal_eval *e, const struct scn_override *ov, int nov);

/* Show each batch's progress on f (a bar on a terminal, a line every
** 10 s otherwise); NULL: none. */
void cal_eval_progress(struct cal_eval *e, FILE *f);

/* The <hypervisor> of that name, or NULL (calib_sim.c). */
const struct cal_hv *cal_find_hv(const struct cal_config *c, const char *name);
/* cal_simulate, with the 95% interval of a capacity search in ci[0..1]
** (NAN when it has none). */
int cal_simulate_ci(const struct cal_config *c, const struct scn_override *extra, int nextra, const double *x,
		    const struct cal_qty *q, double *out, double *ci, char *err, size_t errlen);
/* 1 if parameter p applies to quantity q (its hypervisor and benchmark). */
int cal_param_applies(const struct cal_param *p, const struct cal_qty *q);
/* Simulate one base quantity with parameter values x: sessions per VM by
** a capacity search, or a microbenchmark's metric averaged over the VMs.
** 0, or -1 with a message in err. */
int cal_simulate(const struct cal_config *c, const struct scn_override *extra, int nextra, const double *x,
		 const struct cal_qty *q, double *out, char *err, size_t errlen);
/* What cal_simulate would simulate loads and builds (nothing runs): the
** input checks, before any fit.  0, or -1 with a message in err. */
int cal_check(const struct cal_config *c, const struct scn_override *extra, int nextra, const double *x,
	      const struct cal_qty *q, char *err, size_t errlen);

/* The value of any metric of a quantity, derived from the cache. */
double cal_eval_metric(struct cal_eval *e, const double *x, int bench, const char *hv, int vms, int vcpus,
		       const char *mem, int metric);
/* --known: SPECweb sessions per VM (with their intervals) taken as
** simulated under x, from a CSV with quantities.csv's columns
** (benchmark,hypervisor,vms,vcpus_per_vm,memory,metric,value,ci_low,
** ci_high; metric sessions_per_vm, benchmark specweb).  0, or -1 with
** "file:line: expected ..." in err. */
int cal_eval_known(struct cal_eval *e, const struct cal_config *c, const double *x, const char *path, char *err,
		   size_t errlen);
/* The cache key of quantity q under x: its description and the --set text
** of every parameter that applies to it (at most CAL_KEY_MAX bytes). */
#define CAL_KEY_MAX 2048
void cal_qty_key(const struct cal_config *c, const double *x, const struct cal_qty *q, char *buf, size_t len);
/* Set the cached value of key (and its interval), as if simulated.  0, or
** -1 when out of memory. */
int cal_eval_put(struct cal_eval *e, const char *key, double value, double lo, double hi);

/* Its 95% interval: sessions per VM and cumulative sessions of a search
** with replications; NAN otherwise. */
void cal_eval_metric_ci(struct cal_eval *e, const double *x, int bench, const char *hv, int vms, int vcpus,
			const char *mem, int metric, double *lo, double *hi);

/* The --set text of parameter k at value v ("17.5kcycles"). */
void cal_param_text(const struct cal_param *p, double v, char *buf, size_t len);

/* ------------------------------------------- the fit and its outputs --- */

/* Elasticity of what a stage's rows compare to one of its parameters
** (calib_fit.c), and J at the two perturbed values. */
struct cal_sens {
	double elast;               /* mean |elasticity| over the stage's quantities */
	double j_lo, j_hi;          /* J at the two perturbed values */
	const char *top;            /* the row that moves most */
	double top_e;
	int fixed;                  /* unidentified (elast < identify): fixed at its start */
};

/* What a stage's fit left: its J, evaluations, each parameter's sensitivity. */
struct cal_stage_out {
	double j;
	int evals;
	struct cal_sens sens[CAL_MAX_PARAMS];
};

struct outdir;

/* Fit stage st's parameters in x (Nelder-Mead, several starts); 0, -1
** with a message in err, -2 interrupted. */
int cal_fit_stage(const struct cal_config *c, struct cal_eval *e, const struct cal_stage *st, double *x, int verbose,
		  double *j_out, int *evals_out, char *err, size_t errlen);
/* Fit stage st, then fix each parameter the data cannot determine (its
** elasticity at the fit below c->identify) at its start, its sourced
** value, and refit the others without it; so->sens says which.  0, -1
** with a message in err, -2 interrupted. */
int cal_fit_identified(const struct cal_config *c, struct cal_eval *e, const struct cal_stage *st, double *x,
		       int verbose, struct cal_stage_out *so, char *err, size_t errlen);
/* The sensitivity of each of st's parameters at x; 0 or -1. */
int cal_sensitivity(const struct cal_config *c, struct cal_eval *e, const struct cal_stage *st, const double *x,
		    struct cal_sens *out, char *err, size_t errlen);
/* A ratio's or difference's own simulated value, else NAN. */
double cal_relation_value(struct cal_eval *e, const double *x, const struct meas_set *m, const struct meas_point *p);
/* report.txt, fit.csv, points.csv, quantities.csv into o (calib_report.c). */
int cal_write_outputs(struct outdir *o, const struct cal_config *c, struct cal_eval *e, const double *x,
		      const struct cal_stage_out *so, const int *fit_mask, int fitted, const char *values_from,
		      double wall);
/* The calibrated hypervisor profiles into o. */
int cal_write_profiles(struct outdir *o, const struct cal_config *c, const double *x, const char *how);
/* The values of an earlier fit (--values FIT.csv) into x; 0 or -1 with a
** file:line: message in err (calib_values.c). */
int cal_read_values(const struct cal_config *c, const char *path, double *x, char *err, size_t errlen);

/* What `hvsim calibrate` was asked (sim/cmd/calibrate.c). */
struct cal_cli {
	const char *file, *outdir, *values, *stages, *known;
	int jobs, quiet, force;
	const struct scn_override *ov;   /* KEY=VALUE or BENCH:KEY=VALUE (the key holds BENCH:) */
	int nov;
};

/* Run the command; returns the exit status (calib_cmd.c). */
int cal_command(const struct cal_cli *cli);

#endif
