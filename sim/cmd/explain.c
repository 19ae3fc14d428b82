/*
** hvsim explain DIR: why the curves of a sweep stop growing
** (sim/explain/explain.c).
*/
#include "sim/cmd/cmd.h"
#include "sim/explain/explain.h"
#include "sim/report/output.h"

int cmd_explain(const struct cmd *c, struct cmd_args *a)
{
	const char *dir = a->operand[0];
	struct explain x;
	char err[4400];
	int nsvg = 0;
	if (explain_load(&x, dir, a->threshold > 0 ? a->threshold : EXPLAIN_THRESHOLD, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	/* --force replaces DIR/explain: not with an input of this command in it */
	if (a->force) {
		char dest[4200];
		snprintf(dest, sizeof dest, "%s/explain", dir);
		if (out_keeps(dest, a->grade, err, sizeof err) || out_keeps(dest, a->counterfactual, err, sizeof err)) {
			explain_free(&x);
			return cmd_usage_error(c, "%s", err);
		}
	}
	if ((a->points || a->causes || a->replications) && !a->counterfactual) {
		explain_free(&x);
		return cmd_usage_error(c, "--points, --causes and --replications: expected --counterfactual SCEN.xml with them");
	}
	if (a->counterfactual) {
		cmd_catch_signals();
		struct explain_cf_opts o = { .scenario = a->counterfactual, .points = a->points, .causes = a->causes,
					     .reps = a->replications ? a->replications : 3, .jobs = cmd_jobs(a),
					     .stop = &cmd_interrupted, .progress = stderr };
		int cr = explain_counterfactual(&x, &o, err, sizeof err);
		if (cr) {
			fprintf(stderr, "%s\n", err);
			explain_free(&x);
			return cr == -2 ? 130 : EXIT_USAGE;
		}
	}
	if (a->grade) {
		snprintf(x.grade_file, sizeof x.grade_file, "%s", a->grade);
		if (explain_grade(&x, a->grade, err, sizeof err)) {
			fprintf(stderr, "%s\n", err);
			explain_free(&x);
			return EXIT_USAGE;
		}
	}
	int rc = explain_write(&x, !a->no_render, a->force, &nsvg, err, sizeof err);
	if (rc) {
		fprintf(stderr, "hvsim: %s\n", err);
		rc = rc == -2 ? EXIT_USAGE : EXIT_RUNFAIL;
	} else {
		explain_report(&x, stdout);
		printf("wrote %s/explain/ (explain.txt, %d .dot, %d .svg)\n", dir, 2 * x.ncurve, nsvg);
	}
	explain_free(&x);
	return rc;
}
