/*
** Placeholder while the o1 policy is being written: a global FIFO.
*/
#include "models/sched.h"

struct q {
	struct entity *head, *tail;
};

static void enq(struct sched *s, struct cpu *c, struct entity *e, enum sched_why why)
{
	struct q *f = s->priv;
	(void)c;
	(void)why;
	e->next = NULL;
	if (f->tail)
		f->tail->next = e;
	else
		f->head = e;
	f->tail = e;
}

static struct entity *pick(struct sched *s, struct cpu *c, int64_t *slice)
{
	struct q *f = s->priv;
	struct entity *e = f->head, *prev = NULL;
	while (e && !cpuset_has(&e->affinity, c->id)) {
		prev = e;
		e = e->next;
	}
	if (!e)
		return NULL;
	if (prev)
		prev->next = e->next;
	else
		f->head = e->next;
	if (f->tail == e)
		f->tail = prev;
	*slice = 30000000;
	return e;
}

const struct sched_ops sched_o1_ops = {
	.name = "o1",
	.source = "placeholder",
	.summary = "placeholder",
	.priv_size = sizeof(struct q),
	.enqueue = enq,
	.pick_next = pick,
};
