/*
** Parallel replications of the capacity search (capacity.c): each child
** process runs one replication's whole search and sends its probes, then
** an end record, through a pipe; the parent collects them per replication
** and only then lays them out in replication order, so every output is
** the same for any -j.  Under MPI the replications go to ranks
** (sim/engine/cluster.h) the same way.
*/
#include "sim/drive/capacity.h"
#include "sim/drive/cap_internal.h"
#include "sim/engine/proc.h"
#include "sim/engine/cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* What a child sends: its probes, then one end record. */
struct wire {
	int end;                      /* 0: a probe; 1: the search ended with rc */
	int rc;
	struct cap_probe p;
	char err[512];
};

static int send_probe(void *ctx, struct cap_probe *p)
{
	struct wire m;
	memset(&m, 0, sizeof m);
	m.p = *p;
	m.p.tail = NULL;   /* a pointer means nothing in the parent */
	free(p->tail);
	p->tail = NULL;
	return proc_write_all(*(int *)ctx, &m, sizeof m);
}

/* The pool's view of the replications (sim/engine/proc.h). */
struct reps {
	struct scenario *s;
	const volatile sig_atomic_t *stop;
	char **buf;                   /* what each replication's child sent */
	size_t *len;
	int *status;
	int first;                    /* unit u is replication first + u */
	int hint[SCN_MAX_REPLICATIONS]; /* where unit u's brackets start (cap__search_rep); 0: from min */
	struct progress g;
};

/* In the child: one replication's search, its probes and then its end
** sent down fd.  0, or -1 when the pipe broke. */
static int child(void *ctx, int rep, int fd)
{
	struct reps *x = ctx;
	struct wire m;
	memset(&m, 0, sizeof m);
	m.end = 1;
	m.rc = cap__search_rep(x->s, x->first + rep, x->hint[rep], x->stop, send_probe, &fd, m.err, sizeof m.err);
	int ok = proc_write_all(fd, &m, sizeof m) == 0;
	close(fd);
	return ok ? 0 : -1;
}

static int rep_done(void *ctx, int rep, const char *buf, size_t len, int status)
{
	struct reps *x = ctx;
	x->buf[rep] = malloc(len + 1);
	if (!x->buf[rep])
		return -1;
	memcpy(x->buf[rep], buf, len);
	x->len[rep] = len;
	x->status[rep] = status;
	x->g.done++;
	progress_update(&x->g);
	return 0;
}

/* A worker rank's view of the round (sim/engine/cluster.h): its first
** replication, as "first". */
static int reps_load(void *ctx, const char *hdr, size_t len)
{
	struct reps *x = ctx;
	char buf[64];
	if (len >= sizeof buf)
		return -1;
	memcpy(buf, hdr, len);
	buf[len] = 0;
	return sscanf(buf, "%d", &x->first) == 1 ? 0 : -1;
}

/* Each replication's hint goes with it to the process that runs it. */
static int rep_arg(void *ctx, int rep, int *v, int max)
{
	const struct reps *x = ctx;
	if (max < 1)
		return 0;
	v[0] = x->hint[rep];
	return 1;
}

static void rep_put(void *ctx, int rep, const int *v, int n)
{
	struct reps *x = ctx;
	if (rep >= 0 && rep < SCN_MAX_REPLICATIONS)
		x->hint[rep] = n > 0 ? v[0] : 0;
}

int cap_serve(struct scenario *s, const volatile sig_atomic_t *stop)
{
	struct reps x = { .s = s, .stop = stop };
	struct pool p = { .stop = stop, .ctx = &x, .child = child, .load = reps_load, .put = rep_put };
	return cluster_serve(&p);
}

/* cap_internal.h */
int cap__run_parallel(struct scenario *s, int jobs, int first, int nrep, const int *hint,
		      const volatile sig_atomic_t *stop, struct cap_result *r, char *err, size_t errlen)
{
	int rc = 0;
	struct reps x = { .s = s, .stop = stop, .first = first };
	memcpy(x.hint, hint, (size_t)nrep * sizeof *hint);
	x.buf = calloc((size_t)nrep, sizeof *x.buf);
	x.len = calloc((size_t)nrep, sizeof *x.len);
	x.status = calloc((size_t)nrep, sizeof *x.status);
	if (!x.buf || !x.len || !x.status) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
		goto out;
	}
	progress_start(&x.g, r->progress, "replications", nrep);
	char hdr[32];
	int hl = snprintf(hdr, sizeof hdr, "%d", first);
	struct pool p = { .jobs = jobs, .nunits = nrep, .stop = stop, .ctx = &x, .child = child, .done = rep_done,
			  .hdr = hdr, .hdrlen = (size_t)hl, .arg = rep_arg };
	err[0] = 0;
	rc = pool_run(&p, err, errlen);
	progress_end(&x.g);
	if (rc == -2)
		snprintf(err, errlen, "the search was interrupted");
	for (int i = 0; i < nrep && rc == 0; i++) {
		int st = x.status[i];
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			rc = stop && *stop ? -2 : -1;
			if (WIFSIGNALED(st))
				snprintf(err, errlen, "replication %d: its process died of signal %d", first + i + 1,
					 WTERMSIG(st));
			else
				snprintf(err, errlen, "replication %d: its process failed", first + i + 1);
		}
	}
	/* lay out the replications in order */
	for (int i = 0; i < nrep && rc == 0; i++) {
		size_t nm = x.len[i] / sizeof(struct wire);
		const struct wire *m = (const struct wire *)(void *)x.buf[i];
		if (nm == 0 || x.len[i] % sizeof(struct wire) || !m[nm - 1].end) {
			snprintf(err, errlen, "replication %d: its process ended without a result", first + i + 1);
			rc = -1;
			break;
		}
		for (size_t j = 0; j + 1 < nm && rc == 0; j++) {
			struct cap_probe q = m[j].p;
			q.tail = NULL;
			if (cap__append(r, &q)) {
				snprintf(err, errlen, "out of memory");
				rc = -1;
			}
		}
		if (rc == 0 && m[nm - 1].rc) {
			rc = m[nm - 1].rc;
			snprintf(err, errlen, "%s", m[nm - 1].err);
		}
	}
out:
	for (int i = 0; x.buf && i < nrep; i++)
		free(x.buf[i]);
	free(x.buf);
	free(x.len);
	free(x.status);
	return rc;
}
