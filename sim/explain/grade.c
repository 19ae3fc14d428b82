/*
** `hvsim explain DIR --grade SHAPES.csv`: the paper's statements about
** the shape of its curves, graded on a capacity sweep with the capacity
** estimator's statistics (docs/explain.md, "Grading statements").
**
** SHAPES.csv, a row per statement (lines starting with '#' are comments):
**
**   id,curve,other,kind,from,to,value,low,high,source
**
** curve and other pick curves of the sweep by a substring of their label
** ("kvm-75", "vm[web].vcpus=2"; several joined by '&' must all be in it:
** "vm[web].vcpus=2&ideal.remove=numa"; other "*" is every other curve); a curve
** written SCENARIO:pattern belongs to that sweep's scenario only, and the
** row is skipped on other sweeps.  Kinds:
**
**   plateau  the curve's plateau (the paired test, docs/capacity.md) is at
**            exactly `value` VMs; signed error: plateau - value
**   grows    from each VM count in from..to to the next, the cumulative
**            value grows: a paired one-sided t test at 5% per step
**   below    at every VM count in from..to the curve is below `other`:
**            the paired 95% interval of the difference lies below 0
**   above    the same, above
**   peak     the curve's largest point lies in low..high (its 95%
**            interval meets it); signed error against the middle
**   value    at VM count `from` the cumulative value lies in low..high
**            (its interval meets it)
**   per_vm   at every VM count in from..to the per-VM value lies in
**            low..high (empty: unbounded; its interval meets it)
**   ratio    at every VM count in from..to, curve / other lies in
**            low..high, by a paired 95% interval of the ratio's logarithm
**            meeting it
**
** Replications pair by index (replication r has seed + r at every point of
** every curve: common random numbers), over the replications both points
** have.  Every row gets pass or fail and what hvsim found with its
** interval; rows with a value or two bounds (plateau, peak, value, and
** per_vm or ratio with both bounds) also a signed relative error against
** the value or the middle of the range, which the mean absolute error is
** taken over; one-sided rows have none (a bound met is not an error of 0).
**
** Every row is checked first (parse_statement), and one that would grade
** as nonsense (from > to, bounds upside down, a relative error against 0,
** a repeated id, nan) is an input error naming its line and column.
*/
#include "sim/explain/read.h"
#include "sim/engine/infile.h"
#include "sim/engine/units.h"
#include "sim/drive/counterfactual.h"
#include "traces/csv.h"
#include "traces/textio.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct grow {
	char id[64], curve[128], other[128], kind[16], source[400];
	double from, to, value, low, high;
	int line;
	/* result */
	int pass, graded;
	double got, lo, hi, err;      /* err: signed relative error, NAN when none */
	char what[300];
};

/* 1 if label holds every '&'-separated part of pat ("vm[web].vcpus=2&
** ideal.remove=none": labels are "KEY=VALUE, KEY=VALUE", and a row's
** fields cannot hold a comma). */
static int label_matches(const char *label, const char *pat)
{
	char part[128];
	for (const char *p = pat;;) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p);
		if (n >= sizeof part)
			return 0;
		memcpy(part, p, n);
		part[n] = 0;
		if (!strstr(label, part))
			return 0;
		if (!amp)
			return 1;
		p = amp + 1;
	}
}

static const struct xcurve *find_curve(const struct explain *x, const char *pat, int *k)
{
	for (int i = 0; i < x->ncurve; i++)
		if (label_matches(x->curve[i].label, pat)) {
			*k = i;
			return &x->curve[i];
		}
	return NULL;
}

static const struct xpoint *at(const struct xcurve *c, double n)
{
	for (int i = 0; i < c->npt; i++)
		if (c->pt[i].n == n)
			return &c->pt[i];
	return NULL;
}

/* Mean and 95% t half-width of x[0..n-1]; half-width 0 for n < 2. */
static void tci(const double *x, int n, double *m, double *h)
{
	struct cf_est e = cf_estimate(x, n);
	*m = e.mean;
	*h = e.hi - e.mean;
}

/* Paired differences a - b (f = 0) or log(a / b) (f = 1) over the
** replications both have; their count. */
static int paired(const struct xpoint *a, const struct xpoint *b, int f, double *d)
{
	int n = a->nrep < b->nrep ? a->nrep : b->nrep;
	int k = 0;
	for (int r = 0; r < n; r++) {
		if (f && (a->rep[r] <= 0 || b->rep[r] <= 0))
			continue;
		d[k++] = f ? log(a->rep[r] / b->rep[r]) : a->rep[r] - b->rep[r];
	}
	return k;
}

static int meets(double lo, double hi, double a, double b)
{
	return hi >= a && lo <= b;
}

/* plateau: the paired test's plateau is at exactly value VMs. */
static void grade_plateau(const struct xcurve *c, struct grow *g)
{
	if (!c->tested || c->plateau < 0) {
		snprintf(g->what, sizeof g->what, "no tested plateau");
		return;
	}
	double n = c->pt[c->plateau].n;
	g->got = n;
	g->lo = c->pt[c->plat_lo].n;
	g->hi = c->pt[c->plat_hi].n;
	g->pass = n == g->value;
	g->err = (n - g->value) / g->value;
	snprintf(g->what, sizeof g->what, "plateau at %g VMs (indistinguishable: %g-%g)", n, g->lo, g->hi);
}

/* grows: every step from..to grows, paired one-sided t test at 5%. */
static void grade_grows(const struct xcurve *c, struct grow *g)
{
	double d[EXPLAIN_MAXREP], m, h;
	int steps = 0, ok = 0;
	double worst = INFINITY, wlo = 0, whi = 0, wn = 0;
	for (int i = 0; i + 1 < c->npt; i++) {
		const struct xpoint *a = &c->pt[i], *b = &c->pt[i + 1];
		if (a->n < g->from || b->n > g->to)
			continue;
		int nr = paired(b, a, 0, d);
		tci(d, nr, &m, &h);
		double t1 = nr > 1 ? gsl_cdf_tdist_Pinv(0.95, nr - 1) * h / gsl_cdf_tdist_Pinv(0.975, nr - 1) : 0;
		int up = nr > 1 ? m - t1 > 0 : m > 0;
		steps++;
		ok += up;
		if (m < worst) {
			worst = m;
			wlo = m - h;
			whi = m + h;
			wn = a->n;
		}
	}
	g->pass = steps > 0 && ok == steps;
	g->got = worst;
	g->lo = wlo;
	g->hi = whi;
	snprintf(g->what, sizeof g->what, "%d of %d steps grow significantly; smallest %+.1f (%+.1f .. %+.1f) from %g VMs",
		 ok, steps, worst, wlo, whi, wn);
}

/* below, above: the paired 95% interval of the difference to every
** matching other curve lies below (above) 0 at each count from..to;
** ratio: the paired interval of curve / other meets low..high. */
static void grade_compare(const struct explain *x, const struct xcurve *c, int k, struct grow *g)
{
	double d[EXPLAIN_MAXREP], m, h;
	int ko = -1;
	int below = g->kind[0] == 'b', ratio = g->kind[0] == 'r';
	int pts = 0, ok = 0;
	double worst = ratio ? NAN : (below ? -INFINITY : INFINITY), wlo = 0, whi = 0, wn = 0;
	/* below, above: the point whose interval comes nearest to 0 from the
	** side that passes (or lies farthest across it) decides the verdict,
	** so it is the one reported, not the smallest difference */
	double wbound = below ? -INFINITY : INFINITY;
	for (int o = 0; o < x->ncurve; o++) {
		if (o == k || (strcmp(g->other, "*") != 0 && !label_matches(x->curve[o].label, g->other)))
			continue;
		ko = o;
		for (int i = 0; i < c->npt; i++) {
			const struct xpoint *a = &c->pt[i], *b = at(&x->curve[o], a->n);
			if (a->n < g->from || a->n > g->to || !b)
				continue;
			int nr = paired(a, b, ratio, d);
			tci(d, nr, &m, &h);
			int good;
			double v = m, vl = m - h, vh = m + h;
			if (ratio) {
				v = exp(m);
				vl = exp(m - h);
				vh = exp(m + h);
				good = meets(vl, vh, isnan(g->low) ? -INFINITY : g->low, isnan(g->high) ? INFINITY : g->high);
			} else {
				good = below ? vh < 0 : vl > 0;
			}
			pts++;
			ok += good;
			int worse = ratio ? !good || isnan(worst) : below ? vh > wbound : vl < wbound;
			if (worse) {
				wbound = below ? vh : vl;
				worst = v;
				wlo = vl;
				whi = vh;
				wn = a->n;
			}
		}
	}
	if (ko < 0) {
		g->graded = 0;
		snprintf(g->what, sizeof g->what, "no other curve matches '%s'", g->other);
		return;
	}
	g->pass = pts > 0 && ok == pts;
	g->got = worst;
	g->lo = wlo;
	g->hi = whi;
	if (ratio && !isnan(g->low) && !isnan(g->high))
		g->err = (worst - (g->low + g->high) / 2) / ((g->low + g->high) / 2);
	snprintf(g->what, sizeof g->what, "%d of %d points; %s %s%.3g (%.3g .. %.3g) at %g VMs", ok, pts,
		 g->pass ? "closest" : "worst", ratio ? "ratio " : "difference ", worst, wlo, whi, wn);
}

/* peak (the curve's largest point), value (the point at from): its 95%
** interval meets low..high. */
static void grade_point(const struct xcurve *c, struct grow *g)
{
	const struct xpoint *p = NULL;
	if (g->kind[0] == 'p') {
		for (int i = 0; i < c->npt; i++)
			if (!p || c->pt[i].cum > p->cum)
				p = &c->pt[i];
	} else {
		p = at(c, g->from);
	}
	if (!p) {
		snprintf(g->what, sizeof g->what, "no point at %g VMs", g->from);
		return;
	}
	g->got = p->cum;
	g->lo = p->ci_lo;
	g->hi = p->ci_hi;
	double lo = isnan(g->low) ? -INFINITY : g->low, hi = isnan(g->high) ? INFINITY : g->high;
	g->pass = meets(p->ci_lo, p->ci_hi, lo, hi);
	if (!isnan(g->value) || (!isnan(g->low) && !isnan(g->high))) {
		double mid = isnan(g->value) ? (lo + hi) / 2 : g->value;
		g->err = (p->cum - mid) / mid;
	}
	snprintf(g->what, sizeof g->what, "%.1f (%.1f .. %.1f) at %g VMs", p->cum, p->ci_lo, p->ci_hi, p->n);
}

/* per_vm: at every count from..to the per-VM interval meets low..high. */
static void grade_per_vm(const struct xcurve *c, struct grow *g)
{
	int pts = 0, ok = 0;
	double worst = NAN, wn = 0, wlo = 0, whi = 0;
	double lo = isnan(g->low) ? -INFINITY : g->low, hi = isnan(g->high) ? INFINITY : g->high;
	for (int i = 0; i < c->npt; i++) {
		const struct xpoint *p = &c->pt[i];
		if (p->n < g->from || p->n > g->to || p->vms <= 0)
			continue;
		double v = p->per_vm, vl = p->ci_lo / p->vms, vh = p->ci_hi / p->vms;
		int good = meets(vl, vh, lo, hi);
		pts++;
		ok += good;
		double dist = v < lo ? lo - v : v > hi ? v - hi : 0;
		if (isnan(worst) || dist > fabs(worst)) {
			worst = v < lo ? -dist : dist;
			wn = p->n;
			wlo = vl;
			whi = vh;
			g->got = v;
		}
	}
	g->pass = pts > 0 && ok == pts;
	g->lo = wlo;
	g->hi = whi;
	/* a signed error only against two bounds: a one-sided bound met is
	** not an error of 0 */
	if (!isnan(g->low) && !isnan(g->high))
		g->err = (g->got - (g->low + g->high) / 2) / ((g->low + g->high) / 2);
	snprintf(g->what, sizeof g->what, "%d of %d points; farthest %.1f per VM (%.1f .. %.1f) at %g VMs", ok, pts,
		 g->got, wlo, whi, wn);
}

static void grade_row(const struct explain *x, struct grow *g)
{
	int k;
	const struct xcurve *c = find_curve(x, g->curve, &k);
	g->err = NAN;
	if (!c) {
		snprintf(g->what, sizeof g->what, "no curve matches '%s'", g->curve);
		return;
	}
	g->graded = 1;
	if (strcmp(g->kind, "plateau") == 0)
		grade_plateau(c, g);
	else if (strcmp(g->kind, "grows") == 0)
		grade_grows(c, g);
	else if (strcmp(g->kind, "below") == 0 || strcmp(g->kind, "above") == 0 || strcmp(g->kind, "ratio") == 0)
		grade_compare(x, c, k, g);
	else if (strcmp(g->kind, "peak") == 0 || strcmp(g->kind, "value") == 0)
		grade_point(c, g);
	else if (strcmp(g->kind, "per_vm") == 0)
		grade_per_vm(c, g);
	else {
		g->graded = 0;
		snprintf(g->what, sizeof g->what, "unknown kind '%s'", g->kind);
	}
}

/* The row's columns, for messages. */
enum { C_ID, C_CURVE, C_OTHER, C_KIND, C_FROM, C_TO, C_VALUE, C_LOW, C_HIGH, C_SOURCE, NCOL };
static const char *const col_name[NCOL] = { "id", "curve", "other", "kind", "from", "to", "value", "low", "high",
					     "source" };

/* The ids of the rows read so far (those of other sweeps' too), for
** duplicates: grades.csv and the report tell rows apart by id. */
struct ids {
	struct {
		char id[64];
		int line;
	} *v;
	int n, cap;
};

/* "SHAPES.csv:LINE: column: expected ..., got 'text'" into err; -1. */
static int row_error(char *err, size_t errlen, const char *path, int line, int c, const char *text, const char *fmt,
		     ...) __attribute__((format(printf, 7, 8)));

static int row_error(char *err, size_t errlen, const char *path, int line, int c, const char *text, const char *fmt,
		     ...)
{
	char what[300], shown[80];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%d: %s: %s, got %s", path, line, col_name[c], what,
		 trace_show(text, strlen(text), shown, sizeof shown));
	return -1;
}

/* Column c as a number into *x (NAN when empty); -1 after the message
** when it is something else, nan and inf included. */
static int num_cell(char **f, int c, double *x, const char *path, int line, char *err, size_t errlen)
{
	if (!*f[c]) {
		*x = NAN;
		return 0;
	}
	/* read as a scenario's numbers are (strtod took "0x10") */
	const char *why;
	if (units_number(f[c], x, &why))
		return row_error(err, errlen, path, line, c, f[c], "expected a finite number or an empty cell");
	return 0;
}

/* Long: every column of a statement checked in turn, each with its own
** message, so that no row grades as nonsense (an empty range of counts,
** an interval upside down, a relative error against 0).
**
** One statement line p (line `line` of path) as a new grow in *out: 0
** with one, 1 when the statement is about another sweep (SCENARIO:...),
** -1 after writing the error. */
static int parse_statement(const struct explain *x, char *p, const char *path, int line, struct ids *ids,
			   struct grow **out, char *err, size_t errlen)
{
	char *f[NCOL], *orig = strdup(p);
	const char *why = NULL;
	int bad;
	size_t off;
	if (!orig) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int nf = trace_csv_split_at(p, f, NCOL, &why, &bad, &off);
	if (nf < 0) {
		row_error(err, errlen, path, line, bad < NCOL ? bad : C_SOURCE, orig + off, "%s", why);
		free(orig);
		return -1;
	}
	free(orig);
	if (nf < NCOL - 1 || nf > NCOL) {
		snprintf(err, errlen, "%s:%d: expected 10 columns (id,curve,other,kind,from,to,value,low,high,source)%s, "
			 "got %d", path, line, nf > NCOL ? " (a source holding a comma is quoted)" : "", nf);
		return -1;
	}
	static const size_t width[C_KIND] = { sizeof ((struct grow *)0)->id, sizeof ((struct grow *)0)->curve,
					      sizeof ((struct grow *)0)->other };
	for (int c = C_ID; c < C_KIND; c++)
		if (strlen(f[c]) >= width[c])
			return row_error(err, errlen, path, line, c, f[c], "expected at most %zu characters",
					 width[c] - 1);
	if (!*f[C_ID])
		return row_error(err, errlen, path, line, C_ID, f[C_ID], "expected a name for the statement");
	for (int i = 0; i < ids->n; i++)
		if (strcmp(ids->v[i].id, f[C_ID]) == 0)
			return row_error(err, errlen, path, line, C_ID, f[C_ID],
					 "expected an id not used before (line %d has it)", ids->v[i].line);
	if (ids->n == ids->cap) {
		int cap = ids->cap ? 2 * ids->cap : 16;
		void *nv = realloc(ids->v, (size_t)cap * sizeof *ids->v);
		if (!nv) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		ids->v = nv;
		ids->cap = cap;
	}
	snprintf(ids->v[ids->n].id, sizeof ids->v[ids->n].id, "%s", f[C_ID]);
	ids->v[ids->n++].line = line;

	static const char *const kinds[] = { "plateau", "grows", "below", "above", "peak", "value", "per_vm", "ratio" };
	int known = 0;
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		known |= strcmp(f[C_KIND], kinds[i]) == 0;
	if (!known)
		return row_error(err, errlen, path, line, C_KIND, f[C_KIND],
				 "expected plateau, grows, below, above, peak, value, per_vm or ratio");
	/* "SCENARIO:pattern": a statement about another sweep's curves is not this one's */
	const char *curve = f[C_CURVE];
	int mine = 1;
	const char *colon = strchr(curve, ':'), *eq = strchr(curve, '=');
	if (colon && (!eq || colon < eq)) {
		mine = (size_t)(colon - curve) == strlen(x->scenario) && strncmp(curve, x->scenario, strlen(x->scenario)) == 0;
		curve = colon + 1;
	}
	if (!*curve)
		return row_error(err, errlen, path, line, C_CURVE, f[C_CURVE],
				 "expected a part of a curve's label ([SCENARIO:]PATTERN)");

	/* other: the curve below, above or the ratio's denominator, and only
	** theirs (an empty pattern matched every curve; one given to another
	** kind was ignored) */
	int pair = strcmp(f[C_KIND], "below") == 0 || strcmp(f[C_KIND], "above") == 0 ||
		   strcmp(f[C_KIND], "ratio") == 0;
	if (pair && !*f[C_OTHER])
		return row_error(err, errlen, path, line, C_OTHER, f[C_OTHER],
				 "expected a part of the other curve's label, or * for every other curve (%s compares "
				 "two)", f[C_KIND]);
	if (!pair && *f[C_OTHER])
		return row_error(err, errlen, path, line, C_OTHER, f[C_OTHER],
				 "expected an empty cell (%s is about one curve)", f[C_KIND]);

	double v[NCOL];
	for (int c = C_FROM; c <= C_HIGH; c++)
		if (num_cell(f, c, &v[c], path, line, err, errlen))
			return -1;
	/* from, to: VM counts, a range that holds one at least */
	for (int c = C_FROM; c <= C_TO; c++)
		if (v[c] < 0 || (!isnan(v[c]) && v[c] != floor(v[c])))
			return row_error(err, errlen, path, line, c, f[c], "expected a VM count (0 or more) or an empty cell");
	if (v[C_FROM] > v[C_TO])
		return row_error(err, errlen, path, line, C_TO, f[C_TO], "expected a VM count at or above from (%s)",
				 f[C_FROM]);
	if (strcmp(f[C_KIND], "grows") == 0 && v[C_FROM] == v[C_TO])
		return row_error(err, errlen, path, line, C_TO, f[C_TO],
				 "expected a VM count above from (%s): grows needs a step", f[C_FROM]);
	/* value, low, high: of quantities that are positive (VM counts,
	** sessions, ratios), and the signed error is relative to the value or
	** the middle of the bounds: none may be 0 */
	if (v[C_VALUE] <= 0)
		return row_error(err, errlen, path, line, C_VALUE, f[C_VALUE], "expected a number above 0 or an empty cell");
	if (v[C_LOW] < 0)
		return row_error(err, errlen, path, line, C_LOW, f[C_LOW], "expected a bound of 0 or more or an empty cell");
	if (v[C_HIGH] <= 0)
		return row_error(err, errlen, path, line, C_HIGH, f[C_HIGH], "expected a bound above 0 or an empty cell");
	if (v[C_LOW] > v[C_HIGH])
		return row_error(err, errlen, path, line, C_HIGH, f[C_HIGH], "expected a bound at or above low (%s)",
				 f[C_LOW]);
	/* what each kind grades against */
	int bounded = !isnan(v[C_LOW]) || !isnan(v[C_HIGH]);
	if (strcmp(f[C_KIND], "plateau") == 0 && isnan(v[C_VALUE]))
		return row_error(err, errlen, path, line, C_VALUE, f[C_VALUE], "expected the plateau's VM count");
	if (strcmp(f[C_KIND], "value") == 0 && isnan(v[C_FROM]))
		return row_error(err, errlen, path, line, C_FROM, f[C_FROM], "expected the VM count of the value");
	if (strcmp(f[C_KIND], "peak") == 0 || strcmp(f[C_KIND], "value") == 0) {
		if (!bounded)
			return row_error(err, errlen, path, line, C_LOW, f[C_LOW],
					 "expected low, high or both (the range the value is in)");
	} else if ((strcmp(f[C_KIND], "per_vm") == 0 || strcmp(f[C_KIND], "ratio") == 0) && !bounded) {
		return row_error(err, errlen, path, line, C_LOW, f[C_LOW], "expected low, high or both");
	}
	if (!mine)
		return 1;

	struct grow *g = calloc(1, sizeof *g);
	if (!g) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(g->id, sizeof g->id, "%s", f[C_ID]);
	snprintf(g->curve, sizeof g->curve, "%s", curve);
	snprintf(g->other, sizeof g->other, "%s", f[C_OTHER]);
	snprintf(g->kind, sizeof g->kind, "%s", f[C_KIND]);
	snprintf(g->source, sizeof g->source, "%s", nf > C_SOURCE ? f[C_SOURCE] : "");
	g->line = line;
	g->from = isnan(v[C_FROM]) ? -INFINITY : v[C_FROM];
	g->to = isnan(v[C_TO]) ? INFINITY : v[C_TO];
	g->value = v[C_VALUE];
	g->low = v[C_LOW];
	g->high = v[C_HIGH];
	*out = g;
	return 0;
}

int explain_grade(struct explain *x, const char *path, char *err, size_t errlen)
{
	char ebuf[1024] = "";
	struct xerr e = { ebuf, sizeof ebuf };
	char why[256];
	if (infile_check(path, why, sizeof why)) {   /* not opened: a FIFO would block */
		snprintf(err, errlen, "%s: expected a file of statements (id,curve,other,kind,from,to,value,low,high,"
			 "source): %s", path, why);
		return -1;
	}
	char *buf = x_slurp(path, &e);
	if (!buf) {
		snprintf(err, errlen, "%s", ebuf[0] ? ebuf : "cannot read");
		return -1;
	}
	struct ids ids = { 0 };
	int rc = 0, line = 0, header = 0;
	for (char *p = buf; p && *p && rc == 0;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		line++;
		size_t n = strlen(p);
		if (n && p[n - 1] == '\r')
			p[n - 1] = 0;   /* CRLF */
		if (*p == '#' || *p == 0) {
			p = nl ? nl + 1 : NULL;
			continue;
		}
		if (!header) {
			if (strncmp(p, "id,curve,other,kind,from,to,value,low,high,source", 50) != 0) {
				snprintf(err, errlen, "%s:%d: expected the header id,curve,other,kind,from,to,value,low,high,source",
					 path, line);
				rc = -1;
			}
			header = 1;
			p = nl ? nl + 1 : NULL;
			continue;
		}
		struct grow *g = NULL;
		struct grow **gv = realloc(x->grade, (size_t)(x->ngrade + 1) * sizeof *gv);
		if (!gv) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
			break;
		}
		x->grade = (void **)gv;
		int got = parse_statement(x, p, path, line, &ids, &g, err, errlen);
		if (got < 0) {
			rc = -1;
			break;
		}
		if (got > 0) {
			p = nl ? nl + 1 : NULL;
			continue;
		}
		x->grade[x->ngrade++] = g;
		grade_row(x, g);
		p = nl ? nl + 1 : NULL;
	}
	free(buf);
	free(ids.v);
	if (rc == 0 && !header) {
		snprintf(err, errlen, "%s: expected a header and statements, got none", path);
		rc = -1;
	}
	return rc;
}

void explain_grade_report(const struct explain *x, FILE *f)
{
	if (!x->ngrade)
		return;
	int pass = 0, graded = 0, nerr = 0;
	double sae = 0;
	fprintf(f, "\ngraded statements (%s; docs/explain.md, \"Grading statements\"):\n", x->grade_file);
	for (int i = 0; i < x->ngrade; i++) {
		const struct grow *g = x->grade[i];
		fprintf(f, "  %-22s %-4s %s", g->id, !g->graded ? "n/a" : g->pass ? "pass" : "FAIL", g->what);
		if (!isnan(g->err)) {
			fprintf(f, "; signed error %+.1f%%", 100 * g->err);
			sae += fabs(g->err);
			nerr++;
		}
		fputc('\n', f);
		pass += g->graded && g->pass;
		graded += g->graded;
	}
	fprintf(f, "  %d of %d graded statements pass", pass, graded);
	if (nerr)
		fprintf(f, "; mean absolute error over the %d two-sided rows (values, plateaus, ranges) %.1f%%; one-sided "
			   "rows have none", nerr, 100 * sae / nerr);
	fputc('\n', f);
}

char *explain_grade_csv(const struct explain *x)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fputs("id,kind,curve,other,pass,hvsim,ci_low,ci_high,signed_error,found\n", f);
	for (int i = 0; i < x->ngrade; i++) {
		const struct grow *g = x->grade[i];
		fprintf(f, "%s,%s,%s,%s,%s,", g->id, g->kind, g->curve, g->other, !g->graded ? "" : g->pass ? "1" : "0");
		if (g->graded)
			fprintf(f, "%.6g,%.6g,%.6g,", g->got, g->lo, g->hi);
		else
			fputs(",,,", f);
		if (!isnan(g->err))
			fprintf(f, "%.6g", g->err);
		fputc(',', f);
		fputc('"', f);
		for (const char *s = g->what; *s; s++)
			fputc(*s == '"' ? '\'' : *s, f);
		fputs("\"\n", f);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

void explain_grade_free(struct explain *x)
{
	for (int i = 0; i < x->ngrade; i++)
		free(x->grade[i]);
	free(x->grade);
	x->grade = NULL;
	x->ngrade = 0;
}
