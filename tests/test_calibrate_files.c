/*
** hvsim calibrate's input files: clear errors (file:line:, exit 2) for bad
** calibration files and bad --values files.
*/
#include "tests/calib_fixture.h"

/* cal_read_values: a line of any length is one row with its own number
** (a 5000-character source note read 4096 bytes at a time made line 3's
** rest "line 4", too short); a file cut inside a quoted field says so
** plainly; a parameter given twice names both lines. */
static void check_values_files(const char *dir, const char *calib)
{
	static const char head[] = "stage,name,hypervisor,benchmark,key,unit,min,max,start,value,elasticity,j_minus10,"
				   "j_plus10,identified,source\n"
				   "both,cpu,kvm-75,,hypervisor.costs.cpu-factor,,0.3,2,1,0.8,,,,1,\"note\"\n";
	static const char emu[] = "both,emu,kvm-75,,hypervisor.io.emu-packet,kcycles,1,200,10,40,,,,1,";
	struct cal_config c;
	struct diag d = { 0 };
	CU_ASSERT_EQUAL_FATAL(cal_load(&c, calib, &d), 0);
	diag_free(&d);
	char vf[600], err[1200];
	snprintf(vf, sizeof vf, "%s/v.csv", dir);
	double x[8];
	/* a long source note on line 3 */
	size_t nn = 5000;
	char *note = malloc(nn + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(note);
	memset(note, 'n', nn);
	note[nn] = 0;
	FILE *f = fopen(vf, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "%s%s\"%s\"\n", head, emu, note);
	fclose(f);
	int rc = cal_read_values(&c, vf, x, err, sizeof err);
	if (rc)
		fprintf(stderr, "\n  %s", err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_DOUBLE_EQUAL(x[0], 0.8, 0);
	CU_ASSERT_DOUBLE_EQUAL(x[1], 40, 0);
	/* ... and a bad value after it is on line 3, not 4 */
	f = fopen(vf, "w");
	fprintf(f, "%sboth,emu,kvm-75,,hypervisor.io.emu-packet,kcycles,1,200,10,900,,,,1,\"%s\"\n", head, note);
	fclose(f);
	CU_ASSERT_EQUAL(cal_read_values(&c, vf, x, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "v.csv:3: value: expected a number from 1 to 200, got '900'"));
	free(note);
	/* a value in hex (strtod took it: 0x28 was 40) */
	f = fopen(vf, "w");
	fprintf(f, "%sboth,emu,kvm-75,,hypervisor.io.emu-packet,kcycles,1,200,10,0x28,,,,1,\n", head);
	fclose(f);
	CU_ASSERT_EQUAL(cal_read_values(&c, vf, x, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "v.csv:3: value: expected a number from 1 to 200, got '0x28'"));
	/* cut inside the quoted source */
	f = fopen(vf, "w");
	fprintf(f, "%s%s\"a note cut sh", head, emu);
	fclose(f);
	CU_ASSERT_EQUAL(cal_read_values(&c, vf, x, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "v.csv:3: expected a closing quote, got '\"a note cut sh'"));
	CU_ASSERT_PTR_NULL(strstr(err, "columns"));
	/* a parameter twice */
	f = fopen(vf, "w");
	fprintf(f, "%s%s\n%s\n", head, emu, emu);
	fclose(f);
	CU_ASSERT_EQUAL(cal_read_values(&c, vf, x, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "v.csv:4: name: expected a parameter without a row yet, got 'emu' again "
					   "(its row is line 3)"));
	/* too few columns: how many */
	f = fopen(vf, "w");
	fprintf(f, "%sboth,emu,kvm-75\n", head);
	fclose(f);
	CU_ASSERT_EQUAL(cal_read_values(&c, vf, x, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "v.csv:3: expected at least 10 columns (stage,name,...,value), got 3"));
	cal_free(&c);
}

/* The error of each bad calibration file, exactly. */
static void test_bad_files(void)
{
	char *dir = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	double v[NROWS] = { 10, 10, 100, 100, 100, 10 };
	write_points(dir, v);
	static const struct {
		const char *extra, *want;
	} k[] = {
		{ "  <stage name=\"x\" benchmarks=\"dd\"><param name=\"a\" key=\"run.duration\" min=\"1\" max=\"2\" start=\"1.5\"/></stage>\n",
		  "calib.xml:11: <stage x>: expected some fit rows in " },
		{ "  <bogus/>\n",
		  "calib.xml:11: <bogus>: expected <measured>, <benchmark>, <hypervisor>, <search>, <capacity>, <stage> or <also>" },
		{ "  <stage name=\"y\" benchmarks=\"bzip2\"><param name=\"b\" key=\"k\" min=\"3\" max=\"2\" start=\"2.5\"/></stage>\n",
		  "calib.xml:11: <param>: expected min < start < max, got min=3 start=2.5 max=2" },
		{ "  <stage name=\"z\" benchmarks=\"bzip2 gzip\"><param name=\"c\" hypervisor=\"xen\" key=\"k\" min=\"1\" max=\"3\" start=\"2\"/></stage>\n",
		  "calib.xml:11: <stage benchmarks>: expected names from specweb, bzip2, netperf, dd, host, got 'gzip'" },
		{ "  <stage name=\"z\" benchmarks=\"bzip2\"><param name=\"c\" hypervisor=\"xen\" key=\"k\" min=\"1\" max=\"3\" start=\"2\"/></stage>\n",
		  "calib.xml:11: <param hypervisor>: expected a <hypervisor name> given before it, got 'xen'" },
		{ "  <stage name=\"w\" benchmarks=\"bzip2\"><param name=\"cpu\" key=\"k\" min=\"1\" max=\"3\" start=\"2\"/></stage>\n",
		  "calib.xml:11: <param name>: 'cpu' is already used at line 8" },
		/* one key for overlapping points: two values would fight */
		{ "  <stage name=\"w\" benchmarks=\"bzip2\"><param name=\"cpu2\" key=\"hypervisor.costs.cpu-factor\" "
		  "min=\"0.5\" max=\"2\" start=\"1\"/></stage>\n",
		  "calib.xml:11: <param key>: expected a key no other parameter sets for the same points, got "
		  "'hypervisor.costs.cpu-factor' (also set at line 8)" },
		{ "  <search starts=\"0\"/>\n",
		  "calib.xml:11: <search starts>: expected a whole number from 1 to 100, got '0'" },
		/* numbers read as a scenario's are: strtod took hex, and a
		** count of 2.5 starts was cut to 2 */
		{ "  <search starts=\"2.5\"/>\n",
		  "calib.xml:11: <search starts>: expected a whole number from 1 to 100, got '2.5'" },
		{ "  <search tolerance=\"0x1p-4\"/>\n",
		  "calib.xml:11: <search tolerance>: expected a number from 1e-09 to 10, got '0x1p-4'" },
		{ "  <stage name=\"h\" benchmarks=\"bzip2\"><param name=\"h\" key=\"k\" min=\"1\" max=\"0x10\" start=\"2\"/></stage>\n",
		  "calib.xml:11: <param max>: expected a number from -1e+300 to 1e+300, got '0x10'" },
		{ "  <capacity resolution=\"60%\"/>\n",
		  "calib.xml:11: <capacity resolution>: expected users per VM (10) or a share of the bracket above 0% "
		  "and at most 50% (2%), got '60%'" },
		{ "  <capacity resolution=\"2 %\"/>\n",
		  "calib.xml:11: <capacity resolution>: expected users per VM (10) or a share of the bracket above 0% "
		  "and at most 50% (2%), got '2 %'" },
		{ "  <capacity resolution=\"0\"/>\n",
		  "calib.xml:11: <capacity resolution>: expected a number from 1 to 1e+06, got '0'" },
		/* an unnamed <param> before a named one (strcmp of NULL, found
		** by fuzz_calib; tests/data/fuzz/calib/) */
		{ "  <stage name=\"v\" benchmarks=\"bzip2\"><param key=\"k\" min=\"1\" max=\"3\" start=\"2\"/>"
		  "<param name=\"n\" key=\"k\" min=\"1\" max=\"3\" start=\"2\"/></stage>\n",
		  "calib.xml:11: <param name>: expected a value, got none" },
		{ "  <also benchmark=\"dd\" hypervisor=\"kvm-75\" vcpus=\"1\" memory=\"1GiB\" vms=\"3-1\" metric=\"mbyte_s\"/>\n",
		  "calib.xml:11: <also vms>: expected counts or ranges FROM-TO of counts from 1 to 4096 (at most 64 in all), got '3-1'" },
		/* XML that is not well formed: the parser's first error, not
		** the last of its recovery ("Premature end of data", a line
		** below the file's end) */
		{ "  <stage>\n",
		  "calib.xml:12: expected well-formed XML: Opening and ending tag mismatch: stage line 11 and calibration" },
	};
	char path[512];
	snprintf(path, sizeof path, "%s/calib.xml", dir);
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		write_calib(dir, k[i].extra);
		struct cal_config c;
		struct diag d = { 0 };
		CU_ASSERT_EQUAL(cal_load(&c, path, &d), -1);
		int found = 0;
		for (int m = 0; m < d.n; m++)
			found |= strstr(d.msg[m], k[i].want) != NULL;
		if (!found) {
			fprintf(stderr, "\nwanted: %s\n", k[i].want);
			diag_print(&d, stderr);
		}
		CU_ASSERT(found);
		diag_free(&d);
	}
	/* a parser limit in hvsim's words, alone (it was libxml2's "Excessive
	** depth in document: 256 use XML_PARSE_HUGE option", an option no
	** user can set) */
	{
		char deep[2048] = "<calibration name=\"toy\">\n";
		for (int i = 0; i < 300; i++)
			strcat(deep, "<a>");
		put(path, deep);
		struct cal_config c;
		struct diag d = { 0 };
		CU_ASSERT_EQUAL(cal_load(&c, path, &d), -1);
		CU_ASSERT(d.n == 1 && strstr(d.msg[0], "calib.xml:2: expected elements nested at most 256 deep"));
		if (d.n != 1)
			diag_print(&d, stderr);
		diag_free(&d);
	}
	/* a resolution as a share is read as one (calib_sim.c passes it on as "N%") */
	write_calib(dir, "  <capacity resolution=\"2.5%\"/>\n");
	{
		struct cal_config c;
		struct diag d = { 0 };
		int rc = cal_load(&c, path, &d);
		diag_print(&d, stderr);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		CU_ASSERT_DOUBLE_EQUAL(c.resolution_share, 0.025, 1e-12);
		cal_free(&c);
		diag_free(&d);
	}
	/* a row naming a hypervisor the file does not configure */
	char pp[512];
	snprintf(pp, sizeof pp, "%s/points.csv", dir);
	put(pp, "# hvsim measured points v1\n" MEAS_HEADER "\n"
		"a,fit,bzip2,xen-3.3.0,1,1,1.5GiB,seconds,value,100,,,,,test,\n");
	write_calib(dir, "");
	struct cal_config c;
	struct diag d = { 0 };
	CU_ASSERT_EQUAL(cal_load(&c, path, &d), -1);
	CU_ASSERT(d.n >= 1 && strstr(d.msg[0], "points.csv:3: row 'a' names hypervisor 'xen-3.3.0', which ") &&
		  strstr(d.msg[0], "does not configure: expected a <hypervisor name=\"xen-3.3.0\" profile=...>"));
	diag_free(&d);
	/* a calibrated profile's out= beside calibrate's own outputs, or twice */
	char *kvm = cwd_path("models/profiles/hypervisors/kvm-75.xml"), extra[2048];
	static const char *const outs[][2] = {
		{ "fit.csv", "<hypervisor out>: expected a file name other than calibrate's outputs (fit.csv, "
			     "points.csv, quantities.csv, report.txt), got 'fit.csv'" },
		{ "kvm-75.xml", "<hypervisor out>: expected a file name of its own, got 'kvm-75.xml' (also the out= "
				"of line 5)" },
	};
	for (int i = 0; i < 2; i++) {
		snprintf(extra, sizeof extra, "  <hypervisor name=\"other\" profile=\"%s\" out=\"%s\"/>\n", kvm,
			 outs[i][0]);
		write_calib(dir, extra);
		CU_ASSERT_EQUAL(cal_load(&c, path, &d), -1);
		int found = 0;
		for (int m = 0; m < d.n; m++)
			found |= strstr(d.msg[m], outs[i][1]) != NULL;
		if (!found)
			diag_print(&d, stderr);
		CU_ASSERT(found);
		diag_free(&d);
	}
	free(kvm);
	write_calib(dir, "");
	/* a bad --values file: exit status 2, file and line */
	write_points(dir, v);
	char vf[600], cmd[1400], *out = NULL;
	snprintf(vf, sizeof vf, "%s/fit.csv", dir);
	put(vf, "stage,name,hypervisor,benchmark,key,unit,min,max,start,value\n"
		"both,cpu,kvm-75,,hypervisor.costs.cpu-factor,,0.3,2,1,0.8\n"
		"both,emu,kvm-75,,hypervisor.io.emu-packet,kcycles,1,200,10,900\n");
	snprintf(cmd, sizeof cmd, "%s calibrate %s --values %s -o %s/o", cut_hvsim(), path, vf, dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "fit.csv:3: value: expected a number from 1 to 200, got '900'"));
	free(out);
	check_values_files(dir, path);
	cut_rmrf(dir);
	free(dir);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "bad calibration files: file, line, expected", test_bad_files },
		{ NULL, NULL },
	};
	cut_suite("calibrate files", t);
}
