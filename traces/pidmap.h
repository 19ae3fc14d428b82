/*
** Threads by key for the trace readers (activity.c: a hash of the name
** and pid; perf_sched.c: the pid): open addressing with Knuth's
** multiplicative hash, kept at most half full so that probes stay short.
** Entries that share a key make one run of probes that every look-up of
** the key walks, so callers keep them few: a key mixes everything that
** tells threads apart, or trace_pidmap_put keeps one entry per key (a
** reused pid replaces its dead thread).  The caller's match function
** tells apart the entries that share a key.
*/
#ifndef HVSIM_TRACES_PIDMAP_H
#define HVSIM_TRACES_PIDMAP_H

#include <stddef.h>

struct trace_pidmap_slot {
	unsigned key;
	int idx;               /* the caller's index + 1; 0: empty */
};

struct trace_pidmap {
	struct trace_pidmap_slot *slot;
	size_t size, n;        /* size is 0 or a power of two */
};

/* Does the entry with the caller's index idx match?  arg is find's. */
typedef int trace_pidmap_match_fn(const void *arg, int idx);

/* The index of the first entry for key that match accepts, or -1. */
int trace_pidmap_find(const struct trace_pidmap *m, unsigned key, trace_pidmap_match_fn *match,
		      const void *arg);

/* Add key -> idx (idx >= 0).  0 or -ENOMEM.  Doubles the table when it
** would be more than half full: O(n) then, O(1) amortised. */
int trace_pidmap_add(struct trace_pidmap *m, unsigned key, int idx);

/* Map key to idx: replace the first entry for key, else add one. */
int trace_pidmap_put(struct trace_pidmap *m, unsigned key, int idx);

void trace_pidmap_free(struct trace_pidmap *m);

#endif
