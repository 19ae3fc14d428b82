/*
** One global FIFO run queue served by every pCPU: fcfs runs each burst to
** completion (the M/M/c FCFS station); rr gives each a quantum and puts it
** back at the tail (round robin, which tends to processor sharing as the
** quantum goes to zero: Kleinrock, "Queueing Systems" vol. 2, 4.4).
** The validation policies (checked against queueing theory in
** tests/test_queueing.c); not a real hypervisor's.
*/
#include "models/sched.h"

struct fifo {
	struct entity *head, *tail;
	int64_t quantum;         /* -1: run to completion */
};

static int fcfs_init(struct sched *s, struct diag *d)
{
	struct fifo *f = s->priv;
	(void)d;
	f->quantum = -1;
	return 0;
}

static int rr_init(struct sched *s, struct diag *d)
{
	struct fifo *f = s->priv;
	(void)d;
	f->quantum = sched_param_time(s, "quantum");
	return 0;
}

static void fifo_enqueue(struct sched *s, struct cpu *c, struct entity *e, enum sched_why why)
{
	struct fifo *f = s->priv;
	(void)c;
	(void)why;
	e->next = NULL;
	if (f->tail)
		f->tail->next = e;
	else
		f->head = e;
	f->tail = e;
}

static struct entity *fifo_pick(struct sched *s, struct cpu *c, int64_t *slice)
{
	struct fifo *f = s->priv;
	/* the first entity allowed on c (all are, unless pinned) */
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
	e->next = NULL;
	*slice = f->quantum;
	return e;
}

static void fifo_dequeue(struct sched *s, struct entity *e)
{
	struct fifo *f = s->priv;
	struct entity *prev = NULL;
	for (struct entity *x = f->head; x; prev = x, x = x->next) {
		if (x != e)
			continue;
		if (prev)
			prev->next = x->next;
		else
			f->head = x->next;
		if (f->tail == x)
			f->tail = prev;
		x->next = NULL;
		return;
	}
}

static void fifo_dump(struct sched *s, FILE *out)
{
	struct fifo *f = s->priv;
	fprintf(out, "%s run queue:", s->policy->name);
	for (struct entity *e = f->head; e; e = e->next)
		fprintf(out, " %s#%d", e->name, e->idx);
	fprintf(out, "\n");
}

const struct sched_ops sched_fcfs_ops = {
	.name = "fcfs",
	.source = "textbook FCFS multi-server queue (validation)",
	.summary = "one global FIFO queue, each burst runs to completion",
	.priv_size = sizeof(struct fifo),
	.init = fcfs_init,
	.enqueue = fifo_enqueue,
	.pick_next = fifo_pick,
	.dequeue = fifo_dequeue,
	.dump = fifo_dump,
};

static const struct sched_param_def rr_params[] = {
	/* at least 1 us: a textbook policy, whose small quanta approach
	** processor sharing (not Linux's or Xen's 100 us floor) */
	{ "quantum", SP_TIME, "10ms", "time a burst runs before going to the tail of the queue", INT64_C(1000), 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct sched_ops sched_rr_ops = {
	.name = "rr",
	.source = "textbook round robin, processor sharing as quantum -> 0 (validation)",
	.summary = "one global FIFO queue, a quantum each in turn",
	.params = rr_params,
	.priv_size = sizeof(struct fifo),
	.init = rr_init,
	.enqueue = fifo_enqueue,
	.pick_next = fifo_pick,
	.dequeue = fifo_dequeue,
	.dump = fifo_dump,
};
