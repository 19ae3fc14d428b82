/*
** Co-scheduling of a VM's VCPUs on top of any policy: a decorator of its
** ops table (pick_next), and the framework's notifications of starts,
** stops and waits (called only from models/sched.c, which exports the
** few internals co-scheduling needs as sched__*).
*/
#ifndef HVSIM_COSCHED_H
#define HVSIM_COSCHED_H

#include "models/sched.h"

/* Check and switch on co-scheduling for s (s->ops becomes its decorator
** of the policy's table); 0 or -1 after reporting. */
int cosched_init(struct sched *s, const struct scn_cosched *cfg, struct diag *d);

void cosched_started(struct sched *s, struct cpu *c, struct entity *e);
void cosched_preempted(struct sched *s, struct entity *e);
void cosched_waiting(struct sched *s, struct entity *e);
void cosched_blocked(struct sched *s, struct entity *e);

/* Framework internals for co-scheduling (models/sched.c). */
void sched__preempt(struct sched *s, struct cpu *c, const char *why);
/* Set e aside (the policy's dequeue), and start it on idle c as c's
** pick (the policy's pick_given, then the dispatch). */
void sched__dequeue(struct sched *s, struct entity *e);
void sched__start_given(struct sched *s, struct cpu *c, struct entity *e, int64_t slice);
/* Let c pick soon if it is idle then (a deferred cpu_pick). */
void sched__kick_idle(struct sched *s, struct cpu *c);

#endif
