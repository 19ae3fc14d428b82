/*
** Measured points with provenance: what a hypervisor was measured to do,
** as numbers, bounds or relations, each citing its source, for
** calibration (fit) and for judging predictions (holdout).  Format
** "hvsim measured points v1" (docs/measured.md); the paper's statements
** P1-P13 ship as traces/data/paper.csv.
**
**   id,use,benchmark,hypervisor,vms,vcpus_per_vm,memory,metric,kind,value,uncertainty,low,high,ref,source,note
**   P1-kvm,fit,specweb,kvm-75,1,1,1.5GiB,ratio_to_native,value,0.26,0.005,,,,"Bastoni et al. sec. 6.1, Fig. 1; P1",...
**
** Each row names one quantity (benchmark, hypervisor, vms, vcpus_per_vm,
** memory, metric) and says what is known about it (kind):
**
**   value     the source states a number: value +- uncertainty
**   range     the source implies bounds: low <= q <= high (one may be open)
**   ratio     a relation: q / q(ref) lies in [low, high]
**   diff      a relation: q - q(ref) lies in [low, high]
**   unstated  the source measured q but states no number; only relations
**             refer to it
**
** so that a bound or a relation is never mistaken for a measurement.
*/
#ifndef HVSIM_TRACES_MEASURED_H
#define HVSIM_TRACES_MEASURED_H

#include "sim/engine/diag.h"

#include <stddef.h>

#define MEAS_HEADER "id,use,benchmark,hypervisor,vms,vcpus_per_vm,memory,metric,kind," \
	"value,uncertainty,low,high,ref,source,note"
#define MEAS_NCOL 16
/* The header with the optional 17th column, subject: what inside the
** benchmark a host row is about, "MIX/THREAD" (empty for the others). */
#define MEAS_HEADER_SUBJECT MEAS_HEADER ",subject"
#define MEAS_ID_MAX 63        /* characters in an id */
#define MEAS_VMS_MAX 4096
#define MEAS_VCPUS_MAX 4096

enum meas_kind { MEAS_VALUE, MEAS_RANGE, MEAS_RATIO, MEAS_DIFF, MEAS_UNSTATED, MEAS_NKIND };

/* What the row is for: calibration, or judging predictions made without it. */
enum meas_use { MEAS_USE_NONE, MEAS_FIT, MEAS_HOLDOUT };

/* MEAS_HOST: threads on a Linux host recorded with perf sched
** (docs/validation.md); its rows name a subject, MIX/THREAD. */
enum meas_bench { MEAS_SPECWEB, MEAS_BZIP2, MEAS_NETPERF, MEAS_DD, MEAS_HOST, MEAS_NBENCH };

enum meas_metric {
	MEAS_SESSIONS_PER_VM,       /* specweb: max simultaneous sessions meeting QoS, per VM */
	MEAS_CUMULATIVE_SESSIONS,   /* specweb: the sum over the VMs */
	MEAS_PEAK_CUMULATIVE,       /* specweb: the largest cumulative over 1..vms VMs */
	MEAS_SECONDS,               /* bzip2: run time per VM */
	MEAS_MBIT_S,                /* netperf: TCP stream throughput per VM */
	MEAS_MBYTE_S,               /* dd: copy throughput per VM */
	MEAS_RATIO_TO_NATIVE,       /* any: per-VM performance / native's (> 1 is faster) */
	/* host: one thread's (traces/hoststats.h) */
	MEAS_CPU_SHARE,             /* run time / its life */
	MEAS_WAKEUP_P50,            /* median wake-up latency, s */
	MEAS_WAKEUP_P95,            /* 95th percentile of the wake-up latency, s */
	MEAS_RUN_PER_DISPATCH,      /* mean run length per dispatch, s */
	MEAS_DISPATCHES_PER_S,      /* dispatches per second of its life */
	MEAS_NMETRIC
};

struct meas_point {
	char *id;
	enum meas_use use;          /* MEAS_USE_NONE only for unstated rows */
	enum meas_bench bench;
	char *hypervisor;           /* a profile name; "native" is the bare machine */
	int vms;                    /* 1 for native */
	int vcpus;                  /* vcpus_per_vm; for native the CPUs it may use */
	double memory;              /* bytes per VM (native: the RAM it may use) */
	char *memory_text;          /* as written, e.g. "1.5GiB" */
	enum meas_metric metric;
	enum meas_kind kind;
	double value;               /* MEAS_VALUE; else NAN */
	double uncertainty;         /* MEAS_VALUE: absolute, in the metric's unit; NAN unknown */
	double low, high;           /* range and relations: -INFINITY / INFINITY when open */
	char *ref_id;               /* relations: the other row's id; else NULL */
	size_t ref;                 /* relations: its index in the set */
	char *source;               /* document, section / figure */
	char *note;                 /* "" when none */
	char *subject;              /* host: "MIX/THREAD"; NULL for the others */
	int line;                   /* line of the file it came from */
};

struct meas_set {
	struct meas_point *p;
	size_t n, cap;
};

/* Read a measured-points file (with or without the subject column).  Every problem is reported into d as
** "path:line: column: expected ..., got '...'" (all of them, in line
** order; references across rows last).  0, or -EINVAL (s left empty),
** -ENOENT when path cannot be opened, -ENOMEM. */
int meas_load(const char *path, struct diag *d, struct meas_set *s);
void meas_free(struct meas_set *s);

/* Index of the row with this id, or -1. */
long meas_find(const struct meas_set *s, const char *id);

/* Names as written in the file. */
const char *meas_kind_name(enum meas_kind k);
const char *meas_use_name(enum meas_use u);
const char *meas_bench_name(enum meas_bench b);
const char *meas_metric_name(enum meas_metric m);

/* 1 if a and b name the same quantity (benchmark, hypervisor, vms,
** vcpus_per_vm, memory, metric, subject), whatever their kinds. */
int meas_same_quantity(const struct meas_point *a, const struct meas_point *b);

/* The quantity as text, "specweb kvm-75 vms=1 vcpus=2 mem=1.5GiB
** sessions_per_vm": a key for a map of simulated values.  Returns buf. */
char *meas_quantity(const struct meas_point *p, char *buf, size_t len);

/* The error of x against [lo, hi] relative to the bound it misses:
** (x - hi) / |hi| above, (x - lo) / |lo| below (negative), 0 inside. */
double meas_band_error(double x, double lo, double hi);

/* The simulated value of quantity q (its benchmark, hypervisor, vms,
** vcpus, memory and metric; other fields are the row's), or NAN when the
** simulation did not produce it. */
typedef double (*meas_sim_fn)(void *ctx, const struct meas_point *q);

/* Row i's error given the simulated values, signed: > 0 when the
** simulation is too high (for relations: its ratio or difference), 0
** when the row is met exactly or inside its bounds.
**   value     (sim - value) / value
**   range     meas_band_error(sim, low, high)
**   ratio     meas_band_error(sim / sim(ref), low, high)
**   diff      meas_band_error(sim - sim(ref), low, high)
**   unstated  0 (it constrains nothing)
** 0, or -ENOENT when sim gave NAN for a quantity it needs, -EDOM when a
** ratio's reference is simulated as 0. */
int meas_error(const struct meas_set *s, size_t i, meas_sim_fn sim, void *ctx, double *err);

#endif
