/*
** The engine as a whole (rung 1 of the validation ladder): invariants
** checked after every event of a busy multi-CPU run, determinism of the
** outputs byte for byte, the output directory contract (the command line
** is tests/test_cli.c).
*/
#include "tests/cutest.h"
#include "models/wl_burst.h"
#include "sim/engine/limits.h"
#include "sim/report/output.h"
#include "models/world.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A run stopped part way (Ctrl-C sets the flag w.stop points at) fails
** and keeps its clock where it stopped, so hvsim run's message names that
** instant, not the scenario's end. */
static volatile sig_atomic_t stop_flag;

static void raise_stop(void *ctx, void *obj, uint64_t arg)
{
	(void)ctx;
	(void)obj;
	(void)arg;
	stop_flag = 1;
}

static void test_stopped_run(void)
{
	struct scenario s;
	struct world w;
	CU_ASSERT_EQUAL_FATAL(cut_load("tests/data/good/closed.xml", NULL, &s, &w), 0);
	stop_flag = 0;
	w.stop = &stop_flag;
	int64_t at = w.end / 3;
	CU_ASSERT_NOT_EQUAL(world_at(&w, at, raise_stop, NULL, 0), EVQ_NONE);
	CU_ASSERT_EQUAL(world_run(&w), -1);
	printf("\n    stopped at %.3f s of %.3f s", (double)world_now(&w) / 1e9, (double)w.end / 1e9);
	CU_ASSERT_EQUAL(world_now(&w), at);
	world_free(&w);
	scn_free(&s);
}

/* Step a world by hand and check after every event: time never goes
** back; no entity is on two pCPUs; a pCPU's entity is RUNNING there;
** the RUNNING entities are exactly those on pCPUs. */
static void check_invariants(const char *path, const char *const *sets)
{
	struct scenario s;
	struct world w;
	CU_ASSERT_EQUAL_FATAL(cut_load(path, sets, &s, &w), 0);
	int64_t last = 0;
	uint64_t events = 0, bad_time = 0, bad_state = 0, bad_dup = 0, bad_count = 0;
	struct evq_event ev;
	int *owner = calloc((size_t)w.sched.ncpus, sizeof *owner);
	while (evq_next_time(&w.q) < w.end && evq_pop(&w.q, &ev)) {
		bad_time += ev.time < last;
		last = ev.time;
		ev.fn(&w, ev.obj, ev.arg);
		events++;
		int busy = 0;
		for (int c = 0; c < w.sched.ncpus; c++) {
			struct entity *e = w.sched.cpu[c].curr;
			owner[c] = e ? e->id : -1;
			if (!e)
				continue;
			busy++;
			bad_state += e->state != ENT_RUNNING || e->cpu != c;
			for (int k = 0; k < c; k++)
				bad_dup += owner[k] == e->id;
		}
		int running = 0;
		for (int i = 0; i < w.nent; i++)
			running += w.ent[i]->state == ENT_RUNNING;
		bad_count += running != busy;
	}
	free(owner);
	printf("\n    %s: %llu events checked", path, (unsigned long long)events);
	CU_ASSERT_TRUE(events > 10000);
	CU_ASSERT_EQUAL(bad_time, 0);
	CU_ASSERT_EQUAL(bad_state, 0);
	CU_ASSERT_EQUAL(bad_dup, 0);
	CU_ASSERT_EQUAL(bad_count, 0);
	world_free(&w);
	scn_free(&s);
}

static void test_invariants(void)
{
	const char *const fcfs[] = { "run.duration=2000s", NULL };
	check_invariants("tests/data/good/closed.xml", fcfs);   /* rr on 4 pCPUs */
	const char *const rr8[] = { "machine.node.cores=8", "workload.open.rate=7/s", "run.duration=3000s",
				    "hypervisor.policy.name=rr", "hypervisor.policy.quantum=100ms", NULL };
	check_invariants("tests/data/good/open1.xml", rr8);
}

/* Busy time and entity accounting agree: every running ns of an entity
** is a busy ns of some pCPU (both clipped to the measured interval). */
static void test_accounting(void)
{
	struct scenario s;
	struct world w;
	CU_ASSERT_EQUAL_FATAL(cut_sim("tests/data/good/closed.xml", NULL, &s, &w), 0);
	int64_t run = 0, busy = 0, total = 0;
	for (int i = 0; i < w.nent; i++) {
		run += w.ent[i]->t_run;
		total += w.ent[i]->t_run + w.ent[i]->t_ready + w.ent[i]->t_blocked;
	}
	for (int c = 0; c < w.sched.ncpus; c++)
		busy += w.sched.cpu[c].t_busy;
	CU_ASSERT_EQUAL(run, busy);
	/* each of the 6 users is in exactly one state at every measured ns */
	CU_ASSERT_EQUAL(total, (int64_t)w.nent * (s.duration - s.warmup));
	CU_ASSERT_TRUE(busy > 0);
	world_free(&w);
	scn_free(&s);
}

/* Drop the lines that carry wall-clock figures. */
static char *without_wall(char *text)
{
	char *out = calloc(strlen(text) + 1, 1), *o = out;
	for (char *line = text; *line;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);
		char *hit = strstr(line, "\"wall_");
		if (!hit || (size_t)(hit - line) >= len) {
			memcpy(o, line, len);
			o += len;
		}
		line += len;
	}
	return out;
}

static int run_cli(const char *args, const char *dir)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s run %s -o %s", cut_hvsim(), args, dir);
	char *out;
	int rc = cut_run(cmd, &out);
	if (rc != 0)
		printf("\n    %s -> %d\n%s", cmd, rc, out);
	free(out);
	return rc;
}

static void test_determinism(void)
{
	char *tmp = cut_tmpdir();
	char a[512], b[512], c[512];
	snprintf(a, sizeof a, "%s/a", tmp);
	snprintf(b, sizeof b, "%s/b", tmp);
	snprintf(c, sizeof c, "%s/c", tmp);
	const char *args = "tests/data/good/closed.xml --set run.duration=3000s";
	CU_ASSERT_EQUAL_FATAL(run_cli(args, a), 0);
	CU_ASSERT_EQUAL_FATAL(run_cli(args, b), 0);
	char args2[256];
	snprintf(args2, sizeof args2, "%s --seed 8", args);
	CU_ASSERT_EQUAL_FATAL(run_cli(args2, c), 0);
	static const char *const files[] = { "summary.json", "workloads.csv", "pcpus.csv" };
	for (int i = 0; i < 3; i++) {
		char *fa = cut_slurp_in(a, files[i]), *fb = cut_slurp_in(b, files[i]), *fc = cut_slurp_in(c, files[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(fa);
		CU_ASSERT_PTR_NOT_NULL_FATAL(fb);
		CU_ASSERT_PTR_NOT_NULL_FATAL(fc);
		char *ga = without_wall(fa), *gb = without_wall(fb), *gc = without_wall(fc);
		CU_ASSERT_STRING_EQUAL(ga, gb);            /* same seed: identical */
		CU_ASSERT_STRING_NOT_EQUAL(ga, gc);        /* another seed: not */
		if (i == 0) {
			CU_ASSERT_TRUE(strlen(ga) < strlen(fa)); /* wall lines were there */
			CU_ASSERT_PTR_NOT_NULL(strstr(fc, "\"seed\": 8,"));
		}
		free(fa), free(fb), free(fc), free(ga), free(gb), free(gc);
	}
	cut_rmrf(tmp);
	free(tmp);
}

/* The same seed gives the same numbers in process as well, for each
** policy, and a workload's stream does not depend on another's. */
static void test_streams_independent(void)
{
	struct scenario s;
	struct world w;
	const char *const one[] = { "run.duration=500s", "run.warmup=50s", NULL };
	CU_ASSERT_EQUAL_FATAL(cut_sim("tests/data/good/open1.xml", one, &s, &w), 0);
	double first = w.burst[0]->resp.tot_sum;
	uint64_t ev = w.events;
	world_free(&w);
	scn_free(&s);
	CU_ASSERT_EQUAL_FATAL(cut_sim("tests/data/good/open1.xml", one, &s, &w), 0);
	CU_ASSERT_EQUAL(w.events, ev);
	CU_ASSERT_DOUBLE_EQUAL(w.burst[0]->resp.tot_sum, first, 0);
	world_free(&w);
	scn_free(&s);
	/* renaming the workload changes its stream names, so its numbers */
	const char *const renamed[] = { "run.duration=500s", "run.warmup=50s", "workload.name=other", NULL };
	CU_ASSERT_EQUAL_FATAL(cut_sim("tests/data/good/open1.xml", renamed, &s, &w), 0);
	CU_ASSERT_NOT_EQUAL(w.burst[0]->resp.tot_sum, first);
	world_free(&w);
	scn_free(&s);
}

/* Every registered policy: the same seed twice gives the same run, to
** the nanosecond of every entity's accounting, on a busy NUMA machine
** with SMP guests, locks, NUMA costs and Dom0. */
static void test_every_policy_deterministic(void)
{
	for (int p = 0; sched_registry[p]; p++) {
		char set[96];
		snprintf(set, sizeof set, "hypervisor.policy.name=%s", sched_registry[p]->name);
		const char *const sets[] = { set, "run.duration=20s", "run.warmup=2s", NULL };
		struct scenario s;
		struct world w;
		uint64_t sig[2][3] = { { 0 } };
		uint64_t ev[2] = { 0 };
		for (int r = 0; r < 2; r++) {
			CU_ASSERT_EQUAL_FATAL(cut_sim("experiments/bench/tenvm-xen.xml", sets, &s, &w), 0);
			for (int i = 0; i < w.nent; i++) {
				/* an order-sensitive signature of every entity's times */
				sig[r][0] = sig[r][0] * 31 + (uint64_t)w.ent[i]->t_run;
				sig[r][1] = sig[r][1] * 31 + (uint64_t)w.ent[i]->t_ready;
				sig[r][2] = sig[r][2] * 31 + w.ent[i]->nmigrate;
			}
			ev[r] = w.events;
			world_free(&w);
			scn_free(&s);
		}
		printf("\n    %-8s %9llu events", sched_registry[p]->name, (unsigned long long)ev[0]);
		CU_ASSERT_EQUAL(ev[0], ev[1]);
		CU_ASSERT_TRUE(ev[0] > 100000);
		for (int k = 0; k < 3; k++)
			CU_ASSERT_EQUAL(sig[0][k], sig[1][k]);
	}
}

static void test_output_contract(void)
{
	char *tmp = cut_tmpdir();
	char dir[512], cmd[1024], *out;
	/* nested destination directories are created; no staging left */
	snprintf(dir, sizeof dir, "%s/x/y", tmp);
	CU_ASSERT_EQUAL(run_cli("tests/data/good/closed.xml --set run.duration=200s", dir), 0);
	snprintf(cmd, sizeof cmd, "ls -a %s/x", tmp);
	cut_run(cmd, &out);
	CU_ASSERT_PTR_NULL(strstr(out, ".tmp-"));
	free(out);
	char *csv = cut_slurp_in(dir, "pcpus.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	const char *hdr = "cpu,node,util,busy_s,overhead_s,switches,switch_s,refill_s,migrate_refill_s,"
			  "remote_refill_s\n0,0,";
	CU_ASSERT_EQUAL(strncmp(csv, hdr, strlen(hdr)), 0);
	free(csv);
	/* running again into the same directory needs --force, and replaces it */
	CU_ASSERT_EQUAL(run_cli("tests/data/good/closed.xml --set run.duration=200s --seed 3 --force", dir), 0);
	char *js = cut_slurp_in(dir, "summary.json");
	CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"seed\": 3,"));
	free(js);
	/* bad input: exit 2, nothing created */
	snprintf(dir, sizeof dir, "%s/never", tmp);
	snprintf(cmd, sizeof cmd, "%s run tests/data/bad/bad-unit.xml -o %s", cut_hvsim(), dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	free(out);
	struct stat st;
	CU_ASSERT_NOT_EQUAL(stat(dir, &st), 0);
	/* an output path that is a file: exit 2 */
	snprintf(cmd, sizeof cmd, "%s run tests/data/good/closed.xml -o tests/data/good/closed.xml", cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "exists and is not a directory"));
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* Run path with sets; 0 when it loads and runs to its end with the clock
** there. */
static int run_edge(const char *path, const char *const *sets, uint64_t *events)
{
	struct scenario s;
	struct world w;
	if (cut_sim(path, sets, &s, &w))
		return -1;
	int rc = world_now(&w) == s.duration ? 0 : -1;
	*events = w.events;
	world_free(&w);
	scn_free(&s);
	return rc;
}

/* Every time, rate and speed at the edge of its range (sim/engine/limits.h,
** docs/limits.md) runs: delays saturate instead of overflowing, so no
** event lands in the past (evq_push would assert) and none wraps. */
static void test_limits_edges(void)
{
	uint64_t ev;
	const char *const slow_open[] = { "run.duration=100000000s", "run.warmup=0s", "workload.open.rate=1e-8/s",
					  NULL };
	CU_ASSERT_EQUAL(run_edge("tests/data/good/open1.xml", slow_open, &ev), 0);
	const char *const fast_open[] = { "run.duration=2us", "run.warmup=0s", "workload.open.rate=1e9/s",
					  "workload.demand.mean=1ns", NULL };
	CU_ASSERT_EQUAL(run_edge("tests/data/good/open1.xml", fast_open, &ev), 0);
	CU_ASSERT_TRUE(ev > 1000);
	const char *const long_think[] = { "run.duration=100000000s", "run.warmup=0s",
					   "workload.closed.think.mean=100000000s",
					   "workload.demand.mean=1ms", NULL };
	CU_ASSERT_EQUAL(run_edge("tests/data/good/closed.xml", long_think, &ev), 0);
	/* the largest draws of an exponential with the longest mean saturate */
	CU_ASSERT_EQUAL(lim_delay(1e30), LIM_DELAY);
	CU_ASSERT_EQUAL(lim_delay(-5), 0);
	CU_ASSERT_EQUAL(lim_delay(0.0 / 0.0), 0);
	CU_ASSERT_EQUAL(lim_delay(2.5), 3);
	CU_ASSERT_EQUAL(lim_add(LIM_TIME, LIM_DELAY), LIM_TIME + LIM_DELAY);
	CU_ASSERT_EQUAL(lim_add(INT64_MAX - 1, 5), INT64_MAX);
	CU_ASSERT_TRUE(LIM_TIME + LIM_DELAY < INT64_MAX - LIM_DELAY);
}

/* out_begin that fails (the destination is a file) stages nothing and
** leaves nothing for out_abort to remove: every caller aborts on any
** failure, and used to remove an uninitialised staging path. */
static void test_out_begin_fails(void)
{
	char *tmp = cut_tmpdir();
	char file[512], err[600] = "", cmd[1200], *out;
	snprintf(file, sizeof file, "%s/a-file", tmp);
	FILE *f = fopen(file, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	struct outdir od;
	memset(&od, 0xbe, sizeof od);   /* as an uninitialised struct */
	CU_ASSERT_EQUAL(out_begin(&od, file, OUT_FORCE, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "exists and is not a directory"));
	CU_ASSERT_PTR_NULL(od.stage);
	CU_ASSERT_PTR_NULL(od.dest);
	out_abort(&od);
	out_abort(&od);
	/* the file and its directory are untouched, nothing staged */
	snprintf(cmd, sizeof cmd, "ls -a %s", tmp);
	cut_run(cmd, &out);
	CU_ASSERT_STRING_EQUAL(out, ".\n..\na-file\n");
	free(out);
	/* a sweep whose -o names a file: refused, exit 2, nothing else */
	snprintf(cmd, sizeof cmd, "%s sweep tests/data/sweep/toy.xml -o %s -j 1", cut_hvsim(), file);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "exists and is not a directory"));
	free(out);
	snprintf(cmd, sizeof cmd, "ls -a %s", tmp);
	cut_run(cmd, &out);
	CU_ASSERT_STRING_EQUAL(out, ".\n..\na-file\n");
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* A destination directly under "/" (-o /NAME): its directory is "/",
** which out_clean_stale used to copy into a buffer of one byte (ASan:
** heap-buffer-overflow, the sanitizer build of this suite). */
static void test_clean_stale_at_root(void)
{
	char name[64];
	snprintf(name, sizeof name, "/hvsim-test-none-%ld", (long)getpid());
	out_clean_stale(name);
	out_clean_stale("/");
	CU_ASSERT_EQUAL(access(name, F_OK), -1);   /* nothing created */
}

/* A destination whose name the file system cannot hold (with room for
** ".tmp-PID") is refused before any directory is made: -o NEW/q/<300
** bytes> used to leave NEW/q behind. */
static void test_out_name_too_long(void)
{
	char *tmp = cut_tmpdir(), dest[1024], err[1200], top[512];
	snprintf(top, sizeof top, "%s/new", tmp);
	int k = snprintf(dest, sizeof dest, "%s/q/", top);
	memset(dest + k, 'a', 300);
	dest[k + 300] = 0;
	struct outdir od;
	CU_ASSERT_EQUAL(out_begin(&od, dest, OUT_NEW, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "expected names of at most 223 bytes in the path, got one of 300"));
	CU_ASSERT_EQUAL(access(top, F_OK), -1);
	/* 223 bytes fit (the staging name adds ".tmp-PID") */
	dest[k + 223] = 0;
	CU_ASSERT_EQUAL(out_begin(&od, dest, OUT_NEW, err, sizeof err), 0);
	out_abort(&od);
	free(od.dest);
	free(od.stage);
	/* a whole path too long: the limit is the one that holds (4063 bytes
	** pass it, 4064 do not); -o says the length given, which the
	** commands' buffers used to cut to 4095 before it was measured */
	char big[PATH_MAX + 1024];
	k = snprintf(big, sizeof big, "%s/", tmp);
	for (int i = k; i < PATH_MAX - 33; i++)
		big[i] = (i - k) % 200 == 199 ? '/' : 'b';
	big[PATH_MAX - 33] = 0;
	err[0] = 0;
	if (out_begin(&od, big, OUT_NEW, err, sizeof err) == 0) {
		out_abort(&od);
		free(od.dest);
		free(od.stage);
	}
	CU_ASSERT_PTR_NULL(strstr(err, "expected a path of at most"));   /* may fail, not for its length */
	big[PATH_MAX - 33] = 'b';
	big[PATH_MAX - 32] = 0;
	CU_ASSERT_EQUAL(out_begin(&od, big, OUT_NEW, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "expected a path of at most 4063 bytes, got 4064"));
	memset(big + PATH_MAX - 32, 'b', 1000);
	big[PATH_MAX + 968] = 0;
	char cmd[PATH_MAX + 1200], *out = NULL;
	snprintf(cmd, sizeof cmd, "%s run experiments/default.xml -o %s", cut_hvsim(), big);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "--output: expected a path of at most 4063 bytes, got 5064"));
	free(out);
	cut_rmrf(tmp);
	free(tmp);
}

/* out_read (out_slurp) reads regular files only, at most OUT_READ_MAX
** bytes: a FIFO used to block it, /dev/zero to fill memory (ASan: out of
** memory), a directory to read as "Is a directory" or nothing.  The
** reasons are infile.h's words; errno says which. */
static void test_out_read(void)
{
	char *tmp = cut_tmpdir(), p[512], why[256] = "";
	size_t len = 0;
	snprintf(p, sizeof p, "%s/a", tmp);
	FILE *f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("x\n", f);
	fclose(f);
	char *buf = out_read(p, &len, why, sizeof why);
	CU_ASSERT(buf && len == 2 && strcmp(buf, "x\n") == 0);
	free(buf);
	static const struct {
		const char *make;   /* shell command in tmp making tmp/b */
		int err;
		const char *why;
	} k[] = {
		{ "mkfifo b", EINVAL, "expected a regular file, got a FIFO" },
		{ "ln -s /dev/zero b", EINVAL, "expected a regular file, got a character device" },
		{ "mkdir b", EINVAL, "expected a regular file, got a directory" },
		{ "truncate -s 300M b", EFBIG, "expected a file of at most 256 MiB, got 300.0 MiB" },
		{ "true", ENOENT, "cannot open: No such file or directory" },
	};
	snprintf(p, sizeof p, "%s/b", tmp);
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		char cmd[1024], *out;
		snprintf(cmd, sizeof cmd, "cd %s && rm -rf b && %s", tmp, k[i].make);
		CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
		free(out);
		errno = 0;
		CU_ASSERT_PTR_NULL(out_read(p, &len, why, sizeof why));
		CU_ASSERT_EQUAL(errno, k[i].err);
		CU_ASSERT_STRING_EQUAL(why, k[i].why);
		errno = 0;
		CU_ASSERT_PTR_NULL(out_slurp(p, NULL));
		CU_ASSERT_EQUAL(errno, k[i].err);
	}
	cut_rmrf(tmp);
	free(tmp);
}

/* hvsim run ARGS; its exit status, the output in *out (malloc'd). */
static int run_out(const char *args, char **out)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s run %s", cut_hvsim(), args);
	return cut_run(cmd, out);
}

/* Outputs go to a new directory, committed by one rename: an existing
** one is refused (exit 2, nothing touched) unless --force, which replaces
** it whole (no old file survives) once the new one is complete; "." and
** a directory that is not an hvsim output are never replaced; staging
** left by dead processes is removed; an interrupted run writes nothing
** and leaves a replaced directory as it was. */
static void test_exclusive_outputs(void)
{
	char *tmp = cut_tmpdir(), args[1536], d[512], *out;
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	const char *scn = "tests/data/good/closed.xml --set run.duration=200s";
	snprintf(d, sizeof d, "%s/d", tmp);
	snprintf(args, sizeof args, "%s -o %s", scn, d);
	CU_ASSERT_EQUAL(run_out(args, &out), 0);
	free(out);
	char *first = cut_slurp_in(d, "summary.json");
	/* again: refused, untouched */
	CU_ASSERT_EQUAL(run_out(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "d: exists; name a new directory with -o, or add --force to replace it"));
	free(out);
	char *same = cut_slurp_in(d, "summary.json");
	CU_ASSERT(first && same && strcmp(first, same) == 0);
	free(same);
	/* --force: replaced whole */
	char extra[600];
	snprintf(extra, sizeof extra, "%s/extra", d);
	FILE *f = fopen(extra, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	snprintf(args, sizeof args, "%s -o %s --force --seed 3", scn, d);
	CU_ASSERT_EQUAL(run_out(args, &out), 0);
	free(out);
	char *js = cut_slurp_in(d, "summary.json");
	CU_ASSERT(js && strstr(js, "\"seed\": 3,"));
	free(js);
	CU_ASSERT_FALSE(cut_exists(d, "extra"));
	/* never into ".", nor over a directory that is not an output */
	snprintf(args, sizeof args, "%s -o . --force", scn);
	CU_ASSERT_EQUAL(run_out(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "'.': expected a new directory"));
	free(out);
	snprintf(args, sizeof args, "%s -o %s --force", scn, tmp);
	CU_ASSERT_EQUAL(run_out(args, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "exists and is not an hvsim output directory"));
	free(out);
	CU_ASSERT_TRUE(cut_exists(tmp, "d/summary.json"));
	/* staging of dead processes removed, a live one's kept */
	char dead_tmp[64], dead_old[64], live[64];
	long dead = cut_dead_pid();
	snprintf(dead_tmp, sizeof dead_tmp, "e.tmp-%ld", dead);
	snprintf(dead_old, sizeof dead_old, "e.old-%ld", dead);
	snprintf(live, sizeof live, "e.tmp-%ld", (long)getpid());
	cut_stale(tmp, dead_tmp);
	cut_stale(tmp, dead_old);
	cut_stale(tmp, live);
	char dead_json[64];
	snprintf(dead_json, sizeof dead_json, "t.json.tmp-%ld", dead);
	cut_stale(tmp, dead_json);
	snprintf(args, sizeof args, "%s -o %s/e --timeline %s/t.json", scn, tmp, tmp);
	CU_ASSERT_EQUAL(run_out(args, &out), 0);
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, dead_json));
	CU_ASSERT_TRUE(cut_exists(tmp, "t.json"));
	CU_ASSERT_FALSE(cut_exists(tmp, dead_tmp));
	CU_ASSERT_FALSE(cut_exists(tmp, dead_old));
	CU_ASSERT_TRUE(cut_exists(tmp, live));
	CU_ASSERT_TRUE(cut_exists(tmp, "e/summary.json"));
	/* interrupted: no new directory, a replaced one as it was, no staging */
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
		 "{ %s run tests/data/good/closed.xml --set run.duration=100000000s -o %s/f & p=$!; "
		 CUT_SH_WAIT_GLOB("%s/f.tmp-*") "kill -INT $p; wait $p; }; { %s run tests/data/good/closed.xml "
		 "--set run.duration=100000000s -o %s --force & p=$!; " CUT_SH_WAIT_GLOB("%s.tmp-*") "kill -INT $p; wait $p; }",
		 cut_hvsim(), tmp, tmp, cut_hvsim(), d, d);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 130);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "was interrupted"));
	free(out);
	CU_ASSERT_FALSE(cut_exists(tmp, "f"));
	js = cut_slurp_in(d, "summary.json");
	CU_ASSERT(js && strstr(js, "\"seed\": 3,"));
	free(js);
	snprintf(cmd, sizeof cmd, "ls %s | grep -c 'tmp-\\|old-'", tmp);
	cut_run(cmd, &out);
	CU_ASSERT_STRING_EQUAL(out, "1\n");   /* the live one above */
	free(out);
	free(first);
	cut_rmrf(tmp);
	free(tmp);
}

/* out_commit when the destination appeared meanwhile (OUT_NEW): not
** written, the destination untouched; --force over it: swapped whole. */
static void test_commit_race(void)
{
	char *tmp = cut_tmpdir(), dest[512], err[4400] = "";
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(dest, sizeof dest, "%s/x", tmp);
	struct outdir od;
	CU_ASSERT_EQUAL_FATAL(out_begin(&od, dest, OUT_NEW, err, sizeof err), 0);
	FILE *f = out_open(&od, "summary.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("new\n", f);
	fclose(f);
	cut_stale(tmp, "x");   /* someone else's x/sub/f appears */
	CU_ASSERT_EQUAL(out_commit(&od, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "appeared while this ran); not written"));
	out_abort(&od);
	CU_ASSERT_FALSE(cut_exists(tmp, "x/summary.json"));
	CU_ASSERT_TRUE(cut_exists(tmp, "x/sub/f"));
	free(od.dest);
	free(od.stage);
	/* replacing it: only the new files, the old ones gone, no staging */
	CU_ASSERT_EQUAL_FATAL(out_begin(&od, dest, OUT_REPLACE, err, sizeof err), 0);
	f = out_open(&od, "summary.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	CU_ASSERT_EQUAL(out_commit(&od, err, sizeof err), 0);
	CU_ASSERT_TRUE(cut_exists(tmp, "x/summary.json"));
	CU_ASSERT_FALSE(cut_exists(tmp, "x/sub"));
	CU_ASSERT_FALSE(cut_exists(od.stage, "."));
	free(od.dest);
	free(od.stage);
	cut_rmrf(tmp);
	free(tmp);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "a stopped run keeps the instant it stopped", test_stopped_run },
		{ "invariants after every event", test_invariants },
		{ "entity and pCPU accounting agree", test_accounting },
		{ "same seed, byte-identical outputs", test_determinism },
		{ "RNG streams per purpose", test_streams_independent },
		{ "every policy is deterministic", test_every_policy_deterministic },
		{ "output directory contract", test_output_contract },
		{ "a failed out_begin leaves nothing to abort", test_out_begin_fails },
		{ "out_clean_stale of a path directly under /", test_clean_stale_at_root },
		{ "-o with a name too long is refused before any directory is made", test_out_name_too_long },
		{ "out_read: regular files only, of a bounded size", test_out_read },
		{ "outputs: a new directory or --force, one rename", test_exclusive_outputs },
		{ "out_commit: a destination that appeared, replaced", test_commit_race },
		{ "times, rates and speeds at the edges of their ranges", test_limits_edges },
		{ NULL, NULL },
	};
	cut_suite("engine", t);
}
