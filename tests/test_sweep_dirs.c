/*
** `hvsim sweep`'s output directory (sim/drive/sweep.c): resuming after
** an interruption runs only the missing points; Ctrl-C keeps the rows
** done; a directory holding another sweep, or anything else, is refused
** (exit 2) unless --force, which stages the new sweep beside it; --reuse
** takes points with the same model from another sweep, --cache the
** replications another sweep ran.  The points themselves:
** tests/test_sweep.c.
*/
#include "tests/cutest.h"
#include "tests/sweep_cli.h"
#include "sim/scenario/scenario.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOY "tests/data/sweep/toy.xml"
#define USERS "vm[web].workload[users].closed.users"

/* An interrupted sweep (sweep.csv cut after 2 rows and half a row, the
** point directories gone) resumes: only the 4 missing points run and the
** file ends up as the full one.  Then: all done, nothing runs. */
static void test_resume(void)
{
	char *tmp = cut_tmpdir(), args[2048], cmd[8192], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(args, sizeof args, TOY " -o %s/s -j 2", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	free(out);
	char dir[512];
	snprintf(dir, sizeof dir, "%s/s", tmp);
	char *full = cut_slurp_in(dir, "sweep.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(full);
	/* header + 2 rows + half of the third */
	const char *cut = full;
	for (int i = 0; i < 3; i++)
		cut = strchr(cut, '\n') + 1;
	snprintf(cmd, sizeof cmd, "rm -rf %s/points && head -c %d %s/sweep.csv > %s/x && mv %s/x %s/sweep.csv", dir,
		 (int)(cut - full) + 6, dir, dir, dir, dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	snprintf(args, sizeof args, TOY " -o %s --resume -j 2", dir);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	printf("\n%s", out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "dropping an incomplete last line"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "toy: 2 of 6 points already in"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "toy: 6 points (2 already done, 4 run, 0 failed)"));
	CU_ASSERT_PTR_NULL(strstr(out, "point 1/6"));
	CU_ASSERT_PTR_NULL(strstr(out, "point 2/6"));
	free(out);
	/* only the missing points ran */
	CU_ASSERT_FALSE(cut_exists(dir, "points/001"));
	CU_ASSERT_FALSE(cut_exists(dir, "points/002"));
	CU_ASSERT(cut_exists(dir, "points/003/summary.json") && cut_exists(dir, "points/006/summary.json"));
	char *again = cut_slurp_in(dir, "sweep.csv");
	CU_ASSERT(same_rows(full, again));
	free(again);

	/* rows out of order (an interruption keeps rows finished early):
	** resumed, then rewritten in point order */
	snprintf(cmd, sizeof cmd, "cd %s && { head -1 sweep.csv; sed -n 5p sweep.csv; sed -n 2p sweep.csv; } > x && "
				  "mv x sweep.csv", dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	snprintf(args, sizeof args, TOY " -o %s -j 3", dir);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(2 already done, 4 run, 0 failed)"));
	free(out);
	again = cut_slurp_in(dir, "sweep.csv");
	CU_ASSERT(same_rows(full, again));
	free(again);

	/* everything there: nothing runs */
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "toy: all 6 points are already in"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(6 already done, 0 run, 0 failed)"));
	free(out);

	/* --resume with nothing to resume */
	snprintf(args, sizeof args, TOY " -o %s/none --resume", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--resume: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "nothing to resume"));
	free(out);
	free(full);
	cut_rmrf(tmp);
	free(tmp);
}

/* A directory holding another sweep: exit 2, its sweep.csv untouched. */
static void test_mismatch(void)
{
	char *tmp = cut_tmpdir(), args[2048], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(args, sizeof args, TOY " -o %s/o -j 2 --set vm[web].vcpus=1", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	free(out);
	char *before = cut_slurp_in(tmp, "o/sweep.csv");
	static const struct {
		const char *args, *msg;
	} k[] = {
		{ "tests/data/sweep/capacity.xml", "holds a different sweep; its header is" },
		{ TOY " --set vm[web].vcpus=2", "sweep.settings: was made with other settings" },
		{ TOY " --set vm[web].vcpus=1 --seed 9", "sweep.settings: was made with other settings" },
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		snprintf(args, sizeof args, "%s -o %s/o", k[i].args, tmp);
		CU_ASSERT_EQUAL(sweep(args, &out), 2);
		if (!strstr(out, k[i].msg))
			fprintf(stderr, "\n  got: %s\n  want: %s\n", out, k[i].msg);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, k[i].msg));
		free(out);
	}
	char *after = cut_slurp_in(tmp, "o/sweep.csv");
	CU_ASSERT(before && after && strcmp(before, after) == 0);
	free(before);
	free(after);
	cut_rmrf(tmp);
	free(tmp);
}

/* Ctrl-C (SIGINT to the sweep alone; it passes SIGTERM on) while the
** long points (10^6 s, 3 at a time) run and the short ones (200 s) are done: exit
** 130, the 3 short rows kept (points 3 and 5 finished before point 2,
** written anyway), no staging directories left.  The signal goes once
** the sweep has said the three are done (at most 60 s), not after a
** fixed second: on a loaded machine (make check's parts side by side,
** under ASan) they once were not all done after one.  Read through cat:
** the log may not exist yet when the loop first looks (the shell opens
** it in the background job), and grep -c of a missing file prints no
** count, which ended the loop at once (seen once under load). */
static void test_interrupt(void)
{
	char *tmp = cut_tmpdir(), cmd[4096], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(cmd, sizeof cmd,
		 "{ %s sweep " TOY " -o %s/o -j 3 --set sweep.vary[1].key=run.duration --set sweep.vary[1].from=200s "
		 "--set sweep.vary[1].to=1000000s --set sweep.vary[1].step=999800s > %s/log 2>&1 & p=$!; i=0; "
		 "while [ \"$(cat %s/log 2>/dev/null | grep -c ': done$')\" -lt 3 ] && [ $i -lt 600 ]; do sleep 0.1; "
		 "i=$((i + 1)); done; "
		 "kill -INT $p; wait $p; r=$?; cat %s/log; exit $r; }",
		 cut_hvsim(), tmp, tmp, tmp, tmp);
	int rc = cut_run(cmd, &out);
	printf("\n%s", out);
	CU_ASSERT_EQUAL(rc, 130);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "interrupted; 3 of 6 points are in"));
	free(out);
	char *csv = cut_slurp_in(tmp, "o/sweep.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	CU_ASSERT_EQUAL(lines(csv), 4);
	CU_ASSERT(csv[strlen(csv) - 1] == '\n');
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n2,200s,bare,rr,1,1,2,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n4,200s,bare,rr,1,1,4,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n8,200s,bare,rr,1,1,8,"));
	free(csv);
	snprintf(cmd, sizeof cmd, "cd %s && ls -a . o o/points", tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "tmp-"));
	CU_ASSERT_PTR_NULL(strstr(out, "002"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "005"));
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* An interrupted sweep in tmp/o left no staging directory (beside it,
** in it or among its points); tmp is removed and freed. */
static void no_staging_left(char *tmp)
{
	char cmd[4200], *out;
	snprintf(cmd, sizeof cmd, "cd %s && ls -a . o o/points", tmp);
	cut_run(cmd, &out);
	CU_ASSERT_PTR_NULL(out && strstr(out, "tmp-"));
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* A point process that does not end on SIGTERM (here stopped; in the
** field blocked in a system call the signal restarts, such as an open of
** a FIFO) gets SIGKILL POOL_KILL_GRACE_S (10 s) later: the sweep ends,
** exit 130, no process left.  It waited for ever. */
static void test_blocked_point(void)
{
	char *tmp = cut_tmpdir(), cmd[4096], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(cmd, sizeof cmd,
		 "{ %s sweep " TOY " -o %s/o -j 2 --set run.duration=1000000s & p=$!; " CUT_SH_WAIT_CHILDREN(2)
		 "k=$(ps -o pid= --ppid $p); kill -STOP $k; t0=$(date +%%s); kill -TERM $p; "
		 "( sleep 60; kill -9 $p $k 2>/dev/null ) & w=$!; wait $p; echo \"rc=$?\"; t1=$(date +%%s); "
		 "kill $w 2>/dev/null; echo \"took $((t1 - t0))\"; sleep 0.2; "
		 "for c in $k; do kill -0 $c 2>/dev/null && echo \"left $c\" && kill -9 $c; done; }",
		 cut_hvsim(), tmp);
	cut_run(cmd, &out);
	printf("\n%s", out);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "rc=130\n"));
	CU_ASSERT_PTR_NULL(out && strstr(out, "left "));
	const char *t = out ? strstr(out, "took ") : NULL;
	CU_ASSERT(t && atoi(t + 5) >= 9 && atoi(t + 5) <= 40);
	free(out);
	no_staging_left(tmp);
}

/* A hang-up (SIGHUP to the sweep alone: its terminal or ssh session
** gone) stops it as Ctrl-C does: exit 130, its point processes ended
** with it.  The sweep died of the signal (129) and its points ran on,
** orphaned, until they ended (here 10^6 simulated s).  Under nohup
** (SIGHUP ignored) it runs on. */
static void test_hangup(void)
{
	char *tmp = cut_tmpdir(), cmd[4096], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(cmd, sizeof cmd,
		 "{ %s sweep " TOY " -o %s/o -j 2 --set run.duration=1000000s & p=$!; " CUT_SH_WAIT_CHILDREN(2)
		 "k=$(ps -o pid= --ppid $p); kill -HUP $p; wait $p; echo \"rc=$?\"; sleep 0.5; "
		 "for c in $k; do kill -0 $c 2>/dev/null && echo \"left $c\" && kill -9 $c; done; "
		 "trap '' HUP; %s sweep " TOY " -o %s/n -j 2 --set run.duration=1000000s & p=$!; " CUT_SH_WAIT_CHILDREN(2)
		 "kill -HUP $p; sleep 0.5; kill -0 $p && echo 'ran on'; kill -INT $p; wait $p; echo \"rc=$?\"; }",
		 cut_hvsim(), tmp, cut_hvsim(), tmp);
	cut_run(cmd, &out);
	printf("\n%s", out);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "rc=130\n"));
	CU_ASSERT_PTR_NULL(out && strstr(out, "rc=129"));
	CU_ASSERT_PTR_NULL(out && strstr(out, "left "));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "ran on\n"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "interrupted; 0 of 6 points are in"));
	free(out);
	no_staging_left(tmp);
}

/* A copy of the finished sweep tmp/s as tmp/d, changed by the shell
** command `change` (run in tmp/d), swept again: exit status rc (under a
** timeout: a FIFO must not hang it), its message `msg`; refused (rc 2),
** sweep.csv is left byte for byte as it was. */
static void resume_changed(const char *tmp, const char *change, int rc, const char *msg)
{
	char cmd[8192], *out;
	snprintf(cmd, sizeof cmd, "rm -rf %1$s/d && cp -a %1$s/s %1$s/d && cd %1$s/d && %2$s", tmp, change);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
	free(out);
	char csv[600];
	snprintf(csv, sizeof csv, "%s/d/sweep.csv", tmp);
	size_t lb = 0, la = 0;
	struct stat st;
	int regular = stat(csv, &st) == 0 && S_ISREG(st.st_mode);   /* a FIFO is not read here either */
	char *before = regular ? cut_slurp(csv, &lb) : NULL;
	snprintf(cmd, sizeof cmd, "timeout 60 %s sweep " TOY " -o %s/d -j 2", cut_hvsim(), tmp);
	int got = cut_run(cmd, &out);
	if (got != rc || !strstr(out, msg))
		fprintf(stderr, "\n  %s: got %d: %s\n  want %d: %s\n", change, got, out, rc, msg);
	CU_ASSERT_EQUAL(got, rc);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, msg));
	free(out);
	char *after = regular ? cut_slurp(csv, &la) : NULL;
	if (rc == 2 && regular)
		CU_ASSERT(before && after && la == lb && memcmp(before, after, la) == 0);
	free(before);
	free(after);
}

/* A damaged sweep.csv or sweep.settings is an input error (exit 2,
** file:line when there is a line, the file untouched), never a crash, a
** hang or rows silently lost: a NUL byte in a row or a line of its own
** (read as C strings, the rows after it were hidden, run again and
** appended twice), a FIFO, a device (/dev/zero would fill memory), a
** directory, CRLF line ends (the header shown looked the same).  A
** crash's zero-filled end, NUL bytes without a line end after them, is
** an incomplete last line: dropped, its points run again. */
static void test_damaged(void)
{
	char *tmp = cut_tmpdir(), args[2048], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(args, sizeof args, TOY " -o %s/s -j 2", tmp);
	CU_ASSERT_EQUAL_FATAL(sweep(args, &out), 0);
	free(out);
	resume_changed(tmp, "printf '8,2\\0,x\\n' >> sweep.csv", 2, "/d/sweep.csv:8: expected text, got a NUL byte");
	resume_changed(tmp, "{ head -n 2 sweep.csv; printf '\\0\\n'; tail -n +3 sweep.csv; } > x && mv x sweep.csv", 2,
		       "/d/sweep.csv:3: expected text, got a NUL byte");
	resume_changed(tmp, "rm sweep.csv && mkfifo sweep.csv", 2, "/d/sweep.csv: expected a regular file, got a FIFO");
	resume_changed(tmp, "ln -sf /dev/zero sweep.settings", 2,
		       "/d/sweep.settings: expected a regular file, got a character device; this sweep's:");
	resume_changed(tmp, "rm sweep.settings && mkdir sweep.settings", 2,
		       "/d/sweep.settings: expected a regular file, got a directory; this sweep's:");
	resume_changed(tmp, "printf '\\0' > sweep.settings", 2, "/d/sweep.settings:1: expected text, got a NUL byte");
	/* a row cut short in the middle (by hand: hvsim appends whole rows)
	** was taken as its point's, and the finished sweep kept it */
	resume_changed(tmp, "sed -i '3s/,[^,]*,[^,]*$//' sweep.csv", 2,
		       "/d/sweep.csv:3: expected a row of ");
	resume_changed(tmp, "sed -i 's/$/\\r/' sweep.csv", 2,
		       "/d/sweep.csv:1: expected lines ending in \\n, as hvsim writes them, got \\r\\n (CRLF line ends)");
	/* a point's vms.csv damaged since: long.csv names it (exit 1: the
	** outputs cannot be written), never cuts its rows or waits on a FIFO */
	resume_changed(tmp, "printf 'x\\0y\\n' >> points/003/vms.csv", 1,
		       "/d/points/003/vms.csv:3: expected text, got a NUL byte");
	resume_changed(tmp, "rm points/003/vms.csv && mkfifo points/003/vms.csv", 1,
		       "/d/points/003/vms.csv: expected a regular file, got a FIFO");
	/* header and 3 rows, then zeros where the rest should have been */
	resume_changed(tmp, "head -n 4 sweep.csv > x && head -c 300 /dev/zero >> x && mv x sweep.csv", 0,
		       "dropping an incomplete last line");
	char path[600];
	size_t len = 0;
	snprintf(path, sizeof path, "%s/d/sweep.csv", tmp);
	char *again = cut_slurp(path, &len), *full = cut_slurp_in(tmp, "s/sweep.csv");
	CU_ASSERT(again && !memchr(again, 0, len));
	CU_ASSERT(full && again && same_rows(full, again));
	free(full);
	free(again);
	cut_rmrf(tmp);
	free(tmp);
}

/* A sweep writes a new DIR or resumes its own: any other existing DIR is
** refused (exit 2, untouched); --force runs the whole sweep in
** DIR.tmp-PID and swaps it in at the end (interrupted: DIR as it was);
** staging left by dead processes is removed. */
static void test_exclusive(void)
{
	char *tmp = cut_tmpdir(), args[2048], cmd[4096], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	/* a directory that is not a sweep's */
	cut_stale(tmp, "o");
	snprintf(args, sizeof args, TOY " -o %s/o -j 2", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/o: exists; name a new directory with -o, or add --force"));
	free(out);
	CU_ASSERT(cut_exists(tmp, "o/sub/f") && !cut_exists(tmp, "o/sweep.csv"));
	/* --force over it: not an hvsim output, still refused */
	snprintf(args, sizeof args, TOY " -o %s/o -j 2 --force", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "is not an hvsim output directory"));
	free(out);
	cut_rmrf(tmp);
	free(tmp);
	tmp = cut_tmpdir();
	/* a sweep, then another sweep over it with --force: replaced whole */
	snprintf(args, sizeof args, TOY " -o %s/o -j 2 --set vm[web].vcpus=1", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	free(out);
	/* a rerun resumes its own sweep and removes what dead runs left */
	long dead = cut_dead_pid();
	char stale[64], pstale[64], cstale[64];
	snprintf(stale, sizeof stale, "o.tmp-%ld", dead);
	snprintf(pstale, sizeof pstale, "o/points/002.tmp-%ld", dead);
	snprintf(cstale, sizeof cstale, "o/sweep.csv.tmp-%ld", dead);
	cut_stale(tmp, pstale);
	cut_stale(tmp, cstale);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "all 6 points are already in"));
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, pstale));
	CU_ASSERT_FALSE(cut_exists(tmp, cstale));
	cut_stale(tmp, "o/mine");
	cut_stale(tmp, stale);
	snprintf(args, sizeof args, "tests/data/sweep/capacity.xml -o %s/o -j 2 --resume --force", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--force and --resume: expected one of them"));
	free(out);
	snprintf(args, sizeof args, "tests/data/sweep/capacity.xml -o %s/o -j 2 --force", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/o/sweep.csv"));
	CU_ASSERT_PTR_NULL(strstr(out, "tmp-"));
	free(out);
	char *csv = cut_slurp_in(tmp, "o/sweep.csv"), *cap = cut_slurp_in(tmp, "o/points/001/capacity.csv");
	CU_ASSERT(csv && strstr(csv, "sessions_per_vm") && cap);
	free(csv);
	free(cap);
	CU_ASSERT_FALSE(cut_exists(tmp, "o/mine"));
	CU_ASSERT_FALSE(cut_exists(tmp, stale));
	/* --force interrupted: the old sweep stays, no staging left */
	char *before = cut_slurp_in(tmp, "o/sweep.csv");
	snprintf(cmd, sizeof cmd,
		 "{ %s sweep " TOY " -o %s/o -j 2 --force --set run.duration=1000000s & p=$!; " CUT_SH_WAIT_CHILDREN(2)
		 "kill -INT $p; "
		 "wait $p; }",
		 cut_hvsim(), tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 130);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "interrupted; nothing replaced"));
	free(out);
	char *after = cut_slurp_in(tmp, "o/sweep.csv");
	CU_ASSERT(before && after && strcmp(before, after) == 0);
	free(before);
	free(after);
	snprintf(cmd, sizeof cmd, "ls -a %s", tmp);
	cut_run(cmd, &out);
	CU_ASSERT_STRING_EQUAL(out, ".\n..\no\n");
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* --reuse: a point whose model.xml another sweep has is taken from it.
** reuse.xml is capacity-curves.xml's model written another way (name,
** comments, attribute order, source=, <ideal remove="none">): loaded
** with the same values both give the same model text, another value a
** different one.  Its sweep shares its first two points with
** capacity-curves' curve at 92% (bracketed from the same answers): with
** --reuse those two are taken and the sweep's files are what running
** every point writes, wall times aside; another seed, or a directory
** that is not a sweep's, reuses nothing (the latter: exit 2, nothing
** written). */
static void test_reuse(void)
{
	static const char *const same[] = { "qos.good=92%", "qos.time-good=1.2s", NULL },
				  *const other[] = { "qos.good=92%", "qos.time-good=1.3s", NULL };
	struct scenario a, b;
	CU_ASSERT_EQUAL_FATAL(cut_load("tests/data/sweep/capacity-curves.xml", same, &a, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(cut_load("tests/data/sweep/reuse.xml", same, &b, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a.model);
	CU_ASSERT_STRING_EQUAL(a.model, b.model);
	CU_ASSERT_PTR_NULL(strstr(a.model, "<sweep"));
	CU_ASSERT_PTR_NULL(strstr(a.model, "<!--"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a.model, "time-good=\"1.2s\""));
	CU_ASSERT_FALSE(a.model_external);
	scn_free(&b);
	CU_ASSERT_EQUAL_FATAL(cut_load("tests/data/sweep/reuse.xml", other, &b, NULL), 0);
	CU_ASSERT_STRING_NOT_EQUAL(a.model, b.model);
	scn_free(&a);
	scn_free(&b);

	char *tmp = cut_tmpdir(), args[2048], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(args, sizeof args, "tests/data/sweep/capacity-curves.xml --set sweep.bracket=previous -o %s/a -j 2",
		 tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	free(out);
	CU_ASSERT(cut_exists(tmp, "a/points/001/model.xml"));
	snprintf(args, sizeof args, "tests/data/sweep/reuse.xml -o %s/b -j 2 --reuse %s/a", tmp, tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "reuse-curves: 6 points (0 already done, 2 reused, 4 run, 0 failed)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "point 1/6 (qos.good=92%, qos.time-good=1.1s): reused "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/a/points/005\n"));
	free(out);
	snprintf(args, sizeof args, "tests/data/sweep/reuse.xml -o %s/c -j 2", tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	free(out);
	/* every file alike but for the wall times */
	char cmd[4400];
	snprintf(cmd, sizeof cmd, "diff -r -I wall %s/b/points %s/c/points && cmp %s/b/long.csv %s/c/long.csv", tmp, tmp,
		 tmp, tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	char *rb = cut_slurp_in(tmp, "b/sweep.csv"), *rc = cut_slurp_in(tmp, "c/sweep.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rc);
	CU_ASSERT(same_rows(rb, rc));
	CU_ASSERT_PTR_NOT_NULL(strstr(rb, "\n92%,1.1s,"));
	free(rb);
	free(rc);
	/* another seed: another simulation */
	snprintf(args, sizeof args, "tests/data/sweep/reuse.xml -o %s/d -j 2 --seed 2 --reuse %s/a", tmp, tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(0 already done, 0 reused, 6 run, 0 failed)"));
	free(out);
	/* not a sweep's directory: exit 2 before anything is written */
	snprintf(args, sizeof args, "tests/data/sweep/reuse.xml -o %s/e --reuse %s/a/points", tmp, tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/a/points: expected a sweep's directory"));
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, "e"));
	cut_rmrf(tmp);
	free(tmp);
}

/* The sweep's files in dir (points, long.csv, sweep.csv less wall_s) are
** those of ref. */
static int same_sweep(const char *tmp, const char *dir, const char *ref)
{
	char cmd[4400], *out;
	snprintf(cmd, sizeof cmd, "diff -r -I wall %s/%s/points %s/%s/points && cmp %s/%s/long.csv %s/%s/long.csv",
		 tmp, dir, tmp, ref, tmp, dir, tmp, ref);
	int rc = cut_run(cmd, &out);
	free(out);
	char pa[256], pb[256];
	snprintf(pa, sizeof pa, "%s/sweep.csv", dir);
	snprintf(pb, sizeof pb, "%s/sweep.csv", ref);
	char *ra = cut_slurp_in(tmp, pa), *rb = cut_slurp_in(tmp, pb);
	int eq = ra && rb && same_rows(ra, rb);
	free(ra);
	free(rb);
	return rc == 0 && eq;
}

/* --reuse of a point damaged after it was written (a file of its mode
** gone, summary.json cut short, a CSV row cut short, a device in place of
** a file, a NUL byte, the run at capacity's files in part): not copied,
** said on stderr, run instead, so the sweep's files are those of running
** every point. */
static void test_reuse_damaged(void)
{
	char *tmp = cut_tmpdir(), args[2048], cmd[4400], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(args, sizeof args, TOY " -o %s/a -j 2", tmp);
	CU_ASSERT_EQUAL_FATAL(sweep(args, &out), 0);
	free(out);
	snprintf(cmd, sizeof cmd,
		 "cp -a %1$s/a %1$s/r && cd %1$s/r/points && rm 005/vms.csv && echo '{' > 002/summary.json && "
		 "printf '1,2\\n' >> 003/pcpus.csv && ln -sf /dev/zero 004/threads.csv && printf '\\0' >> 006/devices.csv",
		 tmp);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
	free(out);
	snprintf(args, sizeof args, TOY " -o %s/b -j 2 --reuse %s/r", tmp, tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	static const char *const said[] = {
		"(0 already done, 1 reused, 5 run, 0 failed)",
		"point 5/6 (" USERS "=8, vm[web].vcpus=1): not reused: ",
		"/r/points/005/vms.csv: expected a file every point of a run sweep has, got none; running it instead",
		"/r/points/002/summary.json:2: expected a string, got the end; running it instead",
		"/r/points/003/pcpus.csv:4: expected 10 fields as in the header, got 2; running it instead",
		"/r/points/004/threads.csv: expected a regular file, got a character device; running it instead",
		"/r/points/006/devices.csv:",
	};
	for (size_t i = 0; i < sizeof said / sizeof *said; i++) {
		if (!strstr(out, said[i]))
			fprintf(stderr, "\n  want: %s\n", said[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, said[i]));
	}
	free(out);
	CU_ASSERT(same_sweep(tmp, "b", "a"));
	/* rows of the other sweep.csv not as wide as its header (200 fields
	** more: read past an array, a crash under ASan; cut after 5 fields:
	** copied as a cut row) are no finished points: run instead */
	char wide[1024] = "";
	for (int i = 0; i < 200; i++)
		strcat(wide, ",x");
	snprintf(cmd, sizeof cmd,
		 "cp -a %1$s/a %1$s/s && sed -i -e '2s/$/%2$s/' -e '3s/^\\(\\([^,]*,\\)\\{4\\}[^,]*\\).*/\\1/' "
		 "%1$s/s/sweep.csv && sed -n 3p %1$s/s/sweep.csv",
		 tmp, wide);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
	CU_ASSERT_STRING_EQUAL(out, "2,2,bare,rr,1\n");
	free(out);
	snprintf(args, sizeof args, TOY " -o %s/sb -j 2 --reuse %s/s", tmp, tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(0 already done, 4 reused, 2 run, 0 failed)"));
	free(out);
	CU_ASSERT(same_sweep(tmp, "sb", "a"));
	/* a capacity point: its run at capacity's files are all there or none */
	snprintf(args, sizeof args, "tests/data/sweep/capacity.xml -o %s/c -j 2", tmp);
	CU_ASSERT_EQUAL_FATAL(sweep(args, &out), 0);
	free(out);
	snprintf(cmd, sizeof cmd, "cp -a %1$s/c %1$s/cr && rm %1$s/cr/points/001/vms.csv", tmp);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
	free(out);
	snprintf(args, sizeof args, "tests/data/sweep/capacity.xml -o %s/cb -j 2 --reuse %s/cr", tmp, tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(0 already done, 1 reused, 1 run, 0 failed)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/cr/points/001: expected all of the run at capacity's files"));
	free(out);
	CU_ASSERT(same_sweep(tmp, "cb", "c"));
	cut_rmrf(tmp);
	free(tmp);
}

/* A sweep of f into tmp/dir (more: further options) with the store
** tmp/D: it says `said` and writes what the sweep in tmp/ref wrote. */
static void cached_run(const char *f, const char *tmp, const char *dir, const char *more, const char *said,
		       const char *ref)
{
	char args[2048], *out;
	snprintf(args, sizeof args, "%s -o %s/%s%s --cache %s/D", f, tmp, dir, more, tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, said));
	free(out);
	CU_ASSERT(same_sweep(tmp, dir, ref));
}

/* --cache: a replication another sweep ran (the same model, seed and
** bracket start) is taken from the store, and the sweep's files are what
** running it writes.  Seed 2's replications are seeds 2 and 3, seed 1's
** 1 and 2: of its 12, the 6 of seed 2 are taken (each starts from its
** own answer at the point before, so seed 2's chain of searches is the
** same in both sweeps: tests/test_bracket.c).  An entry under another key (one character of
** it changed) or cut short is not taken; a lock file its process left
** behind is taken; a lock a live process holds is waited for; two sweeps at
** once share the store; a store that is not a directory is exit 2. */
static void test_cache(void)
{
	char *tmp = cut_tmpdir(), args[2048], cmd[4400], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	const char *f = "tests/data/sweep/capacity-curves.xml --set sweep.bracket=previous -j 2";
	snprintf(args, sizeof args, "%s -o %s/ref1", f, tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	free(out);
	snprintf(args, sizeof args, "%s -o %s/ref2 --seed 2", f, tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 0);
	free(out);
	cached_run(f, tmp, "a", "", "6 run, 0 failed; 0 of their 12 replications from ", "ref1");
	cached_run(f, tmp, "b", " --seed 2", "6 run, 0 failed; 6 of their 12 replications from ", "ref2");
	/* taken again, all 12 now */
	cached_run(f, tmp, "b2", " --seed 2", "; 12 of their 12 replications from ", "ref2");
	/* every entry's key changed by one character: none is taken */
	snprintf(cmd, sizeof cmd, "sed -i 's/^hint /Hint /' %s/D/*.rep", tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	cached_run(f, tmp, "c", " --seed 2", "; 0 of their 12 replications from ", "ref2");
	/* cut short: none is taken */
	snprintf(cmd, sizeof cmd, "for e in %s/D/*.rep; do truncate -s -5 \"$e\"; done", tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	cached_run(f, tmp, "d", " --seed 2", "; 0 of their 12 replications from ", "ref2");
	/* every entry turned into a lock: a file left by a process that is
	** gone (naming its pid), then one that a live process holds locked
	** for another second and a half (flock(1), as flock(2) in hvsim) */
	for (int live = 0; live < 2; live++) {
		if (live)
			snprintf(cmd, sizeof cmd,
				 "for e in %s/D/*.rep; do rm \"$e\"; flock -n \"${e%%.rep}.lock\" sleep 1.5 "
				 ">/dev/null 2>&1 & done; sleep 0.2",
				 tmp);
		else
			snprintf(cmd, sizeof cmd,
				 "p=$(sh -c 'echo $$'); for e in %s/D/*.rep; do echo $p > \"${e%%.rep}.lock\"; "
				 "rm \"$e\"; done",
				 tmp);
		CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
		free(out);
		cached_run(f, tmp, live ? "e1" : "e0", " --seed 2", "; 0 of their 12 replications from ", "ref2");
		/* its 12, run again and stored (the locks of seed 1's others stay) */
		snprintf(cmd, sizeof cmd, "ls %s/D | grep -c 'rep$'", tmp);
		cut_run(cmd, &out);
		CU_ASSERT_STRING_EQUAL(out, "12\n");
		free(out);
	}
	/* two at once on a new store */
	snprintf(cmd, sizeof cmd,
		 "{ %s sweep %s -o %s/g1 --cache %s/E & p=$!; %s sweep %s -o %s/g2 --seed 2 --cache %s/E; r=$?; "
		 "wait $p && [ $r = 0 ]; } >/dev/null 2>&1",
		 cut_hvsim(), f, tmp, tmp, cut_hvsim(), f, tmp, tmp);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	CU_ASSERT(same_sweep(tmp, "g1", "ref1"));
	CU_ASSERT(same_sweep(tmp, "g2", "ref2"));
	/* not a directory: exit 2 before anything is written */
	snprintf(args, sizeof args, "%s -o %s/h --cache %s/ref1/sweep.csv", f, tmp, tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/ref1/sweep.csv: expected a directory"));
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, "h"));
	/* in a directory that does not exist: exit 2, nothing made */
	snprintf(args, sizeof args, "%s -o %s/h --cache %s/none/D", f, tmp, tmp);
	CU_ASSERT_EQUAL(sweep(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/none/D: cannot be made: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/none is not a directory"));
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, "h"));
	CU_ASSERT_FALSE(cut_exists(tmp, "none"));
	cut_rmrf(tmp);
	free(tmp);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "resume runs only the missing points", test_resume },
		{ "a damaged sweep.csv or sweep.settings: exit 2, or a cut last line", test_damaged },
		{ "a directory with another sweep", test_mismatch },
		{ "Ctrl-C keeps finished rows", test_interrupt },
		{ "a hang-up stops the sweep and its points", test_hangup },
		{ "a point that does not end on SIGTERM gets SIGKILL", test_blocked_point },
		{ "a new DIR, its own to resume, or --force", test_exclusive },
		{ "--reuse takes the points with the same model.xml", test_reuse },
		{ "--reuse runs a damaged point instead", test_reuse_damaged },
		{ "--cache takes the replications another sweep ran", test_cache },
		{ NULL, NULL },
	};
	cut_suite("sweep-dirs", t);
}
