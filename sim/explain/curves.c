/*
** `hvsim explain`: a sweep directory: sweep.settings, the curves over vm[NAME].count, their plateaus and loss split; explain_load.
** Shared: read.h; the method: explain.h and docs/explain.md.
*/
#include "sim/explain/read.h"
#include "sim/drive/counterfactual.h"
#include "sim/drive/cap_estimate.h"
#include "sim/report/output.h"
#include "traces/csv.h"
#include <errno.h>
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
	long long npoints;           /* the product of the vary lines' counts */
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
	char *path = x_path_of(dir, "sweep.settings");
	if (!path)
		return x_fail(e, "out of memory");
	if (access(path, F_OK) != 0) {
		x_fail(e, "%s: expected the output directory of hvsim sweep (sweep.settings and sweep.csv), got no %s",
		     dir, path);
		free(path);
		return -1;
	}
	s->buf = x_slurp(path, e);
	int rc = s->buf ? 0 : -1, line = 0, mode = 0;
	for (char *p = s->buf; rc == 0 && p && *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		line++;
		if (line == 1 && strcmp(p, "hvsim sweep") != 0) {
			rc = x_fail(e, "%s:1: expected 'hvsim sweep', got '%.60s'", path, p);
		} else if (strncmp(p, "scenario ", 9) == 0) {
			/* the name goes into the gnuplot scripts' titles, which
			** gnuplot runs (its `system` too): only what the schema
			** takes as a name (ident) */
			const char *nm = p + 9;
			size_t ok = strspn(nm, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789.-");
			if (!*nm || nm[ok] || strchr("0123456789.-", nm[0]))
				rc = x_fail(e, "%s:%d: expected a scenario name (a letter or _, then letters, digits, _, . "
					       "or -), got '%.60s'", path, line, nm);
			else
				snprintf(s->scenario, sizeof s->scenario, "%s", nm);
		} else if (strncmp(p, "mode ", 5) == 0) {
			mode = 1;
			if (strcmp(p + 5, "capacity") == 0)
				s->capacity = 1;
			else if (strcmp(p + 5, "run") != 0)
				rc = x_fail(e, "%s:%d: expected mode run or capacity, got '%s'", path, line, p + 5);
		} else if (strncmp(p, "vary ", 5) == 0) {
			char *colon = strstr(p + 5, ":");
			if (!colon || s->nvary == MAXVARY) {
				rc = x_fail(e, "%s:%d: expected 'vary KEY: VALUE...'", path, line);
				break;
			}
			/* the key ends at the last ": " (keys hold no spaces) */
			char *sp = strchr(p + 5, ' ');
			while (sp && sp[-1] != ':')
				sp = strchr(sp + 1, ' ');
			colon = sp ? sp - 1 : (p[strlen(p) - 1] == ':' ? p + strlen(p) - 1 : NULL);
			if (!colon) {
				rc = x_fail(e, "%s:%d: expected 'vary KEY: VALUE...'", path, line);
				break;
			}
			*colon = 0;
			struct vary *v = &s->vary[s->nvary++];
			v->key = p + 5;
			v->line = line;
			char *q = colon + 1;
			v->val = calloc(strlen(q) + 1, sizeof *v->val);
			if (!v->val) {
				rc = x_fail(e, "out of memory");
				break;
			}
			for (char *tok = strtok(q, " "); tok; tok = strtok(NULL, " "))
				v->val[v->nval++] = tok;
			if (v->nval == 0)
				rc = x_fail(e, "%s:%d: expected values after '%s:'", path, line, v->key);
			/* no sweep has more points: a row's point number (an int,
			** first <vary> outermost) overflowed with 10^12 of them */
			s->npoints = s->nvary == 1 ? v->nval : s->npoints * v->nval;
			if (rc == 0 && s->npoints > SCN_MAX_POINTS)
				rc = x_fail(e, "%s:%d: expected at most " SCN_STR(SCN_MAX_POINTS)
					       " points in all (the product of the vary lines' counts of values)", path, line);
		}
		p = nl ? nl + 1 : NULL;
	}
	if (rc == 0 && line == 0)
		rc = x_fail(e, "%s:1: expected 'hvsim sweep', got an empty file", path);
	else if (rc == 0 && (!mode || s->nvary == 0))
		rc = x_fail(e, "%s:%d: expected a 'mode' line and at least one 'vary' line", path, line);
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

const int explain_plan_reps[EXPLAIN_NPLAN] = { 10, 20, 40 };

/* The chance three independent repetitions name the same plateau if each
** gave each outcome with its resampled share: the sum of share^3. */
static double agree3(const double *share, int npt)
{
	double a = 0;
	for (int i = 0; i <= npt; i++)
		a += share[i] * share[i] * share[i];
	return a;
}

/* With replications at every point: the plateau by the paired test
** (cap_plateau); 1 when it was applied.  Replication r has the same
** seeds at every point, so two points pair up over the replications both
** ran: a search that needed more for its precision ran more, and each
** comparison uses every pair it has (cap_plateau skips a missing one). */
static int plateau_tested(struct xcurve *c)
{
	int R = 0, lo = c->npt ? c->pt[0].nrep : 0;
	for (int i = 0; i < c->npt; i++) {
		if (c->pt[i].nrep > R)
			R = c->pt[i].nrep;
		if (c->pt[i].nrep < lo)
			lo = c->pt[i].nrep;
	}
	if (lo < 1 || c->npt < 2)
		return 0;
	double *m = malloc((size_t)c->npt * (size_t)R * sizeof *m);
	if (!m)
		return 0;
	for (int i = 0; i < c->npt; i++)
		for (int r = 0; r < R; r++)
			/* a point whose every replication found nothing failed: a
			** gap; a replication the point did not run: no pair */
			m[i * R + r] = c->pt[i].cum > 0 && r < c->pt[i].nrep ? c->pt[i].rep[r] : NAN;
	c->plateau = cap_plateau(m, c->npt, R, &c->plat_lo, &c->plat_hi);
	c->has_call = cap_plateau_call(m, c->npt, R, c->plateau, &c->call) == 0;
	/* how far noise of the measured size moves the verdict: only when
	** every point has a spread to draw from (a point with one replication
	** would be a constant and its tests certain); without memory for it
	** the report leaves the line out */
	c->share = lo >= 2 ? malloc((size_t)(c->npt + 1) * sizeof *c->share) : NULL;
	double *plan = c->share ? malloc((size_t)(c->npt + 1) * sizeof *plan) : NULL;
	if (c->share && plan && cap_plateau_resample(m, c->npt, R, 0, EXPLAIN_RESAMPLES, 1, c->share) == 0) {
		c->agree = agree3(c->share, c->npt);
		/* and with more replications at every point */
		for (int k = 0; k < EXPLAIN_NPLAN; k++) {
			c->agree_plan[k] = NAN;
			if (cap_plateau_resample(m, c->npt, R, explain_plan_reps[k], EXPLAIN_RESAMPLES, 1, plan) == 0)
				c->agree_plan[k] = agree3(plan, c->npt);
		}
	} else {
		free(c->share);
		c->share = NULL;
	}
	free(plan);
	c->tested = 1;
	free(m);
	return 1;
}

/* Plateau, best point, loss attribution of one curve. */
static void analyse(struct xcurve *c, double thr)
{
	qsort(c->pt, (size_t)c->npt, sizeof *c->pt, pt_cmp);
	c->plateau = -1;
	c->plat_lo = c->plat_hi = -1;
	c->best = -1;
	int tested = plateau_tested(c);
	for (int i = 0; i < c->npt; i++) {
		struct xpoint *p = &c->pt[i];
		p->growth = NAN;
		if (i + 1 < c->npt && p->cum > 0 && c->pt[i + 1].n > p->n)
			p->growth = (c->pt[i + 1].cum - p->cum) / p->cum / (c->pt[i + 1].n - p->n);
		if (!tested && c->plateau < 0 && isfinite(p->growth) && p->growth < thr)
			c->plateau = c->plat_lo = c->plat_hi = i;
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
		p->noise = 0;
		/* a loss the replications cannot tell from none is not split */
		int nr = p->nrep < b->nrep ? p->nrep : b->nrep;
		if (p->lost > 0 && nr >= 2 && p->vms > 0 && b->vms > 0) {
			double d[EXPLAIN_MAXREP], m = 0, ss = 0;
			for (int r = 0; r < nr; r++) {
				d[r] = b->rep[r] / b->vms - p->rep[r] / p->vms;
				m += d[r];
			}
			m /= nr;
			for (int r = 0; r < nr; r++)
				ss += (d[r] - m) * (d[r] - m);
			double se = sqrt(ss / (nr - 1) / nr);
			p->noise = fabs(m) <= gsl_cdf_tdist_Pinv(0.975, nr - 1) * se;
		}
		if (p->noise)
			continue;
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

/* A capacity point's replications (capacity_replications.csv; absent
** in a sweep of an older hvsim: none). */
static int read_reps(struct xpoint *p, const char *pdir, struct xerr *e)
{
	struct table t = { 0 };
	p->nrep = 0;
	int lr = x_table_load(&t, pdir, "capacity_replications.csv", 1, e);
	if (lr) {
		x_table_free(&t);
		return lr < 0 ? -1 : 0;
	}
	int c = x_col(&t, "cumulative_sessions", e), rc = c < 0 ? -1 : 0;
	if (t.nrow > EXPLAIN_MAXREP)
		rc = x_fail(e, "%s:%d: expected at most %d replications", t.path, t.line[EXPLAIN_MAXREP],
			    EXPLAIN_MAXREP);
	for (int r = 0; rc == 0 && r < t.nrow; r++)
		if (x_num(&t, r, c, 0, &p->rep[r], e))
			rc = -1;
		else
			p->nrep++;
	x_table_free(&t);
	return rc;
}

void explain_free(struct explain *x)
{
	for (int k = 0; k < x->ncurve; k++) {
		for (int i = 0; i < x->curve[k].npt; i++) {
			x_xtab_free(x->curve[k].pt[i].tab);
			free(x->curve[k].pt[i].res);
		}
		free(x->curve[k].pt);
		free(x->curve[k].share);
	}
	free(x->curve);
	for (int i = 0; i < x->ncf; i++) {
		cf_free(x->cf[i].r);
		free(x->cf[i].r);
	}
	free(x->cf);
	explain_grade_free(x);
	free(x->dir);
	memset(x, 0, sizeof *x);
}

/* Long: the sweep's files read and its curves built in order, each failure
** reported where it arises. */
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
		return x_fail(&e, "out of memory");
	int rc = read_settings(&s, dir, &e);
	int vk = -1;
	if (rc == 0) {
		x->capacity = s.capacity;
		snprintf(x->scenario, sizeof x->scenario, "%s", s.scenario);
		for (int k = 0; k < s.nvary && vk < 0; k++)
			if (is_count_key(s.vary[k].key))
				vk = k;
		if (vk < 0)
			rc = x_fail(&e, "%s/sweep.settings:%d: expected a vary of a VM count (vm[NAME].count), got %s%s", dir,
				  s.vary[0].line, s.vary[0].key, s.nvary > 1 ? " and others" : "");
		else
			snprintf(x->key, sizeof x->key, "%s", s.vary[vk].key);
		for (int i = 0; rc == 0 && vk >= 0 && i < s.vary[vk].nval; i++) {
			double v;
			if (x_num_of(s.vary[vk].val[i], &v))
				rc = x_fail(&e, "%s/sweep.settings:%d: expected VM counts, got '%s'", dir, s.vary[vk].line,
					  s.vary[vk].val[i]);
		}
	}
	if (rc == 0)
		rc = x_table_load(&t, dir, "sweep.csv", 0, &e);
	for (int k = 0; rc == 0 && k < s.nvary; k++)
		if (k >= t.ncol || strcmp(t.head[k], s.vary[k].key) != 0)
			rc = x_fail(&e, "%s:1: expected column %d to be the varied key %s, got %s", t.path, k + 1,
				  s.vary[k].key, k < t.ncol ? t.head[k] : "nothing");
	int cvms = -1, cvpv = -1, ccum = -1, cper = -1, cpages = -1, clo = -1, chi = -1;
	char *seen = rc == 0 ? calloc((size_t)s.npoints, 1) : NULL;   /* at most SCN_MAX_POINTS */
	if (rc == 0 && !seen)
		rc = x_fail(&e, "out of memory");
	if (rc == 0) {
		cvms = x_col(&t, "vms", &e);
		cvpv = x_col(&t, "vcpus_per_vm", &e);
		ccum = x_col(&t, s.capacity ? "cumulative_sessions" : "pages_per_s", &e);
		cper = s.capacity ? x_col(&t, "sessions_per_vm", &e) : 0;
		for (int i = 0; i < t.ncol; i++) {
			if (!s.capacity && strcmp(t.head[i], "pages") == 0)
				cpages = i;
			if (s.capacity && strcmp(t.head[i], "ci_low") == 0)
				clo = i;
			if (s.capacity && strcmp(t.head[i], "ci_high") == 0)
				chi = i;
		}
		if (cvms < 0 || cvpv < 0 || ccum < 0 || cper < 0)
			rc = -1;
		else if (t.nrow == 0)
			rc = x_fail(&e, "%s:2: expected at least one row (a finished point)", t.path);
	}
	for (int r = 0; rc == 0 && r < t.nrow; r++) {
		/* the point's number from its values (first <vary> outermost) */
		int pidx = 0;
		for (int k = 0; k < s.nvary && rc == 0; k++) {
			int i = 0;
			while (i < s.vary[k].nval && strcmp(s.vary[k].val[i], x_cell(&t, r, k)) != 0)
				i++;
			if (i == s.vary[k].nval)
				rc = x_fail(&e, "%s:%d: expected a value of %s listed in sweep.settings, got '%s'", t.path,
					  t.line[r], s.vary[k].key, x_cell(&t, r, k));
			pidx = pidx * s.vary[k].nval + i;
		}
		if (rc)
			break;
		/* a row twice (a bad merge, a concatenation) would be a point
		** twice on its curve, its loss summed twice; resuming refuses
		** it with the same words */
		if (seen && seen[pidx]++) {
			rc = x_fail(&e, "%s:%d: expected each point once, got point %d again", t.path, t.line[r],
				    pidx + 1);
			break;
		}
		/* its curve: the values of the other keys */
		char label[512] = "";
		size_t ll = 0;
		for (int k = 0; k < s.nvary; k++)
			if (k != vk && ll < sizeof label)
				ll += (size_t)snprintf(label + ll, sizeof label - ll, "%s%s=%s", ll ? ", " : "", s.vary[k].key,
						       x_cell(&t, r, k));
		if (!label[0])
			snprintf(label, sizeof label, "all points");
		int ci = 0;
		while (ci < x->ncurve && strcmp(x->curve[ci].label, label) != 0)
			ci++;
		if (ci == x->ncurve) {
			struct xcurve *nc = realloc(x->curve, (size_t)(x->ncurve + 1) * sizeof *nc);
			if (!nc) {
				rc = x_fail(&e, "out of memory");
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
			rc = x_fail(&e, "out of memory");
			break;
		}
		c->pt = np;
		struct xpoint *p = &c->pt[c->npt++];
		memset(p, 0, sizeof *p);
		p->point = pidx + 1;
		p->line = t.line[r];
		double vms;
		x_num_of(x_cell(&t, r, vk), &p->n);
		if (x_num(&t, r, cvms, 0, &vms, &e) || x_num(&t, r, cvpv, 0, &p->vcpus_per_vm, &e) ||
		    x_num(&t, r, ccum, 0, &p->cum, &e) || (s.capacity && x_num(&t, r, cper, 0, &p->per_vm, &e))) {
			rc = -1;
			break;
		}
		p->vms = (int)vms;
		if (!s.capacity)
			p->per_vm = p->vms > 0 ? p->cum / p->vms : 0;
		/* the interval (per VM in sweep.csv; empty with one replication) */
		p->ci_lo = p->ci_hi = p->cum;
		if (clo >= 0 && chi >= 0 && x_cell(&t, r, clo)[0] && x_cell(&t, r, chi)[0] && p->per_vm > 0) {
			double lo, hi;
			if (x_num(&t, r, clo, 0, &lo, &e) || x_num(&t, r, chi, 0, &hi, &e)) {
				rc = -1;
				break;
			}
			p->ci_lo = lo * p->cum / p->per_vm;
			p->ci_hi = hi * p->cum / p->per_vm;
		}
		char sub[32];
		snprintf(sub, sizeof sub, "points/%03d", p->point);
		char *pdir = x_path_of(dir, sub);
		if (!pdir) {
			rc = x_fail(&e, "out of memory");
			break;
		}
		char *sj = x_path_of(pdir, "summary.json");
		/* a capacity point without a run at capacity: its answer was 0 */
		int skip = s.capacity && sj && access(sj, F_OK) != 0 && p->per_vm <= 0;
		if (s.capacity && sj && access(sj, F_OK) != 0 && p->per_vm > 0)
			rc = x_fail(&e, "%s: expected the run at capacity (summary.json, vms.csv, ...) of a point with %g "
				      "sessions per VM (a sweep of an older hvsim? run it again)",
				  pdir, p->per_vm);
		else if (!skip && (rc = x_load_run(p, pdir, &e)) == 0)
			rc = x_load_tail(p, pdir, &e);
		if (rc == 0 && s.capacity)
			rc = read_reps(p, pdir, &e);
		/* no SPECweb (pages_per_s 0): the judged pages (jobs) a second */
		double pages;
		if (rc == 0 && !s.capacity && p->cum == 0 && p->have_run && cpages >= 0 &&
		    x_num(&t, r, cpages, 1, &pages, &e) == 0 && pages > 0) {
			p->cum = pages / p->measured;
			p->per_vm = p->vms > 0 ? p->cum / p->vms : 0;
		}
		free(sj);
		free(pdir);
	}
	for (int k = 0; rc == 0 && k < x->ncurve; k++)
		analyse(&x->curve[k], threshold);
	free(seen);
	x_table_free(&t);
	settings_free(&s);
	if (rc)
		explain_free(x);
	return rc;
}
