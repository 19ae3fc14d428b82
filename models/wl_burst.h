/*
** The CPU-burst workload that exercises the engine (tests/test_queueing.c):
** jobs with open Poisson arrivals, or N closed users alternating think
** time and one job each.  On the host each job is an entity of the host
** policy; inside a VM each job is guest work run by the VM's VCPUs.
** Its measured response times are what the queueing-theory tests check;
** each job also counts as a page for the QoS rule (models/qos.h), so a
** closed burst workload in a VM is what `hvsim capacity` can vary.
*/
#ifndef HVSIM_WL_BURST_H
#define HVSIM_WL_BURST_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "models/sched.h"
#include "models/vm.h"
#include "models/qos.h"
#include "sim/scenario/scenario.h"
#include "sim/engine/stats.h"

struct world;

struct burst {
	struct world *w;
	const struct scn_workload *cfg;
	struct vm *vm;                    /* NULL: jobs run on the host */
	char name[160];                   /* "jobs" or "web3/jobs" */
	gsl_rng *r_arrive, *r_demand, *r_think;
	int cur_demand, cur_think;        /* cursors into given lists */
	struct entity **pool;             /* host: finished job entities */
	struct gjob **gpool;              /* guest: finished jobs */
	struct gjob *users;               /* guest, closed: one job per user */
	struct gjob **all;                /* guest, open: every job allocated */
	int nall;
	int npool, cappool, njobs;
	struct tally resp;                /* response time, seconds */
	struct qos_count qos;             /* QoS of jobs (registered with the world) */
	int64_t nsys, last;               /* jobs in system; last change */
	double area;                      /* integral of nsys (ns), measured */
	uint64_t arrivals;                /* inside the measured interval */
};

int burst_build(struct burst *b, struct world *w, const struct scn_workload *cfg, struct vm *vm);
void burst_finish(struct burst *b, int64_t now);
void burst_free(struct burst *b);

/* Time-average number of jobs in the system (Little: = X * R). */
double burst_mean_jobs(const struct burst *b);

#endif
