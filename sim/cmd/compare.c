/*
** hvsim compare TRACE.csv [RUN_DIR]: a recording against a prediction,
** thread by thread (traces/compare.c; docs/validation.md).
*/
#include "sim/cmd/cmd.h"
#include "traces/compare.h"

int cmd_compare(const struct cmd *c, struct cmd_args *a)
{
	(void)c;
	struct compare_opts o = {
		.trace = a->operand[0],
		.dir = a->noperand > 1 ? a->operand[1] : NULL,
		.out = a->output,
		.meas = a->measured,
		.mix = a->mix,
		.hv = a->hvname,
		.mem = a->memory,
		.use = a->use,
		.pats = a->threads,
		.npat = a->nthreads,
	};
	return trace_compare(&o);
}
