/*
** Workloads inside VMs, by kind (see workload.h).
*/
#include "models/workload.h"
#include "models/wl_activity.h"
#include "models/wl_micro.h"
#include "models/wl_requests.h"
#include "models/wl_specweb.h"
#include "models/world.h"

#include <errno.h>
#include <stdlib.h>

/* Append a zeroed object of size sz to the array *arr of *n pointers. */
static void *append(void ***arr, int *n, size_t sz)
{
	void **na = realloc(*arr, (size_t)(*n + 1) * sizeof *na);
	if (!na)
		return NULL;
	*arr = na;
	void *o = calloc(1, sz);
	if (o)
		na[(*n)++] = o;
	return o;
}

static struct wlset *set_of(struct world *w)
{
	if (!w->wl)
		w->wl = calloc(1, sizeof *w->wl);
	return w->wl;
}

int wl_build(struct world *w, const struct scn_workload *cfg, struct vm *vm, struct diag *d)
{
	struct wlset *s = set_of(w);
	if (!s)
		return -ENOMEM;
	switch (cfg->kind) {
	case WL_BURST:
		return world_add_burst(w, cfg, vm);
	case WL_SPECWEB: {
		struct wl_specweb *ws = append((void ***)&s->web, &s->nweb, sizeof *ws);
		if (!ws)
			return -ENOMEM;
		int rc = wl_specweb_build(ws, w, cfg, vm);
		if (rc == -EINVAL)
			diag_error(d, cfg->loc.file, cfg->loc.line,
				   "<specweb>: the session model rejected its parameters");
		return rc;
	}
	case WL_BZIP2:
	case WL_NETPERF:
	case WL_DD: {
		struct micro *mb = append((void ***)&s->micro, &s->nmicro, sizeof *mb);
		return mb ? micro_build(mb, w, cfg, vm) : -ENOMEM;
	}
	case WL_REQUESTS: {
		struct wl_requests *q = append((void ***)&s->req, &s->nreq, sizeof *q);
		return q ? wl_requests_build(q, w, cfg, vm, d) : -ENOMEM;
	}
	case WL_THREADS:
		return -EINVAL;   /* host only: the scenario reader rejects it in a VM */
	case WL_ACTIVITY: {
		struct activity *a = append((void ***)&w->act, &w->nact, sizeof *a);
		if (!a)
			return -ENOMEM;
		int rc = activity_build(a, w, cfg, vm, d);
		return rc == -ENOMEM ? rc : rc ? -EINVAL : 0;
	}
	}
	return -EINVAL;
}

void wl_finish_all(struct world *w, int64_t now)
{
	io_finish(w, now);
}

void wl_free_all(struct world *w)
{
	struct wlset *s = w->wl;
	if (!s)
		return;
	for (int i = 0; i < s->nweb; i++) {
		wl_specweb_free(s->web[i]);
		free(s->web[i]);
	}
	for (int i = 0; i < s->nmicro; i++) {
		micro_free(s->micro[i]);
		free(s->micro[i]);
	}
	for (int i = 0; i < s->nreq; i++) {
		wl_requests_free(s->req[i]);
		free(s->req[i]);
	}
	free(s->web);
	free(s->micro);
	free(s->req);
	free(s);
	w->wl = NULL;
}
