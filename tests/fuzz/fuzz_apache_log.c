/*
** libFuzzer target: `hvsim import apache-log` (alog_read, then the writer
** of the request trace it makes).
*/
#include "tests/fuzz/fuzz.h"
#include "traces/apache_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in = fuzz_stream(data, size);
	/* both modes: --strict stops at the first malformed line */
	for (int strict = 0; strict < 2; strict++) {
		rewind(in);
		struct trace_import_opts o = { .path = "in.log", .strict = strict, .err = fuzz_null() };
		struct alog_trace t;
		if (alog_read(in, &o, &t) == 0) {
			alog_write(fuzz_null(), &t, &o);
			alog_free(&t);
		}
	}
	fclose(in);
	return 0;
}
