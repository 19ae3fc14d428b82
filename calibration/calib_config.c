/*
** Reading a calibration file (docs/calibration.md).  Every problem is
** reported as "file:line: <element attr>: expected ..., got '...'".
*/
#include "calibration/calib.h"
#include "sim/engine/infile.h"
#include "sim/engine/units.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

struct ld {
	struct cal_config *c;
	struct diag *d;
	const char *file;
	char *dir;                  /* the file's directory, with a trailing '/' */
};

static char *attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *r = v ? strdup((const char *)v) : NULL;
	xmlFree(v);
	return r;
}

static int line_of(xmlNodePtr n)
{
	return (int)xmlGetLineNo(n);
}

static int is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* Attributes not in allowed (space separated) are errors. */
static void only(struct ld *ld, xmlNodePtr n, const char *allowed)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next) {
		const char *nm = (const char *)a->name;
		size_t len = strlen(nm);
		const char *p = allowed;
		int ok = 0;
		while (*p) {
			const char *e = strchr(p, ' ');
			size_t l = e ? (size_t)(e - p) : strlen(p);
			if (l == len && !strncmp(p, nm, l))
				ok = 1;
			p += l + (e != NULL);
		}
		if (!ok)
			diag_error(ld->d, ld->file, line_of(n), "<%s %s>: unknown attribute; expected one of: %s",
				   (const char *)n->name, nm, allowed);
	}
}

/* A required attribute; NULL (reported) when missing or empty. */
static char *need(struct ld *ld, xmlNodePtr n, const char *name)
{
	char *v = attr(n, name);
	if (!v || !*v) {
		diag_error(ld->d, ld->file, line_of(n), "<%s %s>: expected a value, got none",
			   (const char *)n->name, name);
		free(v);
		return NULL;
	}
	return v;
}

/* A number in [lo, hi] (whole: a whole one) or def when absent; reported
** when bad.  Read as a scenario's numbers are: strtod took "0x10", and a
** count such as starts="2.5" was cut to 2. */
static double num_of(struct ld *ld, xmlNodePtr n, const char *name, double def, double lo, double hi, int whole)
{
	char *v = attr(n, name);
	if (!v)
		return def;
	double x;
	const char *why;
	if (units_number(v, &x, &why) || x < lo || x > hi || (whole && x != floor(x))) {
		diag_error(ld->d, ld->file, line_of(n), "<%s %s>: expected a %snumber from %g to %g, got '%s'",
			   (const char *)n->name, name, whole ? "whole " : "", lo, hi, v);
		x = def;
	}
	free(v);
	return x;
}

static double num(struct ld *ld, xmlNodePtr n, const char *name, double def, double lo, double hi)
{
	return num_of(ld, n, name, def, lo, hi, 0);
}

static double whole(struct ld *ld, xmlNodePtr n, const char *name, double def, double lo, double hi)
{
	return num_of(ld, n, name, def, lo, hi, 1);
}

/* Path relative to the calibration file's directory, which must be readable. */
static char *path_attr(struct ld *ld, xmlNodePtr n, const char *name)
{
	char *v = need(ld, n, name);
	if (!v)
		return NULL;
	char *full;
	if (v[0] == '/') {
		full = v;
	} else {
		full = malloc(strlen(ld->dir) + strlen(v) + 1);
		if (!full) {
			free(v);
			return NULL;
		}
		strcpy(full, ld->dir);
		strcat(full, v);
		free(v);
	}
	char *real = full;
	if (full[0] != '/') {
		char cwd[4096];
		if (!getcwd(cwd, sizeof cwd)) {
			free(full);
			return NULL;
		}
		real = malloc(strlen(cwd) + strlen(full) + 2);
		if (real)
			sprintf(real, "%s/%s", cwd, full);
		free(full);
		full = NULL;
		if (!real)
			return NULL;
	}
	if (access(real, R_OK)) {
		diag_error(ld->d, ld->file, line_of(n), "<%s %s>: expected a readable file, '%s' is not",
			   (const char *)n->name, name, real);
		free(real);
		return NULL;
	}
	return real;
}

static int bench_of(const char *s)
{
	for (int b = 0; b < MEAS_NBENCH; b++)
		if (!strcmp(meas_bench_name((enum meas_bench)b), s))
			return b;
	return -1;
}

static int metric_of(const char *s)
{
	for (int m = 0; m < MEAS_NMETRIC; m++)
		if (!strcmp(meas_metric_name((enum meas_metric)m), s))
			return m;
	return -1;
}

static const char bench_list[] = "specweb, bzip2, netperf, dd, host";

/* host: scenario="predict-{mix}.xml", one scenario per mix (the part of a
** row's subject MIX/THREAD before the '/'), resolved like path_attr but
** checked per row (bind_rows). */
static char *host_scenario(struct ld *ld, xmlNodePtr n)
{
	char *v = need(ld, n, "scenario");
	if (!v || v[0] == '/')
		return v;
	char cwd[4096];
	if (!getcwd(cwd, sizeof cwd)) {
		free(v);
		return NULL;
	}
	char *full = malloc(strlen(cwd) + strlen(ld->dir) + strlen(v) + 2);
	if (full) {
		if (ld->dir[0] == '/')
			sprintf(full, "%s%s", ld->dir, v);
		else
			sprintf(full, "%s/%s%s", cwd, ld->dir, v);
	}
	free(v);
	return full;
}

static void load_bench(struct ld *ld, xmlNodePtr n)
{
	char *name = need(ld, n, "name");
	int b = name ? bench_of(name) : -1;
	if (b == MEAS_HOST) {
		/* host threads: no VM, a scenario per mix */
		only(ld, n, "name scenario");
		char *scen = host_scenario(ld, n);
		if (scen && !ld->c->bench[b].scenario) {
			ld->c->bench[b].scenario = scen;
			ld->c->bench[b].line = line_of(n);
		} else {
			if (scen)
				diag_error(ld->d, ld->file, line_of(n), "<benchmark name>: 'host' is already configured at line %d",
					   ld->c->bench[b].line);
			free(scen);
		}
		free(name);
		return;
	}
	only(ld, n, "name scenario vm");
	if (name && b < 0)
		diag_error(ld->d, ld->file, line_of(n), "<benchmark name>: expected one of %s, got '%s'",
			   bench_list, name);
	else if (b >= 0 && ld->c->bench[b].scenario)
		diag_error(ld->d, ld->file, line_of(n), "<benchmark name>: '%s' is already configured at line %d",
			   name, ld->c->bench[b].line);
	char *scen = path_attr(ld, n, "scenario");
	char *vm = need(ld, n, "vm");
	if (b >= 0 && scen && vm && !ld->c->bench[b].scenario) {
		ld->c->bench[b].scenario = scen;
		ld->c->bench[b].vm = vm;
		ld->c->bench[b].line = line_of(n);
	} else {
		free(scen);
		free(vm);
	}
	free(name);
}

static void load_hv(struct ld *ld, xmlNodePtr n)
{
	only(ld, n, "name profile out");
	struct cal_config *c = ld->c;
	if (c->nhv >= CAL_MAX_HV) {
		diag_error(ld->d, ld->file, line_of(n), "<hypervisor>: expected at most %d hypervisors", CAL_MAX_HV);
		return;
	}
	char *name = need(ld, n, "name");
	char *prof = path_attr(ld, n, "profile");
	char *prof_text = attr(n, "profile");
	char *out = attr(n, "out");
	if (out && (!*out || strchr(out, '/') || out[0] == '.')) {
		diag_error(ld->d, ld->file, line_of(n), "<hypervisor out>: expected a plain file name, got '%s'",
			   out);
		free(out);
		out = NULL;
	}
	/* the profile goes beside the other outputs of DIR: a name of its own */
	static const char *const taken[] = { "fit.csv", "points.csv", "quantities.csv", "report.txt" };
	for (size_t i = 0; out && i < sizeof taken / sizeof taken[0]; i++)
		if (!strcmp(out, taken[i])) {
			diag_error(ld->d, ld->file, line_of(n),
				   "<hypervisor out>: expected a file name other than calibrate's outputs (fit.csv, "
				   "points.csv, quantities.csv, report.txt), got '%s'", out);
			free(out);
			out = NULL;
		}
	for (int i = 0; out && i < c->nhv; i++)
		if (c->hv[i].out && !strcmp(c->hv[i].out, out)) {
			diag_error(ld->d, ld->file, line_of(n),
				   "<hypervisor out>: expected a file name of its own, got '%s' (also the out= of "
				   "line %d)", out, c->hv[i].line);
			free(out);
			out = NULL;
		}
	for (int i = 0; name && i < c->nhv; i++)
		if (!strcmp(c->hv[i].name, name)) {
			diag_error(ld->d, ld->file, line_of(n), "<hypervisor name>: '%s' is already configured at line %d",
				   name, c->hv[i].line);
			free(name);
			name = NULL;
		}
	if (!name || !prof) {
		free(name);
		free(prof);
		free(prof_text);
		free(out);
		return;
	}
	struct cal_hv *nv = realloc(c->hv, (size_t)(c->nhv + 1) * sizeof *nv);
	if (!nv) {
		free(name);
		free(prof);
		free(prof_text);
		free(out);
		return;
	}
	c->hv = nv;
	c->hv[c->nhv++] = (struct cal_hv){ .name = name, .profile = prof, .profile_text = prof_text, .out = out,
					   .line = line_of(n) };
}

static void load_param(struct ld *ld, xmlNodePtr n, int stage)
{
	only(ld, n, "name key hypervisor benchmark unit min max start source");
	struct cal_config *c = ld->c;
	if (c->np >= CAL_MAX_PARAMS) {
		diag_error(ld->d, ld->file, line_of(n), "<param>: expected at most %d parameters", CAL_MAX_PARAMS);
		return;
	}
	struct cal_param p = { .bench = -1, .stage = stage, .line = line_of(n) };
	p.name = need(ld, n, "name");
	p.key = need(ld, n, "key");
	p.hypervisor = attr(n, "hypervisor");
	p.unit = attr(n, "unit");
	if (!p.unit)
		p.unit = strdup("");
	p.source = attr(n, "source");
	if (!p.source)
		p.source = strdup("");
	char *b = attr(n, "benchmark");
	if (b) {
		p.bench = bench_of(b);
		if (p.bench < 0)
			diag_error(ld->d, ld->file, line_of(n), "<param benchmark>: expected one of %s, got '%s'",
				   bench_list, b);
		free(b);
	}
	p.min = num(ld, n, "min", NAN, -1e300, 1e300);
	p.max = num(ld, n, "max", NAN, -1e300, 1e300);
	p.start = num(ld, n, "start", NAN, -1e300, 1e300);
	if (isnan(p.min) || isnan(p.max) || isnan(p.start))
		diag_error(ld->d, ld->file, line_of(n), "<param>: expected min, max and start");
	else if (!(p.min < p.max) || p.start <= p.min || p.start >= p.max)
		diag_error(ld->d, ld->file, line_of(n),
			   "<param>: expected min < start < max, got min=%g start=%g max=%g", p.min, p.start, p.max);
	for (int i = 0; p.name && i < c->np; i++)
		if (c->p[i].name && !strcmp(c->p[i].name, p.name))
			diag_error(ld->d, ld->file, line_of(n), "<param name>: '%s' is already used at line %d",
				   p.name, c->p[i].line);
	/* two parameters setting one key for the same points would fight
	** (one value fitted, the other reported): the same key is allowed
	** only for points that cannot overlap, other hypervisors or other
	** benchmarks */
	for (int i = 0; p.key && i < c->np; i++) {
		const struct cal_param *q = &c->p[i];
		int hv_apart = p.hypervisor && q->hypervisor && strcmp(p.hypervisor, q->hypervisor);
		int bench_apart = p.bench >= 0 && q->bench >= 0 && p.bench != q->bench;
		if (q->key && !strcmp(q->key, p.key) && !hv_apart && !bench_apart)
			diag_error(ld->d, ld->file, line_of(n),
				   "<param key>: expected a key no other parameter sets for the same points, got '%s' "
				   "(also set at line %d)",
				   p.key, q->line);
	}
	if (p.hypervisor) {
		int found = 0;
		for (int i = 0; i < c->nhv; i++)
			found |= !strcmp(c->hv[i].name, p.hypervisor);
		if (!found)
			diag_error(ld->d, ld->file, line_of(n),
				   "<param hypervisor>: expected a <hypervisor name> given before it, got '%s'",
				   p.hypervisor);
	}
	c->p[c->np++] = p;
	struct cal_stage *st = &c->stage[stage];
	if (st->np < CAL_MAX_PARAMS)
		st->param[st->np++] = c->np - 1;
}

/* Is hv in the space-separated list (NULL: every name)? */
static int in_list(const char *list, const char *hv)
{
	if (!list)
		return 1;
	size_t len = strlen(hv);
	for (const char *p = list; *p;) {
		while (*p == ' ')
			p++;
		size_t l = strcspn(p, " ");
		if (l == len && !strncmp(p, hv, l))
			return 1;
		p += l;
	}
	return 0;
}

static void load_stage(struct ld *ld, xmlNodePtr n)
{
	only(ld, n, "name benchmarks hypervisors starts evaluations");
	struct cal_config *c = ld->c;
	if (c->nstage >= CAL_MAX_STAGES) {
		diag_error(ld->d, ld->file, line_of(n), "<stage>: expected at most %d stages", CAL_MAX_STAGES);
		return;
	}
	int si = c->nstage++;
	struct cal_stage *st = &c->stage[si];
	st->line = line_of(n);
	st->name = need(ld, n, "name");
	st->hypervisors = attr(n, "hypervisors");
	st->starts = (int)whole(ld, n, "starts", 0, 1, 100);
	st->evals = (int)whole(ld, n, "evaluations", 0, 1, 100000);
	char *bl = need(ld, n, "benchmarks");
	for (char *p = bl; p && *p;) {
		while (*p == ' ')
			p++;
		size_t l = strcspn(p, " ");
		if (!l)
			break;
		char save = p[l];
		p[l] = 0;
		int b = bench_of(p);
		if (b < 0)
			diag_error(ld->d, ld->file, line_of(n), "<stage benchmarks>: expected names from %s, got '%s'",
				   bench_list, p);
		else
			st->benches |= 1u << b;
		p[l] = save;
		p += l;
	}
	free(bl);
	for (xmlNodePtr k = n->children; k; k = k->next) {
		if (is(k, "param"))
			load_param(ld, k, si);
		else if (k->type == XML_ELEMENT_NODE)
			diag_error(ld->d, ld->file, line_of(k), "<%s>: expected <param> inside <stage>",
				   (const char *)k->name);
	}
	if (!st->np)
		diag_error(ld->d, ld->file, line_of(n), "<stage>: expected at least one <param>");
}

static void load_also(struct ld *ld, xmlNodePtr n)
{
	only(ld, n, "benchmark hypervisor vms vcpus memory metric");
	struct cal_config *c = ld->c;
	if (c->nalso >= CAL_MAX_ALSO) {
		diag_error(ld->d, ld->file, line_of(n), "<also>: expected at most %d", CAL_MAX_ALSO);
		return;
	}
	struct cal_also a = { .line = line_of(n) };
	char *b = need(ld, n, "benchmark"), *m = need(ld, n, "metric"), *v = need(ld, n, "vms");
	a.hypervisor = need(ld, n, "hypervisor");
	a.memory = need(ld, n, "memory");
	a.vcpus = (int)whole(ld, n, "vcpus", 1, 1, MEAS_VCPUS_MAX);
	a.bench = b ? bench_of(b) : -1;
	a.metric = m ? metric_of(m) : -1;
	if (b && a.bench < 0)
		diag_error(ld->d, ld->file, line_of(n), "<also benchmark>: expected one of %s, got '%s'", bench_list, b);
	if (m && a.metric < 0)
		diag_error(ld->d, ld->file, line_of(n),
			   "<also metric>: expected sessions_per_vm, cumulative_sessions, seconds, mbit_s, mbyte_s or "
			   "ratio_to_native, got '%s'", m);
	if (m && a.metric == MEAS_PEAK_CUMULATIVE)
		diag_error(ld->d, ld->file, line_of(n), "<also metric>: peak_cumulative_sessions is not a curve");
	for (char *t = v; t && *t;) {
		t += strspn(t, " ");
		size_t l = strcspn(t, " ");
		if (!l)
			break;
		char tok[32];
		int from = 0, to = -1, used = 0;
		snprintf(tok, sizeof tok, "%.*s", (int)(l < 31 ? l : 31), t);
		if (sscanf(tok, "%d-%d%n", &from, &to, &used) == 2 && !tok[used] && l < 31)
			;
		else if (sscanf(tok, "%d%n", &from, &used) == 1 && !tok[used] && l < 31)
			to = from;
		else
			to = -1;
		if (from < 1 || to < from || to > MEAS_VMS_MAX || a.nvms + (to - from + 1) > CAL_ALSO_VMS) {
			diag_error(ld->d, ld->file, line_of(n),
				   "<also vms>: expected counts or ranges FROM-TO of counts from 1 to %d (at most %d in all), "
				   "got '%s'", MEAS_VMS_MAX, CAL_ALSO_VMS, tok);
			break;
		}
		for (int k = from; k <= to; k++)
			a.vms[a.nvms++] = k;
		t += l;
	}
	free(b);
	free(m);
	free(v);
	struct cal_also *na = realloc(c->also, (size_t)(c->nalso + 1) * sizeof *na);
	if (!na) {
		free(a.hypervisor);
		free(a.memory);
		return;
	}
	c->also = na;
	c->also[c->nalso++] = a;
}

/* Rows of each stage: the measured fit rows of its benchmarks and
** hypervisors; every hypervisor they (or their references) name must be
** configured, and so must every benchmark. */
static void bind_rows(struct ld *ld)
{
	struct cal_config *c = ld->c;
	const struct meas_set *m = &c->meas;
	/* the stage that fits each row, + 1 (0: none yet) */
	int *owner = calloc(m->n ? m->n : 1, sizeof *owner);
	if (!owner) {
		diag_error(ld->d, ld->file, 0, "out of memory");
		return;
	}
	for (int si = 0; si < c->nstage; si++) {
		struct cal_stage *st = &c->stage[si];
		st->row = calloc(m->n ? m->n : 1, sizeof *st->row);
		if (!st->row) {
			diag_error(ld->d, ld->file, 0, "out of memory");
			break;
		}
		for (size_t i = 0; i < m->n; i++) {
			const struct meas_point *p = &m->p[i];
			if (p->use != MEAS_FIT || !(st->benches & (1u << p->bench)) ||
			    !in_list(st->hypervisors, p->hypervisor))
				continue;
			int dup = owner[i] - 1;
			if (dup >= 0) {
				diag_error(ld->d, ld->file, st->line,
					   "<stage %s>: measured row '%s' (%s:%d) is already fitted by stage '%s'",
					   st->name ? st->name : "?", p->id, c->measured, p->line, c->stage[dup].name);
				continue;
			}
			st->row[st->nrow++] = i;
			owner[i] = si + 1;
		}
		if (!st->nrow)
			diag_error(ld->d, ld->file, st->line, "<stage %s>: expected some fit rows in %s, found none",
				   st->name ? st->name : "?", c->measured);
	}
	/* The hypervisors and benchmarks that rows to be simulated need. */
	for (size_t i = 0; i < m->n; i++) {
		const struct meas_point *p = &m->p[i];
		if (p->kind == MEAS_UNSTATED)
			continue;
		const struct meas_point *q[3] = { p, p->ref_id ? &m->p[p->ref] : NULL, NULL };
		for (int k = 0; k < 2 && q[k]; k++) {
			int found = 0;
			for (int h = 0; h < c->nhv; h++)
				found |= !strcmp(c->hv[h].name, q[k]->hypervisor);
			if (!found)
				diag_error(ld->d, ld->file, 0,
					   "%s:%d: row '%s' names hypervisor '%s', which %s does not configure: expected a "
					   "<hypervisor name=\"%s\" profile=...>",
					   c->measured, q[k]->line, p->id, q[k]->hypervisor, ld->file, q[k]->hypervisor);
			if (q[k]->bench == MEAS_HOST && c->bench[MEAS_HOST].scenario) {
				char path[4096];
				if (cal_host_scenario(c, q[k]->subject, path, sizeof path) || access(path, R_OK))
					diag_error(ld->d, ld->file, 0,
						   "%s:%d: row '%s' (subject %s) needs the scenario '%s', which is not a readable file",
						   c->measured, q[k]->line, p->id, q[k]->subject, path);
			}
			if (!c->bench[q[k]->bench].scenario)
				diag_error(ld->d, ld->file, 0,
					   "%s:%d: row '%s' is a %s point, which %s does not configure: expected a "
					   "<benchmark name=\"%s\" scenario=... vm=...>",
					   c->measured, q[k]->line, p->id, meas_bench_name(q[k]->bench), ld->file,
					   meas_bench_name(q[k]->bench));
		}
		if (p->metric == MEAS_RATIO_TO_NATIVE) {
			int found = 0;
			for (int h = 0; h < c->nhv; h++)
				found |= !strcmp(c->hv[h].name, "native");
			if (!found)
				diag_error(ld->d, ld->file, 0,
					   "%s:%d: row '%s' is relative to native, which %s does not configure: expected "
					   "a <hypervisor name=\"native\" profile=...>", c->measured, p->line, p->id, ld->file);
		}
	}
	free(owner);
}

/* The parser's first error (the later ones are its recovery's), in
** hvsim's words where there are some (sim/engine/infile.h). */
struct first_error {
	int line, mapped;
	char msg[300];
};

static void on_first_error(void *arg, xmlErrorPtr e)
{
	struct first_error *f = arg;
	if (f->msg[0] || !e || e->level == XML_ERR_WARNING)
		return;
	int k = infile_xml_words(e->message ? e->message : "parse error", f->msg, sizeof f->msg);
	if (k < 0) {
		f->msg[0] = 0;
		return;
	}
	f->mapped = k > 0;
	f->line = e->line;
}

/* Long: the calibration file's elements in schema order, each checked
** where it is read. */
int cal_load(struct cal_config *c, const char *path, struct diag *d)
{
	memset(c, 0, sizeof *c);
	c->seed = 1;
	c->starts = 3;
	c->evals = 60;
	c->tol = 0.05;
	c->prior = 0.01;
	c->pass = 0.10;
	c->identify = 0.01;
	c->reps = 1;
	c->dither = 1;
	c->resolution = 10;
	c->path = strdup(path);
	struct ld ld = { .c = c, .d = d, .file = path };
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	ld.dir = malloc(dl + 1);
	if (!c->path || !ld.dir) {
		free(ld.dir);
		cal_free(c);
		return -1;
	}
	memcpy(ld.dir, path, dl);
	ld.dir[dl] = 0;

	char why[200];
	size_t tn;
	int wl;
	char *text = infile_xml(path, &tn, &wl, why, sizeof why);
	struct first_error fe = { 0, 0, "" };
	xmlSetStructuredErrorFunc(&fe, on_first_error);
	xmlDocPtr doc = text ? xmlReadMemory(text, (int)tn, path, NULL, INFILE_XML_OPTIONS) : NULL;
	xmlSetStructuredErrorFunc(NULL, NULL);
	free(text);
	if (!doc) {
		if (!text)
			diag_error(d, path, wl, "%s", why);
		else if (fe.mapped)
			diag_error(d, path, fe.line, "%s", fe.msg);
		else
			diag_error(d, path, fe.line, "expected well-formed XML: %s", fe.msg[0] ? fe.msg : "parse error");
		free(ld.dir);
		cal_free(c);
		return -1;
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || !is(root, "calibration")) {
		diag_error(d, path, root ? line_of(root) : 0, "expected a <calibration> root element");
	} else {
		only(&ld, root, "name seed");
		c->name = need(&ld, root, "name");
		c->seed = (uint64_t)whole(&ld, root, "seed", 1, 0, 9007199254740992.0);
		int nmeas = 0;
		for (xmlNodePtr n = root->children; n; n = n->next) {
			if (n->type != XML_ELEMENT_NODE)
				continue;
			if (is(n, "measured")) {
				only(&ld, n, "file");
				if (nmeas++) {
					diag_error(d, path, line_of(n), "<measured>: expected one, got another");
					continue;
				}
				c->measured = path_attr(&ld, n, "file");
				c->measured_text = attr(n, "file");
			} else if (is(n, "benchmark")) {
				load_bench(&ld, n);
			} else if (is(n, "hypervisor")) {
				load_hv(&ld, n);
			} else if (is(n, "search")) {
				only(&ld, n, "starts evaluations tolerance prior pass identify");
				c->starts = (int)whole(&ld, n, "starts", 3, 1, 100);
				c->evals = (int)whole(&ld, n, "evaluations", 60, 1, 100000);
				c->tol = num(&ld, n, "tolerance", 0.05, 1e-9, 10);
				c->prior = num(&ld, n, "prior", 0.01, 0, 1e6);
				c->pass = num(&ld, n, "pass", 0.10, 0, 10);
				c->identify = num(&ld, n, "identify", 0.01, 0, 10);
			} else if (is(n, "capacity")) {
				only(&ld, n, "replications resolution duration warmup precision dither");
				c->reps = (int)whole(&ld, n, "replications", 1, 1, 100);
				/* users per VM, or a share of the bracket ("2%": docs/capacity.md) */
				char *rv = attr(n, "resolution");
				c->resolution_share = 0;
				if (rv && strchr(rv, '%')) {
					if (scn_resolution_share(rv, &c->resolution_share))
						diag_error(ld.d, ld.file, line_of(n),
							   "<capacity resolution>: expected users per VM (10) or a share of "
							   "the bracket above 0%% and at most 50%% (2%%), got '%s'", rv);
				} else {
					c->resolution = num(&ld, n, "resolution", 10, 1, 1e6);
				}
				free(rv);
				free(c->duration);   /* a second <capacity>: the last one counts */
				free(c->warmup);
				c->duration = attr(n, "duration");
				c->warmup = attr(n, "warmup");
				free(c->precision);
				c->precision = attr(n, "precision");
				/* xs:boolean, as the scenario's <capacity dither> */
				char *dt = attr(n, "dither");
				c->dither = !dt || !(strcmp(dt, "false") == 0 || strcmp(dt, "0") == 0);
				if (dt && strcmp(dt, "true") && strcmp(dt, "1") && strcmp(dt, "false") && strcmp(dt, "0"))
					diag_error(ld.d, ld.file, line_of(n),
						   "<capacity dither>: expected true or false, got '%s'", dt);
				free(dt);
			} else if (is(n, "stage")) {
				load_stage(&ld, n);
			} else if (is(n, "also")) {
				load_also(&ld, n);
			} else {
				diag_error(d, path, line_of(n),
					   "<%s>: expected <measured>, <benchmark>, <hypervisor>, <search>, <capacity>, "
					   "<stage> or <also>", (const char *)n->name);
			}
		}
		if (!nmeas)
			diag_error(d, path, line_of(root), "<calibration>: expected a <measured file=...>");
		if (!c->nstage)
			diag_error(d, path, line_of(root), "<calibration>: expected at least one <stage>");
		if (c->measured && !diag_count(d)) {
			if (meas_load(c->measured, d, &c->meas) == 0)
				bind_rows(&ld);
		}
		for (int i = 0; i < c->nalso; i++) {
			int found = 0;
			for (int h = 0; h < c->nhv; h++)
				found |= c->also[i].hypervisor && !strcmp(c->hv[h].name, c->also[i].hypervisor);
			if (c->also[i].hypervisor && !found)
				diag_error(d, path, c->also[i].line, "<also hypervisor>: expected a configured hypervisor, got '%s'",
					   c->also[i].hypervisor);
			if (c->also[i].bench >= 0 && !c->bench[c->also[i].bench].scenario)
				diag_error(d, path, c->also[i].line, "<also benchmark>: '%s' has no <benchmark> scenario",
					   meas_bench_name(c->also[i].bench));
		}
	}
	xmlFreeDoc(doc);
	free(ld.dir);
	if (diag_count(d)) {
		cal_free(c);
		return -1;
	}
	return 0;
}

void cal_free(struct cal_config *c)
{
	free(c->path);
	free(c->name);
	free(c->measured);
	free(c->measured_text);
	meas_free(&c->meas);
	for (int b = 0; b < MEAS_NBENCH; b++) {
		free(c->bench[b].scenario);
		free(c->bench[b].vm);
	}
	for (int i = 0; i < c->nhv; i++) {
		free(c->hv[i].name);
		free(c->hv[i].profile);
		free(c->hv[i].profile_text);
		free(c->hv[i].out);
	}
	free(c->hv);
	for (int i = 0; i < c->np; i++) {
		free(c->p[i].name);
		free(c->p[i].hypervisor);
		free(c->p[i].key);
		free(c->p[i].unit);
		free(c->p[i].source);
	}
	for (int i = 0; i < c->nstage; i++) {
		free(c->stage[i].name);
		free(c->stage[i].hypervisors);
		free(c->stage[i].row);
	}
	for (int i = 0; i < c->nalso; i++) {
		free(c->also[i].hypervisor);
		free(c->also[i].memory);
	}
	free(c->also);
	free(c->duration);
	free(c->warmup);
	free(c->precision);
	memset(c, 0, sizeof *c);
}

void cal_param_text(const struct cal_param *p, double v, char *buf, size_t len)
{
	snprintf(buf, len, "%.6g%s", v, p->unit ? p->unit : "");
}
