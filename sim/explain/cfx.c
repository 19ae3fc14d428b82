/*
** `hvsim explain --counterfactual SCEN.xml`: the chosen points of a
** capacity sweep searched again with causes removed, their capacity split
** by the Shapley value (sim/drive/counterfactual.h), and curves at the
** same VM count compared through the identity
**
**   C_A - C_B = (C*_A - C*_B) - sum over causes (phi_A,c - phi_B,c)
**
** (C* the capacity with every cause removed): the difference the causes
** make, cause by cause, and what is left without any of them (docs/explain.md).
*/
#include "sim/explain/read.h"
#include "sim/drive/counterfactual.h"
#include "sim/engine/infile.h"
#include "sim/drive/sweep.h"
#include "sim/drive/sweep_reuse.h"
#include "sim/engine/rng.h"
#include "sim/engine/units.h"
#include "sim/report/output.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* sweep.settings: its seed, its --set overrides, its vary lines. */
struct sset {
	char *buf;
	int has_seed;
	uint64_t seed;
	struct scn_override ov[64];
	int nov;
	char *vary;                   /* the vary lines, joined by '\n' */
};

static int read_sset(struct sset *s, const char *dir, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	char ebuf[1024] = "";
	struct xerr e = { ebuf, sizeof ebuf };
	char *path = x_path_of(dir, "sweep.settings");
	s->buf = path ? x_slurp(path, &e) : NULL;
	if (!s->buf) {
		snprintf(err, errlen, "%s", ebuf[0] ? ebuf : "out of memory");
		free(path);
		return -1;
	}
	size_t vl = 0;
	s->vary = calloc(strlen(s->buf) + 1, 1);
	int line = 0, rc = 0;
	for (char *p = s->buf; s->vary && p && *p && rc == 0;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		line++;
		if (strncmp(p, "seed ", 5) == 0) {
			/* as hvsim sweep writes it (strtoull alone took "x" as 0
			** and "-1" as 2^64 - 1, a seed the sweep never ran) */
			s->has_seed = 1;
			if (units_u64(p + 5, &s->seed, NULL)) {
				snprintf(err, errlen, "%s:%d: expected 'seed N' (%s), got '%.80s'", path, line, units_u64_why,
					 p);
				rc = -1;
			}
		} else if (strncmp(p, "set ", 4) == 0) {
			char *eq = strchr(p + 4, '=');
			if (!eq || s->nov == 64) {
				snprintf(err, errlen, "%s:%d: expected 'set KEY=VALUE', got '%.80s'", path, line, p);
				rc = -1;
			} else {
				*eq = 0;
				s->ov[s->nov].key = p + 4;
				s->ov[s->nov++].value = eq + 1;
			}
		} else if (strncmp(p, "vary ", 5) == 0) {
			vl += (size_t)sprintf(s->vary + vl, "%s\n", p);
		}
		p = nl ? nl + 1 : NULL;
	}
	free(path);
	if (!s->vary && rc == 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	if (rc) {   /* nothing for the caller to free */
		free(s->buf);
		free(s->vary);
		s->buf = s->vary = NULL;
	}
	return rc;
}

static void sset_free(struct sset *s)
{
	free(s->buf);
	free(s->vary);
}


/* Load the scenario at path with the sweep's overrides into *s and check
** that it is the sweep's (its name, its vary lines): 0; -1 (s loaded,
** to be freed) when it is another; -2 (nothing loaded) when it does not
** load.  err says why. */
static int load_sweep_scenario(const struct explain *x, const char *path, const struct sset *st, struct scenario *s,
			       char *err, size_t errlen)
{
	struct diag d = { 0 };
	if (scn_load(s, path, st->ov, st->nov, 0, &d)) {
		diag_to_str(&d, err, errlen, "cannot load the scenario");
		diag_free(&d);
		return -2;
	}
	diag_free(&d);
	char *vary = NULL;
	size_t vlen = 0;
	int rc = 0;
	FILE *vf = open_memstream(&vary, &vlen);
	if (vf) {
		sweep_write_vary(vf, &s->sweep);
		fclose(vf);
	}
	if (strcmp(s->name, x->scenario) || !vary || strcmp(vary, st->vary)) {
		snprintf(err, errlen, "%s: expected the scenario of the sweep in %s (scenario %s, its vary lines), got "
			 "scenario %s%s", path, x->dir, x->scenario, s->name,
			 strcmp(s->name, x->scenario) ? "" : " with other vary lines");
		rc = -1;
	}
	free(vary);
	return rc;
}

/* Past the XML declaration and the comment of what the sweep added (seed,
** start) of a model.xml: the model itself. */
static const char *model_body(const char *m)
{
	for (int k = 0; k < 2 && m; k++) {
		m = strchr(m, '\n');
		m = m ? m + 1 : NULL;
	}
	return m ? m : "";
}

/* Is the scenario at path, with point p's overrides, the model the sweep
** ran at p (points/NNN/model.xml, sim/drive/sweep_reuse.c)?  A file with
** the sweep's name and vary lines but another value (a parameter edited
** since) would split another model's capacity.  0 when it is, or when
** the sweep kept no model.xml; -1 with err. */
static int same_model(const struct explain *x, const char *path, const struct scn_override *ov, int nov, int p,
		      char *err, size_t errlen)
{
	char rel[64], why[256];
	snprintf(rel, sizeof rel, "points/%03d/model.xml", p + 1);
	char *mp = x_path_of(x->dir, rel);
	char *had = mp ? out_read(mp, NULL, why, sizeof why) : NULL;
	int gone = !had && errno == ENOENT;
	if (!had) {
		if (!gone)
			snprintf(err, errlen, "%s: %s", mp ? mp : rel, mp ? why : "out of memory");
		free(mp);
		return gone ? 0 : -1;
	}
	struct scenario s;
	struct diag d = { 0 };
	int rc = -1;
	if (scn_load(&s, path, ov, nov, 0, &d)) {
		diag_to_str(&d, err, errlen, "cannot load the scenario");
	} else {
		char *now = sweep_model_xml(&s, 1, 0);
		if (!now)
			snprintf(err, errlen, "out of memory");
		else if (strcmp(model_body(now), model_body(had)))
			snprintf(err, errlen, "%s: expected the scenario of the sweep in %s as it ran, got one whose "
				 "model at point %d differs from %s (a value changed since the sweep ran)",
				 path, x->dir, p + 1, mp);
		else
			rc = 0;
		free(now);
		scn_free(&s);
	}
	diag_free(&d);
	free(had);
	free(mp);
	return rc;
}

/* The cache key of a point's searches: the point, the scenario file's
** bytes, the overrides, the seed and the replications. */
static void point_key(char *key, size_t keylen, int p, int reps, const char *ftext, size_t flen,
		      const struct scn_override *ov, int nov, const struct sset *st)
{
	uint64_t h = rng_fnv1a(RNG_FNV_BASIS, ftext ? ftext : "", flen);
	for (int j = 0; j < nov; j++) {
		h = rng_fnv1a(h, ov[j].key, strlen(ov[j].key) + 1);
		h = rng_fnv1a(h, ov[j].value, strlen(ov[j].value) + 1);
	}
	h = rng_fnv1a(h, &st->seed, sizeof st->seed);
	snprintf(key, keylen, "p%03d-r%d-%016llx", p + 1, reps, (unsigned long long)h);
}

/* A whole number of at least 1 spanning [s, e): its value, or -1. */
static long whole(const char *s, const char *e)
{
	if (s == e || e - s > 9)
		return -1;
	long v = 0;
	for (const char *c = s; c < e; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		v = v * 10 + (*c - '0');
	}
	return v >= 1 ? v : -1;
}

/* The --points item at t (up to ',' or the end, *end set there): COUNT
** (*curve 0: every curve) or CURVE:COUNT; 0, or -1 when malformed. */
static int points_item(const char *t, const char **end, long *curve, long *n)
{
	*end = t + strcspn(t, ",");
	const char *colon = memchr(t, ':', (size_t)(*end - t));
	*curve = colon ? whole(t, colon) : 0;
	*n = whole(colon ? colon + 1 : t, *end);
	return *curve < 0 || *n < 0 ? -1 : 0;
}

/* Is point idx of curve k chosen by spec: plateau, all, or a list of VM
** counts (every curve) and CURVE:COUNT pairs (checked by check_points)? */
static int chosen(const struct xcurve *c, int k, int idx, const char *spec)
{
	if (!spec || strcmp(spec, "plateau") == 0)
		return idx == c->plateau || idx == c->npt - 1;
	if (strcmp(spec, "all") == 0)
		return 1;
	const char *end;
	long curve, n;
	for (const char *t = spec; points_item(t, &end, &curve, &n) == 0; t = end + 1) {
		if ((curve == 0 || curve == k + 1) && c->pt[idx].n == (double)n)
			return 1;
		if (!*end)
			break;
	}
	return 0;
}

/* --points other than plateau and all: every item a VM count of some
** curve (COUNT) or of curve CURVE (CURVE:COUNT); 0, or -1 with the
** reason in err.  An item that chose nothing used to pass silently, and
** with it the whole counterfactual. */
static int check_points(const struct explain *x, const char *spec, char *err, size_t errlen)
{
	const char *end;
	for (const char *t = spec;; t = end + 1) {
		long curve, n;
		int ok = points_item(t, &end, &curve, &n) == 0, found = 0;
		for (int k = 0; ok && k < x->ncurve; k++)
			for (int i = 0; (curve == 0 || k + 1 == curve) && i < x->curve[k].npt; i++)
				found |= x->curve[k].pt[i].n == (double)n;
		if (!found) {
			snprintf(err, errlen,
				 "--points: expected plateau, all, VM counts of the sweep's curves like 4,8 or "
				 "CURVE:COUNT with CURVE from 1 to %d like 1:4, got '%.*s'%s",
				 x->ncurve, (int)(end - t), t, ok ? " (no such point in the sweep)" : "");
			return -1;
		}
		if (!*end)
			return 0;
	}
}

int explain_counterfactual(struct explain *x, const struct explain_cf_opts *o, char *err, size_t errlen)
{
	if (!x->capacity) {
		snprintf(err, errlen, "%s: --counterfactual needs a capacity sweep (<sweep mode=\"capacity\">): its points "
			 "are capacities to split", x->dir);
		return -1;
	}
	if (o->points && strcmp(o->points, "plateau") && strcmp(o->points, "all") &&
	    check_points(x, o->points, err, errlen))
		return -1;
	char why[256];
	if (infile_check(o->scenario, why, sizeof why)) {   /* not opened: a FIFO would block */
		snprintf(err, errlen, "%s: expected the sweep's scenario file: %s", o->scenario, why);
		return -1;
	}
	struct sset st;
	if (read_sset(&st, x->dir, err, errlen))
		return -1;
	/* the scenario must be the sweep's: its name and its vary lines */
	struct scenario s;
	int rc = load_sweep_scenario(x, o->scenario, &st, &s, err, errlen);
	if (rc == -2) {
		sset_free(&st);
		return -1;
	}
	size_t flen = 0;
	char *ftext = NULL;
	if (rc == 0) {
		char ebuf[1024] = "";
		struct xerr e = { ebuf, sizeof ebuf };
		ftext = x_slurp(o->scenario, &e);
		flen = ftext ? strlen(ftext) : 0;
	}
	snprintf(x->cf_scenario, sizeof x->cf_scenario, "%s", o->scenario);
	char *cache = x_path_of(x->dir, "counterfactual-runs.csv");
	/* an existing store is a regular file: appending to a FIFO blocked
	** after the first search until the command was killed */
	struct stat cst;
	if (rc == 0 && cache && stat(cache, &cst) == 0 && infile_regular(&cst, why, sizeof why)) {
		snprintf(err, errlen, "%s: %s (the store of counterfactual searches)", cache, why);
		rc = -1;
	}
	for (int k = 0; rc == 0 && k < x->ncurve; k++) {
		const struct xcurve *c = &x->curve[k];
		for (int i = 0; rc == 0 && i < c->npt; i++) {
			if (!chosen(c, k, i, o->points) || c->pt[i].point < 1)
				continue;
			int p = c->pt[i].point - 1;
			const char *val[SCN_MAX_VARY];
			if (sweep_point(&s.sweep, p, val)) {
				snprintf(err, errlen, "%s: point %d is not in the scenario's sweep", x->dir, p + 1);
				rc = -1;
				break;
			}
			struct scn_override ov[64 + SCN_MAX_VARY];
			int nov = 0;
			for (int j = 0; j < st.nov; j++)
				ov[nov++] = st.ov[j];
			for (int v = 0; v < s.sweep.nvary; v++) {
				ov[nov].key = s.sweep.vary[v].key;
				ov[nov++].value = val[v];
			}
			if (same_model(x, o->scenario, ov, nov, p, err, errlen)) {
				rc = -1;
				break;
			}
			char key[64];
			point_key(key, sizeof key, p, o->reps, ftext, flen, ov, nov, &st);
			struct xcf *n = realloc(x->cf, (size_t)(x->ncf + 1) * sizeof *n);
			struct cf_result *r = calloc(1, sizeof *r);
			if (!n || !r) {
				free(r);
				snprintf(err, errlen, "out of memory");
				rc = -1;
				break;
			}
			x->cf = n;
			x->cf[x->ncf] = (struct xcf){ k, i, r };
			x->ncf++;
			struct cf_point pt = { o->scenario, ov, nov, st.has_seed, st.seed };
			struct cf_opts co = { .causes = o->causes, .reps = o->reps, .jobs = o->jobs, .stop = o->stop,
					      .progress = o->progress, .cache = cache, .key = key };
			if (o->progress)
				fprintf(o->progress, "counterfactual: curve %d (%s), %g VMs (point %d)\n", k + 1, c->label,
					c->pt[i].n, p + 1);
			rc = cf_run_point(&pt, &co, r, err, errlen);
		}
	}
	free(cache);
	free(ftext);
	scn_free(&s);
	sset_free(&st);
	return rc;
}

/* ----------------------------------------------------------- report --- */

static void est(FILE *f, struct cf_est e, int sign)
{
	if (e.lo == e.hi)
		fprintf(f, sign ? "%+.1f" : "%.1f", e.mean);
	else
		fprintf(f, sign ? "%+.1f (%+.1f .. %+.1f)" : "%.1f (%.1f .. %.1f)", e.mean, e.lo, e.hi);
}

static const struct xcf *find_cf(const struct explain *x, int k, double n)
{
	for (int i = 0; i < x->ncf; i++)
		if (x->cf[i].curve == k && x->curve[k].pt[x->cf[i].idx].n == n)
			return &x->cf[i];
	return NULL;
}

/* phi of cause c in r when c is a player of its own, else NULL. */
static const double *phi_of(const struct cf_result *r, int c)
{
	for (int i = 0; i < r->nplayer; i++)
		if (r->player[i] == 1u << c)
			return r->phi_r[i];
	return NULL;
}

static void compare(const struct explain *x, int a, int b, double n, FILE *f)
{
	const struct xcf *A = find_cf(x, a, n), *B = find_cf(x, b, n);
	if (!A || !B)
		return;
	const struct cf_result *ra = A->r, *rb = B->r;
	int reps = ra->reps < rb->reps ? ra->reps : rb->reps;
	double d[CF_MAXREP], ideal[CF_MAXREP], other[CF_MAXREP];
	unsigned alla = 0, allb = 0;
	for (int i = 0; i < ra->nplayer; i++)
		alla |= ra->player[i];
	for (int i = 0; i < rb->nplayer; i++)
		allb |= rb->player[i];
	const struct cf_run *ba = cf_find(ra, 0), *bb = cf_find(rb, 0);
	const struct cf_run *ia = cf_find(ra, alla), *ib = cf_find(rb, allb);
	for (int r = 0; r < reps; r++) {
		d[r] = ba->v[r] - bb->v[r];
		ideal[r] = ia->v[r] - ib->v[r];
		other[r] = 0;
	}
	fprintf(f, "    %g VMs: curve %d - curve %d = ", n, a + 1, b + 1);
	est(f, cf_estimate(d, reps), 1);
	fprintf(f, " sessions\n      without any cause (every cause removed on both): ");
	est(f, cf_estimate(ideal, reps), 1);
	fputc('\n', f);
	/* each cause: phi_B - phi_A (what it costs B more than A) */
	for (int c = 0; c < SCN_IDEAL_N; c++) {
		const double *pa = phi_of(ra, c), *pb = phi_of(rb, c);
		int ina = (alla >> c) & 1, inb = (allb >> c) & 1;
		if (!ina && !inb)
			continue;
		if ((ina && !pa) || (inb && !pb)) {
			/* grouped on one side: in "other causes" */
			continue;
		}
		double y[CF_MAXREP];
		for (int r = 0; r < reps; r++)
			y[r] = (pb ? pb[r] : 0) - (pa ? pa[r] : 0);
		fprintf(f, "      %-40s ", scn_ideal_what(c));
		est(f, cf_estimate(y, reps), 1);
		fputc('\n', f);
	}
	/* the rest: grouped causes on either side */
	int any = 0;
	for (int r = 0; r < reps; r++) {
		double s = ideal[r] - d[r];   /* sum over causes of (phi_A - phi_B) */
		for (int c = 0; c < SCN_IDEAL_N; c++) {
			const double *pa = phi_of(ra, c), *pb = phi_of(rb, c);
			int ina = (alla >> c) & 1, inb = (allb >> c) & 1;
			if ((ina && !pa) || (inb && !pb) || (!ina && !inb))
				continue;
			s -= (pa ? pa[r] : 0) - (pb ? pb[r] : 0);
		}
		other[r] = -s;
		any |= fabs(s) > 1e-9;
	}
	if (any) {
		fprintf(f, "      %-40s ", "other causes (the groups)");
		est(f, cf_estimate(other, reps), 1);
		fputc('\n', f);
	}
}

void explain_cf_report(const struct explain *x, FILE *f)
{
	if (!x->ncf)
		return;
	const struct cf_result *r0 = x->cf[0].r;
	fprintf(f, "\ncounterfactual attribution (%s searched again with causes removed, <ideal remove>;\n"
		   "  %d replications with seeds seed..seed+%d in every search: common random numbers; gains in\n"
		   "  cumulative sessions with 95%% t intervals over the replications; the Shapley shares add up to\n"
		   "  the gain with every cause removed; docs/explain.md)\n",
		x->cf_scenario, r0->reps, r0->reps - 1);
	int last = -1;
	for (int i = 0; i < x->ncf; i++) {
		const struct xcf *z = &x->cf[i];
		const struct xcurve *c = &x->curve[z->curve];
		const struct cf_result *r = z->r;
		if (z->curve != last)
			fprintf(f, "curve %d: %s\n", z->curve + 1, c->label);
		last = z->curve;
		fprintf(f, "  %g VMs%s: ", c->pt[z->idx].n, z->idx == c->plateau ? " (plateau)" : "");
		est(f, r->base, 0);
		fprintf(f, " sessions; every cause removed: ");
		est(f, r->all, 0);
		fprintf(f, " (gain ");
		est(f, r->total, 1);
		fprintf(f, ")\n    split: exact Shapley over %d player%s%s; %d searches run, %d from the cache\n", r->nplayer,
			r->nplayer == 1 ? "" : "s",
			r->grouped ? " (the causes with the largest gains alone, the rest removed together as one)" : "",
			r->searches, r->cached);
		fprintf(f, "    %-48s %-30s %s\n", "cause removed", "Shapley share of the gain", "removed alone");
		int order[CF_MAXPLAYER];
		for (int p = 0; p < r->nplayer; p++)
			order[p] = p;
		for (int p = 0; p < r->nplayer; p++)
			for (int q = p + 1; q < r->nplayer; q++)
				if (r->phi[order[q]].mean > r->phi[order[p]].mean) {
					int t = order[p];
					order[p] = order[q];
					order[q] = t;
				}
		for (int j = 0; j < r->nplayer; j++) {
			int p = order[j];
			char name[300], buf[64];
			cf_player_name(r, p, name, sizeof name);
			int single = -1;
			for (int cc = 0; cc < SCN_IDEAL_N; cc++)
				if (r->player[p] == 1u << cc)
					single = cc;
			if (single >= 0)
				snprintf(name, sizeof name, "%s: %s", scn_ideal_name(single), scn_ideal_what(single));
			else
				snprintf(name, sizeof name, "other causes (the %d below)", cf_popcount(r->player[p]));
			fprintf(f, "    %-48.48s ", name);
			char *txt = NULL;
			size_t tl = 0;
			FILE *m = open_memstream(&txt, &tl);
			if (m) {
				est(m, r->phi[p], 1);
				fclose(m);
			}
			snprintf(buf, sizeof buf, "%s", txt ? txt : "");
			free(txt);
			fprintf(f, "%-30s ", buf);
			if (single >= 0 && r->has_single[single])
				est(f, r->single[single], 1);
			fputc('\n', f);
		}
		if (r->inert) {
			fprintf(f, "    no run changed when removed alone (in the group):");
			for (int cc = 0; cc < SCN_IDEAL_N; cc++)
				if ((r->inert >> cc) & 1)
					fprintf(f, " %s", scn_ideal_name(cc));
			fputc('\n', f);
		}
		/* causes in the group, each removed alone */
		if (r->grouped) {
			fprintf(f, "    the group's causes removed alone:");
			for (int cc = 0; cc < SCN_IDEAL_N; cc++)
				if ((r->player[r->nplayer - 1] >> cc) & 1 && r->has_single[cc]) {
					fprintf(f, " %s ", scn_ideal_name(cc));
					est(f, r->single[cc], 1);
					fputc(';', f);
				}
			fputc('\n', f);
		}
	}
	/* comparisons between curves at the same VM count */
	int header = 0;
	for (int a = 0; a < x->ncurve; a++)
		for (int b = a + 1; b < x->ncurve; b++)
			for (int i = 0; i < x->curve[a].npt; i++) {
				double n = x->curve[a].pt[i].n;
				if (!find_cf(x, a, n) || !find_cf(x, b, n))
					continue;
				if (!header)
					fprintf(f, "\ncomparisons at the same VM count (curve A - curve B = difference without any cause +\n"
						   "  sum over causes of what the cause costs B more than A; docs/explain.md):\n");
				header = 1;
				compare(x, a, b, n, f);
			}
}

char *explain_cf_csv(const struct explain *x)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fputs("curve,vms,point,cause,kind,mean,ci_low,ci_high,replications\n", f);
	for (int i = 0; i < x->ncf; i++) {
		const struct xcf *z = &x->cf[i];
		const struct xpoint *p = &x->curve[z->curve].pt[z->idx];
		const struct cf_result *r = z->r;
		struct cf_est b = r->base, a = r->all;
		fprintf(f, "%d,%g,%d,-,measured,%.6g,%.6g,%.6g,%d\n", z->curve + 1, p->n, p->point, b.mean, b.lo, b.hi, r->reps);
		fprintf(f, "%d,%g,%d,all,ideal,%.6g,%.6g,%.6g,%d\n", z->curve + 1, p->n, p->point, a.mean, a.lo, a.hi, r->reps);
		for (int j = 0; j < r->nplayer; j++) {
			char name[300];
			cf_player_name(r, j, name, sizeof name);
			char *sp = strchr(name, ' ');
			if (r->grouped && j == r->nplayer - 1) {
				/* "other causes (a+b)" as other:a+b */
				char *o = strchr(name, '(');
				char g[300];
				snprintf(g, sizeof g, "other:%s", o ? o + 1 : "");
				char *cl = strchr(g, ')');
				if (cl)
					*cl = 0;
				snprintf(name, sizeof name, "%s", g);
			} else if (sp) {
				*sp = 0;
			}
			fprintf(f, "%d,%g,%d,%s,shapley,%.6g,%.6g,%.6g,%d\n", z->curve + 1, p->n, p->point, name,
				r->phi[j].mean, r->phi[j].lo, r->phi[j].hi, r->reps);
		}
		for (int c = 0; c < SCN_IDEAL_N; c++)
			if (r->has_single[c])
				fprintf(f, "%d,%g,%d,%s,alone,%.6g,%.6g,%.6g,%d\n", z->curve + 1, p->n, p->point,
					scn_ideal_name(c), r->single[c].mean, r->single[c].lo, r->single[c].hi, r->reps);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ------------------------------------------------------------ plots --- */

char *explain_cf_dat(const struct explain *x, int k)
{
	int any = 0;
	for (int i = 0; i < x->ncf; i++)
		any |= x->cf[i].curve == k;
	if (!any)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fputs("# vms measured", f);
	for (int c = 0; c < SCN_IDEAL_N; c++)
		fprintf(f, " %s", scn_ideal_name(c));
	fputs(" other every_cause_removed measured_low measured_high\n", f);
	for (int i = 0; i < x->ncf; i++) {
		const struct xcf *z = &x->cf[i];
		if (z->curve != k)
			continue;
		const struct cf_result *r = z->r;
		fprintf(f, "%g %.3f", x->curve[k].pt[z->idx].n, r->base.mean);
		double other = 0;
		for (int c = 0; c < SCN_IDEAL_N; c++) {
			const double *p = phi_of(r, c);
			double v = 0;
			if (p)
				v = cf_estimate(p, r->reps).mean;
			fprintf(f, " %.3f", v > 0 ? v : 0);
		}
		if (r->grouped)
			other = r->phi[r->nplayer - 1].mean;
		fprintf(f, " %.3f %.3f %.3f %.3f\n", other > 0 ? other : 0, r->all.mean, r->base.lo, r->base.hi);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *explain_cf_gp(const struct explain *x, int k)
{
	int any = 0;
	for (int i = 0; i < x->ncf; i++)
		any |= x->cf[i].curve == k;
	if (!any)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f, "# curve %d (%s): the measured capacity, and stacked on it the Shapley share of each\n"
		   "# cause (what removing it gains; negative shares drawn as 0), up to the capacity with every\n"
		   "# cause removed (the cross).  gnuplot curve%d-counterfactual.gp\n",
		k + 1, x->curve[k].label, k + 1);
	fprintf(f, "set terminal svg size 900,520 dynamic font 'sans,12'\nset output 'curve%d-counterfactual.svg'\n", k + 1);
	fprintf(f, "set title \"%s, curve %d: capacity and what each cause costs\" noenhanced\n", x->scenario, k + 1);
	fputs("set style data histograms\nset style histogram rowstacked\nset style fill solid 0.85 border -1\n"
	      "set boxwidth 0.7\nset ylabel 'cumulative sessions'\nset xlabel 'VMs'\n"
	      "set key outside right top vertical noenhanced\nset yrange [0:*]\nset grid ytics\n", f);
	fprintf(f, "plot 'curve%d-counterfactual.dat' using 2:xtic(1) title 'measured' lc rgb '#404040'", k + 1);
	static const char *const colour[SCN_IDEAL_N] = { "#1f77b4", "#ff7f0e", "#000000", "#2ca02c", "#d62728",
							 "#9467bd", "#17becf", "#8c564b", "#e377c2", "#bcbd22" };
	for (int c = 0; c < SCN_IDEAL_N; c++)
		fprintf(f, ", '' using %d title '+ %s' lc rgb '%s'", c + 3, scn_ideal_what(c), colour[c]);
	fprintf(f, ", '' using %d title '+ other causes' lc rgb '#7f7f7f'", SCN_IDEAL_N + 3);
	fprintf(f, ", '' using 0:%d with points pt 2 ps 2 lw 2 lc rgb 'black' title 'every cause removed'\n",
		SCN_IDEAL_N + 4);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
