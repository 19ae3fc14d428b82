/*
** The shipped what-if and tutorial scenarios (experiments/whatif/,
** experiments/tutorial/, docs/tutorial.md): every file, and every point
** of its <sweep>, loads and builds without a message (so `hvsim sweep`
** cannot fail on a point), including the overrides run.sh adds; and the
** mechanisms three lessons teach hold in the numbers they quote: steal
** 1 - 2/N for N CPU-bound VCPUs on 2 cores, job times 100 ms x (0.58 +
** 0.42 r) by NUMA distance, lock-holder spin with 2 VCPUs, none with 1,
** and co-scheduling removing most of it.  Every copy of a fitted value
** (calibration/paper.fit.csv) in the paper's and the what-ifs' scenarios
** is the fit's.
*/
#include "tests/cutest.h"
#include "models/vm.h"
#include "sim/scenario/scenario.h"
#include "sim/drive/sweep.h"
#include "models/world.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Called on each loaded point p (0 for a scenario without a sweep);
** returns how many of its values are wrong. */
typedef int (*point_fn)(const char *path, int p, const struct scenario *s, const void *ctx);

/* Load and build path with sets, then every point of its sweep with the
** point's values after sets, and pass each loaded point to fn (if any);
** returns the number of loads that failed plus fn's counts. */
static int each_point(const char *path, const char *const *sets, point_fn fn, const void *ctx)
{
	struct scenario s;
	struct world w;
	if (cut_load(path, sets, &s, &w)) {
		printf("\n    %s: does not load", path);
		return 1;
	}
	world_free(&w);
	struct scn_sweep sw = s.sweep;
	int bad = 0;
	if (!sw.present) {
		bad = fn ? fn(path, 0, &s, ctx) : 0;
		scn_free(&s);
		return bad;
	}
	int nset = 0;
	while (sets && sets[nset])
		nset++;
	for (int p = 0; p < sw.npoints; p++) {
		const char *val[SCN_MAX_VARY];
		char buf[SCN_MAX_VARY][512];
		const char *all[CUT_MAX_SETS + 1];
		CU_ASSERT_EQUAL_FATAL(sweep_point(&sw, p, val), 0);
		int n = 0;
		for (; n < nset; n++)
			all[n] = sets[n];
		for (int k = 0; k < sw.nvary && n < CUT_MAX_SETS; k++) {
			snprintf(buf[k], sizeof buf[k], "%s=%s", sw.vary[k].key, val[k]);
			all[n++] = buf[k];
		}
		all[n] = NULL;
		struct scenario ps;
		struct world pw;
		if (cut_load(path, all, &ps, &pw)) {
			printf("\n    %s: point %d does not load", path, p + 1);
			bad++;
			continue;
		}
		world_free(&pw);
		if (fn)
			bad += fn(path, p, &ps, ctx);
		scn_free(&ps);
	}
	scn_free(&s);
	return bad;
}

static int load_all_points(const char *path, const char *const *sets)
{
	return each_point(path, sets, NULL, NULL);
}

/* Every *.xml of dir, with every sweep point; returns the file count. */
static int check_dir(const char *dir)
{
	DIR *d = opendir(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	int files = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".xml") != 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		CU_ASSERT_EQUAL(load_all_points(path, NULL), 0);
		files++;
	}
	closedir(d);
	return files;
}

static void test_whatif_scenarios_load(void)
{
	int n = check_dir("experiments/whatif");
	printf("\n    experiments/whatif: %d scenarios, every sweep point loads", n);
	CU_ASSERT_TRUE(n >= 7);
	/* the variants run.sh adds from the command line */
	const char *const free_pins[] = { "vm[n0].pin=0-7", "vm[n1].pin=0-7", "vm[n2].pin=0-7",
					  "vm[n3].pin=0-7", NULL };
	CU_ASSERT_EQUAL(load_all_points("experiments/whatif/numa-pinning.xml", free_pins), 0);
	const char *const xeon_more[] = {
		"machine.profile=../../models/profiles/machines/xeon-6226r-2s.xml",
		"sweep.vary[0].values=../../models/profiles/machines/xeon-6226r-2s.xml",
		"sweep.vary[1].values=16 20 24 28 32 40 48 56 64", NULL
	};
	CU_ASSERT_EQUAL(load_all_points("experiments/whatif/machine-2s.xml", xeon_more), 0);
}

/* load_all_points loads the points; this goes through the command:
** run.sh's command-line sweeps, cut to one short point, must pass
** hvsim sweep's check of the first point (loaded and built whole, with
** all its varied values together, as validate checks every point) and
** run. */
static void test_runsh_sweeps_start(void)
{
	char *dir = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	static const char *const args[] = {
		"experiments/whatif/machine-2s.xml"
		" --set machine.profile=../../models/profiles/machines/xeon-6226r-2s.xml"
		" --set sweep.vary[0].values=../../models/profiles/machines/xeon-6226r-2s.xml"
		" --set 'sweep.vary[1].values=12'",
		"experiments/whatif/numa-pinning.xml"
		" --set vm[n0].pin=0-7 --set vm[n1].pin=0-7 --set vm[n2].pin=0-7 --set vm[n3].pin=0-7"
		" --set sweep.vary[0].values=2 --set sweep.vary[1].values=1"
		" --set sweep.vary[2].values=1 --set sweep.vary[3].values=1",
	};
	for (int i = 0; i < 2; i++) {
		char cmd[1200], *output = NULL;
		snprintf(cmd, sizeof cmd, "%s sweep %s --set run.duration=2s --set run.warmup=1s -j 1 -o %s/s%d",
			 cut_hvsim(), args[i], dir, i);
		int rc = cut_run(cmd, &output);
		if (rc != 0)
			printf("\n    %s\n    exit %d: %s", cmd, rc, output ? output : "");
		CU_ASSERT_EQUAL(rc, 0);
		free(output);
	}
	cut_rmrf(dir);
	free(dir);
}

/* The fitted values of calibration/paper.fit.csv (name -> value in its
** unit), read from the file. */
struct fitted {
	int n;
	char name[32][32];
	double value[32];
};

static int read_fit(struct fitted *f)
{
	f->n = 0;
	char *text = cut_slurp("calibration/paper.fit.csv", NULL);
	if (!text)
		return -1;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* stage,name,hypervisor,benchmark,key,unit,min,max,start,value,... */
		char *field[10];
		int k = 0;
		for (char *p = line; k < 10 && p; k++) {
			field[k] = p;
			p = strchr(p, ',');
			if (p)
				*p++ = 0;
		}
		if (k < 10 || strcmp(field[0], "stage") == 0 || f->n >= 32)
			continue;
		snprintf(f->name[f->n], sizeof f->name[0], "%s", field[1]);
		f->value[f->n++] = atof(field[9]);
	}
	free(text);
	return 0;
}

static double fit_value(const struct fitted *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i];
	printf("\n    calibration/paper.fit.csv: no %s", name);
	CU_FAIL("a fitted value is missing");
	return -1;
}

/* Equal to the printed precision of paper.fit.csv (6 significant digits). */
static int same(double a, double b)
{
	return fabs(a - b) <= 1e-5 * fabs(b);
}

struct calibrated {
	const struct fitted *f;
	int hv;                      /* check the hypervisor's costs too */
};

/* Point p of path: each SPECweb VM's guest lock and page, and (with
** hv) the hypervisor's calibrated costs, are paper.fit.csv's.  Returns
** the number of values that differ. */
static int check_point(const char *path, int p, const struct scenario *ps, const void *ctx)
{
	const struct calibrated *c = ctx;
	const struct fitted *f = c->f;
	int bad = 0;
	for (int v = 0; v < ps->nvms; v++) {
		const struct scn_vm *vm = &ps->vm[v];
		for (int j = 0; j < vm->nworkloads; j++) {
			if (vm->workload[j].kind != WL_SPECWEB)
				continue;
			if (!same(vm->guest.lock_hold, fit_value(f, "lock-hold")) ||
			    !same(vm->workload[j].specweb.page_cycles, 1e6 * fit_value(f, "page-cycles"))) {
				printf("\n    %s point %d, vm %s: lock-hold %g, page-cycles %g: not the fitted values",
				       path, p + 1, vm->name, vm->guest.lock_hold, vm->workload[j].specweb.page_cycles);
				bad++;
			}
		}
	}
	const char *kind = ps->hv.kind;
	if (c->hv && (strcmp(kind, "kvm") == 0 || strcmp(kind, "xen") == 0 || strcmp(kind, "vbox") == 0)) {
		char name[4][32];
		snprintf(name[0], sizeof name[0], "%s-cpu-factor", kind);
		snprintf(name[1], sizeof name[1], "%s-emu-packet", kind);
		snprintf(name[2], sizeof name[2], "%s-emu-disk", kind);
		snprintf(name[3], sizeof name[3], "%s-shadow", kind);
		const double have[4] = { ps->hv.costs.cpu_factor, ps->hv.io.emu_packet / 1e3, ps->hv.io.emu_disk / 1e3,
					 ps->hv.io.shadow };
		for (int i = 0; i < 4; i++)
			if (!same(have[i], fit_value(f, name[i]))) {
				printf("\n    %s point %d, hypervisor %s: %s %g, fitted %g", path, p + 1, ps->hv.name,
				       name[i], have[i], fit_value(f, name[i]));
				bad++;
			}
	}
	return bad;
}

static int check_calibrated(const char *path, const struct fitted *f, int hv)
{
	const struct calibrated c = { f, hv };
	return each_point(path, NULL, check_point, &c);
}

/* The fitted values are copied into the scenarios (the guest's lock and
** page) and, for what-ifs that write a hypervisor out (cosched.xml), its
** costs: every copy must be the fit's, or a refit leaves a what-if on
** stale values. */
static void test_calibrated_copies(void)
{
	struct fitted f;
	CU_ASSERT_EQUAL_FATAL(read_fit(&f), 0);
	CU_ASSERT_TRUE(f.n >= 15);
	static const char *const paper[] = { "experiments/paper/fig3.xml", "experiments/paper/fig4.xml",
					     "experiments/paper/vcpus.xml" };
	int files = 0;
	for (size_t i = 0; i < sizeof paper / sizeof *paper; i++, files++)
		CU_ASSERT_EQUAL(check_calibrated(paper[i], &f, 1), 0);
	/* the calibration's own SPECweb template: its hypervisors are the
	** uncalibrated profiles that calibrate fits, its guest the fitted one */
	CU_ASSERT_EQUAL(check_calibrated("experiments/paper/specweb.xml", &f, 0), 0);
	files++;
	DIR *d = opendir("experiments/whatif");
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".xml") != 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "experiments/whatif/%s", e->d_name);
		CU_ASSERT_EQUAL(check_calibrated(path, &f, 1), 0);
		files++;
	}
	closedir(d);
	printf("\n    %d scenarios: every point has the fitted lock, page and hypervisor costs", files);
}

static void test_tutorial_scenarios_load(void)
{
	int n = check_dir("experiments/tutorial");
	printf("\n    experiments/tutorial: %d scenarios, every sweep point loads", n);
	CU_ASSERT_TRUE(n >= 5);
}

static double vcpu_sum(const struct vm *vm, int what)
{
	double t = 0;
	for (int i = 0; i < vm->nvcpus; i++) {
		const struct entity *e = vm->vcpu[i];
		t += what == 0 ? (double)e->t_run : what == 1 ? (double)e->t_ready : (double)e->t_spin;
	}
	return t;
}

/* Lesson 1: N CPU-bound one-VCPU VMs on 2 cores share them fairly, so
** each waits 1 - 2/N of the time (none with N <= 2). */
static void test_lesson1_steal(void)
{
	static const char *const counts[] = { "vm[vm].count=2", "vm[vm].count=3", "vm[vm].count=5" };
	static const double expect[] = { 0, 1.0 / 3, 0.6 };
	for (int k = 0; k < 3; k++) {
		const char *const sets[] = { counts[k], NULL };
		cut_fixture("experiments/tutorial/01-steal.xml", sets);
		double run = 0, ready = 0;
		for (int i = 0; i < cut_W.nvms; i++) {
			run += vcpu_sum(&cut_W.vms[i], 0);
			ready += vcpu_sum(&cut_W.vms[i], 1);
		}
		printf("\n    %s: steal %.4f (1 - 2/N: %.4f)", counts[k], ready / (run + ready), expect[k]);
		CU_ASSERT_DOUBLE_EQUAL(ready / (run + ready), expect[k], 0.005);
		cut_done();
	}
}

/* Lesson 3: a 100 ms job stalled on memory 42% of the time takes
** 100 ms x ((1 - 0.42) + 0.42 r), r the relative read time between the
** core it is pinned to and its memory (the Opteron's AMD 40555 matrix). */
static void test_lesson3_numa(void)
{
	cut_fixture("experiments/tutorial/03-numa.xml", NULL);
	static const struct { const char *vm; double r; } c[] = {
		{ "local", 1.0 }, { "hop1", 1.085 }, { "hop2", 1.30 },
		{ "spread", (1.085 + 1.0 + 1.30 + 1.085) / 4 }, { "touch", 1.0 },
	};
	for (int i = 0; i < 5; i++) {
		double want = 0.1 * (0.58 + 0.42 * c[i].r), got = cut_resp(c[i].vm);
		printf("\n    %-6s %.6f s (expected %.6f)", c[i].vm, got, want);
		CU_ASSERT_DOUBLE_EQUAL(got, want, 1e-6);
	}
	cut_done();
}

/* Lesson 4: the 2-VCPU guest sharing 2 cores with a busy VM spins on
** preempted lock holders for a large share of its run time; with 1 VCPU
** there is nothing to spin on; strict co-scheduling leaves about the
** spin of plain contention. */
static void test_lesson4_lhp(void)
{
	static const char *const off[] = { NULL };
	static const char *const one[] = { "vm[smp].vcpus=1", NULL };
	static const char *const strict[] = { "hypervisor.coschedule.mode=strict", NULL };
	const char *const *cases[] = { off, one, strict };
	double share[3];
	for (int k = 0; k < 3; k++) {
		cut_fixture("experiments/tutorial/04-lhp.xml", cases[k]);
		const struct vm *vm = cut_vm_fatal("smp");
		share[k] = vcpu_sum(vm, 2) / vcpu_sum(vm, 0);
		cut_done();
	}
	printf("\n    spin share of run time: 2 VCPUs %.4f, 1 VCPU %.4f, 2 VCPUs strict %.4f", share[0], share[1],
	       share[2]);
	CU_ASSERT_TRUE(share[0] > 0.25);
	CU_ASSERT_EQUAL(share[1], 0);
	CU_ASSERT_TRUE(share[2] > 0 && share[2] < 0.08);
	CU_ASSERT_TRUE(share[2] < share[0] / 5);
}

/* experiments/tutorial/plot.sh (docs/tutorial.md's "run everything"):
** it runs, and prints figures the tutorial's tables quote. */
static void test_tutorial_plot_script(void)
{
	char *tmp = cut_tmpdir(), cmd[1200], *out = NULL;
	snprintf(cmd, sizeof cmd, "HVSIM=%s sh experiments/tutorial/plot.sh %s/t 2>&1", cut_hvsim(), tmp);
	int rc = cut_run(cmd, &out);
	if (rc != 0)
		printf("\n    plot.sh: exit %d\n%s", rc, out ? out : "");
	CU_ASSERT_EQUAL(rc, 0);
	char *doc = cut_slurp("docs/tutorial.md", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	/* one figure of each lesson, as the script prints it and as the
	** tutorial's table has it */
	static const char *const fig[][2] = {
		{ "steal 34.0%", "34.0" },	       { "347.7 req/s", "| 347.7 |" },
		{ "103.570 ms", "| 103.570 ms |" }, { "33.9%  jobs  12", "| 33.9% | 12 |" },
		{ "394.1 Mbit/s", "| 394.1 |" },
	};
	for (size_t i = 0; i < sizeof fig / sizeof fig[0]; i++) {
		int in_out = out && strstr(out, fig[i][0]), in_doc = strstr(doc, fig[i][1]) != NULL;
		if (!in_out || !in_doc)
			printf("\n    '%s' printed: %s; '%s' in docs/tutorial.md: %s", fig[i][0], in_out ? "yes" : "no",
			       fig[i][1], in_doc ? "yes" : "no");
		CU_ASSERT_TRUE(in_out);
		CU_ASSERT_TRUE(in_doc);
	}
	free(doc);
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "every what-if scenario and sweep point loads", test_whatif_scenarios_load },
		{ "run.sh's command-line sweeps start", test_runsh_sweeps_start },
		{ "the scenarios carry the fitted values", test_calibrated_copies },
		{ "every tutorial scenario and sweep point loads", test_tutorial_scenarios_load },
		{ "lesson 1: steal = 1 - 2/N", test_lesson1_steal },
		{ "lesson 3: job time by NUMA distance", test_lesson3_numa },
		{ "lesson 4: lock-holder spin with 2 VCPUs, not 1, little when co-scheduled", test_lesson4_lhp },
		{ "the tutorial's plot.sh runs and prints what the tutorial quotes", test_tutorial_plot_script },
		{ NULL, NULL },
	};
	cut_suite("whatif", t);
}
