/*
** Scenario loading: <vm>, <run>, <qos>, <capacity> and <sweep>.
** Shared state and helpers: load.h.
*/
#include "sim/scenario/load.h"
#include "sim/scenario/dist.h"
#include "sim/engine/cpulist.h"
#include "sim/engine/infile.h"
#include "sim/engine/limits.h"
#include "sim/engine/stats.h"
#include "sim/engine/units.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

/* "0-3,6" -> pCPU ids, each below ncpus: their count; -1 when v is no
** such list (*why says what is expected), -2 when memory ran out. */
static int parse_cpulist(const char *v, int ncpus, int **out, const char **why)
{
	int n = 0, cap = 0, *ids = NULL;
	/* a set: each pCPU once, however often the list names it ("0-255"
	** 200000 times made 200 MB) */
	unsigned char seen[SCN_MAX_CPUS] = { 0 };
	const char *p = v;
	*why = "a pCPU list such as 0-3,6 with ids below the machine's pCPU count";
	if (ncpus > SCN_MAX_CPUS)
		ncpus = SCN_MAX_CPUS;   /* a machine too large: reported with it */
	long a, b;
	int r;
	while ((r = cpulist_next(&p, ncpus, &a, &b)) == 1) {
		for (long c = a; c <= b; c++) {
			if (seen[c])
				continue;
			seen[c] = 1;
			if (n == cap) {
				cap = cap ? 2 * cap : 8;
				int *ni = realloc(ids, (size_t)cap * sizeof *ni);
				if (!ni) {
					free(ids);
					return -2;   /* no room: not the list's fault */
				}
				ids = ni;
			}
			ids[n++] = (int)c;
		}
	}
	if (r < 0 || n == 0)
		goto bad;
	*out = ids;
	return n;
bad:
	free(ids);
	return -1;
}

/* Long: <vm>'s attributes and children in schema order (name, count,
** VCPUs, memory and placement, pinning, guest, workloads), each checked
** where it is read, so its error names its line. */
void ld_read_vm(struct ld *ld, xmlNodePtr n, struct scn_vm *v)
{
	const struct scn_machine *m = &ld->s->machine;
	v->name = ld_dupattr(ld, n, "name");
	if (!v->name)
		return;
	if (strlen(v->name) > SCN_MAX_NAME)
		ld_err_at(ld, n, "name", "expected a name of at most " SCN_STR(SCN_MAX_NAME) " characters", NULL, NULL);
	v->loc = ld_loc_of(ld, n);
	v->count = 1;
	v->node = -1;
	v->weight = 256;
	if (ld_get(ld, n, "count", 0, ld_p_int, &v->count) == 1 && v->count > SCN_MAX_VMS)
		ld_err_at(ld, n, "count", "expected at most " SCN_STR(SCN_MAX_VMS) " VMs", ld_attr(n, "count"), "");
	if (ld_get(ld, n, "vcpus", 1, ld_p_int, &v->vcpus) == 1 && v->vcpus > SCN_MAX_CPUS)
		ld_err_at(ld, n, "vcpus", "expected at most " SCN_STR(SCN_MAX_CPUS) " VCPUs", ld_attr(n, "vcpus"), "");
	if (ld_get(ld, n, "memory", 1, ld_p_bytes, &v->memory) == 1 && v->memory <= 0)
		ld_err_at(ld, n, "memory", "expected a positive size", NULL, NULL);
	const char *pl = ld_attr(n, "placement");
	v->placement = !pl || strcmp(pl, "first-touch") == 0 ? PLACE_FIRST_TOUCH
		       : strcmp(pl, "interleave") == 0 ? PLACE_INTERLEAVE : PLACE_BOUND;
	if (ld_get(ld, n, "node", 0, ld_p_int, &v->node) == 1) {
		if (v->node >= m->nnodes) {
			char why[64];
			snprintf(why, sizeof why, "a node id below %d", m->nnodes);
			ld_err_at(ld, n, "node", "expected ", ld_attr(n, "node"), why);
		}
		if (v->placement != PLACE_BOUND)
			ld_err_at(ld, n, "node", "only used with placement=\"bound\"", NULL, NULL);
	}
	ld_get(ld, n, "weight", 0, ld_p_int, &v->weight);
	ld_get(ld, n, "cap", 0, ld_p_int, &v->cap);
	const char *nice = ld_attr(n, "nice");
	if (nice) {
		char *end;
		long x = strtol(nice, &end, 10);
		if (*end || x < -20 || x > 19)
			ld_err_at(ld, n, "nice", "expected a nice level from -20 to 19", nice, "");
		v->nice = (int)x;
	}
	const char *pin = ld_attr(n, "pin");
	if (pin) {
		const char *why;
		v->npin = parse_cpulist(pin, scn_ncpus(m), &v->pin, &why);
		if (v->npin == -2) {
			ld_mem(ld, NULL);
			v->npin = 0;
		} else if (v->npin < 0) {
			char quoted[200];
			snprintf(quoted, sizeof quoted, "'%s'", pin);
			ld_err_at(ld, n, "pin", "expected ", quoted, why);
			v->npin = 0;
		}
	}
	if (ld_get(ld, n, "mem-share", 0, ld_units_fraction_p, &v->mem_share) == 1 && v->mem_share >= 1)
		ld_err_at(ld, n, "mem-share", "expected a share below 1", NULL, NULL);
	ld_get(ld, n, "wss", 0, ld_p_bytes, &v->wss);
	/* [open] see models/mux.c: no measurement of how fast a 2.6.21
	** guest re-touches its working set after a switch was found */
	v->footprint_time = 1000000;
	if (ld_get(ld, n, "footprint-time", 0, ld_p_time, &v->footprint_time) == 1 &&
	    (v->footprint_time < 1000 || v->footprint_time > (int64_t)3600 * 1000000000))
		ld_err_at(ld, n, "footprint-time", "expected a time from 1us to 1h", ld_attr(n, "footprint-time"), "");
	if (strcmp(ld->s->hv.kind ? ld->s->hv.kind : "", "vbox") == 0 && v->vcpus > 1)
		ld_err_at(ld, n, "vcpus",
		       "expected 1: VirtualBox 2.0.6 runs each VM on a single EMT thread and supports one VCPU "
		       "per guest (SMP guests came with VirtualBox 3.0)", NULL, NULL);
	/* a 2.6.21 guest's kernel costs [open]: TCP/IP + driver per packet,
	** block layer + driver per disk request, the timer-tick handler */
	double f = m->freq > 0 ? m->freq : 2e9;
	v->guest.lock_time = 20 * 1000;
	v->guest.tick = 2e-6 * f;
	v->guest.os_memory = 128.0 * (1 << 20);
	v->guest.packet = 3e-6 * f;
	v->guest.disk = 10e-6 * f;
	xmlNodePtr g = ld_child(n, "guest");
	if (g) {
		if (ld_get(ld, g, "lock-hold", 0, ld_units_fraction_p, &v->guest.lock_hold) == 1 && v->guest.lock_hold >= 1)
			ld_err_at(ld, g, "lock-hold", "expected a share below 1", NULL, NULL);
		/* below ~a cache miss a critical section costs more events than
		** it models (each section is two events) */
		if (ld_get(ld, g, "lock-time", 0, ld_p_time, &v->guest.lock_time) == 1 && v->guest.lock_time < 100)
			ld_err_at(ld, g, "lock-time", "expected at least 100ns", ld_attr(g, "lock-time"), "");
		if (ld_get(ld, g, "timer-hz", 0, ld_p_int, &v->guest.timer_hz) == 1 && v->guest.timer_hz > 10000)
			ld_err_at(ld, g, "timer-hz", "expected at most 10000 ticks per second", ld_attr(g, "timer-hz"), "");
		/* 0: each job runs to its end; else a job that has run this
		** long while others wait goes behind them (docs/workloads.md) */
		if (ld_get(ld, g, "timeslice", 0, ld_p_time, &v->guest.timeslice) == 1 && v->guest.timeslice != 0 &&
		    v->guest.timeslice < 100 * 1000)
			ld_err_at(ld, g, "timeslice", "expected 0 (run to completion) or at least 100us",
				  ld_attr(g, "timeslice"), "");
		ld_get_work(ld, g, "tick", &v->guest.tick);
		ld_get(ld, g, "os-memory", 0, ld_p_bytes, &v->guest.os_memory);
		ld_get_work(ld, g, "packet", &v->guest.packet);
		ld_get_work(ld, g, "disk", &v->guest.disk);
	}
	if (v->guest.os_memory >= v->memory && v->memory > 0)
		ld_err_at(ld, g ? g : n, "os-memory", "expected less than the VM's memory", NULL, NULL);
	for (xmlNodePtr c = ld_next_el(n->children); c; c = ld_next_el(c->next))
		v->nworkloads += ld_is_el(c, "workload");
	v->workload = ld_mem(ld, calloc((size_t)v->nworkloads + 1, sizeof *v->workload));
	if (!v->workload) {
		v->nworkloads = 0;
		return;
	}
	int k = 0;
	for (xmlNodePtr c = ld_next_el(n->children); c && !ld->oom; c = ld_next_el(c->next)) {
		if (!ld_is_el(c, "workload"))
			continue;
		ld_read_workload(ld, c, &v->workload[k]);
		if (v->workload[k++].kind == WL_THREADS)
			ld_err_at(ld, c, "kind", "expected kind=\"threads\" only on the host (modelled host threads)", NULL,
				  NULL);
	}
}

void ld_read_run(struct ld *ld, xmlNodePtr r)
{
	struct scenario *s = ld->s;
	s->seed = 1;
	s->batches = 20;
	char got[96];
	if (ld_get(ld, r, "duration", 1, ld_p_time, &s->duration) == 1 && s->duration <= 0) {
		snprintf(got, sizeof got, "'%.80s'", ld_attr(r, "duration"));
		ld_err_at(ld, r, "duration", "expected a positive time", got, NULL);
	}
	ld_get(ld, r, "warmup", 0, ld_p_time, &s->warmup);
	ld_get(ld, r, "seed", 0, ld_p_u64, &s->seed);
	if (ld_get(ld, r, "batches", 0, ld_p_int, &s->batches) == 1 &&
	    (s->batches < 2 || s->batches > STATS_MAX_BATCHES)) {
		snprintf(got, sizeof got, "'%.80s'", ld_attr(r, "batches"));
		ld_err_at(ld, r, "batches", "expected between 2 and 1000 batches", got, NULL);
	}
	if (s->duration > 0 && s->warmup >= s->duration) {
		char why[96];
		snprintf(why, sizeof why, "a warm-up shorter than the duration (%s)", ld_attr(r, "duration"));
		ld_err_at(ld, r, "warmup", "expected ", ld_attr(r, "warmup"), why);
	}
}

/* QoS: the paper's rule unless standard="official"; single values override. */
void ld_read_qos(struct ld *ld, xmlNodePtr q)
{
	struct scn_qos *o = &ld->s->qos;
	if (!q)
		return;
	o->loc = ld_loc_of(ld, q);
	const char *st = ld_attr(q, "standard");
	if (st && strcmp(st, "official") == 0)
		o->good = 0.95;
	ld_get(ld, q, "good", 0, ld_units_fraction_p, &o->good);
	ld_get(ld, q, "tolerable", 0, ld_units_fraction_p, &o->tolerable);
	if (ld_get(ld, q, "time-good", 0, ld_p_time, &o->time_good) == 1 && o->time_good <= 0)
		ld_err_at(ld, q, "time-good", "expected a positive time", NULL, NULL);
	if (ld_get(ld, q, "time-tolerable", 0, ld_p_time, &o->time_tolerable) == 1 && o->time_tolerable <= 0)
		ld_err_at(ld, q, "time-tolerable", "expected a positive time", NULL, NULL);
	ld_get(ld, q, "min-pages", 0, ld_p_int, &o->min_pages);
	if (o->time_tolerable < o->time_good) {
		char why[160], a[32], b[32];
		snprintf(why, sizeof why, "a time-tolerable (%s) at least time-good (%s)",
			 units_fmt_time(o->time_tolerable, a, sizeof a), units_fmt_time(o->time_good, b, sizeof b));
		ld_err_at(ld, q, NULL, "expected ", NULL, why);
	}
	if (o->good > 1 || o->tolerable > 1) {
		ld_err_at(ld, q, NULL, "expected good and tolerable shares of at most 100%", NULL, NULL);
	} else if (o->tolerable < o->good) {
		/* within the longer time at least as many pages as within the shorter */
		char why[160];
		if (ld_attr(q, "tolerable")) {
			snprintf(why, sizeof why, "a tolerable share at least the good share (%.4g%%)", 100 * o->good);
			ld_range_err(ld, q, "tolerable", why);
		} else {
			/* the tolerable share is the default: the good one is off */
			snprintf(why, sizeof why, "a good share at most the tolerable share (%.4g%%)", 100 * o->tolerable);
			ld_range_err(ld, q, "good", why);
		}
	}
}

void ld_qos_defaults(struct scn_qos *o)
{
	o->good = 0.97;
	o->tolerable = 0.99;
	o->time_good = INT64_C(3000000000);
	o->time_tolerable = INT64_C(5000000000);
	o->min_pages = 100;
}

void ld_read_capacity(struct ld *ld, xmlNodePtr c)
{
	struct scn_capacity *o = &ld->s->capacity;
	o->min = 1;
	o->max = 5000;
	o->replications = 3;   /* SPECweb2005 reports the runs of 3 iterations */
	o->resolution = 1;
	o->sequential = 1;
	o->floor = INT64_C(30000000000);
	o->step = INT64_C(10000000000);
	o->dither = 1;
	if (!c)
		return;
	o->loc = ld_loc_of(ld, c);
	const char *wl = ld_attr(c, "workload");
	o->workload = wl ? ld_mem(ld, strdup(wl)) : NULL;
	ld_get(ld, c, "min", 0, ld_p_int, &o->min);
	if (ld_get(ld, c, "max", 0, ld_p_int, &o->max) == 1 && o->max > SCN_MAX_USERS)
		ld_err_at(ld, c, "max", "expected at most " SCN_STR(SCN_MAX_USERS) " users", ld_attr(c, "max"), "");
	if (ld_get(ld, c, "replications", 0, ld_p_int, &o->replications) == 1 && o->replications > SCN_MAX_REPLICATIONS)
		ld_err_at(ld, c, "replications", "expected at most " SCN_STR(SCN_MAX_REPLICATIONS) " replications",
		       ld_attr(c, "replications"), "");
	/* "10" users per VM, or "2%" of the bracket's lower end
	** (scn_capacity_resolution) */
	const char *res = ld_attr(c, "resolution");
	if (res && strchr(res, '%')) {
		if (scn_resolution_share(res, &o->resolution_rel))
			ld_err_at(ld, c, "resolution", "expected a share above 0% and at most 50%", res, "");
	} else {
		ld_get(ld, c, "resolution", 0, ld_p_int, &o->resolution);
	}
	ld_get(ld, c, "precision", 0, ld_units_fraction_p, &o->precision);
	if (ld_get(ld, c, "max-replications", 0, ld_p_int, &o->max_replications) == 1 &&
	    o->max_replications > SCN_MAX_REPLICATIONS)
		ld_err_at(ld, c, "max-replications", "expected at most " SCN_STR(SCN_MAX_REPLICATIONS) " replications",
			  ld_attr(c, "max-replications"), "");
	if (ld_get(ld, c, "start", 0, ld_p_int, &o->start) == 1 && (o->start < 0 || o->start > SCN_MAX_USERS))
		ld_err_at(ld, c, "start", "expected 0 (from min) to " SCN_STR(SCN_MAX_USERS) " users",
			  ld_attr(c, "start"), "");
	const char *dt = ld_attr(c, "dither");
	if (dt)
		o->dither = ld_bool(dt);
	const char *m = ld_attr(c, "measure");
	if (m)
		o->sequential = strcmp(m, "fixed") != 0;
	if (ld_get(ld, c, "floor", 0, ld_p_time, &o->floor) == 1 && o->floor <= 0)
		ld_err_at(ld, c, "floor", "expected a positive time", ld_attr(c, "floor"), "");
	if (ld_get(ld, c, "step", 0, ld_p_time, &o->step) == 1 && o->step <= 0)
		ld_err_at(ld, c, "step", "expected a positive time", ld_attr(c, "step"), "");
	if (o->min > o->max)
		ld_err_at(ld, c, "min", "expected at most max", ld_attr(c, "min"), "");
	if (!ld_attr(c, "max-replications") && o->precision > 0)
		o->max_replications = 3 * o->replications < SCN_MAX_REPLICATIONS ? 3 * o->replications
										 : SCN_MAX_REPLICATIONS;
	else if (ld_attr(c, "max-replications") && o->max_replications < o->replications)
		ld_err_at(ld, c, "max-replications", "expected at least replications", ld_attr(c, "max-replications"),
			  "");
}

/* scenario.h */
int scn_resolution_share(const char *text, double *share)
{
	char *end;
	errno = 0;
	double x = strtod(text, &end);
	if (end == text || strcmp(end, "%") || errno || !(x > 0 && x <= 50))
		return -1;
	*share = x / 100;
	return 0;
}

/* scenario.h */
int scn_capacity_resolution(const struct scn_capacity *c, int users)
{
	if (c->resolution_rel <= 0)
		return c->resolution;
	double r = floor(c->resolution_rel * users);
	return r < 1 ? 1 : r > INT32_MAX ? INT32_MAX : (int)r;
}

/* scenario.h
** With a share resolution the grid is geometric, 2^(k/16) users (16
** points an octave, 4.4% apart), not multiples of the share there: the
** grid of "2%" would be as fine as the differences between the answers
** of neighbouring seeds, whose replications overlap (seed s runs s,
** s + 1, ...), so their searches would start a few users apart and share
** nothing through hvsim sweep --cache.  The grid stays finer than the
** first bracket step, hint/16 (6.25%), so the start is within a step of
** the answer it rounds (bracket_near, sim/drive/capacity.c). */
int scn_capacity_round(const struct scn_capacity *c, double users)
{
	if (c->resolution_rel > 0) {
		if (!(users >= 1))
			return users >= 0.5 ? 1 : 0;
		double g = exp2(round(log2(users) * SCN_ROUND_GRID) / SCN_ROUND_GRID);
		return g >= INT32_MAX ? INT32_MAX : (int)lround(g);
	}
	int r = scn_capacity_resolution(c, users > INT32_MAX ? INT32_MAX : users < 0 ? 0 : (int)users);
	return (int)lround(users / r) * r;
}

void scn_protocol(struct scenario *s, int p)
{
	if (p != SCN_PROTOCOL_SPECWEB)
		return;
	s->warmup = INT64_C(600000000000);
	s->duration = s->warmup + INT64_C(1800000000000);
	s->capacity.sequential = 0;
	s->capacity.replications = s->capacity.max_replications = 3;
	s->capacity.precision = 0;
}

/* The capacity search needs closed workloads in VMs to vary. */
void ld_check_capacity(struct ld *ld, xmlNodePtr root)
{
	struct scenario *s = ld->s;
	const char *name = s->capacity.workload;
	int found = 0;
	double web_vms = 0;
	for (int i = 0; i < s->nvms; i++)
		for (int k = 0; k < s->vm[i].nworkloads; k++)
			if (!name || strcmp(s->vm[i].workload[k].name, name) == 0) {
				found += s->vm[i].workload[k].closed;
				web_vms += s->vm[i].workload[k].kind == WL_SPECWEB ? s->vm[i].count : 0;
			}
	xmlNodePtr c = ld_child(root, "capacity");
	if (web_vms * s->capacity.max > SCN_MAX_SESSIONS && !(c && ld_attr(c, "max"))) {
		/* the default bound shrinks to what the simulator can hold */
		s->capacity.max = (int)floor(SCN_MAX_SESSIONS / web_vms);
		if (s->capacity.min > s->capacity.max)
			s->capacity.min = s->capacity.max;
	} else if (web_vms * s->capacity.max > SCN_MAX_SESSIONS) {
		char why[200];
		snprintf(why, sizeof why, "a max with at most " SCN_STR(SCN_MAX_SESSIONS)
			 " SPECweb sessions over the %.0f VMs it varies (%.0f per VM)", web_vms,
			 floor(SCN_MAX_SESSIONS / web_vms));
		ld_err_at(ld, c ? c : root, "max", "expected ", NULL, why);
	}
	if (name && !found) {
		ld_err_at(ld, c ? c : root, "workload", "expected the name of a closed workload inside a <vm>", name, "");
	}
	/* The sequential test keeps a batch per step and tests them all after
	** each: a step of 1ns gave 1.2e11 batches of a 120 s interval, whose
	** count overflowed an int (a heap overflow), and 1us 2.9 GB and hours */
	double batches = (double)(s->duration - s->warmup) / (double)s->capacity.step;
	if (c && ld_attr(c, "step") && s->capacity.step > 0 && batches > SCN_MAX_CAP_BATCHES) {
		char why[200];
		snprintf(why, sizeof why,
			 "at most " SCN_STR(SCN_MAX_CAP_BATCHES) " batches of step in the run's measured %.6gs (a step "
			 "of at least %.6gs)",
			 (double)(s->duration - s->warmup) / 1e9,
			 ceil((double)(s->duration - s->warmup) / SCN_MAX_CAP_BATCHES) / 1e9);
		ld_range_err(ld, c, "step", why);
	}
}

/* A number with an optional unit suffix ("10ms" -> 10, "ms"); 0 or -1. */
static int split_unit(const char *v, double *x, const char **unit)
{
	char *end;
	errno = 0;
	*x = strtod(v, &end);
	if (end == v || errno || !isfinite(*x) || *end == ' ')
		return -1;
	*unit = end;
	return 0;
}

/* from/to/step -> the values "from", "from+step", ... up to to (a
** tolerance of 1e-9 steps absorbs the rounding of from + i step). */
static int range_values(struct ld *ld, xmlNodePtr n, struct scn_vary *v)
{
	const char *an[3] = { "from", "to", "step" }, *unit[3] = { "", "", "" }, *raw[3];
	double x[3] = { 0, 0, 1 };
	for (int k = 0; k < 3; k++) {
		raw[k] = ld_attr(n, an[k]);
		if (!raw[k])
			continue;
		if (split_unit(raw[k], &x[k], &unit[k])) {
			char q[200];
			snprintf(q, sizeof q, "'%s'", raw[k]);
			ld_err_at(ld, n, an[k], "expected ", q, "a number, optionally with a unit (such as 4 or 10ms)");
			return -1;
		}
	}
	if (!raw[0] || !raw[1]) {
		ld_err_at(ld, n, raw[0] ? "to" : "from", "required attribute is missing with from/to/step", NULL, NULL);
		return -1;
	}
	for (int k = 1; k < 3; k++)
		if (raw[k] && strcmp(unit[k], unit[0]) != 0) {
			char why[200];
			snprintf(why, sizeof why, "the unit of from ('%s')", unit[0]);
			ld_err_at(ld, n, an[k], "expected ", raw[k], why);
			return -1;
		}
	if (x[2] == 0 || (x[1] - x[0]) * x[2] < 0) {
		ld_err_at(ld, n, "step", "expected a step that goes from 'from' towards 'to'", raw[2] ? raw[2] : "1", "");
		return -1;
	}
	/* a span beyond the largest double (from -1e308 to 1e308) is
	** infinite, though its steps may be few: divide first then */
	double span = x[1] - x[0];
	double cnt = floor((isfinite(span) ? span / x[2] : x[1] / x[2] - x[0] / x[2]) + 1e-9) + 1;
	if (!(cnt <= SCN_MAX_POINTS)) {
		char got[64];
		snprintf(got, sizeof got, "%.6g", cnt);
		ld_err_at(ld, n, NULL, "expected at most " SCN_STR(SCN_MAX_POINTS) " values from 'from' to 'to' by 'step'",
			  got, "");
		return -1;
	}
	v->nvalues = (int)cnt;
	v->values = ld_mem(ld, calloc((size_t)v->nvalues, sizeof *v->values));
	if (!v->values) {
		v->nvalues = 0;
		return -1;
	}
	for (int i = 0; i < v->nvalues; i++) {
		char buf[128];
		double val = x[0] + i * x[2];
		if (!isfinite(val))   /* i * step beyond the largest double */
			val = 2 * (x[0] / 2 + i * (x[2] / 2));
		snprintf(buf, sizeof buf, "%.12g%s", val, unit[0]);
		if (!(v->values[i] = ld_mem(ld, strdup(buf))))
			return -1;
	}
	return 0;
}

/* Long: <sweep>'s mode and each <vary> in turn (key, values or a range,
** the product's size), each checked where it is read. */
/* a as a plain number (no unit), NaN when it is not one: "1", "01" and
** "1.0" are one VM count. */
static double number_or_nan(const char *a)
{
	char *e;
	double x = strtod(a, &e);
	return e != a && !*e ? x : NAN;
}

void ld_read_sweep(struct ld *ld, xmlNodePtr n)
{
	struct scn_sweep *o = &ld->s->sweep;
	if (!n)
		return;
	o->present = 1;
	o->loc = ld_loc_of(ld, n);
	const char *mode = ld_attr(n, "mode");
	o->mode = mode && strcmp(mode, "capacity") == 0 ? SWEEP_CAPACITY : SWEEP_RUN;
	const char *br = ld_attr(n, "bracket");
	if (br && strcmp(br, "previous") == 0)
		o->bracket_previous = o->mode == SWEEP_CAPACITY;   /* a run has no search to start */
	else if (br && strcmp(br, "min") != 0)
		ld_err_at(ld, n, "bracket", "expected min or previous", br, "");
	for (xmlNodePtr c = ld_next_el(n->children); c; c = ld_next_el(c->next))
		o->nvary += ld_is_el(c, "vary");
	if (o->nvary > SCN_MAX_VARY) {
		char got[32];
		snprintf(got, sizeof got, "%d", o->nvary);
		ld_err_at(ld, n, NULL, "expected at most " SCN_STR(SCN_MAX_VARY) " <vary> elements", got, "");
		o->nvary = 0;
	}
	o->vary = ld_mem(ld, calloc((size_t)o->nvary + 1, sizeof *o->vary));
	if (!o->vary) {
		o->nvary = 0;
		return;
	}
	double points = 1;
	int k = 0;
	for (xmlNodePtr c = ld_next_el(n->children); c && k < o->nvary && !ld->oom; c = ld_next_el(c->next)) {
		if (!ld_is_el(c, "vary"))
			continue;
		struct scn_vary *v = &o->vary[k++];
		v->key = ld_dupattr(ld, c, "key");
		v->loc = ld_loc_of(ld, c);
		if (!v->key)
			return;
		for (int j = 0; j < k - 1; j++)
			if (o->vary[j].key && strcmp(o->vary[j].key, v->key) == 0) {
				char why[96];
				snprintf(why, sizeof why, "a key not varied already (line %d)", o->vary[j].loc.line);
				ld_err_at(ld, c, "key", "expected ", v->key, why);
			}
		if (strchr(v->key, '=') || !v->key[0] || v->key[0] == '.' || strstr(v->key, "..")) {
			ld_err_at(ld, c, "key", "expected a --set path such as vm[web].count or hypervisor.profile", v->key,
			       "");
			continue;
		}
		/* a value of the sweep itself changes no point's run: every
		** point would be the same simulation under another label */
		if (strncmp(v->key, "sweep", 5) == 0 && strchr(".[", v->key[5])) {
			ld_err_at(ld, c, "key", "expected a path outside <sweep> (a point's value of the sweep changes no "
				  "run)", v->key, "");
			continue;
		}
		const char *list = ld_attr(c, "values");
		if (list && (ld_attr(c, "from") || ld_attr(c, "to") || ld_attr(c, "step"))) {
			ld_err_at(ld, c, NULL, "expected either values=\"...\" or from/to/step, not both", NULL, NULL);
			continue;
		}
		if (!list && !ld_attr(c, "from") && !ld_attr(c, "to")) {
			ld_err_at(ld, c, NULL, "expected values=\"1 2 4\" or from=\"1\" to=\"10\" step=\"1\"", NULL, NULL);
			continue;
		}
		if (list) {
			char *copy = ld_mem(ld, strdup(list)), *save = NULL;
			int nv = 0;
			if (!copy)
				return;
			for (char *t = strtok_r(copy, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save))
				nv++;
			free(copy);
			if (nv > SCN_MAX_POINTS) {
				/* before the distinct-values check, quadratic in them */
				ld_err_at(ld, c, "values", "expected at most " SCN_STR(SCN_MAX_POINTS) " values", NULL, NULL);
				continue;
			}
			v->values = ld_mem(ld, calloc((size_t)nv + 1, sizeof *v->values));
			copy = v->values ? ld_mem(ld, strdup(list)) : NULL;
			if (!copy)
				return;
			for (char *t = strtok_r(copy, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
				if (!(v->values[v->nvalues] = ld_mem(ld, strdup(t))))
					break;
				v->nvalues++;
			}
			free(copy);
			if (ld->oom)
				return;
			if (v->nvalues == 0)
				ld_err_at(ld, c, "values", "expected at least one value", "''", "");
		} else if (range_values(ld, c, v)) {
			if (ld->oom)
				return;
			continue;
		}
		points *= v->nvalues;
		/* rows of sweep.csv are told apart by their values, and two
		** spellings of one number (1 and 01) would run one point twice.
		** The check is quadratic: each value is read as a number once
		** (NaN: not one; strtod in the pairs' loop took 6 s for 10000
		** values), and not at all once the sweep has too many points
		** anyway (32 such <vary>s took minutes to be refused) */
		if (points > SCN_MAX_POINTS)
			continue;
		double *num = ld_mem(ld, malloc((size_t)v->nvalues * sizeof *num + 1));
		if (!num)
			return;
		for (int i = 0; i < v->nvalues; i++)
			num[i] = number_or_nan(v->values[i]);
		for (int i = 0; i < v->nvalues; i++)
			for (int j = 0; j < i; j++)
				if (!isnan(num[i]) && !isnan(num[j]) ? num[i] == num[j]
								     : strcmp(v->values[i], v->values[j]) == 0) {
					char q[300];
					if (strcmp(v->values[i], v->values[j]) == 0)
						snprintf(q, sizeof q, "'%.100s' twice", v->values[i]);
					else
						snprintf(q, sizeof q, "'%.100s' and '%.100s', one number", v->values[j],
							 v->values[i]);
					ld_err_at(ld, c, "values", "expected distinct values", q, "");
					i = v->nvalues;
					break;
				}
		free(num);
	}
	if (points > SCN_MAX_POINTS) {
		char got[64];
		snprintf(got, sizeof got, "%.0f", points);
		ld_err_at(ld, n, NULL, "expected at most " SCN_STR(SCN_MAX_POINTS) " points in all", got, "");
	}
	o->npoints = BAD(ld) ? 0 : (int)points;
}

