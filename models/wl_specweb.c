/*
** SPECweb2005 E-commerce served by a VM (see wl_specweb.h).  Packets per
** request: io.h's HTTP helpers (a 304 is headers only).
*/
#include "models/wl_specweb.h"
#include "models/world.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void user_next(void *ctx, void *obj, uint64_t arg);

static void reply_done(struct world *w, struct ioreq *r);

/* Ask for the dynamic page (img < 0) or image img on connection c. */
static void send_request(struct sw_user *su, int c, int img)
{
	struct wl_specweb *ws = su->ws;
	struct world *w = ws->w;
	const struct scn_specweb *p = &ws->cfg->specweb;
	const struct specweb_page *pg = &su->pg;
	struct ioreq *r = &su->req[c];
	int ssl = pg->ssl;
	double body = img < 0 ? pg->dyn_bytes : pg->img[img].bytes;
	int fresh = specweb_conn_request(&ws->m, &su->u, c, ssl, ws->r_user) == 1;

	io_begin(r, ws->vm, reply_done, su);
	r->tag = img;
	if (io_add_http_request(w, r, body, fresh, ws->hit, ws->r_cache))
		ws->misses += stats_measured(&w->batches, world_now(w));
	double cpu;
	if (img < 0) {
		io_add_delay(r, p->besim);
		cpu = p->page[pg->page] > 0 ? p->page[pg->page] : p->page_cycles;
	} else {
		cpu = p->image_cycles;
	}
	cpu += body * p->byte_cycles;
	if (ssl)
		cpu += body * p->ssl_byte + (fresh ? p->ssl_handshake : 0);
	io_add_cpu(r, io_guest_cycles(w, cpu, p->kernel_share));
	io_add_line(r, &su->line, io_add_http_reply(w, r, body, fresh, ws->nic));
	su->pending++;
	if (stats_measured(&w->batches, world_now(w))) {
		ws->requests++;
		ws->bytes += body;
	}
	io_start(w, r);
}

/* The page is done with the reply on connection c (img: an image's). */
static void page_done(struct sw_user *su, int c, int img)
{
	struct wl_specweb *ws = su->ws;
	struct world *w = ws->w;
	int64_t now = world_now(w), resp = now - su->t_page;
	if (stats_measured(&w->batches, now)) {
		const struct scn_qos *q = &w->scn->qos;
		const double *ch = img ? su->chain + (size_t)c * IOP_N : NULL;
		int cls[TAIL_N] = { 1, resp > q->time_good, resp > q->time_tolerable };
		for (int k = 0; k < TAIL_N; k++) {
			if (!cls[k])
				continue;
			ws->tail.n[k]++;
			ws->tail.resp[k] += (double)resp / 1e9;
			for (int p = 0; p < IOP_N; p++)
				ws->tail.part[k][p] += (su->html[p] + (ch ? ch[p] : 0)) / 1e9;
		}
	}
	qos_add(&ws->qos, &w->scn->qos, &w->batches, now, resp);
	tally_add(&ws->resp, now, (double)resp / 1e9);
	if (stats_measured(&w->batches, now))
		ws->pages[su->pg.page]++;
	user_next(w, su, 0);
}

static void reply_done(struct world *w, struct ioreq *r)
{
	struct sw_user *su = r->owner;
	int c = (int)(r - su->req);
	(void)w;
	su->pending--;
	int conns = su->ws->m.p.conns;
	if (r->tag < 0) {
		memcpy(su->html, r->part, sizeof su->html);
		memset(su->chain, 0, (size_t)conns * IOP_N * sizeof *su->chain);
	} else {
		for (int p = 0; p < IOP_N; p++)
			su->chain[(size_t)c * IOP_N + p] += r->part[p];
	}
	if (r->tag < 0) {
		/* the page's HTML is in: its images, over every connection */
		for (int k = 0; k < su->ws->m.p.conns && su->next_img < su->pg.nimg; k++)
			send_request(su, k, su->next_img++);
	} else if (su->next_img < su->pg.nimg) {
		send_request(su, c, su->next_img++);
	}
	if (su->pending == 0)
		page_done(su, c, r->tag >= 0);
}

static void page_start(void *ctx, void *obj, uint64_t arg)
{
	struct sw_user *su = obj;
	(void)ctx;
	(void)arg;
	su->t_page = world_now(su->ws->w);
	su->next_img = 0;
	su->pending = 0;
	send_request(su, 0, -1);
}

/* The user's next page, after its think time (a session's end starts the
** next session at once, as the kit's user does). */
static void user_next(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct sw_user *su = obj;
	struct wl_specweb *ws = su->ws;
	(void)arg;
	do {
		if (specweb_next_page(&ws->m, &su->u, ws->r_user, &su->pg)) {
			world_fail(w);
			return;
		}
	} while (su->pg.page >= SPECWEB_NPAGES);
	if (!world_at(w, world_now(w) + su->pg.think_ns, page_start, su, 0))
		world_fail(w);
}

int wl_specweb_build(struct wl_specweb *ws, struct world *w, const struct scn_workload *cfg, struct vm *vm)
{
	const struct scn_specweb *p = &cfg->specweb;
	ws->w = w;
	ws->cfg = cfg;
	ws->vm = vm;
	snprintf(ws->name, sizeof ws->name, "%s/%s", vm->name, cfg->name);
	struct specweb_params sp;
	specweb_params_default(&sp);
	sp.link_rate = p->link_rate;
	sp.conns = p->conns;
	sp.use_raw_chain = p->kit_chain;
	sp.not_modified = p->not_modified;
	sp.session_timeout = p->timeout;
	if (specweb_init(&ws->m, &sp))
		return -EINVAL;
	char purpose[200];
	snprintf(purpose, sizeof purpose, "specweb:%s:users", ws->name);
	ws->r_user = world_rng(w, purpose, 0);
	snprintf(purpose, sizeof purpose, "specweb:%s:cache", ws->name);
	ws->r_cache = world_rng(w, purpose, 0);
	if (!ws->r_user || !ws->r_cache || tally_init(&ws->resp, &w->batches))
		return -ENOMEM;
	ws->nic = io_nic_of(w, vm);
	ws->nusers = cfg->users;
	ws->cache = fmax(0, vm->cfg->memory - vm->cfg->guest.os_memory - (double)cfg->users * p->session_memory);
	ws->hit = world_ideal(w, SCN_IDEAL_PAGECACHE) ? 1 : io_cache_hit(ws->cache, p->fileset);
	ws->users = calloc((size_t)ws->nusers, sizeof *ws->users);
	ws->reqs = calloc((size_t)ws->nusers * (size_t)p->conns, sizeof *ws->reqs);
	ws->chains = calloc((size_t)ws->nusers * (size_t)p->conns * IOP_N, sizeof *ws->chains);
	if (!ws->users || !ws->reqs || !ws->chains || world_add_qos(w, cfg->name, vm, &ws->qos))
		return -ENOMEM;
	/* Users start in the chain's stationary state (the page they last
	** saw drawn from the stationary mix pi), so that the measured
	** interval does not over-count the first pages of sessions: a
	** session lasts ~12.4 pages x ~11 s, longer than any sane warm-up.
	** Their next pages come within one mean think time. */
	double cum[SPECWEB_NPAGES], tot = 0;
	for (int k = 0; k < SPECWEB_NPAGES; k++)
		cum[k] = tot += ws->m.used.pi[k];
	for (int i = 0; i < ws->nusers; i++) {
		struct sw_user *su = &ws->users[i];
		su->ws = ws;
		su->req = &ws->reqs[(size_t)i * (size_t)p->conns];
		su->chain = &ws->chains[(size_t)i * (size_t)p->conns * IOP_N];
		su->line.rate = p->link_rate;
		specweb_session_start(&ws->m, &su->u);
		double u = gsl_rng_uniform(ws->r_user) * tot;
		int k = 0;
		while (k < SPECWEB_NPAGES - 1 && u >= cum[k])
			k++;
		su->u.state = k;
		su->u.npages = 1;
		int64_t at = (int64_t)(gsl_rng_uniform(ws->r_user) * ws->m.p.think_mean * 1e9);
		if (!world_at(w, at, user_next, su, 0))
			return -ENOMEM;
	}
	return 0;
}

void wl_specweb_free(struct wl_specweb *ws)
{
	tally_free(&ws->resp);
	free(ws->users);
	free(ws->reqs);
	free(ws->chains);
	ws->users = NULL;
	ws->reqs = NULL;
	ws->chains = NULL;
}

void wl_specweb_tail_header(FILE *f)
{
	fputs("vm,workload,pages,class,share_pct,response_s", f);
	for (int p = 0; p < IOP_N; p++)
		fprintf(f, ",%s_s", io_part_name[p]);
	fputc('\n', f);
}

void wl_specweb_tail_rows(const struct wl_specweb *ws, FILE *f)
{
	static const char *const cls[TAIL_N] = { "all", "over_time_good", "over_time_tolerable" };
	const struct sw_tail *t = &ws->tail;
	for (int k = 0; k < TAIL_N; k++) {
		double n = (double)t->n[k];
		fprintf(f, "%s,%s,%llu,%s,%.4f,%.6f", ws->vm->name, ws->cfg->name, (unsigned long long)t->n[k], cls[k],
			t->n[0] ? 100 * n / (double)t->n[0] : 0, n > 0 ? t->resp[k] / n : 0);
		for (int p = 0; p < IOP_N; p++)
			fprintf(f, ",%.6f", n > 0 ? t->part[k][p] / n : 0);
		fputc('\n', f);
	}
}

void wl_specweb_header(FILE *f)
{
	fprintf(f, "vm,workload,users,pages_per_s,pages_per_s_ci_low,pages_per_s_ci_high,"
		   "response_s,response_s_ci_low,response_s_ci_high,max_response_s,pages,good_pct,"
		   "tolerable_pct,qos_pass,requests_per_s,mbytes_per_s,cache_hit,misses_per_s,sessions\n");
}

void wl_specweb_row(const struct wl_specweb *ws, FILE *f)
{
	const struct world *w = ws->w;
	double secs = (double)(w->batches.t1 - w->batches.t0) / 1e9;
	struct ci x = tally_rate(&ws->resp), r = tally_mean(&ws->resp);
	fprintf(f, "%s,%s,%d,%.4f,%.4f,%.4f,%.5f,%.5f,%.5f,%.4f,%llu,%.3f,%.3f,%d,%.3f,%.4f,%.4f,%.3f,%llu\n",
		ws->vm->name, ws->cfg->name, ws->nusers, x.mean, x.lo, x.hi, r.mean, r.lo, r.hi,
		ws->resp.tot_cnt > 0 ? ws->resp.max : 0, (unsigned long long)ws->qos.n, qos_good_pct(&ws->qos),
		qos_tolerable_pct(&ws->qos), qos_pass(&ws->qos, &w->scn->qos),
		secs > 0 ? (double)ws->requests / secs : 0, secs > 0 ? ws->bytes / secs / 1e6 : 0, ws->hit,
		secs > 0 ? (double)ws->misses / secs : 0, (unsigned long long)ws->m.c.sessions);
}
