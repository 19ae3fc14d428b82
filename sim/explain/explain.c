/*
** `hvsim explain DIR` (see explain.h and docs/explain.md): the plateau of
** each curve of a sweep, the per-VM loss at each VM count split over its
** measured causes, the saturated resource, and two Graphviz diagrams.
**
** Everything comes from the files the sweep wrote: sweep.settings (mode
** and varied keys), sweep.csv (one row a point) and points/NNN/ (vms.csv,
** entities.csv, devices.csv, pcpus.csv, summary.json, specweb.csv and,
** for capacity points, placement.csv of the run at capacity).  Cost:
** one pass over each file; the diagrams are drawn for one point a curve.
*/
#include "sim/explain/explain.h"
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

extern char **environ;

static const char *const cause_name[XC_N] = {
	[XC_READY] = "ready-wait (VCPU overcommit)",
	[XC_SWITCH] = "world switch and cache refill",
	[XC_SPIN] = "lock-holder spin",
	[XC_REMOTE] = "remote NUMA memory stall",
	[XC_EMU] = "device emulation (Dom0 / I/O threads)",
	[XC_NIC] = "NIC queueing",
	[XC_DISK] = "disk queueing",
	[XC_MEMORY] = "memory (page-cache misses to disk)",
};

const char *explain_cause_name(int c)
{
	return c >= 0 && c < XC_N ? cause_name[c] : "unattributed";
}

/* ---------------------------------------------------------- errors --- */

struct xerr {
	char *buf;
	size_t len;
};

static int fail(struct xerr *e, const char *fmt, ...)
{
	if (e->buf[0])
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->buf, e->len, fmt, ap);
	va_end(ap);
	return -1;
}

static char *path_of(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static char *slurp(const char *path, struct xerr *e)
{
	char *buf = out_slurp(path, NULL);
	if (!buf) {
		if (errno == ENOMEM)
			fail(e, "%s: out of memory", path);
		else if (errno == EIO || errno == EISDIR)
			fail(e, "%s: cannot read: %s", path, strerror(errno));
		else
			fail(e, "%s: expected a file of an hvsim sweep directory: %s", path, strerror(errno));
	}
	return buf;
}

/* ------------------------------------------------------ CSV tables --- */

#define MAXCOL 64

struct table {
	char *path;
	char *buf;
	int ncol;
	char *head[MAXCOL];
	int nrow;
	char **cell;                  /* nrow x ncol */
	int *line;                    /* file line of each row */
};

static void table_free(struct table *t)
{
	free(t->path);
	free(t->buf);
	free(t->cell);
	free(t->line);
	memset(t, 0, sizeof *t);
}

/* Read a CSV with a header; every row as wide as the header.  A missing
** file is an error unless optional (then 1). */
static int table_load(struct table *t, const char *dir, const char *name, int optional, struct xerr *e)
{
	memset(t, 0, sizeof *t);
	t->path = path_of(dir, name);
	if (!t->path)
		return fail(e, "out of memory");
	if (optional && access(t->path, F_OK) != 0)
		return 1;
	t->buf = slurp(t->path, e);
	if (!t->buf)
		return -1;
	int cap = 0, lineno = 0;
	char *p = t->buf;
	while (*p) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		lineno++;
		size_t l = strlen(p);
		if (l && p[l - 1] == '\r')
			p[l - 1] = 0;
		char *f[MAXCOL];
		const char *why = NULL;
		int n = trace_csv_split(p, f, MAXCOL, &why);
		if (n < 0)
			return fail(e, "%s:%d: %s", t->path, lineno, why);
		if (n > MAXCOL)
			return fail(e, "%s:%d: expected at most %d columns, got %d", t->path, lineno, MAXCOL, n);
		if (lineno == 1) {
			t->ncol = n;
			memcpy(t->head, f, (size_t)n * sizeof *f);
		} else if (n == 1 && f[0][0] == 0) {
			/* an empty line: a trailing one is allowed */
		} else if (n != t->ncol) {
			return fail(e, "%s:%d: expected %d fields as in the header, got %d", t->path, lineno, t->ncol, n);
		} else {
			if (t->nrow == cap) {
				cap = cap ? 2 * cap : 16;
				char **nc = realloc(t->cell, (size_t)cap * (size_t)t->ncol * sizeof *nc);
				int *nl2 = realloc(t->line, (size_t)cap * sizeof *nl2);
				if (nc)
					t->cell = nc;
				if (nl2)
					t->line = nl2;
				if (!nc || !nl2)
					return fail(e, "out of memory");
			}
			memcpy(t->cell + (size_t)t->nrow * (size_t)t->ncol, f, (size_t)n * sizeof *f);
			t->line[t->nrow++] = lineno;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (lineno == 0)
		return fail(e, "%s:1: expected a CSV header, got an empty file", t->path);
	return 0;
}

static int col(const struct table *t, const char *name, struct xerr *e)
{
	for (int i = 0; i < t->ncol; i++)
		if (strcmp(t->head[i], name) == 0)
			return i;
	return fail(e, "%s:1: expected a column '%s' in the header (a sweep of an older hvsim? run it again)",
		    t->path, name);
}

static const char *cell(const struct table *t, int r, int c)
{
	return t->cell[(size_t)r * (size_t)t->ncol + (size_t)c];
}

static int num_of(const char *s, double *x)
{
	char *end;
	if (!*s)
		return -1;
	errno = 0;
	*x = strtod(s, &end);
	return *end || errno || !isfinite(*x) ? -1 : 0;
}

/* The number in row r, column c; empty is an error unless empty_ok (0). */
static int num(const struct table *t, int r, int c, int empty_ok, double *x, struct xerr *e)
{
	const char *s = cell(t, r, c);
	if (!*s && empty_ok) {
		*x = 0;
		return 0;
	}
	if (num_of(s, x))
		return fail(e, "%s:%d: expected a number in column '%s', got '%s'", t->path, t->line[r], t->head[c], s);
	return 0;
}

/* ------------------------------------------------- a point's files --- */

/* What explain keeps of a point's run. */
struct xtab {
	struct table vms, ent, dev, pcpu, web, place;
	int have_web, have_place;
	char hypervisor[64], policy[32];
};

static void xtab_free(struct xtab *t)
{
	if (!t)
		return;
	table_free(&t->vms);
	table_free(&t->ent);
	table_free(&t->dev);
	table_free(&t->pcpu);
	table_free(&t->web);
	table_free(&t->place);
	free(t);
}

/* The value of "key": in summary.json (hvsim writes one key per line or
** a flat object on one line; these keys are top-level and unique). */
static int json_num(const char *path, const char *js, const char *key, double *x, struct xerr *e)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\": ", key);
	const char *p = strstr(js, pat);
	if (!p)
		return fail(e, "%s:1: expected a key \"%s\"", path, key);
	char *end;
	*x = strtod(p + strlen(pat), &end);
	if (end == p + strlen(pat)) {
		int line = 1;
		for (const char *q = js; q < p; q++)
			line += *q == '\n';
		return fail(e, "%s:%d: expected a number for \"%s\"", path, line, key);
	}
	return 0;
}

static void json_str(const char *js, const char *key, char *out, size_t len)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\": \"", key);
	const char *p = strstr(js, pat);
	out[0] = 0;
	if (!p)
		return;
	p += strlen(pat);
	size_t n = 0;
	while (p[n] && p[n] != '"' && n + 1 < len)
		n++;
	memcpy(out, p, n);
	out[n] = 0;
}

static int is_emu(const char *kind)
{
	return strcmp(kind, "qemu-io") == 0 || strcmp(kind, "dom0") == 0 || strcmp(kind, "emulation") == 0;
}

static int add_res(struct xpoint *p, const char *name, const char *kind, double util, struct xerr *e)
{
	struct xres *nr = realloc(p->res, (size_t)(p->nres + 1) * sizeof *nr);
	if (!nr)
		return fail(e, "out of memory");
	p->res = nr;
	struct xres *r = &p->res[p->nres++];
	snprintf(r->name, sizeof r->name, "%s", name);
	snprintf(r->kind, sizeof r->kind, "%s", kind);
	r->util = util;
	return 0;
}

static int res_cmp(const void *a, const void *b)
{
	const struct xres *x = a, *y = b;
	return x->util < y->util ? 1 : x->util > y->util ? -1 : 0;
}

/* Read the run outputs in pdir into p: the causes and the resources. */
static int load_run(struct xpoint *p, const char *pdir, struct xerr *e)
{
	struct xtab *t = calloc(1, sizeof *t);
	if (!t)
		return fail(e, "out of memory");
	p->tab = t;
	char *sp = path_of(pdir, "summary.json");
	char *js = sp ? slurp(sp, e) : NULL;
	double pc = 0, nn = 0;
	int rc = js && json_num(sp, js, "pcpus_total", &pc, e) == 0 && json_num(sp, js, "nodes", &nn, e) == 0 &&
			 json_num(sp, js, "measured_s", &p->measured, e) == 0
		 ? 0
		 : -1;
	if (rc == 0) {
		json_str(js, "hypervisor", t->hypervisor, sizeof t->hypervisor);
		json_str(js, "policy", t->policy, sizeof t->policy);
		p->pcpus = (int)pc;
		p->nodes = (int)nn;
		if (p->pcpus < 1 || p->nodes < 1 || p->measured <= 0)
			rc = fail(e, "%s:1: expected pcpus_total, nodes and measured_s above 0", sp);
	}
	free(js);
	free(sp);
	if (rc || table_load(&t->vms, pdir, "vms.csv", 0, e) || table_load(&t->ent, pdir, "entities.csv", 0, e) ||
	    table_load(&t->dev, pdir, "devices.csv", 0, e) || table_load(&t->pcpu, pdir, "pcpus.csv", 0, e))
		return -1;
	int w = table_load(&t->web, pdir, "specweb.csv", 1, e);
	int pl = table_load(&t->place, pdir, "placement.csv", 1, e);
	if (w < 0 || pl < 0)
		return -1;
	t->have_web = w == 0;
	t->have_place = pl == 0;

	double m = p->measured;
	/* guests: ready, overhead, spin, remote stall */
	const struct table *v = &t->vms;
	int ck = col(v, "kind", e), cr = col(v, "ready_s", e), co = col(v, "overhead_s", e), cs = col(v, "spin_s", e),
	    cm = col(v, "remote_stall_s", e);
	if (ck < 0 || cr < 0 || co < 0 || cs < 0 || cm < 0)
		return -1;
	int ng = 0;
	for (int r = 0; r < v->nrow; r++) {
		if (strcmp(cell(v, r, ck), "guest") != 0)
			continue;
		double a, b, c, d;
		if (num(v, r, cr, 0, &a, e) || num(v, r, co, 0, &b, e) || num(v, r, cs, 0, &c, e) ||
		    num(v, r, cm, 0, &d, e))
			return -1;
		ng++;
		p->cause[XC_READY] += a / m;
		p->cause[XC_SWITCH] += b / m;
		p->cause[XC_SPIN] += c / m;
		p->cause[XC_REMOTE] += d / m;
	}
	if (ng == 0)
		return fail(e, "%s:1: expected at least one guest VM (kind guest)", v->path);

	/* emulation threads; every entity's demand on the pCPUs */
	const struct table *en = &t->ent;
	int ek = col(en, "kind", e), er = col(en, "run_s", e), ey = col(en, "ready_s", e), ee = col(en, "entity", e);
	if (ek < 0 || er < 0 || ey < 0 || ee < 0)
		return -1;
	double dom0 = 0, demand = 0;
	int ndom0 = 0;
	for (int r = 0; r < en->nrow; r++) {
		double run, rdy;
		if (num(en, r, er, 0, &run, e) || num(en, r, ey, 0, &rdy, e))
			return -1;
		demand += run + rdy;
		const char *k = cell(en, r, ek);
		if (is_emu(k))
			p->cause[XC_EMU] += (run + rdy) / m;
		if (strcmp(k, "dom0") == 0) {
			dom0 += run / m;
			ndom0++;
		} else if (strcmp(k, "qemu-io") == 0 || strcmp(k, "emt") == 0 || strcmp(k, "emulation") == 0) {
			char nm[96];
			snprintf(nm, sizeof nm, "%s %s", strcmp(k, "qemu-io") == 0 ? "QEMU I/O thread"
							 : strcmp(k, "emt") == 0 ? "EMT" : "emulation thread",
				 cell(en, r, ee));
			if (add_res(p, nm, k, run / m, e))
				return -1;
		}
	}
	if (ndom0 && add_res(p, "Dom0", "dom0", dom0 / ndom0, e))
		return -1;
	p->cpu_demand = demand / m / p->pcpus;

	/* pCPUs: overall and per node */
	const struct table *pc2 = &t->pcpu;
	int pn = col(pc2, "node", e), pu = col(pc2, "util", e);
	if (pn < 0 || pu < 0)
		return -1;
	double *nu = calloc((size_t)p->nodes, sizeof *nu);
	int *nc = calloc((size_t)p->nodes, sizeof *nc);
	if (!nu || !nc) {
		free(nu);
		free(nc);
		return fail(e, "out of memory");
	}
	rc = 0;
	for (int r = 0; r < pc2->nrow && rc == 0; r++) {
		double node, u;
		if (num(pc2, r, pn, 0, &node, e) || num(pc2, r, pu, 0, &u, e)) {
			rc = -1;
			break;
		}
		if (node < 0 || node >= p->nodes) {
			rc = fail(e, "%s:%d: expected a node below %d, got %g", pc2->path, pc2->line[r], p->nodes, node);
			break;
		}
		nu[(int)node] += u;
		nc[(int)node]++;
		p->cpu_util += u;
	}
	if (rc == 0 && pc2->nrow)
		p->cpu_util /= pc2->nrow;
	if (rc == 0)
		rc = add_res(p, "pCPUs", "pcpus", p->cpu_util, e);
	free(nu);
	free(nc);
	if (rc)
		return -1;

	/* devices: NIC and disk queues, utilisation */
	const struct table *d = &t->dev;
	int dn = col(d, "device", e), dk = col(d, "kind", e), du = col(d, "utilisation", e),
	    dq = col(d, "mean_queue", e), dr = col(d, "requests_per_s", e);
	if (dn < 0 || dk < 0 || du < 0 || dq < 0 || dr < 0)
		return -1;
	double disk_q = 0, disk_req = 0;
	for (int r = 0; r < d->nrow; r++) {
		double u, q, rq;
		if (num(d, r, du, 0, &u, e) || num(d, r, dq, 0, &q, e) || num(d, r, dr, 0, &rq, e))
			return -1;
		int disk = strcmp(cell(d, r, dk), "disk") == 0;
		if (disk) {
			disk_q += q;
			disk_req += rq;
		} else {
			p->cause[XC_NIC] += q;
		}
		char nm[96];
		snprintf(nm, sizeof nm, "%s %s", disk ? "disk" : "NIC", cell(d, r, dn));
		if (add_res(p, nm, disk ? "disk" : "nic", u, e))
			return -1;
	}
	/* page-cache misses are the disk's reads: their share of its time */
	double misses = 0;
	if (t->have_web) {
		int wm = col(&t->web, "misses_per_s", e);
		if (wm < 0)
			return -1;
		for (int r = 0; r < t->web.nrow; r++) {
			double x;
			if (num(&t->web, r, wm, 0, &x, e))
				return -1;
			misses += x;
		}
	}
	double mf = disk_req > 0 ? (misses < disk_req ? misses / disk_req : 1) : 0;
	p->cause[XC_MEMORY] = disk_q * mf;
	p->cause[XC_DISK] = disk_q * (1 - mf);
	for (int c = 0; c < XC_N; c++)
		p->cause[c] /= ng;
	qsort(p->res, (size_t)p->nres, sizeof *p->res, res_cmp);
	p->have_run = 1;
	return 0;
}

/* ------------------------------------------------------ the sweep --- */

#define MAXVARY 32

struct vary {
	char *key;
	int nval;
	char **val;
	int line;
};

struct settings {
	char *buf;
	int capacity;
	char scenario[256];
	int nvary;
	struct vary vary[MAXVARY];
};

static void settings_free(struct settings *s)
{
	for (int k = 0; k < s->nvary; k++)
		free(s->vary[k].val);
	free(s->buf);
}

static int read_settings(struct settings *s, const char *dir, struct xerr *e)
{
	memset(s, 0, sizeof *s);
	char *path = path_of(dir, "sweep.settings");
	if (!path)
		return fail(e, "out of memory");
	if (access(path, F_OK) != 0) {
		fail(e, "%s: expected the output directory of hvsim sweep (sweep.settings and sweep.csv), got no %s",
		     dir, path);
		free(path);
		return -1;
	}
	s->buf = slurp(path, e);
	int rc = s->buf ? 0 : -1, line = 0, mode = 0;
	for (char *p = s->buf; rc == 0 && p && *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		line++;
		if (line == 1 && strcmp(p, "hvsim sweep") != 0) {
			rc = fail(e, "%s:1: expected 'hvsim sweep', got '%.60s'", path, p);
		} else if (strncmp(p, "scenario ", 9) == 0) {
			snprintf(s->scenario, sizeof s->scenario, "%s", p + 9);
		} else if (strncmp(p, "mode ", 5) == 0) {
			mode = 1;
			if (strcmp(p + 5, "capacity") == 0)
				s->capacity = 1;
			else if (strcmp(p + 5, "run") != 0)
				rc = fail(e, "%s:%d: expected mode run or capacity, got '%s'", path, line, p + 5);
		} else if (strncmp(p, "vary ", 5) == 0) {
			char *colon = strstr(p + 5, ":");
			if (!colon || s->nvary == MAXVARY) {
				rc = fail(e, "%s:%d: expected 'vary KEY: VALUE...'", path, line);
				break;
			}
			/* the key ends at the last ": " (keys hold no spaces) */
			char *sp = strchr(p + 5, ' ');
			while (sp && sp[-1] != ':')
				sp = strchr(sp + 1, ' ');
			colon = sp ? sp - 1 : (p[strlen(p) - 1] == ':' ? p + strlen(p) - 1 : NULL);
			if (!colon) {
				rc = fail(e, "%s:%d: expected 'vary KEY: VALUE...'", path, line);
				break;
			}
			*colon = 0;
			struct vary *v = &s->vary[s->nvary++];
			v->key = p + 5;
			v->line = line;
			char *q = colon + 1;
			v->val = calloc(strlen(q) + 1, sizeof *v->val);
			if (!v->val) {
				rc = fail(e, "out of memory");
				break;
			}
			for (char *tok = strtok(q, " "); tok; tok = strtok(NULL, " "))
				v->val[v->nval++] = tok;
			if (v->nval == 0)
				rc = fail(e, "%s:%d: expected values after '%s:'", path, line, v->key);
		}
		p = nl ? nl + 1 : NULL;
	}
	if (rc == 0 && (!mode || s->nvary == 0))
		rc = fail(e, "%s:%d: expected a 'mode' line and at least one 'vary' line", path, line);
	free(path);
	return rc;
}

/* vm[NAME].count */
static int is_count_key(const char *k)
{
	size_t n = strlen(k);
	return strncmp(k, "vm[", 3) == 0 && n > 10 && strcmp(k + n - 7, "].count") == 0;
}

static int pt_cmp(const void *a, const void *b)
{
	const struct xpoint *x = a, *y = b;
	return x->n < y->n ? -1 : x->n > y->n;
}

/* Plateau, best point, loss attribution of one curve. */
static void analyse(struct xcurve *c, double thr)
{
	qsort(c->pt, (size_t)c->npt, sizeof *c->pt, pt_cmp);
	c->plateau = -1;
	c->best = -1;
	for (int i = 0; i < c->npt; i++) {
		struct xpoint *p = &c->pt[i];
		p->growth = NAN;
		if (i + 1 < c->npt && p->cum > 0 && c->pt[i + 1].n > p->n)
			p->growth = (c->pt[i + 1].cum - p->cum) / p->cum / (c->pt[i + 1].n - p->n);
		if (c->plateau < 0 && isfinite(p->growth) && p->growth < thr)
			c->plateau = i;
		if (p->have_run && (c->best < 0 || p->per_vm > c->pt[c->best].per_vm))
			c->best = i;
	}
	memset(c->total, 0, sizeof c->total);
	for (int i = 0; i < c->npt; i++) {
		struct xpoint *p = &c->pt[i];
		memset(p->attr, 0, sizeof p->attr);
		p->unattributed = 0;
		p->lost = 0;
		if (c->best < 0)
			continue;
		const struct xpoint *b = &c->pt[c->best];
		p->lost = b->per_vm > p->per_vm ? b->per_vm - p->per_vm : 0;
		double grew[XC_N], sum = 0;
		for (int k = 0; k < XC_N; k++) {
			grew[k] = p->have_run && p->cause[k] > b->cause[k] ? p->cause[k] - b->cause[k] : 0;
			sum += grew[k];
		}
		for (int k = 0; k < XC_N; k++)
			p->attr[k] = sum > 0 ? p->lost * grew[k] / sum : 0;
		p->unattributed = sum > 0 ? 0 : p->lost;
		for (int k = 0; k < XC_N; k++)
			c->total[k] += p->attr[k];
		c->total[XC_N] += p->unattributed;
	}
}

void explain_free(struct explain *x)
{
	for (int k = 0; k < x->ncurve; k++) {
		for (int i = 0; i < x->curve[k].npt; i++) {
			xtab_free(x->curve[k].pt[i].tab);
			free(x->curve[k].pt[i].res);
		}
		free(x->curve[k].pt);
	}
	free(x->curve);
	free(x->dir);
	memset(x, 0, sizeof *x);
}

int explain_load(struct explain *x, const char *dir, double threshold, char *err, size_t errlen)
{
	struct xerr e = { err, errlen };
	err[0] = 0;
	memset(x, 0, sizeof *x);
	x->threshold = threshold;
	x->dir = strdup(dir);
	struct settings s;
	struct table t = { 0 };
	if (!x->dir)
		return fail(&e, "out of memory");
	int rc = read_settings(&s, dir, &e);
	int vk = -1;
	if (rc == 0) {
		x->capacity = s.capacity;
		snprintf(x->scenario, sizeof x->scenario, "%s", s.scenario);
		for (int k = 0; k < s.nvary && vk < 0; k++)
			if (is_count_key(s.vary[k].key))
				vk = k;
		if (vk < 0)
			rc = fail(&e, "%s/sweep.settings:%d: expected a vary of a VM count (vm[NAME].count), got %s%s", dir,
				  s.vary[0].line, s.vary[0].key, s.nvary > 1 ? " and others" : "");
		else
			snprintf(x->key, sizeof x->key, "%s", s.vary[vk].key);
		for (int i = 0; rc == 0 && vk >= 0 && i < s.vary[vk].nval; i++) {
			double v;
			if (num_of(s.vary[vk].val[i], &v))
				rc = fail(&e, "%s/sweep.settings:%d: expected VM counts, got '%s'", dir, s.vary[vk].line,
					  s.vary[vk].val[i]);
		}
	}
	if (rc == 0)
		rc = table_load(&t, dir, "sweep.csv", 0, &e);
	for (int k = 0; rc == 0 && k < s.nvary; k++)
		if (k >= t.ncol || strcmp(t.head[k], s.vary[k].key) != 0)
			rc = fail(&e, "%s:1: expected column %d to be the varied key %s, got %s", t.path, k + 1,
				  s.vary[k].key, k < t.ncol ? t.head[k] : "nothing");
	int cvms = -1, cvpv = -1, ccum = -1, cper = -1, cpages = -1;
	if (rc == 0) {
		cvms = col(&t, "vms", &e);
		cvpv = col(&t, "vcpus_per_vm", &e);
		ccum = col(&t, s.capacity ? "cumulative_sessions" : "pages_per_s", &e);
		cper = s.capacity ? col(&t, "sessions_per_vm", &e) : 0;
		for (int i = 0; !s.capacity && i < t.ncol; i++)
			if (strcmp(t.head[i], "pages") == 0)
				cpages = i;
		if (cvms < 0 || cvpv < 0 || ccum < 0 || cper < 0)
			rc = -1;
		else if (t.nrow == 0)
			rc = fail(&e, "%s:2: expected at least one row (a finished point)", t.path);
	}
	for (int r = 0; rc == 0 && r < t.nrow; r++) {
		/* the point's number from its values (first <vary> outermost) */
		int pidx = 0;
		for (int k = 0; k < s.nvary && rc == 0; k++) {
			int i = 0;
			while (i < s.vary[k].nval && strcmp(s.vary[k].val[i], cell(&t, r, k)) != 0)
				i++;
			if (i == s.vary[k].nval)
				rc = fail(&e, "%s:%d: expected a value of %s listed in sweep.settings, got '%s'", t.path,
					  t.line[r], s.vary[k].key, cell(&t, r, k));
			pidx = pidx * s.vary[k].nval + i;
		}
		if (rc)
			break;
		/* its curve: the values of the other keys */
		char label[512] = "";
		size_t ll = 0;
		for (int k = 0; k < s.nvary; k++)
			if (k != vk && ll < sizeof label)
				ll += (size_t)snprintf(label + ll, sizeof label - ll, "%s%s=%s", ll ? ", " : "", s.vary[k].key,
						       cell(&t, r, k));
		if (!label[0])
			snprintf(label, sizeof label, "all points");
		int ci = 0;
		while (ci < x->ncurve && strcmp(x->curve[ci].label, label) != 0)
			ci++;
		if (ci == x->ncurve) {
			struct xcurve *nc = realloc(x->curve, (size_t)(x->ncurve + 1) * sizeof *nc);
			if (!nc) {
				rc = fail(&e, "out of memory");
				break;
			}
			x->curve = nc;
			memset(&nc[ci], 0, sizeof nc[ci]);
			snprintf(nc[ci].label, sizeof nc[ci].label, "%s", label);
			x->ncurve++;
		}
		struct xcurve *c = &x->curve[ci];
		struct xpoint *np = realloc(c->pt, (size_t)(c->npt + 1) * sizeof *np);
		if (!np) {
			rc = fail(&e, "out of memory");
			break;
		}
		c->pt = np;
		struct xpoint *p = &c->pt[c->npt++];
		memset(p, 0, sizeof *p);
		p->point = pidx + 1;
		p->line = t.line[r];
		double vms;
		num_of(cell(&t, r, vk), &p->n);
		if (num(&t, r, cvms, 0, &vms, &e) || num(&t, r, cvpv, 0, &p->vcpus_per_vm, &e) ||
		    num(&t, r, ccum, 0, &p->cum, &e) || (s.capacity && num(&t, r, cper, 0, &p->per_vm, &e))) {
			rc = -1;
			break;
		}
		p->vms = (int)vms;
		if (!s.capacity)
			p->per_vm = p->vms > 0 ? p->cum / p->vms : 0;
		char sub[32];
		snprintf(sub, sizeof sub, "points/%03d", p->point);
		char *pdir = path_of(dir, sub);
		if (!pdir) {
			rc = fail(&e, "out of memory");
			break;
		}
		char *sj = path_of(pdir, "summary.json");
		/* a capacity point without a run at capacity: its answer was 0 */
		int skip = s.capacity && sj && access(sj, F_OK) != 0 && p->per_vm <= 0;
		if (s.capacity && sj && access(sj, F_OK) != 0 && p->per_vm > 0)
			rc = fail(&e, "%s: expected the run at capacity (summary.json, vms.csv, ...) of a point with %g "
				      "sessions per VM (a sweep of an older hvsim? run it again)",
				  pdir, p->per_vm);
		else if (!skip)
			rc = load_run(p, pdir, &e);
		/* no SPECweb (pages_per_s 0): the judged pages (jobs) a second */
		double pages;
		if (rc == 0 && !s.capacity && p->cum == 0 && p->have_run && cpages >= 0 &&
		    num(&t, r, cpages, 1, &pages, &e) == 0 && pages > 0) {
			p->cum = pages / p->measured;
			p->per_vm = p->vms > 0 ? p->cum / p->vms : 0;
		}
		free(sj);
		free(pdir);
	}
	for (int k = 0; rc == 0 && k < x->ncurve; k++)
		analyse(&x->curve[k], threshold);
	table_free(&t);
	settings_free(&s);
	if (rc)
		explain_free(x);
	return rc;
}

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
static int shown(const struct xcurve *c)
{
	int i = c->plateau >= 0 ? c->plateau : c->npt - 1;
	while (i > 0 && !c->pt[i].have_run)
		i--;
	return i;
}

static void report_curve(const struct explain *x, int k, FILE *f)
{
	const struct xcurve *c = &x->curve[k];
	const char *u = unit(x);
	fprintf(f, "\ncurve %d: %s\n", k + 1, c->label);
	fprintf(f, "  %6s %4s %9s %12s %10s %10s %6s %10s %6s  %s\n", "vms", "pt", "vcpu/pcpu",
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
		fprintf(f, "  %6g %4d %9s %12.6g %10.4g %10.4g %6s %10s %6s  ", p->n, p->point, ratio, p->cum, p->per_vm,
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
		fprintf(f, ": %.6g %s, then %+.1f%% per added VM (below %g%%)\n", p->cum, u, 100 * p->growth,
			100 * x->threshold);
	} else {
		const struct xpoint *p = &c->pt[c->npt - 1];
		fprintf(f, "  plateau: none; the cumulative value still grows by %g%% or more per added VM up to %g VMs "
			   "(%.6g %s)\n",
			100 * x->threshold, p->n, p->cum, u);
	}
	int si = shown(c);
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
		fprintf(f, "  Capacity points are measured by the run at capacity (replication 1's passing run).\n");
	for (int k = 0; k < x->ncurve; k++)
		report_curve(x, k, f);
}

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
	int ce = col(en, "entity", &e), ck = col(en, "kind", &e), cv = col(en, "vm", &e), cr = col(en, "run_s", &e),
	    cy = col(en, "ready_s", &e), cm = col(en, "migrations", &e), cs = col(en, "remote_share", &e),
	    cl = col(en, "last_cpu", &e);
	if (ce < 0 || ck < 0 || cv < 0 || cr < 0 || cy < 0 || cm < 0 || cs < 0 || cl < 0)
		return -1;
	/* memory nodes from vms.csv */
	const struct table *v = &t->vms;
	int vn = col(v, "vm", &e), vmn = col(v, "mem_node", &e);
	if (vn < 0 || vmn < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		double run, rdy, mig, rs, last;
		if (num(en, i, cr, 0, &run, &e) || num(en, i, cy, 0, &rdy, &e) || num(en, i, cm, 0, &mig, &e) ||
		    num(en, i, cs, 0, &rs, &e) || num(en, i, cl, 0, &last, &e))
			return -1;
		pl->name[i] = (char *)cell(en, i, ce);
		pl->kind[i] = (char *)cell(en, i, ck);
		pl->vm[i] = (char *)cell(en, i, cv);
		pl->run[i] = run;
		pl->ready[i] = rdy;
		pl->mig[i] = (int)mig;
		pl->last[i] = last >= 0 && last < C ? (int)last : -1;
		pl->mem[i] = -1;
		for (int r = 0; r < v->nrow; r++)
			if (strcmp(cell(v, r, vn), pl->vm[i]) == 0) {
				double mn;
				if (num(v, r, vmn, 0, &mn, &e) == 0)
					pl->mem[i] = mn >= 0 && mn < N ? (int)mn : -1;
			}
		if (t->have_place || run <= 0)
			continue;
		int lnode = -1;
		if (pl->last[i] >= 0) {
			/* the node of the last pCPU, from pcpus.csv */
			const struct table *pc = &t->pcpu;
			int pcol = col(pc, "cpu", &e), pn = col(pc, "node", &e);
			for (int r = 0; pcol >= 0 && pn >= 0 && r < pc->nrow; r++) {
				double id, nd;
				if (num(pc, r, pcol, 0, &id, &e) == 0 && (int)id == pl->last[i] &&
				    num(pc, r, pn, 0, &nd, &e) == 0)
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
		int pe = col(pt, "entity", &e), pc = col(pt, "cpu", &e), pn = col(pt, "node", &e), pr = col(pt, "run_s", &e);
		if (pe < 0 || pc < 0 || pn < 0 || pr < 0)
			return -1;
		for (int r = 0; r < pt->nrow; r++) {
			double c, nd, run;
			if (num(pt, r, pc, 0, &c, &e) || num(pt, r, pn, 0, &nd, &e) || num(pt, r, pr, 0, &run, &e))
				return -1;
			for (int i = 0; i < n; i++)
				if (strcmp(pl->name[i], cell(pt, r, pe)) == 0 && c >= 0 && c < C && nd >= 0 && nd < N) {
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
	int ci = col(pc, "cpu", &e), cn = col(pc, "node", &e), cu = col(pc, "util", &e);
	for (int r = 0; ci >= 0 && cn >= 0 && cu >= 0 && r < pc->nrow; r++) {
		double id, nd, u;
		if (num(pc, r, ci, 0, &id, &e) == 0 && (int)id == cpu && num(pc, r, cn, 0, &nd, &e) == 0 &&
		    num(pc, r, cu, 0, &u, &e) == 0) {
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

char *explain_bottleneck_dot(const struct explain *x, int k)
{
	const struct xcurve *c = &x->curve[k];
	const struct xpoint *p = &c->pt[shown(c)];
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
		 shown(c) == c->plateau ? " (plateau)" : "", sat ? sat : "none");
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
		int ch = col(&p->tab->web, "cache_hit", &e);
		double s = 0;
		int nrow = 0;
		for (int r = 0; ch >= 0 && r < p->tab->web.nrow; r++) {
			double h;
			if (num(&p->tab->web, r, ch, 0, &h, &e) == 0) {
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
	int vn = col(v, "vm", &e), vk = col(v, "kind", &e), vr = col(v, "run_s", &e), vy = col(v, "ready_s", &e),
	    vnic = col(v, "nic", &e), vst = col(v, "steal_pct", &e);
	for (int r = 0; vn >= 0 && vk >= 0 && vr >= 0 && vy >= 0 && vst >= 0 && r < v->nrow; r++) {
		if (strcmp(cell(v, r, vk), "guest") != 0)
			continue;
		const char *name = cell(v, r, vn);
		double run = 0, rdy = 0, st = 0;
		num(v, r, vr, 0, &run, &e);
		num(v, r, vy, 0, &rdy, &e);
		num(v, r, vst, 0, &st, &e);
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
		if (strcmp(cell(v, r, vk), "guest") != 0)
			continue;
		const char *name = cell(v, r, vn);
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
			num(v, r, vnic, 0, &nic, &e);
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

char *explain_placement_dot(const struct explain *x, int k)
{
	const struct xcurve *c = &x->curve[k];
	const struct xpoint *p = &c->pt[shown(c)];
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
		 x->scenario, k + 1, c->label, p->n, shown(c) == c->plateau ? " (plateau)" : "",
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

/* ---------------------------------------------------------- write --- */

static int find_dot(char *out, size_t len)
{
	const char *path = getenv("PATH");
	if (!path)
		return 0;
	while (*path) {
		const char *c = strchr(path, ':');
		size_t n = c ? (size_t)(c - path) : strlen(path);
		if (n && n + 5 < len) {
			snprintf(out, len, "%.*s/dot", (int)n, path);
			if (access(out, X_OK) == 0)
				return 1;
		}
		path += n + (c ? 1 : 0);
	}
	return 0;
}

/* dot -Tsvg -o svg src; 0 or -1. */
static int render(const char *dot, const char *src, const char *svg)
{
	char *argv[] = { (char *)"dot", (char *)"-Tsvg", (char *)"-o", (char *)svg, (char *)src, NULL };
	pid_t pid;
	if (posix_spawn(&pid, dot, NULL, NULL, argv, environ))
		return -1;
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int put_file(struct outdir *o, const char *name, const char *text)
{
	FILE *f = out_open(o, name);
	if (!f || !text) {
		if (f)
			fclose(f);
		return -1;
	}
	fputs(text, f);
	return ferror(f) | fclose(f) ? -1 : 0;
}

int explain_write(const struct explain *x, int do_render, int force, int *nsvg, char *err, size_t errlen)
{
	*nsvg = 0;
	char dotp[4096];
	int have_dot = do_render && find_dot(dotp, sizeof dotp);
	char *dest = path_of(x->dir, "explain");
	struct outdir od = { 0 };
	if (!dest) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (out_begin(&od, dest, force ? OUT_FORCE : OUT_NEW, err, errlen)) {
		free(dest);
		return -2;
	}
	/* the report and the diagrams, committed together by one rename */
	char *text = NULL;
	size_t tlen = 0;
	FILE *mf = open_memstream(&text, &tlen);
	int rc = 0;
	if (mf) {
		explain_report(x, mf);
		rc = fclose(mf) ? -1 : 0;
	}
	rc = rc || !mf ? -1 : put_file(&od, "explain.txt", text);
	free(text);
	if (rc)
		snprintf(err, errlen, "%s/explain.txt: cannot write: %s", od.stage, strerror(errno ? errno : EIO));
	for (int k = 0; rc == 0 && k < x->ncurve; k++) {
		static const char *const kind[2] = { "bottleneck", "placement" };
		for (int g = 0; g < 2 && rc == 0; g++) {
			char name[64];
			snprintf(name, sizeof name, "curve%d-%s.dot", k + 1, kind[g]);
			char *dot = g ? explain_placement_dot(x, k) : explain_bottleneck_dot(x, k);
			rc = put_file(&od, name, dot);
			free(dot);
			if (rc) {
				snprintf(err, errlen, "%s/%s: cannot write: %s", od.stage, name, strerror(errno));
				break;
			}
			if (!have_dot)
				continue;
			char *src = path_of(od.stage, name);
			char svg[64];
			snprintf(svg, sizeof svg, "curve%d-%s.svg", k + 1, kind[g]);
			char *out = path_of(od.stage, svg);
			if (!src || !out || render(dotp, src, out)) {
				snprintf(err, errlen, "%s: dot -Tsvg failed on %s", dotp, name);
				rc = -1;
			} else {
				(*nsvg)++;
			}
			free(src);
			free(out);
		}
	}
	if (rc == 0)
		rc = out_commit(&od, err, errlen);
	if (rc)
		out_abort(&od);
	free(od.dest);
	free(od.stage);
	free(dest);
	return rc ? -1 : 0;
}
