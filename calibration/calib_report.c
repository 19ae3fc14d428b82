/*
** `hvsim calibrate`'s outputs (docs/calibration.md): report.txt, fit.csv,
** points.csv and quantities.csv from the fitted values, and the
** calibrated hypervisor profiles.
*/
#include "calibration/calib.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "sim/engine/infile.h"
#include "sim/report/output.h"
#include "traces/csv.h"
/* ---------------------------------------------------------- outputs --- */

/* The stated side of row p, as text. */
static void stated(const struct meas_set *m, const struct meas_point *p, char *buf, size_t len)
{
	char lo[32] = "", hi[32] = "";
	if (isfinite(p->low))
		snprintf(lo, sizeof lo, "%g", p->low);
	if (isfinite(p->high))
		snprintf(hi, sizeof hi, "%g", p->high);
	switch (p->kind) {
	case MEAS_VALUE:
		if (isnan(p->uncertainty))
			snprintf(buf, len, "%g", p->value);
		else
			snprintf(buf, len, "%g +- %g", p->value, p->uncertainty);
		break;
	case MEAS_RANGE:
		snprintf(buf, len, "in [%s, %s]", lo, hi);
		break;
	case MEAS_RATIO:
		snprintf(buf, len, "/ %s in [%s, %s]", m->p[p->ref].id, lo, hi);
		break;
	case MEAS_DIFF:
		snprintf(buf, len, "- %s in [%s, %s]", m->p[p->ref].id, lo, hi);
		break;
	default:
		snprintf(buf, len, "(not stated)");
	}
}

/* Does row i pass under x?  Bands: inside; values: within the
** uncertainty plus pass x value. */
static int row_pass(const struct cal_config *c, struct cal_eval *e, const double *x, size_t i, double *err)
{
	const struct meas_point *p = &c->meas.p[i];
	*err = cal_eval_error(e, x, i);
	if (isnan(*err))
		return -1;
	if (p->kind == MEAS_VALUE) {
		double u = isnan(p->uncertainty) ? 0 : p->uncertainty / p->value;
		return fabs(*err) <= u + c->pass + 1e-12;
	}
	return *err == 0;
}

/* The relation's value as text, "-" for other kinds (static buffer). */
static const char *rel_text(struct cal_eval *e, const double *x, const struct meas_set *m, const struct meas_point *p)
{
	static char buf[32];
	double v = cal_relation_value(e, x, m, p);
	if (isnan(v))
		return "-";
	snprintf(buf, sizeof buf, "%.4g", v);
	return buf;
}

static void put_num(FILE *f, double v)
{
	if (isnan(v))
		fputc(',', f);
	else
		fprintf(f, ",%.6g", v);
}

/* The statement ids a row's source names ("...; P1" or "...; P5, P13"). */
static const char *statements(const struct meas_point *p)
{
	const char *s = strrchr(p->source, ';');
	return s ? s + 1 + strspn(s + 1, " ") : "";
}

struct pstat {
	char id[16];
	int rows, pass, fit;
};

static void tally(struct pstat *ps, int *np, const struct meas_point *p, int pass)
{
	const char *s = statements(p);
	while (*s) {
		size_t l = strcspn(s, ", ");
		if (l && l < sizeof ps[0].id && s[0] == 'P') {
			int k;
			for (k = 0; k < *np; k++)
				if (strlen(ps[k].id) == l && !strncmp(ps[k].id, s, l))
					break;
			if (k == *np && *np < 64) {
				memset(&ps[k], 0, sizeof ps[k]);
				memcpy(ps[k].id, s, l);
				(*np)++;
			}
			if (k < *np) {
				ps[k].rows++;
				ps[k].pass += pass == 1;
				ps[k].fit |= p->use == MEAS_FIT;
			}
		}
		s += l;
		s += strspn(s, ", ");
	}
}

static int pnum(const char *id)
{
	return atoi(id + 1);
}

static int by_statement(const void *a, const void *b)
{
	return pnum(((const struct pstat *)a)->id) - pnum(((const struct pstat *)b)->id);
}


/* What points.csv tallies for report.txt: per statement, and the errors
** of fit ([0]) and held-out ([1]) rows. */
struct tallies {
	struct pstat ps[64];
	int nps;
	double ape[2], cape[2], cbias[2];
	int napes[2], npass[2], nrows[2], ncape[2];
};

static int write_fit_csv(struct outdir *o, const struct cal_config *c, const double *x, const struct cal_stage_out *so,
			 const int *fit_mask)
{
	FILE *f = out_open(o, "fit.csv");
	if (!f)
		return -1;
	fputs("stage,name,hypervisor,benchmark,key,unit,min,max,start,value,elasticity,j_minus10,j_plus10,identified,source\n",
	      f);
	for (int k = 0; k < c->np; k++) {
		const struct cal_param *p = &c->p[k];
		const struct cal_sens *s = NULL;
		if (fit_mask[p->stage])
			for (int j = 0; j < c->stage[p->stage].np; j++)
				if (c->stage[p->stage].param[j] == k)
					s = &so[p->stage].sens[j];
		trace_csv_put(f, c->stage[p->stage].name);
		fputc(',', f);
		trace_csv_put(f, p->name);
		fputc(',', f);
		trace_csv_put(f, p->hypervisor ? p->hypervisor : "");
		fprintf(f, ",%s,", p->bench >= 0 ? meas_bench_name(p->bench) : "");
		trace_csv_put(f, p->key);
		fputc(',', f);
		trace_csv_put(f, p->unit);
		fprintf(f, ",%.6g,%.6g,%.6g,%.6g", p->min, p->max, p->start, x[k]);
		put_num(f, s ? s->elast : NAN);
		put_num(f, s ? s->j_lo : NAN);
		put_num(f, s ? s->j_hi : NAN);
		fprintf(f, ",%s,", !s ? "" : s->fixed ? "false" : "true");
		trace_csv_put(f, p->source);
		fputc('\n', f);
	}
	if (fclose(f))
		return -1;

	return 0;
}

/* Every stated row, and the tallies. */
static int write_points_csv(struct outdir *o, const struct cal_config *c, struct cal_eval *e, const double *x,
			    struct tallies *t)
{
	const struct meas_set *m = &c->meas;
	FILE *f = out_open(o, "points.csv");
	if (!f)
		return -1;
	fputs("id,use,benchmark,hypervisor,vms,vcpus_per_vm,memory,metric,kind,stated,simulated,relation,error,pass,"
	      "centre_error\n",
	      f);
	for (size_t i = 0; i < m->n; i++) {
		const struct meas_point *p = &m->p[i];
		if (p->kind == MEAS_UNSTATED)
			continue;
		double err;
		int pass = row_pass(c, e, x, i, &err);
		char st[160];
		stated(m, p, st, sizeof st);
		trace_csv_put(f, p->id);
		fprintf(f, ",%s,%s,", meas_use_name(p->use), meas_bench_name(p->bench));
		trace_csv_put(f, p->hypervisor);
		fprintf(f, ",%d,%d,%s,%s,%s,", p->vms, p->vcpus, p->memory_text, meas_metric_name(p->metric),
			meas_kind_name(p->kind));
		trace_csv_put(f, st);
		put_num(f, cal_eval_value(e, x, p));
		put_num(f, cal_relation_value(e, x, m, p));
		put_num(f, err);
		fprintf(f, ",%s", pass < 0 ? "not simulated" : pass ? "pass" : "fail");
		/* two-sided rows only: a value, or a band closed on both sides,
		** against its centre; one-sided rows have no centre to miss */
		double ce = NAN;
		if (p->kind == MEAS_VALUE || (isfinite(p->low) && isfinite(p->high))) {
			double centre = p->kind == MEAS_VALUE ? p->value : 0.5 * (p->low + p->high);
			double sim = p->kind == MEAS_RATIO || p->kind == MEAS_DIFF ? cal_relation_value(e, x, m, p)
										    : cal_eval_value(e, x, p);
			if (isfinite(sim) && centre != 0)
				ce = (sim - centre) / fabs(centre);
		}
		put_num(f, ce);
		fputc('\n', f);
		int u = p->use == MEAS_HOLDOUT;
		if (pass >= 0 && isfinite(ce)) {
			t->cape[u] += fabs(ce);
			t->cbias[u] += ce;
			t->ncape[u]++;
		}
		if (pass >= 0) {
			t->nrows[u]++;
			t->npass[u] += pass;
			t->ape[u] += fabs(err);
			t->napes[u]++;
		}
		tally(t->ps, &t->nps, p, pass);
	}
	if (fclose(f))
		return -1;

	return 0;
}

/* Every base quantity of the final values, derived metrics too. */
static int write_quantities_csv(struct outdir *o, const struct cal_config *c, struct cal_eval *e, const double *x)
{
	FILE *f = out_open(o, "quantities.csv");
	if (!f)
		return -1;
	fputs("benchmark,hypervisor,vms,vcpus_per_vm,memory,metric,value,ci_low,ci_high\n", f);
	for (int i = 0; i < c->nalso; i++) {
		const struct cal_also *a = &c->also[i];
		for (int j = 0; j < a->nvms; j++) {
			int v = a->vms[j];
			fprintf(f, "%s,", meas_bench_name(a->bench));
			trace_csv_put(f, a->hypervisor);
			fprintf(f, ",%d,%d,%s,%s", v, a->vcpus, a->memory, meas_metric_name(a->metric));
			put_num(f, cal_eval_metric(e, x, a->bench, a->hypervisor, v, a->vcpus, a->memory, a->metric));
			double lo, hi;
			cal_eval_metric_ci(e, x, a->bench, a->hypervisor, v, a->vcpus, a->memory, a->metric, &lo, &hi);
			put_num(f, lo);
			put_num(f, hi);
			fputc('\n', f);
		}
	}
	if (fclose(f))
		return -1;

	return 0;
}

/* report.txt: the stages, the held-out rows, the errors and statements. */
static int write_report(struct outdir *o, const struct cal_config *c, struct cal_eval *e, const double *x,
			const struct cal_stage_out *so, const int *fit_mask, int fitted, const char *values_from,
			double wall, struct tallies *t)
{
	const struct meas_set *m = &c->meas;
	FILE *f = out_open(o, "report.txt");
	if (!f)
		return -1;
	fprintf(f, "hvsim calibrate %s: %s\n", c->path, c->name);
	fprintf(f, "measured points: %s (%zu rows)\n", c->measured_text, m->n);
	if (fitted)
		fprintf(f, "fitted by stages (Nelder-Mead, %d start(s), at most %d evaluations each, prior weight %g)\n",
			c->starts, c->evals, c->prior);
	if (values_from)
		fprintf(f, "%s parameter values from %s\n", fitted ? "other stages'" : "not fitted:", values_from);
	fprintf(f, "%ld simulations in %.1f wall s\n\n", cal_eval_runs(e), wall);
	for (int si = 0; si < c->nstage; si++) {
		const struct cal_stage *st = &c->stage[si];
		fprintf(f, "stage %s: %zu fit rows", st->name, st->nrow);
		if (fit_mask[si])
			fprintf(f, ", J = %.4g after %d evaluations (%d start(s))", so[si].j, so[si].evals,
				st->starts ? st->starts : c->starts);
		fputc('\n', f);
		fprintf(f, "  %-22s %-12s %12s %12s %12s %10s  %s\n", "parameter", "hypervisor", "start", "fitted",
			"bounds", "elasticity", "moves most");
		for (int k = 0; k < st->np; k++) {
			const struct cal_param *p = &c->p[st->param[k]];
			char a[64], b[64], bd[64];
			cal_param_text(p, p->start, a, sizeof a);
			cal_param_text(p, x[st->param[k]], b, sizeof b);
			snprintf(bd, sizeof bd, "%g..%g", p->min, p->max);
			fprintf(f, "  %-22s %-12s %12s %12s %12s", p->name, p->hypervisor ? p->hypervisor : "all", a, b, bd);
			if (fit_mask[si] && so[si].sens[k].fixed)
				fprintf(f, " %10.3f  unidentified (< %g): fixed at its start\n", so[si].sens[k].elast,
					c->identify);
			else if (fit_mask[si] && so[si].sens[k].top)
				fprintf(f, " %10.3f  %s (%+.2f)\n", so[si].sens[k].elast, so[si].sens[k].top,
					so[si].sens[k].top_e);
			else
				fputs("          -\n", f);
		}
		for (int k = 0; k < st->np; k++) {
			const struct cal_param *p = &c->p[st->param[k]];
			if (p->source[0])
				fprintf(f, "    %s: %s\n", p->name, p->source);
		}
		fprintf(f, "  %-26s %-28s %12s %10s %8s  %s\n", "row", "stated", "simulated", "relation", "error", "");
		for (size_t r = 0; r < st->nrow; r++) {
			const struct meas_point *p = &m->p[st->row[r]];
			double err;
			int pass = row_pass(c, e, x, st->row[r], &err);
			char s1[160];
			stated(m, p, s1, sizeof s1);
			fprintf(f, "  %-26s %-28s %12.4g %10s %+7.1f%%  %s\n", p->id, s1, cal_eval_value(e, x, p),
				rel_text(e, x, m, p), 100 * err, pass == 1 ? "pass" : "FAIL");
		}
		fputc('\n', f);
	}
	fprintf(f, "held out (predicted without refitting):\n");
	fprintf(f, "  %-26s %-28s %12s %10s %8s\n", "row", "stated", "simulated", "relation", "error");
	for (size_t i = 0; i < m->n; i++) {
		const struct meas_point *p = &m->p[i];
		if (p->use != MEAS_HOLDOUT || p->kind == MEAS_UNSTATED)
			continue;
		double err;
		int pass = row_pass(c, e, x, i, &err);
		char s1[160];
		stated(m, p, s1, sizeof s1);
		fprintf(f, "  %-26s %-28s %12.4g %10s %+7.1f%%  %s\n", p->id, s1, cal_eval_value(e, x, p),
			rel_text(e, x, m, p), 100 * err, pass < 0 ? "not simulated" : pass ? "pass" : "FAIL");
	}
	fprintf(f, "\nmean absolute relative error (0 inside a bound): fit %.1f%% over %d rows, held out %.1f%% over %d rows\n",
		t->napes[0] ? 100 * t->ape[0] / t->napes[0] : 0, t->napes[0], t->napes[1] ? 100 * t->ape[1] / t->napes[1] : 0, t->napes[1]);
	fprintf(f, "mean absolute error of the two-sided rows against their value or band centre (one-sided rows\n"
		   "  not counted): fit %.1f%% over %d rows (mean signed %+.1f%%), held out %.1f%% over %d rows (mean signed %+.1f%%)\n",
		t->ncape[0] ? 100 * t->cape[0] / t->ncape[0] : 0, t->ncape[0], t->ncape[0] ? 100 * t->cbias[0] / t->ncape[0] : 0,
		t->ncape[1] ? 100 * t->cape[1] / t->ncape[1] : 0, t->ncape[1], t->ncape[1] ? 100 * t->cbias[1] / t->ncape[1] : 0);
	fprintf(f, "rows passing: fit %d of %d, held out %d of %d (values within their uncertainty + %g%%)\n\n",
		t->npass[0], t->nrows[0], t->npass[1], t->nrows[1], 100 * c->pass);
	qsort(t->ps, (size_t)t->nps, sizeof t->ps[0], by_statement);
	fprintf(f, "statements (a statement passes when all its rows pass):\n");
	for (int k = 0; k < t->nps; k++)
		fprintf(f, "  %-4s %-8s %2d of %2d rows pass  %s\n", t->ps[k].id, t->ps[k].fit ? "fit" : "held out", t->ps[k].pass,
			t->ps[k].rows, t->ps[k].pass == t->ps[k].rows ? "PASS" : "FAIL");
	if (fclose(f))
		return -1;
	return 0;
}

int cal_write_outputs(struct outdir *o, const struct cal_config *c, struct cal_eval *e, const double *x,
		      const struct cal_stage_out *so, const int *fit_mask, int fitted, const char *values_from, double wall)
{
	struct tallies *t = calloc(1, sizeof *t);
	int rc = !t || write_fit_csv(o, c, x, so, fit_mask) || write_points_csv(o, c, e, x, t) ||
		 write_quantities_csv(o, c, e, x) ||
		 write_report(o, c, e, x, so, fit_mask, fitted, values_from, wall, t)
			 ? -1
			 : 0;
	free(t);
	return rc;
}

/* Set attribute path (a.b.c: elements from root, the last an attribute)
** in the profile document, creating elements as needed. */
static int set_path(xmlNodePtr root, const char *path, const char *value)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	xmlNodePtr n = root;
	char *p = buf;
	for (;;) {
		char *dot = strchr(p, '.');
		if (!dot)
			break;
		*dot = 0;
		if (strchr(p, '['))
			return -1;
		xmlNodePtr k;
		for (k = n->children; k; k = k->next)
			if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, p))
				break;
		if (!k)
			k = xmlNewChild(n, NULL, (const xmlChar *)p, NULL);
		n = k;
		p = dot + 1;
	}
	return xmlSetProp(n, (const xmlChar *)p, (const xmlChar *)value) ? 0 : -1;
}

int cal_write_profiles(struct outdir *o, const struct cal_config *c, const double *x, const char *how)
{
	int rc = 0;
	for (int h = 0; h < c->nhv && !rc; h++) {
		const struct cal_hv *hv = &c->hv[h];
		if (!hv->out)
			continue;
		char why[200];
		size_t tn;
		int wl;
		char *text = infile_xml(hv->profile, &tn, &wl, why, sizeof why);
		xmlDocPtr doc = text ? xmlReadMemory(text, (int)tn, hv->profile, NULL, INFILE_XML_OPTIONS) : NULL;
		free(text);
		if (!doc)
			return -1;
		xmlNodePtr root = xmlDocGetRootElement(doc);
		char note[4096];
		int n = snprintf(note, sizeof note,
				 "\n  Calibrated by hvsim calibrate %s (calibration '%s', %s): the profile\n"
				 "  %s with the values below, fitted to the measured points\n  %s (paths as written in %s).\n"
				 "  Fitted values:",
				 c->path, c->name, how, hv->profile_text, c->measured_text, c->path);
		for (int k = 0; k < c->np; k++) {
			const struct cal_param *p = &c->p[k];
			/* a <param> without hypervisor= applies to every
			** hypervisor's points (docs/calibration.md), so it goes
			** into every profile written */
			if ((p->hypervisor && strcmp(p->hypervisor, hv->name)) || strncmp(p->key, "hypervisor.", 11))
				continue;
			char t[64];
			cal_param_text(p, x[k], t, sizeof t);
			if (set_path(root, p->key + 11, t))
				rc = -1;
			if (n > 0 && (size_t)n < sizeof note)
				n += snprintf(note + n, sizeof note - (size_t)n, "\n    %s = %s  (stage %s, bounds %g..%g)",
					      p->key + 11, t, c->stage[p->stage].name, p->min, p->max);
		}
		if (n > 0 && (size_t)n < sizeof note)
			snprintf(note + n, sizeof note - (size_t)n, "\n  Report: report.txt of that run.\n");
		xmlNodePtr com = xmlNewDocComment(doc, (const xmlChar *)note);
		xmlAddPrevSibling(root, com);
		FILE *f = out_open(o, hv->out);
		if (!f) {
			xmlFreeDoc(doc);
			return -1;
		}
		xmlChar *mem;
		int len;
		xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 0);
		if (!mem || fwrite(mem, 1, (size_t)len, f) != (size_t)len)
			rc = -1;
		xmlFree(mem);
		if (fclose(f))
			rc = -1;
		xmlFreeDoc(doc);
	}
	return rc;
}

