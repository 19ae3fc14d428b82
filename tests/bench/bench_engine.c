/*
** Whole-engine benchmark (`make bench`): build and run shipped scenarios
** and report events per wall second, simulated seconds per wall second
** and peak RSS.  Each scenario runs 3 times; the best time is reported
** (the least disturbed by the other core's load).
*/
#include "models/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

static int bench(const char *path, const char *label)
{
	double best = 1e30;
	uint64_t events = 0;
	double simulated = 0;
	for (int rep = 0; rep < 3; rep++) {
		struct scenario s;
		struct world w;
		struct diag d = { 0 };
		if (scn_load(&s, path, NULL, 0, 0, &d) || world_build(&w, &s, &d)) {
			diag_print(&d, stderr);
			return -1;
		}
		if (world_run(&w)) {
			fprintf(stderr, "%s: run failed\n", path);
			return -1;
		}
		if (w.wall < best)
			best = w.wall;
		events = w.events;
		simulated = (double)s.duration / 1e9;
		world_free(&w);
		scn_free(&s);
		diag_free(&d);
	}
	printf("engine %-32s %9llu events in %.3f s: %5.2f M events/s, %9.0f simulated s per wall s\n", label,
	       (unsigned long long)events, best, (double)events / best / 1e6, simulated / best);
	return 0;
}

int main(void)
{
	int rc = 0;
	rc |= bench("experiments/bench/fig3-kvm-10vm.xml", "Fig. 3 at 10 VMs x 2 VCPUs, SPECweb, KVM");
	rc |= bench("experiments/bench/tenvm-xen.xml", "10 VMs x 2 VCPUs, Xen credit");
	rc |= bench("experiments/bench/tenvm-kvm.xml", "10 VMs x 2 VCPUs, Linux CFS");
	rc |= bench("experiments/validation/mm8-opteron.xml", "M/M/8 FCFS (Opteron)");
	rc |= bench("experiments/default.xml", "default (6 VMs, Xen credit)");
	rc |= bench("experiments/validation/mm1-fcfs.xml", "M/M/1 FCFS");
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("engine peak RSS: %.1f MB\n", (double)ru.ru_maxrss / 1024);
	return rc ? 1 : 0;
}
