/*
** Event queue: the future-event list of the discrete-event engine.
**
** Ordering rule: events leave in (time, insertion sequence) order, so two
** events at the same nanosecond run in the order they were pushed and a
** run is repeatable whatever the heap shape happens to be.
**
** Layout: a short sorted list (near, latest first: the earliest is popped
** from its end without a sift; at most NEAR_MAX keys, about 4 in the
** Fig. 3 scenario) and two implicit 4-ary min-heaps (mid and far, evq.h),
** all of 16-byte keys {time, seq << 32 | slot}; the four children of a
** node are 64 contiguous bytes, and the
** sequence number sits above the slot index so one 64-bit compare breaks
** a time tie (sequence numbers are unique, so the slot never decides).
** Event bodies (fn, obj, arg) live in a slot pool; each slot remembers
** its heap and position (the top two bits: 0 near, 1 mid, 2 far), which
** is what makes
** cancel O(log n), and a
** generation that is odd while the slot is pending and even while free,
** so a handle {gen << 32 | slot} of a popped, cancelled or reused slot is
** recognised as stale (until the 32-bit generation wraps, after 2^31
** reuses of that one slot).  Free slots are chained through their pos
** field.
** The hot loop, picking the earliest child, is branch-free on times; see
** sift_down().
**
** The sequence half is 32 bits.  When it would wrap (after 2^32 pushes)
** the pending keys of all heaps are renumbered 0..n-1 in their merged
** order, which keeps every tie order; see renumber().
**
** Costs: push, pop and cancel O(log n) (O(NEAR_MAX) in the near list);
** pending and next_time O(1);
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
	uint32_t pos;   /* heap tag | heap index while pending, next free slot when free */
};

#define ARITY        4
#define NIL          UINT32_MAX
#define MID          UINT32_C(0x40000000)  /* tag of pos: a key in the middle heap */
#define FAR          UINT32_C(0x80000000)  /* tag of pos: a key in the far heap */
#define TAGS         (MID | FAR)
#define MAX_SLOTS    (MID - 1)          /* slot and heap indices stay below the tags */
#define SEQ_LIMIT    (UINT64_C(1) << 32)
#define MIN_CAP      16
#define NEAR_MAX     16                 /* keys in the near list; more go to the middle heap */
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

/* tag: 0 for the near heap, MID or FAR for the others. */
static inline void place(struct evq *q, struct evq_key *h, uint32_t tag, size_t i, struct evq_key k)
{
	h[i] = k;
	q->slot[key_slot(k)].pos = (uint32_t)i | tag;
}

static void sift_up(struct evq *q, struct evq_key *h, uint32_t tag, size_t i, struct evq_key k)
{
	while (i > 0) {
		size_t p = (i - 1) / ARITY;

		if (!before(k, h[p]))
			break;
		place(q, h, tag, i, h[p]);
		i = p;
	}
	place(q, h, tag, i, k);
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
static void sift_down(struct evq *q, struct evq_key *h, uint32_t tag, size_t n, size_t i, struct evq_key k)
{
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
		place(q, h, tag, i, h[m]);
		i = m;
	}
	sift_up(q, h, tag, i, k);
}

static void reverse(struct evq_key *h, size_t n)
{
	for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
		struct evq_key tmp = h[i];

		h[i] = h[j - 1];
		h[j - 1] = tmp;
	}
}

/* Sort heap hp in place into ascending (time, seq) order, which is itself
** a valid heap: heapsort leaves it descending, then reverse. */
static void sort_heap(struct evq *q, struct evq_heap *hp, uint32_t tag)
{
	struct evq_key *h = hp->key;
	size_t n = hp->n;

	for (size_t end = n; end > 1; end--) {
		struct evq_key last = h[end - 1];

		h[end - 1] = h[0];
		sift_down(q, h, tag, end - 1, 0, last);
	}
	reverse(h, n);
}

/*
** Give the pending keys of all heaps the sequence numbers 0..n-1 in
** their merged (time, seq) order.  Each heap is sorted in place (a sorted
** array is a heap; the near list, sorted latest first, is reversed),
** then the three are walked together, and the near list is turned back;
** no scratch memory, so a push can never fail here.
*/
static void renumber(struct evq *q)
{
	struct evq_heap *hp[3] = { &q->near, &q->mid, &q->far };
	const uint32_t tag[3] = { 0, MID, FAR };
	size_t at[3] = { 0, 0, 0 };
	uint64_t seq = 0;

	reverse(q->near.key, q->near.n);
	for (int l = 1; l < 3; l++)
		sort_heap(q, hp[l], tag[l]);
	for (;;) {
		int m = -1;

		for (int l = 0; l < 3; l++)
			if (at[l] < hp[l]->n && (m < 0 || before(hp[l]->key[at[l]], hp[m]->key[at[m]])))
				m = l;
		if (m < 0)
			break;
		struct evq_key *k = &hp[m]->key[at[m]];
		k->sk = seq++ << 32 | key_slot(*k);
		q->slot[key_slot(*k)].pos = (uint32_t)at[m]++ | tag[m];
	}
	q->seq = seq;
	reverse(q->near.key, q->near.n);
	for (size_t i = 0; i < q->near.n; i++)
		q->slot[key_slot(q->near.key[i])].pos = (uint32_t)i;
}

static int grow_heap(struct evq_heap *hp)
{
	size_t cap = hp->cap ? hp->cap * 2 : MIN_CAP;
	struct evq_key *h;

	/* Never more keys than slots, so MAX_SLOTS also bounds the heap and
	** every heap index fits the slot's 32-bit pos. */
	if (cap > MAX_SLOTS)
		cap = MAX_SLOTS;
	if (cap <= hp->cap || cap > SIZE_MAX / sizeof(*h))
		return -ENOMEM;
	h = realloc(hp->key, cap * sizeof(*h));
	if (!h)
		return -ENOMEM;
	hp->key = h;
	hp->cap = cap;
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

	*q = (struct evq){ .free_head = NIL, .ctx = ctx, .horizon = EVQ_HORIZON,
			   .horizon_mid = EVQ_HORIZON_MID };
	/* Checked before malloc so an absurd hint fails cleanly instead of
	** wrapping the size computation. */
	if (cap > MAX_SLOTS || cap > SIZE_MAX / sizeof(struct evq_slot))
		return -ENOMEM;
	q->near.key = malloc(NEAR_MAX * sizeof(*q->near.key));
	q->mid.key = malloc(MIN_CAP * sizeof(*q->mid.key));
	q->far.key = malloc(cap * sizeof(*q->far.key));
	q->slot = malloc(cap * sizeof(*q->slot));
	if (!q->near.key || !q->mid.key || !q->far.key || !q->slot) {
		evq_free(q);
		return -ENOMEM;
	}
	q->near.cap = NEAR_MAX;
	q->mid.cap = MIN_CAP;
	q->far.cap = cap;
	q->slotcap = (uint32_t)cap;
	return 0;
}

void evq_free(struct evq *q)
{
	free(q->near.key);
	free(q->mid.key);
	free(q->far.key);
	free(q->slot);
	q->near = q->mid = q->far = (struct evq_heap){ NULL, 0, 0 };
	q->slot = NULL;
	q->n = 0;
	q->nslot = q->slotcap = 0;
	q->free_head = NIL;
}

/* The near list: at most NEAR_MAX keys sorted latest first, so the
** earliest is the last and a pop takes it without a sift.  Insert k
** behind the keys earlier than it (they move up one). */
static void near_insert(struct evq *q, struct evq_key k)
{
	struct evq_key *h = q->near.key;
	size_t i = q->near.n++;

	while (i > 0 && before(h[i - 1], k)) {
		place(q, h, 0, i, h[i - 1]);
		i--;
	}
	place(q, h, 0, i, k);
}

/* Take the key at i out of the near list: the earlier ones move down. */
static void near_remove(struct evq *q, size_t i)
{
	struct evq_key *h = q->near.key;

	q->n--;
	q->near.n--;
	for (; i < q->near.n; i++)
		place(q, h, 0, i, h[i + 1]);
}

evq_handle evq_push(struct evq *q, int64_t t, evq_fn fn, void *obj, uint64_t arg)
{
	struct evq_slot *sl;
	struct evq_heap *hp;
	uint32_t s, tag;

	assert(t >= q->now);
	if (t - q->now < q->horizon && q->near.n < NEAR_MAX) {
		hp = &q->near;
		tag = 0;
	} else if (t - q->now < q->horizon_mid) {
		hp = &q->mid;
		tag = MID;
	} else {
		hp = &q->far;
		tag = FAR;
	}
	/* Both arrays are grown before anything changes, so a failed push
	** leaves the queue exactly as it was. */
	if (q->n >= MAX_SLOTS || (hp->n == hp->cap && grow_heap(hp)))
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
	q->n++;
	if (hp == &q->near)
		near_insert(q, (struct evq_key){ t, q->seq++ << 32 | s });
	else
		sift_up(q, hp->key, tag, hp->n++, (struct evq_key){ t, q->seq++ << 32 | s });
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

/* Take the key at i out of heap hp (tag as for place). */
static void remove_at(struct evq *q, struct evq_heap *hp, uint32_t tag, size_t i)
{
	q->n--;
	if (i != --hp->n) {
		/* The last key fills the hole; it may belong above or below. */
		struct evq_key k = hp->key[hp->n];

		if (i > 0 && before(k, hp->key[(i - 1) / ARITY]))
			sift_up(q, hp->key, tag, i, k);
		else
			sift_down(q, hp->key, tag, hp->n, i, k);
	}
}

bool evq_cancel(struct evq *q, evq_handle h)
{
	uint32_t s = live_slot(q, h), pos;

	if (s == NIL)
		return false;
	pos = q->slot[s].pos;
	release(q, s);
	if (pos & FAR)
		remove_at(q, &q->far, FAR, pos & ~TAGS);
	else if (pos & MID)
		remove_at(q, &q->mid, MID, pos & ~TAGS);
	else
		near_remove(q, pos);
	return true;
}

bool evq_pending(const struct evq *q, evq_handle h)
{
	return live_slot(q, h) != NIL;
}

/* The heap or near list that holds the earliest event (its tag in *tag,
** its time in *t), or NULL when the queue is empty. */
static inline struct evq_heap *earliest(struct evq *q, uint32_t *tag, int64_t *t)
{
	struct evq_heap *hp = NULL;
	const struct evq_key *top = NULL;

	*tag = 0;
	if (q->near.n) {
		hp = &q->near;
		top = &q->near.key[q->near.n - 1];
	}
	if (q->mid.n && (!hp || before(q->mid.key[0], *top))) {
		hp = &q->mid;
		top = &q->mid.key[0];
		*tag = MID;
	}
	if (q->far.n && (!hp || before(q->far.key[0], *top))) {
		hp = &q->far;
		top = &q->far.key[0];
		*tag = FAR;
	}
	*t = top ? top->t : INT64_MAX;
	return hp;
}

/* Pop the top of hp, the earliest event, into out. */
static inline void take(struct evq *q, struct evq_heap *hp, uint32_t tag, struct evq_event *out)
{
	struct evq_key top;
	struct evq_slot *sl;

	top = hp == &q->near ? hp->key[hp->n - 1] : hp->key[0];
	sl = &q->slot[key_slot(top)];
	out->time = top.t;
	out->fn = sl->fn;
	out->obj = sl->obj;
	out->arg = sl->arg;
	release(q, key_slot(top));
	q->now = top.t;
	q->popped++;
	q->n--;
	if (--hp->n > 0 && hp != &q->near)
		sift_down(q, hp->key, tag, hp->n, 0, hp->key[hp->n]);
}

bool evq_pop(struct evq *q, struct evq_event *out)
{
	uint32_t tag;
	int64_t t;
	struct evq_heap *hp = earliest(q, &tag, &t);

	if (!hp)
		return false;
	take(q, hp, tag, out);
	return true;
}

bool evq_pop_before(struct evq *q, int64_t until, struct evq_event *out)
{
	uint32_t tag;
	int64_t t;
	struct evq_heap *hp = earliest(q, &tag, &t);

	if (!hp || t >= until)
		return false;
	take(q, hp, tag, out);
	return true;
}

int64_t evq_next_time(const struct evq *q)
{
	int64_t a = q->near.n ? q->near.key[q->near.n - 1].t : INT64_MAX;
	int64_t b = q->mid.n ? q->mid.key[0].t : INT64_MAX;
	int64_t c = q->far.n ? q->far.key[0].t : INT64_MAX;

	a = a < b ? a : b;
	return a < c ? a : c;
}
