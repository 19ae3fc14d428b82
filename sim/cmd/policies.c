/*
** hvsim policies: every scheduling policy, its source and parameters.
*/
#include "sim/cmd/cmd.h"
#include "models/sched.h"
#include "sim/engine/units.h"

int cmd_policies(const struct cmd *c, struct cmd_args *a)
{
	(void)c;
	(void)a;
	for (int i = 0; sched_registry[i]; i++) {
		const struct sched_ops *ops = sched_registry[i];
		printf("%s: %s\n  follows: %s\n", ops->name, ops->summary, ops->source);
		for (const struct sched_param_def *d = ops->params; d && d->name; d++) {
			char at[32] = "", most[32] = "";
			if (d->min_ns)
				units_fmt_time(d->min_ns, at, sizeof at);
			if (d->max_ns)
				units_fmt_time(d->max_ns, most, sizeof most);
			printf("  %s = %s - %s%s%s%s%s%s%s\n", d->name, d->def, d->help, at[0] ? " [at least " : "", at,
			       at[0] && d->kind == SP_TIME0 ? ", or 0" : "", most[0] ? ", at most " : "", most,
			       at[0] ? "]" : "");
		}
		printf("  co-scheduling: %s\n", ops->dequeue ? "strict and relaxed" : "relaxed only");
	}
	return 0;
}
