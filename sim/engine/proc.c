/*
** Child processes with a result pipe (see proc.h).
*/
#include "sim/engine/proc.h"

#include <errno.h>
#include <signal.h>
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
	if (sig)
		kill(k->pid, sig);
	while (waitpid(k->pid, NULL, 0) < 0 && errno == EINTR)
		;
	k->pid = 0;
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
