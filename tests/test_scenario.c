/*
** Scenario loading: every error class in tests/data/bad/ produces exactly
** the messages in its .expect file (file:line: ...) and exit status 2;
** good files load with the right values; --set reaches every value,
** including those inside profiles, and its own errors are clear.
*/
#include "tests/cutest.h"
#include "models/machine.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/xsdmsg.h"
#include "models/world.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Drop the trailing "N errors" summary line. */
static void strip_count(char *out)
{
	char *last = out + strlen(out);
	if (last > out && last[-1] == '\n')
		last--;
	char *nl = last;
	while (nl > out && nl[-1] != '\n')
		nl--;
	if (strstr(nl, " errors") && nl[0] >= '0' && nl[0] <= '9')
		*nl = 0;
}

/* libxml2's schema messages (as xmlschemas.c writes them, the trailing
** newline stripped) in hvsim's words; a form it does not know is kept. */
static void test_xsd_messages(void)
{
	static const struct {
		const char *in, *attrs, *field;
		int rc;
		const char *out;
	} c[] = {
		{ "Element 'vm', attribute 'count': '0' is not a valid value of the atomic type 'xs:positiveInteger'.",
		  NULL, NULL, 1, "<vm count>: expected a whole number of at least 1, got '0'" },
		{ "Element 'vm', attribute 'nice': '1.5' is not a valid value of the atomic type 'xs:integer'.", NULL,
		  NULL, 1, "<vm nice>: expected a whole number, got '1.5'" },
		/* a value holding quotes: the words after it end it */
		{ "Element 'vm', attribute 'cap': 'a'b' is not a valid value of the atomic type "
		  "'xs:nonNegativeInteger'.",
		  NULL, NULL, 1, "<vm cap>: expected a whole number of at least 0, got 'a'b'" },
		{ "Element 'x', attribute 'y': '' is not a valid value of the atomic type 'xs:boolean'.", NULL, NULL, 1,
		  "<x y>: expected true or false (or 1 or 0), got an empty value" },
		/* a type it has no words for, a local type: kept */
		{ "Element 'x', attribute 'y': 'z' is not a valid value of the atomic type 'xs:date'.", NULL, NULL, -1,
		  NULL },
		{ "Element 'x', attribute 'y': 'z' is not a valid value of the local atomic type.", NULL, NULL, -1, NULL },
		/* a list's message follows its item's: dropped */
		{ "Element 'row', attribute 'hops': 'x 0' is not a valid value of the list type 'intList'.", NULL, NULL,
		  0, NULL },
		{ "Element 'demand', attribute 'dist': [facet 'enumeration'] The value 'expo' is not an element of the "
		  "set {'exponential', 'deterministic', 'given'}.",
		  NULL, NULL, 1, "<demand dist>: expected one of exponential, deterministic or given, got 'expo'" },
		{ "Element 'sweep', attribute 'mode': [facet 'enumeration'] The value 'b' is not an element of the set "
		  "{'run', 'capacity'}.",
		  NULL, NULL, 1, "<sweep mode>: expected one of run or capacity, got 'b'" },
		{ "Element 'w', attribute 'name': [facet 'pattern'] The value 'a b' is not accepted by the pattern "
		  "'[A-Za-z_][A-Za-z0-9_.\\-]*'.",
		  NULL, NULL, 1,
		  "<w name>: expected a name (a letter or _, then letters, digits, _, . or -), got 'a b'" },
		{ "Element 'w', attribute 'r': [facet 'pattern'] The value 'q' is not accepted by the pattern '[0-9]+'.",
		  NULL, NULL, 1, "<w r>: expected a value matching the pattern [0-9]+, got 'q'" },
		{ "Element 'run', attribute 'duration': [facet 'minLength'] The value '' has a length of '0'; this "
		  "underruns the allowed minimum length of '1'.",
		  NULL, NULL, 1, "<run duration>: expected a value, got an empty one" },
		{ "Element 'run', attribute 'duraton': The attribute 'duraton' is not allowed.", "duration, warmup", NULL,
		  1, "<run>: expected one of the attributes duration, warmup, got 'duraton'" },
		{ "Element 'run', attribute 'duraton': The attribute 'duraton' is not allowed.", NULL, NULL, 1,
		  "<run>: expected no attribute duraton, got one" },
		{ "Element 'run': The attribute 'duration' is required but missing.", NULL, NULL, 1,
		  "<run>: expected the attribute duration (it is required), got none" },
		{ "Element 'machine': This element is not expected. Expected is ( run ).", NULL, NULL, 1,
		  "<machine>: expected <run> here, got <machine>" },
		{ "Element 'vcpu': This element is not expected. Expected is one of ( workload, vm ).", NULL, NULL, 1,
		  "<vcpu>: expected <workload> or <vm> here, got <vcpu>" },
		{ "Element 'x': This element is not expected.", NULL, NULL, 1, "<x>: expected no element here, got <x>" },
		{ "Element 'w': Missing child element(s). Expected is one of ( a, b, c ).", NULL, NULL, 1,
		  "<w>: expected <a>, <b> or <c> inside it, got none" },
		{ "Element 'w': Character content other than whitespace is not allowed because the content type is "
		  "'element-only'.",
		  NULL, NULL, 1, "<w>: expected only elements inside it, got text" },
		{ "Element 'g': Element content is not allowed, because the content type is empty.", NULL, NULL, 1,
		  "<g>: expected nothing inside it (its settings are attributes), got an element" },
		{ "Element 'g': Character content is not allowed, because the content type is empty.", NULL, NULL, 1,
		  "<g>: expected nothing inside it (its settings are attributes), got text" },
		{ "Element 'vm': Duplicate key-sequence ['web'] in unique identity-constraint 'vmName'.", NULL, "name",
		  1, "<vm name>: expected a value no other <vm> has, got 'web' again" },
		{ "Element 'vm': Duplicate key-sequence ['web'] in unique identity-constraint 'vmName'.", NULL, NULL, 1,
		  "<vm>: expected a key no other <vm> has, got 'web' again" },
		/* not a schema message, or a form it does not know: kept */
		{ "Opening and ending tag mismatch: run line 3 and machine", NULL, NULL, -1, NULL },
		{ "Element 'x': The content is not valid. Expected is (a).", NULL, NULL, -1, NULL },
		{ "Element 'x', attribute 'y' is odd", NULL, NULL, -1, NULL },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char out[900] = "untouched";
		struct xsdmsg_ctx cx = { c[i].attrs, c[i].field };
		int rc = xsdmsg_restyle(c[i].in, &cx, out, sizeof out);
		if (rc != c[i].rc || (c[i].out && strcmp(out, c[i].out) != 0))
			printf("\n    %s\n    -> %d '%s'", c[i].in, rc, out);
		CU_ASSERT_EQUAL(rc, c[i].rc);
		if (c[i].out)
			CU_ASSERT_STRING_EQUAL(out, c[i].out);
		if (rc < 0)
			CU_ASSERT_STRING_EQUAL(out, "untouched");
	}
	char name[64];
	CU_ASSERT_TRUE(xsdmsg_constraint("Element 'vm': Duplicate key-sequence ['w'] in unique identity-constraint "
					 "'vmName'.",
					 name, sizeof name));
	CU_ASSERT_STRING_EQUAL(name, "vmName");
	CU_ASSERT_FALSE(xsdmsg_constraint("Element 'vm': Missing child element(s).", name, sizeof name));
	/* a short buffer: cut, still a string */
	char small[12];
	CU_ASSERT_EQUAL(xsdmsg_restyle(c[0].in, NULL, small, sizeof small), 1);
	CU_ASSERT_EQUAL(strlen(small), sizeof small - 1);
}

static void test_bad_corpus(void)
{
	DIR *d = opendir("tests/data/bad");
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	struct dirent *de;
	int files = 0;
	while ((de = readdir(d))) {
		if (!ends_with(de->d_name, ".xml"))
			continue;
		char path[512], expect[512], cmd[1200];
		snprintf(path, sizeof path, "tests/data/bad/%s", de->d_name);
		snprintf(expect, sizeof expect, "%.*s.expect", (int)strlen(path) - 4, path);
		char *want = cut_slurp(expect, NULL);
		if (!want) {
			printf("\n    %s has no .expect file", path);
			CU_FAIL("bad file without its expected messages");
			continue;
		}
		snprintf(cmd, sizeof cmd, "(%s validate %s 2>&1 >/dev/null)", cut_hvsim(), path);
		char *got = NULL;
		int rc = cut_run(cmd, &got);
		strip_count(got);
		if (rc != 2 || strcmp(got, want) != 0)
			printf("\n    %s: exit %d\n    got:\n%s    expected:\n%s", path, rc, got, want);
		CU_ASSERT_EQUAL(rc, 2);
		CU_ASSERT_STRING_EQUAL(got, want);
		/* every message names the file and a line */
		CU_ASSERT_PTR_NOT_NULL(strstr(got, ".xml:") ? got : strstr(got, ".inc:"));
		free(got);
		free(want);
		files++;
	}
	closedir(d);
	CU_ASSERT_TRUE(files >= 25);
}

static int load(const char *path, const char *const *sets, struct scenario *s, char **errs)
{
	struct scn_override ov[CUT_MAX_SETS];
	char keys[CUT_MAX_SETS][128];
	int n = cut_sets(sets, ov, keys);
	struct diag d = { 0 };
	int rc = scn_load(s, path, ov, n, 1, &d);
	size_t len = 1;
	for (int i = 0; i < d.n; i++)
		len += strlen(d.msg[i]) + 1;
	*errs = calloc(len, 1);
	for (int i = 0; i < d.n; i++) {
		strcat(*errs, d.msg[i]);
		strcat(*errs, "\n");
	}
	diag_free(&d);
	return rc;
}

static void test_good_values(void)
{
	struct scenario s;
	char *errs;
	int rc = load("tests/data/good/closed.xml", NULL, &s, &errs);
	if (rc)
		printf("\n%s", errs);
	free(errs);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(s.name, "closed");
	CU_ASSERT_EQUAL(s.seed, 7);
	CU_ASSERT_EQUAL(s.duration, 2000 * INT64_C(1000000000));
	CU_ASSERT_EQUAL(s.warmup, 100 * INT64_C(1000000000));
	CU_ASSERT_EQUAL(s.batches, 20);
	CU_ASSERT_STRING_EQUAL(s.machine.name, "toy2");
	CU_ASSERT_DOUBLE_EQUAL(s.machine.freq, 1e9, 1e-3);
	CU_ASSERT_EQUAL(s.machine.nnodes, 2);
	CU_ASSERT_EQUAL(scn_ncpus(&s.machine), 4);
	CU_ASSERT_EQUAL(s.machine.hops[1], 1);
	CU_ASSERT_DOUBLE_EQUAL(s.machine.read[1], 1.2, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.machine.write[2], 1.2, 1e-12);  /* defaults to read */
	CU_ASSERT_DOUBLE_EQUAL(s.machine.node[1].memory, 2.0 * 1024 * 1024 * 1024, 1e-3);
	CU_ASSERT_STRING_EQUAL(s.hv.name, "native-rr");
	CU_ASSERT_STRING_EQUAL(s.hv.policy.name, "rr");
	CU_ASSERT_EQUAL_FATAL(s.hv.policy.nparam, 1);
	CU_ASSERT_STRING_EQUAL(s.hv.policy.param[0].value, "10ms");
	/* a value spliced from a profile keeps the profile's file and line */
	CU_ASSERT_PTR_NOT_NULL(strstr(s.hv.policy.loc.file, "native-rr.xml"));
	CU_ASSERT_EQUAL(s.hv.policy.loc.line, 5);
	CU_ASSERT_EQUAL_FATAL(s.nworkloads, 1);
	CU_ASSERT_EQUAL(s.workload[0].closed, 1);
	CU_ASSERT_EQUAL(s.workload[0].users, 6);
	CU_ASSERT_DOUBLE_EQUAL(s.workload[0].think.mean, 2e9, 1e-3);
	CU_ASSERT_DOUBLE_EQUAL(s.workload[0].demand.mean, 0.5e9, 1e-3);  /* 0.5 s at 1 GHz */
	scn_free(&s);
}

/* pin= is a set: a pCPU named twice is kept once (a list repeating
** "0-255" made one entry per mention: hundreds of MB from a 1 MB file) */
static void test_pin_set(void)
{
	static const char *const sets[] = { "vm[hog].pin=1,0-1,1,0,1-1", NULL };
	struct scenario s;
	char *errs;
	int rc = load("tests/data/good/cfs-hogs.xml", sets, &s, &errs);
	if (rc)
		printf("\n%s", errs);
	free(errs);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL_FATAL(s.vm[0].npin, 2);
	CU_ASSERT_EQUAL(s.vm[0].pin[0], 1);
	CU_ASSERT_EQUAL(s.vm[0].pin[1], 0);
	scn_free(&s);
}

/* pin= is digits, '-' and ',' only: "0-3,", "0- 3", "0-3, 1" and "+1"
** were taken (strtol skips spaces and a sign) while "0-3 ,4" and ",0"
** were refused. */
static void test_pin_strict(void)
{
	static const char *const bad[] = { "0-3,", "0- 3", "0-3, 1", "+1", "0,+1", "0-+3", NULL };
	for (int i = 0; bad[i]; i++) {
		char set[64];
		snprintf(set, sizeof set, "vm[hog].pin=%s", bad[i]);
		const char *const sets[] = { set, NULL };
		struct scenario s;
		char *errs;
		int rc = load("tests/data/good/cfs-hogs.xml", sets, &s, &errs);
		CU_ASSERT_NOT_EQUAL(rc, 0);
		if (rc == 0) {
			printf("\n    taken: %s", set);
			scn_free(&s);
		}
		CU_ASSERT_PTR_NOT_NULL(errs && strstr(errs, "<vm pin>: expected a pCPU list such as 0-3,6"));
		free(errs);
	}
	static const char *const good[] = { "0-1,1", "1", NULL };
	for (int i = 0; good[i]; i++) {
		char set[64];
		snprintf(set, sizeof set, "vm[hog].pin=%s", good[i]);
		const char *const sets[] = { set, NULL };
		struct scenario s;
		char *errs;
		int rc = load("tests/data/good/cfs-hogs.xml", sets, &s, &errs);
		if (rc)
			printf("\n%s", errs);
		free(errs);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc == 0)
			scn_free(&s);
	}
}

static void test_opteron_profile(void)
{
	struct scenario s;
	char *errs;
	int rc = load("models/profiles/machines/opteron-8212-4s.xml", NULL, &s, &errs);
	if (rc)
		printf("\n%s", errs);
	free(errs);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	struct machine m;
	CU_ASSERT_EQUAL_FATAL(machine_build(&m, &s.machine), 0);
	CU_ASSERT_EQUAL(m.nnodes, 4);
	CU_ASSERT_EQUAL(m.ncpus, 8);
	CU_ASSERT_EQUAL(m.cpu[5].node, 2);
	CU_ASSERT_EQUAL(m.cpu[5].core, 1);
	CU_ASSERT_DOUBLE_EQUAL(m.rate, 2.0, 1e-12);
	/* the square: N0-N1, N0-N2, N1-N3, N2-N3 one hop; diagonals two */
	static const int hops[4][4] = { { 0, 1, 1, 2 }, { 1, 0, 2, 1 }, { 1, 2, 0, 1 }, { 2, 1, 1, 0 } };
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++)
			CU_ASSERT_EQUAL(machine_hops(&m, a, b), hops[a][b]);
	CU_ASSERT_DOUBLE_EQUAL(machine_read(&m, 0, 3), 1.30, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(machine_write(&m, 1, 2), 1.49, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(machine_memory(&m), 16.0 * 1024 * 1024 * 1024, 1);
	CU_ASSERT_EQUAL(s.machine.nnics, 2);
	CU_ASSERT_DOUBLE_EQUAL(s.machine.nic[0].rate, 125e6, 1e-3);
	CU_ASSERT_EQUAL(s.machine.ndisks, 1);
	CU_ASSERT_EQUAL(s.machine.cache[1].level, 2);
	CU_ASSERT_DOUBLE_EQUAL(s.machine.cache[1].size, 1024.0 * 1024, 1e-9);
	machine_free(&m);
	scn_free(&s);
}

/* The shipped hypervisor profiles: kind, policy, the measured exit cost,
** and each one runs the consolidation example. */
static void test_hypervisor_profiles(void)
{
	static const struct {
		const char *file, *kind, *policy;
		int dom0;
	} prof[] = {
		{ "xen-3.3.0", "xen", "credit", 8 },
		{ "kvm-75", "kvm", "o1", 0 },
		{ "vbox-2.0.6", "vbox", "o1", 0 },
		{ "native", "native", "o1", 0 },
	};
	for (size_t i = 0; i < sizeof prof / sizeof prof[0]; i++) {
		char path[256], set[256];
		snprintf(path, sizeof path, "models/profiles/hypervisors/%s.xml", prof[i].file);
		struct scenario s;
		char *errs;
		int rc = load(path, NULL, &s, &errs);
		if (rc)
			printf("\n%s", errs);
		free(errs);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		CU_ASSERT_STRING_EQUAL(s.hv.kind, prof[i].kind);
		CU_ASSERT_STRING_EQUAL(s.hv.policy.name, prof[i].policy);
		CU_ASSERT_EQUAL(s.hv.dom0.vcpus, prof[i].dom0);
		if (strcmp(prof[i].kind, "native") != 0)
			CU_ASSERT_DOUBLE_EQUAL(s.hv.costs.world_switch, 3300, 1e-9);
		scn_free(&s);
		snprintf(set, sizeof set, "hypervisor.profile=../../models/profiles/hypervisors/%s.xml", prof[i].file);
		const char *const sets[] = { set, "vm.vcpus=1", "run.duration=5s", "run.warmup=1s", NULL };
		struct world w = { 0 };
		CU_ASSERT_EQUAL(cut_sim("experiments/examples/consolidation.xml", sets, &s, &w), 0);
		if (w.scn) {
			CU_ASSERT_TRUE(w.events > 1000);
			world_free(&w);
			scn_free(&s);
		}
	}
}

static void test_overrides(void)
{
	struct scenario s;
	char *errs;
	const char *const sets[] = {
		"machine.frequency=2GHz",            /* inside the machine profile */
		"machine.node[1].memory=8GiB",       /* by index */
		"workload[users].closed.users=9",    /* by name */
		"run.seed=99",
		"hypervisor.policy.quantum=1ms",     /* inside the hypervisor profile */
		"scenario.run.warmup=5s",            /* the root name is optional */
		NULL,
	};
	int rc = load("tests/data/good/closed.xml", sets, &s, &errs);
	if (rc)
		printf("\n%s", errs);
	free(errs);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_DOUBLE_EQUAL(s.machine.freq, 2e9, 1e-3);
	CU_ASSERT_DOUBLE_EQUAL(s.workload[0].demand.mean, 1e9, 1e-3);  /* 0.5 s at 2 GHz */
	CU_ASSERT_DOUBLE_EQUAL(s.machine.node[1].memory, 8.0 * 1024 * 1024 * 1024, 1e-3);
	CU_ASSERT_DOUBLE_EQUAL(s.machine.node[0].memory, 2.0 * 1024 * 1024 * 1024, 1e-3);
	CU_ASSERT_EQUAL(s.workload[0].users, 9);
	CU_ASSERT_EQUAL(s.seed, 99);
	CU_ASSERT_STRING_EQUAL(s.hv.policy.param[0].value, "1ms");
	CU_ASSERT_EQUAL(s.warmup, 5 * INT64_C(1000000000));
	scn_free(&s);

	/* swapping a profile by --set */
	const char *const swap[] = { "machine.profile=../../../models/profiles/machines/opteron-8212-4s.xml", NULL };
	rc = load("tests/data/good/closed.xml", swap, &s, &errs);
	free(errs);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(scn_ncpus(&s.machine), 8);
	scn_free(&s);
}

struct bad_set {
	const char *set, *msg;
};

static void test_override_errors(void)
{
	static const struct bad_set cases[] = {
		{ "machine.node.memory=1GiB",
		  "--set: machine.node.memory: there are 2 <node> elements; expected node[0]..node[1] or node[ID]" },
		{ "nosuch.x=1", "--set: nosuch.x: <scenario> has no child nosuch; expected one of: run, machine, "
				"hypervisor, workload" },
		{ "machine.node[7].cores=1", "--set: machine.node[7].cores: <machine> has no child node[7]" },
		{ "run.bogus=1", "--set run.bogus=1: <run>: expected one of the attributes duration, warmup, seed, batches, "
				 "source, description, got 'bogus'" },
		/* a value's messages name the --set that gave it */
		{ "run.duration=fast", "--set run.duration=fast: <run duration>: expected a time" },
		{ "workload.closed.users=100000000",
		  "--set workload.closed.users=100000000: <closed users>: expected at most 10000000 users" },
		{ "hypervisor.policy.name=lottery", NULL /* policy names are checked by world_build */ },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct scenario s;
		char *errs;
		const char *const sets[] = { cases[i].set, NULL };
		int rc = load("tests/data/good/closed.xml", sets, &s, &errs);
		if (!cases[i].msg) {
			CU_ASSERT_EQUAL(rc, 0);
			if (rc == 0)
				scn_free(&s);
		} else {
			CU_ASSERT_EQUAL(rc, -1);
			if (!strstr(errs, cases[i].msg))
				printf("\n    --set %s\n    got: %s    want: %s", cases[i].set, errs, cases[i].msg);
			CU_ASSERT_PTR_NOT_NULL(strstr(errs, cases[i].msg));
		}
		free(errs);
	}
}

static void test_validate_cli(void)
{
	char cmd[512], *out;
	snprintf(cmd, sizeof cmd, "%s validate tests/data/good/closed.xml", cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "tests/data/good/closed.xml: valid"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "policy rr"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "quantum = 10ms"));
	free(out);
	snprintf(cmd, sizeof cmd, "%s validate models/profiles/machines/opteron-8212-4s.xml", cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "4 nodes, 8 pCPUs at 2 GHz, 16 GiB"));
	free(out);
	snprintf(cmd, sizeof cmd, "%s validate tests/data/good/closed.xml --set hypervisor.policy.name=lottery",
		 cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--set hypervisor.policy.name=lottery: <policy name>: unknown policy "
					   "'lottery'; expected one of: fcfs, rr"));
	free(out);
	snprintf(cmd, sizeof cmd, "%s validate tests/data/good/closed.xml --set novalue", cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--set novalue: expected KEY=VALUE"));
	free(out);
}

/* Input files: a document beyond the size cap is refused before libxml2
** reads it; a FIFO named as a profile is refused without being opened. */
static void test_input_files(void)
{
	char *tmp = cut_tmpdir(), path[512], cmd[1200], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(path, sizeof path, "%s/big.xml", tmp);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("<?xml version=\"1.0\"?>\n<scenario name=\"x\">\n<!--", f);
	static char pad[1 << 16];
	memset(pad, ' ', sizeof pad);
	for (int i = 0; i < 17 * 16; i++)
		fwrite(pad, 1, sizeof pad, f);
	fputs("-->\n</scenario>\n", f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "%s validate %s", cut_hvsim(), path);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "big.xml: expected an XML file of at most 16 MiB, got 17.0 MiB"));
	free(out);
	snprintf(path, sizeof path, "%s/m.xml", tmp);
	CU_ASSERT_EQUAL_FATAL(mkfifo(path, 0600), 0);
	snprintf(cmd, sizeof cmd, "timeout 20 %s validate tests/data/good/closed.xml --set machine.profile=%s",
		 cut_hvsim(), path);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "m.xml: expected a regular file, got a FIFO"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--set machine.profile="));
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* libxml2's parser limits, each one message in hvsim's words at its line
** and nothing after it (the parser's recovery added up to three errors
** of its own; the depth's named XML_PARSE_HUGE, an option no user can
** set); exit 2. */
static void test_parser_limits(void)
{
	static const struct {
		const char *name, *head, *fill, *tail;
		long n;
		const char *want;
	} c[] = {
		{ "deep.xml", "<scenario name=\"x\">\n", "<a>", "", 300,
		  "deep.xml:2: expected elements nested at most 256 deep\n" },
		{ "name.xml", "<scenario name=\"x\">\n<", "a", "/>\n</scenario>\n", 50001,
		  "name.xml:2: expected a name of at most 50000 characters\n" },
		{ "attr.xml", "<scenario\nname=\"", "x", "\">\n</scenario>\n", 10000001,
		  "attr.xml:2: expected an attribute value of at most 10000000 characters\n" },
		{ "comment.xml", "<scenario name=\"x\">\n\n<!--", " ", "-->\n</scenario>\n", 10000001,
		  "comment.xml:3: expected a comment of at most 10000000 characters\n" },
	};
	char *tmp = cut_tmpdir(), path[512], cmd[1200], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", tmp, c[i].name);
		FILE *f = fopen(path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(c[i].head, f);
		for (long k = 0; k < c[i].n; k++)
			fputs(c[i].fill, f);
		fputs(c[i].tail, f);
		fclose(f);
		snprintf(cmd, sizeof cmd, "cd %s && %s%s validate %s", tmp, cut_hvsim()[0] == '/' ? "" : "$OLDPWD/",
			 cut_hvsim(), c[i].name);
		CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
		if (strcmp(out, c[i].want))
			printf("\n    %s: got %s", c[i].name, out);
		CU_ASSERT_STRING_EQUAL(out, c[i].want);
		free(out);
	}
	cut_rmrf(tmp);
	free(tmp);
}

/* Profiles by name: a shipped scenario copied to another folder still
** finds its profiles (the source tree, then $HVSIM_PATH); a profile next
** to the scenario comes first; a name found nowhere lists where it was
** looked for; hvsim profiles lists the shipped ones. */
static void test_profiles_by_name(void)
{
	char *tmp = cut_tmpdir(), cmd[2048], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(cmd, sizeof cmd, "cp experiments/default.xml %s/ && %s validate %s/default.xml", tmp, cut_hvsim(), tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "default.xml: valid"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "hypervisor xen-3.3.0 (xen)"));
	free(out);
	/* a copy next to the scenario wins: its name changed shows which */
	snprintf(cmd, sizeof cmd,
		 "sed 's/name=\"xen-3.3.0\"/name=\"local-xen\"/' calibration/profiles/xen-3.3.0-paper.xml "
		 "> %s/xen-3.3.0-paper.xml && %s validate %s/default.xml",
		 tmp, cut_hvsim(), tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "hypervisor local-xen (xen)"));
	free(out);
	/* also for a scenario named without a folder, from its own folder
	** (the folder is ".", not the root) */
	char here[1024];
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(here, sizeof here));
	snprintf(cmd, sizeof cmd, "cd %s && %s/%s validate default.xml", tmp, here, cut_hvsim());
	if (cut_hvsim()[0] == '/')
		snprintf(cmd, sizeof cmd, "cd %s && %s validate default.xml", tmp, cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "hypervisor local-xen (xen)"));
	free(out);
	snprintf(cmd, sizeof cmd, "HVSIM_PATH=%s/nowhere %s validate %s/default.xml --set hypervisor.profile=nosuch",
		 tmp, cut_hvsim(), tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<hypervisor profile>: expected a hypervisor profile named 'nosuch'; "
					   "looked for "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/nowhere/models/profiles/hypervisors/nosuch.xml"));
	free(out);
	/* $HVSIM_PATH: a data folder of one's own */
	snprintf(cmd, sizeof cmd,
		 "mkdir -p %s/data/models/profiles/machines && sed 's/name=\"opteron-8212-4s\"/name=\"mine\"/' "
		 "models/profiles/machines/opteron-8212-4s.xml > %s/data/models/profiles/machines/mybox.xml && "
		 "HVSIM_PATH=%s/data %s validate %s/default.xml --set machine.profile=mybox",
		 tmp, tmp, tmp, cut_hvsim(), tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "machine mine"));
	free(out);
	snprintf(cmd, sizeof cmd, "%s profiles", cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "opteron-8212-4s"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "source: paper sec. 5; Xen 3.3.0 sched_credit.c"));
	/* the calibrated profiles, by their calibration's name */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "xen-3.3.0-paper "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "calibration/profiles/kvm-75-paper.xml"));
	free(out);
	/* a data folder's own F/N.xml: found when it is a profile of the kind
	** and listed as found (it was found for either kind and not listed);
	** a FIFO among the profiles is neither (hvsim profiles blocked on it) */
	snprintf(cmd, sizeof cmd,
		 "sed 's/name=\"opteron-8212-4s\"/name=\"flat\"/' models/profiles/machines/opteron-8212-4s.xml > "
		 "%s/data/flatbox.xml && cp experiments/default.xml %s/data/notaprofile.xml && "
		 "mkfifo %s/data/models/profiles/machines/fifo.xml && "
		 "HVSIM_PATH=%s/data timeout 20 %s profiles",
		 tmp, tmp, tmp, tmp, cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "  flatbox            ") && strstr(out, "/data/flatbox.xml\n"));
	CU_ASSERT_PTR_NULL(out ? strstr(out, "notaprofile") : NULL);
	CU_ASSERT_PTR_NULL(out ? strstr(out, "fifo") : NULL);
	/* listed before the folder's models/profiles/, as the search goes */
	CU_ASSERT(out && strstr(out, "flatbox") && strstr(out, "mybox") && strstr(out, "flatbox") < strstr(out, "mybox"));
	free(out);
	snprintf(cmd, sizeof cmd, "HVSIM_PATH=%s/data %s validate %s/default.xml --set machine.profile=flatbox",
		 tmp, cut_hvsim(), tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "machine flat"));
	free(out);
	snprintf(cmd, sizeof cmd, "HVSIM_PATH=%s/data %s validate %s/default.xml --set hypervisor.profile=flatbox",
		 tmp, cut_hvsim(), tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "expected a hypervisor profile named 'flatbox'; looked for "));
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* Whitespace around a value the schema reads as a token or a number is
** not part of it (the schema drops it and accepts the file): the VM was
** named ' web ' (no vm[web] matched it), kind=" burst " was no kind,
** dither=" true " false. */
static void test_spaced_values(void)
{
	char *dir = cut_tmpdir(), path[4200];
	snprintf(path, sizeof path, "%s/spaced.xml", dir);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("<scenario name=\" spaced \">\n"
	      "  <run duration=\" 20s \" warmup=\"2s\" seed=\"3 \"/>\n"
	      "  <capacity dither=\" true \"/>\n"
	      "  <machine name=\" two-core \" frequency=\"1GHz\"><node id=\"0\" cores=\"2\" memory=\"4GiB\"/></machine>\n"
	      "  <hypervisor name=\"bare\" kind=\" native \"><policy name=\" rr \" quantum=\" 10ms \"/></hypervisor>\n"
	      "  <vm name=\" web \" vcpus=\"1\" memory=\"1GiB\">\n"
	      "    <workload name=\" users \" kind=\" burst \">\n"
	      "      <closed users=\"1\"><think dist=\" exponential \" mean=\"0.5s\"/></closed>\n"
	      "      <demand dist=\"exponential\" mean=\"100ms\"/>\n"
	      "    </workload>\n"
	      "  </vm>\n"
	      "</scenario>\n", f);
	fclose(f);
	static const char *const sets[] = { "vm[web].vcpus=2", "vm[web].workload[users].closed.users= 3", NULL };
	struct scenario s;
	char *errs;
	int rc = load(path, sets, &s, &errs);
	if (rc)
		printf("\n%s", errs);
	free(errs);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(s.name, "spaced");
	CU_ASSERT_STRING_EQUAL(s.machine.name, "two-core");
	CU_ASSERT_STRING_EQUAL(s.hv.kind, "native");
	CU_ASSERT_STRING_EQUAL(s.hv.policy.name, "rr");
	CU_ASSERT_EQUAL(s.seed, 3);
	CU_ASSERT_EQUAL(s.capacity.dither, 1);
	CU_ASSERT_EQUAL_FATAL(s.nvms, 1);
	CU_ASSERT_STRING_EQUAL(s.vm[0].name, "web");
	CU_ASSERT_EQUAL(s.vm[0].vcpus, 2);
	CU_ASSERT_EQUAL_FATAL(s.vm[0].nworkloads, 1);
	CU_ASSERT_STRING_EQUAL(s.vm[0].workload[0].name, "users");
	CU_ASSERT_EQUAL(s.vm[0].workload[0].kind, WL_BURST);
	CU_ASSERT_EQUAL(s.vm[0].workload[0].users, 3);
	CU_ASSERT_EQUAL(s.vm[0].workload[0].think.kind, DIST_EXPONENTIAL);
	scn_free(&s);
	cut_rmrf(dir);
	free(dir);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "every bad file gives its messages", test_bad_corpus },
		{ "schema messages in hvsim's words", test_xsd_messages },
		{ "good scenario values", test_good_values },
		{ "pin= is a set of pCPUs", test_pin_set },
		{ "pin= is digits, dashes and commas", test_pin_strict },
		{ "Opteron 8212 profile", test_opteron_profile },
		{ "hypervisor profiles", test_hypervisor_profiles },
		{ "--set overrides", test_overrides },
		{ "--set errors", test_override_errors },
		{ "input files: size cap, special files", test_input_files },
		{ "libxml2's parser limits in hvsim's words, alone", test_parser_limits },
		{ "validate command", test_validate_cli },
		{ "profiles by name and the search path", test_profiles_by_name },
		{ "values with whitespace around them", test_spaced_values },
		{ NULL, NULL },
	};
	cut_suite("scenario", t);
}
