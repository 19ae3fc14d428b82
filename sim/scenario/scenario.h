/*
** Scenarios: the plain configuration of one run, read from XML.
**
** Loading (scenario.c): parse with libxml2 (network off, no entities),
** splice in the machine / hypervisor profiles named by profile="..."
** (paths relative to the file that names them), apply the --set
** overrides, validate the whole tree against the XSD compiled into the
** binary (sim/scenario/scenario.xsd), then read values and check their meaning.
** Every error carries the file and line it comes from; all are reported.
**
** struct scenario holds no behaviour; world_build turns it into a world.
*/
#ifndef HVSIM_SCENARIO_H
#define HVSIM_SCENARIO_H

#include <stdint.h>
#include <stdio.h>
#include "sim/engine/diag.h"

/* Limits that keep a scenario's memory bounded (and pCPU sets in
** models/sched.h's CPUSET_MAX bits). */
#define SCN_MAX_CPUS 256
#define SCN_MAX_VMS 1024
#define SCN_MAX_USERS 10000000
#define SCN_MAX_SESSIONS 1000000   /* SPECweb sessions over all VMs */
#define SCN_MAX_REPLICATIONS 100   /* <capacity replications> */
#define SCN_MAX_CAP_BATCHES 10000  /* batches of <capacity step> in a measured interval */
#define SCN_MAX_NAME 64            /* characters of a VM's or a workload's name */
#define SCN_XSTR(x) #x
#define SCN_STR(x) SCN_XSTR(x)

struct scn_loc {
	const char *file;   /* interned in the scenario */
	int line;
};

struct scn_cache {
	int level;
	double size, line;  /* bytes */
	int per_node;       /* 1: shared by a node's cores, 0: private */
};

struct scn_node {
	int cores;
	double memory;      /* bytes */
	struct scn_loc loc;
};

struct scn_nic {
	char *name;
	double rate;        /* bytes/s, each direction */
};

struct scn_disk {
	char *name;
	double size;        /* bytes */
	double transfer;    /* bytes/s sustained */
	int64_t seek;       /* average seek, ns */
	double rpm;
};

#define SCN_MAX_CACHES 4

struct scn_machine {
	char *name;
	struct scn_loc loc;
	double freq;                 /* Hz */
	int64_t mem_latency;         /* local memory latency, ns (0: unknown) */
	int ncache;
	struct scn_cache cache[SCN_MAX_CACHES];
	int nnodes;
	struct scn_node *node;
	int *hops;                   /* nnodes x nnodes */
	double *read, *write;        /* relative access time, local read = 1 */
	int nnics, ndisks;
	struct scn_nic *nic;
	struct scn_disk *disk;
};

/* A policy's parameters stay text until the policy reads them (its own
** table of valid names, units and defaults; see models/sched.h). */
struct scn_param {
	char *key, *value;
	struct scn_loc loc;
};

struct scn_policy {
	char *name;
	struct scn_loc loc;
	int nparam;
	struct scn_param *param;
};

/* What multiplexing costs (models/mux.c). */
struct scn_costs {
	double world_switch;         /* cycles: VM exit + entry on a switch to or from a VCPU */
	double host_switch;          /* cycles: host context switch between threads */
	double cpu_factor;           /* guest CPU speed relative to native */
	double refill_overlap;       /* cache-refill misses in flight at once */
};

/* Xen's Dom0: the domain that runs qemu-dm and the back-end drivers. */
struct scn_dom0 {
	int vcpus;                   /* 0: none (not Xen) */
	int weight;
};

/* Co-scheduling of a VM's VCPUs on top of any policy (VMware ESX 2.x
** strict, 3.x relaxed with a skew limit: docs/sources.md sec. 6). */
struct scn_cosched {
	int mode;                    /* 0 off, 1 strict, 2 relaxed */
	int64_t skew;                /* relaxed: skew limit, ns */
	struct scn_loc loc;
};

/* Device I/O under the hypervisor: VM exits and device-model work per
** operation (docs/sources.md sec. 5).  Where the device-model work runs
** follows the hypervisor's kind (models/io.c): KVM the VCPU thread (send)
** and the QEMU I/O thread (receive, disk), Xen qemu-dm in Dom0,
** VirtualBox the EMT; native has neither exits nor emulation. */
struct scn_io {
	double exit;                 /* cycles of one exit round trip (default: costs world-switch) */
	double exits_tx, exits_rx;   /* per packet sent / received */
	double exits_irq;            /* per interrupt delivered (with its EOI) */
	double exits_disk;           /* per disk request */
	double exits_timer;          /* per guest timer tick */
	double emu_packet;           /* cycles of device-model work per packet */
	double emu_disk;             /* per disk request */
	double irq_packets;          /* packets per interrupt (coalescing): 1 */
	double shadow;               /* guest kernel/MMU work multiplier (shadow paging): 1 */
	double shadow_lock;          /* share of the shadow work done under the VM's shadow lock: 0 */
	int64_t shadow_lock_time;    /* mean section under it, ns (100 us) */
	int irq_cpu;                 /* pCPU handling device interrupts; -2: the woken thread's own */
	int ioreq_wait;              /* Xen: a VCPU waits, blocked, for qemu-dm to answer its exit: 0 */
	struct scn_loc loc;
};

struct scn_hypervisor {
	char *name;
	char *kind;                  /* native, kvm, xen, vbox */
	struct scn_loc loc;
	struct scn_policy policy;
	struct scn_costs costs;
	struct scn_io io;
	struct scn_dom0 dom0;
	struct scn_cosched cosched;
};

enum scn_dist_kind { DIST_EXPONENTIAL, DIST_DETERMINISTIC, DIST_GIVEN };

/* A distribution of non-negative values (ns for times, cycles for work). */
struct scn_dist {
	enum scn_dist_kind kind;
	double mean;                 /* exponential, deterministic */
	int nvalues;                 /* given: cycled in order */
	double *values;
	struct scn_loc loc;
};

enum scn_workload_kind { WL_BURST, WL_ACTIVITY, WL_SPECWEB, WL_BZIP2, WL_NETPERF, WL_DD, WL_REQUESTS, WL_THREADS };

#define SCN_SPECWEB_PAGES 13
/* The kit's dynamic page types (DYN_CMD_i), in its order: what
** <page name> may say.  models/specweb_tables.c keeps the same order
** (tests/test_specweb.c checks it). */
extern const char *const scn_specweb_pages[SCN_SPECWEB_PAGES];

/* SPECweb2005 E-commerce sessions served by the VM (models/wl_specweb.c).
** The kit publishes the client side (models/specweb.h); the server's
** costs are parameters [open, to calibrate] with documented defaults. */
struct scn_specweb {
	double page_cycles;          /* CPU of one dynamic page (PHP/JSP script) */
	double page[SCN_SPECWEB_PAGES]; /* per page type; 0: page_cycles */
	double image_cycles;         /* CPU of one static image request */
	double byte_cycles;          /* CPU per reply byte (copy, checksum) */
	double kernel_share;         /* share of request CPU in kernel/MMU-heavy code */
	double ssl_handshake;        /* CPU of an SSL handshake (new SSL connection) */
	double ssl_byte;             /* CPU per SSL-encrypted byte */
	int64_t besim;               /* back-end (BeSim) latency of a dynamic page, ns */
	double session_memory;       /* guest memory per simultaneous session, bytes */
	double fileset;              /* bytes the requests read, shared by the sessions */
	double link_rate;            /* each user's line, bytes/s (kit: 100000) */
	int conns;                   /* parallel connections per user (kit: 2) */
	int kit_chain;               /* 1: the kit's transitions as shipped */
	int not_modified;            /* images may get 304 replies */
	int timeout;                 /* a row's remainder times the session out */
	struct scn_loc loc;
};

/* The paper's microbenchmarks (models/wl_micro.c). */
struct scn_micro {
	double size;                 /* bzip2, dd: the file, bytes (742 MB) */
	double cycles_per_byte;      /* bzip2: compression; dd: copy in the guest */
	double block;                /* dd: block size; netperf: message size, bytes */
	double window;               /* netperf: bytes in flight (socket buffer) */
	int64_t duration;            /* netperf: test length, ns (10 s) */
	double kernel_share;         /* share in MMU-heavy kernel code (io.shadow) */
	int cached;                  /* bzip2: the file is in the page cache (no disk reads) */
	struct scn_loc loc;
};

struct scn_workload {
	char *name;
	enum scn_workload_kind kind;
	struct scn_loc loc;
	int closed;                  /* 0: open Poisson arrivals */
	double rate;                 /* open: arrivals per second */
	int users;                   /* closed: N */
	struct scn_dist think;       /* closed: ns */
	struct scn_dist demand;      /* cycles at the machine's frequency */
	char *trace;                 /* activity, requests: the trace file; threads: the
				      ** thread model file (traces/thread_model.h); resolved */
	struct scn_loc trace_loc;    /* ... and its <trace>, <requests> or <threads> element */
	int loop;                    /* activity, requests: start again at its end */
	int idle_wakeups_lost;       /* threads: activity.csv leaves out wake-ups raised
				      ** on an idle CPU, as some recordings do */
	double speed;                /* requests: replay speed-up (2: twice as fast) */
	struct scn_specweb specweb;  /* kind specweb (users: closed users) */
	struct scn_micro micro;      /* kinds bzip2, netperf, dd */
};

enum scn_placement { PLACE_FIRST_TOUCH, PLACE_INTERLEAVE, PLACE_BOUND };

/* The guest kernel of a VM: its spinlock (one VM-wide lock, a simple
** model of the kernel locks behind lock-holder preemption). */
struct scn_guest {
	double lock_hold;            /* share of guest run time inside the lock */
	int64_t lock_time;           /* mean critical section, ns */
	int timer_hz;                /* timer interrupts per VCPU per second: 250 (2.6.21 HZ); 0 none */
	int64_t timeslice;           /* round robin among queued jobs every this x VCPUs of run, ns; 0 none */
	double tick;                 /* cycles of the guest's timer-tick handler */
	double os_memory;            /* bytes the guest kernel and server processes keep */
	double packet;               /* guest kernel cycles per packet (TCP/IP, driver) */
	double disk;                 /* guest kernel cycles per disk request */
};

struct scn_vm {
	char *name;
	struct scn_loc loc;
	int count;                   /* identical VMs name1..nameN (1: just name) */
	int vcpus;
	double memory;               /* bytes */
	enum scn_placement placement;
	int node;                    /* bound placement's node; -1: VM i on node i mod n */
	int weight, cap, nice;
	int npin;                    /* pinning: pCPU ids, empty = any */
	int *pin;
	double mem_share;            /* share of run time stalled on memory */
	double wss;                  /* working set, bytes */
	int64_t footprint_time;      /* run time in which a cold VCPU touches 1 - 1/e of it (ns) */
	struct scn_guest guest;
	int nworkloads;
	struct scn_workload *workload;
};

/* QoS of page (or job) response times: a run passes when at least a
** share `good` of its measured pages finished within time_good and
** `tolerable` within time_tolerable (SPECweb2005: docs/sources.md sec. 2;
** the paper used 97%/99%, the kit's official rule is 95%/99%, both with
** TIME_GOOD 3 s and TIME_TOLERABLE 5 s and at least 100 requests). */
struct scn_qos {
	double good, tolerable;      /* shares: 0.97, 0.99 */
	int64_t time_good, time_tolerable; /* ns: 3 s, 5 s */
	int min_pages;               /* fewer measured pages fail: 100 */
	struct scn_loc loc;
};

/* `hvsim capacity`: the search for the most users per VM that pass QoS. */
struct scn_capacity {
	char *workload;              /* whose users vary; NULL: every closed workload in a VM */
	int min, max;                /* users per VM the search may try */
	int replications;            /* independent searches (seeds seed..seed+R-1): 3 */
	int resolution;              /* bisection stops at a bracket this narrow: 1 */
	double resolution_rel;       /* resolution="N%": the bracket as a share of its
					lower end instead (at least 1 user); 0: resolution */
	double precision;            /* add replications until the 95% half-width is at most
					this share of the mean (0: never; the default) */
	int max_replications;        /* ... or until this many (3 x replications with precision;
					0: no more than replications) */
	int sequential;              /* measure="sequential" (1, default) or "fixed" (0) */
	int64_t floor;               /* sequential: measured ns before a decision: 30 s */
	int64_t step;                /* sequential: batch (test) length, ns: 10 s */
	int start;                   /* users per VM the first round brackets around
					(bracket_near) instead of doubling from min; 0:
					from min (the default) */
	int rep_start[SCN_MAX_REPLICATIONS]; /* replication i's own start, in any
					round (a sweep's bracket="previous": its
					answer at the point before); 0: none */
	int nrep_start;              /* how many rep_start holds */
	int dither;                  /* dither="true" (the default): each replication's
					probes offset by a draw of its seed and start
					(cap__dither, sim/drive/capacity.c) */
	struct scn_loc loc;
};

/* A benchmark's own timing over the scenario's (--protocol). */
#define SCN_PROTOCOL_SPECWEB 1

/* `hvsim sweep`: the points to run (sim/drive/sweep.h).  Each <vary> names a
** --set path and its values (a list, or from/to/step expanded here into
** text such as "10ms" "20ms"); several make a Cartesian product, the
** first outermost.  Values stay text: a point is the scenario loaded
** again with them as --set overrides, so anything --set reaches (a
** profile too) can be swept. */
enum scn_sweep_mode { SWEEP_RUN, SWEEP_CAPACITY };

#define SCN_MAX_POINTS 10000
#define SCN_MAX_VARY 32

struct scn_vary {
	char *key;
	int nvalues;
	char **values;
	struct scn_loc loc;
};

struct scn_sweep {
	int present;                 /* 0: the scenario has no <sweep> */
	enum scn_sweep_mode mode;    /* run: one simulation a point; capacity: a search */
	int nvary;
	struct scn_vary *vary;
	int npoints;                 /* product of the value counts */
	int bracket_previous;        /* bracket="previous" in mode capacity: a point's
					first round starts around the answer of the point
					before it on its curve (the same values but the
					last <vary>'s), which then runs first */
	struct scn_loc loc;
};

/* Causes a counterfactual run removes (<ideal remove="...">; each is a
** knob of the models, documented in docs/explain.md and in the model
** that honours it): */
enum scn_ideal {
	SCN_IDEAL_SWITCH,            /* no world/host switch and no cache refill at dispatch (models/mux.c) */
	SCN_IDEAL_NUMA,              /* every memory access at local latency (models/mux.c) */
	SCN_IDEAL_LHP,               /* a lock holder is never descheduled inside its critical section (models/vm.c) */
	SCN_IDEAL_PAGING,            /* guest code at native speed: cpu-factor 1, shadow 1 (mux.c, io.c) */
	SCN_IDEAL_EMULATION,         /* exits and device-model work cost nothing (models/io.c) */
	SCN_IDEAL_EMU_WAIT,          /* device-model work never waits for a pCPU: an idle Dom0 / I/O thread (io.c) */
	SCN_IDEAL_NIC,               /* NICs serve every transmission at once: no queue (io.c) */
	SCN_IDEAL_DISK,              /* the disk serves every request at once: no queue (io.c) */
	SCN_IDEAL_PAGECACHE,         /* no page-cache misses (models/wl_specweb.c, wl_requests.c) */
	SCN_IDEAL_OVERCOMMIT,        /* as many pCPUs as guest VCPUs: nodes get more cores (ideal.c) */
	SCN_IDEAL_N
};

/* The cause's name in <ideal remove>, reports and CSVs ("switch", ...),
** and its description ("world switch and cache refill"). */
struct scenario;
const char *scn_ideal_name(int c);
const char *scn_ideal_what(int c);
/* The cause named name, or -1. */
int scn_ideal_find(const char *name);
/* Remove the causes in mask from loaded s (bits 1 << SCN_IDEAL_*): sets
** s->ideal and, for overcommit, gives every node
** ceil(guest VCPUs / nodes) cores when the guests' VCPUs outnumber the
** pCPUs.  0, or -1 when that machine would exceed SCN_MAX_CPUS. */
int scn_set_ideal(struct scenario *s, unsigned mask);

struct scenario {
	char *file;                  /* path as given */
	char *name;
	uint64_t seed;
	int64_t duration, warmup;    /* ns: measured = duration - warmup */
	int batches;                 /* batch means for confidence intervals */
	struct scn_qos qos;          /* defaults: the paper's 97%/99% */
	struct scn_capacity capacity;
	struct scn_sweep sweep;
	unsigned ideal;              /* causes removed: bits 1 << SCN_IDEAL_* (<ideal remove>) */
	struct scn_loc ideal_loc;
	struct scn_machine machine;
	struct scn_hypervisor hv;
	int nworkloads;              /* host workloads (threads on the host) */
	struct scn_workload *workload;
	int nvms;
	struct scn_vm *vm;
	int nfiles;                  /* interned file names */
	char **files;
	/* The model as text (sim/scenario/model.c): the tree once profiles
	** and overrides are in, less comments, the root's name and
	** description and the <sweep>, attributes sorted.  The same text is
	** the same simulation (given the seed and what the command line
	** changes after loading, which it does not hold); NULL for a
	** profile file.  model_external: an element names a file (a trace)
	** whose contents the text does not hold. */
	char *model;
	int model_external;
};

/* --protocol p on a loaded scenario: SCN_PROTOCOL_SPECWEB times every
** capacity probe as the SPECweb2005 kit does (Run Rules sec. 2.3: 300 s
** warm-up, 300 s ramp-up, 1800 s measured, 3 iterations); the ramp-up
** counts as warm-up (every user starts at once), the probe measures the
** whole 1800 s (measure="fixed"), 3 replications and no more.  0: no
** change. */
void scn_protocol(struct scenario *s, int p);

/* <capacity resolution="N%">: the share in *share (above 0, at most 0.5);
** 0, or -1 when text is not such a share. */
int scn_resolution_share(const char *text, double *share);
/* The capacity search's resolution at a bracket whose lower end is users:
** c's resolution, or with resolution="N%" that share of users (rounded
** down, at least 1 user). */
int scn_capacity_resolution(const struct scn_capacity *c, int users);
/* Where a search starts from an earlier answer (a sweep's neighbour, a
** later round): users rounded to the nearest multiple of the resolution,
** or with resolution="N%" to the nearest 2^(k/SCN_ROUND_GRID) users. */
#define SCN_ROUND_GRID 16
int scn_capacity_round(const struct scn_capacity *c, double users);

/* The jobs a closed workload of s can end over s's run with users
** users: each ends at most one job per mean think time plus mean demand,
** so users x the run / (think + demand); *cycle_s is that cycle in
** seconds.  The loader and the capacity search hold it to LIM_ARRIVALS
** (sim/engine/limits.h), as an open rate's arrivals are held. */
double scn_closed_jobs(const struct scenario *s, const struct scn_workload *w, double users, double *cycle_s);

/* A --set KEY=VALUE override: KEY is a dotted path of elements from the
** scenario root ending in an attribute, e.g. "run.duration",
** "machine.node[2].memory", "workload[jobs].closed.users".  An element
** step is "name" (the only such child), "name[N]" (the N-th, from 0) or
** "name[ID]" (the one whose name= or id= is ID). */
struct scn_override {
	const char *key, *value;
};

/* Where an override was written, for the messages about the value it
** sets: file NULL for the command line ("--set KEY=VALUE: <run
** duration>: expected ..."), else a file and line (a sweep's <vary>, a
** calibration's <param>). */
struct scn_origin {
	const char *file;
	int line;
};

/* Load, validate and check path.  Returns 0, or -1 with every problem in
** d (the scenario is then freed).  A file whose root is <machine> or
** <hypervisor> is accepted when profile_ok (for `hvsim validate` of a
** profile); then only that part of s is filled. */
int scn_load(struct scenario *s, const char *path, const struct scn_override *ov,
	     int nov, int profile_ok, struct diag *d);
/* The same with where each override was written (from: nov entries, or
** NULL: all from the command line). */
int scn_load_from(struct scenario *s, const char *path, const struct scn_override *ov,
		  const struct scn_origin *from, int nov, int profile_ok, struct diag *d);
void scn_free(struct scenario *s);

/* Machine totals. */
int scn_ncpus(const struct scn_machine *m);

/* The shipped profiles the search path finds (sim/scenario/profile.c),
** by kind and name, with their file and source line. */
void scn_list_profiles(FILE *f);

#endif
