/*
** Per-thread scheduling statistics of an activity trace (hoststats.h).
*/
#include "traces/hoststats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return a < b ? -1 : a > b;
}

double hoststats_quantile(double *v, size_t n, double q)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof *v, cmp_double);
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

int hoststats_thread(const struct trace_activity *t, int i, struct hs_thread *o)
{
	memset(o, 0, sizeof *o);
	o->name = t->th[i].name;
	o->pid = t->th[i].pid;
	o->first_ns = INT64_MAX;
	o->last_ns = INT64_MIN;
	size_t nw = 0;
	int64_t run = 0;
	for (size_t k = 0; k < t->n; k++) {
		const struct trace_act *a = &t->a[k];
		if (a->thread != i)
			continue;
		if (a->start_ns < o->first_ns)
			o->first_ns = a->start_ns;
		if (a->start_ns + a->dur_ns > o->last_ns)
			o->last_ns = a->start_ns + a->dur_ns;
		if (a->kind == TRACE_RUN) {
			run += a->dur_ns;
			o->dispatches++;
		} else if (a->kind == TRACE_WAIT) {
			nw++;
		}
	}
	double *w = malloc((nw ? nw : 1) * sizeof *w);
	if (!w)
		return -ENOMEM;
	nw = 0;
	for (size_t k = 0; k < t->n; k++)
		if (t->a[k].thread == i && t->a[k].kind == TRACE_WAIT)
			w[nw++] = (double)t->a[k].dur_ns / 1e9;
	o->wakeups = nw;
	o->wakeup_p50 = hoststats_quantile(w, nw, 0.5);
	o->wakeup_p95 = hoststats_quantile(w, nw, 0.95);
	free(w);
	if (o->first_ns == INT64_MAX)
		o->first_ns = o->last_ns = 0;
	o->life = (double)(o->last_ns - o->first_ns) / 1e9;
	o->run = (double)run / 1e9;
	o->cpu_share = o->life > 0 ? o->run / o->life : 0;
	o->run_per_dispatch = o->dispatches ? o->run / (double)o->dispatches : NAN;
	o->dispatches_per_s = o->life > 0 ? (double)o->dispatches / o->life : NAN;
	return 0;
}

int hoststats_find(const struct trace_activity *t, const char *name)
{
	int found = -1;
	for (int i = 0; i < t->nth; i++)
		if (!strcmp(t->th[i].name, name)) {
			if (found >= 0)
				return -2;
			found = i;
		}
	return found;
}

double hoststats_other_cpu(const struct trace_activity *t, const char *skip, int64_t from, int64_t to)
{
	int64_t sum = 0;
	for (size_t k = 0; k < t->n; k++) {
		const struct trace_act *a = &t->a[k];
		if (a->kind != TRACE_RUN || skip[a->thread])
			continue;
		int64_t s = a->start_ns > from ? a->start_ns : from;
		int64_t e = a->start_ns + a->dur_ns < to ? a->start_ns + a->dur_ns : to;
		if (e > s)
			sum += e - s;
	}
	return (double)sum / 1e9;
}
