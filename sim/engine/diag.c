/*
** Diagnostics: an ordered list of input errors (see diag.h).
*/
#include "sim/engine/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_error(struct diag *d, const char *file, int line, const char *fmt, ...)
{
	if (d->n >= DIAG_MAX) {
		d->dropped++;
		return;
	}
	char body[1024], head[512] = "";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	if (file && line > 0)
		snprintf(head, sizeof head, "%s:%d: ", file, line);
	else if (file)
		snprintf(head, sizeof head, "%s: ", file);
	size_t len = strlen(head) + strlen(body) + 1;
	char *m = malloc(len);
	if (d->n == d->cap) {
		int cap = d->cap ? 2 * d->cap : 8;
		char **nm = realloc(d->msg, (size_t)cap * sizeof *nm);
		if (!nm || !m) {
			free(m);
			if (nm)
				d->msg = nm;
			d->dropped++;
			return;
		}
		d->msg = nm;
		d->cap = cap;
	}
	if (!m) {
		d->dropped++;
		return;
	}
	snprintf(m, len, "%s%s", head, body);
	d->msg[d->n++] = m;
}

void diag_print(const struct diag *d, FILE *f)
{
	for (int i = 0; i < d->n; i++)
		fprintf(f, "%s\n", d->msg[i]);
	if (d->dropped)
		fprintf(f, "... and %d more errors\n", d->dropped);
	if (diag_count(d) > 1)
		fprintf(f, "%d errors\n", diag_count(d));
}

void diag_to_str(const struct diag *d, char *out, size_t n, const char *none)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f) {
		diag_print(d, f);
		fclose(f);
	}
	snprintf(out, n, "%s", buf && len ? buf : none);
	size_t l = strlen(out);
	if (l && out[l - 1] == '\n')
		out[l - 1] = 0;
	free(buf);
}

void diag_free(struct diag *d)
{
	for (int i = 0; i < d->n; i++)
		free(d->msg[i]);
	free(d->msg);
	memset(d, 0, sizeof *d);
}
