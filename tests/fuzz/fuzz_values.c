/*
** libFuzzer target: a `hvsim calibrate --values FIT.csv` file, read
** against the shipped calibration (calibration/paper.xml, loaded once).
*/
#include "tests/fuzz/fuzz.h"
#include "calibration/calib.h"
#include "sim/engine/diag.h"

static struct cal_config cfg;
static int loaded;

static void unload(void)
{
	cal_free(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!loaded) {
		struct diag d = { 0 };
		if (cal_load(&cfg, HVSIM_SRCDIR "/calibration/paper.xml", &d)) {
			diag_print(&d, stderr);
			abort();
		}
		diag_free(&d);
		atexit(unload);
		loaded = 1;
	}
	const char *path = fuzz_file("fit.csv", data, size);
	double x[CAL_MAX_PARAMS];
	char err[600];
	cal_read_values(&cfg, path, x, err, sizeof err);
	return 0;
}
