/*
** A sweep's points (sweep.h): the values of point p, its label and
** overrides, and the checks made before anything runs (every point
** loads and builds; a <vary> key that does not load is named at its
** line).  sweep.c runs them.
*/
#include "sim/drive/sweep.h"
#include "sim/drive/sweep_int.h"
#include "sim/drive/capacity.h"
#include "models/world.h"
#include "sim/engine/infile.h"
#include "traces/csv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sweep_point(const struct scn_sweep *sw, int p, const char **val)
{
	if (p < 0 || p >= sw->npoints)
		return -1;
	/* mixed radix, the last <vary> fastest */
	for (int k = sw->nvary - 1; k >= 0; k--) {
		int n = sw->vary[k].nvalues;
		val[k] = sw->vary[k].values[p % n];
		p /= n;
	}
	return 0;
}

/* "key=value, key=value" of point p. */
void sweep_label(const struct scn_sweep *sw, int p, char *buf, size_t len)
{
	const char *val[SCN_MAX_VARY];
	size_t n = 0;
	buf[0] = 0;
	if (sweep_point(sw, p, val))
		return;
	for (int k = 0; k < sw->nvary && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", k ? ", " : "", sw->vary[k].key, val[k]);
}

int sweep_previous_point(const struct scn_sweep *sw, int p)
{
	int n = sw->vary[sw->nvary - 1].nvalues;
	return p % n ? p - 1 : -1;
}

/* The value of column col in each row of dir/points/NNN/name, with the
** 1-based index of column key ("": the row's number) into v[index - 1]
** (up to max), in thousandths; the largest index, or 0. */
static int point_column(const char *dir, int q, const char *name, const char *key, const char *col, int *v,
			int max)
{
	char path[4300], head[1024], row[1024], *hf[64], *rf[64];
	const char *why;
	snprintf(path, sizeof path, "%s/points/%03d/%s", dir, q + 1, name);
	char reason[200];
	FILE *f = infile_open(path, reason, sizeof reason);   /* a FIFO would block fopen */
	if (!f)
		return 0;
	int nh = -1, kc = -1, vc = -1, top = 0;
	if (fgets(head, sizeof head, f)) {
		head[strcspn(head, "\r\n")] = 0;
		nh = trace_csv_split(head, hf, 64, &why);
	}
	for (int k = 0; k < nh && k < 64; k++) {
		if (strcmp(hf[k], key) == 0)
			kc = k;
		if (strcmp(hf[k], col) == 0)
			vc = k;
	}
	for (int line = 1; vc >= 0 && fgets(row, sizeof row, f); line++) {
		row[strcspn(row, "\r\n")] = 0;
		int nr = trace_csv_split(row, rf, 64, &why);
		if (nr <= vc || (kc >= 0 && nr <= kc))
			continue;
		long i = kc >= 0 ? strtol(rf[kc], NULL, 10) : line;
		double a = strtod(rf[vc], NULL);
		if (i < 1 || i > max)
			continue;
		/* thousandths of a user: what an MPI message carries */
		v[i - 1] = isfinite(a) && a > 0 && a < 2e6 ? (int)lround(a * 1000) : 0;
		if (i > top)
			top = (int)i;
	}
	fclose(f);
	return top;
}

void sweep_point_start(const char *dir, int q, struct sweep_start *st)
{
	memset(st, 0, sizeof *st);
	int mean[1] = { 0 };
	if (point_column(dir, q, "capacity.csv", "", "sessions_per_vm", mean, 1) != 1 || mean[0] <= 0)
		return;   /* failed, or found 0: from min */
	st->mean = mean[0];
	st->nrep = point_column(dir, q, "capacity_replications.csv", "replication", "sessions_per_vm", st->rep,
				SCN_MAX_REPLICATIONS);
}

/* ------------------------------------------------------ one point --- */

/* The command line's overrides, then point p's. */
struct scn_override *sweep_point_overrides(const struct sweep_args *a, const struct scn_sweep *sw, int p,
					    int *n)
{
	struct scn_override *ov = calloc((size_t)(a->nov + sw->nvary) + 1, sizeof *ov);
	const char **val = calloc((size_t)sw->nvary + 1, sizeof *val);
	if (!ov || !val || sweep_point(sw, p, val)) {
		free(ov);
		free(val);
		return NULL;
	}
	for (int i = 0; i < a->nov; i++)
		ov[i] = a->ov[i];
	for (int k = 0; k < sw->nvary; k++) {
		ov[a->nov + k].key = sw->vary[k].key;
		ov[a->nov + k].value = val[k];
	}
	free(val);
	*n = a->nov + sw->nvary;
	return ov;
}

/* Where the overrides of sweep_point_overrides(a, sw, p) were written: the
** command line's, then each <vary>'s line (for the messages about the
** values they set).  calloc'd, or NULL. */
struct scn_origin *sweep_point_origins(int nov, const struct scn_sweep *sw)
{
	struct scn_origin *o = calloc((size_t)(nov + sw->nvary) + 1, sizeof *o);
	for (int k = 0; o && k < sw->nvary; k++)
		o[nov + k] = (struct scn_origin){ sw->vary[k].loc.file, sw->vary[k].loc.line };
	return o;
}

/* ------------------------------------------------ checks up front --- */

/* Load the base scenario with ov plus extra; errors into d; 0 or -1. */
static int try_load(const struct sweep_args *a, const struct scn_override *extra,
		    const struct scn_origin *xfrom, int nextra, int build, struct diag *d)
{
	struct scn_override *ov = calloc((size_t)(a->nov + nextra) + 1, sizeof *ov);
	struct scn_origin *from = calloc((size_t)(a->nov + nextra) + 1, sizeof *from);
	if (!ov || !from) {
		diag_error(d, a->file, 0, "out of memory");
		free(ov);
		free(from);
		return -1;
	}
	for (int i = 0; i < a->nov; i++)
		ov[i] = a->ov[i];
	for (int i = 0; i < nextra; i++) {
		ov[a->nov + i] = extra[i];
		from[a->nov + i] = xfrom[i];
	}
	struct scenario s;
	int rc = scn_load_from(&s, a->file, ov, from, a->nov + nextra, 0, d);
	int loaded = rc == 0;
	free(from);
	if (rc == 0 && build) {
		if (a->has_seed)
			s.seed = a->seed;
		scn_protocol(&s, a->protocol);
		if (s.sweep.mode == SWEEP_CAPACITY) {
			rc = cap_check(&s, d);
		} else {
			struct world w;
			rc = world_build(&w, &s, d);
			world_free(&w);
		}
	}
	if (loaded)   /* a build error too: the scenario loaded */
		scn_free(&s);
	free(ov);
	return rc;
}

/* One message at file:line: a headline, then inner's messages indented. */
static void nest(struct diag *d, const struct diag *inner, const char *file, int line, const char *head)
{
	char buf[1000];
	size_t n = (size_t)snprintf(buf, sizeof buf, "%s", head);
	for (int i = 0; i < inner->n && n < sizeof buf; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "\n  %s", inner->msg[i]);
	diag_error(d, file, line, "%s", buf);
}

/* Is point p valid: does the scenario load, with the command line's
** overrides and ALL of p's values, and build?  0, or -1 with its
** messages in d under a headline naming the point. */
static int check_point(const struct sweep_args *a, const struct scn_sweep *sw, int p, struct diag *d)
{
	int nov = 0;
	struct scn_override *ov = sweep_point_overrides(&(struct sweep_args){ 0 }, sw, p, &nov);
	struct scn_origin *from = sweep_point_origins(0, sw);
	struct diag in = { 0 };
	int rc = ov && from ? try_load(a, ov, from, nov, 1, &in) : -1;
	free(from);
	if (rc) {
		char lab[1024], head[1200];
		sweep_label(sw, p, lab, sizeof lab);
		snprintf(head, sizeof head, "<sweep>: expected points that load and build, got point %d/%d (%s):",
			 p + 1, sw->npoints, lab);
		nest(d, &in, sw->loc.file, sw->loc.line, head);
	}
	diag_free(&in);
	free(ov);
	return rc ? -1 : 0;
}

/* The first point, before anything runs: a typo is an input error.  A
** point is checked whole, its varied values together (one value may
** only fit with another's: a bigger machine for more VMs).  When it
** fails, a key that does not load even on its own with its first value
** is named at its <vary> (a typo in the path); else the point is
** reported.  0 or -1 (in d). */
int sweep_check_first(const struct sweep_args *a, const struct scn_sweep *sw, struct diag *d)
{
	struct diag first = { 0 };
	if (check_point(a, sw, 0, &first) == 0) {
		diag_free(&first);
		return 0;
	}
	int bad = 0;
	for (int k = 0; k < sw->nvary; k++) {
		const struct scn_vary *v = &sw->vary[k];
		struct scn_override o = { v->key, v->values[0] };
		struct scn_origin from = { v->loc.file, v->loc.line };
		struct diag in = { 0 };
		if (try_load(a, &o, &from, 1, 0, &in)) {
			char head[1200];
			snprintf(head, sizeof head,
				 "<vary key>: expected a --set path that loads with the first value, got %s=%s:", v->key,
				 v->values[0]);
			nest(d, &in, v->loc.file, v->loc.line, head);
			bad = 1;
		}
		diag_free(&in);
	}
	if (!bad)
		for (int i = 0; i < first.n; i++)
			diag_error(d, NULL, 0, "%s", first.msg[i]);
	diag_free(&first);
	return -1;
}

int sweep_check(const struct sweep_args *a, const struct scn_sweep *sw, struct diag *d)
{
	enum { SHOWN = 10 };
	int bad = 0;
	for (int p = 0; p < sw->npoints; p++) {
		if (a->stop && *a->stop)
			return -1;
		struct diag in = { 0 };
		if (check_point(a, sw, p, &in)) {
			for (int i = 0; bad < SHOWN && i < in.n; i++)
				diag_error(d, NULL, 0, "%s", in.msg[i]);
			bad++;
		}
		diag_free(&in);
	}
	if (bad > SHOWN)
		diag_error(d, sw->loc.file, sw->loc.line, "<sweep>: and %d more points that do not load or build",
			   bad - SHOWN);
	return bad ? -1 : 0;
}
