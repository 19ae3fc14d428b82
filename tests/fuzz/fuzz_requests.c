/*
** libFuzzer target: a request trace (trace_requests_load, docs/traces.md).
*/
#include "tests/fuzz/fuzz.h"
#include "sim/engine/diag.h"
#include "traces/requests.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("in.csv", data, size);
	struct diag d = { 0 };
	struct trace_requests t;
	if (trace_requests_load(path, &d, &t) == 0) {
		/* what the reader accepts, the writer writes */
		trace_requests_write(fuzz_null(), &t, "fuzz");
		trace_requests_free(&t);
	}
	diag_free(&d);
	return 0;
}
