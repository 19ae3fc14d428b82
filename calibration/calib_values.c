/*
** `hvsim calibrate --values FIT.csv`: the values of an earlier fit.
*/
#include "calibration/calib.h"
#include "sim/engine/infile.h"
#include "traces/csv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
/* Values from a previous fit.csv (name and value columns). */
int cal_read_values(const struct cal_config *c, const char *path, double *x, char *err, size_t errlen)
{
	char bad[200];
	FILE *f = infile_open(path, bad, sizeof bad);
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, bad);
		return -1;
	}
	char line[4096];
	int ln = 0, rc = 0;
	int *seen = calloc((size_t)c->np + 1, sizeof *seen);
	while (!rc && fgets(line, sizeof line, f)) {
		ln++;
		line[strcspn(line, "\r\n")] = 0;
		if (ln == 1) {
			if (strncmp(line, "stage,name,hypervisor,benchmark,key,unit,min,max,start,value", 60)) {
				snprintf(err, errlen, "%s:1: expected the header of fit.csv (stage,name,...,value,...)", path);
				rc = -1;
			}
			continue;
		}
		char *col[16];
		const char *why = NULL;
		int nc = trace_csv_split(line, col, 16, &why);
		if (nc < 10) {
			snprintf(err, errlen, "%s:%d: expected at least 10 columns, got %s", path, ln,
				 nc < 0 && why ? why : "fewer");
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
		char *end;
		double v = strtod(col[9], &end);
		if (end == col[9] || *end || !(v >= c->p[k].min && v <= c->p[k].max)) {
			snprintf(err, errlen, "%s:%d: value: expected a number from %g to %g, got '%s'", path, ln, c->p[k].min,
				 c->p[k].max, col[9]);
			rc = -1;
			break;
		}
		x[k] = v;
		seen[k] = 1;
	}
	for (int k = 0; !rc && k < c->np; k++)
		if (!seen[k]) {
			snprintf(err, errlen, "%s: expected a row for parameter '%s', found none", path, c->p[k].name);
			rc = -1;
		}
	free(seen);
	fclose(f);
	return rc;
}

