/*
** hvsim profiles: the machine and hypervisor profiles a scenario can name
** (<machine profile="NAME"/>), as the search path finds them.
*/
#include "sim/cmd/cmd.h"

int cmd_profiles(const struct cmd *c, struct cmd_args *a)
{
	(void)c;
	(void)a;
	scn_list_profiles(stdout);
	return 0;
}
