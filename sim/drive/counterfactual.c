/*
** Counterfactual attribution of a capacity (see counterfactual.h).
**
** Cache: every finished search appends one line per replication to
** o->cache ("key,remove,rep,cumulative"), fsynced, so an interrupted or
** repeated explanation reruns nothing it has; a line is used only under
** the same key (the point, its overrides, the scenario file's bytes and
** the replications: the caller's).
*/
#include "sim/drive/counterfactual.h"
#include "sim/drive/capacity.h"
#include "sim/engine/infile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

struct cf_est cf_estimate(const double *x, int n)
{
	struct cf_est e = { 0, 0, 0 };
	if (n <= 0)
		return e;
	double m = 0, ss = 0;
	for (int i = 0; i < n; i++)
		m += x[i];
	m /= n;
	for (int i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);
	e.mean = e.lo = e.hi = m;
	if (n > 1) {
		double h = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(ss / (n - 1) / n);
		e.lo = m - h;
		e.hi = m + h;
	}
	return e;
}

int cf_popcount(unsigned m)
{
	int n = 0;
	for (; m; m &= m - 1)
		n++;
	return n;
}

void cf_shapley(int n, const double *v, double *phi)
{
	/* weight of a coalition of k others: k! (n - k - 1)! / n! */
	double wk[CF_MAXPLAYER + 1];
	for (int k = 0; k < n; k++) {
		double w = 1;
		for (int j = 1; j <= k; j++)
			w *= j;
		for (int j = 1; j <= n - k - 1; j++)
			w *= j;
		for (int j = 1; j <= n; j++)
			w /= j;
		wk[k] = w;
	}
	unsigned full = (1u << n) - 1;
	for (int i = 0; i < n; i++) {
		double s = 0;
		for (unsigned m = 0; m <= full; m++)
			if (!(m & (1u << i)))
				s += wk[cf_popcount(m)] * (v[m | (1u << i)] - v[m]);
		phi[i] = s;
	}
}

unsigned cf_applicable(const struct scenario *s)
{
	unsigned a = 1u << SCN_IDEAL_SWITCH | 1u << SCN_IDEAL_NIC | 1u << SCN_IDEAL_DISK;
	const char *kind = s->hv.kind ? s->hv.kind : "native";
	int native = strcmp(kind, "native") == 0;
	long long vcpus = 0;
	int numa = 0, lock = 0, files = 0;
	for (int i = 0; i < s->nvms; i++) {
		const struct scn_vm *v = &s->vm[i];
		vcpus += (long long)v->count * v->vcpus;
		numa |= v->mem_share > 0;
		lock |= v->vcpus > 1 && v->guest.lock_hold > 0;
		for (int k = 0; k < v->nworkloads; k++)
			files |= (v->workload[k].kind == WL_SPECWEB || v->workload[k].kind == WL_REQUESTS) &&
				 v->workload[k].specweb.fileset > 0;
	}
	if (numa && s->machine.nnodes > 1)
		a |= 1u << SCN_IDEAL_NUMA;
	if (lock)
		a |= 1u << SCN_IDEAL_LHP;
	if (!native && (s->hv.costs.cpu_factor != 1 || s->hv.io.shadow != 1))
		a |= 1u << SCN_IDEAL_PAGING;
	if (!native)
		a |= 1u << SCN_IDEAL_EMULATION;
	if (strcmp(kind, "xen") == 0 || strcmp(kind, "kvm") == 0)
		a |= 1u << SCN_IDEAL_EMU_WAIT;
	if (files)
		a |= 1u << SCN_IDEAL_PAGECACHE;
	if (vcpus > scn_ncpus(&s->machine))
		a |= 1u << SCN_IDEAL_OVERCOMMIT;
	return a;
}

static void mask_name(unsigned m, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	if (!m) {
		snprintf(buf, len, "-");
		return;
	}
	for (int c = 0; c < SCN_IDEAL_N && n < len; c++)
		if (m & (1u << c))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "+" : "", scn_ideal_name(c));
}

static int mask_parse(const char *s, unsigned *m)
{
	*m = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", s);
	char *save = NULL;
	for (char *t = strtok_r(buf, "+", &save); t; t = strtok_r(NULL, "+", &save)) {
		int c = scn_ideal_find(t);
		if (c < 0)
			return -1;
		*m |= 1u << c;
	}
	return 0;
}

const struct cf_run *cf_find(const struct cf_result *r, unsigned mask)
{
	for (int i = 0; i < r->nrun; i++)
		if (r->run[i].mask == mask)
			return &r->run[i];
	return NULL;
}

void cf_player_name(const struct cf_result *r, int i, char *buf, size_t len)
{
	char m[200];
	mask_name(r->player[i], m, sizeof m);
	if (r->grouped && i == r->nplayer - 1)
		snprintf(buf, len, "other causes (%s)", m);
	else
		snprintf(buf, len, "%s", m);
}

/* ------------------------------------------------------------ cache --- */

/* The cached cumulative of (key, mask, rep), or NAN. */
static double cache_get(const char *path, const char *key, unsigned mask, int rep)
{
	char why[200];
	FILE *f = path ? infile_open(path, why, sizeof why) : NULL;   /* a FIFO would block fopen */
	if (!f)
		return NAN;
	char line[1024];
	double v = NAN;
	while (fgets(line, sizeof line, f)) {
		char *c1 = strchr(line, ',');
		char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		char *c3 = c2 ? strchr(c2 + 1, ',') : NULL;
		if (!c3)
			continue;
		*c1 = *c2 = *c3 = 0;
		unsigned m;
		if (strcmp(line, key) || mask_parse(c1 + 1, &m) || m != mask || atoi(c2 + 1) != rep)
			continue;
		char *end;
		double x = strtod(c3 + 1, &end);
		if (end != c3 + 1)
			v = x;
	}
	fclose(f);
	return v;
}

static int cache_put(const char *path, const char *key, const struct cf_run *run, int reps)
{
	if (!path)
		return 0;
	int fresh = access(path, F_OK) != 0;
	FILE *f = fopen(path, "a");
	if (!f)
		return -1;
	char m[200];
	mask_name(run->mask, m, sizeof m);
	if (fresh)
		fputs("key,remove,rep,cumulative\n", f);
	for (int r = 0; r < reps; r++)
		fprintf(f, "%s,%s,%d,%.9g\n", key, m, r, run->v[r]);
	int rc = fflush(f) || fsync(fileno(f)) ? -1 : 0;
	return fclose(f) || rc ? -1 : 0;
}

/* ----------------------------------------------------------- search --- */

static int load(const struct cf_point *pt, struct scenario *s, char *err, size_t errlen)
{
	struct diag d = { 0 };
	if (scn_load(s, pt->file, pt->ov, pt->nov, 0, &d)) {
		diag_to_str(&d, err, errlen, "cannot load the scenario");
		diag_free(&d);
		return -1;
	}
	diag_free(&d);
	if (pt->has_seed)
		s->seed = pt->seed;
	return 0;
}

/* The search with the causes of mask removed: into r's runs (reused
** when there). */
static int search(const struct cf_point *pt, const struct cf_opts *o, struct cf_result *r, unsigned mask,
		  char *err, size_t errlen)
{
	if (cf_find(r, mask))
		return 0;
	if (r->nrun == r->caprun) {
		int cap = r->caprun ? 2 * r->caprun : 16;
		struct cf_run *n = realloc(r->run, (size_t)cap * sizeof *n);
		if (!n) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		r->run = n;
		r->caprun = cap;
	}
	struct cf_run *run = &r->run[r->nrun];
	memset(run, 0, sizeof *run);
	run->mask = mask;
	int have = 0;
	for (int k = 0; k < r->reps && o->cache && o->key; k++)
		if (!isnan(run->v[k] = cache_get(o->cache, o->key, mask, k)))
			have++;
	char name[200];
	mask_name(mask, name, sizeof name);
	if (have == r->reps) {
		run->cached = 1;
		r->cached++;
	} else {
		struct scenario s;
		if (load(pt, &s, err, errlen))
			return -1;
		s.capacity.replications = r->reps;
		s.capacity.precision = 0;
		s.capacity.max_replications = 0;
		if (scn_set_ideal(&s, mask)) {
			snprintf(err, errlen, "%s: removing %s: too many pCPUs", pt->file, name);
			scn_free(&s);
			return -1;
		}
		struct cap_result cr;
		int rc = cap_search(&s, o->jobs, o->stop, &cr, err, errlen);
		if (rc == 0) {
			for (int k = 0; k < r->reps && k < cr.nrep; k++)
				run->v[k] = cr.rep[k].est * cr.vms_varied;
			r->vms = cr.vms_varied;
		}
		cap_free(&cr);
		scn_free(&s);
		if (rc)
			return rc;
		r->searches++;
		if (cache_put(o->cache, o->key, run, r->reps)) {
			snprintf(err, errlen, "%s: cannot append: %s", o->cache, strerror(errno ? errno : EIO));
			return -1;
		}
	}
	run->cap = cf_estimate(run->v, r->reps);
	r->nrun++;
	if (o->progress)
		fprintf(o->progress, "  removed %-28s %10.1f sessions (%.1f .. %.1f)%s\n", name, run->cap.mean,
			run->cap.lo, run->cap.hi, run->cached ? " (cached)" : "");
	return 0;
}

/* Per replication, the gain of run m over the baseline. */
static struct cf_est gain(const struct cf_result *r, unsigned m)
{
	const struct cf_run *a = cf_find(r, m), *b = cf_find(r, 0);
	double d[CF_MAXREP];
	for (int k = 0; k < r->reps; k++)
		d[k] = a->v[k] - b->v[k];
	return cf_estimate(d, r->reps);
}

int cf_run_point(const struct cf_point *pt, const struct cf_opts *o, struct cf_result *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	r->reps = o->reps > 0 ? o->reps : 3;
	if (r->reps > CF_MAXREP)
		r->reps = CF_MAXREP;
	int xmax = o->exact_max > 0 ? o->exact_max : 4;
	if (xmax > CF_MAXPLAYER)
		xmax = CF_MAXPLAYER;
	struct scenario s;
	if (load(pt, &s, err, errlen))
		return -1;
	r->applicable = cf_applicable(&s);
	scn_free(&s);
	unsigned cand = r->applicable & (o->causes ? o->causes : ~0u);
	int rc = search(pt, o, r, 0, err, errlen);
	if (rc)
		return rc;
	/* every cause alone; one whose removal changes no replication at
	** all (common random numbers: the runs are the same) is inert */
	int order[SCN_IDEAL_N], n = 0;
	for (int c = 0; c < SCN_IDEAL_N; c++) {
		if (!(cand & (1u << c)))
			continue;
		if ((rc = search(pt, o, r, 1u << c, err, errlen)))
			return rc;
		const struct cf_run *a = cf_find(r, 1u << c), *b = cf_find(r, 0);
		int moved = 0;
		for (int k = 0; k < r->reps; k++)
			moved |= a->v[k] != b->v[k];
		if (moved)
			order[n++] = c;
		else
			r->inert |= 1u << c;
	}
	/* the causes that move anything, largest gain alone first; as many
	** as fit stay players, the rest (inert ones included: they may
	** matter once another cause is gone) are removed together as one */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (gain(r, 1u << order[j]).mean > gain(r, 1u << order[i]).mean) {
				int t = order[i];
				order[i] = order[j];
				order[j] = t;
			}
	int own = n + (r->inert ? 1 : 0) <= xmax ? n : xmax - 1;
	for (int i = 0; i < own; i++)
		r->player[r->nplayer++] = 1u << order[i];
	unsigned rest = r->inert;
	for (int i = own; i < n; i++)
		rest |= 1u << order[i];
	if (rest) {
		r->player[r->nplayer++] = rest;
		r->grouped = 1;
	}
	int np = r->nplayer;
	unsigned full = np ? (1u << np) - 1 : 0;
	double *v = malloc(((size_t)full + 1) * CF_MAXREP * sizeof *v);
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned m = 0; m <= full; m++) {
		unsigned causes = 0;
		for (int i = 0; i < np; i++)
			if (m & (1u << i))
				causes |= r->player[i];
		if ((rc = search(pt, o, r, causes, err, errlen))) {
			free(v);
			return rc;
		}
		const struct cf_run *run = cf_find(r, causes);
		for (int k = 0; k < r->reps; k++)
			v[(size_t)k * (full + 1) + m] = run->v[k];
	}
	for (int k = 0; k < r->reps; k++) {
		double phi[CF_MAXPLAYER];
		cf_shapley(np, v + (size_t)k * (full + 1), phi);
		for (int i = 0; i < np; i++)
			r->phi_r[i][k] = phi[i];
	}
	free(v);
	for (int i = 0; i < np; i++)
		r->phi[i] = cf_estimate(r->phi_r[i], r->reps);
	for (int c = 0; c < SCN_IDEAL_N; c++)
		if (cf_find(r, 1u << c)) {
			r->single[c] = gain(r, 1u << c);
			r->has_single[c] = 1;
		}
	unsigned all = 0;
	for (int i = 0; i < np; i++)
		all |= r->player[i];
	r->base = cf_find(r, 0)->cap;
	r->all = cf_find(r, all)->cap;
	r->total = gain(r, all);
	return 0;
}

void cf_free(struct cf_result *r)
{
	free(r->run);
	memset(r, 0, sizeof *r);
}
