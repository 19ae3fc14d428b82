/*
** Inside the command table: what cmd.c (the tables, the parser) and
** cmd_help.c (help, man page, completion) share.
*/
#ifndef HVSIM_CMD_INT_H
#define HVSIM_CMD_INT_H

#include <stddef.h>

#include "sim/cmd/cmd.h"

struct opt_def {
	const char *lng;              /* without the -- */
	char shrt;                    /* 0: none */
	const char *arg;              /* the value's name; NULL: a flag */
	const char *help;
	const char *complete;         /* the value's kind for completion: file, xml, csv, dir */
};

/* One spelling, limit and help text per option, whichever command takes it. */
extern const struct opt_def cmd_opt_defs[O_NOPTS];
/* Every command, cmd_ndefs of them, in the order of cmd_table. */
extern const struct cmd cmd_defs[];
extern const size_t cmd_ndefs;

#endif
