/*
** QoS counting and the pass rule (see qos.h).
*/
#include "models/qos.h"

void qos_add(struct qos_count *c, const struct scn_qos *q, const struct batches *m, int64_t done,
	     int64_t resp)
{
	if (!stats_measured(m, done))
		return;
	c->n++;
	c->good += resp <= q->time_good;
	c->tolerable += resp <= q->time_tolerable;
}

void qos_merge(struct qos_count *sum, const struct qos_count *c)
{
	sum->n += c->n;
	sum->good += c->good;
	sum->tolerable += c->tolerable;
}

/* k out of n reach share p.  The shares come from text such as "97%",
** whose double is not exactly 0.97, so exactly 97 of 100 pages must not
** fail on the last bit: allow a relative 1e-9 (far below 1 page in the
** 10^7 pages a long run could count). */
static int reaches(uint64_t k, uint64_t n, double p)
{
	return (double)k >= p * (double)n * (1 - 1e-9);
}

int qos_shares_met(const struct qos_count *c, const struct scn_qos *q)
{
	return reaches(c->good, c->n, q->good) && reaches(c->tolerable, c->n, q->tolerable);
}

int qos_pass(const struct qos_count *c, const struct scn_qos *q)
{
	return c->n > 0 && c->n >= (uint64_t)(q->min_pages > 0 ? q->min_pages : 0) && qos_shares_met(c, q);
}

double qos_good_pct(const struct qos_count *c)
{
	return c->n ? 100.0 * (double)c->good / (double)c->n : 0;
}

double qos_tolerable_pct(const struct qos_count *c)
{
	return c->n ? 100.0 * (double)c->tolerable / (double)c->n : 0;
}
