/*
** libFuzzer target: a scenario (or a machine or hypervisor profile, as
** `hvsim validate` accepts), loaded and, when it loads, built without
** running: the schema, the checks, profile splicing, and the traces a
** workload replays.  See fuzz.h for where the input is written.
*/
#include "tests/fuzz/fuzz.h"
#include "sim/engine/diag.h"
#include "sim/scenario/scenario.h"
#include "models/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("in.xml", data, size);
	struct diag d = { 0 };
	struct scenario s;
	if (scn_load(&s, path, NULL, 0, 1, &d) == 0) {
		if (s.nvms || s.nworkloads) {
			struct world w;
			if (world_build(&w, &s, &d) == 0)
				world_free(&w);
			else
				world_free(&w);
		}
		scn_free(&s);
	}
	diag_free(&d);
	return 0;
}
