/*
** libFuzzer target: measured points (meas_load, docs/measured.md).
*/
#include "tests/fuzz/fuzz.h"
#include "sim/engine/diag.h"
#include "traces/measured.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("in.csv", data, size);
	struct diag d = { 0 };
	struct meas_set s;
	if (meas_load(path, &d, &s) == 0)
		meas_free(&s);
	diag_free(&d);
	return 0;
}
