/*
** A run's results (see result.h).
*/
#include "sim/report/result.h"
#include "models/vm.h"
#include "models/wl_burst.h"
#include "models/wl_specweb.h"
#include "models/workload.h"
#include "models/world.h"

#include <string.h>

void run_result(const struct world *w, struct run_result *r)
{
	memset(r, 0, sizeof *r);
	for (int i = 0; i < w->nvms; i++) {
		const struct vm *vm = &w->vms[i];
		if (!vm->cfg)
			continue;   /* Dom0 */
		r->vms++;
		r->vcpus += vm->nvcpus;
		for (int k = 0; k < vm->nvcpus; k++) {
			const struct entity *e = vm->vcpu[k];
			r->run += e->t_run;
			r->ready += e->t_ready;
			r->spin += e->t_spin;
			r->ovh += e->t_overhead;
			r->sw += e->t_switch;
			r->refill += e->t_refill;
			r->migr += e->t_migrate;
		}
	}
	for (int i = 0; i < w->nburst; i++)
		if (w->burst[i]->vm && w->burst[i]->cfg->closed)
			r->users += w->burst[i]->cfg->users;
	for (int i = 0; w->wl && i < w->wl->nweb; i++) {
		r->users += w->wl->web[i]->nusers;
		r->pages_per_s += tally_rate(&w->wl->web[i]->resp).mean;
	}
	double measured = (double)(w->batches.t1 - w->batches.t0), busy = 0;
	for (int i = 0; i < w->sched.ncpus; i++)
		busy += (double)w->sched.cpu[i].t_busy;
	r->cpu_util = measured > 0 && w->sched.ncpus ? busy / measured / w->sched.ncpus : 0;
	r->qos = world_qos_sum(w, NULL);
	r->steal_pct = r->run + r->ready > 0 ? 100.0 * (double)r->ready / (double)(r->run + r->ready) : 0;
	double k = r->run > 0 ? 100.0 / (double)r->run : 0;
	r->spin_pct = r->run > 0 ? 100.0 * (double)r->spin / (double)r->run : 0;
	r->overhead_pct = k * (double)r->ovh;
	r->switch_pct = k * (double)r->sw;
	r->refill_pct = k * (double)r->refill;
	r->migrate_refill_pct = k * (double)r->migr;
	r->events = w->events;
}
