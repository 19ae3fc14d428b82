/*
** The command line, every command (docs/commands.md): one exit-status
** rule (0 done, 1 a run failed, 2 bad usage or input), the options'
** messages, standard streams that are full or closed, and the bash
** completion.
*/
#include "tests/cutest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One exit-status rule for every command: 0 done, 1 a run failed, 2 bad
** usage or bad input (nothing run); special files are refused before
** they are opened (a FIFO would block: each command runs under timeout). */
static void test_exit_status(void)
{
	char *tmp = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	char fifo[512];
	snprintf(fifo, sizeof fifo, "%s/fifo.xml", tmp);
	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
	static const struct {
		const char *args;   /* %1$s: the temporary directory, %2$s: the FIFO */
		int rc;
		const char *text;
	} k[] = {
		{ "validate tests/data/bad/bad-unit.xml", 2, "bad-unit.xml:" },
		{ "validate %2$s", 2, "fifo.xml: expected a regular file, got a FIFO" },
		{ "validate /tmp", 2, "/tmp: expected a regular file, got a directory" },
		{ "run tests/data/good/closed.xml --set hypervisor.profile=/dev/zero -o %1$s/r", 2,
		  "/dev/zero: expected a regular file, got a character device" },
		{ "run tests/data/bad/bad-unit.xml -o %1$s/r", 2, "bad-unit.xml:" },
		{ "capacity tests/data/bad/bad-unit.xml -o %1$s/c", 2, "bad-unit.xml:" },
		{ "sweep tests/data/bad/bad-unit.xml -o %1$s/s", 2, "bad-unit.xml:" },
		{ "sweep tests/data/sweep/bad-value.xml -o %1$s/s -j 2", 1, "failed" },
		{ "calibrate %2$s", 2, "fifo.xml: expected a regular file, got a FIFO" },
		{ "calibrate calibration/paper.xml --values %2$s -o %1$s/k", 2, "expected a regular file, got a FIFO" },
		{ "calibrate calibration/paper.xml --values calibration/paper.fit.csv --set run.bogus=1 -o %1$s/k", 2,
		  "--set run.bogus=1: <run>: expected one of the attributes duration, warmup" },
		{ "calibrate calibration/paper.xml --values calibration/paper.fit.csv --set specweb:run.duration=5 "
		  "-o %1$s/k", 2, "<run duration>: expected a time with a unit" },
		{ "explain %1$s", 2, "expected the output directory of hvsim sweep" },
		{ "explain %1$s --threshold x", 2, "--threshold: expected a percentage" },
		{ "explain %1$s --threshold 0x10", 2, "--threshold: expected a percentage above 0 and below 1000, got '0x10'" },
		{ "import apache-log /tmp -o %1$s/x.csv", 2, "/tmp: expected a regular file, got a directory" },
		{ "import apache-log %2$s -o %1$s/x.csv", 2, "expected a regular file, got a FIFO" },
		{ "import apache-log tests/data/import/access_sample.log -o %1$s/no/x.csv", 2, "cannot create" },
		{ "import apache-log tests/data/import/access_sample.log -o %1$s/x.csv", 0, "55 requests" },
		{ "policies x", 2, "unexpected argument 'x'" },
		{ "run tests/data/good/closed.xml --dump-at 1s -q -o %1$s/dump", 0, "scheduler state at t=1.000000000 s" },
		{ "run tests/data/good/vm-hogs.xml -o %1$s/head", 0, "vm               done/s   response" },
		/* a thread model that is a FIFO: refused, not waited on */
		{ "validate experiments/validation/host/predict-hogs3.xml --set workload[h1].threads.file=%2$s", 2,
		  "fifo.xml: expected a regular file, got a FIFO" },
		/* good above the default tolerable share: the good one is named
		** (the message spoke of the tolerable share, which was not given) */
		{ "validate experiments/capacity/fig3-kvm-4vm.xml --set qos.good=100%%", 2,
		  "<qos good>: expected a good share at most the tolerable share (99%), got '100%'" },
		/* a timeline that could never be written: refused before the run */
		{ "run tests/data/good/vm-hogs.xml --timeline /tmp -o %1$s/tl", 2,
		  "--timeline /tmp: expected a regular file, got a directory" },
		/* rr's quantum goes down to 1 us (processor sharing), not to 1 ns */
		{ "validate tests/data/good/closed.xml --set hypervisor.policy.quantum=999ns", 2,
		  "<policy quantum>: expected a time of at least 1us, got '999ns'" },
		{ "validate tests/data/good/closed.xml --set hypervisor.policy.quantum=1us", 0, "policy rr" },
		/* the key ends at the first '=' outside a selector's brackets */
		{ "validate experiments/default.xml --set 'machine.node[id=0].cores=3'", 2,
		  "--set: machine.node[id=0].cores: expected KEY=VALUE with KEY like" },
		{ "validate experiments/default.xml --set 'machine.node[0].cores=3'", 0, "scenario default" },
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		char args[1024], cmd[2048], *out;
		snprintf(args, sizeof args, k[i].args, tmp, fifo);
		snprintf(cmd, sizeof cmd, "timeout 60 %s %s", cut_hvsim(), args);
		int rc = cut_run(cmd, &out);
		if (rc != k[i].rc || !strstr(out, k[i].text))
			printf("\n    hvsim %s -> %d\n%s", args, rc, out);
		CU_ASSERT_EQUAL(rc, k[i].rc);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, k[i].text));
		free(out);
	}
	cut_rmrf(tmp);
	free(tmp);
}

/* --force replaces a directory as a whole: not one holding a file the
** command reads (the scenario, --values, --grade), which went with it
** (exit 0, the input gone); now exit 2 before anything runs, the
** directory and the input as they were. */
static void test_force_keeps_inputs(void)
{
	char *tmp = cut_tmpdir(), cmd[4096], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(cmd, sizeof cmd,
		 "{ %1$s run tests/data/good/vm-hogs.xml -q -o %2$s/r && cp tests/data/good/vm-hogs.xml %2$s/r/in.xml && "
		 "cp calibration/paper.fit.csv %2$s/r/fit.csv && %1$s sweep tests/data/sweep/toy.xml -o %2$s/s "
		 "--set 'sweep.vary[0].key=vm[web].count' --set 'sweep.vary[0].values=1 2' && "
		 "cp tests/data/sweep/toy.xml %2$s/s/toy.xml && %1$s explain %2$s/s --no-render && "
		 "cp experiments/paper/shapes.csv %2$s/s/explain/shapes.csv; } > /dev/null 2>&1",
		 cut_hvsim(), tmp);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
	free(out);
	static const struct {
		const char *args, *text;   /* %1$s: the temporary directory */
	} k[] = {
		{ "run %1$s/r/in.xml -o %1$s/r --force", "r: expected a directory that does not hold %1$s/r/in.xml" },
		{ "capacity %1$s/r/in.xml -o %1$s/r --force", "r: expected a directory that does not hold %1$s/r/in.xml" },
		{ "sweep %1$s/s/toy.xml -o %1$s/s --force", "s: expected a directory that does not hold %1$s/s/toy.xml" },
		{ "calibrate calibration/paper.xml --values %1$s/r/fit.csv -o %1$s/r/../r --force",
		  "expected a directory that does not hold %1$s/r/fit.csv" },
		{ "explain %1$s/s --no-render --force --grade %1$s/s/explain/shapes.csv",
		  "s/explain: expected a directory that does not hold %1$s/s/explain/shapes.csv" },
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		char args[1024], text[1024];
		snprintf(args, sizeof args, k[i].args, tmp);
		snprintf(text, sizeof text, k[i].text, tmp);
		snprintf(cmd, sizeof cmd, "timeout 60 %s %s", cut_hvsim(), args);
		int rc = cut_run(cmd, &out);
		if (rc != 2 || !strstr(out, text))
			printf("\n    hvsim %s -> %d\n%s", args, rc, out);
		CU_ASSERT_EQUAL(rc, 2);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, text));
		free(out);
	}
	CU_ASSERT_TRUE(cut_exists(tmp, "r/in.xml") && cut_exists(tmp, "r/fit.csv") && cut_exists(tmp, "r/summary.json"));
	CU_ASSERT_TRUE(cut_exists(tmp, "s/toy.xml") && cut_exists(tmp, "s/explain/shapes.csv"));
	/* an input elsewhere: --force replaces the directory as before */
	snprintf(cmd, sizeof cmd, "%s run tests/data/good/vm-hogs.xml -q -o %s/r --force", cut_hvsim(), tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, "r/in.xml"));
	cut_rmrf(tmp);
	free(tmp);
}

/* Nor one holding a profile the scenario names (an input not on the
** command line): run, capacity and sweep --force removed it with the
** directory (exit 0, the profile gone); now exit 2, the directory and
** the profile as they were.  Without --force a sweep resumes there. */
static void test_force_keeps_profiles(void)
{
	char *tmp = cut_tmpdir(), cmd[4096], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(cmd, sizeof cmd,
		 "{ %1$s run tests/data/sweep/toy.xml -q -o %2$s/r --set run.duration=30s --set run.warmup=5s && "
		 "cp models/profiles/hypervisors/native-rr.xml %2$s/r/hv.xml && "
		 "sed '/<hypervisor name=\"bare\"/,/<\\/hypervisor>/c\\  <hypervisor profile=\"r/hv.xml\"/>' "
		 "tests/data/sweep/toy.xml > %2$s/s.xml && grep -q 'profile=\"r/hv.xml\"' %2$s/s.xml; } 2>&1",
		 cut_hvsim(), tmp);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
	free(out);
	static const char *const c[] = { "run", "capacity", "sweep" };
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		snprintf(cmd, sizeof cmd, "timeout 60 %s %s %s/s.xml -o %s/r --force --set run.duration=30s "
			 "--set run.warmup=5s", cut_hvsim(), c[i], tmp, tmp);
		int rc = cut_run(cmd, &out);
		int said = out && strstr(out, "/r: expected a directory that does not hold ") && strstr(out, "/r/hv.xml");
		if (rc != 2 || !said)
			printf("\n    %s -> %d\n%s", cmd, rc, out);
		CU_ASSERT_EQUAL(rc, 2);
		CU_ASSERT_TRUE(said);
		free(out);
		CU_ASSERT_TRUE(cut_exists(tmp, "r/hv.xml") && cut_exists(tmp, "r/summary.json"));
	}
	/* the same sweep into a new directory, then resumed there: no --force */
	snprintf(cmd, sizeof cmd, "cp %2$s/r/hv.xml %2$s/hv.xml && sed -i 's|r/hv.xml|hv.xml|' %2$s/s.xml && "
		 "%1$s sweep %2$s/s.xml -o %2$s/w --set run.duration=30s --set run.warmup=5s && "
		 "%1$s sweep %2$s/s.xml -o %2$s/w --set run.duration=30s --set run.warmup=5s",
		 cut_hvsim(), tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* --timeline naming the scenario (here as D/./in.xml): it was replaced
** by the timeline (exit 0); now exit 2 before the run, nothing written. */
static void test_timeline_not_scenario(void)
{
	char *tmp = cut_tmpdir(), cmd[2048], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(cmd, sizeof cmd, "cp tests/data/good/vm-hogs.xml %s/in.xml", tmp);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
	free(out);
	snprintf(cmd, sizeof cmd, "%s run %s/in.xml -q -o %s/o --timeline %s/./in.xml", cut_hvsim(), tmp, tmp, tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "in.xml: expected a file other than the scenario it runs"));
	free(out);
	snprintf(cmd, sizeof cmd, "cmp tests/data/good/vm-hogs.xml %s/in.xml", tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, "o"));
	/* nor inside the directory --force replaces: the timeline was written
	** there, then the directory swapped for the new one (exit 1 after the
	** whole run, the timeline gone) */
	snprintf(cmd, sizeof cmd, "%1$s run %2$s/in.xml -q -o %2$s/o > /dev/null && %1$s run %2$s/in.xml -q -o %2$s/o --force "
		 "--timeline %2$s/o/t.json", cut_hvsim(), tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "o/t.json: expected a file outside "));
	CU_ASSERT_PTR_NULL(out && strstr(out, "vm "));
	free(out);
	CU_ASSERT_TRUE(cut_exists(tmp, "o/summary.json"));
	cut_rmrf(tmp);
	free(tmp);
}

struct cli_case {
	const char *args;
	int rc;
	const char *text;
};

/* Each case as `hvsim ARGS` put in form (FORM's two %s: the binary, the
** arguments): its exit status and a piece of its output. */
static void run_cases(const struct cli_case *cases, size_t n, const char *form)
{
	for (size_t i = 0; i < n; i++) {
		char cmd[512], *out;
		snprintf(cmd, sizeof cmd, form, cut_hvsim(), cases[i].args);
		int rc = cut_run(cmd, &out);
		if (rc != cases[i].rc || !strstr(out, cases[i].text))
			printf("\n    hvsim %s -> %d\n%s", cases[i].args, rc, out);
		CU_ASSERT_EQUAL(rc, cases[i].rc);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, cases[i].text));
		free(out);
	}
}

static void test_cli(void)
{
	static const struct cli_case cases[] = {
		{ "--help", 0, "usage: hvsim <command>" },
		{ "--version", 0, "hvsim " HVSIM_VERSION },
		{ "run --help", 0, "--set KEY=VALUE" },
		{ "validate --help", 0, "usage: hvsim validate" },
		{ "", 2, "usage: hvsim <command>" },
		{ "frobnicate", 2, "unknown command 'frobnicate'; expected one of: run, validate, capacity, sweep, calibrate, explain, policies, profiles, import, compare" },
		{ "policies", 0, "credit: " },
		{ "policies", 0, "follows: Xen 3.3.0" },
		{ "policies --help", 0, "usage: hvsim policies" },
		{ "policies extra", 2, "hvsim policies: unexpected argument 'extra'" },
		{ "run", 2, "hvsim run: missing SCEN.xml" },
		{ "--man", 0, ".SH COMMANDS" },
		{ "--man", 0, ".SS calibrate CALIB.xml" },
		{ "--completion", 0, "complete -o filenames -F _hvsim hvsim" },
		{ "sweep x.xml -j 0", 2, "--jobs 0: expected a number of processes from 1 to 1024" },
		{ "calibrate x.xml -j 2000", 2, "--jobs 2000: expected a number of processes from 1 to 1024" },
		{ "calibrate x.xml --set nosuch:run.duration=1s", 2, "BENCH one of specweb" },
		{ "run tests/data/good/closed.xml --dump-at soon", 2, "--dump-at soon: expected a simulated time" },
		{ "run tests/data/good/closed.xml --dump-at 1e6s", 2,
		  "--dump-at: expected a time before the run's end (2000 s), got 1000000 s" },
		{ "explain --threshold", 2, "--threshold needs a value" },
		{ "import apache-log", 2, "hvsim import: missing FORMAT FILE" },
		{ "run a.xml b.xml", 2, "unexpected argument 'b.xml'" },
		{ "run tests/data/good/closed.xml --bogus", 2, "unknown option '--bogus'" },
		{ "run tests/data/good/closed.xml --seed -4", 2, "--seed -4: expected a non-negative integer below 2^64" },
		/* strtoull skips the blank and negates: 2^64 - 1 was taken */
		{ "run tests/data/good/closed.xml --seed ' -1'", 2, "--seed  -1: expected a non-negative integer" },
		{ "run tests/data/good/closed.xml --seed ' 5'", 2, "--seed  5: expected a non-negative integer" },
		{ "run tests/data/good/closed.xml --seed 18446744073709551616", 2,
		  "--seed 18446744073709551616: expected a non-negative integer below 2^64" },
		{ "run tests/data/good/closed.xml --seed", 2, "--seed needs a value" },
		{ "run no/such/file.xml", 2, "no/such/file.xml: cannot open: No such file or directory" },
	};
	run_cases(cases, sizeof cases / sizeof cases[0], "%s %s");
}

/* stdout full or closed: exit 1 with the reason (it was exit 0, a man
** page cut short); stderr closed: hvsim's warnings went into the first
** file it opened, the timeline, which was no longer JSON. */
static void test_std_streams(void)
{
	static const struct cli_case cases[] = {
		{ "--man >/dev/full", 1, "hvsim: standard output: cannot write: No space left on device" },
		{ "policies >&-", 1, "hvsim: standard output: cannot write: Bad file descriptor" },
		{ "validate tests/data/good/closed.xml >/dev/full", 1, "standard output: cannot write" },
		{ "validate tests/data/bad/bad-unit.xml >/dev/full", 2, "bad-unit.xml:" },
		{ "policies <&-", 0, "credit: " },
	};
	run_cases(cases, sizeof cases / sizeof cases[0], "{ %s %s; }");
	char *tmp = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	char cmd[1024], path[512];
	snprintf(cmd, sizeof cmd,
		 "{ %s run tests/data/good/vm-hogs.xml -o %s/o --timeline %s/t.json --timeline-max 10 -q 2>&-; }",
		 cut_hvsim(), tmp, tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, NULL), 0);
	snprintf(path, sizeof path, "%s/t.json", tmp);
	char *json = cut_slurp(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	if (strstr(json, "hvsim:"))
		printf("\n    a message in the timeline: %.80s", strstr(json, "hvsim:"));
	CU_ASSERT_PTR_NULL(strstr(json, "hvsim:"));
	free(json);
	cut_rmrf(tmp);
	free(tmp);
}

/* The bash completion, run by bash in a folder of a.csv, b.xml and d/:
** compare's TRACE.csv was hidden (only .xml offered), --counterfactual
** SCEN.xml offered folders only, policies offered files. */
static void test_completion(void)
{
	static const struct {
		const char *words;   /* COMP_WORDS; the last one is completed */
		const char *want;    /* COMPREPLY, sorted */
	} cases[] = {
		{ "hvsim compare \"\"", "a.csv d" },
		{ "hvsim compare a.csv \"\"", "a.csv d" },
		{ "hvsim run \"\"", "b.xml d" },
		{ "hvsim explain d --counterfactual \"\"", "b.xml d" },
		{ "hvsim explain \"\"", "d" },
		{ "hvsim import perf-sched x --model --affinity \"\"", "a.csv b.xml d" },
		{ "hvsim policies \"\"", "" },
		{ "hvsim run b.xml --timeline \"\"", "d" },
		{ "hvsim sweep b.xml --cache \"\"", "d" },
	};
	char *tmp = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	char path[512], abs[4096], cwd[2048];
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof cwd));
	snprintf(abs, sizeof abs, "%s%s%s", cut_hvsim()[0] == '/' ? "" : cwd, cut_hvsim()[0] == '/' ? "" : "/",
		 cut_hvsim());
	snprintf(path, sizeof path, "%s/d", tmp);
	CU_ASSERT_EQUAL(mkdir(path, 0755), 0);
	const char *files[] = { "a.csv", "b.xml" };
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", tmp, files[i]);
		FILE *f = fopen(path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fclose(f);
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char cmd[8192], *out;
		snprintf(cmd, sizeof cmd,
			 "cd %s && bash -c 'source <(\"$0\" --completion) && COMP_WORDS=(%s) && "
			 "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && _hvsim && printf \"%%s\\n\" \"${COMPREPLY[@]}\" | "
			 "sort | paste -sd \" \"' %s",
			 tmp, cases[i].words, abs);
		int rc = cut_run(cmd, &out);
		char *nl = strchr(out, '\n');
		if (nl)
			*nl = 0;
		if (rc != 0 || strcmp(out, cases[i].want) != 0)
			printf("\n    %s: got '%s', expected '%s'", cases[i].words, out, cases[i].want);
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_STRING_EQUAL(out, cases[i].want);
		free(out);
	}
	cut_rmrf(tmp);
	free(tmp);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "exit status: 0 done, 1 run failed, 2 bad input, every command", test_exit_status },
		{ "command line", test_cli },
		{ "--force keeps the inputs in the directory it replaces", test_force_keeps_inputs },
		{ "--force keeps a profile the scenario reads", test_force_keeps_profiles },
		{ "--timeline is not the scenario, nor in the directory --force replaces", test_timeline_not_scenario },
		{ "stdout full or closed, stderr closed", test_std_streams },
		{ "bash completion: each operand and option value by its kind", test_completion },
		{ NULL, NULL },
	};
	cut_suite("cli", t);
}
