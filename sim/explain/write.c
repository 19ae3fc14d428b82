/*
** `hvsim explain`: DIR/explain/ in one rename, with .svg rendered by dot when it is on PATH.
** Shared: read.h; the method: explain.h and docs/explain.md.
*/
#include "sim/explain/read.h"
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

extern char **environ;

/* ---------------------------------------------------------- write --- */

static int find_prog(const char *prog, char *out, size_t len)
{
	const char *path = getenv("PATH");
	if (!path)
		return 0;
	while (*path) {
		const char *c = strchr(path, ':');
		size_t n = c ? (size_t)(c - path) : strlen(path);
		if (n && n + strlen(prog) + 2 < len) {
			snprintf(out, len, "%.*s/%s", (int)n, path, prog);
			if (access(out, X_OK) == 0)
				return 1;
		}
		path += n + (c ? 1 : 0);
	}
	return 0;
}

/* dot -Tsvg -o svg src; 0 or -1. */
static int render(const char *dot, const char *src, const char *svg)
{
	char *argv[] = { (char *)"dot", (char *)"-Tsvg", (char *)"-o", (char *)svg, (char *)src, NULL };
	pid_t pid;
	if (posix_spawn(&pid, dot, NULL, NULL, argv, environ))
		return -1;
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* gnuplot -e "cd 'dir'" gp (gp named from dir); 0 or -1. */
static int render_gp(const char *gnuplot, const char *dir, const char *gp)
{
	/* a quote in dir is doubled, as gnuplot reads it inside '...': the
	** directory of a sweep named it's/ is no syntax error */
	char cd[2 * 4096 + 8];
	size_t n = 0;
	n += (size_t)snprintf(cd, sizeof cd, "cd '");
	for (const char *s = dir; *s && n + 4 < sizeof cd; s++) {
		if (*s == '\'')
			cd[n++] = '\'';
		cd[n++] = *s;
	}
	snprintf(cd + n, sizeof cd - n, "'");
	char *argv[] = { (char *)"gnuplot", (char *)"-e", cd, (char *)gp, NULL };
	pid_t pid;
	if (posix_spawn(&pid, gnuplot, NULL, NULL, argv, environ))
		return -1;
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int put_file(struct outdir *o, const char *name, const char *text)
{
	FILE *f = out_open(o, name);
	if (!f || !text) {
		if (f)
			fclose(f);
		return -1;
	}
	fputs(text, f);
	return ferror(f) | fclose(f) ? -1 : 0;
}

/* Write text (malloc'd; freed here) as name; on failure the message in err. */
static int put_taken(struct outdir *o, const char *name, char *text, char *err, size_t errlen)
{
	int rc = put_file(o, name, text);
	free(text);
	if (rc)
		snprintf(err, errlen, "%s/%s: cannot write: %s", o->stage, name, strerror(errno ? errno : EIO));
	return rc;
}

/* Each curve's tail and counterfactual plots: a gnuplot script and its
** data, drawn by gpp (NULL: not drawn).  0, or -1 with err set. */
static int write_plots(const struct explain *x, struct outdir *o, const char *gpp, char *err, size_t errlen)
{
	int rc = 0;
	for (int k = 0; rc == 0 && k < x->ncurve; k++) {
		static const char *const what[2] = { "tail", "counterfactual" };
		for (int g = 0; g < 2 && rc == 0; g++) {
			char *gp = g ? explain_cf_gp(x, k) : explain_tail_gp(x, k);
			char *dat = g ? explain_cf_dat(x, k) : explain_tail_dat(x, k);
			if (!gp || !dat) {
				free(gp);
				free(dat);
				continue;
			}
			char gname[64], dname[64];
			snprintf(gname, sizeof gname, "curve%d-%s.gp", k + 1, what[g]);
			snprintf(dname, sizeof dname, "curve%d-%s.dat", k + 1, what[g]);
			rc = put_file(o, gname, gp) || put_file(o, dname, dat) ? -1 : 0;
			free(gp);
			free(dat);
			if (rc) {
				snprintf(err, errlen, "%s/%s: cannot write: %s", o->stage, gname, strerror(errno ? errno : EIO));
				break;
			}
			if (!gpp)
				continue;
			/* gnuplot reads the script after the -e: from the stage */
			if (render_gp(gpp, o->stage, gname)) {
				snprintf(err, errlen, "%s: failed on %s", gpp, gname);
				rc = -1;
			}
		}
	}
	return rc;
}

/* Each curve's bottleneck and placement diagrams (Graphviz), drawn as
** SVG by dotp (NULL: not drawn), counted in *nsvg.  0, or -1. */
static int write_diagrams(const struct explain *x, struct outdir *o, const char *dotp, int *nsvg, char *err,
			  size_t errlen)
{
	int rc = 0;
	for (int k = 0; rc == 0 && k < x->ncurve; k++) {
		static const char *const kind[2] = { "bottleneck", "placement" };
		for (int g = 0; g < 2 && rc == 0; g++) {
			char name[64];
			snprintf(name, sizeof name, "curve%d-%s.dot", k + 1, kind[g]);
			char *dot = g ? explain_placement_dot(x, k) : explain_bottleneck_dot(x, k);
			rc = put_file(o, name, dot);
			free(dot);
			if (rc) {
				snprintf(err, errlen, "%s/%s: cannot write: %s", o->stage, name, strerror(errno));
				break;
			}
			if (!dotp)
				continue;
			char *src = x_path_of(o->stage, name);
			char svg[64];
			snprintf(svg, sizeof svg, "curve%d-%s.svg", k + 1, kind[g]);
			char *out = x_path_of(o->stage, svg);
			if (!src || !out || render(dotp, src, out)) {
				snprintf(err, errlen, "%s: dot -Tsvg failed on %s", dotp, name);
				rc = -1;
			} else {
				(*nsvg)++;
			}
			free(src);
			free(out);
		}
	}
	return rc;
}

int explain_write(const struct explain *x, int do_render, int force, int *nsvg, char *err, size_t errlen)
{
	*nsvg = 0;
	char dotp[4096], gpp[4096];
	int have_dot = do_render && find_prog("dot", dotp, sizeof dotp);
	int have_gp = do_render && find_prog("gnuplot", gpp, sizeof gpp);
	char *dest = x_path_of(x->dir, "explain");
	struct outdir od = { 0 };
	if (!dest) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* explain has no -o: its directory is always DIR/explain, so the
	** only way on is --force (out_begin's own message suggests -o) */
	struct stat st;
	if (!force && lstat(dest, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: exists; add --force to replace it (hvsim explain always writes DIR/explain/)",
			 dest);
		free(dest);
		return -2;
	}
	if (out_begin(&od, dest, force ? OUT_FORCE : OUT_NEW, err, errlen)) {
		free(dest);
		return -2;
	}
	/* the report and the diagrams, committed together by one rename */
	char *text = NULL;
	size_t tlen = 0;
	FILE *mf = open_memstream(&text, &tlen);
	int rc = 0;
	if (mf) {
		explain_report(x, mf);
		rc = fclose(mf) ? -1 : 0;
	}
	rc = rc || !mf ? -1 : put_file(&od, "explain.txt", text);
	free(text);
	if (rc)
		snprintf(err, errlen, "%s/explain.txt: cannot write: %s", od.stage, strerror(errno ? errno : EIO));
	{
		int tails = 0;
		for (int k = 0; k < x->ncurve; k++)
			for (int i = 0; i < x->curve[k].npt; i++)
				tails |= x->curve[k].pt[i].have_tail;
		if (rc == 0 && tails)
			rc = put_taken(&od, "tail.csv", explain_tail_csv(x), err, errlen);
	}
	/* the plots: a script and its data per curve, drawn when gnuplot is on PATH */
	if (rc == 0)
		rc = write_plots(x, &od, have_gp ? gpp : NULL, err, errlen);
	if (rc == 0)
		rc = put_taken(&od, "plateaus.csv", explain_plateau_csv(x), err, errlen);
	if (rc == 0 && x->ngrade)
		rc = put_taken(&od, "grades.csv", explain_grade_csv(x), err, errlen);
	if (rc == 0 && x->ncf)
		rc = put_taken(&od, "counterfactual.csv", explain_cf_csv(x), err, errlen);
	if (rc == 0)
		rc = write_diagrams(x, &od, have_dot ? dotp : NULL, nsvg, err, errlen);
	if (rc == 0)
		rc = out_commit(&od, err, errlen);
	if (rc)
		out_abort(&od);
	free(od.dest);
	free(od.stage);
	free(dest);
	return rc ? -1 : 0;
}
