/*
** Child processes with a result pipe (see proc.h).
*/
#include "sim/engine/proc.h"
#include "sim/engine/cluster.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int proc_start(struct proc *k, int (*fn)(void *arg, int fd), void *arg, int tag)
{
	int fds[2];
	if (pipe(fds))
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		_exit(fn(arg, fds[1]) ? 1 : 0);
	}
	close(fds[1]);
	*k = (struct proc){ .pid = pid, .fd = fds[0], .tag = tag };
	return 0;
}

int proc_drain(struct proc *k)
{
	char chunk[8192];
	ssize_t n = read(k->fd, chunk, sizeof chunk);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return 1;
	if (k->len + (size_t)n + 1 > k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 4096;
		while (cap < k->len + (size_t)n + 1)
			cap *= 2;
		char *nb = realloc(k->buf, cap);
		if (!nb)
			return -1;
		k->buf = nb;
		k->cap = cap;
	}
	memcpy(k->buf + k->len, chunk, (size_t)n);
	k->len += (size_t)n;
	k->buf[k->len] = 0;
	return 0;
}

void proc_reap(struct proc *k, int sig)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	if (k->pid <= 0)
		return;
	if (sig == SIGTERM)
		proc_term(k);
	else if (sig)
		kill(k->pid, sig);
	for (;;) {
		pid_t r = waitpid(k->pid, NULL, k->term == 1 ? WNOHANG : 0);
		if (r == k->pid || (r < 0 && errno != EINTR))
			break;
		if (r == 0) {
			nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
			proc_escalate(k);
		}
	}
	k->pid = 0;
}

void proc_term(struct proc *k)
{
	if (k->pid <= 0 || k->term)
		return;
	kill(k->pid, SIGTERM);
	clock_gettime(CLOCK_MONOTONIC, &k->termed);
	k->term = 1;
}

void proc_escalate(struct proc *k)
{
	if (k->pid <= 0 || k->term != 1)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((double)(now.tv_sec - k->termed.tv_sec) + (double)(now.tv_nsec - k->termed.tv_nsec) / 1e9 <
	    POOL_KILL_GRACE_S)
		return;
	kill(k->pid, SIGKILL);
	k->term = 2;
}

int proc_write_all(int fd, const void *buf, size_t n)
{
	const char *b = buf;
	while (n > 0) {
		ssize_t k = write(fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

/* -------------------------------------------------------------- pool --- */

struct unit_arg {
	const struct pool *p;
	int unit;
};

static int unit_child(void *arg, int fd)
{
	const struct unit_arg *a = arg;
	return a->p->child(a->p->ctx, a->unit, fd);
}

int proc_start_unit(struct proc *k, const struct pool *p, int unit)
{
	struct unit_arg a = { p, unit };
	return proc_start(k, unit_child, &a, unit);
}

int pool_run(const struct pool *p, char *err, size_t errlen)
{
	if (cluster_active())
		return cluster_pool(p, err, errlen);
	return pool_run_local(p, err, errlen);
}

int pool_run_local(const struct pool *p, char *err, size_t errlen)
{
	int jobs = p->jobs < 1 ? 1 : p->jobs, running = 0, seq = 0, rc = 0;
	struct proc *kid = calloc((size_t)jobs, sizeof *kid);
	struct pollfd *pf = calloc((size_t)jobs, sizeof *pf);
	int *who = calloc((size_t)jobs, sizeof *who);
	if (!kid || !pf || !who) {
		snprintf(err, errlen, "out of memory");
		free(kid);
		free(pf);
		free(who);
		return -1;
	}
	for (int i = 0; i < jobs; i++)
		kid[i].fd = -1;
	for (;;) {
		int stopping = rc != 0 || (p->stop && *p->stop);
		while (!stopping && running < jobs) {
			int u = p->next ? p->next(p->ctx) : seq < p->nunits ? seq++ : -1;
			if (u < 0)
				break;
			int slot = 0;
			while (kid[slot].fd >= 0)
				slot++;
			if (proc_start_unit(&kid[slot], p, u)) {
				snprintf(err, errlen, "cannot start a process: %s", strerror(errno));
				rc = -1;
				stopping = 1;
				break;
			}
			running++;
		}
		if (running == 0)
			break;
		if (stopping)
			for (int i = 0; i < jobs; i++) {
				proc_term(&kid[i]);
				proc_escalate(&kid[i]);
			}
		int n = 0;
		for (int i = 0; i < jobs; i++)
			if (kid[i].fd >= 0) {
				pf[n] = (struct pollfd){ .fd = kid[i].fd, .events = POLLIN };
				who[n++] = i;
			}
		/* a timeout, so a stop that lands just before poll is seen */
		int r = poll(pf, (nfds_t)n, 100);
		if (r < 0 && errno != EINTR && rc == 0) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			rc = -1;
		}
		for (int j = 0; j < n && r > 0; j++) {
			if (!pf[j].revents)
				continue;
			struct proc *k = &kid[who[j]];
			int e = proc_drain(k);
			if (e == 0)
				continue;
			close(k->fd);
			k->fd = -1;
			int st = 0;
			while (waitpid(k->pid, &st, 0) < 0 && errno == EINTR)
				;
			k->pid = 0;
			running--;
			if (p->done(p->ctx, k->tag, e < 0 ? "" : k->buf ? k->buf : "", e < 0 ? 0 : k->len, st) &&
			    rc == 0) {
				rc = -1;
				if (!err[0])
					snprintf(err, errlen, "a unit failed");
			}
			free(k->buf);
			k->buf = NULL;
			k->len = k->cap = 0;
		}
		if (p->tick)
			p->tick(p->ctx);
	}
	free(kid);
	free(pf);
	free(who);
	if (rc)
		return rc;
	return p->stop && *p->stop ? -2 : 0;
}

/* ---------------------------------------------------------- progress --- */

static double mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void progress_start(struct progress *g, FILE *f, const char *what, int total)
{
	*g = (struct progress){ .what = what, .total = total, .f = f, .t0 = mono() };
	g->tty = f && isatty(fileno(f));
	g->last = g->t0;
}

static void progress_line(struct progress *g, double now)
{
	double el = now - g->t0;
	int left = g->total - g->done;
	if (g->tty) {
		int width = 30, fill = g->total ? g->done * width / g->total : width;
		char b[64];
		for (int i = 0; i < width; i++)
			b[i] = i < fill ? '#' : '.';
		b[width] = 0;
		fprintf(g->f, "\r\033[K[%s] %d/%d %s  %.0f s", b, g->done, g->total, g->what, el);
	} else {
		fprintf(g->f, "%d/%d %s done, %.0f s", g->done, g->total, g->what, el);
	}
	if (g->failed)
		fprintf(g->f, ", %d failed", g->failed);
	/* units finished per second so far, the running ones in parallel */
	if (g->done > g->base && left > 0)
		fprintf(g->f, "  ETA %.0f s", el / (g->done - g->base) * left);
	if (!g->tty)
		fputc('\n', g->f);
	fflush(g->f);
	g->shown = g->tty;
	g->last = now;
}

void progress_update(struct progress *g)
{
	if (!g->f)
		return;
	double now = mono();
	/* a bar redraws at every change; lines come every 10 s */
	if (g->tty || now - g->last >= 10)
		progress_line(g, now);
}

void progress_clear(struct progress *g)
{
	if (g->f && g->shown) {
		fputs("\r\033[K", g->f);
		fflush(g->f);
		g->shown = 0;
	}
}

void progress_end(struct progress *g)
{
	if (!g->f)
		return;
	if (g->tty)
		progress_clear(g);
	else if (g->done > 0)
		progress_line(g, mono());
}
