/*
** Event queue: the future-event list of the discrete-event engine.
**
** Ordering rule: events leave in (time, insertion sequence) order, so two
** events at the same nanosecond run in the order they were pushed and a
** run is repeatable whatever the heap shape happens to be.
**
** Layout: an implicit 4-ary min-heap of 16-byte keys {time, seq << 32 |
** slot}; the four children of a node are 64 contiguous bytes, and the
** sequence number sits above the slot index so one 64-bit compare breaks
** a time tie (sequence numbers are unique, so the slot never decides).
** Event bodies (fn, obj, arg) live in a slot pool; each slot remembers
** its heap position, which is what makes cancel O(log n), and a
** generation that is odd while the slot is pending and even while free,
** so a handle {gen << 32 | slot} of a popped, cancelled or reused slot is
** recognised as stale (until the 32-bit generation wraps, after 2^31
** reuses of that one slot).  Free slots are chained through their pos
** field.
** The hot loop, picking the earliest child, is branch-free on times; see
** sift_down().
**
** The sequence half is 32 bits.  When it would wrap (after 2^32 pushes)
** the pending keys are renumbered 0..n-1 in their current order, which
** keeps both the heap shape and every tie order; see renumber().
**
** Costs: push, pop and cancel O(log n); pending and next_time O(1);
** renumber O(n log n) once per 2^32 pushes.  Memory: 16 bytes of key and
** 32 bytes of slot per event, arrays doubled with realloc, never shrunk,
** so the steady state allocates nothing.
*/
#include "sim/engine/evq.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>

struct evq_key {
	int64_t t;
	uint64_t sk;    /* seq << 32 | slot */
};

struct evq_slot {
	evq_fn fn;
	void *obj;
	uint64_t arg;
	uint32_t gen;   /* odd while pending */
	uint32_t pos;   /* heap index while pending, next free slot when free */
};

#define ARITY        4
#define NIL          UINT32_MAX
#define MAX_SLOTS    UINT32_MAX         /* slot indices stay below NIL */
#define SEQ_LIMIT    (UINT64_C(1) << 32)
#define MIN_CAP      16
#define PREFETCH_MIN 4096               /* keys (64 KiB): smaller heaps stay in cache */

#if defined(__GNUC__)
#define unlikely(x)  __builtin_expect(!!(x), 0)
#define prefetch(p)  __builtin_prefetch(p)
#else
#define unlikely(x)  (x)
#define prefetch(p)  ((void)(p))
#endif

static inline uint32_t key_slot(struct evq_key k)
{
	return (uint32_t)k.sk;
}

/* Equal times are rare in most runs, so the tie test is a branch the
** predictor gets right and the time compare stays branch-free. */
static inline bool before(struct evq_key a, struct evq_key b)
{
	if (unlikely(a.t == b.t))
		return a.sk < b.sk;
	return a.t < b.t;
}

static inline void place(struct evq *q, size_t i, struct evq_key k)
{
	q->heap[i] = k;
	q->slot[key_slot(k)].pos = (uint32_t)i;
}

static void sift_up(struct evq *q, size_t i, struct evq_key k)
{
	struct evq_key *h = q->heap;

	while (i > 0) {
		size_t p = (i - 1) / ARITY;

		if (!before(k, h[p]))
			break;
		place(q, i, h[p]);
		i = p;
	}
	place(q, i, k);
}

/* Index of the earliest of the cnt >= 1 keys starting at h[c]. */
static size_t min_child(const struct evq_key *h, size_t c, size_t cnt)
{
	size_t m = c;

	for (size_t j = c + 1; j < c + cnt; j++)
		if (before(h[j], h[m]))
			m = j;
	return m;
}

/*
** Fill the hole at i with k, n being the heap size.  Floyd's variant:
** walk the hole down to a leaf along the earliest children without
** comparing against k, then sift k up from there.  The key that refills
** a hole is usually the old last leaf, which belongs near the bottom, so
** this saves a compare (and a mispredicted exit) per level.
**
** Choosing the earliest of four children is the hot spot of the whole
** simulator.  It is done on times alone with conditional moves, since a
** data-dependent branch here mispredicts about half the time; any equal
** time among the compared keys falls back to the exact (time, seq)
** order, which keeps ties in push order.
*/
static void sift_down(struct evq *q, size_t n, size_t i, struct evq_key k)
{
	struct evq_key *h = q->heap;

	for (;;) {
		size_t c = ARITY * i + 1, m;

		if (c + ARITY <= n) {
			int64_t t0 = h[c].t, t1 = h[c + 1].t;
			int64_t t2 = h[c + 2].t, t3 = h[c + 3].t;
			size_t a = t1 < t0 ? c + 1 : c;
			size_t b = t3 < t2 ? c + 3 : c + 2;
			int64_t ta = t1 < t0 ? t1 : t0;
			int64_t tb = t3 < t2 ? t3 : t2;

			/* A big heap lives in L2/L3: fetch all sixteen
			** grandchildren now, one of whose families the
			** next level reads. */
			if (n >= PREFETCH_MIN && ARITY * (c + ARITY) < n) {
				const struct evq_key *g = &h[ARITY * c + 1];

				prefetch(g);
				prefetch(g + 4);
				prefetch(g + 8);
				prefetch(g + 12);
				prefetch(g + 15);
			}
			m = tb < ta ? b : a;
			if (unlikely((t0 == t1) | (t2 == t3) | (ta == tb)))
				m = min_child(h, c, ARITY);
		} else if (c < n) {
			m = min_child(h, c, n - c);
		} else {
			break;
		}
		place(q, i, h[m]);
		i = m;
	}
	sift_up(q, i, k);
}

/*
** Give the pending keys the sequence numbers 0..n-1 in (time, seq) order.
** Heapsort in place leaves the keys in descending order; reversed, a
** sorted array is itself a valid heap, and it needs no scratch memory, so
** a push can never fail here.
*/
static void renumber(struct evq *q)
{
	struct evq_key *h = q->heap;
	size_t n = q->n;

	for (size_t end = n; end > 1; end--) {
		struct evq_key last = h[end - 1];

		h[end - 1] = h[0];
		sift_down(q, end - 1, 0, last);
	}
	for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
		struct evq_key tmp = h[i];

		h[i] = h[j - 1];
		h[j - 1] = tmp;
	}
	for (size_t i = 0; i < n; i++) {
		h[i].sk = (uint64_t)i << 32 | key_slot(h[i]);
		q->slot[key_slot(h[i])].pos = (uint32_t)i;
	}
	q->seq = n;
}

static int grow_heap(struct evq *q)
{
	size_t cap = q->cap ? q->cap * 2 : MIN_CAP;
	struct evq_key *h;

	/* Never more keys than slots, so MAX_SLOTS also bounds the heap and
	** every heap index fits the slot's 32-bit pos. */
	if (cap > MAX_SLOTS)
		cap = MAX_SLOTS;
	if (cap <= q->cap || cap > SIZE_MAX / sizeof(*h))
		return -ENOMEM;
	h = realloc(q->heap, cap * sizeof(*h));
	if (!h)
		return -ENOMEM;
	q->heap = h;
	q->cap = cap;
	return 0;
}

static int grow_slots(struct evq *q)
{
	uint64_t cap = q->slotcap ? (uint64_t)q->slotcap * 2 : MIN_CAP;
	struct evq_slot *s;

	if (cap > MAX_SLOTS)
		cap = MAX_SLOTS;
	if (cap <= q->slotcap || cap > SIZE_MAX / sizeof(*s))
		return -ENOMEM;
	s = realloc(q->slot, (size_t)cap * sizeof(*s));
	if (!s)
		return -ENOMEM;
	q->slot = s;
	q->slotcap = (uint32_t)cap;
	return 0;
}

int evq_init(struct evq *q, size_t hint, void *ctx)
{
	size_t cap = hint > MIN_CAP ? hint : MIN_CAP;

	*q = (struct evq){ .free_head = NIL, .ctx = ctx };
	/* Checked before malloc so an absurd hint fails cleanly instead of
	** wrapping the size computation. */
	if (cap > MAX_SLOTS || cap > SIZE_MAX / sizeof(struct evq_slot))
		return -ENOMEM;
	q->heap = malloc(cap * sizeof(*q->heap));
	q->slot = malloc(cap * sizeof(*q->slot));
	if (!q->heap || !q->slot) {
		evq_free(q);
		return -ENOMEM;
	}
	q->cap = cap;
	q->slotcap = (uint32_t)cap;
	return 0;
}

void evq_free(struct evq *q)
{
	free(q->heap);
	free(q->slot);
	q->heap = NULL;
	q->slot = NULL;
	q->n = q->cap = 0;
	q->nslot = q->slotcap = 0;
	q->free_head = NIL;
}

evq_handle evq_push(struct evq *q, int64_t t, evq_fn fn, void *obj, uint64_t arg)
{
	struct evq_slot *sl;
	uint32_t s;

	assert(t >= q->now);
	/* Both arrays are grown before anything changes, so a failed push
	** leaves the queue exactly as it was. */
	if (q->n == q->cap && grow_heap(q))
		return EVQ_NONE;
	s = q->free_head;
	if (s == NIL) {
		if (q->nslot == q->slotcap && grow_slots(q))
			return EVQ_NONE;
		s = q->nslot++;
		q->slot[s].gen = 0;
	} else {
		q->free_head = q->slot[s].pos;
	}
	if (q->seq >= SEQ_LIMIT)
		renumber(q);

	sl = &q->slot[s];
	sl->fn = fn;
	sl->obj = obj;
	sl->arg = arg;
	sl->gen++;
	sift_up(q, q->n++, (struct evq_key){ t, q->seq++ << 32 | s });
	return (evq_handle)sl->gen << 32 | s;
}

/* The slot behind h if h is pending, else NIL.  An odd generation is
** never 0, so EVQ_NONE and every even (free-slot) generation miss. */
static uint32_t live_slot(const struct evq *q, evq_handle h)
{
	uint32_t s = (uint32_t)h, gen = (uint32_t)(h >> 32);

	if (!(gen & 1) || s >= q->nslot || q->slot[s].gen != gen)
		return NIL;
	return s;
}

static void release(struct evq *q, uint32_t s)
{
	q->slot[s].gen++;
	q->slot[s].pos = q->free_head;
	q->free_head = s;
}

bool evq_cancel(struct evq *q, evq_handle h)
{
	uint32_t s = live_slot(q, h);
	size_t i;

	if (s == NIL)
		return false;
	i = q->slot[s].pos;
	release(q, s);
	if (i != --q->n) {
		/* The last key fills the hole; it may belong above or below. */
		struct evq_key k = q->heap[q->n];

		if (i > 0 && before(k, q->heap[(i - 1) / ARITY]))
			sift_up(q, i, k);
		else
			sift_down(q, q->n, i, k);
	}
	return true;
}

bool evq_pending(const struct evq *q, evq_handle h)
{
	return live_slot(q, h) != NIL;
}

bool evq_pop(struct evq *q, struct evq_event *out)
{
	struct evq_key top;
	struct evq_slot *sl;

	if (q->n == 0)
		return false;
	top = q->heap[0];
	sl = &q->slot[key_slot(top)];
	out->time = top.t;
	out->fn = sl->fn;
	out->obj = sl->obj;
	out->arg = sl->arg;
	release(q, key_slot(top));
	q->now = top.t;
	q->popped++;
	if (--q->n > 0)
		sift_down(q, q->n, 0, q->heap[q->n]);
	return true;
}

int64_t evq_next_time(const struct evq *q)
{
	return q->n ? q->heap[0].t : INT64_MAX;
}
