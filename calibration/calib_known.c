/*
** `hvsim calibrate --known Q.csv` (calib.h): SPECweb sessions per VM, with
** their intervals, read from a file with quantities.csv's columns and
** taken as simulated under the given values, so that a curve point a
** sweep already searched is one number in the sweep, the plots and the
** statements (docs/calibration.md).  Every field of a row is checked.
*/
#include "calibration/calib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine/units.h"
#include "sim/report/output.h"
#include "traces/csv.h"

/* One number of a --known row: the whole field, finite, read as a
** scenario's numbers are (strtod took "0x10"); empty: NAN when
** empty_ok. */
static int known_num(const char *f, int empty_ok, double *v)
{
	const char *why;
	if (!*f) {
		*v = NAN;
		return empty_ok ? 0 : -1;
	}
	return units_number(f, v, &why) ? -1 : 0;
}

/* One row of a --known file checked, field by field: NULL, or what is
** wrong with it (in buf). */
static const char *known_row(const struct cal_config *c, char **f, int n, double *num, char *buf, size_t len)
{
	double *vms = &num[0], *vcpus = &num[1], *v = &num[2], *lo = &num[3], *hi = &num[4], bytes;
	const char *why;
	if (n != 9)
		snprintf(buf, len, "expected 9 fields, got %d", n);
	else if (strcmp(f[0], "specweb"))
		snprintf(buf, len, "benchmark: expected specweb, got '%s'", f[0]);
	else if (!cal_find_hv(c, f[1]))
		snprintf(buf, len, "expected a hypervisor of the calibration, got '%s'", f[1]);
	else if (known_num(f[2], 0, vms) || *vms < 1 || *vms > 4096 || *vms != floor(*vms))
		snprintf(buf, len, "vms: expected a whole number from 1 to 4096, got '%s'", f[2]);
	else if (known_num(f[3], 0, vcpus) || *vcpus < 1 || *vcpus > 4096 || *vcpus != floor(*vcpus))
		snprintf(buf, len, "vcpus_per_vm: expected a whole number from 1 to 4096, got '%s'", f[3]);
	else if (units_bytes(f[4], &bytes, &why) || !(bytes > 0))
		snprintf(buf, len, "memory: expected a byte size such as 1.5GiB, got '%s'", f[4]);
	else if (strcmp(f[5], "sessions_per_vm"))
		snprintf(buf, len, "metric: expected sessions_per_vm, got '%s'", f[5]);
	else if (known_num(f[6], 0, v) || *v < 0)
		snprintf(buf, len, "value: expected a number of at least 0, got '%s'", f[6]);
	else if (known_num(f[7], 1, lo) || known_num(f[8], 1, hi) || *lo > *v || *hi < *v)
		snprintf(buf, len, "ci_low,ci_high: expected numbers around the value (%s) or empty cells, got '%s','%s'",
			 f[6], f[7], f[8]);
	else
		return NULL;
	return buf;
}

/* Long: a small CSV reader, each row checked by known_row; a quantity
** given twice is refused (the later row used to win silently). */
int cal_eval_known(struct cal_eval *e, const struct cal_config *c, const double *x, const char *path, char *err,
		   size_t errlen)
{
	static const char *const cols[] = { "benchmark", "hypervisor", "vms", "vcpus_per_vm", "memory",
					    "metric", "value", "ci_low", "ci_high" };
	char rwhy[256];
	char *buf = out_read(path, NULL, rwhy, sizeof rwhy);
	if (!buf) {
		snprintf(err, errlen, "--known %s: %s", path, rwhy);
		return -1;
	}
	int rc = 0, line = 0, nseen = 0;
	struct seen {
		char *key;
		int line;
	} *seen = NULL;
	for (char *l = buf; rc == 0 && l && *l;) {
		char *nl = strchr(l, '\n');
		if (nl)
			*nl = 0;
		line++;
		char *f[16];
		const char *why = NULL;
		int n = trace_csv_split(l, f, 16, &why);
		if (n < 0) {
			snprintf(err, errlen, "%s:%d: %s", path, line, why);
			rc = -1;
		} else if (line == 1) {
			for (int k = 0; k < 9 && rc == 0; k++)
				if (n != 9 || strcmp(f[k], cols[k])) {
					snprintf(err, errlen, "%s:1: expected the header benchmark,hypervisor,vms,"
						 "vcpus_per_vm,memory,metric,value,ci_low,ci_high", path);
					rc = -1;
				}
		} else if (n == 1 && !f[0][0]) {
			/* an empty line */
		} else {
			double num[5];
			char bad[300];
			const char *wrong = known_row(c, f, n, num, bad, sizeof bad);
			if (wrong) {
				snprintf(err, errlen, "%s:%d: %s", path, line, wrong);
				rc = -1;
				break;
			}
			struct cal_qty q = { .bench = MEAS_SPECWEB, .hypervisor = f[1], .vms = (int)num[0],
					     .vcpus = (int)num[1], .memory = f[4] };
			char key[CAL_KEY_MAX];
			cal_qty_key(c, x, &q, key, sizeof key);
			for (int i = 0; i < nseen && rc == 0; i++)
				if (!strcmp(seen[i].key, key)) {
					snprintf(err, errlen, "%s:%d: expected a quantity not given before, got line %d's "
						 "again", path, line, seen[i].line);
					rc = -1;
				}
			struct seen *ns = rc ? NULL : realloc(seen, (size_t)(nseen + 1) * sizeof *ns);
			char *sk = ns ? strdup(key) : NULL;
			if (ns)
				seen = ns;
			if (!rc && !sk) {
				snprintf(err, errlen, "out of memory");
				rc = -1;
			}
			if (rc)
				break;
			seen[nseen++] = (struct seen){ sk, line };
			if (cal_eval_put(e, key, num[2], num[3], num[4])) {
				snprintf(err, errlen, "out of memory");
				rc = -1;
				break;
			}
		}
		l = nl ? nl + 1 : NULL;
	}
	for (int i = 0; i < nseen; i++)
		free(seen[i].key);
	free(seen);
	free(buf);
	return rc;
}
