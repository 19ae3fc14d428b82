/*
** Event queue suite: (time, push order) ordering, cancel and handle
** staleness, slot reuse, growth, and a long randomized run checked
** event by event against a naive sorted-array model.
*/
#include "sim/engine/evq.h"
#include "tests/cutest.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* xorshift64*: fixed seeds keep every run identical. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * UINT64_C(0x2545F4914F6CDD1D);
}

struct calls {
	int n;
	void *ctx, *obj;
	uint64_t arg;
};

static void fn_a(void *ctx, void *obj, uint64_t arg)
{
	struct calls *c = ctx;

	c->n++;
	c->ctx = ctx;
	c->obj = obj;
	c->arg = arg;
}

static void fn_b(void *ctx, void *obj, uint64_t arg)
{
	fn_a(ctx, obj, arg + 1000000);
}

static char objs[64];

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void test_order_by_time(void)
{
	enum { N = 2000 };
	static int64_t want[N];
	struct evq q;
	struct evq_event ev;
	uint64_t s = 1;

	CU_ASSERT_EQUAL_FATAL(evq_init(&q, 8, NULL), 0);
	CU_ASSERT_EQUAL(evq_size(&q), 0);
	CU_ASSERT_EQUAL(evq_next_time(&q), INT64_MAX);
	for (int i = 0; i < N; i++) {
		/* Distinct times, so arg identifies each event. */
		want[i] = (int64_t)(rnd(&s) % 1000000) * N + i;
		CU_ASSERT_FATAL(evq_push(&q, want[i], fn_a, &objs[i % 64], (uint64_t)want[i]) != EVQ_NONE);
	}
	CU_ASSERT_EQUAL(evq_size(&q), N);
	qsort(want, N, sizeof(want[0]), cmp_i64);
	for (int i = 0; i < N; i++) {
		CU_ASSERT_EQUAL_FATAL(evq_next_time(&q), want[i]);
		CU_ASSERT_FATAL(evq_pop(&q, &ev));
		CU_ASSERT_EQUAL_FATAL(ev.time, want[i]);
		CU_ASSERT_EQUAL_FATAL(ev.arg, (uint64_t)want[i]);
		CU_ASSERT_PTR_EQUAL_FATAL(ev.obj, &objs[(want[i] % N) % 64]);
		CU_ASSERT_EQUAL_FATAL(evq_size(&q), (size_t)(N - 1 - i));
	}
	CU_ASSERT_FALSE(evq_pop(&q, &ev));
	CU_ASSERT_EQUAL(evq_next_time(&q), INT64_MAX);
	evq_free(&q);
}

/* evq_pop_before pops only what is due before its bound, whichever heap
** (near, mid, far) holds it, and leaves the queue as it was otherwise. */
static void test_pop_before(void)
{
	static const int64_t t[] = { 500, 40000000, 2000000, 10, 2000000, INT64_MAX / 4 };
	static const uint64_t order[] = { 3, 0, 2, 4, 1, 5 };
	struct evq q;
	struct evq_event ev;

	CU_ASSERT_EQUAL_FATAL(evq_init(&q, 8, NULL), 0);
	CU_ASSERT_FALSE(evq_pop_before(&q, INT64_MAX, &ev));
	for (int i = 0; i < 6; i++)
		CU_ASSERT_FATAL(evq_push(&q, t[i], fn_a, NULL, (uint64_t)i) != EVQ_NONE);
	CU_ASSERT_FALSE(evq_pop_before(&q, 10, &ev));
	CU_ASSERT_EQUAL(evq_size(&q), 6);
	CU_ASSERT_EQUAL(q.now, 0);
	for (int i = 0; i < 6; i++) {
		CU_ASSERT_FALSE(evq_pop_before(&q, t[order[i]], &ev));
		CU_ASSERT_FATAL(evq_pop_before(&q, t[order[i]] + 1, &ev));
		CU_ASSERT_EQUAL(ev.arg, order[i]);
		CU_ASSERT_EQUAL(ev.time, t[order[i]]);
		CU_ASSERT_EQUAL(q.now, t[order[i]]);
		CU_ASSERT_EQUAL(evq_size(&q), (size_t)(5 - i));
	}
	CU_ASSERT_FALSE(evq_pop_before(&q, INT64_MAX, &ev));
	evq_free(&q);
}

/* Many events at a few times, pushed in a scrambled time order: within
** one time they must come out in push order. */
static void test_ties_push_order(void)
{
	enum { N = 5000 };
	static const int64_t times[] = { 300, 100, 200, 100, 100, 400, 200 };
	struct evq q;
	struct evq_event ev;
	uint64_t s = 7;
	int64_t last_t = -1;
	uint64_t last_arg = 0;
	int count[5] = { 0 };

	CU_ASSERT_EQUAL_FATAL(evq_init(&q, 1, NULL), 0);
	for (uint64_t i = 0; i < N; i++) {
		int64_t t = times[rnd(&s) % 7];

		CU_ASSERT_FATAL(evq_push(&q, t, fn_a, NULL, i) != EVQ_NONE);
	}
	for (int i = 0; i < N; i++) {
		CU_ASSERT_FATAL(evq_pop(&q, &ev));
		CU_ASSERT_FATAL(ev.time >= last_t);
		if (ev.time == last_t)
			CU_ASSERT_FATAL(ev.arg > last_arg);
		last_t = ev.time;
		last_arg = ev.arg;
		count[ev.time / 100]++;
	}
	/* Every time class came out, so the tie check above really ran. */
	for (int k = 1; k <= 4; k++)
		CU_ASSERT(count[k] > N / 10);
	CU_ASSERT_EQUAL(evq_size(&q), 0);
	evq_free(&q);
}

/* An event pushed for "now" while other events for now are pending runs
** after them, like a libuv timer armed from a callback. */
static void test_ties_pushed_during_run(void)
{
	struct evq q;
	struct evq_event ev;
	uint64_t want[] = { 1, 2, 3, 10, 11, 4, 12 };

	CU_ASSERT_EQUAL_FATAL(evq_init(&q, 0, NULL), 0);
	evq_push(&q, 50, fn_a, NULL, 1);
	evq_push(&q, 50, fn_a, NULL, 2);
	evq_push(&q, 50, fn_a, NULL, 3);
	evq_push(&q, 60, fn_a, NULL, 4);
	CU_ASSERT_FATAL(evq_pop(&q, &ev));
	CU_ASSERT_EQUAL(ev.arg, 1);
	evq_push(&q, 50, fn_a, NULL, 10);
	evq_push(&q, 50, fn_a, NULL, 11);
	evq_push(&q, 60, fn_a, NULL, 12);
	for (size_t i = 1; i < sizeof(want) / sizeof(want[0]); i++) {
		CU_ASSERT_FATAL(evq_pop(&q, &ev));
		CU_ASSERT_EQUAL(ev.arg, want[i]);
		CU_ASSERT_EQUAL(ev.time, want[i] == 4 || want[i] == 12 ? 60 : 50);
	}
	CU_ASSERT_FALSE(evq_pop(&q, &ev));
	evq_free(&q);
}

static void test_cancel(void)
{
	struct evq q;
	struct evq_event ev;
	evq_handle h[8];

	CU_ASSERT_EQUAL_FATAL(evq_init(&q, 4, NULL), 0);
	/* Increasing times: h[7] sits in the last heap position. */
	for (int i = 0; i < 8; i++)
		h[i] = evq_push(&q, 10 * (i + 1), fn_a, NULL, (uint64_t)i);
	CU_ASSERT_FALSE(evq_cancel(&q, EVQ_NONE));
	CU_ASSERT_FALSE(evq_pending(&q, EVQ_NONE));

	CU_ASSERT_TRUE(evq_cancel(&q, h[0]));   /* head */
	CU_ASSERT_EQUAL(evq_next_time(&q), 20);
	CU_ASSERT_TRUE(evq_cancel(&q, h[4]));   /* middle */
	CU_ASSERT_TRUE(evq_cancel(&q, h[7]));   /* last */
	CU_ASSERT_EQUAL(evq_size(&q), 5);
	CU_ASSERT_FALSE(evq_cancel(&q, h[4]));  /* twice */
	CU_ASSERT_FALSE(evq_cancel(&q, h[0]));
	CU_ASSERT_EQUAL(evq_size(&q), 5);

	CU_ASSERT_FATAL(evq_pop(&q, &ev));
	CU_ASSERT_EQUAL(ev.arg, 1);
	CU_ASSERT_FALSE(evq_cancel(&q, h[1]));  /* already popped */
	CU_ASSERT_EQUAL(evq_size(&q), 4);

	/* The survivors, in order, and nothing cancelled comes back. */
	for (uint64_t want = 2; want <= 6; want++) {
		if (want == 4)
			continue;
		CU_ASSERT_FATAL(evq_pop(&q, &ev));
		CU_ASSERT_EQUAL(ev.arg, want);
		CU_ASSERT_EQUAL(ev.time, 10 * (int64_t)(want + 1));
	}
	CU_ASSERT_FALSE(evq_pop(&q, &ev));
	for (int i = 0; i < 8; i++)
		CU_ASSERT_FALSE(evq_cancel(&q, h[i]));
	evq_free(&q);
}

/* Cancel every other event of a larger heap (holes deep inside, refilled
** from the end in both directions), then check the rest still pops in
** order. */
static void test_cancel_many(void)
{
	enum { N = 3000 };
	static evq_handle h[N];
	static int64_t t[N];
	struct evq q;
	struct evq_event ev;
	uint64_t s = 99;
	int64_t last = -1;
	size_t left = 0;

	CU_ASSERT_EQUAL_FATAL(evq_init(&q, N, NULL), 0);
	for (int i = 0; i < N; i++) {
		t[i] = (int64_t)(rnd(&s) % 100000);
		h[i] = evq_push(&q, t[i], fn_a, NULL, (uint64_t)i);
	}
	for (int i = 0; i < N; i += 2)
		CU_ASSERT_TRUE_FATAL(evq_cancel(&q, h[i]));
	CU_ASSERT_EQUAL(evq_size(&q), N / 2);
	while (evq_pop(&q, &ev)) {
		CU_ASSERT_FATAL(ev.arg % 2 == 1);
		CU_ASSERT_EQUAL_FATAL(ev.time, t[ev.arg]);
		CU_ASSERT_FATAL(ev.time >= last);
		last = ev.time;
		left++;
	}
	CU_ASSERT_EQUAL(left, N / 2);
	evq_free(&q);
}

static void test_pending(void)
{
	struct evq q;
	struct evq_event ev;
	evq_handle a, b, c;

	CU_ASSERT_EQUAL_FATAL(evq_init(&q, 0, NULL), 0);
	a = evq_push(&q, 5, fn_a, NULL, 0);
	b = evq_push(&q, 6, fn_a, NULL, 0);
	c = evq_push(&q, 7, fn_a, NULL, 0);
	CU_ASSERT(a != EVQ_NONE && b != EVQ_NONE && c != EVQ_NONE);
	CU_ASSERT(a != b && b != c && a != c);
	CU_ASSERT_TRUE(evq_pending(&q, a));
	CU_ASSERT_TRUE(evq_pending(&q, b));
	CU_ASSERT_TRUE(evq_pending(&q, c));
	CU_ASSERT_FATAL(evq_pop(&q, &ev));
	CU_ASSERT_FALSE(evq_pending(&q, a));
	CU_ASSERT_TRUE(evq_pending(&q, b));
	CU_ASSERT_TRUE(evq_cancel(&q, b));
	CU_ASSERT_FALSE(evq_pending(&q, b));
	CU_ASSERT_TRUE(evq_pending(&q, c));
	CU_ASSERT_FALSE(evq_pending(&q, EVQ_NONE));
	CU_ASSERT_FATAL(evq_pop(&q, &ev));
	CU_ASSERT_FALSE(evq_pending(&q, c));
	evq_free(&q);
}

static void test_now(void)
{
	struct evq q;
	struct evq_event ev;
	uint64_t s = 3;
	int64_t prev;

	CU_ASSERT_EQUAL_FATAL(evq_init(&q, 0, NULL), 0);
	CU_ASSERT_EQUAL(q.now, 0);
	CU_ASSERT_EQUAL(q.popped, 0);
	CU_ASSERT_FALSE(evq_pop(&q, &ev));
	CU_ASSERT_EQUAL(q.now, 0);

	evq_push(&q, 40, fn_a, NULL, 0);
	evq_push(&q, 40, fn_a, NULL, 1);
	evq_push(&q, 90, fn_a, NULL, 2);
	CU_ASSERT_EQUAL(q.now, 0);              /* pushing does not move time */
	CU_ASSERT_FATAL(evq_pop(&q, &ev));
	CU_ASSERT_EQUAL(q.now, 40);
	CU_ASSERT_EQUAL(q.popped, 1);
	evq_push(&q, 40, fn_a, NULL, 3);        /* t == now is allowed */
	CU_ASSERT_FATAL(evq_pop(&q, &ev));
	CU_ASSERT_EQUAL(q.now, 40);
	CU_ASSERT_FATAL(evq_pop(&q, &ev));
	CU_ASSERT_EQUAL(ev.arg, 3);
	CU_ASSERT_EQUAL(q.now, 40);
	CU_ASSERT_FATAL(evq_pop(&q, &ev));
	CU_ASSERT_EQUAL(q.now, 90);
	CU_ASSERT_EQUAL(q.popped, 4);
	CU_ASSERT_FALSE(evq_pop(&q, &ev));
	CU_ASSERT_EQUAL(q.now, 90);             /* an empty pop keeps time */
	CU_ASSERT_EQUAL(q.popped, 4);

	/* A long hold run: now follows every popped time and never falls. */
	for (int i = 0; i < 100; i++)
		evq_push(&q, q.now + (int64_t)(rnd(&s) % 1000), fn_a, NULL, 0);
	prev = q.now;
	for (int i = 0; i < 20000; i++) {
		CU_ASSERT_FATAL(evq_pop(&q, &ev));
		CU_ASSERT_EQUAL_FATAL(q.now, ev.time);
		CU_ASSERT_FATAL(q.now >= prev);
		prev = q.now;
		evq_push(&q, q.now + (int64_t)(rnd(&s) % 1000), fn_a, NULL, 0);
	}
	CU_ASSERT_EQUAL(q.popped, 20004);
	evq_free(&q);
}

static void test_fn_ctx(void)
{
	struct calls c = { 0 };
	struct evq q;
	struct evq_event ev;

	CU_ASSERT_EQUAL_FATAL(evq_init(&q, 0, &c), 0);
	CU_ASSERT_PTR_EQUAL(q.ctx, &c);
	evq_push(&q, 1, fn_a, &objs[1], 11);
	evq_push(&q, 2, fn_b, &objs[2], 22);
	CU_ASSERT_FATAL(evq_pop(&q, &ev));
	CU_ASSERT_PTR_EQUAL(ev.fn, fn_a);
	ev.fn(q.ctx, ev.obj, ev.arg);
	CU_ASSERT_EQUAL(c.n, 1);
	CU_ASSERT_PTR_EQUAL(c.ctx, &c);
	CU_ASSERT_PTR_EQUAL(c.obj, &objs[1]);
	CU_ASSERT_EQUAL(c.arg, 11);
	CU_ASSERT_FATAL(evq_pop(&q, &ev));
	CU_ASSERT_PTR_EQUAL(ev.fn, fn_b);
	ev.fn(q.ctx, ev.obj, ev.arg);
	CU_ASSERT_EQUAL(c.n, 2);
	CU_ASSERT_PTR_EQUAL(c.obj, &objs[2]);
	CU_ASSERT_EQUAL(c.arg, 1000022);
	evq_free(&q);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* With a single event alive, every push reuses the one freed slot; the
** handle of the previous tenant must not reach the new event. */
static void test_slot_reuse(void)
{
	enum { N = 1000 };
	static evq_handle seen[2 * N];
	struct evq q;
	struct evq_event ev;
	evq_handle old, cur;

	CU_ASSERT_EQUAL_FATAL(evq_init(&q, 0, NULL), 0);
	old = evq_push(&q, 0, fn_a, NULL, 0);
	seen[0] = old;
	for (int i = 1; i < 2 * N; i++) {
		/* Alternate the ways a slot is freed: pop and cancel. */
		if (i % 2) {
			CU_ASSERT_FATAL(evq_pop(&q, &ev));
			CU_ASSERT_EQUAL_FATAL(ev.arg, (uint64_t)i - 1);
		} else {
			CU_ASSERT_TRUE_FATAL(evq_cancel(&q, old));
		}
		cur = evq_push(&q, q.now + 1, fn_a, NULL, (uint64_t)i);
		CU_ASSERT_FATAL(cur != EVQ_NONE);
		CU_ASSERT_FALSE_FATAL(evq_pending(&q, old));
		CU_ASSERT_FALSE_FATAL(evq_cancel(&q, old));
		CU_ASSERT_TRUE_FATAL(evq_pending(&q, cur));
		CU_ASSERT_EQUAL_FATAL(evq_size(&q), 1);
		seen[i] = cur;
		old = cur;
	}
	/* The stale cancels above left the live event alone. */
	CU_ASSERT_FATAL(evq_pop(&q, &ev));
	CU_ASSERT_EQUAL(ev.arg, 2 * N - 1);
	/* No handle was ever handed out twice. */
	qsort(seen, 2 * N, sizeof(seen[0]), cmp_u64);
	for (int i = 1; i < 2 * N; i++)
		CU_ASSERT_FATAL(seen[i] != seen[i - 1]);
	evq_free(&q);
}

/* Grow far past the hint (several reallocs of both arrays) while
** handles are outstanding; they must still cancel the right events. */
static void test_growth(void)
{
	enum { N = 100000 };
	static evq_handle h[N];
	static int64_t t[N], want[N];
	struct evq q;
	struct evq_event ev;
	uint64_t s = 5;
	size_t nwant = 0, got = 0;
	bool ok = true;

	CU_ASSERT_EQUAL_FATAL(evq_init(&q, 3, NULL), 0);
	for (int i = 0; i < N; i++) {
		t[i] = (int64_t)(rnd(&s) % 1000000000);
		h[i] = evq_push(&q, t[i], fn_a, NULL, (uint64_t)i);
		if (h[i] == EVQ_NONE)
			ok = false;
	}
	CU_ASSERT_FATAL(ok);
	CU_ASSERT_EQUAL(evq_size(&q), N);
	CU_ASSERT(q.near.cap + q.mid.cap + q.far.cap >= N);
	for (int i = 0; i < N; i++) {
		if (i % 7 == 3) {
			if (!evq_cancel(&q, h[i]))
				ok = false;
		} else {
			want[nwant++] = t[i];
			if (!evq_pending(&q, h[i]))
				ok = false;
		}
	}
	CU_ASSERT_FATAL(ok);
	CU_ASSERT_EQUAL(evq_size(&q), nwant);
	qsort(want, nwant, sizeof(want[0]), cmp_i64);
	while (evq_pop(&q, &ev)) {
		if (got >= nwant || ev.time != want[got] || ev.arg % 7 == 3 ||
		    t[ev.arg] != ev.time)
			ok = false;
		got++;
	}
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(got, nwant);
	evq_free(&q);
}

/*
** White box: the key holds a 32-bit sequence number and the queue
** renumbers the pending keys when q->seq reaches 2^32.  Rather than push
** four billion events, start q->seq just short of the wrap (the field is
** public) and check that ties pushed across it keep their order and that
** handles survive the renumbering.
*/
static void test_seq_wrap(void)
{
	enum { N = 600 };
	static evq_handle h[N];
	struct evq q;
	struct evq_event ev;
	uint64_t s = 11;
	int64_t last_t = -1;
	uint64_t last_arg = 0;
	int popped = 0;

	CU_ASSERT_EQUAL_FATAL(evq_init(&q, 0, NULL), 0);
	q.seq = (UINT64_C(1) << 32) - N / 2;
	for (int i = 0; i < N; i++)
		h[i] = evq_push(&q, (int64_t)(rnd(&s) % 4), fn_a, NULL, (uint64_t)i);
	CU_ASSERT(q.seq < (UINT64_C(1) << 32));
	for (int i = 0; i < N; i += 5)
		CU_ASSERT_TRUE_FATAL(evq_cancel(&q, h[i]));
	for (int i = 1; i < N; i += 5)
		CU_ASSERT_TRUE_FATAL(evq_pending(&q, h[i]));
	while (evq_pop(&q, &ev)) {
		CU_ASSERT_FATAL(ev.arg % 5 != 0);
		CU_ASSERT_FATAL(ev.time >= last_t);
		if (ev.time == last_t)
			CU_ASSERT_FATAL(ev.arg > last_arg);
		last_t = ev.time;
		last_arg = ev.arg;
		popped++;
	}
	CU_ASSERT_EQUAL(popped, N - N / 5);
	evq_free(&q);
}

static void test_init_nomem(void)
{
	struct evq q;

	/* Refused before any allocation is attempted, so this is safe
	** under ASan too. */
	CU_ASSERT_EQUAL(evq_init(&q, SIZE_MAX, NULL), -ENOMEM);
	evq_free(&q);
	CU_ASSERT_EQUAL(evq_init(&q, 0, NULL), 0);
	CU_ASSERT(evq_push(&q, 1, fn_a, NULL, 0) != EVQ_NONE);
	evq_free(&q);
	evq_free(&q);   /* idempotent */
}

static void test_push_past_asserts(void)
{
#ifdef NDEBUG
	CU_PASS("assertions compiled out");
#else
	int st;
	pid_t pid = fork();

	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		struct evq q;
		struct evq_event ev;

		if (!freopen("/dev/null", "w", stderr))
			_exit(3);
		if (evq_init(&q, 0, NULL))
			_exit(3);
		evq_push(&q, 100, fn_a, NULL, 0);
		evq_pop(&q, &ev);
		evq_push(&q, 99, fn_a, NULL, 0);
		_exit(0);
	}
	CU_ASSERT_FATAL(waitpid(pid, &st, 0) == pid);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
#endif
}

/*
** The model: pending events in an array sorted by (time, seq) descending,
** so the earliest is at the end.  O(n) insert, but simple enough to be
** obviously right.
*/
struct ref {
	int64_t t;
	uint64_t seq;
	evq_handle h;
	evq_fn fn;
	void *obj;
	uint64_t arg;
};

/* Long: one randomized run of the queue against its model, every operation
** checked. */
static void test_random_vs_model(void)
{
	enum { OPS = 200000, PHASE = 2000, NDEAD = 256 };
	struct ref *m = NULL;
	size_t n = 0, cap = 0, maxn = 0;
	evq_handle dead[NDEAD];
	size_t ndead = 0;
	uint64_t s = UINT64_C(0x9E3779B97F4A7C15), seq = 0;
	unsigned npush = 0, npop = 0, ncancel = 0, nempty = 0, nstale = 0;
	struct evq q;
	struct evq_event ev;

	CU_ASSERT_EQUAL_FATAL(evq_init(&q, 16, NULL), 0);
	for (int op = 0; op < OPS; op++) {
		/* Phases grow, churn and drain the queue (to empty). */
		static const unsigned push_pct[] = { 60, 45, 20, 45 };
		static const unsigned pop_pct[] = { 25, 40, 60, 35 };
		unsigned phase = (unsigned)(op / PHASE) % 4;
		unsigned r = (unsigned)(rnd(&s) % 100);

		CU_ASSERT_EQUAL_FATAL(evq_size(&q), n);
		CU_ASSERT_EQUAL_FATAL(evq_next_time(&q), n ? m[n - 1].t : INT64_MAX);
		if (r < push_pct[phase]) {
			uint64_t k = rnd(&s);
			int64_t dt;
			struct ref e;
			size_t lo = 0, hi = n;

			/* Plenty of ties: a quarter at now itself. */
			switch (k % 4) {
			case 0: dt = 0; break;
			case 1: dt = (int64_t)(k >> 8) % 4; break;
			default: dt = (int64_t)(k >> 8) % 5000; break;
			}
			e = (struct ref){ q.now + dt, seq++, EVQ_NONE,
					  k & 1 ? fn_a : fn_b, &objs[(k >> 20) % 64], rnd(&s) };
			e.h = evq_push(&q, e.t, e.fn, e.obj, e.arg);
			CU_ASSERT_FATAL(e.h != EVQ_NONE);
			/* Newest seq: goes after every key with time <= t. */
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;

				if (m[mid].t > e.t)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				m = realloc(m, cap * sizeof(*m));
				CU_ASSERT_PTR_NOT_NULL_FATAL(m);
			}
			memmove(&m[lo + 1], &m[lo], (n - lo) * sizeof(*m));
			m[lo] = e;
			n++;
			if (n > maxn)
				maxn = n;
			npush++;
		} else if (r < push_pct[phase] + pop_pct[phase]) {
			if (!n) {
				CU_ASSERT_FALSE_FATAL(evq_pop(&q, &ev));
				nempty++;
				continue;
			}
			CU_ASSERT_FATAL(evq_pop(&q, &ev));
			n--;
			CU_ASSERT_EQUAL_FATAL(ev.time, m[n].t);
			CU_ASSERT_EQUAL_FATAL(ev.arg, m[n].arg);
			CU_ASSERT_PTR_EQUAL_FATAL(ev.obj, m[n].obj);
			CU_ASSERT_PTR_EQUAL_FATAL(ev.fn, m[n].fn);
			CU_ASSERT_EQUAL_FATAL(q.now, m[n].t);
			CU_ASSERT_FALSE_FATAL(evq_pending(&q, m[n].h));
			dead[ndead++ % NDEAD] = m[n].h;
			npop++;
		} else if (n && rnd(&s) % 4) {
			size_t j = (size_t)(rnd(&s) % n);

			CU_ASSERT_TRUE_FATAL(evq_pending(&q, m[j].h));
			CU_ASSERT_TRUE_FATAL(evq_cancel(&q, m[j].h));
			CU_ASSERT_FALSE_FATAL(evq_pending(&q, m[j].h));
			dead[ndead++ % NDEAD] = m[j].h;
			memmove(&m[j], &m[j + 1], (n - j - 1) * sizeof(*m));
			n--;
			ncancel++;
		} else if (ndead) {
			/* A popped or cancelled handle, maybe of a reused slot. */
			evq_handle h = dead[rnd(&s) % (ndead < NDEAD ? ndead : NDEAD)];

			CU_ASSERT_FALSE_FATAL(evq_pending(&q, h));
			CU_ASSERT_FALSE_FATAL(evq_cancel(&q, h));
			nstale++;
		}
	}
	/* Drain: whatever is left still matches. */
	while (n) {
		CU_ASSERT_FATAL(evq_pop(&q, &ev));
		n--;
		CU_ASSERT_EQUAL_FATAL(ev.time, m[n].t);
		CU_ASSERT_EQUAL_FATAL(ev.arg, m[n].arg);
	}
	CU_ASSERT_FALSE(evq_pop(&q, &ev));
	/* The mix really exercised every path. */
	CU_ASSERT(npush > 50000 && npop > 50000 && ncancel > 5000);
	CU_ASSERT(nempty > 100 && nstale > 1000 && maxn > 300);
	free(m);
	evq_free(&q);
}

/*
** The near/mid/far split (evq.h) only moves the cost: the same random
** mix of pushes (ties included), cancels and pops must pop the same
** events in the same order whatever the horizons — 0 (all far), all
** near, a few in between with and without a middle heap, both changed at
** random while running — and across a sequence wrap, which renumbers the
** heaps together.
*/
#define SPLIT_OPS 60000
static int split_run(int64_t horizon, int64_t mid, int vary, int wrap, uint64_t *out, int *both)
{
	static evq_handle live[4096];
	struct evq q;
	struct evq_event ev;
	uint64_t s = 2024, arg = 0;
	int nlive = 0, nout = 0;

	*both = 0;
	if (evq_init(&q, 0, NULL))
		return -1;
	q.horizon = horizon;
	q.horizon_mid = mid;
	if (wrap)
		q.seq = (UINT64_C(1) << 32) - SPLIT_OPS / 3;
	for (int i = 0; i < SPLIT_OPS; i++) {
		uint64_t r = rnd(&s);
		uint64_t v = rnd(&s);   /* drawn every step: runs stay in step */

		if (vary) {
			q.horizon = (int64_t)(v % 3000);
			q.horizon_mid = (int64_t)(v >> 20) % 9000;
		}
		if (r % 10 < 5 && nlive < 4096) {
			/* ties: coarse times; some far, some near */
			int64_t d = (int64_t)(r >> 8) % 4 == 0 ? (int64_t)(r >> 16) % 100000 : (int64_t)(r >> 16) % 8 * 100;
			live[nlive++] = evq_push(&q, q.now + d, fn_a, NULL, arg++);
		} else if (r % 10 < 7 && nlive > 0) {
			int k = (int)((r >> 8) % (uint64_t)nlive);

			evq_cancel(&q, live[k]);   /* may be stale: popped already */
			live[k] = live[--nlive];
		} else if (evq_pop(&q, &ev)) {
			out[nout++] = (uint64_t)ev.time << 20 ^ ev.arg;
		}
		if (q.near.n && q.far.n)
			*both |= 1;
		if (q.near.n && q.mid.n && q.far.n)
			*both |= 2;
	}
	while (evq_pop(&q, &ev))
		out[nout++] = (uint64_t)ev.time << 20 ^ ev.arg;
	evq_free(&q);
	return nout;
}

static void test_horizon_keeps_order(void)
{
	static uint64_t ref[SPLIT_OPS], got[SPLIT_OPS];
	const int64_t hz[] = { 0, 1, 100, 700, 50000, INT64_MAX };
	int both, n = split_run(INT64_MAX, INT64_MAX, 0, 0, ref, &both);

	CU_ASSERT_FATAL(n > SPLIT_OPS / 4);
	for (size_t k = 0; k < sizeof hz / sizeof hz[0]; k++) {
		for (int mid = 0; mid < 2; mid++) {
			for (int wrap = 0; wrap < 2; wrap++) {
				int64_t hm = !mid ? 0 : hz[k] < INT64_MAX / 3 ? 3 * hz[k] : INT64_MAX;
				int m = split_run(hz[k], hm, 0, wrap, got, &both);

				CU_ASSERT_EQUAL_FATAL(m, n);
				CU_ASSERT_FATAL(memcmp(ref, got, (size_t)n * sizeof ref[0]) == 0);
				if (hz[k] == 700)
					CU_ASSERT(both & (mid ? 2 : 1));   /* the heaps really held keys at once */
			}
		}
	}
	CU_ASSERT_EQUAL_FATAL(split_run(0, 0, 1, 1, got, &both), n);
	CU_ASSERT(memcmp(ref, got, (size_t)n * sizeof ref[0]) == 0);
	CU_ASSERT(both & 2);
}

void tests_register(void)
{
	static const struct cut_test tests[] = {
		{ "order by time", test_order_by_time },
		{ "pop before a bound", test_pop_before },
		{ "ties pop in push order", test_ties_push_order },
		{ "ties pushed while running", test_ties_pushed_during_run },
		{ "cancel head, middle, last, popped, twice, none", test_cancel },
		{ "cancel many then pop", test_cancel_many },
		{ "pending", test_pending },
		{ "now advances, never back", test_now },
		{ "handler, ctx and payload", test_fn_ctx },
		{ "stale handle of a reused slot", test_slot_reuse },
		{ "growth past the hint", test_growth },
		{ "sequence wrap renumbers", test_seq_wrap },
		{ "init refuses absurd hint", test_init_nomem },
		{ "push into the past asserts", test_push_past_asserts },
		{ "200k random ops vs model", test_random_vs_model },
		{ "near/mid/far horizons keep the order", test_horizon_keeps_order },
		{ NULL, NULL }
	};

	cut_suite("evq", tests);
}
