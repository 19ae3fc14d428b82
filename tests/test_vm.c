/*
** VMs, guests and multiplexing costs (models/vm.c, models/mux.c): the
** guest run queue against queueing theory, the CPU factor, NUMA speed
** and placement, world-switch and cache-refill overhead accounting,
** lock-holder preemption, and the timeline file.
*/
#include "tests/cutest.h"
#include "models/vm.h"
#include "models/wl_burst.h"
#include "sim/engine/qtheory.h"
#include "models/world.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double sum(const struct vm *vm, int64_t (*get)(const struct entity *))
{
	double t = 0;
	for (int i = 0; i < vm->nvcpus; i++)
		t += (double)get(vm->vcpu[i]);
	return t;
}

static int64_t get_run(const struct entity *e) { return e->t_run; }
static int64_t get_spin(const struct entity *e) { return e->t_spin; }
static int64_t get_ovh(const struct entity *e) { return e->t_overhead; }

/* Two VCPUs on two dedicated pCPUs serving one guest FIFO queue: M/M/2. */
static void test_guest_queue_mm2(void)
{
	cut_fixture("tests/data/good/vm-guest.xml", NULL);
	struct qt_result r;
	CU_ASSERT_EQUAL_FATAL(qt_mmc(1.6, 1.0, 2, &r), 0);
	struct ci c = tally_mean(&cut_W.burst[0]->resp);
	printf("\n    guest M/M/2: sim %.4f [%.4f, %.4f], theory %.4f", c.mean, c.lo, c.hi, r.R);
	CU_ASSERT_TRUE(c.lo <= r.R && r.R <= c.hi);
	CU_ASSERT_DOUBLE_EQUAL(c.mean, r.R, 0.03 * r.R);
	/* the VCPUs halt when the guest is idle: blocked ~ (1 - rho) of the time */
	const struct vm *vm = cut_vm_fatal("g");
	double blocked = (double)(vm->vcpu[0]->t_blocked + vm->vcpu[1]->t_blocked) / 2 / 99000e9;
	printf(", VCPU halted %.3f (1 - rho = 0.2)", blocked);
	CU_ASSERT_DOUBLE_EQUAL(blocked, 0.2, 0.01);
	cut_done();
}

/* cpu-factor 0.5 halves the guest's speed: M/M/1 with mean service 2 s. */
static void test_cpu_factor(void)
{
	/* vm-guest-slow.xml is vm-guest.xml with <costs cpu-factor="0.5"/>:
	** --set sets attributes of existing elements only */
	const char *const sets2[] = { "vm.vcpus=1", "vm.pin=0", "vm.workload.open.rate=0.2/s", NULL };
	cut_fixture("tests/data/good/vm-guest.xml", sets2);
	struct ci base = tally_mean(&cut_W.burst[0]->resp);
	cut_done();
	cut_fixture("tests/data/good/vm-guest-slow.xml", sets2);
	struct ci slow = tally_mean(&cut_W.burst[0]->resp);
	struct qt_result r1, r2;
	qt_mm1(0.2, 1.0, &r1);
	qt_mm1(0.2, 0.5, &r2);
	printf("\n    factor 1: %.3f (theory %.3f); factor 0.5: %.3f (theory %.3f)", base.mean, r1.R, slow.mean,
	       r2.R);
	CU_ASSERT_DOUBLE_EQUAL(base.mean, r1.R, 0.04 * r1.R);
	CU_ASSERT_DOUBLE_EQUAL(slow.mean, r2.R, 0.04 * r2.R);
	cut_done();
}

/* One busy VCPU with half its time stalled on memory: speed depends on
** where its memory is.  Closed, 1 user, no think, 1 s deterministic jobs:
** throughput = 1 / (0.5 + 0.5 r). */
static void numa_case(const char *placement, const char *node, const char *pin, double r, double remote)
{
	char p[64], n[64], q[64];
	snprintf(p, sizeof p, "vm.placement=%s", placement);
	snprintf(n, sizeof n, "vm.node=%s", node);
	snprintf(q, sizeof q, "vm.pin=%s", pin);
	const char *const with_node[] = { "vm.vcpus=1", "vm.mem-share=0.5", p, n, q, "run.duration=2000s",
					  "run.warmup=10s", NULL };
	const char *const no_node[] = { "vm.vcpus=1", "vm.mem-share=0.5", p, q, "run.duration=2000s",
					"run.warmup=10s", NULL };
	cut_fixture("tests/data/good/vm-closed1.xml", node ? with_node : no_node);
	struct ci x = tally_rate(&cut_W.burst[0]->resp);
	const struct vm *vm = cut_vm_fatal("g");
	double share = vm->vcpu[0]->remote_ns / (double)vm->vcpu[0]->t_run;
	double want = 1 / (0.5 + 0.5 * r);
	printf("\n    %-11s pin %s: %.4f jobs/s (theory %.4f), remote share %.3f, memory on node %d", placement, pin,
	       x.mean, want, share, vm->mem_node);
	CU_ASSERT_DOUBLE_EQUAL(x.mean, want, 0.002);
	CU_ASSERT_DOUBLE_EQUAL(share, remote, 1e-9);
	cut_done();
}

static void test_numa(void)
{
	numa_case("bound", "1", "0", 1.2, 1.0);          /* remote: 1 / 1.1 */
	numa_case("bound", "0", "0", 1.0, 0.0);          /* local */
	numa_case("interleave", NULL, "0", 1.1, 0.5);    /* half and half */
	numa_case("first-touch", NULL, "2", 1.0, 0.0);   /* memory follows the first run */
}

/* Two hogs share pCPU 0 in 10 ms slices; every dispatch switches VM. */
static void test_world_switch(void)
{
	cut_fixture("tests/data/good/vm-hogs-costs.xml", NULL);   /* world-switch="1Mcycles" */
	const struct cpu *c = &cut_W.sched.cpu[0];
	double share = (double)c->t_overhead / (double)c->t_busy;
	/* each 10 ms slice starts with a 1 ms world switch (1 Mcycles at 1 GHz) */
	printf("\n    world switch share of pCPU 0: %.4f (expected 0.1000)", share);
	CU_ASSERT_DOUBLE_EQUAL(share, 0.1, 0.002);
	double ovh = sum(cut_vm_fatal("a"), get_ovh) + sum(cut_vm_fatal("b"), get_ovh);
	CU_ASSERT_DOUBLE_EQUAL(ovh, (double)c->t_overhead, 1e6);
	CU_ASSERT_DOUBLE_EQUAL((double)c->t_busy, 190e9, 1e6);   /* never idle */
	cut_done();
}

/* Cache refill: a 1 MiB working set, 100 ns local latency, 4 misses in
** flight: 16384 x 100 ns / 4 = 409.6 us per dispatch after the other VM. */
static void test_cache_refill(void)
{
	const char *const sets[] = { "vm[a].wss=1MiB", "vm[b].wss=1MiB", NULL };
	cut_fixture("tests/data/good/vm-hogs.xml", sets);
	const struct cpu *c = &cut_W.sched.cpu[0];
	double per = (double)c->t_overhead / (double)c->nswitch;
	printf("\n    refill per switch: %.1f us (expected 409.6)", per / 1e3);
	CU_ASSERT_DOUBLE_EQUAL(per, 409600, 2000);
	cut_done();
	/* the same working set, memory on the other node: 1.2x slower */
	const char *const far[] = { "vm[a].wss=1MiB", "vm[b].wss=1MiB", "vm[a].placement=bound",
				    "vm[a].node=1", "vm[b].placement=bound", "vm[b].node=1", NULL };
	cut_fixture("tests/data/good/vm-hogs.xml", far);
	c = &cut_W.sched.cpu[0];
	per = (double)c->t_overhead / (double)c->nswitch;
	printf("; remote memory: %.1f us (expected 491.5)", per / 1e3);
	CU_ASSERT_DOUBLE_EQUAL(per, 491520, 2500);
	cut_done();
}

/* Refill is paid once: hog a (1 MiB) shares pCPU 0 with hog b, which has
** no working set, in 50 us quanta, so a is preempted ~1.9 million times,
** mostly before its first refill (409.6 us) is done.  Nothing evicts a's
** lines, so over the whole run a refills its working set once. */
static void test_refill_once(void)
{
	const char *const sets[] = { "vm[a].wss=1MiB", "hypervisor.policy.quantum=50us", NULL };
	cut_fixture("tests/data/good/vm-hogs.xml", sets);
	const struct entity *a = cut_vm_fatal("a")->vcpu[0];
	double refill = (double)(a->t_refill + a->t_migrate);
	printf("\n    %llu dispatches of a, refill in all %.1f us (one whole refill: 409.6 us, "
	       "part of it before the measured interval)",
	       (unsigned long long)a->ndispatch, refill / 1e3);
	CU_ASSERT_TRUE(a->ndispatch > 1000000);
	CU_ASSERT_TRUE(refill <= 409600 + 1000);
	cut_done();
}

/* An intruder's footprint: hog a (1 MiB) alone on pCPU 0 but for VM b,
** which thinks 20 ms between jobs and runs each in one go (quanta of
** 100 ms).  A 5 us job of
** a 1 MiB working set touches 1 - exp(-5us / 1ms) of it, inserting
** 16384 x 0.0049875 = 81.7 lines, which a refills at 25 ns each:
** 2.04 us per job of b.  A 30 ms job inserts all 16384: 409.6 us. */
static void intruder_case(const char *demand, double want_us, double tol_us)
{
	char d[64];
	snprintf(d, sizeof d, "vm[b].workload.demand.mean=%s", demand);
	const char *const sets[] = { "vm[a].wss=1MiB", "vm[b].wss=1MiB", d, "vm[b].workload.closed.think.mean=20ms",
				     "hypervisor.policy.quantum=100ms", NULL };
	cut_fixture("tests/data/good/vm-hogs.xml", sets);
	const struct entity *a = cut_vm_fatal("a")->vcpu[0], *b = cut_vm_fatal("b")->vcpu[0];
	double per = (double)(a->t_refill + a->t_migrate) / (double)b->ndispatch / 1e3;
	printf("\n    %-4s intruder: victim refills %.2f us per intrusion (expected %.2f)", demand, per, want_us);
	CU_ASSERT_DOUBLE_EQUAL(per, want_us, tol_us);
	cut_done();
}

static void test_intruder_footprint(void)
{
	intruder_case("5us", 16384 * -expm1(-5e3 / 1e6) * 25 / 1e3, 0.05);
	intruder_case("30ms", 409.6, 1.0);
}

/* Idle guests (timer ticks only, 250 Hz) cost a few microseconds a tick:
** under 1% of a pCPU per VM, whatever the policy and hypervisor. */
static void test_idle_guests(void)
{
	static const char *const cases[][2] = {
		{ "xen-3.3.0", "credit" }, { "xen-3.3.0", "credit2" }, { "kvm-75", "cfs" },
		{ "kvm-75", "o1" },        { "kvm-75", "eevdf" },      { "kvm-75", "rr" },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		char hv[160], pol[64];
		snprintf(hv, sizeof hv, "hypervisor.profile=../../../models/profiles/hypervisors/%s.xml", cases[k][0]);
		snprintf(pol, sizeof pol, "hypervisor.policy.name=%s", cases[k][1]);
		const char *const sets[] = { hv, pol, NULL };
		cut_fixture("tests/data/good/idle-guests.xml", sets);
		double measured = (double)(cut_W.batches.t1 - cut_W.batches.t0), worst = 0;
		for (int i = 0; i < cut_W.nvms; i++) {
			const struct vm *vm = &cut_W.vms[i];
			if (!vm->cfg)
				continue;
			double share = sum(vm, get_run) / measured;
			worst = share > worst ? share : worst;
		}
		printf("\n    %-9s %-7s idle guest: at most %.3f%% of a pCPU per VM", cases[k][0], cases[k][1],
		       100 * worst);
		CU_ASSERT_TRUE(worst > 0 && worst < 0.01);
		cut_done();
	}
}

/* overhead_s is the sum of its causes, for every entity and pCPU of a
** busy run with switches, refills, migrations and remote memory. */
static void test_overhead_split(void)
{
	cut_fixture("experiments/default.xml", (const char *const[]){ "run.duration=40s", "run.warmup=10s", NULL });
	int64_t sw = 0, mig = 0;
	for (int i = 0; i < cut_W.nent; i++) {
		const struct entity *e = cut_W.ent[i];
		CU_ASSERT_EQUAL(e->t_overhead, e->t_switch + e->t_refill + e->t_migrate);
		CU_ASSERT_TRUE(e->t_remote <= e->t_refill + e->t_migrate);
		sw += e->t_switch;
		mig += e->t_migrate;
	}
	for (int i = 0; i < cut_W.sched.ncpus; i++) {
		const struct cpu *c = &cut_W.sched.cpu[i];
		CU_ASSERT_EQUAL(c->t_overhead, c->t_switch + c->t_refill + c->t_migrate);
	}
	CU_ASSERT_TRUE(sw > 0 && mig > 0);
	/* every guest: overhead under 10% of its run time */
	for (int i = 0; i < cut_W.nvms; i++) {
		const struct vm *vm = &cut_W.vms[i];
		double share = sum(vm, get_ovh) / sum(vm, get_run);
		CU_ASSERT_TRUE(share < 0.10);
	}
	cut_done();
}

/* Xen 3.3.0 puts a domain's memory on the node of VCPU 0's pCPU at build
** (default_vcpu0_location: fewest VCPUs, ties to the higher pCPU; VCPU i
** on the next pCPU).  With Dom0's 8 VCPUs on pCPUs 0-7 and 2-VCPU guests
** VCPU 0 goes to pCPUs 7, 6, 5, 4, 3, 2, 1 (the only one left with 1)
** and 1 again (the highest of the lowest count, 2, among pCPUs 0-1):
** nodes 3 3 2 2 1 1 0 0; with a 2-VCPU Dom0 on pCPUs 0-1: 7 (VCPU 1 on
** 0), 6, 5, 4, 3, 2, then 2 (counts 2 1 1 2 2 2 2 2) and 1: nodes
** 3 3 2 2 1 1 1 0. */
static void test_xen_home_node(void)
{
	static const struct {
		const char *dom0;
		int want[8];
	} cases[] = {
		{ "hypervisor.dom0.vcpus=8", { 3, 3, 2, 2, 1, 1, 0, 0 } },
		{ "hypervisor.dom0.vcpus=2", { 3, 3, 2, 2, 1, 1, 1, 0 } },
	};
	for (size_t k = 0; k < 2; k++) {
		const char *const sets[] = { cases[k].dom0, "vm.count=8", "run.duration=1s", "run.warmup=0s", NULL };
		cut_fixture("tests/data/good/idle-guests.xml", sets);
		printf("\n    %s: memory on nodes", cases[k].dom0);
		for (int i = 0; i < 8; i++) {
			char name[16];
			snprintf(name, sizeof name, "idle%d", i + 1);
			const struct vm *vm = cut_vm_fatal(name);
			printf(" %d", vm->mem_node);
			CU_ASSERT_EQUAL(vm->mem_node, cases[k].want[i]);
		}
		cut_done();
	}
}

/* Lock-holder preemption: alone on two pCPUs the guest's VCPUs spin only
** for real contention; sharing them with another busy VM, a VCPU is
** often descheduled inside its critical section and its sibling spins
** for the rest of a 30 ms quantum. */
static void test_lock_holder_preemption(void)
{
	cut_fixture("tests/data/good/vm-smp.xml", NULL);
	const struct vm *vm = cut_vm_fatal("smp");
	double alone = sum(vm, get_spin) / sum(vm, get_run);
	uint64_t contended = vm->contended[LK_GUEST];
	cut_done();
	const char *const busy[] = { "vm[other].workload.closed.think.mean=0s", "vm[other].workload.closed.users=2",
				     NULL };
	cut_fixture("tests/data/good/vm-smp.xml", busy);
	vm = cut_vm_fatal("smp");
	double shared = sum(vm, get_spin) / sum(vm, get_run);
	printf("\n    spin share of run time: alone %.4f (%llu contended), overcommitted %.4f", alone,
	       (unsigned long long)contended, shared);
	CU_ASSERT_TRUE(alone > 0);
	CU_ASSERT_TRUE(shared > 3 * alone);
	cut_done();
}


/* Lazy lock phases (models/vm.c): a guest with one job at a time runs
** one VCPU alone, so each burst runs to its job's end as one segment and
** its phases are walked afterwards.  The walk must still take the lock
** once per free + critical stretch of run: jobs of 1e9 cycles and
** stretches of 4e5 + 1e5 cycles give ~2000 acquisitions a job. */
static void test_lazy_phases_count(void)
{
	const char *const one[] = { "vm[smp].workload.closed.users=1", NULL };
	cut_fixture("tests/data/good/vm-smp.xml", one);
	const struct vm *vm = cut_vm_fatal("smp");
	double stretch = vm->free_mean + vm->crit_mean[LK_GUEST];
	double per_job = (double)vm->acquired[LK_GUEST] * stretch / 1e9 / (double)vm->jobs_done;
	printf("\n    acquisitions x stretch / job cycles: %.4f over %llu jobs (1 expected)", per_job,
	       (unsigned long long)vm->jobs_done);
	CU_ASSERT_TRUE(vm->jobs_done > 100);
	CU_ASSERT_DOUBLE_EQUAL(per_job, 1.0, 0.03);
	CU_ASSERT_EQUAL(vm->contended[LK_GUEST], 0);
	CU_ASSERT_EQUAL(sum(vm, get_spin), 0);
	cut_done();
	/* with 5 users on 2 VCPUs, time slices of 20 ms and a busy neighbour
	** VM: bursts cut by siblings, slices and preemption; a job sent behind
	** the queue draws its free stretch afresh (memoryless), so the count
	** still holds */
	const char *const sliced[] = { "vm[smp].workload.closed.users=5", "vm[smp].guest.timeslice=20ms",
				       "vm[other].workload.closed.think.mean=0s", "vm[other].workload.closed.users=2",
				       NULL };
	cut_fixture("tests/data/good/vm-smp.xml", sliced);
	vm = cut_vm_fatal("smp");
	per_job = (double)vm->acquired[LK_GUEST] * stretch / 1e9 / (double)vm->jobs_done;
	printf("; with 20 ms slices per VCPU %.4f over %llu jobs, %llu sent behind the queue", per_job,
	       (unsigned long long)vm->jobs_done, (unsigned long long)vm->requeues);
	CU_ASSERT_TRUE(vm->requeues > 1000);
	CU_ASSERT_DOUBLE_EQUAL(per_job, 1.0, 0.03);
	cut_done();
}


/* The shadow lock (models/vm.c, lock_phases).  A saturated 2-VCPU guest
** alone on its pCPUs, whose shadow work (a share h_s = 0.730 of its run,
** vm-shadow.xml) is done under one lock per VM: each VCPU alternates free
** stretches and sections on the lock, so the pair is the closed
** machine-repairman queue of 2 customers (think F, exponential service
** c): its spin share is (R - c) / (F + R), R the MVA response time, and
** the VM's progress is at most 1 / h_s VCPUs.  The spin share does not
** depend on the section length; without the lock, without shadow paging
** (<ideal remove="paging">) or with one VCPU nothing spins. */
static double shadow_spin_share(const char *const *sets, struct vm const **out)
{
	cut_fixture("tests/data/good/vm-shadow.xml", sets);
	const struct vm *vm = cut_vm_fatal("web");
	if (out)
		*out = vm;
	return sum(vm, get_spin) / sum(vm, get_run);
}

static void test_shadow_lock(void)
{
	const struct vm *vm;
	double share = shadow_spin_share(NULL, &vm);
	double F = vm->free_mean, c = vm->crit_mean[LK_SHADOW];
	double hs = 0.3 * 9 / (0.7 + 0.3 * 10);
	CU_ASSERT_DOUBLE_EQUAL(vm->p_shadow, 1.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c / (F + c), hs, 1e-9);
	struct qt_mva r;
	CU_ASSERT_EQUAL_FATAL(qt_mva_closed(2, F, &c, 1, &r, NULL), 0);
	double theory = (r.R - c) / (F + r.R);
	double progress = (sum(vm, get_run) - sum(vm, get_spin)) / 50e9;
	printf("\n    shadow lock: spin share %.4f (machine repairman %.4f), progress %.3f VCPUs (at most 1/h_s %.3f)",
	       share, theory, progress, 1 / hs);
	CU_ASSERT_DOUBLE_EQUAL(share, theory, 0.03 * theory);
	CU_ASSERT_TRUE(progress < 1 / hs && progress > 1.2);
	cut_done();
	const char *const shorter[] = { "hypervisor.io.shadow-lock-time=25us", NULL };
	const char *const longer[] = { "hypervisor.io.shadow-lock-time=400us", NULL };
	double s25 = shadow_spin_share(shorter, NULL);
	cut_done();
	double s400 = shadow_spin_share(longer, NULL);
	cut_done();
	printf(", with 25 us sections %.4f, 400 us %.4f", s25, s400);
	CU_ASSERT_DOUBLE_EQUAL(s25, share, 0.05 * share);
	CU_ASSERT_DOUBLE_EQUAL(s400, share, 0.05 * share);
	const char *const off[] = { "hypervisor.io.shadow-lock=0", NULL };
	const char *const nopaging[] = { "ideal.remove=paging", NULL };
	const char *const one[] = { "vm[web].vcpus=1", "vm[web].pin=0", NULL };
	CU_ASSERT_EQUAL(shadow_spin_share(off, NULL), 0);
	cut_done();
	CU_ASSERT_EQUAL(shadow_spin_share(nopaging, NULL), 0);
	cut_done();
	CU_ASSERT_EQUAL(shadow_spin_share(one, NULL), 0);
	cut_done();
}

/* The guest's time slicing (<guest timeslice>): one VCPU on its own pCPU,
** deterministic 1 s jobs at 0.7/s.  Run to completion it is M/D/1,
** mean response S + rho S / (2 (1 - rho)) = 2.167 s (Pollaczek-Khinchine);
** round robin with a quantum much shorter than S tends to processor
** sharing, whose mean response S / (1 - rho) = 3.333 s does not depend
** on the service distribution (Kleinrock, "Time-shared systems: a
** theoretical treatment", JACM 14(2), 1967): deterministic jobs all
** finish late together. */
static void test_guest_timeslice(void)
{
	const double S = 1, rho = 0.7;
	const char *const fifo[] = { "vm[g].guest.timeslice=0s", NULL };
	cut_fixture("tests/data/good/vm-guest-rr.xml", fifo);
	struct ci f = tally_mean(&cut_W.burst[0]->resp);
	CU_ASSERT_EQUAL(cut_vm_fatal("g")->requeues, 0);
	cut_done();
	cut_fixture("tests/data/good/vm-guest-rr.xml", NULL);
	struct ci r = tally_mean(&cut_W.burst[0]->resp);
	uint64_t requeues = cut_vm_fatal("g")->requeues;
	cut_done();
	double md1 = S + rho * S / (2 * (1 - rho)), ps = S / (1 - rho);
	printf("\n    1 VCPU, D jobs: run to completion %.3f s (M/D/1 %.3f), 20 ms slices %.3f s "
	       "(processor sharing %.3f), %llu jobs sent behind the queue",
	       f.mean, md1, r.mean, ps, (unsigned long long)requeues);
	CU_ASSERT_DOUBLE_EQUAL(f.mean, md1, 0.03 * md1);
	CU_ASSERT_DOUBLE_EQUAL(r.mean, ps, 0.04 * ps);
	CU_ASSERT_TRUE(requeues > 10000);
}

/* Xen HVM (<io ioreq-wait>): a VCPU that exits to qemu-dm waits, blocked,
** until Dom0 has done the device work (Xen 3.3 hvm_send_assist_req and
** hvm_do_resume).  netperf from one 1-VCPU guest on the uncalibrated Xen
** profile (which has the wait; switched off for the comparison): without
** the wait the VCPU goes on with the next send while
** Dom0 emulates the last one; with it, (1) the guest waits once per send,
** (2) it runs nothing while it waits, so its run time and its waits are
** disjoint pieces of its blocked-or-running time, (3) each wait lasts at
** least Dom0's work for one packet, and (4) the stream, paced by the VCPU,
** slows down: the VCPU runs less in the same 11 s. */
static void test_ioreq_wait(void)
{
	const char *xen = "hypervisor.profile=../../models/profiles/hypervisors/xen-3.3.0.xml";
	const char *const off[] = { xen, "hypervisor.io.ioreq-wait=false", NULL };
	const char *const on[] = { xen, NULL };
	cut_fixture("experiments/paper/netperf.xml", off);
	struct vm *vm = cut_vm_fatal("bench");
	double run_off = (double)vm->vcpu[0]->t_run;
	CU_ASSERT_EQUAL(vm->ioreq_waits, 0);
	cut_done();

	cut_fixture("experiments/paper/netperf.xml", on);
	vm = cut_vm_fatal("bench");
	const struct entity *e = vm->vcpu[0];
	double T = (double)(cut_S.duration - cut_S.warmup);
	double run_on = (double)e->t_run, blocked = (double)e->t_blocked;
	double wait = (double)vm->ioreq_wait_ns, n = (double)vm->ioreq_waits;
	double work = cut_S.hv.io.emu_packet / cut_W.mach.rate;   /* ns of Dom0 work per packet */
	printf("\n    1 VCPU, netperf: VCPU run %.3f s without the wait, %.3f s with it; "
	       "%.0f waits, %.1f us each (one packet's device work %.1f us), blocked %.3f s",
	       run_off / 1e9, run_on / 1e9, n, wait / n / 1e3, work / 1e3, blocked / 1e9);
	CU_ASSERT_TRUE(n > 1000);
	CU_ASSERT_TRUE(wait <= blocked + 1e6);
	CU_ASSERT_TRUE(run_on + wait <= T + 1e6);
	CU_ASSERT_TRUE(wait / n >= work);
	CU_ASSERT_TRUE(run_on < 0.9 * run_off);
	cut_done();
}

/* Co-scheduling removes the lock-holder spin: strict brings it down to
** the level of the guest alone, relaxed (3 ms skew) part of the way. */
static void test_coscheduling(void)
{
	const char *const busy[] = { "vm[other].workload.closed.think.mean=0s", "vm[other].workload.closed.users=2",
				     NULL };
	double share[3];
	const char *files[3] = { "tests/data/good/vm-smp.xml", "tests/data/good/vm-smp-strict.xml",
				 "tests/data/good/vm-smp-relaxed.xml" };
	for (int i = 0; i < 3; i++) {
		cut_fixture(files[i], busy);
		const struct vm *vm = cut_vm_fatal("smp");
		share[i] = sum(vm, get_spin) / sum(vm, get_run);
		if (i == 1)
			CU_ASSERT_TRUE(cut_W.sched.ncostart > 1000);
		cut_done();
	}
	printf("\n    spin share: none %.4f, strict %.4f, relaxed %.4f", share[0], share[1], share[2]);
	CU_ASSERT_TRUE(share[1] < 0.06);              /* alone it is 0.038 */
	CU_ASSERT_TRUE(share[2] < share[0] / 2);
	CU_ASSERT_TRUE(share[1] < share[2]);
}

/* Strict co-scheduling: at the end of every instant, a VM with a running
** VCPU has no READY one. */
static void gang_invariant(const char *path, const char *const *sets)
{
	CU_ASSERT_EQUAL_FATAL(cut_load(path, sets, &cut_S, &cut_W), 0);
	long instants = 0, bad = 0;
	struct evq_event ev;
	while (evq_next_time(&cut_W.q) < cut_W.end) {
		int64_t t = evq_next_time(&cut_W.q);
		while (evq_next_time(&cut_W.q) == t && evq_pop(&cut_W.q, &ev))
			ev.fn(&cut_W, ev.obj, ev.arg);
		for (int v = 0; v < cut_W.nvms; v++) {
			int run = 0, ready = 0;
			for (int i = 0; i < cut_W.vms[v].nvcpus; i++) {
				run += cut_W.vms[v].vcpu[i]->state == ENT_RUNNING;
				ready += cut_W.vms[v].vcpu[i]->state == ENT_READY;
			}
			bad += run > 0 && ready > 0;
		}
		instants++;
	}
	printf("\n    %s: %ld instants checked, %ld with a split gang", path, instants, bad);
	CU_ASSERT_TRUE(instants > 1000);
	CU_ASSERT_EQUAL(bad, 0);
	cut_done();
}

static void test_strict_gang_invariant(void)
{
	const char *const sets[] = { "vm[other].workload.closed.think.mean=0s", "vm[other].workload.closed.users=2",
				     "run.duration=20s", "run.warmup=0s", NULL };
	gang_invariant("tests/data/good/vm-smp-strict.xml", sets);
	/* three gangs, a capped VM, a pinned VM and host jobs, under credit
	** and under round robin: gangs only preempt threads outside gangs */
	for (int p = 0; sched_registry[p]; p++) {
		char set[96];
		snprintf(set, sizeof set, "hypervisor.policy.name=%s", sched_registry[p]->name);
		const char *const pol[] = { set, "run.duration=10s", NULL };
		printf("\n    %s:", sched_registry[p]->name);
		gang_invariant("tests/data/good/vm-mix-strict.xml", pol);
	}
}

/* Strict co-scheduling beside threads outside any gang: a 1-VCPU VM, a
** 2-VCPU VM and a host thread, all CPU-bound, on 2 pCPUs.  The gang runs
** only on both pCPUs at once, so the time splits into the gang's turns
** and the others' turns; every policy here gives equal weights equal
** turns, so each thread gets half of a pCPU (without co-scheduling: 2/3
** each, 4 threads on 2 pCPUs); O(1) gives the gang shorter turns than
** the threads it waited for (0.61 against 0.39: not analysed further),
** hence its wider tolerance.  Gangs used to preempt any thread outside a
** gang at once: under O(1) the 1-VCPU VM got 2.5 s of 55 (0.046), the
** host thread 2 jobs. */
static void test_strict_beside_uniprocessors(void)
{
	for (int p = 0; sched_registry[p]; p++) {
		char set[96];
		snprintf(set, sizeof set, "hypervisor.policy.name=%s", sched_registry[p]->name);
		const char *const pol[] = { set, NULL };
		cut_fixture("tests/data/good/vm-uni-strict.xml", pol);
		double T = cut_interval();
		double uni = sum(cut_vm_fatal("uni"), get_run) / T;
		double gang = sum(cut_vm_fatal("smp"), get_run) / 2 / T;
		double host = 0;
		for (int i = 0; i < cut_W.nent; i++)
			if (cut_W.ent[i]->kind == ENT_JOB)
				host += (double)cut_W.ent[i]->t_run / T;
		printf("\n    %-7s share of a pCPU: 1-VCPU VM %.3f, host thread %.3f, each gang VCPU %.3f (expected 0.5)",
		       sched_registry[p]->name, uni, host, gang);
		double tol = strcmp(sched_registry[p]->name, "o1") == 0 ? 0.15 : 0.03;
		CU_ASSERT_DOUBLE_EQUAL(uni, 0.5, tol);
		CU_ASSERT_DOUBLE_EQUAL(host, 0.5, tol);
		CU_ASSERT_DOUBLE_EQUAL(gang, 0.5, tol);
		cut_done();
	}
}

/* The timeline holds one complete event per dispatch. */
static void test_timeline(void)
{
	char *tmp = cut_tmpdir(), cmd[1024], *out;
	snprintf(cmd, sizeof cmd,
		 "%s run tests/data/good/vm-hogs.xml --set run.duration=2s --set run.warmup=0s -o %s/o "
		 "--timeline %s/t.json",
		 cut_hvsim(), tmp, tmp);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
	free(out);
	snprintf(cmd, sizeof cmd, "%s/t.json", tmp);
	char *js = cut_slurp(cmd, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(js);
	CU_ASSERT_EQUAL(strncmp(js, "{\"displayTimeUnit\"", 18), 0);
	/* one process per NUMA node, pCPU 3 is a track of node 1 */
	CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"pid\": 1, \"tid\": 3, \"args\": {\"name\": \"pCPU 3\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"pid\": 1, \"args\": {\"name\": \"node 1 "));
	int x = 0, ready = 0;
	for (char *p = js; (p = strstr(p, "\"cat\": \"vcpu\", \"ph\": \"X\"")); p++)
		x++;
	for (char *p = js; (p = strstr(p, "\"name\": \"ready\", \"cat\": \"state\"")); p++)
		ready++;
	/* two hogs alternating on pCPU 0 in 10 ms slices for 2 s: 200
	** segments, and each hog waits 10 ms between its slices: about 100
	** ready spans each (the first starts at once) */
	printf("\n    %d segments and %d ready spans in the timeline", x, ready);
	CU_ASSERT_EQUAL(x, 200);
	CU_ASSERT(ready >= 198 && ready <= 200);
	/* the entities' process (after the 2 nodes) and its counters */
	CU_ASSERT_PTR_NOT_NULL(
		strstr(js, "\"pid\": 2, \"args\": {\"name\": \"entities (running, spinning, ready, blocked)\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"args\": {\"name\": \"a#0 (vcpu)\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"name\": \"entities ready to run\", \"ph\": \"C\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"name\": \"a#0\", \"cat\": \"vcpu\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"stop\": \"slice\""));
	size_t n = strlen(js);
	CU_ASSERT_TRUE(n > 4 && strcmp(js + n - 4, " ]}\n") == 0);
	free(js);
	/* the trace-event format, checked field by field (flows from real
	** wake-ups in the default scenario), when python3 is there */
	if (cut_run("/usr/bin/python3 -c 'import json' 2>/dev/null", &out) != 0) {
		printf("\n    skipped: the trace-event format check (no /usr/bin/python3)");
	} else {
		free(out);
		snprintf(cmd, sizeof cmd,
			 "/usr/bin/python3 tests/tools/trace_event_check.py %s/t.json 2000000 && %s run experiments/default.xml "
			 "--set run.duration=2s --set run.warmup=1s -o %s/d --timeline %s/d.json > /dev/null && "
			 "/usr/bin/python3 tests/tools/trace_event_check.py %s/d.json 2000000",
			 tmp, cut_hvsim(), tmp, tmp, tmp);
		CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
		printf("\n%s", out ? out : "");
		/* flows from wake-ups in the default scenario's run */
		const char *fl = out ? strstr(out, "28 tracks") : NULL;
		const char *sn = out ? strstr(out, ", s ") : NULL;
		CU_ASSERT_PTR_NOT_NULL(fl);
		CU_ASSERT(sn && atoi(sn + 4) > 0);
		free(out);
		/* the cap: said on stderr with the option that raises it; the
		** file holds the first 50 events and is still well formed */
		snprintf(cmd, sizeof cmd,
			 "%s run tests/data/good/vm-hogs.xml --set run.duration=2s --set run.warmup=0s -o %s/c "
			 "--timeline %s/c.json --timeline-max 50 2>&1 >/dev/null && /usr/bin/python3 "
			 "tests/tools/trace_event_check.py %s/c.json",
			 cut_hvsim(), tmp, tmp, tmp);
		CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
		CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "holds the first 50 events only"));
		CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "--timeline-max N"));
		CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "68 events (C 21, M 18, X 29)"));
	}
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* A scenario in tmp replaying, on the host or (in_vm) in a 1-VCPU VM, a
** trace whose one thread's name is csv_name as its CSV writes it (a CSV
** takes any name); run with a timeline into tmp/o and tmp/t.json.  Its
** exit status. */
static int run_named_trace(const char *tmp, const char *csv_name, int in_vm)
{
	char path[512], cmd[1024], *out;
	snprintf(path, sizeof path, "%s/a.csv", tmp);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "# hvsim activity trace v1\nthread,pid,start_s,kind,duration_s,cpu\n%s,7,0,run,0.01,0\n"
		   "%s,7,0.01,block,0.01,0\n", csv_name, csv_name);
	fclose(f);
	snprintf(path, sizeof path, "%s/s.xml", tmp);
	f = fopen(path, "w");
	if (!f)
		return -1;
	const char *wl = "<workload name=\"r\" kind=\"activity\"><trace file=\"a.csv\" loop=\"true\"/></workload>";
	fprintf(f, "<scenario name=\"q\"><run duration=\"50ms\" seed=\"1\" batches=\"2\"/>"
		   "<machine name=\"one\" frequency=\"2GHz\"><node id=\"0\" cores=\"1\" memory=\"1GiB\"/></machine>"
		   "<hypervisor name=\"h\" kind=\"%s\"><policy name=\"%s\"/></hypervisor>%s%s%s</scenario>\n",
		in_vm ? "kvm" : "native", in_vm ? "cfs" : "eevdf", in_vm ? "<vm name=\"g\" vcpus=\"1\" memory=\"256MiB\">" : "",
		wl, in_vm ? "</vm>" : "");
	fclose(f);
	snprintf(cmd, sizeof cmd, "%s run %s/s.xml -q -o %s/o --timeline %s/t.json", cut_hvsim(), tmp, tmp, tmp);
	int rc = cut_run(cmd, &out);
	if (rc)
		printf("\n%s", out ? out : "");
	free(out);
	return rc;
}

/* A replayed trace's thread named q"uo\te: its tracks and segments in
** the timeline keep the quote and the backslash escaped.  They were
** written as they are, and the file was no JSON. */
static void test_timeline_names(void)
{
	char *tmp = cut_tmpdir(), cmd[1024], *out;
	CU_ASSERT_EQUAL_FATAL(run_named_trace(tmp, "\"q\"\"uo\\te\"", 0), 0);
	char *js = cut_slurp_in(tmp, "t.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(js);
	CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"args\": {\"name\": \"q\\\"uo\\\\te#7 (job)\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(js, "{\"name\": \"q\\\"uo\\\\te#7\", \"cat\": \"job\", \"ph\": \"X\""));
	CU_ASSERT_PTR_NULL(strstr(js, "q\"uo"));
	free(js);
	if (cut_run("/usr/bin/python3 -c 'import json' 2>/dev/null", &out) == 0) {
		free(out);
		snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/tools/trace_event_check.py %s/t.json", tmp);
		CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
		printf("\n%s", out ? out : "");
	}
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* threads.csv quotes a replayed thread's name holding a comma or a quote,
** on the host and in a VM: the row was written as it is, a field wider
** than its header (and a sweep's --reuse took the point as damaged). */
static void test_threads_csv_names(void)
{
	for (int in_vm = 0; in_vm < 2; in_vm++) {
		char *tmp = cut_tmpdir();
		CU_ASSERT_EQUAL_FATAL(run_named_trace(tmp, "\"a,\"\"b\"", in_vm), 0);
		char *csv = cut_slurp_in(tmp, "o/threads.csv");
		CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
		CU_ASSERT_PTR_NOT_NULL(strstr(csv, in_vm ? "\ng/r,\"a,\"\"b\",7," : "\nr,\"a,\"\"b\",7,"));
		if (!strstr(csv, "\"a,\"\"b\""))
			printf("\n%s", csv);
		free(csv);
		cut_rmrf(tmp);
		free(tmp);
	}
}

/* The text Gantt of two hogs alternating on pCPU 0 in 10 ms slices. */
static void test_gantt(void)
{
	char cmd[512], *out;
	char *tmp = cut_tmpdir();
	snprintf(cmd, sizeof cmd,
		 "%s run tests/data/good/vm-hogs.xml --set run.duration=100ms --set run.warmup=0s -o %s/o --gantt",
		 cut_hvsim(), tmp);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
	const char *row0 = "  0 n0|AAAAAAAAAABBBBBBBBBBAAAAAAAAAABBBBBBBBBBAAAAAAAAAABBBBBBBBBBAAAAAAAAAABBBBBBBBBB"
			   "AAAAAAAAAABBBBBBBBBB|\n";
	if (!strstr(out, row0))
		printf("\n%s", out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "time 0 .. 0.1 s, 1 ms per column"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, row0));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  3 n1|......"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "legend: A=a#0 B=b#0  .=idle"));
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "guest queue on 2 VCPUs vs M/M/2", test_guest_queue_mm2 },
		{ "CPU factor", test_cpu_factor },
		{ "NUMA speed and placement", test_numa },
		{ "world-switch overhead", test_world_switch },
		{ "cache refill", test_cache_refill },
		{ "refill paid once", test_refill_once },
		{ "an intruder's footprint", test_intruder_footprint },
		{ "idle guests' ticks", test_idle_guests },
		{ "overhead split by cause", test_overhead_split },
		{ "Xen's home node at domain build", test_xen_home_node },
		{ "lock-holder preemption", test_lock_holder_preemption },
		{ "the shadow lock against the machine-repairman queue", test_shadow_lock },
		{ "lazy lock phases count every acquisition", test_lazy_phases_count },
		{ "Xen: a VCPU waits for qemu-dm's answer", test_ioreq_wait },
		{ "guest time slices: M/D/1 and processor sharing", test_guest_timeslice },
		{ "timeline", test_timeline },
		{ "names with quotes in the timeline", test_timeline_names },
		{ "names with commas and quotes in threads.csv", test_threads_csv_names },
		{ "text Gantt chart", test_gantt },
		{ "co-scheduling removes lock-holder spin", test_coscheduling },
		{ "strict co-scheduling keeps gangs whole", test_strict_gang_invariant },
		{ "strict co-scheduling beside 1-VCPU VMs and host threads", test_strict_beside_uniprocessors },
		{ NULL, NULL },
	};
	cut_suite("vm", t);
}
