/*
** The pool over the ranks of an MPI job (cluster.h, docs/cluster.md).
** Built into hvsim only when the Makefile finds Open MPI (it replaces
** sim/engine/cluster.c there).
**
** Messages, all MPI_BYTE on MPI_COMM_WORLD, a few ints then bytes:
**   UNIT    manager -> worker  seq, unit, has_hdr; then the pool's hdr
**                              when this worker has not had pool seq's
**   RESULT  worker -> manager  seq, unit, wait status; then what the
**                              unit's child sent
**   STOP    manager -> worker  seq: SIGTERM the child of pool seq
**   END     manager -> worker  the job's exit status
**   FIN     worker -> manager  nothing follows from this worker
** seq numbers the manager's pools, so a result that arrives after its
** pool gave up on it (an interruption) is recognised and dropped.
**
** Nobody blocks in MPI while waiting (Open MPI's blocking calls spin a
** core): the manager polls its local child's pipe with a 1 ms timeout
** while workers are busy, then takes every result that has arrived;
** a worker polls its child's pipe, or sleeps 1 ms, between probes.
*/
#include "sim/engine/cluster.h"
#include "sim/engine/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { T_UNIT = 11, T_RESULT, T_STOP, T_END, T_FIN };

static int g_on;             /* MPI initialised */
static int g_size = 1, g_rank;
static pid_t g_pid;          /* the rank's own process (children are not ranks) */
static int g_seq;            /* the manager's pools so far */
static int g_ended = -1;     /* a worker: the job's status once END came */

int cluster_size(void)
{
	return g_size;
}

int cluster_rank(void)
{
	return g_rank;
}

static int own_process(void)
{
	return g_on && getpid() == g_pid;
}

int cluster_worker(void)
{
	return own_process() && g_rank > 0;
}

int cluster_active(void)
{
	return own_process() && g_rank == 0 && g_size > 1;
}

int cluster_slots(void)
{
	return g_size;
}

/* Started by a launcher: Open MPI's mpirun, or srun (PMIx or PMI-2). */
static int launched(void)
{
	return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

/* FNV-1a over n bytes, from h. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * UINT64_C(0x100000001b3);
	return h;
}

/* The command line (the program's path aside) and the bytes of every
** argument that names a regular file (the scenario, --values, ...). */
static uint64_t job_digest(int argc, char **argv)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	char buf[65536];
	for (int i = 1; i < argc; i++) {
		h = fnv(h, argv[i], strlen(argv[i]) + 1);
		struct stat st;
		if (stat(argv[i], &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		FILE *f = fopen(argv[i], "r");
		if (!f) {
			h = fnv(h, "?", 1);
			continue;
		}
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			h = fnv(h, buf, n);
		fclose(f);
	}
	return h;
}

/*
** Every rank must run rank 0's command on the same files: a rank started
** with other arguments (mpirun -np 1 hvsim A : -np 1 hvsim B) or reading
** other files by the same names (a node without the shared file system)
** ran units of another scenario, whose rows rank 0 wrote as its own.
** The ranks compare digests before anything runs; 1 when they differ
** (rank 0 has said which rank), the job then ends with status 2.
*/
static int same_job(int argc, char **argv)
{
	uint64_t mine = job_digest(argc, argv), r0 = mine;
	MPI_Bcast(&r0, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
	int differs = mine != r0, first = differs ? g_rank : g_size;
	int any = 0;
	MPI_Allreduce(&first, &any, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	if (any == g_size)
		return 0;
	if (g_rank == 0)
		fprintf(stderr,
			"hvsim: rank %d: expected every rank to run rank 0's command line on the same files "
			"(docs/cluster.md), got another command line or other contents of its files\n",
			any);
	return 1;
}

int cluster_init(int *argc, char ***argv)
{
	if (!launched())
		return 0;
	if (MPI_Init(argc, argv) != MPI_SUCCESS) {
		fprintf(stderr, "hvsim: MPI_Init failed\n");
		return 2;
	}
	g_on = 1;
	g_pid = getpid();
	MPI_Comm_size(MPI_COMM_WORLD, &g_size);
	MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
	if (g_rank > 0 && !getenv("HVSIM_CLUSTER_VERBOSE")) {
		/* rank 0 says everything; a worker's messages would repeat it */
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			fflush(stdout);
			fflush(stderr);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
	}
	if (same_job(*argc, *argv)) {
		MPI_Finalize();
		g_on = 0;
		return 2;
	}
	return 0;
}

static void nap(void)
{
	struct timespec t = { 0, 1000000 };
	nanosleep(&t, NULL);
}

static double mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_self(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
	       (double)u.ru_stime.tv_usec / 1e6;
}

/* Send n ints then len bytes to rank dst with tag; MPI errors abort. */
static void send_msg(int dst, int tag, const int *v, int n, const void *b, size_t len)
{
	size_t hl = (size_t)n * sizeof(int);
	char *m = malloc(hl + len + 1);
	if (!m) {
		fprintf(stderr, "hvsim: rank %d: out of memory\n", g_rank);
		MPI_Abort(MPI_COMM_WORLD, 1);
		return;
	}
	if (hl)
		memcpy(m, v, hl);
	if (len)
		memcpy(m + hl, b, len);
	MPI_Send(m, (int)(hl + len), MPI_BYTE, dst, tag, MPI_COMM_WORLD);
	free(m);
}

/* Receive the message st announced (MPI_Iprobe); *len its size; NULL
** when out of memory (the job is aborted). */
static char *recv_msg(const MPI_Status *st, size_t *len)
{
	int n = 0;
	MPI_Get_count(st, MPI_BYTE, &n);
	char *m = malloc((size_t)n + 1);
	if (!m) {
		fprintf(stderr, "hvsim: rank %d: out of memory\n", g_rank);
		MPI_Abort(MPI_COMM_WORLD, 1);
		return NULL;
	}
	MPI_Recv(m, n, MPI_BYTE, st->MPI_SOURCE, st->MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	m[n] = 0;
	*len = (size_t)n;
	return m;
}

static int get_int(const char *m, size_t len, int i)
{
	int v = 0;
	if ((size_t)(i + 1) * sizeof v <= len)
		memcpy(&v, m + (size_t)i * sizeof v, sizeof v);
	return v;
}

/* ----------------------------------------------------------- a unit --- */

/* Drain a finished child: 1 ended (status in *st), 0 not yet, as proc.c. */
static int drain(struct proc *k, int *st, int *err)
{
	int e = proc_drain(k);
	if (e == 0)
		return 0;
	*err = e < 0;
	close(k->fd);
	k->fd = -1;
	*st = 0;
	while (waitpid(k->pid, st, 0) < 0 && errno == EINTR)
		;
	k->pid = 0;
	return 1;
}

/* ------------------------------------------------------ the manager --- */

/* What the pool said about a unit stopped before its result came: as a
** child killed by SIGTERM (Linux's wait status encoding). */
#define STOPPED_STATUS SIGTERM

/* Every result the workers have sent for pool seq, to p->done: a unit
** whose worker is still busy with it.  A failed unit sets *rc = -1 and
** err (the first). */
static void collect_results(const struct pool *p, int seq, int nw, int *busy, int *remote, int *rc, char *err,
			    size_t errlen)
{
	for (;;) {
		int flag = 0;
		MPI_Status st;
		MPI_Iprobe(MPI_ANY_SOURCE, T_RESULT, MPI_COMM_WORLD, &flag, &st);
		if (!flag)
			break;
		size_t len;
		char *m = recv_msg(&st, &len);
		int w = st.MPI_SOURCE, s = get_int(m, len, 0), u = get_int(m, len, 1), ws = get_int(m, len, 2);
		if (len >= 3 * sizeof(int) && s == seq && w >= 1 && w <= nw && busy[w] == u) {
			busy[w] = -1;
			(*remote)--;
			if (p->done(p->ctx, u, m + 3 * sizeof(int), len - 3 * sizeof(int), ws) && *rc == 0) {
				*rc = -1;
				if (!err[0])
					snprintf(err, errlen, "a unit failed");
			}
		}
		free(m);
	}
}

/* Tell every busy worker to stop pool seq.  Interrupted (rc 0), their
** units are done as stopped: the workers had the signal too (and one may
** be dead), and their late results are dropped. */
static void stop_workers(const struct pool *p, int seq, int nw, int *busy, int *remote, int rc)
{
	for (int w = 1; w <= nw; w++) {
		if (busy[w] < 0)
			continue;
		int v[1] = { seq };
		send_msg(w, T_STOP, v, 1, NULL, 0);
		if (rc == 0) {
			int u = busy[w];
			busy[w] = -1;
			(*remote)--;
			p->done(p->ctx, u, "", 0, STOPPED_STATUS);
		}
	}
}

int cluster_pool(const struct pool *p, char *err, size_t errlen)
{
	int nw = g_size - 1, seq = ++g_seq, next_seq = 0, rc = 0, killed = 0, exhausted = 0;
	int *busy = malloc((size_t)g_size * sizeof *busy), *had = malloc((size_t)g_size * sizeof *had);
	if (!busy || !had) {
		free(busy);
		free(had);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int w = 0; w < g_size; w++)
		busy[w] = had[w] = -1;
	struct proc kid = { .fd = -1 };
	int remote = 0, units = 0, local_units = 0;
	/* HVSIM_CLUSTER_MANAGER_ONLY=1: rank 0 runs no unit itself (many
	** ranks, or measuring the manager alone) */
	const char *mo = getenv("HVSIM_CLUSTER_MANAGER_ONLY");
	int local = !(mo && *mo && strcmp(mo, "0") != 0);
	double t0 = mono(), c0 = cpu_self();
	for (;;) {
		int stopping = rc != 0 || (p->stop && *p->stop);
		/* workers first: rank 0 also reads results and writes rows */
		for (int w = 1; !stopping && !exhausted && w <= nw; w++) {
			if (busy[w] >= 0)
				continue;
			int u = p->next ? p->next(p->ctx) : next_seq < p->nunits ? next_seq++ : -1;
			if (u == POOL_WAIT)
				break;     /* asked again once a unit ends */
			if (u < 0) {
				exhausted = 1;
				break;
			}
			int hdr = had[w] != seq;
			/* seq, unit, a header follows, n, the unit's n args */
			int v[4 + POOL_MAX_ARGS] = { seq, u, hdr, 0 };
			v[3] = p->arg ? p->arg(p->ctx, u, v + 4, POOL_MAX_ARGS) : 0;
			send_msg(w, T_UNIT, v, 4 + v[3], hdr ? p->hdr : NULL, hdr ? p->hdrlen : 0);
			had[w] = seq;
			busy[w] = u;
			remote++;
			units++;
		}
		if (!stopping && !exhausted && kid.fd < 0 && local) {
			int u = p->next ? p->next(p->ctx) : next_seq < p->nunits ? next_seq++ : -1;
			if (u == POOL_WAIT) {
				/* nothing to start until a unit ends */
			} else if (u < 0) {
				exhausted = 1;
			} else {
				if (proc_start_unit(&kid, p, u)) {
					snprintf(err, errlen, "cannot start a process: %s", strerror(errno));
					rc = -1;
					stopping = 1;
				} else {
					units++;
					local_units++;
				}
			}
		}
		if (remote == 0 && kid.fd < 0)
			break;
		proc_escalate(&kid);
		if (stopping && !killed) {
			killed = 1;
			proc_term(&kid);
			stop_workers(p, seq, nw, busy, &remote, rc);
			if (remote == 0 && kid.fd < 0)
				break;
		}
		if (kid.fd >= 0) {
			struct pollfd pf = { .fd = kid.fd, .events = POLLIN };
			int r = poll(&pf, 1, remote ? 1 : 100);
			if (r < 0 && errno != EINTR && rc == 0) {
				snprintf(err, errlen, "poll: %s", strerror(errno));
				rc = -1;
			}
			int st, e;
			if (r > 0 && drain(&kid, &st, &e)) {
				if (p->done(p->ctx, kid.tag, e ? "" : kid.buf ? kid.buf : "", e ? 0 : kid.len, st) &&
				    rc == 0) {
					rc = -1;
					if (!err[0])
						snprintf(err, errlen, "a unit failed");
				}
				free(kid.buf);
				kid.buf = NULL;
				kid.len = kid.cap = 0;
			}
		} else {
			nap();
		}
		collect_results(p, seq, nw, busy, &remote, &rc, err, errlen);
		if (p->tick)
			p->tick(p->ctx);
	}
	if (getenv("HVSIM_CLUSTER_STATS")) {
		double wall = mono() - t0, cpu = cpu_self() - c0;
		fprintf(stderr, "cluster: pool %d: %d units on %d ranks (%d on rank 0), %.3f wall s, manager CPU %.3f s "
				"(%.1f us a unit)\n",
			seq, units, g_size, local_units, wall, cpu, units ? cpu / units * 1e6 : 0);
	}
	free(busy);
	free(had);
	if (rc)
		return rc;
	return p->stop && *p->stop ? -2 : 0;
}

/* ------------------------------------------------------- a worker --- */

int cluster_serve(const struct pool *p)
{
	struct proc kid = { .fd = -1 };
	int cur_seq = -1, loaded = -1;
	for (;;) {
		if (p->stop && *p->stop)
			proc_term(&kid);
		proc_escalate(&kid);
		if (kid.fd >= 0) {
			struct pollfd pf = { .fd = kid.fd, .events = POLLIN };
			int st, e;
			if (poll(&pf, 1, 1) > 0 && drain(&kid, &st, &e)) {
				int v[3] = { cur_seq, kid.tag, st };
				send_msg(0, T_RESULT, v, 3, kid.buf, e ? 0 : kid.len);
				free(kid.buf);
				kid.buf = NULL;
				kid.len = kid.cap = 0;
			}
		}
		int flag = 0;
		MPI_Status st;
		MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
		if (!flag) {
			if (kid.fd < 0)
				nap();
			continue;
		}
		size_t len;
		char *m = recv_msg(&st, &len);
		if (st.MPI_TAG == T_END) {
			g_ended = get_int(m, len, 0);
			free(m);
			if (kid.fd >= 0)
				proc_reap(&kid, SIGTERM);
			free(kid.buf);
			return g_ended;
		}
		if (st.MPI_TAG == T_STOP) {
			if (kid.fd >= 0 && get_int(m, len, 0) == cur_seq)
				proc_term(&kid);
			free(m);
			continue;
		}
		if (st.MPI_TAG != T_UNIT || kid.fd >= 0) {
			free(m);
			continue;
		}
		int seq = get_int(m, len, 0), u = get_int(m, len, 1), hdr = get_int(m, len, 2);
		int na = get_int(m, len, 3), args[POOL_MAX_ARGS];
		int fail = 0;
		size_t at = (size_t)(4 + na) * sizeof(int);
		if (na < 0 || na > POOL_MAX_ARGS || at > len) {
			na = 0;
			loaded = -1;   /* a message this rank cannot read: the unit fails */
		} else if (hdr) {
			loaded = -1;
			if (!p->load || p->load(p->ctx, m + at, len - at) == 0)
				loaded = seq;
		}
		for (int i = 0; i < na; i++)
			args[i] = get_int(m, len, 4 + i);
		if (loaded == seq && p->put)
			p->put(p->ctx, u, args, na);
		cur_seq = seq;
		if (loaded != seq)
			fail = 1 << 8;   /* as a child that exited 1, with nothing sent */
		else if (p->stop && *p->stop)
			fail = STOPPED_STATUS;
		if (!fail && proc_start_unit(&kid, p, u))
			fail = 1 << 8;
		if (fail) {
			int v[3] = { seq, u, fail };
			send_msg(0, T_RESULT, v, 3, NULL, 0);
		}
		free(m);
	}
}

/* --------------------------------------------------------- the end --- */

int cluster_finish(int status)
{
	if (!own_process())
		return status;
	if (g_rank == 0) {
		for (int w = 1; w < g_size; w++) {
			int v[1] = { status };
			send_msg(w, T_END, v, 1, NULL, 0);
		}
		/* what each worker still sends (a result given up on), to its FIN */
		for (int w = 1; w < g_size; w++)
			for (;;) {
				int flag = 0;
				MPI_Status st;
				MPI_Iprobe(w, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
				if (!flag) {
					nap();
					continue;
				}
				size_t len;
				free(recv_msg(&st, &len));
				if (st.MPI_TAG == T_FIN)
					break;
			}
	} else {
		/* a worker whose command ended before the job (its setup
		** failed, or nothing was left to do): units fail until END */
		while (g_ended < 0) {
			int flag = 0;
			MPI_Status st;
			MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
			if (!flag) {
				nap();
				continue;
			}
			size_t len;
			char *m = recv_msg(&st, &len);
			if (st.MPI_TAG == T_END) {
				g_ended = get_int(m, len, 0);
			} else if (st.MPI_TAG == T_UNIT) {
				int v[3] = { get_int(m, len, 0), get_int(m, len, 1), 1 << 8 };
				send_msg(0, T_RESULT, v, 3, NULL, 0);
			}
			free(m);
		}
		send_msg(0, T_FIN, NULL, 0, NULL, 0);
		status = g_ended;
	}
	MPI_Finalize();
	g_on = 0;
	return status;
}
