/*
** Child processes that send their results back through a pipe: the
** machinery `capacity -j` (one replication per child) and `sweep -j`
** (one point per child) share.  A child's failure or memory never
** touches the parent.
*/
#ifndef HVSIM_PROC_H
#define HVSIM_PROC_H

#include <stddef.h>
#include <sys/types.h>

struct proc {
	pid_t pid;                    /* 0: none */
	int fd;                       /* read end of its pipe; -1 closed */
	int tag;                      /* the caller's (replication, point) */
	char *buf;                    /* bytes received, NUL-terminated */
	size_t len, cap;
};

/* Fork a child that runs fn(arg, fd) with fd the write end of a pipe and
** exits 0 when fn returns 0, 1 otherwise (with _exit: the parent's stdio
** buffers and atexit work are not the child's).  0, or -1 when no child
** could be made. */
int proc_start(struct proc *k, int (*fn)(void *arg, int fd), void *arg, int tag);

/* Read what the child has sent; 1 at end of file, 0 more to come, -1 error. */
int proc_drain(struct proc *k);

/* Stop a child that may still run: its pipe is closed first (a child
** blocked writing to a full pipe gets EPIPE), then signal sig if not 0,
** then wait for it. */
void proc_reap(struct proc *k, int sig);

/* Write all n bytes to fd (retrying on EINTR); 0 or -1. */
int proc_write_all(int fd, const void *buf, size_t n);

#endif
