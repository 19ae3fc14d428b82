/*
** `hvsim explain`: the Graphviz bottleneck and placement diagrams.
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

/* -------------------------------------------------------- Graphviz --- */

/* s as text inside an HTML-like label: names from a results directory
** (entities.csv) may hold <, >, & or ", which dot would read as markup. */
static void html(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

static void dq(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Each VCPU's / emulation thread's run seconds on each pCPU (cpu[e][c])
** and whether that is exact: placement.csv when there is one; else a
** thread that did not migrate ran on its last pCPU only (exact); one
** that migrated is known only by node: 1 - remote_share of its time on
** its memory's node, the rest on its last pCPU's node when that is
** another, else spread over the other nodes. */
struct xplace {
	int nent;
	char **name, **vm, **kind;
	int *mem;                     /* memory node; -1 interleaved */
	int *exact;
	int *last;                    /* last pCPU */
	int *mig;
	double *run;                  /* total run seconds */
	double *ready;
	double *cpu;                  /* nent x pcpus: exact entities */
	double *node;                 /* nent x nodes */
};

static void place_free(struct xplace *pl)
{
	free(pl->name);
	free(pl->vm);
	free(pl->kind);
	free(pl->mem);
	free(pl->exact);
	free(pl->last);
	free(pl->mig);
	free(pl->run);
	free(pl->ready);
	free(pl->cpu);
	free(pl->node);
}

/* Long: the placement table built in one pass over the point's files. */
static int place_build(const struct xpoint *p, struct xplace *pl)
{
	const struct xtab *t = p->tab;
	const struct table *en = &t->ent;
	struct xerr e = { (char[256]){ 0 }, 256 };
	memset(pl, 0, sizeof *pl);
	int n = en->nrow, C = p->pcpus, N = p->nodes;
	pl->nent = n;
	pl->name = calloc((size_t)n + 1, sizeof *pl->name);
	pl->vm = calloc((size_t)n + 1, sizeof *pl->vm);
	pl->kind = calloc((size_t)n + 1, sizeof *pl->kind);
	pl->mem = calloc((size_t)n + 1, sizeof *pl->mem);
	pl->exact = calloc((size_t)n + 1, sizeof *pl->exact);
	pl->last = calloc((size_t)n + 1, sizeof *pl->last);
	pl->mig = calloc((size_t)n + 1, sizeof *pl->mig);
	pl->run = calloc((size_t)n + 1, sizeof *pl->run);
	pl->ready = calloc((size_t)n + 1, sizeof *pl->ready);
	pl->cpu = calloc((size_t)n * (size_t)C + 1, sizeof *pl->cpu);
	pl->node = calloc((size_t)n * (size_t)N + 1, sizeof *pl->node);
	if (!pl->name || !pl->vm || !pl->kind || !pl->mem || !pl->exact || !pl->last || !pl->mig || !pl->run ||
	    !pl->ready || !pl->cpu || !pl->node)
		return -1;
	int ce = x_col(en, "entity", &e), ck = x_col(en, "kind", &e), cv = x_col(en, "vm", &e), cr = x_col(en, "run_s", &e),
	    cy = x_col(en, "ready_s", &e), cm = x_col(en, "migrations", &e), cs = x_col(en, "remote_share", &e),
	    cl = x_col(en, "last_cpu", &e);
	if (ce < 0 || ck < 0 || cv < 0 || cr < 0 || cy < 0 || cm < 0 || cs < 0 || cl < 0)
		return -1;
	/* memory nodes from vms.csv */
	const struct table *v = &t->vms;
	int vn = x_col(v, "vm", &e), vmn = x_col(v, "mem_node", &e);
	if (vn < 0 || vmn < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		double run, rdy, mig, rs, last;
		if (x_num(en, i, cr, 0, &run, &e) || x_num(en, i, cy, 0, &rdy, &e) || x_num(en, i, cm, 0, &mig, &e) ||
		    x_num(en, i, cs, 0, &rs, &e) || x_num(en, i, cl, 0, &last, &e))
			return -1;
		pl->name[i] = (char *)x_cell(en, i, ce);
		pl->kind[i] = (char *)x_cell(en, i, ck);
		pl->vm[i] = (char *)x_cell(en, i, cv);
		pl->run[i] = run;
		pl->ready[i] = rdy;
		pl->mig[i] = (int)mig;
		pl->last[i] = last >= 0 && last < C ? (int)last : -1;
		pl->mem[i] = -1;
		for (int r = 0; r < v->nrow; r++)
			if (strcmp(x_cell(v, r, vn), pl->vm[i]) == 0) {
				double mn;
				if (x_num(v, r, vmn, 0, &mn, &e) == 0)
					pl->mem[i] = mn >= 0 && mn < N ? (int)mn : -1;
			}
		if (t->have_place || run <= 0)
			continue;
		int lnode = -1;
		if (pl->last[i] >= 0) {
			/* the node of the last pCPU, from pcpus.csv */
			const struct table *pc = &t->pcpu;
			int pcol = x_col(pc, "cpu", &e), pn = x_col(pc, "node", &e);
			for (int r = 0; pcol >= 0 && pn >= 0 && r < pc->nrow; r++) {
				double id, nd;
				if (x_num(pc, r, pcol, 0, &id, &e) == 0 && (int)id == pl->last[i] &&
				    x_num(pc, r, pn, 0, &nd, &e) == 0)
					lnode = nd >= 0 && nd < N ? (int)nd : -1;
			}
		}
		if (pl->mig[i] == 0 && pl->last[i] >= 0 && lnode >= 0) {
			pl->exact[i] = 1;
			pl->cpu[(size_t)i * (size_t)C + (size_t)pl->last[i]] = run;
			pl->node[(size_t)i * (size_t)N + (size_t)lnode] = run;
		} else if (pl->mem[i] >= 0) {
			pl->node[(size_t)i * (size_t)N + (size_t)pl->mem[i]] += run * (1 - rs);
			if (lnode >= 0 && lnode != pl->mem[i])
				pl->node[(size_t)i * (size_t)N + (size_t)lnode] += run * rs;
			else
				for (int b = 0; b < N; b++)
					if (b != pl->mem[i])
						pl->node[(size_t)i * (size_t)N + (size_t)b] += run * rs / (N - 1 > 0 ? N - 1 : 1);
		} else {
			for (int b = 0; b < N; b++)
				pl->node[(size_t)i * (size_t)N + (size_t)b] += run / N;
		}
	}
	if (t->have_place) {
		const struct table *pt = &t->place;
		int pe = x_col(pt, "entity", &e), pc = x_col(pt, "cpu", &e), pn = x_col(pt, "node", &e), pr = x_col(pt, "run_s", &e);
		if (pe < 0 || pc < 0 || pn < 0 || pr < 0)
			return -1;
		for (int r = 0; r < pt->nrow; r++) {
			double c, nd, run;
			if (x_num(pt, r, pc, 0, &c, &e) || x_num(pt, r, pn, 0, &nd, &e) || x_num(pt, r, pr, 0, &run, &e))
				return -1;
			for (int i = 0; i < n; i++)
				if (strcmp(pl->name[i], x_cell(pt, r, pe)) == 0 && c >= 0 && c < C && nd >= 0 && nd < N) {
					pl->exact[i] = 1;
					pl->cpu[(size_t)i * (size_t)C + (size_t)c] += run;
					pl->node[(size_t)i * (size_t)N + (size_t)nd] += run;
				}
		}
	}
	return 0;
}

static double pcpu_util(const struct xpoint *p, int cpu, int *node)
{
	const struct table *pc = &p->tab->pcpu;
	struct xerr e = { (char[256]){ 0 }, 256 };
	int ci = x_col(pc, "cpu", &e), cn = x_col(pc, "node", &e), cu = x_col(pc, "util", &e);
	for (int r = 0; ci >= 0 && cn >= 0 && cu >= 0 && r < pc->nrow; r++) {
		double id, nd, u;
		if (x_num(pc, r, ci, 0, &id, &e) == 0 && (int)id == cpu && x_num(pc, r, cn, 0, &nd, &e) == 0 &&
		    x_num(pc, r, cu, 0, &u, &e) == 0) {
			*node = (int)nd;
			return u;
		}
	}
	*node = -1;
	return 0;
}

static const char *heat(double u)
{
	return u >= EXPLAIN_SATURATED ? "#f08080" : u >= 0.7 ? "#f8d49a" : u >= 0.3 ? "#fff3b0" : "#e8f4e8";
}

static int is_guest_vcpu(const char *kind)
{
	return strcmp(kind, "vcpu") == 0 || strcmp(kind, "emt") == 0;
}

/* One class of resources of a point: name, how many, mean and max
** utilisation, and how much of it the guests use (s/s). */
struct xclass {
	char name[96];
	int n;
	double sum, max;
	char busiest[96];
};

static void class_add(struct xclass *c, const char *name, double u)
{
	if (c->n == 0 || u > c->max) {
		c->max = u;
		snprintf(c->busiest, sizeof c->busiest, "%s", name);
	}
	c->sum += u;
	c->n++;
}

/* The guests of a point, summed: VCPU run and ready time per measured
** second, VMs and VCPUs. */
static void guests_sum(const struct xpoint *p, double *grun, double *grdy, int *nvm, int *nvcpu)
{
	const struct table *v = &p->tab->vms;
	struct xerr e = { (char[256]){ 0 }, 256 };
	int vk = x_col(v, "kind", &e), vr = x_col(v, "run_s", &e), vy = x_col(v, "ready_s", &e), vc = x_col(v, "vcpus", &e);
	for (int r = 0; vk >= 0 && vr >= 0 && vy >= 0 && r < v->nrow; r++) {
		if (strcmp(x_cell(v, r, vk), "guest") != 0)
			continue;
		double run = 0, rdy = 0, vv = 0;
		x_num(v, r, vr, 0, &run, &e);
		x_num(v, r, vy, 0, &rdy, &e);
		if (vc >= 0)
			x_num(v, r, vc, 0, &vv, &e);
		*grun += run / p->measured;
		*grdy += rdy / p->measured;
		(*nvm)++;
		*nvcpu += (int)vv;
	}
}

/* The guests' mean page-cache hit share (specweb.csv), -1 without one. */
static double cache_hit(const struct xpoint *p)
{
	if (!p->tab->have_web)
		return -1;
	struct xerr e = { (char[256]){ 0 }, 256 };
	int ch = x_col(&p->tab->web, "cache_hit", &e);
	double s = 0;
	int nrow = 0;
	for (int r = 0; ch >= 0 && r < p->tab->web.nrow; r++) {
		double h;
		if (x_num(&p->tab->web, r, ch, 0, &h, &e) == 0) {
			s += h;
			nrow++;
		}
	}
	return nrow ? s / nrow : -1;
}

/* The bottleneck diagram's nodes and edges into f; the saturated classes'
** names appended to sat. */
static void bottleneck_body(const struct xpoint *p, const struct xplace *cpl, FILE *f, char *sat, size_t *sl,
			    size_t satcap);

/* Long: the diagram's Graphviz text written top to bottom, in the order
** dot reads it.  One node for the guests, one per class of resources
** (the pCPUs of each NUMA node, Dom0, the QEMU I/O threads or emulation
** threads, the NICs, the disk with the page caches), in that order in
** one column; every number inside a node, no edge labels. */
char *explain_bottleneck_dot(const struct explain *x, int k)
{
	const struct xcurve *c = &x->curve[k];
	const struct xpoint *p = &c->pt[x_shown(c)];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	struct xplace pl;
	int ok = p->have_run && place_build(p, &pl) == 0;
	/* the nodes first (into g), the saturated ones named in the title */
	char *body = NULL, sat[512] = "";
	size_t blen = 0, sl = 0;
	FILE *g = open_memstream(&body, &blen);
	if (!g) {
		fclose(f);
		free(buf);
		if (ok)
			place_free(&pl);
		return NULL;
	}
	if (!ok)
		fprintf(g, "  none [label=\"no run outputs at this point\"];\n");
	else
		bottleneck_body(p, &pl, g, sat, &sl, sizeof sat);
	fclose(g);
	fprintf(f, "digraph bottleneck {\n  graph [rankdir=LR, nodesep=0.25, ranksep=1.2, fontname=Helvetica, "
		   "labelloc=t, label=");
	char title[2048];
	snprintf(title, sizeof title, "%s, curve %d (%s): %g VMs%s\nsaturated (95%% busy or more): %s", x->scenario,
		 k + 1, c->label, p->n, x_shown(c) == c->plateau ? " (plateau)" : "", sl ? sat : "none");
	dq(f, title);
	fprintf(f, "];\n  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=Helvetica, width=3.2];\n"
		   "  edge [arrowsize=0.7];\n%s}\n", body ? body : "");
	free(body);
	if (ok)
		place_free(&pl);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Append name to the list of saturated classes sat. */
static void sat_add(char *sat, size_t *sl, size_t cap, const char *name)
{
	if (*sl < cap)
		*sl += (size_t)snprintf(sat + *sl, cap - *sl, "%s%s", *sl ? ", " : "", name);
}

/* The bottleneck diagram's nodes and edges into f; the saturated classes'
** names appended to sat. */
static void bottleneck_body(const struct xpoint *p, const struct xplace *cpl, FILE *f, char *sat, size_t *sl,
			    size_t satcap)
{
	const struct xplace pl = *cpl;
	int N = p->nodes, C = p->pcpus;
	double m = p->measured;
	double grun = 0, grdy = 0;
	int nvm = 0, nvcpu = 0;
	guests_sum(p, &grun, &grdy, &nvm, &nvcpu);
	fprintf(f, "  guests [label=\"%d guest VM%s, %d VCPUs on %d pCPUs\\nrun %.2f VCPU-s/s\\nready (waiting for a pCPU) "
		   "%.2f VCPU-s/s\", width=3.6, fillcolor=\"#f0f0f0\", ordering=out];\n",
		nvm, nvm == 1 ? "" : "s", nvcpu, C, grun, grdy);
	/* the pCPUs of each node, with the guests' VCPU run there */
	for (int b = 0; b < N; b++) {
		double u = 0, gs = 0, es = 0;
		int n = 0;
		for (int cpu = 0; cpu < C; cpu++) {
			int nd;
			double uu = pcpu_util(p, cpu, &nd);
			if (nd == b) {
				u += uu;
				n++;
			}
		}
		u = n ? u / n : 0;
		for (int i = 0; i < pl.nent; i++)
			*(is_guest_vcpu(pl.kind[i]) ? &gs : &es) += pl.node[(size_t)i * (size_t)N + (size_t)b] / m;
		int hot = u >= EXPLAIN_SATURATED;
		if (hot) {
			char nm[48];
			snprintf(nm, sizeof nm, "pCPUs of node %d", b);
			sat_add(sat, sl, satcap, nm);
		}
		fprintf(f, "  cpus_n%d [label=\"pCPUs of node %d (%d)%s\\n%.1f%% busy\\nguest VCPUs %.2f s/s, emulation %.2f "
			   "s/s\", fillcolor=\"%s\"%s];\n",
			b, b, n, hot ? ": SATURATED" : "", 100 * u, gs, es, heat(u), hot ? ", penwidth=3, color=red" : "");
		fprintf(f, "  guests -> cpus_n%d [penwidth=%.2f];\n", b, 0.5 + 3 * gs / (n ? n : 1));
	}
	/* the other classes */
	struct xclass dom0 = { "Dom0 VCPUs", 0, 0, 0, "" }, io = { "QEMU I/O threads", 0, 0, 0, "" },
		      emu = { "emulation threads", 0, 0, 0, "" }, nic = { "NICs", 0, 0, 0, "" }, disk = { "disk", 0, 0, 0, "" };
	for (int i = 0; i < p->nres; i++) {
		const struct xres *r = &p->res[i];
		struct xclass *cl = strcmp(r->kind, "dom0") == 0	 ? &dom0
				    : strcmp(r->kind, "qemu-io") == 0	 ? &io
				    : strcmp(r->kind, "emulation") == 0 ? &emu
				    : strcmp(r->kind, "nic") == 0	 ? &nic
				    : strcmp(r->kind, "disk") == 0	 ? &disk
									 : NULL;
		if (cl)
			class_add(cl, r->name, r->util);
	}
	double hit = cache_hit(p);
	struct xclass *cls[] = { &dom0, &io, &emu, &nic, &disk };
	for (int i = 0; i < 5; i++) {
		struct xclass *cl = cls[i];
		if (!cl->n)
			continue;
		int hot = cl->max >= EXPLAIN_SATURATED;
		char lab[800], more[160] = "";
		/* lines end in \n, quoted by dq with the names' quotes */
		if (cl == &disk && hit >= 0)
			snprintf(more, sizeof more, "\npage caches hit %.1f%%", 100 * hit);
		if (cl->n > 1)
			snprintf(lab, sizeof lab, "%s (%d)%s\nmean %.1f%% busy, busiest %.1f%%\n(%s)%s", cl->name, cl->n,
				 hot ? ": SATURATED" : "", 100 * cl->sum / cl->n, 100 * cl->max, cl->busiest, more);
		else
			snprintf(lab, sizeof lab, "%s%s\n%.1f%% busy%s", cl->busiest, hot ? ": SATURATED" : "", 100 * cl->max,
				 more);
		fprintf(f, "  class%d [label=", i);
		dq(f, lab);
		fprintf(f, ", fillcolor=\"%s\"%s];\n", heat(cl->max), hot ? ", penwidth=3, color=red" : "");
		fprintf(f, "  guests -> class%d [penwidth=%.2f, style=%s];\n", i, 0.5 + 3 * cl->max,
			cl == &disk || cl == &nic ? "solid" : "dashed");
		if (hot)
			sat_add(sat, sl, satcap, cl->n > 1 ? cl->busiest : cl->name);
	}
}

/* Long: the grid written row by row.  One HTML table: a row per pCPU,
** grouped by NUMA node, a column per guest VM (its VCPUs and its own
** emulation thread), Dom0 and idle; each cell the share of the pCPU's
** measured time that the VM ran there, shaded by it; a last row with
** each VM's memory node.  Without placement.csv the rows are the nodes. */
char *explain_placement_dot(const struct explain *x, int k)
{
	const struct xcurve *c = &x->curve[k];
	const struct xpoint *p = &c->pt[x_shown(c)];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	struct xplace pl;
	int ok = p->have_run && place_build(p, &pl) == 0;
	int exact = ok && p->tab->have_place;
	fprintf(f, "digraph placement {\n  graph [fontname=Helvetica, labelloc=t, label=");
	char title[1024];
	snprintf(title, sizeof title, "%s, curve %d (%s): %g VMs%s\nshare of each %s's time each VM ran there (%s)",
		 x->scenario, k + 1, c->label, p->n, x_shown(c) == c->plateau ? " (plateau)" : "", exact ? "pCPU" : "node",
		 exact ? "placement.csv" : "entities.csv: by node only");
	dq(f, title);
	fprintf(f, "];\n  node [shape=plaintext, fontname=Helvetica];\n");
	if (!ok) {
		fprintf(f, "  none [label=\"no run outputs at this point\"];\n}\n");
		fclose(f);
		if (p->have_run)
			place_free(&pl);
		return buf;
	}
	int N = p->nodes, C = p->pcpus;
	double m = p->measured;
	/* columns: the VMs in entities.csv order (Dom0 among them) */
	const char *col[256];
	int ncol = 0, colmem[256];
	for (int i = 0; i < pl.nent && ncol < 256; i++) {
		int seen = 0;
		for (int j = 0; j < ncol; j++)
			seen |= strcmp(col[j], pl.vm[i]) == 0;
		if (!seen) {
			colmem[ncol] = pl.mem[i];
			col[ncol++] = pl.vm[i];
		}
	}
	fprintf(f, "  grid [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n"
		   "    <tr><td><b>node</b></td><td><b>%s</b></td>", exact ? "pCPU" : "pCPUs");
	for (int j = 0; j < ncol; j++) {
		fputs("<td><b>", f);
		html(f, col[j]);
		fputs("</b></td>", f);
	}
	fprintf(f, "<td><b>idle</b></td></tr>\n");
	int rows = exact ? C : N;
	for (int row = 0; row < rows; row++) {
		int b = row, cpu = -1;
		double cap = m;
		if (exact) {
			cpu = row;
			pcpu_util(p, cpu, &b);
		} else {
			int n = 0;
			for (int q = 0; q < C; q++) {
				int nd;
				pcpu_util(p, q, &nd);
				n += nd == b;
			}
			cap = m * (n ? n : 1);
		}
		fprintf(f, "    <tr><td>%d</td><td>%s", b, exact ? "" : "all");
		if (exact)
			fprintf(f, "%d", cpu);
		fprintf(f, "</td>");
		double used = 0;
		for (int j = 0; j < ncol; j++) {
			double s = 0;
			for (int i = 0; i < pl.nent; i++)
				if (strcmp(pl.vm[i], col[j]) == 0)
					s += exact ? pl.cpu[(size_t)i * (size_t)C + (size_t)cpu] : pl.node[(size_t)i * (size_t)N + (size_t)b];
			double sh = cap > 0 ? s / cap : 0;
			used += sh;
			/* white to dark blue by share; the text turns white on dark cells */
			int g = (int)lround(255 * (1 - fmin(1, sh) * 0.8));
			fprintf(f, "<td bgcolor=\"#%02x%02xff\">", g, g);
			if (sh >= 0.6)
				fprintf(f, "<font color=\"white\">%.0f%%</font>", 100 * sh);
			else if (sh >= 0.005)
				fprintf(f, "%.0f%%", 100 * sh);
			fprintf(f, "</td>");
		}
		double idle = fmax(0, 1 - used);
		fprintf(f, "<td>%.0f%%</td></tr>\n", 100 * idle);
	}
	fprintf(f, "    <tr><td colspan=\"2\"><b>memory</b></td>");
	for (int j = 0; j < ncol; j++) {
		if (colmem[j] >= 0)
			fprintf(f, "<td>node %d</td>", colmem[j]);
		else
			fprintf(f, "<td>interleaved</td>");
	}
	fprintf(f, "<td></td></tr>\n  </table>>];\n}\n");
	place_free(&pl);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
