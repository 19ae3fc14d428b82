/*
** Linux CFS: the run queue as a tree of entities ordered by (vruntime,
** insertion sequence), with its leftmost entity cached (the kernel's
** rbtree and rb_leftmost); see models/sched_cfs.c.
*/
#include "models/sched_cfs.h"
#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- the tree --- */

static inline bool before(const struct cfs_ent *a, const struct cfs_ent *b)
{
	return a->vruntime < b->vruntime || (a->vruntime == b->vruntime && a->seq < b->seq);
}

static uint32_t hash32(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (uint32_t)(x ^ (x >> 31));
}

static struct cfs_ent *rot_right(struct cfs_ent *t)
{
	struct cfs_ent *l = t->left;
	t->left = l->right;
	l->right = t;
	return l;
}

static struct cfs_ent *rot_left(struct cfs_ent *t)
{
	struct cfs_ent *r = t->right;
	t->right = r->left;
	r->left = t;
	return r;
}

static struct cfs_ent *t_insert(struct cfs_ent *t, struct cfs_ent *n)
{
	if (!t)
		return n;
	if (before(n, t)) {
		t->left = t_insert(t->left, n);
		if (t->left->prio > t->prio)
			t = rot_right(t);
	} else {
		t->right = t_insert(t->right, n);
		if (t->right->prio > t->prio)
			t = rot_left(t);
	}
	return t;
}

static struct cfs_ent *t_merge(struct cfs_ent *a, struct cfs_ent *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (a->prio > b->prio) {
		a->right = t_merge(a->right, b);
		return a;
	}
	b->left = t_merge(a, b->left);
	return b;
}

/* n is in t: keys are unique, so the descent finds it. */
static struct cfs_ent *t_remove(struct cfs_ent *t, struct cfs_ent *n)
{
	if (t == n)
		return t_merge(t->left, t->right);
	if (before(n, t))
		t->left = t_remove(t->left, n);
	else
		t->right = t_remove(t->right, n);
	return t;
}

void cfs_tree_add(struct cfs *f, struct rq *rq, struct cfs_ent *ce)
{
	ce->left = ce->right = NULL;
	ce->seq = ++f->seq;
	ce->prio = hash32(ce->seq);
	rq->root = t_insert(rq->root, ce);
	if (!rq->leftmost || before(ce, rq->leftmost))
		rq->leftmost = ce;
	ce->queued = true;
}

void cfs_tree_del(struct rq *rq, struct cfs_ent *ce)
{
	rq->root = t_remove(rq->root, ce);
	ce->queued = false;
	if (rq->leftmost == ce) {
		struct cfs_ent *t = rq->root;
		while (t && t->left)
			t = t->left;
		rq->leftmost = t;
	}
}

/* An in-order walk of the tree, stopping at max. */
struct walk {
	struct cfs_ent **v;
	int n, max;
	struct cfs_ent *also;
};

static void walk_tree(struct cfs_ent *t, struct walk *w)
{
	if (!t || w->n >= w->max)
		return;
	walk_tree(t->left, w);
	if (w->n < w->max && w->also && w->also->vruntime < t->vruntime) {
		w->v[w->n++] = w->also;
		w->also = NULL;
	}
	if (w->n < w->max)
		w->v[w->n++] = t;
	walk_tree(t->right, w);
}

int cfs_tree_order(const struct rq *rq, struct cfs_ent *also, struct cfs_ent **v, int max)
{
	struct walk w = { v, 0, max, also };
	walk_tree(rq->root, &w);
	if (w.also && w.n < max)
		w.v[w.n++] = w.also;
	return w.n;
}
