/*
** Predict, don't replay (docs/validation.md): threads recorded alone with
** perf sched on a 2-CPU Linux 6.18 machine (experiments/validation/host/
** recordings/MIX/solo-T.txt) become thread models (`hvsim import
** perf-sched --model`), run together under EEVDF set up as that kernel
** was (predict-MIX.xml), and are compared with the recording of the same
** threads together (recordings/MIX/together.activity.csv): per thread,
** CPU share within 5 points, median wake-up latency within 2x (threads
** recorded with at least 10 wake-ups), dispatches within 1.5x.  Also: the
** importer's idle repair on a hand-made trace, the thread model's reader,
** hvsim compare and --measured, the calibration file, and a live
** recording when perf works here.
*/
#include "tests/cutest.h"
#include "models/actrec.h"
#include "sim/scenario/scenario.h"
#include "models/world.h"
#include "traces/compare.h"
#include "traces/hoststats.h"
#include "traces/measured.h"
#include "traces/thread_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOST "experiments/validation/host/"
#define REC HOST "recordings/"

static const char *const mixes[] = { "hogs3", "pinned-nice", "mixed" };
#define NMIX (sizeof mixes / sizeof mixes[0])

static char *tmp_path(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

static int run_cmd(const char *cmd, char **out)
{
	int rc = cut_run(cmd, out);
	if (rc)
		printf("\n    %s -> %d:\n%s", cmd, rc, *out);
	return rc;
}

/* ------------------------------------------------ the thread models --- */

/* Importing a committed solo recording gives its committed model, byte
** for byte (the models predict-MIX.xml runs are what the importer makes). */
static void test_models_reimport(void)
{
	char *dir = cut_tmpdir(), cmd[2048], *out;
	for (size_t m = 0; m < NMIX; m++) {
		char pat[512];
		snprintf(pat, sizeof pat, REC "%s/solo-*.model.csv", mixes[m]);
		FILE *ls;
		char lcmd[600], line[512];
		snprintf(lcmd, sizeof lcmd, "ls %s", pat);
		ls = popen(lcmd, "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(ls);
		int n = 0;
		while (fgets(line, sizeof line, ls)) {
			line[strcspn(line, "\n")] = 0;
			char base[512], thr[64];
			snprintf(base, sizeof base, "%.*s", (int)(strlen(line) - strlen(".model.csv")), line);
			const char *t = strrchr(base, '/') + strlen("/solo-");
			snprintf(thr, sizeof thr, "%s", t);
			char *got = tmp_path(dir, "m.csv");
			char aff[600];
			snprintf(aff, sizeof aff, "%s.affinity", base);
			snprintf(cmd, sizeof cmd, "%s import perf-sched %s.txt --model --threads %s --affinity %s -o %s --force",
				 cut_hvsim(), base, thr, aff, got);
			CU_ASSERT_EQUAL(run_cmd(cmd, &out), 0);
			free(out);
			char *a = cut_slurp(line, NULL), *b = cut_slurp(got, NULL);
			CU_ASSERT_PTR_NOT_NULL(a);
			CU_ASSERT_PTR_NOT_NULL(b);
			/* the provenance line names the input by its base name: equal */
			if (a && b)
				CU_ASSERT_STRING_EQUAL(a, b);
			free(a);
			free(b);
			free(got);
			n++;
		}
		pclose(ls);
		CU_ASSERT_TRUE(n >= 3);
	}
	cut_rmrf(dir);
	free(dir);
}

/* What the models say the threads ask for: hogs CPU-bound, the sleepers'
** recorded demand and sleep near what hostmix was told (1 ms of CPU and
** 2 ms of sleep; 2 ms every 10 ms), nice 3 and pinning as set. */
static void test_models_content(void)
{
	struct diag d = { 0 };
	struct tmodel m;
	CU_ASSERT_EQUAL_FATAL(tmodel_load(REC "pinned-nice/solo-p1.model.csv", &d, &m), 0);
	CU_ASSERT_EQUAL(m.nth, 1);
	CU_ASSERT_STRING_EQUAL(m.th[0].name, "p1");
	CU_ASSERT_EQUAL(m.th[0].nice, 3);
	CU_ASSERT_TRUE(m.th[0].cpu_bound);
	CU_ASSERT_PTR_NOT_NULL(m.th[0].cpus);
	if (m.th[0].cpus)
		CU_ASSERT_STRING_EQUAL(m.th[0].cpus, "0");
	CU_ASSERT_TRUE(m.th[0].life_ns > 1900000000 && m.th[0].life_ns < 2100000000);
	tmodel_free(&m);

	CU_ASSERT_EQUAL_FATAL(tmodel_load(REC "pinned-nice/solo-s1.model.csv", &d, &m), 0);
	CU_ASSERT_FALSE(m.th[0].cpu_bound);
	double b = 0, s = 0;
	for (size_t i = 0; i < m.th[0].nburst; i++)
		b += (double)m.th[0].burst[i];
	for (size_t i = 0; i < m.th[0].nsleep; i++)
		s += (double)m.th[0].sleep[i];
	b /= (double)m.th[0].nburst * 1e6;
	s /= (double)m.th[0].nsleep * 1e6;
	printf("\n    s1 (spin 1 ms, sleep 2 ms): %zu bursts of %.3f ms, %zu sleeps of %.3f ms", m.th[0].nburst, b,
	       m.th[0].nsleep, s);
	CU_ASSERT_TRUE(m.th[0].nburst > 400);
	CU_ASSERT_DOUBLE_EQUAL(b, 1.0, 0.15);
	CU_ASSERT_DOUBLE_EQUAL(s, 2.0, 0.3);
	tmodel_free(&m);

	CU_ASSERT_EQUAL_FATAL(tmodel_load(REC "mixed/solo-per.model.csv", &d, &m), 0);
	CU_ASSERT_FALSE(m.th[0].cpu_bound);
	CU_ASSERT_PTR_NULL(m.th[0].cpus);
	b = 0;
	for (size_t i = 0; i < m.th[0].nburst; i++)
		b += (double)m.th[0].burst[i];
	b /= (double)m.th[0].nburst * 1e6;
	CU_ASSERT_DOUBLE_EQUAL(b, 2.0, 0.3);
	CU_ASSERT_TRUE(m.th[0].nburst > 150 && m.th[0].nburst < 210);
	tmodel_free(&m);
	CU_ASSERT_EQUAL(d.n, 0);
	diag_free(&d);
}

/* A thread model's CPU list (and --affinity's) is digits, '-' and ','
** only: "0- 3", " 1" and "0, 1" were taken (strtol skips spaces). */
static void test_model_cpulist(void)
{
	static const char *const bad[] = { "0- 3", " 1", "0, 1", "0-3,", "+1", "0-+1", "", NULL };
	for (int i = 0; bad[i]; i++) {
		CU_ASSERT_FALSE(tmodel_cpulist_ok(bad[i]));
		if (tmodel_cpulist_ok(bad[i]))
			printf("\n    taken: '%s'", bad[i]);
	}
	CU_ASSERT_TRUE(tmodel_cpulist_ok("0-3,6"));
	CU_ASSERT_TRUE(tmodel_cpulist_ok("7"));
}

/* The reader's messages, one per defect. */
static void test_model_errors(void)
{
	char *dir = cut_tmpdir();
	char *p = tmp_path(dir, "bad.model.csv");
	FILE *f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("# hvsim thread model v1\n"
	      "thread,pid,field,value\n"
	      "a,1,nice,25\n"
	      "a,1,cpus,0-x\n"
	      "a,1,start_s,0\n"
	      "a,1,life_s,-1\n"
	      "a,1,cpu_bound,2\n"
	      "a,1,colour,red\n"
	      "a,1,nice,0\n"
	      "b,2,nice,0\n"
	      "b,2,start_s,0\n"
	      "b,2,life_s,1\n"
	      "b,2,cpu_bound,0\n"
	      "b,2,burst_s,0.001\n",
	      f);
	fclose(f);
	struct diag d = { 0 };
	struct tmodel m;
	CU_ASSERT_EQUAL(tmodel_load(p, &d, &m), -22);
	char all[4096] = "";
	for (int i = 0; i < d.n; i++) {
		strncat(all, d.msg[i], sizeof all - strlen(all) - 2);
		strcat(all, "\n");
	}
	printf("\n%s", all);
	CU_ASSERT_PTR_NOT_NULL(strstr(all, "bad.model.csv:3: value: expected a nice level from -20 to 19, got '25'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(all, "bad.model.csv:4: value: expected a CPU list such as 0-3,6 (or empty: any CPU), got '0-x'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(all, "bad.model.csv:6: value: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(all, "bad.model.csv:7: value: expected 0 or 1, got '2'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(all, "bad.model.csv:8: field: expected one of nice, cpus, start_s, life_s, cpu_bound, wakeup_s, burst_s, sleep_s, got 'colour'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(all, "bad.model.csv:9: field: expected nice once for thread 'a' pid 1 (it is on line 3), got it again"));
	diag_free(&d);
	/* only b's missing sleeps left: reported once the file is read */
	f = fopen(p, "w");
	fputs("thread,pid,field,value\nb,2,nice,0\nb,2,start_s,0\nb,2,life_s,1\nb,2,cpu_bound,0\nb,2,burst_s,0.001\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(tmodel_load(p, &d, &m), -22);
	CU_ASSERT_EQUAL(d.n, 1);
	if (d.n)
		CU_ASSERT_PTR_NOT_NULL(strstr(d.msg[0], "bad.model.csv:2: thread 'b' pid 2: expected burst_s and sleep_s rows for cpu_bound 0, got 1 and 0"));
	diag_free(&d);
	/* a scenario naming it is bad input: exit 2, with the file's lines */
	char cmd[2048], *out;
	snprintf(cmd, sizeof cmd, "%s validate " HOST "predict-mixed.xml --set workload[ss].threads.file=%s", cut_hvsim(), p);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "bad.model.csv:2: thread 'b' pid 2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<workload ss>: the thread model"));
	free(out);
	free(p);
	cut_rmrf(dir);
	free(dir);
}

/* --repair-idle on a hand-made trace: CPU 1 idles (its switch from idle
** and the wake-up raised there are missing); t's first event there is a
** sched_stat_runtime of 300 us at 10.001000, so its run began at
** 10.000700; its block runs from its switch-out at 10.000100 to then. */
static void test_repair_idle(void)
{
	char *dir = cut_tmpdir(), cmd[2048], *out;
	char *txt = tmp_path(dir, "idle.txt"), *csv = tmp_path(dir, "idle.csv");
	FILE *f = fopen(txt, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("       t   100 [001]    10.000000: sched:sched_switch: prev_comm=x prev_pid=99 prev_prio=120 prev_state=S ==> next_comm=t next_pid=100 next_prio=125\n"
	      "       t   100 [001]    10.000100: sched:sched_stat_runtime: comm=t pid=100 runtime=100000 [ns]\n"
	      "       t   100 [001]    10.000100: sched:sched_switch: prev_comm=t prev_pid=100 prev_prio=125 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n"
	      "       t   100 [001]    10.001000: sched:sched_stat_runtime: comm=t pid=100 runtime=300000 [ns]\n"
	      "       t   100 [001]    10.001500: sched:sched_stat_runtime: comm=t pid=100 runtime=500000 [ns]\n"
	      "       t   100 [001]    10.001500: sched:sched_switch: prev_comm=t prev_pid=100 prev_prio=125 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n",
	      f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "%s import perf-sched %s -o %s 2>&1", cut_hvsim(), txt, csv);
	CU_ASSERT_EQUAL(run_cmd(cmd, &out), 0);
	/* without the repair: the switch-out from an idle CPU is inconsistent */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "idle.txt:6: perf-sched: inconsistent: expected prev_pid 0 (switched in on CPU 1 at line 3), got 100"));
	free(out);
	snprintf(cmd, sizeof cmd, "%s import perf-sched %s --repair-idle -o %s --force 2>&1", cut_hvsim(), txt, csv);
	CU_ASSERT_EQUAL(run_cmd(cmd, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0 inconsistent"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "idle.txt: --repair-idle: 1 switch-ins inferred (1 on a CPU last seen idle)"));
	free(out);
	char *got = cut_slurp(csv, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "t,100,0,run,0.0001,1\n"
					   "t,100,0.0001,block,0.0006,1\n"
					   "t,100,0.0007,run,0.0008,1\n"));
	free(got);
	/* the model: nice 5 from prio 125; the first burst (100 us of
	** sched_stat_runtime) and the sleep after it; the second burst (300 +
	** 500 us) is not followed by a wake-up inside the trace: cut, left out */
	snprintf(cmd, sizeof cmd, "%s import perf-sched %s --model -o %s --force 2>&1", cut_hvsim(), txt, csv);
	CU_ASSERT_EQUAL(run_cmd(cmd, &out), 0);
	free(out);
	got = cut_slurp(csv, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "t,100,nice,5\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "t,100,cpu_bound,0\nt,100,burst_s,0.0001\nt,100,sleep_s,0.0006\n"));
	CU_ASSERT_PTR_NULL(strstr(got, "0.0008"));
	free(got);
	free(txt);
	free(csv);
	cut_rmrf(dir);
	free(dir);
}

/* -------------------------------------------- the prediction criteria --- */

struct mix_result {
	int nthreads, share_ok, wake_ok, wake_n, disp_ok;
};

/* Predict mix m and compare every predicted thread with the recording. */
static void judge_mix(const char *mix, struct mix_result *res)
{
	char scen[256], rec[256];
	snprintf(scen, sizeof scen, HOST "predict-%s.xml", mix);
	snprintf(rec, sizeof rec, REC "%s/together.activity.csv", mix);
	memset(res, 0, sizeof *res);
	struct trace_activity r;
	struct diag d = { 0 };
	CU_ASSERT_EQUAL_FATAL(trace_activity_load(rec, &d, &r), 0);
	struct scenario s;
	struct world w;
	CU_ASSERT_EQUAL_FATAL(cut_sim(scen, NULL, &s, &w), 0);
	const struct trace_activity *p = actrec_trace(&w);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	printf("\n    %s: %-5s %13s %21s %21s", mix, "", "share %", "wake p50 ms (n)", "dispatches");
	for (int i = 0; i < p->nth; i++) {
		struct hs_thread hp, hr;
		int ri = hoststats_find(&r, p->th[i].name);
		CU_ASSERT_TRUE_FATAL(ri >= 0);
		CU_ASSERT_EQUAL_FATAL(hoststats_thread(p, i, &hp), 0);
		CU_ASSERT_EQUAL_FATAL(hoststats_thread(&r, ri, &hr), 0);
		double dshare = 100 * (hp.cpu_share - hr.cpu_share);
		double wake = hp.wakeup_p50 / hr.wakeup_p50;
		double disp = (double)hp.dispatches * (hr.life / hp.life) / (double)hr.dispatches;
		int share_ok = fabs(dshare) <= COMPARE_SHARE_POINTS;
		int wake_n = hr.wakeups >= COMPARE_MIN_WAKEUPS;
		int wake_ok = wake_n && wake <= COMPARE_WAKE_RATIO && wake >= 1 / COMPARE_WAKE_RATIO;
		int disp_ok = disp <= COMPARE_DISPATCH_RATIO && disp >= 1 / COMPARE_DISPATCH_RATIO;
		printf("\n      %-5s %5.1f %5.1f %s   %6.3f %6.3f (%4llu) %s   %5llu %5.0f %s", hr.name, 100 * hr.cpu_share,
		       100 * hp.cpu_share, share_ok ? "ok  " : "MISS", 1e3 * hr.wakeup_p50, 1e3 * hp.wakeup_p50,
		       (unsigned long long)hr.wakeups, !wake_n ? "n/a " : wake_ok ? "ok  " : "MISS",
		       (unsigned long long)hr.dispatches, (double)hp.dispatches * (hr.life / hp.life),
		       disp_ok ? "ok" : "MISS");
		res->nthreads++;
		res->share_ok += share_ok;
		res->wake_n += wake_n;
		res->wake_ok += wake_ok;
		res->disp_ok += disp_ok;
	}
	world_free(&w);
	scn_free(&s);
	trace_activity_free(&r);
	diag_free(&d);
}

static void test_criteria(void)
{
	int contended = 0;
	for (size_t m = 0; m < NMIX; m++) {
		struct mix_result res;
		judge_mix(mixes[m], &res);
		CU_ASSERT_TRUE(res.nthreads >= 3);
		/* every criterion, every thread */
		CU_ASSERT_EQUAL(res.share_ok, res.nthreads);
		CU_ASSERT_EQUAL(res.wake_ok, res.wake_n);
		CU_ASSERT_EQUAL(res.disp_ok, res.nthreads);
		contended += res.nthreads > 2;
	}
	/* at least two mixes with more runnable threads than the 2 CPUs */
	CU_ASSERT_TRUE(contended >= 2);
}

/* ------------------------------------------------------ the commands --- */

static void test_compare_cli(void)
{
	char *dir = cut_tmpdir(), cmd[2048], *out;
	char *run = tmp_path(dir, "run"), *meas = tmp_path(dir, "m.csv");
	snprintf(cmd, sizeof cmd, "%s run " HOST "predict-mixed.xml -o %s", cut_hvsim(), run);
	CU_ASSERT_EQUAL_FATAL(run_cmd(cmd, &out), 0);
	free(out);
	snprintf(cmd, sizeof cmd, "%s compare " REC "mixed/together.activity.csv %s --measured %s --mix mixed --hypervisor linux-6.18",
		 cut_hvsim(), run, meas);
	CU_ASSERT_EQUAL(run_cmd(cmd, &out), 0);
	printf("\n%s", out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "other threads of the recording:"));
	free(out);
	char *csv = tmp_path(run, "compare.csv"), *got = cut_slurp(csv, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_EQUAL(strncmp(got, "thread,metric,recorded,predicted,error,criterion,pass\n", 54), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "\nss,wakeup_p50_s,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "\nm1,cpu_share,"));
	free(got);
	/* the measured points load, one subject per thread */
	struct diag d = { 0 };
	struct meas_set ms;
	CU_ASSERT_EQUAL_FATAL(meas_load(meas, &d, &ms), 0);
	int share = 0;
	for (size_t i = 0; i < ms.n; i++) {
		CU_ASSERT_EQUAL(ms.p[i].bench, MEAS_HOST);
		CU_ASSERT_PTR_NOT_NULL(ms.p[i].subject);
		share += ms.p[i].metric == MEAS_CPU_SHARE;
	}
	CU_ASSERT_EQUAL(share, 4);
	meas_free(&ms);
	diag_free(&d);
	/* bad input: a thread the recording lacks */
	snprintf(cmd, sizeof cmd, "%s compare " REC "hogs3/together.activity.csv %s", cut_hvsim(), run);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "expected a thread named"));
	free(out);
	snprintf(cmd, sizeof cmd, "%s compare", cut_hvsim());
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	free(out);
	/* an output over an input or over the other output: refused, the
	** inputs untouched (the run's activity.csv was overwritten) */
	char *act = tmp_path(run, "activity.csv"), *before = cut_slurp(act, NULL);
	static const char *const clobber[][2] = {
		{ "-o %2$s/activity.csv", "-o %2$s/activity.csv: expected a file other than the run's activity.csv" },
		{ "--measured %2$s/activity.csv", "expected a file other than the run's activity.csv" },
		{ "-o %3$s --measured %3$s", "--measured %3$s: expected a file other than the comparison's CSV" },
		{ "--measured %2$s/compare.csv", "expected a file other than the comparison's CSV" },
		/* a directory: refused before the table (exit 1 after it) */
		{ "-o %2$s", "-o %2$s: expected a regular file, got a directory" },
		{ "--measured %2$s", "--measured %2$s: expected a regular file, got a directory" },
	};
	for (size_t i = 0; i < sizeof clobber / sizeof clobber[0]; i++) {
		char opt[1200], want[1200];
		snprintf(opt, sizeof opt, clobber[i][0], "", run, meas);
		snprintf(want, sizeof want, clobber[i][1], "", run, meas);
		snprintf(cmd, sizeof cmd, "%s compare " REC "mixed/together.activity.csv %s %s --mix mixed", cut_hvsim(),
			 run, opt);
		CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
		if (!strstr(out, want))
			printf("\n    %s\n    got: %s    want: %s", opt, out, want);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
		free(out);
	}
	/* a recording whose file name holds a newline: the comment and each
	** row's source keep to their lines, the file loads; without --mix the
	** name (the mix) is refused, not written into the subjects */
	snprintf(cmd, sizeof cmd, "cp " REC "mixed/together.activity.csv '%s/rec\nx.csv' && %s compare '%s/rec\nx.csv' "
		 "--threads ss --measured %s/n.m --mix mixed && %s compare '%s/rec\nx.csv' --threads ss --measured %s/n2.m",
		 dir, cut_hvsim(), dir, dir, cut_hvsim(), dir, dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "expected a name without '/' or control characters"));
	free(out);
	CU_ASSERT_FALSE(cut_exists(dir, "n2.m"));
	char *nm = tmp_path(dir, "n.m");
	CU_ASSERT_EQUAL(meas_load(nm, &d, &ms), 0);
	if (d.n)
		diag_print(&d, stdout);
	CU_ASSERT_EQUAL(d.n, 0);
	meas_free(&ms);
	diag_free(&d);
	char *ntext = cut_slurp(nm, NULL);
	CU_ASSERT_PTR_NOT_NULL(ntext && strstr(ntext, "# written by hvsim compare --measured from rec?x.csv\n"));
	free(ntext);
	free(nm);
	/* a --hypervisor that is no profile name: a newline split a row of
	** --measured in two (exit 0) */
	snprintf(cmd, sizeof cmd, "%s compare " REC "mixed/together.activity.csv --threads ss --measured %s/h.m "
		 "--hypervisor 'lin\nux'", cut_hvsim(), dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "expected a profile name (a letter or _, then letters"));
	free(out);
	CU_ASSERT_FALSE(cut_exists(dir, "h.m"));
	/* a --mix its rows cannot hold: a '/' (the subject is MIX/THREAD) and
	** one so long that every id of a thread was cut to one; nothing
	** written, not even the comparison */
	char m[80];
	memset(m, 'm', 50);
	m[50] = 0;
	const char *const bad_mix[][2] = {
		{ "a/b", "--mix a/b: expected a name without '/' or control characters (a subject is MIX/THREAD)" },
		{ m, "expected a mix name short enough for ids MIX.THREAD.METRIC of at most 63 characters, got" },
	};
	for (size_t i = 0; i < 2; i++) {
		snprintf(cmd, sizeof cmd, "%s compare " REC "mixed/together.activity.csv %s -o %s/x.csv --measured %s/x.m --mix %s",
			 cut_hvsim(), run, dir, dir, bad_mix[i][0]);
		CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
		CU_ASSERT_PTR_NOT_NULL(out && strstr(out, bad_mix[i][1]));
		free(out);
		CU_ASSERT_FALSE(cut_exists(dir, "x.csv") || cut_exists(dir, "x.m"));
	}
	char *after = cut_slurp(act, NULL);
	CU_ASSERT(before && after && strcmp(before, after) == 0);
	free(before);
	free(after);
	free(act);
	free(csv);
	free(run);
	free(meas);
	cut_rmrf(dir);
	free(dir);
}

/* A host row whose thread its mix's scenario does not have is refused
** before any simulation, at its line (the fit failed on it, exit 1). */
static void test_calibrate_thread(void)
{
	char *dir = cut_tmpdir(), cmd[4096], *out;
	char here[1024];
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(here, sizeof here));
	snprintf(cmd, sizeof cmd,
		 "sed 's|,hogs3/h1$|,hogs3/nosuch|' " HOST "measured.csv > %s/m.csv && "
		 "sed 's|file=\"measured.csv\"|file=\"%s/m.csv\"|; s|\"predict-|\"%s/" HOST "predict-|; "
		 "s|\"linux-6.18.xml\" out|\"%s/" HOST "linux-6.18.xml\" out|' " HOST "calib.xml > %s/c.xml && "
		 "grep -q nosuch %s/m.csv && %s calibrate %s/c.xml -o %s/o -j 1 -q",
		 dir, dir, here, here, dir, dir, cut_hvsim(), dir, dir);
	CU_ASSERT_EQUAL(run_cmd(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "/m.csv:4: subject hogs3/nosuch: expected a thread of ") &&
			       strstr(out, "predict-hogs3.xml named 'nosuch' (a <workload kind=\"threads\">), got none"));
	if (out && !strstr(out, "nosuch"))
		printf("\n%s", out);
	free(out);
	CU_ASSERT_FALSE(cut_exists(dir, "o"));
	cut_rmrf(dir);
	free(dir);
}

/* The shipped calibration file runs (a short search) and writes its
** report and the calibrated profile, with the fitted values of its
** parameters, which name no hypervisor and so apply to every profile
** written (they were left out: host-switch stayed at the profile's 0). */
static void test_calibrate_runs(void)
{
	char *dir = cut_tmpdir(), cmd[2048], *out;
	char *o = tmp_path(dir, "cal");
	snprintf(cmd, sizeof cmd, "%s calibrate " HOST "calib.xml -o %s -j 1 -q", cut_hvsim(), o);
	CU_ASSERT_EQUAL(run_cmd(cmd, &out), 0);
	free(out);
	char *rep = tmp_path(o, "report.txt"), *prof = tmp_path(o, "linux-6.18.xml");
	char *r = cut_slurp(rep, NULL);
	CU_ASSERT_PTR_NOT_NULL(r);
	if (r)
		printf("\n%s", r);
	free(r);
	CU_ASSERT_EQUAL(access(prof, R_OK), 0);
	char *p = cut_slurp(prof, NULL);
	CU_ASSERT_PTR_NOT_NULL(p && strstr(p, "<costs host-switch=\"1us\""));
	CU_ASSERT_PTR_NOT_NULL(p && strstr(p, "base-slice=\"1.4ms\""));
	CU_ASSERT_PTR_NOT_NULL(p && strstr(p, "costs.host-switch = 1us  (stage host"));
	free(p);
	/* --stages: every item a stage (an empty one was skipped, so '' fitted
	** everything) */
	static const char *const bad[] = { "''", "host,", ",host", "nope" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(cmd, sizeof cmd, "%s calibrate " HOST "calib.xml -o %s/st -j 1 -q --stages %s", cut_hvsim(), dir,
			 bad[i]);
		CU_ASSERT_EQUAL(cut_run(cmd, &out), 2);
		CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "--stages: expected <stage name>s of"));
		free(out);
	}
	free(rep);
	free(prof);
	free(o);
	cut_rmrf(dir);
	free(dir);
}

/* A live recording with the harness, when perf works here. */
static void test_live(void)
{
	char *out;
	if (geteuid() != 0 && cut_run("test \"$(cat /proc/sys/kernel/perf_event_paranoid)\" -le 1", &out) != 0) {
		free(out);
		printf("\n    SKIPPED: not root and kernel.perf_event_paranoid > 1: perf sched record cannot record");
		return;
	}
	if (geteuid() != 0)
		free(out);
	char *dir = cut_tmpdir(), cmd[2048];
	snprintf(cmd, sizeof cmd, "command -v perf >/dev/null && perf sched record -o %s/probe.data -- true >/dev/null 2>&1",
		 dir);
	if (cut_run(cmd, &out)) {
		free(out);
		printf("\n    SKIPPED: perf sched record does not work here (no perf, or no scheduler tracepoints)");
		cut_rmrf(dir);
		free(dir);
		return;
	}
	free(out);
	char *mx = tmp_path(dir, "mixes");
	FILE *f = fopen(mx, "w");
	fputs("live: lv:spinsleep:run=1ms:sleep=2ms\n", f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "QUIET_WAIT=1 QUIET_SECS=1 HVSIM=%s sh " HOST "record.sh -d 0.3 -m %s -o %s/rec live",
		 cut_hvsim(), mx, dir);
	CU_ASSERT_EQUAL(run_cmd(cmd, &out), 0);
	free(out);
	char *model = tmp_path(dir, "rec/live/solo-lv.model.csv");
	struct diag d = { 0 };
	struct tmodel m;
	CU_ASSERT_EQUAL(tmodel_load(model, &d, &m), 0);
	if (d.n == 0) {
		CU_ASSERT_EQUAL(m.nth, 1);
		CU_ASSERT_FALSE(m.th[0].cpu_bound);
		CU_ASSERT_TRUE(m.th[0].nburst >= 20);
		tmodel_free(&m);
	}
	diag_free(&d);
	free(model);
	free(mx);
	cut_rmrf(dir);
	free(dir);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "committed thread models are what the importer makes", test_models_reimport },
		{ "thread models: what the threads ask for", test_models_content },
		{ "thread model reader: file:line errors", test_model_errors },
		{ "thread model CPU lists: digits, dashes and commas", test_model_cpulist },
		{ "perf-sched --repair-idle and --model on a hand-made trace", test_repair_idle },
		{ "predicted from solo recordings: share, wake-up, dispatches", test_criteria },
		{ "hvsim compare and --measured", test_compare_cli },
		{ "the host calibration file runs", test_calibrate_runs },
		{ "calibrate: a host row naming no thread of its mix is refused", test_calibrate_thread },
		{ "live recording with the harness (when perf works)", test_live },
		{ NULL, NULL },
	};
	cut_suite("hosttrace", t);
}
