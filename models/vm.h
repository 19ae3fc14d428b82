/*
** Virtual machines and their guests.  A VM is a domain of VCPU entities
** (scheduled by the host policy) with a home for its memory; its guest
** kernel queues the work of its workloads and runs it on its VCPUs:
** a VCPU with nothing to do halts (its entity blocks), a job arriving
** wakes a halted VCPU (docs/workloads.md).  SMP guests take one VM-wide
** spinlock for a share of their run time; a VCPU that wants it while a
** sibling holds it spins — and if the holder's VCPU was descheduled by
** the host, it spins until the host runs the holder again: lock-holder
** preemption (Uhlig et al., VM'04; docs/sources.md sec. 6).
*/
#ifndef HVSIM_VM_H
#define HVSIM_VM_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "models/sched.h"
#include "sim/engine/mt.h"
#include "sim/engine/diag.h"
#include "sim/scenario/scenario.h"

struct world;
struct ioreq;

/* A unit of guest work: a job of a workload running inside the VM. */
struct gjob {
	double work;                  /* cycles */
	int64_t tag;                  /* owner's use (submit time) */
	void (*done)(struct world *w, struct gjob *j);
	void *owner;
	struct gjob *next;
	/* where its time goes (models/io.c): set when a VCPU takes it */
	struct entity *vcpu;
	int64_t t_take, ready0, spin0, held_take;
};

enum vcpu_phase { PH_RUN, PH_CRIT, PH_SPIN };

/* The VM's locks (vm.c): the guest kernel's spinlock, and the
** hypervisor's per-VM shadow page-table lock. */
enum { LK_GUEST, LK_SHADOW, NLOCKS };

struct vcpu_state {
	struct gjob *job;             /* NULL: halted or about to */
	double left;                  /* cycles of the job left */
	enum vcpu_phase phase;
	int lk;                       /* PH_CRIT, PH_SPIN: on which lock */
	double phase_left;            /* cycles to the next lock event */
	double burst;                 /* cycles of the burst in flight, from its start */
	double walked;                /* cycles of it whose phases are applied */
	int lazy;                     /* the burst runs to the job's end through its lock
				      ** phases, walked when it ends or is cut (vm.c) */
	int phased;                   /* the burst runs to the job's end, each lock phase's
				      ** end an event of its own (vm.c) */
	uint64_t pev;                 /* that event (an evq handle), 0 none */
	double pending;               /* interrupt work for the next job */
	int io_wait;                  /* Xen: blocked until qemu-dm answers its exit (io.c) */
	double slice_mark;            /* the job's slice ends when left falls to this; -inf none */
	int64_t io_wait_t0;           /* since when */
	struct gjob tick;             /* a halted VCPU's own short job (timer tick) */
};

struct vm {
	char name[96];
	const struct scn_vm *cfg;     /* NULL for Xen's Dom0 */
	int index;                    /* replica number within cfg (0-based) */
	int weight, cap;              /* for the policies */
	int mem_node;                 /* -1 interleaved; MEM_UNPLACED until first touch */
	int nvcpus;
	struct entity **vcpu;         /* VirtualBox: the EMT thread, which runs the guest */
	struct entity *iothread;      /* KVM: the VM's QEMU I/O thread (device emulation) */
	char *iothread_name;
	struct vcpu_state *vs;
	struct gjob *qhead, *qtail;   /* guest run queue */
	double quantum;               /* <guest timeslice> in cycles; 0: run to completion */
	uint64_t requeues;            /* jobs sent behind the queue at a slice's end */
	int qlen;
	/* the locks, LK_GUEST and LK_SHADOW */
	int holder[NLOCKS];           /* VCPU index, -1 free */
	int *spinq[NLOCKS], nspin[NLOCKS]; /* FIFOs of waiting VCPU indices */
	double crit_mean[NLOCKS];     /* cycles inside a critical section; 0: no such lock */
	double free_mean;             /* cycles between critical sections (of either lock) */
	double p_shadow;              /* the share of sections on LK_SHADOW */
	struct mt19937 r_lock;        /* the lock phases' stream (and the tick phase) */
	int seq;                      /* guest VMs numbered from 0 (Dom0 -1): NIC choice */
	/* KVM: the QEMU I/O thread's queue of device-model work (models/io.c) */
	struct ioreq *emu_head, *emu_tail;
	int emu_busy;                 /* the I/O thread is running or woken */
	/* the guest's periodic timer tick (2.6.21 guests are not tickless) */
	int64_t tick_period;          /* ns; 0 no ticks */
	double tick_cycles;           /* per tick and VCPU: handler + exits */
	uint64_t ticks;
	/* time some VCPU holding a job sat descheduled (ready): the guest's
	** queued work waited on the host then (models/io.c splits a CPU
	** stage's queue wait by it) */
	int nheld;                    /* VCPUs ready now with a job */
	int64_t c_held, held_since;   /* ns with nheld > 0, up to held_since */
	uint64_t jobs_done;
	uint64_t ioreq_waits;         /* Xen ioreq-wait: exits waited for, over the whole run */
	int64_t ioreq_wait_ns;        /* and the VCPU time they took, ns */
	uint64_t acquired[NLOCKS], contended[NLOCKS];  /* by lock */
};

#define MEM_UNPLACED (-2)

/* Build every VM of the scenario (replicas included), their VCPUs, Dom0,
** and their guest workloads.  0, -ENOMEM, or -EINVAL with the problem
** (a workload's input file) in d. */
int vm_build_all(struct world *w, struct diag *d);
void vm_free_all(struct world *w);

/* Give the guest of vm a job. */
void vm_submit(struct world *w, struct vm *vm, struct gjob *j);

/* Guest work that is not a job of its own: added to VCPU i's job, or
** a short job of its own on VCPU i when it is halted (a timer tick). */
void vm_interrupt(struct world *w, struct vm *vm, int i, double cycles);

/* The host dispatches VCPU e / takes it off its pCPU mid-burst (the
** scheduling framework calls these for every entity of a VM): a burst
** that runs lazily through its lock phases is cut at the current
** progress when a sibling VCPU starts, or when e itself stops. */
void vm_vcpu_dispatch(struct world *w, struct entity *e);
void vm_vcpu_preempted(struct world *w, struct entity *e);

/* The scheduling framework reports every state change of a VM's entity
** (ENT_* values): the held-time accounting above. */
void vm_vcpu_state(struct world *w, struct entity *e, int from, int to);
/* ns, over the whole run up to now, during which some VCPU of vm holding a
** job was ready but not running. */
int64_t vm_held_ns(const struct vm *vm, int64_t now);

/* Xen HVM: VCPU i of vm has just exited to qemu-dm in Dom0 (the job it
** ran ends with the exit) and waits for the answer, blocked: it takes no
** job and no interrupt until vm_ioreq_resume, when qemu-dm answers
** (models/io.c, <io ioreq-wait>). */
void vm_ioreq_block(struct world *w, struct vm *vm, int i);
void vm_ioreq_resume(struct world *w, struct vm *vm, int i);

/* First touch: the VM's memory goes to node (called at its first dispatch). */
void vm_place_memory(struct vm *vm, int node);

#endif
