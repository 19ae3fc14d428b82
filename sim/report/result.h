/*
** A run's results in one place: what the sweep row, the capacity probe
** and the run's headline read from a finished world, computed once (the
** start of the results layer: the writers of sim/report/ still walk the
** world for their per-file detail).
**
** Guests are the VMs of the scenario (Dom0 left out); their VCPUs' times
** are inside the measured interval.  steal = ready / (run + ready); spin
** and the overhead parts are shares of the guests' VCPU run time.
*/
#ifndef HVSIM_REPORT_RESULT_H
#define HVSIM_REPORT_RESULT_H

#include <stdint.h>

#include "models/qos.h"

struct world;

struct run_result {
	int vms;                      /* guest VMs */
	int vcpus;                    /* their VCPUs */
	int users;                    /* closed users of guest workloads (SPECweb sessions included) */
	double pages_per_s;           /* SPECweb pages per second, summed over the guests */
	double cpu_util;              /* mean pCPU utilisation, 0..1 */
	struct qos_count qos;         /* every guest QoS counter summed */
	int64_t run, ready, spin;     /* the guests' VCPUs, ns */
	int64_t ovh, sw, refill, migr; /* overhead and its parts (models/mux.c), ns */
	double steal_pct, spin_pct;   /* 0..100 */
	double overhead_pct, switch_pct, refill_pct, migrate_refill_pct;   /* of run, 0..100 */
	uint64_t events;
};

void run_result(const struct world *w, struct run_result *r);

#endif
