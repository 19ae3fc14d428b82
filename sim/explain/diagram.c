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

/* Long: the diagram's Graphviz text written top to bottom, in the order
** dot reads it. */
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
	const char *sat = p->have_run && p->nres && p->res[0].util >= EXPLAIN_SATURATED ? p->res[0].name : NULL;
	fprintf(f, "digraph bottleneck {\n  graph [rankdir=LR, fontname=Helvetica, labelloc=t, label=");
	char title[1024];
	snprintf(title, sizeof title, "%s, curve %d (%s): %g VMs%s; saturated: %s", x->scenario, k + 1, c->label, p->n,
		 x_shown(c) == c->plateau ? " (plateau)" : "", sat ? sat : "none");
	dq(f, title);
	fprintf(f, "];\n  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=Helvetica];\n"
		   "  edge [fontname=Helvetica, fontsize=10];\n");
	if (!ok) {
		fprintf(f, "  none [label=\"no run outputs at this point\"];\n}\n");
		fclose(f);
		if (p->have_run)
			place_free(&pl);
		return buf;
	}
	int N = p->nodes, C = p->pcpus;
	double m = p->measured;
	/* resources: pCPUs per node, emulation, devices, memory */
	fprintf(f, "  subgraph cluster_res {\n    label=\"resources (utilisation)\"; style=dashed;\n");
	double *nu = calloc((size_t)N, sizeof *nu);
	int *ncpu = calloc((size_t)N, sizeof *ncpu);
	for (int cpu = 0; nu && ncpu && cpu < C; cpu++) {
		int nd;
		double u = pcpu_util(p, cpu, &nd);
		if (nd >= 0 && nd < N) {
			nu[nd] += u;
			ncpu[nd]++;
		}
	}
	for (int b = 0; nu && ncpu && b < N; b++) {
		double u = ncpu[b] ? nu[b] / ncpu[b] : 0;
		fprintf(f, "    cpus_n%d [label=\"pCPUs of node %d (%d)\\n%.1f%% busy\", fillcolor=\"%s\"%s];\n", b, b,
			ncpu[b], 100 * u, heat(u), sat && strcmp(sat, "pCPUs") == 0 && u >= EXPLAIN_SATURATED
							     ? ", penwidth=3, color=red, xlabel=\"saturated\""
							     : "");
	}
	for (int i = 0; i < p->nres; i++) {
		const struct xres *r = &p->res[i];
		if (strcmp(r->kind, "pcpus") == 0 || strcmp(r->kind, "emt") == 0)
			continue;
		fprintf(f, "    ");
		char id[128];
		snprintf(id, sizeof id, "res_%d", i);
		dq(f, id);
		char lab[256];
		snprintf(lab, sizeof lab, "%s\n%.1f%% busy", r->name, 100 * r->util);
		fprintf(f, " [label=");
		dq(f, lab);
		fprintf(f, ", fillcolor=\"%s\"%s];\n", heat(r->util),
			i == 0 && sat ? ", penwidth=3, color=red, xlabel=\"saturated\"" : "");
	}
	double hit = -1;
	if (p->tab->have_web) {
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
		if (nrow)
			hit = s / nrow;
	}
	if (hit >= 0)
		fprintf(f, "    memory [label=\"guest page caches\\nhit ratio %.1f%%\", shape=cylinder, fillcolor=\"%s\"];\n",
			100 * hit, heat(1 - hit));
	fprintf(f, "  }\n  subgraph cluster_vms {\n    label=\"guest VMs (demand)\"; style=dashed;\n");
	/* per VM: its VCPUs' run by node, ready; emulation threads' run */
	const struct table *v = &p->tab->vms;
	struct xerr e = { (char[256]){ 0 }, 256 };
	int vn = x_col(v, "vm", &e), vk = x_col(v, "kind", &e), vr = x_col(v, "run_s", &e), vy = x_col(v, "ready_s", &e),
	    vnic = x_col(v, "nic", &e), vst = x_col(v, "steal_pct", &e);
	for (int r = 0; vn >= 0 && vk >= 0 && vr >= 0 && vy >= 0 && vst >= 0 && r < v->nrow; r++) {
		if (strcmp(x_cell(v, r, vk), "guest") != 0)
			continue;
		const char *name = x_cell(v, r, vn);
		double run = 0, rdy = 0, st = 0;
		x_num(v, r, vr, 0, &run, &e);
		x_num(v, r, vy, 0, &rdy, &e);
		x_num(v, r, vst, 0, &st, &e);
		char id[128], lab[256];
		snprintf(id, sizeof id, "vm_%s", name);
		snprintf(lab, sizeof lab, "%s\nrun %.2f + ready %.2f VCPU-s/s\nsteal %.1f%%", name, run / m, rdy / m, st);
		fprintf(f, "    ");
		dq(f, id);
		fprintf(f, " [label=");
		dq(f, lab);
		fprintf(f, "];\n");
	}
	fprintf(f, "  }\n");
	for (int r = 0; vn >= 0 && vk >= 0 && r < v->nrow; r++) {
		if (strcmp(x_cell(v, r, vk), "guest") != 0)
			continue;
		const char *name = x_cell(v, r, vn);
		char id[128];
		snprintf(id, sizeof id, "vm_%s", name);
		/* CPU: run time by node of its VCPUs */
		for (int b = 0; b < N; b++) {
			double s = 0, w = 0;
			for (int i = 0; i < pl.nent; i++)
				if (strcmp(pl.vm[i], name) == 0 && is_guest_vcpu(pl.kind[i])) {
					s += pl.node[(size_t)i * (size_t)N + (size_t)b];
					w += pl.ready[i] * (pl.run[i] > 0 ? pl.node[(size_t)i * (size_t)N + (size_t)b] / pl.run[i] : 0);
				}
			if (s / m < 0.005)
				continue;
			fprintf(f, "  ");
			dq(f, id);
			fprintf(f, " -> cpus_n%d [label=\"%.2f s/s\", penwidth=%.2f%s];\n", b, s / m, 0.5 + 2 * s / m,
				w > s ? ", color=red" : "");
		}
		/* emulation: its own thread (KVM), or Dom0 (Xen) */
		for (int i = 0; i < p->nres; i++) {
			const struct xres *rr = &p->res[i];
			int mine = (strcmp(rr->kind, "qemu-io") == 0 || strcmp(rr->kind, "emulation") == 0) &&
				   strstr(rr->name, name) && strstr(rr->name, name)[strlen(name)] == '/';
			if (mine || strcmp(rr->kind, "dom0") == 0) {
				fprintf(f, "  ");
				dq(f, id);
				fprintf(f, " -> res_%d [style=dashed, label=\"emulation\"];\n", i);
			}
		}
		/* its NIC, and the disk through its page-cache misses */
		double nic = -1;
		if (vnic >= 0)
			x_num(v, r, vnic, 0, &nic, &e);
		for (int i = 0; i < p->nres; i++) {
			const struct xres *rr = &p->res[i];
			if (strcmp(rr->kind, "nic") == 0) {
				/* NICs in devices.csv order: eth<nic> */
				char want[32];
				snprintf(want, sizeof want, "NIC eth%d", (int)nic);
				if (nic >= 0 && strcmp(rr->name, want) != 0)
					continue;
				fprintf(f, "  ");
				dq(f, id);
				fprintf(f, " -> res_%d [color=blue, label=\"network\"];\n", i);
			}
		}
		if (hit >= 0) {
			fprintf(f, "  ");
			dq(f, id);
			fprintf(f, " -> memory [color=gray];\n");
		}
	}
	if (hit >= 0)
		for (int i = 0; i < p->nres; i++)
			if (strcmp(p->res[i].kind, "disk") == 0)
				fprintf(f, "  memory -> res_%d [color=gray, label=\"misses\"];\n", i);
	/* emulation threads run on pCPUs too */
	for (int i = 0; i < p->nres; i++)
		if (strcmp(p->res[i].kind, "dom0") == 0 || strcmp(p->res[i].kind, "qemu-io") == 0 ||
		    strcmp(p->res[i].kind, "emulation") == 0)
			for (int b = 0; b < N; b++) {
				double s = 0;
				for (int j = 0; j < pl.nent; j++)
					if (!is_guest_vcpu(pl.kind[j]) && strstr(p->res[i].name, pl.name[j]) &&
					    strcmp(p->res[i].kind, "dom0") != 0)
						s += pl.node[(size_t)j * (size_t)N + (size_t)b];
					else if (strcmp(p->res[i].kind, "dom0") == 0 && strcmp(pl.kind[j], "dom0") == 0)
						s += pl.node[(size_t)j * (size_t)N + (size_t)b];
				if (s / m >= 0.005)
					fprintf(f, "  res_%d -> cpus_n%d [style=dotted, label=\"%.3f s/s\"];\n", i, b, s / m);
			}
	fprintf(f, "}\n");
	free(nu);
	free(ncpu);
	place_free(&pl);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Long: the diagram's Graphviz text written top to bottom, in the order
** dot reads it. */
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
	fprintf(f, "digraph placement {\n  graph [rankdir=LR, compound=true, fontname=Helvetica, labelloc=t, label=");
	char title[1024];
	snprintf(title, sizeof title, "%s, curve %d (%s): %g VMs%s; VCPU -> pCPU edges by share of run time (%s)",
		 x->scenario, k + 1, c->label, p->n, x_shown(c) == c->plateau ? " (plateau)" : "",
		 p->have_run && p->tab->have_place ? "placement.csv" : "entities.csv: dashed = migrated, node share only");
	dq(f, title);
	fprintf(f, "];\n  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=Helvetica];\n"
		   "  edge [fontname=Helvetica, fontsize=9];\n");
	if (!ok) {
		fprintf(f, "  none [label=\"no run outputs at this point\"];\n}\n");
		fclose(f);
		if (p->have_run)
			place_free(&pl);
		return buf;
	}
	int N = p->nodes, C = p->pcpus;
	for (int b = 0; b < N; b++) {
		fprintf(f, "  subgraph cluster_node%d {\n    label=\"NUMA node %d\"; style=rounded; bgcolor=\"#f4f4fb\";\n", b, b);
		fprintf(f, "    mem%d [label=\"memory\", shape=cylinder, fillcolor=\"#dde6f5\"];\n", b);
		for (int cpu = 0; cpu < C; cpu++) {
			int nd;
			double u = pcpu_util(p, cpu, &nd);
			if (nd == b)
				fprintf(f, "    cpu%d [label=\"pCPU %d\\n%.0f%% busy\", fillcolor=\"%s\"];\n", cpu, cpu, 100 * u,
					heat(u));
		}
		fprintf(f, "  }\n");
	}
	/* VMs as clusters of their threads */
	for (int i = 0; i < pl.nent; i++) {
		int first = 1;
		for (int j = 0; j < i; j++)
			first &= strcmp(pl.vm[j], pl.vm[i]) != 0;
		if (!first)
			continue;
		fprintf(f, "  subgraph ");
		char id[160];
		snprintf(id, sizeof id, "cluster_vm_%s", pl.vm[i]);
		dq(f, id);
		char lab[200];
		snprintf(lab, sizeof lab, "%s%s", pl.vm[i], pl.mem[i] >= 0 ? "" : " (memory interleaved)");
		fprintf(f, " {\n    label=");
		dq(f, lab);
		fprintf(f, "; style=rounded;\n");
		for (int j = i; j < pl.nent; j++) {
			if (strcmp(pl.vm[j], pl.vm[i]) != 0)
				continue;
			char l2[256];
			snprintf(l2, sizeof l2, "%s (%s)\nrun %.1f s, ready %.1f s%s", pl.name[j], pl.kind[j], pl.run[j],
				 pl.ready[j], pl.exact[j] ? "" : "\nmigrated: per pCPU not recorded");
			fprintf(f, "    ");
			dq(f, pl.name[j]);
			fprintf(f, " [label=");
			dq(f, l2);
			fprintf(f, "%s];\n", is_guest_vcpu(pl.kind[j]) ? "" : ", fillcolor=\"#eeeeee\"");
		}
		fprintf(f, "  }\n");
		if (pl.mem[i] >= 0) {
			fprintf(f, "  ");
			dq(f, pl.name[i]);
			fprintf(f, " -> mem%d [ltail=", pl.mem[i]);
			dq(f, id);
			fprintf(f, ", style=dashed, color=\"#4060a0\", label=\"memory home\"];\n");
		}
	}
	for (int i = 0; i < pl.nent; i++) {
		if (pl.run[i] <= 0)
			continue;
		if (pl.exact[i]) {
			double tot = 0;
			for (int cpu = 0; cpu < C; cpu++)
				tot += pl.cpu[(size_t)i * (size_t)C + (size_t)cpu];
			for (int cpu = 0; cpu < C; cpu++) {
				double s = tot > 0 ? pl.cpu[(size_t)i * (size_t)C + (size_t)cpu] / tot : 0;
				if (s < 0.01)
					continue;
				fprintf(f, "  ");
				dq(f, pl.name[i]);
				fprintf(f, " -> cpu%d [label=\"%.0f%%\", penwidth=%.2f];\n", cpu, 100 * s, 0.5 + 4 * s);
			}
		} else {
			for (int b = 0; b < N; b++) {
				double s = pl.node[(size_t)i * (size_t)N + (size_t)b] / pl.run[i];
				if (s < 0.01)
					continue;
				fprintf(f, "  ");
				dq(f, pl.name[i]);
				/* to the node: its memory's place in the cluster */
				fprintf(f, " -> mem%d [lhead=cluster_node%d, style=dashed, label=\"%.0f%% on node %d\", penwidth=%.2f];\n",
					b, b, 100 * s, b, 0.5 + 4 * s);
			}
			if (pl.last[i] >= 0) {
				fprintf(f, "  ");
				dq(f, pl.name[i]);
				fprintf(f, " -> cpu%d [style=dotted, label=\"last (%d migrations)\"];\n", pl.last[i], pl.mig[i]);
			}
		}
	}
	fprintf(f, "}\n");
	place_free(&pl);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
