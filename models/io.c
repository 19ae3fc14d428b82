/*
** Device I/O (see io.h): request stages, the emulation entities, the
** physical NICs and the shared disk.
**
** Costs per operation come from the hypervisor's <io> (docs/sources.md
** sec. 5): an exit round trip `exit` cycles on the VCPU's pCPU;
** exits-tx-packet / exits-rx-packet per packet, exits-interrupt per
** interrupt (one per interrupt-packets packets), exits-disk per disk
** request; emu-packet / emu-disk cycles of device-model work.  The guest
** kernel's own work per packet and per disk request comes from the VM's
** <guest>.  It is driver and protocol code that writes no page tables,
** so shadow paging (io.shadow) does not slow it: shadow page tables cost
** where the guest changes its page tables or address space (page faults,
** fork/exec/mmap, context switches: a workload's MMU-heavy kernel share,
** io_guest_cycles), and their exits are counted as exits.
**
** Counterfactuals (<ideal remove>, docs/explain.md): "paging" drops the
** shadow factor, "emulation" makes exits and device-model work free,
** "emu-wait" runs device-model work on a pCPU of its own at once (its
** time at the machine's nominal rate, no queue, no Dom0 or I/O thread),
** "nic" and "disk" serve each request at once for its service time (an
** infinite server: no queue).
**
** Disk: a FIFO server; a request that does not start where the previous
** one ended seeks (average seek + half a rotation) before transferring
** at the sustained rate — the one SCSI disk of the paper's machine,
** shared by every VM, so interleaved sequential streams seek.
**
** Wakers (sched.h).  A stage that follows CPU or emulation work starts
** inside the done() of the entity that did it, so the VCPU or I/O
** thread it wakes is woken from that entity's pCPU.  A stage that
** follows a device (NIC, disk), a delay or a line starts from an
** interrupt: the device's completion, or packets arriving from the
** network (the next request of a client, the back end's answer); so does
** a request a workload starts from an event of its own (an arrival).
** Those wake-ups come from the interrupt pCPU, <io irq-cpu> (by default
** the woken thread's own pCPU), sched_waker_here's default outside any
** done().
*/
#include "models/io.h"
#include "models/world.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void advance(struct world *w, struct ioreq *r);
static void xen_dm_done(struct world *w, struct gjob *j);

double io_packets(double bytes)
{
	double p = ceil(bytes / IO_MSS);
	return p < 1 ? 1 : p;
}

double io_guest_cycles(const struct world *w, double cycles, double kernel_share)
{
	double shadow = world_ideal(w, SCN_IDEAL_PAGING) ? 1 : w->scn->hv.io.shadow;
	return cycles * ((1 - kernel_share) + kernel_share * shadow);
}

int io_nic_of(const struct world *w, const struct vm *vm)
{
	return w->io->nnic ? (vm->seq < 0 ? 0 : vm->seq) % w->io->nnic : -1;
}

/* ------------------------------------------------ building requests --- */

void io_begin(struct ioreq *r, struct vm *vm, void (*done)(struct world *, struct ioreq *), void *owner)
{
	r->nst = 0;
	r->cur = 0;
	r->waiter = 0;
	r->vm = vm;
	r->done = done;
	r->owner = owner;
	r->line = NULL;
}

static struct io_stage *add(struct ioreq *r, int kind)
{
	/* more stages than a request ever needs is a bug in its builder */
	if (r->nst == IO_MAX_STAGES)
		abort();
	struct io_stage *s = &r->st[r->nst++];
	s->kind = (unsigned char)kind;
	s->dev = 0;
	s->amount = 0;
	s->pos = -1;
	return s;
}

void io_add_cpu(struct ioreq *r, double cycles)
{
	if (cycles <= 0)
		return;
	if (r->nst && r->st[r->nst - 1].kind == IO_CPU)
		r->st[r->nst - 1].amount += cycles;
	else
		add(r, IO_CPU)->amount = cycles;
}

/* Device-model work: on the VCPU thread (vbox; kvm when sending), the
** I/O thread (kvm) or Dom0 (xen). */
static void add_emu(const struct world *w, struct ioreq *r, double cycles, int sending)
{
	if (cycles <= 0 || world_ideal(w, SCN_IDEAL_EMULATION))
		return;
	int k = w->io->kind;
	if (k == IO_HV_VBOX || (k == IO_HV_KVM && sending) || (k == IO_HV_XEN && !w->io->dom0))
		io_add_cpu(r, cycles);
	else if (k != IO_HV_NATIVE)
		add(r, IO_EMU)->amount = cycles;
}

void io_add_delay(struct ioreq *r, int64_t ns)
{
	if (ns > 0)
		add(r, IO_DELAY)->amount = (double)ns;
}

void io_add_line(struct ioreq *r, struct io_line *line, double bytes)
{
	if (bytes <= 0 || !line)
		return;
	r->line = line;
	add(r, IO_LINE)->amount = bytes;
}

static double exit_cycles(const struct world *w, double n)
{
	return world_ideal(w, SCN_IDEAL_EMULATION) ? 0 : n * w->scn->hv.io.exit;
}

void io_add_rx(const struct world *w, struct ioreq *r, double pkts)
{
	const struct scn_io *io = &w->scn->hv.io;
	const struct scn_guest *g = &r->vm->cfg->guest;
	double irqs = ceil(pkts / io->irq_packets);
	add_emu(w, r, pkts * io->emu_packet, 0);
	io_add_cpu(r, pkts * g->packet + exit_cycles(w, pkts * io->exits_rx + irqs * io->exits_irq));
}

void io_add_tx(const struct world *w, struct ioreq *r, double pkts, double bytes, int nic)
{
	const struct scn_io *io = &w->scn->hv.io;
	const struct scn_guest *g = &r->vm->cfg->guest;
	double irqs = ceil(pkts / io->irq_packets);  /* send completions */
	io_add_cpu(r, pkts * g->packet + exit_cycles(w, pkts * io->exits_tx + irqs * io->exits_irq));
	add_emu(w, r, pkts * io->emu_packet, 1);
	if (nic >= 0) {
		struct io_stage *s = add(r, IO_NIC);
		s->dev = (unsigned char)nic;
		s->amount = bytes + pkts * IO_FRAME;
	}
}

void io_add_disk(const struct world *w, struct ioreq *r, double bytes, double pos)
{
	const struct scn_io *io = &w->scn->hv.io;
	const struct scn_guest *g = &r->vm->cfg->guest;
	io_add_cpu(r, g->disk + exit_cycles(w, io->exits_disk));
	add_emu(w, r, io->emu_disk, 0);
	if (w->io->ndisk) {
		struct io_stage *s = add(r, IO_DISK);
		s->amount = bytes;
		s->pos = pos;
	}
	/* the completion interrupt, handled on a VCPU */
	io_add_cpu(r, exit_cycles(w, io->exits_irq));
}

static double http_out(double body, int fresh)
{
	return io_packets(body + IO_HTTP_HEADER) + 2 * fresh;
}

int io_add_http_request(const struct world *w, struct ioreq *r, double body, int fresh, double hit,
			gsl_rng *rng)
{
	io_add_rx(w, r, 1 + floor(http_out(body, fresh) / 2) + 3 * fresh);
	if (body <= 0 || hit >= 1 || gsl_rng_uniform(rng) < hit)
		return 0;
	io_add_disk(w, r, body, -1);
	return 1;
}

double io_add_http_reply(const struct world *w, struct ioreq *r, double body, int fresh, int nic)
{
	io_add_tx(w, r, http_out(body, fresh), body + IO_HTTP_HEADER, nic);
	return body + IO_HTTP_HEADER;
}

double io_cache_hit(double cache, double fileset)
{
	return fileset > 0 ? fmin(1, fmax(0, cache) / fileset) : 1;
}

/* ---------------------------------------------------------- devices --- */

static void dev_count(struct world *w, struct iodev *d, int64_t now, int delta)
{
	int64_t t0 = w->batches.t0, t1 = w->batches.t1;
	d->area += (double)d->qlen * (double)stats_overlap(d->last, now, t0, t1);
	d->last = now;
	d->qlen += delta;
}

static int64_t service(struct iodev *d, const struct io_stage *s, int measured)
{
	double ns = s->amount / d->rate * 1e9;
	if (d->disk) {
		if (s->pos < 0 || s->pos != d->head) {
			ns += (double)(d->seek + d->rotation);
			d->nseek += measured;
		}
		d->head = s->pos < 0 ? -1 : s->pos + s->amount;
	}
	return (int64_t)llround(ns);
}

static void dev_start(struct world *w, struct iodev *d);

static void dev_done(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct iodev *d = obj;
	(void)arg;
	struct ioreq *r = d->head_q;
	d->head_q = r->next;
	if (!d->head_q)
		d->tail_q = NULL;
	d->busy = 0;
	dev_count(w, d, world_now(w), -1);
	if (d->head_q)
		dev_start(w, d);
	advance(w, r);
}

static void dev_start(struct world *w, struct iodev *d)
{
	struct ioreq *r = d->head_q;
	int64_t now = world_now(w);
	int measured = stats_measured(&w->batches, now);
	int64_t t = service(d, &r->st[r->cur], measured);
	d->busy = 1;
	d->t_busy += stats_overlap(now, now + t, w->batches.t0, w->batches.t1);
	if (measured) {
		d->nreq++;
		d->bytes += r->st[r->cur].amount;
	}
	if (!world_at(w, now + t, dev_done, d, 0))
		world_fail(w);
}

static void delay_done(void *ctx, void *obj, uint64_t arg);

/* An uncontended device (<ideal remove="nic"> / "disk"): the request is
** served at once, for its own service time, beside any others. */
static void dev_alone(struct world *w, struct iodev *d, struct ioreq *r)
{
	int64_t now = world_now(w);
	int measured = stats_measured(&w->batches, now);
	int64_t t = service(d, &r->st[r->cur], measured);
	int64_t busy = stats_overlap(now, now + t, w->batches.t0, w->batches.t1);
	d->t_busy += busy;
	d->area += (double)busy;
	if (measured) {
		d->nreq++;
		d->bytes += r->st[r->cur].amount;
	}
	if (!world_at(w, now + t, delay_done, r, 0))
		world_fail(w);
}

static void dev_submit(struct world *w, struct iodev *d, struct ioreq *r)
{
	if (world_ideal(w, d->disk ? SCN_IDEAL_DISK : SCN_IDEAL_NIC)) {
		dev_alone(w, d, r);
		return;
	}
	r->next = NULL;
	if (d->tail_q)
		d->tail_q->next = r;
	else
		d->head_q = r;
	d->tail_q = r;
	dev_count(w, d, world_now(w), +1);
	if (!d->busy)
		dev_start(w, d);
}

/* ------------------------------------------------ emulation entities --- */

/* A CPU stage followed by device-model work ends with the guest's access
** to the emulated device (the exit): under Xen with <io ioreq-wait> the
** VCPU that made it waits, blocked, until qemu-dm has done that work.
** Xen 3.3: hvmemul_do_io (xen/arch/x86/hvm/emulate.c) hands an access
** no handler in Xen claims to hvm_send_assist_req (hvm.c), which calls
** prepare_wait_on_xen_event_channel before posting the ioreq; on the way
** back to the guest hvm_do_resume waits on the event channel while the
** ioreq is READY or INPROCESS.  Writes too: only the standard VGA's
** writes go through the buffered ioreq page.  So a VCPU's time per
** emulated access is
**     exit + wait for a Dom0 VCPU + qemu-dm's work + the wake-up,
** and while it waits it runs nothing else (its guest's other work goes to
** its sibling VCPUs, if any).  The answer comes when the emulation stage
** ends (advance). */
static void job_done(struct world *w, struct gjob *j)
{
	struct ioreq *r = j->owner;
	if (w->scn->hv.io.ioreq_wait && w->io->kind == IO_HV_XEN && w->io->dom0 && j->vcpu &&
	    j->vcpu->vm == r->vm && r->cur + 1 < r->nst && r->st[r->cur + 1].kind == IO_EMU) {
		r->waiter = 1 + j->vcpu->idx;
		vm_ioreq_block(w, r->vm, j->vcpu->idx);
	}
	advance(w, r);
}

/* KVM's I/O thread takes its queue in order; new work that arrives while
** it runs joins the queue. */
double io_emu_done(struct world *w, struct entity *e)
{
	struct vm *vm = e->vm;
	struct ioreq *r = vm->emu_head;
	if (!r)
		return -1;
	vm->emu_head = r->next;
	if (!vm->emu_head)
		vm->emu_tail = NULL;
	advance(w, r);
	if (vm->emu_head)
		return vm->emu_head->st[vm->emu_head->cur].amount;
	vm->emu_busy = 0;
	return -1;
}

/* Xen: each HVM domain's devices are one qemu-dm process in Dom0, a
** single-threaded select() loop (Xen 3.3.0 tools/ioemu-remote, vl.c
** main_loop_wait), so one domain's device work runs one request at a
** time on whichever Dom0 VCPU credit gives it, while different domains'
** qemu-dm run in parallel on Dom0's VCPUs.  The VM's emulation queue
** holds its requests; the head one is Dom0's job. */
static void xen_dm_start(struct world *w, struct vm *vm)
{
	struct ioreq *r = vm->emu_head;
	r->job.work = r->st[r->cur].amount;
	r->job.owner = r;
	r->job.done = xen_dm_done;
	vm_submit(w, w->io->dom0, &r->job);
}

static void xen_dm_done(struct world *w, struct gjob *j)
{
	struct ioreq *r = j->owner;
	struct vm *vm = r->vm;
	vm->emu_head = r->next;
	if (!vm->emu_head)
		vm->emu_tail = NULL;
	if (vm->emu_head)
		xen_dm_start(w, vm);
	else
		vm->emu_busy = 0;
	advance(w, r);
}

static void emu_submit(struct world *w, struct ioreq *r)
{
	struct vm *vm = r->vm;
	r->next = NULL;
	if (vm->emu_tail)
		vm->emu_tail->next = r;
	else
		vm->emu_head = r;
	vm->emu_tail = r;
	if (vm->emu_busy)
		return;
	vm->emu_busy = 1;
	if (w->io->kind == IO_HV_XEN)
		xen_dm_start(w, vm);
	else	/* from the VCPU whose exit queued it, or the device interrupt */
		sched_wake(&w->sched, vm->iothread, r->st[r->cur].amount);
}

/* ---------------------------------------------------------- running --- */

static void delay_done(void *ctx, void *obj, uint64_t arg)
{
	(void)arg;
	advance(ctx, obj);
}

static void run_stage(struct world *w, struct ioreq *r)
{
	struct io_stage *s = &r->st[r->cur];
	int64_t now = world_now(w);
	r->t_stage = now;
	switch (s->kind) {
	case IO_CPU:
		r->job.vcpu = NULL;
		r->held0 = vm_held_ns(r->vm, now);
		r->job.work = s->amount;
		r->job.owner = r;
		r->job.done = job_done;
		vm_submit(w, r->vm, &r->job);
		break;
	case IO_EMU:
		if (world_ideal(w, SCN_IDEAL_EMU_WAIT)) {
			/* a pCPU of its own, at once: the work's time at the nominal rate */
			if (!world_at(w, now + (int64_t)ceil(s->amount / w->mach.rate), delay_done, r, 0))
				world_fail(w);
		} else {
			emu_submit(w, r);
		}
		break;
	case IO_NIC:
		dev_submit(w, &w->io->nic[s->dev], r);
		break;
	case IO_DISK:
		dev_submit(w, &w->io->disk[s->dev], r);
		break;
	case IO_DELAY:
		if (!world_at(w, now + (int64_t)s->amount, delay_done, r, 0))
			world_fail(w);
		break;
	case IO_LINE: {
		struct io_line *l = r->line;
		int64_t start = l->free_at > now ? l->free_at : now;
		l->free_at = start + (int64_t)llround(s->amount / l->rate * 1e9);
		if (!world_at(w, l->free_at, delay_done, r, 0))
			world_fail(w);
		break;
	}
	}
}

const char *const io_part_name[IOP_N] = { "line", "nic", "disk", "backend", "device_model", "guest_queue",
					  "guest_queue_held", "vcpu_ready", "lock_spin", "vcpu_run" };

/* The stage that ends now: its time into r->part. */
static void stage_time(struct world *w, struct ioreq *r)
{
	const struct io_stage *s = &r->st[r->cur];
	int64_t now = world_now(w), d = now - r->t_stage;
	switch (s->kind) {
	case IO_CPU: {
		const struct gjob *j = &r->job;
		const struct entity *e = j->vcpu;
		int64_t q = j->t_take - r->t_stage, on = now - j->t_take;
		int64_t ready = e ? e->c_ready - j->ready0 : 0, spin = e ? e->c_spin - j->spin0 : 0;
		int64_t held = e ? j->held_take - r->held0 : 0;
		held = held < 0 ? 0 : held > q ? q : held;
		r->part[IOP_QUEUE] += (double)(q - held);
		r->part[IOP_QUEUE_HELD] += (double)held;
		r->part[IOP_READY] += (double)ready;
		r->part[IOP_SPIN] += (double)spin;
		r->part[IOP_RUN] += (double)(on - ready - spin);
		break;
	}
	case IO_EMU:
		r->part[IOP_DEVICE] += (double)d;
		break;
	case IO_NIC:
		r->part[IOP_NIC] += (double)d;
		break;
	case IO_DISK:
		r->part[IOP_DISK] += (double)d;
		break;
	case IO_DELAY:
		r->part[IOP_BACKEND] += (double)d;
		break;
	case IO_LINE:
		r->part[IOP_LINE] += (double)d;
		break;
	}
}

static void advance(struct world *w, struct ioreq *r)
{
	stage_time(w, r);
	if (r->waiter && r->st[r->cur].kind == IO_EMU) {
		int i = r->waiter - 1;
		r->waiter = 0;
		vm_ioreq_resume(w, r->vm, i);
	}
	if (++r->cur < r->nst)
		run_stage(w, r);
	else
		r->done(w, r);
}

void io_start(struct world *w, struct ioreq *r)
{
	r->t0 = world_now(w);
	r->cur = 0;
	memset(r->part, 0, sizeof r->part);
	if (r->nst)
		run_stage(w, r);
	else
		r->done(w, r);
}

/* ------------------------------------------------------------ setup --- */

int io_build(struct world *w)
{
	const struct scenario *s = w->scn;
	const struct scn_machine *m = &s->machine;
	struct io_sys *io = calloc(1, sizeof *io);
	if (!io)
		return -ENOMEM;
	w->io = io;
	io->nic = calloc((size_t)m->nnics + 1, sizeof *io->nic);
	io->disk = calloc((size_t)m->ndisks + 1, sizeof *io->disk);
	if (!io->nic || !io->disk)
		return -ENOMEM;
	io->nnic = m->nnics;
	io->ndisk = m->ndisks > 0 ? 1 : 0;   /* the first disk serves every VM */
	for (int i = 0; i < m->nnics; i++) {
		snprintf(io->nic[i].name, sizeof io->nic[i].name, "%s", m->nic[i].name);
		io->nic[i].rate = m->nic[i].rate;
	}
	for (int i = 0; i < io->ndisk; i++) {
		struct iodev *d = &io->disk[i];
		snprintf(d->name, sizeof d->name, "%s", m->disk[i].name);
		d->disk = 1;
		d->rate = m->disk[i].transfer;
		d->seek = m->disk[i].seek;
		d->rotation = m->disk[i].rpm > 0 ? (int64_t)llround(30e9 / m->disk[i].rpm) : 0;
		d->head = -1;
	}
	const char *k = s->hv.kind ? s->hv.kind : "native";
	io->kind = strcmp(k, "kvm") == 0 ? IO_HV_KVM
		   : strcmp(k, "xen") == 0 ? IO_HV_XEN
		   : strcmp(k, "vbox") == 0 ? IO_HV_VBOX : IO_HV_NATIVE;
	return 0;
}

void io_finish(struct world *w, int64_t now)
{
	struct io_sys *io = w->io;
	if (!io)
		return;
	for (int i = 0; i < io->nnic; i++)
		dev_count(w, &io->nic[i], now, 0);
	for (int i = 0; i < io->ndisk; i++)
		dev_count(w, &io->disk[i], now, 0);
}

void io_free(struct world *w)
{
	if (!w->io)
		return;
	free(w->io->nic);
	free(w->io->disk);
	free(w->io);
	w->io = NULL;
}

static void write_dev(const struct world *w, const struct iodev *d, FILE *f)
{
	double len = (double)(w->batches.t1 - w->batches.t0);
	double secs = len / 1e9;
	fprintf(f, "%s,%s,%.6f,%.3f,%.6f,%.1f,%.6f\n", d->name, d->disk ? "disk" : "nic",
		len > 0 ? (double)d->t_busy / len : 0, secs > 0 ? (double)d->nreq / secs : 0,
		secs > 0 ? d->bytes / secs / 1e6 : 0, secs > 0 ? (double)d->nseek / secs : 0,
		len > 0 ? d->area / len : 0);
}

void io_write_devices(const struct world *w, FILE *f)
{
	fprintf(f, "device,kind,utilisation,requests_per_s,mbytes_per_s,seeks_per_s,mean_queue\n");
	if (!w->io)
		return;
	for (int i = 0; i < w->io->nnic; i++)
		write_dev(w, &w->io->nic[i], f);
	for (int i = 0; i < w->io->ndisk; i++)
		write_dev(w, &w->io->disk[i], f);
}
