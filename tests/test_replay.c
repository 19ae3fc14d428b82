/*
** Rung 4 of the validation ladder: an activity trace recorded with perf
** sched on a real Linux machine (tests/data/import/perf_sched_contended.txt,
** two `yes` processes pinned to one CPU; docs/traces.md) is imported with
** `hvsim import perf-sched` and replayed on one core: every thread gets
** the CPU time and share it was recorded with, and the two CPU hogs are
** dispatched about as often as the recording shows.
*/
#include "tests/cutest.h"
#include "models/wl_activity.h"
#include "models/world.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *import_trace(char **dir)
{
	*dir = cut_tmpdir();
	char cmd[1024], *out, *csv = malloc(strlen(*dir) + 32);
	sprintf(csv, "%s/contended.csv", *dir);
	snprintf(cmd, sizeof cmd, "%s import perf-sched tests/data/import/perf_sched_contended.txt -o %s", cut_hvsim(),
		 csv);
	int rc = cut_run(cmd, &out);
	free(out);
	CU_ASSERT_EQUAL(rc, 0);
	return csv;
}

static void test_replay_shares(void)
{
	char *dir, set[1100];
	char *csv = import_trace(&dir);
	snprintf(set, sizeof set, "workload.trace.file=%s", csv);
	const char *const sets[] = { set, NULL };
	struct scenario s;
	struct world w;
	CU_ASSERT_EQUAL_FATAL(cut_sim("tests/data/good/replay.xml", sets, &s, &w), 0);
	CU_ASSERT_EQUAL_FATAL(w.nact, 1);
	const struct activity *a = w.act[0];
	double measured = (double)(w.batches.t1 - w.batches.t0);
	int yes = 0;
	double rec_total = 0, sim_total = 0;
	for (int i = 0; i < a->nth; i++) {
		const struct act_thread *t = &a->th[i];
		double rec = (double)t->recorded_run / (double)a->span, sim = (double)t->e->t_run / measured;
		rec_total += (double)t->recorded_run;
		sim_total += (double)t->e->t_run;
		if (rec < 0.01)
			continue;
		printf("\n    %-8s pid %d: recorded share %.4f, replayed %.4f", t->e->name, t->e->idx, rec, sim);
		CU_ASSERT_DOUBLE_EQUAL(sim, rec, 0.005);
		yes += strcmp(t->e->name, "yes") == 0;
	}
	/* the two CPU-bound threads shared the core: each near half of it */
	CU_ASSERT_EQUAL(yes, 2);
	printf("\n    all threads: recorded %.3f ms of CPU, replayed %.3f ms", rec_total / 1e6, sim_total / 1e6);
	CU_ASSERT_TRUE(sim_total <= rec_total);
	CU_ASSERT_TRUE(sim_total > 0.97 * rec_total);
	world_free(&w);
	scn_free(&s);
	cut_rmrf(dir);
	free(dir);
	free(csv);
}

/* Replay the trace with the extra overrides; out[i] = replayed
** dispatches of thread i, rec[i] = recorded ones; returns the number of
** threads, or -1. */
static int replay_dispatches(const char *csv, const char *extra, uint64_t *out, uint64_t *rec, char (*name)[32],
			     int *pid, int max)
{
	char set[1100];
	snprintf(set, sizeof set, "workload.trace.file=%s", csv);
	const char *const sets[] = { set, extra, NULL };
	struct scenario s;
	struct world w;
	if (cut_sim("tests/data/good/replay.xml", sets, &s, &w))
		return -1;
	const struct activity *a = w.act[0];
	int n = a->nth < max ? a->nth : max;
	for (int i = 0; i < n; i++) {
		out[i] = a->th[i].e->ndispatch;
		rec[i] = a->th[i].recorded_dispatches;
		snprintf(name[i], sizeof name[i], "%s", a->th[i].name);
		pid[i] = a->th[i].pid;
	}
	world_free(&w);
	scn_free(&s);
	return n;
}

/* The two `yes` hogs were switched in 27 (pid 17228) and 34 (17229) times
** (their run rows; `next_pid=` lines of the file).  After a start of
** short runs (sh forking and exec'ing them), they alternate for ~93 ms
** at ~4 ms a run: each runs its 1.4 ms request and is preempted at the
** next HZ-250 tick.  Replayed under EEVDF as the recording machine's
** kernel was set up (tests/data/good/replay.xml: HZ 250, no HRTICK, 1.4 ms
** base slice) each hog is dispatched within 1.5x of its recorded count;
** ending each request exactly (hrtick=1) dispatches 17228 more than 1.5x
** as often. */
static void test_replay_dispatches(void)
{
	char *dir;
	char *csv = import_trace(&dir);
	enum { MAXTH = 32 };
	uint64_t tick[MAXTH], hr[MAXTH], rec[MAXTH], rec2[MAXTH];
	char name[MAXTH][32];
	int pid[MAXTH];
	int n = replay_dispatches(csv, NULL, tick, rec, name, pid, MAXTH);
	int n2 = replay_dispatches(csv, "hypervisor.policy.hrtick=1", hr, rec2, name, pid, MAXTH);
	CU_ASSERT_TRUE_FATAL(n > 0 && n == n2);
	int hogs = 0, beyond = 0;
	printf("\n    %-12s %6s %9s %13s %14s", "thread", "pid", "recorded", "replayed", "hrtick=1");
	for (int i = 0; i < n; i++) {
		printf("\n    %-12s %6d %9llu %13llu %14llu", name[i], pid[i], (unsigned long long)rec[i],
		       (unsigned long long)tick[i], (unsigned long long)hr[i]);
		CU_ASSERT_EQUAL(rec[i], rec2[i]);
		if (strcmp(name[i], "yes") != 0)
			continue;
		hogs++;
		CU_ASSERT_TRUE(rec[i] == (pid[i] == 17228 ? 27u : 34u));
		CU_ASSERT_TRUE((double)tick[i] <= 1.5 * (double)rec[i]);
		CU_ASSERT_TRUE((double)tick[i] >= (double)rec[i] / 1.5);
		beyond += (double)hr[i] > 1.5 * (double)rec[i];
	}
	CU_ASSERT_EQUAL(hogs, 2);
	CU_ASSERT_TRUE(beyond >= 1);
	cut_rmrf(dir);
	free(dir);
	free(csv);
}

/* The same trace looped on a core shared with nothing else keeps each
** thread's share over many repetitions of the recording. */
static void test_replay_loop(void)
{
	char *dir, set[1100];
	char *csv = import_trace(&dir);
	snprintf(set, sizeof set, "workload.trace.file=%s", csv);
	const char *const sets[] = { set, "workload.trace.loop=true", "run.duration=10s", "run.warmup=1s",
				     "run.batches=10", NULL };
	struct scenario s;
	struct world w;
	CU_ASSERT_EQUAL_FATAL(cut_sim("tests/data/good/replay.xml", sets, &s, &w), 0);
	const struct activity *a = w.act[0];
	double measured = (double)(w.batches.t1 - w.batches.t0), busy = 0;
	for (int i = 0; i < a->nth; i++)
		busy += (double)a->th[i].e->t_run / measured;
	/* one pass runs ~97.7 ms of CPU in a ~106 ms span, repeated back to
	** back: the core stays nearly as busy as in the recording */
	printf("\n    looped for 10 s: core busy %.3f", busy);
	CU_ASSERT_TRUE(busy > 0.85 && busy <= 1.0);
	CU_ASSERT_EQUAL(s.workload[0].loop, 1);
	world_free(&w);
	scn_free(&s);
	cut_rmrf(dir);
	free(dir);
	free(csv);
}

static void test_replay_errors(void)
{
	char cmd[512], *out;
	snprintf(cmd, sizeof cmd, "%s validate tests/data/good/replay.xml --set workload.trace.file=tests/data/import/activity_bad.csv",
		 cut_hvsim());
	int rc = cut_run(cmd, &out);
	CU_ASSERT_EQUAL(rc, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "tests/data/import/activity_bad.csv:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "replay.xml:20: <workload recorded>: the trace"));
	free(out);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "recorded perf sched trace replays with its shares", test_replay_shares },
		{ "the hogs are dispatched as often as recorded", test_replay_dispatches },
		{ "looped replay", test_replay_loop },
		{ "bad traces are input errors", test_replay_errors },
		{ NULL, NULL },
	};
	cut_suite("replay", t);
}
