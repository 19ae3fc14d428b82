/*
** A sweep's points as models (docs/sweep.md, "Reusing another sweep's
** points"): each point's points/NNN/model.xml, and --reuse, which takes a
** point's outputs and row from another sweep whose point has the same
** model.xml.
**
** model.xml is the scenario's model text (sim/scenario/model.c: the tree
** with profiles spliced in and every override applied, comments, names
** and the <sweep> left out, attributes sorted) with one comment after the
** XML declaration naming what the command line changes after loading and
** the sweep adds: the hvsim version, the seed, the protocol, the mode and
** the capacity search's start.  Every input of a point's simulation is
** then in the file, so two points with the same model.xml run the same
** simulation with the same random numbers, and give the same outputs
** byte for byte, whichever scenario file and sweep they came from (a
** reused point's files are the other sweep's, its summary.json naming the
** scenario that ran it).  A model naming a file (a request trace) is
** never reused: its text does not hold the file's contents, nor is a
** point damaged since it was written (point_whole): it runs instead, as a
** resumed sweep runs a point whose row is missing.  hvsim cannot
** tell two builds of one version apart: the other sweep must be this
** build's, as for a resumed sweep.
*/
#include "sim/drive/sweep_reuse.h"
#include "sim/drive/sweep_file.h"
#include "sim/drive/sweep_int.h"
#include "sim/explain/json.h"
#include "sim/report/output.h"
#include "traces/csv.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *sweep_model_xml(const struct scenario *s, int capacity, int protocol)
{
	if (!s->model)
		return NULL;
	const char *body = s->model;
	const char *decl = "";
	size_t dl = 0;
	if (strncmp(body, "<?xml", 5) == 0) {
		const char *nl = strchr(body, '\n');
		dl = nl ? (size_t)(nl - body) + 1 : strlen(body);
		decl = body;
		body += dl;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fwrite(decl, 1, dl, f);
	fprintf(f, "<!-- hvsim %s sweep point: seed %llu, protocol %s, mode %s", HVSIM_VERSION,
		(unsigned long long)s->seed, protocol == SCN_PROTOCOL_SPECWEB ? "specweb" : "scenario",
		capacity ? "capacity" : "run");
	if (capacity)
		fprintf(f, ", start %d users per VM", s->capacity.start);
	if (capacity && s->capacity.nrep_start) {
		/* each replication's own start (bracket="previous") */
		fputs(", replications from", f);
		for (int i = 0; i < s->capacity.nrep_start; i++)
			fprintf(f, " %d", s->capacity.rep_start[i]);
	}
	fputs(" -->\n", f);
	fputs(body, f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ------------------------------------------------- the other sweeps --- */

struct vary_vals {
	int n;
	char **v;
};

static void free_vary(struct vary_vals *vv, int nv)
{
	for (int k = 0; k < nv; k++) {
		for (int i = 0; i < vv[k].n; i++)
			free(vv[k].v[i]);
		free(vv[k].v);
	}
	free(vv);
}

/* The vary lines of DIR/sweep.settings ("vary KEY: V1 V2 ..."); their
** count, or -1. */
static int read_vary(const char *text, struct vary_vals **out)
{
	int nv = 0;
	struct vary_vals *vv = NULL;
	for (const char *l = text; l && *l;) {
		const char *end = strchr(l, '\n');
		size_t ll = end ? (size_t)(end - l) : strlen(l);
		if (ll > 5 && strncmp(l, "vary ", 5) == 0) {
			const char *colon = memchr(l, ':', ll);
			struct vary_vals *nvv = colon ? realloc(vv, (size_t)(nv + 1) * sizeof *vv) : NULL;
			if (!nvv) {
				free_vary(vv, nv);
				return -1;
			}
			vv = nvv;
			vv[nv] = (struct vary_vals){ 0 };
			nv++;
			for (const char *p = colon + 1; p < l + ll;) {
				while (p < l + ll && *p == ' ')
					p++;
				const char *q = p;
				while (q < l + ll && *q != ' ')
					q++;
				if (q > p) {
					char **nvals = realloc(vv[nv - 1].v, (size_t)(vv[nv - 1].n + 1) * sizeof *nvals);
					char *val = nvals ? strndup(p, (size_t)(q - p)) : NULL;
					if (nvals)
						vv[nv - 1].v = nvals;
					if (!val) {
						free_vary(vv, nv);
						return -1;
					}
					vv[nv - 1].v[vv[nv - 1].n++] = val;
				}
				p = q;
			}
		}
		l = end ? end + 1 : NULL;
	}
	*out = vv;
	return nv;
}

/* The point a row's leading values name (mixed radix, the last fastest),
** or -1. */
static int row_point(const struct vary_vals *vv, int nv, char **field, int nf)
{
	if (nf < nv)
		return -1;
	long q = 0;
	for (int k = 0; k < nv; k++) {
		int i = 0;
		while (i < vv[k].n && strcmp(vv[k].v[i], field[k]) != 0)
			i++;
		if (i == vv[k].n)
			return -1;
		q = q * vv[k].n + i;
		if (q > SCN_MAX_POINTS)
			return -1;
	}
	return (int)q;
}

/* The fields from..to-1 as CSV text. */
static char *join(char **field, int from, int to)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	for (int k = from; k < to; k++) {
		if (k > from)
			fputc(',', f);
		trace_csv_put(f, field[k]);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Add DIR's finished points that have a model.xml.  cols: this sweep's
** columns after its keys (wall_s included), which DIR's must be.  0, or
** -1 after a message. */
static int add_dir(struct sweep_reuse *r, const char *dir, const char *cols)
{
	char path[4300], why[256];
	size_t sl = 0, cl = 0;
	snprintf(path, sizeof path, "%s/sweep.settings", dir);
	char *set = out_read(path, &sl, why, sizeof why), *csv = NULL;
	if (set) {
		snprintf(path, sizeof path, "%s/sweep.csv", dir);
		csv = out_read(path, &cl, why, sizeof why);
	}
	if (!set || !csv) {
		fprintf(stderr, "hvsim: --reuse %s: expected a sweep's directory, got no readable %s: %s\n", dir,
			path, why);
		free(set);
		free(csv);
		return -1;
	}
	/* text, as resuming reads it: a NUL byte is refused, but for the
	** last line without its line end (a crash's zero-filled end), which
	** is no finished point */
	size_t keep = sweep_whole_lines(csv, cl);
	int nset = out_nul_line(set, sl), ncsv = out_nul_line(csv, keep);
	if (nset || ncsv) {
		fprintf(stderr, "hvsim: --reuse %s: %s/sweep.%s:%d: expected text, got a NUL byte\n", dir, dir,
			nset ? "settings" : "csv", nset ? nset : ncsv);
		free(set);
		free(csv);
		return -1;
	}
	csv[keep] = 0;
	struct vary_vals *vv = NULL;
	int nv = read_vary(set, &vv), rc = 0, added = 0;
	free(set);
	char *nl = strchr(csv, '\n');
	if (nv < 1 || !nl) {
		fprintf(stderr, "hvsim: --reuse %s: expected a sweep's directory, got a sweep.%s without %s\n", dir,
			nv < 1 ? "settings" : "csv", nv < 1 ? "vary lines" : "a header");
		free_vary(vv, nv < 0 ? 0 : nv);
		free(csv);
		return -1;
	}
	*nl = 0;
	/* the header after the keys: the same columns, or the rows mean
	** something else (another mode, another hvsim) */
	const char *hc = csv;
	for (int k = 0; k < nv && hc; k++) {
		hc = strchr(hc, ',');
		hc = hc ? hc + 1 : NULL;
	}
	if (!hc || strcmp(hc, cols) != 0) {
		fprintf(stderr, "hvsim: --reuse %s: expected a sweep with this sweep's columns (%s), got '%s'\n", dir,
			cols, csv);
		free_vary(vv, nv);
		free(csv);
		return -1;
	}
	char *field[SCN_MAX_VARY + 64];
	const int maxf = (int)(sizeof field / sizeof *field);
	const char *bad;
	/* a row as wide as the header, or it is no finished point: a damaged
	** one made a cut row in this sweep's sweep.csv, and one of more than
	** maxf fields was read past field[] */
	int width = trace_csv_split(csv, field, maxf, &bad);
	for (char *line = nl + 1; *line && rc == 0;) {
		char *end = strchr(line, '\n');   /* there is one: the last line without it was dropped */
		*end = 0;
		int nf = trace_csv_split(line, field, maxf, &bad);
		int q = nf == width && nf <= maxf && nf > nv + 1 ? row_point(vv, nv, field, nf) : -1;
		if (q >= 0) {
			snprintf(path, sizeof path, "%s/points/%03d/model.xml", dir, q + 1);
			char *model = out_slurp(path, NULL);
			char *tail = model ? join(field, nv, nf - 1) : NULL;   /* wall_s left out */
			struct reuse_pt *np = tail ? realloc(r->pt, (size_t)(r->n + 1) * sizeof *np) : NULL;
			if (np) {
				r->pt = np;
				snprintf(path, sizeof path, "%s/points/%03d", dir, q + 1);
				r->pt[r->n] = (struct reuse_pt){ model, strdup(path), tail };
				if (!r->pt[r->n].dir)
					rc = -1;
				r->n++;
				added++;
			} else {
				free(model);
				free(tail);
				if (model)
					rc = -1;   /* out of memory */
			}
		}
		line = end + 1;
	}
	free_vary(vv, nv);
	free(csv);
	if (rc)
		fprintf(stderr, "hvsim: --reuse %s: out of memory\n", dir);
	else if (!added)
		fprintf(stderr, "hvsim: --reuse %s: no finished point with a model.xml there (nothing to reuse)\n",
			dir);
	return rc;
}

int sweep_reuse_open(struct sweep_reuse *r, const char *const *dirs, int ndirs, const char *cols)
{
	*r = (struct sweep_reuse){ 0 };
	for (int i = 0; i < ndirs; i++)
		if (add_dir(r, dirs[i], cols)) {
			sweep_reuse_free(r);
			return -1;
		}
	return 0;
}

const struct reuse_pt *sweep_reuse_find(const struct sweep_reuse *r, const char *model)
{
	for (int i = 0; model && i < r->n; i++)
		if (strcmp(r->pt[i].model, model) == 0)
			return &r->pt[i];
	return NULL;
}

void sweep_reuse_free(struct sweep_reuse *r)
{
	for (int i = 0; i < r->n; i++) {
		free(r->pt[i].model);
		free(r->pt[i].dir);
		free(r->pt[i].tail);
	}
	free(r->pt);
	*r = (struct sweep_reuse){ 0 };
}

/* ------------------------------------------------- in a running sweep --- */

/* Files every point of a mode has: out_write_run's always written (by a
** run, and by a capacity search's run at its answer when it found more
** than 0: all or none), a capacity search's own three.  A point without
** one was damaged after it was written (it is committed whole). */
static const char *const run_files[] = {
	"summary.json", "workloads.csv", "pcpus.csv", "vms.csv", "entities.csv", "threads.csv", "devices.csv", NULL,
};
static const char *const cap_files[] = { "capacity.csv", "capacity_probes.csv", "capacity_replications.csv", NULL };

/* Is text (len bytes) what hvsim writes into name: lines of text, each
** ended; a CSV's as wide as its header; summary.json valid JSON?  0, or
** -1 with the reason ("NAME:LINE: expected ..., got ...") in why. */
static int whole_text(const char *name, char *text, size_t len, char *why, size_t wl)
{
	int nul = out_nul_line(text, len);
	if (nul || !len || text[len - 1] != '\n') {
		if (nul)
			snprintf(why, wl, "%s:%d: expected text, got a NUL byte", name, nul);
		else
			snprintf(why, wl, "%s: expected lines of text, got %s", name,
				 len ? "a last line without its line end" : "an empty file");
		return -1;
	}
	struct json_member m;
	char err[200];
	if (strcmp(name, "summary.json") == 0 && json_top(text, "hvsim_version", &m, err, sizeof err) < 0) {
		snprintf(why, wl, "%s:%s", name, err);
		return -1;
	}
	size_t nl = strlen(name);
	if (nl < 4 || strcmp(name + nl - 4, ".csv") != 0)
		return 0;
	int width = -1, line = 1;
	for (char *l = text, *end; l < text + len; l = end + 1, line++) {
		end = strchr(l, '\n');   /* there is one: no NUL, the last byte one */
		*end = 0;
		char *field[8];
		const char *bad = NULL;
		int n = trace_csv_split(l, field, 8, &bad);
		if (width < 0)
			width = n;
		if (n < 0 || n != width) {
			if (n < 0)
				snprintf(why, wl, "%s:%d: %s", name, line, bad);
			else
				snprintf(why, wl, "%s:%d: expected %d fields as in the header, got %d", name, line, width, n);
			return -1;
		}
	}
	return 0;
}

/* Is the other sweep's point at dir whole: its mode's files there, each
** of its files a readable regular file of whole text (whole_text)?  0,
** or -1 with the reason ("DIR/FILE: ...") in why. */
static int point_whole(const char *dir, int capacity, char *why, size_t wl)
{
	char path[4400], r[600];
	const char *const *need = capacity ? cap_files : run_files;
	const int nrun = (int)(sizeof run_files / sizeof *run_files) - 1;
	for (int i = 0; need[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, need[i]);
		if (access(path, F_OK) != 0) {
			snprintf(why, wl, "%s: expected a file every point of a %s sweep has, got %s", path,
				 capacity ? "capacity" : "run", errno == ENOENT ? "none" : strerror(errno));
			return -1;
		}
	}
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(why, wl, "%s: cannot read: %s", dir, strerror(errno));
		return -1;
	}
	int rc = 0, runs = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;   /* as out_pack: not a point's file */
		size_t len = 0;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		char *text = out_read(path, &len, r, sizeof r);
		if (!text) {
			snprintf(why, wl, "%s: %s", path, r);
			rc = -1;
		} else if (whole_text(de->d_name, text, len, r, sizeof r)) {
			snprintf(why, wl, "%s/%s", dir, r);
			rc = -1;
		}
		free(text);
		for (int i = 0; run_files[i]; i++)
			runs += strcmp(de->d_name, run_files[i]) == 0;
	}
	closedir(d);
	if (rc == 0 && capacity && runs && runs < nrun) {
		snprintf(why, wl, "%s: expected all of the run at capacity's files (summary.json, vms.csv, ...) or none, "
			 "got %d of %d", dir, runs, nrun);
		rc = -1;
	}
	return rc;
}

struct reused {
	const char *pk;
	size_t len;
	const char *name, *file;
};

/* The other sweep's point, retitled as this sweep's. */
static int fill_reused(struct outdir *od, const void *arg)
{
	const struct reused *a = arg;
	return out_unpack(od, a->pk, a->len) || out_retitle_summary(od, a->name, a->file) ? -1 : 0;
}

int sweep_take_reused(struct sweep *x, int p)
{
	if (!x->reuse || !x->reuse->n)
		return 0;
	struct scenario s;
	struct diag d = { 0 };
	char *model = NULL;
	if (sweep_load_point(x->a, x->sw, p, x->start ? &x->start[p] : NULL, &s, &d) == 0) {
		if (!s.model_external)
			model = sweep_model_xml(&s, x->sw->mode == SWEEP_CAPACITY, x->a->protocol);
		scn_free(&s);
	}
	diag_free(&d);
	const struct reuse_pt *r = sweep_reuse_find(x->reuse, model);
	free(model);
	if (!r)
		return 0;
	char *pk = NULL, *row = NULL, err[4400], why[5200];
	size_t pkl = 0, rl = 0;
	/* a point damaged since it was written runs here instead, as a
	** resumed sweep runs a point whose row is missing: never copied */
	if (point_whole(r->dir, x->sw->mode == SWEEP_CAPACITY, why, sizeof why)) {
		sweep_label(x->sw, p, err, sizeof err);
		fprintf(stderr, "hvsim: point %d/%d (%s): not reused: %s; running it instead\n", p + 1, x->total, err,
			why);
		return 0;
	}
	FILE *pf = open_memstream(&pk, &pkl);
	int bad = !pf || out_pack(pf, r->dir);
	if (pf && fclose(pf))
		bad = 1;
	if (!bad) {
		struct reused a = { pk, pkl, x->s->name, x->a->file };
		bad = sweep_point_dir(x->dir, p, fill_reused, &a, err, sizeof err);
	}
	free(pk);
	const char *val[SCN_MAX_VARY];
	FILE *rf = bad ? NULL : open_memstream(&row, &rl);
	if (rf) {
		sweep_point(x->sw, p, val);
		for (int k = 0; k < x->sw->nvary; k++) {
			trace_csv_put(rf, val[k]);
			fputc(',', rf);
		}
		fprintf(rf, "%s,0.000", r->tail);
		bad = fclose(rf) != 0;
	}
	if (bad || !rf) {
		free(row);
		return 0;
	}
	x->row[p] = row;
	x->state[p] = P_ROW;
	x->reused++;
	if (!x->a->progress) {
		char lab[1024];
		sweep_label(x->sw, p, lab, sizeof lab);
		fprintf(stderr, "point %d/%d (%s): reused %s\n", p + 1, x->total, lab, r->dir);
	}
	return 1;
}
