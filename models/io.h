/*
** Device I/O: the path of one request through the machine, as a short
** list of stages run one after another (docs/workloads.md, devices):
**
**   IO_CPU    guest work on the VM's VCPUs (cycles; exits and the device
**             work that runs on the VCPU thread are folded in here)
**   IO_EMU    device-model work on the VM's emulation entity (cycles):
**             KVM's QEMU I/O thread, Xen's Dom0 (qemu-dm)
**   IO_NIC    transmission on a physical NIC (bytes)
**   IO_DISK   the shared disk: seek + rotation unless sequential, then
**             transfer (bytes)
**   IO_DELAY  a fixed delay (ns), e.g. the BeSim back end
**   IO_LINE   the client's line (bytes at its rate, FIFO per line)
**
** Where device-model work runs follows the hypervisor's kind
** (docs/sources.md sec. 5):
**   kvm   sending: the VCPU thread itself (an MMIO/PIO exit returns to
**         QEMU in that thread, which hands the packet to the tap device);
**         receiving and disk completion: the VM's QEMU I/O thread
**         (kvm-75's select() loop over the tap and aio file descriptors)
**   xen   every device: qemu-dm in Dom0, which credit schedules like any
**         domain, so an I/O waits for a Dom0 VCPU
**   vbox  every device: the VM's EMT, the thread that runs the guest
**   native  neither exits nor emulation: the guest kernel's own driver
**
** A workload builds a request with io_begin, appends stages with the
** io_add_* helpers (which turn packets and disk requests into exits,
** guest-kernel cycles and device-model work), then io_start; its done()
** runs when the last stage ends.  No allocation: an ioreq lives in its
** owner.
*/
#ifndef HVSIM_IO_H
#define HVSIM_IO_H

#include <stdint.h>
#include <stdio.h>
#include <gsl/gsl_rng.h>

#include "models/vm.h"
#include "sim/engine/stats.h"

struct world;

enum io_kind { IO_CPU, IO_EMU, IO_NIC, IO_DISK, IO_DELAY, IO_LINE };

/* A client's line: bytes leave it at rate, one reply after another. */
struct io_line {
	int64_t free_at;
	double rate;                  /* bytes/s */
};

struct io_stage {
	unsigned char kind;
	unsigned char dev;            /* NIC or disk index */
	double amount;                /* cycles, bytes or ns */
	double pos;                   /* disk: byte offset; < 0 random (always seeks) */
};

#define IO_MAX_STAGES 12

/* Where a request's time went, stage by stage (ns): the client's line, a
** NIC and the disk (queue and service), the back end's delay, the device
** model's stage (queue, wait and run in Dom0 or the I/O thread), and a
** CPU stage split into the guest's run queue (no VCPU free: while every
** VCPU holding work runs, or while some VCPU holding work sits
** descheduled by the host, "held"), the VCPU's ready time (runnable,
** descheduled by the host), its lock spin and its run (service, switch
** and refill, memory stalls). */
enum io_part { IOP_LINE, IOP_NIC, IOP_DISK, IOP_BACKEND, IOP_DEVICE, IOP_QUEUE, IOP_QUEUE_HELD, IOP_READY, IOP_SPIN,
	       IOP_RUN, IOP_N };
extern const char *const io_part_name[IOP_N];

struct ioreq {
	struct gjob job;              /* the work of a CPU or Dom0 stage */
	int64_t t_stage;              /* the current stage's start */
	int64_t held0;                /* vm_held_ns at a CPU stage's start */
	double part[IOP_N];           /* ns since io_start, by part */
	struct io_stage st[IO_MAX_STAGES];
	int nst, cur;
	struct vm *vm;
	struct io_line *line;
	void (*done)(struct world *w, struct ioreq *r);
	void *owner;
	int64_t t0;                   /* io_start time */
	int tag;                      /* owner's use */
	int waiter;                   /* Xen ioreq-wait: 1 + the VCPU blocked on the next emulation stage */
	struct ioreq *next;           /* device and emulation-thread queues */
};

/* A physical device: one FIFO server. */
struct iodev {
	char name[64];
	int disk;                     /* 1 disk, 0 NIC */
	double rate;                  /* bytes/s */
	int64_t seek, rotation;       /* disk: average seek and half a rotation, ns */
	double head;                  /* disk: byte offset after the last transfer */
	struct ioreq *head_q, *tail_q;
	int busy, qlen;
	/* measured interval */
	int64_t t_busy, last;
	double area;                  /* integral of requests present (ns) */
	uint64_t nreq, nseek;
	double bytes;
};

struct io_sys {
	struct iodev *nic, *disk;
	int nnic, ndisk;
	int kind;                     /* IO_HV_* of the hypervisor */
	struct vm *dom0;              /* Xen */
};

enum { IO_HV_NATIVE, IO_HV_KVM, IO_HV_XEN, IO_HV_VBOX };

/* Ethernet framing: a TCP segment carries at most IO_MSS bytes of data;
** each frame adds IO_FRAME bytes of headers, preamble and gap. */
#define IO_MSS 1448
#define IO_FRAME 90

int io_build(struct world *w);
void io_free(struct world *w);
void io_finish(struct world *w, int64_t now);

/* Packets that carry bytes of payload (at least one). */
double io_packets(double bytes);

/* Cycles a guest spends for `cycles` of work of which kernel_share runs
** in MMU-heavy kernel code (page faults, fork/exec/mmap, address-space
** switches) that shadow paging slows down by io.shadow.  Driver work per
** packet or disk request and the timer tick are not (io.c). */
double io_guest_cycles(const struct world *w, double cycles, double kernel_share);

void io_begin(struct ioreq *r, struct vm *vm, void (*done)(struct world *, struct ioreq *), void *owner);
/* Guest work (merged with a CPU stage just before it). */
void io_add_cpu(struct ioreq *r, double cycles);
void io_add_delay(struct ioreq *r, int64_t ns);
void io_add_line(struct ioreq *r, struct io_line *line, double bytes);
/* pkts packets received by the VM: device-model work, then the guest's
** interrupt handling and TCP/IP (exits per packet and per interrupt). */
void io_add_rx(const struct world *w, struct ioreq *r, double pkts);
/* bytes sent in pkts packets on NIC nic: the guest's TCP/IP and driver
** (exits per packet, send-completion interrupts), device-model work, then
** the wire. */
void io_add_tx(const struct world *w, struct ioreq *r, double pkts, double bytes, int nic);
/* A disk request of bytes at offset pos (< 0: random): the guest's block
** layer and driver (exits), device-model work, the disk, and the
** completion interrupt. */
void io_add_disk(const struct world *w, struct ioreq *r, double bytes, double pos);

/* HTTP over TCP (wl_specweb.c, wl_requests.c).  A reply of body bytes
** carries IO_HTTP_HEADER bytes of headers in ceil((body + header) / MSS)
** packets, at least one; the client acknowledges every second segment
** (delayed ACKs, RFC 1122), so half as many come back, with the request
** itself; a new connection (fresh) adds its handshake (SYN, ACK in;
** SYN-ACK out) and its close (FIN in, FIN out). */
#define IO_HTTP_HEADER 300.0

/* The request's half: its packets in, then a page-cache miss to the disk
** with probability 1 - hit (drawn from rng).  Returns 1 when it missed. */
int io_add_http_request(const struct world *w, struct ioreq *r, double body, int fresh, double hit,
			gsl_rng *rng);
/* The reply's half: its packets out through NIC nic.  Returns the bytes
** the client receives (body and headers). */
double io_add_http_reply(const struct world *w, struct ioreq *r, double body, int fresh, int nic);

/* A guest page cache of cache bytes over a file set read uniformly: the
** hit ratio min(1, cache / fileset) (1 without a file set). */
double io_cache_hit(double cache, double fileset);

/* Run the stages; r->done when they are over. */
void io_start(struct world *w, struct ioreq *r);

/* The VM's NIC (VMs are spread over the machine's NICs). */
int io_nic_of(const struct world *w, const struct vm *vm);

/* The KVM I/O thread's done() (models/vm.c gives it to the entity). */
double io_emu_done(struct world *w, struct entity *e);

/* devices.csv rows. */
void io_write_devices(const struct world *w, FILE *f);

#endif
