/*
** Scheduling framework: schedulable entities (host-side threads: VCPUs,
** emulation threads, validation jobs), pCPUs, and the ops table every
** policy implements — the shape of Linux's struct sched_class and Xen's
** struct scheduler.
**
** The framework owns the mechanics: run segments on a pCPU at the speed
** the multiplexing model gives (models/mux.c), the switch and cache-refill
** overhead charged at dispatch, end-of-burst and end-of-slice events,
** preemption, state accounting clipped to the measured interval, and the
** per-policy, per-pCPU and per-entity private data it allocates with the
** sizes the ops declare.  A policy only decides: on which pCPU's run queue
** an entity waits, which entity a pCPU runs next and for how long, and
** whether a wake-up preempts.  Only sched.c calls through the ops table,
** via wrappers that check invariants (an entity is never on two pCPUs; a
** picked entity is READY and allowed on that pCPU).
*/
#ifndef HVSIM_SCHED_H
#define HVSIM_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "models/sched_domain.h"
#include "sim/engine/diag.h"
#include "sim/engine/evq.h"
#include "sim/scenario/scenario.h"

struct world;
struct sched;
struct vm;
struct entity;
struct mux_occ;

enum ent_state { ENT_BLOCKED, ENT_READY, ENT_RUNNING };

enum ent_kind {
	ENT_JOB,      /* a host thread of a burst workload (validation) */
	ENT_VCPU,     /* a VM's virtual CPU */
	ENT_EMU,      /* an emulation thread: QEMU I/O thread, Dom0 VCPU, EMT */
};

/* A set of pCPUs (machines up to CPUSET_MAX pCPUs). */
#define CPUSET_MAX 256   /* = SCN_MAX_CPUS, checked when a scenario loads */
struct cpuset {
	uint64_t w[CPUSET_MAX / 64];
};

static inline bool cpuset_has(const struct cpuset *s, int c)
{
	return (s->w[c >> 6] >> (c & 63)) & 1;
}

static inline void cpuset_add(struct cpuset *s, int c)
{
	s->w[c >> 6] |= UINT64_C(1) << (c & 63);
}

static inline void cpuset_del(struct cpuset *s, int c)
{
	s->w[c >> 6] &= ~(UINT64_C(1) << (c & 63));
}

static inline bool cpuset_empty(const struct cpuset *s)
{
	for (int i = 0; i < CPUSET_MAX / 64; i++)
		if (s->w[i])
			return false;
	return true;
}

/* Every pCPU from 0 to n - 1. */
static inline void cpuset_fill(struct cpuset *s, int n)
{
	for (int i = 0; i < CPUSET_MAX / 64; i++)
		s->w[i] = 0;
	for (int c = 0; c < n; c++)
		cpuset_add(s, c);
}

/* Called when a burst completes (the entity still holds its pCPU).
** Return the cycles of the next burst to keep running without blocking
** (a VCPU whose guest has more work), or a negative value to block. */
typedef double (*ent_done_fn)(struct world *w, struct entity *e);

struct entity {
	int id;                   /* index in the world's entity table */
	const char *name;         /* owner's name; with idx it names the entity */
	int idx;
	enum ent_kind kind;
	struct vm *vm;            /* the VM of a VCPU or emulation thread */
	enum ent_state state;
	int cpu;                  /* pCPU running it or that last ran it; -1 never ran */
	double work;              /* cycles left in the current burst */
	double ovh;               /* switch cycles (at the pCPU's clock) to burn before the work */
	int spinning;             /* its work is spinning on a lock (no progress) */
	int costop;               /* co-stopped: held off the pCPUs (relaxed co-scheduling) */
	int held;                 /* picked but set aside by co-scheduling, not queued */
	evq_handle skew_ev;       /* relaxed co-scheduling: its skew limit */
	int64_t since;            /* time of the last state change */

	/* what the policies and the multiplexing model read */
	int weight;               /* Xen weight, or the CFS weight of its nice level */
	int nice;                 /* Linux nice level */
	int cap;                  /* Xen cap, % of one pCPU; 0 none */
	struct cpuset affinity;   /* pCPUs it may run on */
	int mem_node;             /* NUMA node of its memory; -1 interleaved */
	double mem_share;         /* share of its run time stalled on memory */
	double rate_memo;         /* mux_rate's last result, for pCPU rate_cpu - 1 */
	int rate_cpu, rate_mem;   /* and memory node rate_mem (rate_cpu 0: none) */
	double wss;               /* working set, bytes (cache refill) */

	/* cache footprint (models/mux.c); wss_lines 0: not modelled */
	double wss_lines;         /* lines of its working set a cache can hold */
	double ftime;             /* footprint time: ns of run to touch 1 - 1/e of it */
	double miss;              /* lines of it missing from the current pCPU's cache */
	double line_ns;           /* stall per missing line on the current pCPU, ns */
	double remote_frac;       /* part of line_ns due to remote memory */
	int migrated;             /* this dispatch is on another pCPU than the last */

	/* accounting inside the measured interval (ns) */
	int64_t t_run, t_ready, t_blocked;
	int64_t t_overhead;       /* part of t_run spent on switch and refill: the sum of */
	int64_t t_switch;         /*   world (or host) switches, */
	int64_t t_refill;         /*   refill on the pCPU it last ran on, */
	int64_t t_migrate;        /*   refill after moving to another pCPU; */
	int64_t t_remote;         /* part of the refills stalled on remote memory */
	int64_t t_spin;           /* part of t_run spent spinning on a lock */
	int64_t c_ready, c_spin;  /* the same over the whole run (not only the measured
				     interval), ready up to `since`: per-job splits (models/io.c) */
	double remote_ns;         /* t_run weighted by its remote-memory share */
	uint64_t ndispatch, npreempt, nmigrate, nwake;

	ent_done_fn done;
	void *owner;
	int64_t tag;              /* owner's use (e.g. arrival time) */
	void *priv;               /* policy data, ent_priv_size bytes */
	struct entity *next;      /* policy's run-queue link */
};

struct cpu {
	int id, node;
	struct entity *curr;      /* NULL when idle */
	double rate;              /* cycles per ns of the current segment */
	int64_t seg_start;        /* start of the current run segment */
	int64_t slice_end;        /* end of the current slice; INT64_MAX none */
	evq_handle ev;            /* end of the current segment */
	evq_handle kick;          /* a pending sched_kick */
	int seg_done;             /* that event ends the burst (1) or the slice (0) */
	int64_t seg_end;          /* when a burst-ending segment ends, */
	double seg_useful;        /* its useful ns and */
	double seg_decay;         /* exp(-useful / footprint time): misses left per miss */
	int completing;           /* inside the done() of its entity's burst */
	int want_resched;         /* a wake-up asked to preempt meanwhile */
	int64_t storm_at;         /* the last instant c dispatched at */
	int storm_n;              /* dispatches at that instant (see kick_event) */
	int64_t ran;              /* ns the current entity has run since dispatch */
	int64_t t_busy;           /* inside the measured interval */
	int64_t t_overhead;       /* part of t_busy on switch and refill: the sum of */
	int64_t t_switch, t_refill, t_migrate;   /* as for entities */
	int64_t t_remote;         /* part of the refills stalled on remote memory */
	struct mux_occ *occ;      /* who has lines in its cache, most recent first (mux.c) */
	int nocc, capocc;
	double used;              /* lines in use */
	uint64_t nswitch;         /* dispatches of a different entity */
	struct entity *last;      /* entity that ran before, for nswitch */
	void *priv;               /* policy data, cpu_priv_size bytes */
};

/* A policy parameter: its name, how its value is read, the default. */
/* SP_TIME must be > 0; SP_TIME0 may also be 0 (e.g. "0: derive it"). */
enum sched_param_kind { SP_TIME, SP_INT, SP_NUMBER, SP_TIME0 };

/* The least period or slice of the Linux and Xen policies' parameters:
** 100 us, the floor Linux puts on sched_min_granularity_ns and
** sched_latency_ns (kernel/sysctl.c, min_sched_granularity_ns = 100000)
** and Xen on its scheduler rate limit (XEN_SYSCTL_SCHED_RATELIMIT_MIN,
** 100 us).  Below it no followed scheduler runs, and an event every
** few nanoseconds per pCPU would make a run last hours. */
#define SCHED_PERIOD_MIN_NS INT64_C(100000)

/* The most the Linux policies' periods and slices may be: 1 s, the
** ceiling of sched_latency_ns and sched_min_granularity_ns (2.6.24 and
** 2.6.32 kernel/sysctl.c, max_sched_granularity_ns = NSEC_PER_SEC);
** EEVDF's base slice is an unsigned int of ns, below 4.3 s.  Larger
** ones overflowed the policies' fixed-point arithmetic (the slice times
** a weight of 1024: 1e8 s did, signed overflow). */
#define SCHED_GRAN_MAX_NS INT64_C(1000000000)

struct sched_param_def {
	const char *name;
	enum sched_param_kind kind;
	const char *def;          /* default, in the same notation as XML */
	const char *help;
	int64_t min_ns;           /* a time's floor in ns (SP_TIME0: or 0); 0: any positive time */
	int64_t max_ns;           /* a time's ceiling in ns; 0: none (LIM_TIME) */
};

/* Why an entity is handed to select_cpu / enqueue. */
enum sched_why {
	SCHED_WAKE,               /* it was blocked and has work */
	SCHED_PREEMPT,            /* its slice ended or it was preempted */
};

struct sched_ops {
	const char *name;
	const char *source;       /* the code or paper it follows */
	const char *summary;      /* one line for listings */
	const struct sched_param_def *params;  /* ends with {NULL}; may be NULL */
	size_t priv_size, cpu_priv_size, ent_priv_size;

	/* Read parameters with sched_param_*(); set up private data; start
	** the policy's own timers (world_at).  Returns 0 or -1 after
	** reporting to d.  Called once, before any entity exists. */
	int (*init)(struct sched *s, struct diag *d);
	/* Free what init allocated beyond priv (optional). */
	void (*fini)(struct sched *s);
	/* A new entity: set up its private data (optional). */
	void (*attach)(struct sched *s, struct entity *e);
	/* The pCPU on whose run queue e waits now (READY, not queued yet).
	** Must be in e->affinity.  Optional: the default is the lowest idle
	** allowed pCPU, else the last one e ran on, else its first allowed. */
	int (*select_cpu)(struct sched *s, struct entity *e, enum sched_why why);
	/* Queue e (READY) for pCPU c; must not dispatch.  A preempted entity
	** (SCHED_PREEMPT) is always handed back with the pCPU it ran on. */
	void (*enqueue)(struct sched *s, struct cpu *c, struct entity *e, enum sched_why why);
	/* Take the queued e off whatever queue holds it and set it aside:
	** the policy must not pick it until pick_given or enqueue hands it
	** back (optional; strict co-scheduling needs it). */
	void (*dequeue)(struct sched *s, struct entity *e);
	/* Dequeue and return the entity c runs next (it may come from another
	** pCPU's queue: work stealing), or NULL to idle; set *slice to the run
	** time before the policy is asked again (ns), or -1 for no limit. */
	struct entity *(*pick_next)(struct sched *s, struct cpu *c, int64_t *slice);
	/* The co-scheduler's pick: e, set aside by dequeue, is c's pick, as
	** if pick_next had returned it, with the slice co-scheduling gives it
	** (ns, -1 none); the framework starts it on c at once.  Optional: a
	** policy that keeps nothing per pick (FIFO) leaves it out. */
	void (*pick_given)(struct sched *s, struct cpu *c, struct entity *e, int64_t slice);
	/* e leaves c after running `ran` ns since its dispatch: its burst
	** ended, or it is preempted (optional).  e->state is
	** still ENT_RUNNING here; if it stays runnable, enqueue(c, e,
	** SCHED_PREEMPT) follows at once, else it has blocked.
	** Or a pick handed back unstarted (co-scheduling held it: e READY,
	** c->curr not e, ran 0): the policy undoes the pick; e is on no queue
	** until enqueue(c, e, SCHED_PREEMPT) follows, once c's own pick is
	** settled. */
	void (*put_prev)(struct sched *s, struct cpu *c, struct entity *e, int64_t ran);
	/* The just-enqueued e waits on busy pCPU c: preempt c->curr now?
	** (optional: never). */
	bool (*check_preempt)(struct sched *s, struct cpu *c, struct entity *e);
	/* Print the policy's state (optional). */
	void (*dump)(struct sched *s, FILE *f);
};

/*
** Co-scheduling (models/cosched.c) is a decorator of the ops table: with
** it on, s->ops is the policy's table with pick_next wrapped.  Inside
** the contract above, it may hand a pick back unstarted (put_prev, then
** enqueue once the pCPU's pick is settled: its VM's gang cannot run
** now), and with strict co-scheduling start a VM's READY VCPUs together
** on other pCPUs: each is dequeued, then picked there with pick_given,
** then started.  Every pick is thus run or handed back through put_prev,
** and every start follows a pick (pick_next or pick_given).
*/
struct sched {
	const struct sched_ops *ops;     /* what the framework calls: policy, or co-scheduling's decorator of it */
	const struct sched_ops *policy;  /* the policy's own table */
	struct sched_ops deco;           /* co-scheduling's decorator (ops points here when on) */
	struct world *w;
	const struct scn_policy *cfg;
	struct cpu *cpu;
	int ncpus;
	int nidle;
	struct sd_topo topo;      /* the pCPUs by node: scheduling domains (sched_domain.h) */
	void *priv;               /* priv_size bytes */
	int64_t t0, t1;           /* measured interval */
	int cosched;              /* co-scheduling mode: 0 off, COSCHED_STRICT, COSCHED_RELAXED */
	int64_t skew_limit;       /* relaxed co-scheduling: allowed skew, ns */
	uint64_t ncostop, ncostart;  /* co-scheduling events in the measured interval */
	int waker;                /* the wake-up being placed comes from this pCPU (-1 none; see sched_wake_from) */
	int irq_from;             /* where wake-ups outside any done() come from (sched_irq_from) */
};

#define COSCHED_STRICT 1
#define COSCHED_RELAXED 2

/* The registry: every policy, looked up by name. */
const struct sched_ops *sched_lookup(const char *name);
/* "fcfs, rr, ..." for error messages. */
const char *sched_names(void);
extern const struct sched_ops *const sched_registry[];

/* Check that cfg names a known policy with valid parameters. */
int sched_check(const struct scn_policy *cfg, struct diag *d);

/* Set up s for world w with the scenario's policy; errors go to d. */
int sched_init(struct sched *s, struct world *w, const struct scn_policy *cfg, struct diag *d);
void sched_free(struct sched *s);

/* Give a new entity its policy data once its fields (kind, weight,
** affinity, ...) are set; before its first wake. */
int sched_attach(struct sched *s, struct entity *e);

/* e (BLOCKED) starts a burst of work cycles: it becomes READY and runs
** when the policy dispatches it; e->done is called when it completes.
** The wake-up comes from where the running event stands
** (sched_waker_here): sched_wake_from(s, e, work, sched_waker_here(s)). */
void sched_wake(struct sched *s, struct entity *e, double work);

/*
** The waker.  Linux places a woken thread relative to the CPU that runs
** try_to_wake_up (smp_processor_id(): wake_affine, passive balancing),
** and its O(1) interactivity bonus and CFS's avg_wakeup tell a wake-up
** by a task from one by an interrupt (in_interrupt()).  A wake-up comes
**   - from pCPU c, by its entity, when that entity's done() runs on c (a
**     burst completing: the I/O thread ending its emulation and waking
**     a VCPU, a VCPU's guest job waking the I/O thread, a guest IPI);
**   - else from an interrupt, handled on the pCPU the running event sets
**     with sched_irq_from (by default <io irq-cpu>: device interrupts),
**     or on the woken entity's own last pCPU (SCHED_WAKER_SELF: a timer
**     armed by the thread it wakes).
** Policies read s->waker (valid during the select_cpu, enqueue and
** check_preempt calls of a SCHED_WAKE) and sched_waker_task.
*/

/* Where device interrupts are handled is the hypervisor's <io irq-cpu>
** ([open]; s->irq_from between events).  Without irqbalance, Linux 2.6.2x
** on x86_64 in physical mode routes every IO-APIC interrupt to the first
** online CPU (arch/x86/kernel/genapic_flat_64.c at v2.6.24:
** physflat_cpu_mask_to_apicid takes first_cpu()); with 8 CPUs or fewer
** it uses flat logical mode, whose lowest-priority delivery among equal
** priorities the chipset arbitrates, and irqbalance (installed by
** default on Debian and Ubuntu servers) moves each IRQ to a CPU of its
** choice.  The default, SCHED_WAKER_SELF, takes the woken thread's own
** pCPU: no pull towards an interrupt pCPU.  SCHED_IRQ_CPU names pCPU 0,
** the physflat case, for `irq-cpu="0"`.  Network packets (the softirq
** runs on the CPU that took the interrupt), disk completions and the
** paths they wake start there. */
#define SCHED_IRQ_CPU 0
/* A timer armed by the woken entity fires on its own last pCPU (an
** hrtimer stays on the CPU that armed it; KVM moves a VCPU's LAPIC timer
** with its thread: __kvm_migrate_timers), so the waker is that pCPU. */
#define SCHED_WAKER_SELF (-2)

/* Wake e from pCPU `from` (-1: none, SCHED_WAKER_SELF: e's last pCPU):
** s->waker is that pCPU while e is placed. */
void sched_wake_from(struct sched *s, struct entity *e, double work, int from);

/* Where a wake-up made now comes from: the pCPU whose entity's done()
** runs, else s->irq_from.  O(ncpus). */
int sched_waker_here(const struct sched *s);

/* The event that runs now models an interrupt or timer: its wake-ups
** outside any done() come from `from` (a pCPU, SCHED_WAKER_SELF or -1).
** Returns the previous setting, to restore with sched_irq_from when the
** event ends (the default between events is <io irq-cpu>). */
int sched_irq_from(struct sched *s, int from);

/* The entity that wakes (the one whose done() runs on s->waker), or NULL
** for an interrupt's wake-up. */
struct entity *sched_waker_task(const struct sched *s);

/* Stop what c runs now (it goes back to the policy as preempted) and ask
** the policy for c's next entity; on an idle c, just ask.  Policies call
** this from their timers and after deciding on a preemption. */
void sched_resched(struct sched *s, struct cpu *c);

/* Change the cycles left in e's current burst (e.g. 0 to end a spin
** now); a running e gets a new segment end at once. */
void sched_set_work(struct sched *s, struct entity *e, double work);

/* Charge a running e's segment up to now, so e->work is the cycles of
** its burst left at this instant (sched_set_work then replans it). */
void sched_sync_work(struct sched *s, struct entity *e);

/* Ask c to reschedule soon (at the current time, after the running
** event): an idle c picks, a busy c is preempted.  Xen's
** cpu_raise_softirq(SCHEDULE_SOFTIRQ), Linux's resched_task(); safe to
** call from enqueue and from timers. */
void sched_kick(struct sched *s, struct cpu *c);

/* ns the entity on c has run since its dispatch, up to now. */
int64_t sched_ran(const struct sched *s, const struct cpu *c);

/* Is c allowed for e and idle? */
static inline bool sched_idle_for(const struct sched *s, int c, const struct entity *e)
{
	return !s->cpu[c].curr && cpuset_has(&e->affinity, c);
}

/* Print the scheduler's state: every pCPU (what it runs, since when,
** its slice) and the policy's own (its dump op). */
void sched_dump(struct sched *s, FILE *f);

/* Close the open accounting intervals at the end of the run. */
void sched_finish(struct sched *s, int64_t now);

/* Where parameter name was set (the <policy> element when it was not):
** for a policy's messages about its value. */
const struct scn_loc *sched_param_loc(const struct sched *s, const char *name);

/* Parameter values, for a policy's init (defaults from its table). */
int64_t sched_param_time(struct sched *s, const char *name);
double sched_param_number(struct sched *s, const char *name);
/* The parameter as written (or its default's text): what a message about
** its value quotes, rather than the number reformatted ("1e+09"). */
const char *sched_param_text(const struct sched *s, const char *name);

/* Linux's load weight of a nice level, prio_to_weight[] (the same table
** in 2.6.23 kernel/sched.c and 6.6 kernel/sched/core.c): nice 0 = 1024,
** ~1.25x per step; nice outside -20..19 is clamped. */
int sched_nice_weight(int nice);

/* floor(log2(x)) for x >= 1 (the kernel's ilog2), 0 below. */
int sched_ilog2(int x);

/* The policies (one file each). */
extern const struct sched_ops sched_fcfs_ops;   /* models/sched_fifo.c */
extern const struct sched_ops sched_rr_ops;     /* models/sched_fifo.c */
extern const struct sched_ops sched_credit_ops; /* models/sched_credit.c: Xen 3.3.0 credit */
extern const struct sched_ops sched_cfs_ops;    /* models/sched_cfs.c: Linux CFS */
extern const struct sched_ops sched_o1_ops;     /* models/sched_o1.c: Linux 2.6.21 O(1) */
extern const struct sched_ops sched_eevdf_ops;  /* models/sched_eevdf.c: Linux 6.6 EEVDF */
extern const struct sched_ops sched_credit2_ops; /* models/sched_credit2.c: Xen credit2 */

#endif
