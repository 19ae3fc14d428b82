/*
** hvsim capacity SCEN.xml: the most users per VM that pass the QoS rule
** (sim/drive/capacity.c).
*/
#include "sim/cmd/cmd.h"
#include "sim/drive/capacity.h"
#include "sim/report/output.h"
#include "sim/engine/cluster.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cmd_capacity(const struct cmd *c, struct cmd_args *a)
{
	(void)c;
	const char *file = a->operand[0];
	struct scenario s;
	struct diag d = { 0 };
	int rc = cmd_load(a, &s);
	if (rc)
		return rc;
	if (cap_check(&s, &d)) {
		diag_print(&d, stderr);
		diag_free(&d);
		scn_free(&s);
		return EXIT_USAGE;
	}
	diag_free(&d);
	if (cluster_worker()) {
		/* an MPI worker rank runs replications, writes nothing */
		cmd_catch_signals();
		rc = cap_serve(&s, &cmd_interrupted);
		scn_free(&s);
		return rc;
	}
	char dest[4096], err[4200];
	cmd_dest(a, &s, "-capacity", dest, sizeof dest);
	struct outdir od = { 0 };
	struct cap_result r = { 0 };
	if ((a->force && out_keeps(dest, a->operand[0], err, sizeof err)) ||
	    out_begin(&od, dest, a->force ? OUT_FORCE : OUT_NEW, err, sizeof err)) {
		fprintf(stderr, "hvsim: %s\n", err);
		rc = EXIT_USAGE;
		goto done;
	}
	cmd_catch_signals();
	int sr = cap_search_shown(&s, cmd_jobs(a), &cmd_interrupted, stderr, &r, err, sizeof err);
	if (sr) {
		fprintf(stderr, "hvsim: %s: %s; nothing written\n", file,
			sr == -2 || cmd_interrupted ? "the search was interrupted" : err);
		out_abort(&od);
		rc = sr == -2 || cmd_interrupted ? EXIT_INTERRUPTED : EXIT_RUNFAIL;
		goto done;
	}
	errno = 0;
	if (cap_write(&od, &s, &r)) {
		fprintf(stderr, "hvsim: %s: cannot write the outputs: %s; nothing written\n", dest,
			strerror(errno ? errno : EIO));
		out_abort(&od);
		rc = EXIT_RUNFAIL;
		goto done;
	}
	if (out_commit(&od, err, sizeof err)) {
		fprintf(stderr, "hvsim: %s\n", err);
		out_abort(&od);
		rc = EXIT_RUNFAIL;
		goto done;
	}
	cap_print(stdout, &s, &r, dest);
done:
	cap_free(&r);
	free(od.dest);
	free(od.stage);
	scn_free(&s);
	return rc;
}
