/*
** libFuzzer target: `hvsim import perf-sched` (psched_read, then the
** writer of the activity trace it makes).
*/
#include "tests/fuzz/fuzz.h"
#include "traces/perf_sched.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in = fuzz_stream(data, size);
	/* both modes: --strict stops at the first malformed line */
	for (int strict = 0; strict < 2; strict++) {
		rewind(in);
		struct trace_import_opts o = { .path = "in.txt", .strict = strict, .err = fuzz_null() };
		struct psched_trace t;
		if (psched_read(in, &o, &t) == 0) {
			psched_write(fuzz_null(), &t, &o);
			psched_free(&t);
		}
	}
	fclose(in);
	return 0;
}
