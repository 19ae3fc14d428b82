/*
** `hvsim calibrate --values FIT.csv`: the values of an earlier fit.
*/
#include "calibration/calib.h"
#include "sim/engine/infile.h"
#include "sim/engine/units.h"
#include "traces/csv.h"
#include "traces/textio.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Values from a previous fit.csv (name and value columns).  Lines are
** read whole (trace_lines: a source note has no length limit), so that a
** long one is neither split into two rows nor numbered wrong. */
int cal_read_values(const struct cal_config *c, const char *path, double *x, char *err, size_t errlen)
{
	char bad[200];
	FILE *f = infile_open(path, bad, sizeof bad);
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, bad);
		return -1;
	}
	/* the line of each parameter's row, 0 until read */
	int *seen = calloc((size_t)c->np + 1, sizeof *seen);
	if (!seen) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	struct trace_lines lr;
	trace_lines_init(&lr, f);
	char *line, *orig = NULL, g[80];
	size_t len;
	int got, rc = 0;
	while (!rc && (got = trace_lines_next(&lr, &line, &len)) > 0) {
		int ln = lr.lineno;
		if (lr.has_nul) {
			snprintf(err, errlen, "%s:%d: expected text, got a NUL byte at column %d", path, ln, lr.nul_col);
			rc = -1;
			break;
		}
		if (ln == 1) {
			if (strncmp(line, "stage,name,hypervisor,benchmark,key,unit,min,max,start,value", 60)) {
				snprintf(err, errlen, "%s:1: expected the header of fit.csv (stage,name,...,value,...), got %s",
					 path, trace_show(line, len, g, sizeof g));
				rc = -1;
			}
			continue;
		}
		/* the line as written, for a message about a broken field */
		free(orig);
		orig = strdup(line);
		if (!orig) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
			break;
		}
		char *col[16];
		const char *why = NULL;
		int bc;
		size_t off;
		int nc = trace_csv_split_at(line, col, 16, &why, &bc, &off);
		if (nc < 0) {
			snprintf(err, errlen, "%s:%d: %s, got %s", path, ln, why,
				 trace_show(orig + off, len - off, g, sizeof g));
			rc = -1;
			break;
		}
		if (nc < 10) {
			snprintf(err, errlen, "%s:%d: expected at least 10 columns (stage,name,...,value), got %d", path, ln,
				 nc);
			rc = -1;
			break;
		}
		int k;
		for (k = 0; k < c->np; k++)
			if (!strcmp(c->p[k].name, col[1]))
				break;
		if (k == c->np) {
			snprintf(err, errlen, "%s:%d: name: expected a <param> of %s, got '%s'", path, ln, c->path, col[1]);
			rc = -1;
			break;
		}
		if (seen[k]) {
			/* two values for one parameter: which one was meant? */
			snprintf(err, errlen, "%s:%d: name: expected a parameter without a row yet, got '%s' again (its row "
				 "is line %d)", path, ln, col[1], seen[k]);
			rc = -1;
			break;
		}
		/* read as a scenario's numbers are (strtod took "0x10") */
		double v;
		const char *nwhy;
		if (units_number(col[9], &v, &nwhy) || !(v >= c->p[k].min && v <= c->p[k].max)) {
			snprintf(err, errlen, "%s:%d: value: expected a number from %g to %g, got '%s'", path, ln, c->p[k].min,
				 c->p[k].max, col[9]);
			rc = -1;
			break;
		}
		x[k] = v;
		seen[k] = ln;
	}
	if (!rc && got < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(lr.err ? lr.err : EIO));
		rc = -1;
	}
	for (int k = 0; !rc && k < c->np; k++)
		if (!seen[k]) {
			snprintf(err, errlen, "%s: expected a row for parameter '%s', found none", path, c->p[k].name);
			rc = -1;
		}
	free(orig);
	trace_lines_free(&lr);
	free(seen);
	fclose(f);
	return rc;
}
