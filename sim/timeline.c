/*
** Chrome trace-event timeline (see timeline.h).  Format reference: "Trace
** Event Format", Google, the JSON Object Format with "X" complete events
** and "M" metadata events; timestamps in microseconds.
*/
#include "sim/timeline.h"
#include "sim/world.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TIMELINE_MAX_EVENTS 2000000LL   /* ~200 MB of JSON */

static const char *kind_name(const struct entity *e)
{
	return e->kind == ENT_VCPU ? "vcpu" : e->kind == ENT_EMU ? "emulation" : "job";
}

int timeline_open(struct world *w, const char *path)
{
	struct timeline *t = calloc(1, sizeof *t);
	if (!t)
		return -1;
	t->path = strdup(path);
	t->tmp = malloc(strlen(path) + 32);
	t->start = calloc((size_t)w->sched.ncpus, sizeof *t->start);
	t->max_events = TIMELINE_MAX_EVENTS;
	if (!t->path || !t->tmp || !t->start)
		goto fail;
	sprintf(t->tmp, "%s.tmp-%ld", path, (long)getpid());
	t->f = fopen(t->tmp, "w");
	if (!t->f)
		goto fail;
	fprintf(t->f, "{\"displayTimeUnit\": \"ms\",\n \"otherData\": {\"scenario\": \"%s\", \"policy\": \"%s\"},\n"
		      " \"traceEvents\": [\n",
		w->scn->name, w->sched.ops->name);
	fprintf(t->f, "  {\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 0, \"args\": {\"name\": \"%s on %s\"}}",
		w->sched.ops->name, w->scn->machine.name);
	for (int i = 0; i < w->sched.ncpus; i++) {
		fprintf(t->f, ",\n  {\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 0, \"tid\": %d, "
			      "\"args\": {\"name\": \"pCPU %d (node %d)\"}}",
			i, i, w->sched.cpu[i].node);
		fprintf(t->f, ",\n  {\"name\": \"thread_sort_index\", \"ph\": \"M\", \"pid\": 0, \"tid\": %d, "
			      "\"args\": {\"sort_index\": %d}}",
			i, i);
	}
	w->tl = t;
	return 0;
fail:
	free(t->path);
	free(t->tmp);
	free(t->start);
	free(t);
	return -1;
}

void timeline_start(struct world *w, const struct cpu *c, const struct entity *e)
{
	(void)e;
	if (w->tl)
		w->tl->start[c->id] = world_now(w);
}

void timeline_stop(struct world *w, const struct cpu *c, const struct entity *e, const char *why)
{
	struct timeline *t = w->tl;
	if (!t || t->nevents >= t->max_events)
		return;
	long long a = t->start[c->id], b = world_now(w);
	fprintf(t->f,
		",\n  {\"name\": \"%s#%d\", \"cat\": \"%s\", \"ph\": \"X\", \"pid\": 0, \"tid\": %d, "
		"\"ts\": %lld.%03lld, \"dur\": %lld.%03lld, \"args\": {\"stop\": \"%s\"}}",
		e->name, e->idx, kind_name(e), c->id, a / 1000, a % 1000, (b - a) / 1000, (b - a) % 1000, why);
	t->nevents++;
}

static void drop(struct world *w)
{
	struct timeline *t = w->tl;
	free(t->path);
	free(t->tmp);
	free(t->start);
	free(t);
	w->tl = NULL;
}

int timeline_close(struct world *w)
{
	struct timeline *t = w->tl;
	if (!t)
		return 0;
	fprintf(t->f, "\n ]}\n");
	int bad = ferror(t->f);
	bad |= fclose(t->f);
	if (!bad)
		bad = rename(t->tmp, t->path);
	if (bad)
		unlink(t->tmp);
	drop(w);
	return bad ? -1 : 0;
}

void timeline_abort(struct world *w)
{
	struct timeline *t = w->tl;
	if (!t)
		return;
	fclose(t->f);
	unlink(t->tmp);
	drop(w);
}
