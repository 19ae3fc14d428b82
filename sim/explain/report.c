/*
** `hvsim explain`: the text report (explain.txt).
** Shared: read.h; the method: explain.h and docs/explain.md.
*/
#include "sim/explain/read.h"
#include "sim/report/output.h"
#include "traces/csv.h"
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* --------------------------------------------------------- report --- */

/* Indices 0..n-1 ordered by v descending, ties in index order
** (insertion sort: n is at most XC_N + 1). */
static void rank(const double *v, int n, int *idx)
{
	for (int i = 0; i < n; i++) {
		int j = i;
		while (j > 0 && v[idx[j - 1]] < v[i]) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = i;
	}
}

static const char *unit(const struct explain *x)
{
	return x->capacity ? "sessions" : "pages/s";
}

/* The point the diagrams show: the plateau, else the last. */
int x_shown(const struct xcurve *c)
{
	int i = c->plateau >= 0 ? c->plateau : c->npt - 1;
	while (i > 0 && !c->pt[i].have_run)
		i--;
	return i;
}

/* The test of the plateau's verdict that came closest to the other one
** (cap_plateau_call): how firm the verdict is, and with a plateau how
** many pairs would overturn it at the growth and spread measured. */
static void report_call(const struct xcurve *c, const char *u, FILE *f)
{
	if (!c->tested || !c->has_call)
		return;
	const struct cap_call *k = &c->call;
	double ni = c->pt[k->i].n, nj = c->pt[k->j].n;
	if (c->plateau < 0) {
		fprintf(f, "  closest call: %g VMs, the count nearest to a plateau; %g VMs exceed it by %.4g %s "
			   "(t %.2f against %.2f, %d pairs)\n", ni, nj, k->mean, u, k->t, k->crit, k->pairs);
		return;
	}
	if (k->need == 0) {
		fprintf(f, "  closest call: %g VMs, %.4g %s below it on average (t %.2f against %.2f, %d pairs); no "
			   "later count is above it on average\n", nj, -k->mean, u, k->t, k->crit, k->pairs);
		return;
	}
	char need[64];
	if (k->need > 0)
		snprintf(need, sizeof need, "%d pairs", k->need);
	else
		snprintf(need, sizeof need, "more than %d pairs", CAP_CALL_MAX_PAIRS);
	fprintf(f, "  closest call: %g VMs, %.4g %s above it (t %.2f against %.2f, %d pairs); at that growth and "
		   "spread %s would make it significant\n", nj, k->mean, u, k->t, k->crit, k->pairs, need);
}

/* Where the plateau lands in draws of new replications like the measured
** ones (cap_plateau_resample): the outcomes of at least 0.5%, the most
** frequent first (at most four, the rest summed), and the chance that
** three repetitions agree. */
static void report_resample(const struct xcurve *c, FILE *f)
{
	if (!c->tested || !c->share)
		return;
	int shown[4], ns = 0;
	double rest = 1;
	while (ns < 4) {
		int top = -1;
		for (int i = 0; i <= c->npt; i++) {
			int seen = 0;
			for (int k = 0; k < ns; k++)
				seen |= shown[k] == i;
			if (!seen && c->share[i] >= 0.005 && (top < 0 || c->share[i] > c->share[top]))
				top = i;
		}
		if (top < 0)
			break;
		shown[ns++] = top;
		rest -= c->share[top];
	}
	fprintf(f, "  resampled (%d draws of new replications, normal with the measured means and covariance): "
		   "plateau", EXPLAIN_RESAMPLES);
	for (int k = 0; k < ns; k++) {
		if (shown[k] == 0)
			fprintf(f, "%s none in %.0f%%", k ? "," : "", 100 * c->share[0]);
		else
			fprintf(f, "%s %g VMs in %.0f%%", k ? "," : "", c->pt[shown[k] - 1].n, 100 * c->share[shown[k]]);
	}
	if (rest > 0.0005)
		fprintf(f, ", other counts in %.1f%%", 100 * rest);
	fprintf(f, "; three repetitions agree in about %.0f%%", 100 * c->agree);
	if (!isnan(c->agree_plan[0])) {
		for (int k = 0; k < EXPLAIN_NPLAN; k++)
			fprintf(f, "%s%d", k ? ", " : " (with ", explain_plan_reps[k]);
		fputs(" replications a point:", f);
		for (int k = 0; k < EXPLAIN_NPLAN; k++)
			if (isnan(c->agree_plan[k]))
				fprintf(f, "%s -", k ? "," : "");
			else
				fprintf(f, "%s %.0f%%", k ? "," : "", 100 * c->agree_plan[k]);
		fputc(')', f);
	}
	fputc('\n', f);
}

/* Long: one curve's report in the order it is printed. */
static void report_curve(const struct explain *x, int k, FILE *f)
{
	const struct xcurve *c = &x->curve[k];
	const char *u = unit(x);
	fprintf(f, "\ncurve %d: %s\n", k + 1, c->label);
	fprintf(f, "  %6s %4s %9s %15s %10s %10s %6s %10s %6s  %s\n", "vms", "pt", "vcpu/pcpu",
		x->capacity ? "sessions" : "pages/s", x->capacity ? "per VM" : "per VM", "lost/VM", "lost%",
		"growth/VM", "cpu%", "busiest resource");
	for (int i = 0; i < c->npt; i++) {
		const struct xpoint *p = &c->pt[i];
		char g[32] = "-", ratio[32] = "-", cpu[16] = "-", lp[16] = "-";
		if (isfinite(p->growth))
			snprintf(g, sizeof g, "%+.1f%%", 100 * p->growth);
		if (p->have_run) {
			snprintf(ratio, sizeof ratio, "%.2f", p->vms * p->vcpus_per_vm / p->pcpus);
			snprintf(cpu, sizeof cpu, "%.1f", 100 * p->cpu_util);
		}
		if (c->best >= 0 && c->pt[c->best].per_vm > 0)
			snprintf(lp, sizeof lp, "%.1f", 100 * p->lost / c->pt[c->best].per_vm);
		char cum[48];
		if (p->ci_hi > p->ci_lo)
			snprintf(cum, sizeof cum, "%.5g +-%.1f%%", p->cum, 50 * (p->ci_hi - p->ci_lo) / p->cum);
		else
			snprintf(cum, sizeof cum, "%.6g", p->cum);
		fprintf(f, "  %6g %4d %9s %15s %10.4g %10.4g %6s %10s %6s  ", p->n, p->point, ratio, cum, p->per_vm,
			p->lost, lp, g, cpu);
		if (p->have_run && p->nres)
			fprintf(f, "%s %.1f%%%s%s%s\n", p->res[0].name, 100 * p->res[0].util,
				p->res[0].util >= EXPLAIN_SATURATED ? " (saturated)" : "", i == c->plateau ? "  <- plateau" : "",
				i == c->best ? "  <- best per VM" : "");
		else
			fprintf(f, "no run outputs (capacity 0)%s\n", i == c->plateau ? "  <- plateau" : "");
	}
	if (c->plateau >= 0) {
		const struct xpoint *p = &c->pt[c->plateau];
		fprintf(f, "  plateau: %g VMs", p->n);
		if (p->have_run)
			fprintf(f, " (%g VCPUs on %d pCPUs, %.2f VCPUs per pCPU)", p->vms * p->vcpus_per_vm, p->pcpus,
				p->vms * p->vcpus_per_vm / p->pcpus);
		/* the later counts the one-sided tests share their 5% among
		** (cap_plateau: Bonferroni), failed points not counted */
		int later = 0;
		for (int j = c->plateau + 1; j < c->npt; j++)
			later += c->pt[j].cum > 0;
		char why[96] = "";
		if (c->tested && later > 0)
			snprintf(why, sizeof why, " (one-sided paired t, 5%% shared by %d later count%s)", later,
				 later == 1 ? "" : "s");
		if (c->tested && c->plat_lo == c->plat_hi)
			fprintf(f, ": %.6g %s [%.6g, %.6g]; no later count is significantly higher%s; "
				   "every other count differs from it significantly (two-sided paired t, 5%%)\n",
				p->cum, u, p->ci_lo, p->ci_hi, why);
		else if (c->tested)
			fprintf(f, ": %.6g %s [%.6g, %.6g]; no later count is significantly higher%s; "
				   "indistinguishable from it (two-sided paired t, 5%%): %g-%g VMs\n",
				p->cum, u, p->ci_lo, p->ci_hi, why, c->pt[c->plat_lo].n, c->pt[c->plat_hi].n);
		else
			fprintf(f, ": %.6g %s, then %+.1f%% per added VM (below %g%%)\n", p->cum, u, 100 * p->growth,
				100 * x->threshold);
		report_call(c, u, f);
		report_resample(c, f);
	} else if (c->tested) {
		const struct xpoint *p = &c->pt[c->npt - 1];
		fprintf(f, "  plateau: none; the last point (%g VMs, %.6g %s) is significantly above every earlier one\n",
			p->n, p->cum, u);
		report_call(c, u, f);
		report_resample(c, f);
	} else {
		const struct xpoint *p = &c->pt[c->npt - 1];
		fprintf(f, "  plateau: none; the cumulative value still grows by %g%% or more per added VM up to %g VMs "
			   "(%.6g %s)\n",
			100 * x->threshold, p->n, p->cum, u);
	}
	int si = x_shown(c);
	const struct xpoint *sp = &c->pt[si];
	if (sp->have_run && sp->nres) {
		const struct xres *r = &sp->res[0];
		fprintf(f, "  %s at %g VMs: %s, %.1f%% busy", r->util >= EXPLAIN_SATURATED ? "saturated" : "busiest (none saturated)",
			sp->n, r->name, 100 * r->util);
		if (strcmp(r->kind, "pcpus") == 0)
			fprintf(f, "; CPU demand %.2f pCPU-s per pCPU-s (run + ready)", sp->cpu_demand);
		if (sp->nres > 1)
			fprintf(f, "; next %s %.1f%%", sp->res[1].name, 100 * sp->res[1].util);
		fputc('\n', f);
	}
	if (c->best < 0) {
		fprintf(f, "  causes: none measured (no point has run outputs)\n");
		return;
	}
	fprintf(f, "  best per VM: %g VMs, %.4g %s per VM\n", c->pt[c->best].n, c->pt[c->best].per_vm, u);
	double tot = 0;
	for (int j = 0; j <= XC_N; j++)
		tot += c->total[j];
	int idx[XC_N + 1];
	rank(c->total, XC_N + 1, idx);
	fprintf(f, "  causes of the per-VM loss, summed over the curve's points (%.4g %s per VM):\n", tot, u);
	if (tot <= 0)
		fprintf(f, "    none: no point lost against the best\n");
	for (int j = 0, r = 1; tot > 0 && j <= XC_N; j++) {
		int q = idx[j];
		if (c->total[q] <= 0)
			continue;
		fprintf(f, "    %d. %-40s %5.1f%%  (%.4g)\n", r++, explain_cause_name(q), 100 * c->total[q] / tot,
			c->total[q]);
	}
	fprintf(f, "  per VM count (loss per VM against the best; causes with their share and the growth of\n"
		   "  their cost in seconds per second per VM):\n");
	for (int i = 0; i < c->npt; i++) {
		const struct xpoint *p = &c->pt[i];
		fprintf(f, "    %g VMs: ", p->n);
		if (i == c->best) {
			fprintf(f, "best (reference)\n");
			continue;
		}
		if (p->lost <= 0) {
			fprintf(f, "no loss\n");
			continue;
		}
		fprintf(f, "lost %.4g %s per VM", p->lost, u);
		if (p->noise) {
			fprintf(f, ", within the replications' noise (paired t test, 5%%): not attributed\n");
			continue;
		}
		if (p->unattributed > 0) {
			fprintf(f, p->have_run ? ", unattributed: no measured cause grew\n"
					       : ", unattributed: no run outputs\n");
			continue;
		}
		int ix[XC_N];
		rank(p->attr, XC_N, ix);
		for (int j = 0; j < XC_N; j++) {
			int q = ix[j];
			if (p->attr[q] <= 0)
				continue;
			fprintf(f, "%s %s %.1f%% (+%.3g s/s)", j ? "," : ":", explain_cause_name(q),
				100 * p->attr[q] / p->lost, p->cause[q] - c->pt[c->best].cause[q]);
		}
		fputc('\n', f);
	}
}

void explain_report(const struct explain *x, FILE *f)
{
	int npt = 0;
	for (int k = 0; k < x->ncurve; k++)
		npt += x->curve[k].npt;
	fprintf(f, "hvsim explain %s: sweep %s, mode %s, %d points, %d curve%s over %s\n", x->dir, x->scenario,
		x->capacity ? "capacity" : "run", npt, x->ncurve, x->ncurve == 1 ? "" : "s", x->key);
	fprintf(f,
		"method: value = %s (cumulative; pages / measured s without SPECweb), per VM = %s; plateau = the first VM count after which the\n"
		"  cumulative value grows by less than %g%% per added VM; loss at n VMs = best per-VM value -\n"
		"  per-VM value at n, split over the causes in proportion to the growth of their measured cost\n"
		"  (seconds per second per guest VM, against the best point): ready-wait = VCPU ready time,\n"
		"  switch/refill = VCPU overhead time, spin = lock spin time, remote = extra stall of remote\n"
		"  memory, emulation = run + ready time of Dom0 / QEMU I/O threads, NIC and disk = requests in\n"
		"  their queues, memory = the disk's share due to page-cache misses (docs/explain.md).\n",
		x->capacity ? "cumulative_sessions" : "pages_per_s", x->capacity ? "sessions_per_vm" : "pages_per_s / vms",
		100 * x->threshold);
	if (x->capacity)
		fprintf(f, "  Capacity points carry their 95%% interval (+-, over replications); with replications the\n"
			   "  plateau is instead the first count that no later count exceeds significantly (paired\n"
			   "  one-sided t tests over the replications, Bonferroni over the later counts, 5%%), and its\n"
			   "  range the counts a paired two-sided t test (5%%) cannot tell from it (docs/capacity.md).\n"
			   "  Capacity points are measured by the run at capacity (replication 1's passing run).\n");
	for (int k = 0; k < x->ncurve; k++)
		report_curve(x, k, f);
	explain_tail_report(x, f);
	explain_cf_report(x, f);
	explain_grade_report(x, f);
}

char *explain_plateau_csv(const struct explain *x)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fputs("curve,test,plateau_vms,low_vms,high_vms,value,ci_low,ci_high,last_vms,call_vms,call_other_vms,"
	      "call_mean,call_t,call_crit,call_pairs,call_need,resampled_same,resampled_agree3,", f);
	for (int p = 0; p < EXPLAIN_NPLAN; p++)
		fprintf(f, "agree3_at%d,", explain_plan_reps[p]);
	fputs("label\n", f);
	for (int k = 0; k < x->ncurve; k++) {
		const struct xcurve *c = &x->curve[k];
		fprintf(f, "%d,%s,", k + 1, c->tested ? "paired" : "growth");
		if (c->plateau >= 0) {
			const struct xpoint *p = &c->pt[c->plateau];
			fprintf(f, "%g,%g,%g,%.6g,", p->n, c->pt[c->plat_lo].n, c->pt[c->plat_hi].n, p->cum);
			if (p->ci_hi > p->ci_lo)
				fprintf(f, "%.6g,%.6g,", p->ci_lo, p->ci_hi);
			else
				fputs(",,", f);
		} else {
			fputs(",,,,,,", f);
		}
		fprintf(f, "%g,", c->npt ? c->pt[c->npt - 1].n : 0);
		if (c->tested && c->has_call) {
			const struct cap_call *cc = &c->call;
			fprintf(f, "%g,%g,%.6g,%.4f,%.4f,%d,", c->pt[cc->i].n, c->pt[cc->j].n, cc->mean, cc->t, cc->crit,
				cc->pairs);
			if (cc->need >= 0)
				fprintf(f, "%d,", cc->need);
			else
				fputs(",", f);
		} else {
			fputs(",,,,,,,", f);
		}
		/* the share of resampled draws with this verdict (a count or
		** none), the chance three repetitions agree, and that chance with
		** explain_plan_reps[] replications a point */
		if (c->tested && c->share) {
			fprintf(f, "%.4f,%.4f,", c->share[1 + c->plateau], c->agree);
			for (int p = 0; p < EXPLAIN_NPLAN; p++)
				if (isnan(c->agree_plan[p]))
					fputc(',', f);
				else
					fprintf(f, "%.4f,", c->agree_plan[p]);
		} else {
			fputs(",,", f);
			for (int p = 0; p < EXPLAIN_NPLAN; p++)
				fputc(',', f);
		}
		trace_csv_put(f, c->label);
		fputc('\n', f);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
