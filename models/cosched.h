/*
** Co-scheduling of a VM's VCPUs on top of any policy — the framework's
** side (called only from models/sched.c, which exports the few internals
** it needs as sched__*).
*/
#ifndef HVSIM_COSCHED_H
#define HVSIM_COSCHED_H

#include "models/sched.h"

/* Check and switch on co-scheduling for s; 0 or -1 after reporting. */
int cosched_init(struct sched *s, const struct scn_cosched *cfg, struct diag *d);

/* Should c not run e now (co-stopped, or its gang cannot start)?  In
** strict mode this is where a VM's other READY VCPUs are started
** together with e (with the same slice). */
bool cosched_hold(struct sched *s, struct cpu *c, struct entity *e, int64_t slice);
void cosched_started(struct sched *s, struct cpu *c, struct entity *e);
void cosched_preempted(struct sched *s, struct entity *e);
void cosched_waiting(struct sched *s, struct entity *e);
void cosched_blocked(struct sched *s, struct entity *e);

/* Framework internals for co-scheduling (models/sched.c). */
void sched__preempt(struct sched *s, struct cpu *c, const char *why);
void sched__start(struct sched *s, struct cpu *c, struct entity *e, int64_t slice);
void sched__dequeue(struct sched *s, struct entity *e);
/* Let c pick soon if it is idle then (a deferred cpu_pick). */
void sched__kick_idle(struct sched *s, struct cpu *c);

#endif
