/*
** Chrome trace-event timeline (see timeline.h).  Format reference: "Trace
** Event Format", Google, the JSON Object Format with "X" complete events
** and "M" metadata events; timestamps in microseconds.
*/
#include "sim/report/timeline.h"
#include "models/world.h"
#include "sim/report/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TIMELINE_MAX_EVENTS 2000000LL   /* ~200 MB of JSON */

static const char *kind_name(const struct entity *e)
{
	return e->kind == ENT_VCPU ? "vcpu" : e->kind == ENT_EMU ? "emulation" : "job";
}

static void tl_drop(struct world *w);
static void tl_start(struct world *w, const struct cpu *c, const struct entity *e);
static void tl_stop(struct world *w, const struct cpu *c, const struct entity *e, const char *why);
static void tl_state(struct world *w, const struct entity *e, int from, int to);
static void tl_wake(struct world *w, const struct entity *e, int waker);
static const struct world_trace tl_trace = { tl_start, tl_stop, tl_drop, tl_state, tl_wake };

static struct timeline *tl_of(const struct world *w)
{
	return w->trace == &tl_trace ? w->trace_ctx : NULL;
}

int timeline_open(struct world *w, const char *path, int gantt)
{
	struct timeline *t = calloc(1, sizeof *t);
	if (!t)
		return -1;
	t->gantt = gantt;
	t->start = calloc((size_t)w->sched.ncpus, sizeof *t->start);
	t->spin0 = calloc((size_t)(w->nent ? w->nent : 1), sizeof *t->spin0);
	t->since = calloc((size_t)(w->nent ? w->nent : 1), sizeof *t->since);
	t->max_events = TIMELINE_MAX_EVENTS;
	if (!t->start || !t->spin0 || !t->since)
		goto fail;
	for (int i = 0; i < w->nent; i++) {
		t->since[i] = w->ent[i]->since;
		t->spin0[i] = w->ent[i]->t_spin;
	}
	if (!path) {
		w->trace = &tl_trace;
		w->trace_ctx = t;
		return 0;
	}
	t->path = strdup(path);
	t->tmp = malloc(strlen(path) + 32);
	if (!t->path || !t->tmp)
		goto fail;
	sprintf(t->tmp, "%s.tmp-%ld", path, (long)getpid());
	t->f = fopen(t->tmp, "w");
	if (!t->f)
		goto fail;
	fprintf(t->f, "{\"displayTimeUnit\": \"ms\",\n \"otherData\": {\"scenario\": \"%s\", \"policy\": \"%s\"},\n"
		      " \"traceEvents\": [\n",
		w->scn->name, w->sched.ops->name);
	/* one process per NUMA node, one thread (track) per pCPU in it */
	for (int n = 0; n < w->mach.nnodes; n++) {
		fprintf(t->f,
			"%s  {\"name\": \"process_name\", \"ph\": \"M\", \"pid\": %d, \"args\": {\"name\": \"node %d "
			"(%s on %s)\"}},\n  {\"name\": \"process_sort_index\", \"ph\": \"M\", \"pid\": %d, \"args\": "
			"{\"sort_index\": %d}}",
			n ? ",\n" : "", n, n, w->sched.ops->name, w->scn->machine.name, n, n);
	}
	for (int i = 0; i < w->sched.ncpus; i++) {
		int node = w->sched.cpu[i].node;
		fprintf(t->f, ",\n  {\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": %d, \"tid\": %d, "
			      "\"args\": {\"name\": \"pCPU %d\"}}",
			node, i, i);
		fprintf(t->f, ",\n  {\"name\": \"thread_sort_index\", \"ph\": \"M\", \"pid\": %d, \"tid\": %d, "
			      "\"args\": {\"sort_index\": %d}}",
			node, i, i);
	}
	/* the entities' process: a track per VCPU and emulation thread */
	int pe = w->mach.nnodes;
	fprintf(t->f,
		",\n  {\"name\": \"process_name\", \"ph\": \"M\", \"pid\": %d, \"args\": {\"name\": \"entities "
		"(running, spinning, ready, blocked)\"}},\n  {\"name\": \"process_sort_index\", \"ph\": \"M\", "
		"\"pid\": %d, \"args\": {\"sort_index\": %d}}",
		pe, pe, pe);
	for (int i = 0; i < w->nent; i++) {
		const struct entity *e = w->ent[i];
		/* a replayed trace's thread names are anything its CSV holds */
		fprintf(t->f, ",\n  {\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": %d, \"tid\": %d, "
			      "\"args\": {\"name\": \"",
			pe, e->id);
		out_json_chars(t->f, e->name);
		fprintf(t->f, "#%d (%s)\"}}", e->idx, kind_name(e));
		t->nready += e->state == ENT_READY;
		t->nemu += e->state == ENT_RUNNING && e->kind == ENT_EMU;
	}
	w->trace = &tl_trace;
	w->trace_ctx = t;
	return 0;
fail:
	free(t->path);
	free(t->tmp);
	free(t->start);
	free(t->spin0);
	free(t->since);
	free(t);
	return -1;
}


void timeline_set_max(struct world *w, long long n)
{
	struct timeline *t = tl_of(w);
	if (t && n > 0)
		t->max_events = n;
}

const struct timeline *timeline_of(const struct world *w)
{
	return tl_of(w);
}

static void tl_start(struct world *w, const struct cpu *c, const struct entity *e)
{
	(void)e;
	tl_of(w)->start[c->id] = world_now(w);
}

/* Room for one more event in the file; once full, said on stderr once
** (the file holds the run's first part). */
static int room(struct world *w, struct timeline *t)
{
	if (t->nevents < t->max_events)
		return 1;
	if (!t->capped && t->f) {
		fprintf(stderr, "hvsim: timeline: %s holds the first %lld events only (t < %.3f s); "
				"the rest of the run is not recorded (raise the cap with --timeline-max N)\n",
			t->path, t->nevents, (double)world_now(w) / 1e9);
		t->capped = 1;
	}
	return 0;
}

static const char *state_name(int st)
{
	return st == ENT_RUNNING ? "running" : st == ENT_READY ? "ready" : "blocked";
}

/* A counter's new value at now, in the entities' process. */
static void counter(struct world *w, struct timeline *t, const char *name, const char *key, int v)
{
	if (!room(w, t))
		return;
	long long now = world_now(w);
	t->nevents++;
	fprintf(t->f,
		",\n  {\"name\": \"%s\", \"ph\": \"C\", \"pid\": %d, \"ts\": %lld.%03lld, \"args\": {\"%s\": %d}}",
		name, w->mach.nnodes, now / 1000, now % 1000, key, v);
}

/* e's span in state `from` ends now: an "X" event on its track (a
** running span is "spinning" when most of it was lock spin, which is
** counted inside the measured interval only); then the counters. */
static void tl_state(struct world *w, const struct entity *e, int from, int to)
{
	struct timeline *t = tl_of(w);
	if (!t || !t->f)
		return;
	long long a = t->since[e->id], b = world_now(w);
	double spun = (double)(e->t_spin - t->spin0[e->id]);
	t->since[e->id] = b;
	t->spin0[e->id] = e->t_spin;
	if (b > a && room(w, t)) {
		const char *name = from == ENT_RUNNING && 2 * spun > (double)(b - a) ? "spinning" : state_name(from);
		t->nevents++;
		fprintf(t->f,
			",\n  {\"name\": \"%s\", \"cat\": \"state\", \"ph\": \"X\", \"pid\": %d, \"tid\": %d, "
			"\"ts\": %lld.%03lld, \"dur\": %lld.%03lld",
			name, w->mach.nnodes, e->id, a / 1000, a % 1000, (b - a) / 1000, (b - a) % 1000);
		if (from == ENT_RUNNING)
			fprintf(t->f, ", \"args\": {\"spin_ms\": %.6f}", spun / 1e6);
		fputc('}', t->f);
	}
	int ready = t->nready + (to == ENT_READY) - (from == ENT_READY);
	int emu = t->nemu + (e->kind == ENT_EMU ? (to == ENT_RUNNING) - (from == ENT_RUNNING) : 0);
	if (ready != t->nready)
		counter(w, t, "entities ready to run", "ready", ready);
	if (emu != t->nemu)
		counter(w, t, "emulation threads running", "running", emu);
	t->nready = ready;
	t->nemu = emu;
}

/* A flow arrow from the waker's pCPU (inside the segment running there)
** to the woken entity's ready span, which begins now. */
static void tl_wake(struct world *w, const struct entity *e, int waker)
{
	struct timeline *t = tl_of(w);
	if (!t || !t->f || waker < 0 || waker >= w->sched.ncpus || !w->sched.cpu[waker].curr)
		return;
	if (!room(w, t))
		return;
	long long now = world_now(w), id = ++t->nflow;
	t->nevents++;
	fprintf(t->f,
		",\n  {\"name\": \"wake\", \"cat\": \"wake\", \"ph\": \"s\", \"id\": %lld, \"pid\": %d, \"tid\": %d, "
		"\"ts\": %lld.%03lld},\n  {\"name\": \"wake\", \"cat\": \"wake\", \"ph\": \"f\", \"bp\": \"e\", "
		"\"id\": %lld, \"pid\": %d, \"tid\": %d, \"ts\": %lld.%03lld}",
		id, w->sched.cpu[waker].node, waker, now / 1000, now % 1000, id, w->mach.nnodes, e->id, now / 1000,
		now % 1000);
}

static void tl_stop(struct world *w, const struct cpu *c, const struct entity *e, const char *why)
{
	struct timeline *t = tl_of(w);
	if (!t)
		return;
	if (!room(w, t))
		return;
	long long a = t->start[c->id], b = world_now(w);
	t->nevents++;
	if (t->gantt) {
		if (t->nseg == t->capseg) {
			long long cap = t->capseg ? 2 * t->capseg : 1024;
			struct tl_seg *ns = realloc(t->seg, (size_t)cap * sizeof *ns);
			if (!ns) {
				/* the chart (or placement.csv) would be short:
				** the run fails (out of memory) */
				t->gantt = 0;
				w->failed = 1;
			} else {
				t->seg = ns;
				t->capseg = cap;
			}
		}
		if (t->gantt)
			t->seg[t->nseg++] = (struct tl_seg){ a, b, c->id, e->id };
	}
	if (!t->f)
		return;
	fputs(",\n  {\"name\": \"", t->f);
	out_json_chars(t->f, e->name);
	fprintf(t->f,
		"#%d\", \"cat\": \"%s\", \"ph\": \"X\", \"pid\": %d, \"tid\": %d, "
		"\"ts\": %lld.%03lld, \"dur\": %lld.%03lld, \"args\": {\"stop\": \"%s\"}}",
		e->idx, kind_name(e), c->node, c->id, a / 1000, a % 1000, (b - a) / 1000, (b - a) % 1000, why);
}

static void drop(struct world *w)
{
	struct timeline *t = tl_of(w);
	free(t->spin0);
	free(t->since);
	free(t->seg);
	free(t->path);
	free(t->tmp);
	free(t->start);
	free(t);
	w->trace = NULL;
	w->trace_ctx = NULL;
}

static void tl_drop(struct world *w)
{
	timeline_abort(w);
}

int timeline_finish(struct world *w)
{
	struct timeline *t = tl_of(w);
	if (!t || !t->f)
		return 0;
	errno = 0;
	fprintf(t->f, "\n ]}\n");
	int bad = ferror(t->f), e = errno;
	if (fclose(t->f) && !bad) {
		bad = 1;
		e = errno;
	}
	t->f = NULL;
	if (bad) {
		unlink(t->tmp);
		drop(w);
		errno = e ? e : EIO;
		return -1;
	}
	t->finished = 1;
	return 0;
}

int timeline_close(struct world *w)
{
	struct timeline *t = tl_of(w);
	if (!t)
		return 0;
	if (t->f && timeline_finish(w))
		return -1;
	int bad = 0;
	if (t->finished) {
		bad = rename(t->tmp, t->path);
		if (bad) {
			int e = errno;
			unlink(t->tmp);
			errno = e;
		}
	}
	drop(w);
	return bad ? -1 : 0;
}

void timeline_abort(struct world *w)
{
	struct timeline *t = tl_of(w);
	if (!t)
		return;
	if (t->f)
		fclose(t->f);
	if (t->f || t->finished)
		unlink(t->tmp);
	drop(w);
}

/* Letters for the entities, in order of first appearance: VMs' VCPUs
** share their VM's letter with the VCPU index in the legend. */
static const char glyphs[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

void timeline_gantt(const struct world *w, FILE *out, int width)
{
	const struct timeline *t = tl_of(w);
	if (!t || !t->gantt || width < 10)
		return;
	long long t0 = 0, t1 = w->end;
	int ncpu = w->sched.ncpus, nent = w->nent;
	double bucket = (double)(t1 - t0) / width;
	/* longest-running entity per (cpu, column) */
	double *best = calloc((size_t)ncpu * width, sizeof *best);
	int *who = malloc((size_t)ncpu * width * sizeof *who);
	double *acc = calloc((size_t)nent, sizeof *acc);
	int *letter = malloc((size_t)nent * sizeof *letter);
	if (!best || !who || !acc || !letter)
		goto out;
	for (int i = 0; i < ncpu * width; i++)
		who[i] = -1;
	for (int i = 0; i < nent; i++)
		letter[i] = -1;
	int nletters = 0;
	for (int col = 0; col < width; col++) {
		long long a = t0 + (long long)(col * bucket), b = t0 + (long long)((col + 1) * bucket);
		for (int c = 0; c < ncpu; c++) {
			/* segments are few in a small run: a scan per cell is fine */
			for (long long k = 0; k < t->nseg; k++) {
				const struct tl_seg *g = &t->seg[k];
				if (g->cpu != c || g->b <= a || g->a >= b)
					continue;
				long long lo = g->a > a ? g->a : a, hi = g->b < b ? g->b : b;
				acc[g->ent] += (double)(hi - lo);
			}
			for (int e = 0; e < nent; e++) {
				if (acc[e] > best[c * width + col]) {
					best[c * width + col] = acc[e];
					who[c * width + col] = e;
				}
				acc[e] = 0;
			}
			int e = who[c * width + col];
			if (e >= 0 && letter[e] < 0)
				letter[e] = nletters < (int)sizeof glyphs - 1 ? nletters++ : (int)sizeof glyphs - 2;
		}
	}
	fprintf(out, "pCPU   time 0 .. %.6g s, %.3g ms per column\n", (double)(t1 - t0) / 1e9, bucket / 1e6);
	for (int c = 0; c < ncpu; c++) {
		fprintf(out, "%3d n%d|", c, w->sched.cpu[c].node);
		for (int col = 0; col < width; col++) {
			int e = who[c * width + col];
			fputc(e < 0 ? '.' : glyphs[letter[e]], out);
		}
		fputs("|\n", out);
	}
	fputs("legend:", out);
	for (int e = 0; e < nent; e++)
		if (letter[e] >= 0)
			fprintf(out, " %c=%s#%d", glyphs[letter[e]], w->ent[e]->name, w->ent[e]->idx);
	fputs("  .=idle\n", out);
out:
	free(best);
	free(who);
	free(acc);
	free(letter);
}
