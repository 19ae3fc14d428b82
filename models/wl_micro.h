/*
** The paper's microbenchmarks as workloads in a VM, each reporting its own
** metric (docs/sources.md sec. 1; the paper ran 1, 5 and 10 VMs at once,
** one VCPU each):
**
**   bzip2    compress a 742 MB file: read it in bzip2's 900 kB blocks
**            (from the shared disk unless cached) and compress each:
**            seconds to finish
**   netperf  TCP_STREAM for 10 s to a remote receiver: messages of the
**            send size, a socket buffer's worth in flight, each through
**            the guest's TCP/IP, the exits and the device model to the
**            NIC, freed when the receiver's ACKs come back: Mb/s
**   dd       copy a 742 MB file: 128 kB read-ahead chunks read and
**            copied by dd in its block size (two system calls per block);
**            the page cache gathers the writes and writes them back in
**            4 MiB runs (the copy waits for each run: the dirty limit):
**            MB/s
**
** A benchmark starts at time 0 and stops when done (netperf: after its
** duration); its metric ignores the scenario's warm-up.  A run too short
** for it to finish reports the metric extrapolated from its progress
** and finished=0.
*/
#ifndef HVSIM_WL_MICRO_H
#define HVSIM_WL_MICRO_H

#include <stdio.h>

#include "models/io.h"
#include "models/vm.h"
#include "sim/scenario/scenario.h"

struct world;

#define MICRO_FLUSH (4.0 * 1024 * 1024)  /* dd: bytes of one write-back run [open] */

struct micro {
	struct world *w;
	const struct scn_workload *cfg;
	struct vm *vm;
	char name[160];
	double chunk;                 /* bytes per step */
	double done, issued;          /* bytes finished / started */
	double in_pos, out_pos;       /* disk offsets of the input and output files */
	double dirty;                 /* dd: bytes copied, not yet written back */
	int64_t t_end;                /* finished at; -1 running */
	int nflight;
	struct ioreq *req;            /* one per step in flight */
	double *bytes;                /* the bytes of each one's step */
	int64_t until;                /* netperf: end of the test */
};

int micro_build(struct micro *mb, struct world *w, const struct scn_workload *cfg, struct vm *vm);
void micro_free(struct micro *mb);

/* The metric: seconds (bzip2), Mbit/s (netperf), MB/s (dd); its unit. */
double micro_metric(const struct micro *mb, int *finished);
const char *micro_unit(const struct micro *mb);

void micro_header(FILE *f);
void micro_row(const struct micro *mb, FILE *f);

#endif
