/*
** libFuzzer target: an activity trace (trace_activity_load, docs/traces.md).
*/
#include "tests/fuzz/fuzz.h"
#include "sim/engine/diag.h"
#include "traces/activity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("in.csv", data, size);
	struct diag d = { 0 };
	struct trace_activity t;
	if (trace_activity_load(path, &d, &t) == 0) {
		trace_activity_write(fuzz_null(), &t, "fuzz");
		trace_activity_free(&t);
	}
	diag_free(&d);
	return 0;
}
