/*
** Threads by pid for the trace readers (activity.c, perf_sched.c): open
** addressing on the pid with Knuth's multiplicative hash, kept at most
** half full so that probes stay short.  Several entries may share a pid
** (a pid reused by a new thread, one pid seen under two names); the
** caller's match function tells them apart.
*/
#ifndef HVSIM_TRACES_PIDMAP_H
#define HVSIM_TRACES_PIDMAP_H

#include <stddef.h>

struct trace_pidmap_slot {
	int pid;
	int idx;               /* the caller's index + 1; 0: empty */
};

struct trace_pidmap {
	struct trace_pidmap_slot *slot;
	size_t size, n;        /* size is 0 or a power of two */
};

/* Does the entry with the caller's index idx match?  arg is find's. */
typedef int trace_pidmap_match_fn(const void *arg, int idx);

/* The index of the first entry for pid that match accepts, or -1. */
int trace_pidmap_find(const struct trace_pidmap *m, int pid, trace_pidmap_match_fn *match,
		      const void *arg);

/* Add pid -> idx (idx >= 0).  0 or -ENOMEM.  Doubles the table when it
** would be more than half full: O(n) then, O(1) amortised. */
int trace_pidmap_add(struct trace_pidmap *m, int pid, int idx);

void trace_pidmap_free(struct trace_pidmap *m);

#endif
