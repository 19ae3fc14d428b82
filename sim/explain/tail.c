/*
** `hvsim explain`: where the time of the pages that miss the QoS went.
**
** Capacity is decided by the response-time tail at the probe that fails,
** not by mean costs at the run that passes.  A capacity point keeps, in
** tail_fail.csv, its first failing probe's pages split by part
** (models/wl_specweb.h: the HTML request and the chain of image requests
** that ended the page, each stage's time by part, adding up to the page's
** response time).  Over the VMs, for the pages slower than TIME_GOOD
** (class g) and all pages (class a), the excess of the missed pages
**
**   E[R | g] - E[R | a] = sum over parts p of (E[p | g] - E[p | a])
**
** is exact: the report ranks the parts by their term.
*/
#include "sim/explain/read.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const part_col[XT_NPART] = { "line_s", "nic_s", "disk_s", "backend_s", "device_model_s",
						"guest_queue_s", "guest_queue_held_s", "vcpu_ready_s", "lock_spin_s",
						"vcpu_run_s" };
static const char *const part_what[XT_NPART] = { "client line", "NIC", "disk", "back end (BeSim)",
						 "device model (Dom0 / I/O thread)",
						 "guest run queue (its VCPUs all busy running)",
						 "guest run queue (a VCPU with work descheduled)", "VCPU ready (descheduled)",
						 "lock spin", "VCPU run (service, switch, stalls)" };
static const char *const part_colour[XT_NPART] = { "#9467bd", "#17becf", "#8c564b", "#bcbd22", "#ff7f0e",
						   "#1f77b4", "#aec7e8", "#d62728", "#000000", "#2ca02c" };
static const char *const class_name[XT_NCLASS] = { "all", "over_time_good", "over_time_tolerable" };

int x_load_tail(struct xpoint *p, const char *pdir, struct xerr *e)
{
	struct table t;
	int rc = x_table_load(&t, pdir, "tail_fail.csv", 1, e);
	if (rc) {
		x_table_free(&t);
		return rc < 0 ? -1 : 0;
	}
	int cn = x_col(&t, "pages", e), cc = x_col(&t, "class", e), cr = x_col(&t, "response_s", e), cp[XT_NPART];
	rc = cn < 0 || cc < 0 || cr < 0 ? -1 : 0;
	for (int k = 0; k < XT_NPART && rc == 0; k++) {
		/* guest_queue_held_s is newer than the file format: absent, 0 */
		cp[k] = -1;
		if (strcmp(part_col[k], "guest_queue_held_s") == 0) {
			for (int j = 0; j < t.ncol; j++)
				if (strcmp(t.head[j], part_col[k]) == 0)
					cp[k] = j;
		} else if ((cp[k] = x_col(&t, part_col[k], e)) < 0) {
			rc = -1;
		}
	}
	memset(&p->tail, 0, sizeof p->tail);
	for (int r = 0; r < t.nrow && rc == 0; r++) {
		int k = -1;
		for (int j = 0; j < XT_NCLASS; j++)
			if (strcmp(x_cell(&t, r, cc), class_name[j]) == 0)
				k = j;
		if (k < 0) {
			rc = x_fail(e, "%s:%d: expected a class all, over_time_good or over_time_tolerable, got '%s'", t.path,
				    t.line[r], x_cell(&t, r, cc));
			break;
		}
		double n, resp, v;
		if (x_num(&t, r, cn, 0, &n, e) || x_num(&t, r, cr, 0, &resp, e)) {
			rc = -1;
			break;
		}
		p->tail.n[k] += n;
		p->tail.resp[k] += n * resp;
		for (int j = 0; j < XT_NPART && rc == 0; j++) {
			if (cp[j] < 0)
				continue;
			if (x_num(&t, r, cp[j], 0, &v, e))
				rc = -1;
			else
				p->tail.part[k][j] += n * v;
		}
	}
	if (rc == 0) {
		for (int k = 0; k < XT_NCLASS; k++) {
			double n = p->tail.n[k];
			p->tail.resp[k] = n > 0 ? p->tail.resp[k] / n : 0;
			for (int j = 0; j < XT_NPART; j++)
				p->tail.part[k][j] = n > 0 ? p->tail.part[k][j] / n : 0;
		}
		p->have_tail = p->tail.n[0] > 0;
	}
	x_table_free(&t);
	return rc;
}

void explain_tail_report(const struct explain *x, FILE *f)
{
	int any = 0;
	for (int k = 0; k < x->ncurve; k++)
		for (int i = 0; i < x->curve[k].npt; i++)
			any |= x->curve[k].pt[i].have_tail;
	if (!any)
		return;
	fprintf(f, "\nthe tail where QoS is decided (each point's first failing probe above capacity, replication 1,\n"
		   "  tail_fail.csv): the pages slower than time-good against all pages, and the excess of their mean\n"
		   "  response split by part: E[R | missed] - E[R] = sum of E[part | missed] - E[part] (exact;\n"
		   "  docs/explain.md)\n");
	for (int k = 0; k < x->ncurve; k++) {
		const struct xcurve *c = &x->curve[k];
		fprintf(f, "curve %d: %s\n", k + 1, c->label);
		for (int i = 0; i < c->npt; i++) {
			const struct xpoint *p = &c->pt[i];
			if (!p->have_tail)
				continue;
			const struct xtail *t = &p->tail;
			fprintf(f, "  %g VMs%s: %.1f%% of %.0f pages over time-good, mean %.2f s against %.2f s", p->n,
				i == c->plateau ? " (plateau)" : "", 100 * t->n[1] / t->n[0], t->n[0], t->resp[1], t->resp[0]);
			if (t->n[1] <= 0) {
				fputc('\n', f);
				continue;
			}
			fprintf(f, "; excess %+.2f s:", t->resp[1] - t->resp[0]);
			int order[XT_NPART];
			for (int j = 0; j < XT_NPART; j++)
				order[j] = j;
			for (int a = 0; a < XT_NPART; a++)
				for (int b = a + 1; b < XT_NPART; b++) {
					double da = t->part[1][order[a]] - t->part[0][order[a]];
					double db = t->part[1][order[b]] - t->part[0][order[b]];
					if (fabs(db) > fabs(da)) {
						int s = order[a];
						order[a] = order[b];
						order[b] = s;
					}
				}
			int shown = 0;
			for (int j = 0; j < XT_NPART && shown < 3; j++) {
				double d = t->part[1][order[j]] - t->part[0][order[j]];
				if (fabs(d) < 0.005)
					continue;
				fprintf(f, "%s %s %+.2f s", shown ? "," : "", part_what[order[j]], d);
				shown++;
			}
			fputc('\n', f);
		}
	}
}

char *explain_tail_csv(const struct explain *x)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fputs("curve,vms,point,class,pages,response_s", f);
	for (int j = 0; j < XT_NPART; j++)
		fprintf(f, ",%s", part_col[j]);
	fputc('\n', f);
	for (int k = 0; k < x->ncurve; k++)
		for (int i = 0; i < x->curve[k].npt; i++) {
			const struct xpoint *p = &x->curve[k].pt[i];
			if (!p->have_tail)
				continue;
			for (int c = 0; c < XT_NCLASS; c++) {
				fprintf(f, "%d,%g,%d,%s,%.0f,%.6f", k + 1, p->n, p->point, class_name[c], p->tail.n[c],
					p->tail.resp[c]);
				for (int j = 0; j < XT_NPART; j++)
					fprintf(f, ",%.6f", p->tail.part[c][j]);
				fputc('\n', f);
			}
		}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *explain_tail_dat(const struct explain *x, int k)
{
	const struct xcurve *c = &x->curve[k];
	int any = 0;
	for (int i = 0; i < c->npt; i++)
		any |= c->pt[i].have_tail && c->pt[i].tail.n[1] > 0;
	if (!any)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fputs("# vms", f);
	for (int j = 0; j < XT_NPART; j++)
		fprintf(f, " %s", part_col[j]);
	fputs(" all_pages_response_s\n", f);
	for (int i = 0; i < c->npt; i++) {
		const struct xpoint *p = &c->pt[i];
		if (!p->have_tail || p->tail.n[1] <= 0)
			continue;
		fprintf(f, "%g", p->n);
		for (int j = 0; j < XT_NPART; j++)
			fprintf(f, " %.6f", p->tail.part[1][j]);
		fprintf(f, " %.6f\n", p->tail.resp[0]);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *explain_tail_gp(const struct explain *x, int k)
{
	char *dat = explain_tail_dat(x, k);
	if (!dat)
		return NULL;
	free(dat);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f, "# curve %d (%s): the mean parts of the pages slower than time-good at each point's first\n"
		   "# failing probe, stacked; the line is all pages' mean response.  gnuplot curve%d-tail.gp\n",
		k + 1, x->curve[k].label, k + 1);
	fprintf(f, "set terminal svg size 900,520 dynamic font 'sans,12'\nset output 'curve%d-tail.svg'\n", k + 1);
	fprintf(f, "set title \"%s, curve %d: where the missed pages' time went (first failing probe)\" noenhanced\n",
		x->scenario, k + 1);
	fputs("set style data histograms\nset style histogram rowstacked\nset style fill solid 0.85 border -1\n"
	      "set boxwidth 0.7\nset ylabel 'mean seconds per page (pages over time-good)'\nset xlabel 'VMs'\n"
	      "set key outside right top vertical noenhanced\nset yrange [0:*]\nset grid ytics\n", f);
	fprintf(f, "plot ");
	for (int j = 0; j < XT_NPART; j++)
		fprintf(f, "'curve%d-tail.dat' using %d%s title '%s' lc rgb '%s', ", k + 1, j + 2, j == 0 ? ":xtic(1)" : "",
			part_what[j], part_colour[j]);
	fprintf(f, "'curve%d-tail.dat' using 0:%d with linespoints lw 2 lc rgb 'black' title 'all pages: mean "
		   "response'\n",
		k + 1, XT_NPART + 2);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
