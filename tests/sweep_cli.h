/*
** `hvsim sweep` from the command line, for tests/test_sweep.c and
** tests/test_sweep_dirs.c: run it, compare its CSV without the wall
** times (same_rows), count lines.
*/
#ifndef HVSIM_TESTS_SWEEP_CLI_H
#define HVSIM_TESTS_SWEEP_CLI_H

#include "tests/cutest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline int sweep(const char *args, char **out)
{
	char cmd[8300];
	snprintf(cmd, sizeof cmd, "%s sweep %s", cut_hvsim(), args);
	return cut_run(cmd, out);
}

/* csv without the last column of each line (wall_s), malloc'd. */
static inline char *no_wall(const char *csv)
{
	char *o = malloc(strlen(csv) + 1), *q = o;
	for (const char *l = csv; *l;) {
		const char *e = strchr(l, '\n'), *c = e;
		if (!e)
			e = c = l + strlen(l);
		while (c > l && c[-1] != ',')
			c--;
		if (c > l)
			c--;
		memcpy(q, l, (size_t)(c - l));
		q += c - l;
		*q++ = '\n';
		l = *e ? e + 1 : e;
	}
	*q = 0;
	return o;
}

static inline int lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Are two sweep.csv texts the same but for wall_s? */
static inline int same_rows(const char *x, const char *y)
{
	char *a = no_wall(x), *b = no_wall(y);
	int eq = strcmp(a, b) == 0;
	free(a);
	free(b);
	return eq;
}

#endif
