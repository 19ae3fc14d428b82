/*
** Scenario loading: <workload> elements, their distributions and model defaults.
** Shared state and helpers: load.h.
*/
#include "sim/scenario/load.h"
#include "sim/scenario/dist.h"
#include "sim/engine/infile.h"
#include "sim/engine/limits.h"
#include "sim/engine/stats.h"
#include "sim/engine/units.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

/* ------------------------------------------------------- workloads --- */

/* A work amount: a time at the machine's frequency, or cycles. */
int ld_p_work(const char *s, void *o, const char **w)
{
	/* o points at a struct { double freq, out; } */
	double *fo = o;
	int64_t ns;
	const char *w1 = NULL;
	if (units_time(s, &ns, &w1) == 0 || w1 == units_time_big) {
		if (w1 == units_time_big || ns > LIM_TIME) {
			*w = "work of at most " LIM_TIME_TEXT " at the machine's frequency";
			return -1;
		}
		fo[1] = (double)ns * fo[0] / 1e9;
		return 0;
	}
	double c;
	if (units_cycles(s, &c, w) == 0) {
		/* as long as a time of at most LIM_TIME at the machine's clock
		** (the machine is read first; an unknown clock is reported there) */
		if (fo[0] > 0 && c / fo[0] > LIM_TIME_S) {
			*w = "work of at most " LIM_TIME_TEXT " at the machine's frequency";
			return -1;
		}
		fo[1] = c;
		return 0;
	}
	*w = "a time at the machine's frequency (such as 20ms) or cycles (such as 4Mcycles)";
	return -1;
}

static int p_time_d(const char *s, void *o, const char **w)
{
	int64_t ns;
	if (ld_p_time(s, &ns, w) != 0)
		return -1;
	*(double *)o = (double)ns;
	return 0;
}

static void read_dist(struct ld *ld, xmlNodePtr n, struct scn_dist *d, int is_work)
{
	const char *k = ld_attr(n, "dist");
	double fo[2] = { ld->s->machine.freq, 0 };
	d->loc = ld_loc_of(ld, n);
	d->kind = strcmp(k, "exponential") == 0 ? DIST_EXPONENTIAL
		  : strcmp(k, "deterministic") == 0 ? DIST_DETERMINISTIC : DIST_GIVEN;
	if (d->kind == DIST_GIVEN) {
		if (ld_attr(n, "mean"))
			ld_err_at(ld, n, "mean", "not used with dist=\"given\"; expected values=\"...\"", NULL, NULL);
		if (!ld_attr(n, "values")) {
			ld_err_at(ld, n, "values", "required attribute is missing for dist=\"given\"", NULL, NULL);
			return;
		}
		/* given values: parse each as a work amount or a time */
		const char *v = ld_attr(n, "values");
		char *copy = ld_mem(ld, strdup(v)), *save = NULL;
		int cap = 0;
		if (!copy)
			return;
		for (char *tok = strtok_r(copy, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
			const char *why = NULL;
			double x;
			int bad = is_work ? ld_p_work(tok, fo, &why) : p_time_d(tok, &x, &why);
			if (is_work)
				x = fo[1];
			if (bad) {
				char quoted[200];
				snprintf(quoted, sizeof quoted, "'%s' (item %d)", tok, d->nvalues + 1);
				ld_err_at(ld, n, "values", "expected a list of ", quoted, why);
				break;
			}
			if (d->nvalues == cap) {
				cap = cap ? 2 * cap : 8;
				double *nv = realloc(d->values, (size_t)cap * sizeof *nv);
				if (!ld_mem(ld, nv))
					break;
				d->values = nv;
			}
			d->values[d->nvalues++] = x;
		}
		free(copy);
		if (!BAD(ld) && d->nvalues == 0)
			ld_err_at(ld, n, "values", "expected at least one value", NULL, NULL);
		return;
	}
	if (ld_attr(n, "values"))
		ld_err_at(ld, n, "values", "only used with dist=\"given\"", NULL, NULL);
	if (is_work) {
		if (ld_get(ld, n, "mean", 1, ld_p_work, fo) == 1)
			d->mean = fo[1];
	} else {
		ld_get(ld, n, "mean", 1, p_time_d, &d->mean);
	}
}

char *ld_resolve_rel(const char *base, const char *rel);

/* A work amount (time at the machine's frequency, or cycles) into *out. */
int ld_get_work(struct ld *ld, xmlNodePtr n, const char *an, double *out)
{
	double fo[2] = { ld->s->machine.freq, 0 };
	int rc = ld_get(ld, n, an, 0, ld_p_work, fo);
	if (rc == 1)
		*out = fo[1];
	return rc;
}

/* The server side of SPECweb2005 E-commerce.  Every default is [open]:
** the kit publishes no server costs (docs/sources.md sec. 2).  They are
** round figures for Apache 2.2 + PHP on a 2 GHz K8, to be calibrated
** (calibration/paper.xml) against the paper's native points P2-P3. */
const char *const scn_specweb_pages[SCN_SPECWEB_PAGES] = {
	"index", "search", "browse", "browse_productline", "productdetail", "customize1", "customize2",
	"customize3", "cart", "login", "shipping", "billing", "confirm",
};

static void specweb_defaults(struct ld *ld, xmlNodePtr n, struct scn_specweb *o)
{
	double f = ld->s->machine.freq > 0 ? ld->s->machine.freq : 2e9;
	o->loc = ld_loc_of(ld, n);
	o->page_cycles = 0.018 * f;       /* 18 ms of PHP per dynamic page */
	o->image_cycles = 0.0002 * f;     /* 200 us per static image request */
	o->byte_cycles = 1;               /* copy + checksum per reply byte */
	o->kernel_share = 0.3;            /* share in kernel / MMU-heavy code */
	o->ssl_handshake = 0.002 * f;     /* RSA-1024 private-key op, ~2 ms on K8 */
	o->ssl_byte = 20;                 /* RC4/AES + MAC per byte */
	o->besim = 2 * 1000 * 1000;       /* 2 ms round trip to BeSim */
	o->session_memory = 1 << 20;      /* Apache worker + PHP per session */
	o->fileset = 256.0 * (1 << 20);   /* scripts, images, padding files */
	o->link_rate = 100000;            /* the kit's CABLE line */
	o->conns = 2;
	o->not_modified = 1;
	o->timeout = 1;
}

/* The server costs a request replay shares with SPECweb. */
static void read_server_costs(struct ld *ld, xmlNodePtr n, struct scn_specweb *o)
{
	ld_get_work(ld, n, "page-cycles", &o->page_cycles);
	ld_get_work(ld, n, "image-cycles", &o->image_cycles);
	ld_get(ld, n, "byte-cycles", 0, ld_p_nonneg, &o->byte_cycles);
	if (ld_get(ld, n, "kernel-share", 0, ld_units_fraction_p, &o->kernel_share) == 1 && o->kernel_share > 1)
		ld_err_at(ld, n, "kernel-share", "expected a share of at most 1", NULL, NULL);
	ld_get(ld, n, "fileset", 0, ld_p_bytes, &o->fileset);
}

static void read_specweb(struct ld *ld, xmlNodePtr n, struct scn_workload *w)
{
	struct scn_specweb *o = &w->specweb;
	specweb_defaults(ld, n, o);
	w->closed = 1;
	if (ld_get(ld, n, "users", 1, ld_p_int, &w->users) == 1 && w->users > SCN_MAX_USERS)
		ld_err_at(ld, n, "users", "expected at most " SCN_STR(SCN_MAX_USERS) " users", ld_attr(n, "users"), "");
	read_server_costs(ld, n, o);
	ld_get_work(ld, n, "ssl-handshake", &o->ssl_handshake);
	ld_get(ld, n, "ssl-byte", 0, ld_p_nonneg, &o->ssl_byte);
	ld_get(ld, n, "besim", 0, ld_p_time, &o->besim);
	ld_get(ld, n, "session-memory", 0, ld_p_bytes, &o->session_memory);
	if (ld_get(ld, n, "link-rate", 0, ld_p_bitrate, &o->link_rate) == 1 &&
	    !(o->link_rate >= LIM_BYTERATE_MIN && o->link_rate <= LIM_BYTERATE_MAX))
		ld_range_err(ld, n, "link-rate", byterate_why);
	if (ld_get(ld, n, "connections", 0, ld_p_int, &o->conns) == 1 && o->conns > 8)
		ld_err_at(ld, n, "connections", "expected 1 to 8 connections per user", ld_attr(n, "connections"), "");
	const char *ch = ld_attr(n, "chain");
	o->kit_chain = ch && strcmp(ch, "kit") == 0;
	if (ld_attr(n, "not-modified"))
		o->not_modified = ld_bool(ld_attr(n, "not-modified"));
	if (ld_attr(n, "timeout"))
		o->timeout = ld_bool(ld_attr(n, "timeout"));
	for (xmlNodePtr c = ld_next_el(n->children); c; c = ld_next_el(c->next)) {
		const char *pn = ld_attr(c, "name");
		int k = 0;
		while (k < SCN_SPECWEB_PAGES && strcmp(scn_specweb_pages[k], pn) != 0)
			k++;
		if (k == SCN_SPECWEB_PAGES) {
			char names[300] = "";
			for (int i = 0; i < SCN_SPECWEB_PAGES; i++)
				ld_add_name(names, sizeof names, scn_specweb_pages[i]);
			ld_err_at(ld, c, "name", "expected one of the page types ", pn, names);
			continue;
		}
		if (o->page[k] > 0)
			ld_err_at(ld, c, "name", "expected each page type once", pn, "");
		ld_get_work(ld, c, "cycles", &o->page[k]);
	}
}

/* bzip2, netperf and dd (docs/sources.md sec. 1: the paper's microbenchmarks).
** Defaults are the paper's runs (742 MB file, 10 s TCP stream); the CPU
** figures are [open], to calibrate against P9-P11. */
static void read_micro(struct ld *ld, xmlNodePtr n, struct scn_workload *w)
{
	struct scn_micro *o = &w->micro;
	o->loc = ld_loc_of(ld, n);
	o->size = 742e6;
	/* kernel_share is the share of the work in MMU-heavy kernel code
	** (page faults, fork/exec/mmap, address-space switches), which
	** io.shadow multiplies (io.c).  netperf's and dd's kernel work is
	** copying and checksumming in system calls: it writes no page
	** tables, so shadow paging does not slow it and their share is 0. */
	switch (w->kind) {
	case WL_BZIP2:
		o->cycles_per_byte = 300;     /* ~6 MB/s: bzip2 -9 on a 2 GHz K8 [open] */
		o->block = 900e3;             /* bzip2 -9 blocks (read granularity) */
		o->kernel_share = 0.02;
		break;
	case WL_NETPERF:
		o->block = 16384;             /* netperf TCP_STREAM default send size on Linux */
		o->window = 128 * 1024.0;     /* socket buffer: bytes in flight [open] */
		o->duration = INT64_C(10000000000);
		o->cycles_per_byte = 1;       /* copy + checksum */
		o->kernel_share = 0;          /* copying writes no page tables */
		break;
	default:                              /* dd */
		o->block = 512;               /* dd's default block size */
		o->cycles_per_byte = 1;
		o->kernel_share = 0;          /* as netperf's */
		break;
	}
	if (ld_get(ld, n, "size", 0, ld_p_bytes, &o->size) == 1 && o->size <= 0)
		ld_err_at(ld, n, "size", "expected a positive size", NULL, NULL);
	ld_get(ld, n, "cycles-per-byte", 0, ld_p_nonneg, &o->cycles_per_byte);
	if (ld_get(ld, n, w->kind == WL_NETPERF ? "message" : "block", 0, ld_p_bytes, &o->block) == 1 && o->block < 1)
		ld_err_at(ld, n, w->kind == WL_NETPERF ? "message" : "block", "expected at least 1 byte", NULL, NULL);
	if (ld_get(ld, n, "kernel-share", 0, ld_units_fraction_p, &o->kernel_share) == 1 && o->kernel_share > 1)
		ld_err_at(ld, n, "kernel-share", "expected a share of at most 1", NULL, NULL);
	o->cached = ld_bool(ld_attr(n, "cached"));
	static const char *const only[][2] = {
		{ "message", "netperf" }, { "window", "netperf" }, { "duration", "netperf" },
		{ "block", "dd or bzip2" }, { "size", "dd or bzip2" }, { "cached", "bzip2" },
	};
	for (size_t i = 0; i < sizeof only / sizeof only[0]; i++) {
		if (!ld_attr(n, only[i][0]) || strstr(only[i][1], (const char *)n->name))
			continue;
		char why[80];
		snprintf(why, sizeof why, "only used by %s", only[i][1]);
		ld_err_at(ld, n, only[i][0], why, NULL, NULL);
	}
	if (w->kind == WL_NETPERF) {
		ld_get(ld, n, "window", 0, ld_p_bytes, &o->window);
		if (ld_get(ld, n, "duration", 0, ld_p_time, &o->duration) == 1 && o->duration <= 0)
			ld_err_at(ld, n, "duration", "expected a positive time", NULL, NULL);
		if (o->window < o->block)
			ld_err_at(ld, n, "window", "expected at least one message in flight", NULL, NULL);
		else if (o->window / o->block > 65536)
			ld_err_at(ld, n, "window", "expected at most 65536 messages in flight", NULL, NULL);
	}
}

static const char *const wl_kinds[] = { "burst", "activity", "specweb", "bzip2", "netperf", "dd", "requests",
					 "threads" };
/* The element each kind needs ("" burst: <open> or <closed>). */
static const char *const wl_child[] = { "", "trace", "specweb", "bzip2", "netperf", "dd", "requests", "threads" };

void ld_read_workload(struct ld *ld, xmlNodePtr n, struct scn_workload *w)
{
	int errs = diag_count(ld->d);
	w->name = ld_dupattr(ld, n, "name");
	if (!w->name)
		return;
	if (strlen(w->name) > SCN_MAX_NAME)
		ld_err_at(ld, n, "name", "expected a name of at most " SCN_STR(SCN_MAX_NAME) " characters", NULL, NULL);
	w->loc = ld_loc_of(ld, n);
	const char *kind = ld_attr(n, "kind");
	int k = 0;
	while (k < (int)(sizeof wl_kinds / sizeof wl_kinds[0]) - 1 && strcmp(kind, wl_kinds[k]) != 0)
		k++;
	w->kind = (enum scn_workload_kind)k;
	w->speed = 1;
	xmlNodePtr body = ld_next_el(n->children);
	const char *want = wl_child[k];
	int burst_body = ld_is_el(body, "open") || ld_is_el(body, "closed");
	if (*want ? !ld_is_el(body, want) : !burst_body) {
		char what[120];
		if (*want)
			snprintf(what, sizeof what, "expected a <%s> element with kind=\"%s\"", want, kind);
		else
			snprintf(what, sizeof what, "expected <open> or <closed> with kind=\"burst\"");
		ld_err_at(ld, n, "kind", what, NULL, NULL);
		return;
	}
	switch (w->kind) {
	case WL_THREADS:
		/* modelled host threads (models/wl_threads.h) */
		w->trace = ld_resolve_rel(ld_file_of(ld, body), ld_attr(body, "file"));
		w->trace_loc = ld_loc_of(ld, body);
		/* the XSD allows "seen" and "lost" only */
		w->idle_wakeups_lost = ld_attr(body, "idle-wakeups") && !strcmp(ld_attr(body, "idle-wakeups"), "lost");
		return;
	case WL_ACTIVITY:
	case WL_REQUESTS:
		w->trace = ld_mem(ld, ld_resolve_rel(ld_file_of(ld, body), ld_attr(body, "file")));
		if (!w->trace)
			return;
		w->trace_loc = ld_loc_of(ld, body);
		w->loop = ld_bool(ld_attr(body, "loop"));
		if (ld_get(ld, body, "speed", 0, ld_p_nonneg, &w->speed) == 1 &&
		    !(w->speed >= LIM_SPEED_MIN && w->speed <= LIM_SPEED_MAX))
			ld_range_err(ld, body, "speed", "a speed-up from 1e-6 to 1e6");
		if (w->kind == WL_REQUESTS) {
			specweb_defaults(ld, body, &w->specweb);
			read_server_costs(ld, body, &w->specweb);
		}
		return;
	case WL_SPECWEB:
		read_specweb(ld, body, w);
		return;
	case WL_BZIP2:
	case WL_NETPERF:
	case WL_DD:
		read_micro(ld, body, w);
		return;
	case WL_BURST:
		break;
	}
	xmlNodePtr o = ld_child(n, "open"), c = ld_child(n, "closed");
	if (o) {
		if (ld_get(ld, o, "rate", 1, ld_p_rate, &w->rate) == 1 && w->rate <= 0)
			ld_err_at(ld, o, "rate", "expected a positive arrival rate", NULL, NULL);
		else if (w->rate > 0 && !(w->rate >= LIM_RATE_MIN && w->rate <= LIM_RATE_MAX))
			ld_range_err(ld, o, "rate",
				  "an arrival rate from 1e-8/s to 1e9/s (mean gaps from 100000000s down to 1ns; "
				  "faster, gaps round to 0ns)");
		else if (w->rate * ((double)ld->s->duration / 1e9) > LIM_ARRIVALS) {
			char why[200];
			snprintf(why, sizeof why,
				 "at most " LIM_ARRIVALS_TEXT " arrivals over the run (the rate times the run's "
				 "%.6gs: at most %.6g/s)", (double)ld->s->duration / 1e9,
				 LIM_ARRIVALS / ((double)ld->s->duration / 1e9));
			ld_range_err(ld, o, "rate", why);
		}
	} else if (c) {
		w->closed = 1;
		if (ld_get(ld, c, "users", 1, ld_p_int, &w->users) == 1 && w->users > SCN_MAX_USERS)
			ld_err_at(ld, c, "users", "expected at most " SCN_STR(SCN_MAX_USERS) " users", ld_attr(c, "users"),
			       "");
		xmlNodePtr t = ld_child(c, "think");
		if (t)
			read_dist(ld, t, &w->think, 0);
		else
			w->think.kind = DIST_DETERMINISTIC;   /* zero think time */
	}
	xmlNodePtr dm = ld_child(n, "demand");
	if (dm)
		read_dist(ld, dm, &w->demand, 1);
	if (diag_count(ld->d) == errs && w->closed && dist_mean(&w->think) <= 0 && dist_mean(&w->demand) <= 0)
		ld_err_at(ld, c, NULL,
		       "expected a think time or a demand above 0: users that neither think nor work would "
		       "loop forever at one instant", NULL, NULL);
	else if (diag_count(ld->d) == errs && w->closed && ld->s->machine.freq > 0) {
		/* the same cap as <open rate>'s: 6 users with a demand of 1ns
		** and no think time would run for days */
		double cycle_s, run_s = (double)ld->s->duration / 1e9;
		double jobs = scn_closed_jobs(ld->s, w, w->users, &cycle_s);
		if (jobs > LIM_ARRIVALS) {
			char why[240];
			snprintf(why, sizeof why,
				 "at most " LIM_ARRIVALS_TEXT " jobs over the run (users / (mean think time + mean "
				 "demand) x the run's %.6gs; here %.6gs a job: %.3g jobs)",
				 run_s, cycle_s, jobs);
			ld_range_err(ld, c, "users", why);
		}
	}
}

/* scenario.h */
double scn_closed_jobs(const struct scenario *s, const struct scn_workload *w, double users, double *cycle_s)
{
	*cycle_s = dist_mean(&w->think) / 1e9 + dist_mean(&w->demand) / s->machine.freq;
	return users * ((double)s->duration / 1e9) / *cycle_s;
}
