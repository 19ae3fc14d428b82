/*
** Measured points with provenance, "hvsim measured points v1": the
** checked reader and the error of a row given simulated values (see
** measured.h; the format is documented in docs/measured.md).  Rows are
** read by trace_csv_read (traces/csv.h); the time order it checks does
** not apply here, so every row reports time 0.
*/
#include "traces/measured.h"
#include "sim/engine/infile.h"
#include "sim/engine/units.h"
#include "traces/csv.h"
#include "traces/textio.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[MEAS_NKIND] = {
	[MEAS_VALUE] = "value", [MEAS_RANGE] = "range", [MEAS_RATIO] = "ratio",
	[MEAS_DIFF] = "diff", [MEAS_UNSTATED] = "unstated",
};

static const char *const bench_names[MEAS_NBENCH] = {
	[MEAS_SPECWEB] = "specweb", [MEAS_BZIP2] = "bzip2", [MEAS_NETPERF] = "netperf",
	[MEAS_DD] = "dd", [MEAS_HOST] = "host",
};

static const char *const metric_names[MEAS_NMETRIC] = {
	[MEAS_SESSIONS_PER_VM] = "sessions_per_vm",
	[MEAS_CUMULATIVE_SESSIONS] = "cumulative_sessions",
	[MEAS_PEAK_CUMULATIVE] = "peak_cumulative_sessions",
	[MEAS_SECONDS] = "seconds",
	[MEAS_MBIT_S] = "mbit_s",
	[MEAS_MBYTE_S] = "mbyte_s",
	[MEAS_RATIO_TO_NATIVE] = "ratio_to_native",
	[MEAS_CPU_SHARE] = "cpu_share",
	[MEAS_WAKEUP_P50] = "wakeup_p50_s",
	[MEAS_WAKEUP_P95] = "wakeup_p95_s",
	[MEAS_RUN_PER_DISPATCH] = "run_per_dispatch_s",
	[MEAS_DISPATCHES_PER_S] = "dispatches_per_s",
};

/* The metrics each benchmark reports, as a bit set over enum meas_metric,
** and their names for messages. */
static const unsigned bench_metrics[MEAS_NBENCH] = {
	[MEAS_SPECWEB] = 1u << MEAS_SESSIONS_PER_VM | 1u << MEAS_CUMULATIVE_SESSIONS |
			 1u << MEAS_PEAK_CUMULATIVE | 1u << MEAS_RATIO_TO_NATIVE,
	[MEAS_BZIP2] = 1u << MEAS_SECONDS | 1u << MEAS_RATIO_TO_NATIVE,
	[MEAS_NETPERF] = 1u << MEAS_MBIT_S | 1u << MEAS_RATIO_TO_NATIVE,
	[MEAS_DD] = 1u << MEAS_MBYTE_S | 1u << MEAS_RATIO_TO_NATIVE,
	[MEAS_HOST] = 1u << MEAS_CPU_SHARE | 1u << MEAS_WAKEUP_P50 | 1u << MEAS_WAKEUP_P95 |
		      1u << MEAS_RUN_PER_DISPATCH | 1u << MEAS_DISPATCHES_PER_S,
};

static const char *const bench_metric_list[MEAS_NBENCH] = {
	[MEAS_SPECWEB] = "sessions_per_vm, cumulative_sessions, peak_cumulative_sessions, ratio_to_native",
	[MEAS_BZIP2] = "seconds, ratio_to_native",
	[MEAS_NETPERF] = "mbit_s, ratio_to_native",
	[MEAS_DD] = "mbyte_s, ratio_to_native",
	[MEAS_HOST] = "cpu_share, wakeup_p50_s, wakeup_p95_s, run_per_dispatch_s, dispatches_per_s",
};

const char *meas_kind_name(enum meas_kind k)
{
	return (unsigned)k < MEAS_NKIND ? kind_names[k] : "?";
}

const char *meas_use_name(enum meas_use u)
{
	return u == MEAS_FIT ? "fit" : u == MEAS_HOLDOUT ? "holdout" : "";
}

const char *meas_bench_name(enum meas_bench b)
{
	return (unsigned)b < MEAS_NBENCH ? bench_names[b] : "?";
}

const char *meas_metric_name(enum meas_metric m)
{
	return (unsigned)m < MEAS_NMETRIC ? metric_names[m] : "?";
}

/* Index of s in names[0..n), or -1. */
static int lookup(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

void meas_free(struct meas_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct meas_point *p = &s->p[i];
		free(p->id);
		free(p->hypervisor);
		free(p->memory_text);
		free(p->ref_id);
		free(p->source);
		free(p->note);
		free(p->subject);
	}
	free(s->p);
	memset(s, 0, sizeof *s);
}

long meas_find(const struct meas_set *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->p[i].id, id))
			return (long)i;
	return -1;
}

int meas_same_quantity(const struct meas_point *a, const struct meas_point *b)
{
	return a->bench == b->bench && !strcmp(a->hypervisor, b->hypervisor) && a->vms == b->vms &&
	       a->vcpus == b->vcpus && a->memory == b->memory && a->metric == b->metric &&
	       !strcmp(a->subject ? a->subject : "", b->subject ? b->subject : "");
}

char *meas_quantity(const struct meas_point *p, char *buf, size_t len)
{
	/* GiB with 15 digits: one spelling per size (1536MiB is 1.5GiB). */
	int n = snprintf(buf, len, "%s %s vms=%d vcpus=%d mem=%.15gGiB %s", meas_bench_name(p->bench),
			 p->hypervisor, p->vms, p->vcpus, p->memory / (1024.0 * 1024.0 * 1024.0),
			 meas_metric_name(p->metric));
	if (p->subject && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " subject=%s", p->subject);
	return buf;
}

/* ---- reading ------------------------------------------------------ */

/* Every row parsed, bad ones included, so that a duplicate of a bad row's
** id is still found, a reference to a bad row is not reported again and
** a bad row's own reference is still checked. */
struct seen_row {
	char *id;                  /* NULL when malformed or a duplicate */
	char *ref;                 /* relations: the ref as written, when well formed */
	int line;
	long kept;                 /* its index in the set, or -1 */
};

/* What meas_load hands trace_csv_read as ctx. */
struct meas_load {
	struct meas_set *s;
	struct meas_point p;       /* the row parsed last; strings point into its line */
	struct seen_row *seen;
	size_t nseen, capseen;
	size_t *byid, sizeid;      /* seen rows with an id by its hash: index + 1, 0 empty */
	int nomem;                 /* see() ran out of memory */
	int subject;               /* the file has the subject column */
};

/* 1 if s is a name of 1..MEAS_ID_MAX letters, digits, '.', '_', '-'. */
static int name_ok(const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
	return n >= 1 && n <= MEAS_ID_MAX && !s[n];
}

static size_t id_hash(const char *id)
{
	uint64_t h = UINT64_C(14695981039346656037);   /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * UINT64_C(1099511628211);
	return (size_t)h;
}

/* Index seen row i by its id (open addressing, at most half full).  0 or
** -ENOMEM. */
static int index_id(struct meas_load *l, size_t i)
{
	if (2 * (i + 1) > l->sizeid) {
		size_t size = l->sizeid ? 2 * l->sizeid : 128;
		size_t *t = calloc(size, sizeof *t);
		if (!t)
			return -ENOMEM;
		for (size_t k = 0; k < l->sizeid; k++) {
			size_t j = l->byid[k];
			if (!j)
				continue;
			size_t h = id_hash(l->seen[j - 1].id) & (size - 1);
			while (t[h])
				h = (h + 1) & (size - 1);
			t[h] = j;
		}
		free(l->byid);
		l->byid = t;
		l->sizeid = size;
	}
	size_t h = id_hash(l->seen[i].id) & (l->sizeid - 1);
	while (l->byid[h])
		h = (h + 1) & (l->sizeid - 1);
	l->byid[h] = i + 1;
	return 0;
}

/* Record a parsed row (id and ref may be NULL).  0 or -ENOMEM. */
static int see(struct meas_load *l, const char *id, const char *ref, int line)
{
	if (l->nseen == l->capseen) {
		size_t cap = l->capseen ? 2 * l->capseen : 64;
		struct seen_row *ns = realloc(l->seen, cap * sizeof *ns);
		if (!ns)
			return -ENOMEM;
		l->seen = ns;
		l->capseen = cap;
	}
	struct seen_row *r = &l->seen[l->nseen];
	r->id = id ? strdup(id) : NULL;
	r->ref = ref ? strdup(ref) : NULL;
	r->line = line;
	r->kept = -1;
	l->nseen++;
	if ((id && !r->id) || (ref && !r->ref))
		return -ENOMEM;
	return r->id ? index_id(l, l->nseen - 1) : 0;
}

/* The seen row with this id, or NULL.  O(1): a file of a million rows
** loads in linear time. */
static const struct seen_row *seen_id(const struct meas_load *l, const char *id)
{
	if (!l->sizeid)
		return NULL;
	for (size_t h = id_hash(id) & (l->sizeid - 1); l->byid[h]; h = (h + 1) & (l->sizeid - 1)) {
		const struct seen_row *r = &l->seen[l->byid[h] - 1];
		if (!strcmp(r->id, id))
			return r;
	}
	return NULL;
}

/* Report "path:line: col: <expected ...>, got 'field'". */
static void bad_field(struct diag *d, const char *path, int line, const char *col,
		      const char *field, const char *fmt, ...) DIAG_PRINTF(6, 7);

static void bad_field(struct diag *d, const char *path, int line, const char *col,
		      const char *field, const char *fmt, ...)
{
	char g[80], m[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	diag_error(d, path, line, "%s: %s, got %s", col, m,
		   trace_show(field, strlen(field), g, sizeof g));
}

#define BAD(col, field, ...) (bad_field(d, path, line, (col), (field), __VA_ARGS__), bad = 1)

/* A number field: 1 with *x, 0 when empty, -1 when not a number (reported). */
static int number(const char *col, const char *f, double *x, const char *path, int line,
		  struct diag *d)
{
	const char *why;
	if (!*f)
		return 0;
	if (units_number(f, x, &why)) {
		bad_field(d, path, line, col, f, "expected %s", why);
		return -1;
	}
	return 1;
}

/* An uncertainty: a number >= 0, or a percentage "5%" (then *pct = 1).
** 1 with *x, 0 when empty, -1 when malformed (not reported). */
static int uncertainty(const char *f, double *x, int *pct)
{
	char u[64];
	const char *why;
	size_t n = strlen(f);
	if (!n)
		return 0;
	*pct = f[n - 1] == '%';
	n -= (size_t)*pct;
	if (n >= sizeof u)
		return -1;
	memcpy(u, f, n);
	u[n] = 0;
	return units_number(u, x, &why) || !(*x >= 0) ? -1 : 1;
}

/* The parse hook: check one row's fields into l->p. */
/* Long: a row's columns checked in file order, each with its own message. */
static int parse_row(void *ctx, char **c, const char *path, int line, struct diag *d, int64_t *t_ns)
{
	struct meas_load *l = ctx;
	struct meas_point *p = &l->p;
	const char *why;
	int bad = 0, k;
	int64_t v;

	*t_ns = 0;
	memset(p, 0, sizeof *p);
	p->line = line;
	p->value = p->uncertainty = NAN;
	p->low = -INFINITY;
	p->high = INFINITY;
	p->kind = MEAS_NKIND;
	p->bench = MEAS_NBENCH;
	p->metric = MEAS_NMETRIC;

	/* id */
	const struct seen_row *first;
	if (!name_ok(c[0]))
		BAD("id", c[0], "expected an id of 1 to %d letters, digits, '.', '_' or '-'", MEAS_ID_MAX);
	else if ((first = seen_id(l, c[0])))
		BAD("id", c[0], "expected an id not used before (this one is on line %d)", first->line);
	else
		p->id = c[0];

	/* kind first (reported in its column's turn): what the other fields
	** must hold depends on it */
	int kind = lookup(kind_names, MEAS_NKIND, c[8]);
	if (kind >= 0)
		p->kind = (enum meas_kind)kind;

	/* use */
	if (!strcmp(c[1], "fit"))
		p->use = MEAS_FIT;
	else if (!strcmp(c[1], "holdout"))
		p->use = MEAS_HOLDOUT;
	else if (!*c[1] && p->kind == MEAS_UNSTATED)
		p->use = MEAS_USE_NONE;
	else if (p->kind == MEAS_UNSTATED)
		BAD("use", c[1], "expected fit, holdout or empty");
	else
		BAD("use", c[1], "expected fit or holdout");

	/* the quantity */
	k = lookup(bench_names, MEAS_NBENCH, c[2]);
	if (k < 0)
		BAD("benchmark", c[2], "expected one of specweb, bzip2, netperf, dd, host");
	else
		p->bench = (enum meas_bench)k;
	if (!name_ok(c[3]))
		BAD("hypervisor", c[3],
		    "expected a hypervisor profile name such as kvm-75, xen-3.3.0, vbox-2.0.6 or native");
	else
		p->hypervisor = c[3];
	int native = !strcmp(c[3], "native");
	if (trace_csv_int(c[4], MEAS_VMS_MAX, &v) || v < 1)
		BAD("vms", c[4], "expected a whole number of VMs from 1 to %d", MEAS_VMS_MAX);
	else if (native && v != 1)
		BAD("vms", c[4], "expected 1 for hypervisor native (the bare machine is one system)");
	else
		p->vms = (int)v;
	if (trace_csv_int(c[5], MEAS_VCPUS_MAX, &v) || v < 1)
		BAD("vcpus_per_vm", c[5], "expected a whole number of VCPUs from 1 to %d", MEAS_VCPUS_MAX);
	else
		p->vcpus = (int)v;
	if (units_bytes(c[6], &p->memory, &why))
		BAD("memory", c[6], "expected %s", why);
	else if (p->memory <= 0)
		BAD("memory", c[6], "expected a positive byte size such as 1.5GiB");
	else
		p->memory_text = c[6];
	k = lookup(metric_names, MEAS_NMETRIC, c[7]);
	if (k < 0)
		BAD("metric", c[7], "expected one of sessions_per_vm, cumulative_sessions, "
		    "peak_cumulative_sessions, seconds, mbit_s, mbyte_s, ratio_to_native, cpu_share, "
		    "wakeup_p50_s, wakeup_p95_s, run_per_dispatch_s, dispatches_per_s");
	else if (p->bench != MEAS_NBENCH && !(bench_metrics[p->bench] & 1u << k))
		BAD("metric", c[7], "expected one of %s for benchmark %s", bench_metric_list[p->bench],
		    bench_names[p->bench]);
	else if (native && k == MEAS_RATIO_TO_NATIVE)
		BAD("metric", c[7], "expected a metric other than ratio_to_native for hypervisor native");
	else
		p->metric = (enum meas_metric)k;

	if (kind < 0)
		BAD("kind", c[8], "expected one of value, range, ratio, diff, unstated");

	/* value, uncertainty, low, high, in column order.  Which may be
	** present depends on the kind; with an unknown kind only their syntax
	** is checked.  range and ratio bound positive quantities; a diff's
	** bounds may be negative but not 0, as errors are relative to them. */
	enum meas_kind kd = p->kind;
	int known = kd != MEAS_NKIND, is_value = kd == MEAS_VALUE;
	int bounded = kd == MEAS_RANGE || kd == MEAS_RATIO || kd == MEAS_DIFF;
	const char *kn = known ? kind_names[kd] : "?";
	double value = NAN, unc = NAN, lo = NAN, hi = NAN;
	int has_value = 0, has_unc = 0, unc_pct = 0, has_lo = 0, has_hi = 0;

	if (known && !is_value && *c[9])
		BAD("value", c[9], "expected empty for kind %s (only kind value states a number)", kn);
	else if ((has_value = number("value", c[9], &value, path, line, d)) < 0)
		bad = 1;
	else if (is_value && !(has_value && value >= DBL_MIN))   /* errors divide by it: no subnormal */
		BAD("value", c[9], "expected a positive number for kind value");
	else if (is_value)
		p->value = value;

	if (known && !is_value && *c[10])
		BAD("uncertainty", c[10], "expected empty for kind %s (only kind value has one)", kn);
	else if ((has_unc = uncertainty(c[10], &unc, &unc_pct)) < 0)
		BAD("uncertainty", c[10], "expected empty (unknown), a non-negative number in the "
		    "metric's unit or a percentage of value such as 5%%");
	else if (has_unc && is_value)
		p->uncertainty = unc_pct ? unc / 100 * p->value : unc;

	const char *want = kd == MEAS_DIFF ? "a non-zero number" : "a positive number";
	if (known && !bounded && *c[11])
		BAD("low", c[11], "expected empty for kind %s (bounds belong to range, ratio and diff)", kn);
	else if ((has_lo = number("low", c[11], &lo, path, line, d)) < 0)
		bad = 1;
	else if (has_lo && bounded && (kd == MEAS_DIFF ? fabs(lo) < DBL_MIN : !(lo >= DBL_MIN)))
		BAD("low", c[11], "expected %s for kind %s", want, kn), has_lo = -1;
	else if (has_lo)
		p->low = lo;

	if (known && !bounded && *c[12])
		BAD("high", c[12], "expected empty for kind %s (bounds belong to range, ratio and diff)", kn);
	else if ((has_hi = number("high", c[12], &hi, path, line, d)) < 0)
		bad = 1;
	else if (has_hi && bounded && (kd == MEAS_DIFF ? fabs(hi) < DBL_MIN : !(hi >= DBL_MIN)))
		BAD("high", c[12], "expected %s for kind %s", want, kn), has_hi = -1;
	else if (has_hi)
		p->high = hi;

	if (bounded && !*c[11] && !*c[12]) {
		diag_error(d, path, line,
			   "low, high: expected a bound (low, high or both) for kind %s, got neither", kn);
		bad = 1;
	} else if (has_lo > 0 && has_hi > 0 && lo > hi) {
		BAD("high", c[12], "expected a bound at or above low (%s)", c[11]);
	}

	/* ref */
	if (p->kind == MEAS_RATIO || p->kind == MEAS_DIFF) {
		if (!name_ok(c[13]))
			BAD("ref", c[13], "expected the id of the row this one is compared with for kind %s",
			    kind_names[p->kind]);
		else if (!strcmp(c[13], c[0]))
			BAD("ref", c[13], "expected another row's id (this is the row's own id)");
		else
			p->ref_id = c[13];
	} else if (p->kind != MEAS_NKIND && *c[13]) {
		BAD("ref", c[13], "expected empty for kind %s (only ratio and diff refer to another row)",
		    kind_names[p->kind]);
	}

	/* provenance */
	if (!*c[14] || trace_blank(c[14]))
		BAD("source", c[14], "expected the document and section or figure the row comes from");
	p->source = c[14];
	p->note = c[15];
	/* subject: what a host row is about; nothing else has one */
	const char *subj = l->subject ? c[16] : "";
	const char *slash = strchr(subj, '/');   /* a mix and a thread, both named */
	if (p->bench == MEAS_HOST && (!*subj || strlen(subj) > 255 || trace_blank(subj) || !slash || slash == subj ||
				      !slash[1]))
		BAD("subject", subj, "expected MIX/THREAD for benchmark host (%s)",
		    l->subject ? "a mix and a thread, at most 255 characters" : "the file has no subject column");
	else if (p->bench != MEAS_HOST && p->bench != MEAS_NBENCH && *subj)
		BAD("subject", subj, "expected empty for benchmark %s (only host rows have a subject)",
		    bench_names[p->bench]);
	else if (*subj)
		p->subject = (char *)subj;
	if (see(l, p->id, p->ref_id, line))
		l->nomem = 1;
	return bad ? -1 : 0;
}

/* Copy s (NULL stays NULL); sets *fail when memory runs out. */
static char *dup(const char *s, int *fail)
{
	if (!s)
		return NULL;
	char *c = strdup(s);
	if (!c)
		*fail = 1;
	return c;
}

/* The keep hook: copy the row into the set. */
static int keep_row(void *ctx, char **c)
{
	struct meas_load *l = ctx;
	struct meas_set *s = l->s;
	int fail = 0;
	(void)c;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct meas_point *np = realloc(s->p, cap * sizeof *np);
		if (!np)
			return -ENOMEM;
		s->p = np;
		s->cap = cap;
	}
	struct meas_point *p = &s->p[s->n];
	*p = l->p;
	p->id = dup(l->p.id, &fail);
	p->hypervisor = dup(l->p.hypervisor, &fail);
	p->memory_text = dup(l->p.memory_text, &fail);
	p->ref_id = dup(l->p.ref_id, &fail);
	p->source = dup(l->p.source, &fail);
	p->note = dup(l->p.note, &fail);
	p->subject = dup(l->p.subject, &fail);
	l->seen[l->nseen - 1].kept = (long)s->n;
	s->n++;   /* kept even when a copy failed, so meas_free frees the others */
	return fail ? -ENOMEM : 0;
}

/* The end hook: resolve each relation's ref, now that every row is in
** (a relation may name a later row).  Bad rows' refs are checked too; a
** ref to a bad row was reported with that row and is not reported again. */
static int resolve_refs(void *ctx, const char *path, struct diag *d)
{
	struct meas_load *l = ctx;
	struct meas_set *s = l->s;
	if (l->nomem)
		return -ENOMEM;
	for (size_t i = 0; i < l->nseen; i++) {
		const struct seen_row *r = &l->seen[i];
		int line = r->line, bad = 0;
		if (!r->ref)
			continue;
		const struct seen_row *t = seen_id(l, r->ref);
		if (!t) {
			BAD("ref", r->ref, "expected the id of a row in this file");
			continue;
		}
		if (r->kept < 0 || t->kept < 0)
			continue;
		struct meas_point *p = &s->p[r->kept];
		const struct meas_point *q = &s->p[t->kept];
		if (meas_same_quantity(p, q))
			BAD("ref", r->ref, "expected a row of another quantity (line %d names the same one)",
			    q->line);
		else if (p->kind == MEAS_DIFF && q->metric != p->metric)
			BAD("ref", r->ref, "expected a row with metric %s for kind diff (a difference "
			    "of like quantities; line %d has %s)", metric_names[p->metric], q->line,
			    metric_names[q->metric]);
		else
			p->ref = (size_t)t->kept;
		(void)bad;
	}
	return 0;
}

static const struct trace_csv_format measured_csv = {
	.header = MEAS_HEADER,
	.ncol = MEAS_NCOL,
	.time_col = "id",          /* unused: every row reports time 0 */
	.row_name = "measured point",
	.parse = parse_row,
	.keep = keep_row,
	.end = resolve_refs,
};

static const struct trace_csv_format measured_subject_csv = {
	.header = MEAS_HEADER_SUBJECT,
	.ncol = MEAS_NCOL + 1,
	.time_col = "id",
	.row_name = "measured point",
	.parse = parse_row,
	.keep = keep_row,
	.end = resolve_refs,
};

/* Does the file's header (its first line that is neither a comment nor
** blank) have the subject column?  A file that cannot be read says no:
** trace_csv_read reports it. */
static int has_subject(const char *path)
{
	char why[200];
	FILE *f = infile_open(path, why, sizeof why);   /* a FIFO would block fopen */
	if (!f)
		return 0;
	char buf[512];
	int yes = 0;
	while (fgets(buf, sizeof buf, f)) {
		if (buf[0] == '#' || trace_blank(buf) || buf[0] == '\n' || buf[0] == '\r')
			continue;
		buf[strcspn(buf, "\r\n")] = 0;
		yes = !strcmp(buf, MEAS_HEADER_SUBJECT);
		break;
	}
	fclose(f);
	return yes;
}

int meas_load(const char *path, struct diag *d, struct meas_set *s)
{
	struct meas_load l = { .s = s };
	memset(s, 0, sizeof *s);
	l.subject = has_subject(path);
	int rc = trace_csv_read(path, l.subject ? &measured_subject_csv : &measured_csv, &l, d);
	for (size_t i = 0; i < l.nseen; i++) {
		free(l.seen[i].id);
		free(l.seen[i].ref);
	}
	free(l.seen);
	free(l.byid);
	if (rc)
		meas_free(s);
	return rc;
}

/* ---- errors against simulated values ------------------------------ */

double meas_band_error(double x, double lo, double hi)
{
	/* A bound of 0 (possible only through this function) gives an
	** absolute distance. */
	if (x > hi)
		return hi ? (x - hi) / fabs(hi) : x - hi;
	if (x < lo)
		return lo ? (x - lo) / fabs(lo) : x - lo;
	return 0;
}

int meas_error(const struct meas_set *s, size_t i, meas_sim_fn sim, void *ctx, double *err)
{
	const struct meas_point *p = &s->p[i];
	*err = 0;
	if (p->kind == MEAS_UNSTATED)
		return 0;
	double a = sim(ctx, p);
	if (isnan(a))
		return -ENOENT;
	switch (p->kind) {
	case MEAS_VALUE:
		*err = (a - p->value) / p->value;
		return 0;
	case MEAS_RANGE:
		*err = meas_band_error(a, p->low, p->high);
		return 0;
	default:
		break;
	}
	double b = sim(ctx, &s->p[p->ref]);
	if (isnan(b))
		return -ENOENT;
	if (p->kind == MEAS_RATIO) {
		if (b == 0)
			return -EDOM;
		*err = meas_band_error(a / b, p->low, p->high);
	} else {
		*err = meas_band_error(a - b, p->low, p->high);
	}
	return 0;
}
