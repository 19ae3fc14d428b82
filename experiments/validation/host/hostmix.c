/*
** hostmix: threads of known behaviour, for recording a Linux host's
** scheduler with `perf sched record` (docs/validation.md).  Each thread
** is what a VCPU thread can look like to the host: a CPU hog, a periodic
** thread, or a mix of spinning and sleeping.
**
**   hostmix [-d SECONDS] [-s SEED] NAME:KIND[:KEY=VALUE]... ...
**
** KIND and its keys (times with a unit: 2ms, 500us, 1s):
**   hog        spins for the whole run (never blocks)
**   periodic   run=T period=P: spins T of CPU time, then sleeps until the
**              next multiple of P from its start (clock_nanosleep
**              TIMER_ABSTIME); a late thread skips no period, it starts
**              the next one at once
**   spinsleep  run=T sleep=S [jitter=F]: spins T of CPU time, then sleeps
**              S (relative), each drawn uniformly in [x(1-F), x(1+F)]
** and for any kind:
**   nice=N     setpriority(PRIO_PROCESS, tid, N): the thread's nice level
**   cpus=LIST  sched_setaffinity of the thread: "0", "0-1", "0,1"
**
** "Spins T of CPU time" means: runs a fixed number of loop iterations,
** as many as took T of CPU time (CLOCK_THREAD_CPUTIME_ID) when measured
** at start-up, before the threads exist; so a thread preempted in the
** middle of its burst still asks for T of CPU -- the demand the thread
** model infers.  (Reading the thread's CPU clock while spinning would not
** do: each read runs the kernel's update_curr(), which perf records as a
** sched_stat_runtime event -- millions of them.)  Hogs spin on the
** vDSO's CLOCK_MONOTONIC, which enters no kernel code.
** NAME (at most 15 characters) becomes the thread's comm
** (prctl PR_SET_NAME), which perf sched shows.  All threads start
** together (a barrier) and stop after -d seconds (default 2).  On stdout,
** one line per thread: "tid name kind nice cpus"; on exit, each thread's
** CPU time and bursts.  Needs Linux (per-thread nice and affinity).
*/
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum kind { HOG, PERIODIC, SPINSLEEP };

struct thr {
	char name[16];
	char spec[128];
	enum kind kind;
	int64_t run, period, sleep;   /* ns */
	double jitter;
	int nice, has_nice;
	cpu_set_t cpus;
	int has_cpus;
	char cpus_text[64];
	pthread_t pt;
	int tid;
	unsigned seed;
	int64_t cpu_used, bursts;
};

static pthread_barrier_t barrier;
static int64_t t_end;

static int64_t now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "hostmix: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

static int64_t parse_time(const char *v)
{
	char *end;
	double x = strtod(v, &end);
	double m = !strcmp(end, "s") ? 1e9 : !strcmp(end, "ms") ? 1e6 : !strcmp(end, "us") ? 1e3
		: !strcmp(end, "ns") ? 1 : -1;
	if (end == v || m < 0 || !(x > 0))
		die("expected a positive time with a unit (2ms, 500us, 1s), got '%s'", v);
	return (int64_t)(x * m + 0.5);
}

static void parse_cpus(const char *v, cpu_set_t *s)
{
	CPU_ZERO(s);
	const char *p = v;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b;
		if (end == p || a < 0 || a >= CPU_SETSIZE)
			die("expected a CPU list such as 0-1 or 0,2, got '%s'", v);
		b = a;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a || b >= CPU_SETSIZE)
				die("expected a CPU list such as 0-1 or 0,2, got '%s'", v);
			p = end;
		}
		for (long c = a; c <= b; c++)
			CPU_SET((int)c, s);
		if (*p == ',')
			p++;
		else if (*p)
			die("expected a CPU list such as 0-1 or 0,2, got '%s'", v);
	}
}

static void parse_spec(const char *spec, struct thr *t)
{
	char buf[128];
	snprintf(t->spec, sizeof t->spec, "%s", spec);
	snprintf(buf, sizeof buf, "%s", spec);
	char *save, *name = strtok_r(buf, ":", &save), *kind = strtok_r(NULL, ":", &save);
	if (!name || !kind || strlen(name) > 15)
		die("expected NAME:KIND[:KEY=VALUE]... with a NAME of 1 to 15 characters, got '%s'", spec);
	snprintf(t->name, sizeof t->name, "%s", name);
	t->kind = !strcmp(kind, "hog") ? HOG : !strcmp(kind, "periodic") ? PERIODIC
		: !strcmp(kind, "spinsleep") ? SPINSLEEP : (enum kind)-1;
	if ((int)t->kind < 0)
		die("expected a kind hog, periodic or spinsleep, got '%s'", kind);
	for (char *kv; (kv = strtok_r(NULL, ":", &save));) {
		char *eq = strchr(kv, '=');
		if (!eq)
			die("expected KEY=VALUE, got '%s'", kv);
		*eq = 0;
		const char *k = kv, *v = eq + 1;
		if (!strcmp(k, "run"))
			t->run = parse_time(v);
		else if (!strcmp(k, "period"))
			t->period = parse_time(v);
		else if (!strcmp(k, "sleep"))
			t->sleep = parse_time(v);
		else if (!strcmp(k, "jitter")) {
			char *end;
			t->jitter = strtod(v, &end);
			if (*end || t->jitter < 0 || t->jitter >= 1)
				die("expected a jitter from 0 to below 1, got '%s'", v);
		} else if (!strcmp(k, "nice")) {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || n < -20 || n > 19)
				die("expected a nice level from -20 to 19, got '%s'", v);
			t->nice = (int)n;
			t->has_nice = 1;
		} else if (!strcmp(k, "cpus")) {
			parse_cpus(v, &t->cpus);
			t->has_cpus = 1;
			snprintf(t->cpus_text, sizeof t->cpus_text, "%s", v);
		} else {
			die("expected a key run, period, sleep, jitter, nice or cpus, got '%s'", k);
		}
	}
	if (t->kind == PERIODIC && (!t->run || !t->period || t->run >= t->period))
		die("periodic needs run=T and period=P with T < P: '%s'", spec);
	if (t->kind == SPINSLEEP && (!t->run || !t->sleep))
		die("spinsleep needs run=T and sleep=S: '%s'", spec);
}

static double iters_per_ns;          /* measured by calibrate() */
static volatile uint64_t sink;

/* n iterations of a loop the compiler cannot drop. */
static void work(uint64_t n)
{
	uint64_t x = sink;
	for (uint64_t i = 0; i < n; i++)
		x = x * 6364136223846793005u + 1442695040888963407u;
	sink = x;
}

/* Iterations per ns of CPU time: the fastest of 20 rounds of 2^20 (the
** one least disturbed by interrupts). */
static void calibrate(void)
{
	double best = 0;
	for (int r = 0; r < 20; r++) {
		int64_t a = now_ns(CLOCK_THREAD_CPUTIME_ID);
		work(1 << 20);
		int64_t b = now_ns(CLOCK_THREAD_CPUTIME_ID);
		if (b > a && (double)(1 << 20) / (double)(b - a) > best)
			best = (double)(1 << 20) / (double)(b - a);
	}
	iters_per_ns = best > 0 ? best : 1;
}

/* Spin `ns` of CPU time's worth of iterations, or until the run ends
** (checked every ~20 us of work). */
static void spin(int64_t ns)
{
	uint64_t left = (uint64_t)((double)ns * iters_per_ns + 0.5);
	uint64_t chunk = (uint64_t)(20000 * iters_per_ns) + 1;
	while (left) {
		uint64_t k = left < chunk ? left : chunk;
		work(k);
		left -= k;
		if (now_ns(CLOCK_MONOTONIC) >= t_end)
			return;
	}
}

/* Spin until the run ends. */
static void hog(void)
{
	uint64_t chunk = (uint64_t)(20000 * iters_per_ns) + 1;
	while (now_ns(CLOCK_MONOTONIC) < t_end)
		work(chunk);
}

static int64_t jittered(struct thr *t, int64_t x)
{
	if (t->jitter <= 0)
		return x;
	double u = (double)rand_r(&t->seed) / RAND_MAX;
	return (int64_t)((double)x * (1 - t->jitter + 2 * t->jitter * u));
}

static void *body(void *arg)
{
	struct thr *t = arg;
	t->tid = (int)syscall(SYS_gettid);
	prctl(PR_SET_NAME, t->name, 0, 0, 0);
	if (t->has_nice && setpriority(PRIO_PROCESS, (id_t)t->tid, t->nice))
		perror("hostmix: setpriority");
	if (t->has_cpus && sched_setaffinity(0, sizeof t->cpus, &t->cpus))
		perror("hostmix: sched_setaffinity");
	pthread_barrier_wait(&barrier);
	int64_t start = now_ns(CLOCK_MONOTONIC), cpu0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	int64_t next = start;
	while (now_ns(CLOCK_MONOTONIC) < t_end) {
		if (t->kind == HOG) {
			hog();
			t->bursts++;
			break;
		}
		spin(t->kind == SPINSLEEP ? jittered(t, t->run) : t->run);
		t->bursts++;
		if (t->kind == PERIODIC) {
			next += t->period;
			int64_t now = now_ns(CLOCK_MONOTONIC);
			if (next <= now)
				continue;
			if (next >= t_end)
				break;
			struct timespec ts = { (time_t)(next / 1000000000), (long)(next % 1000000000) };
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
				;
		} else {
			int64_t s = jittered(t, t->sleep);
			if (now_ns(CLOCK_MONOTONIC) + s >= t_end)
				break;
			struct timespec ts = { (time_t)(s / 1000000000), (long)(s % 1000000000) };
			while (nanosleep(&ts, &ts) == EINTR)
				;
		}
	}
	t->cpu_used = now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	return NULL;
}

int main(int argc, char **argv)
{
	double dur = 2;
	unsigned seed = 1;
	int opt;
	while ((opt = getopt(argc, argv, "d:s:h")) != -1) {
		if (opt == 'd') {
			char *end;
			dur = strtod(optarg, &end);
			if (*end || !(dur > 0 && dur <= 3600))
				die("-d: expected seconds from above 0 to 3600, got '%s'", optarg);
		} else if (opt == 's') {
			seed = (unsigned)strtoul(optarg, NULL, 10);
		} else {
			fprintf(stderr, "usage: hostmix [-d SECONDS] [-s SEED] NAME:KIND[:KEY=VALUE]... ...\n"
					"  kinds: hog | periodic run=T period=P | spinsleep run=T sleep=S [jitter=F]\n"
					"  any kind: nice=N cpus=LIST\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	int n = argc - optind;
	if (n < 1 || n > 64)
		die("expected 1 to 64 thread specs, got %s", n < 1 ? "none" : "more");
	struct thr *t = calloc((size_t)n, sizeof *t);
	if (!t)
		return 1;
	for (int i = 0; i < n; i++) {
		parse_spec(argv[optind + i], &t[i]);
		t[i].seed = seed * 7919u + (unsigned)i;
	}
	calibrate();
	pthread_barrier_init(&barrier, NULL, (unsigned)n + 1);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i].pt, NULL, body, &t[i])) {
			perror("hostmix: pthread_create");
			return 1;
		}
	t_end = now_ns(CLOCK_MONOTONIC) + (int64_t)(dur * 1e9);
	pthread_barrier_wait(&barrier);
	/* the end is set before the threads pass the barrier */
	for (int i = 0; i < n; i++)
		pthread_join(t[i].pt, NULL);
	static const char *const kn[] = { "hog", "periodic", "spinsleep" };
	for (int i = 0; i < n; i++)
		printf("%d %s %s nice=%d cpus=%s cpu_s=%.6f bursts=%lld spec=%s\n", t[i].tid, t[i].name,
		       kn[t[i].kind], t[i].nice, t[i].has_cpus ? t[i].cpus_text : "all", (double)t[i].cpu_used / 1e9,
		       (long long)t[i].bursts, t[i].spec);
	free(t);
	return 0;
}
