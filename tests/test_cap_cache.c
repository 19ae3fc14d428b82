/*
** The store of capacity replications (sim/drive/cap_cache.c): what is put
** is taken back bit for bit (doubles, counts, a kept tail) under its key
** only; a key that differs in one character, or an entry cut short, is
** not there; a lock is held against other handles and processes until
** put or unlocked, goes with its process however that ends (SIGKILL too),
** and a lock file left by a dead process, whatever pid it names, is
** taken.  tests/test_sweep_dirs.c runs it
** through `hvsim sweep --cache`.
*/
#include "tests/cutest.h"
#include "sim/drive/cap_cache.h"
#include "sim/drive/cap_internal.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Three probes of replication rep (the first failing, with a tail; the
** last failing without a page, as a probe can). */
static void fill(struct cap_result *r, int rep)
{
	struct cap_probe p[3] = {
		{ .rep = rep, .seed = 7, .users = 300, .qos = { 1000, 900, 990 }, .cpu_util = 0.1 + 1e-17,
		  .measured = 1.0 / 3, .decided = 1, .pass = 0 },
		{ .rep = rep, .seed = 7, .users = 150, .qos = { 18446744073709551615ULL, 5, 6 },
		  .cpu_util = nextafter(0.5, 1), .measured = 120, .decided = 0, .pass = 1 },
		{ .rep = rep, .seed = 7, .users = 200, .qos = { 0, 0, 0 }, .cpu_util = 0, .measured = 1e-300,
		  .decided = 1, .pass = 0 },
	};
	p[0].tail = strdup("stage,a\nx,1\n");
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL_FATAL(cap__append(r, &p[i]), 0);
}

static int same_probe(const struct cap_probe *a, const struct cap_probe *b)
{
	return a->seed == b->seed && a->users == b->users && a->qos.n == b->qos.n && a->qos.good == b->qos.good &&
	       a->qos.tolerable == b->qos.tolerable && memcmp(&a->cpu_util, &b->cpu_util, sizeof(double)) == 0 &&
	       memcmp(&a->measured, &b->measured, sizeof(double)) == 0 && a->decided == b->decided &&
	       a->pass == b->pass;
}

static void test_round_trip(void)
{
	char *tmp = cut_tmpdir(), dir[512], err[256];
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(dir, sizeof dir, "%s/store", tmp);
	struct cap_cache c;
	CU_ASSERT_EQUAL_FATAL(cap_cache_open(&c, dir, "<scenario/>\n", err, sizeof err), 0);
	char *k = cap_cache_key(&c, 7, 280), *k2 = cap_cache_key(&c, 7, 290);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k2);
	CU_ASSERT_PTR_NOT_NULL(strstr(k, "seed 7\nhint 280\nbuild "));
	struct cap_result r = { 0 }, got = { 0 };
	/* nothing there yet */
	CU_ASSERT_EQUAL(cap_cache_take(&c, k, 0, &got), 0);
	CU_ASSERT_EQUAL(got.nprobe, 0);
	/* locked: a claim through another handle (as from another process)
	** is refused, a second one through the same handle too */
	struct cap_cache c2;
	CU_ASSERT_EQUAL_FATAL(cap_cache_open(&c2, dir, "<scenario/>\n", err, sizeof err), 0);
	CU_ASSERT_EQUAL(cap_cache_lock(&c, k), 1);
	CU_ASSERT_EQUAL(cap_cache_lock(&c2, k), 0);
	CU_ASSERT_EQUAL(cap_cache_lock(&c, k2), -1);
	cap_cache_unlock(&c2, k);   /* holds nothing: drops nothing */
	CU_ASSERT_EQUAL(cap_cache_lock(&c2, k), 0);
	fill(&r, 0);
	cap_cache_put(&c, k, &r, 0);
	CU_ASSERT_EQUAL(cap_cache_lock(&c2, k), 1);   /* put dropped it */
	cap_cache_unlock(&c2, k);
	CU_ASSERT_EQUAL(c2.lock_fd, -1);
	cap_cache_close(&c2);
	/* taken as replication 0: bit for bit, the failing probe's tail too */
	CU_ASSERT_EQUAL(cap_cache_take(&c, k, 0, &got), 1);
	CU_ASSERT_EQUAL_FATAL(got.nprobe, 3);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT(same_probe(&got.probe[i], &r.probe[i]));
		CU_ASSERT_EQUAL(got.probe[i].rep, 0);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(got.probe[0].tail);
	CU_ASSERT_STRING_EQUAL(got.probe[0].tail, "stage,a\nx,1\n");
	CU_ASSERT_PTR_NULL(got.probe[1].tail);
	cap_free(&got);
	/* as replication 2: its own index, no tail (only replication 0 keeps one) */
	CU_ASSERT_EQUAL(cap_cache_take(&c, k, 2, &got), 1);
	CU_ASSERT_EQUAL_FATAL(got.nprobe, 3);
	CU_ASSERT_EQUAL(got.probe[0].rep, 2);
	CU_ASSERT_PTR_NULL(got.probe[0].tail);
	cap_free(&got);
	/* another hint: not there */
	CU_ASSERT_EQUAL(cap_cache_take(&c, k2, 0, &got), 0);
	/* the entry's file under another key (a collision of hashes): not taken */
	char cmd[2048], *out;
	snprintf(cmd, sizeof cmd, "cd %s && for e in *.rep; do sed 's/^hint 280$/hint 281/' \"$e\" > x && mv x \"$e\"; done",
		 dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	CU_ASSERT_EQUAL(cap_cache_take(&c, k, 0, &got), 0);
	CU_ASSERT_EQUAL(got.nprobe, 0);
	/* stored again, then cut short by one byte: not taken, nothing added */
	CU_ASSERT_EQUAL(cap_cache_lock(&c, k), 1);
	cap_cache_put(&c, k, &r, 0);
	CU_ASSERT_EQUAL(cap_cache_take(&c, k, 0, &got), 1);
	cap_free(&got);
	snprintf(cmd, sizeof cmd, "cd %s && truncate -s -1 *.rep", dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	CU_ASSERT_EQUAL(cap_cache_take(&c, k, 0, &got), 0);
	CU_ASSERT_EQUAL(got.nprobe, 0);
	/* a lock file left by a process that died is taken, whatever pid it
	** names (a dead one, or a live one such as this process's: a pid
	** proves nothing once reused) */
	long pids[2] = { cut_dead_pid(), (long)getpid() };
	for (int i = 0; i < 2; i++) {
		snprintf(cmd, sizeof cmd, "cd %s && for e in *.rep; do echo %ld > \"${e%%.rep}.lock\"; done", dir,
			 pids[i]);
		CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
		free(out);
		CU_ASSERT_EQUAL(cap_cache_lock(&c, k), 1);
		cap_cache_unlock(&c, k);
	}
	/* unlocked, the file is gone */
	snprintf(cmd, sizeof cmd, "ls %s | grep -c 'lock$'", dir);
	cut_run(cmd, &out);
	CU_ASSERT_STRING_EQUAL(out, "0\n");
	free(out);
	cap_free(&r);
	free(k);
	free(k2);
	cap_cache_close(&c);
	/* a file where the store should be */
	snprintf(dir, sizeof dir, "%s/store/x.rep", tmp);
	snprintf(cmd, sizeof cmd, "touch %s", dir);
	CU_ASSERT_EQUAL(cut_run(cmd, &out), 0);
	free(out);
	CU_ASSERT_EQUAL(cap_cache_open(&c, dir, "", err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "expected a directory"));
	cut_rmrf(tmp);
	free(tmp);
}

/* Another process's lock: refused while it lives, whether it is waiting
** or stopped; taken once it is killed (SIGKILL: no chance to unlock), and
** once it has exited having unlocked. */
static void test_lock_process(void)
{
	char *tmp = cut_tmpdir(), err[256];
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	struct cap_cache c;
	CU_ASSERT_EQUAL_FATAL(cap_cache_open(&c, tmp, "m\n", err, sizeof err), 0);
	char *k = cap_cache_key(&c, 3, 100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	for (int how = 0; how < 2; how++) {
		int up[2];
		CU_ASSERT_EQUAL_FATAL(pipe(up), 0);
		pid_t pid = fork();
		CU_ASSERT_FATAL(pid >= 0);
		if (pid == 0) {
			/* the child: lock, say so, then hold it (killed) or unlock and exit */
			struct cap_cache cc;
			char e[256], got = cap_cache_open(&cc, tmp, "m\n", e, sizeof e) == 0 && cap_cache_lock(&cc, k) == 1;
			if (write(up[1], &got, 1) != 1)
				_exit(3);
			if (how == 0)
				for (;;)
					pause();
			nanosleep(&(struct timespec){ 0, 200000000 }, NULL);
			cap_cache_unlock(&cc, k);
			_exit(0);
		}
		close(up[1]);
		char got = 0;
		CU_ASSERT_EQUAL(read(up[0], &got, 1), 1);
		close(up[0]);
		CU_ASSERT_EQUAL(got, 1);
		CU_ASSERT_EQUAL(cap_cache_lock(&c, k), 0);
		int st;
		if (how == 0) {
			kill(pid, SIGSTOP);
			CU_ASSERT_EQUAL(cap_cache_lock(&c, k), 0);
			kill(pid, SIGKILL);
		}
		CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
		CU_ASSERT_EQUAL(cap_cache_lock(&c, k), 1);
		cap_cache_unlock(&c, k);
	}
	free(k);
	cap_cache_close(&c);
	cut_rmrf(tmp);
	free(tmp);
}

/* The store's entry for k rewritten with one probe line (its tail empty). */
static void tamper(const char *dir, const char *k, const char *probe)
{
	char cmd[1024], *out;
	snprintf(cmd, sizeof cmd, "ls %s/*.rep", dir);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
	out[strcspn(out, "\n")] = 0;
	FILE *f = fopen(out, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "hvsim replication 1\nkey %zu\n%s\nprobes 1\n%s\n\nend\n", strlen(k), k, probe);
	fclose(f);
	free(out);
}

/* An entry whose fields a search could not have written (a tampered or
** damaged store: docs/capacity.md) is not there: not taken, so the
** replication runs again and its put replaces the entry. */
static void test_tampered(void)
{
	static const char *const bad[] = {
		"99999999999 7 1000 900 990 0x1p-1 0x1.ep+6 0 1 0",            /* users beyond int */
		"0 7 1000 900 990 0x1p-1 0x1.ep+6 0 1 0",                      /* no users */
		"-5 7 1000 900 990 0x1p-1 0x1.ep+6 0 1 0",
		"150 7 0 0 0 0x1p-1 0x1.ep+6 0 1 0",                           /* a pass without a page */
		"150 7 1000 1001 1001 0x1p-1 0x1.ep+6 0 1 0",                  /* good > n */
		"150 7 1000 900 1990 0x1p-1 0x1.ep+6 0 1 0",                   /* tolerable > n */
		"150 7 1000 900 990 nan 0x1.ep+6 0 1 0",
		"150 7 1000 900 990 0x1p-1 inf 0 1 0",
		"150 7 1000 900 990 0x1p-1 -0x1.ep+6 0 1 0",                   /* negative measured time */
		"150 7 1000 900 990 0x1p-1 0x1.ep+6 2 1 0",                    /* decided 2 */
		"150 7 1000 900 990 0x1p-1 0x1.ep+6 0 4294967297 0",           /* pass beyond int */
		"150 -1 1000 900 990 0x1p-1 0x1.ep+6 0 1 0",
		"150 7 99999999999999999999 900 990 0x1p-1 0x1.ep+6 0 1 0",    /* n beyond uint64 */
		"150 7 1000 900 990 0x1p-1 0x1.ep+6 0 1 18446744073709551615", /* a tail past the end */
		"150  7 1000 900 990 0x1p-1 0x1.ep+6 0 1 0",                   /* not as written */
		"150 7 1000 900 990 0x1p-1 0x1.ep+6 0 1",
	};
	char *tmp = cut_tmpdir(), err[256];
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	struct cap_cache c;
	CU_ASSERT_EQUAL_FATAL(cap_cache_open(&c, tmp, "m\n", err, sizeof err), 0);
	char *k = cap_cache_key(&c, 7, 100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	struct cap_result got = { 0 }, r = { 0 };
	fill(&r, 0);
	CU_ASSERT_EQUAL(cap_cache_lock(&c, k), 1);
	cap_cache_put(&c, k, &r, 0);
	/* the line as written is taken (the test's entries are well made) */
	tamper(tmp, k, "150 7 1000 900 990 0x1p-1 0x1.ep+6 0 1 0");
	CU_ASSERT_EQUAL(cap_cache_take(&c, k, 0, &got), 1);
	CU_ASSERT_EQUAL_FATAL(got.nprobe, 1);
	CU_ASSERT(got.probe[0].users == 150 && got.probe[0].qos.good == 900 && got.probe[0].measured == 120 &&
		  got.probe[0].pass == 1);
	cap_free(&got);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		tamper(tmp, k, bad[i]);
		int t = cap_cache_take(&c, k, 0, &got);
		if (t != 0)
			fprintf(stderr, "\n  taken: %s", bad[i]);
		CU_ASSERT_EQUAL(t, 0);
		CU_ASSERT_EQUAL(got.nprobe, 0);
		cap_free(&got);
	}
	/* a FIFO in the entry's place is no entry, never opened: fopen
	** waited for a writer and the sweep hung (in a child, which an
	** alarm ends if it blocks) */
	char cmd[1024], *out;
	snprintf(cmd, sizeof cmd, "f=$(ls %s/*.rep) && rm \"$f\" && mkfifo \"$f\" && echo ok", tmp);
	CU_ASSERT_EQUAL_FATAL(cut_run(cmd, &out), 0);
	free(out);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		alarm(10);
		int t = cap_cache_take(&c, k, 0, &got);
		_exit(t == 0 && got.nprobe == 0 ? 0 : 1);
	}
	int st;
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (WIFSIGNALED(st))
		fprintf(stderr, "\n  a FIFO entry: blocked (signal %d)", WTERMSIG(st));
	/* run again and put: the entry is replaced, and taken */
	CU_ASSERT_EQUAL(cap_cache_lock(&c, k), 1);
	cap_cache_put(&c, k, &r, 0);
	CU_ASSERT_EQUAL(cap_cache_take(&c, k, 0, &got), 1);
	CU_ASSERT_EQUAL(got.nprobe, 3);
	cap_free(&got);
	cap_free(&r);
	free(k);
	cap_cache_close(&c);
	cut_rmrf(tmp);
	free(tmp);
}

/* The key holds the build, the model, the seed and the hint: each one
** changed gives another key. */
static void test_key(void)
{
	char *tmp = cut_tmpdir(), err[256];
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	struct cap_cache a, b;
	CU_ASSERT_EQUAL_FATAL(cap_cache_open(&a, tmp, "model one\n", err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(cap_cache_open(&b, tmp, "model two\n", err, sizeof err), 0);
	char *k[4] = { cap_cache_key(&a, 1, 280), cap_cache_key(&b, 1, 280), cap_cache_key(&a, 2, 280),
		       cap_cache_key(&a, 1, 290) };
	for (int i = 0; i < 4; i++)
		CU_ASSERT_PTR_NOT_NULL_FATAL(k[i]);
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			CU_ASSERT_STRING_NOT_EQUAL(k[i], k[j]);
	CU_ASSERT_PTR_NOT_NULL(strstr(k[0], "model one\n"));
	char *again = cap_cache_key(&a, 1, 280);
	CU_ASSERT_STRING_EQUAL(again, k[0]);
	free(again);
	for (int i = 0; i < 4; i++)
		free(k[i]);
	cap_cache_close(&a);
	cap_cache_close(&b);
	cut_rmrf(tmp);
	free(tmp);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "put, taken back bit for bit under its key only; locks", test_round_trip },
		{ "the key: build, model, seed, hint", test_key },
		{ "an entry no search could have written is not taken", test_tampered },
		{ "a lock held by another process, killed or exiting", test_lock_process },
		{ NULL, NULL },
	};
	cut_suite("cap_cache", t);
}
