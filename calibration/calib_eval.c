/*
** Simulating measured quantities for calibration (calib.h).
**
** A base quantity is one simulation: a SPECweb capacity search giving
** sessions per VM, or one microbenchmark run giving its metric averaged
** over the VMs, or (host) one run of a mix's modelled threads giving one
** thread's statistic (traces/hoststats.h) from the simulated activity
** trace.  Every metric of a measured point derives from base quantities:
**
**   sessions_per_vm, seconds, mbit_s, mbyte_s   the base quantity itself
**   cumulative_sessions        sessions_per_vm x vms
**   peak_cumulative_sessions   the largest cumulative over 1..vms VMs
**   ratio_to_native            the base quantity over native's with the
**                              same VCPUs (as CPUs) and memory, 1 system;
**                              seconds inverted, so > 1 is faster
**
** A capacity search answers with the crossing of its QoS margin
** (sim/drive/capacity.h), which moves continuously with the parameters,
** as the fit needs; it is the same estimate `hvsim capacity` and `hvsim
** sweep` report for the same scenario and seeds.
**
** Base quantities are cached under their description plus the --set text
** of every parameter that applies to them, so a stage that does not move
** native's parameters never simulates native again.  Missing ones run in
** child processes (sim/engine/proc.h), up to `jobs` at a time; each is
** deterministic (the scenario's seeds), so results do not depend on jobs.
** One simulation itself is calib_sim.c's.
*/
#include "calibration/calib.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/engine/proc.h"
#include "sim/engine/cluster.h"
#include "sim/scenario/scenario.h"
#include "sim/report/output.h"


struct entry {
	char *key;
	double value;
	double lo, hi;                /* its 95% interval (capacity searches); NAN: none */
};

struct cal_eval {
	const struct cal_config *cfg;
	int jobs;
	const volatile sig_atomic_t *stop;
	struct entry *e;
	size_t n, cap;
	long runs;
	/* extra --set overrides for every simulation (command line) */
	const struct scn_override *ov;
	int nov;
	FILE *progress;               /* a bar per batch of simulations; NULL: none */
	int cache_fd;                 /* cal_eval_cache's file, appending; -1: none */
	char *cache_path;
	long reused;                  /* entries read back from it */
};

void cal_eval_progress(struct cal_eval *e, FILE *f)
{
	e->progress = f;
}

struct cal_eval *cal_eval_new(const struct cal_config *cfg, int jobs, const volatile sig_atomic_t *stop)
{
	struct cal_eval *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->cfg = cfg;
	e->jobs = jobs < 1 ? 1 : jobs;
	e->stop = stop;
	e->cache_fd = -1;
	return e;
}

void cal_eval_overrides(struct cal_eval *e, const struct scn_override *ov, int nov)
{
	e->ov = ov;
	e->nov = nov;
}

void cal_eval_free(struct cal_eval *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++)
		free(e->e[i].key);
	free(e->e);
	if (e->cache_fd >= 0)
		close(e->cache_fd);
	free(e->cache_path);
	free(e);
}

long cal_eval_runs(const struct cal_eval *e)
{
	return e->runs;
}

int cal_param_applies(const struct cal_param *p, const struct cal_qty *q)
{
	return (!p->hypervisor || !strcmp(p->hypervisor, q->hypervisor)) && (p->bench < 0 || p->bench == q->bench);
}

/* calib.h */
void cal_qty_key(const struct cal_config *c, const double *x, const struct cal_qty *q, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s|%s|%d|%d|%s", meas_bench_name(q->bench), q->hypervisor, q->vms, q->vcpus,
			 q->memory);
	if (q->bench == MEAS_HOST && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "|%s|%s", q->subject ? q->subject : "",
			      meas_metric_name((enum meas_metric)q->metric));
	for (int k = 0; k < c->np && n > 0 && (size_t)n < len; k++) {
		if (!cal_param_applies(&c->p[k], q))
			continue;
		char t[64];
		cal_param_text(&c->p[k], x[k], t, sizeof t);
		n += snprintf(buf + n, len - (size_t)n, "|%s=%s", c->p[k].name, t);
	}
}

/* A new cache entry under key (taken over: freed with the cache); NULL
** when out of memory (key then still the caller's). */
static struct entry *entry_add(struct cal_eval *e, char *key, double value, double lo, double hi)
{
	if (e->n == e->cap) {
		size_t nc = e->cap ? 2 * e->cap : 64;
		struct entry *ne = realloc(e->e, nc * sizeof *ne);
		if (!ne)
			return NULL;
		e->e = ne;
		e->cap = nc;
	}
	e->e[e->n] = (struct entry){ key, value, lo, hi };
	return &e->e[e->n++];
}

static struct entry *lookup(struct cal_eval *e, const char *key)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->e[i].key, key))
			return &e->e[i];
	return NULL;
}

int cal_eval_put(struct cal_eval *e, const char *key, double value, double lo, double hi)
{
	struct entry *en = lookup(e, key);
	char *k = en ? NULL : strdup(key);
	if (!en && (!k || !(en = entry_add(e, k, value, lo, hi)))) {
		free(k);
		return -1;
	}
	en->value = value;
	en->lo = lo;
	en->hi = hi;
	return 0;
}

/* ------------------------------------------------- what rows need --- */

struct need {
	struct cal_qty *q;
	char **key;
	size_t n, cap;
};

static int need_add(struct cal_eval *e, struct need *nd, const double *x, struct cal_qty q)
{
	char key[CAL_KEY_MAX];
	cal_qty_key(e->cfg, x, &q, key, sizeof key);
	if (lookup(e, key))
		return 0;
	for (size_t i = 0; i < nd->n; i++)
		if (!strcmp(nd->key[i], key))
			return 0;
	if (nd->n == nd->cap) {
		size_t nc = nd->cap ? 2 * nd->cap : 16;
		struct cal_qty *nq = realloc(nd->q, nc * sizeof *nq);
		if (!nq)
			return -1;
		nd->q = nq;
		char **nk = realloc(nd->key, nc * sizeof *nk);
		if (!nk)
			return -1;
		nd->key = nk;
		nd->cap = nc;
	}
	nd->key[nd->n] = strdup(key);
	if (!nd->key[nd->n])
		return -1;
	nd->q[nd->n++] = q;
	return 0;
}

static int base_metric(int bench)
{
	switch (bench) {
	case MEAS_SPECWEB: return MEAS_SESSIONS_PER_VM;
	case MEAS_BZIP2: return MEAS_SECONDS;
	case MEAS_NETPERF: return MEAS_MBIT_S;
	default: return MEAS_MBYTE_S;
	}
}

/* The base quantities behind quantity (bench, hv, vms, vcpus, mem, metric). */
static int need_metric(struct cal_eval *e, struct need *nd, const double *x, int bench, const char *hv, int vms,
		       int vcpus, const char *mem, int metric)
{
	struct cal_qty q = { .bench = bench, .hypervisor = hv, .vms = vms, .vcpus = vcpus, .memory = mem };
	if (metric == MEAS_PEAK_CUMULATIVE) {
		for (int k = 1; k <= vms; k++) {
			q.vms = k;
			if (need_add(e, nd, x, q))
				return -1;
		}
		return 0;
	}
	if (need_add(e, nd, x, q))
		return -1;
	if (metric == MEAS_RATIO_TO_NATIVE) {
		struct cal_qty nat = { .bench = bench, .hypervisor = "native", .vms = 1, .vcpus = vcpus, .memory = mem };
		if (need_add(e, nd, x, nat))
			return -1;
	}
	return 0;
}

static int need_point(struct cal_eval *e, struct need *nd, const double *x, const struct meas_point *p)
{
	if (p->bench == MEAS_HOST) {
		struct cal_qty q = { .bench = p->bench, .hypervisor = p->hypervisor, .vms = p->vms, .vcpus = p->vcpus,
				     .memory = p->memory_text, .subject = p->subject, .metric = p->metric };
		return need_add(e, nd, x, q);
	}
	return need_metric(e, nd, x, p->bench, p->hypervisor, p->vms, p->vcpus, p->memory_text, p->metric);
}

/* One batch of simulations in the pool (sim/engine/proc.h). */
struct batch {
	struct cal_eval *e;
	const double *x;
	struct need *nd;
	double *val;
	char *err;
	size_t errlen;
	int failed;
	struct progress g;
	/* a worker rank: what the manager's description holds (batch_load) */
	char *own;
	double *ownx;
	struct need ownnd;
};

static int child(void *ctx, int i, int fd)
{
	const struct batch *b = ctx;
	double v, ci[2];
	char err[512] = "", line[600];
	int rc = cal_simulate_ci(b->e->cfg, b->e->ov, b->e->nov, b->x, &b->nd->q[i], &v, ci, err, sizeof err);
	int len = rc ? snprintf(line, sizeof line, "E %s\n", err)
		     : snprintf(line, sizeof line, "V %.17g %.17g %.17g\n", v, ci[0], ci[1]);
	return proc_write_all(fd, line, (size_t)len) || rc;
}

/* ---------------------------------------- finished simulations on disk --- */

/* One finished simulation: "value low high<TAB>key" (%a: exact), appended
** with one write and synced, as sweep.csv's rows are. */
static int cache_append(struct cal_eval *e, const char *key, const double *v)
{
	char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);
	if (!f)
		return -1;
	fprintf(f, "%a %a %a\t%s\n", v[0], v[1], v[2], key);
	int rc = fclose(f) ? -1 : proc_write_all(e->cache_fd, line, len);
	free(line);
	if (rc == 0 && fsync(e->cache_fd) && errno != EINVAL)
		rc = -1;
	return rc;
}

int cal_eval_cache(struct cal_eval *e, const char *path, unsigned long long fp, char *err, size_t errlen)
{
	char head[64];
	snprintf(head, sizeof head, "# hvsim calibrate cache %016llx\n", fp);
	e->cache_path = strdup(path);
	if (!e->cache_path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	out_clean_stale(path);   /* a creation a kill interrupted */
	size_t n = 0;
	char *buf = out_slurp(path, &n);
	int fresh = !buf || strncmp(buf, head, strlen(head)) != 0;
	if (buf && fresh)
		fprintf(stderr, "hvsim calibrate: %s: left by another calibration (its file, --set or hvsim "
				"differ); starting a new one\n", path);
	size_t keep = n;   /* up to the last whole line */
	for (char *l = fresh ? NULL : buf + strlen(head); l && *l;) {
		char *nl = strchr(l, '\n');
		if (!nl) {
			keep = (size_t)(l - buf);   /* a last line cut short by a kill */
			break;
		}
		*nl = 0;
		char *tab = strchr(l, '\t'), *end;
		double v = strtod(l, &end), lo = strtod(end, &end), hi = strtod(end, &end);
		if (tab && end == tab && tab[1] && !lookup(e, tab + 1)) {
			char *k = strdup(tab + 1);
			if (!k || !entry_add(e, k, v, lo, hi)) {
				free(k);
				free(buf);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			e->reused++;
		}
		l = nl + 1;
	}
	free(buf);
	if (!fresh && keep < n && truncate(path, (off_t)keep)) {
		snprintf(err, errlen, "%s: cannot truncate: %s", path, strerror(errno));
		return -1;
	}
	if (fresh) {
		/* a new file, its header in place before anything is appended */
		char *tmp = malloc(strlen(path) + 32);
		int fd = -1;
		if (tmp) {
			sprintf(tmp, "%s.tmp-%ld", path, (long)getpid());
			fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		}
		int bad = fd < 0 || proc_write_all(fd, head, strlen(head)) || fsync(fd);
		if (fd >= 0 && close(fd))
			bad = 1;
		if (bad || rename(tmp, path)) {
			snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno ? errno : EIO));
			if (tmp)
				unlink(tmp);
			free(tmp);
			return -1;
		}
		free(tmp);
	}
	e->cache_fd = open(path, O_WRONLY | O_APPEND);
	if (e->cache_fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

long cal_eval_reused(const struct cal_eval *e)
{
	return e->reused;
}

static int sim_done(void *ctx, int i, const char *buf, size_t len, int status)
{
	struct batch *b = ctx;
	(void)status;
	b->g.done++;
	progress_update(&b->g);
	if (len < 2 || buf[0] != 'V') {
		if (!b->failed) {
			const char *m = len > 2 && buf[0] == 'E' ? buf + 2 : "the simulation process died";
			snprintf(b->err, b->errlen, "%.*s", (int)strcspn(m, "\n"), m);
			b->failed = 1;
		}
		return -1;
	}
	char *end;
	b->val[3 * i] = strtod(buf + 2, &end);
	b->val[3 * i + 1] = strtod(end, &end);
	b->val[3 * i + 2] = strtod(end, NULL);
	if (b->e->cache_fd >= 0 && cache_append(b->e, b->nd->key[i], &b->val[3 * i])) {
		if (!b->failed) {
			snprintf(b->err, b->errlen, "%s: cannot append: %s", b->e->cache_path, strerror(errno));
			b->failed = 1;
		}
		return -1;
	}
	return 0;
}

/* ------------------------------------------------- over MPI ranks --- */

/* The batch as worker ranks need it (sim/engine/cluster.h): fields
** ending in NUL, the parameter count and values (%a: exact), the
** quantity count, then per quantity bench, hypervisor, vms, vcpus,
** memory, subject, metric (strings "+TEXT", or "-" for none).  malloc'd,
** or NULL. */
static char *batch_hdr(const struct cal_eval *e, const double *x, const struct need *nd, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
#define FIELD(...) (fprintf(f, __VA_ARGS__), fputc(0, f))
#define TEXT(t) ((t) ? FIELD("+%s", (t)) : FIELD("-"))
	FIELD("%d", e->cfg->np);
	for (int k = 0; k < e->cfg->np; k++)
		FIELD("%a", x[k]);
	FIELD("%zu", nd->n);
	for (size_t i = 0; i < nd->n; i++) {
		const struct cal_qty *q = &nd->q[i];
		FIELD("%d", q->bench);
		TEXT(q->hypervisor);
		FIELD("%d", q->vms);
		FIELD("%d", q->vcpus);
		TEXT(q->memory);
		TEXT(q->subject);
		FIELD("%d", q->metric);
	}
#undef TEXT
#undef FIELD
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The next field of a description; NULL past its end. */
static const char *field(const char **p, const char *end)
{
	const char *f = *p, *z = f < end ? memchr(f, 0, (size_t)(end - f)) : NULL;
	if (!z)
		return NULL;
	*p = z + 1;
	return f;
}

static int field_int(const char **p, const char *end, long lo, long hi, long *v)
{
	const char *f = field(p, end);
	char *e;
	if (!f)
		return -1;
	*v = strtol(f, &e, 10);
	return *e || e == f || *v < lo || *v > hi ? -1 : 0;
}

static int field_text(const char **p, const char *end, const char **t)
{
	const char *f = field(p, end);
	if (!f || (f[0] != '+' && strcmp(f, "-")))
		return -1;
	*t = f[0] == '+' ? f + 1 : NULL;
	return 0;
}

/* A worker rank: the manager's batch_hdr into b (its own copy). */
static int batch_load(void *ctx, const char *hdr, size_t len)
{
	struct batch *b = ctx;
	free(b->own);
	free(b->ownx);
	free(b->ownnd.q);
	b->ownnd = (struct need){ 0 };
	b->ownx = NULL;
	b->own = malloc(len + 1);
	if (!b->own)
		return -1;
	memcpy(b->own, hdr, len);
	b->own[len] = 0;
	const char *p = b->own, *end = b->own + len, *f;
	long np, n, v;
	if (field_int(&p, end, 0, 100000, &np) || np != b->e->cfg->np)
		return -1;
	b->ownx = calloc((size_t)np + 1, sizeof *b->ownx);
	if (!b->ownx)
		return -1;
	for (long k = 0; k < np; k++) {
		char *e;
		if (!(f = field(&p, end)))
			return -1;
		b->ownx[k] = strtod(f, &e);
		if (*e || e == f)
			return -1;
	}
	if (field_int(&p, end, 0, 100000000, &n))
		return -1;
	b->ownnd.q = calloc((size_t)n + 1, sizeof *b->ownnd.q);
	if (!b->ownnd.q)
		return -1;
	for (long i = 0; i < n; i++) {
		struct cal_qty *q = &b->ownnd.q[i];
		if (field_int(&p, end, 0, MEAS_NBENCH - 1, &v))
			return -1;
		q->bench = (int)v;
		if (field_text(&p, end, &q->hypervisor) || field_int(&p, end, 0, 1000000, &v))
			return -1;
		q->vms = (int)v;
		if (field_int(&p, end, 0, 1000000, &v))
			return -1;
		q->vcpus = (int)v;
		if (field_text(&p, end, &q->memory) || field_text(&p, end, &q->subject) ||
		    field_int(&p, end, -1000000, 1000000, &v))
			return -1;
		q->metric = (int)v;
	}
	b->ownnd.n = b->ownnd.cap = (size_t)n;
	b->x = b->ownx;
	b->nd = &b->ownnd;
	return p == end ? 0 : -1;
}

int cal_eval_serve(struct cal_eval *e)
{
	struct batch b = { .e = e };
	struct pool p = { .stop = e->stop, .ctx = &b, .child = child, .load = batch_load };
	int rc = cluster_serve(&p);
	free(b.own);
	free(b.ownx);
	free(b.ownnd.q);
	return rc;
}

/* Simulate nd's quantities in children, up to e->jobs at a time. */
static int run_needs(struct cal_eval *e, struct need *nd, const double *x, char *err, size_t errlen)
{
	int rc = 0;
	double *val = calloc(3 * (nd->n ? nd->n : 1), sizeof *val);   /* value, ci low, ci high */
	if (!val) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	struct batch b = { .e = e, .x = x, .nd = nd, .val = val, .err = err, .errlen = errlen };
	progress_start(&b.g, e->progress, "simulations", (int)nd->n);
	struct pool p = { .jobs = e->jobs, .nunits = (int)nd->n, .stop = e->stop, .ctx = &b, .child = child,
			  .done = sim_done };
	char perr[300] = "";
	char *hdr = NULL;
	if (cluster_active() && !(hdr = batch_hdr(e, x, nd, &p.hdrlen))) {
		free(val);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	p.hdr = hdr;
	rc = pool_run(&p, perr, sizeof perr);
	free(hdr);
	progress_end(&b.g);
	if (rc == -1 && !b.failed)
		snprintf(err, errlen, "%s", perr);
	if (!rc) {
		for (size_t i = 0; i < nd->n; i++) {
			if (!entry_add(e, nd->key[i], val[3 * i], val[3 * i + 1], val[3 * i + 2])) {
				rc = -1;
				break;
			}
			nd->key[i] = NULL;
			e->runs++;
		}
	}
	free(val);
	return rc;
}

static void need_free(struct need *nd)
{
	for (size_t i = 0; i < nd->n; i++)
		free(nd->key[i]);
	free(nd->key);
	free(nd->q);
}

/* Simulate what nd lists unless collecting it failed (rc: out of memory). */
static int finish_needs(struct cal_eval *e, struct need *nd, const double *x, int rc, char *err, size_t errlen)
{
	if (rc)
		snprintf(err, errlen, "out of memory");
	else if (nd->n)
		rc = run_needs(e, nd, x, err, errlen);
	need_free(nd);
	return rc;
}

int cal_eval_need(struct cal_eval *e, const double *x, const size_t *rows, size_t n, char *err, size_t errlen)
{
	const struct meas_set *m = &e->cfg->meas;
	struct need nd = { 0 };
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		const struct meas_point *p = &m->p[rows[i]];
		if (p->kind == MEAS_UNSTATED)
			continue;
		rc = need_point(e, &nd, x, p);
		if (!rc && p->ref_id)
			rc = need_point(e, &nd, x, &m->p[p->ref]);
	}
	return finish_needs(e, &nd, x, rc, err, errlen);
}

int cal_eval_also(struct cal_eval *e, const double *x, char *err, size_t errlen)
{
	const struct cal_config *c = e->cfg;
	struct need nd = { 0 };
	int rc = 0;
	for (int i = 0; i < c->nalso && !rc; i++) {
		const struct cal_also *a = &c->also[i];
		for (int j = 0; j < a->nvms && !rc; j++)
			rc = need_metric(e, &nd, x, a->bench, a->hypervisor, a->vms[j], a->vcpus, a->memory, a->metric);
	}
	return finish_needs(e, &nd, x, rc, err, errlen);
}

/* ---------------------------------------------------------- values --- */

static const struct entry *base_entry(struct cal_eval *e, const double *x, int bench, const char *hv, int vms,
				     int vcpus, const char *mem)
{
	struct cal_qty q = { .bench = bench, .hypervisor = hv, .vms = vms, .vcpus = vcpus, .memory = mem };
	char key[CAL_KEY_MAX];
	cal_qty_key(e->cfg, x, &q, key, sizeof key);
	return lookup(e, key);
}

static double base_value(struct cal_eval *e, const double *x, int bench, const char *hv, int vms, int vcpus,
			 const char *mem)
{
	const struct entry *en = base_entry(e, x, bench, hv, vms, vcpus, mem);
	return en ? en->value : NAN;
}

void cal_eval_metric_ci(struct cal_eval *e, const double *x, int bench, const char *hv, int vms, int vcpus,
			const char *mem, int metric, double *lo, double *hi)
{
	const struct entry *en = base_entry(e, x, bench, hv, vms, vcpus, mem);
	*lo = *hi = NAN;
	if (!en || bench != MEAS_SPECWEB)
		return;
	if (metric == MEAS_SESSIONS_PER_VM || metric == MEAS_CUMULATIVE_SESSIONS) {
		int k = metric == MEAS_CUMULATIVE_SESSIONS ? vms : 1;
		*lo = en->lo * k;
		*hi = en->hi * k;
	}
}

double cal_eval_metric(struct cal_eval *e, const double *x, int bench, const char *hv, int vms, int vcpus,
		       const char *mem, int metric)
{
	double v = base_value(e, x, bench, hv, vms, vcpus, mem);
	switch (metric) {
	case MEAS_CUMULATIVE_SESSIONS:
		return v * vms;
	case MEAS_PEAK_CUMULATIVE: {
		double best = NAN;
		for (int k = 1; k <= vms; k++) {
			double c = base_value(e, x, bench, hv, k, vcpus, mem) * k;
			if (isnan(c))
				return NAN;
			if (isnan(best) || c > best)
				best = c;
		}
		return best;
	}
	case MEAS_RATIO_TO_NATIVE: {
		double nat = base_value(e, x, bench, "native", 1, vcpus, mem);
		if (bench == MEAS_BZIP2)
			return v > 0 ? nat / v : NAN;
		return nat > 0 ? v / nat : NAN;
	}
	default:
		return metric == base_metric(bench) ? v : NAN;
	}
}

double cal_eval_value(struct cal_eval *e, const double *x, const struct meas_point *q)
{
	if (q->bench == MEAS_HOST) {
		struct cal_qty hq = { .bench = q->bench, .hypervisor = q->hypervisor, .vms = q->vms, .vcpus = q->vcpus,
				      .memory = q->memory_text, .subject = q->subject, .metric = q->metric };
		char key[CAL_KEY_MAX];
		cal_qty_key(e->cfg, x, &hq, key, sizeof key);
		const struct entry *en = lookup(e, key);
		return en ? en->value : NAN;
	}
	return cal_eval_metric(e, x, q->bench, q->hypervisor, q->vms, q->vcpus, q->memory_text, q->metric);
}

struct simctx {
	struct cal_eval *e;
	const double *x;
};

static double sim_fn(void *ctx, const struct meas_point *q)
{
	struct simctx *s = ctx;
	return cal_eval_value(s->e, s->x, q);
}

double cal_eval_error(struct cal_eval *e, const double *x, size_t i)
{
	struct simctx s = { e, x };
	double err;
	int rc = meas_error(&e->cfg->meas, i, sim_fn, &s, &err);
	if (rc == -EDOM)
		return CAL_ZERO_REF_ERROR;
	return rc ? NAN : err;
}
