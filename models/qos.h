/*
** QoS of response times: the SPECweb2005 rule that a run passes when at
** least a share `good` of its pages finished within TIME_GOOD and a share
** `tolerable` within TIME_TOLERABLE, over at least min_pages pages
** (SPECweb2005 Run Rules sec. 2.3; docs/sources.md sec. 2; the paper used
** 97%/99% within 3 s/5 s).  A workload keeps one qos_count for its
** pages (or jobs) and registers it with the world (world_add_qos) so the
** capacity search can judge a run without knowing the workload's kind.
*/
#ifndef HVSIM_QOS_H
#define HVSIM_QOS_H

#include <stdint.h>

#include "sim/scenario/scenario.h"
#include "sim/engine/stats.h"

/* Pages completed inside the measured interval, and how many of them
** within time_good and within time_tolerable. */
struct qos_count {
	uint64_t n, good, tolerable;
};

/* A page completed at time done (ns) after resp ns: counted when done
** lies in the measured interval [m->t0, m->t1) (the rule of every other
** statistic, see stats.h); "within" includes the limit itself. */
void qos_add(struct qos_count *c, const struct scn_qos *q, const struct batches *m, int64_t done,
	     int64_t resp);

/* sum += c. */
void qos_merge(struct qos_count *sum, const struct qos_count *c);

/* 1 when the pages meet the rule: n >= min_pages, good/n >= q->good and
** tolerable/n >= q->tolerable. */
int qos_pass(const struct qos_count *c, const struct scn_qos *q);
/* The two shares alone, however few the pages (1 when there are none). */
int qos_shares_met(const struct qos_count *c, const struct scn_qos *q);

/* 100 good / n and 100 tolerable / n (0 without pages). */
double qos_good_pct(const struct qos_count *c);
double qos_tolerable_pct(const struct qos_count *c);

#endif
