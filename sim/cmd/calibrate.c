/*
** hvsim calibrate CALIB.xml: fit parameters to measured points
** (calibration/calib_cmd.c runs it).
*/
#include "sim/cmd/cmd.h"
#include "calibration/calib.h"
#include "traces/measured.h"

#include <string.h>

int cmd_calibrate(const struct cmd *c, struct cmd_args *a)
{
	/* --set BENCH:KEY=VALUE: BENCH must be a benchmark */
	for (int i = 0; i < a->nov; i++) {
		const char *k = a->ov[i].key, *colon = strchr(k, ':');
		if (!colon)
			continue;
		int b;
		for (b = 0; b < MEAS_NBENCH; b++)
			if (strlen(meas_bench_name((enum meas_bench)b)) == (size_t)(colon - k) &&
			    !strncmp(meas_bench_name((enum meas_bench)b), k, (size_t)(colon - k)))
				break;
		if (b == MEAS_NBENCH)
			return cmd_usage_error(c, "--set %s=%s: expected KEY=VALUE or BENCH:KEY=VALUE with BENCH one "
						  "of specweb, bzip2, netperf, dd, host",
					       k, a->ov[i].value);
	}
	struct cal_cli cli = {
		.file = a->operand[0],
		.outdir = a->output,
		.values = a->values,
		.stages = a->stages,
		.known = a->known,
		.jobs = cmd_jobs(a),
		.quiet = a->quiet,
		.force = a->force,
		.ov = a->ov,
		.nov = a->nov,
	};
	return cal_command(&cli);
}
