/*
** libFuzzer target: a calibration file (cal_load), with the measured
** points it names.  See fuzz.h for where the input is written.
*/
#include "tests/fuzz/fuzz.h"
#include "calibration/calib.h"
#include "sim/engine/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("in.xml", data, size);
	struct diag d = { 0 };
	struct cal_config c;
	if (cal_load(&c, path, &d) == 0)
		cal_free(&c);
	diag_free(&d);
	return 0;
}
