/*
** The microbenchmarks (see wl_micro.h).
*/
#include "models/wl_micro.h"
#include "models/world.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define READAHEAD (128 * 1024.0)      /* Linux 2.6 default read-ahead window */
#define SYSCALL_CYCLES 1000.0         /* a read() or write() entry + exit [open] */

static void step(struct world *w, struct micro *mb, struct ioreq *r);

static void step_done(struct world *w, struct ioreq *r)
{
	struct micro *mb = r->owner;
	mb->done += mb->bytes[r - mb->req];
	step(w, mb, r);
}

/* Start the next step on r, or finish. */
static void step(struct world *w, struct micro *mb, struct ioreq *r)
{
	const struct scn_micro *p = &mb->cfg->micro;
	int64_t now = world_now(w);
	int netperf = mb->cfg->kind == WL_NETPERF;
	if (netperf ? now >= mb->until : mb->issued >= p->size) {
		if (--mb->nflight == 0 && mb->t_end < 0)
			mb->t_end = now;
		return;
	}
	double bytes = netperf ? p->block : fmin(mb->chunk, p->size - mb->issued);
	mb->issued += bytes;
	io_begin(r, mb->vm, step_done, mb);
	mb->bytes[r - mb->req] = bytes;
	switch (mb->cfg->kind) {
	case WL_BZIP2:
		if (!p->cached) {
			io_add_disk(w, r, bytes, mb->in_pos);
			mb->in_pos += bytes;
		}
		io_add_cpu(r, io_guest_cycles(w, bytes * p->cycles_per_byte, p->kernel_share));
		break;
	case WL_DD: {
		double calls = ceil(bytes / p->block);
		io_add_disk(w, r, bytes, mb->in_pos);
		mb->in_pos += bytes;
		io_add_cpu(r, io_guest_cycles(w, 2 * calls * SYSCALL_CYCLES + bytes * p->cycles_per_byte,
					      p->kernel_share));
		mb->dirty += bytes;
		if (mb->dirty >= MICRO_FLUSH || mb->issued >= p->size) {
			io_add_disk(w, r, mb->dirty, mb->out_pos);
			mb->out_pos += mb->dirty;
			mb->dirty = 0;
		}
		break;
	}
	default: {                        /* netperf */
		double pkts = io_packets(bytes);
		io_add_cpu(r, io_guest_cycles(w, SYSCALL_CYCLES + bytes * p->cycles_per_byte, p->kernel_share));
		io_add_tx(w, r, pkts, bytes, io_nic_of(w, mb->vm));
		io_add_rx(w, r, ceil(pkts / 2));  /* the receiver's delayed ACKs */
		break;
	}
	}
	io_start(w, r);
}

static void begin(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct micro *mb = obj;
	(void)arg;
	for (int i = 0; i < mb->nflight; i++)
		step(w, mb, &mb->req[i]);
}

int micro_build(struct micro *mb, struct world *w, const struct scn_workload *cfg, struct vm *vm)
{
	const struct scn_micro *p = &cfg->micro;
	mb->w = w;
	mb->cfg = cfg;
	mb->vm = vm;
	mb->t_end = -1;
	snprintf(mb->name, sizeof mb->name, "%s/%s", vm->name, cfg->name);
	/* each VM's files in a region of their own on the shared disk */
	mb->in_pos = (double)(vm->seq + 1) * 4e9;
	mb->out_pos = mb->in_pos + 2e9;
	switch (cfg->kind) {
	case WL_BZIP2:
		mb->chunk = p->block;
		mb->nflight = 1;
		break;
	case WL_DD:
		mb->chunk = READAHEAD > p->block ? READAHEAD : p->block;
		mb->nflight = 1;
		break;
	default:
		mb->chunk = p->block;
		mb->nflight = (int)(p->window / p->block);   /* the scenario bounds it */
		if (mb->nflight < 1)
			mb->nflight = 1;
		mb->until = p->duration;
		break;
	}
	mb->req = calloc((size_t)mb->nflight, sizeof *mb->req);
	mb->bytes = calloc((size_t)mb->nflight, sizeof *mb->bytes);
	if (!mb->req || !mb->bytes)
		return -ENOMEM;
	return world_at(w, 0, begin, mb, 0) ? 0 : -ENOMEM;
}

void micro_free(struct micro *mb)
{
	free(mb->req);
	free(mb->bytes);
	mb->req = NULL;
	mb->bytes = NULL;
}

double micro_metric(const struct micro *mb, int *finished)
{
	const struct world *w = mb->w;
	int64_t end = mb->t_end >= 0 ? mb->t_end : world_now(w);
	double secs = (double)end / 1e9;
	*finished = mb->t_end >= 0;
	switch (mb->cfg->kind) {
	case WL_BZIP2:
		/* unfinished: extrapolated from the share done */
		return mb->done > 0 ? secs * mb->cfg->micro.size / mb->done : INFINITY;
	case WL_NETPERF:
		secs = fmin(secs, (double)mb->cfg->micro.duration / 1e9);
		return secs > 0 ? mb->done * 8 / secs / 1e6 : 0;
	default:
		return secs > 0 ? mb->done / secs / 1e6 : 0;
	}
}

const char *micro_unit(const struct micro *mb)
{
	return mb->cfg->kind == WL_BZIP2 ? "s" : mb->cfg->kind == WL_NETPERF ? "Mbit/s" : "MB/s";
}

void micro_header(FILE *f)
{
	fprintf(f, "vm,workload,benchmark,value,unit,finished,elapsed_s,bytes\n");
}

void micro_row(const struct micro *mb, FILE *f)
{
	int fin;
	double v = micro_metric(mb, &fin);
	int64_t end = mb->t_end >= 0 ? mb->t_end : world_now(mb->w);
	static const char *const names[] = { [WL_BZIP2] = "bzip2", [WL_NETPERF] = "netperf", [WL_DD] = "dd" };
	/* an unfinished bzip2 that compressed no byte has no time to
	** extrapolate: the value is empty, as summary.json's is null */
	fprintf(f, "%s,%s,%s,", mb->vm->name, mb->cfg->name, names[mb->cfg->kind]);
	if (isfinite(v))
		fprintf(f, "%.4f", v);
	fprintf(f, ",%s,%d,%.4f,%.0f\n", micro_unit(mb), fin, (double)end / 1e9, mb->done);
}
