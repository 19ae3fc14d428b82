/* CPU lists (see cpulist.h). */
#include "sim/engine/cpulist.h"

#include <ctype.h>
#include <stdlib.h>

/* an id at p: digits, below limit; its end in *end.  0, or -1. */
static int id_at(const char *p, long limit, long *v, const char **end)
{
	char *e;
	if (!isdigit((unsigned char)*p))
		return -1;
	*v = strtol(p, &e, 10);   /* too many digits: LONG_MAX, over limit */
	*end = e;
	return *v < limit ? 0 : -1;
}

int cpulist_next(const char **p, long limit, long *a, long *b)
{
	const char *s = *p;
	if (!*s)
		return 0;
	if (id_at(s, limit, a, &s))
		return -1;
	*b = *a;
	if (*s == '-' && (id_at(s + 1, limit, b, &s) || *b < *a))
		return -1;
	if (*s == ',' && s[1])
		s++;
	else if (*s)
		return -1;   /* a trailing ',' too */
	*p = s;
	return 1;
}

int cpulist_ok(const char *s, long limit)
{
	long a, b;
	int r, n = 0;
	while ((r = cpulist_next(&s, limit, &a, &b)) == 1)
		n++;
	return r == 0 && n > 0;
}
