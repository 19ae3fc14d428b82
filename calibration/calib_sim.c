/*
** One simulation of a measured quantity for calibration (calib.h): the
** scenario a quantity names (its benchmark's template, the hypervisor's
** profile, the VM count, VCPUs and memory, every parameter that applies
** as --set), built and run once: a SPECweb capacity search, a
** microbenchmark's metric averaged over its VMs, or a host thread's
** statistic.  calib_eval.c caches and batches these.
*/
#include "calibration/calib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/actrec.h"
#include "models/wl_micro.h"
#include "models/workload.h"
#include "models/world.h"
#include "sim/drive/capacity.h"
#include "sim/scenario/scenario.h"
#include "traces/hoststats.h"

/* ---------------------------------------------------------- one run --- */

const struct cal_hv *cal_find_hv(const struct cal_config *c, const char *name)
{
	for (int i = 0; i < c->nhv; i++)
		if (!strcmp(c->hv[i].name, name))
			return &c->hv[i];
	return NULL;
}

#define MAX_OV 64

int cal_host_scenario(const struct cal_config *c, const char *subject, char *buf, size_t len)
{
	const char *t = c->bench[MEAS_HOST].scenario, *at = t ? strstr(t, "{mix}") : NULL;
	size_t ml = subject ? strcspn(subject, "/") : 0;
	int n = at ? snprintf(buf, len, "%.*s%.*s%s", (int)(at - t), t, (int)ml, subject ? subject : "", at + 5)
		   : snprintf(buf, len, "%s", t ? t : "");
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* host: the statistic q->metric of thread THREAD of q->subject
** (MIX/THREAD) in a run of the mix's scenario; NAN when the thread is not
** in the simulated activity trace. */
static int host_value(const struct world *w, const struct cal_qty *q, double *out, char *err, size_t errlen)
{
	const struct trace_activity *t = actrec_trace(w);
	const char *slash = q->subject ? strchr(q->subject, '/') : NULL;
	int i = t && slash ? hoststats_find(t, slash + 1) : -1;
	if (i < 0) {
		snprintf(err, errlen, "host %s: expected one simulated thread named '%s' (a <workload kind=\"threads\">), got %s",
			 q->subject ? q->subject : "?", slash ? slash + 1 : "?", i == -2 ? "several" : "none");
		return -1;
	}
	struct hs_thread h;
	if (hoststats_thread(t, i, &h)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	switch (q->metric) {
	case MEAS_CPU_SHARE: *out = h.cpu_share; break;
	case MEAS_WAKEUP_P50: *out = h.wakeup_p50; break;
	case MEAS_WAKEUP_P95: *out = h.wakeup_p95; break;
	case MEAS_RUN_PER_DISPATCH: *out = h.run_per_dispatch; break;
	default: *out = h.dispatches_per_s; break;
	}
	return 0;
}

/* cal_simulate, or with check only load and build (no run, *out unset). */
/* Long: the quantity's scenario assembled override by override, then the
** one run its benchmark needs. */
static int simulate(const struct cal_config *c, const struct scn_override *extra, int nextra, const double *x,
		    const struct cal_qty *q, int check, double *out, double *ci, char *err, size_t errlen)
{
	ci[0] = ci[1] = NAN;
	const struct cal_bench *b = &c->bench[q->bench];
	const struct cal_hv *hv = cal_find_hv(c, q->hypervisor);
	if (!b->scenario || !hv) {
		snprintf(err, errlen, "%s: no %s for %s %s", c->path, !hv ? "<hypervisor>" : "<benchmark>",
			 meas_bench_name(q->bench), q->hypervisor);
		return -1;
	}
	char hostscn[4096];
	const char *scenario = b->scenario;
	if (q->bench == MEAS_HOST) {
		if (cal_host_scenario(c, q->subject, hostscn, sizeof hostscn)) {
			snprintf(err, errlen, "%s: host %s: scenario path too long", c->path, q->subject ? q->subject : "?");
			return -1;
		}
		scenario = hostscn;
	}
	struct scn_override ov[MAX_OV];
	struct scn_origin from[MAX_OV];   /* messages about a value name its line here */
	char text[MAX_OV][2][128];
	char typed[MAX_OV][300];   /* --set BENCH:KEY=VALUE as given, for messages */
	int n = 0;
#define SET(k, ...)                                                                 \
	do {                                                                        \
		snprintf(text[n][0], sizeof text[n][0], "%s", k);                   \
		snprintf(text[n][1], sizeof text[n][1], __VA_ARGS__);               \
		ov[n] = (struct scn_override){ text[n][0], text[n][1] };            \
		from[n] = (struct scn_origin){ c->path, 0 };                        \
		n++;                                                                \
	} while (0)
	from[n] = (struct scn_origin){ c->path, hv->line };
	ov[n++] = (struct scn_override){ "hypervisor.profile", hv->profile };
	char k[128];
	if (q->bench != MEAS_HOST) {
		/* host threads run on the scenario's machine, in no VM */
		snprintf(k, sizeof k, "vm[%s].count", b->vm);
		SET(k, "%d", q->vms);
		snprintf(k, sizeof k, "vm[%s].vcpus", b->vm);
		SET(k, "%d", q->vcpus);
		snprintf(k, sizeof k, "vm[%s].memory", b->vm);
		SET(k, "%s", q->memory);
	}
	if (q->bench == MEAS_SPECWEB) {
		SET("capacity.replications", "%d", c->reps);
		SET("capacity.dither", "%s", c->dither ? "true" : "false");
		if (c->resolution_share > 0)
			SET("capacity.resolution", "%.6g%%", 100 * c->resolution_share);
		else
			SET("capacity.resolution", "%d", (int)c->resolution);
		if (c->duration)
			SET("run.duration", "%s", c->duration);
		if (c->warmup)
			SET("run.warmup", "%s", c->warmup);
		if (c->precision)
			SET("capacity.precision", "%s", c->precision);
	}
	for (int i = 0; i < nextra && n < MAX_OV; i++) {
		/* "bench:key" applies to that benchmark's simulations only */
		const char *colon = strchr(extra[i].key, ':');
		from[n] = (struct scn_origin){ NULL, 0 };   /* the command line's --set */
		if (!colon) {
			ov[n++] = extra[i];
			continue;
		}
		size_t bl = (size_t)(colon - extra[i].key);
		const char *bn = meas_bench_name(q->bench);
		if (strlen(bn) == bl && !strncmp(bn, extra[i].key, bl)) {
			/* a message names it as typed, BENCH: and all */
			snprintf(typed[n], sizeof typed[n], "--set %s=%s", extra[i].key, extra[i].value);
			from[n] = (struct scn_origin){ typed[n], 0 };
			ov[n++] = (struct scn_override){ colon + 1, extra[i].value };
		}
	}
	for (int i = 0; i < c->np && n < MAX_OV; i++)
		if (cal_param_applies(&c->p[i], q)) {
			char t[64];
			cal_param_text(&c->p[i], x[i], t, sizeof t);
			SET(c->p[i].key, "%s", t);
			from[n - 1].line = c->p[i].line;
		}
#undef SET
	struct scenario s;
	struct diag d = { 0 };
	if (scn_load_from(&s, scenario, ov, from, n, 0, &d)) {
		/* the message leads with its origin (file:line, or --set) */
		snprintf(err, errlen, "%s (the %s scenario with %s, vms=%d vcpus=%d memory=%s)",
			 d.n ? d.msg[0] : "cannot load the scenario", meas_bench_name(q->bench), q->hypervisor, q->vms,
			 q->vcpus, q->memory);
		diag_free(&d);
		return -1;
	}
	int rc = 0;
	if (q->bench == MEAS_SPECWEB) {
		struct cap_result r;
		if (cap_check(&s, &d)) {
			snprintf(err, errlen, "%s", d.n ? d.msg[0] : "capacity check failed");
			rc = -1;
		} else if (check) {
			rc = 0;
		} else if ((rc = cap_search(&s, 1, NULL, &r, err, errlen)) == 0) {
			*out = r.mean;
			if (r.ci_ok) {
				ci[0] = r.ci_lo;
				ci[1] = r.ci_hi;
			}
			cap_free(&r);
		}
	} else {
		struct world w;
		if (world_build(&w, &s, &d)) {
			snprintf(err, errlen, "%s", d.n ? d.msg[0] : "cannot build the world");
			rc = -1;
		} else if (check) {
			/* a host row's thread is one of the scenario's (its
			** recorder watches them from the build on): else the fit
			** would fail on it, exit 1, after its first simulation */
			const char *slash = q->subject ? strchr(q->subject, '/') : NULL;
			const struct trace_activity *t = actrec_trace(&w);
			int ti = q->bench == MEAS_HOST && t && slash ? hoststats_find(t, slash + 1) : 0;
			if (ti < 0)
				snprintf(err, errlen, "%s:%d: subject %s: expected a thread of %s named '%s' (a <workload "
					 "kind=\"threads\">), got %s", c->measured, q->line, q->subject, scenario, slash + 1,
					 ti == -2 ? "several" : "none");
			rc = ti < 0 ? -1 : 0;
		} else if (world_run(&w)) {
			snprintf(err, errlen, "%s: the run failed", scenario);
			rc = -1;
		} else if (q->bench == MEAS_HOST) {
			rc = host_value(&w, q, out, err, errlen);
		} else {
			double sum = 0;
			int cnt = 0;
			for (int i = 0; w.wl && i < w.wl->nmicro; i++) {
				int fin;
				double v = micro_metric(w.wl->micro[i], &fin);
				if (isfinite(v)) {
					sum += v;
					cnt++;
				}
			}
			if (!cnt) {
				snprintf(err, errlen, "%s: no microbenchmark in vm '%s' gave a result", b->scenario, b->vm);
				rc = -1;
			} else {
				*out = sum / cnt;
			}
		}
		world_free(&w);
	}
	diag_free(&d);
	scn_free(&s);
	return rc;
}

int cal_simulate_ci(const struct cal_config *c, const struct scn_override *extra, int nextra, const double *x,
		    const struct cal_qty *q, double *out, double *ci, char *err, size_t errlen)
{
	return simulate(c, extra, nextra, x, q, 0, out, ci, err, errlen);
}

int cal_simulate(const struct cal_config *c, const struct scn_override *extra, int nextra, const double *x,
		 const struct cal_qty *q, double *out, char *err, size_t errlen)
{
	double ci[2];
	return simulate(c, extra, nextra, x, q, 0, out, ci, err, errlen);
}

int cal_check(const struct cal_config *c, const struct scn_override *extra, int nextra, const double *x,
	      const struct cal_qty *q, char *err, size_t errlen)
{
	double unused, ci[2];
	return simulate(c, extra, nextra, x, q, 1, &unused, ci, err, errlen);
}

