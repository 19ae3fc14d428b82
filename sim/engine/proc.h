/*
** Child processes that send their results back through a pipe, and the
** one pool that runs them for `capacity -j` (a replication per child),
** `sweep -j` (a point per child) and `calibrate -j` (a simulation per
** child), with one progress reporter.  A child's failure or memory never
** touches the parent.
*/
#ifndef HVSIM_PROC_H
#define HVSIM_PROC_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

struct proc {
	pid_t pid;                    /* 0: none */
	int fd;                       /* read end of its pipe; -1 closed */
	int tag;                      /* the caller's (replication, point) */
	char *buf;                    /* bytes received, NUL-terminated */
	size_t len, cap;
	int term;                     /* 1 sent SIGTERM (at termed), 2 then SIGKILL */
	struct timespec termed;
};

/* Fork a child that runs fn(arg, fd) with fd the write end of a pipe and
** exits 0 when fn returns 0, 1 otherwise (with _exit: the parent's stdio
** buffers and atexit work are not the child's).  0, or -1 when no child
** could be made. */
int proc_start(struct proc *k, int (*fn)(void *arg, int fd), void *arg, int tag);

/* Read what the child has sent; 1 at end of file, 0 more to come, -1 error. */
int proc_drain(struct proc *k);

/* Seconds a child has to end after SIGTERM before it gets SIGKILL. */
#define POOL_KILL_GRACE_S 10.0

/* Stop a child that may still run: its pipe is closed first (a child
** blocked writing to a full pipe gets EPIPE), then signal sig if not 0,
** then wait for it (after SIGTERM, proc_term's and proc_escalate's). */
void proc_reap(struct proc *k, int sig);

/* SIGTERM to a running child, once, so that it stops its unit cleanly;
** proc_escalate, called while waiting for it, sends SIGKILL once
** POOL_KILL_GRACE_S have passed since: a child still there is stopped or
** blocked in a system call the signal restarts (an open of a FIFO) and
** would never end. */
void proc_term(struct proc *k);
void proc_escalate(struct proc *k);

/* Write all n bytes to fd (retrying on EINTR); 0 or -1. */
int proc_write_all(int fd, const void *buf, size_t n);

/* A pool of units 0..nunits-1 run in child processes, up to jobs at a
** time.  The caller's hooks (ctx is theirs):
**   child(ctx, u, fd)  in the child: do unit u, write its result to fd;
**                      0 for success (the child exits 0), else 1;
**   next(ctx)          in the parent: the next unit to start, -1 when
**                      none is left, or POOL_WAIT when none can start
**                      before a running one ends (NULL: 0, 1, ... in
**                      order);
**   arg(ctx, u, v, max)  in the parent: up to max (POOL_MAX_ARGS) ints
**                      into v that go with unit u to the process that
**                      runs it; how many (NULL: none); put(ctx, u, v, n)
**                      there, before child() (NULL: none; in a local
**                      child the parent's ctx already holds them);
**   done(ctx, u, buf, len, status)  in the parent, when u's child has
**                      ended: what it sent (len 0 when reading failed)
**                      and its waitpid status; 0, or -1 to stop the pool;
**   tick(ctx)          in the parent after every wake-up (progress).
** Results come back in the order children end; a caller that needs them
** in unit order keeps them by unit (done) and lays them out afterwards.
** When *stop is set, or done() fails, no unit starts any more, the
** running children get SIGTERM and are drained (done() still sees them);
** those still running POOL_KILL_GRACE_S later get SIGKILL.
** Returns 0, -1 after done() failed or a process could not be started
** (message in err), -2 when stopped.
**
** Under mpirun (sim/engine/cluster.h) the manager's pool_run runs units
** on every rank, jobs ignored (a unit per rank); a worker rank runs
** child() with its own ctx, which it sets up from the command line and
** then from the pool's description:
**   hdr, hdrlen        what child() needs beyond the command line (the
**                      manager's side; NULL: nothing);
**   load(ctx, hdr, len)  on a worker, before the units of a new pool:
**                      put that description into ctx; 0 or -1. */
struct pool {
	int jobs, nunits;
	const volatile sig_atomic_t *stop;
	void *ctx;
	int (*child)(void *ctx, int unit, int fd);
	int (*next)(void *ctx);
	int (*done)(void *ctx, int unit, const char *buf, size_t len, int status);
	void (*tick)(void *ctx);
	const void *hdr;
	size_t hdrlen;
	int (*load)(void *ctx, const char *hdr, size_t len);
	int (*arg)(void *ctx, int unit, int *v, int max);
	void (*put)(void *ctx, int unit, const int *v, int n);
};
#define POOL_MAX_ARGS 128

#define POOL_WAIT (-2)
int pool_run(const struct pool *p, char *err, size_t errlen);

/* Start unit `unit` of pool p in child process k (its child() writing to
** the pipe); 0, or -1 with errno (proc_start). */
struct proc;
int proc_start_unit(struct proc *k, const struct pool *p, int unit);

/* The pool without ranks, in this process (pool_run on one machine). */
int pool_run_local(const struct pool *p, char *err, size_t errlen);

/* Progress of a pool: a bar on a terminal (redrawn in place), else a
** line every `every` seconds and at the end.  what names the units
** ("points", "runs"). */
struct progress {
	const char *what;
	int total, done, failed;
	int base;                     /* units done before this run (not in the ETA) */
	double t0, last;
	int tty, shown;
	FILE *f;
};
void progress_start(struct progress *g, FILE *f, const char *what, int total);
void progress_update(struct progress *g);   /* after changing done/failed */
void progress_clear(struct progress *g);    /* erase the bar before a message */
void progress_end(struct progress *g);

#endif
