/*
** Request-trace replay (see wl_requests.h).
*/
#include "models/wl_requests.h"
#include "sim/engine/limits.h"
#include "models/world.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 256

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && strcmp(s + n - k, suf) == 0;
}

/* A URL a server runs code for: a query, a script, or a directory index. */
static int dynamic_url(const struct trace_request *r)
{
	static const char *const sufs[] = { ".php", ".jsp", ".cgi", ".pl", ".asp", ".aspx", "/" };
	if (strchr(r->url, '?'))
		return 1;
	for (size_t i = 0; i < sizeof sufs / sizeof sufs[0]; i++)
		if (ends_with(r->page, sufs[i]))
			return 1;
	return 0;
}

static struct rq *get_rq(struct wl_requests *q)
{
	if (!q->free) {
		struct rq **nc = realloc(q->chunks, (size_t)(q->nchunks + 1) * sizeof *nc);
		if (!nc)
			return NULL;
		q->chunks = nc;
		struct rq *c = calloc(CHUNK, sizeof *c);
		if (!c)
			return NULL;
		q->chunks[q->nchunks++] = c;
		for (int i = 0; i < CHUNK; i++) {
			c[i].next_free = q->free;
			q->free = &c[i];
		}
	}
	struct rq *r = q->free;
	q->free = r->next_free;
	return r;
}

static void served(struct world *w, struct ioreq *io)
{
	struct rq *r = (struct rq *)io;
	struct wl_requests *q = io->owner;
	int64_t now = world_now(w), resp = now - r->t_arr;
	qos_add(&q->qos, &w->scn->qos, &w->batches, now, resp);
	tally_add(&q->resp, now, (double)resp / 1e9);
	q->inflight--;
	r->next_free = q->free;
	q->free = r;
}

static void arrive(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct wl_requests *q = obj;
	const struct trace_request *t = &q->t.r[arg];
	const struct scn_specweb *p = &q->cfg->specweb;
	int64_t now = world_now(w);
	struct rq *r = get_rq(q);
	if (!r) {
		world_fail(w);
		return;
	}
	r->t_arr = now;
	int measured = stats_measured(&w->batches, now);
	q->arrived += measured;
	if (++q->inflight > q->max_inflight)
		q->max_inflight = q->inflight;
	double body = (double)t->bytes;
	struct ioreq *io = &r->io;
	io_begin(io, q->vm, served, q);
	if (io_add_http_request(w, io, body, 0, q->hit, q->r_cache))
		q->misses += measured;
	double cpu;
	if (t->cpu_ns >= 0) {
		cpu = (double)t->cpu_ns * w->scn->machine.freq / 1e9;
	} else {
		int dyn = dynamic_url(t);
		q->dynamic += dyn && measured;
		cpu = dyn ? p->page_cycles : p->image_cycles;
	}
	io_add_cpu(io, io_guest_cycles(w, cpu + body * p->byte_cycles, p->kernel_share));
	io_add_http_reply(w, io, body, 0, q->nic);
	io_start(w, io);

	/* the next row, or the trace again */
	size_t i = (size_t)arg + 1;
	if (i == q->t.n) {
		if (!q->cfg->loop)
			return;
		i = 0;
		q->offset += q->span;
	}
	int64_t at = lim_add(q->offset, lim_delay((double)q->t.r[i].t_ns / q->cfg->speed));
	if (!world_at(w, at > now ? at : now, arrive, q, i))
		world_fail(w);
}

/* The replay's times within the engine's range (sim/engine/limits.h): the last
** request at most LIM_TIME into the run; a loop whose passes take time
** (a trace of rows all at one instant would loop there forever) with
** gaps of at least 1 ns on average and at most LIM_ARRIVALS requests
** over the run.  0, or -1 with the reason in d at the <requests> line. */
static int check_replay(struct wl_requests *q, struct diag *d, int64_t last, double span)
{
	const struct scn_workload *cfg = q->cfg;
	const struct scn_loc *l = &cfg->trace_loc;
	double n = (double)q->t.n, run_s = (double)q->w->scn->duration / 1e9;
	if ((double)last / cfg->speed > (double)LIM_TIME) {
		diag_error(d, l->file, l->line,
			   "<requests speed>: expected a speed-up that replays the trace within "
			   LIM_TIME_TEXT ": its last request at %.9gs replays at %.6gs, got '%g'",
			   (double)last / 1e9, (double)last / 1e9 / cfg->speed, cfg->speed);
		return -1;
	}
	if (!cfg->loop)
		return 0;
	if (q->t.n > 1 && last == q->t.r[0].t_ns) {
		diag_error(d, l->file, l->line,
			   "<requests loop>: expected a trace that spans time to loop, got all %zu requests of "
			   "'%s' at %.9gs", q->t.n, cfg->trace, (double)last / 1e9);
		return -1;
	}
	if (span < n) {
		diag_error(d, l->file, l->line,
			   "<requests speed>: expected a looped replay with a mean gap of at least 1ns (at most "
			   "1e9 requests a second; shorter gaps round to 0ns), got '%g' (%zu requests every %.6gs)",
			   cfg->speed, q->t.n, span / 1e9);
		return -1;
	}
	if (run_s * 1e9 / span * n > LIM_ARRIVALS) {
		diag_error(d, l->file, l->line,
			   "<requests loop>: expected at most " LIM_ARRIVALS_TEXT " requests over the run, got %.3g "
			   "(%zu requests every %.6gs for %.6gs)", run_s * 1e9 / span * n, q->t.n, span / 1e9, run_s);
		return -1;
	}
	return 0;
}

int wl_requests_build(struct wl_requests *q, struct world *w, const struct scn_workload *cfg, struct vm *vm,
		      struct diag *d)
{
	q->w = w;
	q->cfg = cfg;
	q->vm = vm;
	snprintf(q->name, sizeof q->name, "%s/%s", vm->name, cfg->name);
	int rc = trace_requests_load(cfg->trace, d, &q->t);
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		diag_error(d, cfg->loc.file, cfg->loc.line, "<workload %s>: the trace '%s' could not be used (see above)",
			   cfg->name, cfg->trace);
		return -EINVAL;
	}
	if (q->t.n == 0) {
		diag_error(d, cfg->loc.file, cfg->loc.line, "<requests file>: expected at least one request in '%s'",
			   cfg->trace);
		return -EINVAL;
	}
	char purpose[200];
	snprintf(purpose, sizeof purpose, "requests:%s:cache", q->name);
	q->r_cache = world_rng(w, purpose, 0);
	if (!q->r_cache || tally_init(&q->resp, &w->batches) || world_add_qos(w, cfg->name, vm, &q->qos))
		return -ENOMEM;
	const struct scn_specweb *p = &cfg->specweb;
	q->hit = world_ideal(w, SCN_IDEAL_PAGECACHE) ? 1 : io_cache_hit(vm->cfg->memory - vm->cfg->guest.os_memory, p->fileset);
	q->nic = io_nic_of(w, vm);
	/* a loop starts again one mean gap after the last row */
	int64_t first = q->t.r[0].t_ns, last = q->t.r[q->t.n - 1].t_ns;
	double gap = q->t.n > 1 ? (double)(last - first) / (double)(q->t.n - 1) : 1e9;
	double span = ((double)(last - first) + gap) / cfg->speed;
	if (check_replay(q, d, last, span))
		return -EINVAL;
	q->span = lim_delay(span);
	q->offset = -lim_delay((double)first / cfg->speed);
	return world_at(w, 0, arrive, q, 0) ? 0 : -ENOMEM;
}

void wl_requests_free(struct wl_requests *q)
{
	for (int i = 0; i < q->nchunks; i++)
		free(q->chunks[i]);
	free(q->chunks);
	tally_free(&q->resp);
	trace_requests_free(&q->t);
}

void wl_requests_header(FILE *f)
{
	fprintf(f, "vm,workload,requests,arrived,requests_per_s,response_s,response_s_ci_low,response_s_ci_high,"
		   "max_response_s,good_pct,tolerable_pct,dynamic,misses,max_in_flight\n");
}

void wl_requests_row(const struct wl_requests *q, FILE *f)
{
	struct ci x = tally_rate(&q->resp), r = tally_mean(&q->resp);
	fprintf(f, "%s,%s,%zu,%llu,%.4f,%.5f,%.5f,%.5f,%.4f,%.3f,%.3f,%llu,%llu,%llu\n", q->vm->name, q->cfg->name,
		q->t.n, (unsigned long long)q->arrived, x.mean, r.mean, r.lo, r.hi,
		q->resp.tot_cnt > 0 ? q->resp.max : 0, qos_good_pct(&q->qos), qos_tolerable_pct(&q->qos),
		(unsigned long long)q->dynamic, (unsigned long long)q->misses,
		(unsigned long long)q->max_inflight);
}
