/*
** hvsim sweep SCEN.xml: every point of the scenario's <sweep>
** (sim/drive/sweep.c).
*/
#include "sim/cmd/cmd.h"
#include "sim/drive/sweep.h"

#include <unistd.h>

int cmd_sweep(const struct cmd *c, struct cmd_args *a)
{
	(void)c;
	struct sweep_args sa = {
		.file = a->operand[0],
		.outdir = a->output,
		.ov = a->ov,
		.nov = a->nov,
		.has_seed = a->has_seed,
		.seed = a->seed,
		.protocol = a->protocol,
		.jobs = cmd_jobs(a),
		.resume = a->resume,
		.reuse = a->reuse,
		.nreuse = a->nreuse,
		.cache = a->cache,
		.force = a->force,
		.progress = isatty(STDERR_FILENO),
		.stop = &cmd_interrupted,
	};
	cmd_catch_signals();
	return sweep_run(&sa);
}
