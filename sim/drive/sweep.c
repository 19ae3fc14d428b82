/*
** `hvsim sweep` (see sweep.h and docs/sweep.md).
**
** Durability: sweep.csv and sweep.settings are first written together
** into a staging directory and moved into DIR (out_commit), so DIR holds
** either no sweep or a valid header.  Each finished point's row is then
** appended with one write(2) and fsync'd; rows go out in point order
** (rows finished early wait in memory for their predecessors), except on
** an interruption, when every finished row is written at once so nothing
** is lost.  A rerun reads the rows back, matches them to points by their
** leading values, runs only the missing points, and once none is missing
** rewrites the file in point order if it is not (tmp + rename).
**
** Each point runs in a child process (also with -j 1): a point's load or
** run failure, or its memory, never touches the parent or the others.
** What the child does is sweep_point_run.c; here are the processes, the
** order the points go in, and sweep.csv.
*/
#include "sim/drive/sweep.h"
#include "sim/drive/cap_cache.h"
#include "sim/drive/sweep_int.h"
#include "sim/engine/proc.h"
#include "sim/engine/cluster.h"
#include "sim/drive/sweep_file.h"
#include "sim/drive/sweep_reuse.h"
#include "sim/report/output.h"
#include "traces/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_RUNFAIL 1
#define EXIT_USAGE 2
#define EXIT_INTR 130

/* sweep.csv's header (keys 1: the keys, then sweep_put_cols), or those columns
** alone; malloc'd, or NULL. */
static char *header(const struct scenario *s, int keys)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	for (int k = 0; keys && k < s->sweep.nvary; k++) {
		trace_csv_put(f, s->sweep.vary[k].key);
		fputc(',', f);
	}
	sweep_put_cols(f, s);
	if (fclose(f))
		return NULL;
	return buf;
}

/* What makes two sweeps the same besides the header: written beside
** sweep.csv, compared on a rerun. */
static char *settings(const struct sweep_args *a, const struct scenario *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f, "hvsim sweep\nscenario %s\nseed %llu\nmode %s\n", s->name, (unsigned long long)s->seed,
		s->sweep.mode == SWEEP_CAPACITY ? "capacity" : "run");
	if (s->sweep.bracket_previous)
		fputs("bracket previous\n", f);   /* absent: from min, as before it existed */
	for (int i = 0; i < a->nov; i++)
		fprintf(f, "set %s=%s\n", a->ov[i].key, a->ov[i].value);
	sweep_write_vary(f, &s->sweep);
	if (fclose(f))
		return NULL;
	return buf;
}

void sweep_write_vary(FILE *f, const struct scn_sweep *sw)
{
	for (int k = 0; k < sw->nvary; k++) {
		fprintf(f, "vary %s:", sw->vary[k].key);
		for (int i = 0; i < sw->vary[k].nvalues; i++)
			fprintf(f, " %s", sw->vary[k].values[i]);
		fputc('\n', f);
	}
}

/* ----------------------------------------------------- processes --- */

/* In the child: run point p, its message down fd.  0, or -1. */
/* The sweep process's lock on its DIR (lock_dir); -1: none. */
static int lock_fd = -1;

static int child(void *ctx, int p, int fd)
{
	const struct sweep *x = ctx;
	if (lock_fd >= 0)
		close(lock_fd);   /* the lock stays with the sweep process */
	FILE *f = fdopen(fd, "w");
	if (!f)
		return -1;
	sweep_run_point(x->a, x->sw, x->dir, p, f, x->ship, x->start ? &x->start[p] : NULL);
	return fclose(f) ? -1 : 0;
}

/* ---------------------------------------------------- the sweep --- */

/* Append point p's row and fsync it; 0 or -1. */
static int append_row(struct sweep *x, int p)
{
	size_t n = strlen(x->row[p]);
	char *line = malloc(n + 2);
	if (!line)
		return -1;
	memcpy(line, x->row[p], n);
	line[n] = '\n';
	const char *b = line;
	size_t left = n + 1;
	while (left > 0) {
		ssize_t k = write(x->fd, b, left);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			free(line);
			return -1;
		}
		b += k;
		left -= (size_t)k;
	}
	free(line);
	if (fsync(x->fd) && errno != EINVAL)
		return -1;
	if (p < x->last)
		x->in_order = 0;
	if (p > x->last)
		x->last = p;
	free(x->row[p]);
	x->row[p] = NULL;
	x->state[p] = P_WRITTEN;
	return 0;
}

/* A point that needs no more work: its row is in, or it failed. */
static int settled(int st)
{
	return st == P_HAD || st == P_ROW || st == P_FAILED || st == P_WRITTEN;
}

/* Write what is ready in point order; 0 or -1. */
static int flush_rows(struct sweep *x)
{
	for (; x->next < x->sw->npoints; x->next++) {
		int st = x->state[x->next];
		if (st == P_ROW) {
			if (append_row(x, x->next))
				return -1;
		} else if (!settled(st)) {
			break;
		}
	}
	return 0;
}

struct packed {
	const char *pk;
	size_t len;
};

static int fill_packed(struct outdir *od, const void *arg)
{
	const struct packed *a = arg;
	return out_unpack(od, a->pk, a->len);
}

/* The outputs a worker rank sent with point p's row (out_pack) into
** DIR/points/NNN, as its child would have written them; 0 or -1 (err). */
static int unpack_point(struct sweep *x, int p, const char *pk, size_t len, char *err, size_t errlen)
{
	struct packed a = { pk, len };
	return sweep_point_dir(x->dir, p, fill_packed, &a, err, errlen);
}

/* A child ended: settle its point. */
static void finished(struct sweep *x, int p, const char *buf, size_t len, int status)
{
	char lab[1024];
	sweep_label(x->sw, p, lab, sizeof lab);
	const char *body = len > 1 ? buf + 1 : "";
	int kind = len ? buf[0] : 0;
	size_t rl = len > 1 ? strlen(body) : 0;
	char perr[4400] = "";
	if (kind == MSG_ROW && len > rl + 2 && unpack_point(x, p, body + rl + 1, len - rl - 2, perr, sizeof perr))
		kind = MSG_FAIL, body = perr;
	if (kind == MSG_ROW && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (x->a->cache) {
			/* "taken run " in front (run_point) */
			char *e1, *e2;
			long t = strtol(body, &e1, 10), n = strtol(e1, &e2, 10);
			x->cached += (int)t;
			x->reps += (int)n;
			body = *e2 == ' ' ? e2 + 1 : e2;
		}
		x->row[p] = strdup(body);
		x->state[p] = x->row[p] ? P_ROW : P_FAILED;
		x->ran++;
		if (!x->a->progress)
			fprintf(stderr, "point %d/%d (%s): done\n", p + 1, x->total, lab);
		return;
	}
	if (kind == MSG_STOP || (x->a->stop && *x->a->stop)) {
		x->state[p] = P_STOPPED;
		return;
	}
	x->state[p] = P_FAILED;
	x->failed++;
	progress_clear(&x->g);
	if (kind == MSG_FAIL) {
		size_t n = strlen(body);
		while (n && body[n - 1] == '\n')
			n--;
		fprintf(stderr, "hvsim: point %d/%d (%s) failed:\n  %.*s\n", p + 1, x->total, lab, (int)n, body);
	} else if (WIFSIGNALED(status)) {
		fprintf(stderr, "hvsim: point %d/%d (%s) failed: its process died of signal %d\n", p + 1, x->total,
			lab, WTERMSIG(status));
	} else {
		fprintf(stderr, "hvsim: point %d/%d (%s) failed: its process ended without a result\n", p + 1,
			x->total, lab);
	}
}

/* The pool's hooks (sim/engine/proc.h): the next point to do, a point
** that ended, the progress bar.  With bracket="previous" a point waits for the one before it on its
** curve, and starts around its answer: the curves run side by side, each
** point after the other, so the answers depend on neither -j nor which
** process finished first. */
static int next_point(void *ctx)
{
	struct sweep *x = ctx;
	for (;;) {
		while (x->cursor < x->sw->npoints && x->state[x->cursor] != P_TODO)
			x->cursor++;
		if (x->cursor >= x->sw->npoints)
			return -1;
		if (x->start)
			break;
		int p = x->cursor++;
		if (sweep_take_reused(x, p))
			continue;
		x->state[p] = P_RUNNING;
		return p;
	}
	int waiting = 0;
	for (int p = x->cursor; p < x->sw->npoints; p++) {
		if (x->state[p] != P_TODO)
			continue;
		int q = sweep_previous_point(x->sw, p);
		if (q >= 0 && !settled(x->state[q])) {
			waiting = 1;
			continue;
		}
		memset(&x->start[p], 0, sizeof x->start[p]);
		if (q >= 0)
			sweep_point_start(x->dir, q, &x->start[p]);
		if (sweep_take_reused(x, p))
			continue;   /* settled: p + 1 may go now */
		x->state[p] = P_RUNNING;
		return p;
	}
	/* every point left waits for one that runs; none left: done */
	return waiting ? POOL_WAIT : -1;
}

/* The start goes with the point to the process that runs it: mean,
** nrep, rep[0 .. nrep - 1]. */
static int point_arg(void *ctx, int p, int *v, int max)
{
	const struct sweep *x = ctx;
	if (!x->start || max < 2)
		return 0;
	const struct sweep_start *st = &x->start[p];
	int n = st->nrep < max - 2 ? st->nrep : max - 2;
	v[0] = st->mean;
	v[1] = n;
	memcpy(v + 2, st->rep, (size_t)n * sizeof *v);
	return 2 + n;
}

static void point_put(void *ctx, int p, const int *v, int n)
{
	struct sweep *x = ctx;
	if (!x->start)
		return;
	struct sweep_start *st = &x->start[p];
	memset(st, 0, sizeof *st);
	if (n < 2 || v[1] < 0 || v[1] > n - 2 || v[1] > SCN_MAX_REPLICATIONS)
		return;   /* none: from min */
	st->mean = v[0];
	st->nrep = v[1];
	memcpy(st->rep, v + 2, (size_t)st->nrep * sizeof *v);
}

static int point_done(void *ctx, int p, const char *buf, size_t len, int status)
{
	struct sweep *x = ctx;
	finished(x, p, buf, len, status);
	if (flush_rows(x)) {
		progress_clear(&x->g);
		fprintf(stderr, "hvsim: %s: cannot append: %s\n", x->csv, strerror(errno));
		return -1;
	}
	return 0;
}

static void point_tick(void *ctx)
{
	struct sweep *x = ctx;
	if (!x->a->progress)
		return;
	x->g.done = x->had + x->ran + x->failed + x->reused;
	x->g.failed = x->failed;
	progress_update(&x->g);
}

/* Run the points still to do, -j at a time.  0, -1 (an error writing
** sweep.csv or starting processes, reported), -2 interrupted. */
static int run_points(struct sweep *x)
{
	int np = x->sw->npoints;
	char err[300] = "";
	progress_start(&x->g, x->a->progress ? stderr : NULL, "points", x->total);
	x->g.base = x->had;
	struct pool pl = { .jobs = x->a->jobs, .nunits = np, .stop = x->a->stop, .ctx = x, .child = child,
			   .next = next_point, .done = point_done, .tick = point_tick, .arg = point_arg };
	int rc = pool_run(&pl, err, sizeof err);
	progress_end(&x->g);
	/* a point's failure was said where it settled ("a unit failed");
	** the pool's own (out of memory, no process, poll) is said here */
	if (rc == -1 && strcmp(err, "a unit failed") != 0)
		fprintf(stderr, "hvsim: %s\n", err[0] ? err : "the points could not be run");
	if (rc == -1)
		return -1;
	int unsettled = 0;
	for (int p = 0; p < np; p++)
		unsettled += x->state[p] == P_TODO || x->state[p] == P_STOPPED;
	if (x->a->stop && *x->a->stop && unsettled) {
		/* keep what finished, even out of order; a rerun fills the gaps */
		for (int p = 0; p < np; p++)
			if (x->state[p] == P_ROW && append_row(x, p)) {
				fprintf(stderr, "hvsim: %s: cannot append: %s\n", x->csv, strerror(errno));
				return -1;
			}
		return -2;
	}
	return 0;
}

/* ----------------------------------------------------------- main --- */

/* A worker rank (sim/engine/cluster.h): run the points the manager sends,
** each point's outputs written into a private scratch directory and sent
** back with its row.  The exit status the job ends with. */
static int serve_points(const struct sweep_args *a, const struct scenario *s)
{
	/* TMPDIR/hvsim-worker-HOST.tmp-PID: what a killed worker of this host
	** left is removed as stale staging is (its process is gone) */
	const char *tmp = getenv("TMPDIR");
	char host[256] = "", base[4096], scratch[4200];
	if (gethostname(host, sizeof host - 1))
		snprintf(host, sizeof host, "host");
	snprintf(base, sizeof base, "%s/hvsim-worker-%s", tmp && *tmp ? tmp : "/tmp", host);
	out_clean_stale(base);
	snprintf(scratch, sizeof scratch, "%s.tmp-%ld", base, (long)getpid());
	if (mkdir(scratch, 0700))
		return EXIT_RUNFAIL;   /* cluster_finish fails its units: "no result" */
	struct sweep x = { .a = a, .s = s, .sw = &s->sweep, .fd = -1, .dir = scratch, .ship = 1 };
	if (s->sweep.bracket_previous && !(x.start = calloc((size_t)s->sweep.npoints, sizeof *x.start))) {
		out_rmrf(scratch);
		return EXIT_RUNFAIL;
	}
	struct pool pl = { .stop = a->stop, .ctx = &x, .child = child, .put = point_put };
	int rc = cluster_serve(&pl);
	free(x.start);
	out_rmrf(scratch);
	return rc;
}

/* Where the sweep writes: DIR, or with --force over an existing DIR its
** staging DIR.tmp-PID, which replaces DIR at the end (fod); what killed
** runs of this sweep left there cleaned; sweep.csv read back (a resume)
** or created, then opened for appending.  *aa is the sweep's arguments
** with that directory; *shown the sweep.csv the user named.  0 or an exit
** status after a message. */
/* Lock dir for this process (flock on the directory itself, held until
** the sweep process ends; point workers close their copy, so that a
** worker orphaned by a killed sweep does not hold it); a dir this process
** already holds is not locked again.  0, or -1 when another process
** holds it (said on stderr). */
static int lock_dir(const char *dir)
{
	static char held[4200];
	if (held[0] && strcmp(held, dir) == 0)
		return 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;   /* nothing to hold: the writes will say what is wrong */
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "hvsim: %s: another hvsim sweep is writing it; expected a directory no other sweep "
				"uses (wait for that one, or choose another -o)\n", dir);
		close(fd);
		return -1;
	}
	snprintf(held, sizeof held, "%s", dir);
	lock_fd = fd;   /* open for the process's life */
	return 0;
}

static int open_dir(struct sweep *x, const struct sweep_args *a, struct sweep_args *aa, struct outdir *fod,
		    const char *head, const char *set, char **shown)
{
	struct stat st;
	if (a->outdir)
		strcpy(x->dir, a->outdir);
	else
		sprintf(x->dir, "out/%s-sweep", x->s->name);
	sprintf(x->csv, "%s/sweep.csv", x->dir);
	/* one sweep at a time in a DIR: a second one would clean the first's
	** staging as stale and append its rows to the same sweep.csv */
	if (stat(x->dir, &st) == 0 && S_ISDIR(st.st_mode) && lock_dir(x->dir))
		return EXIT_USAGE;
	/* what killed runs of this sweep left: staging beside DIR, in DIR
	** (sweep.csv's rewrite) and in DIR/points (a point's) */
	out_clean_stale(x->dir);
	if (access(x->csv, F_OK) == 0) {   /* inside a sweep's own DIR only */
		char *pts = malloc(strlen(x->dir) + 16);
		out_clean_stale_in(x->dir);
		if (pts) {
			sprintf(pts, "%s/points", x->dir);
			out_clean_stale_in(pts);
		}
		free(pts);
	}
	*shown = strdup(x->csv);
	if (!*shown) {
		fprintf(stderr, "hvsim: out of memory\n");
		return EXIT_RUNFAIL;
	}
	if (a->force && stat(x->dir, &st) == 0) {
		/* the sweep runs in DIR.tmp-PID, which replaces DIR at the end */
		char err[4400];
		if (out_keeps(x->dir, a->file, err, sizeof err) || out_begin(fod, x->dir, OUT_FORCE, err, sizeof err)) {
			fprintf(stderr, "hvsim: %s\n", err);
			return EXIT_USAGE;
		}
		rmdir(fod->stage);   /* sweep_create_csv creates it whole */
		free(x->dir);
		x->dir = strdup(fod->stage);
		free(x->csv);
		x->csv = x->dir ? malloc(strlen(x->dir) + 16) : NULL;
		if (!x->dir || !x->csv) {
			fprintf(stderr, "hvsim: out of memory\n");
			return EXIT_RUNFAIL;
		}
		sprintf(x->csv, "%s/sweep.csv", x->dir);
	}
	*aa = *a;
	aa->outdir = x->dir;
	x->a = aa;
	if (!fod->stage && stat(x->csv, &st) == 0) {
		if (sweep_read_csv(x, head, set))
			return EXIT_USAGE;
	} else if (a->resume) {
		fprintf(stderr, "hvsim: --resume: %s: nothing to resume (%s)\n", x->csv, strerror(errno));
		return EXIT_USAGE;
	} else if (sweep_create_csv(x, head, set)) {
		return EXIT_USAGE;
	}
	if (lock_dir(x->dir))   /* a new DIR: locked as soon as it exists */
		return EXIT_USAGE;
	x->fd = open(x->csv, O_WRONLY | O_APPEND);
	if (x->fd < 0) {
		fprintf(stderr, "hvsim: %s: cannot open: %s\n", x->csv, strerror(errno));
		return EXIT_USAGE;
	}
	return 0;
}

/* Long: the sweep's steps in order (load, check, open, run, report), each
** with its failure path. */
int sweep_run(const struct sweep_args *a)
{
	struct scenario s;
	struct diag d = { 0 };
	if (scn_load(&s, a->file, a->ov, a->nov, 0, &d)) {
		diag_print(&d, stderr);
		diag_free(&d);
		return EXIT_USAGE;
	}
	if (a->has_seed)
		s.seed = a->seed;
	scn_protocol(&s, a->protocol);
	if (!s.sweep.present) {
		fprintf(stderr,
			"%s: <scenario>: expected a <sweep> after <capacity>, with <vary key=... values=...> "
			"children (docs/sweep.md)\n",
			a->file);
		scn_free(&s);
		return EXIT_USAGE;
	}
	if (sweep_check_first(a, &s.sweep, &d)) {
		diag_print(&d, stderr);
		diag_free(&d);
		scn_free(&s);
		return EXIT_USAGE;
	}
	if (a->cache && cluster_active()) {
		/* its locks name processes of one machine (cap_cache.h) */
		fprintf(stderr, "hvsim: --cache: not in a run of several MPI ranks (docs/capacity.md)\n");
		scn_free(&s);
		return EXIT_USAGE;
	}
	if (a->cache) {
		char err[4400];
		if (cap_cache_check(a->cache, err, sizeof err)) {
			fprintf(stderr, "hvsim: %s\n", err);
			scn_free(&s);
			return EXIT_USAGE;
		}
	}
	if (cluster_worker()) {
		int st = serve_points(a, &s);
		scn_free(&s);
		return st;
	}
	struct sweep x = { .a = a, .s = &s, .sw = &s.sweep, .fd = -1, .in_order = 1, .last = -1,
			   .total = s.sweep.npoints };
	struct outdir fod = { 0 };   /* --force over an existing DIR */
	struct sweep_reuse ru = { 0 };
	struct sweep_args aa;
	char *shown = NULL;          /* DIR/sweep.csv as the user named it */
	int pr = 0;
	char *head = header(&s, 1), *set = settings(a, &s);
	int rc = 0;
	size_t dl = a->outdir ? strlen(a->outdir) : strlen(s.name) + 16;
	x.dir = malloc(dl + 1);
	x.csv = malloc(dl + 16);
	x.state = calloc((size_t)x.total, sizeof *x.state);
	x.row = calloc((size_t)x.total, sizeof *x.row);
	if (s.sweep.bracket_previous)
		x.start = calloc((size_t)x.total, sizeof *x.start);
	if (!head || !set || !x.dir || !x.csv || !x.state || !x.row || (s.sweep.bracket_previous && !x.start)) {
		fprintf(stderr, "hvsim: out of memory\n");
		rc = EXIT_RUNFAIL;
		goto done;
	}
	char *cols = a->nreuse ? header(&s, 0) : NULL;
	x.reuse = &ru;
	if (a->nreuse && (!cols || sweep_reuse_open(&ru, a->reuse, a->nreuse, cols))) {
		free(cols);
		rc = EXIT_USAGE;
		goto done;
	}
	free(cols);
	rc = open_dir(&x, a, &aa, &fod, head, set, &shown);
	if (rc)
		goto done;
	if (x.had == x.total)
		fprintf(stderr, "%s: all %d points are already in %s\n", s.name, x.total, x.csv);
	else if (x.had)
		fprintf(stderr, "%s: %d of %d points already in %s; running the other %d\n", s.name, x.had, x.total,
			x.csv, x.total - x.had);
	if (cluster_active())
		aa.jobs = cluster_slots();   /* a point per rank */
	if (aa.jobs > x.total - x.had)
		aa.jobs = x.total - x.had > 0 ? x.total - x.had : 1;
	x.t0 = sweep_now_s();
	pr = x.had < x.total ? run_points(&x) : 0;
	double wall = sweep_now_s() - x.t0;
	if (pr == 0 && flush_rows(&x)) {
		fprintf(stderr, "hvsim: %s: cannot append: %s\n", x.csv, strerror(errno));
		pr = -1;
	}
	if (pr == 0 && !x.in_order && sweep_sort_csv(&x)) {
		fprintf(stderr, "hvsim: %s: cannot rewrite in point order: %s\n", x.csv, strerror(errno));
		pr = -1;
	}
	char lwhy[4500];
	if (pr == 0 && sweep_write_long(&x, lwhy, sizeof lwhy)) {
		fprintf(stderr, "hvsim: %s/long.csv: %s\n", x.dir, lwhy);
		pr = -1;
	}
	if (fod.stage && pr == 0) {
		char err[4400];
		if (x.fd >= 0)
			close(x.fd);
		x.fd = -1;
		if (out_commit(&fod, err, sizeof err)) {
			fprintf(stderr, "hvsim: %s\n", err);
			pr = -1;
		}
	}
	if (pr == -2 && fod.stage) {
		fprintf(stderr, "hvsim: %s: interrupted; nothing replaced, %s is as it was (--force starts again)\n",
			a->file, fod.dest);
		rc = EXIT_INTR;
	} else if (pr == -2) {
		int kept = x.had + x.ran;
		fprintf(stderr, "hvsim: %s: interrupted; %d of %d points are in %s (run the same command again to "
				"resume)\n",
			a->file, kept, x.total, shown);
		rc = EXIT_INTR;
	} else if (pr) {
		if (fod.stage)
			fprintf(stderr, "hvsim: %s: nothing replaced, %s is as it was\n", a->file, fod.dest);
		rc = EXIT_RUNFAIL;
	} else {
		char used[64] = "", kept[4400] = "";
		if (a->nreuse)
			snprintf(used, sizeof used, ", %d reused", x.reused);
		if (a->cache && x.sw->mode == SWEEP_CAPACITY)
			snprintf(kept, sizeof kept, "; %d of their %d replications from %s", x.cached, x.reps, a->cache);
		printf("%s: %d points (%d already done%s, %d run, %d failed%s) in %.3g wall s (%d process%s); wrote %s\n",
		       s.name, x.total, x.had, used, x.ran, x.failed, kept, wall, aa.jobs, aa.jobs == 1 ? "" : "es",
		       shown);
		rc = x.failed ? EXIT_RUNFAIL : 0;
	}
done:
	sweep_reuse_free(&ru);
	out_abort(&fod);   /* after a commit, nothing is left to remove */
	free(fod.dest);
	free(fod.stage);
	free(shown);
	if (x.fd >= 0)
		close(x.fd);
	for (int p = 0; x.row && p < x.total; p++)
		free(x.row[p]);
	free(x.row);
	free(x.start);
	free(x.state);
	free(x.dir);
	free(x.csv);
	free(head);
	free(set);
	diag_free(&d);
	scn_free(&s);
	return rc;
}
