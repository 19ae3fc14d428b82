/*
** Event queue: the future-event list of the discrete-event engine.
**
** Events are ordered by (time, insertion sequence): two events at the same
** nanosecond run in the order they were pushed, so runs repeat exactly
** (the libuv timer rule).  The engine owns event memory (ROSS style):
** callers push a callback with two payload words and get a handle that
** stays valid for cancel until the event has been popped or cancelled;
** a stale handle is detected (generation counter) and ignored.
**
** Cost: push, pop and cancel are O(log n) in the number of pending events
** (implicit d-ary heaps of (time, seq, slot) keys; event bodies live in a
** slot pool with a free list, so no allocation per event in steady state).
** Three heaps share the keys: events due within `horizon` ns of the
** clock when pushed go to a near heap (a sorted list of at most 16 keys;
** when it is full they go on), those due within `horizon_mid` ns to a
** middle one, the others to a far heap, and a pop takes the earliest of
** the tops.  A model whose many pending events lie far ahead
** (think times of thousands of users) and whose few busy ones are close
** (run segments) or periodic (ticks every few ms) then pays for the busy
** ones in heaps of tens of keys instead of thousands.  The order is the
** same whatever the horizons: they only move the cost.
*/
#ifndef HVSIM_EVQ_H
#define HVSIM_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An event handler: ctx is the queue's context (the world), obj and arg
** the payload given to evq_push. */
typedef void (*evq_fn)(void *ctx, void *obj, uint64_t arg);

/* 0 is never a valid handle: use it for "no event". */
typedef uint64_t evq_handle;
#define EVQ_NONE ((evq_handle)0)

struct evq_slot;   /* private */
struct evq_key;    /* private */

/* One heap of keys: key[0] is its minimum (the near list: sorted latest
** first, key[n - 1] the minimum). */
struct evq_heap {
	struct evq_key *key;
	size_t n, cap;           /* keys, capacity */
};

/* The default horizons of the near and middle heaps, ns. */
#define EVQ_HORIZON 1000000
#define EVQ_HORIZON_MID 32000000

struct evq {
	struct evq_heap near;    /* events due before the horizon when pushed */
	struct evq_heap mid;     /* not near, due before horizon_mid */
	struct evq_heap far;     /* the others */
	size_t n;                /* pending events (all heaps) */
	int64_t horizon;         /* push at t < now + horizon: near; set any time */
	int64_t horizon_mid;     /* else t < now + horizon_mid: mid; set any time */
	struct evq_slot *slot;   /* event bodies */
	uint32_t nslot, slotcap; /* slots in use or free-listed, capacity */
	uint32_t free_head;      /* free slot list, UINT32_MAX when empty */
	uint64_t seq;            /* next insertion sequence */
	int64_t now;             /* time of the last popped event */
	uint64_t popped;         /* events delivered so far */
	void *ctx;               /* passed to every handler */
};

/* A popped event, ready to run: ev.fn(q->ctx, ev.obj, ev.arg). */
struct evq_event {
	int64_t time;
	evq_fn fn;
	void *obj;
	uint64_t arg;
};

/* Prepare an empty queue; hint pre-sizes it.  Returns 0 or -ENOMEM. */
int evq_init(struct evq *q, size_t hint, void *ctx);
void evq_free(struct evq *q);

/* Schedule fn(ctx, obj, arg) at time t (t >= q->now; an earlier t is a
** programming error and asserts).  Returns the handle, or EVQ_NONE when
** memory ran out. */
evq_handle evq_push(struct evq *q, int64_t t, evq_fn fn, void *obj, uint64_t arg);

/* Remove a pending event.  Returns true if it was pending, false if the
** handle is EVQ_NONE, already popped or already cancelled. */
bool evq_cancel(struct evq *q, evq_handle h);

/* Is the event behind h still pending? */
bool evq_pending(const struct evq *q, evq_handle h);

/* Take the earliest event out; sets q->now to its time.  Returns false
** when the queue is empty. */
bool evq_pop(struct evq *q, struct evq_event *out);

/* evq_pop if the earliest event is due before `until`, else false with
** the queue unchanged: the event loop's next_time test and pop in one
** look at the heaps' tops. */
bool evq_pop_before(struct evq *q, int64_t until, struct evq_event *out);

/* Time of the earliest pending event, or INT64_MAX when empty. */
int64_t evq_next_time(const struct evq *q);

static inline size_t evq_size(const struct evq *q) { return q->n; }

#endif
