/*
** Workloads inside VMs, by kind: burst jobs (models/wl_burst.c), SPECweb
** sessions (wl_specweb.c), the microbenchmarks (wl_micro.c), request
** replay (wl_requests.c) and activity replay on VCPUs (wl_activity.c).
** The world owns them through struct wlset.
*/
#ifndef HVSIM_WORKLOAD_H
#define HVSIM_WORKLOAD_H

#include <stdint.h>

#include "models/vm.h"
#include "sim/engine/diag.h"
#include "sim/scenario/scenario.h"

struct world;
struct wl_specweb;
struct micro;
struct wl_requests;

struct wlset {
	struct wl_specweb **web;
	int nweb;
	struct micro **micro;
	int nmicro;
	struct wl_requests **req;
	int nreq;
};

/* Build a workload of the VM; problems with its input files go to d.
** 0, -ENOMEM, or -EINVAL (reported in d). */
int wl_build(struct world *w, const struct scn_workload *cfg, struct vm *vm, struct diag *d);
void wl_finish_all(struct world *w, int64_t now);
void wl_free_all(struct world *w);

#endif
