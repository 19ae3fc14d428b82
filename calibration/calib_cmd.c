/*
** `hvsim calibrate`: load and check everything, fit the stages, predict
** every row and curve, write the outputs (sim/cmd/calibrate.c parses the
** command line).
*/
#include "calibration/calib.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>

#include "sim/report/output.h"
#include "sim/engine/cluster.h"
#include "sim/engine/infile.h"

#define EXIT_RUNFAIL 1
#define EXIT_USAGE 2
/* ---------------------------------------------------------- command --- */

static volatile sig_atomic_t stop_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* SIGHUP to sa as SIGTERM (the terminal gone stops the fit and its
** simulations), unless it is ignored (nohup); the disposition it had in
** *old when old is not NULL. */
static void catch_hangup(const struct sigaction *sa, struct sigaction *old)
{
	struct sigaction was;
	sigaction(SIGHUP, NULL, &was);
	if (was.sa_handler != SIG_IGN)
		sigaction(SIGHUP, sa, NULL);
	if (old)
		*old = was;
}

/* Which stages to fit: those --stages names (A,B); without it all, or
** none with --values.  0, or -1 after a message. */
static int stage_mask(const struct cal_config *c, const char *file, const char *values, const char *stages,
		      int *fit_mask)
{
	for (int si = 0; si < c->nstage; si++)
		fit_mask[si] = !values && !stages;
	if (!stages)
		return 0;
	/* every item a stage's name: an empty one ('', "a,", ",a") used to
	** be skipped, so --stages '' fitted as if it were not given */
	char names[512] = "";
	for (int si = 0; si < c->nstage; si++)
		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", si ? ", " : "", c->stage[si].name);
	for (const char *t = stages;;) {
		size_t k = strcspn(t, ",");
		int si;
		for (si = 0; si < c->nstage; si++)
			if (strlen(c->stage[si].name) == k && !strncmp(c->stage[si].name, t, k))
				break;
		if (si == c->nstage) {
			fprintf(stderr, "hvsim calibrate: --stages: expected <stage name>s of %s (%s) separated by commas, "
				"got '%.*s'\n", file, names, (int)k, t);
			return -1;
		}
		/* named twice (the mask starts empty with --stages): it was fitted
		** once without a word, where a slip for another stage ("net,net"
		** for "cpu,net") is the likely cause */
		if (fit_mask[si]) {
			fprintf(stderr, "hvsim calibrate: --stages: expected each stage of %s (%s) once, got '%.*s' twice\n",
				file, names, (int)k, t);
			return -1;
		}
		fit_mask[si] = 1;
		if (!t[k])
			return 0;
		t += k + 1;
	}
}

/* What the cached simulations depend on besides their keys: the
** calibration file, the --set overrides, hvsim's version (FNV-1a). */
static unsigned long long fingerprint(const char *file, const struct scn_override *ov, int nov)
{
	unsigned long long h = 14695981039346656037ULL;
	size_t n = 0;
	char *text = out_slurp(file, &n);
	const char *part[3] = { HVSIM_VERSION, NULL, NULL };
	for (int i = -1; i < 2 * nov + 1; i++) {
		const char *p = i < 0 ? part[0] : i == 2 * nov ? text : i % 2 ? ov[i / 2].value : ov[i / 2].key;
		size_t len = p == text ? n : p ? strlen(p) + 1 : 0;
		for (size_t k = 0; p && k < len; k++)
			h = (h ^ (unsigned char)p[k]) * 1099511628211ULL;
	}
	free(text);
	return h;
}

/* The rows check_inputs loads: once per benchmark and hypervisor, host
** rows once per thread (MIX/THREAD: each mix has a scenario of its own,
** and each row's thread must be in it) or, for k >= 0, once per mix;
** only those parameter k applies to when k >= 0. */
static int row_checked(const struct cal_config *c, size_t i, int k)
{
	const struct meas_point *p = &c->meas.p[i];
	if (p->kind == MEAS_UNSTATED)
		return 0;
	struct cal_qty q = { .bench = p->bench, .hypervisor = p->hypervisor };
	if (k >= 0 && !cal_param_applies(&c->p[k], &q))
		return 0;
	for (size_t j = 0; j < i; j++) {
		const struct meas_point *o = &c->meas.p[j];
		struct cal_qty oq = { .bench = o->bench, .hypervisor = o->hypervisor };
		size_t ml = k < 0 ? strlen(p->subject ? p->subject : "") + 1 : strcspn(p->subject ? p->subject : "", "/");
		if (o->kind != MEAS_UNSTATED && (k < 0 || cal_param_applies(&c->p[k], &oq)) && o->bench == p->bench &&
		    !strcmp(o->hypervisor, p->hypervisor) &&
		    (p->bench != MEAS_HOST ||
		     (o->subject && p->subject && strcspn(o->subject, "/") == strcspn(p->subject, "/") &&
		      !strncmp(o->subject, p->subject, ml))))
			return 0;
	}
	return 1;
}

static int check_rows(const struct cal_config *c, const struct scn_override *ov, int nov, const double *x, int k,
		      char *err, size_t errlen)
{
	for (size_t i = 0; i < c->meas.n; i++) {
		if (!row_checked(c, i, k))
			continue;
		const struct meas_point *p = &c->meas.p[i];
		struct cal_qty q = { .bench = p->bench, .hypervisor = p->hypervisor, .vms = p->vms,
				     .vcpus = p->vcpus, .memory = p->memory_text, .subject = p->subject,
				     .line = p->line };
		if (cal_check(c, ov, nov, x, &q, err, errlen))
			return -1;
	}
	return 0;
}

/* Load and build (not run) every benchmark and hypervisor a measured row
** needs, once each, with the --set overrides; then each fitted
** parameter at its min, at its max and at a value between that is no
** round number, which the search may reach: a bound outside what its key
** takes, or a key of whole numbers (a count, a seed), is exit 2 here,
** not exit 1 hours into a fit.  0, or -1 with a message. */
static int check_inputs(const struct cal_config *c, const struct scn_override *ov, int nov, const double *x,
			const int *fit_mask, char *err, size_t errlen)
{
	if (check_rows(c, ov, nov, x, -1, err, errlen))
		return -1;
	double *xb = malloc(((size_t)c->np + 1) * sizeof *xb);
	if (!xb) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int rc = 0;
	for (int k = 0; k < c->np && !rc; k++) {
		const struct cal_param *p = &c->p[k];
		if (!fit_mask[p->stage])
			continue;
		for (int b = 0; b < 3 && !rc; b++) {
			memcpy(xb, x, (size_t)c->np * sizeof *xb);
			/* min, max, and 0.3817 of the way: no round number */
			xb[k] = b == 0 ? p->min : b == 1 ? p->max : p->min + 0.3817 * (p->max - p->min);
			char inner[700];
			if (!check_rows(c, ov, nov, xb, k, inner, sizeof inner))
				continue;
			/* the inner message names this <param>'s line: say it once */
			char at[300];
			snprintf(at, sizeof at, "%s:%d: ", c->path, p->line);
			const char *why = strstr(inner, at);
			char t[64];
			cal_param_text(p, xb[k], t, sizeof t);
			if (b < 2)
				snprintf(err, errlen, "%s:%d: <param %s>: expected a value %s takes (the fit tries it), got "
					 "%s: %.400s", c->path, p->line, b ? "max" : "min", p->key, t,
					 why ? why + strlen(at) : inner);
			else
				snprintf(err, errlen, "%s:%d: <param key>: expected a key that takes every value from min "
					 "to max (the fit tries %s), got %s: %.400s", c->path, p->line, t, p->key,
					 why ? why + strlen(at) : inner);
			rc = -1;
		}
	}
	free(xb);
	return rc;
}

/* Long: the calibration's steps in order (load, check, fit stage by stage,
** predict, write), each with its failure path. */
int cal_command(const struct cal_cli *cli)
{
	const char *file = cli->file, *outdir = cli->outdir, *values = cli->values, *stages = cli->stages;
	int jobs = cli->jobs, quiet = cli->quiet, nov = cli->nov, force = cli->force;
	const struct scn_override *ov = cli->ov;
	if (!jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n > 0 ? (int)(n > 64 ? 64 : n) : 1;
	}
	struct cal_config c;
	struct diag d = { 0 };
	if (cal_load(&c, file, &d)) {
		diag_print(&d, stderr);
		diag_free(&d);
		return EXIT_USAGE;
	}
	double *x = calloc((size_t)c.np + 1, sizeof *x);
	for (int k = 0; k < c.np; k++)
		x[k] = c.p[k].start;
	char err[700] = "";
	if (values && cal_read_values(&c, values, x, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		free(x);
		cal_free(&c);
		return EXIT_USAGE;
	}
	if (cli->known && (!values || stages)) {
		fprintf(stderr, "hvsim calibrate: --known: expected with --values and without --stages (known "
				"values hold for the given values only)\n");
		free(x);
		cal_free(&c);
		return EXIT_USAGE;
	}
	/* --stages: fit only these (the others keep --values' or the starts) */
	int fit_mask[CAL_MAX_STAGES] = { 0 };
	if (stage_mask(&c, file, values, stages, fit_mask)) {
		free(x);
		cal_free(&c);
		return EXIT_USAGE;
	}
	int any_fit = 0;
	for (int si = 0; si < c.nstage; si++)
		any_fit |= fit_mask[si];
	char defdir[300];
	if (!outdir) {
		snprintf(defdir, sizeof defdir, "out/%s-calib", c.name);
		outdir = defdir;
	}
	/* every benchmark and hypervisor a row needs loads and builds with the
	** command line's --set: bad input is exit 2 before hours of fitting */
	if (check_inputs(&c, ov, nov, x, fit_mask, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		free(x);
		cal_free(&c);
		return EXIT_USAGE;
	}
	if (cluster_worker()) {
		/* an MPI worker rank: simulate what rank 0's batches send */
		struct sigaction sa = { .sa_handler = on_stop };
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		catch_hangup(&sa, NULL);
		struct cal_eval *e = cal_eval_new(&c, 1, &stop_flag);
		if (e)
			cal_eval_overrides(e, ov, nov);
		int st = e ? cal_eval_serve(e) : EXIT_RUNFAIL;
		cal_eval_free(e);
		free(x);
		cal_free(&c);
		return st;
	}
	if (cluster_active())
		jobs = cluster_slots();   /* a simulation per rank */
	/* DIR.cache: every finished simulation, so that the same command
	** after a kill carries on (--force starts again); one that is no
	** regular file (a FIFO, a directory) is refused, not replaced */
	char cpath[4200];
	snprintf(cpath, sizeof cpath, "%s.cache", outdir);
	struct stat cst;
	char cwhy[200];
	if (!force && stat(cpath, &cst) == 0 && infile_regular(&cst, cwhy, sizeof cwhy)) {
		fprintf(stderr, "hvsim calibrate: %s: %s (the cache of a killed run's simulations); remove it, "
				"or add --force\n", cpath, cwhy);
		free(x);
		cal_free(&c);
		return EXIT_USAGE;
	}
	/* the destination is checked (and staged) before hours of fitting */
	struct outdir o = { 0 };
	char oerr[4400] = "";
	if ((force && (out_keeps(outdir, file, oerr, sizeof oerr) || out_keeps(outdir, values, oerr, sizeof oerr) ||
		       out_keeps(outdir, cli->known, oerr, sizeof oerr))) ||
	    out_begin(&o, outdir, force ? OUT_FORCE : OUT_NEW, oerr, sizeof oerr)) {
		fprintf(stderr, "hvsim calibrate: %s\n", oerr);
		free(x);
		cal_free(&c);
		return EXIT_USAGE;
	}
	struct sigaction sa = { .sa_handler = on_stop }, old_int, old_term, old_hup;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	catch_hangup(&sa, &old_hup);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct cal_eval *e = cal_eval_new(&c, jobs, &stop_flag);
	struct cal_stage_out *so = calloc((size_t)c.nstage + 1, sizeof *so);
	int rc = e && so ? 0 : -1;
	int status = 0;
	if (force)
		unlink(cpath);
	if (e && cal_eval_cache(e, cpath, fingerprint(file, ov, nov), err, sizeof err)) {
		fprintf(stderr, "hvsim calibrate: %s\n", err);
		out_abort(&o);
		status = EXIT_RUNFAIL;
		goto done;
	}
	if (e && cal_eval_reused(e) && !quiet)
		fprintf(stderr, "hvsim calibrate: %ld finished simulations taken from %s (a killed run's)\n",
			cal_eval_reused(e), cpath);
	if (e && cli->known && cal_eval_known(e, &c, x, cli->known, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);   /* FILE:LINE: ..., or --known FILE: ... */
		out_abort(&o);
		status = EXIT_USAGE;
		goto done;
	}
	if (e) {
		cal_eval_overrides(e, ov, nov);
		/* a bar on a terminal; the stage lines say enough in a log */
		if (!quiet && isatty(STDERR_FILENO))
			cal_eval_progress(e, stderr);
	}
	gsl_set_error_handler_off();
	for (int si = 0; si < c.nstage && !rc; si++) {
		if (!fit_mask[si])
			continue;
		if (!quiet)
			fprintf(stderr, "stage %s: %d parameter(s), %zu rows\n", c.stage[si].name, c.stage[si].np,
				c.stage[si].nrow);
		rc = cal_fit_identified(&c, e, &c.stage[si], x, !quiet, &so[si], err, sizeof err);
	}
	/* every row and every curve under the final values */
	if (!rc) {
		size_t *all = malloc((c.meas.n + 1) * sizeof *all);
		size_t na = 0;
		for (size_t i = 0; all && i < c.meas.n; i++)
			if (c.meas.p[i].kind != MEAS_UNSTATED)
				all[na++] = i;
		if (!quiet)
			fprintf(stderr, "predicting %zu rows and %d curves\n", na, c.nalso);
		rc = all ? cal_eval_need(e, x, all, na, err, sizeof err) : -1;
		if (!rc)
			rc = cal_eval_also(e, x, err, sizeof err);
		free(all);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc) {
		fprintf(stderr, "hvsim calibrate: %s\n", rc == -2 ? "interrupted; nothing written" : err);
		status = rc == -2 ? 130 : EXIT_RUNFAIL;
		out_abort(&o);
	} else {
		errno = 0;
		if (cal_write_outputs(&o, &c, e, x, so, fit_mask, any_fit, values, wall) ||
		    cal_write_profiles(&o, &c, x, values && !stages ? "values of a previous fit" : "fitted")) {
			fprintf(stderr, "hvsim calibrate: %s: cannot write the outputs: %s; nothing written\n", outdir,
				strerror(errno ? errno : EIO));
			out_abort(&o);
			status = EXIT_RUNFAIL;
		} else if (out_commit(&o, oerr, sizeof oerr)) {
			fprintf(stderr, "hvsim calibrate: %s\n", oerr);
			out_abort(&o);
			status = EXIT_RUNFAIL;
		} else {
			unlink(cpath);   /* done: the outputs hold it all */
			printf("%s: %ld simulations in %.1f wall s (%d process(es)); wrote %s/\n", c.name, cal_eval_runs(e),
			       wall, jobs, outdir);
			char rp[4096];
			snprintf(rp, sizeof rp, "%s/report.txt", outdir);
			FILE *r = fopen(rp, "r");
			if (r) {
				char line[512];
				int show = 0;
				while (fgets(line, sizeof line, r)) {
					if (!strncmp(line, "mean absolute", 13))
						show = 1;
					if (show)
						fputs(line, stdout);
				}
				fclose(r);
			}
		}
	}
done:
	free(o.dest);
	free(o.stage);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	cal_eval_free(e);
	free(so);
	free(x);
	cal_free(&c);
	return status;
}

