/*
** models/profiles/machine-from-sysfs: run it on the fake sysfs trees of
** tests/data/sysfs/ (the paper's 4-node Opteron; a flat machine with no
** node directories; a sparse, odd one with CPU-less and memoryless nodes,
** SMT-shared caches, too many caches and unusable devices) and on this
** machine; every profile it writes must pass `hvsim validate`, and the
** fake trees must give exactly the profiles in tests/data/sysfs/TREE.expect.xml.
*/
#include "tests/cutest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCRIPT "models/profiles/machine-from-sysfs"
#define TREES "tests/data/sysfs"

static char *tmp;	/* the running test's temporary directory */

static void begin(void)
{
	tmp = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
}

static void end(void)
{
	cut_rmrf(tmp);
	free(tmp);
	tmp = NULL;
}

/* Run the script (via sh, so the file mode does not matter) with args;
** return its exit status and leave its output (stdout+stderr) in *out. */
static int script(const char *args, char **out)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "sh %s %s", SCRIPT, args);
	return cut_run(cmd, out);
}

/* Write the profile of a fake tree into tmp/<tree>.xml, validate it and
** return the XML (malloc'd) and the validate output in *desc. */
static char *profile_of(const char *tree, char **desc)
{
	char args[1024], xml[256], cmd[2048];
	char *out = NULL;
	snprintf(xml, sizeof xml, "%s/%s.xml", tmp, tree);
	snprintf(args, sizeof args, "--root %s/%s -o %s", TREES, tree, xml);
	int rc = script(args, &out);
	if (rc != 0)
		printf("\n    machine-from-sysfs %s: exit %d\n%s", args, rc, out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out, "");	/* -o: nothing on stdout or stderr */
	free(out);
	snprintf(cmd, sizeof cmd, "%s validate %s", cut_hvsim(), xml);
	rc = cut_run(cmd, desc);
	if (rc != 0)
		printf("\n    %s: exit %d\n%s", cmd, rc, *desc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(*desc, ": valid"));
	return cut_slurp(xml, NULL);
}

/* The profile must be exactly the expected file (the script's output
** carries no date with --root). */
static void same_as_expected(const char *tree, const char *xml)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s.expect.xml", TREES, tree);
	char *want = cut_slurp(path, NULL);
	if (!want) {
		printf("\n    no %s", path);
		CU_FAIL("expected profile missing");
		return;
	}
	if (strcmp(xml, want) != 0) {
		char cmd[1024], *diff = NULL;
		snprintf(cmd, sizeof cmd, "diff -u %s %s/%s.xml", path, tmp, tree);
		cut_run(cmd, &diff);
		printf("\n    %s differs from the script's output:\n%s", path, diff);
		free(diff);
	}
	CU_ASSERT_STRING_EQUAL(xml, want);
	free(want);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_opteron(void)
{
	begin();
	char *desc = NULL;
	char *x = profile_of("opteron", &desc);
	if (!x) {
		free(desc);
		end();
		CU_FAIL_FATAL("no profile written");
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(desc, "machine paper-sut: 4 nodes, 8 pCPUs at 2 GHz, 16 GiB"));
	CU_ASSERT_PTR_NOT_NULL(strstr(desc, "node 0:  0/1.000  1/1.600  1/1.600  2/2.200"));
	CU_ASSERT_PTR_NOT_NULL(strstr(desc, "L2 cache 1024 KiB per core, 64 B lines"));

	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<machine name=\"paper-sut\" frequency=\"2GHz\""));
	/* the K8 square: 0-1, 0-2, 1-3, 2-3 one hop; 0-3, 1-2 two hops */
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<row node=\"0\" hops=\"0 1 1 2\" read=\"1.000 1.600 1.600 2.200\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<row node=\"1\" hops=\"1 0 2 1\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<row node=\"2\" hops=\"1 2 0 1\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<row node=\"3\" hops=\"2 1 1 0\""));
	for (int n = 0; n < 4; n++) {
		char want[96];
		snprintf(want, sizeof want, "<node id=\"%d\" cores=\"2\" memory=\"4GiB\"", n);
		CU_ASSERT_PTR_NOT_NULL(strstr(x, want));
	}
	/* L1 data and L2, not the L1 instruction cache */
	CU_ASSERT_EQUAL(count(x, "<cache "), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<cache level=\"1\" size=\"64KiB\" line=\"64B\" shared=\"core\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<cache level=\"2\" size=\"1MiB\" line=\"64B\" shared=\"core\""));
	/* eth0 only (lo has no device link); sda only (loop0 is skipped) */
	CU_ASSERT_EQUAL(count(x, "<nic "), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<nic name=\"eth0\" rate=\"1Gbit/s\""));
	CU_ASSERT_PTR_NULL(strstr(x, "\"lo\""));
	CU_ASSERT_EQUAL(count(x, "<disk "), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<disk name=\"sda\" size=\"300GB\" seek=\"8ms\" rpm=\"7200\" transfer=\"150MB/s\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "[open] defaults, not measured"));
	CU_ASSERT_PTR_NULL(strstr(x, "loop0"));
	/* no date with --root */
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "source=\"written by machine-from-sysfs from tests/data/sysfs/opteron/sys\""));
	CU_ASSERT_PTR_NULL(strstr(x, " on 2"));
	same_as_expected("opteron", x);
	free(x);
	free(desc);
	end();
}

static void test_flat(void)
{
	begin();
	char *desc = NULL;
	char *x = profile_of("flat", &desc);
	if (!x) {
		free(desc);
		end();
		CU_FAIL_FATAL("no profile written");
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(desc, "machine machine: 1 nodes, 4 pCPUs at 2.1 GHz, 8 GiB"));
	CU_ASSERT_EQUAL(count(x, "<node "), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<node id=\"0\" cores=\"4\" memory=\"8GiB\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "frequency=\"2100MHz\""));
	CU_ASSERT_PTR_NULL(strstr(x, "<distances"));
	CU_ASSERT_PTR_NULL(strstr(x, "<cache "));
	/* every fallback says so */
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "node* directory: one node 0 with all 4 online CPUs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "no host name found"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "not the maximum (no cpufreq)"));
	same_as_expected("flat", x);
	free(x);
	free(desc);
	end();
}

static void test_sparse(void)
{
	begin();
	char *desc = NULL;
	char *x = profile_of("sparse", &desc);
	if (!x) {
		free(desc);
		end();
		CU_FAIL_FATAL("no profile written");
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(desc, "machine _123_host: 3 nodes, 18 pCPUs at 1 GHz"));
	/* sysfs nodes 0, 2, 3 (1 has no CPU) become 0, 1, 2 */
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "renumbered 0 to 2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "sysfs node1 has no CPU"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<node id=\"1\" cores=\"8\" memory=\"16GiB\" source=\"sysfs node2:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<node id=\"2\" cores=\"2\" memory=\"1MiB\""));
	/* asymmetric SLIT: hops made symmetric, reads kept as they are */
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<row node=\"0\" hops=\"0 1 2\" read=\"1.000 2.100 3.000\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<row node=\"1\" hops=\"1 0 2\" read=\"2.100 1.000 2.500\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<row node=\"2\" hops=\"2 2 0\" read=\"3.000 1.700 1.000\"/>"));
	/* at most 4 caches; SMT-shared L1/L2 stay per core, L3/L4 per node */
	CU_ASSERT_EQUAL(count(x, "<cache "), 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<cache level=\"1\" size=\"48KiB\" line=\"64B\" shared=\"core\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<cache level=\"3\" size=\"30MiB\" line=\"64B\" shared=\"node\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "at most 4 caches"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "frequency=\"1GHz\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "1GHz is a guess"));
	/* NICs: speed -1 and no speed are left out with a comment; br0 is virtual */
	CU_ASSERT_EQUAL(count(x, "<nic "), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<nic name=\"_10gbe\" rate=\"10Gbit/s\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "NIC eth0 left out"));
	CU_ASSERT_PTR_NULL(strstr(x, "br0"));
	/* disks: no dm-, ram, zram; sr0 (empty) with a comment only */
	CU_ASSERT_EQUAL(count(x, "<disk "), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<disk name=\"cciss_c0d0\" size=\"146.816GB\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<disk name=\"nvme0n1\" size=\"1000.205GB\" seek=\"0.1ms\" rpm=\"0\" transfer=\"500MB/s\""));
	CU_ASSERT_PTR_NULL(strstr(x, "<disk name=\"sr0\""));
	CU_ASSERT_PTR_NULL(strstr(x, "dm-0"));
	CU_ASSERT_PTR_NULL(strstr(x, "zram0"));
	CU_ASSERT_PTR_NULL(strstr(x, "ram0"));
	same_as_expected("sparse", x);
	free(x);
	free(desc);
	end();
}

/* Standard output, --name, and -o replacing a file without leftovers. */
static void test_stdout_name_atomic(void)
{
	char *out = NULL, args[1024], path[256];
	CU_ASSERT_EQUAL(script("--root " TREES "/opteron --name test_box.1", &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<?xml version=\"1.0\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<machine name=\"test_box.1\" frequency=\"2GHz\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "</machine>\n"));
	free(out);

	char *dir = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(path, sizeof path, "%s/m.xml", dir);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("old\n", f);
	fclose(f);
	snprintf(args, sizeof args, "--root %s/flat -o %s", TREES, path);
	CU_ASSERT_EQUAL(script(args, &out), 0);
	free(out);
	char *x = cut_slurp(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<node id=\"0\" cores=\"4\""));
	free(x);
	/* a failed run leaves the old file alone */
	snprintf(args, sizeof args, "--root %s/nonexistent -o %s", TREES, path);
	CU_ASSERT_EQUAL(script(args, &out), 2);
	free(out);
	x = cut_slurp(path, NULL);
	CU_ASSERT_PTR_NOT_NULL(x ? strstr(x, "<node id=\"0\" cores=\"4\"") : NULL);
	free(x);
	int files = 0;
	DIR *d = opendir(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	for (struct dirent *de; (de = readdir(d));)
		files += de->d_name[0] != '.';
	closedir(d);
	CU_ASSERT_EQUAL(files, 1);	/* no temporary file left */
	cut_rmrf(dir);
	free(dir);
}

static void test_errors(void)
{
	char *out = NULL, args[1024];
	/* a tree with no CPU anywhere: exit 2, a clear message, no output file */
	char *empty = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(empty);
	snprintf(args, sizeof args, "--root %s -o %s/none.xml", empty, empty);
	CU_ASSERT_EQUAL(script(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "machine-from-sysfs: no CPU found"));
	free(out);
	snprintf(args, sizeof args, "%s/none.xml", empty);
	CU_ASSERT_NOT_EQUAL(access(args, F_OK), 0);
	cut_rmrf(empty);
	free(empty);

	CU_ASSERT_EQUAL(script("--root " TREES "/flat --name 9lives", &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--name \"9lives\": expected a name like"));
	free(out);
	CU_ASSERT_EQUAL(script("--frobnicate", &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown argument \"--frobnicate\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: machine-from-sysfs"));
	free(out);
	CU_ASSERT_EQUAL(script("--help", &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: machine-from-sysfs [--root DIR] [--name NAME] [-o OUT.xml]"));
	free(out);
}

/* This machine (Linux, here and in CI): whatever /sys holds, the profile
** validates and says where and when it was written. */
static void test_this_machine(void)
{
	char args[1024], cmd[2048], xml[256];
	char *out = NULL;
	begin();
	snprintf(xml, sizeof xml, "%s/this.xml", tmp);
	snprintf(args, sizeof args, "-o %s", xml);
	int rc = script(args, &out);
	if (rc != 0)
		printf("\n    machine-from-sysfs %s: exit %d\n%s", args, rc, out);
	free(out);
	if (rc != 0) {
		end();
		CU_FAIL_FATAL("machine-from-sysfs failed on this machine");
	}
	snprintf(cmd, sizeof cmd, "%s validate %s", cut_hvsim(), xml);
	rc = cut_run(cmd, &out);
	if (rc != 0) {
		char *x = cut_slurp(xml, NULL);
		printf("\n    %s: exit %d\n%s\n    the profile:\n%s", cmd, rc, out, x ? x : "(none)");
		free(x);
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, " pCPUs at "));
	free(out);
	char *x = cut_slurp(xml, NULL);
	CU_ASSERT_PTR_NOT_NULL(x);
	if (x) {
		CU_ASSERT_PTR_NOT_NULL(strstr(x, "source=\"written by machine-from-sysfs on "));
		CU_ASSERT_PTR_NOT_NULL(strstr(x, " from /sys\">"));
	}
	free(x);
	end();
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "4-node Opteron tree", test_opteron },
		{ "flat tree: one node", test_flat },
		{ "sparse tree: odd nodes, caches, devices", test_sparse },
		{ "stdout, --name, atomic -o", test_stdout_name_atomic },
		{ "errors", test_errors },
		{ "this machine", test_this_machine },
		{ NULL, NULL },
	};
	cut_suite("machine-from-sysfs", t);
}
