/*
** `hvsim explain`: the CSV tables and JSON of a results directory, a point's files (errors with file:line:).
** Shared: read.h; the method: explain.h and docs/explain.md.
*/
#include "sim/explain/read.h"
#include "sim/explain/json.h"
#include "sim/scenario/scenario.h"
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


int x_fail(struct xerr *e, const char *fmt, ...)
{
	if (e->buf[0])
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->buf, e->len, fmt, ap);
	va_end(ap);
	return -1;
}

char *x_path_of(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* A NUL byte in a text file hvsim wrote (a crash's zero-filled blocks, a
** bad copy) is refused with its line: read as a C string, the text would
** end there and every line after it be silently lost. */
char *x_slurp(const char *path, struct xerr *e)
{
	char why[256];
	size_t len = 0;
	char *buf = out_read(path, &len, why, sizeof why);
	if (!buf) {
		if (errno == ENOMEM)
			x_fail(e, "%s: out of memory", path);
		else if (errno == EINVAL || errno == EFBIG || errno == EIO)
			x_fail(e, "%s: %s", path, why);
		else
			x_fail(e, "%s: expected a file of an hvsim sweep directory: %s", path, strerror(errno));
		return NULL;
	}
	int nul = out_nul_line(buf, len);
	if (nul) {
		x_fail(e, "%s:%d: expected text, got a NUL byte", path, nul);
		free(buf);
		return NULL;
	}
	return buf;
}

/* ------------------------------------------------------ CSV tables --- */



void x_table_free(struct table *t)
{
	free(t->path);
	free(t->buf);
	free(t->cell);
	free(t->line);
	memset(t, 0, sizeof *t);
}

/* Read a CSV with a header; every row as wide as the header.  A missing
** file is an error unless optional (then 1). */
int x_table_load(struct table *t, const char *dir, const char *name, int optional, struct xerr *e)
{
	memset(t, 0, sizeof *t);
	t->path = x_path_of(dir, name);
	if (!t->path)
		return x_fail(e, "out of memory");
	if (optional && access(t->path, F_OK) != 0)
		return 1;
	t->buf = x_slurp(t->path, e);
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
			return x_fail(e, "%s:%d: %s", t->path, lineno, why);
		if (n > MAXCOL)
			return x_fail(e, "%s:%d: expected at most %d columns, got %d", t->path, lineno, MAXCOL, n);
		if (lineno == 1) {
			t->ncol = n;
			memcpy(t->head, f, (size_t)n * sizeof *f);
		} else if (n == 1 && f[0][0] == 0) {
			/* an empty line: a trailing one is allowed */
		} else if (n != t->ncol) {
			return x_fail(e, "%s:%d: expected %d fields as in the header, got %d", t->path, lineno, t->ncol, n);
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
					return x_fail(e, "out of memory");
			}
			memcpy(t->cell + (size_t)t->nrow * (size_t)t->ncol, f, (size_t)n * sizeof *f);
			t->line[t->nrow++] = lineno;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (lineno == 0)
		return x_fail(e, "%s:1: expected a CSV header, got an empty file", t->path);
	return 0;
}

int x_col(const struct table *t, const char *name, struct xerr *e)
{
	for (int i = 0; i < t->ncol; i++)
		if (strcmp(t->head[i], name) == 0)
			return i;
	return x_fail(e, "%s:1: expected a column '%s' in the header (a sweep of an older hvsim? run it again)",
		    t->path, name);
}

const char *x_cell(const struct table *t, int r, int c)
{
	return t->cell[(size_t)r * (size_t)t->ncol + (size_t)c];
}

int x_num_of(const char *s, double *x)
{
	char *end;
	if (!*s)
		return -1;
	errno = 0;
	*x = strtod(s, &end);
	return *end || errno || !isfinite(*x) ? -1 : 0;
}

/* The number in row r, column c; empty is an error unless empty_ok (0). */
int x_num(const struct table *t, int r, int c, int empty_ok, double *x, struct xerr *e)
{
	const char *s = x_cell(t, r, c);
	if (!*s && empty_ok) {
		*x = 0;
		return 0;
	}
	if (x_num_of(s, x))
		return x_fail(e, "%s:%d: expected a number in column '%s', got '%s'", t->path, t->line[r], t->head[c], s);
	return 0;
}

/* ------------------------------------------------- a point's files --- */


void x_xtab_free(struct xtab *t)
{
	if (!t)
		return;
	x_table_free(&t->vms);
	x_table_free(&t->ent);
	x_table_free(&t->dev);
	x_table_free(&t->pcpu);
	x_table_free(&t->web);
	x_table_free(&t->place);
	free(t);
}

/* The number of the top-level member "key" of summary.json (the whole
** file checked as JSON, sim/explain/json.h). */
static int json_num(const char *path, const char *js, const char *key, double *x, struct xerr *e)
{
	struct json_member m;
	char err[200];
	int rc = json_top(js, key, &m, err, sizeof err);
	if (rc < 0)
		return x_fail(e, "%s:%s", path, err);
	if (rc > 0)
		return x_fail(e, "%s:1: expected a key \"%s\" in the top-level object", path, key);
	if (m.kind != JSON_NUMBER)
		return x_fail(e, "%s:%d: expected a number for \"%s\"", path, m.line, key);
	*x = m.num;
	return 0;
}

/* The string of the top-level member "key" ("" when absent or not a string). */
static void json_str(const char *js, const char *key, char *out, size_t len)
{
	struct json_member m;
	char err[200];
	out[0] = 0;
	if (json_top(js, key, &m, err, sizeof err) == 0 && m.kind == JSON_STRING)
		snprintf(out, len, "%.*s", (int)m.len, m.str);
}

static int is_emu(const char *kind)
{
	return strcmp(kind, "qemu-io") == 0 || strcmp(kind, "dom0") == 0 || strcmp(kind, "emulation") == 0;
}

static int add_res(struct xpoint *p, const char *name, const char *kind, double util, struct xerr *e)
{
	struct xres *nr = realloc(p->res, (size_t)(p->nres + 1) * sizeof *nr);
	if (!nr)
		return x_fail(e, "out of memory");
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
/* Long: a point's files read in turn, each column looked up and checked
** where it is used. */
int x_load_run(struct xpoint *p, const char *pdir, struct xerr *e)
{
	struct xtab *t = calloc(1, sizeof *t);
	if (!t)
		return x_fail(e, "out of memory");
	p->tab = t;
	char *sp = x_path_of(pdir, "summary.json");
	char *js = sp ? x_slurp(sp, e) : NULL;
	double pc = 0, nn = 0;
	int rc = js && json_num(sp, js, "pcpus_total", &pc, e) == 0 && json_num(sp, js, "nodes", &nn, e) == 0 &&
			 json_num(sp, js, "measured_s", &p->measured, e) == 0
		 ? 0
		 : -1;
	if (rc == 0) {
		json_str(js, "hypervisor", t->hypervisor, sizeof t->hypervisor);
		json_str(js, "policy", t->policy, sizeof t->policy);
		/* checked before the casts (1e300 is no int), and a measured
		** interval of at least the simulator's 1 ns: every cause is a
		** time over it (1e-320 s made them inf and the report nan) */
		if (!(pc >= 1 && pc <= SCN_MAX_CPUS && nn >= 1 && nn <= pc && p->measured >= 1e-9))
			rc = x_fail(e, "%s:1: expected pcpus_total from 1 to " SCN_STR(SCN_MAX_CPUS) ", nodes from 1 to "
				       "pcpus_total and measured_s of at least 1e-9 (1 ns)", sp);
		p->pcpus = rc ? 0 : (int)pc;
		p->nodes = rc ? 0 : (int)nn;
	}
	free(js);
	free(sp);
	if (rc || x_table_load(&t->vms, pdir, "vms.csv", 0, e) || x_table_load(&t->ent, pdir, "entities.csv", 0, e) ||
	    x_table_load(&t->dev, pdir, "devices.csv", 0, e) || x_table_load(&t->pcpu, pdir, "pcpus.csv", 0, e))
		return -1;
	int w = x_table_load(&t->web, pdir, "specweb.csv", 1, e);
	int pl = x_table_load(&t->place, pdir, "placement.csv", 1, e);
	if (w < 0 || pl < 0)
		return -1;
	t->have_web = w == 0;
	t->have_place = pl == 0;

	double m = p->measured;
	/* guests: ready, overhead, spin, remote stall */
	const struct table *v = &t->vms;
	int ck = x_col(v, "kind", e), cr = x_col(v, "ready_s", e), co = x_col(v, "overhead_s", e), cs = x_col(v, "spin_s", e),
	    cm = x_col(v, "remote_stall_s", e);
	if (ck < 0 || cr < 0 || co < 0 || cs < 0 || cm < 0)
		return -1;
	int ng = 0;
	for (int r = 0; r < v->nrow; r++) {
		if (strcmp(x_cell(v, r, ck), "guest") != 0)
			continue;
		double a, b, c, d;
		if (x_num(v, r, cr, 0, &a, e) || x_num(v, r, co, 0, &b, e) || x_num(v, r, cs, 0, &c, e) ||
		    x_num(v, r, cm, 0, &d, e))
			return -1;
		ng++;
		p->cause[XC_READY] += a / m;
		p->cause[XC_SWITCH] += b / m;
		p->cause[XC_SPIN] += c / m;
		p->cause[XC_REMOTE] += d / m;
	}
	if (ng == 0)
		return x_fail(e, "%s:1: expected at least one guest VM (kind guest)", v->path);

	/* emulation threads; every entity's demand on the pCPUs */
	const struct table *en = &t->ent;
	int ek = x_col(en, "kind", e), er = x_col(en, "run_s", e), ey = x_col(en, "ready_s", e), ee = x_col(en, "entity", e);
	if (ek < 0 || er < 0 || ey < 0 || ee < 0)
		return -1;
	double dom0 = 0, demand = 0;
	int ndom0 = 0;
	for (int r = 0; r < en->nrow; r++) {
		double run, rdy;
		if (x_num(en, r, er, 0, &run, e) || x_num(en, r, ey, 0, &rdy, e))
			return -1;
		demand += run + rdy;
		const char *k = x_cell(en, r, ek);
		if (is_emu(k))
			p->cause[XC_EMU] += (run + rdy) / m;
		if (strcmp(k, "dom0") == 0) {
			dom0 += run / m;
			ndom0++;
		} else if (strcmp(k, "qemu-io") == 0 || strcmp(k, "emt") == 0 || strcmp(k, "emulation") == 0) {
			char nm[96];
			snprintf(nm, sizeof nm, "%s %s", strcmp(k, "qemu-io") == 0 ? "QEMU I/O thread"
							 : strcmp(k, "emt") == 0 ? "EMT" : "emulation thread",
				 x_cell(en, r, ee));
			if (add_res(p, nm, k, run / m, e))
				return -1;
		}
	}
	if (ndom0 && add_res(p, "Dom0", "dom0", dom0 / ndom0, e))
		return -1;
	p->cpu_demand = demand / m / p->pcpus;

	/* pCPUs: overall and per node */
	const struct table *pc2 = &t->pcpu;
	int pn = x_col(pc2, "node", e), pu = x_col(pc2, "util", e);
	if (pn < 0 || pu < 0)
		return -1;
	double *nu = calloc((size_t)p->nodes, sizeof *nu);
	int *nc = calloc((size_t)p->nodes, sizeof *nc);
	if (!nu || !nc) {
		free(nu);
		free(nc);
		return x_fail(e, "out of memory");
	}
	rc = 0;
	for (int r = 0; r < pc2->nrow && rc == 0; r++) {
		double node, u;
		if (x_num(pc2, r, pn, 0, &node, e) || x_num(pc2, r, pu, 0, &u, e)) {
			rc = -1;
			break;
		}
		if (node < 0 || node >= p->nodes) {
			rc = x_fail(e, "%s:%d: expected a node below %d, got %g", pc2->path, pc2->line[r], p->nodes, node);
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
	int dn = x_col(d, "device", e), dk = x_col(d, "kind", e), du = x_col(d, "utilisation", e),
	    dq = x_col(d, "mean_queue", e), dr = x_col(d, "requests_per_s", e);
	if (dn < 0 || dk < 0 || du < 0 || dq < 0 || dr < 0)
		return -1;
	double disk_q = 0, disk_req = 0;
	for (int r = 0; r < d->nrow; r++) {
		double u, q, rq;
		if (x_num(d, r, du, 0, &u, e) || x_num(d, r, dq, 0, &q, e) || x_num(d, r, dr, 0, &rq, e))
			return -1;
		int disk = strcmp(x_cell(d, r, dk), "disk") == 0;
		if (disk) {
			disk_q += q;
			disk_req += rq;
		} else {
			p->cause[XC_NIC] += q;
		}
		char nm[96];
		snprintf(nm, sizeof nm, "%s %s", disk ? "disk" : "NIC", x_cell(d, r, dn));
		if (add_res(p, nm, disk ? "disk" : "nic", u, e))
			return -1;
	}
	/* page-cache misses are the disk's reads: their share of its time */
	double misses = 0;
	if (t->have_web) {
		int wm = x_col(&t->web, "misses_per_s", e);
		if (wm < 0)
			return -1;
		for (int r = 0; r < t->web.nrow; r++) {
			double x;
			if (x_num(&t->web, r, wm, 0, &x, e))
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
